"""Tests for selfreliance.survey: scoring, reliability and team agreement.

Reference values are computed by hand from the textbook formulas (given in comments) or
from population values of simulated data; none is taken from the code under test.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from selfreliance.errors import SelfRelianceError
from selfreliance.survey import (
    aggregation_checks,
    reverse_code,
    scale_reliability,
    score_survey,
    team_agreement,
)

INSTRUMENT = {
    "scales": {
        "self_efficacy": {
            "construct": "capability",
            "level": "person",
            "items": ["se1", "se2", "se3", "se4"],
            "range": [1, 5],
            "reverse": ["se4"],
        },
        "psych_safety": {
            "construct": "opportunity",
            "level": "team",
            "items": ["ps1", "ps2", "ps3"],
            "range": [1, 7],
            "reverse": ["ps1", "ps3"],
        },
    },
    "items": {},
}


def _responses() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "person_key": ["p1", "p2", "p3", "p4"],
            "team": ["a", "a", "b", "b"],
            "submitted_at": pd.Timestamp("2024-05-01"),
            "se1": [4, 2, np.nan, 5],
            "se2": [4, np.nan, np.nan, 5],
            "se3": [5, np.nan, np.nan, 5],
            "se4": [1, 4, 3, np.nan],
            "ps1": [2, 7, 1, np.nan],
            "ps2": [6, 1, 7, np.nan],
            "ps3": [1, 7, 1, 4],
        }
    )


def test_reverse_coding_uses_lo_plus_hi_minus_x():
    coded = reverse_code(_responses(), INSTRUMENT)
    # 1-5 scale: 1 -> 5, 4 -> 2; 1-7 scale: 2 -> 6, 7 -> 1
    assert coded["se4"].tolist()[:3] == [5.0, 2.0, 3.0]
    assert coded["ps1"].tolist()[:3] == [6.0, 1.0, 7.0]
    assert coded["se1"].tolist()[:2] == [4.0, 2.0]  # not reversed


def test_score_is_mean_of_answered_items_with_min_share():
    scores = score_survey(_responses(), INSTRUMENT)
    assert list(scores.columns) == ["person_key", "team", "self_efficacy", "psych_safety"]
    # p1: (4 + 4 + 5 + (6 - 1)) / 4 = 4.5 ; p2: items se1=2, se4 reversed 2 -> 2 of 4 = 50%
    assert scores["self_efficacy"].tolist()[:2] == [4.5, 2.0]
    # p3 answered 1 of 4 items (< 50%) -> NaN ; p4 answered 3 of 4 -> mean 5
    assert np.isnan(scores["self_efficacy"].iloc[2])
    assert scores["self_efficacy"].iloc[3] == 5.0
    # p1 psych safety: (8-2, 6, 8-1) / 3 = 19/3 ; p4: 1 of 3 answered -> NaN
    assert scores["psych_safety"].iloc[0] == pytest.approx(19 / 3)
    assert np.isnan(scores["psych_safety"].iloc[3])
    stricter = score_survey(_responses(), INSTRUMENT, min_share=0.75)
    assert np.isnan(stricter["self_efficacy"].iloc[1])  # 2 of 4 < 75%
    assert stricter["self_efficacy"].iloc[3] == 5.0  # 3 of 4 = 75%


def test_score_survey_does_not_mutate_input():
    responses = _responses()
    before = responses.copy()
    score_survey(responses, INSTRUMENT)
    pd.testing.assert_frame_equal(responses, before)


def test_out_of_range_value_names_item_and_value():
    bad = _responses()
    bad.loc[1, "ps2"] = 9
    with pytest.raises(SelfRelianceError, match=r"ps2.*\[1, 7\].*\[9\.0\]"):
        score_survey(bad, INSTRUMENT)


def test_missing_item_column_is_reported():
    with pytest.raises(SelfRelianceError, match="se3"):
        score_survey(_responses().drop(columns="se3"), INSTRUMENT)


def test_cronbach_alpha_matches_hand_computation():
    instrument = {"scales": {"s": {"items": ["a", "b", "c"], "range": [1, 5], "reverse": []}}}
    data = pd.DataFrame({"a": [1, 2, 3, 4, 5], "b": [2, 2, 4, 4, 5], "c": [2, 3, 3, 5, 4]})
    # Hand computation, alpha = k/(k-1) (1 - sum var_i / var_total) (Cronbach 1951):
    # var(a) = 2.5, var(b) = 1.8, var(c) = 1.3 (sum 5.6); totals 5, 7, 10, 13, 14 have
    # variance 14.7; alpha = 1.5 * (1 - 5.6 / 14.7) = 0.9285714...
    result = scale_reliability(data, instrument)
    assert result.loc[0, "alpha"] == pytest.approx(0.9285714286, abs=1e-9)
    assert result.loc[0, "n"] == 5
    assert result.loc[0, "n_items"] == 3


def test_alpha_is_computed_after_reverse_coding():
    # Item c is worded negatively: raw it correlates -1 with a and b.
    data = pd.DataFrame({"a": [1, 2, 3, 4, 5], "b": [1, 2, 3, 4, 5], "c": [5, 4, 3, 2, 1]})
    forward = {"scales": {"s": {"items": ["a", "b", "c"], "range": [1, 5], "reverse": []}}}
    reversed_ = {"scales": {"s": {"items": ["a", "b", "c"], "range": [1, 5], "reverse": ["c"]}}}
    # Reverse-coded, all three items are identical: alpha = 1 exactly.
    assert scale_reliability(data, reversed_).loc[0, "alpha"] == pytest.approx(1.0)
    assert scale_reliability(data, forward).loc[0, "alpha"] < 0.5


def test_omega_recovers_population_value_of_one_factor_model():
    # Population omega of a one-factor model with standardised loadings l and unique
    # variances 1 - l^2 (McDonald 1999): (sum l)^2 / ((sum l)^2 + sum(1 - l^2)).
    loadings = np.array([0.8, 0.7, 0.6, 0.5])
    population = loadings.sum() ** 2 / (loadings.sum() ** 2 + np.sum(1 - loadings**2))
    rng = np.random.default_rng(7)
    n = 20_000
    factor = rng.normal(size=n)
    items = factor[:, None] * loadings + rng.normal(size=(n, 4)) * np.sqrt(1 - loadings**2)
    data = pd.DataFrame(items, columns=["a", "b", "c", "d"])
    instrument = {"scales": {"s": {"items": list("abcd"), "range": [-10, 10], "reverse": []}}}
    result = scale_reliability(data, instrument)
    assert result.loc[0, "omega"] == pytest.approx(population, abs=0.01)
    # Omega needs three items: NaN for two.
    two = {"scales": {"s": {"items": ["a", "b"], "range": [-10, 10], "reverse": []}}}
    assert np.isnan(scale_reliability(data, two).loc[0, "omega"])


def _balanced_teams() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "team": ["a"] * 3 + ["b"] * 3 + ["c"] * 3,
            "ps": [1.0, 2, 3, 3, 4, 5, 5, 6, 7],
            "i1": [1.0, 2, 3, 3, 4, 5, 5, 6, 7],
            "i2": [1.0, 2, 3, 3, 4, 5, 5, 6, 7],
        }
    )


def test_icc_from_hand_computed_anova_mean_squares():
    # Team means 2, 4, 6; grand mean 4. SSB = 3 * (4 + 0 + 4) = 24, df 2 -> MSB = 12.
    # SSW = 3 teams * (1 + 0 + 1) = 6, df 6 -> MSW = 1. k = 3.
    # ICC(1) = (MSB - MSW) / (MSB + (k - 1) MSW) = 11 / 14; ICC(2) = (MSB - MSW) / MSB = 11/12
    # (Bliese 2000, eqs. for ICC(1) and ICC(2)).
    result = team_agreement(_balanced_teams(), "ps", n_options=7)
    assert result.loc[0, "icc1"] == pytest.approx(11 / 14, abs=1e-12)
    assert result.loc[0, "icc2"] == pytest.approx(11 / 12, abs=1e-12)
    # F = MSB / MSW = 12 on (2, 6) df.
    assert result.loc[0, "f_p"] == pytest.approx(stats.f.sf(12, 2, 6), abs=1e-12)
    assert result.loc[0, "n"] == 9 and result.loc[0, "n_teams"] == 3


def test_rwg_uniform_null_and_verdict():
    # Single item, A = 7 options: null variance (49 - 1) / 12 = 4; within-team variance 1
    # in every team, so r_wg = 1 - 1/4 = 0.75 (James, Demaree & Wolf 1984, eq. 1 with J = 1).
    single = team_agreement(_balanced_teams(), "ps", n_options=7)
    assert single.loc[0, "rwg_mean"] == pytest.approx(0.75)
    assert bool(single.loc[0, "aggregate"]) is True
    # Two items with mean item variance 1: r_wg(2) = 2 * 0.75 / (2 * 0.75 + 0.25) = 6/7.
    multi = team_agreement(_balanced_teams(), ["i1", "i2"], n_options=7)
    assert multi.loc[0, "rwg_mean"] == pytest.approx(6 / 7)
    assert multi.loc[0, "scale"] == "i1+i2"
    # A 5-point item: null variance 2 -> r_wg = 1 - 1/2 = 0.5 < 0.70: not justified.
    five = team_agreement(
        _balanced_teams().assign(ps=lambda d: d["ps"].clip(1, 5)), "ps", n_options=5
    )
    assert bool(five.loc[0, "aggregate"]) is False
    assert "r_wg" in five.loc[0, "verdict"]


def test_rwg_is_zero_when_observed_variance_exceeds_null():
    data = pd.DataFrame({"team": ["a"] * 4, "ps": [1.0, 7, 1, 7]})  # variance 12 > 4
    assert team_agreement(data, "ps", n_options=7).loc[0, "rwg_mean"] == 0.0


def test_team_agreement_requires_n_options():
    with pytest.raises(SelfRelianceError, match="n_options"):
        team_agreement(_balanced_teams(), "ps")


def test_icc_matches_shrout_fleiss_published_example():
    # Shrout & Fleiss (1979), Psychological Bulletin 86, Table 2: 6 targets rated by 4 judges.
    # Their one-way ANOVA gives BMS = 11.24 and WMS = 6.26 (Table 3) and ICC(1,1) = .17,
    # ICC(1,4) = .44 (Table 4). With targets as teams and judges as members, Bliese's ICC(1)
    # is ICC(1,1) and ICC(2) is ICC(1,k).
    ratings = [[9, 2, 5, 8], [6, 1, 3, 2], [8, 4, 6, 8], [7, 1, 2, 6], [10, 5, 6, 9], [6, 2, 4, 7]]
    data = pd.DataFrame(
        {
            "team": [f"t{i}" for i, row in enumerate(ratings) for _ in row],
            "score": [float(v) for row in ratings for v in row],
        }
    )
    result = team_agreement(data, "score", n_options=10).iloc[0]
    assert result["icc1"] == pytest.approx((11.24 - 6.26) / (11.24 + 3 * 6.26), abs=2e-3)
    assert round(result["icc1"], 2) == 0.17
    assert round(result["icc2"], 2) == 0.44


def test_aggregation_checks_cover_team_scales_with_a_dutch_verdict():
    instrument = {
        "scales": {
            "se": {"level": "person", "items": ["se1", "se2"], "range": [1, 5]},
            "ps": {"level": "team", "items": ["ps1", "ps2", "ps3"], "range": [1, 7],
                   "reverse": ["ps3"]},
        }
    }  # fmt: skip
    rng = np.random.default_rng(0)
    team = np.repeat(["a", "b", "c", "d"], 6)
    level = {"a": 2, "b": 3, "c": 5, "d": 6}
    base = np.array([level[t] for t in team])
    items = {f"ps{i}": np.clip(base + rng.integers(-1, 2, len(team)), 1, 7) for i in (1, 2)}
    items["ps3"] = 8 - np.clip(base + rng.integers(-1, 2, len(team)), 1, 7)  # reverse-coded
    data = pd.DataFrame({"team": team, "se1": 3, "se2": 3, **items})
    checks = aggregation_checks(data, instrument)
    assert checks["scale"].tolist() == ["ps"]  # person-level scales are not checked
    row = checks.iloc[0]
    assert bool(row["aggregate"]) and row["icc1"] > 0.5 and row["rwg_mean"] > 0.7
    assert row["verdict_nl"].startswith("samenvoegen tot een teamgemiddelde is verantwoord")
    noise = data.assign(**{c: rng.integers(1, 8, len(team)) for c in ("ps1", "ps2", "ps3")})
    bad = aggregation_checks(noise, instrument).iloc[0]
    assert not bad["aggregate"] and bad["verdict_nl"].startswith("niet verantwoord")
