"""Priorities between reasons (spec D3): ``reasons[].priority`` and ``priority_head_start_s``.

The queueing result is Cobham's M/M/c with non-pre-emptive priorities; the rule itself is checked
contact by contact from the records (every contact taken from a queue was the first by priority
and arrival less head start of those waiting that its agent could take), and by hand on
hand-made queue heads.
"""

from __future__ import annotations

from collections import deque

import numpy as np
import pytest

from simulator.analytic import erlang_c
from simulator.engine.center import ContactCenter, simulate
from simulator.engine.records import ANSWERED, WAITING, Records, as_array
from simulator.engine.routing import Routing
from simulator.results.kpis import replication_kpis
from tests.conftest import scenario, t_tolerance

EXP300 = {"dist": "exponential", "mean_s": 300}


def _three_classes(**changes):
    """10 agents, 96 calls/h of 300 s (8 Erlang), shares 0.2 / 0.3 / 0.5, priorities 2 / 1 / 0."""
    base = {
        "replications": 8,
        "horizon": {"days": 4, "warmup_minutes": 120},
        "arrivals": {"per_hour": 96},
        "reasons": [
            {"name": "urgent", "share": 0.2, "priority": 2, "handle_time": EXP300},
            {"name": "normal", "share": 0.3, "priority": 1, "handle_time": EXP300},
            {"name": "low", "share": 0.5, "handle_time": EXP300},
        ],
        "channels": {"phone": {"patience": None}},
        "agents": {"headcount": 10},
    }
    base.update(changes)
    return scenario(base)


def test_cobham_mmc_non_preemptive_priority_waits():
    """Mean wait per class against Cobham's formula for M/M/c with non-pre-emptive priorities.

    Derivation. All classes share one exponential handle time (mean 1/mu = 300 s), so the number
    of busy agents is that of M/M/c whatever the order: an arrival finds all c agents busy with
    the Erlang C probability C(c, a), a = lambda / mu = 96/h x 300 s = 8 Erlang (PASTA). It then
    waits, before anything of its own class or higher can start, for the first of c busy agents
    to finish: Exp(c mu), mean 1 / (c mu). So the mean residual W0 = C(c, a) / (c mu) =
    ``erlang_c(...).p_wait`` x 300 / 10. A class-k arrival also waits for the work of higher and
    equal classes already queued (Little: lambda_i W_i of them, each 1/(c mu) of agent capacity)
    and of higher classes arriving during its wait (lambda_i W_k / (c mu)); with
    s_k = sum_{i <= k} lambda_i / (c mu) this solves to W_k = W0 / ((1 - s_{k-1}) (1 - s_k)).
    Here s = 0.16, 0.40, 0.80 and W0 = 30 C(10, 8) s ~ 12.3 s: W ~ 14.6, 24.4 and 102 s. (Check:
    the share-weighted mean is Erlang C's ASA, C / (c mu - lambda).)

    Tolerance: per replication the mean wait of the class's answered calls; the mean of 8
    replications must lie within t(0.9995, 7) standard errors (99.9%).
    """
    sc = _three_classes()
    rate, aht, c = 96 / 3600, 300.0, 10
    w0 = erlang_c(rate, aht, c, 20.0).p_wait * aht / c
    shares = [0.2, 0.3, 0.5]
    s = np.cumsum([rate * x * aht / c for x in shares])
    expected = [w0 / ((1 - (s[k - 1] if k else 0.0)) * (1 - s[k])) for k in range(3)]
    assert sum(x * w for x, w in zip(shares, expected, strict=True)) == pytest.approx(
        erlang_c(rate, aht, c, 20.0).asa_s
    )
    waits = np.empty((sc.replications, 3))
    for r in range(sc.replications):
        rec = simulate(sc, r)
        reason = as_array(rec.issue_reason)[as_array(rec.issue)]
        counted = (as_array(rec.arrival) >= sc.horizon.warmup_s) & (
            as_array(rec.outcome) == ANSWERED
        )
        wait = as_array(rec.wait)
        waits[r] = [wait[counted & (reason == k)].mean() for k in range(3)]
    for k, name in enumerate(("urgent", "normal", "low")):
        x = waits[:, k]
        tol = t_tolerance(x.std(ddof=1) / np.sqrt(len(x)), len(x))
        assert abs(x.mean() - expected[k]) <= tol, (
            f"{name}: simulated {x.mean():.2f} s, Cobham {expected[k]:.2f} s (tolerance {tol:.2f})"
        )
    # the classes are far apart: the order is not noise
    assert waits[:, 0].mean() < waits[:, 1].mean() < waits[:, 2].mean()


def _waiting_at(rec: Records, t: float, end: np.ndarray) -> np.ndarray:
    """Contacts waiting at ``t`` (arrived before it, left the queue after it)."""
    return np.flatnonzero((as_array(rec.arrival) < t) & (end > t))


def _check_every_pick(sc, rec: Records) -> int:
    """Every contact an agent took from a queue was, of the contacts then waiting that the
    agent's group takes, the first by (higher priority, earlier arrival - head start).

    Returns the number of picks checked where another contact was waiting."""
    arrival, wait, outcome = as_array(rec.arrival), as_array(rec.wait), as_array(rec.outcome)
    end = np.where(outcome == WAITING, np.inf, arrival + wait)
    reason = as_array(rec.issue_reason)[as_array(rec.issue)]
    prio = np.array([r.priority for r in sc.reasons])[reason]
    key = arrival - np.array([r.priority_head_start_s for r in sc.reasons])[reason]
    names = [r.name for r in sc.reasons]
    pools = sc.agents.pools(sc.channels.names)
    skills = [
        set(range(len(names))) if p.skills is None else {names.index(s) for s in p.skills}
        for p in pools
    ]
    group = np.array(rec.agent_group)
    checked = 0
    for cid in np.flatnonzero((outcome == ANSWERED) & (wait > 0)):
        t = arrival[cid] + wait[cid]
        rivals = _waiting_at(rec, t, end)
        rivals = rivals[np.isin(reason[rivals], list(skills[group[rec.agent[cid]]]))]
        rivals = rivals[rivals != cid]
        if len(rivals) == 0:
            continue
        checked += 1
        better = (prio[rivals] > prio[cid]) | (
            (prio[rivals] == prio[cid]) & (key[rivals] < key[cid])
        )
        assert not better.any(), f"contact {cid} taken at {t} before {rivals[better][:3]}"
    return checked


