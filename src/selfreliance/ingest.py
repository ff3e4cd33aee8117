"""Adapters: turn one system's export into the canonical ticket table.

Every adapter maps header labels (matched loosely: case, spaces, punctuation, accents) to the
canonical columns, and parses dates, numbers and durations. The canonical table is the
*generic* input format (see README, "Input contract") plus bookkeeping columns
(``_source_row``, ``source_system``). Nothing here drops rows: unusable rows are flagged later
by :mod:`selfreliance.clean` and quarantined with a reason.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from selfreliance.errors import SelfRelianceError
from selfreliance.readers import (
    normalise_header,
    parse_datetime,
    parse_duration_minutes,
    parse_number,
    read_table,
)

TICKET_COLUMNS = (
    "ticket_id",
    "opened_at",
    "first_response_at",
    "resolved_at",
    "closed_at",
    "requester_email",
    "requester_name",
    "channel",
    "category",
    "subcategory",
    "title",
    "description",
    "priority",
    "operator_group",
    "line",
    "time_spent_minutes",
    "status",
    "reopen_count",
    "on_hold_minutes",
)
DATE_COLUMNS = ("opened_at", "first_response_at", "resolved_at", "closed_at")
TEXT_COLUMNS = ("title", "description")
REQUIRED_TICKET_COLUMNS = ("ticket_id", "opened_at")

ROSTER_COLUMNS = (
    "person_id",
    "email",
    "name",
    "team",
    "department",
    "manager_id",
    "function_level",
    "hire_date",
    "exit_date",
    "fte",
    "birth_year",
    "site",
)
REQUIRED_ROSTER_COLUMNS = ("person_id", "team", "hire_date")
INTERVENTION_COLUMNS = (
    "intervention_id",
    "name",
    "direction",
    "start_date",
    "end_date",
    "teams",
    "cost_eur",
)


@dataclass(frozen=True)
class Adapter:
    """How one export format maps onto the canonical ticket columns.

    ``synonyms`` maps a canonical column to the header labels that may hold it, in order of
    preference. ``extra`` holds columns that are combined into a canonical one (time spent per
    line is summed).
    """

    name: str
    synonyms: Mapping[str, tuple[str, ...]]
    extra: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    line_values: Mapping[str, int] = field(default_factory=dict)

    def signature(self) -> set[str]:
        """Normalised header labels that identify this export."""
        return {normalise_header(s) for labels in self.synonyms.values() for s in labels}


GENERIC = Adapter(name="generic", synonyms={c: (c,) for c in TICKET_COLUMNS})

TOPDESK = Adapter(
    name="topdesk",
    synonyms={
        "ticket_id": ("Meldingnummer", "Incidentnummer", "Nummer", "number", "naam"),
        "opened_at": ("Aanmelddatum", "Datum aangemeld", "datumaangemeld", "callDate", "creationDate"),
        "first_response_at": ("Datum gereageerd", "Reactiedatum", "Gereageerd", "responseDate"),
        "resolved_at": ("Datum gereed", "Gereed", "datumgereed", "completedDate"),
        "closed_at": ("Datum afgemeld", "Afgemeld", "datumafgemeld", "closedDate"),
        "requester_email": ("E-mail aanmelder", "E-mailadres aanmelder", "caller.email", "Email"),
        "requester_name": ("Naam aanmelder", "Aanmelder", "aanmeldernaam", "caller.dynamicName", "caller"),
        "channel": ("Soort binnenkomst", "soortbinnenkomst", "entryType"),
        "category": ("Categorie", "category", "category.name"),
        "subcategory": ("Subcategorie", "subcategory", "subcategory.name"),
        "title": ("Korte omschrijving", "Korte omschrijving (Details)", "korteomschrijving", "briefDescription"),
        "description": ("Verzoek", "request"),
        "priority": ("Prioriteit", "priority"),
        "operator_group": ("Behandelaarsgroep", "operatorGroup"),
        "line": ("Status", "Lijn"),
        "status": ("Verwerkingsstatus", "processingStatus"),
        "reopen_count": ("Aantal keer heropend", "Heropend"),
        "on_hold_minutes": ("Duur on hold", "On hold duur", "onHoldDuration"),
        "time_spent_minutes": ("Bestede tijd", "tijdbesteed", "timeSpent"),
    },
    extra={
        "time_spent_minutes": (
            "Bestede tijd eerstelijn",
            "Bestede tijd tweedelijn",
            "timeSpentFirstLine",
            "timeSpentSecondLine",
            "timeSpentSecondLineAndPartials",
        )
    },
    line_values={
        "eerstelijns": 1,
        "eerstelijn": 1,
        "firstline": 1,
        "1": 1,
        "tweedelijns": 2,
        "tweedelijn": 2,
        "secondline": 2,
        "partial": 2,
        "deelmelding": 2,
        "2": 2,
    },
)

ADAPTERS: dict[str, Adapter] = {a.name: a for a in (GENERIC, TOPDESK)}


def detect_source(columns: list[str]) -> str:
    """Name of the adapter whose header labels best match ``columns``.

    Examples
    --------
    >>> detect_source(["Meldingnummer", "Aanmelddatum", "Korte omschrijving"])
    'topdesk'
    >>> detect_source(["ticket_id", "opened_at", "title"])
    'generic'
    """
    found = {normalise_header(c) for c in columns}
    scores = {name: len(found & a.signature()) for name, a in ADAPTERS.items()}
    best = max(scores, key=lambda name: scores[name])
    if scores[best] < 2:
        raise SelfRelianceError(
            "Cannot recognise the ticket export from its header: "
            f"{', '.join(columns[:12])}. Use --source generic (see README, input contract) "
            "or one of: " + ", ".join(ADAPTERS)
        )
    return best


def _locate(frame: pd.DataFrame, labels: tuple[str, ...]) -> str | None:
    by_key = {normalise_header(c): c for c in frame.columns}
    for label in labels:
        hit = by_key.get(normalise_header(label))
        if hit is not None:
            return hit
    return None


def to_canonical(raw: pd.DataFrame, adapter: Adapter, *, path: str | Path = "") -> pd.DataFrame:
    """Map a raw export onto the canonical ticket table (dates parsed, numbers parsed).

    Raises
    ------
    SelfRelianceError
        When a required column is missing or neither a title nor a description column exists.
        The message names the file, what was expected and what was found.
    """
    columns: dict[str, pd.Series] = {}
    for canonical, labels in adapter.synonyms.items():
        source = _locate(raw, labels)
        if source is not None:
            columns[canonical] = raw[source]
    missing = [c for c in REQUIRED_TICKET_COLUMNS if c not in columns]
    if not ({"title", "description"} & columns.keys()):
        missing.append("title or description")
    if missing:
        wanted = "; ".join(f"{m} (e.g. {', '.join(adapter.synonyms.get(m, (m,))[:3])})" for m in missing)
        found = ", ".join(c for c in raw.columns if c != "_source_row")
        raise SelfRelianceError(
            f"{path}: required column(s) missing for a {adapter.name} export: {wanted}. "
            f"Found: {found}. Rename the column in the export, or choose another --source."
        )
    out = pd.DataFrame(index=raw.index)
    for name in TICKET_COLUMNS:
        out[name] = columns[name] if name in columns else pd.Series(pd.NA, index=raw.index, dtype="string")
    extra = [c for c in (_locate(raw, (label,)) for label in adapter.extra.get("time_spent_minutes", ())) if c]
    if extra and "time_spent_minutes" not in columns:
        parts = pd.concat([parse_duration_minutes(raw[c]) for c in extra], axis=1)
        out["time_spent_minutes"] = parts.sum(axis=1, min_count=1)
    else:
        out["time_spent_minutes"] = parse_duration_minutes(out["time_spent_minutes"])
    for name in DATE_COLUMNS:
        out[name] = parse_datetime(out[name])
    out["on_hold_minutes"] = parse_duration_minutes(out["on_hold_minutes"])
    out["reopen_count"] = parse_number(out["reopen_count"])
    if adapter.line_values:
        key = out["line"].astype("string").map(normalise_header, na_action="ignore")
        out["line"] = key.map(dict(adapter.line_values)).astype("Float64")
    else:
        out["line"] = parse_number(out["line"])
    for name in ("ticket_id", "requester_email", "requester_name", "channel", "category",
                 "subcategory", "title", "description", "priority", "operator_group", "status"):
        out[name] = out[name].astype("string")
    # Raw strings of the date columns are kept so quarantine can say what could not be parsed.
    for name in DATE_COLUMNS:
        out[f"_raw_{name}"] = columns[name].astype("string") if name in columns else pd.NA
    out["_source_row"] = raw["_source_row"].to_numpy()
    out["source_system"] = adapter.name
    return out


def read_tickets(path: str | Path, source: str = "auto") -> pd.DataFrame:
    """Read a ticket export into the canonical table.

    Parameters
    ----------
    path
        The export file (CSV or Excel).
    source
        ``auto`` (recognise by header), or an adapter name (``generic``, ``topdesk``).
    """
    raw = read_table(path)
    if raw.empty:
        raise SelfRelianceError(f"{path}: the file has a header but no rows.")
    name = detect_source(list(raw.columns)) if source == "auto" else source
    if name not in ADAPTERS:
        raise SelfRelianceError(f"Unknown --source {source!r}; choose auto or one of: {', '.join(ADAPTERS)}.")
    return to_canonical(raw, ADAPTERS[name], path=path)


def _require(frame: pd.DataFrame, required: tuple[str, ...], path: str | Path, what: str) -> None:
    missing = [c for c in required if c not in frame.columns]
    if missing:
        found = ", ".join(c for c in frame.columns if c != "_source_row")
        raise SelfRelianceError(
            f"{path}: the {what} file lacks required column(s) {', '.join(missing)}. Found: {found}. "
            "See README, input contract."
        )


def read_roster(path: str | Path) -> pd.DataFrame:
    """Read the HR roster (generic format) with typed columns."""
    canonical = {normalise_header(c): c for c in ROSTER_COLUMNS}
    raw = read_table(path)
    raw = raw.rename(columns=lambda c: canonical.get(normalise_header(c), c))
    _require(raw, REQUIRED_ROSTER_COLUMNS, path, "roster")
    out = pd.DataFrame(index=raw.index)
    for name in ROSTER_COLUMNS:
        out[name] = raw[name] if name in raw.columns else pd.Series(pd.NA, index=raw.index, dtype="string")
    for name in ("person_id", "email", "name", "team", "department", "manager_id", "function_level", "site"):
        out[name] = out[name].astype("string")
    out["function_level"] = out["function_level"].str.upper()
    for name in ("hire_date", "exit_date"):
        out[name] = parse_datetime(out[name]).dt.tz_localize(None).dt.normalize()
    out["fte"] = parse_number(out["fte"]).fillna(1.0)
    out["birth_year"] = parse_number(out["birth_year"]).astype("Int64")
    out["_source_row"] = raw["_source_row"].to_numpy()
    duplicated = out["person_id"].duplicated(keep=False) & out["person_id"].notna()
    if duplicated.any():
        ids = ", ".join(out.loc[duplicated, "person_id"].unique()[:10])
        raise SelfRelianceError(
            f"{path}: person_id must be unique; duplicated: {ids}. Keep one row per person "
            "(the current team and function)."
        )
    return out


def read_survey(path: str | Path, instrument: Mapping) -> pd.DataFrame:
    """Read survey responses: person_id, team, submitted_at and one numeric column per item."""
    raw = read_table(path)
    items = [item for scale in instrument["scales"].values() for item in scale["items"]]
    _require(raw, ("person_id", *items), path, "survey")
    out = pd.DataFrame({"person_id": raw["person_id"].astype("string")})
    out["team"] = raw["team"].astype("string") if "team" in raw.columns else pd.NA
    out["submitted_at"] = (
        parse_datetime(raw["submitted_at"]) if "submitted_at" in raw.columns else pd.NaT
    )
    for item in items:
        out[item] = parse_number(raw[item])
    return out


def read_interventions(path: str | Path) -> pd.DataFrame:
    """Read the intervention log; ``teams`` becomes a list (``["all"]`` for everyone)."""
    raw = read_table(path)
    _require(raw, ("intervention_id", "name", "start_date"), path, "interventions")
    out = pd.DataFrame(index=raw.index)
    for name in INTERVENTION_COLUMNS:
        out[name] = raw[name] if name in raw.columns else pd.NA
    for name in ("intervention_id", "name", "direction", "teams"):
        out[name] = out[name].astype("string")
    for name in ("start_date", "end_date"):
        out[name] = parse_datetime(out[name]).dt.tz_localize(None).dt.normalize()
    out["cost_eur"] = parse_number(out["cost_eur"])
    out["teams"] = out["teams"].fillna("all").str.split("|").map(lambda ts: [t.strip() for t in ts])
    return out.reset_index(drop=True)
