"""Evaluate interventions from the intervention log: did the targeted tickets go down?

Two designs, both on counts of the question types an intervention targets:

* **Interrupted time series** (:func:`interrupted_time_series`): segmented negative-binomial
  (NB2) regression on weekly counts, with a change in level and in slope at the start date,
  seasonality (month dummies or Fourier terms), the share of the week's working days lost to
  public holidays and local days off, and the share falling in the year-end break. The
  question types the intervention does not target serve as a control series (comparative ITS,
  Lopez Bernal, Cummins & Gasparrini 2018). Standard errors are Newey-West HAC (Driscoll-Kraay
  when two series are stacked: scores are summed per week before the lag window), so that
  week-to-week autocorrelation does not shrink the intervals.
* **Difference-in-differences** (:func:`difference_in_differences`) when the intervention ran in
  some teams only: team x week counts with team and week fixed effects and team exposure
  (FTE-months) as offset, Poisson quasi-maximum likelihood (consistent with fixed effects
  whatever the overdispersion). With about 20 teams of which a handful treated, the interval
  comes from inverting the restricted wild cluster score bootstrap test
  (:func:`selfreliance.hypotheses.wild_cluster_bootstrap_p`, Webb weights by default): the 95%
  interval is the set of effects ``b0`` that the bootstrap does not reject at 5%. The test of
  ``b = b0`` is the test of ``b = 0`` after adding ``b0 * treated`` to the offset, so the same
  function serves every point of the grid; the bounds are located by bisection to 0.002 on the
  log scale. The CR1 cluster-robust interval (t with G - 1 df) is reported next to it.

:func:`effect_in_hours` translates an estimated rate ratio into tickets avoided, IT hours
freed and staff waiting hours saved, and :func:`evaluate_log` runs all of it, with a placebo
start date one year earlier, for every intervention in the log.

All functions are pure: they never modify their inputs.
"""

from __future__ import annotations

import math
import re
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import optimize, special, stats

from selfreliance.errors import SelfRelianceError
from selfreliance.hypotheses import fit_count_model, wild_cluster_bootstrap_p
from selfreliance.metrics import DAYS_PER_MONTH, handling_minutes
from selfreliance.timecalc import OfficeCalendar, is_business_day

__all__ = [
    "ItsResult",
    "DidResult",
    "calendar_terms",
    "weekly_series",
    "its_design",
    "fit_negbin",
    "hac_covariance",
    "newey_west_lags",
    "interrupted_time_series",
    "team_period_panel",
    "difference_in_differences",
    "effect_in_hours",
    "targeted_types",
    "catalogue_action",
    "evaluate_intervention",
    "evaluate_log",
]

_ONE_DAY = pd.Timedelta(days=1)
_ESTIMATE_COLUMNS = [
    "design",
    "estimate",
    "irr",
    "ci_low",
    "ci_high",
    "p_val",
    "coef",
    "se",
    "method",
    "n_obs",
]


# --------------------------------------------------------------------------------------
# Weekly series and calendar terms
# --------------------------------------------------------------------------------------


def _local_dates(times: pd.Series) -> pd.Series:
    times = pd.to_datetime(times)
    if times.dt.tz is not None:
        times = times.dt.tz_convert("Europe/Brussels").dt.tz_localize(None)
    return times.dt.normalize()


def calendar_terms(
    weeks: Iterable[pd.Timestamp],
    calendar: OfficeCalendar | None = None,
    *,
    yearend: tuple[str, str] = ("12-24", "01-01"),
) -> pd.DataFrame:
    """Working-day terms of each week (weeks start on Monday).

    Returns week, nominal_days (opening weekdays of the calendar), open_days (minus public
    holidays and local days off), holiday_share (1 - open / nominal) and yearend_share (share of
    nominal days inside the year-end break, inclusive; many staff take leave then).

    Examples
    --------
    >>> terms = calendar_terms(pd.to_datetime(["2025-12-22", "2026-01-05"]))
    >>> terms[["open_days", "holiday_share", "yearend_share"]].values.round(2).tolist()
    [[3.0, 0.4, 0.6], [5.0, 0.0, 0.0]]
    """
    calendar = calendar or OfficeCalendar.from_yaml()
    weeks = pd.DatetimeIndex(pd.to_datetime(list(weeks))).normalize()
    nominal_weekdays = [i for i, slot in enumerate(calendar.opening) if slot is not None]
    (m1, d1), (m2, d2) = (tuple(int(x) for x in s.split("-")) for s in yearend)
    rows = []
    for week in weeks:
        days = week + pd.to_timedelta(nominal_weekdays, unit="D")
        open_ = is_business_day(days, calendar)
        md = days.month * 100 + days.day
        lo, hi = m1 * 100 + d1, m2 * 100 + d2
        in_break = (md >= lo) | (md <= hi) if lo > hi else (md >= lo) & (md <= hi)
        n = max(len(days), 1)
        rows.append(
            {
                "week": week,
                "nominal_days": len(days),
                "open_days": float(open_.sum()),
                "holiday_share": 1 - open_.sum() / n,
                "yearend_share": float(np.sum(in_break)) / n,
            }
        )
    return pd.DataFrame(rows)


def _fte_months_between(people: pd.DataFrame, first: pd.Timestamp, last: pd.Timestamp) -> pd.Series:
    """FTE-months per person within [first, last] (both inclusive days)."""
    lo = pd.to_datetime(people["hire_date"]).clip(lower=first)
    hi = pd.to_datetime(people["exit_date"]).fillna(last).clip(upper=last)
    days = ((hi - lo).dt.days + 1).clip(lower=0)
    return people["fte"].astype(float) * days / DAYS_PER_MONTH


