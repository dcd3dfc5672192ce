"""The HTML report of a comparison folder (``ccsim compare A.yaml B.yaml ... --out DIR``).

Trainers put what-ifs side by side ("meer headcount" against better FCR): the report shows each
scenario's KPIs with 95% CIs, the paired differences to the first scenario (common random
numbers make them much tighter than the CIs of the means), the bars picture and each scenario's
growth phase, in one self-contained file like the run report.
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from simulator.present.breakdowns import compare_sections
from simulator.present.figures import comparison_figure
from simulator.present.html import KpiGroup, KpiRow, picture, render_page
from simulator.present.labels import (
    DEFAULT_LANG,
    format_ci,
    format_kpi,
    format_kpi_change,
    kpi_label,
    t,
)
from simulator.present.study_text import phase_name
from simulator.results import catalogue
from simulator.results.kpis import worth_showing
from simulator.results.rundir import RunDirError
from simulator.results.statistics import ci95
from simulator.studies.assess import assess

COMPARE_CSV = "compare.csv"
DIFF_CSV = "diff.csv"
NON_KPI = {"scenario", "replication"}


def is_compare_dir(path: Path) -> bool:
    """A folder written by ``ccsim compare --out`` (and not a run folder)."""
    return (
        path.is_dir()
        and (path / COMPARE_CSV).is_file()
        and (path / DIFF_CSV).is_file()
        and not (path / "meta.json").exists()
    )


def _read(file: Path) -> pd.DataFrame:
    try:
        return pd.read_csv(file)
    except Exception as err:  # a damaged file is bad input, not a bug
        raise RunDirError(f"{file}: cannot be read ({type(err).__name__}: {err})") from None


def _number(value: object) -> float | None:
    try:
        v = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None


def render_compare_html(compare_dir: Path | str, lang: str = DEFAULT_LANG) -> str:
    """The complete report of a comparison folder as one HTML string."""
    compare_dir = Path(compare_dir)
    tidy = _read(compare_dir / COMPARE_CSV)
    diff = _read(compare_dir / DIFF_CSV)
    if "scenario" not in tidy.columns or tidy.empty:
        raise RunDirError(f"{compare_dir / COMPARE_CSV}: no 'scenario' rows; not a comparison")
    names = list(dict.fromkeys(tidy["scenario"].astype(str)))
    kpi_columns = [
        c for c in tidy.columns if c not in NON_KPI and pd.api.types.is_numeric_dtype(tidy[c])
    ]
    grouped = tidy.groupby(tidy["scenario"].astype(str), sort=False)
    means = grouped[kpi_columns].mean()
    cis = grouped[kpi_columns].agg(ci95)
    n = int(grouped.size().min())
    results = {
        name: (
            {k: _number(means.loc[name, k]) for k in kpi_columns},
            {k: _number(cis.loc[name, k]) for k in kpi_columns},
        )
        for name in names
    }
    # as in the run report: KPIs of features no scenario uses (0 or undefined) are left out
    kpi_columns = [
        k for k in kpi_columns if any(worth_showing(k, *(r[k] for r in results[n])) for n in names)
    ]
    return render_page(
        "compare.html",
        lang,
        t("compare.title", lang, names=" / ".join(names)),
        baseline=names[0],
        replications=n,
        picture=picture(comparison_figure(results, lang=lang), t("plot.compare.title", lang)),
        means_head=[t("report.col.kpi", lang), *names],
        phases=[
            (t("phase.short", lang, n=p), phase_name(p, lang))
            for p in (assess(results[name][0]).phase for name in names)
        ],
        means=_means(results, names, kpi_columns, lang),
        diff_head=[t("report.col.kpi", lang), *names[1:]],
        diffs=_diffs(diff, names, kpi_columns, lang),
        breakdowns=compare_sections(compare_dir, names, lang),
    )


def _means(results: dict, names: list[str], kpis: list[str], lang: str) -> list[KpiGroup]:
    """Per KPI group, each scenario's mean with its 95% CI."""
    groups = []
    for group, keys in catalogue.grouped(kpis):
        rows = []
        for key in keys:
            values = []
            for name in names:
                mean, ci = results[name][0].get(key), results[name][1].get(key)
                text = format_kpi(key, mean, lang)
                if mean is not None and ci is not None:
                    text += " " + format_ci(key, ci, lang)
                values.append(text)
            rows.append(KpiRow(kpi_label(key, lang), values))
        groups.append(KpiGroup(t(f"group.{group}", lang), rows))
    return groups


def _diffs(diff: pd.DataFrame, names: list[str], kpis: list[str], lang: str) -> list[KpiGroup]:
    """Each other scenario minus the baseline with the CI of the paired difference.

    ``*`` marks a CI that excludes zero; empty when the folder has no differences.
    """
    others = names[1:]
    needed = {"scenario", "kpi", "diff", "diff_ci95"}
    if not others or not needed <= set(diff.columns):
        return []
    by = {(str(r.scenario), str(r.kpi)): r for r in diff.itertuples(index=False)}
    rows = []
    for key in [k for _, keys in catalogue.grouped(kpis) for k in keys]:
        cells = []
        for name in others:
            r = by.get((name, key))
            d = None if r is None else _number(r.diff)
            ci = None if r is None else _number(r.diff_ci95)
            text = format_kpi_change(key, d, lang)
            if d is not None and ci is not None:
                text += " " + format_ci(key, ci, lang)
                if abs(d) > ci:
                    text += " *"
            cells.append(text)
        rows.append(KpiRow(kpi_label(key, lang), cells))
    return [KpiGroup("", rows)]
