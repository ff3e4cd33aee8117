"""Adapters: turn one system's export into the canonical ticket table.

Every adapter maps header labels (matched loosely: case, spaces, punctuation, accents) to the
canonical columns, and parses dates, numbers and durations. The canonical table is the
*generic* input format (see README, "Input contract") plus bookkeeping columns
(``_source_row``, ``_read_problem``, ``_raw_<date>``, ``source_system``). Nothing here drops
rows: unusable rows are flagged later by :mod:`selfreliance.clean` and quarantined with a
reason.

Adapters shipped: ``generic`` (the README format), ``topdesk`` (Dutch UI labels, older
"incident" wording, data-warehouse names and REST API names, nested ones such as
``caller.dynamicName`` included), ``glpi`` (English, French and Dutch CSV headers),
``servicenow`` (field names, Excel labels, and the audit event log with one row per update,
collapsed by :func:`collapse_servicenow_events`), and any other system through a YAML column
mapping (:func:`load_mapping`; examples for Jira Service Management and Freshservice in
``resources/mappings/``). ``auto`` recognises the export by its header
(:func:`detect_source`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from selfreliance.errors import SelfRelianceError
from selfreliance.readers import (
    normalise_header,
    parse_datetime,
    parse_duration_minutes,
    parse_hours_as_minutes,
    parse_number,
    read_table,
)
from selfreliance.schemas import CanonicalTickets, Roster, validate

TICKET_COLUMNS = (
    "ticket_id",
    "opened_at",
    "first_response_at",
    "resolved_at",
    "closed_at",
    "requester_email",
    "requester_name",
    "requester_login",
    "channel",
    "category",
    "subcategory",
    "ticket_type",
    "title",
    "description",
    "priority",
    "impact",
    "urgency",
    "operator_group",
    "line",
    "time_spent_minutes",
    "status",
    "reopen_count",
    "on_hold_minutes",
    "awaiting_user_minutes",
)
DATE_COLUMNS = ("opened_at", "first_response_at", "resolved_at", "closed_at")
TEXT_COLUMNS = ("title", "description")
NUMERIC_COLUMNS = (
    "line",
    "time_spent_minutes",
    "reopen_count",
    "on_hold_minutes",
    "awaiting_user_minutes",
)
STRING_COLUMNS = tuple(c for c in TICKET_COLUMNS if c not in DATE_COLUMNS + NUMERIC_COLUMNS)
REQUIRED_TICKET_COLUMNS = ("ticket_id", "opened_at")
#: Free text longer than this is cut (and counted): a 200,000-character cell is a paste
#: accident, not a help request, and would slow every later step.
MAX_TEXT_CHARS = 5000

ROSTER_COLUMNS = (
    "person_id",
    "email",
    "login",
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
    "telework",
)
ROSTER_SYNONYMS = {
    "telework": ("telework", "telewerk", "telewerkdagen", "thuiswerkdagen", "telework_days"),
    "login": (
        "login",
        "username",
        "user name",
        "gebruikersnaam",
        "account",
        "samaccountname",
        "userid",
    ),
    "email": ("email", "e-mail", "e-mailadres", "mail"),
    "person_id": ("person_id", "personeelsnummer", "personnel number", "employee_id"),
}
REQUIRED_ROSTER_COLUMNS = ("person_id", "team", "hire_date")
INTERVENTION_COLUMNS = (
    "intervention_id",
    "name",
    "direction",
    "start_date",
    "end_date",
    "teams",
    "cost_eur",
    "question_types",
)


@dataclass(frozen=True)
class Adapter:
    """How one export format maps onto the canonical ticket columns.

    Attributes
    ----------
    name
        Adapter name (``--source``), also stored as ``source_system``.
    synonyms
        Canonical column -> header labels that may hold it, in order of preference.
    extra
        ``time_spent_minutes`` -> labels of partial durations that are summed (time spent per
        line).
    line_values
        Normalised value -> line (1 or 2) for the ``line`` column.
    value_maps
        Canonical column -> {normalised raw value: canonical value} (e.g. channels).
    dayfirst, date_formats
        How ambiguous dates are read, and formats to try first.
    hours_after_opened
        Date column -> labels holding "hours since opened" (Freshservice's *First Response
        Time (in Hrs)*): the date is opened_at plus that duration.
    time_spent_unit
        ``"minutes"``, ``"hours"`` or ``"seconds"`` for plain numbers in the time spent columns.
    id_thousands
        Ticket numbers may carry thousands separators (GLPI: ``5 732 943``).
    requires_text
        Whether a title or description column is required.
    prepare
        Turns the raw table into one row per ticket before mapping (event logs).
    identifying
        Labels that (nearly) only this system uses; they weigh more in ``--source auto``.
    """

    name: str
    synonyms: Mapping[str, tuple[str, ...]]
    extra: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    line_values: Mapping[str, int] = field(default_factory=dict)
    value_maps: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    dayfirst: bool = True
    date_formats: tuple[str, ...] = ()
    hours_after_opened: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    time_spent_unit: str = "minutes"
    id_thousands: bool = False
    requires_text: bool = True
    prepare: Callable[[pd.DataFrame], pd.DataFrame] | None = None
    identifying: tuple[str, ...] = ()
    read_options: Mapping[str, object] = field(default_factory=dict)

    def signature(self) -> set[str]:
        """Normalised header labels that identify this export."""
        labels = [
            s
            for group in (self.synonyms, self.extra, self.hours_after_opened)
            for v in group.values()
            for s in v
        ]
        return {normalise_header(s) for s in (*labels, *self.identifying)}


GENERIC = Adapter(name="generic", synonyms={c: (c,) for c in TICKET_COLUMNS})

_TOPDESK_LINES = {
    "eerstelijns": 1, "eerstelijn": 1, "firstline": 1, "1": 1, "1elijn": 1,
    "tweedelijns": 2, "tweedelijn": 2, "secondline": 2, "partial": 2, "deelmelding": 2, "2": 2, "2delijn": 2,
}  # fmt: skip

TOPDESK = Adapter(
    name="topdesk",
    synonyms={
        "ticket_id": ("Meldingnummer", "Incidentnummer", "Nummer", "number", "naam"),
        "opened_at": (
            "Aanmelddatum",
            "Datum aangemeld",
            "datumaangemeld",
            "callDate",
            "creationDate",
        ),
        "first_response_at": ("Datum gereageerd", "Reactiedatum", "Gereageerd", "responseDate"),
        "resolved_at": ("Datum gereed", "Gereed", "datumgereed", "completedDate"),
        "closed_at": ("Datum afgemeld", "Afgemeld", "datumafgemeld", "closedDate"),
        "requester_email": ("E-mail aanmelder", "E-mailadres aanmelder", "caller.email", "Email"),
        "requester_name": (
            "Naam aanmelder",
            "Aanmelder",
            "aanmeldernaam",
            "caller.dynamicName",
            "caller",
        ),
        "requester_login": ("Loginnaam aanmelder", "caller.loginName", "caller.networkLoginName"),
        "channel": ("Soort binnenkomst", "soortbinnenkomst", "entryType", "entryType.name"),
        "category": ("Categorie", "category", "category.name"),
        "subcategory": ("Subcategorie", "subcategory", "subcategory.name"),
        "ticket_type": ("Soort melding", "Soort incident", "callType", "callType.name"),
        "title": (
            "Korte omschrijving",
            "Korte omschrijving (Details)",
            "korteomschrijving",
            "briefDescription",
        ),
        "description": ("Verzoek", "request"),
        "priority": ("Prioriteit", "priority", "priority.name"),
        "impact": ("Impact", "impact", "impact.name"),
        "urgency": ("Urgentie", "urgency", "urgency.name"),
        "operator_group": ("Behandelaarsgroep", "operatorGroup", "operatorGroup.name"),
        "line": ("Status", "Lijn", "status"),
        "status": ("Verwerkingsstatus", "processingStatus", "processingStatus.name"),
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
    line_values=_TOPDESK_LINES,
    identifying=(
        "Meldingnummer",
        "Behandelaarsgroep",
        "Korte omschrijving",
        "briefDescription",
        "callDate",
        "operatorGroup",
        "caller.dynamicName",
        "processingStatus",
        "Soort binnenkomst",
        "Verzoek",
    ),
)

GLPI = Adapter(
    name="glpi",
    synonyms={
        "ticket_id": ("ID",),
        "opened_at": (
            "Opening date",
            "Date d'ouverture",
            "Begindatum",
            "Openingsdatum",
            "Datum van opening",
        ),
        "resolved_at": (
            "Resolution date",
            "Date de résolution",
            "Datum van de oplossing",
            "Oplossingsdatum",
        ),
        "closed_at": ("Closing date", "Date de clôture", "Afsluitdatum", "Sluitingsdatum"),
        "first_response_at": (
            "Take into account date",
            "Date de prise en compte",
            "Datum van inachtneming",
        ),
        "requester_name": (
            "Requester - Requester",
            "Demandeur - Demandeur",
            "Aanvrager - Aanvrager",
        ),
        "requester_email": ("Requester - Email", "Demandeur - Courriel", "Aanvrager - E-mail"),
        "title": ("Title", "Titre", "Titel"),
        "description": ("Description", "Beschrijving"),
        "category": ("Category", "Catégorie", "Categorie"),
        "ticket_type": ("Type",),
        "priority": ("Priority", "Priorité", "Prioriteit"),
        "urgency": ("Urgency", "Urgence", "Urgentie"),
        "impact": ("Impact",),
        "status": ("Status", "Statut"),
        "channel": ("Request source", "Source de la demande", "Aanvraagbron"),
        "operator_group": (
            "Assigned to - Technician group",
            "Attribué à - Groupe de techniciens",
            "Toegekend aan - Technici groep",
            "Toegekend aan - Groep technici",
        ),
        "time_spent_minutes": ("Total duration", "Durée totale", "Totale duur"),
    },
    id_thousands=True,
    identifying=(
        "Requester - Requester",
        "Demandeur - Demandeur",
        "Aanvrager - Aanvrager",
        "Assigned to - Technician",
        "Attribué à - Technicien",
        "Toegekend aan - Technicus",
        "Entity",
        "Entité",
        "Entiteit",
        "Opening date",
        "Date d'ouverture",
        "Last edit by",
        "Time to resolve",
        "Dernière modification",
    ),
)

SERVICENOW = Adapter(
    name="servicenow",
    synonyms={
        "ticket_id": ("number", "Number", "Nummer"),
        "opened_at": ("opened_at", "Opened", "sys_created_on", "Created"),
        "resolved_at": ("resolved_at", "Resolved"),
        "closed_at": ("closed_at", "Closed"),
        "first_response_at": ("first_response_at", "u_first_response", "First response"),
        "requester_name": ("caller_id", "Caller", "caller_id.name", "opened_by", "Opened by"),
        "requester_email": ("caller_id.email", "Caller email", "Caller.Email"),
        "requester_login": ("caller_id.user_name", "Caller user ID", "caller_id.user_id"),
        "title": ("short_description", "Short description"),
        "description": ("description", "Description"),
        "category": ("category", "Category"),
        "subcategory": ("subcategory", "Subcategory"),
        "priority": ("priority", "Priority"),
        "impact": ("impact", "Impact"),
        "urgency": ("urgency", "Urgency"),
        "status": ("state", "State", "incident_state", "Incident state"),
        "channel": ("contact_type", "Contact type", "Channel"),
        "operator_group": ("assignment_group", "Assignment group"),
        "reopen_count": ("reopen_count", "Reopen count"),
        "on_hold_minutes": ("on_hold_minutes",),
        "awaiting_user_minutes": ("awaiting_user_minutes",),
        "time_spent_minutes": ("time_worked", "Time worked"),
    },
    requires_text=False,  # the audit event log carries no text; classification then says "other"
    identifying=(
        "short_description",
        "sys_created_on",
        "sys_updated_on",
        "sys_updated_at",
        "incident_state",
        "assignment_group",
        "caller_id",
        "Assignment group",
        "Short description",
        "contact_type",
        "sys_mod_count",
        "made_sla",
        "reassignment_count",
    ),
)


def collapse_servicenow_events(raw: pd.DataFrame) -> pd.DataFrame:
    """Collapse a ServiceNow audit event log (one row per update) to one row per incident.

    A table without the event-log columns (``incident_state`` or ``state``, and
    ``sys_updated_at``/``sys_updated_on``) or with one row per number is returned unchanged.

    Rules (all vectorised with ``groupby``; events are sorted per incident by update time,
    then ``sys_mod_count``, then file order):

    * attributes (caller, category, priority, group, opened/resolved/closed dates, ...) come
      from the **last** event of the incident, as ServiceNow's own list view would show them
      (a reopened incident whose resolution was cleared is not resolved);
    * each event's state lasts from its ``sys_updated_at`` until the next event of the same
      incident, cut off at the incident's resolution (time after resolution is not waiting);
      the last event adds nothing;
    * ``on_hold_minutes`` sums the time in any ``Awaiting ...`` state (user, vendor, problem,
      evidence): time IT was not working on the incident, subtracted from resolution time
      later; ``awaiting_user_minutes`` sums ``Awaiting User Info`` only (waiting on the user);
    * ``first_response_at`` is the first update that moves the incident out of ``New``
      (missing when all its events are ``New``);
    * ``reopen_count`` is the highest ``reopen_count`` seen, or, if larger, the number of
      times a ``Resolved``/``Closed`` event is followed by an open state;
    * ``status`` is the state of the last event; ``_source_row`` the file row of that event;
    * rows without a number are kept one by one (they are quarantined later).

    Returns
    -------
    DataFrame
        One row per incident, with the raw field names plus ``first_response_at``,
        ``on_hold_minutes`` and ``awaiting_user_minutes``. ``attrs["events"]`` holds the
        number of event rows read.

    Examples
    --------
    >>> ev = pd.DataFrame({
    ...     "number": ["INC1"] * 4,
    ...     "incident_state": ["New", "Awaiting User Info", "Active", "Resolved"],
    ...     "sys_updated_at": ["1/3/2016 09:00", "1/3/2016 10:00", "1/3/2016 13:00", "1/3/2016 14:00"],
    ...     "opened_at": ["1/3/2016 08:30"] * 4, "resolved_at": ["1/3/2016 14:00"] * 4,
    ...     "reopen_count": ["0"] * 4, "_source_row": [2, 3, 4, 5]})
    >>> one = collapse_servicenow_events(ev)
    >>> one[["number", "incident_state", "on_hold_minutes", "awaiting_user_minutes"]].values.tolist()
    [['INC1', 'Resolved', 180.0, 180.0]]
    >>> one["first_response_at"].dt.strftime("%H:%M").tolist()
    ['10:00']
    """
    by_key = {normalise_header(c): c for c in raw.columns}
    state_col = by_key.get("incidentstate") or by_key.get("state")
    updated_col = by_key.get("sysupdatedat") or by_key.get("sysupdatedon")
    number_col = by_key.get("number")
    if not (state_col and updated_col and number_col) or not raw[number_col].duplicated().any():
        return raw
    events = raw.assign(
        _updated=parse_datetime(raw[updated_col]),
        _mod=parse_number(raw[by_key["sysmodcount"]]) if "sysmodcount" in by_key else np.nan,
    )
    events = events.sort_values(
        [number_col, "_updated", "_mod", "_source_row"], kind="stable", na_position="first"
    )
    no_number = events[number_col].isna()
    loose = events.loc[no_number].drop(columns=["_updated", "_mod"])
    events = events.loc[~no_number]
    number = events[number_col]
    grouped = events.groupby(number, sort=False)
    is_last = ~number.duplicated(keep="last")
    resolved_col = by_key.get("resolvedat")
    if resolved_col:
        final = parse_datetime(events.loc[is_last, resolved_col])
        resolved = number.map(pd.Series(final.to_numpy(), index=number[is_last].to_numpy()))
    else:
        resolved = pd.Series(pd.NaT, index=events.index)
    state = events[state_col].astype("str")
    start = events["_updated"]
    end = grouped["_updated"].shift(-1)
    end = end.where(~(end > resolved), resolved)  # cut at resolution
    minutes = ((end - start).dt.total_seconds() / 60).clip(lower=0)
    awaiting_any = state.str.startswith("Awaiting").fillna(False)
    awaiting_user = state.str.casefold().eq("awaiting user info").fillna(False)
    open_state = ~state.isin(["Resolved", "Closed"]).fillna(False) & state.notna()
    was_done = state.isin(["Resolved", "Closed"]).fillna(False)
    reopened = (
        grouped[state_col].shift(1).isin(["Resolved", "Closed"]).fillna(False)
        & open_state
        & ~was_done
    )
    left_new = state.ne("New").fillna(False) & state.notna()
    per_incident = pd.DataFrame(
        {
            "on_hold_minutes": minutes.where(awaiting_any, 0)
            .groupby(number, sort=False)
            .sum(min_count=1),
            "awaiting_user_minutes": minutes.where(awaiting_user, 0)
            .groupby(number, sort=False)
            .sum(min_count=1),
            "first_response_at": start.where(left_new).groupby(number, sort=False).min(),
            "_reopens": reopened.groupby(number, sort=False).sum(),
        }
    )
    last = events.loc[is_last].set_index(number_col, drop=False)
    out = last.join(per_incident)
    reopen_col = by_key.get("reopencount")
    if reopen_col:
        seen = parse_number(events[reopen_col]).groupby(number, sort=False).max()
        out[reopen_col] = np.fmax(seen.reindex(out.index).to_numpy(), out["_reopens"].to_numpy())
    else:
        out["reopen_count"] = out["_reopens"].astype("float64")
    out = out.drop(columns=["_updated", "_mod", "_reopens"]).reset_index(drop=True)
    out = pd.concat([out, loose], ignore_index=True) if len(loose) else out
    out.attrs = {**raw.attrs, "events": len(raw)}
    return out


SERVICENOW = dataclasses.replace(SERVICENOW, prepare=collapse_servicenow_events)

ADAPTERS: dict[str, Adapter] = {a.name: a for a in (GENERIC, TOPDESK, GLPI, SERVICENOW)}


# --------------------------------------------------------------------------------------
# Column mappings (YAML) for any other system
# --------------------------------------------------------------------------------------

_MAPPING_KEYS = {
    "system",
    "description",
    "columns",
    "time_spent_parts",
    "dates",
    "read",
    "values",
    "hours_after_opened",
    "time_spent_unit",
    "id_thousands",
}


def _as_labels(value: object, where: str) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise SelfRelianceError(
        f"{where}: give a header label or a list of header labels, not {value!r}."
    )


def load_mapping(path: str | Path) -> Adapter:
    """Build an adapter from a YAML column mapping written for another ticket system.

    The format (see README, "Other systems: a column mapping", and the examples in
    ``resources/mappings/``)::

        system: jira-service-management     # name stored as source_system
        columns:                             # canonical column: header label(s) in the export
          ticket_id: Issue key
          opened_at: Created
          title: Summary
          requester_email: [Reporter email, Reporter]
        time_spent_parts: [Time Spent 1st line, Time Spent 2nd line]   # summed (optional)
        time_spent_unit: seconds             # plain numbers in time spent: minutes (default), hours, seconds
        hours_after_opened:                  # date = opened_at + hours in this column (optional)
          first_response_at: First Response Time (in Hrs)
        dates:
          dayfirst: true                     # 01/05/2025 is 1 May (default true)
          formats: ["%d/%b/%y %I:%M %p"]     # tried first (optional)
        read:
          separator: ","                     # optional; sniffed when absent
          sheet: Tickets                     # optional, for .xlsx
        values:                              # optional value maps, per canonical column
          line: {Tier 1: 1, Tier 2: 2}
          channel: {Portal: Zelfservice Portal}

    Raises
    ------
    SelfRelianceError
        When the file is missing or not YAML, a key or canonical column is unknown, or the
        required columns (ticket_id, opened_at) are not mapped.
    """
    path = Path(path)
    try:
        spec = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise SelfRelianceError(f"Column mapping {path} not found.") from None
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise SelfRelianceError(f"{path}: not a valid YAML column mapping ({exc}).") from None
    if not isinstance(spec, dict) or not isinstance(spec.get("columns"), dict):
        raise SelfRelianceError(
            f"{path}: a column mapping needs a 'columns:' section (canonical column: header label)."
        )
    unknown_keys = set(spec) - _MAPPING_KEYS
    if unknown_keys:
        raise SelfRelianceError(
            f"{path}: unknown key(s) {', '.join(sorted(unknown_keys))}; allowed: {', '.join(sorted(_MAPPING_KEYS))}."
        )
    columns = spec["columns"]
    unknown = [c for c in columns if c not in TICKET_COLUMNS]
    if unknown:
        raise SelfRelianceError(
            f"{path}: unknown canonical column(s) {', '.join(map(str, unknown))}; choose from {', '.join(TICKET_COLUMNS)}."
        )
    synonyms = {c: _as_labels(v, f"{path}: columns.{c}") for c, v in columns.items()}
    hours_after = {
        c: _as_labels(v, f"{path}: hours_after_opened.{c}")
        for c, v in (spec.get("hours_after_opened") or {}).items()
    }
    missing = [c for c in REQUIRED_TICKET_COLUMNS if c not in synonyms]
    if missing:
        raise SelfRelianceError(
            f"{path}: the mapping must name the export's column for {', '.join(missing)}."
        )
    dates = spec.get("dates") or {}
    formats = dates.get("formats", dates.get("format", ()))
    values = spec.get("values") or {}
    line_values = {normalise_header(k): int(v) for k, v in (values.get("line") or {}).items()}
    value_maps = {
        c: {normalise_header(k): str(v) for k, v in m.items()}
        for c, m in values.items()
        if c != "line" and m
    }
    extra = (
        {"time_spent_minutes": _as_labels(spec["time_spent_parts"], f"{path}: time_spent_parts")}
        if spec.get("time_spent_parts")
        else {}
    )
    unit = spec.get("time_spent_unit", "minutes")
    if unit not in ("minutes", "hours", "seconds"):
        raise SelfRelianceError(
            f"{path}: time_spent_unit must be minutes, hours or seconds, not {unit!r}."
        )
    return Adapter(
        name=str(spec.get("system") or path.stem),
        synonyms=synonyms,
        extra=extra,
        line_values=line_values,
        value_maps=value_maps,
        dayfirst=bool(dates.get("dayfirst", True)),
        date_formats=(formats,) if isinstance(formats, str) else tuple(formats),
        hours_after_opened=hours_after,
        time_spent_unit=unit,
        id_thousands=bool(spec.get("id_thousands", False)),
        requires_text="title" in synonyms or "description" in synonyms,
        read_options=dict(spec.get("read") or {}),
    )


def resolve_adapter(source: str) -> Adapter | None:
    """The adapter for ``--source``: a name, a mapping file (``.yml``), or None for auto."""
    if source == "auto":
        return None
    if source in ADAPTERS:
        return ADAPTERS[source]
    if str(source).lower().endswith((".yml", ".yaml")):
        return load_mapping(source)
    raise SelfRelianceError(
        f"Unknown --source {source!r}; choose auto, {', '.join(ADAPTERS)}, or a column mapping file (.yml)."
    )


# --------------------------------------------------------------------------------------
# Recognising an export
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Score:
    """How well a header fits one adapter."""

    adapter: str
    usable: bool
    weight: int
    matched: tuple[str, ...]
    missing: tuple[str, ...]


def _missing_required(adapter: Adapter, matched: set[str]) -> list[str]:
    missing = [c for c in REQUIRED_TICKET_COLUMNS if c not in matched]
    if adapter.requires_text and not ({"title", "description"} & matched):
        missing.append("title or description")
    return missing


def score_header(columns: list[str], adapters: Mapping[str, Adapter] | None = None) -> list[Score]:
    """Score each adapter on a header, best first.

    ``weight`` counts the canonical columns found, plus two for each label used by that
    system only (``identifying`` labels, and labels no other adapter knows).
    """
    adapters = adapters or ADAPTERS
    found = {normalise_header(c) for c in columns}
    signatures = {name: a.signature() for name, a in adapters.items()}
    scores = []
    for name, adapter in adapters.items():
        matched = {
            c
            for c, labels in adapter.synonyms.items()
            if found & {normalise_header(x) for x in labels}
        }
        others = (
            set().union(*(s for n, s in signatures.items() if n != name))
            if len(signatures) > 1
            else set()
        )
        own = found & (signatures[name] - others)
        identifying = found & {normalise_header(x) for x in adapter.identifying}
        missing = _missing_required(adapter, matched)
        weight = len(matched) + 2 * len(own | identifying)
        scores.append(Score(name, not missing, weight, tuple(sorted(matched)), tuple(missing)))
    return sorted(scores, key=lambda s: (s.usable, s.weight), reverse=True)


def detect_source(columns: list[str], *, path: str | Path = "") -> str:
    """Name of the adapter whose header labels best match ``columns``.

    Raises a :class:`SelfRelianceError` naming what was seen and the choices when no adapter
    fits or two fit equally well.

    Examples
    --------
    >>> detect_source(["Meldingnummer", "Aanmelddatum", "Korte omschrijving"])
    'topdesk'
    >>> detect_source(["ticket_id", "opened_at", "title"])
    'generic'
    >>> detect_source(["number", "short_description", "opened_at", "caller_id"])
    'servicenow'
    """
    scores = score_header(columns)
    best = scores[0]
    seen = ", ".join(str(c) for c in columns[:15] if c != "_source_row") + (
        " ..." if len(columns) > 15 else ""
    )
    where = f"{path}: " if path else ""
    if not best.usable:
        closest = "; ".join(
            f"{s.adapter} (found {', '.join(s.matched) or 'nothing'}; missing {', '.join(s.missing)})"
            for s in scores[:3]
        )
        raise SelfRelianceError(
            f"{where}cannot recognise the ticket export from its header. Columns seen: {seen}. "
            f"Closest: {closest}. Choose --source {'|'.join(ADAPTERS)}, or write a column mapping "
            "(--source mapping.yml, see README 'Other systems: a column mapping')."
        )
    runner_up = scores[1] if len(scores) > 1 else None
    if runner_up is not None and runner_up.usable and runner_up.weight == best.weight:
        raise SelfRelianceError(
            f"{where}the header fits both {best.adapter} and {runner_up.adapter} equally well "
            f"(columns seen: {seen}). Choose one with --source {best.adapter} or --source {runner_up.adapter}."
        )
    return best.adapter


def _sheet_chooser(adapter: Adapter | None, path: Path) -> Callable[[dict[str, list[str]]], str]:
    def choose(headers: dict[str, list[str]]) -> str:
        candidates = {}
        for sheet, columns in headers.items():
            pool = {adapter.name: adapter} if adapter is not None else ADAPTERS
            best = score_header(columns, pool)[0]
            if best.usable:
                candidates[sheet] = best.weight
        if not candidates:
            listing = "; ".join(
                f"{sheet!r}: {', '.join(cols[:8])}" for sheet, cols in headers.items()
            )
            raise SelfRelianceError(
                f"{path}: none of the {len(headers)} sheets looks like a ticket export"
                f"{' for ' + adapter.name if adapter else ''}. Sheets found: {listing}. Put the ticket "
                "list on its own sheet with the column names in the first row, or choose --source."
            )
        return max(candidates, key=lambda s: candidates[s])

    return choose


# --------------------------------------------------------------------------------------
# Mapping a raw table onto the canonical columns
# --------------------------------------------------------------------------------------


def _locate(frame: pd.DataFrame, labels: tuple[str, ...]) -> str | None:
    by_key = {normalise_header(c): c for c in frame.columns}
    for label in labels:
        hit = by_key.get(normalise_header(label))
        if hit is not None:
            return hit
    return None


def _empty(index: pd.Index) -> pd.Series:
    return pd.Series(pd.NA, index=index, dtype="string")


def _map_values(values: pd.Series, mapping: Mapping[str, object]) -> pd.Series:
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    keys = pd.Series(uniques, dtype="str").map(normalise_header)
    mapped = keys.map(dict(mapping))
    return pd.Series(np.append(mapped.to_numpy(dtype=object), None)[codes], index=values.index)


def to_canonical(raw: pd.DataFrame, adapter: Adapter, *, path: str | Path = "") -> pd.DataFrame:
    """Map a raw export onto the canonical ticket table (dates parsed, numbers parsed).

    Raises
    ------
    SelfRelianceError
        When a required column is missing or neither a title nor a description column exists.
        The message names the file, what was expected and what was found.

    Examples
    --------
    >>> raw = pd.DataFrame({"Meldingnummer": ["M2501 0001"], "Aanmelddatum": ["03-01-2025 09:00"],
    ...                     "Korte omschrijving": ["Wachtwoord"], "Status": ["Tweedelijns"], "_source_row": [2]})
    >>> t = to_canonical(raw, TOPDESK)
    >>> t.loc[0, "ticket_id"], str(t.loc[0, "opened_at"]), t.loc[0, "line"]
    ('M2501 0001', '2025-01-03 09:00:00+01:00', np.float64(2.0))
    """
    if adapter.prepare is not None:
        raw = adapter.prepare(raw)
    columns: dict[str, pd.Series] = {}
    for canonical, labels in adapter.synonyms.items():
        source = _locate(raw, labels)
        if source is not None:
            columns[canonical] = raw[source]
    hours_after = {c: _locate(raw, labels) for c, labels in adapter.hours_after_opened.items()}
    hours_after = {c: s for c, s in hours_after.items() if s is not None}
    present = columns.keys() | hours_after.keys()
    missing = _missing_required(adapter, set(present))
    if missing:
        wanted = "; ".join(
            f"{m} (e.g. {', '.join(adapter.synonyms.get(m, (m,))[:3])})" for m in missing
        )
        header = raw.attrs.get("header") or [c for c in raw.columns if c != "_source_row"]
        found = ", ".join(str(c) for c in header)
        raise SelfRelianceError(
            f"{path}: required column(s) missing for a {adapter.name} export: {wanted}. "
            f"Found: {found}. Rename the column in the export, or choose another --source "
            "(or a column mapping, see README)."
        )
    index = raw.index
    out = pd.DataFrame(
        {name: columns.get(name, _empty(index)) for name in TICKET_COLUMNS}, index=index
    )
    extra = [
        c
        for c in (_locate(raw, (label,)) for label in adapter.extra.get("time_spent_minutes", ()))
        if c
    ]
    duration = {
        "hours": parse_hours_as_minutes,
        "seconds": lambda values: parse_number(values) / 60,
    }.get(adapter.time_spent_unit, parse_duration_minutes)
    if extra and "time_spent_minutes" not in columns:
        parts = pd.concat([duration(raw[c]) for c in extra], axis=1)
        out["time_spent_minutes"] = parts.sum(axis=1, min_count=1)
    else:
        out["time_spent_minutes"] = duration(out["time_spent_minutes"])
    for name in DATE_COLUMNS:
        out[name] = parse_datetime(
            out[name], dayfirst=adapter.dayfirst, formats=adapter.date_formats
        )
    for name, source in hours_after.items():
        offset = pd.to_timedelta(parse_hours_as_minutes(raw[source]), unit="min")
        out[name] = out[name].fillna(out["opened_at"] + offset)
    for name in ("on_hold_minutes", "awaiting_user_minutes"):
        out[name] = parse_duration_minutes(out[name])
    out["reopen_count"] = parse_number(out["reopen_count"])
    if adapter.line_values:
        out["line"] = pd.to_numeric(
            _map_values(out["line"], adapter.line_values), errors="coerce"
        ).astype("Float64")
    else:
        out["line"] = parse_number(out["line"]).where(lambda s: s.isin([1, 2])).astype("Float64")
    for name in STRING_COLUMNS:
        values = out[name].astype("string")
        if name in adapter.value_maps:
            values = _map_values(values, adapter.value_maps[name]).astype("string").fillna(values)
        out[name] = values
    if adapter.id_thousands:
        ids = out["ticket_id"]
        grouped = ids.str.fullmatch(r"\d{1,3}(?:[ \u00a0\u202f.]\d{3})+").fillna(False)
        out["ticket_id"] = ids.mask(grouped, ids.str.replace(r"[ \u00a0\u202f.]", "", regex=True))
    # Raw strings of the date columns are kept so quarantine can say what could not be parsed.
    for name in DATE_COLUMNS:
        out[f"_raw_{name}"] = columns[name].astype("string") if name in columns else _empty(index)
    out["_source_row"] = raw["_source_row"].to_numpy()
    out["_read_problem"] = _empty(index)
    out["source_system"] = adapter.name
    out.attrs = {"file_rows": int(raw.attrs.get("events", len(raw)))}
    return out.reset_index(drop=True)


def _bad_line_rows(bad_lines: list[tuple[int, str]], template: pd.DataFrame) -> pd.DataFrame:
    """Canonical rows standing for records the reader could not split (quarantined later)."""
    rows = template.iloc[:0].reindex(range(len(bad_lines)))
    rows["_source_row"] = [line for line, _ in bad_lines]
    rows["_read_problem"] = pd.Series([problem for _, problem in bad_lines], dtype="string")
    rows["source_system"] = template["source_system"].iloc[0] if len(template) else "unknown"
    return rows


def limit_text(
    tickets: pd.DataFrame, *, max_chars: int = MAX_TEXT_CHARS
) -> tuple[pd.DataFrame, int]:
    """Cut free text (title, description) to ``max_chars`` characters; return the count cut.

    Examples
    --------
    >>> t = pd.DataFrame({"title": ["kort", "x" * 10], "description": [None, "y"]})
    >>> out, n = limit_text(t, max_chars=5)
    >>> out["title"].tolist(), n
    (['kort', 'xxxxx'], 1)
    """
    out = tickets.copy()
    cut = 0
    for name in TEXT_COLUMNS:
        if name in out.columns:
            long = (out[name].str.len() > max_chars).fillna(False)
            if long.any():
                cut += int(long.sum())
                out[name] = out[name].mask(long, out[name].str.slice(0, max_chars))
    return out, cut


def _needed_columns(adapter: Adapter | None) -> Callable[[list[str]], list[str]]:
    """The header labels worth parsing: those some adapter (or the chosen one) knows."""

    def pick(header: list[str]) -> list[str]:
        chosen = adapter
        if chosen is None:
            best = score_header(header)[0]
            if not best.usable:
                return header  # keep everything, so the error can show what was found
            chosen = ADAPTERS[best.adapter]
        known = chosen.signature()
        return [label for label in header if normalise_header(label) in known]

    return pick


def read_tickets(path: str | Path, source: str = "auto") -> pd.DataFrame:
    """Read a ticket export into the canonical table.

    Parameters
    ----------
    path
        The export file (CSV or Excel; an Excel workbook with several sheets: the sheet whose
        header fits best).
    source
        ``auto`` (recognise by header), an adapter name (``generic``, ``topdesk``, ``glpi``,
        ``servicenow``) or the path of a YAML column mapping.

    Returns
    -------
    DataFrame
        The canonical table (validated lazily against ``CanonicalTickets``); ``attrs`` holds
        ``file_rows`` (rows in the file: events for an event log), ``text_truncated``,
        ``encoding``, ``separator`` or ``sheet``.
    """
    path = Path(path)
    adapter = resolve_adapter(source)
    options = dict(adapter.read_options) if adapter is not None else {}
    raw = read_table(
        path,
        sheet=options.get("sheet"),
        choose_sheet=_sheet_chooser(adapter, path),
        separator=options.get("separator"),
        encoding=options.get("encoding"),
        columns=_needed_columns(adapter),
    )
    bad_lines = raw.attrs.get("bad_lines", [])
    if raw.empty and not bad_lines:
        found = ", ".join(c for c in raw.columns if c != "_source_row")
        raise SelfRelianceError(
            f"{path}: the file has a header ({found}) but no rows. Export the ticket list again "
            "with the tickets of the period selected."
        )
    if adapter is None:
        adapter = ADAPTERS[detect_source(list(raw.columns), path=path)]
    canonical = to_canonical(raw, adapter, path=path)
    attrs = dict(canonical.attrs)
    if bad_lines:
        canonical = pd.concat([canonical, _bad_line_rows(bad_lines, canonical)], ignore_index=True)
        attrs["file_rows"] = attrs.get("file_rows", 0) + len(bad_lines)
    canonical, truncated = limit_text(canonical)
    canonical = validate(canonical, CanonicalTickets, where=str(path))
    canonical.attrs = {
        **attrs,
        "text_truncated": truncated,
        **{k: raw.attrs[k] for k in ("encoding", "separator", "sheet") if k in raw.attrs},
    }
    return canonical


def _require(frame: pd.DataFrame, required: tuple[str, ...], path: str | Path, what: str) -> None:
    missing = [c for c in required if c not in frame.columns]
    if missing:
        found = ", ".join(c for c in frame.columns if c != "_source_row")
        raise SelfRelianceError(
            f"{path}: the {what} file lacks required column(s) {', '.join(missing)}. Found: {found}. "
            "See README, input contract."
        )


def read_roster(path: str | Path) -> pd.DataFrame:
    """Read the HR roster (generic format) with typed columns.

    An optional ``login`` column (also ``username``, ``gebruikersnaam``, ``account``) lets
    tickets whose requester is a login (``DOMAIN\\\\jdoe`` or ``jdoe``) be linked.

    Raises
    ------
    SelfRelianceError
        When a required column is missing, the file has no rows, or a person occurs twice.
    """
    canonical = {normalise_header(c): c for c in ROSTER_COLUMNS}
    for name, labels in ROSTER_SYNONYMS.items():
        canonical.update({normalise_header(label): name for label in labels})
    raw = read_table(path)
    if raw.empty:
        raise SelfRelianceError(f"{path}: the roster has a header but no rows.")
    renamed: dict[str, str] = {}
    for column in raw.columns:
        target = canonical.get(normalise_header(column))
        if target and target not in renamed.values():
            renamed[column] = target
    raw = raw.rename(columns=renamed)
    _require(raw, REQUIRED_ROSTER_COLUMNS, path, "roster")
    out = pd.DataFrame(index=raw.index)
    for name in ROSTER_COLUMNS:
        out[name] = (
            raw[name] if name in raw.columns else pd.Series(pd.NA, index=raw.index, dtype="string")
        )
    for name in (
        "person_id",
        "email",
        "login",
        "name",
        "team",
        "department",
        "manager_id",
        "function_level",
        "site",
    ):
        out[name] = out[name].astype("string")
    out["function_level"] = out["function_level"].str.upper()
    for name in ("hire_date", "exit_date"):
        out[name] = parse_datetime(out[name]).dt.tz_localize(None).dt.normalize()
    out["fte"] = parse_number(out["fte"]).fillna(1.0)
    out["birth_year"] = parse_number(out["birth_year"]).astype("Int64")
    # average telework days a week (optional; hypothesis H2f)
    out["telework"] = parse_number(out["telework"]).astype("float64")
    out["_source_row"] = raw["_source_row"].to_numpy()
    duplicated = out["person_id"].duplicated(keep=False) & out["person_id"].notna()
    if duplicated.any():
        ids = ", ".join(out.loc[duplicated, "person_id"].unique()[:10])
        rows = ", ".join(map(str, out.loc[duplicated, "_source_row"].head(10)))
        raise SelfRelianceError(
            f"{path}: person_id must be unique; duplicated: {ids} (rows {rows}). Keep one row per "
            "person (the current team and function)."
        )
    return validate(out, Roster, where=str(path))


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
    for name in ("intervention_id", "name", "direction", "teams", "question_types"):
        out[name] = out[name].astype("string")
    for name in ("start_date", "end_date"):
        out[name] = parse_datetime(out[name]).dt.tz_localize(None).dt.normalize()
    out["cost_eur"] = parse_number(out["cost_eur"])
    out["teams"] = out["teams"].fillna("all").str.split("|").map(lambda ts: [t.strip() for t in ts])
    return out.reset_index(drop=True)
