"""The report of a comparison folder: bars with CIs, KPI table per scenario with its growth phase,
paired differences to the baseline. Folders are written by hand in the layout of
``ccsim compare --out`` (compare.csv, diff.csv), so the test runs no simulation but one.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
from typer.testing import CliRunner

from simulator.cli import app
from simulator.present.compare_report import is_compare_dir, render_compare_html
from tests.present.report_fixtures import TINY, check_self_contained


def compare_dir(path: Path) -> Path:
    rng = np.random.default_rng(4)
    path.mkdir(parents=True)
    rows = []
    for name, asa, fcr in (
        ("baseline", 40.0, 0.55),
        ("+20% agents", 12.0, 0.55),
        ("FCR +25", 20.0, 0.80),
    ):
        for rep in range(3):
            rows.append(
                {
                    "scenario": name,
                    "replication": rep,
                    "asa_s": asa + rng.normal(0, 2),
                    "abandon_rate": asa / 1000,
                    "service_level": 0.9 - asa / 200,
                    "fcr": fcr,
                    "repeat_rate": 0.25,
                    "contacts_per_issue": 1 / (1 - (1 - fcr) * 0.85),
                    "csat": 7.6,
                    "nps": 10.0,
                    "chat_offered": 0.0,  # a feature no scenario uses: not shown
                }
            )
    tidy = pd.DataFrame(rows)
    tidy.to_csv(path / "compare.csv", index=False)
    means = tidy.groupby("scenario", sort=False).mean(numeric_only=True)
    diff = [
        {
            "scenario": name,
            "baseline": "baseline",
            "kpi": key,
            "mean": means.loc[name, key],
            "baseline_mean": means.loc["baseline", key],
            "diff": means.loc[name, key] - means.loc["baseline", key],
            "diff_ci95": 0.5,
        }
        for name in ("+20% agents", "FCR +25")
        for key in ("asa_s", "fcr", "abandon_rate")
    ]
    pd.DataFrame(diff).to_csv(path / "diff.csv", index=False)
    return path


def test_comparison_report(tmp_path):
    folder = compare_dir(tmp_path / "cmp")
    assert is_compare_dir(folder)
    html = render_compare_html(folder, "en")
    assert check_self_contained(html) == 1
    assert "Baseline: baseline" in html
    # FCR 0.55 stays in phase 2 whatever the headcount; FCR 0.80 with CSAT 7.6 reaches phase 3.
    assert html.count(">Phase 2<") == 2
    assert html.count(">Phase 3<") == 1
    # ASA differences are about -28 s and -20 s with CI 0.5 s: marked significant
    assert len(re.findall(r"−2\d\.\d\d s ± 0\.50 s \*", html)) == 2
    # abandonment: a change of a share is in percentage points; CI includes zero, not marked
    assert "−2.8 pt ± 50.0 pt<" in html
    assert "Differences to baseline" in html
    assert "Chats offered" not in html
    nl = render_compare_html(folder, "nl")
    assert "Kerncijfers per scenario" in nl
    assert "−2,8 %-punt ± 50,0 %-punt<" in nl


def test_cli_compare_with_report(tmp_path):
    for name, agents in (("a", 5), ("b", 6)):
        text = TINY.replace("name: tiny", f"name: {name}").replace(
            "headcount: 5", f"headcount: {agents}"
        )
        (tmp_path / f"{name}.yaml").write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    files = [str(tmp_path / "a.yaml"), str(tmp_path / "b.yaml")]
    runner = CliRunner()
    res = runner.invoke(app, ["compare", *files, "--report", "--workers", "1"])
    assert res.exit_code == 2
    assert "--report needs --out" in res.output
    args = ["compare", *files, "--out", str(out), "--workers", "1", "--report", "--lang", "nl"]
    res = runner.invoke(app, [*args, "--json"])
    assert res.exit_code == 0, res.output
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "ccsim-vergelijking — a / b" in html
    check_self_contained(html)
