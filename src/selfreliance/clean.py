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
from selfreliance.privacy import pseudonymise, scrub_frame
from selfreliance.timecalc import OfficeCalendar, business_hours_between, calendar_hours_between

QUARANTINE_COLUMNS = ("source_row", "ticket_id", "reason", "detail")
SYSTEM_REQUESTER = re.compile(
    r"monitor|prtg|nagios|zabbix|noreply|no-reply|donotreply|alert|system|daemon|scheduler|backup",
    re.IGNORECASE,
)
AGE_BANDS = (0, 30, 40, 50, 60, 200)
AGE_LABELS = ("<30", "30-39", "40-49", "50-59", "60+")


@dataclass(frozen=True)
class CleanResult:
    """Kept tickets, quarantined rows and the reconciliation of counts."""

    tickets: pd.DataFrame
    quarantine: pd.DataFrame
    counts: dict[str, int]


def _quarantine_rows(frame: pd.DataFrame, mask: pd.Series, reason: str, detail: pd.Series | str) -> pd.DataFrame:
    picked = frame.loc[mask]
    detail_values = detail.loc[mask] if isinstance(detail, pd.Series) else detail
    return pd.DataFrame(
        {
            "source_row": picked["_source_row"].to_numpy(),
            "ticket_id": picked["ticket_id"].to_numpy(),
            "reason": reason,
            "detail": detail_values if isinstance(detail_values, str) else detail_values.to_numpy(),
        }
    )


def quarantine_tickets(tickets: pd.DataFrame, *, as_of: pd.Timestamp | None = None) -> CleanResult:
    """Split canonical tickets into usable rows and quarantined rows, merging exact duplicates.

    Rules, applied in this order (a row is quarantined for its first failing rule):
    ``missing_id``, ``bad_opened_at`` (missing or unparseable), ``bad_date`` (another date
    present but unparseable), ``resolved_before_opened``, ``future_date`` (after ``as_of``,
    default now), then ``conflicting_duplicate`` (same id, different content: all its rows).
    Exact duplicate rows are merged into one and counted.

    Returns
    -------
    CleanResult
        ``counts`` reconciles: ``rows_read == rows_kept + duplicates_merged + rows_quarantined``.
    """
    as_of = as_of if as_of is not None else pd.Timestamp.now(tz="Europe/Brussels")
    frame = tickets.copy()
    pending = pd.Series(True, index=frame.index)
    parts = []

    def take(mask: pd.Series, reason: str, detail: pd.Series | str) -> None:
        nonlocal pending
        hit = mask.fillna(False) & pending
        if hit.any():
            parts.append(_quarantine_rows(frame, hit, reason, detail))
        pending = pending & ~hit

    take(frame["ticket_id"].isna(), "missing_id", "no ticket number")
    take(frame["opened_at"].isna(), "bad_opened_at", frame["_raw_opened_at"].fillna("(empty)").astype(str))
    for column in DATE_COLUMNS[1:]:
        raw = frame[f"_raw_{column}"]
        take(raw.notna() & frame[column].isna(), "bad_date", column + ": " + raw.fillna("").astype(str))
    for column in ("resolved_at", "closed_at"):
        take(frame[column] < frame["opened_at"], "resolved_before_opened",
             column + " before opened_at")
    future = pd.concat([frame[c] > as_of for c in DATE_COLUMNS], axis=1).any(axis=1)
    take(future, "future_date", f"a date after {as_of:%Y-%m-%d %H:%M}")

    candidates = frame.loc[pending]
    content = [c for c in TICKET_COLUMNS if c in candidates.columns]
    exact_dup = candidates.duplicated(subset=content, keep="first")
    duplicates_merged = int(exact_dup.sum())
    unique_rows = candidates.loc[~exact_dup]
    conflicting = unique_rows["ticket_id"].duplicated(keep=False)
    if conflicting.any():
        parts.append(
            _quarantine_rows(unique_rows, conflicting, "conflicting_duplicate",
                             "same ticket number with different content")
        )
    kept = unique_rows.loc[~conflicting].drop(columns=[f"_raw_{c}" for c in DATE_COLUMNS])
    quarantine = (
        pd.concat(parts, ignore_index=True)
        if parts
        else pd.DataFrame({c: pd.Series(dtype="object") for c in QUARANTINE_COLUMNS})
    )
    quarantine = quarantine.astype({"ticket_id": "string", "reason": "string", "detail": "string"})
    counts = {
        "rows_read": len(frame),
        "rows_kept": len(kept),
        "duplicates_merged": duplicates_merged,
        "rows_quarantined": len(quarantine),
    }
    assert counts["rows_read"] == counts["rows_kept"] + duplicates_merged + counts["rows_quarantined"]
    return CleanResult(kept.reset_index(drop=True), quarantine, counts)


def add_waiting_times(tickets: pd.DataFrame, calendar: OfficeCalendar) -> pd.DataFrame:
    """Add waiting times in calendar hours and in office hours.

    ``response_*`` runs from opened to first response, ``resolution_*`` from opened to resolved
    (closed when resolved is missing). On-hold time, where the export has it, is subtracted
    from both resolution measures (floored at zero): waiting on the user is not IT time.
    """
    out = tickets.copy()
    done = out["resolved_at"].fillna(out["closed_at"])
    on_hold = (out["on_hold_minutes"].fillna(0) / 60).to_numpy()
    out["response_hours"] = calendar_hours_between(out["opened_at"], out["first_response_at"])
    out["response_business_hours"] = business_hours_between(out["opened_at"], out["first_response_at"], calendar)
    out["resolution_hours"] = (calendar_hours_between(out["opened_at"], done) - on_hold).clip(lower=0)
    out["resolution_business_hours"] = (
        business_hours_between(out["opened_at"], done, calendar) - on_hold
    ).clip(lower=0)
    out["is_resolved"] = done.notna()
    out["is_reopened"] = out["reopen_count"].fillna(0) > 0
    return out


