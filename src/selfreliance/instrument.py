"""The shipped survey instrument: load and validate it, export it as forms, convert responses.

The instrument (``resources/survey/instrument.yml``) is the file the analyse step reads
(:func:`selfreliance.survey.score_survey`): ``scales`` with ``nl, en, construct, level, items,
range, reverse`` and ``items`` with ``nl, en``. It adds optional keys the scoring ignores:
``anchors`` (a named answer scale under ``response_scales``), ``condition`` (show a scale only
when a background question has a given answer, e.g. onboarding items for recent hires),
``stem_nl``/``stem_en`` and ``source``; and a ``background`` section (team, recent hire) that is
asked but never scored.

From it this module derives what P&O needs to run the survey:

* :func:`export_forms_xlsx` - a build sheet for Microsoft Forms (one row per question);
* :func:`export_limesurvey` - a LimeSurvey "tab separated value" survey structure (.txt);
* :func:`export_print_html` - a printable, self-contained A4 version with the privacy notice;
* :func:`convert_responses` - a Forms or LimeSurvey response export back to ``survey.csv``
  (``person_id, team, submitted_at`` and one numeric column per item).
"""

from __future__ import annotations

import csv
import html
import io
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from selfreliance.config import resource_path
from selfreliance.errors import SelfRelianceError

__all__ = [
    "CONSTRUCTS",
    "FORMATS",
    "LEVELS",
    "LIMESURVEY_COLUMNS",
    "anchor_labels",
    "convert_responses",
    "export_form",
    "export_forms_xlsx",
    "export_limesurvey",
    "export_print_html",
    "instrument_path",
    "items_table",
    "load_instrument",
    "privacy_notice",
    "read_teams",
    "validate_instrument",
]

#: COM-B / AMO components a scale may measure.
CONSTRUCTS = ("capability", "motivation", "opportunity")
#: Level at which a scale is interpreted (team scales are aggregated after an ICC/r_wg check).
LEVELS = ("person", "team")
#: Export formats of :func:`export_form` and ``selfreliance survey export --format``.
FORMATS = ("forms-xlsx", "limesurvey", "print")
#: Columns of the LimeSurvey tab separated survey structure written by :func:`export_limesurvey`.
LIMESURVEY_COLUMNS = (
    "class",
    "type/scale",
    "name",
    "relevance",
    "text",
    "help",
    "language",
    "validation",
    "mandatory",
    "other",
    "default",
    "same_default",
)
#: Item ids double as column names in survey.csv and as LimeSurvey subquestion codes
#: (letters and digits only, at most 20 characters).
_ITEM_ID = re.compile(r"^[a-z][a-z0-9]{0,19}$")
_SCALE_KEYS = ("nl", "en", "construct", "level", "items", "range", "reverse")
#: Placeholder teams written when no team list is given (the organisation fills them in).
PLACEHOLDER_TEAMS = ("[Team 1]", "[Team 2]", "[Team 3]")


# --------------------------------------------------------------------------------------------
# Loading and validation
# --------------------------------------------------------------------------------------------


