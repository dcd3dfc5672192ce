"""Per reason and per agent group (spec D1) against sums, queueing theory and hand derivations."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

from simulator.runs.replications import run
from simulator.scenario.loading import load_scenario_dict
from tests.conftest import ERLANG_A_SPEC, merge, t_tolerance

TWO_REASONS: dict[str, Any] = {
    "replications": 8,
    "horizon": {"days": 1, "warmup_minutes": 60},
    "arrivals": {"per_hour": 600},
    "reasons": [
        {"name": "short", "share": 0.3, "handle_time": {"dist": "exponential", "mean_s": 200}},
        {"name": "long", "share": 0.7, "handle_time": {"dist": "exponential", "mean_s": 400}},
    ],
    "channels": {"phone": {"patience": None}},
    "agents": {"headcount": 63},
}


def build(changes: dict[str, Any], base: dict[str, Any] = ERLANG_A_SPEC):
    return load_scenario_dict(merge(base, changes), source="<test>")


@pytest.fixture(scope="module")
def two_reasons():
    return run(build(TWO_REASONS), workers=1)


def _mean_within(x: list[float] | np.ndarray, expected: float) -> tuple[bool, str]:
    x = np.asarray(x, dtype=np.float64)
    tol = t_tolerance(x.std(ddof=1) / math.sqrt(len(x)), len(x))
    return abs(
        x.mean() - expected
    ) <= tol, f"{x.mean():.4f} vs {expected:.4f} (tolerance {tol:.4f})"


def test_reasons_add_up_to_the_run_in_every_replication(two_reasons):
    """offered, answered, abandoned and contacts over the reasons are the run's; the run's ASA
    is the answered-weighted mean of the reasons' ASAs."""
    for reasons, row in zip(two_reasons.by_reason_rows, two_reasons.rows, strict=True):
        for key in ("offered", "answered", "abandoned", "contacts", "issues"):
            assert sum(v[key] for v in reasons.values()) == row[key], key
        weighted = sum(v["asa_s"] * v["answered"] for v in reasons.values()) / row["answered"]
        assert weighted == pytest.approx(row["asa_s"], rel=1e-9)


def test_each_reason_waits_as_the_pool_in_one_fifo_queue(two_reasons):
    """One pool takes the oldest call of either reason: a single FIFO queue fed by Poisson
    arrivals, split at random. By PASTA a call of either reason finds the same queue, so its
    expected wait is the pooled one, whatever its own handle time (200 s or 400 s here): the
    per-replication difference of the two reasons' ASA has mean 0, and each reason's service
    level equals the pooled one likewise. Its AHT is its own mean handle time.
    """
    diff = [r["short"]["asa_s"] - r["long"]["asa_s"] for r in two_reasons.by_reason_rows]
    ok, text = _mean_within(diff, 0.0)
    assert ok, "asa short - long: " + text
    for name in ("short", "long"):
        diff = [
            reasons[name]["asa_s"] - row["asa_s"]
            for reasons, row in zip(two_reasons.by_reason_rows, two_reasons.rows, strict=True)
        ]
        ok, text = _mean_within(diff, 0.0)
        assert ok, f"asa {name} - pooled: {text}"
    assert np.mean([row["asa_s"] for row in two_reasons.rows]) > 5  # a queue worth comparing
    diff = [
        r["short"]["service_level"] - r["long"]["service_level"] for r in two_reasons.by_reason_rows
    ]
    ok, text = _mean_within(diff, 0.0)
    assert ok, "service level short - long: " + text
    for name, mean in (("short", 200.0), ("long", 400.0)):
        ok, text = _mean_within([r[name]["aht_s"] for r in two_reasons.by_reason_rows], mean)
        assert ok, f"aht of {name}: {text}"


def test_a_single_pool_is_the_group_agents_with_the_runs_numbers(two_reasons):
    (name,) = two_reasons.by_group
    assert name == "agents"
    for groups, row in zip(two_reasons.by_group_rows, two_reasons.rows, strict=True):
        g = groups["agents"]
        assert g["answered"] == row["answered"]
        for key in ("asa_s", "aht_s", "agent_hours", "occupancy"):
            assert g[key] == pytest.approx(row[key], rel=1e-9), key
    data = two_reasons.to_json()
    assert set(data["by_reason"]) == {"short", "long"}
    assert set(data["by_group"]) == {"agents"}


GROUPS: dict[str, Any] = {
    "replications": 6,
    "horizon": {"days": 1, "warmup_minutes": 0},
    "arrivals": {"per_hour": 120},
    "reasons": [
        {
            "name": "billing",
            "share": 0.5,
            "handle_time": {"dist": "exponential", "mean_s": 300},
            "fcr": 0.5,
            "repeat": {
                "probability": 1.0,
                "fcr": 0.9,
                "delay": {"dist": "deterministic", "value_s": 60},
            },
        },
        {
            "name": "general",
            "share": 0.5,
            "handle_time": {"dist": "exponential", "mean_s": 200},
            "fcr": 0.7,
            "repeat": {"probability": 0.0},
        },
    ],
    "channels": {"phone": {"patience": None}},
    "agents": {
        "headcount": None,
        "groups": [
            {"name": "billing desk", "skills": ["billing"], "headcount": 9},
            {"name": "first line", "skills": ["general"], "headcount": 6},
        ],
    },
}


