"""The terminal tables of ``ccsim schedule``: the shifts, the totals, and the simulated check.

Texts in English or Dutch (``lang``); numbers in the language's notation. Nothing here computes
what :class:`~simulator.studies.schedule.ScheduleResult` does not hold.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.table import Table

from simulator.present.labels import check_lang, format_money, kpi_label, number

if TYPE_CHECKING:
    from simulator.studies.schedule import ScheduleResult, Verification

TEXTS = {
    "en": {
        "title": "Shifts of {scenario} (requirement: {method})",
        "group": "group",
        "days": "days",
        "start": "start",
        "end": "end",
        "agents": "agents",
        "breaks": "breaks",
        "paid_h": "paid hours",
        "required": "required hours on the line: {value}",
        "paid": "paid hours: {value}",
        "cost": "cost: {value}",
        "short": "short intervals: {value}",
        "shortfall": "agent hours missing: {value}",
        "worst_short": "Short intervals (most agents missing first)",
        "when": "interval",
        "need": "required",
        "covered": "covered",
        "verify": "The roster simulated ({n} replications): service level per day",
        "date": "date",
        "offered": "offered",
        "sl": "service level",
        "abandon": "abandoned",
        "short_n": "short",
        "worst": "Worst intervals (lowest service level)",
        "overall": "whole horizon: service level {sl}, abandoned {ab}, agent hours {hours}",
        "not_optimal": "the solver stopped at its time limit: the roster may not be the cheapest",
        "none": "no shifts: nothing is required",
    },
    "nl": {
        "title": "Diensten van {scenario} (behoefte: {method})",
        "group": "groep",
        "days": "dagen",
        "start": "begin",
        "end": "einde",
        "agents": "medewerkers",
        "breaks": "pauzes",
        "paid_h": "betaalde uren",
        "required": "benodigde uren aan de lijn: {value}",
        "paid": "betaalde uren: {value}",
        "cost": "kosten: {value}",
        "short": "intervallen met onderbezetting: {value}",
        "shortfall": "ontbrekende medewerkeruren: {value}",
        "worst_short": "Onderbezette intervallen (grootste tekort eerst)",
        "when": "interval",
        "need": "nodig",
        "covered": "gedekt",
        "verify": "Het rooster gesimuleerd ({n} replicaties): serviceniveau per dag",
        "date": "datum",
        "offered": "aangeboden",
        "sl": "serviceniveau",
        "abandon": "afgehaakt",
        "short_n": "tekort",
        "worst": "Slechtste intervallen (laagste serviceniveau)",
        "overall": "hele periode: serviceniveau {sl}, afgehaakt {ab}, medewerkeruren {hours}",
        "not_optimal": "de solver stopte op zijn tijdslimiet: het rooster is mogelijk niet het "
        "goedkoopste",
        "none": "geen diensten: er is niets nodig",
    },
}


_NL_DAYS = {
    "Mon": "ma",
    "Tue": "di",
    "Wed": "wo",
    "Thu": "do",
    "Fri": "vr",
    "Sat": "za",
    "Sun": "zo",
}


def _when(text: str, lang: str) -> str:
    """``Wed 2026-02-11 ...`` with the weekday in the language (``wo 2026-02-11 ...``)."""
    head, _, rest = text.partition(" ")
    return f"{_NL_DAYS.get(head, head)} {rest}" if check_lang(lang) == "nl" else text


def _t(key: str, lang: str, **values: object) -> str:
    text = TEXTS[check_lang(lang)][key]
    return text.format(**values) if values else text


def _pct(value: Any, lang: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    return number(100.0 * float(value), 1, lang) + "%"


def _console() -> Console:
    console = Console(highlight=False)
    return console if console.is_terminal else Console(highlight=False, width=120)


def schedule_tables(
    result: ScheduleResult, verification: Verification | None = None, lang: str = "en"
) -> list[Any]:
    """The renderables: shifts, totals, short intervals, and the simulated check when given."""
    out: list[Any] = []
    hours = dict(_paid_per_shift(result))
    table = Table(
        title=_t("title", lang, scenario=result.scenario, method=result.method),
        title_justify="left",
    )
    multi = len(result.groups) > 1
    columns = (["group"] if multi else []) + ["days", "start", "end", "agents", "paid_h"]
    with_breaks = any(s.breaks is not None for s in result.shifts)
    for name in columns + (["breaks"] if with_breaks else []):
        right = name in ("agents", "paid_h")
        table.add_column(_t(name, lang), justify="right" if right else "left", no_wrap=True)
    for i, s in enumerate(result.shifts):
        cells = ([s.group] if multi else []) + [
            s.days,
            s.start,
            s.end,
            str(s.agents),
            number(hours[i], 1, lang),
        ]
        if with_breaks:
            b = s.breaks
            cells.append("" if b is None else f"{b.minutes:g} min / {b.every_h:g} h")
        table.add_row(*cells)
    out.append(table if result.shifts else _t("none", lang))
    lines = [
        _t("required", lang, value=number(result.required_hours, 1, lang)),
        _t("paid", lang, value=number(result.paid_hours, 1, lang)),
    ]
    if result.cost is not None:
        lines.append(_t("cost", lang, value=format_money(result.cost, lang, result.currency)))
    lines.append(_t("short", lang, value=result.short_intervals))
    if result.short_intervals:
        lines.append(_t("shortfall", lang, value=number(result.shortfall_hours, 1, lang)))
    if not result.optimal:
        lines.append(_t("not_optimal", lang))
    out.append("\n".join(lines))
    worst = result.worst_short()
    if worst:
        short = Table(title=_t("worst_short", lang), title_justify="left")
        for name in (["group"] if multi else []) + ["when", "need", "covered"]:
            short.add_column(
                _t(name, lang), justify="left" if name in ("group", "when") else "right"
            )
        for row in worst:
            short.add_row(
                *([row["group"]] if multi else []),
                _when(row["when"], lang),
                number(row["required"], 1, lang),
                number(row["covered"], 2, lang),
            )
        out.append(short)
    if verification is not None:
        out += _verification_tables(verification, lang)
    return out


def _verification_tables(v: Verification, lang: str) -> list[Any]:
    days = Table(title=_t("verify", lang, n=v.replications), title_justify="left")
    # the service-level variant the requirement aimed at (spec D11), when not spec A3's
    aimed = [k for k in v.by_day.columns if k.startswith("service_level_")]
    for name in ("date", "offered", "sl"):
        days.add_column(_t(name, lang), justify="left" if name == "date" else "right")
    for key in aimed:
        days.add_column(kpi_label(key, lang), justify="right")
    for name in ("abandon", "short_n"):
        days.add_column(_t(name, lang), justify="right")
    for r in v.by_day.to_dict("records"):
        days.add_row(
            _when(f"{r['weekday'].title()} {r['date']}", lang),
            number(r["offered"], 0, lang),
            _pct(r["service_level"], lang),
            *(_pct(r[key], lang) for key in aimed),
            _pct(r["abandon_rate"], lang),
            str(r["short_intervals"]),
        )
    worst = Table(title=_t("worst", lang), title_justify="left")
    for name in ("when", "offered", "sl", "need", "covered"):
        worst.add_column(_t(name, lang), justify="left" if name == "when" else "right")
    for r in v.worst.to_dict("records"):
        worst.add_row(
            _when(r["when"], lang),
            number(r["offered"], 1, lang),
            _pct(r["service_level"], lang),
            number(r["required"], 1, lang),
            number(r["covered"], 2, lang),
        )
    overall = overall_text(v, lang)
    return [days, overall, worst]


def overall_text(v: Verification, lang: str) -> str:
    """The verified roster over the whole horizon: service level, abandoned, agent hours."""
    k = v.kpis
    hours = k.get("agent_hours")
    return _t(
        "overall",
        lang,
        sl=_pct(k.get("service_level"), lang),
        ab=_pct(k.get("abandon_rate"), lang),
        hours="-" if hours is None else number(hours, 1, lang),
    )


def _paid_per_shift(result: ScheduleResult):
    per_agent = result.paid_hours_per_shift()
    for i, (s, h) in enumerate(zip(result.shifts, per_agent, strict=True)):
        yield i, s.agents * h


def print_schedule(
    result: ScheduleResult, verification: Verification | None = None, lang: str = "en"
) -> None:
    """The schedule's tables on stdout."""
    console = _console()
    for part in schedule_tables(result, verification, lang):
        console.print(part)
