"""The calendar of a run: which weekday each simulated day is, opening hours and holidays.

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
from simulator.units import DAY_S


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
        """The calendar of a run from the scenario's dates; no weekly hours means always open.

        Holidays outside the horizon are dropped; the rest become day indices from ``start``.
        """
        closed = frozenset(d for h in holidays if 0 <= (d := (h - start).days) < days)
        return cls(start, days, hours or WeeklyHours.always(), closed)

    @property
    def week_offset_s(self) -> float:
        """Seconds from the Monday 00:00 before the start to time 0."""
        return self.start.weekday() * DAY_S

    @property
    def always_open(self) -> bool:
        """True when nothing ever closes: the engine and the staffing study then skip the hours."""
        return not self.holidays and self.hours.open_seconds_per_week() >= 7 * DAY_S

    def open_fractions(self, interval_s: float) -> np.ndarray:
        """Share of each reporting interval of the run that the weekly hours are open.

        Holidays are ignored: a holiday closes the line, but its customers still have their
        issues (they find the line closed and retry), so the day keeps its arrival profile.
        """
        return self.hours.open_fractions(self.week_offset_s, self.days, interval_s)

    def open_seconds_until(self, t: np.ndarray) -> np.ndarray:
        """Open seconds from time 0 to each moment ``t`` (>= 0): the weekly hours, holidays closed.

        The open time between two moments is the difference of theirs (e-mail's service level
        counts a wait in business hours this way). Moments past the horizon follow the weekly
        hours; holidays exist only within it.
        """
        t = np.asarray(t, dtype=np.float64)
        windows, per_week = self.hours.windows, self.hours.open_seconds_per_week()

        def since_monday(x: np.ndarray) -> np.ndarray:
            weeks, offset = np.divmod(x, WEEK_S)
            total = weeks * per_week
            for start, end in windows:
                total = total + np.clip(offset - start, 0.0, end - start)
            return total

        origin = self.week_offset_s
        opened = since_monday(origin + t) - since_monday(np.float64(origin))
        for day in sorted(self.holidays):
            lo = origin + day * DAY_S
            opened -= since_monday(np.clip(origin + t, lo, lo + DAY_S)) - since_monday(
                np.float64(lo)
            )
        return opened

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

    def open_for(self, t: float) -> float:
        """Seconds from ``t`` until it closes (0 when closed now).

        The end of the weekly window, or the start of a holiday, whichever comes first.
        """
        if int(t // DAY_S) in self.holidays:
            return 0.0
        left = self.hours.open_for(t + self.week_offset_s)
        day = int(t // DAY_S) + 1
        while day * DAY_S < t + left and day < self.days:
            if day in self.holidays:
                return day * DAY_S - t
            day += 1
        return left
