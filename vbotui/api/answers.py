"""The JSON of an answer: strict decoding (NaN refused, nesting bounded by RecursionError), decoded
in a worker thread, element by element, when the answer is large; and the object an answer must be."""

from __future__ import annotations

import asyncio
import json
import re
from json.decoder import scanstring  # type: ignore[attr-defined]
from typing import Any

import httpx

from .errors import UnreadableAnswer, json_type


def parse_json(content: bytes, *, in_pieces: bool = False) -> Any:
    """Strict JSON: ValueError for anything else (NaN and Infinity included), RecursionError for
    JSON nested deeper than the interpreter can follow. `decode_json` turns both into an answer.

    `in_pieces`: the same result, decoded one element of the outer array (or of an array in the
    outer object, such as a page's `results`) at a time, so that a thread decoding a large list
    lets the event loop run between elements (one `json.loads` holds the GIL to its end)."""
    if not in_pieces:
        return json.loads(content, parse_constant=_refuse_constant)
    text = content.decode(json.detect_encoding(content), "surrogatepass")
    value, end = _piece(text, _skip(text, 0), 0)
    end = _skip(text, end)
    if end != len(text):
        raise json.JSONDecodeError("Extra data", text, end)
    return value


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


_DECODER = json.JSONDecoder(parse_constant=_refuse_constant)
_SPACE = re.compile(r"[ \t\n\r]*")


def _skip(text: str, pos: int) -> int:
    match = _SPACE.match(text, pos)
    return match.end() if match else pos


def _piece(text: str, pos: int, depth: int) -> tuple[Any, int]:
    """The value at `pos` (no space before it): the outer array or object, and an array in the
    outer object, element by element; anything deeper in one C call."""
    char = text[pos : pos + 1]
    if char == "[" and depth < 2:
        items: list[Any] = []
        pos = _skip(text, pos + 1)
        if text[pos : pos + 1] == "]":
            return items, pos + 1
        while True:
            value, pos = _piece(text, pos, depth + 1)
            items.append(value)
            pos = _skip(text, pos)
            char = text[pos : pos + 1]
            if char == "]":
                return items, pos + 1
            if char != ",":
                raise json.JSONDecodeError("Expecting ',' delimiter", text, pos)
            pos = _skip(text, pos + 1)
    if char == "{" and depth < 1:
        members: dict[str, Any] = {}
        pos = _skip(text, pos + 1)
        if text[pos : pos + 1] == "}":
            return members, pos + 1
        while True:
            if text[pos : pos + 1] != '"':
                raise json.JSONDecodeError("Expecting property name enclosed in double quotes", text, pos)
            key, pos = scanstring(text, pos + 1)
            pos = _skip(text, pos)
            if text[pos : pos + 1] != ":":
                raise json.JSONDecodeError("Expecting ':' delimiter", text, pos)
            value, pos = _piece(text, _skip(text, pos + 1), depth + 1)
            members[key] = value
            pos = _skip(text, pos)
            char = text[pos : pos + 1]
            if char == "}":
                return members, pos + 1
            if char != ",":
                raise json.JSONDecodeError("Expecting ',' delimiter", text, pos)
            pos = _skip(text, pos + 1)
    return _DECODER.raw_decode(text, pos)


# Answers at least this large are decoded in a worker thread, in pieces (`decode_json_off_loop`).
OFF_LOOP_BYTES = 256 * 1024


async def decode_json_off_loop(response: httpx.Response, method: str, path: str) -> Any:
    """`decode_json`; a large body in a thread, element by element, so the event loop (the UI)
    is not blocked for the whole decode (a 10,000-job page is ~12 MB: ~100 ms in one call)."""
    if len(response.content) < OFF_LOOP_BYTES:
        return decode_json(response, method, path)
    return await asyncio.to_thread(decode_json, response, method, path, in_pieces=True)


def decode_json(response: httpx.Response, method: str, path: str, *, in_pieces: bool = False) -> Any:
    """The JSON body of a 2xx response, or None when it is empty; UnreadableAnswer otherwise."""
    if not response.content.strip():
        return None
    try:
        return parse_json(response.content, in_pieces=in_pieces)
    except RecursionError:
        detail = "its JSON is nested too deeply"
    except ValueError:  # JSONDecodeError, UnicodeDecodeError, NaN
        detail = (
            f"the server's reply is not JSON (HTTP {response.status_code}, "
            f"{response.headers.get('content-type', 'no content type')})"
        )
    raise UnreadableAnswer(detail, status=response.status_code, method=method, path=path)


def expect_object(body: Any, response: httpx.Response, method: str, path: str) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise UnreadableAnswer(
            f"expected a JSON object, got {json_type(body)}",
            status=response.status_code,
            method=method,
            path=path,
        )
    return body
