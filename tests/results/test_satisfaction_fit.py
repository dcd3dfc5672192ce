"""Fitting the CSAT proxy's weights to survey means per outcome group (results/calibration.py).

Two kinds of checks. On hand-made journeys the fit must give the weights derived by hand in each
docstring. On simulated journeys, a survey made from KNOWN weights (not the defaults) over the
same journeys must give those weights back: the proxy's group means are a (clipped) linear
function of the weights, so the fit is exact up to the solver's precision, whatever the noise of
the simulation.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from simulator.errors import CcsimError
from simulator.results.calibration import fit_csat, journey_features, members
from simulator.runs.replications import run
from simulator.scenario.models import CsatModel
from simulator.scenario.survey import (
    CSAT_WEIGHTS,
    PREDEFINED,
    Range,
    Survey,
    SurveyGroup,
    Where,
    load_survey,
)
from tests.conftest import scenario

DEFAULTS = CsatModel()


def _journeys(rows: list[dict]) -> pd.DataFrame:
    """A journeys table with the columns the fit reads; unspecified values are a clean journey."""
    clean = {
        "reason": "general",
        "in_warmup": False,
        "outcome": "resolved",
        "self_service": "none",
        "repeat_contacts": 0,
        "missed_callback_contacts": 0,
        "abandoned": 0,
        "wait_s": 0.0,
        "email_wait_h": 0.0,
        "resolved_first_contact": False,
        "callbacks_missed": 0,
    }
    return pd.DataFrame([{**clean, **row} for row in rows])


def _survey(groups: list[dict], fit: list[str] | None = None) -> Survey:
    return Survey.model_validate({"groups": groups, **({"fit": fit} if fit else {})})


def test_two_groups_give_base_and_the_repeat_effect_by_hand():
    """Journeys: 3 resolved at the first contact without trouble, 2 with two repeat contacts.

    The survey: 8.4 for the first group, 6.8 for the second. With only base and
    per_repeat_contact free, the proxy's group means are base (no feature in the first group) and
    base + 2 per_repeat_contact, so base = 8.4 and per_repeat_contact = (6.8 - 8.4) / 2 = -0.8;
    both equations hold exactly, so the residuals are 0. The other weights keep the scenario's
    values (here the defaults).
    """
    journeys = _journeys(
        [{"resolved_first_contact": True}] * 3
        + [{"repeat_contacts": 1, "missed_callback_contacts": 1}] * 2
    )
    survey = _survey(
        [
            {"name": "resolved_first_contact", "mean_csat": 8.4, "n": 320},
            {"name": "repeat_2", "mean_csat": 6.8, "n": 80},
        ],
        fit=["base", "per_repeat_contact"],
    )
    cal = fit_csat(journeys, survey, DEFAULTS)
    assert cal.weights["base"] == pytest.approx(8.4, abs=1e-9)
    assert cal.weights["per_repeat_contact"] == pytest.approx(-0.8, abs=1e-9)
    assert cal.fitted == ["base", "per_repeat_contact"]
    for key in set(CSAT_WEIGHTS) - {"base", "per_repeat_contact"}:
        assert cal.weights[key] == getattr(DEFAULTS, key)
        assert key in cal.kept
    assert [g.issues for g in cal.groups] == [3, 2]
    assert max(abs(g.residual) for g in cal.groups) < 1e-9
    assert cal.csat_block()["per_repeat_contact"] == -0.8


def test_a_positive_effect_stops_at_zero_and_base_is_the_weighted_mean():
    """A survey in which repeat customers are happier (7.0 without repeats, n = 3; 8.0 with
    two, n = 1) asks for per_repeat_contact > 0, which the model forbids (effects are <= 0).

    At the limit per_repeat_contact = 0 both group means equal base, and the answer-weighted
    least squares base minimises 3 (b - 7)^2 + 1 (b - 8)^2: b = (3 x 7 + 1 x 8) / 4 = 7.25. The
    report says the weight ended at its limit.
    """
    journeys = _journeys([{}, {"repeat_contacts": 2}])
    survey = _survey(
        [
            {"name": "no repeats", "where": {"repeats": 0}, "mean_csat": 7.0, "n": 3},
            {"name": "repeat_2", "mean_csat": 8.0, "n": 1},
        ],
        fit=["base", "per_repeat_contact"],
    )
    cal = fit_csat(journeys, survey, DEFAULTS)
    assert cal.weights["per_repeat_contact"] == 0.0
    assert cal.weights["base"] == pytest.approx(7.25, abs=1e-9)
    assert cal.at_bound == ["per_repeat_contact"]
    assert any("per_repeat_contact ended at 0" in n for n in cal.notes)
    # the residuals of the weighted fit: +0.25 and -0.75, RMS sqrt((3 x 0.0625 + 0.5625) / 4)
    assert [g.residual for g in cal.groups] == pytest.approx([0.25, -0.75])
    assert cal.rmse == pytest.approx(np.sqrt(0.75 / 4))


def test_a_group_that_no_issue_is_in_is_left_out_and_said():
    journeys = _journeys([{"resolved_first_contact": True}, {"repeat_contacts": 1}])
    survey = _survey(
        [
            {"name": "resolved_first_contact", "mean_csat": 8.4},
            {"name": "repeat_1", "mean_csat": 7.6},
            {"name": "missed_callback", "mean_csat": 5.0},
        ]
    )
    cal = fit_csat(journeys, survey, DEFAULTS)
    assert cal.groups[2].issues == 0
    assert any("'missed_callback'" in n and "left out" in n for n in cal.notes)
    assert cal.weights["base"] == pytest.approx(8.4)
    assert cal.weights["per_repeat_contact"] == pytest.approx(-0.8)
    with pytest.raises(CcsimError, match="nothing to fit"):
        fit_csat(journeys, _survey([{"name": "gave_up", "mean_csat": 5.0}]), DEFAULTS)


# -- simulated journeys -------------------------------------------------------------------------
KNOWN = CsatModel(
    base=9.5,
    per_minute_wait=-0.3,
    per_hour_email_wait=-0.05,
    per_abandoned=-0.7,
    per_repeat_contact=-2.4,
    per_missed_callback=-0.9,
    failed_self_service=-0.6,
    unresolved=-2.6,
)
"""Not the defaults; strong enough that about 1% of the issues score below 1 (clipped)."""


@pytest.fixture(scope="module")
def simulated():
    """Two replications of a day with repeats, abandonment, give-ups and failed self-service
    (no e-mail, no callbacks): 14 agents for about 13 Erlang of phone work."""
    sc = scenario(
        {
            "seed": 11,
            "replications": 2,
            "horizon": {"days": 1, "warmup_minutes": 60},
            "arrivals": {"per_hour": 150},
            "reasons": [
                {
                    "name": "general",
                    "share": 1.0,
                    "handle_time": {"dist": "exponential", "mean_s": 300},
                    "fcr": 0.6,
                    "repeat": {
                        "probability": 0.8,
                        "delay": {"dist": "exponential", "mean_min": 30},
                        "max_contacts": 4,
                    },
                    "self_service": {"offered": 0.4, "success": 0.5},
                }
            ],
            "channels": {"phone": {"patience": {"dist": "exponential", "mean_s": 180}}},
            "agents": {"headcount": 14},
        }
    )
    return sc, run(sc, workers=1, keep_contacts=True).journeys


def _known_survey(journeys: pd.DataFrame, names: list[str], extra: list[dict] = ()) -> Survey:
    """Each group's mean of the proxy with the KNOWN weights (clipped, as the simulation
    scores it), with its number of issues as the number of answers."""
    rows, feats = journey_features(journeys)
    w = np.array([getattr(KNOWN, k) for k in CSAT_WEIGHTS])
    score = np.clip(feats @ w, 1.0, 10.0)
    groups = []
    for spec in [{"name": n} for n in names] + list(extra):
        where = Survey.model_validate({"groups": [{**spec, "mean_csat": 5.0}]}).groups[0].conditions
        mask = members(rows, feats, where)
        groups.append({**spec, "mean_csat": float(score[mask].mean()), "n": int(mask.sum())})
    return Survey.model_validate({"groups": groups})


def test_the_features_reproduce_the_journey_tables_csat(simulated):
    """The fit must score journeys exactly as the run does: with the scenario's weights, the
    proxy from ``journey_features`` equals the ``csat`` column of every closed counted issue."""
    sc, journeys = simulated
    rows, feats = journey_features(journeys)
    w = np.array([getattr(sc.satisfaction.csat, k) for k in CSAT_WEIGHTS])
    assert len(rows) > 5000
    np.testing.assert_allclose(np.clip(feats @ w, 1, 10), rows["csat"].to_numpy(), atol=1e-12)


def test_the_fit_recovers_known_weights(simulated):
    """Every predefined group this scenario produces, plus one of long waits (>= 1 minute)
    that tells the wait effect apart, made from KNOWN: the six weights with a feature in the
    groups come back to 1e-6; e-mail waits and missed callbacks do not occur, so those two keep
    the scenario's values (the defaults) and the report says why."""
    sc, journeys = simulated
    names = [n for n in PREDEFINED if n not in ("missed_callback",)]
    survey = _known_survey(
        journeys, names, [{"name": "long waits", "where": {"wait_min": {"min": 1}}}]
    )
    cal = fit_csat(journeys, survey, sc.satisfaction.csat, replications=2)
    for key in CSAT_WEIGHTS:
        if key in ("per_hour_email_wait", "per_missed_callback"):
            assert cal.weights[key] == getattr(DEFAULTS, key)
            assert "no simulated issue" in cal.kept[key]
        else:
            assert cal.weights[key] == pytest.approx(getattr(KNOWN, key), abs=1e-6), key
    assert sorted(cal.fitted) == sorted(set(CSAT_WEIGHTS) - set(cal.kept))
    assert any("clipped proxy" in n for n in cal.notes)  # some issues score below 1
    assert cal.rmse < 1e-6


