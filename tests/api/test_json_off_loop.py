"""Large answers are decoded in a thread, element by element: the same values and the same
refusals as one `json.loads` (the UI loop is not blocked; speed itself is asserted nowhere)."""

from __future__ import annotations

import json

import httpx
import pytest

from vbotui.api import answers as answers_module
from vbotui.api import client as client_module
from vbotui.api.answers import parse_json
from vbotui.api.client import VboClient
from vbotui.sim import SimConfig, Simulator

SAME = [
    b"[]",
    b" {} ",
    b"[ ]",
    b'{"a":[1,2,{"b":[3]}],"c":"x","a":5}',
    b'[[1,[2]],{"k":[1]}, "s", 1.5e3, true, null, -0.0]',
    '{"\u00e9":["\u00fc\\u00e9"]}'.encode(),
    b'{"results":[{"x":1},{"y":[1,2]}],"offset":0,"_links":{"next":{}}}',
    "[1]".encode("utf-16"),
    b"\xef\xbb\xbf[1]",
    b"[1,2]  \n",
    b'"x"',
    b"3",
]
REFUSED = [
    b"[1,]",
    b'{"a":1,}',
    b"[1 2]",
    b'{"a" 1}',
    b"[NaN]",
    b'{"a":[Infinity]}',
    b"[1]x",
    b"{a:1}",
    b"[",
    b'{"a":[1',
    b"",
    b"[1,\n",
    b'{"a":[1,]}',
    b"[-]",
]


@pytest.mark.parametrize("body", SAME)
def test_in_pieces_reads_the_same_values(body: bytes) -> None:
    assert parse_json(body, in_pieces=True) == json.loads(body)


@pytest.mark.parametrize("body", REFUSED)
def test_in_pieces_refuses_the_same_bodies(body: bytes) -> None:
    with pytest.raises(ValueError):
        parse_json(body)
    with pytest.raises(ValueError):
        parse_json(body, in_pieces=True)


def test_in_pieces_too_deep_is_a_recursion_error() -> None:
    with pytest.raises(RecursionError):
        parse_json(b"[" * 100_000 + b"]" * 100_000, in_pieces=True)


@pytest.mark.parametrize("version", ["v3", "v8"])
async def test_list_jobs_off_the_loop_is_the_same_list(version: str, monkeypatch: pytest.MonkeyPatch) -> None:
    sim = Simulator(SimConfig(jobs=120, seed=3))
    client = VboClient("http://sim.test", version, transport=httpx.ASGITransport(app=sim.app), page_size=50)
    try:
        await client.sign_in(sim.config.user, sim.config.password)
        inline = await client.list_jobs()
        monkeypatch.setattr(answers_module, "OFF_LOOP_BYTES", 0)
        monkeypatch.setattr(client_module, "OFF_LOOP_ITEMS", 0)
        assert await client.list_jobs() == inline
    finally:
        await client.aclose()
