"""Intervene: choose actions, size their potential, and price them with their uncertainty.

* **Potential** (:func:`avoidable_tickets`, :func:`team_load`): tickets of the reference window
  (usually the last twelve months) whose question type is self-solvable (and a share of the
  partly self-solvable ones), times the uptake of the conservative / expected / ambitious
  scenario; per question type and per team (teams of fewer than five people suppressed).
* **Savings** (:func:`savings_simulation`): each avoided ticket saves its IT handling cost
  (time spent from the export, else the cost model's default per line) and the requester's
  lost waiting time, minus the cost of the self-help route.
* **Catalogue, ROI and advice** (:func:`load_catalogue`, :func:`action_roi`,
  :func:`rank_actions`): every action of ``resources/interventions.yml`` priced with its effect
  range, euros and hours, ROI and payback over the cost model's horizon; ranked with this
  organisation's own hypothesis results and load, each line citing its evidence.

Uncertainty comes from drawing every input from a triangular distribution between its low and
high value (Monte Carlo); the cost model is ``resources/costs.yml``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from selfreliance.config import resource_path
from selfreliance.disclosure import MIN_GROUP_SIZE, protect_table
from selfreliance.errors import SelfRelianceError
from selfreliance.metrics import fte_months, in_period
from selfreliance.present import fmt_number, fmt_pct

SCENARIOS = ("conservative", "expected", "ambitious")


def avoidable_tickets(tickets: pd.DataFrame, costs: dict, *, years: float = 1.0) -> pd.DataFrame:
    """Avoidable tickets per question type and scenario, per year.

    Returns question_type, self_solvability, tickets_per_year, movable_share and one column
    ``avoidable_<scenario>`` per uptake scenario.
    """
    movable = {"self": 1.0, "partly": float(costs.get("partly_share", 0.5)), "it": 0.0}
    out = (
        tickets.groupby(["question_type", "self_solvability"], observed=True)
        .size()
        .rename("n")
        .reset_index()
    )
    out["tickets_per_year"] = out.pop("n") / years
    out["movable_share"] = out["self_solvability"].map(movable).astype(float)
    for scenario in SCENARIOS:
        out[f"avoidable_{scenario}"] = (
            out["tickets_per_year"] * out["movable_share"] * costs["uptake"][scenario]
        )
    return (
        out.loc[out["movable_share"] > 0]
        .sort_values("tickets_per_year", ascending=False)
        .reset_index(drop=True)
    )


def _triangular(rng: np.random.Generator, spec: dict, size: int, spread: float) -> np.ndarray:
    # Costs, times and shares cannot be negative, however wide the requested spread.
    low = max(spec["expected"] - spread * (spec["expected"] - spec["low"]), 0.0)
    high = spec["expected"] + spread * (spec["high"] - spec["expected"])
    if high <= low:
        return np.full(size, float(spec["expected"]))
    return rng.triangular(low, spec["expected"], high, size)


def savings_simulation(
    tickets: pd.DataFrame,
    costs: dict,
    *,
    years: float = 1.0,
    n_draws: int = 4000,
    seed: int = 0,
    spread: float = 1.0,
) -> pd.DataFrame:
    """Yearly savings per scenario with a Monte Carlo interval.

    Parameters
    ----------
    tickets
        Classified tickets of the reference window (usually the last twelve months).
    costs
        The cost model (see ``resources/costs.yml``).
    years
        Length of the reference window in years.
    spread
        Multiplies the distance between each input's expected value and its low/high bounds:
        raise it to see how the interval widens with more uncertain inputs.

    Returns
    -------
    DataFrame
        scenario, avoidable_tickets, it_hours_freed, savings_eur (median), savings_low,
        savings_high (5th and 95th percentiles), per year.
    """
    rng = np.random.default_rng(seed)
    movable = {"self": 1.0, "partly": float(costs.get("partly_share", 0.5)), "it": 0.0}
    share = tickets["self_solvability"].map(movable).astype(float).to_numpy()
    line2 = tickets["line"].fillna(1).to_numpy() >= 2
    spent = tickets["time_spent_minutes"].to_numpy(dtype=float)
    has_spent = ~np.isnan(spent)
    wait_hours = tickets["resolution_business_hours"].fillna(0).to_numpy()

    draws = {
        "rate1": _triangular(rng, costs["it_hourly_cost"]["line1"], n_draws, spread),
        "rate2": _triangular(rng, costs["it_hourly_cost"]["line2"], n_draws, spread),
        "default1": _triangular(rng, costs["default_handling_minutes"]["line1"], n_draws, spread),
        "default2": _triangular(rng, costs["default_handling_minutes"]["line2"], n_draws, spread),
        "staff": _triangular(rng, costs["staff_hourly_cost"], n_draws, spread),
        "loss": _triangular(rng, costs["productive_loss_share"], n_draws, spread),
        "selfhelp": _triangular(rng, costs["self_help_cost_per_ticket"], n_draws, spread),
    }
    # Sums over tickets are separable, so each draw costs O(1) after these totals.
    spent_l1 = np.sum(share * np.where(has_spent & ~line2, spent, 0)) / 60
    spent_l2 = np.sum(share * np.where(has_spent & line2, spent, 0)) / 60
    n_default_l1 = np.sum(share * (~has_spent & ~line2))
    n_default_l2 = np.sum(share * (~has_spent & line2))
    movable_tickets = share.sum()
    wait_total = np.sum(share * wait_hours)

    hours = (
        spent_l1
        + spent_l2
        + (n_default_l1 * draws["default1"] + n_default_l2 * draws["default2"]) / 60
    )
    it_cost = (spent_l1 + n_default_l1 * draws["default1"] / 60) * draws["rate1"] + (
        spent_l2 + n_default_l2 * draws["default2"] / 60
    ) * draws["rate2"]
    waiting_cost = wait_total * draws["staff"] * draws["loss"]
    gross_per_movable = (it_cost + waiting_cost) / max(movable_tickets, 1e-9) - draws["selfhelp"]

    rows = []
    for scenario in SCENARIOS:
        avoided = movable_tickets * costs["uptake"][scenario] / years
        savings = avoided * gross_per_movable
        rows.append(
            {
                "scenario": scenario,
                "avoidable_tickets": avoided,
                "it_hours_freed": float(np.median(hours)) * costs["uptake"][scenario] / years,
                "savings_eur": float(np.median(savings)),
                "savings_low": float(np.quantile(savings, 0.05)),
                "savings_high": float(np.quantile(savings, 0.95)),
            }
        )
    return pd.DataFrame(rows)


def cumulative_cost_benefit(savings: pd.DataFrame, interventions: pd.DataFrame) -> pd.DataFrame:
    """Compare logged intervention costs with yearly savings: scenario, savings_eur,
    cost_eur (sum of logged costs), payback_months (cost over monthly savings)."""
    cost = float(interventions["cost_eur"].fillna(0).sum()) if interventions is not None else np.nan
    out = savings[["scenario", "savings_eur"]].copy()
    out["cost_eur"] = cost
    monthly = out["savings_eur"] / 12
    out["payback_months"] = np.where(monthly > 0, cost / monthly, np.inf)
    return out


# --------------------------------------------------------------------------------------
# The intervention catalogue
# --------------------------------------------------------------------------------------

COM_B_FUNCTIONS = frozenset(
    {
        "education",
        "persuasion",
        "incentivisation",
        "coercion",
        "training",
        "restriction",
        "environmental_restructuring",
        "modelling",
        "enablement",
    }
)
_ACTION_KEYS = (
    "id",
    "direction",
    "name_nl",
    "name_en",
    "what_nl",
    "com_b",
    "hypotheses",
    "question_types",
    "scope",
    "effect",
    "assumption",
    "source",
    "lead_time_months",
    "cost",
)
_COST_KEYS = ("one_off_eur", "yearly_eur", "effort_hours", "yearly_effort_hours")


def _check_range(spec: Any, where: str, *, upper: float | None = None) -> None:
    if not isinstance(spec, dict) or not {"low", "expected", "high"} <= set(spec):
        raise SelfRelianceError(f"{where}: expected {{low, expected, high}}, got {spec!r}.")
    low, mid, high = (float(spec[k]) for k in ("low", "expected", "high"))
    if not (0 <= low <= mid <= high) or (upper is not None and high > upper):
        bound = f" and at most {upper}" if upper is not None else ""
        raise SelfRelianceError(
            f"{where}: needs 0 <= low <= expected <= high{bound}; got {low}, {mid}, {high}."
        )


def load_catalogue(path: str | Path | None = None) -> dict:
    """Read and validate the intervention catalogue (default the shipped ``interventions.yml``).

    Raises
    ------
    SelfRelianceError
        Naming the file, the action and the field when something is missing or out of range.

    Examples
    --------
    >>> catalogue = load_catalogue()
    >>> sorted(catalogue["directions"])[:3]
    ['competency', 'managers', 'onboarding']
    >>> "self_service_password_reset" in [a["id"] for a in catalogue["actions"]]
    True
    """
    path = Path(path) if path else resource_path("interventions.yml")
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise SelfRelianceError(f"{path}: cannot read the intervention catalogue ({exc}).") from exc
    if not isinstance(raw, dict) or not raw.get("actions") or not raw.get("directions"):
        raise SelfRelianceError(f"{path}: needs top-level 'directions' and 'actions'.")
    seen = set()
    for number, action in enumerate(raw["actions"], start=1):
        where = f"{path}, action {action.get('id', f'#{number}')}"
        missing = [k for k in _ACTION_KEYS if k not in action]
        if missing:
            raise SelfRelianceError(f"{where}: missing field(s) {missing}.")
        if action["id"] in seen:
            raise SelfRelianceError(f"{where}: duplicate id.")
        seen.add(action["id"])
        if action["direction"] not in raw["directions"]:
            raise SelfRelianceError(
                f"{where}: direction {action['direction']!r} is not one of {sorted(raw['directions'])}."
            )
        unknown = set(action["com_b"].get("functions", [])) - COM_B_FUNCTIONS
        if unknown:
            raise SelfRelianceError(
                f"{where}: unknown COM-B function(s) {sorted(unknown)}; use {sorted(COM_B_FUNCTIONS)}."
            )
        if action["scope"] not in {"all", "onboarding"}:
            raise SelfRelianceError(f"{where}: scope must be 'all' or 'onboarding'.")
        _check_range(action["effect"], f"{where}, effect", upper=1.0)
        for key in _COST_KEYS:
            _check_range(action["cost"].get(key), f"{where}, cost.{key}")
    return raw


def self_solvable_types(codebook: Any) -> list[str]:
    """Question types the codebook classes as self-solvable."""
    types = codebook.types
    return list(types.index[types["self_solvability"] == "self"])


def action_types(action: dict, self_types: Sequence[str]) -> list[str]:
    """The question types an action targets ("self" expands to every self-solvable type)."""
    types = action["question_types"]
    return list(self_types) if types == "self" else list(types)


def onboarding_tickets(
    tickets: pd.DataFrame, people: pd.DataFrame | None, *, months: int = 6
) -> pd.Series:
    """Whether each ticket was filed by a staff member within ``months`` months of the hire date."""
    if people is None or "requester_key" not in tickets:
        return pd.Series(False, index=tickets.index)
    hire = tickets["requester_key"].map(people.set_index("person_key")["hire_date"])
    opened = tickets["opened_at"].dt.tz_localize(None)
    hire = pd.to_datetime(hire)
    within = (opened >= hire) & (opened < hire + pd.DateOffset(months=months))
    return within.fillna(False).astype(bool)


def action_scope(
    tickets: pd.DataFrame,
    people: pd.DataFrame | None,
    action: dict,
    self_types: Sequence[str],
    *,
    onboarding_months: int = 6,
) -> pd.DataFrame:
    """The tickets an action can reduce: its question types, and its scope."""
    rows = tickets["question_type"].isin(action_types(action, self_types))
    if action["scope"] == "onboarding":
        rows &= onboarding_tickets(tickets, people, months=onboarding_months)
    return tickets.loc[rows]


# --------------------------------------------------------------------------------------
# Team load (with disclosure control)
# --------------------------------------------------------------------------------------


def team_load(
    tickets: pd.DataFrame,
    people: pd.DataFrame | None,
    costs: dict,
    start: pd.Timestamp,
    end: pd.Timestamp,
    *,
    min_n: int = MIN_GROUP_SIZE,
) -> pd.DataFrame:
    """Self-solvable load per team over [start, end], suppressed below ``min_n`` people.

    Returns team, n_people (staff employed in the window), fte_months, self_tickets,
    rate (self-solvable tickets per FTE-month), ratio_to_org (rate over the organisation's
    rate), avoidable_<scenario> (per year, movable tickets x uptake) and suppressed. Teams of
    fewer than ``min_n`` people are hidden, with complementary suppression because the
    organisation's total is published (:func:`selfreliance.disclosure.protect_table`). Sorted by
    rate, highest first; empty without a roster.
    """
    columns = ["team", "n_people", "fte_months", "self_tickets", "rate", "ratio_to_org"]
    columns += [f"avoidable_{s}" for s in SCENARIOS] + ["suppressed"]
    if people is None:
        return pd.DataFrame(columns=columns)
    window = in_period(tickets, start, end)
    staff = window.loc[window["requester_kind"].eq("staff") & window["team"].notna()]
    exposure = fte_months(people, start, end)
    employed = exposure > 0
    base = (
        pd.DataFrame({"team": people["team"].astype(str), "fte_months": exposure, "n": employed})
        .loc[employed]
        .groupby("team")
        .agg(n_people=("n", "size"), fte_months=("fte_months", "sum"))
    )
    movable = {"self": 1.0, "partly": float(costs.get("partly_share", 0.5)), "it": 0.0}
    years = ((end - start).days + 1) / 365.25
    per_team = (
        staff.assign(
            is_self=staff["self_solvability"].eq("self"),
            movable=staff["self_solvability"].map(movable).astype(float),
            team=staff["team"].astype(str),
        )
        .groupby("team")[["is_self", "movable"]]
        .sum()
    )
    out = base.join(per_team, how="left").fillna({"is_self": 0, "movable": 0})
    out = out.rename(columns={"is_self": "self_tickets"})
    out["rate"] = out["self_tickets"] / out["fte_months"]
    org_rate = out["self_tickets"].sum() / out["fte_months"].sum()
    out["ratio_to_org"] = out["rate"] / org_rate
    for scenario in SCENARIOS:
        out[f"avoidable_{scenario}"] = out["movable"] / years * costs["uptake"][scenario]
    out = out.drop(columns="movable").reset_index()
    values = [c for c in columns if c not in ("team", "n_people", "suppressed")]
    out = protect_table(out, people="n_people", values=values, min_n=min_n)
    return out.sort_values("rate", ascending=False, na_position="last").reset_index(drop=True)[
        columns
    ]


# --------------------------------------------------------------------------------------
# ROI of catalogue actions (Monte Carlo over every input)
# --------------------------------------------------------------------------------------


def _ticket_value_draws(
    tickets: pd.DataFrame, costs: dict, rng: np.random.Generator, n_draws: int, spread: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per-draw mean IT hours, IT euros and waiting euros of one ticket of ``tickets``."""
    n = max(len(tickets), 1)
    line2 = tickets["line"].fillna(1).to_numpy() >= 2
    spent = tickets["time_spent_minutes"].to_numpy(dtype=float)
    has = ~np.isnan(spent)
    wait = float(tickets["resolution_business_hours"].fillna(0).sum()) / n
    known1 = np.sum(np.where(has & ~line2, spent, 0)) / 60 / n
    known2 = np.sum(np.where(has & line2, spent, 0)) / 60 / n
    share_default1 = np.sum(~has & ~line2) / n
    share_default2 = np.sum(~has & line2) / n
    d1 = _triangular(rng, costs["default_handling_minutes"]["line1"], n_draws, spread) / 60
    d2 = _triangular(rng, costs["default_handling_minutes"]["line2"], n_draws, spread) / 60
    r1 = _triangular(rng, costs["it_hourly_cost"]["line1"], n_draws, spread)
    r2 = _triangular(rng, costs["it_hourly_cost"]["line2"], n_draws, spread)
    staff = _triangular(rng, costs["staff_hourly_cost"], n_draws, spread)
    loss = _triangular(rng, costs["productive_loss_share"], n_draws, spread)
    hours1 = known1 + share_default1 * d1
    hours2 = known2 + share_default2 * d2
    return hours1 + hours2, hours1 * r1 + hours2 * r2, wait * staff * loss


