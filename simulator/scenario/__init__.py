"""The spec: scenario files -> validated, frozen models (see ``models`` and ``loading``)."""

from simulator.scenario.loading import load_scenario, load_scenario_dict
from simulator.scenario.models import Scenario

__all__ = ["Scenario", "load_scenario", "load_scenario_dict"]
