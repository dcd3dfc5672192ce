"""``ccsim pareto``: the reason that causes the waste by construction comes out on top, and the
re-simulated saving matches the repeat contacts that the FCR formula says disappear (spec C)."""

from __future__ import annotations

import json
import math
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from scipy import stats
from typer.testing import CliRunner

from simulator.cli import app
from simulator.present.study_figures import pareto_figure
from simulator.results.rundir import load_run
from simulator.runs.output import write_run
from simulator.runs.replications import run
from simulator.scenario.loading import load_scenario_dict
from simulator.studies.compare import compare
from simulator.studies.pareto import analyse, plan, ranking
from tests.conftest import merge
from tests.present.report_fixtures import assert_inside

HOURS_OPEN = 4  # new issues only in the first hours, so every journey ends before the horizon
REPEAT = {"probability": 0.8, "delay": {"dist": "exponential", "mean_min": 10}}

BASE: dict[str, Any] = {
    "name": "pareto",
    "seed": 21,
    "replications": 4,
    "horizon": {"days": 1, "warmup_minutes": 0, "interval_minutes": 60},
    "arrivals": {"per_hour": [300.0] * HOURS_OPEN + [0.0] * (24 - HOURS_OPEN)},
    "reasons": [
        {
            "name": "general",
            "share": 0.4,
            "handle_time": {"dist": "exponential", "mean_s": 240},
        },
        {
            # fewer new issues than "general", but an unclear invoice: most of the waste
            "name": "invoice",
            "share": 0.35,
            "handle_time": {"dist": "exponential", "mean_s": 240},
            "fcr": 0.2,
            "repeat": REPEAT,
        },
        {
            "name": "delivery",
            "share": 0.25,
            "handle_time": {"dist": "exponential", "mean_s": 240},
            "fcr": 0.9,  # above the target: never lowered, so nothing to gain from FCR
            "repeat": REPEAT,
            "third_party": {"party": "carrier", "probability": 0.3, "mode": {"callback": 1.0}},
        },
    ],
    "third_parties": [
        {
            # ample capacity: lateness comes from on_time_probability alone (spec C)
            "name": "carrier",
            "staff": 200,
            "work_time": {"dist": "deterministic", "value_min": 10},
            "callback_within_h": 1,
            "on_time_probability": 0.5,
            "late_delay": {"dist": "deterministic", "value_h": 1},
        }
    ],
    "agents": {"headcount": 70},
}


def make_run_dir(tmp_path: Path, spec: dict[str, Any], name: str = "run") -> Path:
    """A run folder exactly as ``ccsim run --out`` leaves it."""
    scenario = load_scenario_dict(spec, source="<test>")
    result = run(scenario, workers=1)
    out = tmp_path / name
    now = datetime.now().astimezone()
    write_run(result, out, command_line="test", started=now, finished=now, workers=1)
    return out


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory) -> Path:
    return make_run_dir(tmp_path_factory.mktemp("pareto"), BASE)


def test_the_dominant_root_cause_comes_out_on_top(run_dir):
    p = analyse(run_dir, workers=1)
    table = p.table
    assert table["reason"].iloc[0] == "invoice"
    assert table["rank"].tolist() == [1, 2, 3]
    assert table["agent_hours"].is_monotonic_decreasing
    assert table["cumulative_share"].iloc[-1] == pytest.approx(1.0)
    invoice = table.iloc[0]
    general = table[table["reason"] == "general"].iloc[0]
    assert invoice["new_contacts"] < general["new_contacts"]  # not the largest by volume...
    assert invoice["repeat_contacts"] > invoice["new_contacts"]  # ...but by the waste
    assert invoice["share"] > 0.5
    data = p.to_json()
    assert data["to_50"] == ["invoice"]
    assert data["to_80"][0] == "invoice"
    # delivery's waste is missed callbacks: fixing its carrier saves contacts, significantly
    delivery = next(r for r in data["reasons"] if r["reason"] == "delivery")
    assert delivery["missed_callback_contacts"] > 0
    assert delivery["what_if"]["fcr"] == [0.9, 0.9]  # never lowered
    assert delivery["what_if"]["on_time_probability"] == [0.5, 1.0]
    saved = delivery["saving"]["contacts"]
    assert saved["mean"] - saved["ci95"] > 0
    # nothing to change for "general": exactly no saving, without a simulation
    general_json = next(r for r in data["reasons"] if r["reason"] == "general")
    assert general_json["what_if"]["changed"] is False
    assert general_json["saving"]["agent_hours"] == {"mean": 0.0, "ci95": 0.0}
    invoice_json = data["reasons"][0]
    assert invoice_json["saving"]["agent_hours"]["mean"] == max(
        r["saving"]["agent_hours"]["mean"] for r in data["reasons"]
    )
    assert not any("differs" in n for n in data["notes"])  # the re-simulation is the run
    json.dumps(data, allow_nan=False)


