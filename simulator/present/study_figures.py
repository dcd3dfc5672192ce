"""Pictures of the studies (compare, Pareto, staffing, training), built from their results.

The studies return plain data and know nothing of matplotlib; the CLI hands these figures to a
study's writer, which puts them next to its tables. Sizes, colours and ``save_png`` are those of
``present.figures``, so a study's picture looks like a run's.
"""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import PercentFormatter

from simulator.present.figures import (
    COLORS,
    FIGSIZE,
    LABEL_SIZE,
    LEGEND_SIZE,
    PALETTE,
    TICK_SIZE,
    TITLE_SIZE,
    bottom_legend,
    comparison_figure,
    money_axis,
    new_figure,
    staffing_figure,
)
from simulator.present.labels import DEFAULT_LANG, format_amount, format_threshold, number, t
from simulator.present.study_text import format_metric, metric_label, signed, training_text
from simulator.studies.pareto import KINDS, LINES

if TYPE_CHECKING:
    from simulator.studies.compare import Comparison
    from simulator.studies.staffing import StaffingResult
    from simulator.studies.training import TrainingResult

SUBTITLE_CHARS = 110
"""The training figure's subtitle wraps here: in one line the Dutch one ran off the 1500-px
picture."""


def comparison_plot(comparison: Comparison, lang: str = DEFAULT_LANG) -> Figure:
    """compare.png: each scenario's mean and 95% CI per headline KPI."""
    results = {
        label: (r.kpis, r.ci95)
        for label, r in zip(comparison.labels, comparison.results, strict=True)
    }
    return comparison_figure(results, lang=lang)


def staffing_plot(result: StaffingResult, lang: str = DEFAULT_LANG) -> Figure:
    """Required (whole agents) against the scenario's scheduled agents.

    With offered contacts per hour on a second axis: staffing against demand in one picture.
    """
    table = result.table
    return staffing_figure(
        table["start_min"],
        table["agents"],
        result.scheduled,
        lang,
        table["offered_per_hour"],
        result.horizon.start,
    )


def pareto_figure(table: pd.DataFrame, lang: str = DEFAULT_LANG, currency: str = "EUR") -> Figure:
    """Bars of agent hours per reason with the cumulative share on a second axis.

    Reasons largest first, each bar split by why the contact exists; the 50% / 80% lines drawn.
    With prices (a ``cost`` column) each bar is labelled with the reason's cost.
    """
    fig = new_figure()
    ax = fig.axes[0]
    x = np.arange(len(table))
    bottom = np.zeros(len(table))
    for kind in KINDS:
        values = table[f"hours_{kind}"].to_numpy(dtype=float)
        if kind != "new" and not values.any():
            continue
        ax.bar(
            x,
            values,
            bottom=bottom,
            color=COLORS[kind],
            label=t(f"plot.source.{kind}", lang),
        )
        bottom += values
    ax.set_xticks(x, [str(r) for r in table["reason"]], rotation=20 if len(table) > 4 else 0)
    if "cost" in table and table["cost"].notna().any():  # the reason's cost on top of its bar
        for xi, top, cost in zip(x, bottom, table["cost"], strict=True):
            if pd.notna(cost):
                ax.annotate(
                    format_amount(float(cost), lang, currency),
                    (xi, top),
                    xytext=(0, 3),
                    textcoords="offset points",
                    ha="center",
                    fontsize=TICK_SIZE - 2,
                )
    ax.set_ylabel(t("pareto.y", lang), fontsize=LABEL_SIZE)
    ax.tick_params(labelsize=TICK_SIZE)
    ax.grid(True, axis="y", alpha=0.3)
    ax.spines["top"].set_visible(False)
    ax.set_ylim(0, max(1.0, float(bottom.max(initial=0.0))) * 1.1)
    ax2 = ax.twinx()
    cum = table["cumulative_share"].to_numpy(dtype=float)
    ax2.plot(x, cum, marker="o", lw=2.5, color="#333333", label=t("pareto.cumulative", lang))
    for line, style in zip(LINES, (":", "--"), strict=True):
        ax2.axhline(line, color=COLORS["target"], lw=1.8, ls=style)
        ax2.annotate(
            t("pareto.line", lang, share=format_threshold("fcr", line, lang)),
            (1.0, line),
            xycoords=("axes fraction", "data"),
            xytext=(-4, 4),
            textcoords="offset points",
            ha="right",
            fontsize=LEGEND_SIZE,
            color=COLORS["target"],
        )
    ax2.set_ylim(0, 1.05)
    ax2.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax2.set_ylabel(t("pareto.cumulative", lang), fontsize=LABEL_SIZE)
    ax2.tick_params(labelsize=TICK_SIZE)
    ax2.spines["top"].set_visible(False)
    ax.set_title(t("pareto.title", lang), fontsize=TITLE_SIZE, loc="left")
    bottom_legend(fig, frameon=False)  # as many columns as fit: Dutch labels are long
    return fig


