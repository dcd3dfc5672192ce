"""Plots produce real PNG images from each shape of input, and say why when data is missing."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from simulator.present import figures as plots
from simulator.present.labels import format_share
from simulator.results.rundir import load_run
from tests.present.report_fixtures import assert_inside, multi_day_run, simulated_run, synthetic_run

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
    assert_inside(fig)


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


@pytest.mark.parametrize(("days", "unit", "end"), [(1, "hours", 24.0), (7, "days", 7.0)])
def test_staffing_plot_draws_the_table_on_one_time_axis(tmp_path, days, unit, end):
    """The plotted required line is the staffing table's agents, the scheduled line the
    scenario's agents, the dashed line the offered contacts per hour, and all three run over
    the same x values: the whole horizon in hours (one day) or days (a week)."""
    from simulator.present.study_figures import staffing_plot
    from simulator.studies.staffing import staff
    from tests.conftest import scenario

    per_interval = [2] * 8 + [6] * 12 + [2] * 4
    sc = scenario(
        {
            "horizon": {"days": days, "warmup_minutes": 0, "interval_minutes": 60},
            "arrivals": {"per_hour": None, "per_day": 600, "intraday": "typical_weekday"},
            "agents": {"headcount": None, "per_interval": per_interval},
        }
    )
    result = staff(sc, "erlang-a")
    fig = staffing_plot(result)
    agents_ax, demand_ax = fig.axes
    lines = {line.get_label(): line for ax in fig.axes for line in ax.get_lines()}
    required, scheduled, offered = (lines[k] for k in ("Required", "Scheduled", "Offered / h"))
    x = required.get_xdata()
    assert unit in agents_ax.get_xlabel()
    assert x[0] == 0.0
    assert x[-1] == pytest.approx(end)
    for line in (scheduled, offered):
        np.testing.assert_array_equal(line.get_xdata(), x)
    # post steps closed at the horizon's end: the last value is repeated once
    np.testing.assert_array_equal(required.get_ydata()[:-1], result.table["agents"])
    np.testing.assert_array_equal(scheduled.get_ydata()[:-1], np.tile(per_interval, days))
    np.testing.assert_allclose(offered.get_ydata()[:-1], result.table["offered_per_hour"])
    assert offered in demand_ax.get_lines()
    assert_png(fig, tmp_path, f"staff-{days}d")


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


def _two_day_intervals() -> pd.DataFrame:
    """Two replications x two days x two 12-hour intervals, numbers easy to add by hand."""
    rows = []
    for rep in (0, 1):
        for i, (offered, sl) in enumerate([(100, 0.9), (300, 0.5), (200, 1.0), (0, np.nan)]):
            extra = rep * 100 if offered else 0  # replication 1 abandons 100 more when open
            rows.append(
                {
                    "replication": rep,
                    "interval": i,
                    "start_min": 720.0 * i,
                    "in_warmup": False,
                    "offered": offered + extra,
                    "answered": offered,
                    "abandoned": extra,
                    "service_level": sl,
                    "agents_on_duty": 10.0,
                    "new_contacts": offered,
                    "repeat_contacts": extra,
                    "redials": 0,
                }
            )
    return pd.DataFrame(rows)


def test_daily_table_weights_service_level_by_offered():
    table = plots.daily_table(_two_day_intervals())
    assert list(table.index) == [0, 1]
    # day 0: rep 0 offers 100 + 300, rep 1 offers 200 + 400 -> mean 500
    assert table.loc[0, "offered"] == pytest.approx(500)
    # rep 0: (0.9*100 + 0.5*300) / 400 = 0.6; rep 1: (0.9*200 + 0.5*400) / 600 = 0.6333
    assert table.loc[0, "service_level"] == pytest.approx((0.6 + 380 / 600) / 2)
    # day 1: the closed second interval (NaN service level, 0 offered) does not count
    assert table.loc[1, "service_level"] == pytest.approx(1.0)
    assert table.loc[1, "offered"] == pytest.approx(250)
    assert table.loc[1, "agent_hours"] == pytest.approx(240)


def test_long_runs_are_shown_per_day_with_dates(tmp_path):
    import yaml

    folder = synthetic_run(tmp_path / "month")
    intervals = pd.concat(
        [
            _two_day_intervals().assign(
                start_min=lambda d, k=k: d["start_min"] + 2880 * k,
                interval=lambda d, k=k: d["interval"] + 4 * k,
            )
            for k in range(3)
        ],
        ignore_index=True,
    )
    intervals.to_parquet(folder / "intervals.parquet", index=False)
    scenario = yaml.safe_load((folder / "scenario.yaml").read_text(encoding="utf-8"))
    scenario["horizon"] = {"start": "2026-02-02", "days": 6, "interval_minutes": 720}
    (folder / "scenario.yaml").write_text(yaml.safe_dump(scenario), encoding="utf-8")
    run = load_run(folder)
    assert run.days == 6
    figures = {f.key: f for f in plots.run_figures(run, "nl")}
    volume = figures["volume"].figure
    labels = [x.get_text() for x in volume.axes[0].get_xticklabels()]
    assert labels[:2] == ["ma 02-02", "di 03-02"]
    assert volume.axes[0].get_xlabel() == "Datum"
    assert_png(figures["service_level"].figure, tmp_path, "sl-daily")
    assert_png(figures["sources_time"].figure, tmp_path, "sources-daily")


def test_sources_over_time_per_interval(tmp_path):
    fig = plots.sources_over_time_figure(_two_day_intervals())
    labels = fig.legends[0].get_texts()
    assert [x.get_text() for x in labels] == ["New issue", "Repeat contact", "Redial"]
    assert_png(fig, tmp_path, "sources-time")


@pytest.fixture(scope="module")
def month(tmp_path_factory):
    return load_run(multi_day_run(tmp_path_factory.mktemp("month") / "run"))


@pytest.mark.slow
def test_long_runs_add_the_average_day_and_a_heat_map(month, tmp_path):
    for lang in ("en", "nl"):
        figures = {f.key: f for f in plots.run_figures(month, lang)}
        assert list(figures)[:4] == ["volume", "service_level", "average_day", "sl_heatmap"]
        for f in figures.values():
            assert f.figure is not None, f.note
            assert f.caption, f.key
            assert_png(f.figure, tmp_path, f"{lang}-{f.key}")
    figures = {f.key: f for f in plots.run_figures(month, "nl")}
    assert figures["volume"].title == "Contacten en agenturen per dag"  # not "per interval"
    heat = figures["sl_heatmap"].figure.axes[0]
    days = [x.get_text() for x in heat.get_yticklabels()]
    assert days == ["ma 02-02", "di 03-02", "wo 04-02", "do 05-02", "vr 06-02"]


def test_heat_map_is_the_interval_service_level_by_day_and_time(month):
    intervals = month.intervals
    counted = intervals[~intervals["in_warmup"]]
    mean = counted.groupby("start_min")["service_level"].mean()
    grid = plots.service_level_grid(intervals)
    assert list(grid.index) == [0, 1, 2, 3, 4]
    assert grid.columns[0] == 8 * 60  # open hours only
    assert grid.columns[-1] == 17 * 60 + 30
    for day in grid.index:
        for minute in grid.columns:
            expected = mean.get(day * 1440.0 + minute, np.nan)
            got = grid.loc[day, minute]
            assert (np.isnan(got) and np.isnan(expected)) or got == pytest.approx(expected)
    # the morning collapse is there every day, while no day's total is below 60%
    assert (grid.loc[:, 9 * 60 : 10 * 60 + 30] < 0.3).all().all()
    assert (plots.daily_table(intervals)["service_level"] > 0.6).all()
    image = plots.service_level_heatmap(intervals, 0.8, 20).axes[0].images[0]
    np.testing.assert_array_equal(image.get_array().filled(np.nan), grid.to_numpy(dtype=float))


def test_average_day_averages_the_days_with_contacts(month):
    intervals = month.intervals
    table = plots.average_day_table(intervals)
    assert table.index[0] == 8 * 60
    assert table.index[-1] == 17 * 60 + 30
    for minute in (8 * 60, 9 * 60 + 30, 17 * 60 + 30):
        rows = intervals[
            (intervals["start_min"] % 1440 == minute)
            & ~intervals["in_warmup"]
            & (intervals["offered"] > 0)
        ]
        assert table.loc[minute, "offered"] == pytest.approx(rows["offered"].mean())
        # agents: 12 on day 0 up to 16 on day 4, so the mean over the days is 14
        assert table.loc[minute, "agents_on_duty"] == pytest.approx(rows["agents_on_duty"].mean())
        per_rep = [
            (r["service_level"] * r["offered"]).sum() / r["offered"].sum()
            for _, r in rows.groupby("replication")
        ]
        assert table.loc[minute, "service_level"] == pytest.approx(np.mean(per_rep))
    assert table.loc[9 * 60, "service_level"] < 0.3 < 0.8 < table.loc[14 * 60, "service_level"]


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    return load_run(simulated_run(tmp_path_factory.mktemp("tiny") / "run"))


def test_wait_picture_states_the_service_level_of_the_kpi_table(tiny):
    """The share printed on the wait picture is the KPI service_level (base: offered), not the
    share of answered contacts; the long tail is a labelled bar with exactly its count."""
    within, _ = tiny.phone_service_level
    data = plots.wait_data(tiny.contacts, tiny.warmup_s, within)
    assert data.service_level == pytest.approx(tiny.kpis["service_level"], abs=1e-12)
    answered_share = float(np.mean(data.answered <= within))
    assert data.service_level < answered_share  # abandoned contacts count as missed
    fig = plots.wait_figure(data, within, "en")
    (text,) = [x for x in fig.axes[1].texts if x.get_gid() == "wait-service-level"]
    words = " ".join(text.get_text().split())  # wrapped to fit its panel
    assert format_share(tiny.kpis["service_level"]) in words
    assert "of offered" in words
    for lang in ("en", "nl"):  # the note stays inside its panel, clear of the y-axis label
        fig = plots.wait_figure(data, within, lang)
        plots.png_bytes(fig)
        renderer = fig.canvas.get_renderer()
        (note,) = [x for x in fig.axes[1].texts if x.get_gid() == "wait-service-level"]
        assert note.get_window_extent(renderer).x0 >= fig.axes[1].get_window_extent(renderer).x0

    waits = data.answered
    top = max(float(np.quantile(waits, 0.99)), 1.5 * within, 1.0)
    edges, counts, overflow = plots.wait_histogram(waits, within)
    assert edges[-1] == pytest.approx(top)
    assert overflow == int((waits > top).sum()) > 0
    assert counts.sum() + overflow == len(waits)
    (bar,) = [p for p in fig.axes[0].patches if p.get_gid() == "wait-overflow"]
    assert bar.get_height() == overflow
    ticks = [x.get_text() for x in fig.axes[0].get_xticklabels()]
    assert ticks[-1] == f"> {top:.0f} s"


def test_service_level_bars_name_only_the_colours_they_use():
    """Green bars meet the target, orange ones miss it; a day with nothing offered draws neither,
    and the legend names only the colours drawn."""
    table = pd.DataFrame(
        {"service_level": [0.9, 0.5, np.nan]}, index=pd.Index([0, 1, 2], name="day")
    )
    fig = plots.new_figure()
    ax = fig.axes[0]
    plots._target_bars(ax, np.arange(3), table["service_level"].to_numpy(), 0.8, "en")
    heights = sorted(round(p.get_height(), 6) for p in ax.patches)
    assert heights == [0.5, 0.9]
    labels = [c.get_label() for c in ax.containers]
    assert labels == ["Service level, target met", "Service level below target"]
    fig2 = plots.new_figure()
    plots._target_bars(fig2.axes[0], np.arange(2), np.array([0.5, np.nan]), 0.8, "en")
    assert [c.get_label() for c in fig2.axes[0].containers] == ["Service level below target"]
