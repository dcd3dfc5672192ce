"""KPIs of spec A3 and the interval and agent tables, from the records of a replication.

Contact KPIs count contacts that *arrive* after warm-up; issue KPIs count issues that
*start* after warm-up, with all their contacts. Occupancy and agents on duty are measured
by clock time. Nothing here knows SimPy: records in, tables out.

The KPIs read the record columns through numpy views (:func:`~simulator.engine.records.as_array`,
no copy) and build no per-contact or per-issue frame: a run that keeps no tables needs little
more memory than its records. Tables come as numpy :class:`~simulator.results.columns.Columns`;
only the per-issue table, which a run keeps on request, needs pandas.
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING
from weakref import ref

import numpy as np

from simulator.engine import timeline
from simulator.engine.records import (
    ABANDONED,
    ANSWERED,
    CALLBACK,
    CONSULT_MADE,
    DEFLECTED,
    GAVE_UP,
    ISSUE_OUTCOMES,
    JOB_MADE,
    MISSED_CALLBACK,
    NEW,
    NOT_CALLED,
    OPEN,
    PREVENTED,
    PROACTIVE_OUTCOMES,
    REDIAL,
    REPEAT,
    RESOLVED,
    SELF_SERVICE_FAILED,
    SELF_SERVICE_OUTCOMES,
    TRANSFER,
    WAITING,
    Records,
    as_array,
)
from simulator.results.catalogue import entry
from simulator.results.columns import Categorical, Columns
from simulator.results.satisfaction import ces, csat, nps_contributions
from simulator.scenario.models import CHANNELS, Satisfaction, Scenario

if TYPE_CHECKING:
    import pandas as pd

PHONE, CHAT, EMAIL = (CHANNELS.index(c) for c in ("phone", "chat", "email"))


def worth_showing(key: str, mean: float | None, ci95: float | None) -> bool:
    """A table row for ``key``: always for spec A2 keys, else when it is not 0 or undefined.

    A scenario without chat has no chat KPIs worth a row.
    """
    kpi = entry(key)
    return (kpi is not None and kpi.a2) or bool(mean) or bool(ci95)


def _ratio(num: float, den: float) -> float:
    return num / den if den else math.nan


def segment_time_per_bin(
    starts: np.ndarray,
    ends: np.ndarray,
    edges: np.ndarray,
    weights: np.ndarray | None = None,
) -> np.ndarray:
    """Total (weighted) time that segments ``[starts, ends)`` overlap each bin.

    The bins are ``[edges[k], edges[k+1])``; a chat counts 1/concurrency of an agent.

    Uses ``F(t) = sum(w clip(t - s, 0)) - sum(w clip(t - e, 0))`` evaluated at the edges with
    sorted cumulative sums, so it is O(n log n) whatever the number of bins.
    """
    w = np.ones(len(starts)) if weights is None else np.asarray(weights, dtype=np.float64)

    def covered_until(points: np.ndarray) -> np.ndarray:
        order = np.argsort(points, kind="stable")
        pts, ws = points[order], w[order]
        wsum = np.concatenate(([0.0], np.cumsum(ws)))
        csum = np.concatenate(([0.0], np.cumsum(ws * pts)))
        k = np.searchsorted(pts, edges, side="left")
        return wsum[k] * edges - csum[k]

    return np.diff(covered_until(np.asarray(starts)) - covered_until(np.asarray(ends)))


def level_time_per_bin(times: np.ndarray, levels: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Integral per bin of a step function that takes ``levels[i]`` from ``times[i]`` on."""
    times = np.asarray(times, dtype=np.float64)
    levels = np.asarray(levels, dtype=np.float64)
    area = np.concatenate(([0.0], np.cumsum(np.diff(times) * levels[:-1])))

    def area_until(t: np.ndarray) -> np.ndarray:
        k = np.searchsorted(times, t, side="right") - 1
        valid = k >= 0
        kk = np.where(valid, k, 0)
        return np.where(valid, area[kk] + levels[kk] * (t - times[kk]), 0.0)

    return np.diff(area_until(edges))


def _contact_arrays(rec: Records) -> dict[str, np.ndarray]:
    names = ("arrival", "wait", "outcome", "handle", "kind", "issue", "hold", "channel")
    return {name: as_array(getattr(rec, name)) for name in names}


def _busy_segments(c: Mapping[str, np.ndarray], rec: Records) -> tuple[np.ndarray, np.ndarray]:
    """Agent busy time: answered contacts, outbound calls made by agents, escalated legs."""
    answered = c["outcome"] == ANSWERED
    start = c["arrival"][answered] + c["wait"][answered]
    leg_start, leg_end = _leg_segments(rec)
    return (
        np.concatenate((start, as_array(rec.outbound_start), leg_start)),
        np.concatenate((start + c["handle"][answered], as_array(rec.outbound_end), leg_end)),
    )


def _answered_legs(rec: Records) -> np.ndarray:
    """Which escalated legs (spec D4) an agent answered."""
    return as_array(rec.leg_outcome) == ANSWERED


