"""Simulation study: does each hypothesis test keep its false-positive rate, and what power?

The analyse step (:func:`selfreliance.hypotheses.run_registry`) is run, unchanged, on
thousands of simulated organisations shaped like a Flemish municipality: about 200 people
in 20 teams of 5 to 20 (two or three teams per department, one department on a second
site), unequal exposure (part-time work, hires and exits during the year), a team random
effect on the log rate (SD 0.3, a realistic intra-team correlation), a person frailty
(negative binomial counts), a survey answered by 70% with team-level constructs whose
individual ratings have an ICC of about 0.4.

Three worlds are simulated:

* ``null``: no effect of anything the registry tests; every rejection is a false positive.
  The naive Poisson GLM (model-based errors, no clustering) is run beside each test.
* ``null_poisson``: as ``null`` without person frailty: the null world of the concentration
  test (H8a), which asks whether people differ more than Poisson chance given their team.
* ``power``: effects at an incidence-rate ratio of 1.5 (per SD for continuous
  predictors, per category for factors: one level against the reference; for the repeat
  test a personal favourite question type for 40% of tickets, which raises the repeat
  share about 1.5-fold),
  planted in four groups, one group per organisation (:data:`EFFECTS`).

:func:`run_validation` returns a tidy table; ``selfreliance validate`` prints it.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from selfreliance.hypotheses import (
    DAYS_PER_MONTH,
    TENURE_BANDS,
    add_manager_rates,
    add_survey_columns,
    load_registry,
    run_registry,
)

__all__ = ["SimDesign", "simulate_organisation", "run_validation", "format_table"]

_LEVELS = np.array(list("ABCDE"))
_LEVEL_P = np.array([0.08, 0.22, 0.41, 0.235, 0.055])
_AGE = np.array(["<30", "30-39", "40-49", "50-59", "60+"])
_AGE_P = np.array([0.12, 0.24, 0.26, 0.26, 0.12])
_SELF_TYPES = np.array(
    ["password_mfa", "account_lockout", "mail_calendar", "teams_meetings", "files_sharepoint",
     "software_howto"]
)  # fmt: skip
_SELF_MIX = np.array([0.30, 0.10, 0.18, 0.12, 0.15, 0.15])
_WINDOW_START = np.datetime64("2025-10-01")
_WINDOW_DAYS = 365
_ONBOARDING_DAYS = 182


@dataclass(frozen=True)
class SimDesign:
    """Shape of a simulated organisation and the effects planted in it.

    ``effect_irr`` multiplies the self-solvable rate per unit of each predictor named in
    ``planted`` (all of :data:`EFFECTS` when empty); 1.0 is the null world. ``frailty_alpha`` is the variance of the gamma person
    frailty (0 = Poisson counts given the covariates); ``habit`` the probability that a
    self-solvable ticket is about the person's favourite question type instead of a type
    drawn from the organisation's mix. ``leader_own_effect``: the leader has an own random
    effect instead of sharing the team's (see :func:`simulate_organisation`).
    """

    n_teams: int = 20
    n_staff: int = 200
    team_sd: float = 0.30
    frailty_alpha: float = 0.40
    base_rate: float = 0.55  # self-solvable tickets per FTE-month
    response_rate: float = 0.70
    hire_share: float = 0.12
    exit_share: float = 0.06
    effect_irr: float = 1.0
    habit: float = 0.0
    planted: tuple[str, ...] = ()
    leader_own_effect: bool = True


def _department_blocks(n_teams: int) -> np.ndarray:
    """Department of each team: blocks of 3, 2, 3, 3, 3, 2, 2, 2 teams (8 departments)."""
    pattern = [3, 2, 3, 3, 3, 2, 2, 2]
    out, dept = [], 0
    while len(out) < n_teams:
        out += [dept] * pattern[dept % len(pattern)]
        dept += 1
    return np.array(out[:n_teams])


def simulate_organisation(
    rng: np.random.Generator,
    design: SimDesign = SimDesign(),  # noqa: B008
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One simulated organisation: the person panel and the self-solvable ticket events.

    The panel has the columns of :func:`selfreliance.hypotheses.build_person_panel` (plus
    ``telework``), built with the same helpers for survey team means and manager rates.
    """
    planted = set(design.planted or EFFECTS)

    def b(name: str) -> float:
        return math.log(design.effect_irr) if name in planted else 0.0

    n_teams = design.n_teams
    raw = rng.gamma(4.0, 1.0, n_teams)
    sizes = 5 + np.floor(raw / raw.sum() * (design.n_staff - 5 * n_teams)).astype(int)
    sizes = np.minimum(sizes, 20)
    team = np.repeat(np.arange(n_teams), sizes)
    n = len(team)
    first = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    is_leader = np.zeros(n, dtype=bool)
    is_leader[first] = True
    department = _department_blocks(n_teams)[team]
    site = np.where(department == 4, "S2", "S1")
    level = np.where(is_leader, np.where(rng.random(n) < 0.4, "A", "B"),
                     _LEVELS[rng.choice(5, n, p=_LEVEL_P)])  # fmt: skip
    age = _AGE[rng.choice(5, n, p=_AGE_P)]
    fte = np.where(is_leader, 1.0, rng.choice([1.0, 0.8, 0.5], n, p=[0.6, 0.25, 0.15]))
    telework = rng.choice([0, 1, 2], n, p=[0.5, 0.3, 0.2])

    # Days relative to the window start: hires inside the window or years before it.
    hired_inside = (rng.random(n) < design.hire_share) & ~is_leader
    hire = np.where(hired_inside, rng.integers(0, _WINDOW_DAYS - 30, n),
                    -np.round(365.25 * (0.5 + 29.5 * rng.random(n) ** 1.5)).astype(int))  # fmt: skip
    leaves = (rng.random(n) < design.exit_share) & ~is_leader & ~hired_inside
    stop = np.where(leaves, rng.integers(60, _WINDOW_DAYS, n), _WINDOW_DAYS)
    onb_stop = hire + _ONBOARDING_DAYS
    seg = {
        "onboarding": (np.maximum(hire, 0), np.minimum(onb_stop, stop)),
        "regular": (np.maximum(np.maximum(onb_stop, hire), 0), stop),
    }
    years = (_WINDOW_DAYS - hire) / 365.25
    tenure = np.array([name for _, name in TENURE_BANDS], dtype=object)[
        np.searchsorted([lo for lo, _ in TENURE_BANDS[1:]], years, side="right")
    ]

    # Latents and the planted log rate (one unit = one SD, or the category named).
    u_team = rng.normal(0, design.team_sd, n_teams)
    ps_team = rng.standard_normal(n_teams)
    z_mgr = rng.standard_normal(n_teams)  # the team leader's propensity
    cap, mot = rng.standard_normal(n), rng.standard_normal(n)
    frailty = (
        rng.gamma(1 / design.frailty_alpha, design.frailty_alpha, n)
        if design.frailty_alpha > 0
        else np.ones(n)
    )
    # The leader does not share the team's random effect: otherwise a shared environment
    # would tie the leader's rate to the team's without any role modelling, and the null
    # world of H3 would not be a null (see the registry's note on H3).
    # In the null world of the concentration test (H8a) people differ by team only, so
    # there the leader shares the team effect.
    u_leader = rng.normal(0, design.team_sd, n)
    u_own = np.where(is_leader & design.leader_own_effect, u_leader, u_team[team])
    log_rate = (
        math.log(design.base_rate)
        + u_own
        + b("level") * (level == "E")
        + b("age") * (age == "60+")
        + b("tenure") * (tenure == "5-9")
        + b("site") * (site == "S2")
        + b("department") * (department == 0)
        + b("telework") * telework
        + b("manager") * z_mgr[team]
        - b("capability") * cap
        - b("motivation") * mot
        - b("motivation_x_safety") * mot * ps_team[team]
        - b("capability_x_safety") * cap * ps_team[team]
    )
    rows = []
    for name, (lo, hi) in seg.items():
        days = np.clip(hi - lo, 0, None)
        keep = days > 0
        idx = np.flatnonzero(keep)
        exposure = fte[idx] * days[idx] / DAYS_PER_MONTH
        onb = b("onboarding") if name == "onboarding" else 0.0
        mu = exposure * np.exp(log_rate[idx] + onb) * frailty[idx]
        rows.append(
            pd.DataFrame(
                {
                    "person": idx,
                    "segment": name,
                    "exposure": exposure,
                    "n_self": rng.poisson(mu),
                    "lo": lo[idx],
                    "hi": hi[idx],
                }
            )
        )
    segs = pd.concat(rows, ignore_index=True)
    keys = np.array([f"s{i:04d}" for i in range(n)], dtype=object)
    teams = np.array([f"T{t:02d}" for t in range(n_teams)], dtype=object)
    p = segs["person"].to_numpy()
    obj = lambda values: pd.Series(values, dtype=object)  # noqa: E731  (no pyarrow strings)
    panel = pd.DataFrame(
        {
            "person_key": obj(keys[p]),
            "team": obj(teams[team[p]]),
            "department": obj(np.array([f"D{d}" for d in department], dtype=object)[p]),
            "function_level": obj(level[p]),
            "age_band": obj(age[p]),
            "site": obj(site[p]),
            "is_manager": is_leader[p],
            "telework": telework[p],
            "tenure_band": obj(tenure[p]),
            "segment": obj(segs["segment"].to_numpy()),
            "exposure": segs["exposure"].to_numpy(),
            "n_self": segs["n_self"].to_numpy(),
            "n_partly": 0,
            "n_it": 0,
            "n_all": segs["n_self"].to_numpy(),
        }
    )

    # Survey: ratings of team constructs are the team latent plus personal perception.
    respond = rng.random(n) < design.response_rate
    scores = pd.DataFrame(
        {
            "person_key": obj(keys),
            "team": obj(teams[team]),
            "self_efficacy": 3.2 + 0.7 * cap,
            "motivation": 3.5 + 0.6 * mot,
            "psych_safety": 5.0 + 0.6 * (ps_team[team] + rng.normal(0, 1.2, n)),
            "manager_role_model": 3.0 + 0.6 * (-z_mgr[team] + rng.normal(0, 1.0, n)),
        }
    )[respond].reset_index(drop=True)
    people = pd.DataFrame(
        {
            "person_key": obj(keys),
            "manager_key": obj(np.where(is_leader, None, keys[first[team]])),
            "is_manager": is_leader,
        }
    )
    panel = add_survey_columns(panel, scores)
    # The leader is a member of their team, so their own rate carries z_mgr as well.
    panel = add_manager_rates(panel, people)
    start = _WINDOW_START
    panel["period_start"] = (start + segs["lo"].to_numpy().astype("timedelta64[D]")).astype(
        "datetime64[ns]"
    )
    panel["period_end"] = (start + segs["hi"].to_numpy().astype("timedelta64[D]")).astype(
        "datetime64[ns]"
    )

    # Events: each ticket on a uniform day of its segment, its type from the mix or the
    # person's favourite (habit).
    counts = segs["n_self"].to_numpy()
    row = np.repeat(np.arange(len(segs)), counts)
    day = segs["lo"].to_numpy()[row] + np.floor(
        rng.random(len(row)) * (segs["hi"].to_numpy() - segs["lo"].to_numpy())[row]
    ).astype(int)
    favourite = rng.choice(len(_SELF_TYPES), n, p=_SELF_MIX)
    qtype = rng.choice(len(_SELF_TYPES), len(row), p=_SELF_MIX)
    habitual = rng.random(len(row)) < (design.habit if "habit" in planted else 0.0)
    qtype = np.where(habitual, favourite[p[row]], qtype)
    events = pd.DataFrame(
        {
            "person_key": obj(keys[p[row]]),
            "segment": segs["segment"].to_numpy()[row],
            "day": (start + day.astype("timedelta64[D]")).astype("datetime64[ns]"),
            "question_type": obj(_SELF_TYPES[qtype]),
        }
    )
    return panel, events


