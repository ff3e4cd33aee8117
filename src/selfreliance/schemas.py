"""Pandera schemas at the stage boundaries, validated lazily (every failure at once)."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from selfreliance.errors import SelfRelianceError

_TZ = pd.DatetimeTZDtype(tz="Europe/Brussels")

_DATES = ("opened_at", "first_response_at", "resolved_at", "closed_at")
_CANONICAL_STRINGS = (
    "ticket_id", "requester_email", "requester_name", "requester_login", "channel", "category",
    "subcategory", "ticket_type", "title", "description", "priority", "impact", "urgency",
    "operator_group", "status", "_read_problem",
)  # fmt: skip

#: The canonical ticket table right after an adapter: types only. Row-level problems (no id,
#: bad dates, negative durations) are not schema errors: they go to the quarantine.
CanonicalTickets = pa.DataFrameSchema(
    {
        **{name: pa.Column("string", nullable=True) for name in _CANONICAL_STRINGS},
        **{name: pa.Column(_TZ, nullable=True) for name in _DATES},
        **{
            name: pa.Column(float, nullable=True)
            for name in (
                "time_spent_minutes",
                "reopen_count",
                "on_hold_minutes",
                "awaiting_user_minutes",
            )
        },
        "line": pa.Column("Float64", nullable=True, checks=pa.Check.isin([1, 2])),
        "_source_row": pa.Column("int64"),
        "source_system": pa.Column(str),
    },
    strict=False,
    name="CanonicalTickets",
)

#: The roster after reading (before pseudonymisation).
Roster = pa.DataFrameSchema(
    {
        "person_id": pa.Column("string", nullable=False, unique=True),
        "team": pa.Column("string", nullable=False),
        "hire_date": pa.Column("datetime64[ns]", nullable=False),
        "exit_date": pa.Column("datetime64[ns]", nullable=True),
        "fte": pa.Column(float, checks=pa.Check.in_range(0, 1.5)),
        "function_level": pa.Column("string", nullable=True, checks=pa.Check.isin(list("ABCDE"))),
    },
    strict=False,
    name="Roster",
)

#: The quarantine file: where, which ticket, why; nothing else (no personal content).
Quarantine = pa.DataFrameSchema(
    {
        "source_row": pa.Column("int64"),
        "ticket_id": pa.Column("string", nullable=True),
        "reason": pa.Column(
            "string",
            checks=pa.Check.isin(
                [
                    "malformed_line",
                    "missing_id",
                    "bad_opened_at",
                    "bad_date",
                    "resolved_before_opened",
                    "future_date",
                    "negative_duration",
                    "conflicting_duplicate",
                ]
            ),
        ),
        "detail": pa.Column("string", nullable=True),
    },
    strict=True,
    name="Quarantine",
)

CleanTickets = pa.DataFrameSchema(
    {
        "ticket_id": pa.Column("string", unique=True, nullable=False),
        "opened_at": pa.Column(_TZ, nullable=False),
        "first_response_at": pa.Column(_TZ, nullable=True),
        "resolved_at": pa.Column(_TZ, nullable=True),
        "closed_at": pa.Column(_TZ, nullable=True),
        "requester_key": pa.Column(
            "string", nullable=True, checks=pa.Check.str_matches(r"^p_[0-9a-f]{16}$")
        ),
        "requester_kind": pa.Column(
            str, checks=pa.Check.isin(["staff", "ex_staff", "system", "unknown", "unlinked"])
        ),
        "line": pa.Column("Float64", nullable=True, checks=pa.Check.isin([1, 2])),
        "time_spent_minutes": pa.Column(float, nullable=True, checks=pa.Check.ge(0)),
        "response_hours": pa.Column(float, nullable=True, checks=pa.Check.ge(0)),
        "resolution_hours": pa.Column(float, nullable=True, checks=pa.Check.ge(0)),
        "resolution_business_hours": pa.Column(float, nullable=True, checks=pa.Check.ge(0)),
        "question_type": pa.Column("string", nullable=False),
        "self_solvability": pa.Column("string", checks=pa.Check.isin(["self", "partly", "it"])),
        "confidence": pa.Column(float, checks=pa.Check.in_range(0, 1)),
        "codebook_version": pa.Column(str),
    },
    checks=pa.Check(
        lambda df: ~(df["resolved_at"] < df["opened_at"]).fillna(False),
        error="resolved before opened",
    ),
    strict=False,
    name="CleanTickets",
)

People = pa.DataFrameSchema(
    {
        "person_key": pa.Column(
            "string", unique=True, nullable=False, checks=pa.Check.str_matches(r"^p_[0-9a-f]{16}$")
        ),
        "team": pa.Column("string", nullable=False),
        "department": pa.Column("string", nullable=True),
        "manager_key": pa.Column("string", nullable=True),
        "function_level": pa.Column("string", nullable=True, checks=pa.Check.isin(list("ABCDE"))),
        "hire_date": pa.Column("datetime64[ns]", nullable=False),
        "exit_date": pa.Column("datetime64[ns]", nullable=True),
        "fte": pa.Column(float, checks=pa.Check.in_range(0, 1.5)),
        "age_band": pa.Column("string", nullable=True),
        "is_manager": pa.Column(bool),
    },
    checks=pa.Check(
        lambda df: ~(df["exit_date"] < df["hire_date"]).fillna(False), error="exit before hire"
    ),
    strict=False,
    name="People",
)


def validate(frame: pd.DataFrame, schema: pa.DataFrameSchema, *, where: str) -> pd.DataFrame:
    """Validate lazily; raise one readable error listing every failing column and check."""
    try:
        return schema.validate(frame, lazy=True)
    except SchemaErrors as exc:
        cases = exc.failure_cases
        lines = (
            cases.groupby(["column", "check"], dropna=False)["failure_case"]
            .agg(lambda s: ", ".join(map(str, s.head(5))) + (" ..." if len(s) > 5 else ""))
            .reset_index()
        )
        detail = "; ".join(
            f"{r.column}: {r.check} (e.g. {r.failure_case})" for r in lines.itertuples()
        )
        raise SelfRelianceError(
            f"{where}: data do not meet the {schema.name} schema: {detail}"
        ) from exc
