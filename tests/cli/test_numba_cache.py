"""numba compiles once per machine: every compiled function is cached and loaded, not recompiled.

A ``ccsim run`` in a fresh interpreter with an empty cache compiles and saves; a second one
loads every compiled function of the engine from the cache. The cold start this costs is
timed apart in benchmarks/bench_cli.py.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# Runs one short replication, then reports every numba function of the engine by module.name:
# its cache folder (None without cache=True) and how often it was compiled or loaded.
PROBE = """\
import importlib, json, pkgutil, sys
from numba.core.registry import CPUDispatcher
import simulator.engine
from simulator.cli import app
try:
    app(["run", "scenarios/minimal.yaml", "--replications", "1", "--workers", "1", "--json"])
except SystemExit as exit:
    assert not exit.code, exit.code
found = {}
for info in pkgutil.iter_modules(simulator.engine.__path__):
    module = importlib.import_module(f"simulator.engine.{info.name}")
    for name, obj in vars(module).items():
        if isinstance(obj, CPUDispatcher) and obj.__module__ == module.__name__:
            stats = obj.stats
            found[f"{info.name}.{name}"] = {
                "cache": stats.cache_path,
                "loaded": sum(stats.cache_hits.values()),
                "compiled": sum(stats.cache_misses.values()),
            }
print(json.dumps(found), file=sys.stderr)
"""


def _run(cache: Path) -> dict[str, dict]:
    env = {**os.environ, "NUMBA_CACHE_DIR": str(cache)}
    proc = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stderr.strip().splitlines()[-1])


@pytest.mark.slow
def test_every_compiled_function_is_cached_and_loaded_by_the_next_process(tmp_path):
    first = _run(tmp_path)
    assert {"samplers.fill_block", "arrivals._invert"} <= set(first)
    for name, stats in first.items():
        assert stats["cache"] is not None, f"{name} has no cache=True"
        assert (stats["compiled"] > 0, stats["loaded"] > 0) == (True, False), name
    second = _run(tmp_path)
    for name, stats in second.items():
        assert (stats["compiled"] > 0, stats["loaded"] > 0) == (False, True), name
