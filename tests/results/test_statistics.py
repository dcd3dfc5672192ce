"""Means and 95% CIs over replications: the t quantile without scipy.stats, spec A2's half-width,
null where undefined, and paired differences."""

from __future__ import annotations

import math
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from simulator.results.statistics import (
    ci95,
    paired_difference,
    summarise,
    summarise_columns,
    t_quantile,
)


@pytest.mark.parametrize(("df", "expected"), [(1, 12.706), (4, 2.776), (29, 2.045)])
def test_t_quantile_matches_the_tables(df, expected):
    assert t_quantile(0.975, df) == pytest.approx(expected, abs=5e-4)


@pytest.mark.parametrize("q", [0.5, 0.6, 0.9, 0.975, 0.995, 0.025, 0.0005])
def test_t_quantile_agrees_with_scipy(q):
    """The closed-form inversion against scipy's ``stdtrit`` (what ``stats.t.ppf`` calls)."""
    from scipy.special import stdtrit

    dfs = np.array([*range(1, 40), 99, 100, 101, 999, 5000])
    np.testing.assert_allclose(t_quantile(q, dfs), stdtrit(dfs, q), rtol=1e-11, atol=1e-12)


def test_t_quantile_refuses_less_than_one_degree_of_freedom():
    with pytest.raises(ValueError, match="df >= 1"):
        t_quantile(0.975, 0)


def test_t_quantile_takes_arrays():
    np.testing.assert_allclose(t_quantile(0.975, np.array([1, 4])), [12.7062, 2.7764], atol=1e-4)


def test_summarise_is_the_t_interval_of_spec_a2():
    values = [10.0, 12.0, 14.0, 16.0, 18.0]  # mean 14, s = sqrt(10)
    mean, half = summarise(values)
    assert mean == 14.0
    assert half == pytest.approx(2.776445 * math.sqrt(10) / math.sqrt(5), rel=1e-6)


def test_undefined_values_are_left_out_and_too_few_give_null():
    assert summarise([]) == (None, None)
    assert summarise([np.nan, np.nan]) == (None, None)
    assert summarise([3.0, np.nan]) == (3.0, None)
    assert summarise([1.0, np.nan, 3.0]).mean == 2.0
    assert math.isnan(ci95(pd.Series([1.0])))
    assert ci95(pd.Series([1.0, 3.0])) == pytest.approx(12.7062 * math.sqrt(2) / math.sqrt(2), 1e-4)


def test_summarise_columns_gives_json_ready_dicts():
    frame = pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": [np.nan, np.nan, np.nan]})
    means, cis = summarise_columns(frame, ["a", "b"])
    assert means == {"a": 2.0, "b": None}
    assert cis["a"] == pytest.approx(4.302653 / math.sqrt(3), rel=1e-6)
    assert cis["b"] is None


def test_paired_difference_handles_undefined_and_single_values():
    assert paired_difference([1.0, np.nan, 3.0], [2.0, 5.0, np.nan]) == (1.0, None)
    assert paired_difference([np.nan], [np.nan]) == (None, None)
    mean, ci = paired_difference([1.0, 2.0, 3.0], [2.0, 2.0, 5.0])
    assert mean == pytest.approx(1.0)
    assert ci == pytest.approx(summarise([1.0, 0.0, 2.0]).ci95)


def test_identical_differences_give_exactly_zero():
    assert paired_difference([0.1, 0.2, 0.3], [0.1, 0.2, 0.3]) == (0.0, 0.0)


def test_importing_it_does_not_load_scipy_stats():
    code = "import sys, simulator.results.statistics; print('scipy.stats' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
