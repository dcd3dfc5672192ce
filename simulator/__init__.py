"""ccsim: a discrete-event simulator of customer-contact centers.

Scenario file -> :func:`load_scenario` (validated, typed) -> :func:`run` (SimPy model,
replications) -> :class:`RunResult` (pandas tables, KPIs with 95% confidence intervals).

The public names are imported on first use, so ``import simulator.analytic`` stays light
(no numba, no SimPy).

numba's on-disk cache of compiled samplers goes to a per-user folder, never into the package:
files left in ``site-packages/simulator/__pycache__`` outlive ``pip uninstall`` and then shadow
a later (editable) install of the package.
"""

import os
import sys
from importlib import import_module
from pathlib import Path

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


def numba_cache_dir() -> Path:
    """``$XDG_CACHE_HOME/ccsim/numba`` (``~/.cache/ccsim/numba`` when unset or relative)."""
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    root = Path(xdg) if os.path.isabs(xdg) else Path.home() / ".cache"
    return root / "ccsim" / "numba"


if not os.environ.get("NUMBA_CACHE_DIR"):  # a folder the user chose wins
    os.environ["NUMBA_CACHE_DIR"] = str(numba_cache_dir())
    if "numba" in sys.modules:  # imported before ccsim: its settings are already read
        sys.modules["numba"].config.reload_config()

_WHERE = {
    "CcsimError": "simulator.errors",
    "ScenarioError": "simulator.errors",
    "Scenario": "simulator.scenario.models",
    "load_scenario": "simulator.scenario.loading",
    "RunResult": "simulator.runs.replications",
    "run": "simulator.runs.replications",
    "load_sweep": "simulator.studies.sweep",
}


def __getattr__(name: str):
    if name in _WHERE:
        return getattr(import_module(_WHERE[name]), name)
    raise AttributeError(f"module 'simulator' has no attribute {name!r}")
