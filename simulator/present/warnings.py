"""The horizon trap: repeats, redials and callbacks that fall due after the end of a run.

Spec A3 does not simulate what falls due after the horizon (the issue stays open). With a short
horizon and a long delay, say one simulated day and customers who call back a day later, most
repeats fall outside the run, and contact volume, repeat rate, contacts per issue and the load
come out too low: FCR's effect looks smaller than it is. The engine counts what it did not
schedule (the ``*_after_horizon`` KPIs); this module decides when that biases the KPIs enough to
warn, and says so in the language of the report.

The rule: warn when ``due_after_horizon_share`` (mean over replications) is above 5%. The share
is ``due / (contacts + due)``: of the contacts the customers would have made from warm-up on,
the part the run missed. Contacts, repeat rate and load are understated by at least that share,
contacts per issue by about as much (a cut-off repeat would have led to further repeats: up to
``contacts_per_issue`` times as many contacts at most). 5% is the usual tolerance of a daily
contact-volume forecast in workforce planning: an artefact of the run larger than the error a
planner already accepts from the forecast is worth a warning, a smaller one is shown as a KPI.

``shrinkage_warning`` is ``ccsim validate``'s: shrinkage both stated and simulated (spec D11).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from simulator.present.labels import DEFAULT_LANG, format_kpi, number, t

if TYPE_CHECKING:
    import pandas as pd

    from simulator.scenario.models import Scenario

TRAP_SHARE = 0.05
"""Warn when more than this share of the contacts fell due after the horizon."""
SHARE_KEY = "due_after_horizon_share"
_COUNTS = (
    "repeats_after_horizon",
    "redials_after_horizon",
    "retries_after_horizon",
    "callbacks_after_horizon",
)


def is_trapped(kpis: Mapping[str, float | None]) -> bool:
    """Whether these mean KPIs are biased by what fell due after the horizon."""
    share = kpis.get(SHARE_KEY)
    return share is not None and share > TRAP_SHARE


def horizon_warning(kpis: Mapping[str, float | None], lang: str = DEFAULT_LANG) -> str | None:
    """The warning for a run's mean KPIs, or ``None`` when the horizon does not bias them."""
    if not is_trapped(kpis):
        return None
    counts = {
        k.removesuffix("_after_horizon"): number(kpis.get(k) or 0.0, 0, lang) for k in _COUNTS
    }
    return t(
        "horizon.warning",
        lang,
        share=format_kpi(SHARE_KEY, kpis[SHARE_KEY], lang),
        limit=format_kpi(SHARE_KEY, TRAP_SHARE, lang),
        **counts,
    )


def sweep_warning(results: pd.DataFrame, lang: str = DEFAULT_LANG) -> str | None:
    """The warning for a sweep's results (one row per point and replication).

    It names the points whose mean share is above the limit; ``None`` when none is.
    """
    if results.empty or SHARE_KEY not in results.columns:
        return None
    means = results.groupby("point", sort=False)[SHARE_KEY].mean()
    trapped = means[means > TRAP_SHARE]
    if trapped.empty:
        return None
    return t(
        "horizon.sweep_warning",
        lang,
        n=len(trapped),
        points=", ".join(trapped.index.astype(str)),
        share=format_kpi(SHARE_KEY, float(trapped.max()), lang),
        limit=format_kpi(SHARE_KEY, TRAP_SHARE, lang),
    )


def shrinkage_warning(scenario: Scenario) -> str | None:
    """``ccsim validate``: shrinkage stated and also simulated (spec D11), or None.

    With breaks, absence or off-phone time in the simulation, FTE comes from the simulated paid
    hours and no longer divides by (1 - ``agents.shrinkage``): a stated ``shrinkage`` would count
    the same time twice in a planner's head, and ccsim ignores it for FTE. Only a stated one
    warns; the default is not the user's choice.
    """
    agents = scenario.agents
    if "shrinkage" not in agents.model_fields_set or not agents.simulates_shrinkage:
        return None
    return (
        f"agents.shrinkage ({agents.shrinkage:g}) is set while breaks, absence or off-phone time "
        "are simulated; FTE then uses the simulated shrinkage and not agents.shrinkage (it would "
        "count the same time twice): remove it, or set it to 0"
    )
