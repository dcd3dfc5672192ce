"""Pictures of runs, comparisons, sweeps and staffing, readable when projected in a meeting room.

Figures are built with ``matplotlib.figure.Figure`` and the Agg canvas, never with pyplot, so
nothing here touches global state (no current figure, no rcParams changes) and figures are freed
when dropped. Font sizes are set on each element because a projector needs them large. Every
function takes plain data (DataFrames, dicts, arrays) and a language, returns the Figure, and
``save_png`` writes it; a run's pictures are listed by ``run_figures`` for the report.
"""

from __future__ import annotations

import io
import math
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.legend import Legend
from matplotlib.ticker import FuncFormatter, MaxNLocator, PercentFormatter

from simulator.present.labels import (
    DEFAULT_LANG,
    format_amount,
    format_kpi,
    format_share,
    format_threshold,
    is_money,
    is_share,
    kpi_label,
    short_number,
    t,
)
from simulator.results.catalogue import direction, headline
from simulator.results.statistics import ci95
from simulator.scenario.models import DEFAULT_START

# Sizes for a projected slide: 12 x 6.5 inch at 100 dpi gives 1200 x 650 px.
FIGSIZE = (12.0, 6.5)
DPI = 100
TITLE_SIZE = 20
LABEL_SIZE = 16
TICK_SIZE = 14
LEGEND_SIZE = 13
LINE_WIDTH = 2.5
ECDF_POINTS = 4000  # points of the wait ECDF; more add nothing visible
MAX_BARS = 200  # per-interval bar charts beyond this become lines
TITLE_CHARS = 70  # longer titles wrap: a cut-off title on a slide reads as a bug

# Colour-blind-safe colours (Okabe-Ito), fixed per meaning so every picture reads the same way.
COLORS = {
    "offered": "#0072B2",
    "answered": "#009E73",
    "abandoned": "#D55E00",
    "agents": "#555555",
    "target": "#CC79A7",
    "resolved_first": "#009E73",
    "resolved_repeat": "#56B4E9",
    "resolved": "#009E73",
    "gave_up": "#D55E00",
    "deflected": "#F0E442",
    "open": "#999999",
    "new": "#0072B2",
    "repeat": "#E69F00",
    "missed_callback": "#D55E00",
    "redial": "#CC79A7",
}
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#999999")


def new_figure(ncols: int = 1, nrows: int = 1, size: tuple[float, float] = FIGSIZE) -> Figure:
    """A Figure on its own Agg canvas (no pyplot registry, so no leaks and no global state)."""
    fig = Figure(figsize=size, dpi=DPI, layout="constrained")
    FigureCanvasAgg(fig)
    fig.subplots(nrows, ncols, squeeze=False)
    return fig


def _style(
    ax: Axes, title: str | None = None, xlabel: str | None = None, ylabel: str | None = None
):
    """Large fonts and a light grid on one axes."""
    if title:
        ax.set_title(textwrap.fill(title, TITLE_CHARS), fontsize=TITLE_SIZE, loc="left")
    if xlabel:
        ax.set_xlabel(xlabel, fontsize=LABEL_SIZE)
    if ylabel:
        ax.set_ylabel(ylabel, fontsize=LABEL_SIZE)
    ax.tick_params(labelsize=TICK_SIZE)
    ax.grid(True, alpha=0.3)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def bottom_legend(
    fig: Figure,
    handles: list | None = None,
    labels: list[str] | None = None,
    ncols: int | None = None,
    **kwargs,
) -> Legend:
    """The legend below the axes, in as many columns as fit the figure's width.

    Constrained layout makes room below the axes but never narrows a legend: one row of long
    (Dutch) labels ran off the side of the picture. Columns are dropped until it fits.
    """
    if handles is None or labels is None:
        handles, labels = [], []
        for ax in fig.axes:
            more, more_labels = ax.get_legend_handles_labels()
            handles, labels = handles + more, labels + more_labels
    renderer = fig.canvas.get_renderer()
    n = max(1, min(ncols or len(labels), len(labels)))
    while True:
        legend = fig.legend(
            handles,
            labels,
            fontsize=LEGEND_SIZE,
            loc="outside lower center",
            ncols=n,
            **kwargs,
        )
        if n == 1 or legend.get_window_extent(renderer).width <= 0.98 * fig.bbox.width:
            return legend
        legend.remove()
        n -= 1


def save_png(fig: Figure, path: Path | str) -> Path:
    """Write ``fig`` as a PNG file and return its path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, format="png", dpi=DPI)
    return path


def png_bytes(fig: Figure) -> bytes:
    """The PNG encoding of ``fig`` (for embedding in a self-contained report)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI)
    return buf.getvalue()


# ---------------------------------------------------------------------------------------------
# One run


def _interval_means(intervals: pd.DataFrame) -> pd.DataFrame:
    """Per interval, the mean over replications of each column (NaN-aware)."""
    cols = [c for c in intervals.columns if c not in ("replication", "interval", "in_warmup")]
    means = intervals.groupby("interval", sort=True)[cols].mean(numeric_only=True)
    if "in_warmup" in intervals:
        means["in_warmup"] = intervals.groupby("interval", sort=True)["in_warmup"].any()
    return means


def _time_axis(start_min: np.ndarray, lang: str) -> tuple[np.ndarray, float, str]:
    """Interval starts on a readable scale: hours for up to three days, days beyond that."""
    hours = np.asarray(start_min, dtype=float) / 60.0
    width = float(np.median(np.diff(hours))) if len(hours) > 1 else 1.0
    if len(hours) and hours[-1] + width > 72:
        return hours / 24.0, width / 24.0, t("plot.time_d", lang)
    return hours, width, t("plot.time_h", lang)


def _with_agents_axis(
    ax: Axes, x: np.ndarray, table: pd.DataFrame, width: float, lang: str
) -> tuple[list, list[str]]:
    """Agents on duty as a dashed step on a right-hand axis, when the table has them.

    Returns the legend handles and labels of both axes, so one legend below the figure names
    the contacts and the agents together.
    """
    handles, labels = ax.get_legend_handles_labels()
    if "agents_on_duty" not in table:
        return handles, labels
    agents = table["agents_on_duty"].to_numpy(dtype=float)
    ax2 = ax.twinx()
    ax2.step(
        *_extend(x, agents, width),
        where="post",
        lw=LINE_WIDTH,
        ls="--",
        color=COLORS["agents"],
        label=t("plot.volume.agents", lang),
    )
    ax2.set_ylim(bottom=0, top=max(1.0, float(agents.max()) * 1.15))
    ax2.set_ylabel(t("plot.volume.agents", lang), fontsize=LABEL_SIZE)
    ax2.tick_params(labelsize=TICK_SIZE)
    h2, l2 = ax2.get_legend_handles_labels()
    return handles + h2, labels + l2


