"""Test the client's hypotheses about self-solvable tickets with count models.

About 200 people nested in about 20 teams file ticket counts over unequal exposure
(FTE-months employed in the analysis window). The analysis therefore

* builds a person x segment panel (onboarding vs regular period) with exposure and counts
  (:func:`build_person_panel`), and the self-solvable tickets as events
  (:func:`ticket_events`) for the recurring-behaviour hypotheses;
* fits negative binomial (NB2) models with a log-exposure offset and reads incidence-rate
  ratios (IRR) with inference that respects team clustering with few clusters: CR1
  cluster-robust covariance and a t-distribution with G - 1 degrees of freedom
  (:func:`fit_count_model`), a restricted wild cluster score bootstrap for team-level and
  cross-level terms and for joint tests of person-level factors
  (:func:`wild_cluster_bootstrap_p`), and a randomisation test over teams for factors that
  are constant within teams (department, site: :func:`team_factor_test`);
* checks each count model with a GEE Poisson model with exchangeable correlation within
  teams and the bias-reduced (Mancl-DeRouen) sandwich, as a robustness column;
* tests recurring behaviour (concentration of tickets on few people; the same question
  again within 30 days) against a parametric bootstrap from a fitted count model
  (:func:`concentration_test`, :func:`repeat_test`);
* controls the false discovery rate within declared families (:func:`benjamini_hochberg`);
* runs a versioned registry of hypotheses (``resources/hypotheses.yml``), reports which data
  each needs and whether they are present (:func:`data_availability`), and words each result
  as a cautious Dutch verdict (:func:`load_registry`, :func:`run_registry`).

The NB2 and Poisson fits are written in numpy (IRLS for the coefficients, Brent's method for
the NB2 dispersion) so that the simulation study (:mod:`selfreliance.validation`) can run the
very same code on thousands of simulated organisations; the tests check them against scipy,
statsmodels and a published example.

All functions are pure: they never modify their inputs.
"""

from __future__ import annotations

import math
import re
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
import patsy
import yaml
from scipy import optimize, special, stats

from selfreliance.errors import SelfRelianceError

__all__ = [
    "DAYS_PER_MONTH",
    "TENURE_BANDS",
    "build_person_panel",
    "ticket_events",
    "onboarding_curve",
    "fit_count_model",
    "wild_cluster_bootstrap_p",
    "team_factor_test",
    "concentration_test",
    "repeat_test",
    "benjamini_hochberg",
    "load_registry",
    "data_availability",
    "run_registry",
    "team_quadrants",
    "analyse_window",
    "results_for_export",
    "write_results",
]

#: Average length of a month in days (365.25 / 12); exposure is in FTE-months.
DAYS_PER_MONTH = 30.4375
#: Tenure bands (years of service at the end of the window): lower bounds and labels.
TENURE_BANDS = ((0, "<2"), (2, "2-4"), (5, "5-9"), (10, "10-19"), (20, "20+"))
_COUNT_COLUMNS = {"self": "n_self", "partly": "n_partly", "it": "n_it"}
_PERSON_COLUMNS = [
    "person_key",
    "team",
    "department",
    "function_level",
    "age_band",
    "site",
    "is_manager",
    "telework",
]
_SURVEY_ID_COLUMNS = {"person_key", "team", "submitted_at"}
_ONE_DAY = pd.Timedelta(days=1)


# --------------------------------------------------------------------------------------
# Person panel
# --------------------------------------------------------------------------------------


def _local_naive(times: pd.Series) -> pd.Series:
    """Timestamps as naive Europe/Brussels wall-clock times (segment bounds are local dates)."""
    times = pd.to_datetime(times)
    if times.dt.tz is not None:
        times = times.dt.tz_convert("Europe/Brussels").dt.tz_localize(None)
    return times


def _zscore_over_persons(values: pd.Series, persons: pd.Series) -> pd.Series:
    """Standardise a person-level value using one observation per person (not per row)."""
    per_person = values.groupby(persons, sort=False).first()
    mean, sd = per_person.mean(), per_person.std(ddof=1)
    if not np.isfinite(sd) or sd == 0:
        return values * np.nan
    return (values - mean) / sd


def _tenure_band(hire: pd.Series, reference: pd.Timestamp) -> pd.Series:
    years = (reference - pd.to_datetime(hire)) / pd.Timedelta(days=365.25)
    bounds = [lo for lo, _ in TENURE_BANDS[1:]]
    labels = np.array([name for _, name in TENURE_BANDS], dtype=object)
    band = pd.Series(
        labels[np.searchsorted(bounds, years.fillna(-1), side="right")], index=hire.index
    )
    return band.where(years.notna())


def _window(start: Any, end: Any) -> tuple[pd.Timestamp, pd.Timestamp]:
    window_start = pd.Timestamp(start).normalize()
    window_stop = pd.Timestamp(end).normalize() + _ONE_DAY
    if window_stop <= window_start:
        raise SelfRelianceError(f"The analysis window ends ({end}) before it starts ({start}).")
    return window_start, window_stop


def _employment_bounds(people: pd.DataFrame, window_stop: pd.Timestamp, onboarding_months: int):
    hire = pd.to_datetime(people["hire_date"])
    emp_stop = (pd.to_datetime(people["exit_date"]) + _ONE_DAY).fillna(window_stop)
    onb_stop = hire + pd.DateOffset(months=onboarding_months)
    return pd.DataFrame(
        {
            "person_key": people["person_key"],
            "hire": hire,
            "onb_stop": onb_stop,
            "emp_stop": emp_stop,
        }
    )


def _requested_in_employment(
    tickets: pd.DataFrame,
    people: pd.DataFrame,
    window_start: pd.Timestamp,
    window_stop: pd.Timestamp,
    onboarding_months: int,
) -> pd.DataFrame:
    """Tickets of staff inside the window and their employment, with their segment."""
    bounds = _employment_bounds(people, window_stop, onboarding_months)
    requested = tickets[tickets["requester_key"].notna()]
    local = pd.DataFrame(
        {
            "person_key": requested["requester_key"].astype(people["person_key"].dtype),
            "at": _local_naive(requested["opened_at"]),
            "kind": requested["self_solvability"],
            "question_type": (
                requested["question_type"] if "question_type" in requested else pd.NA
            ),
        }
    ).merge(bounds, on="person_key", how="inner")
    in_window = (local["at"] >= window_start) & (local["at"] < window_stop)
    employed = (local["at"] >= local["hire"]) & (local["at"] < local["emp_stop"])
    local = local[in_window & employed]
    return local.assign(segment=np.where(local["at"] < local["onb_stop"], "onboarding", "regular"))


def build_person_panel(
    tickets: pd.DataFrame,
    people: pd.DataFrame,
    *,
    start: Any,
    end: Any,
    onboarding_months: int = 6,
    survey_scores: pd.DataFrame | None = None,
    team_scales: Sequence[str] = ("psych_safety", "manager_role_model"),
    min_team_respondents: int = 3,
) -> pd.DataFrame:
    """One row per person and segment (onboarding / regular) with exposure and counts.

    Parameters
    ----------
    tickets : pandas.DataFrame
        ``ticket_id, opened_at`` (tz-aware, converted to Europe/Brussels wall-clock time),
        ``requester_key`` (NA when not a staff member; such tickets are ignored) and
        ``self_solvability`` ('self' | 'partly' | 'it').
    people : pandas.DataFrame
        HR roster, one row per ``person_key``: ``team, department, manager_key,
        function_level, hire_date, exit_date, fte, age_band, site, is_manager``.
    start, end : date-like
        First and last day (inclusive) of the analysis window.
    onboarding_months : int, default 6
        Length of the onboarding segment after ``hire_date`` (calendar months).
    survey_scores : pandas.DataFrame, optional
        Output of :func:`selfreliance.survey.score_survey` (``person_key, team`` and one
        column per scale), at most one row per person.
    team_scales : sequence of str, default ("psych_safety", "manager_role_model")
        Survey scales aggregated to a team mean ``team_<scale>``. Check first that the
        aggregation is justified (:func:`selfreliance.survey.aggregation_checks`);
        :func:`analyse_window` does.
    min_team_respondents : int, default 3
        Team means based on fewer respondents are set to NaN.

    Returns
    -------
    pandas.DataFrame
        ``person_key, team, department, function_level, age_band, site, is_manager,
        tenure_band, segment, exposure, n_self, n_partly, n_it, n_all``, then one column per
        survey scale, ``team_<scale>`` per team scale, ``manager_self_rate``,
        ``manager_self_rate_eb``, ``period_start`` and ``period_end``.

        * ``segment`` is "onboarding" for days within ``onboarding_months`` after hire and
          "regular" otherwise; only days inside both the window and the employment
          (``hire_date`` to ``exit_date``, inclusive) count. ``period_start`` and
          ``period_end`` (exclusive) are the segment's first and last-plus-one day.
        * ``tenure_band`` is the years of service at the end of the window
          (:data:`TENURE_BANDS`).
        * ``exposure`` is ``fte * days / 30.4375`` (FTE-months); rows with zero exposure are
          dropped (so persons without exposure in the window disappear).
        * ``n_self``, ``n_partly``, ``n_it`` count tickets opened in the segment by
          self-solvability; ``n_all`` counts all of them, unclassified tickets included.
        * Survey scale columns are z-scores across persons of the panel (NaN for
          non-respondents); ``team_<scale>`` is the team mean of the raw scale score among
          respondents (grouped by the survey's ``team``), then centred and standardised
          across persons.
        * ``manager_self_rate`` is the team leader's (``manager_key``) own
          ``log((n_self + 0.5) / exposure)`` over the window, standardised across persons;
          ``manager_self_rate_eb`` is the log of the leader's empirical-Bayes (gamma-Poisson)
          rate, which shrinks the rates of leaders with little exposure towards the mean
          of all leaders, standardised likewise. Both are NaN for leaders themselves
          (``is_manager`` or referenced as someone's manager), so that a leader is never
          their own predictor, and when the leader has no exposure in the window.

    Examples
    --------
    >>> people = pd.DataFrame({
    ...     "person_key": ["p1"], "team": ["t1"], "department": ["d"], "manager_key": [pd.NA],
    ...     "function_level": ["C"], "hire_date": [pd.Timestamp("2023-01-01")],
    ...     "exit_date": [pd.NaT], "fte": [1.0], "age_band": ["30-39"], "site": ["s"],
    ...     "is_manager": [False]})
    >>> tickets = pd.DataFrame({"ticket_id": ["1"], "requester_key": ["p1"],
    ...     "opened_at": [pd.Timestamp("2024-02-01 10:00", tz="Europe/Brussels")],
    ...     "self_solvability": ["self"]})
    >>> panel = build_person_panel(tickets, people, start="2024-01-01", end="2024-12-31")
    >>> panel[["segment", "tenure_band", "n_self"]].to_dict("records")
    [{'segment': 'regular', 'tenure_band': '<2', 'n_self': 1}]
    """
    if people["person_key"].duplicated().any():
        dupes = people.loc[people["person_key"].duplicated(), "person_key"].unique()[:5]
        raise SelfRelianceError(
            f"The HR roster has more than one row for person_key {list(dupes)}; "
            "keep one row per person (the most recent employment)."
        )
    window_start, window_stop = _window(start, end)
    bounds = _employment_bounds(people, window_stop, onboarding_months)
    tenure = _tenure_band(people["hire_date"], window_stop - _ONE_DAY)

    def segment(name: str, seg_start: pd.Series, seg_stop: pd.Series) -> pd.DataFrame:
        lo = seg_start.clip(lower=window_start)
        hi = seg_stop.clip(upper=window_stop)
        days = ((hi - lo) / _ONE_DAY).clip(lower=0).fillna(0)
        frame = people[[c for c in _PERSON_COLUMNS if c in people.columns]].copy()
        frame["tenure_band"] = tenure
        frame["segment"] = name
        frame["exposure"] = people["fte"].astype("float64") * days / DAYS_PER_MONTH
        frame["period_start"] = lo
        frame["period_end"] = hi
        return frame

    hire, onb_stop, emp_stop = bounds["hire"], bounds["onb_stop"], bounds["emp_stop"]
    rows = pd.concat(
        [
            segment("onboarding", hire, np.minimum(onb_stop, emp_stop)),
            segment("regular", np.maximum(onb_stop, hire), emp_stop),
        ],
        ignore_index=True,
    )
    panel = rows[rows["exposure"] > 0].reset_index(drop=True)
    periods = panel.pop("period_start"), panel.pop("period_end")

    local = _requested_in_employment(tickets, people, window_start, window_stop, onboarding_months)
    counts = (
        pd.crosstab([local["person_key"], local["segment"]], local["kind"])
        if len(local)
        else pd.DataFrame(index=pd.MultiIndex.from_arrays([[], []]))
    )
    counts = counts.reindex(columns=list(_COUNT_COLUMNS), fill_value=0).rename(
        columns=_COUNT_COLUMNS
    )
    counts["n_all"] = local.groupby(["person_key", "segment"]).size()
    counts.index = counts.index.set_names(["person_key", "segment"])
    panel = panel.merge(
        counts.reset_index(), on=["person_key", "segment"], how="left", validate="1:1"
    )
    count_cols = [*_COUNT_COLUMNS.values(), "n_all"]
    panel[count_cols] = panel[count_cols].fillna(0).astype("int64")
    panel = add_survey_columns(
        panel,
        survey_scores,
        team_scales=team_scales,
        min_team_respondents=min_team_respondents,
    )
    panel = add_manager_rates(panel, people)
    panel["period_start"], panel["period_end"] = periods[0].to_numpy(), periods[1].to_numpy()
    return panel