def _weeks_in(tickets: pd.DataFrame, first: Any = None, last: Any = None) -> pd.DatetimeIndex:
    """Mondays of the complete weeks inside the data (or inside [first, last])."""
    days = _local_dates(tickets["opened_at"])
    first = pd.Timestamp(first) if first is not None else days.min()
    last = pd.Timestamp(last) if last is not None else days.max()
    first_monday = first + pd.Timedelta(days=(7 - first.weekday()) % 7)
    last_monday = last - pd.Timedelta(days=(last.weekday() + 1) % 7) - pd.Timedelta(days=6)
    if last_monday < first_monday:
        raise SelfRelianceError("The data do not cover a single complete week.")
    return pd.date_range(first_monday, last_monday, freq="7D")


def weekly_series(
    tickets: pd.DataFrame,
    question_types: Sequence[str],
    *,
    teams: Sequence[str] | None = None,
    people: pd.DataFrame | None = None,
    calendar: OfficeCalendar | None = None,
    first: Any = None,
    last: Any = None,
) -> pd.DataFrame:
    """Weekly counts of the targeted question types and of all other types (the control).

    Parameters
    ----------
    tickets
        Processed tickets (``opened_at``, ``question_type``; ``team`` when ``teams`` is given).
    question_types
        Types the intervention targets.
    teams
        Restrict to tickets of these teams (``None``: every ticket).
    people
        Roster; when given, ``exposure`` is the FTE-months of the staff of those teams in the
        week, else 1.
    first, last
        Window (inclusive days); default the data's span. Only complete weeks are kept.

    Returns
    -------
    DataFrame
        week, t (weeks since the first week), n_target, n_control, exposure, nominal_days,
        open_days, holiday_share, yearend_share, month.
    """
    weeks = _weeks_in(tickets, first, last)
    rows = tickets
    if teams is not None:
        rows = rows.loc[rows["team"].isin(list(teams))]
    day = _local_dates(rows["opened_at"])
    week = day - pd.to_timedelta(day.dt.day_of_week, unit="D")
    target = rows["question_type"].isin(list(question_types)).to_numpy()
    counts = pd.DataFrame({"week": week.to_numpy(), "target": target})
    n_target = counts.loc[counts["target"]].groupby("week").size().reindex(weeks, fill_value=0)
    n_control = counts.loc[~counts["target"]].groupby("week").size().reindex(weeks, fill_value=0)
    out = calendar_terms(weeks, calendar)
    out.insert(1, "t", np.arange(len(weeks), dtype=float))
    out.insert(2, "n_target", n_target.to_numpy())
    out.insert(3, "n_control", n_control.to_numpy())
    if people is not None:
        staff = people if teams is None else people.loc[people["team"].isin(list(teams))]
        out.insert(
            4,
            "exposure",
            [float(_fte_months_between(staff, w, w + 6 * _ONE_DAY).sum()) for w in weeks],
        )
    else:
        out.insert(4, "exposure", 1.0)
    out["month"] = (out["week"] + 3 * _ONE_DAY).dt.month  # the month of the week's Thursday
    return out


# --------------------------------------------------------------------------------------
# Negative binomial fit and HAC covariance
# --------------------------------------------------------------------------------------


def _nb2_loglik(y: np.ndarray, mu: np.ndarray, alpha: float) -> float:
    r = 1.0 / alpha
    return float(
        np.sum(
            special.gammaln(y + r)
            - special.gammaln(r)
            - special.gammaln(y + 1)
            + r * np.log(r / (r + mu))
            + y * np.log(mu / (r + mu))
        )
    )


@dataclass(frozen=True)
class NegbinFit:
    """Coefficients, fitted means and dispersion of :func:`fit_negbin`."""

    params: np.ndarray
    mu: np.ndarray
    alpha: float
    converged: bool


def fit_negbin(
    y: np.ndarray, x: np.ndarray, offset: np.ndarray | None = None, *, max_iter: int = 100
) -> NegbinFit:
    """NB2 regression (log link) by maximum likelihood, alternating IRLS for the coefficients
    and a one-dimensional search for the dispersion alpha, as R's ``MASS::glm.nb`` does.

    alpha is searched on ``[1e-8, 50]``; at the lower bound the model is Poisson, which also
    makes the fit exact on noiseless (non-integer) data.
    """
    y = np.asarray(y, dtype=float)
    x = np.asarray(x, dtype=float)
    offset = np.zeros(len(y)) if offset is None else np.asarray(offset, dtype=float)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = sm.GLM(y, x, family=sm.families.Poisson(), offset=offset).fit(tol=1e-12)
    params = np.asarray(res.params)
    mu = np.asarray(res.fittedvalues)
    alpha, converged = 1e-8, False
    for _ in range(max_iter):
        found = optimize.minimize_scalar(
            lambda la, means: -_nb2_loglik(y, means, math.exp(la)),
            args=(mu,),
            bounds=(math.log(1e-8), math.log(50.0)),
            method="bounded",
            options={"xatol": 1e-7},
        )
        new_alpha = math.exp(found.x)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = sm.GLM(
                y, x, family=sm.families.NegativeBinomial(alpha=new_alpha), offset=offset
            ).fit(start_params=params, tol=1e-12)
        new_params = np.asarray(res.params)
        mu = np.asarray(res.fittedvalues)
        done = abs(math.log(new_alpha) - math.log(alpha)) < 1e-5 and np.allclose(
            new_params, params, atol=1e-8
        )
        params, alpha = new_params, new_alpha
        if done:
            converged = True
            break
    return NegbinFit(params=params, mu=mu, alpha=alpha, converged=converged)


