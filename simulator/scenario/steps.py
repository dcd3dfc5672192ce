"""Agents on duty as a step function of run time: what a scenario's staffing section means.

Pure numpy arithmetic on the frozen models. It sits in the scenario layer rather than in the
engine's timeline because validation needs it too: a scenario with more agents on duty at once
than the engine can hold (``MAX_AGENTS``) is refused when it is loaded.
"""

from __future__ import annotations

import math
from datetime import date, datetime
from typing import TYPE_CHECKING

import numpy as np

from simulator.units import DAY_S

if TYPE_CHECKING:
    from simulator.scenario.models import Agents, Breaks, Horizon, Shift, Staffing

Steps = tuple[np.ndarray, np.ndarray]
"""Start times (s, the first is 0) and the value that holds from each start on."""


def daily_steps(values: np.ndarray, horizon: Horizon) -> Steps:
    """Piecewise-constant steps from one value per interval of a day, repeated every day."""
    starts = np.arange(horizon.days * horizon.intervals_per_day) * horizon.interval_s
    return starts.astype(np.float64), np.tile(values, horizon.days)


def shift_segments(
    shift: Shift, weekday0: int, days: int, closed: frozenset[int], first: date | None = None
) -> list[tuple[float, float]]:
    """``[start, end)`` in run seconds for every day the shift works (not on holidays).

    A dated shift works on its date only; ``first`` is the date of day 0 (the horizon's).
    """
    start, end = shift.window_s
    on = shift.on_date
    if on is not None:
        d = (on - first).days if first is not None else -1
        return [(d * DAY_S + start, d * DAY_S + end)] if 0 <= d < days and d not in closed else []
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
        for start, end in shift_segments(
            shift, horizon.origin.weekday(), horizon.days, holidays, horizon.origin.date()
        ):
            changes[start] = changes.get(start, 0) + shift.agents
            end = min(end, horizon.horizon_s)
            changes[end] = changes.get(end, 0) - shift.agents
    times = sorted(t for t in changes if t < horizon.horizon_s)
    counts = np.cumsum([changes[t] for t in times])
    return np.asarray(times, dtype=np.float64), counts.astype(np.int64)


# -- shrinkage in the simulation (spec D11): duty stretches, breaks and off-phone time -------------
Stretch = tuple[float, float, int, int, "Breaks | None"]
"""A duty stretch: ``(start_s, end_s, first_slot, agents, breaks)``: agents ``first_slot`` ..
``first_slot + agents - 1`` of a pool on duty together from start to end, within one day's
duty (their absence is drawn per slot and day; breaks and off-phone time are placed in it)."""


def duty_stretches(
    staffing: Staffing,
    horizon: Horizon,
    holidays: frozenset[int] = frozenset(),
    breaks: Breaks | None = None,
) -> tuple[list[Stretch], int]:
    """The duty stretches of one pool, and its number of agent slots (absence is drawn per slot).

    With shifts a stretch is a shift's working day (its agents are its slots; ``shift.breaks``
    replaces ``breaks``). A headcount, per_interval or table is read as stacked slots: slot k is
    on duty while more than k agents are; its duty is cut at midnight, so a stretch never spans
    two days (an agent always on duty takes its breaks every ``every_h`` from midnight), and the
    slots that start and end together form one stretch.
    """
    if staffing.shifts is not None:
        stretches: list[Stretch] = []
        first = 0
        for shift in staffing.shifts:
            own = shift.breaks if shift.breaks is not None else breaks
            for start, end in shift_segments(
                shift, horizon.origin.weekday(), horizon.days, holidays, horizon.origin.date()
            ):
                end = min(end, horizon.horizon_s)
                if shift.agents and end > start:
                    stretches.append((start, end, first, shift.agents, own))
            first += shift.agents
        return sorted(stretches, key=lambda s: (s[0], s[2])), first
    times, counts = staffing_steps(staffing, horizon, holidays)
    midnights = np.arange(1, horizon.days) * DAY_S
    cuts = np.union1d(times, midnights[midnights < horizon.horizon_s])
    levels = counts[np.searchsorted(times, cuts, side="right") - 1]
    stretches = []
    stack: list[list[float]] = []  # [start, lo, hi]: slots lo..hi-1 on duty since start
    level = 0

    def close(t: float, down_to: int) -> None:
        while stack and stack[-1][2] > down_to:
            start, lo, hi = stack[-1]
            top = max(int(lo), down_to)
            if t > start:
                stretches.append((start, t, top, int(hi) - top, breaks))
            if top > lo:
                stack[-1][2] = top
            else:
                stack.pop()

    for t, n in zip(cuts.tolist(), levels.tolist(), strict=True):
        if t > 0 and t % DAY_S == 0:  # a new day: every slot's duty starts again
            close(t, 0)
            if level:
                stack.append([t, 0, level])
        if n < level:
            close(t, n)
        elif n > level:
            stack.append([t, level, n])
        level = n
    close(horizon.horizon_s, 0)
    slots = int(counts.max()) if len(counts) else 0
    return sorted(stretches, key=lambda s: (s[0], s[2])), slots


