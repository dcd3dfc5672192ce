"""Routing: the queues, the agent groups, the idle agents, and which contact an agent takes.

Queues are one FIFO per (channel, reason), id ``channel * R + reason``. Abandoned contacts stay
in their deque until they reach its head; ``qwait`` counts the waiting ones. Idle agents are ids
in a deque per group, ordered by the time they became idle, so the longest-idle agent answers
next. How a contact occupies an agent depends on its channel: a call or an e-mail takes the agent
whole (its load is all ``chat_k`` slots), a chat one of the agent's slots (:class:`ChatSlots`;
:class:`SharedChats` when chats held together slow each other down).

Priorities (``reasons[].priority`` and ``priority_head_start_s``) order the heads of an agent's
queues of one channel: highest priority first, then earliest arrival less head start. Without
them :meth:`Routing.oldest_queue` is plain FCFS; with them the instance's ``oldest_queue`` is
:meth:`Routing.first_by_priority`, chosen once. The center's callback offer (virtual hold) is
:class:`CallbackOffers`: a caller who accepts keeps the place in its queue without a patience
timer; the routing counts them so that the hiding rule sees only the callers on the line.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, MutableSequence
from dataclasses import dataclass, field
from typing import Any

from simulator.engine import timeline
from simulator.engine.records import WAITING, Records
from simulator.scenario.models import CHANNELS, Scenario

PHONE, CHAT, EMAIL = (CHANNELS.index(c) for c in ("phone", "chat", "email"))
INF = float("inf")


@dataclass
class Group:
    """Agents routed alike, at run time: their queues by channel priority and their state."""

    index: int
    channels: list[int]  # by priority
    queues: list[list[int]]  # per channel in ``channels``: the queue ids of their skills
    chat_queues: list[int]
    staffing: Any
    routes: list[tuple[int, list[int]]] = field(init=False)  # (channel, queues) by priority
    idle: deque[int] = field(default_factory=deque)  # longest idle first
    off_duty: deque[int] = field(default_factory=deque)
    chatting: set[int] = field(default_factory=set)  # agents with a free chat slot
    on_duty: int = 0
    leaving: int = 0  # busy agents who go off duty when their work ends
    planned: int = 0
    overtime: int = 0  # agents kept on beyond the plan (overtime is for a single pool)

    def __post_init__(self) -> None:
        self.routes = list(zip(self.channels, self.queues, strict=True))


class ChatSlots:
    """A chat takes one of an agent's ``slots`` chat slots (a call or an e-mail takes all of them).

    Agents with a free slot are kept per group in ``Group.chatting`` so a new chat finds them
    without a search. A chat ends its handle time after it is answered (:meth:`answer`); the
    center says where ends go with :meth:`connect`.
    """

    def __init__(self, load: list[int], slots: int, routing: Routing) -> None:
        self.load = load
        self.slots = slots
        self.routing = routing
        self._at: Callable[[float, Callable[[Any], None], object], None]
        self._handle: MutableSequence[float]
        self._on_end: Callable[[Any], None]

    def connect(
        self,
        at: Callable[[float, Callable[[Any], None], object], None],
        handle: MutableSequence[float],
        on_end: Callable[[Any], None],
    ) -> None:
        """Chat ends are scheduled with ``at`` and call ``on_end`` (an event carrying the chat)."""
        self._at, self._handle, self._on_end = at, handle, on_end

    def seize(self, agent: int) -> None:
        """The agent takes one more chat slot."""
        load = self.load[agent] + 1
        chatting = self.routing.groups[self.routing.agent_group[agent]].chatting
        if load < self.slots:
            chatting.add(agent)
        else:
            chatting.discard(agent)
        self.load[agent] = load

    def answer(self, cid: int, agent: int, now: float) -> None:
        """The agent answers chat ``cid``: one slot more; the chat ends after its handle time.

        :meth:`seize` written out: this runs for every chat answered.
        """
        load = self.load[agent] + 1
        chatting = self.routing.groups[self.routing.agent_group[agent]].chatting
        if load < self.slots:
            chatting.add(agent)
        else:
            chatting.discard(agent)
        self.load[agent] = load
        self._at(self._handle[cid], self._on_end, cid)


class SharedChats(ChatSlots):
    """Chats held together share the agent (``channels.chat.concurrency_slowdown`` s > 0).

    A chat's drawn handle time is its *work* at full speed (its wrap-up is work too). An agent
    holding k chats does each at 1 / (1 + s (k - 1)) of that speed, so whenever k changes the
    remaining work of the agent's chats is brought up to date and the agent's next end is
    scheduled anew. k counts the chats whose work is still running: a chat whose work is done
    leaves it, even if the center keeps its slot for what follows (a consult). Only the chat
    that ends first has an event; each agent has a generation number, raised at every change,
    and an end event of an older generation is stale and does nothing (like a patience timer
    of a contact already answered).

    When a chat's work is done its record's handle time becomes the time since it was answered
    (what an ACD shows; a consult after it adds its own time), so busy time is elapsed time.
    """

    def __init__(self, load: list[int], slots: int, routing: Routing, slowdown: float) -> None:
        super().__init__(load, slots, routing)
        self.slowdown = slowdown
        self.work: dict[int, dict[int, float]] = {}  # per agent: its chats' remaining work (s)
        self.since: dict[int, float] = {}  # per agent: when its chats' work was last updated
        self.generation: dict[int, int] = {}  # per agent: raised whenever its chats change
        self.answered_at: dict[int, float] = {}  # per chat in hand
        self._on_chat_end = self._on_chat_end  # scheduled once per change: bound once

    def answer(self, cid: int, agent: int, now: float) -> None:
        """The agent answers chat ``cid``: one more chat in hand, so all of them slow down."""
        self.seize(agent)
        chats = self._up_to(agent, now)
        chats[cid] = self._handle[cid]
        self.answered_at[cid] = now
        self._schedule(agent, chats)

    def _up_to(self, agent: int, now: float) -> dict[int, float]:
        """The agent's chats, their remaining work brought up to ``now`` at the speed they had."""
        chats = self.work.get(agent)
        if chats is None:
            chats = self.work[agent] = {}
        elif chats:
            done = (now - self.since[agent]) / (1.0 + self.slowdown * (len(chats) - 1))
            for c in chats:
                chats[c] -= done
        self.since[agent] = now
        return chats

    def _schedule(self, agent: int, chats: dict[int, float]) -> None:
        """A new generation for the agent: the end of the chat with least work left, if any."""
        generation = self.generation.get(agent, 0) + 1
        self.generation[agent] = generation
        if chats:
            first = min(chats, key=chats.__getitem__)
            delay = max(chats[first], 0.0) * (1.0 + self.slowdown * (len(chats) - 1))
            self._at(delay, self._on_chat_end, (agent, generation, first))

    def _on_chat_end(self, ev: Any) -> None:
        agent, generation, cid = ev._value
        if generation != self.generation[agent]:
            return  # the agent's chats changed since: the timer is stale
        now = ev.env._now
        chats = self._up_to(agent, now)
        del chats[cid]
        self._handle[cid] = now - self.answered_at.pop(cid)
        self._schedule(agent, chats)
        ev._value = cid  # the center's service end reads the contact
        self._on_end(ev)


