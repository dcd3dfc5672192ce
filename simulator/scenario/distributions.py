"""Random durations as a scenario writes them, checked and held in seconds as ``Distribution``.

Written as ``{dist: lognormal, mean_min: 7, cv: 0.7}`` or as empirical values from a CSV column.

The samplers that draw from them live in ``simulator.engine.samplers``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import ValidationInfo, model_serializer, model_validator

from simulator.errors import MISSING, one_of, unknown_key_message
from simulator.scenario.validation import (
    Model,
    cell_number,
    checked_number,
    csv_base_dir,
    read_csv,
    reject,
)
from simulator.units import TIME_UNITS, UNIT_NAMES, split_unit, unit_keys


@dataclass(frozen=True)
class _Param:
    """One distribution parameter: how it is written, checked and documented."""

    name: str
    doc: str  # for the JSON Schema
    timed: bool = True  # takes a unit suffix: mean_s, mean_min, ...
    positive: bool = True  # > 0, else >= 0
    whole: bool = False
    many: bool = False  # a non-empty list of values

    @property
    def keys(self) -> list[str]:
        return unit_keys(self.name) if self.timed else [self.name]

    @property
    def shown(self) -> str:
        """How the documentation writes the key: ``mean_<unit>`` or ``cv``."""
        return f"{self.name}_<unit>" if self.timed else self.name

    @property
    def item_allowed(self) -> str:
        return f"a {'whole number' if self.whole else 'number'} {'>' if self.positive else '>='} 0"

    @property
    def allowed(self) -> str:
        return f"a non-empty list, each {self.item_allowed}" if self.many else self.item_allowed

    def key_schemas(self) -> dict[str, Any]:
        """JSON Schema of each key that may carry the parameter, its unit in the description."""
        bound = "exclusiveMinimum" if self.positive else "minimum"
        item = {"type": "integer" if self.whole else "number", bound: 0}
        schema = {"type": "array", "items": item, "minItems": 1} if self.many else item
        if not self.timed:
            return {self.name: {**schema, "description": self.doc}}
        return {
            key: {**schema, "description": f"{self.doc}, in {UNIT_NAMES[unit]}"}
            for key, unit in zip(self.keys, TIME_UNITS, strict=True)
        }

    def required_schema(self) -> dict[str, Any]:
        """Exactly one of the parameter's keys (one time unit), as JSON Schema."""
        return {"oneOf": [{"required": [key]} for key in self.keys]}

    def parse(self, value: Any, scale: float, at: tuple[str | int, ...]) -> float | list[float]:
        """The value in seconds (``scale`` = seconds per unit of the key used)."""
        checks = {"allowed": self.item_allowed, "positive": self.positive, "whole": self.whole}
        if not self.many:
            return scale * checked_number(value, at=at, **checks)
        if not isinstance(value, list) or not value:
            reject("not a non-empty list", at=at, allowed=self.allowed, value=value)
        return [scale * checked_number(v, at=(*at, i), **checks) for i, v in enumerate(value)]


_MEAN = _Param("mean", "mean")
_CV = _Param("cv", "coefficient of variation: standard deviation / mean", timed=False)
_KINDS: dict[str, tuple[_Param, ...]] = {
    "exponential": (_MEAN,),
    "lognormal": (_MEAN, _CV),
    "gamma": (_MEAN, _CV),
    "erlang": (_MEAN, _Param("k", "number of phases (cv = 1 / sqrt(k))", timed=False, whole=True)),
    "deterministic": (_Param("value", "the one value every draw takes", positive=False),),
    "uniform": (
        _Param("min", "lower bound", positive=False),
        _Param("max", "upper bound (>= min)", positive=False),
    ),
    "empirical": (
        _Param("values", "values drawn with equal probability", positive=False, many=True),
    ),
}
_CSV_KEYS = ("dist", "csv", "column", "unit")
DIST_ALLOWED = (
    f"a distribution such as {{dist: exponential, mean_s: 300}}, with dist one of "
    f"{one_of(_KINDS)}; time parameters take a unit suffix {one_of('_' + u for u in TIME_UNITS)}"
)


class EmpiricalCsv(Model):
    """Where empirical values came from, kept so that the scenario is written back as given."""

    csv: str
    column: str
    unit: str = "s"


