"""The employee-satisfaction proxy (ESAT, 0-10): what the simulated work does to each agent.

A transparent formula of what the run knows about an agent's work, with the weights of
``satisfaction.esat`` (see docs/satisfaction.md); an assumption like the customer proxies, meant
for comparing scenarios. Per agent who answered a contact in the window (warm-up to horizon):

ESAT = clip(base + per_occupancy_point x 100 x max(0, occupancy - occupancy_above)
+ per_stretch_hour x max(0, stretch_h - stretch_above_h) + per_overtime_point x 100 x overtime
share + per_repeat_share x repeat share, 0, 10)

with the occupancy of the agent's group (the records hold no per-agent duty time), the agent's
longest back-to-back stretch, the share of the paid hours that were overtime, and the share of
the agent's answered contacts that were repeat or missed-callback contacts. The KPI ``esat`` is
the mean over those agents; ``by_group`` has each group's.
"""

from __future__ import annotations

import numpy as np

from simulator.engine.records import ANSWERED, MISSED_CALLBACK, REPEAT, Records, as_array
from simulator.scenario.models import CHANNELS, Scenario

CHAT = CHANNELS.index("chat")


def agent_esat(
    rec: Records,
    scenario: Scenario,
    group_occupancy: np.ndarray,
    longest_stretch_h: np.ndarray,
    overtime_share: float,
) -> tuple[np.ndarray, np.ndarray]:
    """Per agent: the ESAT proxy, and whether the agent answered a contact in the window."""
    w = scenario.satisfaction.esat
    h = scenario.horizon
    n = len(rec.agent_group)
    answered = (as_array(rec.outcome) == ANSWERED) & (as_array(rec.arrival) >= h.warmup_s)
    agent = as_array(rec.agent)[answered]
    kind = as_array(rec.kind)[answered]
    handled = np.bincount(agent, minlength=n)[:n]
    repeats = np.bincount(agent, weights=(kind == REPEAT) | (kind == MISSED_CALLBACK), minlength=n)
    repeat_share = np.divide(repeats[:n], handled, out=np.zeros(n), where=handled > 0)
    occupancy = np.nan_to_num(group_occupancy)[np.asarray(rec.agent_group, dtype=np.int64)]
    score = (
        w.base
        + w.per_occupancy_point * 100.0 * np.maximum(0.0, occupancy - w.occupancy_above)
        + w.per_stretch_hour * np.maximum(0.0, longest_stretch_h - w.stretch_above_h)
        + w.per_overtime_point * 100.0 * overtime_share
        + w.per_repeat_share * repeat_share
    )
    return np.clip(score, 0.0, 10.0), handled > 0


def mean_esat(
    esat: np.ndarray, worked: np.ndarray, groups: np.ndarray, n_groups: int
) -> np.ndarray:
    """Per group, the mean ESAT of its agents who worked (NaN for a group without any)."""
    total = np.bincount(groups[worked], weights=esat[worked], minlength=n_groups)[:n_groups]
    count = np.bincount(groups[worked], minlength=n_groups)[:n_groups]
    return np.divide(total, count, out=np.full(n_groups, np.nan), where=count > 0)


def interval_esat(
    scenario: Scenario,
    occupancy: np.ndarray,
    overtime_share: np.ndarray,
    repeat_share: np.ndarray,
) -> np.ndarray:
    """Per reporting interval: the proxy as if the agents' whole window looked like the interval.

    The interval's occupancy (all agents), the share of its agent time on duty that was
    overtime, and the share of the contacts answered from it (by arrival) that were repeat or
    missed-callback contacts, with the weights of ``satisfaction.esat``. The stretch term is left
    out: a back-to-back stretch belongs to an agent's whole day, not to an interval. A reading of
    the strain over time, not the KPI ``esat`` split up; NaN where no agent was on duty.
    """
    w = scenario.satisfaction.esat
    score = (
        w.base
        + w.per_occupancy_point * 100.0 * np.maximum(0.0, occupancy - w.occupancy_above)
        + w.per_overtime_point * 100.0 * overtime_share
        + w.per_repeat_share * repeat_share
    )
    return np.clip(score, 0.0, 10.0)
