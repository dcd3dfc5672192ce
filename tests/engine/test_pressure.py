"""Behaviour under load: ``reasons[].under_pressure`` and ``patience_after_long_wait``."""

from __future__ import annotations

import numpy as np

from simulator.engine.center import ContactCenter, simulate
from simulator.engine.records import ABANDONED, ANSWERED, NEW, REDIAL, as_array
from simulator.results.kpis import replication_kpis
from tests.conftest import ERLANG_A_SPEC, scenario


def _reason(**extra):
    return {"name": "general", "share": 1.0, **extra}


def test_handle_time_is_scaled_exactly_while_the_pressure_is_on():
    """Deterministic 300 s calls, ``handle_time_factor: 0.8``, ``occupancy_above: 0``.

    Agents are busy from the first minutes, so the first interval (30 min) ends with an
    occupancy above 0 and the pressure is on from then: a call answered before 1800 s keeps its
    300 s, one answered after gets 240 s, and nothing else changes (the arrivals and the draws
    are the same: the first interval's numbers equal those without the feature).
    """
    pressed = {"occupancy_above": 0.0, "fcr_drop": 0.0, "handle_time_factor": 0.8}
    ht = {"dist": "deterministic", "value_s": 300}
    base = {"horizon": {"days": 1, "warmup_minutes": 0}}
    sc = scenario(base | {"reasons": [_reason(handle_time=ht, under_pressure=pressed)]})
    center = ContactCenter(sc, 0)
    rec = center.run()
    assert center.pressure.occupancy[0] > 0.5
    answered = as_array(rec.outcome) == ANSWERED
    start = (as_array(rec.arrival) + as_array(rec.wait))[answered]
    handle = as_array(rec.handle)[answered]
    assert (handle[start < 1800.0] == 300.0).all()
    assert (start < 1800.0).sum() > 100
    assert (handle[start > 1800.0] == 240.0).all()
    plain = simulate(scenario(base | {"reasons": [_reason(handle_time=ht)]}), 0)
    first = as_array(plain.arrival) < 1500.0
    assert np.array_equal(as_array(plain.arrival)[first], as_array(rec.arrival)[first])
    assert np.array_equal(as_array(plain.wait)[first], as_array(rec.wait)[first])


def test_fcr_drops_by_fcr_drop_under_pressure_and_not_below_the_threshold():
    """FCR 0.8 and ``fcr_drop: 0.3``: under pressure the first-contact resolution is 0.5.

    With ``occupancy_above: 0`` every interval after the first is under pressure, so every
    issue counted after a one-hour warm-up is resolved by its first answer with probability
    0.8 - 0.3 = 0.5: the KPI ``fcr`` is a binomial share of about 16,000 answered issues, within
    4 standard errors (sqrt(0.25 / n), about 0.004) of 0.5. Above the center's occupancy
    (``occupancy_above: 1``: an occupancy is never above 1) the pressure is never on and every
    number is the same as without the feature: the feature draws nothing.
    """
    ht = {"dist": "exponential", "mean_s": 300}

    def kpis(up):
        extra = {} if up is None else {"under_pressure": up}
        sc = scenario({"reasons": [_reason(handle_time=ht, fcr=0.8, **extra)]})
        return replication_kpis(simulate(sc, 0), sc)

    plain = kpis(None)
    pressed = kpis({"occupancy_above": 0.0, "fcr_drop": 0.3, "handle_time_factor": 1.0})
    n = pressed["issues"]
    assert abs(pressed["fcr"] - 0.5) < 4 * np.sqrt(0.25 / n)
    assert abs(plain["fcr"] - 0.8) < 4 * np.sqrt(0.16 / n)
    never = kpis({"occupancy_above": 1.0, "fcr_drop": 0.3, "handle_time_factor": 0.5})
    assert never == plain or all(
        never[k] == plain[k] or (np.isnan(never[k]) and np.isnan(plain[k])) for k in plain
    )


