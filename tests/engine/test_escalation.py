"""Escalation to a second group (spec D4): a live transfer into another group's queue."""

from __future__ import annotations

import numpy as np
import pytest

from simulator.analytic import erlang_c
from simulator.engine.center import simulate
from simulator.engine.records import ABANDONED, ANSWERED, RESOLVED, as_array
from simulator.errors import ScenarioError
from simulator.results.breakdown import by_group
from simulator.results.kpis import conservation_errors, replication_kpis
from simulator.runs.replications import run
from tests.conftest import ERLANG_A_SPEC, t_tolerance
from tests.conftest import scenario as _scenario

BASE = {k: v for k, v in ERLANG_A_SPEC.items() if k != "agents"}


def scenario(changes):
    """A scenario from spec A1's Erlang A example, its agents replaced by ``changes``."""
    return _scenario(changes, base=BASE)


def _two_lines(
    *, per_hour, aht1, aht2, c1, c2, p, warm=False, patience=None, fcr=None, dist="exponential"
):
    def ht(mean):
        if dist == "deterministic":
            return {"dist": "deterministic", "value_s": mean}
        return {"dist": "exponential", "mean_s": mean}

    escalation = {"to": "second_line", "probability": p, "handle_time": ht(aht2), "warm": warm}
    if fcr is not None:
        escalation["fcr"] = fcr
    return {
        "arrivals": {"per_hour": per_hour},
        "reasons": [
            {"name": "technical", "share": 1.0, "handle_time": ht(aht1), "escalation": escalation}
        ],
        "channels": {"phone": {"patience": patience}},
        "agents": {
            "groups": [
                {"name": "first_line", "skills": ["technical"], "headcount": c1},
                {"name": "second_line", "skills": [], "headcount": c2},
            ]
        },
    }


@pytest.mark.slow
def test_second_line_waits_as_erlang_c_for_the_escalated_stream():
    """A tandem of two Erlang C stages: the second line is M/M/c2 with rate lambda p.

    Poisson calls (lambda = 360/h = 0.1/s) into 16 first-line agents with exponential handling
    (120 s, load 12): by Burke's theorem an M/M/c's departures are Poisson, and escalating each
    with probability p = 0.3, independently, thins them to a Poisson stream of 0.03/s. The second
    line (9 agents, exponential 240 s, load 7.2, nobody abandons, cold transfers) is then an M/M/9:
    Erlang C gives its mean wait W2 = C(9, 7.2) / (9/240 - 0.03) (57.6 s), and the first
    line's W1 = C(16, 12) / (16/120 - 0.1) (6.1 s). The mean over replications must lie within
    t(0.9995, n-1) standard errors of both (a 99.9% band, as in test_model_vs_analytic).
    """
    reps = 8
    changes = _two_lines(per_hour=360, aht1=120, aht2=240, c1=16, c2=9, p=0.3)
    changes |= {"replications": reps, "horizon": {"days": 3, "warmup_minutes": 120}}
    per_rep = run(scenario(changes), workers=1).summary
    w2 = erlang_c(0.03, 240.0, 9, 20.0).asa_s
    w1 = erlang_c(0.1, 120.0, 16, 20.0).asa_s
    for key, expected in (("escalation_asa_s", w2), ("asa_s", w1)):
        values = per_rep[key].to_numpy()
        se = values.std(ddof=1) / np.sqrt(reps)
        assert abs(values.mean() - expected) <= t_tolerance(se, reps), (key, values, expected)
    esc = per_rep["escalations"].to_numpy() / per_rep["answered"].to_numpy()
    assert abs(esc.mean() - 0.3) < 0.01  # the share escalated: 0.3 of the answered calls
    assert (per_rep["escalation_abandoned"] == 0).all()


