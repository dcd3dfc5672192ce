"""Escalation to a second group (spec D4): the second legs of calls and their queues; overflow.

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

Overflow (:class:`Overflows`) sends no leg: a call that has waited ``overflow.after_s`` in its own
queue may be taken by the group ``overflow.to`` as well, keeping its place and its wait.
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


OVERFLOW = 1 << 20
"""Queue ids from here on in a group's phone route are overflow routes: ``OVERFLOW + q``."""


class Overflows:
    """Overflow (``reasons[].overflow``): a call waiting ``after_s`` may be taken by group ``to``.

    The call keeps its place in its own queue; the second group gets a phone route to that
    queue (``OVERFLOW + q``, after its own work), on which a free agent takes the head only
    when it has waited ``after_s``. When the wait passes ``after_s`` (a timer set when the call
    queues) an idle agent of the group answers it at once. The whole wait counts for whoever
    answers (an overflow starts no new wait).
    """

    def __init__(self, scenario: Scenario, routing: Routing) -> None:
        self.routing = routing
        self.rec = routing.rec
        names = [p.name for p in scenario.agents.pools(scenario.channels.names)]
        n = routing.n_reasons
        phone = CHANNELS.index("phone")
        #: per reason: (after_s, group) of its overflow, or None
        self.rule: list[tuple[float, Group] | None] = [
            None
            if r.overflow is None
            else (r.overflow.after_s, routing.groups[names.index(r.overflow.to)])
            for r in scenario.reasons
        ]
        self.after: dict[int, float] = {}
        routes: dict[int, list[int]] = {}
        for reason, rule in enumerate(self.rule):
            if rule is not None:
                q = phone * n + reason
                self.after[q] = rule[0]
                routes.setdefault(rule[1].index, []).append(OVERFLOW + q)
        for g in routing.groups:
            if g.index in routes:
                g.routes.append((phone, routes[g.index]))

    def take(self, queues: list[int], now: float) -> int:
        """The head of the first of ``queues`` (overflow routes) that has waited long enough."""
        routing = self.routing
        for k in queues:
            q = k - OVERFLOW
            if routing.qwait[q]:
                queue = routing.queues[q]
                outcome = self.rec.outcome
                while outcome[queue[0]] != WAITING:
                    queue.popleft()
                if now - self.rec.arrival[queue[0]] >= self.after[q]:
                    return routing.take_next([q], CHANNELS.index("phone"), now)
        return -1

    def wrap(
        self, take_next: Callable[[list[int], int, float], int]
    ) -> Callable[[list[int], int, float], int]:
        """``take_next`` that also serves overflow routes."""
        take = self.take

        def take_next_or_overflow(queues: list[int], channel: int, now: float) -> int:
            if queues and queues[0] >= OVERFLOW:
                return take(queues, now)
            return take_next(queues, channel, now)

        return take_next_or_overflow
