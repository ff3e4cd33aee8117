"""Plain-language text for the reports: summaries built from result tables, in Dutch or English.

Sentences never claim proof; they state estimates with their uncertainty and say what is not
known.
"""

from __future__ import annotations

import pandas as pd

from selfreliance.categorise import Codebook
from selfreliance.present import fmt_eur, fmt_number, fmt_pct, label, table
from selfreliance.quarters import quarter_label


def _value(summary: pd.DataFrame, metric: str) -> float:
    hit = summary.loc[summary["metric"] == metric, "value"]
    return float(hit.iloc[0]) if len(hit) else float("nan")


def _change(now: float, before: float, lang: str) -> str:
    if pd.isna(before) or before == 0:
        return ""
    delta = now / before - 1
    if lang == "nl":
        word = "meer dan" if delta > 0 else "minder dan"
        return f" ({fmt_pct(abs(delta), 0, lang)} {word} het kwartaal ervoor)"
    word = "more than" if delta > 0 else "fewer than"
    return f" ({fmt_pct(abs(delta), 0, lang)} {word} the quarter before)"


def diagnose_summary(
    current: pd.DataFrame, previous: pd.DataFrame | None, quarter: str, *, lang: str = "nl"
) -> str:
    """Five-line summary of the diagnose report (Markdown)."""
    n = _value(current, "tickets")
    n_before = _value(previous, "tickets") if previous is not None else float("nan")
    share = _value(current, "self_solvable_share")
    resolution = _value(current, "median_resolution_business_hours")
    hours = _value(current, "it_hours_spent")
    per_fte = _value(current, "self_solvable_per_fte_month")
    q = quarter_label(quarter, lang)
    if lang == "nl":
        lines = [
            f"- In het {q} kwamen **{fmt_number(n, 0)} tickets** binnen{_change(n, n_before, lang)}.",
            f"- **{fmt_pct(share)}** daarvan gaat over vragen die medewerkers volgens de definitie zelf kunnen oplossen.",
            f"- De mediaan doorlooptijd tot oplossing was **{fmt_number(resolution, 1)} kantooruren**.",
            f"- IT besteedde **{fmt_number(hours, 0)} uur** aan tickets in dit kwartaal.",
            (
                f"- Per voltijdse maand dient een medewerker gemiddeld **{fmt_number(per_fte, 2)}** zelf oplosbare tickets in."
                if not pd.isna(per_fte)
                else "- Zonder personeelslijst zijn er geen cijfers per medewerker."
            ),
        ]
    else:
        lines = [
            f"- In {q}, **{fmt_number(n, 0, lang)} tickets** came in{_change(n, n_before, lang)}.",
            f"- **{fmt_pct(share, 0, lang)}** concern questions staff can solve themselves by the definition.",
            f"- Median time to resolution was **{fmt_number(resolution, 1, lang)} office hours**.",
            f"- IT spent **{fmt_number(hours, 0, lang)} hours** on tickets this quarter.",
            (
                f"- Per full-time month, a staff member files **{fmt_number(per_fte, 2, lang)}** self-solvable tickets on average."
                if not pd.isna(per_fte)
                else "- Without a roster there are no per-person figures."
            ),
        ]
    return "\n".join(lines)


def codebook_table(codebook: Codebook, *, lang: str = "nl"):
    """The definition of self-reliance: every question type, its class and the reason."""
    types = codebook.types
    shown = pd.DataFrame(
        {
            "label": types[lang],
            "self_solvability": types["self_solvability"].map(lambda s: label(s, lang)),
            "reason": types[f"reason_{lang}"] if f"reason_{lang}" in types else "",
        }
    )
    styler = table(shown, lang=lang)
    return styler.relabel_index(
        ["Vraagtype", "Zelf oplosbaar?", "Waarom"]
        if lang == "nl"
        else ["Question type", "Self-solvable?", "Why"],
        axis="columns",
    )


