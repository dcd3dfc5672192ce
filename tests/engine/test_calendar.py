"""Calendars, opening hours, holidays, shifts, day-of-week and intraday profiles, and demand
drivers (invoice runs, incidents)."""

from __future__ import annotations

import math
from datetime import date
from typing import Any

import numpy as np
import pytest

from simulator.engine import timeline
from simulator.engine.calendar import Calendar
from simulator.engine.center import simulate
from simulator.errors import ScenarioError
from simulator.results.kpis import replication_kpis
from simulator.runs.replications import run
from simulator.scenario.hours import WeeklyHours
from simulator.scenario.loading import load_scenario_dict
from simulator.scenario.profiles import intraday_weights
from simulator.scenario.steps import agent_steps
from tests.conftest import merge

H = 3600.0
D = 86400.0

BASE: dict[str, Any] = {
    "name": "calendar",
    "seed": 5,
    "replications": 6,
    "horizon": {"start": "2026-01-05", "days": 7, "interval_minutes": 30},
    "arrivals": {"per_day": 480},
    "reasons": [
        {"name": "general", "share": 1.0, "handle_time": {"dist": "exponential", "mean_s": 120}}
    ],
    "agents": {"headcount": 10},
}


def build(changes: dict[str, Any]) -> Any:
    return load_scenario_dict(merge(BASE, changes), source="<test>")


def test_opening_hours_across_days_holidays_and_the_week_boundary():
    hours = WeeklyHours.parse({"mon-fri": "08:00-20:00", "sat": "09:00-17:00"})
    # 2026-01-08 is a Thursday: day 0 of this calendar, with Friday 2026-01-09 a holiday
    cal = Calendar.build(date(2026, 1, 8), 14, hours, [date(2026, 1, 9), date(2025, 12, 25)])
    assert cal.holidays == frozenset({1})
    assert cal.weekday(0) == 3
    assert cal.wait_until_open(7 * H) == H  # Thursday 07:00 -> 08:00
    assert cal.wait_until_open(12 * H) == 0
    assert cal.wait_until_open(20 * H) == D + 13 * H  # Friday is a holiday: Saturday 09:00
    assert cal.wait_until_open(2 * D + 17 * H) == D + 15 * H  # Saturday 17:00 -> Monday 08:00
    assert cal.wait_until_open(3 * D + 12 * H) == 20 * H  # Sunday noon -> Monday 08:00
    assert not cal.always_open
    assert Calendar.build(date(2026, 1, 5), 7, None, []).always_open


