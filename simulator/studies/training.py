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

``scale_agents`` multiplies every agent count (headcount, shifts, per_interval; rounded to whole
agents), ``fcr_plus`` adds to every reason's ``fcr`` and ``repeat.fcr`` (at most 1), ``set``
takes dotted paths as in ``ccsim sweep``. Besides KPIs of the run, each replication gets two
numbers: repeat contacts (repeat and after a missed callback) and the **agent hours needed**:
per interval, the fewest agents that meet the phone service-level target by Erlang A (Erlang C
without patience) on the contacts customers brought in that interval (new, repeat, after a
missed callback; redials are left out, they depend on the staffing), at the replication's AHT.
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
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from simulator.analytic import erlang_a, erlang_c
from simulator.errors import CcsimError, ScenarioError
from simulator.present.figures import ci_half_width
from simulator.present.labels import (
    DEFAULT_LANG,
    check_lang,
    format_ci,
    format_kpi,
    format_kpi_change,
    kpi_label,
)
from simulator.scenario.models import Scenario, load_scenario_dict
from simulator.studies.compare import paired_difference, run_paired

EXPERIMENTS = {"meer-headcount": "meer_headcount.yaml"}
"""Training experiments by command name, files in ``experiments/``."""
BASELINE = {"en": "today", "nl": "vandaag"}
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
_LABELS = {
    "en": {
        "repeat_contacts": "Repeat contacts (incl. after missed callback)",
        "agent_hours": "Agent hours on duty (paid)",
        "agent_hours_needed": "Agent hours needed for the service level",
        "title": "More headcount, or fewer contacts?",
        "subtitle": "{name}: {n} replications, seed {seed}, common random numbers; bars: mean "
        "± 95% CI; labels: difference to today",
        "hours": "Agent hours",
        "on_duty": "on duty (paid)",
        "needed": "needed for {sl}",
        "metric": "KPI",
        "story.more": "{what}: ASA {asa}, abandonment {ab}, but agent hours on duty {hours} and "
        "repeat contacts {rep}: shorter waits at a price, the waste stays.",
        "story.fewer": "{what}: contacts {off} (repeat contacts {rep}), ASA {asa}, agent hours "
        "needed {need}: fewer contacts and shorter waits for the same agents.",
        "story.fewer_same_wait": "{what}: contacts {off} (repeat contacts {rep}), ASA {asa}, "
        "agent hours needed {need}: fewer contacts for the same agents.",
        "story.none": "{what}: no significant change in contacts ({off}); ASA {asa}.",
    },
    "nl": {
        "repeat_contacts": "Herhaalcontacten (ook na gemiste terugbelafspraak)",
        "agent_hours": "Agenturen ingeroosterd (betaald)",
        "agent_hours_needed": "Agenturen nodig voor het servicelevel",
        "title": "Meer headcount, of minder contacten?",
        "subtitle": "{name}: {n} replicaties, seed {seed}, gemeenschappelijke toevalsgetallen; "
        "staven: gemiddelde ± 95%-BI; labels: verschil met vandaag",
        "hours": "Agenturen",
        "on_duty": "ingeroosterd (betaald)",
        "needed": "nodig voor {sl}",
        "metric": "KPI",
        "story.more": "{what}: ASA {asa}, afhaakpercentage {ab}, maar agenturen ingeroosterd "
        "{hours} en herhaalcontacten {rep}: kortere wachttijd tegen een prijs, de verspilling "
        "blijft.",
        "story.fewer": "{what}: contacten {off} (herhaalcontacten {rep}), ASA {asa}, agenturen "
        "nodig {need}: minder contacten en kortere wachttijd met dezelfde agenten.",
        "story.fewer_same_wait": "{what}: contacten {off} (herhaalcontacten {rep}), ASA {asa}, "
        "agenturen nodig {need}: minder contacten met dezelfde agenten.",
        "story.none": "{what}: geen significante verandering in contacten ({off}); ASA {asa}.",
    },
}


class TrainingError(CcsimError):
    """A training experiment that cannot be run as asked: exit code 2."""


def _text(key: str, lang: str, **values: object) -> str:
    text = _LABELS[check_lang(lang)][key]
    return text.format(**values) if values else text


def metric_label(key: str, lang: str = DEFAULT_LANG) -> str:
    """Label of a table row: the KPI's own label, or one of this module's."""
    return _LABELS[check_lang(lang)].get(key) or kpi_label(key, lang)