def analyse_summary(results: pd.DataFrame, *, lang: str = "nl") -> str:
    """Summary of the hypothesis table: how many hold, which, and what could not be tested."""
    counts = results["status"].value_counts()
    supported = results.loc[results["status"] == "supported", "hypothesis_id"].tolist()
    untestable = results.loc[results["status"] == "not_testable", "hypothesis_id"].tolist()
    if lang == "nl":
        lines = [
            f"- Getoetst: **{len(results) - len(untestable)}** van de {len(results)} hypothesen; "
            f"**{counts.get('supported', 0)}** worden ondersteund door de data ({', '.join(supported) or 'geen'}).",
            f"- **{counts.get('not_supported', 0)}** worden niet ondersteund: daar is geen effect aangetoond, "
            "wat niet hetzelfde is als 'geen effect' (zie het kleinste aantoonbare effect).",
            f"- **{counts.get('contrary', 0)}** wijzen in de omgekeerde richting van de verwachting.",
            (
                f"- Niet toetsbaar met de beschikbare data: {', '.join(untestable)}."
                if untestable
                else "- Alle hypothesen konden met de beschikbare data getoetst worden."
            ),
            "- Vals-positieven zijn beperkt per familie van hypothesen (Benjamini-Hochberg, q < 0,05).",
        ]
    else:
        lines = [
            f"- Tested: **{len(results) - len(untestable)}** of {len(results)} hypotheses; "
            f"**{counts.get('supported', 0)}** are supported by the data ({', '.join(supported) or 'none'}).",
            f"- **{counts.get('not_supported', 0)}** are not supported: no effect was shown, which is not the same as 'no effect'.",
            f"- **{counts.get('contrary', 0)}** point in the opposite direction.",
            (
                f"- Not testable with the data at hand: {', '.join(untestable)}."
                if untestable
                else "- Every hypothesis could be tested."
            ),
            "- False discoveries are controlled per family of hypotheses (Benjamini-Hochberg, q < 0.05).",
        ]
    return "\n".join(lines)


def intervene_summary(
    savings: pd.DataFrame, avoidable: pd.DataFrame, codebook: Codebook, *, lang: str = "nl"
) -> str:
    """Summary of the savings potential (Markdown)."""
    expected = savings.set_index("scenario").loc["expected"]
    top = avoidable.head(3)["question_type"].map(lambda t: codebook.label(t, lang)).tolist()
    if lang == "nl":
        lines = [
            f"- De grootste bronnen van vermijdbare tickets: **{', '.join(top)}**.",
            f"- In het verwachte scenario verschuiven **{fmt_number(expected['avoidable_tickets'], 0)} tickets per jaar** naar zelfhulp.",
            f"- Dat maakt ongeveer **{fmt_number(expected['it_hours_freed'], 0)} IT-uren** per jaar vrij.",
            f"- Geschatte besparing: **{fmt_eur(expected['savings_eur'])} per jaar** "
            f"(90%-interval {fmt_eur(expected['savings_low'])} tot {fmt_eur(expected['savings_high'])}).",
            "- Dit is een potentieel, geen belofte: de werkelijke winst hangt af van de gekozen acties en hun bereik.",
        ]
    else:
        lines = [
            f"- Largest sources of avoidable tickets: **{', '.join(top)}**.",
            f"- In the expected scenario **{fmt_number(expected['avoidable_tickets'], 0, lang)} tickets a year** move to self-help.",
            f"- That frees about **{fmt_number(expected['it_hours_freed'], 0, lang)} IT hours** a year.",
            f"- Estimated saving: **{fmt_eur(expected['savings_eur'], lang)} a year** "
            f"(90% interval {fmt_eur(expected['savings_low'], lang)} to {fmt_eur(expected['savings_high'], lang)}).",
            "- This is a potential, not a promise: the real gain depends on the actions chosen and their reach.",
        ]
    return "\n".join(lines)


def codebook_note(codebook: Codebook, summary: dict, *, lang: str = "nl") -> str:
    """Which codebook version classified the data, and a warning when the shipped one differs."""
    used = summary.get("codebook_version")
    if used == codebook.version:
        return f"Codeboek versie **{used}**." if lang == "nl" else f"Codebook version **{used}**."
    if lang == "nl":
        return (
            f"De tickets zijn ingedeeld met codeboek **{used}**; het huidige codeboek is **{codebook.version}**. "
            "Voer `selfreliance ingest` opnieuw uit om met de nieuwe definitie te werken."
        )
    return (
        f"The tickets were classified with codebook **{used}**; the current codebook is **{codebook.version}**. "
        "Run `selfreliance ingest` again to use the new definition."
    )


