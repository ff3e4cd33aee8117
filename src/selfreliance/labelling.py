"""Validate the definition: a coding workbook for two people, their agreement, the metric dictionary.

The definition workshop works in three moves. :func:`export_sample` draws a sample of
tickets stratified by predicted question type and writes an .xlsx in which two coders each
code every ticket on their own sheet (drop-down lists from the codebook, a remarks column,
instructions in Dutch). :func:`import_coding` reads it back, checks every code against the
codebook (naming the cell of each problem), and returns Cohen's kappa per target with a 95%
confidence interval, the labels both coders agree on, and the disagreements: the agenda of
the definition session. :func:`load_metric_dictionary` documents every diagnose metric.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import yaml
from scipy import stats

from selfreliance.categorise import Codebook, load_codebook
from selfreliance.config import resource_path
from selfreliance.errors import SelfRelianceError
from selfreliance.privacy import neutralise_formula

TARGETS = ("question_type", "self_solvability")
CODER_SHEETS = ("Codeur A", "Codeur B")
CODE_SHEET = "Codes"
INSTRUCTION_SHEET = "Instructies"
HEADERS = {
    "ticket_id": "ticket_id",
    "title": "titel",
    "description": "omschrijving",
    "question_type": "vraagtype",
    "self_solvability": "zelf oplosbaar",
    "remarks": "opmerkingen",
}
MAX_CELL = 32_000  # Excel holds at most 32,767 characters per cell
INSTRUCTIONS_NL = [
    "Codeerinstructies",
    "",
    "Doel: we toetsen of onze definitie van 'zelf oplosbaar' eenduidig is. Twee personen coderen",
    "dezelfde meldingen, elk zonder overleg en zonder naar het blad van de ander te kijken.",
    "",
    "1. Open enkel uw eigen blad: 'Codeur A' of 'Codeur B'.",
    "2. Lees per melding de titel en de omschrijving (namen, e-mailadressen en nummers zijn al verwijderd).",
    "3. Kies in de kolom 'vraagtype' het type uit de keuzelijst. Het blad 'Codes' beschrijft elk type.",
    "4. Kies in de kolom 'zelf oplosbaar' of de medewerker dit zelf had kunnen oplossen:",
    "   'zelf oplosbaar', 'deels zelf oplosbaar' of 'IT nodig'. Oordeel over deze melding, ook als",
    "   dat afwijkt van wat het codeboek voor het type voorstelt: net die verschillen bespreken we.",
    "5. Twijfelt u of past geen type? Kies het beste type en noteer uw twijfel bij 'opmerkingen'.",
    "6. Wijzig geen ticket_id, voeg geen rijen toe en verwijder er geen.",
    "",
    "Daarna berekent 'selfreliance label import' de overeenstemming (Cohen's kappa) en de lijst",
    "van meldingen waarover u van mening verschilt: die lijst is de agenda van de definitiesessie.",
]


# --------------------------------------------------------------------------- agreement


def cohen_kappa(a, b, *, confidence: float = 0.95) -> dict[str, float]:
    """Cohen's kappa between two raters with its large-sample confidence interval.

    The standard error is the asymptotic one of Fleiss, Cohen and Everitt (1969,
    Psychological Bulletin 72(5), 323-327), which does not assume kappa = 0.

    Parameters
    ----------
    a, b : array-like
        Codes of the same items by rater A and B; pairs with a missing code are left out.
    confidence : float
        Level of the interval.

    Returns
    -------
    dict
        n, po (observed agreement), pe (chance agreement), kappa, se, ci_low, ci_high.

    Examples
    --------
    The classic 2x2 example: 50 items, 35 agreements (po 0.70), marginals 25/25 and 30/20
    (pe 0.50), kappa = (0.70 - 0.50) / (1 - 0.50) = 0.40.

    >>> a = ["yes"] * 25 + ["no"] * 25
    >>> b = ["yes"] * 20 + ["no"] * 5 + ["yes"] * 10 + ["no"] * 15
    >>> k = cohen_kappa(a, b)
    >>> round(k["po"], 2), round(k["pe"], 2), round(k["kappa"], 2)
    (0.7, 0.5, 0.4)
    """
    pairs = (
        pd.DataFrame({"a": pd.Series(a, dtype="object"), "b": pd.Series(b, dtype="object")})
        .dropna()
        .astype(str)
    )
    n = len(pairs)
    if n == 0:
        return {
            "n": 0,
            "po": np.nan,
            "pe": np.nan,
            "kappa": np.nan,
            "se": np.nan,
            "ci_low": np.nan,
            "ci_high": np.nan,
        }
    table = pd.crosstab(pairs["a"], pairs["b"])
    labels = table.index.union(table.columns)
    p = table.reindex(index=labels, columns=labels, fill_value=0).to_numpy() / n
    rows, cols = p.sum(axis=1), p.sum(axis=0)
    po, pe = float(np.trace(p)), float(rows @ cols)
    if pe >= 1:  # both raters used one and the same code throughout: kappa is undefined
        return {
            "n": n,
            "po": po,
            "pe": pe,
            "kappa": np.nan,
            "se": np.nan,
            "ci_low": np.nan,
            "ci_high": np.nan,
        }
    kappa = (po - pe) / (1 - pe)
    diag = np.diag(p) * (1 - (rows + cols) * (1 - kappa)) ** 2
    off = p * (cols[:, None] + rows[None, :]) ** 2  # p_ij (p_.i + p_j.)^2
    np.fill_diagonal(off, 0)
    variance = (diag.sum() + (1 - kappa) ** 2 * off.sum() - (kappa - pe * (1 - kappa)) ** 2) / (
        n * (1 - pe) ** 2
    )
    se = float(np.sqrt(max(variance, 0.0)))
    z = stats.norm.ppf(0.5 + confidence / 2)
    return {
        "n": n,
        "po": po,
        "pe": pe,
        "kappa": float(kappa),
        "se": se,
        "ci_low": float(max(-1.0, kappa - z * se)),
        "ci_high": float(min(1.0, kappa + z * se)),
    }


def agreement_table(coding: pd.DataFrame, pairs: dict[str, tuple[str, str]]) -> pd.DataFrame:
    """Kappa with CI for named pairs of columns: comparison, target, n, po, pe, kappa, se, ci_low, ci_high.

    ``pairs`` maps a comparison name to ``(column of rater 1, column of rater 2)``, e.g.
    ``{"A vs B / question_type": ("question_type_a", "question_type_b")}``.
    """
    rows = []
    for name, (left, right) in pairs.items():
        comparison, _, target = name.partition(" / ")
        rows.append(
            {"comparison": comparison, "target": target, **cohen_kappa(coding[left], coding[right])}
        )
    return pd.DataFrame(
        rows, columns=["comparison", "target", "n", "po", "pe", "kappa", "se", "ci_low", "ci_high"]
    )


# --------------------------------------------------------------------------- sample and workbook


def stratified_sample(
    tickets: pd.DataFrame, n: int, *, by: str = "question_type", seed: int = 0
) -> pd.DataFrame:
    """Draw ``n`` tickets, allocated to the strata of ``by`` in proportion (largest remainder,
    Hamilton), at least one per stratum while ``n`` allows, so rare types are represented.

    Examples
    --------
    >>> t = pd.DataFrame({"ticket_id": range(100), "question_type": ["a"] * 90 + ["b"] * 9 + ["c"]})
    >>> stratified_sample(t, 10)["question_type"].value_counts().sort_index().tolist()
    [8, 1, 1]
    """
    if n >= len(tickets):
        return tickets.sample(frac=1, random_state=seed)
    sizes = tickets[by].astype("str").value_counts().sort_index()
    quota = sizes * n / sizes.sum()
    alloc = np.floor(quota).astype(int)
    short = n - int(alloc.sum())
    alloc[(quota - alloc).sort_values(ascending=False, kind="stable").index[:short]] += 1
    # Every stratum gets at least one ticket (while n allows), taken from the largest allocation.
    for stratum in alloc.index[alloc.eq(0)][: max(n - len(sizes[alloc.gt(0)]), 0)]:
        alloc[alloc.idxmax()] -= 1
        alloc[stratum] = 1
    shuffled = tickets.sample(frac=1, random_state=seed)
    rank = shuffled.groupby(shuffled[by].astype("str")).cumcount()
    keep = rank < shuffled[by].astype("str").map(alloc).fillna(0).to_numpy()
    return shuffled.loc[keep.to_numpy()]


def _code_lists(codebook: Codebook) -> tuple[list[str], list[str]]:
    types = [f"{codebook.label(t, 'nl')}" for t in codebook.question_types]
    classes = [codebook.solvability_labels[c]["nl"] for c in ("self", "partly", "it")]
    return types, classes


def _lookup(codebook: Codebook, target: str) -> dict[str, str]:
    """Accepted spellings (id, Dutch and English label; case-insensitive) -> code id."""
    if target == "question_type":
        entries = {
            t: (t, codebook.types.loc[t, "nl"], codebook.types.loc[t, "en"])
            for t in codebook.question_types
        }
    else:
        entries = {c: (c, v["nl"], v["en"]) for c, v in codebook.solvability_labels.items()}
    return {str(s).strip().lower(): code for code, spellings in entries.items() for s in spellings}


def export_sample(
    tickets: pd.DataFrame,
    path: str | Path,
    *,
    n: int = 200,
    seed: int = 0,
    codebook: Codebook | None = None,
) -> pd.DataFrame:
    """Write the coding workbook for two coders and return the sample.

    The workbook holds an instruction sheet (Dutch), one sheet per coder (ticket_id, titel,
    omschrijving, vraagtype, zelf oplosbaar, opmerkingen) with drop-down lists, and a sheet
    with the codebook. The predicted type is not shown, so it cannot anchor the coders. Free
    text is defused against formula injection. ``tickets`` must already be scrubbed (the
    processed ``tickets.parquet`` is).

    Parameters
    ----------
    tickets : pandas.DataFrame
        ticket_id, title, description and the predicted question_type (for stratification).
    path : str or Path
        Output .xlsx.
    n : int
        Sample size.
    seed : int
        Random seed of the sample and of the ticket order.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.worksheet.datavalidation import DataValidation

    codebook = codebook or load_codebook()
    for column in ("ticket_id", "title", "description"):
        if column not in tickets:
            raise SelfRelianceError(
                f"The tickets lack the column {column!r}; export from the processed tickets.parquet."
            )
    by = "question_type" if "question_type" in tickets else None
    sample = (
        stratified_sample(tickets, n, by=by, seed=seed)
        if by
        else tickets.sample(n=min(n, len(tickets)), random_state=seed)
    )
    shown = pd.DataFrame(
        {
            "ticket_id": sample["ticket_id"].astype("str"),
            "title": neutralise_formula(
                sample["title"].astype("str").fillna("").str.slice(0, MAX_CELL)
            ),
            "description": neutralise_formula(
                sample["description"].astype("str").fillna("").str.slice(0, MAX_CELL)
            ),
        }
    )
    shown["ticket_id"] = neutralise_formula(shown["ticket_id"])
    types, classes = _code_lists(codebook)

    book = Workbook()
    intro = book.active
    intro.title = INSTRUCTION_SHEET
    for row, line in enumerate(INSTRUCTIONS_NL, start=1):
        intro.cell(row=row, column=1, value=line)
    intro["A1"].font = Font(bold=True, size=14)
    intro.cell(
        row=len(INSTRUCTIONS_NL) + 2,
        column=1,
        value=f"Codeboek versie {codebook.version}; steekproef van {len(shown)} meldingen (seed {seed}).",
    )
    intro.column_dimensions["A"].width = 110

    codes = book.create_sheet(CODE_SHEET)
    codes.append(["vraagtype", "omschrijving", "voorstel zelf oplosbaar", "", "zelf oplosbaar"])
    for i, type_id in enumerate(codebook.question_types):
        entry = codebook.types.loc[type_id]
        codes.append(
            [
                types[i],
                str(entry.get("description_nl", "")),
                codebook.solvability_labels[entry["self_solvability"]]["nl"],
                "",
                classes[i] if i < len(classes) else None,
            ]
        )
    for column, width in zip("ABCDE", (38, 90, 24, 2, 24), strict=True):
        codes.column_dimensions[column].width = width
    type_range = f"'{CODE_SHEET}'!$A$2:$A${len(types) + 1}"
    class_range = f"'{CODE_SHEET}'!$E$2:$E${len(classes) + 1}"

    headers = [
        HEADERS[c]
        for c in (
            "ticket_id",
            "title",
            "description",
            "question_type",
            "self_solvability",
            "remarks",
        )
    ]
    last = len(shown) + 1
    for name in CODER_SHEETS:
        sheet = book.create_sheet(name)
        sheet.append(headers)
        for record in shown.itertuples(index=False):
            sheet.append([record.ticket_id, record.title, record.description, None, None, None])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for column, width in zip("ABCDEF", (16, 40, 80, 34, 22, 40), strict=True):
            sheet.column_dimensions[column].width = width
        for row in sheet.iter_rows(min_row=2, max_col=3):
            row[2].alignment = Alignment(wrap_text=True, vertical="top")
        for target_range, col, title in (
            (type_range, "D", "Vraagtype"),
            (class_range, "E", "Zelf oplosbaar"),
        ):
            check = DataValidation(
                type="list",
                formula1=target_range,
                allow_blank=True,
                showErrorMessage=True,
                errorTitle=title,
                error="Kies een waarde uit de keuzelijst (zie blad Codes).",
            )
            sheet.add_data_validation(check)
            check.add(f"{col}2:{col}{last}")
        sheet.freeze_panes = "B2"
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return sample


