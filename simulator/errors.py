"""Errors ccsim reports to users as a short message (exit code 2) instead of a traceback."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from enum import Enum


class _Missing(Enum):
    MISSING = "MISSING"

    def __repr__(self) -> str:
        return "<no value>"


MISSING = _Missing.MISSING
"""``ScenarioError.value`` when there is no offending value to show (e.g. a missing key)."""

_MAX_VALUE_CHARS = 80


class CcsimError(Exception):
    """Base of the errors caused by input or circumstances, not by a bug in ccsim."""


class ScenarioError(CcsimError):
    """A problem in a scenario, located by file and field path so that the user can fix it.

    ``problems`` holds the individual errors when several were found at once (see ``multiple``);
    then ``path``, ``message``, ``allowed`` and ``value`` are those of the first.
    """

    MAX_LISTED = 10

    def __init__(
        self,
        file: str,
        path: str,
        message: str,
        allowed: str | None = None,
        value: object = MISSING,
        problems: Sequence[ScenarioError] = (),
    ) -> None:
        super().__init__(file, path, message)
        self.file = file
        self.path = path
        self.message = message
        self.allowed = allowed
        self.value = value
        self.problems = tuple(problems)

    @classmethod
    def multiple(cls, errors: Sequence[ScenarioError]) -> ScenarioError:
        """One error for all of ``errors``, so a user can fix several problems in one edit."""
        if len(errors) == 1:
            return errors[0]
        first = errors[0]
        return cls(first.file, first.path, first.message, first.allowed, first.value, errors)

    def describe(self) -> str:
        """The message without the file: ``<path>: <what is wrong> (got <value>). Allowed: ...``."""
        where = f"{self.path}: " if self.path else ""
        got = "" if self.value is MISSING else f" (got {show_value(self.value)})"
        allowed = f" Allowed: {self.allowed.rstrip('.')}." if self.allowed else ""
        return f"{where}{self.message}{got}.{allowed}"

    def __str__(self) -> str:
        if not self.problems:
            return f"{self.file}: {self.describe()}"
        lines = [f"{self.file}: {len(self.problems)} problems:"]
        lines += [f"  {p.describe()}" for p in self.problems[: self.MAX_LISTED]]
        if len(self.problems) > self.MAX_LISTED:
            lines.append(f"  ... and {len(self.problems) - self.MAX_LISTED} more")
        return "\n".join(lines)


def show_value(value: object) -> str:
    """A short repr: messages must stay one paragraph even for a long list or mapping."""
    text = f"{value:.10g}" if isinstance(value, float) else repr(value)
    return text if len(text) <= _MAX_VALUE_CHARS else text[: _MAX_VALUE_CHARS - 3] + "..."


def one_of(items: Iterable[str]) -> str:
    """``"a, b or c"``: how messages list alternatives."""
    items = list(items)
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} or {items[-1]}"


def unknown_key_message(key: object, allowed: Sequence[str]) -> str:
    """``unknown key 'handel_time' (did you mean 'handle_time'?)``: typos are the usual cause."""
    close = difflib.get_close_matches(str(key), allowed, n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return f"unknown key {key!r}{hint}"


def field_path(loc: Iterable[str | int]) -> str:
    """``reasons[2].handle_time.mean_s`` for ``("reasons", 2, "handle_time", "mean_s")``."""
    path = ""
    for item in loc:
        path += f"[{item}]" if isinstance(item, int) else f".{item}" if path else str(item)
    return path
