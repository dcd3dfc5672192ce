"""Fitting the CSAT proxy's weights to survey numbers (mean CSAT per outcome group).

The proxy is CSAT = clip(base + sum_k w_k x_k, 1, 10) per closed issue, with x_k what the
journey did (``simulator.results.satisfaction``). A survey gives, per group of customers, the mean
CSAT they answered; a simulated run gives, per group, the journeys of the issues in it. The fit
chooses the weights w that make the proxy's group means match the survey's, weighing each group by
its number of answers (weighted least squares), within the signs the scenario models allow
(``base`` in 1..10, every effect <= 0).

Without clipping a group's proxy mean is linear in the weights: base + sum_k w_k mean_g(x_k). The
fit solves that linear problem with bounds (``scipy.optimize.lsq_linear``); when the fitted
weights push some simulated issues past 1 or 10 it refines them on the clipped proxy itself
(``scipy.optimize.least_squares``, whose Jacobian is the group mean of x over the issues not
clipped), so fitted weights reproduce the survey as the simulation will score it.

A weight can only be fitted when the groups tell it apart from the others: its feature must vary
across the groups in a way the features of the weights already chosen do not explain. Candidates
are taken in order (``base``, then the features the groups are defined by, then the rest) and a
weight whose scaled feature column lies within ``IDENTIFIABLE`` of the span of those already
chosen, or that no simulated issue of the groups has, keeps the scenario's value; so does every
weight beyond the number of groups. ``Calibration.kept`` says which and why.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.optimize import least_squares, lsq_linear

from simulator.errors import CcsimError
from simulator.scenario.models import CsatModel
from simulator.scenario.survey import CSAT_WEIGHTS, Range, Survey, Where

IDENTIFIABLE = 0.05
"""A weight is fitted only if at least this share of its feature's (answer-weighted) variation
across the groups is not explained by the weights already chosen: below it, survey noise would be
magnified twentyfold or more into the weight."""

FEATURE = {
    "base": "a journey without trouble",
    "per_minute_wait": "minutes waited on the phone or in chat",
    "per_hour_email_wait": "hours e-mails waited",
    "per_abandoned": "abandoned attempts",
    "per_repeat_contact": "repeat and missed-callback contacts",
    "per_missed_callback": "broken callback promises",
    "failed_self_service": "failed self-service",
    "unresolved": "issues given up",
}
"""What each weight multiplies, in words (for notes)."""

PRIORITY = (
    "base",
    "per_repeat_contact",
    "unresolved",
    "per_abandoned",
    "per_missed_callback",
    "failed_self_service",
    "per_minute_wait",
    "per_hour_email_wait",
)
"""The order in which weights that no group is defined by are tried."""

_DEFINES = {
    "repeats": "per_repeat_contact",
    "abandoned": "per_abandoned",
    "callbacks_missed": "per_missed_callback",
    "wait_min": "per_minute_wait",
}


FEW_ISSUES = 30
"""Below this many simulated issues a group's feature means are too noisy to fit on quietly."""


class CalibrationError(CcsimError):
    """The survey cannot be fitted to this scenario's simulated journeys."""


@dataclass
class GroupFit:
    """One survey group against the simulation."""

    name: str
    n: int
    survey: float
    issues: int
    """Simulated closed issues in the group (0: left out of the fit)."""
    before: float
    """Mean CSAT proxy of the group with the scenario's weights."""
    after: float
    """Mean CSAT proxy of the group with the fitted weights."""
    clipped: float
    """Share of the group's issues whose fitted proxy hit 1 or 10."""
    features: dict[str, float]
    """Mean of each weight's feature over the group's issues."""

    @property
    def residual(self) -> float:
        """Fitted proxy minus survey, CSAT points."""
        return self.after - self.survey


