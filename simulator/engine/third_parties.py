"""Third parties and outbound calls: jobs handed to a back office, and calls agents make.

A third party is a SimPy resource (its staff) worked by one SimPy process per job (a transfer or
a promised callback): they are a small share of the traffic, and a process reads like the back
office it describes. A callback made by an agent, and a proactive call, are outbound calls: an
idle agent takes them at once, otherwise an agent who frees up with no inbound contact waiting.

A proactive call (spec D7) is worth making only before the customer's own would-contact moment:
``proactive[issue]`` holds that moment and whether a call made in time prevents the contact. A
call still queued at the moment is cancelled: it stays in the deque and is dropped, uncounted,
when an agent would take it (:meth:`ThirdParties.next_outbound`). A call made is marked ``CALLED``
when an agent starts it; when it ends, a preventing call deflects the issue (``PREVENTED``).

A consult (the agent asks a person of the party while the customer holds) takes the same staff,
before any job (non-preemptive priority: a person finishes the job in hand first). It begins when
the contact's talk time ends: the agent waits for a free person, at most the reason's
``consult_max_wait_s`` and never past the party's closing; the person is then busy for
``consult_hold_s``. A party closed at that moment, or a wait that runs out, makes the consult its
``consult_fallback`` (a callback promise, a transfer, or nothing). The wrap-up follows either way,
and the contact's handle time becomes the agent's whole time: talk, wait, consult and wrap-up.
Consults are a few contacts: they take callbacks on a request event, not a process.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Generator
from dataclasses import dataclass

import numpy as np
import simpy
from simpy.events import Event

from simulator.engine import timeline
from simulator.engine.calendar import Calendar
from simulator.engine.records import (
    CALLBACK,
    CALLED,
    CONSULT_CLOSED,
    CONSULT_MADE,
    CONSULT_TIMED_OUT,
    DEFLECTED,
    JOB_CANCELLED,
    JOB_MADE,
    JOB_PENDING,
    MISSED_CALLBACK,
    NO_THIRD_PARTY,
    OPEN,
    PREVENTED,
    REPEAT,
    Records,
)
from simulator.engine.routing import Routing
from simulator.scenario.models import Scenario, ThirdParty

ALWAYS = {"mon-sun": "00:00-24:00"}

Schedule = Callable[[float, Callable[[Event], None], object], None]
OutboundCall = tuple[int, int, float]  # (job id, or -1 for a proactive call; issue; duration s)
# Priorities on a party's staff (lower goes first): a consult holds a customer on the line.
CONSULT_PRIORITY, JOB_PRIORITY = 0, 1


@dataclass
class Party:
    """A third party at run time: its staff as a SimPy resource and its hours."""

    index: int
    spec: ThirdParty
    staff: simpy.PriorityResource  # consults before jobs
    clock: Calendar  # its hours and the scenario's holidays
    within_s: float
    agent_calls: bool  # an agent makes its callbacks (an outbound call), not the party


@dataclass
class Involvement:
    """What a contact's third party will do, drawn when the contact is created."""

    party: Party
    mode: int
    on_time: bool
    late_s: float
    resolves: bool
    work_s: float
    callback_s: float
    grace_s: float = 0.0  # after a broken promise, the customer's wait before contacting us
    # a consult's: the person's time, the agent's longest wait, the mode it falls back to, and
    # the wrap-up that follows it
    hold_s: float = 0.0
    max_wait_s: float = 0.0
    fallback: int = CALLBACK
    wrap_s: float = 0.0


