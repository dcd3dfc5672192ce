"""The contact center as a SimPy model: arrivals, one FIFO phone queue, agents, patience, redial,
and the customer journeys behind the contacts: FCR and repeat contacts, self-service, and third
parties that consult, take over or promise callbacks.

Why callbacks and not one SimPy process per contact: a process per caller (the textbook
``request | timeout`` pattern) costs several events and a generator per contact and runs
at about 40,000 contacts/s. Here SimPy is the event calendar: each happening (an arrival,
the end of a service, a patience deadline, a staffing change) is a timeout whose callback
does the work, the queue is a deque, and agents are ids in a deque ordered by the time they
became idle (so the longest-idle agent answers next). Patience timers are set only for
contacts that actually queue; a contact answered before its deadline is left in place and
its timer does nothing when it fires, so abandonment times and redial times are exact.

Every random attribute of an issue or contact is drawn when it is created, in creation
order, each from its own stream (see :mod:`simulator.engine.streams`), so a change of headcount does
not change which customer gets which handle time, patience, resolution or third-party fate.

Journeys: an issue stays open while something can still resolve it (a contact on its way,
a third-party job); it is *given up* only when the customer stops and nothing is pending.
Third parties are SimPy resources (their staff) worked by one SimPy process per job: they are
a small share of the traffic, and a process reads like the back office it describes.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import deque
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass, field
from heapq import heappush
from itertools import accumulate
from typing import Any

import numpy as np
import simpy
from simpy.events import NORMAL, Event

from simulator.engine import timeline
from simulator.engine.arrivals import arrival_times
from simulator.engine.calendar import Calendar
from simulator.engine.drivers import driver_arrivals
from simulator.engine.records import (
    ABANDONED,
    ANSWERED,
    CALLBACK,
    CALLED,
    CONSULT,
    DEFLECTED,
    GAVE_UP,
    JOB_CANCELLED,
    JOB_MADE,
    JOB_PENDING,
    MISSED_CALLBACK,
    NEW,
    NO_SELF_SERVICE,
    NO_THIRD_PARTY,
    NOT_CALLED,
    OPEN,
    PREVENTED,
    REDIAL,
    REPEAT,
    RESOLVED,
    SELF_SERVICE_FAILED,
    SELF_SERVICE_SUCCESS,
    TRANSFER,
    WAITING,
    Records,
)
from simulator.engine.streams import Streams
from simulator.scenario.models import CHANNELS, Scenario, ThirdParty, ThirdPartyUse
from simulator.scenario.steps import staffing_steps

ALWAYS = {"mon-sun": "00:00-24:00"}
_new_event = object.__new__
INF = float("inf")
_CHUNK = 4096
PHONE, CHAT, EMAIL = (CHANNELS.index(c) for c in ("phone", "chat", "email"))


@dataclass
class _Party:
    """A third party at run time: its staff as a SimPy resource, its hours and its draws."""

    index: int
    spec: ThirdParty
    staff: simpy.Resource
    clock: Calendar  # its hours and the scenario's holidays
    within_s: float
    draw_work: Callable[[], float]
    draw_late: Callable[[], float]
    draw_callback: Callable[[], float] | None  # agent time of a callback, when agents call


@dataclass
class _Group:
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

    def __post_init__(self) -> None:
        self.routes = list(zip(self.channels, self.queues, strict=True))


def _cumulative(shares: dict[str, float] | None) -> list[float] | None:
    """Cumulative shares over ``CHANNELS`` for a channel draw, or None (no draw needed)."""
    if shares is None:
        return None
    return list(accumulate(shares.get(c, 0.0) for c in CHANNELS))[:-1]


@dataclass
class _Involvement:
    """What a contact's third party will do, drawn when the contact is created."""

    party: _Party
    mode: int
    on_time: bool
    late_s: float
    resolves: bool
    work_s: float
    callback_s: float


