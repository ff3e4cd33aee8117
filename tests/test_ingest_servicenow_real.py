"""The ServiceNow adapter on the real, anonymised event log in ../shared (UCI dataset 498).

Reference figures are computed here with the csv module and datetime only (one plain Python
pass over the events), independently of pandas and of the adapter.
"""

from __future__ import annotations

import csv
import gzip
import statistics
from collections import defaultdict
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pandas as pd
import pytest

from selfreliance.cli import main
from selfreliance.ingest import read_tickets

LOG = "data/real/servicenow-incident-eventlog/incident_event_log.csv.gz"


BRUSSELS = ZoneInfo("Europe/Brussels")


def _when(text: str) -> datetime | None:
    """Day-first wall-clock time in Brussels, as an instant (UTC), so that intervals across
    the DST change (27 March 2016) have their real length."""
    if text == "?":
        return None
    return datetime.strptime(text, "%d/%m/%Y %H:%M").replace(tzinfo=BRUSSELS).astimezone(UTC)


@pytest.fixture(scope="module")
def reference(shared_dir):
    events = defaultdict(list)
    with gzip.open(shared_dir / LOG, "rt", encoding="utf-8", newline="") as handle:
        for order, row in enumerate(csv.DictReader(handle)):
            events[row["number"]].append(
                (_when(row["sys_updated_at"]), int(row["sys_mod_count"]), order, row)
            )
    hours, resolved, awaiting_user = [], 0, 0.0
    for rows in events.values():
        rows.sort(key=lambda e: (e[0], e[1], e[2]))
        last = rows[-1][3]
        end = _when(last["resolved_at"])
        if end is not None:
            resolved += 1
            hours.append((end - _when(last["opened_at"])).total_seconds() / 3600)
        for (start, _, _, row), (nxt, _, _, _) in zip(rows, rows[1:], strict=False):
            if row["incident_state"] == "Awaiting User Info":
                stop = min(nxt, end) if end is not None else nxt
                awaiting_user += max(0.0, (stop - start).total_seconds() / 60)
    return {
        "incidents": len(events),
        "events": sum(len(r) for r in events.values()),
        "share_resolved": resolved / len(events),
        "median_hours": statistics.median(hours),
        "awaiting_user_minutes": awaiting_user,
    }


@pytest.fixture(scope="module")
def tickets(shared_dir):
    return read_tickets(shared_dir / LOG, "auto")


def test_reference_matches_the_source_note(reference):
    # SOURCE.md: 119,998 events / 20,769 incidents; median opened->resolved 24.6 h.
    assert reference["events"] == 119_998
    assert reference["incidents"] == 20_769
    assert round(reference["median_hours"], 1) == 24.6


def test_incident_count(tickets, reference):
    assert tickets["source_system"].iloc[0] == "servicenow"
    assert len(tickets) == reference["incidents"]
    assert tickets["ticket_id"].is_unique
    assert tickets.attrs["file_rows"] == reference["events"]


def test_share_resolved(tickets, reference):
    assert tickets["resolved_at"].notna().mean() == pytest.approx(
        reference["share_resolved"], abs=1e-12
    )


def test_median_time_to_resolution(tickets, reference):
    hours = (tickets["resolved_at"] - tickets["opened_at"]).dt.total_seconds() / 3600
    # Day-first dates: a month-first misreading would change the median by days.
    assert hours.median() == pytest.approx(reference["median_hours"], abs=1e-9)


def test_waiting_on_the_user_is_separate_from_it_time(tickets, reference):
    assert tickets["awaiting_user_minutes"].sum() == pytest.approx(
        reference["awaiting_user_minutes"], rel=1e-9
    )
    assert (tickets["on_hold_minutes"] >= tickets["awaiting_user_minutes"]).all()
    assert (tickets["reopen_count"] > 0).sum() > 0


def test_cli_ingests_the_real_log(shared_dir, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("SELFRELIANCE_PSEUDONYM_KEY", "ab" * 32)
    code = main(
        [
            "ingest",
            "--tickets",
            str(shared_dir / LOG),
            "--source",
            "servicenow",
            "--out",
            str(tmp_path),
        ]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert "119998 events collapsed to 20769 tickets" in out
    processed = pd.read_parquet(tmp_path / "tickets.parquet")
    kept = len(processed)
    assert kept + len(pd.read_csv(tmp_path / "quarantine.csv")) == 20_769
    assert processed["resolution_hours"].notna().sum() > 0
