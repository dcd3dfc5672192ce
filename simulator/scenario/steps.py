"""Agents on duty as a step function of run time: what a scenario's staffing section means.

Pure numpy arithmetic on the frozen models. It sits in the scenario layer rather than in the
engine's timeline because validation needs it too: a scenario with more agents on duty at once
than the engine can hold (``MAX_AGENTS``) is refused when it is loaded.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import numpy as np

from simulator.units import DAY_S

if TYPE_CHECKING:
    from simulator.scenario.models import Agents, Horizon, Shift, Staffing

Steps = tuple[np.ndarray, np.ndarray]
"""Start times (s, the first is 0) and the value that holds from each start on."""


def daily_steps(values: np.ndarray, horizon: Horizon) -> Steps:
    """Piecewise-constant steps from one value per interval of a day, repeated every day."""
    starts = np.arange(horizon.days * horizon.intervals_per_day) * horizon.interval_s
    return starts.astype(np.float64), np.tile(values, horizon.days)


def shift_segments(
    shift: Shift, weekday0: int, days: int, closed: frozenset[int]
) -> list[tuple[float, float]]:
    """``[start, end)`` in run seconds for every day the shift works (not on holidays)."""
    start, end = shift.window_s
    return [
        (d * DAY_S + start, d * DAY_S + end)
        for d in range(days)
        if (weekday0 + d) % 7 in shift.weekdays and d not in closed
    ]


def staffing_steps(
    staffing: Staffing, horizon: Horizon, holidays: frozenset[int] = frozenset()
) -> Steps:
    """Agents on duty in one pool (a group, or the single pool) from each start time.

    ``holidays`` (day indices) matter only to shifts: nobody works a shift on a holiday.
    """
    if staffing.shifts is not None:
        return _shift_steps(staffing.shifts, horizon, holidays)
    if staffing.headcount is not None:
        return np.zeros(1), np.array([staffing.headcount], dtype=np.int64)
    if staffing.per_interval is not None:
        return daily_steps(np.asarray(staffing.per_interval, dtype=np.int64), horizon)
    starts, counts = zip(*staffing.table_rows, strict=True)
    counts = np.asarray(counts, dtype=np.int64)
    if isinstance(starts[0], datetime):
        offsets = np.array([(start - horizon.origin).total_seconds() for start in starts])
        first, end = np.searchsorted(offsets, [0.0, horizon.horizon_s], side="right")
        initial = counts[first - 1] if first else 0  # no agents before the first row
        return (
            np.concatenate(([0.0], offsets[first:end])),
            np.concatenate(([initial], counts[first:end])),
        )
    offsets = np.asarray(starts, dtype=np.float64)
    if offsets[0] > 0:  # the pattern wraps: the last row holds until the first, next day
        offsets, counts = np.append(0.0, offsets), np.append(counts[-1], counts)
    days = np.arange(horizon.days) * DAY_S
    return (days[:, None] + offsets).ravel(), np.tile(counts, horizon.days)


def agent_steps(agents: Agents, horizon: Horizon, holidays: frozenset[int] = frozenset()) -> Steps:
    """All agents on duty (summed over groups) from each start time."""
    if agents.groups is None:
        return staffing_steps(agents, horizon, holidays)
    parts = [staffing_steps(g, horizon, holidays) for g in agents.groups]
    times = np.unique(np.concatenate([t for t, _ in parts]))
    total = sum(c[np.searchsorted(t, times, side="right") - 1] for t, c in parts)
    return times, np.asarray(total, dtype=np.int64)


def _shift_steps(shifts: list[Shift], horizon: Horizon, holidays: frozenset[int]) -> Steps:
    changes: dict[float, int] = {0.0: 0}
    for shift in shifts:
        for start, end in shift_segments(shift, horizon.origin.weekday(), horizon.days, holidays):
            changes[start] = changes.get(start, 0) + shift.agents
            end = min(end, horizon.horizon_s)
            changes[end] = changes.get(end, 0) - shift.agents
    times = sorted(t for t in changes if t < horizon.horizon_s)
    counts = np.cumsum([changes[t] for t in times])
    return np.asarray(times, dtype=np.float64), counts.astype(np.int64)
