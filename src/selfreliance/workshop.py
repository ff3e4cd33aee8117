"""Workshop kit: one page per stakeholder session of the diagnose-analyse-intervene method.

:func:`render_workshops` writes three self-contained HTML pages next to the quarter's reports:

* ``workshop-definitie.html`` - the definition session: agreement of the double coding, the
  disagreement list, the largest question types, and a decision log whose rows go back into
  the codebook;
* ``workshop-analyse.html`` - the analysis session: which hypotheses held, with discussion
  questions per verdict;
* ``workshop-interventie.html`` - the intervention session: directions ranked by avoidable
  tickets, savings (ROI) and the KPI targets to agree on.

Each page has the same skeleton: goal, participants, timed agenda, materials, the data to
discuss, discussion questions and a decision log template. Inputs are the quarter's result
tables in ``data/processed/<quarter>/``; a missing table gives a "nog niet beschikbaar"
section that says how to produce it, never an error. All data are escaped.
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from selfreliance.present import fmt_eur, fmt_number, fmt_pct, fmt_range

__all__ = [
    "SESSIONS",
    "SESSION_TITLES",
    "find_disagreements",
    "render_workshops",
    "session_pages",
    "write_workshops",
]

#: File name stem of each session page.
SESSIONS = ("definitie", "analyse", "interventie")
#: Rows shown of long tables (the full table stays in the processed folder).
MAX_ROWS = 40


e = html.escape


# --------------------------------------------------------------------------------------------
# Formatting
# --------------------------------------------------------------------------------------------


def _missing(value: Any) -> bool:
    try:
        return value is None or bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _num(value: Any, decimals: int = 1, lang: str = "nl") -> str:
    if _missing(value):
        return "\u2013"
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    if math.isinf(number):
        return "\u221e"
    return fmt_number(number, decimals, lang)


def _pct(value: Any, lang: str = "nl") -> str:
    if _missing(value):
        return "\u2013"
    return fmt_pct(float(value), 0, lang)


def _eur(value: Any, lang: str = "nl") -> str:
    return "\u2013" if _missing(value) else fmt_eur(float(value), lang)


def _text(value: Any) -> str:
    return "" if _missing(value) else str(value)


def _html_table(
    frame: pd.DataFrame,
    columns: Sequence[tuple[str, str, Callable[[Any], str]]],
    *,
    caption: str = "",
    max_rows: int = MAX_ROWS,
    lang: str = "nl",
) -> str:
    """An escaped HTML table of ``columns`` = (column, header, formatter) that exist in frame."""
    present = [(c, h, f) for c, h, f in columns if c in frame.columns]
    head = "".join(f"<th>{e(h)}</th>" for _, h, _ in present)
    shown = frame.head(max_rows)
    body = "".join(
        "<tr>" + "".join(f"<td>{e(fmt(row[c]))}</td>" for c, _, fmt in present) + "</tr>"
        for _, row in shown.iterrows()
    )
    more = ""
    if len(frame) > max_rows:
        more = (
            f'<p class="muted">{len(frame) - max_rows} rijen niet getoond; de volledige tabel staat in de verwerkte gegevens.</p>'
            if lang == "nl"
            else f'<p class="muted">{len(frame) - max_rows} rows not shown; the full table is in the processed data.</p>'
        )
    cap = f"<caption>{e(caption)}</caption>" if caption else ""
    return f"<table>{cap}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{more}"


def _generic_table(frame: pd.DataFrame, lang: str) -> str:
    def fmt(value: Any) -> str:
        if isinstance(value, float):
            return _num(value, 2, lang)
        if isinstance(value, list | tuple):
            return ", ".join(map(str, value))
        return _text(value)

    return _html_table(
        frame, [(c, str(c).replace("_", " "), fmt) for c in frame.columns], lang=lang
    )


def _unavailable(what: str, how: str, lang: str) -> str:
    head = "Nog niet beschikbaar" if lang == "nl" else "Not yet available"
    return (
        f'<div class="summary unavailable"><p><strong>{head}:</strong> {e(what)}</p>'
        f"<p>{e(how)}</p></div>"
    )


def _list(items: Sequence[str], ordered: bool = True) -> str:
    tag = "ol" if ordered else "ul"
    return f"<{tag}>" + "".join(f"<li>{e(i)}</li>" for i in items) + f"</{tag}>"


def _agenda(rows: Sequence[tuple[int, str]], lang: str) -> str:
    start = 0
    body = []
    for minutes, topic in rows:
        body.append(
            f"<tr><td>{start}\u2013{start + minutes}'</td><td>{minutes}'</td><td>{e(topic)}</td></tr>"
        )
        start += minutes
    head = ("Tijd", "Duur", "Onderdeel") if lang == "nl" else ("Time", "Length", "Item")
    total = ("Totaal", "minuten") if lang == "nl" else ("Total", "minutes")
    return (
        "<table><thead><tr>"
        + "".join(f"<th>{h}</th>" for h in head)
        + "</tr></thead><tbody>"
        + "".join(body)
        + f'</tbody></table><p class="muted">{total[0]}: {start} {total[1]}.</p>'
    )


def _decision_log(
    prefill: Sequence[str], columns: Sequence[str], blank_rows: int, lang: str
) -> str:
    head = "".join(f"<th>{e(c)}</th>" for c in ("Nr", *columns))
    rows = [
        f"<tr><td>{n}</td><td>{e(first)}</td>" + "<td>&nbsp;</td>" * (len(columns) - 1) + "</tr>"
        for n, first in enumerate(prefill, start=1)
    ]
    rows += [
        f"<tr><td>{n}</td>" + "<td>&nbsp;</td>" * len(columns) + "</tr>"
        for n in range(len(prefill) + 1, len(prefill) + blank_rows + 1)
    ]
    title = "Besluitenlog" if lang == "nl" else "Decision log"
    return (
        f'<section class="decision-log"><h2>{title}</h2>'
        f'<table class="log"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table></section>'
    )


_CSS = """
table.log td { height: 2.4em; min-width: 6em; }
.unavailable { border-left-color: #E69F00; }
.meta th { width: 11em; }
section.decision-log { break-before: page; }
"""


def _skeleton(
    *,
    title: str,
    quarter: str,
    goal: str,
    meta: Sequence[tuple[str, str]],
    agenda: Sequence[tuple[int, str]],
    sections: Sequence[str],
    questions: Sequence[str],
    log: str,
    lang: str,
) -> str:
    from selfreliance.quarters import quarter_label

    labels = {
        "nl": ("Doel", "Agenda", "Vragen voor de discussie", "Praktisch"),
        "en": ("Goal", "Agenda", "Discussion questions", "Practical"),
    }[lang]
    meta_rows = "".join(f"<tr><th>{e(k)}</th><td>{e(v)}</td></tr>" for k, v in meta)
    try:
        period = quarter_label(quarter, lang)
    except Exception:  # noqa: BLE001 - an unusual quarter string still gets a page
        period = quarter
    return (
        f"<style>{_CSS}</style>"
        f"<h1>{e(title)}: {e(period)}</h1>"
        f'<div class="summary"><p><strong>{labels[0]}:</strong> {e(goal)}</p></div>'
        f'<h2>{labels[3]}</h2><table class="meta">{meta_rows}</table>'
        f"<h2>{labels[1]}</h2>{_agenda(agenda, lang)}"
        + "".join(sections)
        + f'<h2>{labels[2]}</h2><section class="questions">{_list(questions)}</section>'
        + log
    )


# --------------------------------------------------------------------------------------------
# Inputs
# --------------------------------------------------------------------------------------------


def _read_table(path: Path) -> pd.DataFrame | None:
    try:
        if path.suffix == ".parquet":
            return pd.read_parquet(path)
        if path.suffix == ".csv":
            return pd.read_csv(path, sep=None, engine="python", dtype=str, encoding="utf-8-sig")
        if path.suffix == ".xlsx":
            return pd.read_excel(path, dtype=str)
    except Exception:  # noqa: BLE001 - an unreadable table is reported as unavailable
        return None
    return None


def _search_folders(processed: Path, quarter: str) -> list[Path]:
    return [processed / quarter, processed, processed.parent / "raw"]


def _newest(folders: Sequence[Path], pattern: str) -> pd.DataFrame | None:
    candidates = [
        p
        for folder in folders
        if folder.is_dir()
        for p in folder.glob(pattern)
        if p.suffix in (".parquet", ".csv", ".xlsx")
    ]
    for path in sorted(candidates, key=lambda p: p.stat().st_mtime, reverse=True):
        frame = _read_table(path)
        if frame is not None:
            return frame
    return None


def find_disagreements(processed_dir: str | Path, quarter: str) -> pd.DataFrame | None:
    """The disagreement list of the double coding, if one was saved.

    ``selfreliance label import WORKBOOK --out data/raw/labels.csv`` writes
    ``data/raw/labels_disagreements.csv``. This looks in ``<processed>/<quarter>/``,
    ``<processed>/`` and the ``raw`` folder next to ``<processed>`` for the newest file whose
    name contains ``disagreements`` (.csv, .parquet or .xlsx) with at least ``ticket_id,
    coder_a, coder_b`` (:attr:`selfreliance.labelling.CodingResult.disagreements`).
    """
    frame = _newest(_search_folders(Path(processed_dir), quarter), "*disagreements*")
    if frame is None or not {"ticket_id", "coder_a", "coder_b"} <= set(frame.columns):
        return None
    return frame


def _load(processed: Path, quarter: str, name: str) -> pd.DataFrame | None:
    path = processed / quarter / f"{name}.parquet"
    return _read_table(path) if path.exists() else None


def _codebook():
    try:
        from selfreliance.categorise import load_codebook

        return load_codebook()
    except Exception:  # noqa: BLE001 - the page works with raw codes when the codebook fails
        return None


def _code_label(codebook, code: Any, lang: str) -> str:
    if _missing(code):
        return "\u2013"
    code = str(code)
    if codebook is not None:
        if code in codebook.solvability_labels:
            return str(codebook.solvability_labels[code].get(lang, code))
        if code in codebook.types.index:
            return codebook.label(code, lang)
    return code


# --------------------------------------------------------------------------------------------
# Session pages
# --------------------------------------------------------------------------------------------


def _definition_page(
    quarter: str, processed: Path, lang: str, disagreements: pd.DataFrame | None
) -> str:
    nl = lang == "nl"
    codebook = _codebook()
    version = codebook.version if codebook is not None else "?"
    sections = []
    # Agreement of the double coding.
    agreement = _newest(_search_folders(processed, quarter), "*agreement*")
    sections.append(
        f"<h2>{'1. Overeenstemming tussen de codeurs' if nl else '1. Agreement between coders'}</h2>"
    )
    if agreement is not None and {"target", "kappa"} <= set(agreement.columns):
        sections.append(
            "<p>"
            + e(
                "Cohens kappa: 1 is volledige overeenstemming, 0 is niet beter dan toeval. Vanaf "
                "ongeveer 0,60 spreken we van een bruikbare definitie; lager betekent dat het "
                "codeboek verduidelijkt moet worden."
                if nl
                else "Cohen's kappa: 1 is full agreement, 0 no better than chance. From about "
                "0.60 the definition is usable; lower means the codebook needs clarifying."
            )
            + "</p>"
        )
        sections.append(
            _html_table(
                agreement,
                [
                    ("comparison", "Vergelijking" if nl else "Comparison", _text),
                    (
                        "target",
                        "Wat" if nl else "What",
                        lambda v: _code_label(None, v, lang).replace("_", " "),
                    ),
                    ("n", "Tickets", lambda v: _num(v, 0, lang)),
                    ("kappa", "Kappa", lambda v: _num(v, 2, lang)),
                    ("ci_low", "95%-BI laag" if nl else "95% CI low", lambda v: _num(v, 2, lang)),
                    ("ci_high", "95%-BI hoog" if nl else "95% CI high", lambda v: _num(v, 2, lang)),
                ],
                lang=lang,
            )
        )
    else:
        sections.append(
            _unavailable(
                "de overeenstemming (kappa) van de dubbele codering."
                if nl
                else "the agreement (kappa) of the double coding.",
                "Laat twee personen dezelfde steekproef coderen (`selfreliance label export`); "
                "`selfreliance label import` toont de kappa op het scherm: noteer ze hieronder."
                if nl
                else "Have two people code the same sample (`selfreliance label export`); "
                "`selfreliance label import` prints kappa: write it down below.",
                lang,
            )
        )
        head = ("Wat", "Kappa", "95%-BI") if nl else ("What", "Kappa", "95% CI")
        rows = ("vraagtype", "zelf oplosbaar?") if nl else ("question type", "self-solvable?")
        sections.append(
            '<table class="log"><thead><tr>'
            + "".join(f"<th>{h}</th>" for h in head)
            + "</tr></thead><tbody>"
            + "".join(f"<tr><td>{r}</td><td>&nbsp;</td><td>&nbsp;</td></tr>" for r in rows)
            + "</tbody></table>"
        )
    # The disagreement list.
    sections.append(
        f"<h2>{'2. Meningsverschillen om te bespreken' if nl else '2. Disagreements to discuss'}</h2>"
    )
    prefill: list[str] = []
    if disagreements is not None and len(disagreements):
        frame = disagreements.copy()
        sections.append(
            "<p>"
            + e(
                f"{len(frame)} meldingen waarover de codeurs van mening verschillen. Beslis per "
                "melding welke code juist is en waarom; pas het codeboek aan waar de regel "
                "onduidelijk was."
                if nl
                else f"{len(frame)} tickets on which the coders disagree. Decide the right code "
                "and why; change the codebook where the rule was unclear."
            )
            + "</p>"
        )
        sections.append(
            _html_table(
                frame,
                [
                    ("ticket_id", "Ticket", _text),
                    (
                        "target",
                        "Wat" if nl else "What",
                        lambda v: {
                            "question_type": "vraagtype" if nl else "question type",
                            "self_solvability": "zelf oplosbaar?" if nl else "self-solvable?",
                        }.get(_text(v), _text(v)),
                    ),
                    ("title", "Titel" if nl else "Title", _text),
                    (
                        "coder_a",
                        "Codeur A" if nl else "Coder A",
                        lambda v: _code_label(codebook, v, lang),
                    ),
                    (
                        "coder_b",
                        "Codeur B" if nl else "Coder B",
                        lambda v: _code_label(codebook, v, lang),
                    ),
                    ("remarks_a", "Opmerking A" if nl else "Remark A", _text),
                    ("remarks_b", "Opmerking B" if nl else "Remark B", _text),
                ],
                lang=lang,
            )
        )
        prefill = [
            f"{_text(r['ticket_id'])}: {_code_label(codebook, r['coder_a'], lang)} / {_code_label(codebook, r['coder_b'], lang)}"
            for _, r in frame.head(MAX_ROWS).iterrows()
        ]
    else:
        sections.append(
            _unavailable(
                "de lijst van meningsverschillen uit de dubbele codering."
                if nl
                else "the disagreement list of the double coding.",
                "`selfreliance label import WERKBOEK.xlsx --out data/raw/labels.csv` schrijft de lijst "
                "naar data/raw/labels_disagreements.csv; daarna verschijnt ze hier."
                if nl
                else "`selfreliance label import WORKBOOK.xlsx --out data/raw/labels.csv` writes the "
                "list to data/raw/labels_disagreements.csv; it then appears here.",
                lang,
            )
        )
    # The largest question types and their class.
    sections.append(
        f"<h2>{'3. De grootste vraagtypes en hun indeling' if nl else '3. The largest question types and their class'}</h2>"
    )
    types = _load(processed, quarter, "diagnose_types")
    if types is not None and len(types):
        sections.append(
            _html_table(
                types.sort_values("n", ascending=False) if "n" in types.columns else types,
                [
                    ("label", "Vraagtype" if nl else "Question type", _text),
                    (
                        "self_solvability",
                        "Indeling" if nl else "Class",
                        lambda v: _code_label(codebook, v, lang),
                    ),
                    ("n", "Tickets", lambda v: _num(v, 0, lang)),
                    ("share", "Aandeel" if nl else "Share", lambda v: _pct(v, lang)),
                    (
                        "median_resolution_business_hours",
                        "Mediaan doorlooptijd (kantooruren)"
                        if nl
                        else "Median resolution (business hours)",
                        lambda v: _num(v, 1, lang),
                    ),
                ],
                max_rows=15,
                lang=lang,
            )
        )
    else:
        sections.append(
            _unavailable(
                "de vraagtypes van dit kwartaal." if nl else "this quarter's question types.",
                "Draai eerst `make report` (of `selfreliance report --quarter ...`) voor dit kwartaal."
                if nl
                else "Run `make report` (or `selfreliance report --quarter ...`) for this quarter first.",
                lang,
            )
        )
    questions = (
        [
            "Bij welke meldingen verschillen de codeurs omdat de regel in het codeboek onduidelijk is, en bij welke omdat de melding zelf te weinig informatie geeft?",
            "Welke vraagtypes noemen we 'zelf oplosbaar', en onder welke voorwaarde (zelfserviceportaal, handleiding, rechten)?",
            "Bestaat de zelfhulp voor de grootste zelf oplosbare vraagtypes echt, en vinden medewerkers ze?",
            "Welke vraagtypes hangen af van de functie of de toepassing, en moeten we opsplitsen?",
            "Wat verandert er in het codeboek, wie past het aan, en welke nieuwe versie krijgt het?",
        ]
        if nl
        else [
            "On which tickets do coders differ because the codebook rule is unclear, and on which because the ticket says too little?",
            "Which question types do we call 'self-solvable', and under which condition (portal, guide, rights)?",
            "Does self-help for the largest self-solvable types really exist, and do staff find it?",
            "Which types depend on the job or application, and should be split?",
            "What changes in the codebook, who changes it, and which new version does it get?",
        ]
    )
    log = _decision_log(
        prefill,
        [
            "Melding / vraagtype",
            "Besluit (juiste code)",
            "Reden",
            "Wijziging in codeboek",
            "Wie",
            "Codeboekversie",
        ]
        if nl
        else [
            "Ticket / question type",
            "Decision (right code)",
            "Reason",
            "Codebook change",
            "Who",
            "Codebook version",
        ],
        blank_rows=8,
        lang=lang,
    )
    log += (
        "<p>"
        + e(
            f"Leg de besluiten daarna vast in het codeboek (codebook.yml, nu versie {version}): pas het "
            "type, de indeling of de patronen aan en verhoog het versienummer, zodat resultaten met "
            "verschillende definities nooit vermengd worden."
            if nl
            else f"Then record the decisions in the codebook (codebook.yml, now version {version}): change "
            "the type, class or patterns and raise the version, so that results under different "
            "definitions are never mixed."
        )
        + "</p>"
    )
    return _skeleton(
        title="Werksessie 1: definitie van zelfredzaamheid"
        if nl
        else "Workshop 1: defining self-reliance",
        quarter=quarter,
        goal=(
            "Samen vastleggen wat 'zelf oplosbaar' betekent, zodat het meetbaar is vóór we analyseren: "
            "de meningsverschillen uit de dubbele codering beslechten en de besluiten in het codeboek zetten."
            if nl
            else "Agree what 'self-solvable' means so it is measurable before analysing: settle the "
            "disagreements of the double coding and record the decisions in the codebook."
        ),
        meta=[
            (
                "Deelnemers" if nl else "Participants",
                "IT-dienst (eerste lijn), P&O, de twee codeurs, één of twee teamleiders"
                if nl
                else "IT service (first line), HR, the two coders, one or two team leaders",
            ),
            ("Duur" if nl else "Length", "2 uur" if nl else "2 hours"),
            (
                "Materiaal" if nl else "Materials",
                "deze pagina (afgedrukt), het diagnoserapport, het codeboek, het codeerwerkboek"
                if nl
                else "this page (printed), the diagnose report, the codebook, the coding workbook",
            ),
            (
                "Voorbereiding" if nl else "Preparation",
                "dubbele codering van een steekproef (selfreliance label export / import)"
                if nl
                else "double coding of a sample (selfreliance label export / import)",
            ),
        ],
        agenda=[
            (
                10,
                "Opening: waarom een definitie vóór de analyse"
                if nl
                else "Opening: why a definition before analysis",
            ),
            (
                15,
                "Overeenstemming tussen de codeurs (kappa)"
                if nl
                else "Agreement between coders (kappa)",
            ),
            (
                45,
                "Meningsverschillen één voor één: juiste code en reden"
                if nl
                else "Disagreements one by one: right code and reason",
            ),
            (
                25,
                "De grootste vraagtypes: klopt de indeling?"
                if nl
                else "The largest question types: is the class right?",
            ),
            (
                15,
                "Besluiten voor het codeboek en nieuwe versie"
                if nl
                else "Codebook decisions and new version",
            ),
            (10, "Afspraken en volgende stap" if nl else "Agreements and next step"),
        ],
        sections=sections,
        questions=questions,
        log=log,
        lang=lang,
    )


_STATUS = {
    "nl": {
        "supported": "ondersteund",
        "contrary": "tegengesteld aan de verwachting",
        "not_supported": "niet ondersteund",
        "not_testable": "niet toetsbaar",
    },
    "en": {
        "supported": "supported",
        "contrary": "contrary to expectation",
        "not_supported": "not supported",
        "not_testable": "not testable",
    },
}


def _analysis_page(quarter: str, processed: Path, lang: str) -> str:
    nl = lang == "nl"
    sections = [
        f"<h2>{'1. Welke hypothesen houden stand?' if nl else '1. Which hypotheses hold?'}</h2>"
    ]
    results = _load(processed, quarter, "analyse_hypotheses")
    prefill: list[str] = []
    if results is not None and len(results) and "hypothesis_id" in results.columns:
        status = results.get("status", pd.Series(index=results.index, dtype=object))
        counts = status.map(lambda s: _STATUS[lang].get(_text(s), _text(s))).value_counts()
        sections.append(
            "<p>"
            + e(
                ("Van de " if nl else "Of the ")
                + f"{len(results)} "
                + ("hypothesen: " if nl else "hypotheses: ")
                + ", ".join(f"{n} {label}" for label, n in counts.items())
                + "."
            )
            + "</p>"
        )
        sections.append(
            "<p>"
            + e(
                "IRR: hoeveel keer zoveel zelf oplosbare tickets per VTE-maand (1 = geen verschil). "
                "Het 95%-betrouwbaarheidsinterval (BI) houdt rekening met de teams; q is de p-waarde "
                "na correctie voor meervoudig toetsen. 'Niet ondersteund' betekent niet 'weerlegd': "
                "kijk naar het kleinste aantoonbare effect in het analyserapport."
                if nl
                else "IRR: how many times as many self-solvable tickets per FTE-month (1 = no "
                "difference). The 95% confidence interval (CI) accounts for teams; q is the p-value "
                "corrected for multiple testing. 'Not supported' does not mean 'refuted': see the "
                "minimum detectable effect in the analysis report."
            )
            + "</p>"
        )
        order = {"supported": 0, "contrary": 1, "not_supported": 2, "not_testable": 3}
        frame = results.assign(_o=status.map(lambda s: order.get(_text(s), 4))).sort_values(
            ["_o", "hypothesis_id"]
        )
        statement = "statement_nl" if nl else "statement_en"
        if statement not in frame.columns:
            statement = "statement_nl"
        sections.append(
            _html_table(
                frame,
                [
                    ("hypothesis_id", "Hypothese" if nl else "Hypothesis", _text),
                    (statement, "Stelling" if nl else "Statement", _text),
                    (
                        "status",
                        "Besluit" if nl else "Verdict",
                        lambda s: _STATUS[lang].get(_text(s), _text(s)),
                    ),
                    ("irr", "IRR", lambda v: _num(v, 2, lang)),
                    ("ci_low", "95%-BI laag" if nl else "95% CI low", lambda v: _num(v, 2, lang)),
                    ("ci_high", "95%-BI hoog" if nl else "95% CI high", lambda v: _num(v, 2, lang)),
                    ("q_val", "q", lambda v: _num(v, 3, lang)),
                ],
                lang=lang,
            )
        )
        if "verdict_nl" in frame.columns and nl:
            sections.append("<h3>In gewone woorden</h3>")
            sections.append(
                "<ul>"
                + "".join(
                    f"<li><strong>{e(_text(r['hypothesis_id']))}</strong>: {e(_text(r['verdict_nl']))}</li>"
                    for _, r in frame.iterrows()
                )
                + "</ul>"
            )
        prefill = [
            f"{_text(r['hypothesis_id'])} ({_STATUS[lang].get(_text(r.get('status')), _text(r.get('status')))})"
            for _, r in frame.iterrows()
        ]
    else:
        sections.append(
            _unavailable(
                "de getoetste hypothesen van dit kwartaal (analyse_hypotheses.parquet)."
                if nl
                else "this quarter's tested hypotheses (analyse_hypotheses.parquet).",
                "Lever een personeelslijst aan en draai `make report` voor dit kwartaal; voor H4-H7 is ook de bevraging nodig."
                if nl
                else "Provide a roster and run `make report` for this quarter; H4-H7 also need the survey.",
                lang,
            )
        )
    questions = (
        [
            "Welke ondersteunde hypothesen herkennen we in de praktijk, en welke verrassen ons?",
            "Gaat het vooral om niet kunnen (competenties) of om niet willen (attitude), en in welke teams?",
            "Waar zegt 'niet ondersteund' vooral dat we te weinig gegevens hebben (kleinste aantoonbare effect groter dan wat ertoe doet)?",
            "Welke rol spelen leidinggevenden en de psychologische veiligheid in het team?",
            "Welke gegevens verzamelen we om de niet-toetsbare hypothesen alsnog te onderzoeken?",
            "Welke stakeholders, naast IT en P&O, moeten we betrekken bij de volgende stap?",
        ]
        if nl
        else [
            "Which supported hypotheses do we recognise in practice, and which surprise us?",
            "Is it mainly can't (competence) or won't (attitude), and in which teams?",
            "Where does 'not supported' mainly mean too little data (minimum detectable effect larger than what matters)?",
            "What role do managers and the team's psychological safety play?",
            "Which data do we collect to study the untestable hypotheses?",
            "Which stakeholders beyond IT and HR must join the next step?",
        ]
    )
    log = _decision_log(
        prefill,
        [
            "Hypothese",
            "Herkennen we dit? (ja/nee/deels)",
            "Wat nemen we mee naar de interventies?",
            "Extra gegevens nodig?",
            "Wie",
        ]
        if nl
        else [
            "Hypothesis",
            "Do we recognise it? (yes/no/partly)",
            "What do we take to the interventions?",
            "More data needed?",
            "Who",
        ],
        blank_rows=4,
        lang=lang,
    )
    return _skeleton(
        title="Werksessie 2: analyse van de oorzaken" if nl else "Workshop 2: analysing the causes",
        quarter=quarter,
        goal=(
            "Bespreken welke hypothesen over de oorzaken standhouden (kunnen, willen, context, "
            "leidinggevenden, onboarding, groepsverschillen) en wat dat betekent voor de aanpak."
            if nl
            else "Discuss which hypotheses about the causes hold (can, want, context, managers, "
            "onboarding, group differences) and what that means for the approach."
        ),
        meta=[
            (
                "Deelnemers" if nl else "Participants",
                "P&O, analisten, managementteam, IT-dienst, vertegenwoordiging van leidinggevenden"
                if nl
                else "HR, analysts, management team, IT service, team leader representatives",
            ),
            ("Duur" if nl else "Length", "1,5 uur" if nl else "1.5 hours"),
            (
                "Materiaal" if nl else "Materials",
                "deze pagina, het analyserapport (analyse.html)"
                if nl
                else "this page, the analysis report (analyse.html)",
            ),
        ],
        agenda=[
            (
                10,
                "Opening en de vraag: waarom zoveel zelf oplosbare tickets?"
                if nl
                else "Opening: why so many self-solvable tickets?",
            ),
            (
                20,
                "Resultaten: hoe lezen we IRR, BI, q en het kleinste aantoonbare effect"
                if nl
                else "Results: reading IRR, CI, q and the minimum detectable effect",
            ),
            (35, "Bespreking per hypothese" if nl else "Discussion per hypothesis"),
            (
                15,
                "Samenhang: individu en team (kunnen, willen, veilige context)"
                if nl
                else "Putting it together: individual and team",
            ),
            (10, "Besluiten en open vragen" if nl else "Decisions and open questions"),
        ],
        sections=sections,
        questions=questions,
        log=log,
        lang=lang,
    )


_KPI_BASELINE = (
    ("tickets", "Ticketvolume per kwartaal", "Ticket volume per quarter", "n"),
    (
        "self_solvable_share",
        "Aandeel zelf oplosbare tickets",
        "Share of self-solvable tickets",
        "pct",
    ),
    (
        "self_solvable_per_fte_month",
        "Zelf oplosbare tickets per VTE-maand",
        "Self-solvable tickets per FTE-month",
        "dec",
    ),
    (
        "median_resolution_business_hours",
        "Mediaan doorlooptijd (kantooruren)",
        "Median resolution time (business hours)",
        "dec",
    ),
    (
        "median_response_business_hours",
        "Mediaan tijd tot eerste reactie (kantooruren)",
        "Median time to first response (business hours)",
        "dec",
    ),
)


def _intervention_page(quarter: str, processed: Path, lang: str) -> str:
    nl = lang == "nl"
    codebook = _codebook()
    sections = []
    folder = processed / quarter
    found = (
        {p.stem: _read_table(p) for p in sorted(folder.glob("intervene_*.parquet"))}
        if folder.exists()
        else {}
    )
    found = {k: v for k, v in found.items() if v is not None}
    # 1. Directions ranked by avoidable tickets.
    sections.append(
        f"<h2>{'1. Waar ligt het potentieel?' if nl else '1. Where is the potential?'}</h2>"
    )
    avoidable = found.pop("intervene_avoidable", None)
    if avoidable is not None and len(avoidable):
        ranked = avoidable.sort_values(
            "avoidable_expected"
            if "avoidable_expected" in avoidable.columns
            else avoidable.columns[0],
            ascending=False,
        )
        sections.append(
            "<p>"
            + e(
                "Vraagtypes gerangschikt naar het aantal tickets per jaar dat in het verwachte scenario naar zelfhulp kan verschuiven."
                if nl
                else "Question types ranked by tickets per year that could move to self-help in the expected scenario."
            )
            + "</p>"
        )
        sections.append(
            _html_table(
                ranked,
                [
                    (
                        "question_type",
                        "Vraagtype" if nl else "Question type",
                        lambda v: _code_label(codebook, v, lang),
                    ),
                    (
                        "self_solvability",
                        "Indeling" if nl else "Class",
                        lambda v: _code_label(codebook, v, lang),
                    ),
                    (
                        "tickets_per_year",
                        "Tickets per jaar" if nl else "Tickets per year",
                        lambda v: _num(v, 0, lang),
                    ),
                    (
                        "avoidable_conservative",
                        "Vermijdbaar (voorzichtig)" if nl else "Avoidable (conservative)",
                        lambda v: _num(v, 0, lang),
                    ),
                    (
                        "avoidable_expected",
                        "Vermijdbaar (verwacht)" if nl else "Avoidable (expected)",
                        lambda v: _num(v, 0, lang),
                    ),
                    (
                        "avoidable_ambitious",
                        "Vermijdbaar (ambitieus)" if nl else "Avoidable (ambitious)",
                        lambda v: _num(v, 0, lang),
                    ),
                ],
                max_rows=15,
                lang=lang,
            )
        )
    else:
        sections.append(
            _unavailable(
                "de vermijdbare tickets per vraagtype (intervene_avoidable.parquet)."
                if nl
                else "avoidable tickets per question type (intervene_avoidable.parquet).",
                "Draai `make report` voor dit kwartaal."
                if nl
                else "Run `make report` for this quarter.",
                lang,
            )
        )
    # 2. ROI.
    sections.append(
        f"<h2>{'2. Wat levert het op? (ROI)' if nl else '2. What is the return? (ROI)'}</h2>"
    )
    savings = found.pop("intervene_savings", None)
    if savings is not None and len(savings):
        scenario = (
            {"conservative": "voorzichtig", "expected": "verwacht", "ambitious": "ambitieus"}
            if nl
            else {}
        )
        sections.append(
            _html_table(
                savings,
                [
                    ("scenario", "Scenario", lambda v: scenario.get(_text(v), _text(v))),
                    (
                        "avoidable_tickets",
                        "Vermijdbare tickets per jaar" if nl else "Avoidable tickets per year",
                        lambda v: _num(v, 0, lang),
                    ),
                    (
                        "it_hours_freed",
                        "Vrijgekomen IT-uren per jaar" if nl else "IT hours freed per year",
                        lambda v: _num(v, 0, lang),
                    ),
                    (
                        "savings_eur",
                        "Besparing per jaar (mediaan)" if nl else "Savings per year (median)",
                        lambda v: _eur(v, lang),
                    ),
                    (
                        "savings_low",
                        "Ondergrens (5%)" if nl else "Low (5%)",
                        lambda v: _eur(v, lang),
                    ),
                    (
                        "savings_high",
                        "Bovengrens (95%)" if nl else "High (95%)",
                        lambda v: _eur(v, lang),
                    ),
                ],
                lang=lang,
            )
        )
        sections.append(
            '<p class="muted">'
            + e(
                "Kosten per ticket zijn aannames uit het kostenmodel (costs.yml); vergelijk de besparing met de kost van elke actie om de terugverdientijd te bespreken."
                if nl
                else "Costs per ticket are assumptions of the cost model (costs.yml); compare savings with each action's cost to discuss the payback time."
            )
            + "</p>"
        )
    else:
        sections.append(
            _unavailable(
                "de besparingsraming (intervene_savings.parquet)."
                if nl
                else "the savings estimate (intervene_savings.parquet).",
                "Draai `make report` voor dit kwartaal."
                if nl
                else "Run `make report` for this quarter.",
                lang,
            )
        )
    # Ranked actions with ROI (the intervention catalogue), when the report produced them.
    advice = found.pop("intervene_advice", None)
    if advice is not None and len(advice):
        sections.append(f"<h3>{'Acties gerangschikt (ROI)' if nl else 'Ranked actions (ROI)'}</h3>")
        sections.append(
            "<p>"
            + e(
                "Acties uit de catalogus, gerangschikt door het interventierapport: vermeden tickets per jaar, "
                "netto waarde over de horizon van het kostenmodel, ROI met onzekerheidsmarge, terugverdientijd "
                "en de kans dat de actie zich terugverdient."
                if nl
                else "Catalogue actions as ranked by the intervention report: tickets avoided per year, net "
                "value over the cost model's horizon, ROI with its uncertainty, payback and the probability "
                "of paying back."
            )
            + "</p>"
        )
        tiers = (
            {
                "go": "doen",
                "recommended": "aanbevolen",
                "pilot": "eerst als pilot",
                "not_now": "nu niet",
            }
            if nl
            else {
                "go": "go",
                "recommended": "recommended",
                "pilot": "pilot first",
                "not_now": "not now",
            }
        )
        direction = "direction_nl" if nl and "direction_nl" in advice.columns else "direction"
        ranked_advice = advice.sort_values("rank") if "rank" in advice.columns else advice
        if not nl and "name" in ranked_advice.columns:
            from selfreliance.narrative import action_names, direction_names

            ranked_advice = ranked_advice.assign(name=action_names(ranked_advice, lang))
            if "direction_nl" in ranked_advice.columns:
                ranked_advice = ranked_advice.assign(direction=direction_names(ranked_advice, lang))
        if {"roi", "roi_low", "roi_high"} <= set(advice.columns):
            ranked_advice = ranked_advice.assign(
                _roi=fmt_range(
                    ranked_advice["roi"],
                    ranked_advice["roi_low"],
                    ranked_advice["roi_high"],
                    lambda v: _pct(v, lang),
                    lang,
                )
            )
        sections.append(
            _html_table(
                ranked_advice,
                [
                    ("rank", "Rang" if nl else "Rank", lambda v: _num(v, 0, lang)),
                    ("name", "Actie" if nl else "Action", _text),
                    (direction, "Richting" if nl else "Direction", _text),
                    ("tier", "Advies" if nl else "Advice", lambda v: tiers.get(_text(v), _text(v))),
                    (
                        "avoided_tickets",
                        "Vermeden tickets/jaar" if nl else "Tickets avoided/year",
                        lambda v: _num(v, 0, lang),
                    ),
                    (
                        "one_off_eur",
                        "Eenmalige kost" if nl else "One-off cost",
                        lambda v: _eur(v, lang),
                    ),
                    (
                        "net_value_eur",
                        "Netto waarde" if nl else "Net value",
                        lambda v: _eur(v, lang),
                    ),
                    ("_roi", "ROI (marge)" if nl else "ROI (range)", _text),
                    (
                        "payback_months",
                        "Terugverdientijd (maanden)" if nl else "Payback (months)",
                        lambda v: _num(v, 0, lang),
                    ),
                    (
                        "p_payback",
                        "Kans op terugverdienen" if nl else "Probability of payback",
                        lambda v: _pct(v, lang),
                    ),
                ],
                lang=lang,
            )
        )
    # Where the load sits, per team (teams under the disclosure threshold stay hidden).
    team_load = found.pop("intervene_team_load", None)
    if team_load is not None and len(team_load) and "team" in team_load.columns:
        shown = team_load
        if "suppressed" in shown.columns:
            shown = shown.loc[shown["suppressed"].fillna("").astype(str).str.strip() == ""]
        sections.append(
            f"<h3>{'Waar zit de last? (per team)' if nl else 'Where is the load? (per team)'}</h3>"
        )
        sections.append(
            '<p class="muted">'
            + e(
                "Teams met minder dan 5 personen worden niet getoond. Gebruik dit om pilotteams te kiezen, "
                "niet om teams met elkaar te vergelijken in hun afwezigheid."
                if nl
                else "Teams with fewer than 5 people are not shown. Use this to choose pilot teams, not to "
                "compare teams in their absence."
            )
            + "</p>"
        )
        sections.append(
            _html_table(
                shown.sort_values("rate", ascending=False) if "rate" in shown.columns else shown,
                [
                    ("team", "Team", _text),
                    ("n_people", "Personen" if nl else "People", lambda v: _num(v, 0, lang)),
                    (
                        "rate",
                        "Zelf oplosbare tickets per VTE-maand"
                        if nl
                        else "Self-solvable tickets per FTE-month",
                        lambda v: _num(v, 2, lang),
                    ),
                    (
                        "ratio_to_org",
                        "t.o.v. organisatie" if nl else "vs organisation",
                        lambda v: _num(v, 2, lang),
                    ),
                    (
                        "avoidable_expected",
                        "Vermijdbaar per jaar (verwacht)"
                        if nl
                        else "Avoidable per year (expected)",
                        lambda v: _num(v, 0, lang),
                    ),
                ],
                max_rows=25,
                lang=lang,
            )
        )
    kpis = found.pop("intervene_kpis", None)
    # Any further intervention tables (evaluations, estimates) as they come.
    for stem, frame in found.items():
        if len(frame):
            title = stem.removeprefix("intervene_").replace("_", " ")
            sections.append(f"<h3>{e(title)}</h3>{_generic_table(frame, lang)}")
    # 3. KPI targets.
    sections.append(
        f"<h2>{'3. Streefwaarden om af te spreken' if nl else '3. Targets to agree on'}</h2>"
    )
    labels = {key: (label_nl if nl else label_en) for key, label_nl, label_en, _ in _KPI_BASELINE}
    labels["p90_resolution_business_hours"] = (
        "90e percentiel doorlooptijd (kantooruren)"
        if nl
        else "90th percentile resolution time (business hours)"
    )
    if kpis is not None and len(kpis) and {"metric", "value"} <= set(kpis.columns):

        def fmt_kpi(row, column):
            value = row.get(column)
            if _text(row.get("unit")) == "share":
                return _pct(value, lang)
            return _num(value, 0 if _text(row.get("metric")) == "tickets" else 2, lang)

        status = (
            {"improving": "verbetert", "stable": "stabiel", "worse": "verslechtert"} if nl else {}
        )
        head = (
            (
                "Indicator",
                "Basislijn",
                f"Nu ({quarter})",
                "Verloop",
                "Voorgestelde streefwaarde",
                "Afgesproken streefwaarde",
                "Tegen wanneer",
                "Eigenaar",
            )
            if nl
            else (
                "Indicator",
                "Baseline",
                f"Now ({quarter})",
                "Trend",
                "Proposed target",
                "Agreed target",
                "By when",
                "Owner",
            )
        )
        rows = "".join(
            f"<tr><td>{e(labels.get(_text(r['metric']), _text(r['metric'])))}</td>"
            f"<td>{e(fmt_kpi(r, 'baseline'))}</td><td>{e(fmt_kpi(r, 'value'))}</td>"
            f"<td>{e(status.get(_text(r.get('status')), _text(r.get('status'))))}</td>"
            f"<td>{e(fmt_kpi(r, 'target'))}</td>" + "<td>&nbsp;</td>" * 3 + "</tr>"
            for _, r in kpis.iterrows()
        )
        sections.append(
            '<table class="log"><thead><tr>'
            + "".join(f"<th>{e(h)}</th>" for h in head)
            + f"</tr></thead><tbody>{rows}</tbody></table>"
        )
    else:
        summary = _load(processed, quarter, "diagnose_summary")
        waits = _load(processed, quarter, "diagnose_waits")
        values: dict[str, float] = {}
        if summary is not None and {"metric", "value"} <= set(summary.columns):
            values.update(dict(zip(summary["metric"], summary["value"], strict=True)))
        if waits is not None and "self_solvability" in waits.columns:
            self_row = waits.loc[waits["self_solvability"] == "self"]
            for column in ("median_resolution_business_hours", "median_response_business_hours"):
                if column in self_row.columns and len(self_row) and column not in values:
                    values[column] = float(self_row[column].iloc[0])
        kpi_rows = []
        for key, _label_nl, _label_en, kind in _KPI_BASELINE:
            value = values.get(key)
            shown = (
                _pct(value, lang) if kind == "pct" else _num(value, 0 if kind == "n" else 1, lang)
            )
            kpi_rows.append(
                f"<tr><td>{e(labels[key])}</td><td>{e(shown)}</td>"
                "<td>&nbsp;</td><td>&nbsp;</td><td>&nbsp;</td></tr>"
            )
        head = (
            ("Indicator", f"Nu ({quarter})", "Streefwaarde", "Tegen wanneer", "Eigenaar")
            if nl
            else ("Indicator", f"Now ({quarter})", "Target", "By when", "Owner")
        )
        if not values:
            sections.append(
                _unavailable(
                    "de huidige waarden van de indicatoren (diagnose_summary.parquet)."
                    if nl
                    else "the current KPI values (diagnose_summary.parquet).",
                    "Draai `make report` voor dit kwartaal; de streefwaarden kunnen wel al besproken worden."
                    if nl
                    else "Run `make report` for this quarter; targets can still be discussed.",
                    lang,
                )
            )
        sections.append(
            '<table class="log"><thead><tr>'
            + "".join(f"<th>{e(h)}</th>" for h in head)
            + f"</tr></thead><tbody>{''.join(kpi_rows)}</tbody></table>"
        )
    sections.append(
        "<p>"
        + e(
            "Volg de impact met ticketvolume, type vragen en wachttijd, maar kader het resultaat ook breder: "
            "kortere wachttijden, vlotter werk en betere teamprestaties."
            if nl
            else "Follow impact with ticket volume, question type and waiting time, but frame results "
            "more broadly too: shorter waits, smoother work and better team performance."
        )
        + "</p>"
    )
    directions = (
        [
            "IT-procedures en zelfhulproutes verduidelijken",
            "Zelfredzaamheid definiëren en verankeren als kerncompetentie",
            "Onboarding van nieuwe medewerkers verbeteren",
            "Leidinggevenden inzetten als hefboom",
        ]
        if nl
        else [
            "Clarify IT procedures and self-help routes",
            "Define and anchor self-reliance as a core competency",
            "Improve onboarding of new staff",
            "Use managers as the lever",
        ]
    )
    questions = (
        [
            "Welk scenario (voorzichtig, verwacht, ambitieus) vinden we realistisch voor onze organisatie?",
            "Welke vraagtypes pakken we eerst aan, en met welke actie (procedures, opleiding, onboarding, leidinggevenden)?",
            "Welke acties sluiten aan bij wat de analyse toonde (kunnen, willen, context)?",
            "Welke streefwaarden leggen we vast voor ticketvolume, type vragen en wachttijd, en tegen wanneer?",
            "Starten we met een pilot in enkele teams, zodat we het effect kunnen vergelijken met de andere teams?",
            "Hoe brengen we het resultaat breder dan IT: wat wint elk team eraan?",
        ]
        if nl
        else [
            "Which scenario (conservative, expected, ambitious) is realistic for us?",
            "Which question types come first, and with which action (procedures, training, onboarding, managers)?",
            "Which actions match what the analysis showed (can, want, context)?",
            "Which targets do we set for ticket volume, question type and waiting time, and by when?",
            "Do we start with a pilot in some teams, so that the effect can be compared with the other teams?",
            "How do we frame the result beyond IT: what does each team gain?",
        ]
    )
    log = _decision_log(
        directions,
        [
            "Interventierichting",
            "Concrete actie",
            "Teams / pilot",
            "Kost (EUR)",
            "Start",
            "Eigenaar",
            "KPI en streefwaarde",
        ]
        if nl
        else [
            "Direction",
            "Concrete action",
            "Teams / pilot",
            "Cost (EUR)",
            "Start",
            "Owner",
            "KPI and target",
        ],
        blank_rows=3,
        lang=lang,
    )
    log += (
        '<p class="muted">'
        + e(
            "Noteer elke gekozen actie daarna in het interventielogboek (interventions.csv: naam, richting, start, teams, kost), zodat de volgende kwartaalrapporten het effect kunnen opvolgen."
            if nl
            else "Then record each chosen action in the intervention log (interventions.csv: name, direction, start, teams, cost) so that the next quarterly reports can follow its effect."
        )
        + "</p>"
    )
    return _skeleton(
        title="Werksessie 3: interventies kiezen" if nl else "Workshop 3: choosing interventions",
        quarter=quarter,
        goal=(
            "Interventierichtingen rangschikken op potentieel en kost, acties kiezen en streefwaarden afspreken waarmee we de impact opvolgen."
            if nl
            else "Rank intervention directions by potential and cost, choose actions and agree the targets used to follow their impact."
        ),
        meta=[
            (
                "Deelnemers" if nl else "Participants",
                "managementteam (algemeen directeur, departementshoofden), P&O, IT-dienst, teamleiders"
                if nl
                else "management team, HR, IT service, team leaders",
            ),
            ("Duur" if nl else "Length", "2 uur" if nl else "2 hours"),
            (
                "Materiaal" if nl else "Materials",
                "deze pagina, het interventierapport (intervene.html), het kostenmodel"
                if nl
                else "this page, the intervention report (intervene.html), the cost model",
            ),
        ],
        agenda=[
            (
                10,
                "Opening: wat we weten uit diagnose en analyse"
                if nl
                else "Opening: what diagnose and analysis showed",
            ),
            (
                20,
                "Potentieel per vraagtype en scenario's"
                if nl
                else "Potential per question type and scenarios",
            ),
            (20, "Kosten en baten (ROI)" if nl else "Costs and benefits (ROI)"),
            (
                35,
                "Acties kiezen per interventierichting" if nl else "Choosing actions per direction",
            ),
            (
                25,
                "Streefwaarden en opvolging afspreken" if nl else "Agreeing targets and follow-up",
            ),
            (
                10,
                "Besluiten en communicatie naar de teams"
                if nl
                else "Decisions and communication to teams",
            ),
        ],
        sections=sections,
        questions=questions,
        log=log,
        lang=lang,
    )


def session_pages(
    quarter: str,
    processed_dir: str | Path,
    lang: str = "nl",
    *,
    disagreements: pd.DataFrame | None = None,
) -> dict[str, tuple[str, str]]:
    """The three session pages as ``{session: (title, body_html)}`` without writing files."""
    processed = Path(processed_dir)
    if disagreements is None:
        disagreements = find_disagreements(processed, quarter)
    titles = SESSION_TITLES[lang]
    return {
        "definitie": (
            titles["definitie"],
            _definition_page(quarter, processed, lang, disagreements),
        ),
        "analyse": (titles["analyse"], _analysis_page(quarter, processed, lang)),
        "interventie": (titles["interventie"], _intervention_page(quarter, processed, lang)),
    }


#: Link titles of the session pages (as shown in the quarter's index).
SESSION_TITLES = {
    "nl": {
        "definitie": "Werksessie 1: definitie (meningsverschillen, codeboek)",
        "analyse": "Werksessie 2: analyse (welke hypothesen houden stand)",
        "interventie": "Werksessie 3: interventie (acties, ROI, streefwaarden)",
    },
    "en": {
        "definitie": "Workshop 1: definition (disagreements, codebook)",
        "analyse": "Workshop 2: analysis (which hypotheses hold)",
        "interventie": "Workshop 3: intervention (actions, ROI, targets)",
    },
}


def write_workshops(
    quarter: str,
    processed_dir: str | Path,
    folder: str | Path,
    lang: str = "nl",
    *,
    disagreements: pd.DataFrame | None = None,
) -> list[tuple[str, str]]:
    """Write the workshop pages straight into ``folder``; return ``(file name, title)`` pairs.

    The form :func:`selfreliance.reports.run_reports` uses for its stakeholder pages, so the
    pages can be written into the staging folder and listed in the quarter's index.
    """
    from selfreliance.reports import page

    if lang not in ("nl", "en"):
        lang = "nl"
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    footer = e(
        f"selfreliance \u00b7 {quarter} \u00b7 "
        + ("werksessiekit" if lang == "nl" else "workshop kit")
    )
    written = []
    for session, (title, body) in session_pages(
        quarter, processed_dir, lang, disagreements=disagreements
    ).items():
        name = f"workshop-{session}.html"
        (folder / name).write_text(
            page(f"{title} {quarter}", body, lang=lang, footer=footer), encoding="utf-8"
        )
        written.append((name, title))
    return written


def render_workshops(
    quarter: str,
    processed_dir: str | Path,
    out_dir: str | Path,
    lang: str = "nl",
    *,
    disagreements: pd.DataFrame | None = None,
) -> list[Path]:
    """Write the workshop pages of a quarter to ``<out_dir>/<quarter>/workshop-*.html``.

    Parameters
    ----------
    quarter : str
        The quarter, e.g. ``"2026Q3"``.
    processed_dir : str or Path
        The processed-data folder (``data/processed``); result tables are read from
        ``<processed_dir>/<quarter>/``.
    out_dir : str or Path
        The reports folder (``reports``); pages go to ``<out_dir>/<quarter>/``, next to
        ``index.html`` of the step reports.
    lang : {"nl", "en"}
        Page language.
    disagreements : pandas.DataFrame, optional
        ``ticket_id, coder_a, coder_b`` (optionally ``target, title, remarks_a, remarks_b``);
        default: :func:`find_disagreements`.

    Returns
    -------
    list of Path
        ``workshop-definitie.html``, ``workshop-analyse.html``, ``workshop-interventie.html``.
    """
    target = Path(out_dir) / str(quarter)
    pairs = write_workshops(quarter, processed_dir, target, lang, disagreements=disagreements)
    return [target / name for name, _ in pairs]
