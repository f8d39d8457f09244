"""The one-shot table on a terminal fits its width, losing columns in the documented order (id,
then next run, then times as dates, then cut names never below NAME_FLOOR), and says so once on
stderr; to a pipe or file nothing is cut or left out."""

from __future__ import annotations

import io
from datetime import datetime, timezone

import pytest

from vbotui.commands.records import JOB_TABLE
from vbotui.commands.table import NAME_FLOOR, layout_table, write_table
from vbotui.textclean import cell_width

from .conftest import Server
from .inprocess import InProcess

WHEN = datetime(2024, 5, 6, 9, 30, tzinfo=timezone.utc)
HEADERS = ["NAME", "ORGANIZATION", "ENABLED", "LAST STATUS", "LAST RUN", "NEXT RUN", "LAST BACKUP", "ID"]
RECORD = {
    "name": "Contoso - Exchange Online - All mailboxes",  # 41
    "organization": "contoso.onmicrosoft.com",  # 23
    "enabled": True,
    "lastStatus": "Success",
    "lastRun": WHEN,
    "nextRun": WHEN,
    "lastBackup": WHEN,
    "id": "3396ba22-21b1-4666-a631-0edfc12a59cd",
}


def shown(width: int | None) -> tuple[list[str], bool, list[int]]:
    layout = layout_table([RECORD], JOB_TABLE, HEADERS, utc=True, width=width)
    return [JOB_TABLE[i] for i in layout.columns], layout.dates, layout.widths


def test_columns_go_in_the_documented_order_each_only_while_needed() -> None:
    # Natural: 41+23+7+11+17*3+36 = 169 cells, plus 7 gaps of 2 = 183.
    assert shown(None)[0] == list(JOB_TABLE) and shown(183)[0] == list(JOB_TABLE)
    assert shown(182)[0] == [f for f in JOB_TABLE if f != "id"] and not shown(182)[1]
    assert shown(145)[0] == [f for f in JOB_TABLE if f != "id"]  # 183 - 36 - 2
    assert shown(144)[0] == [f for f in JOB_TABLE if f not in ("id", "nextRun")] and not shown(144)[1]
    assert not shown(126)[1]  # 145 - 17 - 2: still full times
    fields, dates, widths = shown(125)
    assert fields == [f for f in JOB_TABLE if f not in ("id", "nextRun")] and dates
    assert widths[0] == 41  # dates are enough down to 41+23+7+11+10+11 + 10 = 113: no name cut
    assert shown(113)[2][0] == 41 and shown(112)[2][0] == 40
    fields, dates, widths = shown(80)
    assert dates and widths[0] >= NAME_FLOOR and sum(widths) + 2 * (len(widths) - 1) <= 80
    fields, dates, widths = shown(40)  # too narrow even so: the name stays NAME_FLOOR wide
    assert widths[0] == NAME_FLOOR


def test_the_note_names_what_was_left_out_once_and_never_without_a_width() -> None:
    notes: list[str] = []
    out = io.StringIO()
    write_table([RECORD], JOB_TABLE, HEADERS, out, utc=True, width=80, note=notes.append)
    assert notes == [
        "table fitted to 80 columns: left out ID, NEXT RUN; times shown as dates "
        "(--output json has every field)"
    ]
    assert all(cell_width(line) <= 80 for line in out.getvalue().splitlines())
    notes.clear()
    out = io.StringIO()
    write_table([RECORD], JOB_TABLE, HEADERS, out, utc=True, width=None, note=notes.append)
    assert notes == [] and str(RECORD["id"]) in out.getvalue() and str(RECORD["name"]) in out.getvalue()


@pytest.mark.parametrize("columns", [80, 120])
def test_jobs_on_a_terminal_fit_its_width(
    server: Server, monkeypatch: pytest.MonkeyPatch, columns: int
) -> None:
    here = InProcess(server, monkeypatch)
    longest = max(server.sim.jobs.values(), key=lambda job: len(job.name)).name
    done = here.run("jobs", tty=True, COLUMNS=str(columns))
    assert done.code == 0, done.stderr
    lines = done.stdout.splitlines()
    assert all(cell_width(line) <= columns for line in lines), max(map(cell_width, lines))
    assert " ID" not in lines[0] and "NEXT RUN" not in lines[0]
    name_width = lines[0].index("ORGANI")
    assert name_width - 2 >= min(NAME_FLOOR, len(longest))
    assert done.stderr.count("table fitted to") == 1 and "left out ID, NEXT RUN" in done.stderr
    # The same to a pipe, whatever COLUMNS says: every column, every character.
    piped = here.run("jobs", COLUMNS=str(columns))
    assert piped.code == 0 and "table fitted" not in piped.stderr
    header = piped.stdout.splitlines()[0]
    assert "NEXT RUN" in header and header.rstrip().endswith("ID")
    assert all(job.name in piped.stdout and job.id in piped.stdout for job in server.sim.jobs.values())


def test_a_log_keeps_its_hours_and_cuts_its_text() -> None:
    record = {"creationTime": WHEN, "text": "x" * 200}
    layout = layout_table([record], ("creationTime", "text"), ["TIME", "LOG"], utc=True, width=80)
    assert not layout.dates and layout.widths == [17, 80 - 17 - 2]
