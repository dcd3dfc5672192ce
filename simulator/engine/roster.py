"""The roster: which agents are on duty, following each group's shifts, and the overtime policy.

A staffing change brings a group to its planned number of agents; busy agents finish their work
before they leave. When a change would send agents home while the phone queue is long, the
overtime policy (single pool) keeps some of them on, each for the next call only while the queue
stays long and that call ends within the overtime limit.
"""

from __future__ import annotations

from collections.abc import Callable

from simpy.events import Event

from simulator.engine.records import Records
from simulator.engine.routing import PHONE, Group, Routing
from simulator.scenario.models import Scenario
from simulator.scenario.steps import staffing_steps

Schedule = Callable[[float, Callable[[Event], None], object], None]


class Roster:
    """Agents on duty per group, their shifts and overtime, over one replication."""

    def __init__(
        self,
        scenario: Scenario,
        routing: Routing,
        rec: Records,
        at: Schedule,
        agent_free: Callable[[int, float], None],
    ) -> None:
        self.routing = routing
        self.rec = rec
        self._at = at
        self._agent_free = agent_free  # a new agent on duty takes work like one who frees up
        self.overtime = scenario.agents.overtime  # a single pool only (validation checks)
        self.on_duty = 0
        self._overtime_end = 0.0
        self._overtime_round = 0  # identifies the current overtime, so stale ends do nothing

    def start(self, scenario: Scenario, holidays) -> None:
        """Put the first shift on duty and schedule every later staffing change."""
        self.set_on_duty(0, 0.0)
        h = scenario.horizon
        for g in self.routing.groups:
            starts, counts = staffing_steps(g.staffing, h, holidays)
            for start, count in zip(starts.tolist(), counts.tolist(), strict=True):
                if start == 0:
                    g.planned = count
                    self.staff(g, count, 0.0)
                else:
                    self._at(start, self.on_staffing, (g, count))

    def at_horizon(self, now: float) -> None:
        """Agents on duty at the horizon stay until the queue is empty; overtime ends.

        Draining the queue after the horizon is the spec's rule, not the policy's.
        """
        for g in self.routing.groups:
            g.leaving = 0
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
            self.staff(g, g.planned, now)

    def go_off_duty(self, agent: int, g: Group, now: float) -> None:
        """An idle (or just freed) agent leaves."""
        g.off_duty.append(agent)
        g.on_duty -= 1
        self.set_on_duty(self.on_duty - 1, now)

    def set_on_duty(self, n: int, now: float) -> None:
        """``n`` agents on duty from ``now`` (logged as a level)."""
        self.on_duty = n
        self.rec.duty_time.append(now)
        self.rec.duty_level.append(n)

    def staff(self, g: Group, target: int, now: float) -> None:
        """Bring group ``g`` to ``target`` agents on duty; busy agents finish first."""
        present = g.on_duty - g.leaving
        if target > present:
            stay = min(target - present, g.leaving)
            g.leaving -= stay
            for _ in range(target - present - stay):
                agent = g.off_duty.popleft() if g.off_duty else self.routing.add_agent(g)
                g.on_duty += 1
                self.set_on_duty(self.on_duty + 1, now)
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
        now, (g, target) = ev.env._now, ev._value
        g.planned = target
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