@pytest.fixture(scope="module")
def two_groups():
    return run(build(GROUPS), workers=1)


def test_by_group_on_two_groups_that_each_take_one_reason(two_groups):
    """Each group answers exactly one reason's calls, so its answered, ASA and AHT are that
    reason's; its hours are its headcount x 24 h; its occupancy is busy over on duty.

    FCR per leg, derived by hand. First line: no repeats (probability 0), every issue has one
    call, resolved with probability 0.7: the group's FCR is the reason's, exactly. Billing desk:
    a first call resolves with 0.5, each repeat with 0.9 and every unresolved customer calls
    again; per issue 1 + 0.5 / 0.9 calls on average and exactly one resolved call (the last), so
    the desk's FCR is 1 / (1 + 0.5 / 0.9) = 0.643, while the reason's (spec A3: resolved by the
    first answered call) is 0.5.
    """
    for groups, reasons in zip(two_groups.by_group_rows, two_groups.by_reason_rows, strict=True):
        for group, reason in (("billing desk", "billing"), ("first line", "general")):
            assert groups[group]["answered"] == reasons[reason]["answered"]
            assert groups[group]["asa_s"] == pytest.approx(reasons[reason]["asa_s"], rel=1e-12)
            assert groups[group]["aht_s"] == pytest.approx(reasons[reason]["aht_s"], rel=1e-12)
        assert groups["first line"]["fcr"] == reasons["general"]["fcr"]
        assert groups["billing desk"]["agent_hours"] == pytest.approx(9 * 24.0)
        assert groups["first line"]["agent_hours"] == pytest.approx(6 * 24.0)
    desk = [g["billing desk"]["fcr"] for g in two_groups.by_group_rows]
    ok, text = _mean_within(desk, 1 / (1 + 0.5 / 0.9))
    assert ok, "billing desk fcr: " + text
    ok, text = _mean_within([r["billing"]["fcr"] for r in two_groups.by_reason_rows], 0.5)
    assert ok, "billing fcr: " + text
    # occupancy: the busy hours of the group's agents over its hours on duty
    for rep, groups in enumerate(two_groups.by_group_rows):
        agents = two_groups.agents[two_groups.agents["replication"] == rep]
        for name in ("billing desk", "first line"):
            busy = agents.loc[agents["group"] == name, "busy_h"].sum()
            expected = busy / groups[name]["agent_hours"]
            assert groups[name]["occupancy"] == pytest.approx(expected, abs=0.01)


def test_paid_hours_per_group_add_up_with_breaks_and_absence():
    """With breaks, absence and shifts the groups' paid hours still add up to agent_hours and
    their hours on the line to available_hours (the roster logs which group each change is in).
    """
    sc = build(
        {
            **GROUPS,
            "replications": 3,
            "agents": {
                "headcount": None,
                "absence": 0.1,
                "breaks": {"every_h": 4, "minutes": 15},
                "groups": [
                    {
                        "name": "billing desk",
                        "skills": ["billing"],
                        "shifts": [{"start": "06:00", "end": "22:00", "agents": 10}],
                    },
                    {"name": "first line", "skills": ["general"], "headcount": 8},
                ],
            },
        }
    )
    result = run(sc, workers=1)
    for groups, row in zip(result.by_group_rows, result.rows, strict=True):
        paid = sum(g["agent_hours"] for g in groups.values())
        assert paid == pytest.approx(row["agent_hours"], rel=1e-9)
        busy = sum(g["occupancy"] * g["available_hours"] for g in groups.values())
        assert sum(g["available_hours"] for g in groups.values()) == pytest.approx(
            row["available_hours"], rel=1e-9
        )
        assert busy / row["available_hours"] == pytest.approx(row["occupancy"], rel=1e-6)
    assert 0 < np.mean([row["simulated_shrinkage"] for row in result.rows]) < 0.3


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("en", ["Per reason", "Per agent group", "billing desk", "Agent hours", "€"]),
        ("nl", ["Per reden", "Per agentgroep", "billing desk", "Agenturen", "€ "]),
    ],
)
def test_run_prints_a_table_per_reason_and_per_group(lang, words, capsys):
    from simulator.present.tables import print_run

    result = run(build({**GROUPS, "replications": 2, "costs": {"agent_hour": 40}}), workers=1)
    print_run(result.to_json(), lang)
    out = capsys.readouterr().out
    for word in words:
        assert word in out, word
    reason_table = out[out.index(words[0]) :]
    assert "billing" in reason_table
    assert "general" in reason_table
