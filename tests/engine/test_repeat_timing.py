"""Repeats that land at night (spec D7): ``repeat.timing`` and ``missed_callback_grace``.

A repeat or missed-callback contact whose moment falls while its channel is closed moves into the
channel's next open period, at a moment drawn from the arrival profile within it (``profile``, the
default); ``exact`` keeps the moment, so the customer finds the line closed. Each expectation is
derived by hand in its test's docstring. Seeds are fixed, so every test is deterministic; the
stochastic bands are 4 standard errors (or the 99.9% Kolmogorov-Smirnov bound) from the count.
"""

from __future__ import annotations

import math
from datetime import date
from typing import Any

import numpy as np
import pytest

from simulator.engine.calendar import Calendar
from simulator.engine.center import simulate
from simulator.engine.records import MISSED_CALLBACK, NEW, REPEAT, as_array
from simulator.engine.timeline import OpenPeriodMoments
from simulator.errors import ScenarioError
from simulator.results.kpis import replication_kpis
from simulator.scenario.hours import WeeklyHours
from simulator.scenario.loading import load_scenario_dict
from simulator.scenario.profiles import intraday_weights
from tests.conftest import merge

H = 3600.0
D = 86400.0
HANDLE_S = 300.0
KS_999 = 1.95  # sqrt(n) x the Kolmogorov-Smirnov distance exceeded with probability 0.001

# A line open 09:00-17:00 every day, plenty of agents (nobody waits: a contact ends exactly
# HANDLE_S after it arrives), half the contacts unresolved, every unresolved customer repeats
# once (max_contacts 2: the repeat contact never repeats itself).
BASE: dict[str, Any] = {
    "name": "repeat_timing",
    "seed": 13,
    "replications": 4,
    "horizon": {"days": 3, "warmup_minutes": 0, "interval_minutes": 30},
    "calendar": {"opening_hours": {"mon-sun": "09:00-17:00"}},
    "arrivals": {"per_day": 400},
    "reasons": [
        {
            "name": "billing",
            "share": 1.0,
            "handle_time": {"dist": "deterministic", "value_s": HANDLE_S},
            "fcr": 0.5,
            "repeat": {
                "probability": 1.0,
                "delay": {"dist": "deterministic", "value_h": 10},
                "max_contacts": 2,
            },
        }
    ],
    "agents": {"headcount": 40},
}


def build(changes: dict[str, Any] | None = None) -> Any:
    return load_scenario_dict(merge(BASE, changes or {}), source="<test>")


def repeat_of(**fields: Any) -> dict[str, Any]:
    """``reasons`` with the one reason's ``repeat`` changed."""
    reason = BASE["reasons"][0]
    return {"reasons": [merge(reason, {"repeat": merge(reason["repeat"], fields)})]}


def runs(sc: Any) -> list[tuple[Any, dict[str, float]]]:
    return [(rec, replication_kpis(rec, sc)) for rec in (simulate(sc, r) for r in range(4))]


def columns(rec: Any) -> dict[str, np.ndarray]:
    return {
        "kind": as_array(rec.kind),
        "issue": as_array(rec.issue),
        "arrival": as_array(rec.arrival),
        "end": as_array(rec.arrival) + as_array(rec.wait) + as_array(rec.handle),
        "channel": as_array(rec.channel),
    }


def within_count(observed: float, expected: float) -> bool:
    """A Poisson count: within 4 standard deviations."""
    return abs(observed - expected) <= 4 * math.sqrt(expected)


def ks_distance(x: np.ndarray, cdf: Any) -> float:
    x = np.sort(x)
    f = cdf(x)
    n = len(x)
    return float(max((np.arange(1, n + 1) / n - f).max(), (f - np.arange(n) / n).max()))