def newey_west_lags(n_periods: int) -> int:
    """Newey & West (1994) plug-in rule ``floor(4 (T / 100)^(2/9))`` for the Bartlett window.

    Examples
    --------
    >>> newey_west_lags(104)
    4
    """
    return int(math.floor(4 * (n_periods / 100) ** (2 / 9)))


def hac_covariance(
    scores: np.ndarray,
    bread: np.ndarray,
    time: np.ndarray,
    *,
    maxlags: int,
    small_sample: bool = True,
) -> np.ndarray:
    """Newey-West (Bartlett kernel) sandwich covariance ``B^-1 S B^-1``.

    Parameters
    ----------
    scores
        n x k per-observation score contributions (for OLS ``x_i e_i``; for NB2 with log link
        ``x_i (y_i - mu_i) / (1 + alpha mu_i)``).
    bread
        k x k derivative of the summed scores (``X'X`` for OLS, the Fisher information for
        NB2).
    time
        Integer period of each observation. Scores of the same period are summed first
        (Driscoll & Kraay 1998), so one series gives the classic Newey-West estimator and
        stacked series stay robust to correlation between them in the same week.
    maxlags
        Bartlett window: lag ``l`` gets weight ``1 - l / (maxlags + 1)``.
    small_sample
        Multiply by ``T / (T - k)`` (T periods), like statsmodels' ``use_correction=True``.
    """
    time = np.asarray(time, dtype=int)
    t0 = time.min()
    n_periods = int(time.max() - t0 + 1)
    k = scores.shape[1]
    summed = np.zeros((n_periods, k))
    np.add.at(summed, time - t0, scores)
    meat = summed.T @ summed
    for lag in range(1, maxlags + 1):
        weight = 1 - lag / (maxlags + 1)
        gamma = summed[lag:].T @ summed[:-lag]
        meat += weight * (gamma + gamma.T)
    inv = np.linalg.inv(bread)
    cov = inv @ meat @ inv
    if small_sample:
        used = len(np.unique(time))
        cov *= used / max(used - k, 1)
    return cov


# --------------------------------------------------------------------------------------
# Interrupted time series
# --------------------------------------------------------------------------------------


def its_design(
    series: pd.DataFrame,
    start: Any,
    *,
    seasonality: str = "month",
    harmonics: int = 2,
    comparative: bool = False,
) -> tuple[pd.DataFrame, np.ndarray, np.ndarray, np.ndarray]:
    """Design matrix of the segmented regression.

    Single series: ``const, t, post, t_post`` + seasonality + ``holiday_share, yearend_share``.
    ``post`` is the share of the week's working days on or after ``start`` (0 or 1 except in
    the start week) and ``t_post = max(0, t - t0)`` counts weeks since the start, so
    ``exp(post)`` is the change in level at the start and ``exp(t_post)`` the change in the
    weekly trend. Comparative: the target and control series are stacked with ``target`` = 1
    for the targeted types, all time terms get a ``target:`` copy, and the effects of interest
    are ``target:post`` and ``target:t_post`` (the change relative to the control series).
    Seasonality and calendar terms are shared by both series.

    Returns the design, the counts, the log exposure and the week index of each row.
    """
    start = pd.Timestamp(start).normalize()
    week = series["week"]
    t0 = (start - week.iloc[0]) / pd.Timedelta(days=7)
    days_from_start = (start - week) / _ONE_DAY
    nominal = series["nominal_days"].clip(lower=1)
    post = ((nominal - days_from_start).clip(lower=0, upper=nominal) / nominal).to_numpy()
    base = pd.DataFrame(
        {
            "const": 1.0,
            "t": series["t"].to_numpy(),
            "post": post,
            "t_post": np.clip(series["t"].to_numpy() - t0, 0, None),
        }
    )
    if seasonality == "month":
        for month in range(2, 13):
            base[f"month_{month}"] = (series["month"].to_numpy() == month).astype(float)
    elif seasonality == "fourier":
        doy = (week + 3 * _ONE_DAY).dt.dayofyear.to_numpy() / 365.25
        for h in range(1, harmonics + 1):
            base[f"sin_{h}"] = np.sin(2 * np.pi * h * doy)
            base[f"cos_{h}"] = np.cos(2 * np.pi * h * doy)
    elif seasonality != "none":
        raise SelfRelianceError(
            f"seasonality must be 'month', 'fourier' or 'none', got {seasonality!r}."
        )
    for column in ("holiday_share", "yearend_share"):
        if series[column].std() > 0:
            base[column] = series[column].to_numpy()
    # Drop seasonal columns that are constant in the window (e.g. a month never observed).
    keep = [c for c in base.columns if c == "const" or base[c].std() > 0]
    base = base[keep]
    log_exposure = np.log(series["exposure"].to_numpy(dtype=float))
    time = np.arange(len(series))
    if not comparative:
        return base, series["n_target"].to_numpy(dtype=float), log_exposure, time
    control = base.copy()
    target = base.copy()
    for column in ("const", "t", "post", "t_post"):
        target[f"target:{column}"] = target[column]
        control[f"target:{column}"] = 0.0
    design = pd.concat([target, control], ignore_index=True)
    y = np.concatenate([series["n_target"].to_numpy(float), series["n_control"].to_numpy(float)])
    return design, y, np.tile(log_exposure, 2), np.tile(time, 2)


