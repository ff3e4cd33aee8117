"""The coders' kappa from `label import` travels through ingest into the diagnose report."""

from __future__ import annotations

import pandas as pd

from selfreliance.narrative import coder_agreement_table
from selfreliance.pipeline import Sources, load_processed, run_ingest


def test_agreement_beside_the_labels_reaches_the_report(tmp_path):
    tickets = tmp_path / "tickets.csv"
    tickets.write_text(
        "ticket_id,opened_at,title\nT1,2026-07-01 09:00,Wachtwoord vergeten\nT2,2026-07-02 09:00,Printer\n",
        encoding="utf-8",
    )
    labels = tmp_path / "labels.csv"
    labels.write_text(
        "ticket_id,question_type,self_solvability\nT1,password_mfa,self\n", encoding="utf-8"
    )
    pd.DataFrame(
        [
            {
                "comparison": "A vs B",
                "target": "question_type",
                "n": 200,
                "po": 0.9,
                "pe": 0.1,
                "kappa": 0.889,
                "se": 0.02,
                "ci_low": 0.85,
                "ci_high": 0.93,
            }
        ]
    ).to_csv(tmp_path / "labels_agreement.csv", index=False)
    processed = tmp_path / "processed"
    run_ingest(Sources(tickets=tickets, source="generic", labels=labels), processed, key=bytes(32))
    data = load_processed(processed)
    assert data.agreement is not None and data.agreement.loc[0, "kappa"] == 0.889
    html = coder_agreement_table(data.agreement).to_html()
    assert "0,89" in html and "0,85" in html and "90 %" in html
    # Without a coding file the report says how to make one instead of failing.
    (tmp_path / "labels_agreement.csv").unlink()
    run_ingest(Sources(tickets=tickets, source="generic", labels=labels), processed, key=bytes(32))
    assert load_processed(processed).agreement is None
    assert "label export" in coder_agreement_table(None)
