"""The back-test's picture: actual against simulated, per interval and per day (English)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from simulator.present.figures import bottom_legend, new_figure

if TYPE_CHECKING:
    from simulator.studies.backtest import Backtest

ACTUAL, SIMULATED = "#222222", "#1f77b4"


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
