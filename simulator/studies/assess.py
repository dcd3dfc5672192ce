"""Growth-phase assessment: where the simulated center stands in the ccsim growth model.

The gates are exactly the table of the domain notes (``shared/spec/domain.md``): a center is in
the highest phase whose every gate it passes, and phase 5 also requires phase 4. The rule is
applied as written: lower phases are not required for phases 2-4, but gates of lower phases that
fail are listed as a note, so a reader is not misled by a high phase reached with a poor queue.

A KPI the run does not hold (CSAT and NPS before the journey model, or undefined values) makes its
gate "not measured": never guessed and never passed. So does a KPI that follows only from a default
the scenario file never stated (see ``simulator.scenario.stated``): ``fcr`` is 1 unless given, so
a file without it would pass every FCR gate on an assumption, not on a simulated outcome. A phase
with a gate not measured cannot be reached. Criteria a simulation cannot produce at all
(registration share, CES ranking) are shown as "not measured" for information only; they are not
among the testable gates.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from simulator.results.rundir import load_run

Status = Literal["passed", "failed", "not_measured"]

_OPS: dict[str, Callable[[float, float], bool]] = {
    ">=": operator.ge,
    "<=": operator.le,
    ">": operator.gt,
    "<": operator.lt,
}

# KPI values are means over replications: 0.75 may arrive as 0.7499999999999999. Values are
# rounded to this many decimals before comparison, so a boundary value counts as the boundary.
_DECIMALS = 9


@dataclass(frozen=True)
class Gate:
    """``key op threshold`` on a mean KPI, e.g. ``fcr >= 0.50``."""

    key: str
    op: str
    threshold: float


@dataclass(frozen=True)
class PhaseRule:
    """The gates of one phase, the phase it requires, and what a simulation cannot measure."""

    phase: int
    gates: tuple[Gate, ...]
    requires: int | None = None
    unmeasurable: tuple[str, ...] = ()


PHASES: tuple[PhaseRule, ...] = (
    PhaseRule(1, ()),
    PhaseRule(
        2,
        (Gate("fcr", ">=", 0.50), Gate("asa_s", "<=", 300.0), Gate("abandon_rate", "<=", 0.10)),
        unmeasurable=("registration_share",),
    ),
    PhaseRule(3, (Gate("fcr", ">=", 0.75), Gate("csat", ">=", 7.5))),
    PhaseRule(
        4,
        (
            Gate("fcr", ">=", 0.85),
            Gate("repeat_rate", "<", 0.10),
            Gate("csat", ">=", 8.0),
            Gate("nps", ">=", 30.0),
        ),
        unmeasurable=("ces_rank",),
    ),
    PhaseRule(5, (Gate("nps", ">", 40.0), Gate("csat", ">=", 8.5)), requires=4),
)
TOP_PHASE = PHASES[-1].phase
GOALS: tuple[Gate, ...] = (Gate("esat", ">=", 8.5),)
"""Goals shown beside the gates, never a gate: seed 003's employee satisfaction of at least 8.5
(the ``esat`` proxy). They place the center in no phase."""
_PROXIES = ("csat", "nps")


@dataclass
class GateResult:
    """One gate checked against the run: the value is ``None`` when not measured."""

    key: str
    op: str
    threshold: float
    value: float | None
    status: Status

    def to_json(self) -> dict[str, Any]:
        """The gate in the ``--json`` object of ``ccsim assess``."""
        return {
            "key": self.key,
            "op": self.op,
            "threshold": self.threshold,
            "value": self.value,
            "status": self.status,
        }


@dataclass
class PhaseResult:
    """The gates of one phase; ``passed`` when every gate (and a required phase) passed."""

    phase: int
    gates: list[GateResult]
    passed: bool
    requires: int | None = None
    requires_met: bool = True
    unmeasurable: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """The phase in the ``--json`` object of ``ccsim assess``."""
        return {
            "phase": self.phase,
            "passed": self.passed,
            "requires_phase": self.requires,
            "gates": [g.to_json() for g in self.gates],
            "not_measurable": list(self.unmeasurable),
        }


@dataclass
class Assessment:
    """The phase reached, every phase's gates, and what keeps the center from the next one."""

    phase: int
    phases: list[PhaseResult]
    blockers: list[GateResult] = field(default_factory=list)
    blocked_by_phase: int | None = None
    lower_gaps: list[tuple[int, GateResult]] = field(default_factory=list)
    missing_proxies: list[str] = field(default_factory=list)
    default_only: list[str] = field(default_factory=list)
    """Gate KPIs not measured because only an unstated default decides them."""
    goals: list[GateResult] = field(default_factory=list)
    """``GOALS`` checked against the run, for information: never a gate."""

    @property
    def next_phase(self) -> int | None:
        """The phase to reach next, or ``None`` at the top phase."""
        return self.phase + 1 if self.phase < TOP_PHASE else None

    def to_json(self) -> dict[str, Any]:
        """Machine-readable result of ``ccsim assess --json``."""
        return {
            "phase": self.phase,
            "next_phase": self.next_phase,
            "phases": [p.to_json() for p in self.phases],
            "blockers": [g.to_json() for g in self.blockers],
            "blocked_by_phase": self.blocked_by_phase,
            "lower_gaps": [{"phase": p, **g.to_json()} for p, g in self.lower_gaps],
            "not_measured": self.missing_proxies,
            "default_only": self.default_only,
            "goals": [g.to_json() for g in self.goals],
        }


