"""The what-if room of ``ccsim app``: one what-if against its base, answered fast, then refined.

A trainer moves levers (agents +/- %, FCR per reason, a third party's on-time share, a driver's
contact rate, the self-service share, prices) and the room answers: the base and the what-if
run with the same seed and replication numbers (common random numbers, as ``ccsim train``), on a
short horizon, first with a few replications and then with more until the final number. Replication
r of a scenario is always the same numbers, so a refined answer is the quick one plus more
replications, and the final one is exactly what ``ccsim compare`` of the saved files prints.

Every replication is kept by scenario and number: the base is simulated once, and moving a lever
back to where it was costs nothing. The room plans and pairs; running the replications is the
caller's (``ccsim app`` hands them to a process pool, :meth:`Room.evaluate` to
:func:`~simulator.runs.executor.run_tasks`), so the page never waits on a simulation.

The what-if is a :class:`~simulator.studies.training.WhatIf` (``scale_agents`` and dotted ``set``
paths) and its result a :class:`~simulator.studies.training.TrainingResult`: the table, the
four-panel figure and the story sentences are those of ``ccsim train``. Prices are assumptions
of the room, not a lever of the what-if: a price moved applies to the base and the what-if alike
(as an experiment file's ``costs`` block does in ``ccsim train``).
"""

from __future__ import annotations

import copy
import json
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from simulator.errors import CcsimError, ScenarioError
from simulator.runs.executor import run_tasks
from simulator.runs.replications import Replication, collect, run_replication
from simulator.scenario.loading import load_scenario, load_scenario_dict, read_yaml
from simulator.scenario.models import Scenario
from simulator.studies.compare import Comparison, structure_notes
from simulator.studies.training import (
    Training,
    TrainingError,
    TrainingResult,
    WhatIf,
    apply_what_if,
    replication_metrics,
)

DAYS = 3
"""Default horizon in days (at most the scenario's): about 0.6 s a replication of
``low_fcr_center``, where the week takes 1.2 s."""
QUICK = 2
"""Replications of the first answer: the fewest that give a confidence interval."""
STEP = 2
"""Replications added per refinement step: one per core of a 2-core machine."""
MAX_REPLICATIONS = 200
SELF_SERVICE_SUCCESS = 0.5
"""Self-service success assumed for a reason that has no ``self_service`` in the base."""
PRICES = ("agent_hour", "contact_minute", "third_party_job")
"""The prices the room shows as fields when the scenario has a ``costs`` block."""
FILES = ("baseline.yaml", "what_if.yaml")
"""What "save as scenario" writes: the base and the what-if as the page ran them."""


DEFAULT_SCENARIO = "low_fcr_center.yaml"
"""The scenario ``ccsim app`` opens without one: the base of the "meer headcount" training."""


def default_scenario() -> Path:
    """``scenarios/low_fcr_center.yaml``: here (an edited copy wins), installed, or a checkout."""
    package = Path(__file__).resolve().parents[1]  # simulator/, beside studies/
    for root in (Path.cwd(), package, package.parent):
        path = root / "scenarios" / DEFAULT_SCENARIO
        if path.is_file():
            return path
    raise CcsimError(
        f"scenarios/{DEFAULT_SCENARIO} not found here or in the ccsim package; give a scenario file"
    )


class RoomError(CcsimError):
    """A lever or setting the room cannot take (shown on the page, as the CLI would say it)."""


@dataclass(frozen=True)
class Lever:
    """One control of the room: its key, what it moves, the base's value and the slider's range.

    ``kind``: ``agents`` (percent more or fewer agents; 0 in the base), ``fcr`` (a reason's
    ``fcr``), ``on_time`` (a third party's ``on_time_probability``), ``contact_rate`` (a driver's),
    ``self_service`` (share of new issues that try self-service, every reason) or ``price``.
    """

    key: str
    kind: str
    target: str
    base: float
    low: float
    high: float
    step: float


@dataclass(frozen=True)
class Settings:
    """How the room runs: horizon in days, final replications, seed."""

    days: int
    replications: int
    seed: int