class Distribution(Model):
    """A random duration, written as in the spec and held in seconds.

    Written as ``{dist: lognormal, mean_min: 7, cv: 0.7}``; held as ``kind`` and ``params`` in
    seconds (keys ``mean``, ``cv``, ``k``, ``value``, ``min``, ``max``, ``values``), which is what
    the samplers need.
    """

    kind: str
    params: dict[str, float | list[float]]
    source: EmpiricalCsv | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_spec(cls, data: Any, info: ValidationInfo) -> dict[str, Any]:
        if not isinstance(data, Mapping):
            reject("not a mapping", allowed=DIST_ALLOWED, value=data)
        if "dist" not in data:
            reject("missing key 'dist'", allowed=DIST_ALLOWED)
        kind = data["dist"]
        if not isinstance(kind, str) or kind not in _KINDS:
            reject("unknown distribution", at=("dist",), allowed=one_of(_KINDS), value=kind)
        if kind == "empirical" and "csv" in data:
            spec = _empirical_from_csv(data, csv_base_dir(info))
            _check_finite_draws(spec["params"], {"values": ("csv", data["csv"])})
            return spec
        params = _parse_params(data, _KINDS[kind])
        given = {(split_unit(str(key)) or (key,))[0]: (str(key), data[key]) for key in data}
        _check_finite_draws(params, given)
        return {"kind": kind, "params": params}

    @model_serializer
    def to_yaml_dict(self) -> dict[str, Any]:
        """The spec form, times in seconds (``{"dist": "exponential", "mean_s": 300.0}``)."""
        if self.source is not None:
            return {"dist": self.kind, **self.source.model_dump()}
        spec: dict[str, Any] = {"dist": self.kind}
        for param in _KINDS[self.kind]:
            value = self.params[param.name]
            spec[param.keys[0]] = int(value) if param.whole else value
        return spec

    @classmethod
    def __get_pydantic_json_schema__(cls, core_schema: Any, handler: Any) -> dict[str, Any]:
        """The YAML form (unit-suffixed keys), not the normalised fields."""
        variants = [
            {
                "title": kind,
                "description": f"{kind}: {', '.join(p.shown for p in params)}",
                "properties": {
                    "dist": {"const": kind},
                    **{key: sub for p in params for key, sub in p.key_schemas().items()},
                },
                "required": ["dist", *(p.name for p in params if not p.timed)],
                "allOf": [p.required_schema() for p in params if p.timed],
                "additionalProperties": False,
            }
            for kind, params in _KINDS.items()
        ]
        from_csv = {
            "dist": {"const": "empirical"},
            "csv": {"type": "string", "description": "CSV path, relative to the scenario file"},
            "column": {"type": "string", "description": "column holding the values"},
            "unit": {"enum": list(TIME_UNITS), "default": "s", "description": "unit of the values"},
        }
        variants.append(
            {
                "title": "empirical from a CSV column",
                "properties": from_csv,
                "required": ["dist", "csv", "column"],
                "additionalProperties": False,
            }
        )
        return {
            "title": "Distribution",
            "description": DIST_ALLOWED,
            "type": "object",
            "oneOf": variants,
        }

    @property
    def mean(self) -> float:
        """Mean in seconds."""
        return self._moments()[0]

    @property
    def variance(self) -> float:
        """Variance in seconds squared."""
        return self._moments()[1]

    def _moments(self) -> tuple[float, float]:
        p = self.params
        match self.kind:
            case "exponential":
                return p["mean"], p["mean"] ** 2
            case "lognormal" | "gamma":
                return p["mean"], (p["mean"] * p["cv"]) ** 2
            case "erlang":
                return p["mean"], p["mean"] ** 2 / p["k"]
            case "deterministic":
                return p["value"], 0.0
            case "uniform":
                return (p["min"] + p["max"]) / 2, (p["max"] - p["min"]) ** 2 / 12
            case _:
                values = np.asarray(p["values"])
                return float(values.mean()), float(values.var())


