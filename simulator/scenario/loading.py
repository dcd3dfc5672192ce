"""Reading scenarios: YAML (or a mapping) -> a validated ``Scenario``, or one ``ScenarioError``.

The models say what a valid scenario is; loading adds the file (duplicate keys refused, ``1e3``
a number) and, once the models are valid, refuses what the engine could not hold: absurd
volumes (``MAX_ISSUES``) or more agents on duty at once than ``MAX_AGENTS``. Those checks need
the staffing as steps over the horizon (``steps``), which is why they run here, after the
models, rather than as a model validator.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Hashable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import yaml
from pydantic import ValidationError

from simulator.errors import MISSING, ScenarioError
from simulator.scenario.messages import describe, problems
from simulator.scenario.models import MAX_AGENTS, Scenario
from simulator.scenario.steps import agent_steps
from simulator.scenario.validation import DescribedJsonSchema

MAX_ISSUES = 5_000_000
"""Most expected new issues per replication (``CCSIM_MAX_ISSUES`` changes it): a replication keeps
every contact in memory (about 1 kB each, measured) and simulates some 70,000 contacts a second,
so this is about 5 GB and over a minute per replication before repeats."""


class _Loader(yaml.SafeLoader):
    """Safe YAML that refuses duplicate keys and reads ``1e3`` as a number.

    Plain YAML silently keeps the last of duplicate keys, and YAML 1.1 wants ``1.0e+3``.
    """

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Hashable] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if not isinstance(key, Hashable):
                continue  # the base class reports unhashable keys
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key {key!r}", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep)


_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?[0-9][0-9_]*(?:\.[0-9_]*)?[eE][-+]?[0-9]+$"),
    list("-+0123456789"),
)


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario file; any problem raises ``ScenarioError``."""
    file, source = Path(path), str(path)
    data = read_yaml(file, "a scenario YAML file")
    if isinstance(data, dict) and "name" not in data:
        data = {"name": file.stem, **data}
    return load_scenario_dict(data, source, file.parent)


def read_yaml(file: Path, what: str) -> Any:
    """The YAML in ``file``, read the way every ccsim input is read.

    No duplicate keys, ``1e3`` is a number; a missing file or bad YAML raises ``ScenarioError``.
    """
    source = str(file)
    if not file.exists():
        raise ScenarioError(source, "", "file not found", f"the path of {what}")
    if not file.is_file():
        raise ScenarioError(source, "", "not a file", f"the path of {what}")
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError(source, "", f"cannot read the file: {exc}") from None
    try:
        return yaml.load(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = exc.problem or exc.context
        raise ScenarioError(source, "", f"invalid YAML{where}: {problem}") from None
    except yaml.YAMLError as exc:
        raise ScenarioError(source, "", f"invalid YAML: {exc}") from None


def load_scenario_dict(
    data: Mapping[str, Any], source: str = "<dict>", base_dir: Path | None = None
) -> Scenario:
    """Validate a scenario given as a mapping.

    ``source`` names it in errors and CSV paths are relative to ``base_dir`` (default: the working
    directory).
    """
    if not isinstance(data, Mapping):
        raise ScenarioError(
            source,
            "",
            "empty" if data is None else "the top level is not a mapping of keys",
            describe(Scenario, []),
            MISSING if data is None else data,
        )
    try:
        scenario = Scenario.model_validate(dict(data), context={"base_dir": base_dir})
    except ValidationError as exc:
        raise ScenarioError.multiple(
            [problem for error in exc.errors() for problem in problems(error, source, Scenario)]
        ) from None
    _check_runnable(scenario, source)
    return scenario


def _check_runnable(scenario: Scenario, source: str) -> None:
    """Refuse what would not finish in memory: absurd volumes or numbers of agents."""
    limit = _issue_limit(source)
    everyday, drivers = scenario.expected_issues()
    if not everyday + drivers <= limit:  # also refuses NaN (inf x 0)
        parts = f" ({_count(everyday)} everyday, {_count(drivers)} from drivers)"
        raise ScenarioError(
            source,
            "arrivals" if everyday >= drivers else "drivers",
            f"{_count(everyday + drivers)} new issues expected per replication"
            f"{parts if drivers else ''}, more than the limit of {limit:,}",
            f"at most {limit:,} expected new issues per replication: fewer "
            "horizon.days or a smaller volume, or raise the limit with the environment "
            "variable CCSIM_MAX_ISSUES (a replication needs about 1 kB per contact)",
        )
    peak = int(np.max(agent_steps(scenario.agents, scenario.horizon)[1]))
    if peak > MAX_AGENTS:
        raise ScenarioError(
            source,
            "agents",
            f"{peak:,} agents on duty at once",
            f"at most {MAX_AGENTS:,} agents on duty at once",
        )


def _issue_limit(source: str) -> int:
    """``MAX_ISSUES``, or the whole number in the environment variable ``CCSIM_MAX_ISSUES``."""
    text = os.environ.get("CCSIM_MAX_ISSUES", "").strip()
    if not text:
        return MAX_ISSUES
    if not text.isdigit():
        raise ScenarioError(
            source,
            "",
            f"the environment variable CCSIM_MAX_ISSUES={text!r} is not a whole number",
            "CCSIM_MAX_ISSUES unset, or a whole number of new issues per replication",
        )
    return int(text)


def _count(expected: float) -> str:
    """An expected count for a message; overflowed arithmetic says so instead of 'inf'."""
    return f"about {expected:,.0f}" if math.isfinite(expected) else "more than 1e308"


def scenario_json_schema() -> dict[str, Any]:
    """JSON Schema of the scenario YAML format (``ccsim schema``)."""
    schema = Scenario.model_json_schema(schema_generator=DescribedJsonSchema)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        **schema,
        "title": "ccsim scenario",
    }
