"""Channels (phone, chat with concurrency, e-mail backlog) and agent groups with skills: routing
order, FCFS within a queue, channel priority, and chat against the Erlang C of its slots."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

from simulator.analytic import erlang_c
from simulator.engine.center import simulate
from simulator.engine.records import ANSWERED
from simulator.errors import ScenarioError
from simulator.results.kpis import agent_table, replication_kpis
from simulator.runs.replications import run
from simulator.scenario.loading import load_scenario_dict
from simulator.scenario.models import CHANNELS
from tests.conftest import merge, t_tolerance

PHONE, CHAT, EMAIL = (CHANNELS.index(c) for c in ("phone", "chat", "email"))
H = 3600.0

BASE: dict[str, Any] = {
    "name": "channels",
    "seed": 21,
    "replications": 6,
    "horizon": {"days": 1, "warmup_minutes": 60, "interval_minutes": 30},
    "arrivals": {"per_hour": 120},
    "reasons": [
        {"name": "billing", "share": 0.5, "handle_time": {"dist": "exponential", "mean_s": 300}},
        {"name": "delivery", "share": 0.5, "handle_time": {"dist": "exponential", "mean_s": 300}},
    ],
    "agents": {"headcount": 12},
}


def build(changes: dict[str, Any]) -> Any:
    return load_scenario_dict(merge(BASE, changes), source="<test>")


def test_chat_with_concurrency_is_erlang_c_on_its_slots():
    """Each of c agents takes up to k chats, each chat an independent exponential duration:
    the chat queue is M/M/(c k)."""
    rate_h, aht, agents, k = 300.0, 600.0, 30, 2
    sc = build(
        {
            "replications": 8,
            "arrivals": {"per_hour": rate_h, "channel_mix": {"chat": 1.0}},
            "reasons": [
                {"name": "x", "share": 1.0, "handle_time": {"dist": "exponential", "mean_s": aht}}
            ],
            "channels": {"chat": {"concurrency": k, "service_level": {"answer_within_s": 30}}},
            "agents": {"headcount": agents},
        }
    )
    s = run(sc, workers=1).summary
    exact = erlang_c(rate_h / H, aht, agents * k, 30)
    for key, expected in (
        ("chat_asa_s", exact.asa_s),
        ("chat_service_level", exact.service_level),
        ("occupancy", exact.occupancy),
    ):
        x = s[key].to_numpy()
        tol = t_tolerance(x.std(ddof=1) / math.sqrt(len(x)), len(x))
        assert abs(x.mean() - expected) <= tol, (key, x.mean(), expected, tol)
    assert (s["offered"] == 0).all()  # the phone KPIs stay phone-only


def test_an_agent_never_holds_more_chats_than_its_concurrency_nor_a_call_beside_them():
    sc = build(
        {
            "arrivals": {"per_hour": 200, "channel_mix": {"phone": 0.5, "chat": 0.5}},
            "channels": {"chat": {"concurrency": 3}},
        }
    )
    rec = simulate(sc, 0)
    answered = np.flatnonzero(np.asarray(rec.outcome) == ANSWERED)
    start = np.asarray(rec.arrival)[answered] + np.asarray(rec.wait)[answered]
    end = start + np.asarray(rec.handle)[answered]
    channel = np.asarray(rec.channel)[answered]
    agent = np.asarray(rec.agent)[answered]
    for a in np.unique(agent):
        mine = agent == a
        events = sorted(
            [(t, 1, ch) for t, ch in zip(start[mine], channel[mine], strict=True)]
            + [(t, -1, ch) for t, ch in zip(end[mine], channel[mine], strict=True)],
            key=lambda e: (e[0], e[1]),
        )
        chats = calls = 0
        for _, step, ch in events:
            if ch == CHAT:
                chats += step
            else:
                calls += step
            assert chats <= 3
            assert not (calls and chats > 0), a
            assert calls <= 1


def test_email_backlog_waits_for_agents_and_is_conserved():
    sc = build(
        {
            "horizon": {"days": 2, "warmup_minutes": 0},
            "arrivals": {"per_hour": 40, "channel_mix": {"phone": 0.5, "email": 0.5}},
            "channels": {"email": {"service_level": {"answer_within_h": 8, "target": 0.9}}},
            "agents": {
                "headcount": None,
                "shifts": [{"start": "08:00", "end": "17:00", "agents": 6}],
            },
        }
    )
    result = run(sc, workers=1)
    s, iv = result.summary, result.intervals
    assert (s["email_received"] == s["email_answered"] + s["email_backlog_end"]).all()
    assert (s["email_received"] > 0).all()
    # nobody is on duty at night: the backlog grows overnight and is worked off by day
    rep0 = iv[iv["replication"] == 0].set_index("interval")
    day_end, night = rep0.loc[33, "email_backlog"], rep0.loc[48 + 15, "email_backlog"]
    assert rep0.loc[15, "email_backlog"] > 5 * max(day_end, 1)  # 07:30 vs 17:00
    assert night > 5 * max(day_end, 1)  # overnight the backlog grows again
    c = result.contacts
    email = c[(c["channel"] == "email") & (c["outcome"] == "answered")]
    picked = (email["arrival_s"] + email["wait_s"]) % (24 * H)
    assert ((picked >= 8 * H) & (picked < 17 * H)).all()  # worked only when agents are on duty
    assert (s["email_throughput_h"] > 1).all()
    # per interval: e-mails received overnight wait longer than those received in the day
    night_tp = rep0.loc[0:15, "email_throughput_h"].mean()
    day_tp = rep0.loc[18:30, "email_throughput_h"].mean()
    assert night_tp > day_tp


def test_channel_priority_phone_before_email():
    sc = build(
        {
            "arrivals": {"per_hour": 120, "channel_mix": {"phone": 0.7, "email": 0.3}},
            "channels": {"email": {}},
            "agents": {
                "headcount": None,
                "groups": [{"name": "all", "channels": ["phone", "email"], "headcount": 9}],
            },
        }
    )
    rec = simulate(sc, 0)
    arrival, wait = np.asarray(rec.arrival), np.asarray(rec.wait)
    channel, outcome = np.asarray(rec.channel), np.asarray(rec.outcome)
    phone_start = np.where(outcome == ANSWERED, arrival + wait, np.inf)[channel == PHONE]
    phone_arrival = arrival[channel == PHONE]
    email_start = (arrival + wait)[(channel == EMAIL) & (outcome == ANSWERED)]
    assert len(email_start) > 50
    for t in email_start:
        # no call was waiting when an agent picked up an e-mail
        assert not ((phone_arrival < t) & (phone_start > t)).any()


def test_skills_route_only_to_skilled_agents_and_fcfs_holds_within_a_queue():
    sc = build(
        {
            "channels": {"phone": {"patience": {"dist": "exponential", "mean_s": 400}}},
            "agents": {
                "headcount": None,
                "groups": [
                    {"name": "billing desk", "skills": ["billing"], "headcount": 4},
                    {"name": "delivery desk", "skills": ["delivery"], "headcount": 5},
                    {"name": "generalists", "headcount": 2},
                ],
            },
        }
    )
    model = simulate(sc, 0)
    rec = model
    reason = np.asarray(rec.issue_reason)[np.asarray(rec.issue)]
    agent = np.asarray(rec.agent)
    answered = np.asarray(rec.outcome) == ANSWERED
    # agents are numbered as they come on duty: group by the first reason they ever answered
    by_agent: dict[int, set[int]] = {}
    for a, r in zip(agent[answered], reason[answered], strict=True):
        by_agent.setdefault(int(a), set()).add(int(r))
    both = [a for a, rs in by_agent.items() if rs == {0, 1}]
    assert 1 <= len(both) <= 2  # only the two generalists take both reasons
    assert len(by_agent) == 11
    start = np.asarray(rec.arrival) + np.asarray(rec.wait)
    for r in (0, 1):
        mine = answered & (reason == r)
        order = np.argsort(np.asarray(rec.arrival)[mine], kind="stable")
        assert (np.diff(start[mine][order]) >= -1e-9).all()  # FCFS within the queue
    k = replication_kpis(rec, sc)
    assert k["offered"] == k["answered"] + k["abandoned"] + k["in_system_at_end"]
    # a skill-less agent never takes a contact: by group, from the agents table
    groups = agent_table(rec, sc)["group"].astype(str).to_numpy()
    names = {0: "billing", 1: "delivery"}
    for a, r in zip(agent[answered], reason[answered], strict=True):
        assert groups[a] in (f"{names[int(r)]} desk", "generalists"), (a, groups[a], r)


def test_repeat_contacts_may_switch_channel():
    sc = build(
        {
            "arrivals": {"per_hour": 60},
            "channels": {"chat": {"concurrency": 2}},
            "reasons": [
                {
                    "name": "billing",
                    "share": 1.0,
                    "handle_time": {"dist": "exponential", "mean_s": 300},
                    "fcr": 0.5,
                    "repeat": {
                        "probability": 1.0,
                        "delay": {"dist": "exponential", "mean_min": 20},
                        "channel": {"chat": 1.0},
                    },
                }
            ],
        }
    )
    c = run(sc, replications=1, workers=1).contacts
    assert (c[c["kind"] == "new"]["channel"] == "phone").all()
    assert (c[c["kind"] == "repeat"]["channel"] == "chat").all()
    assert (c["kind"] == "repeat").sum() > 100


def test_unroutable_and_unknown_channels_are_clear_errors():
    with pytest.raises(ScenarioError, match=r"agents: no agent takes delivery on phone"):
        build(
            {
                "agents": {
                    "headcount": None,
                    "groups": [{"name": "billing desk", "skills": ["billing"], "headcount": 4}],
                }
            }
        )
    with pytest.raises(ScenarioError, match=r"agents\.groups\[0\]\.skills.*unknown reason"):
        build(
            {
                "agents": {
                    "headcount": None,
                    "groups": [{"name": "x", "skills": ["bililng"], "headcount": 4}],
                }
            }
        )
    with pytest.raises(ScenarioError, match=r"arrivals\.channel_mix\.chat.*not configured"):
        build({"arrivals": {"channel_mix": {"phone": 0.5, "chat": 0.5}}})
    with pytest.raises(ScenarioError, match=r"agents\.overtime.*not supported with agent groups"):
        build(
            {
                "agents": {
                    "headcount": None,
                    "groups": [{"name": "x", "headcount": 4}],
                    "overtime": {"max_agents": 1, "max_minutes": 10},
                }
            }
        )


def test_library_omnichannel_scenario_tells_its_story():
    """scenarios/omnichannel_skills.yaml, shortened to 2 days and 2 replications."""
    from pathlib import Path

    import yaml

    path = Path(__file__).resolve().parents[2] / "scenarios" / "omnichannel_skills.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["horizon"]["days"], data["replications"] = 2, 2
    result = run(load_scenario_dict(data, source=str(path)), workers=1)
    c = result.contacts
    phone = c[(c["channel"] == "phone") & (c["outcome"] == "answered")]
    waits = phone.groupby("reason", observed=True)["wait_s"].mean()
    assert waits["billing"] > waits["meter_reading"]
    agents = result.agents
    specialists = agents[agents["group"] == "billing specialists"]
    billing_agents = c[(c["reason"] == "billing") & (c["outcome"] == "answered")]
    assert set(billing_agents["agent"]) <= set(specialists["agent"])
    assert set(c["channel"].unique()) == {"phone", "chat", "email"}
