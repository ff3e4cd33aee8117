"""Presentation for the reports: Dutch (nl-BE) or English number formats, labels, tables, figures.

Notebooks call these so that every report shares one look: decimal comma and dd/mm/jjjj in
Dutch, a colour-blind-safe palette, and tables with translated headers.
"""

from __future__ import annotations

import html
import itertools
import math
from collections.abc import Callable, Iterable
from functools import partial
from typing import Any

import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns

_TABLE_IDS = itertools.count(1)

# Okabe & Ito (2008) palette: distinguishable with the common forms of colour blindness.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
SOLVABILITY_COLOURS = {"self": "#0072B2", "partly": "#E69F00", "it": "#999999"}

LABELS = {
    "nl": {
        "tickets": "Tickets",
        "self_solvable_tickets": "Zelf oplosbare tickets",
        "self_solvable_share": "Aandeel zelf oplosbaar",
        "partly_share": "Aandeel deels zelf oplosbaar",
        "needs_it_share": "Aandeel IT nodig",
        "tickets_per_fte_month": "Tickets per VTE-maand (personeel)",
        "self_solvable_per_fte_month": "Zelf oplosbare tickets per VTE-maand",
        "median_response_business_hours": "Mediaan tijd tot eerste reactie (kantooruren)",
        "p90_response_business_hours": "90e percentiel tijd tot eerste reactie (kantooruren)",
        "median_resolution_business_hours": "Mediaan doorlooptijd tot oplossing (kantooruren)",
        "p90_resolution_business_hours": "90e percentiel doorlooptijd (kantooruren)",
        "median_resolution_hours": "Mediaan doorlooptijd (kalenderuren)",
        "reopened_share": "Aandeel heropend",
        "it_hours_spent": "Bestede IT-uren",
        "question_type": "Vraagtype",
        "label": "Vraagtype",
        "self_solvability": "Zelf oplosbaar?",
        "n": "Aantal",
        "share": "Aandeel",
        "it_hours": "IT-uren",
        "it_cost": "IT-kost (EUR)",
        "waiting_cost": "Kost wachttijd (EUR)",
        "total_cost": "Totale kost (EUR)",
        "metric": "Indicator",
        "value": "Waarde",
        "week": "Week",
        "quarter": "Kwartaal",
        "target": "Doel",
        "accuracy": "Juistheid",
        "macro_f1": "Macro-F1",
        "kappa": "Cohens kappa",
        "scenario": "Scenario",
        "avoidable_tickets": "Vermijdbare tickets per jaar",
        "it_hours_freed": "Vrijgekomen IT-uren per jaar",
        "savings_eur": "Besparing per jaar (EUR, mediaan)",
        "savings_low": "Ondergrens (5%)",
        "savings_high": "Bovengrens (95%)",
        "conservative": "voorzichtig",
        "expected": "verwacht",
        "ambitious": "ambitieus",
        "self": "zelf oplosbaar",
        "partly": "deels zelf oplosbaar",
        "it": "IT nodig",
        "requester_kind": "Soort aanvrager",
        "matched_by": "Gekoppeld via",
        "staff": "personeelslid",
        "ex_staff": "ex-personeelslid",
        "system": "systeem/monitoring",
        "unknown": "onbekend (leverancier, mandataris ...)",
        "unlinked": "niet gekoppeld (geen personeelslijst)",
        "email": "e-mail",
        "name": "naam",
        "tickets_per_year": "Tickets per jaar",
        "movable_share": "Verschuifbaar aandeel",
        "avoidable_conservative": "Vermijdbaar (voorzichtig)",
        "avoidable_expected": "Vermijdbaar (verwacht)",
        "avoidable_ambitious": "Vermijdbaar (ambitieus)",
        "cost_eur": "Kost acties (EUR)",
        "payback_months": "Terugverdientijd (maanden)",
        "scale": "Schaal",
        "direction": "Richting",
        "start_date": "Start",
        "end_date": "Einde",
        "teams": "Teams",
        "intervention_id": "Actie-id",
        "n_items": "Items",
        "alpha": "Cronbachs alfa",
        "omega": "McDonalds omega",
        "self_efficacy": "Digitale zelfeffectiviteit (kunnen)",
        "motivation": "Motivatie (willen)",
        "psych_safety": "Psychologische veiligheid",
        "manager_role_model": "Leidinggevende als rolmodel",
        "procedure_clarity": "Duidelijkheid IT-procedures en zelfhulp",
        "onboarding": "Onboarding-ervaring",
        "reason": "Reden",
        "missing_id": "geen ticketnummer",
        "bad_opened_at": "aanmelddatum ontbreekt of onleesbaar",
        "bad_date": "andere datum onleesbaar",
        "resolved_before_opened": "opgelost voor aangemeld",
        "future_date": "datum in de toekomst",
        "conflicting_duplicate": "zelfde nummer, andere inhoud",
    },
    "en": {},
}


