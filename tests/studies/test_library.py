"""The scenario library (``scenarios/``): every file validates, runs and tells its story.

Shortening, so the whole module stays well under 90 s on two busy cores: a file is loaded as a
dict, ``horizon.days`` is cut to at most ``SHORT_DAYS`` and ``replications`` to 2 (see
``shortened``); everything else is the file as written. The growth-phase files are two days by
design and run at full length with their own replications, as ``ccsim run FILE --out DIR &&
ccsim assess DIR`` would. The invoice comparison runs phase 1 and phase 3 over the first
``INVOICE_DAYS`` days of their month (the invoice lands on day 9) with 3 replications and common
random numbers.
"""

from __future__ import annotations

import copy
import re
from functools import cache
from itertools import takewhile
from pathlib import Path
from typing import Any, Literal, get_args, get_origin

import pytest
import yaml
from pydantic import BaseModel

from simulator.results.catalogue import CATALOGUE, KPI_KEYS
from simulator.runs.output import OUTPUT_FILES
from simulator.runs.replications import run
from simulator.scenario.loading import load_scenario, load_scenario_dict
from simulator.scenario.models import Scenario
from simulator.studies.assess import assess
from simulator.studies.compare import compare

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
FILES = sorted(SCENARIOS.glob("*.yaml"))
SHORT_DAYS = 7
SHORT_REPLICATIONS = 2
INVOICE_DAYS = 14


def raw(name: str) -> dict[str, Any]:
    """The YAML of a library file as a dict (the file's name as default ``name``)."""
    data = yaml.safe_load((SCENARIOS / name).read_text(encoding="utf-8"))
    data.setdefault("name", Path(name).stem)
    return data


def load(data: dict[str, Any]) -> Scenario:
    """Validate a (changed) library dict; CSV paths stay relative to ``scenarios/``."""
    return load_scenario_dict(data, source="<library>", base_dir=SCENARIOS)


def shortened(name: str, days: int = SHORT_DAYS) -> dict[str, Any]:
    """The file with at most ``days`` days and ``SHORT_REPLICATIONS`` replications."""
    data = copy.deepcopy(raw(name))
    horizon = data.setdefault("horizon", {})
    horizon["days"] = min(horizon.get("days", 1), days)
    data["replications"] = min(data.get("replications", 5), SHORT_REPLICATIONS)
    return data


def test_library_is_complete() -> None:
    names = {f.name for f in FILES}
    expected = {
        "invoice_phase1.yaml",
        "invoice_phase2.yaml",
        "invoice_phase3.yaml",
        "third_party_delivery.yaml",
        "bike_shop_stores.yaml",
        "first_to_second_line.yaml",
        "callback_button.yaml",
        "escalation_second_line.yaml",
        "firefighting_spiral.yaml",
        *(f"growth_phase{n}.yaml" for n in (1, 2, 3, 4)),
    }
    assert expected <= names


REPO = SCENARIOS.parent
_PATH = re.compile(r"[\w./-]+\.(?:yaml|csv|py|parquet)\b")
_NAME = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")  # snake_case: a KPI, column or key


def header(path: Path) -> str:
    """The opening comment block of a library file, as one line of text without the ``#``."""
    lines = path.read_text(encoding="utf-8").splitlines()
    block = takewhile(lambda line: line.startswith("#"), lines)
    return " ".join(line.lstrip("#").strip() for line in block)


def format_words(tp: Any, seen: set[type]) -> set[str]:
    """Keys of the scenario format under ``tp``, and its literal values (e.g. driver kinds)."""
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        if tp in seen:
            return set()
        seen.add(tp)
        words: set[str] = set()
        for name, f in tp.model_fields.items():
            words |= {name, f.alias or name, *format_words(f.annotation, seen)}
        return words
    if get_origin(tp) is Literal:
        return {a for a in get_args(tp) if isinstance(a, str)}
    return set().union(*(format_words(a, seen) for a in get_args(tp)))


@cache
def known_names() -> frozenset[str]:
    """What a header may name: KPI keys (the cost KPIs too), output-table columns, scenario keys,
    library files."""
    result = run(load(shortened("minimal.yaml", 1) | {"replications": 1}), workers=1)
    tables = (result.intervals, result.contacts, result.journeys, result.agents)
    columns = {str(c) for t in tables for c in t.columns}
    files = {f.stem for f in FILES}
    return frozenset({*CATALOGUE, *columns, *format_words(Scenario, set()), *files})


