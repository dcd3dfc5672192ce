"""Staffing: the fewest agents per interval that meet the service-level targets (ccsim staff).

Three methods, one output (spec A2b, D8): one row per interval of the whole horizon.

- ``erlang-c`` and ``erlang-a`` solve each interval on its own with ``simulator/analytic.py``.
  Their demand is the scenario's own expected demand of that very interval
  (``engine.demand.expected_demand``: day of week, per-date volume, drivers, proactive calls,
  holidays, opening hours, and repeats placed where they arrive by the engine's timing rules);
  redials come from the abandonment the staffing causes (a fixed point per interval), and so do
  the repeats that abandonment cuts short (the demand is computed twice: with every contact
  answered, then with the answered share of that staffing). With ``demand="issues"`` they get
  first contacts only, which is what a planner without journey data does.
- Per channel: phone by Erlang C or A; chat by Erlang C or A on chat slots (agents x
  concurrency) with a service time stretched by the concurrency slowdown; e-mail by a fluid
  backlog rule (the fewest agents, the same in every business hour, that answer the target share
  within the e-mail service level). Per agent group: each group is staffed as a pool of its own
  for the queues it takes (a queue several groups take is split evenly between them). ``agents``
  is the total over channels and groups; ``phone_agents``, ``chat_agents``, ``email_agents`` and
  one ``group:<name>`` column per group break it down (``requirement`` returns this table for
  ``ccsim schedule``).
- ``simulation`` starts from Erlang A (Erlang C when nobody abandons) and searches each date and
  interval with the full model, because repeats, redials and callbacks move work between
  intervals and the FIFO queue carries a backlog from one interval into the next. With agent
  groups it searches each group from its own analytic requirement (``group:<name>``), judged on
  the phone calls of its own reasons.

Closed hours (opening hours, holidays) get 0 agents and no demand in every method (spec D8). The
engine refuses a call in closed time and the customer retries after the next opening
(``calendar.closed_retry``); the expected demand follows the same path, so the demand of closed
hours is staffed after opening, where the simulation sees it, not in the night. A partly open
interval is staffed for the rate while it is open, for the whole interval (a roster is no finer
than an interval); its ``offered_per_hour`` is averaged over the whole interval.

Whole agents are what a roster needs; ``agents_exact`` interpolates the binding metric between
whole agents so that totals over many intervals (or queues) are not inflated by rounding each one.
"""

from __future__ import annotations

import math
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from simulator import analytic
from simulator.engine import timeline
from simulator.engine.demand import (
    CHAT,
    EMAIL,
    PHONE,
    Demand,
    clocks,
    email_share_in_time,
    expected_demand,
    interval_means,
    open_minute_mask,
    reason_work,
    through_closed,
)
from simulator.engine.demand import below as _below
from simulator.errors import CcsimError
from simulator.results.statistics import t_quantile
from simulator.scenario.loading import load_scenario_dict
from simulator.scenario.models import CHANNELS, Horizon, Scenario
from simulator.scenario.steps import agent_steps, expected_shrinkage
from simulator.units import MINUTES_PER_DAY

if TYPE_CHECKING:  # the runner loads numba and SimPy; the analytic methods need neither
    from simulator.runs.replications import RunResult

METHODS = ("erlang-c", "erlang-a", "simulation")
DEMANDS = ("contacts", "issues")
CONFIDENCE = 0.95
"""Two-sided confidence of the per-interval bounds that steer the simulation search."""
MAX_ITERATIONS = 30
"""Simulation runs of the search at most (the report says whether it converged)."""
OUTPUT_FILES = ("staffing.csv", "staffing.parquet", "staffing.png")
# Fixed-point iterations between abandonment and redial/repeat volume, and their tolerance.
_FIXED_POINT_STEPS = 200
_FIXED_POINT_TOL = 1e-10
# Agents searched at most per interval: far beyond any real need, so hitting it means the target
# cannot be reached (e.g. a service-level target of 1 within 0 s).
_MAX_AGENTS = 1_000_000


class StaffingError(CcsimError):
    """Staffing cannot be computed as asked (bad option or unreachable target): exit code 2."""


# -- targets --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Targets:
    """What every interval must meet: the service level and the optional caps."""

    answer_within_s: float
    service_level: float
    max_abandon: float | None = None
    max_occupancy: float | None = None
    metric: str = "service_level"
    """The KPI the service-level target applies to (``channels.phone.service_level.metric``)."""
    short_abandon_s: float = 0.0
    """Abandons within this wait leave the base of ``service_level_excl_short_abandons``."""

    def met(self, sl: float, abandon: float, occupancy: float) -> bool:
        """Whether an interval with these KPIs meets every target (NaN never meets)."""
        ok = sl >= self.service_level - 1e-12
        if self.max_abandon is not None:
            ok = ok and abandon <= self.max_abandon + 1e-12
        if self.max_occupancy is not None:
            ok = ok and occupancy <= self.max_occupancy + 1e-12
        return bool(ok)

    def slack(self, sl: float, abandon: float, occupancy: float) -> list[float]:
        """One number per target, >= 0 when it is met; linear in the metric, for interpolation."""
        out = [sl - self.service_level]
        if self.max_abandon is not None:
            out.append(self.max_abandon - abandon)
        if self.max_occupancy is not None:
            out.append(self.max_occupancy - occupancy)
        return out


def targets_for(
    scenario: Scenario, max_abandon: float | None = None, max_occupancy: float | None = None
) -> Targets:
    """The scenario's phone service-level target plus the optional caps, checked."""
    for name, value in (("--max-abandon", max_abandon), ("--max-occupancy", max_occupancy)):
        if value is not None and not 0 < value <= 1:
            raise StaffingError(f"{name} must be a fraction > 0 and <= 1 (got {value})")
    sl = scenario.channels.phone.service_level
    return Targets(
        sl.answer_within_s, sl.target, max_abandon, max_occupancy, sl.metric, sl.short_abandon_s
    )


def metric_text(targets: Targets) -> str:
    """`` (answered calls only)``: which service level the target applies to, for titles."""
    if targets.metric == "service_level_answered":
        return " (answered calls only)"
    if targets.metric == "service_level_excl_short_abandons":
        return f" (abandons within {targets.short_abandon_s:g} s left out)"
    return ""


# -- demand ---------------------------------------------------------------------------------------
def customer_contacts_per_issue(
    fcr: float,
    later_fcr: float,
    repeat_probability: float,
    max_contacts: int | None,
    answered: float = 1.0,
) -> float:
    """Expected customer contacts (first contact and repeats, redials not) of one issue.

    Derivation. A customer contact is answered with probability ``answered`` = q (an unanswered
    one, abandoned without a redial, ends the journey: the customer gave up). The first answered
    contact resolves the issue with probability f1 = ``fcr``, later ones with f2 = ``later_fcr``;
    an unresolved customer contacts again with probability p, as long as fewer than M =
    ``max_contacts`` contacts were made. So contact 2 happens with probability u1 = q (1 - f1) p
    and each further contact k + 1 with probability u2 = q (1 - f2) p given contact k:

        E[contacts] = 1 + u1 (1 + u2 + ... + u2^(M-2)) = 1 + u1 (1 - u2^(M-1)) / (1 - u2),

    a geometric series truncated at M (1 + u1 (M - 1) when u2 = 1; 1 + u1 / (1 - u2) without a
    limit). With f1 = f2 = f and q = 1 this is spec C's 1 / (1 - (1 - f) p).
    """
    u1 = answered * (1.0 - fcr) * repeat_probability
    u2 = answered * (1.0 - later_fcr) * repeat_probability
    if max_contacts is None:
        if u2 >= 1.0:
            return math.inf
        return 1.0 + u1 / (1.0 - u2)
    if max_contacts <= 1:
        return 1.0
    if u2 >= 1.0:
        return 1.0 + u1 * (max_contacts - 1)
    return 1.0 + u1 * (1.0 - u2 ** (max_contacts - 1)) / (1.0 - u2)


def attempts_per_contact(abandon: float, redial_probability: float, max_attempts: int) -> float:
    """Expected calls of one customer contact, redials included: sum of (a r)^k, k < max_attempts.

    Attempt k + 1 is made when attempt k was abandoned (probability a) and the customer redials
    (r), for at most ``max_attempts`` attempts; a is the abandonment probability of each attempt.
    """
    x = abandon * redial_probability
    if x >= 1.0:
        return float(max_attempts)
    return (1.0 - x**max_attempts) / (1.0 - x)


def answered_share(abandon: float, redial_probability: float, max_attempts: int) -> float:
    """Probability that a customer contact is answered at one of its ``max_attempts`` attempts.

    Attempt k + 1 is reached with probability (a r)^k and answered with 1 - a.
    """
    return (1.0 - abandon) * attempts_per_contact(abandon, redial_probability, max_attempts)


@dataclass(frozen=True)
class _Flow:
    """One reason as analytic staffing sees it."""

    weight: float  # new issues of this reason that reach the phone, per new issue
    handle_s: float  # mean handle time: talk (x self-service failure factor) + hold + wrap-up
    fcr: float
    later_fcr: float
    repeat_probability: float
    max_contacts: int | None


@dataclass(frozen=True)
class Workload:
    """Expected phone contacts per new issue, and their mean handle time, given abandonment."""

    flows: tuple[_Flow, ...]
    redial_probability: float
    max_attempts: int
    demand: str

    @property
    def depends_on_abandonment(self) -> bool:
        """Whether abandonment changes the volume (redials, or repeats cut short by giving up)."""
        if self.demand == "issues":
            return False
        repeats = any(f.repeat_probability > 0 and min(f.fcr, f.later_fcr) < 1 for f in self.flows)
        return self.redial_probability > 0 or repeats

    def per_issue(self, abandon: float = 0.0) -> tuple[float, float]:
        """(phone calls per new issue, their mean handle time in s) for per-attempt abandonment."""
        if self.demand == "issues":
            weight = sum(f.weight for f in self.flows)
            return weight, sum(f.weight * f.handle_s for f in self.flows) / weight
        q = answered_share(abandon, self.redial_probability, self.max_attempts)
        calls = attempts_per_contact(abandon, self.redial_probability, self.max_attempts)
        contacts = [
            f.weight
            * customer_contacts_per_issue(
                f.fcr, f.later_fcr, f.repeat_probability, f.max_contacts, q
            )
            for f in self.flows
        ]
        total = sum(contacts)
        aht = sum(c * f.handle_s for c, f in zip(contacts, self.flows, strict=True)) / total
        return total * calls, aht


