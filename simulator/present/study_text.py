"""The words of the studies: growth phases and gates, Pareto what-ifs, the training story.

A study decides (a gate failed, a what-if raised FCR, a lever removed contacts); this module says
it in English or Dutch. The terminal tables (``present.tables``), the figures
(``present.study_figures``) and the HTML report all take their sentences from here, so a phrase
is written once.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from simulator.present.labels import (
    DEFAULT_LANG,
    format_amount,
    format_ci,
    format_kpi,
    format_kpi_change,
    format_share,
    format_threshold,
    is_money,
    kpi_label,
    number,
    t,
)

if TYPE_CHECKING:
    from simulator.studies.assess import Assessment, Status
    from simulator.studies.pareto import WhatIf
    from simulator.studies.training import TrainingResult

# -- growth-phase assessment ----------------------------------------------------------------------
_OP_SIGNS = {">=": "≥", "<=": "≤", ">": ">", "<": "<"}


def gate_text(key: str, op: str, threshold: float, lang: str = DEFAULT_LANG) -> str:
    """``≥ 50%``: a gate's condition as a reader writes it."""
    return f"{_OP_SIGNS[op]} {format_threshold(key, threshold, lang)}"


def phase_name(phase: int, lang: str = DEFAULT_LANG) -> str:
    """The name of growth phase ``phase`` in ``lang``."""
    return t(f"phase.{phase}", lang)


def status_text(status: Status, lang: str = DEFAULT_LANG) -> str:
    """A gate's status (passed, failed, not measured) in words in ``lang``."""
    return t(f"assess.status.{status}", lang)


def blocker_lines(a: Assessment, lang: str = DEFAULT_LANG) -> list[str]:
    """Sentences naming what keeps the center from the next phase (empty at the top)."""
    nxt = a.next_phase
    if nxt is None:
        return []
    lines = []
    if a.blocked_by_phase is not None:
        lines.append(t("assess.blocker.phase", lang, required=a.blocked_by_phase))
    for g in a.blockers:
        key = "assess.blocker" if g.status == "failed" else "assess.blocker.unmeasured"
        lines.append(
            t(
                key,
                lang,
                kpi=kpi_label(g.key, lang),
                value=format_kpi(g.key, g.value, lang),
                phase=nxt,
                threshold=gate_text(g.key, g.op, g.threshold, lang),
            )
        )
    return lines


def notes(a: Assessment, lang: str = DEFAULT_LANG) -> list[str]:
    """The caveats a reader must see next to the phase: missing proxies, lower-phase gaps."""
    out = []
    if a.default_only:
        kpis = ", ".join(kpi_label(k, lang) for k in a.default_only)
        out.append(t("assess.default_only", lang, kpis=kpis))
    if a.missing_proxies:
        out.append(
            t(
                "assess.missing_proxies",
                lang,
                kpis=", ".join(kpi_label(k, lang) for k in a.missing_proxies),
            )
        )
    else:
        out.append(t("assess.proxies", lang))
    if a.lower_gaps:
        gaps = "; ".join(
            f"{t('phase.short', lang, n=p)}: {kpi_label(g.key, lang)} "
            f"{format_kpi(g.key, g.value, lang)} ({gate_text(g.key, g.op, g.threshold, lang)})"
            for p, g in a.lower_gaps
        )
        out.append(t("assess.lower_gaps", lang, gaps=gaps))
    for g in a.goals:  # beside the gates, never one of them
        out.append(
            t(
                f"assess.goal.{g.status}",
                lang,
                kpi=kpi_label(g.key, lang),
                value=format_kpi(g.key, g.value, lang),
                threshold=gate_text(g.key, g.op, g.threshold, lang),
            )
        )
    return out


def gate_rows(a: Assessment, lang: str = DEFAULT_LANG) -> list[tuple[str, str, str, str, str]]:
    """Rows ``(phase, gate, threshold, simulated value, result)`` of the assessment table."""
    rows = []
    for p in a.phases:
        label = f"{p.phase} {phase_name(p.phase, lang)}"
        if not p.gates and p.requires is None:
            rows.append((label, t("assess.always", lang), "", "", status_text("passed", lang)))
        if p.requires is not None:
            req = "passed" if p.requires_met else "failed"
            rows.append(
                (label, kpi_label(f"phase_{p.requires}", lang), "", "", status_text(req, lang))
            )
        for g in p.gates:
            rows.append(
                (
                    label,
                    kpi_label(g.key, lang),
                    gate_text(g.key, g.op, g.threshold, lang),
                    format_kpi(g.key, g.value, lang),
                    status_text(g.status, lang),
                )
            )
        for key in p.unmeasurable:
            not_measured = status_text("not_measured", lang)
            rows.append((label, kpi_label(key, lang), "", "", not_measured))
    return rows


