"""Loading refuses what the engine could not hold, after the models are valid: more agents on
duty at once than ``MAX_AGENTS`` counts agents at the same moment, not every shift added up."""

from __future__ import annotations

from typing import Any

import pytest

from simulator.errors import ScenarioError
from simulator.scenario.loading import load_scenario_dict
from simulator.scenario.models import MAX_AGENTS

REASONS = [{"name": "general", "share": 1.0, "handle_time": {"dist": "exponential", "mean_s": 60}}]


def _shifts(second_start: str) -> dict[str, Any]:
    half = MAX_AGENTS // 2 + 1  # two of these at once are one too many
    return {
        "arrivals": {"per_hour": 10},
        "reasons": REASONS,
        "agents": {
            "shifts": [
                {"start": "08:00", "end": "12:00", "agents": half},
                {"start": second_start, "end": "23:00", "agents": half},
            ]
        },
    }


def test_shifts_that_never_overlap_may_add_up_to_more_than_the_limit() -> None:
    assert load_scenario_dict(_shifts("12:00"), source="<test>").agents.shifts


def test_shifts_on_duty_together_above_the_limit_are_refused_at_agents() -> None:
    with pytest.raises(ScenarioError) as caught:
        load_scenario_dict(_shifts("11:00"), source="<test>")
    assert caught.value.path == "agents"
    assert caught.value.message == f"{2 * (MAX_AGENTS // 2 + 1):,} agents on duty at once"
