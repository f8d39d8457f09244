"""Against a real Secret Service keyring: sign in through the screen, next run resumes, logout clears.

Run: scripts/with-keyring.sh python -m pytest -q tests/signin -m keyring
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid

import pytest

from vbotui.auth import KeyringTokenStore, open_token_store
from vbotui.sim import SimConfig, Simulator
from vbotui.tls import TlsTrust

from ..helpers.tls import self_signed, serve_https
from .support import (
    PASSWORD,
    grants,
    lab_profile,
    main_loaded,
    make_setup,
    new_app,
    sign_in_screen,
    type_password,
)

pytestmark = [
    pytest.mark.keyring,
    pytest.mark.skipif(
        not os.environ.get("DBUS_SESSION_BUS_ADDRESS"), reason="no D-Bus session: use scripts/with-keyring.sh"
    ),
]


async def test_signed_in_once_the_next_run_needs_no_password_and_logout_removes_the_entry(tmp_path):
    store, notice = await open_token_store()
    if not isinstance(store, KeyringTokenStore):
        pytest.skip(f"no usable Secret Service here: {notice}")
    name = f"vbotui-ui-test-{uuid.uuid4()}"  # never touches a real profile's entry
    sim = Simulator(SimConfig(jobs=4, user="admin", password=PASSWORD))
    cert = self_signed(tmp_path, "server")
    try:
        with serve_https(sim.app, cert) as port:
            url = f"https://127.0.0.1:{port}"
            profile = lab_profile(name, url, tls=TlsTrust("ca_file", ca_file=str(cert.cert)))

            first = new_app(make_setup(tmp_path, None, profile, store=store))
            async with first.run_test() as pilot:
                await sign_in_screen(pilot)
                await type_password(pilot, PASSWORD)
                await main_loaded(pilot)
            await first.aclose()
            saved = store.backend.get_password("vbotui", name)
            assert saved is not None and PASSWORD not in saved

            second = new_app(make_setup(tmp_path, None, profile, store=store))
            async with second.run_test() as pilot:
                main = await main_loaded(pilot)
                assert len(main.jobs.jobs) == 4
            await second.aclose()
            assert grants(sim) == ["password", "refresh_token"]

            config = tmp_path / "config.toml"
            config.write_text(
                f'[profiles."{name}"]\nurl = "{url}"\nuser = "admin"\n'
                f'tls = "ca_file"\nca_file = "{cert.cert}"\n'
            )
            done = subprocess.run(
                [sys.executable, "-m", "vbotui.cli", "logout", "--profile", name],
                env={**os.environ, "VBOTUI_CONFIG": str(config)},
                capture_output=True,
                text=True,
                timeout=120,
            )
        assert done.returncode == 0, done.stderr
        assert "server session revoked" in done.stdout and "saved sign-in deleted" in done.stdout
        assert store.backend.get_password("vbotui", name) is None
        assert [r.path for r in sim.requests if r.path.endswith("/token/logout")] == ["/v8/token/logout"]
    finally:
        store.delete(name)
