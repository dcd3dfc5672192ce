"""Names come from users' files and land in reports that colleagues open: a scenario, reason or
sweep called ``<script>...`` must show as text in every report kind, never run (the templates
autoescape; before them, every f-string had to remember to escape)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

from simulator.present.dispatch import write_report
from tests.present.report_fixtures import TINY
from tests.present.test_compare_report import compare_dir
from tests.present.test_sweep_report import sweep_dir

EVIL = "<script>alert('x')</script> Tom & Jerry"
SHOWN = "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; Tom &amp; Jerry"


def _run(path: Path) -> Path:
    """A real tiny run (the Pareto section needs its contacts) of a scenario and reason so named."""
    from simulator.cli import app

    scenario = yaml.safe_load(TINY)
    scenario["name"] = EVIL
    scenario["reasons"][0]["name"] = EVIL
    file = path.parent / "evil.yaml"
    file.write_text(yaml.safe_dump(scenario), encoding="utf-8")
    result = CliRunner().invoke(app, ["run", str(file), "--out", str(path), "--workers", "1"])
    assert result.exit_code == 0, result.output
    return path


def _compare(path: Path) -> Path:
    folder = compare_dir(path)
    for name in ("compare.csv", "diff.csv"):
        table = pd.read_csv(folder / name)
        table["scenario"] = table["scenario"].replace("FCR +25", EVIL)
        table.to_csv(folder / name, index=False)
    return folder


def _sweep(path: Path) -> Path:
    folder = sweep_dir(path, {"agents.headcount": [80, 90]})
    record = json.loads((folder / "sweep.json").read_text(encoding="utf-8"))
    record["name"] = EVIL
    (folder / "sweep.json").write_text(json.dumps(record), encoding="utf-8")
    return folder


@pytest.mark.parametrize(
    ("kind", "make", "times"),
    [
        ("run", _run, 4),  # title, h1, reasons table, Pareto table
        ("compare", _compare, 4),  # title, h1, means and differences headers
        ("sweep", _sweep, 2),  # title, h1
    ],
)
def test_a_name_with_markup_is_shown_as_text(tmp_path, kind, make, times):
    html = write_report(make(tmp_path / kind)).read_text(encoding="utf-8")
    assert "<script" not in html.lower()
    assert html.count(SHOWN) >= times
    assert "Tom & Jerry" not in html  # a bare & would start an entity
