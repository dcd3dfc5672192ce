"""Per reason and per agent group (spec D1): spec A3's KPIs restricted to a subset.

``by_reason`` restricts to the contacts and issues of one reason: the phone KPIs (``offered``,
``answered``, ``abandoned``, ``abandon_rate``, ``asa_s``, ``service_level``, ``aht_s``) over its
phone contacts that arrived after the warm-up, ``contacts`` over every channel, ``issues`` and
``fcr`` over its issues that started after the warm-up, and with ``costs`` its ``cost``: the
replication's ``cost_total`` split by the reason's share of the handled time
(:func:`~simulator.results.costs.cost_by_reason`). Summed over the reasons, ``offered`` and
``contacts`` give the run's.

``by_group`` is about the legs a group's agents answered: the phone contacts that arrived
after the warm-up and that an agent of the group answered (``answered``; ``asa_s`` their wait
in the queue the group took them from; ``aht_s`` their handle time), and about the group's
agents: ``agent_hours`` (paid, as the run's KPI), ``available_hours`` (on the line) and
``occupancy`` (busy over available, a chat counting 1/concurrency) over the window from the
warm-up to the horizon, and ``esat``, the mean employee-satisfaction proxy of its agents who
answered a contact (:mod:`~simulator.results.wellbeing`). A group's ``fcr`` is the share of its
answered legs after which the issue was resolved with no further contact of the customer: the
last contact of a resolved issue gets the credit. A single pool is the group ``agents``, whose
numbers are then the run's own.
"""

from __future__ import annotations

import math

import numpy as np

from simulator.engine.records import (
    ABANDONED,
    ANSWERED,
    MISSED_CALLBACK,
    REPEAT,
    RESOLVED,
    Records,
    as_array,
)
from simulator.results.costs import cost_by_reason, group_seconds
from simulator.results.kpis import agent_esat
from simulator.results.wellbeing import mean_esat
from simulator.scenario.models import CHANNELS, Scenario

PHONE_CHANNEL, CHAT_CHANNEL = CHANNELS.index("phone"), CHANNELS.index("chat")

REASON_KEYS = (
    "offered",
    "answered",
    "abandoned",
    "abandon_rate",
    "asa_s",
    "service_level",
    "aht_s",
    "contacts",
    "issues",
    "fcr",
    "repeat_rate",
)
"""The keys of each reason in ``by_reason`` (``cost`` follows when the scenario has costs)."""

GROUP_KEYS = (
    "answered",
    "asa_s",
    "aht_s",
    "fcr",
    "agent_hours",
    "available_hours",
    "occupancy",
    "esat",
)
"""The keys of each group in ``by_group``."""

Breakdown = dict[str, dict[str, float]]
"""Per reason (or group) name, its KPIs (NaN where undefined)."""


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1), math.nan)


def _table(names: list[str], columns: dict[str, np.ndarray]) -> Breakdown:
    return {name: {k: float(v[i]) for k, v in columns.items()} for i, name in enumerate(names)}