def measured_effects(
    evaluated: pd.DataFrame | None, catalogue: dict, self_types: Sequence[str]
) -> dict[str, dict[str, float]]:
    """Effect ranges measured by this organisation's own evaluations, per catalogue action.

    From :func:`selfreliance.evaluation.evaluate_log`'s summary: an evaluated intervention that
    matches a catalogue action, showed fewer tickets (status ``reduced``) and was evaluated on
    at least every question type the action targets gives ``{low: 1 - ci_high, expected:
    1 - irr, high: 1 - ci_low}`` clipped to [0, 1] (the latest start wins). A measurement on
    fewer types, or without a clear change, is cited as evidence but does not replace the
    catalogue's range.
    """
    if evaluated is None or evaluated.empty or "action_id" not in evaluated:
        return {}
    actions = {a["id"]: a for a in catalogue["actions"]}
    out = {}
    for row in evaluated.sort_values("start").to_dict("records"):
        action = actions.get(row.get("action_id"))
        if action is None or row.get("status") != "reduced":
            continue
        measured_types = {t.strip() for t in str(row.get("question_types", "")).split(",")}
        if not set(action_types(action, self_types)) <= measured_types:
            continue
        clip = lambda v: float(min(max(v, 0.0), 1.0))  # noqa: E731
        out[action["id"]] = {
            "low": clip(1 - row["ci_high"]),
            "expected": clip(1 - row["irr"]),
            "high": clip(1 - row["ci_low"]),
        }
    return out


