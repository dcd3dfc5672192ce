"""The ``ccsim`` command line against spec A2: stdout, exit codes, messages and ``--out``.

Most tests run the CLI in-process; the JSON contract and the bad-input cases run it as a
subprocess, because what matters there is exactly what a calling script sees.
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

from simulator import __version__
from simulator.cli import app
from simulator.scenario.profiles import intraday_weights
from tests.conftest import SPEC_A2_KPIS

ROOT = Path(__file__).resolve().parents[2]

# Short enough for a test: 2 replications of one day at 200 issues/h.
SMALL = """\
name: cli-small
seed: 3
replications: 2
horizon: {days: 1, warmup_minutes: 0, interval_minutes: 60}
arrivals: {per_hour: 200}
reasons:
  - name: general
    share: 1.0
    handle_time: {dist: exponential, mean_s: 120}
channels:
  phone:
    patience: {dist: exponential, mean_s: 120}
agents: {headcount: 10}
"""

OUT_FILES = {
    "summary.csv",
    "intervals.parquet",
    "contacts.parquet",
    "journeys.parquet",
    "agents.parquet",
    "by_reason.csv",
    "by_group.csv",
    "scenario.yaml",
    "meta.json",
}


def write(tmp_path: Path, text: str, name: str = "scenario.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def ccsim(*args: str | Path) -> subprocess.CompletedProcess[str]:
    """Run the CLI as a separate process, as a script calling ``ccsim`` would."""
    return subprocess.run(
        [sys.executable, "-m", "simulator.cli", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
        check=False,
    )


def invoke(*args: str | Path):
    return CliRunner().invoke(app, [str(a) for a in args])


def test_run_json_prints_one_a2_object_and_nothing_else(tmp_path):
    proc = ccsim("run", write(tmp_path, SMALL), "--replications", "2", "--json")
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)  # fails if anything else is on stdout
    assert proc.stdout.strip().count("\n") == 0
    assert out["scenario"] == "cli-small"
    assert out["seed"] == 3
    assert out["replications"] == 2
    assert set(out["kpis"]) >= SPEC_A2_KPIS
    assert set(out["ci95"]) >= SPEC_A2_KPIS
    assert out["kpis"]["offered"] > 0
    assert out["ci95"]["offered"] is not None
    assert 0 < out["kpis"]["service_level"] <= 1


def test_undefined_kpis_are_null_not_nan(tmp_path):
    no_agents = SMALL.replace("headcount: 10", "headcount: 0")
    result = invoke("run", write(tmp_path, no_agents), "--replications", "1", "--json")
    assert result.exit_code == 0, result.stderr
    assert "NaN" not in result.stdout
    out = json.loads(result.stdout)
    assert all(v is None for v in out["ci95"].values())
    assert out["kpis"]["asa_s"] is None
    assert out["kpis"]["answered"] == 0
    assert out["kpis"]["abandoned"] + out["kpis"]["in_system_at_end"] == out["kpis"]["offered"]


def test_run_prints_a_readable_table(tmp_path):
    result = invoke("run", write(tmp_path, SMALL), "--replications", "2")
    assert result.exit_code == 0, result.stderr
    assert "cli-small" in result.stdout
    assert "seed 3" in result.stdout
    assert "2 replications" in result.stdout
    assert "Service level" in result.stdout
    assert "%" in result.stdout
    assert result.stderr == ""  # no progress bar when stderr is not a terminal


def test_run_table_in_dutch(tmp_path):
    """--lang nl: the whole table is Dutch (names, headers, title, decimal commas)."""
    result = invoke("run", write(tmp_path, SMALL), "--replications", "2", "--lang", "nl")
    assert result.exit_code == 0, result.stderr
    assert "2 replicaties" in result.stdout
    assert "Gemiddelde" in result.stdout
    assert "Servicelevel" in result.stdout
    assert "Service level" not in result.stdout


def test_table_shows_undefined_values_as_a_dash(tmp_path):
    no_agents = SMALL.replace("headcount: 10", "headcount: 0")
    result = invoke("run", write(tmp_path, no_agents), "--replications", "1")
    assert result.exit_code == 0, result.stderr
    asa_row = next(line for line in result.stdout.splitlines() if "asa_s" in line)
    assert asa_row.count("–") == 2  # mean and CI


def test_workers_do_not_change_the_numbers(tmp_path):
    path = write(tmp_path, SMALL)
    one = invoke("run", path, "--replications", "2", "--workers", "1", "--json")
    two = invoke("run", path, "--replications", "2", "--workers", "2", "--json")
    assert one.exit_code == two.exit_code == 0, one.stderr + two.stderr
    assert json.loads(one.stdout) == json.loads(two.stdout)


def test_seed_option_overrides_the_scenario(tmp_path):
    path = write(tmp_path, SMALL)
    result = invoke("run", path, "--replications", "2", "--seed", "11", "--json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["seed"] == 11


def test_out_writes_the_run_folder(tmp_path):
    out_dir = tmp_path / "run1"
    result = invoke(
        "run", write(tmp_path, SMALL), "--replications", "2", "--out", out_dir, "--json"
    )
    assert result.exit_code == 0, result.stderr
    printed = json.loads(result.stdout)
    assert {p.name for p in out_dir.iterdir()} == OUT_FILES

    summary = pd.read_csv(out_dir / "summary.csv")
    assert len(summary) == 2
    assert list(summary["replication"]) == [0, 1]
    assert set(summary.columns) >= SPEC_A2_KPIS

    intervals = pd.read_parquet(out_dir / "intervals.parquet")
    assert set(intervals.columns) >= {
        "replication",
        "interval",
        "start_min",
        "in_warmup",
        "offered",
        "answered",
        "abandoned",
        "asa_s",
        "service_level",
        "aht_s",
        "agents_on_duty",
        "occupancy",
    }
    assert len(intervals) == 2 * 24  # replications x one-hour intervals of one day
    contacts = pd.read_parquet(out_dir / "contacts.parquet")
    assert set(contacts.columns) >= {
        "replication",
        "contact",
        "issue",
        "reason",
        "kind",
        "arrival_s",
        "wait_s",
        "outcome",
        "handle_s",
        "agent",
    }
    assert len(contacts) == intervals["offered"].sum()

    meta = json.loads((out_dir / "meta.json").read_text())
    assert meta["ccsim_version"] == __version__
    assert meta["scenario"] == "cli-small"
    assert (meta["seed"], meta["replications"]) == (3, 2)
    assert meta["workers"] >= 1
    assert "run" in meta["command_line"]
    assert "--out" in meta["command_line"]
    assert datetime.fromisoformat(meta["started"]) <= datetime.fromisoformat(meta["finished"])
    assert meta["kpis"] == printed["kpis"]
    assert meta["ci95"] == printed["ci95"]

    as_run = yaml.safe_load((out_dir / "scenario.yaml").read_text())
    assert as_run["name"] == "cli-small"
    again = invoke("validate", out_dir / "scenario.yaml")
    assert again.exit_code == 0, again.stderr


def test_the_scenario_as_run_gives_the_same_numbers_again(tmp_path):
    """scenario.yaml holds the seed and replications given on the command line, not the file's."""
    out_dir = tmp_path / "run"
    options = ("--replications", "1", "--seed", "5")
    first = invoke("run", write(tmp_path, SMALL), *options, "--out", out_dir, "--json")
    assert first.exit_code == 0, first.stderr
    as_run = yaml.safe_load((out_dir / "scenario.yaml").read_text())
    assert (as_run["seed"], as_run["replications"]) == (5, 1)
    again = invoke("run", out_dir / "scenario.yaml", "--json")
    assert again.exit_code == 0, again.stderr
    assert json.loads(again.stdout)["kpis"] == json.loads(first.stdout)["kpis"]


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in folder.iterdir()}


