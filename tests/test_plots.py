"""Plots produce real PNG images from each shape of input, and say why when data is missing."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from simulator import plots
from simulator.rundata import load_run
from tests.report_fixtures import synthetic_run

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def assert_png(fig: Figure, tmp_path, name: str) -> None:
    assert isinstance(fig, Figure)
    path = plots.save_png(fig, tmp_path / f"{name}.png")
    data = path.read_bytes()
    assert data.startswith(PNG_SIGNATURE)
    assert len(data) > 10_000, f"{name}: suspiciously small PNG"
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert width >= 1000, "readable on a projector needs a wide picture"
    assert height >= 300


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    return load_run(synthetic_run(tmp_path_factory.mktemp("plots") / "run"))


def test_run_pictures_in_both_languages(run, tmp_path):
    for lang in ("en", "nl"):
        figures = plots.run_figures(run, lang)
        assert [f.key for f in figures] == [
            "volume",
            "service_level",
            "wait",
            "outcomes",
            "sources",
        ]
        for f in figures:
            assert f.figure is not None, f.note
            assert_png(f.figure, tmp_path, f"{lang}-{f.key}")


def test_journey_outcomes_split_first_time_and_after_repeats(run):
    shares = plots.journey_outcome_shares(plots.journeys_after_warmup(run.journeys, run.warmup_s))
    assert list(shares.columns) == [
        "resolved_first",
        "resolved_repeat",
        "deflected",
        "gave_up",
        "open",
    ]
    assert list(shares.index) == ["__all__", "billing", "delivery"]
    np.testing.assert_allclose(shares.sum(axis=1), 1.0)


def test_journeys_in_warmup_are_left_out(run):
    kept = plots.journeys_after_warmup(run.journeys, run.warmup_s)
    assert len(kept) == int((~run.journeys["in_warmup"]).sum())


def test_contact_sources_are_means_per_replication(run):
    counts = plots.contact_source_counts(run.contacts, run.warmup_s)
    assert list(counts.index) == ["new", "repeat", "missed_callback", "redial"]
    after = run.contacts[run.contacts["arrival_s"] >= run.warmup_s]
    assert counts.sum() == pytest.approx(len(after) / 2)


def test_answered_waits_leave_out_warmup_and_abandoned(run):
    waits = plots.answered_waits(run.contacts, run.warmup_s)
    c = run.contacts
    expected = c[(c["outcome"] == "answered") & (c["arrival_s"] >= 3600)]
    assert len(waits) == len(expected)


def test_missing_data_gives_reasons_not_pictures(tmp_path):
    run = load_run(synthetic_run(tmp_path / "old", journeys=False, kind=False))
    figures = {f.key: f for f in plots.run_figures(run)}
    assert figures["sources"].figure is None
    assert "'kind'" in figures["sources"].note
    # Outcomes fall back to the issue counts of meta.json and say that the split is missing.
    assert figures["outcomes"].figure is not None
    assert "journeys.parquet" in figures["outcomes"].note
    (run.path / "intervals.parquet").unlink()
    (run.path / "contacts.parquet").unlink()
    run = load_run(run.path)
    run.meta["kpis"].pop("resolved")
    figures = {f.key: f for f in plots.run_figures(run, "nl")}
    assert all(f.figure is None for f in figures.values())
    assert "intervaltabel" in figures["volume"].note


def test_comparison_bars_with_ci(tmp_path):
    results = {
        "baseline": (
            {"asa_s": 40.0, "fcr": 0.6, "service_level": 0.7},
            {"asa_s": 3.0, "fcr": 0.01},
        ),
        "+20% agents": ({"asa_s": 12.0, "fcr": 0.6, "service_level": 0.9}, {"asa_s": None}),
        "FCR +15": ({"asa_s": 18.0, "fcr": 0.75, "service_level": None}, {}),
    }
    fig = plots.comparison_figure(results, lang="nl")
    assert len([ax for ax in fig.axes if ax.get_visible()]) == 3
    assert_png(fig, tmp_path, "compare")
    assert_png(plots.comparison_figure(results, keys=["asa_s"]), tmp_path, "compare1")


def sweep_frame() -> pd.DataFrame:
    rng = np.random.default_rng(3)
    rows = []
    for point, (fcr, agents) in enumerate((f, a) for f in (0.5, 0.6, 0.7) for a in (80, 90, 100)):
        for rep in range(3):
            asa = 200 * (1 - fcr) * 90 / agents + rng.normal(0, 3)
            rows.append(
                {
                    "point": point,
                    "reasons[billing].fcr": fcr,
                    "agents.headcount": agents,
                    "replication": rep,
                    "asa_s": asa,
                    "abandon_rate": asa / 2000,
                }
            )
    return pd.DataFrame(rows)


def test_sweep_heatmap_and_line(tmp_path):
    df = sweep_frame()
    heat = plots.sweep_heatmap(df, "agents.headcount", "reasons[billing].fcr", "asa_s")
    assert_png(heat, tmp_path, "heat")
    line = plots.sweep_line(df, "agents.headcount", "abandon_rate", lang="nl")
    assert_png(line, tmp_path, "line")
    grouped = plots.sweep_line(df, "agents.headcount", "asa_s", group="reasons[billing].fcr")
    assert len(grouped.axes[0].get_lines()) == 3
    assert_png(grouped, tmp_path, "line-grouped")


def test_staffing_required_vs_scheduled(tmp_path):
    start = np.arange(48) * 30.0
    required = 50 + 30 * np.sin(np.linspace(0, np.pi, 48))
    scheduled = np.full(48, 70.0)
    assert_png(plots.staffing_figure(start, required, scheduled), tmp_path, "staff")


def test_plots_leave_no_global_state():
    import matplotlib
    import matplotlib.pyplot as plt

    before = dict(matplotlib.rcParams)
    plots.staffing_figure([0, 30], [1, 2], [2, 2])
    assert plt.get_fignums() == []
    assert dict(matplotlib.rcParams) == before


def test_long_runs_switch_to_days_and_lines(tmp_path):
    """28 days of 15-minute intervals: the x axis in days, service level as a line, not bars."""
    n = 28 * 96
    rows = pd.DataFrame(
        {
            "replication": 0,
            "interval": np.arange(n),
            "start_min": np.arange(n) * 15.0,
            "in_warmup": False,
            "offered": 40,
            "answered": 38,
            "abandoned": 2,
            "service_level": np.linspace(0.5, 1.0, n),
            "agents_on_duty": 12.0,
        }
    )
    sl = plots.service_level_figure(rows, 0.8, 20)
    ax = sl.axes[0]
    assert "days" in ax.get_xlabel()
    assert len(ax.patches) == 0  # no bars
    assert_png(sl, tmp_path, "sl-long")
    assert "days" in plots.volume_figure(rows).axes[0].get_xlabel()
    staff = plots.staffing_figure(np.arange(n) * 15.0, np.full(n, 10.0), np.full(n, 12.0))
    assert "days" in staff.axes[0].get_xlabel()
