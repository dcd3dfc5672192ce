"""The terminal tables of the studies: what the study commands print after their work.

The commands are ``ccsim compare``, ``assess``, ``pareto``, ``staff``, ``sweep`` and ``train``.

Each function takes a study's result and prints (or returns) text; none computes anything a
study's ``to_json`` does not hold. Printed to a file or a pipe, a table is made wide enough that
no column is cut: the output of a command is often kept in a log or pasted in a mail.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from simulator.errors import show_value
from simulator.present.labels import (
    DEFAULT_LANG,
    format_amount,
    format_ci,
    format_kpi,
    format_kpi_change,
    is_money,
    kpi_label,
    t,
)
from simulator.present.study_text import (
    blocker_lines,
    cut_text,
    format_metric,
    gate_rows,
    metric_label,
    notes,
    pareto_rows,
    pareto_text_columns,
    phase_name,
    signed,
    training_story,
    training_text,
)
from simulator.results.kpis import worth_showing

if TYPE_CHECKING:
    from simulator.studies.assess import Assessment
    from simulator.studies.compare import Comparison
    from simulator.studies.pareto import Pareto
    from simulator.studies.staffing import StaffingResult
    from simulator.studies.sweep import SweepOutcome
    from simulator.studies.training import TrainingResult

_MAX_SWEEP_ROWS = 100
_SWEEP_LABELS = {
    "asa_s": "ASA",
    "service_level": "service level",
    "abandon_rate": "abandon rate",
    "contacts_per_issue": "contacts per issue",
    "occupancy": "occupancy",
    "cost_total": "total cost",
}


def _stdout(width: int) -> Console:
    """The console of stdout; ``width`` columns when it is a file or a pipe (no column cut)."""
    console = Console(highlight=False)
    return console if console.is_terminal else Console(highlight=False, width=width)


# -- run ------------------------------------------------------------------------------------------
def _runs_title(what: str, seed: int, n: int, lang: str) -> str:
    """``minimal — seed 7, 5 replications``: what a table's numbers come from."""
    return t("table.runs.one" if n == 1 else "table.runs.many", lang, what=what, seed=seed, n=n)


def print_run(summary: dict[str, Any], lang: str) -> None:
    """The KPI table of ``ccsim run`` on stdout, from the spec A2 object.

    KPIs of features the run does not use (0 or undefined in every replication) are left out and
    counted below. Then the per-reason and per-group tables (spec D1), amounts in the
    scenario's currency.
    """
    currency = summary.get("currency") or "EUR"
    table = Table(
        title=_runs_title(summary["scenario"], summary["seed"], summary["replications"], lang),
        title_justify="left",
    )
    table.add_column(t("report.col.kpi", lang))
    table.add_column(t("report.col.key", lang), style="dim")
    table.add_column(t("report.col.mean", lang), justify="right")
    table.add_column(t("report.col.ci", lang), justify="right")
    hidden = 0
    for key, mean in summary["kpis"].items():
        ci = summary["ci95"].get(key)
        if not worth_showing(key, mean, ci):
            hidden += 1
            continue
        table.add_row(
            kpi_label(key, lang),
            key,
            format_kpi(key, mean, lang, currency),
            format_ci(key, ci, lang),
        )
    console = Console(highlight=False)
    console.print(table)
    if hidden:
        console.print(t("table.hidden.run", lang, n=hidden), style="dim")
    for what, columns in (("reason", _REASON_COLUMNS), ("group", _GROUP_COLUMNS)):
        rows = summary.get(f"by_{what}") or {}
        if rows:
            width = 24 + 14 * len(columns) + max(len(name) for name in rows)
            _stdout(width).print(_breakdown_table(what, rows, columns, lang, currency))


# by_reason and by_group (spec D1): which key of a row is shown as which KPI
_REASON_COLUMNS = {
    "offered": "offered",
    "answered": "answered",
    "abandon_rate": "abandon_rate",
    "asa_s": "asa_s",
    "service_level": "service_level",
    "aht_s": "aht_s",
    "fcr": "fcr",
    "contacts": "contacts",
    "repeat_rate": "repeat_rate",
    "cost": "cost_total",
}
_GROUP_COLUMNS = {
    "answered": "answered",
    "asa_s": "asa_s",
    "aht_s": "aht_s",
    "fcr": "fcr",
    "agent_hours": "agent_hours",
    "occupancy": "occupancy",
    "esat": "esat",
}


