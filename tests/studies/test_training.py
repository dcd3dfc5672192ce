"""``ccsim train meer-headcount`` on a shortened version of experiments/meer_headcount.yaml.

Shortening: ``--days 3 --replications 3`` (the file runs 7 days x 5 replications); the seed and
everything else are the file's, so the what-ifs keep common random numbers.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from simulator.cli import app
from simulator.present.study_figures import training_figure
from simulator.present.study_text import metric_label, training_story
from simulator.present.tables import training_markdown
from simulator.studies.training import (
    METRICS,
    TrainingError,
    WhatIf,
    apply_what_if,
    load_training,
    raise_fcr,
    run_training,
    scale_agents,
)
from tests.present.report_fixtures import assert_inside

ROOT = Path(__file__).resolve().parents[2]
EXPERIMENT = ROOT / "experiments" / "meer_headcount.yaml"


@pytest.fixture(scope="module")
def result():
    return run_training(load_training(EXPERIMENT, days=3, replications=3), workers=1)


def test_cli_writes_figure_table_and_json(tmp_path: Path) -> None:
    out, png = tmp_path / "run", tmp_path / "fig" / "meer_headcount.png"
    args = ["train", "meer-headcount", "--experiment", EXPERIMENT, "--days", 1]
    args += ["--replications", 2, "--workers", 1, "--out", out, "--figure", png, "--json"]
    res = CliRunner().invoke(app, [str(a) for a in args])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["what_ifs"][0] == "today"
    assert len(data["what_ifs"]) == 5
    assert set(METRICS) <= set(data["kpis"])
    assert all(len(data["diff"][k]) == 4 for k in METRICS)
    assert png.stat().st_size > 10_000
    for name in ("training.png", "table.csv", "replications.csv", "training.json"):
        assert (out / name).is_file()
    again = CliRunner().invoke(app, [str(a) for a in args])  # --out not empty, no --force
    assert again.exit_code == 2
    assert "not empty" in again.output


def test_headcount_buys_waits_at_a_price_other_levers_remove_contacts(result) -> None:
    kpis = {k: result.means(k) for k in METRICS}
    diff = {k: result.diff(k) for k in METRICS}
    base_hours = kpis["agent_hours"][0]
    # +20% agents: about 20% more paid hours, shorter wait, repeat contacts not fewer
    assert diff["agent_hours"][0]["mean"] > 0.15 * base_hours
    assert diff["asa_s"][0]["mean"] < 0
    assert diff["repeat_contacts"][0]["mean"] > -0.02 * kpis["repeat_contacts"][0]
    # the other levers: the same paid hours (within 1%), fewer contacts
    for i in (1, 2, 3):
        assert abs(diff["agent_hours"][i]["mean"]) < 0.01 * base_hours
        assert diff["offered"][i]["mean"] < 0
    # FCR: significantly fewer contacts and repeat contacts, fewer agent hours needed
    for key in ("offered", "repeat_contacts", "agent_hours_needed"):
        d = diff[key][1]
        assert d["mean"] + d["ci95"] < 0, key
    assert diff["agent_hours_needed"][1]["mean"] < diff["agent_hours_needed"][0]["mean"]
    assert result.findings()[:2] == ["more", "fewer"]
    story = training_story(result)
    assert "at a price" in story[0]
    assert "fewer contacts" in story[1]
    assert training_markdown(result, "nl").startswith("| KPI | vandaag |")


def test_more_agents_claim_shorter_waits_only_when_the_ci_says_so(result, monkeypatch) -> None:
    """With the wait's paired CI spanning 0, the story for +20% agents claims no shorter wait."""
    real = result.diff

    def diff(key: str) -> list[dict[str, float | None]]:
        out = real(key)
        if key == "asa_s":
            out = [dict(d) for d in out]
            out[0]["ci95"] = abs(out[0]["mean"]) * 2  # the CI now spans 0
        return out

    monkeypatch.setattr(result, "diff", diff)
    assert result.findings()[0] == "more_same_wait"
    en, nl = training_story(result)[0], training_story(result, "nl")[0]
    assert "no significant change in the wait" in en
    assert "shorter waits" not in en
    assert "geen significante verandering in de wachttijd" in nl


