"""Numba-compiled samplers that fill blocks of random numbers from a numpy Generator.

One compiled function serves every distribution kind, so a scenario pays one compilation
(cached on disk with ``cache=True``) instead of one per kind. The model never calls these
directly: :mod:`simulator.engine.streams` wraps them in per-stream buffers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from numba import njit

# Kind codes understood by the compiled sampler. Names match ``Distribution.kind`` in config.
UNIFORM01 = 0
EXPONENTIAL = 1
LOGNORMAL = 2
GAMMA = 3
ERLANG = 4
DETERMINISTIC = 5
UNIFORM = 6
EMPIRICAL = 7

KIND_CODES: dict[str, int] = {
    "exponential": EXPONENTIAL,
    "lognormal": LOGNORMAL,
    "gamma": GAMMA,
    "erlang": ERLANG,
    "deterministic": DETERMINISTIC,
    "uniform": UNIFORM,
    "empirical": EMPIRICAL,
}


@njit(cache=True)
def fill_block(gen, kind, a, b, values, out):  # pragma: no cover - compiled
    """Fill ``out`` with draws of distribution ``kind`` with parameters ``a``, ``b``, ``values``.

    Parameters by kind: exponential (a=mean); lognormal and gamma (a=mean, b=cv);
    erlang (a=mean, b=k); deterministic (a=value); uniform (a=min, b=max);
    empirical (values, resampled with equal weights); uniform01 (none).
    """
    n = out.shape[0]
    if kind == UNIFORM01:
        for i in range(n):
            out[i] = gen.random()
    elif kind == EXPONENTIAL:
        for i in range(n):
            out[i] = a * gen.standard_exponential()
    elif kind == LOGNORMAL:
        s2 = np.log(1.0 + b * b)
        mu = np.log(a) - 0.5 * s2
        s = np.sqrt(s2)
        for i in range(n):
            out[i] = np.exp(mu + s * gen.standard_normal())
    elif kind == GAMMA:
        shape = 1.0 / (b * b)
        scale = a * b * b
        for i in range(n):
            out[i] = gen.gamma(shape, scale)
    elif kind == ERLANG:
        for i in range(n):
            out[i] = gen.gamma(b, a / b)
    elif kind == DETERMINISTIC:
        for i in range(n):
            out[i] = a
    elif kind == UNIFORM:
        for i in range(n):
            out[i] = a + (b - a) * gen.random()
    else:  # EMPIRICAL
        m = values.shape[0]
        for i in range(n):
            out[i] = values[int(gen.random() * m)]


_NO_VALUES = np.zeros(1)


def sampler_args(kind: str, params: Mapping[str, float | Sequence[float]]) -> tuple:
    """Translate a validated distribution (``kind`` and ``params`` in seconds) to sampler args."""
    code = KIND_CODES[kind]
    if code == EMPIRICAL:
        return (code, 0.0, 0.0, np.asarray(params["values"], dtype=np.float64))
    if code == DETERMINISTIC:
        return (code, float(params["value"]), 0.0, _NO_VALUES)
    if code == UNIFORM:
        return (code, float(params["min"]), float(params["max"]), _NO_VALUES)
    if code == ERLANG:
        return (code, float(params["mean"]), float(params["k"]), _NO_VALUES)
    if code in (LOGNORMAL, GAMMA):
        return (code, float(params["mean"]), float(params["cv"]), _NO_VALUES)
    return (code, float(params["mean"]), 0.0, _NO_VALUES)


UNIFORM01_ARGS = (UNIFORM01, 0.0, 0.0, _NO_VALUES)
UNIT_EXPONENTIAL_ARGS = (EXPONENTIAL, 1.0, 0.0, _NO_VALUES)