@dataclass
class ItsResult:
    """Estimates of :func:`interrupted_time_series` and the weekly fit for the figure.

    ``table`` has the columns design (single | comparative), estimate (level_change,
    slope_change, average_effect), irr, ci_low, ci_high, p_val, coef, se, method, n_obs.
    ``weekly`` has week, observed, fitted and counterfactual (without the intervention terms)
    of the targeted series.
    """

    table: pd.DataFrame
    weekly: pd.DataFrame
    start: pd.Timestamp
    dispersion: float
    maxlags: int
    details: dict = field(default_factory=dict)


def _its_fit(
    design: pd.DataFrame,
    y: np.ndarray,
    log_exposure: np.ndarray,
    time: np.ndarray,
    *,
    effect_terms: tuple[str, str],
    maxlags: int,
    conf_level: float,
    label: str,
) -> tuple[pd.DataFrame, np.ndarray, np.ndarray, float]:
    x = design.to_numpy(dtype=float)
    fit = fit_negbin(y, x, log_exposure)
    mu, alpha = fit.mu, fit.alpha
    scores = x * ((y - mu) / (1 + alpha * mu))[:, None]
    bread = x.T @ (x * (mu / (1 + alpha * mu))[:, None])
    cov = hac_covariance(scores, bread, time, maxlags=maxlags)
    df = max(len(np.unique(time)) - x.shape[1], 1)
    crit = float(stats.t.ppf(0.5 + conf_level / 2, df))
    names = list(design.columns)
    rows = []
    for estimate, term in zip(("level_change", "slope_change"), effect_terms, strict=True):
        j = names.index(term)
        coef, se = float(fit.params[j]), float(math.sqrt(cov[j, j]))
        rows.append((estimate, coef, se))
    # Average effect over the post-period weeks of the targeted series: ratio of the fitted
    # counts to the counterfactual ones, with a delta-method standard error.
    level_j, slope_j = (names.index(t) for t in effect_terms)
    targeted = (
        design["target:const"].to_numpy() == 1 if "target:const" in names else np.ones(len(y), bool)
    )
    in_post = targeted & (design[effect_terms[0]].to_numpy() > 0)
    effect_lin = x[:, level_j] * fit.params[level_j] + x[:, slope_j] * fit.params[slope_j]
    mu0 = mu * np.exp(-effect_lin)
    ratio = mu[in_post].sum() / mu0[in_post].sum()
    x_cf = x.copy()
    x_cf[:, [level_j, slope_j]] = 0.0
    grad = (mu[in_post] @ x[in_post]) / mu[in_post].sum() - (mu0[in_post] @ x_cf[in_post]) / mu0[
        in_post
    ].sum()
    rows.append(("average_effect", math.log(ratio), float(math.sqrt(grad @ cov @ grad))))
    table = pd.DataFrame(rows, columns=["estimate", "coef", "se"])
    table.insert(0, "design", label)
    table["irr"] = np.exp(table["coef"])
    table["ci_low"] = np.exp(table["coef"] - crit * table["se"])
    table["ci_high"] = np.exp(table["coef"] + crit * table["se"])
    table["p_val"] = 2 * stats.t.sf(np.abs(table["coef"] / table["se"]), df)
    table["method"] = f"NB2, Newey-West HAC ({maxlags} lags), t({df})"
    table["n_obs"] = len(y)
    return table[_ESTIMATE_COLUMNS], mu, mu0, alpha


def interrupted_time_series(
    series: pd.DataFrame,
    start: Any,
    *,
    seasonality: str = "month",
    harmonics: int = 2,
    comparative: bool = True,
    maxlags: int | None = None,
    conf_level: float = 0.95,
) -> ItsResult:
    """Segmented NB2 regression on weekly counts (see the module docstring).

    Parameters
    ----------
    series
        Output of :func:`weekly_series`.
    start
        Start date of the intervention.
    seasonality
        ``"month"`` (11 month dummies), ``"fourier"`` (``harmonics`` sine/cosine pairs of the
        year) or ``"none"``.
    comparative
        Also fit the comparative ITS with the non-targeted types as control series.
    maxlags
        Newey-West window; default :func:`newey_west_lags` of the number of weeks.

    Returns
    -------
    ItsResult
        ``table`` rows for design ``single`` and, when ``comparative``, ``comparative``.
    """
    start = pd.Timestamp(start).normalize()
    weeks_before = int((series["week"] < start).sum())
    weeks_after = int((series["week"] >= start).sum())
    if weeks_before < 12 or weeks_after < 8:
        raise SelfRelianceError(
            f"An interrupted time series needs at least 12 weeks before and 8 after the start "
            f"({start:%d/%m/%Y}); the data have {weeks_before} and {weeks_after}."
        )
    maxlags = newey_west_lags(len(series)) if maxlags is None else maxlags
    design, y, log_exposure, time = its_design(
        series, start, seasonality=seasonality, harmonics=harmonics
    )
    single, mu, mu0, alpha = _its_fit(
        design,
        y,
        log_exposure,
        time,
        effect_terms=("post", "t_post"),
        maxlags=maxlags,
        conf_level=conf_level,
        label="single",
    )
    tables = [single]
    weekly = pd.DataFrame(
        {"week": series["week"], "observed": y, "fitted": mu, "counterfactual": mu0}
    )
    if comparative:
        design, y2, log_exposure2, time2 = its_design(
            series, start, seasonality=seasonality, harmonics=harmonics, comparative=True
        )
        comp, *_ = _its_fit(
            design,
            y2,
            log_exposure2,
            time2,
            effect_terms=("target:post", "target:t_post"),
            maxlags=maxlags,
            conf_level=conf_level,
            label="comparative",
        )
        tables.append(comp)
    return ItsResult(
        table=pd.concat(tables, ignore_index=True),
        weekly=weekly,
        start=start,
        dispersion=alpha,
        maxlags=maxlags,
    )


