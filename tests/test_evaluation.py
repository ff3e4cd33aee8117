"""Evaluation of interventions: HAC covariance, interrupted time series, difference-in-differences,
the translation into hours, and recovery of the demo's planted pilot effect."""

from __future__ import annotations

import math
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
import yaml

from selfreliance import evaluation, interventions, metrics
from selfreliance.categorise import load_codebook

# --------------------------------------------------------------------------------------
# HAC covariance: a second implementation (statsmodels) as the reference
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("correction", [False, True])
def test_hac_covariance_equals_statsmodels_ols_hac(correction):
    # Reference: statsmodels OLS(...).fit(cov_type="HAC", cov_kwds={"maxlags": 4,
    # "use_correction": ...}), an independent Newey-West implementation (Bartlett kernel).
    rng = np.random.default_rng(0)
    n = 120
    x = sm.add_constant(rng.normal(size=(n, 2)))
    e = np.zeros(n)
    for i in range(1, n):
        e[i] = 0.6 * e[i - 1] + rng.normal()
    y = x @ [1.0, 2.0, -1.0] + e
    ref = sm.OLS(y, x).fit(cov_type="HAC", cov_kwds={"maxlags": 4, "use_correction": correction})
    resid = y - x @ ref.params
    mine = evaluation.hac_covariance(
        x * resid[:, None], x.T @ x, np.arange(n), maxlags=4, small_sample=correction
    )
    np.testing.assert_allclose(mine, ref.cov_params(), rtol=1e-10)


def test_hac_covariance_sums_scores_of_the_same_period():
    # Driscoll-Kraay: two stacked series give the Newey-West of their per-period sums.
    rng = np.random.default_rng(1)
    scores = rng.normal(size=(40, 2))
    time = np.tile(np.arange(20), 2)
    bread = np.eye(2)
    summed = scores[:20] + scores[20:]
    stacked = evaluation.hac_covariance(scores, bread, time, maxlags=3, small_sample=False)
    single = evaluation.hac_covariance(summed, bread, np.arange(20), maxlags=3, small_sample=False)
    np.testing.assert_allclose(stacked, single)


def test_newey_west_lag_rule():
    # floor(4 (T/100)^(2/9)), Newey & West (1994): T = 100 gives 4, T = 52 gives 3.
    assert evaluation.newey_west_lags(100) == 4
    assert evaluation.newey_west_lags(52) == 3


def test_fit_negbin_matches_statsmodels_maximum_likelihood():
    # Reference: statsmodels' discrete NegativeBinomial (NB2) maximum likelihood.
    rng = np.random.default_rng(2)
    n = 400
    x = sm.add_constant(rng.normal(size=(n, 1)))
    mu = np.exp(x @ [1.0, 0.4])
    alpha = 0.5
    y = rng.poisson(rng.gamma(1 / alpha, alpha * mu))
    ref = sm.NegativeBinomial(y, x, loglike_method="nb2").fit(disp=0, maxiter=500)
    mine = evaluation.fit_negbin(y, x)
    np.testing.assert_allclose(mine.params, ref.params[:2], atol=1e-4)
    assert mine.alpha == pytest.approx(ref.params[2], rel=1e-3)


# --------------------------------------------------------------------------------------
# Interrupted time series on noiseless data
# --------------------------------------------------------------------------------------


def _series(level: float, slope: float, *, weeks: int = 104, start_week: int = 60) -> pd.DataFrame:
    week = pd.date_range("2024-01-01", periods=weeks, freq="7D")
    t = np.arange(weeks, dtype=float)
    month = (week + pd.Timedelta(days=3)).month
    season = 0.2 * np.sin(2 * np.pi * month / 12)
    month_effect = pd.Series(season).groupby(month).transform("first").to_numpy()
    post = (t >= start_week).astype(float)
    t_post = np.clip(t - start_week, 0, None)
    control = np.exp(2.0 + 0.004 * t + month_effect)
    target = np.exp(
        1.5 + 0.004 * t + month_effect + math.log(level) * post + math.log(slope) * t_post
    )
    return pd.DataFrame(
        {
            "week": week,
            "t": t,
            "n_target": target,
            "n_control": control,
            "exposure": 1.0,
            "nominal_days": 5,
            "open_days": 5.0,
            "holiday_share": 0.0,
            "yearend_share": 0.0,
            "month": month,
        }
    )