def _breakdown_table(
    what: str, rows: dict[str, dict], columns: dict[str, str], lang: str, currency: str
) -> Table:
    """Per reason or per group, the means over replications (``cost`` only with costs)."""
    keys = [k for k in columns if any(k in values for values in rows.values())]
    table = Table(title=t(f"table.by_{what}", lang), title_justify="left")
    table.add_column(t(f"col.{what}", lang), no_wrap=True)
    for key in keys:
        table.add_column(t(f"col.{key}", lang), justify="right", no_wrap=True)
    for name, values in rows.items():
        cells = [format_kpi(columns[k], values.get(k), lang, currency) for k in keys]
        table.add_row(escape(name), *cells)
    return table


# -- compare --------------------------------------------------------------------------------------
def print_comparison(comparison: Comparison, lang: str = DEFAULT_LANG) -> None:
    """Per KPI each scenario's mean and its paired difference to the first.

    As in ``ccsim run``, KPIs of features no scenario uses (0 or undefined in all of them) are
    left out and counted below the table.
    """
    labels = comparison.labels
    kpis, cis, diff = comparison.kpis(), comparison.ci95(), comparison.diff()
    what = " vs ".join(labels)
    title = _runs_title(what, comparison.seed, comparison.replications, lang)
    table = Table(title=f"{title} {t('table.crn', lang)}", title_justify="left")
    table.add_column(t("report.col.kpi", lang))
    table.add_column(t("report.col.key", lang), style="dim")
    table.add_column(labels[0], justify="right")
    ci_head = t("report.col.ci", lang)
    for label in labels[1:]:
        table.add_column(label, justify="right")
        table.add_column(f"{label} − {labels[0]} ({ci_head})", justify="right", style="bold")
    hidden = 0
    money = comparison.currency  # cost KPIs (only when every scenario has costs) in its currency
    for key in comparison.keys:
        values = kpis[key]
        if not any(worth_showing(key, v, ci) for v, ci in zip(values, cis[key], strict=True)):
            hidden += 1
            continue
        row = [kpi_label(key, lang), key, format_kpi(key, values[0], lang, money)]
        for i, d in enumerate(diff[key], start=1):
            row.append(format_kpi(key, values[i], lang, money))
            ci = d["ci95"]
            ci_text = "" if d["mean"] is None or ci is None else " " + format_ci(key, ci, lang)
            row.append(format_kpi_change(key, d["mean"], lang) + ci_text)
        table.add_row(*row)
    console = _stdout(80 + 40 * len(labels))
    console.print(table)
    if hidden:
        console.print(t("table.hidden.compare", lang, n=hidden), style="dim")
    _print_compared_breakdowns(comparison, lang)
    for note in comparison.notes:
        console.print(f"note: {note}")


def _print_compared_breakdowns(comparison: Comparison, lang: str) -> None:
    """Per reason and per group (spec D1), each other scenario against the first.

    One table per other scenario and kind, shown only with more than one reason (group): a cell
    is ``baseline -> other`` over the paired difference with its 95% CI.
    """
    from simulator.present.breakdowns import change_text, shown, value_text, worth_showing

    labels, money = comparison.labels, comparison.currency
    for what, data in (("reason", comparison.by_reason()), ("group", comparison.by_group())):
        if not worth_showing(data):
            continue
        keys = shown(what, (values["kpis"] for values in data.values()))
        for i, label in enumerate(labels[1:], start=1):
            title = t(f"table.compare.by_{what}", lang, other=label, baseline=labels[0])
            table = Table(title=escape(title), title_justify="left")
            table.add_column(t(f"col.{what}", lang), no_wrap=True)
            for key in keys:
                table.add_column(t(f"col.{key}", lang), justify="right", no_wrap=True)
            for name, values in data.items():
                if all(v[0] is None and v[i] is None for v in values["kpis"].values()):
                    continue  # neither scenario has it (a group of a third scenario)
                cells = []
                for key in keys:
                    before, after = values["kpis"][key][0], values["kpis"][key][i]
                    change = change_text(key, values["diff"][key][i - 1], lang, money)
                    cells.append(
                        f"{value_text(key, before, lang, money)} → "
                        f"{value_text(key, after, lang, money)}\n{change}"
                    )
                table.add_row(escape(name), *cells)
            width = 24 + 24 * len(keys) + max(len(name) for name in data)
            _stdout(max(width, len(title) + 4)).print(table)


