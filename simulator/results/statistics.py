"""Means and 95% confidence intervals over replications, the one way ccsim computes them.

Spec A2: the half-width of a KPI's 95% CI is ``t(0.975, n-1) s / sqrt(n)`` over the n
replications where it is defined, ``None`` (JSON null) when n < 2. A paired difference (common
random numbers: replication r of both scenarios sees the same customers) is the same summary of
the per-replication differences. The t quantile comes from ``scipy.special.stdtrit``, which is
what ``scipy.stats.t.ppf`` calls, without importing ``scipy.stats`` (about a second) on the
path of every run.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import NamedTuple

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy.special import stdtrit

Q975 = 0.975
"""The quantile of a two-sided 95% interval."""


class Summary(NamedTuple):
    """A mean and the half-width of its 95% CI; ``None`` where undefined."""

    mean: float | None
    ci95: float | None


def t_quantile(q: float, df: ArrayLike) -> np.ndarray | float:
    """Student's t quantile ``t(q, df)``; ``df`` may be an array (one value per cell)."""
    return stdtrit(df, q)


def _defined(values: ArrayLike) -> np.ndarray:
    v = np.asarray(values, dtype=np.float64)
    return v[~np.isnan(v)]


def _half_width(v: np.ndarray) -> float:
    n = len(v)
    return float(t_quantile(Q975, n - 1) * v.std(ddof=1) / math.sqrt(n))


def summarise(values: ArrayLike) -> Summary:
    """Mean and CI half-width of the defined (non-NaN) values.

    The mean is ``None`` when none is defined, the CI when fewer than two are.
    """
    v = _defined(values)
    if len(v) == 0:
        return Summary(None, None)
    return Summary(float(v.mean()), _half_width(v) if len(v) >= 2 else None)


def ci95(values: pd.Series | ArrayLike) -> float:
    """The CI half-width as a plain float, NaN where undefined: for ``DataFrame.agg``."""
    half = summarise(values).ci95
    return math.nan if half is None else half


def summarise_columns(
    frame: pd.DataFrame, keys: Iterable[str]
) -> tuple[dict[str, float | None], dict[str, float | None]]:
    """``(means, ci95)`` of each column ``keys`` of a frame with one row per replication."""
    summaries = {key: summarise(frame[key].to_numpy(dtype=np.float64)) for key in keys}
    return (
        {key: s.mean for key, s in summaries.items()},
        {key: s.ci95 for key, s in summaries.items()},
    )


def paired_difference(
    first: Sequence[float] | np.ndarray, other: Sequence[float] | np.ndarray
) -> Summary:
    """The summary of ``other - first`` per replication (both ordered by replication).

    Replications where either value is undefined (NaN) are left out. Identical differences give
    a CI of exactly 0, so a scenario compared with itself shows ``0 ± 0`` and not rounding noise.
    """
    a = np.asarray(first, dtype=np.float64)
    b = np.asarray(other, dtype=np.float64)
    d = (b - a)[~(np.isnan(a) | np.isnan(b))]
    if len(d) and np.all(d == d[0]):
        return Summary(float(d[0]), 0.0 if len(d) >= 2 else None)
    return summarise(d)