def _leg_segments(rec: Records) -> tuple[np.ndarray, np.ndarray]:
    """The second agents' busy time of the answered escalated legs."""
    answered = _answered_legs(rec)
    start = (as_array(rec.leg_queued) + as_array(rec.leg_wait))[answered]
    return start, start + as_array(rec.leg_handle)[answered]


def _busy_agents(rec: Records, answered: np.ndarray) -> np.ndarray:
    """The agent of each busy segment, in :func:`_busy_segments`' order."""
    return np.concatenate(
        (
            as_array(rec.agent)[answered],
            as_array(rec.outbound_agent),
            as_array(rec.leg_agent)[_answered_legs(rec)],
        )
    )


def _busy_weights(c: Mapping[str, np.ndarray], rec: Records, chat_k: int) -> np.ndarray:
    """Share of an agent each busy segment takes: 1, or 1/concurrency for a chat."""
    answered = c["outcome"] == ANSWERED
    w = np.where(c["channel"][answered] == CHAT, 1.0 / chat_k, 1.0)
    n_legs = int(_answered_legs(rec).sum())
    return np.concatenate((w, np.ones(len(rec.outbound_start) + n_legs)))


def _occupancy_per_interval(
    rec: Records, c: Mapping[str, np.ndarray], edges: np.ndarray, chat_k: int
) -> tuple[np.ndarray, np.ndarray]:
    """Busy agent time and on-duty agent time per interval (seconds)."""
    busy = segment_time_per_bin(*_busy_segments(c, rec), edges, _busy_weights(c, rec, chat_k))
    duty = level_time_per_bin(as_array(rec.duty_time), as_array(rec.duty_level), edges)
    return busy, duty


def _level_integral(times: array[float], levels: array[int], edges: np.ndarray) -> np.ndarray:
    if not times:
        return np.zeros(len(edges) - 1)
    return level_time_per_bin(as_array(times), as_array(levels), edges)


def _shrinkage_time(rec: Records, edges: np.ndarray) -> np.ndarray:
    """Paid agent time off the line per bin (spec D11): away on breaks or off the phone, absent.

    Zero when no shrinkage is simulated (the levels are empty).
    """
    return _level_integral(rec.away_time, rec.away_level, edges) + _level_integral(
        rec.absent_time, rec.absent_level, edges
    )


def agent_table(rec: Records, scenario: Scenario) -> pd.DataFrame:
    """:func:`agent_columns` as a DataFrame."""
    return agent_columns(rec, scenario).frame()


def agent_columns(rec: Records, scenario: Scenario) -> Columns:
    """One row per agent: contacts handled, busy hours and the longest stretch worked.

    Contacts and outbound calls handled; busy hours (a chat counts 1/concurrency); the longest
    stretch worked back to back, each piece of work starting before everything in hand had ended.
    Burn-out shows here, not in averages.
    """
    c = _contact_arrays(rec)
    answered = c["outcome"] == ANSWERED
    inbound_agent = as_array(rec.agent)[answered]
    outbound_agent = as_array(rec.outbound_agent)
    agent = _busy_agents(rec, answered)
    start, end = _busy_segments(c, rec)
    weights = _busy_weights(c, rec, _chat_k(scenario))
    n = len(rec.agent_group)
    longest = _longest_per_agent(rec)
    groups = [p.name for p in scenario.agents.pools(scenario.channels.names)]
    return Columns(
        {
            "replication": np.full(n, rec.replication, dtype=np.int32),
            "agent": np.arange(n, dtype=np.int32),
            "group": Categorical(np.asarray(rec.agent_group, dtype=np.int64), groups),
            "contacts": np.bincount(inbound_agent, minlength=n)[:n],
            "outbound_calls": np.bincount(outbound_agent, minlength=n)[:n],
            "busy_h": np.bincount(agent, weights=(end - start) * weights, minlength=n)[:n] / 3600,
            "longest_stretch_h": longest / 3600.0,
        }
    )


