"""The employee-satisfaction proxy (ESAT) against hand-derived numbers, and the assessment's goal.

Per agent who answered a contact after the warm-up: ESAT = clip(base + per_occupancy_point x 100
x max(0, occupancy - occupancy_above) + per_stretch_hour x max(0, stretch_h - stretch_above_h) +
per_overtime_point x 100 x overtime share + per_repeat_share x repeat share, 0, 10); the KPI is the
mean over those agents, ``by_group`` each group's.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from simulator.engine.center import ContactCenter
from simulator.engine.records import MISSED_CALLBACK, REPEAT
from simulator.results.breakdown import by_group
from simulator.results.kpis import agent_esat, replication_kpis
from simulator.scenario.loading import load_scenario_dict
from simulator.studies.assess import assess
from tests.conftest import merge

H = 3600.0
BASE: dict[str, Any] = {
    "name": "esat",
    "seed": 1,
    "replications": 1,
    "horizon": {"days": 1, "warmup_minutes": 0, "interval_minutes": 60},
    "arrivals": {"per_hour": 1.0},  # replaced by fixed moments
    "reasons": [
        {"name": "x", "share": 1.0, "handle_time": {"dist": "deterministic", "value_s": 3 * H}}
    ],
    "channels": {"phone": {"patience": None}},
    "agents": {"headcount": 1},
}


def simulate_at(changes: dict[str, Any], moments: list[float]) -> tuple[Any, Any]:
    sc = load_scenario_dict(merge(BASE, changes), source="<test>")
    center = ContactCenter(sc, 0)
    center._sources = [(0, iter(moments))]
    return sc, center.run()


def test_one_agent_twelve_hours_back_to_back():
    """One agent on duty 24 h takes four calls of 3 h at 0, 3, 6 and 9 h: busy 12 of 24 h
    (occupancy 0.5, below 0.80: no penalty), one stretch of 12 h (each call starts as the last
    ends): -0.3 x (12 - 2) = -3.0; no overtime, no repeats. ESAT = 8.8 - 3.0 = 5.8."""
    sc, rec = simulate_at({}, [0.0, 3 * H, 6 * H, 9 * H])
    k = replication_kpis(rec, sc)
    assert k["occupancy"] == pytest.approx(0.5)
    assert k["longest_busy_stretch_h"] == pytest.approx(12.0)
    assert k["esat"] == pytest.approx(5.8)
    assert by_group(rec, sc)["agents"]["esat"] == pytest.approx(5.8)


def test_occupancy_above_the_threshold_costs_a_tenth_a_point():
    """Seven calls of 3 h from 0 h to 18 h back to back, then one at 21 h: busy 24 of 24 h
    (occupancy 1.0: 20 points above 0.80, -2.0) and a stretch of 24 h (-0.3 x 22 = -6.6):
    8.8 - 2.0 - 6.6 = 0.2. With per_stretch_hour 0 only the occupancy counts: 6.8."""
    moments = [3 * H * k for k in range(8)]
    sc, rec = simulate_at({}, moments)
    assert replication_kpis(rec, sc)["esat"] == pytest.approx(0.2)
    sc, rec = simulate_at({"satisfaction": {"esat": {"per_stretch_hour": 0.0}}}, moments)
    assert replication_kpis(rec, sc)["esat"] == pytest.approx(6.8)


def test_repeat_share_per_agent_and_the_group_mean():
    """Two groups, FCR 0.5 with repeats: each agent loses 2 x its share of repeat contacts
    (stretch and occupancy penalties switched off); ``by_group`` is the mean of its agents who
    answered a contact, the KPI the mean of all of them (counted from the records here)."""
    sc = load_scenario_dict(
        merge(
            BASE,
            {
                "arrivals": {"per_hour": 20},
                "reasons": [
                    {
                        "name": "x",
                        "share": 1.0,
                        "handle_time": {"dist": "exponential", "mean_s": 300},
                        "fcr": 0.5,
                        "repeat": {
                            "probability": 0.9,
                            "delay": {"dist": "exponential", "mean_s": 600},
                        },
                    }
                ],
                "satisfaction": {"esat": {"per_stretch_hour": 0.0, "per_occupancy_point": 0.0}},
                "agents": {
                    "headcount": None,
                    "groups": [{"name": "a", "headcount": 2}, {"name": "b", "headcount": 2}],
                },
            },
        ),
        source="<test>",
    )
    rec = ContactCenter(sc, 0).run()
    agent = np.asarray(rec.agent)
    kind = np.asarray(rec.kind)
    answered = agent >= 0
    expected = {}
    for a in sorted(set(agent[answered].tolist())):
        mine = answered & (agent == a)
        share = float(np.isin(kind[mine], [REPEAT, MISSED_CALLBACK]).mean())
        expected[a] = 8.8 - 2.0 * share
    esat, worked = agent_esat(rec, sc)
    assert sorted(np.flatnonzero(worked).tolist()) == sorted(expected)
    for a, value in expected.items():
        assert esat[a] == pytest.approx(value)
    groups = np.asarray(rec.agent_group)
    table = by_group(rec, sc)
    for g, name in enumerate(["a", "b"]):
        mean = np.mean([v for a, v in expected.items() if groups[a] == g])
        assert table[name]["esat"] == pytest.approx(mean)
    assert replication_kpis(rec, sc)["esat"] == pytest.approx(np.mean(list(expected.values())))
    assert min(expected.values()) < 8.8  # some repeats reached each agent


def test_the_esat_goal_is_shown_beside_the_gates_never_as_one():
    """Seed 003's goal, esat >= 8.5: passed, failed or not measured, and the phase is the same
    whatever esat is."""
    kpis = {
        "fcr": 0.9,
        "asa_s": 20.0,
        "abandon_rate": 0.02,
        "csat": 8.1,
        "repeat_rate": 0.05,
        "nps": 35.0,
    }
    phases = set()
    for esat, status in ((9.0, "passed"), (8.0, "failed"), (None, "not_measured")):
        a = assess(kpis | ({} if esat is None else {"esat": esat}))
        assert [(g.key, g.op, g.threshold, g.status) for g in a.goals] == [
            ("esat", ">=", 8.5, status)
        ]
        assert a.to_json()["goals"][0]["status"] == status
        phases.add(a.phase)
    assert phases == {4}
