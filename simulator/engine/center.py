"""The contact center as a SimPy model: issues, contacts, queues, agents and journeys.

Issues and their contacts on phone, chat and e-mail, the queues and agents that answer them, and the
customer journeys behind the contacts (patience, redial, FCR and repeat contacts, self-service,
third parties, proactive calls).

This module wires the collaborating parts and holds the hot chain of every contact, arrival ->
offer -> answer -> service end -> agent free, in a few short methods:

- :mod:`~simulator.engine.customers`: every random draw of an issue and a contact;
- :mod:`~simulator.engine.routing`: queues, groups, idle agents, which contact an agent takes;
- :mod:`~simulator.engine.roster`: agents on duty, shifts and overtime;
- :mod:`~simulator.engine.third_parties`: third-party jobs and outbound calls.

Why callbacks and not one SimPy process per contact: a process per caller (the textbook
``request | timeout`` pattern) costs several events and a generator per contact and runs
at about 40,000 contacts/s. Here SimPy is the event calendar: each happening (an arrival,
the end of a service, a patience deadline, a staffing change) is a timeout whose callback
does the work. Patience timers are set only for contacts that actually queue; a contact
answered before its deadline is left in place and its timer does nothing when it fires, so
abandonment times and redial times are exact. The parts' methods that the hot chain calls are
bound once, in ``__init__``, so a call costs no attribute lookup on the way.

Journeys: an issue stays open while something can still resolve it (a contact on its way,
a third-party job); it is *given up* only when the customer stops and nothing is pending.

SimPy internals (why ``simpy`` is pinned to ``>=4.1,<5`` in pyproject.toml): scheduling is the
engine's most frequent operation, so :func:`scheduler` writes SimPy 4's ``Event(env)`` +
``env.schedule(event, NORMAL, delay)`` out, and callbacks read what the public API would reach
through properties:

- ``Environment._queue`` (the heap of ``(time, priority, id, event)``), ``Environment._eid``
  (the counter that breaks ties in scheduling order) and ``Environment._now`` (the clock);
- ``Event.env``, ``Event.callbacks``, ``Event._ok`` and ``Event._value`` on an event of an
  ``Event`` subclass made with ``object.__new__`` (``Event.__init__`` skipped; ``env`` and ``_ok``
  are class attributes), and ``simpy.events.NORMAL``;
- ``Event._value`` and ``Environment._now`` read in the callbacks (``ev.value``/``env.now`` are
  properties, a call each).
- ``Environment.step`` leaves an event alone after its callbacks ran (it only reads ``_ok``), so
  ``_on_arrival`` pushes its own event back on the heap for the source's next arrival: one
  object fewer per contact, about 9% of the engine's time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, MutableSequence, Sequence
from heapq import heappush

import numpy as np
import simpy
from simpy.events import NORMAL, Event

from simulator.engine import timeline
from simulator.engine.arrivals import arrival_times
from simulator.engine.calendar import Calendar
from simulator.engine.customers import Customers
from simulator.engine.drivers import driver_arrivals
from simulator.engine.escalation import LEG, Escalations, Overflows
from simulator.engine.people import People
from simulator.engine.pressure import Pressure
from simulator.engine.records import (
    ABANDONED,
    ANSWERED,
    CONSULT,
    DEFLECTED,
    GAVE_UP,
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
    SELF_SERVICE_SUCCESS,
    WAITING,
    Records,
)
from simulator.engine.roster import Roster
from simulator.engine.routing import CHAT, PHONE, Group, Routing
from simulator.engine.streams import Streams
from simulator.engine.third_parties import ThirdParties
from simulator.scenario.models import Scenario

_new_event = object.__new__
INF = float("inf")
_CHUNK = 4096


def scheduler(env: simpy.Environment) -> Callable[[float, Callable[[Event], None], object], None]:
    """Return ``at(delay, callback, value)``, which calls ``callback(event)`` after ``delay``.

    The event carries ``value`` as ``event._value``.

    This is ``Event(env)`` + ``env.schedule(event, NORMAL, delay)`` written out as a closure: it
    runs once per happening, and the two calls were a fifth of the engine's time.
    """
    queue, eid = env._queue, env._eid
    # What every happening shares is set once, on the class: two stores fewer per event.
    happening = type("Happening", (Event,), {"env": env, "_ok": True})

    def at(delay: float, callback: Callable[[Event], None], value: object) -> None:
        ev = _new_event(happening)
        ev.callbacks = [callback]
        ev._value = value
        heappush(queue, (env._now + delay, NORMAL, next(eid), ev))

    return at


def _chunks(*defaults: tuple[MutableSequence, object]) -> list[tuple[MutableSequence, Sequence]]:
    """Each column with ``_CHUNK`` copies of its default, in the column's own type.

    A typed array extends from an array of its type by copying bytes; from a list it would convert
    every item.
    """
    chunks = []
    for column, default in defaults:
        chunk = column[:0]  # empty, of the column's type
        chunk.append(default)
        chunks.append((column, chunk * _CHUNK))
    return chunks


class ContactCenter:
    """One replication of a scenario on its own SimPy environment and random streams."""

    def __init__(self, scenario: Scenario, replication: int, seed: int | None = None) -> None:
        self.scenario = scenario
        self.seed = scenario.seed if seed is None else seed
        self.env = env = simpy.Environment()
        self.rec = rec = Records(replication=replication)
        self.horizon_s = scenario.horizon.horizon_s
        streams = Streams(self.seed, replication)
        self._at = at = scheduler(env)

        self.routing = routing = Routing(scenario, rec)
        self.roster = roster = Roster(scenario, routing, rec, at, self._agent_free, streams)
        self.third_parties = parties = ThirdParties(
            scenario, env, rec, routing, at, self._resolve, self._customer_next, self._agent_free
        )
        self.customers = customers = Customers(scenario, streams, rec, parties.parties)
        # Agents as people (spec D10): who answers scales the handle time and shifts the FCR;
        # bound below only when a scenario says so (otherwise nothing on the hot chain changes).
        self.people = people = People(
            scenario,
            routing,
            rec,
            customers.involvement,
            customers.fcr,
            customers.later_fcr,
            streams,
            at,
        )
        if people.learners:
            roster.on_hire = people.hire

        # The hot chain's collaborators, bound once.
        self._n_reasons = routing.n_reasons
        self._queues = routing.queues
        self._qwait = routing.qwait
        self._groups = routing.groups
        self._agent_group = routing.agent_group
        self._agent_load = routing.agent_load
        self._idle_since = routing.idle_since
        self._chat_k = routing.chat_k
        self._answer_chat = routing.chat_slots.answer
        self._free_agent = routing.free_agent
        self._sole_idle = routing.sole_idle
        self._take_next = routing.take_next
        self._queue_change = routing.queue_change
        self._go_off_duty = roster.go_off_duty
        self._overtime_needed = roster.overtime_needed
        self._set_overtime = roster.set_overtime
        # A proactive driver needs its issues known before their moment (see _plan_ahead); only
        # then can a queued outbound call be one to drop.
        self._ahead = any(d.kind == "proactive_outbound" for d in scenario.drivers)
        self._outbound = parties.outbound
        self._next_outbound = parties.next_outbound if self._ahead else parties.outbound.popleft
        self._start_outbound = parties.start_outbound
        self._queue_outbound = parties.queue_outbound
        self._start_job = parties.hand_over
        self._jobs_pending = parties.jobs_pending
        self._draw_reason = customers.reason
        self._draw_channel = customers.channel
        self._draw_self_service = customers.self_service
        self._draw_proactive = customers.proactive
        self._draw_contact = customers.contact
        self._deflection = customers.deflection
        self._involvement = customers.involvement
        self._fcr = customers.fcr
        self._later_fcr = customers.later_fcr
        self._u_fcr = customers.u_fcr
        self._need_fcr = customers.need_fcr
        # whether an answered contact can end without resolving its issue (the resolution is
        # written out in _on_service_end: it runs for every answered contact)
        self._may_leave_open = customers.need_fcr or any(r.third_party for r in scenario.reasons)
        # Callbacks scheduled once per contact, bound once (``self._on_x`` makes a new bound
        # method at every lookup).
        self._on_arrival = self._on_arrival
        # An arrival's event is scheduled again for the source's next arrival (``_on_arrival``):
        # SimPy 4's ``step`` does not touch an event after its callbacks ran but to read ``_ok``.
        self._arrival_callbacks = [self._on_arrival]
        self._heap, self._eid = env._queue, env._eid
        self._on_patience = self._on_patience
        self._on_service_end = self._on_service_end
        # Escalation (spec D4): a call that escalates ends its first leg in a second queue
        # (engine/escalation.py); bound once, so scenarios without it are unchanged.
        self._legs: Escalations | None = None
        if customers.escalates:
            self._legs = Escalations(scenario, routing, rec)
            self._escalating = customers.escalation
            self._take_next = self._legs.wrap(self._take_next)
            self._on_leg_end = self._on_leg_end
            self._on_leg_patience = self._on_leg_patience
            self._on_service_end = self._on_first_leg_end
        if customers.consults:  # a consult contact's first end is its talk's (see _on_talk_end)
            self._consult = parties.consult
            self._end_service = self._on_service_end
            self._on_service_end = self._on_talk_end
        routing.chat_slots.connect(at, rec.handle, self._on_service_end)
        if people.scales_handle or people.watches:
            self._answer_as_drawn = self._answer
            self._answer = self._answer_by_agent
        # Behaviour under load (reasons[].under_pressure): handle time scaled at answer, FCR
        # lists swapped at each interval's end (engine/pressure.py); bound only when used.
        self.pressure: Pressure | None = None
        if any(r.under_pressure is not None for r in scenario.reasons):
            self.pressure = Pressure(scenario, routing, rec.handle, self._set_fcr)
            self._answer_unpressed = self._answer
            self._answer = self._answer_under_pressure
            if people.shifts_fcr:  # the agent's FCR (spec D10), then the pressure's drop
                people.resolution = self.pressure.lowering(people.resolution)
        if self._legs is not None:  # a free agent may take a leg from a second queue
            self._answer_contact = self._answer
            self._answer = self._answer_or_leg
        if people.shifts_fcr and self._may_leave_open:
            self._leaves_open_as_drawn = self._leaves_open
            self._leaves_open = self._leaves_open_by_agent
        # The center's callback offer (spec D5): a call that would queue may take a callback
        # instead (bound once: without offers a call queues as before).
        self._offers = routing.callback_offers
        if self._offers is not None:
            self._enqueue = self._enqueue_offering
        # Overflow (reasons[].overflow): a call that waited long may go to a second group too
        # (engine/escalation.py; bound once, only when some reason overflows).
        self._overflows: Overflows | None = None
        if any(r.overflow is not None for r in scenario.reasons):
            self._overflows = Overflows(scenario, routing)
            self._take_next = self._overflows.wrap(self._take_next)
            self._enqueue_here = self._enqueue
            self._enqueue = self._enqueue_overflowing
            self._on_overflow = self._on_overflow

        # Columns whose value at creation is a default are grown in chunks and cut to length at
        # the end, so that creating an issue or a contact appends only what it must draw.
        self._contact_columns = _chunks(
            (rec.wait, 0.0),
            (rec.outcome, WAITING),
            (rec.agent, -1),
            (rec.third_party, NO_THIRD_PARTY),
            (rec.hold, 0.0),
            (rec.resolved, False),
        )
        self._contact_room = 0
        # per issue
        self._in_contact: list[bool] = []  # a contact of the customer is on its way
        self._issue_channel: list[int] = []  # channel of the issue's latest contact
        self._customer_contacts: list[int] = []  # towards repeat.max_contacts
        self._issue_columns = _chunks(
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
        )
        self._issue_room = 0

        # Calendar: a call or chat that finds its channel closed is refused (counted) and the
        # customer tries again after opening, or gives up; a repeat moves into the next open
        # period (``repeat.timing``). E-mail is received at any hour.
        self._clock = timeline.clock(scenario)
        self._clocks: list[Calendar | None] = timeline.channel_clocks(scenario)

        # Arrival sources: the everyday rate (reason drawn by share) and each demand driver
        # (reason fixed), each an iterator of times on its own stream.
        starts, rates = timeline.arrival_steps(scenario)
        self._in_open_period = timeline.OpenPeriodMoments(starts, rates, self.horizon_s).moment
        self._sources: list[tuple[int, Iterator[float]]] = [
            (-1, arrival_times(streams, starts, rates, self.horizon_s))
        ]
        self._sources += [
            (reason, iter(times.tolist()))
            for reason, times in driver_arrivals(scenario, streams, starts, rates)
        ]

    @staticmethod
    def _grow(columns: list[tuple[MutableSequence, Sequence]]) -> None:
        for column, chunk in columns:
            column.extend(chunk)

    def _cut_to_length(self) -> None:
        """Drop the unused tail of the chunk-grown columns."""
        for columns, n in (
            (self._contact_columns, len(self.rec.arrival)),
            (self._issue_columns, len(self.rec.issue_start)),
        ):
            for column, _ in columns:
                del column[n:]

    # -- issues and contacts ------------------------------------------------------------
    def _deflected(self, iid: int, reason: int, now: float) -> bool:
        """Self-service before the first contact: did it resolve the issue?"""
        return self._self_served(iid, self._draw_self_service[reason](), now)

    def _self_served(self, iid: int, self_service: int, now: float) -> bool:
        rec = self.rec
        if self_service:
            rec.issue_self_service[iid] = self_service
        if self_service == SELF_SERVICE_SUCCESS:
            rec.issue_outcome[iid] = DEFLECTED
            rec.issue_end[iid] = now
            return True
        return False

    def _on_arrival(self, ev: Event) -> None:
        """A new issue (its reason drawn by share unless the source fixes it) and its first contact.

        The contact is prevented when self-service deflects the issue. (With a proactive driver
        issues are made by :meth:`_plan_ahead` instead.)
        """
        now = self.env._now
        source = ev._value
        reason, times = self._sources[source]
        rec = self.rec
        iid = len(rec.issue_start)
        if iid == self._issue_room:
            self._grow(self._issue_columns)
            self._issue_room += _CHUNK
        if reason < 0:
            reason = self._draw_reason()
        rec.issue_start.append(now)
        rec.issue_reason.append(reason)
        self._issue_channel[iid] = channel = self._draw_channel()
        if not (self._deflection and self._deflected(iid, reason, now)):
            self._reach(iid, NEW, 1, now, channel)
        t = next(times, None)
        if t is not None:  # the same event again, for the next arrival: no new object
            ev.callbacks = self._arrival_callbacks
            heappush(self._heap, (t, NORMAL, next(self._eid), ev))

    # -- proactive outbound: issues known before their moment (spec D7) --------------------
    def _plan_ahead(self) -> None:
        """Make every issue at the start, in the order of its moment; schedule moments and calls.

        An issue's *moment* is when its customer would contact us: the arrival it has without
        the driver. The issues are made in that order with the draws :meth:`_on_arrival` makes,
        so each gets the same numbers as without lookahead (the issue draws have streams of
        their own). A called issue's call is queued ``lead_time`` before its moment (not before
        the start; none with a lead time of 0); :meth:`_on_moment` lets the customer act.
        """
        rec = self.rec
        times = [np.fromiter(it, float) for _, it in self._sources]
        which = np.repeat(np.arange(len(times)), [len(t) for t in times])
        order = np.argsort(np.concatenate(times), kind="stable")
        moments = np.concatenate(times)[order].tolist()
        planned: list[int] = []  # per issue: its self-service draw
        learn: list[tuple[float, int, float]] = []  # (when the center learns, issue, duration)
        proactive = self.third_parties.proactive
        for iid, (moment, source) in enumerate(zip(moments, which[order].tolist(), strict=True)):
            if iid == self._issue_room:
                self._grow(self._issue_columns)
                self._issue_room += _CHUNK
            reason = self._sources[source][0]
            if reason < 0:
                reason = self._draw_reason()
            rec.issue_start.append(moment)
            rec.issue_reason.append(reason)
            self._issue_channel[iid] = self._draw_channel()
            planned.append(self._draw_self_service[reason]())
            intent, duration, lead = self._draw_proactive[reason]()
            if intent != NOT_CALLED and lead > 0:
                proactive[iid] = (moment, intent == PREVENTED)
                learn.append((max(moment - lead, 0.0), iid, duration))
        learn.sort()
        self._moments, self._planned, self._learn = moments, planned, learn
        if moments:
            self._at(moments[0], self._on_moment, 0)
        if learn:
            self._at(learn[0][0], self._on_learn, 0)

    def _on_learn(self, ev: Event) -> None:
        """The center learns of a called issue and queues its proactive call."""
        k = ev._value
        _, iid, duration = self._learn[k]
        self._queue_outbound((-1, iid, duration))
        if k + 1 < len(self._learn):
            self._at(self._learn[k + 1][0] - self.env._now, self._on_learn, k + 1)

    def _on_moment(self, ev: Event) -> None:
        """The customer of issue ``iid`` would contact us now.

        Not when a call made before now prevents it (the issue is deflected when the call
        ends); otherwise a call still queued is dropped and the customer goes on as without the
        driver: self-service, then the first contact.
        """
        iid = ev._value
        now = self.env._now
        if iid + 1 < len(self._moments):
            self._at(self._moments[iid + 1] - now, self._on_moment, iid + 1)
        if self.rec.issue_proactive[iid] != NOT_CALLED and self.third_parties.proactive[iid][1]:
            return
        if not self._self_served(iid, self._planned[iid], now):
            self._reach(iid, NEW, 1, now, self._issue_channel[iid])

    def _schedule_next_arrival(self, source: int) -> None:
        """Schedule the first arrival of ``source``.

        ``_on_arrival`` schedules the next ones itself: one call fewer per contact.
        """
        t = next(self._sources[source][1], None)
        if t is not None:
            self._at(t - self.env._now, self._on_arrival, source)

    def _on_redial(self, ev: Event) -> None:
        iid, attempt = ev._value
        self._reach(iid, REDIAL, attempt, self.env._now)

    def _on_repeat(self, ev: Event) -> None:
        """A repeat or missed-callback moment: the customer contacts us on the repeat's channel.

        The channel is drawn by the reason's ``repeat.channel`` (else the issue's latest). If it is
        closed and the reason's ``repeat.timing`` is ``profile``, the contact moves into the
        channel's next open period (placed by the arrival profile); otherwise it is refused.
        """
        iid, kind = ev._value
        customers = self.customers
        u = customers.repeat_timing()  # one draw per moment, used or not
        rec = self.rec
        if rec.issue_outcome[iid] != OPEN:  # a callback may have resolved it meanwhile
            self._in_contact[iid] = False
            return
        now = self.env._now
        reason = rec.issue_reason[iid]
        self._issue_channel[iid] = channel = customers.repeat_channel(
            reason, self._issue_channel[iid]
        )
        clock = self._clocks[channel]
        if clock is not None and customers.in_hours[reason] and clock.wait_until_open(now):
            moment = self._in_open_period(clock, now, u)
            if moment < self.horizon_s:
                self._at(moment - now, self._on_retry, (iid, kind, 1, channel))
            else:  # moved past the horizon: not simulated, the issue stays open
                rec.repeats_after_horizon += 1
            return
        self._reach(iid, kind, 1, now, channel)

    def _on_retry(self, ev: Event) -> None:
        iid, kind, attempt, channel = ev._value
        if self.rec.issue_outcome[iid] == OPEN:
            self._reach(iid, kind, attempt, self.env._now, channel)
        else:
            self._in_contact[iid] = False

    def _reach(self, iid: int, kind: int, attempt: int, now: float, channel: int = -1) -> None:
        """A customer makes contact: refused while the channel is closed, else created and offered.

        The channel is the issue's latest unless given (a redial stays on the phone; a repeat's
        is drawn in ``_on_repeat``). A new contact gets all its random attributes at once, then
        an agent or a place in its queue.
        """
        if channel < 0:
            channel = self._issue_channel[iid]
        clock = self._clocks[channel]
        if clock is not None and (closed_for := clock.wait_until_open(now)) != 0:
            self._refuse(iid, kind, attempt, now, channel, closed_for)
            return
        rec = self.rec
        cid = len(rec.arrival)
        if cid == self._contact_room:
            self._grow(self._contact_columns)
            self._contact_room += _CHUNK
        reason = rec.issue_reason[iid]
        rec.issue.append(iid)
        rec.kind.append(kind)
        rec.channel.append(channel)
        rec.arrival.append(now)
        rec.handle.append(self._draw_contact(cid, iid, reason, channel, attempt))
        self._in_contact[iid] = True
        if kind != REDIAL:
            self._customer_contacts[iid] += 1
        q = channel * self._n_reasons + reason
        # When one group answers the queue with whole agents, its longest idle agent, without a call
        idle = self._sole_idle[q]
        agent = self._free_agent(q, channel) if idle is None else idle.popleft() if idle else -1
        if agent >= 0:
            self._answer(cid, agent, channel, now)
        else:
            self._enqueue(cid, q, channel, now)

    def _refuse(
        self, iid: int, kind: int, attempt: int, now: float, channel: int, closed_for: float
    ) -> None:
        """The channel is closed: the customer tries again after it opens, or gives up."""
        rec = self.rec
        rec.refused_time.append(now)
        rec.refused_issue.append(iid)
        rec.refused_kind.append(kind)
        retries, delay = self.customers.closed_retry()
        if retries:
            self._in_contact[iid] = True
            retry_at = now + closed_for + delay
            if retry_at < self.horizon_s:
                self._at(retry_at - now, self._on_retry, (iid, kind, attempt, channel))
            else:  # a retry after the horizon is not simulated: the issue stays open
                rec.retries_after_horizon += 1
            return
        self._in_contact[iid] = False
        self._give_up_unless_pending(iid, now)

    # -- the hot chain: queue, answer, service end, agent free ---------------------------
    def _enqueue(self, cid: int, q: int, channel: int, now: float) -> None:
        """No agent is free for the new contact: it waits in queue ``q`` until its patience ends."""
        if channel == PHONE:
            self._queue_change(1, now)
        self._queues[q].append(cid)
        self._qwait[q] += 1
        self.routing.queued += 1
        patience = self.customers.patience  # drawn for this contact a moment ago
        if patience != INF:
            self._at(patience, self._on_patience, (cid, q))

    def _enqueue_offering(self, cid: int, q: int, channel: int, now: float) -> None:
        """:meth:`_enqueue` with the callback offer (spec D5).

        A caller who takes it keeps the place in queue ``q`` but leaves the line: no patience
        timer, so it never abandons; the agent who takes it calls back.
        """
        offers = self._offers
        if channel == PHONE and offers.offer(cid, q % self._n_reasons, self.customers.accepts, now):
            self._queue_change(1, now)
            self._queues[q].append(cid)
            self._qwait[q] += 1
            self.routing.queued += 1
        else:
            ContactCenter._enqueue(self, cid, q, channel, now)

    def _enqueue_overflowing(self, cid: int, q: int, channel: int, now: float) -> None:
        """:meth:`_enqueue`, and a call of a reason that overflows gets its overflow moment."""
        self._enqueue_here(cid, q, channel, now)
        rule = self._overflows.rule[q % self._n_reasons] if channel == PHONE else None
        if rule is not None:
            self._at(rule[0], self._on_overflow, (cid, q))

    def _on_overflow(self, ev: Event) -> None:
        """A call has waited its reason's ``overflow.after_s``: an idle agent of ``to`` takes it.

        Otherwise it stays in its queue, where a free agent of either group may take it.
        """
        cid, q = ev._value
        rec = self.rec
        if rec.outcome[cid] != WAITING:
            return
        g = self._overflows.rule[q % self._n_reasons][1]
        if not g.idle:
            return
        now = self.env._now
        self._qwait[q] -= 1
        self.routing.queued -= 1
        self._queue_change(-1, now)
        if self._offers is not None and cid in self._offers.held:
            self._offers.held.remove(cid)
            self._offers.on_hold -= 1
        rec.wait[cid] = now - rec.arrival[cid]
        self._answer(cid, g.idle.popleft(), PHONE, now)

    def _on_patience(self, ev: Event) -> None:
        cid, q = ev._value
        rec = self.rec
        if rec.outcome[cid] != WAITING:
            return  # answered in time: the timer is stale
        now = self.env._now
        self._qwait[q] -= 1
        self.routing.queued -= 1
        phone = rec.channel[cid] == PHONE
        if phone:
            self._queue_change(-1, now)
        rec.outcome[cid] = ABANDONED
        rec.wait[cid] = now - rec.arrival[cid]
        iid = rec.issue[cid]
        customers = self.customers
        delay = customers.redial_delay[cid] if customers.redials and phone else np.nan
        if delay != delay:  # NaN: no redial
            self._in_contact[iid] = False
            self._give_up_unless_pending(iid, now)
        elif now + delay < self.horizon_s:
            self._at(delay, self._on_redial, (iid, customers.attempt[cid] + 1))
        else:  # the redial falls after the horizon: not simulated, the issue stays open
            rec.redials_after_horizon += 1

    def _answer(self, cid: int, agent: int, channel: int, now: float) -> None:
        rec = self.rec
        rec.outcome[cid] = ANSWERED
        rec.agent[cid] = agent
        if channel == CHAT:  # a chat slot; the chat's end is the slots' to schedule
            self._answer_chat(cid, agent, now)
        else:  # a call or an e-mail takes the agent whole
            self._agent_load[agent] = self._chat_k
            self._at(rec.handle[cid], self._on_service_end, cid)

    def _answer_under_pressure(self, cid: int, agent: int, channel: int, now: float) -> None:
        """:meth:`_answer` with the handle time as the pressure of the moment has it."""
        self.pressure.scale(cid, self.rec.issue_reason[self.rec.issue[cid]])
        self._answer_unpressed(cid, agent, channel, now)

    def _set_fcr(self, fcr: list[float], later_fcr: list[float]) -> None:
        """The FCR per reason from now on (first answered contact, later ones)."""
        self._fcr, self._later_fcr = fcr, later_fcr

    def _answer_by_agent(self, cid: int, agent: int, channel: int, now: float) -> None:
        """:meth:`_answer` with the handle time of the agent who answers (spec D10)."""
        self.people.answer(cid, agent, self.rec.issue_reason[self.rec.issue[cid]], now)
        self._answer_as_drawn(cid, agent, channel, now)

    def _on_service_end(self, ev: Event) -> None:
        cid = ev._value
        rec = self.rec
        now = self.env._now
        iid = rec.issue[cid]
        answered_before = rec.issue_answered[iid]
        rec.issue_answered[iid] = answered_before + 1
        self._in_contact[iid] = False
        if rec.issue_outcome[iid] == OPEN:
            first = answered_before == 0
            if not (self._may_leave_open and self._leaves_open(cid, iid, first, now)):
                rec.issue_outcome[iid] = RESOLVED
                rec.issue_end[iid] = now
                rec.issue_first_answer_resolved[iid] = first
                rec.resolved[cid] = True
        agent = rec.agent[cid]
        # one chat slot comes free, or the whole agent (with one chat slot, both mean load 0)
        self._agent_load[agent] = self._agent_load[agent] - 1 if rec.channel[cid] == CHAT else 0
        self._agent_free(agent, now)

    def _agent_free(self, agent: int, now: float) -> None:
        """An agent (or a chat slot) comes free and takes the next piece of work, if any.

        The agent's channels are tried in priority order, the oldest waiting contact of its skills
        first; outbound calls fill idle time before the horizon; otherwise the agent waits,
        longest-idle first.
        """
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
        if (g.leaving or g.overtime) and self._leaves(agent, g, now):
            return
        if self.routing.queued:  # most agents who free up find nobody waiting anywhere
            for channel, queues in g.routes:
                cid = self._take_next(queues, channel, now)
                if cid >= 0:
                    self._answer(cid, agent, channel, now)
                    if channel == CHAT:
                        self._take_chats(agent, g, now)
                    return
        if self._outbound and now < self.horizon_s and PHONE in g.channels:
            call = self._next_outbound()
            if call is not None:
                self._start_outbound(call, agent, now)
                return
        g.idle.append(agent)
        self._idle_since[agent] = now

    def _leaves(self, agent: int, g: Group, now: float) -> bool:
        """The freed agent goes off duty if its group has too many (a shift ends, overtime)."""
        if g.leaving:
            g.leaving -= 1
            self._go_off_duty(agent, g, now)
            return True
        if g.overtime and not self._overtime_needed(g, now):
            self._set_overtime(g, g.overtime - 1, now)
            self._go_off_duty(agent, g, now)
            return True
        return False

    def _take_chats(self, agent: int, g: Group, now: float) -> None:
        """Fill the agent's free chat slots from its chat queues."""
        while self._agent_load[agent] < self._chat_k:
            cid = self._take_next(g.chat_queues, CHAT, now)
            if cid < 0:
                return
            self._answer(cid, agent, CHAT, now)

    # -- escalation to a second group (spec D4) ------------------------------------------
    def _on_first_leg_end(self, ev: Event) -> None:
        """A call's first leg ends: an escalating call goes on to its second queue.

        It is answered (and counted so) but not resolved: a leg is on its way. Cold, the first
        agent is free now; warm, only when the second agent answers (or the caller, or the first
        agent with the caller, gives up when the leg's patience runs out).
        """
        cid = ev._value
        leg = self._escalating.pop(cid, None)
        rec = self.rec
        iid = rec.issue[cid]
        if leg is None or rec.issue_outcome[iid] != OPEN:
            ContactCenter._on_service_end(self, ev)
            return
        now = self.env._now
        answered_before = rec.issue_answered[iid]
        rec.issue_answered[iid] = answered_before + 1
        legs = self._legs
        handle, patience = leg
        reason = rec.issue_reason[iid]
        g = legs.group[reason]
        lid = legs.add(cid, now, handle, answered_before == 0)
        agent = rec.agent[cid]
        warm = legs.warm[reason]
        if warm:
            legs.holding[lid] = (agent, now)
        if g.idle:
            self._answer_leg(lid, g.idle.popleft(), now)
        else:
            legs.enqueue(lid, g.index)
            if patience != INF:
                self._at(patience, self._on_leg_patience, lid)
        if not warm:
            self._agent_load[agent] = 0
            self._agent_free(agent, now)

    def _answer_or_leg(self, cid: int, agent: int, channel: int, now: float) -> None:
        if channel == LEG:
            self._answer_leg(cid, agent, now)
        else:
            self._answer_contact(cid, agent, channel, now)

    def _answer_leg(self, lid: int, agent: int, now: float) -> None:
        """An agent of the second group answers leg ``lid``; a warm first agent is free now."""
        rec = self.rec
        rec.leg_outcome[lid] = ANSWERED
        rec.leg_agent[lid] = agent
        reason = rec.issue_reason[rec.issue[rec.leg_contact[lid]]]
        if self.people.scales_handle:  # spec D10: the second group's factor (not a learner's curve)
            rec.leg_handle[lid] *= self.people.factor[self._agent_group[agent]][reason]
        if self.pressure is not None and self.pressure.pressed[reason]:
            rec.leg_handle[lid] *= self.pressure.factor[reason]
        self._agent_load[agent] = self._chat_k
        self._at(rec.leg_handle[lid], self._on_leg_end, lid)
        if self._legs.holding:
            self._release_first(lid, now)

    def _release_first(self, lid: int, now: float) -> None:
        """A warm transfer's first agent leaves the caller: the hold is part of its handle time."""
        held = self._legs.holding.pop(lid, None)
        if held is not None:
            agent, since = held
            self.rec.handle[self.rec.leg_contact[lid]] += now - since
            self._agent_load[agent] = 0
            self._agent_free(agent, now)

    def _on_leg_patience(self, ev: Event) -> None:
        """The caller hangs up in the second queue: answered, unresolved (the repeat rule)."""
        lid = ev._value
        rec = self.rec
        if rec.leg_outcome[lid] != WAITING:
            return
        now = self.env._now
        rec.leg_outcome[lid] = ABANDONED
        rec.leg_wait[lid] = now - rec.leg_queued[lid]
        cid = rec.leg_contact[lid]
        iid = rec.issue[cid]
        legs = self._legs
        legs.leave(lid, legs.group[rec.issue_reason[iid]].index)
        if legs.holding:
            self._release_first(lid, now)
        self._in_contact[iid] = False
        if rec.issue_outcome[iid] == OPEN:
            self._customer_next(cid, iid, now, REPEAT)

    def _on_leg_end(self, ev: Event) -> None:
        """The second leg ends: the issue resolved (``escalation.fcr``), or the customer decides."""
        lid = ev._value
        rec = self.rec
        now = self.env._now
        cid = rec.leg_contact[lid]
        iid = rec.issue[cid]
        agent = rec.leg_agent[lid]
        self._in_contact[iid] = False
        if rec.issue_outcome[iid] == OPEN:
            reason = rec.issue_reason[iid]
            first = self._legs.first[lid]
            p = self._legs.fcr[reason][0 if first else 1]
            if self.people.shifts_fcr:  # spec D10: the FCR shift of the second agent's group
                p = min(1.0, max(0.0, p + self.people.plus[self._agent_group[agent]][reason]))
            if self.pressure is not None and self.pressure.pressed[reason]:
                p = max(0.0, p - self.pressure.spec[reason].fcr_drop)
            if p >= 1 or (p > 0 and self._u_fcr[cid] < p):
                rec.issue_outcome[iid] = RESOLVED
                rec.issue_end[iid] = now
                rec.issue_first_answer_resolved[iid] = first
                rec.resolved[cid] = True
                rec.leg_resolved[lid] = True
            else:
                self._customer_next(cid, iid, now, REPEAT)
        self._agent_load[agent] = 0
        self._agent_free(agent, now)

    # -- journeys ---------------------------------------------------------------------
    def _on_talk_end(self, ev: Event) -> None:
        """With consults: a contact's talk ends; a consult contact's consult begins.

        The consult (third_parties) ends the service after the wrap-up; any other contact's
        service ends now.
        """
        involvement = self._involvement.get(ev._value)
        if involvement is not None and involvement.mode == CONSULT:
            self._consult(ev._value, involvement, self._end_service)
        else:
            self._end_service(ev)

    def _leaves_open(self, cid: int, iid: int, first: bool, now: float) -> bool:
        """Whether an answered contact of an open issue ends without resolving it.

        It does when it hands the issue to a third party or fails first-contact resolution
        (then the customer decides what next); otherwise the caller resolves the issue.
        """
        if self._involvement:  # any contact needed a third party (empty: none can)
            involvement = self._involvement.get(cid)
            if involvement is not None and involvement.mode != CONSULT:
                self._start_job(cid, iid, involvement, now)
                return True
        if self._need_fcr:
            reason = self.rec.issue_reason[iid]
            p = self._fcr[reason] if first else self._later_fcr[reason]
            if p < 1 and self._u_fcr[cid] >= p:
                self._customer_next(cid, iid, now, REPEAT)
                return True
        return False

    def _leaves_open_by_agent(self, cid: int, iid: int, first: bool, now: float) -> bool:
        """:meth:`_leaves_open` with the FCR of the agent who answered ``cid`` (spec D10)."""
        self._fcr, self._later_fcr = self.people.resolution(cid, self.rec.agent[cid])
        return self._leaves_open_as_drawn(cid, iid, first, now)

    def _resolve(self, iid: int, now: float, first_contact: bool) -> None:
        rec = self.rec
        rec.issue_outcome[iid] = RESOLVED
        rec.issue_end[iid] = now
        rec.issue_first_answer_resolved[iid] = first_contact

    def _customer_next(self, cid: int, iid: int, now: float, kind: int, grace: float = 0.0) -> None:
        """The issue is still unresolved after contact ``cid`` (or its third-party job).

        The customer contacts again, with the repeat decision drawn for ``cid``, or stops: a
        repeat after the contact's repeat delay, a missed-callback contact after ``grace``.
        """
        if self._in_contact[iid]:
            return  # a contact is already on its way; its end decides
        customers = self.customers
        if cid not in customers.repeat_used:
            customers.repeat_used.add(cid)
            reason = self.rec.issue_reason[iid]
            if (
                customers.repeats[cid]
                and self._customer_contacts[iid] < customers.max_contacts[reason]
            ):
                self._in_contact[iid] = True
                delay = grace if kind == MISSED_CALLBACK else customers.repeat_delay[cid]
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

    # -- run --------------------------------------------------------------------------
    def run(self) -> Records:
        """Simulate to the horizon, then let agents on duty empty the queue (spec A3)."""
        self.roster.start(self.scenario, self._clock.holidays)
        if self.pressure is not None:
            self.pressure.start(self._at)
        if self._ahead:
            self._plan_ahead()
        else:
            for source in range(len(self._sources)):
                self._schedule_next_arrival(source)
        self.env.run(until=self.horizon_s)
        if self.roster.on_duty:
            self.roster.at_horizon(self.env._now)
            self.env.run()
        now = self.env._now
        self._queue_change(0, now)
        self.rec.callbacks_after_horizon += self.third_parties.unmade_callbacks()
        self.rec.end_time = now
        self.rec.agent_group = self._agent_group
        self._cut_to_length()
        return self.rec


def simulate(scenario: Scenario, replication: int, seed: int | None = None) -> Records:
    """Run replication ``replication`` of ``scenario`` (seed: the scenario's unless given).

    The finished model is taken apart before the records go back: its parts hold its bound
    methods (reference cycles), so only a full garbage collection (60 ms after a week of the A1
    model) would otherwise free its per-issue and per-contact lists before the KPIs need memory.
    """
    center = ContactCenter(scenario, replication, seed)
    try:
        return center.run()
    finally:
        vars(center).clear()
