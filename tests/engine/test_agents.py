"""The agents' side: overtime policy within its limits, occupancy stress, back-to-back work."""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import pytest

from simulator.engine.center import simulate
from simulator.engine.records import ANSWERED
from simulator.results.kpis import agent_table, level_time_per_bin, replication_kpis
from simulator.runs.replications import run
from simulator.scenario.loading import load_scenario_dict
from simulator.scenario.steps import agent_steps
from tests.conftest import merge

H = 3600.0

BASE: dict[str, Any] = {
    "name": "agents",
    "seed": 3,
    "replications": 3,
    "horizon": {"days": 1, "interval_minutes": 30},
    # a busy day that the late shift cannot clear by 18:00
    "arrivals": {"per_hour": [0.0] * 16 + [240.0] * 20 + [0.0] * 12},
    "reasons": [
        {
            "name": "general",
            "share": 1.0,
            "handle_time": {"dist": "exponential", "mean_s": 300},
            "fcr": 0.6,
            "repeat": {"probability": 0.8, "delay": {"dist": "exponential", "mean_min": 30}},
        }
    ],
    "agents": {
        "shifts": [
            {"start": "08:00", "end": "13:00", "agents": 24},
            {"start": "13:00", "end": "18:00", "agents": 22},
        ],
    },
}
OVERTIME = {"queue_above": 5, "max_agents": 4, "max_minutes": 30}


def build(changes: dict[str, Any]) -> Any:
    return load_scenario_dict(merge(BASE, changes), source="<test>")


@pytest.mark.parametrize("replication", [0, 1, 2])
def test_overtime_never_exceeds_its_limits(replication):
    sc = build({"agents": {"overtime": OVERTIME}})
    rec = simulate(sc, replication)
    level = np.asarray(rec.overtime_level)
    times = np.asarray(rec.overtime_time)
    assert level.max() <= 4
    assert level.max() > 0  # the scenario does need overtime
    # every overtime episode starts at a shift end and lasts at most 30 minutes
    starts = times[np.flatnonzero(np.diff(np.append(0, level)) > 0)]
    assert set(starts.tolist()) <= {13 * H, 18 * H}
    ends = times[level == 0]
    for start in starts:
        end = ends[ends > start].min()
        assert end - start <= 30 * 60 + 1e-9
    k = replication_kpis(rec, sc)
    assert 0 < k["overtime_h"] <= 2 * 4 * 0.5


def test_no_overtime_when_the_queue_is_short_enough():
    plain = run(build({}), workers=1)
    lax = run(build({"agents": {"overtime": {**OVERTIME, "queue_above": 100000}}}), workers=1)
    assert (lax.summary["overtime_h"] == 0).all()
    pd_equal = plain.summary.drop(columns=["overtime_h"]).equals(
        lax.summary.drop(columns=["overtime_h"])
    )
    assert pd_equal  # a policy that never fires changes no number


def test_staffing_is_the_plan_plus_what_the_policy_adds():
    """Zero threshold and a limit longer than the queue: agents on duty = plan + overtime,
    apart from agents finishing the contact in hand after their shift (spec A4)."""
    sc = build({"agents": {"overtime": {"queue_above": 0, "max_agents": 100, "max_minutes": 600}}})
    rec = simulate(sc, 0)
    edges = np.arange(0, 24 * H + 1, 60.0)
    duty = level_time_per_bin(np.asarray(rec.duty_time), np.asarray(rec.duty_level), edges)
    overtime = level_time_per_bin(
        np.asarray(rec.overtime_time), np.asarray(rec.overtime_level), edges
    )
    starts, counts = agent_steps(sc.agents, sc.horizon)
    plan = level_time_per_bin(starts, counts, edges)
    # finishing a contact in hand only ever adds agents, and never more than the shift had
    extra = duty - plan - overtime
    assert extra.min() >= -1e-6
    # once the last shift has ended, everyone left is on overtime or finishing a contact
    after = (edges[:-1] >= 18 * H) & (edges[:-1] < 19 * H)
    assert overtime[after].sum() > 0
    # the queue at 18:00 is served: nobody waits past the overtime
    answered = np.asarray(rec.outcome) == ANSWERED
    assert answered.mean() > 0.99


def test_higher_fcr_removes_overtime():
    low = run(build({"agents": {"overtime": OVERTIME}}), workers=1).summary
    high_fcr = merge(BASE["reasons"][0], {"fcr": 0.85})
    high = run(build({"agents": {"overtime": OVERTIME}, "reasons": [high_fcr]}), workers=1).summary
    assert high["overtime_h"].mean() < low["overtime_h"].mean()
    assert high["occupancy_above_90_share"].mean() <= low["occupancy_above_90_share"].mean()


def test_longest_busy_stretch_follows_back_to_back_contacts():
    sc = build(
        {
            "arrivals": {"per_hour": 60},
            "reasons": [
                {
                    "name": "x",
                    "share": 1.0,
                    "handle_time": {"dist": "deterministic", "value_s": 600},
                }
            ],
            "agents": {"shifts": None, "headcount": 1},
        }
    )
    rec = simulate(sc, 0)
    # one agent, 10-minute contacts arriving 6 per hour on average: long busy stretches
    table = agent_table(rec, sc)
    assert len(table) == 1
    stretch = table["longest_stretch_h"].iloc[0] * H
    arrival, wait = np.asarray(rec.arrival), np.asarray(rec.wait)
    answered = np.asarray(rec.outcome) == ANSWERED
    s = (arrival + wait)[answered]
    e = s + 600
    gaps = np.flatnonzero(s[1:] > e[:-1] + 1e-9)
    bounds = np.concatenate(([0], gaps + 1, [len(s)]))
    expected = max(e[b - 1] - s[a] for a, b in itertools.pairwise(bounds))
    assert stretch == pytest.approx(expected)
    assert stretch >= 3 * 600
    assert table["contacts"].iloc[0] == answered.sum()
    assert table["busy_h"].iloc[0] == pytest.approx(answered.sum() * 600 / H)
    k = replication_kpis(rec, sc)
    assert k["longest_busy_stretch_h"] == pytest.approx(stretch / H)
    assert 0 <= k["occupancy_above_85_share"] <= 1


def test_overlapping_chats_make_one_stretch():
    """With chats in parallel, a stretch lasts while anything is in hand, not just the last."""
    sc = build(
        {
            "arrivals": {"per_hour": 40, "channel_mix": {"chat": 1.0}},
            "channels": {"chat": {"concurrency": 3}},
            "agents": {"shifts": None, "headcount": 2},
        }
    )
    rec = simulate(sc, 0)
    table = agent_table(rec, sc)
    arrival, wait = np.asarray(rec.arrival), np.asarray(rec.wait)
    handle, agent = np.asarray(rec.handle), np.asarray(rec.agent)
    answered = np.asarray(rec.outcome) == ANSWERED
    for a in range(len(table)):
        mine = answered & (agent == a)
        s = (arrival + wait)[mine]
        e = s + handle[mine]
        order = np.argsort(s)
        s, e = s[order], e[order]
        best, first, last = 0.0, s[0], e[0]
        for start, end in zip(s[1:], e[1:], strict=True):
            if start > last + 1e-9:
                best, first = max(best, last - first), start
            last = max(last, end)
        best = max(best, last - first)
        assert table.loc[a, "longest_stretch_h"] * H == pytest.approx(best)
        assert table.loc[a, "busy_h"] * H == pytest.approx((e - s).sum() / 3)
