"""Analytic references for a single phone queue: Erlang B, Erlang C (M/M/c) and Erlang A (M/M/c+M).

The simulator's minimal scenario (spec A1) is exactly one of these models, so these numbers are the
yardstick its KPIs (spec A3) are tested against, and what analytic staffing is built on.
Times are in seconds and rates per second. Everything works in log space or with bounded recursions,
so thousands of agents neither overflow nor lose precision; only numpy and math are used.
"""

import math
from dataclasses import dataclass

import numpy as np

# Queue states whose weight is below e^-37 (about 1e-16) of the largest one are dropped.
_LOG_NEGLIGIBLE = 37.0
# Erlang A queue states kept at most; beyond this the tail is too long to sum exactly.
_MAX_QUEUE_STATES = 1 << 22


@dataclass(frozen=True)
class ErlangCResult:
    """M/M/c KPIs: probability of waiting, mean wait (s), P(wait <= t), agent occupancy."""

    p_wait: float
    asa_s: float
    service_level: float
    occupancy: float

    @property
    def service_level_answered(self) -> float:
        """Nobody abandons, so every offered contact is answered: the same as `service_level`."""
        return self.service_level

    @property
    def service_level_excl_short_abandons(self) -> float:
        """Nobody abandons: the same as `service_level`."""
        return self.service_level


@dataclass(frozen=True)
class ErlangAResult:
    """M/M/c+M KPIs, defined like the simulator's (spec A3) so they compare one to one.

    `p_wait`: an arrival finds all agents busy; `p_abandon`: share of arrivals that abandon;
    `asa_s`: mean wait of answered contacts only; `service_level`: answered within the threshold
    over all offered (abandoned ones count as missed); `occupancy`: busy agents / agents;
    `p_short_abandon`: share of arrivals that abandon within `short_abandon_s` (0 when not asked).
    """

    p_wait: float
    p_abandon: float
    asa_s: float
    service_level: float
    occupancy: float
    p_short_abandon: float = 0.0

    @property
    def service_level_answered(self) -> float:
        """Answered within the threshold / answered: `service_level` / (1 - `p_abandon`)."""
        answered = 1.0 - self.p_abandon
        return _unit(self.service_level / answered) if answered > 0 else math.nan

    @property
    def service_level_excl_short_abandons(self) -> float:
        """Answered within the threshold / (offered - short abandons)."""
        base = 1.0 - self.p_short_abandon
        return _unit(self.service_level / base) if base > 0 else math.nan


def offered_load(arrival_rate_per_s: float, aht_s: float) -> float:
    """Offered load in Erlangs: the mean number of agents the traffic would keep busy."""
    return arrival_rate_per_s * aht_s


def erlang_b(servers: int, load: float) -> float:
    """Blocking probability of M/M/c/c with `load` Erlangs.

    The recursion B(n) = a B(n-1) / (n + a B(n-1)) keeps every step in [0, 1], unlike the textbook
    a^c/c! / sum a^k/k!, which overflows for a few hundred servers.
    """
    if servers < 0 or not load >= 0:
        raise ValueError(f"need servers >= 0 and load >= 0 (got servers={servers}, load={load})")
    blocking = 1.0
    for n in range(1, servers + 1):
        blocking = load * blocking / (n + load * blocking)
    return blocking


def erlang_c(
    arrival_rate_per_s: float, aht_s: float, agents: int, answer_within_s: float
) -> ErlangCResult:
    """Erlang C (M/M/c, nobody abandons): waiting probability, ASA and P(wait <= t).

    When the load is at least the number of agents the queue grows without bound; then the result
    is the limit: everyone waits (p_wait=1), ASA is infinite, service level 0 and occupancy 1.
    """
    _check_inputs(arrival_rate_per_s, aht_s, agents, answer_within_s)
    load = offered_load(arrival_rate_per_s, aht_s)
    if load >= agents:
        return ErlangCResult(p_wait=1.0, asa_s=math.inf, service_level=0.0, occupancy=1.0)
    occupancy = load / agents
    blocking = erlang_b(agents, load)
    p_wait = blocking / (1.0 - occupancy * (1.0 - blocking))
    # A waiting customer's wait is exponential with the rate at which the queue drains.
    drain_rate = agents / aht_s - arrival_rate_per_s
    return ErlangCResult(
        p_wait=p_wait,
        asa_s=p_wait / drain_rate,
        service_level=1.0 - p_wait * math.exp(-drain_rate * answer_within_s),
        occupancy=occupancy,
    )