def instrument_path() -> Path:
    """Path of the shipped instrument, ``resources/survey/instrument.yml``."""
    return resource_path("survey/instrument.yml")


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def validate_instrument(spec: Any, where: str = "instrument") -> list[str]:
    """List every problem of an instrument; an empty list means it is valid.

    Parameters
    ----------
    spec : Any
        The parsed YAML.
    where : str
        File name or label used at the start of each message.

    Returns
    -------
    list of str
        One readable message per problem (English, naming the scale or item).

    Examples
    --------
    >>> validate_instrument({"scales": {}, "items": {}})
    ["instrument: 'scales' is empty; list at least one scale."]
    """
    if not isinstance(spec, Mapping):
        return [f"{where}: the file is not a YAML mapping with 'scales' and 'items'."]
    problems: list[str] = []
    scales = spec.get("scales")
    items = spec.get("items")
    if not isinstance(scales, Mapping):
        return [f"{where}: no 'scales' section (a mapping of scale name to its definition)."]
    if not scales:
        return [f"{where}: 'scales' is empty; list at least one scale."]
    if not isinstance(items, Mapping):
        return [f"{where}: no 'items' section (a mapping of item id to its nl and en wording)."]
    response_scales = spec.get("response_scales") or {}
    background = spec.get("background") or {}
    seen: dict[str, str] = {}
    for name, scale in scales.items():
        label = f"{where}: scale '{name}'"
        if not isinstance(scale, Mapping):
            problems.append(f"{label} is not a mapping.")
            continue
        missing = [key for key in _SCALE_KEYS if key not in scale]
        if missing:
            problems.append(f"{label} lacks {', '.join(repr(k) for k in missing)}.")
            for item in scale.get("items") or []:
                seen.setdefault(str(item), str(name))
            continue
        if scale["construct"] not in CONSTRUCTS:
            problems.append(
                f"{label} has construct {scale['construct']!r}; use one of {', '.join(CONSTRUCTS)}."
            )
        if scale["level"] not in LEVELS:
            problems.append(f"{label} has level {scale['level']!r}; use person or team.")
        scale_items = scale["items"]
        if not isinstance(scale_items, list) or not scale_items:
            problems.append(f"{label} has no items.")
            scale_items = []
        for item in scale_items:
            if not isinstance(item, str) or not _ITEM_ID.match(item):
                problems.append(
                    f"{label}: item id {item!r} must be lower-case letters and digits, starting "
                    "with a letter, at most 20 characters (it becomes a column name)."
                )
            elif item in seen:
                problems.append(f"{label}: item '{item}' is already used by scale '{seen[item]}'.")
            else:
                seen[item] = str(name)
            if isinstance(item, str) and item not in items:
                problems.append(f"{label}: item '{item}' has no wording under 'items'.")
        rng = scale["range"]
        if not (
            isinstance(rng, list)
            and len(rng) == 2
            and all(_is_number(v) and float(v).is_integer() for v in rng)
            and rng[0] < rng[1]
        ):
            problems.append(
                f"{label} has range {rng!r}; give two whole numbers [low, high], low < high."
            )
            rng = None
        reverse = scale["reverse"] if scale["reverse"] is not None else []
        if not isinstance(reverse, list):
            problems.append(f"{label}: 'reverse' must be a list of item ids (or []).")
        else:
            stray = [r for r in reverse if r not in scale_items]
            if stray:
                problems.append(f"{label}: reverse-coded item(s) {stray} are not among its items.")
        anchors = scale.get("anchors")
        if anchors is not None:
            anchor_spec = response_scales.get(anchors)
            if not isinstance(anchor_spec, Mapping):
                problems.append(
                    f"{label}: anchors {anchors!r} is not defined under 'response_scales'."
                )
            elif rng is not None:
                n_options = int(rng[1]) - int(rng[0]) + 1
                for lang in ("nl", "en"):
                    labels = anchor_spec.get(lang) or []
                    if len(labels) != n_options:
                        problems.append(
                            f"{label}: response scale {anchors!r} has {len(labels)} {lang} labels "
                            f"but the range {rng} has {n_options} options."
                        )
        condition = scale.get("condition")
        if condition is not None:
            question = condition.get("question") if isinstance(condition, Mapping) else None
            codes = (
                [o.get("code") for o in (background.get(question) or {}).get("options") or []]
                if question in background
                else []
            )
            if question not in background:
                problems.append(
                    f"{label}: condition refers to background question {question!r}, which does "
                    "not exist."
                )
            elif condition.get("equals") not in codes:
                problems.append(
                    f"{label}: condition value {condition.get('equals')!r} is not an answer code "
                    f"of '{question}' ({codes})."
                )
    for item, wording in items.items():
        if not isinstance(wording, Mapping) or not all(
            isinstance(wording.get(lang), str) and wording.get(lang).strip()
            for lang in ("nl", "en")
        ):
            problems.append(f"{where}: item '{item}' needs a non-empty 'nl' and 'en' wording.")
        elif item not in seen:
            problems.append(
                f"{where}: item '{item}' belongs to no scale; add it to one or remove it."
            )
    for question, entry in background.items():
        if not isinstance(entry, Mapping) or not entry.get("nl") or not entry.get("en"):
            problems.append(f"{where}: background question '{question}' needs 'nl' and 'en'.")
        if question in seen:
            problems.append(f"{where}: background question '{question}' has the id of an item.")
    return problems


