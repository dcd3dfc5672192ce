"""Reference implementations of the spec A1 model (Erlang A) for benchmarking ccsim.

ccsim's speed only means something next to what a modeller would otherwise write, so this module
holds the two usual baselines, written the plain way, plus the closed form they must all agree with:

- ``textbook_simpy``: one SimPy process per caller, ``simpy.Resource`` for the agents and the
  ``req | timeout(patience)`` idiom for abandonment;
- ``ciw_model``: the same queue in Ciw 3.x (M/M/c with exponential reneging);
- ``erlang_a``: the exact steady-state KPIs, to show the three simulators simulate the same thing.

All three follow the end-of-run rule of spec A3: no arrivals after the horizon, but every contact
already in the system is answered or abandons, so no contact is left half counted.

Run as a script it is one whole process, like ``ccsim run``, for end-to-end timing
(benchmarks/bench_cli.py); it prints one JSON object with the KPIs:

    python benchmarks/reference_models.py [--model simpy|ciw] [--days D] [--seed S]
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
from dataclasses import dataclass

import numpy as np
import simpy

ANSWER_WITHIN_S = 20.0  # spec A1 phone service_level.answer_within_s
DEFAULT_WARMUP_S = 3600.0  # spec A1 horizon.warmup_minutes = 60
A1 = {
    "arrival_rate_per_s": 1000 / 3600,
    "aht_s": 300.0,
    "agents": 90,
    "mean_patience_s": 120.0,
}
"""Spec A1: 1000 calls/h, AHT 300 s, 90 agents, patience 120 s (all exponential)."""


@dataclass(frozen=True)
class ContactRecords:
    """Per-contact columns, the common output of the reference models (NaN = not answered)."""

    arrival_s: np.ndarray
    answer_s: np.ndarray  # service start; NaN if abandoned
    leave_s: np.ndarray  # service end, or the moment of abandonment

    @property
    def contacts(self) -> int:
        """All contacts of the run, warm-up included (the unit of 'contacts per second')."""
        return int(self.arrival_s.size)


def contact_kpis(
    rec: ContactRecords,
    agents: int,
    horizon_s: float,
    warmup_s: float = DEFAULT_WARMUP_S,
    answer_within_s: float = ANSWER_WITHIN_S,
) -> dict[str, float]:
    """Spec A3 contact KPIs, so reference runs read like ``ccsim run --json``."""
    counted = rec.arrival_s >= warmup_s
    answered = counted & ~np.isnan(rec.answer_s)
    wait = rec.answer_s[answered] - rec.arrival_s[answered]
    offered = int(counted.sum())
    n_answered = int(answered.sum())
    served = ~np.isnan(rec.answer_s)
    # Busy time of every service, clipped to [warm-up, horizon): occupancy is by clock time.
    busy = np.clip(rec.leave_s[served], warmup_s, horizon_s) - np.clip(
        rec.answer_s[served], warmup_s, horizon_s
    )
    return {
        "contacts": rec.contacts,
        "offered": offered,
        "answered": n_answered,
        "abandoned": offered - n_answered,
        "abandon_rate": (offered - n_answered) / offered if offered else math.nan,
        "asa_s": float(wait.mean()) if n_answered else math.nan,
        "service_level": float((wait <= answer_within_s).sum()) / offered if offered else math.nan,
        "wait_p90_s": float(np.percentile(wait, 90)) if n_answered else math.nan,
        "occupancy": float(busy.sum()) / (agents * (horizon_s - warmup_s)),
    }


# --- textbook SimPy -------------------------------------------------------------------------------


def simulate_textbook_simpy(
    arrival_rate_per_s: float,
    aht_s: float,
    agents: int,
    mean_patience_s: float,
    horizon_s: float,
    seed: int,
) -> ContactRecords:
    """Run the model as the SimPy tutorials write it; records only, so timing excludes KPIs."""
    rng = np.random.default_rng(seed)
    env = simpy.Environment()
    lines = simpy.Resource(env, capacity=agents)
    rows: list[tuple[float, float, float]] = []

    def caller(service_s: float, patience_s: float):
        arrived = env.now
        with lines.request() as req:
            result = yield req | env.timeout(patience_s)
            if req in result:
                answered = env.now
                yield env.timeout(service_s)
                rows.append((arrived, answered, env.now))
            else:
                rows.append((arrived, math.nan, env.now))

    def source():
        mean_gap = 1.0 / arrival_rate_per_s
        while True:
            gap = rng.exponential(mean_gap)
            if env.now + gap >= horizon_s:
                return
            yield env.timeout(gap)
            # Draw the caller's attributes at creation, as ccsim does (spec A4).
            env.process(caller(rng.exponential(aht_s), rng.exponential(mean_patience_s)))

    env.process(source())
    env.run()  # drains: callers in the system at the horizon finish (spec A3)
    cols = np.array(rows, dtype=float).reshape(-1, 3)
    order = np.argsort(cols[:, 0], kind="stable")
    cols = cols[order]
    return ContactRecords(cols[:, 0].copy(), cols[:, 1].copy(), cols[:, 2].copy())


def textbook_simpy(
    arrival_rate_per_s: float,
    aht_s: float,
    agents: int,
    mean_patience_s: float,
    horizon_s: float,
    seed: int,
    warmup_s: float = DEFAULT_WARMUP_S,
) -> dict[str, float]:
    """KPIs of one textbook-SimPy replication (see ``contact_kpis``)."""
    rec = simulate_textbook_simpy(
        arrival_rate_per_s, aht_s, agents, mean_patience_s, horizon_s, seed
    )
    return contact_kpis(rec, agents, horizon_s, warmup_s)


# --- Ciw ------------------------------------------------------------------------------------------


def _exponential_until(rate: float, until_s: float):
    """Poisson arrivals that stop at the horizon, so Ciw can drain the queue like spec A3."""
    import ciw  # here: the SimPy model's process does not pay for importing Ciw

    class ExponentialUntil(ciw.dists.Exponential):
        def sample(self, t: float | None = None, ind: object = None) -> float:
            gap = random.expovariate(self.rate)  # Ciw's own stream (seeded by ciw.seed)
            return gap if (t or 0.0) + gap < until_s else math.inf

    return ExponentialUntil(rate)


def simulate_ciw(
    arrival_rate_per_s: float,
    aht_s: float,
    agents: int,
    mean_patience_s: float,
    horizon_s: float,
    seed: int,
) -> ContactRecords:
    """Run the model in Ciw (M/M/c + exponential reneging); records only."""
    import ciw

    ciw.seed(seed)
    network = ciw.create_network(
        arrival_distributions=[_exponential_until(arrival_rate_per_s, horizon_s)],
        service_distributions=[ciw.dists.Exponential(1.0 / aht_s)],
        number_of_servers=[agents],
        reneging_time_distributions=[ciw.dists.Exponential(1.0 / mean_patience_s)],
    )
    sim = ciw.Simulation(network)
    # Arrivals stop at the horizon; the run ends by itself once the queue is empty (next event inf).
    sim.simulate_until_max_time(horizon_s + 30 * 86_400.0)
    recs = sim.get_all_records()
    n = len(recs)
    arrival = np.empty(n)
    answer = np.empty(n)
    leave = np.empty(n)
    for i, r in enumerate(recs):
        arrival[i] = r.arrival_date
        if r.record_type == "service":
            answer[i] = r.service_start_date
            leave[i] = r.service_end_date
        else:  # "renege"
            answer[i] = math.nan
            leave[i] = r.exit_date
    order = np.argsort(arrival, kind="stable")
    return ContactRecords(arrival[order], answer[order], leave[order])


def ciw_model(
    arrival_rate_per_s: float,
    aht_s: float,
    agents: int,
    mean_patience_s: float,
    horizon_s: float,
    seed: int,
    warmup_s: float = DEFAULT_WARMUP_S,
) -> dict[str, float]:
    """KPIs of one Ciw replication (see ``contact_kpis``)."""
    rec = simulate_ciw(arrival_rate_per_s, aht_s, agents, mean_patience_s, horizon_s, seed)
    return contact_kpis(rec, agents, horizon_s, warmup_s)


# --- Erlang A closed form -------------------------------------------------------------------------


def erlang_a(
    arrival_rate_per_s: float,
    aht_s: float,
    agents: int,
    mean_patience_s: float,
    answer_within_s: float = ANSWER_WITHIN_S,
) -> dict[str, float]:
    """Exact steady-state KPIs of M/M/c+M, computed here rather than copied, as the yardstick.

    Birth-death probabilities p_n; an arrival that finds c + j in the system (PASTA) passes states
    k = j..0 (k callers ahead), leaving state k at rate nu_k = c*mu + (k+1)*theta, moving on with
    probability (c*mu + k*theta) / nu_k. Given it is answered its wait is a sum of independent
    Exp(nu_k); P(wait <= t) comes from uniformisation of that chain.
    """
    lam, mu, theta, c = arrival_rate_per_s, 1.0 / aht_s, 1.0 / mean_patience_s, agents
    n_queue = 2000  # queue states kept; p_{c+j} decays faster than geometrically
    n = np.arange(1, c + n_queue + 1)
    death = np.minimum(n, c) * mu + np.maximum(n - c, 0) * theta
    log_p = np.concatenate(([0.0], np.cumsum(np.log(lam) - np.log(death))))
    p = np.exp(log_p - log_p.max())
    p /= p.sum()
    p_free = p[:c].sum()
    k = np.arange(n_queue + 1)
    nu = c * mu + (k + 1) * theta
    move = (c * mu + k * theta) / nu
    p_served_from = np.cumprod(move)  # P(answered | j ahead on arrival)
    mass = p[c:] * p_served_from  # P(find j ahead and be answered)
    p_answered = p_free + mass.sum()
    mean_wait_answered = (mass * np.cumsum(1.0 / nu)).sum() / p_answered

    # P(W <= t, answered) for the queued: uniformise the chain conditioned on being answered
    # (state k is left after Exp(nu_k), always towards k - 1, then absorbed on answer).
    rate = nu.max()
    step = nu / rate
    vec = mass.copy()
    lt = rate * answer_within_s
    absorbed = 0.0
    within = 0.0
    log_pois = -lt  # log Poisson(m; lt), m = 0
    m = 0
    while m <= lt or math.exp(log_pois) > 1e-18:
        within += math.exp(log_pois) * absorbed
        absorbed += vec[0] * step[0]
        nxt = vec * (1.0 - step)
        nxt[:-1] += vec[1:] * step[1:]
        vec = nxt
        m += 1
        log_pois += math.log(lt) - math.log(m)
    return {
        "service_level": float(p_free + within),
        "abandon_rate": float(1.0 - p_answered),
        "asa_s": float(mean_wait_answered),
        "occupancy": float(lam * p_answered / (c * mu)),
    }


# --- one whole process ----------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    """Simulate spec A1 with one reference model and print its KPIs as one JSON object."""
    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--model", choices=("simpy", "ciw"), default="simpy")
    parser.add_argument("--days", type=int, default=1, help="simulated days (spec A1: 1)")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    simulate = simulate_textbook_simpy if args.model == "simpy" else simulate_ciw
    horizon_s = args.days * 86_400.0
    rec = simulate(horizon_s=horizon_s, seed=args.seed, **A1)
    kpis = contact_kpis(rec, A1["agents"], horizon_s)
    print(json.dumps({"model": args.model, "days": args.days, "seed": args.seed, "kpis": kpis}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