def agent_esat(
    rec: Records, scenario: Scenario, run_kpis: Mapping[str, float] | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Per agent: the employee-satisfaction proxy, and whether it answered a contact in the window.

    The proxy's parts (:mod:`simulator.results.wellbeing`): the occupancy of the agent's group
    over the window, the agent's longest back-to-back stretch (as :func:`agent_columns`), the
    share of paid hours that were overtime, the agent's share of repeat contacts. A single pool's
    occupancy and overtime are the run's, taken from ``run_kpis`` when given.
    """
    from simulator.results.wellbeing import agent_esat as esat

    h = scenario.horizon
    c = _contact_arrays(rec)
    answered = c["outcome"] == ANSWERED
    agent = _busy_agents(rec, answered)
    start, end = _busy_segments(c, rec)
    n_groups = len(scenario.agents.pools(scenario.channels.names))
    if n_groups == 1 and run_kpis is not None:
        occupancy = np.array([run_kpis["occupancy"]])
        paid_h = run_kpis["agent_hours"]
        overtime_share = run_kpis["overtime_h"] / paid_h if paid_h > 0 else 0.0
    else:
        from simulator.results.costs import group_seconds

        weights = _busy_weights(c, rec, _chat_k(scenario))
        agent_group = np.asarray(rec.agent_group, dtype=np.int64)
        inside = np.clip(end, h.warmup_s, h.horizon_s) - np.clip(start, h.warmup_s, h.horizon_s)
        busy = np.bincount(agent_group[agent], weights=inside * weights, minlength=n_groups)
        on_duty, paid = group_seconds(rec, n_groups, h.warmup_s, h.horizon_s)
        occupancy = np.divide(
            busy[:n_groups], on_duty, out=np.full(n_groups, np.nan), where=on_duty > 0
        )
        window = np.array([h.warmup_s, max(rec.end_time, h.horizon_s)])
        overtime = _level_integral(rec.overtime_time, rec.overtime_level, window)[0]
        overtime_share = overtime / paid.sum() if paid.sum() > 0 else 0.0
    longest = _longest_per_agent(rec) / 3600.0
    return esat(rec, scenario, occupancy, longest, overtime_share)


_longest_of: tuple[ref[Records], np.ndarray] | None = None


def _longest_per_agent(rec: Records) -> np.ndarray:
    """Each agent's longest back-to-back stretch in seconds, computed once per replication.

    The KPI, the agent table, the wellbeing proxy and ``by_group`` all read it; it sorts every
    piece of work, the dearest step after a run, so the last records' result is kept (by
    identity, through a weak reference: it never outlives them).
    """
    global _longest_of
    if _longest_of is not None and _longest_of[0]() is rec:
        return _longest_of[1]
    c = _contact_arrays(rec)
    agent = _busy_agents(rec, c["outcome"] == ANSWERED)
    start, end = _busy_segments(c, rec)
    longest = _longest_stretches(agent, start, end, len(rec.agent_group))
    _longest_of = (ref(rec), longest)
    return longest


def _longest_stretches(agent: np.ndarray, start: np.ndarray, end: np.ndarray, n: int) -> np.ndarray:
    """Per agent, the longest time worked back to back (seconds), one agent at a time.

    Sorted by start, a piece of work opens a new stretch when it starts more than 1e-9 s after
    all earlier work of the agent ended. Each piece ends after it starts, so at a new stretch
    the running maximum of the ends restarts by itself: it is the stretch's end throughout,
    and no per-piece Python loop is needed.
    """
    longest = np.zeros(n)
    order = np.lexsort((start, agent))
    agent, start, end = agent[order], start[order], end[order]
    bounds = np.flatnonzero(np.diff(agent)) + 1
    for lo, hi in zip(np.r_[0, bounds], np.r_[bounds, len(agent)], strict=True):
        if lo == hi:
            continue
        s, last = start[lo:hi], np.maximum.accumulate(end[lo:hi])
        new = np.r_[True, s[1:] > last[:-1] + 1e-9]
        first = np.flatnonzero(new)
        ends = np.r_[first[1:] - 1, len(s) - 1]
        longest[agent[lo]] = (last[ends] - s[first]).max()
    return longest


def _job_arrays(rec: Records) -> dict[str, np.ndarray]:
    return {
        "issue": as_array(rec.job_issue),
        "mode": as_array(rec.job_mode),
        "deadline": as_array(rec.job_deadline),
        "done": as_array(rec.job_done),
        "status": as_array(rec.job_status),
        "missed": as_array(rec.job_missed).view(bool),
    }


def _per_issue(
    c: Mapping[str, np.ndarray], n: int
) -> Callable[[np.ndarray, np.ndarray | None], np.ndarray]:
    """``per_issue(mask, weights)``: per issue, the (weighted) count of its contacts in ``mask``."""
    issue = c["issue"]

    def per_issue(mask: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
        w = None if weights is None else weights[mask]
        return np.bincount(issue[mask], weights=w, minlength=n)[:n]

    return per_issue


def _journey_effects(
    rec: Records, c: Mapping[str, np.ndarray], j: Mapping[str, np.ndarray]
) -> dict[str, np.ndarray]:
    """Per issue, what its journey did to the customer: the inputs of the satisfaction proxies.

    Counts are int32 and yes/no flags bool: a float parameter times either gives the float64 it
    gave times a float64 count (every count is exact), in a quarter of the memory or less.
    """
    n = len(rec.issue_start)
    per_issue = _per_issue(c, n)
    done = c["outcome"] != WAITING
    email = c["channel"] == EMAIL

    def count(mask: np.ndarray) -> np.ndarray:
        return per_issue(mask).astype(np.int32)

    return {
        "wait_min": per_issue(done & ~email, c["wait"]) / 60.0,
        "email_wait_h": per_issue(done & email, c["wait"]) / 3600.0,
        "abandoned": count(c["outcome"] == ABANDONED),
        "repeats": count((c["kind"] == REPEAT) | (c["kind"] == MISSED_CALLBACK)),
        "missed": np.bincount(j["issue"][j["missed"]], minlength=n)[:n].astype(np.int32),
        "failed_ss": as_array(rec.issue_self_service) == SELF_SERVICE_FAILED,
        "unresolved": as_array(rec.issue_outcome) == GAVE_UP,
        "contacts": np.bincount(c["issue"], minlength=n)[:n].astype(np.int32),
        "redials": count(c["kind"] == REDIAL),
    }


def _satisfaction(model: Satisfaction, e: Mapping[str, np.ndarray]) -> tuple[np.ndarray, ...]:
    """Per issue: CSAT, CES and NPS contribution, for every issue (open ones too)."""
    csat_score = csat(
        model,
        wait_min=e["wait_min"],
        email_wait_h=e["email_wait_h"],
        abandoned=e["abandoned"],
        repeats=e["repeats"],
        missed_callbacks=e["missed"],
        failed_self_service=e["failed_ss"],
        unresolved=e["unresolved"],
    )
    ces_score = ces(
        model,
        wait_min=e["wait_min"],
        email_wait_h=e["email_wait_h"],
        contacts=e["contacts"] - e["redials"],
        missed_callbacks=e["missed"],
        failed_self_service=e["failed_ss"],
        unresolved=e["unresolved"],
    )
    return csat_score, ces_score, nps_contributions(model, csat_score)


def journey_table(rec: Records, scenario: Scenario) -> pd.DataFrame:
    """One row per issue: its contacts, outcome, time to resolution and satisfaction proxies.

    Satisfaction is NaN for issues still open at the end: their journey is not over.
    """
    import pandas as pd  # only runs that keep per-issue tables pay for it

    c = _contact_arrays(rec)
    j = _job_arrays(rec)
    n = len(rec.issue_start)
    per_issue = _per_issue(c, n)
    e = _journey_effects(rec, c, j)
    promised = np.bincount(j["issue"][j["mode"] == CALLBACK], minlength=n)[:n]
    outcome = np.array(rec.issue_outcome, dtype=np.int8)  # a copy: the frame keeps its codes
    start = as_array(rec.issue_start)
    end = as_array(rec.issue_end)
    csat_score, ces_score, nps = _satisfaction(scenario.satisfaction, e)
    closed = outcome != OPEN
    reason_names = [r.name for r in scenario.reasons]
    return pd.DataFrame(
        {
            "replication": np.full(n, rec.replication, dtype=np.int32),
            "issue": np.arange(n, dtype=np.int64),
            "reason": pd.Categorical.from_codes(
                as_array(rec.issue_reason).astype(np.int64), categories=reason_names
            ),
            "start_h": start / 3600.0,
            "in_warmup": start < scenario.horizon.warmup_s,
            "outcome": pd.Categorical.from_codes(outcome, categories=list(ISSUE_OUTCOMES)),
            "self_service": pd.Categorical.from_codes(
                np.array(rec.issue_self_service, dtype=np.int8),
                categories=list(SELF_SERVICE_OUTCOMES),
            ),
            "proactive": pd.Categorical.from_codes(
                np.array(rec.issue_proactive, dtype=np.int8), categories=list(PROACTIVE_OUTCOMES)
            ),
            "contacts": e["contacts"].astype(np.int64),
            "new_contacts": per_issue(c["kind"] == NEW).astype(np.int64),
            "repeat_contacts": per_issue(c["kind"] == REPEAT).astype(np.int64),
            "missed_callback_contacts": per_issue(c["kind"] == MISSED_CALLBACK).astype(np.int64),
            "redials": e["redials"].astype(np.int64),
            "answered": as_array(rec.issue_answered).astype(np.int64),
            "abandoned": e["abandoned"].astype(np.int64),
            "wait_s": e["wait_min"] * 60.0,
            "email_wait_h": e["email_wait_h"],
            "resolved_first_contact": as_array(rec.issue_first_answer_resolved).astype(bool),
            "resolution_h": np.where(outcome == RESOLVED, (end - start) / 3600.0, np.nan),
            "callbacks_promised": promised.astype(np.int64),
            "callbacks_missed": e["missed"].astype(np.int64),
            "transfers": np.bincount(j["issue"][j["mode"] == TRANSFER], minlength=n)[:n],
            "csat": np.where(closed, csat_score, np.nan),
            "ces": np.where(closed, ces_score, np.nan),
            "nps_contribution": np.where(closed, nps, np.nan),
        },
        copy=False,  # every column is a new array: a copy would hold each issue's row twice
    )


def replication_kpis(rec: Records, scenario: Scenario) -> dict[str, float]:
    """The KPIs of one replication (NaN where undefined, e.g. ASA with nothing answered).

    Issue KPIs come from the record columns, not from a ``journey_table``: the same numbers
    (each computed over the same values in the same order) without a frame of every issue.
    """
    h = scenario.horizon
    sl = scenario.channels.phone.service_level
    chat_k = _chat_k(scenario)
    c = _contact_arrays(rec)
    in_window = c["arrival"] >= h.warmup_s
    counted = in_window & (c["channel"] == PHONE)  # spec A3: offered etc. are phone contacts
    n_contacts = int(in_window.sum())
    outcome = c["outcome"][counted]
    wait = c["wait"][counted]
    answered = outcome == ANSWERED
    n_offered = int(counted.sum())
    n_answered = int(answered.sum())
    answered_wait = wait[answered]

    edges = np.array([h.warmup_s, h.horizon_s])
    busy, on_duty = (x[0] for x in _occupancy_per_interval(rec, c, edges, chat_k))
    n_bins = round(h.horizon_s / h.interval_s)
    bins = np.arange(n_bins + 1, dtype=np.float64) * h.interval_s
    bin_busy, bin_duty = _occupancy_per_interval(rec, c, bins, chat_k)
    staffed = (bin_duty > 0) & (bins[:-1] >= h.warmup_s)
    bin_occupancy = bin_busy[staffed] / bin_duty[staffed]
    overtime = _level_integral(
        rec.overtime_time,
        rec.overtime_level,
        np.array([h.warmup_s, max(rec.end_time, h.horizon_s)]),
    )[0]
    window = h.horizon_s - h.warmup_s
    paid = on_duty + _shrinkage_time(rec, edges)[0]  # spec D11: breaks and absence are paid

    start = as_array(rec.issue_start)
    issue_counted = start >= h.warmup_s
    issue_outcome = as_array(rec.issue_outcome)[issue_counted]
    n_issues = int(issue_counted.sum())
    contacts_of_counted = int(issue_counted[c["issue"]].sum())
    resolved = issue_outcome == RESOLVED
    resolution = ((as_array(rec.issue_end)[issue_counted] - start[issue_counted]) / 3600.0)[
        resolved
    ]
    resolution = resolution[~np.isnan(resolution)]
    jobs = _job_arrays(rec)
    job_counted = issue_counted[jobs["issue"]] if len(jobs["issue"]) else jobs["missed"]
    promised = job_counted & (jobs["mode"] == CALLBACK)
    made = promised & (jobs["status"] == JOB_MADE)
    kind = c["kind"][in_window]
    n_missed_contacts = int((kind == MISSED_CALLBACK).sum())
    closed = issue_counted & (as_array(rec.issue_outcome) != OPEN)
    # before the satisfaction arrays exist: each needs memory per contact for a moment
    longest_stretch_h = float(_longest_per_agent(rec).max()) / 3600.0 if rec.agent_group else 0.0
    csat_score, ces_score, nps = (
        x[closed] for x in _satisfaction(scenario.satisfaction, _journey_effects(rec, c, jobs))
    )
    proactive = as_array(rec.issue_proactive)[issue_counted]

    kpis = {
        "offered": float(n_offered),
        "contacts": float(n_contacts),
        "answered": float(n_answered),
        "abandoned": float((outcome == ABANDONED).sum()),
        "abandon_rate": _ratio((outcome == ABANDONED).sum(), n_offered),
        "asa_s": float(answered_wait.mean()) if n_answered else math.nan,
        "service_level": _ratio((answered_wait <= sl.answer_within_s).sum(), n_offered),
        "service_level_excl_short_abandons": _ratio(
            (answered_wait <= sl.answer_within_s).sum(),
            n_offered - ((outcome == ABANDONED) & (wait <= sl.short_abandon_s)).sum(),
        ),
        "service_level_answered": _ratio((answered_wait <= sl.answer_within_s).sum(), n_answered),
        "wait_p90_s": float(np.percentile(answered_wait, 90)) if n_answered else math.nan,
        "aht_s": float(c["handle"][counted][answered].mean()) if n_answered else math.nan,
        "occupancy": _ratio(busy, on_duty),
        "issues": float(n_issues),
        "fcr": _ratio(
            int(as_array(rec.issue_first_answer_resolved)[issue_counted].sum()),
            int((as_array(rec.issue_answered)[issue_counted] > 0).sum()),
        ),
        "repeat_rate": _ratio(((kind == REPEAT) | (kind == MISSED_CALLBACK)).sum(), n_contacts),
        "redials": float((c["kind"][counted] == REDIAL).sum()),
        "contacts_per_issue": _ratio(contacts_of_counted, n_issues),
        "in_system_at_end": float((outcome == WAITING).sum()),
        "resolved": float(resolved.sum()),
        "gave_up": float((issue_outcome == GAVE_UP).sum()),
        "deflected": float((issue_outcome == DEFLECTED).sum()),
        "open_at_end": float((issue_outcome == OPEN).sum()),
        "mean_queue_length": rec.queue_area / window,
        "agent_hours": paid / 3600.0,
        "available_hours": on_duty / 3600.0,
        "simulated_shrinkage": 1.0 - on_duty / paid if paid else math.nan,
        "refused": float((as_array(rec.refused_time) >= h.warmup_s).sum()),
        "resolved_share": _ratio(resolved.sum(), n_issues),
        "gave_up_share": _ratio((issue_outcome == GAVE_UP).sum(), n_issues),
        "deflected_share": _ratio((issue_outcome == DEFLECTED).sum(), n_issues),
        "time_to_resolution_h": float(resolution.mean()) if len(resolution) else math.nan,
        "time_to_resolution_p90_h": (
            float(np.percentile(resolution, 90)) if len(resolution) else math.nan
        ),
        "callbacks_promised": float(promised.sum()),
        "callbacks_on_time": float((made & (jobs["done"] <= jobs["deadline"])).sum()),
        "callbacks_late": float((made & (jobs["done"] > jobs["deadline"])).sum()),
        "callbacks_missed": float((promised & jobs["missed"]).sum()),
        "missed_callback_contacts": float(n_missed_contacts),
        "missed_callback_share": _ratio(n_missed_contacts, n_contacts),
        "transfers": float((job_counted & (jobs["mode"] == TRANSFER)).sum()),
        "consult_hold_h": float(c["hold"][counted][answered].sum()) / 3600.0,
        "csat": _mean_skipping_nan(csat_score),
        "ces": _mean_skipping_nan(ces_score),
        "nps": 100.0 * _mean_skipping_nan(nps),
        "proactive_calls": float((proactive != NOT_CALLED).sum()),
        "prevented": float((proactive == PREVENTED).sum()),
        "overtime_h": overtime / 3600.0,
        "occupancy_above_85_share": (
            float((bin_occupancy > 0.85).mean()) if len(bin_occupancy) else math.nan
        ),
        "occupancy_above_90_share": (
            float((bin_occupancy > 0.90).mean()) if len(bin_occupancy) else math.nan
        ),
        "longest_busy_stretch_h": longest_stretch_h,
        **_chat_kpis(c, in_window, scenario),
        **_email_kpis(c, in_window, scenario, rec.end_time),
        **_after_horizon_kpis(rec, n_contacts),
        **_consult_kpis(rec, c["arrival"], h.warmup_s),
        **_callback_offer_kpis(rec, c, h.warmup_s),
        **_escalation_kpis(rec, c, h.warmup_s),
    }
    esat, worked = agent_esat(rec, scenario, kpis)  # the employee-satisfaction proxy, per agent
    kpis["esat"] = float(esat[worked].mean()) if worked.any() else math.nan
    kpis["leavers"] = float((as_array(rec.leaver_time) >= h.warmup_s).sum())  # attrition
    if scenario.costs is not None:  # spec D2: without prices the cost KPIs are absent, not 0
        from simulator.results.costs import cost_kpis

        kpis |= cost_kpis(rec, scenario, kpis)
        if scenario.costs.lost_customer is not None:  # an assumption, apart from cost_total
            from simulator.results.costs import lost_customer_kpis

            kpis |= lost_customer_kpis(rec, scenario)
    return kpis


def _mean_skipping_nan(x: np.ndarray) -> float:
    """The mean as pandas takes it (``Series.mean``): NaN counted as 0 in the sum, not in n.

    Written out so that the KPI stays bit-identical to the journey table's column mean.
    """
    valid = ~np.isnan(x)
    n = int(valid.sum())
    if not n:
        return math.nan
    return float((x if n == len(x) else np.where(valid, x, 0.0)).sum() / n)


def _after_horizon_kpis(rec: Records, n_contacts: int) -> dict[str, float]:
    """What fell due after the horizon and was not simulated (spec A3), and its share.

    The share is of all the contacts from warm-up on: ``due / (contacts + due)``. Each would have
    arrived after warm-up, so the share is how much of the customers' contacts the run missed; a
    third-party callback or transfer result counts as one (the customer hears back).
    """
    counts = {
        "repeats_after_horizon": rec.repeats_after_horizon,
        "redials_after_horizon": rec.redials_after_horizon,
        "retries_after_horizon": rec.retries_after_horizon,
        "callbacks_after_horizon": rec.callbacks_after_horizon,
    }
    due = sum(counts.values())
    return {
        **{k: float(v) for k, v in counts.items()},
        "due_after_horizon_share": _ratio(due, n_contacts + due),
    }


def _chat_k(scenario: Scenario) -> int:
    chat = scenario.channels.chat
    return chat.concurrency if chat else 1


def _consult_kpis(rec: Records, arrival: np.ndarray, warmup_s: float) -> dict[str, float]:
    """Consults of the contacts that arrived after the warm-up, every channel.

    Made (a person of the third party reached), fallen back (closed, or no person within the
    longest wait), and the agents' mean wait for a person before the consults made.
    """
    contact = as_array(rec.consult_contact)
    counted = arrival[contact] >= warmup_s if len(contact) else np.zeros(0, dtype=bool)
    made = counted & (as_array(rec.consult_outcome) == CONSULT_MADE)
    n_made = int(made.sum())
    return {
        "consults": float(n_made),
        "consult_fallbacks": float(int(counted.sum()) - n_made),
        "consult_wait_s": float(as_array(rec.consult_wait)[made].mean()) if n_made else math.nan,
    }


def _callback_offer_kpis(
    rec: Records, c: Mapping[str, np.ndarray], warmup_s: float
) -> dict[str, float]:
    """The center's callback offer (spec D5) for the calls that arrived after the warm-up.

    Calls offered a callback, those whose caller accepted, and the mean wait (arrival to the
    start of the callback) of the accepted calls that were called back.
    """
    contact = as_array(rec.offer_contact)
    counted = c["arrival"][contact] >= warmup_s
    offered = contact[counted]
    accepted = contact[counted & (as_array(rec.offer_accepted) != 0)]
    called = accepted[c["outcome"][accepted] == ANSWERED]
    return {
        "callbacks_offered": float(len(offered)),
        "callbacks_accepted": float(len(accepted)),
        "callback_wait_s": float(c["wait"][called].mean()) if len(called) else math.nan,
    }


def _escalation_kpis(
    rec: Records, c: Mapping[str, np.ndarray], warmup_s: float
) -> dict[str, float]:
    """Escalated legs (spec D4) of the calls that arrived after the warm-up.

    Legs put in a second queue, the mean wait in that queue of those answered, and those whose
    caller hung up there.
    """
    contact = as_array(rec.leg_contact)
    counted = c["arrival"][contact] >= warmup_s
    outcome = as_array(rec.leg_outcome)[counted]
    answered = outcome == ANSWERED
    return {
        "escalations": float(counted.sum()),
        "escalation_asa_s": (
            float(as_array(rec.leg_wait)[counted][answered].mean()) if answered.any() else math.nan
        ),
        "escalation_abandoned": float((outcome == ABANDONED).sum()),
    }


def _chat_kpis(
    c: Mapping[str, np.ndarray], in_window: np.ndarray, scenario: Scenario
) -> dict[str, float]:
    """The phone's queue KPIs for chats (NaN-free zeros when the scenario has no chat)."""
    mask = in_window & (c["channel"] == CHAT)
    outcome, wait = c["outcome"][mask], c["wait"][mask]
    n = int(mask.sum())
    answered = outcome == ANSWERED
    within = scenario.channels.chat.service_level.answer_within_s if scenario.channels.chat else 0
    return {
        "chat_offered": float(n),
        "chat_answered": float(answered.sum()),
        "chat_abandoned": float((outcome == ABANDONED).sum()),
        "chat_in_system_at_end": float((outcome == WAITING).sum()),
        "chat_abandon_rate": _ratio((outcome == ABANDONED).sum(), n),
        "chat_asa_s": float(wait[answered].mean()) if answered.any() else math.nan,
        "chat_service_level": _ratio((wait[answered] <= within).sum(), n),
    }


