"""No report reveals a figure about fewer than five people, directly or by subtraction.

Builds on the demo: three tiny teams (2, 3 and 4 people) are carved out of one department,
then every report of the quarter is published and inspected.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from selfreliance.audiences import slug
from selfreliance.config import NOTEBOOKS_DIR
from selfreliance.reports import run_reports

pytestmark = pytest.mark.slow
TINY = {"Mini twee": 2, "Mini drie": 3, "Mini vier": 4}


@pytest.fixture(scope="module")
def tiny_reports(tmp_path_factory) -> tuple[Path, pd.DataFrame]:
    source = Path(os.environ["SELFRELIANCE_PROCESSED_DIR"])
    processed = tmp_path_factory.mktemp("tiny") / "processed"
    shutil.copytree(source, processed, ignore=shutil.ignore_patterns("20*"))
    people = pd.read_parquet(processed / "people.parquet")
    tickets = pd.read_parquet(processed / "tickets.parquet")
    # Take staff of one large team (no managers) and split them into tiny teams in its department.
    active = people.loc[people["exit_date"].isna() & ~people["is_manager"]]
    donor = active["team"].value_counts().index[0]
    pool = active.loc[active["team"] == donor, "person_key"].tolist()
    assert len(pool) >= sum(TINY.values()) + 2
    moved = {}
    for team, size in TINY.items():
        for key in pool[:size]:
            moved[key] = team
        pool = pool[size:]
    people["team"] = people["person_key"].map(moved).fillna(people["team"]).astype("string")
    tickets["team"] = tickets["requester_key"].map(moved).fillna(tickets["team"]).astype("string")
    people.to_parquet(processed / "people.parquet", index=False)
    tickets.to_parquet(processed / "tickets.parquet", index=False)
    index = run_reports(
        "2026Q3",
        processed_dir=processed,
        reports_dir=processed.parent / "reports",
        notebooks_dir=NOTEBOOKS_DIR,
        log=lambda _m: None,
    )
    return index.parent, people


def _rows_mentioning(html: str, name: str) -> list[str]:
    return [row for row in re.findall(r"<tr.*?</tr>", html, flags=re.S) if name in row]


def test_tiny_teams_get_no_page_and_no_numbers(tiny_reports):
    folder, _ = tiny_reports
    for team in TINY:
        assert not (folder / f"team-{slug(team)}.html").exists()
    for page in folder.glob("*.html"):
        html = page.read_text(encoding="utf-8")
        for team in TINY:
            for row in _rows_mentioning(html, team):
                cells = re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)
                numbers = [c for c in cells[1:] if re.search(r"\d", re.sub(r"<[^>]+>", "", c))]
                assert not numbers, (page.name, team, row)


def test_no_single_hidden_team_per_department(tiny_reports):
    folder, people = tiny_reports
    active = people.loc[people["exit_date"].isna()]
    for department, teams in active.groupby("department")["team"].unique().items():
        hidden = [t for t in teams if not (folder / f"team-{slug(str(t))}.html").exists()]
        # Zero hidden teams, or at least two: one alone could be recomputed from a total.
        assert len(hidden) != 1, (department, hidden)


def test_dpo_page_counts_the_suppressions(tiny_reports):
    folder, _ = tiny_reports
    html = (folder / "dpo.html").read_text(encoding="utf-8")
    match = re.search(
        r"Verborgen cellen in de rapporten van dit kwartaal: <strong>(\d+)</strong>", html
    )
    assert match and int(match.group(1)) >= 3
