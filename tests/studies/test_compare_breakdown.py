"""``ccsim compare`` per reason and per agent group (issue 14 item 1, spec D1).

The per-reason (per-group) difference of a KPI is the mean over the replications of scenario B's
``by_reason`` value minus scenario A's in the same replication, its CI the t interval over those
differences: exactly what the top-level ``diff`` does with the run's KPIs, restricted to one
reason. A scenario against itself differs by 0 ± 0. Checked on hand-made numbers, then on runs.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

from simulator.cli import app
from simulator.results.breakdown import GROUP_KEYS, REASON_KEYS
from simulator.scenario.loading import load_scenario_dict
from simulator.studies.compare import (
    breakdowns_from_frame,
    compare,
    paired_breakdowns,
)

# Four hours at 150 calls an hour, two reasons each with a group of its own, patience and
# repeats: every per-reason and per-group KPI has a value.
SPEC: dict[str, Any] = {
    "name": "split",
    "seed": 5,
    "replications": 3,
    "horizon": {"days": 1, "warmup_minutes": 0, "interval_minutes": 60},
    "arrivals": {"per_hour": [150.0] * 4 + [0.0] * 20},
    "reasons": [
        {
            "name": "billing",
            "share": 0.6,
            "handle_time": {"dist": "exponential", "mean_s": 240},
            "fcr": 0.7,
            "repeat": {"probability": 0.8, "delay": {"dist": "exponential", "mean_min": 20}},
        },
        {"name": "tech", "share": 0.4, "handle_time": {"dist": "exponential", "mean_s": 360}},
    ],
    "channels": {"phone": {"patience": {"dist": "exponential", "mean_s": 120}}},
    "agents": {
        "groups": [
            {"name": "front", "skills": ["billing"], "headcount": 8},
            {"name": "desk", "skills": ["tech"], "headcount": 6},
        ]
    },
}


def spec(**changes: Any) -> dict[str, Any]:
    out = json.loads(json.dumps(SPEC))
    out.update(changes)
    return out


def more_desk() -> dict[str, Any]:
    """The same center with two more agents at the tech desk: shorter tech waits."""
    out = spec(name="more_desk")
    out["agents"]["groups"][1]["headcount"] = 8
    return out


def test_paired_breakdowns_by_hand() -> None:
    """Replications of A: ASA 10, 12, 14; of B: 11, 15, 14. Differences 1, 3, 0: mean 4/3, sample
    sd sqrt(((1 - 4/3)^2 + (3 - 4/3)^2 + (0 - 4/3)^2) / 2) = sqrt(7/3), CI t(0.975, 2) sqrt(7/3)
    / sqrt(3) = 4.3027 x 0.8819 = 3.7946. The means are A's 12 and B's 13 1/3 with their own CIs.
    A reason only B has gets ``None`` for A and for the difference; ``cost`` only A has is left
    out (compared only when every scenario has it)."""
    a = [{"x": {"asa_s": v, "cost": 1.0}} for v in (10.0, 12.0, 14.0)]
    b = [{"x": {"asa_s": v}, "y": {"asa_s": 5.0}} for v in (11.0, 15.0, 14.0)]
    out = paired_breakdowns([a, b])
    assert list(out) == ["x", "y"]
    x = out["x"]
    assert set(x) == {"kpis", "ci95", "diff"}
    assert set(x["kpis"]) == {"asa_s"}
    assert x["kpis"]["asa_s"] == pytest.approx([12.0, 40 / 3])
    assert x["ci95"]["asa_s"][0] == pytest.approx(4.302653 * 2 / math.sqrt(3), rel=1e-6)
    (d,) = x["diff"]["asa_s"]
    assert d["mean"] == pytest.approx(4 / 3)
    assert d["ci95"] == pytest.approx(4.302653 * math.sqrt(7 / 3) / math.sqrt(3), rel=1e-6)
    y = out["y"]
    assert y["kpis"]["asa_s"] == [None, 5.0]
    assert y["diff"]["asa_s"] == [{"mean": None, "ci95": None}]


@pytest.fixture(scope="module")
def comparison():
    return compare(
        [load_scenario_dict(spec()), load_scenario_dict(more_desk())], replications=3, workers=1
    )


def test_per_reason_difference_is_the_paired_difference_of_the_runs(comparison) -> None:
    """Per reason and KPI: the JSON's mean is the run's by_reason mean, the difference the mean
    over replications of B's by_reason value minus A's (undefined replications left out)."""
    a, b = comparison.results
    data = comparison.to_json()
    assert set(data["by_reason"]) == {"billing", "tech"}
    assert set(data["by_group"]) == {"front", "desk"}
    for what, keys, rows in (
        ("by_reason", REASON_KEYS, lambda r: r.by_reason_rows),
        ("by_group", GROUP_KEYS, lambda r: r.by_group_rows),
    ):
        for name, block in data[what].items():
            assert set(block["kpis"]) == set(keys) == set(block["diff"]) == set(block["ci95"])
            for key in keys:
                va = np.array([rep[name][key] for rep in rows(a)])
                vb = np.array([rep[name][key] for rep in rows(b)])
                assert block["kpis"][key][0] == pytest.approx(getattr(a, what)[name][key])
                ok = ~(np.isnan(va) | np.isnan(vb))
                expected = float(np.mean((vb - va)[ok])) if ok.any() else None
                assert block["diff"][key][0]["mean"] == pytest.approx(expected), (name, key)
    # two more agents at the desk: tech waits less in every replication, billing is untouched
    tech = data["by_reason"]["tech"]["diff"]
    assert tech["asa_s"][0]["mean"] + tech["asa_s"][0]["ci95"] < 0
    assert data["by_group"]["desk"]["diff"]["agent_hours"][0]["mean"] == pytest.approx(2 * 24)
    assert data["by_reason"]["billing"]["diff"]["asa_s"][0] == {"mean": 0.0, "ci95": 0.0}


def test_a_scenario_against_itself_differs_by_exactly_zero_per_reason_and_group() -> None:
    sc = load_scenario_dict(spec())
    data = compare([sc, sc], replications=3, workers=1).to_json()
    for what in ("by_reason", "by_group"):
        for name, block in data[what].items():
            for key, (d,) in block["diff"].items():
                if block["kpis"][key][0] is None:
                    assert d == {"mean": None, "ci95": None}
                else:
                    assert d == {"mean": 0.0, "ci95": 0.0}, (name, key)


def test_cost_per_reason_is_compared_only_when_both_are_priced() -> None:
    priced = spec(costs={"agent_hour": 40.0})
    both = compare(
        [load_scenario_dict(priced), load_scenario_dict(priced | {"name": "p2"})],
        replications=2,
        workers=1,
    ).to_json()
    assert "cost" in both["by_reason"]["tech"]["diff"]
    one = compare(
        [load_scenario_dict(priced), load_scenario_dict(spec())], replications=2, workers=1
    ).to_json()
    assert "cost" not in one["by_reason"]["tech"]["diff"]


def write(tmp_path: Path, name: str, data: dict[str, Any]) -> Path:
    path = tmp_path / f"{name}.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def leaves(tree: Any, path: tuple = ()) -> list[tuple[tuple, Any]]:
    """A nested JSON object as (path, value) pairs, for comparing numbers with a tolerance."""
    if isinstance(tree, dict):
        return [leaf for k, v in tree.items() for leaf in leaves(v, (*path, k))]
    if isinstance(tree, list):
        return [leaf for i, v in enumerate(tree) for leaf in leaves(v, (*path, i))]
    return [(path, tree)]


def test_cli_json_table_and_out_folder(tmp_path) -> None:
    """--json has by_reason and by_group; the table shows per reason and per group; --out
    writes by_reason.csv and by_group.csv, which pair back to the same numbers."""
    a, b = write(tmp_path, "a", spec()), write(tmp_path, "b", more_desk())
    out = tmp_path / "cmp"
    runner = CliRunner()
    args = ["compare", str(a), str(b), "--replications", "2", "--workers", "1"]
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data["by_reason"]["tech"]) == {"kpis", "ci95", "diff"}
    assert len(data["by_group"]["desk"]["kpis"]["asa_s"]) == 2
    assert len(data["by_group"]["desk"]["diff"]["asa_s"]) == 1
    table = runner.invoke(app, [*args, "--out", str(out)])
    assert table.exit_code == 0, table.output
    assert "Per reason: split \u2192 more_desk" in table.stdout
    assert "Per agent group: split \u2192 more_desk" in table.stdout
    assert "\u2192" in next(line for line in table.stdout.splitlines() if "│ tech " in line)
    for what, file in (("reason", "by_reason.csv"), ("group", "by_group.csv")):
        frame = pd.read_csv(out / file)
        assert list(frame.columns[:3]) == ["scenario", "replication", what]
        assert len(frame) == 2 * 2 * 2  # scenarios x replications x names
        again = paired_breakdowns(breakdowns_from_frame(frame, ["split", "more_desk"], what))
        assert dict(leaves(again)) == pytest.approx(dict(leaves(data[f"by_{what}"])))
    dutch = runner.invoke(app, [*args, "--lang", "nl"])
    assert "Per reden: split \u2192 more_desk" in dutch.stdout
    assert "Per agentgroep" in dutch.stdout


def test_one_reason_and_one_pool_print_no_breakdown_tables(tmp_path) -> None:
    """With one reason and one pool the sections would repeat the KPI table: left out (the
    JSON still has them)."""
    single = spec(
        reasons=[SPEC["reasons"][1] | {"share": 1.0}], agents={"headcount": 10}, name="one"
    )
    a, b = write(tmp_path, "a", single), write(tmp_path, "b", single | {"name": "two"})
    args = ["compare", str(a), str(b), "--replications", "2", "--workers", "1"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "Per reason" not in result.stdout
    assert "Per agent group" not in result.stdout


def test_every_key_of_compare_json_is_documented(comparison) -> None:
    """docs/scenario-format.md's `ccsim compare --json` table names every key, and no other."""
    from tests.scenario.test_docs import _first_column, _section

    documented = set(_first_column(_section("`ccsim compare --json`")))
    keys = set(comparison.to_json())
    assert keys <= documented, sorted(keys - documented)
    assert documented - keys <= {"currency"}  # only when every scenario is priced