def _target_bars(
    ax: Axes, x: np.ndarray, sl: np.ndarray, target: float, lang: str, **bar: object
) -> None:
    """Service-level bars, green where the target is met and orange where it is missed.

    Two bar calls rather than one with a colour per bar, so the legend names both colours.
    """
    for mask, color, key in (  # an undefined level (NaN, nothing offered) is in neither
        (sl >= target, COLORS["answered"], "plot.sl.met"),
        (sl < target, COLORS["abandoned"], "plot.sl.missed"),
    ):
        if mask.any():
            ax.bar(x[mask], sl[mask], color=color, label=t(key, lang), **bar)


def _target_line(ax: Axes, target: float, lang: str) -> None:
    """The service-level target as a dashed line on a 0-105% axis, labelled for the legend."""
    ax.axhline(
        target,
        color=COLORS["target"],
        lw=LINE_WIDTH + 0.5,
        ls="--",
        label=t("plot.sl.target", lang, target=format_threshold("service_level", target, lang)),
    )
    ax.set_ylim(0, 1.05)
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))


def _extend(x: np.ndarray, y: np.ndarray, width: float) -> tuple[np.ndarray, np.ndarray]:
    """A post-step series closed at the end of the last interval (else the last step is lost)."""
    if not len(x):
        return x, np.asarray(y, dtype=float)
    y = np.asarray(y, dtype=float)
    return np.append(x, x[-1] + width), np.append(y, y[-1])


def _shade_warmup(ax: Axes, means: pd.DataFrame, hours: np.ndarray, width: float, lang: str):
    if "in_warmup" in means and bool(means["in_warmup"].any()):
        end = float(hours[means["in_warmup"].to_numpy(dtype=bool)].max() + width)
        ax.axvspan(hours[0], end, color="#000000", alpha=0.07, label=t("plot.warmup", lang))


def volume_figure(intervals: pd.DataFrame, lang: str = DEFAULT_LANG) -> Figure:
    """Offered, answered and abandoned contacts per interval, agents on duty on a second axis."""
    means = _interval_means(intervals)
    hours, width, xlabel = _time_axis(means["start_min"].to_numpy(dtype=float), lang)
    fig = new_figure()
    ax = fig.axes[0]
    for key in ("offered", "answered", "abandoned"):
        if key in means:
            ax.step(
                *_extend(hours, means[key].to_numpy(dtype=float), width),
                where="post",
                lw=LINE_WIDTH,
                color=COLORS[key],
                label=t(f"plot.volume.{key}", lang),
            )
    _shade_warmup(ax, means, hours, width, lang)
    ax.set_ylim(bottom=0)
    _style(ax, t("plot.volume.title", lang), xlabel, t("plot.volume.y", lang))
    handles, labels = _with_agents_axis(ax, hours, means, width, lang)
    bottom_legend(fig, handles, labels)
    return fig


def service_level_figure(
    intervals: pd.DataFrame,
    target: float,
    answer_within_s: float,
    lang: str = DEFAULT_LANG,
) -> Figure:
    """Mean service level per interval against the target line."""
    means = _interval_means(intervals)
    hours, width, xlabel = _time_axis(means["start_min"].to_numpy(dtype=float), lang)
    fig = new_figure()
    ax = fig.axes[0]
    sl = means["service_level"].to_numpy(dtype=float)
    below = sl < target
    if len(sl) <= MAX_BARS:
        ax.bar(
            hours,
            sl,
            width=width * 0.9,
            align="edge",
            color=np.where(below, COLORS["abandoned"], COLORS["answered"]),
            label=t("plot.sl.value", lang),
        )
    else:  # thousands of bars turn into noise: a line, with the intervals below target shaded
        x, y = _extend(hours, sl, width)
        ax.step(
            x, y, where="post", lw=1.5, color=COLORS["answered"], label=t("plot.sl.value", lang)
        )
        ax.fill_between(
            x, y, target, where=y < target, step="post", color=COLORS["abandoned"], alpha=0.5
        )
    _target_line(ax, target, lang)
    _shade_warmup(ax, means, hours, width, lang)
    ylabel = t("plot.sl.y", lang, seconds=f"{answer_within_s:g}")
    _style(ax, t("plot.sl.title", lang), xlabel, ylabel)
    bottom_legend(fig, ncols=3)
    return fig


DAILY_AFTER_DAYS = 3  # runs longer than this are shown per day: 48 x 28 intervals is noise
SOURCE_COLUMNS = {
    "new": "new_contacts",
    "repeat": "repeat_contacts",
    "missed_callback": "missed_callback_contacts",
    "redial": "redials",
}


