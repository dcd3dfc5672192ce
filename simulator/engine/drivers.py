"""Demand drivers: issues caused by events rather than by the everyday arrival rate.

An **invoice run** lands on given days; each landing makes a Poisson number of recipients
(``recipients / spread_days x contact_rate``) contact us after a response delay. The delay
decides the *day* of the contact; the time of day follows the everyday arrival profile of that
day, because people call when they usually call (and not at 3 a.m. because a delay
distribution says so). An **incident** adds a constant extra rate of one reason for a while.
Both are exact Poisson processes, each on its own random streams (``driver:<i>...``), so a
scenario with a driver keeps common random numbers with the same scenario without it.
"""

from __future__ import annotations

from datetime import datetime, time

import numpy as np

from simulator.engine.arrivals import arrival_times
from simulator.engine.streams import Streams
from simulator.scenario.models import Incident, InvoiceRun, ProactiveOutbound, Scenario
from simulator.units import DAY_S


def interval_rates(
    starts_s: np.ndarray, rates_per_s: np.ndarray, interval_s: float, n: int
) -> np.ndarray:
    """The piecewise-constant rate sampled at the start of each of ``n`` intervals."""
    grid = np.arange(n) * interval_s
    return np.asarray(rates_per_s)[np.searchsorted(starts_s, grid, side="right") - 1]


def invoice_arrivals(
    driver: InvoiceRun,
    name: str,
    scenario: Scenario,
    streams: Streams,
    base_rates: np.ndarray,
) -> np.ndarray:
    """Sorted contact times in [0, horizon) caused by ``driver``.

    ``base_rates`` is the everyday arrival rate per reporting interval over the horizon.
    """
    h = scenario.horizon
    origin = h.origin
    landings = np.array(
        [
            (datetime.combine(d, time()) - origin).total_seconds()
            for d in driver.dispatch.landing_days(origin.date(), h.days)
        ]
    )
    per_landing = driver.recipients / driver.dispatch.spread_days * driver.contact_rate
    if len(landings) == 0 or per_landing == 0:
        return np.empty(0)
    # A Poisson number of contacts per landing: unit-rate arrivals on a virtual axis where
    # landing k owns [k, k+1) with rate per_landing.
    k = len(landings)
    virtual = arrival_times(
        streams, np.arange(k, dtype=np.float64), np.full(k, per_landing), float(k), stream=name
    )
    which = np.fromiter((int(v) for v in virtual), dtype=np.int64)
    delay = streams.sampler(f"{name}:delay", driver.response_delay)
    times = landings[which] + np.array([delay() for _ in range(len(which))])
    times = times[(times >= 0) & (times < h.horizon_s)]
    return np.sort(_retime_within_day(times, base_rates, h.interval_s, streams, f"{name}:time"))


def _retime_within_day(
    times: np.ndarray, base_rates: np.ndarray, interval_s: float, streams: Streams, name: str
) -> np.ndarray:
    """Keep each contact's day; draw its time of day from that day's arrival profile."""
    per_day = round(DAY_S / interval_s)
    profile = base_rates.reshape(-1, per_day)
    u = streams.uniform(name)
    out = times.copy()
    for i, t in enumerate(times):
        day = int(t // DAY_S)
        weights = profile[day]
        total = weights.sum()
        if total <= 0:
            continue  # nobody calls that day in the everyday profile: keep the drawn time
        cdf = np.cumsum(weights) / total
        slot = min(int(np.searchsorted(cdf, u(), side="right")), per_day - 1)
        out[i] = day * DAY_S + (slot + u()) * interval_s
    return out


def incident_arrivals(
    driver: Incident, name: str, scenario: Scenario, streams: Streams
) -> np.ndarray:
    """Contact times of an incident's extra Poisson arrivals within the horizon."""
    h = scenario.horizon
    start = (driver.start - h.origin).total_seconds()
    end = start + driver.duration_h * 3600.0
    start, end = max(start, 0.0), min(end, h.horizon_s)
    if end <= start:
        return np.empty(0)
    starts = np.array([0.0, start, end]) if start > 0 else np.array([0.0, end])
    rates = np.array([0.0, driver.extra_per_hour / 3600.0, 0.0])[-len(starts) :]
    if end >= h.horizon_s:
        starts, rates = starts[:-1], rates[:-1]
    return np.fromiter(arrival_times(streams, starts, rates, h.horizon_s, stream=name), float)


def driver_arrivals(
    scenario: Scenario, streams: Streams, starts_s: np.ndarray, rates_per_s: np.ndarray
) -> list[tuple[int, np.ndarray]]:
    """(reason index, sorted arrival times) for every driver of the scenario."""
    h = scenario.horizon
    n = h.days * h.intervals_per_day
    base = interval_rates(starts_s, rates_per_s, h.interval_s, n)
    out = []
    for i, driver in enumerate(scenario.drivers):
        name = f"driver:{i}"
        if isinstance(driver, ProactiveOutbound):
            continue  # it prevents contacts instead of causing them (see the model)
        if isinstance(driver, InvoiceRun):
            times = invoice_arrivals(driver, name, scenario, streams, base)
        else:
            times = incident_arrivals(driver, name, scenario, streams)
        out.append((scenario.reason_index(driver.reason), times))
    return out
