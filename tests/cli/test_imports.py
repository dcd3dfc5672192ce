"""What each command imports: start-up time is mostly imports, so light commands load light.

A test of imports, not of time (timing lives in benchmarks/bench_cli.py): each command runs in a
fresh interpreter, which then reports the packages it loaded.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MINIMAL = str(ROOT / "scenarios" / "minimal.yaml")

# Runs the command in-process, then prints its exit code and every module loaded (dotted names and
# their top-level packages) as the last line on stderr.
PROBE = """\
import json, sys
from simulator.cli import app
try:
    app(sys.argv[1:])
    code = 0
except SystemExit as exit:
    code = exit.code or 0
loaded = {*sys.modules, *(name.split(".")[0] for name in sys.modules)}
print(json.dumps({"exit": code, "modules": sorted(loaded)}), file=sys.stderr)
"""

SIMULATION = {"numba", "simpy", "llvmlite"}
TABLES = {"pandas", "pyarrow"}
PICTURES = {"matplotlib", "jinja2"}
SCIPY = {"scipy"}


def _loaded(*args: str) -> set[str]:
    """The modules ``ccsim ARGS`` loaded; the command must succeed."""
    proc = subprocess.run(
        [sys.executable, "-c", PROBE, *args], capture_output=True, text=True, cwd=ROOT
    )
    report = json.loads(proc.stderr.strip().splitlines()[-1])
    assert report["exit"] == 0, proc.stderr
    return set(report["modules"])


def test_importing_the_cli_loads_nothing_heavy():
    proc = subprocess.run(
        [sys.executable, "-c", "import sys, simulator.cli; print(' '.join(sys.modules))"],
        capture_output=True,
        text=True,
        check=True,
    )
    loaded = {name.split(".")[0] for name in proc.stdout.split()}
    assert not loaded & (SIMULATION | TABLES | PICTURES | SCIPY | {"numpy", "pydantic"})


@pytest.mark.parametrize(
    "args",
    [["--help"], ["--version"], ["run", "--help"], ["validate", MINIMAL], ["schema"]],
    ids=["help", "version", "run-help", "validate", "schema"],
)
def test_light_commands_load_no_simulation_tables_or_pictures(args):
    loaded = _loaded(*args)
    assert not loaded & (SIMULATION | TABLES | PICTURES | SCIPY)


@pytest.mark.parametrize("json_out", [False, True], ids=["table", "json"])
def test_run_without_out_loads_no_tables_pictures_or_scipy(json_out):
    """A run that prints KPIs needs neither pandas (its tables stay numpy) nor scipy (own t)."""
    args = ["run", MINIMAL, "--replications", "2", "--workers", "1"] + ["--json"] * json_out
    loaded = _loaded(*args)
    assert "simpy" in loaded  # it did simulate
    assert not loaded & (TABLES | PICTURES | {"scipy.special", "scipy.stats"})
