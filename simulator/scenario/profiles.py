"""The built-in intraday arrival profiles a scenario can name (``arrivals.intraday``).

Spec data, not runtime: validation needs the names, the engine's timeline the weights, so both
read them here.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from simulator.units import MINUTES_PER_DAY


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
