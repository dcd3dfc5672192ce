"""Customer journeys: FCR and repeat contacts, third parties and callbacks, self-service,
satisfaction proxies, and the "meer headcount" story, against expectations derived by hand."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
import pytest

from simulator.engine.center import simulate
from simulator.engine.records import CALLBACK, JOB_MADE
from simulator.results.catalogue import KPI_KEYS
from simulator.results.kpis import replication_kpis
from simulator.runs.replications import run
from simulator.scenario.hours import WeeklyHours
from simulator.scenario.loading import load_scenario_dict
from tests.conftest import merge, t_tolerance

BASE: dict[str, Any] = {
    "name": "journeys",
    "seed": 11,
    "replications": 8,
    "horizon": {"days": 1, "warmup_minutes": 0, "interval_minutes": 60},
    # new issues only in the first 4 hours: every journey can end well before the horizon
    "arrivals": {"per_hour": [150.0] * 4 + [0.0] * 20},
    "reasons": [
        {"name": "billing", "share": 1.0, "handle_time": {"dist": "exponential", "mean_s": 300}}
    ],
    "agents": {"headcount": 60},
}


def build(changes: dict[str, Any]) -> Any:
    return load_scenario_dict(merge(BASE, changes), source="<test>")


def reason(**fields: Any) -> list[dict[str, Any]]:
    return [merge(BASE["reasons"][0], fields)]


def mean_and_tolerance(values: pd.Series) -> tuple[float, float]:
    x = values.to_numpy(dtype=float)
    return float(x.mean()), t_tolerance(x.std(ddof=1) / math.sqrt(len(x)), len(x))


def assert_close(values: pd.Series, expected: float) -> None:
    mean, tol = mean_and_tolerance(values)
    assert abs(mean - expected) <= tol, (mean, expected, tol)


@pytest.mark.parametrize("f", [0.5, 0.8])
def test_contacts_per_issue_is_one_over_fcr(f):
    """Repeat probability 1, no limit, FCR f on every contact: contacts ~ Geometric(f)."""
    sc = build(
        {
            "reasons": reason(
                fcr=f,
                repeat={"probability": 1.0, "delay": {"dist": "exponential", "mean_min": 10}},
            )
        }
    )
    s = run(sc, workers=1).summary
    assert (s["open_at_end"] == 0).all()  # the horizon leaves every journey time to finish
    assert_close(s["contacts_per_issue"], 1 / f)
    assert_close(s["repeat_rate"], 1 - f)
    assert_close(s["fcr"], f)
    assert (s["resolved"] == s["issues"]).all()


def test_later_fcr_and_max_contacts_are_honoured():
    """First contact f1, later f2, at most 3 contacts: P(give up) = (1-f1)(1-f2)^2."""
    f1, f2 = 0.4, 0.7
    sc = build(
        {
            "reasons": reason(
                fcr=f1,
                repeat={
                    "probability": 1.0,
                    "delay": {"dist": "exponential", "mean_min": 10},
                    "fcr": f2,
                    "max_contacts": 3,
                },
            )
        }
    )
    s = run(sc, workers=1).summary
    assert_close(s["gave_up_share"], (1 - f1) * (1 - f2) ** 2)
    expected_contacts = 1 + (1 - f1) + (1 - f1) * (1 - f2)
    assert_close(s["contacts_per_issue"], expected_contacts)
    j = run(sc, replications=1, workers=1).journeys
    assert j["contacts"].max() == 3


def third_party_scenario(on_time: float, q: float = 0.4) -> Any:
    """FCR 1, so only missed callbacks make extra contacts; ample third-party capacity, so
    lateness comes from ``on_time_probability`` alone (spec C)."""
    return build(
        {
            "reasons": reason(
                third_party={"party": "backoffice", "probability": q, "mode": {"callback": 1.0}},
                repeat={"probability": 1.0},
            ),
            "third_parties": [
                {
                    "name": "backoffice",
                    "staff": 200,
                    "work_time": {"dist": "deterministic", "value_min": 10},
                    "callback_within_h": 2,
                    "on_time_probability": on_time,
                    "late_delay": {"dist": "deterministic", "value_h": 12},
                    "resolves": 1.0,
                }
            ],
        }
    )


def test_missed_callbacks_cause_the_expected_extra_contacts():
    """Every contact promises a callback with probability q, broken with probability 1 - p (ample
    staff: lateness comes from ``on_time_probability`` alone), and each broken promise brings one
    "where is my callback" contact, which may promise again. So an issue's missed-callback
    contacts K are geometric, P(K >= k) = r**k with r = q(1 - p), independently per issue:
    counts are checked within 4 standard errors of their hand-derived expectation."""
    p, q = 0.6, 0.4
    r = q * (1 - p)
    result = run(third_party_scenario(p, q), workers=1)
    s, extra = result.summary, result.journeys["missed_callback_contacts"]
    n = len(extra)
    assert n == s["issues"].sum()  # no warm-up: every issue counts
    # the sum of n geometric counts: mean r / (1 - r) and variance r / (1 - r)**2 each
    assert abs(extra.sum() - n * r / (1 - r)) <= 4 * math.sqrt(n * r) / (1 - r)
    # a missed-callback contact promises again: two or more broken promises, Binomial(n, r**2)
    repeated = (extra >= 2).sum()
    assert abs(repeated - n * r**2) <= 4 * math.sqrt(n * r**2 * (1 - r**2))
    promised, missed = s["callbacks_promised"].sum(), s["callbacks_missed"].sum()
    assert abs(missed - promised * (1 - p)) <= 4 * math.sqrt(promised * p * (1 - p))
    assert (s["missed_callback_contacts"] == s["callbacks_missed"]).all()
    assert (s["contacts"] == s["issues"] + s["missed_callback_contacts"]).all()
    # a promise is kept in time or missed (a late callback was missed first); none is left over
    assert (s["callbacks_on_time"] + s["callbacks_missed"] == s["callbacks_promised"]).all()


def test_reliable_third_party_removes_the_extra_contacts():
    s = run(third_party_scenario(1.0), workers=1).summary
    assert (s["missed_callback_contacts"] == 0).all()
    assert (s["callbacks_missed"] == 0).all()
    assert (s["callbacks_on_time"] == s["callbacks_promised"]).all()
    assert (s["contacts_per_issue"] == 1.0).all()
    assert (s["resolved"] == s["issues"]).all()


def test_callbacks_resolve_later_and_do_not_count_as_fcr():
    s = run(third_party_scenario(1.0, q=0.5), workers=1).summary
    # an issue handed to the back office is resolved by the callback, not by the first contact
    assert_close(s["fcr"], 0.5)
    assert (s["time_to_resolution_h"] > 0).all()


ALL_FEATURES: dict[str, Any] = {
    "replications": 3,
    "horizon": {"days": 2, "warmup_minutes": 120, "interval_minutes": 30},
    "arrivals": {"per_hour": 120},
    "reasons": [
        {
            "name": "billing",
            "share": 0.6,
            "handle_time": {"dist": "lognormal", "mean_s": 360, "cv": 0.8},
            "wrap_up_s": 20,
            "fcr": 0.55,
            "repeat": {
                "probability": 0.8,
                "delay": {"dist": "exponential", "mean_h": 3},
                "fcr": 0.7,
                "max_contacts": 4,
            },
            "self_service": {"offered": 0.4, "success": 0.5, "failure_handle_factor": 1.3},
            "third_party": {
                "party": "backoffice",
                "probability": 0.3,
                "mode": {"consult": 0.3, "transfer": 0.2, "callback": 0.5},
                "consult_hold_s": 90,
            },
        },
        {
            "name": "delivery",
            "share": 0.4,
            "handle_time": {"dist": "gamma", "mean_s": 240, "cv": 0.5},
            "fcr": 0.8,
            "third_party": {"party": "carrier", "probability": 0.5},
        },
    ],
    "third_parties": [
        {
            "name": "backoffice",
            "staff": 2,
            "hours": {"mon-fri": "09:00-17:00"},
            "work_time": {"dist": "gamma", "mean_min": 25, "cv": 0.5},
            "callback_within_h": 4,
            "on_time_probability": 0.6,
            "resolves": 0.9,
        },
        {
            "name": "carrier",
            "staff": 3,
            "work_time": {"dist": "exponential", "mean_min": 15},
            "callback_within_h": 2,
            "on_time_probability": 0.7,
            "resolves": 0.8,
            "callback_by": "agent",
        },
    ],
    "channels": {
        "phone": {
            "patience": {"dist": "exponential", "mean_s": 180},
            "redial": {"probability": 0.6, "delay": {"dist": "exponential", "mean_min": 10}},
        }
    },
}


@pytest.mark.parametrize("headcount", [0, 6, 14, 40])
def test_conservation_of_contacts_and_issues_with_every_feature(headcount):
    sc = build(merge(ALL_FEATURES, {"agents": {"headcount": headcount}}))
    for r in range(2):
        rec = simulate(sc, r)
        k = replication_kpis(rec, sc)
        assert k["offered"] == k["answered"] + k["abandoned"] + k["in_system_at_end"]
        assert k["issues"] == k["resolved"] + k["gave_up"] + k["deflected"] + k["open_at_end"]
        status = np.asarray(rec.job_status)
        # a job ends made, cancelled (resolved meanwhile) or still pending: never twice
        assert len(status) == len(rec.job_issue)
        made = status == JOB_MADE
        assert not np.isnan(np.asarray(rec.job_done)[made]).any()
        assert not np.isnan(np.asarray(rec.job_started)[made]).any()


def test_every_feature_runs_and_its_tables_agree():
    sc = build(merge(ALL_FEATURES, {"agents": {"headcount": 14}}))
    result = run(sc, workers=1)
    j, c, s = result.journeys, result.contacts, result.summary
    assert len(c) == j["contacts"].sum()
    for rep, group in c.groupby("replication"):
        counted = j[(j["replication"] == rep) & ~j["in_warmup"]]
        row = s[s["replication"] == rep].iloc[0]
        assert row["issues"] == len(counted)
        assert row["deflected"] == (counted["outcome"] == "deflected").sum()
        assert row["contacts_per_issue"] == pytest.approx(counted["contacts"].mean())
        assert len(group) == j[j["replication"] == rep]["contacts"].sum()
    assert (s["callbacks_promised"] > 0).all()
    assert (s["transfers"] > 0).all()
    assert (s["consult_hold_h"] > 0).all()
    assert s["csat"].between(1, 10).all()
    assert s["ces"].between(1, 7).all()
    assert s["nps"].between(-100, 100).all()
    assert set(c["kind"].unique()) <= {"new", "redial", "repeat", "missed_callback"}


def test_third_party_works_only_in_its_hours():
    sc = build(merge(ALL_FEATURES, {"agents": {"headcount": 14}}))
    rec = simulate(sc, 0)
    hours = WeeklyHours.parse({"mon-fri": "09:00-17:00"})
    party = np.asarray(rec.job_party)
    started = np.asarray(rec.job_started)
    worked = (party == 0) & ~np.isnan(started)
    assert worked.sum() > 10
    assert all(hours.wait_until_open(t) == 0 for t in started[worked])
    # the 24/7 carrier works at night too
    assert any(hours.wait_until_open(t) > 0 for t in started[(party == 1) & ~np.isnan(started)])
    assert hours.wait_until_open(8 * 3600) == 3600
    assert hours.wait_until_open(10 * 3600) == 0
    assert hours.wait_until_open(4 * 86400 + 18 * 3600) == 2 * 86400 + 15 * 3600


def test_agents_make_callbacks_and_are_busy_for_them():
    sc = build(merge(ALL_FEATURES, {"agents": {"headcount": 14}}))
    rec = simulate(sc, 0)
    carrier_callbacks = [
        job
        for job in range(len(rec.job_issue))
        if rec.job_party[job] == 1 and rec.job_mode[job] == CALLBACK
    ]
    assert rec.outbound_job
    assert set(rec.outbound_job) <= set(carrier_callbacks)
    assert all(end > start for start, end in zip(rec.outbound_start, rec.outbound_end, strict=True))
    # an agent on an outbound call is not also on an inbound one
    for job, agent, start, end in zip(
        rec.outbound_job, rec.outbound_agent, rec.outbound_start, rec.outbound_end, strict=True
    ):
        for cid in np.flatnonzero(np.asarray(rec.agent) == agent):
            s = rec.arrival[cid] + rec.wait[cid]
            assert s + rec.handle[cid] <= start + 1e-9 or s >= end - 1e-9, (job, cid)


def test_consult_adds_hold_to_the_handle_time():
    """With a person of the party always free (200 of them, always open) no consult waits: each
    adds exactly its hold to the handle time (tests/engine/test_consults.py covers the waits)."""
    sc = build(
        {
            "reasons": reason(
                handle_time={"dist": "deterministic", "value_s": 300, "mean_s": None},
                third_party={
                    "party": "bo",
                    "probability": 1.0,
                    "mode": {"consult": 1.0, "callback": 0.0},
                    "consult_hold_s": 90,
                },
            ),
            "third_parties": [
                {"name": "bo", "staff": 200, "work_time": {"dist": "exponential", "mean_min": 5}}
            ],
        }
    )
    result = run(sc, replications=2, workers=1)
    answered = result.contacts[result.contacts["outcome"] == "answered"]
    assert (answered["handle_s"] == 390).all()
    assert (answered["hold_s"] == 90).all()
    s = result.summary
    assert np.allclose(s["consult_hold_h"], s["answered"] * 90 / 3600)
    assert (s["fcr"] == 1).all()


def test_transfers_resolve_with_the_third_partys_probability():
    sc = build(
        {
            "reasons": reason(
                third_party={
                    "party": "bo",
                    "probability": 1.0,
                    "mode": {"transfer": 1.0, "callback": 0.0},
                },
                repeat={"probability": 0.0},
            ),
            "third_parties": [
                {
                    "name": "bo",
                    "staff": 100,
                    "work_time": {"dist": "exponential", "mean_min": 5},
                    "resolves": 0.7,
                }
            ],
        }
    )
    s = run(sc, workers=1).summary
    assert_close(s["resolved_share"], 0.7)
    assert_close(s["gave_up_share"], 0.3)
    assert (s["transfers"] == s["issues"]).all()


def test_self_service_deflects_and_failures_take_longer():
    sc = build(
        {
            "reasons": reason(
                handle_time={"dist": "deterministic", "value_s": 200, "mean_s": None},
                self_service={"offered": 0.5, "success": 0.6, "failure_handle_factor": 1.5},
            )
        }
    )
    result = run(sc, workers=1)
    s = result.summary
    assert_close(s["deflected_share"], 0.3)
    # deflected issues have no contact: contacts per issue falls by the deflected share
    assert np.allclose(s["contacts_per_issue"], 1 - s["deflected_share"])
    j = result.journeys
    failed = j[(j["self_service"] == "failed") & (j["replication"] == 0)]["issue"]
    c = result.contacts
    answered = c[c["outcome"] == "answered"]
    in_failed = answered["issue"].isin(failed) & (answered["replication"] == 0)
    assert (answered[in_failed]["handle_s"] == 300).all()
    assert (
        answered[~answered["issue"].isin(failed) & (answered["replication"] == 0)]["handle_s"]
        == 200
    ).all()
    # a failed self-service attempt lowers satisfaction: deflection that fails is no win
    closed = j[j["outcome"] != "open"]
    assert (
        closed[closed["self_service"] == "failed"]["csat"].mean()
        < closed[closed["self_service"] == "none"]["csat"].mean()
    )


def test_fcr_one_without_extras_equals_the_core_model():
    """Journey settings that change nothing must change no number (same seed)."""
    core = build({})
    explicit = build(
        {
            "reasons": reason(
                fcr=1.0,
                repeat={"probability": 0.5, "delay": {"dist": "exponential", "mean_h": 2}},
                self_service={"offered": 0.0, "success": 0.5},
            ),
            "third_parties": [
                {"name": "unused", "staff": 1, "work_time": {"dist": "exponential", "mean_s": 60}}
            ],
            "satisfaction": {"csat": {"base": 7.0}},
        }
    )
    a, b = run(core, workers=1), run(explicit, workers=1)
    core_keys = [k for k in KPI_KEYS if k not in ("csat", "ces", "nps")]
    pd.testing.assert_frame_equal(a.summary[core_keys], b.summary[core_keys])
    pd.testing.assert_frame_equal(a.contacts, b.contacts)
    pd.testing.assert_frame_equal(a.intervals, b.intervals)


def test_satisfaction_proxies_follow_their_documented_formulas():
    sc = build(
        {
            "reasons": reason(fcr=0.5, repeat={"probability": 0.6, "max_contacts": 2}),
            "agents": {"headcount": 30},
            "channels": {"phone": {"patience": {"dist": "exponential", "mean_s": 200}}},
        }
    )
    j = run(sc, replications=1, workers=1).journeys
    closed = j[j["outcome"] != "open"]
    m = sc.satisfaction
    expected = np.clip(
        m.csat.base
        + m.csat.per_minute_wait * closed["wait_s"] / 60
        + m.csat.per_abandoned * closed["abandoned"]
        + m.csat.per_repeat_contact
        * (closed["repeat_contacts"] + closed["missed_callback_contacts"])
        + m.csat.unresolved * (closed["outcome"] == "gave_up"),
        1,
        10,
    )
    assert np.allclose(closed["csat"], expected)
    quiet = closed[(closed["wait_s"] == 0) & (closed["contacts"] == 1)]
    quiet = quiet[quiet["outcome"] == "resolved"]
    assert (quiet["csat"] == m.csat.base).all()
    assert (quiet["ces"] == m.ces.base).all()
    assert j[j["outcome"] == "open"]["csat"].isna().all()


def test_meer_headcount_shortens_waits_but_leaves_the_repeat_work():
    """Spec C: without abandonment, so that more agents cannot change the journeys."""
    low_fcr = {
        "replications": 8,
        "arrivals": {"per_hour": [300.0] * 8 + [0.0] * 16},
        "reasons": reason(
            fcr=0.5, repeat={"probability": 0.8, "delay": {"dist": "exponential", "mean_min": 30}}
        ),
        "agents": {"headcount": 48},
    }
    base = run(build(low_fcr), workers=1).summary
    doubled = run(build(merge(low_fcr, {"agents": {"headcount": 96}})), workers=1).summary
    better = reason(
        fcr=0.8, repeat={"probability": 0.8, "delay": {"dist": "exponential", "mean_min": 30}}
    )
    better_fcr = run(build(merge(low_fcr, {"reasons": better})), workers=1).summary
    assert doubled["asa_s"].mean() < base["asa_s"].mean() / 3
    # contacts per issue is unchanged by headcount (paired difference not significant)
    diff = doubled["contacts_per_issue"] - base["contacts_per_issue"]
    assert abs(diff.mean()) <= t_tolerance(diff.std(ddof=1) / math.sqrt(len(diff)), len(diff))
    assert_close(base["contacts_per_issue"], 1 / (1 - 0.5 * 0.8))
    # raising FCR removes contacts and shortens waits at the same headcount
    assert better_fcr["offered"].mean() < 0.8 * base["offered"].mean()
    assert better_fcr["asa_s"].mean() < base["asa_s"].mean()


def test_proactive_outbound_prevents_contacts_and_costs_agent_time():
    coverage, prevents = 0.7, 0.8
    proactive = {
        "drivers": [
            {
                "kind": "proactive_outbound",
                "reason": "billing",
                "coverage": coverage,
                "prevents": prevents,
                "handle_time": {"dist": "deterministic", "value_s": 120},
            }
        ]
    }
    plain = run(build({}), workers=1)
    ahead = run(build(proactive), workers=1)
    s = ahead.summary
    assert_close(s["proactive_calls"] / s["issues"], coverage)
    assert_close(s["prevented"] / s["issues"], coverage * prevents)
    assert (s["deflected"] == s["prevented"]).all()  # prevented issues never contact us
    assert_close(s["offered"] / plain.summary["offered"], 1 - coverage * prevents)
    # the outbound calls use agent time: 120 s each, on top of the inbound contacts
    rec = simulate(build(proactive), 0)
    outbound = np.asarray(rec.outbound_end) - np.asarray(rec.outbound_start)
    assert np.allclose(outbound, 120)
    assert len(outbound) == ahead.summary["proactive_calls"].iloc[0]
    # journeys keep the same customers: the everyday arrivals are common random numbers
    assert (s["issues"] == plain.summary["issues"]).all()
