"""The exit codes of the one-shot commands and of `vbotui logout` (a contract: scripts test them).

0  every requested action done (a --filter that matches nothing too, with a note on stderr)
1  at least one action refused or failed by the server, or a read the server refused
2  usage, or nothing sent because of a local rule (bad flag or value, unknown or ambiguous job,
   --yes missing without a TTY, a read-only profile, --full on v3-v5, a loose password file)
3  cannot sign in or reach the server, or its certificate refused
4  at least one outcome unknown (the request may have reached the server): wins over 1 and over
   a signal's code; also a command stopped by SIGHUP, SIGINT or SIGTERM while an action was in flight
129, 130, 143  stopped by SIGHUP, SIGINT, SIGTERM (128 + the signal) while no action was in flight,
   also after actions done or refused (the command did not finish; stderr names each outcome)

The app (the TUI) ends with 129, 130, 143 on SIGHUP (or its terminal gone), SIGINT, SIGTERM.
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_UNREACHABLE = 3
EXIT_UNKNOWN = 4


def signal_exit_code(signum: int) -> int:
    """128 + the signal, as a shell reports a process the signal ended: 129 HUP, 130 INT, 143 TERM."""
    return 128 + signum


class CommandError(Exception):
    """Ends the command: `message` on stderr (one line, or a few), exit `code`."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