#: Planted effects of the power world and the hypothesis each one serves. Effects are
#: planted in four groups, one group per simulated organisation, so that the other effects
#: do not add unexplained variation to the test at hand; each test's power comes from the
#: organisations where its effect was planted. H8a needs no planting: the person frailty
#: is always there.
EFFECTS = {
    "onboarding": "H1", "level": "H2a", "age": "H2b", "site": "H2c", "tenure": "H2d",
    "department": "H2e", "telework": "H2f", "manager": "H3 H3b", "capability": "H4",
    "motivation": "H5", "motivation_x_safety": "H6", "capability_x_safety": "H7",
    "habit": "H8b",
}  # fmt: skip
_POWER_GROUPS = (
    ("onboarding", "level", "capability", "habit"),
    ("age", "site", "motivation"),
    ("tenure", "manager", "motivation_x_safety"),
    ("department", "telework", "capability_x_safety"),
)

_WORLDS: dict[str, SimDesign] = {
    "null": SimDesign(),
    "null_poisson": SimDesign(frailty_alpha=0.0, leader_own_effect=False),
    "power": SimDesign(effect_irr=1.5, habit=0.4),
}
#: Which world's false-positive rate is reported for a test kind (default "null").
_NULL_WORLD = {"concentration": "null_poisson"}


