"""Monitor the KPIs of the intervene step: baseline, target, this quarter's status and the trend.

KPIs are metrics of :func:`selfreliance.metrics.volume_summary` computed per calendar quarter
(ticket volume, self-solvable share, self-solvable tickets per FTE-month, waiting times). Targets
and the baseline live in ``resources/kpis.yml`` (editable per organisation). The trend is shown
over every complete quarter in the data and, separately, over the quarters for which the report
was run so far (their figures are stored in ``data/processed/<quarter>/intervene_kpis.parquet``;
a later codebook or data correction can make the two differ, which is why both are kept).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from selfreliance.config import resource_path
from selfreliance.errors import SelfRelianceError
from selfreliance.metrics import in_period, volume_summary
from selfreliance.quarters import parse_quarter, quarter_bounds

KPI_FILE = "intervene_kpis.parquet"
STATUSES = ("target_met", "improving", "stable", "worse", "no_data")


def load_kpis(path: str | Path | None = None) -> dict:
    """Read and validate the KPI targets (default the shipped ``kpis.yml``).

    Examples
    --------
    >>> [k["metric"] for k in load_kpis()["kpis"]][:2]
    ['tickets', 'self_solvable_share']
    """
    path = Path(path) if path else resource_path("kpis.yml")
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise SelfRelianceError(f"{path}: cannot read the KPI targets ({exc}).") from exc
    if not isinstance(raw, dict) or not raw.get("kpis"):
        raise SelfRelianceError(f"{path}: needs a top-level 'kpis' list.")
    for number, kpi in enumerate(raw["kpis"], start=1):
        where = f"{path}, KPI {kpi.get('metric', f'#{number}')}"
        if kpi.get("direction") not in {"down", "up"}:
            raise SelfRelianceError(f"{where}: direction must be 'down' or 'up'.")
        target = kpi.get("target") or {}
        if len(set(target) & {"change", "value"}) != 1:
            raise SelfRelianceError(f"{where}: target needs exactly one of 'change' or 'value'.")
    raw.setdefault("baseline", {"quarters": 4})
    raw.setdefault("tolerance", 0.05)
    return raw


def complete_quarters(tickets: pd.DataFrame) -> list[pd.Period]:
    """Calendar quarters the data cover from their first to their last day."""
    local = tickets["opened_at"].dt.tz_localize(None)
    first, last = local.min().normalize(), local.max().normalize()
    quarters = pd.period_range(first, last, freq="Q")
    return [q for q in quarters if q.start_time >= first and q.end_time.normalize() <= last]


def quarterly_kpis(tickets: pd.DataFrame, people: pd.DataFrame | None) -> pd.DataFrame:
    """Every ``volume_summary`` metric for every complete quarter: quarter, metric, value, unit."""
    frames = []
    for quarter in complete_quarters(tickets):
        start, end = quarter_bounds(quarter)
        summary = volume_summary(in_period(tickets, start, end), people, start, end)
        frames.append(summary.assign(quarter=str(quarter)))
    if not frames:
        return pd.DataFrame(columns=["quarter", "metric", "value", "unit"])
    return pd.concat(frames, ignore_index=True)[["quarter", "metric", "value", "unit"]]


def baseline_quarters(quarters: Sequence[str], spec: dict) -> list[str]:
    """The baseline quarters: explicit ``from``/``to``, else the first ``quarters`` ones.

    Examples
    --------
    >>> baseline_quarters(["2024Q4", "2025Q1", "2025Q2"], {"quarters": 2})
    ['2024Q4', '2025Q1']
    """
    ordered = sorted(quarters)
    if spec.get("from") or spec.get("to"):
        lo = str(parse_quarter(spec["from"])) if spec.get("from") else ordered[0]
        hi = str(parse_quarter(spec["to"])) if spec.get("to") else ordered[-1]
        return [q for q in ordered if lo <= q <= hi]
    return ordered[: int(spec.get("quarters", 4))]


def _trend(values: pd.Series) -> float:
    """Least-squares slope per quarter of a KPI's values (NaN with fewer than three)."""
    clean = values.dropna()
    if len(clean) < 3:
        return math.nan
    x = np.arange(len(values))[values.notna().to_numpy()]
    return float(np.polyfit(x, clean.to_numpy(dtype=float), 1)[0])


