"""Intervene: the savings potential of moving self-solvable questions to self-help.

A first cost/benefit view. The potential counts the tickets of the past twelve months whose
question type is self-solvable (and a fixed share of the partly self-solvable ones), times
the uptake of each scenario. Each avoided ticket saves its IT handling cost and the requester's
lost waiting time, minus the cost of the self-help route. Uncertainty comes from drawing the
cost inputs from triangular distributions between their low and high values (Monte Carlo).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

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