@pytest.mark.parametrize("path", FILES, ids=[f.stem for f in FILES])
def test_file_validates_and_says_what_it_teaches(path: Path) -> None:
    """The opening comment says what the file teaches, and whatever it points the reader at
    exists: a renamed KPI, column or key, or a moved file, leaves a stale header that fails here
    with the name. A bare ``.yaml`` name may be a copy the reader makes and is not checked."""
    load_scenario(path)
    text = header(path)
    assert "What it teaches:" in text, f"{path.name}: no 'What it teaches:' in its opening comment"
    paths = _PATH.findall(text)
    missing = [p for p in paths if "/" in p and not (REPO / p).exists()]
    missing += [p for p in paths if p.endswith(".parquet") and p not in OUTPUT_FILES]
    assert not missing, f"{path.name} points at files that do not exist: {missing}"
    unknown = sorted(set(_NAME.findall(_PATH.sub(" ", text))) - known_names())
    assert not unknown, f"{path.name} names {unknown}: no KPI, output column, key or library file"


_SKIP_SHORT_RUN = {f"growth_phase{n}.yaml" for n in (1, 2, 3, 4)}  # run in full below
RUN_FILES = [f for f in FILES if f.name not in _SKIP_SHORT_RUN]


@pytest.mark.parametrize("path", RUN_FILES, ids=[f.stem for f in RUN_FILES])
def test_shortened_run_conserves_contacts_and_issues(path: Path) -> None:
    """Spec A3 invariants per replication (the runner also refuses a broken replication)."""
    result = run(load(shortened(path.name)), workers=1)
    s = result.summary
    assert len(s) == SHORT_REPLICATIONS
    assert (s.offered == s.answered + s.abandoned + s.in_system_at_end).all()
    assert (s.issues == s.resolved + s.gave_up + s.deflected + s.open_at_end).all()
    assert (s.offered > 0).all()
    assert (s.answered > 0).all()


@pytest.mark.parametrize("phase", [1, 2, 3, 4])
def test_growth_file_lands_in_its_phase(phase: int) -> None:
    result = run(load(raw(f"growth_phase{phase}.yaml")), workers=1)
    s = result.summary
    assert (s.issues == s.resolved + s.gave_up + s.deflected + s.open_at_end).all()
    assert assess(result.kpis).phase == phase


@pytest.mark.slow
def test_invoice_phase3_needs_fewer_contacts_than_phase1() -> None:
    """A clearer, spread invoice removes contacts: a significant paired difference (CRN)."""
    scenarios = [
        load(shortened(f"invoice_phase{n}.yaml", INVOICE_DAYS) | {"replications": 3})
        for n in (1, 3)
    ]
    comparison = compare(scenarios, workers=1)
    diff = comparison.diff()
    for key in ("offered", "issues"):
        mean, ci = diff[key][0]["mean"], diff[key][0]["ci95"]
        assert mean is not None
        assert ci is not None
        assert mean + ci < 0, f"{key}: phase 3 - phase 1 = {mean:.0f} ± {ci:.0f}"
    p1, p3 = (r.kpis for r in comparison.results)
    assert p3["abandon_rate"] < p1["abandon_rate"]


def test_first_to_second_line_aht_rises_while_workload_falls() -> None:
    """Against the same file without self-service, same seed and agents: AHT higher, total
    handle time of answered contacts (answered x AHT) lower."""
    with_ss = raw("first_to_second_line.yaml")
    without = copy.deepcopy(with_ss)
    for reason in without["reasons"]:
        reason.pop("self_service", None)
    without["name"] = "first_to_second_line_without"
    short = {"horizon": {**with_ss["horizon"], "days": 2}, "replications": 3}
    comparison = compare([load(without | short), load(with_ss | short)], workers=1)
    before, after = (r.summary for r in comparison.results)
    assert after.aht_s.mean() > before.aht_s.mean() * 1.2
    workload_before = (before.answered * before.aht_s).to_numpy()
    workload_after = (after.answered * after.aht_s).to_numpy()
    assert (workload_after < workload_before).all()
    assert after.deflected.mean() > 0
    assert before.deflected.sum() == 0


