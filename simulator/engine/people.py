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
:class:`~simulator.scenario.models.Learning`. Without proficiency and learning none of this
runs: the center binds these hooks only when a scenario has them.
"""

from __future__ import annotations

import math
from collections.abc import MutableSequence

import numpy as np

from simulator.engine.records import CONSULT
from simulator.engine.routing import Group, Routing
from simulator.engine.third_parties import Involvement
from simulator.scenario.models import Learning, Proficiency, Scenario
from simulator.units import DAY_S


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
        handle: MutableSequence[float],
        involvement: dict[int, Involvement],
        fcr: list[float],
        later_fcr: list[float],
    ) -> None:
        names = [r.name for r in scenario.reasons]
        people = scenario.agents.people
        self.routing = routing
        self._handle = handle
        self._involvement = involvement
        self._fcr, self._later_fcr = fcr, later_fcr
        tables = [_tables(p.proficiency, names) for p in people]
        self.factor = [f for f, _ in tables]  # per group, per reason
        self.plus = [p for _, p in tables]
        self.learning: list[Learning | None] = [p.learning if p.hires else None for p in people]
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

    def _shifted(self, plus: list[float]) -> tuple[list[float], list[float]]:
        def clip(p: float) -> float:
            return min(1.0, max(0.0, p))

        return (
            [clip(f + s) for f, s in zip(self._fcr, plus, strict=True)],
            [clip(f + s) for f, s in zip(self._later_fcr, plus, strict=True)],
        )

    def answer(self, cid: int, agent: int, reason: int) -> None:
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
