"""Tests for selfreliance.hypotheses.

Independent references:
* NB2 estimates: a maximum-likelihood fit written here with scipy.optimize on the NB2
  log-likelihood (Cameron & Trivedi 2013, eq. 3.26), not statsmodels.
* Cluster-robust covariance: the CR1 sandwich computed here by hand from a Poisson fit by
  Newton-Raphson in numpy (Cameron & Miller 2015, eqs. 11 and 12).
* Benjamini-Hochberg: values of R's ``p.adjust(p, "BH")`` (computed by hand below from
  q_(i) = min_{j >= i} m p_(j) / j and stated) and statsmodels ``multipletests``.
* Person panel: exposures and counts worked out by hand from calendar days.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import optimize, special, stats
from statsmodels.stats.multitest import multipletests

from selfreliance.errors import SelfRelianceError
from selfreliance.hypotheses import (
    DAYS_PER_MONTH,
    benjamini_hochberg,
    build_person_panel,
    fit_count_model,
    load_registry,
    run_registry,
    wild_cluster_bootstrap_p,
)

ONBOARDING = "C(segment, Treatment('regular'))[T.onboarding]"


# --------------------------------------------------------------------------------------
# Simulated data
# --------------------------------------------------------------------------------------


def simulate_panel(
    rng: np.random.Generator,
    *,
    n_teams: int = 20,
    per_team: int = 10,
    irr_onboarding: float = 1.8,
    team_sd: float = 0.4,
    nb_alpha: float = 1.0,
    base_rate: float = 0.4,
) -> pd.DataFrame:
    """Person-level NB counts over unequal exposure, with a team random effect.

    ``null_site`` is a team-level factor without effect (half of the teams), so that its
    test is exactly the case where ignoring the clustering misleads.
    """
    team = np.repeat(np.arange(n_teams), per_team)
    n = len(team)
    onboarding = rng.random(n) < 0.25
    exposure = np.where(onboarding, rng.uniform(1, 6, n), rng.uniform(3, 12, n))
    team_effect = rng.normal(0, team_sd, n_teams)[team]
    site_b = (rng.permutation(n_teams) < n_teams // 2)[team]
    mu = exposure * base_rate * np.exp(np.log(irr_onboarding) * onboarding + team_effect)
    counts = rng.poisson(rng.gamma(1 / nb_alpha, nb_alpha, n) * mu)  # NB2 with alpha
    return pd.DataFrame(
        {
            "team": [f"T{t:02d}" for t in team],
            "segment": np.where(onboarding, "onboarding", "regular"),
            "exposure": exposure,
            "n_self": counts,
            "null_site": np.where(site_b, "B", "A"),
        }
    )


def simulate_organisation(seed: int = 0, *, survey: bool = True, irr_onboarding: float = 1.8):
    """People, tickets and survey scores of a simulated organisation (20 teams x 10).

    True effects on the self-solvable rate: onboarding IRR ``irr_onboarding``, function level E vs A 1.6,
    self-efficacy 0.75 per SD, motivation none; a shared team effect makes leaders and
    their team members alike (the role-model hypothesis).
    """
    rng = np.random.default_rng(seed)
    start, end = pd.Timestamp("2024-01-01"), pd.Timestamp("2024-12-31")
    n_teams, per_team = 20, 10
    n = n_teams * per_team
    team = np.repeat(np.arange(n_teams), per_team)
    position = np.tile(np.arange(per_team), n_teams)
    keys = np.array([f"p{i:03d}" for i in range(n)])
    new = rng.random(n) < 0.2
    hire = np.where(
        new,
        start + pd.to_timedelta(rng.integers(0, 300, n), unit="D"),
        start - pd.to_timedelta(rng.integers(200, 8000, n), unit="D"),
    )
    leaves = rng.random(n) < 0.08
    exit_date = pd.Series(start + pd.to_timedelta(rng.integers(60, 360, n), unit="D")).where(
        leaves & (pd.Series(hire) < start)
    )
    people = pd.DataFrame(
        {
            "person_key": keys,
            "team": [f"T{t:02d}" for t in team],
            "department": [f"D{t % 8}" for t in team],
            "manager_key": pd.Series(
                np.where(position == 0, None, keys[team * per_team]), dtype="str"
            ),
            "function_level": rng.choice(list("ABCDE"), n),
            "hire_date": pd.to_datetime(hire),
            "exit_date": pd.to_datetime(exit_date),
            "fte": rng.choice([1.0, 1.0, 0.8, 0.5], n),
            "age_band": rng.choice(["<30", "30-39", "40-49", "50-59", "60+"], n),
            "site": [f"S{t % 3}" for t in team],
            "is_manager": position == 0,
        }
    )
    self_efficacy = rng.normal(0, 1, n)
    motivation = rng.normal(0, 1, n)
    team_effect = rng.normal(0, 0.35, n_teams)[team]
    log_rate = (
        np.log(0.5)
        + team_effect
        + np.log(1.6) * (people["function_level"].to_numpy() == "E")
        + np.log(0.75) * self_efficacy
    )

    # Exposure per segment from the library itself (no tickets), then NB counts and
    # ticket times drawn uniformly inside each segment.
    empty = pd.DataFrame(
        {
            "ticket_id": pd.Series([], dtype="str"),
            "opened_at": pd.Series([], dtype="datetime64[ns, Europe/Brussels]"),
            "requester_key": pd.Series([], dtype="str"),
            "self_solvability": pd.Series([], dtype="str"),
        }
    )
    frame = build_person_panel(empty, people, start=start, end=end)
    row = pd.Index(keys).get_indexer(frame["person_key"])
    onboarding = (frame["segment"] == "onboarding").to_numpy()
    mu = frame["exposure"].to_numpy() * np.exp(log_rate[row] + np.log(irr_onboarding) * onboarding)
    n_self = rng.poisson(rng.gamma(1.0 / 0.8, 0.8, len(mu)) * mu)
    n_other = rng.poisson(mu)
    hire_r = people["hire_date"].to_numpy()[row]
    onb_stop = (people["hire_date"] + pd.DateOffset(months=6)).to_numpy()[row]
    stop = (people["exit_date"] + pd.Timedelta(days=1)).fillna(end + pd.Timedelta(days=1))
    stop = stop.to_numpy()[row]
    window_lo, window_hi = (
        np.datetime64(start, "us"),
        np.datetime64(end + pd.Timedelta(days=1), "us"),
    )
    lo = np.maximum(np.where(onboarding, hire_r, np.maximum(onb_stop, hire_r)), window_lo)
    hi = np.minimum(np.where(onboarding, np.minimum(onb_stop, stop), stop), window_hi)
    total = n_self + n_other
    span = (hi - lo).astype("timedelta64[s]").astype(float)
    which = np.repeat(np.arange(len(mu)), total)
    offset = pd.to_timedelta(rng.random(len(which)) * span[which], unit="s")
    opened = (pd.DatetimeIndex(lo[which]) + offset).tz_localize(
        "Europe/Brussels", ambiguous="NaT", nonexistent="shift_forward"
    )
    rank_in_row = np.arange(len(which)) - np.repeat(np.cumsum(total) - total, total)
    kinds = np.where(rank_in_row < n_self[which], "self", "it")
    tickets = pd.DataFrame(
        {
            "ticket_id": [f"I{i:05d}" for i in range(len(which))],
            "opened_at": opened,
            "requester_key": frame["person_key"].to_numpy()[which],
            "self_solvability": kinds,
        }
    ).dropna(subset=["opened_at"])
    scores = None
    if survey:
        responded = rng.random(n) < 0.7
        team_ps = rng.normal(5, 0.6, n_teams)[team]
        scores = pd.DataFrame(
            {
                "person_key": keys,
                "team": people["team"],
                "self_efficacy": np.clip(3 + 0.8 * self_efficacy, 1, 5),
                "motivation": np.clip(3.5 + 0.7 * motivation, 1, 5),
                "psych_safety": np.clip(team_ps + rng.normal(0, 0.5, n), 1, 7),
            }
        )[responded].reset_index(drop=True)
    return people, tickets, scores, (start, end)


# --------------------------------------------------------------------------------------
# fit_count_model
# --------------------------------------------------------------------------------------


def _nb2_negloglik(theta: np.ndarray, y: np.ndarray, x: np.ndarray, offset: np.ndarray):
    """Negative NB2 log-likelihood in (beta, log alpha) (Cameron & Trivedi 2013, eq. 3.26)."""
    beta, alpha = theta[:-1], np.exp(theta[-1])
    mu = np.exp(x @ beta + offset)
    inv = 1.0 / alpha
    ll = (
        special.gammaln(y + inv)
        - special.gammaln(inv)
        - special.gammaln(y + 1)
        + inv * np.log(inv / (inv + mu))
        + y * np.log(mu / (inv + mu))
    )
    return -ll.sum()


def test_nb2_estimates_equal_independent_scipy_maximum_likelihood():
    rng = np.random.default_rng(42)
    n = 400
    x1 = rng.normal(size=n)
    group = rng.choice(["a", "b", "c"], n)
    exposure = rng.uniform(1, 12, n)
    mu = exposure * np.exp(-1.0 + 0.4 * x1 + 0.5 * (group == "b") - 0.3 * (group == "c"))
    y = rng.poisson(rng.gamma(1 / 0.7, 0.7, n) * mu)
    data = pd.DataFrame({"y": y, "x1": x1, "g": group, "exposure": exposure, "team": "t"})

    result = fit_count_model(data, "y", "x1 + C(g)", cov="naive")

    design = np.column_stack([np.ones(n), x1, group == "b", group == "c"]).astype(float)
    reference = optimize.minimize(
        _nb2_negloglik,
        np.zeros(5),
        args=(y, design, np.log(exposure)),
        method="BFGS",
        options={"gtol": 1e-9, "maxiter": 10_000},
    )
    coefs = dict(zip(["x1", "C(g)[T.b]", "C(g)[T.c]"], reference.x[1:4], strict=True))
    for term, expected in coefs.items():
        assert result.loc[result["term"] == term, "coef"].item() == pytest.approx(
            expected, abs=1e-4
        )
    assert result["dispersion"].iloc[0] == pytest.approx(np.exp(reference.x[-1]), abs=1e-4)
    irr = result.set_index("term")["irr"]
    assert irr["x1"] == pytest.approx(np.exp(reference.x[1]), abs=1e-4)
    assert set(result["term"]) == set(coefs)  # intercept and alpha are not reported
    assert (result["n_obs"] == n).all() and (result["model"] == "negbin").all()


def _poisson_newton(y: np.ndarray, x: np.ndarray, offset: np.ndarray) -> np.ndarray:
    beta = np.zeros(x.shape[1])
    for _ in range(100):
        mu = np.exp(x @ beta + offset)
        step = np.linalg.solve(x.T @ (x * mu[:, None]), x.T @ (y - mu))
        beta += step
        if np.max(np.abs(step)) < 1e-13:
            break
    return beta


def test_cluster_robust_covariance_equals_hand_computed_cr1_sandwich():
    rng = np.random.default_rng(3)
    n, n_groups = 60, 7
    groups = rng.integers(0, n_groups, n)
    x1 = rng.normal(size=n)
    exposure = rng.uniform(0.5, 3, n)
    y = rng.poisson(exposure * np.exp(0.2 + 0.3 * x1 + rng.normal(0, 0.5, n_groups)[groups]))
    data = pd.DataFrame({"y": y, "x1": x1, "exposure": exposure, "team": groups.astype(str)})

    result = fit_count_model(data, "y", "x1", model="poisson", cov="cluster")

    # Hand computation (Cameron & Miller 2015, eq. 12, CR1 as in Stata):
    # V = c * B^-1 (sum_g u_g u_g') B^-1, B = X' diag(mu) X, u_g = X_g' (y_g - mu_g),
    # c = G/(G-1) * (N-1)/(N-K).
    x = np.column_stack([np.ones(n), x1])
    beta = _poisson_newton(y, x, np.log(exposure))
    mu = np.exp(x @ beta + np.log(exposure))
    bread = np.linalg.inv(x.T @ (x * mu[:, None]))
    scores = x * (y - mu)[:, None]
    meat = sum(
        np.outer(scores[groups == g].sum(0), scores[groups == g].sum(0)) for g in range(n_groups)
    )
    k = x.shape[1]
    correction = n_groups / (n_groups - 1) * (n - 1) / (n - k)
    se = np.sqrt(np.diag(correction * bread @ meat @ bread))

    row = result.iloc[0]
    assert row["coef"] == pytest.approx(beta[1], abs=1e-8)
    assert row["se"] == pytest.approx(se[1], rel=1e-6)
    # t-distribution with G - 1 degrees of freedom for p-value and CI.
    assert row["df"] == n_groups - 1 and row["n_clusters"] == n_groups
    assert row["p_val"] == pytest.approx(2 * stats.t.sf(abs(beta[1] / se[1]), n_groups - 1))
    crit = stats.t.ppf(0.975, n_groups - 1)
    assert row["ci_low"] == pytest.approx(np.exp(beta[1] - crit * se[1]))
    assert row["ci_high"] == pytest.approx(np.exp(beta[1] + crit * se[1]))
    assert row["se_type"] == "cluster-CR1"


def test_naive_poisson_uses_model_based_normal_inference():
    data = simulate_panel(np.random.default_rng(0))
    naive = fit_count_model(data, "n_self", "C(segment, Treatment('regular'))", model="poisson")
    assert naive["se_type"].item() == "model-based" and naive["n_clusters"].item() == 0
    x = np.column_stack([np.ones(len(data)), data["segment"] == "onboarding"]).astype(float)
    y = data["n_self"].to_numpy()
    beta = _poisson_newton(y, x, np.log(data["exposure"].to_numpy()))
    mu = np.exp(x @ beta) * data["exposure"].to_numpy()
    se = np.sqrt(np.linalg.inv(x.T @ (x * mu[:, None]))[1, 1])
    assert naive["se"].item() == pytest.approx(se, rel=1e-6)
    assert naive["p_val"].item() == pytest.approx(2 * stats.norm.sf(abs(beta[1] / se)), rel=1e-6)


def test_missing_values_are_dropped_and_counted():
    data = simulate_panel(np.random.default_rng(1))
    data["x"] = np.random.default_rng(2).normal(size=len(data))
    data.loc[:9, "x"] = np.nan
    data.loc[10:14, "exposure"] = 0.0
    data.loc[15:16, "team"] = None
    before = data.copy()
    result = fit_count_model(data, "n_self", "x")
    assert result["n_obs"].item() == len(data) - 17
    pd.testing.assert_frame_equal(data, before)  # input untouched


def test_fit_count_model_reports_user_errors():
    data = simulate_panel(np.random.default_rng(1))
    with pytest.raises(SelfRelianceError, match="not_a_column"):
        fit_count_model(data, "n_self", "not_a_column")
    with pytest.raises(SelfRelianceError, match="two clusters"):
        fit_count_model(data.assign(team="one"), "n_self", "C(segment)")


# --------------------------------------------------------------------------------------
# Simulation: recovery and size of the tests
# --------------------------------------------------------------------------------------


def test_simulated_onboarding_irr_is_covered_by_the_ci():
    data = simulate_panel(np.random.default_rng(2024), base_rate=0.8)
    result = fit_count_model(data, "n_self", "C(segment, Treatment('regular')) + C(null_site)")
    onboarding = result.set_index("term").loc[ONBOARDING]
    assert onboarding["ci_low"] < 1.8 < onboarding["ci_high"]
    assert onboarding["n_clusters"] == 20 and onboarding["df"] == 19


def test_null_rejection_rate_cluster_robust_vs_naive_poisson():
    # 200 null datasets (no effect of the team-level factor null_site). Cluster-robust NB2
    # with t(G-1) should reject about 5%; the naive Poisson GLM ignores overdispersion and
    # clustering and rejects far more often. Takes about 5 s.
    rng = np.random.default_rng(12345)
    terms = "C(segment, Treatment('regular')) + C(null_site)"
    term = "C(null_site)[T.B]"
    rejected = {"cluster": 0, "naive": 0, "wild": 0}
    n_sim = 200
    for i in range(n_sim):
        data = simulate_panel(rng)
        robust = fit_count_model(data, "n_self", terms).set_index("term")
        naive = fit_count_model(data, "n_self", terms, model="poisson").set_index("term")
        rejected["cluster"] += robust.loc[term, "p_val"] < 0.05
        rejected["naive"] += naive.loc[term, "p_val"] < 0.05
        if i < 100:
            wild = wild_cluster_bootstrap_p(data, "n_self", term, terms, n_boot=199, seed=i)
            rejected["wild"] += wild < 0.05
    rate = {
        "cluster": rejected["cluster"] / n_sim,
        "naive": rejected["naive"] / n_sim,
        "wild": rejected["wild"] / 100,
    }
    print(f"null rejection rates at 0.05: {rate}")
    assert 0.01 <= rate["cluster"] <= 0.10
    assert 0.0 <= rate["wild"] <= 0.12
    assert rate["naive"] > rate["cluster"]


def test_wild_cluster_bootstrap_detects_a_strong_effect_and_is_reproducible():
    data = simulate_panel(np.random.default_rng(9), irr_onboarding=3.0, base_rate=1.0)
    terms = "C(segment, Treatment('regular'))"
    p = wild_cluster_bootstrap_p(data, "n_self", ONBOARDING, terms, n_boot=499, seed=1)
    assert p < 0.01
    assert p == wild_cluster_bootstrap_p(data, "n_self", ONBOARDING, terms, n_boot=499, seed=1)
    webb = wild_cluster_bootstrap_p(data, "n_self", ONBOARDING, terms, weights="webb")
    assert webb < 0.01
    with pytest.raises(SelfRelianceError, match="not a column"):
        wild_cluster_bootstrap_p(data, "n_self", "nope", terms)


# --------------------------------------------------------------------------------------
# Benjamini-Hochberg
# --------------------------------------------------------------------------------------

BH_EXAMPLE_P = [0.001, 0.008, 0.039, 0.041, 0.042, 0.06, 0.074, 0.205, 0.212, 0.216, 0.222,
                0.251, 0.269, 0.275, 0.34, 0.341, 0.384, 0.569, 0.594, 0.696, 0.762, 0.94,
                0.942, 0.975, 0.986]  # fmt: skip
# R 4.x: p.adjust(p, "BH") for the example above (Benjamini & Hochberg 1995 data), worked
# out by hand as q_(i) = min_{j >= i} 25 p_(j) / j, e.g. q_(3) = min(.325, .25625, .21) = .21
# and q_(8..14) = 25 * .275 / 14 = .4910714.
BH_EXAMPLE_Q = [0.025, 0.1, 0.21, 0.21, 0.21, 0.25, 0.2642857, 0.4910714, 0.4910714, 0.4910714,
                0.4910714, 0.4910714, 0.4910714, 0.4910714, 0.5328125, 0.5328125, 0.5647059,
                0.7815789, 0.7815789, 0.87, 0.9071429, 0.986, 0.986, 0.986, 0.986]  # fmt: skip


def test_bh_matches_r_p_adjust():
    # R: p.adjust(c(0.01, 0.02, 0.03, 0.04, 0.05), "BH") -> 0.05 0.05 0.05 0.05 0.05
    assert benjamini_hochberg([0.01, 0.02, 0.03, 0.04, 0.05]) == pytest.approx([0.05] * 5)
    assert benjamini_hochberg(BH_EXAMPLE_P) == pytest.approx(BH_EXAMPLE_Q, abs=5e-8)


def test_bh_matches_statsmodels_on_shuffled_input_and_ignores_nan():
    rng = np.random.default_rng(0)
    p = rng.permutation(np.array(BH_EXAMPLE_P))
    expected = multipletests(p, method="fdr_bh")[1]
    assert benjamini_hochberg(p) == pytest.approx(expected, abs=1e-12)
    with_nan = np.insert(p, [0, 10], np.nan)
    q = benjamini_hochberg(with_nan)
    assert np.isnan(q[0]) and np.isnan(q[11])
    assert q[~np.isnan(q)] == pytest.approx(expected, abs=1e-12)  # m excludes NaN
    assert np.isnan(benjamini_hochberg([np.nan])).all()
    with pytest.raises(SelfRelianceError):
        benjamini_hochberg([0.5, 1.5])


# --------------------------------------------------------------------------------------
# build_person_panel
# --------------------------------------------------------------------------------------


def _tiny_people() -> pd.DataFrame:
    ts = pd.Timestamp
    return pd.DataFrame(
        {
            "person_key": ["m1", "p2", "p3", "p4", "p5", "m6"],
            "team": ["A", "A", "A", "B", "A", "B"],
            "department": ["D"] * 6,
            "manager_key": pd.Series([None, "m1", "m1", "m6", "m1", None], dtype="str"),
            "function_level": ["A", "C", "C", "D", "E", "A"],
            "hire_date": [
                ts("2023-01-01"),
                ts("2024-03-01"),
                ts("2020-05-01"),
                ts("2023-10-15"),
                ts("2019-01-01"),
                ts("2010-01-01"),
            ],
            "exit_date": [pd.NaT, pd.NaT, ts("2024-06-30"), pd.NaT, ts("2023-12-31"), pd.NaT],
            "fte": [1.0, 1.0, 0.5, 0.8, 1.0, 1.0],
            "age_band": ["40-49", "<30", "60+", "30-39", "50-59", "50-59"],
            "site": ["S1"] * 6,
            "is_manager": [True, False, False, False, False, True],
        }
    )


def _tiny_tickets() -> pd.DataFrame:
    rows = [
        ("p2", "2024-08-31 23:30", "Europe/Brussels", "self"),  # last onboarding day
        ("p2", "2024-08-31 22:10", "UTC", "self"),  # = 1 Sep 00:10 in Brussels: regular
        ("p2", "2024-02-15 10:00", "Europe/Brussels", "self"),  # before hire: dropped
        ("p3", "2024-06-30 16:00", "Europe/Brussels", "it"),  # last working day
        ("p3", "2024-07-01 09:00", "Europe/Brussels", "self"),  # after exit: dropped
        ("p4", "2024-04-14 12:00", "Europe/Brussels", "partly"),  # onboarding
        ("p4", "2024-04-15 08:00", "Europe/Brussels", "self"),  # regular
        ("m1", "2024-05-05 09:00", "Europe/Brussels", "self"),
        ("m1", "2024-05-06 09:00", "Europe/Brussels", "self"),
        ("m1", "2024-07-01 09:00", "Europe/Brussels", None),  # unclassified: n_all only
        ("m1", "2023-12-31 09:00", "Europe/Brussels", "self"),  # before window
        (None, "2024-05-05 09:00", "Europe/Brussels", "self"),  # not a staff member
        ("p5", "2024-02-01 09:00", "Europe/Brussels", "self"),  # left before the window
    ]
    opened = [pd.Timestamp(t, tz=tz).tz_convert("Europe/Brussels") for _, t, tz, _ in rows]
    return pd.DataFrame(
        {
            "ticket_id": [str(i) for i in range(len(rows))],
            "opened_at": pd.Series(opened),
            "requester_key": pd.Series([r[0] for r in rows], dtype="str"),
            "self_solvability": pd.Series([r[3] for r in rows], dtype="str"),
        }
    )


def _tiny_survey() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "person_key": ["m1", "p2", "p3", "p4"],
            "team": ["A", "A", "A", "B"],
            "self_efficacy": [5.0, 3.0, 4.0, 2.0],
            "psych_safety": [4.0, 5.0, 3.0, 6.0],
        }
    )


def test_person_panel_exposure_and_counts_by_hand():
    people, tickets, survey = _tiny_people(), _tiny_tickets(), _tiny_survey()
    inputs = [people.copy(), tickets.copy(), survey.copy()]
    panel = build_person_panel(
        tickets,
        people,
        start="2024-01-01",
        end="2024-12-31",
        survey_scores=survey,
        min_team_respondents=1,
    )
    for before, after in zip(inputs, [people, tickets, survey], strict=True):
        pd.testing.assert_frame_equal(before, after)  # no mutation

    got = panel.set_index(["person_key", "segment"])
    # Days counted by hand (2024 is a leap year, window 366 days):
    #  m1 hired 2023-01-01: regular all year, 366 days, 1.0 FTE
    #  p2 hired 2024-03-01: onboarding 1 Mar - 31 Aug = 184 days; regular 1 Sep - 31 Dec = 122
    #  p3 left 2024-06-30, 0.5 FTE: regular 1 Jan - 30 Jun = 182 days
    #  p4 hired 2023-10-15, 0.8 FTE: onboarding until 14 Apr 2024 = 105 days; regular 261
    #  p5 left 2023-12-31: no exposure, dropped; m6: regular 366 days
    expected_days = {
        ("m1", "regular"): (366, 1.0), ("p2", "onboarding"): (184, 1.0),
        ("p2", "regular"): (122, 1.0), ("p3", "regular"): (182, 0.5),
        ("p4", "onboarding"): (105, 0.8), ("p4", "regular"): (261, 0.8),
        ("m6", "regular"): (366, 1.0),
    }  # fmt: skip
    assert set(got.index) == set(expected_days)
    for key, (days, fte) in expected_days.items():
        assert got.loc[key, "exposure"] == pytest.approx(fte * days / 30.4375)
    expected_counts = {  # n_self, n_partly, n_it, n_all
        ("m1", "regular"): (2, 0, 0, 3), ("p2", "onboarding"): (1, 0, 0, 1),
        ("p2", "regular"): (1, 0, 0, 1), ("p3", "regular"): (0, 0, 1, 1),
        ("p4", "onboarding"): (0, 1, 0, 1), ("p4", "regular"): (1, 0, 0, 1),
        ("m6", "regular"): (0, 0, 0, 0),
    }  # fmt: skip
    for key, counts in expected_counts.items():
        assert tuple(got.loc[key, ["n_self", "n_partly", "n_it", "n_all"]]) == counts

    # Manager rate: m1 has log((2 + .5) / (366 / 30.4375)), m6 log(.5 / (366 / 30.4375)).
    # Members p2, p3 (m1) and p4 (m6) are standardised over these three persons;
    # leaders themselves get NaN.
    months = 366 / DAYS_PER_MONTH
    raw = pd.Series(
        {"p2": np.log(2.5 / months), "p3": np.log(2.5 / months), "p4": np.log(0.5 / months)}
    )
    z = (raw - raw.mean()) / raw.std(ddof=1)
    by_person = panel.groupby("person_key")["manager_self_rate"].first()
    assert by_person[["p2", "p3", "p4"]].to_numpy() == pytest.approx(z.to_numpy())
    assert by_person[["m1", "m6"]].isna().all()

    # Survey: self-efficacy z-scored over the 4 respondents (mean 3.5, sd sqrt(5/3));
    # team psych safety: A = (4 + 5 + 3) / 3 = 4, B = 6, assigned to m1, p2, p3 (4) and
    # p4, m6 (6), then z-scored over these 5 persons (mean 4.8, sd sqrt(1.2)).
    se = panel.groupby("person_key")["self_efficacy"].first()
    assert se["m1"] == pytest.approx(1.5 / np.sqrt(5 / 3))
    assert np.isnan(se["m6"])
    tps = panel.groupby("person_key")["team_psych_safety"].first()
    assert tps["p2"] == pytest.approx(-0.8 / np.sqrt(1.2))
    assert tps["m6"] == pytest.approx(1.2 / np.sqrt(1.2))
    assert list(panel.columns[:14]) == [
        "person_key", "team", "department", "function_level", "age_band", "site",
        "is_manager", "segment", "exposure", "n_self", "n_partly", "n_it", "n_all",
        "self_efficacy",
    ]  # fmt: skip


def test_team_means_need_minimum_respondents():
    # m6 moves to team C; C's mean comes from three respondents outside the panel.
    people = _tiny_people().assign(team=["A", "A", "A", "B", "A", "C"])
    survey = pd.concat(
        [
            _tiny_survey().assign(team=["A", "A", "A", "B"]),
            pd.DataFrame(
                {
                    "person_key": ["c1", "c2", "c3"],
                    "team": "C",
                    "self_efficacy": 3.0,
                    "psych_safety": 6.0,
                }
            ),
        ],
        ignore_index=True,
    )
    panel = build_person_panel(
        _tiny_tickets(), people, start="2024-01-01", end="2024-12-31", survey_scores=survey
    )  # default min_team_respondents=3: team B (1 respondent) gets NaN
    tps = panel.groupby("person_key")["team_psych_safety"].first()
    assert np.isnan(tps["p4"])
    # A = 4 (m1, p2, p3), C = 6 (m6): values 4, 4, 4, 6 -> mean 4.5, sd 1
    assert tps[["m1", "p2", "p3", "m6"]].to_numpy() == pytest.approx([-0.5, -0.5, -0.5, 1.5])


def test_person_panel_rejects_duplicate_people():
    people = pd.concat([_tiny_people(), _tiny_people().iloc[[1]]], ignore_index=True)
    with pytest.raises(SelfRelianceError, match="p2"):
        build_person_panel(_tiny_tickets(), people, start="2024-01-01", end="2024-12-31")


# --------------------------------------------------------------------------------------
# Registry
# --------------------------------------------------------------------------------------


def test_default_registry_covers_the_client_hypotheses():
    registry = load_registry()
    ids = [h["id"] for h in registry]
    assert {"H1", "H2a", "H2b", "H2c", "H3", "H4", "H5", "H6", "H7"} <= set(ids)
    assert {h["family"] for h in registry} == {"context", "groepen", "individu"}


def test_load_registry_reports_missing_keys(tmp_path):
    path = tmp_path / "h.yml"
    path.write_text("hypotheses:\n  - id: X1\n    family: f\n", encoding="utf-8")
    with pytest.raises(SelfRelianceError, match="X1.*missing"):
        load_registry(path)


def test_run_registry_on_simulated_organisation():
    people, tickets, scores, (start, end) = simulate_organisation(seed=3)
    panel = build_person_panel(tickets, people, start=start, end=end, survey_scores=scores)
    result = run_registry(panel, load_registry())
    by_id = result.set_index("hypothesis_id")
    assert set(result["status"]) <= {"supported", "contrary", "not_supported", "not_testable"}
    assert by_id.loc["H1", "ci_low"] < 1.8 < by_id.loc["H1", "ci_high"]
    assert by_id.loc["H4", "irr"] < 1
    assert by_id.loc["H2a", "test"].startswith("joint Wald F(4, 16)")
    # q-values are BH within each family
    for _, family in result.groupby("family"):
        assert family["q_val"].to_numpy() == pytest.approx(
            benjamini_hochberg(family["p_val"]), nan_ok=True
        )
    # leaders never predict themselves: H3 uses fewer rows than H1
    assert by_id.loc["H3", "n_obs"] < by_id.loc["H1", "n_obs"]
    verdicts = " ".join(result["verdict_nl"])
    assert "bewezen" not in verdicts.lower()
    h1 = by_id.loc["H1"]
    assert "95%-BI" in h1["verdict_nl"]
    assert h1["verdict_nl"].startswith("Ondersteund" if h1["q_val"] < 0.05 else "Niet ondersteund")
    assert f"{h1['irr']:.2f}".replace(".", ",") in h1["verdict_nl"]
    assert by_id.loc["H2a", "reference"] == "A"
    assert by_id.loc["H6", "test"].startswith("wild cluster score bootstrap")
    assert "t.o.v. groep A" in by_id.loc["H2a", "verdict_nl"]


def test_run_registry_marks_survey_hypotheses_not_testable_without_survey():
    people, tickets, _, (start, end) = simulate_organisation(seed=4, survey=False)
    panel = build_person_panel(tickets, people, start=start, end=end)
    result = run_registry(panel, load_registry()).set_index("hypothesis_id")
    for hid in ["H4", "H5", "H6", "H7"]:
        assert result.loc[hid, "status"] == "not_testable"
        assert (
            "self_efficacy" in result.loc[hid, "reason"]
            or "motivation" in result.loc[hid, "reason"]
        )
        assert result.loc[hid, "verdict_nl"].startswith("Niet toetsbaar")
        assert np.isnan(result.loc[hid, "q_val"])
    assert result.loc["H1", "status"] != "not_testable"


def test_status_rules_follow_q_and_direction():
    # A registry entry with the wrong expected direction must come out "contrary".
    people, tickets, _, (start, end) = simulate_organisation(
        seed=5, survey=False, irr_onboarding=3.0
    )
    panel = build_person_panel(tickets, people, start=start, end=end)
    registry = [h for h in load_registry() if h["id"] == "H1"]
    flipped = [{**registry[0], "id": "H1x", "expected_direction": "-"}]
    result = run_registry(panel, registry + flipped).set_index("hypothesis_id")
    assert result.loc["H1", "status"] == "supported"
    assert result.loc["H1x", "status"] == "contrary"
    assert result.loc["H1x", "verdict_nl"].startswith("Tegengesteld")
