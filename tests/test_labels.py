"""Labels of reports: English and Dutch hold the same keys and placeholders, and code uses only
keys that exist (a missing Dutch label would otherwise surface as a KeyError in front of a client).
"""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from simulator import labels
from simulator.errors import CcsimError
from simulator.labels import CATALOG, EN, NL, format_kpi, format_threshold, kpi_label, number, t

ROOT = Path(__file__).resolve().parents[1]
USERS = ("assess.py", "plots.py", "report.py", "sweep_report.py", "compare_report.py")


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
    for name in USERS:
        source = (ROOT / "simulator" / name).read_text(encoding="utf-8")
        used |= set(re.findall(r"""\bt\(\s*["']([a-z_0-9.]+)["']""", source))
    assert used, "no t('...') calls found: has the label helper been renamed?"
    assert not used - set(EN), sorted(used - set(EN))


def test_dutch_words_of_the_domain():
    assert kpi_label("asa_s", "nl").startswith("Wachttijd")
    assert "Bereikbaarheid" in kpi_label("service_level", "nl")
    assert kpi_label("repeat_rate", "nl") == "Herhaalcontact"
    assert t("phase.3", "nl") == "Effectief — in één keer goed"
    assert kpi_label("asa_s") == "Average wait (ASA)"  # English is the default


def test_unknown_kpi_key_is_shown_as_is():
    assert kpi_label("some_new_kpi", "nl") == "some_new_kpi"


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


def test_unknown_language_is_a_user_error():
    with pytest.raises(CcsimError, match="allowed: en or nl"):
        t("assess.title", "fr")