def workload(scenario: Scenario, demand: str = "contacts") -> Workload:
    """What the analytic methods feed on.

    Self-service deflection and its longer handle times and third-party consult holds are included;
    third-party transfers and callbacks (and the repeats of missed callbacks) are not: the
    simulation method accounts for those.
    """
    if demand not in DEMANDS:
        raise StaffingError(f"--demand must be one of {', '.join(DEMANDS)} (got {demand!r})")
    flows = []
    for i, r in enumerate(scenario.reasons):
        reach, talk, hold = reason_work(r)
        flow = _Flow(
            weight=r.share * reach,
            handle_s=talk + hold + r.wrap_up_s,
            fcr=r.fcr,
            later_fcr=r.later_fcr,
            repeat_probability=r.repeat.probability,
            max_contacts=r.repeat.max_contacts,
        )
        if demand == "contacts" and math.isinf(
            customer_contacts_per_issue(
                flow.fcr, flow.later_fcr, flow.repeat_probability, flow.max_contacts
            )
        ):
            raise StaffingError(
                f"reasons[{i}] ({r.name}): later contacts never resolve and the customer always "
                "contacts again without a limit, so the expected contacts per issue are infinite; "
                "set reasons[].repeat.max_contacts or a later fcr > 0"
            )
        flows.append(flow)
    if sum(f.weight for f in flows) <= 0:
        raise StaffingError("self-service deflects every issue: there is no phone demand to staff")
    redial = scenario.channels.phone.redial
    return Workload(
        flows=tuple(flows),
        redial_probability=redial.probability if redial else 0.0,
        max_attempts=redial.max_attempts if redial else 1,
        demand=demand,
    )


# -- opening hours -------------------------------------------------------------------------------
def open_minutes(scenario: Scenario) -> np.ndarray:
    """Whether the phone line is open in each minute of the horizon."""
    return open_minute_mask(timeline.clock(scenario), scenario.horizon.days * MINUTES_PER_DAY)


def open_demand(scenario: Scenario) -> tuple[np.ndarray, np.ndarray]:
    """Per reporting interval: the share the phone line is open and the new issues reaching it.

    The engine refuses a call that finds the line closed; the customer tries again
    ``calendar.closed_retry.delay`` after the next opening with probability
    ``closed_retry.probability`` (and is refused again if the line has closed by then), else
    gives up; a retry after the horizon is not simulated. The expected volume follows the same
    path minute by minute: the demand of closed hours moves to the hours after opening (the
    morning rush of a line that was closed overnight), less the customers who give up, so a closed
    interval has no demand and the intervals after opening carry what the engine puts there.
    """
    h = scenario.horizon
    rates = interval_means(*timeline.arrival_steps(scenario), h)
    is_open = open_minutes(scenario)
    volume = np.repeat(rates * 60.0, h.interval_minutes)
    n = len(volume)
    landing = np.diff(_below(scenario.calendar.closed_retry.delay, np.arange(n + 1) * 60.0))
    reached = through_closed(volume, is_open, scenario.calendar.closed_retry.probability, landing)
    per_interval = (-1, h.interval_minutes)
    return is_open.reshape(per_interval).mean(axis=1), reached.reshape(per_interval).sum(axis=1)


# -- analytic methods ----------------------------------------------------------------------------
@dataclass(frozen=True)
class _Point:
    """One interval at one whole number of agents."""

    agents: int
    offered_per_s: float
    aht_s: float
    service_level: float
    abandon_rate: float
    occupancy: float
    asa_s: float
    base_share: float = 1.0
    """Share of the offered contacts in the base of the metric aimed at (1 for spec A3's)."""

    @property
    def aimed(self) -> float:
        """The service level the target applies to: ``service_level / base_share``."""
        return self.service_level / self.base_share if self.base_share > 0 else math.nan


def _evaluate(
    method: str,
    issues_per_s: float,
    agents: int,
    work: Workload,
    targets: Targets,
    patience_s: float | None,
) -> _Point:
    """KPIs of one interval, the volume solved as a fixed point with its abandonment.

    Fewer agents, more abandonment, more redials; the iteration damps quickly because redials and
    repeats are capped. Erlang C has no abandons: every metric is its service level. Erlang A gives
    the base of the metric aimed at (``_Point.base_share``): the answered share, or the offered
    less the short abandons.
    """
    short_s = (
        targets.short_abandon_s if targets.metric == "service_level_excl_short_abandons" else 0.0
    )
    abandon = 0.0
    seen: list[float] = []  # the plain iterates since the last extrapolation
    for _ in range(_FIXED_POINT_STEPS):
        per_issue, aht = work.per_issue(abandon)
        rate = issues_per_s * per_issue
        if method == "erlang-c":
            c = analytic.erlang_c(rate, aht, agents, targets.answer_within_s)
            return _Point(agents, rate, aht, c.service_level, 0.0, c.occupancy, c.asa_s)
        a = analytic.erlang_a(rate, aht, agents, patience_s, targets.answer_within_s, short_s)
        if not work.depends_on_abandonment or abs(a.p_abandon - abandon) < _FIXED_POINT_TOL:
            break
        seen.append(abandon)
        abandon = a.p_abandon
        if (
            len(seen) == 2
        ):  # Aitken's extrapolation (Steffensen): x0 - (x1 - x0)^2 / (x2 - 2 x1 + x0)
            x0, x1 = seen
            bend = abandon - 2.0 * x1 + x0
            if bend != 0.0:
                jump = x0 - (x1 - x0) ** 2 / bend
                if 0.0 <= jump <= 1.0:
                    abandon = jump
            seen = []
    occupancy = a.occupancy if agents > 0 else 1.0
    asa = a.asa_s if not math.isnan(a.asa_s) else math.inf
    base = {
        "service_level_answered": 1.0 - a.p_abandon,
        "service_level_excl_short_abandons": 1.0 - a.p_short_abandon,
    }.get(targets.metric, 1.0)
    return _Point(agents, rate, aht, a.service_level, a.p_abandon, occupancy, asa, base)


def _solve_interval(
    method: str,
    issues_per_s: float,
    work: Workload,
    targets: Targets,
    patience_s: float | None,
    guess: int | None = None,
) -> tuple[_Point | None, float]:
    """Fewest whole agents meeting every target, and the fractional staffing.

    A binary search finds the whole agents (the KPIs are monotone in the agents); the fractional
    staffing is interpolated on the binding target between n - 1 and n. A ``guess`` (the
    neighbouring interval's answer) is tried first with one agent either side: where demand
    changes little from one interval to the next, that settles it in two or three evaluations.
    """
    if issues_per_s <= 0:
        return None, 0.0
    cache: dict[int, _Point] = {}

    def point(n: int) -> _Point:
        if n not in cache:
            try:
                cache[n] = _evaluate(method, issues_per_s, n, work, targets, patience_s)
            except ValueError:  # Erlang A overloaded beyond its state space: certainly too few
                cache[n] = _Point(n, math.nan, math.nan, 0.0, 1.0, 1.0, math.inf)
        return cache[n]

    def ok(n: int) -> bool:
        p = point(n)
        return targets.met(p.aimed, p.abandon_rate, p.occupancy)

    lo = -1  # the largest count known to miss (-1: none yet)
    hi = 0  # a count known to meet (0: none yet)
    if guess is not None and guess > 0:
        if ok(guess):
            hi = guess
            if not ok(guess - 1):
                lo = guess - 1
        else:
            lo = guess
            if ok(guess + 1):
                hi = guess + 1
    if hi == 0:
        per_issue, aht = work.per_issue(0.0)
        hi = max(1, lo + 1, math.ceil(issues_per_s * per_issue * aht))
        while not ok(hi):
            lo, hi = hi, hi * 2
            if hi > _MAX_AGENTS:
                raise StaffingError(
                    f"no staffing up to {_MAX_AGENTS:,} agents meets the targets "
                    f"(service level{metric_text(targets)} {targets.service_level:g} within "
                    f"{targets.answer_within_s:g} s{caps_text(targets)}); lower the target"
                )
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if mid >= 0 and ok(mid):
            hi = mid
        else:
            lo = mid
    best = point(hi)
    if hi == 0:
        return best, 0.0
    below = point(hi - 1)
    exact = float(hi - 1)
    for s_below, s_at in zip(
        targets.slack(below.aimed, below.abandon_rate, below.occupancy),
        targets.slack(best.aimed, best.abandon_rate, best.occupancy),
        strict=True,
    ):
        if s_below < 0:  # this target binds between hi - 1 and hi
            frac = -s_below / (s_at - s_below) if s_at > s_below else 1.0
            exact = max(exact, hi - 1 + min(max(frac, 0.0), 1.0))
    return best, exact


def caps_text(targets: Targets) -> str:
    """``, abandonment <= 0.05``: the optional caps of the targets, for titles and errors."""
    caps = ""
    if targets.max_abandon is not None:
        caps += f", abandonment <= {targets.max_abandon:g}"
    if targets.max_occupancy is not None:
        caps += f", occupancy <= {targets.max_occupancy:g}"
    return caps


def patience_mean(scenario: Scenario, method: str) -> float | None:
    """Mean patience for Erlang A (which assumes it exponential), or None when nobody abandons."""
    patience = scenario.channels.phone.patience
    if patience is None:
        if method == "erlang-a":
            raise StaffingError(
                "--method erlang-a needs channels.phone.patience (nobody abandons without it); "
                "use --method erlang-c"
            )
        return None
    return patience.mean


