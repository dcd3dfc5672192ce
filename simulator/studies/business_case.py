"""``ccsim business-case``: what a what-if saves per week, and when its one-off cost is paid back.

The base and the what-if run with common random numbers (:func:`~simulator.studies.compare.
run_paired`: same seed, same replication numbers), so the saving is a paired difference per
replication. Per replication and scenario ``cost_total`` is scaled from its window (warm-up to
horizon) to a week (x 7 days / window); the **weekly saving** is base minus what-if, its mean and
95% CI the t interval over the replications (:func:`~simulator.results.statistics.
paired_difference`). The **payback** is one-off / weekly saving, and the CI carries through: a
saving of s +- h with s - h > 0 pays back in one-off / s weeks, between one-off / (s + h) and
one-off / (s - h). A saving whose CI reaches 0 or below shows no payback (``no_payback_shown``);
a what-if whose whole CI costs more is ``costs_more``.

Every amount is traced to the ``costs`` block: the saving is split into spec D2's parts
(``cost_agents``, ``cost_handling``, ``cost_third_party``, which add up to ``cost_total``), each
with the price lines it uses and the count they multiply (agent hours, handled minutes, jobs),
per week, paired like the total. Customers lost (``costs.lost_customer``, an assumption) are
reported apart and never enter the payback.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from simulator.errors import CcsimError
from simulator.results.statistics import Summary, paired_difference, summarise
from simulator.runs.replications import RunResult
from simulator.scenario.models import Costs, Scenario
from simulator.studies.compare import run_paired, structure_notes

WEEK_S = 7 * 86400.0
Status = Literal["payback", "no_payback_shown", "costs_more"]


class BusinessCaseError(CcsimError):
    """A business case that cannot be made as asked (no prices, one replication, ...)."""


def week_factor(scenario: Scenario) -> float:
    """What multiplies an amount of the counted window (warm-up to horizon) into one per week."""
    h = scenario.horizon
    return WEEK_S / (h.horizon_s - h.warmup_s)


def _column(result: RunResult, key: str) -> np.ndarray:
    """A KPI per replication (in replication order), NaN where a replication lacks it."""
    return np.array([float(row.get(key, math.nan)) for row in result.rows], dtype=np.float64)


def _per_unit(result: RunResult, key: str, price: float) -> np.ndarray:
    """An amount divided by its price per replication (the count it priced); NaN at price 0."""
    amount = _column(result, key)
    return amount / price if price else np.full(len(amount), math.nan)


@dataclass(frozen=True)
class PriceLine:
    """One line of the ``costs`` block (or a group's ``agent_hour``) in both scenarios."""

    line: str
    base: float
    whatif: float

    def to_json(self) -> dict[str, Any]:
        """The line, its value in the base and in the what-if."""
        return {"line": self.line, "base": self.base, "whatif": self.whatif}


@dataclass(frozen=True)
class Part:
    """One part of the weekly cost: base and what-if means, the paired saving, what it counts.

    ``count`` is what the prices multiply (agent hours, handled minutes, jobs); ``count_change``
    its paired weekly change (what-if minus base), ``None`` when the price is 0.
    """

    key: str
    count: str
    base: Summary
    whatif: Summary
    saving: Summary
    count_change: Summary
    prices: tuple[PriceLine, ...]

    def to_json(self) -> dict[str, Any]:
        """The part as plain data (means and CI half-widths per week)."""
        return {
            "kpi": self.key,
            "base_per_week": _json(self.base),
            "whatif_per_week": _json(self.whatif),
            "saving_per_week": _json(self.saving),
            "count": self.count,
            "count_change_per_week": _json(self.count_change),
            "prices": [p.to_json() for p in self.prices],
        }


def _json(s: Summary) -> dict[str, float | None]:
    def clean(v: float | None) -> float | None:
        return v if v is not None and math.isfinite(v) else None

    return {"mean": clean(s.mean), "ci95": clean(s.ci95)}


@dataclass(frozen=True)
class Payback:
    """Weeks until the one-off cost is paid back, with the interval the saving's CI gives."""

    status: Status
    weeks: float | None = None
    low: float | None = None
    high: float | None = None

    def to_json(self) -> dict[str, Any]:
        """Status, weeks and the interval (``None`` where no payback is shown)."""
        return {"status": self.status, "weeks": self.weeks, "low": self.low, "high": self.high}


def payback(one_off: float, saving: Summary) -> Payback:
    """Payback of ``one_off`` from a weekly ``saving`` (mean and CI half-width), see the top.

    The interval of the saving, [s - h, s + h], maps to [one_off / (s + h), one_off / (s - h)]
    when it lies above 0; one-off / saving falls as the saving grows, so the bounds swap.
    """
    s, h = saving.mean, saving.ci95
    if s is None or h is None:
        raise BusinessCaseError("the weekly saving has no confidence interval")
    if s - h > 0:
        return Payback("payback", one_off / s, one_off / (s + h), one_off / (s - h))
    if s + h < 0:
        return Payback("costs_more")
    return Payback("no_payback_shown")


@dataclass
class BusinessCase:
    """A what-if against the base, in money: weekly costs, the saving, the payback, the trace."""

    base: RunResult
    whatif: RunResult
    files: list[str]
    one_off: float
    seed: int
    replications: int
    notes: list[str] = field(default_factory=list)
    roster_unchanged: bool = False
    """Fewer handled minutes at about the same paid hours (:func:`roster_unchanged`)."""

    @property
    def currency(self) -> str:
        """The currency label of the prices (the same in both files)."""
        costs = self.base.scenario.costs
        assert costs is not None
        return costs.currency

    def weekly(self, result: RunResult, key: str) -> np.ndarray:
        """KPI ``key`` of ``result`` per replication, scaled from its window to a week."""
        return _column(result, key) * week_factor(result.scenario)

    def saving(self, key: str = "cost_total") -> Summary:
        """Base minus what-if per week, paired over replications: positive is a saving."""
        d = paired_difference(self.weekly(self.whatif, key), self.weekly(self.base, key))
        return Summary(d.mean, d.ci95)

    def cost_per_week(self, result: RunResult) -> Summary:
        """Mean weekly ``cost_total`` of one scenario and its CI half-width."""
        return summarise(self.weekly(result, "cost_total"))

    @property
    def payback(self) -> Payback:
        """The payback of the one-off cost from the weekly saving of ``cost_total``."""
        return payback(self.one_off, self.saving())

    def parts(self) -> list[Part]:
        """The saving split by spec D2's parts, each with its price lines and count."""
        b, w = self.base.scenario, self.whatif.scenario
        bc, wc = b.costs, w.costs
        assert bc is not None
        assert wc is not None
        agents = [PriceLine("costs.agent_hour", bc.agent_hour, wc.agent_hour)]
        agents += _group_prices(b, w)
        if bc.overtime_premium or wc.overtime_premium:
            agents.append(
                PriceLine("costs.overtime_premium", bc.overtime_premium, wc.overtime_premium)
            )
        spec = (
            ("cost_agents", "agent_hours", agents, None),
            (
                "cost_handling",
                "handled_minutes",
                [PriceLine("costs.contact_minute", bc.contact_minute, wc.contact_minute)],
                "contact_minute",
            ),
            (
                "cost_third_party",
                "third_party_jobs",
                [PriceLine("costs.third_party_job", bc.third_party_job, wc.third_party_job)],
                "third_party_job",
            ),
        )
        parts = []
        for key, count, prices, price in spec:
            if price is None:  # agent hours are a KPI of their own
                counts = [self.weekly(r, count) for r in (self.base, self.whatif)]
            else:
                counts = [
                    _per_unit(r, key, getattr(r.scenario.costs, price)) * week_factor(r.scenario)
                    for r in (self.base, self.whatif)
                ]
            parts.append(
                Part(
                    key=key,
                    count=count,
                    base=self.cost_per_week_of(self.base, key),
                    whatif=self.cost_per_week_of(self.whatif, key),
                    saving=self.saving(key),
                    count_change=paired_difference(counts[0], counts[1]),
                    prices=tuple(prices),
                )
            )
        return parts

    def cost_per_week_of(self, result: RunResult, key: str) -> Summary:
        """Mean weekly amount ``key`` of one scenario and its CI half-width."""
        return summarise(self.weekly(result, key))

    def lost_customers(self) -> dict[str, Any] | None:
        """The weekly change in customers lost and their value, apart (both need the block)."""
        b, w = self.base.scenario.costs, self.whatif.scenario.costs
        if b is None or w is None or b.lost_customer is None or w.lost_customer is None:
            return None
        bl, wl = b.lost_customer, w.lost_customer
        prices = [
            PriceLine(f"costs.lost_customer.{name}", getattr(bl, name), getattr(wl, name))
            for name in ("value", "after_gave_up", "after_missed_callback")
        ]
        return {
            "customers_saved_per_week": self.saving("lost_customers"),
            "saving_per_week": self.saving("cost_lost_customers"),
            "base_per_week": self.cost_per_week_of(self.base, "cost_lost_customers"),
            "whatif_per_week": self.cost_per_week_of(self.whatif, "cost_lost_customers"),
            "prices": prices,
        }

    @property
    def window_days(self) -> tuple[float, float]:
        """Days each scenario counts (warm-up to horizon): what the weekly figures scale."""
        return tuple(WEEK_S / week_factor(r.scenario) / 86400.0 for r in (self.base, self.whatif))

    def to_json(self) -> dict[str, Any]:
        """The whole case as plain data (``ccsim business-case --json``)."""
        lost = self.lost_customers()
        return {
            "scenarios": [self.base.scenario.name, self.whatif.scenario.name],
            "files": self.files,
            "seed": self.seed,
            "replications": self.replications,
            "currency": self.currency,
            "one_off": self.one_off,
            "window_days": list(self.window_days),
            "cost_per_week": [_json(self.cost_per_week(r)) for r in (self.base, self.whatif)],
            "saving_per_week": _json(self.saving()),
            "payback": self.payback.to_json(),
            "parts": [p.to_json() for p in self.parts()],
            "lost_customers": None
            if lost is None
            else {
                **{k: _json(v) for k, v in lost.items() if k != "prices"},
                "prices": [p.to_json() for p in lost["prices"]],
            },
            "notes": [*self.notes, *([ROSTER_NOTE] if self.roster_unchanged else [])],
        }


def _group_prices(base: Scenario, whatif: Scenario) -> list[PriceLine]:
    """``agents.groups[name].agent_hour`` lines of groups with their own price in either file."""
    bc, wc = base.costs, whatif.costs
    assert bc is not None
    assert wc is not None

    def prices(sc: Scenario) -> dict[str, float]:
        groups = sc.agents.groups or ()
        return {g.name: g.agent_hour for g in groups if g.agent_hour is not None}

    b, w = prices(base), prices(whatif)
    return [
        PriceLine(
            f"agents.groups[{name}].agent_hour",
            b.get(name, bc.agent_hour),
            w.get(name, wc.agent_hour),
        )
        for name in dict.fromkeys([*b, *w])
    ]


def check(base: Scenario, whatif: Scenario, files: Sequence[str], one_off: float) -> Costs:
    """Refuse what cannot make a business case, before anything runs."""
    if not (math.isfinite(one_off) and one_off > 0):
        raise BusinessCaseError(f"--one-off: must be an amount > 0 (got {one_off})")
    for sc, file in zip((base, whatif), files, strict=True):
        if sc.costs is None:
            raise BusinessCaseError(
                f"{file}: costs: missing; a business case needs prices in both files "
                "(costs: {agent_hour: ..., contact_minute: ..., third_party_job: ...})"
            )
    assert base.costs is not None
    assert whatif.costs is not None
    if base.costs.currency != whatif.costs.currency:
        raise BusinessCaseError(
            f"{files[1]}: costs.currency: {whatif.costs.currency!r} differs from "
            f"{base.costs.currency!r} in {files[0]}; nothing is converted, use one currency"
        )
    return base.costs


def business_case(
    base: Scenario,
    whatif: Scenario,
    one_off: float,
    files: Sequence[str] | None = None,
    *,
    replications: int | None = None,
    seed: int | None = None,
    workers: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> BusinessCase:
    """Run ``base`` and ``whatif`` with common random numbers and make the case (see the top).

    Seed and replications default to the base's; at least two replications, for the CI.
    """
    names = list(files) if files is not None else [base.name, whatif.name]
    check(base, whatif, names, one_off)
    n = base.replications if replications is None else replications
    if n < 2:
        raise BusinessCaseError(
            f"replications: {n}; a business case needs at least 2 for the CI of the saving"
        )
    s = base.seed if seed is None else seed
    results = run_paired(
        [base, whatif],
        replications=n,
        seed=s,
        workers=workers,
        progress=progress,
        keep_contacts=False,
    )
    case = BusinessCase(
        base=results[0],
        whatif=results[1],
        files=names,
        one_off=float(one_off),
        seed=s,
        replications=n,
        notes=structure_notes([base, whatif], s),
    )
    case.roster_unchanged = roster_unchanged(case)
    return case


ROSTER_NOTE = (
    "The what-if handles fewer minutes but pays about the same agent hours: both files are "
    "paid as rostered, so fewer contacts save agent cost only once the what-if's roster is cut "
    "to match (e.g. with ccsim staff or ccsim schedule on the what-if)."
)


def roster_unchanged(case: BusinessCase) -> bool:
    """Handled minutes fell (CI below 0), the paid agent hours by less than a quarter as much.

    Relative falls, what-if against base, of the counts (not of the amounts: a cheaper price is
    no fall); without a price per minute the minutes are not counted and nothing is said.
    """
    agents, handling = case.parts()[:2]
    hours, minutes = agents.count_change, handling.count_change
    costs = case.base.scenario.costs
    assert costs is not None
    if minutes.mean is None or hours.mean is None or not costs.contact_minute:
        return False
    if minutes.mean + (minutes.ci95 or 0.0) >= 0 or handling.base.mean is None:
        return False
    minutes_fell = -minutes.mean / (handling.base.mean / costs.contact_minute)
    base_hours = summarise(case.weekly(case.base, "agent_hours")).mean
    hours_fell = -hours.mean / base_hours if base_hours else 0.0
    return hours_fell < minutes_fell / 4
