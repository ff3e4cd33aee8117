"""Hostile ticket text stays inert in every HTML output."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from selfreliance.audiences import render_audiences
from selfreliance.pipeline import Sources, run_ingest

SCRIPT = "<script>alert(1)</script> wachtwoord vergeten"
FORMULA = '=HYPERLINK("http://example.invalid/x","wachtwoord")'


def _export(path: Path) -> Path:
    rows = []
    for i in range(30):
        title = SCRIPT if i % 2 else FORMULA
        rows.append(
            {
                "ticket_id": f"T{i:03d}",
                "opened_at": f"2026-07-{(i % 28) + 1:02d} 10:00",
                "resolved_at": f"2026-07-{(i % 28) + 1:02d} 11:00",
                "title": title,
                "description": title,
            }
        )
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


def test_script_and_formula_are_inert_in_html(tmp_path):
    export = _export(tmp_path / "tickets.csv")
    processed = tmp_path / "processed"
    run_ingest(Sources(tickets=export, source="generic"), processed, key=bytes(32))
    out = tmp_path / "out"
    out.mkdir()
    render_audiences("2026Q3", processed, out)
    it = (out / "it.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in it  # shown, escaped
    for page in out.glob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert "<script" not in html, page.name
        assert 'href="http://example.invalid' not in html, page.name
        # Every occurrence is neutralised with a leading apostrophe (escaped as &#x27;) so that
        # copying the table into a spreadsheet does not create a formula.
        assert html.count("=HYPERLINK") == html.count("&#x27;=HYPERLINK"), page.name


def test_script_and_formula_are_inert_in_excel_outputs(tmp_path):
    import openpyxl

    from selfreliance.labelling import export_sample

    export = _export(tmp_path / "tickets.csv")
    processed = tmp_path / "processed"
    run_ingest(Sources(tickets=export, source="generic"), processed, key=bytes(32))
    tickets = pd.read_parquet(processed / "tickets.parquet")
    workbook_path = tmp_path / "coding.xlsx"
    export_sample(tickets, workbook_path, n=20, seed=0)
    workbook = openpyxl.load_workbook(workbook_path)
    seen = 0
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str) and "HYPERLINK" in cell.value:
                    seen += 1
                    assert not cell.value.startswith("="), cell.value
    assert seen > 0  # the hostile text is there, as inert text
