"""Records of a replication as pandas frames: the engine keeps plain lists, results get tables.

This is the one place where the engine's integer codes (outcome, kind, channel, ...) become
labelled categories, so the engine layer stays free of pandas.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from simulator.engine.records import (
    ANSWERED,
    CONTACT_KINDS,
    CONTACT_OUTCOMES,
    THIRD_PARTY_MODES,
    WAITING,
    Records,
)
from simulator.scenario.models import CHANNELS


def contacts_frame(rec: Records, reason_names: list[str]) -> pd.DataFrame:
    """One row per contact; wait and handle time are NaN where they did not happen."""
    outcome = np.asarray(rec.outcome, dtype=np.int8)
    answered = outcome == ANSWERED
    waiting = outcome == WAITING
    wait = np.asarray(rec.wait, dtype=np.float64)
    wait[waiting] = np.nan
    handle = np.where(answered, np.asarray(rec.handle, dtype=np.float64), np.nan)
    issue = np.asarray(rec.issue, dtype=np.int64)
    reason = np.asarray(rec.issue_reason, dtype=np.int64)[issue] if len(issue) else issue
    return pd.DataFrame(
        {
            "replication": np.full(len(outcome), rec.replication, dtype=np.int32),
            "contact": np.arange(len(outcome), dtype=np.int64),
            "issue": issue,
            "reason": pd.Categorical.from_codes(reason, categories=reason_names),
            "channel": pd.Categorical.from_codes(
                np.asarray(rec.channel, dtype=np.int8), categories=list(CHANNELS)
            ),
            "kind": pd.Categorical.from_codes(
                np.asarray(rec.kind, dtype=np.int8), categories=list(CONTACT_KINDS)
            ),
            "arrival_s": np.asarray(rec.arrival, dtype=np.float64),
            "wait_s": wait,
            "outcome": pd.Categorical.from_codes(outcome, categories=list(CONTACT_OUTCOMES)),
            "handle_s": handle,
            "agent": np.asarray(rec.agent, dtype=np.int32),
            "third_party": pd.Categorical.from_codes(
                np.asarray(rec.third_party, dtype=np.int8),
                categories=list(THIRD_PARTY_MODES),
            ),
            "hold_s": np.where(answered, np.asarray(rec.hold, dtype=np.float64), np.nan),
            "resolved": np.asarray(rec.resolved, dtype=bool),
        }
    )
