"""Consults need a person of the third party, in its hours, against times derived by hand.

The scenarios are deterministic: talk 300 s, wrap-up 30 s, a consult of 600 s, FCR 1, agents to
spare (nobody queues for an agent), and the contacts arrive at chosen moments (the arrival sources
are replaced by fixed lists), so every wait, hold and handle time below follows from the rules:
a consult starts when the talk ends, takes a person of the party (consults before the party's
jobs, first come first served among themselves), waits at most ``consult_max_wait_s`` and never
past closing, and the wrap-up follows whatever happened.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from simulator.engine.calendar import Calendar
from simulator.engine.center import ContactCenter
from simulator.engine.records import (
    CALLBACK,
    CONSULT,
    CONSULT_CLOSED,
    CONSULT_MADE,
    CONSULT_TIMED_OUT,
    REPEAT,
    TRANSFER,
    Records,
)
from simulator.errors import ScenarioError
from simulator.results.frames import contacts_frame
from simulator.results.kpis import conservation_errors, replication_kpis
from simulator.runs.replications import run
from simulator.scenario.hours import WeeklyHours
from simulator.scenario.loading import load_scenario_dict
from tests.conftest import merge

H = 3600.0
TALK, WRAP, HOLD, WORK = 300.0, 30.0, 600.0, 1200.0

CONSULTING = {
    "name": "consult",
    "handle_time": {"dist": "deterministic", "value_s": TALK},
    "wrap_up_s": WRAP,
    "third_party": {
        "party": "shop",
        "probability": 1.0,
        "mode": {"consult": 1.0, "callback": 0.0},
        "consult_hold_s": HOLD,
        "consult_max_wait_s": 900,
    },
}
BASE: dict[str, Any] = {
    "name": "consults",
    "seed": 5,
    "replications": 1,
    "horizon": {"days": 1, "warmup_minutes": 0, "interval_minutes": 60},
    "arrivals": {"per_hour": 1.0},  # replaced by fixed moments in ``simulate_at``
    "reasons": [{**CONSULTING, "share": 1.0}],
    "third_parties": [
        {
            "name": "shop",
            "staff": 1,
            "work_time": {"dist": "deterministic", "value_s": WORK},
            "callback_within_h": 24,
        }
    ],
    "agents": {"headcount": 10},
}


def build(changes: dict[str, Any] | None = None) -> Any:
    return load_scenario_dict(merge(BASE, changes or {}), source="<test>")


def simulate_at(scenario: Any, arrivals: dict[int, list[float]]) -> Records:
    """One replication whose new issues arrive at the given moments, per reason index."""
    center = ContactCenter(scenario, 0)
    center._sources = [(reason, iter(times)) for reason, times in arrivals.items()]
    rec = center.run()
    assert not conservation_errors(replication_kpis(rec, scenario))
    return rec


def consults(rec: Records) -> list[tuple[int, float, float, int]]:
    """(contact, asked at, wait, outcome) per consult."""
    return list(
        zip(
            rec.consult_contact,
            rec.consult_asked,
            rec.consult_wait,
            rec.consult_outcome,
            strict=True,
        )
    )


def test_a_party_open_only_in_the_afternoon_makes_morning_consults_fall_back():
    """Shop open 12:00-24:00, one person; calls at 08, 09, 10 (shop closed) and 13, 15, 17 h.

    Morning: the talk ends at t + 300 s with the shop closed, so each consult falls back at once
    (wait 0) to a callback promise: handle = 300 + 30 = 330 s, hold 0, three callback jobs.
    Those jobs take the shop's person from 12:00, 20 min each: 12:00-13:00. Afternoon: the talk
    ends at 13:05, 15:05, 17:05, the person is free, so each consult is made at once: handle =
    300 + 600 + 30 = 930 s, hold 600 s. KPIs: consults 3, consult_fallbacks 3, consult_wait_s 0,
    callbacks_promised 3, consult_hold_h = 3 x 600 / 3600 = 0.5, AHT = (3 x 330 + 3 x 930) / 6.
    """
    sc = build(
        {"third_parties": [merge(BASE["third_parties"][0], {"hours": {"mon-sun": "12:00-24:00"}})]}
    )
    morning, afternoon = [8 * H, 9 * H, 10 * H], [13 * H, 15 * H, 17 * H]
    rec = simulate_at(sc, {0: morning + afternoon})
    assert [(t - TALK, w, o) for _, t, w, o in consults(rec)] == [
        *((t, 0.0, CONSULT_CLOSED) for t in morning),
        *((t, 0.0, CONSULT_MADE) for t in afternoon),
    ]
    assert list(rec.handle) == [330.0] * 3 + [930.0] * 3
    assert list(rec.hold) == [0.0] * 3 + [HOLD] * 3
    assert list(rec.third_party) == [CONSULT] * 6  # what the contact needed, whatever came of it
    table = contacts_frame(rec, ["consult"])
    assert list(table["consult"]) == ["closed"] * 3 + ["made"] * 3
    assert list(table["hold_s"]) == [0.0] * 3 + [HOLD] * 3
    assert list(rec.job_mode) == [CALLBACK] * 3
    assert list(rec.job_contact) == [0, 1, 2]
    assert list(rec.job_started) == [12 * H, 12 * H + WORK, 12 * H + 2 * WORK]
    k = replication_kpis(rec, sc)
    assert (k["consults"], k["consult_fallbacks"], k["consult_wait_s"]) == (3.0, 3.0, 0.0)
    assert k["callbacks_promised"] == 3.0
    assert k["consult_hold_h"] == pytest.approx(0.5)
    assert k["aht_s"] == pytest.approx((3 * 330 + 3 * 930) / 6)
    assert k["resolved"] == 6.0  # a made callback resolves (resolves: 1), and so does FCR 1


def test_morning_fallbacks_are_exactly_the_consults_asked_while_closed():
    """Poisson arrivals, 20 an hour from 00:00 to 23:00; a shop open 12:00-24:00 with people to
    spare (50) and no jobs to keep them busy (fallback none, customers give up: repeat 0). Every
    consult asked before noon falls back and every one after it is made at once, so per
    replication consult_fallbacks = consults asked before 12:00 and consults = the rest, exactly,
    and an answered contact holds 0 or 600 s. The consult is asked 300 s after arrival: the
    expected counts are 20 x 11.917 h = 238.3 fallbacks and 20 x 11.083 h = 221.7 consults
    (Poisson: within 3 standard errors of the mean of the replications)."""
    tp = {**CONSULTING["third_party"], "consult_fallback": "none"}
    sc = build(
        {
            "arrivals": {"per_hour": [20.0] * 23 + [0.0]},  # no consult after midnight
            "reasons": [
                {**CONSULTING, "share": 1.0, "third_party": tp, "repeat": {"probability": 0.0}}
            ],
            "third_parties": [
                merge(BASE["third_parties"][0], {"staff": 50, "hours": {"mon-sun": "12:00-24:00"}})
            ],
        }
    )
    n = 4
    summary = run(sc, replications=n, workers=1).summary
    for r in range(n):
        rec = ContactCenter(sc, r).run()
        asked = np.asarray(rec.consult_asked)
        assert summary["consult_fallbacks"].iloc[r] == (asked < 12 * H).sum()
        assert summary["consults"].iloc[r] == (asked >= 12 * H).sum()
        assert set(np.asarray(rec.hold)[np.asarray(rec.outcome) == 1]) == {0.0, HOLD}
    assert (summary["consults"] + summary["consult_fallbacks"] == summary["answered"]).all()
    assert (summary["consult_wait_s"] == 0.0).all()
    for key, expected in (
        ("consult_fallbacks", 20 * (12 - 300 / H)),
        ("consults", 20 * (11 + 300 / H)),
    ):
        assert abs(summary[key].mean() - expected) <= 3 * np.sqrt(expected / n), key


def test_two_consults_at_once_the_second_waits_the_firsts_hold():
    """One person, always open; two calls at 1000 s, each with its own agent. Both talks end at
    1300 s: the first consult gets the person (wait 0, hold 600, until 1900 s), the second waits
    for it: wait 600 s, then its own 600 s, until 2500 s. Handle = talk + wait + hold + wrap-up:
    930 and 300 + 600 + 600 + 30 = 1530 s; hold (what the customer holds) 600 and 1200 s; the
    mean consult wait (0 + 600) / 2 = 300 s; both end resolved."""
    rec = simulate_at(build(), {0: [1000.0, 1000.0]})
    assert consults(rec) == [(0, 1300.0, 0.0, CONSULT_MADE), (1, 1300.0, 600.0, CONSULT_MADE)]
    assert list(rec.handle) == [930.0, 1530.0]
    assert list(rec.hold) == [600.0, 1200.0]
    k = replication_kpis(rec, build())
    assert (k["consults"], k["consult_fallbacks"], k["consult_wait_s"]) == (2.0, 0.0, 300.0)
    assert k["occupancy"] == pytest.approx((930 + 1530) / (10 * 24 * H))
    assert list(rec.issue_end) == [1000 + 930.0, 1000 + 1530.0]


@pytest.mark.parametrize(
    ("fallback", "job_modes"), [("callback", [CALLBACK]), ("transfer", [TRANSFER]), ("none", [])]
)
def test_a_wait_above_the_maximum_falls_back(fallback, job_modes):
    """As above with consult_max_wait_s 300: the second consult gives up waiting at 1600 s
    (wait 300 < the 600 it would need). Handle = 300 + 300 + 30 = 630 s, hold 300 s. Its
    fallback: a callback promise or a transfer (a job of the shop, made after the first consult:
    the person is free from 1900 s), or none: the contact ends unresolved at 1630 s and the
    customer repeats (repeat probability 1, delay 1 h: a repeat contact at 5230 s)."""
    tp = {**CONSULTING["third_party"], "consult_max_wait_s": 300, "consult_fallback": fallback}
    sc = build(
        {
            "reasons": [
                {
                    **CONSULTING,
                    "share": 1.0,
                    "third_party": tp,
                    "repeat": {
                        "probability": 1.0,
                        "delay": {"dist": "deterministic", "value_h": 1},
                    },
                }
            ]
        }
    )
    rec = simulate_at(sc, {0: [1000.0, 1000.0]})
    assert consults(rec)[:2] == [
        (0, 1300.0, 0.0, CONSULT_MADE),
        (1, 1300.0, 300.0, CONSULT_TIMED_OUT),
    ]
    assert list(rec.handle)[:2] == [930.0, 630.0]
    assert list(rec.hold)[:2] == [600.0, 300.0]
    assert list(rec.job_mode) == job_modes
    if job_modes:
        assert list(rec.job_created) == [1630.0]
        assert list(rec.job_started) == [1900.0]  # after the first consult's hold
        assert list(rec.kind) == [0, 0]
    else:
        assert list(rec.kind) == [0, 0, REPEAT]
        assert rec.arrival[2] == 1630.0 + H
    k = replication_kpis(rec, sc)
    assert k["consult_fallbacks"] == 1.0
    assert k["transfers"] == (1.0 if fallback == "transfer" else 0.0)
    assert k["callbacks_promised"] == (1.0 if fallback == "callback" else 0.0)


def test_the_party_closing_ends_the_wait():
    """Shop open 00:00-01:00, one person; two calls at 2700 s. Both talks end at 3000 s; the
    first consult holds 900 s (to 3900 s: a consult begun in hours is finished); the second
    may wait 900 s but the shop closes at 3600 s: it falls back then, wait 600 s, as closed."""
    sc = build(
        {
            "reasons": [
                {
                    **CONSULTING,
                    "share": 1.0,
                    "third_party": {**CONSULTING["third_party"], "consult_hold_s": 900},
                }
            ],
            "third_parties": [
                merge(BASE["third_parties"][0], {"hours": {"mon-sun": "00:00-01:00"}})
            ],
        }
    )
    rec = simulate_at(sc, {0: [2700.0, 2700.0]})
    assert consults(rec) == [(0, 3000.0, 0.0, CONSULT_MADE), (1, 3000.0, 600.0, CONSULT_CLOSED)]
    assert list(rec.handle) == [300 + 900 + 30.0, 300 + 600 + 30.0]


def test_consults_go_before_callback_jobs_queued_earlier():
    """One person, always open; reason 0 promises callbacks, reason 1 consults. Call A (reason 0)
    at 0 s ends at 330 s: job 1 takes the person 330-1530 s. Call B (reason 0) at 100 s ends at
    430 s: job 2 queues. Call C (reason 1) at 500 s ends its talk at 800 s and asks for the
    person. First come first served would give the person to job 2 at 1530 s; the consult goes
    first: wait 1530 - 800 = 730 s (below the 900 s maximum), consult 1530-2130 s, and job 2
    starts only at 2130 s."""
    callback = {
        "name": "callback",
        "share": 0.5,
        "handle_time": {"dist": "deterministic", "value_s": TALK},
        "wrap_up_s": WRAP,
        "third_party": {"party": "shop", "probability": 1.0, "mode": {"callback": 1.0}},
    }
    sc = build({"reasons": [callback, {**CONSULTING, "share": 0.5}]})
    rec = simulate_at(sc, {0: [0.0, 100.0], 1: [500.0]})
    consult_cid = next(c for c in range(3) if rec.third_party[c] == CONSULT)
    assert consults(rec) == [(consult_cid, 800.0, 730.0, CONSULT_MADE)]
    assert list(rec.job_created) == [330.0, 430.0]
    assert list(rec.job_started) == [330.0, 2130.0]
    assert rec.handle[consult_cid] == 300 + 730 + 600 + 30.0


def test_no_consult_leaves_the_jobs_first_come_first_served():
    """The party's staff became a priority resource; with only jobs (one priority) the order is
    first come first served as before: jobs created at 330 and 430 s start at 330 and 1530 s."""
    callback = {
        "name": "callback",
        "share": 1.0,
        "handle_time": {"dist": "deterministic", "value_s": TALK},
        "wrap_up_s": WRAP,
        "third_party": {"party": "shop", "probability": 1.0, "mode": {"callback": 1.0}},
    }
    rec = simulate_at(build({"reasons": [callback]}), {0: [0.0, 100.0]})
    assert list(rec.job_started) == [330.0, 330.0 + WORK]
    assert not rec.consult_contact


def test_open_for_counts_to_the_closing_or_a_holiday():
    """Mon-fri 09:00-17:00 from Monday: at 10:00 open 7 h more, at 18:00 closed (0). A window
    over Sunday midnight continues into Monday: sun 22:00-24:00 + mon 00:00-02:00 at sun 23:00
    gives 1 h + 2 h. A holiday on Tuesday: Monday 22:00-24:00 + Tuesday closed -> 2 h."""
    office = WeeklyHours.parse({"mon-fri": "09:00-17:00"})
    assert office.open_for(10 * H) == 7 * H
    assert office.open_for(18 * H) == 0.0
    night = WeeklyHours.parse({"sun": "22:00-24:00", "mon": "00:00-02:00"})
    assert night.open_for(6 * 24 * H + 23 * H) == 3 * H
    assert WeeklyHours.always().open_for(5.0) == float("inf")
    from datetime import date

    evenings = WeeklyHours.parse({"mon-sun": "22:00-24:00,00:00-02:00"})
    cal = Calendar.build(date(2026, 1, 5), 7, evenings, [date(2026, 1, 6)])
    assert cal.open_for(23 * H) == 1 * H  # Tuesday (day 1) is a holiday
    assert cal.open_for(24 * H + 1.0) == 0.0
    assert cal.open_for(2 * 24 * H + 23 * H) == 3 * H


def test_a_bad_fallback_is_a_clear_error():
    with pytest.raises(ScenarioError, match="consult_fallback") as err:
        build(
            {
                "reasons": [
                    {
                        **CONSULTING,
                        "share": 1.0,
                        "third_party": {**CONSULTING["third_party"], "consult_fallback": "later"},
                    }
                ]
            }
        )
    assert "callback" in str(err.value)
    with pytest.raises(ScenarioError, match="consult_max_wait_s"):
        build(
            {
                "reasons": [
                    {
                        **CONSULTING,
                        "share": 1.0,
                        "third_party": {**CONSULTING["third_party"], "consult_max_wait_s": -1},
                    }
                ]
            }
        )