def _name_key(names: pd.Series) -> pd.Series:
    """Comparable form of a person's name: 'De Smet, An' and 'an de smet' give the same key."""
    text = names.astype("string")
    swapped = text.str.replace(r"^\s*([^,]+),\s*(.+)$", r"\2 \1", regex=True)
    ascii_ = swapped.map(
        lambda s: unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode(), na_action="ignore"
    )
    return ascii_.str.casefold().str.replace(r"[^a-z ]", "", regex=True).str.split().str.join(" ")


def link_requesters(tickets: pd.DataFrame, roster: pd.DataFrame | None) -> pd.DataFrame:
    """Attach each ticket to a roster person by e-mail, else by name.

    Adds ``person_id`` (NA when not matched), ``requester_kind`` (``staff``: employed when the
    ticket was opened; ``ex_staff``: matched but outside employment; ``system``: monitoring
    or no-reply senders; ``unknown``: everyone else, e.g. suppliers, council members;
    ``unlinked`` when no roster is given), ``matched_by`` and roster attributes team, department.
    """
    out = tickets.copy()
    if roster is None:
        out["person_id"] = pd.Series(pd.NA, index=out.index, dtype="string")
        out["matched_by"] = pd.Series(pd.NA, index=out.index, dtype="string")
        out["requester_kind"] = "unlinked"
        out["team"] = pd.Series(pd.NA, index=out.index, dtype="string")
        out["department"] = pd.Series(pd.NA, index=out.index, dtype="string")
        return out
    by_email = (
        roster.dropna(subset=["email"]).assign(key=lambda r: r["email"].str.strip().str.casefold())
        .drop_duplicates("key").set_index("key")["person_id"]
    )
    by_name = (
        roster.dropna(subset=["name"]).assign(key=lambda r: _name_key(r["name"]))
        .drop_duplicates("key", keep=False).set_index("key")["person_id"]
    )
    email_hit = out["requester_email"].str.strip().str.casefold().map(by_email)
    name_hit = _name_key(out["requester_name"]).map(by_name)
    out["person_id"] = email_hit.combine_first(name_hit).astype("string")
    out["matched_by"] = np.select(
        [email_hit.notna().to_numpy(), name_hit.notna().to_numpy()], ["email", "name"], default=None
    )
    out["matched_by"] = out["matched_by"].astype("string")
    info = roster.set_index("person_id")[["team", "department", "hire_date", "exit_date"]]
    joined = info.reindex(out["person_id"].to_numpy())
    opened_day = out["opened_at"].dt.tz_localize(None).dt.normalize().to_numpy()
    employed = (joined["hire_date"].to_numpy() <= opened_day) & (
        joined["exit_date"].isna().to_numpy() | (opened_day <= joined["exit_date"].to_numpy())
    )
    matched = out["person_id"].notna().to_numpy()
    who = out["requester_name"].fillna("") + " " + out["requester_email"].fillna("")
    system = who.str.contains(SYSTEM_REQUESTER).to_numpy()
    out["requester_kind"] = np.select(
        [matched & employed, matched, system], ["staff", "ex_staff", "system"], default="unknown"
    )
    out["team"] = joined["team"].astype("string").to_numpy()
    out["department"] = joined["department"].astype("string").to_numpy()
    return out


def match_report(tickets: pd.DataFrame) -> pd.DataFrame:
    """Tidy count of tickets per requester kind and match route: kind, matched_by, n, share."""
    table = (
        tickets.assign(matched_by=tickets["matched_by"].fillna("-"))
        .groupby(["requester_kind", "matched_by"], observed=True).size().rename("n").reset_index()
    )
    table["share"] = table["n"] / table["n"].sum()
    return table


def age_band(birth_year: pd.Series, reference_year: int) -> pd.Series:
    """Age band at ``reference_year``: <30, 30-39, 40-49, 50-59, 60+ (NA when unknown).

    Examples
    --------
    >>> age_band(pd.Series([1990, 1960, None], dtype="Int64"), 2026).tolist()
    ['30-39', '60+', nan]
    """
    age = (reference_year - birth_year.astype("Float64")).astype("float64")
    return pd.cut(age, bins=AGE_BANDS, right=False, labels=AGE_LABELS).astype("string").astype(object).where(age.notna(), np.nan)


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
            "age_band": age_band(roster["birth_year"], reference_year).astype("string"),
            "site": roster["site"],
            "is_manager": roster["person_id"].isin(managers).to_numpy(),
        }
    )


def protect_tickets(tickets: pd.DataFrame, key: bytes, *, names: list[str]) -> tuple[pd.DataFrame, dict]:
    """Replace the requester by a keyed pseudonym and scrub free text; drop direct identifiers.

    Returns the protected tickets and the counts of scrubbed items per kind.
    """
    out = tickets.copy()
    out["requester_key"] = pseudonymise(out["person_id"], key)
    out, counts = scrub_frame(out, ["title", "description"], names=names)
    out = out.drop(columns=["person_id", "requester_email", "requester_name"])
    return out, counts
