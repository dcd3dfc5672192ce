"""Money (spec D2): the cost block, its KPIs against hand-derived amounts, absent without it."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

from simulator.engine.center import simulate
from simulator.engine.records import CONSULT_MADE, as_array
from simulator.errors import ScenarioError
from simulator.results.catalogue import COST_KEYS, KPI_KEYS
from simulator.results.kpis import replication_kpis
from simulator.runs.replications import run
from simulator.scenario.loading import load_scenario_dict
from tests.conftest import merge, t_tolerance

# A day with a morning and an afternoon shift, a warm-up, repeats and abandonment: agent hours
# that are not a round number and contacts of every kind.
DAY: dict[str, Any] = {
    "name": "costs",
    "seed": 11,
    "replications": 3,
    "horizon": {"days": 1, "warmup_minutes": 60, "interval_minutes": 30},
    "arrivals": {"per_hour": [0.0] * 16 + [150.0] * 20 + [0.0] * 12},
    "reasons": [
        {
            "name": "billing",
            "share": 0.4,
            "handle_time": {"dist": "exponential", "mean_s": 360},
            "wrap_up_s": 30,
            "fcr": 0.6,
            "repeat": {"probability": 0.8, "delay": {"dist": "exponential", "mean_min": 45}},
        },
        {"name": "general", "share": 0.6, "handle_time": {"dist": "exponential", "mean_s": 240}},
    ],
    "channels": {"phone": {"patience": {"dist": "exponential", "mean_s": 180}}},
    "agents": {
        "shifts": [
            {"start": "08:00", "end": "13:00", "agents": 14},
            {"start": "13:00", "end": "18:00", "agents": 12},
        ]
    },
}
FULL = {
    "currency": "EUR",
    "agent_hour": 38.0,
    "overtime_premium": 0.5,
    "contact_minute": 0.02,
    "third_party_job": 6.0,
}


def build(changes: dict[str, Any], base: dict[str, Any] = DAY):
    return load_scenario_dict(merge(base, changes), source="<test>")


def test_with_only_agent_hour_the_total_is_agent_hour_times_agent_hours_exactly():
    """D2: cost_total = agent_hour x agent_hours, to the last bit, in every replication.

    The other prices default to 0, so the handling and third-party parts are 0.0 and the
    overtime premium adds 0 x ... = 0.0.
    """
    result = run(build({"costs": {"agent_hour": 38.0}}), workers=1)
    for row in result.rows:
        assert row["cost_total"] == 38.0 * row["agent_hours"]
        assert row["cost_agents"] == row["cost_total"]
        assert row["cost_handling"] == 0.0
        assert row["cost_third_party"] == 0.0
        assert row["cost_per_contact"] == row["cost_total"] / row["contacts"]
        assert row["cost_per_resolved_issue"] == row["cost_total"] / row["resolved"]
    # the window (01:00 to 24:00) holds both shifts whole: 14 x 5 + 12 x 5 = 130 h, plus the
    # time agents finish a call past 13:00 and 18:00
    assert all(130.0 <= row["agent_hours"] < 132.0 for row in result.rows)


THIRD_PARTY: dict[str, Any] = {
    "third_parties": [
        {
            "name": "backoffice",
            "staff": 3,
            "work_time": {"dist": "exponential", "mean_min": 20},
            "callback_within_h": 4,
        }
    ],
}


def _full_scenario():
    billing = {
        **DAY["reasons"][0],
        "third_party": {
            "party": "backoffice",
            "probability": 0.3,
            "mode": {"consult": 0.3, "transfer": 0.3, "callback": 0.4},
            "consult_hold_s": 60,
        },
    }
    return build(
        {
            **THIRD_PARTY,
            "reasons": [billing, DAY["reasons"][1]],
            "agents": {"overtime": {"queue_above": 3, "max_agents": 3, "max_minutes": 30}},
            "costs": FULL,
        }
    )


def test_the_parts_add_up_and_each_part_is_its_price_times_its_count():
    """Every replication: total = agents + handling + third party; each part is traced.

    agents = 38 x agent_hours + 0.5 x 38 x overtime_h (single pool, no group price);
    third party = 6 x (consults made + transfers + promised callbacks); the window starts at
    the warm-up for agent hours and for the contacts that created the jobs.
    """
    sc = _full_scenario()
    overtime_seen = jobs_seen = 0.0
    for r in range(3):
        rec = simulate(sc, r, sc.seed)
        k = replication_kpis(rec, sc)
        assert k["cost_total"] == k["cost_agents"] + k["cost_handling"] + k["cost_third_party"]
        assert k["cost_agents"] == pytest.approx(
            38.0 * k["agent_hours"] + 0.5 * 38.0 * k["overtime_h"], rel=1e-12
        )
        arrival = as_array(rec.arrival)
        counted = arrival >= sc.horizon.warmup_s
        made = as_array(rec.consult_contact)[as_array(rec.consult_outcome) == CONSULT_MADE]
        jobs = counted[made].sum() + counted[as_array(rec.job_contact)].sum()
        assert k["cost_third_party"] == 6.0 * jobs
        assert 0.0 <= k["cost_of_repeats"] <= k["cost_total"]
        overtime_seen += k["overtime_h"]
        jobs_seen += jobs
    assert overtime_seen > 0  # the case exercises both
    assert jobs_seen > 0


def test_handling_cost_on_deterministic_handle_times():
    """Deterministic talk 300 s + wrap-up 30 s, nobody abandons, plenty of agents.

    Every contact after the warm-up is answered and takes 330 s = 5.5 min, so
    cost_handling = 0.02 x 5.5 x contacts; with fcr 1 nothing repeats: cost_of_repeats = 0.
    """
    sc = build(
        {
            "reasons": [
                {
                    "name": "general",
                    "share": 1.0,
                    "handle_time": {"dist": "deterministic", "value_s": 300},
                    "wrap_up_s": 30,
                }
            ],
            "channels": {"phone": {"patience": None}},
            "agents": {"headcount": 20, "shifts": None},
            "costs": {"agent_hour": 0.0, "contact_minute": 0.02},
        }
    )
    for r in range(2):
        k = replication_kpis(simulate(sc, r, sc.seed), sc)
        assert k["contacts"] == k["answered"] > 1000
        assert k["cost_handling"] == pytest.approx(0.02 * 5.5 * k["contacts"], rel=1e-12)
        assert k["cost_total"] == k["cost_handling"]
        assert k["cost_of_repeats"] == 0.0


def test_cost_of_repeats_is_the_repeats_share_of_handle_time():
    """Deterministic handle time (300 s), fcr 0.5 on every contact, every unresolved customer
    contacts again a minute later, nobody abandons.

    Each handled contact takes the same time, so the repeats' share of the handle time is their
    share of the answered contacts: exactly so per replication. Per issue the contacts are
    geometric with mean 1 / 0.5 = 2, one new and on average one repeat: the share is 1/2 up to
    the few issues cut off by the horizon (sampling tolerance from the replications).
    """
    sc = build(
        {
            "replications": 6,
            "horizon": {"warmup_minutes": 0},
            "arrivals": {"per_hour": 60},
            "reasons": [
                {
                    "name": "general",
                    "share": 1.0,
                    "handle_time": {"dist": "deterministic", "value_s": 300},
                    "fcr": 0.5,
                    "repeat": {
                        "probability": 1.0,
                        "delay": {"dist": "deterministic", "value_s": 60},
                    },
                }
            ],
            "channels": {"phone": {"patience": None}},
            "agents": {"headcount": 12, "shifts": None},
            "costs": {"agent_hour": 30.0, "contact_minute": 0.05},
        }
    )
    shares = []
    for r in range(6):
        rec = simulate(sc, r, sc.seed)
        k = replication_kpis(rec, sc)
        kind = as_array(rec.kind)
        repeats = int((kind == 2).sum())  # REPEAT
        assert k["answered"] == len(kind)
        assert k["cost_of_repeats"] == pytest.approx(
            k["cost_total"] * repeats / len(kind), rel=1e-12
        )
        shares.append(k["cost_of_repeats"] / k["cost_total"])
    x = np.array(shares)
    assert abs(x.mean() - 0.5) <= t_tolerance(x.std(ddof=1) / math.sqrt(len(x)), len(x)) + 0.005


TWO_GROUPS: dict[str, Any] = {
    "horizon": {"warmup_minutes": 0},
    "arrivals": {"per_hour": 40},
    "agents": {
        "shifts": None,
        "groups": [
            {"name": "first", "skills": ["general"], "headcount": 3},
            {"name": "billing desk", "skills": ["billing"], "headcount": 5, "agent_hour": 50.0},
        ],
    },
}


def test_a_group_price_overrides_agent_hour():
    """3 agents at 40 and 5 agents at 50 an hour, always on duty, for 24 h:
    40 x 3 x 24 + 50 x 5 x 24 = 2880 + 6000 = 8880, in every replication.
    """
    result = run(build({**TWO_GROUPS, "costs": {"agent_hour": 40.0}}), workers=1)
    for row in result.rows:
        assert row["agent_hours"] == pytest.approx(8 * 24.0)
        assert row["cost_agents"] == pytest.approx(8880.0, rel=1e-12)
    assert result.by_group["first"]["agent_hours"] == pytest.approx(72.0)
    assert result.by_group["billing desk"]["agent_hours"] == pytest.approx(120.0)


def test_without_costs_the_cost_kpis_are_absent():
    """Not 0: absent from the KPIs, the summary, the JSON and by_reason."""
    result = run(build({"replications": 2}), workers=1)
    assert list(result.summary.columns) == ["replication", *KPI_KEYS]
    data = result.to_json()
    assert not set(COST_KEYS) & set(data["kpis"])
    assert not set(COST_KEYS) & set(data["ci95"])
    assert all("cost" not in values for values in data["by_reason"].values())
    with_costs = run(build({"replications": 2, "costs": FULL}), workers=1)
    assert list(with_costs.summary.columns) == ["replication", *KPI_KEYS, *COST_KEYS]
    # the other numbers do not move when prices are added
    assert with_costs.summary[list(KPI_KEYS)].equals(result.summary[list(KPI_KEYS)])


def test_by_reason_cost_splits_the_total_by_handle_time():
    sc = _full_scenario()
    result = run(sc, replications=2, workers=1)
    for reasons, row in zip(result.by_reason_rows, result.rows, strict=True):
        assert sum(v["cost"] for v in reasons.values()) == pytest.approx(row["cost_total"])
    assert result.by_reason["billing"]["cost"] > 0


@pytest.mark.parametrize(
    ("costs", "path", "allowed"),
    [
        ({"agent_hour": -1}, "costs.agent_hour", ">= 0"),
        ({"currency": "EUR"}, "costs.agent_hour", "missing"),
        ({"agent_hour": 38, "overtime_premium": 11}, "costs.overtime_premium", "<= 10"),
        ({"agent_hour": 38, "per_call": 1}, "costs.per_call", "unknown"),
    ],
)
def test_a_bad_cost_block_names_the_field(costs, path, allowed):
    with pytest.raises(ScenarioError) as err:
        build({"costs": costs})
    assert path in str(err.value)
    assert allowed in str(err.value).lower() or allowed in str(err.value)


def test_a_group_price_needs_a_cost_block():
    with pytest.raises(ScenarioError, match=r"agents\.groups\[1\]\.agent_hour.*costs block"):
        build(TWO_GROUPS)


def test_a_run_folder_with_costs_has_a_report_with_euros(tmp_path):
    """The report groups the cost KPIs under their own heading, amounts in euros (en and nl)."""
    from datetime import datetime

    from simulator.present.report import render_html
    from simulator.results.rundir import load_run
    from simulator.runs.output import write_run

    result = run(build({"replications": 2, "costs": FULL}), workers=1)
    now = datetime.now().astimezone()
    out = tmp_path / "out"
    write_run(result, out, command_line="ccsim run", started=now, finished=now, workers=1)
    folder = load_run(out)
    by_reason = folder.by_reason.set_index(["replication", "reason"])["cost"]
    assert by_reason.groupby("replication").sum().tolist() == pytest.approx(
        [row["cost_total"] for row in result.rows]
    )
    assert set(folder.by_group["group"]) == {"agents"}
    english = render_html(folder, "en")
    assert "Costs" in english
    assert "€" in english
    assert "Kosten per contact" in render_html(folder, "nl")