# -- assess ---------------------------------------------------------------------------------------
def assessment_text(a: Assessment, lang: str = DEFAULT_LANG) -> str:
    """The assessment as plain text.

    The gate table, what keeps the center from the next phase, and the caveats.
    """
    rows = gate_rows(a, lang)
    headers = tuple(
        t(f"assess.col.{c}", lang) for c in ("phase", "gate", "threshold", "value", "status")
    )
    widths = [max(len(r[i]) for r in [headers, *rows]) for i in range(5)]
    fmt = "  ".join(f"{{:<{w}}}" for w in widths)
    lines = [
        t("assess.title", lang),
        "",
        t("assess.result", lang, phase=a.phase, name=phase_name(a.phase, lang)),
        t("assess.rule", lang),
        "",
        fmt.format(*headers).rstrip(),
        fmt.format(*("-" * w for w in widths)),
    ]
    lines += [fmt.format(*r).rstrip() for r in rows]
    lines.append("")
    if a.next_phase is None:
        lines.append(t("assess.top", lang))
    else:
        nxt = a.next_phase
        lines.append(t("assess.next", lang, phase=nxt, name=phase_name(nxt, lang)))
        lines += [f"  - {line}" for line in blocker_lines(a, lang)]
    lines.append("")
    lines += notes(a, lang)
    return "\n".join(lines) + "\n"


# -- pareto ---------------------------------------------------------------------------------------
def print_pareto(pareto: Pareto, lang: str = DEFAULT_LANG) -> None:
    """The ranking with each reason's potential, then the 50/80% sentence and the notes."""
    data = pareto.to_json()
    header, rows = pareto_rows(data, lang)
    table = Table(
        title=t("pareto.title", lang) + f" — {pareto.scenario}",
        title_justify="left",
    )
    words = pareto_text_columns(header, lang)
    for i, h in enumerate(header):
        table.add_column(h, justify="left" if i in words else "right")
    for row in rows:
        table.add_row(*row)
    console = _stdout(220 + 16 * max(0, len(header) - 13))  # the money columns need room too
    console.print(table)
    console.print(cut_text(data, lang))
    for note in data["notes"]:
        console.print(f"note: {note}")


# -- staff ----------------------------------------------------------------------------------------
def _pct(value: float | None) -> str:
    if value is None or not math.isfinite(value):
        return "–"
    return f"{100 * value:.1f}%"


