"""The Dutch user guide in docs/: rendering, links, coverage of the error messages."""

from __future__ import annotations

import argparse
import ast
import re
from pathlib import Path

import pytest

from selfreliance.cli_survey import add_commands, markdown_to_html, render_docs

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
SRC = ROOT / "src" / "selfreliance"


def guide() -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(DOCS.glob("*.md"))}


def flat(text: str) -> str:
    return " ".join(text.split())


# ------------------------------------------------------------------ the converter


def test_markdown_converter_tables_escaping_and_links():
    html = markdown_to_html(
        "# Titel\n\n| a | b |\n|---|---|\n| 1 | <script>x</script> |\n\n"
        "[fouten](10-foutmeldingen.md#rapporten) [extern](https://example.org/a.md) [anker](#x)\n"
    )
    assert "<h1>Titel</h1>" in html and "<table>" in html and "<td>1</td>" in html
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert 'href="10-foutmeldingen.html#rapporten"' in html
    assert 'href="https://example.org/a.md"' in html  # external links untouched
    assert 'href="#x"' in html


def test_render_docs_writes_one_self_contained_page_per_file(tmp_path):
    pages = render_docs(DOCS, tmp_path)
    names = {p.name for p in pages}
    assert pages[0].name == "index.html"
    assert names == {"index.html"} | {f"{n[:-3]}.html" for n in guide() if n != "README.md"}
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert text.startswith("<!DOCTYPE html>") and 'lang="nl-BE"' in text
        assert not re.search(r"<script|<link|src=", text)
        assert not re.search(r'href="[^":]+\.md[#"]', text), (
            page.name
        )  # internal links point to .html
        for target in re.findall(r'href="([^":#]+\.html)', text):
            assert (tmp_path / target).exists(), (page.name, target)


def test_render_docs_without_markdown(tmp_path):
    from selfreliance.errors import SelfRelianceError

    with pytest.raises(SelfRelianceError, match="No Markdown files"):
        render_docs(tmp_path, tmp_path / "out")


def test_cli_docs_command(tmp_path, capsys):
    parser = argparse.ArgumentParser(prog="selfreliance")
    add_commands(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["docs", "--src", str(DOCS), "--out", str(tmp_path / "html")])
    assert args.func(args) == 0
    assert (tmp_path / "html" / "index.html").exists()
    assert "index.html" in capsys.readouterr().out


# ------------------------------------------------------------------ content


def test_every_chapter_is_linked_from_the_index():
    pages = guide()
    index = pages["README.md"]
    for name in pages:
        if name != "README.md":
            assert f"({name})" in index, name
    for name, text in pages.items():
        for target in re.findall(r"\]\(([^)#:]+\.md)", text):
            assert (DOCS / target).exists(), (name, target)


def test_guide_covers_what_the_issue_asks():
    text = flat(" ".join(guide().values()))
    for phrase in (
        "## TOPdesk",
        "## GLPI",
        "## Jira Service Management",
        "## ServiceNow",  # exports
        "geen rijksregisternummer",
        "geen adres",
        "geen loon",  # roster exclusions
        "selfreliance survey export",
        "selfreliance survey convert",
        "privacyverklaring",  # survey
        "data/raw/",
        "sources.yml",  # where files go
        "make report QUARTER=2026Q2",
        ".secrets/pseudonym.key",  # quarterly cycle
        "IRR",
        "95%-BI",
        "q-waarde",
        "Kleinste aantoonbare effect",  # metrics
        "Ondersteund",
        "Niet ondersteund",
        "Niet toetsbaar",  # verdicts
        "workshop-definitie.html",
        "workshop-analyse.html",
        "workshop-interventie.html",
    ):
        assert phrase in text, phrase


def test_instrument_documentation_lists_items_and_sources():
    from selfreliance.instrument import load_instrument

    doc = guide()["04-instrument.md"]
    instrument = load_instrument()
    for spec in instrument["scales"].values():
        for item in spec["items"]:
            assert f"`{item}` | {instrument['items'][item]['nl']}" in doc, item
    for source in (
        "Edmondson, A. (1999)",
        "Compeau, D. R., & Higgins, C. A. (1995)",
        "Howard, M. C. (2014)",
        "Michie, S., van Stralen",
        "Vuorikari",
    ):
        assert source in doc, source


# ------------------------------------------------------------------ error messages


def _static(node: ast.AST) -> str:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) else "\u2026" for v in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _static(node.left) + _static(node.right)
    return "\u2026"


def error_messages() -> list[tuple[str, int, str]]:
    """Every SelfRelianceError message template in src/ ('...' for the variable parts)."""
    found = []
    for path in sorted(SRC.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", None) == "SelfRelianceError"
                and node.args
            ):
                template = (
                    " ".join(_static(node.args[0]).split()).replace("|", "\\|").replace("`", "'")
                )
                found.append((path.name, node.lineno, template))
    return found


def test_every_error_message_is_explained():
    doc = guide()["10-foutmeldingen.md"]
    missing = [f"{f}:{line}: {t}" for f, line, t in error_messages() if f"`{t}`" not in doc]
    assert not missing, (
        "docs/10-foutmeldingen.md does not explain these messages (add a row with the message "
        "and a plain-Dutch explanation):\n" + "\n".join(missing)
    )