def test_its_recovers_exact_level_and_slope_on_noiseless_data():
    # Hand reference: the data are exp(linear predictor) without noise, so the NB2 fit (alpha
    # at its lower bound, i.e. Poisson) reproduces the planted coefficients exactly.
    series = _series(level=0.6, slope=0.99)
    start = series.loc[60, "week"]
    result = evaluation.interrupted_time_series(series, start, comparative=True)
    table = result.table.set_index(["design", "estimate"])
    for design in ("single", "comparative"):
        assert table.loc[(design, "level_change"), "irr"] == pytest.approx(0.6, rel=1e-6)
        assert table.loc[(design, "slope_change"), "irr"] == pytest.approx(0.99, rel=1e-6)
    # Average effect over the post weeks: fitted / counterfactual summed over those weeks.
    post = np.arange(104) >= 60
    effect = np.where(post, 0.6 * 0.99 ** np.clip(np.arange(104) - 60, 0, None), 1.0)
    counterfactual = series["n_target"].to_numpy() / effect
    expected = series["n_target"].to_numpy()[post].sum() / counterfactual[post].sum()
    assert table.loc[("single", "average_effect"), "irr"] == pytest.approx(expected, rel=1e-6)
    assert result.weekly["counterfactual"].to_numpy() == pytest.approx(counterfactual, rel=1e-6)


def test_its_needs_enough_weeks_on_both_sides():
    series = _series(level=0.6, slope=1.0)
    with pytest.raises(evaluation.SelfRelianceError, match="12 weeks before"):
        evaluation.interrupted_time_series(series, series.loc[5, "week"])


def test_calendar_terms_count_belgian_holidays():
    # Week of 2025-04-21: Easter Monday is a Belgian public holiday (1 of 5 working days);
    # the week of 2025-05-05 has none.
    terms = evaluation.calendar_terms([pd.Timestamp("2025-04-21"), pd.Timestamp("2025-05-05")])
    assert terms["holiday_share"].tolist() == [pytest.approx(0.2), pytest.approx(0.0)]


# --------------------------------------------------------------------------------------
# Difference-in-differences
# --------------------------------------------------------------------------------------


def _two_by_two() -> pd.DataFrame:
    # Two treated and two control teams, one week before and one after the start. Teams
    # within a group are identical, so the fixed-effects Poisson fit is exact.
    rows = []
    means = {("T", 0): 20, ("T", 1): 12, ("C", 0): 30, ("C", 1): 33}
    for team, group in (("a", "T"), ("b", "T"), ("c", "C"), ("d", "C")):
        for i, week in enumerate(pd.to_datetime(["2026-01-05", "2026-01-12"])):
            rows.append(
                {
                    "team": team,
                    "week": week,
                    "period": week.strftime("%Y-%m-%d"),
                    "n": means[(group, i)],
                    "exposure": 1.0,
                    "nominal_days": 5,
                }
            )
    return pd.DataFrame(rows)


def test_did_on_a_2x2_table_equals_the_hand_ratio_of_ratios():
    # Hand reference: (12 / 20) / (33 / 30) = 0.5454...
    result = evaluation.difference_in_differences(
        _two_by_two(), ["a", "b"], "2026-01-12", n_boot=99
    )
    assert result.table.loc[0, "irr"] == pytest.approx((12 / 20) / (33 / 30), rel=1e-8)
    assert result.table.loc[0, "n_treated"] == 2


def test_did_refuses_when_every_team_is_treated():
    with pytest.raises(evaluation.SelfRelianceError, match="treated and untreated"):
        evaluation.difference_in_differences(_two_by_two(), ["a", "b", "c", "d"], "2026-01-12")