# -- results --------------------------------------------------------------------------------------
@dataclass
class StaffingResult:
    """Agents per interval over the horizon, their totals and the KPIs they achieve."""

    method: str
    demand: str
    targets: Targets
    horizon: Horizon
    table: pd.DataFrame
    """One row per reporting interval of the horizon: start_min, offered_per_hour, agents,
    agents_exact, service_level, abandon_rate, occupancy, and the method's extras."""
    scheduled: np.ndarray
    """The scenario's own agents on duty per interval (time average), for the plot."""
    hours_per_fte_week: float
    shrinkage: float
    kpis: dict[str, float | None]
    notes: list[str]
    simulation: dict[str, Any] | None = None
    kpis_ci95: dict[str, float | None] = field(default_factory=dict)
    fte_shrinkage: float | None = None
    """The shrinkage FTE divides by when it is not ``shrinkage`` (spec D11): 0 when the simulated
    agents already take breaks, absence and off-phone time, their expected share for analytic
    agents on the line."""
    groups: list[str] = field(default_factory=lambda: ["agents"])
    """The agent groups (``"agents"`` for a single pool): the table's ``group:<name>`` columns."""

    @property
    def interval_hours(self) -> float:
        """Length of a reporting interval in hours."""
        return self.horizon.interval_minutes / 60.0

    @property
    def agent_hours(self) -> float:
        """Agent hours over the horizon with whole agents per interval."""
        return float(self.table["agents"].sum()) * self.interval_hours

    @property
    def agent_hours_exact(self) -> float:
        """Agent hours over the horizon with the fractional staffing (``agents_exact``)."""
        return float(self.table["agents_exact"].sum()) * self.interval_hours

    def fte_of(self, agent_hours: float) -> float:
        """FTE after shrinkage (spec A2b): hours / (weekly hours x days / 7) / (1 - shrinkage).

        With shrinkage simulated (spec D11) the shrinkage is ``fte_shrinkage``, never both.
        """
        weeks = self.horizon.days / 7.0
        return agent_hours / (self.hours_per_fte_week * weeks) / (1.0 - self.applied_shrinkage)

    @property
    def applied_shrinkage(self) -> float:
        """The shrinkage FTE divides by: ``fte_shrinkage`` when set, else ``shrinkage``."""
        return self.shrinkage if self.fte_shrinkage is None else self.fte_shrinkage

    @property
    def fte(self) -> float:
        """FTE of the whole-agent staffing."""
        return self.fte_of(self.agent_hours)

    @property
    def fte_exact(self) -> float:
        """FTE of the fractional staffing: what the work needs without rounding up."""
        return self.fte_of(self.agent_hours_exact)

    def by_day(self) -> pd.DataFrame:
        """One row per day: date, offered contacts, agent hours, peak agents, FTE and KPIs.

        FTE is what the horizon would need if every day were like this one, so the horizon's FTE is
        their mean; service level and abandonment are weighted by offered contacts.
        """
        table = self.table
        offered = table["offered_per_hour"] * self.interval_hours
        calls = table.get("phone_offered_per_hour", table["offered_per_hour"]) * self.interval_hours
        frame = pd.DataFrame(
            {
                "day": table["start_min"].to_numpy() // MINUTES_PER_DAY,
                "offered": offered,
                "calls": calls,
                "agents": table["agents"],
                "answered_in_time": calls * table["service_level"].fillna(0.0),
                "abandoned": calls * table["abandon_rate"].fillna(0.0),
            }
        )
        days = frame.groupby("day").agg(
            offered=("offered", "sum"),
            calls=("calls", "sum"),
            agent_hours=("agents", "sum"),
            peak_agents=("agents", "max"),
            answered_in_time=("answered_in_time", "sum"),
            abandoned=("abandoned", "sum"),
        )
        hours = days["agent_hours"] * self.interval_hours
        some = days["calls"].where(days["calls"] > 0)  # a closed day has no service level
        origin = self.horizon.origin.date()
        return pd.DataFrame(
            {
                "day": days.index + 1,
                "date": [origin + timedelta(days=int(d)) for d in days.index],
                "offered": days["offered"],
                "agent_hours": hours,
                "peak_agents": days["peak_agents"],
                "fte": [self.fte_of(x) * self.horizon.days for x in hours],
                "service_level": days["answered_in_time"] / some,
                "abandon_rate": days["abandoned"] / some,
            }
        ).reset_index(drop=True)

    @property
    def converged(self) -> bool:
        """False only when the simulation search stopped at its run limit (exit code 3)."""
        return self.simulation is None or bool(self.simulation["converged"])

    @property
    def reason(self) -> str | None:
        """Why the search did not converge (None when it did)."""
        return None if self.simulation is None else self.simulation.get("reason")

    def to_json(self) -> dict[str, Any]:
        """The object of spec A2b, plus totals of the fractional staffing, KPIs and notes."""
        group_keys = [f"group:{g}" for g in self.groups]
        sl_keys = [f"group_service_level:{g}" for g in self.groups]
        plain = [k for k in self.table.columns if k not in group_keys + sl_keys]
        rows = [
            {key: _json_value(row[key]) for key in plain}
            | (
                {
                    "groups": {
                        g: _json_value(row[k]) for g, k in zip(self.groups, group_keys, strict=True)
                    }
                }
                if group_keys[0] in row
                else {}
            )
            | (
                {
                    "group_service_level": {
                        g: _json_value(row[k]) for g, k in zip(self.groups, sl_keys, strict=True)
                    }
                }
                if sl_keys[0] in row
                else {}
            )
            for row in self.table.to_dict("records")
        ]
        out: dict[str, Any] = {
            "method": self.method,
            "demand": self.demand,
            "service_level": {
                "answer_within_s": self.targets.answer_within_s,
                "target": self.targets.service_level,
                **_metric_json(self.targets),
            },
            "max_abandon": self.targets.max_abandon,
            "max_occupancy": self.targets.max_occupancy,
            "interval_minutes": self.horizon.interval_minutes,
            "intervals": rows,
            "agent_hours": round(self.agent_hours, 6),
            "fte": round(self.fte, 6),
            "agent_hours_exact": round(self.agent_hours_exact, 6),
            "fte_exact": round(self.fte_exact, 6),
            "hours_per_fte_week": self.hours_per_fte_week,
            "shrinkage": self.shrinkage,
            "fte_shrinkage": self.applied_shrinkage,
            "kpis": {k: _json_value(v) for k, v in self.kpis.items()},
            "notes": self.notes,
            "converged": self.converged,
        }
        if self.reason is not None:
            out["reason"] = self.reason
        if self.kpis_ci95:
            out["ci95"] = {k: _json_value(v) for k, v in self.kpis_ci95.items()}
        if self.simulation is not None:
            out["simulation"] = self.simulation
        return out


def _metric_json(targets: Targets) -> dict[str, Any]:
    """The metric aimed at, for the JSON's ``service_level`` object.

    Nothing for spec A3's (the object stays as spec A2b shows it); ``short_abandon_s`` too for the
    variant that uses it.
    """
    if targets.metric == "service_level":
        return {}
    if targets.metric == "service_level_excl_short_abandons":
        return {"metric": targets.metric, "short_abandon_s": targets.short_abandon_s}
    return {"metric": targets.metric}


def _json_value(value: Any) -> Any:
    """Plain Python for JSON: numpy scalars unwrapped, NaN and infinity as null."""
    if isinstance(value, np.integer | np.bool_):
        return value.item()
    if isinstance(value, float | np.floating):
        value = float(value)
        return None if not math.isfinite(value) else value
    return value


def _notes(method: str, demand: str, scenario: Scenario) -> list[str]:
    """What the numbers assume, stated with them rather than only in the README."""
    notes = []
    if not timeline.clock(scenario).always_open:
        notes.append(
            "closed hours (opening hours, holidays) get 0 agents; a partly open interval is "
            "staffed for the rate while it is open"
            + (
                ""
                if method == "simulation"
                else "; calls of closed hours are placed where the engine puts them: after "
                "the next opening by calendar.closed_retry, less those who give up"
            )
        )
    if method == "simulation":
        notes.append(
            "simulation: the full model with common random numbers (the same seed for every "
            "candidate staffing), a staffing for every date and interval, searched as one pool "
            "on the phone target; the breakdown by channel and group follows the analytic start"
        )
        return notes
    if demand == "contacts":
        notes.append(
            "demand = expected contacts of each date and interval: new issues, drivers, "
            "repeats where the engine's timing rules put them, redials from the abandonment "
            "the staffing causes (in the interval of the abandoned call)"
        )
    else:
        notes.append("demand = new issues only: no repeats and no redials (--demand issues)")
    if any(r.third_party and r.third_party.mode.consult < 1 for r in scenario.reasons):
        notes.append(
            "third parties: a job reaches the customer after its work time (the party's hours "
            "and queue left out); repeats after it and after a missed callback are in the "
            "demand, and callbacks agents make are phone work"
        )
    if scenario.agents.groups is not None:
        notes.append(
            "agent groups: each is staffed as a pool of its own for the queues it takes (a "
            "queue several groups take is split evenly) and the escalations addressed to it; "
            "no pooling between groups, overflow left out"
        )
    if scenario.channels.chat is not None:
        chat = scenario.channels.chat
        notes.append(
            f"chat: Erlang on {chat.concurrency} slots per agent, each chat taking its handle "
            f"time x {1 + chat.concurrency_slowdown * (chat.concurrency - 1):g} (the slowdown "
            "of a full agent)"
        )
    if scenario.channels.email is not None:
        notes.append(
            "e-mail: the fewest agents, the same in every business hour, whose first-come-"
            "first-served work answers the target share in time (a fluid backlog)"
        )
    if any(d.kind == "proactive_outbound" for d in scenario.drivers):
        notes.append(
            "proactive calls are phone work in the interval the center learns of them (after "
            "opening when learned at night), assumed made in time"
        )
    if method == "erlang-a":
        kind = scenario.channels.phone.patience.kind  # type: ignore[union-attr]
        notes.append(
            "Erlang A assumes exponential patience with the scenario's mean"
            + ("" if kind == "exponential" else f" (the scenario's is {kind})")
        )
    else:
        notes.append("Erlang C: nobody abandons, whatever the scenario's patience")
    return notes


def _scheduled(scenario: Scenario) -> np.ndarray:
    starts, counts = agent_steps(scenario.agents, scenario.horizon)
    return interval_means(starts, counts, scenario.horizon)


def _allocation(scenario: Scenario) -> tuple[list[str], np.ndarray]:
    """Group names and each group's share of every (channel, reason) queue.

    A queue taken by one group is that group's; a queue that several groups take is split
    evenly between them. Each group is then staffed as a pool of its own for its share: no
    pooling between groups, which errs on the side of more agents.
    """
    pools = scenario.agents.pools(scenario.channels.names)
    n_reasons = len(scenario.reasons)
    share = np.zeros((len(pools), len(CHANNELS), n_reasons))
    for g, pool in enumerate(pools):
        for c, name in enumerate(CHANNELS):
            if name not in pool.channels:
                continue
            for r, reason in enumerate(scenario.reasons):
                if pool.skills is None or reason.name in pool.skills:
                    share[g, c, r] = 1.0
    takers = share.sum(axis=0)
    share = np.divide(share, takers, out=np.zeros_like(share), where=takers > 0)
    return [p.name for p in pools], share


@dataclass
class _Channel:
    """One channel of one group, per interval: agents, fractional agents and KPIs."""

    agents: np.ndarray
    exact: np.ndarray
    offered: np.ndarray  # contacts (phone: calls with redials, outbound left out) per interval
    kpis: dict[str, np.ndarray] = field(default_factory=dict)
    answered: np.ndarray | None = None  # share of customer contacts answered per interval


