"""A one-shot command's sign-in, in process and word for word: where the password comes from, what
--fingerprint accepts, and what the operator reads when a certificate is unknown or changed (with
and without a terminal to ask on), against the simulator over real HTTPS on loopback."""

from __future__ import annotations

import io
import os
import socket
import sys
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backends import null

from vbotui.auth import Secret
from vbotui.commands.exits import EXIT_UNREACHABLE, EXIT_USAGE, CommandError
from vbotui.commands.signin import (
    Terminal,
    read_password_file,
    read_password_stdin,
    sign_in,
    with_fingerprint,
)
from vbotui.config import Profile
from vbotui.tls import KnownServers, TlsTrust

from ..helpers.tls import self_signed
from .conftest import SEED_JOB, Server, make_server
from .inprocess import InProcess, TtyText

PIN = "AB:" * 31 + "AB"
OTHER = "CD:" * 31 + "CD"


def _private(tmp_path: Path, text: str, mode: int = 0o600) -> Path:
    path = tmp_path / "password"
    path.write_text(text, encoding="utf-8")
    path.chmod(mode)
    return path


def _refused(call: object, *args: object) -> CommandError:
    with pytest.raises(CommandError) as refused:
        call(*args)  # type: ignore[operator]
    return refused.value


def test_a_missing_password_file_is_named_with_the_systems_reason(tmp_path: Path) -> None:
    path = tmp_path / "nowhere"
    error = _refused(read_password_file, str(path))
    assert (error.code, error.message) == (EXIT_USAGE, f"--password-file {path}: No such file or directory")


def test_a_link_to_a_private_file_is_refused_not_followed(tmp_path: Path) -> None:
    link = tmp_path / "link"
    link.symlink_to(_private(tmp_path, "s3cret\n"))
    error = _refused(read_password_file, str(link))
    assert (error.code, error.message) == (
        EXIT_USAGE,
        f"--password-file {link}: Too many levels of symbolic links",
    )


def test_a_loose_password_file_is_refused_in_words(tmp_path: Path) -> None:
    path = _private(tmp_path, "s3cret\n", 0o640)
    assert _refused(read_password_file, str(path)).message == (
        f"--password-file {path} is mode 0640: refused (it must be yours and 0600: chmod 600 it)"
    )


@pytest.mark.skipif(os.getuid() != 0, reason="giving a file to another user needs root")
def test_a_password_file_of_another_user_is_refused_even_when_private(tmp_path: Path) -> None:
    path = _private(tmp_path, "s3cret\n")
    os.chown(path, 4242, -1)
    assert _refused(read_password_file, str(path)).message == (
        f"--password-file {path} is mode 0600, owned by another user: "
        "refused (it must be yours and 0600: chmod 600 it)"
    )


def test_the_password_file_is_read_as_utf8_without_its_line_ending(tmp_path: Path) -> None:
    assert read_password_file(str(_private(tmp_path, "pässwörd\r\n"))).reveal() == "pässwörd"
    assert read_password_file(str(_private(tmp_path, "s3cret"))).reveal() == "s3cret"


def test_an_empty_password_names_where_it_came_from(tmp_path: Path) -> None:
    path = _private(tmp_path, "\n")
    assert _refused(read_password_file, str(path)).message == (
        f"--password-file {path}: the password is empty: nothing sent"
    )
    assert _refused(read_password_stdin, io.StringIO("\r\n")).message == (
        "--password-stdin: the password is empty: nothing sent"
    )


@pytest.mark.parametrize(
    ("text", "password"),
    [("s3cret\r\n", "s3cret"), ("s3cret\n", "s3cret"), ("s3cret", "s3cret"), ("two\nlines\n", "two\nlines")],
)
def test_only_one_line_ending_is_dropped_from_stdin(text: str, password: str) -> None:
    assert read_password_stdin(io.StringIO(text)).reveal() == password


# --fingerprint, before anything is sent


def _profile(tls: TlsTrust | None = None) -> Profile:
    return Profile("lab", "https://vbo01.example:4443", user="admin", tls=tls or TlsTrust())


