"""What a scenario file stated, against what it left to defaults (``scenario.stated``)."""

from __future__ import annotations

from pathlib import Path

from simulator.scenario.loading import load_scenario, load_scenario_dict, read_yaml
from simulator.scenario.stated import default_only_kpis

MINIMAL = Path(__file__).resolve().parents[2] / "scenarios" / "minimal.yaml"


def _minimal(**reason_changes: object) -> dict:
    data = read_yaml(MINIMAL, "a scenario")
    data["reasons"][0].update(reason_changes)
    return data


def test_default_only_kpis_follow_what_the_file_states():
    assert default_only_kpis(load_scenario(MINIMAL)) == ["fcr", "repeat_rate"]
    stated = load_scenario_dict(_minimal(fcr=1.0), source="<test>")
    assert default_only_kpis(stated) == []  # 1.0 said out loud is a statement
    no_patience = _minimal(fcr=0.7)
    del no_patience["channels"]["phone"]["patience"]
    assert default_only_kpis(load_scenario_dict(no_patience, source="<test>")) == ["abandon_rate"]


def test_a_third_party_decides_fcr_even_without_a_stated_fcr():
    data = _minimal()
    data["third_parties"] = [
        {"name": "bo", "staff": 1, "work_time": {"dist": "exponential", "mean_min": 30}}
    ]
    data["reasons"][0]["third_party"] = {"party": "bo", "probability": 0.2}
    assert default_only_kpis(load_scenario_dict(data, source="<test>")) == []
