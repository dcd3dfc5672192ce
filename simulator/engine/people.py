"""Agents as people: proficiency per group and reason (spec D10), learners and hires.

A contact's draws are the customer's (:mod:`~simulator.engine.customers`); who answers it
changes only how they are used. When an agent answers a contact, :meth:`People.answer` scales
the contact's drawn handle time (talk and wrap-up; a consult's hold is added later, unscaled, by
:mod:`~simulator.engine.third_parties`) by the agent's handle-time factor, and
:meth:`People.resolution` gives the FCR the agent resolves with: the reason's plus the agent's
shift, clipped to [0, 1]. An agent's factor and shift are its group's (per reason where given),
except for a learner's.

Learners are the agents a group hires (``hires``) when it has ``learning``: at the hire's date
that many new agent ids are made and put first in the group's off-duty line, and the roster's
plan has that many more agents (a headcount's always, another staffing's whenever it has anyone
on duty: :func:`with_hires`), so the new ids come on duty then. A learner's experience is the
handle time of the contacts it has answered (counted when it answers one: the time is known
then); the gap to the group closes with it along the curve of
:class:`~simulator.scenario.models.Learning`.

Attrition (``agents.attrition``, opt-in): every week :meth:`People._on_week_end` computes each
agent's ESAT proxy of that week from what :meth:`People._watch` noted as it answered contacts
(handle time, repeat contacts, back-to-back stretches) and its group's time on duty (the duty
log), and draws who leaves (stream ``attrition``, one draw per agent id and week). A leaver's id
goes on as a new agent: a learner when the group has ``learning``.

Without proficiency, learning and attrition none of this runs: the center binds these hooks only
when a scenario has them.
"""

from __future__ import annotations

import math
from collections.abc import MutableSequence

import numpy as np
from simpy.events import Event

from simulator.engine.records import CONSULT, MISSED_CALLBACK, REPEAT, Records
from simulator.engine.routing import Group, Routing
from simulator.engine.streams import Streams
from simulator.engine.third_parties import Involvement, Schedule
from simulator.scenario.models import Learning, Proficiency, Scenario
from simulator.units import DAY_S

WEEK_S = 7 * DAY_S


def _tables(prof: Proficiency | None, names: list[str]) -> tuple[list[float], list[float]]:
    """Per reason: the handle-time factor and the FCR shift of a group."""
    if prof is None:
        return [1.0] * len(names), [0.0] * len(names)
    by = prof.by_reason or {}
    factor, plus = [], []
    for name in names:
        own = by.get(name)
        f = own.handle_time_factor if own is not None else None
        p = own.fcr_plus if own is not None else None
        factor.append(prof.handle_time_factor if f is None else f)
        plus.append(prof.fcr_plus if p is None else p)
    return factor, plus


def gap_left(learning: Learning, handled_s: float) -> float:
    """The share of a learner's gap to its group still open after ``handled_s`` of contacts."""
    x = handled_s / (learning.hours * 3600.0)
    if learning.curve == "linear":
        return max(0.0, 1.0 - x)
    return math.exp(-3.0 * x)


def hire_times(scenario: Scenario) -> list[list[tuple[float, int]]]:
    """Per group: (run seconds, agents) of its hires, in date order."""
    first = scenario.horizon.origin.date().toordinal()
    return [
        sorted(((h.date.toordinal() - first) * DAY_S, h.agents) for h in p.hires or ())
        for p in scenario.agents.people
    ]


def with_hires(
    starts: np.ndarray, counts: np.ndarray, hires: list[tuple[float, int]], always: bool
) -> tuple[np.ndarray, np.ndarray]:
    """A group's planned agents over time with its hires added.

    From each hire's moment on, the plan has that many more agents: ``always`` (a headcount),
    else whenever it has anyone on duty (a closed night stays closed).
    """
    if not hires:
        return starts, counts
    times = np.union1d(starts, [t for t, _ in hires])
    planned = counts[np.searchsorted(starts, times, side="right") - 1]
    extra = np.zeros(len(times), dtype=np.int64)
    for t, n in hires:
        extra[times >= t] += n
    return times, planned + (extra if always else np.where(planned > 0, extra, 0))


