"""Money (spec D2): what a replication cost, from the prices in ``costs`` and the records.

Every cost KPI is a price of the ``costs`` block times a count a run already reports, so each
euro can be traced to a line of that block:

- ``cost_agents``: ``agent_hour`` x ``agent_hours``, plus per agent group with its own
  ``agent_hour`` the difference of the prices times that group's paid hours, plus
  ``overtime_premium`` x ``agent_hour`` x ``overtime_h`` (overtime hours are inside
  ``agent_hours``: the premium is the extra only). With only ``agent_hour`` set this is exactly
  ``agent_hour`` x ``agent_hours``.
- ``cost_handling``: ``contact_minute`` x handled minutes: the handle time of answered contacts
  of every channel that arrived after the warm-up, and the agents' outbound calls (callbacks,
  proactive calls) begun after it.
- ``cost_third_party``: ``third_party_job`` x jobs: consults made, transfers and promised
  callbacks, created by contacts that arrived after the warm-up (a consult that could not be
  made is no job; its fallback, a transfer or a callback, is one).
- ``cost_total`` the sum of the three; ``cost_per_contact`` = total / ``contacts``,
  ``cost_per_resolved_issue`` = total / ``resolved``; ``cost_of_repeats`` = total x the share of
  handled time that went to repeat and missed-callback contacts.

Customers lost (``costs.lost_customer``, an assumption, off by default) are reported apart and
never added to ``cost_total``: ``lost_customers`` is the expected number of customers whose
relationship ends, summed over the issues that started after the warm-up (as ``gave_up`` counts
them): an issue that ended given up keeps its customer with probability 1 - ``after_gave_up``,
and each of its callback promises that was not kept (``callbacks_missed``) with probability
1 - ``after_missed_callback``, so the customer is lost with 1 minus the product. It is an
expectation, not a draw: the probabilities are assumptions, and a draw would only add noise
(and a random stream). ``cost_lost_customers`` = ``value`` x ``lost_customers``.

The window is ``agent_hours``'s: from the end of the warm-up to the end of the horizon. Paid
time per group comes from the roster's level logs, which say which group each change was in
(``duty_group``, ``away_group``, ``absent_group``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np

from simulator.engine.records import (
    ANSWERED,
    CALLBACK,
    CONSULT_MADE,
    GAVE_UP,
    MISSED_CALLBACK,
    REPEAT,
    Records,
    as_array,
)
from simulator.scenario.models import Scenario


def _group_levels(times, levels, groups, n_groups: int, start: float, end: float) -> np.ndarray:
    """Per group, the time integral over ``[start, end]`` of its part of a level log (seconds).

    Each row of the log is one change of one group (``groups``; -1 for the starting row), so a
    group's level is the running sum of the changes in its rows; the last level holds on.
    """
    if not len(times):
        return np.zeros(n_groups)
    t = as_array(times)
    level = as_array(levels).astype(np.int64)
    group = as_array(groups)
    change = np.diff(level, prepend=0)
    clipped = np.clip(t, start, end)
    length = np.diff(np.append(clipped, end))  # each row's level holds this long in the window
    return np.array(
        [float(np.dot(np.cumsum(np.where(group == g, change, 0)), length)) for g in range(n_groups)]
    )


def group_seconds(rec: Records, n_groups: int, start: float, end: float) -> tuple[np.ndarray, ...]:
    """Per group over ``[start, end]``: time on duty and paid time, seconds.

    On duty is on the line; paid adds agents away on a break or off the phone, and absent ones.
    """
    logs = (
        (rec.duty_time, rec.duty_level, rec.duty_group),
        (rec.away_time, rec.away_level, rec.away_group),
        (rec.absent_time, rec.absent_level, rec.absent_group),
    )
    on_duty, away, absent = (_group_levels(*log, n_groups, start, end) for log in logs)
    return on_duty, on_duty + away + absent


def handled(rec: Records, warmup_s: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """What agents handled in the window, per piece: handle time (s), issue, and repeat or not.

    The pieces are the answered contacts that arrived after ``warmup_s``, then the outbound
    calls begun after it, then the answered escalated legs (spec D4) of those contacts; a
    repeat is a repeat or missed-callback contact (a leg is one when its call is).
    """
    arrival = as_array(rec.arrival)
    answered = (as_array(rec.outcome) == ANSWERED) & (arrival >= warmup_s)
    kind = as_array(rec.kind)
    start = as_array(rec.outbound_start)
    outbound = start >= warmup_s
    leg_contact = as_array(rec.leg_contact)
    legs = (as_array(rec.leg_outcome) == ANSWERED) & (arrival[leg_contact] >= warmup_s)
    leg_kind = kind[leg_contact[legs]]
    kind = kind[answered]
    return (
        np.concatenate(
            (
                as_array(rec.handle)[answered],
                (as_array(rec.outbound_end) - start)[outbound],
                as_array(rec.leg_handle)[legs],
            )
        ),
        np.concatenate(
            (
                as_array(rec.issue)[answered],
                as_array(rec.outbound_issue)[outbound],
                as_array(rec.issue)[leg_contact[legs]],
            )
        ),
        np.concatenate(
            (
                (kind == REPEAT) | (kind == MISSED_CALLBACK),
                np.zeros(outbound.sum(), bool),
                (leg_kind == REPEAT) | (leg_kind == MISSED_CALLBACK),
            )
        ),
    )


def third_party_jobs(rec: Records, warmup_s: float) -> int:
    """Consults made, transfers and promised callbacks of contacts that arrived after warm-up."""
    arrival = as_array(rec.arrival)
    consults = as_array(rec.consult_contact)
    made = as_array(rec.consult_outcome) == CONSULT_MADE
    jobs = as_array(rec.job_contact)
    return int((arrival[consults[made]] >= warmup_s).sum() + (arrival[jobs] >= warmup_s).sum())


def cost_kpis(rec: Records, scenario: Scenario, kpis: Mapping[str, float]) -> dict[str, float]:
    """Spec D2's cost KPIs of one replication (see the module docstring); needs ``costs``."""
    costs = scenario.costs
    assert costs is not None
    h = scenario.horizon
    agents = costs.agent_hour * kpis["agent_hours"]
    groups = scenario.agents.groups or ()
    priced = [(i, g.agent_hour) for i, g in enumerate(groups) if g.agent_hour is not None]
    if priced:
        paid_h = group_seconds(rec, len(groups), h.warmup_s, h.horizon_s)[1] / 3600.0
        agents += sum((price - costs.agent_hour) * paid_h[i] for i, price in priced)
    agents += costs.overtime_premium * costs.agent_hour * kpis["overtime_h"]
    handle, _, repeat = handled(rec, h.warmup_s)
    handle_s = float(handle.sum())
    handling = costs.contact_minute * handle_s / 60.0
    third = costs.third_party_job * third_party_jobs(rec, h.warmup_s)
    total = agents + handling + third
    return {
        "cost_total": total,
        "cost_agents": agents,
        "cost_handling": handling,
        "cost_third_party": third,
        "cost_per_contact": total / kpis["contacts"] if kpis["contacts"] else math.nan,
        "cost_per_resolved_issue": total / kpis["resolved"] if kpis["resolved"] else math.nan,
        "cost_of_repeats": total * float(handle[repeat].sum()) / handle_s if handle_s else math.nan,
    }


