"""Issue 15: the requirement per interval of the whole horizon (spec D8), from the expected demand.

Each test states a small scenario whose demand and staffing can be worked out by hand: the invoice
peak day against an ordinary same weekday, holidays, chat on slots with the concurrency slowdown,
e-mail by the fluid backlog rule, two agent groups, and repeats placed where the timing rule puts
them (checked against the engine too).
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
import yaml
from scipy import stats

from simulator import analytic
from simulator.engine.center import simulate
from simulator.engine.demand import PHONE, expected_demand
from simulator.runs.replications import run
from simulator.scenario.loading import load_scenario_dict
from simulator.studies.staffing import requirement, staff
from tests.conftest import merge, scenario, t_tolerance

ROOT = Path(__file__).resolve().parents[2]


def fewest(rate_per_s: float, aht_s: float, within_s: float, target: float) -> int:
    """The fewest servers whose Erlang C service level reaches ``target`` (a plain loop)."""
    n = max(1, math.ceil(rate_per_s * aht_s))
    while analytic.erlang_c(rate_per_s, aht_s, n, within_s).service_level < target:
        n += 1
    return n


# -- the invoice peak day -----------------------------------------------------------------------
INVOICE = {
    "replications": 2,
    "horizon": {"start": "2026-02-02", "days": 14, "warmup_minutes": 0, "interval_minutes": 60},
    "arrivals": {"per_hour": None, "per_day": 2400, "intraday": "flat"},
    "reasons": [
        {"name": "invoice", "share": 0.0, "handle_time": {"dist": "exponential", "mean_s": 300}},
        {"name": "general", "share": 1.0, "handle_time": {"dist": "exponential", "mean_s": 300}},
    ],
    "drivers": [
        {
            "kind": "invoice_run",
            "reason": "invoice",
            "recipients": 100000,
            "dispatch": {"day_of_month": 10, "spread_days": 1},
            "contact_rate": 0.04,
            "response_delay": {"dist": "lognormal", "mean_h": 48, "cv": 0.8},
        }
    ],
    "channels": {"phone": {"patience": None}},
}


def test_invoice_peak_day_gets_the_driver_volume_and_more_agent_hours():
    """Invoices land on Tue 10 Feb 00:00 (day 8); 100,000 x 4% = 4,000 contacts, on a day set
    by the lognormal response delay (mean 48 h, cv 0.8), spread over the day like everyday
    arrivals (flat, 24 h open). Wed 11 Feb (day 9) gets 4,000 x P(24 h <= D < 48 h) on top of its
    2,400 everyday issues, 100 + 4,000 p / 24 per hour in every hour. Nobody repeats or abandons,
    so Erlang C per hour is the fewest n with SL(n) >= 0.8 at that rate and AHT 300 s; Wed 4 Feb
    (day 2) has 100/h only. The peak day's agent hours are 24 x n_peak against 24 x n_ordinary."""
    sc = scenario(INVOICE)
    table = staff(sc, "erlang-c").table
    s2 = math.log1p(0.8**2)
    delay = stats.lognorm(math.sqrt(s2), scale=48 * math.exp(-s2 / 2))

    def share(day: int) -> float:
        """P(the response delay puts a contact on ``day``), over the landings of 10 Feb (day 8)
        and of 10 Jan (day -23: a month before the start still spills into it)."""
        return sum(
            delay.cdf(24 * (day + 1 - land)) - delay.cdf(24 * (day - land)) for land in (8, -23)
        )

    peak_rate = 100 + 4000 * share(9) / 24
    ordinary_rate = 100 + 4000 * share(2) / 24  # 100.0014: the tail of January's run
    day = table["start_min"] // 1440
    peak, ordinary = table[day == 9], table[day == 2]
    assert peak["offered_per_hour"].to_numpy() == pytest.approx(peak_rate, rel=1e-9)
    assert ordinary["offered_per_hour"].to_numpy() == pytest.approx(ordinary_rate, rel=1e-9)
    n_peak = fewest(peak_rate / 3600, 300, 20, 0.8)
    n_ordinary = fewest(ordinary_rate / 3600, 300, 20, 0.8)
    assert (peak["agents"] == n_peak).all()
    assert (ordinary["agents"] == n_ordinary).all()
    hours_ratio = peak["agents"].sum() / ordinary["agents"].sum()
    assert hours_ratio == pytest.approx(n_peak / n_ordinary)
    # staffing grows less than the volume (a larger pool is more efficient), but it grows
    assert 1 < hours_ratio < peak_rate / ordinary_rate