def test_changes_of_shares_are_points_and_the_dutch_figure_fits(result) -> None:
    """Service level and abandonment change by points (%-punt), not percent; the Dutch
    subtitle, longer than the English one, wraps instead of running off the picture."""
    for lang, unit in (("en", "pt"), ("nl", "%-punt")):
        rows = training_markdown(result, lang).splitlines()
        (sl,) = [r for r in rows if r.startswith(f"| {metric_label('service_level', lang)} |")]
        diffs = re.findall(r"\(([^)]*)\)", sl)
        assert len(diffs) == 4
        assert all(re.fullmatch(rf"[+−]?\d+[.,]\d {unit} ± \d+[.,]\d {unit}", d) for d in diffs)
        assert_inside(training_figure(result, lang))


def test_levers_change_the_base_as_written() -> None:
    agents = {"shifts": [{"agents": 30}, {"agents": 12}, {"agents": 5}]}
    scale_agents(agents, 1.2, "<test>")
    assert [s["agents"] for s in agents["shifts"]] == [36, 14, 6]
    head = {"headcount": 10}
    scale_agents(head, 1.25, "<test>")
    assert head == {"headcount": 13}
    with pytest.raises(TrainingError, match=r"agents\.table"):
        scale_agents({"table": "x.csv"}, 1.2, "<test>")
    reasons = [{"fcr": 0.5, "repeat": {"fcr": 0.7}}, {"fcr": 0.9}, {}]
    raise_fcr(reasons, 0.15)
    assert reasons[0] == {"fcr": 0.65, "repeat": {"fcr": pytest.approx(0.85)}}
    assert reasons[1]["fcr"] == 1.0
    assert reasons[2]["fcr"] == 1.0
    base = yaml.safe_load((ROOT / "scenarios" / "low_fcr_center.yaml").read_text())
    changed = apply_what_if(base, WhatIf(name="x", set={"drivers[0].contact_rate": 0.02}), "<test>")
    assert changed["drivers"][0]["contact_rate"] == 0.02
    assert base["drivers"][0]["contact_rate"] == 0.04


def test_bad_experiments_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        yaml.safe_dump(
            {
                "base": str(ROOT / "scenarios" / "low_fcr_center.yaml"),
                "what_ifs": [{"name": "typo", "set": {"reasons[nope].fcr": 0.9}}],
            }
        )
    )
    res = CliRunner().invoke(app, ["train", "meer-headcount", "--experiment", str(bad)])
    assert res.exit_code == 2
    assert "nope" in res.output
    res = CliRunner().invoke(app, ["train", "more-coffee"])
    assert res.exit_code == 2
    assert "meer-headcount" in res.output


def test_experiment_files_are_read_like_scenarios(tmp_path: Path) -> None:
    """One YAML reader: a duplicate key is refused (not silently the last one), and a bad field
    is named with its path, the value and what is allowed, exit 2 and no traceback."""
    base = ROOT / "scenarios" / "low_fcr_center.yaml"
    twice = tmp_path / "twice.yaml"
    twice.write_text(f"base: {base}\nreplications: 2\nreplications: 3\nwhat_ifs: []\n")
    res = CliRunner().invoke(app, ["train", "meer-headcount", "--experiment", str(twice)])
    assert res.exit_code == 2
    assert f"{twice}: invalid YAML at line 3" in res.output
    assert "duplicate key 'replications'" in res.output
    bad = tmp_path / "bad.yaml"
    bad.write_text(f"base: {base}\nreplications: 0\nwhat_ifs: [{{name: x, fcr_plus: 0.1}}]\n")
    res = CliRunner().invoke(app, ["train", "meer-headcount", "--experiment", str(bad)])
    assert res.exit_code == 2
    assert f"{bad}: replications: out of range (got 0). Allowed:" in res.output
    assert "Traceback" not in res.output
