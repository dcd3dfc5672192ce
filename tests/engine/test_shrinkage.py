"""Shrinkage in the simulation (spec D11): breaks, absence and off-phone time off the line.

Each test states the expectation it derives by hand. Where the outcome is random the tolerance
comes from the number of draws (binomial) or replications (t, as in test_model_vs_analytic).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

from simulator.analytic import erlang_c
from simulator.engine.center import simulate
from simulator.errors import ScenarioError
from simulator.results.kpis import interval_table, replication_kpis
from simulator.runs.replications import run
from simulator.scenario.models import Breaks, Horizon, Staffing
from simulator.scenario.steps import (
    break_windows,
    duty_stretches,
    most_on_break,
    off_phone_blocks,
)
from tests.conftest import scenario, t_tolerance

EIGHT_HOURS = {"headcount": None, "shifts": [{"start": "08:00", "end": "16:00", "agents": 10}]}
NO_CALLS = {"per_hour": 1e-9}  # practically nobody calls: agents leave exactly when due


def build(agents: dict[str, Any], **changes: Any) -> Any:
    return scenario({"agents": agents, "horizon": {"days": 1, "warmup_minutes": 0}, **changes})


def kpis(sc, replication: int = 0) -> dict[str, float]:
    return replication_kpis(simulate(sc, replication), sc)


def max_level(times, levels) -> int:
    """The highest level that holds for a while (a break that starts at the very moment another
    ends is logged as a level for no time, before the other agent's return)."""
    t, n = np.asarray(times), np.asarray(levels)
    held = np.append(np.diff(t) > 1e-6, True)
    return int(n[held].max()) if len(n) else 0


# -- the placement rule -------------------------------------------------------------------------
def test_ten_agents_eight_hours_one_half_hour_break_each():
    """10 agents x 8 h, one 30-min break each (every_h 4: break 1 at 4 h fits, break 2 at 8 h
    does not), no contacts: paid 10 x 8 = 80 h, breaks 10 x 0.5 = 5 h, so available 75 h and
    simulated shrinkage 5 / 80 = 1/16, exactly (nobody is held by a contact)."""
    sc = build({**EIGHT_HOURS, "breaks": {"every_h": 4, "minutes": 30}}, arrivals=NO_CALLS)
    k = kpis(sc)
    assert k["agent_hours"] == 80.0
    assert k["available_hours"] == 75.0
    assert k["simulated_shrinkage"] == 1 / 16
    assert len(break_windows(8 * 3600, 16 * 3600, 10, sc.agents.breaks)) == 10


@pytest.mark.parametrize(
    ("agents", "minutes", "stagger"),
    [(10, 15, 60), (10, 30, 60), (7, 20, 30), (40, 15, 60), (3, 30, 0), (25, 10, 120)],
)
def test_staggered_breaks_never_exceed_the_documented_number(agents, minutes, stagger):
    """Starts are stagger / agents apart and each break lasts ``minutes``, so at most
    ceil(agents x minutes / stagger) overlap (all of them with no stagger); checked on the
    windows and on the engine's away level with no load."""
    breaks = Breaks(every_h=4, minutes=minutes, stagger_minutes=stagger)
    limit = most_on_break(agents, breaks)
    assert limit == (agents if stagger == 0 else min(agents, math.ceil(agents * minutes / stagger)))
    windows = break_windows(0.0, 8 * 3600.0, agents, breaks)
    edges = sorted({t for s, e, _ in windows for t in (s, e)})
    on_break = [sum(s <= t < e for s, e, _ in windows) for t in edges]
    assert max(on_break) <= limit
    assert max(on_break) >= limit - 1  # the bound is tight, not vacuous
    sc = build(
        {
            "headcount": None,
            "shifts": [{"start": "00:00", "end": "08:00", "agents": agents}],
            "breaks": {"every_h": 4, "minutes": minutes, "stagger_minutes": stagger},
        },
        arrivals=NO_CALLS,
    )
    rec = simulate(sc, 0)
    assert max_level(rec.away_time, rec.away_level) <= limit


def test_a_break_is_placed_only_when_it_fits_the_stretch():
    """every_h 4, 30 min, stagger 60: break k ends for the last agent at 4k h + 30 + 30 min.
    A 4.5 h stretch has none (4 h 60 min > 4.5 h), a 5 h one has one, a 12 h one two (the third
    would end at 13 h)."""
    b = Breaks(every_h=4, minutes=30)
    assert break_windows(0, 4.5 * 3600, 5, b) == []
    assert len(break_windows(0, 5 * 3600, 5, b)) == 5
    assert len(break_windows(0, 12 * 3600, 5, b)) == 10


def test_stretches_of_a_per_interval_plan_stack_agents():
    """Hourly plan 0 until 08, 2 until 10, 5 until 14, 3 until 16, 1 until 18: the first agent
    works 08-18, the second 08-16, the third 10-16, the fourth and fifth 10-14; 5 slots."""
    per_hour = [0] * 8 + [2] * 2 + [5] * 4 + [3] * 2 + [1] * 2 + [0] * 6
    plan = Staffing(per_interval=[n for n in per_hour for _ in range(2)])
    stretches, slots = duty_stretches(plan, Horizon(days=1))
    h = 3600.0
    assert slots == 5
    assert [(s, e, first, n) for s, e, first, n, _ in stretches] == [
        (8 * h, 18 * h, 0, 1),
        (8 * h, 16 * h, 1, 1),
        (10 * h, 16 * h, 2, 1),
        (10 * h, 14 * h, 3, 2),
    ]


def test_a_headcount_breaks_every_day_from_midnight():
    """A headcount is on duty all day, every day: its stretches are the days. every_h 4, 15 min,
    stagger 60: breaks at 4, 8, 12, 16, 20 h (24 h does not fit): 5 per agent and day, so 6
    agents x 2 days lose 6 x 2 x 5 x 0.25 = 15 h of 288 paid hours."""
    sc = build(
        {"headcount": 6, "breaks": {"every_h": 4, "minutes": 15}},
        arrivals=NO_CALLS,
        horizon={"days": 2, "warmup_minutes": 0},
    )
    k = kpis(sc)
    assert k["agent_hours"] == 288.0
    assert k["available_hours"] == pytest.approx(288.0 - 15.0, abs=1e-9)


def test_a_shift_overrides_the_agents_breaks():
    """agents.breaks 30 min; the late shift says minutes 0 (none): only the early shift's 10
    agents break, 10 x 0.5 = 5 h of 160 paid hours."""
    sc = build(
        {
            "headcount": None,
            "shifts": [
                {"start": "06:00", "end": "14:00", "agents": 10},
                {
                    "start": "14:00",
                    "end": "22:00",
                    "agents": 10,
                    "breaks": {"every_h": 4, "minutes": 0},
                },
            ],
            "breaks": {"every_h": 4, "minutes": 30},
        },
        arrivals=NO_CALLS,
    )
    k = kpis(sc)
    assert (k["agent_hours"], k["available_hours"]) == (160.0, 155.0)


def test_groups_take_breaks_each_in_their_own_staffing():
    """Two groups, 4 agents always on duty and a 10-agent 8-hour shift, every_h 4, 30 min:
    4 agents x 5 breaks (4..20 h) x 0.5 h = 10 h, plus 10 x 0.5 = 5 h; paid 96 + 80 = 176 h."""
    sc = build(
        {
            "headcount": None,
            "groups": [
                {"name": "a", "headcount": 4},
                {"name": "b", "shifts": [{"start": "08:00", "end": "16:00", "agents": 10}]},
            ],
            "breaks": {"every_h": 4, "minutes": 30},
        },
        arrivals=NO_CALLS,
    )
    k = kpis(sc)
    assert k["agent_hours"] == 176.0
    assert k["available_hours"] == pytest.approx(176.0 - 15.0, abs=1e-9)


# -- absence --------------------------------------------------------------------------------------
def test_absence_share_is_binomial_and_paid():
    """Each of 20 agents on each of 30 days is absent with p = 0.1 (600 agent-days per
    replication, 3 replications: n = 1800). The absent share of paid hours is the absent share
    of agent-days (everyone works whole days); it lies within 4 sd = 4 sqrt(p (1 - p) / n) of p.
    Paid hours stay 20 x 24 x 30 = 14,400 h whatever is drawn."""
    p, n_agents, days = 0.1, 20, 30
    sc = build(
        {"headcount": n_agents, "absence": p},
        arrivals=NO_CALLS,
        horizon={"days": days, "warmup_minutes": 0},
    )
    shares = []
    for r in range(3):
        k = kpis(sc, r)
        assert k["agent_hours"] == n_agents * 24 * days
        shares.append(k["simulated_shrinkage"])
    n = 3 * n_agents * days
    assert abs(np.mean(shares) - p) <= 4 * math.sqrt(p * (1 - p) / n)
    assert len(set(shares)) == 3  # each replication draws its own


def test_absent_agents_do_not_come_and_take_no_breaks():
    """absence 1: nobody comes, so nothing is available and no break is taken (an absent
    agent's break does not take another agent off the line)."""
    sc = build({**EIGHT_HOURS, "absence": 1.0, "breaks": {"every_h": 4, "minutes": 30}})
    rec = simulate(sc, 0)
    k = replication_kpis(rec, sc)
    assert (k["agent_hours"], k["available_hours"], k["answered"]) == (80.0, 0.0, 0.0)
    assert max_level(rec.away_time, rec.away_level) == 0


# -- off-phone time -------------------------------------------------------------------------------
def test_off_phone_share_without_load_is_exact():
    """off_phone 0.1: each of 10 agents is off the phone 0.1 x 8 h = 48 min in one block, so
    exactly 8 of 80 hours; the blocks are spread so that at most ceil(10 x 0.1) + 1 = 2 are away
    at once."""
    sc = build({**EIGHT_HOURS, "off_phone": 0.1}, arrivals=NO_CALLS)
    rec = simulate(sc, 0)
    k = replication_kpis(rec, sc)
    assert k["agent_hours"] == 80.0
    assert k["available_hours"] == pytest.approx(72.0, abs=1e-9)
    assert max_level(rec.away_time, rec.away_level) <= 2
    blocks = off_phone_blocks(0.0, 8 * 3600.0, 10, 0.1)
    assert sum(e - s for s, e, _ in blocks) == pytest.approx(8 * 3600.0)


def test_off_phone_share_with_load_within_tolerance():
    """With calls an agent finishes its contact before the block and then takes all of it, so
    the off-phone time is still 0.1 of the present time but a block may run past the end of a
    day (and past the horizon): the measured share (away / paid, nothing else simulated) is
    0.1 within a small edge effect (here 2 points)."""
    sc = build(
        {"headcount": 30, "off_phone": 0.1},
        arrivals={"per_hour": 300},
        reasons=[
            {"name": "g", "share": 1.0, "handle_time": {"dist": "exponential", "mean_s": 240}}
        ],
        horizon={"days": 3, "warmup_minutes": 0},
    )
    k = kpis(sc)
    assert abs(k["simulated_shrinkage"] - 0.1) < 0.02


# -- with load: occupancy on available time, and fewer agents in effect ------------------------
def _loaded(agents: dict[str, Any], reps: int = 6) -> Any:
    """M/M/c: 160 calls/h of 3 min (8 Erlang), nobody abandons, 2 days."""
    sc = scenario(
        {
            "replications": reps,
            "horizon": {"days": 2, "warmup_minutes": 60},
            "arrivals": {"per_hour": 160},
            "reasons": [
                {"name": "x", "share": 1.0, "handle_time": {"dist": "exponential", "mean_s": 180}}
            ],
            "channels": {"phone": {"patience": None}},
            "agents": agents,
        }
    )
    return run(sc, workers=1).summary


def test_occupancy_is_busy_over_available_time():
    """12 agents, off_phone 1/6: blocks of 4 h started every 2 h, so 2 agents are away at any
    moment, 10 available. Busy time is the offered load, 8 Erlang, whatever the staffing, so
    occupancy = 8 / available agents = 0.8 (not 8 / 12 = 0.67); per replication it equals the
    busy hours over available_hours."""
    s = _loaded({"headcount": 12, "off_phone": 1 / 6})
    available = s["available_hours"] / s["agent_hours"] * 12
    assert available.mean() == pytest.approx(10.0, abs=0.1)
    occ = s["occupancy"].to_numpy()
    se = occ.std(ddof=1) / math.sqrt(len(occ))
    assert abs(occ.mean() - 8 / 10) <= max(t_tolerance(se, len(occ)), 0.01)
    assert s["agent_hours"].iloc[0] == pytest.approx(12 * (48 - 1))


def test_breaks_that_remove_a_known_share_act_like_fewer_agents():
    """Erlang C, 8 Erlang: ASA 6.3 s with 12 agents, 36.8 s with 10. Breaks every 2 h of 20 min,
    their starts 10 min apart (stagger 120 min): 2 of the 12 agents on break most of the day
    (about 15% simulated shrinkage, 10.2 agents on average). The center must then wait
    clearly longer than 12 agents (direction) and about as long as 10 (size: within a factor
    1.6 of Erlang C at 10 agents)."""
    with12 = erlang_c(160 / 3600, 180, 12, 20).asa_s
    with10 = erlang_c(160 / 3600, 180, 10, 20).asa_s
    s = _loaded({"headcount": 12, "breaks": {"every_h": 2, "minutes": 20, "stagger_minutes": 120}})
    assert s["simulated_shrinkage"].mean() == pytest.approx(0.15, abs=0.02)
    asa = s["asa_s"].to_numpy()
    se = asa.std(ddof=1) / math.sqrt(len(asa))
    assert asa.mean() - t_tolerance(se, len(asa)) > with12
    assert with10 / 1.6 < asa.mean() < with10 * 1.6
    plain = _loaded({"headcount": 12})
    assert plain["simulated_shrinkage"].eq(0).all()
    assert (plain["agent_hours"] == plain["available_hours"]).all()


# -- input ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("agents", "field"),
    [
        ({"absence": 1.5}, "agents.absence"),
        ({"off_phone": 1.0}, "agents.off_phone"),
        ({"breaks": {"every_h": 0, "minutes": 15}}, "agents.breaks.every_h"),
        ({"breaks": {"minutes": 15}}, "agents.breaks.every_h"),
        ({"breaks": {"every_h": 4, "minutes": 15, "lunch": 30}}, "agents.breaks.lunch"),
    ],
)
def test_bad_shrinkage_keys_are_scenario_errors(agents, field):
    with pytest.raises(ScenarioError, match=field.replace(".", r"\.")):
        scenario({"agents": agents})


