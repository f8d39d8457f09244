"""The argparse parsers of the one-shot commands: their `--help` is part of the contract (README)."""

from __future__ import annotations

import argparse

from vbotui.api.dialects import API_VERSION_CHOICES
from vbotui.api.models import EXPLORE_TYPES

SORT_KEYS = ("name", "organization", "enabled", "last-status", "last-run", "next-run", "last-backup")
ACTION_COMMANDS = ("start", "stop", "enable", "disable")

EXIT_CODES = """exit codes:
  0  every requested action done (a --filter that matches nothing too, with a note on stderr)
  1  at least one action refused or failed by the server
  2  usage, or nothing sent because of a local rule (bad flag or value, unknown or ambiguous job,
     --yes missing without a TTY, a read-only profile, --full on v3-v5, a loose password file)
  3  cannot sign in or reach the server, or its certificate refused
  4  at least one outcome unknown (the request may have reached the server; check before retrying),
     also when stopped by SIGHUP, SIGINT or SIGTERM with an action in flight
  129, 130, 143  stopped by SIGHUP, SIGINT, SIGTERM with no action in flight (the actions
     already answered are named on stderr with their outcomes)"""

DESCRIPTIONS = {
    "jobs": "List the jobs (the TUI's filter grammar: words, status:, org:, enabled:, name:, a leading !).",
    "start": "Start jobs (--full: an active full backup, API v6+).",
    "stop": "Stop running jobs.",
    "enable": "Enable jobs.",
    "disable": "Disable jobs.",
    "explore": "Open a restore session of a job's backup at a point in time.",
    "sessions": "The newest job sessions, of one job or of every job.",
    "log": "The log items of a job session, oldest first.",
    "restore-sessions": "The server's restore sessions.",
    "stop-restore-session": "Stop a restore session.",
}

JOB_HELP = "a job id, or an exact, case-sensitive job name (--org narrows names)"
SAFETY = (
    "stop, disable, stop-restore-session, --full and any action on more than one job need --yes "
    "(or a typed y on a TTY); without it, and in a read-only profile, nothing is sent. A --filter "
    "that matches jobs of more than one organization is refused (exit 2) unless --org ORG or "
    "--all-orgs says which: use org:= for one tenant (org:contoso also matches contoso-emea)."
)


def _selection(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("server (also accepted before the command)")
    group.add_argument("--profile", metavar="NAME", help="a profile from the config file")
    group.add_argument("--server", metavar="URL", help="e.g. https://vbo.example.com:4443")
    group.add_argument("--user", metavar="USER")
    group.add_argument("--api-version", choices=API_VERSION_CHOICES, help="default: auto (newest served)")
    trust = group.add_mutually_exclusive_group()
    trust.add_argument("--ca-file", metavar="PATH", help="trust this CA bundle instead of the system's")
    trust.add_argument("--insecure", action="store_true", help="do not verify the server's certificate")
    group.add_argument(
        "--allow-plain-http", action="store_true", help="allow an http:// server other than loopback"
    )
    group.add_argument("--read-only", action="store_true", help="send no action (exit 2 if one is asked)")
    group.add_argument(
        "--fingerprint",
        metavar="SHA256:HEX",
        help="the server certificate's SHA-256: pinned on first use, refused if the server shows another",
    )
    signin = group.add_mutually_exclusive_group()
    signin.add_argument(
        "--password-file", metavar="PATH", help="read the password from PATH (refused unless 0600, yours)"
    )
    signin.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    group.add_argument(
        "--utc", action="store_true", help="show and read times in UTC (json and csv are always UTC)"
    )
    group.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="also say what is only worth knowing on a terminal (e.g. that no keyring is used)",
    )


def _output(parser: argparse.ArgumentParser, choices: tuple[str, ...]) -> None:
    parser.add_argument("--output", choices=choices, default="table", help="default: table")
    if "csv" in choices:
        parser.add_argument(
            "--csv-raw",
            action="store_true",
            help="csv: cells as the server wrote them, without the ' that keeps a spreadsheet from "
            "reading =, +, -, @, tab or CR at the start as a formula (for machines; a terminal still "
            "gets cleaned text)",
        )


