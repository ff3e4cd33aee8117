"""Savings potential and its Monte Carlo interval."""

from __future__ import annotations

import copy

import pandas as pd
import pytest

from selfreliance import interventions, metrics


def _tickets() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "question_type": ["password_mfa"] * 6
            + ["printer_scanning"] * 4
            + ["hardware_defect"] * 2,
            "self_solvability": ["self"] * 6 + ["partly"] * 4 + ["it"] * 2,
            "line": pd.array([1.0] * 10 + [2.0] * 2, dtype="Float64"),
            "time_spent_minutes": [12.0] * 10 + [60.0] * 2,
            "resolution_business_hours": [2.0] * 12,
        }
    )


def test_avoidable_tickets_by_hand():
    costs = metrics.load_costs()
    table = interventions.avoidable_tickets(_tickets(), costs, years=0.5).set_index("question_type")
    assert "hardware_defect" not in table.index
    assert table.loc["password_mfa", "tickets_per_year"] == 12
    assert table.loc["printer_scanning", "avoidable_expected"] == pytest.approx(
        8 * costs["partly_share"] * costs["uptake"]["expected"]
    )


def test_savings_without_uncertainty_equal_the_hand_formula():
    costs = metrics.load_costs()
    out = interventions.savings_simulation(_tickets(), costs, spread=0.0, n_draws=10).set_index(
        "scenario"
    )
    movable = 6 + 4 * costs["partly_share"]
    it = movable * 12 / 60 * costs["it_hourly_cost"]["line1"]["expected"]
    waiting = (
        movable
        * 2
        * costs["staff_hourly_cost"]["expected"]
        * costs["productive_loss_share"]["expected"]
    )
    per_ticket = (it + waiting) / movable - costs["self_help_cost_per_ticket"]["expected"]
    uptake = costs["uptake"]["expected"]
    assert out.loc["expected", "savings_eur"] == pytest.approx(movable * uptake * per_ticket)
    assert out.loc["expected", "savings_low"] == pytest.approx(out.loc["expected", "savings_high"])


def test_cost_parameter_changes_the_savings():
    costs = metrics.load_costs()
    dearer = copy.deepcopy(costs)
    dearer["it_hourly_cost"]["line1"] = {"expected": 90, "low": 80, "high": 100}
    base = interventions.savings_simulation(_tickets(), costs).set_index("scenario")["savings_eur"]
    more = interventions.savings_simulation(_tickets(), dearer).set_index("scenario")["savings_eur"]
    assert (more > base).all()


def test_interval_widens_with_input_uncertainty():
    costs = metrics.load_costs()
    narrow = (
        interventions.savings_simulation(_tickets(), costs, spread=0.5)
        .set_index("scenario")
        .loc["expected"]
    )
    wide = (
        interventions.savings_simulation(_tickets(), costs, spread=1.5)
        .set_index("scenario")
        .loc["expected"]
    )
    assert (wide["savings_high"] - wide["savings_low"]) > (
        narrow["savings_high"] - narrow["savings_low"]
    )


def test_payback_months():
    savings = pd.DataFrame({"scenario": ["expected"], "savings_eur": [12000.0]})
    log = pd.DataFrame({"cost_eur": [3000.0, 3000.0]})
    out = interventions.cumulative_cost_benefit(savings, log)
    assert out.loc[0, "payback_months"] == pytest.approx(6.0)