# --------------------------------------------------------------------------------------
# Difference-in-differences
# --------------------------------------------------------------------------------------


def team_period_panel(
    tickets: pd.DataFrame,
    people: pd.DataFrame,
    question_types: Sequence[str],
    *,
    first: Any = None,
    last: Any = None,
    calendar: OfficeCalendar | None = None,
) -> pd.DataFrame:
    """Team x week counts of the targeted types with the team's exposure.

    Returns team, week, period (ISO date text, a factor for the fixed effects), n, exposure
    (FTE-months of the team's staff in the week), nominal_days. Team membership is the roster's
    (current) team; teams without exposure in a week are left out of that week.
    """
    weeks = _weeks_in(tickets, first, last)
    rows = tickets.loc[
        tickets["question_type"].isin(list(question_types)) & tickets["team"].notna()
    ]
    day = _local_dates(rows["opened_at"])
    week = day - pd.to_timedelta(day.dt.day_of_week, unit="D")
    counts = pd.DataFrame({"team": rows["team"].astype(str).to_numpy(), "week": week.to_numpy()})
    counts = counts.groupby(["team", "week"]).size().rename("n")
    teams = sorted(people["team"].dropna().astype(str).unique())
    team_of = people["team"].astype(str).to_numpy()
    frames = []
    for w in weeks:
        expo = _fte_months_between(people, w, w + 6 * _ONE_DAY).groupby(team_of).sum()
        frames.append(
            pd.DataFrame(
                {"team": teams, "week": w, "exposure": expo.reindex(teams, fill_value=0).to_numpy()}
            )
        )
    panel = pd.concat(frames, ignore_index=True)
    panel = panel.merge(counts.reset_index(), on=["team", "week"], how="left")
    panel["n"] = panel["n"].fillna(0).astype("int64")
    panel = panel.loc[panel["exposure"] > 0].reset_index(drop=True)
    panel["period"] = panel["week"].dt.strftime("%Y-%m-%d")
    nominal = calendar_terms(weeks, calendar).set_index("week")["nominal_days"]
    panel["nominal_days"] = panel["week"].map(nominal).to_numpy()
    return panel[["team", "week", "period", "n", "exposure", "nominal_days"]]


@dataclass
class DidResult:
    """Estimates of :func:`difference_in_differences`.

    ``table`` has one row (design ``did``, estimate ``treated_after``) with the Poisson QMLE
    rate ratio, the wild-cluster-bootstrap interval and p-value, and ``cr1_ci_low``,
    ``cr1_ci_high``, ``cr1_p_val`` (CR1, t with G - 1 df), ``n_clusters``, ``n_treated``.
    ``panel`` is the estimation panel with ``treated`` and ``fitted``.
    """

    table: pd.DataFrame
    panel: pd.DataFrame
    start: pd.Timestamp


def _treatment(
    panel: pd.DataFrame, treated_teams: Sequence[str], start: pd.Timestamp
) -> np.ndarray:
    days_from_start = (start - panel["week"]) / _ONE_DAY
    nominal = panel["nominal_days"].clip(lower=1)
    post = (nominal - days_from_start).clip(lower=0, upper=nominal) / nominal
    return (panel["team"].isin(list(treated_teams)).to_numpy() * post.to_numpy()).astype(float)


def _bisect(p_of: Any, inside: float, outside: float, level: float, tol: float) -> float:
    """Boundary between ``inside`` (p > level) and ``outside`` (p <= level)."""
    while abs(outside - inside) > tol:
        mid = (inside + outside) / 2
        if p_of(mid) > level:
            inside = mid
        else:
            outside = mid
    return (inside + outside) / 2


