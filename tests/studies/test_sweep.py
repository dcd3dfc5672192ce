"""``ccsim sweep``: experiment files, dotted paths, the results store, resume, failures, Dask.

Scenarios are tiny (one day at 200 issues/h, two replications: a few hundredths of a second per
point), so that the whole file runs in seconds; what is checked is bookkeeping and equality,
not queueing numbers.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

import simulator
from simulator.cli import app
from simulator.results.catalogue import KPI_KEYS
from simulator.runs.replications import run
from simulator.scenario.loading import load_scenario_dict
from simulator.scenario.paths import ByName, PathError, parse_path, resolve_path, set_value
from simulator.studies import sweep
from simulator.studies.sweep import SweepError, load_experiment, load_sweep, run_sweep

ROOT = Path(__file__).resolve().parents[2]
REAL_RUN_POINT = sweep.run_point  # before any test monkeypatches it
CCSIM = [sys.executable, "-c", "from simulator.cli import main; main()"]

BASE = {
    "name": "sweep-base",
    "seed": 11,
    "replications": 2,
    "horizon": {"days": 1, "warmup_minutes": 0, "interval_minutes": 60},
    "arrivals": {"per_hour": 200},
    "reasons": [
        {"name": "general", "share": 0.6, "handle_time": {"dist": "exponential", "mean_s": 180}},
        {"name": "billing", "share": 0.4, "handle_time": {"dist": "exponential", "mean_s": 240}},
    ],
    "channels": {"phone": {"patience": {"dist": "exponential", "mean_s": 120}}},
    "agents": {"headcount": 14},
}

GRID = {
    "name": "tiny",
    "base": "base.yaml",
    "replications": 2,
    "seed": 5,
    "parameters": {
        "agents.headcount": [12, 16],
        "channels.phone.patience.mean_s": [60, 240],
    },
}


def write(folder: Path, experiment: dict, base: dict = BASE) -> Path:
    """An experiment file and its base scenario in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "base.yaml").write_text(yaml.safe_dump(base), encoding="utf-8")
    path = folder / "exp.yaml"
    path.write_text(yaml.safe_dump(experiment, sort_keys=False), encoding="utf-8")
    return path


def cli(*args: str | Path):
    return CliRunner().invoke(app, [str(a) for a in args])


# -- paths ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "steps"),
    [
        ("agents.headcount", ("agents", "headcount")),
        ("reasons[0].fcr", ("reasons", 0, "fcr")),
        ("reasons[billing].fcr", ("reasons", ByName("billing"), "fcr")),
        ("reasons['2'].share", ("reasons", ByName("2"), "share")),
        ("channels.phone.patience.mean_s", ("channels", "phone", "patience", "mean_s")),
        ("a[1][x].b", ("a", 1, ByName("x"), "b")),
    ],
)
def test_parse_path(text, steps):
    assert parse_path(text) == steps


@pytest.mark.parametrize(
    "text", ["", "agents.", ".agents", "agents..x", "reasons[", "r[].x", "a b"]
)
def test_parse_path_rejects_malformed_paths(text):
    with pytest.raises(PathError):
        parse_path(text)


def test_resolve_replaces_names_by_indices_and_set_value_changes_only_that_field():
    data = yaml.safe_load(yaml.safe_dump(BASE))
    path = resolve_path(data, parse_path("reasons[billing].handle_time.mean_s"))
    assert path == ("reasons", 1, "handle_time", "mean_s")
    set_value(data, path, 300)
    assert data["reasons"][1]["handle_time"] == {"dist": "exponential", "mean_s": 300}
    assert data["reasons"][0]["handle_time"]["mean_s"] == 180


def test_a_time_in_another_unit_replaces_the_seconds_key():
    data = yaml.safe_load(yaml.safe_dump(BASE))
    set_value(data, resolve_path(data, parse_path("channels.phone.patience.mean_min")), 3)
    scenario = load_scenario_dict(data)
    assert scenario.channels.phone.patience.mean == 180.0


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("reasons[sales].share", ["reasons", "no item named 'sales'", "'general', 'billing'"]),
        ("reasons[5].share", ["reasons", "no item 5", "from 0 to 1"]),
        ("agents[0]", ["agents is not a list"]),
        ("channels.email.patience", ["channels", "no 'email'", "phone"]),
        ("agents.headcount.x", ["agents.headcount is not a mapping"]),
    ],
)
def test_paths_that_do_not_fit_the_scenario_are_named(text, words):
    data = yaml.safe_load(yaml.safe_dump(BASE))
    with pytest.raises(PathError) as err:
        resolve_path(data, parse_path(text))
    message = f"{err.value.message} {err.value.allowed}"
    for word in words:
        assert word in message


