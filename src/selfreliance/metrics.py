"""Diagnose: volume, question types, self-solvable share, waiting times, IT load and cost.

Every function takes the processed ticket table (and where needed the people table or the
cost model) and returns a tidy DataFrame with documented columns.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import yaml
from sklearn.metrics import accuracy_score, cohen_kappa_score, f1_score

from selfreliance.categorise import Codebook
from selfreliance.config import resource_path
from selfreliance.errors import SelfRelianceError

DAYS_PER_MONTH = 30.4375


def load_costs(path: str | Path | None = None) -> dict:
    """The cost model (euros, hours, uptake scenarios); default the shipped ``costs.yml``."""
    path = Path(path) if path else resource_path("costs.yml")
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise SelfRelianceError(f"{path}: cannot read the cost model ({exc}).") from exc


def in_period(tickets: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    """Tickets opened from ``start`` up to and including the day ``end``."""
    day = tickets["opened_at"].dt.tz_localize(None)
    return tickets.loc[(day >= start) & (day < end + pd.Timedelta(days=1))]


def fte_months(people: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp) -> pd.Series:
    """Exposure per person: FTE x months employed within [start, end] (both inclusive days).

    Examples
    --------
    >>> p = pd.DataFrame({"hire_date": pd.to_datetime(["2020-01-01", "2026-03-01"]),
    ...                   "exit_date": pd.to_datetime([None, None]), "fte": [0.5, 1.0]})
    >>> fte_months(p, pd.Timestamp("2026-01-01"), pd.Timestamp("2026-03-31")).round(3).tolist()
    [1.478, 1.018]
    """
    first = people["hire_date"].clip(lower=start)
    last = people["exit_date"].fillna(end).clip(upper=end)
    days = ((last - first).dt.days + 1).clip(lower=0)
    return people["fte"] * days / DAYS_PER_MONTH


def volume_summary(
    tickets: pd.DataFrame, people: pd.DataFrame | None, start: pd.Timestamp, end: pd.Timestamp
) -> pd.DataFrame:
    """Headline figures of a period: metric, value, unit.

    Metrics: tickets, self_solvable_tickets, self_solvable_share, partly_share, needs_it_share,
    tickets_per_fte_month and self_solvable_per_fte_month (staff tickets over the staff's
    exposure, only with a roster), median and 90th percentile office hours to first response
    and to resolution, reopened share, IT hours spent.
    """
    n = len(tickets)
    solv = tickets["self_solvability"].value_counts()
    rows = [
        ("tickets", n, "tickets"),
        ("self_solvable_tickets", int(solv.get("self", 0)), "tickets"),
        ("self_solvable_share", solv.get("self", 0) / n if n else np.nan, "share"),
        ("partly_share", solv.get("partly", 0) / n if n else np.nan, "share"),
        ("needs_it_share", solv.get("it", 0) / n if n else np.nan, "share"),
    ]
    if people is not None:
        exposure = fte_months(people, start, end).sum()
        staff = tickets["requester_kind"].eq("staff")
        rows += [
            (
                "tickets_per_fte_month",
                staff.sum() / exposure if exposure else np.nan,
                "tickets per FTE-month",
            ),
            (
                "self_solvable_per_fte_month",
                (staff & tickets["self_solvability"].eq("self")).sum() / exposure
                if exposure
                else np.nan,
                "tickets per FTE-month",
            ),
        ]
    rows += [
        (
            "median_response_business_hours",
            tickets["response_business_hours"].median(),
            "office hours",
        ),
        (
            "p90_response_business_hours",
            tickets["response_business_hours"].quantile(0.9),
            "office hours",
        ),
        (
            "median_resolution_business_hours",
            tickets["resolution_business_hours"].median(),
            "office hours",
        ),
        (
            "p90_resolution_business_hours",
            tickets["resolution_business_hours"].quantile(0.9),
            "office hours",
        ),
        ("reopened_share", tickets["is_reopened"].mean() if n else np.nan, "share"),
        ("it_hours_spent", tickets["time_spent_minutes"].sum() / 60, "hours"),
    ]
    return pd.DataFrame(rows, columns=["metric", "value", "unit"])


def type_breakdown(tickets: pd.DataFrame, codebook: Codebook, *, lang: str = "nl") -> pd.DataFrame:
    """Tickets per question type: question_type, label, self_solvability, n, share,
    median_resolution_business_hours, it_hours; sorted by n (descending)."""
    grouped = tickets.groupby("question_type", observed=True).agg(
        n=("ticket_id", "size"),
        median_resolution_business_hours=("resolution_business_hours", "median"),
        it_hours=("time_spent_minutes", lambda m: m.sum() / 60),
    )
    grouped = grouped.reindex(codebook.types.index, fill_value=0)
    grouped["share"] = grouped["n"] / max(int(grouped["n"].sum()), 1)
    grouped["label"] = codebook.types[lang]
    grouped["self_solvability"] = codebook.types["self_solvability"]
    out = grouped.reset_index(names="question_type")
    columns = [
        "question_type",
        "label",
        "self_solvability",
        "n",
        "share",
        "median_resolution_business_hours",
        "it_hours",
    ]
    return out[columns].sort_values("n", ascending=False, kind="stable").reset_index(drop=True)


def weekly_counts(tickets: pd.DataFrame, *, by: str | None = "self_solvability") -> pd.DataFrame:
    """Tickets per ISO week (week starting Monday): week, [by], n, weeks with none included."""
    week = tickets["opened_at"].dt.tz_localize(None).dt.to_period("W-SUN").dt.start_time
    keys = [week.rename("week")] + ([tickets[by]] if by else [])
    counts = tickets.groupby(keys, observed=True).size()
    if by:
        counts = counts.unstack(fill_value=0)
    weeks = pd.date_range(week.min(), week.max(), freq="W-MON")
    counts = counts.reindex(weeks, fill_value=0)
    counts.index.name = "week"
    if by:
        return counts.stack().rename("n").reset_index()
    return counts.rename("n").reset_index()


def waiting_times(tickets: pd.DataFrame, *, by: str = "self_solvability") -> pd.DataFrame:
    """Waiting times per group: [by], n, median and p90 office hours to first response and
    to resolution, median calendar hours to resolution."""
    return (
        tickets.groupby(by, observed=True)
        .agg(
            n=("ticket_id", "size"),
            median_response_business_hours=("response_business_hours", "median"),
            p90_response_business_hours=("response_business_hours", lambda s: s.quantile(0.9)),
            median_resolution_business_hours=("resolution_business_hours", "median"),
            p90_resolution_business_hours=("resolution_business_hours", lambda s: s.quantile(0.9)),
            median_resolution_hours=("resolution_hours", "median"),
        )
        .reset_index()
    )


def handling_minutes(
    tickets: pd.DataFrame, costs: dict, *, scenario: str = "expected"
) -> pd.Series:
    """IT handling minutes per ticket: time spent from the export, else the line's default."""
    defaults = costs["default_handling_minutes"]
    default = np.where(
        tickets["line"].fillna(1).to_numpy() >= 2,
        defaults["line2"][scenario],
        defaults["line1"][scenario],
    )
    return (
        tickets["time_spent_minutes"].fillna(pd.Series(default, index=tickets.index)).astype(float)
    )


