"""``ccsim business-case`` and customers lost (issue 16 items 3 and 4), against hand derivations."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml
from typer.testing import CliRunner

from simulator.cli import app
from simulator.errors import ScenarioError
from simulator.present.business_case import business_case_text
from simulator.results.catalogue import LOST_KEYS
from simulator.results.statistics import Summary
from simulator.runs.replications import run
from simulator.scenario.loading import load_scenario_dict
from simulator.studies.business_case import (
    BusinessCaseError,
    business_case,
    payback,
    week_factor,
)

DOC = Path(__file__).resolve().parents[2] / "docs" / "scenario-format.md"

# Two reasons of equal share, every handle exactly 300 s (no wrap-up), FCR 1 (no repeats), a
# patience of 100 h and 6 agents for 20 calls/h (1.67 Erlang): every contact is answered.
BASE: dict[str, Any] = {
    "name": "base",
    "seed": 5,
    "replications": 4,
    "horizon": {"days": 2, "warmup_minutes": 0},
    "arrivals": {"per_hour": 20},
    "reasons": [
        {
            "name": name,
            "share": 0.5,
            "handle_time": {"dist": "deterministic", "value_s": 300},
            "fcr": 1.0,
        }
        for name in ("a", "b")
    ],
    "channels": {"phone": {"patience": {"dist": "deterministic", "value_h": 100}}},
    "agents": {"headcount": 6},
    "costs": {"agent_hour": 40.0, "contact_minute": 0.05},
}


def whatif_without_b() -> dict[str, Any]:
    """The base with every issue of reason ``b`` solved in self-service: no contact at all."""
    data = copy.deepcopy(BASE)
    data["name"] = "no_b"
    data["reasons"][1]["self_service"] = {"offered": 1.0, "success": 1.0}
    return data


@pytest.fixture(scope="module")
def case():
    return business_case(
        load_scenario_dict(BASE), load_scenario_dict(whatif_without_b()), 1000.0, workers=1
    )


# -- the payback from a saving and its CI --------------------------------------------------------
def test_payback_carries_the_ci_of_the_saving():
    """Saving 500 ± 100 a week, one-off 10,000: 10,000 / 500 = 20 weeks; the saving's interval
    [400, 600] gives [10,000 / 600, 10,000 / 400] = [16.67, 25] weeks (the bounds swap)."""
    p = payback(10_000.0, Summary(500.0, 100.0))
    assert p.status == "payback"
    assert p.weeks == pytest.approx(20.0)
    assert p.low == pytest.approx(10_000 / 600)
    assert p.high == pytest.approx(25.0)


@pytest.mark.parametrize(
    ("saving", "status"),
    [
        (Summary(50.0, 100.0), "no_payback_shown"),  # [-50, 150] spans 0
        (Summary(100.0, 100.0), "no_payback_shown"),  # reaches 0: no upper bound on the weeks
        (Summary(0.0, 0.0), "no_payback_shown"),  # a what-if that changes nothing
        (Summary(-300.0, 100.0), "costs_more"),  # [-400, -200]: more cost every week
    ],
)
def test_a_saving_whose_ci_reaches_zero_shows_no_payback(saving, status):
    p = payback(10_000.0, saving)
    assert p.status == status
    assert (p.weeks, p.low, p.high) == (None, None, None)


# -- a what-if that removes contacts of a known handle time --------------------------------------
def test_removed_contacts_save_exactly_contact_minute_times_their_minutes(case):
    """Per replication (common random numbers) the what-if keeps exactly the base's ``a``
    contacts, so it removes answered(base) - answered(what-if) contacts of 5 minutes each:
    the handling cost falls by 0.05 x 5 x removed over the 2-day window, x 7/2 per week. The
    agents are the same (6 x 48 h x 40 = 11,520 per window), so that is the whole saving, and
    the payback is the one-off over its mean."""
    base, whatif = case.base.summary, case.whatif.summary
    assert (base.answered == base.offered).all()
    assert (base.aht_s == 300.0).all()
    removed = (base.answered - whatif.answered).to_numpy()
    assert (removed > 0).all()
    expected = 0.05 * 5.0 * removed * 7 / 2
    saving = case.weekly(case.base, "cost_total") - case.weekly(case.whatif, "cost_total")
    np.testing.assert_allclose(saving, expected, rtol=1e-12)
    assert (base.cost_agents == 11_520.0).all()
    parts = {p.key: p for p in case.parts()}
    assert parts["cost_agents"].saving == (0.0, 0.0)
    assert parts["cost_third_party"].saving == (0.0, 0.0)
    assert parts["cost_handling"].saving.mean == pytest.approx(expected.mean())
    assert parts["cost_handling"].count_change.mean == pytest.approx(-5.0 * removed.mean() * 3.5)
    mean, ci = case.saving()
    assert mean == pytest.approx(expected.mean())
    p = case.payback
    assert p.status == "payback"
    assert p.weeks == pytest.approx(1000.0 / mean)
    assert (p.low, p.high) == (pytest.approx(1000 / (mean + ci)), pytest.approx(1000 / (mean - ci)))
    assert case.roster_unchanged  # half the minutes, the same 6 agents paid


def test_the_saving_is_near_the_expected_handling_of_the_removed_reason(case):
    """Expected: reason b brings 20 x 0.5 = 10 calls/h, 1,680 a week, 8,400 minutes, x 0.05 =
    420 a week. Four replications of two days: the mean lies within two CI half-widths of it
    (the half-width is about 10% of the mean: Poisson counts of ~480 per replication)."""
    mean, ci = case.saving()
    assert abs(mean - 420.0) < 2 * ci
    assert week_factor(case.base.scenario) == pytest.approx(3.5)


def test_the_parts_add_up_to_the_total_saving(case):
    parts = case.parts()
    assert sum(p.saving.mean for p in parts) == pytest.approx(case.saving().mean)
    assert [p.key for p in parts] == ["cost_agents", "cost_handling", "cost_third_party"]
    lines = [line.line for p in parts for line in p.prices]
    assert lines == ["costs.agent_hour", "costs.contact_minute", "costs.third_party_job"]


def test_the_text_traces_every_amount_in_english_and_dutch(case):
    en = business_case_text(case, "en")
    assert "Payback: " in en
    assert "KPI cost_total" in en
    for key in ("cost_agents", "cost_handling", "cost_third_party", "costs.contact_minute"):
        assert key in en
    nl = business_case_text(case, "nl")
    assert "Terugverdientijd: " in nl
    assert "Eenmalige kosten: € 1.000,00" in nl
    assert re.search(r"\d+,\d weken \(95%-BI \d+,\d tot \d+,\d weken\)", nl)


def test_the_json_keys_are_documented(case):
    data = json.loads(json.dumps(case.to_json(), allow_nan=False))
    text = DOC.read_text(encoding="utf-8").split("### `ccsim business-case`")[1].split("\n### ")[0]
    documented = set(re.findall(r"^\| ([^|]+) \|", text, re.M))
    names = {n for cell in documented for n in re.findall(r"`([^`]+)`", cell)}
    assert set(data) <= names, sorted(set(data) - names)
    assert data["payback"]["status"] == "payback"
    assert data["lost_customers"] is None


# -- customers lost ----------------------------------------------------------------------------
LOST: dict[str, Any] = {
    "name": "lost",
    "seed": 3,
    "replications": 2,
    "horizon": {"days": 1, "warmup_minutes": 60},
    "arrivals": {"per_hour": 40},
    "reasons": [
        {
            "name": "a",
            "share": 1,
            "handle_time": {"dist": "exponential", "mean_s": 300},
            "fcr": 0.7,
            "repeat": {"probability": 0.5, "delay": {"dist": "exponential", "mean_min": 30}},
            "third_party": {"party": "bo", "probability": 0.5},
        }
    ],
    "third_parties": [
        {
            "name": "bo",
            "staff": 1,
            "work_time": {"dist": "exponential", "mean_min": 20},
            "callback_within_h": 1,
            "on_time_probability": 0.5,
            "late_delay": {"dist": "exponential", "mean_h": 2},
            "resolves": 0.8,
        }
    ],
    "channels": {"phone": {"patience": {"dist": "exponential", "mean_s": 60}}},
    "agents": {"headcount": 3},
    "costs": {"agent_hour": 38.0, "contact_minute": 0.02, "third_party_job": 6.0},
}
PROBABILITIES = {"value": 250.0, "after_gave_up": 0.1, "after_missed_callback": 0.3}


@pytest.fixture(scope="module")
def lost_runs():
    """The overloaded scenario (3 agents for 3.3 Erlang, a partner that keeps half its callback
    promises) without and with ``costs.lost_customer``."""
    with_lost = copy.deepcopy(LOST)
    with_lost["costs"]["lost_customer"] = PROBABILITIES
    return [run(load_scenario_dict(d), workers=1) for d in (LOST, with_lost)]


def test_lost_customers_are_absent_by_default_and_never_in_cost_total(lost_runs):
    without, with_lost = lost_runs
    assert not set(LOST_KEYS) & set(without.kpis)
    assert not set(LOST_KEYS) & set(without.summary.columns)
    assert set(LOST_KEYS) <= set(with_lost.summary.columns)
    for key in ("cost_total", "cost_per_contact", "offered", "gave_up", "callbacks_missed"):
        assert (without.summary[key] == with_lost.summary[key]).all(), key


def test_lost_customers_are_the_expected_number_per_issue(lost_runs):
    """Per counted issue (started after warm-up), the customer stays with probability
    (1 - 0.1 if it gave up) x (1 - 0.3) ^ its broken callback promises; lost_customers is the
    sum of 1 - that, and cost_lost_customers 250 times it. Computed here from the journeys
    table (every promise of this party is a callback, so its callbacks_missed are broken
    promises)."""
    _, with_lost = lost_runs
    j = with_lost.journeys
    j = j[~j["in_warmup"].astype(bool)]
    stays = np.where(j["outcome"].astype(str) == "gave_up", 0.9, 1.0) * 0.7 ** j["callbacks_missed"]
    expected = (1 - stays).groupby(j["replication"].to_numpy()).sum().to_numpy()
    s = with_lost.summary
    assert (s.gave_up > 0).all()
    assert (s.callbacks_missed > 0).all()
    np.testing.assert_allclose(s.lost_customers, expected, rtol=1e-12)
    np.testing.assert_allclose(s.cost_lost_customers, 250.0 * expected, rtol=1e-12)
    # and never more than if every bad ending counted on its own
    assert (s.lost_customers <= 0.1 * s.gave_up + 0.3 * s.callbacks_missed + 1e-9).all()


def test_bad_lost_customer_input_names_the_field():
    data = copy.deepcopy(LOST)
    data["costs"]["lost_customer"] = {"value": 250, "after_gave_up": 1.5}
    with pytest.raises(ScenarioError, match=r"costs\.lost_customer\.after_gave_up"):
        load_scenario_dict(data)
    data["costs"]["lost_customer"] = {"after_gave_up": 0.1}
    with pytest.raises(ScenarioError, match=r"costs\.lost_customer\.value"):
        load_scenario_dict(data)


# -- the command ---------------------------------------------------------------------------------
def _write(folder: Path, name: str, data: dict[str, Any]) -> str:
    path = folder / name
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return str(path)


def test_cli_a_whatif_that_changes_nothing_shows_no_payback(tmp_path):
    """The base against itself: every replication's saving is 0 exactly, 0 ± 0, no payback."""
    short = copy.deepcopy(BASE) | {"replications": 2, "horizon": {"days": 1}}
    base = _write(tmp_path, "base.yaml", short)
    same = _write(tmp_path, "same.yaml", short | {"name": "same"})
    args = ["business-case", base, same, "--one-off", "5000", "--json", "--workers", "1"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["saving_per_week"] == {"mean": 0.0, "ci95": 0.0}
    assert data["payback"] == {
        "status": "no_payback_shown",
        "weeks": None,
        "low": None,
        "high": None,
    }
    text = CliRunner().invoke(app, [*args[:-3], "--workers", "1", "--lang", "nl"])
    assert "geen terugverdientijd aangetoond" in text.stdout


@pytest.mark.parametrize(
    ("change", "args", "message"),
    [
        ({"costs": None}, [], r"whatif\.yaml: costs: missing"),
        ({"costs": {"agent_hour": 40, "currency": "USD"}}, [], r"costs\.currency"),
        ({}, ["--replications", "1"], r"replications"),
        ({}, ["--one-off", "0"], r"--one-off: must be an amount > 0"),
        ({"costs": {"agent_hour": -1}}, [], r"costs\.agent_hour"),
    ],
)
def test_cli_bad_input_is_exit_2_with_the_field(tmp_path, change, args, message):
    base = _write(tmp_path, "base.yaml", BASE)
    other = {k: v for k, v in (BASE | change).items() if v is not None}
    whatif = _write(tmp_path, "whatif.yaml", other)
    one_off = [] if "--one-off" in args else ["--one-off", "1000"]
    result = CliRunner().invoke(app, ["business-case", base, whatif, *one_off, *args])
    assert result.exit_code == 2
    assert re.search(message, result.output), result.output
    assert "Traceback" not in result.output


def test_business_case_refuses_one_replication_before_running():
    with pytest.raises(BusinessCaseError, match="at least 2"):
        business_case(
            load_scenario_dict(BASE), load_scenario_dict(BASE), 1.0, replications=1, workers=1
        )


def test_a_price_change_is_traced_to_its_line(tmp_path):
    """The what-if moves group ``b`` (3 agents, 24 h) to a partner at 30 instead of 40 an hour
    and nothing else: the saving is exactly 10 x 3 x 24 = 720 per day, x 7 = 5,040 a week in
    every replication (0 ± 0), and the text shows the line that changed: agents.groups[b]."""
    base = copy.deepcopy(BASE) | {"replications": 2, "horizon": {"days": 1}}
    base["agents"] = {
        "groups": [
            {"name": "a", "skills": ["a"], "headcount": 3},
            {"name": "b", "skills": ["b"], "headcount": 3},
        ]
    }
    cheaper = copy.deepcopy(base)
    cheaper["name"] = "partner"
    cheaper["agents"]["groups"][1]["agent_hour"] = 30.0
    case = business_case(load_scenario_dict(base), load_scenario_dict(cheaper), 10_080.0)
    assert case.saving() == (pytest.approx(5040.0), 0.0)
    assert case.payback.weeks == pytest.approx(2.0)
    assert (case.payback.low, case.payback.high) == (pytest.approx(2.0), pytest.approx(2.0))
    agents = case.parts()[0]
    assert [(p.line, p.base, p.whatif) for p in agents.prices] == [
        ("costs.agent_hour", 40.0, 40.0),
        ("agents.groups[b].agent_hour", 40.0, 30.0),
    ]
    assert agents.count_change == (0.0, 0.0)
    text = business_case_text(case, "en")
    assert "agents.groups[b].agent_hour €40.00 \u2192 €30.00" in text
    assert "agent hours 0.0 ± 0.0 per week" in text
    assert not case.roster_unchanged  # the same minutes: nothing to say about the roster


def test_the_roster_note_only_when_minutes_fall_and_paid_hours_do_not():
    """Removing reason b halves the handled minutes. With the same 6 agents the paid hours do
    not fall (0 of 288 per 2 days): the note says the roster must follow. With the roster cut to
    3 agents the hours fall by half too (50% >= 50% / 4): no note."""
    cut = whatif_without_b() | {"agents": {"headcount": 3}, "replications": 2}
    short = {"horizon": {"days": 1}, "replications": 2}
    base = load_scenario_dict(BASE | short)
    same = business_case(base, load_scenario_dict(whatif_without_b() | short), 1.0, workers=1)
    assert same.roster_unchanged
    assert same.to_json()["notes"][-1].startswith("The what-if handles fewer minutes")
    assert "pas op agentkosten als het rooster" in business_case_text(same, "nl")
    cheaper = business_case(base, load_scenario_dict(cut | short), 1.0, workers=1)
    assert not cheaper.roster_unchanged
    assert "fewer minutes" not in business_case_text(cheaper, "en")
