"""``ccsim staff`` (issue 5): analytic staffing against analytic.py, minimality, FTE, caps, output
files, and spec C's low-FCR comparison of Erlang C with the simulation method.

Scenarios are one day with few replications so the whole file runs in seconds.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

from simulator import analytic
from simulator.cli import app
from simulator.engine import timeline
from simulator.runs.replications import run
from simulator.scenario.loading import load_scenario_dict
from simulator.scenario.models import Scenario
from simulator.scenario.steps import agent_steps
from simulator.studies.staffing import (
    StaffingError,
    answered_share,
    attempts_per_contact,
    customer_contacts_per_issue,
    interval_means,
    open_demand,
    open_minutes,
    staff,
    with_group_staffing,
    with_staffing,
    workload,
)
from tests.conftest import merge, scenario, t_tolerance

ROOT = Path(__file__).resolve().parents[2]

# A day with a morning peak, an evening dip and a quiet night (60-minute intervals).
PEAKED = [5] * 7 + [150, 300, 400, 380, 300] + [250] * 6 + [120, 80, 40, 20, 10, 5]
VARYING = {
    "horizon": {"days": 1, "warmup_minutes": 0, "interval_minutes": 60},
    "arrivals": {"per_hour": PEAKED},
    "reasons": [
        {
            "name": "billing",
            "share": 0.6,
            "handle_time": {"dist": "lognormal", "mean_s": 240, "cv": 0.8},
            "wrap_up_s": 30,
        },
        {"name": "other", "share": 0.4, "handle_time": {"dist": "exponential", "mean_s": 180}},
    ],
}
AHT_VARYING = 0.6 * (240 + 30) + 0.4 * 180


def low_fcr(fcr: float = 0.5) -> Scenario:
    """Spec C: scenarios/staffing_low_fcr.yaml (FCR 0.5, repeat probability 0.9 within minutes,
    nobody abandons, 100 new issues/h for one day), with its FCR set to ``fcr``."""
    data = yaml.safe_load((ROOT / "scenarios" / "staffing_low_fcr.yaml").read_text())
    data["reasons"][0]["fcr"] = fcr
    return load_scenario_dict(data, source="staffing_low_fcr.yaml")


def test_a2b_json_on_the_minimal_scenario():
    """Spec A2b on the A1 file, as a script sees it: one JSON object on stdout, the keys and the
    numbers of the example (82 agents, 81.83 exact, 1968 agent hours, 546.7 FTE)."""
    proc = subprocess.run(
        [sys.executable, "-m", "simulator.cli", "staff", "scenarios/minimal.yaml", "--json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)  # exactly one object: json.loads refuses trailing text
    assert out["method"] == "erlang-a"
    assert out["demand"] == "contacts"
    assert out["service_level"] == {"answer_within_s": 20, "target": 0.8}
    assert len(out["intervals"]) == 48
    keys = {"start_min", "offered_per_hour", "agents", "agents_exact", "service_level"}
    keys |= {"abandon_rate", "occupancy"}
    for i, row in enumerate(out["intervals"]):
        assert keys <= row.keys()
        assert row["start_min"] == 30 * i
        assert row["offered_per_hour"] == pytest.approx(1000.0)
        assert row["agents"] == 82
        assert row["agents_exact"] == pytest.approx(81.83, abs=0.005)
        assert row["service_level"] == pytest.approx(0.804, abs=0.0005)
        assert row["abandon_rate"] == pytest.approx(0.062, abs=0.0005)
        assert row["occupancy"] == pytest.approx(0.953, abs=0.0005)
    assert out["agent_hours"] == pytest.approx(1968.0)
    assert out["fte"] == pytest.approx(546.7, abs=0.05)


@pytest.mark.parametrize("method", ["erlang-c", "erlang-a"])
def test_intervals_equal_analytic_and_are_minimal(method):
    """Every interval's KPIs are analytic.py's at the agents found; one agent fewer misses the
    target; agents_exact lies in (agents - 1, agents]; nothing is rounded before summing."""
    sc = scenario(VARYING)
    result = staff(sc, method)
    sl = sc.channels.phone.service_level
    assert len(result.table) == 24
    for row in result.table.to_dict("records"):
        rate = PEAKED[int(row["start_min"]) // 60] / 3600.0
        n = int(row["agents"])
        assert row["offered_per_hour"] == pytest.approx(rate * 3600)

        def kpis(agents: int, rate: float = rate) -> tuple[float, float, float]:
            if method == "erlang-c":
                c = analytic.erlang_c(rate, AHT_VARYING, agents, sl.answer_within_s)
                return c.service_level, 0.0, c.occupancy
            a = analytic.erlang_a(rate, AHT_VARYING, agents, 120.0, sl.answer_within_s)
            return a.service_level, a.p_abandon, a.occupancy

        assert (row["service_level"], row["abandon_rate"], row["occupancy"]) == pytest.approx(
            kpis(n), rel=1e-9
        )
        assert row["service_level"] >= sl.target
        assert kpis(n - 1)[0] < sl.target, f"{n - 1} agents would do at {row['start_min']} min"
        assert n - 1 < row["agents_exact"] <= n
    assert result.agent_hours == result.table["agents"].sum()  # 60-minute intervals
    assert result.agent_hours_exact == pytest.approx(result.table["agents_exact"].sum())
    assert result.agent_hours_exact < result.agent_hours


def test_agents_exact_interpolates_the_service_level():
    """agents_exact is where the line through SL(n - 1) and SL(n) crosses the target."""
    result = staff(scenario(), "erlang-a")  # the A1 model: 1000/h, AHT 300 s, patience 120 s
    row = result.table.iloc[0]
    n = int(row["agents"])
    below = analytic.erlang_a(1000 / 3600, 300, n - 1, 120, 20).service_level
    at = analytic.erlang_a(1000 / 3600, 300, n, 120, 20).service_level
    assert row["agents_exact"] == pytest.approx(n - 1 + (0.8 - below) / (at - below))


def test_fte_formula():
    """fte = agent_hours / (hours_per_fte_week x days / 7) / (1 - shrinkage), over 2 days."""
    sc = scenario(
        {
            "horizon": {"days": 2, "warmup_minutes": 0, "interval_minutes": 30},
            "agents": {"headcount": 90, "shrinkage": 0.25, "hours_per_fte_week": 38},
        }
    )
    result = staff(sc, "erlang-a")
    assert len(result.table) == 96
    assert result.table["start_min"].iloc[-1] == 2 * 1440 - 30
    assert result.agent_hours == pytest.approx(82 * 0.5 * 96)
    assert result.fte == pytest.approx(82 * 48 / (38 * 2 / 7) / 0.75)
    out = result.to_json()
    assert out["fte"] == pytest.approx(result.fte, abs=1e-5)
    assert out["fte_exact"] == pytest.approx(result.agent_hours_exact / (38 * 2 / 7) / 0.75, 1e-6)


def test_max_occupancy_and_max_abandon_caps():
    """A cap that binds raises the staffing to the fewest agents meeting it, and no further."""
    sc = scenario()
    plain = staff(sc, "erlang-a").table.iloc[0]
    capped = staff(sc, "erlang-a", max_occupancy=0.85).table.iloc[0]
    n = int(capped["agents"])
    assert capped["occupancy"] <= 0.85 < plain["occupancy"]
    assert analytic.erlang_a(1000 / 3600, 300, n - 1, 120, 20).occupancy > 0.85
    assert n - 1 < capped["agents_exact"] <= n
    c = staff(sc, "erlang-c", max_occupancy=0.85).table.iloc[0]
    assert int(c["agents"]) == math.ceil(1000 * 300 / 3600 / 0.85)  # Erlang C: load / n
    ab = staff(sc, "erlang-a", max_abandon=0.01).table.iloc[0]
    assert ab["abandon_rate"] <= 0.01
    assert analytic.erlang_a(1000 / 3600, 300, int(ab["agents"]) - 1, 120, 20).p_abandon > 0.01


def test_contacts_per_issue_closed_form():
    """The truncated geometric series against a direct sum over the journey."""

    def direct(f1: float, f2: float, p: float, m: int | None, q: float) -> float:
        reach, total = 1.0, 0.0
        for k in range(1, (m or 10_000) + 1):
            total += reach
            reach *= q * (1 - (f1 if k == 1 else f2)) * p
        return total

    for f1, f2, p, m, q in [
        (0.5, 0.5, 0.9, None, 1.0),
        (0.5, 0.7, 0.85, 5, 1.0),
        (0.3, 0.6, 1.0, 3, 0.9),
        (0.0, 0.0, 1.0, 4, 1.0),
        (1.0, 0.2, 0.9, None, 1.0),
    ]:
        closed = customer_contacts_per_issue(f1, f2, p, m, q)
        assert closed == pytest.approx(direct(f1, f2, p, m, q)), (f1, f2, p, m, q)
    # spec C: 1 / (1 - (1 - f) p) without a limit
    assert customer_contacts_per_issue(0.5, 0.5, 0.9, None) == pytest.approx(1 / (1 - 0.45))


def test_demand_contacts_includes_repeats_and_redials():
    """Default demand: new issues x contacts per issue once the repeats of earlier hours arrive
    (the repeat delay is 4 min of handling + 10 min on average, so from the third hour on the
    rate is in its steady state 100 / (1 - 0.45)); the first hour has fewer (its repeats are
    still to come). --demand issues: new issues only."""
    sc = low_fcr(0.5)
    contacts = staff(sc, "erlang-c").table
    issues = staff(sc, "erlang-c", "issues").table
    steady = contacts["offered_per_hour"].iloc[6:]
    assert steady.to_numpy() == pytest.approx(100 / (1 - 0.5 * 0.9), rel=1e-5)
    assert 100 < contacts["offered_per_hour"].iloc[0] < 100 / (1 - 0.5 * 0.9)
    assert issues["offered_per_hour"].iloc[0] == pytest.approx(100)
    # Redials: every abandoned call is redialled once (max 2 attempts) -> fixed point in Erlang A.
    redial = {
        "channels": {
            "phone": {
                "redial": {
                    "probability": 1.0,
                    "delay": {"dist": "exponential", "mean_min": 5},
                    "max_attempts": 2,
                }
            }
        }
    }
    row = staff(scenario(redial), "erlang-a").table.iloc[0]
    assert row["offered_per_hour"] == pytest.approx(1000 * (1 + row["abandon_rate"]), rel=1e-6)
    w = workload(low_fcr(0.5), "contacts")
    assert w.per_issue(0.0)[0] == pytest.approx(1 / (1 - 0.45))


def test_bad_requests_exit_2(tmp_path):
    """Bad options are CcsimErrors: a one-line message and exit code 2, no traceback."""
    with pytest.raises(StaffingError, match="patience"):
        staff(low_fcr(0.5), "erlang-a")
    with pytest.raises(StaffingError, match="--demand issues"):
        staff(low_fcr(0.5), "simulation", "issues")
    with pytest.raises(StaffingError, match="max-occupancy"):
        staff(scenario(), "erlang-c", max_occupancy=1.5)
    runner = CliRunner()
    minimal = str(ROOT / "scenarios" / "minimal.yaml")
    result = runner.invoke(app, ["staff", minimal, "--method", "erlang-b"])
    assert result.exit_code == 2
    assert "erlang-c, erlang-a, simulation" in result.output
    assert "Traceback" not in result.output


def test_table_and_out_folder(tmp_path):
    """The table names every interval and the totals; --out writes CSV, Parquet and PNG that
    hold the same numbers as --json; a second --out into the same folder needs --force."""
    path = tmp_path / "s.yaml"
    path.write_text((ROOT / "scenarios" / "minimal.yaml").read_text())
    runner = CliRunner()
    shown = runner.invoke(app, ["staff", str(path), "--method", "erlang-c"])
    assert shown.exit_code == 0, shown.output
    assert "23:30" in shown.output
    assert "2,184.0 h" in shown.output  # 91 agents x 24 h
    out = tmp_path / "out"
    plot = tmp_path / "plot.png"
    args = ["staff", str(path), "--out", str(out), "--plot", str(plot), "--json"]
    done = runner.invoke(app, args)
    assert done.exit_code == 0, done.output
    data = json.loads(done.stdout)
    csv = pd.read_csv(out / "staffing.csv")
    parquet = pd.read_parquet(out / "staffing.parquet")
    pd.testing.assert_frame_equal(csv, parquet, check_dtype=False)
    assert list(csv["agents"]) == [r["agents"] for r in data["intervals"]]
    for png in (out / "staffing.png", plot):
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    again = runner.invoke(app, args)
    assert again.exit_code == 2
    assert "--force" in again.output
    assert runner.invoke(app, [*args, "--force"]).exit_code == 0


@pytest.mark.slow
def test_low_fcr_erlang_c_against_simulation():
    """Spec C: with FCR 0.5 and repeat probability 0.9 (repeats within minutes, nobody
    abandons), Erlang C on new issues understaffs against the simulation method, Erlang C on
    expected contacts comes closer, and the simulated requirement falls when FCR rises to 0.9."""
    sc = low_fcr(0.5)
    planner = staff(sc, "erlang-c", "issues")
    issues = planner.agent_hours
    contacts = staff(sc, "erlang-c", "contacts").agent_hours
    sim = staff(sc, "simulation", workers=1)
    sim_high = staff(low_fcr(0.9), "simulation", workers=1)
    # What the planner's staffing gets in the full model
    planner_sl = run(with_staffing(sc, planner.table["agents"], None), workers=1).kpis
    numbers = (
        f"agent hours: Erlang C on new issues {issues:.0f}, Erlang C on expected contacts "
        f"{contacts:.0f}, simulation {sim.agent_hours:.0f} (FCR 0.5), "
        f"simulation {sim_high.agent_hours:.0f} (FCR 0.9); simulated service level with the "
        f"new-issues staffing {planner_sl['service_level']:.3f}"
    )
    assert sim.simulation["converged"], numbers
    assert sim_high.simulation["converged"], numbers
    assert issues < 0.8 * sim.agent_hours, "Erlang C on new issues should understaff: " + numbers
    assert abs(contacts - sim.agent_hours) < abs(issues - sim.agent_hours), (
        "Erlang C on expected contacts should come closer: " + numbers
    )
    assert sim_high.agent_hours < 0.8 * sim.agent_hours, (
        "raising FCR should lower the simulated requirement: " + numbers
    )
    assert planner_sl["service_level"] < 0.5, numbers
    # the simulated staffing meets the target in every interval, on the mean over replications
    assert (sim.table["service_level"] >= 0.8).all(), numbers
    assert sim.kpis["service_level"] >= 0.8
    assert sim.kpis["contacts_per_issue"] == pytest.approx(1 / (1 - 0.45), rel=0.05)
    assert sim.fte == pytest.approx(sim.agent_hours / (36 / 7) / 0.7)
    # the KPIs achieved and the search are in the JSON
    out = sim.to_json()
    assert {"service_level", "asa_s", "abandon_rate", "occupancy"} <= out["kpis"].keys()
    assert out["simulation"]["replications"] == 5
    assert out["simulation"]["iterations"] >= 1
    print(numbers)


def test_simulation_keeps_the_seed_across_candidates():
    """Common random numbers: every candidate of the search sees the very same new issues (the
    final staffing and the one-agent-fewer check count identical issues in every replication's
    mean), and one agent fewer everywhere lowers the service level."""
    sim = staff(low_fcr(0.9), "simulation", workers=1)
    s = sim.simulation
    assert s["seed"] == 11
    assert s["one_fewer_kpis"]["issues"] == sim.kpis["issues"]
    assert s["one_fewer_kpis"]["service_level"] < sim.kpis["service_level"]
    assert np.all(sim.table["agents"] >= 1)


def test_redial_series_against_direct_sums():
    """Calls per customer contact and the share answered, against a loop over the attempts."""
    for a, r, m in [(0.1, 0.5, 3), (0.3, 1.0, 2), (0.5, 0.2, 1), (0.9, 0.9, 5)]:
        answered = calls = 0.0
        reach = 1.0
        for _ in range(m):
            calls += reach
            answered += reach * (1 - a)
            reach *= a * r
        assert attempts_per_contact(a, r, m) == pytest.approx(calls)
        assert answered_share(a, r, m) == pytest.approx(answered)


def afternoon_repeats(per_hour: float, replications: int) -> dict[str, Any]:
    """New issues 08:00-14:00 only; 40% are unresolved and call again about 2 h later."""
    return {
        "replications": replications,
        "horizon": {"days": 1, "warmup_minutes": 0, "interval_minutes": 60},
        "arrivals": {"per_hour": [0] * 8 + [per_hour] * 6 + [0] * 10},
        "reasons": [
            {
                "name": "general",
                "share": 1.0,
                "handle_time": {"dist": "exponential", "mean_s": 240},
                "fcr": 0.6,
                "repeat": {"probability": 1.0, "delay": {"dist": "exponential", "mean_h": 2}},
            }
        ],
    }


def test_simulation_staffs_repeats_that_arrive_after_the_new_issues():
    """New issues stop at 14:00, but unresolved customers call again about 2 h later. Erlang A
    places the repeats where they arrive (issue 15; it used to put them with their new issue and
    staff nobody after 14:00), and so does the simulation, which meets the target there."""
    sc = scenario(afternoon_repeats(per_hour=120, replications=4))
    analytic_staff = staff(sc, "erlang-a").table
    sim = staff(sc, "simulation", workers=1)
    afternoon = sim.table["start_min"].between(14 * 60, 17 * 60)
    assert (analytic_staff.loc[afternoon, "agents"] > 0).all()
    assert (sim.table.loc[afternoon, "agents"] > 0).all(), list(sim.table["agents"])
    assert (sim.table.loc[afternoon, "offered_per_hour"] > 10).all()
    assert (sim.table.loc[afternoon, "service_level"] >= 0.8).all()
    assert sim.simulation["converged"]


# A weekday line open 08:00-20:00, two days (Monday and Tuesday), low volume: quick to simulate.
OFFICE_HOURS = {
    "replications": 3,
    "horizon": {"days": 2, "warmup_minutes": 0, "interval_minutes": 60},
    "calendar": {"opening_hours": {"mon-fri": "08:00-20:00"}},
    "arrivals": {"per_hour": None, "per_day": 300, "intraday": "typical_weekday"},
    "reasons": [
        {"name": "general", "share": 1.0, "handle_time": {"dist": "exponential", "mean_s": 240}}
    ],
    "agents": {"headcount": 8},
}


@pytest.mark.parametrize("method", ["erlang-c", "erlang-a", "simulation"])
@pytest.mark.parametrize("start", ["2024-01-01", "2024-01-05"])  # Monday-Tuesday, Friday-Saturday
def test_closed_intervals_get_no_agents(method, start):
    """Issue 10: with mon-fri 08:00-20:00 every closed interval (night, Saturday) has 0 agents and
    0 offered per hour (spec D8), every open one has agents; the simulation search converges
    without keeping agents on the night (it used to keep them there and never converge), and
    staffs an interval of the day only on the days it is open."""
    result = staff(scenario(merge(OFFICE_HOURS, {"horizon": {"start": start}})), method, workers=1)
    table = result.table
    hour = table["start_min"] // 60 % 24
    saturday = (start == "2024-01-05") & (table["start_min"] >= 1440)
    closed = (hour < 8) | (hour >= 20) | saturday
    assert (table.loc[closed, "agents"] == 0).all(), list(table["agents"])
    assert (table.loc[closed, "offered_per_hour"] == 0).all()
    assert (table.loc[~closed, "agents"] > 0).all(), list(table["agents"])
    assert result.converged
    assert result.agent_hours == table.loc[~closed, "agents"].sum()  # 60-minute intervals


def test_closed_hours_demand_follows_the_engine():
    """A holiday's callers find the line closed and retry after the next opening
    (calendar.closed_retry: 70% of them, a lognormal 90 minutes later; the rest give up). The
    analytic demand puts them where the engine does: checked against the simulated offered
    contacts of the day after the holiday, in total and in its first three hours, within a
    t tolerance over replications."""
    reps = 20
    sc = scenario(
        merge(
            OFFICE_HOURS,
            {
                "replications": reps,
                "horizon": {"days": 3},
                "calendar": {
                    "holidays": ["2024-01-02"],
                    "closed_retry": {
                        "probability": 0.7,
                        "delay": {"dist": "lognormal", "mean_min": 90, "cv": 1.2},
                    },
                },
                "agents": {"headcount": 30},  # nobody abandons anyway: offered is all demand
            },
        )
    )
    open_share, issues = open_demand(sc)
    assert np.array_equal(open_share.reshape(3, 24)[1], np.zeros(24))  # the holiday
    intervals = run(sc, workers=1).intervals
    offered = intervals.pivot(index="replication", columns="interval", values="offered")
    day3 = slice(48 + 8, 48 + 20)
    expected_rush = issues[48 + 8 : 48 + 11].sum()
    # the rush is the retries: more than twice what an ordinary morning gets
    assert expected_rush > 2 * issues[8:11].sum()
    for cells, expected in ((day3, issues[day3].sum()), (slice(56, 59), expected_rush)):
        per_rep = offered.iloc[:, cells].sum(axis=1)
        tol = t_tolerance(per_rep.std(ddof=1) / math.sqrt(reps), reps)
        assert abs(per_rep.mean() - expected) < tol, (per_rep.mean(), expected, tol)


def test_open_minutes_agree_with_the_engine_clock():
    """The minute mask of open hours is the engine's ``wait_until_open == 0``, holiday and a
    half-hour opening included; an interval half open gets half of it as open share and its
    agents face the rate while open."""
    sc = scenario(
        merge(
            OFFICE_HOURS,
            {
                "horizon": {"days": 3, "start": "2024-01-05"},  # Friday, Saturday, Sunday
                "calendar": {"opening_hours": {"mon-fri": None, "mon-sat": "08:30-20:00"}},
            },
        )
    )
    clock = timeline.clock(sc)
    mask = open_minutes(sc)
    assert list(mask) == [clock.wait_until_open(60.0 * m) == 0 for m in range(3 * 1440)]
    share, _ = open_demand(sc)
    assert list(share[[8, 9, 24 + 8, 48 + 8]]) == [0.5, 1.0, 0.5, 0.0]  # Sunday is closed
    row = staff(sc, "erlang-a").table.iloc[8]
    assert row["offered_per_hour"] > 0
    assert row["agents"] > 0


def test_with_staffing_takes_one_count_per_interval_of_the_horizon():
    """A staffing that differs between days (a closed Saturday) reaches the engine as it is; one
    that repeats daily stays a daily ``per_interval`` list."""
    sc = scenario(OFFICE_HOURS)
    for counts in (np.arange(48) % 5, np.tile(np.arange(24) % 3, 2)):
        staffed = with_staffing(sc, counts, None)
        steps = agent_steps(staffed.agents, staffed.horizon)
        np.testing.assert_array_equal(interval_means(*steps, staffed.horizon), counts)
    assert staffed.agents.per_interval == list(np.arange(24) % 3)


def test_simulation_that_does_not_converge_exits_3(tmp_path):
    """--max-runs 1 stops the search after its first run, where the afternoon repeats (that
    Erlang A does not staff) still miss the target: --json prints the staffing with
    "converged": false and a reason naming the intervals and the runs; the table says so too;
    both exit 3."""
    data = afternoon_repeats(per_hour=60, replications=2) | {"agents": {"headcount": 5}}
    path = tmp_path / "late.yaml"
    path.write_text(yaml.safe_dump(data))
    args = ["staff", str(path), "--method", "simulation", "--max-runs", "1", "--workers", "1"]
    runner = CliRunner()
    done = runner.invoke(app, [*args, "--json"])
    assert done.exit_code == 3, done.output
    out = json.loads(done.stdout)
    assert out["converged"] is False
    assert out["simulation"]["iterations"] == 1
    assert len(out["intervals"]) == 24
    assert "after 1 runs" in out["reason"]
    assert "14:00 service level" in out["reason"]
    assert "NOT converged" in done.stderr
    shown = runner.invoke(app, args)
    assert shown.exit_code == 3
    assert "NOT converged after 1 runs" in shown.stdout
    assert "14:00" in shown.stdout


def test_multi_day_table_shows_days_and_intervals_on_request(tmp_path):
    """Two days: one row per day (date, offered, agent hours, peak agents, FTE) whose totals are
    the horizon's; --intervals shows every interval; --json keeps every interval."""
    sc = scenario(OFFICE_HOURS)
    result = staff(sc, "erlang-a")
    days = result.by_day()
    assert list(days["date"].astype(str)) == ["2024-01-01", "2024-01-02"]
    assert days["agent_hours"].sum() == pytest.approx(result.agent_hours)
    assert days["offered"].sum() == pytest.approx(result.table["offered_per_hour"].sum())
    assert list(days["peak_agents"]) == [
        result.table["agents"][:24].max(),
        result.table["agents"][24:].max(),
    ]
    assert days["fte"].mean() == pytest.approx(result.fte)
    path = ROOT / "scenarios" / "minimal.yaml"
    data = yaml.safe_load(path.read_text())
    data["horizon"] = {"days": 2, "warmup_minutes": 0, "interval_minutes": 30}
    runner = CliRunner()
    two = tmp_path / "two.yaml"
    two.write_text(yaml.safe_dump(data))
    by_day = runner.invoke(app, ["staff", str(two)])
    by_interval = runner.invoke(app, ["staff", str(two), "--intervals"])
    as_json = runner.invoke(app, ["staff", str(two), "--json"])
    assert by_day.exit_code == by_interval.exit_code == as_json.exit_code == 0
    assert "Mon 2024-01-01" in by_day.stdout
    assert "Tue 2024-01-02" in by_day.stdout
    assert "23:30" not in by_day.stdout
    assert "day 2 23:30" in by_interval.stdout
    assert len(json.loads(as_json.stdout)["intervals"]) == 96


