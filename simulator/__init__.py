"""ccsim: a discrete-event simulator of customer-contact centers.

Scenario file -> :func:`load_scenario` (validated, typed) -> :func:`run` (SimPy model,
replications) -> :class:`RunResult` (pandas tables, KPIs with 95% confidence intervals).

The public names are imported on first use, so ``import simulator.analytic`` stays light
(no numba, no SimPy).
"""

from importlib import import_module

__all__ = [
    "CcsimError",
    "RunResult",
    "Scenario",
    "ScenarioError",
    "load_scenario",
    "load_sweep",
    "run",
]
__version__ = "0.1.0"

_WHERE = {
    "CcsimError": "simulator.errors",
    "ScenarioError": "simulator.errors",
    "Scenario": "simulator.config",
    "load_scenario": "simulator.config",
    "RunResult": "simulator.runner",
    "run": "simulator.runner",
    "load_sweep": "simulator.sweep",
}


def __getattr__(name: str):
    if name in _WHERE:
        return getattr(import_module(_WHERE[name]), name)
    raise AttributeError(f"module 'simulator' has no attribute {name!r}")
