"""The HTML report of a comparison folder (``ccsim compare A.yaml B.yaml ... --out DIR``).

Trainers put what-ifs side by side ("meer headcount" against better FCR): the report shows each
scenario's KPIs with 95% CIs, the paired differences to the first scenario (common random
numbers make them much tighter than the CIs of the means), the bars picture and each scenario's
growth phase, in one self-contained file like the run report.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from simulator.present.figures import ci_half_width, comparison_figure, png_bytes
from simulator.present.labels import (
    DEFAULT_LANG,
    format_ci,
    format_kpi,
    format_kpi_change,
    kpi_label,
    t,
)
from simulator.present.report import KPI_GROUPS, _e, _png_data_uri, page
from simulator.results.kpis import worth_showing
from simulator.results.rundir import RunDirError
from simulator.studies.assess import assess, phase_name

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


def _ordered_kpis(columns: Sequence[str]) -> list[tuple[str, list[str]]]:
    """KPI columns grouped as in the run report; unknown ones last."""
    known = {k for keys in KPI_GROUPS.values() for k in keys}
    groups = [(g, [k for k in keys if k in columns]) for g, keys in KPI_GROUPS.items()]
    groups.append(("other", [c for c in columns if c not in known]))
    return [(g, keys) for g, keys in groups if keys]


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
    cis = grouped[kpi_columns].agg(ci_half_width)
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
    title = t("compare.title", lang, names=" / ".join(names))
    body = [
        f"<h1>{_e(title)}</h1>",
        f"<p>{_e(t('compare.intro', lang, baseline=names[0], n=n))}</p>",
        f"<h2>{_e(t('report.plots', lang))}</h2>",
        f"<figure><img src='{_png_data_uri(png_bytes(comparison_figure(results, lang=lang)))}'"
        f" alt='{_e(t('plot.compare.title', lang))}'></figure>",
        f"<h2>{_e(t('compare.kpis', lang))}</h2>",
        _means_table(results, names, kpi_columns, lang),
        f"<h2>{_e(t('compare.diff', lang, baseline=names[0]))}</h2>",
        f"<p>{_e(t('compare.diff.intro', lang))}</p>",
        _diff_table(diff, names, kpi_columns, lang),
        f"<p class='note'>{_e(t('assess.proxies', lang))}</p>",
    ]
    return page(title, body, lang)


def _means_table(results: dict, names: list[str], kpis: list[str], lang: str) -> str:
    head = [t("report.col.kpi", lang), *names]
    rows = ["<tr>" + "".join(f"<th>{_e(h)}</th>" for h in head) + "</tr>"]
    phases = [assess(results[name][0]).phase for name in names]
    cells = "".join(
        f"<td class='num' title='{_e(phase_name(p, lang))}'>{_e(t('phase.short', lang, n=p))}</td>"
        for p in phases
    )
    rows.append(f"<tr><td><strong>{_e(t('compare.phase', lang))}</strong></td>{cells}</tr>")
    for group, keys in _ordered_kpis(kpis):
        label = _e(t(f"group.{group}", lang))
        rows.append(f"<tr class='group'><th colspan='{len(names) + 1}'>{label}</th></tr>")
        for key in keys:
            values = []
            for name in names:
                mean, ci = results[name][0].get(key), results[name][1].get(key)
                text = format_kpi(key, mean, lang)
                if mean is not None and ci is not None:
                    text += " " + format_ci(key, ci, lang)
                values.append(f"<td class='num'>{_e(text)}</td>")
            rows.append(f"<tr><td>{_e(kpi_label(key, lang))}</td>{''.join(values)}</tr>")
    return "<div class='wide'><table class='kpis'>" + "".join(rows) + "</table></div>"


def _diff_table(diff: pd.DataFrame, names: list[str], kpis: list[str], lang: str) -> str:
    others = names[1:]
    needed = {"scenario", "kpi", "diff", "diff_ci95"}
    if not others or not needed <= set(diff.columns):
        return f"<p class='note'>{_e(t('compare.diff.none', lang))}</p>"
    by = {(str(r.scenario), str(r.kpi)): r for r in diff.itertuples(index=False)}
    head = [t("report.col.kpi", lang), *others]
    rows = ["<tr>" + "".join(f"<th>{_e(h)}</th>" for h in head) + "</tr>"]
    for key in [k for _, keys in _ordered_kpis(kpis) for k in keys]:
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
            cells.append(f"<td class='num'>{_e(text)}</td>")
        rows.append(f"<tr><td>{_e(kpi_label(key, lang))}</td>{''.join(cells)}</tr>")
    return "<div class='wide'><table class='kpis'>" + "".join(rows) + "</table></div>"
