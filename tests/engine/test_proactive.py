"""Proactive outbound (spec D7): only a call made before the customer's moment prevents a contact.

An issue's *moment* is the arrival it has without the driver; the center learns of it
``lead_time`` earlier and queues the call. A call still waiting at the moment is cancelled and not
counted; the customer then contacts us as usual. Every expectation below is derived by hand in
the test's docstring.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml

from simulator.engine.center import simulate
from simulator.errors import ScenarioError
from simulator.results.kpis import journey_table, replication_kpis
from simulator.runs.replications import run
from simulator.scenario.loading import load_scenario_dict
from tests.conftest import merge

COVERAGE, PREVENTS, CALL_S, LEAD_S = 0.6, 0.75, 120.0, 1800.0
BASE: dict[str, Any] = {
    "name": "proactive",
    "seed": 13,
    "replications": 4,
    "horizon": {"days": 1, "warmup_minutes": 0, "interval_minutes": 60},
    # new issues only in the first 4 hours: every journey ends well before the horizon
    "arrivals": {"per_hour": [150.0] * 4 + [0.0] * 20},
    "reasons": [
        {"name": "billing", "share": 1.0, "handle_time": {"dist": "exponential", "mean_s": 300}}
    ],
    "agents": {"headcount": 60},
    "drivers": [
        {
            "kind": "proactive_outbound",
            "reason": "billing",
            "coverage": COVERAGE,
            "prevents": PREVENTS,
            "handle_time": {"dist": "deterministic", "value_s": CALL_S},
            "lead_time": {"dist": "deterministic", "value_s": LEAD_S},
        }
    ],
}
DRIVER = BASE["drivers"][0]
LIBRARY = Path(__file__).resolve().parents[2] / "scenarios"


def build(changes: dict[str, Any] | None = None) -> Any:
    return load_scenario_dict(merge(BASE, changes or {}), source="<test>")


def with_driver(**fields: Any) -> dict[str, Any]:
    return {"drivers": [merge(DRIVER, fields)]}


def assert_binomial_share(hits: float, n: float, p: float) -> None:
    """``hits`` out of ``n`` independent trials of probability ``p``: within 4 binomial sd."""
    assert abs(hits / n - p) <= 4 * math.sqrt(p * (1 - p) / n), (hits / n, p, n)


def test_idle_agents_call_every_covered_issue_at_its_lead_time():
    """60 agents for 150 issues/h of 300 s (12.5 Erlang) plus the calls (60% x 150/h x 120 s =
    3 Erlang): P(all 60 busy) is negligible, so each covered issue is called the moment the center
    learns of it, max(moment - 1800 s, 0), always before its moment (the lead is > 0). Hence
    per issue P(called) = coverage = 0.6 and P(prevented) = coverage x prevents = 0.45, pooled
    over the replications within 4 binomial sd; prevented issues make no contact and are
    deflected when their 120 s call ends; the others each make one contact (no abandons, FCR 1):
    offered = issues - prevented exactly."""
    sc = build()
    s = run(sc, workers=1).summary
    n = s["issues"].sum()
    assert_binomial_share(s["proactive_calls"].sum(), n, COVERAGE)
    assert_binomial_share(s["prevented"].sum(), n, COVERAGE * PREVENTS)
    assert (s["offered"] == s["issues"] - s["prevented"]).all()
    assert (s["deflected"] == s["prevented"]).all()

    rec = simulate(sc, 0)
    journeys = journey_table(rec, sc)
    moment = np.asarray(rec.issue_start)
    issue = np.asarray(rec.outbound_issue)
    start = np.asarray(rec.outbound_start)
    assert (np.asarray(rec.outbound_job) == -1).all()
    np.testing.assert_allclose(start, np.maximum(moment[issue] - LEAD_S, 0.0))
    assert (start < moment[issue]).all()
    called = journeys["proactive"] != "none"
    assert sorted(issue) == list(np.flatnonzero(called))  # one call per called issue
    prevented = journeys["proactive"] == "prevented"
    assert (journeys["outcome"][prevented] == "deflected").all()
    assert (journeys["contacts"][prevented] == 0).all()
    assert (journeys["contacts"][~prevented] == 1).all()
    # a prevented issue ends when its call ends; its start stays its moment
    call_prevented = prevented.to_numpy()[issue]  # per call: its issue was prevented
    end = np.asarray(rec.issue_end)[issue[call_prevented]]
    np.testing.assert_allclose(end, start[call_prevented] + CALL_S)


def test_no_agent_free_for_outbound_prevents_almost_nothing():
    """One agent for 150 issues/h of 300 s (12.5 Erlang, nobody abandons): after its first
    contact the queue never empties, and an agent makes an outbound call only when no inbound
    contact waits. Only at the start can the idle agent take a call (it does at t = 0, when the
    center learns of the first issues; after that 120 s call the queue is empty only with no
    arrival in 120 s, P = exp(-5) < 1%). So nearly every covered issue's call is still queued at
    its moment, is cancelled (not counted), and its customer contacts us: prevented is at most a
    few per replication instead of 45% of the issues, and offered = issues - prevented."""
    sc = build({"agents": {"headcount": 1}})
    s = run(sc, workers=1).summary
    assert (s["proactive_calls"] <= 3).all(), s["proactive_calls"].tolist()
    assert (s["prevented"] <= s["proactive_calls"]).all()
    assert (s["prevented"] < 0.01 * s["issues"]).all()
    assert (s["offered"] == s["issues"] - s["prevented"]).all()
    rec = simulate(sc, 0)
    called = np.asarray(rec.issue_proactive) != 0
    assert called.sum() == len(rec.outbound_issue)  # cancelled calls leave no record


def _growth_phase4(headcount: int) -> Any:
    data = yaml.safe_load((LIBRARY / "growth_phase4.yaml").read_text())
    data["agents"]["headcount"] = headcount
    data["replications"] = 2
    return load_scenario_dict(data, source="growth_phase4.yaml")


@pytest.mark.parametrize(
    "scenario",
    [
        pytest.param(lambda: build(), id="idle-agents"),
        pytest.param(lambda: build({"agents": {"headcount": 14}}), id="busy-agents"),
        pytest.param(
            lambda: build(
                merge(
                    with_driver(lead_time={"dist": "exponential", "mean_min": 20, "value_s": None}),
                    {
                        "agents": {"headcount": 15},
                        "channels": {"phone": {"patience": {"dist": "exponential", "mean_s": 240}}},
                    },
                )
            ),
            id="random-lead-abandons",
        ),
        pytest.param(lambda: _growth_phase4(9), id="growth_phase4-9-agents"),
    ],
)
def test_prevented_never_exceeds_calls_made(scenario):
    """A prevented issue is one whose call was made (started before its moment), so per
    replication prevented <= proactive_calls, and proactive_calls is the number of calls agents
    made for the counted issues (the outbound records); A3's invariants hold."""
    sc = scenario()
    for replication in range(sc.replications):
        rec = simulate(sc, replication)
        k = replication_kpis(rec, sc)
        assert k["prevented"] <= k["proactive_calls"]
        counted = np.asarray(rec.issue_start) >= sc.horizon.warmup_s
        issue = np.asarray(rec.outbound_issue, dtype=np.int64)[np.asarray(rec.outbound_job) < 0]
        assert k["proactive_calls"] == counted[issue].sum()
        assert (
            np.asarray(rec.outbound_start)[np.asarray(rec.outbound_job) < 0]
            < np.asarray(rec.issue_start)[issue]
        ).all()
        assert k["offered"] == k["answered"] + k["abandoned"] + k["in_system_at_end"]
        assert k["issues"] == k["resolved"] + k["gave_up"] + k["deflected"] + k["open_at_end"]


@pytest.mark.parametrize(
    "driver",
    [{"lead_time": {"dist": "deterministic", "value_s": 0}}, {"coverage": 0.0}],
    ids=["lead-0", "coverage-0"],
)
def test_without_a_call_in_time_the_numbers_are_those_without_the_driver(driver):
    """With lead time 0 no call can start before the moment (none is queued), and with coverage
    0 none is wanted: nothing is called or prevented. The issues are drawn ahead in the order of
    their moments with the draws they have without the driver, and the driver's draws have
    streams of their own, so every KPI equals the scenario's without the driver exactly."""
    without = run(build({"drivers": None}), workers=1).summary
    summary = run(build(with_driver(**driver)), workers=1).summary
    assert (summary["proactive_calls"] == 0).all()
    assert (summary["prevented"] == 0).all()
    assert summary.equals(without)


def test_lead_time_is_checked():
    with pytest.raises(ScenarioError, match=r"drivers\[0\]\.lead_time\.mean_h"):
        build(with_driver(lead_time={"dist": "exponential", "mean_h": -1, "value_s": None}))
