"""Labels of reports: English and Dutch hold the same keys and placeholders, and code uses only
keys that exist (a missing Dutch label would otherwise surface as a KeyError in front of a client).
"""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from simulator.errors import CcsimError
from simulator.present import labels
from simulator.present.labels import (
    CATALOG,
    EN,
    NL,
    format_ci,
    format_kpi,
    format_kpi_change,
    format_threshold,
    kpi_label,
    number,
    t,
)
from simulator.results.catalogue import CATALOGUE

ROOT = Path(__file__).resolve().parents[2]


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_both_languages_have_the_same_keys():
    assert set(EN) == set(NL), sorted(set(EN) ^ set(NL))
    assert set(CATALOG) == set(labels.LANGS) == {"en", "nl"}


def test_both_languages_have_the_same_placeholders_and_no_empty_text():
    for key in EN:
        assert _placeholders(EN[key]) == _placeholders(NL[key]), key
        assert EN[key].strip(), key
        assert NL[key].strip(), key


def test_every_label_key_used_in_the_code_exists():
    used: set[str] = set()
    for path in sorted((ROOT / "simulator").rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        used |= set(re.findall(r"""\bt\(\s*["']([a-z_0-9.]+)["']""", source))
    assert used, "no t('...') calls found: has the label helper been renamed?"
    assert not used - set(EN), sorted(used - set(EN))


def test_dutch_words_of_the_domain():
    assert kpi_label("asa_s", "nl").startswith("Wachttijd")
    assert kpi_label("service_level", "nl") == "Servicelevel"
    assert t("group.accessibility", "nl") == "Bereikbaarheid"
    assert kpi_label("repeat_rate", "nl") == "Herhaalcontact"
    assert t("phase.3", "nl") == "Effectief — in één keer goed"
    assert kpi_label("asa_s") == "Average wait (ASA)"  # English is the default


def test_unknown_kpi_key_is_shown_as_is():
    assert kpi_label("some_new_kpi", "nl") == "some_new_kpi"
    assert format_kpi("some_new_kpi", 12.25) == "12.2"


def test_kpi_labels_and_units_come_from_the_catalogue():
    """No KPI name is kept twice: labels.py has none of its own, and every catalogue entry has
    both languages and a format that says its unit."""
    assert not [k for k in EN if k.startswith("kpi.")]
    assert kpi_label("agent_hours_needed", "nl") == "Agenturen nodig voor het servicelevel"
    assert format_kpi("agent_hours_needed", 123.456) == "123.5 h"
    assert format_kpi("mean_queue_length", 1.234) == "1.23"
    assert format_kpi("contacts_per_issue", 1.23456, "nl") == "1,235"
    assert format_kpi("time_to_resolution_h", 2.5) == "2.50 h"


def test_numbers_use_the_notation_of_the_language():
    assert number(12345.678, 1, "en") == "12,345.7"
    assert number(12345.678, 1, "nl") == "12.345,7"
    assert format_kpi("fcr", 0.625, "nl") == "62,5%"
    assert format_kpi("asa_s", 2.5) == "2.50 s"
    assert format_kpi("asa_s", 123.45, "nl") == "123,5 s"
    assert format_kpi("nps", 31.0) == "+31.0"
    assert format_kpi("asa_s", None) == "–"
    assert format_threshold("fcr", 0.5) == "50%"
    assert format_threshold("csat", 7.5, "nl") == "7,5"
    assert format_threshold("nps", 30) == "+30"
    assert labels.short_number(0.75, "nl") == "0,75"
    assert labels.short_number(96.0) == "96"


def test_unknown_language_is_a_user_error():
    with pytest.raises(CcsimError, match="allowed: en or nl"):
        t("assess.title", "fr")


def test_dutch_uses_one_term_for_service_level():
    """One Dutch term, "servicelevel", never "serviceniveau", "service level" and the like."""
    texts = list(NL.values()) + [kpi.nl for kpi in CATALOGUE.values()]
    variants = re.compile(r"service[\s-]?(level|niveau)|bereikbaarheidsniveau", re.IGNORECASE)
    found = {m.group(0).lower() for text in texts for m in variants.finditer(text)}
    assert found == {"servicelevel"}, found


def test_changes_of_percentage_kpis_are_points():
    """70% to 72% is +2.0 points, not +2.0%; other KPIs keep their unit."""
    assert format_kpi_change("service_level", 0.021) == "+2.1 pt"
    assert format_kpi_change("abandon_rate", -0.0345, "nl") == "\u22123,5 %-punt"
    assert format_kpi_change("fcr", 0.0) == "0.0 pt"
    assert format_kpi_change("asa_s", -12.4) == "\u221212.40 s"
    assert format_kpi_change("nps", 3.0) == "+3.0"  # formatted signed once, not "++3.0"
    assert format_kpi_change("offered", 1234.0, "nl") == "+1.234"
    assert format_kpi_change("occupancy", None) == "–"
    assert format_ci("occupancy", 0.012) == "± 1.2 pt"
    assert format_ci("repeat_rate", 0.012, "nl") == "± 1,2 %-punt"
    assert format_ci("aht_s", 3.5) == "± 3.50 s"
    assert format_ci("fcr", None) == "–"
    for key in ("service_level", "abandon_rate", "fcr", "repeat_rate", "occupancy"):
        assert "%" not in format_kpi_change(key, 0.05, "en")


def test_amounts_in_each_languages_notation():
    """Cost KPIs (spec D2): "€1,234.56" in English, "€ 1.234,56" in Dutch, other labels written."""
    assert labels.format_kpi("cost_total", 1234.56) == "€1,234.56"
    assert labels.format_kpi("cost_total", 1234.56, "nl") == "€ 1.234,56"
    assert labels.format_kpi("cost_per_contact", 3.5, "en", "USD") == "$3.50"
    assert labels.format_kpi("cost_per_contact", 3.5, "nl", "CHF") == "CHF 3,50"
    assert labels.format_kpi_change("cost_total", -1200.0, "nl") == "\u2212€ 1.200,00"
    assert labels.format_ci("cost_agents", 81.126) == "± €81.13"