def erlang_a(
    arrival_rate_per_s: float,
    aht_s: float,
    agents: int,
    mean_patience_s: float,
    answer_within_s: float,
    short_abandon_s: float = 0.0,
) -> ErlangAResult:
    """Erlang A (M/M/c+M: exponential patience) with the simulator's KPI definitions.

    Method (exact up to a truncated tail below 1e-16):
    1. Stationary law of the number in system n, a birth-death chain with birth rate lambda and
       death rate min(n, c) mu + max(n - c, 0) theta, summed in log space; the queue tail is cut
       where the remaining states weigh less than 1e-16 of the largest one (PASTA: arrivals see it).
    2. An arrival with k customers ahead in queue moves up at rate c mu + i theta while i are ahead
       and abandons at rate theta. Its offered wait V (time to reach an agent if it never abandoned)
       satisfies exp(-theta V) ~ Beta(alpha, k + 1), alpha = c mu / theta, hence
       P(served) = E[exp(-theta V)] = alpha / (alpha + k + 1), the wait of a served customer is
       hypoexponential with rates c mu + i theta, i = 1..k+1, and
       P(served, wait <= t) = P(served) P(NegBin(alpha + 1, exp(-theta t)) >= k + 1),
       a negative-binomial tail summed from its log-space pmf (no alternating sums).
    3. Abandoning within s (`short_abandon_s`, patience tau ~ Exp(theta)) behind k:
       P(tau <= s, tau < V) = P(tau <= s) - P(V <= tau <= s)
                            = 1 - e^(-theta s) - P(served, wait <= s) + e^(-theta s) P(V <= s),
       where V, a sum of exponentials with rates theta (alpha + i), i = 0..k, is the time of the
       (k+1)-th event of a birth process with those rates: P(V <= s) = P(NegBin(alpha,
       e^(-theta s)) >= k + 1).
    With no agents everyone abandons: ASA and occupancy are then undefined and returned as NaN.
    Raises ValueError when patience is so long against an overload that the queue would need more
    than about four million states (use `erlang_c` there).
    """
    _check_inputs(arrival_rate_per_s, aht_s, agents, answer_within_s)
    if not 0 < mean_patience_s < math.inf:
        raise ValueError(
            f"mean_patience_s must be > 0 and finite (got {mean_patience_s}); "
            "use erlang_c when nobody abandons"
        )
    capacity = agents / aht_s  # c mu: service completions per second with every agent busy
    theta = 1.0 / mean_patience_s
    alpha = capacity / theta
    with np.errstate(divide="ignore"):  # zero arrivals give log(0) = -inf: weight 0, as it should
        log_free = np.concatenate(
            ([0.0], np.cumsum(np.log(arrival_rate_per_s * aht_s / np.arange(1, agents + 1))))
        )  # log of a^n / n!, n = 0..c
        log_queue = log_free[-1] + _log_queue_weights(arrival_rate_per_s / theta, alpha)
    top = max(log_free.max(), log_queue.max())
    free = np.exp(log_free[:-1] - top)  # n < c: answered at once
    queue = np.exp(log_queue - top)  # n = c + k: k customers ahead of the arrival
    total = free.sum() + queue.sum()
    free /= total
    queue /= total

    ahead = np.arange(queue.size)
    served_share = alpha / (alpha + ahead + 1.0)
    p_served = free.sum() + queue @ served_share
    p_abandon = queue @ ((ahead + 1.0) / (alpha + ahead + 1.0))
    wait_if_served = np.cumsum(1.0 / (capacity + (ahead + 1.0) * theta))
    reach_in_time = _reach_agent_within(alpha, theta * answer_within_s, queue.size)
    service_level = free.sum() + queue @ (served_share * reach_in_time)
    p_short_abandon = 0.0
    if short_abandon_s > 0:
        theta_s = theta * short_abandon_s
        p_short_abandon = queue @ (
            -math.expm1(-theta_s)
            - served_share * _reach_agent_within(alpha, theta_s, queue.size)
            + math.exp(-theta_s) * _negbin_tail(alpha - 1.0, theta_s, queue.size)
        )
    asa_s = (queue @ (served_share * wait_if_served)) / p_served if p_served > 0 else math.nan
    occupancy = arrival_rate_per_s * p_served * aht_s / agents if agents > 0 else math.nan
    return ErlangAResult(
        p_wait=_unit(queue.sum()),
        p_abandon=_unit(p_abandon),
        asa_s=float(asa_s),
        service_level=_unit(service_level),
        occupancy=_unit(occupancy),
        p_short_abandon=_unit(p_short_abandon),
    )


