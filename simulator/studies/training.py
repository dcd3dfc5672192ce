"""``ccsim train``: training experiments, starting with "meer headcount" (domain case 4).

A training experiment is one base scenario and a few named what-ifs, run side by side with the
same seed and replication numbers (common random numbers, as ``ccsim compare``): every what-if's
difference to the base is paired per replication, so its 95% CI is narrow enough to show a room
which lever does what. Experiment file (``experiments/meer_headcount.yaml``)::

    name: meer_headcount
    base: ../scenarios/low_fcr_center.yaml   # relative to the experiment file
    replications: 5                          # optional: seed, replications, days (cuts the horizon)
    what_ifs:
      - {name: +20% agents, name_nl: +20% agenten, scale_agents: 1.2}
      - {name: FCR +15 points, fcr_plus: 0.15}
      - name: partner on time 95%
        set: {third_parties[delivery_partner].on_time_probability: 0.95}
    costs: {agent_hour: 38.0, contact_minute: 0.02}   # optional: prices for every scenario

``scale_agents`` multiplies every agent count (headcount, shifts, per_interval; rounded to whole
agents), ``fcr_plus`` adds to every reason's ``fcr`` and ``repeat.fcr`` (at most 1), ``set``
takes dotted paths as in ``ccsim sweep``. ``base_set`` (same form) changes the base scenario itself
before the what-ifs are applied (``null`` removes a key), so that one library file can be both
"today" and the what-if (``experiments/problem_solvers.yaml``: today's team is the problem
solvers' file without its proficiency block, at fewer euros an hour, with more agents). Besides
KPIs of the run, each replication gets two numbers: repeat contacts (repeat and after a missed
callback) and the **agent hours needed**: per interval, the fewest agents that meet the phone
service-level target by Erlang A (Erlang C without patience) on the contacts customers brought
in that interval (new, repeat, after a missed callback; redials are left out, they depend on the
staffing), at the replication's AHT.

With prices (a ``costs`` block in the base scenario, or in the experiment file, which replaces
the base's for every scenario) each replication gets two amounts per week (the simulated window
scaled to 7 days): ``cost_per_week``, the total cost as rostered (spec D2's ``cost_total``), and
``cost_needed_per_week``, the same with the paid agent hours replaced by the agent hours needed at
``costs.agent_hour`` (what the center would pay if the roster followed the service-level target;
handling and third-party costs as simulated). More agents raise the first; fewer contacts lower
the second, and lower the first only by the handled minutes and third-party jobs they save.
"""

from __future__ import annotations

import copy
import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from simulator.analytic import erlang_a, erlang_c
from simulator.errors import CcsimError, ScenarioError
from simulator.results.statistics import ci95, paired_difference
from simulator.scenario.loading import load_scenario_dict, read_yaml
from simulator.scenario.messages import problems
from simulator.scenario.models import Scenario
from simulator.scenario.paths import PathError, parse_path, resolve_path, set_value
from simulator.studies.compare import run_paired

EXPERIMENTS = {"meer-headcount": "meer_headcount.yaml", "problem-solvers": "problem_solvers.yaml"}
"""Training experiments by command name, files in ``experiments/``."""
BASELINE = {"en": "today", "nl": "vandaag"}
"""The base scenario's name in the tables (table.csv included), per language."""
METRICS = (
    "offered",
    "repeat_contacts",
    "asa_s",
    "service_level",
    "abandon_rate",
    "agent_hours",
    "agent_hours_needed",
    "csat",
)
"""Rows of the table, in order; the figure shows the first three and both agent-hour rows."""
COST_METRICS = ("cost_per_week", "cost_needed_per_week")
"""Rows added when the scenarios have prices; the figure's fifth panel shows both."""


class TrainingError(CcsimError):
    """A training experiment that cannot be run as asked: exit code 2."""


# -- the experiment file --------------------------------------------------------------------------
class WhatIf(BaseModel):
    """One lever, applied to the base scenario."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1)
    name_nl: str | None = Field(default=None, min_length=1)
    scale_agents: float | None = Field(default=None, gt=0)
    fcr_plus: float | None = Field(default=None, ge=-1, le=1)
    set: dict[str, Any] = Field(default_factory=dict)

    def label(self, lang: str = "en") -> str:
        """The what-if's name in ``lang``: ``name_nl`` in Dutch when given, else ``name``."""
        return self.name_nl if lang == "nl" and self.name_nl else self.name


