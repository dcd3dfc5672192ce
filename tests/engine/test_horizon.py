"""The horizon trap: what falls due after the horizon is counted, and a large share warns.

The expected count has a closed form for one reason, exponential repeat delays (mean ``mu``),
repeat probability 1, nobody abandoning and hardly any wait: after each contact (handle time
``h``) the issue has a repeat pending with probability ``q = 1 - fcr``; a pending repeat comes at
rate ``1/mu`` and leaves one pending again with probability ``q``. So a journey that starts ``s``
before the horizon still has one pending then with probability ``q exp(-(1 - q) s / mu)``; with
new issues at rate ``lam`` over ``T`` that makes ``lam q mu / (1 - q) (1 - exp(-(1 - q) T / mu))``
cut off. Contacts in service at the horizon finish, and the repeats they lead to are cut off
too: ``lam h / (1 - q)`` contacts in service on average, a share ``q`` of them unresolved.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

from simulator.cli import app
from simulator.present.report import render_html
from simulator.present.warnings import (
    SHARE_KEY,
    TRAP_SHARE,
    horizon_warning,
    is_trapped,
    sweep_warning,
)
from simulator.results.rundir import load_run
from simulator.runs.replications import run
from simulator.scenario.loading import load_scenario_dict
from simulator.studies.sweep import load_experiment
from tests.present.report_fixtures import synthetic_run

ROOT = Path(__file__).resolve().parents[2]
RATE_PER_H, FCR, DAYS, HANDLE_S = 100.0, 0.6, 1, 300


def scenario_dict(delay_min: float | None) -> dict:
    """One day, FCR 0.6, agents enough that nobody waits long; ``None``: the default delay."""
    reason = {
        "name": "general",
        "share": 1.0,
        "handle_time": {"dist": "exponential", "mean_s": HANDLE_S},
        "fcr": FCR,
    }
    if delay_min is not None:
        reason["repeat"] = {"delay": {"dist": "exponential", "mean_min": delay_min}}
    return {
        "name": "trap",
        "seed": 3,
        "replications": 10,
        "horizon": {"days": DAYS, "warmup_minutes": 60},
        "arrivals": {"per_hour": RATE_PER_H},
        "reasons": [reason],
        "agents": {"headcount": 25},
    }


def expected_cut_off(mean_delay_h: float) -> float:
    q, horizon_h, handle_h = 1 - FCR, 24.0 * DAYS, HANDLE_S / 3600
    pending_h = mean_delay_h * (1 - math.exp(-(1 - q) * horizon_h / mean_delay_h))
    return RATE_PER_H * q / (1 - q) * (handle_h + pending_h)


def within_replication_noise(result, key: str, expected: float) -> None:
    values = result.summary[key]
    se = values.std(ddof=1) / math.sqrt(len(values))
    assert abs(values.mean() - expected) <= 4 * se, (values.mean(), expected, se)


def test_a_day_with_a_day_of_repeat_delay_is_trapped_and_counted():
    result = run(load_scenario_dict(scenario_dict(None), source="<test>"), workers=1)
    within_replication_noise(result, "repeats_after_horizon", expected_cut_off(24.0))
    share = result.kpis["due_after_horizon_share"]
    # about 720 cut off against about 2,700 contacts: a fifth of what the customers would do
    assert share > 0.15
    assert is_trapped(result.kpis)
    s = result.summary
    due = s[[f"{x}_after_horizon" for x in ("repeats", "redials", "retries", "callbacks")]]
    due = due.sum(axis=1)
    assert share == pytest.approx((due / (s["contacts"] + due)).mean())
    warning = horizon_warning(result.kpis)
    assert warning is not None
    assert "Horizon trap" in warning
    assert "Horizonval" in horizon_warning(result.kpis, "nl")


def test_a_five_minute_repeat_delay_loses_almost_nothing():
    result = run(load_scenario_dict(scenario_dict(5.0), source="<test>"), workers=1)
    within_replication_noise(result, "repeats_after_horizon", expected_cut_off(5 / 60))
    assert result.kpis["due_after_horizon_share"] < 0.005
    assert not is_trapped(result.kpis)
    assert horizon_warning(result.kpis) is None


@pytest.mark.parametrize(("delay_min", "warns"), [(None, True), (5.0, False)])
def test_run_warns_on_stderr_and_keeps_stdout_one_json_object(tmp_path, delay_min, warns):
    data = scenario_dict(delay_min) | {"replications": 2}
    file = tmp_path / "trap.yaml"
    file.write_text(yaml.safe_dump(data), encoding="utf-8")
    runner = CliRunner()
    for args in (["--json"], []):
        res = runner.invoke(app, ["run", str(file), "--workers", "1", *args])
        assert res.exit_code == 0, res.stderr
        assert ("warning: Horizon trap" in res.stderr) is warns
        assert "Horizon trap" not in res.stdout
        if args:
            kpis = json.loads(res.stdout)["kpis"]
            assert (kpis["due_after_horizon_share"] > TRAP_SHARE) is warns


def test_the_fcr_experiment_is_out_of_the_trap():
    """The low-FCR corner of experiments/fcr_x_headcount.yaml, with the most agents (few
    abandon, so few issues end early): contacts per issue near 1/(1 - (1 - f) p), p = 1."""
    exp = load_experiment(ROOT / "experiments" / "fcr_x_headcount.yaml")
    point = max(
        (p for p in exp.points if p.values["reasons[general].fcr"] == 0.6),
        key=lambda p: p.values["agents.headcount"],
    )
    result = run(point.scenario, replications=2, seed=exp.seed, workers=1)
    steady = 1 / (1 - (1 - 0.6))
    assert result.kpis["contacts_per_issue"] > 0.95 * steady  # the trap gave 1.15, i.e. 0.69
    assert not is_trapped(result.kpis)


@pytest.mark.parametrize(("share", "box"), [(0.2, True), (0.01, False)])
def test_the_report_shows_a_warning_box_when_trapped(tmp_path, share, box):
    run_dir = synthetic_run(tmp_path / "run")
    meta_file = run_dir / "meta.json"
    meta = json.loads(meta_file.read_text(encoding="utf-8"))
    meta["kpis"] |= {"due_after_horizon_share": share, "repeats_after_horizon": 640.0}
    meta_file.write_text(json.dumps(meta), encoding="utf-8")
    html = render_html(load_run(run_dir), "nl")
    assert ("class='note horizon-trap'" in html) is box
    assert ("Horizonval: 20,0% van de contacten" in html) is box


def test_a_sweep_names_its_trapped_points():
    results = pd.DataFrame(
        {"point": ["p000", "p000", "p001", "p001"], SHARE_KEY: [0.20, 0.22, 0.01, 0.02]}
    )
    warning = sweep_warning(results)
    assert warning is not None
    assert "1 point(s) (p000)" in warning
    assert "21.0%" in warning  # the worst point's mean share
    assert sweep_warning(results[results["point"] == "p001"]) is None