@dataclass
class Calibration:
    """The fitted CSAT weights, how well they reproduce each group, and why some were kept."""

    weights: dict[str, float]
    """Every CSAT weight: fitted, or the scenario's value."""
    before: dict[str, float]
    """The scenario's weights."""
    fitted: list[str]
    kept: dict[str, str]
    """Weight -> why it keeps the scenario's value."""
    at_bound: list[str]
    """Fitted weights that ended on a limit of the model (an effect of 0, base 1 or 10)."""
    groups: list[GroupFit]
    replications: int
    notes: list[str] = field(default_factory=list)

    @property
    def rmse(self) -> float:
        """Answer-weighted root mean square residual over the groups fitted."""
        used = [g for g in self.groups if g.issues]
        n = np.array([g.n for g in used], dtype=float)
        r = np.array([g.residual for g in used])
        return float(np.sqrt(np.sum(n * r * r) / np.sum(n)))

    def csat_block(self, digits: int = 3) -> dict[str, float]:
        """The weights rounded for a scenario file (no ``-0.0``)."""
        return {k: round(v, digits) + 0.0 for k, v in self.weights.items()}

    def to_json(self) -> dict:
        """Plain data for ``--json``."""
        return {
            "satisfaction": {"csat": self.csat_block()},
            "weights": self.weights,
            "scenario_weights": self.before,
            "fitted": self.fitted,
            "kept": self.kept,
            "at_bound": self.at_bound,
            "replications": self.replications,
            "rmse": self.rmse,
            "groups": [
                {
                    "name": g.name,
                    "n": g.n,
                    "survey": g.survey,
                    "simulated_issues": g.issues,
                    "scenario_proxy": _finite(g.before),
                    "fitted_proxy": _finite(g.after),
                    "residual": _finite(g.residual),
                    "clipped_share": _finite(g.clipped),
                    "features": {k: _finite(v) for k, v in g.features.items()},
                }
                for g in self.groups
            ],
            "notes": self.notes,
        }


def _finite(x: float) -> float | None:
    return float(x) if np.isfinite(x) else None


def journey_features(journeys: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray]:
    """The closed, counted issues of ``journeys`` and, per issue, the feature of every weight.

    Columns of the array follow ``CSAT_WEIGHTS`` (``base``'s feature is 1); the same counts
    ``simulator.results.kpis`` feeds the proxy.
    """
    rows = journeys[(journeys["outcome"] != "open") & ~journeys["in_warmup"]]
    cols = {
        "base": np.ones(len(rows)),
        "per_minute_wait": rows["wait_s"].to_numpy(float) / 60.0,
        "per_hour_email_wait": rows["email_wait_h"].to_numpy(float),
        "per_abandoned": rows["abandoned"].to_numpy(float),
        "per_repeat_contact": (
            rows["repeat_contacts"].to_numpy(float)
            + rows["missed_callback_contacts"].to_numpy(float)
        ),
        "per_missed_callback": rows["callbacks_missed"].to_numpy(float),
        "failed_self_service": (rows["self_service"] == "failed").to_numpy(float),
        "unresolved": (rows["outcome"] == "gave_up").to_numpy(float),
    }
    return rows, np.column_stack([cols[k] for k in CSAT_WEIGHTS])


def _in_range(values: np.ndarray, cond: int | Range) -> np.ndarray:
    if isinstance(cond, Range):
        low = -np.inf if cond.min is None else cond.min
        high = np.inf if cond.max is None else cond.max
        return (values >= low) & (values <= high)
    return values == cond


def members(rows: pd.DataFrame, features: np.ndarray, where: Where) -> np.ndarray:
    """Which of the issues ``rows`` (with their ``features``) the conditions ``where`` select."""
    f = dict(zip(CSAT_WEIGHTS, features.T, strict=True))
    mask = np.ones(len(rows), dtype=bool)
    if where.outcome is not None:
        mask &= (rows["outcome"] == where.outcome).to_numpy()
    if where.reason is not None:
        names = [where.reason] if isinstance(where.reason, str) else where.reason
        mask &= rows["reason"].isin(names).to_numpy()
    if where.resolved_first_contact is not None:
        mask &= rows["resolved_first_contact"].to_numpy(bool) == where.resolved_first_contact
    if where.self_service is not None:
        mask &= (rows["self_service"] == where.self_service).to_numpy()
    for key, weight in _DEFINES.items():
        cond = getattr(where, key)
        if cond is not None:
            mask &= _in_range(f[weight], cond)
    return mask