# -- expansion --------------------------------------------------------------------------------
def test_grid_is_every_combination_last_parameter_fastest(tmp_path):
    exp = load_experiment(write(tmp_path, GRID))
    assert [p.id for p in exp.points] == ["p000", "p001", "p002", "p003"]
    assert [tuple(p.values.values()) for p in exp.points] == [
        (12, 60),
        (12, 240),
        (16, 60),
        (16, 240),
    ]
    assert exp.points[3].scenario.agents.headcount == 16
    assert exp.points[3].scenario.channels.phone.patience.mean == 240


def test_list_mode_zips_values_and_ranges_include_their_end(tmp_path):
    spec = {
        **GRID,
        "mode": "list",
        "parameters": {
            "agents.headcount": {"from": 10, "to": 16, "step": 3},
            "reasons[billing].handle_time.mean_s": {"from": 0.1, "to": 0.3, "step": 0.1},
        },
    }
    exp = load_experiment(write(tmp_path, spec))
    assert [tuple(p.values.values()) for p in exp.points] == [(10, 0.1), (13, 0.2), (16, 0.3)]
    assert isinstance(exp.points[0].values["agents.headcount"], int)


def test_a_name_selector_sets_that_reason_only(tmp_path):
    spec = {**GRID, "parameters": {"reasons[billing].fcr": [0.5, 0.8]}}
    exp = load_experiment(write(tmp_path, spec))
    assert [p.scenario.reasons[1].fcr for p in exp.points] == [0.5, 0.8]
    assert [p.scenario.reasons[0].fcr for p in exp.points] == [1.0, 1.0]


def test_replications_and_seed_default_to_the_base_scenario(tmp_path):
    spec = {k: v for k, v in GRID.items() if k not in ("replications", "seed")}
    exp = load_experiment(write(tmp_path, spec))
    assert (exp.replications, exp.seed) == (BASE["replications"], BASE["seed"])


def test_the_example_experiment_is_valid():
    exp = load_experiment(ROOT / "experiments" / "fcr_x_headcount.yaml")
    assert len(exp.points) >= 4


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"parameters": {"agents.headcount": [10, -3]}}, ["agents.headcount", "-3", ">= 0"]),
        ({"parameters": {"reasons[billing].share": [0.4, 0.5]}}, ["shares sum to 1.1"]),
        ({"parameters": {"reasons[sales].share": [0.5]}}, ["reasons[sales].share", "'billing'"]),
        ({"parameters": {"agents.headcount": 12}}, ["agents.headcount", "varies nothing", "[12]"]),
        ({"parameters": {"agents.headcount": {"from": 9, "to": 1, "step": 1}}}, ["from: A"]),
        (
            {"mode": "list", "parameters": {"agents.headcount": [1, 2], "seed": [1]}},
            ["seed", "cannot be swept", "different lengths"],
        ),
        (
            {"parameters": {"reasons[0].share": [0.6], "reasons[general].share": [0.6]}},
            ["name the same field", "reasons[0].share"],
        ),
        ({"paramters": {}}, ["unknown key 'paramters'", "did you mean 'parameters'"]),
        ({"base": "missing.yaml"}, ["base", "missing.yaml", "file not found"]),
    ],
)
def test_bad_experiment_exits_2_names_file_path_value_and_writes_nothing(tmp_path, change, words):
    path = write(tmp_path, {**GRID, **change})
    out = tmp_path / "out"
    result = cli("sweep", path, "--out", out)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert str(path) in result.output
    for word in words:
        assert word in result.output
    assert not out.exists()


