"""The pictures of ``ccsim fit`` and ``ccsim backtest`` (English).

The fit report shows every fit against its data: dates and intraday profile, handle time per
reason (histogram and candidate densities), patience (Kaplan-Meier and candidate survival).
The back-test picture shows actual against simulated per interval or per day.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from simulator.present.figures import bottom_legend, new_figure

if TYPE_CHECKING:
    from simulator.studies.backtest import Backtest
    from simulator.studies.fit import FitResult

ACTUAL, SIMULATED, OUTLIER = "#222222", "#1f77b4", "#d62728"


def backtest_figure(bt: Backtest) -> Figure:
    """Offered, service level, abandonment and ASA, actual (black) against simulated (blue).

    Per interval over the horizon; per day when the horizon is longer than two weeks.
    """
    daily = bt.days > 14
    frame = bt.daily if daily else bt.intervals
    x = np.arange(len(frame))
    fig = new_figure(ncols=2, nrows=2, size=(11.0, 6.8))
    axes = fig.axes
    titles = {
        "offered": "Offered calls",
        "service_level": "Service level",
        "abandon_rate": "Abandoned share",
        "asa_s": "ASA (s)",
    }
    for ax, (m, title) in zip(axes, titles.items(), strict=True):
        ax.plot(x, frame[f"actual_{m}"], color=ACTUAL, lw=1.2, label="actual (records)")
        ax.plot(x, frame[f"simulated_{m}"], color=SIMULATED, lw=1.2, label="simulated (mean)")
        e = bt.errors["day" if daily else "interval"][m]
        mape = "-" if e["mape"] is None else f"{100 * e['mape']:.0f}%"
        ax.set_title(f"{title}: MAPE {mape}", fontsize=10)
        if m in ("service_level", "abandon_rate"):
            ax.yaxis.set_major_formatter(PercentFormatter(1.0))
        labels = (
            [str(d) for d in frame["date"]]
            if daily
            else [s.strftime("%a %H:%M") for s in frame["start"]]
        )
        step = max(1, len(x) // 6)
        ax.set_xticks(x[::step], labels[::step], fontsize=7, rotation=20)
        ax.grid(alpha=0.3)
    fig.suptitle(
        f"Back-test: {bt.scenario} against its records, per {'day' if daily else 'interval'}",
        fontsize=11,
    )
    handles, labels = axes[0].get_legend_handles_labels()
    bottom_legend(fig, handles, labels)
    return fig


def arrivals_figure(result: FitResult) -> Figure:
    """New issues per date (outlier dates in red) and the intraday profile against its data."""
    fig = new_figure(ncols=2, size=(11.0, 3.8))
    ax, bx = fig.axes
    daily = result.daily
    colors = np.where(daily["outlier"], OUTLIER, SIMULATED)
    x = np.arange(len(daily))
    ax.bar(x, daily["new_issues"], color=colors)
    step = max(1, len(x) // 7)
    ax.set_xticks(
        x[::step], [str(d.date()) for d in daily["date"]][::step], fontsize=7, rotation=20
    )
    ax.set_title("New issues per date (red: outlier)", fontsize=10)
    ax.grid(alpha=0.3, axis="y")
    counts = np.asarray(result.intraday_counts, dtype=float)
    weights = np.asarray(result.arrivals["intraday"], dtype=float)
    n = len(weights)
    minutes = np.arange(n) * (1440 / n)
    share = counts / counts.sum() if counts.sum() else counts
    bx.bar(minutes / 60, share, width=24 / n, color="#bbbbbb", align="edge", label="records")
    bx.step(
        np.append(minutes, 1440) / 60,
        np.append(weights, weights[-1]),
        where="post",
        color=SIMULATED,
        label="fitted profile",
    )
    bx.set_xlim(0, 24)
    bx.set_xticks(range(0, 25, 3))
    bx.set_title("Intraday profile: share of a day's new issues", fontsize=10)
    bx.yaxis.set_major_formatter(PercentFormatter(1.0))
    bx.grid(alpha=0.3)
    handles, labels = bx.get_legend_handles_labels()
    bottom_legend(fig, handles, labels)
    return fig


def handle_time_figure(result: FitResult, reason: str) -> Figure:
    """The handle times of one reason (histogram) and each candidate's fitted density."""
    from simulator.studies.fit import curves

    data = np.asarray(result.handle_data[reason], dtype=float)
    fitted = result.handle_fits[reason]
    fig = new_figure(size=(6.4, 3.6))
    ax = fig.axes[0]
    top = float(np.quantile(data, 0.995)) if len(data) else 1.0
    ax.hist(data, bins=60, range=(0, top), density=True, color="#cccccc", label="records")
    x = np.linspace(max(top / 500, 0.5), top, 300)
    for kind, y in curves(fitted, x).items():
        chosen = kind == fitted.kind
        ax.plot(x, y, lw=2.2 if chosen else 1.0, label=f"{kind}{' (chosen)' if chosen else ''}")
    if fitted.kind == "empirical":
        ax.set_title(f"{reason}: empirical chosen (every family misfits)", fontsize=10)
    else:
        ax.set_title(f"{reason}: {fitted.kind}, mean {fitted.mean_s:.0f} s", fontsize=10)
    ax.set_xlabel("handle time (s)")
    ax.grid(alpha=0.3)
    handles, labels = ax.get_legend_handles_labels()
    bottom_legend(fig, handles, labels)
    return fig


def patience_figure(result: FitResult) -> Figure:
    """Kaplan-Meier of the censored waits against each candidate's survival function."""
    from simulator.studies.fit import curves

    fitted = result.patience
    fig = new_figure(size=(6.4, 3.6))
    ax = fig.axes[0]
    times, surv = fitted.km
    top = float(result.waits["wait_s"].max()) or 1.0
    ax.step(
        np.append(0.0, times),
        np.append(1.0, surv),
        where="post",
        color=ACTUAL,
        lw=1.6,
        label="Kaplan-Meier (records)",
    )
    x = np.linspace(0.0, top, 300)
    for kind, y in curves(fitted, x, survival=True).items():
        chosen = kind == fitted.kind
        ax.plot(x, y, lw=2.2 if chosen else 1.0, label=f"{kind}{' (chosen)' if chosen else ''}")
    ax.set_ylim(0, 1.02)
    ax.set_xlabel("wait (s)")
    ax.set_ylabel("share still willing to wait")
    ax.set_title(f"Patience: {fitted.kind}, mean {fitted.mean_s:.0f} s", fontsize=10)
    ax.grid(alpha=0.3)
    handles, labels = ax.get_legend_handles_labels()
    bottom_legend(fig, handles, labels, ncols=2)
    return fig