def ticket_cost(tickets: pd.DataFrame, costs: dict, *, scenario: str = "expected") -> pd.DataFrame:
    """Cost per ticket in euros: it_cost (handling time x IT rate of its line) and
    waiting_cost (office hours to resolution x staff rate x productive-loss share)."""
    rates = costs["it_hourly_cost"]
    rate = np.where(
        tickets["line"].fillna(1).to_numpy() >= 2,
        rates["line2"][scenario],
        rates["line1"][scenario],
    )
    it_cost = handling_minutes(tickets, costs, scenario=scenario) / 60 * rate
    waiting = (
        tickets["resolution_business_hours"].fillna(0)
        * costs["staff_hourly_cost"][scenario]
        * costs["productive_loss_share"][scenario]
    )
    return pd.DataFrame(
        {"ticket_id": tickets["ticket_id"], "it_cost": it_cost, "waiting_cost": waiting}
    )


def cost_by_solvability(tickets: pd.DataFrame, costs: dict) -> pd.DataFrame:
    """Euros per self-solvability class: self_solvability, n, it_hours, it_cost, waiting_cost, total_cost."""
    cost = ticket_cost(tickets, costs)
    frame = tickets[["self_solvability"]].assign(
        it_hours=handling_minutes(tickets, costs) / 60,
        it_cost=cost["it_cost"].to_numpy(),
        waiting_cost=cost["waiting_cost"].to_numpy(),
    )
    out = frame.groupby("self_solvability", observed=True).agg(
        n=("it_hours", "size"),
        it_hours=("it_hours", "sum"),
        it_cost=("it_cost", "sum"),
        waiting_cost=("waiting_cost", "sum"),
    )
    out["total_cost"] = out["it_cost"] + out["waiting_cost"]
    return out.reset_index()


