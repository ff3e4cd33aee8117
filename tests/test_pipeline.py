"""The ingest stage end to end: privacy of data/processed, raw inputs untouched, linking,
and the backward-compatible shape of what notebooks read."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pandas as pd
import pytest

from selfreliance.cli import main
from selfreliance.pipeline import Sources, discover_sources, load_processed, run_ingest

KEY = bytes(range(32))


def _rrn(birth: str, sequence: str) -> str:
    """A rijksregisternummer with valid check digits (97 - n mod 97), formatted YY.MM.DD-SSS.CC."""
    number = int(birth + sequence)
    check = 97 - number % 97
    return f"{birth[:2]}.{birth[2:4]}.{birth[4:]}-{sequence}.{check:02d}"


RRNS = [_rrn("850730", "033"), _rrn("901201", "045")]
IBANS = ["BE68 5390 0754 7034", "NL91ABNA0417164300"]
PHONES = ["0471 23 45 67", "+32 50 12 34 56"]
EMAILS = ["an.desmet@lindevoorde.be", "hulp.nodig@gmail.com"]
ROSTER_NAMES = ["An De Smet", "Koen Peeters"]
PERSON_IDS = ["P9001", "P9002"]


def _write_raw(raw: Path) -> None:
    raw.mkdir(parents=True)
    (raw / "roster.csv").write_text(
        "person_id,email,login,name,team,department,manager_id,function_level,hire_date,exit_date,fte,birth_year,site\n"
        f"{PERSON_IDS[0]},{EMAILS[0]},adesmet,{ROSTER_NAMES[0]},Onthaal,Burgerzaken,{PERSON_IDS[1]},C,2015-04-01,,0.8,1980,AC\n"
        f"{PERSON_IDS[1]},koen.peeters@lindevoorde.be,kpeeters,{ROSTER_NAMES[1]},Onthaal,Burgerzaken,,B,2010-01-01,,1,1975,AC\n",
        encoding="utf-8",
    )
    header = "ticket_id,opened_at,resolved_at,requester_email,requester_name,requester_login,title,description"
    rows = [
        f"T-1,2025-03-03 09:00,2025-03-03 10:00,{EMAILS[0]},{ROSTER_NAMES[0]},,Wachtwoord vergeten,"
        f'"Bel mij op {PHONES[0]} of mail {EMAILS[1]}; groet {ROSTER_NAMES[1]}"',
        f"T-2,2025-03-04 09:00,,,,GEMEENTE\\kpeeters,Terugbetaling,"
        f'"Rijksregisternummer {RRNS[0]}, rekening {IBANS[0]}"',
        f'T-3,2025-03-05 09:00,,,"Peeters, Koen",,Printer,"Kind {RRNS[1]} en {IBANS[1]}, tel {PHONES[1]}"',
        "T-4,2025-03-05 10:00,,alerts@prtg.lindevoorde.be,PRTG monitor,,Disk full on SRV01,",
        "T-5,2025-03-05 11:00,,verkoop@leverancier.com,Leverancier BV,,Offerte,",
        # A row that ends up in the quarantine: its text must not reach the quarantine file.
        f"T-6,{ROSTER_NAMES[0]},,,,,Printer,{EMAILS[0]}",
    ]
    (raw / "tickets.csv").write_text(header + "\n" + "\n".join(rows) + "\n", encoding="utf-8")


def _digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture()
def ingested(tmp_path, monkeypatch):
    monkeypatch.setenv("SELFRELIANCE_PSEUDONYM_KEY", KEY.hex())
    raw, processed = tmp_path / "raw", tmp_path / "processed"
    _write_raw(raw)
    before = _digest(raw)
    code = main(["ingest", "--raw-dir", str(raw), "--out", str(processed)])
    assert code == 0
    return raw, processed, before


def test_raw_folder_is_unchanged(ingested):
    raw, _, before = ingested
    assert _digest(raw) == before
    assert sorted(before) == ["roster.csv", "tickets.csv"]


def test_processed_holds_no_planted_identifier(ingested):
    _, processed, _ = ingested
    planted = [
        *RRNS,
        *IBANS,
        *PHONES,
        *EMAILS,
        *ROSTER_NAMES,
        *PERSON_IDS,
        "kpeeters",
        "adesmet",
        "koen.peeters",
    ]
    # Also the compact forms (digits only), as a reader might normalise them.
    planted += [p.replace(" ", "").replace(".", "").replace("-", "") for p in RRNS + IBANS + PHONES]
    files = [p for p in processed.rglob("*") if p.is_file()]
    assert {p.name for p in files} >= {
        "tickets.parquet",
        "people.parquet",
        "quarantine.csv",
        "ingest_summary.json",
    }
    for path in files:
        if path.suffix == ".parquet":
            text = pd.read_parquet(path).astype("string").to_csv(index=False)
        else:
            text = path.read_text(encoding="utf-8")
        blob = path.read_bytes()
        for value in planted:
            assert value.casefold() not in text.casefold(), f"{value!r} found in {path.name}"
            assert value.encode() not in blob, f"{value!r} found in the bytes of {path.name}"


def test_linking_by_email_login_and_name(ingested):
    _, processed, _ = ingested
    tickets = pd.read_parquet(processed / "tickets.parquet").set_index("ticket_id")
    assert tickets.loc["T-1", "matched_by"] == "email"
    assert tickets.loc["T-2", "matched_by"] == "login"
    assert tickets.loc["T-2", "requester_key"] == tickets.loc["T-3", "requester_key"]
    assert tickets.loc["T-3", "matched_by"] == "name"  # "Peeters, Koen" = "Koen Peeters"
    assert tickets.loc["T-4", "requester_kind"] == "system"
    assert tickets.loc["T-5", "requester_kind"] == "unknown"
    assert bool(tickets.loc["T-5", "requester_external"])
    assert pd.isna(tickets.loc["T-4", "requester_key"])
    summary = json.loads((processed / "ingest_summary.json").read_text(encoding="utf-8"))
    linking = summary["linking"]
    assert linking["by_kind"] == {"staff": 3, "system": 1, "unknown": 1}
    assert linking["share_matched"] == pytest.approx(3 / 5)
    assert linking["excluded_from_person_analysis"] == 2
    assert summary["quarantine_reasons"] == {"bad_opened_at": 1}


def test_summary_and_tables_keep_their_shape(ingested):
    _, processed, _ = ingested
    data = load_processed(processed)
    for column in (
        "ticket_id",
        "opened_at",
        "requester_key",
        "requester_kind",
        "team",
        "department",
        "self_solvability",
        "question_type",
        "line",
        "time_spent_minutes",
        "response_business_hours",
        "resolution_business_hours",
        "resolution_hours",
        "is_reopened",
        "is_resolved",
    ):
        assert column in data.tickets.columns, column
    for key in (
        "counts",
        "quarantine_reasons",
        "requesters",
        "scrubbed",
        "inputs",
        "has_roster",
        "has_survey",
        "has_interventions",
        "last_ticket",
        "codebook_version",
        "source_system",
    ):
        assert key in data.summary, key
    counts = data.summary["counts"]
    assert (
        counts["rows_read"]
        == counts["rows_kept"] + counts["duplicates_merged"] + counts["rows_quarantined"]
    )
    assert data.summary["scrubbed"]["rrn"] == 2 and data.summary["scrubbed"]["iban"] == 2
    requesters = pd.DataFrame(data.summary["requesters"])
    assert {"requester_kind", "matched_by", "n", "share", "requesters"} <= set(requesters.columns)


def test_without_roster_ticket_figures_still_work(tmp_path):
    raw = tmp_path / "raw"
    _write_raw(raw)
    (raw / "roster.csv").unlink()
    summary = run_ingest(discover_sources(raw), tmp_path / "out", key=KEY)
    assert summary["has_roster"] is False
    tickets = pd.read_parquet(tmp_path / "out" / "tickets.parquet")
    assert set(tickets["requester_kind"]) == {"unlinked"}
    assert tickets["resolution_hours"].notna().any()


def test_sources_yml_with_a_mapping(tmp_path):
    from selfreliance import config

    raw = tmp_path / "raw"
    raw.mkdir()
    fixtures = Path(__file__).parent / "fixtures"
    (raw / "export.csv").write_bytes((fixtures / "freshservice.csv").read_bytes())
    (raw / "fs.yml").write_bytes(config.resource_path("mappings/freshservice.yml").read_bytes())
    (raw / "sources.yml").write_text("tickets: export.csv\nsource: fs.yml\n", encoding="utf-8")
    sources = discover_sources(raw)
    assert isinstance(sources, Sources)
    summary = run_ingest(
        sources, tmp_path / "out", key=KEY, as_of=pd.Timestamp("2026-01-01", tz="Europe/Brussels")
    )
    assert summary["source_system"] == "freshservice"
    assert summary["counts"]["rows_kept"] == 2


@pytest.mark.slow
def test_full_run_leaks_no_planted_identifier(ingested, tmp_path):
    """After ingest *and* the reports, no planted identifier is anywhere under the processed or
    reports folders (executed notebooks and result tables included)."""
    _, processed, _ = ingested
    reports = tmp_path / "reports"
    code = main(
        ["report", "--quarter", "2025Q1", "--processed", str(processed), "--reports", str(reports)]
    )
    assert code == 0
    assert (reports / "2025Q1" / "index.html").exists()
    planted = [*RRNS, *IBANS, *PHONES, *EMAILS, *ROSTER_NAMES, *PERSON_IDS, "kpeeters", "adesmet"]
    planted += [p.replace(" ", "").replace(".", "").replace("-", "") for p in RRNS + IBANS + PHONES]
    for path in [*processed.rglob("*"), *reports.rglob("*")]:
        if not path.is_file():
            continue
        if path.suffix == ".parquet":
            text = pd.read_parquet(path).astype("string").to_csv(index=False)
        elif path.suffix == ".xlsx":  # zipped XML: read the cells
            sheets = pd.read_excel(path, sheet_name=None, dtype=str)
            text = "\n".join(frame.to_csv(index=False) for frame in sheets.values())
        else:
            text = path.read_bytes().decode("utf-8", "replace")
        for value in planted:
            assert value.casefold() not in text.casefold(), f"{value!r} found in {path}"
