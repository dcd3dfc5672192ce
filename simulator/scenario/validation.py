"""Shared machinery of the scenario models.

The strict base model, reporting problems from inside validators, hand-made number checks, reading
the CSV files a scenario names, and validators that several models use (exactly one of some keys,
shares, weekly hours, day factors).

A validator reports a problem by ``reject`` (or ``raise_issues`` for several at once); pydantic
adds where it happened, and ``simulator.scenario.messages`` turns it into a ``ScenarioError``.
"""

from __future__ import annotations

import ast
import csv
import inspect
import io
import math
import sys
from collections.abc import Mapping, Sequence
from functools import cache
from itertools import pairwise
from pathlib import Path
from typing import Annotated, Any, NamedTuple, NoReturn

from pydantic import BaseModel, ConfigDict, ValidationInfo, WithJsonSchema
from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue
from pydantic_core import PydanticCustomError, core_schema

from simulator.errors import MISSING, one_of
from simulator.scenario.hours import (
    DAYS,
    DAYS_PATTERN,
    HOURS_ALLOWED,
    HoursError,
    WeeklyHours,
    hours_json_schema,
    parse_days,
)

SHARE_TOLERANCE = 1e-6


class Model(BaseModel):
    """Base of every scenario model: a typo is an unknown key, and nothing changes after loading.

    Fields are documented by the docstring under them; the JSON Schema shows it as the field's
    description (``DescribedJsonSchema``).
    """

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


@cache
def _class_docstrings(module: str) -> dict[str, dict[str, str]]:
    """Per class of ``module``, the docstring under each annotated field (one parse per file)."""
    found: dict[str, dict[str, str]] = {}
    for node in ast.walk(ast.parse(inspect.getsource(sys.modules[module]))):
        if isinstance(node, ast.ClassDef):
            found[node.name] = {
                field.target.id: inspect.cleandoc(doc.value.value)
                for field, doc in pairwise(node.body)
                if isinstance(field, ast.AnnAssign)
                and isinstance(field.target, ast.Name)
                and isinstance(doc, ast.Expr)
                and isinstance(doc.value, ast.Constant)
                and isinstance(doc.value.value, str)
            }
    return found


def field_docstrings(model: type[BaseModel]) -> dict[str, str]:
    """The docstring of each field of ``model``, from the class that last declared the field."""
    docs: dict[str, str | None] = {}
    for cls in reversed(model.__mro__):
        if issubclass(cls, Model) and cls is not Model:
            own = _class_docstrings(cls.__module__).get(cls.__name__, {})
            docs.update({name: own.get(name) for name in inspect.get_annotations(cls)})
    return {name: doc for name, doc in docs.items() if doc is not None}


class DescribedJsonSchema(GenerateJsonSchema):
    """JSON Schema with each field's docstring as its description.

    What pydantic's ``use_attribute_docstrings`` gives, read from the source only when a schema
    is asked for: done at import, for every model, it was a third of loading the scenario models
    (about 0.1 s of every ``ccsim`` command).
    """

    def model_schema(self, schema: core_schema.ModelSchema) -> JsonSchemaValue:
        """The model's schema, with the docstrings of the fields that have no description."""
        json_schema = super().model_schema(schema)
        properties = json_schema.get("properties", {})
        for name, doc in field_docstrings(schema["cls"]).items():
            if name in properties:
                properties[name].setdefault("description", doc)
        return json_schema


# -- reporting problems found inside validators ------------------------------------------------
class Issue(NamedTuple):
    """One problem a validator found: where below the failing field, what, and what is allowed."""

    at: tuple[str | int, ...]  # below the location pydantic reports for the failing validator
    message: str
    allowed: str | None = None
    value: object = MISSING


def raise_issues(*issues: Issue) -> NoReturn:
    """Raise through pydantic, which adds the location of the model or field that failed."""
    message = "; ".join(issue.message for issue in issues)
    raise PydanticCustomError("ccsim", "{message}", {"message": message, "issues": issues})


def reject(
    message: str,
    *,
    at: tuple[str | int, ...] = (),
    allowed: str | None = None,
    value: object = MISSING,
) -> NoReturn:
    """Report one problem from inside a validator (see ``Issue``); never returns."""
    raise_issues(Issue(at, message, allowed, value))


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def checked_number(
    value: Any,
    *,
    allowed: str,
    positive: bool,
    whole: bool = False,
    at: tuple[str | int, ...] = (),
    where: str = "",
) -> float:
    """``value`` as a float after checking it by hand, for inputs that pydantic does not type."""
    if not _is_number(value):
        reject(f"{where}not a number", at=at, allowed=allowed, value=value)
    if value < 0 or (positive and value == 0):
        reject(f"{where}out of range", at=at, allowed=allowed, value=value)
    if whole and not float(value).is_integer():
        reject(f"{where}not a whole number", at=at, allowed=allowed, value=value)
    return float(value)


