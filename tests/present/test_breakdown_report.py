"""Per reason and per agent group in the HTML reports (issue 14 item 1, spec D1).

A run (comparison) with more than one reason or group gets a section for each, in English and
Dutch; one reason and one pool get none (the KPI table says it all). The numbers in the cells
are the means (paired differences) of by_reason.csv and by_group.csv as --json gives them.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

from simulator.cli import app
from simulator.present.breakdowns import change_text, value_text
from simulator.present.compare_report import render_compare_html
from simulator.present.figures import breakdown_figure
from simulator.present.report import render_html
from simulator.results.rundir import load_run
from tests.present.report_fixtures import assert_inside, check_self_contained, simulated_run
from tests.studies.test_compare_breakdown import more_desk, spec

HEADINGS = {
    "en": ("Per contact reason", "Per agent group"),
    "nl": ("Per contactreden", "Per agentgroep"),
}


def section(html: str, heading: str) -> str:
    """The HTML from ``<h2>heading</h2>`` to the next ``<h2>``."""
    start = html.index(f"<h2>{heading}</h2>")
    end = html.find("<h2>", start + 4)
    return html[start : end if end > 0 else len(html)]


def write(tmp_path: Path, name: str, data: dict) -> Path:
    path = tmp_path / f"{name}.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def priced_run(tmp_path_factory) -> Path:
    """Two reasons, two groups, prices: ``ccsim run --out`` in-process."""
    tmp = tmp_path_factory.mktemp("breakdown")
    scenario = write(tmp, "split", spec(costs={"agent_hour": 40.0}, replications=2))
    out = tmp / "run"
    result = CliRunner().invoke(app, ["run", str(scenario), "--out", str(out), "--workers", "1"])
    assert result.exit_code == 0, result.output
    return out


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_run_report_has_a_section_per_reason_and_per_group(priced_run, lang) -> None:
    """The tech row's ASA is the mean of by_reason.csv's tech rows, the desk's occupancy that of
    by_group.csv; the reason table has a cost column (the run has prices) and the picture."""
    html = render_html(load_run(priced_run), lang)
    check_self_contained(html)
    reasons, groups = (section(html, h) for h in HEADINGS[lang])
    by_reason = pd.read_csv(priced_run / "by_reason.csv")
    asa = by_reason.loc[by_reason["reason"] == "tech", "asa_s"].mean()
    assert value_text("asa_s", asa, lang) in reasons
    assert ("Kosten" if lang == "nl" else "Cost") in reasons
    assert "<img" in reasons
    by_group = pd.read_csv(priced_run / "by_group.csv")
    occupancy = by_group.loc[by_group["group"] == "desk", "occupancy"].mean()
    assert value_text("occupancy", occupancy, lang) in groups
    assert re.search(r"<td>front</td>", groups)


def test_one_reason_and_one_pool_have_no_sections(tmp_path) -> None:
    html = render_html(load_run(simulated_run(tmp_path / "tiny")), "en")
    assert "Per contact reason" not in html
    assert "Per agent group" not in html


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_comparison_report_has_the_paired_differences_per_reason_and_group(tmp_path, lang) -> None:
    """The tech ASA cell shows each scenario's mean and, below B's, the --json difference."""
    a, b = write(tmp_path, "a", spec()), write(tmp_path, "b", more_desk())
    out = tmp_path / "cmp"
    args = ["compare", str(a), str(b), "--replications", "2", "--workers", "1"]
    result = CliRunner().invoke(app, [*args, "--out", str(out), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    html = render_compare_html(out, lang)
    check_self_contained(html)
    reasons, groups = (section(html, h) for h in HEADINGS[lang])
    tech = data["by_reason"]["tech"]
    assert change_text("asa_s", tech["diff"]["asa_s"][0], lang, mark=True) in reasons
    assert value_text("asa_s", tech["kpis"]["asa_s"][1], lang) in reasons
    desk = data["by_group"]["desk"]["diff"]["agent_hours"][0]
    assert change_text("agent_hours", desk, lang, mark=True) in groups
    assert "<th>split</th><th>more_desk</th>" in reasons


def test_comparison_folder_of_one_reason_has_no_sections(tmp_path) -> None:
    single = spec(reasons=[spec()["reasons"][1] | {"share": 1.0}], agents={"headcount": 10})
    a, b = write(tmp_path, "a", single), write(tmp_path, "b", single | {"name": "other"})
    out = tmp_path / "cmp"
    args = ["compare", str(a), str(b), "--replications", "2", "--workers", "1", "--out", str(out)]
    assert CliRunner().invoke(app, args).exit_code == 0
    html = render_compare_html(out, "en")
    assert "Per contact reason" not in html
    assert "Per agent group" not in html


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_reason_picture_stays_inside_with_many_long_names(lang) -> None:
    rows = {
        f"betalingsherinnering en incasso {i}": {
            "asa_s": (20.0 + i, 3.0),
            "service_level": (0.5 + i / 20, 0.05),
        }
        for i in range(7)
    }
    rows["no answered call"] = {"asa_s": (None, None), "service_level": (None, None)}
    assert_inside(breakdown_figure(rows, target=0.8, lang=lang))