def test_bad_experiment_in_a_subprocess_exits_2_with_one_message(tmp_path):
    path = write(tmp_path, {**GRID, "parameters": {"agents.headcount": [10, "many"]}})
    proc = subprocess.run(
        [*CCSIM, "sweep", str(path), "--out", str(tmp_path / "out")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert "Traceback" not in proc.stderr
    assert "agents.headcount" in proc.stderr
    assert "'many'" in proc.stderr
    assert not (tmp_path / "out").exists()


# -- running and the store --------------------------------------------------------------------
def test_results_are_tidy_and_equal_run_point_by_point(tmp_path):
    exp_path = write(tmp_path, GRID)
    outcome = run_sweep(exp_path, tmp_path / "out", workers=1, progress=False)
    assert outcome.failed == []
    results = load_sweep(tmp_path / "out")
    params = list(GRID["parameters"])
    assert list(results.columns[:4]) == ["point", *params, "replication"]
    assert set(KPI_KEYS) <= set(results.columns)
    assert len(results) == 4 * 2
    pd.testing.assert_frame_equal(simulator.load_sweep(tmp_path / "out"), results)
    for point in outcome.experiment.points:
        data = yaml.safe_load(yaml.safe_dump(BASE))
        data["agents"]["headcount"] = point.values["agents.headcount"]
        data["channels"]["phone"]["patience"]["mean_s"] = point.values[params[1]]
        expected = run(load_scenario_dict(data), replications=2, seed=5, workers=1).summary
        got = results[results["point"] == point.id].drop(columns=["point", *params])
        pd.testing.assert_frame_equal(got.reset_index(drop=True), expected)


def test_common_random_numbers_every_point_sees_the_same_customers(tmp_path):
    run_sweep(write(tmp_path, GRID), tmp_path / "out", workers=1, progress=False)
    results = load_sweep(tmp_path / "out")
    issues = results.pivot(index="replication", columns="point", values="issues")
    assert (issues.nunique(axis=1) == 1).all()  # arrivals do not depend on the parameters


def test_workers_do_not_change_the_results(tmp_path):
    exp_path = write(tmp_path, GRID)
    run_sweep(exp_path, tmp_path / "one", workers=1, progress=False)
    run_sweep(exp_path, tmp_path / "two", workers=2, progress=False)
    pd.testing.assert_frame_equal(load_sweep(tmp_path / "one"), load_sweep(tmp_path / "two"))


def test_a_dask_cluster_gives_the_local_results(tmp_path):
    distributed = pytest.importorskip("distributed")
    exp_path = write(tmp_path, GRID)
    run_sweep(exp_path, tmp_path / "local", workers=1, progress=False)
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
    ) as cluster:
        outcome = run_sweep(
            exp_path, tmp_path / "dask", scheduler=cluster.scheduler_address, progress=False
        )
    assert outcome.failed == []
    pd.testing.assert_frame_equal(load_sweep(tmp_path / "local"), load_sweep(tmp_path / "dask"))


def test_an_unreachable_scheduler_is_bad_input(tmp_path):
    pytest.importorskip("distributed")
    result = cli(
        "sweep", write(tmp_path, GRID), "--out", tmp_path / "out", "--scheduler", "tcp://bad:x"
    )
    assert result.exit_code == 2, result.output
    assert "--scheduler tcp://bad:x" in result.output
    assert not (tmp_path / "out").exists()


class Counter:
    """Wraps ``sweep.run_point`` to see which points actually ran."""

    def __init__(self, fail: str | None = None) -> None:
        self.ran: list[str] = []
        self.fail = fail
        self.real = REAL_RUN_POINT

    def __call__(self, task):
        self.ran.append(task.point)
        if task.point == self.fail:
            raise RuntimeError("engine exploded on purpose")
        return self.real(task)


def test_rerun_resumes_and_redoes_nothing_finished(tmp_path, monkeypatch):
    exp_path, out = write(tmp_path, GRID), tmp_path / "out"
    first = Counter()
    monkeypatch.setattr(sweep, "run_point", first)
    run_sweep(exp_path, out, workers=1, progress=False)
    assert first.ran == ["p000", "p001", "p002", "p003"]
    complete = load_sweep(out)
    mtimes = {p.name: p.stat().st_mtime_ns for p in (out / "points").iterdir()}
    (out / "points" / "p002.parquet").unlink()
    (out / "results.parquet").unlink()

    again = Counter()
    monkeypatch.setattr(sweep, "run_point", again)
    result = cli("sweep", exp_path, "--out", out, "--workers", "1", "--json")
    assert result.exit_code == 0, result.output
    assert again.ran == ["p002"]
    for name, mtime in mtimes.items():
        if name != "p002.parquet":
            assert (out / "points" / name).stat().st_mtime_ns == mtime
    pd.testing.assert_frame_equal(load_sweep(out), complete)


@pytest.mark.slow
def test_a_killed_sweep_resumes_where_it_stopped(tmp_path, monkeypatch):
    spec = {**GRID, "parameters": {"agents.headcount": [10, 11, 12, 13, 14, 15, 16, 17]}}
    spec["replications"] = 6
    exp_path, out = write(tmp_path, spec), tmp_path / "out"
    proc = subprocess.Popen(
        [*CCSIM, "sweep", str(exp_path), "--out", str(out), "--workers", "1", "--json"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while not list((out / "points").glob("p*.parquet")) and time.monotonic() < deadline:
            time.sleep(0.02)
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    finished = sorted(p.stem for p in (out / "points").glob("p*.parquet"))
    assert 1 <= len(finished) < 8, "kill the sweep after its first point, before its last"
    assert not (out / "results.parquet").exists()

    counter = Counter()
    monkeypatch.setattr(sweep, "run_point", counter)
    outcome = run_sweep(exp_path, out, workers=1, progress=False)
    assert sorted(counter.ran) == sorted({p.id for p in outcome.experiment.points} - set(finished))
    assert outcome.resumed == len(finished)
    fresh = run_sweep(exp_path, tmp_path / "fresh", workers=1, progress=False)
    pd.testing.assert_frame_equal(load_sweep(out), load_sweep(fresh.out))


def test_a_failing_point_is_recorded_and_the_others_finish(tmp_path, monkeypatch):
    exp_path, out = write(tmp_path, GRID), tmp_path / "out"
    monkeypatch.setattr(sweep, "run_point", Counter(fail="p001"))
    result = cli("sweep", exp_path, "--out", out, "--workers", "1", "--json")
    assert result.exit_code == 1
    printed = json.loads(result.stdout)
    assert printed["points"] == 4
    assert printed["out"] == str(out)
    assert [f["point"] for f in printed["failed"]] == ["p001"]
    record = json.loads((out / "failed" / "p001.json").read_text())
    assert record["parameters"] == {"agents.headcount": 12, "channels.phone.patience.mean_s": 240}
    assert "engine exploded on purpose" in record["error"]
    assert "RuntimeError" in record["traceback"]
    assert sorted(load_sweep(out)["point"].unique()) == ["p000", "p002", "p003"]

    # The same command retries the failed point only.
    counter = Counter()
    monkeypatch.setattr(sweep, "run_point", counter)
    outcome = run_sweep(exp_path, out, workers=1, progress=False)
    assert counter.ran == ["p001"]
    assert outcome.failed == []
    assert not (out / "failed" / "p001.json").exists()
    assert sorted(load_sweep(out)["point"].unique()) == ["p000", "p001", "p002", "p003"]


def fail_on_p002(task):
    """A point runner for worker processes (found there by its module path)."""
    if task.point == "p002":
        raise ValueError("bad luck in a worker")
    return REAL_RUN_POINT(task)


def test_a_failing_point_in_a_worker_process_is_recorded(tmp_path, monkeypatch):
    exp_path, out = write(tmp_path, GRID), tmp_path / "out"
    monkeypatch.setattr(sweep, "run_point", fail_on_p002)
    outcome = run_sweep(exp_path, out, workers=2, progress=False)
    assert [f["point"] for f in outcome.failed] == ["p002"]
    assert "bad luck in a worker" in outcome.failed[0]["error"]
    assert (out / "failed" / "p002.json").exists()
    assert sorted(load_sweep(out)["point"].unique()) == ["p000", "p001", "p003"]


def test_another_experiment_in_the_folder_is_refused_unless_force(tmp_path):
    out = tmp_path / "out"
    run_sweep(write(tmp_path / "a", GRID), out, workers=1, progress=False)
    other = write(tmp_path / "b", {**GRID, "parameters": {"agents.headcount": [13]}})
    result = cli("sweep", other, "--out", out)
    assert result.exit_code == 2
    assert "different sweep" in result.output
    assert "other parameter values" in result.output
    assert "--force" in result.output
    assert len(load_sweep(out)) == 8  # untouched

    result = cli("sweep", other, "--out", out, "--force", "--workers", "1", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"points": 1, "failed": [], "out": str(out)}
    assert list(load_sweep(out)["agents.headcount"].unique()) == [13]
    assert sorted(p.name for p in (out / "points").iterdir()) == ["p000.parquet"]


def test_a_folder_that_is_not_a_sweep_is_refused(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    result = cli("sweep", write(tmp_path, GRID), "--out", out)
    assert result.exit_code == 2
    assert "holds no sweep" in result.output
    assert (out / "notes.txt").read_text() == "mine"


def test_workers_and_scheduler_together_are_refused(tmp_path):
    result = cli(
        "sweep", write(tmp_path, GRID), "--out", tmp_path / "o", "--workers", "2",
        "--scheduler", "tcp://localhost:8786",
    )  # fmt: skip
    assert result.exit_code == 2
    assert "not both" in result.output


def test_the_table_shows_parameters_and_mean_kpis(tmp_path):
    args = ["sweep", str(write(tmp_path, GRID)), "--out", str(tmp_path / "out"), "--workers", "1"]
    result = CliRunner().invoke(app, args, env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    for word in ("p003", "ASA", "service level", "occupancy", "%"):
        assert word in result.stdout


def test_load_sweep_of_an_interrupted_sweep_gives_the_finished_points(tmp_path):
    out = tmp_path / "out"
    run_sweep(write(tmp_path, GRID), out, workers=1, progress=False)
    (out / "results.parquet").unlink()
    (out / "points" / "p000.parquet").unlink()
    assert sorted(load_sweep(out)["point"].unique()) == ["p001", "p002", "p003"]
    with pytest.raises(SweepError):
        load_sweep(tmp_path)
