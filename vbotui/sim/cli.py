"""`vbotui-sim`: serve the VB365 REST API simulator over HTTPS (or HTTP) with uvicorn."""

from __future__ import annotations

import argparse
import logging
import shlex
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from .certs import make_self_signed, sha256_fingerprint
from .config import SimConfig
from .data import FIRST_JOB_ID
from .data_modes import DATA_MODES
from .data_modes import __doc__ as DATA_MODES_DOC
from .faults import __doc__ as FAULTS_DOC
from .faults import parse_fault


class HelpWithDefaults(argparse.RawDescriptionHelpFormatter, argparse.ArgumentDefaultsHelpFormatter):
    """The epilog's grammar as written, and every option's default in its help."""

    def _get_help_string(self, action: argparse.Action) -> str | None:
        if action.default == []:  # --fault's help says "none"
            return action.help
        return super()._get_help_string(action)


def build_parser() -> argparse.ArgumentParser:
    grammar = (FAULTS_DOC or "").split("Grammar", 1)[-1]
    parser = argparse.ArgumentParser(
        prog="vbotui-sim",
        description="A simulator of the Veeam Backup for Microsoft 365 REST API (v3-v8), seeded and "
        "deterministic, for trying vbotui without a real server.",
        epilog="Fault specs (--fault, repeatable)"
        + grammar
        + "\n\nData modes (--data, repeatable):\n"
        + (DATA_MODES_DOC or "").split("\n\n", 1)[-1],
        formatter_class=HelpWithDefaults,
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=4443, help="port to listen on")
    parser.add_argument("--jobs", type=int, default=300, help="number of backup jobs")
    parser.add_argument("--seed", type=int, default=1, help="seed of the generated data")
    parser.add_argument("--latency-ms", type=float, default=0, help="delay before every answer")
    parser.add_argument(
        "--tls",
        default="self-signed",
        metavar="self-signed|none|CERT.pem,KEY.pem",
        help="self-signed (a new certificate at each start), none (plain HTTP), or a certificate "
        "and key file",
    )
    parser.add_argument("--user", default="admin", help="the user name it accepts")
    parser.add_argument("--password", default="secret", help="the password it accepts")
    parser.add_argument("--token-ttl", type=float, default=3600.0, help="access token lifetime, seconds")
    parser.add_argument("--run-seconds", type=float, default=20.0, help="how long a started job runs")
    parser.add_argument(
        "--fault", action="append", default=[], metavar="SPEC", help="inject a fault (none by default)"
    )
    parser.add_argument(
        "--data",
        action="append",
        default=[],
        choices=DATA_MODES,
        help="serve data a client must survive: edge dates, hostile ids and names, log items "
        "without ids, real servers' quirks (repeatable, none by default; see below)",
    )
    parser.add_argument(
        "--history",
        type=int,
        default=0,
        metavar="N",
        help="past sessions per job, every 4 hours back from its last run (default: two to five)",
    )
    parser.add_argument(
        "--log-lines",
        type=int,
        default=0,
        metavar="N",
        help="N more lines in every session's log (a static long log of a running session)",
    )
    parser.add_argument(
        "--log-rate",
        type=float,
        default=0.0,
        metavar="N",
        help="a session's log grows N more lines a second while it runs",
    )
    parser.add_argument(
        "--trickle-seconds",
        type=float,
        default=5.0,
        help="a trickle fault's pause before each byte",
    )
    return parser


def tls_files(mode: str, workdir: Path) -> tuple[Path, Path] | None:
    if mode == "none":
        return None
    if mode == "self-signed":
        return make_self_signed(workdir)
    cert, sep, key = mode.partition(",")
    if not sep or not cert or not key:
        raise ValueError(f"--tls must be self-signed, none or CERT.pem,KEY.pem (got {mode!r})")
    return Path(cert), Path(key)


def quoted(value: str) -> str:
    """In single quotes as a shell reads them: `'VBO\\operator'`, not repr's doubled backslash."""
    return f"'{value}'" if "'" not in value else shlex.quote(value)


def banner(args: argparse.Namespace, files: tuple[Path, Path] | None) -> str:
    scheme = "https" if files else "http"
    url = f"{scheme}://{args.host}:{args.port}"
    lines = [
        f"vbotui-sim serving VB365 REST API v3-v8 at {url}  ({args.jobs} jobs, seed {args.seed}"
        + (f", data {', '.join(args.data)})" if args.data else ")"),
        f"credentials (simulated server): user {quoted(args.user)}, password {quoted(args.password)}",
    ]
    curl_tls = ""
    if files:
        lines.append(f"TLS certificate: {files[0]}")
        lines.append(f"SHA-256 fingerprint: {sha256_fingerprint(files[0].read_bytes())}")
        curl_tls = f"--cacert {files[0]} "
    lines += [
        "try:",
        # Quoted for the shell: a `VBO\\operator` keeps its backslash when the line is pasted.
        f"  TOKEN=$(curl -s {curl_tls}-d {shlex.quote('grant_type=password')} "
        f"--data-urlencode {shlex.quote('username=' + args.user)} "
        f"--data-urlencode {shlex.quote('password=' + args.password)} {url}/v3/token"
        " | python3 -c 'import json,sys; "
        'print(json.load(sys.stdin)["access_token"])\')',
        f"  curl -i {curl_tls}-H \"Authorization: Bearer $TOKEN\" -H 'Content-Type: application/json' "
        f"-d '{{\"enable\": null}}' {url}/v3/Jobs/{FIRST_JOB_ID}/Action",
    ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        for spec in args.fault:
            parse_fault(spec)
    except ValueError as error:
        parser.error(str(error))
    import uvicorn

    from .server import Simulator

    config = SimConfig(
        jobs=args.jobs,
        seed=args.seed,
        user=args.user,
        password=args.password,
        token_ttl=args.token_ttl,
        latency_ms=args.latency_ms,
        run_seconds=args.run_seconds,
        faults=tuple(args.fault),
        data=tuple(args.data),
        trickle_seconds=args.trickle_seconds,
        history=max(0, args.history),
        log_lines=max(0, args.log_lines),
        log_rate=max(0.0, args.log_rate),
    )
    with tempfile.TemporaryDirectory(prefix="vbotui-sim-") as tmp:
        try:
            files = tls_files(args.tls, Path(tmp))
        except ValueError as error:
            parser.error(str(error))
        sim = Simulator(config)
        print(banner(args, files), flush=True)
        cert, key = (str(files[0]), str(files[1])) if files else (None, None)
        server_config = uvicorn.Config(
            sim.app,
            host=args.host,
            port=args.port,
            log_level="warning",
            lifespan="off",
            ssl_certfile=cert,
            ssl_keyfile=key,
            # A request held by a `timeout` fault must not hold SIGTERM: cancel it after 1 s.
            timeout_graceful_shutdown=1,
        )
        logging.getLogger("uvicorn.error").addFilter(DropsSaidInOneLine())  # after Config set logging
        uvicorn.Server(server_config).run()
    return 0


class DropsSaidInOneLine(logging.Filter):
    """A `drop`/`drop-after` fault ends the app with SimulatedDrop on purpose: uvicorn would log a
    traceback for it ("Exception in ASGI application"); one line says what happened instead."""

    def filter(self, record: logging.LogRecord) -> bool:
        from .server import SimulatedDrop

        if record.exc_info and isinstance(record.exc_info[1], SimulatedDrop):
            record.msg, record.args = "fault: connection dropped (as the fault spec asks)", ()
            record.exc_info, record.exc_text = None, None
        return True


if __name__ == "__main__":
    sys.exit(main())