def test_interval_table_shows_scheduled_next_to_available():
    """10 agents 08-16 with a 30-min break each: 10 scheduled in each interval of the shift;
    the available agents in the intervals around 4 h into it are fewer, and over the day the
    two differ by the 5 break hours."""
    sc = build({**EIGHT_HOURS, "breaks": {"every_h": 4, "minutes": 30}}, arrivals=NO_CALLS)
    table = interval_table(simulate(sc, 0), sc)
    shift = table[(table["start_min"] >= 480) & (table["start_min"] < 960)]
    assert (shift["agents_scheduled"] == 10).all()
    lost = (table["agents_scheduled"] - table["agents_on_duty"]).sum() * 0.5
    assert lost == pytest.approx(5.0)
    assert shift["agents_on_duty"].min() < 10


# -- FTE and validate: shrinkage counted once ----------------------------------------------------
def test_fte_counts_shrinkage_once():
    """FTE = hours / (36 h x 1/7 weeks) / (1 - s). Stated shrinkage 0.30 and simulated breaks of
    1/16 (10 x 8 h, 30 min each): the analytic agents are on the line, so s is the simulated
    1/16 alone, not 0.30 and not both (1 - 0.7 x 15/16); a simulation's agents are paid agents
    who already take their breaks, so s = 0 there (with_staffing keeps the breaks). Without
    simulated shrinkage FTE divides by 1 - 0.30 as before."""
    from simulator.studies.staffing import staff_analytic, with_staffing

    agents = {**EIGHT_HOURS, "breaks": {"every_h": 4, "minutes": 30}, "shrinkage": 0.3}
    sc = build(agents, channels={"phone": {"patience": None}})
    result = staff_analytic(sc, "erlang-c")
    assert result.applied_shrinkage == pytest.approx(1 / 16)
    hours = result.agent_hours
    assert result.fte == pytest.approx(hours / (36.0 / 7.0) / (15 / 16))
    assert result.to_json()["fte_shrinkage"] == pytest.approx(1 / 16)
    plain = staff_analytic(
        build({"headcount": 10}, channels={"phone": {"patience": None}}), "erlang-c"
    )
    assert plain.fte == pytest.approx(plain.agent_hours / (36.0 / 7.0) / 0.7)
    candidate = with_staffing(sc, np.full(sc.horizon.intervals_per_day, 10), None)
    assert candidate.agents.breaks == sc.agents.breaks
    assert candidate.agents.simulates_shrinkage


