"""KPIs read from the record columns agree exactly with the tables a run folder holds."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from simulator.engine.center import simulate
from simulator.results.kpis import _longest_stretches, journey_table, replication_kpis
from simulator.scenario.loading import load_scenario

JOURNEYS = Path(__file__).resolve().parent.parent / "golden" / "journeys.yaml"


@pytest.fixture(scope="module")
def replication():
    scenario = load_scenario(JOURNEYS)
    rec = simulate(scenario, 1)
    return replication_kpis(rec, scenario), journey_table(rec, scenario)


def test_issue_kpis_equal_those_of_the_journey_table(replication):
    """No journey frame is built for the KPIs; they must still be its numbers, to the last bit."""
    kpis, journeys = replication
    counted = journeys[~journeys["in_warmup"]]
    closed = counted[counted["outcome"] != "open"]
    assert len(closed) > 100
    assert kpis["issues"] == len(counted)
    assert kpis["contacts_per_issue"] == counted["contacts"].sum() / len(counted)
    assert kpis["fcr"] == counted["resolved_first_contact"].sum() / (counted["answered"] > 0).sum()
    resolution = counted["resolution_h"].dropna().to_numpy()
    assert kpis["time_to_resolution_h"] == resolution.mean()
    assert kpis["time_to_resolution_p90_h"] == np.percentile(resolution, 90)
    assert kpis["csat"] == closed["csat"].mean()
    assert kpis["ces"] == closed["ces"].mean()
    assert kpis["nps"] == 100.0 * closed["nps_contribution"].mean()
    assert kpis["proactive_calls"] == (counted["proactive"] != "none").sum()


def _longest_by_loop(agent, start, end, n):
    """The plain loop over pieces of work, sorted by agent and start."""
    longest = np.zeros(n)
    order = np.lexsort((start, agent))
    current, first, last = -1, 0.0, 0.0
    for a, s, e in zip(agent[order], start[order], end[order], strict=True):
        if a != current or s > last + 1e-9:
            if current >= 0:
                longest[current] = max(longest[current], last - first)
            current, first, last = a, s, e
        else:
            last = max(last, e)
    if current >= 0:
        longest[current] = max(longest[current], last - first)
    return longest


def test_longest_stretch_equals_the_loop_over_every_piece_of_work():
    rng = np.random.default_rng(3)
    n = 7  # agent 6 never works
    agent = rng.integers(0, n - 1, 2000).astype(np.int32)
    start = np.round(rng.uniform(0, 20_000, 2000), 1)  # rounded: ties and touching pieces
    end = start + np.round(rng.exponential(60, 2000), 1)
    got = _longest_stretches(agent, start, end, n)
    np.testing.assert_array_equal(got, _longest_by_loop(agent, start, end, n))
    assert got[n - 1] == 0.0
    assert _longest_stretches(*(np.array([], dtype=t) for t in ("i", "d", "d")), 2).tolist() == [
        0.0,
        0.0,
    ]
