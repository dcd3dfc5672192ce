"""Growth-phase assessment against the gates table of the domain notes, on synthetic KPIs.

Each case states the KPIs that matter; the rest come from a center that passes every gate, so a
test shows which single value moves the phase.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from simulator.cli import app
from simulator.present.study_text import blocker_lines, gate_rows, notes
from simulator.present.tables import assessment_text
from simulator.studies.assess import assess

# Passes every gate of every phase.
TOP = {
    "fcr": 0.90,
    "asa_s": 20.0,
    "abandon_rate": 0.02,
    "repeat_rate": 0.05,
    "csat": 8.7,
    "nps": 45.0,
    "ces": 2.0,
}


def kpis(**changes: float | None) -> dict[str, float | None]:
    out = dict(TOP)
    out.update(changes)
    return out


@pytest.mark.parametrize(
    ("changes", "phase"),
    [
        ({}, 5),
        ({"fcr": 0.40}, 1),  # FCR < 50%: reactive
        ({"asa_s": 400.0, "fcr": 0.60}, 1),  # average wait > 5 min
        ({"abandon_rate": 0.15, "fcr": 0.60}, 1),  # high abandonment
        ({"fcr": 0.60}, 2),
        ({"fcr": 0.80}, 3),
        ({"fcr": 0.90, "csat": 7.6}, 3),
        ({"repeat_rate": 0.12}, 3),
        ({"nps": 35.0}, 4),  # phase 4 (NPS >= 30) but not phase 5 (NPS > 40)
        ({"csat": 8.2}, 4),
    ],
)
def test_each_phase(changes, phase):
    assert assess(kpis(**changes)).phase == phase


@pytest.mark.parametrize(
    ("changes", "phase"),
    [
        ({"fcr": 0.50}, 2),  # fcr >= 0.50: exactly 0.50 passes
        ({"fcr": 0.4999}, 1),
        ({"fcr": 0.75}, 3),  # fcr >= 0.75: exactly 0.75 passes
        ({"fcr": 0.7499999999999999}, 3),  # a mean over replications that is 0.75 in floats
        ({"fcr": 0.7499}, 2),
        ({"fcr": 0.85}, 5),
        ({"fcr": 0.60, "asa_s": 300.0}, 2),  # asa_s <= 300
        ({"fcr": 0.60, "asa_s": 300.01}, 1),
        ({"fcr": 0.60, "abandon_rate": 0.10}, 2),  # abandon_rate <= 0.10
        ({"fcr": 0.80, "csat": 7.5}, 3),  # csat >= 7.5
        ({"repeat_rate": 0.10}, 3),  # repeat_rate < 0.10: exactly 0.10 fails
        ({"nps": 30.0}, 4),  # nps >= 30 passes phase 4
        ({"nps": 40.0}, 4),  # nps > 40: exactly 40 fails phase 5
        ({"csat": 8.5}, 5),
    ],
)
def test_boundaries(changes, phase):
    assert assess(kpis(**changes)).phase == phase


def test_phase_5_requires_phase_4():
    # NPS and CSAT high enough for phase 5, but repeat contact keeps it out of phase 4.
    a = assess(kpis(repeat_rate=0.2))
    assert a.phase == 3
    p5 = a.phases[4]
    assert not p5.requires_met
    assert not p5.passed
    assert all(g.status == "passed" for g in p5.gates)


def test_missing_csat_and_nps_are_not_measured_and_block_higher_phases():
    a = assess(kpis(csat=None, nps=None, ces=None))
    assert a.phase == 2
    statuses = {(p.phase, g.key): g.status for p in a.phases for g in p.gates}
    assert statuses[(3, "csat")] == "not_measured"
    assert statuses[(4, "nps")] == "not_measured"
    assert statuses[(3, "fcr")] == "passed"
    assert a.missing_proxies == ["csat", "nps"]
    assert [g.key for g in a.blockers] == ["csat"]
    text = assessment_text(a)
    assert "not measured in this run" in text
    assert "count as not passed" in text
    assert "niet gemeten" in assessment_text(a, "nl")


def test_absent_key_is_like_none():
    k = kpis()
    del k["csat"]
    assert assess(k).phase == 2


def test_registration_share_and_ces_ranking_are_never_guessed():
    a = assess(kpis())
    rows = gate_rows(a)
    registration = [r for r in rows if r[1] == "Contacts registered with a reason"]
    ces_rank = [r for r in rows if r[1].startswith("Best customer effort")]
    assert registration == [(registration[0][0], registration[0][1], "", "", "not measured")]
    assert ces_rank[0][3:] == ("", "not measured")


def test_blockers_name_what_keeps_from_the_next_phase():
    a = assess(kpis(fcr=0.62, csat=7.0))
    assert a.phase == 2
    assert {g.key for g in a.blockers} == {"fcr", "csat"}
    lines = blocker_lines(a)
    assert any("62.0%" in line and "≥ 75%" in line for line in lines)
    assert any("≥ 7.5" in line for line in lines)
    assert "phase 3" in assessment_text(a)


def test_top_phase_has_no_blockers():
    a = assess(kpis())
    assert a.next_phase is None
    assert a.blockers == []
    assert "highest phase" in assessment_text(a)


def test_lower_phase_gaps_are_noted():
    # The gates table does not make phase 3 require phase 2; the gap is still shown.
    a = assess(kpis(asa_s=400.0))
    assert a.phase == 5
    assert [(p, g.key) for p, g in a.lower_gaps] == [(2, "asa_s")]
    assert any("400.0 s" in n for n in notes(a))


def _run_dir(tmp_path: Path, kpi_values: dict) -> Path:
    run = tmp_path / "run"
    run.mkdir()
    meta = {"scenario": "synthetic", "seed": 1, "replications": 2, "kpis": kpi_values, "ci95": {}}
    (run / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
    return run


def test_cli_assess_text_and_json(tmp_path):
    run = _run_dir(tmp_path, kpis(fcr=0.62, csat=None, nps=None))
    runner = CliRunner()
    res = runner.invoke(app, ["assess", str(run)])
    assert res.exit_code == 0, res.output
    assert "phase 2" in res.stdout
    res = runner.invoke(app, ["assess", str(run), "--lang", "nl"])
    assert res.exit_code == 0
    assert "fase 2" in res.stdout
    res = runner.invoke(app, ["assess", str(run), "--json"])
    assert res.exit_code == 0
    data = json.loads(res.stdout)
    assert data["phase"] == 2
    assert data["next_phase"] == 3
    assert data["not_measured"] == ["csat", "nps"]
    assert {b["key"] for b in data["blockers"]} == {"fcr", "csat"}


def test_cli_assess_bad_input(tmp_path):
    runner = CliRunner()
    res = runner.invoke(app, ["assess", str(tmp_path / "missing")])
    assert res.exit_code == 2
    assert "no such folder" in res.output
    res = runner.invoke(app, ["assess", str(tmp_path)])
    assert res.exit_code == 2
    assert "not a run folder" in res.output
    (tmp_path / "meta.json").write_text("{not json", encoding="utf-8")
    res = runner.invoke(app, ["assess", str(tmp_path)])
    assert res.exit_code == 2
    assert "meta.json" in res.output
    (tmp_path / "x").mkdir()
    run = _run_dir(tmp_path / "x", kpis())
    res = runner.invoke(app, ["assess", str(run), "--lang", "fr"])
    assert res.exit_code == 2
    assert "en or nl" in res.output
    assert "Traceback" not in res.output


# -- gates decided by an unstated default (fcr is 1 unless given) -------------------------------

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


def _minimal(**reason_changes: object) -> dict:
    data = yaml.safe_load((SCENARIOS / "minimal.yaml").read_text(encoding="utf-8"))
    data["reasons"][0].update(reason_changes)
    return data


def test_default_only_gates_are_not_measured_and_block_their_phases():
    a = assess(kpis(), default_only=["fcr", "repeat_rate"])
    assert a.phase == 1  # every phase from 2 on has an FCR gate
    fcr_gates = [g for p in a.phases for g in p.gates if g.key in ("fcr", "repeat_rate")]
    assert {g.status for g in fcr_gates} == {"not_measured"}
    assert {g.value for g in fcr_gates} == {TOP["fcr"], TOP["repeat_rate"]}  # shown, not used
    assert a.default_only == ["fcr", "repeat_rate"]
    assert any("defaults the scenario does not state" in n for n in notes(a))
    assert a.to_json()["default_only"] == ["fcr", "repeat_rate"]
    assert assess(kpis()).phase == 5  # the same numbers, stated: as before


def _run_and_assess(tmp_path: Path, name: str, data: dict) -> dict:
    file = tmp_path / f"{name}.yaml"
    file.write_text(yaml.safe_dump(data), encoding="utf-8")
    out = tmp_path / name
    runner = CliRunner()
    res = runner.invoke(app, ["run", str(file), "--replications", "1", "--out", str(out)])
    assert res.exit_code == 0, res.stderr
    res = runner.invoke(app, ["assess", str(out), "--json"])
    assert res.exit_code == 0, res.stderr
    return json.loads(res.stdout)


def test_cli_assess_of_a_run_folder_knows_what_the_file_stated(tmp_path):
    """scenario.yaml of a run folder has fcr: 1.0 written out; meta.json keeps that the file of
    minimal.yaml did not state it. Stating it makes the same numbers reach phase 5."""
    unstated = _run_and_assess(tmp_path, "minimal", _minimal())
    assert unstated["phase"] != 5
    assert unstated["default_only"] == ["fcr", "repeat_rate"]
    statuses = {(p["phase"], g["key"]): g["status"] for p in unstated["phases"] for g in p["gates"]}
    assert statuses[(2, "fcr")] == statuses[(4, "repeat_rate")] == "not_measured"
    stated = _run_and_assess(tmp_path, "stated", _minimal(fcr=1.0))
    assert stated["default_only"] == []
    assert stated["phase"] == 5
    fcr_gate = unstated["phases"][1]["gates"][0]
    assert stated["phases"][1]["gates"][0] == {**fcr_gate, "status": "passed"}  # same value