class ContactCenter:
    """One replication of a scenario on its own SimPy environment and random streams."""

    def __init__(self, scenario: Scenario, replication: int, seed: int | None = None) -> None:
        self.scenario = scenario
        self.seed = scenario.seed if seed is None else seed
        self.env = simpy.Environment()
        self.rec = Records(replication=replication)
        h = scenario.horizon
        self.horizon_s = h.horizon_s
        self.warmup_s = h.warmup_s
        streams = Streams(self.seed, replication)

        # Issue attributes.
        reasons = scenario.reasons
        self._cum_shares = list(accumulate(r.share for r in reasons))[:-1]
        self._draw_reason = streams.uniform("reason") if len(reasons) > 1 else None
        self._draw_handle = [
            streams.sampler(f"handle_time:{r.name}", r.handle_time) for r in reasons
        ]
        self._wrap_up = [r.wrap_up_s for r in reasons]

        # Channels: each contact has one; patience and handle-time factor depend on it.
        channels = scenario.channels
        phone, chat, email = channels.phone, channels.chat, channels.email
        self._draw_patience = [
            streams.sampler("patience:phone", phone.patience) if phone.patience else None,
            streams.sampler("patience:chat", chat.patience) if chat and chat.patience else None,
            None,  # nobody abandons an e-mail
        ]
        self._handle_factor = [
            1.0,
            chat.handle_time_factor if chat else 1.0,
            email.handle_time_factor if email else 1.0,
        ]
        self._chat_k = chat.concurrency if chat else 1
        mix = scenario.arrivals.channel_mix
        self._channel_cum = _cumulative(mix)
        if self._channel_cum is not None:
            self._draw_channel = streams.uniform("channel")
        self._repeat_channel_cum = [_cumulative(r.repeat.channel) for r in reasons]
        if any(c is not None for c in self._repeat_channel_cum):
            self._draw_repeat_channel = streams.uniform("repeat_channel")
        redial = phone.redial
        self._redial_p = redial.probability if redial else 0.0
        self._redial_max = redial.max_attempts if redial else 1
        if self._redial_p > 0:
            self._draw_redial = streams.uniform("redial")
            self._draw_redial_delay = streams.sampler("redial_delay", redial.delay)
        self._patience: list[float] = []
        self._attempt: list[int] = []
        self._redial_delay: list[float] = []  # NaN: this contact would not redial

        # Journeys: resolution, repeat contacts, self-service, third parties. Streams are
        # shared by all reasons, so scenarios that differ in one reason's numbers keep CRN.
        self._fcr = [r.fcr for r in reasons]
        self._later_fcr = [r.later_fcr for r in reasons]
        self._need_fcr = any(f < 1 for f in self._fcr + self._later_fcr)
        self._draw_fcr = streams.uniform("fcr") if self._need_fcr else None
        self._journeys = self._need_fcr or any(r.third_party for r in reasons)
        self._repeat_p = [r.repeat.probability for r in reasons]
        self._max_contacts = [r.repeat.max_contacts or np.inf for r in reasons]
        if self._journeys:
            self._draw_repeat = streams.uniform("repeat")
            self._draw_repeat_delay = [
                streams.sampler(f"repeat_delay:{r.name}", r.repeat.delay) for r in reasons
            ]
        self._self_service = [r.self_service for r in reasons]
        self._any_self_service = any(self._self_service)
        if self._any_self_service:
            self._draw_self_service = streams.uniform("self_service")
        self._parties = {
            p.name: _Party(
                index=i,
                spec=p,
                staff=simpy.Resource(self.env, capacity=p.staff),
                clock=timeline.clock(scenario, p.hours or ALWAYS),
                within_s=p.callback_within_h * 3600.0,
                draw_work=streams.sampler(f"third_party_work:{p.name}", p.work_time),
                draw_late=streams.sampler(f"third_party_late:{p.name}", p.late_delay),
                draw_callback=streams.sampler(
                    f"third_party_callback:{p.name}", p.callback_handle_time
                )
                if p.callback_by == "agent"
                else None,
            )
            for i, p in enumerate(scenario.third_parties)
        }
        self._uses = [r.third_party for r in reasons]
        if any(self._uses):
            self._draw_third_party = streams.uniform("third_party")
        self._u_fcr: list[float] = []
        self._repeats: list[bool] = []
        self._repeat_delay: list[float] = []
        self._repeat_used: set[int] = set()  # contacts whose repeat decision has been used
        self._involvement: dict[int, _Involvement] = {}  # contacts that need a third party
        # Columns whose value at creation is a default are grown in chunks and cut to length at
        # the end, so that creating an issue or a contact appends only what it must draw.
        rec = self.rec
        self._contact_columns = [
            (rec.wait, 0.0),
            (rec.outcome, WAITING),
            (rec.agent, -1),
            (rec.third_party, NO_THIRD_PARTY),
            (rec.hold, 0.0),
            (rec.resolved, False),
        ]
        self._contact_room = 0
        # per issue
        self._in_contact: list[bool] = []  # a contact of the customer is on its way
        self._issue_channel: list[int] = []  # channel of the issue's latest contact
        self._jobs_pending: list[int] = []
        self._customer_contacts: list[int] = []  # towards repeat.max_contacts
        # outbound calls waiting for an agent: (job id or -1 for a proactive call, issue, s)
        self._outbound: deque[tuple[int, int, float]] = deque()
        self._issue_columns = [
            (rec.issue_outcome, OPEN),
            (rec.issue_end, np.nan),
            (rec.issue_answered, 0),
            (rec.issue_first_answer_resolved, False),
            (rec.issue_self_service, NO_SELF_SERVICE),
            (rec.issue_proactive, NOT_CALLED),
            (self._in_contact, False),
            (self._issue_channel, PHONE),
            (self._jobs_pending, 0),
            (self._customer_contacts, 0),
        ]
        self._issue_room = 0
        self._proactive = [None] * len(reasons)
        for i, d in enumerate(scenario.drivers):
            if d.kind == "proactive_outbound":
                r = scenario.reason_index(d.reason)
                self._proactive[r] = (
                    d,
                    streams.uniform(f"driver:{i}"),
                    streams.sampler(f"driver:{i}:handle", d.handle_time),
                )

        # Queues: one FIFO per (channel, reason), id channel * R + reason. Abandoned contacts
        # stay in their deque until they reach its head; ``_qwait`` counts the waiting ones.
        n_reasons = len(reasons)
        self._n_reasons = n_reasons
        self._queues: list[deque[int]] = [deque() for _ in range(len(CHANNELS) * n_reasons)]
        self._qwait = [0] * len(self._queues)
        self._waiting = 0  # phone contacts waiting: the queue of Little's law and overtime
        self._queue_since = 0.0

        # Agents in groups (skills, channels by priority); one group for a single pool.
        names = [r.name for r in reasons]
        self._groups: list[_Group] = []
        for i, pool in enumerate(scenario.agents.pools(channels.names)):
            skills = range(n_reasons) if pool.skills is None else map(names.index, pool.skills)
            skills = sorted(skills)
            order = [CHANNELS.index(c) for c in pool.channels]
            self._groups.append(
                _Group(
                    index=i,
                    channels=order,
                    queues=[[c * n_reasons + r for r in skills] for c in order],
                    chat_queues=[CHAT * n_reasons + r for r in skills] if CHAT in order else [],
                    staffing=pool.staffing,
                )
            )
        self._eligible = [
            [g for g in self._groups if any(q in qs for qs in g.queues)]
            for q in range(len(self._queues))
        ]
        self._agent_group: list[int] = []
        self._agent_load: list[int] = []  # chats in hand; ``_chat_k`` = fully busy
        self._idle_since: list[float] = []
        self._on_duty = 0

        # Calendar: a call or chat that finds its channel closed is refused (counted) and the
        # customer tries again after opening, or gives up. E-mail is received at any hour.
        self._clock = timeline.clock(scenario)
        self._clocks: list[Calendar | None] = [
            self._clock,
            timeline.clock(scenario, chat.opening_hours or scenario.calendar.opening_hours)
            if chat
            else None,
            None,
        ]
        self._clocks = [c if c is not None and not c.always_open else None for c in self._clocks]
        retry = scenario.calendar.closed_retry
        self._retry_p = retry.probability
        if any(self._clocks):
            self._draw_retry = streams.uniform("closed_retry")
            self._draw_retry_delay = streams.sampler("closed_retry_delay", retry.delay)

        # Arrival sources: the everyday rate (reason drawn by share) and each demand driver
        # (reason fixed), each an iterator of times on its own stream.
        starts, rates = timeline.arrival_steps(scenario)
        self._sources: list[tuple[int, Iterator[float]]] = [
            (-1, arrival_times(streams, starts, rates, self.horizon_s))
        ]
        self._sources += [
            (reason, iter(times.tolist()))
            for reason, times in driver_arrivals(scenario, streams, starts, rates)
        ]
        self._overtime = scenario.agents.overtime  # a single pool only (config checks)
        self._on_overtime = 0  # agents kept on beyond the plan
        self._overtime_end = 0.0
        self._overtime_round = 0  # identifies the current overtime, so stale ends do nothing

    # -- scheduling ---------------------------------------------------------------------
    def _at(self, delay: float, callback, value) -> None:
        """Schedule ``callback(event)`` after ``delay``; ``event._value`` carries ``value``.

        This is ``Event(env)`` + ``env.schedule(event, NORMAL, delay)`` written out: it runs
        once per happening, and the two calls were a fifth of the engine's time.
        """
        env = self.env
        ev = _new_event(Event)
        ev.env = env
        ev.callbacks = [callback]
        ev._ok = True
        ev._value = value
        heappush(env._queue, (env._now + delay, NORMAL, next(env._eid), ev))

    @staticmethod
    def _grow(columns: list[tuple[list, object]]) -> None:
        for column, default in columns:
            column.extend([default] * _CHUNK)

    def _cut_to_length(self) -> None:
        """Drop the unused tail of the chunk-grown columns."""
        for columns, n in (
            (self._contact_columns, len(self.rec.arrival)),
            (self._issue_columns, len(self.rec.issue_start)),
        ):
            for column, _ in columns:
                del column[n:]

    # -- issues and contacts ------------------------------------------------------------
    def _new_issue(self, now: float, reason: int) -> int:
        """Create an issue (``reason`` < 0: drawn by share); returns its id, or -1 when
        self-service resolved it (deflected)."""
        rec = self.rec
        iid = len(rec.issue_start)
        if reason < 0:
            draw = self._draw_reason
            reason = 0 if draw is None else bisect_right(self._cum_shares, draw())
        self_service = NO_SELF_SERVICE
        if (ss := self._self_service[reason]) is not None:
            tries, succeeds = self._draw_self_service(), self._draw_self_service()
            if tries < ss.offered:
                self_service = (
                    SELF_SERVICE_SUCCESS if succeeds < ss.success else SELF_SERVICE_FAILED
                )
        proactive = NOT_CALLED
        if (outbound := self._proactive[reason]) is not None:
            driver, draw, handle = outbound
            called, prevented, duration = draw(), draw(), handle()
            if called < driver.coverage:
                proactive = PREVENTED if prevented < driver.prevents else CALLED
                self._queue_outbound((-1, iid, duration))
        deflected = self_service == SELF_SERVICE_SUCCESS or proactive == PREVENTED
        if iid == self._issue_room:
            self._grow(self._issue_columns)
            self._issue_room += _CHUNK
        rec.issue_start.append(now)
        rec.issue_reason.append(reason)
        if self_service:
            rec.issue_self_service[iid] = self_service
        if proactive:
            rec.issue_proactive[iid] = proactive
        if (cum := self._channel_cum) is not None:
            self._issue_channel[iid] = bisect_right(cum, self._draw_channel())
        if deflected:
            rec.issue_outcome[iid] = DEFLECTED
            rec.issue_end[iid] = now
            return -1
        return iid

    def _new_contact(self, iid: int, kind: int, attempt: int, now: float, channel: int) -> int:
        """Create a contact with all its random attributes, and offer it to its queue."""
        rec = self.rec
        cid = len(rec.arrival)
        reason = rec.issue_reason[iid]
        talk = self._draw_handle[reason]() * self._handle_factor[channel]
        if self._any_self_service and rec.issue_self_service[iid] == SELF_SERVICE_FAILED:
            talk *= self._self_service[reason].failure_handle_factor
        involvement, hold = None, 0.0
        if (use := self._uses[reason]) is not None:
            involvement = self._draw_involvement(use)
            if involvement is not None and involvement.mode == CONSULT:
                hold = use.consult_hold_s
        if cid == self._contact_room:
            self._grow(self._contact_columns)
            self._contact_room += _CHUNK
        rec.issue.append(iid)
        rec.kind.append(kind)
        rec.channel.append(channel)
        rec.arrival.append(now)
        rec.handle.append(talk + hold + self._wrap_up[reason])
        if involvement:
            rec.third_party[cid] = involvement.mode
            rec.hold[cid] = hold
            self._involvement[cid] = involvement
        self._in_contact[iid] = True
        if kind != REDIAL:
            self._customer_contacts[iid] += 1
        if self._need_fcr:
            self._u_fcr.append(self._draw_fcr())
        if self._journeys:
            self._repeats.append(self._draw_repeat() < self._repeat_p[reason])
            self._repeat_delay.append(self._draw_repeat_delay[reason]())
        draw = self._draw_patience[channel]
        self._patience.append(draw() if draw else INF)
        if self._redial_p > 0:
            self._attempt.append(attempt)
            redials = self._draw_redial() < self._redial_p and attempt < self._redial_max
            delay = self._draw_redial_delay()
            self._redial_delay.append(delay if redials else np.nan)
        self._offer(cid, channel * self._n_reasons + reason, channel, now)
        return cid

    def _draw_involvement(self, use: ThirdPartyUse) -> _Involvement | None:
        """Whether and how this contact will need the reason's third party (all drawn now)."""
        draw = self._draw_third_party
        needs, mode_u, on_time_u, resolves_u = draw(), draw(), draw(), draw()
        party = self._parties[use.party]
        work_s, late_s = party.draw_work(), party.draw_late()
        callback_s = party.draw_callback() if party.draw_callback else 0.0
        if needs >= use.probability:
            return None
        m = use.mode
        mode = (
            CONSULT
            if mode_u < m.consult
            else TRANSFER
            if mode_u < m.consult + m.transfer
            else CALLBACK
        )
        return _Involvement(
            party=party,
            mode=mode,
            on_time=on_time_u < party.spec.on_time_probability,
            late_s=late_s,
            resolves=resolves_u < party.spec.resolves,
            work_s=work_s,
            callback_s=callback_s,
        )

    def _on_arrival(self, ev: Event) -> None:
        now = self.env._now
        source = ev._value
        iid = self._new_issue(now, self._sources[source][0])
        if iid >= 0:
            self._reach(iid, NEW, 1, now)
        self._schedule_next_arrival(source)

    def _schedule_next_arrival(self, source: int) -> None:
        t = next(self._sources[source][1], None)
        if t is not None:
            self._at(t - self.env._now, self._on_arrival, source)

    def _on_redial(self, ev: Event) -> None:
        iid, attempt = ev._value
        self._reach(iid, REDIAL, attempt, self.env._now)

    def _on_repeat(self, ev: Event) -> None:
        iid, kind = ev._value
        if self.rec.issue_outcome[iid] == OPEN:  # a callback may have resolved it meanwhile
            self._reach(iid, kind, 1, self.env._now)
        else:
            self._in_contact[iid] = False

    def _on_retry(self, ev: Event) -> None:
        iid, kind, attempt, channel = ev._value
        if self.rec.issue_outcome[iid] == OPEN:
            self._reach(iid, kind, attempt, self.env._now, channel)
        else:
            self._in_contact[iid] = False

    def _reach(self, iid: int, kind: int, attempt: int, now: float, channel: int = -1) -> None:
        """A customer makes contact: offered, or refused while the channel is closed. The
        channel is the issue's latest (a redial stays on the phone), unless the reason's
        ``repeat.channel`` sends a repeat elsewhere."""
        if channel < 0:
            channel = self._issue_channel[iid]
            if kind in (REPEAT, MISSED_CALLBACK):
                cum = self._repeat_channel_cum[self.rec.issue_reason[iid]]
                if cum is not None:
                    channel = bisect_right(cum, self._draw_repeat_channel())
            self._issue_channel[iid] = channel
        clock = self._clocks[channel]
        if clock is None or (closed_for := clock.wait_until_open(now)) == 0:
            self._new_contact(iid, kind, attempt, now, channel)
            return
        rec = self.rec
        rec.refused_time.append(now)
        rec.refused_issue.append(iid)
        rec.refused_kind.append(kind)
        retries = self._draw_retry() < self._retry_p
        retry_at = now + closed_for + self._draw_retry_delay()
        if retries:
            self._in_contact[iid] = True
            if retry_at < self.horizon_s:
                self._at(retry_at - now, self._on_retry, (iid, kind, attempt, channel))
            else:  # a retry after the horizon is not simulated: the issue stays open
                rec.retries_after_horizon += 1
            return
        self._in_contact[iid] = False
        self._give_up_unless_pending(iid, now)

    # -- queue ------------------------------------------------------------------------
    def _queue_change(self, delta: int, now: float) -> None:
        """Keep the time integral of the queue length over [warm-up, horizon] (Little's law)."""
        lo = max(self._queue_since, self.warmup_s)
        hi = min(now, self.horizon_s)
        if hi > lo:
            self.rec.queue_area += self._waiting * (hi - lo)
        self._queue_since = now
        self._waiting += delta

    def _offer(self, cid: int, q: int, channel: int, now: float) -> None:
        agent = self._free_agent(q, channel)
        if agent >= 0:
            self._answer(cid, agent, now)
            return
        if channel == PHONE:
            self._queue_change(1, now)
        self._queues[q].append(cid)
        self._qwait[q] += 1
        patience = self._patience[cid]
        if patience != INF:
            self._at(patience, self._on_patience, (cid, q))

    def _free_agent(self, q: int, channel: int) -> int:
        """The agent who takes a new contact of queue ``q`` now, or -1. A chat goes to the
        least-loaded agent already chatting (keeping whole agents free for calls), else to
        the longest-idle agent among the groups with the skill and channel."""
        groups = self._eligible[q]
        if channel == CHAT and self._chat_k > 1:
            best, best_load = -1, self._chat_k
            load = self._agent_load
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
        since = self._idle_since
        best_group = None
        for g in groups:
            if g.idle and (best_group is None or since[g.idle[0]] < since[best_group.idle[0]]):
                best_group = g
        return best_group.idle.popleft() if best_group is not None else -1

    def _on_patience(self, ev: Event) -> None:
        cid, q = ev._value
        rec = self.rec
        if rec.outcome[cid] != WAITING:
            return  # answered in time: the timer is stale
        now = self.env._now
        self._qwait[q] -= 1
        phone = rec.channel[cid] == PHONE
        if phone:
            self._queue_change(-1, now)
        rec.outcome[cid] = ABANDONED
        rec.wait[cid] = now - rec.arrival[cid]
        iid = rec.issue[cid]
        delay = self._redial_delay[cid] if self._redial_p > 0 and phone else np.nan
        if delay != delay:  # NaN: no redial
            self._in_contact[iid] = False
            self._give_up_unless_pending(iid, now)
        elif now + delay < self.horizon_s:
            self._at(delay, self._on_redial, (iid, self._attempt[cid] + 1))
        else:  # the redial falls after the horizon: not simulated, the issue stays open
            rec.redials_after_horizon += 1

    def _oldest_queue(self, queues: list[int]) -> int:
        """Of ``queues``, the one whose first waiting contact arrived first (FCFS across the
        reasons of a channel), or -1; abandoned contacts at the heads are dropped on the way."""
        qwait, outcome = self._qwait, self.rec.outcome
        if len(queues) == 1:
            q = queues[0]
            if not qwait[q]:
                return -1
            queue = self._queues[q]
            while outcome[queue[0]] != WAITING:
                queue.popleft()
            return q
        arrival = self.rec.arrival
        best, best_t = -1, np.inf
        for q in queues:
            if qwait[q]:
                queue = self._queues[q]
                while outcome[queue[0]] != WAITING:
                    queue.popleft()
                if arrival[queue[0]] < best_t:
                    best, best_t = q, arrival[queue[0]]
        return best

    def _take_next(self, queues: list[int], channel: int, now: float) -> int:
        """Pop the longest-waiting contact of ``queues`` (all of one channel), or -1."""
        q = self._oldest_queue(queues)
        if q < 0:
            return -1
        self._qwait[q] -= 1
        if channel == PHONE:
            self._queue_change(-1, now)
        return self._queues[q].popleft()

    # -- agents -----------------------------------------------------------------------
    def _answer(self, cid: int, agent: int, now: float) -> None:
        rec = self.rec
        rec.outcome[cid] = ANSWERED
        rec.wait[cid] = now - rec.arrival[cid]
        rec.agent[cid] = agent
        if rec.channel[cid] == CHAT:
            load = self._agent_load[agent] + 1
            chatting = self._groups[self._agent_group[agent]].chatting
            if load < self._chat_k:
                chatting.add(agent)
            else:
                chatting.discard(agent)
            self._agent_load[agent] = load
        else:
            self._agent_load[agent] = self._chat_k
        self._at(rec.handle[cid], self._on_service_end, cid)

    def _on_service_end(self, ev: Event) -> None:
        cid = ev._value
        rec = self.rec
        now = self.env._now
        iid = rec.issue[cid]
        answered_before = rec.issue_answered[iid]
        rec.issue_answered[iid] = answered_before + 1
        self._in_contact[iid] = False
        if rec.issue_outcome[iid] == OPEN:
            self._after_contact(cid, iid, answered_before == 0, now)
        agent = rec.agent[cid]
        self._agent_load[agent] = self._agent_load[agent] - 1 if rec.channel[cid] == CHAT else 0
        self._agent_free(agent, now)

    # -- journeys ---------------------------------------------------------------------
    def _after_contact(self, cid: int, iid: int, first: bool, now: float) -> None:
        """An answered contact of an open issue ends: resolved, handed to a third party, or not."""
        involvement = self._involvement.get(cid)
        if involvement is not None and involvement.mode != CONSULT:
            self._start_job(cid, iid, involvement, now)
            return
        reason = self.rec.issue_reason[iid]
        p = self._fcr[reason] if first else self._later_fcr[reason]
        if p >= 1 or self._u_fcr[cid] < p:
            self._resolve(iid, now, first_contact=first)
            self.rec.resolved[cid] = True
        else:
            self._customer_next(cid, iid, now, REPEAT)

    def _resolve(self, iid: int, now: float, first_contact: bool) -> None:
        rec = self.rec
        rec.issue_outcome[iid] = RESOLVED
        rec.issue_end[iid] = now
        rec.issue_first_answer_resolved[iid] = first_contact

    def _customer_next(self, cid: int, iid: int, now: float, kind: int) -> None:
        """The issue is still unresolved after contact ``cid`` (or its third-party job): the
        customer contacts again, with the repeat decision drawn for ``cid``, or stops."""
        if self._in_contact[iid]:
            return  # a contact is already on its way; its end decides
        if cid not in self._repeat_used:
            self._repeat_used.add(cid)
            reason = self.rec.issue_reason[iid]
            if self._repeats[cid] and self._customer_contacts[iid] < self._max_contacts[reason]:
                self._in_contact[iid] = True
                delay = 0.0 if kind == MISSED_CALLBACK else self._repeat_delay[cid]
                if now + delay < self.horizon_s:
                    self._at(delay, self._on_repeat, (iid, kind))
                else:  # a repeat after the horizon is not simulated: the issue stays open
                    self.rec.repeats_after_horizon += 1
                return
        self._give_up_unless_pending(iid, now)

    def _give_up_unless_pending(self, iid: int, now: float) -> None:
        """The customer stops; the issue is lost unless a third-party job can still solve it."""
        if self._jobs_pending[iid] == 0:
            self.rec.issue_outcome[iid] = GAVE_UP
            self.rec.issue_end[iid] = now

    def _start_job(self, cid: int, iid: int, involvement: _Involvement, now: float) -> None:
        rec = self.rec
        party = involvement.party
        job = len(rec.job_issue)
        promised = involvement.mode == CALLBACK
        rec.job_issue.append(iid)
        rec.job_contact.append(cid)
        rec.job_party.append(party.index)
        rec.job_mode.append(involvement.mode)
        rec.job_created.append(now)
        rec.job_deadline.append(now + party.within_s if promised else np.nan)
        rec.job_started.append(np.nan)
        rec.job_done.append(np.nan)
        rec.job_status.append(JOB_PENDING)
        rec.job_missed.append(False)
        self._jobs_pending[iid] += 1
        if promised and now + party.within_s < self.horizon_s:
            self._at(party.within_s, self._on_deadline, job)
        at_once = not promised or involvement.on_time
        release = 0.0 if at_once else party.within_s + involvement.late_s
        self.env.process(self._work_job(job, involvement, release))

    def _work_job(
        self, job: int, involvement: _Involvement, release: float
    ) -> Generator[simpy.Event, object, None]:
        """The third party takes the job up (now, or late), waits for staff and its hours, and
        works it. Anything that would end after the horizon is not simulated (issue open)."""
        env, rec, party = self.env, self.rec, involvement.party
        iid = rec.job_issue[job]
        if release:
            if env.now + release >= self.horizon_s:
                rec.callbacks_after_horizon += 1
                return
            yield env.timeout(release)
        with party.staff.request() as request:
            yield request
            if rec.issue_outcome[iid] != OPEN:  # resolved meanwhile: no callback is made
                self._end_job(job, JOB_CANCELLED)
                return
            closed = party.clock.wait_until_open(env.now)
            if env.now + closed + involvement.work_s >= self.horizon_s:
                rec.callbacks_after_horizon += 1
                return
            if closed:
                yield env.timeout(closed)
            rec.job_started[job] = env.now
            yield env.timeout(involvement.work_s)
        if involvement.mode == CALLBACK and party.draw_callback is not None:
            self._queue_outbound((job, iid, involvement.callback_s))
        else:
            self._job_reached_customer(job, env.now, env.now)

    def _end_job(self, job: int, status: int) -> None:
        self.rec.job_status[job] = status
        self._jobs_pending[self.rec.job_issue[job]] -= 1

    def _job_reached_customer(self, job: int, reached: float, now: float) -> None:
        """A callback was made (or a transfer worked) at ``reached``; outcome at ``now``."""
        rec = self.rec
        iid = rec.job_issue[job]
        rec.job_done[job] = reached
        self._end_job(job, JOB_MADE)
        if rec.issue_outcome[iid] != OPEN:
            return
        if self._involvement[rec.job_contact[job]].resolves:
            self._resolve(iid, now, first_contact=False)
        else:
            self._customer_next(rec.job_contact[job], iid, now, REPEAT)

    def _on_deadline(self, ev: Event) -> None:
        """The promised callback time has passed: if none came, the customer calls again."""
        job = ev._value
        rec = self.rec
        iid = rec.job_issue[job]
        if rec.job_done[job] == rec.job_done[job] or rec.issue_outcome[iid] != OPEN:
            return  # made in time (not NaN), or nothing left to ask about
        rec.job_missed[job] = True
        self._customer_next(rec.job_contact[job], iid, self.env._now, MISSED_CALLBACK)

    def _queue_outbound(self, call: tuple[int, int, float]) -> None:
        """An outbound call (a callback, a proactive call): taken by an idle agent, else when
        one frees up and no inbound contact waits."""
        now = self.env._now
        idle = [g for g in self._groups if g.idle and PHONE in g.channels]
        if idle and now < self.horizon_s:
            group = min(idle, key=lambda g: self._idle_since[g.idle[0]])
            agent = group.idle.popleft()
            self._agent_load[agent] = self._chat_k
            self._start_outbound(call, agent, now)
        else:
            self._outbound.append(call)

    def _start_outbound(self, call: tuple[int, int, float], agent: int, now: float) -> None:
        rec = self.rec
        job, iid, duration = call
        if job >= 0:
            if rec.issue_outcome[iid] != OPEN:  # resolved meanwhile: no callback needed
                self._end_job(job, JOB_CANCELLED)
                self._agent_load[agent] = 0
                self._agent_free(agent, now)
                return
            rec.job_done[job] = now
        rec.outbound_job.append(job)
        rec.outbound_issue.append(iid)
        rec.outbound_agent.append(agent)
        rec.outbound_start.append(now)
        rec.outbound_end.append(now + duration)
        self._at(duration, self._on_outbound_end, (job, agent, now))

    def _on_outbound_end(self, ev: Event) -> None:
        job, agent, started = ev._value
        now = self.env._now
        if job >= 0:
            self._job_reached_customer(job, started, now)
        self._agent_load[agent] = 0
        self._agent_free(agent, now)

    # -- agents (continued) -----------------------------------------------------------
    def _agent_free(self, agent: int, now: float) -> None:
        """An agent (or a chat slot) comes free: the agent's channels in priority order, the
        oldest waiting contact of its skills first; outbound calls fill idle time before the
        horizon; otherwise the agent waits, longest-idle first."""
        g = self._groups[self._agent_group[agent]]
        if self._agent_load[agent]:  # still chatting: only more chats fit
            if g.leaving:
                g.chatting.discard(agent)  # let the chats run out, then leave
            else:
                self._take_chats(agent, g, now)
                if self._agent_load[agent] < self._chat_k:
                    g.chatting.add(agent)
            return
        if self._chat_k > 1:
            g.chatting.discard(agent)
        if g.leaving:
            g.leaving -= 1
            self._go_off_duty(agent, g, now)
            return
        if self._on_overtime and not self._overtime_needed(g, now):
            self._set_overtime(self._on_overtime - 1, now)
            self._go_off_duty(agent, g, now)
            return
        for channel, queues in g.routes:
            cid = self._take_next(queues, channel, now)
            if cid >= 0:
                self._answer(cid, agent, now)
                if channel == CHAT:
                    self._take_chats(agent, g, now)
                return
        if self._outbound and now < self.horizon_s and PHONE in g.channels:
            self._agent_load[agent] = self._chat_k
            self._start_outbound(self._outbound.popleft(), agent, now)
            return
        g.idle.append(agent)
        self._idle_since[agent] = now

    def _take_chats(self, agent: int, g: _Group, now: float) -> None:
        """Fill the agent's free chat slots from its chat queues."""
        while self._agent_load[agent] < self._chat_k:
            cid = self._take_next(g.chat_queues, CHAT, now)
            if cid < 0:
                return
            self._answer(cid, agent, now)

    def _overtime_needed(self, g: _Group, now: float) -> bool:
        """An agent on overtime stays for the next call only while the phone queue is long and
        that call ends within the overtime limit (known: handle times are drawn at arrival)."""
        if self._waiting <= self._overtime.queue_above:
            return False
        q = self._oldest_queue(g.queues[g.channels.index(PHONE)])
        return now + self.rec.handle[self._queues[q][0]] <= self._overtime_end

    def _set_overtime(self, n: int, now: float) -> None:
        self._on_overtime = n
        self.rec.overtime_time.append(now)
        self.rec.overtime_level.append(n)

    def _on_overtime_end(self, ev: Event) -> None:
        if ev._value == self._overtime_round and self._on_overtime:
            now = self.env._now
            self._set_overtime(0, now)
            g = self._groups[0]
            self._staff(g, g.planned, now)

    def _go_off_duty(self, agent: int, g: _Group, now: float) -> None:
        g.off_duty.append(agent)
        g.on_duty -= 1
        self._set_on_duty(self._on_duty - 1, now)

    def _set_on_duty(self, n: int, now: float) -> None:
        self._on_duty = n
        self.rec.duty_time.append(now)
        self.rec.duty_level.append(n)

    def _staff(self, g: _Group, target: int, now: float) -> None:
        """Bring group ``g`` to ``target`` agents on duty; busy agents finish first."""
        present = g.on_duty - g.leaving
        if target > present:
            stay = min(target - present, g.leaving)
            g.leaving -= stay
            for _ in range(target - present - stay):
                agent = g.off_duty.popleft() if g.off_duty else self._new_agent(g)
                g.on_duty += 1
                self._set_on_duty(self._on_duty + 1, now)
                self._agent_free(agent, now)
        elif target < present:
            drop = present - target
            while drop and g.idle:
                self._go_off_duty(g.idle.pop(), g, now)
                drop -= 1
            g.leaving += drop

    def _new_agent(self, g: _Group) -> int:
        self._agent_group.append(g.index)
        self._agent_load.append(0)
        self._idle_since.append(0.0)
        return len(self._agent_group) - 1

    def _on_staffing(self, ev: Event) -> None:
        """A staffing change of a group's plan; when it sends agents home while the phone queue
        is long, the overtime policy (single pool) keeps some of them on."""
        now, (g, target) = self.env._now, ev._value
        g.planned = target
        if self._on_overtime:  # a new plan replaces any overtime still running
            self._set_overtime(0, now)
        ot = self._overtime
        present = g.on_duty - g.leaving
        if ot is not None and target < present and self._waiting > ot.queue_above:
            extra = min(ot.max_agents, present - target)
            self._staff(g, target + extra, now)
            self._set_overtime(extra, now)
            self._overtime_end = now + ot.max_minutes * 60.0
            self._overtime_round += 1
            self._at(ot.max_minutes * 60.0, self._on_overtime_end, self._overtime_round)
        else:
            self._staff(g, target, now)

    # -- run --------------------------------------------------------------------------
    def run(self) -> Records:
        """Simulate to the horizon, then let agents on duty empty the queue (spec A3)."""
        self._set_on_duty(0, 0.0)
        h, holidays = self.scenario.horizon, self._clock.holidays
        for g in self._groups:
            starts, counts = staffing_steps(g.staffing, h, holidays)
            for start, count in zip(starts.tolist(), counts.tolist(), strict=True):
                if start == 0:
                    g.planned = count
                    self._staff(g, count, 0.0)
                else:
                    self._at(start, self._on_staffing, (g, count))
        for source in range(len(self._sources)):
            self._schedule_next_arrival(source)
        self.env.run(until=self.horizon_s)
        if self._on_duty:
            # Agents on duty at the horizon stay until the queue is empty (overtime ends:
            # draining the queue after the horizon is the spec's rule, not the policy's).
            for g in self._groups:
                g.leaving = 0
            self._overtime_round += 1
            if self._on_overtime:
                self._set_overtime(0, self.env._now)
            self.env.run()
        now = self.env._now
        self._queue_change(0, now)
        # Callbacks still waiting for an agent: agents make outbound calls only before the horizon.
        self.rec.callbacks_after_horizon += sum(job >= 0 for job, _, _ in self._outbound)
        self.rec.end_time = now
        self.rec.agent_group = self._agent_group
        self._cut_to_length()
        return self.rec


def simulate(scenario: Scenario, replication: int, seed: int | None = None) -> Records:
    """Run replication ``replication`` of ``scenario`` (seed: the scenario's unless given)."""
    return ContactCenter(scenario, replication, seed).run()
