"""Chat concurrency costs time (``channels.chat.concurrency_slowdown``, s).

An agent holding k chats works each at 1 / (1 + s (k - 1)) of one chat's speed; a chat's drawn
handle time is its work at full speed, and its recorded handle time is the time it held its slot.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from simulator.engine.center import ContactCenter, simulate
from simulator.engine.records import ANSWERED
from simulator.errors import ScenarioError
from simulator.results.kpis import conservation_errors, replication_kpis
from simulator.runs.replications import run
from simulator.scenario.loading import load_scenario, load_scenario_dict
from simulator.scenario.models import CHANNELS
from tests.conftest import merge, t_tolerance

CHAT = CHANNELS.index("chat")
GOLDEN = Path(__file__).parents[1] / "golden"

CHATS: dict[str, Any] = {
    "name": "chat-slowdown",
    "seed": 13,
    "replications": 4,
    "horizon": {"days": 1, "warmup_minutes": 60, "interval_minutes": 30},
    "arrivals": {"per_hour": 300, "channel_mix": {"chat": 1.0}},
    "reasons": [{"name": "x", "share": 1.0, "handle_time": {"dist": "exponential", "mean_s": 600}}],
    "channels": {"chat": {"concurrency": 2, "service_level": {"answer_within_s": 30}}},
    "agents": {"headcount": 45},
}


def build(changes: dict[str, Any], base: dict[str, Any] = CHATS) -> Any:
    return load_scenario_dict(merge(base, changes), source="<test>")


def slowdown(s: float) -> dict[str, Any]:
    return {"channels": {"chat": {"concurrency_slowdown": s}}}


def fixed_work(seconds: float) -> list[dict[str, Any]]:
    """One reason whose every contact has the same handle time (work)."""
    return [
        {"name": "x", "share": 1.0, "handle_time": {"dist": "deterministic", "value_s": seconds}}
    ]


# 90 agents with one chat each, instead of the 45 agents with two of CHATS
SINGLE: dict[str, Any] = {"channels": {"chat": {"concurrency": 1}}, "agents": {"headcount": 90}}


def busy_time(start: np.ndarray, end: np.ndarray) -> float:
    """Length of the union of the intervals [start, end) (an agent with at least one chat)."""
    total, reach = 0.0, -math.inf
    for a, b in sorted(zip(start, end, strict=True)):
        if b > reach:
            total += b - max(a, reach)
            reach = b
    return total


def test_two_chats_share_the_agent_as_derived_by_hand():
    """One agent, two chats of work 300 s answered at t = 0 and t = 100, s = 0.5.

    0..100: chat A alone at full speed, 100 done, 200 left. From 100 two chats, each at
    1 / (1 + 0.5) = 2/3: A needs 200 * 1.5 = 300 s more, so it ends at 400, when B has done
    300 * 2/3 = 200 of its 300. B alone again at full speed: 100 s more, ends at 500.
    Recorded handle times (time in a slot): A 400, B 400; both answered at once (wait 0).
    """
    sc = build(
        {
            "arrivals": {"per_hour": 1},
            "reasons": fixed_work(300),
            "agents": {"headcount": 1},
            **slowdown(0.5),
        }
    )
    center = ContactCenter(sc, 0)
    center._sources = [(0, iter([0.0, 100.0]))]  # reason 0, two chats at 0 and 100
    rec = center.run()
    assert list(rec.channel) == [CHAT, CHAT]
    assert list(rec.agent) == [0, 0]
    assert list(rec.wait) == [0.0, 0.0]
    ends = [a + w + h for a, w, h in zip(rec.arrival, rec.wait, rec.handle, strict=True)]
    assert ends == [400.0, 500.0]
    assert list(rec.handle) == [400.0, 400.0]


def test_three_chats_rescale_at_every_change():
    """One agent, three chats of work 300 s at t = 0, 0 and 60, concurrency 3, s = 1.

    0..60: two chats at speed 1/2: 30 done each, 270 left. From 60 three at 1/3: the two first
    need 270 * 3 = 810 s: they end together at 870, when the third has done 270, 30 left.
    Alone it ends at 900. Total work 900 s in 900 s busy: at s = 1 the agent's rate stays 1.
    """
    sc = build(
        {
            "arrivals": {"per_hour": 1},
            "reasons": fixed_work(300),
            "channels": {"chat": {"concurrency": 3, "concurrency_slowdown": 1.0}},
            "agents": {"headcount": 1},
        }
    )
    center = ContactCenter(sc, 0)
    center._sources = [(0, iter([0.0, 0.0, 60.0]))]
    rec = center.run()
    ends = [a + w + h for a, w, h in zip(rec.arrival, rec.wait, rec.handle, strict=True)]
    assert ends == pytest.approx([870.0, 870.0, 900.0], abs=1e-9)


def test_without_slowdown_45_agents_with_2_chats_are_90_agents_with_1():
    """s = 0 (the default): a chat's handle time is fixed when it is created and every free slot
    takes the next chat first come first served, so the waits do not depend on which agent holds
    which slot: 45 agents x 2 slots give the very numbers of 90 x 1 (the Erlang C of 90 slots is
    tests/engine/test_channels.py's check)."""
    pairs = build({}), build(SINGLE)
    for r in range(2):
        (a, rec_a), (b, rec_b) = (
            (replication_kpis(rec, sc), rec) for sc in pairs for rec in [simulate(sc, r)]
        )
        for key in ("chat_answered", "chat_asa_s", "chat_service_level"):
            assert a[key] == b[key], key
        assert list(rec_a.handle) == list(rec_b.handle)  # the drawn work, unchanged
        assert a["occupancy"] == pytest.approx(b["occupancy"])  # a chat is half an agent


def test_with_slowdown_45_agents_with_2_chats_are_worse_than_90_with_1():
    """Same customers (seed), 345 chats/h of 600 s work (57.5 Erlang), patience 2 min on average.

    90 x 1: 90 servers at 57.5 Erlang; a chat waits only when all 90 are busy, P(wait) ~ 1e-5:
    SL ~ 1, ASA ~ 0. 45 x 2 with s = 0.5: an agent with two chats works at 2 / 1.5 = 4/3 of one
    chat's rate, so the 45 agents complete at most 45 * 4/3 = 60 Erlang of work: 57.5 Erlang
    loads them to 96% of that (and more whenever an agent holds a single chat), so all slots
    are taken much of the time and chats wait. ASA must be higher and service level lower by
    more than the paired 99.9% tolerance.
    """
    patient = {
        "replications": 6,
        "arrivals": {"per_hour": 345},
        "channels": {"chat": {"patience": {"dist": "exponential", "mean_s": 120}}},
    }
    single = run(
        build(merge(patient, SINGLE)),
        workers=1,
    )
    shared = run(build(merge(patient, slowdown(0.5))), workers=1)
    a, b = single.summary, shared.summary
    for key, worse in (("chat_asa_s", 1.0), ("chat_service_level", -1.0)):
        diff = worse * (b[key].to_numpy() - a[key].to_numpy())
        tol = t_tolerance(diff.std(ddof=1) / math.sqrt(len(diff)), len(diff))
        assert diff.mean() > tol, (key, diff.mean(), tol)
    assert a["chat_service_level"].min() > 0.999
    assert (b["occupancy"] <= 1.0).all()


def test_at_slowdown_one_concurrency_adds_no_throughput():
    """s = 1: with k chats at speed 1/k each the agent completes work at rate 1 whenever it has
    at least one chat, as with single chats. Every chat has work W = 600 s (deterministic) and
    the run goes on until every chat is done, so an agent's busy time (the union of its chats'
    slot times) is exactly the work it did: chats completed per busy hour = 3600 / W = 6, for
    every agent (float rounding only). Without slowdown the same agents, holding two chats at a
    time, complete more per busy hour (up to 12; measured 11.2).
    """
    fixed = {
        "arrivals": {"per_hour": 200},  # 33 Erlang of work: below the 40 agents' rate at s = 1
        "reasons": fixed_work(600),
        "agents": {"headcount": 40},
    }

    def per_busy_hour(s: float) -> tuple[np.ndarray, float]:
        rec = simulate(build(merge(fixed, slowdown(s))), 0)
        answered = np.asarray(rec.outcome) == ANSWERED
        start = (np.asarray(rec.arrival) + np.asarray(rec.wait))[answered]
        end = start + np.asarray(rec.handle)[answered]
        agent = np.asarray(rec.agent)[answered]
        rates = np.array(
            [
                (agent == a).sum() / busy_time(start[agent == a], end[agent == a]) * 3600
                for a in np.unique(agent)
            ]
        )
        return rates, float(np.mean(np.asarray(rec.handle)[answered]))

    rates, aht = per_busy_hour(1.0)
    assert rates == pytest.approx(6.0, rel=1e-9)
    assert aht > 700  # chats held together take longer than their work
    rates0, aht0 = per_busy_hour(0.0)
    assert aht0 == 600.0
    assert rates0.mean() > 7.0  # the agents were holding two chats much of the time


def test_a_blended_center_keeps_its_invariants_and_slots():
    """The journeys golden scenario (phone, chat x2, e-mail, repeats, third parties) with s = 2:
    every replication keeps spec A3's counts, an agent never holds more than 2 chats nor a call
    beside a chat, and its busy share never exceeds one agent."""
    data = load_scenario(GOLDEN / "journeys.yaml").to_yaml_dict()
    sc = build(slowdown(2.0), base=data)
    for r in range(2):
        rec = simulate(sc, r)
        assert conservation_errors(replication_kpis(rec, sc)) == []
        answered = np.asarray(rec.outcome) == ANSWERED
        start = (np.asarray(rec.arrival) + np.asarray(rec.wait))[answered]
        end = start + np.asarray(rec.handle)[answered]
        chat = np.asarray(rec.channel)[answered] == CHAT
        agent = np.asarray(rec.agent)[answered]
        for a in np.unique(agent):
            mine = agent == a
            steps = sorted(
                [(t, 1, c) for t, c in zip(start[mine], chat[mine], strict=True)]
                + [(t, -1, c) for t, c in zip(end[mine], chat[mine], strict=True)],
                key=lambda e: (e[0], e[1]),
            )
            chats = calls = 0
            for _, step, is_chat in steps:
                if is_chat:
                    chats += step
                else:
                    calls += step
                assert chats <= 2
                assert calls <= 1
                assert not (calls and chats)


@pytest.mark.parametrize("bad", [-0.1, 11, "much"])
def test_a_bad_slowdown_is_a_clear_error(bad):
    with pytest.raises(ScenarioError, match="concurrency_slowdown"):
        build(slowdown(bad))
