"""The simulation against queueing theory: Erlang C, Erlang A and Little's law.

Tolerances come from the replications: the mean of n replications must lie within
t(0.9995, n-1) standard errors of the analytic value (a 99.9% band), so a wrong model fails
while sampling noise does not. Seeds are fixed, so the outcome is deterministic.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from simulator.analytic import erlang_a, erlang_c
from simulator.runs.replications import run
from tests.conftest import scenario, t_tolerance

# (label, calls per hour, AHT s, agents, mean patience s or None, days, replications)
POINTS = [
    ("erlang-c published", 200.0, 180.0, 14, None, 4, 8),
    ("erlang-c 105 agents", 2000.0, 180.0, 105, None, 1, 8),
    ("erlang-a spec A1", 1000.0, 300.0, 90, 120.0, 1, 8),
    ("erlang-a overloaded", 60.0, 240.0, 4, 60.0, 4, 8),
]


def _p_wait(contacts: pd.DataFrame, warmup_s: float) -> pd.Series:
    """Per replication: share of counted contacts that did not find an idle agent."""
    counted = contacts[contacts["arrival_s"] >= warmup_s]
    return counted.groupby("replication")["wait_s"].apply(lambda w: float((w > 0).mean()))


@pytest.mark.parametrize(
    ("label", "per_hour", "aht", "agents", "patience", "days", "reps"),
    POINTS,
    ids=[p[0] for p in POINTS],
)
@pytest.mark.slow
def test_simulation_reproduces_erlang(label, per_hour, aht, agents, patience, days, reps):
    changes = {
        "replications": reps,
        "horizon": {"days": days, "warmup_minutes": 120},
        "arrivals": {"per_hour": per_hour},
        "reasons": [
            {"name": "x", "share": 1.0, "handle_time": {"dist": "exponential", "mean_s": aht}}
        ],
        "agents": {"headcount": agents},
        "channels": {"phone": {"patience": {"dist": "exponential", "mean_s": patience}}}
        if patience
        else {"phone": {"patience": None}},
    }
    sc = scenario(changes)
    result = run(sc, workers=1)
    rate = per_hour / 3600.0
    if patience is None:
        ref = erlang_c(rate, aht, agents, 20.0)
        expected = {"asa_s": ref.asa_s, "service_level": ref.service_level, "abandon_rate": 0.0}
    else:
        ref = erlang_a(rate, aht, agents, patience, 20.0)
        expected = {
            "asa_s": ref.asa_s,
            "service_level": ref.service_level,
            "abandon_rate": ref.p_abandon,
        }
    expected["occupancy"] = ref.occupancy
    per_rep = result.summary.set_index("replication")
    per_rep["p_wait"] = _p_wait(result.contacts, sc.horizon.warmup_s)
    expected["p_wait"] = ref.p_wait
    for key, value in expected.items():
        x = per_rep[key].to_numpy()
        se = x.std(ddof=1) / np.sqrt(len(x))
        tol = max(t_tolerance(se, len(x)), 1e-12)
        assert abs(x.mean() - value) <= tol, (
            f"{label}: {key} simulated {x.mean():.5f} vs analytic {value:.5f} (tolerance {tol:.5f})"
        )


def test_littles_law_every_replication():
    """Time-average queue length (kept by the engine) = arrival rate x mean wait (from records)."""
    sc = scenario({"replications": 3, "agents": {"headcount": 86}})
    result = run(sc, workers=1)
    window = sc.horizon.horizon_s - sc.horizon.warmup_s
    counted = result.contacts[result.contacts["arrival_s"] >= sc.horizon.warmup_s]
    for r, rows in counted.groupby("replication"):
        lam_w = rows["wait_s"].sum() / window  # = (n / window) * mean wait
        length = result.summary.set_index("replication").loc[r, "mean_queue_length"]
        assert length > 1.0  # the check must be about a real queue
        assert length == pytest.approx(lam_w, rel=0.01)


def test_littles_law_for_busy_agents():
    """Mean busy agents = throughput x AHT, so occupancy x agents = lambda (1 - abandon) AHT."""
    sc = scenario({"replications": 4})
    result = run(sc, workers=1)
    s = result.summary
    rate = 1000.0 / 3600.0
    busy = s["occupancy"] * 90
    expected = rate * (1 - s["abandon_rate"]) * s["aht_s"]
    assert np.allclose(busy, expected, rtol=0.02)
