"""The server's own endpoints: /token (password and refresh grants) and v8 Health, which need no token;
logout and ServiceInstance, which do."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from .config import SimConfig
from .protocol import empty_response, json_response, oauth_error
from .routes import Call
from .tokens import IssuedTokens, token_json

# What GET /vN/ServiceInstance reports as the build of each API version.
BUILDS = {3: "3.0.0.422", 4: "4.0.1.612", 5: "5.0.3.1063", 6: "6.1.0.254", 7: "7.1.0.2031", 8: "8.1.0.331"}


def bare_user(user_name: str) -> str:
    """`DOMAIN\\admin` or `admin@domain` -> `admin` (lowercased)."""
    return user_name.rsplit("\\", 1)[-1].split("@", 1)[0].lower()


def user_matches(config: SimConfig, user_name: str) -> bool:
    """`admin` or `DOMAIN\\admin` (or admin@domain) all name the configured user, which is reduced
    the same way (`--user 'VBO\\operator'` accepts operator, VBO\\operator, operator@vbo)."""
    return bare_user(user_name) == bare_user(config.user)


async def issue_token(call: Call, config: SimConfig, tokens: IssuedTokens) -> Response:
    """POST /vN/token: form-encoded everywhere, JSON too on v6+ (the caller parsed either into body)."""
    params: dict[str, Any] = call.body if isinstance(call.body, dict) else {}
    grant_type = str(params.get("grant_type") or "")
    if grant_type == "password":
        user_name = str(params.get("username") or "")
        if not user_name or not user_matches(config, user_name) or params.get("password") != config.password:
            return oauth_error("invalid_grant", "The user name or password is incorrect.")
        grant = tokens.issue(user_name, call.now, config.token_ttl)
    elif grant_type == "refresh_token":
        refreshed = tokens.refresh(str(params.get("refresh_token") or ""), call.now, config.token_ttl)
        if refreshed is None:
            return oauth_error("invalid_grant", "The refresh token is invalid or has expired.")
        grant = refreshed
    elif grant_type:
        return oauth_error("unsupported_grant_type", f"The grant type '{grant_type}' is not supported.")
    else:
        return oauth_error("unsupported_grant_type", "The grant_type parameter is missing.")
    response = json_response(token_json(grant, config.token_ttl))
    antiforgery_off = str(params.get("disable_antiforgery_token", "")).lower() == "true"
    if call.caps.antiforgery_token and not antiforgery_off:
        # v7+ hand browsers an antiforgery cookie unless told not to; nothing here checks it.
        response.set_cookie("VeeamAntiforgery", grant.refresh_token[:16], httponly=True, samesite="strict")
    return response


async def logout(call: Call, tokens: IssuedTokens) -> Response:
    """POST /v7|v8/token/logout: the access and refresh tokens of this sign-in stop working.
    200 on v7, 204 on v8 (as their documents say)."""
    if call.grant is not None:
        tokens.logout(call.grant)
    return empty_response(204 if call.caps.ends_answer_204 else 200)


async def service_instance(call: Call) -> Response:
    return json_response({"installationId": call.state.installation_id, "version": BUILDS[call.version]})


async def health(call: Call) -> Response:
    """v8: the NATS server and the PostgreSQL configuration database, each Healthy or Unhealthy."""
    overall, parts = call.state.health()
    entries = {name: {"status": status, "description": note} for name, (status, note) in parts.items()}
    return json_response({"status": overall, "entries": entries})
