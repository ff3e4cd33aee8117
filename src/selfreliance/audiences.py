"""Stakeholder reports: one HTML page per session (IT, P&O, management, team leaders, DPO).

The step notebooks compute and narrate; these pages re-use their result tables and the
processed data to give each audience its own view. Every page opens with a five-line summary,
closes with discussion questions and a lineage block, and shows no figure about fewer than
five people (:mod:`selfreliance.disclosure`). Text from the data is HTML-escaped.
"""

from __future__ import annotations

import base64
import html
import io
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from selfreliance import figures, metrics
from selfreliance.categorise import Codebook
from selfreliance.disclosure import MIN_GROUP_SIZE, protect_table
from selfreliance.present import fmt_number, fmt_pct, table
from selfreliance.quarters import quarter_label


@dataclass
class Suppressions:
    """Counts what disclosure control hid, for the data-protection officer's page."""

    cells: int = 0
    teams_without_page: list[str] = field(default_factory=list)

    def count(self, frame: pd.DataFrame) -> pd.DataFrame:
        self.cells += int((frame["suppressed"] != "").sum())
        return frame


@dataclass(frozen=True)
class Context:
    """Everything a page needs: the quarter, its data and the shared settings."""

    quarter: str
    start: pd.Timestamp
    end: pd.Timestamp
    tickets: pd.DataFrame  # whole history
    people: pd.DataFrame | None
    summary: dict
    results: dict[str, pd.DataFrame]  # result tables of the quarter by file stem
    codebook: Codebook
    costs: dict
    lang: str = "nl"
    min_n: int = MIN_GROUP_SIZE

    @property
    def tickets_q(self) -> pd.DataFrame:
        return metrics.in_period(self.tickets, self.start, self.end)


def figure_html(fig, alt: str) -> str:
    """Embed a matplotlib figure as a PNG data URI (self-contained; nothing fetched)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    plt.close(fig)
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return f'<figure><img src="data:image/png;base64,{data}" alt="{html.escape(alt)}"></figure>'


def _md_bold(text: str) -> str:
    """Escape text, then render the **bold** marks that the narrative helpers use."""
    return re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", html.escape(text))


def summary_box(lines: list[str], *, lang: str = "nl") -> str:
    head = "Samenvatting" if lang == "nl" else "Summary"
    items = "".join(f"<li>{_md_bold(line)}</li>" for line in lines)
    return f'<section class="summary"><h2>{head}</h2><ul>{items}</ul></section>'


def questions_box(questions: list[str], *, lang: str = "nl") -> str:
    head = "Vragen voor de sessie" if lang == "nl" else "Questions for the session"
    items = "".join(f"<li>{html.escape(q)}</li>" for q in questions)
    return f"<section><h2>{head}</h2><ol>{items}</ol></section>"


def tr(lang: str, nl: str, en: str) -> str:
    """The Dutch or the English text, by report language.

    Examples
    --------
    >>> tr("en", "Vraagtypes", "Question types")
    'Question types'
    """
    return en if lang == "en" else nl


def _verdicts(hyp: pd.DataFrame, lang: str) -> pd.Series:
    """The hypotheses' plain verdicts in ``lang`` (Dutch when the table has no English ones)."""
    column = "verdict_en" if lang == "en" and "verdict_en" in hyp else "verdict_nl"
    return hyp[column]


def section(title: str, *parts: str) -> str:
    return f"<section><h2>{html.escape(title)}</h2>{''.join(parts)}</section>"


def paragraph(text: str) -> str:
    return f"<p>{_md_bold(text)}</p>"


def slug(name: str) -> str:
    """File-name-safe form of a team name.

    Examples
    --------
    >>> slug("Welzijn / OCMW: Sociale dienst")
    'welzijn-ocmw-sociale-dienst'
    """
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


# --------------------------------------------------------------------------------------
# Building blocks shared by several pages
# --------------------------------------------------------------------------------------


