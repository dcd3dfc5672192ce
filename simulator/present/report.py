"""``ccsim report``: one self-contained HTML file per run folder, in English or Dutch.

Consultants mail the file or open it on a laptop without internet in a client's meeting room, so
everything is inside it: CSS inline, pictures as base64 PNG data URIs, no script and no external
URL. A picture whose data the run lacks is replaced by a sentence saying what is missing.
"""

from __future__ import annotations

import base64
import os
import re
import tempfile
from collections.abc import Iterable, Mapping
from datetime import datetime
from html import escape
from pathlib import Path
from typing import Any

from simulator import __version__
from simulator.errors import CcsimError
from simulator.present.figures import png_bytes, run_figures
from simulator.present.labels import (
    DEFAULT_LANG,
    check_lang,
    format_ci,
    format_kpi,
    format_share,
    kpi_label,
    number,
    t,
)
from simulator.present.warnings import horizon_warning
from simulator.results.kpis import worth_showing
from simulator.results.rundir import RunData, RunDirError, load_run
from simulator.studies.assess import (
    Assessment,
    assess,
    blocker_lines,
    gate_rows,
    notes,
    phase_name,
)
from simulator.studies.pareto import report_section as pareto_section

REPORT_FILE = "report.html"

KPI_GROUPS: dict[str, tuple[str, ...]] = {
    "accessibility": (
        "offered",
        "contacts",
        "answered",
        "abandoned",
        "abandon_rate",
        "asa_s",
        "service_level",
        "wait_p90_s",
        "redials",
        "in_system_at_end",
        "refused",
    ),
    "efficiency": ("aht_s", "occupancy", "agent_hours", "mean_queue_length"),
    "journeys": (
        "issues",
        "fcr",
        "repeat_rate",
        "contacts_per_issue",
        "resolved",
        "gave_up",
        "deflected",
        "open_at_end",
        "resolved_share",
        "gave_up_share",
        "deflected_share",
        "time_to_resolution_h",
        "time_to_resolution_p90_h",
        "proactive_calls",
        "prevented",
    ),
    "channels": (
        "chat_offered",
        "chat_answered",
        "chat_abandoned",
        "chat_in_system_at_end",
        "chat_abandon_rate",
        "chat_asa_s",
        "chat_service_level",
        "email_received",
        "email_answered",
        "email_backlog_end",
        "email_service_level",
        "email_throughput_h",
    ),
    "agents": (
        "overtime_h",
        "occupancy_above_85_share",
        "occupancy_above_90_share",
        "longest_busy_stretch_h",
    ),
    "third_parties": (
        "callbacks_promised",
        "callbacks_on_time",
        "callbacks_late",
        "callbacks_missed",
        "missed_callback_contacts",
        "missed_callback_share",
        "transfers",
        "consult_hold_h",
    ),
    "voice": ("csat", "ces", "nps"),
}

CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;
  margin:0 auto;max-width:1200px;padding:24px 32px;color:#1d1d1f;line-height:1.45;font-size:17px}