def _one(
    world: str, design: SimDesign, registry: Sequence[Mapping[str, Any]], seed: int, n_boot: int
) -> list[dict[str, Any]]:
    rng = np.random.default_rng(seed)
    panel, events = simulate_organisation(rng, design)
    if world == "null_poisson":
        registry = [h for h in registry if h.get("kind") == "concentration"]
    result = run_registry(panel, registry, events=events, n_boot=n_boot, seed=seed,
                          robustness=False, naive=True, ci=False)  # fmt: skip
    planted = " ".join(EFFECTS[e] for e in design.planted) if design.planted else ""
    return [
        {"world": world, "hypothesis_id": r["hypothesis_id"], "p": r["p_val"],
         "naive_p": r["naive_p"], "irr": r["irr"],
         "planted": r["hypothesis_id"] in planted.split() or r["hypothesis_id"] == "H8a"}
        for r in result.to_dict("records")
    ]  # fmt: skip


def _chunk(world: str, design: SimDesign, seeds: Sequence[int], n_boot: int) -> list[dict]:
    registry = load_registry()
    out: list[dict] = []
    for seed in seeds:
        out += _one(world, design, registry, seed, n_boot)
    return out


def run_validation(
    n_sim: int = 1000,
    *,
    seed: int = 0,
    n_boot: int = 399,
    n_jobs: int = 2,
    alpha: float = 0.05,
    n_power: int | None = None,
    worlds: Sequence[str] = ("null", "null_poisson", "power"),
) -> pd.DataFrame:
    """Simulate ``n_sim`` null organisations (``n_power`` with effects) and summarise each test.

    ``n_power`` defaults to ``n_sim``; power needs fewer draws than a false-positive rate
    (the command line uses ``max(200, n_sim / 2)``).

    Returns
    -------
    pandas.DataFrame
        One row per hypothesis: ``hypothesis_id, kind, test, n_sim, false_positive_rate,
        fp_mc_low, fp_mc_high, naive_poisson_rate, power_irr_1_5, mean_estimate_power,
        within_bounds``. The false-positive rate is the share of null organisations with
        ``p < alpha`` (the per-test p-value, before FDR control) with its 95% Monte Carlo
        (Wilson) interval; ``within_bounds`` says whether it lies within [0.03, 0.07].
        ``naive_poisson_rate`` is the same for the Poisson GLM with model-based errors
        (NaN where no such test applies). ``power_irr_1_5`` is the share of ``p < alpha``
        among the ``power`` organisations where the test's effect was planted (a quarter
        of them, H8a all). Hypotheses that cannot be simulated (none by default) are
        left out. ``attrs["seconds"]`` holds the wall time.
    """
    from joblib import Parallel, delayed

    started = time.perf_counter()
    tasks = []
    for w_i, world in enumerate(worlds):
        design = _WORLDS[world]
        count = n_sim if world != "power" or n_power is None else n_power
        seeds = [
            int(np.random.SeedSequence([seed, w_i, i]).generate_state(1)[0]) for i in range(count)
        ]
        if world == "power":  # one group of effects per organisation, in turn
            for g, group in enumerate(_POWER_GROUPS):
                grouped = replace(design, planted=group)
                mine = seeds[g :: len(_POWER_GROUPS)]
                size = max(1, math.ceil(len(mine) / max(n_jobs, 1)))
                tasks += [(world, grouped, mine[i : i + size]) for i in range(0, len(mine), size)]
            continue
        size = max(1, math.ceil(count / (4 * max(n_jobs, 1))))
        tasks += [(world, design, seeds[i : i + size]) for i in range(0, count, size)]
    if n_jobs == 1:
        chunks = [_chunk(w, d, s, n_boot) for w, d, s in tasks]
    else:
        chunks = Parallel(n_jobs=n_jobs)(delayed(_chunk)(w, d, s, n_boot) for w, d, s in tasks)
    runs = pd.DataFrame([r for chunk in chunks for r in chunk])
    registry = {h["id"]: h for h in load_registry()}

    rows = []
    for hid, hyp in registry.items():
        kind = hyp.get("kind", "count")
        null_world = _NULL_WORLD.get(kind, "null")
        null = runs[(runs["world"] == null_world) & (runs["hypothesis_id"] == hid)]
        power = runs[(runs["world"] == "power") & (runs["hypothesis_id"] == hid)]
        if "planted" in power:
            power = power[power["planted"].astype(bool)]
        p = null["p"].dropna()
        if p.empty:
            continue
        k, m = int((p < alpha).sum()), len(p)
        low, high = _wilson(k, m)
        naive = null["naive_p"].dropna()
        rate = k / m
        rows.append(
            {
                "hypothesis_id": hid,
                "kind": kind,
                "method": _method(hyp),
                "n_sim": m,
                "false_positive_rate": rate,
                "fp_mc_low": low,
                "fp_mc_high": high,
                "naive_poisson_rate": float((naive < alpha).mean()) if len(naive) else np.nan,
                "power_irr_1_5": float((power["p"].dropna() < alpha).mean())
                if len(power)
                else np.nan,
                "mean_estimate_power": float(power["irr"].mean()) if len(power) else np.nan,
                "within_bounds": bool(0.03 <= rate <= 0.07),
            }
        )
    table = pd.DataFrame(rows)
    table.attrs["seconds"] = time.perf_counter() - started
    table.attrs["n_boot"] = n_boot
    return table


