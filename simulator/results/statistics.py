"""Means and 95% confidence intervals over replications, the one way ccsim computes them.

Spec A2: the half-width of a KPI's 95% CI is ``t(0.975, n-1) s / sqrt(n)`` over the n
replications where it is defined, ``None`` (JSON null) when n < 2. A paired difference (common
random numbers: replication r of both scenarios sees the same customers) is the same summary of
the per-replication differences. The t quantile is computed here (:func:`t_quantile`, exact for
the whole degrees of freedom a CI has) and not taken from scipy: ``scipy.stats`` takes about a
second to import and even ``scipy.special`` a tenth, on the path of every run.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike

Q975 = 0.975
"""The quantile of a two-sided 95% interval."""


class Summary(NamedTuple):
    """A mean and the half-width of its 95% CI; ``None`` where undefined."""

    mean: float | None
    ci95: float | None


def t_quantile(q: float, df: ArrayLike) -> np.ndarray | float:
    """Student's t quantile ``t(q, df)``, whole ``df`` >= 1; ``df`` may be an array (per cell)."""
    dfs = np.asarray(df)
    if dfs.ndim == 0:
        return _t_quantile(q, int(dfs))
    return np.array([_t_quantile(q, int(d)) for d in dfs.ravel()]).reshape(dfs.shape)


@cache
def _t_quantile(q: float, df: int) -> float:
    """Invert the t distribution's CDF by bisection on ``theta = atan(t / sqrt(df))``.

    For a whole ``df`` the CDF has a closed form (Abramowitz and Stegun 26.7.3 and 26.7.4):
    ``P(|T| < t) = A(theta)``, a finite series in ``cos(theta)``, increasing in ``theta`` on
    ``[0, pi/2)``. Bisection to the last bit agrees with scipy's ``stdtrit`` to about 1e-13.
    """
    if df < 1:
        raise ValueError(f"t quantile needs df >= 1, got {df}")
    if q == 0.5:
        return 0.0
    target = abs(2.0 * q - 1.0)  # A(theta) = P(|T| < t)
    # the series' terms: odd df cos + 2/3 cos^3 + 2*4/(3*5) cos^5 + ... (up to cos^(df-2)),
    # even df 1 + 1/2 cos^2 + 1*3/(2*4) cos^4 + ... (up to cos^(df-2))
    odd = df % 2
    m = (df - 1) // 2 if odd else df // 2
    j = np.arange(1, m, dtype=np.float64)
    ratio = 2 * j / (2 * j + 1) if odd else (2 * j - 1) / (2 * j)
    coef = np.concatenate(([1.0], np.cumprod(ratio)))[:m]
    powers = 2 * np.arange(m) + odd

    def a(theta: float) -> float:
        c, s = math.cos(theta), math.sin(theta)
        series = float(np.dot(coef, c**powers)) if m else 0.0
        if odd:
            return 2.0 / math.pi * (theta + s * series)
        return s * series

    lo, hi = 0.0, math.pi / 2
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if mid in (lo, hi):
            break
        if a(mid) < target:
            lo = mid
        else:
            hi = mid
    t = math.sqrt(df) * math.tan(0.5 * (lo + hi))
    return t if q > 0.5 else -t


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


def ci95(values: ArrayLike) -> float:
    """The CI half-width as a plain float, NaN where undefined: for ``DataFrame.agg``."""
    half = summarise(values).ci95
    return math.nan if half is None else half


def summarise_columns(
    columns: Mapping[str, ArrayLike], keys: Iterable[str]
) -> tuple[dict[str, float | None], dict[str, float | None]]:
    """``(means, ci95)`` of each column ``keys`` (a frame, or arrays) with a row per replication."""
    summaries = {key: summarise(np.asarray(columns[key], dtype=np.float64)) for key in keys}
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