def check_gate(
    gate: Gate, kpis: Mapping[str, float | None], default_only: Collection[str] = ()
) -> GateResult:
    """A gate against the mean KPIs.

    A missing or undefined KPI is "not measured", and so is one in ``default_only`` (its simulated
    value is kept, for information).
    """
    value = kpis.get(gate.key)
    if value is None or gate.key in default_only:
        shown = None if value is None else float(value)
        return GateResult(gate.key, gate.op, gate.threshold, shown, "not_measured")
    ok = _OPS[gate.op](round(float(value), _DECIMALS), gate.threshold)
    return GateResult(gate.key, gate.op, gate.threshold, float(value), "passed" if ok else "failed")


def assess(kpis: Mapping[str, float | None], default_only: Collection[str] = ()) -> Assessment:
    """Place a center with these mean KPIs in the growth model.

    The gates of ``default_only`` KPIs (see ``simulator.scenario.stated``) are not measured.
    """
    results: dict[int, PhaseResult] = {}
    for rule in PHASES:
        gates = [check_gate(g, kpis, default_only) for g in rule.gates]
        requires_met = rule.requires is None or results[rule.requires].passed
        passed = requires_met and all(g.status == "passed" for g in gates)
        results[rule.phase] = PhaseResult(
            rule.phase, gates, passed, rule.requires, requires_met, rule.unmeasurable
        )
    phase = max(p for p, r in results.items() if r.passed)
    assessment = Assessment(phase=phase, phases=list(results.values()))
    if phase < TOP_PHASE:
        nxt = results[phase + 1]
        assessment.blockers = [g for g in nxt.gates if g.status != "passed"]
        if not nxt.requires_met:
            assessment.blocked_by_phase = nxt.requires
    for p in range(2, phase):
        assessment.lower_gaps += [(p, g) for g in results[p].gates if g.status == "failed"]
    assessment.missing_proxies = [k for k in _PROXIES if kpis.get(k) is None]
    gated = {g.key for rule in PHASES for g in rule.gates}
    assessment.default_only = [k for k in default_only if k in gated]
    assessment.goals = [check_gate(g, kpis) for g in GOALS]
    return assessment


def assess_run_dir(run_dir: Path | str) -> Assessment:
    """The assessment of a run folder from its mean KPIs and default-only KPIs (meta.json)."""
    run = load_run(run_dir)
    return assess(run.kpis, run.default_only_kpis)
