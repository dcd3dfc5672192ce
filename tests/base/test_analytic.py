"""Tests of the analytic references: published values, limits, and independent numerical solutions.

The Erlang A checks rebuild the model from scratch as dense matrices (the birth-death generator and
the tagged customer's absorbing chain, solved with numpy and scipy.linalg.expm) so that they share
no formula with `simulator.analytic`.
"""

import math
from itertools import pairwise

import numpy as np
import pytest
from scipy.linalg import expm

from simulator.analytic import erlang_a, erlang_b, erlang_c, offered_load


def _stationary(lam: float, mu: float, theta: float, c: int, states: int) -> np.ndarray:
    """Solve pi Q = 0 for the M/M/c+M birth-death chain truncated at `states` states."""
    q = np.zeros((states, states))
    for n in range(states - 1):
        q[n, n + 1] = lam
        q[n + 1, n] = min(n + 1, c) * mu + max(n + 1 - c, 0) * theta
    np.fill_diagonal(q, -q.sum(axis=1))
    system = np.vstack([q.T, np.ones(states)])
    rhs = np.zeros(states + 1)
    rhs[-1] = 1.0
    return np.linalg.lstsq(system, rhs, rcond=None)[0]


def _tagged_chain(mu: float, theta: float, c: int, ahead: int) -> tuple[np.ndarray, np.ndarray]:
    """Transient generator T and served-exit rates of a waiting customer, state = customers ahead.

    With i ahead it moves up when an agent frees up (c mu) or one ahead abandons (i theta), and
    leaves at its own patience rate theta; from i = 0 an agent completion serves it.
    """
    t = np.zeros((ahead, ahead))
    for i in range(ahead):
        t[i, i] = -(c * mu + i * theta + theta)
        if i > 0:
            t[i, i - 1] = c * mu + i * theta
    served = np.zeros(ahead)
    served[0] = c * mu
    return t, served


def test_offered_load_and_erlang_b_reference() -> None:
    assert offered_load(100 / 1800, 180) == pytest.approx(10.0)
    # Classic table value: 10 Erlangs on 15 trunks block 3.65 %.
    assert erlang_b(15, 10.0) == pytest.approx(0.036496, abs=1e-6)
    assert erlang_b(0, 5.0) == 1.0
    assert erlang_b(4, 0.0) == 0.0


def test_erlang_c_published_example() -> None:
    """100 calls per 30 min, AHT 180 s, 14 agents, 20 s: the standard worked example."""
    result = erlang_c(100 / 1800, 180, 14, 20)
    assert result.p_wait == pytest.approx(0.1741, abs=1e-4)
    assert result.service_level == pytest.approx(0.8884, abs=1e-4)
    assert result.asa_s == pytest.approx(7.84, abs=0.01)
    assert result.occupancy == pytest.approx(10 / 14)


def test_erlang_c_monotone_in_agents() -> None:
    results = [erlang_c(100 / 1800, 180, agents, 20) for agents in range(11, 25)]
    for fewer, more in pairwise(results):
        assert more.p_wait < fewer.p_wait
        assert more.asa_s < fewer.asa_s
        assert more.service_level > fewer.service_level
        assert more.occupancy < fewer.occupancy


@pytest.mark.parametrize("agents", [0, 9, 10])
def test_erlang_c_unstable_is_the_limit(agents: int) -> None:
    result = erlang_c(100 / 1800, 180, agents, 20)
    assert (result.p_wait, result.asa_s, result.service_level, result.occupancy) == (
        1.0,
        math.inf,
        0.0,
        1.0,
    )


@pytest.mark.parametrize(
    ("rate", "aht", "agents", "within"),
    [(100 / 1800, 180, 14, 20), (1000 / 3600, 300, 90, 20), (2.0, 240, 500, 30), (0.1, 60, 7, 0)],
)
def test_erlang_a_with_endless_patience_is_erlang_c(
    rate: float, aht: float, agents: int, within: float
) -> None:
    c_result = erlang_c(rate, aht, agents, within)
    a_result = erlang_a(rate, aht, agents, 1e9, within)
    assert a_result.p_wait == pytest.approx(c_result.p_wait, abs=1e-6)
    assert a_result.asa_s == pytest.approx(c_result.asa_s, rel=1e-5)
    assert a_result.service_level == pytest.approx(c_result.service_level, abs=1e-6)
    assert a_result.occupancy == pytest.approx(c_result.occupancy, abs=1e-6)
    assert a_result.p_abandon < 1e-6