def difference_in_differences(
    panel: pd.DataFrame,
    treated_teams: Sequence[str],
    start: Any,
    *,
    n_boot: int = 999,
    weights: str = "webb",
    seed: int = 0,
    conf_level: float = 0.95,
    tol: float = 0.002,
) -> DidResult:
    """Two-way fixed-effects Poisson DiD with a wild-cluster-bootstrap interval.

    ``log E[n_gt] = log exposure_gt + team_g + week_t + b * treated_gt``, where ``treated`` is
    the share of the week's working days on or after ``start`` for the treated teams (0
    elsewhere). ``exp(b)`` is the rate ratio of the targeted tickets in treated teams after the
    start, relative to what the untreated teams' change predicts (parallel trends on the log
    scale). See the module docstring for the interval.
    """
    start = pd.Timestamp(start).normalize()
    work = panel.copy()
    work["treated"] = _treatment(work, treated_teams, start)
    n_treated = int(work.loc[work["team"].isin(list(treated_teams)), "team"].nunique())
    n_clusters = int(work["team"].nunique())
    if n_treated == 0 or n_treated == n_clusters:
        raise SelfRelianceError(
            "Difference-in-differences needs treated and untreated teams; "
            f"{n_treated} of {n_clusters} teams are treated."
        )
    if not (work["treated"] > 0).any() or (work["week"] >= start).all():
        raise SelfRelianceError("The data need weeks both before and after the start date.")
    terms = "C(team) + C(period) + treated"
    cr1 = fit_count_model(
        work, "n", terms, exposure="exposure", cluster="team", model="poisson", cov="cluster",
        conf_level=conf_level,
    )  # fmt: skip
    row = cr1.set_index("term").loc["treated"]
    beta, se = float(row["coef"]), float(row["se"])
    alpha = 1 - conf_level

    def p_at(b0: float) -> float:
        shifted = work.assign(exposure=work["exposure"] * np.exp(b0 * work["treated"]))
        return wild_cluster_bootstrap_p(
            shifted, "n", "treated", terms, exposure="exposure", cluster="team",
            model="poisson", weights=weights, n_boot=n_boot, seed=seed,
        )  # fmt: skip

    bounds = []
    for direction in (-1.0, 1.0):
        step, outside = max(se, 0.05), None
        for k in range(1, 40):
            candidate = beta + direction * k * step
            if p_at(candidate) <= alpha:
                outside = candidate
                break
        if outside is None:
            bounds.append(direction * math.inf)
            continue
        inside = beta + direction * (k - 1) * step
        bounds.append(_bisect(p_at, inside, outside, alpha, tol))
    p_zero = p_at(0.0)
    fitted = work["exposure"].to_numpy() * np.exp(_poisson_fe_linear_predictor(work, beta))
    work["fitted"] = fitted
    table = pd.DataFrame(
        [
            {
                "design": "did",
                "estimate": "treated_after",
                "irr": math.exp(beta),
                "ci_low": math.exp(bounds[0]),
                "ci_high": math.exp(bounds[1]),
                "p_val": p_zero,
                "coef": beta,
                "se": se,
                "method": f"Poisson QMLE, team and week fixed effects; wild cluster score bootstrap "
                f"({weights}, B = {n_boot}) inverted for the interval",
                "n_obs": len(work),
                "cr1_ci_low": float(row["ci_low"]),
                "cr1_ci_high": float(row["ci_high"]),
                "cr1_p_val": float(row["p_val"]),
                "n_clusters": n_clusters,
                "n_treated": n_treated,
            }
        ]
    )
    return DidResult(table=table, panel=work, start=start)


def _poisson_fe_linear_predictor(work: pd.DataFrame, beta: float) -> np.ndarray:
    """Linear predictor (without offset) of the two-way FE Poisson model at a given ``beta``.

    With team and week effects the Poisson score equations make fitted totals equal observed
    totals per team and per week; refitting with ``beta`` in the offset gives the effects.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import patsy

        x = patsy.dmatrix("C(team) + C(period)", work, return_type="dataframe")
        offset = np.log(work["exposure"].to_numpy()) + beta * work["treated"].to_numpy()
        res = sm.GLM(
            work["n"].to_numpy(float), x, family=sm.families.Poisson(), offset=offset
        ).fit()
    return np.asarray(x @ res.params) + beta * work["treated"].to_numpy()


# --------------------------------------------------------------------------------------
# From a rate ratio to tickets, hours and euros
# --------------------------------------------------------------------------------------


def effect_in_hours(
    observed_after: float,
    irr: float,
    ci_low: float,
    ci_high: float,
    targeted_tickets: pd.DataFrame,
    costs: Mapping[str, Any],
    *,
    weeks_after: float,
) -> pd.DataFrame:
    """Translate a rate ratio into tickets avoided, IT hours freed and waiting hours saved.

    ``observed_after`` tickets were filed after the start where the effect applies; without the
    intervention ``observed_after / irr`` would have come, so ``observed_after (1 / irr - 1)``
    were avoided (negative: extra tickets). IT hours per ticket come from the export's time
    spent on the targeted tickets where present, else the cost model's default per line; staff
    waiting hours are the targeted tickets' mean office hours to resolution. Euros use the
    expected rates of the cost model (IT hourly cost per line; staff cost times the share of
    waiting time that is lost work). The interval follows the rate ratio's interval (the cost
    inputs are held at their expected values here; their uncertainty is in the ROI section).

    Returns one row per quantity: quantity, value, low, high, per_year, per_year_low,
    per_year_high (``per_year`` scales by 52 / weeks_after).
    """
    hours = handling_minutes(targeted_tickets, dict(costs)) / 60
    it_hours_per_ticket = float(hours.mean()) if len(hours) else math.nan
    line2 = (
        targeted_tickets["line"].fillna(1).to_numpy() >= 2
        if len(targeted_tickets)
        else np.array([])
    )
    rate = np.where(
        line2,
        costs["it_hourly_cost"]["line2"]["expected"],
        costs["it_hourly_cost"]["line1"]["expected"],
    )
    it_eur_per_ticket = float(np.mean(hours.to_numpy() * rate)) if len(hours) else math.nan
    wait_per_ticket = (
        float(targeted_tickets["resolution_business_hours"].mean())
        if len(targeted_tickets)
        else math.nan
    )
    staff_eur = costs["staff_hourly_cost"]["expected"] * costs["productive_loss_share"]["expected"]

    def avoided(ratio: float) -> float:
        return observed_after * (1 / ratio - 1)

    # A smaller ratio means more tickets avoided, so the interval's bounds swap.
    values = {"tickets_avoided": (avoided(irr), avoided(ci_high), avoided(ci_low))}
    per_ticket = {
        "it_hours_freed": it_hours_per_ticket,
        "staff_waiting_hours_saved": wait_per_ticket,
        "eur_saved": it_eur_per_ticket + wait_per_ticket * staff_eur,
    }
    for name, factor in per_ticket.items():
        values[name] = tuple(v * factor for v in values["tickets_avoided"])
    scale = 52 / weeks_after if weeks_after > 0 else math.nan
    rows = [
        {
            "quantity": name,
            "value": v,
            "low": lo,
            "high": hi,
            "per_year": v * scale,
            "per_year_low": lo * scale,
            "per_year_high": hi * scale,
        }
        for name, (v, lo, hi) in values.items()
    ]
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------------------
# The intervention log
# --------------------------------------------------------------------------------------


def _fold(text: str) -> str:
    import unicodedata

    return "".join(
        c for c in unicodedata.normalize("NFKD", str(text).lower()) if not unicodedata.combining(c)
    )


def targeted_types(
    entry: Mapping[str, Any], catalogue: Mapping[str, Any], self_types: Sequence[str]
) -> tuple[list[str], str]:
    """Question types a logged intervention targets, and how that was decided.

    In order: the log's own ``question_types`` column (types separated by ``|``); else the
    catalogue's ``type_keywords`` found in the action's name (e.g. "Outlook" -> mail_calendar);
    else the question types of the catalogue action whose ``log_keywords`` match the name;
    else every self-solvable type.
    """
    own = entry.get("question_types")
    if isinstance(own, str) and own.strip():
        return [t.strip() for t in own.split("|") if t.strip()], "log"
    if isinstance(own, list | tuple) and len(own):
        return list(own), "log"
    name = _fold(entry.get("name", ""))
    hits: list[str] = []
    for types, words in (
        (spec["question_types"], spec["keywords"]) for spec in catalogue.get("type_keywords", [])
    ):
        if any(re.search(rf"\b{re.escape(_fold(w))}", name) for w in words):
            hits += [t for t in types if t not in hits]
    if hits:
        return hits, "name"
    action = catalogue_action(entry.get("name", ""), catalogue)
    if action is not None:
        types = action.get("question_types", [])
        if types == "self" or not types:
            return list(self_types), f"catalogue:{action['id']}"
        return list(types), f"catalogue:{action['id']}"
    return list(self_types), "default"


def catalogue_action(name: str, catalogue: Mapping[str, Any]) -> dict | None:
    """The first catalogue action whose ``log_keywords`` occur in a logged action's name."""
    folded = _fold(name)
    for action in catalogue.get("actions", []):
        if any(
            re.search(rf"\b{re.escape(_fold(w))}", folded) for w in action.get("log_keywords", [])
        ):
            return action
    return None


