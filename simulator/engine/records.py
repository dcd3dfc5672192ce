"""What one replication leaves behind: per-contact and per-issue tallies and level logs.

Following salabim's split, *tallies* are one row per contact or issue (wait, handle time,
outcome) and *levels* are time-weighted series (agents on duty, queue length). The engine
appends to typed arrays (``array.array``; codes and booleans in a ``bytearray``, whose item
access is quicker): a row takes the bytes of its C type (8 for a time, 4 for an id, 1 for a
code) instead of a pointer plus a Python object, so a month of a large center fits in memory.
:func:`as_array` reads a column as a numpy array without a copy;
:mod:`simulator.results.frames` builds frames from them once, at the end, so the engine layer
needs no pandas.
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass, field

import numpy as np

# Contact kinds: why a contact exists. A missed-callback contact is a repeat ("where is my
# callback?") told apart because it is the third party's waste, not the agent's.
NEW, REDIAL, REPEAT, MISSED_CALLBACK = 0, 1, 2, 3
CONTACT_KINDS = ("new", "redial", "repeat", "missed_callback")

# How a contact involved a third party.
NO_THIRD_PARTY, CONSULT, TRANSFER, CALLBACK = 0, 1, 2, 3
THIRD_PARTY_MODES = ("none", "consult", "transfer", "callback")

# Third-party jobs (a transfer or a promised callback).
JOB_PENDING, JOB_MADE, JOB_CANCELLED = 0, 1, 2

# Consults: made (a person of the party was reached), or fallen back because the party was
# closed or no person came free within the maximum wait.
CONSULT_MADE, CONSULT_CLOSED, CONSULT_TIMED_OUT = 0, 1, 2
CONSULT_OUTCOMES = ("made", "closed", "timed_out")

# Self-service before the first contact.
NO_SELF_SERVICE, SELF_SERVICE_SUCCESS, SELF_SERVICE_FAILED = 0, 1, 2
SELF_SERVICE_OUTCOMES = ("none", "deflected", "failed")

# Proactive outbound (phase 4): not called, called, called and the contact prevented.
NOT_CALLED, CALLED, PREVENTED = 0, 1, 2
PROACTIVE_OUTCOMES = ("none", "called", "prevented")

# Contact outcomes.
WAITING, ANSWERED, ABANDONED = 0, 1, 2
CONTACT_OUTCOMES = ("waiting", "answered", "abandoned")

# Issue outcomes.
OPEN, RESOLVED, GAVE_UP, DEFLECTED = 0, 1, 2, 3
ISSUE_OUTCOMES = ("open", "resolved", "gave_up", "deflected")


def _times() -> array[float]:
    return array("d")  # float64: times stay exact


def _ids() -> array[int]:
    return array("i")  # int32: contact, issue, agent and job ids, counts


def as_array(column: array | bytearray) -> np.ndarray:
    """A read-only numpy view of a record column (no copy: the column's own buffer).

    Read-only so that no KPI can change the records it reads; while a view lives, the column
    cannot grow, which is why views are taken only after the simulation.
    """
    view = np.frombuffer(column, dtype=getattr(column, "typecode", "B"))  # bytearray: uint8
    view.flags.writeable = False
    return view


@dataclass
class Records:
    """Append-only record of one replication. Index = contact id / issue id."""

    replication: int
    # per contact
    issue: array[int] = field(default_factory=_ids)
    kind: bytearray = field(default_factory=bytearray)
    channel: bytearray = field(default_factory=bytearray)  # index into scenario.models.CHANNELS
    arrival: array[float] = field(default_factory=_times)
    wait: array[float] = field(default_factory=_times)
    outcome: bytearray = field(default_factory=bytearray)
    handle: array[float] = field(default_factory=_times)
    agent: array[int] = field(default_factory=_ids)
    third_party: bytearray = field(default_factory=bytearray)
    hold: array[float] = field(default_factory=_times)  # consult wait + hold, part of ``handle``
    resolved: bytearray = field(default_factory=bytearray)  # this contact resolved its issue
    # per issue
    issue_start: array[float] = field(default_factory=_times)
    issue_reason: array[int] = field(default_factory=_ids)
    issue_outcome: bytearray = field(default_factory=bytearray)
    issue_end: array[float] = field(default_factory=_times)
    issue_answered: array[int] = field(default_factory=_ids)
    issue_first_answer_resolved: bytearray = field(default_factory=bytearray)
    issue_self_service: bytearray = field(default_factory=bytearray)
    issue_proactive: bytearray = field(default_factory=bytearray)
    # per third-party job (a transfer or a promised callback)
    job_issue: array[int] = field(default_factory=_ids)
    job_contact: array[int] = field(default_factory=_ids)  # the contact that created it
    job_party: array[int] = field(default_factory=_ids)
    job_mode: bytearray = field(default_factory=bytearray)  # TRANSFER or CALLBACK
    job_created: array[float] = field(default_factory=_times)
    job_deadline: array[float] = field(default_factory=_times)  # NaN for transfers
    job_started: array[float] = field(default_factory=_times)  # work began; NaN if never
    job_done: array[float] = field(default_factory=_times)  # customer reached; NaN if never
    job_status: bytearray = field(default_factory=bytearray)
    job_missed: bytearray = field(default_factory=bytearray)  # the promise expired first
    # per consult (a contact's agent asking a person of the third party while the customer holds)
    consult_contact: array[int] = field(default_factory=_ids)
    consult_asked: array[float] = field(default_factory=_times)  # the talk time ended
    consult_wait: array[float] = field(default_factory=_times)  # until a person or the fallback
    consult_outcome: bytearray = field(default_factory=bytearray)  # CONSULT_MADE, ...
    # per callback offer of the center (``channels.phone.callback_offer``): the call offered it,
    # and whether its caller accepted (left the line, kept the place, was called back)
    offer_contact: array[int] = field(default_factory=_ids)
    offer_accepted: bytearray = field(default_factory=bytearray)
    # per escalated leg (spec D4): the second leg of a call, put live in another group's queue
    leg_contact: array[int] = field(default_factory=_ids)  # the call (its first leg)
    leg_queued: array[float] = field(default_factory=_times)  # put in the second queue
    leg_wait: array[float] = field(default_factory=_times)  # until answered or abandoned
    leg_outcome: bytearray = field(default_factory=bytearray)  # WAITING, ANSWERED, ABANDONED
    leg_agent: array[int] = field(default_factory=_ids)  # -1 until answered
    leg_handle: array[float] = field(default_factory=_times)  # the second agent's handle time
    leg_resolved: bytearray = field(default_factory=bytearray)  # the issue resolved after it
    # attempts refused while the line was closed (not contacts: they never reached a queue)
    refused_time: array[float] = field(default_factory=_times)
    refused_issue: array[int] = field(default_factory=_ids)
    refused_kind: bytearray = field(default_factory=bytearray)
    # outbound calls made by agents (busy time, not contacts): callbacks (job id) and
    # proactive calls (job -1)
    outbound_job: array[int] = field(default_factory=_ids)
    outbound_issue: array[int] = field(default_factory=_ids)
    outbound_agent: array[int] = field(default_factory=_ids)
    outbound_start: array[float] = field(default_factory=_times)
    outbound_end: array[float] = field(default_factory=_times)
    # levels: (time, agents on duty) at every change
    duty_time: array[float] = field(default_factory=_times)
    duty_level: array[int] = field(default_factory=_ids)
    duty_group: array[int] = field(default_factory=_ids)  # whose agent came or left; -1 at 0
    # agents who left (``agents.attrition``): when, and the agent id a new agent took over
    leaver_time: array[float] = field(default_factory=_times)
    leaver_agent: array[int] = field(default_factory=_ids)
    # per agent (ids as in ``agent``): the index of its group in ``Agents.pools``
    agent_group: list[int] = field(default_factory=list)
    # levels: (time, agents on overtime) at every change
    overtime_time: array[float] = field(default_factory=_times)
    overtime_level: array[int] = field(default_factory=_ids)
    # levels, only when shrinkage is simulated (spec D11): agents away from the line (on a break
    # or off the phone, from leaving to coming back) and scheduled agents absent today (paid)
    away_time: array[float] = field(default_factory=_times)
    away_level: array[int] = field(default_factory=_ids)
    away_group: array[int] = field(default_factory=_ids)  # whose agent left or came back
    absent_time: array[float] = field(default_factory=_times)
    absent_level: array[int] = field(default_factory=_ids)
    absent_group: array[int] = field(default_factory=_ids)  # one change of one group per row
    # engine-side time integral of the number of waiting contacts over [warm-up, horizon]
    queue_area: float = 0.0
    # what fell due after the horizon and was not simulated (spec A3: the issue stays open),
    # counted where the engine decides not to schedule it; a long delay on a short horizon
    # hides these contacts from the KPIs (the horizon trap, see ``kpis.horizon_warning``)
    repeats_after_horizon: int = 0  # repeat and missed-callback contacts
    redials_after_horizon: int = 0
    retries_after_horizon: int = 0  # tries again after a closed line
    callbacks_after_horizon: int = 0  # third-party callbacks and transfer results
    end_time: float = 0.0