class People:
    """Each agent's proficiency and, for learners, experience, over one replication."""

    def __init__(
        self,
        scenario: Scenario,
        routing: Routing,
        rec: Records,
        involvement: dict[int, Involvement],
        fcr: list[float],
        later_fcr: list[float],
        streams: Streams,
        at: Schedule,
    ) -> None:
        names = [r.name for r in scenario.reasons]
        people = scenario.agents.people
        self.routing = routing
        self.rec = rec
        self._handle: MutableSequence[float] = rec.handle
        self._involvement = involvement
        self._fcr, self._later_fcr = fcr, later_fcr
        tables = [_tables(p.proficiency, names) for p in people]
        self.factor = [f for f, _ in tables]  # per group, per reason
        self.plus = [p for _, p in tables]
        self.attrition = scenario.agents.attrition
        new_agents = [bool(p.hires) or self.attrition is not None for p in people]
        self.learning: list[Learning | None] = [
            p.learning if new else None for p, new in zip(people, new_agents, strict=True)
        ]
        self.hires = hire_times(scenario)
        # per group: (fcr, later fcr) per reason, with its shift, clipped to [0, 1]
        self._resolution = [self._shifted(plus) for plus in self.plus]
        self.experience: dict[int, float] = {}  # learners: seconds of contacts answered so far
        self._gap: dict[int, float] = {}  # contacts a learner answered: its gap then
        self.learners = any(ln is not None for ln in self.learning)
        #: whether the FCR depends on who answers
        self.shifts_fcr = any(any(p) for p in self.plus) or self.learners
        #: whether the handle time depends on who answers
        self.scales_handle = any(f != 1.0 for t in self.factor for f in t) or self.learners
        #: whether answering is watched for the weekly attrition check (spec: issue 19)
        self.watches = self.attrition is not None
        if self.attrition is not None:
            self._esat = scenario.satisfaction.esat
            self._n_groups = len(people)
            self._leaves = streams.uniform("attrition")  # one draw per agent and week
            self._at = at
            self._week = 0
            self._horizon_s = scenario.horizon.horizon_s
            self._new_week()
            if self._horizon_s > WEEK_S:
                at(WEEK_S, self._on_week_end, None)

    def _shifted(self, plus: list[float]) -> tuple[list[float], list[float]]:
        def clip(p: float) -> float:
            return min(1.0, max(0.0, p))

        return (
            [clip(f + s) for f, s in zip(self._fcr, plus, strict=True)],
            [clip(f + s) for f, s in zip(self._later_fcr, plus, strict=True)],
        )

    # -- attrition: the weekly check -------------------------------------------------------
    def _new_week(self) -> None:
        self._busy: dict[int, float] = {}  # per agent: handle time answered this week (s)
        self._answered: dict[int, int] = {}
        self._repeats: dict[int, int] = {}
        self._stretch: dict[int, list[float]] = {}  # per agent: its current stretch [start, end]
        self._longest: dict[int, float] = {}  # per agent: its longest stretch this week (s)

    def _watch(self, cid: int, agent: int, now: float) -> None:
        """Note an answered contact for the agent's week: busy time, repeats, stretches."""
        h = self._handle[cid]
        self._busy[agent] = self._busy.get(agent, 0.0) + h
        self._answered[agent] = self._answered.get(agent, 0) + 1
        if self.rec.kind[cid] in (REPEAT, MISSED_CALLBACK):
            self._repeats[agent] = self._repeats.get(agent, 0) + 1
        stretch = self._stretch.get(agent)
        if stretch is None or now > stretch[1] + 1e-9:  # a free moment since: a new stretch
            stretch = self._stretch[agent] = [now, now + h]
        else:
            stretch[1] = max(stretch[1], now + h)
        longest = stretch[1] - stretch[0]
        if longest > self._longest.get(agent, 0.0):
            self._longest[agent] = longest

    def _group_duty_s(self, start: float, end: float) -> list[float]:
        """Per group, its agents' time on duty over ``[start, end]`` (seconds), from the log."""
        rec, n = self.rec, self._n_groups
        t = np.asarray(rec.duty_time, dtype=np.float64)
        level = np.asarray(rec.duty_level, dtype=np.int64)
        group = np.asarray(rec.duty_group, dtype=np.int64)
        change = np.diff(level, prepend=0)
        length = np.diff(np.append(np.clip(t, start, end), end))
        return [float(np.dot(np.cumsum(np.where(group == g, change, 0)), length)) for g in range(n)]

    def week_esat(self, agent: int, occupancy: float) -> float:
        """The agent's ESAT proxy of the week (as the KPI's, without overtime)."""
        w = self._esat
        share = self._repeats.get(agent, 0) / self._answered[agent]
        score = (
            w.base
            + w.per_occupancy_point * 100.0 * max(0.0, occupancy - w.occupancy_above)
            + w.per_stretch_hour
            * max(0.0, self._longest.get(agent, 0.0) / 3600 - w.stretch_above_h)
            + w.per_repeat_share * share
        )
        return min(10.0, max(0.0, score))

    def _on_week_end(self, ev: Event) -> None:
        """A week has passed: who of the agents who worked in it leaves (a new agent comes)."""
        now = ev.env._now
        agent_group = self.routing.agent_group
        duty = self._group_duty_s(now - WEEK_S, now)
        busy = [0.0] * self._n_groups
        for agent, b in self._busy.items():
            busy[agent_group[agent]] += b
        spec = self.attrition
        for agent, g in enumerate(agent_group):
            u = self._leaves()  # drawn for every agent, used or not
            if agent not in self._answered:
                continue
            esat = self.week_esat(agent, busy[g] / duty[g] if duty[g] > 0 else 0.0)
            rate = spec.per_year + spec.per_year_per_point * max(0.0, spec.esat_from - esat)
            if u < 1.0 - math.exp(-rate * 7.0 / 365.0):
                self.rec.leaver_time.append(now)
                self.rec.leaver_agent.append(agent)
                if self.learning[g] is not None:
                    self.experience[agent] = 0.0  # the new agent is a learner
        self._new_week()
        if now + WEEK_S < self._horizon_s:
            self._at(WEEK_S, self._on_week_end, None)

    # -- answering ----------------------------------------------------------------------------
    def answer(self, cid: int, agent: int, reason: int, now: float) -> None:
        """Agent ``agent`` answers contact ``cid``: its handle time becomes the agent's.

        A learner's factor and FCR shift are those of its experience before this contact (kept
        for :meth:`resolution`); the contact then adds its handle time to the experience.
        """
        g = self.routing.agent_group[agent]
        factor = self.factor[g][reason]
        handled = self.experience.get(agent) if self.learners else None
        if handled is not None:
            learning = self.learning[g]
            gap = gap_left(learning, handled)
            factor *= 1.0 + (learning.handle_time_factor - 1.0) * gap
            if learning.fcr_plus:  # (without a shift the group's FCR is the learner's)
                self._gap[cid] = gap
        involvement = self._involvement.get(cid) if self._involvement else None
        consult = involvement is not None and involvement.mode == CONSULT
        if factor != 1.0:
            self._handle[cid] *= factor
            if consult:  # the wrap-up after the consult is scaled; the hold is not
                involvement.wrap_s *= factor
        if handled is not None:
            wrap = involvement.wrap_s if consult else 0.0
            self.experience[agent] = handled + self._handle[cid] + wrap
        if self.watches:
            self._watch(cid, agent, now)

    def resolution(self, cid: int, agent: int) -> tuple[list[float], list[float]]:
        """The FCR per reason (first answered contact, later ones) for contact ``cid``.

        ``agent`` answered it; a learner's is that of its experience when it answered.
        """
        g = self.routing.agent_group[agent]
        gap = self._gap.pop(cid, None) if self.learners else None
        if gap is None:
            return self._resolution[g]
        shift = self.learning[g].fcr_plus * gap
        return self._shifted([p + shift for p in self.plus[g]])

    def hire(self, g: Group, n: int) -> None:
        """``n`` new agents join group ``g``: learners, first in line to come on duty."""
        learning = self.learning[g.index] is not None
        for _ in range(n):
            agent = self.routing.add_agent(g)
            g.off_duty.appendleft(agent)
            if learning:
                self.experience[agent] = 0.0