def label(key: str, lang: str = "nl") -> str:
    """Translated label for a column, metric or category (the key itself in English)."""
    if lang == "nl":
        return LABELS["nl"].get(key, key)
    return LABELS["en"].get(key, key.replace("_", " "))


def fmt_number(value: float, decimals: int = 1, lang: str = "nl") -> str:
    """Format a number: ``1.234,5`` in Dutch, ``1,234.5`` in English; NaN as an en dash.

    Examples
    --------
    >>> fmt_number(1234.56, 1)
    '1.234,6'
    >>> fmt_number(1234.56, 1, lang="en")
    '1,234.6'
    """
    if value is None or (isinstance(value, float) and math.isnan(value)) or pd.isna(value):
        return "\u2013"
    text = f"{value:,.{decimals}f}"
    if lang == "nl":
        text = text.replace(",", "\u0000").replace(".", ",").replace("\u0000", ".")
    return text


def fmt_pct(value: float, decimals: int = 0, lang: str = "nl") -> str:
    """Format a share as a percentage: ``42 %`` in Dutch (nl-BE writes a space), ``42%`` in English.

    Examples
    --------
    >>> fmt_pct(0.4249)
    '42 %'
    """
    if pd.isna(value):
        return "\u2013"
    return fmt_number(100 * value, decimals, lang) + (" %" if lang == "nl" else "%")


def fmt_eur(value: float, lang: str = "nl") -> str:
    """Format euros without cents: ``EUR 12.500`` / ``EUR 12,500``.

    Examples
    --------
    >>> fmt_eur(12500.4)
    '\u20ac 12.500'
    """
    return "\u20ac " + fmt_number(value, 0, lang)


def fmt_range(
    mid: Iterable[Any],
    low: Iterable[Any],
    high: Iterable[Any],
    fmt: Callable[[Any], str],
    lang: str = "nl",
) -> list[str]:
    """``value (low to high)`` per row, every number written with ``fmt``.

    Examples
    --------
    >>> fmt_range([2.5], [1.5], [4.0], lambda v: fmt_number(v, 1))
    ['2,5 (1,5 tot 4,0)']
    """
    word = "tot" if lang == "nl" else "to"
    return [
        f"{fmt(m)} ({fmt(lo)} {word} {fmt(hi)})" for m, lo, hi in zip(mid, low, high, strict=True)
    ]  # fmt: skip


def fmt_date(value: pd.Timestamp, lang: str = "nl") -> str:
    """``dd/mm/jjjj`` in Dutch, ISO in English.

    Examples
    --------
    >>> fmt_date(pd.Timestamp("2026-09-30"))
    '30/09/2026'
    """
    if pd.isna(value):
        return "\u2013"
    return value.strftime("%d/%m/%Y") if lang == "nl" else value.strftime("%Y-%m-%d")