def test_warm_keeps_the_first_agent_until_the_second_answers():
    """Warm against cold, by hand, with deterministic handling.

    40 first-line agents for 60 calls an hour of 100 s (load 1.7, and a few more while they
    hold): the first line never queues, so both runs see the same arrivals, the same
    escalation draws (p = 0.25) and a second line (one agent, 200 s a call, load 0.83) fed at
    the same moments: every leg waits exactly as long warm as cold. Cold, a first leg's handle
    time is its 100 s; warm, it is 100 s plus the wait of its leg (the first agent stays with
    the caller until the second answers), so the first line's busy time grows by the sum of
    those waits. The legs' own handle time is 200 s.
    """
    common = {"horizon": {"days": 1, "warmup_minutes": 0}}
    base = _two_lines(per_hour=60, aht1=100, aht2=200, c1=40, c2=1, p=0.25, dist="deterministic")
    cold = simulate(scenario(base | common), 0)
    warm_changes = _two_lines(
        per_hour=60, aht1=100, aht2=200, c1=40, c2=1, p=0.25, warm=True, dist="deterministic"
    )
    warm = simulate(scenario(warm_changes | common), 0)
    assert np.array_equal(as_array(cold.leg_contact), as_array(warm.leg_contact))
    assert len(cold.leg_contact) > 250
    assert np.array_equal(as_array(cold.leg_wait), as_array(warm.leg_wait))
    assert as_array(cold.leg_wait).max() > 500  # the second line queues
    legs = as_array(warm.leg_contact)
    assert np.allclose(as_array(cold.handle), 100.0)
    expected = np.full(len(warm.handle), 100.0)
    expected[legs] += as_array(warm.leg_wait)
    assert np.allclose(as_array(warm.handle), expected)
    answered = as_array(cold.leg_outcome) == ANSWERED
    assert answered.all()
    assert np.allclose(as_array(cold.leg_handle)[answered], 200.0)


def test_conservation_and_by_group_count_the_legs():
    """Spec A3 holds with escalated legs; by_group counts each leg for the group answering it.

    With patience on both lines, redials and an FCR below 1, leg 1 keeps A3's contact
    invariant (offered = answered + abandoned + in system: legs are not contacts) and every
    issue ends resolved, given up or open. The first line answers every answered call (its
    by_group ``answered`` is the run's ``answered``); the second line answers exactly the
    answered legs; a group's FCR credits the leg after which the issue was resolved, so the
    second line's resolved legs are the legs marked resolved.
    """
    changes = _two_lines(
        per_hour=300,
        aht1=240,
        aht2=600,
        c1=22,
        c2=6,
        p=0.2,
        patience={"dist": "exponential", "mean_s": 180},
        fcr=0.8,
    )
    changes["channels"]["phone"]["redial"] = {
        "probability": 0.5,
        "delay": {"dist": "exponential", "mean_s": 300},
    }
    changes["reasons"][0]["fcr"] = 0.7
    changes["reasons"][0]["repeat"] = {"delay": {"dist": "exponential", "mean_h": 2}}
    changes["horizon"] = {"days": 1, "warmup_minutes": 60}
    sc = scenario(changes)
    rec = simulate(sc, 0)
    kpis = replication_kpis(rec, sc)
    assert conservation_errors(kpis) == []
    outcome = as_array(rec.leg_outcome)
    counted = as_array(rec.arrival)[as_array(rec.leg_contact)] >= 3600.0
    assert kpis["escalations"] == counted.sum() > 100
    assert kpis["escalation_abandoned"] == (counted & (outcome == ABANDONED)).sum() > 0
    groups = by_group(rec, sc)
    assert groups["first_line"]["answered"] == kpis["answered"]
    assert groups["second_line"]["answered"] == (counted & (outcome == ANSWERED)).sum()
    resolved_legs = as_array(rec.leg_resolved).view(bool) & counted
    assert groups["second_line"]["fcr"] * groups["second_line"]["answered"] == pytest.approx(
        resolved_legs.sum()
    )
    # a resolved leg's issue is resolved; an abandoned leg never resolves it by itself
    issue = as_array(rec.issue)[as_array(rec.leg_contact)]
    assert (as_array(rec.issue_outcome)[issue[resolved_legs]] == RESOLVED).all()
    assert not (as_array(rec.leg_resolved).view(bool) & (outcome == ABANDONED)).any()