@dataclass(frozen=True)
class CodingResult:
    """What :func:`import_coding` reads back.

    Attributes
    ----------
    coding : pandas.DataFrame
        ticket_id, question_type_a, self_solvability_a, remarks_a, ..._b (code ids).
    agreement : pandas.DataFrame
        comparison, target, n, po, pe, kappa, se, ci_low, ci_high.
    labels : pandas.DataFrame
        ticket_id, question_type, self_solvability: the codes both coders agree on (missing
        where they differ), ready for ``selfreliance ingest --labels``.
    disagreements : pandas.DataFrame
        ticket_id, target, coder_a, coder_b, title, remarks_a, remarks_b.
    """

    coding: pd.DataFrame
    agreement: pd.DataFrame
    labels: pd.DataFrame
    disagreements: pd.DataFrame


def _read_coder_sheet(path: Path, sheet: str, codebook: Codebook) -> tuple[pd.DataFrame, list[str]]:
    try:
        raw = pd.read_excel(path, sheet_name=sheet, dtype=str)
    except ValueError as exc:
        raise SelfRelianceError(
            f"{path}: no sheet {sheet!r} ({exc}); use the workbook written by `selfreliance label export`."
        ) from exc
    columns = {v: k for k, v in HEADERS.items()}
    missing = [h for h in ("ticket_id", "vraagtype", "zelf oplosbaar") if h not in raw.columns]
    if missing:
        raise SelfRelianceError(
            f"{path}, sheet {sheet!r}: column(s) {', '.join(missing)} missing (found: {', '.join(map(str, raw.columns))})."
        )
    frame = raw.rename(columns=columns)
    errors = []
    for target, letter in (("question_type", "D"), ("self_solvability", "E")):
        lookup = _lookup(codebook, target)
        given = frame[target].astype("str").str.strip()
        codes = given.str.lower().map(lookup)
        bad = given.notna() & given.ne("") & codes.isna()
        for position in np.flatnonzero(bad.to_numpy()):
            errors.append(
                f"{sheet}!{letter}{position + 2}: {given.iloc[position]!r} is not a {HEADERS[target]} of codebook {codebook.version}"
            )
        frame[target] = codes
    frame["ticket_id"] = frame["ticket_id"].astype("str").str.strip().str.removeprefix("'")
    if "remarks" not in frame:
        frame["remarks"] = pd.NA
    return frame[["ticket_id", "title", "question_type", "self_solvability", "remarks"]], errors