def _teams_of(entry: Mapping[str, Any]) -> list[str] | None:
    teams = entry.get("teams")
    if teams is None:
        return None
    teams = list(teams) if not isinstance(teams, str) else teams.split("|")
    teams = [str(t).strip() for t in teams if str(t).strip()]
    if not teams or any(t.lower() in {"all", "alle", "iedereen"} for t in teams):
        return None
    return teams


def evaluate_intervention(
    tickets: pd.DataFrame,
    people: pd.DataFrame | None,
    *,
    start: Any,
    question_types: Sequence[str],
    teams: Sequence[str] | None = None,
    costs: Mapping[str, Any],
    placebo_years: int = 1,
    n_boot: int = 999,
    seed: int = 0,
    calendar: OfficeCalendar | None = None,
    seasonality: str = "month",
) -> dict[str, Any]:
    """ITS (in the intervention's teams), DiD (when only some teams took part), their placebo
    one year earlier (on the data before the real start), and the effect in hours.

    Returns a dict with ``estimates`` (tidy table: design, estimate, irr, ci_low, ci_high,
    p_val, ..., placebo, start), ``its`` (:class:`ItsResult`), ``did`` (:class:`DidResult` or
    None), ``hours`` (:func:`effect_in_hours` of the headline estimate) and ``notes``.
    """
    start = pd.Timestamp(start).normalize()
    calendar = calendar or OfficeCalendar.from_yaml()
    notes: list[str] = []
    series = weekly_series(tickets, question_types, teams=teams, people=people, calendar=calendar)
    its = interrupted_time_series(series, start, seasonality=seasonality)
    tables = [its.table.assign(placebo=False)]
    placebo_start = start - pd.Timedelta(weeks=52 * placebo_years)
    before = series.loc[series["week"] < start].reset_index(drop=True)
    try:
        its_placebo = interrupted_time_series(before, placebo_start, seasonality=seasonality)
        tables.append(its_placebo.table.assign(placebo=True))
    except SelfRelianceError as exc:
        notes.append(f"ITS placebo not possible: {exc}")
    did = None
    if teams is not None and people is not None:
        panel = team_period_panel(tickets, people, question_types, calendar=calendar)
        did = difference_in_differences(panel, teams, start, n_boot=n_boot, seed=seed)
        tables.append(did.table.assign(placebo=False))
        pre = panel.loc[panel["week"] < start].reset_index(drop=True)
        try:
            did_placebo = difference_in_differences(
                pre, teams, placebo_start, n_boot=n_boot, seed=seed
            )
            tables.append(did_placebo.table.assign(placebo=True))
        except SelfRelianceError as exc:
            notes.append(f"DiD placebo not possible: {exc}")
    elif teams is not None:
        notes.append("No roster: no team exposure, so no difference-in-differences.")
    estimates = pd.concat(tables, ignore_index=True)
    estimates["start"] = np.where(estimates["placebo"], placebo_start, start)

    # Headline: the DiD when there is one (it has a concurrent control group), else the ITS
    # average effect over the post period.
    if did is not None:
        head = did.table.iloc[0]
    else:
        head = its.table.set_index(["design", "estimate"]).loc[("single", "average_effect")]
    local = _local_dates(tickets["opened_at"])
    scope = tickets["question_type"].isin(list(question_types))
    if teams is not None:
        scope &= tickets["team"].isin(list(teams))
    last_week_end = series["week"].max() + 6 * _ONE_DAY
    after = scope & (local >= start) & (local <= last_week_end)
    before_rows = tickets.loc[scope & (local < start)]
    weeks_after = float((series["week"] >= start).sum())
    hours = effect_in_hours(
        float(after.sum()), float(head["irr"]), float(head["ci_low"]), float(head["ci_high"]),
        before_rows, costs, weeks_after=weeks_after,
    )  # fmt: skip
    return {
        "estimates": estimates,
        "its": its,
        "did": did,
        "hours": hours,
        "headline": "did" if did is not None else "its",
        "weeks_after": weeks_after,
        "notes": notes,
    }