@pytest.mark.parametrize(
    ("rate", "aht", "agents", "patience", "within"),
    [
        (1000 / 3600, 300, 90, 120, 20),  # spec A2
        (0.05, 180, 8, 60, 20),  # moderate load, impatient
        (0.2, 100, 12, 300, 15),  # overload: 20 Erlangs on 12 agents
        (0.03, 200, 2, 40, 30),  # small team, patience shorter than a call
        (0.01, 300, 0, 90, 20),  # nobody to answer
    ],
)
def test_erlang_a_matches_dense_ctmc(
    rate: float, aht: float, agents: int, patience: float, within: float
) -> None:
    mu, theta = 1 / aht, 1 / patience
    states = agents + 150
    pi = _stationary(rate, mu, theta, agents, states)
    assert pi[-1] < 1e-14  # the truncation is harmless
    in_queue = np.maximum(np.arange(states) - agents, 0)
    busy = np.minimum(np.arange(states), agents)
    mean_queue = pi @ in_queue

    result = erlang_a(rate, aht, agents, patience, within)
    assert result.p_wait == pytest.approx(pi[agents:].sum(), abs=1e-9)
    # Rate balance: abandonments per second theta E[Lq] = lambda P(abandon).
    assert result.p_abandon == pytest.approx(theta * mean_queue / rate, abs=1e-9)
    if agents:
        assert result.occupancy == pytest.approx(pi @ busy / agents, abs=1e-9)
    else:
        assert math.isnan(result.occupancy)
        assert math.isnan(result.asa_s)

    # The tagged arrival's absorbing chain, started from what arrivals see (PASTA).
    t_gen, served_rate = _tagged_chain(mu, theta, agents, states - agents)
    start = pi[agents:]
    answered_at_once = pi[:agents].sum()
    inv = np.linalg.inv(-t_gen)
    p_served = answered_at_once + start @ inv @ served_rate
    assert 1 - result.p_abandon == pytest.approx(p_served, abs=1e-9)
    in_time = start @ inv @ (np.eye(len(start)) - expm(t_gen * within)) @ served_rate
    assert result.service_level == pytest.approx(answered_at_once + in_time, abs=1e-9)
    wait_and_served = start @ inv @ inv @ served_rate
    if agents:
        assert result.asa_s == pytest.approx(wait_and_served / p_served, rel=1e-8)
    # Little's law over all arrivals: E[Lq] / lambda is the mean wait, answered or abandoned, which
    # splits into the answered part (from the module's ASA) and the abandoned part.
    mean_wait = start @ inv @ np.ones(len(start))
    assert mean_queue / rate == pytest.approx(mean_wait, rel=1e-8)
    wait_and_abandoned = start @ inv @ inv @ np.full(len(start), theta)
    answered_part = result.asa_s * (1 - result.p_abandon) if agents else 0.0
    assert mean_queue / rate == pytest.approx(answered_part + wait_and_abandoned, rel=1e-8)


def test_erlang_a_spec_example() -> None:
    """Spec A2: 1000 calls/h, AHT 300 s, 90 agents, mean patience 120 s, answered within 20 s."""
    result = erlang_a(1000 / 3600, 300, 90, 120, 20)
    assert result.service_level == pytest.approx(0.9388, abs=1e-3)
    assert result.p_abandon == pytest.approx(0.0213, abs=1e-3)
    assert result.asa_s == pytest.approx(2.38, abs=0.02)
    assert result.occupancy == pytest.approx(0.906, abs=1e-3)


def test_erlang_a_agents_zero_everyone_abandons() -> None:
    result = erlang_a(0.5, 300, 0, 120, 20)
    assert result.p_wait == pytest.approx(1.0)
    assert result.p_abandon == pytest.approx(1.0)
    assert result.service_level == 0.0
    assert math.isnan(result.asa_s)
    assert math.isnan(result.occupancy)


def test_erlang_a_heavy_overload_is_stable() -> None:
    """Erlang A is stable for any load: excess traffic abandons."""
    result = erlang_a(10.0, 300, 100, 120, 20)  # 3000 Erlangs on 100 agents
    assert result.p_wait == pytest.approx(1.0)
    assert result.p_abandon == pytest.approx(1 - 100 / 3000, abs=1e-3)
    assert result.occupancy == pytest.approx(1.0, abs=1e-6)
    assert 0.0 <= result.service_level < 1e-6


@pytest.mark.parametrize(
    ("agents", "load_per_agent", "patience"),
    [(500, 0.95, 120), (1000, 0.99, 600), (1000, 1.2, 300), (5000, 0.98, 180)],
)
def test_large_centres_stay_finite(agents: int, load_per_agent: float, patience: float) -> None:
    aht = 300
    rate = agents * load_per_agent / aht
    a_result = erlang_a(rate, aht, agents, patience, 20)
    c_result = erlang_c(rate, aht, agents, 20)
    for value in (
        a_result.p_wait,
        a_result.p_abandon,
        a_result.service_level,
        a_result.occupancy,
        c_result.p_wait,
        c_result.service_level,
        c_result.occupancy,
    ):
        assert 0.0 <= value <= 1.0
    assert math.isfinite(a_result.asa_s)
    assert a_result.asa_s > 0


def test_bad_inputs_are_rejected() -> None:
    with pytest.raises(ValueError, match="aht_s"):
        erlang_c(1.0, 0.0, 3, 20)
    with pytest.raises(ValueError, match="agents"):
        erlang_a(1.0, 300, -1, 120, 20)
    with pytest.raises(ValueError, match="mean_patience_s"):
        erlang_a(1.0, 300, 3, math.inf, 20)
    with pytest.raises(ValueError, match="load"):
        erlang_b(3, -1.0)


def test_erlang_a_refuses_an_unsummable_queue() -> None:
    """Overload with near-endless patience needs ~1e9 queue states: say so instead of guessing."""
    with pytest.raises(ValueError, match="patience too long"):
        erlang_a(1.0, 300, 10, 1e9, 20)
