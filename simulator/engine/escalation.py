"""Escalation to a second group (spec D4): the second legs of calls and their queues.

After the first agent's handling a share of a reason's calls is put, live, in the queue of the
group ``reasons[].escalation.to``. That queue is not a (channel, reason) queue of
:mod:`~simulator.engine.routing`: it holds *legs*, numbered apart from contacts (the records'
``leg_*`` columns), so spec A3's contact KPIs stay about the first leg and conservation is
unchanged. A group that takes escalations gets the route ``(LEG, [group])`` first in its
``routes``: a free agent of the group takes a waiting escalation before its own skills' work
(a caller already in the center goes first). The center's ``take_next`` and ``answer`` look at
the pseudo channel ``LEG`` only in scenarios with escalations (bound once).

What a leg needs was drawn with its call (``Customers.escalation``): whether the call escalates,
the second handle time and the patience in the second queue. A warm transfer keeps the first
agent until the second answers (``holding``); that time is added to the first leg's handle time.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable

from simulator.engine.records import WAITING, Records
from simulator.engine.routing import Group, Routing
from simulator.scenario.models import CHANNELS, Scenario

LEG = len(CHANNELS)
"""The pseudo channel of a group's route to the escalations addressed to it."""


class Escalations:
    """The second queues (one per group that takes escalations) and the legs in them."""

    def __init__(self, scenario: Scenario, routing: Routing, rec: Records) -> None:
        self.rec = rec
        self.routing = routing
        names = [p.name for p in scenario.agents.pools(scenario.channels.names)]
        reasons = scenario.reasons
        #: per reason: the group its escalations go to (None: the reason does not escalate)
        self.group: list[Group | None] = [
            None if r.escalation is None else routing.groups[names.index(r.escalation.to)]
            for r in reasons
        ]
        self.warm = [r.escalation is not None and r.escalation.warm for r in reasons]
        #: per reason: the resolution probability after the second leg (first contact, later)
        self.fcr = [
            (0.0, 0.0)
            if r.escalation is None
            else ((r.fcr, r.later_fcr) if r.escalation.fcr is None else (r.escalation.fcr,) * 2)
            for r in reasons
        ]
        self.queues: dict[int, deque[int]] = {}
        self.qwait: dict[int, int] = {}
        for g in self.group:
            if g is not None and g.index not in self.queues:
                self.queues[g.index] = deque()
                self.qwait[g.index] = 0
                g.routes.insert(0, (LEG, [g.index]))
        self.first: list[bool] = []  # per leg: its call was the first answered contact
        self.holding: dict[int, tuple[int, float]] = {}  # warm legs: (first agent, since)

    def add(self, cid: int, now: float, handle: float, first: bool) -> int:
        """A new leg of call ``cid`` put in a second queue now; return its id."""
        rec = self.rec
        rec.leg_contact.append(cid)
        rec.leg_queued.append(now)
        rec.leg_wait.append(0.0)
        rec.leg_outcome.append(WAITING)
        rec.leg_agent.append(-1)
        rec.leg_handle.append(handle)
        rec.leg_resolved.append(False)
        self.first.append(first)
        return len(rec.leg_contact) - 1

    def enqueue(self, lid: int, g: int) -> None:
        """Leg ``lid`` waits in the queue of group ``g``."""
        self.queues[g].append(lid)
        self.qwait[g] += 1
        self.routing.queued += 1

    def leave(self, lid: int, g: int) -> None:
        """Leg ``lid`` leaves the queue of group ``g`` unanswered (its deque drops it later)."""
        self.qwait[g] -= 1
        self.routing.queued -= 1

    def take(self, g: int, now: float) -> int:
        """Pop the longest-waiting leg of group ``g``'s queue, or -1; its wait ends now."""
        if not self.qwait[g]:
            return -1
        queue, outcome = self.queues[g], self.rec.leg_outcome
        while outcome[queue[0]] != WAITING:
            queue.popleft()
        lid = queue.popleft()
        self.qwait[g] -= 1
        self.routing.queued -= 1
        self.rec.leg_wait[lid] = now - self.rec.leg_queued[lid]
        return lid

    def wrap(
        self, take_next: Callable[[list[int], int, float], int]
    ) -> Callable[[list[int], int, float], int]:
        """``take_next`` that takes from a second queue on the route ``(LEG, [group])``."""
        take = self.take

        def take_next_or_leg(queues: list[int], channel: int, now: float) -> int:
            if channel == LEG:
                return take(queues[0], now)
            return take_next(queues, channel, now)

        return take_next_or_leg