def print_staffing(result: StaffingResult, console: Any = None, by_interval: bool = False) -> None:
    """The staffing table on stdout, then the totals.

    One row per interval, or per day for a horizon of several days (the intervals of weeks are too
    many to read) unless ``by_interval``.
    """
    from simulator.studies.staffing import (  # scipy: ccsim staff only
        caps_text,
        interval_clock,
        metric_text,
    )

    if console is None:
        console = _stdout(120)  # rich would cut the rows at 80 columns
    tg = result.targets
    title = (
        f"{result.method} staffing ({result.demand}): service level{metric_text(tg)} "
        f"{tg.service_level:.0%} within "
        f"{tg.answer_within_s:g} s{caps_text(tg)}"
    )
    table = Table(title=title, title_justify="left")
    k = result.kpis
    multi_day = result.horizon.days > 1
    if multi_day and not by_interval:
        for name in ("day", "offered", "agent h", "peak agents", "FTE", "SL", "abandon"):
            table.add_column(name, justify="left" if name == "day" else "right", no_wrap=True)
        days = result.by_day()
        for row in days.to_dict("records"):
            table.add_row(
                f"{row['date']:%a %Y-%m-%d}",
                f"{row['offered']:,.0f}",
                f"{row['agent_hours']:,.1f}",
                f"{int(row['peak_agents'])}",
                f"{row['fte']:,.1f}",
                _pct(row["service_level"]),
                _pct(row["abandon_rate"]),
            )
        table.add_section()
        table.add_row(
            "total",
            f"{days['offered'].sum():,.0f}",
            f"{result.agent_hours:,.1f}",
            f"{int(days['peak_agents'].max())}",
            f"{result.fte:,.1f}",
            _pct(k.get("service_level")),
            _pct(k.get("abandon_rate")),
        )
    else:
        aimed = [] if tg.metric == "service_level" else [tg.metric]  # the column the target is on
        columns = ("interval", "offered/h", "agents", "agents_exact", "SL", "abandon", "occupancy")
        for name in columns[:5] + tuple(f"SL{metric_text(tg)}" for _ in aimed) + columns[5:]:
            table.add_column(name, justify="left" if name == "interval" else "right", no_wrap=True)
        for row in result.table.to_dict("records"):
            table.add_row(
                interval_clock(int(row["start_min"]), multi_day),
                f"{row['offered_per_hour']:,.1f}",
                f"{int(row['agents'])}",
                f"{row['agents_exact']:.2f}",
                _pct(row["service_level"]),
                *(_pct(row[m]) for m in aimed),
                _pct(row["abandon_rate"]),
                _pct(row["occupancy"]),
            )
        table.add_section()
        table.add_row(
            "total",
            f"{result.table['offered_per_hour'].mean():,.1f}",
            f"{result.agent_hours:,.1f} h",
            f"{result.agent_hours_exact:,.1f} h",
            _pct(k.get("service_level")),
            *(_pct(k.get(m)) for m in aimed),
            _pct(k.get("abandon_rate")),
            _pct(k.get("occupancy")),
        )
    console.print(table)
    asa = k.get("asa_s")
    console.print(
        f"FTE after {result.applied_shrinkage:.0%} shrinkage"
        + (" (simulated breaks, absence, off-phone)" if result.fte_shrinkage is not None else "")
        + f" at {result.hours_per_fte_week:g} h/week: "
        f"{result.fte:,.1f} (exact staffing: {result.fte_exact:,.1f}); overall ASA "
        + ("–" if asa is None or not math.isfinite(asa) else f"{asa:.1f} s")
    )
    if multi_day and not by_interval:
        console.print("per-interval rows: --intervals (or --json, --out)", style="dim")
        if tg.metric != "service_level":
            console.print(
                f"SL per day is spec A3's; the target applies to {tg.metric} (per interval)",
                style="dim",
            )
    hours = result.interval_hours
    parts = [
        f"{name} {result.table[key].sum() * hours:,.1f} h"
        for key, name in (("chat_agents", "chat"), ("email_agents", "e-mail"))
        if key in result.table
    ]
    if parts:
        phone = result.table["phone_agents"].sum() * hours
        console.print(f"agent hours by channel: phone {phone:,.1f} h, " + ", ".join(parts))
    if len(result.groups) > 1:
        console.print(
            "agent hours by group: "
            + ", ".join(
                f"{g} {result.table[f'group:{g}'].sum() * hours:,.1f} h" for g in result.groups
            )
        )
    if result.simulation is not None:
        s = result.simulation
        seconds = f" in {s['seconds']:,.0f} s" if "seconds" in s else ""
        console.print(
            f"simulation: {'converged' if s['converged'] else 'NOT converged'} after "
            f"{s['iterations']} runs of {s['replications']} replications{seconds} "
            f"(seed {s['seed']})" + (f": {result.reason}" if result.reason else "")
        )
    for note in result.notes:
        console.print(f"note: {note}", style="dim")


# -- sweep ----------------------------------------------------------------------------------------
def _sweep_kpi(key: str, value: Any, currency: str = "EUR") -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if is_money(key):
        return format_amount(value, "en", currency)
    if key in ("service_level", "abandon_rate", "occupancy"):
        return f"{100 * value:.1f}%"
    if key == "asa_s":
        return f"{value:.2f} s"
    return f"{value:.3f}"