def kpi_status(quarterly: pd.DataFrame, kpis: dict, quarter: str | pd.Period) -> pd.DataFrame:
    """This quarter's KPIs against baseline and target, with the trend over all quarters.

    Returns
    -------
    DataFrame
        metric, unit, direction, baseline (mean over the baseline quarters), target (absolute
        level), value (this quarter), change (relative to baseline), same_quarter_last_year,
        trend_per_quarter (least-squares slope over all complete quarters, relative to the
        baseline), status (target_met | improving | stable | worse | no_data) and
        baseline_quarters (text).

        status: ``target_met`` when the value is at or beyond the target in the KPI's
        direction; else ``improving`` / ``worse`` when it moved more than ``tolerance``
        (relative) from the baseline in the good / bad direction; else ``stable``.
    """
    quarter = str(quarter if isinstance(quarter, pd.Period) else parse_quarter(quarter))
    wide = quarterly.pivot_table(index="quarter", columns="metric", values="value", aggfunc="first")
    base_q = baseline_quarters(list(wide.index), kpis["baseline"])
    last_year = str(parse_quarter(quarter) - 4)
    units = quarterly.drop_duplicates("metric").set_index("metric")["unit"]
    tolerance = float(kpis.get("tolerance", 0.05))
    rows = []
    for kpi in kpis["kpis"]:
        metric, direction = kpi["metric"], kpi["direction"]
        sign = -1.0 if direction == "down" else 1.0
        series = wide[metric] if metric in wide else pd.Series(np.nan, index=wide.index)
        baseline = float(series.reindex(base_q).mean()) if base_q else math.nan
        target = (
            float(kpi["target"]["value"])
            if "value" in kpi["target"]
            else baseline * (1 + float(kpi["target"]["change"]))
        )
        value = float(series.get(quarter, np.nan))
        change = value / baseline - 1 if baseline and not math.isnan(baseline) else math.nan
        if math.isnan(value):
            status = "no_data"
        elif sign * (value - target) >= 0:
            status = "target_met"
        elif not math.isnan(change) and sign * change > tolerance:
            status = "improving"
        elif not math.isnan(change) and sign * change < -tolerance:
            status = "worse"
        else:
            status = "stable"
        slope = _trend(series.sort_index())
        rows.append(
            {
                "metric": metric,
                "unit": units.get(metric, ""),
                "direction": direction,
                "baseline": baseline,
                "target": target,
                "value": value,
                "change": change,
                "same_quarter_last_year": float(series.get(last_year, np.nan)),
                "trend_per_quarter": slope / baseline if baseline else math.nan,
                "status": status,
                "baseline_quarters": f"{base_q[0]}-{base_q[-1]}" if base_q else "",
            }
        )
    return pd.DataFrame(rows)


def kpi_trend(quarterly: pd.DataFrame, kpis: dict) -> pd.DataFrame:
    """The monitored KPIs per quarter, wide: quarter and one column per KPI."""
    metrics = [k["metric"] for k in kpis["kpis"]]
    wide = quarterly.pivot_table(index="quarter", columns="metric", values="value", aggfunc="first")
    return wide.reindex(columns=[m for m in metrics if m in wide.columns]).reset_index()


def save_run(status: pd.DataFrame, folder: str | Path, quarter: str | pd.Period) -> Path:
    """Store this run's KPI figures in the quarter's result folder (for the trend over runs)."""
    path = Path(folder) / KPI_FILE
    # No run timestamp: rerunning a quarter with the same inputs must give identical tables.
    status.assign(quarter=str(quarter)).to_parquet(path)
    return path


def run_history(processed_dir: str | Path, kpis: dict | None = None) -> pd.DataFrame:
    """KPI values as reported by every quarter's run so far: quarter, metric, value, status.

    Reads ``<processed_dir>/<quarter>/intervene_kpis.parquet`` for every quarter folder that has
    one; empty when no run was stored yet.
    """
    frames = []
    for path in sorted(Path(processed_dir).glob(f"*/{KPI_FILE}")):
        frames.append(pd.read_parquet(path)[["quarter", "metric", "value", "status"]])
    if not frames:
        return pd.DataFrame(columns=["quarter", "metric", "value", "status"])
    out = pd.concat(frames, ignore_index=True)
    if kpis is not None:
        out = out.loc[out["metric"].isin([k["metric"] for k in kpis["kpis"]])]
    return out.sort_values(["metric", "quarter"]).reset_index(drop=True)


def status_counts(status: pd.DataFrame) -> dict[str, Any]:
    """How many KPIs are in each status (for the summary sentence)."""
    counts = status["status"].value_counts()
    return {s: int(counts.get(s, 0)) for s in STATUSES}