def _parse_params(data: Mapping[str, Any], params: Sequence[_Param]) -> dict[str, Any]:
    """Parameters in seconds, each given exactly once with exactly one unit."""
    by_name = {param.name: param for param in params}
    allowed_keys = ["dist", *(key for param in params for key in param.keys)]
    given: dict[str, list[str]] = {param.name: [] for param in params}
    for key in data:
        if key == "dist":
            continue
        name, unit = split_unit(str(key)) or (key, None)
        param = by_name.get(name)
        if param is not None and param.timed and unit is None:
            reject(
                "needs a time unit",
                at=(key,),
                allowed=f"give {one_of(param.keys)}",
                value=data[key],
            )
        if param is None or param.timed != (unit is not None):
            reject(
                unknown_key_message(key, allowed_keys),
                at=(key,),
                allowed=f"keys {', '.join(allowed_keys)}",
            )
        given[name].append(key)
    out: dict[str, Any] = {}
    for param in params:
        keys = given[param.name]
        if len(keys) != 1:
            reject(
                f"missing {param.name}"
                if not keys
                else f"{param.name} given as {' and '.join(keys)}",
                at=tuple(keys[1:2]),
                allowed=f"give {one_of(param.keys)} ({param.allowed})",
            )
        unit = split_unit(keys[0])
        out[param.name] = param.parse(
            data[keys[0]], TIME_UNITS[unit[1]] if unit else 1.0, (keys[0],)
        )
    if "max" in out and out["max"] < out["min"]:
        reject(
            "max is below min",
            at=(given["max"][0],),
            allowed="max >= min",
            value=data[given["max"][0]],
        )
    return out


MAX_DURATION_S = 1e9
"""Longest duration a distribution may take (about 32 years): far beyond any time in a contact
center, and it keeps draws, sums and moments finite."""
MIN_CV, MAX_CV = 1e-150, 100.0
"""Range of cv: below it a gamma's shape 1/cv^2 overflows (use ``dist: deterministic``); above
it a lognormal's median is under 1/100 of its mean."""


def _check_finite_draws(params: Mapping[str, Any], given: Mapping[str, tuple[str, Any]]) -> None:
    """Refuse parameters (in seconds) whose draws would overflow or turn NaN in float64.

    That is durations beyond ``MAX_DURATION_S`` and a cv outside ``MIN_CV``..``MAX_CV``. ``given``
    holds the key and the value as written of each parameter.
    """
    for name, value in params.items():
        key, written = given[name]
        if name == "cv":
            if not MIN_CV <= value <= MAX_CV:
                reject(
                    "cv out of range",
                    at=(key,),
                    allowed=f"a cv from {MIN_CV:g} to {MAX_CV:g} (without variation: "
                    "dist: deterministic)",
                    value=written,
                )
        elif name != "k" and (longest := float(np.max(value))) > MAX_DURATION_S:
            reject(
                f"{'a value' if name == 'values' else name} of {longest:,.0f} s is too long",
                at=(key,),
                allowed=f"durations of at most {MAX_DURATION_S:,.0f} s (about 32 years)",
                value=written,
            )


def _empirical_from_csv(data: Mapping[str, Any], base_dir: Path) -> dict[str, Any]:
    for key in data:
        if key not in _CSV_KEYS:
            reject(
                unknown_key_message(key, _CSV_KEYS),
                at=(key,),
                allowed=f"keys {', '.join(_CSV_KEYS)}",
            )
    for key in ("csv", "column"):
        if not isinstance(data.get(key), str) or not data[key]:
            reject(
                "missing or not text",
                at=(key,),
                allowed="non-empty text",
                value=data.get(key, MISSING),
            )
    name, column, unit = data["csv"], data["column"], data.get("unit", "s")
    if not isinstance(unit, str) or unit not in TIME_UNITS:
        reject("unknown time unit", at=("unit",), allowed=one_of(TIME_UNITS), value=unit)
    values = [
        TIME_UNITS[unit]
        * cell_number(
            row[column],
            allowed="a number >= 0",
            positive=False,
            at=("csv",),
            where=f"{name} row {number}, column {column!r}: ",
        )
        for number, row in read_csv(name, base_dir, (column,), ("csv",))
        if row[column]  # blank cells: columns of one file may differ in length
    ]
    if not values:
        reject(f"{name}: column {column!r} has no values", at=("csv",), allowed="numbers >= 0")
    return {
        "kind": "empirical",
        "params": {"values": values},
        "source": {"csv": name, "column": column, "unit": unit},
    }