def print_sweep_summary(outcome: SweepOutcome) -> None:
    """The mean per point on stdout; failed points and where the results are on stderr."""
    from simulator.studies.sweep import POINT_COLUMN, RESULTS, summary_table

    exp = outcome.experiment
    table = summary_table(outcome.out)  # the total cost follows the headline KPIs when priced
    kpis = [c for c in table.columns if c not in (POINT_COLUMN, *exp.parameters)]
    currency = exp.base.costs.currency if exp.base.costs is not None else "EUR"
    failed = {r["point"]: r for r in outcome.failed}
    view = Table(
        title=escape(f"{exp.name}: ")
        + f"{len(exp.points)} points x {exp.replications} replications, "
        f"seed {exp.seed} — mean per point",
        title_justify="left",
    )
    view.add_column(POINT_COLUMN, overflow="fold")
    for path in exp.parameters:  # long paths wrap at their dots, and nothing is cut off
        label = path.replace(".", ".\n") if len(path) > 12 else path
        view.add_column(Text(label), justify="right", overflow="fold")
    for key in kpis:
        view.add_column(_SWEEP_LABELS[key], justify="right", overflow="fold")
    rows = {row[POINT_COLUMN]: row for row in table.to_dict("records")}
    for shown, point in enumerate(exp.points):
        if shown == _MAX_SWEEP_ROWS:
            view.add_row(f"... {len(exp.points) - shown} more", *[""] * (len(view.columns) - 1))
            break
        row = rows.get(point.id)
        cells: list[str | Text] = [point.id, *(Text(show_value(v)) for v in point.values.values())]
        if row is None:
            cells += ["failed" if point.id in failed else "–"] + [""] * (len(kpis) - 1)
        else:
            cells += [_sweep_kpi(k, row.get(k), currency) for k in kpis]
        view.add_row(*cells)
    _stdout(20 + 14 * (len(exp.parameters) + len(kpis))).print(view)
    err = Console(stderr=True, highlight=False)
    if outcome.resumed:
        err.print(f"{outcome.resumed} points were already finished in {outcome.out} (resumed)")
    for record in outcome.failed:
        err.print(f"point {record['point']} failed: {record['error']}", markup=False)
    if outcome.failed:
        err.print(
            f"{len(outcome.failed)} of {len(exp.points)} points failed (details in "
            f"{outcome.out / 'failed'}); run the same command again to retry them",
            markup=False,
        )
    err.print(f"results: {outcome.out / RESULTS}", markup=False)


# -- train ----------------------------------------------------------------------------------------
def training_markdown(result: TrainingResult, lang: str = DEFAULT_LANG) -> str:
    """The table as Markdown (README): per metric, today and each what-if with its difference."""
    labels = result.training.labels(lang)
    money = result.training.currency
    lines = [
        "| " + " | ".join([training_text("metric", lang), *labels]) + " |",
        "|---|" + "---:|" * len(labels),
    ]
    for key in result.training.metrics:  # the cost rows too when the scenarios have prices
        means, diffs = result.means(key), result.diff(key)
        cells = [format_metric(key, means[0], lang, money)]
        for m, d in zip(means[1:], diffs, strict=True):
            change = signed(key, d["mean"], d["ci95"], lang, money)
            cells.append(f"{format_metric(key, m, lang, money)} ({change})")
        lines.append("| " + " | ".join([metric_label(key, lang), *cells]) + " |")
    return "\n".join(lines)


def print_training(result: TrainingResult, lang: str = DEFAULT_LANG) -> None:
    """The table of means and paired differences, then the story in sentences."""
    tr = result.training
    labels, money = tr.labels(lang), tr.currency
    table = Table(
        title=f"{training_text('title', lang)} — {tr.name}, seed {tr.seed}, {tr.replications} "
        f"replications (common random numbers)",
        title_justify="left",
    )
    table.add_column(training_text("metric", lang))
    table.add_column(labels[0], justify="right")
    for label in labels[1:]:
        table.add_column(label, justify="right")
    for key in tr.metrics:  # the cost rows too when the scenarios have prices
        means, diffs = result.means(key), result.diff(key)
        row = [metric_label(key, lang), format_metric(key, means[0], lang, money)]
        for m, d in zip(means[1:], diffs, strict=True):
            change = signed(key, d["mean"], d["ci95"], lang, money)
            row.append(f"{format_metric(key, m, lang, money)}\n{change}")
        table.add_row(*row)
    console = _stdout(60 + 30 * len(labels))
    console.print(table)
    for line in training_story(result, lang):
        console.print(f"- {line}")