def test_patience_is_shortened_after_a_long_wait_in_the_issue():
    """Nobody on duty: every call abandons after its patience, so each wait is the patience.

    Deterministic patience 100 s, every caller redials (up to 3 calls) after 60 s, and
    ``patience_after_long_wait: {wait_above_s: 50, factor: 0.5}``: a first call waits 100 s
    (more than 50), so both redials of the issue wait 50 s. Without the rule every call waits
    100 s; the arrivals and redial moments of first calls are the same in both runs.
    """
    phone = {
        "patience": {"dist": "deterministic", "value_s": 100},
        "redial": {
            "probability": 1.0,
            "delay": {"dist": "deterministic", "value_s": 60},
            "max_attempts": 3,
        },
    }
    ht = {"dist": "exponential", "mean_s": 300}
    rule = {"wait_above_s": 50, "factor": 0.5}
    spec = ERLANG_A_SPEC | {"channels": {"phone": phone}}
    base = {"agents": {"headcount": 0}, "arrivals": {"per_hour": 60}}
    shorter = simulate(
        scenario(
            base | {"reasons": [_reason(handle_time=ht, patience_after_long_wait=rule)]}, spec
        ),
        0,
    )
    plain = simulate(scenario(base | {"reasons": [_reason(handle_time=ht)]}, spec), 0)
    for rec in (shorter, plain):  # (a call still waiting at the horizon stays waiting)
        assert (as_array(rec.outcome)[as_array(rec.arrival) < 86000] == ABANDONED).all()
    done = as_array(shorter.outcome) == ABANDONED
    kind = as_array(shorter.kind)
    wait = as_array(shorter.wait)
    assert np.allclose(wait[done & (kind == NEW)], 100.0)
    assert np.allclose(wait[done & (kind == REDIAL)], 50.0)
    assert (done & (kind == REDIAL)).sum() > 1000
    assert np.allclose(as_array(plain.wait)[as_array(plain.outcome) == ABANDONED], 100.0)


def test_pressure_lowers_the_fcr_of_the_agent_who_answers():
    """With agents' proficiency (spec D10) the drop applies to the agent's own FCR.

    FCR 0.6, agents ``fcr_plus: 0.2`` (0.8), pressure always on after the first interval with
    ``fcr_drop: 0.3``: an issue counted after the warm-up is resolved by its first answer with
    probability 0.8 - 0.3 = 0.5, within 4 binomial standard errors.
    """
    ht = {"dist": "exponential", "mean_s": 300}
    up = {"occupancy_above": 0.0, "fcr_drop": 0.3, "handle_time_factor": 1.0}
    sc = scenario(
        {
            "reasons": [_reason(handle_time=ht, fcr=0.6, under_pressure=up)],
            "agents": {"headcount": 90, "proficiency": {"fcr_plus": 0.2}},
        }
    )
    kpis = replication_kpis(simulate(sc, 0), sc)
    assert abs(kpis["fcr"] - 0.5) < 4 * np.sqrt(0.25 / kpis["issues"])


def test_pressure_shortens_the_second_legs_too():
    """Escalated legs of 200 s answered under pressure (factor 0.5) take 100 s."""
    ht = {"dist": "deterministic", "value_s": 200}
    up = {"occupancy_above": 0.0, "fcr_drop": 0.0, "handle_time_factor": 0.5}
    escalation = {"to": "second", "probability": 0.3, "handle_time": ht}
    reason = _reason(handle_time=ht, under_pressure=up, escalation=escalation)
    sc = scenario(
        {
            "reasons": [reason],
            "horizon": {"days": 1, "warmup_minutes": 0},
            "agents": {
                "headcount": None,
                "groups": [
                    {"name": "first", "skills": ["general"], "headcount": 70},
                    {"name": "second", "skills": [], "headcount": 30},
                ],
            },
        }
    )
    rec = simulate(sc, 0)
    answered = as_array(rec.leg_outcome) == ANSWERED
    start = (as_array(rec.leg_queued) + as_array(rec.leg_wait))[answered]
    handle = as_array(rec.leg_handle)[answered]
    assert (handle[start < 1800.0] == 200.0).all()
    assert (handle[start > 1800.0] == 100.0).all()
    assert (start > 1800.0).sum() > 1000