def load_instrument(path: str | Path | None = None) -> dict[str, Any]:
    """Load and validate an instrument (default: the shipped one).

    Parameters
    ----------
    path : str or Path, optional
        An instrument YAML; default :func:`instrument_path`.

    Returns
    -------
    dict
        The instrument, usable as is by :func:`selfreliance.survey.score_survey`.

    Raises
    ------
    SelfRelianceError
        When the file cannot be read or is invalid; the message lists every problem.

    Examples
    --------
    >>> inst = load_instrument()
    >>> inst["scales"]["psych_safety"]["reverse"]
    ['ps1', 'ps3', 'ps5']
    """
    path = Path(path) if path else instrument_path()
    try:
        spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise SelfRelianceError(f"{path}: cannot read the survey instrument ({exc}).") from exc
    except yaml.YAMLError as exc:
        raise SelfRelianceError(
            f"{path}: the survey instrument is not valid YAML ({exc})."
        ) from exc
    problems = validate_instrument(spec, where=str(path))
    if problems:
        raise SelfRelianceError(
            f"The survey instrument {path} has {len(problems)} problem(s):\n- "
            + "\n- ".join(problems)
        )
    return spec


# --------------------------------------------------------------------------------------------
# Views of the instrument
# --------------------------------------------------------------------------------------------


def anchor_labels(instrument: Mapping[str, Any], scale: str, lang: str = "nl") -> list[str]:
    """Answer labels of a scale, low to high (the numbers themselves without ``anchors``).

    Examples
    --------
    >>> anchor_labels(load_instrument(), "psych_safety")[0]
    'Helemaal niet akkoord'
    """
    spec = instrument["scales"][scale]
    lo, hi = (int(v) for v in spec["range"])
    named = spec.get("anchors")
    if named:
        return list(instrument["response_scales"][named][lang])
    return [str(v) for v in range(lo, hi + 1)]


def _condition_text(instrument: Mapping[str, Any], scale: str, lang: str) -> str:
    condition = instrument["scales"][scale].get("condition")
    if not condition:
        return ""
    question = instrument["background"][condition["question"]]
    answer = next(o[lang] for o in question["options"] if o["code"] == condition["equals"])
    if lang == "nl":
        return f"Alleen als op '{question['nl']}' geantwoord is: {answer}"
    return f"Only if '{question['en']}' was answered: {answer}"


def items_table(instrument: Mapping[str, Any], lang: str = "nl") -> pd.DataFrame:
    """One row per item in presentation order.

    Returns
    -------
    pandas.DataFrame
        ``position, scale, scale_label, item, text, low, high, reverse, condition``.

    Examples
    --------
    >>> t = items_table(load_instrument())
    >>> len(t), t["item"].is_unique
    (26, True)
    """
    rows = []
    for name, spec in instrument["scales"].items():
        for item in spec["items"]:
            rows.append(
                {
                    "position": len(rows) + 1,
                    "scale": name,
                    "scale_label": spec[lang],
                    "item": item,
                    "text": instrument["items"][item][lang],
                    "low": int(spec["range"][0]),
                    "high": int(spec["range"][1]),
                    "reverse": item in (spec.get("reverse") or []),
                    "condition": _condition_text(instrument, name, lang),
                }
            )
    return pd.DataFrame(rows)


def privacy_notice(lang: str = "nl") -> str:
    """The privacy notice for respondents (Markdown, Dutch or English; placeholders in
    [brackets])."""
    if lang not in ("nl", "en"):
        raise SelfRelianceError(
            f"The privacy notice exists in Dutch and English (lang 'nl' or 'en'), not {lang!r}."
        )
    return resource_path(f"survey/privacyverklaring.{lang}.md").read_text(encoding="utf-8")


def read_teams(path: str | Path) -> list[str]:
    """Team names for the team question: a text file (one per line) or a roster with ``team``.

    A roster (CSV, semicolon or comma separated, or .xlsx) contributes its distinct ``team``
    values, sorted; a ``.txt`` file its non-empty lines in order.
    """
    path = Path(path)
    if not path.exists():
        raise SelfRelianceError(f"{path}: team list not found.")
    if path.suffix.lower() == ".txt":
        teams = [line.strip() for line in path.read_text(encoding="utf-8-sig").splitlines()]
        return list(dict.fromkeys(t for t in teams if t))
    if path.suffix.lower() in (".xlsx", ".xls"):
        frame = pd.read_excel(path, dtype=str)
    else:
        frame = pd.read_csv(path, sep=None, engine="python", dtype=str, encoding="utf-8-sig")
    columns = {c.strip().lower(): c for c in frame.columns}
    if "team" not in columns:
        raise SelfRelianceError(
            f"{path}: no 'team' column; give a roster with a team column or a .txt file with one "
            f"team per line. Columns found: {list(frame.columns)}."
        )
    return sorted(set(frame[columns["team"]].dropna().str.strip()) - {""})


