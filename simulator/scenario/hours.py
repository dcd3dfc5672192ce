"""Weekly opening hours (``{mon-fri: "09:00-17:00", sat: "10:00-12:00,13:00-16:00"}``).

Simulation time 0 is Monday 00:00 (spec A1), so a week pattern maps to fixed second offsets.
Third parties work only in their hours; calendars for channels build on the same windows.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from simulator.units import DAY_S

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WEEK_S = 7 * DAY_S
HOURS_ALLOWED = (
    'a mapping of days to times, e.g. {mon-fri: "08:00-17:30", sat: "09:00-12:00,13:00-16:00"}; '
    "days mon..sun, ranges (mon-fri) or lists (mon,wed); times HH:MM-HH:MM up to 24:00"
)
_WINDOW = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


# The same syntax as regular expressions for the JSON Schema (``ccsim schema``), which has no
# case-insensitive flag: days are matched in any case, like ``parse_days`` does.
_DAY = "(?:" + "|".join("".join(f"[{c}{c.upper()}]" for c in day) for day in DAYS) + ")"
_DAY_PART = rf"\s*{_DAY}\s*(?:-\s*{_DAY}\s*)?"
DAYS_PATTERN = rf"^{_DAY_PART}(?:,{_DAY_PART})*$"
"""``mon-fri``, ``sat``, ``mon,wed,fri-sun``: what ``parse_days`` accepts."""
_TIME = r"(?:(?:[01]?[0-9]|2[0-3]):[0-5][0-9]|24:00)"
_TIMES = rf"\s*{_TIME}\s*-\s*{_TIME}\s*"
WINDOWS_PATTERN = rf"^{_TIMES}(?:,{_TIMES})*$"
"""``08:00-20:00`` or ``09:00-12:00,13:00-16:00``: HH:MM up to 24:00 (the end must also come
after the start, which a pattern cannot say)."""


def hours_json_schema() -> dict[str, object]:
    """JSON Schema of weekly hours as a scenario writes them."""
    return {
        "type": "object",
        "minProperties": 1,
        "propertyNames": {"pattern": DAYS_PATTERN},
        "additionalProperties": {"type": "string", "pattern": WINDOWS_PATTERN},
        "description": f"{HOURS_ALLOWED}. Days not named are closed; windows of a day that "
        "overlap are merged.",
        "examples": [
            {"mon-fri": "08:00-20:00", "sat": "09:00-17:00"},
            {"mon-sun": "00:00-24:00"},
            {"tue-sat": "09:00-12:00,13:00-17:30"},
        ],
    }


class HoursError(ValueError):
    """A day or time that does not parse; the message says which part."""


def parse_days(spec: str) -> list[int]:
    """Weekday numbers (0 = Monday) of ``mon-fri``, ``sat``, ``mon,wed``."""
    days: list[int] = []
    for part in spec.lower().split(","):
        first, _, last = (p.strip() for p in part.partition("-"))
        if first not in DAYS or (last and last not in DAYS):
            raise HoursError(f"unknown day {part.strip()!r}")
        a, b = DAYS.index(first), DAYS.index(last or first)
        if b < a:
            raise HoursError(f"day range {part.strip()!r} runs backwards")
        days.extend(range(a, b + 1))
    return days


def _seconds(h: str, m: str, text: str) -> float:
    hours, minutes = int(h), int(m)
    if minutes >= 60 or hours > 24 or (hours == 24 and minutes):
        raise HoursError(f"time {text!r} is not between 00:00 and 24:00")
    return hours * 3600.0 + minutes * 60.0


@dataclass(frozen=True)
class WeeklyHours:
    """Sorted, merged open windows ``[start, end)`` in seconds since Monday 00:00."""

    windows: tuple[tuple[float, float], ...]

    @classmethod
    def parse(cls, spec: Mapping[str, str]) -> WeeklyHours:
        """Weekly hours from the scenario form ``{"mon-fri": "08:00-17:00,18:00-20:00"}``.

        Windows of all days are sorted and merged; a malformed or empty spec raises ``HoursError``.
        """
        raw: list[tuple[float, float]] = []
        for day_spec, times in spec.items():
            days = parse_days(str(day_spec))
            for window in str(times).split(","):
                match = _WINDOW.match(window)
                if not match:
                    raise HoursError(f"{day_spec}: {window.strip()!r} is not HH:MM-HH:MM")
                start = _seconds(match[1], match[2], window.strip())
                end = _seconds(match[3], match[4], window.strip())
                if end <= start:
                    raise HoursError(f"{day_spec}: {window.strip()!r} ends before it starts")
                raw.extend((d * DAY_S + start, d * DAY_S + end) for d in days)
        merged: list[tuple[float, float]] = []
        for start, end in sorted(raw):
            if merged and start <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(merged[-1][1], end))
            else:
                merged.append((start, end))
        if not merged:
            raise HoursError("no open hours at all")
        return cls(tuple(merged))

    @classmethod
    def always(cls) -> WeeklyHours:
        """Open round the clock: what no opening hours mean."""
        return cls(((0.0, WEEK_S),))

    def wait_until_open(self, t: float) -> float:
        """Seconds from ``t`` until the next moment the hours are open (0 when open now)."""
        offset = t % WEEK_S
        starts = [w[0] for w in self.windows]
        k = bisect_right(starts, offset) - 1
        if k >= 0 and offset < self.windows[k][1]:
            return 0.0
        if k + 1 < len(self.windows):
            return self.windows[k + 1][0] - offset
        return WEEK_S - offset + self.windows[0][0]

    def open_for(self, t: float) -> float:
        """Seconds from ``t`` until the hours close.

        0 when closed now; a window that runs into the next week's first one continues; ``inf``
        when always open.
        """
        offset = t % WEEK_S
        starts = [w[0] for w in self.windows]
        k = bisect_right(starts, offset) - 1
        if k < 0 or offset >= self.windows[k][1]:
            return 0.0
        if self.open_seconds_per_week() >= WEEK_S:
            return float("inf")
        left = self.windows[k][1] - offset
        if self.windows[k][1] >= WEEK_S and self.windows[0][0] <= 0.0:
            left += self.windows[0][1]  # open over Sunday midnight into Monday
        return left

    def open_seconds_per_week(self) -> float:
        """Open seconds in one week; a full week (7 x 86,400) means always open."""
        return sum(end - start for start, end in self.windows)

    def open_fractions(self, week_offset_s: float, days: int, interval_s: float) -> np.ndarray:
        """Share of each reporting interval of ``days`` days that the hours are open.

        For a run whose time 0 is ``week_offset_s`` seconds after a Monday 00:00.
        """
        edges = np.arange(round(days * DAY_S / interval_s) + 1) * interval_s
        weeks, offset = np.divmod(week_offset_s + edges, WEEK_S)
        open_before = weeks * self.open_seconds_per_week()  # open seconds since a Monday
        for start, end in self.windows:
            open_before += np.clip(offset - start, 0.0, end - start)
        return np.diff(open_before) / interval_s
