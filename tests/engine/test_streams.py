"""Random streams: numba samplers match their distributions, streams are stable and independent."""

from __future__ import annotations

import numpy as np
import pytest

from simulator.engine.arrivals import arrival_times
from simulator.engine.streams import Streams, stream_seed

N = 200_000


def _dist(spec: dict):
    from simulator.scenario.loading import load_scenario_dict
    from tests.conftest import ERLANG_A_SPEC, merge

    sc = load_scenario_dict(
        merge(ERLANG_A_SPEC, {"reasons": [{"name": "x", "share": 1.0, "handle_time": spec}]})
    )
    return sc.reasons[0].handle_time


SPECS = [
    {"dist": "exponential", "mean_s": 300},
    {"dist": "lognormal", "mean_s": 420, "cv": 0.7},
    {"dist": "gamma", "mean_min": 25, "cv": 0.5},
    {"dist": "erlang", "mean_s": 200, "k": 3},
    {"dist": "deterministic", "value_s": 42},
    {"dist": "uniform", "min_s": 60, "max_s": 300},
    {"dist": "empirical", "values_s": [10, 20, 20, 50]},
]


@pytest.mark.parametrize("spec", SPECS, ids=[s["dist"] for s in SPECS])
def test_sampler_moments_match_the_distribution(spec):
    dist = _dist(spec)
    draw = Streams(1, 0).sampler("x", dist)
    x = np.array([draw() for _ in range(N)])
    # standard error of the mean; of the variance via the fourth moment
    se_mean = np.sqrt(dist.variance / N)
    assert abs(x.mean() - dist.mean) <= 4.5 * se_mean + 1e-9
    if dist.variance > 0:
        m4 = np.mean((x - x.mean()) ** 4)
        se_var = np.sqrt(max(m4 - dist.variance**2, 0.0) / N)
        assert abs(x.var() - dist.variance) <= 4.5 * se_var
    assert (x >= 0).all()


def test_stream_is_reproducible_and_named_streams_are_independent():
    a = Streams(7, 3).uniform("patience:phone")
    b = Streams(7, 3).uniform("patience:phone")
    xs = [a() for _ in range(5000)]
    assert xs == [b() for _ in range(5000)]
    other = Streams(7, 3).uniform("handle_time:general")
    ys = [other() for _ in range(5000)]
    assert abs(np.corrcoef(xs, ys)[0, 1]) < 4 / np.sqrt(5000)


def test_stream_seed_is_stable_across_processes():
    # crc32, never hash(): the entropy of a name is a fixed number
    assert stream_seed(7, 0, "arrivals").entropy == [7, 0, 3612958146]


def test_a_stream_name_is_used_once_per_replication():
    s = Streams(1, 0)
    s.uniform("reason")
    with pytest.raises(ValueError, match="already in use"):
        s.uniform("reason")


def test_nhpp_counts_per_segment():
    """Piecewise rates: counts per segment are Poisson with mean rate x length."""
    starts = np.array([0.0, 1000.0, 1100.0, 5000.0])
    rates = np.array([0.01, 2.0, 0.0, 0.05])
    horizon = 10_000.0
    counts = []
    for r in range(200):
        t = np.array(list(arrival_times(Streams(3, r), starts, rates, horizon)))
        assert (np.diff(t) >= 0).all()
        assert t.max() < horizon
        counts.append(np.histogram(t, bins=[0, 1000, 1100, 5000, horizon])[0])
    mean = np.mean(counts, axis=0)
    expected = np.array([10.0, 200.0, 0.0, 250.0])
    assert mean[2] == 0  # a zero-rate segment gets nothing
    for m, e in zip(mean, expected, strict=True):
        assert abs(m - e) <= 4 * np.sqrt(e / 200)
