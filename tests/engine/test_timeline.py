"""The engine's timeline against the scenario's own arithmetic: the expected volume that
validation computes in closed form (to refuse absurd scenarios) is the integral of the arrival
rates the engine simulates."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from simulator.engine import timeline
from simulator.scenario.loading import load_scenario_dict
from tests.conftest import merge

BASE: dict[str, Any] = {
    "horizon": {"start": "2026-01-07", "days": 9, "interval_minutes": 30},  # a Wednesday
    "arrivals": {"per_day": 480},
    "reasons": [
        {"name": "general", "share": 1.0, "handle_time": {"dist": "exponential", "mean_s": 120}}
    ],
    "agents": {"headcount": 10},
}
HOURS = {"mon-fri": "08:15-20:00", "sat": "10:00-14:00"}


@pytest.mark.parametrize(
    "changes",
    [
        {},
        {"arrivals": {"day_of_week": {"mon": 1.3, "sun": 0}, "intraday": "typical_weekday"}},
        {"calendar": {"opening_hours": HOURS}, "arrivals": {"day_of_week": {"sat": 2}}},
        {"arrivals": {"per_day": None, "per_hour": 60}},
        {"arrivals": {"per_day": None, "per_hour": 60}, "calendar": {"opening_hours": HOURS}},
        {
            "arrivals": {"per_day": None, "per_hour": [float(i % 7) for i in range(48)]},
            "calendar": {"opening_hours": HOURS, "holidays": ["2026-01-08"]},
        },
        {
            "arrivals": {"per_day": None, "per_hour": 60, "follow_opening_hours": False},
            "calendar": {"opening_hours": HOURS},
        },
        {
            "arrivals": {
                "per_day": None,
                "per_hour": 60,
                "channel_mix": {"chat": 0.7, "phone": 0.3},
            },
            "channels": {"chat": {"opening_hours": {"mon-sun": "12:00-14:00"}}},
            "agents": {
                "headcount": None,
                "groups": [{"name": "all", "channels": ["phone", "chat"], "headcount": 5}],
            },
        },
    ],
)
def test_expected_volume_is_the_integral_of_the_simulated_rates(changes: dict[str, Any]) -> None:
    sc = load_scenario_dict(merge(BASE, changes), source="<test>")
    starts, rates = timeline.arrival_steps(sc)
    integral = float(np.sum(rates * np.diff(starts, append=sc.horizon.horizon_s)))
    assert sc.expected_issues()[0] == pytest.approx(integral, rel=1e-12)
    assert integral > 0