def _kpi_key(key: str) -> str:
    """The KPI whose unit a metric has (the hours needed are agent hours)."""
    return "agent_hours" if key == "agent_hours_needed" else key


def format_metric(key: str, value: float | None, lang: str = DEFAULT_LANG) -> str:
    return format_kpi(_kpi_key(key), value, lang)


def _signed(key: str, value: float | None, ci: float | None, lang: str) -> str:
    """``−1,234 ± 56`` for a paired difference; shares in points (``+2.0 pt``)."""
    text = format_kpi_change(_kpi_key(key), value, lang)
    if value is not None and ci is not None:
        text += " " + format_ci(_kpi_key(key), ci, lang)
    return text


# -- the experiment file --------------------------------------------------------------------------
class WhatIf(BaseModel):
    """One lever, applied to the base scenario."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1)
    name_nl: str | None = Field(default=None, min_length=1)
    scale_agents: float | None = Field(default=None, gt=0)
    fcr_plus: float | None = Field(default=None, ge=-1, le=1)
    set: dict[str, Any] = Field(default_factory=dict)

    def label(self, lang: str = DEFAULT_LANG) -> str:
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


@dataclass
class Training:
    """A loaded experiment: the base and every what-if as validated scenarios."""

    name: str
    file: str
    what_ifs: list[WhatIf]
    scenarios: list[Scenario]  # the base first, then one per what-if
    seed: int
    replications: int

    def labels(self, lang: str = DEFAULT_LANG) -> list[str]:
        return [BASELINE[check_lang(lang)], *(w.label(lang) for w in self.what_ifs)]


def default_experiment(name: str) -> Path:
    """The file of a named experiment: ``experiments/`` here (an edited copy wins), else the
    one installed with the package (``simulator/experiments``, with ``simulator/scenarios``
    beside it), else the repository's when running from a checkout or an editable install."""
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
    from simulator.studies.sweep import PathError, parse_path, resolve_path, set_value

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
    if not file.is_file():
        raise TrainingError(f"{source}: file not found (a training experiment YAML file)")
    try:
        raw = yaml.safe_load(file.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise TrainingError(f"{source}: invalid YAML: {exc}") from None
    try:
        spec = TrainingFile.model_validate(raw if isinstance(raw, dict) else {})
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(map(str, e['loc'])) or 'the file'}: {e['msg']}" for e in exc.errors()
        )
        raise TrainingError(f"{source}: {problems}") from None
    base_file = (file.parent / spec.base).resolve()
    if not base_file.is_file():
        raise TrainingError(f"{source}: base: {spec.base}: file not found")
    base = yaml.safe_load(base_file.read_text(encoding="utf-8"))
    if not isinstance(base, dict):
        raise TrainingError(f"{source}: base: {spec.base} is not a scenario mapping")
    base.setdefault("name", base_file.stem)
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


