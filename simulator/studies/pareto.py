"""``ccsim pareto``: which contact reasons cause the work, and what fixing each would save.

Phase 3 of the growth model asks where to start removing root causes. The ranking comes from the
run folder alone: per reason the contacts its issues cause (new, repeat, after a missed callback)
and the agent hours they take. The improvement potential cannot come from a formula once queues,
abandonment and third parties interact, so each reason's what-if ("FCR raised to the target, its
third party calls back on time") is re-simulated with the run's seed and replications: common
random numbers make the saving a paired difference with a narrow confidence interval.

Counting follows spec A3 for issues: issues that started after warm-up, with all their contacts
whenever those happen. Agent hours are the handle times (talk + wrap-up) of answered contacts;
outbound callbacks made by agents are not contacts and are not attributed to a reason here.

With prices (a ``costs`` block) each reason also gets its ``cost``: spec D2's ``by_reason`` cost
(the total cost split by the reason's share of the handled time, ``by_reason.csv`` of the folder,
mean over replications), and a rank by it. Each what-if's saving then has two amounts: the paired
difference of ``cost_total`` (``cost_total``: what the same roster pays less, i.e. the handled
minutes and third-party jobs saved) and the saved agent hours at ``costs.agent_hour``
(``agent_hours_value``: what the hours freed are worth if the roster gives them up).
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from simulator.errors import CcsimError, ScenarioError
from simulator.results.rundir import RunData, load_run
from simulator.results.statistics import paired_difference
from simulator.scenario.loading import load_scenario, load_scenario_dict
from simulator.scenario.models import Scenario

PARETO_JSON = "pareto.json"
DEFAULT_TARGET_FCR = 0.75  # the phase-3 FCR gate of the growth model
KINDS = ("new", "repeat", "missed_callback", "redial")
LINES = (0.5, 0.8)


class ParetoError(CcsimError):
    """The run folder lacks what the Pareto needs, or an option is out of range."""


# ---------------------------------------------------------------------------------------------
# Workload per reason, from the tables of a run


def counted_contacts(journeys: pd.DataFrame, contacts: pd.DataFrame) -> pd.DataFrame:
    """Contacts of the issues that started after warm-up (with all their contacts, spec A3)."""
    keys = journeys.loc[~journeys["in_warmup"].astype(bool), ["replication", "issue"]]
    return contacts.merge(keys, on=["replication", "issue"], how="inner")


def _answered_hours(contacts: pd.DataFrame) -> pd.Series:
    answered = contacts["outcome"].astype(str) == "answered"
    return contacts["handle_s"].where(answered, 0.0).fillna(0.0) / 3600.0


def workload_table(
    journeys: pd.DataFrame,
    contacts: pd.DataFrame,
    reasons: Sequence[str],
    replications: int,
) -> pd.DataFrame:
    """One row per reason, largest agent hours first: contacts, hours, shares, gave-up, CSAT.

    Values are means per replication. ``cumulative_share`` is the running share of agent hours
    in this order, so the 50% and 80% lines can be read off directly.
    """
    counted = journeys[~journeys["in_warmup"].astype(bool)]
    c = counted_contacts(journeys, contacts)
    c = c.assign(hours=_answered_hours(c), kind=c["kind"].astype(str))
    rows = []
    for reason in reasons:
        j = counted[counted["reason"].astype(str) == reason]
        cr = c[c["reason"].astype(str) == reason]
        n_issues = len(j)
        answered_issues = int((j["answered"] > 0).sum())
        hours_by_kind = {k: float(cr.loc[cr["kind"] == k, "hours"].sum()) for k in KINDS}
        csat = j["csat"].dropna() if "csat" in j else pd.Series(dtype=float)
        rows.append(
            {
                "reason": reason,
                "issues": n_issues / replications,
                "new_contacts": float(j["new_contacts"].sum()) / replications,
                "repeat_contacts": float(j["repeat_contacts"].sum()) / replications,
                "missed_callback_contacts": float(j["missed_callback_contacts"].sum())
                / replications,
                "redials": float(j["redials"].sum()) / replications,
                "contacts": float(j["contacts"].sum()) / replications,
                "agent_hours": sum(hours_by_kind.values()) / replications,
                **{f"hours_{k}": v / replications for k, v in hours_by_kind.items()},
                "gave_up_share": (
                    float((j["outcome"].astype(str) == "gave_up").sum()) / n_issues
                    if n_issues
                    else math.nan
                ),
                "csat": float(csat.mean()) if len(csat) else math.nan,
                "fcr": (
                    float(j["resolved_first_contact"].sum()) / answered_issues
                    if answered_issues
                    else math.nan
                ),
            }
        )
    table = pd.DataFrame(rows).sort_values(
        ["agent_hours", "contacts"], ascending=False, kind="stable"
    )
    total = table["agent_hours"].sum()
    table["share"] = table["agent_hours"] / total if total > 0 else math.nan
    table["cumulative_share"] = table["share"].cumsum()
    table.insert(0, "rank", np.arange(1, len(table) + 1))
    return table.reset_index(drop=True)


def reasons_to(table: pd.DataFrame, line: float) -> list[str]:
    """The top reasons that together reach ``line`` of the agent hours (the Pareto cut)."""
    out = []
    for reason, cum in zip(table["reason"], table["cumulative_share"], strict=True):
        out.append(str(reason))
        if not cum < line - 1e-12:
            break
    return out if table["agent_hours"].sum() > 0 else []


def per_replication_totals(
    journeys: pd.DataFrame, contacts: pd.DataFrame, replications: int
) -> pd.DataFrame:
    """Per replication: contacts, repeat contacts and agent hours of the counted issues."""
    counted = journeys[~journeys["in_warmup"].astype(bool)]
    c = counted_contacts(journeys, contacts)
    index = pd.RangeIndex(replications, name="replication")
    by_rep = counted.groupby("replication", observed=True)
    return pd.DataFrame(
        {
            "contacts": by_rep["contacts"].sum().reindex(index, fill_value=0),
            "repeat_contacts": (
                by_rep["repeat_contacts"].sum() + by_rep["missed_callback_contacts"].sum()
            ).reindex(index, fill_value=0),
            "agent_hours": c.assign(hours=_answered_hours(c))
            .groupby("replication", observed=True)["hours"]
            .sum()
            .reindex(index, fill_value=0.0),
        },
        index=index,
    ).astype(float)


# ---------------------------------------------------------------------------------------------
# What-ifs


@dataclass
class WhatIf:
    """The change tried for one reason; ``scenario`` is ``None`` when nothing would change."""

    reason: str
    fcr: tuple[float, float]
    repeat_fcr: tuple[float, float] | None
    party: str | None
    on_time: tuple[float, float] | None
    shared_with: list[str] = field(default_factory=list)
    scenario: Scenario | None = None

    def to_json(self) -> dict[str, Any]:
        """The what-if in ``pareto.json`` and the ``--json`` object of ``ccsim pareto``."""
        return {
            "fcr": list(self.fcr),
            "repeat_fcr": None if self.repeat_fcr is None else list(self.repeat_fcr),
            "third_party": self.party,
            "on_time_probability": None if self.on_time is None else list(self.on_time),
            "third_party_shared_with": self.shared_with,
            "changed": self.scenario is not None,
        }


def what_if(base: Scenario, reason: str, target: float, base_dir: Path | None) -> WhatIf:
    """``reason`` with FCR raised to ``target`` and its third party on time.

    FCR (and repeat FCR) is raised, never lowered, and the third party is on time with probability
    1; everything else, names included, stays as it is so the random streams line up with the base
    run.
    """
    data = base.to_yaml_dict()
    r = next(x for x in data["reasons"] if x["name"] == reason)
    fcr = (float(r.get("fcr", 1.0)), max(float(r.get("fcr", 1.0)), target))
    r["fcr"] = fcr[1]
    repeat_fcr = None
    repeat = r.get("repeat") or {}
    if repeat.get("fcr") is not None:
        repeat_fcr = (float(repeat["fcr"]), max(float(repeat["fcr"]), target))
        repeat["fcr"] = repeat_fcr[1]
    party = on_time = None
    shared: list[str] = []
    if r.get("third_party"):
        party = r["third_party"]["party"]
        spec = next(p for p in data["third_parties"] if p["name"] == party)
        on_time = (float(spec.get("on_time_probability", 1.0)), 1.0)
        spec["on_time_probability"] = 1.0
        shared = [
            x["name"]
            for x in data["reasons"]
            if x["name"] != reason and (x.get("third_party") or {}).get("party") == party
        ]
    changed = fcr[0] != fcr[1] or (repeat_fcr and repeat_fcr[0] != repeat_fcr[1])
    changed = changed or (on_time is not None and on_time[0] != on_time[1])
    scenario = (
        load_scenario_dict(data, source=f"what-if {reason}", base_dir=base_dir) if changed else None
    )
    return WhatIf(reason, fcr, repeat_fcr, party, on_time, shared, scenario)


# ---------------------------------------------------------------------------------------------
# The whole analysis


@dataclass
class Pareto:
    """The ranking of a run's reasons and, when computed, each reason's improvement potential."""

    run_dir: str
    scenario: str
    seed: int | None
    replications: int
    target_fcr: float
    table: pd.DataFrame
    what_ifs: dict[str, WhatIf] = field(default_factory=dict)
    savings: dict[str, dict[str, dict[str, float | None]]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    currency: str = "EUR"

    def to_json(self) -> dict[str, Any]:
        """Everything for scripts; ``None`` where undefined (JSON never holds NaN)."""
        reasons = []
        for row in self.table.to_dict("records"):
            name = str(row["reason"])
            item = {k: _json_value(v) for k, v in row.items()}
            item["reason"] = name
            if name in self.what_ifs:
                item["what_if"] = self.what_ifs[name].to_json()
            if name in self.savings:
                item["saving"] = self.savings[name]
            reasons.append(item)
        return {
            "run_dir": self.run_dir,
            "scenario": self.scenario,
            "seed": self.seed,
            "replications": self.replications,
            "target_fcr": self.target_fcr,
            "ranked_by": "agent_hours",
            "total_agent_hours": _json_value(self.table["agent_hours"].sum()),
            "reasons": reasons,
            "to_50": reasons_to(self.table, 0.5),
            "to_80": reasons_to(self.table, 0.8),
            **self._money(),
            "notes": self.notes,
        }

    def _money(self) -> dict[str, Any]:
        """With prices: the currency, the total cost and the reasons ranked by their cost."""
        if "cost" not in self.table or not self.table["cost"].notna().any():
            return {}
        order = self.table.sort_values(["cost", "agent_hours"], ascending=False, kind="stable")
        return {
            "currency": self.currency,
            "total_cost": _json_value(self.table["cost"].sum()),
            "cost_ranking": [str(r) for r in order["reason"]],
        }


def _json_value(v: Any) -> Any:
    if isinstance(v, np.integer | int) and not isinstance(v, bool):
        return int(v)
    if isinstance(v, np.floating | float):
        return float(v) if math.isfinite(v) else None
    return v


def _load_run_scenario(run: RunData) -> tuple[Scenario, Path]:
    """scenario.yaml of the folder.

    CSV paths in it are tried relative to the folder, then to the working directory (where ``ccsim
    run`` usually was started).
    """
    file = run.path / "scenario.yaml"
    if not file.is_file():
        raise ParetoError(f"{run.path}: has no scenario.yaml to re-simulate the what-ifs from")
    try:
        return load_scenario(file), run.path
    except ScenarioError as first:
        try:
            data = dict(run.scenario)
            return load_scenario_dict(data, source=str(file), base_dir=Path.cwd()), Path.cwd()
        except ScenarioError:
            raise first from None


def _tables(run: RunData) -> tuple[pd.DataFrame, pd.DataFrame]:
    journeys, contacts = run.journeys, run.contacts
    if journeys is None or contacts is None:
        missing = "journeys.parquet" if journeys is None else "contacts.parquet"
        raise ParetoError(
            f"{run.path}: has no {missing}; the Pareto needs a folder written by "
            "`ccsim run FILE --out DIR` with journeys"
        )
    return journeys, contacts


def _reason_names(run: RunData, journeys: pd.DataFrame) -> list[str]:
    """Reasons in the scenario's order (reasons without any issue still get a row)."""
    names = [str(r["name"]) for r in run.scenario.get("reasons") or [] if "name" in r]
    return names or sorted(map(str, journeys["reason"].unique()))


