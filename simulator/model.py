"""The contact center as a SimPy model: arrivals, one FIFO phone queue, agents, patience, redial.

Why callbacks and not one SimPy process per contact: a process per caller (the textbook
``request | timeout`` pattern) costs several events and a generator per contact and runs
at about 40,000 contacts/s. Here SimPy is the event calendar: each happening (an arrival,
the end of a service, a patience deadline, a staffing change) is a timeout whose callback
does the work, the queue is a deque, and agents are ids in a deque ordered by the time they
became idle (so the longest-idle agent answers next). Patience timers are set only for
contacts that actually queue; a contact answered before its deadline is left in place and
its timer does nothing when it fires, so abandonment times and redial times are exact.

Every random attribute of an issue or contact is drawn when it is created, in creation
order, each from its own stream (see :mod:`simulator.rng`), so a change of headcount does
not change which customer gets which handle time or patience.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import deque
from itertools import accumulate

import numpy as np
import simpy
from simpy.events import NORMAL, Event

from simulator.arrivals import arrival_times
from simulator.config import Scenario
from simulator.records import (
    ABANDONED,
    ANSWERED,
    GAVE_UP,
    NEW,
    OPEN,
    REDIAL,
    RESOLVED,
    WAITING,
    Records,
)
from simulator.rng import Streams


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

        # Contact attributes (phone).
        phone = scenario.channels.phone
        self._draw_patience = (
            streams.sampler("patience:phone", phone.patience) if phone.patience else None
        )
        redial = phone.redial
        self._redial_p = redial.probability if redial else 0.0
        self._redial_max = redial.max_attempts if redial else 1
        if self._redial_p > 0:
            self._draw_redial = streams.uniform("redial")
            self._draw_redial_delay = streams.sampler("redial_delay", redial.delay)
        self._patience: list[float] = []
        self._attempt: list[int] = []
        self._redial_delay: list[float] = []  # NaN: this contact would not redial

        # Queue and agents.
        self._queue: deque[int] = deque()
        self._waiting = 0
        self._queue_since = 0.0
        self._idle: deque[int] = deque()
        self._off_duty: deque[int] = deque()
        self._on_duty = 0
        self._leaving = 0  # busy agents who go off duty when their contact ends
        self._next_agent = 0

        starts, rates = scenario.arrivals.rate_steps(h)
        self._arrivals = arrival_times(streams, starts, rates, self.horizon_s)
        self._staff_starts, self._staff_counts = scenario.agents.steps(h)

    # -- scheduling ---------------------------------------------------------------------
    def _at(self, delay: float, callback, value) -> None:
        """Schedule ``callback(event)`` after ``delay``; ``event._value`` carries ``value``."""
        ev = Event(self.env)
        ev._ok = True
        ev._value = value
        ev.callbacks.append(callback)
        self.env.schedule(ev, NORMAL, delay)

    # -- issues and contacts ------------------------------------------------------------
    def _new_issue(self, now: float) -> int:
        rec = self.rec
        iid = len(rec.issue_start)
        draw = self._draw_reason
        reason = 0 if draw is None else bisect_right(self._cum_shares, draw())
        rec.issue_start.append(now)
        rec.issue_reason.append(reason)
        rec.issue_outcome.append(OPEN)
        rec.issue_end.append(np.nan)
        rec.issue_contacts.append(0)
        rec.issue_answered.append(0)
        rec.issue_first_answer_resolved.append(False)
        return iid

    def _new_contact(self, iid: int, kind: int, attempt: int, now: float) -> int:
        """Create a contact with all its random attributes, and offer it to the queue."""
        rec = self.rec
        cid = len(rec.arrival)
        reason = rec.issue_reason[iid]
        rec.issue.append(iid)
        rec.kind.append(kind)
        rec.arrival.append(now)
        rec.wait.append(0.0)
        rec.outcome.append(WAITING)
        rec.handle.append(self._draw_handle[reason]() + self._wrap_up[reason])
        rec.agent.append(-1)
        rec.issue_contacts[iid] += 1
        self._attempt.append(attempt)
        self._patience.append(self._draw_patience() if self._draw_patience else np.inf)
        if self._redial_p > 0:
            redials = self._draw_redial() < self._redial_p and attempt < self._redial_max
            delay = self._draw_redial_delay()
            self._redial_delay.append(delay if redials else np.nan)
        self._offer(cid, now)
        return cid

    def _on_arrival(self, ev: Event) -> None:
        now = self.env._now
        self._new_contact(self._new_issue(now), NEW, 1, now)
        self._schedule_next_arrival()

    def _schedule_next_arrival(self) -> None:
        t = next(self._arrivals, None)
        if t is not None:
            self._at(t - self.env._now, self._on_arrival, None)

    def _on_redial(self, ev: Event) -> None:
        iid, attempt = ev._value
        self._new_contact(iid, REDIAL, attempt, self.env._now)

    # -- queue ------------------------------------------------------------------------
    def _queue_change(self, delta: int, now: float) -> None:
        """Keep the time integral of the queue length over [warm-up, horizon] (Little's law)."""
        lo = max(self._queue_since, self.warmup_s)
        hi = min(now, self.horizon_s)
        if hi > lo:
            self.rec.queue_area += self._waiting * (hi - lo)
        self._queue_since = now
        self._waiting += delta

    def _offer(self, cid: int, now: float) -> None:
        if self._idle:
            self._answer(cid, self._idle.popleft(), now)
            return
        self._queue_change(1, now)
        self._queue.append(cid)
        patience = self._patience[cid]
        if patience != np.inf:
            self._at(patience, self._on_patience, cid)

    def _on_patience(self, ev: Event) -> None:
        cid = ev._value
        rec = self.rec
        if rec.outcome[cid] != WAITING:
            return  # answered in time: the timer is stale
        now = self.env._now
        self._queue_change(-1, now)
        rec.outcome[cid] = ABANDONED
        rec.wait[cid] = now - rec.arrival[cid]
        iid = rec.issue[cid]
        delay = self._redial_delay[cid] if self._redial_p > 0 else np.nan
        if delay != delay:  # NaN: no redial
            rec.issue_outcome[iid] = GAVE_UP
            rec.issue_end[iid] = now
        elif now + delay < self.horizon_s:
            self._at(delay, self._on_redial, (iid, self._attempt[cid] + 1))
        # else: the redial falls after the horizon, the issue stays open

    def _next_waiting(self) -> int:
        """Pop the longest-waiting contact still in queue, or -1 (abandoned ones are skipped)."""
        queue = self._queue
        outcome = self.rec.outcome
        while queue:
            cid = queue.popleft()
            if outcome[cid] == WAITING:
                return cid
        return -1

    # -- agents -----------------------------------------------------------------------
    def _answer(self, cid: int, agent: int, now: float) -> None:
        rec = self.rec
        rec.outcome[cid] = ANSWERED
        rec.wait[cid] = now - rec.arrival[cid]
        rec.agent[cid] = agent
        self._at(rec.handle[cid], self._on_service_end, cid)

    def _on_service_end(self, ev: Event) -> None:
        cid = ev._value
        rec = self.rec
        now = self.env._now
        iid = rec.issue[cid]
        answered_before = rec.issue_answered[iid]
        rec.issue_answered[iid] = answered_before + 1
        if rec.issue_outcome[iid] == OPEN:
            rec.issue_outcome[iid] = RESOLVED
            rec.issue_end[iid] = now
            rec.issue_first_answer_resolved[iid] = answered_before == 0
        self._agent_free(rec.agent[cid], now)

    def _agent_free(self, agent: int, now: float) -> None:
        if self._leaving:
            self._leaving -= 1
            self._go_off_duty(agent, now)
            return
        if self._waiting:
            cid = self._next_waiting()
            self._queue_change(-1, now)
            self._answer(cid, agent, now)
        else:
            self._idle.append(agent)

    def _go_off_duty(self, agent: int, now: float) -> None:
        self._off_duty.append(agent)
        self._set_on_duty(self._on_duty - 1, now)

    def _set_on_duty(self, n: int, now: float) -> None:
        self._on_duty = n
        self.rec.duty_time.append(now)
        self.rec.duty_level.append(n)

    def _staff(self, target: int, now: float) -> None:
        """Bring the number of agents on duty to ``target``; busy agents finish first."""
        present = self._on_duty - self._leaving
        if target > present:
            stay = min(target - present, self._leaving)
            self._leaving -= stay
            for _ in range(target - present - stay):
                agent = self._off_duty.popleft() if self._off_duty else self._new_agent()
                self._set_on_duty(self._on_duty + 1, now)
                self._agent_free(agent, now)
        elif target < present:
            drop = present - target
            while drop and self._idle:
                self._go_off_duty(self._idle.pop(), now)
                drop -= 1
            self._leaving += drop

    def _new_agent(self) -> int:
        self._next_agent += 1
        return self._next_agent - 1

    def _on_staffing(self, ev: Event) -> None:
        self._staff(ev._value, self.env._now)

    # -- run --------------------------------------------------------------------------
    def run(self) -> Records:
        """Simulate to the horizon, then let agents on duty empty the queue (spec A3)."""
        if not self.rec.duty_time:
            self._set_on_duty(0, 0.0)
        for start, count in zip(
            self._staff_starts.tolist(), self._staff_counts.tolist(), strict=True
        ):
            if start == 0:
                self._staff(count, 0.0)
            else:
                self._at(start, self._on_staffing, count)
        self._schedule_next_arrival()
        self.env.run(until=self.horizon_s)
        if self._on_duty:
            # Agents on duty at the horizon stay until the queue is empty.
            self._leaving = 0
            self.env.run()
        now = self.env._now
        self._queue_change(0, now)
        self.rec.end_time = now
        return self.rec


def simulate(scenario: Scenario, replication: int, seed: int | None = None) -> Records:
    """Run replication ``replication`` of ``scenario`` (seed: the scenario's unless given)."""
    return ContactCenter(scenario, replication, seed).run()