def reconciliation_table(summary: dict, *, lang: str = "nl"):
    """Rows read = kept + duplicates merged + quarantined, as one table row."""
    counts = pd.DataFrame([summary["counts"]])[
        ["rows_read", "rows_kept", "duplicates_merged", "rows_quarantined"]
    ]
    names = (
        ["Rijen gelezen", "Behouden", "Duplicaten samengevoegd", "In quarantaine"]
        if lang == "nl"
        else ["Rows read", "Kept", "Duplicates merged", "Quarantined"]
    )
    return table(counts, lang=lang).relabel_index(names, axis="columns")


def quarantine_table(summary: dict, *, lang: str = "nl"):
    """Quarantined rows per reason, or a sentence when there are none."""
    reasons = summary.get("quarantine_reasons") or {}
    if not reasons:
        return "Geen rijen in quarantaine." if lang == "nl" else "No rows quarantined."
    frame = pd.DataFrame({"reason": list(reasons), "n": list(reasons.values())})
    return table(frame, lang=lang, translate_values=("reason",))


def availability_table(*, people, survey, interventions, lang: str = "nl"):
    """Which of the four data sources are present (the client's 'what data do we have?')."""
    yes, no = ("ja", "nee") if lang == "nl" else ("yes", "no")
    names = (
        ["Tickets", "Personeelslijst", "Bevraging", "Interventielogboek"]
        if lang == "nl"
        else ["Tickets", "Roster", "Survey", "Intervention log"]
    )
    present_ = [True, people is not None, survey is not None, interventions is not None]
    frame = pd.DataFrame({"source": names, "available": [yes if p else no for p in present_]})
    return table(frame, lang=lang).relabel_index(
        ["Gegeven", "Beschikbaar"] if lang == "nl" else ["Data", "Available"], axis="columns"
    )


def assumptions_table(costs: dict, *, lang: str = "nl"):
    """The cost model's assumptions with their expected value and range."""
    entries = [
        ("it_hourly_cost.line1", "IT eerstelijn, EUR per uur", "IT first line, EUR per hour"),
        ("it_hourly_cost.line2", "IT tweedelijn, EUR per uur", "IT second line, EUR per hour"),
        ("staff_hourly_cost", "Medewerker, EUR per uur", "Staff member, EUR per hour"),
        (
            "default_handling_minutes.line1",
            "Standaard behandeltijd eerstelijn (min.)",
            "Default handling time first line (min)",
        ),
        (
            "default_handling_minutes.line2",
            "Standaard behandeltijd tweedelijn (min.)",
            "Default handling time second line (min)",
        ),
        (
            "productive_loss_share",
            "Aandeel wachttijd dat verloren werktijd is",
            "Share of waiting time lost",
        ),
        (
            "self_help_cost_per_ticket",
            "Kost zelfhulp per vraag (EUR)",
            "Self-help cost per question (EUR)",
        ),
    ]
    rows = []
    for path, nl, en in entries:
        spec = costs
        for part in path.split("."):
            spec = spec[part]
        rows.append(
            {
                "assumption": nl if lang == "nl" else en,
                "expected": spec["expected"],
                "low": spec["low"],
                "high": spec["high"],
            }
        )
    names = (
        ["Aanname", "Verwacht", "Laag", "Hoog"]
        if lang == "nl"
        else ["Assumption", "Expected", "Low", "High"]
    )
    return table(
        pd.DataFrame(rows), lang=lang, decimals={"expected": 2, "low": 2, "high": 2}
    ).relabel_index(names, axis="columns")


def interventions_table(interventions: pd.DataFrame | None, *, lang: str = "nl"):
    """The intervention log as a table, or a sentence when there is none."""
    if interventions is None or interventions.empty:
        return (
            "Nog geen interventielogboek aangeleverd."
            if lang == "nl"
            else "No intervention log yet."
        )
    shown = interventions.assign(teams=interventions["teams"].map(" | ".join))[
        ["name", "direction", "start_date", "end_date", "teams", "cost_eur"]
    ]
    names = (
        ["Actie", "Richting", "Start", "Einde", "Teams", "Kost (EUR)"]
        if lang == "nl"
        else ["Action", "Direction", "Start", "End", "Teams", "Cost (EUR)"]
    )
    return table(shown, lang=lang, eur=("cost_eur",)).relabel_index(names, axis="columns")
