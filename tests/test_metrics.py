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
    # the interval is the Fleiss-Cohen-Everitt one of labelling.cohen_kappa, around kappa
    assert check.loc["question_type", "ci_low"] < 0.5 < check.loc["question_type", "ci_high"]
    assert check.loc["self_solvability", "accuracy"] == 1.0


def test_quarter_trend():
    trend = metrics.quarter_trend(_tickets())
    assert trend["quarter"].tolist() == ["2026Q3"]
    assert trend["tickets"].tolist() == [5]


# --- deeper diagnose metrics ------------------------------------------------------------------


def _ts(values) -> pd.Series:
    return pd.Series(pd.to_datetime(values).tz_localize(TZ))


def test_backlog_counts_open_tickets_at_each_period_end():
    # Week 1 ends Sun 2026-07-12, week 2 ends Sun 2026-07-19.
    tickets = pd.DataFrame(
        {
            "opened_at": _ts(
                ["2026-07-06 09:00", "2026-07-07 09:00", "2026-07-10 09:00", "2026-07-14 09:00"]
            ),
            "resolved_at": _ts(["2026-07-08 09:00", None, "2026-07-15 09:00", None]),
            "closed_at": _ts(["2026-07-08 10:00", "2026-07-13 09:00", "2026-07-15 10:00", None]),
        }
    )
    out = metrics.backlog(tickets, freq="W")
    # end of week 1: b (closed only on the 13th) and c (resolved the 15th) are open -> 2
    # end of week 2: d (never resolved) -> 1; a, b, c are done
    assert out["open_tickets"].tolist() == [2, 1]
    assert out["period_end"].tolist() == [pd.Timestamp("2026-07-12"), pd.Timestamp("2026-07-19")]


def test_repeat_rate_same_person_same_type_within_days():
    tickets = pd.DataFrame(
        {
            "requester_key": ["p1", "p1", "p1", "p2", "p2", pd.NA, "p3"],
            "requester_kind": ["staff"] * 5 + ["external", "staff"],
            "question_type": ["pw", "pw", "pw", "pw", "mail", "pw", "pw"],
            "self_solvability": ["self"] * 7,
            "opened_at": _ts(
                [
                    "2026-01-01",
                    "2026-02-01",  # 31 days after p1's first pw -> repeat
                    "2026-07-01",  # 150 days after the previous -> not a repeat
                    "2026-01-05",
                    "2026-01-06",  # other type -> not a repeat
                    "2026-01-07",  # no requester key -> not counted
                    "2026-01-08",
                ]
            ),
        }
    )
    out = metrics.repeat_rate(tickets, days=90).set_index("question_type")
    assert out.loc["all", "tickets"] == 6
    assert out.loc["all", "repeat_tickets"] == 1
    assert out.loc["all", "repeat_rate"] == pytest.approx(1 / 6)
    assert out.loc["pw", "repeat_rate"] == pytest.approx(1 / 5)
    # with a longer window the July ticket also repeats
    assert (
        metrics.repeat_rate(tickets, days=200)
        .set_index("question_type")
        .loc["all", "repeat_tickets"]
        == 2
    )
    # counting only February onwards still looks back into January
    feb = metrics.repeat_rate(
        tickets, days=90, start=pd.Timestamp("2026-02-01"), end=pd.Timestamp("2026-12-31")
    ).set_index("question_type")
    assert (feb.loc["all", "tickets"], feb.loc["all", "repeat_tickets"]) == (2, 1)


def test_gini_and_top_share_hand_values():
    assert float(metrics.gini([1, 1, 1, 1])) == pytest.approx(0.0)
    # sorted 0,0,1,3: 2*(1*0+2*0+3*1+4*3)/(4*4) - 5/4 = 30/16 - 20/16 = 0.625
    assert float(metrics.gini([3, 0, 1, 0])) == pytest.approx(0.625)
    # 10 people: top 10% is one person
    assert float(metrics.top_share([5] + [1] * 9)) == pytest.approx(5 / 14)