def _phone_requirement(
    method: str,
    volume: np.ndarray,
    extra: np.ndarray,
    extra_handle: np.ndarray,
    dem: Demand,
    work: Workload,
    targets: Targets,
    patience: float | None,
) -> _Channel:
    """One group's phone agents per interval (Erlang C or A, each interval on its own).

    ``volume`` (reason, interval) are its expected customer contacts, ``extra`` (flow,
    interval) the other phone work it takes, with mean handle times ``extra_handle``: proactive
    calls, the callbacks its agents make for third parties, escalated calls (spec D4) addressed
    to it. Redials come from the
    abandonment the staffing causes (a fixed point per interval, ``_evaluate``). A partly open
    interval is staffed for its rate while open.
    """
    h = dem.horizon
    n = volume.shape[1]
    out = _Channel(np.zeros(n, np.int64), np.zeros(n), np.zeros(n), answered=np.ones(n))
    keys = ("service_level", "abandon_rate", "occupancy", "asa_s", "aht_s", targets.metric)
    out.kpis = {k: np.full(n, math.nan) for k in keys}
    share = dem.open_share[PHONE]
    handle = np.concatenate((dem.handle_s[PHONE], extra_handle))
    solved: dict[tuple[float, ...], tuple[_Point | None, float]] = {}
    guess = None
    for i in range(n):
        load = np.concatenate((volume[:, i], extra[:, i]))
        total = load.sum()
        if share[i] <= 0 or total <= 0:
            continue
        weights = load / total
        key = (round(total / share[i], 9), *np.round(weights, 12))
        if key not in solved:
            flows = tuple(
                _Flow(w, float(hs), 1.0, 1.0, 0.0, None)
                for w, hs in zip(weights, handle, strict=True)
                if w > 0
            )
            mix = replace(work, flows=flows)
            solved[key] = _solve_interval(
                method, total / (share[i] * h.interval_s), mix, targets, patience, guess
            )
        point, exact = solved[key]
        if point is None:
            continue
        guess = point.agents
        inbound = float(weights[: volume.shape[0]].sum())
        out.agents[i], out.exact[i] = point.agents, exact
        out.offered[i] = point.offered_per_s * inbound * share[i] * h.interval_s
        for k, v in (
            ("service_level", point.service_level),
            ("abandon_rate", point.abandon_rate),
            ("occupancy", point.occupancy),
            ("asa_s", point.asa_s),
            ("aht_s", point.aht_s),
            (targets.metric, point.aimed),
        ):
            out.kpis[k][i] = v
        out.answered[i] = answered_share(
            point.abandon_rate, work.redial_probability, work.max_attempts
        )
    return out


def _chat_requirement(scenario: Scenario, method: str, volume: np.ndarray, dem: Demand) -> _Channel:
    """One group's chat agents per interval: Erlang C (or A with chat patience) on chat slots.

    An agent holds up to k = ``concurrency`` chats. With ``concurrency_slowdown`` s an agent
    with j chats works each at 1 / (1 + s (j - 1)) of one chat's speed, so it completes chats
    at j / (1 + s (j - 1)) per handle time h. A chat waits only when every slot is taken, i.e.
    when the agents hold k chats each; there each slot completes a chat at rate
    1 / (h (1 + s (k - 1))). So the slots are c = N k servers of mean service time
    h (1 + s (k - 1)): exact for s = 0, and on the safe side for s > 0 (agents with fewer chats
    are faster than that). N is the fewest agents whose N k slots meet the chat target.
    """
    chat = scenario.channels.chat
    assert chat is not None
    h = dem.horizon
    k = chat.concurrency
    factor = 1.0 + chat.concurrency_slowdown * (k - 1)
    sl = chat.service_level
    targets = Targets(sl.answer_within_s, sl.target)
    patience = chat.patience.mean if chat.patience is not None else None
    chat_method = "erlang-a" if method == "erlang-a" and patience is not None else "erlang-c"
    n = volume.shape[1]
    out = _Channel(np.zeros(n, np.int64), np.zeros(n), np.zeros(n), answered=np.ones(n))
    out.kpis = {k_: np.full(n, math.nan) for k_ in ("service_level", "abandon_rate")}
    share = dem.open_share[CHAT]
    guess = None
    for i in range(n):
        total = volume[:, i].sum()
        if share[i] <= 0 or total <= 0:
            continue
        flows = tuple(
            _Flow(v / total, float(hs) * factor, 1.0, 1.0, 0.0, None)
            for v, hs in zip(volume[:, i], dem.handle_s[CHAT], strict=True)
            if v > 0
        )
        work = Workload(flows, 0.0, 1, "issues")
        rate = total / (share[i] * h.interval_s)
        point, exact = _solve_interval(chat_method, rate, work, targets, patience, guess)
        if point is None:
            continue
        guess = point.agents
        agents = math.ceil(point.agents / k)
        at = _evaluate(chat_method, rate, agents * k, work, targets, patience)
        out.agents[i], out.exact[i] = agents, exact / k
        out.offered[i] = total
        out.kpis["service_level"][i] = at.service_level
        out.kpis["abandon_rate"][i] = at.abandon_rate
        out.answered[i] = 1.0 - at.abandon_rate
    return out


def _email_requirement(scenario: Scenario, volume: np.ndarray, dem: Demand) -> _Channel:
    """One group's e-mail agents: one level in every interval of the e-mail's business hours.

    E-mail waits in a backlog and may be answered hours later, so no interval needs its own
    staffing: the fewest agents N (the same in every business-hours interval of the horizon)
    whose first-come-first-served work answers the target share of e-mails within
    ``answer_within_h`` business hours, in a fluid model of the backlog
    (``demand.email_share_in_time``). ``agents_exact`` is the real N found by bisection. The
    level goes on after the horizon (business hours as every week, no new e-mails) until the last
    e-mail's deadline, so the e-mails of the last days count too: their work must still be done.
    """
    email = scenario.channels.email
    assert email is not None
    h = dem.horizon
    per = h.interval_minutes
    n = volume.shape[1]
    out = _Channel(np.zeros(n, np.int64), np.zeros(n), volume.sum(axis=0).copy())
    count = np.repeat(volume.sum(axis=0) / per, per)
    work = np.repeat((volume * dem.handle_s[EMAIL][:, None]).sum(axis=0) / per, per)
    if work.sum() <= 0:
        return out
    within = email.service_level.answer_within_h * 3600.0
    target = email.service_level.target
    business = clocks(scenario)[EMAIL]
    minutes = len(work)
    after = MINUTES_PER_DAY  # minutes after the horizon until the last deadline
    while True:
        minute_ends = (np.arange(minutes + after) + 1) * 60.0
        business_s = minute_ends if business is None else business.open_seconds_until(minute_ends)
        if business_s[-1] >= business_s[minutes - 1] + within or after > 400 * MINUTES_PER_DAY:
            break
        after *= 2
    working = np.concatenate(
        (np.repeat(dem.open_share[EMAIL] > 0, per), np.diff(business_s)[minutes - 1 :] > 0)
    )
    work = np.concatenate((work, np.zeros(after)))
    count = np.concatenate((count, np.zeros(after)))

    def ok(agents: float) -> bool:
        return email_share_in_time(work, count, agents, working, business_s, within) >= target

    hi = max(1.0, work.sum() / max(working.sum() * 60.0, 60.0))
    while not ok(hi):
        hi *= 2
        if hi > _MAX_AGENTS:
            raise StaffingError(
                f"no e-mail staffing up to {_MAX_AGENTS:,} agents answers "
                f"{target:g} within {email.service_level.answer_within_h:g} business hours"
            )
    lo = 0.0
    for _ in range(60):
        mid = (lo + hi) / 2
        lo, hi = (lo, mid) if ok(mid) else (mid, hi)
        if hi - lo < 1e-6:
            break
    level = math.ceil(hi - 1e-9)
    open_ = dem.open_share[EMAIL] > 0
    out.agents[open_] = level
    out.exact[open_] = hi
    return out


def requirement(
    scenario: Scenario, method: str = "erlang-a", demand: str = "contacts"
) -> pd.DataFrame:
    """The agents needed per interval of the horizon (spec D8), for ``ccsim schedule``.

    ``staff_analytic(...).table``: one row per interval with ``start_min``,
    ``offered_per_hour``, ``agents`` (total over channels and groups), ``agents_exact``,
    ``phone_agents`` (and ``chat_agents``, ``email_agents`` when the scenario has those
    channels), one ``group:<name>`` column of agents per agent group (``"agents"`` for a single
    pool), and the phone KPIs.
    """
    return staff_analytic(scenario, method, demand).table


def staff_analytic(
    scenario: Scenario,
    method: str = "erlang-a",
    demand: str = "contacts",
    max_abandon: float | None = None,
    max_occupancy: float | None = None,
) -> StaffingResult:
    """Erlang C or Erlang A staffing per interval of the horizon (see the module docstring).

    The demand is ``engine.demand.expected_demand``. Abandonment cuts journeys short, so the
    repeats depend on the staffing: the requirement is computed once with every contact
    answered, then again with the answered share that staffing gives each interval.
    """
    if method not in ("erlang-c", "erlang-a"):
        raise StaffingError(f"analytic method must be erlang-c or erlang-a (got {method!r})")
    targets = targets_for(scenario, max_abandon, max_occupancy)
    patience = patience_mean(scenario, method)
    work = workload(scenario, demand)  # checks: finite contacts per issue, some phone demand
    names, alloc = _allocation(scenario)
    escalated_to = np.array(  # per reason: the group its escalations go to (-1: none)
        [names.index(r.escalation.to) if r.escalation else -1 for r in scenario.reasons]
    )
    channels = scenario.channels.names
    h = scenario.horizon
    answered = None
    passes = 2 if demand == "contacts" and work.depends_on_abandonment else 1
    for _ in range(passes):
        dem = expected_demand(scenario, answered, repeats=demand == "contacts")
        parts: list[dict[str, _Channel]] = []
        for g in range(len(names)):
            mine = dem.contacts * alloc[g][:, :, None]
            part = {
                "phone": _phone_requirement(
                    method,
                    mine[PHONE],
                    np.concatenate(
                        (
                            dem.outbound * alloc[g][PHONE][:, None],
                            dem.callbacks * alloc[g][PHONE][:, None],
                            dem.escalations * (escalated_to == g)[:, None],
                        )
                    ),
                    np.concatenate(
                        (dem.outbound_handle_s, dem.callback_handle_s, dem.escalation_handle_s)
                    ),
                    dem,
                    work,
                    targets,
                    patience,
                )
            }
            if "chat" in channels:
                part["chat"] = _chat_requirement(scenario, method, mine[CHAT], dem)
            if "email" in channels:
                part["email"] = _email_requirement(scenario, mine[EMAIL], dem)
            parts.append(part)
        answered = np.ones((3, dem.contacts.shape[2]))
        for c, name in enumerate(CHANNELS):
            if name == "email" or name not in channels:
                continue
            offered = sum(p[name].offered for p in parts)
            got = sum(p[name].offered * p[name].answered for p in parts)
            answered[c] = np.divide(got, offered, out=np.ones_like(got), where=offered > 0)
    table = _requirement_table(scenario, dem, names, parts, targets, channels)
    return StaffingResult(
        method=method,
        demand=demand,
        targets=targets,
        horizon=h,
        table=table,
        scheduled=_scheduled(scenario),
        hours_per_fte_week=scenario.agents.hours_per_fte_week,
        shrinkage=scenario.agents.shrinkage,
        fte_shrinkage=(
            expected_shrinkage(scenario.agents, h, timeline.clock(scenario).holidays)
            if scenario.agents.simulates_shrinkage
            else None
        ),
        kpis=_analytic_kpis(table, targets.metric),
        notes=_notes(method, demand, scenario),
        groups=names,
    )


