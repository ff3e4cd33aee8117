"""Report language: Dutch and English narrative cells, and English reports without Dutch text."""

from __future__ import annotations

import os
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from selfreliance import narrative
from selfreliance.config import NOTEBOOKS_DIR
from selfreliance.reports import STEPS, keep_language, notebook_to_html

# Words and phrases only Dutch text contains (spaces matter: " een " is a word, not a part).
DUTCH_MARKERS = (
    "Samenvatting",
    "tickets per VTE",
    "VTE-maand",
    "Ondersteund",
    "Onbeslist",
    "werksessie",
    "leidinggevende",
    "kantooruren",
    "Vragen voor de sessie",
    " niet ",
    " het ",
    " een ",
    " geen ",
    " zijn ",
    " wordt ",
    " voor de ",
    " van de ",
)


def _notebook(*cells) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.cells = list(cells)
    return nb


def _markdown(source: str, *tags: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_markdown_cell(source, metadata={"tags": list(tags)} if tags else {})


def test_keep_language_drops_the_other_languages_markdown_only():
    nb = _notebook(
        _markdown("## Samenvatting", "nl"),
        _markdown("## Summary", "en"),
        _markdown("untagged"),
        nbformat.v4.new_code_cell("x = 1", metadata={"tags": ["en"]}),
    )
    dutch = [c.source for c in keep_language(nb, "nl").cells]
    english = [c.source for c in keep_language(nb, "en").cells]
    assert dutch == ["## Samenvatting", "untagged", "x = 1"]
    assert english == ["## Summary", "untagged", "x = 1"]
    assert len(nb.cells) == 4  # the input is not changed


def test_notebook_to_html_renders_only_the_reports_language():
    nb = _notebook(_markdown("Zelf oplosbaar", "nl"), _markdown("Self-solvable", "en"))
    english = notebook_to_html(nb, "t", lang="en")
    dutch = notebook_to_html(nb, "t", lang="nl")
    assert "Self-solvable" in english and "Zelf oplosbaar" not in english
    assert "Zelf oplosbaar" in dutch and "Self-solvable" not in dutch


@pytest.mark.parametrize("step", STEPS, ids=lambda s: s.notebook)
def test_every_markdown_cell_has_an_english_twin(step):
    nb = nbformat.read(NOTEBOOKS_DIR / step.notebook, as_version=4)
    cells = nb.cells
    for i, cell in enumerate(cells):
        if cell.cell_type != "markdown":
            continue
        tags = set(cell.metadata.get("tags", []))
        assert tags & {"nl", "en"}, f"cell {i} has no language tag"
        if "nl" in tags:
            twin = cells[i + 1]
            assert twin.cell_type == "markdown" and "en" in twin.metadata.get("tags", [])
            # Same structure: the same heading level (or no heading) and the same line count.
            assert cell.source.split(" ", 1)[0].count("#") == twin.source.split(" ", 1)[0].count(
                "#"
            )
            assert cell.source.count("\n") == twin.source.count("\n"), f"cell {i}"
    code = "\n".join(c.source for c in cells if c.cell_type == "code")
    assert not re.search(r"^\s*(def|class) ", code, flags=re.M)
    assert [c for c in cells if "parameters" in c.metadata.get("tags", [])]


def test_text_and_heading_have_both_languages():
    for key in narrative.TEXTS:
        assert narrative.text(key, "nl") != narrative.text(key, "en")
    assert narrative.heading("summary", "en", "Q3 2026") == "## Summary: Q3 2026"


def test_verdicts_markdown_uses_the_english_verdict_and_falls_back_to_dutch():
    results = pd.DataFrame(
        {
            "hypothesis_id": ["H1"],
            "statement_nl": ["Nieuwe medewerkers melden meer."],
            "statement_en": ["New staff file more."],
            "verdict_nl": ["Ondersteund: 2,5 keer zoveel."],
            "verdict_en": ["Supported: 2.5 times as many."],
        }
    )
    assert "Supported: 2.5" in narrative.verdicts_markdown(results, lang="en")
    assert "New staff file more." in narrative.verdicts_markdown(results, lang="en")
    assert "Ondersteund" in narrative.verdicts_markdown(results)
    older = results.drop(columns=["verdict_en"])
    assert "Ondersteund" in narrative.verdicts_markdown(older, lang="en")


def _ranked() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "rank": [1, 2],
            "action_id": ["knowledge_articles", "howto_videos"],
            "name": ["Kennisbankartikels voor de meest gestelde vragen", "Korte instructievideo's"],
            "direction": ["self_help", "self_help"],
            "direction_nl": ["Zelfhulp-inhoud en -middelen"] * 2,
            "tier": ["recommended", "not_now"],
        }
    )


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_intervene_headline_has_five_lines(lang):
    evaluated = pd.DataFrame(
        {"name": ["Proef A", "Proef B"], "status": ["reduced", "no_clear_change"]}
    )
    kpis = pd.DataFrame({"status": ["improving", "stable", "worse"]})
    for has_analysis in (True, False):
        text = narrative.intervene_headline(
            _ranked(), evaluated, kpis, "2026Q3", has_analysis=has_analysis, lang=lang
        )
        assert len(text.splitlines()) == 5
        assert all(line.startswith("- ") for line in text.splitlines())
    empty = narrative.intervene_headline(
        _ranked(), None, kpis, "2026Q3", has_analysis=True, lang=lang
    )
    assert len(empty.splitlines()) == 5
    if lang == "en":
        assert "Knowledge articles" in text and "Kennisbank" not in text