def test_existing_out_folder_is_refused_unless_force(tmp_path):
    path = write(tmp_path, SMALL)
    out_dir = tmp_path / "run"
    assert invoke("run", path, "--replications", "2", "--out", out_dir).exit_code == 0
    before = snapshot(out_dir)

    refused = invoke("run", path, "--replications", "2", "--seed", "5", "--out", out_dir)
    assert refused.exit_code == 2
    assert str(out_dir) in refused.stderr
    assert "--force" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert refused.stdout == ""
    assert snapshot(out_dir) == before

    forced = invoke("run", path, "--replications", "2", "--seed", "5", "--out", out_dir, "--force")
    assert forced.exit_code == 0, forced.stderr
    assert {p.name for p in out_dir.iterdir()} == OUT_FILES
    assert json.loads((out_dir / "meta.json").read_text())["seed"] == 5
    # Neither the staging folder nor the replaced one is left beside it.
    assert {p.name for p in tmp_path.iterdir()} == {"scenario.yaml", "run"}


def test_empty_out_folder_is_used(tmp_path):
    out_dir = tmp_path / "empty"
    out_dir.mkdir()
    result = invoke("run", write(tmp_path, SMALL), "--replications", "2", "--out", out_dir)
    assert result.exit_code == 0, result.stderr
    assert {p.name for p in out_dir.iterdir()} == OUT_FILES