# -- running --------------------------------------------------------------------------------------
@dataclass
class TrainingResult:
    """Per what-if and replication the metrics; means, CIs and paired differences to the base."""

    training: Training
    per_replication: pd.DataFrame  # columns: what_if (0 = base), replication, METRICS

    def values(self, key: str) -> list[np.ndarray]:
        df = self.per_replication.sort_values("replication")
        return [
            df.loc[df.what_if == i, key].to_numpy(dtype=float)
            for i in range(len(self.training.scenarios))
        ]

    def means(self, key: str) -> list[float | None]:
        return [_finite(np.nanmean(v)) if np.isfinite(v).any() else None for v in self.values(key)]

    def ci95(self, key: str) -> list[float | None]:
        return [_finite(ci_half_width(pd.Series(v))) for v in self.values(key)]

    def diff(self, key: str) -> list[dict[str, float | None]]:
        values = self.values(key)
        out = []
        for other in values[1:]:
            mean, ci = paired_difference(values[0], other)
            out.append({"mean": mean, "ci95": ci})
        return out

    def table(self, lang: str = DEFAULT_LANG) -> pd.DataFrame:
        """One row per what-if x metric: mean, CI, paired difference to the base and its CI."""
        rows = []
        labels = self.training.labels(lang)
        for key in METRICS:
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
        t = self.training
        return {
            "experiment": t.name,
            "file": t.file,
            "seed": t.seed,
            "replications": t.replications,
            "what_ifs": t.labels(),
            "kpis": {k: self.means(k) for k in METRICS},
            "ci95": {k: self.ci95(k) for k in METRICS},
            "diff": {k: self.diff(k) for k in METRICS},
        }

    def story(self, lang: str = DEFAULT_LANG) -> list[str]:
        """One sentence per what-if: more agents (``scale_agents`` > 1) or fewer contacts, with
        the claim about the wait made only when its paired difference is significant."""
        labels = self.training.labels(lang)
        d = {k: self.diff(k) for k in METRICS}
        lines = []
        for i, (what, what_if) in enumerate(zip(labels[1:], self.training.what_ifs, strict=True)):

            def s(key: str, i: int = i) -> str:
                return _signed(key, d[key][i]["mean"], d[key][i]["ci95"], lang)

            if (what_if.scale_agents or 1.0) > 1.0:
                key = "story.more"
            elif _below_zero(d["offered"][i]):
                key = "story.fewer" if _below_zero(d["asa_s"][i]) else "story.fewer_same_wait"
            else:
                key = "story.none"
            lines.append(
                _text(
                    key,
                    lang,
                    what=what,
                    asa=s("asa_s"),
                    ab=s("abandon_rate"),
                    hours=s("agent_hours"),
                    rep=s("repeat_contacts"),
                    off=s("offered"),
                    need=s("agent_hours_needed"),
                )
            )
        return lines


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
    )
    rows = []
    for i, (scenario, result) in enumerate(zip(training.scenarios, results, strict=True)):
        for _, rep in result.summary.sort_values("replication").iterrows():
            r = int(rep["replication"])
            intervals = result.intervals[result.intervals["replication"] == r]
            row = {"what_if": i, "replication": r}
            row.update({k: float(rep[k]) for k in METRICS if k in rep.index})
            row["repeat_contacts"] = float(rep["repeat_rate"] * rep["contacts"])
            row["agent_hours_needed"] = agent_hours_needed(intervals, float(rep["aht_s"]), scenario)
            rows.append(row)
    return TrainingResult(training, pd.DataFrame(rows))


# -- output ---------------------------------------------------------------------------------------
def training_figure(result: TrainingResult, lang: str = DEFAULT_LANG) -> Any:
    """Four panels: offered contacts, repeat contacts, ASA, agent hours (paid vs needed)."""
    from matplotlib.patches import Patch

    from simulator.present.figures import (
        FIGSIZE,
        LABEL_SIZE,
        PALETTE,
        TICK_SIZE,
        TITLE_SIZE,
        new_figure,
    )

    t = result.training
    labels = t.labels(lang)
    fig = new_figure(2, 2, size=(FIGSIZE[0] * 1.25, FIGSIZE[1] * 1.6))
    grey, more = "#999999", PALETTE[1]
    colors = [grey] + [more if (w.scale_agents or 1) > 1 else PALETTE[2] for w in t.what_ifs]
    x = np.arange(len(labels))
    ticks = [textwrap_label(label) for label in labels]

    def panel(ax: Any, key: str, offset: float = 0.0, width: float = 0.7, **kw: Any) -> None:
        means = [np.nan if m is None else m for m in result.means(key)]
        errs = [0.0 if c is None else c for c in result.ci95(key)]
        bars = ax.bar(x + offset, means, width, yerr=errs, capsize=5, **kw)
        diffs = [d["mean"] for d in result.diff(key)]
        if key.startswith("agent_hours"):  # two bars per what-if: whole hours, no unit
            texts = [f"{means[0]:,.0f}"] + [
                "" if d is None else "0" if abs(d) < 0.5 else f"{d:+,.0f}".replace("-", "−")
                for d in diffs
            ]
        else:
            texts = [format_metric(key, means[0], lang)] + [
                _signed(key, d, None, lang) for d in diffs
            ]
        ax.bar_label(bars, labels=texts, fontsize=TICK_SIZE - 4, padding=3)

    for ax, key in zip(fig.axes[:3], ("offered", "repeat_contacts", "asa_s"), strict=True):
        panel(ax, key, color=colors)
        ax.set_title(metric_label(key, lang), fontsize=LABEL_SIZE, loc="left")
    ax = fig.axes[3]
    panel(ax, "agent_hours", -0.2, 0.4, color=colors, alpha=0.45)
    panel(ax, "agent_hours_needed", 0.2, 0.4, color=colors)
    sl = t.scenarios[0].channels.phone.service_level
    target = f"{100 * sl.target:.0f}/{sl.answer_within_s:.0f} s"
    ax.legend(
        handles=[
            Patch(color=grey, alpha=0.45, label=_text("on_duty", lang)),
            Patch(color=grey, label=_text("needed", lang, sl=target)),
        ],
        fontsize=TICK_SIZE - 3,
        loc="upper right",
    )
    ax.set_title(_text("hours", lang), fontsize=LABEL_SIZE, loc="left")
    for ax in fig.axes:
        ax.set_xticks(x, ticks)
        ax.tick_params(labelsize=TICK_SIZE - 3)
        ax.margins(y=0.35 if ax is fig.axes[3] else 0.18)
        ax.grid(True, axis="y", alpha=0.3)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
    subtitle = _text("subtitle", lang, name=t.name, n=t.replications, seed=t.seed)
    fig.suptitle(
        _text("title", lang) + "\n" + textwrap_label(subtitle, SUBTITLE_CHARS),
        fontsize=TITLE_SIZE - 4,
        x=0.01,
        ha="left",
    )
    return fig