def test_repeats_due_at_night_move_into_the_next_day_evenly_with_a_flat_profile():
    """A contact answered at once ends in [09:05, 17:05); 10 h later is [19:05, 03:05): closed.

    So every repeat moves into the next day's 09:00-17:00. The everyday profile is flat and
    follows the hours, so the cumulative intensity over 09:00-17:00 is linear and the moved
    moments of day 1 (all from day 0's contacts) are uniform on [9 h, 17 h): mean 13 h,
    standard deviation 8 h / sqrt(12). No repeat is refused, and nothing else is (new issues come
    only in hours). Repeats of days 0 and 1 land on days 1 and 2; day 2's move past the horizon.
    Issues arrive as a Poisson process (400 a day) thinned by 1 - fcr = 0.5, so day 0 and 1 give
    Poisson(400) repeats each per replication.
    """
    sc = build()
    day1 = []
    n_repeats = 0
    for rec, k in runs(sc):
        c = columns(rec)
        assert k["refused"] == 0
        repeats = c["arrival"][c["kind"] == REPEAT]
        n_repeats += len(repeats)
        tod = repeats % D
        assert ((tod >= 9 * H) & (tod < 17 * H)).all()
        assert (repeats >= D).all()  # none on day 0: every moment of day 0 was at night
        day1.append(tod[(repeats >= D) & (repeats < 2 * D)])
    assert within_count(n_repeats, 4 * 2 * 400 * 0.5)
    x = np.concatenate(day1) / H
    n = len(x)
    assert abs(x.mean() - 13.0) <= 4 * (8 / math.sqrt(12)) / math.sqrt(n)
    assert ks_distance(x, lambda v: (v - 9.0) / 8.0) <= KS_999 / math.sqrt(n)


def test_exact_timing_refuses_the_same_repeats():
    """``exact`` keeps the moment: every repeat moment before the horizon finds the line closed.

    Moments before the horizon (72 h): all of days 0 and 1 (latest 41:05 + 10 h = 51:05), and of
    day 2 those whose contact ends before 62 h, i.e. arrives before 14:00 - 300 s: a share
    (5 h - 300 s) / 8 h of the day. Refused repeat moments (one per issue) are thus Poisson with
    mean 400 x 0.5 x (2 + (5 h - 300 s) / 8 h) per replication. Retries come after opening.
    """
    sc = build(repeat_of(timing="exact"))
    share_day2 = (5 * H - HANDLE_S) / (8 * H)
    refused_issues = 0
    for rec, k in runs(sc):
        kind = as_array(rec.refused_kind)
        refused_issues += len(np.unique(as_array(rec.refused_issue)[kind == REPEAT]))
        assert k["refused"] > 0
        assert (kind == REPEAT).all()  # new issues come in hours: only repeats are refused
    assert within_count(refused_issues, 4 * 400 * 0.5 * (2 + share_day2))


def test_a_moment_in_opening_hours_does_not_move():
    """Delay 1 h: a contact ending before 16:00 repeats exactly 1 h after its end (in hours).

    One ending at or after 16:00 repeats after 17:00 (closed) and moves into the next day's hours.
    """
    sc = build(repeat_of(delay={"dist": "deterministic", "value_h": 1}))
    kept = moved = 0
    for rec, _ in runs(sc):
        c = columns(rec)
        first = c["kind"] == NEW
        end_of = dict(zip(c["issue"][first].tolist(), c["end"][first].tolist(), strict=True))
        for iid, t in zip(
            c["issue"][c["kind"] == REPEAT].tolist(),
            c["arrival"][c["kind"] == REPEAT].tolist(),
            strict=True,
        ):
            due = end_of[iid] + H
            if due % D < 17 * H:
                assert t == due
                kept += 1
            else:
                assert t > due
                assert 9 * H <= t % D < 17 * H
                assert t // D == due // D + 1
                moved += 1
    assert kept > 10 * moved > 0  # contacts ending after 16:00 are 1/8 of them at most