def test_concentration_against_chance():
    start, end = pd.Timestamp("2026-07-01"), pd.Timestamp("2026-09-30")
    people = pd.DataFrame(
        {
            "person_key": [f"p{i}" for i in range(10)],
            "hire_date": pd.to_datetime(["2020-01-01"] * 9 + ["2027-01-01"]),  # p9 not yet hired
            "exit_date": pd.to_datetime([None] * 10),
            "fte": [1.0] * 10,
        }
    )
    keys = ["p0"] * 6 + ["p1", "p2", "p3"]
    tickets = pd.DataFrame(
        {
            "requester_key": keys + ["p4"],
            "requester_kind": ["staff"] * 10,
            "self_solvability": ["self"] * 9 + ["it"],
            "opened_at": _ts(["2026-08-03 10:00"] * 10),
        }
    )
    out = metrics.concentration(tickets, people, start, end).set_index("metric")["value"]
    assert out["people"] == 9  # p9 had no exposure
    assert out["tickets"] == 9  # the 'it' ticket does not count
    assert out["share_people_without"] == pytest.approx(5 / 9)
    # sorted 0,0,0,0,0,1,1,1,6: sum(i*x) = 6+7+8+54 = 75 -> 2*75/(9*9) - 10/9
    assert out["gini"] == pytest.approx(150 / 81 - 10 / 9)
    assert out["top10_share"] == pytest.approx(6 / 9)  # ceil(0.9) = one person
    # equal exposure: chance spreads far more evenly than observed
    assert out["gini_chance"] < out["gini"]
    assert out["gini_chance_low"] <= out["gini_chance"] <= out["gini_chance_high"]
    curve = metrics.lorenz(tickets, people, start, end)
    assert curve["ticket_share"].iloc[0] == 0 and curve["ticket_share"].iloc[-1] == pytest.approx(1)
    assert (curve["ticket_share"] <= curve["people_share"] + 1e-9).all()


def test_waiting_by_type_median_and_p80():
    tickets = pd.DataFrame(
        {
            "ticket_id": list("abcdef"),
            "question_type": ["x"] * 5 + ["y"],
            "response_business_hours": [1.0, 2.0, 3.0, 4.0, 5.0, 7.0],
            "resolution_business_hours": [10.0, 20.0, 30.0, 40.0, 50.0, np.nan],
        }
    )
    out = metrics.waiting_by_type(tickets).set_index("question_type")
    assert out.loc["x", "n"] == 5
    assert out.loc["x", "median_response_business_hours"] == 3.0
    # linear interpolation: position 0.8 * 4 = 3.2 -> 4 + 0.2 * 1
    assert out.loc["x", "p80_response_business_hours"] == pytest.approx(4.2)
    assert out.loc["x", "p80_resolution_business_hours"] == pytest.approx(42.0)
    assert np.isnan(out.loc["y", "median_resolution_business_hours"])


def test_breakdown_rates_and_disclosure():
    start, end = pd.Timestamp("2026-07-01"), pd.Timestamp("2026-09-30")  # 92 days
    depts = ["A"] * 6 + ["B"] * 3 + ["C"] * 5
    people = pd.DataFrame(
        {
            "person_key": [f"p{i}" for i in range(14)],
            "department": depts,
            "hire_date": pd.to_datetime(["2020-01-01"] * 14),
            "exit_date": pd.to_datetime([None] * 14),
            "fte": [1.0] * 14,
        }
    )
    tickets = pd.DataFrame(
        {
            "requester_key": ["p0", "p0", "p1", "p6", "p9", "p10"],
            "requester_kind": ["staff"] * 6,
            "self_solvability": ["self", "it", "self", "self", "it", "self"],
            "opened_at": _ts(["2026-08-03 10:00"] * 6),
        }
    )
    out = metrics.breakdown(tickets, people, start, end, by="department").set_index("department")
    months = 92 / metrics.DAYS_PER_MONTH
    assert out.loc["A", "tickets"] == 3
    assert out.loc["A", "self_solvable_tickets"] == 2
    assert out.loc["A", "self_solvable_per_fte_month"] == pytest.approx(2 / (6 * months))
    assert out.loc["A", "self_solvable_share"] == pytest.approx(2 / 3)
    # B has 3 people -> hidden; C (the smallest other group) hidden too
    assert out.loc["B", "suppressed"] == "primary" and np.isnan(out.loc["B", "tickets"])
    assert out.loc["C", "suppressed"] == "complementary" and np.isnan(out.loc["C", "tickets"])
    with pytest.raises(ValueError, match="breakdown"):
        metrics.breakdown(tickets, people, start, end, by="person_key")


def test_waiting_time_lost_hand_values():
    costs = metrics.load_costs()
    tickets = _tickets()
    out = metrics.waiting_time_lost(tickets, costs).set_index("metric")["value"]
    waiting = 1.0 + 2.0 + 10.0 + 6.0  # staff tickets a, b, c, e (d is a system ticket)
    share = costs["productive_loss_share"]["expected"]
    assert out["staff_tickets"] == 4
    assert out["staff_waiting_office_hours"] == pytest.approx(19.0)
    assert out["staff_hours_lost"] == pytest.approx(waiting * share)
    assert out["staff_hours_lost_cost"] == pytest.approx(
        waiting * share * costs["staff_hourly_cost"]["expected"]
    )
    # self-solvable tickets a and b: 10 + 20 minutes at the first-line rate
    assert out["self_solvable_it_hours"] == pytest.approx(0.5)
    assert out["self_solvable_it_cost"] == pytest.approx(
        0.5 * costs["it_hourly_cost"]["line1"]["expected"]
    )
