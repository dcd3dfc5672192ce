"""The schedule report: one self-contained HTML page of ``ccsim schedule --out DIR --report``.

The roster against the requirement (the picture of ``schedule_figures``, dates on its axes), the
shifts, the totals and, with ``--verify``, the roster simulated per day. English or Dutch; the
style, footer and picture handling are those of the run report (``html.render_page`` with
``templates/sections.html``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from simulator.present.html import Picture, Table, picture, render_page
from simulator.present.labels import check_lang, format_money, kpi_label, number
from simulator.present.schedule_figures import schedule_figure
from simulator.present.schedule_tables import _paid_per_shift, _pct, _t, _when, overall_text

if TYPE_CHECKING:
    from simulator.studies.schedule import ScheduleResult, Verification

REPORT_FILE = "schedule_report.html"

TEXTS = {
    "en": {
        "title": "Schedule of {scenario}",
        "intro": "The shifts ccsim schedule planned for the requirement of ccsim staff "
        "(method {method}), and how they cover it per date and interval.",
        "requirement": "Requirement",
        "figure": "Required and scheduled agents",
        "caption": "top: agents required on the line and agents the roster puts on the line "
        "per interval of the horizon; bottom: on the line minus required per date and time of "
        "day (red short, blue to spare, grey closed).",
        "shifts": "Shifts",
        "verify": "The roster simulated",
        "notes": "Notes",
    },
    "nl": {
        "title": "Rooster van {scenario}",
        "intro": "De diensten die ccsim schedule plande voor de behoefte van ccsim staff "
        "(methode {method}), en hoe ze die per datum en interval dekken.",
        "requirement": "Behoefte",
        "figure": "Benodigde en ingeroosterde agents",
        "caption": "boven: benodigde agents aan de lijn en agents die het rooster aan de lijn "
        "zet, per interval van de periode; onder: aan de lijn min benodigd per datum en "
        "tijdstip (rood tekort, blauw over, grijs gesloten).",
        "shifts": "Diensten",
        "verify": "Het rooster gesimuleerd",
        "notes": "Toelichting",
    },
}


@dataclass
class Section:
    """One heading of the report, with its text, pictures and tables."""

    heading: str
    text: str = ""
    pictures: list[Picture] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)


def _r(key: str, lang: str, **values: object) -> str:
    text = TEXTS[check_lang(lang)][key]
    return text.format(**values) if values else text


def _label(key: str, lang: str) -> str:
    """A total's label of the terminal table (``paid hours: {value}``) as a fact's label."""
    text = _t(key, lang, value="").rstrip(": ")
    return text[:1].upper() + text[1:]


def render_schedule_html(
    result: ScheduleResult, verification: Verification | None = None, lang: str = "en"
) -> str:
    """The page, as a string."""
    lang = check_lang(lang)
    facts = [
        (_r("requirement", lang), result.method),
        (_label("required", lang), number(result.required_hours, 1, lang)),
        (_label("paid", lang), number(result.paid_hours, 1, lang)),
    ]
    if result.cost is not None:
        facts.append((_label("cost", lang), format_money(result.cost, lang, result.currency)))
    facts.append((_label("short", lang), str(result.short_intervals)))
    sections = [
        Section(
            _r("figure", lang),
            pictures=[
                picture(
                    schedule_figure(result, lang),
                    _r("figure", lang),
                    _r("figure", lang),
                    _r("caption", lang),
                )
            ],
        )
    ]
    multi = len(result.groups) > 1
    head = (["group"] if multi else []) + ["days", "start", "end", "agents", "paid_h"]
    hours = dict(_paid_per_shift(result))
    rows = [
        ([(s.group, False)] if multi else [])
        + [
            (s.days, False),
            (s.start, False),
            (s.end, False),
            (str(s.agents), True),
            (number(hours[i], 1, lang), True),
        ]
        for i, s in enumerate(result.shifts)
    ]
    sections.append(Section(_r("shifts", lang), tables=[Table([_t(h, lang) for h in head], rows)]))
    if verification is not None:
        sections.append(_verification(verification, lang))
    return render_page(
        "sections.html",
        lang,
        _r("title", lang, scenario=result.scenario),
        intro=_r("intro", lang, method=result.method),
        facts=facts,
        sections=sections,
        notes_heading=_r("notes", lang),
        notes=result.notes,
    )


def _verification(v: Verification, lang: str) -> Section:
    aimed = [k for k in v.by_day.columns if k.startswith("service_level_")]
    head = [
        _t("date", lang),
        _t("offered", lang),
        _t("sl", lang),
        *(kpi_label(k, lang) for k in aimed),
        _t("abandon", lang),
        _t("short_n", lang),
    ]
    rows = [
        [
            (_when(f"{r['weekday'].title()} {r['date']}", lang), False),
            (number(r["offered"], 0, lang), True),
            (_pct(r["service_level"], lang), True),
            *((_pct(r[k], lang), True) for k in aimed),
            (_pct(r["abandon_rate"], lang), True),
            (str(r["short_intervals"]), True),
        ]
        for r in v.by_day.to_dict("records")
    ]
    overall = overall_text(v, lang)
    text = f"{_t('verify', lang, n=v.replications)}; {overall}."
    return Section(_r("verify", lang), text, tables=[Table(head, rows)])


def write_schedule_report(
    result: ScheduleResult,
    out_dir: Path,
    verification: Verification | None = None,
    lang: str = "en",
) -> Path:
    """Write ``schedule_report.html`` into ``out_dir`` and return its path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / REPORT_FILE
    path.write_text(render_schedule_html(result, verification, lang), encoding="utf-8")
    return path