def test_library_invoice_peak_day_needs_more_than_an_ordinary_wednesday():
    """invoice_phase1 shortened to its first 14 days: Wed 11 Feb needs more agent hours than
    Wed 4 Feb (they used to be equal, 442.0 h each: the driver was ignored). The invoice run's
    new issues that day are 6,000 x P(24 h <= D < 48 h) on top of Wednesday's 3,000, checked in
    the demand; repeats and redials come on top, so the hours ratio is at least half the
    new-issue ratio's excess; the invoice calls are longer and resolve less often (FCR 0.55),
    so the workload (offered calls x AHT) grows more than the new issues, and the agent hours
    grow less than that workload (a larger pool is more efficient)."""
    data = yaml.safe_load((ROOT / "scenarios" / "invoice_phase1.yaml").read_text())
    data["horizon"]["days"] = 14
    sc = load_scenario_dict(data, source="invoice_phase1.yaml")
    result = staff(sc, "erlang-a")
    days = result.by_day()
    s2 = math.log1p(0.8**2)
    delay = stats.lognorm(math.sqrt(s2), scale=48 * math.exp(-s2 / 2))
    issues_ratio = (3000 + 6000 * (delay.cdf(48) - delay.cdf(24))) / 3000
    new_issues = result.table["new_issues_per_hour"].to_numpy().reshape(14, -1).sum(axis=1) / 2
    assert new_issues[9] / new_issues[2] == pytest.approx(issues_ratio, rel=1e-3)
    ratio = days["agent_hours"][9] / days["agent_hours"][2]
    load = (result.table["phone_offered_per_hour"] * result.table["aht_s"]).fillna(0.0)
    load_per_day = load.to_numpy().reshape(14, -1).sum(axis=1)
    load_ratio = load_per_day[9] / load_per_day[2]
    assert 1 + (issues_ratio - 1) / 2 < ratio < load_ratio, (ratio, issues_ratio, load_ratio)
    print(f"Wed 4 Feb {days['agent_hours'][2]:.1f} h, Wed 11 Feb {days['agent_hours'][9]:.1f} h")