def _jobs_selection(parser: argparse.ArgumentParser, *, many: bool) -> None:
    if many:
        parser.add_argument("jobs", nargs="*", metavar="JOB", help=JOB_HELP)
        parser.add_argument(
            "--filter", metavar="EXPR", help="the jobs the TUI's filter shows (instead of JOB)"
        )
        parser.add_argument(
            "--all-orgs",
            action="store_true",
            help="let --filter act on jobs of more than one organization (refused otherwise)",
        )
    else:
        parser.add_argument("job", metavar="JOB", help=JOB_HELP)
    parser.add_argument("--org", metavar="ORG", help="only jobs of this organization (name or id)")


def parse_command_args(command: str, argv: list[str]) -> argparse.Namespace:
    """The command's arguments (usage: SystemExit(2)). `--at -2h` is taken as written: argparse
    would read a value starting with "-" as an option."""
    return build_command_parser(command).parse_intermixed_args(joined_values(argv, ("--at",)))


def joined_values(argv: list[str], options: tuple[str, ...]) -> list[str]:
    """`--at -1d12h` -> `--at=-1d12h` for `options`, whose value is never an option."""
    joined: list[str] = []
    index = 0
    while index < len(argv):
        word = argv[index]
        if word == "--":
            return joined + argv[index:]
        if word in options and index + 1 < len(argv):
            joined.append(f"{word}={argv[index + 1]}")
            index += 2
            continue
        joined.append(word)
        index += 1
    return joined


def build_command_parser(command: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=f"vbotui {command}",
        description=DESCRIPTIONS[command],
        epilog=(SAFETY + "\n\n" if command in (*ACTION_COMMANDS, "stop-restore-session") else "")
        + EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    if command == "jobs":
        parser.add_argument("--filter", metavar="EXPR", help="e.g. 'status:failed org:contoso !enabled:no'")
        parser.add_argument("--org", metavar="ORG", help="only jobs of this organization (name or id)")
        parser.add_argument("--sort", choices=SORT_KEYS, default="name", help="default: name")
        _output(parser, ("table", "json", "csv"))
    elif command in ACTION_COMMANDS:
        _jobs_selection(parser, many=True)
        if command == "start":
            parser.add_argument(
                "--full", action="store_true", help="an active full backup (API v6+; needs --yes)"
            )
        parser.add_argument("--yes", action="store_true", help="do it without asking")
        _output(parser, ("table", "json"))
    elif command == "explore":
        _jobs_selection(parser, many=False)
        parser.add_argument(
            "--at",
            metavar="TIME",
            required=True,
            help="latest, now, -2h, -3d, YYYY-MM-DD HH:MM (local; UTC with --utc) or ISO 8601",
        )
        parser.add_argument(
            "--type", choices=tuple(EXPLORE_TYPES), default="vex", help="default: vex (Exchange)"
        )
        parser.add_argument("--show-deleted", action="store_true")
        parser.add_argument("--show-all-versions", action="store_true")
        _output(parser, ("table", "json"))
    elif command == "sessions":
        parser.add_argument("job", metavar="JOB", nargs="?", help=JOB_HELP + "; without it: every job's")
        parser.add_argument("--org", metavar="ORG", help="narrows a JOB name to this organization")
        parser.add_argument("--limit", metavar="N", type=_positive, default=10, help="default: 10")
        _output(parser, ("table", "json", "csv"))
    elif command == "log":
        parser.add_argument("session_id", metavar="SESSION_ID")
        parser.add_argument(
            "--follow",
            action="store_true",
            help="while the session runs, print new items as they come (table)",
        )
        _output(parser, ("table", "json", "csv"))
    elif command == "restore-sessions":
        _output(parser, ("table", "json", "csv"))
    elif command == "stop-restore-session":
        parser.add_argument("session_id", metavar="SESSION_ID")
        parser.add_argument("--yes", action="store_true", help="do it without asking")
        _output(parser, ("table", "json"))
    else:  # pragma: no cover - COMMANDS and this function are kept together
        raise ValueError(f"unknown command {command!r}")
    _selection(parser)
    return parser


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if not 1 <= value <= 10_000:
        raise argparse.ArgumentTypeError(f"must be from 1 to 10000, not {value}")
    return value
