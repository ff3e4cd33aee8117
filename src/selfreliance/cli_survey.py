"""Command-line sub-commands for the survey and the user guide.

``cli.build_parser`` calls :func:`add_commands` to register:

* ``selfreliance survey export --format forms-xlsx|limesurvey|print --out FILE
  [--teams FILE] [--instrument FILE]`` - the survey as a form for a survey tool or for print;
* ``selfreliance survey convert RESPONSES --out data/raw/survey.csv [--roster FILE]`` -
  a Forms or LimeSurvey response export to the ``survey.csv`` the ingest step reads;
* ``selfreliance survey privacy --out FILE`` - the privacy notice for respondents (Markdown);
* ``selfreliance docs --out docs/html`` - the Dutch user guide in ``docs/`` as HTML.

:func:`render_docs` turns the Markdown guide into self-contained HTML pages (mistune, which
nbconvert already depends on) in the suite's look.
"""

from __future__ import annotations

import argparse
import html
import re
from pathlib import Path

from selfreliance import config
from selfreliance.errors import SelfRelianceError

__all__ = ["add_commands", "markdown_to_html", "render_docs"]


# --------------------------------------------------------------------------------------------
# User guide
# --------------------------------------------------------------------------------------------

_LOCAL_MD_LINK = re.compile(r'href="(?![a-z][a-z0-9+.-]*:|#|/)([^"#]+)\.md(#[^"]*)?"')


def markdown_to_html(text: str) -> str:
    """Render Markdown (GitHub style: tables, fenced code) to an HTML fragment.

    Raw HTML in the source is escaped, and links to other ``.md`` files of the guide point to
    their ``.html`` counterparts.

    Examples
    --------
    >>> markdown_to_html("Zie [fouten](fouten.md#ingest) en <b>x</b>.")
    '<p>Zie <a href="fouten.html#ingest">fouten</a> en &lt;b&gt;x&lt;/b&gt;.</p>\\n'
    """
    import mistune

    rendered = mistune.create_markdown(escape=True, plugins=["table", "strikethrough"])(text)
    return _LOCAL_MD_LINK.sub(lambda m: f'href="{m.group(1)}.html{m.group(2) or ""}"', rendered)


def _title(markdown: str, fallback: str) -> str:
    match = re.search(r"^#\s+(.+)$", markdown, flags=re.MULTILINE)
    return match.group(1).strip() if match else fallback


def render_docs(
    src_dir: str | Path | None = None, out_dir: str | Path | None = None, *, lang: str = "nl"
) -> list[Path]:
    """Render every ``*.md`` file of the guide to a self-contained HTML page.

    Parameters
    ----------
    src_dir : str or Path, optional
        Folder with the Markdown guide (default ``docs/`` in the project).
    out_dir : str or Path, optional
        Output folder (default ``docs/html``). ``README.md`` becomes ``index.html``.
    lang : str
        Page language attribute.

    Returns
    -------
    list of Path
        The written pages, ``index.html`` first.
    """
    from selfreliance.reports import page

    src = Path(src_dir) if src_dir else config.PROJECT_ROOT / "docs"
    out = Path(out_dir) if out_dir else src / "html"
    sources = sorted(src.glob("*.md"))
    if not sources:
        raise SelfRelianceError(f"No Markdown files in {src}: pass the guide folder (docs/).")
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for source in sources:
        text = source.read_text(encoding="utf-8")
        name = "index.html" if source.stem.lower() == "readme" else f"{source.stem}.html"
        body = markdown_to_html(text).replace('href="README.html', 'href="index.html')
        nav = '<p class="muted"><a href="index.html">Inhoud van de handleiding</a></p>'
        target = out / name
        target.write_text(
            page(
                _title(text, source.stem),
                (nav if name != "index.html" else "") + body,
                lang=lang,
                footer=html.escape(f"selfreliance \u00b7 handleiding \u00b7 {source.name}"),
            ),
            encoding="utf-8",
        )
        written.append(target)
    written.sort(key=lambda p: p.name != "index.html")
    return written


# --------------------------------------------------------------------------------------------
# Commands
# --------------------------------------------------------------------------------------------


def _cmd_survey_export(args: argparse.Namespace) -> int:
    from selfreliance.instrument import export_form, load_instrument, read_teams

    instrument = load_instrument(args.instrument)
    teams = read_teams(args.teams) if args.teams else []
    path = export_form(instrument, args.format, args.out, teams=teams, lang=args.lang)
    n_items = sum(len(s["items"]) for s in instrument["scales"].values())
    print(f"Survey '{instrument['name']}' ({n_items} items, {args.format}) written to {path}")
    if not teams:
        print("No --teams given: the team question holds placeholders; fill in your team names.")
    return 0


