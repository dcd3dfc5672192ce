"""The HTML report of one run folder (``ccsim report RUN_DIR``), in English or Dutch.

Consultants mail the file or open it on a laptop without internet in a client's meeting room, so
everything is inside it (see ``html.py``). A picture whose data the run lacks is replaced by a
sentence saying what is missing. This module turns the folder into texts and numbers in the
report's language; ``templates/run.html`` lays them out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from simulator import __version__
from simulator.present.breakdowns import run_sections
from simulator.present.figures import cost_figure, run_figures
from simulator.present.html import KpiGroup, KpiRow, Picture, Table, picture, render_page
from simulator.present.labels import (
    DEFAULT_LANG,
    check_lang,
    format_amount,
    format_ci,
    format_kpi,
    format_share,
    kpi_label,
    number,
    t,
)
from simulator.present.study_figures import pareto_figure
from simulator.present.study_text import (
    blocker_lines,
    cut_text,
    gate_rows,
    notes,
    pareto_rows,
    pareto_text_columns,
    phase_name,
)
from simulator.present.warnings import horizon_warning
from simulator.results.catalogue import grouped, keys
from simulator.results.kpis import worth_showing
from simulator.results.rundir import RunData
from simulator.studies.assess import Assessment, assess
from simulator.studies.pareto import (
    DEFAULT_TARGET_FCR,
    Pareto,
    ParetoError,
    ranking,
    saved_potential,
)


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
    """The phone line's hours, channels with hours of their own, and the holidays.

    The line's hours are 24 h when none are given; a reader sees why volume and staffing drop to
    zero at night.
    """
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


def _reasons_table(run: RunData, lang: str) -> Table | None:
    """Contact reasons with the levers the model has for them.

    The levers are FCR, repeats, third party and self-service; columns no reason uses are left out.
    """
    reasons = [r for r in run.scenario.get("reasons") or [] if isinstance(r, Mapping)]
    if not reasons:
        return None

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
    return Table(head, [[row[i] for i in keep] for row in cells])


def _third_parties_table(run: RunData, lang: str) -> Table | None:
    """Third parties: who does the work behind the contact center, and how reliably."""
    parties = [p for p in run.scenario.get("third_parties") or [] if isinstance(p, Mapping)]
    if not parties:
        return None
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
    return Table(head, rows)


def _kpi_groups(run: RunData, lang: str) -> list[KpiGroup]:
    """The KPIs worth showing, in the report's groups (unknown keys last, under "other").

    Money has a section of its own (``_costs``), so the costs group is left out here.
    """
    kpis, ci95 = run.kpis, run.ci95
    money = set(keys("costs"))
    shown = [k for k in kpis if k not in money and worth_showing(k, kpis.get(k), ci95.get(k))]
    return [
        KpiGroup(
            t(f"group.{group}", lang),
            [
                KpiRow(
                    kpi_label(key, lang),
                    [format_kpi(key, kpis.get(key), lang), format_ci(key, ci95.get(key), lang)],
                    key,
                )
                for key in keys
            ],
        )
        for group, keys in grouped(shown)
    ]


COST_PARTS = ("cost_agents", "cost_handling", "cost_third_party")
"""The parts of ``cost_total`` (spec D2), each one line of the costs block times a count."""
COST_RATIOS = ("cost_per_contact", "cost_per_resolved_issue", "cost_of_repeats")


def _costs(run: RunData, lang: str) -> dict[str, Any] | None:
    """The cost section, or None for a run without prices (the section is left out).

    The parts of the total with the price and count behind each, the ratios, any other money
    KPI (customers lost, apart from the total), the split by reason and its picture.
    """
    kpis, ci95 = run.kpis, run.ci95
    total = kpis.get("cost_total")
    if total is None:
        return None
    prices = run.scenario.get("costs") or {}
    money = str(prices.get("currency") or "EUR")

    def amount(key: str) -> str:  # whole units from 100 (mean or CI), as in the pictures
        value, ci = kpis.get(key), ci95.get(key)
        digits = 0 if value is not None and (abs(value) >= 100 or (ci or 0.0) >= 100) else 2
        text = format_amount(value, lang, money, decimals=digits)
        return text if ci is None else f"{text} ± {format_amount(ci, lang, money, decimals=digits)}"

    def share(key: str) -> str:
        value = kpis.get(key)
        return format_share(value / total, lang) if value is not None and total else ""

    basis = _cost_basis(run, prices, money, lang)

    def row(key: str, value: str, of_total: str = "") -> list[tuple[str, bool]]:
        label, traced = kpi_label(key, lang), basis.get(key, "")
        return [(label, False), (value, True), (of_total, True), (traced, False), (key, False)]

    rows = [row(k, amount(k), share(k)) for k in (*COST_PARTS, "cost_total")]
    rows += [
        row(k, amount(k), share(k) if k == "cost_of_repeats" else "")
        for k in COST_RATIOS
        if kpis.get(k) is not None
    ]
    done = {*COST_PARTS, "cost_total", *COST_RATIOS}
    rows += [  # other money KPIs of the run (customers lost: an assumption, not in the total)
        row(k, format_kpi(k, kpis.get(k), lang, money))
        for k in keys("costs")
        if k not in done and kpis.get(k) is not None
    ]
    head = [t(f"cost.col.{c}", lang) for c in ("part", "amount", "share", "basis")]
    head.append(t("report.col.key", lang))
    reasons = _reason_costs(run)
    by_reason = None
    if reasons:
        head_reasons = [t("pareto.col.reason", lang), t("cost.col.amount", lang)]
        head_reasons += [t("cost.col.share", lang), kpi_label("cost_per_contact", lang)]
        by_reason = Table(
            head_reasons,
            [
                [
                    (name, False),
                    (format_amount(cost, lang, money), True),
                    (format_share(cost / total, lang) if total else "", True),
                    (format_amount(cost / n, lang, money, decimals=2) if n else "–", True),
                ]
                for name, (cost, n) in sorted(reasons.items(), key=lambda kv: -kv[1][0])
            ],
        )
    parts = {k: kpis[k] or 0.0 for k in COST_PARTS if kpis.get(k)}
    fig = cost_figure(parts, {r: c for r, (c, _) in reasons.items()} or None, lang, money)
    return {
        "table": Table(head, rows),
        "by_reason": by_reason,
        "picture": picture(fig, t("cost.picture", lang), t("cost.picture", lang)),
    }


def _reason_costs(run: RunData) -> dict[str, tuple[float, float]]:
    """Per reason its mean cost and mean contacts over replications (``by_reason.csv``)."""
    table = run.by_reason
    if table is None or not {"reason", "cost", "contacts"} <= set(table.columns):
        return {}
    means = table.groupby(table["reason"].astype(str), sort=False)[["cost", "contacts"]].mean()
    return {str(r): (float(row.cost), float(row.contacts)) for r, row in means.iterrows()}


def _cost_basis(run: RunData, prices: Mapping[str, Any], money: str, lang: str) -> dict[str, str]:
    """Per cost KPI the price of the costs block and the count it multiplies, in words."""
    kpis = run.kpis

    def price(key: str) -> float:
        value = prices.get(key)
        return float(value) if isinstance(value, int | float) else 0.0

    def amount(value: float) -> str:
        return format_amount(value, lang, money, decimals=2)

    hours = kpis.get("agent_hours")
    agents = t(
        "cost.basis.agents",
        lang,
        price=amount(price("agent_hour")),
        hours=format_kpi("agent_hours", hours, lang),
    )
    groups = (run.scenario.get("agents") or {}).get("groups") or []
    if any(isinstance(g, Mapping) and g.get("agent_hour") is not None for g in groups):
        agents += "; " + t("cost.basis.groups", lang)
    overtime = kpis.get("overtime_h")
    if price("overtime_premium") and overtime:
        agents += " " + t(
            "cost.basis.overtime",
            lang,
            premium=format_share(price("overtime_premium"), lang),
            hours=format_kpi("overtime_h", overtime, lang),
        )
    handling, jobs = kpis.get("cost_handling"), kpis.get("cost_third_party")
    minute, job = price("contact_minute"), price("third_party_job")
    return {
        "cost_agents": agents,
        "cost_handling": t(
            "cost.basis.handling",
            lang,
            price=amount(minute),
            minutes=number(handling / minute, 0, lang) if minute and handling is not None else "–",
        ),
        "cost_third_party": t(
            "cost.basis.third_party",
            lang,
            price=amount(job),
            jobs=number(jobs / job, 0, lang) if job and jobs is not None else "–",
        ),
        "cost_total": " + ".join(kpi_label(k, lang) for k in COST_PARTS),
        "cost_per_contact": t(
            "cost.basis.per_contact", lang, n=format_kpi("contacts", kpis.get("contacts"), lang)
        ),
        "cost_per_resolved_issue": t(
            "cost.basis.per_resolved", lang, n=format_kpi("resolved", kpis.get("resolved"), lang)
        ),
        "cost_of_repeats": t("cost.basis.repeats", lang),
    }


def _figures(run: RunData, lang: str) -> list[Picture | str]:
    """The run's pictures; for one whose data the run lacks, the sentence saying why."""
    out: list[Picture | str] = []
    for fig in run_figures(run, lang):
        if fig.figure is None:
            out.append(t("report.skipped", lang, title=fig.title, reason=fig.note))
        else:
            caption = " — ".join(text for text in (fig.caption, fig.note) if text)
            out.append(picture(fig.figure, fig.title, fig.title, caption))
    return out