def test_saving_matches_the_expected_repeat_contacts_removed(tmp_path):
    """One reason, repeat probability p, FCR f -> f': contacts per issue go from
    1/(1-(1-f)p) to 1/(1-(1-f')p) (no abandonment, no limit, every journey ends)."""
    f, p, target = 0.4, 0.8, 0.75
    spec = merge(
        BASE,
        {
            "replications": 5,
            "arrivals": {"per_hour": [500.0] * HOURS_OPEN + [0.0] * (24 - HOURS_OPEN)},
            "reasons": [
                {
                    "name": "only",
                    "share": 1.0,
                    "handle_time": {"dist": "exponential", "mean_s": 180},
                    "fcr": f,
                    "repeat": {"probability": p, "delay": REPEAT["delay"]},
                }
            ],
            "third_parties": None,
            "agents": {"headcount": 60},
        },
    )
    folder = make_run_dir(tmp_path, spec)
    planned = plan(folder, target)
    issues = planned.pareto.table.iloc[0]["issues"]  # mean per replication, same in the what-if
    summary = load_run(folder).summary
    assert (summary["open_at_end"] == 0).all()
    assert (summary["abandoned"] == 0).all()
    data = analyse(folder, target_fcr=target, workers=1).to_json()
    saving = data["reasons"][0]["saving"]["contacts"]
    expected = issues * (1 / (1 - (1 - f) * p) - 1 / (1 - (1 - target) * p))
    n = data["replications"]
    se = saving["ci95"] / stats.t.ppf(0.975, n - 1)
    tolerance = stats.t.ppf(0.9995, n - 1) * se
    assert abs(saving["mean"] - expected) <= tolerance, (saving, expected, tolerance)
    assert tolerance < 0.15 * expected  # the check has teeth
    # every saved contact is a repeat contact
    assert data["reasons"][0]["saving"]["repeat_contacts"]["mean"] == saving["mean"]
    hours = data["reasons"][0]["saving"]["agent_hours"]["mean"]
    assert hours == pytest.approx(expected * 180 / 3600, rel=0.2)
    # and it is what a user gets by writing the fix into the scenario and comparing directly
    fixed = merge(spec, {"reasons": [merge(spec["reasons"][0], {"fcr": target})]})
    direct = compare(
        [load_scenario_dict(spec), load_scenario_dict(fixed)], replications=n, workers=1
    ).diff()["contacts"][0]
    assert direct["mean"] == pytest.approx(-saving["mean"])
    assert direct["ci95"] == pytest.approx(saving["ci95"])


def test_cli_json_table_png_and_report_section(run_dir, tmp_path):
    png = tmp_path / "pareto.png"
    runner = CliRunner()
    result = runner.invoke(
        app, ["pareto", str(run_dir), "--json", "--workers", "1", "--out", str(png)]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["reasons"][0]["reason"] == "invoice"
    assert data["target_fcr"] == 0.75
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (run_dir / "pareto.json").is_file()  # kept for the report
    table = runner.invoke(app, ["pareto", str(run_dir), "--lang", "nl", "--workers", "1"])
    assert table.exit_code == 0, table.output
    assert "Contactreden" in table.stdout
    assert "invoice" in table.stdout
    from simulator.present.report import render_html

    html = render_html(load_run(run_dir), "nl")
    assert "Grondoorzaken" in html
    assert "Besparing: agenturen" in html
    assert "data:image/png;base64," in html


def test_the_legend_fits_the_picture_in_dutch(run_dir):
    """Five long Dutch entries in one row ran off the 1200-px picture; now they wrap."""
    table = ranking(load_run(run_dir))
    table["hours_redial"] = 0.1 * table["hours_new"]  # every kind of contact: the longest legend
    for lang in ("en", "nl"):
        fig = pareto_figure(table, lang)
        (legend,) = fig.legends
        assert len(legend.get_texts()) == 5  # four kinds of contact and the cumulative share
        assert_inside(fig)


def test_report_section_without_potential_says_how_to_get_it(tmp_path):
    folder = make_run_dir(tmp_path, merge(BASE, {"replications": 2}))
    from simulator.present.report import render_html

    html = render_html(load_run(folder), "en")
    assert "Root causes" in html
    assert "ccsim pareto" in html
    assert "Saving" not in html


@pytest.mark.parametrize("case", ["missing", "not-a-run", "target"])
def test_bad_input_exits_2(tmp_path, run_dir, case):
    args = {
        "missing": [str(tmp_path / "nope")],
        "not-a-run": [str(tmp_path)],
        "target": [str(run_dir), "--target-fcr", "1.5"],
    }[case]
    result = CliRunner().invoke(app, ["pareto", *args])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output


def test_shared_third_party_is_noted(tmp_path):
    spec = json.loads(json.dumps(BASE))
    spec["reasons"][1]["third_party"] = dict(spec["reasons"][2]["third_party"])
    p = plan(make_run_dir(tmp_path, merge(spec, {"replications": 2})))
    assert any("also serves" in n for n in p.pareto.notes)
    assert math.isclose(p.pareto.table["share"].sum(), 1.0)


def test_the_html_report_has_the_pareto_section(tmp_path):
    from simulator.present.report import render_html

    folder = make_run_dir(tmp_path, merge(BASE, {"replications": 2}))
    html = render_html(load_run(folder), "en")
    assert "Root causes: where to start" in html
    assert html.index("Root causes") > html.index("Growth-phase assessment")