def training_figure(result: TrainingResult, lang: str = DEFAULT_LANG) -> Figure:
    """Four panels: offered contacts, repeat contacts, ASA, agent hours (paid vs needed).

    With prices a fifth, the width of the picture below them: the cost per week as rostered
    against the cost at the agent hours needed, per what-if.
    """
    tr = result.training
    labels, money = tr.labels(lang), tr.currency
    rows = 3 if tr.costs else 2
    fig = new_figure(2, rows, size=(FIGSIZE[0] * 1.25, FIGSIZE[1] * 0.8 * rows))
    if tr.costs:  # the last row is one wide panel
        grid = fig.axes[4].get_subplotspec().get_gridspec()
        for ax in fig.axes[4:]:
            ax.remove()
        fig.add_subplot(grid[2, :])
    grey, more = "#999999", PALETTE[1]
    colors = [grey] + [more if (w.scale_agents or 1) > 1 else PALETTE[2] for w in tr.what_ifs]
    x = np.arange(len(labels))
    ticks = [textwrap.fill(label, 16) for label in labels]

    def panel(ax: Any, key: str, offset: float = 0.0, width: float = 0.7, **kw: Any) -> None:
        means = [np.nan if m is None else m for m in result.means(key)]
        errs = [0.0 if c is None else c for c in result.ci95(key)]
        bars = ax.bar(x + offset, means, width, yerr=errs, capsize=5, **kw)
        diffs = [d["mean"] for d in result.diff(key)]
        if key.startswith("agent_hours"):  # two bars per what-if: whole hours, no unit
            texts = [number(means[0], 0, lang)] + [
                ""
                if d is None
                else "0"
                if abs(d) < 0.5
                else ("+" if d > 0 else "−") + number(abs(d), 0, lang)
                for d in diffs
            ]
        else:
            texts = [format_metric(key, means[0], lang, money)] + [
                signed(key, d, None, lang, money) for d in diffs
            ]
        ax.bar_label(bars, labels=texts, fontsize=TICK_SIZE - 4, padding=3)

    for ax, key in zip(fig.axes[:3], ("offered", "repeat_contacts", "asa_s"), strict=True):
        panel(ax, key, color=colors)
        ax.set_title(metric_label(key, lang), fontsize=LABEL_SIZE, loc="left")
    ax = fig.axes[3]
    panel(ax, "agent_hours", -0.2, 0.4, color=colors, alpha=0.45)
    panel(ax, "agent_hours_needed", 0.2, 0.4, color=colors)
    sl = tr.scenarios[0].channels.phone.service_level
    target = f"{100 * sl.target:.0f}/{sl.answer_within_s:.0f} s"
    ax.legend(
        handles=[
            Patch(color=grey, alpha=0.45, label=training_text("on_duty", lang)),
            Patch(color=grey, label=training_text("needed", lang, sl=target)),
        ],
        fontsize=TICK_SIZE - 3,
        loc="upper right",
    )
    ax.set_title(training_text("hours", lang), fontsize=LABEL_SIZE, loc="left")
    if tr.costs:
        ax = fig.axes[4]
        panel(ax, "cost_per_week", -0.2, 0.4, color=colors, alpha=0.45)
        panel(ax, "cost_needed_per_week", 0.2, 0.4, color=colors)
        ax.legend(
            handles=[
                Patch(color=grey, alpha=0.45, label=training_text("money.rostered", lang)),
                Patch(color=grey, label=training_text("money.needed", lang)),
            ],
            fontsize=TICK_SIZE - 3,
            loc="upper right",
        )
        ax.set_title(training_text("money", lang), fontsize=LABEL_SIZE, loc="left")
        money_axis(ax, lang, money)
    for ax in fig.axes:
        ax.set_xticks(x, ticks)
        ax.tick_params(labelsize=TICK_SIZE - 3)
        ax.margins(y=0.35 if ax in fig.axes[3:] else 0.18)
        ax.grid(True, axis="y", alpha=0.3)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
    subtitle = training_text("subtitle", lang, name=tr.name, n=tr.replications, seed=tr.seed)
    fig.suptitle(
        training_text("title", lang) + "\n" + textwrap.fill(subtitle, SUBTITLE_CHARS),
        fontsize=TITLE_SIZE - 4,
        x=0.01,
        ha="left",
    )
    return fig