# -- root-cause Pareto ----------------------------------------------------------------------------
PARETO_COLUMNS = (
    "rank",
    "reason",
    "new_contacts",
    "repeat_contacts",
    "missed_callback_contacts",
    "agent_hours",
    "share",
    "cumulative_share",
    "gave_up_share",
    "csat",
)


def _num(v: Any, decimals: int, lang: str) -> str:
    if v is None or (isinstance(v, float) and not math.isfinite(v)):
        return "–"
    return number(float(v), decimals, lang)


def _saving_text(saving: dict[str, float | None] | None, decimals: int, lang: str) -> str:
    if not saving or saving.get("mean") is None:
        return "–"
    ci = saving.get("ci95")
    return _num(saving["mean"], decimals, lang) + (
        "" if ci is None else f" ± {_num(ci, decimals, lang)}"
    )


def what_if_text(w: WhatIf | None, lang: str) -> str:
    """``FCR 50.0% → 75.0%; partner on time 60.0% → 100%``: what a reason's what-if changed."""
    if w is None:
        return "–"
    parts = []
    if w.fcr[0] != w.fcr[1]:
        parts.append(
            t(
                "pareto.what_if.fcr",
                lang,
                before=format_share(w.fcr[0], lang),
                after=format_share(w.fcr[1], lang),
            )
        )
    if w.on_time is not None and w.on_time[0] != w.on_time[1]:
        parts.append(
            t(
                "pareto.what_if.on_time",
                lang,
                party=w.party,
                before=format_share(w.on_time[0], lang),
            )
        )
    return "; ".join(parts) or t("pareto.what_if.none", lang)


def _what_if_json_text(w: dict[str, Any] | None, lang: str) -> str:
    if not w:
        return "–"
    from simulator.studies.pareto import WhatIf  # pandas: for pareto tables only

    on_time = w.get("on_time_probability")
    return what_if_text(
        WhatIf(
            reason="",
            fcr=tuple(w["fcr"]),
            repeat_fcr=None,
            party=w.get("third_party"),
            on_time=None if on_time is None else tuple(on_time),
        ),
        lang,
    )


def _money_saving_text(saving: dict[str, float | None] | None, lang: str, currency: str) -> str:
    if not saving or saving.get("mean") is None:
        return "–"
    return signed("cost_total", saving["mean"], saving.get("ci95"), lang, currency).lstrip("+")


def pareto_text_columns(header: list[str], lang: str) -> set[int]:
    """The columns of ``pareto_rows`` that hold words (reason, what-if): left-aligned."""
    what_if = t("pareto.col.what_if", lang)
    return {1} | ({header.index(what_if)} if what_if in header else set())


def pareto_rows(pareto_json: dict[str, Any], lang: str) -> tuple[list[str], list[list[str]]]:
    """Header and rows (formatted in ``lang``) shared by the terminal and the report.

    With prices a cost column after CSAT, and the savings in money after the others.
    """
    header = [t(f"pareto.col.{c}", lang) for c in PARETO_COLUMNS]
    money = pareto_json.get("currency") or "EUR"
    with_cost = any(r.get("cost") is not None for r in pareto_json["reasons"])
    if with_cost:
        header.append(t("pareto.col.cost", lang))
    with_potential = any("saving" in r for r in pareto_json["reasons"])
    with_money = any("cost_total" in (r.get("saving") or {}) for r in pareto_json["reasons"])
    if with_potential:
        header += [
            t(f"pareto.col.{c}", lang) for c in ("what_if", "saving_hours", "saving_contacts")
        ]
    if with_money:
        header += [t(f"pareto.col.{c}", lang) for c in ("saving_cost", "saving_hours_value")]
    rows = []
    for r in pareto_json["reasons"]:
        row = [
            str(r["rank"]),
            r["reason"],
            _num(r["new_contacts"], 0, lang),
            _num(r["repeat_contacts"], 0, lang),
            _num(r["missed_callback_contacts"], 0, lang),
            _num(r["agent_hours"], 1, lang),
            "–" if r["share"] is None else format_share(r["share"], lang),
            "–" if r["cumulative_share"] is None else format_share(r["cumulative_share"], lang),
            "–" if r["gave_up_share"] is None else format_share(r["gave_up_share"], lang),
            _num(r["csat"], 2, lang),
        ]
        if with_cost:
            row.append(format_amount(r.get("cost"), lang, money))
        saving = r.get("saving") or {}
        if with_potential:
            row += [
                _what_if_json_text(r.get("what_if"), lang),
                _saving_text(saving.get("agent_hours"), 1, lang),
                _saving_text(saving.get("contacts"), 0, lang),
            ]
        if with_money:
            row += [
                _money_saving_text(saving.get("cost_total"), lang, money),
                _money_saving_text(saving.get("agent_hours_value"), lang, money),
            ]
        rows.append(row)
    return header, rows


