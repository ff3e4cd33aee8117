import pandas as pd

from selfreliance import narrative
from selfreliance.present import fmt_eur, fmt_number, fmt_pct, table


def _summary(n, share, hours=3.25):
    return pd.DataFrame(
        {
            "metric": [
                "tickets",
                "self_solvable_share",
                "median_resolution_business_hours",
                "it_hours_spent",
                "self_solvable_per_fte_month",
            ],
            "value": [n, share, hours, 1234.4, 0.4321],
            "unit": ["tickets", "share", "office hours", "hours", "tickets per FTE-month"],
        }
    )


def test_diagnose_summary_in_dutch_and_english():
    text = narrative.diagnose_summary(_summary(1200, 0.4249), _summary(1000, 0.4), "2026Q3")
    assert "3e kwartaal 2026" in text
    assert "**1.200 tickets**" in text and "20 % meer dan het kwartaal ervoor" in text
    assert "**42 %**" in text and "3,2 kantooruren" in text and "0,43" in text
    assert len(text.splitlines()) == 5
    english = narrative.diagnose_summary(_summary(1200, 0.4249), None, "2026Q3", lang="en")
    assert "**1,200 tickets**" in english and "Q3 2026" in english


def test_number_formats():
    assert fmt_number(-1234567.891, 2) == "-1.234.567,89"
    assert fmt_pct(0.5, 1, "en") == "50.0%"
    assert fmt_eur(float("nan")) == "\u20ac \u2013"


def test_table_escapes_text():
    html = table(pd.DataFrame({"title": ["<script>alert(1)</script>"]})).to_html()
    assert "<script>" not in html and "&lt;script&gt;" in html