def import_coding(
    path: str | Path, *, codebook: Codebook | None = None, predictions: pd.DataFrame | None = None
) -> CodingResult:
    """Read a coded workbook back, check it, and compute agreement.

    Parameters
    ----------
    path : str or Path
        The workbook from :func:`export_sample`, filled in by both coders (the two sheets may
        also come from two copies merged into one file).
    codebook : Codebook, optional
        The codebook the codes must belong to (default: the shipped one).
    predictions : pandas.DataFrame, optional
        ticket_id, question_type, self_solvability of the classifier: adds kappa of each
        coder against the classifier.

    Raises
    ------
    SelfRelianceError
        Listing every cell whose code is not in the codebook (sheet!cell, value, allowed codes),
        and tickets whose ids differ between the sheets.
    """
    codebook = codebook or load_codebook()
    path = Path(path)
    a, errors_a = _read_coder_sheet(path, CODER_SHEETS[0], codebook)
    b, errors_b = _read_coder_sheet(path, CODER_SHEETS[1], codebook)
    errors = errors_a + errors_b
    if errors:
        types, classes = _code_lists(codebook)
        shown = errors[:25] + ([f"... and {len(errors) - 25} more"] if len(errors) > 25 else [])
        raise SelfRelianceError(
            f"{path}: {len(errors)} code(s) not in the codebook:\n  "
            + "\n  ".join(shown)
            + f"\nQuestion types: {', '.join(types)}.\nSelf-solvability: {', '.join(classes)}."
        )
    if set(a["ticket_id"]) != set(b["ticket_id"]):
        only = sorted(set(a["ticket_id"]) ^ set(b["ticket_id"]))
        raise SelfRelianceError(
            f"{path}: the coder sheets hold different tickets ({', '.join(only[:10])}); do not add or remove rows."
        )
    coding = a.merge(
        b.drop(columns="title"), on="ticket_id", suffixes=("_a", "_b"), validate="one_to_one"
    )
    pairs = {f"A vs B / {t}": (f"{t}_a", f"{t}_b") for t in TARGETS}
    if predictions is not None:
        predicted = (
            predictions[["ticket_id", *TARGETS]]
            .astype({"ticket_id": "str"})
            .rename(columns={t: f"{t}_model" for t in TARGETS})
        )
        coding = coding.merge(predicted, on="ticket_id", how="left")
        pairs |= {
            f"{who} vs classifier / {t}": (f"{t}_{who.lower()[-1]}", f"{t}_model")
            for who in ("A", "B")
            for t in TARGETS
        }
    agreement = agreement_table(coding, pairs)
    labels = pd.DataFrame({"ticket_id": coding["ticket_id"]})
    for target in TARGETS:
        agree = coding[f"{target}_a"].eq(coding[f"{target}_b"]).fillna(False).astype(bool)
        labels[target] = coding[f"{target}_a"].where(agree)
    labels = labels.dropna(subset=list(TARGETS), how="all").reset_index(drop=True)
    parts = []
    for target in TARGETS:
        both = coding[f"{target}_a"].notna() & coding[f"{target}_b"].notna()
        differ = both & coding[f"{target}_a"].ne(coding[f"{target}_b"]).fillna(False).astype(bool)
        part = coding.loc[
            differ, ["ticket_id", f"{target}_a", f"{target}_b", "title", "remarks_a", "remarks_b"]
        ]
        parts.append(
            part.rename(columns={f"{target}_a": "coder_a", f"{target}_b": "coder_b"}).assign(
                target=target
            )
        )
    disagreements = pd.concat(parts, ignore_index=True)[
        ["ticket_id", "target", "coder_a", "coder_b", "title", "remarks_a", "remarks_b"]
    ]
    return CodingResult(coding, agreement, labels, disagreements)