def add_survey_columns(
    panel: pd.DataFrame,
    survey_scores: pd.DataFrame | None,
    *,
    team_scales: Sequence[str] = ("psych_safety", "manager_role_model"),
    min_team_respondents: int = 3,
) -> pd.DataFrame:
    """Add survey scales (person z-scores) and team means (``team_<scale>``) to a panel.

    Used by :func:`build_person_panel` and by the simulation study; see there for the
    definitions. Returns a new frame.
    """
    if survey_scores is None:
        return panel.copy()
    if survey_scores["person_key"].duplicated().any():
        raise SelfRelianceError(
            "survey_scores has more than one row per person_key; keep one response "
            "per person (e.g. the latest submission)."
        )
    scale_cols = [c for c in survey_scores.columns if c not in _SURVEY_ID_COLUMNS]
    out = panel.merge(survey_scores[["person_key", *scale_cols]], on="person_key", how="left")
    for col in scale_cols:
        out[col] = _zscore_over_persons(out[col], out["person_key"])
    for col in team_scales:
        if col not in scale_cols:
            continue
        grouped = survey_scores.dropna(subset=[col]).groupby("team")[col]
        means = grouped.mean().where(grouped.size() >= min_team_respondents)
        team_mean = out["team"].map(means).astype("float64")
        out[f"team_{col}"] = _zscore_over_persons(team_mean, out["person_key"])
    return out


def _eb_log_rates(counts: pd.Series, exposure: pd.Series) -> pd.Series:
    """Log empirical-Bayes rates: gamma prior fitted by moments across units (Clayton &
    Kaldor 1987): ``(n + m k) / (E + k)`` with prior mean ``m`` and ``k = m / tau2``."""
    rate = counts / exposure
    m = counts.sum() / exposure.sum()
    weights = exposure / exposure.sum()
    between = float(np.sum(weights * (rate - m) ** 2)) - m * len(rate) / exposure.sum()
    if not np.isfinite(between) or between <= 0:
        return pd.Series(np.log(m), index=counts.index) if m > 0 else counts * np.nan
    k = m / between
    return np.log((counts + m * k) / (exposure + k))


def add_manager_rates(panel: pd.DataFrame, people: pd.DataFrame) -> pd.DataFrame:
    """Add ``manager_self_rate`` and ``manager_self_rate_eb`` (see :func:`build_person_panel`)."""
    out = panel.copy()
    totals = out.groupby("person_key")[["n_self", "exposure"]].sum()
    own_log_rate = np.log((totals["n_self"] + 0.5) / totals["exposure"])
    manager_of = people.set_index("person_key")["manager_key"]
    leaders = set(people["manager_key"].dropna()) | set(
        people.loc[people["is_manager"].fillna(False).astype(bool), "person_key"]
    )
    leader_totals = totals[totals.index.isin(leaders)]
    eb = (
        _eb_log_rates(leader_totals["n_self"], leader_totals["exposure"])
        if len(leader_totals) >= 3
        else pd.Series(dtype=float)
    )
    is_leader = out["person_key"].isin(leaders)
    their_manager = out["person_key"].map(manager_of)
    for name, source in (("manager_self_rate", own_log_rate), ("manager_self_rate_eb", eb)):
        rate = their_manager.map(source).astype("float64").where(~is_leader)
        out[name] = _zscore_over_persons(rate, out["person_key"])
    return out


def ticket_events(
    tickets: pd.DataFrame,
    people: pd.DataFrame,
    *,
    start: Any,
    end: Any,
    kind: str = "self",
    onboarding_months: int = 6,
) -> pd.DataFrame:
    """The tickets of one self-solvability class as person events (for recurring behaviour).

    Returns
    -------
    pandas.DataFrame
        ``person_key, segment, day`` (local calendar date, midnight) and ``question_type``,
        for tickets of class ``kind`` filed by staff inside the window and their employment,
        sorted by person and time.

    Examples
    --------
    >>> people = pd.DataFrame({"person_key": ["p1"], "hire_date": [pd.Timestamp("2020-01-01")],
    ...     "exit_date": [pd.NaT]})
    >>> tickets = pd.DataFrame({"requester_key": ["p1", "p1"],
    ...     "opened_at": pd.to_datetime(["2024-02-01 10:00", "2024-02-03 10:00"]),
    ...     "self_solvability": ["self", "it"], "question_type": ["password_mfa", "hardware"]})
    >>> ticket_events(tickets, people, start="2024-01-01", end="2024-12-31")["day"].tolist()
    [Timestamp('2024-02-01 00:00:00')]
    """
    window_start, window_stop = _window(start, end)
    local = _requested_in_employment(tickets, people, window_start, window_stop, onboarding_months)
    local = local[local["kind"] == kind].sort_values(["person_key", "at"], kind="stable")
    return pd.DataFrame(
        {
            "person_key": local["person_key"].to_numpy(),
            "segment": local["segment"].to_numpy(),
            "day": local["at"].dt.normalize().to_numpy(),
            "question_type": local["question_type"].astype("object").to_numpy(),
        }
    )


#: Bands of months since hire used by :func:`onboarding_curve`.
ONBOARDING_BANDS = ((0, "0-2"), (3, "3-5"), (6, "6-11"), (12, "12-23"), (24, "24+"))


def onboarding_curve(
    tickets: pd.DataFrame,
    people: pd.DataFrame,
    *,
    start: Any,
    end: Any,
    kind: str = "self",
    min_people: int = 5,
) -> pd.DataFrame:
    """Rate of tickets per FTE-month by months since hire (descriptive, with exposure).

    Returns
    -------
    pandas.DataFrame
        ``months_since_hire, n_people, exposure, n_tickets, rate, rate_ratio`` with one row
        per band of :data:`ONBOARDING_BANDS`; ``rate_ratio`` is relative to staff with 24+
        months of service. Bands with fewer than ``min_people`` people are shown without
        figures (``n_people`` kept, the rest NaN), so that no small group can be singled out.
    """
    window_start, window_stop = _window(start, end)
    bounds = _employment_bounds(people, window_stop, onboarding_months=6)
    hire, emp_stop = bounds["hire"], bounds["emp_stop"]
    local = _requested_in_employment(tickets, people, window_start, window_stop, 6)
    local = local[local["kind"] == kind]
    months_at = (local["at"] - local["hire"]) / pd.Timedelta(days=DAYS_PER_MONTH)
    rows = []
    for i, (lower, name) in enumerate(ONBOARDING_BANDS):
        upper = ONBOARDING_BANDS[i + 1][0] if i + 1 < len(ONBOARDING_BANDS) else None
        seg_lo = (hire + pd.DateOffset(months=lower)).clip(lower=window_start)
        seg_hi = (hire + pd.DateOffset(months=upper)) if upper is not None else emp_stop
        seg_hi = np.minimum(seg_hi, emp_stop).clip(upper=window_stop)
        days = ((seg_hi - seg_lo) / _ONE_DAY).clip(lower=0).fillna(0)
        exposure = float((people["fte"].astype(float) * days / DAYS_PER_MONTH).sum())
        in_band = (months_at >= lower) & ((months_at < upper) if upper is not None else True)
        rows.append(
            {
                "months_since_hire": name,
                "n_people": int((days > 0).sum()),
                "exposure": exposure,
                "n_tickets": int(in_band.sum()),
            }
        )
    curve = pd.DataFrame(rows)
    curve["rate"] = curve["n_tickets"] / curve["exposure"].where(curve["exposure"] > 0)
    curve["rate_ratio"] = curve["rate"] / curve["rate"].iloc[-1]
    small = curve["n_people"] < min_people
    curve.loc[small, ["exposure", "n_tickets", "rate", "rate_ratio"]] = np.nan
    curve["n_tickets"] = curve["n_tickets"].astype("Int64")
    return curve


# --------------------------------------------------------------------------------------
# Count models: NB2 and Poisson in numpy
# --------------------------------------------------------------------------------------

_MIN_ALPHA, _MAX_ALPHA = 1e-8, 1e3


@dataclass(frozen=True)
class _Estimate:
    beta: np.ndarray
    alpha: float  # NB2 dispersion; 0 for Poisson
    mu: np.ndarray
    converged: bool


def _irls(
    y: np.ndarray,
    x: np.ndarray,
    offset: np.ndarray,
    alpha: float,
    beta: np.ndarray | None,
    *,
    maxiter: int = 100,
    tol: float = 1e-10,
) -> tuple[np.ndarray, bool]:
    """Fisher scoring (IRLS) for the log-link coefficients of a Poisson (alpha = 0) or NB2
    model with known alpha; step halving keeps the log-likelihood from decreasing."""

    def loglik(b: np.ndarray) -> float:
        eta = np.clip(x @ b + offset, -700, 700)
        mu = np.exp(eta)
        if alpha == 0:
            return float(np.sum(y * eta - mu))
        return float(np.sum(y * eta - (y + 1 / alpha) * np.log1p(alpha * mu)))

    if beta is None:
        mu0 = y + 0.1 * max(y.mean(), 0.1)
        z = np.log(mu0) - offset
        beta = np.linalg.lstsq(x * np.sqrt(mu0)[:, None], z * np.sqrt(mu0), rcond=None)[0]
    current = loglik(beta)
    for _ in range(maxiter):
        mu = np.exp(np.clip(x @ beta + offset, -700, 700))
        w = mu / (1 + alpha * mu)
        score = x.T @ ((y - mu) / (1 + alpha * mu))
        info = x.T @ (x * w[:, None])
        try:
            step = np.linalg.solve(info, score)
        except np.linalg.LinAlgError:
            step = np.linalg.lstsq(info, score, rcond=None)[0]
        for _half in range(30):
            candidate = beta + step
            value = loglik(candidate)
            if value >= current - 1e-12 * abs(current):
                break
            step = step / 2
        beta, current = candidate, value
        if np.max(np.abs(step)) < tol:
            return beta, True
    return beta, False


def _nb2_profile(log_alpha: float, y: np.ndarray, mu: np.ndarray) -> float:
    """Negative NB2 log-likelihood in log(alpha) for fixed means (Cameron & Trivedi 2013, 3.26)."""
    r = 1.0 / math.exp(log_alpha)
    return -float(
        np.sum(
            special.gammaln(y + r)
            - special.gammaln(r)
            + r * np.log(r / (r + mu))
            + y * np.log(mu / (r + mu))
        )
    )


def _nb2_derivatives(
    y: np.ndarray, x: np.ndarray, mu: np.ndarray, alpha: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray, float, float, float]:
    """Score and observed Hessian of the NB2 log-likelihood in (beta, alpha), with the
    dispersion's derivatives written through r = 1 / alpha (Cameron & Trivedi 2013, 3.3)."""
    r = 1.0 / alpha
    denom = 1 + alpha * mu
    g_beta = x.T @ ((y - mu) / denom)
    h_bb = -(x.T @ (x * (mu * (1 + alpha * y) / denom**2)[:, None]))
    h_ba = -(x.T @ ((y - mu) * mu / denom**2))
    dl_dr = special.digamma(y + r) - special.digamma(r) + np.log(r / (r + mu)) + (mu - y) / (r + mu)
    d2l_dr2 = (
        special.polygamma(1, y + r)
        - special.polygamma(1, r)
        + 1 / r
        - 1 / (r + mu)
        - (mu - y) / (r + mu) ** 2
    )
    g_alpha = float(-np.sum(r**2 * dl_dr))
    h_aa = float(np.sum(r**4 * d2l_dr2 + 2 * r**3 * dl_dr))
    return g_beta, h_bb, h_ba, g_alpha, h_aa, dl_dr


def _nb2_loglik(y: np.ndarray, mu: np.ndarray, alpha: float) -> float:
    return -_nb2_profile(math.log(alpha), y, mu)


def _fit_glm(
    y: np.ndarray,
    x: np.ndarray,
    offset: np.ndarray,
    model: str,
    *,
    tol: float = 1e-10,
) -> _Estimate:
    """Maximum likelihood NB2 or Poisson.

    Poisson: IRLS. NB2: from the Poisson fit and Brent's method for alpha, Newton-Raphson on
    (beta, log alpha) jointly with step halving; if that fails, alternating IRLS for beta and
    Brent for alpha until both settle. alpha is kept within [1e-8, 1e3].
    """
    beta, converged = _irls(y, x, offset, 0.0, None, tol=tol)
    alpha = 0.0
    if model == "negbin":
        bounds = (math.log(_MIN_ALPHA), math.log(_MAX_ALPHA))

        def best_alpha(b: np.ndarray) -> float:
            mu = np.exp(np.clip(x @ b + offset, -700, 700))
            found = optimize.minimize_scalar(
                _nb2_profile, bounds=bounds, args=(y, mu), method="bounded",
                options={"xatol": 1e-6},
            )  # fmt: skip
            return math.exp(float(found.x))

        alpha = best_alpha(beta)
        k = x.shape[1]
        converged = False
        mu = np.exp(np.clip(x @ beta + offset, -700, 700))
        current = _nb2_loglik(y, mu, alpha)
        for _ in range(100):
            if alpha <= _MIN_ALPHA * 10:
                break
            g_b, h_bb, h_ba, g_a, h_aa, _ = _nb2_derivatives(y, x, mu, alpha)
            # parameters (beta, phi = log alpha): chain rule for phi
            grad = np.append(g_b, alpha * g_a)
            hess = np.empty((k + 1, k + 1))
            hess[:k, :k] = h_bb
            hess[:k, k] = hess[k, :k] = alpha * h_ba
            hess[k, k] = alpha**2 * h_aa + alpha * g_a
            try:
                step = -np.linalg.solve(hess, grad)
            except np.linalg.LinAlgError:
                break
            if not np.all(np.isfinite(step)) or grad @ step <= 0:
                break  # not an ascent direction: leave it to the alternating fallback
            improved = False
            for _half in range(40):
                cand_beta = beta + step[:k]
                cand_alpha = float(np.clip(alpha * math.exp(step[k]), _MIN_ALPHA, _MAX_ALPHA))
                cand_mu = np.exp(np.clip(x @ cand_beta + offset, -700, 700))
                value = _nb2_loglik(y, cand_mu, cand_alpha)
                if value >= current - 1e-12 * abs(current):
                    improved = True
                    break
                step = step / 2
            if not improved:
                break
            beta, alpha, mu, current = cand_beta, cand_alpha, cand_mu, value
            if np.max(np.abs(step)) < tol:
                converged = True
                break
        if not converged:  # alternating fallback (also for alpha at its lower bound)
            for _ in range(200):
                new_beta, ok = _irls(y, x, offset, alpha, beta, tol=tol)
                new_alpha = best_alpha(new_beta)
                shift = float(np.max(np.abs(new_beta - beta)))
                change = abs(math.log(new_alpha) - math.log(alpha))
                beta, alpha = new_beta, new_alpha
                if shift < tol * 10 and change < 1e-6:
                    converged = ok
                    break
    mu = np.exp(np.clip(x @ beta + offset, -700, 700))
    return _Estimate(beta=beta, alpha=alpha, mu=mu, converged=bool(converged))