SUBTITLE_CHARS = 110
"""The figure's subtitle wraps here: in one line the Dutch one ran off the 1500-px picture."""


def textwrap_label(label: str, width: int = 16) -> str:
    import textwrap

    return textwrap.fill(label, width)


def write_outputs(
    result: TrainingResult,
    out: Path | None,
    figure: Path | None,
    lang: str = DEFAULT_LANG,
) -> list[Path]:
    """``out``: training.png, table.csv, replications.csv, training.json; ``figure``: the PNG."""
    from simulator.present.figures import save_png

    written = []
    fig = training_figure(result, lang) if out is not None or figure is not None else None
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        written.append(save_png(fig, out / "training.png"))
        result.table(lang).to_csv(out / "table.csv", index=False)
        per_rep = result.per_replication.assign(
            what_if=[result.training.labels(lang)[i] for i in result.per_replication.what_if]
        )
        per_rep.to_csv(out / "replications.csv", index=False)
        (out / "training.json").write_text(
            json.dumps(result.to_json(), allow_nan=False, indent=2) + "\n", encoding="utf-8"
        )
        written += [out / "table.csv", out / "replications.csv", out / "training.json"]
    if figure is not None:
        written.append(save_png(fig, figure))
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


def markdown_table(result: TrainingResult, lang: str = DEFAULT_LANG) -> str:
    """The table as Markdown (README): per metric, today and each what-if with its difference."""
    labels = result.training.labels(lang)
    lines = [
        "| " + " | ".join([_text("metric", lang), *labels]) + " |",
        "|---|" + "---:|" * len(labels),
    ]
    for key in METRICS:
        means, diffs = result.means(key), result.diff(key)
        cells = [format_metric(key, means[0], lang)]
        for m, d in zip(means[1:], diffs, strict=True):
            cells.append(
                f"{format_metric(key, m, lang)} ({_signed(key, d['mean'], d['ci95'], lang)})"
            )
        lines.append("| " + " | ".join([metric_label(key, lang), *cells]) + " |")
    return "\n".join(lines)


def print_training(result: TrainingResult, lang: str = DEFAULT_LANG) -> None:
    """The terminal table and the story in sentences."""
    from rich.console import Console
    from rich.table import Table

    t = result.training
    labels = t.labels(lang)
    table = Table(
        title=f"{_text('title', lang)} — {t.name}, seed {t.seed}, {t.replications} "
        f"replications (common random numbers)",
        title_justify="left",
    )
    table.add_column(_text("metric", lang))
    table.add_column(labels[0], justify="right")
    for label in labels[1:]:
        table.add_column(label, justify="right")
    for key in METRICS:
        means, diffs = result.means(key), result.diff(key)
        row = [metric_label(key, lang), format_metric(key, means[0], lang)]
        for m, d in zip(means[1:], diffs, strict=True):
            row.append(f"{format_metric(key, m, lang)}\n{_signed(key, d['mean'], d['ci95'], lang)}")
        table.add_row(*row)
    console = Console(highlight=False)
    if not console.is_terminal:
        console = Console(highlight=False, width=60 + 30 * len(labels))
    console.print(table)
    for line in result.story(lang):
        console.print(f"- {line}")


def run_named(
    name: str,
    experiment: Path | None = None,
    **overrides: Any,
) -> Training:
    """Load a named experiment (or the given file) with optional overrides."""
    path = experiment if experiment is not None else default_experiment(name)
    return load_training(path, **overrides)
