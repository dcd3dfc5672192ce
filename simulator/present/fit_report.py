"""The fit report: one self-contained HTML page showing every fit of ``ccsim fit`` against its data.

English only (like the command's messages); the style, footer and picture handling are those of
the run report (``html.render_page`` with ``templates/sections.html``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from simulator.present.fit_figures import arrivals_figure, handle_time_figure, patience_figure
from simulator.present.html import Picture, Table, picture, render_page

if TYPE_CHECKING:
    from simulator.studies.fit import FitResult

MAX_REASONS = 12
"""Reasons drawn one by one; the others are in the table only."""


@dataclass
class Section:
    """One heading of the report, with its text, pictures and tables."""

    heading: str
    text: str = ""
    pictures: list[Picture] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)


def _num(x: Any, fmt: str = ".4g") -> tuple[str, bool]:
    return ("-" if x is None else format(x, fmt), True)


def _candidates(fit: dict[str, Any], chosen: str, measure: str, label: str) -> Table:
    rows = [
        [
            (f"{kind}{' (chosen)' if kind == chosen else ''}", False),
            _num(c["mean_s"]),
            _num(c["cv"], ".3g"),
            _num(c["loglik"], ".1f"),
            _num(c["aic"], ".1f"),
            _num(c[measure], ".3f"),
        ]
        for kind, c in (fit.get("candidates") or {}).items()
    ]
    return Table(["family", "mean (s)", "cv", "log-likelihood", "AIC", label], rows)


def render_fit_html(result: FitResult, scenario_path: str) -> str:
    """The page, as a string."""
    d = result.to_json()
    a = d["arrivals"]
    sections = []
    arrivals = Section(
        "Arrivals (new issues)",
        f"{a['per_day']} new issues per day on average; day-of-week factors "
        + ", ".join(f"{k} {v:.2f}" for k, v in a["day_of_week"].items())
        + "; opening hours "
        + ", ".join(f"{k} {v}" for k, v in a["opening_hours"].items())
        + ".",
    )
    arrivals.pictures.append(
        picture(
            arrivals_figure(result),
            "New issues per date and the intraday profile",
            "Arrivals",
            "left: new issues per date, outlier dates in red (left out of the factors); right: "
            "the share of a day's new issues per interval in the records (grey) and the fitted "
            "profile.",
        )
    )
    sections.append(arrivals)
    handle = Section(
        "Handle time per reason",
        "Exponential, lognormal and gamma by maximum likelihood; the lowest AIC is chosen, the "
        "empirical distribution when even that one misfits (Kolmogorov-Smirnov distance above "
        "1.63 / sqrt(n)).",
    )
    for i, (name, r) in enumerate(d["reasons"].items()):
        ht = r["handle_time"]
        if i < MAX_REASONS:
            handle.pictures.append(
                picture(
                    handle_time_figure(result, name),
                    f"Handle time of {name}",
                    name,
                    f"share {r['share']:.3f}, {ht['n']} answered contacts; histogram of the "
                    "records and each family's fitted density.",
                )
            )
        handle.tables.append(_candidates(ht, ht["dist"], "ks", "KS distance"))
    sections.append(handle)
    p = d["patience"]
    patience = Section("Patience (censored waits)")
    if result.patience is None:
        patience.text = "No call was abandoned: the scenario has no patience (nobody abandons)."
    else:
        km = p["kaplan_meier"]
        patience.text = (
            f"{p['abandoned']} abandoned calls (their wait is their patience) and {p['censored']} "
            "answered calls (their wait is a lower bound on it). The mean of the abandoned waits, "
            f"{p['naive_abandoned_mean_s']} s, is biased low and not used. Kaplan-Meier: median "
            f"{km['median_s']} s, mean up to {km['up_to_s']} s: {km['restricted_mean_s']} s."
        )
        patience.pictures.append(
            picture(
                patience_figure(result),
                "Kaplan-Meier and fitted survival of patience",
                "Patience",
                "the share of callers still willing to wait after each wait: Kaplan-Meier from "
                "the records and each family's censored maximum-likelihood fit.",
            )
        )
        patience.tables.append(_candidates(p, p["dist"], "km_distance", "distance to KM"))
    sections.append(patience)
    journeys = []
    for name, r in d["reasons"].items():
        if r.get("fcr") is not None:
            journeys.append(
                [
                    (name, False),
                    _num(r["fcr"], ".3f"),
                    _num(r.get("fcr_se"), ".2g"),
                    _num(r["fcr_n"], "d"),
                ]
            )
    if journeys:
        sections.append(
            Section(
                "First-contact resolution",
                f"The share of first answered contacts with no repeat within {d['window_days']:g} "
                "days (the same customer).",
                tables=[Table(["reason", "fcr", "standard error", "contacts"], journeys)],
            )
        )
    facts = [
        ("Records", result.source),
        ("Contacts", f"{d['contacts']:,}"),
        ("Period", f"{a['first_date']}, {a['days']} days"),
        ("Scenario", scenario_path),
        (
            "Agents",
            f"up to {d['agents']['max']} on duty (a lower bound), in {d['agents']['table']}",
        ),
    ]
    return render_page(
        "sections.html",
        "en",
        f"Fit of {scenario_path}",
        intro="What ccsim fit estimated from the contact records, each fit drawn against its data.",
        facts=facts,
        sections=sections,
        notes_heading="Notes",
        notes=d["notes"],
    )
