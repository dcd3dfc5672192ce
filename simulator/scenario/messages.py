"""Pydantic ``ValidationError``s -> ``ScenarioError``s that name the YAML key path.

They also say what is allowed there, worked out from the type and constraints of the field that
failed.
"""

from __future__ import annotations

import operator
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from functools import reduce
from types import NoneType, UnionType
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import annotated_types
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from simulator.errors import MISSING, ScenarioError, field_path, one_of, unknown_key_message
from simulator.scenario.distributions import DIST_ALLOWED, Distribution

_MESSAGES = {
    "missing": "missing (required)",
    "greater_than": "out of range",
    "greater_than_equal": "out of range",
    "less_than": "out of range",
    "less_than_equal": "out of range",
    "finite_number": "not a finite number",
    "int_type": "not a whole number",
    "int_parsing": "not a whole number",
    "int_from_float": "not a whole number",
    "float_type": "not a number",
    "float_parsing": "not a number",
    "string_type": "not text",
    "string_too_short": "empty",
    "list_type": "not a list",
    "too_short": "too few items",
    "model_type": "not a mapping",
    "model_attributes_type": "not a mapping",
    "dict_type": "not a mapping",
    "datetime_parsing": "not a date-time",
    "datetime_from_date_parsing": "not a date-time",
    "datetime_type": "not a date-time",
    "date_parsing": "not a date",
    "date_from_datetime_parsing": "not a date",
    "date_type": "not a date",
    "union_tag_invalid": "unknown kind",
    "union_tag_not_found": "missing key 'kind'",
}
_BOUNDS = {
    annotated_types.Gt: (">", "gt"),
    annotated_types.Ge: (">=", "ge"),
    annotated_types.Lt: ("<", "lt"),
    annotated_types.Le: ("<=", "le"),
}
_TYPE_NAMES = {
    int: "a whole number",
    float: "a number",
    str: "text",
    bool: "true or false",
    date: "a date such as 2026-01-05",
    datetime: "a date-time such as 2026-01-12T09:00",
}


def problems(error: Mapping[str, Any], source: str, root: type[BaseModel]) -> list[ScenarioError]:
    """The ``ScenarioError``s of one pydantic error (``ValidationError.errors()``).

    Found while validating the model ``root`` (the scenario) from ``source``.
    """
    loc, (annotation, metadata) = _walk(error["loc"], root)
    if error["type"] == "ccsim":
        return [
            ScenarioError(
                source, field_path(loc + issue.at), issue.message, issue.allowed, issue.value
            )
            for issue in error["ctx"]["issues"]
        ]
    if error["type"] == "extra_forbidden":
        # the raw location still names the union member (``drivers.0.incident``): walk that
        keys = list(_walk(error["loc"][:-1], root)[1][0].model_fields)
        message = unknown_key_message(loc[-1], keys)
        return [ScenarioError(source, field_path(loc), message, f"keys {', '.join(keys)}")]
    message = _MESSAGES.get(error["type"]) or error["msg"].replace("Input should be", "must be")
    value = MISSING if error["type"] == "missing" else error["input"]
    return [ScenarioError(source, field_path(loc), message, describe(annotation, metadata), value)]


def _walk(
    loc: Sequence[str | int], root: type[BaseModel]
) -> tuple[tuple[str | int, ...], tuple[Any, list[Any]]]:
    """``loc`` (below ``root``) without pydantic's union-member tags, and the field it ends at.

    Union-member tags such as ``'list[float]'`` name no YAML key. The type and constraints of the
    field ``loc`` ends at say what is allowed there.
    """
    clean: list[str | int] = []
    annotation, metadata = root, []
    for item in loc:
        annotation, metadata = _resolve(annotation, metadata)
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            field = annotation.model_fields.get(item) if isinstance(item, str) else None
            annotation, metadata = (field.annotation, field.metadata) if field else (None, [])
        elif isinstance(item, int):
            members = get_args(annotation) if _is_union(annotation) else (annotation,)
            lists = [get_args(m)[0] for m in members if get_origin(m) is list]
            annotation, metadata = (lists[0] if lists else None), []
        elif _is_union(annotation):
            # a tag naming the union member that failed: follow it when it names a model by its
            # discriminator value (``kind: incident``), so the fields below are known
            annotation, metadata = _tagged_member(annotation, item) or annotation, []
            continue
        else:
            annotation, metadata = None, []
        clean.append(item)
    return tuple(clean), _resolve(annotation, metadata)


def _tagged_member(union: Any, tag: object) -> Any:
    """The model of ``union`` that a literal field (a discriminator) sets to ``tag``, or None."""
    for member in get_args(union):
        if isinstance(member, type) and issubclass(member, BaseModel):
            for field in member.model_fields.values():
                if get_origin(field.annotation) is Literal and tag in get_args(field.annotation):
                    return member
    return None


def _is_union(annotation: Any) -> bool:
    return get_origin(annotation) in (Union, UnionType)


def _resolve(annotation: Any, metadata: Sequence[Any]) -> tuple[Any, list[Any]]:
    """The type behind ``annotation`` without Optional and Annotated, with all constraints."""
    metadata = list(metadata)
    while True:
        if get_origin(annotation) is Annotated:
            info = FieldInfo.from_annotation(annotation)
            annotation, metadata = info.annotation, metadata + info.metadata
        elif _is_union(annotation) and NoneType in get_args(annotation):
            members = [m for m in get_args(annotation) if m is not NoneType]
            annotation = reduce(operator.or_, members)
        else:
            return annotation, metadata


def describe(annotation: Any, metadata: Sequence[Any]) -> str | None:
    """What a field allows, in words, from its type and constraints."""
    if annotation is Distribution:
        return DIST_ALLOWED
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return f"a mapping with keys {', '.join(annotation.model_fields)}"
    if _is_union(annotation):
        return " or ".join(filter(None, (describe(*_resolve(m, [])) for m in get_args(annotation))))
    if get_origin(annotation) is Literal:
        return one_of([repr(v) for v in get_args(annotation)])
    if get_origin(annotation) is list:
        item = describe(*_resolve(get_args(annotation)[0], []))
        non_empty = any(isinstance(m, annotated_types.MinLen) for m in metadata)
        return f"a {'non-empty ' if non_empty else ''}list, each item {item}"
    name = _TYPE_NAMES.get(annotation)
    if name is None:
        return None
    if annotation is str and any(isinstance(m, annotated_types.MinLen) for m in metadata):
        return "non-empty text"
    bounds = [
        f"{op} {getattr(m, attr):g}"
        for m in metadata
        for kind, (op, attr) in _BOUNDS.items()
        if isinstance(m, kind)
    ]
    return " ".join([name, " and ".join(bounds)]).strip()
