"""What one replication leaves behind: per-contact and per-issue tallies and level logs.

Following salabim's split, *tallies* are one row per contact or issue (wait, handle time,
outcome) and *levels* are time-weighted series (agents on duty, queue length). The engine
appends to plain lists (cheap on the hot path); frames are built once, at the end.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from simulator.scenario.models import CHANNELS

# Contact kinds: why a contact exists. A missed-callback contact is a repeat ("where is my
# callback?") told apart because it is the third party's waste, not the agent's.
NEW, REDIAL, REPEAT, MISSED_CALLBACK = 0, 1, 2, 3
CONTACT_KINDS = ("new", "redial", "repeat", "missed_callback")

# How a contact involved a third party.
NO_THIRD_PARTY, CONSULT, TRANSFER, CALLBACK = 0, 1, 2, 3
THIRD_PARTY_MODES = ("none", "consult", "transfer", "callback")

# Third-party jobs (a transfer or a promised callback).
JOB_PENDING, JOB_MADE, JOB_CANCELLED = 0, 1, 2
JOB_STATUSES = ("pending", "made", "cancelled")

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
    channel: list[int] = field(default_factory=list)  # index into config.CHANNELS
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

    def contacts_frame(self, reason_names: list[str]) -> pd.DataFrame:
        """One row per contact; wait and handle time are NaN where they did not happen."""
        outcome = np.asarray(self.outcome, dtype=np.int8)
        answered = outcome == ANSWERED
        waiting = outcome == WAITING
        wait = np.asarray(self.wait, dtype=np.float64)
        wait[waiting] = np.nan
        handle = np.where(answered, np.asarray(self.handle, dtype=np.float64), np.nan)
        issue = np.asarray(self.issue, dtype=np.int64)
        reason = np.asarray(self.issue_reason, dtype=np.int64)[issue] if len(issue) else issue
        return pd.DataFrame(
            {
                "replication": np.full(len(outcome), self.replication, dtype=np.int32),
                "contact": np.arange(len(outcome), dtype=np.int64),
                "issue": issue,
                "reason": pd.Categorical.from_codes(reason, categories=reason_names),
                "channel": pd.Categorical.from_codes(
                    np.asarray(self.channel, dtype=np.int8), categories=list(CHANNELS)
                ),
                "kind": pd.Categorical.from_codes(
                    np.asarray(self.kind, dtype=np.int8), categories=list(CONTACT_KINDS)
                ),
                "arrival_s": np.asarray(self.arrival, dtype=np.float64),
                "wait_s": wait,
                "outcome": pd.Categorical.from_codes(outcome, categories=list(CONTACT_OUTCOMES)),
                "handle_s": handle,
                "agent": np.asarray(self.agent, dtype=np.int32),
                "third_party": pd.Categorical.from_codes(
                    np.asarray(self.third_party, dtype=np.int8),
                    categories=list(THIRD_PARTY_MODES),
                ),
                "hold_s": np.where(answered, np.asarray(self.hold, dtype=np.float64), np.nan),
                "resolved": np.asarray(self.resolved, dtype=bool),
            }
        )