def test_an_under_determined_survey_keeps_the_defaults_and_says_so(simulated):
    """Two groups (resolved at first contact, two repeats) fix two weights: base and the
    repeat effect that defines the second group. Every other weight keeps its default, and
    the reason names the number of groups; with as many weights as groups the fit is exact,
    which the notes point out."""
    sc, journeys = simulated
    survey = _known_survey(journeys, ["resolved_first_contact", "repeat_2"])
    cal = fit_csat(journeys, survey, sc.satisfaction.csat)
    assert cal.fitted == ["base", "per_repeat_contact"]
    for key in set(CSAT_WEIGHTS) - {"base", "per_repeat_contact"}:
        assert cal.weights[key] == getattr(DEFAULTS, key)
    assert "2 groups fix at most 2 weights" in cal.kept["per_abandoned"]
    assert any("the fit is exact" in n for n in cal.notes)
    assert cal.rmse < 1e-9


def test_fit_lists_the_weights_to_fit(simulated):
    """``fit: [per_repeat_contact]`` fits that weight alone; base stays 8.6 even though the
    groups could identify it."""
    sc, journeys = simulated
    groups = _known_survey(journeys, ["resolved_first_contact", "repeat_1", "repeat_2"]).groups
    survey = Survey(groups=groups, fit=["per_repeat_contact"])
    cal = fit_csat(journeys, survey, sc.satisfaction.csat)
    assert cal.fitted == ["per_repeat_contact"]
    assert cal.weights["base"] == 8.6
    assert "not listed" in cal.kept["base"]


