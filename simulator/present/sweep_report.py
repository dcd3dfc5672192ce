"""The HTML report of a sweep folder (``ccsim sweep EXPERIMENT --out DIR``).

A sweep answers "how many agents, what FCR target": the report shows each KPI over the swept
parameters (heatmaps for two parameters, lines with 95% CI bands for one), a table per point with
its CIs, and the growth phase each point would reach. Parameters beyond the first two are averaged
over, and the report says so. Laid out by ``templates/sweep.html`` in the page of every report
(``html.py``): one file, nothing loaded from outside.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd
from matplotlib.figure import Figure

from simulator.present.figures import sweep_heatmap, sweep_line
from simulator.present.html import Picture, Table, picture, render_page
from simulator.present.labels import DEFAULT_LANG, format_ci, format_kpi, kpi_label, number, t
from simulator.results.catalogue import headline
from simulator.results.rundir import RunDirError
from simulator.results.statistics import ci95
from simulator.studies.assess import assess

MAX_PICTURE_KPIS = 5
MONEY_KPI = "cost_total"  # pictured too when the scenarios have a costs block
MAX_TABLE_ROWS = 300
MAX_TABLE_KPIS = 5  # wider tables do not fit a slide or a printed page
NON_KPI = {"point", "replication"}


def is_sweep_dir(path: Path) -> bool:
    """A folder written by ``ccsim sweep`` (and not a run folder)."""
    return path.is_dir() and (path / "sweep.json").is_file() and not (path / "meta.json").exists()


def _load(sweep_dir: Path) -> tuple[dict[str, Any], pd.DataFrame]:
    """``sweep.json`` and the results so far (an interrupted sweep has only some points)."""
    try:
        record = json.loads((sweep_dir / "sweep.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise RunDirError(f"{sweep_dir / 'sweep.json'}: cannot be read ({err})") from None
    from simulator.studies.sweep import load_sweep

    try:
        results = load_sweep(sweep_dir)
    except Exception as err:  # a damaged results file is bad input, not a bug
        raise RunDirError(f"{sweep_dir}: sweep results cannot be read ({err})") from None
    return record, results


def _value_text(value: Any, lang: str) -> str:
    if isinstance(value, float):
        return number(value, 0 if value.is_integer() else 3, lang).rstrip("0").rstrip(",.")
    return str(value)


def render_sweep_html(
    sweep_dir: Path | str, lang: str = DEFAULT_LANG, kpis: Sequence[str] = headline()
) -> str:
    """The complete report of a sweep folder as one HTML string.

    With pictures of the first five of ``kpis`` that the results hold.
    """
    sweep_dir = Path(sweep_dir)
    record, results = _load(sweep_dir)
    params = [p for p in record.get("parameters", []) if p in results.columns]
    name = str(record.get("name") or sweep_dir.name)
    title = t("sweep.title", lang, name=name)
    points = record.get("points") or []
    done = int(results["point"].nunique()) if "point" in results and len(results) else 0
    failed = len(list((sweep_dir / "failed").glob("*.json")))
    facts = [
        (t("sweep.experiment", lang), str(record.get("experiment", ""))),
        (t("sweep.base", lang), str(record.get("base", ""))),
        (t("sweep.mode", lang), str(record.get("mode", ""))),
        (
            t("report.seed", lang),
            t("report.seed.value", lang, seed=record.get("seed"), n=record.get("replications")),
        ),
        (
            t("sweep.points", lang),
            t("sweep.points.value", lang, done=done, total=len(points), failed=failed),
        ),
    ]
    for p in params:
        values = ", ".join(_value_text(v, lang) for v in sorted(results[p].dropna().unique()))
        facts.append((t("sweep.parameter", lang, name=p), values))
    if not done:
        return render_page("sweep.html", lang, title, facts=facts, points=None)
    kpis = [k for k in kpis if k in results and results[k].notna().any()]
    # with prices, the total cost is pictured after the headline and is the table's last column
    money = [k for k in (MONEY_KPI,) if k in results and results[k].notna().any()]
    money = [k for k in money if k not in kpis]
    notes, pictures = _pictures(results, params, kpis[:MAX_PICTURE_KPIS] + money, lang)
    shown = kpis[: MAX_TABLE_KPIS - len(money)] + money
    table, more_rows = _points_table(results, params, shown, lang)
    return render_page(
        "sweep.html",
        lang,
        title,
        facts=facts,
        notes=notes,
        pictures=pictures,
        points=table,
        more_rows=more_rows,
    )


def _pictures(
    results: pd.DataFrame, params: list[str], kpis: list[str], lang: str
) -> tuple[list[str], list[Picture]]:
    """Notes on what the pictures leave out, and the pictures.

    Heatmaps over the first two varied parameters (plus lines per value of the second), or lines
    over the only one.
    """
    numeric = [p for p in params if pd.api.types.is_numeric_dtype(results[p])]
    varied = [p for p in params if results[p].nunique() > 1]
    notes: list[str] = []
    pictures: list[Picture] = []

    def add(fig: Figure, kpi: str) -> None:
        label = kpi_label(kpi, lang)
        pictures.append(picture(fig, label, caption=label))

    if len(varied) > 2:
        notes.append(t("sweep.averaged", lang, params=", ".join(varied[2:])))
    if len(varied) >= 2:
        x, y = varied[0], varied[1]
        for kpi in kpis:
            add(sweep_heatmap(results, x, y, kpi, lang), kpi)
        if x in numeric and results[y].nunique() <= 6:
            for kpi in kpis[:2]:
                add(sweep_line(results, x, kpi, group=y, lang=lang), kpi)
    elif len(varied) == 1 and varied[0] in numeric:
        for kpi in kpis:
            add(sweep_line(results, varied[0], kpi, lang=lang), kpi)
    else:
        notes.append(t("sweep.no_pictures", lang))
    return notes, pictures


def _points_table(
    results: pd.DataFrame, params: list[str], kpis: list[str], lang: str
) -> tuple[Table, str | None]:
    """One row per point (the first ``MAX_TABLE_ROWS``), and a note on the rows left out.

    A row holds the point's parameters, growth phase and KPIs with CIs; the note says how many rows
    were left out, if any.
    """
    kpi_columns = [c for c in results.columns if c not in NON_KPI and c not in params]
    numeric = [c for c in kpi_columns if pd.api.types.is_numeric_dtype(results[c])]
    grouped = results.groupby("point", sort=True)
    means = grouped[numeric].mean()
    cis = grouped[kpis].agg(ci95) if kpis else pd.DataFrame(index=means.index)
    first = grouped[params].first() if params else pd.DataFrame(index=means.index)
    head = [t("sweep.col.point", lang), *params, t("sweep.col.phase", lang)]
    head += [kpi_label(k, lang) for k in kpis]
    rows = []
    for point in means.index[:MAX_TABLE_ROWS]:
        mean_kpis = {k: (None if pd.isna(v) else float(v)) for k, v in means.loc[point].items()}
        cells = [(str(point), False)]
        cells += [(_value_text(first.loc[point, p], lang), True) for p in params]
        cells.append((str(assess(mean_kpis).phase), True))
        for k in kpis:
            ci = cis.loc[point, k]
            text = format_kpi(k, mean_kpis.get(k), lang)
            if not pd.isna(ci) and mean_kpis.get(k) is not None:
                text += " " + format_ci(k, float(ci), lang)
            cells.append((text, True))
        rows.append(cells)
    more = None
    if len(means) > MAX_TABLE_ROWS:
        more = t("sweep.more_rows", lang, shown=MAX_TABLE_ROWS, total=len(means))
    return Table(head, rows), more