def _defined_by(where: Where) -> list[str]:
    """The weights whose features a group's conditions single out."""
    found = [w for key, w in _DEFINES.items() if getattr(where, key) is not None]
    if where.outcome == "gave_up":
        found.append("unresolved")
    if where.self_service == "failed":
        found.append("failed_self_service")
    return found


def _proxy(features: np.ndarray, w: np.ndarray) -> np.ndarray:
    return np.clip(features @ w, 1.0, 10.0)


def fit_csat(
    journeys: pd.DataFrame, survey: Survey, current: CsatModel, replications: int = 1
) -> Calibration:
    """Fit the CSAT weights to ``survey`` over the simulated ``journeys`` (module docstring)."""
    rows, feats = journey_features(journeys)
    w0 = np.array([getattr(current, k) for k in CSAT_WEIGHTS], dtype=float)
    masks = [members(rows, feats, g.conditions) for g in survey.groups]
    counts = np.array([int(m.sum()) for m in masks])
    notes: list[str] = []
    used = np.flatnonzero(counts > 0)
    for i in np.flatnonzero(counts == 0):
        notes.append(
            f"group {survey.groups[i].name!r}: no simulated closed issue is in it, so it is "
            "left out of the fit (more replications, or a scenario where it happens)"
        )
    for i in np.flatnonzero((counts > 0) & (counts < FEW_ISSUES)):
        notes.append(
            f"group {survey.groups[i].name!r}: only {counts[i]} simulated issue"
            f"{'s' if counts[i] != 1 else ''}, so its simulated means are noisy and so is the "
            "fit; more replications would steady them"
        )
    if not len(used):
        raise CalibrationError(
            "no survey group has a simulated closed issue: nothing to fit (more replications, "
            "or groups this scenario produces)"
        )
    means = np.array([feats[masks[i]].mean(axis=0) for i in used])
    y = np.array([survey.groups[i].mean_csat for i in used])
    sw = np.sqrt(np.array([survey.groups[i].n for i in used], dtype=float))

    wanted = list(CSAT_WEIGHTS) if survey.fit is None else list(survey.fit)
    order = ["base"] + [w for i in used for w in _defined_by(survey.groups[i].conditions)]
    order = list(dict.fromkeys(order + list(PRIORITY)))
    kept: dict[str, str] = {}
    free: list[str] = []
    basis = np.zeros((len(used), 0))
    for name in order:
        if name not in wanted:
            kept[name] = "not listed in the survey's fit:"
            continue
        col = sw * means[:, CSAT_WEIGHTS.index(name)]
        norm = float(np.linalg.norm(col))
        if norm < 1e-12:
            kept[name] = f"no simulated issue of the groups has {FEATURE[name]}"
            continue
        if len(free) >= len(used):
            kept[name] = (
                f"not identifiable: {len(used)} groups fix at most {len(used)} weights "
                f"({', '.join(free)}); a group more is needed"
            )
            continue
        rest = col - basis @ (basis.T @ col)
        if np.linalg.norm(rest) < IDENTIFIABLE * norm:
            kept[name] = (
                f"not identifiable: across the groups, {FEATURE[name]} change only together "
                f"with what {', '.join(free)} already account for; add a group that differs in it"
            )
            continue
        free.append(name)
        basis = np.column_stack([basis, rest / np.linalg.norm(rest)])

    idx = [CSAT_WEIGHTS.index(k) for k in free]
    fixed = [j for j in range(len(CSAT_WEIGHTS)) if j not in idx]
    lower = np.array([1.0 if k == "base" else -np.inf for k in free])
    upper = np.array([10.0 if k == "base" else 0.0 for k in free])
    target = y - means[:, fixed] @ w0[fixed]
    w = w0.copy()
    if free:
        w[idx] = _snap(
            lsq_linear(sw[:, None] * means[:, idx], sw * target, bounds=(lower, upper)).x,
            lower,
            upper,
        )
        group_feats = [feats[masks[i]] for i in used]
        if any(np.any((f @ w < 1.0) | (f @ w > 10.0)) for f in group_feats):
            w = _refine_clipped(group_feats, y, sw, w, idx, lower, upper)
            notes.append(
                "some simulated issues score at the limit 1 or 10 of the scale: the fit is "
                "made on the clipped proxy, as the simulation scores it"
            )
    at_bound = [
        k
        for k, j in zip(free, idx, strict=True)
        if (k == "base" and w[j] in (1.0, 10.0)) or (k != "base" and w[j] >= 0.0)
    ]
    for k in at_bound:
        if k != "base":
            notes.append(
                f"{k} ended at 0, its limit: once the other effects are counted, the survey "
                f"shows no penalty for {FEATURE[k]} (the fit would prefer a positive value)"
            )
    if free and len(free) == len(used):
        notes.append(
            f"{len(free)} weights fitted to {len(used)} groups: the fit is exact, so the "
            "residuals cannot show whether the linear proxy suits the survey; more groups "
            "would test it"
        )
    groups = []
    for i, group in enumerate(survey.groups):
        f = feats[masks[i]]
        after = _proxy(f, w)
        groups.append(
            GroupFit(
                name=group.name,
                n=group.n,
                survey=group.mean_csat,
                issues=int(counts[i]),
                before=float(_proxy(f, w0).mean()) if len(f) else np.nan,
                after=float(after.mean()) if len(f) else np.nan,
                clipped=float(np.mean((f @ w <= 1.0) | (f @ w >= 10.0))) if len(f) else np.nan,
                features={
                    k: float(f[:, j].mean()) if len(f) else np.nan
                    for j, k in enumerate(CSAT_WEIGHTS)
                    if k != "base"
                },
            )
        )
    return Calibration(
        weights={k: float(v) for k, v in zip(CSAT_WEIGHTS, w, strict=True)},
        before={k: float(v) for k, v in zip(CSAT_WEIGHTS, w0, strict=True)},
        fitted=free,
        kept={k: kept[k] for k in CSAT_WEIGHTS if k in kept},
        at_bound=at_bound,
        groups=groups,
        replications=replications,
        notes=notes,
    )