def test_moved_repeats_follow_the_intraday_profile():
    """With ``typical_weekday`` the moved moments follow its weights within 09:00-17:00.

    The 30-minute intervals 18..33 (09:00-17:00) have weights w_i; within the hours the profile
    is renormalised, p_i = w_i / sum(w), and a moment is uniform within its interval. Mean time
    of day: sum p_i m_i (m_i the interval's midpoint); variance sum p_i (m_i^2 + 0.5^2 / 12) minus
    the mean squared (hours). Day 1's moved repeats (from day 0) are compared with both, and their
    distribution function with the piecewise-linear one of the p_i.
    """
    sc = build({"arrivals": {"intraday": "typical_weekday"}})
    w = intraday_weights("typical_weekday", 48)[18:34]
    p = w / w.sum()
    mid = 9.0 + 0.5 * (np.arange(16) + 0.5)
    mean = float((p * mid).sum())
    sd = math.sqrt(float((p * (mid**2 + 0.25 / 12)).sum()) - mean**2)
    edges = 9.0 + 0.5 * np.arange(17)
    cum = np.concatenate(([0.0], np.cumsum(p)))
    x = []
    for rec, k in runs(sc):
        assert k["refused"] == 0
        c = columns(rec)
        t = c["arrival"][c["kind"] == REPEAT]
        x.append((t[(t >= D) & (t < 2 * D)] % D) / H)
    x = np.concatenate(x)
    n = len(x)
    assert abs(x.mean() - mean) <= 4 * sd / math.sqrt(n)
    assert ks_distance(x, lambda v: np.interp(v, edges, cum)) <= KS_999 / math.sqrt(n)
    # and not uniform: the typical weekday's morning peak pulls the mean before 13:00
    assert mean < 12.8


def test_email_repeats_never_move():
    """E-mail is received at any hour: a repeat sent by e-mail arrives exactly 10 h after the end
    of the contact before it, at night."""
    sc = build(
        merge(
            repeat_of(channel={"email": 1.0}),
            {"channels": {"email": {}}},
        )
    )
    for rec, k in runs(sc)[:1]:
        c = columns(rec)
        first = c["kind"] == NEW
        end_of = dict(zip(c["issue"][first].tolist(), c["end"][first].tolist(), strict=True))
        repeats = np.flatnonzero(c["kind"] == REPEAT)
        assert len(repeats) > 100
        assert k["refused"] == 0
        for i in repeats.tolist():
            assert c["arrival"][i] == end_of[int(c["issue"][i])] + 10 * H


def test_a_24_hour_line_gives_the_same_numbers_either_way():
    """Nothing closes: ``profile`` has nothing to move and draws from no stream, so it equals
    ``exact`` contact for contact."""
    always = {"calendar": {"opening_hours": None}}
    a = simulate(build(merge(always, repeat_of(timing="exact"))), 0)
    b = simulate(build(always), 0)
    assert len(a.arrival) == len(b.arrival) > 0
    assert np.array_equal(as_array(a.arrival), as_array(b.arrival))
    assert np.array_equal(as_array(a.kind), as_array(b.kind))


# A promise nobody keeps: every contact hands the issue to a shop that promises a callback within
# 2 h but takes every job up only 100 h after the promise (past the horizon), so each promise is
# broken and the customer contacts us again (repeat probability 1).
BROKEN_PROMISE: dict[str, Any] = {
    "horizon": {"days": 2},
    "reasons": [
        merge(
            BASE["reasons"][0],
            {
                "fcr": 1.0,
                "third_party": {"party": "shop", "probability": 1.0},
            },
        )
    ],
    "third_parties": [
        {
            "name": "shop",
            "staff": 1,
            "work_time": {"dist": "deterministic", "value_s": 60},
            "callback_within_h": 2,
            "on_time_probability": 0.0,
            "late_delay": {"dist": "deterministic", "value_h": 100},
        }
    ],
}


def missed_contacts(sc: Any) -> list[tuple[float, float]]:
    """(deadline of the broken promise, arrival of the missed-callback contact) per such contact."""
    out = []
    for rec, k in runs(sc)[:2]:
        assert k["refused"] == 0
        c = columns(rec)
        deadline: dict[int, float] = {}  # of the issue's first promise (its new contact's)
        jobs = zip(
            as_array(rec.job_issue).tolist(), as_array(rec.job_deadline).tolist(), strict=True
        )
        for i, d in jobs:
            deadline.setdefault(i, d)
        missed = c["kind"] == MISSED_CALLBACK
        out += [
            (deadline[i], t)
            for i, t in zip(c["issue"][missed].tolist(), c["arrival"][missed].tolist(), strict=True)
        ]
    return out