# --------------------------------------------------------------------------------------
# One English run of the whole report pipeline
# --------------------------------------------------------------------------------------


class _Visible(HTMLParser):
    """Visible text of a page: no style, script or attributes (so not the lang attribute)."""

    BLOCKS = {"p", "li", "tr", "td", "th", "h1", "h2", "h3", "h4", "div", "br", "section"}

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag, attrs):
        self.hidden += tag in ("style", "script")
        if tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        self.hidden -= tag in ("style", "script")
        if tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def visible_text(page: str) -> str:
    parser = _Visible()
    parser.feed(page)
    return "".join(parser.parts)


@pytest.fixture(scope="session")
def english_reports(tmp_path_factory) -> tuple[Path, Path]:
    """The demo's reports for 2026Q3 in English, published once per session from a copy of the
    processed data (the run writes result tables, which must not disturb the Dutch run)."""
    from selfreliance.reports import run_reports

    base = tmp_path_factory.mktemp("english")
    processed = base / "processed"
    shutil.copytree(Path(os.environ["SELFRELIANCE_PROCESSED_DIR"]), processed)
    index = run_reports(
        "2026Q3",
        processed_dir=processed,
        reports_dir=base / "reports",
        notebooks_dir=NOTEBOOKS_DIR,
        lang="en",
        log=lambda _m: None,
    )
    return index, processed


def _proper_nouns(processed: Path) -> list[str]:
    """Names that stay Dutch in English reports: teams, departments, sites, logged actions."""
    names: set[str] = set()
    people = processed / "people.parquet"
    if people.exists():
        frame = pd.read_parquet(people)
        for column in ("team", "department", "site"):
            if column in frame:
                names |= set(frame[column].dropna().astype(str))
    log = processed / "interventions.parquet"
    if log.exists():
        names |= set(pd.read_parquet(log)["name"].dropna().astype(str))
    return sorted(names, key=len, reverse=True)


@pytest.mark.slow
def test_english_reports_contain_no_dutch(english_reports):
    index, processed = english_reports
    nouns = _proper_nouns(processed)
    pages = sorted(index.parent.glob("*.html"))
    assert len(pages) > 5
    found = {}
    for path in pages:
        text = visible_text(path.read_text(encoding="utf-8"))
        text = re.sub("\u201c[^\u201d]*\u201d", " ", text)  # quoted ticket titles are data
        for noun in nouns:
            text = text.replace(noun, " ")
        for line in text.splitlines():
            padded = f" {' '.join(line.split())} "
            hits = [m for m in DUTCH_MARKERS if m in padded]
            if hits:
                found.setdefault(path.name, []).append((hits, line.strip()[:160]))
    assert not found, found


@pytest.mark.slow
@pytest.mark.parametrize("step", STEPS, ids=lambda s: s.html)
def test_english_notebook_reports_open_with_a_short_summary(english_reports, step):
    page = (english_reports[0].parent / step.html).read_text(encoding="utf-8")
    assert 'lang="en"' in page
    match = re.search(r"<h2[^>]*>\s*Summary: .*?</h2>(.*?)<h2", page, flags=re.S)
    assert match, "no summary block"
    lines = [ln for ln in visible_text(match.group(1)).splitlines() if ln.strip()]
    assert 1 <= len(lines) <= 5, lines
    first = page.index("Summary: ")
    assert first < page.index("<h2", page.index("</h2>", first))  # it comes first
