"""Shared helpers: scenarios built from dicts, so each test states only what it varies."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from scipy import stats

ERLANG_A_SPEC: dict[str, Any] = {
    "name": "erlang-a",
    "seed": 7,
    "replications": 5,
    "horizon": {"days": 1, "warmup_minutes": 60, "interval_minutes": 30},
    "arrivals": {"per_hour": 1000},
    "reasons": [
        {"name": "general", "share": 1.0, "handle_time": {"dist": "exponential", "mean_s": 300}}
    ],
    "channels": {
        "phone": {
            "patience": {"dist": "exponential", "mean_s": 120},
            "service_level": {"answer_within_s": 20, "target": 0.8},
        }
    },
    "agents": {"headcount": 90},
}


# Spec A2's example object (part A of the scenario format), written out here so that tests do not
# take the code's word for the contract.
SPEC_A2_KPIS = frozenset(
    {
        "offered",
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
        "contacts_per_issue",
        "in_system_at_end",
    }
)


def merge(base: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """Deep-merge ``changes`` into a copy of ``base``; a value of None deletes the key."""
    out = copy.deepcopy(base)
    for key, value in changes.items():
        if value is None:
            out.pop(key, None)
        elif isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def scenario(changes: dict[str, Any] | None = None, base: dict[str, Any] = ERLANG_A_SPEC):
    from simulator.scenario.loading import load_scenario_dict

    return load_scenario_dict(merge(base, changes or {}), source="<test>")


def t_tolerance(se: float, n: int, confidence: float = 0.999) -> float:
    """Two-sided tolerance for a mean of n replications with standard error ``se``."""
    return float(stats.t.ppf(0.5 + confidence / 2, n - 1) * se)


@pytest.fixture
def make_scenario():
    return scenario