def daily_table(intervals: pd.DataFrame) -> pd.DataFrame:
    """Per day, the mean over replications of contacts, agent hours and service level.

    Days of the horizon; the service level is answered within the threshold / offered, from the
    intervals after warm-up.
    """
    df = _after_warmup(intervals)
    df = df.assign(day=(df["start_min"] // 1440).astype(int))
    starts = np.unique(intervals["start_min"].to_numpy(dtype=float))
    width_h = float(np.median(np.diff(starts))) / 60.0 if len(starts) > 1 else 0.5
    sums = [c for c in ("offered", "answered", "abandoned", *SOURCE_COLUMNS.values()) if c in df]
    extra = {}
    if "service_level" in df:
        extra["_within"] = df["service_level"].fillna(0.0) * df["offered"]
    if "agents_on_duty" in df:
        extra["agent_hours"] = df["agents_on_duty"] * width_h
    df = df.assign(**extra)
    per_rep = df.groupby(["replication", "day"])[sums + list(extra)].sum()
    if "_within" in per_rep:
        offered = per_rep["offered"].where(per_rep["offered"] > 0)
        per_rep["service_level"] = per_rep.pop("_within") / offered
    return per_rep.groupby(level="day").mean()


def _day_labels(days: Sequence[int], start: date | None, lang: str) -> list[str]:
    """Day labels: ``ma 02-02`` with a start date, ``ma 1`` without one.

    With a start date the weekday and date; without one the weekday and day number: the weekday
    explains most of a day's volume, and a horizon without a start date begins on a Monday
    (``config.DEFAULT_START``).
    """
    out = []
    for d in days:
        day = (start or DEFAULT_START) + timedelta(days=int(d))
        when = f"{day:%d-%m}" if start is not None else str(int(d) + 1)
        out.append(f"{t(f'weekday.{day.weekday()}', lang)} {when}")
    return out


def _day_axis(ax: Axes, days: Sequence[int], start: date | None, lang: str) -> str:
    ax.set_xticks(list(range(len(days))), _day_labels(days, start, lang), rotation=90)
    return t("plot.day", lang) if start is None else t("plot.date", lang)


def daily_volume_figure(
    intervals: pd.DataFrame, lang: str = DEFAULT_LANG, start: date | None = None
) -> Figure:
    """Contacts per day and agent hours on duty: the month view of a long run.

    Answered and abandoned are stacked to offered; agent hours are on a second axis.
    """
    table = daily_table(intervals)
    x = np.arange(len(table))
    fig = new_figure()
    ax = fig.axes[0]
    answered = table.get("answered", pd.Series(0.0, index=table.index)).to_numpy(dtype=float)
    ax.bar(x, answered, color=COLORS["answered"], label=t("plot.volume.answered", lang))
    if "abandoned" in table:
        ax.bar(
            x,
            table["abandoned"].to_numpy(dtype=float),
            bottom=answered,
            color=COLORS["abandoned"],
            label=t("plot.volume.abandoned", lang),
        )
    xlabel = _day_axis(ax, list(table.index), start, lang)
    _style(ax, t("plot.daily.title", lang), xlabel, t("plot.daily.y", lang))
    ax.tick_params(axis="x", labelsize=TICK_SIZE - 3)
    handles, labels = ax.get_legend_handles_labels()
    if "agent_hours" in table:
        ax2 = ax.twinx()
        ax2.plot(
            x,
            table["agent_hours"].to_numpy(dtype=float),
            color=COLORS["agents"],
            ls="--",
            marker="o",
            lw=LINE_WIDTH,
            label=t("plot.daily.agent_hours", lang),
        )
        ax2.set_ylim(bottom=0, top=max(1.0, float(table["agent_hours"].max()) * 1.15))
        ax2.set_ylabel(t("plot.daily.agent_hours", lang), fontsize=LABEL_SIZE)
        ax2.tick_params(labelsize=TICK_SIZE)
        h2, l2 = ax2.get_legend_handles_labels()
        handles, labels = handles + h2, labels + l2
    bottom_legend(fig, handles, labels, ncols=3)
    return fig


def daily_service_level_figure(
    intervals: pd.DataFrame,
    target: float,
    answer_within_s: float,
    lang: str = DEFAULT_LANG,
    start: date | None = None,
) -> Figure:
    """Service level per day (offered-weighted) against the target; days below it in orange."""
    table = daily_table(intervals)
    x = np.arange(len(table))
    sl = table["service_level"].to_numpy(dtype=float)
    fig = new_figure()
    ax = fig.axes[0]
    _target_bars(ax, x, sl, target, lang)
    ax.set_xlim(-0.6, len(x) - 0.4)  # every day keeps its place, a closed one too
    _target_line(ax, target, lang)
    xlabel = _day_axis(ax, list(table.index), start, lang)
    ylabel = t("plot.sl.y", lang, seconds=f"{answer_within_s:g}")
    _style(ax, t("plot.sl.daily_title", lang), xlabel, ylabel)
    ax.tick_params(axis="x", labelsize=TICK_SIZE - 3)
    bottom_legend(fig, ncols=2)
    return fig


def _after_warmup(intervals: pd.DataFrame) -> pd.DataFrame:
    """The intervals the KPIs count (spec A3 leaves the warm-up out)."""
    if "in_warmup" in intervals:
        return intervals.loc[~intervals["in_warmup"].astype(bool)]
    return intervals


def _clock_axis(ax: Axes, minutes: np.ndarray, width_min: float) -> None:
    """Time-of-day ticks (``08:00``) over the span of ``minutes`` (interval starts)."""
    lo, hi = float(minutes.min()), float(minutes.max() + width_min)
    step = 60 if hi - lo <= 8 * 60 else 120 if hi - lo <= 16 * 60 else 180
    ticks = np.arange(math.ceil(lo / step) * step, hi + 1, step)
    ax.set_xticks(ticks, [f"{int(m) // 60:02d}:{int(m) % 60:02d}" for m in ticks])
    ax.set_xlim(lo, hi)


def average_day_table(intervals: pd.DataFrame) -> pd.DataFrame:
    """The average day per interval: offered contacts, agents on duty and service level.

    The index is the interval's start in minutes after midnight. Offered contacts and agents on duty
    are averaged over the replications and the days on which contacts were offered in that interval
    (a closed Sunday would otherwise pull both down, and agents finishing their last call after
    closing time would count as a shift). The service level is of the contacts offered in that
    interval over all days (answered within the threshold / offered per replication, then the mean
    over replications).

    Daily totals hide when in the day the line breaks; this is the day a planner staffs for.
    """
    df = _after_warmup(intervals)
    df = df.loc[df["offered"] > 0]
    minute = df["start_min"] % 1440
    cols = [c for c in ("offered", "agents_on_duty") if c in df]
    table = df.groupby(minute)[cols].mean()
    if "service_level" in df:
        keys = [df["replication"], minute]
        within = (df["service_level"].fillna(0.0) * df["offered"]).groupby(keys).sum()
        offered = df["offered"].groupby(keys).sum()
        per_rep = within / offered.where(offered > 0)
        table["service_level"] = per_rep.groupby(level=1).mean()
    table.index.name = "minute"
    return table


def average_day_figure(
    intervals: pd.DataFrame, target: float, answer_within_s: float, lang: str = DEFAULT_LANG
) -> Figure:
    """The average day in two panels over the open hours.

    Offered contacts and agents on duty per interval, and the service level per interval against the
    target.
    """
    table = average_day_table(intervals)
    minutes = table.index.to_numpy(dtype=float)
    width = float(np.median(np.diff(minutes))) if len(minutes) > 1 else 30.0
    if len(minutes):  # a gap (a closed lunch hour) stays a gap instead of a line across it
        table = table.reindex(np.arange(minutes[0], minutes[-1] + width / 2, width))
        minutes = table.index.to_numpy(dtype=float)
    fig = new_figure(nrows=2, size=(FIGSIZE[0], FIGSIZE[1] * 1.45))
    ax, ax_sl = fig.axes
    x, offered = _extend(minutes, table["offered"].to_numpy(dtype=float), width)
    ax.step(
        x,
        offered,
        where="post",
        lw=LINE_WIDTH,
        color=COLORS["offered"],
        label=t("plot.volume.offered", lang),
    )
    ax.set_ylim(bottom=0)
    _style(ax, t("plot.avg_day.title", lang), None, t("plot.volume.y", lang))
    handles, labels = _with_agents_axis(ax, minutes, table, width, lang)
    _clock_axis(ax, minutes, width)
    if "service_level" in table:
        sl = table["service_level"].to_numpy(dtype=float)
        _target_bars(ax_sl, minutes, sl, target, lang, width=width * 0.9, align="edge")
    _target_line(ax_sl, target, lang)
    _clock_axis(ax_sl, minutes, width)
    ylabel = t("plot.sl.y", lang, seconds=f"{answer_within_s:g}")
    _style(ax_sl, None, t("plot.time_of_day", lang), ylabel)
    h3, l3 = ax_sl.get_legend_handles_labels()
    bottom_legend(fig, handles + h3, labels + l3)
    return fig


def service_level_grid(intervals: pd.DataFrame) -> pd.DataFrame:
    """Service level per day (rows) and interval of the day (columns).

    Columns are the interval's start in minutes after midnight: each interval's service level in
    intervals.parquet, mean over replications; warm-up left out, NaN where nothing was offered.
    Columns before the first and after the last interval with a value on any day are dropped (the
    hours the line is closed).
    """
    means = _interval_means(intervals)
    if "in_warmup" in means:
        means = means.loc[~means["in_warmup"].astype(bool)]
    grid = means.assign(
        day=(means["start_min"] // 1440).astype(int), minute=means["start_min"] % 1440
    ).pivot(index="day", columns="minute", values="service_level")
    used = np.flatnonzero(grid.notna().any(axis=0).to_numpy())
    return grid.iloc[:, used[0] : used[-1] + 1] if len(used) else grid


def service_level_heatmap(
    intervals: pd.DataFrame,
    target: float,
    answer_within_s: float,
    lang: str = DEFAULT_LANG,
    start: date | None = None,
) -> Figure:
    """Heatmap of the service level per day and interval of the day.

    A morning collapse that a daily total averages away shows as a band. Below target runs to
    orange, above to green, with the target as the neutral middle; grey cells had no offered
    contacts (closed).
    """
    from matplotlib.colors import LinearSegmentedColormap, TwoSlopeNorm

    grid = service_level_grid(intervals)
    days = list(grid.index)
    height = min(max(FIGSIZE[1], 2.5 + 0.3 * len(days)), 16.0)
    fig = new_figure(size=(FIGSIZE[0], height))
    ax = fig.axes[0]
    cmap = LinearSegmentedColormap.from_list(
        "sl", [COLORS["abandoned"], "#F7F7F7", COLORS["answered"]]
    ).with_extremes(bad="#D9D9D9")
    norm = TwoSlopeNorm(vmin=0.0, vcenter=min(max(target, 0.01), 0.99), vmax=1.0)
    minutes = grid.columns.to_numpy(dtype=float)
    width = float(np.median(np.diff(minutes))) if len(minutes) > 1 else 30.0
    values = np.ma.masked_invalid(grid.to_numpy(dtype=float))
    image = ax.imshow(
        values,
        cmap=cmap,
        norm=norm,
        aspect="auto",
        interpolation="nearest",
        extent=(minutes[0], minutes[-1] + width, len(days) - 0.5, -0.5),
    )
    every = max(1, math.ceil(len(days) / 42))  # at most ~42 day labels stay readable
    shown = list(range(0, len(days), every))
    ax.set_yticks(shown, [_day_labels(days, start, lang)[i] for i in shown])
    _clock_axis(ax, minutes, width)
    bar = fig.colorbar(image, ax=ax)
    bar.ax.tick_params(labelsize=TICK_SIZE)
    bar.ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    bar.ax.axhline(target, color=COLORS["target"], lw=3)
    bar.set_label(t("plot.sl.y", lang, seconds=f"{answer_within_s:g}"), fontsize=LABEL_SIZE)
    ylabel = t("plot.day", lang) if start is None else t("plot.date", lang)
    _style(ax, t("plot.sl_heatmap.title", lang), t("plot.time_of_day", lang), ylabel)
    ax.tick_params(axis="y", labelsize=TICK_SIZE - 3 if len(shown) > 20 else TICK_SIZE)
    ax.grid(False)
    return fig


def sources_over_time_figure(
    intervals: pd.DataFrame,
    lang: str = DEFAULT_LANG,
    start: date | None = None,
    daily: bool = False,
) -> Figure:
    """Contacts by source (new, repeat, missed callback, redial) stacked per interval or per day.

    Shows when the work a center makes for itself arrives.
    """
    kinds = [k for k, col in SOURCE_COLUMNS.items() if col in intervals]
    fig = new_figure()
    ax = fig.axes[0]
    if daily:
        table = daily_table(intervals)
        x = np.arange(len(table), dtype=float)
        width = 0.85
        xlabel = _day_axis(ax, list(table.index), start, lang)
        align = "center"
    else:
        table = _interval_means(intervals)
        x, width, xlabel = _time_axis(table["start_min"].to_numpy(dtype=float), lang)
        _shade_warmup(ax, table, x, width, lang)
        width *= 0.95
        align = "edge"
    bottom = np.zeros(len(table))
    for kind in kinds:
        values = table[SOURCE_COLUMNS[kind]].to_numpy(dtype=float)
        ax.bar(
            x,
            values,
            width=width,
            bottom=bottom,
            align=align,
            color=COLORS[kind],
            label=t(f"plot.source.{kind}", lang),
        )
        bottom += values
    ylabel = t("plot.daily.y", lang) if daily else t("plot.volume.y", lang)
    _style(ax, t("plot.sources_time.title", lang), xlabel, ylabel)
    if daily:
        ax.tick_params(axis="x", labelsize=TICK_SIZE - 3)
    bottom_legend(fig)
    return fig


WAIT_BINS = 40  # bars of the wait histogram below the clip


def phone_contacts(contacts: pd.DataFrame, warmup_s: float) -> pd.DataFrame:
    """Phone contacts that arrived after warm-up: the population of the phone KPIs (spec A3)."""
    mask = pd.Series(True, index=contacts.index)
    if "channel" in contacts:
        mask &= contacts["channel"].astype(str) == "phone"
    if "arrival_s" in contacts:
        mask &= contacts["arrival_s"] >= warmup_s
    return contacts.loc[mask]


def answered_waits(contacts: pd.DataFrame, warmup_s: float) -> np.ndarray:
    """Waits of answered phone contacts that arrived after warm-up (the A3 population of ASA)."""
    phone = phone_contacts(contacts, warmup_s)
    return phone.loc[phone["outcome"].astype(str) == "answered", "wait_s"].to_numpy(dtype=float)


@dataclass
class Waits:
    """What the wait picture shows: answered waits, and the base the service level is on."""

    answered: np.ndarray
    """Waits (s) of answered phone contacts after warm-up, all replications."""
    offered: int
    """Phone contacts offered after warm-up, all replications (abandoned and waiting too)."""
    service_level: float | None
    """Answered within the threshold / offered, per replication and then averaged: the
    ``service_level`` of the KPI table, so the picture and the table say the same number."""


def wait_data(contacts: pd.DataFrame, warmup_s: float, answer_within_s: float) -> Waits:
    """The :class:`Waits` of a contacts table."""
    phone = phone_contacts(contacts, warmup_s)
    answered = phone["outcome"].astype(str) == "answered"
    met = answered & (phone["wait_s"] <= answer_within_s)
    reps = phone["replication"] if "replication" in phone else pd.Series(0, index=phone.index)
    per_rep = met.groupby(reps).mean()
    return Waits(
        answered=phone.loc[answered, "wait_s"].to_numpy(dtype=float),
        offered=len(phone),
        service_level=float(per_rep.mean()) if len(per_rep) else None,
    )


def wait_histogram(waits: np.ndarray, answer_within_s: float) -> tuple[np.ndarray, np.ndarray, int]:
    """Bin edges and counts from 0 to the clip, and how many waits are longer.

    The clip is the 99th percentile, at least 1.5 x the threshold. Longer waits get their own
    labelled bar, where piling them silently into the last bin made the tail look like a spike at
    the clip.
    """
    top = max(float(np.quantile(waits, 0.99)), answer_within_s * 1.5, 1.0)
    edges = np.linspace(0.0, top, WAIT_BINS + 1)
    counts, _ = np.histogram(waits[waits <= top], bins=edges)
    return edges, counts, int((waits > top).sum())


def wait_figure(data: Waits, answer_within_s: float, lang: str = DEFAULT_LANG) -> Figure:
    """Histogram of answered waits and the share of offered contacts answered within x seconds.

    Waits longer than the clip are in a labelled last bar; the threshold is marked.

    Most waits are often zero; the histogram alone would show one bar, the curve reads directly
    as the service level at any threshold. Its base is every offered contact (abandoned ones
    count as missed), like the service level of the KPI table, so it levels off at the share
    answered, not at 100%.
    """
    waits = np.sort(np.asarray(data.answered, dtype=float))
    fig = new_figure(ncols=2)
    ax_hist, ax_cdf = fig.axes
    if len(waits) == 0 or data.offered == 0:
        for ax in (ax_hist, ax_cdf):
            ax.text(0.5, 0.5, t("plot.wait.none", lang), ha="center", fontsize=LABEL_SIZE)
            _style(ax)
        return fig
    edges, counts, overflow = wait_histogram(waits, answer_within_s)
    top, step = float(edges[-1]), float(edges[1] - edges[0])
    ax_hist.bar(edges[:-1], counts, width=step, align="edge", color=COLORS["offered"], alpha=0.85)
    ax_hist.set_yscale("log")
    ticks = [x for x in MaxNLocator(5).tick_values(0.0, top) if 0.0 <= x <= 0.85 * top]
    labels = [f"{x:g}" for x in ticks]
    right = top
    if overflow:
        x_over = top + 2.5 * step
        bar = ax_hist.bar(
            [x_over], [overflow], width=3 * step, color=COLORS["agents"], gid="wait-overflow"
        )
        ax_hist.bar_label(bar, labels=[format_kpi("offered", overflow, lang)], fontsize=TICK_SIZE)
        ticks.append(x_over)
        labels.append(t("plot.wait.overflow", lang, seconds=f"{top:.0f}"))
        right = x_over + 2.5 * step
    ax_hist.set_xlim(0, right)
    ax_hist.margins(y=0.15)
    ax_hist.set_xticks(ticks, labels)
    _style(ax_hist, t("plot.wait.title", lang), t("plot.wait.x", lang), None)
    ax_hist.set_ylabel(t("plot.wait.count", lang), fontsize=LABEL_SIZE)

    share = np.arange(1, len(waits) + 1) / data.offered
    if len(waits) > ECDF_POINTS:  # a month of contacts: plot a fine grid of quantiles instead
        keep = np.unique(np.linspace(0, len(waits) - 1, ECDF_POINTS).astype(np.int64))
        x_ecdf, y_ecdf = waits[keep], share[keep]
    else:
        x_ecdf, y_ecdf = waits, share
    ax_cdf.step(
        np.append(x_ecdf, top),
        np.append(y_ecdf, y_ecdf[-1]),
        where="post",
        lw=LINE_WIDTH,
        color=COLORS["offered"],
        label=t("plot.wait.curve", lang),
    )
    answered = len(waits) / data.offered
    ax_cdf.axhline(
        answered,
        color=COLORS["answered"],
        lw=1.5,
        ls=":",
        label=t("plot.wait.answered", lang, share=format_share(answered, lang)),
    )
    for ax in (ax_hist, ax_cdf):
        ax.axvline(answer_within_s, color=COLORS["target"], lw=LINE_WIDTH, ls="--")
    sl = data.service_level
    if sl is not None:
        text = t(
            "plot.wait.threshold",
            lang,
            seconds=f"{answer_within_s:g}",
            share=format_share(sl, lang),
        )
        ax_cdf.annotate(
            textwrap.fill(text, 32),  # half a figure wide: one long line ran over the y label
            xy=(answer_within_s, sl),
            xytext=(0.97, 0.06),
            textcoords="axes fraction",
            ha="right",
            bbox={"boxstyle": "round", "fc": "white", "ec": "none", "alpha": 0.8},
            arrowprops={"arrowstyle": "->", "color": COLORS["target"]},
            fontsize=LEGEND_SIZE,
            gid="wait-service-level",
        )
    ax_cdf.set_xlim(0, top)
    ax_cdf.set_ylim(0, 1.02)
    ax_cdf.yaxis.set_major_formatter(PercentFormatter(1.0))
    _style(ax_cdf, None, t("plot.wait.x", lang), t("plot.wait.y", lang))
    bottom_legend(fig, ncols=2)
    return fig


OUTCOME_ORDER = ("resolved_first", "resolved_repeat", "resolved", "deflected", "gave_up", "open")


def journey_outcome_shares(journeys: pd.DataFrame) -> pd.DataFrame:
    """Share of issues per reason (plus all reasons) in each outcome category, from journeys.

    ``resolved`` journeys are split by ``resolved_first_contact`` into resolved first time and
    resolved after repeats.
    """
    outcome = journeys["outcome"].astype(str)
    category = outcome.map(
        {"resolved": "resolved", "gave_up": "gave_up", "deflected": "deflected", "open": "open"}
    ).fillna("open")
    if "resolved_first_contact" in journeys:
        first = journeys["resolved_first_contact"].fillna(False).astype(bool)
        category = category.mask(outcome.eq("resolved") & first, "resolved_first")
        category = category.mask(outcome.eq("resolved") & ~first, "resolved_repeat")
    frame = pd.DataFrame({"category": category})
    rows = {"__all__": frame["category"].value_counts(normalize=True)}
    if "reason" in journeys and journeys["reason"].nunique() > 1:
        frame["reason"] = journeys["reason"].astype(str).to_numpy()
        top = frame["reason"].value_counts().index[:8]
        for reason in top:
            sub = frame.loc[frame["reason"] == reason, "category"]
            rows[str(reason)] = sub.value_counts(normalize=True)
    shares = pd.DataFrame(rows).T.fillna(0.0)
    return shares[[c for c in OUTCOME_ORDER if c in shares.columns]]


def journeys_after_warmup(journeys: pd.DataFrame, warmup_s: float) -> pd.DataFrame:
    """Issues that started after warm-up: the population of the issue KPIs (spec A3)."""
    if "in_warmup" in journeys:
        return journeys.loc[~journeys["in_warmup"].astype(bool)]
    if "start_h" in journeys:
        return journeys.loc[journeys["start_h"] * 3600.0 >= warmup_s]
    if "start_s" in journeys:
        return journeys.loc[journeys["start_s"] >= warmup_s]
    return journeys


def outcome_shares_from_kpis(kpis: Mapping[str, float | None]) -> pd.DataFrame | None:
    """Outcome shares from the issue counts of the run (no first-time split), or ``None``."""
    counts = {
        "resolved": kpis.get("resolved"),
        "deflected": kpis.get("deflected"),
        "gave_up": kpis.get("gave_up"),
        "open": kpis.get("open_at_end"),
    }
    present = {k: v for k, v in counts.items() if v is not None}
    total = sum(present.values())
    if "resolved" not in present or not total:
        return None
    return pd.DataFrame({k: [v / total] for k, v in present.items()}, index=["__all__"])


def outcomes_figure(shares: pd.DataFrame, lang: str = DEFAULT_LANG) -> Figure:
    """Stacked horizontal bars: how issues end, for all reasons and per reason."""
    shares = shares.iloc[::-1]  # "all reasons" on top
    names = [t("plot.outcomes.all", lang) if i == "__all__" else str(i) for i in shares.index]
    height = 3.2 + 0.7 * len(names)
    fig = new_figure(size=(FIGSIZE[0], height))
    ax = fig.axes[0]
    left = np.zeros(len(shares))
    for cat in shares.columns:
        values = shares[cat].to_numpy(dtype=float)
        bars = ax.barh(
            names, values, left=left, color=COLORS[cat], label=t(f"plot.outcome.{cat}", lang)
        )
        labels = [format_share(v, lang) if v >= 0.06 else "" for v in values]
        ax.bar_label(bars, labels=labels, label_type="center", fontsize=LEGEND_SIZE)
        left += values
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    _style(ax, t("plot.outcomes.title", lang), t("plot.outcomes.x", lang), None)
    ax.grid(False)
    bottom_legend(fig, ncols=4, frameon=False)
    return fig


def cost_figure(
    parts: Mapping[str, float],
    reasons: Mapping[str, float] | None = None,
    lang: str = DEFAULT_LANG,
    currency: str = "EUR",
) -> Figure:
    """Where the money goes: the parts of the total cost, and (when known) each reason's cost.

    ``parts`` maps a cost KPI (``cost_agents``, ...) to its mean, ``reasons`` a reason to its
    mean cost (spec D2's ``by_reason`` cost), drawn largest first. Amounts in ``currency``.
    """
    panels = 2 if reasons else 1
    fig = new_figure(panels, 1, size=(FIGSIZE[0], FIGSIZE[1] * 0.9))
    names = [textwrap.fill(kpi_label(k, lang), 18) for k in parts]
    values = [float(v) for v in parts.values()]
    ax = fig.axes[0]
    bars = ax.bar(names, values, color=[PALETTE[i % len(PALETTE)] for i in range(len(values))])
    total = sum(values)
    ax.bar_label(
        bars,
        labels=[
            format_amount(v, lang, currency)
            + (f"\n{format_share(v / total, lang)}" if total else "")
            for v in values
        ],
        fontsize=TICK_SIZE - 2,
        padding=2,
    )
    _style(ax, t("cost.picture.parts", lang))
    if reasons:
        ranked = sorted(reasons.items(), key=lambda kv: -kv[1])
        ax2 = fig.axes[1]
        labels = [textwrap.fill(str(r), 14) for r, _ in ranked]
        amounts = [float(v) for _, v in ranked]
        bars = ax2.bar(labels, amounts, color=COLORS["offered"])
        ax2.bar_label(
            bars,
            labels=[format_amount(v, lang, currency) for v in amounts],
            fontsize=TICK_SIZE - 2,
            padding=2,
        )
        _style(ax2, t("cost.picture.reasons", lang))
        if len(labels) > 4:
            ax2.tick_params(axis="x", labelrotation=30)
    for axis in fig.axes:
        money_axis(axis, lang, currency)
        axis.margins(y=0.2)
        axis.grid(True, axis="y", alpha=0.3)
        axis.grid(False, axis="x")
    return fig


def breakdown_figure(
    rows: Mapping[str, Mapping[str, tuple[float | None, float | None]]],
    keys: Sequence[str] = ("asa_s", "service_level"),
    target: float | None = None,
    lang: str = DEFAULT_LANG,
) -> Figure:
    """One panel per KPI with a bar per reason (or group) and its 95% CI as a whisker.

    ``rows`` maps a name to ``{key: (mean, ci95)}`` (spec D1's ``by_reason`` means); an
    undefined mean leaves its bar empty. ``target`` draws the service-level target.
    """
    names = list(rows)
    fig = new_figure(len(keys), 1, size=(FIGSIZE[0], FIGSIZE[1] * 0.85))
    x = np.arange(len(names))
    labels = [textwrap.fill(str(n), 14) for n in names]
    for ax, key in zip(fig.axes, keys, strict=False):
        means = [rows[n].get(key, (None, None))[0] for n in names]
        cis = [rows[n].get(key, (None, None))[1] for n in names]
        _ci_bars(ax, key, means, cis, COLORS["offered"], lang)
        ax.set_xticks(x, labels, rotation=30 if len(names) > 4 else 0)
        if is_share(key):
            ax.yaxis.set_major_formatter(PercentFormatter(1.0))
            if key == "service_level" and target is not None:
                _target_line(ax, target, lang)
                ax.set_ylim(0, 1.12)
        else:
            ax.margins(y=0.2)
        _style(ax)
        ax.grid(False, axis="x")
        ax.set_title(kpi_label(key, lang), fontsize=LABEL_SIZE, loc="left")
    if any(ax.get_legend_handles_labels()[1] for ax in fig.axes):
        bottom_legend(fig)
    return fig


SOURCE_ORDER = ("new", "repeat", "missed_callback", "redial")


def contact_source_counts(contacts: pd.DataFrame, warmup_s: float) -> pd.Series:
    """Mean contacts per replication by ``kind`` (new, repeat, missed callback, redial)."""
    frame = contacts
    if "arrival_s" in frame:
        frame = frame.loc[frame["arrival_s"] >= warmup_s]
    reps = max(1, int(contacts["replication"].nunique())) if "replication" in contacts else 1
    counts = frame["kind"].astype(str).value_counts() / reps
    kinds = list(SOURCE_ORDER) + sorted(set(counts.index) - set(SOURCE_ORDER))
    if isinstance(contacts["kind"].dtype, pd.CategoricalDtype):
        known = {str(c) for c in contacts["kind"].cat.categories}
        kinds = [k for k in kinds if k in known or k in counts.index]
    else:
        kinds = [k for k in kinds if k in counts.index]
    return counts.reindex(kinds, fill_value=0.0)


def sources_figure(counts: pd.Series, lang: str = DEFAULT_LANG) -> Figure:
    """Bars of contacts by source, labelled with their share of all contacts."""
    fig = new_figure()
    ax = fig.axes[0]
    names = [t(f"plot.source.{k}", lang) if k in SOURCE_ORDER else k for k in counts.index]
    colors = [COLORS.get(k, PALETTE[i % len(PALETTE)]) for i, k in enumerate(counts.index)]
    bars = ax.bar(names, counts.to_numpy(dtype=float), color=colors)
    total = float(counts.sum())
    labels = [
        f"{format_kpi('offered', v, lang)} ({format_share(v / total, lang)})" if total else ""
        for v in counts.to_numpy(dtype=float)
    ]
    ax.bar_label(bars, labels=labels, fontsize=LEGEND_SIZE, padding=3)
    ax.set_ylim(0, max(1.0, float(counts.max()) * 1.15))
    _style(ax, t("plot.sources.title", lang), None, t("plot.sources.y", lang))
    return fig


# ---------------------------------------------------------------------------------------------
# Comparisons, sweeps and staffing


def comparison_figure(
    results: Mapping[str, tuple[Mapping[str, float | None], Mapping[str, float | None]]],
    keys: Sequence[str] | None = None,
    lang: str = DEFAULT_LANG,
) -> Figure:
    """One panel per KPI with a bar per scenario and its 95% CI as an error bar.

    ``results`` maps a scenario name to ``(kpis, ci95)`` as in meta.json or ``ccsim run --json``;
    KPIs no scenario has are left out, an undefined value leaves its bar empty.
    """
    names = list(results)
    if keys is None:  # the headline, and the total cost when the scenarios have prices
        shown = (*headline(), "cost_total")
        keys = [k for k in shown if any(results[n][0].get(k) is not None for n in names)]
    keys = list(keys) or ["offered"]
    ncols = min(3, len(keys))
    nrows = math.ceil(len(keys) / ncols)
    fig = new_figure(ncols, nrows, size=(FIGSIZE[0], max(FIGSIZE[1], 3.6 * nrows)))
    colors = [PALETTE[i % len(PALETTE)] for i in range(len(names))]
    for i, key in enumerate(keys):
        ax = fig.axes[i]
        means = [results[n][0].get(key) for n in names]
        cis = [results[n][1].get(key) for n in names]
        _ci_bars(ax, key, means, cis, colors, lang)
        ax.set_xticks(np.arange(len(names)), names, rotation=15 if len(names) > 2 else 0)
        if is_share(key):
            ax.yaxis.set_major_formatter(PercentFormatter(1.0))
        elif is_money(key):
            money_axis(ax, lang)
        ax.margins(y=0.15)
        _style(ax, None, None, None)
        ax.set_title(kpi_label(key, lang), fontsize=LABEL_SIZE, loc="left")
    for ax in fig.axes[len(keys) :]:
        ax.set_visible(False)
    fig.suptitle(t("plot.compare.title", lang), fontsize=TITLE_SIZE, x=0.01, ha="left")
    return fig


def _ci_bars(
    ax: Axes,
    key: str,
    means: Sequence[float | None],
    cis: Sequence[float | None],
    color: str | Sequence[str],
    lang: str,
) -> None:
    """A bar per mean at 0, 1, ... with its 95% CI as a whisker and its value on top.

    An undefined mean leaves its bar empty; an undefined CI draws no whisker.
    """
    bars = ax.bar(
        np.arange(len(means)),
        [np.nan if m is None else m for m in means],
        yerr=[0.0 if c is None else c for c in cis],
        capsize=6,
        color=color,
    )
    ax.bar_label(
        bars,
        labels=[figure_value(key, m, lang) for m in means],
        fontsize=TICK_SIZE - 2,
        padding=2,
    )


def figure_value(key: str, value: float | None, lang: str, currency: str = "EUR") -> str:
    """A KPI value on a bar or in a cell: as in the tables, but money in whole units from 100."""
    if is_money(key):
        return format_amount(value, lang, currency)
    return format_kpi(key, value, lang)


def money_axis(ax: Axes, lang: str, currency: str = "EUR", axis: str = "y") -> None:
    """Ticks of an amount axis in the language's notation (``€1,000`` / ``€ 1.000``)."""
    formatter = FuncFormatter(
        lambda v, _pos: format_amount(v, lang, currency, decimals=0 if v == 0 else None)
    )
    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(formatter)


def _param_label(name: str) -> str:
    return name


def kpi_colormap(kpi: str) -> str:
    """Red-yellow-green in the KPI's good direction (the catalogue's).

    Good is green and bad red whatever the KPI; a neutral map when neither is better.
    """
    return {"higher": "RdYlGn", "lower": "RdYlGn_r"}.get(direction(kpi), "viridis")


def _tick(value: object, lang: str) -> str:
    """A parameter value as a tick label, in the language's decimal notation."""
    if isinstance(value, float | np.floating):
        return short_number(float(value), lang)
    return str(value)


def sweep_heatmap(
    results: pd.DataFrame,
    x: str,
    y: str,
    kpi: str,
    lang: str = DEFAULT_LANG,
    cmap: str | None = None,
) -> Figure:
    """Heatmap of a KPI's mean over replications on a grid of two swept parameters.

    ``results`` is tidy: one row per point x replication, one column per parameter and KPI.
    Rows with other parameter values are averaged over.
    """
    grid = results.pivot_table(index=y, columns=x, values=kpi, aggfunc="mean").sort_index(
        ascending=False
    )
    fig = new_figure()
    ax = fig.axes[0]
    values = grid.to_numpy(dtype=float)
    image = ax.imshow(values, cmap=cmap or kpi_colormap(kpi), aspect="auto")
    ax.set_xticks(range(grid.shape[1]), [_tick(v, lang) for v in grid.columns])
    ax.set_yticks(range(grid.shape[0]), [_tick(v, lang) for v in grid.index])
    if grid.size <= 120:
        for (r, c), v in np.ndenumerate(values):
            ax.text(
                c,
                r,
                figure_value(kpi, None if not np.isfinite(v) else float(v), lang),
                ha="center",
                va="center",
                fontsize=TICK_SIZE - 1,
                bbox={"boxstyle": "round,pad=0.2", "facecolor": "white", "alpha": 0.75, "lw": 0},
            )
    bar = fig.colorbar(image, ax=ax)
    bar.ax.tick_params(labelsize=TICK_SIZE)
    bar.set_label(kpi_label(kpi, lang), fontsize=LABEL_SIZE)
    if is_share(kpi):
        bar.ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    elif is_money(kpi):
        money_axis(bar.ax, lang)
    title = t("plot.sweep.heatmap.title", lang, kpi=kpi_label(kpi, lang), x=x, y=y)
    _style(ax, title, _param_label(x), _param_label(y))
    ax.grid(False)
    return fig


def sweep_line(
    results: pd.DataFrame,
    x: str,
    kpi: str,
    group: str | None = None,
    lang: str = DEFAULT_LANG,
) -> Figure:
    """Mean of a KPI over replications along one parameter, with its 95% CI as a band.

    With ``group`` (another parameter column), one line per value of it.
    """
    fig = new_figure()
    ax = fig.axes[0]
    groups = [(None, results)] if group is None else list(results.groupby(group, sort=True))
    for i, (value, frame) in enumerate(groups):
        agg = frame.groupby(x, sort=True)[kpi].agg(["mean", ci95])
        xs = agg.index.to_numpy(dtype=float)
        mean = agg["mean"].to_numpy(dtype=float)
        half = np.nan_to_num(agg["ci95"].to_numpy(dtype=float))
        color = PALETTE[i % len(PALETTE)]
        label = None if group is None else f"{group} = {value}"
        ax.plot(xs, mean, marker="o", lw=LINE_WIDTH, color=color, label=label)
        ax.fill_between(xs, mean - half, mean + half, color=color, alpha=0.2, lw=0)
    if is_share(kpi):
        ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    elif is_money(kpi):
        money_axis(ax, lang)
    title = t("plot.sweep.line.title", lang, kpi=kpi_label(kpi, lang), x=x)
    _style(ax, title, _param_label(x), kpi_label(kpi, lang))
    if group is not None:
        ax.legend(fontsize=LEGEND_SIZE, framealpha=0.9)
    return fig


def staffing_figure(
    start_min: Sequence[float] | np.ndarray,
    required: Sequence[float] | np.ndarray,
    scheduled: Sequence[float] | np.ndarray,
    lang: str = DEFAULT_LANG,
    offered_per_hour: Sequence[float] | np.ndarray | None = None,
    start: date | None = None,
) -> Figure:
    """Required against scheduled agents per interval; understaffed intervals shaded.

    Offered contacts per hour, when given, are dashed on a second y axis over the same time axis.
    A horizon of more than three days is drawn in days, each labelled with its weekday and date
    (``start``; weekday and day number without it), so that a peak day can be found by its date.
    """
    x, width, xlabel = _time_axis(np.asarray(start_min, dtype=float), lang)
    xs, req = _extend(x, np.asarray(required, dtype=float), width)
    _, sch = _extend(x, np.asarray(scheduled, dtype=float), width)
    fig = new_figure()
    ax = fig.axes[0]
    if offered_per_hour is not None:
        _, offered = _extend(x, np.asarray(offered_per_hour, dtype=float), width)
        demand = ax.twinx()
        label = f"{t('plot.volume.offered', lang)} / h"
        style = {"lw": LINE_WIDTH / 2, "ls": "--", "color": COLORS["target"], "label": label}
        demand.step(xs, offered, where="post", **style)
        demand.set_ylabel(label, fontsize=LABEL_SIZE)
        demand.tick_params(labelsize=TICK_SIZE)
        demand.set_ylim(bottom=0, top=max(1.0, float(np.nanmax(offered, initial=0.0))) * 1.15)
    for values, key, color in ((req, "required", "abandoned"), (sch, "scheduled", "offered")):
        ax.step(
            xs,
            values,
            where="post",
            lw=LINE_WIDTH,
            color=COLORS[color],
            label=t(f"plot.staffing.{key}", lang),
        )
    short = req > sch
    if short.any():
        ax.fill_between(
            xs,
            sch,
            req,
            where=short,
            step="post",
            color=COLORS["abandoned"],
            alpha=0.25,
            label=t("plot.staffing.short", lang),
        )
    ax.set_ylim(bottom=0)
    if xlabel == t("plot.time_d", lang):  # days: one tick per date (per week beyond 5 weeks)
        days = list(range(math.ceil(float(x[-1] + width))))
        shown = days if len(days) <= 35 else days[::7]
        ax.set_xticks(shown, _day_labels(shown, start, lang), rotation=90)
        xlabel = xlabel if start is None else t("plot.date", lang)
    _style(ax, t("plot.staffing.title", lang), xlabel, t("plot.staffing.y", lang))
    handles, labels = [], []
    for axis in fig.axes:
        more, more_labels = axis.get_legend_handles_labels()
        handles, labels = handles + more, labels + more_labels
    ax.legend(handles, labels, fontsize=LEGEND_SIZE, framealpha=0.9)
    return fig


# ---------------------------------------------------------------------------------------------
# The pictures of a run folder, for the report


@dataclass
class RunFigure:
    """A picture of a run, or the reason it is not shown (``figure`` is ``None`` then)."""

    key: str
    title: str
    figure: Figure | None
    note: str | None = None
    caption: str | None = None
    """What the picture shows, in a sentence or two, for the report's caption."""


def run_figures(run, lang: str = DEFAULT_LANG) -> list[RunFigure]:
    """Every picture a run folder supports; absent data gives a reason instead of a picture.

    ``run`` is a ``results.rundir.RunData``. Runs longer than ``DAILY_AFTER_DAYS`` days are
    shown per day, plus the average day and a day x time-of-day heat map of the service level,
    so that a collapse in some hours stays visible behind a daily total.
    """
    answer_within_s, target = run.phone_service_level
    words = {
        "seconds": f"{answer_within_s:g}",
        "target": format_threshold("service_level", target, lang),
        "days": run.days,
    }
    out: list[RunFigure] = []

    def add(key: str, make, missing: str | None, note: str | None = None, kind: str = "") -> None:
        """``kind`` picks the title and caption of a variant (``fig.volume_daily``)."""
        name = f"{key}_{kind}" if kind else key
        title = t(f"fig.{name}", lang)
        if missing is not None:
            out.append(RunFigure(key, title, None, t(missing, lang)))
            return
        caption = t(f"caption.{name}", lang, **words)
        try:
            out.append(RunFigure(key, title, make(), note, caption))
        except Exception as err:  # one bad table must not cost the whole report
            reason = t("skip.failed", lang, error=f"{type(err).__name__}: {err}")
            out.append(RunFigure(key, title, None, reason))

    intervals = run.intervals
    no_intervals = "skip.no_intervals" if intervals is None or intervals.empty else None
    daily = run.days > DAILY_AFTER_DAYS
    kind = "daily" if daily else ""
    start = run.horizon_start
    if daily:
        add("volume", lambda: daily_volume_figure(intervals, lang, start), no_intervals, kind=kind)
    else:
        add("volume", lambda: volume_figure(intervals, lang), no_intervals)
    no_sl = no_intervals or (None if "service_level" in intervals else "skip.no_intervals")
    if daily:
        add(
            "service_level",
            lambda: daily_service_level_figure(intervals, target, answer_within_s, lang, start),
            no_sl,
            kind=kind,
        )
        add(
            "average_day",
            lambda: average_day_figure(intervals, target, answer_within_s, lang),
            no_sl,
        )
        add(
            "sl_heatmap",
            lambda: service_level_heatmap(intervals, target, answer_within_s, lang, start),
            no_sl,
        )
    else:
        add(
            "service_level",
            lambda: service_level_figure(intervals, target, answer_within_s, lang),
            no_sl,
        )
    contacts = run.contacts
    if contacts is None or "wait_s" not in contacts:
        add("wait", None, "skip.no_contacts")
    else:
        waits = wait_data(contacts, run.warmup_s, answer_within_s)
        add(
            "wait",
            lambda: wait_figure(waits, answer_within_s, lang),
            None if len(waits.answered) else "skip.no_answered",
        )
    journeys = run.journeys
    if journeys is not None:
        journeys = journeys_after_warmup(journeys, run.warmup_s)
    if journeys is not None and "outcome" in journeys and not journeys.empty:
        add("outcomes", lambda: outcomes_figure(journey_outcome_shares(journeys), lang), None)
    else:
        shares = outcome_shares_from_kpis(run.kpis)
        if shares is None:
            add("outcomes", None, "skip.no_journeys")
        else:
            note = t("skip.journey_split", lang)
            add("outcomes", lambda: outcomes_figure(shares, lang), None, note)
    if contacts is None:
        add("sources", None, "skip.no_contacts")
    elif "kind" not in contacts:
        add("sources", None, "skip.no_kind")
    else:
        add(
            "sources",
            lambda: sources_figure(contact_source_counts(contacts, run.warmup_s), lang),
            None,
        )
    if no_intervals is None and any(c in intervals for c in SOURCE_COLUMNS.values()):
        add(
            "sources_time",
            lambda: sources_over_time_figure(intervals, lang, start, daily),
            None,
            kind=kind,
        )
    return out
