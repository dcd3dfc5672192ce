"""Parameter sweeps: one base scenario, parameters varied by dotted path, every point run.

Analysts find a headcount or an FCR target by running many variants of one scenario, so a sweep
must be cheap to trust and cheap to interrupt:

- every point is validated before anything runs or is written (a typo fails in a second, not
  after an hour), with messages that name the experiment file, the parameter and the value;
- every point runs with the same seed: replication r of every point sees the same customers
  (common random numbers), so differences between points are the parameters', not noise;
- each finished point is written to ``DIR/points/<id>.parquet`` at once (atomically), so an
  interrupted sweep resumes with the same command and redoes nothing that finished; a point that
  fails is recorded in ``DIR/failed/<id>.json`` and the others still run;
- a point's numbers depend only on (scenario, seed, replications): the same whatever the number
  of worker processes, and whether they run here or on a Dask cluster.

Experiment file (``experiments/*.yaml``)::

    name: fcr_x_headcount            # optional, default: the file name
    base: ../scenarios/minimal.yaml  # relative to the experiment file
    mode: grid                       # grid: every combination; list: values zipped in order
    replications: 3                  # optional, default: the base scenario's
    seed: 7                          # optional, default: the base scenario's
    parameters:
      agents.headcount: {from: 84, to: 96, step: 4}
      channels.phone.patience.mean_s: [60, 120, 240]
      reasons[billing].fcr: [0.5, 0.75]   # a list item by its name, or reasons[0] by index
"""

from __future__ import annotations

import copy
import hashlib
import itertools
import json
import math
import os
import shutil
import sys
import tempfile
import traceback
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import pandas as pd
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from simulator import __version__
from simulator.errors import CcsimError, ScenarioError, field_path, show_value, unknown_key_message
from simulator.results.catalogue import headline
from simulator.runs.executor import Executor, Finished, default_workers
from simulator.runs.output import umask
from simulator.runs.progress import progress_bar
from simulator.scenario.loading import load_scenario, load_scenario_dict, read_yaml
from simulator.scenario.messages import problems as pydantic_problems
from simulator.scenario.models import Scenario
from simulator.scenario.paths import PathError, parse_path, resolve_path, set_value

POINT_COLUMN = "point"
REPLICATION_COLUMN = "replication"
SUMMARY_KPIS = headline()[:5]
"""The KPIs of the summary table printed at the end of a sweep (and ``cost_total`` with costs)."""
MONEY_KPI = "cost_total"
"""The cost KPI the summaries add when the scenarios have a ``costs`` block."""

_RESERVED_PATHS = {
    "seed": "set seed at the top of the experiment file: every point uses the same seed",
    "replications": "set replications at the top of the experiment file",
}
_MAX_RANGE_VALUES = 100_000
_MAX_REPORTED = 10


class SweepError(CcsimError):
    """An experiment file, a results folder or a cluster that cannot be used as asked."""


