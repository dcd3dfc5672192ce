"""The calendar of a run: which weekday each simulated day is, opening hours and holidays, and
the built-in intraday arrival profiles.

Simulation time 0 is 00:00 of ``horizon.start`` (a Monday when absent). Weekly hours are written
from Monday, so the calendar shifts them by the weekday of the start date; holidays close
every channel for the whole day.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import numpy as np

from simulator.scenario.hours import WEEK_S, WeeklyHours
from simulator.units import DAY_S, MINUTES_PER_DAY


def _typical(peaks: Iterable[tuple[float, float, float]], floor: float) -> np.ndarray:
    """Weights per minute of a day: a small floor plus Gaussian bumps (hour, width h, height)."""
    hour = np.arange(MINUTES_PER_DAY) / 60.0
    weights = np.full(MINUTES_PER_DAY, floor)
    for centre, width, height in peaks:
        weights += height * np.exp(-0.5 * ((hour - centre) / width) ** 2)
    return weights


# Per-minute weights; an interval's weight is the sum over its minutes. The typical shapes are
# the classic double hump of an inbound service line (a morning peak after opening, a smaller
# one after lunch) and a flatter Saturday; ``flat`` spreads a day's volume evenly.
INTRADAY_PROFILES: dict[str, np.ndarray] = {
    "flat": np.ones(MINUTES_PER_DAY),
    "typical_weekday": _typical([(10.0, 1.4, 1.0), (14.0, 1.6, 0.75), (18.5, 1.2, 0.3)], 0.003),
    "typical_saturday": _typical([(11.0, 1.8, 1.0), (14.5, 1.5, 0.5)], 0.003),
}


def intraday_weights(profile: str | list[float], intervals_per_day: int) -> np.ndarray:
    """Normalised weights per reporting interval of a day."""
    if isinstance(profile, str):
        minutes = INTRADAY_PROFILES[profile]
        weights = minutes.reshape(intervals_per_day, -1).sum(axis=1)
    else:
        weights = np.asarray(profile, dtype=np.float64)
    return weights / weights.sum()


@dataclass(frozen=True)
class Calendar:
    """Opening hours and holidays on the simulation clock."""

    start: date
    days: int
    hours: WeeklyHours
    holidays: frozenset[int]  # day indices (0 = the start date) that are closed

    @classmethod
    def build(
        cls, start: date, days: int, hours: WeeklyHours | None, holidays: Iterable[date]
    ) -> Calendar:
        closed = frozenset(d for h in holidays if 0 <= (d := (h - start).days) < days)
        return cls(start, days, hours or WeeklyHours.always(), closed)

    @property
    def week_offset_s(self) -> float:
        """Seconds from the Monday 00:00 before the start to time 0."""
        return self.start.weekday() * DAY_S

    @property
    def always_open(self) -> bool:
        return not self.holidays and self.hours.open_seconds_per_week() >= 7 * DAY_S

    def open_fractions(self, interval_s: float) -> np.ndarray:
        """Share of each reporting interval of the run that the weekly hours are open.

        Holidays are ignored: a holiday closes the line, but its customers still have their
        issues (they find the line closed and retry), so the day keeps its arrival profile.
        """
        edges = np.arange(round(self.days * DAY_S / interval_s) + 1) * interval_s
        weeks, offset = np.divmod(self.week_offset_s + edges, WEEK_S)
        open_before = weeks * self.hours.open_seconds_per_week()  # open seconds since a Monday
        for start, end in self.hours.windows:
            open_before += np.clip(offset - start, 0.0, end - start)
        return np.diff(open_before) / interval_s

    def weekday(self, day: int) -> int:
        """0 = Monday for simulated day ``day``."""
        return (self.start.weekday() + day) % 7

    def wait_until_open(self, t: float) -> float:
        """Seconds from ``t`` until open (0 when open now), skipping holidays."""
        now = t
        for _ in range(self.days + 8):  # every day can be closed at most once
            now += self.hours.wait_until_open(now + self.week_offset_s)
            day = int(now // DAY_S)
            if day not in self.holidays:
                return now - t
            now = (day + 1) * DAY_S
        return float("inf")  # closed for the rest of the run
