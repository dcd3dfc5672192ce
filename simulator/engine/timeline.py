"""The run's timeline: its calendar and the rate of new issues over the horizon.

Both are built from the frozen scenario.

The scenario models hold the spec only; what the engine steps through (calendars with
holidays, piecewise-constant arrival rates) is built here, once per run. Agents on duty come
from ``simulator.scenario.steps``, which validation shares.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from simulator.engine.calendar import Calendar
from simulator.scenario.hours import DAYS, WeeklyHours
from simulator.scenario.models import Arrivals, Horizon, Scenario
from simulator.scenario.profiles import intraday_weights
from simulator.scenario.steps import Steps, daily_steps


def clock(scenario: Scenario, hours: Mapping[str, str] | None = None) -> Calendar:
    """The run's calendar with ``hours`` (default: the phone line's)."""
    if hours is None:
        hours = scenario.channels.phone.opening_hours or scenario.calendar.opening_hours
    h = scenario.horizon
    return Calendar.build(
        h.origin.date(),
        h.days,
        WeeklyHours.parse(hours) if hours else None,
        scenario.calendar.holidays,
    )


def arrival_steps(scenario: Scenario) -> Steps:
    """Start times (s) and rates per second of everyday new issues over the horizon.

    Confined to the hours they follow (``Scenario.arrival_hours``).
    """
    h, hours = scenario.horizon, scenario.arrival_hours()
    if not hours:
        return arrival_rate_steps(scenario.arrivals, h)
    return arrival_rate_steps(
        scenario.arrivals, h, clock(scenario, hours).open_fractions(h.interval_s)
    )


def cumulative_intensity(
    starts_s: np.ndarray, rates_per_s: np.ndarray, horizon_s: float
) -> tuple[np.ndarray, np.ndarray]:
    """Breakpoints (with the horizon appended) and ``Lambda`` at each breakpoint.

    Here rather than beside the numba-compiled arrivals, so that ``ccsim validate`` can state the
    expected volume without loading numba.
    """
    edges = np.append(np.asarray(starts_s, dtype=np.float64), float(horizon_s))
    cum = np.concatenate(([0.0], np.cumsum(np.diff(edges) * rates_per_s)))
    return edges, cum


def arrival_rate_steps(
    arrivals: Arrivals, horizon: Horizon, open_share: np.ndarray | None = None
) -> Steps:
    """Start times (s) and rates of new issues per second: piecewise constant, whole horizon.

    ``open_share`` (the open share of every interval of the horizon) confines arrivals to open
    hours: a day's ``per_day`` volume is kept and spread over its open intervals; a
    ``per_hour`` rate is kept and holds only while open. A day with no open weight (closed, or
    no weight in its open hours) keeps its profile: its customers find the line closed and
    retry.
    """
    if arrivals.per_hour is not None and open_share is None:
        if isinstance(arrivals.per_hour, list):
            return daily_steps(np.asarray(arrivals.per_hour) / 3600.0, horizon)
        return np.zeros(1), np.array([arrivals.per_hour / 3600.0])
    starts = np.arange(horizon.days * horizon.intervals_per_day) * horizon.interval_s
    if arrivals.per_hour is not None:
        per_interval = np.broadcast_to(
            np.asarray(arrivals.per_hour) / 3600.0, (horizon.intervals_per_day,)
        )
        rates = np.tile(per_interval, horizon.days) * open_share
        return starts.astype(np.float64), rates
    weights = intraday_weights(arrivals.intraday or "flat", horizon.intervals_per_day)
    weights = np.broadcast_to(weights, (horizon.days, weights.size))
    if open_share is not None:
        open_weights = weights * open_share.reshape(weights.shape)
        total = open_weights.sum(axis=1, keepdims=True)
        weights = np.divide(open_weights, total, out=np.array(weights), where=total > 0)
    weekday0 = horizon.origin.weekday()
    factors = arrivals.day_of_week or {}
    day_factor = np.array([factors.get(DAYS[(weekday0 + d) % 7], 1.0) for d in range(horizon.days)])
    rates = arrivals.per_day * day_factor[:, None] * weights / horizon.interval_s
    return starts.astype(np.float64), rates.ravel()
