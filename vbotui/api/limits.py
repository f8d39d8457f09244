"""How long the client waits and how much it reads, by kind of request (README: "Deadlines and
ceilings"). A server that trickles its answer or streams for ever must end in an error, never in a
hung command or a process that grows without bound.

    request_s          JSON reads and job actions: the whole exchange, first byte to last
    download_stall_s   downloads (saved items, PST exports, which the server builds before its first
                       byte): no total, but no byte (nor the headers) for this long ends the download
    restore_s          synchronous restores (v3-v7 answer only when the restore has ended)
    max_answer_bytes   the most one JSON answer may hold, read as it streams in
    max_list_bytes     the most one collection's pages may hold together (a server that pages for ever)
"""

from __future__ import annotations

from dataclasses import dataclass

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    request_s: float = 60.0
    download_stall_s: float = 600.0
    restore_s: float = 4 * 3600.0
    max_answer_bytes: int = 64 * MB
    max_list_bytes: int = 512 * MB

    def __post_init__(self) -> None:
        for name in ("request_s", "download_stall_s", "restore_s", "max_answer_bytes", "max_list_bytes"):
            if not getattr(self, name) > 0:
                raise ValueError(f"{name} must be positive, not {getattr(self, name)!r}")
