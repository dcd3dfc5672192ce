"""Agents as people (spec D10): proficiency per group and reason, learners and hires.

Handle times are deterministic where a number is exact; FCR effects are checked against the
geometric journey (each answered contact resolves with probability f, an unresolved customer
contacts again with probability p), within t(0.9995, n-1) standard errors of n replications.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from simulator.engine.center import ContactCenter
from simulator.engine.people import gap_left, with_hires
from simulator.errors import ScenarioError
from simulator.results.kpis import conservation_errors, replication_kpis
from simulator.runs.replications import run
from simulator.scenario.loading import load_scenario_dict
from tests.conftest import merge, t_tolerance

TALK, WRAP = 300.0, 30.0


def reason(name: str, share: float, **more: Any) -> dict[str, Any]:
    return {
        "name": name,
        "share": share,
        "handle_time": {"dist": "deterministic", "value_s": TALK},
        "wrap_up_s": WRAP,
        **more,
    }


BASE: dict[str, Any] = {
    "name": "people",
    "seed": 3,
    "replications": 3,
    "horizon": {"days": 1, "warmup_minutes": 60, "interval_minutes": 60},
    "arrivals": {"per_hour": 200},
    "reasons": [reason("general", 1.0)],
    "channels": {"phone": {"patience": None}},
    "agents": {"headcount": 40},
}


def build(changes: dict[str, Any]) -> Any:
    return load_scenario_dict(merge(BASE, changes), source="<test>")


def test_a_handle_time_factor_scales_aht_exactly():
    """Talk 300 s + wrap-up 30 s, deterministic: AHT 330 s; with ``handle_time_factor: 1.2``
    every answered contact takes 1.2 x 330 = 396 s (wrap-up included), in every replication."""
    plain = run(build({}), workers=1)
    faster = run(build({"agents": {"proficiency": {"handle_time_factor": 1.2}}}), workers=1)
    assert plain.kpis["aht_s"] == pytest.approx(TALK + WRAP)
    assert faster.kpis["aht_s"] == pytest.approx(1.2 * (TALK + WRAP))
    assert faster.ci95["aht_s"] == pytest.approx(0.0, abs=1e-9)


def test_a_factor_of_one_and_no_shift_leave_every_number_unchanged():
    """Proficiency 1 and 0 (stated, the defaults) binds nothing: the same numbers exactly."""
    plain = run(build({}), workers=1)
    stated = run(
        build({"agents": {"proficiency": {"handle_time_factor": 1.0, "fcr_plus": 0.0}}}),
        workers=1,
    )
    assert stated.kpis == plain.kpis


def test_groups_and_reasons_have_their_own_factor_and_by_group_shows_it():
    """Two groups, each with its own reason (so who answers what is fixed): ``seniors`` take
    ``billing`` at factor 1.5, but 2.0 for billing by_reason; ``juniors`` take ``general`` at 1.1.
    AHT per group: 2.0 x 330 = 660 s and 1.1 x 330 = 363 s; the run's AHT is their mix
    weighted by answered legs."""
    sc = build(
        {
            "reasons": [reason("billing", 0.4), reason("general", 0.6)],
            "agents": {
                "headcount": None,
                "groups": [
                    {
                        "name": "seniors",
                        "skills": ["billing"],
                        "headcount": 30,
                        "proficiency": {
                            "handle_time_factor": 1.5,
                            "by_reason": {"billing": {"handle_time_factor": 2.0}},
                        },
                    },
                    {
                        "name": "juniors",
                        "skills": ["general"],
                        "headcount": 30,
                        "proficiency": {"handle_time_factor": 1.1},
                    },
                ],
            },
        }
    )
    result = run(sc, workers=1)
    groups = result.to_json()["by_group"]
    assert groups["seniors"]["aht_s"] == pytest.approx(2.0 * (TALK + WRAP))
    assert groups["juniors"]["aht_s"] == pytest.approx(1.1 * (TALK + WRAP))
    reasons = result.to_json()["by_reason"]
    assert reasons["billing"]["aht_s"] == pytest.approx(660.0)
    assert reasons["general"]["aht_s"] == pytest.approx(363.0)


def _journeys(fcr: float, plus: float, reps: int = 6, p: float = 0.5) -> Any:
    return build(
        {
            "replications": reps,
            "reasons": [
                reason(
                    "general",
                    1.0,
                    fcr=fcr,
                    repeat={"probability": p, "delay": {"dist": "deterministic", "value_s": 60}},
                )
            ],
            "agents": {"proficiency": {"fcr_plus": plus}},
        }
    )


@pytest.mark.parametrize(("fcr", "plus"), [(0.5, 0.0), (0.5, 0.3), (0.9, -0.3), (0.8, 0.5)])
def test_fcr_plus_moves_contacts_per_issue_as_the_geometric_journey_predicts(fcr, plus):
    """Every answered contact resolves with f = clip(fcr + fcr_plus, 0, 1) (later ones too: no
    ``repeat.fcr``); an unresolved customer contacts again with p = 0.5 (after 60 s; nobody
    abandons, 40 agents for 200 x 330 s / h = 18.3 Erlang). So the number of contacts of an
    issue is geometric: P(N > k) = ((1 - f) p)^k and E[N] = 1 / (1 - (1 - f) p):
    f = 0.5: 1.3333; f = 0.8: 1.1111; f = 0.6: 1.25; f = 1 (0.8 + 0.5 clipped): exactly 1.
    The issues' FCR is f itself. Tolerance: t(0.9995, n-1) x the replications' standard error
    (repeats of the last minute fall after the horizon: a bias of order 1/1440, far inside)."""
    f = min(1.0, max(0.0, fcr + plus))
    expected = 1.0 / (1.0 - (1.0 - f) * 0.5)
    sc = _journeys(fcr, plus)
    values = {"contacts_per_issue": [], "fcr": []}
    for r in range(sc.replications):
        rec = ContactCenter(sc, r).run()
        k = replication_kpis(rec, sc)
        assert not conservation_errors(k)
        for key in values:
            values[key].append(k[key])
    for key, target in (("contacts_per_issue", expected), ("fcr", f)):
        x = np.asarray(values[key])
        se = x.std(ddof=1) / np.sqrt(len(x))
        assert abs(x.mean() - target) <= max(t_tolerance(se, len(x)), 1e-12), (key, x, target)


def test_the_same_customers_answered_by_a_better_team_is_a_paired_comparison():
    """fcr_plus changes only how the customers' draws are used. Without repeats (p = 0) the
    contacts are the same in both runs, each with the same FCR draw u: the plain team resolves
    those with u < 0.5, the better one (+0.3) those with u < 0.8, a superset."""
    plain = ContactCenter(_journeys(0.5, 0.0, p=0.0), 0).run()
    better = ContactCenter(_journeys(0.5, 0.3, p=0.0), 0).run()
    assert list(plain.arrival) == list(better.arrival)
    first_plain = np.asarray(plain.issue_first_answer_resolved, dtype=bool)
    first_better = np.asarray(better.issue_first_answer_resolved, dtype=bool)
    assert first_better[first_plain].all()
    assert 0.75 < first_better.mean() < 0.85
    assert 0.45 < first_plain.mean() < 0.55


def test_consult_hold_is_not_scaled():
    """A consult contact: talk 300 s x 1.2 = 360 s, then a free person at once (hold 600 s,
    unscaled), then the wrap-up 30 s x 1.2 = 36 s: handle 996 s, hold 600 s."""
    sc = build(
        {
            "replications": 1,
            "reasons": [
                reason(
                    "general",
                    1.0,
                    third_party={
                        "party": "shop",
                        "probability": 1.0,
                        "mode": {"consult": 1.0, "callback": 0.0},
                        "consult_hold_s": 600,
                        "consult_max_wait_s": 900,
                    },
                )
            ],
            "third_parties": [
                {
                    "name": "shop",
                    "staff": 5,
                    "work_time": {"dist": "deterministic", "value_s": 60},
                    "callback_within_h": 24,
                }
            ],
            "agents": {"headcount": 10, "proficiency": {"handle_time_factor": 1.2}},
        }
    )
    center = ContactCenter(sc, 0)
    center._sources = [(0, iter([3600.0, 7200.0]))]
    rec = center.run()
    assert list(rec.hold) == [600.0, 600.0]
    assert list(rec.handle) == pytest.approx([996.0, 996.0])


def _learner(curve: str, factor: float = 1.25) -> Any:
    return build(
        {
            "replications": 1,
            "horizon": {"start": "2026-03-02", "days": 2, "warmup_minutes": 0},
            "reasons": [reason("general", 1.0, wrap_up_s=0.0)],
            "agents": {
                "headcount": 0,
                "proficiency": {"handle_time_factor": factor},
                "learning": {"hours": 1.0, "handle_time_factor": 2.0, "curve": curve},
                "hires": [{"date": "2026-03-02", "agents": 1}],
            },
        }
    )


@pytest.mark.parametrize("curve", ["linear", "exponential"])
def test_a_learners_handle_time_follows_the_stated_curve(curve):
    """One agent, hired on day one (headcount 0 + 1 hire), learning over 1 handled hour from
    twice the group's handle time; group factor 1.25, talk 300 s, no wrap-up; one call every
    half hour, so each finds the agent idle. Call k takes h_k = 300 x 1.25 x (1 + g(x_k)) with
    x_k = h_0 + ... + h_(k-1) the seconds handled before it and g the gap left: linear
    max(0, 1 - x / 3600), exponential exp(-3 x / 3600). Linear: h_0 = 750, x_1 = 750, h_1 =
    375 x (2 - 750/3600) = 671.875, ... until x >= 3600, then 375 s."""
    sc = _learner(curve)
    moments = [1800.0 * (k + 1) for k in range(40)]
    center = ContactCenter(sc, 0)
    center._sources = [(0, iter(moments))]
    rec = center.run()
    assert set(rec.agent) == {0}
    expected, x = [], 0.0
    for _ in moments:
        g = max(0.0, 1 - x / 3600) if curve == "linear" else float(np.exp(-3 * x / 3600))
        h = 300.0 * 1.25 * (1 + g)
        expected.append(h)
        x += h
    assert list(rec.handle) == pytest.approx(expected, rel=1e-12)
    assert expected[0] == 750.0
    if curve == "linear":
        assert expected[1] == pytest.approx(671.875)
        assert expected[-1] == 375.0
    assert gap_left(sc.agents.learning, 0.0) == 1.0


def test_hires_join_on_their_date_and_learners_resolve_less():
    """A pool of 5 (headcount) with 5 hires on day 2 of 3: agent hours 5 x 24 + 10 x 48 = 600.
    Learners start at fcr_plus -0.5 over 1000 hours (practically all the run), reason FCR 1: the
    learners' legs resolve less than 1 while the others' resolve all (issues resolved < 1)."""
    sc = build(
        {
            "replications": 1,
            "horizon": {"start": "2026-03-02", "days": 3, "warmup_minutes": 0},
            "arrivals": {"per_hour": 20},
            "agents": {
                "headcount": 5,
                "learning": {"hours": 1000, "fcr_plus": -0.5},
                "hires": [{"date": "2026-03-03", "agents": 5}],
            },
        }
    )
    rec = ContactCenter(sc, 0).run()
    k = replication_kpis(rec, sc)
    assert not conservation_errors(k)
    assert k["agent_hours"] == pytest.approx(600.0, abs=1.0)
    agent = np.asarray(rec.agent)
    day_one = np.asarray(rec.arrival) < 86400
    assert set(agent[day_one].tolist()) == set(range(5))
    assert set(agent[~day_one].tolist()) == set(range(10))
    assert 0.5 < k["fcr"] < 1.0


def test_with_hires_adds_agents_only_while_the_plan_has_some():
    starts = np.array([0.0, 8 * 3600.0, 18 * 3600.0, 32 * 3600.0])
    counts = np.array([0, 10, 0, 10])
    times, planned = with_hires(starts, counts, [(86400.0, 3)], always=False)
    assert times.tolist() == [0.0, 8 * 3600.0, 18 * 3600.0, 86400.0, 32 * 3600.0]
    assert planned.tolist() == [0, 10, 0, 0, 13]
    _, planned = with_hires(starts, counts, [(86400.0, 3)], always=True)
    assert planned.tolist() == [0, 10, 0, 3, 13]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"agents": {"proficiency": {"by_reason": {"billing": {}}}}}, "no such reason"),
        ({"agents": {"hires": [{"date": "2030-01-01", "agents": 1}]}}, "within the horizon"),
        ({"agents": {"proficiency": {"fcr_plus": 2}}}, "fcr_plus"),
        (
            {
                "agents": {
                    "headcount": None,
                    "groups": [{"name": "a", "headcount": 3}],
                    "learning": {"hours": 1},
                }
            },
            "in each group",
        ),
    ],
)
def test_bad_people_are_a_scenario_error(changes, message):
    with pytest.raises(ScenarioError, match=message):
        build(changes)


def _attrition(attrition: dict[str, Any], **more: Any) -> Any:
    return build(
        {
            "replications": 5,
            "horizon": {"days": 22, "warmup_minutes": 0},
            "arrivals": {"per_hour": 60},
            "agents": {"headcount": 20, "attrition": attrition, **more},
        }
    )


@pytest.mark.parametrize(
    ("attrition", "rate"),
    [
        ({"per_year": 0.0, "per_year_per_point": 5.0}, 0.0),
        ({"per_year": 2.0, "per_year_per_point": 0.0}, 2.0),
        ({"per_year": 0.0, "per_year_per_point": 2.5, "esat_from": 10.0}, 2.5 * (10 - 8.8)),
    ],
)
def test_attrition_follows_the_weekly_rate_of_the_esat(attrition, rate):
    """20 agents, 60 calls/h of 330 s: occupancy 0.275 (no penalty), short stretches, FCR 1 (no
    repeats), so every agent's weekly ESAT is the base, 8.8. The rate is then per_year +
    per_year_per_point x max(0, esat_from - 8.8): 0 (8.8 is above 8.5), 2.0, or 2.5 x 1.2 = 3.0
    a year. A 22-day horizon has checks at days 7, 14 and 21, each over the 20 agents (all
    answer calls every week, longest idle first), so leavers ~ Binomial(60, 1 - exp(-rate x
    7 / 365)) per replication: mean 0, 2.24 or 3.33. Tolerance: t(0.9995, 4) standard errors of
    5 replications (exactly 0 for rate 0)."""
    sc = _attrition(attrition)
    result = run(sc, workers=1)
    leavers = result.summary["leavers"].to_numpy()
    expected = 60 * (1 - np.exp(-rate * 7 / 365))
    if rate == 0:
        assert (leavers == 0).all()
        return
    se = leavers.std(ddof=1) / np.sqrt(len(leavers))
    assert abs(leavers.mean() - expected) <= t_tolerance(max(se, 0.5), len(leavers))
    assert result.kpis["esat"] == pytest.approx(8.8)


def test_a_leaver_is_replaced_by_a_learner():
    """With learning (start at twice the handle time over 100 handled hours), every agent who
    leaves is replaced at once by a new one: the next call that agent id answers after the
    leaving moment takes 330 x 2 = 660 s (gap 1 at 0 handled hours), while the group's own
    agents take 330 s."""
    sc = _attrition(
        {"per_year": 5.0},
        learning={"hours": 100, "handle_time_factor": 2.0, "fcr_plus": 0.0},
    )
    rec = ContactCenter(sc, 0).run()
    leavers = list(zip(rec.leaver_time, rec.leaver_agent, strict=True))
    assert leavers
    agent, arrival = np.asarray(rec.agent), np.asarray(rec.arrival)
    handle = np.asarray(rec.handle)
    start = arrival + np.asarray(rec.wait)
    for t, a in leavers:
        later = np.flatnonzero((agent == a) & (start >= t))
        assert handle[later[0]] == pytest.approx(660.0)
    never = ~np.isin(agent, [a for _, a in leavers]) & (agent >= 0)
    assert np.allclose(handle[never], 330.0)
