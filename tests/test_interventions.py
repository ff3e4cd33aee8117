"""Savings potential, the intervention catalogue, ROI with Monte Carlo intervals, and advice."""

from __future__ import annotations

import copy

import numpy as np
import pandas as pd
import pytest
import yaml

from selfreliance import interventions, metrics
from selfreliance.categorise import load_codebook
from selfreliance.errors import SelfRelianceError


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


# --------------------------------------------------------------------------------------
# Catalogue, ROI and advice
# --------------------------------------------------------------------------------------

SELF_TYPES = ["password_mfa", "account_lockout", "mail_calendar"]


def _catalogue_one(effect=None, cost=None, hypotheses=(), types=("password_mfa",)) -> dict:
    zero = {"low": 0, "expected": 0, "high": 0}
    return {
        "onboarding_months": 6,
        "directions": {"self_help": {"nl": "Zelfhulp"}},
        "actions": [
            {
                "id": "reset",
                "direction": "self_help",
                "name_nl": "Reset",
                "name_en": "Reset",
                "what_nl": "",
                "com_b": {"functions": ["enablement"]},
                "hypotheses": list(hypotheses),
                "question_types": list(types),
                "scope": "all",
                "effect": effect or {"low": 0.5, "expected": 0.5, "high": 0.5},
                "assumption": True,
                "source": "test",
                "lead_time_months": 0,
                "cost": cost
                or {
                    "one_off_eur": {"low": 600, "expected": 600, "high": 600},
                    "yearly_eur": zero,
                    "effort_hours": zero,
                    "yearly_effort_hours": zero,
                },
            }
        ],
    }


def test_shipped_catalogue_has_the_four_client_directions_and_self_help():
    catalogue = interventions.load_catalogue()
    client = {k for k, v in catalogue["directions"].items() if v.get("client")}
    assert client == {"procedures", "competency", "onboarding", "managers"}
    ids = {a["id"] for a in catalogue["actions"]}
    assert {"knowledge_articles", "howto_videos", "self_service_password_reset"} <= ids
    for action in catalogue["actions"]:
        assert action["com_b"]["functions"], action["id"]
        assert action["assumption"] or action["source"], action["id"]
        assert {"one_off_eur", "effort_hours"} <= set(action["cost"])


def test_catalogue_errors_name_the_action_and_field(tmp_path):
    bad = _catalogue_one(effect={"low": 0.6, "expected": 0.5, "high": 0.7})
    path = tmp_path / "catalogue.yml"
    path.write_text(yaml.safe_dump(bad), encoding="utf-8")
    with pytest.raises(SelfRelianceError, match=r"action reset, effect"):
        interventions.load_catalogue(path)


def _roi_tickets(copies: int = 1) -> pd.DataFrame:
    frame = pd.concat([_tickets()] * copies, ignore_index=True)
    return frame.assign(
        ticket_id=[f"T{i}" for i in range(len(frame))],
        opened_at=pd.Timestamp("2026-03-02 10:00", tz="Europe/Brussels"),
    )


def test_roi_without_uncertainty_equals_the_hand_formula():
    costs = metrics.load_costs()
    out = interventions.action_roi(
        _roi_tickets(), None, _catalogue_one(), costs, SELF_TYPES, spread=0.0, n_draws=20
    ).iloc[0]
    # 6 password tickets a year, effect 0.5: 3 avoided, each worth 12 min IT at the line-1 rate
    # + 2 h waiting x staff rate x loss share - the self-help cost.
    per_ticket = (
        12 / 60 * costs["it_hourly_cost"]["line1"]["expected"]
        + 2 * costs["staff_hourly_cost"]["expected"] * costs["productive_loss_share"]["expected"]
        - costs["self_help_cost_per_ticket"]["expected"]
    )
    gross = 3 * per_ticket
    horizon = costs["horizon_years"]
    assert out["avoided_tickets"] == pytest.approx(3)
    assert out["net_benefit_eur"] == pytest.approx(gross)
    assert out["roi"] == pytest.approx((gross * horizon - 600) / 600)
    assert out["payback_months"] == pytest.approx(600 / (gross / 12))
    assert out["roi_low"] == pytest.approx(out["roi_high"])


def test_cost_parameter_changes_the_roi_and_payback():
    costs = metrics.load_costs()
    dearer = copy.deepcopy(costs)
    dearer["it_hourly_cost"]["line1"] = {"expected": 90, "low": 80, "high": 100}
    catalogue = interventions.load_catalogue()
    base = interventions.action_roi(_roi_tickets(), None, catalogue, costs, SELF_TYPES)
    more = interventions.action_roi(_roi_tickets(), None, catalogue, dearer, SELF_TYPES)
    reached = base["avoided_tickets"] > 0
    assert (more.loc[reached, "roi"] > base.loc[reached, "roi"]).all()
    assert (more.loc[reached, "net_value_eur"] > base.loc[reached, "net_value_eur"]).all()
    finite = reached & np.isfinite(base["payback_months"])
    assert (more.loc[finite, "payback_months"] < base.loc[finite, "payback_months"]).all()


def test_roi_interval_widens_with_input_uncertainty():
    costs = metrics.load_costs()
    catalogue = interventions.load_catalogue()
    tickets = _roi_tickets(100)
    narrow = interventions.action_roi(tickets, None, catalogue, costs, SELF_TYPES, spread=0.5)
    wide = interventions.action_roi(tickets, None, catalogue, costs, SELF_TYPES, spread=1.5)
    reached = narrow["scope_tickets_per_year"] > 0
    narrow, wide = narrow.loc[reached], wide.loc[reached]
    assert ((wide["roi_high"] - wide["roi_low"]) > (narrow["roi_high"] - narrow["roi_low"])).all()
    assert ((wide["net_high"] - wide["net_low"]) > (narrow["net_high"] - narrow["net_low"])).all()