def _assessment(a: Assessment, lang: str) -> dict[str, Any]:
    """The growth-phase verdict, its gates (phase named once per block) and what blocks the next."""
    status_class = {t(f"assess.status.{s}", lang): s for s in ("passed", "failed", "not_measured")}
    rows = []
    previous = None
    for phase, gate, threshold, value, status in gate_rows(a, lang):
        shown = phase if phase != previous else ""
        previous = phase
        rows.append((shown, gate, threshold, value, status, status_class.get(status, "")))
    nxt = a.next_phase
    cols = ("phase", "gate", "threshold", "value", "status")
    return {
        "result": t("assess.result", lang, phase=a.phase, name=phase_name(a.phase, lang)),
        "head": [t(f"assess.col.{c}", lang) for c in cols],
        "rows": rows,
        "next_heading": None
        if nxt is None
        else t("assess.next", lang, phase=nxt, name=phase_name(nxt, lang)),
        "blockers": [] if nxt is None else blocker_lines(a, lang),
        "notes": notes(a, lang),
    }


def _pareto(run: RunData, lang: str) -> dict[str, Any]:
    """The root-cause section: the ranking from the folder and, if known, the potential.

    The potential comes from ``pareto.json`` when ``ccsim pareto`` has been run on the folder
    (re-simulating is too slow for every report).
    """
    try:
        return _pareto_found(run, lang)
    except ParetoError:
        return {"problem": t("pareto.no_journeys", lang)}
    except Exception as err:  # one bad table must not cost the whole report
        return {"problem": t("skip.failed", lang, error=f"{type(err).__name__}: {err}")}