def _email_kpis(
    c: Mapping[str, np.ndarray], in_window: np.ndarray, scenario: Scenario, end: float
) -> dict[str, float]:
    """E-mail is a backlog: received = answered + still in the backlog at the end.

    The service level counts waits in the e-mail's business hours (``email_business_waits``);
    an e-mail still in the backlog at the end (``end``) counts against it only when already
    overdue then, else it is left out of the base.
    """
    mask = in_window & (c["channel"] == EMAIL)
    outcome, wait = c["outcome"][mask], c["wait"][mask]
    n = int(mask.sum())
    answered = outcome == ANSWERED
    email = scenario.channels.email
    within = email.service_level.answer_within_h * 3600.0 if email else 0.0
    backlog = outcome == WAITING
    arrival = c["arrival"][mask]
    counted_wait = email_business_waits(
        scenario, arrival, np.where(backlog, np.maximum(end - arrival, 0.0), wait)
    )
    overdue = backlog & (counted_wait > within)
    return {
        "email_received": float(n),
        "email_answered": float(answered.sum()),
        "email_backlog_end": float(backlog.sum()),
        "email_service_level": _ratio(
            (counted_wait[answered] <= within).sum(), answered.sum() + overdue.sum()
        ),
        "email_throughput_h": float(wait[answered].mean()) / 3600.0 if answered.any() else math.nan,
    }