def _cmd_survey_convert(args: argparse.Namespace) -> int:
    import pandas as pd

    from selfreliance.instrument import convert_responses, load_instrument

    instrument = load_instrument(args.instrument)
    source = Path(args.responses)
    if not source.exists():
        raise SelfRelianceError(f"{source}: response export not found.")
    if source.suffix.lower() in (".xlsx", ".xls"):
        raw = pd.read_excel(source, dtype=str)
    else:
        raw = pd.read_csv(source, sep=None, engine="python", dtype=str, encoding="utf-8-sig")
    roster = None
    if args.roster:
        roster_path = Path(args.roster)
        reader = (
            pd.read_excel
            if roster_path.suffix.lower() in (".xlsx", ".xls")
            else (
                lambda p, dtype: pd.read_csv(
                    p, sep=None, engine="python", dtype=dtype, encoding="utf-8-sig"
                )
            )
        )
        roster = reader(roster_path, dtype=str)
    survey = convert_responses(raw, instrument, roster=roster)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    survey.to_csv(out, index=False, encoding="utf-8")
    print(f"{len(raw)} responses read, {len(survey)} respondents written to {out}.")
    return 0


def _cmd_survey_privacy(args: argparse.Namespace) -> int:
    from selfreliance.instrument import privacy_notice

    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(privacy_notice(args.lang), encoding="utf-8")
    print(f"Privacy notice written to {out}; fill in the fields between [brackets].")
    return 0


def _cmd_docs(args: argparse.Namespace) -> int:
    pages = render_docs(args.src, args.out)
    print(f"User guide: {len(pages)} pages in {Path(args.out or pages[0].parent)}; open {pages[0]}")
    return 0


def add_commands(sub: argparse._SubParsersAction) -> None:
    """Register ``survey`` and ``docs`` on the sub-parsers of the ``selfreliance`` command."""
    from selfreliance.instrument import FORMATS

    survey = sub.add_parser(
        "survey",
        help="export the survey as a form, convert responses to survey.csv",
        description="The shipped survey instrument (about 25 items, 10 minutes): export it for Microsoft Forms, LimeSurvey or print, and turn a response export into the survey.csv the ingest step reads.",
    )
    survey_sub = survey.add_subparsers(dest="survey_command", required=True, metavar="ACTION")
    export = survey_sub.add_parser(
        "export",
        help="write the survey as a Forms build sheet, a LimeSurvey import file or a printable page",
        description="forms-xlsx: Excel sheet with one row per question to build the Microsoft Forms form; limesurvey: tab separated .txt for LimeSurvey's survey import; print: self-contained HTML for A4.",
    )
    export.add_argument("--format", required=True, choices=FORMATS, help="output format")
    export.add_argument("--out", required=True, help="output file (.xlsx, .txt or .html)")
    export.add_argument(
        "--teams", help="team names: a .txt file (one per line) or the roster (team column)"
    )
    export.add_argument("--instrument", help="instrument YAML (default: the shipped instrument)")
    export.add_argument(
        "--lang", choices=("nl", "en"), default="nl", help="form language (default nl)"
    )
    export.set_defaults(func=_cmd_survey_export)

    convert = survey_sub.add_parser(
        "convert",
        help="turn a Forms or LimeSurvey response export into survey.csv",
        description="Find each item by id, LimeSurvey code or statement text, turn answer labels into numbers, map e-mail addresses to person numbers with the roster, keep each person's last submission.",
    )
    convert.add_argument("responses", help="response export (.xlsx or .csv)")
    convert.add_argument(
        "--out",
        default=str(config.RAW_DIR / "survey.csv"),
        help="output (default data/raw/survey.csv)",
    )
    convert.add_argument("--roster", help="roster with person_id, email and team")
    convert.add_argument("--instrument", help="instrument YAML (default: the shipped instrument)")
    convert.set_defaults(func=_cmd_survey_convert)

    privacy = survey_sub.add_parser(
        "privacy", help="write the privacy notice for respondents (Markdown)"
    )
    privacy.add_argument("--out", required=True, help="output file (.md)")
    privacy.add_argument(
        "--lang", choices=("nl", "en"), default="nl", help="language of the notice (default nl)"
    )
    privacy.set_defaults(func=_cmd_survey_privacy)

    docs = sub.add_parser(
        "docs",
        help="render the Dutch user guide (docs/*.md) to HTML",
        description="Render every Markdown page of the guide to a self-contained HTML page in the reports' look.",
    )
    docs.add_argument("--src", default=None, help="guide folder (default docs)")
    docs.add_argument("--out", default=None, help="output folder (default docs/html)")
    docs.set_defaults(func=_cmd_docs)