def _refine_clipped(
    group_feats: list[np.ndarray],
    y: np.ndarray,
    sw: np.ndarray,
    w: np.ndarray,
    idx: list[int],
    lower: np.ndarray,
    upper: np.ndarray,
) -> np.ndarray:
    """Weighted least squares on the clipped proxy's group means, from the linear solution."""
    full = w.copy()

    def residuals(x: np.ndarray) -> np.ndarray:
        full[idx] = x
        return sw * (np.array([_proxy(f, full).mean() for f in group_feats]) - y)

    def jacobian(x: np.ndarray) -> np.ndarray:
        full[idx] = x
        rows = []
        for f in group_feats:
            s = f @ full
            inside = (s > 1.0) & (s < 10.0)
            rows.append((f[:, idx] * inside[:, None]).sum(axis=0) / len(f))
        return sw[:, None] * np.array(rows)

    x0 = np.clip(w[idx], lower + 1e-9, np.where(np.isfinite(upper), upper - 1e-9, upper))
    result = least_squares(
        residuals, x0, jac=jacobian, bounds=(lower, upper), xtol=1e-12, ftol=1e-12, gtol=1e-12
    )
    out = w.copy()
    out[idx] = _snap(result.x, lower, upper)
    return out


def _snap(x: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> np.ndarray:
    """``x`` with values within 1e-8 of a limit put on it (solvers stop a hair away)."""
    x = np.where(np.abs(x - upper) < 1e-8, upper, x)
    return np.where(np.abs(x - lower) < 1e-8, lower, x)