# --------------------------------------------------------------------------- metric dictionary


METRIC_FIELDS = (
    "id",
    "name_nl",
    "name_en",
    "definition_nl",
    "definition_en",
    "formula",
    "unit",
    "source",
)


def load_metric_dictionary(path: str | Path | None = None) -> pd.DataFrame:
    """The metric dictionary: one documented definition per diagnose metric.

    Returns
    -------
    pandas.DataFrame
        id, name_nl, name_en, definition_nl, definition_en, formula, unit, source (one row per
        metric, in file order).

    Examples
    --------
    >>> d = load_metric_dictionary()
    >>> d.set_index("id").loc["self_solvable_share", "unit"]
    'share'
    """
    path = Path(path) if path else resource_path("metrics.yml")
    try:
        spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise SelfRelianceError(f"{path}: cannot read the metric dictionary ({exc}).") from exc
    rows = []
    for metric_id, entry in (spec.get("metrics") or {}).items():
        missing = [f for f in METRIC_FIELDS[1:] if not entry.get(f)]
        if missing:
            raise SelfRelianceError(f"{path}: metric {metric_id!r} lacks {', '.join(missing)}.")
        rows.append({"id": metric_id, **{f: str(entry[f]).strip() for f in METRIC_FIELDS[1:]}})
    return pd.DataFrame(rows, columns=list(METRIC_FIELDS))
