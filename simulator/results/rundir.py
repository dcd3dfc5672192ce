"""Reading a run folder written by ``ccsim run FILE --out DIR`` for reports and assessments.

Reports and assessments need only the folder (spec A4). Tables written by newer models may
hold more columns (journeys, satisfaction proxies) or an extra ``journeys.parquet``; those are
optional here, so that a report of an older or simpler run shows what it has and says what it
lacks instead of inventing numbers.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from simulator.errors import CcsimError


class RunDirError(CcsimError):
    """The folder given to ``report`` or ``assess`` is missing or is not a run folder."""


@dataclass
class RunData:
    """The files of one run folder; the larger tables load only when first used."""

    path: Path
    meta: dict[str, Any]
    scenario: dict[str, Any] = field(default_factory=dict)

    @property
    def kpis(self) -> dict[str, float | None]:
        """Mean KPIs over replications, with ``None`` for undefined values."""
        return {k: _number(v) for k, v in (self.meta.get("kpis") or {}).items()}

    @property
    def default_only_kpis(self) -> list[str]:
        """KPIs that follow only from defaults the scenario never stated (``assess``).

        Empty for folders written before ccsim recorded this.
        """
        keys = self.meta.get("default_only_kpis")
        return [k for k in keys if isinstance(k, str)] if isinstance(keys, list) else []

    @property
    def ci95(self) -> dict[str, float | None]:
        """Half-widths of the 95% confidence intervals (``None`` when undefined)."""
        return {k: _number(v) for k, v in (self.meta.get("ci95") or {}).items()}

    @property
    def name(self) -> str:
        """The scenario's name for titles: meta.json's, else the scenario's, else the folder's."""
        return str(self.meta.get("scenario") or self.scenario.get("name") or self.path.name)

    @property
    def replications(self) -> int | None:
        """Replications the run made, or ``None`` when meta.json does not say."""
        value = self.meta.get("replications")
        return int(value) if isinstance(value, int | float) else None

    @property
    def warmup_s(self) -> float:
        """Warm-up in seconds: contacts arriving before it are not counted (spec A3)."""
        horizon = self.scenario.get("horizon") or {}
        return float(horizon.get("warmup_minutes") or 0.0) * 60.0

    @property
    def days(self) -> int:
        """Simulated calendar days (spec A4 default: 1)."""
        horizon = self.scenario.get("horizon") or {}
        try:
            return int(horizon.get("days") or 1)
        except (TypeError, ValueError):
            return 1

    @property
    def horizon_start(self) -> date | None:
        """The calendar date the horizon starts, when the scenario gives one."""
        start = (self.scenario.get("horizon") or {}).get("start")
        if isinstance(start, date):
            return start
        try:
            return date.fromisoformat(str(start)) if start else None
        except ValueError:
            return None

    @property
    def phone_service_level(self) -> tuple[float, float]:
        """``(answer_within_s, target)`` of the phone channel, with the spec A4 defaults."""
        phone = (self.scenario.get("channels") or {}).get("phone") or {}
        sl = phone.get("service_level") or {}
        return float(sl.get("answer_within_s", 20.0)), float(sl.get("target", 0.8))

    @cached_property
    def summary(self) -> pd.DataFrame | None:
        """summary.csv: one row per replication with its KPIs, or ``None`` when absent."""
        return self._table("summary.csv")

    @cached_property
    def intervals(self) -> pd.DataFrame | None:
        """intervals.parquet: per replication and reporting interval, or ``None`` when absent."""
        return self._table("intervals.parquet")

    @cached_property
    def contacts(self) -> pd.DataFrame | None:
        """contacts.parquet: one row per contact, or ``None`` when the run did not write it."""
        return self._table("contacts.parquet")

    @cached_property
    def journeys(self) -> pd.DataFrame | None:
        """journeys.parquet: one row per issue, or ``None`` when the run did not write it."""
        return self._table("journeys.parquet")

    @cached_property
    def by_reason(self) -> pd.DataFrame | None:
        """by_reason.csv: per replication and reason (spec D1), or ``None`` (an older run)."""
        return self._table("by_reason.csv")

    @cached_property
    def by_group(self) -> pd.DataFrame | None:
        """by_group.csv: per replication and agent group (spec D1), or ``None`` (an older run)."""
        return self._table("by_group.csv")

    def _table(self, name: str) -> pd.DataFrame | None:
        """A table of the folder, or ``None`` when this run did not write it."""
        file = self.path / name
        if not file.is_file():
            return None
        try:
            return pd.read_csv(file) if name.endswith(".csv") else pd.read_parquet(file)
        except Exception as err:  # a damaged file is bad input, not a bug
            raise RunDirError(f"{file}: cannot be read ({type(err).__name__}: {err})") from None


def _number(value: Any) -> float | None:
    """A KPI value as float, ``None`` for missing or non-finite values (JSON has no NaN)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def load_run(path: Path | str) -> RunData:
    """Open a run folder, refusing anything that is not one with a message that says why."""
    path = Path(path)
    hint = "give a folder written by `ccsim run FILE --out DIR`"
    if not path.exists():
        raise RunDirError(f"{path}: no such folder; {hint}")
    if not path.is_dir():
        raise RunDirError(f"{path}: is not a folder; {hint}")
    meta_file = path / "meta.json"
    if not meta_file.is_file():
        raise RunDirError(f"{path}: not a run folder (meta.json is missing); {hint}")
    try:
        meta = json.loads(meta_file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise RunDirError(f"{meta_file}: cannot be read as JSON ({err})") from None
    if not isinstance(meta, dict) or not isinstance(meta.get("kpis"), dict):
        raise RunDirError(f"{meta_file}: has no 'kpis' object; {hint}")
    scenario: dict[str, Any] = {}
    scenario_file = path / "scenario.yaml"
    if scenario_file.is_file():
        try:
            loaded = yaml.safe_load(scenario_file.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as err:
            raise RunDirError(f"{scenario_file}: cannot be read as YAML ({err})") from None
        scenario = loaded if isinstance(loaded, dict) else {}
    return RunData(path=path, meta=meta, scenario=scenario)