def test_validate_warns_when_shrinkage_is_stated_and_simulated():
    """A stated shrinkage beside simulated breaks would count the same time twice: a warning; the
    default shrinkage (not stated) or no simulated shrinkage: none."""
    from simulator.present.warnings import shrinkage_warning

    breaks = {"every_h": 4, "minutes": 15}
    assert "agents.shrinkage" in shrinkage_warning(
        build({"headcount": 5, "breaks": breaks, "shrinkage": 0.3})
    )
    assert shrinkage_warning(build({"headcount": 5, "breaks": breaks})) is None
    assert shrinkage_warning(build({"headcount": 5, "shrinkage": 0.3})) is None
    assert shrinkage_warning(build({"headcount": 5, "absence": 0.05, "shrinkage": 0.1})) is not None


@pytest.mark.parametrize(
    "agents",
    [
        {
            "headcount": None,
            "shifts": [
                {"start": "00:00", "end": "12:00", "agents": 50},
                {"start": "08:00", "end": "24:00", "agents": 45},
            ],
        },
        {"headcount": None, "per_interval": [60] * 16 + [95] * 16 + [70] * 16},
    ],
    ids=["shifts", "per_interval"],
)
def test_breaks_of_zero_minutes_change_no_number(agents):
    """Breaks of 0 minutes switch the roster's duty stretches on but take nobody off the line:
    every KPI equals the scenario's without them (the stretches give the same plan)."""
    plain = simulate(scenario({"agents": agents}), 0)
    zero = scenario({"agents": {**agents, "breaks": {"every_h": 4, "minutes": 0}}})
    assert zero.agents.simulates_shrinkage
    a = replication_kpis(plain, scenario({"agents": agents}))
    b = replication_kpis(simulate(zero, 0), zero)
    assert {k: v for k, v in a.items() if v == v} == {k: v for k, v in b.items() if v == v}


