"""The KPI catalogue: every KPI a run produces is in it with both labels, spec A2's keys are
there, and the good direction agrees with the lists that heatmaps used before the catalogue."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from simulator.engine.center import simulate
from simulator.present.labels import format_kpi, kpi_label
from simulator.results import catalogue
from simulator.results.kpis import replication_kpis, worth_showing
from simulator.scenario.loading import load_scenario_dict
from tests.conftest import SPEC_A2_KPIS

ROOT = Path(__file__).resolve().parents[2]


# The heatmap directions before the catalogue (present/figures.py's two sets).
HIGHER_WAS_BETTER = {"service_level", "fcr", "csat", "nps", "resolved_share", "deflected_share"}
LOWER_WAS_BETTER = {
    "asa_s",
    "wait_p90_s",
    "abandon_rate",
    "abandoned",
    "repeat_rate",
    "contacts_per_issue",
    "ces",
    "gave_up_share",
    "time_to_resolution_h",
    "callbacks_missed",
    "in_system_at_end",
    "mean_queue_length",
}


@pytest.fixture(scope="module")
def produced() -> dict[str, float]:
    """The KPIs of one day of a scenario with journeys (repeats, callbacks) and chat and e-mail."""
    spec = yaml.safe_load((ROOT / "scenarios" / "omnichannel_skills.yaml").read_text("utf-8"))
    spec["horizon"]["days"] = 1
    scenario = load_scenario_dict(spec)
    assert scenario.channels.chat
    assert scenario.channels.email
    rec = simulate(scenario, 0, scenario.seed)
    return replication_kpis(rec, scenario)


def test_every_kpi_a_run_produces_has_an_entry_with_both_labels(produced):
    assert set(produced) == set(catalogue.KPI_KEYS)
    assert produced["chat_offered"] > 0
    assert produced["email_received"] > 0
    for key in produced:
        kpi = catalogue.entry(key)
        assert kpi is not None, key
        assert kpi.en.strip(), key
        assert kpi.nl.strip(), key
        assert kpi_label(key, "en") == kpi.en
        assert kpi_label(key, "nl") == kpi.nl
        assert key not in (kpi.en, kpi.nl), f"{key} has no label of its own"


def test_spec_a2_keys_are_in_the_catalogue_and_always_shown():
    assert set(catalogue.KPI_KEYS) >= SPEC_A2_KPIS
    assert set(catalogue.a2_keys()) == SPEC_A2_KPIS
    assert all(worth_showing(k, 0.0, None) for k in SPEC_A2_KPIS)
    assert not worth_showing("chat_offered", 0.0, None)


def test_direction_agrees_with_the_old_heatmap_lists():
    for key in HIGHER_WAS_BETTER:
        assert catalogue.direction(key) == "higher", key
    for key in LOWER_WAS_BETTER:
        assert catalogue.direction(key) == "lower", key
    assert catalogue.direction("occupancy") == "neutral"  # too high and too low are both bad
    assert catalogue.direction("not_a_kpi") == "neutral"


def test_keys_are_unique_and_entries_are_consistent():
    every = [*catalogue.KPIS, *catalogue.COST_KPIS, *catalogue.STUDY_METRICS]
    assert len({k.key for k in every}) == len(every)
    for kpi in every:
        assert kpi.group in catalogue.GROUPS, kpi.key
        if kpi.unit == "share":
            assert format_kpi(kpi.key, 0.5).endswith("%"), kpi.key
        if kpi.unit == "seconds":
            assert kpi.key.endswith("_s"), kpi.key
        if kpi.unit == "hours":
            assert kpi.key.endswith("_h") or "hours" in kpi.key, kpi.key


def test_views_of_the_catalogue():
    assert catalogue.headline()[:5] == (
        "asa_s",
        "service_level",
        "abandon_rate",
        "contacts_per_issue",
        "occupancy",
    )
    assert set(catalogue.keys("voice")) == {"csat", "ces", "nps"}
    money = (*catalogue.COST_KEYS, *catalogue.LOST_KEYS)
    assert set(catalogue.keys()) == set(catalogue.KPI_KEYS) | set(money)
    assert catalogue.kpi_keys() == catalogue.KPI_KEYS
    assert catalogue.kpi_keys(costs=True) == (*catalogue.KPI_KEYS, *catalogue.COST_KEYS)
    assert catalogue.kpi_keys(costs=True, lost=True) == (*catalogue.KPI_KEYS, *money)
    assert catalogue.kpi_keys(lost=True) == catalogue.KPI_KEYS  # lost customers need prices
    assert catalogue.LOST_KEYS == ("lost_customers", "cost_lost_customers")
    assert all(catalogue.direction(k) == "lower" for k in catalogue.COST_KEYS)


def test_grouped_follows_the_report_order_and_puts_unknown_keys_last():
    groups = catalogue.grouped(["nps", "due_after_horizon_share", "new_kpi", "offered", "fcr"])
    assert groups == [
        ("accessibility", ["offered"]),
        ("journeys", ["fcr"]),
        ("voice", ["nps"]),
        ("other", ["due_after_horizon_share", "new_kpi"]),
    ]