# -- closed days -----------------------------------------------------------------------------
def test_a_holiday_gets_no_agents_and_its_callers_come_the_day_after():
    """A holiday closes the line all day: every interval 0 offered and 0 agents (spec D8); its
    customers retry after the next opening (calendar.closed_retry), so the next morning is
    busier than the same hours of the day before."""
    sc = scenario(
        {
            "horizon": {"days": 3, "start": "2024-01-01", "interval_minutes": 60},
            "calendar": {"opening_hours": {"mon-fri": "08:00-20:00"}, "holidays": ["2024-01-02"]},
            "arrivals": {"per_hour": None, "per_day": 3000, "intraday": "typical_weekday"},
        }
    )
    for method in ("erlang-c", "erlang-a"):
        table = staff(sc, method).table
        holiday = table[(table["start_min"] // 1440) == 1]
        assert (holiday["agents"] == 0).all()
        assert (holiday["offered_per_hour"] == 0).all()
        before = table["agents"].to_numpy()[8:11].sum()
        after = table["agents"].to_numpy()[48 + 8 : 48 + 11].sum()
        assert after > before


# -- chat ----------------------------------------------------------------------------------------
CHAT_ONLY = {
    "horizon": {"days": 1, "warmup_minutes": 0, "interval_minutes": 60},
    "arrivals": {"per_hour": 100, "channel_mix": {"chat": 1.0}},
    "channels": {
        "phone": {"patience": None},
        "chat": {
            "concurrency": 3,
            "handle_time_factor": 1.5,
            "service_level": {"answer_within_s": 60, "target": 0.8},
        },
    },
}


def test_chat_is_erlang_c_on_slots():
    """Chats only: 100/h, handle 300 s x 1.5 = 450 s, three chats per agent, no slowdown. The
    slots are Erlang C servers: c* = fewest slots with SL(c) >= 0.8 within 60 s, and the agents
    are ceil(c* / 3); nobody is needed on the phone."""
    table = staff(scenario(CHAT_ONLY), "erlang-c").table
    slots = fewest(100 / 3600, 450, 60, 0.8)
    assert (table["chat_agents"] == math.ceil(slots / 3)).all()
    assert (table["phone_agents"] == 0).all()
    assert (table["agents"] == table["chat_agents"]).all()
    assert table["chat_offered_per_hour"].to_numpy() == pytest.approx(100)
    sl = analytic.erlang_c(100 / 3600, 450, 3 * math.ceil(slots / 3), 60).service_level
    assert table["chat_service_level"].iloc[0] == pytest.approx(sl)


def test_chat_slowdown_needs_more_agents_and_is_on_the_safe_side():
    """With slowdown s = 0.5 and k = 3 a full agent works each chat at 1 / (1 + 0.5 x 2) = 1/2
    speed: the slots become servers of 900 s, and more agents are needed than at s = 0. The
    engine's agents with fewer chats work faster than that, so the staffing meets the chat
    target in the simulation (on the mean over replications; constant rate all day)."""
    slow = merge(CHAT_ONLY, {"channels": {"chat": {"concurrency_slowdown": 0.5}}})
    table = staff(scenario(slow), "erlang-c").table
    plain = staff(scenario(CHAT_ONLY), "erlang-c").table
    slots = fewest(100 / 3600, 900, 60, 0.8)
    assert (table["chat_agents"] == math.ceil(slots / 3)).all()
    assert table["chat_agents"].iloc[0] > plain["chat_agents"].iloc[0]
    staffed = merge(
        slow,
        {"replications": 4, "agents": {"headcount": int(table["chat_agents"].iloc[0])}},
    )
    kpis = run(scenario(staffed), workers=1).kpis
    assert kpis["chat_service_level"] >= 0.8, kpis["chat_service_level"]


# -- e-mail --------------------------------------------------------------------------------------
def test_email_fluid_rule_by_hand():
    """E-mails only, 6.3 per hour round the clock (Mon-Wed), 600 s each; business hours
    mon-fri 08:00-16:00; every e-mail within 4 business hours (target 1). First come first
    served at N agents: the 16 h of e-mails from 16:00 to 08:00 (16 x 6.3 x 600 s = 16.8
    agent-hours) must be done by 12:00, and an e-mail at 08:00 + x by 12:00 + x with x x 6.3 x
    600 s more ahead of it: N (4 + x) >= 16.8 + 1.05 x, tightest at x = 0, so N >= 4.2. The
    requirement is 5 agents in every business hour, 4.2 exact (the fluid model counts an e-mail
    at the end of its minute: a little above 4.2), and no agent outside business hours."""
    sc = scenario(
        {
            "horizon": {"days": 3, "start": "2024-01-01", "interval_minutes": 60},
            "calendar": {"opening_hours": {"mon-fri": "08:00-16:00"}},
            "arrivals": {
                "per_hour": 6.3,
                "channel_mix": {"email": 1.0},
                "follow_opening_hours": False,
            },
            "reasons": [
                {
                    "name": "general",
                    "share": 1.0,
                    "handle_time": {"dist": "exponential", "mean_s": 600},
                }
            ],
            "channels": {
                "phone": {"patience": None},
                "email": {"service_level": {"answer_within_h": 4, "target": 1.0}},
            },
        }
    )
    table = staff(sc, "erlang-c").table
    hour = table["start_min"] // 60 % 24
    business = (hour >= 8) & (hour < 16)
    assert (table.loc[business, "email_agents"] == 5).all()
    assert (table.loc[~business, "email_agents"] == 0).all()
    assert table.loc[business, "agents_exact"].to_numpy() == pytest.approx(4.2, rel=0.01)
    assert table["email_received_per_hour"].to_numpy() == pytest.approx(6.3)


# -- agent groups --------------------------------------------------------------------------------
def test_two_groups_each_staffed_for_its_own_reason():
    """Billing (40%) goes to the billing group, the rest (60%) to first line, 300/h in all, AHT
    300 s, phone only. Each group is a pool of its own (no pooling between them): Erlang C at
    120/h and 180/h. D8: agents is their sum, groups names each."""
    sc = scenario(
        {
            "arrivals": {"per_hour": 300},
            "channels": {"phone": {"patience": None}},
            "reasons": [
                {
                    "name": "billing",
                    "share": 0.4,
                    "handle_time": {"dist": "exponential", "mean_s": 300},
                },
                {
                    "name": "other",
                    "share": 0.6,
                    "handle_time": {"dist": "exponential", "mean_s": 300},
                },
            ],
            "agents": {
                "headcount": None,
                "groups": [
                    {"name": "billing desk", "skills": ["billing"], "headcount": 10},
                    {"name": "first line", "skills": ["other"], "headcount": 10},
                ],
            },
        }
    )
    result = staff(sc, "erlang-c")
    billing = fewest(120 / 3600, 300, 20, 0.8)
    other = fewest(180 / 3600, 300, 20, 0.8)
    table = result.table
    assert (table["group:billing desk"] == billing).all()
    assert (table["group:first line"] == other).all()
    assert (table["agents"] == billing + other).all()
    assert fewest(300 / 3600, 300, 20, 0.8) < billing + other  # one pool would need fewer
    row = result.to_json()["intervals"][5]
    assert row["groups"] == {"billing desk": billing, "first line": other}
    assert row["phone_agents"] == billing + other
    assert "group:billing desk" not in row
    json.dumps(result.to_json(), allow_nan=False)


# -- repeats where they arrive -------------------------------------------------------------------
def repeats_case(timing: str, delay_h: float) -> dict:
    """60 new issues between 09:00 and 10:00 on a line open mon-fri 08:00-18:00; half are
    unresolved and call once more after 6 min of handling plus a fixed delay."""
    return {
        "replications": 1,
        "horizon": {"days": 2, "start": "2024-01-01", "interval_minutes": 60},
        "calendar": {
            "opening_hours": {"mon-fri": "08:00-18:00"},
            "closed_retry": {
                "probability": 0.8,
                "delay": {"dist": "deterministic", "value_min": 30},
            },
        },
        "arrivals": {"per_hour": [0] * 9 + [60] + [0] * 14},
        "reasons": [
            {
                "name": "general",
                "share": 1.0,
                "handle_time": {"dist": "deterministic", "value_s": 360},
                "fcr": 0.5,
                "repeat": {
                    "probability": 1.0,
                    "delay": {"dist": "deterministic", "value_h": delay_h},
                    "max_contacts": 2,
                    "timing": timing,
                },
            }
        ],
        "channels": {"phone": {"patience": None}},
        "agents": {"headcount": 30},
    }


@pytest.mark.parametrize(
    ("timing", "delay_h", "expected"),
    [
        # arrivals uniform in [09:00, 10:00) + 6 min + 3 h: [12:06, 13:06): 27 at 12:00, 3 at 13:00
        ("profile", 3, {12: 27.0, 13: 3.0, 24 + 12: 27.0, 24 + 13: 3.0}),
        # + 8 h: [17:06, 18:06): 27 at 17:00; the 3 after 18:00 move into the next open period,
        # placed by the arrival profile: all in 09:00-10:00 of day 2 (on top of its 60 new);
        # day 2's own 3 find no opening left in the horizon
        ("profile", 8, {17: 27.0, 24 + 9: 3.0, 24 + 17: 27.0}),
        # exact: the 3 are refused at 18:00-18:06 and 80% retry 30 min after the 08:00 opening
        ("exact", 8, {17: 27.0, 24 + 8: 2.4, 24 + 17: 27.0}),
    ],
)
def test_repeats_land_where_the_timing_rule_puts_them(timing, delay_h, expected):
    """Hand case with deterministic delays (see the parameters): the expected repeats per
    interval, in the demand and in the staffing's offered calls, and the engine's mean over 200
    replications within a t tolerance."""
    sc = scenario(repeats_case(timing, delay_h))
    demand = expected_demand(sc)
    new = np.zeros(48)
    new[[9, 24 + 9]] = 60.0
    repeats = demand.contacts[PHONE].sum(axis=0) - new
    want = np.zeros(48)
    for i, v in expected.items():
        want[i] = v
    assert repeats == pytest.approx(want, abs=1e-6)
    table = requirement(sc, "erlang-c")
    assert table["offered_per_hour"].to_numpy() == pytest.approx(want + new, abs=1e-6)
    reps = 200  # the engine alone (no KPIs): a few milliseconds each
    offered = np.array(
        [
            np.bincount((np.asarray(simulate(sc, r).arrival) // 3600).astype(int), minlength=48)
            for r in range(reps)
        ]
    )
    for i in [*expected, 9]:
        per_rep = offered[:, i]
        tol = t_tolerance(per_rep.std(ddof=1) / math.sqrt(reps), reps)
        assert abs(per_rep.mean() - (want + new)[i]) <= max(tol, 1e-9), (i, per_rep.mean())


def test_staffing_picture_names_the_dates():
    """staffing.png over two weeks: one tick per date, labelled with weekday and date, so the
    invoice peak (Wed 11-02) is found by its date; the x axis says it is dates."""
    from simulator.present.study_figures import staffing_plot

    result = staff(scenario(INVOICE), "erlang-c")
    ax = staffing_plot(result).axes[0]
    labels = [tick.get_text() for tick in ax.get_xticklabels()]
    assert labels[0] == "Mon 02-02"
    assert "Wed 11-02" in labels
    assert len(labels) == 14
    assert ax.get_xlabel() == "Date"


def third_party_case(on_time: float) -> dict:
    """60 new issues between 09:00 and 10:00 (line open round the clock), 6 min each; every
    contact hands its issue to a back office that works it in 30 min and has an agent call the
    customer back (2 min), or, not taken up on time, misses its 1-hour promise; a customer makes
    at most two contacts."""
    return {
        "horizon": {"days": 1, "interval_minutes": 60},
        "arrivals": {"per_hour": [0] * 9 + [60] + [0] * 14},
        "reasons": [
            {
                "name": "delivery",
                "share": 1.0,
                "handle_time": {"dist": "deterministic", "value_s": 360},
                "repeat": {
                    "probability": 1.0,
                    "delay": {"dist": "deterministic", "value_h": 1},
                    "max_contacts": 2,
                },
                "third_party": {"party": "office", "probability": 1.0},
            }
        ],
        "third_parties": [
            {
                "name": "office",
                "staff": 60,
                "work_time": {"dist": "deterministic", "value_min": 30},
                "callback_within_h": 1,
                "on_time_probability": on_time,
                "late_delay": {"dist": "deterministic", "value_h": 48},
                "callback_by": "agent",
                "callback_handle_time": {"dist": "deterministic", "value_s": 120},
            }
        ],
        "channels": {"phone": {"patience": None}},
        "agents": {"headcount": 40},
    }


def test_third_party_callbacks_and_missed_promises_land_where_they_come():
    """On time: each of the 60 answered contacts (arrived uniformly in [09:00, 10:00)) gets an
    agent's callback 6 + 30 min later, in [09:36, 10:36): 24 at 09:00, 36 at 10:00, 2 min of
    phone work each, and no contact back (the callback resolves). Never on time: the promise is
    missed 6 min + 1 h after the contact, and the customer calls again then, in [10:06, 11:06):
    54 at 10:00 and 6 at 11:00 (checked against the engine over 200 replications)."""
    on_time = expected_demand(scenario(third_party_case(1.0)))
    want = np.zeros(24)
    want[[9, 10]] = 24.0, 36.0
    assert on_time.callbacks[0] == pytest.approx(want, abs=1e-6)
    assert on_time.callback_handle_s[0] == pytest.approx(120.0)
    assert on_time.contacts[PHONE, 0].sum() == pytest.approx(60.0)
    table = requirement(scenario(third_party_case(1.0)), "erlang-c")
    assert table["callbacks_per_hour"].to_numpy() == pytest.approx(want, abs=1e-6)
    sc = scenario(third_party_case(0.0))
    missed = expected_demand(sc).contacts[PHONE, 0]
    want = np.zeros(24)
    want[[9, 10, 11]] = 60.0, 54.0, 6.0
    assert missed == pytest.approx(want, abs=1e-6)
    reps = 200
    offered = np.array(
        [
            np.bincount((np.asarray(simulate(sc, r).arrival) // 3600).astype(int), minlength=24)
            for r in range(reps)
        ]
    )
    for i in (10, 11):
        per_rep = offered[:, i]
        tol = t_tolerance(per_rep.std(ddof=1) / math.sqrt(reps), reps)
        assert abs(per_rep.mean() - want[i]) <= max(tol, 1e-9), (i, per_rep.mean())


def test_escalations_staff_the_group_they_go_to():
    """Spec D4: 20% of the 300 calls an hour are escalated to a second line that has no
    reasons of its own (skills: []), for 600 s each. Once the first leg's 300 s have passed,
    the second line gets 60 calls an hour: Erlang C at 60/h and 600 s; the first line at 300/h
    and 300 s (a cold escalation frees the first agent)."""
    sc = scenario(
        {
            "arrivals": {"per_hour": 300},
            "channels": {"phone": {"patience": None}},
            "reasons": [
                {
                    "name": "general",
                    "share": 1.0,
                    "handle_time": {"dist": "exponential", "mean_s": 300},
                    "escalation": {
                        "to": "second line",
                        "probability": 0.2,
                        "handle_time": {"dist": "exponential", "mean_s": 600},
                    },
                }
            ],
            "agents": {
                "headcount": None,
                "groups": [
                    {"name": "first line", "headcount": 30},
                    {"name": "second line", "skills": [], "headcount": 15},
                ],
            },
        }
    )
    table = staff(sc, "erlang-c").table.iloc[4:]
    assert (table["group:second line"] == fewest(60 / 3600, 600, 20, 0.8)).all()
    assert (table["group:first line"] == fewest(300 / 3600, 300, 20, 0.8)).all()
    assert table["escalations_per_hour"].to_numpy() == pytest.approx(60.0)
