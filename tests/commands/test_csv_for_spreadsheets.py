"""CSV for spreadsheets and machines: every record read back by Python's csv module as written,
formula-leading cells neutralised (OWASP) unless --csv-raw, cleaned text on a terminal."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timezone

from hypothesis import example, given
from hypothesis import strategies as st

from vbotui.commands.output import Printer, neutralise, write_csv

from .conftest import Server
from .inprocess import InProcess, TtyText

FIELDS = ("id", "name", "enabled", "lastRun", "progress")
LEADS = ("=", "+", "-", "@", "\t", "\r")


def read_back(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def expected_cell(value: object, raw: bool) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%dT%H:%M:%SZ")
    text = str(value)
    if not raw and isinstance(value, str) and text[:1] in LEADS:
        return "'" + text
    return text


names = st.text(
    alphabet=st.sampled_from(list("ab ,\"'=+-@\t\r\n;|\x1b\u202e")) | st.characters(), max_size=30
)


@given(st.lists(names, max_size=8), st.booleans())
@example(["\r=1+1", '=HYPERLINK("http://x")', "+cmd|' /C calc'!A0", "a\rb", 'q"uote'], False)
@example(["\r=1+1", "plain", "-2", "@SUM(A1)"], True)
def test_every_cell_reads_back_as_written(names: list[str], raw: bool) -> None:
    when = datetime(2024, 5, 6, 9, 30, tzinfo=timezone.utc)
    records = [
        {"id": f"id-{i}", "name": name, "enabled": i % 2 == 0, "lastRun": when, "progress": -i}
        for i, name in enumerate(names)
    ]
    out = io.StringIO()
    write_csv(records, FIELDS, out, raw=raw)
    rows = read_back(out.getvalue())
    assert rows[0] == list(FIELDS)
    assert len(rows) == 1 + len(records)  # a bare CR never splits a record
    for row, record in zip(rows[1:], records, strict=True):
        assert row == [expected_cell(record[field], raw) for field in FIELDS]


def test_a_cr_is_quoted_and_formula_leads_get_a_quote_mark() -> None:
    out = io.StringIO()
    write_csv([{"id": "1", "name": "\r=1+1"}, {"id": "2", "name": "=HYPERLINK(1)"}], ("id", "name"), out)
    assert out.getvalue() == "id,name\n1,\"'\r=1+1\"\n2,'=HYPERLINK(1)\n"
    assert [neutralise(lead + "x") for lead in LEADS] == ["'" + lead + "x" for lead in LEADS]
    assert neutralise("a=b") == "a=b" and neutralise("") == ""


def test_numbers_dates_and_flags_are_never_given_a_quote_mark() -> None:
    out = io.StringIO()
    write_csv([{"id": "1", "progress": -5, "enabled": False}], ("id", "progress", "enabled"), out)
    assert read_back(out.getvalue())[1] == ["1", "-5", "false"]


def test_on_a_terminal_csv_is_cleaned_even_raw() -> None:
    hostile = "evil\x1b]0;pwned\x07\x1b[2J\u202e"
    for raw in (False, True):
        out = TtyText()
        write_csv([{"id": "1", "name": hostile}], ("id", "name"), out, raw=raw)
        text = out.getvalue()
        for unsafe in ("\x1b", "\x07", "\u202e"):
            assert unsafe not in text
        assert "evil^[]0;pwned^G^[[2J<U+202E>" in text
    piped = io.StringIO()
    write_csv([{"id": "1", "name": hostile}], ("id", "name"), piped)
    assert read_back(piped.getvalue())[1] == ["1", hostile]  # raw to a pipe or file


def test_jobs_output_csv_in_process_neutralises_unless_csv_raw(server: Server, monkeypatch) -> None:
    here = InProcess(server, monkeypatch)
    formula = server.sim.add_job('=HYPERLINK("http://evil.example","x")')
    broken = server.sim.add_job("\r=1+1")
    done = here.run("jobs", "--output", "csv")
    assert done.code == 0, done.stderr
    rows = {row["id"]: row for row in csv.DictReader(io.StringIO(done.stdout, newline=""))}
    assert len(rows) == len(server.sim.jobs)
    assert rows[formula]["name"] == '\'=HYPERLINK("http://evil.example","x")'
    assert rows[broken]["name"] == "'\r=1+1"
    raw = here.run("jobs", "--output", "csv", "--csv-raw")
    rows = {row["id"]: row for row in csv.DictReader(io.StringIO(raw.stdout, newline=""))}
    assert rows[formula]["name"].startswith("=HYPERLINK") and rows[broken]["name"] == "\r=1+1"
    on_tty = here.run("jobs", "--output", "csv", "--csv-raw", tty=True)
    assert "\r" not in on_tty.stdout and "^M=1+1" in on_tty.stdout
    for command in ("sessions", "log", "restore-sessions"):
        help_text = here.run(command, "--help", select=False)
        assert "--csv-raw" in help_text.stdout, command


def test_a_follows_later_batches_add_rows_without_a_second_header() -> None:
    """`log --follow --output csv`: one header, then the rows of each batch, one CSV document."""
    out = io.StringIO()
    printer = Printer("csv", out)
    printer.records([{"time": "a", "text": "first"}], ["time", "text"])
    printer.records([{"time": "b", "text": "second"}], ["time", "text"], header=False)
    printer.records([], ["time", "text"], header=False)
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows == [["time", "text"], ["a", "first"], ["b", "second"]]
