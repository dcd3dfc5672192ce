"""Per reason and per agent group (spec D1) in the words of tables and reports.

``ccsim run`` keeps each reason's and each group's KPIs (``by_reason``, ``by_group``), ``ccsim
compare`` their paired differences. This module says which of those keys people are shown, under
which KPI of the catalogue each is formatted (a reason's ``cost`` is an amount like
``cost_total``), and writes a value, a change and a CI the same way in the terminal and in the
HTML reports, and builds the reports' "per reason" and "per group" sections. At import it
loads only the labels (the sections import the rest when called), so the terminal tables stay
light.

Both are shown only when there is more than one name: a run with one reason (or one pool) has
that reason's (pool's) numbers in its KPI table already.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from simulator.present.labels import (
    format_amount,
    format_ci,
    format_kpi,
    format_kpi_change,
    is_money,
)

REASON_SHOWN = ("offered", "contacts", "asa_s", "service_level", "abandon_rate", "aht_s", "fcr")
"""A reason's KPIs in tables and reports (``cost`` follows when priced); --json has every key."""
GROUP_SHOWN = ("answered", "asa_s", "aht_s", "occupancy", "fcr", "agent_hours")
"""A group's KPIs in tables and reports; --json has every key."""

KPI_OF = {"cost": "cost_total"}
"""A breakdown key formatted as another KPI of the catalogue (the rest are their own)."""


def shown(what: str, rows: Iterable[Mapping[str, Any]]) -> list[str]:
    """The keys of ``what`` (``reason`` or ``group``) shown, of those the ``rows`` have.

    A row maps each key to its value (or its values per scenario). ``contacts`` is left out when
    it equals ``offered`` in every row: a center with the phone only.
    """
    rows = list(rows)
    present = set(rows[0]) if rows else set()
    phone_only = all(row.get("contacts") == row.get("offered") for row in rows)
    keys = (*REASON_SHOWN, "cost") if what == "reason" else GROUP_SHOWN
    return [k for k in keys if k in present and not (phone_only and k == "contacts")]


def worth_showing(names: Sequence[str] | Mapping[str, Any]) -> bool:
    """Whether a per-reason (per-group) section says more than the run's own KPIs."""
    return len(names) > 1


def value_text(key: str, value: float | None, lang: str, currency: str = "EUR") -> str:
    """A breakdown value: ``12.40 s``, ``83.0%``, ``€1,234``; ``–`` when undefined."""
    kpi = KPI_OF.get(key, key)
    if is_money(kpi):
        return format_amount(value, lang, currency)
    return format_kpi(kpi, value, lang, currency)


def ci_text(key: str, half_width: float | None, lang: str, currency: str = "EUR") -> str:
    """``± 1.9 pt``: a CI half-width of a value or of a change, in the change's unit."""
    kpi = KPI_OF.get(key, key)
    if is_money(kpi):
        return "± " + format_amount(half_width, lang, currency)
    return format_ci(kpi, half_width, lang)


def change_text(
    key: str,
    diff: Mapping[str, float | None],
    lang: str,
    currency: str = "EUR",
    mark: bool = False,
) -> str:
    """A paired difference with its CI: ``+2.1 pt ± 0.4 pt``.

    ``diff`` is ``{"mean", "ci95"}`` as ``ccsim compare --json`` gives it; ``mark`` adds ``*``
    when the CI excludes zero (as the comparison report marks its differences).
    """
    kpi = KPI_OF.get(key, key)
    mean, ci = diff.get("mean"), diff.get("ci95")
    if is_money(kpi):
        text = format_amount(mean, lang, currency, signed=True)
    else:
        text = format_kpi_change(kpi, mean, lang)
    if mean is None or ci is None:
        return text
    return f"{text} {ci_text(key, ci, lang, currency)}" + (" *" if mark and abs(mean) > ci else "")


def _cell(key: str, mean: float | None, ci: float | None, lang: str, currency: str) -> str:
    """``12.40 s ± 0.79 s``: a mean with its CI half-width (the mean alone without one)."""
    text = value_text(key, mean, lang, currency)
    return text if mean is None or ci is None else f"{text} {ci_text(key, ci, lang, currency)}"


def _two_lines(
    key: str, mean: float | None, ci: float | None, lang: str, currency: str
) -> tuple[str, str]:
    """``("12.40 s", "± 0.79 s")``: a mean and, for the line below it, its CI ("" without)."""
    text = value_text(key, mean, lang, currency)
    return text, "" if mean is None or ci is None else ci_text(key, ci, lang, currency)


