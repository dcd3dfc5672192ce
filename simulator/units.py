"""Time units of the scenario format: a key's suffix (``mean_min``) names the unit of its value.

Everything inside ccsim is in seconds; units exist only at the edge, in scenario files.
"""

from __future__ import annotations

TIME_UNITS: dict[str, float] = {"s": 1.0, "min": 60.0, "h": 3600.0, "days": 86400.0}
"""Seconds per unit, by key suffix."""
UNIT_NAMES = {"s": "seconds", "min": "minutes", "h": "hours", "days": "days"}
"""The unit of each suffix in words, for documentation."""

DAY_S = TIME_UNITS["days"]
MINUTES_PER_DAY = 1440


def unit_keys(name: str) -> list[str]:
    """The keys that may carry parameter ``name``: ``mean_s``, ``mean_min``, ``mean_h``, ...."""
    return [f"{name}_{unit}" for unit in TIME_UNITS]


def split_unit(key: str) -> tuple[str, str] | None:
    """``("mean", "min")`` for ``"mean_min"``; None when ``key`` has no unit suffix."""
    name, sep, unit = key.rpartition("_")
    return (name, unit) if sep and name and unit in TIME_UNITS else None
