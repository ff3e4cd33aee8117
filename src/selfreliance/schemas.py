"""Pandera schemas at the stage boundaries, validated lazily (every failure at once)."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from selfreliance.errors import SelfRelianceError

_TZ = pd.DatetimeTZDtype(tz="Europe/Brussels")

CleanTickets = pa.DataFrameSchema(
    {
        "ticket_id": pa.Column("string", unique=True, nullable=False),
        "opened_at": pa.Column(_TZ, nullable=False),
        "first_response_at": pa.Column(_TZ, nullable=True),
        "resolved_at": pa.Column(_TZ, nullable=True),
        "closed_at": pa.Column(_TZ, nullable=True),
        "requester_key": pa.Column("string", nullable=True, checks=pa.Check.str_matches(r"^p_[0-9a-f]{16}$")),
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
        "person_key": pa.Column("string", unique=True, nullable=False, checks=pa.Check.str_matches(r"^p_[0-9a-f]{16}$")),
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
    checks=pa.Check(lambda df: ~(df["exit_date"] < df["hire_date"]).fillna(False), error="exit before hire"),
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
        detail = "; ".join(f"{r.column}: {r.check} (e.g. {r.failure_case})" for r in lines.itertuples())
        raise SelfRelianceError(f"{where}: data do not meet the {schema.name} schema: {detail}") from exc
