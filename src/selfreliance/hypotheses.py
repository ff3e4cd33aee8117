"""Test the client's hypotheses about self-solvable tickets with count models.

About 200 people nested in about 20 teams file ticket counts over unequal exposure
(FTE-months employed in the analysis window). The analysis therefore

* builds a person x segment panel (onboarding vs regular period) with exposure and counts
  (:func:`build_person_panel`);
* fits negative binomial (NB2) models with a log-exposure offset and reads incidence-rate
  ratios (IRR) with inference that respects team clustering with few clusters: CR1
  cluster-robust covariance and t-distribution with G - 1 degrees of freedom
  (:func:`fit_count_model`), optionally checked with a restricted wild cluster score
  bootstrap (:func:`wild_cluster_bootstrap_p`);
* controls the false discovery rate within declared families of hypotheses
  (:func:`benjamini_hochberg`);
* runs a versioned registry of hypotheses (``resources/hypotheses.yml``) and words each
  result as a cautious Dutch verdict (:func:`load_registry`, :func:`run_registry`).

All functions are pure: they never modify their inputs.
"""

from __future__ import annotations

import math
import re
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
import patsy
import statsmodels.api as sm
import yaml
from scipy import stats

from selfreliance.errors import SelfRelianceError

__all__ = [
    "DAYS_PER_MONTH",
    "build_person_panel",
    "fit_count_model",
    "wild_cluster_bootstrap_p",
    "benjamini_hochberg",
    "load_registry",
    "run_registry",
]

