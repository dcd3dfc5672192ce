"""Robustness: a library scenario with random damage is refused with a scenario error (exit 2)
or runs cleanly, never an internal error.

Hypothesis picks a library file, replaces values anywhere in it by wrong types, negatives,
NaN, infinities and huge numbers, or deletes keys, then validates the mutant in-process; a
mutant that validates runs one day and one replication. Absurd volumes must be refused by
validation (its limits), so the test sets no time limit of its own. Derandomized: the same
mutants every run, so a failure is reproducible and never flaky.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator.errors import ScenarioError
from simulator.runs.replications import run
from simulator.scenario.loading import MAX_ISSUES, load_scenario_dict, read_yaml
from tests.conftest import ERLANG_A_SPEC, merge

LIBRARY = sorted((Path(__file__).resolve().parents[2] / "scenarios").glob("*.yaml"))
DELETE = object()
BAD_VALUES: list[Any] = [
    DELETE,
    "text",
    True,
    None,
    [],
    {},
    0,
    -1,
    -0.5,
    math.nan,
    math.inf,
    -math.inf,
    1e308,
    -1e308,
    10**30,
    1e15,
    1e-300,
]


def _paths(node: Any, at: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every key and list index below ``node``, outermost first."""
    items = (
        node.items()
        if isinstance(node, dict)
        else enumerate(node)
        if isinstance(node, list)
        else ()
    )
    for key, child in items:
        yield (*at, key)
        yield from _paths(child, (*at, key))


def _damage(data: dict[str, Any], path: tuple[Any, ...], value: Any) -> None:
    parent = data
    for key in path[:-1]:
        parent = parent[key]
    if value is DELETE:
        del parent[path[-1]]
    else:
        parent[path[-1]] = copy.deepcopy(value)


@st.composite
def mutants(draw: st.DrawFn) -> tuple[Path, dict[str, Any]]:
    file = draw(st.sampled_from(LIBRARY))
    data = read_yaml(file, "a scenario YAML file")
    for _ in range(draw(st.integers(1, 3))):
        paths = list(_paths(data))
        if not paths:
            break
        _damage(data, draw(st.sampled_from(paths)), draw(st.sampled_from(BAD_VALUES)))
    return file, data


@settings(
    derandomize=True,
    max_examples=2000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@pytest.mark.slow
@given(mutants())
def test_a_damaged_scenario_is_refused_clearly_or_runs(mutant: tuple[Path, dict[str, Any]]):
    file, data = mutant
    try:
        load_scenario_dict(data, str(file), file.parent)
        short = {**data, "replications": 1, "horizon": {**data.get("horizon", {}), "days": 1}}
        scenario = load_scenario_dict(short, str(file), file.parent)
    except ScenarioError as err:
        refused = str(err)
    else:
        assert run(scenario, workers=1).replications == 1
        return
    assert refused.startswith(f"{file}: ")  # one paragraph: the file, then the field path


def _handle_time(spec: dict[str, Any]) -> dict[str, Any]:
    return {"reasons": [{"name": "general", "share": 1.0, "handle_time": spec}]}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"arrivals": {"per_hour": 1e308}}, r"arrivals: more than 1e308 new issues expected"),
        (
            {"arrivals": {"per_hour": MAX_ISSUES / 24 * 1.01}},
            rf"arrivals: about 5,050,000 new issues expected per replication, more than the "
            rf"limit of {MAX_ISSUES:,}.*CCSIM_MAX_ISSUES",
        ),
        ({"horizon": {"days": 10**6}}, r"horizon\.days: .*3660"),
        (
            _handle_time({"dist": "lognormal", "mean_s": 300, "cv": 1e308}),
            r"reasons\[0\]\.handle_time\.cv: cv out of range \(got 1e\+308\)",
        ),
        (
            _handle_time({"dist": "gamma", "mean_s": 300, "cv": 1e-300}),
            r"handle_time\.cv: cv out of range.*deterministic",
        ),
        (
            _handle_time({"dist": "uniform", "min_s": 0, "max_h": 1e6}),
            r"handle_time\.max_h: max of 3,600,000,000 s is too long \(got 1000000\)",
        ),
        ({"agents": {"headcount": 10**9}}, r"agents\.headcount: .*100000"),
        (
            {
                "agents": {
                    "headcount": None,
                    "groups": [{"name": "g", "skills": ["general"], "per_interval": [3, 4]}],
                }
            },
            r"agents\.groups\[0\]\.per_interval: has 2 values but a day has 48 intervals",
        ),
    ],
)
def test_validation_refuses_what_cannot_run(change, message):
    """Each of these used to hang, run out of memory or end in an internal error."""
    with pytest.raises(ScenarioError, match=message):
        load_scenario_dict(merge(ERLANG_A_SPEC, change))


def test_the_issue_limit_can_be_raised(monkeypatch):
    big = merge(ERLANG_A_SPEC, {"arrivals": {"per_hour": MAX_ISSUES / 12}})
    with pytest.raises(ScenarioError, match="more than the limit"):
        load_scenario_dict(big)
    monkeypatch.setenv("CCSIM_MAX_ISSUES", str(2 * MAX_ISSUES))
    assert load_scenario_dict(big).arrivals.per_hour == MAX_ISSUES / 12
    monkeypatch.setenv("CCSIM_MAX_ISSUES", "lots")
    with pytest.raises(ScenarioError, match="CCSIM_MAX_ISSUES='lots' is not a whole number"):
        load_scenario_dict(big)
