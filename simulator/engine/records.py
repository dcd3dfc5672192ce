"""What one replication leaves behind: per-contact and per-issue tallies and level logs.

Following salabim's split, *tallies* are one row per contact or issue (wait, handle time,
outcome) and *levels* are time-weighted series (agents on duty, queue length). The engine
appends to plain lists (cheap on the hot path); :mod:`simulator.results.frames` builds frames
from them once, at the end, so the engine layer needs no pandas.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Contact kinds: why a contact exists. A missed-callback contact is a repeat ("where is my
# callback?") told apart because it is the third party's waste, not the agent's.
NEW, REDIAL, REPEAT, MISSED_CALLBACK = 0, 1, 2, 3
CONTACT_KINDS = ("new", "redial", "repeat", "missed_callback")

# How a contact involved a third party.
NO_THIRD_PARTY, CONSULT, TRANSFER, CALLBACK = 0, 1, 2, 3
THIRD_PARTY_MODES = ("none", "consult", "transfer", "callback")

# Third-party jobs (a transfer or a promised callback).
JOB_PENDING, JOB_MADE, JOB_CANCELLED = 0, 1, 2

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


@dataclass
class Records:
    """Append-only record of one replication. Index = contact id / issue id."""

    replication: int
    # per contact
    issue: list[int] = field(default_factory=list)
    kind: list[int] = field(default_factory=list)
    channel: list[int] = field(default_factory=list)  # index into scenario.models.CHANNELS
    arrival: list[float] = field(default_factory=list)
    wait: list[float] = field(default_factory=list)
    outcome: list[int] = field(default_factory=list)
    handle: list[float] = field(default_factory=list)
    agent: list[int] = field(default_factory=list)
    third_party: list[int] = field(default_factory=list)
    hold: list[float] = field(default_factory=list)  # consult hold, part of ``handle``
    resolved: list[bool] = field(default_factory=list)  # this contact resolved its issue
    # per issue
    issue_start: list[float] = field(default_factory=list)
    issue_reason: list[int] = field(default_factory=list)
    issue_outcome: list[int] = field(default_factory=list)
    issue_end: list[float] = field(default_factory=list)
    issue_answered: list[int] = field(default_factory=list)
    issue_first_answer_resolved: list[bool] = field(default_factory=list)
    issue_self_service: list[int] = field(default_factory=list)
    issue_proactive: list[int] = field(default_factory=list)
    # per third-party job (a transfer or a promised callback)
    job_issue: list[int] = field(default_factory=list)
    job_contact: list[int] = field(default_factory=list)  # the contact that created it
    job_party: list[int] = field(default_factory=list)
    job_mode: list[int] = field(default_factory=list)  # TRANSFER or CALLBACK
    job_created: list[float] = field(default_factory=list)
    job_deadline: list[float] = field(default_factory=list)  # NaN for transfers
    job_started: list[float] = field(default_factory=list)  # work began; NaN if never
    job_done: list[float] = field(default_factory=list)  # customer reached; NaN if never
    job_status: list[int] = field(default_factory=list)
    job_missed: list[bool] = field(default_factory=list)  # the promise expired first
    # attempts refused while the line was closed (not contacts: they never reached a queue)
    refused_time: list[float] = field(default_factory=list)
    refused_issue: list[int] = field(default_factory=list)
    refused_kind: list[int] = field(default_factory=list)
    # outbound calls made by agents (busy time, not contacts): callbacks (job id) and
    # proactive calls (job -1)
    outbound_job: list[int] = field(default_factory=list)
    outbound_issue: list[int] = field(default_factory=list)
    outbound_agent: list[int] = field(default_factory=list)
    outbound_start: list[float] = field(default_factory=list)
    outbound_end: list[float] = field(default_factory=list)
    # levels: (time, agents on duty) at every change
    duty_time: list[float] = field(default_factory=list)
    duty_level: list[int] = field(default_factory=list)
    # per agent (ids as in ``agent``): the index of its group in ``Agents.pools``
    agent_group: list[int] = field(default_factory=list)
    # levels: (time, agents on overtime) at every change
    overtime_time: list[float] = field(default_factory=list)
    overtime_level: list[int] = field(default_factory=list)
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