def test_no_fingerprint_leaves_the_profile_alone(tmp_path: Path) -> None:
    profile = _profile()
    assert with_fingerprint(profile, None, KnownServers(tmp_path / "known.json")) is profile


def test_a_fingerprint_pins_the_profile_for_this_run(tmp_path: Path) -> None:
    known = KnownServers(tmp_path / "known.json")
    pinned = with_fingerprint(_profile(), "sha256:" + PIN.replace(":", "").lower(), known)
    assert pinned.tls == TlsTrust("pinned")  # first use: the certificate shown must be that one
    assert pinned.url == "https://vbo01.example:4443" and pinned.user == "admin"
    known.pin("vbo01.example", 4443, PIN)
    assert with_fingerprint(_profile(), f"SHA256:{PIN}", known).tls == TlsTrust("pinned")
    by_profile = _profile(TlsTrust("pinned", pin_sha256=PIN))
    assert with_fingerprint(by_profile, f"SHA256:{PIN}", known).tls == TlsTrust("pinned", pin_sha256=PIN)


def test_a_fingerprint_that_is_no_fingerprint_is_a_usage_error(tmp_path: Path) -> None:
    error = _refused(with_fingerprint, _profile(), "SHA256:nonsense", KnownServers(tmp_path / "k.json"))
    assert error.code == EXIT_USAGE and error.message.startswith("--fingerprint: ")


@pytest.mark.parametrize("tls", [TlsTrust("insecure"), TlsTrust("ca_file", ca_file="/etc/ca.pem")])
def test_a_fingerprint_does_not_go_with_another_trust(tmp_path: Path, tls: TlsTrust) -> None:
    error = _refused(with_fingerprint, _profile(tls), f"SHA256:{PIN}", KnownServers(tmp_path / "k.json"))
    assert (error.code, error.message) == (
        EXIT_USAGE,
        f"--fingerprint does not go with TLS mode {tls.mode} (--ca-file, --insecure)",
    )


def test_a_fingerprint_never_overrides_a_pin(tmp_path: Path) -> None:
    known = KnownServers(tmp_path / "known.json")
    known.pin("vbo01.example", 4443, PIN)
    error = _refused(with_fingerprint, _profile(), f"SHA256:{OTHER}", known)
    assert (error.code, error.message) == (
        EXIT_UNREACHABLE,
        f"--fingerprint {OTHER} is not the certificate pinned for https://vbo01.example:4443 ({PIN}): "
        "refused, nothing sent",
    )
    by_profile = _profile(TlsTrust("pinned", pin_sha256=OTHER))
    error = _refused(with_fingerprint, by_profile, f"SHA256:{PIN}", KnownServers(tmp_path / "none.json"))
    assert (
        error.code == EXIT_UNREACHABLE and f"pinned for https://vbo01.example:4443 ({OTHER})" in error.message
    )


def test_an_unreadable_known_servers_file_is_exit_3_with_its_reason(tmp_path: Path) -> None:
    broken = tmp_path / "known.json"
    broken.write_text("{not json", encoding="utf-8")
    error = _refused(with_fingerprint, _profile(), f"SHA256:{PIN}", KnownServers(broken))
    assert error.code == EXIT_UNREACHABLE and str(broken) in error.message


# The terminal