def action_roi(
    tickets: pd.DataFrame,
    people: pd.DataFrame | None,
    catalogue: dict,
    costs: dict,
    self_types: Sequence[str],
    *,
    years: float = 1.0,
    spread: float = 1.0,
    n_draws: int | None = None,
    seed: int = 0,
    measured: dict[str, dict[str, float]] | None = None,
) -> pd.DataFrame:
    """Benefit, cost, ROI and payback of every catalogue action, with Monte Carlo intervals.

    Each draw takes every uncertain input from a triangular distribution between its low and
    high value (``spread`` widens or narrows all ranges around the expected value): the action's
    effect, its one-off and yearly euros and hours, the hourly rates, default handling times
    where the export has no time spent, the share of waiting time lost, and the self-help cost.

    Per draw and per year: ``avoided = tickets in scope per year x effect``; ``gross = avoided x
    (IT cost + lost waiting time - self-help cost) per ticket``; ``running = yearly euros +
    yearly hours x effort rate``; ``net = gross - running``. Over ``horizon_years`` (the effect
    starts after ``lead_time_months``): ``ROI = (gross x active years - total cost) / total
    cost`` with ``total cost = one-off (euros + hours x effort rate) + running x horizon``;
    ``payback_months = lead time + one-off / (net / 12)`` (infinite when net <= 0).
    ``measured`` (from :func:`measured_effects`) replaces an action's catalogue effect range by
    the range this organisation measured itself (``effect_source`` says which was used).

    Returns
    -------
    DataFrame
        One row per action: action_id, direction, effect_source (catalogue | measured),
        effect_low, effect_expected, effect_high, scope_tickets_per_year, avoided_tickets,
        avoided_low, avoided_high, it_hours_freed, net_benefit_eur (per year, median),
        net_low, net_high, one_off_eur, roi, roi_low, roi_high, payback_months, payback_low,
        payback_high, p_payback (share of draws that pay back within the horizon). ``_low`` and
        ``_high`` are the percentiles of the cost model's ``monte_carlo.interval``.
    """
    n_draws = n_draws or int(costs.get("monte_carlo", {}).get("draws", 4000))
    level = float(costs.get("monte_carlo", {}).get("interval", 0.90))
    q_low, q_high = (1 - level) / 2, 1 - (1 - level) / 2
    horizon = float(costs.get("horizon_years", 3))
    effort_rate_spec = costs.get("effort_hourly_cost", costs["staff_hourly_cost"])
    months = int(catalogue.get("onboarding_months", 6))
    rng = np.random.default_rng(seed)
    rows = []
    for action in catalogue["actions"]:
        scope = action_scope(tickets, people, action, self_types, onboarding_months=months)
        per_year = len(scope) / years
        hours, it_eur, wait_eur = _ticket_value_draws(scope, costs, rng, n_draws, spread)
        selfhelp = _triangular(rng, costs["self_help_cost_per_ticket"], n_draws, spread)
        effect_spec = (measured or {}).get(action["id"], action["effect"])
        effect = np.clip(_triangular(rng, effect_spec, n_draws, spread), 0, 1)
        rate = _triangular(rng, effort_rate_spec, n_draws, spread)
        cost = action["cost"]
        one_off = _triangular(rng, cost["one_off_eur"], n_draws, spread) + rate * _triangular(
            rng, cost["effort_hours"], n_draws, spread
        )
        running = _triangular(rng, cost["yearly_eur"], n_draws, spread) + rate * _triangular(
            rng, cost["yearly_effort_hours"], n_draws, spread
        )
        avoided = per_year * effect
        gross = avoided * (it_eur + wait_eur - selfhelp)
        net = gross - running
        lead = float(action.get("lead_time_months", 0))
        active = max(horizon - lead / 12, 0.0)
        total_cost = one_off + running * horizon
        with np.errstate(divide="ignore", invalid="ignore"):
            roi = np.where(total_cost > 0, (gross * active - total_cost) / total_cost, np.inf)
            payback = np.where(net > 0, lead + one_off / (net / 12), np.inf)
        net_value = gross * active - total_cost

        def q(values: np.ndarray, level: float) -> float:
            # Quantiles of draws that may be infinite (payback never reached).
            finite = np.where(np.isinf(values), np.sign(values) * 1e300, values)
            out = float(np.quantile(finite, level))
            return math.copysign(math.inf, out) if abs(out) >= 1e299 else out

        rows.append(
            {
                "action_id": action["id"],
                "direction": action["direction"],
                "effect_source": "measured" if action["id"] in (measured or {}) else "catalogue",
                "effect_low": float(effect_spec["low"]),
                "effect_expected": float(effect_spec["expected"]),
                "effect_high": float(effect_spec["high"]),
                "scope_tickets_per_year": per_year,
                "avoided_tickets": q(avoided, 0.5),
                "avoided_low": q(avoided, q_low),
                "avoided_high": q(avoided, q_high),
                "it_hours_freed": q(avoided * hours, 0.5),
                "net_benefit_eur": q(net, 0.5),
                "net_low": q(net, q_low),
                "net_high": q(net, q_high),
                "one_off_eur": q(one_off, 0.5),
                "net_value_eur": q(net_value, 0.5),
                "net_value_low": q(net_value, q_low),
                "net_value_high": q(net_value, q_high),
                "roi": q(roi, 0.5),
                "roi_low": q(roi, q_low),
                "roi_high": q(roi, q_high),
                "payback_months": q(payback, 0.5),
                "payback_low": q(payback, q_low),
                "payback_high": q(payback, q_high),
                "p_payback": float(np.mean(payback <= horizon * 12)),
            }
        )
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------------------
# From diagnosis to advice
# --------------------------------------------------------------------------------------

