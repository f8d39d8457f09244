"""`vbotui jobs | start | stop | ...`: one-shot commands for scripts (no Textual; import-linter checks it).

They sign in like the app (keyring token, or a password from a file, stdin or VBOTUI_PASSWORD),
trust servers like the app (pins in known_servers.json; `--fingerprint` pins on first use) and do
everything through the operations layer, so every action has one outcome and one audit record.

    from vbotui.commands import find_command, run_command
    index = find_command(argv)          # the command word, wherever the selection flags put it
    if index is not None:
        sys.exit(run_command(argv[index], argv[:index] + argv[index + 1:]))
"""

from __future__ import annotations

from collections.abc import Sequence

from .exits import EXIT_FAILED, EXIT_OK, EXIT_UNKNOWN, EXIT_UNREACHABLE, EXIT_USAGE

COMMANDS = (
    "jobs",
    "start",
    "stop",
    "enable",
    "disable",
    "explore",
    "sessions",
    "log",
    "restore-sessions",
    "stop-restore-session",
)

# Options that take a value (so the word after them is no command), of the app and of the commands.
VALUE_OPTIONS = frozenset(
    {
        "--profile",
        "--server",
        "--user",
        "--api-version",
        "--ca-file",
        "--refresh",
        "--demo-jobs",
        "--demo-api",
        "--demo-latency-ms",
        "--download-dir",
        "--password-file",
        "--fingerprint",
        "--output",
        "--filter",
        "--sort",
        "--org",
        "--at",
        "--type",
        "--limit",
    }
)


def find_command(argv: Sequence[str]) -> int | None:
    """The index of the command word in `argv` (options may come before it), or None: the app."""
    skip = False
    for index, word in enumerate(argv):
        if skip:
            skip = False
            continue
        if word == "--":
            return None
        if word.startswith("-"):
            skip = word in VALUE_OPTIONS  # `--server=URL` carries its value
            continue
        return index if word in COMMANDS else None
    return None


def run_command(command: str, argv: Sequence[str]) -> int:
    """Run one command (`argv`: its options and arguments, the selection flags among them)."""
    from .run import main

    return main(command, list(argv))


__all__ = [
    "COMMANDS",
    "EXIT_FAILED",
    "EXIT_OK",
    "EXIT_UNKNOWN",
    "EXIT_UNREACHABLE",
    "EXIT_USAGE",
    "find_command",
    "run_command",
]
