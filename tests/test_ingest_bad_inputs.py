"""A corpus of bad input files, run through the command line.

Each case either stops with a clear message (exit code 2, the file named, the problem named,
no traceback) or is ingested with the bad rows quarantined, and the counts reconcile:
rows read = rows kept + duplicates merged + rows quarantined. The small files live in
tests/bad_inputs/; big or binary ones are generated at run time.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pytest

from selfreliance.cli import main

CORPUS = Path(__file__).parent / "bad_inputs"
TICKETS_OK = (
    "ticket_id,opened_at,title\nT-1,2025-03-03 09:00,Printer\nT-2,2025-03-04 09:00,Outlook\n"
)


@dataclass
class Case:
    file: str
    error: tuple[str, ...] = ()  # message fragments; empty: the run must succeed
    quarantined: dict[str, int] = field(default_factory=dict)
    kept: int | None = None
    merged: int = 0
    args: tuple[str, ...] = ()


CASES = [
    Case("empty.csv", error=("empty",)),
    Case("whitespace_only.csv", error=("empty",)),
    Case("header_only.csv", error=("header", "no rows", "ticket_id, opened_at")),
    Case("wrong_separator.csv", error=("semicolon", "comma", "3 columns")),
    Case("unquoted_separator_in_text.csv", quarantined={"malformed_line": 1}, kept=2),
    Case(
        "missing_required_column.csv",
        error=("opened_at", "Columns seen: ticket_id, requester_email, title"),
    ),
    Case(
        "missing_required_column.csv",
        args=("--source", "generic"),
        error=(
            "required column(s) missing",
            "opened_at",
            "Found: ticket_id, requester_email, title",
        ),
    ),
    Case("unknown_header.csv", error=("cannot recognise", "Foo, Bar, Baz", "mapping.yml")),
    Case("unparseable_dates.csv", quarantined={"bad_opened_at": 2, "bad_date": 1}, kept=1),
    Case("resolved_before_opened.csv", quarantined={"resolved_before_opened": 1}, kept=1),
    Case("future_dates.csv", quarantined={"future_date": 2}, kept=1),
    Case("duplicate_ids.csv", quarantined={"conflicting_duplicate": 2}, kept=1, merged=2),
    Case("missing_ids.csv", quarantined={"missing_id": 2}, kept=1),
    Case("formula_cells.csv", kept=2),
    Case("negative_time_spent.csv", quarantined={"negative_duration": 1}, kept=1),
    Case("mixed_encodings.csv", kept=2),
    Case("cp1252_decimal_comma.csv", kept=1),
    Case("utf16.csv", error=("UTF-16", "UTF-8")),
    Case("old_excel.xls", error=(".xls", ".xlsx")),
    Case("only_bad_rows.csv", error=("no usable ticket rows", "bad_opened_at 2", "quarantine.csv")),
    Case("quoted_newlines.csv", kept=2),
    Case("trailing_separators.csv", kept=2),
    Case("bom_tab_separated.tsv", kept=1),
    Case("html_login_page.csv", error=("cannot recognise", "<!DOCTYPE html>")),
    Case("footer_line.csv", quarantined={"bad_opened_at": 1}, kept=2),
    Case("day_first_belgian_forms.csv", kept=2),
    Case(
        "tickets_for_roster.csv",
        args=("--roster", "roster_duplicate_people.csv"),
        error=("roster_duplicate_people.csv", "person_id must be unique", "P1"),
    ),
    Case(
        "tickets_for_roster.csv",
        args=("--roster", "roster_missing_team.csv"),
        error=("roster_missing_team.csv", "team"),
    ),
    Case(
        "tickets_for_roster.csv",
        args=("--source", "bad_mapping.yml"),
        error=("bad_mapping.yml", "ticket_nummer"),
    ),
    Case(
        "tickets_for_roster.csv",
        args=("--survey", "tickets_for_roster.csv"),
        error=("--instrument",),
    ),
    # Generated at run time (see _generate).
    Case("huge_cell.csv", kept=2),
    Case("binary_garbage.csv", error=("binary", "CSV or .xlsx")),
    Case("several_sheets.xlsx", kept=1),
    Case("no_ticket_sheet.xlsx", error=("sheets", "'Info'", "'Pivot'")),
    Case("csv_named_xlsx.xlsx", kept=2),
    Case("corrupt_workbook.xlsx", error=("cannot open this Excel workbook",)),
    Case("missing_file.csv", error=("file not found",)),
]

HUGE = 200_000


def _generate(folder: Path) -> None:
    big = "x" * HUGE
    (folder / "huge_cell.csv").write_text(
        f'ticket_id,opened_at,title,description\nT-1,2025-03-03 09:00,Printer,"{big}"\nT-2,2025-03-03 10:00,{big[:7]},\n',
        encoding="utf-8",
    )
    (folder / "binary_garbage.csv").write_bytes(
        os.urandom(4096).replace(b"\x00", b"\x01") + b"\x00\x00\x00" * 50
    )
    with pd.ExcelWriter(folder / "several_sheets.xlsx") as writer:
        pd.DataFrame({"Uitleg": ["Export van april"]}).to_excel(
            writer, sheet_name="Info", index=False
        )
        pd.DataFrame(
            {
                "Meldingnummer": ["M1"],
                "Aanmelddatum": ["02-04-2025 10:00"],
                "Korte omschrijving": ["Outlook"],
            }
        ).to_excel(writer, sheet_name="Meldingen", index=False)
    with pd.ExcelWriter(folder / "no_ticket_sheet.xlsx") as writer:
        pd.DataFrame({"Uitleg": ["x"]}).to_excel(writer, sheet_name="Info", index=False)
        pd.DataFrame({"Team": ["A"], "Aantal": [1]}).to_excel(
            writer, sheet_name="Pivot", index=False
        )
    (folder / "csv_named_xlsx.xlsx").write_text(TICKETS_OK, encoding="utf-8")
    (folder / "corrupt_workbook.xlsx").write_bytes(b"PK\x03\x04" + b"not really a zip" * 20)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("bad_inputs")
    for path in CORPUS.iterdir():
        (folder / path.name).write_bytes(path.read_bytes())
    _generate(folder)
    return folder


def test_corpus_is_large_enough():
    assert len(list(CORPUS.iterdir())) >= 25
    assert len(CASES) >= 35 and len({c.file for c in CASES}) >= 30


@pytest.mark.parametrize(
    "case", CASES, ids=lambda c: f"{c.file}{'+' + '+'.join(c.args) if c.args else ''}"
)
def test_bad_input(case: Case, corpus: Path, tmp_path: Path, capsys, monkeypatch):
    monkeypatch.setenv("SELFRELIANCE_PSEUDONYM_KEY", "cd" * 32)
    monkeypatch.chdir(corpus)
    out_dir = tmp_path / "processed"
    args = ["ingest", "--tickets", case.file, "--out", str(out_dir), *case.args]
    if "--survey" in case.args:
        args = ["ingest", "--tickets", case.file, "--out", str(out_dir), *case.args]
    code = main(args)
    captured = capsys.readouterr()
    assert "Traceback" not in captured.out + captured.err
    if case.error:
        assert code == 2, captured.out
        message = captured.err
        assert message.startswith("selfreliance ingest: ")
        named = (
            case.args[1] if case.args and case.args[0] in ("--roster", "--source") else case.file
        )
        if "--survey" not in case.args:
            assert named in message
        for fragment in case.error:
            assert fragment in message, message
        return
    assert code == 0, captured.err
    summary = json.loads((out_dir / "ingest_summary.json").read_text(encoding="utf-8"))
    counts = summary["counts"]
    assert (
        counts["rows_read"]
        == counts["rows_kept"] + counts["duplicates_merged"] + counts["rows_quarantined"]
    )
    assert summary["quarantine_reasons"] == case.quarantined
    assert counts["duplicates_merged"] == case.merged
    if case.kept is not None:
        assert counts["rows_kept"] == case.kept
    quarantine = pd.read_csv(out_dir / "quarantine.csv")
    assert list(quarantine.columns) == ["source_row", "ticket_id", "reason", "detail"]
    assert len(quarantine) == counts["rows_quarantined"]
    tickets = pd.read_parquet(out_dir / "tickets.parquet")
    assert len(tickets) == counts["rows_kept"]


def test_huge_cell_is_cut_and_counted(corpus, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("SELFRELIANCE_PSEUDONYM_KEY", "cd" * 32)
    assert main(["ingest", "--tickets", str(corpus / "huge_cell.csv"), "--out", str(tmp_path)]) == 0
    assert "1 text cells longer than 5000 characters were cut" in capsys.readouterr().out
    summary = json.loads((tmp_path / "ingest_summary.json").read_text(encoding="utf-8"))
    assert summary["text_truncated"] == 1
    tickets = pd.read_parquet(tmp_path / "tickets.parquet")
    assert tickets["description"].str.len().max() == 5000


def test_formula_cells_stay_inert(corpus, tmp_path, monkeypatch):
    monkeypatch.setenv("SELFRELIANCE_PSEUDONYM_KEY", "cd" * 32)
    assert (
        main(["ingest", "--tickets", str(corpus / "formula_cells.csv"), "--out", str(tmp_path)])
        == 0
    )
    tickets = pd.read_parquet(tmp_path / "tickets.parquet")
    for column in ("ticket_id", "title", "description"):
        starts = tickets[column].dropna().str[0]
        assert not starts.isin(list("=+-@")).any(), tickets[column].tolist()
    assert "'=1+2" in tickets["ticket_id"].tolist()


def test_mixed_encodings_decode_both_parts(corpus):
    from selfreliance.readers import read_table

    frame = read_table(corpus / "mixed_encodings.csv")
    assert frame["Korte omschrijving"].tolist() == ["Café printer", "Scherm van René"]
    assert "mixed" in frame.attrs["encoding"]


def test_quarantine_holds_no_personal_content(corpus, tmp_path, monkeypatch):
    monkeypatch.setenv("SELFRELIANCE_PSEUDONYM_KEY", "cd" * 32)
    source = corpus / "pii_in_date.csv"
    source.write_text(
        "ticket_id,opened_at,resolved_at,title\nT-1,An De Smet belt terug,,Printer\n"
        "T-2,2025-03-03 09:00,jan.peeters@lindevoorde.be,Outlook\nT-3,2025-03-03 09:00,,Teams\n",
        encoding="utf-8",
    )
    assert main(["ingest", "--tickets", str(source), "--out", str(tmp_path)]) == 0
    text = (tmp_path / "quarantine.csv").read_text(encoding="utf-8")
    assert "An De Smet" not in text and "peeters" not in text
    assert "not a date" in text