def _covariance(
    est: _Estimate,
    y: np.ndarray,
    x: np.ndarray,
    groups: np.ndarray | None,
    model: str,
) -> np.ndarray:
    """Model-based (groups None) or CR1 cluster-robust covariance of the coefficients.

    For NB2 both use the joint (beta, alpha) observed information and scores, as statsmodels
    does, so that the estimated dispersion's uncertainty enters; CR1 counts alpha in K.
    """
    mu, a = est.mu, est.alpha
    n, k = x.shape
    if model == "poisson" or a <= 0:
        hessian = x.T @ (x * mu[:, None])
        scores = x * (y - mu)[:, None]
        n_par = k + (model == "negbin")
    else:
        _, h_bb, h_ba, _, h_aa, dl_dr = _nb2_derivatives(y, x, mu, a)
        hessian = -np.block([[h_bb, h_ba[:, None]], [h_ba[None, :], np.array([[h_aa]])]])
        scores = np.column_stack([x * ((y - mu) / (1 + a * mu))[:, None], -((1 / a) ** 2) * dl_dr])
        n_par = k + 1
    try:
        bread = np.linalg.inv(hessian)
    except np.linalg.LinAlgError:
        bread = np.linalg.pinv(hessian)
    if groups is None:
        return bread[:k, :k]
    n_groups = int(groups.max()) + 1
    summed = np.zeros((n_groups, scores.shape[1]))
    np.add.at(summed, groups, scores)
    correction = n_groups / (n_groups - 1) * (n - 1) / (n - n_par)
    cov = correction * bread @ (summed.T @ summed) @ bread
    return cov[:k, :k]