def test_without_escalation_there_are_no_legs():
    """A scenario without escalation has no legs: 0 escalations, no second-queue wait.

    (tests/engine/test_golden.py checks that its numbers are unchanged.)
    """
    sc = _scenario({"horizon": {"days": 1, "warmup_minutes": 0}})
    kpis = replication_kpis(simulate(sc, 0), sc)
    assert kpis["escalations"] == kpis["escalation_abandoned"] == 0
    assert np.isnan(kpis["escalation_asa_s"])


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda c: c["reasons"][0]["escalation"].update(to="nobody"), "unknown agent group"),
        (
            lambda c: c["agents"]["groups"].append({"name": "idle", "skills": [], "headcount": 1}),
            "a group without skills takes nothing",
        ),
        (lambda c: c["reasons"][0]["escalation"].update(probability=1.5), "probability"),
    ],
)
def test_bad_escalations_are_clear_errors(edit, message):
    changes = _two_lines(per_hour=60, aht1=100, aht2=300, c1=4, c2=1, p=0.5)
    edit(changes)
    with pytest.raises(ScenarioError, match=message):
        scenario(changes)


def _overflow(after_s, **extra):
    return {
        "reasons": [
            {
                "name": "technical",
                "share": 1.0,
                "handle_time": {"dist": "exponential", "mean_s": 300},
                "overflow": {"to": "backup", "after_s": after_s},
            }
        ],
        "channels": {"phone": {"patience": None}},
        "arrivals": {"per_hour": 20},
        "horizon": {"days": 1, "warmup_minutes": 0},
        "agents": {
            "groups": [
                {"name": "first_line", "skills": ["technical"], "headcount": 1},
                {"name": "backup", "skills": [], "headcount": 1},
            ]
        },
        **extra,
    }


def test_overflow_at_once_is_a_pool_of_two():
    """Overflow after 0 s to an otherwise idle group of one: exactly a single pool of two.

    A call finding its own agent busy is taken at once by the backup agent if idle; a freed
    agent of either group takes the head of the queue (its wait is past 0 s). So every call
    starts as soon as either of two agents is free, first come first served: the waits of an
    M/M/2 with the same arrivals and handle times (the same draws), call by call.
    """
    pooled_changes = _overflow(0)
    pooled_changes["agents"] = {"headcount": 2}
    del pooled_changes["reasons"][0]["overflow"]
    pooled = simulate(scenario(pooled_changes), 0)
    overflow = simulate(scenario(_overflow(0)), 0)
    assert np.allclose(as_array(overflow.wait), as_array(pooled.wait))
    assert (as_array(overflow.wait) > 0).sum() > 20


def test_overflow_takes_only_calls_that_waited_long_enough_and_counts_the_whole_wait():
    """Overflow after 120 s: the backup agent answers only calls that have waited 120 s or more.

    Its by_group ``asa_s`` is the mean of those calls' whole waits (from arrival: an overflow
    starts no new wait), so it is at least 120 s; the first line's calls wait any time.
    """
    sc = scenario(_overflow(120))
    rec = simulate(sc, 0)
    group = np.asarray(rec.agent_group)[as_array(rec.agent)]
    answered = as_array(rec.outcome) == ANSWERED
    backup = answered & (group == 1)
    assert backup.sum() > 10
    assert (as_array(rec.wait)[backup] >= 120.0 - 1e-9).all()
    groups = by_group(rec, sc)
    assert groups["backup"]["asa_s"] == pytest.approx(as_array(rec.wait)[backup].mean())
    assert groups["backup"]["answered"] + groups["first_line"]["answered"] == answered.sum()


def test_handled_minutes_of_the_second_legs_are_paid():
    """``costs.contact_minute`` pays every handled minute, the second legs' too.

    At EUR 1 a minute and nothing else, cost_handling = (handle time of the answered calls +
    handle time of the answered legs, both of calls that arrived after the warm-up) / 60.
    """
    changes = _two_lines(per_hour=300, aht1=240, aht2=600, c1=22, c2=6, p=0.2)
    changes |= {"costs": {"agent_hour": 0.0, "contact_minute": 1.0}}
    sc = scenario(changes)
    rec = simulate(sc, 0)
    kpis = replication_kpis(rec, sc)
    arrival = as_array(rec.arrival)
    calls = (as_array(rec.outcome) == ANSWERED) & (arrival >= 3600.0)
    legs = (as_array(rec.leg_outcome) == ANSWERED) & (arrival[as_array(rec.leg_contact)] >= 3600.0)
    minutes = (as_array(rec.handle)[calls].sum() + as_array(rec.leg_handle)[legs].sum()) / 60
    assert legs.sum() > 100
    assert kpis["cost_handling"] == pytest.approx(minutes)