class TrainingFile(BaseModel):
    """The keys of a training experiment file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str | None = Field(default=None, min_length=1)
    base: str = Field(min_length=1)
    seed: int | None = Field(default=None, ge=0)
    replications: int | None = Field(default=None, ge=1)
    days: int | None = Field(default=None, ge=1)
    what_ifs: list[WhatIf] = Field(min_length=1)
    base_set: dict[str, Any] = Field(default_factory=dict)
    """Dotted paths set in the base scenario before the what-ifs (``null`` removes the key)."""
    costs: dict[str, Any] | None = None
    """Prices for the base and every what-if (a scenario ``costs`` block, replacing the base's)."""


@dataclass
class Training:
    """A loaded experiment: the base and every what-if as validated scenarios."""

    name: str
    file: str
    what_ifs: list[WhatIf]
    scenarios: list[Scenario]  # the base first, then one per what-if
    seed: int
    replications: int

    @property
    def costs(self) -> bool:
        """Whether the scenarios have prices (the cost rows and the fifth panel)."""
        return self.scenarios[0].costs is not None

    @property
    def currency(self) -> str:
        """The currency label of the prices (``EUR`` without them)."""
        costs = self.scenarios[0].costs
        return costs.currency if costs is not None else "EUR"

    @property
    def metrics(self) -> tuple[str, ...]:
        """Rows of the table: ``METRICS``, then ``COST_METRICS`` with prices."""
        return (*METRICS, *COST_METRICS) if self.costs else METRICS

    def labels(self, lang: str = "en") -> list[str]:
        """The base and every what-if by name in ``lang`` (checked by the caller: en or nl)."""
        return [BASELINE[lang], *(w.label(lang) for w in self.what_ifs)]


def default_experiment(name: str) -> Path:
    """The file of a named experiment.

    ``experiments/`` here (an edited copy wins), else the one installed with the package
    (``simulator/experiments``, with ``simulator/scenarios`` beside it), else the repository's when
    running from a checkout or an editable install.
    """
    if name not in EXPERIMENTS:
        raise TrainingError(
            f"unknown training experiment {name!r}; allowed: {', '.join(EXPERIMENTS)}"
        )
    package = Path(__file__).resolve().parents[1]  # simulator/, beside studies/
    for root in (Path.cwd(), package, package.parent):
        path = root / "experiments" / EXPERIMENTS[name]
        if path.is_file():
            return path
    raise TrainingError(
        f"experiments/{EXPERIMENTS[name]} not found here or in the ccsim package; "
        "give its path with --experiment"
    )


def scale_agents(agents: dict[str, Any], factor: float, source: str) -> None:
    """Multiply every agent count in place (rounded half up to whole agents)."""

    def scaled(n: Any) -> int:
        return math.floor(float(n) * factor + 0.5)

    if "headcount" in agents:
        agents["headcount"] = scaled(agents["headcount"])
    elif "per_interval" in agents:
        agents["per_interval"] = [scaled(n) for n in agents["per_interval"]]
    elif "shifts" in agents:
        for shift in agents["shifts"]:
            shift["agents"] = scaled(shift["agents"])
    else:
        raise TrainingError(
            f"{source}: scale_agents needs agents.headcount, agents.per_interval or "
            "agents.shifts in the base scenario (an agents.table file cannot be scaled)"
        )


def raise_fcr(reasons: list[dict[str, Any]], points: float) -> None:
    """Add ``points`` to every reason's fcr and repeat.fcr (when given), within [0, 1]."""
    for reason in reasons:
        reason["fcr"] = min(1.0, max(0.0, float(reason.get("fcr", 1.0)) + points))
        repeat = reason.get("repeat")
        if isinstance(repeat, dict) and repeat.get("fcr") is not None:
            repeat["fcr"] = min(1.0, max(0.0, float(repeat["fcr"]) + points))


def apply_what_if(base: dict[str, Any], what_if: WhatIf, source: str) -> dict[str, Any]:
    """A copy of the base scenario dict with the what-if's levers applied."""
    data = copy.deepcopy(base)
    data["name"] = f"{base.get('name', 'base')}: {what_if.name}"
    if what_if.scale_agents is not None:
        scale_agents(data.get("agents", {}), what_if.scale_agents, source)
    if what_if.fcr_plus is not None:
        raise_fcr(data.get("reasons", []), what_if.fcr_plus)
    for path, value in what_if.set.items():
        try:
            set_value(data, resolve_path(data, parse_path(path)), value)
        except PathError as err:
            allowed = f" Allowed: {err.allowed}." if err.allowed else ""
            raise TrainingError(
                f"{source}: what-if {what_if.name!r}, set {path}: {err.message}.{allowed}"
            ) from None
    return data


def load_training(
    path: str | Path,
    *,
    replications: int | None = None,
    days: int | None = None,
    seed: int | None = None,
) -> Training:
    """Read an experiment file and validate the base and every what-if before anything runs.

    ``replications``, ``days`` and ``seed`` override the file (e.g. a shortened run in a test).
    """
    file = Path(path)
    source = str(path)
    try:
        raw = read_yaml(file, "a training experiment YAML file")
    except ScenarioError as err:
        raise TrainingError(str(err)) from None
    try:
        spec = TrainingFile.model_validate(raw if isinstance(raw, dict) else {})
    except ValidationError as exc:
        errors = [p for e in exc.errors() for p in problems(e, source, TrainingFile)]
        raise TrainingError(str(ScenarioError.multiple(errors))) from None
    base_file = (file.parent / spec.base).resolve()
    if not base_file.is_file():
        raise TrainingError(f"{source}: base: {spec.base}: file not found")
    try:
        base = read_yaml(base_file, "a scenario YAML file")
    except ScenarioError as err:
        raise TrainingError(f"{source}: base: {err}") from None
    if not isinstance(base, dict):
        raise TrainingError(f"{source}: base: {spec.base} is not a scenario mapping")
    base.setdefault("name", base_file.stem)
    if spec.costs is not None:
        base["costs"] = spec.costs
    for key, value in spec.base_set.items():
        try:
            set_value(base, resolve_path(base, parse_path(key)), value)
        except PathError as err:
            allowed = f" Allowed: {err.allowed}." if err.allowed else ""
            raise TrainingError(f"{source}: base_set: {key}: {err.message}.{allowed}") from None
    n_days = days if days is not None else spec.days
    if n_days is not None:
        base.setdefault("horizon", {})
        base["horizon"] = {**base["horizon"], "days": n_days}
    datas = [base] + [apply_what_if(base, w, source) for w in spec.what_ifs]
    scenarios = []
    for data in datas:
        try:
            scenarios.append(load_scenario_dict(data, str(base_file), base_file.parent))
        except ScenarioError as err:
            raise TrainingError(f"{source}: {data['name']}: {err}") from None
    first = scenarios[0]
    return Training(
        name=spec.name or file.stem,
        file=source,
        what_ifs=list(spec.what_ifs),
        scenarios=scenarios,
        seed=seed if seed is not None else (spec.seed if spec.seed is not None else first.seed),
        replications=replications or spec.replications or first.replications,
    )


# -- agent hours needed ---------------------------------------------------------------------------
def agents_needed(rate_per_s: float, aht_s: float, scenario: Scenario) -> int:
    """Fewest agents meeting the phone service-level target (Erlang A, or C without patience)."""
    if rate_per_s <= 0:
        return 0
    phone = scenario.channels.phone
    within, target = phone.service_level.answer_within_s, phone.service_level.target
    patience = phone.patience.mean if phone.patience is not None else None

    def ok(n: int) -> bool:
        if patience is None:
            return erlang_c(rate_per_s, aht_s, n, within).service_level >= target
        try:
            return erlang_a(rate_per_s, aht_s, n, patience, within).service_level >= target
        except ValueError:  # overloaded beyond Erlang A's state space: certainly too few
            return False

    hi = max(1, math.ceil(rate_per_s * aht_s))
    while not ok(hi):
        hi *= 2
    lo = 0
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if ok(mid):
            hi = mid
        else:
            lo = mid
    return hi


def agent_hours_needed(intervals: pd.DataFrame, aht_s: float, scenario: Scenario) -> float:
    """Agent hours that meet the target in every interval on the contacts customers brought."""
    if not math.isfinite(aht_s) or aht_s <= 0:
        return math.nan
    rows = intervals[~intervals["in_warmup"]] if "in_warmup" in intervals else intervals
    demand = rows["new_contacts"] + rows["repeat_contacts"] + rows["missed_callback_contacts"]
    interval_s = scenario.horizon.interval_s
    cache: dict[int, int] = {}
    total = 0
    for n in demand.astype(int):
        if n not in cache:
            cache[n] = agents_needed(n / interval_s, aht_s, scenario)
        total += cache[n]
    return total * interval_s / 3600.0


def week_factor(scenario: Scenario) -> float:
    """What multiplies an amount of the counted window (warm-up to horizon) into one per week."""
    h = scenario.horizon
    return 7 * 86400.0 / (h.horizon_s - h.warmup_s)


def cost_rows(rep: pd.Series, hours_needed: float, scenario: Scenario) -> dict[str, float]:
    """A replication's cost per week as rostered and at the agent hours needed (see the top)."""
    costs = scenario.costs
    assert costs is not None
    week = week_factor(scenario)
    total = float(rep["cost_total"])
    needed = total - float(rep["cost_agents"]) + costs.agent_hour * hours_needed
    return {"cost_per_week": total * week, "cost_needed_per_week": needed * week}


# -- running --------------------------------------------------------------------------------------
@dataclass
class TrainingResult:
    """Per what-if and replication the metrics; means, CIs and paired differences to the base."""

    training: Training
    per_replication: pd.DataFrame  # columns: what_if (0 = base), replication, METRICS

    def values(self, key: str) -> list[np.ndarray]:
        """A metric's values per what-if (the base first), ordered by replication for pairing."""
        df = self.per_replication.sort_values("replication")
        return [
            df.loc[df.what_if == i, key].to_numpy(dtype=float)
            for i in range(len(self.training.scenarios))
        ]

    def means(self, key: str) -> list[float | None]:
        """A metric's mean per what-if; ``None`` where no replication defined it."""
        return [_finite(np.nanmean(v)) if np.isfinite(v).any() else None for v in self.values(key)]

    def ci95(self, key: str) -> list[float | None]:
        """A metric's 95% CI half-width per what-if; ``None`` where undefined."""
        return [_finite(ci95(v)) for v in self.values(key)]

    def diff(self, key: str) -> list[dict[str, float | None]]:
        """Each what-if minus the base on a metric, paired over replications (mean and CI)."""
        values = self.values(key)
        out = []
        for other in values[1:]:
            mean, ci = paired_difference(values[0], other)
            out.append({"mean": mean, "ci95": ci})
        return out

    def table(self, lang: str = "en") -> pd.DataFrame:
        """One row per what-if x metric: mean, CI, paired difference to the base and its CI."""
        rows = []
        labels = self.training.labels(lang)
        for key in self.training.metrics:
            means, cis = self.means(key), self.ci95(key)
            diffs = [{"mean": 0.0, "ci95": 0.0}, *self.diff(key)]
            for i, label in enumerate(labels):
                rows.append(
                    {
                        "what_if": label,
                        "metric": key,
                        "mean": means[i],
                        "ci95": cis[i],
                        "diff": diffs[i]["mean"],
                        "diff_ci95": diffs[i]["ci95"],
                    }
                )
        return pd.DataFrame(rows)

    def to_json(self) -> dict[str, Any]:
        """The ``--json`` object of ``ccsim train``."""
        t = self.training
        return {
            "experiment": t.name,
            "file": t.file,
            "seed": t.seed,
            "replications": t.replications,
            "what_ifs": t.labels(),
            "kpis": {k: self.means(k) for k in t.metrics},
            "ci95": {k: self.ci95(k) for k in t.metrics},
            "diff": {k: self.diff(k) for k in t.metrics},
            **({"currency": t.currency} if t.costs else {}),
        }

    def findings(self) -> list[str]:
        """Per what-if, what it did, as one of five findings.

        ``more`` agents and a shorter wait, ``more_same_wait`` (more agents, no significant change
        in the wait), ``fewer`` contacts and a shorter wait, ``fewer_same_wait`` (fewer contacts
        only) or ``none``; a claim is made only when its paired difference is significant.
        """
        offered, asa = self.diff("offered"), self.diff("asa_s")
        out = []
        for i, what_if in enumerate(self.training.what_ifs):
            if (what_if.scale_agents or 1.0) > 1.0:
                out.append("more" if _below_zero(asa[i]) else "more_same_wait")
            elif _below_zero(offered[i]):
                out.append("fewer" if _below_zero(asa[i]) else "fewer_same_wait")
            else:
                out.append("none")
        return out


def _below_zero(diff: dict[str, float | None]) -> bool:
    """A paired difference whose whole 95% CI lies below 0."""
    mean, ci = diff["mean"], diff["ci95"]
    return mean is not None and ci is not None and mean + ci < 0


def _finite(v: Any) -> float | None:
    if v is None:
        return None
    v = float(v)
    return v if math.isfinite(v) else None


def run_training(
    training: Training,
    *,
    workers: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> TrainingResult:
    """Run the base and every what-if with common random numbers; add the derived metrics."""
    results = run_paired(
        training.scenarios,
        replications=training.replications,
        seed=training.seed,
        workers=workers,
        progress=progress,
        keep_contacts=False,  # the findings read KPIs and intervals only
    )
    rows = []
    for i, (scenario, result) in enumerate(zip(training.scenarios, results, strict=True)):
        for _, rep in result.summary.sort_values("replication").iterrows():
            r = int(rep["replication"])
            intervals = result.intervals[result.intervals["replication"] == r]
            row = {"what_if": i, "replication": r}
            row.update(replication_metrics(rep, intervals, scenario))
            rows.append(row)
    return TrainingResult(training, pd.DataFrame(rows))


def replication_metrics(
    rep: pd.Series, intervals: pd.DataFrame, scenario: Scenario
) -> dict[str, float]:
    """One replication's metrics: its KPIs, repeat contacts, agent hours needed (and costs).

    ``rep`` is the replication's row of a run's summary, ``intervals`` its interval table.
    """
    row = {k: float(rep[k]) for k in METRICS if k in rep.index}
    row["repeat_contacts"] = float(rep["repeat_rate"] * rep["contacts"])
    row["agent_hours_needed"] = agent_hours_needed(intervals, float(rep["aht_s"]), scenario)
    if scenario.costs is not None:
        row.update(cost_rows(rep, row["agent_hours_needed"], scenario))
    return row


# -- output ---------------------------------------------------------------------------------------
def write_outputs(
    result: TrainingResult,
    out: Path | None,
    figure: Path | None,
    lang: str = "en",
    write_png: Callable[[Path], object] | None = None,
) -> list[Path]:
    """``out``: training.png, table.csv, replications.csv, training.json; ``figure``: the PNG.

    ``write_png(path)`` draws the picture (``present.study_figures.training_figure``): the study
    knows where it goes, the presentation layer how it looks.
    """
    written = []
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        if write_png is not None:
            write_png(out / "training.png")
            written.append(out / "training.png")
        result.table(lang).to_csv(out / "table.csv", index=False)
        per_rep = result.per_replication.assign(
            what_if=[result.training.labels(lang)[i] for i in result.per_replication.what_if]
        )
        per_rep.to_csv(out / "replications.csv", index=False)
        (out / "training.json").write_text(
            json.dumps(result.to_json(), allow_nan=False, indent=2) + "\n", encoding="utf-8"
        )
        written += [out / "table.csv", out / "replications.csv", out / "training.json"]
    if figure is not None and write_png is not None:
        write_png(figure)
        written.append(figure)
    return written


def check_out(out: Path | None, force: bool) -> None:
    """Refuse a non-empty --out folder before the runs (same rule as ``ccsim run``)."""
    if out is None:
        return
    if out.exists() and not out.is_dir():
        raise TrainingError(f"{out}: exists and is not a folder; choose another --out")
    if not force and out.is_dir() and any(out.iterdir()):
        raise TrainingError(
            f"{out}: folder exists and is not empty; choose another --out or give --force"
        )


def run_named(
    name: str,
    experiment: Path | None = None,
    **overrides: Any,
) -> Training:
    """Load a named experiment (or the given file) with optional overrides."""
    path = experiment if experiment is not None else default_experiment(name)
    return load_training(path, **overrides)
