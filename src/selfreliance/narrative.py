"""Plain-language text for the reports: summaries built from result tables, in Dutch or English.

Sentences never claim proof; they state estimates with their uncertainty and say what is not
known.
"""

from __future__ import annotations

import pandas as pd

from selfreliance.categorise import Codebook
from selfreliance.metrics import classification_check
from selfreliance.present import fmt_eur, fmt_number, fmt_pct, fmt_range, label, table
from selfreliance.quarters import quarter_label

# Short labels and sentences that the notebooks' code cells show, per language.
TEXTS = {
    "summary": ("Samenvatting", "Summary"),
    "needs_roster": (
        "Zonder personeelslijst kan dit niet berekend worden.",
        "This cannot be calculated without a staff roster.",
    ),
    "no_roster_teams": (
        "Zonder personeelslijst zijn er geen cijfers per team.",
        "Without a staff roster there are no figures per team.",
    ),
    "no_survey": (
        "Geen bevraging aangeleverd: de hypothesen over kunnen, willen, psychologische veiligheid "
        "en de leidinggevende als rolmodel (bevraging) zijn niet toetsbaar.",
        "No survey supplied: the hypotheses on ability, motivation, psychological safety and the "
        "team leader as role model (survey) cannot be tested.",
    ),
}


def text(key: str, lang: str = "nl") -> str:
    """A short label or sentence of the reports in ``lang`` (Dutch for anything but "en").

    Examples
    --------
    >>> text("summary", "en")
    'Summary'
    """
    nl, en = TEXTS[key]
    return en if lang == "en" else nl