def break_windows(
    start: float, end: float, agents: int, breaks: Breaks | None
) -> list[tuple[float, float, int]]:
    """Every break of a duty stretch worked by ``agents``: ``(start_s, end_s, agent)``.

    The placement rule: break k (k = 1, 2, ...) is nominally k x ``every_h`` after the stretch
    starts; agent j of the stretch starts it at ``nominal - W/2 + (j + 1/2) W / agents`` with W =
    ``stagger_minutes``, so starts are W / agents apart and at most ceil(agents x minutes / W)
    agents of a stretch are on break at one moment (all of them when W = 0). A break is placed
    only if the last agent's ends by the end of the stretch. ``ccsim schedule`` can call this to
    count coverage net of breaks, as the engine places them (an agent busy at its break time
    finishes its contact first and then takes the whole break).
    """
    if breaks is None or breaks.minutes <= 0 or agents <= 0:
        return []
    every, length = breaks.every_h * 3600.0, breaks.minutes * 60.0
    window = breaks.stagger_minutes * 60.0
    out = []
    k = 1
    while start + k * every + window / 2 + length <= end:
        first = start + k * every - window / 2
        out.extend(
            (first + (j + 0.5) * window / agents, first + (j + 0.5) * window / agents + length, j)
            for j in range(agents)
        )
        k += 1
    return out


def most_on_break(agents: int, breaks: Breaks) -> int:
    """The most agents of one stretch on break at the same moment under :func:`break_windows`."""
    if breaks.stagger_minutes <= 0:
        return agents
    return min(agents, math.ceil(agents * breaks.minutes / breaks.stagger_minutes - 1e-9))


def off_phone_blocks(
    start: float, end: float, agents: int, share: float
) -> list[tuple[float, float, int]]:
    """Off-phone time of a duty stretch: ``(start_s, end_s, agent)``, ``share`` of each agent's.

    Agent j is off the phone for ``share`` x the stretch's length in one block that starts at
    ``(j + 1/2) / agents`` of the way through the stretch; a block that would run past the end
    goes on at the start of the stretch (two pieces). So at every moment close to ``share`` of
    the stretch's agents are off the phone, evenly over the day.
    """
    if share <= 0 or agents <= 0:
        return []
    length = end - start
    block = share * length
    out = []
    for j in range(agents):
        s = start + (j + 0.5) / agents * length
        over = s + block - end
        if over > 0:
            out.append((s, end, j))
            out.append((start, start + over, j))
        else:
            out.append((s, s + block, j))
    return out


def expected_shrinkage(
    agents: Agents, horizon: Horizon, holidays: frozenset[int] = frozenset()
) -> float:
    """The share of paid agent time that simulated breaks, absence and off-phone time take.

    In expectation over the scenario's own plan: breaks as :func:`break_windows` places them in
    every duty stretch, ``absence`` of the agent-days, ``off_phone`` of a present agent's time:
    ``1 - (1 - absence) (1 - break share - off_phone)``. 0 when none is simulated. ``ccsim staff``
    divides analytic (on-the-line) agent hours by one minus this, instead of ``agents.shrinkage``.
    """
    paid = on_break = 0.0
    for pool in [agents] if agents.groups is None else agents.groups:
        stretches, _ = duty_stretches(pool, horizon, holidays, agents.breaks)
        for start, end, _, n, breaks in stretches:
            paid += n * (end - start)
            on_break += sum(e - s for s, e, _ in break_windows(start, end, n, breaks))
    share = on_break / paid if paid else 0.0
    return 1.0 - (1.0 - agents.absence) * max(0.0, 1.0 - share - agents.off_phone)