def self_service_share(scenario: Scenario) -> float:
    """Share of new issues that try self-service: the reasons' ``offered`` weighted by share."""
    total = sum(r.share for r in scenario.reasons)
    if total <= 0:
        return 0.0
    offered = sum(
        r.share * (r.self_service.offered if r.self_service else 0.0) for r in scenario.reasons
    )
    return offered / total


def levers(scenario: Scenario) -> list[Lever]:
    """The controls a scenario offers, in page order, each starting at the base's value."""
    out = [Lever("agents", "agents", "", 0.0, -50.0, 100.0, 5.0)]
    out += [Lever(f"fcr.{r.name}", "fcr", r.name, r.fcr, 0.0, 1.0, 0.01) for r in scenario.reasons]
    out += [
        Lever(f"on_time.{p.name}", "on_time", p.name, p.on_time_probability, 0.0, 1.0, 0.01)
        for p in scenario.third_parties
    ]
    out += [
        Lever(
            f"contact_rate.{i}",
            "contact_rate",
            str(i),
            d.contact_rate,
            0.0,
            max(0.1, 2 * d.contact_rate),
            0.005,
        )
        for i, d in enumerate(scenario.drivers)
        if getattr(d, "contact_rate", None) is not None
    ]
    out.append(
        Lever("self_service", "self_service", "", self_service_share(scenario), 0.0, 1.0, 0.01)
    )
    if scenario.costs is not None:
        for name in PRICES:
            price = float(getattr(scenario.costs, name))
            out.append(Lever(f"price.{name}", "price", name, price, 0.0, max(1.0, 2 * price), 0.0))
    return out


@dataclass
class Setup:
    """A base and one what-if, validated, as the room runs them."""

    training: Training
    datas: list[dict[str, Any]]  # the base and the what-if as scenario dicts (what is saved)
    moved: list[tuple[Lever, float]]  # the levers away from the base's value
    keys: list[str]  # what identifies each scenario's numbers (see ``_key``)

    @property
    def scenarios(self) -> list[Scenario]:
        """The base first, then the what-if."""
        return self.training.scenarios


def _number(value: Any, what: str, source: str) -> float:
    """A lever's value as a float, or a message saying what is wrong with it."""
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise RoomError(f"{source}: {what}: a number is needed (got {value!r}).") from None
    if not math.isfinite(v):
        raise RoomError(f"{source}: {what}: a finite number is needed (got {value!r}).")
    return v


def _key(data: Mapping[str, Any]) -> str:
    """What identifies a scenario's numbers: everything but its name and description."""
    rest = {k: v for k, v in data.items() if k not in ("name", "description")}
    return json.dumps(rest, sort_keys=True, default=str)


def simulate_replication(
    scenario: Scenario, replication: int, seed: int
) -> tuple[Replication, dict[str, float]]:
    """One replication and its training metrics (a module-level function: runs in a worker)."""
    rep = run_replication(scenario, replication, seed, keep_contacts=False)
    one = collect(scenario, seed, [rep])
    return rep, replication_metrics(one.summary.iloc[0], one.intervals, scenario)


Task = tuple[Scenario, int, int]
"""What a worker runs: :func:`simulate_replication` ``(scenario, replication, seed)``."""