PRICED = [
    *(f"invoice_phase{n}.yaml" for n in (1, 2, 3)),
    "low_fcr_center.yaml",
    *(f"growth_phase{n}.yaml" for n in (1, 2, 3, 4)),
]


@pytest.mark.parametrize("name", PRICED)
def test_priced_files_state_their_prices_and_the_basis(name: str) -> None:
    """Issue 16 item 5: a costs block, with a comment saying what each price rests on."""
    scenario = load(raw(name))
    assert scenario.costs is not None
    assert scenario.costs.agent_hour > 0
    text = (SCENARIOS / name).read_text(encoding="utf-8")
    for price in ("agent_hour", "contact_minute", "third_party_job"):
        assert f"#   {price} " in text, f"{name}: no comment on the basis of {price}"


def test_prices_change_no_other_number() -> None:
    """The cost KPIs are computed from the records after the run: the same file without its
    costs block gives every other KPI bit for bit (low_fcr_center: agents, a third party with
    callbacks and consults, an invoice run)."""
    priced = shortened("low_fcr_center.yaml", 2)
    unpriced = {k: v for k, v in priced.items() if k != "costs"}
    a, b = (run(load(d), workers=1).summary for d in (priced, unpriced))
    for key in KPI_KEYS:
        assert a[key].equals(b[key]), key
    assert "cost_total" in a.columns
    assert "cost_total" not in b.columns


def test_callback_button_hidden_when_busy_flatters_the_waits_and_loses_callers() -> None:
    """callback_button (issue 14 item 6): the file hides the button above 5 callers on the line;
    a copy that never hides it (same seed: common random numbers) is compared per replication.
    Always shown, more callers take a callback (they keep their place and never hang up), so
    fewer abandon and fewer issues are given up, while the wait figures look worse: the
    callbacks' waits count until the callback starts and the callers behind them wait longer."""
    hidden = raw("callback_button.yaml") | {"replications": 3}
    always = copy.deepcopy(hidden)
    del always["channels"]["phone"]["callback_offer"]["hide_when_waiting_above"]
    always["name"] = "callback_button_always"
    comparison = compare([load(always), load(hidden)], workers=1)
    shown, hid = (r.summary for r in comparison.results)
    assert (shown.callbacks_offered > hid.callbacks_offered).all()
    assert (shown.callbacks_accepted > hid.callbacks_accepted).all()
    assert (shown.abandoned < hid.abandoned).all()
    assert (shown.gave_up < hid.gave_up).all()
    assert (shown.asa_s > hid.asa_s).all()
    assert (shown.service_level < hid.service_level).all()
    for s in (shown, hid):
        assert (s.offered == s.answered + s.abandoned + s.in_system_at_end).all()


def todays_team(problem_solvers: dict[str, Any]) -> dict[str, Any]:
    """problem_solvers.yaml's header: the file without proficiency, EUR 40, 40 agents a shift."""
    today = copy.deepcopy(problem_solvers)
    today["name"] = "todays_team"
    del today["agents"]["proficiency"]
    for shift in today["agents"]["shifts"]:
        shift["agents"] = 40
    today["costs"]["agent_hour"] = 40.0
    return today


def test_problem_solvers_need_fewer_contacts_and_hours_for_the_same_customers() -> None:
    """problem_solvers (issue 19 item 4): the dearer team (handle time x1.15, FCR +0.25, EUR 48
    an hour, 38 agents a shift) against today's (40 at EUR 40), same seed (common random
    numbers), 3 replications of the file's 5 days. Per replication: fewer contacts per issue
    (1/(1 - (1 - f) p) with p = 0.8: f 0.62 -> 0.86 gives 1.44 -> 1.12 untruncated), fewer
    offered calls and agent hours, more issues resolved and fewer given up; per run a service
    level within 5 points of today's, cost_total higher (hours 20% dearer) and the cost per
    resolved issue no more than 2% above today's; the agents' ESAT proxy higher (fewer repeat
    callers: 8.3 -> 8.6 over 5 replications)."""
    solvers = raw("problem_solvers.yaml") | {"replications": 3}
    comparison = compare([load(todays_team(solvers)), load(solvers)], workers=1)
    today, better = (r.summary for r in comparison.results)
    for key in ("contacts_per_issue", "offered", "repeat_rate", "agent_hours", "gave_up"):
        assert (better[key] < today[key]).all(), key
    for key in ("fcr", "resolved", "aht_s", "cost_total", "esat"):
        assert (better[key] > today[key]).all(), key
    assert abs(better.service_level.mean() - today.service_level.mean()) < 0.05
    assert better.cost_per_resolved_issue.mean() < 1.02 * today.cost_per_resolved_issue.mean()


