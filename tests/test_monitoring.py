"""KPI monitoring: baseline, target, status and trend, worked out by hand."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from selfreliance import monitoring
from selfreliance.errors import SelfRelianceError

KPIS = {
    "baseline": {"quarters": 2},
    "tolerance": 0.05,
    "kpis": [
        {"metric": "tickets", "direction": "down", "target": {"change": -0.10}},
        {"metric": "self_solvable_share", "direction": "down", "target": {"value": 0.40}},
        {
            "metric": "median_resolution_business_hours",
            "direction": "down",
            "target": {"change": -0.5},
        },
        {
            "metric": "p90_resolution_business_hours",
            "direction": "down",
            "target": {"change": -0.5},
        },
        {"metric": "tickets_per_fte_month", "direction": "down", "target": {"change": -0.5}},
    ],
}


def _quarterly() -> pd.DataFrame:
    values = {
        "tickets": [100, 120, 105, 99],
        "self_solvable_share": [0.50, 0.50, 0.48, 0.45],
        "median_resolution_business_hours": [4.0, 4.0, 4.1, 3.9],
        "p90_resolution_business_hours": [10.0, 10.0, 11.0, 12.0],
    }
    quarters = ["2025Q1", "2025Q2", "2025Q3", "2025Q4"]
    rows = [
        {"quarter": q, "metric": m, "value": v[i], "unit": "share" if "share" in m else "x"}
        for m, v in values.items()
        for i, q in enumerate(quarters)
    ]
    return pd.DataFrame(rows)


def test_kpi_status_by_hand():
    status = monitoring.kpi_status(_quarterly(), KPIS, "2025Q4").set_index("metric")
    # tickets: baseline (100 + 120) / 2 = 110, target 99; 99 reaches it.
    assert status.loc["tickets", "baseline"] == pytest.approx(110)
    assert status.loc["tickets", "target"] == pytest.approx(99)
    assert status.loc["tickets", "status"] == "target_met"
    # share: 0.45 is 10 % below the 0.50 baseline but above the 0.40 target: improving.
    assert status.loc["self_solvable_share", "change"] == pytest.approx(-0.10)
    assert status.loc["self_solvable_share", "status"] == "improving"
    # 3.9 vs 4.0 is within the 5 % tolerance: stable; 12 vs 10 is worse.
    assert status.loc["median_resolution_business_hours", "status"] == "stable"
    assert status.loc["p90_resolution_business_hours", "status"] == "worse"
    assert status.loc["tickets_per_fte_month", "status"] == "no_data"
    # Least-squares slope of 100, 120, 105, 99 over 0..3: sum((x - 1.5)(y - 106)) / 5 = -9 / 5.
    assert status.loc["tickets", "trend_per_quarter"] == pytest.approx(-1.8 / 110)
    assert (
        status.loc["tickets", "same_quarter_last_year"]
        != status.loc["tickets", "same_quarter_last_year"]
    )


def test_baseline_quarters_explicit_range():
    quarters = ["2024Q4", "2025Q1", "2025Q2", "2025Q3"]
    assert monitoring.baseline_quarters(quarters, {"from": "2025Q1", "to": "2025Q2"}) == [
        "2025Q1",
        "2025Q2",
    ]
    assert monitoring.baseline_quarters(quarters, {"quarters": 3}) == quarters[:3]


def test_complete_quarters_need_first_and_last_day():
    tickets = pd.DataFrame(
        {
            "opened_at": pd.to_datetime(["2024-10-01 09:00", "2025-06-30 15:00"]).tz_localize(
                "Europe/Brussels"
            )
        }
    )
    assert [str(q) for q in monitoring.complete_quarters(tickets)] == ["2024Q4", "2025Q1", "2025Q2"]


def test_load_kpis_rejects_a_target_with_both_forms(tmp_path):
    path = tmp_path / "kpis.yml"
    path.write_text(
        yaml.safe_dump(
            {
                "kpis": [
                    {
                        "metric": "tickets",
                        "direction": "down",
                        "target": {"change": -0.1, "value": 5},
                    }
                ]
            }
        ),
        encoding="utf-8",
    )
    with pytest.raises(SelfRelianceError, match="tickets: target needs exactly one"):
        monitoring.load_kpis(path)


def test_run_history_reads_every_quarter_folder(tmp_path):
    status = monitoring.kpi_status(_quarterly(), KPIS, "2025Q4")
    for quarter in ("2025Q3", "2025Q4"):
        folder = tmp_path / quarter
        folder.mkdir()
        monitoring.save_run(status, folder, quarter)
    history = monitoring.run_history(tmp_path, KPIS)
    assert sorted(history["quarter"].unique()) == ["2025Q3", "2025Q4"]
    assert set(history["metric"]) == {k["metric"] for k in KPIS["kpis"]}


def test_demo_quarters_and_status():
    processed = Path(os.environ["SELFRELIANCE_PROCESSED_DIR"])
    from selfreliance.pipeline import load_processed

    data = load_processed(processed)
    kpis = monitoring.load_kpis()
    quarterly = monitoring.quarterly_kpis(data.tickets, data.people)
    quarters = sorted(quarterly["quarter"].unique())
    assert len(quarters) >= 5
    status = monitoring.kpi_status(quarterly, kpis, quarters[-1])
    assert list(status["metric"]) == [k["metric"] for k in kpis["kpis"]]
    assert status["status"].isin(monitoring.STATUSES).all()
    assert np.isfinite(status["baseline"]).all()