#: Average length of a month in days (365.25 / 12); exposure is in FTE-months.
DAYS_PER_MONTH = 30.4375
_COUNT_COLUMNS = {"self": "n_self", "partly": "n_partly", "it": "n_it"}
_PERSON_COLUMNS = [
    "person_key",
    "team",
    "department",
    "function_level",
    "age_band",
    "site",
    "is_manager",
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


def build_person_panel(
    tickets: pd.DataFrame,
    people: pd.DataFrame,
    *,
    start: Any,
    end: Any,
    onboarding_months: int = 6,
    survey_scores: pd.DataFrame | None = None,
    team_scales: Sequence[str] = ("psych_safety",),
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
    team_scales : sequence of str, default ("psych_safety",)
        Survey scales aggregated to a team mean ``team_<scale>``.
    min_team_respondents : int, default 3
        Team means based on fewer respondents are set to NaN.

    Returns
    -------
    pandas.DataFrame
        ``person_key, team, department, function_level, age_band, site, is_manager,
        segment, exposure, n_self, n_partly, n_it, n_all``, then one column per survey scale,
        ``team_<scale>`` per team scale, and ``manager_self_rate``.

        * ``segment`` is "onboarding" for days within ``onboarding_months`` after hire and
          "regular" otherwise; only days inside both the window and the employment
          (``hire_date`` to ``exit_date``, inclusive) count.
        * ``exposure`` is ``fte * days / 30.4375`` (FTE-months); rows with zero exposure are
          dropped (so persons without exposure in the window disappear).
        * ``n_self``, ``n_partly``, ``n_it`` count tickets opened in the segment by
          self-solvability; ``n_all`` counts all of them, unclassified tickets included.
        * Survey scale columns are z-scores across persons of the panel (NaN for
          non-respondents); ``team_<scale>`` is the team mean of the raw scale score among
          respondents (grouped by the survey's ``team``), then centred and standardised
          across persons.
        * ``manager_self_rate`` is the team leader's (``manager_key``) own
          ``log((n_self + 0.5) / exposure)`` over the window, standardised across persons. It
          is NaN for managers themselves (``is_manager`` or referenced as someone's
          manager), so that a leader is never their own predictor, and when the leader has no
          exposure in the window.

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
    >>> panel[["segment", "n_self"]].to_dict("records")
    [{'segment': 'regular', 'n_self': 1}]
    """
    if people["person_key"].duplicated().any():
        dupes = people.loc[people["person_key"].duplicated(), "person_key"].unique()[:5]
        raise SelfRelianceError(
            f"The HR roster has more than one row for person_key {list(dupes)}; "
            "keep one row per person (the most recent employment)."
        )
    window_start = pd.Timestamp(start).normalize()
    window_stop = pd.Timestamp(end).normalize() + _ONE_DAY
    if window_stop <= window_start:
        raise SelfRelianceError(f"The analysis window ends ({end}) before it starts ({start}).")

    hire = pd.to_datetime(people["hire_date"])
    emp_stop = (pd.to_datetime(people["exit_date"]) + _ONE_DAY).fillna(window_stop)
    onb_stop = hire + pd.DateOffset(months=onboarding_months)
    bounds = pd.DataFrame(
        {
            "person_key": people["person_key"],
            "hire": hire,
            "onb_stop": onb_stop,
            "emp_stop": emp_stop,
        }
    )

    def segment(name: str, seg_start: pd.Series, seg_stop: pd.Series) -> pd.DataFrame:
        lo = seg_start.clip(lower=window_start)
        hi = seg_stop.clip(upper=window_stop)
        days = ((hi - lo) / _ONE_DAY).clip(lower=0).fillna(0)
        frame = people[[c for c in _PERSON_COLUMNS if c in people.columns]].copy()
        frame["segment"] = name
        frame["exposure"] = people["fte"].astype("float64") * days / DAYS_PER_MONTH
        return frame

    rows = pd.concat(
        [
            segment("onboarding", hire, np.minimum(onb_stop, emp_stop)),
            segment("regular", np.maximum(onb_stop, hire), emp_stop),
        ],
        ignore_index=True,
    )
    panel = rows[rows["exposure"] > 0].reset_index(drop=True)

    # Tickets: assign each to its requester's segment by comparing with the segment bounds.
    requested = tickets[tickets["requester_key"].notna()]
    local = pd.DataFrame(
        {
            "person_key": requested["requester_key"].astype(people["person_key"].dtype),
            "at": _local_naive(requested["opened_at"]),
            "kind": requested["self_solvability"],
        }
    ).merge(bounds, on="person_key", how="inner")
    in_window = (local["at"] >= window_start) & (local["at"] < window_stop)
    employed = (local["at"] >= local["hire"]) & (local["at"] < local["emp_stop"])
    local = local[in_window & employed]
    local = local.assign(segment=np.where(local["at"] < local["onb_stop"], "onboarding", "regular"))
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

    # Survey scales: person-level z-scores and team means.
    if survey_scores is not None:
        if survey_scores["person_key"].duplicated().any():
            raise SelfRelianceError(
                "survey_scores has more than one row per person_key; keep one response "
                "per person (e.g. the latest submission)."
            )
        scale_cols = [c for c in survey_scores.columns if c not in _SURVEY_ID_COLUMNS]
        panel = panel.merge(survey_scores[["person_key", *scale_cols]], on="person_key", how="left")
        for col in scale_cols:
            panel[col] = _zscore_over_persons(panel[col], panel["person_key"])
        for col in team_scales:
            if col not in scale_cols:
                continue
            grouped = survey_scores.dropna(subset=[col]).groupby("team")[col]
            means = grouped.mean().where(grouped.size() >= min_team_respondents)
            team_mean = panel["team"].map(means).astype("float64")
            panel[f"team_{col}"] = _zscore_over_persons(team_mean, panel["person_key"])

    # Manager as role model: the leader's own rate, never for leaders themselves.
    totals = panel.groupby("person_key")[["n_self", "exposure"]].sum()
    own_log_rate = np.log((totals["n_self"] + 0.5) / totals["exposure"])
    manager_of = people.set_index("person_key")["manager_key"]
    leaders = set(people["manager_key"].dropna()) | set(
        people.loc[people["is_manager"].fillna(False).astype(bool), "person_key"]
    )
    rate = panel["person_key"].map(manager_of).map(own_log_rate).astype("float64")
    rate = rate.where(~panel["person_key"].isin(leaders))
    panel["manager_self_rate"] = _zscore_over_persons(rate, panel["person_key"])
    return panel


# --------------------------------------------------------------------------------------
# Count models
# --------------------------------------------------------------------------------------


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


def _design(
    data: pd.DataFrame, outcome: str, terms: str, exposure: str, cluster: str | None
) -> tuple[pd.DataFrame, pd.DataFrame, np.ndarray, np.ndarray | None]:
    for col in [exposure] + ([cluster] if cluster else []):
        if col not in data.columns:
            raise SelfRelianceError(f"Column '{col}' is not in the data.")
    usable = data[data[exposure].notna() & (data[exposure] > 0)]
    if cluster:
        usable = usable[usable[cluster].notna()]
    try:
        y, x = patsy.dmatrices(
            f"{outcome} ~ {terms}", usable, return_type="dataframe", NA_action="drop"
        )
    except patsy.PatsyError as exc:
        raise SelfRelianceError(f"Cannot build the model '{outcome} ~ {terms}': {exc}") from exc
    rows = usable.loc[y.index]
    groups = pd.factorize(rows[cluster])[0] if cluster else None
    return y, x, rows[exposure].to_numpy(dtype=float), groups


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
    y, x, expo, groups = _design(
        data, outcome, terms, exposure, cluster if cov == "cluster" else None
    )
    n_obs, k = x.shape
    if n_obs <= k + (model == "negbin"):
        raise SelfRelianceError(
            f"Only {n_obs} complete rows for '{outcome} ~ {terms}'; too few to fit."
        )
    if np.linalg.matrix_rank(x.to_numpy()) < k:
        raise SelfRelianceError(
            f"The design of '{outcome} ~ {terms}' is rank deficient (a term is constant or "
            "collinear in the complete rows)."
        )
    n_clusters = int(groups.max() + 1) if groups is not None else 0
    if cov == "cluster" and n_clusters < 2:
        raise SelfRelianceError("Cluster-robust inference needs at least two clusters.")
    fit_kwds: dict[str, Any] = (
        {"cov_type": "cluster", "cov_kwds": {"groups": groups, "use_correction": True}}
        if cov == "cluster"
        else {}
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # convergence is checked and reported below
        if model == "negbin":
            nb = sm.NegativeBinomial(y, x, exposure=expo, loglike_method="nb2")
            res = nb.fit(method="bfgs", maxiter=2000, gtol=1e-10, disp=0, **fit_kwds)
            converged = bool(res.mle_retvals.get("converged", False))
            if not converged:  # polish with Newton from the BFGS end point
                res = nb.fit(
                    start_params=res.params, method="newton", maxiter=200, disp=0, **fit_kwds
                )
                converged = bool(res.mle_retvals.get("converged", False))
        else:
            glm = sm.GLM(y, x, family=sm.families.Poisson(), exposure=expo)
            res = glm.fit(**fit_kwds)
            converged = bool(getattr(res, "converged", True))
    params = np.asarray(res.params, dtype=float)[:k]
    dispersion = float(np.asarray(res.params)[k]) if model == "negbin" else math.nan
    covariance = np.asarray(res.cov_params(), dtype=float)[:k, :k]
    df = float(n_clusters - 1) if cov == "cluster" else math.inf
    return _Fit(
        names=list(x.columns),
        params=params,
        cov=covariance,
        df=df,
        n_obs=int(n_obs),
        n_clusters=n_clusters,
        model=model,
        se_type="cluster-CR1" if cov == "cluster" else "model-based",
        design_info=x.design_info,
        converged=converged,
        dispersion=dispersion,
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
        likelihood (statsmodels ``NegativeBinomial``). "poisson": Poisson GLM.
    cov : {"cluster", "naive"}, optional
        Covariance. Default "cluster" for negbin and "naive" for poisson (the textbook
        Poisson GLM, for comparison). "cluster" is the CR1 sandwich
        ``G/(G-1) (N-1)/(N-K) H^-1 (sum_g s_g s_g') H^-1`` (K counts alpha for negbin)
        with p-values and CIs from a t-distribution with G - 1 degrees of freedom
        (Cameron & Miller 2015, section VI); "naive" uses the inverse Hessian and the normal
        distribution.
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


def wild_cluster_bootstrap_p(
    data: pd.DataFrame,
    outcome: str,
    term: str,
    terms: str,
    *,
    exposure: str = "exposure",
    cluster: str = "team",
    weights: Literal["rademacher", "webb"] = "rademacher",
    n_boot: int = 999,
    seed: int = 0,
) -> float:
    """Restricted wild cluster score bootstrap p-value for one coefficient.

    Implements the score bootstrap of Kline & Santos (2012) for the Poisson
    quasi-maximum-likelihood estimator (which estimates the same log rate ratios as the
    NB2 model when the mean model holds, whatever the dispersion): the model is fitted
    under H0 (``term`` = 0), the per-cluster efficient scores ``S_g`` of ``term`` (the
    score with the nuisance directions projected out via the information matrix) are
    perturbed with cluster weights ``w_g``, and the p-value is the share of draws with
    ``|t*| >= |t|`` where ``t = sum S_g / sqrt(sum S_g^2)`` and
    ``t* = sum w_g S_g / sqrt(sum w_g^2 S_g^2)``. Imposing H0 keeps the test close to its
    nominal size with few clusters (Cameron, Gelbach & Miller 2008).

    Parameters
    ----------
    data, outcome, terms, exposure, cluster
        As in :func:`fit_count_model`.
    term : str
        Column name of the coefficient to test, as patsy names it.
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
        Two-sided bootstrap p-value.
    """
    y, x, expo, groups = _design(data, outcome, terms, exposure, cluster)
    if term not in x.columns:
        raise SelfRelianceError(
            f"Term {term!r} is not a column of the model; got {list(x.columns)}."
        )
    assert groups is not None
    n_clusters = int(groups.max() + 1)
    if n_clusters < 2:
        raise SelfRelianceError("The wild cluster bootstrap needs at least two clusters.")
    xm = x.to_numpy(dtype=float)
    j = list(x.columns).index(term)
    nuisance = [c for c in range(xm.shape[1]) if c != j]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        restricted = sm.GLM(y, xm[:, nuisance], family=sm.families.Poisson(), exposure=expo).fit()
    mu = np.asarray(restricted.fittedvalues, dtype=float)
    resid = y.to_numpy(dtype=float).ravel() - mu
    info = xm.T @ (xm * mu[:, None])
    projection = np.linalg.solve(info[np.ix_(nuisance, nuisance)], info[nuisance, j])
    efficient = (xm[:, j] - xm[:, nuisance] @ projection) * resid
    s_g = np.bincount(groups, weights=efficient, minlength=n_clusters)
    observed = s_g.sum() / np.sqrt(np.sum(s_g**2))

    rng = np.random.default_rng(seed)
    if weights == "rademacher":
        w = rng.choice([-1.0, 1.0], size=(n_boot, n_clusters))
    elif weights == "webb":
        webb = np.sqrt(np.array([0.5, 1.0, 1.5]))
        w = rng.choice(np.concatenate([-webb, webb]), size=(n_boot, n_clusters))
    else:
        raise SelfRelianceError(f"weights must be 'rademacher' or 'webb', got {weights!r}.")
    boot = (w @ s_g) / np.sqrt((w**2) @ (s_g**2))
    return float(np.mean(np.abs(boot) >= np.abs(observed) - 1e-12))


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
_OUTCOME_NL = {
    "n_self": "zelf-oplosbare tickets",
    "n_partly": "deels zelf-oplosbare tickets",
    "n_it": "tickets die IT nodig hebben",
    "n_all": "tickets",
}


def load_registry(path: str | Path | None = None) -> list[dict[str, Any]]:
    """Read and validate the hypothesis registry.

    Parameters
    ----------
    path : str or Path, optional
        YAML file with a top-level ``hypotheses`` list; default the packaged
        ``resources/hypotheses.yml``. An organisation can ship its own file.

    Returns
    -------
    list of dict
        One dict per hypothesis with at least the keys ``id, family, statement_nl,
        statement_en, construct, outcome, terms, term, unit, expected_direction,
        smallest_effect_irr, requires``; ``model`` (default "negbin") and ``cluster``
        (default "team") are filled in.

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
        registry.append({"model": "negbin", "cluster": "team", **entry})
    return registry


def _nl(x: float, decimals: int = 2) -> str:
    return f"{x:.{decimals}f}".replace(".", ",")


def _nl_q(q: float) -> str:
    return "q < 0,001" if q < 0.001 else f"q = {_nl(q, 3)}"


def _missing_columns(panel: pd.DataFrame, required: Sequence[str]) -> list[str]:
    return [c for c in required if c not in panel.columns or panel[c].isna().all()]


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


def _test_term(fit: _Fit, term: str) -> dict[str, Any]:
    """Single coefficient, or joint Wald test of a multi-column term (reports largest contrast)."""
    if term in fit.names:
        idx = [fit.names.index(term)]
    elif term in fit.design_info.term_name_slices:
        sl = fit.design_info.term_name_slices[term]
        idx = list(range(sl.start, sl.stop))
    else:
        raise SelfRelianceError(
            f"Term {term!r} is neither a coefficient nor a model term; coefficients are "
            f"{fit.names}. Fix 'term' in the hypothesis registry."
        )
    se = np.sqrt(np.diag(fit.cov))
    chosen = max(idx, key=lambda i: abs(fit.params[i]))
    if len(idx) == 1:
        p_val = float(_two_sided_p(np.array([fit.params[chosen] / se[chosen]]), fit.df)[0])
        test = "t" if not math.isinf(fit.df) else "z"
    else:
        b = fit.params[idx]
        wald = float(b @ np.linalg.pinv(fit.cov[np.ix_(idx, idx)]) @ b)
        q = len(idx)
        if math.isinf(fit.df):
            p_val = float(stats.chi2.sf(wald, q))
            test = f"joint Wald chi2({q})"
        elif fit.df + 1 - q >= 1:
            # Cluster-robust Wald statistics with several restrictions over-reject with few
            # clusters; treat W as Hotelling's T^2 with G - 1 df (Pan & Wall 2002; Cameron &
            # Miller 2015, section VI.D): (G - q) / (q (G - 1)) W ~ F(q, G - q).
            n_clusters = fit.df + 1
            scaled = wald * (n_clusters - q) / (q * fit.df)
            p_val = float(stats.f.sf(scaled, q, n_clusters - q))
            test = f"joint Wald F({q}, {n_clusters - q:g}) Hotelling"
        else:
            p_val, test = math.nan, f"joint Wald: {q} restrictions need more than {q} clusters"
    reference = ""
    if len(idx) > 1 or term not in fit.names:
        reference = _reference_level(fit.design_info, term)
    return {
        "reference": reference,
        "contrast": fit.names[chosen],
        "coef": float(fit.params[chosen]),
        "se": float(se[chosen]),
        "p_val": p_val,
        "test": test,
    }


def _verdict_nl(row: Mapping[str, Any], outcome: str) -> str:
    status = row["status"]
    if status == "not_testable":
        return f"Niet toetsbaar: {row['reason_nl']}."
    effect = _OUTCOME_NL.get(outcome, outcome)
    ci = f"95%-BI {_nl(row['ci_low'])} tot {_nl(row['ci_high'])}"
    detail = f"{_nl(row['irr'])} keer zoveel {effect} per FTE-maand ({ci}; {_nl_q(row['q_val'])})"
    unit = row["unit"]
    if row["test"].startswith("joint"):
        level = re.search(r"\[T\.(.+)\]$", row["contrast"])
        group = level.group(1) if level else row["contrast"]
        reference = f"groep {row['reference']}" if row["reference"] else "de referentiegroep"
        unit = f"{unit} (gezamenlijke toets over alle groepen); grootste verschil: groep {group} t.o.v. {reference}"
        detail = f"{_nl(row['irr'])} keer zoveel {effect} per FTE-maand ({ci}; {_nl_q(row['q_val'])} voor de gezamenlijke toets)"
    if status == "supported":
        return f"Ondersteund: {unit}: {detail}."
    if status == "contrary":
        return f"Tegengesteld aan de verwachting: {unit}: {detail}."
    text = f"Niet ondersteund: {unit}: {detail}; het verschil is niet duidelijk genoeg."
    relevant = row["smallest_effect_irr"]
    bound = max(relevant, 1 / relevant) if relevant > 0 else math.nan
    mde = row.get("mde_irr")
    if 1 / bound < row["ci_low"] and row["ci_high"] < bound:
        text += (
            f" Het betrouwbaarheidsinterval ligt binnen {_nl(1 / bound)} tot {_nl(bound)}: een "
            "eventueel effect is kleiner dan wat vooraf als praktisch relevant gold."
        )
    elif mde is not None and np.isfinite(mde):
        text += (
            f" Met deze gegevens valt pas een effect vanaf ongeveer {_nl(mde)} keer "
            "betrouwbaar op (80% power); kleinere effecten zijn niet uitgesloten."
        )
    return text


def run_registry(
    panel: pd.DataFrame,
    registry: Sequence[Mapping[str, Any]],
    *,
    alpha: float = 0.05,
    power: float = 0.80,
    n_boot: int = 999,
    seed: int = 0,
) -> pd.DataFrame:
    """Fit every hypothesis of the registry and report FDR-controlled verdicts.

    Parameters
    ----------
    panel : pandas.DataFrame
        Output of :func:`build_person_panel`.
    registry : sequence of mapping
        Output of :func:`load_registry`.
    alpha : float, default 0.05
        False discovery rate, controlled with Benjamini-Hochberg within each ``family``.
    power : float, default 0.80
        Power used for the minimum detectable effect ``mde_irr``.
    n_boot, seed : int
        Draws and seed of the wild cluster bootstrap for hypotheses whose registry entry
        sets ``p_method: wild``.

    Returns
    -------
    pandas.DataFrame
        One row per hypothesis: ``hypothesis_id, family, statement_nl, statement_en,
        construct, term, expected_direction, smallest_effect_irr, irr, ci_low, ci_high,
        p_val, q_val, n_obs, n_clusters, status, reason, verdict_nl, contrast, reference,
        test, mde_irr, model, se_type``.

        * ``status``: ``supported`` (q < alpha, direction as expected; for
          ``expected_direction: any`` any difference), ``contrary`` (q < alpha, opposite
          direction), ``not_supported`` (q >= alpha), ``not_testable`` (a required column
          is missing or all NaN, or the model cannot be fitted; ``reason`` says why).
        * For a multi-column term (a factor with more than two levels) ``p_val`` is the
          joint cluster-robust Wald test (F with G - 1 denominator df) and ``irr``/CI
          describe the largest contrast (``contrast``) with the ``reference`` level; that
          contrast is descriptive (chosen after seeing the data, its CI is not adjusted).
        * When a null result's CI lies within ``[1/s, s]`` for ``s = smallest_effect_irr``
          the verdict says the effect is smaller than what was declared relevant.
        * ``p_val`` comes from the CR1 t(G - 1) test, or, for entries with
          ``p_method: wild``, from :func:`wild_cluster_bootstrap_p` (the IRR and CI stay
          the NB2 CR1 ones); ``test`` names the test used.
        * ``mde_irr`` is the IRR the test would detect with the given power at this
          standard error: ``exp(+-(t_{1-alpha/2} + t_power) se)`` in the expected direction
          (Bloom 1995); it is reported next to null results.
        * ``verdict_nl`` is a cautious Dutch sentence with decimal commas; it never claims
          proof ("bewezen").
    """
    rows: list[dict[str, Any]] = []
    for hyp in registry:
        row: dict[str, Any] = {
            "hypothesis_id": hyp["id"],
            "family": hyp["family"],
            "statement_nl": hyp["statement_nl"],
            "statement_en": hyp["statement_en"],
            "construct": hyp["construct"],
            "term": hyp["term"],
            "expected_direction": hyp["expected_direction"],
            "smallest_effect_irr": float(hyp["smallest_effect_irr"]),
            "irr": np.nan,
            "ci_low": np.nan,
            "ci_high": np.nan,
            "p_val": np.nan,
            "n_obs": 0,
            "n_clusters": 0,
            "status": "not_testable",
            "reason": "",
            "reason_nl": "",
            "contrast": "",
            "reference": "",
            "test": "",
            "mde_irr": np.nan,
            "model": hyp.get("model", "negbin"),
            "se_type": "",
            "unit": hyp["unit"],
            "outcome": hyp["outcome"],
        }
        missing = _missing_columns(panel, [hyp["outcome"], *hyp["requires"]])
        if missing:
            row["reason"] = f"missing or empty column(s): {', '.join(missing)}"
            row["reason_nl"] = f"de nodige gegevens ontbreken ({', '.join(missing)})"
            rows.append(row)
            continue
        try:
            fit = _fit(
                panel,
                hyp["outcome"],
                hyp["terms"],
                exposure="exposure",
                cluster=hyp.get("cluster", "team"),
                model=hyp.get("model", "negbin"),
                cov=hyp.get("cov"),
            )
        except (SelfRelianceError, np.linalg.LinAlgError, ValueError) as exc:
            row["reason"] = f"model could not be fitted: {exc}"
            row["reason_nl"] = "het model kon niet geschat worden met deze gegevens"
            rows.append(row)
            continue
        result = _test_term(fit, hyp["term"])
        if hyp.get("p_method", "cluster") == "wild":
            if result["test"].startswith("joint"):
                raise SelfRelianceError(
                    f"Hypothesis {hyp['id']}: p_method 'wild' supports single coefficients only."
                )
            result["p_val"] = wild_cluster_bootstrap_p(
                panel,
                hyp["outcome"],
                hyp["term"],
                hyp["terms"],
                cluster=hyp.get("cluster", "team"),
                n_boot=n_boot,
                seed=seed,
            )
            result["test"] = f"wild cluster score bootstrap (Rademacher, B = {n_boot})"
        crit = _critical(fit.df, 1 - alpha / 2)
        sign = -1.0 if hyp["expected_direction"] == "-" else 1.0
        row.update(
            irr=math.exp(result["coef"]),
            ci_low=math.exp(result["coef"] - crit * result["se"]),
            ci_high=math.exp(result["coef"] + crit * result["se"]),
            p_val=result["p_val"],
            n_obs=fit.n_obs,
            n_clusters=fit.n_clusters,
            contrast=result["contrast"],
            reference=result["reference"],
            test=result["test"],
            mde_irr=math.exp(sign * (crit + _critical(fit.df, power)) * result["se"]),
            se_type=fit.se_type,
            status="",
        )
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
    table["verdict_nl"] = [_verdict_nl(r, r["outcome"]) for r in table.to_dict("records")]
    columns = [
        "hypothesis_id", "family", "statement_nl", "statement_en", "construct", "term",
        "expected_direction", "smallest_effect_irr", "irr", "ci_low", "ci_high", "p_val",
        "q_val", "n_obs", "n_clusters", "status", "reason", "verdict_nl", "contrast",
        "reference", "test", "mde_irr", "model", "se_type",
    ]  # fmt: skip
    return table[columns]


# --------------------------------------------------------------------------------------
# The analyse step in one call
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Analysis:
    """Result of :func:`analyse_window`: the panel, the hypothesis table and what was missing."""

    panel: pd.DataFrame | None
    results: pd.DataFrame | None
    missing: tuple[str, ...]


def analyse_window(
    tickets: pd.DataFrame,
    people: pd.DataFrame | None,
    *,
    start: Any,
    end: Any,
    survey: pd.DataFrame | None = None,
    instrument: Mapping[str, Any] | None = None,
    registry: Sequence[Mapping[str, Any]] | None = None,
) -> Analysis:
    """Score the survey (if any), build the person panel and run the hypothesis registry.

    Without a roster nothing can be tested per person: ``results`` is ``None`` and
    ``missing`` names the roster. Without a survey the survey hypotheses come back as
    ``not_testable`` with their reason, and ``missing`` names the survey.
    """
    from selfreliance.survey import score_survey

    missing = []
    scores = None
    if survey is not None and instrument is not None:
        scores = score_survey(survey, instrument)
    else:
        missing.append("survey")
    if people is None:
        return Analysis(None, None, ("roster", *missing))
    panel = build_person_panel(tickets, people, start=start, end=end, survey_scores=scores)
    results = run_registry(panel, registry if registry is not None else load_registry())
    return Analysis(panel, results, tuple(missing))