def test_did_recovers_a_simulated_effect_with_bootstrap_interval():
    # In 30 such simulations (seeds 100-129, B = 199) the interval covered 0.5 in 28.
    rng = np.random.default_rng(100)
    teams = [f"t{i:02d}" for i in range(16)]
    treated = teams[:6]
    weeks = pd.date_range("2025-01-06", periods=40, freq="7D")
    start = weeks[20]
    rows = []
    for team in teams:
        base = rng.gamma(4, 0.5)
        for week in weeks:
            effect = 0.5 if (team in treated and week >= start) else 1.0
            rows.append(
                {
                    "team": team,
                    "week": week,
                    "period": week.strftime("%Y-%m-%d"),
                    "n": rng.poisson(3 * base * effect),
                    "exposure": 1.0,
                    "nominal_days": 5,
                }
            )
    result = evaluation.difference_in_differences(pd.DataFrame(rows), treated, start, n_boot=399)
    row = result.table.iloc[0]
    assert row["ci_low"] < 0.5 < row["ci_high"]
    assert row["ci_low"] < row["irr"] < row["ci_high"]
    assert row["ci_high"] < 1


# --------------------------------------------------------------------------------------
# From a rate ratio to hours
# --------------------------------------------------------------------------------------


def test_effect_in_hours_by_hand():
    costs = metrics.load_costs()
    targeted = pd.DataFrame(
        {
            "line": pd.array([1.0, 1.0], dtype="Float64"),
            "time_spent_minutes": [12.0, 18.0],
            "resolution_business_hours": [2.0, 4.0],
        }
    )
    out = evaluation.effect_in_hours(100, 0.5, 0.4, 0.8, targeted, costs, weeks_after=26).set_index(
        "quantity"
    )
    # 100 tickets came; without the action 100 / 0.5 = 200: 100 avoided. CI bounds swap.
    assert out.loc["tickets_avoided", "value"] == pytest.approx(100)
    assert out.loc["tickets_avoided", "low"] == pytest.approx(100 * (1 / 0.8 - 1))
    assert out.loc["tickets_avoided", "high"] == pytest.approx(100 * (1 / 0.4 - 1))
    assert out.loc["it_hours_freed", "value"] == pytest.approx(100 * 15 / 60)
    assert out.loc["staff_waiting_hours_saved", "value"] == pytest.approx(100 * 3)
    assert out.loc["tickets_avoided", "per_year"] == pytest.approx(200)


def test_targeted_types_from_log_name_catalogue_or_column():
    catalogue = interventions.load_catalogue()
    self_types = interventions.self_solvable_types(load_codebook())
    outlook, how = evaluation.targeted_types(
        {"name": "Kennisbankartikels Outlook"}, catalogue, self_types
    )
    assert (outlook, how) == (["mail_calendar"], "name")
    reset, _ = evaluation.targeted_types(
        {"name": "Zelfservice wachtwoordreset + korte opleiding"}, catalogue, self_types
    )
    assert set(reset) == {"password_mfa", "account_lockout"}
    video, how = evaluation.targeted_types({"name": "Instructievideo's"}, catalogue, self_types)
    assert how == "catalogue:howto_videos" and "teams_meetings" in video
    own, how = evaluation.targeted_types(
        {"name": "iets", "question_types": "printer_scanning|network"}, catalogue, self_types
    )
    assert (own, how) == (["printer_scanning", "network"], "log")


# --------------------------------------------------------------------------------------
# The demo: the planted pilot effect is recovered, the placebo shows none
# --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo():
    processed = Path(os.environ["SELFRELIANCE_PROCESSED_DIR"])
    truth_file = processed.parent / "raw" / "demo_ground_truth.yml"
    if not truth_file.exists():
        pytest.skip("the session data are not the demo (no demo_ground_truth.yml)")
    from selfreliance.pipeline import load_processed

    data = load_processed(processed)
    truth = yaml.safe_load(truth_file.read_text(encoding="utf-8"))
    pilot = truth["intervention"]
    result = evaluation.evaluate_intervention(
        data.tickets,
        data.people,
        start=pilot["start"],
        question_types=pilot["targeted_question_types"],
        teams=pilot["teams"],
        costs=metrics.load_costs(),
        n_boot=999,
    )
    return data, truth, result


def _row(estimates: pd.DataFrame, design: str, estimate: str, placebo: bool) -> pd.Series:
    return estimates.set_index(["design", "estimate", "placebo"]).loc[(design, estimate, placebo)]