h1{font-size:30px;margin:0 0 4px}h2{font-size:24px;margin:36px 0 12px;
  border-bottom:2px solid #0072B2;padding-bottom:4px}
.muted{color:#666;font-size:14px}
table{border-collapse:collapse;margin:8px 0 16px;width:100%}
th,td{padding:6px 10px;border-bottom:1px solid #ddd;text-align:left;vertical-align:top}
th{background:#f2f5f8}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
tr.group th{background:#e4edf5;font-size:15px}
dl.scenario{display:grid;grid-template-columns:max-content 1fr;gap:4px 18px}
dl.scenario dt{font-weight:600}dl.scenario dd{margin:0}
figure{margin:18px 0 28px}figure img{width:100%;height:auto;border:1px solid #e5e5e5}
figcaption{font-size:15px;color:#444;margin-top:4px}
.note{background:#fff8e1;border-left:4px solid #E69F00;padding:8px 12px;margin:8px 0}
.phase{font-size:22px;font-weight:600;background:#e8f4ec;border-left:6px solid #009E73;
  padding:12px 16px;margin:12px 0}
.passed{color:#00754f;font-weight:600}.failed{color:#b34700;font-weight:600}
.not_measured{color:#666;font-style:italic}
code{font-size:14px;background:#f4f4f4;padding:1px 4px;border-radius:3px}
footer{margin-top:40px;color:#666;font-size:14px}
.wide{overflow-x:auto}table.kpis td:first-child{min-width:240px}table.points{font-size:15px}
"""


class ReportError(CcsimError):
    """The report cannot be written as asked (bad option or output path)."""


def _e(value: object) -> str:
    return escape(str(value), quote=True)


def _png_data_uri(data: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(data).decode("ascii")


def _dist_text(dist: Any) -> str:
    """``exponential (mean_s: 300)``: the distribution as the scenario file states it."""
    if not isinstance(dist, Mapping):
        return str(dist)
    params = ", ".join(
        f"{k}: {v:g}" if isinstance(v, float) else f"{k}: {v}"
        for k, v in dist.items()
        if k != "dist"
    )
    return f"{dist.get('dist', '?')} ({params})" if params else str(dist.get("dist", "?"))


def _range_text(values: Iterable[Any], lang: str) -> tuple[str, str]:
    nums = [float(v) for v in values if isinstance(v, int | float)]
    if not nums:
        return "?", "?"
    return number(min(nums), 0, lang), number(max(nums), 0, lang)


def scenario_rows(run: RunData, lang: str) -> list[tuple[str, str]]:
    """``(label, value)`` pairs describing the scenario as run (from scenario.yaml and meta)."""
    sc = run.scenario
    rows: list[tuple[str, str]] = []
    if sc.get("description"):
        rows.append((t("report.description", lang), str(sc["description"])))
    horizon = sc.get("horizon") or {}
    if horizon:
        rows.append(
            (
                t("report.horizon", lang),
                t(
                    "report.horizon.value",
                    lang,
                    days=horizon.get("days", 1),
                    warmup=number(float(horizon.get("warmup_minutes") or 0), 0, lang),
                    interval=horizon.get("interval_minutes", 30),
                ),
            )
        )
    arrivals = sc.get("arrivals") or {}
    per_hour, per_day = arrivals.get("per_hour"), arrivals.get("per_day")
    if isinstance(per_hour, list):
        low, high = _range_text(per_hour, lang)
        text = t("report.arrivals.per_hour_profile", lang, low=low, high=high)
    elif per_hour is not None:
        text = t("report.arrivals.per_hour", lang, rate=number(float(per_hour), 0, lang))
    elif per_day is not None:
        text = t("report.arrivals.per_day", lang, rate=number(float(per_day), 0, lang))
    else:
        text = ""
    if text:
        rows.append((t("report.arrivals", lang), text))
    agents = sc.get("agents") or {}
    text = _staffing_text(agents, lang)
    if text:
        rows.append((t("report.agents", lang), text))
    for group in agents.get("groups") or []:
        if isinstance(group, Mapping):
            rows.append(_group_row(group, lang))
    hours = _opening_hours_text(sc, lang)
    if hours:
        rows.append((t("report.opening_hours", lang), hours))
    answer_within_s, target = run.phone_service_level
    rows.append(
        (
            t("report.service_level", lang),
            t(
                "report.service_level.value",
                lang,
                target=format_share(target, lang),
                seconds=f"{answer_within_s:g}",
            ),
        )
    )
    phone = (sc.get("channels") or {}).get("phone") or {}
    if sc:
        patience = phone.get("patience")
        text = _dist_text(patience) if patience else t("report.patience.none", lang)
        rows.append((t("report.patience", lang), text))
        redial = phone.get("redial")
        if isinstance(redial, Mapping):
            value = t(
                "report.redial.value",
                lang,
                share=_share_or_blank(redial.get("probability"), lang),
                delay=_dist_text(redial.get("delay", "")),
            )
            rows.append((t("report.redial", lang), value))
    seed = run.meta.get("seed", sc.get("seed", "?"))
    n = run.replications if run.replications is not None else "?"
    rows.append((t("report.seed", lang), t("report.seed.value", lang, seed=seed, n=n)))
    return rows


def _days_text(days: Any, lang: str) -> str:
    """``mon-fri`` of a scenario file in the report's words (``Mon-Fri``, ``ma-vr``)."""
    names = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    return re.sub(
        r"[a-z]{3}",
        lambda m: t(f"weekday.{names.index(m[0])}", lang) if m[0] in names else m[0],
        str(days),
    )


def _hours_text(hours: Any, lang: str) -> str:
    """``Mon-Fri 08:00-20:00, Sat 09:00-17:00`` from an hours mapping of the scenario."""
    if not isinstance(hours, Mapping):
        return str(hours)
    return ", ".join(f"{_days_text(k, lang)} {v}" for k, v in hours.items())


def _staffing_text(staffing: Mapping[str, Any], lang: str) -> str:
    """Who is on duty in one pool or group: headcount, per-interval roster, table or shifts."""
    if staffing.get("headcount") is not None:
        return t("report.agents.headcount", lang, n=staffing["headcount"])
    if isinstance(staffing.get("per_interval"), list):
        low, high = _range_text(staffing["per_interval"], lang)
        return t("report.agents.per_interval", lang, low=low, high=high)
    if staffing.get("table"):
        return t("report.agents.table", lang, file=staffing["table"])
    shifts = [s for s in staffing.get("shifts") or [] if isinstance(s, Mapping)]
    if shifts:
        text = "; ".join(
            t(
                "report.agents.shift",
                lang,
                days=_days_text(s.get("days", "mon-sun"), lang),
                start=s.get("start", "?"),
                end=s.get("end", "?"),
                n=s.get("agents", "?"),
            )
            for s in shifts
        )
        return t("report.agents.shifts", lang, shifts=text)
    return ""


def _group_row(group: Mapping[str, Any], lang: str) -> tuple[str, str]:
    """One agent group: its staffing, the reasons (skills) and the channels it takes."""
    skills = group.get("skills")
    channels = group.get("channels") or ["phone"]
    value = t(
        "report.agents.group.value",
        lang,
        staffing=_staffing_text(group, lang),
        skills=", ".join(map(str, skills)) if skills else t("report.agents.all_reasons", lang),
        channels=", ".join(map(str, channels)),
    )
    return t("report.agents.group", lang, name=group.get("name", "?")), value


def _opening_hours_text(sc: Mapping[str, Any], lang: str) -> str:
    """The phone line's hours (24 h when none are given), channels with hours of their own,
    and the holidays, so a reader sees why volume and staffing drop to zero at night."""
    if not sc:
        return ""
    calendar = sc.get("calendar") or {}
    channels = sc.get("channels") or {}
    main = (channels.get("phone") or {}).get("opening_hours") or calendar.get("opening_hours")
    parts = [_hours_text(main, lang) if main else t("report.opening_hours.always", lang)]
    for name, channel in channels.items():
        own = channel.get("opening_hours") if isinstance(channel, Mapping) else None
        if name != "phone" and own:
            parts.append(
                t("report.opening_hours.channel", lang, channel=name, hours=_hours_text(own, lang))
            )
    holidays = calendar.get("holidays") or []
    if holidays:
        dates = ", ".join(str(d) for d in holidays)
        parts.append(t("report.holidays", lang, dates=dates))
    return "; ".join(parts)


def _share_or_blank(value: Any, lang: str) -> str:
    return format_share(value, lang) if isinstance(value, int | float) else ""


def _table(head: list[str], rows: list[list[tuple[str, bool]]]) -> str:
    """A plain table; each cell is ``(text, numeric)``."""
    out = ["<tr>" + "".join(f"<th>{_e(h)}</th>" for h in head) + "</tr>"]
    for row in rows:
        cells = "".join(
            f"<td class='num'>{_e(v)}</td>" if num else f"<td>{_e(v)}</td>" for v, num in row
        )
        out.append(f"<tr>{cells}</tr>")
    return "<div class='wide'><table>" + "".join(out) + "</table></div>"


def _reasons_table(run: RunData, lang: str) -> str:
    """Contact reasons with the levers the model has for them (FCR, repeats, third party,
    self-service); columns no reason uses are left out."""
    reasons = [r for r in run.scenario.get("reasons") or [] if isinstance(r, Mapping)]
    if not reasons:
        return ""

    def repeat(r: Mapping[str, Any]) -> str:
        rep = r.get("repeat")
        if not isinstance(rep, Mapping) or r.get("fcr", 1.0) == 1.0:
            return ""
        return _share_or_blank(rep.get("probability"), lang)

    def third(r: Mapping[str, Any]) -> str:
        tp = r.get("third_party")
        if not isinstance(tp, Mapping):
            return ""
        return f"{tp.get('party', '?')} ({_share_or_blank(tp.get('probability'), lang)})"

    def self_service(r: Mapping[str, Any]) -> str:
        ss = r.get("self_service")
        if not isinstance(ss, Mapping):
            return ""
        offered = _share_or_blank(ss.get("offered"), lang)
        return t(
            "report.reason.self_service.value",
            lang,
            offered=offered,
            success=_share_or_blank(ss.get("success"), lang),
        )

    columns = [
        ("report.reasons", lambda r: str(r.get("name", "")), False),
        ("report.reason.share", lambda r: _share_or_blank(r.get("share"), lang), True),
        ("report.reason.handle_time", lambda r: _dist_text(r.get("handle_time", "")), False),
        ("report.reason.fcr", lambda r: _share_or_blank(r.get("fcr"), lang), True),
        ("report.reason.repeat", repeat, True),
        ("report.reason.third_party", third, False),
        ("report.reason.self_service", self_service, False),
    ]
    cells = [[(fn(r), num) for _, fn, num in columns] for r in reasons]
    keep = [i for i in range(len(columns)) if i < 3 or any(row[i][0] for row in cells)]
    head = [t(columns[i][0], lang) for i in keep]
    return _table(head, [[row[i] for i in keep] for row in cells])


def _third_parties_table(run: RunData, lang: str) -> str:
    """Third parties: who does the work behind the contact center, and how reliably."""
    parties = [p for p in run.scenario.get("third_parties") or [] if isinstance(p, Mapping)]
    if not parties:
        return ""
    head = [
        t(f"report.third_party.{c}", lang)
        for c in ("name", "staff", "hours", "callback_within", "on_time", "resolves")
    ]
    rows = []
    for p in parties:
        hours = p.get("hours")
        hours_text = _hours_text(hours, lang) if isinstance(hours, Mapping) else ""
        within = p.get("callback_within_h")
        rows.append(
            [
                (str(p.get("name", "")), False),
                (str(p.get("staff", "")), True),
                (hours_text, False),
                ("" if within is None else f"{number(float(within), 0, lang)} h", True),
                (_share_or_blank(p.get("on_time_probability"), lang), True),
                (_share_or_blank(p.get("resolves"), lang), True),
            ]
        )
    return _table(head, rows)


def _kpi_table(run: RunData, lang: str) -> str:
    kpis, ci95 = run.kpis, run.ci95
    shown = [k for k in kpis if worth_showing(k, kpis.get(k), ci95.get(k))]
    grouped: dict[str, list[str]] = {
        g: [k for k in keys if k in shown] for g, keys in KPI_GROUPS.items()
    }
    known = {k for keys in KPI_GROUPS.values() for k in keys}
    grouped["other"] = [k for k in shown if k not in known]
    cols = (
        t("report.col.kpi", lang),
        t("report.col.mean", lang),
        t("report.col.ci", lang),
        t("report.col.key", lang),
    )
    rows = ["<tr>" + "".join(f"<th>{_e(c)}</th>" for c in cols) + "</tr>"]
    for group, keys in grouped.items():
        if not keys:
            continue
        rows.append(f"<tr class='group'><th colspan='4'>{_e(t(f'group.{group}', lang))}</th></tr>")
        for key in keys:
            rows.append(
                "<tr>"
                f"<td>{_e(kpi_label(key, lang))}</td>"
                f"<td class='num'>{_e(format_kpi(key, kpis.get(key), lang))}</td>"
                f"<td class='num'>{_e(format_ci(key, ci95.get(key), lang))}</td>"
                f"<td><code>{_e(key)}</code></td>"
                "</tr>"
            )
    return "<table class='kpis'>" + "".join(rows) + "</table>"


def _horizon_trap_html(run: RunData, lang: str) -> str:
    """A warning box under the KPIs when the horizon cut off enough contacts to bias them."""
    warning = horizon_warning(run.kpis, lang)
    if warning is None:
        return ""
    return f"<p class='note horizon-trap' role='alert'>{_e(warning)}</p>"


def _figures_html(run: RunData, lang: str) -> str:
    parts = []
    for fig in run_figures(run, lang):
        if fig.figure is None:
            text = t("report.skipped", lang, title=fig.title, reason=fig.note)
            parts.append(f"<p class='note'>{_e(text)}</p>")
            continue
        uri = _png_data_uri(png_bytes(fig.figure))
        caption = f"<strong>{_e(fig.title)}</strong>"
        caption += "".join(f" — {_e(text)}" for text in (fig.caption, fig.note) if text)
        parts.append(
            f"<figure><img src='{uri}' alt='{_e(fig.title)}'>"
            f"<figcaption>{caption}</figcaption></figure>"
        )
    return "\n".join(parts)


def _assessment_html(a: Assessment, lang: str) -> str:
    status_class = {t(f"assess.status.{s}", lang): s for s in ("passed", "failed", "not_measured")}
    result = t("assess.result", lang, phase=a.phase, name=phase_name(a.phase, lang))
    parts = [
        f"<p class='phase'>{_e(result)}</p>",
        f"<p>{_e(t('assess.rule', lang))}</p>",
    ]
    cols = ("phase", "gate", "threshold", "value", "status")
    rows = ["<tr>" + "".join(f"<th>{_e(t(f'assess.col.{c}', lang))}</th>" for c in cols) + "</tr>"]
    previous = None
    for phase, gate, threshold, value, status in gate_rows(a, lang):
        shown = phase if phase != previous else ""
        previous = phase
        rows.append(
            "<tr>"
            f"<td>{_e(shown)}</td><td>{_e(gate)}</td><td class='num'>{_e(threshold)}</td>"
            f"<td class='num'>{_e(value)}</td>"
            f"<td class='{status_class.get(status, '')}'>{_e(status)}</td>"
            "</tr>"
        )
    parts.append("<table class='assessment'>" + "".join(rows) + "</table>")
    if a.next_phase is None:
        parts.append(f"<p>{_e(t('assess.top', lang))}</p>")
    else:
        nxt = a.next_phase
        heading = t("assess.next", lang, phase=nxt, name=phase_name(nxt, lang))
        parts.append(f"<p><strong>{_e(heading)}</strong></p>")
        parts.append(
            "<ul>" + "".join(f"<li>{_e(line)}</li>" for line in blocker_lines(a, lang)) + "</ul>"
        )
    parts += [f"<p class='note'>{_e(line)}</p>" for line in notes(a, lang)]
    return "\n".join(parts)


def render_html(run: RunData, lang: str = DEFAULT_LANG, now: datetime | None = None) -> str:
    """The complete report of ``run`` as one HTML string."""
    lang = check_lang(lang)
    now = now or datetime.now().astimezone()
    title = t("report.title", lang, name=run.name)
    n = run.replications if run.replications is not None else "?"
    scenario = "".join(f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in scenario_rows(run, lang))
    command = run.meta.get("command_line")
    if command:
        scenario += f"<dt>{_e(t('report.command', lang))}</dt><dd><code>{_e(command)}</code></dd>"
    version = run.meta.get("ccsim_version", __version__)
    generated = t(
        "report.generated", lang, version=version, when=now.strftime("%Y-%m-%d %H:%M %Z").strip()
    )
    body = [
        f"<h1>{_e(title)}</h1>",
        f"<p class='muted'>{_e(generated)}</p>",
        f"<h2>{_e(t('report.scenario', lang))}</h2>",
        f"<dl class='scenario'>{scenario}</dl>",
        _reasons_table(run, lang),
        _third_parties_table(run, lang),
        f"<h2>{_e(t('report.kpis', lang))}</h2>",
        f"<p>{_e(t('report.kpis.intro', lang, n=n))}</p>",
        _kpi_table(run, lang),
        _horizon_trap_html(run, lang),
        f"<h2>{_e(t('report.plots', lang))}</h2>",
        _figures_html(run, lang),
        f"<h2>{_e(t('assess.title', lang))}</h2>",
        _assessment_html(assess(run.kpis, run.default_only_kpis), lang),
        pareto_section(run, lang),  # root-cause Pareto: simulator/pareto.py owns this section
    ]
    return page(title, body, lang)


def page(title: str, body: list[str], lang: str) -> str:
    """A complete HTML page around ``body`` (HTML fragments), with the inline style sheet."""
    return (
        f"<!DOCTYPE html>\n<html lang='{lang}'>\n<head>\n<meta charset='utf-8'>\n"
        f"<meta name='viewport' content='width=device-width, initial-scale=1'>\n"
        f"<title>{_e(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
        + "\n".join(body)
        + f"\n<footer>{_e(t('report.footer', lang))}</footer>\n</body>\n</html>\n"
    )


def check_report_options(out_dir: Path | None, lang: str) -> None:
    """``ccsim run --report`` writes into the run folder, so it needs ``--out``; checked first."""
    if out_dir is None:
        raise ReportError("--report needs --out DIR: the report is written into that folder")
    check_lang(lang)


def is_sweep_dir(path: Path) -> bool:
    """A folder written by ``ccsim sweep`` (and not a run folder)."""
    return path.is_dir() and (path / "sweep.json").is_file() and not (path / "meta.json").exists()


def check_target(target: Path) -> None:
    """Refuse an output path that cannot take the report, before any work is done."""
    if target.is_dir():
        raise ReportError(f"{target}: is a folder; give a file name for --out, e.g. report.html")
    if not target.parent.is_dir():
        raise ReportError(f"{target.parent}: no such folder for the report")


def write_report(
    run_dir: Path | str, out: Path | str | None = None, lang: str = DEFAULT_LANG
) -> Path:
    """Write the report of a run, sweep or comparison folder (default ``run_dir/report.html``).

    The file is written to a temporary sibling and renamed, so a reader never sees half a report.
    """
    lang = check_lang(lang)
    run_dir = Path(run_dir)
    target = Path(out) if out is not None else run_dir / REPORT_FILE
    from simulator.present.compare_report import is_compare_dir, render_compare_html

    if is_compare_dir(run_dir):
        check_target(target)
        html = render_compare_html(run_dir, lang)
    elif is_sweep_dir(run_dir):
        from simulator.present.sweep_report import render_sweep_html  # loads the sweep module

        check_target(target)
        html = render_sweep_html(run_dir, lang)
    else:
        if run_dir.is_dir() and not (run_dir / "meta.json").exists():
            raise RunDirError(
                f"{run_dir}: not a run, sweep or comparison folder (no meta.json, sweep.json or "
                "compare.csv); give a folder written by `ccsim run`, `ccsim sweep` or "
                "`ccsim compare` with --out DIR"
            )
        run = load_run(run_dir)
        check_target(target)
        html = render_html(run, lang)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(html)
        os.chmod(tmp, 0o644)  # mkstemp makes it private; a report is meant to be shared
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target
