"""End to end: the three notebooks run on the demo data and publish clean HTML."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from selfreliance.config import NOTEBOOKS_DIR
from selfreliance.errors import SelfRelianceError
from selfreliance.reports import STEPS, run_reports

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def published(published_reports) -> tuple[Path, Path]:
    return published_reports, Path(os.environ["SELFRELIANCE_PROCESSED_DIR"])


def test_index_links_every_step_report(published):
    index, _ = published
    html = index.read_text(encoding="utf-8")
    for step in STEPS:
        assert f'href="{step.html}"' in html
        assert (index.parent / step.html).exists()
    assert "3e kwartaal 2026" in html
    assert "sha256:" in html  # lineage block with input hashes


@pytest.mark.parametrize("step", STEPS, ids=lambda s: s.html)
def test_reports_hold_no_code_warnings_or_external_requests(published, step):
    html = (published[0].parent / step.html).read_text(encoding="utf-8")
    assert "Traceback" not in html
    assert "Warning" not in html and "warnings.warn" not in html
    assert "jp-InputArea" not in html  # no code cells
    assert "import " not in re.sub(r"<style.*?</style>", "", html, flags=re.S)
    assert not re.search(r"""(src|href)=["']https?://""", html)
    assert "<script" not in html
    assert "Samenvatting" in html and "Vragen voor de sessie" in html


def test_diagnose_report_shows_dutch_numbers_and_figures(published):
    html = (published[0].parent / "diagnose.html").read_text(encoding="utf-8")
    assert html.count("data:image/png;base64") >= 2
    # nl-BE: thousands point and decimal comma (the demo has several thousand rows read).
    assert re.search(r">\s*4\.\d{3}\s*<", html)
    assert re.search(r"\d+,\d", html)


def test_result_tables_and_executed_notebooks_are_kept(published):
    _, processed = published
    quarter_dir = processed / "2026Q3"
    for name in (
        "diagnose_summary.parquet",
        "analyse_hypotheses.parquet",
        "intervene_savings.parquet",
    ):
        assert (quarter_dir / name).exists(), name
    assert sorted(p.name for p in (quarter_dir / "executed").glob("*.ipynb")) == sorted(
        s.notebook for s in STEPS
    )
    assert not list(published[0].parent.glob("*.ipynb"))


def test_failing_notebook_keeps_previous_reports(tmp_path, published):
    _, processed = published
    notebooks = tmp_path / "notebooks"
    shutil.copytree(NOTEBOOKS_DIR, notebooks)
    reports = tmp_path / "reports"
    (reports / "2026Q3").mkdir(parents=True)
    (reports / "2026Q3" / "index.html").write_text("previous", encoding="utf-8")
    broken = nbformat.read(notebooks / "2-analyse.ipynb", as_version=4)
    broken.cells.append(nbformat.v4.new_code_cell("raise RuntimeError('planted failure')"))
    nbformat.write(broken, notebooks / "2-analyse.ipynb")
    with pytest.raises(SelfRelianceError, match=r"2-analyse\.ipynb.*planted failure"):
        run_reports(
            "2026Q3",
            processed_dir=processed,
            reports_dir=reports,
            notebooks_dir=notebooks,
            log=lambda _m: None,
        )
    assert (reports / "2026Q3" / "index.html").read_text(encoding="utf-8") == "previous"
    assert (reports / ".staging-2026Q3" / "2-analyse.ipynb").exists()


def test_rerunning_a_quarter_gives_the_same_numbers(published, tmp_path):
    index, processed = published
    quarter_dir = processed / "2026Q3"
    before = {p.name: pd.read_parquet(p) for p in sorted(quarter_dir.glob("*.parquet"))}
    assert before
    run_reports(
        "2026Q3",
        processed_dir=processed,
        reports_dir=tmp_path,
        notebooks_dir=NOTEBOOKS_DIR,
        log=lambda _m: None,
    )
    after = {p.name: pd.read_parquet(p) for p in sorted(quarter_dir.glob("*.parquet"))}
    assert after.keys() == before.keys()
    for name, frame in before.items():
        pd.testing.assert_frame_equal(frame, after[name], obj=name)
    history = pd.read_parquet(processed / "history.parquet")
    assert (history["quarter"] == "2026Q3").sum() == history[
        "metric"
    ].nunique()  # replaced, not appended


def test_every_report_opens_with_a_summary_of_at_most_five_lines(published):
    # Notebook reports: the bullets under "Samenvatting: <kwartaal>"; stakeholder and team
    # pages: the summary box. Both come before any other section heading.
    folder = published[0].parent
    pages = [folder / s.html for s in STEPS] + sorted(
        p for p in folder.glob("*.html") if p.stem in {"it", "pno", "management", "dpo"}
        or p.stem.startswith("team-")
    )  # fmt: skip
    assert len(pages) > 8
    for path in pages:
        page = path.read_text(encoding="utf-8")
        match = re.search(r"<h2[^>]*>\s*Samenvatting[^<]*</h2>(.*?)(<h2|</section>)", page, re.S)
        assert match, path.name
        bullets = re.findall(r"<li>", match.group(1))
        assert 1 <= len(bullets) <= 5, (path.name, len(bullets))
        assert page.index("<h2") == match.start(), path.name  # the summary comes first
