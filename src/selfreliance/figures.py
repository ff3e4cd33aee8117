"""Figures for the reports, in the suite's palette, with translated labels."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.ticker import FuncFormatter, NullFormatter

from selfreliance.present import (
    SOLVABILITY_COLOURS,
    decimal_comma_axis,
    fmt_number,
    label,
    set_style,
)


def weekly_volume(weekly: pd.DataFrame, *, lang: str = "nl", highlight: tuple | None = None):
    """Stacked weekly ticket counts by self-solvability (from :func:`metrics.weekly_counts`)."""
    set_style()
    wide = weekly.pivot_table(
        index="week", columns="self_solvability", values="n", aggfunc="sum", fill_value=0
    )
    order = [c for c in ("self", "partly", "it") if c in wide.columns]
    fig, ax = plt.subplots()
    ax.stackplot(
        wide.index,
        *[wide[c] for c in order],
        labels=[label(c, lang) for c in order],
        colors=[SOLVABILITY_COLOURS[c] for c in order],
        alpha=0.9,
    )
    if highlight is not None:
        ax.axvspan(highlight[0], highlight[1], color="#000000", alpha=0.07, lw=0)
    ax.set_ylabel(label("tickets", lang) + (" per week" if lang != "nl" else " per week"))
    ax.set_xlabel("")
    ax.legend(loc="upper left", frameon=False, ncols=3)
    decimal_comma_axis(ax, "y", lang)
    return fig


def type_bars(types: pd.DataFrame, *, lang: str = "nl"):
    """Horizontal bars of tickets per question type, coloured by self-solvability."""
    set_style()
    shown = types.loc[types["n"] > 0].sort_values("n")
    fig, ax = plt.subplots(figsize=(8, 0.32 * len(shown) + 0.8))
    ax.barh(
        shown["label"],
        shown["n"],
        color=[SOLVABILITY_COLOURS[s] for s in shown["self_solvability"]],
    )
    handles = [
        plt.Rectangle((0, 0), 1, 1, color=SOLVABILITY_COLOURS[c]) for c in ("self", "partly", "it")
    ]
    ax.legend(
        handles,
        [label(c, lang) for c in ("self", "partly", "it")],
        frameon=False,
        loc="lower right",
    )
    ax.set_xlabel(label("n", lang))
    decimal_comma_axis(ax, "x", lang)
    return fig


def irr_forest(results: pd.DataFrame, *, lang: str = "nl"):
    """Forest plot of the estimates with 95% intervals, on a log axis.

    Count models give incidence-rate ratios; the recurring-behaviour tests (``kind``
    concentration or repeat) give a ratio of observed to expected share. Both are ratios
    with 1 = no effect, so they share the axis, but they are drawn with their own marker and
    colour and named in the legend.
    """
    set_style()
    shown = results.dropna(subset=["irr"]).iloc[::-1]
    fig, ax = plt.subplots(figsize=(8, 0.45 * len(shown) + 1.4))
    y = np.arange(len(shown))
    ratio = (
        shown["kind"].isin(["concentration", "repeat"]).to_numpy()
        if "kind" in shown
        else np.zeros(len(shown), dtype=bool)
    )
    nl = lang == "nl"
    groups = (
        (~ratio, "o", "#0072B2",
         "IRR: tickets per VTE-maand" if nl else "IRR: tickets per FTE-month"),
        (ratio, "s", "#E69F00",
         "Herhaalgedrag: waargenomen / verwacht aandeel" if nl
         else "Recurring behaviour: observed / expected share"),
    )  # fmt: skip
    for mask, marker, colour, name in groups:
        if not mask.any():
            continue
        part = shown[mask]
        ax.errorbar(
            part["irr"],
            y[mask],
            xerr=[part["irr"] - part["ci_low"], part["ci_high"] - part["irr"]],
            fmt=marker,
            color=colour,
            ecolor=colour,
            capsize=3,
            label=name,
        )
    ax.axvline(1, color="#555555", lw=1, ls="--")
    ax.set_xscale("log")
    ax.set_yticks(
        y,
        shown["hypothesis_id"] + "  " + shown["short_label"]
        if "short_label" in shown
        else shown["hypothesis_id"],
    )
    ax.set_xlabel(
        "Verhouding met 95%-betrouwbaarheidsinterval (1 = geen effect)"
        if nl
        else "Ratio with 95% confidence interval (1 = no effect)"
    )
    if ratio.any():
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12 - 0.6 / len(shown)),
                  ncol=2, fontsize=8, frameon=False)  # fmt: skip
    ticks = [
        t
        for t in (0.25, 0.5, 0.75, 1, 1.5, 2, 3, 4)
        if shown["ci_low"].min() * 0.9 <= t <= shown["ci_high"].max() * 1.1
    ]
    ax.set_xticks(ticks or [1])
    ax.xaxis.set_minor_formatter(NullFormatter())
    ax.xaxis.set_major_formatter(
        FuncFormatter(lambda v, _p: fmt_number(v, 2 if v < 1 else 1, lang).rstrip("0").rstrip(",."))
    )
    fig.tight_layout()
    return fig


def kpi_trend_figure(trend: pd.DataFrame, status: pd.DataFrame, *, lang: str = "nl"):
    """Small multiples: each monitored KPI per quarter with its baseline and target."""
    set_style()
    metrics = [m for m in status["metric"] if m in trend.columns]
    cols = 3
    rows = int(np.ceil(len(metrics) / cols)) or 1
    fig, axes = plt.subplots(rows, cols, figsize=(9, 2.6 * rows), squeeze=False)
    for ax, metric in zip(axes.ravel(), metrics, strict=False):
        row = status.set_index("metric").loc[metric]
        ax.plot(trend["quarter"], trend[metric], marker="o", color="#0072B2")
        ax.axhline(row["baseline"], color="#999999", ls="--", lw=1)
        ax.axhline(row["target"], color="#009E73", ls=":", lw=1.5)
        ax.set_title(label(metric, lang), fontsize=8, loc="left")
        ax.tick_params(axis="x", labelrotation=60, labelsize=7)
        ax.set_ylim(bottom=0)
        decimal_comma_axis(ax, "y", lang)
    for ax in axes.ravel()[len(metrics) :]:
        ax.axis("off")
    fig.tight_layout()
    return fig


def evaluation_panels(details: dict, summary: pd.DataFrame, *, lang: str = "nl"):
    """One interrupted-time-series panel per evaluated intervention (or ``None`` if none)."""
    if summary is None or summary.empty or not details:
        return None
    ids = [i for i in summary["intervention_id"].astype(str) if i in details]
    if not ids:
        return None
    names = summary.set_index(summary["intervention_id"].astype(str))["name"]
    set_style()
    fig, axes = plt.subplots(len(ids), 1, figsize=(8, 3.2 * len(ids)), squeeze=False)
    for ax, key in zip(axes.ravel(), ids, strict=True):
        its = details[key]["its"]
        weekly, start = its.weekly, its.start
        ax.plot(weekly["week"], weekly["observed"], color="#999999", lw=1,
                label="waargenomen" if lang == "nl" else "observed")  # fmt: skip
        ax.plot(weekly["week"], weekly["fitted"], color="#0072B2", lw=2, label="model")
        after = weekly["week"] >= start
        ax.plot(weekly.loc[after, "week"], weekly.loc[after, "counterfactual"], color="#D55E00", lw=2,
                ls="--", label="verwacht zonder de actie" if lang == "nl" else "expected without the action")  # fmt: skip
        ax.axvline(start, color="#000000", lw=1, ls=":")
        ax.set_title(str(names[key]), loc="left", fontsize=10)
        ax.set_ylabel("Tickets per week")
        ax.set_ylim(bottom=0)
        ax.legend(loc="upper left", frameon=False, ncols=3, fontsize=8)
        decimal_comma_axis(ax, "y", lang)
    fig.tight_layout()
    return fig


def confusion_heatmap(tickets: pd.DataFrame, labels: pd.DataFrame, codebook, *, lang: str = "nl"):
    """Confusion matrix of question types (rows: hand codes, columns: classifier), as row shares."""
    from selfreliance.classifier import confusion_table

    set_style()
    merged = tickets[["ticket_id", "question_type"]].merge(
        labels[["ticket_id", "question_type"]], on="ticket_id", suffixes=("_pred", "_true")
    )
    types = list(codebook.types.index)
    long = confusion_table(merged["question_type_true"], merged["question_type_pred"], labels=types)
    wide = long.pivot(index="true", columns="predicted", values="n").reindex(
        index=types, columns=types
    )
    shares = wide.div(wide.sum(axis=1).where(lambda s: s > 0), axis=0).fillna(0)
    names = [codebook.label(t, lang) for t in types]
    fig, ax = plt.subplots(figsize=(8, 7))
    image = ax.imshow(shares.to_numpy(), cmap="Blues", vmin=0, vmax=1)
    ax.set_xticks(range(len(types)), names, rotation=60, ha="right", fontsize=8)
    ax.set_yticks(range(len(types)), names, fontsize=8)
    ax.set_xlabel("Automatische indeling" if lang == "nl" else "Classifier")
    ax.set_ylabel("Handmatige code" if lang == "nl" else "Hand code")
    ax.grid(False)
    fig.colorbar(
        image,
        ax=ax,
        fraction=0.04,
        label="Aandeel van de rij" if lang == "nl" else "Share of the row",
    )
    return fig


def lorenz_curve(curve: pd.DataFrame, *, lang: str = "nl"):
    """Lorenz curve of self-solvable tickets over staff, with the chance curve and equality line
    (from :func:`metrics.lorenz`; a fixed grid, no point stands for one person)."""
    set_style()
    nl = lang == "nl"
    fig, ax = plt.subplots(figsize=(5.2, 4.6))
    ax.plot(
        [0, 1],
        [0, 1],
        color="#999999",
        ls=":",
        lw=1,
        label="Volledig gelijk" if nl else "Perfect equality",
    )
    ax.plot(
        curve["people_share"],
        curve["chance_share"],
        color="#56B4E9",
        ls="--",
        label="Bij toeval (VTE)" if nl else "Chance (FTE)",
    )
    ax.plot(
        curve["people_share"],
        curve["ticket_share"],
        color="#D55E00",
        lw=2,
        label="Waargenomen" if nl else "Observed",
    )
    ax.set_xlabel(
        "Aandeel medewerkers (van minst naar meest meldingen)"
        if nl
        else "Share of staff (fewest to most tickets)"
    )
    ax.set_ylabel("Aandeel zelf oplosbare meldingen" if nl else "Share of self-solvable tickets")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    percent = FuncFormatter(lambda v, _p: fmt_number(100 * v, 0, lang) + "%")
    ax.xaxis.set_major_formatter(percent)
    ax.yaxis.set_major_formatter(percent)
    ax.legend(frameon=False, loc="upper left")
    return fig


def backlog_line(backlog: pd.DataFrame, *, lang: str = "nl", highlight: tuple | None = None):
    """Open tickets at the end of each period (from :func:`metrics.backlog`)."""
    set_style()
    fig, ax = plt.subplots(figsize=(8, 3))
    ax.plot(backlog["period_end"], backlog["open_tickets"], color="#0072B2", marker=".", lw=1.5)
    if highlight is not None:
        ax.axvspan(highlight[0], highlight[1], color="#000000", alpha=0.07, lw=0)
    ax.set_ylabel("Openstaande meldingen" if lang == "nl" else "Open tickets")
    ax.set_xlabel("")
    ax.set_ylim(bottom=0)
    decimal_comma_axis(ax, "y", lang)
    return fig
