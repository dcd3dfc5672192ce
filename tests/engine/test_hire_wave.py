"""What a wave of new hires costs in the days after (issue 19 item 2), read from the interval table.

A scenario shows it with ``agents.hires`` on a date and ``agents.learning`` over N handled hours:
the interval table's ``aht_s`` (and the cost of the extra handled minutes) per day after the
hire date falls along the learning curve until the learners are as good as their group.

Hand case: one agent, hired on the first day (headcount 0 + 1 hire), learning linearly over 4
handled hours (14,400 s) from twice the group's handle time, its FCR shift 0 (no repeats); talk
300 s deterministic, no wrap-up; one call every hour at half past, so each finds the agent idle.
Call k takes h_k = 300 x (1 + g(x_k)), x_k the seconds handled before it, g(x) = max(0, 1 - x /
14400). With u_k = 14400 - x_k: h_k = 300 + u_k / 48 and u_(k+1) = u_k x 47/48 - 300, so u_k =
28800 r^k - 14400 with r = 47/48, and h_k = 600 r^k while u_k > 0, that is up to call 32 (r^k =
1/2 at k = ln 2 / ln(48/47) = 32.9), 300 s from call 33 on. Per day (24 calls a day):
day 1 = 600 (1 - r^24) / (1 - r) / 24 = 476.0 s; day 2 = (600 r^24 (1 - r^9) / (1 - r) + 15 x
300) / 24 = 312.5 s; day 3 = 300 s. The test checks the records against the recursion, the
interval table's AHT per day against the records, and the days against the closed form.
"""

from __future__ import annotations

import numpy as np
import pytest

from simulator.engine.center import ContactCenter
from simulator.results.kpis import interval_table
from tests.engine.test_people import build, reason


def test_aht_per_day_after_a_hire_falls_as_the_learning_curve_says():
    sc = build(
        {
            "replications": 1,
            "horizon": {"start": "2026-03-02", "days": 3, "warmup_minutes": 0},
            "reasons": [reason("general", 1.0, wrap_up_s=0.0)],
            "agents": {
                "headcount": 0,
                "learning": {"hours": 4.0, "handle_time_factor": 2.0, "fcr_plus": 0.0},
                "hires": [{"date": "2026-03-02", "agents": 1}],
            },
        }
    )
    moments = [3600.0 * k + 1800.0 for k in range(72)]
    center = ContactCenter(sc, 0)
    center._sources = [(0, iter(moments))]
    rec = center.run()
    expected, x = [], 0.0
    for _ in moments:
        h = 300.0 * (1 + max(0.0, 1 - x / 14400.0))
        expected.append(h)
        x += h
    assert list(rec.handle) == pytest.approx(expected, rel=1e-12)
    table = interval_table(rec, sc)
    per_interval = 86400 // sc.horizon.interval_s
    day = table["interval"].to_numpy() // per_interval
    handled = table["aht_s"].fillna(0) * table["answered"]
    aht_per_day = handled.groupby(day).sum() / table["answered"].groupby(day).sum()
    by_hand = [float(np.mean(expected[24 * d : 24 * (d + 1)])) for d in range(3)]
    assert aht_per_day.to_numpy() == pytest.approx(by_hand, rel=1e-12)
    r = 47 / 48
    day1 = 600 * (1 - r**24) / (1 - r) / 24
    day2 = (600 * r**24 * (1 - r**9) / (1 - r) + 15 * 300) / 24
    assert by_hand == pytest.approx([day1, day2, 300.0], rel=1e-12)
    assert by_hand[0] == pytest.approx(476.0, abs=0.05)
    assert by_hand[1] == pytest.approx(312.5, abs=0.05)