def ranking(run: RunData) -> pd.DataFrame:
    """The workload table of a run folder (no simulation: fast enough for every report).

    With prices, a ``cost`` column and ``cost_rank`` (see the module docstring).
    """
    journeys, contacts = _tables(run)
    n = run.replications or int(journeys["replication"].nunique()) or 1
    table = workload_table(journeys, contacts, _reason_names(run, journeys), n)
    costs = reason_costs(run)
    if costs is not None:
        table["cost"] = [costs.get(str(r), math.nan) for r in table["reason"]]
        rank = table["cost"].rank(ascending=False, method="first")
        table["cost_rank"] = [None if math.isnan(v) else int(v) for v in rank]
    return table


def reason_costs(run: RunData) -> dict[str, float] | None:
    """Each reason's mean cost over replications (spec D2's ``by_reason`` cost), or None.

    From ``by_reason.csv``; None without prices, or for a folder written before that file.
    """
    if run.kpis.get("cost_total") is None:
        return None
    file = run.path / BY_REASON_CSV
    if file.is_file():
        try:
            table = pd.read_csv(file)
        except Exception as err:  # a damaged file is bad input, not a bug
            raise ParetoError(f"{file}: cannot be read ({type(err).__name__}: {err})") from None
        if {"reason", "cost"} <= set(table.columns):
            means = table.groupby(table["reason"].astype(str), sort=False)["cost"].mean()
            return {str(k): float(v) for k, v in means.items()}
    return None


