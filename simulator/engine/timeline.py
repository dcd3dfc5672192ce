"""The run's timeline: its calendar and the rate of new issues over the horizon.

Both are built from the frozen scenario.

The scenario models hold the spec only; what the engine steps through (calendars with
holidays, piecewise-constant arrival rates) is built here, once per run. Agents on duty come
from ``simulator.scenario.steps``, which validation shares.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
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


def channel_clocks(scenario: Scenario) -> list[Calendar | None]:
    """Per channel (phone, chat, e-mail) its calendar, or None when it never closes.

    E-mail is received at any hour; an unconfigured chat has none.
    """
    chat = scenario.channels.chat
    clocks = [
        clock(scenario),
        clock(scenario, chat.opening_hours or scenario.calendar.opening_hours) if chat else None,
        None,
    ]
    return [c if c is not None and not c.always_open else None for c in clocks]


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


class OpenPeriodMoments:
    """Moments within a channel's open periods, placed by the arrival profile.

    A repeat whose moment falls while its channel is closed comes in the next open period
    instead, at the moment where the cumulative arrival intensity of that period reaches the
    share ``u`` of the period's total: customers call back when customers call. A period without
    intensity takes ``u`` of its length. A period is cut at the horizon (there is no intensity
    beyond it), and a moment moved past the horizon is not simulated.
    """

    def __init__(self, starts_s: np.ndarray, rates_per_s: np.ndarray, horizon_s: float) -> None:
        edges, cum = cumulative_intensity(starts_s, rates_per_s, horizon_s)
        self._edges: list[float] = edges.tolist()
        self._cum: list[float] = cum.tolist()
        self._horizon_s = float(horizon_s)

    def _intensity_to(self, t: float) -> float:
        """``Lambda(t)``: expected new issues from time 0 to ``t`` (flat after the horizon)."""
        edges, cum = self._edges, self._cum
        if t >= edges[-1]:
            return cum[-1]
        i = bisect_right(edges, t) - 1
        return cum[i] + (t - edges[i]) * (cum[i + 1] - cum[i]) / (edges[i + 1] - edges[i])

    def moment(self, clock: Calendar, t: float, u: float) -> float:
        """When a contact due at ``t`` comes: ``t`` itself if ``clock`` is open then.

        Otherwise at quantile ``u`` (0..1) of the next open period (``inf`` when none is left).
        """
        wait = clock.wait_until_open(t)
        if wait == 0:
            return t
        start = t + wait
        if start >= self._horizon_s:  # not simulated (or never open again)
            return start
        end = min(start + clock.open_for(start), self._horizon_s)
        low, high = self._intensity_to(start), self._intensity_to(end)
        if not high > low:
            return start + u * (end - start)
        target = low + u * (high - low)
        cum, edges = self._cum, self._edges
        i = max(bisect_left(cum, target), 1)  # cum[i - 1] < target <= cum[i]
        share = (target - cum[i - 1]) / (cum[i] - cum[i - 1])
        moment = edges[i - 1] + share * (edges[i] - edges[i - 1])
        return min(max(moment, start), end)


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
