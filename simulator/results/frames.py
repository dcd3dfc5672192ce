"""Records of a replication as pandas frames: the engine keeps typed arrays, results get tables.

This is the one place where the engine's integer codes (outcome, kind, channel, ...) become
labelled categories, so the engine layer stays free of pandas.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from simulator.engine.records import (
    ANSWERED,
    CONSULT_OUTCOMES,
    CONTACT_KINDS,
    CONTACT_OUTCOMES,
    THIRD_PARTY_MODES,
    WAITING,
    Records,
    as_array,
)
from simulator.scenario.models import CHANNELS


def contacts_frame(rec: Records, reason_names: list[str]) -> pd.DataFrame:
    """One row per contact; wait and handle time are NaN where they did not happen."""
    outcome = np.array(rec.outcome, dtype=np.int8)  # copies: the frame keeps these columns
    answered = outcome == ANSWERED
    issue = as_array(rec.issue).astype(np.int64)
    reason = as_array(rec.issue_reason).astype(np.int64)[issue] if len(issue) else issue
    consult = np.zeros(len(outcome), dtype=np.int8)  # 0: no consult asked, else outcome + 1
    consult[as_array(rec.consult_contact)] = as_array(rec.consult_outcome) + 1
    offer = np.zeros(len(outcome), dtype=np.int8)  # the center's callback offer (spec D5)
    offer[as_array(rec.offer_contact)] = as_array(rec.offer_accepted) + 1
    return pd.DataFrame(
        {
            "replication": np.full(len(outcome), rec.replication, dtype=np.int32),
            "contact": np.arange(len(outcome), dtype=np.int64),
            "issue": issue,
            "reason": pd.Categorical.from_codes(reason, categories=reason_names),
            "channel": pd.Categorical.from_codes(
                np.array(rec.channel, dtype=np.int8), categories=list(CHANNELS)
            ),
            "kind": pd.Categorical.from_codes(
                np.array(rec.kind, dtype=np.int8), categories=list(CONTACT_KINDS)
            ),
            "arrival_s": np.array(rec.arrival, dtype=np.float64),
            "wait_s": np.where(outcome == WAITING, np.nan, as_array(rec.wait)),
            "outcome": pd.Categorical.from_codes(outcome, categories=list(CONTACT_OUTCOMES)),
            "handle_s": np.where(answered, as_array(rec.handle), np.nan),
            "agent": np.array(rec.agent, dtype=np.int32),
            "third_party": pd.Categorical.from_codes(
                np.array(rec.third_party, dtype=np.int8), categories=list(THIRD_PARTY_MODES)
            ),
            "hold_s": np.where(answered, as_array(rec.hold), np.nan),
            "consult": pd.Categorical.from_codes(consult, categories=["none", *CONSULT_OUTCOMES]),
            "callback_offer": pd.Categorical.from_codes(
                offer, categories=["none", "declined", "accepted"]
            ),
            "resolved": as_array(rec.resolved).astype(bool),
        },
        copy=False,  # every column is a new array: a copy would hold each contact's row twice
    )