def test_a_break_that_runs_past_its_shift_ends_with_it():
    """One agent 06-14 with a 30-min break due at 13:30 (every_h 7.5, no stagger: it ends at
    14:00, the shift's end), one agent 14-22 without breaks. Calls of 20 min keep the first
    agent busy, so it leaves for its break only when its call ends, after 13:30, and the break
    would run past 14:00. The break ends with the shift: the second agent is on duty from 14:00
    on, exactly one agent the whole interval 14:00-14:30, and the first never comes back."""
    sc = build(
        {
            "headcount": None,
            "shifts": [
                {
                    "start": "06:00",
                    "end": "14:00",
                    "agents": 1,
                    "breaks": {"every_h": 7.5, "minutes": 30, "stagger_minutes": 0},
                },
                {"start": "14:00", "end": "22:00", "agents": 1},
            ],
        },
        arrivals={"per_hour": 6},
        reasons=[
            {"name": "x", "share": 1.0, "handle_time": {"dist": "deterministic", "value_min": 20}}
        ],
        channels={"phone": {"patience": None}},
    )
    rec = simulate(sc, 0)
    table = interval_table(rec, sc).set_index("start_min")
    assert table.loc[13.5 * 60, "agents_on_duty"] < 1  # the first agent took its break late
    assert table.loc[14 * 60, "agents_on_duty"] == 1.0
    assert table.loc[14 * 60, "agents_scheduled"] == 1.0