def _requirement_table(
    scenario: Scenario,
    dem: Demand,
    names: list[str],
    parts: list[dict[str, _Channel]],
    targets: Targets,
    channels: list[str],
) -> pd.DataFrame:
    """One row per interval: totals, the breakdown by channel and group, the phone KPIs."""
    h = dem.horizon
    per_hour = 3600.0 / h.interval_s
    n = dem.contacts.shape[2]
    phone = [p["phone"] for p in parts]
    calls = sum(p.offered for p in phone)
    with np.errstate(invalid="ignore", divide="ignore"):

        def phone_mean(key: str, weight: list[np.ndarray]) -> np.ndarray:
            num = sum(np.nan_to_num(p.kpis[key]) * w for p, w in zip(phone, weight, strict=True))
            den = sum(w * ~np.isnan(p.kpis[key]) for p, w in zip(phone, weight, strict=True))
            return np.where(den > 0, num / np.where(den > 0, den, 1.0), math.nan)

        offered_w = [p.offered for p in phone]
        answered_w = [p.offered * (1 - np.nan_to_num(p.kpis["abandon_rate"])) for p in phone]
        agents_w = [p.agents.astype(float) for p in phone]
    live = calls + (sum(p["chat"].offered for p in parts) if "chat" in channels else 0.0)
    agents = np.zeros(n, np.int64)
    exact = np.zeros(n)
    for p in parts:
        for ch in p.values():
            agents += ch.agents
            exact += ch.exact
    columns: dict[str, Any] = {
        "start_min": np.arange(n) * h.interval_minutes,
        "offered_per_hour": live * per_hour,
        "agents": agents,
        "agents_exact": exact,
        "service_level": phone_mean("service_level", offered_w),
        "abandon_rate": phone_mean("abandon_rate", offered_w),
        "occupancy": phone_mean("occupancy", agents_w),
        "asa_s": phone_mean("asa_s", answered_w),
        "aht_s": phone_mean("aht_s", answered_w),
        "new_issues_per_hour": dem.new_issues * per_hour,
        "open_share": dem.open_share[PHONE],
    }
    if targets.metric != "service_level":
        columns[targets.metric] = phone_mean(targets.metric, offered_w)
    columns["phone_offered_per_hour"] = calls * per_hour
    columns["phone_agents"] = sum(p.agents for p in phone)
    if dem.outbound.any():
        columns["outbound_per_hour"] = dem.outbound.sum(axis=0) * per_hour
    if dem.callbacks.any():
        columns["callbacks_per_hour"] = dem.callbacks.sum(axis=0) * per_hour
    if dem.escalations.any():
        columns["escalations_per_hour"] = dem.escalations.sum(axis=0) * per_hour
    if "chat" in channels:
        chat = [p["chat"] for p in parts]
        chats = sum(c.offered for c in chat)
        columns["chat_offered_per_hour"] = chats * per_hour
        columns["chat_agents"] = sum(c.agents for c in chat)
        with np.errstate(invalid="ignore", divide="ignore"):
            sl = sum(np.nan_to_num(c.kpis["service_level"]) * c.offered for c in chat)
            columns["chat_service_level"] = np.where(
                chats > 0, sl / np.where(chats > 0, chats, 1), math.nan
            )
    if "email" in channels:
        email = [p["email"] for p in parts]
        columns["email_received_per_hour"] = sum(e.offered for e in email) * per_hour
        columns["email_agents"] = sum(e.agents for e in email)
    for name, p in zip(names, parts, strict=True):
        columns[f"group:{name}"] = sum(ch.agents for ch in p.values())
    table = pd.DataFrame(columns)
    for key in table.columns:
        if key.endswith("agents") or key.startswith("group:"):
            table[key] = table[key].astype(np.int64)
    return table


def _analytic_kpis(table: pd.DataFrame, metric: str = "service_level") -> dict[str, float | None]:
    """Whole-horizon phone KPIs of the analytic staffing: interval KPIs weighted by volume or time.

    The metric aimed at, when not spec A3's, is the answered in time over the sum of each
    interval's base, offered x service_level / metric (every staffed interval meets its
    target, so the metric is above 0 there).
    """
    offered = table["phone_offered_per_hour"].to_numpy()
    phone_agents = table["phone_agents"]
    # agents of a partly open interval are on duty all of it but busy only while it is open
    busy = (table["occupancy"] * phone_agents * table["open_share"]).fillna(0.0).to_numpy()
    total = offered.sum()
    answered = offered * (1.0 - table["abandon_rate"].fillna(0.0).to_numpy())
    asa = table["asa_s"].fillna(0.0).to_numpy()
    agents = phone_agents.sum()
    extra = {}
    if metric != "service_level":
        in_time = np.nansum(offered * table["service_level"])
        base = np.nansum(offered * table["service_level"] / table[metric])
        extra[metric] = float(in_time / base) if base > 0 else None
    return {
        "offered_per_hour": float(table["offered_per_hour"].sum() / len(table)),
        "service_level": float(np.nansum(offered * table["service_level"]) / total)
        if total > 0
        else None,
        **extra,
        "abandon_rate": float(np.nansum(offered * table["abandon_rate"]) / total)
        if total > 0
        else None,
        "asa_s": float((answered * asa).sum() / answered.sum()) if answered.sum() > 0 else None,
        "occupancy": float(busy.sum() / agents) if agents > 0 else None,
    }


# -- simulation method ---------------------------------------------------------------------------
def with_staffing(scenario: Scenario, per_interval: np.ndarray, base_dir: Path | None) -> Scenario:
    """The scenario with its agents replaced by one count per interval.

    Shrinkage and FTE hours are kept; the counts are per interval of a day (repeated daily) or of
    the whole horizon. Days that differ (a closed weekend or holiday) go in as an ``agents.table``
    of date-times, read before this returns.
    """
    h = scenario.horizon
    counts = np.asarray(per_interval, dtype=np.int64)
    daily = counts[: h.intervals_per_day]
    data = scenario.to_yaml_dict()
    agents = {k: data["agents"][k] for k in ("shrinkage", "hours_per_fte_week")}
    # simulated shrinkage (spec D11) stays: the candidates are paid agents who take breaks
    agents |= {
        k: data["agents"][k]
        for k in ("breaks", "absence", "off_phone")
        if data["agents"].get(k) not in (None, 0, 0.0)
    }
    source = f"<{scenario.name}: staffing candidate>"
    if len(counts) == len(daily) or np.array_equal(counts, np.tile(daily, h.days)):
        data["agents"] = {**agents, "per_interval": [int(n) for n in daily]}
        return load_scenario_dict(data, source=source, base_dir=base_dir)
    rows = [
        f"{(h.origin + timedelta(minutes=int(i) * h.interval_minutes)).isoformat()},{counts[i]}\n"
        for i in np.flatnonzero(np.diff(counts, prepend=-1))
    ]
    with tempfile.TemporaryDirectory() as folder:
        table = Path(folder) / "staffing.csv"
        table.write_text("start,agents\n" + "".join(rows))
        data["agents"] = {**agents, "table": str(table)}
        return load_scenario_dict(data, source=source, base_dir=base_dir)


def with_group_staffing(
    scenario: Scenario, per_group: dict[str, np.ndarray], base_dir: Path | None
) -> Scenario:
    """The scenario with each agent group's staffing replaced by one count per interval.

    ``per_group`` maps every group name to its counts per interval of the horizon (or of a day,
    repeated daily). Each group keeps its skills, channels and people (proficiency, learning,
    hires); only who is on duty when changes: a daily ``per_interval`` when every day is alike,
    else an ``agents.table`` of date-times, read before this returns.
    """
    h = scenario.horizon
    data = scenario.to_yaml_dict()
    source = f"<{scenario.name}: staffing candidate per group>"
    with tempfile.TemporaryDirectory() as folder:
        for g, group in enumerate(data["agents"]["groups"]):
            for key in ("headcount", "per_interval", "table", "shifts"):
                group.pop(key, None)
            counts = np.asarray(per_group[group["name"]], dtype=np.int64)
            daily = counts[: h.intervals_per_day]
            if len(counts) == len(daily) or np.array_equal(counts, np.tile(daily, h.days)):
                group["per_interval"] = [int(n) for n in daily]
                continue
            rows = [
                f"{(h.origin + timedelta(minutes=int(i) * h.interval_minutes)).isoformat()},"
                f"{counts[i]}\n"
                for i in np.flatnonzero(np.diff(counts, prepend=-1))
            ]
            table = Path(folder) / f"staffing_{g}.csv"
            table.write_text("start,agents\n" + "".join(rows))
            group["table"] = str(table)
        return load_scenario_dict(data, source=source, base_dir=base_dir)


@dataclass(frozen=True)
class _CellStats:
    """Per reporting interval of the horizon: mean and CI half-width over replications."""

    mean: dict[str, np.ndarray]
    half: dict[str, np.ndarray]
    offered: np.ndarray  # mean offered contacts per interval


