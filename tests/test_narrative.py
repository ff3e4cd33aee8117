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


def test_forest_plot_keeps_recurrence_ratios_apart_from_irrs():
    import matplotlib.pyplot as plt
    import pandas as pd

    from selfreliance import figures

    results = pd.DataFrame(
        {
            "hypothesis_id": ["H1", "H4", "H8a"],
            "kind": ["count", "count", "concentration"],
            "irr": [2.0, 0.8, 1.4],
            "ci_low": [1.5, 0.7, 1.2],
            "ci_high": [2.6, 0.9, 1.6],
        }
    )
    for lang, words in (("nl", "Herhaalgedrag"), ("en", "Recurring behaviour")):
        fig = figures.irr_forest(results, lang=lang)
        legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
        assert len(legend) == 2 and legend[1].startswith(words)
        # the ratio is drawn in its own series, at its own row (the top one)
        series = [line for line in fig.axes[0].lines if line.get_marker() in ("o", "s")]
        squares = [line for line in series if line.get_marker() == "s"]
        assert len(squares) == 1 and list(squares[0].get_xdata()) == [1.4]
        plt.close(fig)
    only_irr = figures.irr_forest(results.iloc[:2])
    assert only_irr.axes[0].get_legend() is None
    plt.close(only_irr)


def test_evaluation_paragraph_in_both_languages_from_one_phrase_table():
    import pandas as pd

    from selfreliance import narrative
    from selfreliance.categorise import load_codebook

    row = {
        "name": "Zelfservice wachtwoordreset", "start": pd.Timestamp("2026-01-12"),
        "teams": "A|B|C", "question_types": "password_mfa", "status": "reduced",
        "design": "did", "irr": 0.6, "ci_low": 0.45, "ci_high": 0.85,
        "tickets_avoided": 120.0, "tickets_avoided_low": 50.0, "tickets_avoided_high": 190.0,
        "it_hours_freed": 40.0, "it_hours_freed_low": 15.0, "it_hours_freed_high": 70.0,
        "staff_waiting_hours_saved": 300.0, "staff_waiting_hours_saved_low": 100.0,
        "staff_waiting_hours_saved_high": 500.0, "eur_saved": 9000.0,
        "placebo_irr": 1.05, "placebo_ci_low": 0.8, "placebo_ci_high": 1.3,
    }  # fmt: skip
    frame = pd.DataFrame([row])
    nl = narrative.evaluation_summary(frame, load_codebook(), lang="nl")
    en = narrative.evaluation_summary(frame, load_codebook(), lang="en")
    assert "vanaf 12/01/2026, 3 teams" in nl and "**0,60 keer**" in nl and "**40 %" in nl
    assert "from 2026-01-12, 3 teams" in en and "**0.60 times**" in en and "**40% fewer**" in en
    assert "zoals het hoort" in nl and "as it should be" in en
    failed = frame.assign(placebo_ci_low=1.1, placebo_ci_high=1.4, status="no_clear_change")
    assert "Read with care" in narrative.evaluation_summary(failed, load_codebook(), lang="en")