def _escalation_copies() -> list[Scenario]:
    """escalation_second_line as written (cold), a warm copy and a pooled copy (same hours)."""
    cold = raw("escalation_second_line.yaml") | {"replications": 3}
    warm = copy.deepcopy(cold)
    warm["name"] = "escalation_warm"
    warm["reasons"][1]["escalation"]["warm"] = True
    pooled = copy.deepcopy(cold)
    pooled["name"] = "escalation_pooled"
    pooled["reasons"][1]["escalation"]["to"] = "agents"
    first, second = (g["per_interval"] for g in cold["agents"]["groups"])
    pooled["agents"] = {"per_interval": [a + b for a, b in zip(first, second, strict=True)]}
    return [load(cold), load(warm), load(pooled)]


def test_escalation_warm_costs_first_line_time_and_pooling_saves_the_second_wait() -> None:
    """escalation_second_line (issue 14 item 6): per replication, with common random numbers.

    Warm against cold: the same escalated calls, and the wait for a specialist becomes first-line
    handle time, so the first line's aht_s rises by about the share escalated (14%) times that
    wait. Pooled against cold (same agent hours in one team): the agent who escalates mostly
    takes the second leg itself, so the second wait nearly vanishes, and one larger pool answers
    faster: a lower asa_s and fewer issues given up. Every leg counts for the group answering it.
    """
    comparison = compare(_escalation_copies(), workers=1)
    cold, warm, pooled = (r.summary for r in comparison.results)
    assert (warm.aht_s > cold.aht_s).all()
    assert (cold.escalations > 1000).all()
    assert (cold.escalation_abandoned > 50).all()
    assert (pooled.escalation_asa_s < 0.2 * cold.escalation_asa_s).all()
    assert (pooled.asa_s < cold.asa_s).all()
    assert (pooled.gave_up < cold.gave_up).all()
    by_group = comparison.results[0].to_json()["by_group"]
    legs = cold.escalations.mean() - cold.escalation_abandoned.mean()
    assert by_group["second_line"]["answered"] == pytest.approx(legs, abs=1.0)
    assert by_group["first_line"]["answered"] == pytest.approx(cold.answered.mean())


def test_firefighting_spiral_tips_with_10_percent_more_demand_unless_fcr_is_higher() -> None:
    """firefighting_spiral (issue 14 item 6): per replication, with common random numbers.

    By hand, without pressure: contacts per issue are 1 / (1 - (1 - f) p) = 1 / (1 - 0.35 x
    0.9) = 1.46 at FCR f = 0.65 and repeat probability p = 0.9, and 1.82 at f = 0.50 (under
    pressure), so a rise that keeps the pressure on adds about a quarter more calls on top of
    the 10%; at f = 0.75 (0.60 under pressure) it is 1.29 (1.56). Checked: with 10% more new
    issues offered rises by more than 15% and fcr falls by more than 4 points, the pressure is
    on in more than twice as many intervals and the service level falls; the same rise with FCR
    10 points higher offers fewer calls than today, with a higher service level.
    """
    base = raw("firefighting_spiral.yaml") | {"replications": 3}
    base["horizon"] = {**base["horizon"], "days": 4}
    rise = copy.deepcopy(base)
    rise["name"] = "spiral_rise"
    rise["arrivals"]["per_hour"] = 220
    fixed = copy.deepcopy(rise)
    fixed["name"] = "spiral_rise_fcr"
    fixed["reasons"][0]["fcr"] = 0.75
    comparison = compare([load(base), load(rise), load(fixed)], workers=1)
    today, tipped, held = (r.summary for r in comparison.results)
    assert (tipped.offered > 1.15 * today.offered).all()
    assert (tipped.fcr < today.fcr - 0.04).all()
    assert (tipped.occupancy_above_90_share > 2 * today.occupancy_above_90_share).all()
    assert (tipped.service_level < today.service_level).all()
    assert (held.offered < today.offered).all()
    assert (held.service_level > today.service_level).all()
