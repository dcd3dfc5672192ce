"""Satisfaction proxies (CSAT 1-10, CES 1-7, NPS -100..100) computed from each customer journey.

A simulation has no customers to ask, so these are *proxies*: a transparent linear model of what
the journey did to the customer (minutes waited on the phone or in chat, hours an e-mail waited,
abandoned attempts, repeat contacts, broken callback promises, failed self-service, an unresolved
issue), with parameters in the scenario (``satisfaction:``) and documented defaults. They rank
scenarios; they are not survey results.
"""

from __future__ import annotations

import numpy as np

from simulator.scenario.models import Satisfaction


def csat(
    model: Satisfaction,
    *,
    wait_min: np.ndarray,
    email_wait_h: np.ndarray,
    abandoned: np.ndarray,
    repeats: np.ndarray,
    missed_callbacks: np.ndarray,
    failed_self_service: np.ndarray,
    unresolved: np.ndarray,
) -> np.ndarray:
    """Per issue: base plus (negative) effects, clipped to the 1-10 scale."""
    m = model.csat
    score = (
        m.base
        + m.per_minute_wait * wait_min
        + m.per_hour_email_wait * email_wait_h
        + m.per_abandoned * abandoned
        + m.per_repeat_contact * repeats
        + m.per_missed_callback * missed_callbacks
        + m.failed_self_service * failed_self_service
        + m.unresolved * unresolved
    )
    return np.clip(score, 1.0, 10.0)


def ces(
    model: Satisfaction,
    *,
    wait_min: np.ndarray,
    email_wait_h: np.ndarray,
    contacts: np.ndarray,
    missed_callbacks: np.ndarray,
    failed_self_service: np.ndarray,
    unresolved: np.ndarray,
) -> np.ndarray:
    """Per issue: effort on 1-7 (lower is better); every contact beyond the first is effort."""
    m = model.ces
    score = (
        m.base
        + m.per_minute_wait * wait_min
        + m.per_hour_email_wait * email_wait_h
        + m.per_extra_contact * np.maximum(contacts - 1, 0)
        + m.per_missed_callback * missed_callbacks
        + m.failed_self_service * failed_self_service
        + m.unresolved * unresolved
    )
    return np.clip(score, 1.0, 7.0)


def nps_contributions(model: Satisfaction, csat_scores: np.ndarray) -> np.ndarray:
    """Per issue: P(promoter) - P(detractor), both logistic in CSAT; NPS = 100 x their mean.

    Smooth on purpose: a hard cut (promoter iff CSAT >= 9) would make NPS jump when a
    parameter moves a whole group of identical journeys across the cut.
    """
    m = model.nps
    promoter = 1.0 / (1.0 + np.exp(-(csat_scores - m.promoter_at) / m.spread))
    detractor = 1.0 / (1.0 + np.exp(-(m.detractor_at - csat_scores) / m.spread))
    return promoter - detractor