class Room:
    """A base scenario file, its levers and every replication simulated so far."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.source = str(path)
        raw = read_yaml(self.path, "a scenario YAML file")
        if not isinstance(raw, dict):
            raise ScenarioError(
                f"{self.source}: a scenario is a mapping of keys, not {type(raw).__name__}"
            )
        raw.setdefault("name", self.path.stem)
        self.raw = raw
        self.scenario = load_scenario_dict(copy.deepcopy(raw), self.source, self.path.parent)
        self.levers = levers(self.scenario)
        self._cache: dict[tuple[str, int, int], tuple[Replication, dict[str, float]]] = {}

    def defaults(self) -> Settings:
        """The horizon (at most :data:`DAYS`), the file's replications (at least 2) and seed."""
        sc = self.scenario
        return Settings(min(DAYS, sc.horizon.days), max(QUICK, sc.replications), sc.seed)

    def check_settings(self, days: Any, replications: Any, seed: Any) -> Settings:
        """Settings from the page's fields, or the message that says what is wrong."""
        checked = []
        limits = {
            "days": (1, self.scenario.horizon.days),
            "replications": (QUICK, MAX_REPLICATIONS),
            "seed": (0, 2**63 - 1),
        }
        for name, value in (("days", days), ("replications", replications), ("seed", seed)):
            v = _number(value, name, self.source)
            low, high = limits[name]
            if v != int(v) or not low <= v <= high:
                raise RoomError(
                    f"{self.source}: {name}: out of range (got {value!r}). "
                    f"Allowed: a whole number from {low} to {high}."
                )
            checked.append(int(v))
        return Settings(*checked)

    def setup(
        self,
        values: Mapping[str, Any],
        settings: Settings,
        names: tuple[str, str] = ("what-if", "wat-als"),
    ) -> Setup:
        """The base and the what-if for lever ``values`` (by key; a missing key keeps the base).

        Raises :class:`RoomError` or :class:`~simulator.errors.ScenarioError` with the message the
        CLI would give for the same value in a scenario file.
        """
        base = copy.deepcopy(self.raw)
        base["seed"], base["replications"] = settings.seed, settings.replications
        base["horizon"] = {**(base.get("horizon") or {}), "days": settings.days}
        moved: list[tuple[Lever, float]] = []
        scale, changes = None, {}
        for lever in self.levers:
            if lever.key not in values:
                continue
            value = _number(values[lever.key], lever.key, self.source)
            if abs(value - lever.base) <= 1e-12:
                continue
            moved.append((lever, value))
            if lever.kind == "agents":
                if value <= -100:
                    raise RoomError(
                        f"{self.source}: agents: {value:g}% leaves no agents (got {value:g}). "
                        "Allowed: a percentage above -100."
                    )
                scale = 1 + value / 100
            elif lever.kind == "price":
                base.setdefault("costs", {})[lever.target] = value  # the base and the what-if
            elif lever.kind == "fcr":
                changes[f"reasons[{lever.target}].fcr"] = value
            elif lever.kind == "on_time":
                changes[f"third_parties[{lever.target}].on_time_probability"] = value
            elif lever.kind == "contact_rate":
                changes[f"drivers[{lever.target}].contact_rate"] = value
            elif lever.kind == "self_service":
                for reason in self.scenario.reasons:
                    ss = reason.self_service
                    changes[f"reasons[{reason.name}].self_service"] = {
                        "offered": value,
                        "success": ss.success if ss else SELF_SERVICE_SUCCESS,
                        "failure_handle_factor": ss.failure_handle_factor if ss else 1.0,
                    }
        what_if = WhatIf(name=names[0], name_nl=names[1], scale_agents=scale, set=changes)
        try:
            datas = [base, apply_what_if(base, what_if, self.source)]
        except TrainingError as err:
            raise RoomError(str(err)) from None
        scenarios = [
            load_scenario_dict(copy.deepcopy(d), self.source, self.path.parent) for d in datas
        ]
        training = Training(
            name=str(base["name"]),
            file=self.source,
            what_ifs=[what_if],
            scenarios=scenarios,
            seed=settings.seed,
            replications=settings.replications,
        )
        return Setup(training, datas, moved, [_key(d) for d in datas])

    # -- replications -----------------------------------------------------------------------------
    def missing(self, setup: Setup, n: int) -> list[Task]:
        """The replications below ``n`` of the base and the what-if not simulated yet."""
        seed, tasks, seen = setup.training.seed, [], set()
        for name, scenario in zip(setup.keys, setup.scenarios, strict=True):
            for r in range(n):
                key = (name, r, seed)
                if key not in self._cache and key not in seen:
                    seen.add(key)
                    tasks.append((scenario, r, seed))
        return tasks

    def key(self, setup: Setup, task: Task) -> tuple[str, int, int]:
        """What identifies a task's replication in the room, whichever setup asked for it."""
        scenario, r, seed = task
        index = next(i for i, s in enumerate(setup.scenarios) if s is scenario)
        return setup.keys[index], r, seed

    def store(self, setup: Setup, task: Task, value: tuple[Replication, dict[str, float]]) -> None:
        """Keep a finished replication of one of ``setup``'s scenarios."""
        self._cache[self.key(setup, task)] = value

    def done(self, setup: Setup) -> int:
        """How many replications (from 0 on, without a gap) both scenarios have."""
        seed, n = setup.training.seed, 0
        while all((k, n, seed) in self._cache for k in setup.keys):
            n += 1
        return n

    def _reps(self, setup: Setup, n: int) -> list[list[tuple[Replication, dict[str, float]]]]:
        seed = setup.training.seed
        return [[self._cache[k, r, seed] for r in range(n)] for k in setup.keys]

    def result(self, setup: Setup, n: int) -> TrainingResult:
        """Replications 0..n-1 of both scenarios, paired, as ``ccsim train`` shows them."""
        rows = [
            {"what_if": i, "replication": r, **metrics}
            for i, reps in enumerate(self._reps(setup, n))
            for r, (_, metrics) in enumerate(reps)
        ]
        t = setup.training
        training = Training(t.name, t.file, t.what_ifs, t.scenarios, t.seed, n)
        return TrainingResult(training, pd.DataFrame(rows))

    def comparison(self, setup: Setup, n: int, files: Sequence[str]) -> Comparison:
        """The same replications as a ``ccsim compare`` of the two scenarios (for the report)."""
        seed = setup.training.seed
        results = [
            collect(sc, seed, [rep for rep, _ in reps])
            for sc, reps in zip(setup.scenarios, self._reps(setup, n), strict=True)
        ]
        return Comparison(results, list(files), seed, n, structure_notes(setup.scenarios, seed))

    def evaluate(
        self,
        setup: Setup,
        n: int,
        workers: int | None = None,
        progress: Callable[[int], None] | None = None,
    ) -> TrainingResult:
        """Simulate what is missing below ``n`` (here or in local processes) and pair it."""
        tasks = self.missing(setup, n)
        done = run_tasks(
            simulate_replication, dict(enumerate(tasks)), workers=workers, progress=progress
        )
        for i, task in enumerate(tasks):
            self.store(setup, task, done[i])
        return self.result(setup, n)

    # -- files ------------------------------------------------------------------------------------
    def save(self, setup: Setup, folder: str | Path) -> list[Path]:
        """Write the base and the what-if as scenario files; each loads back as the page ran it.

        The files hold the page's horizon, final replications and seed, so ``ccsim compare
        baseline.yaml what_if.yaml`` prints the page's final numbers.
        """
        folder = Path(folder)
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise RoomError(f"{folder}: cannot make the folder ({err.strerror})") from None
        moved = ", ".join(
            f"{lever.key} {lever.base:g} -> {value:g}" for lever, value in setup.moved
        )
        t = setup.training
        written = []
        for name, data, what in zip(FILES, setup.datas, ("the base", "the what-if"), strict=True):
            header = (
                f"# Saved by ccsim app from {self.path.name}: {what}"
                + (f" ({moved or 'no lever moved'})" if what == "the what-if" else "")
                + f".\n# Horizon {data['horizon']['days']} days, {t.replications} replications, "
                f"seed {t.seed}: `ccsim compare {FILES[0]} {FILES[1]}` repeats the page.\n"
            )
            path = folder / name
            try:
                path.write_text(
                    header + yaml.safe_dump(data, sort_keys=False, allow_unicode=True),
                    encoding="utf-8",
                )
            except OSError as err:
                raise RoomError(f"{path}: cannot write ({err.strerror})") from None
            load_scenario(path)  # a file that refers to others by relative path must still load
            written.append(path)
        return written
