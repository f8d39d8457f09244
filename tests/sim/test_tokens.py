"""The token endpoint, 401s, expiry, refresh rotation and logout."""

from __future__ import annotations

import pytest

from vbotui.sim import SimConfig, Simulator

PASSWORD_GRANT = {"grant_type": "password", "username": "admin", "password": "secret"}


async def test_token_response_shape(sim_client, sim_clock) -> None:
    body = (await sim_client.post("/v3/token", data=PASSWORD_GRANT)).json()
    assert body["token_type"] == "bearer" and body["expires_in"] == 3600 and body["userName"] == "admin"
    assert body[".issued"] == "2024-05-06T09:30:00.0000000Z"
    assert body[".expires"] == "2024-05-06T10:30:00.0000000Z"


@pytest.mark.parametrize(
    "form",
    [
        {**PASSWORD_GRANT, "password": "wrong"},
        {**PASSWORD_GRANT, "username": "bob"},
        {"grant_type": "refresh_token", "refresh_token": "nope"},
    ],
)
async def test_refused_grants_are_oauth_400(sim_client, form) -> None:
    response = await sim_client.post("/v6/token", data=form)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant" and response.json()["error_description"]


async def test_domain_user_and_json_on_v6_only(sim_client) -> None:
    domain = await sim_client.post("/v6/token", json={**PASSWORD_GRANT, "username": "EAST\\admin"})
    assert domain.status_code == 200 and domain.json()["userName"] == "EAST\\admin"
    old = await sim_client.post("/v5/token", json=PASSWORD_GRANT)  # OWIN reads only the form
    assert old.status_code == 400 and old.json()["error"] == "unsupported_grant_type"


async def test_antiforgery_switch_on_v7(sim_client) -> None:
    plain = await sim_client.post("/v7/token", data=PASSWORD_GRANT)
    assert "set-cookie" in plain.headers
    off = await sim_client.post("/v7/token", data={**PASSWORD_GRANT, "disable_antiforgery_token": "true"})
    assert off.status_code == 200 and "set-cookie" not in off.headers


async def test_401_bodies_per_version(sim_client) -> None:
    v3 = await sim_client.get("/v3/Jobs")
    assert v3.status_code == 401
    assert v3.json() == {"message": "Authorization has been denied for this request."}
    v8 = await sim_client.get("/v8/Jobs", headers={"Authorization": "Bearer unknown"})
    assert (v8.status_code, v8.content) == (401, b"")


async def test_token_expires_with_the_clock_and_refresh_rotates(sim_client, sim_clock) -> None:
    tokens = (await sim_client.post("/v8/token", data=PASSWORD_GRANT)).json()
    auth = {"Authorization": f"Bearer {tokens['access_token']}"}
    assert (await sim_client.get("/v8/Jobs", headers=auth)).status_code == 200
    sim_clock.advance(3601)
    assert (await sim_client.get("/v8/Jobs", headers=auth)).status_code == 401
    refreshed = await sim_client.post(
        "/v8/token", data={"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]}
    )
    assert refreshed.status_code == 200
    new_auth = {"Authorization": f"Bearer {refreshed.json()['access_token']}"}
    assert (await sim_client.get("/v8/Jobs", headers=new_auth)).status_code == 200
    reused = await sim_client.post(
        "/v8/token", data={"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]}
    )
    assert reused.status_code == 400  # a refresh token works once


async def test_expire_tokens_helper(sim, sim_client, sign_in) -> None:
    auth = await sign_in("v6")
    sim.expire_tokens()
    assert (await sim_client.get("/v6/Jobs", headers=auth)).status_code == 401


async def test_logout_kills_both_tokens(sim_client) -> None:
    tokens = (await sim_client.post("/v7/token", data=PASSWORD_GRANT)).json()
    auth = {"Authorization": f"Bearer {tokens['access_token']}"}
    logout = await sim_client.post("/v7/token/logout", headers=auth)
    assert (logout.status_code, logout.content) == (200, b"")  # the v7 document: 200 (v8: 204)
    assert (await sim_client.get("/v7/Jobs", headers=auth)).status_code == 401
    refresh = await sim_client.post(
        "/v7/token", data={"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]}
    )
    assert refresh.status_code == 400
    assert (await sim_client.post("/v6/token/logout", headers=auth)).status_code == 404  # v7+ only


async def test_v8_logout_answers_204(sim_client) -> None:
    tokens = (await sim_client.post("/v8/token", data=PASSWORD_GRANT)).json()
    logout = await sim_client.post(
        "/v8/token/logout", headers={"Authorization": f"Bearer {tokens['access_token']}"}
    )
    assert (logout.status_code, logout.content) == (204, b"")


async def test_anonymous_probes(sim_client, sim, sign_in) -> None:
    """ServiceInstance wants a token (an anonymous probe: 401 = served); v8 Health is anonymous."""
    for version in ("v3", "v6", "v7", "v8"):
        assert (await sim_client.get(f"/{version}/ServiceInstance")).status_code == 401
        response = await sim_client.get(f"/{version}/ServiceInstance", headers=await sign_in(version))
        assert response.status_code == 200 and response.json()["installationId"] == sim.state.installation_id
    assert (await sim_client.get("/v8/Health")).json()["status"] == "Healthy"
    assert (await sim_client.get("/v7/Health")).status_code == 404


async def test_unserved_versions_are_404() -> None:
    import httpx

    sim = Simulator(SimConfig(jobs=3, versions=("v6", "v7")))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=sim.app), base_url="http://t") as client:
        assert (await client.get("/v8/ServiceInstance")).status_code == 404
        assert (await client.get("/v3/ServiceInstance")).status_code == 404
        assert (await client.get("/v7/ServiceInstance")).status_code == 401
    with pytest.raises(ValueError, match="v9"):
        Simulator(SimConfig(versions=("v9",)))