def test_the_terminal_is_interactive_only_when_stdin_and_stderr_are_terminals(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for stdin_tty, stderr_tty, stdin_taken, interactive in [
        (True, True, False, True),
        (True, True, True, False),
        (False, True, False, False),
        (True, False, False, False),
    ]:
        stdin = TtyText("y\n") if stdin_tty else io.StringIO("y\n")
        stderr = TtyText() if stderr_tty else io.StringIO()
        monkeypatch.setattr(sys, "stdin", stdin)
        monkeypatch.setattr(sys, "stderr", stderr)
        terminal = Terminal.detect(stdin_taken=stdin_taken)
        assert terminal.interactive is interactive, (stdin_tty, stderr_tty, stdin_taken)
        assert terminal.stdin is stdin and terminal.stderr is stderr
    monkeypatch.setattr(sys, "stdin", TtyText())
    monkeypatch.setattr(sys, "stderr", TtyText())
    assert Terminal.detect().interactive is True


def test_the_terminal_says_a_line_and_asks_on_stderr() -> None:
    terminal = Terminal(io.StringIO(" replace \nnext\n"), io.StringIO(), interactive=True)
    terminal.say("vbotui: one")
    assert terminal.ask("Type 'replace': ") == "replace"
    assert terminal.stderr.getvalue() == "vbotui: one\nType 'replace': "  # type: ignore[attr-defined]


# The whole sign-in, through the command line


@pytest.fixture
def unpinned(tmp_path: Path) -> Iterator[Server]:
    for server in make_server(tmp_path):
        server.known_servers.forget("127.0.0.1", server.port)
        yield server


def _unknown(server: Server) -> str:
    return (
        f"127.0.0.1:{server.port} presents a certificate that is not trusted: SHA-256 {server.cert.sha256}\n"
    )


def test_an_unknown_certificate_without_a_terminal_is_refused_with_the_flag_to_pin_it(
    unpinned: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    done = InProcess(unpinned, monkeypatch).run("jobs")
    assert done.code == EXIT_UNREACHABLE
    assert done.stderr.startswith(f"vbotui jobs: {_unknown(unpinned)}  subject "), done.stderr
    assert (
        "\nRefused; nothing sent. If it is your server's, pin it with "
        f"--fingerprint SHA256:{unpinned.cert.sha256}" in done.stderr
    )
    assert unpinned.sim.requests == []


def test_a_wrong_fingerprint_is_refused_and_the_right_one_pinned(
    unpinned: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    here = InProcess(unpinned, monkeypatch)
    wrong = "00:" * 31 + "00"
    done = here.run("jobs", "--fingerprint", f"SHA256:{wrong}")
    assert done.code == EXIT_UNREACHABLE
    assert (
        f"127.0.0.1:{unpinned.port} presents SHA-256 {unpinned.cert.sha256}, not the --fingerprint {wrong}: "
        "refused, nothing sent"
    ) in done.stderr
    assert unpinned.known_servers.get("127.0.0.1", unpinned.port) is None
    done = here.run("jobs", "--fingerprint", f"SHA256:{unpinned.cert.sha256}")
    assert done.code == 0, done.stderr
    assert f"vbotui: pinned 127.0.0.1:{unpinned.port} to SHA-256 {unpinned.cert.sha256}\n" in done.stderr
    known = unpinned.known_servers.get("127.0.0.1", unpinned.port)
    assert known is not None and known.sha256 == unpinned.cert.sha256


@pytest.mark.parametrize("answer", ["y", "YES"])
def test_the_operator_trusts_an_unknown_certificate_on_a_terminal(
    unpinned: Server, monkeypatch: pytest.MonkeyPatch, answer: str
) -> None:
    done = InProcess(unpinned, monkeypatch).run("jobs", stderr_tty=True, stdin=f"{answer}\n")
    assert done.code == 0, done.stderr
    assert _unknown(unpinned) in done.stderr
    assert "Trust it and pin it? [y/N] " in done.stderr
    assert f"vbotui: pinned 127.0.0.1:{unpinned.port} to SHA-256 {unpinned.cert.sha256}" in done.stderr
    known = unpinned.known_servers.get("127.0.0.1", unpinned.port)
    assert known is not None and known.sha256 == unpinned.cert.sha256


def test_the_operator_refuses_an_unknown_certificate_on_a_terminal(
    unpinned: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    done = InProcess(unpinned, monkeypatch).run("jobs", stderr_tty=True, stdin="n\n")
    assert done.code == EXIT_UNREACHABLE
    assert done.stderr.endswith(
        "Trust it and pin it? [y/N] vbotui jobs: certificate not trusted; nothing sent\n"
    )
    assert unpinned.known_servers.get("127.0.0.1", unpinned.port) is None
    assert unpinned.sim.requests == []


def _changed(server: Server) -> str:
    return (
        f"the certificate of 127.0.0.1:{server.port} CHANGED: pinned SHA-256 {PIN}, the server now presents "
        f"SHA-256 {server.cert.sha256}. Refused; nothing sent. If the change is expected, replace the pin in "
        "vbotui (the app asks you to type 'replace')."
    )


def test_a_changed_certificate_without_a_terminal_is_refused_with_both_fingerprints(
    server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    server.pin(PIN)
    done = InProcess(server, monkeypatch).run("enable", SEED_JOB)
    assert (done.code, done.stderr) == (EXIT_UNREACHABLE, f"vbotui enable: {_changed(server)}\n")
    assert server.sim.requests == []


def test_a_changed_certificate_is_replaced_only_when_the_operator_types_replace(
    server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    server.pin(PIN)
    here = InProcess(server, monkeypatch)
    done = here.run("jobs", stderr_tty=True, stdin="y\n")
    assert done.code == EXIT_UNREACHABLE
    assert _changed(server) + "\nType 'replace' to pin the new certificate: " in done.stderr
    assert done.stderr.endswith("vbotui jobs: changed certificate refused; nothing sent\n")
    assert server.known_servers.get("127.0.0.1", server.port).sha256 == PIN  # type: ignore[union-attr]
    done = here.run("jobs", stderr_tty=True, stdin="replace\n")
    assert done.code == 0, done.stderr
    assert f"vbotui: pinned 127.0.0.1:{server.port} to SHA-256 {server.cert.sha256}" in done.stderr
    assert server.known_servers.get("127.0.0.1", server.port).sha256 == server.cert.sha256  # type: ignore[union-attr]


def test_no_password_and_no_terminal_names_the_ways_to_give_one(
    server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    done = InProcess(server, monkeypatch).run("jobs", password=None)
    assert done.code == EXIT_UNREACHABLE
    assert done.stderr.endswith(
        f"vbotui jobs: no saved sign-in for {server.url.removeprefix('https://')} and no password: use "
        "--password-file, --password-stdin or VBOTUI_PASSWORD (no terminal to ask on)\n"
    ), done.stderr
    assert not [r for r in server.sim.requests if r.path.endswith("/token")]


def test_a_refused_password_is_exit_3_with_the_servers_words(
    server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    here = InProcess(server, monkeypatch)
    done = here.run("jobs", "--password-stdin", password=None, stdin="wrong\n")
    assert done.code == EXIT_UNREACHABLE
    assert (
        f"vbotui jobs: sign-in refused by {server.url}: The user name or password is incorrect" in done.stderr
    )
    # VBOTUI_PASSWORD refused: said, and then there is nothing else to sign in with.
    done = here.run("jobs", password="wrong")
    assert done.code == EXIT_UNREACHABLE
    assert done.stderr.startswith(
        "vbotui: VBOTUI_PASSWORD was refused: 400 The user name or password is incorrect. (invalid_grant)\n"
        "vbotui jobs: no saved sign-in for "
    )


def test_a_server_nobody_answers_is_exit_3_cannot_reach(
    server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    url = f"https://127.0.0.1:{port}"
    server.known_servers.pin("127.0.0.1", port, server.cert.sha256)
    done = InProcess(server, monkeypatch).run("jobs", "--server", url, "--user", "admin", select=False)
    assert done.code == EXIT_UNREACHABLE
    assert done.stderr.endswith(
        f"vbotui jobs: cannot reach {url}: could not connect: All connection attempts failed\n"
    )


def test_a_fingerprint_that_contradicts_the_pin_is_refused_before_anything_is_sent(
    server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    done = InProcess(server, monkeypatch).run("jobs", "--fingerprint", f"SHA256:{PIN}")
    assert done.code == EXIT_UNREACHABLE
    assert (
        f"vbotui jobs: --fingerprint {PIN} is not the certificate pinned for {server.url} "
        f"({server.cert.sha256}): refused, nothing sent"
    ) in done.stderr
    assert server.sim.requests == []


def test_a_fingerprint_with_insecure_is_a_usage_error(
    server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    done = InProcess(server, monkeypatch).run("jobs", "--insecure", "--fingerprint", f"SHA256:{PIN}")
    assert done.code == EXIT_USAGE
    assert "--fingerprint does not go with TLS mode insecure (--ca-file, --insecure)" in done.stderr
    assert server.sim.requests == []


def test_a_terminal_hears_that_no_keyring_keeps_the_sign_in(
    server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    done = InProcess(server, monkeypatch).run("jobs", stderr_tty=True)
    assert done.code == 0, done.stderr
    assert done.stderr.startswith(
        "vbotui: No secure OS keyring (the keyring is disabled (null backend)): "
        "sign-in kept in memory for this run only\n"
    ), done.stderr


async def test_sign_in_uses_the_pins_and_the_environment_it_is_given(
    server: Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(keyring, "get_keyring", null.Keyring)
    monkeypatch.delenv("VBOTUI_PASSWORD", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "elsewhere"))  # no pin in the default file
    terminal = Terminal(io.StringIO(), io.StringIO(), interactive=False)
    signed = await sign_in(
        Profile("lab", server.url, user="admin"),
        fingerprint=None,
        password=None,
        terminal=terminal,
        known=server.known_servers,
        env={"VBOTUI_PASSWORD": "secret"},
        keyring_note=False,
    )
    try:
        assert (signed.outcome.status, signed.outcome.method) == ("signed_in", "password")
        assert signed.client is signed.outcome.client
    finally:
        await signed.session.aclose()
    with pytest.raises(CommandError) as refused:
        await sign_in(
            Profile("lab", server.url, user="admin"),
            fingerprint=None,
            password=Secret("secret"),
            terminal=terminal,
            known=KnownServers(tmp_path / "no-pins.json"),
            env={},
        )
    assert refused.value.code == EXIT_UNREACHABLE and "not trusted" in refused.value.message


def test_the_unknown_certificate_is_described_by_its_subject_and_issuer(
    unpinned: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    done = InProcess(unpinned, monkeypatch).run("jobs")
    assert "\n  subject CN=vbo01.corp.local, issuer CN=vbo01.corp.local, valid until 2" in done.stderr


def test_a_certificate_another_ca_does_not_sign_is_refused_with_its_fingerprint(
    server: Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "other-ca").mkdir()
    other = self_signed(tmp_path / "other-ca", "other")
    done = InProcess(server, monkeypatch).run("jobs", "--ca-file", str(other.cert))
    assert done.code == EXIT_UNREACHABLE
    assert done.stderr.endswith(
        f"vbotui jobs: TLS refused 127.0.0.1:{server.port} (it presents SHA-256 {server.cert.sha256}): "
        "TLS certificate not trusted: self-signed certificate; nothing sent\n"
    ), done.stderr
    assert server.sim.requests == []


def test_no_user_and_no_saved_sign_in_asks_for_user(server: Server, monkeypatch: pytest.MonkeyPatch) -> None:
    done = InProcess(server, monkeypatch).run("jobs", "--server", server.url, select=False, password=None)
    assert done.code == EXIT_USAGE
    name = server.url.removeprefix("https://")
    assert done.stderr.endswith(f"vbotui jobs: no saved sign-in for {name} and no user: give --user\n")


def test_the_password_from_stdin_signs_in(server: Server, monkeypatch: pytest.MonkeyPatch) -> None:
    done = InProcess(server, monkeypatch).run("jobs", "--password-stdin", password=None, stdin="secret\n")
    assert done.code == 0, done.stderr


def test_a_server_that_fails_the_sign_in_is_exit_3_with_its_words(
    server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    server.sim.add_fault("503@POST:/v8/token")
    done = InProcess(server, monkeypatch).run("jobs")
    assert done.code == EXIT_UNREACHABLE
    assert f"vbotui jobs: sign-in to {server.url} failed: 503" in done.stderr, done.stderr


def test_an_unreadable_known_servers_file_stops_the_sign_in(
    server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    server.known_servers.path.write_text("{not json", encoding="utf-8")
    done = InProcess(server, monkeypatch).run("jobs")
    assert done.code == EXIT_UNREACHABLE
    assert done.stderr.startswith(f"vbotui jobs: cannot read {server.known_servers.path}: Expecting")
    assert server.sim.requests == []