def _pareto_found(run: RunData, lang: str) -> dict[str, Any]:
    table = ranking(run)
    saved = saved_potential(run, table)
    money = str((run.scenario.get("costs") or {}).get("currency") or "EUR")
    if saved is None:
        pareto = Pareto(str(run.path), run.name, None, run.replications or 0, 0.0, table)
        pareto.currency = money
        data = pareto.to_json()
        potential = t("pareto.potential.missing", lang)
    else:
        data = saved
        target = format_share(float(saved.get("target_fcr", DEFAULT_TARGET_FCR)), lang)
        potential = t("pareto.potential", lang, target=target, n=saved.get("replications"))
    header, rows = pareto_rows(data, lang)
    text_columns = pareto_text_columns(header, lang)  # reason and what-if; the rest are numbers
    cells = [[(v, i not in text_columns) for i, v in enumerate(row)] for row in rows]
    # the what-ifs and their savings in a table of their own, under the ranking: one table
    # of both ran off the page
    what_if = t("pareto.col.what_if", lang)
    split = header.index(what_if) if what_if in header else len(header)
    savings = None
    if split < len(header):
        savings = Table([header[1], *header[split:]], [[row[1], *row[split:]] for row in cells])
    return {
        "problem": None,
        "cut": cut_text(data, lang),
        "picture": picture(pareto_figure(table, lang, money), t("pareto.title", lang)),
        "table": Table(header[:split], [row[:split] for row in cells]),
        "savings": savings,
        "potential": potential,
    }


def render_html(run: RunData, lang: str = DEFAULT_LANG, now: datetime | None = None) -> str:
    """The complete report of ``run`` as one HTML string."""
    lang = check_lang(lang)
    now = now or datetime.now().astimezone()
    version = run.meta.get("ccsim_version", __version__)
    when = now.strftime("%Y-%m-%d %H:%M %Z").strip()
    return render_page(
        "run.html",
        lang,
        t("report.title", lang, name=run.name),
        generated=t("report.generated", lang, version=version, when=when),
        scenario=scenario_rows(run, lang),
        command=run.meta.get("command_line"),
        reasons=_reasons_table(run, lang),
        third_parties=_third_parties_table(run, lang),
        replications=run.replications if run.replications is not None else "?",
        kpi_head=[t(f"report.col.{c}", lang) for c in ("kpi", "mean", "ci", "key")],
        kpi_groups=_kpi_groups(run, lang),
        horizon_warning=horizon_warning(run.kpis, lang),
        breakdowns=run_sections(run, lang),
        costs=_costs(run, lang),
        figures=_figures(run, lang),
        assessment=_assessment(assess(run.kpis, run.default_only_kpis), lang),
        pareto=_pareto(run, lang),
    )
