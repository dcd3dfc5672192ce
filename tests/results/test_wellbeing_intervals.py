"""The employee-satisfaction proxy read per reporting interval (the interval table's ``esat``).

Per interval: clip(base + per_occupancy_point x 100 x max(0, occupancy - occupancy_above) +
per_overtime_point x 100 x overtime share + per_repeat_share x repeat share, 0, 10), with the
interval's occupancy, overtime agent time / agent time on duty, and the share of the contacts
arriving in it and answered that were repeat or missed-callback contacts; no stretch term.
Defaults: base 8.8, occupancy_above 0.80, per_occupancy_point -0.1, per_repeat_share -2.0.
"""

from __future__ import annotations

import numpy as np
import pytest

from simulator.results.kpis import interval_table, replication_kpis
from tests.results.test_wellbeing import H, simulate_at


def test_busy_hours_score_lower_than_idle_ones():
    """One agent on duty 24 h (intervals of 1 h) takes four calls of 3 h at 0, 3, 6 and 9 h:
    hours 0-11 fully busy (occupancy 1.0, 20 points above 0.80: -2.0, so 6.8), hours 12-23
    idle (8.8). The KPI over the whole day is 5.8 (occupancy 0.5, a 12 h stretch: -3.0): the
    column is a reading over time, not the KPI split up."""
    sc, rec = simulate_at({}, [0.0, 3 * H, 6 * H, 9 * H])
    table = interval_table(rec, sc)
    assert table["occupancy"].to_numpy() == pytest.approx([1.0] * 12 + [0.0] * 12)
    assert table["esat"].to_numpy() == pytest.approx([6.8] * 12 + [8.8] * 12)
    assert replication_kpis(rec, sc)["esat"] == pytest.approx(5.8)


def test_an_hour_of_repeat_callers_costs_two_points():
    """FCR 0 and every customer calls back (probability 1) once, 1 h after the first call
    ended (deterministic delay), at most 2 contacts. One call at 0 of 30 min: hour 0 holds the
    new call (occupancy 0.5, no repeat: 8.8); the repeat arrives at 1.5 h and takes 30 min:
    hour 1 has occupancy 0.5 and a repeat share of 1 (-2.0: 6.8); the other hours are idle."""
    changes = {
        "reasons": [
            {
                "name": "x",
                "share": 1.0,
                "handle_time": {"dist": "deterministic", "value_s": 0.5 * H},
                "fcr": 0.0,
                "repeat": {
                    "probability": 1.0,
                    "delay": {"dist": "deterministic", "value_s": H},
                    "max_contacts": 2,
                },
            }
        ]
    }
    sc, rec = simulate_at(changes, [0.0])
    table = interval_table(rec, sc)
    assert table["repeat_contacts"].tolist()[:3] == [0, 1, 0]
    assert table["occupancy"].to_numpy()[:3] == pytest.approx([0.5, 0.5, 0.0])
    assert table["esat"].to_numpy() == pytest.approx([8.8, 6.8] + [8.8] * 22)


def test_no_agent_on_duty_is_empty():
    """Agents on duty 08:00-16:00 only: the other hours have no esat (NaN). One call of 3 h
    at 09:00: hours 9-11 fully busy (6.8), the other duty hours idle (the base, 8.8)."""
    changes = {"agents": {"headcount": None, "per_interval": [0] * 8 + [1] * 8 + [0] * 8}}
    sc, rec = simulate_at(changes, [9 * H])
    esat = interval_table(rec, sc)["esat"].to_numpy()
    assert np.isnan(esat[:8]).all()
    assert np.isnan(esat[16:]).all()
    assert esat[8:16] == pytest.approx([8.8, 6.8, 6.8, 6.8, 8.8, 8.8, 8.8, 8.8])
