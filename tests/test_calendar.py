"""Calendars, opening hours, holidays, shifts, day-of-week and intraday profiles, and demand
drivers (invoice runs, incidents)."""

from __future__ import annotations

import math
from datetime import date
from typing import Any

import numpy as np
import pytest

from simulator.calendar import Calendar, intraday_weights
from simulator.config import load_scenario_dict
from simulator.errors import ScenarioError
from simulator.hours import WeeklyHours
from simulator.kpis import replication_kpis
from simulator.model import simulate
from simulator.runner import run
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
    starts, rates = sc.arrivals.rate_steps(sc.horizon)
    per_day = (rates * np.diff(starts, append=sc.horizon.horizon_s)).reshape(7, -1).sum(axis=1)
    assert np.allclose(per_day, [1300, 1000, 1000, 1000, 1000, 500, 0])
    weights = intraday_weights("typical_weekday", 1440 // minutes)
    assert weights.sum() == pytest.approx(1)
    assert weights[: 6 * 60 // minutes].sum() < 0.01  # almost nobody calls before 06:00
    assert weights.argmax() * minutes // 60 in (9, 10)  # the morning peak


def test_start_date_decides_the_weekday_factors():
    sc = build({"horizon": {"start": "2026-01-10"}, "arrivals": {"day_of_week": {"sat": 2.0}}})
    starts, rates = sc.arrivals.rate_steps(sc.horizon)
    per_day = (rates * np.diff(starts, append=sc.horizon.horizon_s)).reshape(7, -1).sum(axis=1)
    assert per_day[0] == pytest.approx(960)  # 2026-01-10 is a Saturday
    assert per_day[1] == pytest.approx(480)


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
    starts, counts = sc.agents.steps(sc.horizon, sc.clock().holidays)
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
    flat = {"arrivals": {"per_day": 480}}  # round the clock: many find the line closed
    never = build(merge(flat, {"calendar": {**hours, "closed_retry": {"probability": 0.0}}}))
    always = build(merge(flat, {"calendar": {**hours, "closed_retry": {"probability": 1.0}}}))
    for sc, retry in ((never, False), (always, True)):
        rec = simulate(sc, 0)
        k = replication_kpis(rec, sc)
        arrival = np.asarray(rec.arrival)
        clock = sc.clock()
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
