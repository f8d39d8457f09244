"""vbotui: a terminal client for the Veeam Backup for Microsoft 365 REST API."""

import sys as _sys
import types as _types

__version__ = "0.1.0"


def _defer_httpx_cli() -> None:
    """`import httpx` imports its own command line (`httpx._main`: click, pygments, rich.progress),
    which doubles its import time (~50 ms of our start-up; encode/httpx#3547). vbotui never runs
    that command line: a stand-in takes its place until someone calls it, which loads the real one."""
    if "httpx" in _sys.modules or "httpx._main" in _sys.modules:
        return
    stand_in = _types.ModuleType("httpx._main", "Loads httpx's command line when it is run.")

    def main(*args: object, **kwargs: object) -> object:
        import importlib

        del _sys.modules["httpx._main"]
        return importlib.import_module("httpx._main").main(*args, **kwargs)

    stand_in.main = main  # type: ignore[attr-defined]
    _sys.modules["httpx._main"] = stand_in


_defer_httpx_cli()