def email_business_waits(scenario: Scenario, arrival: np.ndarray, wait: np.ndarray) -> np.ndarray:
    """The part of each e-mail's wait that falls in its business hours, seconds.

    Business hours are ``channels.email.opening_hours`` (else ``calendar.opening_hours``) with
    the holidays closed; with neither hours nor holidays the wait is the clock time itself.
    """
    email = scenario.channels.email
    hours = (email.opening_hours if email else None) or scenario.calendar.opening_hours
    calendar = timeline.clock(scenario, hours or {})  # {}: no weekly hours, not the phone's
    if calendar.always_open:
        return wait
    return calendar.open_seconds_until(arrival + wait) - calendar.open_seconds_until(arrival)


def interval_table(rec: Records, scenario: Scenario) -> pd.DataFrame:
    """:func:`interval_columns` as a DataFrame."""
    return interval_columns(rec, scenario).frame()


def interval_columns(rec: Records, scenario: Scenario) -> Columns:
    """Per reporting interval: contact KPIs by arrival time, staffing and occupancy by clock."""
    from simulator.results.wellbeing import interval_esat

    h = scenario.horizon
    sl = scenario.channels.phone.service_level
    chat_k = _chat_k(scenario)
    c = _contact_arrays(rec)
    n_bins = round(h.horizon_s / h.interval_s)
    edges = np.arange(n_bins + 1, dtype=np.float64) * h.interval_s
    bin_of = np.minimum((c["arrival"] // h.interval_s).astype(np.int64), n_bins - 1)
    phone = c["channel"] == PHONE
    answered = (c["outcome"] == ANSWERED) & phone
    abandoned = (c["outcome"] == ABANDONED) & phone
    email = c["channel"] == EMAIL
    email_answered = email & (c["outcome"] == ANSWERED)
    # e-mails in the backlog at each interval end: received by then, not yet picked up
    picked = np.where(c["outcome"] == ANSWERED, c["arrival"] + c["wait"], np.inf)[email]
    received_by = np.searchsorted(np.sort(c["arrival"][email]), edges[1:], side="right")
    picked_by = np.searchsorted(np.sort(picked), edges[1:], side="right")

    def count(mask: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
        w = None if weights is None else weights[mask]
        return np.bincount(bin_of[mask], weights=w, minlength=n_bins)[:n_bins]

    offered = count(phone)
    n_answered = count(answered)
    with np.errstate(invalid="ignore", divide="ignore"):
        asa = count(answered, c["wait"]) / n_answered
        aht = count(answered, c["handle"]) / n_answered
        in_time = count(answered & (c["wait"] <= sl.answer_within_s))
        sl_met = in_time / offered
        sl_excl_short = in_time / (offered - count(abandoned & (c["wait"] <= sl.short_abandon_s)))
        sl_answered = in_time / n_answered
        email_throughput_h = count(email_answered, c["wait"]) / count(email_answered) / 3600
        busy, duty = _occupancy_per_interval(rec, c, edges, chat_k)
        occupancy = busy / duty
        overtime = _level_integral(rec.overtime_time, rec.overtime_level, edges)
        all_answered = c["outcome"] == ANSWERED
        came_back = all_answered & ((c["kind"] == REPEAT) | (c["kind"] == MISSED_CALLBACK))
        n_all = count(all_answered)
        repeat_share = np.divide(count(came_back), n_all, out=np.zeros(n_bins), where=n_all > 0)
        esat = interval_esat(scenario, occupancy, overtime / duty, repeat_share)
    return Columns(
        {
            "replication": rec.replication,
            "interval": np.arange(n_bins),
            "start_min": edges[:-1] / 60.0,
            "in_warmup": edges[:-1] < h.warmup_s,
            "offered": offered.astype(np.int64),
            "answered": n_answered.astype(np.int64),
            "abandoned": count(abandoned).astype(np.int64),
            "new_contacts": count(c["kind"] == NEW).astype(np.int64),
            "repeat_contacts": count(c["kind"] == REPEAT).astype(np.int64),
            "missed_callback_contacts": count(c["kind"] == MISSED_CALLBACK).astype(np.int64),
            "redials": count(c["kind"] == REDIAL).astype(np.int64),
            "chat_offered": count(c["channel"] == CHAT).astype(np.int64),
            "email_received": count(email).astype(np.int64),
            "email_backlog": (received_by - picked_by).astype(np.int64),
            "email_throughput_h": email_throughput_h,
            "refused": np.bincount(
                np.minimum(
                    (as_array(rec.refused_time) // h.interval_s).astype(np.int64), n_bins - 1
                ),
                minlength=n_bins,
            )[:n_bins],
            "asa_s": asa,
            "service_level": sl_met,
            "service_level_excl_short_abandons": sl_excl_short,
            "service_level_answered": sl_answered,
            "aht_s": aht,
            "agents_on_duty": duty / h.interval_s,
            "agents_scheduled": (duty + _shrinkage_time(rec, edges)) / h.interval_s,
            "overtime_agents": overtime / h.interval_s,
            "occupancy": occupancy,
            "esat": esat,
        }
    )


def conservation_errors(kpis: Mapping[str, float]) -> list[str]:
    """The invariants of spec A3 that a replication's KPIs break (empty when all hold)."""
    k = kpis
    errors = []
    if k["offered"] != k["answered"] + k["abandoned"] + k["in_system_at_end"]:
        errors.append(f"offered {k['offered']} != answered + abandoned + in system")
    chat = k["chat_answered"] + k["chat_abandoned"] + k["chat_in_system_at_end"]
    if k["chat_offered"] != chat:
        errors.append(f"chat offered {k['chat_offered']} != answered + abandoned + in system")
    if k["email_received"] != k["email_answered"] + k["email_backlog_end"]:
        errors.append(f"e-mails received {k['email_received']} != answered + backlog")
    if k["contacts"] != k["offered"] + k["chat_offered"] + k["email_received"]:
        errors.append(f"contacts {k['contacts']} != phone + chat + e-mail")
    outcomes = k["resolved"] + k["gave_up"] + k["deflected"] + k["open_at_end"]
    if k["issues"] != outcomes:
        errors.append(f"issues {k['issues']} != resolved + gave up + deflected + open")
    return errors