def cost_by_reason(rec: Records, scenario: Scenario, cost_total: float) -> np.ndarray:
    """``cost_total`` split over the reasons by their share of the handled time (per reason)."""
    handle, issue, _ = handled(rec, scenario.horizon.warmup_s)
    reason = as_array(rec.issue_reason)[issue]
    per_reason = np.bincount(reason, weights=handle, minlength=len(scenario.reasons))
    total = per_reason.sum()
    if not total:
        return np.full(len(scenario.reasons), math.nan)
    return cost_total * per_reason / total


def lost_customer_kpis(rec: Records, scenario: Scenario) -> dict[str, float]:
    """``lost_customers`` and ``cost_lost_customers`` (see the module docstring)."""
    costs = scenario.costs
    assert costs is not None
    lost = costs.lost_customer
    assert lost is not None
    start = as_array(rec.issue_start)
    counted = start >= scenario.horizon.warmup_s
    gave_up = as_array(rec.issue_outcome) == GAVE_UP
    broken = (as_array(rec.job_mode) == CALLBACK) & as_array(rec.job_missed).view(bool)
    n_broken = np.bincount(as_array(rec.job_issue)[broken], minlength=len(start))[: len(start)]
    stays = np.where(gave_up, 1.0 - lost.after_gave_up, 1.0)
    stays = stays * (1.0 - lost.after_missed_callback) ** n_broken
    expected = float((1.0 - stays)[counted].sum())
    return {"lost_customers": expected, "cost_lost_customers": lost.value * expected}