def run_sections(run: Any, lang: str) -> list[dict[str, Any]]:
    """The run report's "per reason" and "per group" sections, each only with more than one.

    ``run`` is a ``results.rundir.RunData``; its by_reason.csv and by_group.csv give per name
    the mean over the replications and the 95% CI of each key, as ``--json``'s ``by_reason``
    (``rows``: per name a cell per key, the mean and its CI, one below the other, which keeps
    nine columns within the page's width).
    The reasons get a picture of their ASA and service level. An older folder without the files
    has no sections.
    """
    from simulator.present.figures import breakdown_figure
    from simulator.present.html import picture
    from simulator.present.labels import t
    from simulator.results.statistics import summarise

    money = str((run.scenario.get("costs") or {}).get("currency") or "EUR")
    out: list[dict[str, Any]] = []
    for what, frame in (("reason", run.by_reason), ("group", run.by_group)):
        if frame is None or what not in frame.columns:
            continue
        labels = frame[what].astype(str)
        names = list(dict.fromkeys(labels))
        if not worth_showing(names):
            continue
        columns = [c for c in frame.columns if c not in ("replication", what)]
        stats = {
            name: {
                k: summarise(frame.loc[labels == name, k].to_numpy(dtype=float)) for k in columns
            }
            for name in names
        }
        keys = shown(what, ({k: s.mean for k, s in row.items()} for row in stats.values()))
        rows = [
            (name, [_two_lines(k, *row[k], lang, money) for k in keys])
            for name, row in stats.items()
        ]
        pic = None
        if what == "reason":
            fig = breakdown_figure(
                {
                    name: {k: tuple(row[k]) for k in ("asa_s", "service_level")}
                    for name, row in stats.items()
                },
                target=run.phone_service_level[1],
                lang=lang,
            )
            title = t("report.by_reason.picture", lang)
            pic = picture(fig, title, title, t("report.by_reason.caption", lang))
        n = run.replications if run.replications is not None else "?"
        out.append(
            {
                "heading": t(f"report.by_{what}", lang),
                "intro": t(f"report.by_{what}.intro", lang, n=n),
                "head": [t(f"col.{what}", lang), *(t(f"col.{k}", lang) for k in keys)],
                "rows": rows,
                "picture": pic,
            }
        )
    return out


def compare_sections(
    folder: Any, names: Sequence[str], lang: str, currency: str = "EUR"
) -> list[dict[str, Any]]:
    """The comparison report's "per reason" and "per group" sections (more than one name).

    ``folder`` is the comparison folder: its by_reason.csv and by_group.csv (scenario x
    replication x name) are paired again as ``ccsim compare --json`` pairs them
    (:func:`~simulator.studies.compare.paired_breakdowns`). Per name a block of rows, one per
    KPI, a cell per scenario: its mean ± CI and, below it for the other scenarios, the paired
    difference to the first (two lines in a cell keep the table within the page's width).
    """
    from pathlib import Path

    import pandas as pd

    from simulator.present.labels import t
    from simulator.results.rundir import RunDirError
    from simulator.studies.compare import (
        BY_GROUP_CSV,
        BY_REASON_CSV,
        breakdowns_from_frame,
        paired_breakdowns,
    )

    out: list[dict[str, Any]] = []
    for what, file in (("reason", BY_REASON_CSV), ("group", BY_GROUP_CSV)):
        path = Path(folder) / file
        if not path.is_file():
            continue  # a folder of an older ccsim
        try:
            frame = pd.read_csv(path)
        except Exception as err:  # a damaged file is bad input, not a bug
            raise RunDirError(f"{path}: cannot be read ({type(err).__name__}: {err})") from None
        if what not in frame.columns or "scenario" not in frame.columns:
            continue
        data = paired_breakdowns(breakdowns_from_frame(frame, names, what))
        if not worth_showing(data):
            continue
        keys = shown(what, (values["kpis"] for values in data.values()))
        blocks = []
        for name, values in data.items():
            rows = []
            for key in keys:
                means = zip(values["kpis"][key], values["ci95"][key], strict=True)
                changes = [
                    "",
                    *(change_text(key, d, lang, currency, True) for d in values["diff"][key]),
                ]
                cells = [
                    (_cell(key, mean, ci, lang, currency), change if mean is not None else "")
                    for (mean, ci), change in zip(means, changes, strict=True)
                ]
                rows.append((t(f"col.{key}", lang), cells))
            blocks.append((name, rows))
        out.append(
            {
                "heading": t(f"compare.by_{what}", lang),
                "intro": t(
                    "compare.breakdown.intro",
                    lang,
                    what=t(f"compare.breakdown.{what}", lang),
                    baseline=names[0],
                ),
                "head": [t(f"col.{what}", lang), *names],
                "blocks": blocks,
            }
        )
    return out