def table(
    frame: pd.DataFrame,
    *,
    lang: str = "nl",
    pct: tuple[str, ...] = (),
    eur: tuple[str, ...] = (),
    decimals: dict[str, int] | None = None,
    translate_values: tuple[str, ...] = (),
    caption: str | None = None,
):
    """A display-ready table: translated headers and values, formatted numbers, escaped text.

    Returns a pandas Styler, which Jupyter renders as HTML without the index.
    """
    decimals = decimals or {}
    shown = frame.copy()
    for column in translate_values:
        shown[column] = shown[column].map(lambda v: label(str(v), lang))
    formatters = {}
    for column in shown.columns:
        if column in pct:
            formatters[column] = lambda v: fmt_pct(v, 0, lang)
        elif column in eur:
            formatters[column] = lambda v: fmt_eur(v, lang)
        elif pd.api.types.is_integer_dtype(shown[column]):
            formatters[column] = lambda v: fmt_number(v, 0, lang)
        elif pd.api.types.is_float_dtype(shown[column]):
            formatters[column] = partial(fmt_number, decimals=decimals.get(column, 1), lang=lang)
        elif pd.api.types.is_datetime64_any_dtype(shown[column]):
            formatters[column] = lambda v: fmt_date(v, lang)
        else:
            formatters[column] = lambda v: html.escape(str(v)) if not pd.isna(v) else "\u2013"
    # A stable id per table (in order of creation) keeps reruns byte-comparable.
    styler = shown.style.format(formatters).hide(axis="index").set_uuid(f"t{next(_TABLE_IDS)}")
    styler = styler.relabel_index([label(c, lang) for c in shown.columns], axis="columns")
    if caption:
        styler = styler.set_caption(html.escape(caption))
    return styler


def metric_table(summary: pd.DataFrame, *, lang: str = "nl"):
    """The headline metrics of :func:`selfreliance.metrics.volume_summary` as a two-column table."""

    def fmt(row) -> str:
        if row["unit"] == "share":
            return fmt_pct(row["value"], 0, lang)
        if row["unit"] == "tickets":
            return fmt_number(row["value"], 0, lang)
        return fmt_number(row["value"], 2 if "per" in row["unit"] else 1, lang)

    shown = pd.DataFrame(
        {
            "metric": summary["metric"].map(lambda m: label(m, lang)),
            "value": summary.apply(fmt, axis=1),
        }
    )
    return table(shown, lang=lang)


def set_style() -> None:
    """One look for every figure: white grid, the colour-blind-safe palette, readable fonts."""
    sns.set_theme(style="whitegrid", palette=PALETTE, font_scale=0.95)
    plt.rcParams.update({"figure.figsize": (8, 3.6), "figure.dpi": 110, "savefig.bbox": "tight"})


def decimal_comma_axis(ax, axis: str = "y", lang: str = "nl") -> None:
    """Use decimal commas and thousands points on an axis in Dutch reports."""
    if lang != "nl":
        return
    from matplotlib.ticker import FuncFormatter

    formatter = FuncFormatter(
        lambda v, _pos: fmt_number(v, 0 if float(v).is_integer() else 1, lang)
    )
    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(formatter)


# Labels of the intervene report (evaluation, advice, ROI, KPI monitoring).
LABELS["nl"].update(
    {
        "rank": "Rang",
        "action": "Actie",
        "direction_nl": "Richting",
        "com_b": "COM-B-functies",
        "evidence": "Onderbouwing",
        "tier": "Advies",
        "recommended": "aanbevolen",
        "pilot": "als proef met meting",
        "not_now": "nu niet",
        "measured": "eigen meting toont minder tickets",
        "supported": "oorzaak aangetoond in onze data",
        "volume": "werkt rechtstreeks op het volume",
        "inconclusive": "oorzaak niet aangetoond (geen besluit)",
        "not_tested": "nog niet getoetst",
        "contrary": "data wijzen de andere kant op",
        "avoided_tickets": "Vermijdbare tickets per jaar",
        "avoided_range": "Vermijdbare tickets per jaar (90%-interval)",
        "net_value_range": "Netto opbrengst over de looptijd (90%-interval)",
        "roi_range": "Rendement (ROI, 90%-interval)",
        "payback_range": "Terugverdientijd in maanden (90%-interval)",
        "one_off_eur": "Eenmalige kost incl. uren (EUR)",
        "target_met": "doel bereikt",
        "improving": "verbetert",
        "stable": "stabiel",
        "worse": "verslechtert",
        "no_data": "geen gegevens",
        "baseline": "Basislijn",
        "change": "Verandering t.o.v. basislijn",
        "same_quarter_last_year": "Zelfde kwartaal vorig jaar",
        "trend_per_quarter": "Trend per kwartaal",
        "status": "Status",
        "team": "Team",
        "n_people": "Medewerkers",
        "fte_months": "VTE-maanden",
        "self_tickets": "Zelf oplosbare tickets",
        "rate": "Per VTE-maand",
        "ratio_to_org": "T.o.v. organisatie",
        "suppressed": "Verborgen (< 5 personen)",
        "primary": "te kleine groep",
        "complementary": "verborgen om terugrekenen te vermijden",
        "design": "Methode",
        "single": "tijdreeks",
        "comparative": "tijdreeks met controlereeks",
        "did": "verschil-in-verschillen",
        "level_change": "sprong bij de start",
        "slope_change": "verandering van de trend per week",
        "average_effect": "gemiddeld effect na de start",
        "treated_after": "effect in de deelnemende teams",
        "irr": "Verhouding (IRR)",
        "ci_low": "95%-BI laag",
        "ci_high": "95%-BI hoog",
        "p_val": "p",
        "placebo": "Placebo (een jaar vroeger)",
        "tickets_avoided": "Vermeden tickets",
        "staff_waiting_hours_saved": "Bespaarde wachturen medewerkers",
        "eur_saved": "Besparing (EUR)",
        "reduced": "minder tickets",
        "no_clear_change": "geen duidelijke verandering",
        "increased": "meer tickets",
        "not_evaluable": "niet te beoordelen",
    }
)