# Two groups on one phone line, nobody abandons (Erlang C), every issue solved at once: the
# generalists take 20 calls an hour, a small group of specialists 6; open 08:00-16:00.
TWO_GROUPS = {
    "replications": 40,
    "horizon": {"days": 1, "warmup_minutes": 0, "interval_minutes": 60},
    "calendar": {"opening_hours": {"mon-sun": "08:00-16:00"}},
    "arrivals": {"per_hour": 26},
    "reasons": [
        {
            "name": name,
            "share": share,
            "fcr": 1.0,
            "handle_time": {"dist": "exponential", "mean_s": 180},
        }
        for name, share in (("general", 20 / 26), ("special", 6 / 26))
    ],
    "channels": {
        "phone": {"patience": None, "service_level": {"answer_within_s": 20, "target": 0.85}}
    },
    "agents": {
        "headcount": None,
        "groups": [
            {"name": "generalists", "skills": ["general"], "headcount": 3},
            {"name": "specialists", "skills": ["special"], "headcount": 2},
        ],
    },
}


def test_simulation_searches_each_group_on_its_own_calls():
    """Issue 15: the simulation search staffs each agent group for the calls of its own reasons.

    Hand derivation (Erlang C, 85% within 20 s, 180 s calls, P(wait) by the Erlang C formula):
    specialists a = 6 x 180 / 3600 = 0.3: one agent waits 0.3, SL = 1 - 0.3 e^(-0.7 x 20/180) =
    0.72 (misses); two agents C = 0.039, SL = 1 - 0.039 e^(-1.7/9) = 0.97, so 2. Generalists
    a = 1: two agents C = 1/3, SL = 1 - e^(-1/9)/3 = 0.70; three C = 0.091, SL = 0.93, so 3.
    One pool with every skill, a = 1.3: three agents C = 0.170, SL = 1 - 0.170 e^(-1.7/9) = 0.86,
    so 3, split 3 x 2/5 = 1.2 -> 1 specialist, 2 generalists: both groups would miss (0.72, 0.70).
    The search per group keeps 5 agents an hour (3 + 2); with 40 replications of ~20 and ~6 calls
    an hour, a group's interval SL has a standard error of about 0.02-0.04 (a little above the
    steady state in an hour that starts with an emptier queue), so a one-agent specialist group
    (0.72) cannot pass for 0.85 and every group meets its target per interval.
    """
    sc = scenario(TWO_GROUPS)
    sim = staff(sc, "simulation", workers=1)
    t = sim.table
    open_ = t["open_share"] > 0
    assert sim.simulation["converged"], sim.reason
    assert (t.loc[open_, "group:specialists"] == 2).all(), list(t["group:specialists"])
    assert (t.loc[open_, "group:generalists"] == 3).all(), list(t["group:generalists"])
    assert (t.loc[~open_, "agents"] == 0).all()
    for g in ("generalists", "specialists"):
        level = t.loc[open_, f"group_service_level:{g}"]
        assert (level >= 0.85).all(), list(level)
    # the one-pool answer (3 an hour) is less than what the groups need without pooling
    assert analytic.erlang_c(26 / 3600, 180, 3, 20).service_level >= 0.85
    assert analytic.erlang_c(6 / 3600, 180, 1, 20).service_level < 0.85
    out = sim.to_json()
    assert set(out["intervals"][10]["group_service_level"]) == {"generalists", "specialists"}
    start = out["simulation"]["start_agent_hours_by_group"]
    assert start == {"generalists": 24.0, "specialists": 16.0}
    # the one-pool split run with the groups' real skills: each group misses on its own calls
    split = {"generalists": np.where(open_, 2, 0), "specialists": np.where(open_, 1, 0)}
    calls = run(with_group_staffing(sc, split, None), workers=1).contacts
    for reason, hand in (("general", 0.70), ("special", 0.72)):
        mine = calls[calls["reason"] == reason]
        level = float((mine["wait_s"] <= 20).mean())
        assert level < 0.85, (reason, level, hand)