def evaluate_log(
    tickets: pd.DataFrame,
    people: pd.DataFrame | None,
    interventions: pd.DataFrame | None,
    catalogue: Mapping[str, Any],
    costs: Mapping[str, Any],
    *,
    self_types: Sequence[str],
    n_boot: int = 999,
    seed: int = 0,
    calendar: OfficeCalendar | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, dict[str, Any]]]:
    """Evaluate every intervention of the log.

    Returns
    -------
    (summary, estimates, details)
        ``summary``: one row per intervention: intervention_id, name, start, teams (text),
        question_types, types_from, action_id (the catalogue action it matches, or ""), design (did | its | none), irr, ci_low, ci_high, p_val,
        placebo_irr, placebo_ci_low, placebo_ci_high, tickets_avoided(_low/_high),
        it_hours_freed(_low/_high), staff_waiting_hours_saved(_low/_high), eur_saved(_low/_high)
        (all per year), status (reduced | no_clear_change | increased | not_evaluable), note.
        ``estimates``: every estimate of every design, with intervention_id.
        ``details``: the :func:`evaluate_intervention` output per intervention_id.
    """
    summary_rows, estimate_frames, details = [], [], {}
    if interventions is None or interventions.empty:
        return pd.DataFrame(), pd.DataFrame(), {}
    for entry in interventions.to_dict("records"):
        types, source = targeted_types(entry, catalogue, self_types)
        teams = _teams_of(entry)
        row: dict[str, Any] = {
            "intervention_id": entry.get("intervention_id"),
            "name": entry.get("name"),
            "start": pd.Timestamp(entry["start_date"]),
            "teams": "alle teams" if teams is None else " | ".join(teams),
            "question_types": ", ".join(types),
            "types_from": source,
            "action_id": (catalogue_action(entry.get("name", ""), catalogue) or {}).get("id", ""),
        }
        unknown = sorted(set(types) - set(tickets["question_type"].dropna().unique()))
        if source == "log" and unknown:
            row.update(design="none", status="not_evaluable",
                       note=f"question types not in the tickets' codebook: {', '.join(unknown)}")  # fmt: skip
            summary_rows.append(row)
            continue
        try:
            result = evaluate_intervention(
                tickets, people, start=entry["start_date"], question_types=types, teams=teams,
                costs=costs, n_boot=n_boot, seed=seed, calendar=calendar,
            )  # fmt: skip
        except (SelfRelianceError, np.linalg.LinAlgError, ValueError) as exc:
            row.update(design="none", status="not_evaluable", note=str(exc))
            summary_rows.append(row)
            continue
        details[str(row["intervention_id"])] = result
        est = result["estimates"].assign(intervention_id=row["intervention_id"])
        estimate_frames.append(est)
        design = result["headline"]
        key = ("did", "treated_after") if design == "did" else ("single", "average_effect")
        indexed = est.set_index(["design", "estimate", "placebo"])
        head = indexed.loc[(*key, False)]
        placebo = indexed.loc[(*key, True)] if (*key, True) in indexed.index else None
        row.update(
            design=design,
            irr=head["irr"],
            ci_low=head["ci_low"],
            ci_high=head["ci_high"],
            p_val=head["p_val"],
            placebo_irr=placebo["irr"] if placebo is not None else np.nan,
            placebo_ci_low=placebo["ci_low"] if placebo is not None else np.nan,
            placebo_ci_high=placebo["ci_high"] if placebo is not None else np.nan,
        )
        for rec in result["hours"].to_dict("records"):
            row[rec["quantity"]] = rec["per_year"]
            row[f"{rec['quantity']}_low"] = rec["per_year_low"]
            row[f"{rec['quantity']}_high"] = rec["per_year_high"]
        if head["ci_high"] < 1:
            status = "reduced"
        elif head["ci_low"] > 1:
            status = "increased"
        else:
            status = "no_clear_change"
        placebo_ok = placebo is None or placebo["ci_low"] <= 1 <= placebo["ci_high"]
        row["status"] = status
        row["note"] = "" if placebo_ok else "placebo_failed"
        summary_rows.append(row)
    estimates = pd.concat(estimate_frames, ignore_index=True) if estimate_frames else pd.DataFrame()
    return pd.DataFrame(summary_rows), estimates, details
