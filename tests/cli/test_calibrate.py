"""``ccsim calibrate SCENARIO SURVEY``: the fitted block, JSON, and bad survey input (exit 2)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import yaml
from typer.testing import CliRunner

from simulator.cli import app
from simulator.results.calibration import journey_features, members
from simulator.runs.replications import run
from simulator.scenario.loading import load_scenario
from simulator.scenario.survey import CSAT_WEIGHTS, PREDEFINED

# One day with repeats, give-ups, abandonment and failed self-service; 2 short replications.
SCENARIO = """\
name: calibrate-small
seed: 5
replications: 2
horizon: {days: 1, warmup_minutes: 0}
arrivals: {per_hour: 120}
reasons:
  - name: general
    share: 1.0
    handle_time: {dist: exponential, mean_s: 300}
    fcr: 0.6
    repeat: {probability: 0.8, delay: {dist: exponential, mean_min: 30}, max_contacts: 3}
    self_service: {offered: 0.4, success: 0.5}
channels:
  phone:
    patience: {dist: exponential, mean_s: 180}
agents: {headcount: 12}
"""
KNOWN = {
    "base": 9.1,
    "per_minute_wait": -0.2,
    "per_hour_email_wait": -0.1,
    "per_abandoned": -0.9,
    "per_repeat_contact": -1.3,
    "per_missed_callback": -1.0,
    "failed_self_service": -0.4,
    "unresolved": -1.7,
}


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """The scenario, and a survey whose means are those of the proxy with KNOWN weights over
    the journeys the same run (same seed and replications) produces."""
    folder = tmp_path_factory.mktemp("calibrate")
    scenario_file = folder / "scenario.yaml"
    scenario_file.write_text(SCENARIO, encoding="utf-8")
    journeys = run(load_scenario(scenario_file), workers=1, keep_contacts=True).journeys
    rows, feats = journey_features(journeys)
    score = np.clip(feats @ np.array([KNOWN[k] for k in CSAT_WEIGHTS]), 1.0, 10.0)
    groups = []
    for name in ["resolved_first_contact", "repeat_1", "repeat_2", "abandoned", "gave_up"]:
        mask = members(rows, feats, PREDEFINED[name])
        groups.append({"name": name, "mean_csat": float(score[mask].mean()), "n": 100})
    waits = {"wait_min": {"min": 1.0}}
    mask = members(rows, feats, PREDEFINED["all"]) & (feats[:, 1] >= 1.0)
    groups.append({"name": "long waits", "where": waits, "mean_csat": float(score[mask].mean())})
    mask = members(rows, feats, PREDEFINED["self_service_failed"])
    groups.append({"name": "self_service_failed", "mean_csat": float(score[mask].mean())})
    survey_file = folder / "survey.yaml"
    survey_file.write_text(yaml.safe_dump({"groups": groups}), encoding="utf-8")
    return scenario_file, survey_file


def test_json_gives_back_the_known_weights(files):
    """Seven groups identify the six weights whose features occur (no e-mail, no callbacks in
    this scenario: those two keep their defaults), and the same run reproduces the survey."""
    scenario_file, survey_file = files
    out = CliRunner().invoke(
        app, ["calibrate", str(scenario_file), str(survey_file), "--json", "--workers", "1"]
    )
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    assert data["scenario"] == "calibrate-small"
    for key, value in data["weights"].items():
        expected = (
            -0.1
            if key == "per_hour_email_wait"
            else -1.0
            if key == "per_missed_callback"
            else KNOWN[key]
        )
        assert value == pytest.approx(expected, abs=1e-6), key
    assert set(data["kept"]) == {"per_hour_email_wait", "per_missed_callback"}
    assert data["satisfaction"]["csat"]["per_repeat_contact"] == -1.3
    assert max(abs(g["residual"]) for g in data["groups"]) < 1e-6


def test_text_prints_a_block_to_paste(files):
    """The printed YAML block, pasted into the scenario, holds the fitted weights."""
    scenario_file, survey_file = files
    out = CliRunner().invoke(
        app,
        [
            "calibrate",
            str(scenario_file),
            str(survey_file),
            "--workers",
            "1",
            "--replications",
            "1",
        ],
    )
    assert out.exit_code == 0, out.output
    text = out.stdout
    block = text[text.index("satisfaction:") : text.index("\n\n", text.index("satisfaction:"))]
    csat = yaml.safe_load(block)["satisfaction"]["csat"]
    assert set(csat) == set(CSAT_WEIGHTS)
    assert "residual" in text
    assert "Kept at the scenario's value:" in text
    assert "per_missed_callback: no simulated issue" in text


def _ccsim(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "simulator.cli", *args], capture_output=True, text=True
    )


@pytest.mark.parametrize(
    ("survey", "path", "says"),
    [
        (
            {"groups": [{"name": "repeat_1", "mean_csat": 12}]},
            "groups[0].mean_csat",
            "out of range",
        ),
        ({"groups": [{"name": "happy", "mean_csat": 8}]}, "groups[0].name", "all, resolved_first"),
        (
            {"groups": [{"name": "x", "where": {"repeatz": 1}, "mean_csat": 8}]},
            "groups[0].where.repeatz",
            "did you mean 'repeats'",
        ),
        (
            {"groups": [{"name": "x", "where": {"reason": "billing"}, "mean_csat": 8}]},
            "groups[0].where.reason",
            "no reason 'billing'",
        ),
        (
            {"groups": [{"name": "all", "mean_csat": 8}], "fit": ["base", "per_wait"]},
            "fit[1]",
            "per_minute_wait",
        ),
        ({"groups": []}, "groups", "too few items"),
        (
            {"groups": [{"name": "all", "mean_csat": 8}], "fit": []},
            "fit",
            "a non-empty list, each item 'base', 'per_minute_wait'",
        ),
    ],
    ids=[
        "range",
        "unknown-group",
        "unknown-key",
        "unknown-reason",
        "unknown-weight",
        "empty",
        "empty-fit",
    ],
)
def test_bad_survey_input_exits_2_with_the_field_path(files, tmp_path, survey, path, says):
    scenario_file, _ = files
    bad = tmp_path / "survey.yaml"
    bad.write_text(yaml.safe_dump(survey), encoding="utf-8")
    out = CliRunner().invoke(app, ["calibrate", str(scenario_file), str(bad)])
    assert out.exit_code == 2, out.stderr
    assert out.stdout == ""
    assert f"{bad}: {path}: " in out.stderr, out.stderr
    assert says in out.stderr
    assert "Traceback" not in out.stderr


def test_a_missing_survey_file_exits_2(files, tmp_path):
    """As a calling script sees it: a process that exits 2 with one line on stderr."""
    scenario_file, _ = files
    out = _ccsim("calibrate", str(scenario_file), str(Path(tmp_path) / "nope.yaml"))
    assert out.returncode == 2
    assert "file not found" in out.stderr
