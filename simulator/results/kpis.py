"""KPIs of spec A3, computed from the records of a replication with numpy and pandas only.

Contact KPIs count contacts that *arrive* after warm-up; issue KPIs count issues that
*start* after warm-up, with all their contacts. Occupancy and agents on duty are measured
by clock time. Nothing here knows SimPy: records in, tables out.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd

from simulator.engine.records import (
    ABANDONED,
    ANSWERED,
    CALLBACK,
    DEFLECTED,
    GAVE_UP,
    ISSUE_OUTCOMES,
    JOB_MADE,
    MISSED_CALLBACK,
    NEW,
    OPEN,
    PROACTIVE_OUTCOMES,
    REDIAL,
    REPEAT,
    RESOLVED,
    SELF_SERVICE_FAILED,
    SELF_SERVICE_OUTCOMES,
    TRANSFER,
    WAITING,
    Records,
)
from simulator.results.catalogue import entry
from simulator.results.satisfaction import ces, csat, nps_contributions
from simulator.scenario.models import CHANNELS, Scenario

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
    return {
        "arrival": np.asarray(rec.arrival, dtype=np.float64),
        "wait": np.asarray(rec.wait, dtype=np.float64),
        "outcome": np.asarray(rec.outcome, dtype=np.int8),
        "handle": np.asarray(rec.handle, dtype=np.float64),
        "kind": np.asarray(rec.kind, dtype=np.int8),
        "issue": np.asarray(rec.issue, dtype=np.int64),
        "hold": np.asarray(rec.hold, dtype=np.float64),
        "channel": np.asarray(rec.channel, dtype=np.int8),
    }


def _busy_segments(c: Mapping[str, np.ndarray], rec: Records) -> tuple[np.ndarray, np.ndarray]:
    """Agent busy time: answered contacts and outbound calls made by agents."""
    answered = c["outcome"] == ANSWERED
    start = c["arrival"][answered] + c["wait"][answered]
    return (
        np.concatenate((start, np.asarray(rec.outbound_start, dtype=np.float64))),
        np.concatenate((start + c["handle"][answered], np.asarray(rec.outbound_end))),
    )


def _busy_weights(c: Mapping[str, np.ndarray], rec: Records, chat_k: int) -> np.ndarray:
    """Share of an agent each busy segment takes: 1, or 1/concurrency for a chat."""
    answered = c["outcome"] == ANSWERED
    w = np.where(c["channel"][answered] == CHAT, 1.0 / chat_k, 1.0)
    return np.concatenate((w, np.ones(len(rec.outbound_start))))


def _occupancy_per_interval(
    rec: Records, c: Mapping[str, np.ndarray], edges: np.ndarray, chat_k: int
) -> tuple[np.ndarray, np.ndarray]:
    """Busy agent time and on-duty agent time per interval (seconds)."""
    busy = segment_time_per_bin(*_busy_segments(c, rec), edges, _busy_weights(c, rec, chat_k))
    duty = level_time_per_bin(np.asarray(rec.duty_time), np.asarray(rec.duty_level), edges)
    return busy, duty


def _level_integral(times: list[float], levels: list[int], edges: np.ndarray) -> np.ndarray:
    if not times:
        return np.zeros(len(edges) - 1)
    return level_time_per_bin(np.asarray(times), np.asarray(levels), edges)


def agent_table(rec: Records, scenario: Scenario) -> pd.DataFrame:
    """One row per agent: contacts handled, busy hours and the longest stretch worked.

    Contacts and outbound calls handled; busy hours (a chat counts 1/concurrency); the longest
    stretch worked back to back, each piece of work starting before everything in hand had ended.
    Burn-out shows here, not in averages.
    """
    c = _contact_arrays(rec)
    answered = c["outcome"] == ANSWERED
    inbound_agent = np.asarray(rec.agent, dtype=np.int64)[answered]
    outbound_agent = np.asarray(rec.outbound_agent, dtype=np.int64)
    agent = np.concatenate((inbound_agent, outbound_agent))
    start, end = _busy_segments(c, rec)
    weights = _busy_weights(c, rec, _chat_k(scenario))
    n = len(rec.agent_group)
    longest = np.zeros(n)
    order = np.lexsort((start, agent))
    current, first, last = -1, 0.0, 0.0
    for a, s, e in zip(
        agent[order].tolist(), start[order].tolist(), end[order].tolist(), strict=True
    ):
        if a != current or s > last + 1e-9:  # a new stretch: another agent, or an idle gap
            if current >= 0:
                longest[current] = max(longest[current], last - first)
            current, first, last = a, s, e
        else:
            last = max(last, e)
    if current >= 0:
        longest[current] = max(longest[current], last - first)
    groups = [p.name for p in scenario.agents.pools(scenario.channels.names)]
    return pd.DataFrame(
        {
            "replication": np.full(n, rec.replication, dtype=np.int32),
            "agent": np.arange(n, dtype=np.int32),
            "group": pd.Categorical.from_codes(
                np.asarray(rec.agent_group, dtype=np.int64), categories=groups
            ),
            "contacts": np.bincount(inbound_agent, minlength=n)[:n],
            "outbound_calls": np.bincount(outbound_agent, minlength=n)[:n],
            "busy_h": np.bincount(agent, weights=(end - start) * weights, minlength=n)[:n] / 3600,
            "longest_stretch_h": longest / 3600.0,
        }
    )


def _job_arrays(rec: Records) -> dict[str, np.ndarray]:
    return {
        "issue": np.asarray(rec.job_issue, dtype=np.int64),
        "mode": np.asarray(rec.job_mode, dtype=np.int8),
        "deadline": np.asarray(rec.job_deadline, dtype=np.float64),
        "done": np.asarray(rec.job_done, dtype=np.float64),
        "status": np.asarray(rec.job_status, dtype=np.int8),
        "missed": np.asarray(rec.job_missed, dtype=bool),
    }


def journey_table(rec: Records, scenario: Scenario) -> pd.DataFrame:
    """One row per issue: its contacts, outcome, time to resolution and satisfaction proxies.

    Satisfaction is NaN for issues still open at the end: their journey is not over.
    """
    c = _contact_arrays(rec)
    j = _job_arrays(rec)
    n = len(rec.issue_start)
    issue = c["issue"]

    def per_issue(mask: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
        w = None if weights is None else weights[mask]
        return np.bincount(issue[mask], weights=w, minlength=n)[:n]

    done = c["outcome"] != WAITING
    email = c["channel"] == EMAIL
    wait_min = per_issue(done & ~email, c["wait"]) / 60.0
    email_wait_h = per_issue(done & email, c["wait"]) / 3600.0
    abandoned = per_issue(c["outcome"] == ABANDONED)
    repeats = per_issue((c["kind"] == REPEAT) | (c["kind"] == MISSED_CALLBACK))
    callback = j["mode"] == CALLBACK
    promised = np.bincount(j["issue"][callback], minlength=n)[:n]
    missed = np.bincount(j["issue"][j["missed"]], minlength=n)[:n]
    outcome = np.asarray(rec.issue_outcome, dtype=np.int8)
    self_service = np.asarray(rec.issue_self_service, dtype=np.int8)
    failed_ss = (self_service == SELF_SERVICE_FAILED).astype(np.float64)
    unresolved = (outcome == GAVE_UP).astype(np.float64)
    contacts = np.bincount(issue, minlength=n)[:n].astype(np.int64)
    start = np.asarray(rec.issue_start, dtype=np.float64)
    end = np.asarray(rec.issue_end, dtype=np.float64)
    model = scenario.satisfaction
    csat_score = csat(
        model,
        wait_min=wait_min,
        email_wait_h=email_wait_h,
        abandoned=abandoned,
        repeats=repeats,
        missed_callbacks=missed,
        failed_self_service=failed_ss,
        unresolved=unresolved,
    )
    ces_score = ces(
        model,
        wait_min=wait_min,
        email_wait_h=email_wait_h,
        contacts=contacts - per_issue(c["kind"] == REDIAL),
        missed_callbacks=missed,
        failed_self_service=failed_ss,
        unresolved=unresolved,
    )
    closed = outcome != OPEN
    reason_names = [r.name for r in scenario.reasons]
    return pd.DataFrame(
        {
            "replication": np.full(n, rec.replication, dtype=np.int32),
            "issue": np.arange(n, dtype=np.int64),
            "reason": pd.Categorical.from_codes(
                np.asarray(rec.issue_reason, dtype=np.int64), categories=reason_names
            ),
            "start_h": start / 3600.0,
            "in_warmup": start < scenario.horizon.warmup_s,
            "outcome": pd.Categorical.from_codes(outcome, categories=list(ISSUE_OUTCOMES)),
            "self_service": pd.Categorical.from_codes(
                self_service, categories=list(SELF_SERVICE_OUTCOMES)
            ),
            "proactive": pd.Categorical.from_codes(
                np.asarray(rec.issue_proactive, dtype=np.int8),
                categories=list(PROACTIVE_OUTCOMES),
            ),
            "contacts": contacts,
            "new_contacts": per_issue(c["kind"] == NEW).astype(np.int64),
            "repeat_contacts": per_issue(c["kind"] == REPEAT).astype(np.int64),
            "missed_callback_contacts": per_issue(c["kind"] == MISSED_CALLBACK).astype(np.int64),
            "redials": per_issue(c["kind"] == REDIAL).astype(np.int64),
            "answered": np.asarray(rec.issue_answered, dtype=np.int64),
            "abandoned": abandoned.astype(np.int64),
            "wait_s": wait_min * 60.0,
            "email_wait_h": email_wait_h,
            "resolved_first_contact": np.asarray(rec.issue_first_answer_resolved, dtype=bool),
            "resolution_h": np.where(outcome == RESOLVED, (end - start) / 3600.0, np.nan),
            "callbacks_promised": promised.astype(np.int64),
            "callbacks_missed": missed.astype(np.int64),
            "transfers": np.bincount(j["issue"][j["mode"] == TRANSFER], minlength=n)[:n],
            "csat": np.where(closed, csat_score, np.nan),
            "ces": np.where(closed, ces_score, np.nan),
            "nps_contribution": np.where(closed, nps_contributions(model, csat_score), np.nan),
        }
    )


def replication_kpis(
    rec: Records, scenario: Scenario, journeys: pd.DataFrame | None = None
) -> dict[str, float]:
    """The KPIs of one replication (NaN where undefined, e.g. ASA with nothing answered).

    ``journeys`` is this replication's ``journey_table`` when the caller has it already.
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

    if journeys is None:
        journeys = journey_table(rec, scenario)
    issue_counted = ~journeys["in_warmup"].to_numpy()
    jc = journeys[issue_counted]
    issue_outcome = np.asarray(rec.issue_outcome, dtype=np.int8)[issue_counted]
    n_issues = int(issue_counted.sum())
    contacts_of_counted = int(jc["contacts"].sum())
    resolution = jc["resolution_h"].dropna().to_numpy()
    jobs = _job_arrays(rec)
    job_counted = issue_counted[jobs["issue"]] if len(jobs["issue"]) else jobs["missed"]
    promised = job_counted & (jobs["mode"] == CALLBACK)
    made = promised & (jobs["status"] == JOB_MADE)
    kind = c["kind"][in_window]
    n_missed_contacts = int((kind == MISSED_CALLBACK).sum())
    closed = jc[jc["outcome"] != "open"]

    return {
        "offered": float(n_offered),
        "contacts": float(n_contacts),
        "answered": float(n_answered),
        "abandoned": float((outcome == ABANDONED).sum()),
        "abandon_rate": _ratio((outcome == ABANDONED).sum(), n_offered),
        "asa_s": float(answered_wait.mean()) if n_answered else math.nan,
        "service_level": _ratio((answered_wait <= sl.answer_within_s).sum(), n_offered),
        "wait_p90_s": float(np.percentile(answered_wait, 90)) if n_answered else math.nan,
        "aht_s": float(c["handle"][counted][answered].mean()) if n_answered else math.nan,
        "occupancy": _ratio(busy, on_duty),
        "issues": float(n_issues),
        "fcr": _ratio(jc["resolved_first_contact"].sum(), (jc["answered"] > 0).sum()),
        "repeat_rate": _ratio(((kind == REPEAT) | (kind == MISSED_CALLBACK)).sum(), n_contacts),
        "redials": float((c["kind"][counted] == REDIAL).sum()),
        "contacts_per_issue": _ratio(contacts_of_counted, n_issues),
        "in_system_at_end": float((outcome == WAITING).sum()),
        "resolved": float((issue_outcome == RESOLVED).sum()),
        "gave_up": float((issue_outcome == GAVE_UP).sum()),
        "deflected": float((issue_outcome == DEFLECTED).sum()),
        "open_at_end": float((issue_outcome == OPEN).sum()),
        "mean_queue_length": rec.queue_area / window,
        "agent_hours": on_duty / 3600.0,
        "refused": float((np.asarray(rec.refused_time) >= h.warmup_s).sum()),
        "resolved_share": _ratio((issue_outcome == RESOLVED).sum(), n_issues),
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
        "csat": float(closed["csat"].mean()) if len(closed) else math.nan,
        "ces": float(closed["ces"].mean()) if len(closed) else math.nan,
        "nps": 100.0 * float(closed["nps_contribution"].mean()) if len(closed) else math.nan,
        "proactive_calls": float((jc["proactive"] != "none").sum()),
        "prevented": float((jc["proactive"] == "prevented").sum()),
        "overtime_h": overtime / 3600.0,
        "occupancy_above_85_share": (
            float((bin_occupancy > 0.85).mean()) if len(bin_occupancy) else math.nan
        ),
        "occupancy_above_90_share": (
            float((bin_occupancy > 0.90).mean()) if len(bin_occupancy) else math.nan
        ),
        "longest_busy_stretch_h": float(agent_table(rec, scenario)["longest_stretch_h"].max())
        if rec.agent_group
        else 0.0,
        **_chat_kpis(c, in_window, scenario),
        **_email_kpis(c, in_window, scenario),
        **_after_horizon_kpis(rec, n_contacts),
    }


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
    c: Mapping[str, np.ndarray], in_window: np.ndarray, scenario: Scenario
) -> dict[str, float]:
    """E-mail is a backlog: received = answered + still in the backlog at the end."""
    mask = in_window & (c["channel"] == EMAIL)
    outcome, wait = c["outcome"][mask], c["wait"][mask]
    n = int(mask.sum())
    answered = outcome == ANSWERED
    email = scenario.channels.email
    within = email.service_level.answer_within_h * 3600.0 if email else 0.0
    return {
        "email_received": float(n),
        "email_answered": float(answered.sum()),
        "email_backlog_end": float((outcome == WAITING).sum()),
        "email_service_level": _ratio((wait[answered] <= within).sum(), n),
        "email_throughput_h": float(wait[answered].mean()) / 3600.0 if answered.any() else math.nan,
    }


def interval_table(rec: Records, scenario: Scenario) -> pd.DataFrame:
    """Per reporting interval: contact KPIs by arrival time, staffing and occupancy by clock."""
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
        sl_met = count(answered & (c["wait"] <= sl.answer_within_s)) / offered
        email_throughput_h = count(email_answered, c["wait"]) / count(email_answered) / 3600
        busy, duty = _occupancy_per_interval(rec, c, edges, chat_k)
        occupancy = busy / duty
    return pd.DataFrame(
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
                    (np.asarray(rec.refused_time) // h.interval_s).astype(np.int64), n_bins - 1
                ),
                minlength=n_bins,
            )[:n_bins],
            "asa_s": asa,
            "service_level": sl_met,
            "aht_s": aht,
            "agents_on_duty": duty / h.interval_s,
            "overtime_agents": _level_integral(rec.overtime_time, rec.overtime_level, edges)
            / h.interval_s,
            "occupancy": occupancy,
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
