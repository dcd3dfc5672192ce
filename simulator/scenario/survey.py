"""Survey files for ``ccsim calibrate``: mean CSAT per outcome group, validated like a scenario.

A survey gives, per group of customers, the mean CSAT they answered (on the proxy's 1-10 scale)
and how many answered. Each group is defined by conditions on a journey that the simulation can
reproduce from its per-issue journeys table (outcome, repeat contacts, abandoned attempts...), so
that ``simulator.results.calibration`` can fit the CSAT weights to the survey. Bad input raises
one ``ScenarioError`` naming the file and the field path, like a bad scenario (docs/satisfaction.md
documents the format).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal, get_args

from pydantic import Field, ValidationError, model_validator

from simulator.errors import ScenarioError, field_path, one_of
from simulator.scenario.loading import read_yaml
from simulator.scenario.messages import problems
from simulator.scenario.models import CsatModel, Scenario
from simulator.scenario.validation import Model, reject

CSAT_WEIGHTS = tuple(CsatModel.model_fields)
"""The CSAT proxy's parameters a survey can fit, in the order of ``CsatModel``."""
CsatWeight = Literal[
    "base",
    "per_minute_wait",
    "per_hour_email_wait",
    "per_abandoned",
    "per_repeat_contact",
    "per_missed_callback",
    "failed_self_service",
    "unresolved",
]
"""One of ``CSAT_WEIGHTS`` (spelled out: pydantic and the error messages read the names)."""
if get_args(CsatWeight) != CSAT_WEIGHTS:  # pragma: no cover - CsatModel changed
    raise RuntimeError("CsatWeight must list the fields of CsatModel")

OUTCOMES = ("resolved", "gave_up", "deflected")
SELF_SERVICE = ("none", "deflected", "failed")


class Range(Model):
    """Between ``min`` and ``max``, both included; either may be left out."""

    min: float | None = Field(default=None, ge=0)
    """Smallest value in the group."""
    max: float | None = Field(default=None, ge=0)
    """Largest value in the group."""

    @model_validator(mode="after")
    def _ordered(self) -> Range:
        if self.min is not None and self.max is not None and self.min > self.max:
            reject("min is above max", at=("max",), allowed=f"max >= min ({self.min:g})")
        return self


Count = Annotated[int, Field(ge=0)] | Range
"""A count condition: exactly this whole number, or a ``Range``."""


class Where(Model):
    """Conditions on a closed issue's journey; an issue is in the group when all of them hold."""

    outcome: Literal["resolved", "gave_up", "deflected"] | None = None
    """How the issue ended."""
    reason: str | list[str] | None = None
    """Its contact reason (one name or a list of names of the scenario's reasons)."""
    resolved_first_contact: bool | None = None
    """The first answered contact resolved it."""
    self_service: Literal["none", "deflected", "failed"] | None = None
    """What self-service did."""
    repeats: Count | None = None
    """Repeat and missed-callback contacts (the proxy's ``per_repeat_contact`` count)."""
    abandoned: Count | None = None
    """Abandoned attempts."""
    callbacks_missed: Count | None = None
    """Broken callback promises."""
    wait_min: Range | None = None
    """Minutes waited on the phone and in chat over all its contacts."""


PREDEFINED: dict[str, Where] = {
    "all": Where(),
    "resolved_first_contact": Where(resolved_first_contact=True),
    "repeat_1": Where(repeats=1),
    "repeat_2": Where(repeats=2),
    "repeat_3_plus": Where(repeats=Range(min=3)),
    "abandoned": Where(abandoned=Range(min=1)),
    "missed_callback": Where(callbacks_missed=Range(min=1)),
    "self_service_failed": Where(self_service="failed"),
    "deflected": Where(outcome="deflected"),
    "gave_up": Where(outcome="gave_up"),
}
"""Groups a survey can name without ``where`` (docs/satisfaction.md lists their definitions)."""


class SurveyGroup(Model):
    """One group of surveyed customers and the mean CSAT they gave."""

    name: str = Field(min_length=1)
    """The group's label; without ``where``, one of the predefined groups."""
    where: Where | None = None
    """Which simulated issues make the group (default: the predefined group ``name``)."""
    mean_csat: float = Field(ge=1, le=10)
    """Mean CSAT the group answered, on the proxy's 1-10 scale."""
    n: int = Field(default=1, ge=1)
    """Answers behind the mean: the fit weighs each group by it."""

    @model_validator(mode="after")
    def _known_name(self) -> SurveyGroup:
        if self.where is None and self.name not in PREDEFINED:
            reject(
                f"{self.name!r} is not a predefined group and the group has no where",
                at=("name",),
                allowed=f"{one_of(list(PREDEFINED))}, or any name with a where: mapping",
                value=self.name,
            )
        return self

    @property
    def conditions(self) -> Where:
        """The group's definition: its ``where``, or the predefined group of that name."""
        return self.where if self.where is not None else PREDEFINED[self.name]


class Survey(Model):
    """A survey file: mean CSAT per outcome group, and which CSAT weights to fit."""

    groups: list[SurveyGroup] = Field(min_length=1)
    """The surveyed groups (they may overlap)."""
    fit: list[CsatWeight] | None = Field(default=None, min_length=1)
    """CSAT weights to fit (default: every weight the groups identify); the rest keep the
    scenario's values."""

    @model_validator(mode="after")
    def _unique(self) -> Survey:
        seen: set[str] = set()
        for i, group in enumerate(self.groups):
            if group.name in seen:
                reject(
                    "a second group of this name",
                    at=("groups", i, "name"),
                    allowed="a name per group",
                    value=group.name,
                )
            seen.add(group.name)
        if self.fit is not None and len(set(self.fit)) < len(self.fit):
            reject("a weight is listed twice", at=("fit",), value=self.fit)
        return self


def load_survey(path: str | Path) -> Survey:
    """Read and validate a survey file; any problem raises ``ScenarioError``."""
    source = str(path)
    data = read_yaml(Path(path), "a survey YAML file")
    if not isinstance(data, dict):
        raise ScenarioError(
            source, "", "the top level is not a mapping of keys", "keys groups and fit"
        )
    try:
        return Survey.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError.multiple(
            [problem for error in exc.errors() for problem in problems(error, source, Survey)]
        ) from None


def check_reasons(survey: Survey, scenario: Scenario, source: str) -> None:
    """Refuse a group that names a reason the scenario does not have (before anything runs)."""
    names = [r.name for r in scenario.reasons]
    for i, group in enumerate(survey.groups):
        reason = group.conditions.reason
        for name in [reason] if isinstance(reason, str) else reason or []:
            if name not in names:
                raise ScenarioError(
                    source,
                    field_path(("groups", i, "where", "reason")),
                    f"the scenario has no reason {name!r}",
                    one_of(names),
                    name,
                )