# -- experiment files --------------------------------------------------------------------------
class _ExperimentFile(BaseModel):
    """The keys of an experiment file; parameter values are checked by hand (clearer messages)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str | None = Field(default=None, min_length=1)
    base: str = Field(min_length=1)
    parameters: dict[str, Any] = Field(min_length=1)
    mode: Literal["grid", "list"] = "grid"
    replications: int | None = Field(default=None, ge=1)
    seed: int | None = Field(default=None, ge=0)


_FILE_KEYS = list(_ExperimentFile.model_fields)
_VALUES_ALLOWED = "a non-empty list of values, or {from: A, to: B, step: S} with S > 0 and B >= A"


@dataclass(frozen=True)
class Point:
    """One scenario of a sweep: its id, the values of the varied parameters, the scenario."""

    id: str
    values: dict[str, Any]
    scenario: Scenario


@dataclass(frozen=True)
class Experiment:
    """An experiment file, expanded and validated: every point is a valid scenario."""

    file: Path
    name: str
    base_file: Path
    base: Scenario
    mode: str
    replications: int
    seed: int
    parameters: dict[str, list[Any]]
    points: list[Point]
    text: str

    def fingerprint(self) -> str:
        """What the numbers depend on: a results folder is resumed only if this matches."""
        return _digest(self._identity())

    def _identity(self) -> dict[str, Any]:
        return {
            "ccsim": __version__,
            "base": self.base.to_yaml_dict(),
            "replications": self.replications,
            "seed": self.seed,
            "points": [[p.id, p.values] for p in self.points],
        }


def _digest(data: Any) -> str:
    text = json.dumps(data, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def load_experiment(path: str | Path) -> Experiment:
    """Read an experiment file and validate every point; any problem raises ``SweepError``."""
    file = Path(path)
    source = str(path)
    try:
        data = read_yaml(file, "an experiment YAML file")
    except ScenarioError as err:
        raise SweepError(str(err)) from None
    text = file.read_text(encoding="utf-8")  # copied into the results folder as written
    if not isinstance(data, dict):
        raise SweepError(
            f"{source}: the top level is not a mapping. Allowed: keys {', '.join(_FILE_KEYS)}."
        )
    try:
        spec = _ExperimentFile.model_validate(data)
    except ValidationError as exc:
        errors = [p for e in exc.errors() for p in pydantic_problems(e, source, _ExperimentFile)]
        raise SweepError(str(ScenarioError.multiple(errors))) from None

    base_file = file.parent / spec.base
    try:
        base = load_scenario(base_file)
    except ScenarioError as err:
        raise SweepError(f"{source}: base: the base scenario is not valid: {err}") from None
    base_data = base.to_yaml_dict()

    parameters: dict[str, list[Any]] = {}
    resolved: dict[str, tuple[str | int, ...]] = {}
    problems: list[str] = []
    for text_path, spec_values in spec.parameters.items():
        where = f"{source}: parameters: {text_path}"
        try:  # the path and its values are checked apart, to report both at once
            if text_path in _RESERVED_PATHS:
                raise PathError("cannot be swept", _RESERVED_PATHS[text_path])
            resolved[text_path] = resolve_path(base_data, parse_path(text_path))
        except PathError as err:
            problems.append(f"{where}: {err.message}{_allowed(err)}.")
        try:
            parameters[text_path] = _expand_values(spec_values)
        except PathError as err:
            problems.append(f"{where}: {err.message}{_allowed(err)}.")
    same = _duplicates(resolved)
    problems += [
        f"{source}: parameters: {a} and {b} name the same field "
        f"({field_path(resolved[a])}). Allowed: each field once."
        for a, b in same
    ]
    if spec.mode == "list" and len({len(v) for v in parameters.values()}) > 1:
        lengths = ", ".join(f"{p}: {len(v)}" for p, v in parameters.items())
        problems.append(
            f"{source}: mode: list zips the parameters' values, but they have different "
            f"lengths ({lengths}). Allowed: lists of equal length, or mode: grid."
        )
    if problems:
        raise SweepError(_join(problems))

    combos = (
        list(itertools.product(*parameters.values()))
        if spec.mode == "grid"
        else list(zip(*parameters.values(), strict=True))
    )
    width = max(3, len(str(len(combos) - 1)))
    points: list[Point] = []
    for number, combo in enumerate(combos):
        values = dict(zip(parameters, combo, strict=True))
        point_id = f"p{number:0{width}d}"
        scenario_data = copy.deepcopy(base_data)
        for text_path, value in values.items():
            set_value(scenario_data, resolved[text_path], value)
        try:
            scenario = load_scenario_dict(scenario_data, str(base_file), base_file.parent)
        except ScenarioError as err:
            for problem in err.problems or (err,):
                problems.append(_point_problem(source, point_id, values, resolved, problem))
            continue
        points.append(Point(point_id, values, scenario))
    if problems:
        raise SweepError(_join(list(dict.fromkeys(problems))))
    return Experiment(
        file=file,
        name=spec.name or file.stem,
        base_file=base_file,
        base=base,
        mode=spec.mode,
        replications=base.replications if spec.replications is None else spec.replications,
        seed=base.seed if spec.seed is None else spec.seed,
        parameters=parameters,
        points=points,
        text=text,
    )


def _allowed(err: PathError) -> str:
    return f". Allowed: {err.allowed}" if err.allowed else ""


def _expand_values(spec: Any) -> list[Any]:
    """The values of one parameter: a list as given, or ``{from, to, step}``.

    ``to`` is included when the steps reach it; integers stay integers.
    """
    if isinstance(spec, list):
        if not spec:
            raise PathError("has no values", _VALUES_ALLOWED)
        return spec
    if not isinstance(spec, Mapping):
        raise PathError(
            f"a single value (got {show_value(spec)}) varies nothing",
            f"{_VALUES_ALLOWED}; a fixed value is a list of one, [{show_value(spec)}]",
        )
    keys = ("from", "to", "step")
    for key in spec:
        if key not in keys:
            raise PathError(
                f"a mapping here is a range, and {unknown_key_message(key, keys)}",
                f"{_VALUES_ALLOWED}; to sweep mappings (e.g. distributions), give a list of them",
            )
    numbers = {}
    for key in keys:
        value = spec.get(key)
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
        ):
            got = "missing" if key not in spec else f"not a number (got {show_value(value)})"
            raise PathError(f"{key} is {got}", _VALUES_ALLOWED)
        numbers[key] = value
    start, stop, step = numbers["from"], numbers["to"], numbers["step"]
    if step <= 0 or stop < start:
        raise PathError(f"no values from {start} to {stop} in steps of {step}", _VALUES_ALLOWED)
    count = math.floor((stop - start) / step + 1e-9) + 1
    if count > _MAX_RANGE_VALUES:
        raise PathError(f"{count} values", f"at most {_MAX_RANGE_VALUES:,} values")
    if all(isinstance(v, int) for v in numbers.values()):
        return [start + i * step for i in range(count)]
    return [float(f"{start + i * step:.12g}") for i in range(count)]


def _duplicates(resolved: Mapping[str, tuple[str | int, ...]]) -> list[tuple[str, str]]:
    """Pairs of paths naming one field, e.g. ``reasons[0].fcr`` and ``reasons[general].fcr``."""
    seen: dict[tuple[str | int, ...], str] = {}
    pairs = []
    for text_path, path in resolved.items():
        if path in seen:
            pairs.append((seen[path], text_path))
        seen.setdefault(path, text_path)
    return pairs


def _point_problem(
    source: str,
    point_id: str,
    values: Mapping[str, Any],
    resolved: Mapping[str, tuple[str | int, ...]],
    problem: ScenarioError,
) -> str:
    """Blame the parameter whose field failed validation, else the whole point."""
    for text_path, path in resolved.items():
        field = field_path(path)
        if problem.path == field or problem.path.startswith((field + ".", field + "[")):
            return (
                f"{source}: parameters: {text_path}: the value {show_value(values[text_path])} "
                f"makes an invalid scenario: {problem.describe()}"
            )
    shown = ", ".join(f"{p}={show_value(v)}" for p, v in values.items())
    return f"{source}: point {point_id} ({shown}) is an invalid scenario: {problem.describe()}"


def _join(problems: list[str]) -> str:
    if len(problems) == 1:
        return problems[0]
    shown = problems[:_MAX_REPORTED]
    more = len(problems) - len(shown)
    return "\n".join(
        [f"{len(problems)} problems:", *(f"  {p}" for p in shown)]
        + ([f"  ... and {more} more"] if more else [])
    )


# -- running points ----------------------------------------------------------------------------
@dataclass(frozen=True)
class PointTask:
    """What a worker needs to run one point: picklable, and nothing else."""

    point: str
    scenario: Scenario
    replications: int
    seed: int


def run_point(task: PointTask) -> pd.DataFrame:
    """One row per replication with the KPI columns: the whole result a point needs to keep.

    Runs in a worker process or on a Dask worker; only the small per-replication table travels
    back (not the contacts), and the caller adds the parameter columns.
    """
    from simulator.runs.replications import run  # loads numba and SimPy: only where points run

    result = run(
        task.scenario,
        replications=task.replications,
        seed=task.seed,
        workers=1,
        keep_contacts=False,
    )
    return result.summary


def _connect(address: str) -> Any:
    """A ``distributed.Client`` of the scheduler at ``address`` (dask is an optional extra)."""
    try:
        from distributed import Client
    except ImportError:
        raise SweepError(
            "--scheduler needs dask.distributed, which is not installed. "
            "Allowed: install it with pip install 'ccsim[dask]', or run without --scheduler."
        ) from None
    try:
        client = Client(address, timeout="20s")
    except (OSError, TimeoutError, ValueError) as exc:
        raise SweepError(
            f"--scheduler {address}: cannot connect to a Dask scheduler: {exc}. "
            "Allowed: the address of a running scheduler, e.g. tcp://host:8786."
        ) from None
    return client


# -- the results folder ------------------------------------------------------------------------
SWEEP_JSON = "sweep.json"
RESULTS = "results.parquet"
SUMMARY_CSV = "summary.csv"
"""The mean of every KPI per point (cost KPIs included when the scenarios have prices)."""


@dataclass
class SweepOutcome:
    """What a sweep left in its folder; ``to_json`` is the ``--json`` object of spec A2b."""

    out: Path
    experiment: Experiment
    finished: list[str] = field(default_factory=list)
    failed: list[dict[str, Any]] = field(default_factory=list)
    resumed: int = 0
    """Points found finished in the folder and not run again."""

    def to_json(self) -> dict[str, Any]:
        """The ``--json`` object of ``ccsim sweep``."""
        return {"points": len(self.experiment.points), "failed": self.failed, "out": str(self.out)}


def run_sweep(
    experiment: str | Path | Experiment,
    out: str | Path,
    *,
    workers: int | None = None,
    scheduler: str | None = None,
    force: bool = False,
    progress: bool = True,
) -> SweepOutcome:
    """Run every point not yet finished in ``out`` and write ``out/results.parquet``.

    ``workers`` local processes (default: the number of cores), or the Dask cluster at
    ``scheduler``. ``force`` discards whatever ``out`` holds and starts over. ``progress``
    shows a progress bar, and on Ctrl-C or SIGTERM how many points are saved.
    """
    if workers is not None and scheduler is not None:
        raise SweepError("give --workers or --scheduler, not both")
    exp = experiment if isinstance(experiment, Experiment) else load_experiment(experiment)
    out = Path(out)
    resume = _check_folder(exp, out, force)
    client = _connect(scheduler) if scheduler is not None else None
    try:
        _start_folder(exp, out, resume)
        return _run_points(exp, out, workers, client, progress)
    except KeyboardInterrupt:
        if progress:
            saved = sum((out / "points" / f"{p.id}.parquet").is_file() for p in exp.points)
            print(
                f"interrupted: {saved} of {len(exp.points)} points saved in {out}; "
                "run the same command to resume",
                file=sys.stderr,
            )
        raise
    finally:
        if client is not None:
            client.close()


def _run_points(
    exp: Experiment, out: Path, workers: int | None, client: Any, progress: bool
) -> SweepOutcome:
    """Run the points without a file in ``out/points``, storing each as soon as it is done."""
    outcome = SweepOutcome(out, exp)
    points_dir, failed_dir = out / "points", out / "failed"
    tasks: dict[str, tuple[PointTask]] = {}
    for point in exp.points:
        if (points_dir / f"{point.id}.parquet").exists():
            outcome.finished.append(point.id)
        else:
            tasks[point.id] = (PointTask(point.id, point.scenario, exp.replications, exp.seed),)
    outcome.resumed = len(outcome.finished)
    by_id = {p.id: p for p in exp.points}

    with progress_bar(
        len(exp.points), "points", already=outcome.resumed, enabled=progress
    ) as advance:

        def store(done: Finished[str, pd.DataFrame]) -> None:
            point, frame, exc = by_id[done.key], done.value, done.error
            if exc is None and frame is not None:
                _write_atomic(points_dir / f"{point.id}.parquet", _point_frame(exp, point, frame))
                (failed_dir / f"{point.id}.json").unlink(missing_ok=True)
                outcome.finished.append(point.id)
            else:
                record = {
                    "point": point.id,
                    "parameters": point.values,
                    "error": f"{type(exc).__name__}: {exc}",
                }
                text = json.dumps(
                    {**record, "traceback": "".join(traceback.format_exception(exc))},
                    indent=2,
                    default=str,
                )
                _write_atomic(failed_dir / f"{point.id}.json", text)
                outcome.failed.append(record)

        executor = Executor(default_workers(len(tasks), workers), client)
        with executor:
            for done in executor.as_completed(run_point, tasks, progress=advance):
                store(done)  # a failed point is recorded and the others go on

    order = {p.id: i for i, p in enumerate(exp.points)}
    outcome.finished.sort(key=order.__getitem__)
    outcome.failed.sort(key=lambda r: order[r["point"]])
    results = _stack(points_dir, outcome.finished, exp.parameters)
    _write_atomic(out / RESULTS, results)
    _write_atomic(out / SUMMARY_CSV, point_means(results, list(exp.parameters)).to_csv(index=False))
    return outcome


def _check_folder(exp: Experiment, out: Path, force: bool) -> bool:
    """Whether ``out`` is resumed; refuse a folder holding anything else unless ``force``.

    Only reads: a sweep refused for any reason leaves nothing behind.
    """
    if out.exists() and not out.is_dir():
        raise SweepError(f"{out}: exists and is not a folder. Allowed: a new or empty folder.")
    marker = out / SWEEP_JSON
    fingerprint = exp.fingerprint()
    if out.is_dir() and any(out.iterdir()) and not force:
        if not marker.is_file():
            raise SweepError(
                f"{out}: folder exists, is not empty and holds no sweep. Allowed: a new or "
                "empty folder, the folder of an earlier run of this experiment (to resume), "
                "or --force to replace it."
            )
        try:
            previous = json.loads(marker.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise SweepError(f"{marker}: unreadable ({exc}); give --force to start over") from None
        if previous.get("fingerprint") != fingerprint:
            raise SweepError(
                f"{out}: holds the results of a different sweep "
                f"({_difference(previous, exp)}). Allowed: another --out, the same experiment "
                "to resume, or --force to discard those results and start over."
            )
        return True
    return False


def _start_folder(exp: Experiment, out: Path, resume: bool) -> None:
    """A fresh folder holding the experiment, or a resumed one cleared of half-written files."""
    if resume:
        for stale in (*out.glob("*/.*.tmp"), *out.glob(".*.tmp")):
            stale.unlink(missing_ok=True)  # left by a sweep killed while writing
        return
    if out.exists():
        shutil.rmtree(out)  # empty, or --force
    for sub in ("points", "failed"):
        (out / sub).mkdir(parents=True, exist_ok=True)
    _write_atomic(out / "experiment.yaml", exp.text)
    base_text = yaml.safe_dump(exp.base.to_yaml_dict(), sort_keys=False, allow_unicode=True)
    _write_atomic(out / "base.yaml", base_text)
    record = {
        "fingerprint": exp.fingerprint(),
        "ccsim_version": __version__,
        "experiment": str(exp.file),
        "name": exp.name,
        "base": str(exp.base_file),
        "base_digest": _digest(exp.base.to_yaml_dict()),
        "mode": exp.mode,
        "replications": exp.replications,
        "seed": exp.seed,
        "parameters": list(exp.parameters),
        "points": [{"point": p.id, "parameters": p.values} for p in exp.points],
    }
    _write_atomic(out / SWEEP_JSON, json.dumps(record, indent=2, default=str) + "\n")


def _difference(previous: Mapping[str, Any], exp: Experiment) -> str:
    """Why two sweeps differ, in words, so that the user knows which input changed."""
    reasons = []
    if previous.get("ccsim_version") != __version__:
        reasons.append(f"made by ccsim {previous.get('ccsim_version')}, this is {__version__}")
    if previous.get("base_digest") != _digest(exp.base.to_yaml_dict()):
        reasons.append("another base scenario")
    if [p.get("parameters") for p in previous.get("points", [])] != json.loads(
        json.dumps([p.values for p in exp.points], default=str)
    ):
        reasons.append("other parameter values")
    if (previous.get("replications"), previous.get("seed")) != (exp.replications, exp.seed):
        reasons.append("other replications or seed")
    return f"experiment {previous.get('experiment')}: " + (", ".join(reasons) or "changed")


def _write_atomic(path: Path, content: str | pd.DataFrame) -> None:
    """Write to a temporary sibling and rename it: a reader (or a resume) never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        if isinstance(content, pd.DataFrame):
            os.close(fd)
            content.to_parquet(tmp, index=False)
        else:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(content)
        os.chmod(tmp, 0o666 & ~umask())  # mkstemp makes files private; results are not
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _column_kinds(exp: Experiment) -> dict[str, str]:
    """How each parameter is stored: numbers, text, booleans, or JSON text for anything else.

    A Parquet column holds one type.
    """
    kinds = {}
    for path, values in exp.parameters.items():
        if all(isinstance(v, int) and not isinstance(v, bool) for v in values):
            kinds[path] = "int"
        elif all(isinstance(v, int | float) and not isinstance(v, bool) for v in values):
            kinds[path] = "float"
        elif all(isinstance(v, str) for v in values):
            kinds[path] = "str"
        elif all(isinstance(v, bool) for v in values):
            kinds[path] = "bool"
        else:
            kinds[path] = "json"
    return kinds


