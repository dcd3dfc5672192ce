"""The roster: which agents are on duty, following each group's shifts, and the overtime policy.

A staffing change brings a group to its planned number of agents; busy agents finish their work
before they leave. When a change would send agents home while the phone queue is long, the
overtime policy (single pool) keeps some of them on, each for the next call only while the queue
stays long and that call ends within the overtime limit.

Shrinkage in the simulation (spec D11, only when ``agents.breaks``, ``absence`` or ``off_phone``
is set; otherwise none of it runs). The roster then works from duty stretches
(:func:`~simulator.scenario.steps.duty_stretches`): the agents of a pool that start and end
together within a day, each one an agent *slot*. Absence is drawn per (slot, day) from the
``absence`` stream, every slot of every pool on every day in that order, used or not (all drawn
at the start, which gives the same numbers as drawing each day at its start); an absent slot
does not come on duty that day (it is paid: the ``absent`` level). The planned agents of a group
are then its present ones. Breaks (:func:`~simulator.scenario.steps.break_windows`) and
off-phone blocks (:func:`~simulator.scenario.steps.off_phone_blocks`) of present slots are
scheduled at the start; each takes one agent of the group off the line: an idle one at once,
else the next one who finishes a contact (as at a shift end: ``Group.leaving``), and the agent
is away for the whole length from the moment it leaves (the ``away`` level), then comes back if
the plan still has room for it. The group's target is ``planned - away`` (plus overtime). A break
or off-phone time still due or running when its stretch ends ends with it (the agent goes home),
so that it never keeps the next stretch's agents off the line.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable

import numpy as np
from simpy.events import Event

from simulator.engine.people import hire_times, with_hires
from simulator.engine.records import Records
from simulator.engine.routing import PHONE, Group, Routing
from simulator.engine.streams import Streams
from simulator.scenario.models import Scenario
from simulator.scenario.steps import (
    break_windows,
    duty_stretches,
    off_phone_blocks,
    staffing_steps,
)
from simulator.units import DAY_S

Schedule = Callable[[float, Callable[[Event], None], object], None]
SCHEDULED, PENDING, AWAY, DONE = 0, 1, 2, 3  # a break or off-phone time, from plan to return


class Roster:
    """Agents on duty per group, their shifts and overtime, over one replication."""

    def __init__(
        self,
        scenario: Scenario,
        routing: Routing,
        rec: Records,
        at: Schedule,
        agent_free: Callable[[int, float], None],
        streams: Streams | None = None,
    ) -> None:
        self.routing = routing
        self._streams = streams
        self.rec = rec
        self._at = at
        self._agent_free = agent_free  # a new agent on duty takes work like one who frees up
        self.overtime = scenario.agents.overtime  # a single pool only (validation checks)
        self.on_duty = 0
        self._overtime_end = 0.0
        self._overtime_round = 0  # identifies the current overtime, so stale ends do nothing
        # shrinkage (spec D11): per group, agents away or about to go (a busy one finishes first),
        # and the lengths of the breaks still waiting for a busy agent (never more than leaving)
        self._shrinkage = scenario.agents.simulates_shrinkage
        self._away = [0] * len(routing.groups)
        self._pending: list[deque[int]] = [deque() for _ in routing.groups]  # request ids
        self._away_state: list[int] = []  # per request: SCHEDULED, PENDING, AWAY or DONE
        self._away_length: list[float] = []  # per request, seconds
        self._away_now = 0
        self._closed = False  # the horizon has passed: nobody goes away or comes back
        # hires (per group: run seconds, agents) add to the plan; ``on_hire`` (set by the center
        # when hires are learners) marks who they are just before they are due
        self._hires = hire_times(scenario)
        self.on_hire: Callable[[Group, int], None] | None = None

    def start(self, scenario: Scenario, holidays) -> None:
        """Put the first shift on duty and schedule every later staffing change."""
        self.set_on_duty(0, 0.0)
        h = scenario.horizon
        plans = (
            self._plan_shrinkage(scenario, holidays)
            if self._shrinkage
            else [staffing_steps(g.staffing, h, holidays) for g in self.routing.groups]
        )
        if any(self._hires):
            plans = [
                with_hires(*plan, hires, g.staffing.headcount is not None)
                for g, plan, hires in zip(self.routing.groups, plans, self._hires, strict=True)
            ]
            if self.on_hire is not None:  # before any staffing change at the same moment
                for g, hires in zip(self.routing.groups, self._hires, strict=True):
                    for t, n in hires:
                        if t == 0:
                            self.on_hire(g, n)
                        else:
                            self._at(t, self._on_hire, (g, n))
        for g, (starts, counts) in zip(self.routing.groups, plans, strict=True):
            for start, count in zip(starts.tolist(), counts.tolist(), strict=True):
                if start == 0:
                    g.planned = count
                    self.staff(g, count, 0.0)
                else:
                    self._at(start, self.on_staffing, (g, count))

    def _on_hire(self, ev: Event) -> None:
        self.on_hire(*ev._value)

    def at_horizon(self, now: float) -> None:
        """Agents on duty at the horizon stay until the queue is empty; overtime ends.

        Draining the queue after the horizon is the spec's rule, not the policy's.
        """
        for g in self.routing.groups:
            g.leaving = 0
        for pending in self._pending:
            pending.clear()
        self._closed = True
        self._overtime_round += 1
        g = self.routing.groups[0]
        if g.overtime:
            self.set_overtime(g, 0, now)

    def overtime_needed(self, g: Group, now: float) -> bool:
        """Whether an agent on overtime stays for the next call.

        Only while the phone queue is long and that call ends within the overtime limit (known:
        handle times are drawn at arrival).
        """
        routing = self.routing
        if routing.waiting <= self.overtime.queue_above:
            return False
        q = routing.oldest_queue(g.queues[g.channels.index(PHONE)])
        return now + self.rec.handle[routing.queues[q][0]] <= self._overtime_end

    def set_overtime(self, g: Group, n: int, now: float) -> None:
        """``n`` agents of ``g`` on overtime from ``now`` (logged as a level)."""
        g.overtime = n
        self.rec.overtime_time.append(now)
        self.rec.overtime_level.append(n)

    def _on_overtime_end(self, ev: Event) -> None:
        g = self.routing.groups[0]
        if ev._value == self._overtime_round and g.overtime:
            now = ev.env._now
            self.set_overtime(g, 0, now)
            self.staff(g, self._target(g), now)

    def go_off_duty(self, agent: int, g: Group, now: float) -> None:
        """An idle (or just freed) agent leaves."""
        g.off_duty.append(agent)
        g.on_duty -= 1
        self.set_on_duty(self.on_duty - 1, now, g.index)
        pending = self._pending[g.index]
        if pending:  # it takes the break (or off-phone time) it was due
            rid = pending.popleft()
            self._away_state[rid] = AWAY
            self._at(self._away_length[rid], self._on_back, (g, rid))
            self._set_away(self._away_now + 1, now, g.index)

    def set_on_duty(self, n: int, now: float, group: int = -1) -> None:
        """``n`` agents on duty from ``now``, after a change in ``group`` (logged as a level)."""
        self.on_duty = n
        self.rec.duty_time.append(now)
        self.rec.duty_level.append(n)
        self.rec.duty_group.append(group)

    def staff(self, g: Group, target: int, now: float) -> None:
        """Bring group ``g`` to ``target`` agents on duty; busy agents finish first."""
        present = g.on_duty - g.leaving
        if target > present:
            stay = min(target - present, g.leaving - len(self._pending[g.index]))
            g.leaving -= stay
            for _ in range(target - present - stay):
                agent = g.off_duty.popleft() if g.off_duty else self.routing.add_agent(g)
                g.on_duty += 1
                self.set_on_duty(self.on_duty + 1, now, g.index)
                self._agent_free(agent, now)
        elif target < present:
            drop = present - target
            while drop and g.idle:
                self.go_off_duty(g.idle.pop(), g, now)
                drop -= 1
            g.leaving += drop

    def on_staffing(self, ev: Event) -> None:
        """A staffing change of a group's plan.

        When it sends agents home while the phone queue is long, the overtime policy (single pool)
        keeps some of them on.
        """
        now, (g, planned) = ev.env._now, ev._value
        g.planned = planned
        target = max(0, planned - self._away[g.index])
        if g.overtime:  # a new plan replaces any overtime still running
            self.set_overtime(g, 0, now)
        ot = self.overtime
        present = g.on_duty - g.leaving
        if ot is not None and target < present and self.routing.waiting > ot.queue_above:
            extra = min(ot.max_agents, present - target)
            self.staff(g, target + extra, now)
            self.set_overtime(g, extra, now)
            self._overtime_end = now + ot.max_minutes * 60.0
            self._overtime_round += 1
            self._at(ot.max_minutes * 60.0, self._on_overtime_end, self._overtime_round)
        else:
            self.staff(g, target, now)

    # -- shrinkage in the simulation (spec D11) ---------------------------------------------
    def _target(self, g: Group) -> int:
        """Agents group ``g`` should have on duty: planned, less those away, plus overtime."""
        return max(0, g.planned - self._away[g.index]) + g.overtime

    def _set_away(self, n: int, now: float, group: int = -1) -> None:
        self._away_now = n
        self.rec.away_time.append(now)
        self.rec.away_level.append(n)
        self.rec.away_group.append(group)

    def _on_away(self, ev: Event) -> None:
        """An agent of the group is due a break or off-phone time (request ``rid``)."""
        g, rid = ev._value
        if self._away_state[rid] != SCHEDULED:
            return
        i = g.index
        self._away_state[rid] = PENDING
        self._away[i] += 1
        self._pending[i].append(rid)
        self.staff(g, self._target(g), ev.env._now)

    def _on_back(self, ev: Event) -> None:
        """An agent comes back from a break or off-phone time (if the plan has room for it)."""
        g, rid = ev._value
        if self._closed or self._away_state[rid] != AWAY:
            return
        self._away_state[rid] = DONE
        now = ev.env._now
        self._away[g.index] -= 1
        self._set_away(self._away_now - 1, now, g.index)
        self.staff(g, self._target(g), now)

    def _on_stretch_end(self, ev: Event) -> None:
        """A duty stretch ends: its breaks and off-phone time still due or running end with it.

        An agent still finishing a contact before its break now just goes home with its stretch;
        one on a break or off the phone does not come back. ``restaff`` when no staffing change
        falls at this moment (a day's stretch followed by the next day's).
        """
        if self._closed:
            return
        g, rids, restaff = ev._value
        now, i = ev.env._now, g.index
        state = self._away_state
        for rid in rids:
            if state[rid] == PENDING:  # the busy agent leaves all the same (g.leaving stays)
                self._pending[i].remove(rid)
                self._away[i] -= 1
            elif state[rid] == AWAY:
                self._away[i] -= 1
                self._set_away(self._away_now - 1, now, i)
            state[rid] = DONE
        if restaff:
            self.staff(g, self._target(g), now)

    def _request(self, at: float, g: Group, length: float) -> int:
        """Schedule a break or off-phone time of ``length`` for one agent of ``g``; its id."""
        rid = len(self._away_state)
        self._away_state.append(SCHEDULED)
        self._away_length.append(length)
        self._at(at, self._on_away, (g, rid))
        return rid

    def _plan_shrinkage(self, scenario: Scenario, holidays) -> list[tuple[np.ndarray, np.ndarray]]:
        """Each group's present agents as steps; absence drawn, breaks and off-phone scheduled."""
        agents, h = scenario.agents, scenario.horizon
        pools = [
            duty_stretches(g.staffing, h, holidays, agents.breaks) for g in self.routing.groups
        ]
        absent = None
        if agents.absence > 0:  # one draw per (day, pool, slot), in that order, used or not
            slots = sum(n for _, n in pools)
            u = self._streams.generator("absence").random((h.days, slots))  # day by day
            absent = (u < agents.absence).tolist()
        offsets = np.cumsum([0] + [n for _, n in pools]).tolist()
        horizon = h.horizon_s
        # per (moment, group): a change of the group's absent agents (one row each, so that the
        # records tell the groups apart; the level is the total)
        absent_changes: dict[tuple[float, int], int] = {(0.0, -1): 0}
        plans = []
        for g, (stretches, _), offset in zip(self.routing.groups, pools, offsets, strict=False):
            changes: dict[float, int] = {0.0: 0}
            ends: list[tuple[float, list[int]]] = []  # stretches with breaks: end, requests
            for start, end, first, n, breaks in stretches:
                if absent is None:
                    present = list(range(n))
                else:
                    today = absent[int(start // DAY_S)]
                    present = [j for j in range(n) if not today[offset + first + j]]
                    gone = n - len(present)
                    if gone:
                        at_start, at_end = (start, g.index), (end, g.index)
                        absent_changes[at_start] = absent_changes.get(at_start, 0) + gone
                        absent_changes[at_end] = absent_changes.get(at_end, 0) - gone
                changes[start] = changes.get(start, 0) + len(present)
                changes[end] = changes.get(end, 0) - len(present)
                here = set(present)
                rids = [
                    self._request(s, g, e - s)
                    for s, e, j in break_windows(start, end, n, breaks)
                    + off_phone_blocks(start, end, n, agents.off_phone)
                    if j in here and s < horizon
                ]
                if rids and end < horizon:
                    ends.append((end, rids))
            times = np.asarray(sorted(t for t in changes if t < horizon), dtype=np.float64)
            counts = np.cumsum([changes[t] for t in times.tolist()]).astype(np.int64)
            change = np.r_[True, np.diff(counts) != 0]  # no step without a change (overtime)
            plans.append((times[change], counts[change]))
            steps = set(times[change].tolist())
            for end, rids in ends:  # before the staffing change at the same moment
                self._at(end, self._on_stretch_end, (g, rids, end not in steps))
        moments = sorted(k for k in absent_changes if k[0] <= horizon)
        self.rec.absent_time.extend(t for t, _ in moments)
        self.rec.absent_group.extend(group for _, group in moments)
        self.rec.absent_level.extend(np.cumsum([absent_changes[k] for k in moments]).tolist())
        self._set_away(0, 0.0)
        return plans