SAVING_KEYS = ("agent_hours", "contacts", "repeat_contacts")
MONEY_SAVING_KEYS = ("cost_total", "agent_hours_value")
"""With prices: the paired saving of ``cost_total``, and the saved agent hours x agent_hour."""
BY_REASON_CSV = "by_reason.csv"


@dataclass
class Plan:
    """A Pareto whose what-ifs are built but not yet simulated.

    A progress bar then knows the number of replications before the work starts.
    """

    pareto: Pareto
    run: RunData
    scenario: Scenario

    @property
    def changed(self) -> list[WhatIf]:
        """The what-ifs that change the scenario; only these are simulated."""
        return [w for w in self.pareto.what_ifs.values() if w.scenario is not None]

    @property
    def replications_to_simulate(self) -> int:
        """Replications still to simulate: the base run again and each changed what-if."""
        n = len(self.changed)
        return self.pareto.replications * (n + 1) if n else 0


def plan(run_dir: Path | str, target_fcr: float = DEFAULT_TARGET_FCR) -> Plan:
    """Rank the reasons of a run folder and build each reason's what-if scenario."""
    if not 0.0 <= target_fcr <= 1.0:
        raise ParetoError(f"--target-fcr must be between 0 and 1 (got {target_fcr})")
    run = load_run(run_dir)
    table = ranking(run)
    scenario, base_dir = _load_run_scenario(run)
    reps = run.replications or scenario.replications
    seed = run.meta.get("seed")
    seed = int(seed) if isinstance(seed, int) else scenario.seed
    result = Pareto(str(run.path), run.name, seed, reps, target_fcr, table)
    if scenario.costs is not None:
        result.currency = scenario.costs.currency
    saved = SAVING_KEYS + (MONEY_SAVING_KEYS if scenario.costs is not None else ())
    for name in table["reason"]:
        result.what_ifs[str(name)] = what_if(scenario, str(name), target_fcr, base_dir)
    zero = {"mean": 0.0, "ci95": 0.0 if reps >= 2 else None}
    for w in result.what_ifs.values():
        if w.scenario is None:  # nothing to change: the saving is exactly nothing
            result.savings[w.reason] = {k: dict(zero) for k in saved}
        if w.shared_with:
            result.notes.append(
                f"{w.party} also serves {', '.join(w.shared_with)}: calling back on time for "
                f"{w.reason} means on time for them too, and the saving includes theirs."
            )
    result.notes.append(
        f"Improvement potential: FCR raised to {target_fcr:.0%} (never lowered) and the reason's "
        f"third party on time, re-simulated with seed {seed} and {reps} replications "
        "(common random numbers); saving = run minus what-if, mean per replication ± 95% CI."
    )
    return Plan(result, run, scenario)