def _unit(value: float) -> float:
    """Clamp a probability or fraction to [0, 1]: sums of many terms can overshoot by an ulp."""
    return float(min(max(value, 0.0), 1.0))


def _check_inputs(
    arrival_rate_per_s: float, aht_s: float, agents: int, answer_within_s: float
) -> None:
    """Reject inputs the formulas would silently turn into NaN or nonsense."""
    if not 0 <= arrival_rate_per_s < math.inf:
        raise ValueError(f"arrival_rate_per_s must be >= 0 and finite (got {arrival_rate_per_s})")
    if not 0 < aht_s < math.inf:
        raise ValueError(f"aht_s must be > 0 and finite (got {aht_s})")
    if agents < 0:
        raise ValueError(f"agents must be >= 0 (got {agents})")
    if not answer_within_s >= 0:
        raise ValueError(f"answer_within_s must be >= 0 (got {answer_within_s})")


def _log_queue_weights(ratio: float, alpha: float) -> np.ndarray:
    """Log of pi(c + k) / pi(c) = prod_{i<=k} ratio / (alpha + i), k = 0..K, with a negligible tail.

    `ratio` = lambda / theta. K doubles until the geometric bound on the states beyond it,
    w_K r / (1 - r) with r = ratio / (alpha + K + 1), drops below 1e-16 of the largest weight.
    """
    size = 64
    while True:
        with np.errstate(divide="ignore"):
            steps = np.log(ratio) - np.log(alpha + np.arange(1, size + 1))
            log_weights = np.concatenate(([0.0], np.cumsum(steps)))
            next_ratio = ratio / (alpha + size + 1)
            if next_ratio < 1:
                log_tail = log_weights[-1] + np.log(next_ratio) - math.log1p(-next_ratio)
                if log_tail < log_weights.max() - _LOG_NEGLIGIBLE:
                    return log_weights
        if size >= _MAX_QUEUE_STATES:
            raise ValueError(
                f"Erlang A queue needs more than {_MAX_QUEUE_STATES} states "
                f"(lambda/theta = {ratio:.3g}, c mu/theta = {alpha:.3g}): patience too long "
                "for this overload"
            )
        size *= 2


def _reach_agent_within(alpha: float, theta_t: float, size: int) -> np.ndarray:
    """P(NegBin(alpha + 1, e^-theta_t) >= k + 1), k = 0..size-1: a served wait behind k is <= t.

    The negative-binomial pmf comes from its log-space recursion, so huge alpha (long patience,
    the Erlang C limit) and many agents stay accurate.
    """
    return _negbin_tail(alpha, theta_t, size)


def _negbin_tail(r_minus_one: float, theta_t: float, size: int) -> np.ndarray:
    """P(NegBin(r, e^-theta_t) >= k + 1), k = 0..size-1, for r = ``r_minus_one`` + 1 > 0.

    The pmf starts at e^(-r theta_t) and follows pmf(j) / pmf(j - 1) = (1 + (r - 1) / j)
    (1 - e^-theta_t), in log space; the tail is one minus its running sum.
    """
    if theta_t == 0:
        return np.zeros(size)
    failures = np.arange(1, size)
    log_pmf = -(r_minus_one + 1.0) * theta_t + np.concatenate(
        (
            [0.0],
            np.cumsum(math.log(-math.expm1(-theta_t)) + np.log1p(r_minus_one / failures)),
        )
    )
    return np.clip(1.0 - np.cumsum(np.exp(log_pmf)), 0.0, 1.0)