def heading(key: str, lang: str = "nl", detail: str = "", level: int = 2) -> str:
    """A Markdown heading from :data:`TEXTS`, optionally followed by ``: detail``.

    Examples
    --------
    >>> heading("summary", "nl", "Q3 2026")
    '## Samenvatting: Q3 2026'
    """
    return "#" * level + " " + text(key, lang) + (f": {detail}" if detail else "")


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
    if lang == "en":
        directions = _default_catalogue()["directions"]
        english = {d["nl"].lower(): d["en"] for d in directions.values() if "nl" in d and "en" in d}
        english.update({key: d["en"] for key, d in directions.items() if "en" in d})
        interventions = interventions.assign(
            direction=interventions["direction"].map(
                lambda d: english.get(str(d).strip().lower(), d)
            )
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


# --------------------------------------------------------------------------------------
# Intervene report: advice, ROI, KPI monitoring, evaluation
# --------------------------------------------------------------------------------------


def _interval(
    low: float, high: float, decimals: int = 0, lang: str = "nl", eur: bool = False
) -> str:
    fmt = (lambda v: fmt_eur(v, lang)) if eur else (lambda v: fmt_number(v, decimals, lang))
    word = "tot" if lang == "nl" else "to"
    return f"{fmt(low)} {word} {fmt(high)}"


def _months(value: float, lang: str = "nl") -> str:
    if pd.isna(value) or value == float("inf"):
        return "niet binnen de looptijd" if lang == "nl" else "not within the horizon"
    return fmt_number(value, 0, lang)


def _default_catalogue() -> dict:
    from selfreliance.interventions import load_catalogue

    return load_catalogue(None)


def action_names(
    ranked: pd.DataFrame, lang: str = "nl", catalogue: dict | None = None
) -> list[str]:
    """The actions' names in ``lang``: the table's (Dutch) ``name`` column, or in English the
    catalogue's ``name_en`` (the shipped catalogue when none is given; Dutch when it has none)."""
    if lang != "en" or "action_id" not in ranked:
        return ranked["name"].tolist()
    actions = (catalogue or _default_catalogue())["actions"]
    english = {a["id"]: a.get("name_en") or a.get("name_nl") for a in actions}
    return [
        english.get(i) or name for i, name in zip(ranked["action_id"], ranked["name"], strict=True)
    ]


def direction_names(
    ranked: pd.DataFrame, lang: str = "nl", catalogue: dict | None = None
) -> list[str]:
    """The actions' directions in ``lang`` (the catalogue's ``directions`` in English)."""
    if lang != "en" or "direction" not in ranked:
        return ranked["direction_nl"].tolist()
    directions = (catalogue or _default_catalogue())["directions"]
    return [
        directions.get(d, {}).get("en") or nl
        for d, nl in zip(ranked["direction"], ranked["direction_nl"], strict=True)
    ]


def advice_summary(
    ranked: pd.DataFrame, *, has_analysis: bool, lang: str = "nl", catalogue: dict | None = None
) -> str:
    """Summary of the ranked advice (Markdown): what to start, what to pilot, what not now."""
    named = ranked.assign(name=action_names(ranked, lang, catalogue))
    names = {
        t: named.loc[named["tier"] == t, "name"].tolist()
        for t in ("recommended", "pilot", "not_now")
    }
    if lang == "nl":
        lines = [
            f"- **Aanbevolen**: {', '.join(names['recommended']) or 'geen'}."
            " De volgorde volgt de verwachte netto opbrengst over de looptijd.",
            f"- **Enkel als proef met meting** (de oorzaak is in onze data niet aangetoond): {', '.join(names['pilot']) or 'geen'}.",
            f"- **Nu niet**: {', '.join(names['not_now']) or 'geen'}.",
            "- Acties op dezelfde vraagtypes tellen niet zomaar op: wie zijn wachtwoord zelf terugzet, heeft geen artikel meer nodig.",
        ]
        if not has_analysis:
            lines.append(
                "- **Let op**: de resultaten van de analyse (stap 2) zijn er nog niet; het advies steunt "
                "alleen op het ticketvolume. Voer eerst het analyserapport uit."
            )
    else:
        lines = [
            f"- **Recommended**: {', '.join(names['recommended']) or 'none'}.",
            f"- **Only as a measured pilot** (cause not shown in our data): {', '.join(names['pilot']) or 'none'}.",
            f"- **Not now**: {', '.join(names['not_now']) or 'none'}.",
            "- Actions on the same question types do not simply add up.",
        ]
        if not has_analysis:
            lines.append(
                "- **Note**: the analyse step has not run yet; the advice rests on volume only."
            )
    return "\n".join(lines)


def _count_phrase(counts: dict[str, int], words: dict[str, str], lang: str) -> str:
    parts = [f"{n} {words[k]}" for k, n in counts.items() if n and k in words]
    if not parts:
        return ""
    if len(parts) == 1:
        return parts[0]
    return ", ".join(parts[:-1]) + (" en " if lang == "nl" else " and ") + parts[-1]


def intervene_headline(
    ranked: pd.DataFrame,
    evaluated: pd.DataFrame | None,
    kpi_status: pd.DataFrame,
    quarter: str,
    *,
    has_analysis: bool,
    lang: str = "nl",
    catalogue: dict | None = None,
) -> str:
    """The five-line summary at the top of the intervene report (Markdown bullets): what to
    start, what to pilot, whether the logged actions worked, the key indicators, and the
    caveat. The details follow in the report's sections."""
    nl = lang != "en"
    names = dict(zip(ranked["action_id"], action_names(ranked, lang, catalogue), strict=True))
    by_tier = {
        t: [names[i] for i in ranked.loc[ranked["tier"] == t, "action_id"]]
        for t in ("recommended", "pilot", "not_now")
    }
    none = "geen" if nl else "none"
    lines = [
        (
            f"- **Aanbevolen**: {', '.join(by_tier['recommended']) or none} (onderbouwing in deel 1)."
            if nl
            else f"- **Recommended**: {', '.join(by_tier['recommended']) or none} (evidence in section 1)."
        ),
        (
            f"- **Als proef met meting**: {', '.join(by_tier['pilot']) or none}; "
            f"**nu niet**: {len(by_tier['not_now'])} acties."
            if nl
            else f"- **As a measured pilot**: {', '.join(by_tier['pilot']) or none}; "
            f"**not now**: {len(by_tier['not_now'])} actions."
        ),
    ]
    if evaluated is None or evaluated.empty:
        lines.append(
            "- Het interventielogboek is nog leeg: er valt nog niets te evalueren."
            if nl
            else "- The intervention log is empty: nothing to evaluate yet."
        )
    else:
        status = evaluated["status"].fillna("not_evaluable")
        counts = {
            s: int((status == s).sum())
            for s in ("reduced", "no_clear_change", "increased", "not_evaluable")
        }
        reduced = evaluated.loc[status == "reduced", "name"].tolist()
        words = (
            {"reduced": "met minder tickets", "no_clear_change": "zonder duidelijke verandering",
             "increased": "met meer tickets", "not_evaluable": "nog niet te beoordelen"}
            if nl
            else {"reduced": "with fewer tickets", "no_clear_change": "without a clear change",
                  "increased": "with more tickets", "not_evaluable": "not yet assessable"}
        )  # fmt: skip
        if reduced:
            words["reduced"] += f" ({', '.join(reduced)})"
        lines.append(
            f"- **Werkten de acties?** Van de {len(evaluated)} acties in het logboek: "
            f"{_count_phrase(counts, words, lang)} (deel 5)."
            if nl
            else f"- **Did the actions work?** Of the {len(evaluated)} logged actions: "
            f"{_count_phrase(counts, words, lang)} (section 5)."
        )
    q = quarter_label(quarter, lang)
    kpi_counts = {
        s: int((kpi_status["status"] == s).sum())
        for s in ("target_met", "improving", "stable", "worse", "no_data")
    }
    kpi_words = (
        {"target_met": "op doel", "improving": "verbeteren", "stable": "stabiel",
         "worse": "verslechteren", "no_data": "zonder gegevens"}
        if nl
        else {"target_met": "on target", "improving": "improving", "stable": "stable",
              "worse": "worsening", "no_data": "without data"}
    )  # fmt: skip
    lines.append(
        f"- **Kernindicatoren** in het {q}: {_count_phrase(kpi_counts, kpi_words, lang) or 'geen gegevens'} (deel 4)."
        if nl
        else f"- **Key indicators** in {q}: {_count_phrase(kpi_counts, kpi_words, lang) or 'no data'} (section 4)."
    )
    if not has_analysis:
        lines.append(
            "- **Let op**: de analyse (stap 2) is nog niet uitgevoerd; het advies steunt alleen op het ticketvolume."
            if nl
            else "- **Note**: the analyse step has not run yet; the advice rests on ticket volume only."
        )
    else:
        lines.append(
            "- Bedragen en effecten zijn schattingen met onzekerheid (90%-intervallen in deel 3), geen beloftes."
            if nl
            else "- Amounts and effects are estimates with uncertainty (90% intervals in section 3), not promises."
        )
    return "\n".join(lines)


def advice_table(ranked: pd.DataFrame, *, lang: str = "nl", catalogue: dict | None = None):
    """The ranked actions with their evidence class, tickets avoided, net value and payback."""
    shown = pd.DataFrame(
        {
            "rank": ranked["rank"],
            "action": action_names(ranked, lang, catalogue),
            "direction_nl": direction_names(ranked, lang, catalogue),
            "evidence": ranked["evidence"].map(lambda e: label(e, lang)),
            "tier": ranked["tier"].map(lambda t: label(t, lang)),
            "avoided_range": fmt_range(
                ranked["avoided_tickets"],
                ranked["avoided_low"],
                ranked["avoided_high"],
                lambda v: fmt_number(v, 0, lang),
                lang,
            ),
            "net_value_range": fmt_range(
                ranked["net_value_eur"],
                ranked["net_value_low"],
                ranked["net_value_high"],
                lambda v: fmt_eur(v, lang),
                lang,
            ),
            "payback_range": fmt_range(
                ranked["payback_months"],
                ranked["payback_low"],
                ranked["payback_high"],
                lambda v: _months(v, lang),
                lang,
            ),
        }
    )
    return table(shown, lang=lang)


def advice_evidence(ranked: pd.DataFrame, catalogue: dict, *, lang: str = "nl") -> str:
    """Per action: what it is, its COM-B functions and every line of evidence (Markdown).

    The evidence lines come from :func:`selfreliance.interventions.rank_actions`
    (``evidence_nl`` / ``evidence_en``); the catalogue's description is shown when it has one
    in ``lang`` (``what_nl`` / ``what_en``).
    """
    actions = {a["id"]: a for a in catalogue["actions"]}
    names = action_names(ranked, lang, catalogue)
    directions = direction_names(ranked, lang, catalogue)
    column = "evidence_en" if lang == "en" and "evidence_en" in ranked else "evidence_nl"
    blocks = []
    for row, name, direction, evidence in zip(
        ranked.itertuples(), names, directions, ranked[column], strict=True
    ):
        action = actions[row.action_id]
        what = " ".join(str(action.get(f"what_{lang}", "")).split())
        functions = ", ".join(f.replace("_", " ") for f in action["com_b"].get("functions", []))
        head = f"**{row.rank}. {name}** ({direction}; {label(row.tier, lang)})"
        blocks.append(
            f"{head}  \n" + (f"{what}  \n" if what else "") + f"COM-B: {functions}.\n\n{evidence}"
        )
    return "\n\n".join(blocks)


def roi_table(
    ranked: pd.DataFrame, *, horizon_years: float, lang: str = "nl", catalogue: dict | None = None
):
    """ROI per action: yearly net benefit, one-off cost, ROI over the horizon, payback."""
    pct = lambda v: fmt_pct(v, 0, lang) if v not in (float("inf"), float("-inf")) else "\u2013"  # noqa: E731
    shown = pd.DataFrame(
        {
            "action": action_names(ranked, lang, catalogue),
            "one_off_eur": ranked["one_off_eur"],
            "net_benefit": fmt_range(
                ranked["net_benefit_eur"],
                ranked["net_low"],
                ranked["net_high"],
                lambda v: fmt_eur(v, lang),
                lang,
            ),
            "roi_range": fmt_range(ranked["roi"], ranked["roi_low"], ranked["roi_high"], pct, lang),
            "p_payback": ranked["p_payback"],
        }
    )
    names = (
        ["Actie", "Eenmalige kost incl. uren", "Netto opbrengst per jaar (90%-interval)",
         f"Rendement over {fmt_number(horizon_years, 0)} jaar (90%-interval)",
         "Kans dat de actie zich terugverdient binnen de looptijd"]
        if lang == "nl"
        else ["Action", "One-off cost incl. hours", "Net benefit per year (90% interval)",
              f"ROI over {horizon_years:g} years (90% interval)", "Chance of payback within the horizon"]
    )  # fmt: skip
    return table(shown, lang=lang, eur=("one_off_eur",), pct=("p_payback",)).relabel_index(
        names, axis="columns"
    )


def kpi_summary(status: pd.DataFrame, quarter: str, *, lang: str = "nl") -> str:
    """One sentence per KPI: value, baseline, target and status (Markdown)."""
    q = quarter_label(quarter, lang)
    lines = []
    for row in status.itertuples():
        decimals = 0 if row.unit == "tickets" else 2
        value = (
            fmt_pct(row.value, 0, lang)
            if row.unit == "share"
            else fmt_number(row.value, decimals, lang)
        )
        base = (
            fmt_pct(row.baseline, 0, lang)
            if row.unit == "share"
            else fmt_number(row.baseline, decimals, lang)
        )
        target = (
            fmt_pct(row.target, 0, lang)
            if row.unit == "share"
            else fmt_number(row.target, decimals, lang)
        )
        if lang == "nl":
            lines.append(
                f"- {label(row.metric, lang)}: **{value}** in het {q} (basislijn {base}, doel {target}): "
                f"**{label(row.status, lang)}**."
            )
        else:
            lines.append(
                f"- {row.metric.replace('_', ' ')}: **{value}** in {q} (baseline {base}, target {target}): **{row.status.replace('_', ' ')}**."
            )
    return "\n".join(lines)


def kpi_table(status: pd.DataFrame, *, lang: str = "nl"):
    """KPI status table with values formatted by unit."""

    def fmt(value: float, unit: str) -> str:
        if unit == "share":
            return fmt_pct(value, 1, lang)
        return fmt_number(value, 0 if unit == "tickets" else 2, lang)

    shown = pd.DataFrame(
        {
            "metric": status["metric"].map(lambda m: label(m, lang)),
            "baseline": [
                fmt(v, u) for v, u in zip(status["baseline"], status["unit"], strict=True)
            ],
            "target": [fmt(v, u) for v, u in zip(status["target"], status["unit"], strict=True)],
            "value": [fmt(v, u) for v, u in zip(status["value"], status["unit"], strict=True)],
            "change": status["change"],
            "same_quarter_last_year": [
                fmt(v, u)
                for v, u in zip(status["same_quarter_last_year"], status["unit"], strict=True)
            ],
            "trend_per_quarter": status["trend_per_quarter"],
            "status": status["status"].map(lambda s: label(s, lang)),
        }
    )
    return table(shown, lang=lang, pct=("change", "trend_per_quarter"))


#: Phrases of the evaluation paragraph per language (filled by :func:`_evaluation_block`).
_EVALUATION_TEXT = {
    "nl": {
        "empty": "Er staan nog geen acties in het interventielogboek; er valt nog niets te evalueren.",
        "all_teams": "alle teams",
        "date": "%d/%m/%Y",
        "head": "**{name}** (vanaf {when}, {who}; vraagtypes: {types})",
        "not_evaluable": "{head}: nog niet te beoordelen: er zijn te weinig weken gegevens voor "
        "of na de start (minstens 12 weken ervoor en 8 erna), of er ontbreken gegevens.",
        "did": "vergeleken met de teams die niet deelnamen (verschil-in-verschillen)",
        "its": "vergeleken met de eigen trend en seizoenspatroon vóór de start (onderbroken "
        "tijdreeks)",
        "ci": "95%-betrouwbaarheidsinterval {lo} tot {hi}",
        "reduced": "{head}: het aantal tickets van deze types lag na de start op **{irr} keer** "
        "het verwachte niveau, {method} ({ci}): ongeveer **{drop} minder**. Omgerekend: "
        "ongeveer **{tickets} tickets per jaar** minder ({tickets_range}), **{hours} IT-uren** "
        "({hours_range}) en **{waiting} uur wachttijd** voor medewerkers ({waiting_range}), "
        "samen zo'n {eur} per jaar.",
        "increased": "{head}: na de start kwamen er **meer** tickets van deze types: {irr} keer "
        "het verwachte niveau ({ci}). Bekijk wat er veranderde (nieuwe software, een uitrol ...).",
        "no_clear_change": "{head}: **geen duidelijke verandering**: {irr} keer het verwachte "
        "niveau, {method} ({ci}). Het interval bevat 'geen effect'; met deze gegevens is een "
        "effect niet aangetoond en ook niet uitgesloten.",
        "placebo": " Controle: dezelfde berekening met een nepstartdatum een jaar vroeger geeft "
        "{irr} ({lo} tot {hi})",
        "placebo_ok": ": geen effect, zoals het hoort. Dat maakt het resultaat geloofwaardiger.",
        "placebo_failed": ": ook daar een 'effect', dus het resultaat kan door iets anders komen "
        "dan de actie. Voorzichtig lezen.",
        "no_placebo": " Een controle met een nepstartdatum een jaar vroeger was niet mogelijk "
        "(te weinig gegevens vóór de start).",
    },
    "en": {
        "empty": "The intervention log is empty; nothing to evaluate yet.",
        "all_teams": "all teams",
        "date": "%Y-%m-%d",
        "head": "**{name}** (from {when}, {who}; question types: {types})",
        "not_evaluable": "{head}: cannot be judged yet: there are too few weeks of data before "
        "or after the start (at least 12 weeks before and 8 after), or data are missing.",
        "did": "compared with the teams that did not take part (difference-in-differences)",
        "its": "compared with its own trend and seasonal pattern before the start "
        "(interrupted time series)",
        "ci": "95% confidence interval {lo} to {hi}",
        "reduced": "{head}: after the start, tickets of these types were at **{irr} times** the "
        "expected level, {method} ({ci}): about **{drop} fewer**. That is about **{tickets} "
        "fewer tickets a year** ({tickets_range}), **{hours} IT hours** ({hours_range}) and "
        "**{waiting} hours of waiting** for staff ({waiting_range}), together some {eur} a year.",
        "increased": "{head}: after the start **more** tickets of these types came in: {irr} "
        "times the expected level ({ci}). Look at what changed (new software, a roll-out ...).",
        "no_clear_change": "{head}: **no clear change**: {irr} times the expected level, "
        "{method} ({ci}). The interval includes 'no effect'; with these data an effect is "
        "neither shown nor ruled out.",
        "placebo": " Check: the same calculation with a fake start date a year earlier gives "
        "{irr} ({lo} to {hi})",
        "placebo_ok": ": no effect, as it should be. That makes the result more credible.",
        "placebo_failed": ": an 'effect' there too, so the result may come from something "
        "other than the action. Read with care.",
        "no_placebo": " A check with a fake start date a year earlier was not possible (too "
        "little data before the start).",
    },
}


def evaluation_summary(summary: pd.DataFrame, codebook: Codebook, *, lang: str = "nl") -> str:
    """Plain-language result of every logged intervention (Markdown)."""
    if summary is None or summary.empty:
        return _EVALUATION_TEXT[lang]["empty"]
    blocks = []
    for row in summary.to_dict("records"):
        types = ", ".join(
            codebook.label(t.strip(), lang) if t.strip() in codebook.types.index else t.strip()
            for t in str(row.get("question_types", "")).split(",")
        )
        blocks.append(_evaluation_block(row, types, lang))
    return "\n\n".join(blocks)


def _evaluation_block(row: dict, types: str, lang: str) -> str:
    """One intervention's evaluation paragraph in ``lang``."""
    t = _EVALUATION_TEXT[lang]

    def num(value: float, decimals: int = 2) -> str:
        return fmt_number(value, decimals, lang)

    teams = str(row["teams"])
    who = t["all_teams"] if teams == "alle teams" else f"{len(teams.split('|'))} teams"
    head = t["head"].format(name=row["name"], when=row["start"].strftime(t["date"]), who=who,
                            types=types)  # fmt: skip
    if row.get("status") == "not_evaluable":
        return t["not_evaluable"].format(head=head)
    irr = row["irr"]
    parts = {
        "head": head,
        "irr": num(irr),
        "method": t["did"] if row["design"] == "did" else t["its"],
        "ci": t["ci"].format(lo=num(row["ci_low"]), hi=num(row["ci_high"])),
    }
    if row["status"] == "reduced":

        def rng(key: str) -> str:
            return _interval(row[f"{key}_low"], row[f"{key}_high"], lang=lang)

        text = t["reduced"].format(
            **parts,
            drop=fmt_pct(1 - irr, 0, lang),
            tickets=num(row["tickets_avoided"], 0),
            tickets_range=rng("tickets_avoided"),
            hours=num(row["it_hours_freed"], 0),
            hours_range=rng("it_hours_freed"),
            waiting=num(row["staff_waiting_hours_saved"], 0),
            waiting_range=rng("staff_waiting_hours_saved"),
            eur=fmt_eur(row["eur_saved"], lang),
        )
    else:
        key = "increased" if row["status"] == "increased" else "no_clear_change"
        text = t[key].format(**parts)
    if pd.isna(row.get("placebo_irr", float("nan"))):
        return text + t["no_placebo"]
    ok = row["placebo_ci_low"] <= 1 <= row["placebo_ci_high"]
    text += t["placebo"].format(irr=num(row["placebo_irr"]), lo=num(row["placebo_ci_low"]),
                                hi=num(row["placebo_ci_high"]))  # fmt: skip
    return text + (t["placebo_ok"] if ok else t["placebo_failed"])


def evaluation_table(estimates: pd.DataFrame, *, lang: str = "nl"):
    """Every estimate of every design (technical appendix)."""
    if estimates is None or estimates.empty:
        return "Geen schattingen." if lang == "nl" else "No estimates."
    shown = estimates[
        [
            "intervention_id",
            "design",
            "estimate",
            "placebo",
            "irr",
            "ci_low",
            "ci_high",
            "p_val",
            "method",
        ]
    ].copy()
    yes, no = ("ja", "nee") if lang == "nl" else ("yes", "no")
    shown["placebo"] = shown["placebo"].map(lambda p: yes if p else no)
    return table(
        shown,
        lang=lang,
        translate_values=("design", "estimate"),
        decimals={"irr": 3, "ci_low": 3, "ci_high": 3, "p_val": 3},
    )


def team_load_table(teams: pd.DataFrame, *, lang: str = "nl"):
    """Self-solvable load per team; teams of fewer than five people show no figures."""
    shown = teams[
        [
            "team",
            "n_people",
            "self_tickets",
            "rate",
            "ratio_to_org",
            "avoidable_expected",
            "suppressed",
        ]
    ].copy()
    shown["suppressed"] = shown["suppressed"].map(lambda s: label(s, lang) if s else "")
    return table(
        shown,
        lang=lang,
        decimals={
            "n_people": 0,
            "self_tickets": 0,
            "rate": 2,
            "ratio_to_org": 2,
            "avoidable_expected": 0,
        },
    )


def catalogue_assumptions(catalogue: dict, costs: dict, *, lang: str = "nl") -> str:
    """The assumptions behind advice and ROI, as a Markdown list."""
    assumed = [a["name_nl"] for a in catalogue["actions"] if a.get("assumption")]
    horizon = costs.get("horizon_years", 3)
    level = costs.get("monte_carlo", {}).get("interval", 0.9)
    if lang == "en":
        return "\n".join(
            [
                f"- The calculation runs over **{fmt_number(horizon, 0, lang)} years**; an action pays off only after its lead time.",
                f"- Intervals are **{fmt_pct(level, 0, lang)} intervals** from 4,000 draws (Monte Carlo) over every uncertain input: effect, costs, hours, hourly rates, handling time and waiting time.",
                "- The effect of an action is the fall in tickets of its question types once it runs. "
                f"For {len(assumed)} of the {len(catalogue['actions'])} actions that effect is an **assumption** "
                "(no published effect size): measure the effect yourself with a pilot and the evaluation below.",
                "- Hours of IT, HR, team leaders and staff (training) count as a cost at the hourly rate of the cost model.",
                "- Waiting time saved counts for the share that is lost working time; the rest is a gain in comfort at work, but not in euros.",
                "- Costs and effects are in `costs.yml` and `interventions.yml` and can be adapted per organisation.",
            ]
        )
    return "\n".join(
        [
            f"- De looptijd van de berekening is **{fmt_number(horizon, 0)} jaar**; een actie levert pas op na haar aanlooptijd.",
            f"- Intervallen zijn **{fmt_pct(level)}-intervallen** uit 4.000 trekkingen (Monte Carlo) over alle onzekere invoer: effect, kosten, uren, uurtarieven, behandeltijd en wachttijd.",
            "- Het effect van een actie is de daling van de tickets van haar vraagtypes zodra ze loopt. "
            f"Voor {len(assumed)} van de {len(catalogue['actions'])} acties is dat effect een **aanname** "
            "(geen gepubliceerde effectgrootte): meet het effect zelf met een proef en de evaluatie hieronder.",
            "- Uren van IT, P&O, leidinggevenden en medewerkers (opleiding) tellen mee als kost aan het uurtarief uit het kostenmodel.",
            "- Bespaarde wachttijd telt mee voor het aandeel dat verloren werktijd is; de rest is wel winst in werkcomfort, maar niet in euro.",
            "- Kosten en effecten staan in `costs.yml` en `interventions.yml` en zijn per organisatie aan te passen.",
        ]
    )


# --------------------------------------------------------------------------------------
# Analyse step (hypotheses): tables and sentences for the report
# --------------------------------------------------------------------------------------

_VERDICT_NL = {
    "supported": "ondersteund",
    "not_supported": "niet ondersteund",
    "inconclusive": "onbeslist",
    "contrary": "tegengesteld",
    "not_testable": "niet toetsbaar",
}


def analyse_overview(
    results: pd.DataFrame, missing: tuple[str, ...] = (), *, lang: str = "nl"
) -> str:
    """Five-line summary of the hypothesis table: verdict counts (including 'inconclusive'
    and 'contrary'), what could not be tested and why, and how false discoveries are kept
    in check."""
    counts = results["verdict"].value_counts()
    ids = {v: results.loc[results["verdict"] == v, "hypothesis_id"].tolist() for v in _VERDICT_NL}
    tested = len(results) - counts.get("not_testable", 0)
    nl = lang == "nl"
    none = "geen" if nl else "none"

    def listed(key: str) -> str:
        return ", ".join(ids[key]) or none

    contrary = (
        (f"; tegengesteld aan de verwachting: {listed('contrary')}" if nl else
         f"; contrary to expectation: {listed('contrary')}")
        if ids["contrary"] else ""
    )  # fmt: skip
    no_survey = "survey" in missing
    if nl:
        untestable = (
            f"- Niet toetsbaar met de beschikbare data: {listed('not_testable')} (zie tabel 1)"
            if ids["not_testable"]
            else "- Alle hypothesen konden met de beschikbare data getoetst worden"
        ) + (
            "; er is geen bevraging aangeleverd, dus kunnen, willen, psychologische veiligheid "
            "en de leidinggevende als rolmodel (bevraging) blijven open."
            if no_survey
            else "."
        )
        lines = [
            f"- Getoetst: **{tested}** van de {len(results)} hypothesen; "
            f"**{counts.get('supported', 0)}** worden ondersteund door de data "
            f"({listed('supported')}){contrary}.",
            f"- **Onbeslist** ({listed('inconclusive')}): geen duidelijk verschil, maar een effect "
            "van praktisch belang is ook niet uitgesloten; het kleinste aantoonbare effect staat "
            "erbij.",
            f"- **Niet ondersteund** ({listed('not_supported')}): de data sluiten een effect van "
            "praktisch belang uit.",
            untestable,
            "- Vals-positieven zijn beperkt per familie van hypothesen (Benjamini-Hochberg, "
            "q < 0,05). Geen enkel resultaat is een bewijs; het zijn aanwijzingen met hun "
            "onzekerheid.",
        ]
        return "\n".join(lines)
    untestable = (
        f"- Not testable with the data at hand: {listed('not_testable')} (see table 1)"
        if ids["not_testable"]
        else "- Every hypothesis could be tested with the data at hand"
    ) + (
        "; no survey was supplied, so can't, won't, psychological safety and the team leader "
        "as role model (survey) stay open."
        if no_survey
        else "."
    )
    lines = [
        f"- Tested: **{tested}** of {len(results)} hypotheses; **{counts.get('supported', 0)}** "
        f"supported by the data ({listed('supported')}){contrary}.",
        f"- **Inconclusive** ({listed('inconclusive')}): no clear difference, but an effect of "
        "practical size is not ruled out either; the smallest detectable effect is shown.",
        f"- **Not supported** ({listed('not_supported')}): the data rule out an effect of "
        "practical size.",
        untestable,
        "- False discoveries are controlled within each family of hypotheses "
        "(Benjamini-Hochberg, q < 0.05). No result is proof; they are indications with their "
        "uncertainty.",
    ]
    return "\n".join(lines)


def hypotheses_table(results: pd.DataFrame, *, lang: str = "nl"):
    """The full result table: estimate, 95% CI, p, q, MDE, GEE check and the verdict."""
    shown = pd.DataFrame(
        {
            "hypothesis_id": results["hypothesis_id"],
            "family": results["family"]
            if lang == "nl"
            else results["family"].map(lambda f: label(f, lang)),
            "verdict_code": results["verdict"].map(
                lambda v: _VERDICT_NL.get(v, v) if lang == "nl" else str(v).replace("_", " ")
            ),
            "irr": results["irr"],
            "ci_low": results["ci_low"],
            "ci_high": results["ci_high"],
            "p_val": results["p_val"],
            "q_val": results["q_val"],
            "mde_irr": results["mde_irr"],
            "gee_irr": results["gee_irr"],
            "n_people": results["n_people"].astype("int64"),
            "n_teams": results["n_teams"].astype("int64"),
        }
    )
    names = (
        ["Hypothese", "Familie", "Besluit", "Schatting", "95%-BI laag", "95%-BI hoog", "p", "q",
         "Kleinste aantoonbare effect", "GEE-controle", "Personen", "Teams"]
        if lang == "nl"
        else ["Hypothesis", "Family", "Verdict", "Estimate", "95% CI low", "95% CI high", "p", "q",
              "Minimum detectable effect", "GEE check", "People", "Teams"]
    )  # fmt: skip
    return table(
        shown,
        lang=lang,
        decimals={"irr": 2, "ci_low": 2, "ci_high": 2, "p_val": 3, "q_val": 3, "mde_irr": 2,
                  "gee_irr": 2},
    ).relabel_index(names, axis="columns")  # fmt: skip


def verdicts_markdown(results: pd.DataFrame, lang: str = "nl") -> str:
    """Each hypothesis with its statement and its plain verdict, as a Markdown list.

    In English the ``statement_en`` and ``verdict_en`` columns are used; a results table
    without them (from an older run) falls back to the Dutch columns.
    """
    en = lang == "en"
    statement = "statement_en" if en and "statement_en" in results else "statement_nl"
    verdict = "verdict_en" if en and "verdict_en" in results else "verdict_nl"
    return "\n".join(
        f"- **{r['hypothesis_id']}** {r[statement]}  \n  {r[verdict]}"
        for r in results.to_dict("records")
    )


def availability_matrix_table(availability: pd.DataFrame, *, lang: str = "nl"):
    """Per hypothesis: which data it needs, whether present, and what to collect."""
    suffix = "en" if lang == "en" and "needs_en" in availability else "nl"
    shown = availability[
        ["hypothesis_id", f"needs_{suffix}", "available", f"missing_{suffix}", f"collect_{suffix}"]
    ].copy()
    shown[f"missing_{suffix}"] = shown[f"missing_{suffix}"].replace("", "\u2013")
    shown[f"collect_{suffix}"] = shown[f"collect_{suffix}"].replace("", "\u2013")
    if lang == "en":
        yes_no = {True: "yes", False: "no", "ja": "yes", "nee": "no"}
        shown["available"] = shown["available"].map(lambda a: yes_no.get(a, a))
    names = (
        ["Hypothese", "Nodige gegevens", "Aanwezig", "Ontbreekt", "Te verzamelen"]
        if lang == "nl"
        else ["Hypothesis", "Data needed", "Present", "Missing", "To collect"]
    )
    return table(shown, lang=lang).relabel_index(names, axis="columns")


def agreement_note(agreement: pd.DataFrame | None, *, lang: str = "nl") -> str:
    """Whether team-level survey scales may be aggregated to team means, in one line each."""
    if agreement is None or agreement.empty:
        return (
            "Geen bevraging met teamschalen: er zijn geen teamgemiddelden berekend."
            if lang == "nl"
            else "No survey with team scales: no team means were computed."
        )
    lines = []
    for row in agreement.itertuples():
        name = label(row.scale, lang)
        if lang == "nl":
            lines.append(f"- **{name}**: {row.verdict_nl}.")
        else:
            lines.append(f"- **{name}**: {row.verdict}.")
    return "\n".join(lines)


def agreement_table(agreement: pd.DataFrame, *, lang: str = "nl"):
    """ICC(1), ICC(2) and mean r_wg per team-level survey scale."""
    shown = agreement[["scale", "n", "n_teams", "icc1", "icc2", "rwg_mean", "aggregate"]].copy()
    shown["scale"] = shown["scale"].map(lambda s: label(s, lang))
    shown["aggregate"] = shown["aggregate"].map(
        lambda a: ("ja" if a else "nee") if lang == "nl" else ("yes" if a else "no")
    )
    names = (
        ["Schaal", "Respondenten", "Teams", "ICC(1)", "ICC(2)", "Gemiddelde r_wg", "Samenvoegen?"]
        if lang == "nl"
        else ["Scale", "Respondents", "Teams", "ICC(1)", "ICC(2)", "Mean r_wg", "Aggregate?"]
    )
    return table(shown, lang=lang, decimals={"icc1": 2, "icc2": 2, "rwg_mean": 2}).relabel_index(
        names, axis="columns"
    )


def quadrant_table(quadrants: pd.DataFrame | None, *, lang: str = "nl"):
    """Teams on can (capability) x will (motivation); groups under 5 people are pooled."""
    if quadrants is None or quadrants.empty:
        return (
            "Geen bevraging: het teamoverzicht van kunnen en willen is niet beschikbaar."
            if lang == "nl"
            else "No survey: the team view of can and will is not available."
        )
    shown = quadrants[
        ["group", "n_respondents", "capability", "motivation", "quadrant", "self_rate"]
    ].copy()
    shown["quadrant"] = shown["quadrant"].map(lambda q: label(q, lang))
    names = (
        ["Team", "Respondenten", "Kunnen (z)", "Willen (z)", "Kwadrant",
         "Zelf oplosbare tickets per VTE-maand"]
        if lang == "nl"
        else ["Team", "Respondents", "Can (z)", "Will (z)", "Quadrant",
              "Self-solvable tickets per FTE-month"]
    )  # fmt: skip
    return table(
        shown, lang=lang, decimals={"capability": 2, "motivation": 2, "self_rate": 2}
    ).relabel_index(names, axis="columns")


def onboarding_table(curve: pd.DataFrame | None, *, lang: str = "nl"):
    """Self-solvable tickets per FTE-month by months since hire."""
    if curve is None:
        return "Geen personeelslijst." if lang == "nl" else "No roster."
    shown = curve[["months_since_hire", "n_people", "exposure", "rate", "rate_ratio"]]
    names = (
        ["Maanden in dienst", "Personen", "VTE-maanden", "Zelf oplosbare tickets per VTE-maand",
         "Verhouding t.o.v. 24+ maanden"]
        if lang == "nl"
        else ["Months since hire", "People", "FTE-months", "Self-solvable tickets per FTE-month",
              "Ratio to 24+ months"]
    )  # fmt: skip
    return table(
        shown, lang=lang, decimals={"exposure": 0, "rate": 2, "rate_ratio": 2}
    ).relabel_index(names, axis="columns")


# --------------------------------------------------------------------------------------
# Diagnose: how well the classification holds up, and what each metric means
# --------------------------------------------------------------------------------------


def classifier_agreement(tickets: pd.DataFrame, labels: pd.DataFrame | None, *, lang: str = "nl"):
    """Cohen's kappa (with 95% CI), accuracy and macro-F1 of the classifier against hand codes."""
    if labels is None:
        return (
            "Nog geen gecodeerde tickets: plan een dubbele codering in de definitiesessie "
            "(`selfreliance label export`)."
            if lang == "nl"
            else "No hand-coded tickets yet: plan double coding in the definition session."
        )
    frame = classification_check(tickets, labels)
    frame["target"] = frame["target"].map(lambda t: label(t, lang))
    names = (
        ["Doel", "Tickets", "Juistheid", "Macro-F1", "Cohens kappa", "95%-BI laag", "95%-BI hoog"]
        if lang == "nl"
        else [
            "Target",
            "Tickets",
            "Accuracy",
            "Macro-F1",
            "Cohen's kappa",
            "95% CI low",
            "95% CI high",
        ]
    )
    return table(
        frame,
        lang=lang,
        decimals={c: 2 for c in ("accuracy", "macro_f1", "kappa", "ci_low", "ci_high")},
    ).relabel_index(names, axis="columns")


def per_type_scores(
    tickets: pd.DataFrame, labels: pd.DataFrame | None, codebook: Codebook, *, lang: str = "nl"
):
    """Precision, recall, F1 and support per question type against hand codes."""
    from selfreliance.classifier import per_class_scores

    if labels is None or "question_type" not in labels:
        return ""
    merged = tickets[["ticket_id", "question_type"]].merge(
        labels[["ticket_id", "question_type"]], on="ticket_id", suffixes=("_pred", "_true")
    )
    scores = per_class_scores(
        merged["question_type_true"],
        merged["question_type_pred"],
        labels=list(codebook.types.index),
    )
    scores["label"] = scores["label"].map(lambda t: codebook.label(t, lang))
    names = (
        ["Vraagtype", "Precisie", "Recall", "F1", "Aantal (codes)"]
        if lang == "nl"
        else ["Question type", "Precision", "Recall", "F1", "Support"]
    )
    return table(scores, lang=lang, decimals={"precision": 2, "recall": 2, "f1": 2}).relabel_index(
        names, axis="columns"
    )


def metric_dictionary_table(*, lang: str = "nl"):
    """Every diagnose metric with its definition, formula and unit (the metric dictionary)."""
    from selfreliance.labelling import load_metric_dictionary

    d = load_metric_dictionary()
    shown = d[[f"name_{lang}", f"definition_{lang}", "formula", "unit"]]
    names = (
        ["Indicator", "Definitie", "Berekening", "Eenheid"]
        if lang == "nl"
        else ["Metric", "Definition", "Formula", "Unit"]
    )
    return table(shown, lang=lang).relabel_index(names, axis="columns")


# --- deeper diagnose (Verdieping) -------------------------------------------------------------

_DEEP_LABELS = {
    "nl": {
        "p80_response_business_hours": "80% binnen (eerste reactie, kantooruren)",
        "p80_resolution_business_hours": "80% binnen (oplossing, kantooruren)",
        "department": "Dienst",
        "function_level": "Functieniveau",
        "age_band": "Leeftijd",
        "site": "Locatie",
        "repeat_tickets": "Herhaalde vragen",
        "repeat_rate": "Aandeel herhaald",
        "label": "Vraagtype",
    },
    "en": {
        "p80_response_business_hours": "80% within (first response, office hours)",
        "p80_resolution_business_hours": "80% within (resolution, office hours)",
        "function_level": "Function level",
        "age_band": "Age band",
        "repeat_tickets": "Repeated questions",
        "repeat_rate": "Share repeated",
        "label": "Question type",
    },
}


def _deep_table(frame: pd.DataFrame, *, lang: str, **kwargs):
    """present.table with Dutch headers for the Verdieping columns."""
    shown = frame.rename(columns=_DEEP_LABELS.get(lang, {}))
    rename = _DEEP_LABELS.get(lang, {})
    for key in ("pct", "eur", "translate_values"):
        if key in kwargs:
            kwargs[key] = tuple(rename.get(c, c) for c in kwargs[key])
    if "decimals" in kwargs:
        kwargs["decimals"] = {rename.get(c, c): d for c, d in kwargs["decimals"].items()}
    return table(shown, lang=lang, **kwargs)


def backlog_note(
    weekly: pd.DataFrame, quarterly: pd.DataFrame, period, *, data_end=None, lang: str = "nl"
) -> str:
    """The backlog at the end of the quarter and over the weeks shown; warns when the quarter
    ends within a week of the export (``data_end``, the last opening), where recent tickets
    simply had no time to be resolved yet."""
    row = quarterly.loc[quarterly["period"] == str(period)]
    at_end = int(row["open_tickets"].iloc[0]) if len(row) else None
    median = float(weekly["open_tickets"].median()) if len(weekly) else float("nan")
    quarter_end = pd.Period(str(period), freq="Q").end_time
    censored = data_end is not None and pd.Timestamp(data_end).tz_localize(
        None
    ) > quarter_end - pd.Timedelta(days=7)
    censored_nl = (
        " Let op: het kwartaal eindigt op de exportdatum. Meldingen van de laatste dagen hadden"
        " toen nog geen tijd om afgehandeld te worden, dus het cijfer op het einde van het kwartaal"
        " overschat de echte achterstand; vergelijk liever de weken ervoor."
    )
    if lang == "nl":
        head = (
            f"Op het einde van {quarter_label(period, lang)} stonden **{at_end}** meldingen open"
            if at_end is not None
            else "Het einde van het kwartaal valt buiten de gegevens"
        )
        return (
            f"{head}; over de getoonde weken stonden er doorgaans (mediaan) "
            f"{fmt_number(median, 0, lang)} open aan het einde van de week. Een oplopende lijn "
            "betekent dat er meer binnenkomt dan IT afhandelt." + (censored_nl if censored else "")
        )
    head = (
        f"At the end of {quarter_label(period, lang)} **{at_end}** tickets were open"
        if at_end is not None
        else "The end of the quarter is outside the data"
    )
    return (
        f"{head}; over the weeks shown a median of {fmt_number(median, 0, lang)} were open at "
        "week end. A rising line means more comes in than IT resolves."
        + (
            " The quarter ends at the export date: recent tickets had no time to be resolved,"
            " so that figure overstates the backlog."
            if censored
            else ""
        )
    )


def repeat_note(repeats: pd.DataFrame, days: int = 90, *, lang: str = "nl") -> str:
    """The overall repeat rate in a sentence, with a warning when it rests on few tickets."""
    total = repeats.set_index("question_type").loc["all"]
    n = int(total["tickets"])
    if lang == "nl":
        text = (
            f"Van de {n} zelf oplosbare meldingen van medewerkers was **{fmt_pct(total['repeat_rate'], 0, lang)}** "
            f"een herhaling: dezelfde medewerker had in de {days} dagen ervoor al een melding van "
            "hetzelfde vraagtype. Een hoog aandeel wijst op een oplossing die niet blijft hangen "
            "(uitleg, handleiding) eerder dan op een technisch probleem."
        )
        if n < 50:
            text += (
                " Met minder dan 50 meldingen is dit cijfer te onzeker om conclusies op te bouwen."
            )
        return text
    text = (
        f"Of the {n} self-solvable staff tickets, **{fmt_pct(total['repeat_rate'], 0, lang)}** were "
        f"repeats: the same person had filed the same question type in the previous {days} days."
    )
    if n < 50:
        text += " With fewer than 50 tickets this figure is too uncertain to conclude."
    return text


def repeat_table(
    repeats: pd.DataFrame, codebook: Codebook, *, lang: str = "nl", min_tickets: int = 10
):
    """Repeat rate per question type (types with at least ``min_tickets`` tickets, plus the total)."""
    shown = repeats.loc[
        (repeats["question_type"] == "all") | (repeats["tickets"] >= min_tickets)
    ].copy()
    names = codebook.types[lang].to_dict()
    names["all"] = "Alle vraagtypes" if lang == "nl" else "All question types"
    shown.insert(0, "label", shown["question_type"].map(lambda q: names.get(q, q)))
    return _deep_table(shown.drop(columns=["question_type"]), lang=lang, pct=("repeat_rate",))


def concentration_note(conc: pd.DataFrame, *, lang: str = "nl") -> str:
    """Observed concentration against chance, in plain words (no individuals)."""
    v = conc.set_index("metric")["value"]
    outside = v["gini"] > v["gini_chance_high"]
    dec = lambda x: fmt_number(x, 2, lang)  # noqa: E731
    if lang == "nl":
        text = (
            f"Bij {int(v['people'])} actieve medewerkers en {int(v['tickets'])} zelf oplosbare meldingen is de "
            f"Gini-coëfficiënt **{dec(v['gini'])}**; als iedereen enkel naar rato van zijn VTE en tijd in dienst "
            f"meldingen zou doen, gaf toeval gemiddeld {dec(v['gini_chance'])} "
            f"(95%-bereik {dec(v['gini_chance_low'])} tot {dec(v['gini_chance_high'])}). "
            f"De 10% medewerkers met de meeste meldingen doen {fmt_pct(v['top10_share'], 0, lang)} ervan "
            f"(bij toeval {fmt_pct(v['top10_share_chance'], 0, lang)}); "
            f"{fmt_pct(v['share_people_without'], 0, lang)} deed geen enkele. "
        )
        text += (
            "De meldingen zijn dus **meer geconcentreerd dan toeval verklaart**: gerichte ondersteuning van een kleinere groep kan lonen."
            if outside
            else "Dat verschil valt **binnen wat toeval kan geven**: de gegevens tonen geen duidelijke groep 'veelmelders'."
        )
        if v["tickets"] < 100:
            text += " Met minder dan 100 meldingen is deze vergelijking zwak."
        return text + " Er worden nooit individuele medewerkers getoond of gerangschikt."
    text = (
        f"With {int(v['people'])} active staff and {int(v['tickets'])} self-solvable tickets the Gini "
        f"coefficient is **{dec(v['gini'])}**; chance alone (tickets in proportion to FTE exposure) gives "
        f"{dec(v['gini_chance'])} (95% range {dec(v['gini_chance_low'])} to {dec(v['gini_chance_high'])}). "
        f"The top 10% of requesters file {fmt_pct(v['top10_share'], 0, lang)} "
        f"(chance {fmt_pct(v['top10_share_chance'], 0, lang)}). "
    )
    text += (
        "That is more concentrated than chance."
        if outside
        else "That is within what chance can give."
    )
    return text + " Individuals are never listed or ranked."


def waiting_by_type_table(waits: pd.DataFrame, codebook: Codebook, *, lang: str = "nl"):
    """Median and 80th percentile waiting per question type, with the codebook's labels."""
    shown = waits.copy()
    shown.insert(0, "label", shown["question_type"].map(lambda q: codebook.types[lang].get(q, q)))
    return _deep_table(shown.drop(columns=["question_type"]), lang=lang)


def breakdown_table(frame: pd.DataFrame, by: str, *, lang: str = "nl"):
    """A protected group breakdown (from :func:`metrics.breakdown`)."""
    return _deep_table(
        frame,
        lang=lang,
        pct=("self_solvable_share",),
        decimals={
            "fte_months": 0,
            "tickets": 0,
            "self_solvable_tickets": 0,
            "self_solvable_per_fte_month": 2,
            "n_people": 0,
        },
        translate_values=("suppressed",),
    )


def thin_data_note(
    frames: dict[str, pd.DataFrame], *, lang: str = "nl", few_tickets: int = 20
) -> str:
    """Say which breakdowns lost groups to disclosure control (fewer than 5 people) and which
    shown groups rest on fewer than ``few_tickets`` tickets (too thin to conclude)."""
    parts, thin = [], []
    for by, frame in frames.items():
        name = (
            _DEEP_LABELS["nl"].get(by, label(by, "nl")).lower()
            if lang == "nl"
            else by.replace("_", " ")
        )
        hidden = int((frame["suppressed"] != "").sum())
        small = int(((frame["suppressed"] == "") & (frame["tickets"] < few_tickets)).sum())
        of = "van" if lang == "nl" else "of"
        if hidden:
            parts.append(f"{name} ({hidden} {of} {len(frame)})")
        if small:
            thin.append(f"{name} ({small} {of} {len(frame)})")
    if lang == "nl":
        text = (
            "Groepen met minder dan 5 medewerkers worden niet getoond, en waar nodig een tweede "
            "groep zodat niemand het cijfer kan terugrekenen. Verborgen groepen per indeling: "
            + "; ".join(parts)
            + ". Over die groepen kan dit rapport niets besluiten."
            if parts
            else "Geen enkele groep telde minder dan 5 medewerkers: alle groepen kunnen getoond worden."
        )
        if thin:
            text += (
                f" Groepen met minder dan {few_tickets} meldingen in het kwartaal zijn te dun om "
                "conclusies te trekken (een paar meldingen meer of minder verandert het beeld): "
                + "; ".join(thin)
                + "."
            )
        return text
    text = (
        "Groups of fewer than 5 staff are hidden (with a second group where needed): "
        + "; ".join(parts)
        + "."
        if parts
        else "No group had fewer than 5 staff: every group can be shown."
    )
    if thin:
        text += (
            f" Groups with fewer than {few_tickets} tickets are too thin to conclude: "
            + "; ".join(thin)
            + "."
        )
    return text


def waiting_lost_table(lost: pd.DataFrame, *, lang: str = "nl"):
    """Staff time lost waiting and IT time on self-solvable tickets, as a two-column table."""
    names = {
        "staff_tickets": ("Meldingen van personeel", "Staff tickets"),
        "staff_waiting_office_hours": (
            "Wachttijd tot oplossing (kantooruren)",
            "Waiting to resolution (office hours)",
        ),
        "staff_hours_lost": (
            "Verloren werktijd door wachten (uren)",
            "Staff time lost waiting (hours)",
        ),
        "staff_hours_lost_cost": ("Kost van verloren werktijd", "Cost of time lost"),
        "self_solvable_it_hours": (
            "IT-uren aan zelf oplosbare meldingen",
            "IT hours on self-solvable tickets",
        ),
        "self_solvable_it_cost": ("Kost van die IT-uren", "Cost of those IT hours"),
    }
    i = 0 if lang == "nl" else 1

    def fmt(row) -> str:
        if row["unit"] == "euro":
            return fmt_eur(row["value"], lang)
        return fmt_number(row["value"], 0, lang)

    shown = pd.DataFrame(
        {
            "metric": lost["metric"].map(lambda m: names.get(m, (m, m))[i]),
            "value": lost.apply(fmt, axis=1),
        }
    )
    return table(shown, lang=lang)


def coder_agreement_table(agreement: pd.DataFrame | None, *, lang: str = "nl"):
    """Cohen's kappa with 95% CI between the two coders and between each coder and the
    classifier (from ``selfreliance label import``), or a sentence when there is no coding yet."""
    if agreement is None or agreement.empty:
        return (
            "Nog geen dubbele codering ingelezen: `selfreliance label export` maakt het codeerbestand, "
            "`selfreliance label import` berekent de overeenstemming tussen de codeurs."
            if lang == "nl"
            else "No double coding yet: `selfreliance label export`, then `selfreliance label import`."
        )
    shown = agreement[["comparison", "target", "n", "po", "kappa", "ci_low", "ci_high"]].assign(
        target=lambda a: a["target"].map(lambda t: label(t, lang))
    )
    names = (
        [
            "Vergelijking",
            "Doel",
            "Tickets",
            "Overeenstemming",
            "Cohens kappa",
            "95%-BI laag",
            "95%-BI hoog",
        ]
        if lang == "nl"
        else [
            "Comparison",
            "Target",
            "Tickets",
            "Agreement",
            "Cohen's kappa",
            "95% CI low",
            "95% CI high",
        ]
    )
    return table(
        shown, lang=lang, pct=("po",), decimals={"kappa": 2, "ci_low": 2, "ci_high": 2}
    ).relabel_index(names, axis="columns")
