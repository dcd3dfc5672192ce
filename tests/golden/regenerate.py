"""Write the golden results that ``tests/test_golden.py`` compares against, on purpose only:

    python -m tests.golden.regenerate

Run it after a change that is *meant* to move the numbers (a new draw, draws in another order,
a fixed bug), look at the diff of the CSV files, and say why in the commit message. The test
never rewrites these files itself. ``VERSIONS.json`` records the library versions that made them,
so that a failure after an upgrade of numpy or numba can be told apart from a change in ccsim.
"""

from __future__ import annotations

import json
import platform
from importlib.metadata import version
from pathlib import Path

import pandas as pd

from simulator.runs.replications import run
from simulator.scenario.loading import load_scenario

GOLDEN = Path(__file__).resolve().parent
CASES = {
    "minimal": GOLDEN.parent.parent / "scenarios" / "minimal.yaml",
    "journeys": GOLDEN / "journeys.yaml",
}
REPLICATIONS = 2
FIRST_ROWS = 500  # contacts and journeys kept per replication, so the files stay small
FORMATS = {"summary": "csv", "intervals": "csv", "contacts": "parquet", "journeys": "parquet"}
VERSIONS = GOLDEN / "VERSIONS.json"
LIBRARIES = ("ccsim", "numpy", "numba", "simpy", "pandas", "pyarrow")


def tables(case: str) -> dict[str, pd.DataFrame]:
    """The kept tables of a fresh run of ``case``: summary and intervals whole, the first
    ``FIRST_ROWS`` contacts and journeys of each replication; categories as plain strings."""
    result = run(load_scenario(CASES[case]), replications=REPLICATIONS, workers=1)
    frames = {
        "summary": result.summary,
        "intervals": result.intervals,
        "contacts": result.contacts.groupby("replication").head(FIRST_ROWS),
        "journeys": result.journeys.groupby("replication").head(FIRST_ROWS),
    }
    return {name: _plain(frame) for name, frame in frames.items()}


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    categorical = frame.select_dtypes("category").columns
    return frame.astype(dict.fromkeys(categorical, str)).reset_index(drop=True)


def path(case: str, table: str) -> Path:
    return GOLDEN / f"{case}_{table}.{FORMATS[table]}"


def read(case: str, table: str) -> pd.DataFrame:
    """A golden table as written (the python engine reads CSV floats back exactly)."""
    file = path(case, table)
    if FORMATS[table] == "csv":
        return pd.read_csv(file, engine="python")
    return pd.read_parquet(file)


def versions() -> dict[str, str]:
    """The versions that decide the numbers: the draws are numpy's, numba compiles them."""
    return {"python": platform.python_version(), **{lib: version(lib) for lib in LIBRARIES}}


def main() -> None:
    for case in CASES:
        for table, frame in tables(case).items():
            file = path(case, table)
            if FORMATS[table] == "csv":
                frame.to_csv(file, index=False)
            else:
                frame.to_parquet(file, index=False)
            print(f"wrote {file.relative_to(GOLDEN.parent.parent)} ({len(frame)} rows)")
    VERSIONS.write_text(json.dumps(versions(), indent=2) + "\n", encoding="utf-8")
    print(f"wrote {VERSIONS.relative_to(GOLDEN.parent.parent)}")


if __name__ == "__main__":
    main()
