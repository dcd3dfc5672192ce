"""``ccsim compare``: the A2b JSON shape, exact zero for a scenario against itself, common random
numbers narrowing the paired CI, ``--out`` files and exit 2 for bad input."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

from simulator.cli import app
from simulator.results.catalogue import KPI_KEYS
from simulator.runs.replications import run
from simulator.scenario.loading import load_scenario_dict
from simulator.studies.compare import compare

# Small: 6 hours at 200 issues/h with repeats and abandonment, so every KPI group has numbers.
SPEC: dict[str, Any] = {
    "name": "base",
    "seed": 3,
    "replications": 4,
    "horizon": {"days": 1, "warmup_minutes": 0, "interval_minutes": 60},
    "arrivals": {"per_hour": [200.0] * 6 + [0.0] * 18},
    "reasons": [
        {
            "name": "billing",
            "share": 1.0,
            "handle_time": {"dist": "exponential", "mean_s": 300},
            "fcr": 0.6,
            "repeat": {"probability": 0.8, "delay": {"dist": "exponential", "mean_min": 30}},
        }
    ],
    "channels": {"phone": {"patience": {"dist": "exponential", "mean_s": 120}}},
    "agents": {"headcount": 22},
}


def spec(**changes: Any) -> dict[str, Any]:
    out = json.loads(json.dumps(SPEC))
    out.update(changes)
    return out


def write(tmp_path: Path, name: str, data: dict[str, Any]) -> Path:
    path = tmp_path / f"{name}.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def invoke(*args: str) -> Any:
    return CliRunner().invoke(app, list(args))


def test_json_has_the_a2b_shape(tmp_path):
    a = write(tmp_path, "a", spec())
    b = write(tmp_path, "b", spec(name="more", agents={"headcount": 24}))
    result = invoke("compare", str(a), str(b), "--replications", "3", "--workers", "1", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)  # exactly one JSON object, no NaN
    assert data["scenarios"] == ["base", "more"]
    assert set(data["kpis"]) == set(KPI_KEYS) == set(data["diff"])
    for key in KPI_KEYS:
        assert len(data["kpis"][key]) == 2
        assert len(data["diff"][key]) == 1
        assert set(data["diff"][key][0]) == {"mean", "ci95"}
    asa = data["kpis"]["asa_s"]
    assert data["diff"]["asa_s"][0]["mean"] == pytest.approx(asa[1] - asa[0])
    assert data["diff"]["asa_s"][0]["mean"] < 0  # two more agents: shorter waits
    assert data["replications"] == 3
    assert data["seed"] == 3
    assert any("structure" in note for note in data["notes"])


def test_a_scenario_against_itself_differs_by_exactly_zero():
    sc = load_scenario_dict(spec())
    c = compare([sc, sc], replications=3, workers=1)
    for key, rows in c.diff().items():
        if c.kpis()[key][0] is None:
            assert rows == [{"mean": None, "ci95": None}]
        else:
            assert rows == [{"mean": 0.0, "ci95": 0.0}], key


def test_common_random_numbers_make_the_paired_ci_narrower():
    """Paired CI of B - A versus the CI of the difference of two independent runs."""
    a = load_scenario_dict(spec())
    b = load_scenario_dict(spec(name="more", agents={"headcount": 24}))
    c = compare([a, b], replications=5, workers=1)
    independent_b = run(b, replications=5, seed=1000, workers=1)
    for key in ("service_level", "asa_s", "answered"):
        paired = c.diff()[key][0]["ci95"]
        unpaired = math.hypot(c.results[0].ci95[key], independent_b.ci95[key])
        assert paired < unpaired, (key, paired, unpaired)


def test_seed_applies_to_every_scenario_and_differing_horizons_are_noted():
    a = load_scenario_dict(spec())
    b = load_scenario_dict(
        spec(name="two-days", seed=9, horizon={"days": 2, "interval_minutes": 60})
    )
    c = compare([a, b], replications=2, seed=5, workers=1)
    assert c.seed == 5
    assert all(r.seed == 5 for r in c.results)
    text = " ".join(c.notes)
    assert "different horizon" in text
    assert "seed 5" in text


def test_out_writes_tidy_csv_diff_csv_and_png(tmp_path):
    a = write(tmp_path, "a", spec())
    b = write(tmp_path, "b", spec(name="more", agents={"headcount": 24}))
    out = tmp_path / "cmp"
    result = invoke(
        "compare", str(a), str(b), "--replications", "2", "--workers", "1", "--out", str(out)
    )
    assert result.exit_code == 0, result.output
    tidy = pd.read_csv(out / "compare.csv")
    assert list(tidy.columns[:2]) == ["scenario", "replication"]
    assert len(tidy) == 4
    assert set(tidy["scenario"]) == {"base", "more"}
    diff = pd.read_csv(out / "diff.csv")
    assert set(diff["kpi"]) == set(KPI_KEYS)
    assert (out / "compare.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "more − base" in result.stdout
    # a change of a share is in percentage points, other KPIs keep their unit
    (sl_row,) = [line for line in result.stdout.splitlines() if " service_level " in line]
    assert re.search(r"[+−]\d+\.\d pt ± \d+\.\d pt", sl_row), sl_row
    (asa_row,) = [line for line in result.stdout.splitlines() if " asa_s " in line]
    assert re.search(r"[+−]\d+\.\d+ s ± \d+\.\d+ s", asa_row), asa_row
    # as in `ccsim run`: KPIs of features neither scenario uses (chat, e-mail) are left out
    assert "chat_offered" not in result.stdout
    assert "0 or undefined in every scenario are not shown" in result.stdout
    again = invoke("compare", str(a), str(b), "--replications", "2", "--out", str(out))
    assert again.exit_code == 2
    assert "not empty" in again.output


@pytest.mark.parametrize(
    "problem", ["missing", "yaml", "schema", "single"], ids=lambda p: f"bad-{p}"
)
def test_bad_input_exits_2_with_a_message(tmp_path, problem):
    good = write(tmp_path, "good", spec())
    other = tmp_path / "other.yaml"
    if problem == "yaml":
        other.write_text("name: [unclosed\n", encoding="utf-8")
    elif problem == "schema":
        other.write_text(yaml.safe_dump(spec(agents={"headcount": -1})), encoding="utf-8")
    args = [str(good)] if problem == "single" else [str(good), str(other)]
    result = invoke("compare", *args, "--json")
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert result.stdout == "" or not result.stdout.lstrip().startswith("{")
    if problem != "single":
        assert "other.yaml" in result.output


def test_the_table_speaks_the_language_asked_for(tmp_path):
    """--lang nl gives Dutch KPI names, decimal commas and changes of shares in %-punt."""
    a = write(tmp_path, "a", spec())
    b = write(tmp_path, "b", spec(name="more", agents={"headcount": 24}))
    args = ("compare", str(a), str(b), "--replications", "2", "--workers", "1")
    dutch = invoke(*args, "--lang", "nl")
    assert dutch.exit_code == 0, dutch.output
    assert "Afhaakpercentage" in dutch.stdout
    assert "%-punt" in dutch.stdout
    assert "2 replicaties (gemeenschappelijke toevalsgetallen)" in dutch.stdout
    english = invoke(*args)
    assert "Abandon rate" in english.stdout
    assert "Afhaakpercentage" not in english.stdout
