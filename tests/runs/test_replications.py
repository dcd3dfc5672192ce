"""Runs without per-contact tables: the same KPIs and intervals, built from typed record columns."""

from __future__ import annotations

import dataclasses
from array import array
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from simulator.engine.center import simulate
from simulator.engine.records import Records, as_array
from simulator.runs.output import RunFolder, write_run
from simulator.runs.replications import run
from simulator.scenario.loading import load_scenario

JOURNEYS = Path(__file__).resolve().parent.parent / "golden" / "journeys.yaml"


@pytest.fixture(scope="module")
def journeys_scenario():
    """Every kind of draw: repeats, redials, self-service, third parties, chat and e-mail."""
    return load_scenario(JOURNEYS)


def test_record_columns_are_typed_arrays_read_without_a_copy(journeys_scenario):
    rec = simulate(journeys_scenario, 0)
    columns = [
        f.name
        for f in dataclasses.fields(Records)
        if f.name != "agent_group" and isinstance(getattr(rec, f.name), (list, array, bytearray))
    ]
    assert len(columns) > 40
    for name in columns:
        column = getattr(rec, name)
        assert isinstance(column, bytearray) or column.typecode in "di", name
    assert len(rec.arrival) > 0
    view = as_array(rec.arrival)
    assert view.dtype == np.float64
    assert np.shares_memory(view, np.frombuffer(rec.arrival, dtype="d"))
    assert not view.flags.writeable  # no KPI can change the records it reads
    assert as_array(rec.issue).dtype == np.int32
    assert as_array(rec.outcome).dtype == np.uint8


def test_run_without_contacts_gives_the_same_kpis_and_intervals(journeys_scenario):
    kept = run(journeys_scenario, workers=1)
    lean = run(journeys_scenario, workers=1, keep_contacts=False)
    assert kept.contacts is not None
    assert kept.journeys is not None
    assert lean.contacts is None
    assert lean.journeys is None
    assert lean.kpis == kept.kpis
    assert lean.ci95 == kept.ci95
    pd.testing.assert_frame_equal(lean.summary, kept.summary, check_exact=True)
    pd.testing.assert_frame_equal(lean.intervals, kept.intervals, check_exact=True)
    pd.testing.assert_frame_equal(lean.agents, kept.agents, check_exact=True)


def test_a_run_folder_needs_the_per_contact_tables(journeys_scenario, tmp_path):
    lean = run(journeys_scenario, replications=1, workers=1, keep_contacts=False)
    now = datetime.now().astimezone()
    with pytest.raises(ValueError, match="keep_contacts"):
        write_run(lean, tmp_path / "out", command_line="", started=now, finished=now, workers=1)
    assert not (tmp_path / "out").exists()


def test_a_streamed_run_folder_holds_the_tables_of_a_kept_run(journeys_scenario, tmp_path):
    """``ccsim run --out``: each replication's tables go to disk as it finishes, in order.

    The folder's per-contact and per-issue tables equal the in-memory ones of a run that kept
    them, row for row, with two workers finishing in any order; the streamed result keeps none.
    """
    kept = run(journeys_scenario, replications=3, workers=1)
    now = datetime.now().astimezone()
    seen: list[int] = []
    with RunFolder(tmp_path / "out") as folder:

        def sink(rep):
            seen.append(rep.replication)
            folder.add(rep)

        streamed = run(journeys_scenario, replications=3, workers=2, sink=sink)
        folder.finish(streamed, command_line="", started=now, finished=now, workers=2)
    assert seen == [0, 1, 2]
    assert streamed.contacts is None
    assert streamed.journeys is None
    assert streamed.kpis == kept.kpis
    for name, table in (("contacts", kept.contacts), ("journeys", kept.journeys)):
        on_disk = pd.read_parquet(tmp_path / "out" / f"{name}.parquet")
        pd.testing.assert_frame_equal(on_disk, table, check_exact=True)


def test_an_interrupted_run_folder_leaves_nothing_behind(journeys_scenario, tmp_path):
    out = tmp_path / "out"

    def sink(rep):
        folder.add(rep)
        raise KeyboardInterrupt  # Ctrl-C after the first replication was written

    with pytest.raises(KeyboardInterrupt), RunFolder(out) as folder:
        run(journeys_scenario, replications=2, workers=1, sink=sink)
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []
