"""Workshop kit pages on synthetic result tables."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from selfreliance.workshop import find_disagreements, render_workshops, write_workshops

QUARTER = "2026Q3"


def hypotheses() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "hypothesis_id": ["H1", "H4", "H6"],
            "statement_nl": [
                "Nieuwe medewerkers dienen meer zelf-oplosbare tickets in.",
                "Meer zelfeffectiviteit, minder tickets <script>alert(1)</script>",
                "Het effect van motivatie is sterker in veilige teams.",
            ],
            "statement_en": [
                "New staff file more.",
                "Higher self-efficacy, fewer.",
                "Stronger in safe teams.",
            ],
            "status": ["supported", "not_supported", "not_testable"],
            "verdict_nl": [
                "Ondersteund: 1,39 keer zoveel.",
                "Niet ondersteund.",
                "Niet toetsbaar: geen bevraging.",
            ],
            "irr": [1.386, 0.95, float("nan")],
            "ci_low": [1.089, 0.80, float("nan")],
            "ci_high": [1.764, 1.12, float("nan")],
            "q_val": [0.0105, 0.52, float("nan")],
        }
    )


def write_quarter(processed, *, with_interventions=True):
    folder = processed / QUARTER
    folder.mkdir(parents=True)
    hypotheses().to_parquet(folder / "analyse_hypotheses.parquet")
    pd.DataFrame(
        {
            "metric": ["tickets", "self_solvable_share"],
            "value": [489.0, 0.4949],
            "unit": ["tickets", "share"],
        }
    ).to_parquet(folder / "diagnose_summary.parquet")
    pd.DataFrame(
        {
            "question_type": ["password_mfa", "printer"],
            "label": ["Wachtwoord en MFA", "Printer"],
            "self_solvability": ["self", "partly"],
            "n": [74, 30],
            "share": [0.15, 0.06],
            "median_resolution_business_hours": [2.2, 3.1],
        }
    ).to_parquet(folder / "diagnose_types.parquet")
    if with_interventions:
        pd.DataFrame(
            {
                "question_type": ["password_mfa", "mail_calendar"],
                "self_solvability": ["self", "self"],
                "tickets_per_year": [300.0, 140.0],
                "movable_share": [1.0, 1.0],
                "avoidable_conservative": [90.0, 42.0],
                "avoidable_expected": [150.0, 70.0],
                "avoidable_ambitious": [210.0, 98.0],
            }
        ).to_parquet(folder / "intervene_avoidable.parquet")
        pd.DataFrame(
            {
                "scenario": ["conservative", "expected", "ambitious"],
                "avoidable_tickets": [120.0, 200.0, 280.0],
                "it_hours_freed": [40.0, 66.0, 93.0],
                "savings_eur": [4200.0, 7000.0, 9800.0],
                "savings_low": [2000.0, 3500.0, 5000.0],
                "savings_high": [6000.0, 10000.0, 14000.0],
            }
        ).to_parquet(folder / "intervene_savings.parquet")
        pd.DataFrame({"direction": ["procedures verduidelijken"], "roi": [2.5]}).to_parquet(
            folder / "intervene_directions.parquet"
        )
        pd.DataFrame(
            {
                "rank": [2, 1],
                "name": ["Korte video's", "Kennisbank <voor> iedereen"],
                "direction_nl": ["Zelfhulp", "IT-procedures verduidelijken"],
                "tier": ["not_now", "pilot"],
                "avoided_tickets": [75.0, 133.0],
                "one_off_eur": [7000.0, 7347.0],
                "net_value_eur": [-2934.0, 2255.0],
                "roi": [-0.28, 0.163],
                "roi_low": [-0.65, -0.38],
                "roi_high": [0.32, 1.06],
                "payback_months": [56.0, 27.0],
                "p_payback": [0.23, 0.69],
            }
        ).to_parquet(folder / "intervene_advice.parquet")
        pd.DataFrame(
            {
                "metric": ["tickets", "self_solvable_share"],
                "unit": ["tickets", "share"],
                "baseline": [612.75, 0.54],
                "target": [520.8, 0.45],
                "value": [597.0, 0.514],
                "status": ["stable", "improving"],
            }
        ).to_parquet(folder / "intervene_kpis.parquet")
        pd.DataFrame(
            {
                "team": ["Gebouwen", "Klein team"],
                "n_people": [13.0, 3.0],
                "rate": [0.99, 2.0],
                "ratio_to_org": [1.69, 3.4],
                "avoidable_expected": [63.0, 9.0],
                "suppressed": ["", "n < 5"],
            }
        ).to_parquet(folder / "intervene_team_load.parquet")
        pd.DataFrame().to_parquet(folder / "intervene_evaluation.parquet")
    return processed


@pytest.fixture
def disagreements():
    return pd.DataFrame(
        {
            "ticket_id": ["M2403 0001", "M2403 0002"],
            "target": ["question_type", "self_solvability"],
            "coder_a": ["password_mfa", "self"],
            "coder_b": ["printer", "it"],
            "title": ["<b>Wachtwoord</b> kwijt", "Printer 2e verdiep"],
            "remarks_a": [None, "twijfel"],
            "remarks_b": [None, None],
        }
    )


def pages_of(paths):
    return {p.name: p.read_text(encoding="utf-8") for p in paths}


def assert_self_contained(page):
    assert not re.search(r"<script|<link|<img|src=|https?://|url\(", page), (
        "external resource or script"
    )


def test_three_pages_with_data_questions_and_log(tmp_path, disagreements):
    processed = write_quarter(tmp_path / "processed")
    paths = render_workshops(QUARTER, processed, tmp_path / "reports", disagreements=disagreements)
    assert [p.name for p in paths] == [
        "workshop-definitie.html",
        "workshop-analyse.html",
        "workshop-interventie.html",
    ]
    assert all(p.parent == tmp_path / "reports" / QUARTER for p in paths)
    pages = pages_of(paths)
    for page in pages.values():
        assert_self_contained(page)
        assert "Agenda" in page and "Vragen voor de discussie" in page and "Besluitenlog" in page
        assert "3e kwartaal 2026" in page
    definition = pages["workshop-definitie.html"]
    assert (
        "M2403 0001" in definition and "Wachtwoord en MFA" in definition
    )  # code shown as its label
    assert "&lt;b&gt;Wachtwoord&lt;/b&gt;" in definition and "<b>Wachtwoord" not in definition
    assert "codeboek" in definition and "Welke vraagtypes noemen we" in definition
    analysis = pages["workshop-analyse.html"]
    assert "H1" in analysis and "ondersteund" in analysis and "niet toetsbaar" in analysis
    assert "1,39" in analysis and "0,011" in analysis  # nl-BE decimal comma
    assert "&lt;script&gt;" in analysis
    assert "Welke ondersteunde hypothesen herkennen we" in analysis
    intervention = pages["workshop-interventie.html"]
    assert "Wachtwoord en MFA" in intervention and "€ 7.000" in intervention
    assert "procedures verduidelijken" in intervention  # an extra intervene_* table is shown
    assert intervention.index("Kennisbank &lt;voor&gt; iedereen") < intervention.index(
        "Korte video"
    )  # by rank
    assert "eerst als pilot" in intervention and "16 % (-38 % tot 106 %)" in intervention
    assert "Gebouwen" in intervention and "Klein team" not in intervention  # suppressed team hidden
    assert (
        "Voorgestelde streefwaarde" in intervention
        and "613" in intervention
        and "51 %" in intervention
    )
    assert "evaluation" not in intervention  # empty tables are skipped
    assert "Welke streefwaarden leggen we vast" in intervention


def test_missing_inputs_give_not_yet_available_sections(tmp_path):
    paths = render_workshops(QUARTER, tmp_path / "nothing-here", tmp_path / "reports")
    pages = pages_of(paths)
    assert len(pages) == 3
    for page in pages.values():
        assert "Nog niet beschikbaar" in page
        assert "Vragen voor de discussie" in page  # the session can still be held
        assert_self_contained(page)


def test_partial_inputs(tmp_path):
    processed = write_quarter(tmp_path / "processed", with_interventions=False)
    pages = pages_of(render_workshops(QUARTER, processed, tmp_path / "reports"))
    assert "Nog niet beschikbaar" not in pages["workshop-analyse.html"]
    intervention = pages["workshop-interventie.html"]
    assert "intervene_avoidable.parquet" in intervention
    assert (
        "Streefwaarde" in intervention and "489" in intervention and "49 %" in intervention
    )  # from diagnose
    assert "Nog niet beschikbaar" in pages["workshop-definitie.html"]  # no disagreement list yet


def test_disagreements_are_found_next_to_the_labels(tmp_path, disagreements):
    processed = tmp_path / "data" / "processed"
    processed.mkdir(parents=True)
    raw = tmp_path / "data" / "raw"
    raw.mkdir()
    assert find_disagreements(processed, QUARTER) is None
    disagreements.to_csv(raw / "labels_disagreements.csv", index=False)
    found = find_disagreements(processed, QUARTER)
    assert found is not None and found["ticket_id"].tolist() == ["M2403 0001", "M2403 0002"]
    page = pages_of(render_workshops(QUARTER, processed, tmp_path / "reports"))[
        "workshop-definitie.html"
    ]
    assert "M2403 0002" in page and "twijfel" in page


def test_english_pages(tmp_path, disagreements):
    processed = write_quarter(tmp_path / "processed")
    pages = pages_of(
        render_workshops(
            QUARTER, processed, tmp_path / "reports", lang="en", disagreements=disagreements
        )
    )
    analysis = pages["workshop-analyse.html"]
    assert (
        'lang="en"' in analysis
        and "Discussion questions" in analysis
        and "not testable" in analysis
    )
    assert "New staff file more." in analysis


def test_write_workshops_into_a_staging_folder(tmp_path):
    processed = write_quarter(tmp_path / "processed")
    pairs = write_workshops(QUARTER, processed, tmp_path / "staging")
    assert [name for name, _ in pairs] == [
        "workshop-definitie.html",
        "workshop-analyse.html",
        "workshop-interventie.html",
    ]
    assert all((tmp_path / "staging" / name).exists() for name, _ in pairs)
    assert pairs[0][1].startswith("Werksessie 1")
