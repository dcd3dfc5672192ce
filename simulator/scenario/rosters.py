"""A roster from a file (``shifts.yaml`` of ``ccsim schedule --out``) put into a scenario.

``ccsim run FILE --agents shifts.yaml`` replaces only the staffing of each group the file names
(its ``headcount``, ``per_interval``, ``table`` or ``shifts``) by the file's shifts; skills,
channels, prices, proficiency, breaks, absence and overtime stay the scenario's. A group the file
names without any shift gets no agents (``headcount: 0``). The file holds spec D8's object:

.. code-block:: yaml

    groups: [agents]
    shifts:
      - {group: agents, days: mon-fri, start: "08:00", end: "16:30", agents: 12}
      - {group: agents, days: "2026-02-11", start: "10:00", end: "14:30", agents: 4}
    required_hours: 1234.0
    paid_hours: 1390.0
    short_intervals: 0
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import ConfigDict, Field, ValidationError

from simulator.errors import ScenarioError
from simulator.scenario.loading import load_scenario_dict, read_yaml
from simulator.scenario.messages import problems
from simulator.scenario.models import Scenario, Shift
from simulator.scenario.validation import Model

STAFFING_KEYS = ("headcount", "per_interval", "table", "shifts")
"""The keys of a group's staffing: exactly one of them says who is on duty when."""


class PlannedShift(Shift):
    """One shift of the roster: a :class:`Shift` of a named group."""

    group: str = Field(default="agents", min_length=1)


class ShiftsFile(Model):
    """What ``ccsim schedule --out`` writes into ``shifts.yaml`` (spec D8).

    The other keys of ``ccsim schedule --json`` are ignored, so its output saved to a file is a
    roster too; a shift's own keys stay strict (a typo there is an error).
    """

    model_config = ConfigDict(extra="ignore", frozen=True, allow_inf_nan=False)

    groups: list[str] | None = None
    """The groups whose staffing the file replaces; absent means those its shifts name."""
    shifts: list[PlannedShift]
    required_hours: float | None = None
    paid_hours: float | None = None
    short_intervals: int | None = None


def read_shifts(path: Path) -> ShiftsFile:
    """Read and check a shifts file (``ScenarioError`` naming the file and field when bad)."""
    data = read_yaml(path, "shifts file")
    if not isinstance(data, dict):
        raise ScenarioError(
            str(path), "", "not a mapping of keys", "a mapping with shifts (ccsim schedule --out)"
        )
    try:
        return ShiftsFile.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError.multiple(
            [p for error in exc.errors() for p in problems(error, str(path), ShiftsFile)]
        ) from None


def with_roster(
    scenario: Scenario, roster: ShiftsFile, source: str, base_dir: Path | None = None
) -> Scenario:
    """``scenario`` with each named group's staffing replaced by the roster's shifts."""
    pools = scenario.agents.pools(scenario.channels.names)
    known = [p.name for p in pools]
    named = roster.groups if roster.groups is not None else []
    for i, shift in enumerate(roster.shifts):
        if shift.group not in named and roster.groups is None:
            named.append(shift.group)
        elif shift.group not in named:
            raise ScenarioError(
                source,
                f"shifts[{i}].group",
                "not in the file's groups",
                ", ".join(named),
                shift.group,
            )
    for i, name in enumerate(named):
        if name not in known:
            at = f"groups[{i}]" if roster.groups is not None else "shifts"
            raise ScenarioError(
                source,
                at,
                f"no agent group {name!r} in {scenario.name}",
                ", ".join(known),
                name,
            )
    data = scenario.to_yaml_dict()
    agents = data["agents"]
    for name in named:
        target = agents if scenario.agents.groups is None else _group(agents, name)
        for key in STAFFING_KEYS:
            target.pop(key, None)
        own = [
            s.model_dump(mode="json", exclude_none=True, exclude={"group"})
            for s in roster.shifts
            if s.group == name and s.agents > 0
        ]
        if own:
            target["shifts"] = own
        else:
            target["headcount"] = 0
    return load_scenario_dict(data, source=f"{scenario.name} with {source}", base_dir=base_dir)


def _group(agents: dict[str, Any], name: str) -> dict[str, Any]:
    return next(g for g in agents["groups"] if g["name"] == name)