@pytest.mark.parametrize("minutes", [15, 30, 60])
def test_per_day_with_day_of_week_and_intraday_profile(minutes):
    sc = build(
        {
            "horizon": {"interval_minutes": minutes},
            "arrivals": {
                "per_day": 1000,
                "day_of_week": {"mon": 1.3, "tue-fri": 1.0, "sat": 0.5, "sun": 0},
                "intraday": "typical_weekday",
            },
        }
    )
    starts, rates = timeline.arrival_rate_steps(sc.arrivals, sc.horizon)
    per_day = (rates * np.diff(starts, append=sc.horizon.horizon_s)).reshape(7, -1).sum(axis=1)
    assert np.allclose(per_day, [1300, 1000, 1000, 1000, 1000, 500, 0])
    weights = intraday_weights("typical_weekday", 1440 // minutes)
    assert weights.sum() == pytest.approx(1)
    assert weights[: 6 * 60 // minutes].sum() < 0.01  # almost nobody calls before 06:00
    assert weights.argmax() * minutes // 60 in (9, 10)  # the morning peak


def test_start_date_decides_the_weekday_factors():
    sc = build({"horizon": {"start": "2026-01-10"}, "arrivals": {"day_of_week": {"sat": 2.0}}})
    starts, rates = timeline.arrival_rate_steps(sc.arrivals, sc.horizon)
    per_day = (rates * np.diff(starts, append=sc.horizon.horizon_s)).reshape(7, -1).sum(axis=1)
    assert per_day[0] == pytest.approx(960)  # 2026-01-10 is a Saturday
    assert per_day[1] == pytest.approx(480)


def _per_interval_volume(sc: Any) -> np.ndarray:
    """Expected new issues in each reporting interval of the horizon."""
    h = sc.horizon
    starts, rates = timeline.arrival_steps(sc)
    grid = np.arange(h.days * h.intervals_per_day) * h.interval_s
    return rates[np.searchsorted(starts, grid, side="right") - 1] * h.interval_s


def test_arrival_profile_follows_opening_hours_and_keeps_the_day_volume():
    hours = {"mon-fri": "08:15-20:00", "sat": "10:00-14:00"}  # 08:00-08:30 is half open
    arrivals = {"per_day": 1000, "intraday": "typical_weekday", "day_of_week": {"sun": 0.5}}
    sc = build({"arrivals": arrivals, "calendar": {"opening_hours": hours}})
    volume = _per_interval_volume(sc).reshape(7, 48)
    assert np.allclose(volume.sum(axis=1), [1000] * 6 + [500])  # each day keeps its volume
    weights = intraday_weights("typical_weekday", 48)
    monday = weights * np.r_[np.zeros(16), 0.5, np.ones(23), np.zeros(8)]
    assert np.allclose(volume[0], 1000 * monday / monday.sum())  # renormalised, half at 08:00
    assert np.allclose(np.r_[volume[5, :20], volume[5, 28:]], 0)  # Saturday 10-14 only
    assert np.allclose(volume[6], 500 * weights)  # Sunday is closed: its profile is kept
    # a holiday does not move demand either: its callers find the line closed and retry
    holiday = build(
        {"arrivals": arrivals, "calendar": {"opening_hours": hours, "holidays": ["2026-01-06"]}}
    )
    assert np.allclose(_per_interval_volume(holiday), volume.ravel())
    # the opt-out: the profile is the one of the whole day, as written
    free = build(merge({"arrivals": arrivals}, {"arrivals": {"follow_opening_hours": False}}))
    assert np.allclose(_per_interval_volume(free).reshape(7, 48)[0], 1000 * weights)


def test_a_per_hour_rate_holds_while_open():
    hours = {"calendar": {"opening_hours": {"mon-fri": "08:15-20:00"}}}
    constant = build(merge({"arrivals": {"per_day": None, "per_hour": 60}}, hours))
    volume = _per_interval_volume(constant).reshape(7, 48)
    assert np.allclose(volume[0], 30 * np.r_[np.zeros(16), 0.5, np.ones(23), np.zeros(8)])
    assert np.allclose(volume[5:], 0)
    rates = [float(i) for i in range(48)]
    listed = build(merge({"arrivals": {"per_day": None, "per_hour": rates}}, hours))
    assert np.allclose(_per_interval_volume(listed).reshape(7, 48)[2], volume[0] / 60 * rates)
    always = build({"arrivals": {"per_day": None, "per_hour": 60}})
    assert len(timeline.arrival_steps(always)[0]) == 1  # no hours (spec A1): the rate as given


def test_arrivals_follow_the_hours_of_the_main_first_contact_channel():
    chat = {"opening_hours": {"mon-sun": "12:00-14:00"}}
    base = {
        "calendar": {"opening_hours": {"mon-fri": "08:00-20:00"}},
        "channels": {"chat": chat, "email": {}},
        "agents": {
            "headcount": None,
            "groups": [{"name": "all", "channels": ["phone", "chat", "email"], "headcount": 9}],
        },
        "arrivals": {"intraday": "typical_weekday"},
    }
    by_chat = build(merge(base, {"arrivals": {"channel_mix": {"phone": 0.3, "chat": 0.7}}}))
    volume = _per_interval_volume(by_chat).reshape(7, 48)
    assert np.allclose(volume[:, 24:28].sum(axis=1), 480)  # chat's 12:00-14:00, every day
    by_email = build(merge(base, {"arrivals": {"channel_mix": {"phone": 0.2, "email": 0.8}}}))
    weights = intraday_weights("typical_weekday", 48)
    assert np.allclose(_per_interval_volume(by_email), 480 * np.tile(weights, 7))
    tied = build(merge(base, {"arrivals": {"channel_mix": {"phone": 0.5, "email": 0.5}}}))
    assert np.allclose(_per_interval_volume(tied).reshape(7, 48)[:5, :16], 0)  # the phone's


def test_nobody_is_refused_when_arrivals_follow_the_hours():
    """typical_weekday with mon-fri 08:00-20:00 over five weekdays: no repeats, so every refusal
    would be an arrival in closed hours. Following the hours there are none and the day volume
    is kept (issues Poisson over replications); the opt-out refuses the night's share again."""
    spec = {
        "horizon": {"days": 5},
        "arrivals": {"intraday": "typical_weekday"},
        "calendar": {"opening_hours": {"mon-fri": "08:00-20:00"}},
    }
    follow, free = build(spec), build(merge(spec, {"arrivals": {"follow_opening_hours": False}}))
    weights = intraday_weights("typical_weekday", 48)
    closed_share = weights[:16].sum() + weights[40:].sum()  # before 08:00 and from 20:00
    reps = range(follow.replications)
    kpis = [replication_kpis(simulate(follow, r), follow) for r in reps]
    issues = sum(k["issues"] for k in kpis)
    assert all(k["refused"] == 0 for k in kpis)
    expected = 480 * 5 * len(reps)
    assert abs(issues - expected) <= 4 * math.sqrt(expected)
    refused = sum(replication_kpis(simulate(free, r), free)["refused"] for r in reps)
    expected = expected * closed_share
    assert abs(refused - expected) <= 4 * math.sqrt(expected)


def test_shifts_add_up_skip_holidays_and_may_cross_midnight():
    sc = build(
        {
            "agents": {
                "headcount": None,
                "shifts": [
                    {"days": "mon-fri", "start": "08:00", "end": "16:30", "agents": 30},
                    {"days": "mon-fri", "start": "11:30", "end": "20:00", "agents": 25},
                    {"days": "sat", "start": "22:00", "end": "06:00", "agents": 2},
                ],
            },
            "calendar": {"holidays": ["2026-01-06"]},
        }
    )
    starts, counts = agent_steps(sc.agents, sc.horizon, timeline.clock(sc).holidays)
    on = dict(zip((starts / H).tolist(), counts.tolist(), strict=True))
    assert on[0.0] == 0
    assert on[8.0] == 30
    assert on[11.5] == 55
    assert on[16.5] == 25
    assert on[20.0] == 0
    assert 24 + 8.0 not in on  # Tuesday is a holiday: nobody works
    assert on[48 + 8.0] == 30
    assert on[5 * 24 + 22.0] == 2  # Saturday night shift, into Sunday
    assert on[6 * 24 + 6.0] == 0


def test_closed_line_refuses_and_customers_retry_after_opening():
    hours = {"opening_hours": {"mon-fri": "08:00-18:00"}}
    # round the clock (not following the hours): many find the line closed
    flat = {"arrivals": {"per_day": 480, "follow_opening_hours": False}}
    never = build(merge(flat, {"calendar": {**hours, "closed_retry": {"probability": 0.0}}}))
    always = build(merge(flat, {"calendar": {**hours, "closed_retry": {"probability": 1.0}}}))
    for sc, retry in ((never, False), (always, True)):
        rec = simulate(sc, 0)
        k = replication_kpis(rec, sc)
        arrival = np.asarray(rec.arrival)
        clock = timeline.clock(sc)
        assert all(clock.wait_until_open(t) == 0 for t in arrival)  # nothing offered when closed
        assert k["refused"] > 0.5 * 480 * 7 * (1 - 50 / 168) * 0.8
        assert k["issues"] == k["resolved"] + k["gave_up"] + k["deflected"] + k["open_at_end"]
        if retry:
            assert k["gave_up"] == 0
            # a refused customer comes back after opening (exponential delay, mean 1 h)
            assert len(arrival) == pytest.approx(k["issues"] - k["open_at_end"], abs=0)
        else:
            assert k["gave_up"] == k["refused"]
    # the night's callers retry in the morning: a peak right after opening
    rec = simulate(always, 0)
    arrival = np.asarray(rec.arrival)
    morning = ((arrival >= D + 8 * H) & (arrival < D + 10 * H)).sum()
    midday = ((arrival >= D + 12 * H) & (arrival < D + 14 * H)).sum()
    assert morning > 2 * midday


def test_invoice_run_spreads_contacts_over_days_as_its_delay_says():
    """NHPP check: landing on day 0 with exponential delay (mean 1 day), the expected contacts on
    day d are N (e^-d - e^-(d+1)), N = recipients x contact_rate."""
    sc = build(
        {
            "replications": 10,
            "horizon": {"days": 4},
            "arrivals": {"per_day": 50},
            "reasons": [
                {
                    "name": "general",
                    "share": 1.0,
                    "handle_time": {"dist": "exponential", "mean_s": 60},
                },
                {
                    "name": "billing",
                    "share": 0.0,
                    "handle_time": {"dist": "exponential", "mean_s": 60},
                },
            ],
            "drivers": [
                {
                    "kind": "invoice_run",
                    "reason": "billing",
                    "recipients": 20000,
                    "dispatch": {"dates": ["2026-01-05"]},
                    "contact_rate": 0.05,
                    "response_delay": {"dist": "exponential", "mean_h": 24},
                }
            ],
            "agents": {"headcount": 20},
        }
    )
    c = run(sc, workers=1).contacts
    billing = c[(c["reason"] == "billing") & (c["kind"] == "new")]
    per_day = (
        billing.groupby(["replication", billing["arrival_s"] // D]).size().unstack(fill_value=0)
    )
    n = len(per_day)
    for day in range(4):
        expected = 1000 * (math.exp(-day) - math.exp(-day - 1))
        assert abs(per_day[day].mean() - expected) <= 4 * math.sqrt(expected / n), day


def test_invoice_spread_and_contact_rate_are_the_phase3_levers():
    base = {
        "replications": 3,
        "horizon": {"days": 14},
        "arrivals": {"per_day": 100},
        "drivers": [
            {
                "kind": "invoice_run",
                "reason": "general",
                "recipients": 40000,
                "dispatch": {"day_of_month": 5, "spread_days": 1},
                "contact_rate": 0.05,
                "response_delay": {"dist": "lognormal", "mean_h": 30, "cv": 0.8},
            }
        ],
        "agents": {"headcount": 40},
    }
    one_day = run(build(base), workers=1)
    spread = merge(base, {})
    spread["drivers"][0]["dispatch"]["spread_days"] = 5
    five_days = run(build(spread), workers=1)
    clearer = merge(base, {})
    clearer["drivers"][0]["contact_rate"] = 0.02
    fewer = run(build(clearer), workers=1)

    def busiest_day(result: Any) -> float:
        iv = result.intervals
        daily = iv.groupby(["replication", iv["start_min"] // 1440])["offered"].sum()
        return float(daily.groupby("replication").max().mean())

    assert busiest_day(five_days) < 0.75 * busiest_day(one_day)
    assert fewer.kpis["offered"] < one_day.kpis["offered"] - 0.02 * 40000 * 0.8
    assert five_days.kpis["offered"] == pytest.approx(one_day.kpis["offered"], rel=0.05)


def test_incident_adds_its_volume_in_its_window():
    sc = build(
        {
            "replications": 8,
            "drivers": [
                {
                    "kind": "incident",
                    "reason": "general",
                    "start": "2026-01-07T09:00",
                    "duration_h": 3,
                    "extra_per_hour": 200,
                }
            ],
            "agents": {"headcount": 30},
        }
    )
    iv = run(sc, workers=1).intervals
    window = iv[(iv["start_min"] >= (2 * 24 + 9) * 60) & (iv["start_min"] < (2 * 24 + 12) * 60)]
    per_rep = window.groupby("replication")["offered"].sum()
    expected = 600 + 480 / 48 * 6
    assert abs(per_rep.mean() - expected) <= 4 * math.sqrt(expected / len(per_rep))


def test_driver_and_calendar_errors_name_the_field():
    with pytest.raises(ScenarioError, match=r"drivers\[0\]\.reason.*unknown reason"):
        build(
            {
                "drivers": [
                    {
                        "kind": "incident",
                        "reason": "outage",
                        "start": "2026-01-07T09:00",
                        "duration_h": 3,
                        "extra_per_hour": 200,
                    }
                ]
            }
        )
    incident = {"kind": "incident", "reason": "general", "start": "2026-01-07T09:00"}
    with pytest.raises(ScenarioError, match=r"drivers\[0\]\.bogus: unknown key 'bogus'.*extra_per"):
        build({"drivers": [{**incident, "duration_h": 3, "extra_per_hour": 9, "bogus": 1}]})
    zoned = {**incident, "start": "2026-01-07T09:00+01:00", "duration_h": 3, "extra_per_hour": 9}
    with pytest.raises(ScenarioError, match=r"drivers\[0\]\.start: has a time zone"):
        build({"drivers": [zoned]})
    with pytest.raises(ScenarioError, match=r"drivers\[0\]: missing key 'kind'"):
        build({"drivers": [{"reason": "general"}]})
    with pytest.raises(ScenarioError, match=r"drivers\[0\]\.start: not a.*date-time such as"):
        build({"drivers": [{**incident, "start": "soon", "duration_h": 3, "extra_per_hour": 9}]})
    with pytest.raises(ScenarioError, match=r"calendar\.opening_hours.*unknown day 'mon-fry'"):
        build({"calendar": {"opening_hours": {"mon-fry": "08:00-18:00"}}})
    with pytest.raises(ScenarioError, match=r"arrivals\.intraday.*unknown intraday profile"):
        build({"arrivals": {"intraday": "typical_wednesday"}})
    with pytest.raises(ScenarioError, match=r"agents\.shifts\[0\]\.start.*HH:MM"):
        build(
            {
                "agents": {
                    "headcount": None,
                    "shifts": [{"start": "8h", "end": "16:00", "agents": 3}],
                }
            }
        )


def test_a_bad_shift_day_pattern_shows_what_one_looks_like():
    shift = {"days": "mon-fry", "start": "08:00", "end": "16:00", "agents": 3}
    with pytest.raises(ScenarioError) as err:
        build({"agents": {"headcount": None, "shifts": [shift]}})
    message = str(err.value)
    assert "agents.shifts[0].days: unknown day 'mon-fry'" in message
    assert '"mon-fri"' in message
    assert '"mon,wed,fri-sun"' in message
