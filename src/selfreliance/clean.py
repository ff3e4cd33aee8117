"""Clean the canonical tables: quarantine, de-duplicate, time, link, pseudonymise, scrub.

Each step is a pure function ``DataFrame -> DataFrame`` (inputs are never mutated). The
quarantine keeps, per unusable row, where it was (source row), which ticket, and why; never
the row's personal content.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import numpy as np
import pandas as pd

from selfreliance.ingest import DATE_COLUMNS, TICKET_COLUMNS
from selfreliance.privacy import neutralise_formula, pseudonymise, scrub_frame, scrub_text
from selfreliance.schemas import Quarantine, validate
from selfreliance.timecalc import OfficeCalendar, business_hours_between, calendar_hours_between

QUARANTINE_COLUMNS = ("source_row", "ticket_id", "reason", "detail")
SYSTEM_REQUESTER = re.compile(
    r"monitor|prtg|nagios|zabbix|noreply|no-reply|donotreply|alert|system|daemon|scheduler|backup",
    re.IGNORECASE,
)
FORMULA_SAFE_COLUMNS = (
    "ticket_id", "title", "description", "category", "subcategory", "channel", "ticket_type",
    "priority", "impact", "urgency", "operator_group", "status",
)  # fmt: skip
AGE_BANDS = (0, 30, 40, 50, 60, 200)
AGE_LABELS = ("<30", "30-39", "40-49", "50-59", "60+")


@dataclass(frozen=True)
class CleanResult:
    """Kept tickets, quarantined rows and the reconciliation of counts."""

    tickets: pd.DataFrame
    quarantine: pd.DataFrame
    counts: dict[str, int]


_DATE_LIKE = re.compile(r"^[0-9A-Za-z :/.\-+,]{1,40}$")


def _safe_detail(values: pd.Series) -> pd.Series:
    """What the quarantine may say about a raw cell: the value when it looks like a date or a
    number (short, digits and punctuation, scrubbed), else only its length. A name or a
    sentence that landed in a date column never reaches the quarantine file."""
    text = values.astype("string").fillna("(empty)")
    looks_safe = text.str.fullmatch(_DATE_LIKE).fillna(False) & text.str.contains(
        r"[0-9]", regex=True
    ).fillna(False)
    safe = neutralise_formula(scrub_text(text.where(looks_safe, "")))
    described = "not a date (" + text.str.len().astype("string") + " characters)"
    return safe.where(looks_safe, described).where(text.ne("(empty)"), "(empty)").astype("string")


def _safe_ticket_id(values: pd.Series) -> pd.Series:
    """Ticket numbers as they may appear in the quarantine: short, scrubbed, formula-safe."""
    text = values.astype("string")
    return neutralise_formula(scrub_text(text.str.slice(0, 40))).astype("string")


def _quarantine_rows(frame: pd.DataFrame, mask: pd.Series, reason: str, detail) -> pd.DataFrame:
    """Quarantine records for the rows in ``mask``; ``detail`` is a text or a function of the
    picked rows (evaluated on those rows only, so it stays cheap on big files)."""
    picked = frame.loc[mask]
    detail_values = detail(picked) if callable(detail) else detail
    return pd.DataFrame(
        {
            "source_row": picked["_source_row"].to_numpy(dtype="int64"),
            "ticket_id": _safe_ticket_id(picked["ticket_id"]).to_numpy(),
            "reason": reason,
            "detail": detail_values if isinstance(detail_values, str) else detail_values.to_numpy(),
        }
    )


def quarantine_tickets(tickets: pd.DataFrame, *, as_of: pd.Timestamp | None = None) -> CleanResult:
    """Split canonical tickets into usable rows and quarantined rows, merging exact duplicates.

    Rules, applied in this order (a row is quarantined for its first failing rule):
    ``malformed_line`` (the reader could not split the record into the header's columns),
    ``missing_id``, ``bad_opened_at`` (missing or unparseable), ``bad_date`` (another date
    present but unparseable), ``resolved_before_opened`` (resolved or closed before opened),
    ``future_date`` (any date after ``as_of``, default now), ``negative_duration`` (time
    spent or on-hold time below zero), then ``conflicting_duplicate`` (same id, different
    content: all its rows). Exact duplicate rows are merged into one and counted.

    The quarantine holds ``source_row``, ``ticket_id``, ``reason`` and ``detail`` only; a
    detail quotes a raw cell only when it looks like a date (see ``_safe_detail``), so no
    personal content is written.

    Returns
    -------
    CleanResult
        ``counts`` reconciles: ``rows_read == rows_kept + duplicates_merged + rows_quarantined``.
    """
    as_of = as_of if as_of is not None else pd.Timestamp.now(tz="Europe/Brussels")
    frame = tickets
    pending = pd.Series(True, index=frame.index)
    parts = []

    def take(mask: pd.Series, reason: str, detail) -> None:
        nonlocal pending
        hit = mask.fillna(False).astype(bool) & pending
        if hit.any():
            parts.append(_quarantine_rows(frame, hit, reason, detail))
        pending = pending & ~hit

    if "_read_problem" in frame.columns:
        take(
            frame["_read_problem"].notna(),
            "malformed_line",
            lambda rows: rows["_read_problem"].astype("string").str.slice(0, 80),
        )
    take(frame["ticket_id"].isna(), "missing_id", "no ticket number")
    take(
        frame["opened_at"].isna(),
        "bad_opened_at",
        lambda rows: _safe_detail(rows["_raw_opened_at"]),
    )
    for column in DATE_COLUMNS[1:]:
        raw = frame[f"_raw_{column}"]
        take(
            raw.notna() & frame[column].isna(),
            "bad_date",
            lambda rows, c=column: c + ": " + _safe_detail(rows[f"_raw_{c}"]),
        )
    for column in ("resolved_at", "closed_at"):
        take(
            frame[column] < frame["opened_at"],
            "resolved_before_opened",
            column + " before opened_at",
        )
    future = pd.concat([frame[c] > as_of for c in DATE_COLUMNS], axis=1).any(axis=1)
    take(future, "future_date", f"a date after {as_of:%Y-%m-%d %H:%M}")
    for column in ("time_spent_minutes", "on_hold_minutes", "awaiting_user_minutes"):
        if column in frame.columns:
            take(frame[column] < 0, "negative_duration", f"{column} below zero")

    candidates = frame.loc[pending]
    content = [c for c in TICKET_COLUMNS if c in candidates.columns]
    exact_dup = candidates.duplicated(subset=content, keep="first")
    duplicates_merged = int(exact_dup.sum())
    unique_rows = candidates.loc[~exact_dup]
    conflicting = unique_rows["ticket_id"].duplicated(keep=False)
    if conflicting.any():
        parts.append(
            _quarantine_rows(
                unique_rows,
                conflicting,
                "conflicting_duplicate",
                "same ticket number with different content",
            )
        )
    drop = [f"_raw_{c}" for c in DATE_COLUMNS] + [
        c for c in ("_read_problem",) if c in unique_rows.columns
    ]
    kept = unique_rows.loc[~conflicting].drop(columns=drop)
    quarantine = (
        pd.concat(parts, ignore_index=True)
        if parts
        else pd.DataFrame({c: pd.Series(dtype="object") for c in QUARANTINE_COLUMNS})
    )
    quarantine = quarantine.astype(
        {"source_row": "int64", "ticket_id": "string", "reason": "string", "detail": "string"}
    ).sort_values("source_row", kind="stable", ignore_index=True)
    quarantine = validate(quarantine, Quarantine, where="quarantine")
    counts = {
        "rows_read": len(frame),
        "rows_kept": len(kept),
        "duplicates_merged": duplicates_merged,
        "rows_quarantined": len(quarantine),
    }
    if counts["rows_read"] != counts["rows_kept"] + duplicates_merged + counts["rows_quarantined"]:
        raise AssertionError(f"ticket counts do not reconcile: {counts}")
    return CleanResult(kept.reset_index(drop=True), quarantine, counts)


def add_waiting_times(tickets: pd.DataFrame, calendar: OfficeCalendar) -> pd.DataFrame:
    """Add waiting times in calendar hours and in office hours.

    ``response_*`` runs from opened to first response, ``resolution_*`` from opened to resolved
    (closed when resolved is missing). On-hold time, where the export has it (TOPdesk *Duur on
    hold*, ServiceNow ``Awaiting ...`` states), is subtracted from both resolution measures
    (floored at zero): waiting on the user or a supplier is not IT time. Exports give on-hold
    time as a duration, not as intervals, so the office-hours measure subtracts it in full: a
    conservative (short) estimate when the wait fell partly outside office hours.
    ``on_hold_hours`` and ``awaiting_user_hours`` (waiting on the requester only, where the
    export tells it apart) are kept; ``is_reopened`` marks tickets reopened at least once.

    Examples
    --------
    >>> from selfreliance.timecalc import OfficeCalendar
    >>> t = pd.DataFrame({"opened_at": pd.to_datetime(["2025-03-03 09:00"]).tz_localize("Europe/Brussels"),
    ...                   "first_response_at": pd.to_datetime(["2025-03-03 10:00"]).tz_localize("Europe/Brussels"),
    ...                   "resolved_at": pd.to_datetime(["2025-03-03 15:00"]).tz_localize("Europe/Brussels"),
    ...                   "closed_at": pd.NaT, "on_hold_minutes": [120.0], "reopen_count": [1.0]})
    >>> out = add_waiting_times(t, OfficeCalendar.from_yaml())
    >>> out[["response_hours", "resolution_hours", "resolution_business_hours", "is_reopened"]].values.tolist()
    [[1.0, 4.0, 4.0, True]]
    """
    out = tickets.copy()
    done = out["resolved_at"].fillna(out["closed_at"])
    on_hold = (out["on_hold_minutes"].fillna(0) / 60).to_numpy()
    out["response_hours"] = calendar_hours_between(out["opened_at"], out["first_response_at"])
    out["response_business_hours"] = business_hours_between(
        out["opened_at"], out["first_response_at"], calendar
    )
    out["resolution_hours"] = (calendar_hours_between(out["opened_at"], done) - on_hold).clip(
        lower=0
    )
    out["resolution_business_hours"] = (
        business_hours_between(out["opened_at"], done, calendar) - on_hold
    ).clip(lower=0)
    out["on_hold_hours"] = out["on_hold_minutes"].astype("float64") / 60
    if "awaiting_user_minutes" in out.columns:
        out["awaiting_user_hours"] = out["awaiting_user_minutes"].astype("float64") / 60
    out["is_resolved"] = done.notna()
    out["is_reopened"] = out["reopen_count"].fillna(0) > 0
    return out


def _per_unique(values: pd.Series, transform) -> pd.Series:
    """Apply a Series -> Series transform to the distinct values only (names repeat a lot)."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    done = transform(pd.Series(uniques, dtype="string")).to_numpy(dtype=object, na_value=None)
    out = np.append(done, None)[codes]
    return pd.Series(out, index=values.index, dtype="string")


def _name_key(names: pd.Series) -> pd.Series:
    """Comparable form of a person's name: 'De Smet, An' and 'an de smet' give the same key.

    Examples
    --------
    >>> _name_key(pd.Series(["De Smet, An", " an  de smet", "Françoise Dubois", None])).tolist()
    ['an de smet', 'an de smet', 'francoise dubois', <NA>]
    """

    def key(text: pd.Series) -> pd.Series:
        swapped = text.str.replace(r"^\s*([^,]+),\s*(.+)$", r"\2 \1", regex=True)
        ascii_ = swapped.map(
            lambda s: unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode(),
            na_action="ignore",
        )
        return (
            ascii_.str.casefold().str.replace(r"[^a-z ]", "", regex=True).str.split().str.join(" ")
        )

    return _per_unique(names, key)


def _login_key(values: pd.Series) -> pd.Series:
    """Comparable login: ``LINDEVOORDE\\ADesmet`` and ``adesmet`` give ``adesmet``; values
    with spaces or an ``@`` are not logins (NA).

    Examples
    --------
    >>> _login_key(pd.Series(["GEMEENTE\\\\ADeSmet", "adesmet", "An De Smet", "a@b.be", None])).tolist()
    ['adesmet', 'adesmet', <NA>, <NA>, <NA>]
    """

    def key(text: pd.Series) -> pd.Series:
        login = text.str.strip().str.rsplit("\\", n=1).str[-1].str.casefold()
        return login.where(login.str.fullmatch(r"[a-z0-9._\-]{2,64}").fillna(False))

    return _per_unique(values, key)


def _lookup(keys: pd.Series, *, unique_only: bool) -> pd.Series:
    """key -> person_id; with ``unique_only`` a key shared by two people links nobody."""
    table = pd.DataFrame({"key": keys.to_numpy(), "person_id": keys.index}).dropna(subset=["key"])
    table = table.drop_duplicates("key", keep=False if unique_only else "first")
    return table.set_index("key")["person_id"]


def _organisation_domains(roster: pd.DataFrame) -> set[str]:
    domains = roster["email"].dropna().str.rsplit("@", n=1).str[-1].str.casefold()
    return set(domains.unique())


def link_requesters(tickets: pd.DataFrame, roster: pd.DataFrame | None) -> pd.DataFrame:
    """Attach each ticket to a roster person by e-mail, else login, else name.

    Matching, in this order: the requester e-mail address (case-insensitive); a login
    (``requester_login``, or a requester value shaped like ``DOMAIN\\login`` or a bare login)
    against the roster's optional ``login`` column; the name ("De Smet, An" = "An De Smet",
    accents and case ignored). A login or name shared by two roster people links nobody.

    Adds ``person_id`` (NA when not matched), ``matched_by`` (email, login, name),
    ``requester_kind`` (``staff``: employed when the ticket was opened; ``ex_staff``: matched
    but outside employment; ``system``: monitoring or no-reply senders; ``unknown``: everyone
    else, e.g. suppliers (an e-mail outside the organisation's domains), council members;
    ``unlinked`` when no roster is given), ``requester_external`` (an e-mail domain the
    roster does not use) and the roster's team and department. Only ``staff`` tickets enter
    per-person analysis; all tickets count for IT workload.
    """
    out = tickets.copy()
    requester_login = (
        out["requester_login"]
        if "requester_login" in out.columns
        else pd.Series(pd.NA, index=out.index, dtype="string")
    )
    if roster is None:
        out["person_id"] = pd.Series(pd.NA, index=out.index, dtype="string")
        out["matched_by"] = pd.Series(pd.NA, index=out.index, dtype="string")
        out["requester_kind"] = "unlinked"
        out["requester_external"] = False
        out["team"] = pd.Series(pd.NA, index=out.index, dtype="string")
        out["department"] = pd.Series(pd.NA, index=out.index, dtype="string")
        return out
    people = roster.set_index("person_id")
    by_email = _lookup(people["email"].str.strip().str.casefold(), unique_only=False)
    email_hit = out["requester_email"].str.strip().str.casefold().map(by_email)
    if "login" in people.columns and people["login"].notna().any():
        by_login = _lookup(_login_key(people["login"]), unique_only=True)
        login_hit = _login_key(requester_login).map(by_login)
        login_hit = login_hit.combine_first(_login_key(out["requester_name"]).map(by_login))
    else:
        login_hit = pd.Series(pd.NA, index=out.index, dtype="string")
    by_name = _lookup(_name_key(people["name"]), unique_only=True)
    name_hit = _name_key(out["requester_name"]).map(by_name)
    out["person_id"] = email_hit.combine_first(login_hit).combine_first(name_hit).astype("string")
    out["matched_by"] = pd.Series(
        np.select(
            [
                email_hit.notna().to_numpy(),
                login_hit.notna().to_numpy(),
                name_hit.notna().to_numpy(),
            ],
            ["email", "login", "name"],
            default=None,
        ),
        index=out.index,
        dtype="string",
    )
    info = people[["team", "department", "hire_date", "exit_date"]]
    joined = info.reindex(out["person_id"].to_numpy())
    opened_day = out["opened_at"].dt.tz_localize(None).dt.normalize().to_numpy()
    employed = (joined["hire_date"].to_numpy() <= opened_day) & (
        joined["exit_date"].isna().to_numpy() | (opened_day <= joined["exit_date"].to_numpy())
    )
    matched = out["person_id"].notna().to_numpy()
    who = (
        out["requester_name"].fillna("")
        + " "
        + out["requester_email"].fillna("")
        + " "
        + requester_login.fillna("")
    )
    system = (
        _per_unique(who, lambda w: w.str.contains(SYSTEM_REQUESTER).astype("string"))
        .eq("True")
        .to_numpy()
    )
    domain = out["requester_email"].str.rsplit("@", n=1).str[-1].str.casefold()
    out["requester_external"] = (
        domain.notna() & ~domain.isin(_organisation_domains(roster))
    ).to_numpy() & ~matched
    out["requester_kind"] = np.select(
        [matched & employed, matched, system], ["staff", "ex_staff", "system"], default="unknown"
    )
    out["team"] = joined["team"].astype("string").to_numpy()
    out["department"] = joined["department"].astype("string").to_numpy()
    return out


def match_report(tickets: pd.DataFrame) -> pd.DataFrame:
    """Tidy count per requester kind and match route: requester_kind, matched_by, n (tickets),
    share (of tickets), requesters (distinct requesters, by e-mail, login or name).

    Needs the identifying columns, so it runs before :func:`protect_tickets`; only counts
    leave it.
    """
    identity = tickets["requester_email"].str.casefold()
    if "requester_login" in tickets.columns:
        identity = identity.fillna(tickets["requester_login"].str.casefold())
    identity = identity.fillna(tickets["requester_name"].str.casefold())
    frame = tickets.assign(matched_by=tickets["matched_by"].fillna("-"), _identity=identity)
    table = (
        frame.groupby(["requester_kind", "matched_by"], observed=True)
        .agg(n=("ticket_id", "size"), requesters=("_identity", "nunique"))
        .reset_index()
    )
    table["share"] = table["n"] / table["n"].sum()
    return table[["requester_kind", "matched_by", "n", "share", "requesters"]]


def link_summary(tickets: pd.DataFrame) -> dict:
    """Headline figures of the linking step (counts only): tickets per kind, share matched,
    tickets left out of per-person analysis (system, ex-staff, unknown), external senders."""
    kinds = tickets["requester_kind"].value_counts()
    n = len(tickets)
    matched = int(tickets["person_id"].notna().sum()) if "person_id" in tickets.columns else 0
    return {
        "tickets": n,
        "share_matched": matched / n if n else None,
        "by_kind": {str(k): int(v) for k, v in kinds.items()},
        "excluded_from_person_analysis": int(n - kinds.get("staff", 0))
        if "unlinked" not in kinds
        else None,
        "external_senders": int(tickets.get("requester_external", pd.Series(dtype=bool)).sum()),
    }


def age_band(birth_year: pd.Series, reference_year: int) -> pd.Series:
    """Age band at ``reference_year``: <30, 30-39, 40-49, 50-59, 60+ (NA when unknown).

    Examples
    --------
    >>> age_band(pd.Series([1990, 1960, None], dtype="Int64"), 2026).tolist()
    ['30-39', '60+', <NA>]
    """
    age = (reference_year - birth_year.astype("Float64")).astype("float64")
    return pd.cut(age, bins=AGE_BANDS, right=False, labels=AGE_LABELS).astype("string")


def pseudonymise_people(roster: pd.DataFrame, key: bytes, *, reference_year: int) -> pd.DataFrame:
    """The people table without direct identifiers: keys instead of ids, age band instead of birth year."""
    managers = set(roster["manager_id"].dropna())
    return pd.DataFrame(
        {
            "person_key": pseudonymise(roster["person_id"], key),
            "team": roster["team"],
            "department": roster["department"],
            "manager_key": pseudonymise(roster["manager_id"], key),
            "function_level": roster["function_level"],
            "hire_date": roster["hire_date"],
            "exit_date": roster["exit_date"],
            "fte": roster["fte"].astype("float64"),
            "age_band": age_band(roster["birth_year"], reference_year),
            "site": roster["site"],
            "is_manager": roster["person_id"].isin(managers).to_numpy(),
            "telework": (
                roster["telework"].astype("float64")
                if "telework" in roster.columns
                else pd.Series(np.nan, index=roster.index)
            ),
        }
    )


def protect_tickets(
    tickets: pd.DataFrame, key: bytes, *, names: list[str]
) -> tuple[pd.DataFrame, dict]:
    """Replace the requester by a keyed pseudonym and scrub free text; drop direct identifiers.

    Text columns that may later be exported to a spreadsheet (title, description, category
    ...) are made formula-safe (:func:`selfreliance.privacy.neutralise_formula`: a leading
    ``=``, ``+``, ``-`` or ``@`` gets a ``'``). Returns the protected tickets and the counts
    of scrubbed items per kind.
    """
    out = tickets.copy()
    out["requester_key"] = pseudonymise(out["person_id"], key)
    out, counts = scrub_frame(out, ["title", "description"], names=names)
    identifiers = ["person_id", "requester_email", "requester_name", "requester_login"]
    out = out.drop(columns=[c for c in identifiers if c in out.columns])
    for column in FORMULA_SAFE_COLUMNS:
        if column in out.columns:
            out[column] = _per_unique(out[column], neutralise_formula)
    return out, counts