def _method(hyp: Mapping[str, Any]) -> str:
    kind = hyp.get("kind", "count")
    if kind == "count":
        return "wild cluster bootstrap" if hyp.get("p_method") == "wild" else "NB2 CR3 t(G-1)"
    return {
        "team_factor": "randomisation over teams",
        "concentration": "parametric bootstrap (Poisson | team totals)",
        "repeat": "permutation of types (given NB2 volume)",
    }[kind]


def _wilson(k: int, n: int, z: float = 1.959964) -> tuple[float, float]:
    if n == 0:
        return (math.nan, math.nan)
    phat = k / n
    centre = (phat + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(phat * (1 - phat) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return (centre - half, centre + half)


def format_table(table: pd.DataFrame) -> str:
    """The validation table as aligned plain text (percentages), for the terminal."""
    shown = pd.DataFrame(
        {
            "hypothesis": table["hypothesis_id"],
            "test": table["method"],
            "false pos.": (100 * table["false_positive_rate"]).map("{:.1f}%".format),
            "MC 95%": [
                f"{100 * lo:.1f}-{100 * hi:.1f}%"
                for lo, hi in zip(table["fp_mc_low"], table["fp_mc_high"], strict=True)
            ],
            "naive Poisson": (100 * table["naive_poisson_rate"]).map(
                lambda v: "n/a" if np.isnan(v) else f"{v:.1f}%"
            ),
            "power IRR 1.5": (100 * table["power_irr_1_5"]).map("{:.0f}%".format),
            "in [3%, 7%]": np.where(table["within_bounds"], "yes", "NO"),
        }
    )
    return shown.to_string(index=False)


def with_effect(design: SimDesign, irr: float) -> SimDesign:
    """The same organisation with every planted effect at ``irr``."""
    return replace(design, effect_irr=irr)


# --------------------------------------------------------------------------------------
# The demo municipality over many seeds: how often is each planted effect recovered?
# --------------------------------------------------------------------------------------

#: Hypotheses with a planted effect in the demo (demo_ground_truth.yml) and those without.
DEMO_PLANTED = ("H1", "H3", "H3b", "H4", "H5", "H6", "H8a")
DEMO_NULL = ("H2a", "H2b", "H2c", "H2d", "H2e", "H7", "H8b")


def _demo_one(seed: int, start: str, end: str, n_boot: int) -> pd.DataFrame:
    import tempfile
    from pathlib import Path

    from selfreliance.demo import DemoConfig, write_demo
    from selfreliance.hypotheses import analyse_window
    from selfreliance.pipeline import discover_sources, load_processed, run_ingest

    with tempfile.TemporaryDirectory(prefix="selfreliance-demo-seed-") as folder:
        raw, processed = Path(folder) / "raw", Path(folder) / "processed"
        write_demo(raw, DemoConfig(seed=seed))
        run_ingest(discover_sources(raw), processed, key=bytes(32))
        data = load_processed(processed)
        results = analyse_window(data.tickets, data.people, survey=data.survey,
                                 instrument=data.instrument, start=start, end=end,
                                 n_boot=n_boot, robustness=False).results  # fmt: skip
    out = results[["hypothesis_id", "irr", "q_val", "status"]].copy()
    out["seed"] = seed
    return out


def demo_recovery(
    seeds: Sequence[int],
    *,
    start: str = "2025-10-01",
    end: str = "2026-09-30",
    n_boot: int = 999,
    n_jobs: int = 2,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Run the whole pipeline on the demo municipality for each seed and score the analysis.

    Each seed writes the demo, ingests it (rule classifier, as ``make report``) and runs
    :func:`selfreliance.hypotheses.analyse_window` on the 12 months to ``end``. A planted
    effect counts as found when its status is "supported" (q < 0.05 in the expected
    direction); a null factor as flagged when q < 0.05.

    Returns
    -------
    (summary, per_seed)
        ``summary``: one row per hypothesis in :data:`DEMO_PLANTED` and :data:`DEMO_NULL` with
        ``planted`` (bool), ``share`` (found for planted, flagged for nulls), ``median_irr``;
        ``attrs["all_correct"]`` lists the seeds where every planted effect is found and no
        null flagged. ``per_seed``: the raw rows (hypothesis_id, irr, q_val, status, seed).
    """
    from joblib import Parallel, delayed

    started = time.perf_counter()
    parts = Parallel(n_jobs=n_jobs)(delayed(_demo_one)(s, start, end, n_boot) for s in seeds)
    per_seed = pd.concat(parts, ignore_index=True)
    per_seed["found"] = per_seed["status"].eq("supported")
    per_seed["flagged"] = per_seed["q_val"] < 0.05
    rows = []
    for hid in (*DEMO_PLANTED, *DEMO_NULL):
        mine = per_seed[per_seed["hypothesis_id"] == hid]
        planted = hid in DEMO_PLANTED
        rows.append(
            {
                "hypothesis_id": hid,
                "planted": planted,
                "share": float(mine["found" if planted else "flagged"].mean()),
                "median_irr": float(mine["irr"].median()),
            }
        )
    summary = pd.DataFrame(rows)
    wide = per_seed.set_index(["seed", "hypothesis_id"])
    correct = [
        int(s)
        for s in seeds
        if wide.loc[(s, list(DEMO_PLANTED)), "found"].all()
        and not wide.loc[(s, list(DEMO_NULL)), "flagged"].any()
    ]
    summary.attrs.update(all_correct=correct, n_seeds=len(seeds),
                         seconds=time.perf_counter() - started)  # fmt: skip
    return summary, per_seed


def format_demo_recovery(summary: pd.DataFrame) -> str:
    """The demo recovery table as aligned plain text."""
    shown = pd.DataFrame(
        {
            "hypothesis": summary["hypothesis_id"],
            "planted": np.where(summary["planted"], "effect", "null"),
            "found / flagged": (100 * summary["share"]).map("{:.0f}%".format),
            "median IRR": summary["median_irr"].map("{:.2f}".format),
        }
    )
    correct = summary.attrs.get("all_correct", [])
    return (
        shown.to_string(index=False)
        + f"\n\nEvery planted effect found and no null flagged in {len(correct)} of "
        f"{summary.attrs.get('n_seeds')} seeds: {', '.join(map(str, correct)) or '-'}."
    )