# --------------------------------------------------------------------------------------------
# Exports
# --------------------------------------------------------------------------------------------


def _md_to_html(text: str) -> str:
    import mistune

    return mistune.create_markdown(escape=True, plugins=["table"])(text)


def export_forms_xlsx(
    instrument: Mapping[str, Any],
    out: str | Path,
    *,
    teams: Sequence[str] = (),
    lang: str = "nl",
) -> Path:
    """Write a Microsoft Forms build sheet (.xlsx): one row per question.

    Microsoft Forms has no spreadsheet import; the sheet lists, in order, every question with
    its Forms question type, text, answer options, whether it is required and its branching
    condition, so that the form is built (or checked) row by row. Sheets: ``Vragen``,
    ``Antwoordschalen``, ``Privacyverklaring``, ``Werkwijze``.

    Returns
    -------
    Path
        The written file.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    teams = list(teams) or list(PLACEHOLDER_TEAMS)
    nl = lang == "nl"
    wb = Workbook()
    ws = wb.active
    ws.title = "Vragen" if nl else "Questions"
    header = (
        ["nr", "code", "sectie", "vraagtype", "tekst", "opties", "verplicht", "voorwaarde"]
        if nl
        else ["no", "code", "section", "question type", "text", "options", "required", "condition"]
    )
    ws.append(header)
    rows: list[list[Any]] = [
        [
            None,
            "",
            "Inleiding" if nl else "Introduction",
            "Tekst / formulierbeschrijving" if nl else "Text / form description",
            instrument["intro"][lang],
            "",
            "",
            "",
        ],
    ]
    for code, question in (instrument.get("background") or {}).items():
        options = teams if code == "team" else [o[lang] for o in question["options"]]
        rows.append(
            [
                None,
                code,
                "Achtergrond" if nl else "Background",
                "Keuze (één antwoord)" if nl else "Choice (single answer)",
                question[lang],
                "\n".join(options),
                ("ja" if nl else "yes") if question.get("required") else ("nee" if nl else "no"),
                "",
            ]
        )
    for name, spec in instrument["scales"].items():
        labels = "\n".join(anchor_labels(instrument, name, lang))
        condition = _condition_text(instrument, name, lang)
        rows.append(
            [
                None,
                "",
                spec[lang],
                "Sectie (Likert-blok)" if nl else "Section (Likert block)",
                spec.get(f"stem_{lang}", ""),
                labels,
                "",
                condition,
            ]
        )
        for item in spec["items"]:
            rows.append(
                [
                    None,
                    item,
                    spec[lang],
                    "Likert-uitspraak" if nl else "Likert statement",
                    instrument["items"][item][lang],
                    labels,
                    "nee" if nl else "no",
                    condition,
                ]
            )
    rows.append(
        [
            None,
            "",
            "Einde" if nl else "End",
            "Tekst / bedankingsbericht" if nl else "Text / thank-you message",
            instrument["closing"][lang],
            "",
            "",
            "",
        ]
    )
    for number, row in enumerate(rows, start=1):
        row[0] = number
        ws.append(row)
    bold = Font(bold=True)
    band = PatternFill("solid", fgColor="F4F6F9")
    for cell in ws[1]:
        cell.font = bold
        cell.fill = band
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for column, width in zip("ABCDEFGH", (5, 12, 28, 22, 70, 26, 10, 40), strict=True):
        ws.column_dimensions[column].width = width
    ws.freeze_panes = "A2"

    scales_ws = wb.create_sheet("Antwoordschalen" if nl else "Answer scales")
    scales_ws.append(["schaal" if nl else "scale", "waarde" if nl else "value", "label"])
    for name, spec in instrument["scales"].items():
        for value, label in zip(
            range(int(spec["range"][0]), int(spec["range"][1]) + 1),
            anchor_labels(instrument, name, lang),
            strict=True,
        ):
            scales_ws.append([name, value, label])

    privacy_ws = wb.create_sheet("Privacyverklaring" if nl else "Privacy notice")
    for line in privacy_notice("nl").splitlines():
        privacy_ws.append([line])
    privacy_ws.column_dimensions["A"].width = 110

    howto = wb.create_sheet("Werkwijze" if nl else "How to")
    for line in _FORMS_HOWTO:
        howto.append([line])
    howto.column_dimensions["A"].width = 110
    wb.save(out)
    return out


_FORMS_HOWTO = (
    "Microsoft Forms: het formulier opbouwen met dit werkblad",
    "1. Maak in Forms een nieuw formulier (niet een quiz). Titel en beschrijving: rij 'Inleiding'.",
    "2. Instellingen: 'Alleen personen in mijn organisatie kunnen antwoorden' en 'Naam registreren' aan "
    "(het e-mailadres koppelt de antwoorden aan de personeelslijst; het wordt meteen gepseudonimiseerd). "
    "'Eén antwoord per persoon' aan.",
    "3. Achtergrondvragen: vraagtype 'Keuze'. Gebruik voor 'team' exact de teamnamen uit de personeelslijst.",
    "4. Elke 'Sectie (Likert-blok)' wordt een sectie met één vraag van het type 'Likert': de tekst van de "
    "sectierij is de vraag, de opties zijn de kolommen, elke 'Likert-uitspraak' is een rij (uitspraak).",
    "5. Voorwaarde bij onboarding: zet vertakking aan op de vraag 'recent_hire' en stuur 'Nee' naar het einde.",
    "6. Maak geen enkele uitspraak verplicht: deelnemen en vragen overslaan is vrijwillig.",
    "7. Neem de privacyverklaring (werkblad 'Privacyverklaring', aangevuld) op in de beschrijving of als link.",
    "8. Na afloop: Antwoorden > Openen in Excel, en zet het bestand om met "
    "'selfreliance survey convert <bestand.xlsx> --roster data/raw/roster.csv --out data/raw/survey.csv'.",
)


def _ls_code(name: str) -> str:
    """A LimeSurvey question code: letters and digits only."""
    return re.sub(r"[^A-Za-z0-9]", "", name)


def _scale_code(instrument: Mapping[str, Any], name: str) -> str:
    prefix = re.match(r"[a-z]+", instrument["scales"][name]["items"][0])
    return (prefix.group(0) if prefix else _ls_code(name)).upper() + "blok"


def limesurvey_rows(
    instrument: Mapping[str, Any],
    *,
    teams: Sequence[str] = (),
    languages: Sequence[str] = ("nl",),
) -> list[dict[str, str]]:
    """Rows of the LimeSurvey tab separated survey structure (see :func:`export_limesurvey`)."""
    teams = list(teams) or list(PLACEHOLDER_TEAMS)
    base = dict.fromkeys(LIMESURVEY_COLUMNS, "")
    rows: list[dict[str, str]] = []

    def add(**values: str) -> None:
        rows.append({**base, **values})

    add(**{"class": "S", "name": "language", "text": languages[0]})
    if len(languages) > 1:
        add(**{"class": "S", "name": "additional_languages", "text": " ".join(languages[1:])})
    for setting, value in (
        ("format", "G"),
        ("anonymized", "N"),
        ("datestamp", "Y"),
        ("showprogress", "Y"),
        ("allowprev", "Y"),
    ):
        add(**{"class": "S", "name": setting, "text": value})
    background = instrument.get("background") or {}
    privacy_short = (
        "<p><strong>Privacy.</strong> Lees de volledige privacyverklaring: "
        "[link naar de privacyverklaring].</p>"
    )
    for lang in languages:
        add(
            **{
                "class": "SL",
                "name": "surveyls_title",
                "text": instrument["name"],
                "language": lang,
            }
        )
        add(**{"class": "SL", "name": "surveyls_description", "text": "", "language": lang})
        add(
            **{
                "class": "SL",
                "name": "surveyls_welcometext",
                "text": f"<p>{html.escape(instrument['intro'][lang])}</p>" + privacy_short,
                "language": lang,
            }
        )
        add(
            **{
                "class": "SL",
                "name": "surveyls_endtext",
                "text": html.escape(instrument["closing"][lang]),
                "language": lang,
            }
        )
    for lang in languages:
        add(
            **{
                "class": "G",
                "name": "Achtergrond" if lang == "nl" else "Background",
                "relevance": "1",
                "text": "",
                "language": lang,
            }
        )
        for code, question in background.items():
            is_team = code == "team"
            add(
                **{
                    "class": "Q",
                    "type/scale": "!" if is_team else "L",
                    "name": _ls_code(code),
                    "relevance": "1",
                    "text": question[lang],
                    "language": lang,
                    "mandatory": "Y" if question.get("required") else "N",
                    "other": "N",
                }
            )
            if is_team:
                for number, team in enumerate(teams, start=1):
                    add(
                        **{
                            "class": "A",
                            "type/scale": "0",
                            "name": f"T{number:02d}",
                            "text": team,
                            "language": lang,
                        }
                    )
            else:
                for option in question["options"]:
                    add(
                        **{
                            "class": "A",
                            "type/scale": "0",
                            "name": option["code"],
                            "text": option[lang],
                            "language": lang,
                        }
                    )
        for name, spec in instrument["scales"].items():
            condition = spec.get("condition")
            relevance = (
                f'{_ls_code(condition["question"])} == "{condition["equals"]}"'
                if condition
                else "1"
            )
            add(
                **{
                    "class": "G",
                    "name": spec[lang],
                    "relevance": relevance,
                    "text": "",
                    "language": lang,
                }
            )
            add(
                **{
                    "class": "Q",
                    "type/scale": "F",
                    "name": _scale_code(instrument, name),
                    "relevance": "1",
                    "text": spec.get(f"stem_{lang}", spec[lang]),
                    "language": lang,
                    "mandatory": "N",
                    "other": "N",
                }
            )
            for item in spec["items"]:
                add(
                    **{
                        "class": "SQ",
                        "type/scale": "0",
                        "name": item,
                        "relevance": "1",
                        "text": instrument["items"][item][lang],
                        "language": lang,
                    }
                )
            lo = int(spec["range"][0])
            for offset, label in enumerate(anchor_labels(instrument, name, lang)):
                add(
                    **{
                        "class": "A",
                        "type/scale": "0",
                        "name": str(lo + offset),
                        "text": label,
                        "language": lang,
                    }
                )
    return rows


def export_limesurvey(
    instrument: Mapping[str, Any],
    out: str | Path,
    *,
    teams: Sequence[str] = (),
    languages: Sequence[str] = ("nl",),
) -> Path:
    """Write a LimeSurvey survey structure as tab separated values (UTF-8 with BOM).

    Import in LimeSurvey with *Create survey > Import* and the ``.txt`` file. One row per
    survey setting (class ``S``), language setting (``SL``), group (``G``), question (``Q``),
    subquestion (``SQ``) and answer (``A``); relationships follow from the row order. Each
    scale is an array question (type ``F``) whose subquestion codes are the item ids and whose
    answer codes are the scale values, so a response export with question codes gives columns
    such as ``SEblok[se1]`` holding 1-5. The onboarding group carries the relevance equation of
    its condition. Responses are not anonymised (``anonymized = N``) so that a participant
    attribute can carry the person number.
    """
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.StringIO()
    writer = csv.DictWriter(
        buffer,
        fieldnames=LIMESURVEY_COLUMNS,
        delimiter="\t",
        lineterminator="\r\n",
        quoting=csv.QUOTE_MINIMAL,
    )
    writer.writeheader()
    for row in limesurvey_rows(instrument, teams=teams, languages=languages):
        writer.writerow({k: str(v).replace("\t", " ").replace("\n", " ") for k, v in row.items()})
    out.write_text(buffer.getvalue(), encoding="utf-8-sig", newline="")
    return out


_PRINT_CSS = """
.survey h2 { break-before: auto; }
.survey .intro { background: var(--band); border-left: 4px solid var(--accent); padding: .5em 1em; }
table.likert { width: 100%; table-layout: fixed; }
table.likert th.opt, table.likert td.opt { width: 4.6em; text-align: center; font-size: .8em; }
table.likert td.opt { font-size: 1.2em; }
table.likert td.code, table.likert th.code { width: 3.2em; color: var(--muted); font-size: .8em; }
ul.choices { list-style: none; padding-left: 0; columns: 2; }
ul.choices li::before { content: "\\2610  "; }
.condition { font-style: italic; color: var(--muted); }
.privacy { font-size: .92em; break-before: page; }
@media print { .survey section.block { break-inside: avoid; } }
"""


def export_print_html(
    instrument: Mapping[str, Any],
    out: str | Path,
    *,
    teams: Sequence[str] = (),
    lang: str = "nl",
) -> Path:
    """Write a printable, self-contained HTML version (A4) with the privacy notice.

    Item codes are printed in a narrow grey column so that paper answers can be typed into
    ``survey.csv``.
    """
    from selfreliance.reports import page

    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    teams = list(teams) or list(PLACEHOLDER_TEAMS)
    e = html.escape
    parts = [
        f"<style>{_PRINT_CSS}</style>",
        '<div class="survey">',
        f"<h1>{e(instrument['name'])}</h1>",
        f'<p class="intro">{e(instrument["intro"][lang])}</p>',
        '<p class="muted">'
        + e(
            "Kruis per uitspraak één vakje aan. Je mag een vraag overslaan."
            if lang == "nl"
            else "Tick one box per statement. You may skip a question."
        )
        + "</p>",
        f"<h2>{'Over jou' if lang == 'nl' else 'About you'}</h2>",
    ]
    for code, question in (instrument.get("background") or {}).items():
        options = teams if code == "team" else [o[lang] for o in question["options"]]
        parts.append(
            f'<section class="block"><p><strong>{e(question[lang])}</strong> '
            f'<span class="muted">({e(code)})</span></p><ul class="choices">'
            + "".join(f"<li>{e(o)}</li>" for o in options)
            + "</ul></section>"
        )
    for number, (name, spec) in enumerate(instrument["scales"].items(), start=1):
        labels = anchor_labels(instrument, name, lang)
        condition = _condition_text(instrument, name, lang)
        head = "".join(f'<th class="opt">{e(label)}</th>' for label in labels)
        body = "".join(
            f'<tr><td class="code">{e(item)}</td><td>{e(instrument["items"][item][lang])}</td>'
            + '<td class="opt">\u2610</td>' * len(labels)
            + "</tr>"
            for item in spec["items"]
        )
        parts.append(
            f'<section class="block"><h2>{number}. {e(spec[lang])}</h2>'
            + (f'<p class="condition">{e(condition)}</p>' if condition else "")
            + f"<p>{e(spec.get(f'stem_{lang}', ''))}</p>"
            + f'<table class="likert"><thead><tr><th class="code"></th><th></th>{head}</tr></thead>'
            + f"<tbody>{body}</tbody></table></section>"
        )
    parts.append(f"<p><strong>{e(instrument['closing'][lang])}</strong></p>")
    parts.append(f'<section class="privacy">{_md_to_html(privacy_notice("nl"))}</section>')
    parts.append("</div>")
    footer = e(f"{instrument['name']} \u00b7 versie {instrument.get('version', '')}")
    out.write_text(
        page(instrument["name"], "\n".join(parts), lang=lang, footer=footer), encoding="utf-8"
    )
    return out


def export_form(
    instrument: Mapping[str, Any],
    fmt: str,
    out: str | Path,
    *,
    teams: Sequence[str] = (),
    lang: str = "nl",
) -> Path:
    """Export the instrument in one of :data:`FORMATS` (``forms-xlsx``, ``limesurvey``, ``print``)."""
    if fmt == "forms-xlsx":
        return export_forms_xlsx(instrument, out, teams=teams, lang=lang)
    if fmt == "limesurvey":
        return export_limesurvey(instrument, out, teams=teams, languages=(lang,))
    if fmt == "print":
        return export_print_html(instrument, out, teams=teams, lang=lang)
    raise SelfRelianceError(
        f"Unknown survey export format {fmt!r}; use one of {', '.join(FORMATS)}."
    )


# --------------------------------------------------------------------------------------------
# Responses back to survey.csv
# --------------------------------------------------------------------------------------------


def _norm(text: Any) -> str:
    folded = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", " ", folded).strip()


_PERSON_HEADERS = ("person id", "personeelsnummer", "persoonsnummer", "attribute 1", "attribuut 1")
_EMAIL_HEADERS = ("email", "e mail", "e mailadres", "emailadres", "e mail address", "email address")
_TIME_HEADERS = (
    "submitted at",
    "submitdate",
    "datum verstuurd",
    "tijd van voltooien",
    "voltooiingstijd",
    "completion time",
    "einddatum",
    "date submitted",
)


def _find(columns: Iterable[str], candidates: Sequence[str]) -> str | None:
    by_norm = {_norm(c): c for c in columns}
    return next((by_norm[c] for c in candidates if c in by_norm), None)


def _item_column(columns: Sequence[str], item: str, wording: Mapping[str, str]) -> str | None:
    texts = {_norm(wording["nl"]), _norm(wording["en"])}
    for column in columns:
        raw = str(column).strip()
        if raw.lower() == item or re.search(rf"[\[_]{item}\]?$", raw, flags=re.IGNORECASE):
            return column
    for column in columns:
        norm = _norm(column)
        if norm in texts or any(norm.endswith(t) for t in texts if t):
            return column
    return None


def convert_responses(
    raw: pd.DataFrame,
    instrument: Mapping[str, Any],
    *,
    roster: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Turn a Forms or LimeSurvey response export into the ``survey.csv`` layout.

    Parameters
    ----------
    raw : pandas.DataFrame
        The response export as read (all columns as text is fine). Item columns are found by
        item id (``se1``), LimeSurvey array code (``SEblok[se1]`` or ``SEblok_se1``) or the item
        wording (Forms uses the statement as header). Answers may be numbers or the answer
        labels (Dutch or English).
    instrument : mapping
        The instrument the form was made from.
    roster : pandas.DataFrame, optional
        ``person_id, email, team``: maps the respondent's e-mail address to the person number
        when the export has no person number, and fills in the team when it was not asked.

    Returns
    -------
    pandas.DataFrame
        ``person_id, team, submitted_at`` and one float column per item, one row per person
        (the latest submission), respondents without any answer dropped.

    Raises
    ------
    SelfRelianceError
        When items, the person number, or answer labels cannot be matched.
    """
    columns = list(raw.columns)
    out = pd.DataFrame(index=raw.index)
    person_col = _find(columns, _PERSON_HEADERS)
    email_col = _find(columns, _EMAIL_HEADERS)
    roster_by_email: dict[str, str] = {}
    if roster is not None and {"person_id", "email"} <= set(roster.columns):
        roster_by_email = {
            str(e).strip().lower(): str(p)
            for e, p in zip(roster["email"], roster["person_id"], strict=True)
            if pd.notna(e)
        }
    if person_col is not None:
        out["person_id"] = raw[person_col].astype("string").str.strip()
    elif email_col is not None and roster_by_email:
        emails = raw[email_col].astype("string").str.strip().str.lower()
        out["person_id"] = emails.map(roster_by_email).astype("string")
        unknown = int(out["person_id"].isna().sum())
        if unknown == len(out):
            raise SelfRelianceError(
                "None of the e-mail addresses in the responses is in the roster; check that the "
                "roster has an 'email' column with the same addresses."
            )
    else:
        raise SelfRelianceError(
            "The responses carry no person number (person_id, personeelsnummer or attribute_1) "
            "and no e-mail address that a roster (--roster, with person_id and email) can map. "
            f"Columns found: {columns[:15]}."
        )
    team_col = _find(columns, ("team",))
    out["team"] = raw[team_col].astype("string").str.strip() if team_col else pd.NA
    if roster is not None and {"person_id", "team"} <= set(roster.columns):
        team_of = dict(zip(roster["person_id"].astype(str), roster["team"], strict=True))
        from_roster = out["person_id"].map(team_of).astype("string")
        out["team"] = out["team"].where(out["team"].notna() & (out["team"] != ""), from_roster)
    time_col = _find(columns, _TIME_HEADERS)
    out["submitted_at"] = raw[time_col] if time_col else pd.NA
    missing: list[str] = []
    for name, spec in instrument["scales"].items():
        lo = int(spec["range"][0])
        lookup: dict[str, float] = {}
        for lang in ("nl", "en"):
            for offset, label in enumerate(anchor_labels(instrument, name, lang)):
                lookup[_norm(label)] = float(lo + offset)
        for item in spec["items"]:
            column = _item_column(columns, item, instrument["items"][item])
            if column is None:
                missing.append(item)
                continue
            values = raw[column]
            numeric = pd.to_numeric(values, errors="coerce")
            text = values.astype("string").str.strip()
            labelled = text.map(
                lambda v, lookup=lookup: lookup.get(_norm(v)) if pd.notna(v) and v != "" else None
            )
            result = numeric.where(numeric.notna(), pd.to_numeric(labelled, errors="coerce"))
            unmatched = sorted(set(text[result.isna() & text.notna() & (text != "")].tolist()))
            if unmatched:
                raise SelfRelianceError(
                    f"Item '{item}' (column {column!r}) holds answers that are neither numbers nor "
                    f"answer labels of scale '{name}': {unmatched[:5]}."
                )
            out[item] = result.astype("float64")
    if missing:
        raise SelfRelianceError(
            f"The responses lack the item(s) {missing}: name the columns by item id, keep "
            "LimeSurvey's question codes, or keep the statement texts of the instrument."
        )
    items = [i for spec in instrument["scales"].values() for i in spec["items"]]
    out = out.loc[out[items].notna().any(axis=1) & out["person_id"].notna()]
    if time_col:
        order = pd.to_datetime(out["submitted_at"], errors="coerce", dayfirst=True)
        out = out.assign(_order=order).sort_values("_order", kind="stable").drop(columns="_order")
    out = out.drop_duplicates("person_id", keep="last")
    return out.reset_index(drop=True)
