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
from simulator.runs.output import write_run
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
