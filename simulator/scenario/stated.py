"""What a scenario file stated, as opposed to what it left to a default.

A fact about the scenario as loaded from its file, so it lives with the spec: the run folder
records it (``meta.json``) and the assessment reads it from there, because ``scenario.yaml`` of
a run folder has every default written out.
"""

from __future__ import annotations

from simulator.scenario.models import Scenario


def default_only_kpis(scenario: Scenario) -> list[str]:
    """The gate KPIs whose value follows only from defaults the scenario file never stated.

    ``fcr`` (and with it ``repeat_rate``: repeats come only from unresolved contacts) is decided
    by the reasons' ``fcr`` (default 1) and by third parties, whose transfers and callbacks leave
    the first contact unresolved; ``abandon_rate`` by the phone's ``patience`` (default: nobody
    abandons). Stated-ness is pydantic's ``model_fields_set``, so this needs the scenario as
    loaded from its file. The satisfaction proxies are model outputs of waits, repeats and
    resolution: measured.
    """
    reasons = scenario.reasons
    out = []
    if not any("fcr" in r.model_fields_set or r.third_party is not None for r in reasons):
        out += ["fcr", "repeat_rate"]
    if "patience" not in scenario.channels.phone.model_fields_set:
        out.append("abandon_rate")
    return out
