"""Behaviour of the engine: arrivals, staffing, end of horizon, redial, streams, workers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from simulator.engine.center import simulate
from simulator.engine.records import ANSWERED
from simulator.results.kpis import conservation_errors, replication_kpis
from simulator.runs.replications import run
from tests.conftest import scenario


def test_one_hour_spike_gets_its_expected_volume():
    """A one-hour peak inside a quiet day: a true NHPP puts exactly its volume there."""
    rates = [12.0] * 48
    rates[20] = rates[21] = 900.0  # 10:00-11:00
    sc = scenario(
        {
            "replications": 20,
            "horizon": {"warmup_minutes": 0},
            "arrivals": {"per_hour": rates},
            "agents": {"headcount": 200},
        }
    )
    result = run(sc, workers=1)
    offered = result.intervals.pivot(index="replication", columns="interval", values="offered")
    n = len(offered)
    for interval, rate in [(20, 900.0), (21, 900.0), (19, 12.0), (22, 12.0), (3, 12.0)]:
        expected = rate / 2  # contacts in a 30-minute interval
        x = offered[interval].to_numpy()
        # Poisson counts: the standard error of the mean is sqrt(expected / n)
        assert abs(x.mean() - expected) <= 3.5 * np.sqrt(expected / n), (interval, x.mean())
    total = offered.sum(axis=1).to_numpy()
    assert abs(total.mean() - (46 * 6 + 900)) <= 3.5 * np.sqrt((46 * 6 + 900) / n)


def test_same_seed_same_numbers_and_workers_do_not_matter():
    sc = scenario({"replications": 3, "horizon": {"days": 1}})
    one = run(sc, workers=1)
    again = run(sc, workers=1)
    two = run(sc, workers=2)
    pd.testing.assert_frame_equal(one.summary, again.summary)
    pd.testing.assert_frame_equal(one.summary, two.summary)
    pd.testing.assert_frame_equal(one.contacts, two.contacts)
    pd.testing.assert_frame_equal(one.intervals, two.intervals)


def test_replication_does_not_depend_on_how_many_ran():
    sc = scenario()
    three = run(sc, replications=3, workers=1).summary
    five = run(sc, replications=5, workers=1).summary
    pd.testing.assert_frame_equal(three, five.iloc[:3])


def test_replications_and_seeds_give_different_customers():
    sc = scenario({"horizon": {"days": 1}})
    a = simulate(sc, 0)
    b = simulate(sc, 1)
    c = simulate(sc, 0, seed=8)
    assert a.arrival[:50] != b.arrival[:50]
    assert a.arrival[:50] != c.arrival[:50]
    assert a.handle[:50] != b.handle[:50]
    # independent streams: first handle times of two replications are uncorrelated
    n = min(len(a.handle), len(b.handle))
    r = np.corrcoef(a.handle[:n], b.handle[:n])[0, 1]
    assert abs(r) < 4 / np.sqrt(n)


def test_headcount_change_keeps_the_same_customers():
    """Common random numbers: arrivals and attributes of new contacts do not move with headcount."""
    a = simulate(scenario({"agents": {"headcount": 85}}), 0)
    b = simulate(scenario({"agents": {"headcount": 95}}), 0)
    assert a.arrival == b.arrival
    assert a.handle == b.handle


@pytest.mark.slow
def test_common_random_numbers_reduce_variance_of_a_difference():
    """Paired replications (same seed) measure a headcount effect with far less noise."""
    reps = 12
    base = scenario({"replications": reps, "agents": {"headcount": 88}})
    more = scenario({"replications": reps, "agents": {"headcount": 92}})
    a = run(base, workers=1).summary["asa_s"].to_numpy()
    paired = run(more, workers=1).summary["asa_s"].to_numpy()
    independent = run(more, seed=base.seed + 1000, workers=1).summary["asa_s"].to_numpy()
    var_paired = np.var(a - paired, ddof=1)
    var_independent = np.var(a - independent, ddof=1)
    assert (a - paired).mean() > 0  # more agents, shorter waits
    assert var_paired < var_independent / 4, (var_paired, var_independent)


def test_staffing_table_and_agents_finish_their_contact():
    """Agents on duty follow the per-interval table; leaving agents finish the contact in hand."""
    staffing = [0] * 16 + [20] * 20 + [5] * 12
    sc = scenario(
        {
            "replications": 2,
            "horizon": {"warmup_minutes": 0},
            "arrivals": {"per_hour": [0.0] * 16 + [200.0] * 32},
            "agents": {"headcount": None, "per_interval": staffing},
            "reasons": [
                {
                    "name": "x",
                    "share": 1.0,
                    "handle_time": {"dist": "deterministic", "value_s": 600},
                }
            ],
        }
    )
    rec = simulate(sc, 0)
    assert conservation_errors(replication_kpis(rec, sc)) == []
    result = run(sc, workers=1)
    iv = result.intervals[result.intervals["replication"] == 0].set_index("interval")
    # full intervals where the table holds exactly
    assert np.allclose(iv.loc[16:34, "agents_on_duty"], 20)
    assert np.allclose(iv.loc[37:46, "agents_on_duty"], 5)
    # at 18:00 (interval 36) 15 agents leave, but each finishes its 600 s contact first
    assert 5 < iv.loc[36, "agents_on_duty"] < 20
    contacts = result.contacts[result.contacts["replication"] == 0]
    started = contacts["arrival_s"] + contacts["wait_s"]
    assert (started[contacts["outcome"] == "answered"] >= 16 * 1800).all()
    assert iv["occupancy"].dropna().le(1.0 + 1e-9).all()


def test_end_of_horizon_agents_on_duty_empty_the_queue():
    """Spec A3: no new issues after the horizon, agents on duty answer everyone still waiting."""
    sc = scenario(
        {
            "replications": 1,
            "arrivals": {"per_hour": 1300},
            "channels": {"phone": {"patience": None}},
        }
    )
    rec = simulate(sc, 0)
    k = run(sc, workers=1).kpis
    assert k["in_system_at_end"] == 0
    assert k["answered"] == k["offered"]
    assert rec.end_time > sc.horizon.horizon_s
    assert max(rec.arrival) < sc.horizon.horizon_s


def test_end_of_horizon_without_agents_counts_waiting_contacts():
    sc = scenario(
        {
            "replications": 1,
            "horizon": {"warmup_minutes": 0},
            "channels": {"phone": {"patience": None}},
            "arrivals": {"per_hour": 100},
            "agents": {"headcount": None, "per_interval": [10] * 40 + [0] * 8},
        }
    )
    rec = simulate(sc, 0)
    k = run(sc, workers=1).kpis
    assert k["in_system_at_end"] > 0
    assert k["offered"] == k["answered"] + k["abandoned"] + k["in_system_at_end"]
    assert k["open_at_end"] == k["in_system_at_end"]
    assert rec.end_time == sc.horizon.horizon_s


def test_redial_after_abandonment_is_same_issue_and_exact_in_time():
    sc = scenario(
        {
            "replications": 1,
            "agents": {"headcount": 80},
            "channels": {
                "phone": {
                    "redial": {
                        "probability": 1.0,
                        "delay": {"dist": "deterministic", "value_min": 5},
                        "max_attempts": 2,
                    }
                }
            },
        }
    )
    result = run(sc, workers=1)
    c = result.contacts
    redials = c[c["kind"] == "redial"]
    assert len(redials) > 100
    firsts = c[c["kind"] == "new"].set_index("issue")
    # each redial is 5 minutes after its issue's abandoned first attempt
    first = firsts.loc[redials["issue"]]
    assert (first["outcome"] == "abandoned").all()
    gap = redials["arrival_s"].to_numpy() - (first["arrival_s"] + first["wait_s"]).to_numpy()
    assert np.allclose(gap, 300.0)
    # max_attempts 2: no issue has more than one redial
    assert redials["issue"].is_unique
    k = result.kpis
    assert k["redials"] > 0
    assert k["repeat_rate"] == 0.0  # redials are not repeats
    assert k["contacts_per_issue"] > 1.0


def test_handle_time_includes_wrap_up_and_consult_hold():
    """Deterministic talk time, so handle time is exact: talk + wrap-up, + the hold of a consult.

    A mean with a t tolerance could not see a 30 s wrap-up go missing; exact equality can. The
    back office has a person free for every consult (200 consults an hour of 90 s need about 5;
    it has 100, always open), so no consult waits or falls back.
    """
    talk, wrap_up, hold = 270.0, 30.0, 90.0
    plain = {"dist": "deterministic", "value_s": talk}
    sc = scenario(
        {
            "replications": 2,
            "arrivals": {"per_hour": 400},
            "reasons": [
                {"name": "x", "share": 0.5, "wrap_up_s": wrap_up, "handle_time": plain},
                {
                    "name": "y",
                    "share": 0.5,
                    "wrap_up_s": wrap_up,
                    "handle_time": plain,
                    "third_party": {
                        "party": "backoffice",
                        "probability": 1.0,
                        "mode": {"consult": 1.0, "callback": 0.0},
                        "consult_hold_s": hold,
                    },
                },
            ],
            "third_parties": [
                {
                    "name": "backoffice",
                    "staff": 100,
                    "work_time": plain,
                    "callback_within_h": 1,
                    "on_time_probability": 1.0,
                }
            ],
        }
    )
    result = run(sc, workers=1)
    answered = result.contacts[result.contacts["outcome"] == "answered"]
    x = answered[answered["reason"] == "x"]
    y = answered[answered["reason"] == "y"]
    assert len(x) > 100
    assert len(y) > 100
    assert (x["handle_s"] == talk + wrap_up).all()
    assert (x["hold_s"] == 0).all()
    assert (y["hold_s"] == hold).all()
    assert (y["handle_s"] == talk + hold + wrap_up).all()
    # aht_s averages the same handle times over the counted (post-warm-up) answered contacts
    counted = answered[answered["arrival_s"] >= sc.horizon.warmup_s]
    expected = counted.groupby("replication")["handle_s"].mean().to_numpy()
    assert (result.summary["aht_s"].to_numpy() == expected).all()
    assert ((expected > talk + wrap_up) & (expected < talk + hold + wrap_up)).all()


def test_reason_shares_and_per_reason_handle_times():
    sc = scenario(
        {
            "replications": 1,
            "agents": {"headcount": 150},
            "reasons": [
                {
                    "name": "a",
                    "share": 0.25,
                    "handle_time": {"dist": "deterministic", "value_s": 100},
                },
                {
                    "name": "b",
                    "share": 0.75,
                    "handle_time": {"dist": "deterministic", "value_s": 400},
                },
            ],
        }
    )
    c = run(sc, workers=1).contacts
    answered = c[c["outcome"] == "answered"]
    share_a = (c["reason"] == "a").mean()
    assert abs(share_a - 0.25) < 4 * np.sqrt(0.25 * 0.75 / len(c))
    assert (answered.loc[answered["reason"] == "a", "handle_s"] == 100).all()
    assert (answered.loc[answered["reason"] == "b", "handle_s"] == 400).all()


def test_longest_idle_agent_answers():
    """With few calls and many agents, consecutive answered contacts rotate over all agents."""
    sc = scenario(
        {
            "replications": 1,
            "horizon": {"warmup_minutes": 0},
            "arrivals": {"per_hour": 10},
            "agents": {"headcount": 5},
            "channels": {"phone": {"patience": None}},
            "reasons": [
                {"name": "x", "share": 1.0, "handle_time": {"dist": "deterministic", "value_s": 1}}
            ],
        }
    )
    rec = simulate(sc, 0)
    agents = [a for a, o in zip(rec.agent, rec.outcome, strict=True) if o == ANSWERED]
    assert agents[:10] == [0, 1, 2, 3, 4, 0, 1, 2, 3, 4]


@pytest.mark.parametrize("headcount", [0, 30, 90])
def test_conservation_holds(headcount):
    sc = scenario({"agents": {"headcount": headcount}, "replications": 1})
    rec = simulate(sc, 0)
    assert conservation_errors(replication_kpis(rec, sc)) == []


def test_conservation_check_detects_a_lost_contact():
    sc = scenario({"replications": 1})
    rec = simulate(sc, 0)
    rec.outcome[-1] = 9  # neither answered, abandoned nor waiting
    assert conservation_errors(replication_kpis(rec, sc))
