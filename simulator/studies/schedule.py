"""Shifts from the staffing requirement (``ccsim schedule``, spec D8): an integer program.

The requirement is ``ccsim staff``'s: agents on the line per interval of the horizon, per agent
group. The shifts come from *shift types* (``schedule.shift_types`` in the scenario, or the
command's options): every allowed start x every allowed length, on given weekdays (one number of
agents per weekday, or one for all of them) or on given dates, with paid breaks, a minimum and a
maximum of agents per shift and a part-time flag. A *candidate* is one (type, start, length,
weekday or date); its number of agents is an integer variable.

Coverage, net of breaks (spec D11). An agent of a candidate covers an interval by the share of
the interval it is on duty and not on break, times ``(1 - absence) (1 - off_phone)`` when those
are simulated (their expectation). Breaks are placed by the engine's own rule
(``steps.break_windows``): the agents of one shift-day start a break spread over the stagger
window. How many of them are on break in an interval depends a little on how many agents the
shift has, which no linear program can hold, so the program counts each agent's break as spread
evenly over the window (the limit of many agents); the roster it returns is then checked with the
exact placement, and an interval the exact count leaves short gets its requirement raised by the
difference and the program is solved again (at most ``MAX_ROUNDS`` times). ``short_intervals`` and
every coverage reported are the exact ones.

The objective is lexicographic. First the least shortfall: the sum over groups and intervals of
the agents missing x the interval's hours (a slack per interval); only when caps (``max_agents``,
``max_part_time_share``) can make full cover impossible is this stage solved at all. Then, with
the shortfall held at its least, the fewest paid hours, or the least cost when the scenario has
``costs`` (a group's ``agent_hour``, else ``costs.agent_hour``, per paid hour). Paid hours count a
shift's whole length, its paid breaks included, on every day it is worked within the horizon (not
on holidays, which no shift works).

Solver: HiGHS through ``scipy.optimize.milp``. scipy is already a dependency (no new wheel for
every install), HiGHS is a proven open-source MIP solver (branch and cut, presolve), and the
program is a plain covering problem with integer and semi-integer variables (a shift of a type
with ``min_agents`` has 0 or at least that many agents), which ``milp`` takes directly. OR-Tools
CP-SAT would need float coverage scaled to integers and a 30 MB dependency.

A requirement that no candidate can reach at all (no shift type is on duty in an interval that
needs agents) is bad input (``ScheduleError``, exit 2) naming the intervals; the solver is never
asked.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import yaml
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp

from simulator.engine import timeline
from simulator.errors import CcsimError
from simulator.scenario.hours import DAYS
from simulator.scenario.loading import load_scenario_dict
from simulator.scenario.models import MAX_AGENTS, Breaks, Scenario, Schedule, ShiftType
from simulator.scenario.rosters import PlannedShift, ShiftsFile, with_roster
from simulator.scenario.steps import break_windows, duty_stretches, staffing_steps
from simulator.studies import staffing
from simulator.units import DAY_S, MINUTES_PER_DAY

if TYPE_CHECKING:
    from simulator.runs.replications import RunResult

MAX_ROUNDS = 6
"""Solves at most: the first, and re-solves after the exact break count left an interval short."""
TIME_LIMIT_S = 120.0
"""Time limit of one HiGHS solve; a roster found by then is used (the report says so)."""
MIP_GAP = 1e-6
"""Relative optimality gap HiGHS stops at (paid hours come in whole minutes)."""
_FLUID_AGENTS = 240
"""Agents per shift-day at which breaks are counted in the program: near the even spread."""
_TOL = 1e-6
OUTPUT_FILES = ("shifts.yaml", "roster.csv", "schedule.png", "schedule_report.html")
"""What ``--out`` writes (``roster_<group>.csv`` per group with groups; the report with
``--report``)."""


class ScheduleError(CcsimError):
    """A schedule cannot be made as asked (bad option, unreachable requirement): exit code 2."""


# -- the requirement -----------------------------------------------------------------------------
@dataclass(frozen=True)
class Requirement:
    """Agents needed on the line per interval of the horizon, per group."""

    groups: dict[str, np.ndarray]
    method: str
    staffing: staffing.StaffingResult | None = None


def requirement(
    scenario: Scenario, method: str = "erlang-a", demand: str = "contacts", **options: Any
) -> Requirement:
    """``ccsim staff``'s requirement, per group (``options`` go to :func:`staffing.staff`).

    A simulation search that did not converge still gives its last staffing (``staffing``
    says so: ``ccsim schedule`` then exits 3 after printing the roster, as ``ccsim staff`` does).
    """
    on_the_line = scenario
    if method == "simulation" and scenario.agents.simulates_shrinkage:
        # the search's candidates would take breaks (and be absent) themselves; the schedule
        # nets those out of its shifts, so the requirement is of agents on the line
        data = scenario.to_yaml_dict()
        for key in ("breaks", "absence", "off_phone"):
            data["agents"].pop(key, None)
        on_the_line = load_scenario_dict(
            data, source=f"{scenario.name} (no breaks)", base_dir=options.get("base_dir")
        )
    result = staffing.staff(on_the_line, method, demand, **options)
    return Requirement(group_requirements(result.table, scenario), method, result)


def group_requirements(table: pd.DataFrame, scenario: Scenario) -> dict[str, np.ndarray]:
    """Per group its agents per interval, from a staffing table (spec D8's ``groups``)."""
    names = [p.name for p in scenario.agents.pools(scenario.channels.names)]
    if all(f"group:{n}" in table.columns for n in names):  # ccsim staff's columns per group
        return {n: table[f"group:{n}"].to_numpy(dtype=np.float64) for n in names}
    if "groups" in table.columns:
        return {n: np.array([float((g or {}).get(n, 0)) for g in table["groups"]]) for n in names}
    if len(names) == 1:
        return {names[0]: table["agents"].to_numpy(dtype=np.float64)}
    raise ScheduleError(
        f"{scenario.name}: the staffing requirement has no numbers per agent group "
        f"({', '.join(names)}); ccsim schedule needs them for a scenario with groups"
    )


# -- shift types and candidates ------------------------------------------------------------------
def shift_types_from_options(
    starts: str | None,
    lengths: str | None,
    days: str | None,
    min_agents: int | None,
    max_agents: int | None,
    interval_minutes: int,
) -> Schedule | None:
    """A schedule block of one shift type from the command's options (None when none given)."""
    if all(v is None for v in (starts, lengths, days, min_agents, max_agents)):
        return None
    data: dict[str, Any] = {
        "starts": [s.strip() for s in (starts or f"00:00-23:59/{interval_minutes}").split(",")],
        "lengths_h": [_number(x, "--lengths") for x in (lengths or "8").split(",")],
        "days": days or "mon-sun",
    }
    if min_agents is not None:
        data["min_agents"] = min_agents
    if max_agents is not None:
        data["max_agents"] = max_agents
    from pydantic import ValidationError

    try:
        return Schedule(shift_types=[ShiftType.model_validate(data)])
    except ValidationError as exc:
        from simulator.scenario.messages import problems

        first = problems(exc.errors()[0], "options", Schedule)[0]
        raise ScheduleError(
            f"--starts/--lengths/--days: {first.message} (got {first.value!r}); "
            f"allowed: {first.allowed}"
        ) from None


def _number(text: str, option: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise ScheduleError(f"{option}: not a number: {text!r} (e.g. 8,8.5)") from None


def default_schedule(scenario: Scenario) -> Schedule:
    """Without a block or options: 8-hour shifts starting at any interval, any day."""
    every = scenario.horizon.interval_minutes
    return Schedule(shift_types=[ShiftType(starts=[f"00:00-23:59/{every}"], lengths_h=[8.0])])


@dataclass(frozen=True)
class Candidate:
    """A possible shift: its agents are one variable of the program."""

    group: str
    kind: int
    """Index of its shift type."""
    start_s: float
    length_s: float
    days: str
    """As the roster writes it: a weekday (``wed``), a weekday pattern, or a date."""
    day_indices: tuple[int, ...]
    breaks: Breaks | None
    own_breaks: bool
    min_agents: int
    max_agents: int | None
    part_time: bool


def candidates(scenario: Scenario, schedule: Schedule) -> list[Candidate]:
    """Every (group, shift type, start, length, weekday or date) that works a day of the horizon."""
    h = scenario.horizon
    holidays = timeline.clock(scenario).holidays
    names = [p.name for p in scenario.agents.pools(scenario.channels.names)]
    weekday0 = h.origin.weekday()
    out = []
    for k, st in enumerate(schedule.shift_types):
        label = st.name or f"shift_types[{k}]"
        for g in st.groups or names:
            if g not in names:
                raise ScheduleError(
                    f"schedule.shift_types[{k}] ({label}).groups: no agent group {g!r}; "
                    f"allowed: {', '.join(names)}"
                )
        units: list[tuple[str, tuple[int, ...]]] = []
        if st.dates is not None:
            for day in sorted(set(st.dates)):
                d = (day - h.origin.date()).days
                if 0 <= d < h.days and d not in holidays:
                    units.append((day.isoformat(), (d,)))
        else:
            weekdays = sorted(_weekdays(st.days))
            worked = {
                w: tuple(d for d in range(h.days) if (weekday0 + d) % 7 == w and d not in holidays)
                for w in weekdays
            }
            if st.per == "weekday":
                units = [(DAYS[w], worked[w]) for w in weekdays if worked[w]]
            else:
                every = tuple(sorted(d for w in weekdays for d in worked[w]))
                units = [(st.days, every)] if every else []
        breaks = st.breaks if st.breaks is not None else scenario.agents.breaks
        for g in st.groups or names:
            for start in st.start_seconds:
                for length_h in sorted(set(st.lengths_h)):
                    for days, indices in units:
                        out.append(
                            Candidate(
                                g,
                                k,
                                start,
                                round(length_h * 60) * 60.0,
                                days,
                                indices,
                                breaks,
                                st.breaks is not None,
                                st.min_agents,
                                st.max_agents,
                                st.part_time,
                            )
                        )
    return out


def _weekdays(days: str) -> list[int]:
    from simulator.scenario.hours import parse_days

    return sorted(set(parse_days(days)))


# -- coverage --------------------------------------------------------------------------------------
def _overlaps(starts: np.ndarray, ends: np.ndarray, first: int, n: int, width: float) -> np.ndarray:
    """Seconds of each ``[start, end)`` within intervals ``first .. first + n - 1``: (len, n)."""
    lo = (first + np.arange(n)) * width
    return np.clip(np.minimum(ends[:, None], lo + width) - np.maximum(starts[:, None], lo), 0, None)


def stretch_cover(
    start: float, end: float, agents: int, breaks: Breaks | None, interval_s: float
) -> tuple[int, np.ndarray]:
    """Agents on the line per interval (time average) of one shift-day: ``(first, values)``.

    ``agents`` on duty from ``start`` to ``end`` (run seconds), less their breaks as
    ``steps.break_windows`` places them for that many agents.
    """
    first = int(start // interval_s)
    n = max(1, math.ceil(end / interval_s - 1e-9) - first)
    duty = _overlaps(np.array([start]), np.array([end]), first, n, interval_s)[0] * agents
    windows = break_windows(start, end, agents, breaks)
    if windows:
        s, e, _ = (np.array(c, dtype=np.float64) for c in zip(*windows, strict=True))
        duty = duty - _overlaps(s, e, first, n, interval_s).sum(axis=0)
    return first, duty / interval_s


class _Columns:
    """Per-agent coverage of every candidate over the horizon, counted with the fluid break."""

    def __init__(self, scenario: Scenario, cands: Sequence[Candidate], factor: float) -> None:
        h = scenario.horizon
        self.n_intervals = h.days * h.intervals_per_day
        ipd = h.intervals_per_day
        cache: dict[tuple, tuple[int, np.ndarray]] = {}
        rows, cols, vals = [], [], []
        self.paid_h = np.zeros(len(cands))
        for j, c in enumerate(cands):
            for d in c.day_indices:
                end = min(c.start_s + c.length_s, h.horizon_s - d * DAY_S)
                key = (c.start_s, end, c.breaks)
                if key not in cache:
                    first, v = stretch_cover(c.start_s, end, _FLUID_AGENTS, c.breaks, h.interval_s)
                    cache[key] = (first, v / _FLUID_AGENTS * factor)
                first, v = cache[key]
                idx = d * ipd + first + np.arange(len(v))
                keep = (idx < self.n_intervals) & (v > 0)
                rows.append(idx[keep])
                cols.append(np.full(int(keep.sum()), j))
                vals.append(v[keep])
                self.paid_h[j] += (end - c.start_s) / 3600.0
        self.matrix = sparse.csc_array(
            (
                np.concatenate(vals) if vals else np.zeros(0),
                (
                    np.concatenate(rows) if rows else np.zeros(0, int),
                    np.concatenate(cols) if cols else np.zeros(0, int),
                ),
            ),
            shape=(self.n_intervals, len(cands)),
        )


# -- the result ----------------------------------------------------------------------------------
@dataclass
class ScheduleResult:
    """The roster and what it covers (spec D8's object in ``to_json``)."""

    scenario: str
    shifts: list[PlannedShift]
    groups: list[str]
    required: dict[str, np.ndarray]
    covered: dict[str, np.ndarray]
    """Agents on the line per interval, net of breaks as the engine places them (exact)."""
    on_duty: dict[str, np.ndarray]
    """Agents on duty per interval (time average), breaks included."""
    paid_hours: float
    interval_minutes: int
    origin: date
    method: str
    objective: str
    cost: float | None = None
    currency: str | None = None
    rounds: int = 1
    optimal: bool = True
    notes: list[str] = field(default_factory=list)
    shift_hours: list[float] = field(default_factory=list)
    """Paid hours of one agent of each shift over the horizon."""

    def paid_hours_per_shift(self) -> list[float]:
        """Paid hours of one agent of each shift over the horizon (days worked x length)."""
        return self.shift_hours

    @property
    def interval_h(self) -> float:
        """Length of an interval in hours."""
        return self.interval_minutes / 60.0

    @property
    def required_hours(self) -> float:
        """Agent hours on the line the requirement asks for, over groups and the horizon."""
        return float(sum(r.sum() for r in self.required.values())) * self.interval_h

    def short(self, group: str) -> np.ndarray:
        """Whether each interval of ``group`` is covered by fewer agents than required."""
        return self.covered[group] < self.required[group] - _TOL

    @property
    def short_intervals(self) -> int:
        """Intervals of the horizon where some group has fewer agents than required."""
        return int(np.logical_or.reduce([self.short(g) for g in self.groups]).sum())

    @property
    def shortfall_hours(self) -> float:
        """Agent hours missing in the short intervals."""
        missing = sum(
            np.clip(self.required[g] - self.covered[g], 0, None).sum() for g in self.groups
        )
        return float(missing) * self.interval_h

    def roster(self) -> ShiftsFile:
        """What ``shifts.yaml`` holds: spec D8's object, read back by ``run --agents``."""
        return ShiftsFile(
            groups=list(self.groups),
            shifts=list(self.shifts),
            required_hours=round(self.required_hours, 6),
            paid_hours=round(self.paid_hours, 6),
            short_intervals=self.short_intervals,
        )

    def interval_table(self) -> pd.DataFrame:
        """One row per group and interval: required, covered (net of breaks), on duty."""
        frames = []
        for g in self.groups:
            n = len(self.required[g])
            frames.append(
                pd.DataFrame(
                    {
                        "group": g,
                        "start_min": np.arange(n) * self.interval_minutes,
                        "required": self.required[g],
                        "covered": self.covered[g],
                        "on_duty": self.on_duty[g],
                        "short": self.short(g),
                    }
                )
            )
        return pd.concat(frames, ignore_index=True)

    def worst_short(self, limit: int = 10) -> list[dict[str, Any]]:
        """The short intervals with the most agents missing, most first."""
        table = self.interval_table()
        table = table[table["short"]].assign(missing=lambda t: t["required"] - t["covered"])
        rows = table.sort_values(["missing", "start_min"], ascending=[False, True]).head(limit)
        return [
            {
                "group": r.group,
                "start_min": int(r.start_min),
                "when": interval_name(int(r.start_min), self.interval_minutes, self.origin),
                "required": float(r.required),
                "covered": round(float(r.covered), 4),
            }
            for r in rows.itertuples()
        ]

    def to_json(self) -> dict[str, Any]:
        """Spec D8's keys, then what was aimed at and how it was solved."""
        out: dict[str, Any] = {
            "shifts": [
                s.model_dump(mode="json", exclude_none=True, include=_SHIFT_KEYS)
                | ({"breaks": s.breaks.model_dump(mode="json")} if s.breaks else {})
                for s in self.shifts
            ],
            "required_hours": round(self.required_hours, 6),
            "paid_hours": round(self.paid_hours, 6),
            "short_intervals": self.short_intervals,
            "scenario": self.scenario,
            "groups": list(self.groups),
            "method": self.method,
            "objective": self.objective,
            "shortfall_hours": round(self.shortfall_hours, 6),
            "short": self.worst_short(),
            "interval_minutes": self.interval_minutes,
            "optimal": self.optimal,
            "solves": self.rounds,
            "notes": self.notes,
        }
        if self.cost is not None:
            out["cost"] = round(self.cost, 2)
            out["currency"] = self.currency
        return out


_SHIFT_KEYS = {"group", "days", "start", "end", "agents"}


def interval_name(start_min: int, interval_minutes: int, origin: date) -> str:
    """``Wed 2026-02-11 19:30-20:00``."""
    day, minute = divmod(start_min, MINUTES_PER_DAY)
    on = origin + timedelta(days=day)
    end = minute + interval_minutes
    return f"{DAYS[on.weekday()].title()} {on.isoformat()} {_hhmm(minute * 60)}-{_hhmm(end * 60)}"


def _hhmm(seconds: float) -> str:
    minutes = round(seconds / 60)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


# -- solving -------------------------------------------------------------------------------------
def schedule(
    scenario: Scenario,
    need: Requirement,
    shift_types: Schedule | None = None,
    *,
    base_dir: Path | None = None,
    time_limit_s: float = TIME_LIMIT_S,
) -> ScheduleResult:
    """The cheapest roster of ``shift_types`` (default: the scenario's) that covers ``need``."""
    plan = shift_types or scenario.schedule or default_schedule(scenario)
    h = scenario.horizon
    cands = candidates(scenario, plan)
    agents = scenario.agents
    factor = (1.0 - agents.absence) * (1.0 - agents.off_phone)
    cols = _Columns(scenario, cands, factor)
    groups = list(need.groups)
    n_int = cols.n_intervals
    for g in groups:
        if len(need.groups[g]) != n_int:
            raise ScheduleError(
                f"the requirement of {g} has {len(need.groups[g])} intervals; the horizon {n_int}"
            )
    _check_reachable(scenario, cands, cols, need)
    price = _prices(scenario)
    cost = np.array([cols.paid_h[j] * price[c.group] for j, c in enumerate(cands)])
    required = {g: np.asarray(need.groups[g], dtype=np.float64) for g in groups}
    aimed = {g: r.copy() for g, r in required.items()}
    capped = any(c.max_agents is not None for c in cands) or (
        plan.max_part_time_share < 1 and any(c.part_time for c in cands)
    )
    rounds, optimal = 0, True
    while True:
        rounds += 1
        x, ok = _solve(cands, cols, aimed, plan, cost, capped, h.interval_s / 3600, time_limit_s)
        optimal = optimal and ok
        shifts = _roster(cands, x)
        covered, on_duty = exact_cover(scenario, shifts, groups, base_dir)
        lp_cover = {g: _group_cover(cols, cands, x, g) for g in groups}
        bumped = False
        for g in groups:
            # short by the exact count while the program counted it covered: raise and re-solve
            gap = (lp_cover[g] >= aimed[g] - _TOL) & (covered[g] < required[g] - _TOL)
            if gap.any():
                aimed[g][gap] += lp_cover[g][gap] - covered[g][gap] + 1e-4
                bumped = True
        if not bumped or rounds >= MAX_ROUNDS:
            break
    per_agent = [hours for _, hours in _shift_hours(scenario, shifts)]
    paid = float(sum(s.agents * hours for s, hours in zip(shifts, per_agent, strict=True)))
    notes = _schedule_notes(scenario, plan, capped, rounds)
    return ScheduleResult(
        scenario=scenario.name,
        shifts=shifts,
        groups=groups,
        required=required,
        covered=covered,
        on_duty=on_duty,
        paid_hours=paid,
        interval_minutes=h.interval_minutes,
        origin=h.origin.date(),
        method=need.method,
        objective="cost" if scenario.costs is not None else "paid_hours",
        cost=(
            float(
                sum(
                    s.agents * hrs * price[s.group]
                    for s, hrs in zip(shifts, per_agent, strict=True)
                )
            )
            if scenario.costs is not None
            else None
        ),
        shift_hours=per_agent,
        currency=scenario.costs.currency if scenario.costs is not None else None,
        rounds=rounds,
        optimal=optimal,
        notes=notes,
    )


def _prices(scenario: Scenario) -> dict[str, float]:
    """Per group what a paid hour costs (1 without ``costs``: the objective is then hours)."""
    costs = scenario.costs
    pools = scenario.agents.pools(scenario.channels.names)
    if costs is None:
        return {p.name: 1.0 for p in pools}
    own = {g.name: g.agent_hour for g in scenario.agents.groups or ()}
    return {
        p.name: own.get(p.name) if own.get(p.name) is not None else costs.agent_hour for p in pools
    }


def _check_reachable(
    scenario: Scenario, cands: Sequence[Candidate], cols: _Columns, need: Requirement
) -> None:
    """Exit 2 naming the intervals with a requirement that no candidate is on duty in."""
    h = scenario.horizon
    for g, req in need.groups.items():
        mine = [j for j, c in enumerate(cands) if c.group == g]
        reach = np.asarray(cols.matrix[:, mine].sum(axis=1)).ravel() if mine else np.zeros(len(req))
        bad = np.flatnonzero((np.asarray(req) > 0) & (reach <= 0))
        if len(bad):
            spans = _spans(bad, h.interval_minutes, h.origin.date())
            listed = "; ".join(spans[:10]) + (
                f"; and {len(spans) - 10} more" if len(spans) > 10 else ""
            )
            raise ScheduleError(
                f"{scenario.name}: no shift type can cover the requirement of group {g} in "
                f"{len(bad)} interval(s): {listed}; allowed: shift types whose starts, lengths "
                "and days reach them (schedule.shift_types, or --starts/--lengths/--days)"
            )


def _spans(indices: np.ndarray, interval_minutes: int, origin: date) -> list[str]:
    """Runs of consecutive intervals as ``Mon 2026-02-02 20:00-21:00``."""
    out = []
    run = [int(indices[0])]
    for i in [*indices[1:].tolist(), None]:
        if i is not None and i == run[-1] + 1 and i % (MINUTES_PER_DAY // interval_minutes):
            run.append(i)
            continue
        first = interval_name(run[0] * interval_minutes, interval_minutes, origin)
        end = (run[-1] + 1) * interval_minutes % MINUTES_PER_DAY
        out.append(first.rsplit("-", 1)[0] + "-" + (_hhmm(end * 60) if end else "24:00"))
        if i is not None:
            run = [i]
    return out


def _solve(
    cands: Sequence[Candidate],
    cols: _Columns,
    aimed: dict[str, np.ndarray],
    plan: Schedule,
    cost: np.ndarray,
    capped: bool,
    interval_h: float,
    time_limit_s: float,
) -> tuple[np.ndarray, bool]:
    """Agents per candidate: least shortfall first (only when capped), then least cost."""
    n = len(cands)
    rows = []  # (group, interval) with a requirement: one cover constraint and one slack each
    for g, req in aimed.items():
        rows += [(g, int(i)) for i in np.flatnonzero(req > _TOL)]
    m = len(rows)
    if m == 0:
        return np.zeros(n), True
    mask = {g: np.array([c.group == g for c in cands]) for g in aimed}
    cover = _cover_rows(cols, mask, rows)
    rhs = np.array([aimed[g][i] for g, i in rows])
    slack = sparse.identity(m, format="csc")
    a = sparse.hstack([cover, slack]).tocsr()
    constraints = [LinearConstraint(a, lb=rhs, ub=np.inf)]
    share = plan.max_part_time_share
    for g in aimed:
        pt = np.array([c.part_time for c in cands]) & mask[g]
        if share < 1 and pt.any():
            days = np.array([len(c.day_indices) for c in cands], dtype=np.float64)
            row = np.where(mask[g], (pt - share) * days, 0.0)
            constraints.append(LinearConstraint(np.concatenate([row, np.zeros(m)]), -np.inf, 0))
    lo = np.array([c.min_agents for c in cands], dtype=np.float64)
    hi = np.array(
        [
            c.max_agents if c.max_agents is not None else (MAX_AGENTS if c.min_agents else np.inf)
            for c in cands
        ],
        dtype=np.float64,
    )
    integrality = np.concatenate([np.where(lo > 0, 3, 1), np.zeros(m)])
    lo_x = np.where(lo > 0, lo, 0.0)  # semi-integer: 0, or lo..hi
    slack_hi = rhs.copy()
    options = {"time_limit": time_limit_s, "mip_rel_gap": MIP_GAP}
    optimal = True
    if capped:  # stage 1: the least shortfall (agents missing x hours)
        c1 = np.concatenate([np.zeros(n), np.full(m, interval_h)])
        first = milp(
            c1,
            integrality=integrality,
            bounds=Bounds(np.concatenate([lo_x, np.zeros(m)]), np.concatenate([hi, slack_hi])),
            constraints=constraints,
            options=options,
        )
        if first.x is None:
            raise ScheduleError(f"the solver found no roster: {first.message}")
        optimal = first.status == 0
        least = float(first.fun)
        constraints.append(
            LinearConstraint(
                np.concatenate([np.zeros(n), np.full(m, interval_h)]),
                -np.inf,
                least + max(1e-6, 1e-7 * abs(least)),
            )
        )
    else:
        slack_hi = np.zeros(m)
    c2 = np.concatenate([cost, np.zeros(m)])
    second = milp(
        c2,
        integrality=integrality,
        bounds=Bounds(np.concatenate([lo_x, np.zeros(m)]), np.concatenate([hi, slack_hi])),
        constraints=constraints,
        options=options,
    )
    if second.x is None:
        raise ScheduleError(f"the solver found no roster: {second.message}")
    optimal = optimal and second.status == 0
    return np.round(second.x[:n]), optimal


def _cover_rows(cols: _Columns, mask: dict[str, np.ndarray], rows: list[tuple[str, int]]):
    """The cover constraints' matrix: the row of each (group, interval), that group's columns."""
    csr = cols.matrix.tocsr()
    blocks = []
    for g in mask:
        idx = [i for gg, i in rows if gg == g]
        if idx:
            blocks.append(csr[idx, :] @ sparse.diags_array(mask[g].astype(np.float64)))
    return sparse.vstack(blocks).tocsc()


def _group_cover(cols: _Columns, cands: Sequence[Candidate], x: np.ndarray, g: str) -> np.ndarray:
    mine = np.array([c.group == g for c in cands], dtype=np.float64)
    return cols.matrix @ (x * mine)


def _roster(cands: Sequence[Candidate], x: np.ndarray) -> list[PlannedShift]:
    """The planned shifts: candidates with agents, weekdays of one count merged (``mon-fri``)."""
    merged: dict[tuple, list[int]] = {}
    singles: list[tuple[Candidate, int]] = []
    for c, n in zip(cands, x.tolist(), strict=True):
        if n < 0.5:
            continue
        if c.days in DAYS:  # one weekday: merged with the others of the same shift and count
            merged.setdefault((c.group, c.kind, c.start_s, c.length_s, int(n)), []).append(
                DAYS.index(c.days)
            )
        else:
            singles.append((c, int(n)))
    by_key = {(c.group, c.kind, c.start_s, c.length_s): c for c in cands}
    out = []
    for (g, kind, start, length, n), days in merged.items():
        c = by_key[(g, kind, start, length)]
        out.append(_shift(c, days_text(days), n))
    out += [_shift(c, c.days, n) for c, n in singles]
    out.sort(key=lambda s: (s.group, _sort_day(s.days), s.start, s.end))
    return out


def _sort_day(days: str) -> tuple[int, str]:
    return (1, days) if days[:1].isdigit() else (0, f"{DAYS.index(days[:3]):d}{days}")


def _shift(c: Candidate, days: str, agents: int) -> PlannedShift:
    end = (c.start_s + c.length_s) % DAY_S
    return PlannedShift(
        group=c.group,
        days=days,
        start=_hhmm(c.start_s),
        end="24:00" if end == 0 else _hhmm(end),
        agents=agents,
        breaks=c.breaks if c.own_breaks else None,
    )


def days_text(weekdays: Sequence[int]) -> str:
    """``mon-fri``, ``mon,wed,fri-sun``: weekday numbers as the format writes them."""
    ws = sorted(set(weekdays))
    parts, run = [], [ws[0]]
    for w in [*ws[1:], None]:
        if w is not None and w == run[-1] + 1:
            run.append(w)
            continue
        parts.append(DAYS[run[0]] if len(run) == 1 else f"{DAYS[run[0]]}-{DAYS[run[-1]]}")
        if w is not None:
            run = [w]
    return ",".join(parts)


def _shift_hours(scenario: Scenario, shifts: Sequence[PlannedShift]):
    """Each shift with its paid hours per agent over the horizon (holidays and the end cut)."""
    from simulator.scenario.steps import shift_segments

    h = scenario.horizon
    holidays = timeline.clock(scenario).holidays
    for s in shifts:
        segs = shift_segments(s, h.origin.weekday(), h.days, holidays, h.origin.date())
        yield s, sum(min(e, h.horizon_s) - b for b, e in segs) / 3600.0


def exact_cover(
    scenario: Scenario,
    shifts: Sequence[PlannedShift],
    groups: Sequence[str],
    base_dir: Path | None = None,
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Agents on the line (net of breaks as the engine places them) and on duty, per interval.

    Read from the scenario with the roster put in (``run --agents`` runs that very scenario):
    its duty stretches and their breaks.
    """
    roster = ShiftsFile(groups=list(groups), shifts=list(shifts))
    planned = with_roster(scenario, roster, "the roster", base_dir)
    h = planned.horizon
    holidays = timeline.clock(planned).holidays
    factor = (1.0 - planned.agents.absence) * (1.0 - planned.agents.off_phone)
    n = h.days * h.intervals_per_day
    covered, on_duty = {}, {}
    for pool in planned.agents.pools(planned.channels.names):
        if pool.name not in groups:
            continue
        net, duty = np.zeros(n + 2 * h.intervals_per_day), np.zeros(n + 2 * h.intervals_per_day)
        stretches, _ = duty_stretches(pool.staffing, h, holidays, planned.agents.breaks)
        for start, end, _, agents, breaks in stretches:
            first, v = stretch_cover(start, end, agents, breaks, h.interval_s)
            net[first : first + len(v)] += v
            first, v = stretch_cover(start, end, agents, None, h.interval_s)
            duty[first : first + len(v)] += v
        covered[pool.name] = net[:n] * factor
        on_duty[pool.name] = duty[:n]
    return covered, on_duty


def _schedule_notes(scenario: Scenario, plan: Schedule, capped: bool, rounds: int) -> list[str]:
    notes = [
        "coverage = agents on duty and not on break (breaks as the engine places them), "
        "per interval on average"
    ]
    a = scenario.agents
    if a.absence or a.off_phone:
        notes.append(
            f"coverage is in expectation: x (1 - absence {a.absence:g}) x "
            f"(1 - off_phone {a.off_phone:g})"
        )
    if capped:
        notes.append("caps apply: the least shortfall first, then the fewest paid hours (or cost)")
    if rounds > 1:
        notes.append(f"solved {rounds} times: the exact break count left intervals short")
    return notes


# -- output and the closed loop ------------------------------------------------------------------
def check_out(out_dir: Path, force: bool) -> None:
    """Refuse to overwrite ``shifts.yaml`` in ``out_dir`` without ``force`` (before any work)."""
    if out_dir.exists() and not out_dir.is_dir():
        raise ScheduleError(f"{out_dir}: exists and is not a folder; choose another --out")
    held = [n for n in OUTPUT_FILES if (out_dir / n).exists()]
    held += sorted(p.name for p in out_dir.glob("roster_*.csv")) if out_dir.is_dir() else []
    if held and not force:
        raise ScheduleError(
            f"{out_dir}: already holds {', '.join(held)}; choose another --out or give --force"
        )


def write_roster(result: ScheduleResult, out_dir: Path) -> Path:
    """Write ``shifts.yaml`` (under a temporary name, then renamed: never half-written)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    data = result.roster().model_dump(mode="json", exclude_none=True)
    header = (
        f"# ccsim schedule of {result.scenario}: {len(result.shifts)} shifts, "
        f"{result.paid_hours:.1f} paid hours for {result.required_hours:.1f} required hours "
        f"on the line, {result.short_intervals} short intervals.\n"
        "# Run it:  ccsim run SCENARIO.yaml --agents shifts.yaml\n"
    )
    path = out_dir / "shifts.yaml"
    tmp = path.with_name(".shifts.yaml.tmp")
    tmp.write_text(header + yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    tmp.replace(path)
    return path


def roster_tables(
    scenario: Scenario, result: ScheduleResult, base_dir: Path | None = None
) -> dict[str, pd.DataFrame]:
    """Per group the roster as ``agents.table`` rows: agents on duty from each start on.

    Starts are ISO date-times (one plan for the whole horizon), a row only where the count
    changes. On-duty counts are the same as the shifts'; a table does not say which agent works
    which shift, so the engine places breaks per stretch of the table rather than per shift.
    """
    planned = with_roster(scenario, result.roster(), "the roster", base_dir)
    h = planned.horizon
    holidays = timeline.clock(planned).holidays
    out = {}
    for pool in planned.agents.pools(planned.channels.names):
        if pool.name not in result.groups:
            continue
        times, counts = staffing_steps(pool.staffing, h, holidays)
        inside = times < h.horizon_s
        times, counts = times[inside], counts[inside]
        keep = np.concatenate(([True], np.diff(counts) != 0))
        out[pool.name] = pd.DataFrame(
            {
                "start": [
                    (h.origin + timedelta(seconds=float(s))).strftime("%Y-%m-%dT%H:%M")
                    for s in times[keep]
                ],
                "agents": counts[keep],
            }
        )
    return out


def write_roster_tables(
    scenario: Scenario, result: ScheduleResult, out_dir: Path, base_dir: Path | None = None
) -> list[Path]:
    """``roster.csv`` (a single pool) or ``roster_<group>.csv``, for ``agents.table``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    tables = roster_tables(scenario, result, base_dir)
    paths = []
    for name, table in tables.items():
        path = out_dir / ("roster.csv" if scenario.agents.groups is None else f"roster_{name}.csv")
        tmp = path.with_name(f".{path.name}.tmp")
        table.to_csv(tmp, index=False, lineterminator="\n")
        tmp.replace(path)
        paths.append(path)
    return paths


@dataclass
class Verification:
    """The roster simulated: service level per day and the worst intervals."""

    by_day: pd.DataFrame
    worst: pd.DataFrame
    kpis: dict[str, float | None]
    replications: int

    def to_json(self) -> dict[str, Any]:
        """Plain numbers (NaN as null)."""

        def rows(frame: pd.DataFrame) -> list[dict[str, Any]]:
            return [
                {k: staffing._json_value(v) for k, v in r.items()} for r in frame.to_dict("records")
            ]

        return {
            "replications": self.replications,
            "kpis": {k: staffing._json_value(v) for k, v in self.kpis.items()},
            "by_day": rows(self.by_day),
            "worst_intervals": rows(self.worst),
        }


def verify(
    scenario: Scenario,
    result: ScheduleResult,
    *,
    base_dir: Path | None = None,
    replications: int | None = None,
    seed: int | None = None,
    workers: int = 1,
    progress: Callable[[], None] | None = None,
    worst: int = 10,
) -> Verification:
    """Simulate ``scenario`` with the roster: service level per day and the worst intervals."""
    from simulator.runs.replications import run

    planned = with_roster(scenario, result.roster(), "the roster", base_dir)
    n = replications or scenario.replications
    run_result: RunResult = run(
        planned, replications=n, seed=seed, workers=workers, progress=progress
    )
    return summarise_run(run_result, planned, result, worst)


def summarise_run(
    run_result: RunResult, planned: Scenario, result: ScheduleResult, worst: int = 10
) -> Verification:
    """Per day and per interval service level of a run of the roster (means over replications)."""
    h = planned.horizon
    iv = run_result.intervals
    iv = iv[~iv["in_warmup"]]
    iv = iv.assign(in_time=iv["service_level"].fillna(0.0) * iv["offered"])
    metric = planned.channels.phone.service_level.metric
    # the base of the metric aimed at (spec D11): answered calls, or offered less short abandons
    # (in time / the interval's value; offered where nothing was answered in time)
    if metric == "service_level_answered":
        iv = iv.assign(base=iv["answered"])
    elif metric != "service_level":
        value = iv[metric].to_numpy()
        ok = np.isfinite(value) & (value > 0)
        iv = iv.assign(base=np.where(ok, iv["in_time"] / np.where(ok, value, 1.0), iv["offered"]))
    else:
        iv = iv.assign(base=iv["offered"])
    per = iv.groupby("interval").agg(
        offered=("offered", "sum"),
        in_time=("in_time", "sum"),
        abandoned=("abandoned", "sum"),
        base=("base", "sum"),
    )
    per["start_min"] = per.index * h.interval_minutes
    per["day"] = per["start_min"] // MINUTES_PER_DAY
    reps = run_result.summary["replication"].nunique() if "replication" in run_result.summary else 1
    total_req = sum(result.required.values())
    total_cov = sum(result.covered.values())
    days = per.groupby("day").agg(
        offered=("offered", "sum"),
        in_time=("in_time", "sum"),
        abandoned=("abandoned", "sum"),
        base=("base", "sum"),
    )
    some = days["offered"].where(days["offered"] > 0)
    aimed = (
        {}
        if metric == "service_level"
        else {metric: days["in_time"] / days["base"].where(days["base"] > 0)}
    )
    by_day = pd.DataFrame(
        {
            "date": [(h.origin.date() + timedelta(days=int(d))).isoformat() for d in days.index],
            "weekday": [DAYS[(h.origin.weekday() + int(d)) % 7] for d in days.index],
            "offered": days["offered"] / reps,
            "service_level": days["in_time"] / some,
            **aimed,
            "abandon_rate": days["abandoned"] / some,
            "short_intervals": [
                int(
                    np.logical_or.reduce([result.short(g) for g in result.groups])[
                        int(d) * h.intervals_per_day : (int(d) + 1) * h.intervals_per_day
                    ].sum()
                )
                for d in days.index
            ],
        }
    ).reset_index(drop=True)
    busy = per[per["offered"] > 0].copy()
    busy["service_level"] = busy["in_time"] / busy["offered"]
    busy["offered"] = busy["offered"] / reps
    busy["required"] = total_req[busy.index.to_numpy()]
    busy["covered"] = total_cov[busy.index.to_numpy()]
    busy["when"] = [
        interval_name(int(m), h.interval_minutes, h.origin.date()) for m in busy["start_min"]
    ]
    worst_rows = (
        busy.sort_values(["service_level", "start_min"])
        .head(worst)[["when", "start_min", "offered", "service_level", "required", "covered"]]
        .reset_index(drop=True)
    )
    keys = ("service_level", *aimed, "abandon_rate", "asa_s", "occupancy", "agent_hours")
    return Verification(
        by_day=by_day,
        worst=worst_rows,
        kpis={k: run_result.kpis.get(k) for k in keys},
        replications=int(reps),
    )