# -- the documentation of the survey format -----------------------------------------------------
DOC = Path(__file__).resolve().parents[2] / "docs" / "satisfaction.md"


def _tables_after(heading: str) -> list[list[str]]:
    """Per table under the first heading that starts with ``heading`` (up to the next heading):
    its first column, ticks removed."""
    lines = DOC.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(heading))
    tables: list[list[str]] = []
    in_table = False
    for line in lines[start + 1 :]:
        if line.startswith("#"):
            break
        if line.startswith("|") and not in_table:
            tables.append([])
        in_table = line.startswith("|")
        cell = line.split("|")[1].strip() if in_table else ""
        if cell.startswith("`"):
            tables[-1].append(cell.strip("`"))
    return tables


@pytest.mark.parametrize(
    ("heading", "model"),
    [
        ("### The survey file", Survey),
        ("#### `groups[]`", SurveyGroup),
        ("#### `groups[].where`", Where),
        ("#### Ranges", Range),
    ],
)
def test_every_survey_key_is_documented_and_no_other(heading, model):
    assert _tables_after(heading)[0] == list(model.model_fields)


def test_the_predefined_groups_are_documented_as_they_are():
    lines = DOC.read_text(encoding="utf-8").splitlines()
    start = lines.index("#### Predefined groups")
    end = next(i for i in range(start + 1, len(lines)) if lines[i].startswith("#"))
    rows = [line.split("|")[1:3] for line in lines[start:end] if line.startswith("| `")]
    documented = {name.strip().strip("`"): where.strip().strip("`") for name, where in rows}
    assert list(documented) == list(PREDEFINED)
    for name, where in documented.items():
        if name != "all":
            parsed = yaml.safe_load(where)
            assert Where.model_validate(parsed) == PREDEFINED[name], name


def test_the_documented_example_is_a_valid_survey(tmp_path):
    text = DOC.read_text(encoding="utf-8")
    block = text.split("```yaml\n", 1)[1].split("```", 1)[0]
    file = tmp_path / "survey.yaml"
    file.write_text(block, encoding="utf-8")
    survey = load_survey(file)
    assert [g.name for g in survey.groups][-1] == "long waits"


def test_the_json_keys_are_documented():
    journeys = _journeys([{"resolved_first_contact": True}, {"repeat_contacts": 1}])
    survey = _survey([{"name": "all", "mean_csat": 8.0}, {"name": "repeat_1", "mean_csat": 7.0}])
    data = {"scenario": "x", **fit_csat(journeys, survey, DEFAULTS).to_json()}
    keys = _tables_after("### The output")[1]
    assert keys == list(data)
    groups_row = next(
        line
        for line in DOC.read_text(encoding="utf-8").splitlines()
        if line.startswith("| `groups` | per group")
    )
    for key in data["groups"][0]:
        assert f"`{key}`" in groups_row, key


def test_a_group_with_few_simulated_issues_gets_a_note():
    journeys = _journeys([{"resolved_first_contact": True}] * 40 + [{"repeat_contacts": 1}] * 3)
    survey = _survey(
        [
            {"name": "resolved_first_contact", "mean_csat": 8.4},
            {"name": "repeat_1", "mean_csat": 7.6},
        ]
    )
    cal = fit_csat(journeys, survey, DEFAULTS)
    assert any("'repeat_1': only 3 simulated issues" in n for n in cal.notes)
    assert not any("'resolved_first_contact'" in n for n in cal.notes)