def active_people(people: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    """People employed at some point in [start, end], with their FTE-months in the period."""
    exposure = metrics.fte_months(people, start, end)
    return people.assign(exposure=exposure).loc[exposure > 0]


def team_table(ctx: Context, suppressions: Suppressions) -> pd.DataFrame:
    """Per team: people, tickets, self-solvable tickets per FTE-month, self-solvable share.

    Teams under the threshold are suppressed, with complementary suppression within each
    department (the report shows department totals elsewhere).
    """
    people = active_people(ctx.people, ctx.start, ctx.end)
    staff = ctx.tickets_q.loc[ctx.tickets_q["requester_kind"].eq("staff")]
    counts = (
        staff.assign(is_self=staff["self_solvability"].eq("self"))
        .groupby("team", observed=True)
        .agg(tickets=("ticket_id", "size"), self_tickets=("is_self", "sum"))
    )
    teams = people.groupby("team", observed=True).agg(
        department=("department", "first"),
        n_people=("person_key", "nunique"),
        exposure=("exposure", "sum"),
    )
    out = teams.join(counts).fillna({"tickets": 0, "self_tickets": 0}).reset_index()
    out["self_per_fte_month"] = out["self_tickets"] / out["exposure"]
    out["self_share"] = np.where(
        out["tickets"] > 0, out["self_tickets"] / out["tickets"].where(out["tickets"] > 0), np.nan
    )
    protected = protect_table(
        out,
        people="n_people",
        values=["tickets", "self_tickets", "exposure", "self_per_fte_month", "self_share"],
        lines=["department"],
        min_n=ctx.min_n,
    )
    return suppressions.count(protected).sort_values(["department", "team"]).reset_index(drop=True)


def _org_rates(ctx: Context) -> dict[str, float]:
    people = active_people(ctx.people, ctx.start, ctx.end)
    staff = ctx.tickets_q.loc[ctx.tickets_q["requester_kind"].eq("staff")]
    exposure = people["exposure"].sum()
    n_self = int(staff["self_solvability"].eq("self").sum())
    return {
        "tickets_per_fte_month": len(staff) / exposure if exposure else np.nan,
        "self_per_fte_month": n_self / exposure if exposure else np.nan,
        "self_share": n_self / len(staff) if len(staff) else np.nan,
        "median_resolution_business_hours": float(staff["resolution_business_hours"].median()),
    }


def onboarding_table(
    ctx: Context, suppressions: Suppressions, *, window_months: int = 12
) -> pd.DataFrame:
    """Self-solvable tickets per FTE-month by months since hire over the last 12 months.

    The bands and exposure come from :func:`selfreliance.hypotheses.onboarding_curve` (the
    same curve the analyse report shows); here the bands go through primary and complementary
    suppression.
    """
    from selfreliance.hypotheses import onboarding_curve

    start = (ctx.end - pd.DateOffset(months=window_months) + pd.Timedelta(days=1)).normalize()
    curve = onboarding_curve(ctx.tickets, ctx.people, start=start, end=ctx.end, min_people=0)
    out = pd.DataFrame(
        {
            "band": curve["months_since_hire"],
            "n_people": curve["n_people"],
            "exposure": curve["exposure"],
            "self_tickets": curve["n_tickets"].astype("float64"),
            "self_per_fte_month": curve["rate"],
        }
    )
    protected = protect_table(
        out,
        people="n_people",
        values=["exposure", "self_tickets", "self_per_fte_month"],
        min_n=ctx.min_n,
    )
    return suppressions.count(protected)


def example_titles(
    tickets: pd.DataFrame,
    types: list[str],
    codebook: Codebook,
    *,
    per_type: int = 3,
    lang: str = "nl",
) -> str:
    """A few scrubbed ticket titles per question type, escaped and neutralised, as a list.

    The most common distinct titles are shown (ties broken alphabetically), never the requester.
    """
    from selfreliance.privacy import neutralise_formula

    items = []
    for type_id in types:
        titles = (
            tickets.loc[tickets["question_type"] == type_id, "title"]
            .dropna()
            .astype(str)
            .str.strip()
        )
        titles = titles.loc[titles.str.len() > 0].str.slice(0, 80)
        counts = titles.value_counts()
        top = sorted(counts.index, key=lambda t: (-counts[t], t))[:per_type]
        shown = neutralise_formula(pd.Series(top, dtype="object")).tolist() if top else []
        quoted = "; ".join(f"\u201c{html.escape(t)}\u201d" for t in shown) or "-"
        items.append(
            f"<li><strong>{html.escape(codebook.label(type_id, lang))}</strong>: {quoted}</li>"
        )
    return f"<ul>{''.join(items)}</ul>"


def lineage(ctx: Context) -> dict[str, str]:
    from selfreliance import __version__

    inputs = ctx.summary.get("inputs", {})
    return {
        "selfreliance": __version__,
        "kwartaal" if ctx.lang == "nl" else "quarter": ctx.quarter,
        "codeboek" if ctx.lang == "nl" else "codebook": str(ctx.summary.get("codebook_version")),
        **{f"input {k}": f"{v['file']} sha256:{v['sha256'][:16]}" for k, v in inputs.items()},
    }


# --------------------------------------------------------------------------------------
# The pages
# --------------------------------------------------------------------------------------


def it_page(ctx: Context, suppressions: Suppressions) -> tuple[str, str]:
    """IT service: load, question types, waits, self-help candidates, procedure gaps."""
    lang = ctx.lang
    tq = ctx.tickets_q
    types = metrics.type_breakdown(tq, ctx.codebook, lang=lang)
    types["self_help_route"] = (
        types["question_type"].map(ctx.codebook.types["self_help_route"]).astype(bool)
    )
    candidates = types.loc[types["self_solvability"].isin(["self", "partly"]) & (types["n"] > 0)]
    gaps = candidates.loc[~candidates["self_help_route"]]
    waits = metrics.waiting_times(tq)
    hours = tq["time_spent_minutes"].sum() / 60
    line2 = tq["line"].fillna(1).ge(2).mean() if len(tq) else np.nan
    top = ", ".join(candidates.head(3)["label"])
    self_share = fmt_pct(tq["self_solvability"].eq("self").mean(), 0, lang)
    partly_share = fmt_pct(tq["self_solvability"].eq("partly").mean(), 0, lang)
    median = fmt_number(tq["resolution_business_hours"].median(), 1, lang)
    if lang == "en":
        lines = [
            f"{fmt_number(len(tq), 0, lang)} tickets in {quarter_label(ctx.quarter, lang)}, together **{fmt_number(hours, 0, lang)} IT hours**.",
            f"**{self_share}** is self-solvable, another {partly_share} partly.",
            f"The largest candidates for self-help: **{top}**.",
            f"Median time to resolution: {median} office hours; "
            f"{fmt_pct(line2, 0, lang)} of the tickets went to the second line.",
            (
                f"For {len(gaps)} question type(s) with self-solvable questions there is no self-help route yet."
                if len(gaps)
                else "Every self-solvable question type has a self-help route."
            ),
        ]
    else:
        lines = [
            f"{fmt_number(len(tq), 0, lang)} tickets in het {quarter_label(ctx.quarter, lang)}, samen **{fmt_number(hours, 0, lang)} IT-uren**.",
            f"**{self_share}** is zelf oplosbaar, nog eens {partly_share} deels.",
            f"De grootste kandidaten voor zelfhulp: **{top}**.",
            f"Mediaan doorlooptijd: {median} kantooruren; "
            f"{fmt_pct(line2, 0, lang)} van de tickets ging naar de tweede lijn.",
            (
                f"Voor {len(gaps)} vraagtype(s) met zelf oplosbare vragen bestaat nog geen zelfhulproute."
                if len(gaps)
                else "Voor elk zelf oplosbaar vraagtype bestaat een zelfhulproute."
            ),
        ]
    weekly = metrics.weekly_counts(
        metrics.in_period(ctx.tickets, ctx.end - pd.Timedelta(days=364), ctx.end)
    )
    body = [
        summary_box(lines, lang=lang),
        section(
            tr(lang, "Belasting", "Load"),
            figure_html(
                figures.weekly_volume(weekly, lang=lang, highlight=(ctx.start, ctx.end)),
                "Tickets per week",
            ),
            table(
                metrics.cost_by_solvability(tq, ctx.costs),
                lang=lang,
                eur=("it_cost", "waiting_cost", "total_cost"),
                decimals={"it_hours": 0},
                translate_values=("self_solvability",),
            ).to_html(),
        ),
        section(
            tr(lang, "Vraagtypes", "Question types"),
            figure_html(
                figures.type_bars(types, lang=lang),
                tr(lang, "Tickets per vraagtype", "Tickets per question type"),
            ),
            table(
                types[
                    [
                        "label",
                        "self_solvability",
                        "n",
                        "share",
                        "median_resolution_business_hours",
                        "it_hours",
                    ]
                ],
                lang=lang,
                pct=("share",),
                translate_values=("self_solvability",),
            ).to_html(),
        ),
        section(
            tr(lang, "Wachttijden", "Waiting times"),
            table(waits, lang=lang, translate_values=("self_solvability",)).to_html(),
        ),
        section(
            tr(
                lang,
                "Kandidaten voor zelfhulp en hiaten in de procedures",
                "Candidates for self-help and gaps in the procedures",
            ),
            paragraph(
                tr(
                    lang,
                    "Zelf of deels zelf oplosbare vraagtypes, het grootste volume eerst. Waar 'zelfhulproute' nee is, "
                    "ontbreekt een duidelijke procedure of handleiding.",
                    "Self-solvable or partly self-solvable question types, largest volume first. Where 'self-help route' "
                    "is no, a clear procedure or manual is missing.",
                )
            ),
            table(
                candidates.assign(
                    self_help_route=candidates["self_help_route"].map(
                        {True: tr(lang, "ja", "yes"), False: tr(lang, "nee", "no")}
                    )
                )[
                    [
                        "label",
                        "self_solvability",
                        "n",
                        "median_resolution_business_hours",
                        "self_help_route",
                    ]
                ].rename(columns={"self_help_route": tr(lang, "Zelfhulproute", "Self-help route")}),
                lang=lang,
                translate_values=("self_solvability",),
            ).to_html(),
        ),
        section(
            tr(lang, "Zo vragen medewerkers het", "How staff ask it"),
            paragraph(
                tr(
                    lang,
                    "Voorbeelden van korte omschrijvingen bij de grootste zelf oplosbare vraagtypes (geschoond van "
                    "persoonsgegevens). Bruikbaar als zoektermen voor de kennisbank.",
                    "Examples of short descriptions for the largest self-solvable question types (scrubbed of "
                    "personal data), as staff wrote them. Useful as search terms for the knowledge base.",
                )
            ),
            example_titles(
                tq, candidates["question_type"].head(3).tolist(), ctx.codebook, lang=lang
            ),
        ),
        questions_box(
            [
                "Welke zelfhulproutes bestaan al, en waarom worden ze (niet) gebruikt?",
                "Voor welk vraagtype schrijven we als eerste een procedure of handleiding?",
                "Welke vragen horen bij de key-users van de vakapplicaties eerder dan bij IT?",
            ]
            if lang != "en"
            else [
                "Which self-help routes exist already, and why are they (not) used?",
                "For which question type do we write a procedure or manual first?",
                "Which questions belong with the key users of the business applications rather than with IT?",
            ],
            lang=lang,
        ),
    ]
    return "it.html", "".join(body)


def pno_page(ctx: Context, suppressions: Suppressions) -> tuple[str, str]:
    """P&O: competence, onboarding, can't or won't, survey results, training needs."""
    lang = ctx.lang
    hyp = ctx.results.get("analyse_hypotheses")
    onboarding = onboarding_table(ctx, suppressions)
    verdict = {}
    if hyp is not None:
        verdict = dict(zip(hyp["hypothesis_id"], _verdicts(hyp, lang), strict=True))
    training = (
        ctx.tickets_q.loc[ctx.tickets_q["self_solvability"].eq("self")]
        .assign(
            digcomp=lambda t: t["question_type"].map(ctx.codebook.types["digcomp"]).replace("", "-")
        )
        .groupby("digcomp")
        .size()
        .rename("n")
        .sort_values(ascending=False)
        .reset_index()
    )
    if lang == "en":
        lines = [
            verdict.get("H1", "Onboarding: not tested yet (no staff roster or analysis)."),
            verdict.get("H4", "Can (self-efficacy): not tested, there is no survey."),
            verdict.get("H5", "Will (motivation): not tested, there is no survey."),
            verdict.get("H6", "Psychological safety as context: not tested."),
            f"Most self-solvable questions call for competence '{training['digcomp'].iloc[0]}' (DigComp 2.2)."
            if len(training)
            else "No self-solvable tickets this quarter.",
        ]
    else:
        lines = [
            verdict.get("H1", "Onboarding: nog niet getoetst (geen personeelslijst of analyse)."),
            verdict.get("H4", "Kunnen (zelfeffectiviteit): niet getoetst, er is geen bevraging."),
            verdict.get("H5", "Willen (motivatie): niet getoetst, er is geen bevraging."),
            verdict.get("H6", "Psychologische veiligheid als context: niet getoetst."),
            f"De meeste zelf oplosbare vragen vragen competentie '{training['digcomp'].iloc[0]}' (DigComp 2.2)."
            if len(training)
            else "Geen zelf oplosbare tickets in dit kwartaal.",
        ]
    rows = (
        hyp.loc[hyp["hypothesis_id"].isin(["H1", "H4", "H5", "H6", "H7"])]
        if hyp is not None
        else None
    )
    onboarding_heads = (
        ["Months employed", "People", "Self-solvable tickets", "Per FTE-month"]
        if lang == "en"
        else ["Maanden in dienst", "Personen", "Zelf oplosbare tickets", "Per VTE-maand"]
    )
    body = [
        summary_box([line if len(line) < 400 else line[:397] + "..." for line in lines], lang=lang),
        section(
            tr(lang, "Onboarding: nieuwe medewerkers", "Onboarding: new staff"),
            paragraph(
                tr(
                    lang,
                    "Zelf oplosbare tickets per VTE-maand naar maanden sinds indiensttreding (laatste twaalf maanden). "
                    "Groepen van minder dan vijf personen worden niet getoond.",
                    "Self-solvable tickets per FTE-month by months since hire (last twelve months). "
                    "Groups of fewer than five people are not shown.",
                )
            ),
            table(
                onboarding[["band", "n_people", "self_tickets", "self_per_fte_month"]].rename(
                    columns=dict(
                        zip(
                            ["band", "n_people", "self_tickets", "self_per_fte_month"],
                            onboarding_heads,
                            strict=True,
                        )
                    )
                ),
                lang=lang,
                decimals={onboarding_heads[3]: 2, onboarding_heads[1]: 0, onboarding_heads[2]: 0},
            ).to_html(),
        ),
        section(
            tr(lang, "Kunnen of willen, in een veilige context", "Can or will, in a safe context"),
            table(
                pd.DataFrame(
                    {
                        tr(lang, "Hypothese", "Hypothesis"): rows["hypothesis_id"],
                        tr(lang, "Besluit", "Verdict"): _verdicts(rows, lang),
                    }
                ),
                lang=lang,
            ).to_html()
            if rows is not None and len(rows)
            else paragraph(
                tr(
                    lang,
                    "De analyse is nog niet uitgevoerd of er is geen bevraging.",
                    "The analysis has not run yet or there is no survey.",
                )
            ),
        ),
        section(
            tr(lang, "Opleidingsnoden", "Training needs"),
            paragraph(
                tr(
                    lang,
                    "Zelf oplosbare tickets van dit kwartaal per DigComp 2.2-competentie: waar een korte opleiding het meeste oplevert.",
                    "Self-solvable tickets of this quarter per DigComp 2.2 competence: where a short training yields most.",
                )
            ),
            table(
                training.rename(
                    columns={
                        "digcomp": tr(lang, "Competentie (DigComp 2.2)", "Competence (DigComp 2.2)")
                    }
                ),
                lang=lang,
            ).to_html(),
        ),
        questions_box(
            [
                "Herkennen we het beeld van kunnen en willen in onze teams?",
                "Hoe nemen we digitale zelfredzaamheid op in het onboardingtraject en in het competentieprofiel?",
                "Welke opleiding plannen we eerst, en voor wie?",
            ]
            if lang != "en"
            else [
                "Do we recognise this picture of can and will in our teams?",
                "How do we include digital self-reliance in onboarding and in the competency profile?",
                "Which training do we plan first, and for whom?",
            ],
            lang=lang,
        ),
    ]
    return "pno.html", "".join(body)


def management_page(ctx: Context, suppressions: Suppressions) -> tuple[str, str]:
    """Management team: the story first, then hypotheses held, advice, ROI and KPI status."""
    lang = ctx.lang
    current = metrics.volume_summary(ctx.tickets_q, ctx.people, ctx.start, ctx.end).set_index(
        "metric"
    )["value"]
    hyp = ctx.results.get("analyse_hypotheses")
    savings = ctx.results.get("intervene_savings")
    supported = (
        hyp.loc[hyp["status"] == "supported", "statement_nl"].tolist() if hyp is not None else []
    )
    expected = savings.set_index("scenario").loc["expected"] if savings is not None else None
    if lang == "en":
        lines = [
            f"IT received **{fmt_number(current['tickets'], 0, lang)} tickets** in {quarter_label(ctx.quarter, lang)}; "
            f"staff could have solved **{fmt_pct(current['self_solvable_share'], 0, lang)}** themselves.",
            f"That costs IT about {fmt_number(current['it_hours_spent'], 0, lang)} hours a quarter, and staff wait a "
            f"median {fmt_number(current['median_resolution_business_hours'], 1, lang)} office hours for a solution.",
            (
                f"The data support {len(supported)} of the hypotheses about the causes."
                if hyp is not None
                else "The causes have not been tested yet."
            ),
            (
                f"In the expected scenario self-help can avoid about **{fmt_number(expected['avoidable_tickets'], 0, lang)} tickets a year**, "
                f"worth {fmt_number(expected['it_hours_freed'], 0, lang)} IT hours."
                if expected is not None
                else "The savings potential has not been calculated yet."
            ),
            "It is not only about IT: shorter waiting times mean smoother work in the teams.",
        ]
    else:
        lines = [
            f"IT kreeg **{fmt_number(current['tickets'], 0, lang)} tickets** in het {quarter_label(ctx.quarter, lang)}; "
            f"**{fmt_pct(current['self_solvable_share'], 0, lang)}** had de medewerker zelf kunnen oplossen.",
            f"Dat kost IT ongeveer {fmt_number(current['it_hours_spent'], 0, lang)} uur per kwartaal en medewerkers wachten "
            f"mediaan {fmt_number(current['median_resolution_business_hours'], 1, lang)} kantooruren op een oplossing.",
            (
                f"De data ondersteunen {len(supported)} van de hypothesen over de oorzaken."
                if hyp is not None
                else "De oorzaken zijn nog niet getoetst."
            ),
            (
                f"Zelfhulp kan in het verwachte scenario ongeveer **{fmt_number(expected['avoidable_tickets'], 0, lang)} tickets per jaar** "
                f"vermijden, goed voor {fmt_number(expected['it_hours_freed'], 0, lang)} IT-uren."
                if expected is not None
                else "Het besparingspotentieel is nog niet berekend."
            ),
            "Het gaat niet alleen om IT: kortere wachttijden betekenen vlotter werk in de teams.",
        ]
    body = [summary_box(lines, lang=lang)]
    if hyp is not None:
        body.append(
            section(
                tr(lang, "Wat houdt stand?", "What holds?"),
                table(
                    pd.DataFrame(
                        {
                            tr(lang, "Hypothese", "Hypothesis"): hyp["hypothesis_id"],
                            tr(lang, "Besluit", "Verdict"): _verdicts(hyp, lang),
                        }
                    ),
                    lang=lang,
                ).to_html(),
            )
        )
    advice = ctx.results.get("intervene_advice")
    if advice is not None:
        from selfreliance.narrative import action_names

        columns = [c for c in ("rank", "name", "tier", "evidence") if c in advice.columns]
        if "name" in columns:
            advice = advice.assign(name=action_names(advice, lang))
        body.append(
            section(
                tr(lang, "Advies", "Advice"),
                table(
                    advice[columns],
                    lang=lang,
                    translate_values=tuple(c for c in ("tier", "evidence") if c in columns),
                ).to_html(),
            )
        )
    if savings is not None:
        body.append(
            section(
                tr(
                    lang,
                    "Besparing per jaar (met onzekerheid)",
                    "Savings per year (with uncertainty)",
                ),
                table(
                    savings,
                    lang=lang,
                    eur=("savings_eur", "savings_low", "savings_high"),
                    decimals={"avoidable_tickets": 0, "it_hours_freed": 0},
                    translate_values=("scenario",),
                ).to_html(),
            )
        )
    kpis = ctx.results.get("intervene_kpis")
    if kpis is not None:
        body.append(
            section(tr(lang, "Indicatoren", "Indicators"), table(kpis, lang=lang).to_html())
        )
    body.append(
        questions_box(
            [
                "Welke richting kiezen we, en wie is eigenaar?",
                "Welk budget en welke tijd maken we vrij, en wanneer meten we opnieuw?",
                "Hoe betrekken we de leidinggevenden als hefboom?",
            ]
            if lang != "en"
            else [
                "Which direction do we choose, and who owns it?",
                "Which budget and time do we free up, and when do we measure again?",
                "How do we involve the team leaders as the lever?",
            ],
            lang=lang,
        )
    )
    return "management.html", "".join(body)


def _team_type_mix(mine: pd.DataFrame, org_mix: pd.Series, min_n: int) -> pd.DataFrame:
    """Question-type shares of one team next to the organisation's, disclosure-controlled.

    A type asked by fewer than ``min_n`` distinct people of the team has its share hidden
    (and, since the shares add up to 100 %, one more: complementary suppression). Types the
    team never asked show 0 % (a statement about nobody). Rows are ordered by the
    organisation's share, so the position of a hidden row reveals nothing.
    """
    per_type = mine.groupby("question_type")["requester_key"].agg(["size", "nunique"])
    mix = pd.DataFrame(
        {
            "team": per_type["size"] / max(len(mine), 1),
            "people": per_type["nunique"],
            "org": org_mix,
        }
    ).fillna(0.0)
    mix = mix.loc[(mix["team"] > 0) | (mix["org"] > 0.03)]
    mix = mix.sort_values("org", ascending=False, kind="stable")
    asked = mix["team"] > 0
    protected = protect_table(mix.loc[asked], people="people", values=["team"], min_n=min_n)
    mix["suppressed"] = ""
    mix.loc[asked, ["team", "suppressed"]] = protected[["team", "suppressed"]]
    return mix


def team_pages(ctx: Context, suppressions: Suppressions) -> list[tuple[str, str, str]]:
    """One page per team with at least ``min_n`` people: the team against the organisation.

    Returns (file name, team name, body). Teams under the threshold get no page (listed for
    the DPO). Individuals are never shown or ranked.
    """
    lang = ctx.lang
    teams = team_table(ctx, suppressions)
    org = _org_rates(ctx)
    tq = ctx.tickets_q.loc[ctx.tickets_q["requester_kind"].eq("staff")]
    # Question types over twelve months: in one quarter few types are asked by five or more
    # people of a team, so quarterly shares would be mostly hidden.
    year = metrics.in_period(ctx.tickets, ctx.end - pd.Timedelta(days=364), ctx.end)
    year = year.loc[year["requester_kind"].eq("staff")]
    org_mix = year["question_type"].value_counts(normalize=True)
    pages = []
    for row in teams.itertuples():  # one iteration per team (about 20), not per ticket
        if row.suppressed:
            suppressions.teams_without_page.append(str(row.team))
            continue
        mine = tq.loc[tq["team"] == row.team]
        mix = _team_type_mix(year.loc[year["team"] == row.team], org_mix, ctx.min_n)
        suppressions.count(mix)
        shown = mix.loc[mix["suppressed"] == ""]
        top_question = (
            ctx.codebook.label(shown["team"].idxmax(), lang) if shown["team"].gt(0).any() else "-"
        )
        mix = mix[["team", "org"]]
        mix.index = [ctx.codebook.label(t, lang) for t in mix.index]
        compare = pd.DataFrame(
            {
                "measure": [
                    "Zelf oplosbare tickets per VTE-maand",
                    "Aandeel zelf oplosbaar",
                    "Mediaan doorlooptijd (kantooruren)",
                ]
                if lang != "en"
                else [
                    "Self-solvable tickets per FTE-month",
                    "Self-solvable share",
                    "Median time to resolution (office hours)",
                ],
                "team": [
                    fmt_number(row.self_per_fte_month, 2, lang),
                    fmt_pct(row.self_share, 0, lang),
                    fmt_number(mine["resolution_business_hours"].median(), 1, lang),
                ],
                "org": [
                    fmt_number(org["self_per_fte_month"], 2, lang),
                    fmt_pct(org["self_share"], 0, lang),
                    fmt_number(org["median_resolution_business_hours"], 1, lang),
                ],
            }
        )
        if lang == "en":
            lines = [
                f"Team {row.team} ({row.department}): {fmt_number(row.tickets, 0, lang)} tickets in {quarter_label(ctx.quarter, lang)}.",
                f"Self-solvable tickets per FTE-month: **{fmt_number(row.self_per_fte_month, 2, lang)}** (organisation: {fmt_number(org['self_per_fte_month'], 2, lang)}).",
                f"Self-solvable share: {fmt_pct(row.self_share, 0, lang)} (organisation: {fmt_pct(org['self_share'], 0, lang)}).",
                f"Most frequent question in the team (twelve months): {top_question}.",
                "This report compares the team with the organisation; it does not show or rank individual staff.",
            ]
        else:
            lines = [
                f"Team {row.team} ({row.department}): {fmt_number(row.tickets, 0, lang)} tickets in het {quarter_label(ctx.quarter, lang)}.",
                f"Zelf oplosbare tickets per VTE-maand: **{fmt_number(row.self_per_fte_month, 2, lang)}** (organisatie: {fmt_number(org['self_per_fte_month'], 2, lang)}).",
                f"Aandeel zelf oplosbaar: {fmt_pct(row.self_share, 0, lang)} (organisatie: {fmt_pct(org['self_share'], 0, lang)}).",
                f"Meest gestelde vraag in het team (twaalf maanden): {top_question}.",
                "Dit rapport vergelijkt het team met de organisatie; het toont of rangschikt geen individuele medewerkers.",
            ]
        organisation = tr(lang, "Organisatie", "Organisation")
        body = [
            summary_box(lines, lang=lang),
            section(
                tr(lang, "Team en organisatie", "Team and organisation"),
                table(
                    compare.rename(
                        columns={
                            "measure": tr(lang, "Maat", "Measure"),
                            "team": "Team",
                            "org": organisation,
                        }
                    ),
                    lang=lang,
                ).to_html(),
            ),
            section(
                tr(
                    lang,
                    "Vraagtypes over de laatste twaalf maanden: aandeel in het team en in de "
                    "organisatie (– = minder dan vijf personen)",
                    "Question types over the last twelve months: share in the team and in the "
                    "organisation (– = fewer than five people)",
                ),
                table(
                    mix.reset_index(names=tr(lang, "Vraagtype", "Question type")).rename(
                        columns={"team": "Team", "org": organisation}
                    ),
                    lang=lang,
                    pct=("Team", organisation),
                ).to_html(),
            ),
            questions_box(
                [
                    "Welke vragen kunnen we in het team zelf oplossen, of bij een collega die het al kan?",
                    "Wat hebben we nodig om het zelf te proberen: tijd, uitleg, toestemming?",
                    "Hoe geef ik als leidinggevende zelf het voorbeeld?",
                ]
                if lang != "en"
                else [
                    "Which questions can we solve ourselves in the team, or with a colleague who already can?",
                    "What do we need to try it ourselves: time, explanation, permission?",
                    "How do I, as team leader, set the example myself?",
                ],
                lang=lang,
            ),
        ]
        pages.append((f"team-{slug(str(row.team))}.html", str(row.team), "".join(body)))
    return pages


def dpo_page(ctx: Context, suppressions: Suppressions) -> tuple[str, str]:
    """Data-protection officer: what personal data, how protected, what was suppressed, retention."""
    lang = ctx.lang
    scrubbed = ctx.summary.get("scrubbed", {})
    inputs = ctx.summary.get("inputs", {})
    en = lang == "en"
    processed = pd.DataFrame(
        [
            (
                "Tickets",
                tr(
                    lang,
                    "aanvrager (naam, e-mail) -> sleutel-pseudoniem; vrije tekst geschoond",
                    "requester (name, e-mail) -> keyed pseudonym; free text scrubbed",
                ),
                "tickets.parquet",
            ),
            (
                tr(lang, "Personeelslijst", "Staff roster"),
                tr(
                    lang,
                    "personeelsnummer -> pseudoniem; naam en e-mail niet bewaard; geboortejaar -> leeftijdsgroep",
                    "staff number -> pseudonym; name and e-mail not kept; birth year -> age band",
                ),
                "people.parquet",
            ),
            (
                tr(lang, "Bevraging", "Survey"),
                tr(
                    lang,
                    "personeelsnummer -> pseudoniem; antwoorden per item",
                    "staff number -> pseudonym; answers per item",
                ),
                "survey.parquet",
            ),
            (
                tr(lang, "Quarantaine", "Quarantine"),
                tr(
                    lang,
                    "enkel rijnummer, ticketnummer en reden",
                    "only row number, ticket number and reason",
                ),
                "quarantine.csv",
            ),
        ],
        columns=(
            ["Data", "Protection", "File in data/processed"]
            if en
            else ["Gegeven", "Bescherming", "Bestand in data/processed"]
        ),
    )
    scrub = pd.DataFrame({"kind": list(scrubbed), "n": list(scrubbed.values())})
    kinds = (
        {
            "email": "e-mail addresses",
            "phone": "phone numbers",
            "rrn": "national register numbers",
            "iban": "IBAN numbers",
            "name": "names from the staff roster",
        }
        if en
        else {
            "email": "e-mailadressen",
            "phone": "telefoonnummers",
            "rrn": "rijksregisternummers",
            "iban": "IBAN-nummers",
            "name": "namen uit de personeelslijst",
        }
    )
    scrub["kind"] = scrub["kind"].map(kinds).fillna(scrub["kind"])
    n_scrubbed = fmt_number(sum(scrubbed.values()), 0, lang)
    hidden_teams = len(suppressions.teams_without_page)
    if en:
        lines = [
            f"Processed: {', '.join(inputs) or 'tickets'}; people are replaced by a keyed pseudonym (HMAC-SHA256).",
            f"Removed from free text: {n_scrubbed} personal data items (e-mail, phone, national register number, IBAN, names).",
            f"No figure describes fewer than {ctx.min_n} people; this quarter {suppressions.cells} cells were hidden.",
            f"Teams without their own report (fewer than {ctx.min_n} people): {hidden_teams}.",
            "No report ranks or shows individual staff.",
        ]
    else:
        lines = [
            f"Verwerkt: {', '.join(inputs) or 'tickets'}; personen zijn vervangen door een sleutel-pseudoniem (HMAC-SHA256).",
            f"Uit vrije tekst verwijderd: {n_scrubbed} persoonsgegevens (e-mail, telefoon, rijksregisternummer, IBAN, namen).",
            f"Geen enkel cijfer beschrijft minder dan {ctx.min_n} personen; in dit kwartaal werden {suppressions.cells} cellen verborgen.",
            f"Teams zonder eigen rapport (minder dan {ctx.min_n} personen): {hidden_teams}.",
            "Geen rapport rangschikt of toont individuele medewerkers.",
        ]
    body = [
        summary_box(lines, lang=lang),
        section(
            tr(lang, "Welke persoonsgegevens, hoe beschermd", "Which personal data, how protected"),
            table(processed, lang=lang).to_html(),
        ),
        section(
            tr(lang, "Geschoonde vrije tekst", "Scrubbed free text"),
            table(scrub.rename(columns={"kind": tr(lang, "Soort", "Kind")}), lang=lang).to_html()
            if len(scrub)
            else paragraph(tr(lang, "Geen vrije tekst verwerkt.", "No free text processed.")),
        ),
        section(
            tr(lang, "Sleutel en bewaring", "Key and retention"),
            paragraph(
                tr(
                    lang,
                    "De pseudonimiseringssleutel staat buiten de code (.secrets/pseudonym.key of de omgevingsvariabele "
                    "SELFRELIANCE_PSEUDONYM_KEY) en wordt samen met de ruwe exports bewaard, zodat pseudoniemen van kwartaal "
                    "tot kwartaal gelijk blijven. Wie de sleutel niet heeft, kan een pseudoniem niet terugrekenen.",
                    "The pseudonymisation key is kept outside the code (.secrets/pseudonym.key or the environment variable "
                    "SELFRELIANCE_PSEUDONYM_KEY) and stored with the raw exports, so that pseudonyms stay the same from "
                    "quarter to quarter. Without the key a pseudonym cannot be traced back.",
                )
            ),
            paragraph(
                tr(
                    lang,
                    "Ruwe exports blijven in data/raw, worden nooit gewijzigd en nooit in versiebeheer opgenomen. "
                    "Voorstel voor de bewaartermijn: ruwe exports en sleutel zolang de opvolging loopt, maximaal twee jaar; "
                    "verwerkte gegevens en rapporten per kwartaal, te verwijderen met `make clean-data`.",
                    "Raw exports stay in data/raw, are never changed and never put under version control. "
                    "Proposed retention: raw exports and key for as long as the follow-up runs, at most two years; "
                    "processed data and reports per quarter, to be removed with `make clean-data`.",
                )
            ),
        ),
        section(
            tr(lang, "Onderdrukte cellen", "Suppressed cells"),
            paragraph(
                f"Drempel: {ctx.min_n} personen. Primaire onderdrukking verbergt kleine groepen; aanvullende "
                "onderdrukking verbergt een tweede cel zodat een verborgen cel niet uit een totaal kan worden afgeleid."
                if not en
                else f"Threshold: {ctx.min_n} people. Primary suppression hides small groups; complementary "
                "suppression hides a second cell so that a hidden cell cannot be derived from a total."
            ),
            paragraph(
                tr(
                    lang,
                    f"Verborgen cellen in de rapporten van dit kwartaal: **{suppressions.cells}**.",
                    f"Hidden cells in this quarter's reports: **{suppressions.cells}**.",
                )
            ),
        ),
        questions_box(
            [
                "Is de doelbinding (verbeteren van de IT-ondersteuning) voldoende beschreven in het register van verwerkingen?",
                "Wie bewaart de sleutel, en wie mag de ruwe exports inzien?",
                "Welke bewaartermijn leggen we vast?",
            ]
            if not en
            else [
                "Is the purpose (improving IT support) described well enough in the record of processing activities?",
                "Who keeps the key, and who may see the raw exports?",
                "Which retention period do we set?",
            ],
            lang=lang,
        ),
    ]
    return "dpo.html", "".join(body)


def trend_section(processed_dir: Path, quarter: str, *, lang: str = "nl") -> str:
    """The organisation's headline metrics over the quarters reported so far, against the
    baseline (the first quarter reported)."""
    path = processed_dir / metrics.HISTORY_FILE
    head = (
        "Verloop over de gerapporteerde kwartalen"
        if lang == "nl"
        else "Trend over the quarters reported"
    )
    if not path.exists():
        return section(
            head,
            paragraph(
                "Nog geen eerdere kwartalen gerapporteerd."
                if lang == "nl"
                else "No earlier quarters reported yet."
            ),
        )
    history = pd.read_parquet(path)
    history = history.loc[history["quarter"] <= quarter]
    trend = metrics.trend_table(history)
    if trend.empty:
        return ""
    note = (
        f"Basislijn: {trend['quarter'].iloc[0]} (het eerste gerapporteerde kwartaal)."
        if lang == "nl"
        else f"Baseline: {trend['quarter'].iloc[0]} (the first quarter reported)."
    )
    shown = table(
        trend,
        lang=lang,
        pct=("self_solvable_share",),
        decimals={"self_solvable_per_fte_month": 2, "tickets": 0},
    )
    return section(head, paragraph(note), shown.to_html())


# --------------------------------------------------------------------------------------
# Rendering all pages of a quarter
# --------------------------------------------------------------------------------------

TITLES = {
    "it.html": (
        "IT-dienst: belasting, vraagtypes en zelfhulp",
        "IT service: load, question types and self-help",
    ),
    "pno.html": (
        "P&O: competenties, onboarding, kunnen of willen",
        "HR: competence, onboarding, can't or won't",
    ),
    "management.html": (
        "Managementteam: het verhaal op een pagina",
        "Management team: the story on one page",
    ),
    "dpo.html": (
        "Functionaris voor gegevensbescherming: verwerking en bescherming",
        "Data-protection officer: processing and protection",
    ),
}


def load_results(processed_dir: Path, quarter: str) -> dict[str, pd.DataFrame]:
    """The quarter's result tables written by the step notebooks, by file stem."""
    folder = Path(processed_dir) / quarter
    return {path.stem: pd.read_parquet(path) for path in sorted(folder.glob("*.parquet"))}


def render_audiences(
    quarter: str,
    processed_dir: Path,
    out_dir: Path,
    *,
    lang: str = "nl",
    min_n: int = MIN_GROUP_SIZE,
) -> list[tuple[str, str]]:
    """Write every stakeholder page of ``quarter`` into ``out_dir``; return (file, title) pairs."""
    from selfreliance.categorise import load_codebook
    from selfreliance.pipeline import load_processed
    from selfreliance.quarters import quarter_bounds
    from selfreliance.reports import lineage_block, page

    data = load_processed(processed_dir)
    start, end = quarter_bounds(quarter)
    ctx = Context(
        quarter=quarter,
        start=start,
        end=end,
        tickets=data.tickets,
        people=data.people,
        summary=data.summary,
        results=load_results(processed_dir, quarter),
        codebook=load_codebook(),
        costs=metrics.load_costs(),
        lang=lang,
        min_n=min_n,
    )
    suppressions = Suppressions()
    bodies: list[tuple[str, str, str]] = []
    for builder in (it_page, management_page):
        name, body = builder(ctx, suppressions)
        bodies.append((name, TITLES[name][0 if lang == "nl" else 1], body))
    if data.people is not None:
        name, body = pno_page(ctx, suppressions)
        bodies.append((name, TITLES[name][0 if lang == "nl" else 1], body))
        for name, team, body in team_pages(ctx, suppressions):
            bodies.append((name, ("Team " if lang == "nl" else "Team ") + team, body))
    name, body = dpo_page(ctx, suppressions)
    bodies.append((name, TITLES[name][0 if lang == "nl" else 1], body))
    block = trend_section(Path(processed_dir), quarter, lang=lang) + lineage_block(
        lineage(ctx), lang
    )
    written = []
    for name, title, body in bodies:
        heading = f'<h1>{html.escape(title)}</h1><p class="muted">{html.escape(quarter_label(quarter, lang))}</p>'
        (out_dir / name).write_text(
            page(title, heading + body + block, lang=lang), encoding="utf-8"
        )
        written.append((name, title))
    return written