class Routing:
    """Queues, groups and agents' load, and the choices between them (who answers what)."""

    def __init__(self, scenario: Scenario, rec: Records) -> None:
        self.rec = rec
        self.warmup_s = scenario.horizon.warmup_s
        self.horizon_s = scenario.horizon.horizon_s
        reasons = scenario.reasons
        n_reasons = len(reasons)
        self.n_reasons = n_reasons
        self.queues: list[deque[int]] = [deque() for _ in range(len(CHANNELS) * n_reasons)]
        self.qwait = [0] * len(self.queues)
        self.queued = 0  # waiting contacts of all queues: the sum of ``qwait``
        self.waiting = 0  # phone contacts waiting: the queue of Little's law and overtime
        self._queue_since = 0.0

        # Agents in groups (skills, channels by priority); one group for a single pool.
        channels = scenario.channels
        names = [r.name for r in reasons]
        self.groups: list[Group] = []
        for i, pool in enumerate(scenario.agents.pools(channels.names)):
            skills = range(n_reasons) if pool.skills is None else map(names.index, pool.skills)
            skills = sorted(skills)
            order = [CHANNELS.index(c) for c in pool.channels]
            self.groups.append(
                Group(
                    index=i,
                    channels=order,
                    queues=[[c * n_reasons + r for r in skills] for c in order],
                    chat_queues=[CHAT * n_reasons + r for r in skills] if CHAT in order else [],
                    staffing=pool.staffing,
                )
            )
        self.eligible = [
            [g for g in self.groups if any(q in qs for qs in g.queues)]
            for q in range(len(self.queues))
        ]
        # per queue: the idle agents of the one group that answers it, when that group needs no
        # choice (a chat with free slots elsewhere does); else None
        chat_slots = channels.chat is not None and channels.chat.concurrency > 1
        self.sole_idle = [
            groups[0].idle
            if len(groups) == 1 and not (chat_slots and q // n_reasons == CHAT)
            else None
            for q, groups in enumerate(self.eligible)
        ]
        self.agent_group: list[int] = []
        self.agent_load: list[int] = []  # chats in hand; ``chat_k`` = fully busy
        self.idle_since: list[float] = []
        chat = channels.chat
        self.chat_k = chat.concurrency if chat else 1
        slowdown = chat.concurrency_slowdown if chat else 0.0
        self.chat_slots = (
            SharedChats(self.agent_load, self.chat_k, self, slowdown)
            if slowdown > 0 and self.chat_k > 1
            else ChatSlots(self.agent_load, self.chat_k, self)
        )

        # Priorities (spec D3): per queue its reason's priority and head start. Only when they
        # differ does an agent's pick compare them (bound once: FCFS costs nothing more).
        self.priority = [reasons[q % n_reasons].priority for q in range(len(self.queues))]
        self.head_start = [
            reasons[q % n_reasons].priority_head_start_s for q in range(len(self.queues))
        ]
        if len(set(self.priority)) > 1 or any(self.head_start):
            self.oldest_queue = self.first_by_priority  # type: ignore[method-assign]
        # The center's callback offer (spec D5): callers on virtual hold are tracked as they are
        # taken, by a take_next that wraps the plain one (only when offers are configured).
        offer = channels.phone.callback_offer
        self.callback_offers = None if offer is None else CallbackOffers(scenario, self)
        if self.callback_offers is not None:
            self.take_next = self.callback_offers.wrap(self.take_next)  # type: ignore[method-assign]

    def queue_change(self, delta: int, now: float) -> None:
        """Keep the time integral of the queue length over [warm-up, horizon] (Little's law)."""
        lo = max(self._queue_since, self.warmup_s)
        hi = min(now, self.horizon_s)
        if hi > lo:
            self.rec.queue_area += self.waiting * (hi - lo)
        self._queue_since = now
        self.waiting += delta

    def free_agent(self, q: int, channel: int) -> int:
        """The agent who takes a new contact of queue ``q`` now, or -1.

        A chat goes to the least-loaded agent already chatting (keeping whole agents free for
        calls), else to the longest-idle agent among the groups with the skill and channel.
        """
        groups = self.eligible[q]
        if channel == CHAT and self.chat_k > 1:
            best, best_load = -1, self.chat_k
            load = self.agent_load
            for g in groups:
                if not g.leaving:
                    for agent in g.chatting:
                        if load[agent] < best_load:
                            best, best_load = agent, load[agent]
            if best >= 0:
                return best
        if len(groups) == 1:
            idle = groups[0].idle
            return idle.popleft() if idle else -1
        since = self.idle_since
        best_group = None
        for g in groups:
            if g.idle and (best_group is None or since[g.idle[0]] < since[best_group.idle[0]]):
                best_group = g
        return best_group.idle.popleft() if best_group is not None else -1

    def idle_phone_agent(self) -> int:
        """The longest-idle agent who makes calls (for an outbound call), or -1."""
        idle = [g for g in self.groups if g.idle and PHONE in g.channels]
        if not idle:
            return -1
        return min(idle, key=lambda g: self.idle_since[g.idle[0]]).idle.popleft()

    def oldest_queue(self, queues: list[int]) -> int:
        """Of ``queues``, the one whose first waiting contact arrived first, or -1.

        This is FCFS across the reasons of a channel; abandoned contacts at the heads are dropped on
        the way.
        """
        qwait, outcome = self.qwait, self.rec.outcome
        if len(queues) == 1:
            q = queues[0]
            if not qwait[q]:
                return -1
            queue = self.queues[q]
            while outcome[queue[0]] != WAITING:
                queue.popleft()
            return q
        arrival = self.rec.arrival
        best, best_t = -1, INF
        for q in queues:
            if qwait[q]:
                queue = self.queues[q]
                while outcome[queue[0]] != WAITING:
                    queue.popleft()
                if arrival[queue[0]] < best_t:
                    best, best_t = q, arrival[queue[0]]
        return best

    def first_by_priority(self, queues: list[int]) -> int:
        """Of ``queues``, the one whose first waiting contact comes first by priority, or -1.

        Highest ``priority`` first; within a priority the earliest arrival less head start (one
        queue is one reason, so its head is its first by both). Ties go to the earlier queue,
        as in :meth:`oldest_queue`; abandoned contacts at the heads are dropped on the way.
        """
        qwait, outcome, arrival = self.qwait, self.rec.outcome, self.rec.arrival
        priority, head_start = self.priority, self.head_start
        best, best_p, best_t = -1, 0, INF
        for q in queues:
            if qwait[q]:
                queue = self.queues[q]
                while outcome[queue[0]] != WAITING:
                    queue.popleft()
                p = priority[q]
                if best >= 0 and p < best_p:
                    continue
                t = arrival[queue[0]] - head_start[q]
                if best < 0 or p > best_p or t < best_t:
                    best, best_p, best_t = q, p, t
        return best

    def take_next(self, queues: list[int], channel: int, now: float) -> int:
        """Pop the longest-waiting contact of ``queues`` (all of one channel), or -1.

        Its wait ends now (a contact answered on arrival keeps its wait's default, 0).
        """
        if len(queues) == 1:  # the common case, without a call: is anyone waiting?
            q = queues[0]
            if not self.qwait[q]:
                return -1
        q = self.oldest_queue(queues)
        if q < 0:
            return -1
        self.qwait[q] -= 1
        self.queued -= 1
        if channel == PHONE:
            self.queue_change(-1, now)
        cid = self.queues[q].popleft()
        self.rec.wait[cid] = now - self.rec.arrival[cid]
        return cid

    def add_agent(self, g: Group) -> int:
        """A new agent id in group ``g`` (the first time the group needs one more)."""
        self.agent_group.append(g.index)
        self.agent_load.append(0)
        self.idle_since.append(0.0)
        return len(self.agent_group) - 1


class CallbackOffers:
    """The center's callback offer (virtual hold, spec D5) and the callers who took it.

    A caller who finds no agent free is offered a callback when the center's wait estimate
    (:meth:`estimate`) is at least ``wait_above_s``, the line is still open when the callback is
    due, and no more than ``hide_when_waiting_above`` callers wait on the line. One who accepts
    stays in its queue (the place is kept) but has no patience timer, so never abandons; the
    agent who takes it calls back. ``on_hold`` counts such callers still waiting (they are in
    ``Routing.waiting`` too: their calls still wait for an agent).
    """

    def __init__(self, scenario: Scenario, routing: Routing) -> None:
        spec = scenario.channels.phone.callback_offer
        assert spec is not None
        self.routing = routing
        self.rec = routing.rec
        self.wait_above_s = spec.wait_above_s
        hide = spec.hide_when_waiting_above
        self.hide_above = INF if hide is None else hide
        self.clock = timeline.channel_clocks(scenario)[PHONE]
        self.on_hold = 0
        self.held: set[int] = set()
        n = routing.n_reasons
        # per reason: the mean handle time of a call (talk plus wrap-up), the groups that take
        # its calls, and the phone queues whose waiting calls those agents take first or alike
        self.aht = [r.handle_time.mean + r.wrap_up_s for r in scenario.reasons]
        self.groups: list[list[Group]] = []
        self.ahead: list[list[int]] = []
        for r in range(n):
            q = PHONE * n + r
            groups = routing.eligible[q]
            phone_queues = {k for g in groups for c, qs in g.routes if c == PHONE for k in qs}
            self.groups.append(groups)
            self.ahead.append(
                sorted(k for k in phone_queues if routing.priority[k] >= routing.priority[q])
            )

    def estimate(self, reason: int) -> float:
        """The center's estimate of a new call's wait: its place x mean handle time / agents.

        The place is one more than the calls waiting that the same agents take first or alike
        (the reasons of the same or a higher priority that those groups take, callers on
        virtual hold included); agents are those on duty in the groups that take the call
        (infinite wait when there are none).
        """
        routing = self.routing
        qwait = routing.qwait
        place = 1 + sum(qwait[k] for k in self.ahead[reason])
        agents = sum(g.on_duty - g.leaving for g in self.groups[reason])
        return place * self.aht[reason] / agents if agents > 0 else INF

    def offer(self, cid: int, reason: int, accepts: bool, now: float) -> bool:
        """Call ``cid`` finds no agent free: offer the callback? Return whether it is taken.

        ``accepts`` is the caller's draw (made when the call was created). An offer is recorded
        in ``rec.offer_contact`` and ``rec.offer_accepted``.
        """
        if self.routing.waiting - self.on_hold > self.hide_above:
            return False  # the button is hidden: too many callers on the line
        wait = self.estimate(reason)
        if wait < self.wait_above_s:
            return False
        if self.clock is not None and not self.clock.open_for(now) >= wait:
            return False  # the callback would fall after the line closes
        self.rec.offer_contact.append(cid)
        self.rec.offer_accepted.append(accepts)
        if accepts:
            self.on_hold += 1
            self.held.add(cid)
        return accepts

    def wrap(
        self, take_next: Callable[[list[int], int, float], int]
    ) -> Callable[[list[int], int, float], int]:
        """``take_next`` that also counts a taken caller on virtual hold off ``on_hold``."""
        held = self.held

        def take_next_holding(queues: list[int], channel: int, now: float) -> int:
            cid = take_next(queues, channel, now)
            if cid in held:
                held.remove(cid)
                self.on_hold -= 1
            return cid

        return take_next_holding
