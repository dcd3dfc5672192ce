"""The report of a sweep folder: heatmaps or CI-band lines over the swept parameters, a table per
point with CIs and growth phase, all in one self-contained file. Folders are made by hand in the
layout of spec A2b, so the test does not depend on running a sweep.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
from typer.testing import CliRunner

from simulator.cli import app
from simulator.present.sweep_report import render_sweep_html
from tests.present.report_fixtures import check_self_contained


def sweep_dir(path: Path, parameters: dict[str, list], replications: int = 3) -> Path:
    """A finished sweep folder: sweep.json and results.parquet (one row per point x rep)."""
    rng = np.random.default_rng(2)
    path.mkdir(parents=True)
    (path / "failed").mkdir()
    names = list(parameters)
    grid = pd.MultiIndex.from_product(list(parameters.values()), names=names).to_frame(index=False)
    rows, points = [], []
    for i, values in enumerate(grid.to_dict("records")):
        point = f"p{i:03d}"
        points.append({"point": point, "parameters": values})
        for rep in range(replications):
            agents = values.get("agents.headcount", 90)
            fcr = values.get("reasons[billing].fcr", 0.7)
            asa = 3000 * (1.2 - fcr) / agents + rng.normal(0, 1)
            rows.append(
                {
                    "point": point,
                    **values,
                    "replication": rep,
                    "asa_s": asa,
                    "service_level": min(1.0, 0.5 + agents / 300),
                    "abandon_rate": asa / 1000,
                    "contacts_per_issue": 1 / (1 - (1 - fcr) * 0.8),
                    "occupancy": 0.9,
                    "fcr": fcr,
                    "repeat_rate": 0.2,
                }
            )
    pd.DataFrame(rows).to_parquet(path / "results.parquet", index=False)
    record = {
        "name": "synthetic sweep",
        "experiment": "experiments/x.yaml",
        "base": "scenarios/minimal.yaml",
        "mode": "grid",
        "replications": replications,
        "seed": 7,
        "parameters": names,
        "points": points,
    }
    (path / "sweep.json").write_text(json.dumps(record), encoding="utf-8")
    return path


def test_two_parameters_give_heatmaps_lines_and_a_point_table(tmp_path):
    folder = sweep_dir(
        tmp_path / "sweep", {"agents.headcount": [80, 90, 100], "reasons[billing].fcr": [0.5, 0.8]}
    )
    html = render_sweep_html(folder, "en")
    # 5 heatmaps (first five KPIs) + 2 lines grouped by the second parameter
    assert check_self_contained(html) == 7
    assert html.count("<tr><td>p0") == 6
    assert "6 of 6 finished, 0 failed" in html
    assert "Phase" in html
    assert "±" in html
    nl = render_sweep_html(folder, "nl", kpis=["asa_s"])
    assert "Resultaten per punt" in nl
    assert "0,5, 0,8" in nl  # parameter values in Dutch notation


def test_one_parameter_gives_ci_band_lines(tmp_path):
    folder = sweep_dir(tmp_path / "sweep", {"agents.headcount": [80, 90, 100, 110]})
    html = render_sweep_html(folder)
    assert check_self_contained(html) == 5


def test_more_parameters_are_averaged_and_said_so(tmp_path):
    folder = sweep_dir(
        tmp_path / "sweep",
        {"agents.headcount": [80, 100], "reasons[billing].fcr": [0.5, 0.8], "seed_like": [1, 2]},
        replications=2,
    )
    html = render_sweep_html(folder, kpis=["asa_s"])
    assert "averaged over: seed_like" in html


def test_sweep_without_finished_points(tmp_path):
    folder = sweep_dir(tmp_path / "sweep", {"agents.headcount": [80, 90]})
    (folder / "results.parquet").unlink()
    (folder / "points").mkdir()
    html = render_sweep_html(folder)
    assert "No point has finished yet" in html
    assert check_self_contained(html) == 0


def test_cli_report_on_a_sweep_folder(tmp_path):
    folder = sweep_dir(tmp_path / "sweep", {"agents.headcount": [80, 90, 100]})
    results = pd.read_parquet(folder / "results.parquet")
    keep = ["point", "agents.headcount", "replication", "asa_s", "fcr"]
    results[keep].to_parquet(folder / "results.parquet", index=False)  # two pictures only
    res = CliRunner().invoke(app, ["report", str(folder), "--lang", "nl"])
    assert res.exit_code == 0, res.output
    html = (folder / "report.html").read_text(encoding="utf-8")
    assert "ccsim-sweeprapport" in html
    check_self_contained(html)


def test_sweep_with_report_in_one_step(tmp_path):
    from tests.present.report_fixtures import TINY

    (tmp_path / "tiny.yaml").write_text(TINY, encoding="utf-8")
    (tmp_path / "exp.yaml").write_text(
        "base: tiny.yaml\nreplications: 2\nparameters:\n  agents.headcount: [5, 6]\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    args = ["sweep", str(tmp_path / "exp.yaml"), "--out", str(out), "--workers", "1"]
    res = CliRunner().invoke(app, [*args, "--report", "--lang", "nl", "--json"])
    assert res.exit_code == 0, res.output
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "2 van 2 klaar, 0 mislukt" in html
    assert check_self_contained(html) >= 1
    res = CliRunner().invoke(app, [*args, "--force", "--report", "--lang", "xx"])
    assert res.exit_code == 2
    assert "en or nl" in res.output