EVIDENCE_ORDER = ("measured", "supported", "volume", "inconclusive", "not_tested", "contrary")
TIERS = ("recommended", "pilot", "not_now")


def _evidence(action: dict, hypotheses: pd.DataFrame | None) -> tuple[str, list[tuple[str, str]]]:
    """Evidence status of an action from the hypothesis table, with the verdict lines it cites
    as (Dutch, English) pairs."""
    ids = list(action.get("hypotheses") or [])
    if not ids:
        return "volume", []
    if hypotheses is None or hypotheses.empty:
        return "not_tested", [
            (
                f"{h}: nog niet getoetst (de analyse is nog niet uitgevoerd).",
                f"{h}: not tested yet (the analysis has not been run).",
            )
            for h in ids
        ]
    table = hypotheses.set_index("hypothesis_id")
    lines, statuses = [], []
    for h in ids:
        if h not in table.index:
            lines.append(
                (
                    f"{h}: staat niet in de hypothesetabel van de analyse.",
                    f"{h}: is not in the analysis's hypothesis table.",
                )
            )
            statuses.append("not_testable")
            continue
        status = str(table.loc[h, "status"])
        statuses.append(status)
        en = table.loc[h, "verdict_en"] if "verdict_en" in table.columns else None
        nl = table.loc[h, "verdict_nl"]
        lines.append((f"{h}: {nl}", f"{h}: {en if isinstance(en, str) and en else nl}"))
    if "supported" in statuses:
        return "supported", lines
    if "contrary" in statuses and "not_supported" not in statuses:
        return "contrary", lines
    if "not_supported" in statuses or "contrary" in statuses:
        return "inconclusive", lines
    return "not_tested", lines


