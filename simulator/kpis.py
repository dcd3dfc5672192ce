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
from scipy import stats

from simulator.config import Scenario
from simulator.records import (
    ABANDONED,
    ANSWERED,
    DEFLECTED,
    GAVE_UP,
    OPEN,
    REDIAL,
    REPEAT,
    RESOLVED,
    WAITING,
    Records,
)

# Keys of spec A2/A3, in the order of the terminal table.
KPI_KEYS = (
    "offered",
    "contacts",
    "answered",
    "abandoned",
    "abandon_rate",
    "asa_s",
    "service_level",
    "wait_p90_s",
    "aht_s",
    "occupancy",
    "issues",
    "fcr",
    "repeat_rate",
    "redials",
    "contacts_per_issue",
    "in_system_at_end",
    "resolved",
    "gave_up",
    "deflected",
    "open_at_end",
    "mean_queue_length",
    "agent_hours",
)


def _ratio(num: float, den: float) -> float:
    return num / den if den else math.nan


def segment_time_per_bin(starts: np.ndarray, ends: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Total time that segments ``[starts, ends)`` overlap each bin ``[edges[k], edges[k+1])``.

    Uses ``F(t) = sum(clip(t - s, 0)) - sum(clip(t - e, 0))`` evaluated at the edges with sorted
    cumulative sums, so it is O(n log n) whatever the number of bins.
    """

    def covered_until(points: np.ndarray) -> np.ndarray:
        pts = np.sort(points)
        csum = np.concatenate(([0.0], np.cumsum(pts)))
        k = np.searchsorted(pts, edges, side="left")
        return k * edges - csum[k]

    return np.diff(covered_until(starts) - covered_until(ends))


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
    }


def _busy_segments(c: Mapping[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    answered = c["outcome"] == ANSWERED
    start = c["arrival"][answered] + c["wait"][answered]
    return start, start + c["handle"][answered]


def replication_kpis(rec: Records, scenario: Scenario) -> dict[str, float]:
    """The KPIs of one replication (NaN where undefined, e.g. ASA with nothing answered)."""
    h = scenario.horizon
    sl = scenario.channels.phone.service_level
    c = _contact_arrays(rec)
    counted = c["arrival"] >= h.warmup_s
    outcome = c["outcome"][counted]
    wait = c["wait"][counted]
    answered = outcome == ANSWERED
    n_offered = int(counted.sum())
    n_answered = int(answered.sum())
    answered_wait = wait[answered]

    edges = np.array([h.warmup_s, h.horizon_s])
    busy = segment_time_per_bin(*_busy_segments(c), edges)[0]
    duty_t = np.asarray(rec.duty_time)
    on_duty = level_time_per_bin(duty_t, np.asarray(rec.duty_level), edges)[0]
    window = h.horizon_s - h.warmup_s

    issue_start = np.asarray(rec.issue_start, dtype=np.float64)
    issue_counted = issue_start >= h.warmup_s
    issue_outcome = np.asarray(rec.issue_outcome, dtype=np.int8)[issue_counted]
    issue_answered = np.asarray(rec.issue_answered)[issue_counted]
    first_resolved = np.asarray(rec.issue_first_answer_resolved, dtype=bool)[issue_counted]
    n_issues = int(issue_counted.sum())
    contacts_of_counted = int(issue_counted[c["issue"]].sum()) if len(c["issue"]) else 0

    return {
        "offered": float(n_offered),
        "contacts": float(n_offered),
        "answered": float(n_answered),
        "abandoned": float((outcome == ABANDONED).sum()),
        "abandon_rate": _ratio((outcome == ABANDONED).sum(), n_offered),
        "asa_s": float(answered_wait.mean()) if n_answered else math.nan,
        "service_level": _ratio((answered_wait <= sl.answer_within_s).sum(), n_offered),
        "wait_p90_s": float(np.percentile(answered_wait, 90)) if n_answered else math.nan,
        "aht_s": float(c["handle"][counted][answered].mean()) if n_answered else math.nan,
        "occupancy": _ratio(busy, on_duty),
        "issues": float(n_issues),
        "fcr": _ratio(first_resolved.sum(), (issue_answered > 0).sum()),
        "repeat_rate": _ratio((c["kind"][counted] == REPEAT).sum(), n_offered),
        "redials": float((c["kind"][counted] == REDIAL).sum()),
        "contacts_per_issue": _ratio(contacts_of_counted, n_issues),
        "in_system_at_end": float((outcome == WAITING).sum()),
        "resolved": float((issue_outcome == RESOLVED).sum()),
        "gave_up": float((issue_outcome == GAVE_UP).sum()),
        "deflected": float((issue_outcome == DEFLECTED).sum()),
        "open_at_end": float((issue_outcome == OPEN).sum()),
        "mean_queue_length": rec.queue_area / window,
        "agent_hours": on_duty / 3600.0,
    }


def interval_table(rec: Records, scenario: Scenario) -> pd.DataFrame:
    """Per reporting interval: contact KPIs by arrival time, staffing and occupancy by clock."""
    h = scenario.horizon
    sl = scenario.channels.phone.service_level
    c = _contact_arrays(rec)
    n_bins = round(h.horizon_s / h.interval_s)
    edges = np.arange(n_bins + 1, dtype=np.float64) * h.interval_s
    bin_of = np.minimum((c["arrival"] // h.interval_s).astype(np.int64), n_bins - 1)
    answered = c["outcome"] == ANSWERED
    abandoned = c["outcome"] == ABANDONED

    def count(mask: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
        w = None if weights is None else weights[mask]
        return np.bincount(bin_of[mask], weights=w, minlength=n_bins)[:n_bins]

    offered = count(np.ones_like(answered))
    n_answered = count(answered)
    with np.errstate(invalid="ignore", divide="ignore"):
        asa = count(answered, c["wait"]) / n_answered
        aht = count(answered, c["handle"]) / n_answered
        sl_met = count(answered & (c["wait"] <= sl.answer_within_s)) / offered
        busy = segment_time_per_bin(*_busy_segments(c), edges)
        duty = level_time_per_bin(np.asarray(rec.duty_time), np.asarray(rec.duty_level), edges)
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
            "asa_s": asa,
            "service_level": sl_met,
            "aht_s": aht,
            "agents_on_duty": duty / h.interval_s,
            "occupancy": occupancy,
        }
    )


def conservation_errors(rec: Records, scenario: Scenario) -> list[str]:
    """The invariants of spec A3 that this replication breaks (empty when all hold)."""
    k = replication_kpis(rec, scenario)
    errors = []
    if k["offered"] != k["answered"] + k["abandoned"] + k["in_system_at_end"]:
        errors.append(f"offered {k['offered']} != answered + abandoned + in system")
    outcomes = k["resolved"] + k["gave_up"] + k["deflected"] + k["open_at_end"]
    if k["issues"] != outcomes:
        errors.append(f"issues {k['issues']} != resolved + gave up + deflected + open")
    return errors


def summarise(
    per_replication: pd.DataFrame,
) -> tuple[dict[str, float | None], dict[str, float | None]]:
    """Mean over replications and the half-width t(0.975, n-1) s / sqrt(n) of its 95% CI.

    ``None`` (JSON null) where a KPI is undefined in every replication or n < 2.
    """
    means: dict[str, float | None] = {}
    ci95: dict[str, float | None] = {}
    for key in KPI_KEYS:
        values = per_replication[key].to_numpy(dtype=np.float64)
        values = values[~np.isnan(values)]
        n = len(values)
        means[key] = float(values.mean()) if n else None
        if n >= 2:
            ci95[key] = float(stats.t.ppf(0.975, n - 1) * values.std(ddof=1) / math.sqrt(n))
        else:
            ci95[key] = None
    return means, ci95