def simulate(
    p: Plan, *, workers: int | None = None, progress: Callable[[int], None] | None = None
) -> Pareto:
    """Run the base scenario and every changed what-if with CRN; fill in the paired savings."""
    from simulator.studies.compare import run_paired  # loads numba and SimPy

    result, changed, reps = p.pareto, p.changed, p.pareto.replications
    if not changed:
        return result
    runs = run_paired(
        [p.scenario, *[w.scenario for w in changed if w.scenario is not None]],
        replications=reps,
        seed=int(result.seed if result.seed is not None else p.scenario.seed),
        workers=workers,
        progress=progress,
        keep_contacts=True,  # the savings are counted from the journeys and contacts
    )
    base = per_replication_totals(runs[0].journeys, runs[0].contacts, reps)
    _check_baseline(p.run, runs[0].summary, result.notes)
    costs = p.scenario.costs
    for w, r in zip(changed, runs[1:], strict=True):
        totals = per_replication_totals(r.journeys, r.contacts, reps)
        saving = {}
        for key in SAVING_KEYS:
            mean, ci = paired_difference(totals[key].to_numpy(), base[key].to_numpy())
            saving[key] = {"mean": mean, "ci95": ci}
        if costs is not None:  # run minus what-if, paired like the hours
            what, now = (x.summary.sort_values("replication")["cost_total"] for x in (r, runs[0]))
            mean, ci = paired_difference(what.to_numpy(), now.to_numpy())
            saving["cost_total"] = {"mean": mean, "ci95": ci}
            hours = saving["agent_hours"]
            saving["agent_hours_value"] = {
                k: None if v is None else costs.agent_hour * v for k, v in hours.items()
            }
        result.savings[w.reason] = saving
    if costs is not None:
        result.notes.append(
            "Savings in money: cost_total is what the same roster pays less (handled minutes "
            "and third-party jobs); agent_hours_value is the saved agent hours at the agent "
            f"hour's price ({costs.agent_hour:g}), worth that only if the roster gives them up."
        )
    return result