def _cell_stats(intervals: pd.DataFrame, n_cells: int, metric: str = "service_level") -> _CellStats:
    """Mean and t-interval half-width per interval of SL, abandonment, occupancy (NaN ignored).

    Also of ``metric``, the service level aimed at, when it is not spec A3's; a replication's
    interval with calls offered but none in that metric's base (all abandoned) counts as 0.
    """
    frame = intervals.copy()
    with np.errstate(invalid="ignore", divide="ignore"):
        frame["abandon_rate"] = frame["abandoned"] / frame["offered"].where(frame["offered"] > 0)
    keys: tuple[str, ...] = ("service_level", "abandon_rate", "occupancy")
    if metric != "service_level":
        keys += (metric,)
        frame[metric] = frame[metric].where(frame[metric].notna() | (frame["offered"] <= 0), 0.0)
    grouped = frame.groupby("interval")
    mean, half = {}, {}
    for key in keys:
        m = grouped[key].mean().reindex(range(n_cells)).to_numpy(dtype=float)
        s = grouped[key].std(ddof=1).reindex(range(n_cells)).to_numpy(dtype=float)
        n = grouped[key].count().reindex(range(n_cells)).to_numpy(dtype=float)
        with np.errstate(invalid="ignore", divide="ignore"):
            t = t_quantile(0.5 + CONFIDENCE / 2, np.maximum(n - 1, 1))
            h = np.where(n >= 2, t * np.nan_to_num(s) / np.sqrt(n), np.inf)
        mean[key], half[key] = m, h
    offered = grouped["offered"].mean().reindex(range(n_cells)).to_numpy(dtype=float)
    return _CellStats(mean, half, offered)


