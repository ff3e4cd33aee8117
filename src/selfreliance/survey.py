"""Survey scoring, scale reliability and within-team agreement.

The survey (run by P&O) measures person-level constructs (computer self-efficacy,
motivation) and team-level constructs (psychological safety, the manager as role model).
The instrument is a dict read from YAML::

    scales:
      psych_safety: {construct: opportunity, level: team, items: [ps1, ..., ps7],
                     range: [1, 7], reverse: [ps1, ps3, ps5]}
    items: {ps1: {nl: ..., en: ...}, ...}

Functions here are pure: they never modify their inputs and return tidy DataFrames.

* :func:`reverse_code` validates item ranges and reverse-codes items (``lo + hi - x``).
* :func:`score_survey` turns item responses into one score per scale and respondent.
* :func:`scale_reliability` reports Cronbach's alpha and McDonald's omega per scale.
* :func:`team_agreement` checks whether a team construct may be aggregated to team means
  (ICC(1), ICC(2), r_wg(J)); :func:`aggregation_checks` runs it for every team-level scale
  of the instrument, with a Dutch verdict for the report.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from selfreliance.errors import SelfRelianceError

__all__ = [
    "ICC1_MIN",
    "RWG_MIN",
    "reverse_code",
    "score_survey",
    "scale_reliability",
    "team_agreement",
    "aggregation_checks",
]

#: ICC(1) above which team membership explains a non-trivial share of the variance.
#: Bliese (2000) reports typical organisational values of .05-.20; LeBreton & Senter (2008)
#: treat .05 as a small but relevant group effect.
ICC1_MIN = 0.05
#: Conventional cut-off for "strong enough" within-team agreement on r_wg(J)
#: (James, Demaree & Wolf 1984; LeBreton & Senter 2008, table 3).
RWG_MIN = 0.70
#: ICC(2) below this value means team means are unreliable (Klein et al. 2000); reported in
#: the verdict text, not used as a gate, because ICC(2) depends mostly on team size.
ICC2_MIN = 0.70


def _scales(instrument: Mapping[str, Any]) -> Mapping[str, Mapping[str, Any]]:
    try:
        scales = instrument["scales"]
    except (KeyError, TypeError) as exc:
        raise SelfRelianceError(
            "The survey instrument has no 'scales' section; see the instrument YAML format "
            "in selfreliance.survey."
        ) from exc
    for name, spec in scales.items():
        for key in ("items", "range"):
            if key not in spec:
                raise SelfRelianceError(
                    f"Scale '{name}' in the survey instrument has no '{key}' entry."
                )
    return scales


def reverse_code(responses: pd.DataFrame, instrument: Mapping[str, Any]) -> pd.DataFrame:
    """Validate item ranges and reverse-code the items listed under ``reverse``.

    Parameters
    ----------
    responses : pandas.DataFrame
        One row per respondent, one numeric column per item; NaN means not answered.
    instrument : mapping
        Survey instrument with a ``scales`` section (items, range, reverse).

    Returns
    -------
    pandas.DataFrame
        A copy of ``responses`` whose item columns are floats, reverse-coded items replaced
        by ``lo + hi - x``.

    Raises
    ------
    SelfRelianceError
        If an item column is missing, is not numeric, or holds values outside the scale range
        (the message names the item and the offending values).

    Examples
    --------
    >>> inst = {"scales": {"s": {"items": ["a", "b"], "range": [1, 5], "reverse": ["b"]}}}
    >>> reverse_code(pd.DataFrame({"a": [1, 2], "b": [1, 5]}), inst)["b"].tolist()
    [5.0, 1.0]
    """
    out = responses.copy()
    scales = _scales(instrument)
    missing = sorted(
        {item for spec in scales.values() for item in spec["items"]} - set(out.columns)
    )
    if missing:
        raise SelfRelianceError(
            f"Survey responses lack the item column(s) {missing}; check the export against "
            "the instrument."
        )
    for name, spec in scales.items():
        lo, hi = (float(v) for v in spec["range"])
        for item in spec["items"]:
            try:
                values = pd.to_numeric(out[item], errors="raise").astype("float64")
            except (ValueError, TypeError) as exc:
                raise SelfRelianceError(
                    f"Survey item '{item}' (scale '{name}') holds non-numeric values; "
                    "recode answers to numbers first."
                ) from exc
            bad = values[(values < lo) | (values > hi)]
            if len(bad):
                shown = sorted(set(bad.tolist()))[:10]
                raise SelfRelianceError(
                    f"Survey item '{item}' (scale '{name}') has values outside the range "
                    f"[{lo:g}, {hi:g}]: {shown} in {len(bad)} row(s), e.g. row index "
                    f"{bad.index[0]!r}. Correct the export or the instrument range."
                )
            if item in (spec.get("reverse") or []):
                values = lo + hi - values
            out[item] = values
    return out


def score_survey(
    responses: pd.DataFrame,
    instrument: Mapping[str, Any],
    *,
    min_share: float = 0.5,
) -> pd.DataFrame:
    """Score each scale as the mean of the answered (reverse-coded) items.

    Parameters
    ----------
    responses : pandas.DataFrame
        Columns ``person_key``, ``team`` and one numeric column per item (NaN = missing).
    instrument : mapping
        Survey instrument (see module docstring).
    min_share : float, default 0.5
        A scale score is computed only when at least this share of the scale's items was
        answered; otherwise it is NaN (prorated mean, a common rule for Likert scales).

    Returns
    -------
    pandas.DataFrame
        ``person_key``, ``team`` and one float column per scale, same row order as the input.

    Raises
    ------
    SelfRelianceError
        On missing item columns or out-of-range values (see :func:`reverse_code`).

    Examples
    --------
    >>> inst = {"scales": {"s": {"items": ["a", "b"], "range": [1, 5], "reverse": ["b"]}}}
    >>> r = pd.DataFrame({"person_key": ["p1", "p2"], "team": ["t", "t"],
    ...                   "a": [4, None], "b": [2, None]})
    >>> score_survey(r, inst)["s"].tolist()
    [4.0, nan]
    """
    if not 0 < min_share <= 1:
        raise SelfRelianceError(f"min_share must lie in (0, 1], got {min_share}.")
    coded = reverse_code(responses, instrument)
    out = responses[["person_key", "team"]].copy()
    for name, spec in _scales(instrument).items():
        block = coded[list(spec["items"])]
        answered = block.notna().sum(axis=1)
        enough = answered >= min_share * len(spec["items"]) - 1e-12
        out[name] = block.mean(axis=1).where(enough)
    return out


def _cronbach_alpha(x: np.ndarray) -> float:
    k = x.shape[1]
    if k < 2 or x.shape[0] < 2:
        return float("nan")
    item_var = x.var(axis=0, ddof=1).sum()
    total_var = x.sum(axis=1).var(ddof=1)
    if total_var == 0:
        return float("nan")
    return float(k / (k - 1) * (1 - item_var / total_var))


def _omega_total(x: np.ndarray) -> float:
    """McDonald's omega total from a one-factor maximum-likelihood factor analysis.

    Items are standardised, a single factor is fitted with
    :class:`sklearn.decomposition.FactorAnalysis`, and
    ``omega = (sum lambda)^2 / ((sum lambda)^2 + sum psi)`` with loadings ``lambda`` and
    unique variances ``psi`` (McDonald 1999, eq. 6.20b). Needs at least three items (a one
    factor model with two items is not identified) and more respondents than items.
    """
    from sklearn.decomposition import FactorAnalysis

    n, k = x.shape
    if k < 3 or n <= k:
        return float("nan")
    sd = x.std(axis=0, ddof=0)
    if np.any(sd == 0):
        return float("nan")
    z = (x - x.mean(axis=0)) / sd
    fa = FactorAnalysis(n_components=1, random_state=0).fit(z)
    loadings = fa.components_[0]
    common = loadings.sum() ** 2
    return float(common / (common + fa.noise_variance_.sum()))


def scale_reliability(responses: pd.DataFrame, instrument: Mapping[str, Any]) -> pd.DataFrame:
    """Internal consistency per scale: Cronbach's alpha and McDonald's omega total.

    Both are computed on the reverse-coded items of respondents who answered every item of
    the scale (listwise deletion).

    Parameters
    ----------
    responses : pandas.DataFrame
        Item responses (see :func:`score_survey`).
    instrument : mapping
        Survey instrument.

    Returns
    -------
    pandas.DataFrame
        ``scale, n, n_items, alpha, omega``. ``alpha`` is
        ``k/(k-1) * (1 - sum var_i / var_total)`` (Cronbach 1951). ``omega`` is omega total
        from a one-factor ML factor analysis of the standardised items (scikit-learn
        ``FactorAnalysis``); NaN for scales with fewer than three items.

    Examples
    --------
    >>> inst = {"scales": {"s": {"items": ["a", "b"], "range": [1, 5], "reverse": []}}}
    >>> r = pd.DataFrame({"a": [1, 2, 3, 4], "b": [1, 3, 3, 5]})
    >>> round(float(scale_reliability(r, inst)["alpha"].iloc[0]), 3)
    0.96
    """
    coded = reverse_code(responses, instrument)
    rows = []
    for name, spec in _scales(instrument).items():
        block = coded[list(spec["items"])].dropna().to_numpy(dtype=float)
        rows.append(
            {
                "scale": name,
                "n": int(block.shape[0]),
                "n_items": len(spec["items"]),
                "alpha": _cronbach_alpha(block),
                "omega": _omega_total(block),
            }
        )
    return pd.DataFrame(rows, columns=["scale", "n", "n_items", "alpha", "omega"])


def _rwg_j(block: np.ndarray, sigma2_eu: float) -> float:
    """r_wg(J) of one team (James, Demaree & Wolf 1984, eq. 1).

    ``r = J (1 - s2/sigma2) / (J (1 - s2/sigma2) + s2/sigma2)`` with ``s2`` the mean of the
    item variances within the team. When the observed variance exceeds the null variance the
    index is set to 0, as LeBreton & Senter (2008) recommend.
    """
    n, j = block.shape
    if n < 2:
        return float("nan")
    s2 = float(np.mean(block.var(axis=0, ddof=1)))
    ratio = s2 / sigma2_eu
    if ratio >= 1:
        return 0.0
    return float(j * (1 - ratio) / (j * (1 - ratio) + ratio))


def team_agreement(
    scores: pd.DataFrame,
    scale: str | Sequence[str],
    *,
    team: str = "team",
    n_options: int | None = None,
) -> pd.DataFrame:
    """Check whether a survey construct may be aggregated to team level.

    Parameters
    ----------
    scores : pandas.DataFrame
        One row per respondent with a ``team`` column and either the scale score or the
        (reverse-coded, see :func:`reverse_code`) item columns.
    scale : str or sequence of str
        A scale-score column (r_wg is then the single-item index, J = 1) or a list of item
        columns (r_wg(J) with J items; ICCs are computed on the respondent's item mean).
        Respondents with any missing value in these columns are left out.
    team : str, default "team"
        Column identifying the team.
    n_options : int
        Number of response options A of the items (e.g. 7 for psychological safety); the
        null (uniform) variance is ``(A^2 - 1) / 12``.

    Returns
    -------
    pandas.DataFrame
        One row: ``scale, n, n_teams, icc1, icc2, f_p, rwg_mean, rwg_min, n_teams_rwg,
        aggregate, verdict``.

        * ``icc1 = (MSB - MSW) / (MSB + (k - 1) MSW)`` and ``icc2 = (MSB - MSW) / MSB`` from a
          one-way ANOVA with teams as groups and ``k`` the mean team size, as in Bliese's
          (2000) ``multilevel::ICC1``; ``f_p`` is the ANOVA F-test p-value.
        * ``rwg_mean`` is the mean over teams with at least two respondents of r_wg(J)
          (James, Demaree & Wolf 1984) against the uniform null distribution; negative or
          out-of-bounds values are set to 0 (LeBreton & Senter 2008).
        * ``aggregate`` is True when ``icc1 > ICC1_MIN`` (0.05) and ``rwg_mean >= RWG_MIN``
          (0.70); ``verdict`` explains the decision and flags ICC(2) < 0.70 (unreliable team
          means, Klein et al. 2000).

    Examples
    --------
    >>> d = pd.DataFrame({"team": list("aabb"), "ps": [6.0, 6.5, 2.0, 2.5]})
    >>> round(float(team_agreement(d, "ps", n_options=7)["icc1"].iloc[0]), 3)
    0.984
    """
    if n_options is None or n_options < 2:
        raise SelfRelianceError(
            "team_agreement needs n_options, the number of answer options of the items "
            "(e.g. 7 for a 1-7 scale), to compute the r_wg null variance."
        )
    columns = [scale] if isinstance(scale, str) else list(scale)
    label = scale if isinstance(scale, str) else "+".join(columns)
    data = scores[[team, *columns]].dropna()
    values = data[columns].to_numpy(dtype=float)
    person_mean = values.mean(axis=1)
    groups = data[team].to_numpy()

    codes, uniques = pd.factorize(groups)
    n, n_teams = len(person_mean), len(uniques)
    nan = float("nan")
    icc1 = icc2 = f_p = nan
    if n_teams >= 2 and n > n_teams:
        sizes = np.bincount(codes)
        group_means = np.bincount(codes, weights=person_mean) / sizes
        grand = person_mean.mean()
        ssb = float(np.sum(sizes * (group_means - grand) ** 2))
        ssw = float(np.sum((person_mean - group_means[codes]) ** 2))
        msb, msw = ssb / (n_teams - 1), ssw / (n - n_teams)
        k = n / n_teams
        icc1 = (msb - msw) / (msb + (k - 1) * msw)
        icc2 = (msb - msw) / msb if msb > 0 else nan
        f_p = float(stats.f.sf(msb / msw, n_teams - 1, n - n_teams)) if msw > 0 else nan

    sigma2_eu = (n_options**2 - 1) / 12
    rwg = np.array([_rwg_j(values[codes == g], sigma2_eu) for g in range(n_teams)], dtype=float)
    rwg = rwg[~np.isnan(rwg)]
    rwg_mean = float(rwg.mean()) if len(rwg) else nan
    rwg_min = float(rwg.min()) if len(rwg) else nan

    aggregate = bool(icc1 > ICC1_MIN and rwg_mean >= RWG_MIN)
    if np.isnan(icc1) or np.isnan(rwg_mean):
        verdict = "not enough teams or respondents to judge aggregation"
    elif aggregate:
        verdict = f"aggregation justified: ICC(1) > {ICC1_MIN} and mean r_wg >= {RWG_MIN}"
    else:
        reasons = []
        if not icc1 > ICC1_MIN:
            reasons.append(f"ICC(1) = {icc1:.2f} <= {ICC1_MIN}")
        if not rwg_mean >= RWG_MIN:
            reasons.append(f"mean r_wg = {rwg_mean:.2f} < {RWG_MIN}")
        verdict = "aggregation not justified: " + "; ".join(reasons)
    if not np.isnan(icc2) and icc2 < ICC2_MIN:
        verdict += f" (ICC(2) = {icc2:.2f} < {ICC2_MIN}: team means are unreliable)"

    return pd.DataFrame(
        [
            {
                "scale": label,
                "n": int(n),
                "n_teams": int(n_teams),
                "icc1": icc1,
                "icc2": icc2,
                "f_p": f_p,
                "rwg_mean": rwg_mean,
                "rwg_min": rwg_min,
                "n_teams_rwg": int(len(rwg)),
                "aggregate": aggregate,
                "verdict": verdict,
            }
        ]
    )


_AGGREGATION_TEXT = {
    "nl": {
        "too_few": "te weinig teams of respondenten om de samenvoeging te beoordelen",
        "figures": "ICC(1) = {icc1}, ICC(2) = {icc2}, gemiddelde r_wg = {rwg}",
        "yes": "samenvoegen tot een teamgemiddelde is verantwoord ({figures}: de teams "
        "verschillen en binnen een team zijn de antwoorden eensgezind genoeg)",
        "no": "niet verantwoord ({figures}): {reasons}",
        "and": " en ",
        "no_icc": "de teams verschillen nauwelijks van elkaar",
        "no_rwg": "binnen de teams lopen de antwoorden te ver uiteen",
        "low_icc2": "; de teamgemiddelden zijn wel onnauwkeurig (ICC(2) < 0,70, kleine teams)",
    },
    "en": {
        "too_few": "too few teams or respondents to judge the aggregation",
        "figures": "ICC(1) = {icc1}, ICC(2) = {icc2}, mean r_wg = {rwg}",
        "yes": "aggregating to a team mean is justified ({figures}: teams differ and answers "
        "within a team agree enough)",
        "no": "not justified ({figures}): {reasons}",
        "and": " and ",
        "no_icc": "teams hardly differ from each other",
        "no_rwg": "answers within teams diverge too much",
        "low_icc2": "; the team means are imprecise though (ICC(2) < 0.70, small teams)",
    },
}


def _aggregation_verdict(row: Mapping[str, Any], lang: str = "nl") -> str:
    """Whether a team-level scale may be aggregated, in one sentence (Dutch or English)."""
    t = _AGGREGATION_TEXT[lang]

    def num(x: float) -> str:
        return f"{x:.2f}".replace(".", ",") if lang == "nl" else f"{x:.2f}"

    if np.isnan(row["icc1"]) or np.isnan(row["rwg_mean"]):
        return t["too_few"]
    figures = t["figures"].format(
        icc1=num(row["icc1"]), icc2=num(row["icc2"]), rwg=num(row["rwg_mean"])
    )
    if row["aggregate"]:
        text = t["yes"].format(figures=figures)
    else:
        reasons = []
        if not row["icc1"] > ICC1_MIN:
            reasons.append(t["no_icc"])
        if not row["rwg_mean"] >= RWG_MIN:
            reasons.append(t["no_rwg"])
        text = t["no"].format(figures=figures, reasons=t["and"].join(reasons))
    if not np.isnan(row["icc2"]) and row["icc2"] < ICC2_MIN:
        text += t["low_icc2"]
    return text


def aggregation_checks(
    responses: pd.DataFrame,
    instrument: Mapping[str, Any],
    *,
    team: str = "team",
    level: str = "team",
) -> pd.DataFrame:
    """Run :func:`team_agreement` for every scale of the instrument with ``level: team``.

    The items are reverse-coded first; r_wg(J) uses the scale's items and the number of
    answer options from its range (``hi - lo + 1``).

    Returns
    -------
    pandas.DataFrame
        The columns of :func:`team_agreement` with ``scale`` set to the scale's name, plus
        ``verdict_nl`` and ``verdict_en``, a sentence for the report. Empty (same columns) when the
        instrument has no team-level scale.

    Examples
    --------
    >>> inst = {"scales": {"ps": {"level": "team", "items": ["a", "b"], "range": [1, 7]}}}
    >>> r = pd.DataFrame({"team": list("aabb"), "a": [6, 7, 2, 2], "b": [6, 6, 2, 3]})
    >>> bool(aggregation_checks(r, inst)["aggregate"].iloc[0])
    True
    """
    coded = reverse_code(responses, instrument)
    rows = []
    for name, spec in _scales(instrument).items():
        if spec.get("level") != level:
            continue
        lo, hi = (int(v) for v in spec["range"])
        check = team_agreement(coded, list(spec["items"]), team=team, n_options=hi - lo + 1)
        rows.append(check.assign(scale=name))
    columns = [
        "scale", "n", "n_teams", "icc1", "icc2", "f_p", "rwg_mean", "rwg_min", "n_teams_rwg",
        "aggregate", "verdict",
    ]  # fmt: skip
    if not rows:
        return pd.DataFrame(columns=[*columns, "verdict_nl", "verdict_en"])
    out = pd.concat(rows, ignore_index=True)[columns]
    records = out.to_dict("records")
    out["verdict_nl"] = [_aggregation_verdict(r, "nl") for r in records]
    out["verdict_en"] = [_aggregation_verdict(r, "en") for r in records]
    return out
