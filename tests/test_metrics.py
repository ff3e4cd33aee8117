"""Diagnose metrics on small hand-computed cases."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from selfreliance import metrics
from selfreliance.categorise import load_codebook

TZ = "Europe/Brussels"


def _tickets() -> pd.DataFrame:
    opened = pd.to_datetime(
        [
            "2026-07-06 09:00",
            "2026-07-06 10:00",
            "2026-07-08 11:00",
            "2026-07-20 14:00",
            "2026-08-03 09:00",
        ]
    ).tz_localize(TZ)
    return pd.DataFrame(
        {
            "ticket_id": ["a", "b", "c", "d", "e"],
            "opened_at": opened,
            "requester_kind": ["staff", "staff", "staff", "system", "staff"],
            "self_solvability": ["self", "self", "it", "it", "partly"],
            "question_type": [
                "password_mfa",
                "password_mfa",
                "hardware_defect",
                "network",
                "printer_scanning",
            ],
            "line": pd.array([1, 1, 2, 2, None], dtype="Float64"),
            "time_spent_minutes": [10.0, 20.0, 90.0, np.nan, 30.0],
            "response_business_hours": [0.5, 1.0, 2.0, 0.1, 4.0],
            "resolution_business_hours": [1.0, 2.0, 10.0, 1.0, 6.0],
            "resolution_hours": [1.0, 2.0, 30.0, 1.0, 6.0],
            "is_reopened": [False, True, False, False, False],
        }
    )


def _people() -> pd.DataFrame:
    # Two people over July-September 2026 (92 days): 1.0 FTE all quarter, 0.5 FTE from 1 September.
    return pd.DataFrame(
        {
            "hire_date": pd.to_datetime(["2020-01-01", "2026-09-01"]),
            "exit_date": pd.to_datetime([None, None]),
            "fte": [1.0, 0.5],
        }
    )


def test_volume_summary_by_hand():
    start, end = pd.Timestamp("2026-07-01"), pd.Timestamp("2026-09-30")
    summary = metrics.volume_summary(_tickets(), _people(), start, end).set_index("metric")["value"]
    assert summary["tickets"] == 5
    assert summary["self_solvable_share"] == pytest.approx(2 / 5)
    assert summary["partly_share"] == pytest.approx(1 / 5)
    exposure = (92 + 0.5 * 30) / 30.4375  # FTE-months
    assert summary["tickets_per_fte_month"] == pytest.approx(4 / exposure)  # system ticket excluded
    assert summary["self_solvable_per_fte_month"] == pytest.approx(2 / exposure)
    assert summary["median_resolution_business_hours"] == 2.0
    assert summary["reopened_share"] == pytest.approx(0.2)
    assert summary["it_hours_spent"] == pytest.approx(150 / 60)


def test_in_period_includes_the_whole_last_day():
    tickets = _tickets()
    assert list(
        metrics.in_period(tickets, pd.Timestamp("2026-07-06"), pd.Timestamp("2026-07-08"))[
            "ticket_id"
        ]
    ) == ["a", "b", "c"]


def test_type_breakdown_lists_every_codebook_type():
    codebook = load_codebook()
    types = metrics.type_breakdown(_tickets(), codebook)
    assert set(types["question_type"]) == set(codebook.types.index)
    row = types.set_index("question_type").loc["password_mfa"]
    assert row["n"] == 2 and row["share"] == pytest.approx(0.4)
    assert types["n"].is_monotonic_decreasing


def test_weekly_counts_fill_empty_weeks():
    weekly = metrics.weekly_counts(_tickets(), by=None)
    # Weeks of 6 July to 3 August: five Mondays, of which 13 and 27 July have no tickets.
    assert weekly["week"].dt.strftime("%m-%d").tolist() == [
        "07-06",
        "07-13",
        "07-20",
        "07-27",
        "08-03",
    ]
    assert weekly["n"].tolist() == [3, 0, 1, 0, 1]


def test_ticket_cost_uses_defaults_where_time_is_missing():
    costs = metrics.load_costs()
    cost = metrics.ticket_cost(_tickets(), costs)
    rate1 = costs["it_hourly_cost"]["line1"]["expected"]
    rate2 = costs["it_hourly_cost"]["line2"]["expected"]
    default2 = costs["default_handling_minutes"]["line2"]["expected"]
    assert cost.loc[0, "it_cost"] == pytest.approx(10 / 60 * rate1)
    assert cost.loc[3, "it_cost"] == pytest.approx(default2 / 60 * rate2)  # no time spent, line 2
    assert cost.loc[4, "it_cost"] == pytest.approx(
        30 / 60 * rate1
    )  # missing line counts as first line
    loss = costs["staff_hourly_cost"]["expected"] * costs["productive_loss_share"]["expected"]
    assert cost.loc[2, "waiting_cost"] == pytest.approx(10 * loss)


def test_classification_check_against_hand_values():
    tickets = pd.DataFrame(
        {
            "ticket_id": list("abcd"),
            "question_type": ["x", "x", "y", "y"],
            "self_solvability": ["self", "it", "it", "it"],
        }
    )
    labels = pd.DataFrame(
        {
            "ticket_id": list("abcd"),
            "question_type": ["x", "y", "y", "y"],
            "self_solvability": ["self", "it", "it", "it"],
        }
    )
    check = metrics.classification_check(tickets, labels).set_index("target")
    assert check.loc["question_type", "accuracy"] == pytest.approx(0.75)
    # po = 0.75; pe = 0.5*0.25 + 0.5*0.75 = 0.5 -> kappa = (0.75 - 0.5) / 0.5 = 0.5
    assert check.loc["question_type", "kappa"] == pytest.approx(0.5)
    assert check.loc["self_solvability", "accuracy"] == 1.0


def test_quarter_trend():
    trend = metrics.quarter_trend(_tickets())
    assert trend["quarter"].tolist() == ["2026Q3"]
    assert trend["tickets"].tolist() == [5]
