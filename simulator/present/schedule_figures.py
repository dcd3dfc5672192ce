"""The picture of ``ccsim schedule``: required against scheduled agents, with dates on the axes.

``schedule.png`` (``--out``) and the schedule report show it. Two panels, over all groups:

- top: agents required on the line and agents the roster puts on the line (net of breaks as the
  engine places them) per interval of the whole horizon, one tick per date, shortfall shaded; the
  agents on duty (breaks included) dashed when breaks make them differ;
- bottom: a date x time-of-day heat map of on the line minus required: red where the roster is
  short, blue where it has agents to spare, grey where nobody is needed or planned (closed).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
from matplotlib.figure import Figure

from simulator.present.figures import (
    COLORS,
    FIGSIZE,
    LABEL_SIZE,
    LEGEND_SIZE,
    LINE_WIDTH,
    TICK_SIZE,
    _clock_axis,
    _day_labels,
    _style,
    new_figure,
)
from simulator.present.labels import DEFAULT_LANG, t

if TYPE_CHECKING:
    from simulator.studies.schedule import ScheduleResult

MAX_DATE_TICKS = 35
"""Up to five weeks every date is labelled; beyond that one label per week."""


def schedule_grid(result: ScheduleResult) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """Per day (rows) and interval of the day (columns): required, on the line, on duty, first.

    Totals over the groups; the columns span the first to the last interval of the day that
    needs or has an agent on any day (the hours the center is closed are left out); ``first`` is
    the first column's interval of the day.
    """
    per_day = 24 * 60 // result.interval_minutes
    grids = []
    for values in (result.required, result.covered, result.on_duty):
        total = sum(values[g] for g in result.groups)
        padded = np.zeros(math.ceil(len(total) / per_day) * per_day)
        padded[: len(total)] = total
        grids.append(padded.reshape(-1, per_day))
    req, cov, duty = grids
    used = np.flatnonzero(((req > 0) | (duty > 0)).any(axis=0))
    if not len(used):
        return req, cov, duty, 0
    cols = slice(int(used[0]), int(used[-1]) + 1)
    return req[:, cols], cov[:, cols], duty[:, cols], int(used[0])


def schedule_figure(result: ScheduleResult, lang: str = DEFAULT_LANG) -> Figure:
    """schedule.png: required against scheduled agents per interval, by date (two panels)."""
    from matplotlib.colors import LinearSegmentedColormap, TwoSlopeNorm

    required = sum(result.required[g] for g in result.groups)
    covered = sum(result.covered[g] for g in result.groups)
    on_duty = sum(result.on_duty[g] for g in result.groups)
    n = len(required)
    per_day = 24 * 60 // result.interval_minutes
    days = math.ceil(n / per_day)
    fig = new_figure(nrows=2, size=(FIGSIZE[0] * 1.25, FIGSIZE[1] * 1.1 + 2.5 + 0.3 * days))
    ax, heat = fig.axes
    # -- top: the horizon, one tick per date ------------------------------------------------
    x = np.arange(n + 1) / per_day  # in days; the last step closed at the horizon's end
    step = {"where": "post"}
    ax.step(
        x,
        np.append(required, required[-1:]),
        lw=LINE_WIDTH,
        color=COLORS["abandoned"],
        label=t("plot.schedule.required", lang),
        **step,
    )
    ax.step(
        x,
        np.append(covered, covered[-1:]),
        lw=LINE_WIDTH * 0.8,
        color=COLORS["offered"],
        label=t("plot.schedule.covered", lang),
        **step,
    )
    if np.abs(on_duty - covered).max(initial=0.0) > 1e-6:
        ax.step(
            x,
            np.append(on_duty, on_duty[-1:]),
            lw=LINE_WIDTH / 2,
            ls="--",
            color=COLORS["target"],
            label=t("plot.schedule.on_duty", lang),
            **step,
        )
    short = np.append(covered < required - 1e-6, False)
    if short.any():
        ax.fill_between(
            x,
            np.append(covered, covered[-1:]),
            np.append(required, required[-1:]),
            where=short,
            step="post",
            color=COLORS["abandoned"],
            alpha=0.3,
            label=t("plot.staffing.short", lang),
        )
    shown = list(range(days)) if days <= MAX_DATE_TICKS else list(range(0, days, 7))
    ax.set_xticks(shown, _day_labels(shown, result.origin, lang), rotation=90)
    ax.set_xlim(0, n / per_day)
    top = max(float(required.max(initial=0.0)), float(on_duty.max(initial=0.0)), 1.0)
    ax.set_ylim(0, top * 1.3)  # a band above the peaks for the legend
    _style(ax, t("plot.schedule.title", lang), None, t("plot.staffing.y", lang))
    ax.tick_params(axis="x", labelsize=TICK_SIZE - 3 if len(shown) > 14 else TICK_SIZE)
    ax.legend(fontsize=LEGEND_SIZE, framealpha=0.9, loc="upper right", ncols=2)
    # -- bottom: date x time of day, on the line minus required -----------------------------
    req, cov, duty, first = schedule_grid(result)
    diff = np.where((req > 0) | (duty > 0), cov - req, np.nan)
    values = np.ma.masked_invalid(diff)
    reach = max(1.0, float(np.nanmax(np.abs(diff)))) if np.isfinite(diff).any() else 1.0
    cmap = LinearSegmentedColormap.from_list(
        "surplus", [COLORS["abandoned"], "#F7F7F7", COLORS["offered"]]
    ).with_extremes(bad="#D9D9D9")
    minutes = (first + np.arange(req.shape[1])) * result.interval_minutes
    image = heat.imshow(
        values,
        cmap=cmap,
        norm=TwoSlopeNorm(vmin=-reach, vcenter=0.0, vmax=reach),
        aspect="auto",
        interpolation="nearest",
        extent=(minutes[0], minutes[-1] + result.interval_minutes, days - 0.5, -0.5),
    )
    every = max(1, math.ceil(days / 42))
    rows = list(range(0, days, every))
    heat.set_yticks(rows, _day_labels(rows, result.origin, lang))
    _clock_axis(heat, minutes.astype(float), float(result.interval_minutes))
    bar = fig.colorbar(image, ax=heat)
    bar.ax.tick_params(labelsize=TICK_SIZE)
    bar.set_label(t("plot.schedule.surplus", lang), fontsize=LABEL_SIZE)
    _style(
        heat, t("plot.schedule.heat_title", lang), t("plot.time_of_day", lang), t("plot.date", lang)
    )
    heat.tick_params(axis="y", labelsize=TICK_SIZE - 3 if len(rows) > 20 else TICK_SIZE)
    heat.grid(False)
    return fig