class ThirdParties:
    """The third parties' jobs and the agents' outbound calls of one replication.

    What happens to the issue afterwards is the center's: ``resolve`` and ``customer_next``
    are its callbacks; ``agent_free`` hands an agent back after an outbound call.
    """

    def __init__(
        self,
        scenario: Scenario,
        env: simpy.Environment,
        rec: Records,
        routing: Routing,
        at: Schedule,
        resolve: Callable[[int, float, bool], None],
        customer_next: Callable[..., None],  # (cid, iid, now, kind[, grace])
        agent_free: Callable[[int, float], None],
    ) -> None:
        self.env = env
        self.rec = rec
        self.routing = routing
        self.horizon_s = scenario.horizon.horizon_s
        self._at = at
        self._resolve = resolve
        self._customer_next = customer_next
        self._agent_free = agent_free
        self.parties = {
            p.name: Party(
                index=i,
                spec=p,
                staff=simpy.PriorityResource(env, capacity=p.staff),
                clock=timeline.clock(scenario, p.hours or ALWAYS),
                within_s=p.callback_within_h * 3600.0,
                agent_calls=p.callback_by == "agent",
            )
            for i, p in enumerate(scenario.third_parties)
        }
        self.jobs_pending: list[int] = []  # per issue: a chunk-grown issue column
        self.outbound: deque[OutboundCall] = deque()  # calls waiting for an agent
        # per issue with a proactive call queued: (would-contact moment, a call made prevents)
        self.proactive: dict[int, tuple[float, bool]] = {}
        self._job_involvement: list[Involvement] = []

    def hand_over(self, cid: int, iid: int, involvement: Involvement, now: float) -> None:
        """Contact ``cid`` ended with the issue in the party's hands: its job begins.

        A consult that fell back to nothing has no job: the customer decides what next.
        """
        if involvement.mode == NO_THIRD_PARTY:
            self._customer_next(cid, iid, now, REPEAT)
        else:
            self.start_job(cid, iid, involvement, now)

    def start_job(self, cid: int, iid: int, involvement: Involvement, now: float) -> None:
        """Contact ``cid`` ends in a transfer or a promised callback: the party's job begins."""
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
        self._job_involvement.append(involvement)
        self.jobs_pending[iid] += 1
        if promised and now + party.within_s < self.horizon_s:
            self._at(party.within_s, self._on_deadline, job)
        at_once = not promised or involvement.on_time
        release = 0.0 if at_once else party.within_s + involvement.late_s
        self.env.process(self._work_job(job, involvement, release))

    def _work_job(
        self, job: int, involvement: Involvement, release: float
    ) -> Generator[simpy.Event, object, None]:
        """The third party takes the job up (now or late), waits for staff and hours, then works it.

        Anything that would end after the horizon is not simulated (the issue stays open).
        """
        env, rec, party = self.env, self.rec, involvement.party
        iid = rec.job_issue[job]
        if release:
            if env.now + release >= self.horizon_s:
                rec.callbacks_after_horizon += 1
                return
            yield env.timeout(release)
        with party.staff.request(priority=JOB_PRIORITY) as request:
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
        if involvement.mode == CALLBACK and party.agent_calls:
            self.queue_outbound((job, iid, involvement.callback_s))
        else:
            self._job_reached_customer(job, env.now, env.now)

    def consult(self, cid: int, involvement: Involvement, finish: Callable[[Event], None]) -> None:
        """Contact ``cid``'s talk has ended: its agent asks for a person of the party.

        ``finish`` (the contact's service end) is called after the consult or its fallback and
        the wrap-up; the agent stays busy till then.
        """
        rec, now, party = self.rec, self.env._now, involvement.party
        consult = len(rec.consult_contact)
        rec.consult_contact.append(cid)
        rec.consult_asked.append(now)
        rec.consult_wait.append(0.0)
        rec.consult_outcome.append(CONSULT_CLOSED)
        open_for = party.clock.open_for(now)
        if not open_for:
            self._consult_falls_back(consult, cid, involvement, finish, CONSULT_CLOSED)
            return
        request = party.staff.request(priority=CONSULT_PRIORITY)
        request.consult = (consult, cid, involvement, finish)
        request.callbacks.append(self._on_consult_person)
        outcome = CONSULT_TIMED_OUT if involvement.max_wait_s <= open_for else CONSULT_CLOSED
        wait = min(involvement.max_wait_s, open_for)
        self._at(wait, self._on_consult_wait_over, (request, outcome))

    def _on_consult_person(self, request: Event) -> None:
        """A person of the party is free: the consult, then the agent's wrap-up.

        One who comes free at the very moment the party closes goes home instead.
        """
        consult, cid, involvement, _ = request.consult
        if not involvement.party.clock.open_for(self.env._now):
            request.resource.release(request)
            self._consult_falls_back(*request.consult, CONSULT_CLOSED)
            return
        rec = self.rec
        wait = self.env._now - rec.consult_asked[consult]
        rec.consult_wait[consult] = wait
        rec.consult_outcome[consult] = CONSULT_MADE
        rec.hold[cid] = wait + involvement.hold_s
        rec.handle[cid] += wait + involvement.hold_s + involvement.wrap_s
        self._at(involvement.hold_s, self._on_consult_end, request)

    def _on_consult_end(self, ev: Event) -> None:
        request = ev._value
        request.resource.release(request)
        _, cid, involvement, finish = request.consult
        self._at(involvement.wrap_s, finish, cid)

    def _on_consult_wait_over(self, ev: Event) -> None:
        """The longest wait has passed, or the party closes: unless a person came, fall back."""
        request, outcome = ev._value
        if request.triggered:  # a person came (now or before): the consult goes on
            return
        request.cancel()
        self._consult_falls_back(*request.consult, outcome)

    def _consult_falls_back(
        self,
        consult: int,
        cid: int,
        involvement: Involvement,
        finish: Callable[[Event], None],
        outcome: int,
    ) -> None:
        """No consult: the contact takes the fallback mode and ends after the wrap-up."""
        rec = self.rec
        wait = self.env._now - rec.consult_asked[consult]
        rec.consult_wait[consult] = wait
        rec.consult_outcome[consult] = outcome
        rec.hold[cid] = wait
        rec.handle[cid] += wait + involvement.wrap_s
        involvement.mode = involvement.fallback
        self._at(involvement.wrap_s, finish, cid)

    def _end_job(self, job: int, status: int) -> None:
        self.rec.job_status[job] = status
        self.jobs_pending[self.rec.job_issue[job]] -= 1

    def _job_reached_customer(self, job: int, reached: float, now: float) -> None:
        """A callback was made (or a transfer worked) at ``reached``; outcome at ``now``."""
        rec = self.rec
        iid = rec.job_issue[job]
        rec.job_done[job] = reached
        self._end_job(job, JOB_MADE)
        if rec.issue_outcome[iid] != OPEN:
            return
        if self._job_involvement[job].resolves:
            self._resolve(iid, now, False)
        else:
            self._customer_next(rec.job_contact[job], iid, now, REPEAT)

    def _on_deadline(self, ev: Event) -> None:
        """The promised callback time has passed: if none came, the customer calls again.

        After the party's ``missed_callback_grace`` (drawn with the contact's third-party fate).
        """
        job = ev._value
        rec = self.rec
        iid = rec.job_issue[job]
        if rec.job_done[job] == rec.job_done[job] or rec.issue_outcome[iid] != OPEN:
            return  # made in time (not NaN), or nothing left to ask about
        rec.job_missed[job] = True
        grace = self._job_involvement[job].grace_s
        self._customer_next(rec.job_contact[job], iid, self.env._now, MISSED_CALLBACK, grace)

    def queue_outbound(self, call: OutboundCall) -> None:
        """An outbound call (a callback, a proactive call).

        Taken by an idle agent, else when one frees up and no inbound contact waits.
        """
        now = self.env._now
        agent = self.routing.idle_phone_agent() if now < self.horizon_s else -1
        if agent >= 0:
            self.start_outbound(call, agent, now)
        else:
            self.outbound.append(call)

    def next_outbound(self) -> OutboundCall | None:
        """The first queued call still worth making, or None (used only with proactive calls).

        A proactive call whose customer's would-contact moment has come is dropped: cancelled,
        never counted.
        """
        now, outbound, proactive = self.env._now, self.outbound, self.proactive
        while outbound:
            call = outbound.popleft()
            if call[0] >= 0 or now < proactive[call[1]][0]:
                return call
        return None

    def start_outbound(self, call: OutboundCall, agent: int, now: float) -> None:
        """Agent ``agent`` makes the call (or, for a callback no longer needed, is free again)."""
        rec = self.rec
        job, iid, duration = call
        if job >= 0:
            if rec.issue_outcome[iid] != OPEN:  # resolved meanwhile: no callback needed
                self._end_job(job, JOB_CANCELLED)
                self._agent_free(agent, now)
                return
            rec.job_done[job] = now
        else:  # a proactive call, made before the customer's moment (see next_outbound)
            rec.issue_proactive[iid] = CALLED
        self.routing.agent_load[agent] = self.routing.chat_k
        rec.outbound_job.append(job)
        rec.outbound_issue.append(iid)
        rec.outbound_agent.append(agent)
        rec.outbound_start.append(now)
        rec.outbound_end.append(now + duration)
        self._at(duration, self._on_outbound_end, (job, iid, agent, now))

    def _on_outbound_end(self, ev: Event) -> None:
        job, iid, agent, started = ev._value
        now = self.env._now
        if job >= 0:
            self._job_reached_customer(job, started, now)
        elif self.proactive[iid][1] and self.rec.issue_outcome[iid] == OPEN:
            # a call made in time that makes the customer's own contact unnecessary
            rec = self.rec
            rec.issue_proactive[iid] = PREVENTED
            rec.issue_outcome[iid] = DEFLECTED
            rec.issue_end[iid] = now
        self.routing.agent_load[agent] = 0
        self._agent_free(agent, now)

    def unmade_callbacks(self) -> int:
        """Callbacks still waiting for an agent at the end (agents call only before the horizon)."""
        return sum(job >= 0 for job, _, _ in self.outbound)
