"""Money where a user weighs options (issue 16 item 2): compare, sweep, Pareto, train, report.

Every amount is checked against a hand-derived one. The small center below pays only for agent
hours unless a test adds a price, so its total cost is known to the cent: a day with a 60-minute
warm-up counts 23 hours, and ``headcount`` agents on duty all day are paid ``23 x headcount``
agent hours, at ``agent_hour`` each, in every replication whatever the customers do.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml

from simulator.present.labels import format_amount
from simulator.results.catalogue import COST_KEYS, KPI_KEYS
from simulator.scenario.loading import load_scenario_dict
from simulator.studies.compare import compare
from tests.conftest import merge
from tests.present.report_fixtures import assert_inside

AGENT_HOUR = 30.0
HOURS = 23.0  # a day less the 60-minute warm-up
SMALL: dict[str, Any] = {
    "name": "small",
    "seed": 5,
    "replications": 3,
    "horizon": {"days": 1, "warmup_minutes": 60, "interval_minutes": 60},
    "arrivals": {"per_hour": 100},
    "reasons": [
        {
            "name": "billing",
            "share": 0.5,
            "handle_time": {"dist": "exponential", "mean_s": 300},
            "fcr": 0.6,
            "repeat": {"probability": 1.0, "delay": {"dist": "exponential", "mean_min": 30}},
        },
        {"name": "general", "share": 0.5, "handle_time": {"dist": "exponential", "mean_s": 240}},
    ],
    "channels": {"phone": {"patience": {"dist": "exponential", "mean_s": 180}}},
    "agents": {"headcount": 12},
    "costs": {"agent_hour": AGENT_HOUR},
}


def build(changes: dict[str, Any] | None = None, base: dict[str, Any] = SMALL):
    return load_scenario_dict(merge(base, changes or {}), source="<test>")


def without_costs(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k != "costs"}


# -- labels ----------------------------------------------------------------------------------------
def test_amounts_are_written_as_each_language_writes_money():
    """English ``€1,234``, Dutch ``€ 1.234`` (space, dot for thousands, comma for cents); whole
    units from 100 up, cents below; a currency without a sign is written out."""
    assert format_amount(1234.4, "en") == "€1,234"
    assert format_amount(1234.4, "nl") == "€ 1.234"
    assert format_amount(3.5, "en") == "€3.50"
    assert format_amount(3.5, "nl") == "€ 3,50"
    assert format_amount(-1234.0, "en", signed=True) == "−€1,234"
    assert format_amount(1234.0, "nl", signed=True) == "+€ 1.234"
    assert format_amount(1234.0, "en", "CHF") == "CHF 1,234"
    assert format_amount(0.0, "en") == "€0"
    assert format_amount(None, "en") == "–"


# -- compare ---------------------------------------------------------------------------------------
def test_compare_differences_in_euros_are_paired_and_exact():
    """12 against 14 agents, only ``agent_hour`` priced: each replication pays
    30 x 23 x 12 = 8,280 and 30 x 23 x 14 = 9,660, so the paired difference is +1,380 with a CI
    of exactly 0, equal to the difference of the two means; identical scenarios differ by 0 ± 0.
    With a price per handled minute the difference is the mean of the per-replication
    differences, which equals the difference of the means.
    """
    base, more = build(), build({"agents": {"headcount": 14}})
    result = compare([base, more, build()], replications=3, workers=1)
    diff, kpis = result.diff(), result.kpis()
    assert set(COST_KEYS) <= set(diff)
    assert kpis["cost_total"][:2] == [AGENT_HOUR * HOURS * 12, AGENT_HOUR * HOURS * 14]
    assert diff["cost_total"][0] == {"mean": pytest.approx(1380.0, abs=1e-9), "ci95": 0.0}
    assert diff["cost_total"][1] == {"mean": 0.0, "ci95": 0.0}
    assert result.to_json()["currency"] == "EUR"
    assert set(result.tidy().columns) >= set(COST_KEYS)

    minute = {"costs": {"agent_hour": AGENT_HOUR, "contact_minute": 0.05}}
    priced = compare(
        [build(minute), build({**minute, "agents": {"headcount": 14}})], replications=3, workers=1
    )
    means = priced.kpis()["cost_total"]
    assert priced.diff()["cost_total"][0]["mean"] == pytest.approx(means[1] - means[0], rel=1e-12)
    assert priced.diff()["cost_total"][0]["ci95"] > 0  # handled minutes vary


def test_compare_leaves_money_out_unless_every_scenario_has_prices():
    """Costs of one scenario cannot be paired with none: no cost KPI, and a note says why."""
    result = compare([build(), load_scenario_dict(without_costs(SMALL), "<test>")], replications=2)
    assert list(result.diff()) == list(KPI_KEYS)
    assert "currency" not in result.to_json()
    assert any("no costs block" in note for note in result.notes)


# -- sweep -----------------------------------------------------------------------------------------
def sweep_folder(tmp_path: Path, scenario: dict[str, Any]) -> Path:
    from simulator.studies.sweep import run_sweep

    tmp_path.mkdir()
    (tmp_path / "base.yaml").write_text(yaml.safe_dump(scenario), encoding="utf-8")
    experiment = {
        "base": "base.yaml",
        "replications": 2,
        "parameters": {"agents.headcount": [12, 14], "reasons[billing].fcr": [0.6, 0.8]},
    }
    (tmp_path / "exp.yaml").write_text(yaml.safe_dump(experiment), encoding="utf-8")
    out = tmp_path / "out"
    run_sweep(tmp_path / "exp.yaml", out, workers=1, progress=False)
    return out


def test_sweep_has_cost_columns_with_prices_and_none_without(tmp_path):
    """Every point's total cost is 30 x 23 x headcount (8,280 and 9,660), whatever its FCR;
    results.parquet and summary.csv carry the cost KPIs, the printed summary the total, the
    report a heat map of it. Without prices no cost column anywhere."""
    from simulator.present.sweep_report import render_sweep_html
    from simulator.studies.sweep import load_sweep, summary_table

    out = sweep_folder(tmp_path / "priced", SMALL)
    results = load_sweep(out)
    assert set(COST_KEYS) <= set(results.columns)
    summary = pd.read_csv(out / "summary.csv")
    assert set(COST_KEYS) <= set(summary.columns)
    expected = AGENT_HOUR * HOURS * summary["agents.headcount"]
    assert summary["cost_total"].tolist() == pytest.approx(expected.tolist(), rel=1e-12)
    assert "cost_total" in summary_table(out).columns
    html = render_sweep_html(out, "nl")
    assert "alt='Totale kosten'" in html
    assert "€ 8.280" in html
    assert "€ 9.660" in html

    plain = sweep_folder(tmp_path / "plain", without_costs(SMALL))
    assert not set(COST_KEYS) & set(load_sweep(plain).columns)
    assert not set(COST_KEYS) & set(pd.read_csv(plain / "summary.csv").columns)
    assert "cost_total" not in summary_table(plain).columns


# -- Pareto ----------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def run_folder(tmp_path_factory) -> Path:
    """A priced run without warm-up: every handled minute belongs to a counted issue."""
    from datetime import datetime

    from simulator.runs.output import write_run
    from simulator.runs.replications import run

    scenario = build(
        {
            "horizon": {"warmup_minutes": 0},
            "costs": {"agent_hour": AGENT_HOUR, "contact_minute": 0.05},
        }
    )
    result = run(scenario, workers=1)
    out = tmp_path_factory.mktemp("money") / "run"
    now = datetime.now().astimezone()
    write_run(result, out, command_line="ccsim run", started=now, finished=now, workers=1)
    return out


def test_pareto_ranks_by_euros_and_prices_each_fix(run_folder):
    """Each reason's cost is spec D2's (by_reason.csv, mean over replications); they add up to
    the total cost, and ``cost_ranking`` orders the reasons by it. Raising billing's FCR from
    60% to 75% with the same roster saves only handled minutes: with no warm-up and no
    outbound work the handled minutes are the Pareto's agent hours x 60, so the paired saving
    of cost_total is 0.05 x 60 x the saved agent hours in every replication (the agent part
    is the same 30 x 24 x 12 in both); the hours freed are worth 30 x the saved hours."""
    from simulator.present.study_figures import pareto_figure
    from simulator.present.study_text import cut_text, pareto_rows
    from simulator.results.rundir import load_run
    from simulator.studies.pareto import analyse

    p = analyse(run_folder, workers=1)
    data = p.to_json()
    costs = {r["reason"]: r["cost"] for r in data["reasons"]}
    total = load_run(run_folder).kpis["cost_total"]
    assert sum(costs.values()) == pytest.approx(total, rel=1e-9)
    assert data["cost_ranking"] == sorted(costs, key=costs.__getitem__, reverse=True)
    assert [r["cost_rank"] for r in data["reasons"]] == [
        data["cost_ranking"].index(r["reason"]) + 1 for r in data["reasons"]
    ]
    saving = next(r for r in data["reasons"] if r["reason"] == "billing")["saving"]
    hours = saving["agent_hours"]
    assert hours["mean"] > 0
    assert saving["cost_total"]["mean"] == pytest.approx(0.05 * 60 * hours["mean"], rel=1e-9)
    assert saving["cost_total"]["ci95"] == pytest.approx(0.05 * 60 * hours["ci95"], rel=1e-9)
    assert saving["agent_hours_value"] == {
        "mean": pytest.approx(AGENT_HOUR * hours["mean"]),
        "ci95": pytest.approx(AGENT_HOUR * hours["ci95"]),
    }
    general = next(r for r in data["reasons"] if r["reason"] == "general")
    assert general["saving"]["cost_total"] == {"mean": 0.0, "ci95": 0.0}  # FCR already 100%

    header, rows = pareto_rows(json.loads(json.dumps(data)), "nl")
    assert header[-2:] == [
        "Besparing: kosten, zelfde rooster",
        "Besparing: vrijgekomen uren × uurtarief",
    ]
    assert all(re.fullmatch(r"€ [\d.]+", row[header.index("Kosten")]) for row in rows)
    assert "Naar kosten: " + ", ".join(data["cost_ranking"]) in cut_text(data, "nl")
    fig = pareto_figure(p.table, "nl")  # each bar carries its reason's cost
    assert {x.get_text() for x in fig.axes[0].texts} == {
        format_amount(c, "nl") for c in costs.values()
    }
    assert_inside(fig)


# -- the run report --------------------------------------------------------------------------------
def test_the_report_has_a_cost_section_only_with_costs(run_folder, tmp_path):
    """The parts with the price and count behind each: 30 x 24 h x 12 agents = 8,640 for the
    agent hours (no warm-up), in euros as each language writes them; without prices no section,
    and the cost KPIs stay out of the KPI table either way."""
    from datetime import datetime

    from simulator.present.report import render_html
    from simulator.results.rundir import load_run
    from simulator.runs.output import write_run
    from simulator.runs.replications import run

    folder = load_run(run_folder)
    en, nl = render_html(folder, "en"), render_html(folder, "nl")
    assert en.count("<h2>Costs</h2>") == 1
    assert nl.count("<h2>Kosten</h2>") == 1
    assert "€8,640 ± €0" in en
    assert "€ 8.640 ± € 0" in nl
    assert "€30.00 per paid agent hour × 288.0 h" in en
    assert "€ 30,00 per betaald agentuur × 288,0 h" in nl
    minutes = folder.kpis["cost_handling"] / 0.05
    assert f"× {minutes:,.0f} minutes" in en
    assert "Cost by contact reason" in en
    assert en.index("<h2>Costs</h2>") < en.index("<h2>Pictures</h2>")
    assert "<code>cost_total</code>" not in en  # not in the KPI table: in the section

    plain = run(load_scenario_dict(without_costs(SMALL), "<test>"), replications=2, workers=1)
    out = tmp_path / "plain"
    now = datetime.now().astimezone()
    write_run(plain, out, command_line="ccsim run", started=now, finished=now, workers=1)
    html = render_html(load_run(out), "en")
    assert "<h2>Costs</h2>" not in html
    assert "€" not in html


# -- train -----------------------------------------------------------------------------------------
def test_train_prices_each_what_if_per_week_and_says_so(tmp_path):
    """+20% agents on 12 is 14 (rounded half up): 2 more agents for the whole day, 30 x 2 x 23
    = 1,380 per counted day; a week is 7 x 24 / 23 counted days, so +30 x 2 x 168 = +10,080 per
    week as rostered, in every replication (CI 0). The story's last sentence weighs exactly that
    against FCR +15 points' saving at the agent hours needed, with the numbers of the run; the
    fifth panel draws both amounts."""
    from simulator.present.study_figures import training_figure
    from simulator.present.study_text import money_story, signed
    from simulator.studies.training import COST_METRICS, load_training, run_training

    (tmp_path / "base.yaml").write_text(yaml.safe_dump(without_costs(SMALL)), encoding="utf-8")
    experiment = {
        "base": "base.yaml",
        "replications": 3,
        "costs": {"agent_hour": AGENT_HOUR},
        "what_ifs": [
            {"name": "+20% agents", "scale_agents": 1.2},
            {"name": "FCR +15 points", "fcr_plus": 0.15},
        ],
    }
    (tmp_path / "exp.yaml").write_text(yaml.safe_dump(experiment), encoding="utf-8")
    result = run_training(load_training(tmp_path / "exp.yaml"), workers=1)
    assert result.training.metrics[-2:] == COST_METRICS
    more, fcr = result.diff("cost_per_week")
    assert more == {"mean": pytest.approx(10080.0), "ci95": pytest.approx(0.0, abs=1e-9)}
    assert fcr == {"mean": 0.0, "ci95": 0.0}  # the same roster: agent hours only
    saving = result.diff("cost_needed_per_week")[1]
    assert saving["mean"] < 0  # fewer contacts need fewer agent hours
    needed = result.values("agent_hours_needed")
    assert result.values("cost_needed_per_week")[1] == pytest.approx(
        AGENT_HOUR * needed[1] * 7 * 24 / HOURS
    )

    for lang, amount in (("en", "€10,080"), ("nl", "€ 10.080")):
        versus = money_story(result, lang)[-1]
        assert amount in versus
        assert signed("cost_per_week", -saving["mean"], saving["ci95"], lang)[1:] in versus
        fig = training_figure(result, lang)
        assert len(fig.axes) == 5
        assert fig.axes[4].get_title(loc="left") == (
            "Cost per week" if lang == "en" else "Kosten per week"
        )
        assert_inside(fig)
    assert "currency" in result.to_json()
    assert math.isfinite(result.means("cost_per_week")[0])