# Labels of the analyse step (hypotheses), appended.
LABELS["nl"].update(
    {
        "can_will": "kan en wil",
        "can_wont": "kan, maar wil minder",
        "cant_will": "wil, maar kan minder",
        "cant_wont": "kan en wil minder",
        "supported": "ondersteund",
        "not_supported": "niet ondersteund",
        "inconclusive": "onbeslist",
        "contrary": "tegengesteld",
        "not_testable": "niet toetsbaar",
        "herhaling": "herhaalgedrag",
        "groepen": "groepsverschillen",
        "context": "context (onboarding, leidinggevende)",
        "individu": "kunnen en willen",
    }
)
LABELS["en"].update(
    {
        "can_will": "can and will",
        "can_wont": "can, will less",
        "cant_will": "will, can less",
        "cant_wont": "can and will less",
    }
)


# English headers and values where the key with spaces for underscores does not read well.
LABELS["en"].update(
    {
        "tickets": "Tickets",
        "self_solvable_tickets": "Self-solvable tickets",
        "self_solvable_share": "Self-solvable share",
        "partly_share": "Partly self-solvable share",
        "needs_it_share": "Needs-IT share",
        "tickets_per_fte_month": "Tickets per FTE-month (staff)",
        "self_solvable_per_fte_month": "Self-solvable tickets per FTE-month",
        "median_response_business_hours": "Median time to first response (office hours)",
        "p90_response_business_hours": "90th percentile time to first response (office hours)",
        "median_resolution_business_hours": "Median time to resolution (office hours)",
        "p90_resolution_business_hours": "90th percentile time to resolution (office hours)",
        "median_resolution_hours": "Median time to resolution (calendar hours)",
        "reopened_share": "Reopened share",
        "it_hours_spent": "IT hours spent",
        "question_type": "Question type",
        "label": "Question type",
        "self_solvability": "Self-solvable?",
        "n": "N",
        "share": "Share",
        "it_hours": "IT hours",
        "it_cost": "IT cost (EUR)",
        "waiting_cost": "Waiting cost (EUR)",
        "total_cost": "Total cost (EUR)",
        "metric": "Metric",
        "value": "Value",
        "week": "Week",
        "quarter": "Quarter",
        "target": "Target",
        "accuracy": "Accuracy",
        "macro_f1": "Macro-F1",
        "kappa": "Cohen's kappa",
        "scenario": "Scenario",
        "avoidable_tickets": "Avoidable tickets per year",
        "it_hours_freed": "IT hours freed per year",
        "savings_eur": "Savings per year (EUR, median)",
        "savings_low": "Lower bound (5%)",
        "savings_high": "Upper bound (95%)",
        "self": "self-solvable",
        "partly": "partly self-solvable",
        "it": "needs IT",
        "requester_kind": "Kind of requester",
        "matched_by": "Matched by",
        "staff": "staff member",
        "ex_staff": "former staff member",
        "system": "system/monitoring",
        "unknown": "unknown (supplier, elected official ...)",
        "unlinked": "not linked (no staff roster)",
        "email": "e-mail",
        "name": "name",
        "tickets_per_year": "Tickets per year",
        "movable_share": "Movable share",
        "avoidable_conservative": "Avoidable (conservative)",
        "avoidable_expected": "Avoidable (expected)",
        "avoidable_ambitious": "Avoidable (ambitious)",
        "cost_eur": "Cost of actions (EUR)",
        "payback_months": "Payback time (months)",
        "scale": "Scale",
        "direction": "Direction",
        "start_date": "Start",
        "end_date": "End",
        "teams": "Teams",
        "intervention_id": "Action id",
        "n_items": "Items",
        "alpha": "Cronbach's alpha",
        "omega": "McDonald's omega",
        "self_efficacy": "Digital self-efficacy (can)",
        "motivation": "Motivation (will)",
        "psych_safety": "Psychological safety",
        "manager_role_model": "Team leader as role model",
        "procedure_clarity": "Clarity of IT procedures and self-help",
        "onboarding": "Onboarding experience",
        "reason": "Reason",
        "missing_id": "no ticket number",
        "bad_opened_at": "opening date missing or unreadable",
        "bad_date": "other date unreadable",
        "resolved_before_opened": "resolved before opened",
        "future_date": "date in the future",
        "conflicting_duplicate": "same number, different content",
        "rank": "Rank",
        "action": "Action",
        "direction_nl": "Direction",
        "com_b": "COM-B functions",
        "evidence": "Evidence",
        "tier": "Advice",
        "not_now": "not now",
        "pilot": "as a measured pilot",
        "measured": "own measurement shows fewer tickets",
        "supported": "supported",
        "volume": "works directly on the volume",
        "inconclusive": "inconclusive",
        "not_tested": "not tested yet",
        "contrary": "contrary",
        "avoided_tickets": "Avoidable tickets per year",
        "avoided_range": "Avoidable tickets per year (90% interval)",
        "net_value_range": "Net value over the horizon (90% interval)",
        "roi_range": "Return (ROI, 90% interval)",
        "payback_range": "Payback time in months (90% interval)",
        "one_off_eur": "One-off cost incl. hours (EUR)",
        "target_met": "target met",
        "no_data": "no data",
        "baseline": "Baseline",
        "change": "Change from baseline",
        "same_quarter_last_year": "Same quarter last year",
        "trend_per_quarter": "Trend per quarter",
        "status": "Status",
        "team": "Team",
        "n_people": "Staff",
        "fte_months": "FTE-months",
        "self_tickets": "Self-solvable tickets",
        "rate": "Per FTE-month",
        "ratio_to_org": "Relative to the organisation",
        "suppressed": "Hidden (< 5 people)",
        "primary": "group too small",
        "complementary": "hidden to prevent working back",
        "design": "Method",
        "single": "time series",
        "comparative": "time series with control series",
        "did": "difference-in-differences",
        "level_change": "jump at the start",
        "slope_change": "change of the weekly trend",
        "average_effect": "average effect after the start",
        "treated_after": "effect in the participating teams",
        "irr": "Ratio (IRR)",
        "ci_low": "95% CI low",
        "ci_high": "95% CI high",
        "p_val": "p",
        "placebo": "Placebo (a year earlier)",
        "tickets_avoided": "Tickets avoided",
        "staff_waiting_hours_saved": "Staff waiting hours saved",
        "eur_saved": "Savings (EUR)",
        "reduced": "fewer tickets",
        "no_clear_change": "no clear change",
        "increased": "more tickets",
        "not_evaluable": "cannot be judged",
        "not_supported": "not supported",
        "not_testable": "not testable",
        "herhaling": "repeat behaviour",
        "groepen": "group differences",
        "context": "context (onboarding, team leader)",
        "individu": "can and will",
    }
)