def cut_text(pareto_json: dict[str, Any], lang: str) -> str:
    """Which reasons make 50% and 80% of the agent hours, in one sentence."""
    text = t(
        "pareto.cut",
        lang,
        r50=", ".join(pareto_json["to_50"]) or "–",
        r80=", ".join(pareto_json["to_80"]) or "–",
    )
    if pareto_json.get("cost_ranking"):
        text += " " + t("pareto.cost_order", lang, order=", ".join(pareto_json["cost_ranking"]))
    return text


# -- training experiment --------------------------------------------------------------------------
def training_text(key: str, lang: str, **values: object) -> str:
    """A word of the training table, figure or story (``train.*`` in ``labels``)."""
    return t(f"train.{key}", lang, **values)


def metric_label(key: str, lang: str = DEFAULT_LANG) -> str:
    """Label of a training table row: the catalogue's, but agent hours are the paid ones here."""
    return training_text(key, lang) if key == "agent_hours" else kpi_label(key, lang)


def format_metric(
    key: str, value: float | None, lang: str = DEFAULT_LANG, currency: str = "EUR"
) -> str:
    """A training metric in its catalogue unit; money in whole units (``€96,120``)."""
    if is_money(key):
        return format_amount(value, lang, currency)
    return format_kpi(key, value, lang)


def signed(
    key: str, value: float | None, ci: float | None, lang: str, currency: str = "EUR"
) -> str:
    """``−1,234 ± 56`` for a paired difference; shares in points (``+2.0 pt``)."""
    if is_money(key):
        # whole units when the mean or its CI reaches 100: both in the same decimals
        whole = value is not None and (abs(value) >= 100 or (ci or 0.0) >= 100)
        decimals = 0 if whole else None
        text = format_amount(value, lang, currency, signed=True, decimals=decimals)
        if value is not None and ci is not None:
            text += " ± " + format_amount(ci, lang, currency, decimals=decimals)
        return text
    text = format_kpi_change(key, value, lang)
    if value is not None and ci is not None:
        text += " " + format_ci(key, ci, lang)
    return text


def training_story(result: TrainingResult, lang: str = DEFAULT_LANG) -> list[str]:
    """One sentence per what-if, on the finding the study made.

    More agents, fewer contacts with or without a shorter wait, or no significant change.
    """
    labels = result.training.labels(lang)
    shown = ("asa_s", "abandon_rate", "agent_hours", "repeat_contacts", "offered")
    d = {k: result.diff(k) for k in (*shown, "agent_hours_needed")}
    lines = []
    for i, (what, finding) in enumerate(zip(labels[1:], result.findings(), strict=True)):

        def s(key: str, i: int = i) -> str:
            return signed(key, d[key][i]["mean"], d[key][i]["ci95"], lang)

        lines.append(
            training_text(
                f"story.{finding}",
                lang,
                what=what,
                asa=s("asa_s"),
                ab=s("abandon_rate"),
                hours=s("agent_hours"),
                rep=s("repeat_contacts"),
                off=s("offered"),
                need=s("agent_hours_needed"),
            )
        )
    if result.training.costs:
        lines += money_story(result, lang)
    return lines


def money_story(result: TrainingResult, lang: str = DEFAULT_LANG) -> list[str]:
    """What each what-if does to the cost per week, then more agents against fewer contacts.

    The last sentence weighs the first what-if that adds agents against the one that removes
    contacts (an FCR lever first) with the largest saving at the agent hours needed; it is left
    out when either is missing or that saving is not above 0.
    """
    tr = result.training
    labels, money = tr.labels(lang), tr.currency
    rostered, needed = result.diff("cost_per_week"), result.diff("cost_needed_per_week")

    def amount(d: dict[str, float | None], sign: float = 1.0) -> str:
        mean = None if d["mean"] is None else sign * d["mean"]
        return signed("cost_per_week", mean, d["ci95"], lang, money).lstrip("+")

    lines = [
        training_text(
            "story.money",
            lang,
            what=what,
            rostered=signed("cost_per_week", r["mean"], r["ci95"], lang, money),
            needed=signed("cost_per_week", n["mean"], n["ci95"], lang, money),
        )
        for what, r, n in zip(labels[1:], rostered, needed, strict=True)
    ]
    more = [i for i, w in enumerate(tr.what_ifs) if (w.scale_agents or 1.0) > 1.0]
    others = [i for i, w in enumerate(tr.what_ifs) if (w.scale_agents or 1.0) <= 1.0]
    saving = {i: -(needed[i]["mean"] or 0.0) for i in others}
    fewer = sorted(others, key=lambda i: (not (tr.what_ifs[i].fcr_plus or 0) > 0, -saving[i]))
    if more and fewer and saving[fewer[0]] > 0:
        m, f = more[0], fewer[0]
        lines.append(
            training_text(
                "story.versus",
                lang,
                more=labels[m + 1],
                cost=amount(rostered[m]),
                fewer=labels[f + 1],
                saving=amount(rostered[f], -1.0),
                saving_needed=amount(needed[f], -1.0),
            )
        )
    return lines