def rank_actions(
    roi: pd.DataFrame,
    catalogue: dict,
    *,
    hypotheses: pd.DataFrame | None,
    tickets: pd.DataFrame,
    people: pd.DataFrame | None,
    teams: pd.DataFrame | None,
    codebook: Any,
    years: float = 1.0,
    evaluated: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Rank the catalogue's actions with this organisation's own evidence.

    Evidence per action: ``measured`` (the organisation's own evaluation of this action, from
    ``evaluated`` = :func:`selfreliance.evaluation.evaluate_log`'s summary, showed fewer
    tickets), ``supported`` (a hypothesis behind its cause holds), ``volume`` (the
    action works on the targeted tickets directly, whatever their cause), ``inconclusive`` (its
    hypotheses were tested and not supported: no effect shown, which is not 'no effect'),
    ``not_tested`` (no analyse results, or not testable), ``contrary`` (the data point the other
    way). Tier: ``recommended`` when the evidence is measured, supported or volume and the median net
    value over the horizon (benefit minus every cost) is positive; ``pilot`` when it is positive
    but the cause is not shown (recommended only as a measured pilot, and the text says so);
    ``not_now`` when the evidence is contrary or the median net value is not positive. Within a
    tier: highest median net value first. Benefits of actions on the same question types do not add up.

    Returns
    -------
    DataFrame
        rank, action_id, name, name_en, direction, direction_nl, direction_en, com_b,
        evidence, tier, evidence_nl and evidence_en (Markdown lines citing the hypotheses'
        verdicts, the load in tickets and the teams), and the ROI columns of
        :func:`action_roi`.
    """
    actions = {a["id"]: a for a in catalogue["actions"]}
    total = len(tickets) / years
    self_types = self_solvable_types(codebook)
    months = int(catalogue.get("onboarding_months", 6))
    visible_teams = (
        teams.loc[(teams["suppressed"] == "") & (teams["ratio_to_org"] >= 1.2)]
        if teams is not None and not teams.empty
        else None
    )
    rows = []
    for record in roi.to_dict("records"):
        action = actions[record["action_id"]]
        evidence, lines = _evidence(action, hypotheses)
        types = action_types(action, self_types)
        known = [t for t in types if t in codebook.types.index]
        labels = {lang: ", ".join(codebook.label(t, lang) for t in known) for lang in ("nl", "en")}
        in_types = tickets["question_type"].isin(types).sum() / years
        share = in_types / total if total else float("nan")
        lines.append(
            (
                f"Volume: {fmt_number(in_types, 0)} tickets per jaar over {labels['nl']} "
                f"({fmt_pct(share)} van alle tickets).",
                f"Volume: {fmt_number(in_types, 0, 'en')} tickets a year on {labels['en']} "
                f"({fmt_pct(share, lang='en')} of all tickets).",
            )
        )
        if action["scope"] == "onboarding":
            lines.append(
                (
                    f"Daarvan van medewerkers in hun eerste {months} maanden: "
                    f"{fmt_number(record['scope_tickets_per_year'], 0)} per jaar.",
                    f"Of these, from staff in their first {months} months: "
                    f"{fmt_number(record['scope_tickets_per_year'], 0, 'en')} a year.",
                )
                if people is not None
                else (
                    "Zonder personeelslijst is niet te zien welke tickets van nieuwe medewerkers komen.",
                    "Without a staff roster it cannot be seen which tickets come from new staff.",
                )
            )
        if action["direction"] in {"managers", "peers", "competency"} and visible_teams is not None:
            top = visible_teams.head(4)
            if len(top):
                named = ", ".join(
                    f"{r.team} ({fmt_number(r.ratio_to_org, 1)} x het gemiddelde)"
                    for r in top.itertuples()
                )
                named_en = ", ".join(
                    f"{r.team} ({fmt_number(r.ratio_to_org, 1, 'en')} x the average)"
                    for r in top.itertuples()
                )
                lines.append(
                    (
                        f"Start bij de teams met de hoogste last per VTE-maand: {named}.",
                        f"Start with the teams with the highest load per FTE-month: {named_en}.",
                    )
                )
        own = (
            evaluated.loc[evaluated["action_id"] == action["id"]]
            if evaluated is not None and not evaluated.empty and "action_id" in evaluated
            else pd.DataFrame()
        )
        for ev in own.to_dict("records"):
            all_teams = ev["teams"] == "alle teams"
            n_teams = len(str(ev["teams"]).split("|"))
            where = "alle teams" if all_teams else f"{n_teams} teams"
            where_en = "all teams" if all_teams else f"{n_teams} teams"
            if ev.get("status") == "not_evaluable" or pd.isna(ev.get("irr")):
                lines.append(
                    (
                        f"Eigen meting: '{ev['name']}' (logboek) is nog niet te beoordelen.",
                        f"Own measurement: '{ev['name']}' (log) cannot be judged yet.",
                    )
                )
                continue

            def measured_on(lang: str, ev: dict = ev) -> str:
                return ", ".join(
                    codebook.label(t.strip(), lang)
                    if t.strip() in codebook.types.index
                    else t.strip()
                    for t in str(ev.get("question_types", "")).split(",")
                )

            used = record.get("effect_source") == "measured"
            unclear = ev.get("status") == "no_clear_change"
            lines.append(
                (
                    f"Eigen meting: '{ev['name']}' loopt sinds {ev['start']:%d/%m/%Y} in {where}; "
                    f"daarna {fmt_number(ev['irr'], 2)} keer zoveel tickets ({measured_on('nl')}) "
                    f"als verwacht (95%-BI {fmt_number(ev['ci_low'], 2)} tot "
                    f"{fmt_number(ev['ci_high'], 2)})"
                    + (
                        ". De opbrengst hieronder rekent met dit gemeten effect; het advies gaat "
                        "over uitbreiding naar wie nog niet meedoet."
                        if used
                        else (": geen duidelijke verandering." if unclear else ".")
                    ),
                    f"Own measurement: '{ev['name']}' has run since {ev['start']:%d/%m/%Y} in "
                    f"{where_en}; since then {fmt_number(ev['irr'], 2, 'en')} times as many "
                    f"tickets ({measured_on('en')}) as expected (95% CI "
                    f"{fmt_number(ev['ci_low'], 2, 'en')} to {fmt_number(ev['ci_high'], 2, 'en')})"
                    + (
                        ". The benefit below uses this measured effect; the advice is about "
                        "extending it to those not yet taking part."
                        if used
                        else (": no clear change." if unclear else ".")
                    ),
                )
            )
            if ev.get("status") == "reduced" and used:
                evidence = "measured"
        effect = action["effect"]
        if record.get("effect_source") != "measured" and action.get("assumption"):
            source = " ".join(str(action["source"]).split())
            source_en = " ".join(str(action.get("source_en", action["source"])).split())
            lines.append(
                (
                    f"Het verwachte effect ({fmt_pct(effect['low'])} tot {fmt_pct(effect['high'])} "
                    f"minder tickets, verwacht {fmt_pct(effect['expected'])}) is een aanname: "
                    f"{source}",
                    f"The expected effect ({fmt_pct(effect['low'], lang='en')} to "
                    f"{fmt_pct(effect['high'], lang='en')} fewer tickets, expected "
                    f"{fmt_pct(effect['expected'], lang='en')}) is an assumption: {source_en}",
                )
            )
        positive = record["net_value_eur"] > 0
        if evidence == "contrary":
            tier = "not_now"
            lines.append(
                (
                    "De data wijzen in de andere richting dan deze actie veronderstelt.",
                    "The data point the other way from what this action assumes.",
                )
            )
        elif not positive and evidence == "measured":
            tier = "not_now"
            lines.append(
                (
                    "De actie werkt in onze eigen meting, maar met de kosten uit de catalogus "
                    "verdient ze zich in euro niet terug binnen de looptijd. Een deel van die kost "
                    "is in de proef al gemaakt, dus uitbreiden kan goedkoper zijn; weeg ook de "
                    "kortere wachttijd mee.",
                    "The action works in our own measurement, but with the catalogue's costs it "
                    "does not pay for itself in euros within the horizon. Part of that cost was "
                    "already spent in the pilot, so extending it can be cheaper; weigh the shorter "
                    "waiting time too.",
                )
            )
        elif not positive:
            tier = "not_now"
            lines.append(
                (
                    "Bij de verwachte waarden verdient de actie zich binnen de looptijd van de "
                    "berekening niet terug; ze kan wel om andere redenen (wachttijd, werkcomfort) "
                    "zinvol zijn.",
                    "At the expected values the action does not pay for itself within the "
                    "horizon of the calculation; it can still make sense for other reasons "
                    "(waiting time, comfort at work).",
                )
            )
        elif evidence in {"measured", "supported", "volume"}:
            tier = "recommended"
        else:
            tier = "pilot"
            lines.append(
                (
                    "De oorzaak die deze actie aanpakt is in onze data niet aangetoond: enkel als "
                    "proef met een meting vooraf en achteraf, niet als zekerheid.",
                    "The cause this action addresses is not shown in our data: only as a pilot "
                    "with a measurement before and after, not as a certainty.",
                )
            )
        rows.append(
            {
                "action_id": action["id"],
                "name": action["name_nl"],
                "name_en": action.get("name_en", action["name_nl"]),
                "direction": action["direction"],
                "direction_nl": catalogue["directions"][action["direction"]]["nl"],
                "direction_en": catalogue["directions"][action["direction"]].get("en", ""),
                "com_b": ", ".join(action["com_b"].get("functions", [])),
                "evidence": evidence,
                "tier": tier,
                "evidence_nl": "\n".join(f"- {nl}" for nl, _ in lines),
                "evidence_en": "\n".join(f"- {en}" for _, en in lines),
                **{k: v for k, v in record.items() if k not in ("action_id", "direction")},
            }
        )
    out = pd.DataFrame(rows)
    out["_tier"] = out["tier"].map({t: i for i, t in enumerate(TIERS)})
    out = out.sort_values(["_tier", "net_value_eur"], ascending=[True, False]).drop(columns="_tier")
    out.insert(0, "rank", np.arange(1, len(out) + 1))
    return out.reset_index(drop=True)


def read_hypotheses(results_folder: str | Path) -> pd.DataFrame | None:
    """The analyse step's hypothesis table of a quarter, or ``None`` when it was not run yet."""
    path = Path(results_folder) / "analyse_hypotheses.parquet"
    return pd.read_parquet(path) if path.exists() else None
