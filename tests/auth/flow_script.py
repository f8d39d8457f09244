"""Run as a subprocess by the tests: a whole sign-in, a few actions and a logout, headless.

Prints one JSON line on stdout: the store used, the notice, and (for the parent test to search
for, never logged) the password and every token the simulator issued. Logs go to stderr at DEBUG.
With --write-files it also pins a certificate and saves the profile, so that there are files to
inspect under the (temporary) HOME and XDG directories.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sys

import httpx

from vbotui.auth import ServerSession, open_token_store
from vbotui.config import Profile, save_profile
from vbotui.sim import SimConfig, Simulator
from vbotui.sim.tokens import IssuedTokens as SimTokens
from vbotui.tls import KnownServers

PASSWORD = "pw-Very-Secret-42"


async def main(write_files: bool) -> None:
    logging.basicConfig(level=logging.DEBUG, stream=sys.stderr)
    sim = Simulator(SimConfig(jobs=4, seed=2, user="admin", password=PASSWORD))
    issued: list[str] = []
    original_issue = SimTokens.issue

    def recording_issue(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        grant = original_issue(self, *args, **kwargs)
        issued.extend([grant.access_token, grant.refresh_token])
        return grant

    SimTokens.issue = recording_issue  # type: ignore[method-assign]
    store, notice = await open_token_store()
    profile = Profile(sys.argv[-1], "https://vbo.test:4443", user="admin", api_version="v8")
    known = KnownServers()
    if write_files:
        known.pin("vbo.test", 4443, "AB" * 32)
        save_profile(profile)
    transport = httpx.ASGITransport(app=sim.app)
    session = ServerSession(profile, store, known_servers=known, transport=transport, env={})
    outcome = await session.sign_in(PASSWORD)
    assert outcome.client is not None
    jobs = await outcome.client.list_jobs()
    await outcome.client.job_action(jobs[0].id, "start")
    await session.aclose()
    resumed = await ServerSession(profile, store, known_servers=known, transport=transport, env={}).start()
    logout = await session.logout()
    print(
        json.dumps(
            {
                "store": store.description,
                "persistent": store.persistent,
                "notice": notice,
                "resumed": resumed.method,
                "logout": [logout.signed_out_on_server, logout.entry_deleted],
                "secrets": [PASSWORD, *issued],
            }
        )
    )


if __name__ == "__main__":
    asyncio.run(main("--write-files" in sys.argv))