@pytest.mark.parametrize("hours", [None, {"mon-sun": "08:00-20:00"}], ids=["24h", "08-20"])
def test_missed_callback_contact_comes_after_the_grace(hours):
    """Deterministic grace 2 h: the missed-callback contact is due at deadline + 2 h exactly.

    Without a grace it is due at the deadline itself (as before). With a line open 08:00-20:00
    the promise made by a contact ending in [08:05, 20:05) expires in [10:05, 22:05) and the
    contact is due in [12:05, 00:05): after 20:00 (closed) it moves into the next day's hours
    (``profile``), never refused; before 20:00 it comes exactly then.
    """
    changes = merge(BROKEN_PROMISE, {"calendar": {"opening_hours": hours}})
    grace = merge(
        changes,
        {
            "third_parties": [
                {
                    **BROKEN_PROMISE["third_parties"][0],
                    "missed_callback_grace": {"dist": "deterministic", "value_h": 2},
                }
            ]
        },
    )
    at_deadline = missed_contacts(build(changes))
    assert len(at_deadline) > 100
    for deadline, t in at_deadline:
        if hours is None or 8 * H <= deadline % D < 20 * H:
            assert t == deadline
    kept = moved = 0
    for deadline, t in missed_contacts(build(grace)):
        due = deadline + 2 * H
        if hours is None or 8 * H <= due % D < 20 * H:
            assert t == due
            kept += 1
        else:
            assert t > due
            assert 8 * H <= t % D < 20 * H
            moved += 1
    assert kept > 100
    assert (moved > 0) == (hours is not None)


def test_openperiodmoments_inverts_the_cumulative_intensity():
    """Hand-made: line mon-fri 09:00-17:00, Monday 8 Jan a holiday; rate 1/s in 09:00-13:00 and
    3/s in 13:00-17:00 every day (Lambda over a day's hours: 4 h + 12 h = 16 h-units).

    From Friday 18:00 the next open period is Tuesday 09:00-17:00 (weekend, holiday skipped).
    u = 0.25 is 4 units: the end of the slow morning, 13:00. u = 0.625 is 10 units: 13:00 plus
    6 / 3 h = 15:00. A moment in hours stays; a period without intensity is taken evenly.
    """
    clock = Calendar.build(
        date(2024, 1, 1), 14, WeeklyHours.parse({"mon-fri": "09:00-17:00"}), [date(2024, 1, 8)]
    )
    day = np.array([0.0, 9, 13, 17]) * H
    starts = np.concatenate([day + d * D for d in range(14)])
    rates = np.tile([0.0, 1.0, 3.0, 0.0], 14)
    moments = OpenPeriodMoments(starts, rates, 14 * D)
    friday_evening = 4 * D + 18 * H
    tuesday = 8 * D
    assert moments.moment(clock, friday_evening, 0.25) == pytest.approx(tuesday + 13 * H)
    assert moments.moment(clock, friday_evening, 0.625) == pytest.approx(tuesday + 15 * H)
    assert moments.moment(clock, 2 * D + 10 * H, 0.9) == 2 * D + 10 * H  # open: unchanged
    flat_zero = OpenPeriodMoments(np.zeros(1), np.zeros(1), 14 * D)
    assert flat_zero.moment(clock, friday_evening, 0.5) == pytest.approx(tuesday + 13 * H)
    assert moments.moment(clock, 13 * D + 18 * H, 0.5) >= 14 * D  # none left in the run


@pytest.mark.parametrize(
    ("changes", "path"),
    [
        (repeat_of(timing="later"), "timing"),
        (
            {
                "third_parties": [
                    {
                        **BROKEN_PROMISE["third_parties"][0],
                        "missed_callback_grace": {"dist": "exponential"},
                    }
                ]
            },
            "missed_callback_grace",
        ),
    ],
)
def test_bad_keys_are_scenario_errors(changes, path):
    with pytest.raises(ScenarioError, match=path):
        build(changes)