def _hypotheses(status: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "hypothesis_id": ["H4"],
            "status": [status],
            "irr": [0.8],
            "ci_low": [0.7],
            "ci_high": [0.9],
            "q_val": [0.01],
            "construct": ["capability"],
            "verdict_nl": [f"verdict {status}"],
        }
    )


@pytest.mark.parametrize(
    ("status", "evidence", "tier"),
    [
        ("supported", "supported", "recommended"),
        ("not_supported", "inconclusive", "pilot"),
        ("contrary", "contrary", "not_now"),
        (None, "not_tested", "pilot"),
    ],
)
def test_rank_actions_never_recommends_on_an_inconclusive_result_silently(status, evidence, tier):
    costs = metrics.load_costs()
    catalogue = _catalogue_one(hypotheses=["H4"])
    tickets = _roi_tickets(100)  # 600 password tickets a year: the action pays for itself
    roi = interventions.action_roi(
        tickets, None, catalogue, costs, SELF_TYPES, spread=0.0, n_draws=10
    )
    ranked = interventions.rank_actions(
        roi, catalogue, hypotheses=_hypotheses(status) if status else None, tickets=tickets,
        people=None, teams=None, codebook=load_codebook(),
    )  # fmt: skip
    row = ranked.iloc[0]
    assert (row["evidence"], row["tier"]) == (evidence, tier)
    assert "H4" in row["evidence_nl"]
    if tier == "pilot":
        assert "niet aangetoond" in row["evidence_nl"]


def test_rank_actions_orders_by_net_value_within_a_tier():
    costs = metrics.load_costs()
    ranked = interventions.rank_actions(
        interventions.action_roi(_roi_tickets(), None, interventions.load_catalogue(), costs, SELF_TYPES),
        interventions.load_catalogue(), hypotheses=None, tickets=_roi_tickets(), people=None,
        teams=None, codebook=load_codebook(),
    )  # fmt: skip
    order = {t: i for i, t in enumerate(interventions.TIERS)}
    keys = list(zip(ranked["tier"].map(order), -ranked["net_value_eur"], strict=True))
    assert keys == sorted(keys)
    assert ranked["rank"].tolist() == list(range(1, len(ranked) + 1))


def test_measured_effect_replaces_the_catalogue_range_only_when_it_covers_the_types():
    catalogue = _catalogue_one(types=("password_mfa", "account_lockout"))
    evaluated = pd.DataFrame(
        {
            "action_id": ["reset", "reset"],
            "status": ["reduced", "reduced"],
            "question_types": ["password_mfa, account_lockout", "password_mfa"],
            "irr": [0.5, 0.4],
            "ci_low": [0.4, 0.3],
            "ci_high": [0.7, 0.6],
            "start": pd.to_datetime(["2026-01-12", "2026-03-01"]),
        }
    )
    measured = interventions.measured_effects(evaluated, catalogue, SELF_TYPES)
    assert measured["reset"] == pytest.approx({"low": 0.3, "expected": 0.5, "high": 0.6})


def test_team_load_suppresses_small_teams_with_complementary_suppression():
    people = pd.DataFrame(
        {
            "person_key": [f"p{i}" for i in range(15)],
            "team": ["A"] * 8 + ["B"] * 3 + ["C"] * 4,
            "hire_date": pd.Timestamp("2020-01-01"),
            "exit_date": pd.NaT,
            "fte": 1.0,
        }
    )
    tickets = pd.DataFrame(
        {
            "ticket_id": [f"t{i}" for i in range(15)],
            "opened_at": pd.Timestamp("2026-02-02 10:00", tz="Europe/Brussels"),
            "requester_kind": "staff",
            "team": people["team"],
            "self_solvability": "self",
        }
    )
    out = interventions.team_load(
        tickets,
        people,
        metrics.load_costs(),
        pd.Timestamp("2026-01-01"),
        pd.Timestamp("2026-03-31"),
    ).set_index("team")
    # B and C (fewer than 5 people) are hidden; A alone stays visible.
    assert out.loc["B", "suppressed"] == "primary" and out.loc["C", "suppressed"] == "primary"
    assert np.isnan(out.loc["B", "rate"]) and np.isnan(out.loc["C", "self_tickets"])
    assert out.loc["A", "self_tickets"] == 8


def test_team_load_complementary_suppression_hides_a_second_team():
    people = pd.DataFrame(
        {
            "person_key": [f"p{i}" for i in range(19)],
            "team": ["A"] * 8 + ["B"] * 3 + ["C"] * 8,
            "hire_date": pd.Timestamp("2020-01-01"),
            "exit_date": pd.NaT,
            "fte": 1.0,
        }
    )
    tickets = pd.DataFrame(
        {
            "ticket_id": ["t1"],
            "opened_at": pd.Timestamp("2026-02-02 10:00", tz="Europe/Brussels"),
            "requester_kind": "staff",
            "team": ["A"],
            "self_solvability": "self",
        }
    )
    out = interventions.team_load(
        tickets,
        people,
        metrics.load_costs(),
        pd.Timestamp("2026-01-01"),
        pd.Timestamp("2026-03-31"),
    )
    assert sorted(out["suppressed"]) == ["", "complementary", "primary"]