def _point_frame(exp: Experiment, point: Point, summary: pd.DataFrame) -> pd.DataFrame:
    """The rows of one point in the layout of ``results.parquet`` (spec A2b)."""
    kinds = _column_kinds(exp)
    columns: dict[str, Any] = {POINT_COLUMN: point.id}
    for path, value in point.values.items():
        kind = kinds[path]
        columns[path] = (
            json.dumps(value, sort_keys=True, default=str)
            if kind == "json"
            else float(value)
            if kind == "float"
            else value
        )
    frame = summary.copy()
    for i, (name, value) in enumerate(columns.items()):
        frame.insert(i, name, value)
    return frame


def _stack(points_dir: Path, ids: Iterable[str], parameters: Iterable[str]) -> pd.DataFrame:
    """The point files of ``ids``, in that order, as one table (spec A2b)."""
    frames = [pd.read_parquet(points_dir / f"{point_id}.parquet") for point_id in ids]
    if frames:
        return pd.concat(frames, ignore_index=True)
    return pd.DataFrame(columns=[POINT_COLUMN, *parameters, REPLICATION_COLUMN])


def load_sweep(out: str | Path) -> pd.DataFrame:
    """The results of a sweep: one row per point x replication, parameters as columns.

    A sweep that was interrupted has no ``results.parquet`` yet: then the points finished so far.
    """
    out = Path(out)
    if (out / RESULTS).is_file():
        return pd.read_parquet(out / RESULTS)
    marker = out / SWEEP_JSON
    if not marker.is_file():
        raise SweepError(f"{out}: not the folder of a sweep (no {SWEEP_JSON})")
    record = json.loads(marker.read_text(encoding="utf-8"))
    points_dir = out / "points"
    ids = [p["point"] for p in record["points"]]
    finished = [i for i in ids if (points_dir / f"{i}.parquet").is_file()]
    return _stack(points_dir, finished, record["parameters"])


# -- the summary per point ---------------------------------------------------------------------
def point_means(
    results: pd.DataFrame, params: list[str], kpis: list[str] | None = None
) -> pd.DataFrame:
    """Per point its parameters and the mean over replications of ``kpis`` (default: all)."""
    if kpis is None:
        skip = {POINT_COLUMN, REPLICATION_COLUMN, *params}
        kpis = [c for c in results.columns if c not in skip]
    if results.empty:
        return pd.DataFrame(columns=[POINT_COLUMN, *params, *kpis])
    means = results.groupby([POINT_COLUMN, *params], sort=False, dropna=False)[kpis].mean()
    return means.reset_index()


def summary_kpis(results: pd.DataFrame) -> list[str]:
    """The KPIs of the printed summary: the first headline ones, the total cost when priced."""
    return [k for k in (*SUMMARY_KPIS, MONEY_KPI) if k in results.columns]


def summary_table(out: str | Path) -> pd.DataFrame:
    """Mean of the headline KPIs per point, with the parameters: the table printed at the end."""
    results = load_sweep(out)
    record = json.loads((Path(out) / SWEEP_JSON).read_text(encoding="utf-8"))
    return point_means(results, list(record["parameters"]), summary_kpis(results))
