"""Diagnose: volume, question types, self-solvable share, waiting times, IT load and cost.

Every function takes the processed ticket table (and where needed the people table or the
cost model) and returns a tidy DataFrame with documented columns.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import yaml
from sklearn.metrics import accuracy_score, f1_score

from selfreliance.categorise import Codebook
from selfreliance.config import resource_path
from selfreliance.errors import SelfRelianceError
from selfreliance.labelling import cohen_kappa

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
    target: target, n, accuracy, macro_f1, kappa, ci_low, ci_high (Cohen's kappa of the
    classifier against the labels with its 95% CI, :func:`selfreliance.labelling.cohen_kappa`).
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
        kappa = cohen_kappa(truth, pred)
        rows.append(
            {
                "target": target,
                "n": len(pair),
                "accuracy": accuracy_score(truth, pred),
                "macro_f1": f1_score(truth, pred, average="macro", zero_division=0),
                "kappa": kappa["kappa"],
                "ci_low": kappa["ci_low"],
                "ci_high": kappa["ci_high"],
            }
        )
    columns = ["target", "n", "accuracy", "macro_f1", "kappa", "ci_low", "ci_high"]
    return pd.DataFrame(rows, columns=columns)


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
    """Quarters run so far as rows (the first one is the baseline), the headline metrics as
    columns."""
    wide = history.loc[history["metric"].isin(metrics_)].pivot(
        index="quarter", columns="metric", values="value"
    )
    return wide.reindex(columns=[m for m in metrics_ if m in wide.columns]).reset_index()


# --- deeper diagnose metrics ----------------------------------------------------------------


def _done_at(tickets: pd.DataFrame) -> pd.Series:
    """When a ticket stopped being open: resolved_at, else closed_at (NaT while still open)."""
    done = tickets["resolved_at"]
    if "closed_at" in tickets:
        done = done.fillna(tickets["closed_at"])
    return done


def _naive_utc(values: pd.Series, tz) -> np.ndarray:
    """Instants as naive UTC datetime64 values (tz-naive inputs are taken as they are)."""
    return (
        values.dt.tz_convert("UTC").dt.tz_localize(None) if tz is not None else values
    ).to_numpy()


def backlog(tickets: pd.DataFrame, freq: str = "W") -> pd.DataFrame:
    """Open tickets at the end of each period: period, period_end, open_tickets.

    A ticket is open at ``period_end`` when it was opened at or before it and its resolution
    (or, without one, its closure) is missing or later. ``freq`` is a pandas period alias
    ("W" = weeks ending Sunday, "M", "Q"); periods run from the first to the last opening.
    """
    opened = tickets["opened_at"]
    tz = opened.dt.tz
    local = opened.dt.tz_localize(None) if tz is not None else opened
    periods = pd.period_range(local.min(), local.max(), freq=freq)
    ends = periods.to_timestamp(how="end")
    if tz is not None:
        ends = ends.tz_localize(tz, ambiguous="NaT", nonexistent="shift_forward")
    done = _done_at(tickets)
    # A closure before the opening (bad data) counts as closed at the opening.
    done = done.where(done.isna() | (done >= opened), opened)
    opened_sorted = np.sort(_naive_utc(opened, tz))
    done_sorted = np.sort(_naive_utc(done.dropna(), tz))
    end_values = _naive_utc(pd.Series(ends), tz)
    n_open = np.searchsorted(opened_sorted, end_values, side="right") - np.searchsorted(
        done_sorted, end_values, side="right"
    )
    return pd.DataFrame(
        {
            "period": periods.astype(str),
            "period_end": periods.end_time.normalize(),
            "open_tickets": n_open.astype(int),
        }
    )


def _staff_self(tickets: pd.DataFrame) -> pd.Series:
    return (
        tickets["requester_kind"].eq("staff")
        & tickets["self_solvability"].eq("self")
        & tickets["requester_key"].notna()
    )


def repeat_flags(tickets: pd.DataFrame, days: int = 90) -> pd.Series:
    """Per ticket: did the same requester file a ticket of the same question type in the
    ``days`` days before it (any earlier ticket, opened at most ``days`` days earlier)."""
    known = tickets.loc[
        tickets["requester_key"].notna(), ["requester_key", "question_type", "opened_at"]
    ]
    ordered = known.sort_values("opened_at", kind="stable")
    previous = ordered.groupby(["requester_key", "question_type"], observed=True, sort=False)[
        "opened_at"
    ].shift()
    gap = ordered["opened_at"] - previous
    flag = gap.le(pd.Timedelta(days=days)) & previous.notna()
    return flag.reindex(tickets.index, fill_value=False).astype(bool)


def repeat_rate(
    tickets: pd.DataFrame,
    days: int = 90,
    *,
    start: pd.Timestamp | None = None,
    end: pd.Timestamp | None = None,
) -> pd.DataFrame:
    """Share of staff self-solvable tickets that repeat a question of the same requester.

    A ticket is a repeat when the same requester filed a ticket of the same question type in
    the previous ``days`` days. The look-back uses all of ``tickets``; with ``start``/``end``
    only tickets opened in that period are counted (so a quarter's first weeks still see the
    previous quarter). Returns question_type ("all" first, then per type by tickets),
    tickets, repeat_tickets, repeat_rate.
    """
    flags = repeat_flags(tickets, days)
    base = _staff_self(tickets)
    if start is not None and end is not None:
        base &= tickets.index.isin(in_period(tickets, start, end).index)
    frame = pd.DataFrame(
        {"question_type": tickets["question_type"].astype(str), "repeat": flags}
    ).loc[base]
    per_type = frame.groupby("question_type").agg(
        tickets=("repeat", "size"), repeat_tickets=("repeat", "sum")
    )
    per_type = per_type.sort_values("tickets", ascending=False, kind="stable")
    total = pd.DataFrame(
        {"tickets": [len(frame)], "repeat_tickets": [int(frame["repeat"].sum())]}, index=["all"]
    )
    out = pd.concat([total, per_type]).rename_axis("question_type").reset_index()
    out["tickets"] = out["tickets"].astype(int)
    out["repeat_tickets"] = out["repeat_tickets"].astype(int)
    out["repeat_rate"] = out["repeat_tickets"] / out["tickets"].where(out["tickets"] > 0)
    return out


def gini(values) -> np.ndarray | float:
    """Gini coefficient of non-negative counts (last axis); 0 = equal, near 1 = all on one.

    Examples
    --------
    >>> float(gini([0, 0, 0, 4]))
    0.75
    """
    x = np.sort(np.asarray(values, dtype=float), axis=-1)
    n = x.shape[-1]
    total = x.sum(axis=-1)
    rank = np.arange(1, n + 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        g = 2 * (x * rank).sum(axis=-1) / (n * total) - (n + 1) / n
    return g


def top_share(values, share: float = 0.1) -> np.ndarray | float:
    """Share of the total held by the top ``share`` of units (at least one unit; last axis)."""
    x = np.sort(np.asarray(values, dtype=float), axis=-1)
    k = max(int(np.ceil(share * x.shape[-1])), 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return x[..., -k:].sum(axis=-1) / x.sum(axis=-1)


def person_counts(
    tickets: pd.DataFrame, people: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp
) -> pd.DataFrame:
    """Self-solvable staff tickets in [start, end] per active person (zeros included):
    an anonymous frame with n and exposure (FTE-months), in no particular order of persons.
    For aggregate statistics only: never show or rank its rows."""
    exposure = fte_months(people, start, end)
    active = people.loc[exposure > 0, "person_key"]
    period = in_period(tickets, start, end)
    keys = period.loc[_staff_self(period), "requester_key"]
    n = keys.value_counts().reindex(active, fill_value=0).to_numpy()
    return pd.DataFrame({"n": n, "exposure": exposure.loc[exposure > 0].to_numpy()})


def _chance_draws(counts: pd.DataFrame, draws: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    expected = counts["n"].sum() * counts["exposure"] / counts["exposure"].sum()
    return rng.poisson(expected.to_numpy(), size=(draws, len(counts)))


def concentration(
    tickets: pd.DataFrame,
    people: pd.DataFrame,
    start: pd.Timestamp,
    end: pd.Timestamp,
    *,
    draws: int = 200,
    seed: int = 0,
) -> pd.DataFrame:
    """How concentrated self-solvable tickets are among staff, against chance: metric, value, unit.

    Counts self-solvable staff tickets per active person (exposure > 0, zeros included), then
    the Gini coefficient and the share from the top 10% of people; the chance values are the
    mean (and 95% range) over ``draws`` simulated periods in which every person files a
    Poisson number of tickets proportional to their FTE exposure (fixed ``seed``). Metrics:
    people, tickets, share_people_without, gini, gini_chance, gini_chance_low,
    gini_chance_high, top10_share, top10_share_chance.
    """
    counts = person_counts(tickets, people, start, end)
    n = counts["n"].to_numpy()
    sim = _chance_draws(counts, draws, seed)
    sim_gini = gini(sim)
    rows = [
        ("people", len(n), "people"),
        ("tickets", int(n.sum()), "tickets"),
        ("share_people_without", float(np.mean(n == 0)) if len(n) else np.nan, "share"),
        ("gini", float(gini(n)), "index"),
        ("gini_chance", float(np.nanmean(sim_gini)), "index"),
        ("gini_chance_low", float(np.nanquantile(sim_gini, 0.025)), "index"),
        ("gini_chance_high", float(np.nanquantile(sim_gini, 0.975)), "index"),
        ("top10_share", float(top_share(n)), "share"),
        ("top10_share_chance", float(np.nanmean(top_share(sim))), "share"),
    ]
    return pd.DataFrame(rows, columns=["metric", "value", "unit"])


def lorenz(
    tickets: pd.DataFrame,
    people: pd.DataFrame,
    start: pd.Timestamp,
    end: pd.Timestamp,
    *,
    points: int = 101,
    draws: int = 200,
    seed: int = 0,
) -> pd.DataFrame:
    """Lorenz curve on a fixed grid: people_share, ticket_share (observed) and chance_share
    (mean over the Poisson draws of :func:`concentration`). Interpolated, so no point is a person."""
    counts = person_counts(tickets, people, start, end)
    grid = np.linspace(0, 1, points)

    def curve(values: np.ndarray) -> np.ndarray:
        x = np.sort(values, axis=-1).astype(float)
        cum = np.concatenate([np.zeros(x.shape[:-1] + (1,)), np.cumsum(x, axis=-1)], axis=-1)
        with np.errstate(invalid="ignore", divide="ignore"):
            cum = cum / cum[..., -1:]
        xs = np.linspace(0, 1, x.shape[-1] + 1)
        return np.apply_along_axis(lambda c: np.interp(grid, xs, c), -1, cum)

    observed = curve(counts["n"].to_numpy())
    chance = np.nanmean(curve(_chance_draws(counts, draws, seed)), axis=0)
    return pd.DataFrame({"people_share": grid, "ticket_share": observed, "chance_share": chance})


def waiting_by_type(tickets: pd.DataFrame) -> pd.DataFrame:
    """Per question type: question_type, n, median and 80th percentile office hours to first
    response and to resolution; sorted by n (descending)."""
    out = (
        tickets.assign(question_type=tickets["question_type"].astype(str))
        .groupby("question_type")
        .agg(
            n=("ticket_id", "size"),
            median_response_business_hours=("response_business_hours", "median"),
            p80_response_business_hours=("response_business_hours", lambda s: s.quantile(0.8)),
            median_resolution_business_hours=("resolution_business_hours", "median"),
            p80_resolution_business_hours=("resolution_business_hours", lambda s: s.quantile(0.8)),
        )
        .reset_index()
    )
    return out.sort_values("n", ascending=False, kind="stable").reset_index(drop=True)


BREAKDOWN_GROUPS = ("department", "team", "function_level", "age_band", "site")


def breakdown(
    tickets: pd.DataFrame,
    people: pd.DataFrame,
    start: pd.Timestamp,
    end: pd.Timestamp,
    by: str = "department",
    *,
    min_n: int | None = None,
) -> pd.DataFrame:
    """Staff tickets per group of people (groups from the roster), protected for disclosure.

    Columns: [by], n_people (active staff), fte_months, tickets, self_solvable_tickets,
    self_solvable_per_fte_month, self_solvable_share, suppressed. Groups of fewer than
    ``min_n`` (default 5) people are hidden, with complementary suppression (a total is shown).
    """
    from selfreliance.disclosure import MIN_GROUP_SIZE, protect_table

    if by not in BREAKDOWN_GROUPS:
        raise ValueError(f"breakdown by {by!r}: choose one of {', '.join(BREAKDOWN_GROUPS)}.")
    exposure = fte_months(people, start, end)
    active = people.loc[exposure > 0, ["person_key", by]].assign(fte_months=exposure[exposure > 0])
    active[by] = active[by].astype("string").fillna("?")
    period = in_period(tickets, start, end)
    staff = period.loc[period["requester_kind"].eq("staff") & period["requester_key"].notna()]
    joined = staff[["requester_key", "self_solvability"]].merge(
        active[["person_key", by]], left_on="requester_key", right_on="person_key"
    )
    counts = (
        joined.assign(is_self=joined["self_solvability"].eq("self"))
        .groupby(by)
        .agg(tickets=("is_self", "size"), self_solvable_tickets=("is_self", "sum"))
    )
    groups = active.groupby(by).agg(
        n_people=("person_key", "nunique"), fte_months=("fte_months", "sum")
    )
    out = groups.join(counts).fillna({"tickets": 0, "self_solvable_tickets": 0})
    out["self_solvable_per_fte_month"] = out["self_solvable_tickets"] / out["fte_months"]
    out["self_solvable_share"] = out["self_solvable_tickets"] / out["tickets"].where(
        out["tickets"] > 0
    )
    out = out.reset_index()
    values = [
        "fte_months",
        "tickets",
        "self_solvable_tickets",
        "self_solvable_per_fte_month",
        "self_solvable_share",
    ]
    return (
        protect_table(out, people="n_people", values=values, min_n=min_n or MIN_GROUP_SIZE)
        .sort_values(by, kind="stable")
        .reset_index(drop=True)
    )


def waiting_time_lost(
    tickets: pd.DataFrame, costs: dict, *, scenario: str = "expected"
) -> pd.DataFrame:
    """Staff time lost waiting and IT time on self-solvable tickets: metric, value, unit.

    Staff waiting: office hours to resolution of staff tickets times the productive-loss share
    (costs.yml), and its cost at the staff rate. IT: handling hours (logged, else the line's
    default) on self-solvable tickets and their cost at the IT rate of the line.
    """
    staff = tickets["requester_kind"].eq("staff")
    waiting = tickets.loc[staff, "resolution_business_hours"].fillna(0).sum()
    lost = waiting * costs["productive_loss_share"][scenario]
    is_self = tickets["self_solvability"].eq("self")
    self_tickets = tickets.loc[is_self]
    rows = [
        ("staff_tickets", int(staff.sum()), "tickets"),
        ("staff_waiting_office_hours", float(waiting), "office hours"),
        ("staff_hours_lost", float(lost), "hours"),
        ("staff_hours_lost_cost", float(lost * costs["staff_hourly_cost"][scenario]), "euro"),
        (
            "self_solvable_it_hours",
            float(handling_minutes(self_tickets, costs, scenario=scenario).sum() / 60),
            "hours",
        ),
        (
            "self_solvable_it_cost",
            float(ticket_cost(self_tickets, costs, scenario=scenario)["it_cost"].sum()),
            "euro",
        ),
    ]
    return pd.DataFrame(rows, columns=["metric", "value", "unit"])