def _verdicts(
    cells: _CellStats, targets: Targets, counted: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per cell: (misses on the mean, misses with confidence, meets with confidence).

    A cell without counted contacts (warm-up, or nothing offered) decides nothing.
    """
    m, h = cells.mean, cells.half
    sl, ab, occ = m[targets.metric], m["abandon_rate"], m["occupancy"]
    known = counted & ~np.isnan(sl)
    miss = sl < targets.service_level - 1e-12
    sure_miss = sl + h[targets.metric] < targets.service_level
    sure_meet = sl - h[targets.metric] > targets.service_level
    if targets.max_abandon is not None:
        miss |= ab > targets.max_abandon + 1e-12
        sure_miss |= ab - h["abandon_rate"] > targets.max_abandon
        sure_meet &= ab + h["abandon_rate"] < targets.max_abandon
    if targets.max_occupancy is not None:
        occ_known = ~np.isnan(occ)
        miss |= occ_known & (occ > targets.max_occupancy + 1e-12)
        sure_miss |= occ_known & (occ - h["occupancy"] > targets.max_occupancy)
        sure_meet &= ~occ_known | (occ + h["occupancy"] < targets.max_occupancy)
    return miss & known, sure_miss & known, sure_meet & known


def staff_simulation(
    scenario: Scenario,
    *,
    max_abandon: float | None = None,
    max_occupancy: float | None = None,
    replications: int | None = None,
    seed: int | None = None,
    workers: int | None = None,
    base_dir: Path | None = None,
    max_iterations: int = MAX_ITERATIONS,
    progress: Callable[[str], None] | None = None,
) -> StaffingResult:
    """Search the fewest agents per interval of the horizon, each date on its own, by simulation.

    Start: Erlang A on the expected demand (Erlang C without patience), per date and interval.
    Closed intervals keep 0 agents and decide nothing. Each iteration simulates the candidate
    with the same seed (common random numbers: candidates differ only where staffing does) and,
    per interval of the horizon, over the replications:

    - an interval whose mean KPI misses a target gets agents: one, or, when it misses with 95%
      confidence, as many as Erlang A needs for the contacts the simulation actually offered there
      (repeats and redials from other intervals included);
    - an interval that meets every target with 95% confidence (or that the analytic model
      predicts to meet it with one agent fewer) loses one agent on trial; when the trial then
      misses, the agent is put back and that count is the interval's floor (as is any count an
      interval was raised to: floors only rise, so the search ends).

    It stops when no interval changes (converged: every interval meets the targets on the mean
    over replications) or after ``max_iterations`` runs (not converged: ``reason`` says which
    intervals still miss by how much, and ``ccsim staff`` exits 3). The final staffing is then
    simulated with one agent fewer in every interval at once, to interpolate ``agents_exact`` and
    to show how much the last agent matters. The phone target decides. With agent groups each
    group is searched on its own (``_staff_groups``); a single pool as here.
    """
    from simulator.runs.replications import run

    began = time.perf_counter()
    targets = targets_for(scenario, max_abandon, max_occupancy)
    method = "erlang-a" if scenario.channels.phone.patience is not None else "erlang-c"
    start = staff_analytic(scenario, method, "contacts", max_abandon, max_occupancy)
    h = scenario.horizon
    per_day = h.intervals_per_day
    n_cells = h.days * per_day
    reps = scenario.replications if replications is None else replications
    seed = scenario.seed if seed is None else seed
    starts_min = np.arange(n_cells) * h.interval_minutes
    counted = starts_min * 60.0 >= h.warmup_s  # intervals that start before warm-up decide nothing
    open_share = start.table["open_share"].to_numpy()
    decides = counted & (open_share > 0)  # nor do closed ones: they keep 0 agents
    work = workload(scenario, "contacts")
    patience = patience_mean(scenario, method)
    day_of = np.arange(n_cells) // per_day

    def on_duty(agents: np.ndarray) -> np.ndarray:
        """The staffing per interval of the horizon, nobody while closed."""
        return np.where(open_share > 0, agents, 0)

    def simulate(agents: np.ndarray) -> RunResult:
        staffing = with_staffing(scenario, on_duty(agents), base_dir)
        return run(staffing, replications=reps, seed=seed, workers=workers, keep_contacts=False)

    def only(i: int) -> np.ndarray:
        mask = np.zeros(n_cells, dtype=bool)
        mask[i] = True
        return mask

    if scenario.agents.groups is not None:
        search = (targets, method, reps, seed, workers, base_dir, max_iterations, progress)
        return _staff_groups(scenario, start, *search, began)
    agents = on_duty(start.table["agents"].to_numpy().astype(np.int64))
    floor = np.zeros(n_cells, dtype=np.int64)
    trial_from = np.full(n_cells, -1, dtype=np.int64)  # count before a removal trial, else -1
    history: list[dict[str, Any]] = []
    converged = False
    result = cells = None
    new = agents
    for iteration in range(1, max_iterations + 1):
        result = simulate(agents)
        cells = _cell_stats(result.intervals, n_cells, targets.metric)
        miss, sure_miss, sure_meet = _verdicts(cells, targets, decides)
        known = decides & ~np.isnan(cells.mean[targets.metric])
        agent_hours = float(on_duty(agents).sum() * h.interval_minutes / 60.0)
        history.append(
            {
                "iteration": iteration,
                "agent_hours": agent_hours,
                "intervals_missing": int(miss.sum()),
                "service_level": _json_value(result.kpis.get("service_level")),
                "seconds": round(time.perf_counter() - began, 3),
            }
        )
        if progress:
            progress(
                f"iteration {iteration}: {agent_hours:,.1f} agent hours, "
                f"{int(miss.sum())} intervals below target"
            )
        new = agents.copy()
        put_back = miss & (trial_from >= 0)
        new[put_back] = trial_from[put_back]
        floor[put_back] = trial_from[put_back]
        grow = miss & (trial_from < 0)
        new[grow] = agents[grow] + 1
        for i in np.flatnonzero(grow & sure_miss):
            need = _need_for_observed(cells.offered[[i]], h, method, work, targets, patience)
            new[i] = max(agents[i] + 1, need)
        # a count that was needed once is not tried lower again: floors only rise, so the
        # search ends (one interval's noise cannot make it swing up and down for ever)
        floor[grow] = new[grow]
        for i in np.flatnonzero(known & ~miss & (agents > np.maximum(floor, 0))):
            if sure_meet[i] or _fewer_predicted_to_meet(
                cells, only(i), agents[i], h, method, work, targets, patience
            ):
                new[i] = agents[i] - 1
        trial_from = np.where(new < agents, agents, -1)
        if np.array_equal(new, agents):
            converged = True
            break
        if iteration == max_iterations:
            break  # report the staffing that was simulated, not an untested next candidate
        agents = new
    assert result is not None
    assert cells is not None

    fewer = simulate(np.maximum(agents - 1, 0))
    fewer_cells = _cell_stats(fewer.intervals, n_cells, targets.metric)
    full = on_duty(agents)
    exact = _exact_between(full, cells, fewer_cells, targets)
    reason = None
    if not converged:
        reason = _not_converged(cells, miss, targets, h, len(history), new != agents)
    return _searched(
        scenario,
        targets,
        start,
        grid=(starts_min, day_of, counted, open_share),
        agents=full,
        exact=exact,
        runs=(result, fewer),
        cells=(cells, fewer_cells),
        search=_Search(method, began, history, reps, seed, converged, reason),
        groups=start.groups,
        group_columns=None,
    )


@dataclass(frozen=True)
class _Search:
    """How a simulation search went: its start, its runs, whether it converged and why not."""

    method: str
    began: float
    history: list[dict[str, Any]]
    replications: int
    seed: int
    converged: bool
    reason: str | None


def _searched(
    scenario: Scenario,
    targets: Targets,
    start: StaffingResult,
    *,
    grid: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    agents: np.ndarray,
    exact: np.ndarray,
    runs: tuple[RunResult, RunResult],
    cells: tuple[_CellStats, _CellStats],
    search: _Search,
    groups: list[str],
    group_columns: dict[str, np.ndarray] | None,
) -> StaffingResult:
    """The result of a simulation search: the staffing found, the run with it and with one fewer.

    ``group_columns`` (the search per group) replaces the analytic split of the agents over the
    groups by the groups' own counts and service levels.
    """
    h = scenario.horizon
    starts_min, day_of, counted, open_share = grid
    result, fewer = runs
    whole, fewer_whole = cells
    per_hour = whole.offered / (h.interval_minutes / 60.0)
    table = pd.DataFrame(
        {
            "start_min": starts_min,
            "offered_per_hour": per_hour,
            "agents": agents,
            "agents_exact": exact,
            "service_level": whole.mean["service_level"],
            "abandon_rate": whole.mean["abandon_rate"],
            "occupancy": whole.mean["occupancy"],
            "service_level_ci95": whole.half["service_level"],
            "service_level_one_fewer": fewer_whole.mean["service_level"],
            "day": day_of + 1,
            "counted": counted,
            "open_share": open_share,
            "phone_offered_per_hour": per_hour,
        }
    )
    _split_like(table, start.table, start.groups if group_columns is None else [])
    for name, column in (group_columns or {}).items():
        table[name] = column
    kpi_keys = ("offered", "service_level", "asa_s", "abandon_rate", "occupancy", "fcr")
    kpi_keys += ("issues", "contacts_per_issue")
    if targets.metric != "service_level":
        table[targets.metric] = whole.mean[targets.metric]
        kpi_keys += (targets.metric,)
    seconds = time.perf_counter() - search.began
    per_group = group_columns is not None
    notes = _notes("simulation", "contacts", scenario)
    notes.append(
        f"start: {search.method}{' per agent group' if per_group else ''} on expected contacts "
        f"({start.agent_hours:,.1f} agent hours); "
        + ("searched per group on its own reasons' calls; " if per_group else "")
        + f"{'converged' if search.converged else 'NOT converged'} after {len(search.history)} "
        f"simulation runs of {search.replications} replications in {seconds:,.1f} s; interval "
        f"decisions use {CONFIDENCE:.0%} t-intervals"
    )
    if not counted.all():
        notes.append("intervals that start in the warm-up keep the starting staffing")
    state: dict[str, Any] = {"converged": search.converged}
    if search.reason is not None:
        state["reason"] = search.reason
    by_group = {}
    if per_group:
        by_group["start_agent_hours_by_group"] = {
            n: float(start.table[f"group:{n}"].sum() * h.interval_minutes / 60.0) for n in groups
        }
    return StaffingResult(
        method="simulation",
        demand="contacts",
        targets=targets,
        horizon=h,
        table=table,
        scheduled=_scheduled(scenario),
        hours_per_fte_week=scenario.agents.hours_per_fte_week,
        shrinkage=scenario.agents.shrinkage,
        fte_shrinkage=0.0 if scenario.agents.simulates_shrinkage else None,
        kpis={k: result.kpis.get(k) for k in kpi_keys},
        kpis_ci95={k: result.ci95.get(k) for k in kpi_keys},
        notes=notes,
        groups=groups,
        simulation={
            **state,
            "iterations": len(search.history),
            "seconds": round(seconds, 3),
            "replications": search.replications,
            "seed": search.seed,
            "confidence": CONFIDENCE,
            "start_method": search.method,
            "start_agent_hours": start.agent_hours,
            **by_group,
            "history": search.history,
            "one_fewer_kpis": {k: _json_value(fewer.kpis.get(k)) for k in kpi_keys},
        },
    )


def _group_mixes(scenario: Scenario, work: Workload) -> list[Workload | None]:
    """Per group: the contact mix of the phone reasons it takes (None: it takes none).

    A queue several groups take counts for each of them (its contacts are in each group's mix).
    """
    _, alloc = _allocation(scenario)
    mix = _contact_mix(work)
    out: list[Workload | None] = []
    for share in alloc:
        flows = [f for f, s in zip(mix.flows, share[PHONE], strict=True) if s > 0 and f.weight > 0]
        total = sum(f.weight for f in flows)
        out.append(
            Workload(tuple(replace(f, weight=f.weight / total) for f in flows), 0.0, 1, "issues")
            if total > 0
            else None
        )
    return out


def _group_cells(
    contacts: pd.DataFrame,
    intervals: pd.DataFrame,
    reasons: list[str],
    n_cells: int,
    h: Horizon,
    scenario: Scenario,
    metric: str,
) -> _CellStats:
    """Per interval, over replications: the phone KPIs of the calls of ``reasons`` (a group's).

    Counted as the run's interval table counts the phone: by arrival interval, waiting ones
    offered. Occupancy is the whole center's (the run does not split it by group per interval).
    """
    sl = scenario.channels.phone.service_level
    c = contacts[(contacts["channel"] == "phone") & contacts["reason"].isin(reasons)]
    rep = c["replication"].to_numpy(np.int64)
    cell = np.minimum((c["arrival_s"].to_numpy() // h.interval_s).astype(np.int64), n_cells - 1)
    wait = c["wait_s"].to_numpy()
    answered = (c["outcome"] == "answered").to_numpy()
    abandoned = (c["outcome"] == "abandoned").to_numpy()
    frame = intervals[["replication", "interval", "occupancy"]].copy()
    index = frame["replication"].to_numpy(np.int64) * n_cells + frame["interval"].to_numpy()
    size = int(index.max()) + 1 if len(index) else 0

    def count(mask: np.ndarray) -> np.ndarray:
        return np.bincount(rep[mask] * n_cells + cell[mask], minlength=size)[index].astype(float)

    offered = count(np.ones(len(c), dtype=bool))
    in_time = count(answered & (wait <= sl.answer_within_s))
    frame["offered"] = offered
    frame["abandoned"] = count(abandoned)
    with np.errstate(invalid="ignore", divide="ignore"):
        frame["service_level"] = in_time / np.where(offered > 0, offered, np.nan)
        if metric == "service_level_answered":
            frame[metric] = in_time / np.where(offered > 0, count(answered), np.nan)
        elif metric == "service_level_excl_short_abandons":
            base = offered - count(abandoned & (wait <= sl.short_abandon_s))
            frame[metric] = in_time / np.where(offered > 0, base, np.nan)
    return _cell_stats(frame, n_cells, metric)


def _phone_equivalent(
    volume: float, sl: float, h: Horizon, mix: Workload, targets: Targets, patience: float | None
) -> int:
    """The fewest agents with which the analytic model at ``volume`` reaches ``sl``.

    A group also answers chat and e-mail, so its headcount says little about how many of its
    agents the phone got; the service level it reached does.
    """
    method = "erlang-a" if patience is not None else "erlang-c"
    met = replace(targets, service_level=sl, max_abandon=None, max_occupancy=None)
    point, _ = _solve_interval(method, volume / h.interval_s, mix, met, patience)
    return 0 if point is None else point.agents


def _staff_groups(
    scenario: Scenario,
    start: StaffingResult,
    targets: Targets,
    method: str,
    reps: int,
    seed: int,
    workers: int | None,
    base_dir: Path | None,
    max_iterations: int,
    progress: Callable[[str], None] | None,
    began: float,
) -> StaffingResult:
    """The simulation search with one staffing per agent group (``staff_simulation``'s rules).

    The start is the analytic requirement of each group (``group:<name>``: each group a pool of
    its own for the queues it takes, Erlang A or C per channel). Each candidate keeps every
    group's skills and channels; after each run every group is judged per interval on the phone
    calls of its own reasons (``_group_cells``), and only a group that misses gets agents there,
    only one that meets with confidence (or is predicted to with one fewer) loses one on trial.
    A group that takes no phone calls, or whose reasons have no calls in an interval, keeps its
    analytic count there.
    """
    from simulator.runs.replications import run

    h = scenario.horizon
    names = start.groups
    n_groups = len(names)
    per_day = h.intervals_per_day
    n_cells = h.days * per_day
    starts_min = np.arange(n_cells) * h.interval_minutes
    counted = starts_min * 60.0 >= h.warmup_s
    open_share = start.table["open_share"].to_numpy()
    decides = counted & (open_share > 0)
    patience = patience_mean(scenario, method)
    mixes = _group_mixes(scenario, workload(scenario, "contacts"))
    _, alloc = _allocation(scenario)
    reasons = [
        [r.name for r, s in zip(scenario.reasons, alloc[g][PHONE], strict=True) if s > 0]
        for g in range(n_groups)
    ]
    day_of = np.arange(n_cells) // per_day

    def simulate(agents: np.ndarray) -> RunResult:
        per_group = {n: np.where(open_share > 0, agents[g], 0) for g, n in enumerate(names)}
        staffing = with_group_staffing(scenario, per_group, base_dir)
        return run(staffing, replications=reps, seed=seed, workers=workers, keep_contacts=True)

    def stats(result: RunResult) -> list[_CellStats]:
        assert result.contacts is not None
        contacts, intervals = result.contacts, result.intervals
        return [
            _group_cells(contacts, intervals, reasons[g], n_cells, h, scenario, targets.metric)
            for g in range(n_groups)
        ]

    agents = np.stack(
        [np.where(open_share > 0, start.table[f"group:{n}"].to_numpy(), 0) for n in names]
    ).astype(np.int64)
    floor = np.zeros_like(agents)
    trial_from = np.full_like(agents, -1)
    history: list[dict[str, Any]] = []
    converged = False
    result = None
    cells: list[_CellStats] = []
    misses = np.zeros_like(agents, dtype=bool)
    new = agents
    for iteration in range(1, max_iterations + 1):
        result = simulate(agents)
        cells = stats(result)
        new = agents.copy()
        for g in range(n_groups):
            gc, mix, a = cells[g], mixes[g], agents[g]
            miss, sure_miss, sure_meet = _verdicts(gc, targets, decides)
            known = decides & ~np.isnan(gc.mean[targets.metric]) & (mix is not None)
            miss &= known
            misses[g] = miss
            put_back = miss & (trial_from[g] >= 0)
            new[g][put_back] = trial_from[g][put_back]
            floor[g][put_back] = trial_from[g][put_back]
            grow = miss & (trial_from[g] < 0)
            new[g][grow] = a[grow] + 1
            for i in np.flatnonzero(grow & sure_miss):
                assert mix is not None
                need = _need_for_observed(gc.offered[[i]], h, method, mix, targets, patience)
                had = _phone_equivalent(
                    gc.offered[i], gc.mean[targets.metric][i], h, mix, targets, patience
                )
                new[g][i] = a[i] + max(1, need - had)
            floor[g][grow] = new[g][grow]
            for i in np.flatnonzero(known & ~miss & (a > np.maximum(floor[g], 0))):
                cell = np.zeros(n_cells, dtype=bool)
                cell[i] = True
                assert mix is not None
                if sure_meet[i] or _fewer_predicted_to_meet(
                    gc, cell, a[i], h, method, mix, targets, patience
                ):
                    new[g][i] = a[i] - 1
        trial_from = np.where(new < agents, agents, -1)
        hours = float(agents.sum() * h.interval_minutes / 60.0)
        history.append(
            {
                "iteration": iteration,
                "agent_hours": hours,
                "agent_hours_by_group": {
                    n: float(agents[g].sum() * h.interval_minutes / 60.0)
                    for g, n in enumerate(names)
                },
                "intervals_missing": int(misses.any(axis=0).sum()),
                "service_level": _json_value(result.kpis.get("service_level")),
                "seconds": round(time.perf_counter() - began, 3),
            }
        )
        if progress:
            progress(
                f"iteration {iteration}: {hours:,.1f} agent hours, "
                f"{int(misses.sum())} group intervals below target"
            )
        if np.array_equal(new, agents):
            converged = True
            break
        if iteration == max_iterations:
            break
        agents = new
    assert result is not None

    fewer = simulate(np.maximum(agents - 1, 0))
    fewer_cells = stats(fewer)
    exact = sum(
        _exact_between(agents[g], cells[g], fewer_cells[g], targets) for g in range(n_groups)
    )
    reason = None
    if not converged:
        g = int(np.argmax(misses.sum(axis=1)))
        others = [
            f"group {n}: {int(misses[k].sum())} intervals miss"
            for k, n in enumerate(names)
            if k != g and misses[k].any()
        ]
        reason = (
            f"group {names[g]}: "
            + _not_converged(
                cells[g], misses[g], targets, h, len(history), (new != agents).any(axis=0)
            )
            + "".join(f"; {o}" for o in others)
        )
    columns = {f"group:{n}": agents[g] for g, n in enumerate(names)}
    columns |= {
        f"group_service_level:{n}": cells[g].mean[targets.metric] for g, n in enumerate(names)
    }
    return _searched(
        scenario,
        targets,
        start,
        grid=(starts_min, day_of, counted, open_share),
        agents=agents.sum(axis=0),
        exact=exact,
        runs=(result, fewer),
        cells=(
            _cell_stats(result.intervals, n_cells, targets.metric),
            _cell_stats(fewer.intervals, n_cells, targets.metric),
        ),
        search=_Search(method, began, history, reps, seed, converged, reason),
        groups=names,
        group_columns=columns,
    )


def _split_like(table: pd.DataFrame, analytic: pd.DataFrame, groups: list[str]) -> None:
    """Break the simulated agents down by channel and group as the analytic start does.

    The search moves one pool's total; each interval's total is split in the proportions of the
    analytic requirement (largest remainders, so the parts sum to the total).
    """
    keys = [k for k in ("phone_agents", "chat_agents", "email_agents") if k in analytic]
    for parts in (keys, [f"group:{g}" for g in groups]) if groups else (keys,):
        base = analytic[parts].to_numpy(dtype=float)
        total = table["agents"].to_numpy()
        sums = base.sum(axis=1, keepdims=True)
        even = np.full_like(base, 1.0 / len(parts))
        share = np.divide(base, sums, out=even, where=sums > 0)
        raw = share * total[:, None]
        whole = np.floor(raw).astype(np.int64)
        left = total - whole.sum(axis=1)
        order = np.argsort(-(raw - whole), axis=1, kind="stable")
        for i in np.flatnonzero(left > 0):
            whole[i, order[i, : left[i]]] += 1
        for j, key in enumerate(parts):
            table[key] = whole[:, j]


def _not_converged(
    cells: _CellStats,
    miss: np.ndarray,
    targets: Targets,
    h: Horizon,
    runs: int,
    changing: np.ndarray,
) -> str:
    """Why the search stopped unfinished.

    The intervals that still miss a target on the mean over replications and by how much, or, when
    none does, how many were still being changed.
    """
    where = np.flatnonzero(miss)
    if not len(where):
        return (
            f"after {runs} runs (--max-runs) every interval meets the targets on the mean, but "
            f"{int(changing.sum())} intervals of the day were still changing (trials with one "
            "agent fewer, or an agent put back)"
        )
    shown = []
    for i in where[:5]:
        sl, ab, occ = (cells.mean[k][i] for k in (targets.metric, "abandon_rate", "occupancy"))
        gaps = []
        for name, value, limit, short in (
            (
                f"service level{metric_text(targets)}",
                sl,
                targets.service_level,
                targets.service_level - sl,
            ),
            ("abandonment", ab, targets.max_abandon, ab - (targets.max_abandon or 0.0)),
            ("occupancy", occ, targets.max_occupancy, occ - (targets.max_occupancy or 0.0)),
        ):
            if limit is not None and short > 1e-12:
                gaps.append(f"{name} {value:.2%} (target {limit:.0%}, off by {short:.2%})")
        shown.append(f"{interval_clock(int(i) * h.interval_minutes, h.days > 1)} {', '.join(gaps)}")
    more = f"; and {len(where) - len(shown)} more" if len(where) > len(shown) else ""
    return (
        f"after {runs} runs (--max-runs) {len(where)} intervals still miss the target on the mean "
        f"over replications: {'; '.join(shown)}{more}"
    )


def _fewer_predicted_to_meet(
    cells: _CellStats,
    where: np.ndarray,
    agents: int,
    h: Horizon,
    method: str,
    work: Workload,
    targets: Targets,
    patience: float | None,
) -> bool:
    """Whether one agent fewer would still meet the targets in every day's cell of an interval.

    Predicts the change of each KPI from the analytic model at the simulated volume. This picks
    which removals are worth a trial; the trial itself is simulated.
    """
    mix = _contact_mix(work)
    for i in np.flatnonzero(where):
        sl, ab, occ = (cells.mean[k][i] for k in (targets.metric, "abandon_rate", "occupancy"))
        if math.isnan(sl) or cells.offered[i] <= 0:
            continue
        rate = cells.offered[i] / h.interval_s
        try:
            at = _evaluate(method, rate, agents, mix, targets, patience)
            fewer = _evaluate(method, rate, agents - 1, mix, targets, patience)
        except ValueError:
            return False
        if not targets.met(
            sl + fewer.aimed - at.aimed,
            (0.0 if math.isnan(ab) else ab) + fewer.abandon_rate - at.abandon_rate,
            (0.0 if math.isnan(occ) else occ) + fewer.occupancy - at.occupancy,
        ):
            return False
    return True


def _contact_mix(work: Workload) -> Workload:
    """Observed contacts fed as issues with the contact mix of reasons.

    The mix sets the mean handle time; no further repeats or redials, since those are in the
    observed volume already.
    """
    flows = tuple(
        replace(
            f,
            weight=f.weight
            * customer_contacts_per_issue(f.fcr, f.later_fcr, f.repeat_probability, f.max_contacts),
        )
        for f in work.flows
    )
    return Workload(flows, 0.0, 1, "issues")


def _need_for_observed(
    offered: np.ndarray,
    h: Horizon,
    method: str,
    work: Workload,
    targets: Targets,
    patience: float | None,
) -> int:
    """Agents the analytic method needs for the busiest simulated volume of an interval.

    Per interval of the day: a jump that closes most of a large gap in one iteration.
    """
    volume = float(np.nanmax(offered)) if np.isfinite(offered).any() else 0.0
    if volume <= 0:
        return 0
    issues_mode = _contact_mix(work)
    point, _ = _solve_interval(method, volume / h.interval_s, issues_mode, targets, patience)
    return 0 if point is None else point.agents


def _exact_between(
    agents: np.ndarray, at: _CellStats, fewer: _CellStats, targets: Targets
) -> np.ndarray:
    """Fractional agents per interval, interpolated on the binding target.

    Between the simulated KPIs with one agent fewer everywhere and with the staffing found.
    """
    exact = agents.astype(float)
    for i, n in enumerate(agents):
        if n == 0:
            continue
        below = targets.slack(
            fewer.mean[targets.metric][i],
            fewer.mean["abandon_rate"][i],
            fewer.mean["occupancy"][i],
        )
        top = targets.slack(
            at.mean[targets.metric][i], at.mean["abandon_rate"][i], at.mean["occupancy"][i]
        )
        if any(math.isnan(v) for v in below + top) or min(top) < 0:
            continue  # undefined, or the target is not met on the mean: keep the whole count
        value = n - 1.0
        for s_below, s_at in zip(below, top, strict=True):
            if s_below < 0:
                frac = -s_below / (s_at - s_below) if s_at > s_below else 1.0
                value = max(value, n - 1 + min(max(frac, 0.0), 1.0))
        exact[i] = value
    return exact


# -- entry point and output ----------------------------------------------------------------------
def staff(
    scenario: Scenario,
    method: str = "erlang-a",
    demand: str = "contacts",
    *,
    max_abandon: float | None = None,
    max_occupancy: float | None = None,
    replications: int | None = None,
    seed: int | None = None,
    workers: int | None = None,
    base_dir: Path | None = None,
    max_runs: int | None = None,
    progress: Callable[[str], None] | None = None,
) -> StaffingResult:
    """Staffing of ``scenario`` by ``method`` (see the module docstring).

    ``max_runs`` bounds the simulation search (default ``MAX_ITERATIONS``).
    """
    if method not in METHODS:
        raise StaffingError(f"--method must be one of {', '.join(METHODS)} (got {method!r})")
    if demand not in DEMANDS:
        raise StaffingError(f"--demand must be one of {', '.join(DEMANDS)} (got {demand!r})")
    if method != "simulation":
        return staff_analytic(scenario, method, demand, max_abandon, max_occupancy)
    if demand != "contacts":
        raise StaffingError(
            "--demand issues applies to erlang-c and erlang-a; the simulation method always "
            "simulates every contact"
        )
    return staff_simulation(
        scenario,
        max_abandon=max_abandon,
        max_occupancy=max_occupancy,
        replications=replications,
        seed=seed,
        workers=workers,
        base_dir=base_dir,
        max_iterations=MAX_ITERATIONS if max_runs is None else max_runs,
        progress=progress,
    )


def check_out(out_dir: Path, force: bool) -> None:
    """Refuse to overwrite staffing files in ``out_dir`` without ``force`` (before any work)."""
    if out_dir.exists() and not out_dir.is_dir():
        raise StaffingError(f"{out_dir}: exists and is not a folder; choose another --out")
    existing = [name for name in OUTPUT_FILES if (out_dir / name).exists()]
    if existing and not force:
        raise StaffingError(
            f"{out_dir}: already holds {', '.join(existing)}; choose another --out or give --force"
        )


def write_outputs(
    result: StaffingResult,
    out_dir: Path | None = None,
    plot: Path | None = None,
    write_png: Callable[[Path], object] | None = None,
) -> list[Path]:
    """Write the staffing files into ``out_dir`` and/or the plot to ``plot``.

    The files are staffing.csv, staffing.parquet and staffing.png; each is written under a temporary
    name and renamed, so none is half-written.

    ``write_png(path)`` draws the picture (``present.study_figures.staffing_plot``): the study
    knows where it goes, the presentation layer how it looks.
    """
    written: list[Path] = []
    targets: list[tuple[Path, Callable[[Path], object]]] = []
    if out_dir is not None:
        out_dir.mkdir(parents=True, exist_ok=True)
        targets += [
            (out_dir / "staffing.csv", lambda p: result.table.to_csv(p, index=False)),
            (out_dir / "staffing.parquet", lambda p: result.table.to_parquet(p, index=False)),
        ]
    pngs = ([out_dir / "staffing.png"] if out_dir is not None else []) + ([plot] if plot else [])
    if pngs and write_png is not None:
        targets += [(png, write_png) for png in pngs]
    for path, write in targets:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.tmp")
        write(tmp)
        tmp.replace(path)
        written.append(path)
    return written


def interval_clock(start_min: int, with_day: bool) -> str:
    """``07:30``, or ``day 2 07:30`` when the horizon has several days."""
    day, minute = divmod(start_min, 1440)
    clock = f"{minute // 60:02d}:{minute % 60:02d}"
    return f"day {day + 1} {clock}" if with_day else clock