def csv_base_dir(info: ValidationInfo) -> Path:
    """Directory that relative CSV paths start from: the scenario file's, else the cwd."""
    return Path((info.context or {}).get("base_dir") or Path.cwd())


def read_csv(
    name: str, base_dir: Path, columns: Sequence[str], at: tuple[str | int, ...]
) -> list[tuple[int, dict[str, str]]]:
    """Stripped cells of ``columns`` with their row numbers (the header is row 1)."""
    path = base_dir / name
    try:
        text = path.read_text(encoding="utf-8-sig")  # spreadsheets often write a BOM
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
        reject(f"cannot read CSV file {str(path)!r}: {reason}", at=at, value=name)
    reader = csv.DictReader(io.StringIO(text), skipinitialspace=True)
    try:
        reader.fieldnames = [column.strip() for column in reader.fieldnames or []]
        missing = [column for column in columns if column not in reader.fieldnames]
        if missing:
            reject(
                f"{name}: no column {one_of(repr(c) for c in missing)} in the header row",
                at=at,
                allowed=f"a CSV file with a header row naming the columns {', '.join(columns)}",
                value=reader.fieldnames,
            )
        return [(reader.line_num, {c: (row[c] or "").strip() for c in columns}) for row in reader]
    except csv.Error as exc:
        reject(f"{name} row {reader.line_num}: {exc}", at=at)


def cell_number(cell: str, **checks: Any) -> float:
    """A CSV cell as a number, checked like a YAML value (see ``checked_number``)."""
    try:
        value = float(cell)
    except ValueError:
        value = cell
    return checked_number(value, **checks)


def exactly_one(model: BaseModel, names: Sequence[str]) -> None:
    """Reject ``model`` unless exactly one of the fields ``names`` is given."""
    given = [name for name in names if getattr(model, name) is not None]
    if len(given) != 1:
        reject(
            "none of them is given" if not given else f"{' and '.join(given)} are given together",
            allowed=f"exactly one of {one_of(names)}",
        )


def exactly_one_schema(*names: str) -> dict[str, Any]:
    """The JSON-schema form of ``exactly_one``, so ``ccsim schema`` documents the rule too."""
    return {"oneOf": [{"required": [name]} for name in names]}


_DAY_FACTORS_ALLOWED = "a mapping of days mon..sun (ranges such as mon-fri allowed) to factors >= 0"

# Types of the day-keyed mappings: checked by the validators below (which say what is wrong),
# documented for ``ccsim schema`` with the day and time patterns instead of a bare "string".
HoursMapping = Annotated[dict[str, str], WithJsonSchema(hours_json_schema())]
DayFactors = Annotated[
    dict[str, float],
    WithJsonSchema(
        {
            "type": "object",
            "propertyNames": {"pattern": DAYS_PATTERN},
            "additionalProperties": {"type": "number", "minimum": 0},
            "description": _DAY_FACTORS_ALLOWED,
            "examples": [{"mon": 1.3, "tue-thu": 1.0, "sat": 0.5, "sun": 0}],
        }
    ),
]


def day_factors(value: Any) -> dict[str, float] | None:
    """``{mon-fri: 1.1, sat: 0.5}`` -> one factor per weekday key; unnamed days keep 1."""
    if value is None:
        return None
    if not isinstance(value, Mapping) or not value:
        reject("not a mapping of days to factors", allowed=_DAY_FACTORS_ALLOWED, value=value)
    factors: dict[str, float] = {}
    for key, factor in value.items():
        try:
            days = parse_days(str(key))
        except HoursError as exc:
            reject(str(exc), at=(str(key),), allowed=_DAY_FACTORS_ALLOWED, value=key)
        number = checked_number(factor, at=(str(key),), allowed="a factor >= 0", positive=False)
        factors.update({DAYS[d]: number for d in days})
    return factors


def check_shares(value: dict[str, float] | None) -> dict[str, float] | None:
    """Reject shares that do not sum to 1 (within ``SHARE_TOLERANCE``); ``None`` passes."""
    if value is not None and abs(math.fsum(value.values()) - 1) > SHARE_TOLERANCE:
        reject(
            f"shares sum to {math.fsum(value.values()):.10g}",
            allowed=f"shares that sum to 1 (within {SHARE_TOLERANCE:g})",
            value=value,
        )
    return value


def check_hours(value: Any) -> Any:
    """Check weekly hours by parsing them, so the message says which part is wrong."""
    if value is None:
        return None
    if not isinstance(value, Mapping) or not value:
        reject("not a mapping of days to times", allowed=HOURS_ALLOWED, value=value)
    try:
        WeeklyHours.parse(value)
    except HoursError as exc:
        reject(str(exc), allowed=HOURS_ALLOWED, value=dict(value))
    return {str(k): str(v) for k, v in value.items()}
