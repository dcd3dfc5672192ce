"""The text of ``ccsim business-case``: weekly costs, the saving, the payback, where it comes from.

English or Dutch (``lang``), amounts in the language's notation and the scenarios' currency.
Every amount names the KPI it comes from and the lines of the ``costs`` block that price it, so a
reader can trace each euro. Nothing here computes what
:class:`~simulator.studies.business_case.BusinessCase` does not hold.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from simulator.present.labels import check_lang, format_money, number

if TYPE_CHECKING:
    from simulator.results.statistics import Summary
    from simulator.studies.business_case import BusinessCase, Part, PriceLine

TEXTS = {
    "en": {
        "title": "Business case: {whatif} against {base}",
        "how": (
            "seed {seed}, {n} replications, common random numbers; amounts per week are the "
            "simulated window ({days} days after warm-up) scaled to 7 days"
        ),
        "one_off": "One-off cost",
        "base": "Cost per week, base",
        "whatif": "Cost per week, what-if",
        "saving": "Saving per week",
        "paired": "base minus what-if, paired, 95% CI; KPI cost_total",
        "payback": "Payback",
        "weeks": "{weeks} weeks (95% CI {low} to {high} weeks)",
        "no_payback_shown": (
            "no payback shown: the 95% CI of the saving ({low} to {high} per week) includes 0"
        ),
        "costs_more": "no payback: the what-if costs more per week",
        "parts": (
            "Where the saving per week comes from (each part is prices of the costs block times "
            "a count; the parts add up to cost_total):"
        ),
        "part": "{name} (KPI {key}): {saving} {ci}; {count} {change}; {prices}",
        "cost_agents": "Agent hours",
        "cost_handling": "Handled minutes",
        "cost_third_party": "Third-party jobs",
        "agent_hours": "agent hours",
        "handled_minutes": "handled minutes",
        "third_party_jobs": "jobs",
        "unpriced": "not counted (price 0)",
        "per_week": "per week",
        "lost": (
            "Customers lost (an assumption of costs.lost_customer; not in the payback above):"
        ),
        "lost_line": (
            "value per week {base} (base), {whatif} (what-if): saving {saving} {ci} (KPI "
            "cost_lost_customers), {customers} {customers_ci} customers per week kept; {prices}"
        ),
        "notes": "Notes:",
        "roster": (
            "The what-if handles fewer minutes but pays about the same agent hours: both files "
            "are paid as rostered, so fewer contacts save agent cost only once the what-if's "
            "roster is cut to match (e.g. with ccsim staff or ccsim schedule on the what-if)."
        ),
    },
    "nl": {
        "title": "Businesscase: {whatif} tegenover {base}",
        "how": (
            "seed {seed}, {n} replicaties, gemeenschappelijke toevalsgetallen; bedragen per "
            "week zijn het gesimuleerde venster ({days} dagen na de opwarmtijd) omgerekend naar "
            "7 dagen"
        ),
        "one_off": "Eenmalige kosten",
        "base": "Kosten per week, basis",
        "whatif": "Kosten per week, wat-als",
        "saving": "Besparing per week",
        "paired": "basis min wat-als, gepaard, 95%-BI; KPI cost_total",
        "payback": "Terugverdientijd",
        "weeks": "{weeks} weken (95%-BI {low} tot {high} weken)",
        "no_payback_shown": (
            "geen terugverdientijd aangetoond: het 95%-BI van de besparing ({low} tot {high} "
            "per week) omvat 0"
        ),
        "costs_more": "niet terug te verdienen: de wat-als kost per week meer",
        "parts": (
            "Waar de besparing per week vandaan komt (elk deel is prijzen uit het kostenblok "
            "maal een aantal; de delen tellen op tot cost_total):"
        ),
        "part": "{name} (KPI {key}): {saving} {ci}; {count} {change}; {prices}",
        "cost_agents": "Agenturen",
        "cost_handling": "Afgehandelde minuten",
        "cost_third_party": "Werk van derden",
        "agent_hours": "agenturen",
        "handled_minutes": "afgehandelde minuten",
        "third_party_jobs": "opdrachten",
        "unpriced": "niet geteld (prijs 0)",
        "per_week": "per week",
        "lost": (
            "Verloren klanten (een aanname uit costs.lost_customer; niet in de "
            "terugverdientijd hierboven):"
        ),
        "lost_line": (
            "waarde per week {base} (basis), {whatif} (wat-als): besparing {saving} {ci} (KPI "
            "cost_lost_customers), {customers} {customers_ci} klanten per week behouden; "
            "{prices}"
        ),
        "notes": "Opmerkingen:",
        "roster": (
            "De wat-als handelt minder minuten af maar betaalt ongeveer dezelfde agenturen: "
            "beide bestanden betalen het rooster zoals het is, dus minder contacten besparen "
            "pas op agentkosten als het rooster van de wat-als mee omlaag gaat (bijvoorbeeld "
            "met ccsim staff of ccsim schedule op de wat-als)."
        ),
    },
}


def _t(name: str, lang: str, /, **values: object) -> str:
    text = TEXTS[check_lang(lang)][name]
    return text.format(**values) if values else text


def _money(value: float | None, lang: str, currency: str) -> str:
    return "–" if value is None else format_money(value, lang, currency)


def _ci(value: float | None, lang: str, currency: str) -> str:
    return "" if value is None else "± " + format_money(value, lang, currency)


def _signed(value: float | None, decimals: int, lang: str) -> str:
    """``+1,234.5`` / ``−8.295`` (a minus sign): a change of a count."""
    if value is None:
        return "–"
    text = number(abs(value), decimals, lang)
    if round(abs(value), decimals) == 0:  # no sign on what shows as 0 (rounding noise)
        return text
    return ("+" if value > 0 else "\u2212") + text


def _price(line: PriceLine, lang: str, currency: str) -> str:
    """``costs.agent_hour €40.00``, or ``… €40.00 → €38.00`` when the what-if changes it."""
    money = not (line.line.endswith(("overtime_premium", "after_gave_up", "after_missed_callback")))

    def show(v: float) -> str:
        return format_money(v, lang, currency) if money else number(v, 2, lang)

    if line.base == line.whatif:
        return f"{line.line} {show(line.base)}"
    return f"{line.line} {show(line.base)} \u2192 {show(line.whatif)}"


def _summary_line(label: str, s: Summary, lang: str, currency: str, extra: str = "") -> str:
    text = f"{label}: {_money(s.mean, lang, currency)} {_ci(s.ci95, lang, currency)}".rstrip()
    return f"{text} ({extra})" if extra else text


def _part(part: Part, lang: str, currency: str) -> str:
    change = part.count_change
    decimals = 1 if part.count == "agent_hours" else 0
    count_text = _t(part.count, lang)
    if change.mean is None:
        change_text = _t("unpriced", lang)
    else:
        change_text = _signed(change.mean, decimals, lang)
        change_text += " ± " + number(change.ci95 or 0.0, decimals, lang)
        change_text += " " + _t("per_week", lang)
    return _t(
        "part",
        lang,
        name=_t(part.key, lang),
        key=part.key,
        saving=_money(part.saving.mean, lang, currency),
        ci=_ci(part.saving.ci95, lang, currency),
        count=count_text,
        change=change_text,
        prices=", ".join(_price(p, lang, currency) for p in part.prices),
    )


def business_case_text(case: BusinessCase, lang: str = "en") -> str:
    """The whole case as lines of text, ending in a newline."""
    cur = case.currency
    days = case.window_days
    day_text = " / ".join(number(d, 0 if d == round(d) else 1, lang) for d in dict.fromkeys(days))
    saving = case.saving()
    pay = case.payback
    if pay.status == "payback":
        assert pay.weeks is not None
        assert pay.low is not None
        assert pay.high is not None
        pay_text = _t(
            "weeks",
            lang,
            weeks=number(pay.weeks, 1, lang),
            low=number(pay.low, 1, lang),
            high=number(pay.high, 1, lang),
        )
    elif pay.status == "costs_more":
        pay_text = _t("costs_more", lang)
    else:
        assert saving.mean is not None
        assert saving.ci95 is not None
        pay_text = _t(
            "no_payback_shown",
            lang,
            low=format_money(saving.mean - saving.ci95, lang, cur),
            high=format_money(saving.mean + saving.ci95, lang, cur),
        )
    lines = [
        _t("title", lang, base=case.base.scenario.name, whatif=case.whatif.scenario.name),
        "  " + _t("how", lang, seed=case.seed, n=case.replications, days=day_text),
        "",
        f"{_t('one_off', lang)}: {format_money(case.one_off, lang, cur)}",
        _summary_line(_t("base", lang), case.cost_per_week(case.base), lang, cur),
        _summary_line(_t("whatif", lang), case.cost_per_week(case.whatif), lang, cur),
        _summary_line(_t("saving", lang), saving, lang, cur, _t("paired", lang)),
        f"{_t('payback', lang)}: {pay_text}",
        "",
        _t("parts", lang),
        *("  " + _part(p, lang, cur) for p in case.parts()),
    ]
    lost = case.lost_customers()
    if lost is not None:
        kept = lost["customers_saved_per_week"]
        lines += [
            "",
            _t("lost", lang),
            "  "
            + _t(
                "lost_line",
                lang,
                base=_money(lost["base_per_week"].mean, lang, cur),
                whatif=_money(lost["whatif_per_week"].mean, lang, cur),
                saving=_money(lost["saving_per_week"].mean, lang, cur),
                ci=_ci(lost["saving_per_week"].ci95, lang, cur),
                customers=_signed(kept.mean, 1, lang),
                customers_ci="± " + number(kept.ci95 or 0.0, 1, lang),
                prices=", ".join(_price(p, lang, cur) for p in lost["prices"]),
            ),
        ]
    notes = [*case.notes, *([_t("roster", lang)] if case.roster_unchanged else [])]
    if notes:
        lines += ["", _t("notes", lang), *(f"  - {note}" for note in notes)]
    return "\n".join(lines) + "\n"