def analyse(
    run_dir: Path | str,
    *,
    target_fcr: float = DEFAULT_TARGET_FCR,
    workers: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> Pareto:
    """Rank the reasons of a run folder and re-simulate each reason's what-if with CRN."""
    return simulate(plan(run_dir, target_fcr), workers=workers, progress=progress)


def _check_baseline(run: RunData, summary: pd.DataFrame, notes: list[str]) -> None:
    """Say so when the re-simulated baseline is not the folder's run.

    That happens with another ccsim version or changed data files: savings are then paired with the
    re-simulation, not with the folder.
    """
    folder = run.summary
    if folder is None or "offered" not in folder or len(folder) != len(summary):
        return
    a = folder.sort_values("replication")["offered"].to_numpy(dtype=float)
    b = summary.sort_values("replication")["offered"].to_numpy(dtype=float)
    if not np.array_equal(a, b):
        notes.append(
            "The re-simulated run differs from the folder's (another ccsim version or changed "
            "data files): savings are paired with the re-simulation."
        )


def save_json(pareto: Pareto, path: Path) -> Path | None:
    """Keep the analysis next to the run so that ``ccsim report`` can show the potential.

    A read-only folder only loses that convenience.
    """
    try:
        path.write_text(json.dumps(pareto.to_json(), allow_nan=False, indent=1), encoding="utf-8")
    except OSError:
        return None
    return path


def saved_potential(run: RunData, table: pd.DataFrame) -> dict[str, Any] | None:
    """``pareto.json`` of the folder if it is readable and about the same reasons.

    The report shows the potential of an earlier ``ccsim pareto`` without re-simulating.
    """
    file = run.path / PARETO_JSON
    if not file.is_file():
        return None
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
        names = sorted(r["reason"] for r in data["reasons"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return data if names == sorted(map(str, table["reason"])) else None