def by_reason(rec: Records, scenario: Scenario, kpis: dict[str, float]) -> Breakdown:
    """Per reason, spec A3's KPIs over its contacts and issues (see the module docstring)."""
    n = len(scenario.reasons)
    within = scenario.channels.phone.service_level.answer_within_s
    arrival = as_array(rec.arrival)
    in_window = arrival >= scenario.horizon.warmup_s
    issue_reason = as_array(rec.issue_reason)
    reason = issue_reason[as_array(rec.issue)]
    phone = in_window & (as_array(rec.channel) == PHONE_CHANNEL)
    outcome = as_array(rec.outcome)
    wait = as_array(rec.wait)
    answered = phone & (outcome == ANSWERED)
    kind = as_array(rec.kind)

    def count(mask: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
        w = None if weights is None else weights[mask]
        return np.bincount(reason[mask], weights=w, minlength=n)[:n].astype(np.float64)

    offered = count(phone)
    n_answered = count(answered)
    contacts = count(in_window)
    started = as_array(rec.issue_start) >= scenario.horizon.warmup_s
    counted_reason = issue_reason[started]
    with_answer = (as_array(rec.issue_answered)[started] > 0).astype(np.float64)
    first_resolved = as_array(rec.issue_first_answer_resolved)[started].astype(np.float64)
    columns = {
        "offered": offered,
        "answered": n_answered,
        "abandoned": count(phone & (outcome == ABANDONED)),
        "abandon_rate": _ratio(count(phone & (outcome == ABANDONED)), offered),
        "asa_s": _ratio(count(answered, wait), n_answered),
        "service_level": _ratio(count(answered & (wait <= within)), offered),
        "aht_s": _ratio(count(answered, as_array(rec.handle)), n_answered),
        "contacts": contacts,
        "issues": np.bincount(counted_reason, minlength=n)[:n].astype(np.float64),
        "fcr": _ratio(
            np.bincount(counted_reason, weights=first_resolved, minlength=n)[:n],
            np.bincount(counted_reason, weights=with_answer, minlength=n)[:n],
        ),
        "repeat_rate": _ratio(
            count(in_window & ((kind == REPEAT) | (kind == MISSED_CALLBACK))), contacts
        ),
    }
    if "cost_total" in kpis:
        columns["cost"] = cost_by_reason(rec, scenario, kpis["cost_total"])
    return _table([r.name for r in scenario.reasons], columns)


def by_group(rec: Records, scenario: Scenario) -> Breakdown:
    """Per agent group, its answered legs and its agents' time (see the module docstring)."""
    h = scenario.horizon
    pools = scenario.agents.pools(scenario.channels.names)
    n = len(pools)
    agent_group = np.asarray(rec.agent_group, dtype=np.int64)
    arrival = as_array(rec.arrival)
    outcome = as_array(rec.outcome)
    answered = outcome == ANSWERED
    agent = as_array(rec.agent)
    group = np.full(len(agent), -1, dtype=np.int64)
    group[answered] = agent_group[agent[answered]]
    legs = answered & (arrival >= h.warmup_s) & (as_array(rec.channel) == PHONE_CHANNEL)

    # the last contact of each issue, and the resolved issues
    issue = as_array(rec.issue)
    last = np.full(len(rec.issue_start), -1, dtype=np.int64)
    np.maximum.at(last, issue, np.arange(len(issue)))
    credited = (last[issue] == np.arange(len(issue))) & (
        as_array(rec.issue_outcome)[issue] == RESOLVED
    )
    # escalated second legs (spec D4) count for the group that answered them, their wait from
    # the moment they were put in its queue; the last leg gets the credit, not the call's first
    leg_answered = as_array(rec.leg_outcome) == ANSWERED
    leg_contact = as_array(rec.leg_contact)
    leg_group = np.full(len(leg_contact), -1, dtype=np.int64)
    leg_group[leg_answered] = agent_group[as_array(rec.leg_agent)[leg_answered]]
    credited[leg_contact] = False
    all_group = np.concatenate((group, leg_group))
    legs = np.concatenate((legs, leg_answered & (arrival[leg_contact] >= h.warmup_s)))
    credited = np.concatenate((credited, as_array(rec.leg_resolved).view(bool)))
    wait = np.concatenate((as_array(rec.wait), as_array(rec.leg_wait)))
    handle = np.concatenate((as_array(rec.handle), as_array(rec.leg_handle)))

    def count(mask: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
        w = None if weights is None else weights[mask]
        return np.bincount(all_group[mask], weights=w, minlength=n)[:n].astype(np.float64)

    n_legs = count(legs)
    on_duty, paid = group_seconds(rec, n, h.warmup_s, h.horizon_s)
    return _table(
        [p.name for p in pools],
        {
            "answered": n_legs,
            "asa_s": _ratio(count(legs, wait), n_legs),
            "aht_s": _ratio(count(legs, handle), n_legs),
            "fcr": _ratio(count(legs & credited), n_legs),
            "agent_hours": paid / 3600.0,
            "available_hours": on_duty / 3600.0,
            "occupancy": _ratio(_busy_seconds(rec, scenario, group, agent_group, n), on_duty),
            "esat": mean_esat(*agent_esat(rec, scenario), agent_group, n),
        },
    )


def _busy_seconds(
    rec: Records, scenario: Scenario, group: np.ndarray, agent_group: np.ndarray, n: int
) -> np.ndarray:
    """Per group, agent time busy in the window, as the run's ``occupancy`` counts it.

    Answered contacts and outbound calls; a chat counts 1/concurrency.
    """
    h = scenario.horizon
    answered = as_array(rec.outcome) == ANSWERED
    start = (as_array(rec.arrival) + as_array(rec.wait))[answered]
    end = start + as_array(rec.handle)[answered]
    chat = scenario.channels.chat
    share = np.where(
        as_array(rec.channel)[answered] == CHAT_CHANNEL,
        1.0 / (chat.concurrency if chat else 1),
        1.0,
    )
    legs = as_array(rec.leg_outcome) == ANSWERED  # escalated legs (spec D4)
    leg_start = (as_array(rec.leg_queued) + as_array(rec.leg_wait))[legs]
    start = np.concatenate((start, as_array(rec.outbound_start), leg_start))
    leg_end = leg_start + as_array(rec.leg_handle)[legs]
    end = np.concatenate((end, as_array(rec.outbound_end), leg_end))
    share = np.concatenate((share, np.ones(len(rec.outbound_start) + len(leg_start))))
    owner = np.concatenate(
        (
            group[answered],
            agent_group[as_array(rec.outbound_agent)],
            agent_group[as_array(rec.leg_agent)[legs]],
        )
    )
    inside = np.clip(end, h.warmup_s, h.horizon_s) - np.clip(start, h.warmup_s, h.horizon_s)
    return np.bincount(owner, weights=inside * share, minlength=n)[:n]