def classification_check(tickets: pd.DataFrame, labels: pd.DataFrame) -> pd.DataFrame:
    """Agreement of the classifier with human (or ground-truth) labels.

    ``labels`` has ticket_id, question_type and/or self_solvability. Returns one row per
    target: target, n, accuracy, macro_f1, kappa (Cohen's, classifier against labels).
    """
    merged = tickets[["ticket_id", "question_type", "self_solvability"]].merge(
        labels, on="ticket_id", suffixes=("_pred", "_true")
    )
    rows = []
    for target in ("question_type", "self_solvability"):
        if f"{target}_true" not in merged:
            continue
        pair = merged[[f"{target}_true", f"{target}_pred"]].dropna().astype(str)
        truth, pred = pair.iloc[:, 0], pair.iloc[:, 1]
        rows.append(
            {
                "target": target,
                "n": len(pair),
                "accuracy": accuracy_score(truth, pred),
                "macro_f1": f1_score(truth, pred, average="macro", zero_division=0),
                "kappa": cohen_kappa_score(truth, pred),
            }
        )
    return pd.DataFrame(rows, columns=["target", "n", "accuracy", "macro_f1", "kappa"])


def quarter_trend(tickets: pd.DataFrame) -> pd.DataFrame:
    """Per calendar quarter: quarter, tickets, self_solvable_share, median_resolution_business_hours."""
    quarter = tickets["opened_at"].dt.tz_localize(None).dt.to_period("Q").astype(str)
    return (
        tickets.assign(quarter=quarter, is_self=tickets["self_solvability"].eq("self"))
        .groupby("quarter")
        .agg(
            tickets=("ticket_id", "size"),
            self_solvable_share=("is_self", "mean"),
            median_resolution_business_hours=("resolution_business_hours", "median"),
        )
        .reset_index()
    )


HISTORY_FILE = "history.parquet"
TREND_METRICS = (
    "tickets",
    "self_solvable_share",
    "self_solvable_per_fte_month",
    "median_resolution_business_hours",
)


def update_history(processed_dir: Path, quarter: str, summary: pd.DataFrame) -> pd.DataFrame:
    """Record a quarter's headline metrics in ``history.parquet`` (one row per quarter and metric).

    Rerunning a quarter replaces its rows, so the history holds the latest run of every quarter
    reported so far. Returns the whole history, sorted by quarter.
    """
    path = Path(processed_dir) / HISTORY_FILE
    rows = summary.loc[:, ["metric", "value"]].assign(quarter=str(quarter))[
        ["quarter", "metric", "value"]
    ]
    if path.exists():
        previous = pd.read_parquet(path)
        rows = pd.concat(
            [previous.loc[previous["quarter"] != str(quarter)], rows], ignore_index=True
        )
    rows = rows.sort_values(["quarter", "metric"], kind="stable").reset_index(drop=True)
    rows.to_parquet(path, index=False)
    return rows


def trend_table(
    history: pd.DataFrame, *, metrics_: tuple[str, ...] = TREND_METRICS
) -> pd.DataFrame:
    """Quarters run so far as rows, the headline metrics as columns, plus the change against
    the baseline (the first quarter in the history) for the latest quarter."""
    wide = history.loc[history["metric"].isin(metrics_)].pivot(
        index="quarter", columns="metric", values="value"
    )
    return wide.reindex(columns=[m for m in metrics_ if m in wide.columns]).reset_index()