BASE_REASON = "reasons: [{name: x, share: 1.0, handle_time: {dist: exponential, mean_s: 60}}]"
BAD_INPUTS = {
    "yaml-syntax": ("arrivals: {per_hour: 200\nreasons: [\n", []),
    "unknown-key": (
        SMALL.replace("handle_time:", "handel_time:"),
        ["reasons[0]", "handel_time"],
    ),
    "share-sum": (SMALL.replace("share: 1.0", "share: 0.9"), ["reasons", "share"]),
    "per-hour-zero": (SMALL.replace("per_hour: 200", "per_hour: 0"), ["arrivals.per_hour"]),
    "per-hour-negative": (SMALL.replace("per_hour: 200", "per_hour: -5"), ["arrivals.per_hour"]),
    "redial-probability": (
        SMALL.replace(
            "    patience:",
            "    redial: {probability: 1.5, delay: {dist: exponential, mean_min: 5}}\n"
            "    patience:",
        ),
        ["channels.phone.redial.probability"],
    ),
    "unknown-distribution": (
        SMALL.replace(
            "dist: exponential, mean_s: 120}\nchannels", "dist: weibull, mean_s: 120}\nchannels"
        ),
        ["reasons[0].handle_time", "weibull"],
    ),
    "spec-hook": ("reasons: [{name: x, share: 1.5}]\nagents: {headcount: -3}\n", []),
}


@pytest.mark.parametrize("case", list(BAD_INPUTS))
def test_bad_input_exits_2_with_file_and_field_and_no_traceback(tmp_path, case):
    text, expected = BAD_INPUTS[case]
    path = write(tmp_path, text, name="bad.yaml")
    out_dir = tmp_path / "out"
    proc = ccsim("run", path, "--replications", "2", "--json", "--out", out_dir)
    assert proc.returncode == 2, proc.stderr
    assert "bad.yaml" in proc.stderr
    for fragment in expected:
        assert fragment in proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr
    assert proc.stdout == ""
    assert {p.name for p in tmp_path.iterdir()} == {"bad.yaml"}  # nothing written for --out


def test_missing_file_exits_2(tmp_path):
    missing = tmp_path / "nope.yaml"
    proc = ccsim("run", missing, "--json", "--out", tmp_path / "out")
    assert proc.returncode == 2
    assert "nope.yaml" in proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr
    assert proc.stdout == ""
    assert list(tmp_path.iterdir()) == []


def test_unknown_option_is_a_usage_error(tmp_path):
    result = invoke("run", write(tmp_path, SMALL), "--bogus")
    assert result.exit_code == 2
    assert "--bogus" in result.stderr


def test_internal_error_exits_1_with_one_line(tmp_path, monkeypatch):
    import simulator.runs.replications

    def broken(*args, **kwargs):
        raise RuntimeError("boom\nsecond line")

    monkeypatch.setattr(simulator.runs.replications, "run", broken)
    path = write(tmp_path, SMALL)
    result = invoke("run", path, "--json")
    assert result.exit_code == 1
    assert result.stderr == "internal error: RuntimeError: boom second line\n"
    assert result.stdout == ""

    monkeypatch.setenv("CCSIM_DEBUG", "1")
    debug = invoke("run", path, "--json")
    assert debug.exit_code == 1
    assert "Traceback" in debug.stderr
    assert "internal error: RuntimeError" in debug.stderr


def test_validate_accepts_the_minimal_scenario():
    path = ROOT / "scenarios" / "minimal.yaml"
    result = invoke("validate", path)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith(f"{path}: valid (scenario minimal: 1 reason, ")
    assert "90 agents" in result.stdout


def test_validate_prints_the_peak_rate_and_the_volume_per_day(tmp_path):
    """Not a 24-hour average: the peak hour (typical_weekday renormalised to 08:00-20:00, so
    Monday's 1,200 issues peak at 10:00) and the volume of each weekday, equal ones grouped."""
    week = SMALL.replace("days: 1,", "days: 7,").replace(
        "arrivals: {per_hour: 200}",
        "calendar: {opening_hours: {mon-fri: '08:00-20:00', sat: '09:00-17:00'}}\n"
        "arrivals: {per_day: 1000, intraday: typical_weekday, "
        "day_of_week: {mon: 1.2, sat: 0.5, sun: 0}}",
    )
    weights = intraday_weights("typical_weekday", 24)[8:20]  # hours of a weekday
    peak = 1200 * weights.max() / weights.sum()
    result = invoke("validate", write(tmp_path, week))
    assert result.exit_code == 0, result.stderr
    assert f"new issues peak {peak:,.0f}/h (Mon 10:00)" in result.stdout
    assert "per day Mon 1,200, Tue–Fri 1,000, Sat 500, Sun 0," in result.stdout


def test_validate_rejects_a_bad_file(tmp_path):
    path = write(tmp_path, SMALL.replace("share: 1.0", "share: 0.9"), name="bad.yaml")
    proc = ccsim("validate", path)
    assert proc.returncode == 2
    assert "bad.yaml" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert proc.stdout == ""


def test_schema_is_json_with_the_top_level_sections():
    result = invoke("schema")
    assert result.exit_code == 0, result.stderr
    schema = json.loads(result.stdout)
    assert {"arrivals", "reasons", "agents"} <= set(schema["properties"])


def test_version():
    result = invoke("--version")
    assert result.exit_code == 0
    assert result.stdout.strip() == f"ccsim {__version__}"