# The headline ITS estimate is the single-series average effect over the post-period. In the
# demo with seeds 1-9 its 95% interval held the planted 0.55 in 9 of 9 runs and its placebo
# interval held 1 in 8 of 9; the level change alone (which also carries a slope change) held
# 0.55 in 7 of 9, so it is reported but not the headline. The single series has less power
# than the comparison with the other teams: on the default demo (seed 6) its interval holds
# 0.55 but reaches just above 1, while the DiD (the design the report uses when there are
# comparison teams) excludes 1.
def test_demo_its_interval_contains_the_planted_effect(demo):
    _, truth, result = demo
    row = _row(result["estimates"], "single", "average_effect", False)
    assert row["ci_low"] < truth["intervention"]["true_irr"] < row["ci_high"], row.to_dict()
    assert row["irr"] < 1  # the point estimate points the right way


def test_demo_did_interval_contains_the_planted_effect(demo):
    _, truth, result = demo
    row = _row(result["estimates"], "did", "treated_after", False)
    assert row["ci_low"] < truth["intervention"]["true_irr"] < row["ci_high"], row.to_dict()
    assert row["ci_high"] < 1
    assert row["n_treated"] == len(truth["intervention"]["teams"])


def test_demo_placebo_one_year_earlier_contains_no_effect(demo):
    _, _, result = demo
    for design, estimate in (("single", "average_effect"), ("did", "treated_after")):
        row = _row(result["estimates"], design, estimate, True)
        assert row["ci_low"] < 1 < row["ci_high"], (design, estimate, row.to_dict())


def test_demo_org_level_its_contains_the_implied_org_change(demo):
    data, truth, _ = demo
    pilot = truth["intervention"]
    series = evaluation.weekly_series(
        data.tickets, pilot["targeted_question_types"], people=data.people
    )
    row = (
        evaluation.interrupted_time_series(series, pilot["start"])
        .table.set_index(["design", "estimate"])
        .loc[("single", "average_effect")]
    )
    implied = 1 + pilot["expected_relative_change_targeted_org"]
    assert row["ci_low"] < implied < row["ci_high"]


def test_demo_null_intervention_shows_no_clear_change(demo):
    data, truth, _ = demo
    catalogue = interventions.load_catalogue()
    self_types = interventions.self_solvable_types(load_codebook())
    log = data.interventions.loc[
        data.interventions["intervention_id"].isin(truth["intervention"]["null_interventions"])
    ]
    summary, _, _ = evaluation.evaluate_log(
        data.tickets,
        data.people,
        log,
        catalogue,
        metrics.load_costs(),
        self_types=self_types,
        n_boot=199,
    )
    assert (summary["ci_low"] < 1).all() and (summary["ci_high"] > 1).all()
    assert (summary["status"] == "no_clear_change").all()


def test_demo_effect_in_hours_is_positive_with_interval(demo):
    _, _, result = demo
    hours = result["hours"].set_index("quantity")
    assert (hours["low"] > 0).all()
    assert (hours["low"] <= hours["value"]).all() and (hours["value"] <= hours["high"]).all()


def test_log_question_types_column_is_read_and_used(demo, tmp_path):
    # The intervention log may name the targeted types itself (codebook ids separated by |);
    # an unknown id makes that action "not_evaluable" with the id named, never a silent zero.
    from selfreliance.ingest import read_interventions

    data, truth, _ = demo
    path = tmp_path / "interventions.csv"
    pilot = truth["intervention"]
    path.write_text(
        "intervention_id,name,start_date,teams,question_types\n"
        f"P1,Pilot,{pilot['start']},{'|'.join(pilot['teams'])},password_mfa|account_lockout\n"
        f"P2,Pilot typo,{pilot['start']},all,pasword_mfa\n",
        encoding="utf-8",
    )
    log = read_interventions(path)
    assert log.loc[0, "question_types"] == "password_mfa|account_lockout"
    summary, _, _ = evaluation.evaluate_log(
        data.tickets, data.people, log, interventions.load_catalogue(), metrics.load_costs(),
        self_types=interventions.self_solvable_types(load_codebook()), n_boot=199,
    )  # fmt: skip
    first, second = summary.iloc[0], summary.iloc[1]
    assert (
        first["types_from"] == "log" and first["question_types"] == "password_mfa, account_lockout"
    )
    assert first["ci_low"] < pilot["true_irr"] < first["ci_high"]
    assert second["status"] == "not_evaluable" and "pasword_mfa" in second["note"]