def _cr3_covariance(est: _Estimate, y: np.ndarray, x: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Cluster jackknife (CR3) covariance of the coefficients, linearised for the GLM.

    With Fisher weights ``w = mu / (1 + alpha mu)``, ``Xw = W^1/2 X``, working residuals
    ``e = W^1/2 (y - mu) / mu`` and ``H_gg = Xw_g (Xw'Xw)^-1 Xw_g'``, the cluster scores are
    inflated to ``u_g = Xw_g' (I - H_gg)^-1 e_g`` and
    ``V = (G - 1)/G B^-1 (sum_g u_g u_g') B^-1`` (Bell & McCaffrey 2002; Pustejovsky &
    Tipton 2018; MacKinnon, Nielsen & Webb 2023 for CR3 with few clusters). It corrects the
    downward bias of the CR1 sandwich when a few clusters carry much leverage; used with a
    t(G - 1) reference. alpha is held at its estimate.
    """
    mu, a = est.mu, est.alpha
    w = mu / (1 + a * mu)
    xw = x * np.sqrt(w)[:, None]
    ew = np.sqrt(w) * (y - mu) / mu
    bread = np.linalg.pinv(xw.T @ xw)
    n_groups = int(groups.max()) + 1
    order = np.argsort(groups, kind="stable")
    bounds = np.searchsorted(groups[order], np.arange(n_groups + 1))
    meat = np.zeros((x.shape[1], x.shape[1]))
    for g in range(n_groups):
        rows = order[bounds[g] : bounds[g + 1]]
        xg, eg = xw[rows], ew[rows]
        hat = xg @ bread @ xg.T
        try:
            adjusted = np.linalg.solve(np.eye(len(rows)) - hat, eg)
        except np.linalg.LinAlgError:
            adjusted = np.linalg.lstsq(np.eye(len(rows)) - hat, eg, rcond=None)[0]
        u = xg.T @ adjusted
        meat += np.outer(u, u)
    return (n_groups - 1) / n_groups * bread @ meat @ bread


@dataclass(frozen=True)
class _Fit:
    names: list[str]
    params: np.ndarray
    cov: np.ndarray
    df: float  # degrees of freedom of the t reference distribution (inf = normal)
    n_obs: int
    n_clusters: int
    model: str
    se_type: str
    design_info: Any
    converged: bool
    dispersion: float  # NB2 alpha; NaN for Poisson
    arrays: dict = field(default_factory=dict, repr=False)  # y, x, offset, groups


def _design(
    data: pd.DataFrame, outcome: str, terms: str, exposure: str, cluster: str | None
) -> tuple[pd.DataFrame, pd.DataFrame, np.ndarray, np.ndarray | None]:
    for col in [exposure] + ([cluster] if cluster else []):
        if col not in data.columns:
            raise SelfRelianceError(f"Column '{col}' is not in the data.")
    keep = data[exposure].notna() & (data[exposure] > 0)
    if cluster:
        keep &= data[cluster].notna()
    usable = data if bool(keep.all()) else data[keep]
    try:
        y, x = patsy.dmatrices(
            f"{outcome} ~ {terms}", usable, return_type="dataframe", NA_action="drop"
        )
    except patsy.PatsyError as exc:
        raise SelfRelianceError(f"Cannot build the model '{outcome} ~ {terms}': {exc}") from exc
    groups = pd.factorize(usable[cluster].loc[y.index])[0] if cluster else None
    return y, x, usable[exposure].loc[y.index].to_numpy(dtype=float), groups


def _fit(
    data: pd.DataFrame,
    outcome: str,
    terms: str,
    *,
    exposure: str,
    cluster: str | None,
    model: str,
    cov: str | None,
) -> _Fit:
    if model not in {"negbin", "poisson"}:
        raise SelfRelianceError(f"model must be 'negbin' or 'poisson', got {model!r}.")
    cov = cov or ("cluster" if model == "negbin" else "naive")
    if cov not in {"cluster", "naive"}:
        raise SelfRelianceError(f"cov must be 'cluster' or 'naive', got {cov!r}.")
    y_frame, x_frame, expo, groups = _design(
        data, outcome, terms, exposure, cluster if cov == "cluster" else None
    )
    n_obs, k = x_frame.shape
    if n_obs <= k + (model == "negbin"):
        raise SelfRelianceError(
            f"Only {n_obs} complete rows for '{outcome} ~ {terms}'; too few to fit."
        )
    x = x_frame.to_numpy(dtype=float)
    if np.linalg.matrix_rank(x) < k:
        raise SelfRelianceError(
            f"The design of '{outcome} ~ {terms}' is rank deficient (a term is constant or "
            "collinear in the complete rows)."
        )
    y = y_frame.to_numpy(dtype=float).ravel()
    offset = np.log(expo)
    n_clusters = int(groups.max() + 1) if groups is not None else 0
    cluster_groups = groups if cov == "cluster" else None
    if cov == "cluster" and n_clusters < 2:
        raise SelfRelianceError("Cluster-robust inference needs at least two clusters.")
    est = _fit_glm(y, x, offset, model)
    covariance = _covariance(est, y, x, cluster_groups, model)
    return _Fit(
        names=list(x_frame.columns),
        params=est.beta,
        cov=covariance,
        df=float(n_clusters - 1) if cov == "cluster" else math.inf,
        n_obs=int(n_obs),
        n_clusters=n_clusters if cov == "cluster" else 0,
        model=model,
        se_type="cluster-CR1" if cov == "cluster" else "model-based",
        design_info=x_frame.design_info,
        converged=est.converged,
        dispersion=est.alpha if model == "negbin" else math.nan,
        arrays={
            "y": y,
            "x": x,
            "offset": offset,
            "groups": groups,
            "mu": est.mu,
            "index": y_frame.index,
        },
    )


def _critical(df: float, level: float) -> float:
    return float(stats.norm.ppf(level) if math.isinf(df) else stats.t.ppf(level, df))


def _two_sided_p(stat: np.ndarray, df: float) -> np.ndarray:
    dist = stats.norm if math.isinf(df) else stats.t(df)
    return 2 * dist.sf(np.abs(stat))


def fit_count_model(
    data: pd.DataFrame,
    outcome: str,
    terms: str,
    *,
    exposure: str = "exposure",
    cluster: str = "team",
    model: Literal["negbin", "poisson"] = "negbin",
    cov: Literal["cluster", "naive"] | None = None,
    conf_level: float = 0.95,
) -> pd.DataFrame:
    """Fit a count model with a log-exposure offset and return incidence-rate ratios.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per unit (e.g. the output of :func:`build_person_panel`).
    outcome : str
        Count column.
    terms : str
        Right-hand side of a patsy formula, e.g. ``"C(segment, Treatment('regular'))"``.
    exposure : str, default "exposure"
        Exposure column (FTE-months); ``log(exposure)`` enters as offset. Rows with missing
        or non-positive exposure are dropped.
    cluster : str, default "team"
        Cluster column for cluster-robust inference.
    model : {"negbin", "poisson"}, default "negbin"
        "negbin": NB2 (variance ``mu + alpha mu^2``) with alpha estimated by maximum
        likelihood. "poisson": Poisson GLM. Both are fitted in numpy (IRLS; Brent's method
        for alpha) and checked in the tests against scipy and statsmodels.
    cov : {"cluster", "naive"}, optional
        Covariance. Default "cluster" for negbin and "naive" for poisson (the textbook
        Poisson GLM, for comparison). "cluster" is the CR1 sandwich
        ``G/(G-1) (N-1)/(N-K) H^-1 (sum_g s_g s_g') H^-1`` (K counts alpha for negbin)
        with p-values and CIs from a t-distribution with G - 1 degrees of freedom
        (Cameron & Miller 2015, section VI); "naive" uses the inverse observed information
        and the normal distribution.
    conf_level : float, default 0.95
        Confidence level of the interval.

    Returns
    -------
    pandas.DataFrame
        One row per coefficient except the intercept and alpha: ``term, irr, ci_low,
        ci_high, p_val, n_obs, n_clusters, model, se_type, coef, se, df, dispersion,
        converged``. ``coef`` and ``se`` are on the log scale, ``df`` is the t degrees of
        freedom (inf for the normal), ``dispersion`` is the NB2 alpha (NaN for Poisson),
        ``n_obs`` counts the complete rows used, ``n_clusters`` is 0 for naive covariance.

    Raises
    ------
    SelfRelianceError
        If the formula cannot be built, too few rows remain, the design is rank deficient
        or fewer than two clusters remain.
    """
    fit = _fit(data, outcome, terms, exposure=exposure, cluster=cluster, model=model, cov=cov)
    se = np.sqrt(np.diag(fit.cov))
    crit = _critical(fit.df, 0.5 + conf_level / 2)
    table = pd.DataFrame(
        {
            "term": fit.names,
            "irr": np.exp(fit.params),
            "ci_low": np.exp(fit.params - crit * se),
            "ci_high": np.exp(fit.params + crit * se),
            "p_val": _two_sided_p(fit.params / se, fit.df),
            "n_obs": fit.n_obs,
            "n_clusters": fit.n_clusters,
            "model": fit.model,
            "se_type": fit.se_type,
            "coef": fit.params,
            "se": se,
            "df": fit.df,
            "dispersion": fit.dispersion,
            "converged": fit.converged,
        }
    )
    return table[table["term"] != "Intercept"].reset_index(drop=True)


def _term_columns(names: Sequence[str], design_info: Any, term: str) -> list[int]:
    if term in names:
        return [list(names).index(term)]
    if design_info is not None and term in design_info.term_name_slices:
        sl = design_info.term_name_slices[term]
        return list(range(sl.start, sl.stop))
    raise SelfRelianceError(
        f"Term {term!r} is neither a coefficient nor a model term; coefficients are "
        f"{list(names)}. Fix 'term' in the hypothesis registry."
    )


def _rademacher_or_webb(rng: np.random.Generator, weights: str, shape: tuple[int, int]):
    if weights == "rademacher":
        return rng.choice([-1.0, 1.0], size=shape)
    if weights == "webb":
        webb = np.sqrt(np.array([0.5, 1.0, 1.5]))
        return rng.choice(np.concatenate([-webb, webb]), size=shape)
    raise SelfRelianceError(f"weights must be 'rademacher' or 'webb', got {weights!r}.")


def _score_bootstrap(
    y: np.ndarray,
    x: np.ndarray,
    offset: np.ndarray,
    groups: np.ndarray,
    tested: Sequence[int],
    *,
    model: str = "negbin",
    weights: str = "rademacher",
    n_boot: int = 999,
    seed: int = 0,
) -> float:
    """Restricted wild cluster score bootstrap p-value of H0: coefficients ``tested`` = 0."""
    n_clusters = int(groups.max() + 1)
    if n_clusters < 2:
        raise SelfRelianceError("The wild cluster bootstrap needs at least two clusters.")
    tested = list(tested)
    nuisance = [c for c in range(x.shape[1]) if c not in tested]
    restricted = _fit_glm(y, x[:, nuisance], offset, model)
    mu, a = restricted.mu, restricted.alpha
    resid = (y - mu) / (1 + a * mu)
    w = mu / (1 + a * mu)
    xn, xt = x[:, nuisance], x[:, tested]
    info_nn = xn.T @ (xn * w[:, None])
    info_nt = xn.T @ (xt * w[:, None])
    efficient = (xt - xn @ np.linalg.lstsq(info_nn, info_nt, rcond=None)[0]) * resid[:, None]
    s_g = np.zeros((n_clusters, len(tested)))
    np.add.at(s_g, groups, efficient)
    total = s_g.sum(axis=0)
    meat_inv = np.linalg.pinv(s_g.T @ s_g)
    observed = float(total @ meat_inv @ total)

    rng = np.random.default_rng(seed)
    draws = _rademacher_or_webb(rng, weights, (n_boot, n_clusters))
    boot_totals = draws @ s_g
    if weights == "rademacher":  # w^2 = 1: the meat is the same in every draw
        boot = np.einsum("bq,qr,br->b", boot_totals, meat_inv, boot_totals)
    else:
        meats = np.einsum("bg,gq,gr->bqr", draws**2, s_g, s_g)
        boot = np.einsum(
            "bq,bq->b", boot_totals, np.linalg.solve(meats, boot_totals[..., None])[..., 0]
        )
    return float(np.mean(boot >= observed * (1 - 1e-10)))


def wild_cluster_bootstrap_p(
    data: pd.DataFrame,
    outcome: str,
    term: str,
    terms: str,
    *,
    exposure: str = "exposure",
    cluster: str = "team",
    model: Literal["negbin", "poisson"] = "negbin",
    weights: Literal["rademacher", "webb"] = "rademacher",
    n_boot: int = 999,
    seed: int = 0,
) -> float:
    """Restricted wild cluster score bootstrap p-value for one coefficient or a whole term.

    Implements the score bootstrap of Kline & Santos (2012): the model is fitted under H0
    (the coefficients of ``term`` = 0), the per-cluster efficient scores ``S_g`` of the
    tested coefficients (scores with the nuisance directions projected out via the
    information matrix) are perturbed with cluster weights ``w_g``, and the p-value is the
    share of draws with ``W* >= W`` where ``W = S' M^-1 S``, ``S = sum_g S_g``,
    ``M = sum_g S_g S_g'`` and ``W* = S*' M*^-1 S*`` with ``S* = sum_g w_g S_g``,
    ``M* = sum_g w_g^2 S_g S_g'``. For one coefficient ``W`` is the squared cluster-robust
    score t-statistic; for a factor with several levels it is the joint robust score
    statistic. Imposing H0 keeps the test close to its nominal size with few clusters
    (Cameron, Gelbach & Miller 2008). The NB2 score (weights ``mu / (1 + alpha mu)``) is
    used by default; ``model="poisson"`` gives the Poisson quasi-likelihood score, which
    needs only the mean model to hold.

    Parameters
    ----------
    data, outcome, terms, exposure, cluster, model
        As in :func:`fit_count_model`.
    term : str
        A coefficient (column name as patsy names it) or a model term, e.g.
        ``"C(function_level)"`` for all its contrasts jointly.
    weights : {"rademacher", "webb"}, default "rademacher"
        Rademacher (+-1) weights, or Webb's six-point weights (better with fewer than about
        12 clusters; Webb 2023).
    n_boot : int, default 999
        Number of bootstrap draws.
    seed : int, default 0
        Seed of the random generator.

    Returns
    -------
    float
        Bootstrap p-value (two-sided for one coefficient).
    """
    y, x, expo, groups = _design(data, outcome, terms, exposure, cluster)
    try:
        tested = _term_columns(list(x.columns), x.design_info, term)
    except SelfRelianceError as exc:
        raise SelfRelianceError(
            f"Term {term!r} is not a column of the model; got {list(x.columns)}."
        ) from exc
    assert groups is not None
    return _score_bootstrap(
        y.to_numpy(dtype=float).ravel(),
        x.to_numpy(dtype=float),
        np.log(expo),
        groups,
        tested,
        model=model,
        weights=weights,
        n_boot=n_boot,
        seed=seed,
    )


# --------------------------------------------------------------------------------------
# Factors that are constant within teams: randomisation over teams
# --------------------------------------------------------------------------------------


def _weighted_f(levels: np.ndarray, values: np.ndarray, weights: np.ndarray, n_levels: int):
    """Weighted one-way ANOVA F for each row of ``levels`` (n_draws x n_teams level codes)."""
    n_draws, n_teams = levels.shape
    flat = (levels + n_levels * np.arange(n_draws)[:, None]).ravel()
    w_sum = np.bincount(flat, weights=np.tile(weights, n_draws), minlength=n_draws * n_levels)
    wl_sum = np.bincount(
        flat, weights=np.tile(weights * values, n_draws), minlength=n_draws * n_levels
    )
    w_sum, wl_sum = w_sum.reshape(n_draws, n_levels), wl_sum.reshape(n_draws, n_levels)
    means = wl_sum / np.where(w_sum > 0, w_sum, 1)
    grand = float(np.sum(weights * values) / np.sum(weights))
    between = np.sum(w_sum * (means - grand) ** 2, axis=1)
    fitted = np.take_along_axis(means, levels, axis=1)
    within = np.sum(weights * (values - fitted) ** 2, axis=1)
    return between / (n_levels - 1) / (within / (n_teams - n_levels)), means, w_sum, within


def team_factor_test(
    data: pd.DataFrame,
    outcome: str,
    factor: str,
    nuisance: str = "1",
    *,
    exposure: str = "exposure",
    cluster: str = "team",
    n_perm: int = 1999,
    seed: int = 0,
    conf_level: float = 0.95,
) -> dict[str, Any]:
    """Test a factor that is constant within teams (department, site) against team variation.

    With two or three teams per department, a department contrast is carried by a handful
    of clusters: person-level cluster-robust tests then reject far too often. This test
    takes the team as the unit. An NB2 model with the ``nuisance`` terms (no factor) gives
    each team's expected count ``E_t``; the team's log rate ratio
    ``l_t = log((O_t + .5) / (E_t + .5))`` has sampling variance
    ``v_t = 1/E_t + alpha sum_i mu_i^2 / E_t^2``, and the between-team variance ``tau2``
    comes from the DerSimonian-Laird estimator. The statistic is the weighted one-way ANOVA
    F of ``l_t`` across factor levels with weights ``1 / (v_t + tau2)``; its p-value comes
    from ``n_perm`` random permutations of the factor's labels over the teams (a
    randomisation test: exact under the null hypothesis that the labels are unrelated to
    the teams' rates). Estimates are the weighted level means against the reference (first)
    level with a Knapp-Hartung interval (scale at least 1) on ``T - D`` degrees of freedom.

    Returns
    -------
    dict
        ``contrast`` (largest difference to the reference), ``reference``, ``coef`` and
        ``se`` (log scale), ``df``, ``p_val``, ``statistic``, ``n_teams``, ``n_levels``,
        ``n_obs``, ``tau2``, ``test``, ``mixed_teams`` (teams whose members have more
        than one level; their most common level is used).
    """
    for col in (factor, cluster, exposure):
        if col not in data.columns:
            raise SelfRelianceError(f"Column '{col}' is not in the data.")
    usable = data[data[factor].notna() & data[cluster].notna()]
    y_frame, x_frame, expo, groups = _design(usable, outcome, nuisance, exposure, cluster)
    rows = usable.loc[y_frame.index]
    y = y_frame.to_numpy(dtype=float).ravel()
    est = _fit_glm(y, x_frame.to_numpy(dtype=float), np.log(expo), "negbin")
    assert groups is not None
    n_teams = int(groups.max()) + 1
    observed = np.bincount(groups, weights=y, minlength=n_teams)
    expected = np.bincount(groups, weights=est.mu, minlength=n_teams)
    squares = np.bincount(groups, weights=est.mu**2, minlength=n_teams)
    team_level = (
        pd.DataFrame({"g": groups, "level": rows[factor].astype(str).to_numpy()})
        .groupby("g")["level"]
        .agg(lambda s: s.value_counts().index[0])
        .sort_index()
    )
    mixed = int(
        pd.DataFrame({"g": groups, "level": rows[factor].astype(str).to_numpy()})
        .groupby("g")["level"]
        .nunique()
        .gt(1)
        .sum()
    )
    levels = sorted(team_level.unique())
    n_levels = len(levels)
    if n_levels < 2:
        raise SelfRelianceError(f"'{factor}' has only one level among the teams.")
    if n_teams - n_levels < 2:
        raise SelfRelianceError(
            f"'{factor}' has {n_levels} levels over {n_teams} teams: too few teams per level "
            "to judge differences against team-to-team variation."
        )
    codes = team_level.map({lv: i for i, lv in enumerate(levels)}).to_numpy()
    values = np.log((observed + 0.5) / (expected + 0.5))
    variances = 1 / (expected + 0.5) + est.alpha * squares / (expected + 0.5) ** 2
    w0 = 1 / variances
    centre = np.sum(w0 * values) / np.sum(w0)
    q_stat = float(np.sum(w0 * (values - centre) ** 2))
    c = float(np.sum(w0) - np.sum(w0**2) / np.sum(w0))
    tau2 = max(0.0, (q_stat - (n_teams - 1)) / c)
    weights = 1 / (variances + tau2)

    stat, means, w_sum, within = _weighted_f(codes[None, :], values, weights, n_levels)
    rng = np.random.default_rng(seed)
    perms = np.argsort(rng.random((n_perm, n_teams)), axis=1)
    perm_stat = _weighted_f(codes[perms], values, weights, n_levels)[0]
    p_val = float((1 + np.sum(perm_stat >= stat[0] * (1 - 1e-10))) / (n_perm + 1))

    df = n_teams - n_levels
    scale = max(1.0, float(within[0]) / df)
    diffs = means[0] - means[0, 0]
    ses = np.sqrt(scale * (1 / w_sum[0] + 1 / w_sum[0, 0]))
    chosen = 1 + int(np.argmax(np.abs(diffs[1:])))
    return {
        "contrast": f"{factor}[T.{levels[chosen]}]",
        "reference": levels[0],
        "coef": float(diffs[chosen]),
        "se": float(ses[chosen]),
        "df": float(df),
        "p_val": p_val,
        "statistic": float(stat[0]),
        "n_teams": n_teams,
        "n_levels": n_levels,
        "n_obs": int(len(y)),
        "tau2": tau2,
        "mixed_teams": mixed,
        "test": f"randomisation over teams (weighted F, {n_levels} levels, {n_perm} permutations)",
        "conf_level": conf_level,
    }


# --------------------------------------------------------------------------------------
# Recurring behaviour: concentration and repeats against a parametric bootstrap
# --------------------------------------------------------------------------------------


def _top_share(counts: np.ndarray, k: int) -> np.ndarray:
    """Share of the total held by the k largest values, per row of a 2-D array."""
    top = -np.partition(-counts, k - 1, axis=-1)[..., :k]
    total = counts.sum(axis=-1)
    return np.where(total > 0, top.sum(axis=-1) / np.where(total > 0, total, 1), np.nan)


def _team_bootstrap(
    rng: np.random.Generator, team_of_unit: np.ndarray, n_draws: int
) -> list[np.ndarray]:
    """Resample teams with replacement; return for each draw the unit indices and copy ids."""
    n_teams = int(team_of_unit.max()) + 1
    members = [np.flatnonzero(team_of_unit == t) for t in range(n_teams)]
    draws = []
    for _ in range(n_draws):
        chosen = rng.integers(0, n_teams, n_teams)
        draws.append(np.concatenate([members[t] for t in chosen]))
    return draws


def _ratio_summary(
    observed: float,
    null: np.ndarray,
    ci_draws: np.ndarray,
    *,
    alpha: float,
    power: float,
) -> dict[str, Any]:
    expected = float(np.nanmean(null))
    # mid-p: the statistics are shares of counts, so ties with the observed value are
    # common; counting them as half keeps the test from being conservative (in the
    # simulation study the repeat test rejected 2% of true nulls with ties counted fully).
    above = np.sum(null > observed + 1e-12)
    ties = np.sum(np.abs(null - observed) <= 1e-12)
    p_val = float((1 + above + 0.5 * ties) / (len(null) + 1))
    lo, hi = np.nanquantile(ci_draws, [0.025, 0.975]) if len(ci_draws) else (np.nan, np.nan)
    critical = float(np.nanquantile(null, 1 - alpha))
    mde = (critical + stats.norm.ppf(power) * float(np.nanstd(null))) / expected
    return {
        "observed": observed,
        "expected": expected,
        "ratio": observed / expected,
        "ci_low": float(lo) / expected,
        "ci_high": float(hi) / expected,
        "p_val": p_val,
        "mde": mde,
    }


def concentration_test(
    panel: pd.DataFrame,
    *,
    outcome: str = "n_self",
    terms: str = "C(segment, Treatment('regular')) + C(team)",
    top: float = 0.10,
    n_boot: int = 999,
    seed: int = 0,
    alpha: float = 0.05,
    power: float = 0.80,
    ci_draws: int = 999,
) -> dict[str, Any]:
    """Do few people file a large share of the tickets, more than chance would give?

    The statistic is the share of the tickets filed by the ``top`` share of people with the
    most tickets (default: the top 10%). The reference is a Poisson model with the persons'
    covariates (``terms``: onboarding segment and team, so team differences and unequal
    exposure are accounted for) but no stable differences between persons: the parametric
    bootstrap redistributes each team's observed total over its members in proportion to
    their fitted means (multinomial, the Poisson model's distribution given the team
    totals), ``n_boot`` times.
    ``ratio`` is the observed share over the mean bootstrap share; ``p_val`` the one-sided
    bootstrap mid-p-value ``(1 + #{T* > T} + #{T* = T} / 2) / (B + 1)``; the 95% interval of the ratio comes
    from resampling teams (the observed share recomputed on resampled teams, divided by the
    expected share; ``ci_draws`` = 0 skips it). ``mde`` is the ratio the test would detect
    with the given power.
    """
    y_frame, x_frame, expo, _ = _design(panel, outcome, terms, "exposure", None)
    rows = panel.loc[y_frame.index]
    est = _fit_glm(
        y_frame.to_numpy(dtype=float).ravel(),
        x_frame.to_numpy(dtype=float),
        np.log(expo),
        "poisson",
    )
    person, persons = pd.factorize(rows["person_key"])
    counts = np.bincount(person, weights=y_frame.to_numpy(dtype=float).ravel())
    means = np.bincount(person, weights=est.mu)
    n_people = len(persons)
    k = max(1, math.ceil(top * n_people))
    observed = float(_top_share(counts, k))
    rng = np.random.default_rng(seed)
    team_of_person = pd.factorize(rows.groupby(person)["team"].first().sort_index())[0]
    # Given each team's total, Poisson counts are multinomial over the team's members with
    # probabilities proportional to their fitted means: the team effects drop out, so the
    # null distribution does not inherit the noise of estimated team effects (drawing from
    # the fitted Poisson means instead made the test conservative: 0.7% false positives).
    null_counts = np.zeros((n_boot, n_people))
    for t in range(int(team_of_person.max()) + 1):
        members = np.flatnonzero(team_of_person == t)
        total = int(counts[members].sum())
        if total == 0:
            continue
        probs = means[members] / means[members].sum()
        null_counts[:, members] = rng.multinomial(total, probs, size=n_boot)
    null = _top_share(null_counts, k)
    ci = np.array(
        [
            _top_share(counts[idx], max(1, math.ceil(top * len(idx))))
            for idx in _team_bootstrap(rng, team_of_person, ci_draws)
        ]
    )
    result = _ratio_summary(observed, null, ci, alpha=alpha, power=power)
    return {
        **result,
        "n_people": n_people,
        "n_teams": int(team_of_person.max()) + 1,
        "n_obs": int(len(rows)),
        "test": (
            f"parametric bootstrap from a Poisson model with {terms}, given team totals "
            f"(B = {n_boot})"
        ),
    }


def _repeat_share(
    rep: np.ndarray,
    person: np.ndarray,
    qtype: np.ndarray,
    day: np.ndarray,
    n_reps: int,
    window: int,
) -> np.ndarray:
    """Per replicate, the share of events preceded by an event of the same person and type
    within ``window`` days (one sort on a combined integer key)."""
    day = day - day.min() if len(day) else day
    span_day = int(day.max()) + 1 if len(day) else 1
    span_type = int(qtype.max()) + 1 if len(qtype) else 1
    span_person = int(person.max()) + 1 if len(person) else 1
    key = ((rep.astype(np.int64) * span_person + person) * span_type + qtype) * span_day + day
    key = np.sort(key)
    group = key // span_day
    d = key - group * span_day
    same = (group[1:] == group[:-1]) & (d[1:] - d[:-1] <= window)
    r = group // (span_type * span_person)
    repeats = np.bincount(r[1:][same], minlength=n_reps)
    totals = np.bincount(r, minlength=n_reps)
    return np.where(totals > 0, repeats / np.where(totals > 0, totals, 1), np.nan)


def _calendar_weights(days: np.ndarray, first: int, last: int) -> np.ndarray:
    """Relative ticket intensity per calendar day: weekday x month factors of the events.

    Month factors are shrunk towards 1 with a gamma prior worth 30 events per month, so that
    chance fluctuations in a few hundred tickets do not become a seasonal pattern."""
    span = np.arange(first, last)
    weekday = (span + 3) % 7  # days since 1970-01-01 (a Thursday)
    month = span.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)
    ev_weekday = (days + 3) % 7
    ev_month = days.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)
    wd_factor = (np.bincount(ev_weekday, minlength=7) + 0.5) / (
        np.bincount(weekday, minlength=7) + 1
    )
    m0 = month.min()
    n_m = int(month.max() - m0 + 1)
    ev_in = (ev_month >= m0) & (ev_month < m0 + n_m)
    weights = wd_factor[weekday]
    per_month = np.bincount(ev_month[ev_in] - m0, minlength=n_m)
    expected = np.bincount(month - m0, weights=weights, minlength=n_m)
    expected = expected * per_month.sum() / max(expected.sum(), 1e-12)
    m_factor = (per_month + 30.0) / (expected + 30.0)
    return weights * m_factor[month - m0]


def repeat_test(
    panel: pd.DataFrame,
    events: pd.DataFrame,
    *,
    outcome: str = "n_self",
    terms: str = "C(segment, Treatment('regular')) + C(team)",
    window_days: int = 30,
    n_boot: int = 199,
    seed: int = 0,
    alpha: float = 0.05,
    power: float = 0.80,
    ci_draws: int = 499,
    conditional: bool = True,
) -> dict[str, Any]:
    """Do people ask the same question again, more than their ticket volume explains?

    The statistic is the share of self-solvable tickets for which the same person filed a
    ticket of the same question type in the preceding ``window_days`` days. The reference is
    the NB2 model with the persons' covariates (``terms``): its person frailty reproduces
    that some people file many tickets, so a high repeat share is only evidence of
    repetition of the *same* question beyond volume. By default (``conditional``) the test
    conditions on what that model describes, who filed a ticket on which day, so the person
    frailty and the calendar are fully accounted for, and shuffles the question types over
    the tickets within each calendar month (a permutation test: under H0 the types are
    exchangeable). With ``conditional=False`` a parametric bootstrap redraws the counts from
    the fitted NB2 (gamma-Poisson), places the tickets on days with the organisation's
    weekday and month pattern and draws types from the observed mix; in the simulation study
    that version was conservative (0% false positives in 300 null organisations; redrawing
    only days and types still gave 2.3% in 1,000), because estimated team effects, calendar
    and type mix add spread.
    Ratio, p-value, team-resampling interval and ``mde`` as in :func:`concentration_test`.
    """
    needed = {"person_key", "day", "question_type"}
    if events is None or not needed <= set(events.columns):
        raise SelfRelianceError(f"repeat_test needs events with columns {sorted(needed)}.")
    y_frame, x_frame, expo, _ = _design(panel, outcome, terms, "exposure", None)
    rows = panel.loc[y_frame.index]
    y = y_frame.to_numpy(dtype=float).ravel()
    est = _fit_glm(y, x_frame.to_numpy(dtype=float), np.log(expo), "negbin")
    person_of_row, persons = pd.factorize(rows["person_key"])
    ev = events[events["person_key"].isin(persons) & events["question_type"].notna()]
    if len(ev) < 10:
        raise SelfRelianceError("Fewer than 10 ticket events with a question type: too few.")
    ev_person = persons.get_indexer(ev["person_key"])
    ev_type, types = pd.factorize(ev["question_type"])
    ev_day = pd.to_datetime(ev["day"]).to_numpy().astype("datetime64[D]").astype(np.int64)
    lo = pd.to_datetime(rows["period_start"]).to_numpy().astype("datetime64[D]").astype(np.int64)
    hi = pd.to_datetime(rows["period_end"]).to_numpy().astype("datetime64[D]").astype(np.int64)
    first, last = int(lo.min()), int(hi.max())
    observed = float(
        _repeat_share(np.zeros(len(ev_day), dtype=int), ev_person, ev_type, ev_day, 1, window_days)[
            0
        ]
    )

    rng = np.random.default_rng(seed)
    if conditional:
        # Given who filed a ticket on which day, the question types are exchangeable under
        # H0: shuffle them over the tickets within each calendar month (so that changes in
        # the type mix over time, e.g. after an intervention, are kept).
        month = ev_day.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)
        order = np.argsort(month, kind="stable")
        bounds = np.flatnonzero(np.diff(month[order])) + 1
        shuffled = np.empty((n_boot, len(ev_type)), dtype=ev_type.dtype)
        for block in np.split(order, bounds):
            keys = np.argsort(rng.random((n_boot, len(block))), axis=1)
            shuffled[:, block] = ev_type[block][keys]
        rep = np.repeat(np.arange(n_boot), len(ev_type))
        null = _repeat_share(rep, np.tile(ev_person, n_boot), shuffled.ravel(),
                             np.tile(ev_day, n_boot), n_boot, window_days)  # fmt: skip
    else:
        mix = np.bincount(ev_type, minlength=len(types)) / len(ev_type)
        a = max(est.alpha, _MIN_ALPHA)
        draws = rng.poisson(rng.gamma(1 / a, a * est.mu, size=(n_boot, len(est.mu))))
        rep, row = np.nonzero(draws)
        times = draws[rep, row]
        rep, row = np.repeat(rep, times), np.repeat(row, times)
        weights = _calendar_weights(ev_day, first, last)
        cum = np.concatenate([[0.0], np.cumsum(weights)])
        start_w = cum[lo[row] - first]
        u = start_w + rng.random(len(row)) * (cum[hi[row] - first] - start_w)
        day = first + np.clip(np.searchsorted(cum, u, side="right") - 1, 0, last - first - 1)
        qtype = rng.choice(len(types), size=len(row), p=mix)
        null = _repeat_share(rep, person_of_row[row], qtype, day, n_boot, window_days)

    team_of_person = pd.factorize(rows.groupby(person_of_row)["team"].first().sort_index())[0]
    ci = []
    for idx in _team_bootstrap(rng, team_of_person, ci_draws):
        position = np.full(len(team_of_person), -1)
        # persons drawn more than once become distinct copies
        order = np.argsort(idx, kind="stable")
        sorted_idx = idx[order]
        first_pos = np.searchsorted(sorted_idx, sorted_idx)
        copies = np.arange(len(idx)) - first_pos
        picked_events = []
        for c in range(int(copies.max()) + 1):
            chosen = sorted_idx[copies == c]
            position[:] = -1
            position[chosen] = chosen
            mask = position[ev_person] >= 0
            picked_events.append(
                (ev_person[mask] + c * len(team_of_person), ev_type[mask], ev_day[mask])
            )
        p_all = np.concatenate([e[0] for e in picked_events])
        t_all = np.concatenate([e[1] for e in picked_events])
        d_all = np.concatenate([e[2] for e in picked_events])
        ci.append(
            _repeat_share(np.zeros(len(p_all), dtype=int), p_all, t_all, d_all, 1, window_days)[0]
        )
    result = _ratio_summary(observed, null, np.array(ci), alpha=alpha, power=power)
    return {
        **result,
        "n_people": len(persons),
        "n_teams": int(team_of_person.max()) + 1,
        "n_obs": int(len(ev)),
        "test": (
            f"question types shuffled within months given who filed on which day (NB2 with "
            f"{terms} for the volume), same type within {window_days} days (B = {n_boot})"
        ),
    }


# --------------------------------------------------------------------------------------
# Multiplicity
# --------------------------------------------------------------------------------------


def benjamini_hochberg(p: Any) -> np.ndarray:
    """Benjamini-Hochberg (1995) adjusted p-values (q-values), as R's ``p.adjust(, "BH")``.

    Parameters
    ----------
    p : array-like of float
        p-values in [0, 1]; NaN entries stay NaN and do not count in the number of tests m.

    Returns
    -------
    numpy.ndarray
        ``q_(i) = min_{j >= i} min(1, m p_(j) / j)`` in the input order.

    Examples
    --------
    >>> benjamini_hochberg([0.01, 0.04, np.nan, 0.03]).round(3).tolist()
    [0.03, 0.04, nan, 0.04]
    """
    values = np.asarray(p, dtype=float).ravel()
    out = np.full(values.shape, np.nan)
    present = ~np.isnan(values)
    if np.any((values[present] < 0) | (values[present] > 1)):
        raise SelfRelianceError("p-values must lie between 0 and 1.")
    m = int(present.sum())
    if m == 0:
        return out
    observed = values[present]
    order = np.argsort(observed, kind="mergesort")
    ranked = observed[order] * m / np.arange(1, m + 1)
    q_sorted = np.minimum.accumulate(ranked[::-1])[::-1].clip(max=1.0)
    q = np.empty(m)
    q[order] = q_sorted
    out[present] = q
    return out


# --------------------------------------------------------------------------------------
# Registry
# --------------------------------------------------------------------------------------

_REGISTRY_KEYS = (
    "id",
    "family",
    "statement_nl",
    "statement_en",
    "construct",
    "outcome",
    "terms",
    "term",
    "unit",
    "expected_direction",
    "smallest_effect_irr",
    "requires",
)
_DIRECTIONS = {"+", "-", "any"}
_KINDS = {"count", "team_factor", "concentration", "repeat"}
_P_METHODS = {"cluster", "wild"}
_OUTCOME_NL = {
    "n_self": "zelf-oplosbare tickets",
    "n_partly": "deels zelf-oplosbare tickets",
    "n_it": "tickets die IT nodig hebben",
    "n_all": "tickets",
}
_OUTCOME_EN = {
    "n_self": "self-solvable tickets",
    "n_partly": "partly self-solvable tickets",
    "n_it": "tickets that need IT",
    "n_all": "tickets",
}
_ALWAYS_NEEDED = ("exposure", "team")


def load_registry(path: str | Path | None = None) -> list[dict[str, Any]]:
    """Read and validate the hypothesis registry.

    Parameters
    ----------
    path : str or Path, optional
        YAML file with a top-level ``hypotheses`` list and a ``data`` catalogue (which data
        each panel column stands for and how to collect it); default the packaged
        ``resources/hypotheses.yml``. An organisation can ship its own file.

    Returns
    -------
    list of dict
        One dict per hypothesis with at least the keys ``id, family, statement_nl,
        statement_en, construct, outcome, terms, term, unit, expected_direction,
        smallest_effect_irr, requires``; ``kind`` (default "count"), ``model`` (default
        "negbin"), ``cluster`` (default "team") and ``p_method`` (default "cluster") are
        filled in, and ``data`` lists the catalogue entries of everything the hypothesis
        needs (outcome, exposure, team and ``requires``).

    Examples
    --------
    >>> [h["id"] for h in load_registry()][:2]
    ['H1', 'H2a']
    """
    if path is None:
        from selfreliance.config import resource_path

        path = resource_path("hypotheses.yml")
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise SelfRelianceError(f"Cannot read the hypothesis registry {path}: {exc}") from exc
    entries = raw.get("hypotheses") if isinstance(raw, dict) else None
    if not isinstance(entries, list) or not entries:
        raise SelfRelianceError(f"{path}: expected a non-empty top-level 'hypotheses' list.")
    catalogue = raw.get("data") or {}
    registry, seen = [], set()
    for number, entry in enumerate(entries, start=1):
        missing = [key for key in _REGISTRY_KEYS if key not in entry]
        where = f"{path}, hypothesis {entry.get('id', f'#{number}')}"
        if missing:
            raise SelfRelianceError(f"{where}: missing key(s) {missing}.")
        if entry["id"] in seen:
            raise SelfRelianceError(f"{where}: duplicate id.")
        seen.add(entry["id"])
        if entry["expected_direction"] not in _DIRECTIONS:
            raise SelfRelianceError(
                f"{where}: expected_direction must be one of {sorted(_DIRECTIONS)}, "
                f"got {entry['expected_direction']!r}."
            )
        kind = entry.get("kind", "count")
        if kind not in _KINDS:
            raise SelfRelianceError(f"{where}: kind must be one of {sorted(_KINDS)}, got {kind!r}.")
        if kind == "team_factor" and "factor" not in entry:
            raise SelfRelianceError(f"{where}: a team_factor hypothesis needs 'factor'.")
        if entry.get("p_method", "cluster") not in _P_METHODS:
            raise SelfRelianceError(
                f"{where}: p_method must be one of {sorted(_P_METHODS)}, "
                f"got {entry.get('p_method')!r}."
            )
        needs = list(dict.fromkeys([entry["outcome"], *_ALWAYS_NEEDED, *entry["requires"]]))
        data = [{"column": col, **(catalogue.get(col) or {})} for col in needs]
        registry.append(
            {"kind": "count", "model": "negbin", "cluster": "team", "p_method": "cluster",
             **entry, "data": data}
        )  # fmt: skip
    return registry


def _nl(x: float, decimals: int = 2) -> str:
    return f"{x:.{decimals}f}".replace(".", ",")


def _nl_pct(x: float) -> str:
    return f"{100 * x:.0f}%"


def _nl_q(q: float) -> str:
    return "q < 0,001" if q < 0.001 else f"q = {_nl(q, 3)}"


def _column_present(panel: pd.DataFrame | None, events: pd.DataFrame | None, column: str) -> bool:
    if column == "question_type":
        return events is not None and bool(events["question_type"].notna().any())
    if panel is None:
        return False
    return column in panel.columns and not panel[column].isna().all()


def _reference_level(design_info: Any, term: str) -> str:
    """Reference category of a treatment-coded factor term ("" if not applicable)."""
    try:
        term_obj = design_info.terms[design_info.term_names.index(term)]
        factor = term_obj.factors[0]
        categories = design_info.factor_infos[factor].categories
        coding = design_info.term_codings[term_obj][0].contrast_matrices[factor]
        coded = {suffix.removeprefix("[T.").removesuffix("]") for suffix in coding.column_suffixes}
        left_out = [str(c) for c in categories if str(c) not in coded]
        return left_out[0] if len(left_out) == 1 else ""
    except (ValueError, IndexError, KeyError, AttributeError, TypeError):
        return ""


def _wald(params: np.ndarray, cov: np.ndarray, idx: list[int], df: float) -> tuple[float, str]:
    """p-value of a single coefficient (t or z) or a joint Wald test of several."""
    if len(idx) == 1:
        se = math.sqrt(cov[idx[0], idx[0]])
        p_val = float(_two_sided_p(np.array([params[idx[0]] / se]), df)[0])
        return p_val, ("t" if not math.isinf(df) else "z")
    b = params[idx]
    wald = float(b @ np.linalg.pinv(cov[np.ix_(idx, idx)]) @ b)
    q = len(idx)
    if math.isinf(df):
        return float(stats.chi2.sf(wald, q)), f"joint Wald chi2({q})"
    if df + 1 - q >= 1:
        # Cluster-robust Wald statistics with several restrictions over-reject with few
        # clusters; treat W as Hotelling's T^2 with G - 1 df (Pan & Wall 2002; Cameron &
        # Miller 2015, section VI.D): (G - q) / (q (G - 1)) W ~ F(q, G - q).
        n_clusters = df + 1
        scaled = wald * (n_clusters - q) / (q * df)
        return (
            float(stats.f.sf(scaled, q, n_clusters - q)),
            f"joint Wald F({q}, {n_clusters - q:g}) Hotelling",
        )
    return math.nan, f"joint Wald: {q} restrictions need more than {q} clusters"


def _test_term(fit: _Fit, term: str) -> dict[str, Any]:
    """Single coefficient, or joint Wald test of a multi-column term (reports largest contrast)."""
    idx = _term_columns(fit.names, fit.design_info, term)
    se = np.sqrt(np.diag(fit.cov))
    chosen = max(idx, key=lambda i: abs(fit.params[i]))
    p_val, test = _wald(fit.params, fit.cov, idx, fit.df)
    reference = ""
    if len(idx) > 1 or term not in fit.names:
        reference = _reference_level(fit.design_info, term)
    return {
        "idx": idx,
        "reference": reference,
        "contrast": fit.names[chosen],
        "coef": float(fit.params[chosen]),
        "se": float(se[chosen]),
        "p_val": p_val,
        "test": test,
    }


def _gee_check(fit: _Fit, idx: list[int], contrast: str) -> dict[str, float]:
    """GEE Poisson, exchangeable correlation within clusters, bias-reduced sandwich (Mancl &
    DeRouen 2001) and t(G - 1): the same contrast and test as the main model."""
    import statsmodels.api as sm

    arrays = fit.arrays
    if arrays.get("groups") is None:
        return {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = sm.GEE(
            arrays["y"],
            arrays["x"],
            groups=arrays["groups"],
            offset=arrays["offset"],
            family=sm.families.Poisson(),
            cov_struct=sm.cov_struct.Exchangeable(),
        )
        result = model.fit(cov_type="bias_reduced", maxiter=100)
    params = np.asarray(result.params, dtype=float)
    cov = np.asarray(result.cov_params(), dtype=float)
    df = float(int(arrays["groups"].max()) + 1 - 1)
    j = fit.names.index(contrast)
    se = math.sqrt(cov[j, j])
    crit = _critical(df, 0.975)
    p_val, _ = _wald(params, cov, idx, df)
    return {
        "gee_irr": math.exp(params[j]),
        "gee_ci_low": math.exp(params[j] - crit * se),
        "gee_ci_high": math.exp(params[j] + crit * se),
        "gee_p": p_val,
    }


def _naive_poisson_p(fit: _Fit, idx: list[int]) -> float:
    """The textbook analysis for contrast: Poisson GLM on the same design, model-based
    errors, no clustering, z or chi-square test."""
    arrays = fit.arrays
    est = _fit_glm(arrays["y"], arrays["x"], arrays["offset"], "poisson")
    cov = _covariance(est, arrays["y"], arrays["x"], None, "poisson")
    return _wald(est.beta, cov, idx, math.inf)[0]


def _persons_and_teams(panel: pd.DataFrame, index: pd.Index) -> tuple[int, int]:
    rows = panel.index.get_indexer(index)
    persons = np.asarray(panel["person_key"], dtype=object)[rows]
    teams = np.asarray(panel["team"], dtype=object)[rows]
    return len(pd.unique(persons)), len(pd.unique(teams))


def _empty_row(hyp: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "hypothesis_id": hyp["id"],
        "family": hyp["family"],
        "statement_nl": hyp["statement_nl"],
        "statement_en": hyp["statement_en"],
        "construct": hyp["construct"],
        "kind": hyp.get("kind", "count"),
        "term": hyp["term"],
        "expected_direction": hyp["expected_direction"],
        "smallest_effect_irr": float(hyp["smallest_effect_irr"]),
        "irr": np.nan,
        "ci_low": np.nan,
        "ci_high": np.nan,
        "p_val": np.nan,
        "n_obs": 0,
        "n_people": 0,
        "n_teams": 0,
        "n_clusters": 0,
        "status": "not_testable",
        "reason": "",
        "reason_nl": "",
        "reason_en": "",
        "contrast": "",
        "reference": "",
        "test": "",
        "mde_irr": np.nan,
        "observed": np.nan,
        "expected": np.nan,
        "model": hyp.get("model", "negbin"),
        "se_type": "",
        "gee_irr": np.nan,
        "gee_ci_low": np.nan,
        "gee_ci_high": np.nan,
        "gee_p": np.nan,
        "naive_p": np.nan,
        "unit": hyp["unit"],
        "unit_en": hyp.get("unit_en", hyp["unit"]),
        "outcome": hyp["outcome"],
    }


def _in_lang(text: str | Mapping[str, str], lang: str) -> str:
    """A reason given as plain (Dutch) text or as ``{"nl": ..., "en": ...}``."""
    return text if isinstance(text, str) else text.get(lang) or text["nl"]


def _data_label(hyp: Mapping[str, Any], column: str, lang: str = "nl") -> str:
    for entry in hyp.get("data", []):
        if entry["column"] == column:
            return entry.get(lang, column)
    return column


def _run_one(
    panel: pd.DataFrame,
    events: pd.DataFrame | None,
    hyp: Mapping[str, Any],
    row: dict[str, Any],
    *,
    alpha: float,
    power: float,
    n_boot: int,
    seed: int,
    robustness: bool,
    naive: bool,
    ci: bool,
) -> None:
    kind = hyp.get("kind", "count")
    sign = -1.0 if hyp["expected_direction"] == "-" else 1.0
    if kind in {"concentration", "repeat"}:
        if kind == "concentration":
            res = concentration_test(panel, outcome=hyp["outcome"], terms=hyp["terms"],
                                     top=float(hyp.get("top", 0.10)), n_boot=n_boot, seed=seed,
                                     alpha=alpha, power=power,
                                     ci_draws=999 if ci else 0)  # fmt: skip
        else:
            res = repeat_test(panel, events, outcome=hyp["outcome"], terms=hyp["terms"],
                              window_days=int(hyp.get("window_days", 30)),
                              n_boot=max(399, n_boot // 2), seed=seed, alpha=alpha,
                              power=power, ci_draws=499 if ci else 0)  # fmt: skip
        row.update(
            irr=res["ratio"], ci_low=res["ci_low"], ci_high=res["ci_high"], p_val=res["p_val"],
            observed=res["observed"], expected=res["expected"], mde_irr=res["mde"],
            n_obs=res["n_obs"], n_people=res["n_people"], n_teams=res["n_teams"],
            n_clusters=res["n_teams"], test=res["test"], contrast=hyp["term"],
            se_type="parametric bootstrap; team resampling for the CI",
        )  # fmt: skip
        return

    if kind == "team_factor":
        fit = _fit(panel, hyp["outcome"], hyp["terms"], exposure="exposure",
                   cluster=hyp["cluster"], model=hyp["model"], cov="cluster")  # fmt: skip
        res = team_factor_test(panel, hyp["outcome"], hyp["factor"],
                               hyp.get("nuisance", "C(segment, Treatment('regular'))"),
                               cluster=hyp["cluster"], n_perm=max(n_boot, 999) * 2 + 1,
                               seed=seed)  # fmt: skip
        crit = _critical(res["df"], 1 - alpha / 2)
        contrast = res["contrast"].replace(f"{hyp['factor']}[", f"C({hyp['factor']})[")
        row.update(
            irr=math.exp(res["coef"]), ci_low=math.exp(res["coef"] - crit * res["se"]),
            ci_high=math.exp(res["coef"] + crit * res["se"]), p_val=res["p_val"],
            n_obs=res["n_obs"], n_clusters=res["n_teams"], contrast=contrast,
            reference=res["reference"], test=res["test"],
            mde_irr=math.exp(sign * (crit + _critical(res["df"], power)) * res["se"]),
            se_type=f"team level, Knapp-Hartung t({res['df']:g})",
        )  # fmt: skip
        row["n_people"], row["n_teams"] = _persons_and_teams(panel, fit.arrays["index"])
        idx = _term_columns(fit.names, fit.design_info, hyp["term"])
        if robustness and contrast in fit.names:
            row.update(_gee_check(fit, idx, contrast))
        if naive:
            row["naive_p"] = _naive_poisson_p(fit, idx)
        return

    fit = _fit(panel, hyp["outcome"], hyp["terms"], exposure="exposure", cluster=hyp["cluster"],
               model=hyp["model"], cov=hyp.get("cov"))  # fmt: skip
    if fit.se_type == "cluster-CR1":  # the registry uses the jackknife (CR3) sandwich
        arrays = fit.arrays
        est = _Estimate(beta=fit.params, alpha=0.0 if np.isnan(fit.dispersion) else fit.dispersion,
                        mu=arrays["mu"], converged=fit.converged)  # fmt: skip
        fit = replace(fit, cov=_cr3_covariance(est, arrays["y"], arrays["x"], arrays["groups"]),
                      se_type="cluster-CR3")  # fmt: skip
    result = _test_term(fit, hyp["term"])
    if fit.se_type == "cluster-CR3":
        result["test"] = (
            f"cluster jackknife (CR3) t({fit.df:g})"
            if len(result["idx"]) == 1
            else result["test"].replace("Hotelling", "Hotelling, CR3")
        )
    if hyp["p_method"] == "wild":
        arrays = fit.arrays
        result["p_val"] = _score_bootstrap(arrays["y"], arrays["x"], arrays["offset"],
                                           arrays["groups"], result["idx"], n_boot=n_boot,
                                           seed=seed)  # fmt: skip
        joint = "joint " if len(result["idx"]) > 1 else ""
        result["test"] = f"{joint}wild cluster score bootstrap (NB2, Rademacher, B = {n_boot})"
    crit = _critical(fit.df, 1 - alpha / 2)
    row.update(
        irr=math.exp(result["coef"]), ci_low=math.exp(result["coef"] - crit * result["se"]),
        ci_high=math.exp(result["coef"] + crit * result["se"]), p_val=result["p_val"],
        n_obs=fit.n_obs, n_clusters=fit.n_clusters, contrast=result["contrast"],
        reference=result["reference"], test=result["test"],
        mde_irr=math.exp(sign * (crit + _critical(fit.df, power)) * result["se"]),
        se_type=fit.se_type,
    )  # fmt: skip
    row["n_people"], row["n_teams"] = _persons_and_teams(panel, fit.arrays["index"])
    if robustness:
        row.update(_gee_check(fit, result["idx"], result["contrast"]))
    if naive:
        row["naive_p"] = _naive_poisson_p(fit, result["idx"])


def _verdict_code(r: Mapping[str, Any]) -> str:
    if r["status"] != "not_supported":
        return r["status"]
    bound = max(r["smallest_effect_irr"], 1 / r["smallest_effect_irr"])
    within = 1 / bound < r["ci_low"] and r["ci_high"] < bound
    return "not_supported" if within else "inconclusive"


def _en(x: float, decimals: int = 2) -> str:
    return f"{x:.{decimals}f}"


def _en_q(q: float) -> str:
    return "q < 0.001" if q < 0.001 else f"q = {_en(q, 3)}"


#: Phrases of the verdict sentence per language (``{...}`` filled by :func:`_verdict`).
_VERDICT_TEXT = {
    "nl": {
        "not_testable": "Niet toetsbaar: {reason}.",
        "ci": "95%-BI {low} tot {high}",
        "concentration": "zij dienen {observed} van de zelf-oplosbare tickets in, tegenover "
        "ongeveer {expected} als iedereen met hetzelfde team, dezelfde tewerkstelling en "
        "onboardingperiode even vaak zou melden (verhouding {irr}; {ci}; {q})",
        "repeat": "{observed} van de zelf-oplosbare tickets is dezelfde vraag van dezelfde "
        "persoon binnen 30 dagen, tegenover ongeveer {expected} volgens het telmodel "
        "(verhouding {irr}; {ci}; {q})",
        "count": "{irr} keer zoveel {effect} per VTE-maand ({ci}; {q})",
        "joint": "{irr} keer zoveel {effect} per VTE-maand ({ci}; {q} voor de gezamenlijke toets)",
        "joint_unit": "{unit} ({scope}gezamenlijke toets over alle groepen); grootste verschil: "
        "groep {group} t.o.v. {reference}",
        "team_scope": "op teamniveau, ",
        "group": "groep {name}",
        "reference_group": "de referentiegroep",
        "supported": "Ondersteund: {unit}: {detail}.",
        "contrary": "Tegengesteld aan de verwachting: {unit}: {detail}.",
        "not_supported": "Niet ondersteund: {unit}: {detail}. Het betrouwbaarheidsinterval ligt "
        "binnen {low} tot {high}: een eventueel effect is kleiner dan wat vooraf als praktisch "
        "relevant gold.",
        "inconclusive": "Onbeslist (niet ondersteund): {unit}: {detail}; het verschil is niet "
        "duidelijk genoeg.",
        "mde": " Met deze gegevens valt pas een effect vanaf ongeveer {mde} keer betrouwbaar op "
        "(80% power); kleinere effecten zijn niet uitgesloten.",
    },
    "en": {
        "not_testable": "Not testable: {reason}.",
        "ci": "95% CI {low} to {high}",
        "concentration": "they file {observed} of the self-solvable tickets, against about "
        "{expected} if everyone with the same team, employment and onboarding period filed "
        "equally often (ratio {irr}; {ci}; {q})",
        "repeat": "{observed} of the self-solvable tickets are the same question from the same "
        "person within 30 days, against about {expected} under the count model (ratio {irr}; "
        "{ci}; {q})",
        "count": "{irr} times as many {effect} per FTE-month ({ci}; {q})",
        "joint": "{irr} times as many {effect} per FTE-month ({ci}; {q} for the joint test)",
        "joint_unit": "{unit} ({scope}joint test over all groups); largest difference: group "
        "{group} vs {reference}",
        "team_scope": "at team level, ",
        "group": "group {name}",
        "reference_group": "the reference group",
        "supported": "Supported: {unit}: {detail}.",
        "contrary": "Contrary to expectation: {unit}: {detail}.",
        "not_supported": "Not supported: {unit}: {detail}. The confidence interval lies within "
        "{low} to {high}: any effect is smaller than what was declared practically relevant "
        "beforehand.",
        "inconclusive": "Inconclusive (not supported): {unit}: {detail}; the difference is not "
        "clear enough.",
        "mde": " With these data only an effect from about {mde} times would reliably show "
        "(80% power); smaller effects are not ruled out.",
    },
}


def _verdict(row: Mapping[str, Any], lang: str = "nl") -> str:
    """One cautious sentence per result (Dutch with decimal commas, or English); it never
    claims proof."""
    t = _VERDICT_TEXT[lang]
    num, q_text = (_nl, _nl_q) if lang == "nl" else (_en, _en_q)
    status, kind = row["status"], row["kind"]
    if status == "not_testable":
        return t["not_testable"].format(reason=row[f"reason_{lang}"])
    unit = row["unit"] if lang == "nl" else row.get("unit_en") or row["unit"]
    parts = {
        "ci": t["ci"].format(low=num(row["ci_low"]), high=num(row["ci_high"])),
        "irr": num(row["irr"]),
        "q": q_text(row["q_val"]),
        "observed": _nl_pct(row["observed"]) if kind in ("concentration", "repeat") else "",
        "expected": _nl_pct(row["expected"]) if kind in ("concentration", "repeat") else "",
        "effect": (_OUTCOME_NL if lang == "nl" else _OUTCOME_EN).get(
            row["outcome"], row["outcome"]
        ),
    }
    if kind in ("concentration", "repeat"):
        detail = t[kind].format(**parts)
    elif row["test"].startswith(("joint", "randomisation")):
        level = re.search(r"\[T\.(.+)\]$", row["contrast"])
        reference = (
            t["group"].format(name=row["reference"]) if row["reference"] else t["reference_group"]
        )
        unit = t["joint_unit"].format(
            unit=unit,
            scope=t["team_scope"] if row["test"].startswith("randomisation") else "",
            group=level.group(1) if level else row["contrast"],
            reference=reference,
        )
        detail = t["joint"].format(**parts)
    else:
        detail = t["count"].format(**parts)
    if status in ("supported", "contrary"):
        return t[status].format(unit=unit, detail=detail)
    bound = max(row["smallest_effect_irr"], 1 / row["smallest_effect_irr"])
    if row["verdict"] == "not_supported":
        return t["not_supported"].format(
            unit=unit, detail=detail, low=num(1 / bound), high=num(bound)
        )
    text = t["inconclusive"].format(unit=unit, detail=detail)
    mde = row.get("mde_irr")
    if mde is not None and np.isfinite(mde):
        text += t["mde"].format(mde=num(mde))
    return text


_RESULT_COLUMNS = [
    "hypothesis_id", "family", "statement_nl", "statement_en", "construct", "kind", "term",
    "expected_direction", "smallest_effect_irr", "irr", "ci_low", "ci_high", "p_val",
    "q_val", "n_obs", "n_people", "n_teams", "n_clusters", "status", "verdict", "reason",
    "reason_nl", "reason_en", "verdict_nl", "verdict_en", "contrast", "reference", "test", "mde_irr", "observed",
    "expected", "model", "se_type", "gee_irr", "gee_ci_low", "gee_ci_high", "gee_p", "naive_p",
]  # fmt: skip


def run_registry(
    panel: pd.DataFrame | None,
    registry: Sequence[Mapping[str, Any]],
    *,
    events: pd.DataFrame | None = None,
    alpha: float = 0.05,
    power: float = 0.80,
    n_boot: int = 999,
    seed: int = 0,
    robustness: bool = True,
    naive: bool = False,
    unavailable: Mapping[str, str | Mapping[str, str]] | None = None,
    ci: bool = True,
) -> pd.DataFrame:
    """Fit every hypothesis of the registry and report FDR-controlled verdicts.

    Parameters
    ----------
    panel : pandas.DataFrame or None
        Output of :func:`build_person_panel`; None when there is no roster (every
        hypothesis is then not testable).
    registry : sequence of mapping
        Output of :func:`load_registry`.
    events : pandas.DataFrame, optional
        Output of :func:`ticket_events`, for ``kind: repeat`` hypotheses.
    alpha : float, default 0.05
        False discovery rate, controlled with Benjamini-Hochberg within each ``family``.
    power : float, default 0.80
        Power used for the minimum detectable effect ``mde_irr``.
    n_boot, seed : int
        Draws and seed of the bootstraps (wild cluster, parametric; the randomisation test
        uses ``2 max(n_boot, 999) + 1`` permutations and the repeat test
        ``max(399, n_boot / 2)`` draws).
    robustness : bool, default True
        Add the GEE check (``gee_*`` columns) to count models.
    naive : bool, default False
        Add ``naive_p``: the p-value of the same term in a Poisson GLM with model-based
        errors and no clustering (for the simulation study).
    unavailable : mapping, optional
        Panel columns deliberately left out, with the Dutch reason (e.g. a team mean whose
        aggregation is not justified); hypotheses needing them are not testable.
    ci : bool, default True
        False skips the team-resampling intervals of the recurring-behaviour tests (their
        ``ci_low``/``ci_high`` are then NaN); p-values are unaffected. For simulations.

    Returns
    -------
    pandas.DataFrame
        One row per hypothesis: ``hypothesis_id, family, statement_nl, statement_en,
        construct, kind, term, expected_direction, smallest_effect_irr, irr, ci_low,
        ci_high, p_val, q_val, n_obs, n_people, n_teams, n_clusters, status, verdict,
        reason, reason_nl, verdict_nl, contrast, reference, test, mde_irr, observed,
        expected, model, se_type, gee_irr, gee_ci_low, gee_ci_high, gee_p, naive_p``.

        * ``status``: ``supported`` (q < alpha, direction as expected; for
          ``expected_direction: any`` any difference), ``contrary`` (q < alpha, opposite
          direction), ``not_supported`` (q >= alpha), ``not_testable`` (a required column
          is missing or all NaN, or the model cannot be fitted; ``reason`` says why).
        * ``verdict`` refines ``not_supported``: ``not_supported`` when the CI lies within
          ``[1/s, s]`` for ``s = smallest_effect_irr`` (a relevant effect is ruled out),
          else ``inconclusive``.
        * ``irr`` is the incidence-rate ratio (per SD for survey scales) for count models;
          for a multi-level factor the largest contrast with the ``reference`` level (chosen
          after seeing the data, its CI is descriptive); for recurring behaviour the ratio
          of the ``observed`` to the ``expected`` statistic.
        * Count models: ``irr`` and its CI use the cluster jackknife (CR3) sandwich with a
          t(G - 1) reference (:func:`_cr3_covariance`); in simulations of 20 teams the CR1
          sandwich was liberal (8-10% false positives at 5% for cross-level terms).
        * ``p_val`` comes from the method the registry entry declares (``test`` names it):
          CR3 t(G - 1) or Hotelling F, wild cluster score bootstrap, randomisation over
          teams, or parametric bootstrap.
        * ``mde_irr`` is the effect the test would detect with the given power at this
          standard error, ``exp(+-(t_{1-alpha/2} + t_power) se)`` in the expected direction
          (Bloom 1995), or the bootstrap analogue for recurring behaviour.
        * ``verdict_nl`` is a cautious Dutch sentence with decimal commas; it never claims
          proof ("bewezen").
    """
    unavailable = dict(unavailable or {})
    if panel is not None:  # plain object columns: patsy and row selection are faster
        panel = panel.reset_index(drop=True).astype(
            {c: object for c in panel.columns if pd.api.types.is_string_dtype(panel[c])}
        )
    rows: list[dict[str, Any]] = []
    for hyp in registry:
        hyp = {"kind": "count", "model": "negbin", "cluster": "team", "p_method": "cluster", **hyp}
        row = _empty_row(hyp)
        needs = list(dict.fromkeys([hyp["outcome"], *_ALWAYS_NEEDED, *hyp["requires"]]))
        missing = [c for c in needs if not _column_present(panel, events, c)]
        if missing:
            row["reason"] = f"missing or empty column(s): {', '.join(missing)}"
            for lang, lead in (
                ("nl", "de nodige gegevens ontbreken"),
                ("en", "the data needed are missing"),
            ):
                reasons = [_in_lang(unavailable[c], lang) for c in missing if c in unavailable]
                labels = [_data_label(hyp, c, lang) for c in missing if c not in unavailable]
                parts = [f"{lead} ({', '.join(labels)})"] if labels else []
                row[f"reason_{lang}"] = "; ".join(parts + reasons)
            rows.append(row)
            continue
        try:
            _run_one(panel, events, hyp, row, alpha=alpha, power=power, n_boot=n_boot,
                     seed=seed, robustness=robustness, naive=naive, ci=ci)  # fmt: skip
        except (SelfRelianceError, np.linalg.LinAlgError, ValueError) as exc:
            row = _empty_row(hyp)
            row["reason"] = f"model could not be fitted: {exc}"
            row["reason_nl"] = "het model kon niet geschat worden met deze gegevens"
            row["reason_en"] = "the model could not be estimated with these data"
            rows.append(row)
            continue
        row["status"] = ""
        rows.append(row)

    table = pd.DataFrame(rows)
    table["q_val"] = np.nan
    for _family, index in table.groupby("family", sort=False).groups.items():
        table.loc[index, "q_val"] = benjamini_hochberg(table.loc[index, "p_val"])

    def status(r: pd.Series) -> str:
        if r["status"] == "not_testable":
            return "not_testable"
        if not r["q_val"] < alpha:
            return "not_supported"
        if r["expected_direction"] == "any":
            return "supported"
        as_expected = (r["irr"] > 1) == (r["expected_direction"] == "+")
        return "supported" if as_expected else "contrary"

    table["status"] = table.apply(status, axis=1)
    table["verdict"] = [_verdict_code(r) for r in table.to_dict("records")]
    records = table.to_dict("records")
    table["verdict_nl"] = [_verdict(r, "nl") for r in records]
    table["verdict_en"] = [_verdict(r, "en") for r in records]
    return table[_RESULT_COLUMNS]


# --------------------------------------------------------------------------------------
# What data do we have?
# --------------------------------------------------------------------------------------

_SOURCE_NL = {"tickets": "ticketexport", "roster": "personeelslijst", "survey": "bevraging"}


def data_availability(
    registry: Sequence[Mapping[str, Any]],
    panel: pd.DataFrame | None,
    events: pd.DataFrame | None = None,
    unavailable: Mapping[str, str | Mapping[str, str]] | None = None,
) -> pd.DataFrame:
    """Which data each hypothesis needs, whether they are present, and what to collect.

    Answers the client's question "what data do we already have?" per hypothesis.

    Returns
    -------
    pandas.DataFrame
        ``hypothesis_id, statement_nl, statement_en, sources, available, testable`` and
        per language (``_nl``, ``_en``) ``needs``, ``missing`` and ``collect``:
        ``available`` is "ja", "deels" or "nee"; ``missing_*`` lists what is absent (or
        present but unusable, with the reason) and ``collect_*`` what to collect and from
        whom (from the registry's data catalogue).
    """
    unavailable = dict(unavailable or {})
    rows = []
    for hyp in registry:
        data = hyp.get("data") or [{"column": c} for c in hyp["requires"]]
        present = [_column_present(panel, events, d["column"]) for d in data]
        missing = [d for d, ok in zip(data, present, strict=True) if not ok]
        sources = sorted({_SOURCE_NL.get(d.get("source", ""), d.get("source", "")) for d in data})
        row = {
            "hypothesis_id": hyp["id"],
            "statement_nl": hyp["statement_nl"],
            "statement_en": hyp["statement_en"],
            "sources": ", ".join(s for s in sources if s),
            "available": "ja" if all(present) else ("nee" if not any(present) else "deels"),
            "testable": bool(all(present)),
        }
        for lang in ("nl", "en"):
            row[f"needs_{lang}"] = "; ".join(d.get(lang, d["column"]) for d in data)
            row[f"missing_{lang}"] = "; ".join(
                f"{d.get(lang, d['column'])} ({_in_lang(unavailable[d['column']], lang)})"
                if d["column"] in unavailable
                else d.get(lang, d["column"])
                for d in missing
            )
            key = f"collect_{lang}"
            row[key] = " ".join(dict.fromkeys(d.get(key, "") for d in missing if d.get(key)))
        rows.append(row)
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------------------
# Can't or won't per team: the quadrant view
# --------------------------------------------------------------------------------------

QUADRANTS = ("can_will", "can_wont", "cant_will", "cant_wont")


def team_quadrants(panel: pd.DataFrame, *, min_size: int = 5) -> pd.DataFrame:
    """Teams placed on capability (self-efficacy) x motivation, small teams pooled.

    Team means of the respondents' z-scores (0 = the organisation's average respondent)
    put each team in a quadrant: ``can_will`` (both at or above average), ``can_wont``,
    ``cant_will`` and ``cant_wont``. A team with fewer than ``min_size`` respondents or
    people is never shown on its own: such teams are pooled into one row; if the pool is
    itself smaller than ``min_size``, the smallest shown teams join it until it is not
    (complementary suppression, so no hidden team can be recovered by subtraction). No
    organisation total is shown for the same reason.

    Returns
    -------
    pandas.DataFrame
        ``group, n_teams, n_people, n_respondents, capability, motivation, quadrant,
        self_rate`` (self-solvable tickets per FTE-month of all the group's people), sorted
        by group name, the pooled row last.
    """
    needed = {"self_efficacy", "motivation"}
    if not needed <= set(panel.columns):
        raise SelfRelianceError(
            "team_quadrants needs the survey scales self_efficacy and motivation."
        )
    person = panel.groupby("person_key").agg(
        team=("team", "first"),
        self_efficacy=("self_efficacy", "first"),
        motivation=("motivation", "first"),
        n_self=("n_self", "sum"),
        exposure=("exposure", "sum"),
    )
    person["respondent"] = person[["self_efficacy", "motivation"]].notna().all(axis=1)
    teams = person.groupby("team").agg(
        n_people=("respondent", "size"), n_respondents=("respondent", "sum")
    )
    small = (teams["n_respondents"] < min_size) | (teams["n_people"] < min_size)
    pooled = set(teams.index[small])
    while (
        pooled and teams.loc[sorted(pooled), ["n_respondents", "n_people"]].sum().min() < min_size
    ):
        shown = teams.drop(index=sorted(pooled))
        if shown.empty:
            break
        pooled.add(shown["n_respondents"].idxmin())
    person["group"] = np.where(person["team"].isin(pooled), "__pooled__", person["team"])

    def summarise(frame: pd.DataFrame) -> pd.Series:
        resp = frame[frame["respondent"]]
        return pd.Series(
            {
                "n_teams": frame["team"].nunique(),
                "n_people": len(frame),
                "n_respondents": len(resp),
                "capability": resp["self_efficacy"].mean(),
                "motivation": resp["motivation"].mean(),
                "self_rate": frame["n_self"].sum() / frame["exposure"].sum(),
            }
        )

    out = person.groupby("group").apply(summarise, include_groups=False).reset_index()
    if (out["group"] == "__pooled__").any():
        row = out["group"] == "__pooled__"
        if out.loc[row, ["n_respondents", "n_people"]].min(axis=1).item() < min_size:
            out = out[~row]
        else:
            n = int(out.loc[row, "n_teams"].item())
            out.loc[row, "group"] = f"Overige teams samen ({n})"
    cap, mot = out["capability"] >= 0, out["motivation"] >= 0
    out["quadrant"] = np.select(
        [cap & mot, cap & ~mot, ~cap & mot], ["can_will", "can_wont", "cant_will"], "cant_wont"
    )
    for col in ("n_teams", "n_people", "n_respondents"):
        out[col] = out[col].astype("int64")
    order = out["group"].str.startswith("Overige teams samen")
    out = pd.concat([out[~order].sort_values("group"), out[order]], ignore_index=True)
    return out[["group", "n_teams", "n_people", "n_respondents", "capability", "motivation",
                "quadrant", "self_rate"]]  # fmt: skip


# --------------------------------------------------------------------------------------
# The analyse step in one call
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Analysis:
    """Result of :func:`analyse_window`.

    ``panel`` and ``events`` are None without a roster; ``results`` always holds one row per
    hypothesis (all not testable without a roster); ``missing`` names the absent sources;
    ``availability`` is :func:`data_availability`; ``agreement`` the aggregation checks of
    the team-level survey scales (None without a survey); ``quadrants`` the team view of
    can't or won't (None without a survey); ``onboarding`` the rate by months since hire.
    """

    panel: pd.DataFrame | None
    results: pd.DataFrame | None
    missing: tuple[str, ...]
    availability: pd.DataFrame | None = None
    agreement: pd.DataFrame | None = None
    events: pd.DataFrame | None = None
    quadrants: pd.DataFrame | None = None
    onboarding: pd.DataFrame | None = None


def analyse_window(
    tickets: pd.DataFrame,
    people: pd.DataFrame | None,
    *,
    start: Any,
    end: Any,
    survey: pd.DataFrame | None = None,
    instrument: Mapping[str, Any] | None = None,
    registry: Sequence[Mapping[str, Any]] | None = None,
    n_boot: int = 999,
    seed: int = 0,
    robustness: bool = True,
    require_agreement: bool = True,
) -> Analysis:
    """Score the survey (if any), build the person panel and run the hypothesis registry.

    Team-level survey scales (``level: team`` in the instrument: psychological safety, the
    manager as role model) are aggregated to team means only when
    :func:`selfreliance.survey.aggregation_checks` justifies it (ICC(1) and r_wg); otherwise
    (with ``require_agreement``) the hypotheses needing the team mean are reported as not
    testable, with the reason. Without a roster nothing can be tested per person: every
    hypothesis comes back not testable and ``missing`` names the roster. Without a survey
    the survey hypotheses come back as not testable with their reason, and ``missing``
    names the survey.
    """
    from selfreliance.survey import aggregation_checks, score_survey

    registry = list(registry) if registry is not None else load_registry()
    missing: list[str] = []
    scores = agreement = None
    team_scales: list[str] = []
    unavailable: dict[str, dict[str, str]] = {}
    if survey is not None and instrument is not None:
        scores = score_survey(survey, instrument)
        agreement = aggregation_checks(survey, instrument)
        for check in agreement.to_dict("records"):
            if check["aggregate"] or not require_agreement:
                team_scales.append(check["scale"])
            else:
                unavailable[f"team_{check['scale']}"] = {
                    "nl": f"aggregatie van '{check['scale']}' naar teamniveau is niet "
                    f"verantwoord: {check['verdict_nl']}",
                    "en": f"aggregating '{check['scale']}' to team level is not justified: "
                    f"{check['verdict_en']}",
                }
    else:
        missing.append("survey")
    if people is None:
        results = run_registry(None, registry)
        results["reason_nl"] = "er is geen personeelslijst om tickets per medewerker te tellen"
        results["verdict_nl"] = "Niet toetsbaar: " + results["reason_nl"] + "."
        results["reason_en"] = "there is no staff roster to count tickets per person"
        results["verdict_en"] = "Not testable: " + results["reason_en"] + "."
        availability = data_availability(registry, None)
        return Analysis(None, results, ("roster", *missing), availability, agreement)
    panel = build_person_panel(
        tickets, people, start=start, end=end, survey_scores=scores, team_scales=team_scales
    )
    events = (
        ticket_events(tickets, people, start=start, end=end)
        if "question_type" in tickets.columns
        else None
    )
    results = run_registry(panel, registry, events=events, n_boot=n_boot, seed=seed,
                           robustness=robustness, unavailable=unavailable)  # fmt: skip
    availability = data_availability(registry, panel, events, unavailable)
    quadrants = (
        team_quadrants(panel) if {"self_efficacy", "motivation"} <= set(panel.columns) else None
    )
    onboarding = onboarding_curve(tickets, people, start=start, end=end)
    return Analysis(panel, results, tuple(missing), availability, agreement, events, quadrants,
                    onboarding)  # fmt: skip


#: Columns of ``hypotheses.csv`` (the contract other tools read), in this order.
EXPORT_COLUMNS = {
    "hypothesis_id": "hypothesis_id",
    "term": "term",
    "irr": "estimate",
    "ci_low": "ci_low",
    "ci_high": "ci_high",
    "p_val": "p_value",
    "q_val": "q_value",
    "n_people": "n_people",
    "n_teams": "n_teams",
    "mde_irr": "mde",
    "verdict": "verdict",
    "family": "family",
    "kind": "kind",
    "status": "status",
    "contrast": "contrast",
    "reference": "reference",
    "test": "test",
    "gee_irr": "gee_estimate",
    "gee_ci_low": "gee_ci_low",
    "gee_ci_high": "gee_ci_high",
    "gee_p": "gee_p_value",
    "observed": "observed",
    "expected": "expected",
    "statement_nl": "statement_nl",
    "verdict_nl": "verdict_nl",
    "verdict_en": "verdict_en",
    "reason": "reason",
}


def results_for_export(results: pd.DataFrame) -> pd.DataFrame:
    """The result table with the exported column names (:data:`EXPORT_COLUMNS`)."""
    return results[list(EXPORT_COLUMNS)].rename(columns=EXPORT_COLUMNS)


def write_results(results: pd.DataFrame, folder: str | Path) -> list[Path]:
    """Write ``hypotheses.csv`` (UTF-8, comma, point decimals) and ``hypotheses.xlsx``.

    Returns the paths written. The CSV starts with the columns ``hypothesis_id, term,
    estimate, ci_low, ci_high, p_value, q_value, n_people, n_teams, mde, verdict``.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    table = results_for_export(results)
    csv_path, xlsx_path = folder / "hypotheses.csv", folder / "hypotheses.xlsx"
    table.to_csv(csv_path, index=False, encoding="utf-8", lineterminator="\n")
    table.to_excel(xlsx_path, index=False, sheet_name="hypothesen")
    return [csv_path, xlsx_path]