CHANNEL_CASES = {
    "phone": {},
    "chat": {"chat": {"concurrency": 2, "patience": {"dist": "exponential", "mean_s": 240}}},
    "email": {"email": {}},
}


@pytest.mark.parametrize("channel", list(CHANNEL_CASES))
def test_every_pick_follows_priority_then_head_start_with_skills_and_abandonment(channel):
    """Contact by contact: non-pre-emptive priority, FCFS less head start within a priority, per
    agent group (skills), with abandonment (phone, chat) or a backlog (e-mail), chats two at a
    time. Two groups share the middle reason. All contacts of one channel, so every rival of a
    pick is on the channel the agent took it from."""
    rate = {"phone": 160, "chat": 320, "email": 160}[channel]
    sc = scenario(
        {
            "replications": 1,
            "horizon": {"days": 1, "warmup_minutes": 0},
            "arrivals": {"per_hour": rate, "channel_mix": {channel: 1.0}},
            "channels": CHANNEL_CASES[channel],
            "reasons": [
                {"name": "a", "share": 0.3, "priority": 1, "handle_time": EXP300},
                {
                    "name": "b",
                    "share": 0.4,
                    "priority_head_start_s": 90,
                    "handle_time": EXP300,
                },
                {"name": "c", "share": 0.3, "handle_time": EXP300},
            ],
            "agents": {
                "headcount": None,
                "groups": [
                    {"name": "ab", "skills": ["a", "b"], "channels": [channel], "headcount": 6},
                    {"name": "bc", "skills": ["b", "c"], "channels": [channel], "headcount": 6},
                ],
            },
        }
    )
    rec = simulate(sc, 0)
    assert _check_every_pick(sc, rec) > 500  # the rule was tested on a real queue


def test_first_by_priority_by_hand():
    """Queue heads made by hand: reason 0 (priority 0, head start 60 s), reason 1 (priority 0),
    reason 2 (priority 1).

    - 0's head arrived at 100 s (as if at 40 s), 1's at 50 s: 0 goes first (40 < 50);
    - 0's head arrived at 120 s (as if at 60 s): 1 goes first (50 < 60);
    - a reason-2 call that arrived last (500 s) goes before both: priority beats any wait.
    - ties keep the earlier queue (as FCFS does).
    """
    sc = scenario(
        {
            "reasons": [
                {"name": "r0", "share": 0.4, "priority_head_start_s": 60, "handle_time": EXP300},
                {"name": "r1", "share": 0.4, "handle_time": EXP300},
                {"name": "r2", "share": 0.2, "priority": 1, "handle_time": EXP300},
            ]
        }
    )
    rec = Records(replication=0)
    routing = Routing(sc, rec)
    assert routing.oldest_queue == routing.first_by_priority  # bound once: priorities differ

    def heads(*arrivals: float | None) -> list[int]:
        for q in range(3):
            routing.queues[q] = deque()
            routing.qwait[q] = 0
        for q, t in enumerate(arrivals):
            if t is not None:
                rec.arrival.append(t)
                rec.outcome.append(WAITING)
                routing.queues[q].append(len(rec.arrival) - 1)
                routing.qwait[q] = 1
        return [0, 1, 2]

    assert routing.oldest_queue(heads(100.0, 50.0, None)) == 0
    assert routing.oldest_queue(heads(120.0, 50.0, None)) == 1
    assert routing.oldest_queue(heads(100.0, 50.0, 500.0)) == 2
    assert routing.oldest_queue(heads(110.0, 50.0, None)) == 0  # 50 = 50: the earlier queue
    assert routing.oldest_queue(heads(None, None, None)) == -1


def test_equal_priorities_keep_plain_fcfs_and_the_same_numbers():
    """All reasons at one priority (not 0) and no head start: the plain FCFS pick is kept (not
    even bound differently), so the numbers are those without the keys. A head start that every
    reason shares shifts every key alike: the priority pick then gives FCFS's numbers too."""
    reasons = [
        {"name": "a", "share": 0.5, "handle_time": EXP300},
        {"name": "b", "share": 0.5, "handle_time": {"dist": "exponential", "mean_s": 200}},
    ]
    plain = scenario({"replications": 1, "reasons": reasons, "agents": {"headcount": 70}})
    same = scenario(
        {
            "replications": 1,
            "reasons": [r | {"priority": 3} for r in reasons],
            "agents": {"headcount": 70},
        }
    )
    shifted = scenario(
        {
            "replications": 1,
            "reasons": [r | {"priority_head_start_s": 30} for r in reasons],
            "agents": {"headcount": 70},
        }
    )
    center = ContactCenter(same, 0)
    assert center.routing.oldest_queue.__func__ is Routing.oldest_queue
    assert ContactCenter(shifted, 0).routing.oldest_queue.__func__ is Routing.first_by_priority
    base = replication_kpis(simulate(plain, 0), plain)
    assert base["asa_s"] > 1.0  # a real queue
    for other in (same, shifted):
        kpis = replication_kpis(simulate(other, 0), other)
        assert kpis == pytest.approx(base, rel=0, abs=0, nan_ok=True)
