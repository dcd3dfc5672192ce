"""What ``ccsim fit`` and ``ccsim backtest`` print: plain English, readable in a log or a mail."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from simulator.studies.backtest import Backtest
    from simulator.studies.fit import FitResult


def _dist(spec: dict[str, Any]) -> str:
    if spec.get("dist") is None:
        return "none"
    parts = [f"mean {spec['mean_s']:.0f} s"] if spec.get("mean_s") is not None else []
    if spec.get("cv") is not None and spec["dist"] != "exponential":
        parts.append(f"cv {spec['cv']:.2f}")
    return f"{spec['dist']} ({', '.join(parts)})" if parts else str(spec["dist"])


def _candidates(fit: dict[str, Any], measure: str) -> str:
    cands = fit.get("candidates") or {}
    return ", ".join(
        f"{kind} AIC {c['aic']:.1f} {measure} {c[measure]:.3f}" for kind, c in cands.items()
    )


def fit_text(result: FitResult, scenario_path: str, agents_path: str) -> str:
    """The summary of a fit, ending with a newline."""
    d = result.to_json()
    a = d["arrivals"]
    lines = [
        f"Fitted {d['contacts']:,} contacts ({a['new_issues']:,} new issues) over {a['days']} days "
        f"from {a['first_date']}.",
        f"  written: {scenario_path} (validated) and {agents_path}",
        "",
        "Arrivals (new issues)",
        f"  {a['per_hour_mean']} contacts per open hour; {a['per_day']} new issues per day",
        "  day of week: " + ", ".join(f"{k} {v:.2f}" for k, v in a["day_of_week"].items()),
        "  opening hours: " + ", ".join(f"{k} {v}" for k, v in a["opening_hours"].items()),
    ]
    if a["outliers"]:
        lines.append("  outlier dates: " + ", ".join(a["outliers"]))
    lines += ["", "Handle time per reason (maximum likelihood; lowest AIC, KS distance)"]
    for name, r in d["reasons"].items():
        fcr = f", fcr {r['fcr']:.3f} ({r['fcr_definition']})" if r.get("fcr") is not None else ""
        lines.append(f"  {name}: share {r['share']:.3f}, {_dist(r['handle_time'])}{fcr}")
        lines.append(f"    {_candidates(r['handle_time'], 'ks')}")
    p = d["patience"]
    lines += ["", "Patience (censored waits: answered calls say only 'at least this long')"]
    if p.get("dist") is None:
        lines.append("  no abandoned call: nobody abandons")
    else:
        km = p["kaplan_meier"]
        lines.append(
            f"  {_dist(p)} from {p['abandoned']} abandoned and {p['censored']} answered waits"
        )
        lines.append(f"    {_candidates(p, 'km_distance')}")
        lines.append(
            f"    Kaplan-Meier: median {km['median_s']} s, mean up to {km['up_to_s']} s "
            f"{km['restricted_mean_s']} s; naive mean of abandoned waits "
            f"{p['naive_abandoned_mean_s']} s "
            "(biased low, not used)"
        )
    if d.get("redial"):
        r = d["redial"]
        delay = f", delay {_dist(r['delay'])}" if r.get("delay") else ""
        lines += [
            "",
            f"Redials: probability {r['probability']} after {r['abandons']} abandons{delay}",
        ]
    ag = d["agents"]
    lines += ["", f"Agents on duty: up to {ag['max']} per interval (a lower bound)", "", "Notes"]
    lines += [f"  - {note}" for note in d["notes"]]
    return "\n".join(lines) + "\n"


def backtest_text(bt: Backtest) -> str:
    """The back-test's error table and the intervals that miss most, ending with a newline."""
    d = bt.to_json()
    lines = [
        f"Back-test of {d['scenario']} against {d['records']} ({d['replications']} replications, "
        f"{d['days']} days)",
        "",
        f"  {'measure':<16} {'level':<9} {'actual':>10} {'simulated':>10} {'MAPE':>8} {'MAE':>9}"
        f" {'bias':>9}",
    ]
    for level in ("day", "interval"):
        for key, e in d["errors"][level].items():
            mape = "-" if e["mape"] is None else f"{100 * e['mape']:.1f}%"
            bias = "-" if e["bias"] is None else f"{e['bias']:+.3g}"
            mae = "-" if e["mae"] is None else f"{e['mae']:.3g}"
            actual = "-" if e["actual"] is None else f"{e['actual']:.4g}"
            sim = "-" if e["simulated"] is None else f"{e['simulated']:.4g}"
            lines.append(
                f"  {key:<16} {level:<9} {actual:>10} {sim:>10} {mape:>8} {mae:>9} {bias:>9}"
            )
    lines += ["", "Intervals that miss most (offered):"]
    for row in d["worst_intervals"]:
        lines.append(
            f"  {row['start']}  actual {row['actual_offered']:.0f}  simulated "
            f"{row['simulated_offered']:.1f}"
            f"  service level {row['actual_service_level']} vs {row['simulated_service_level']}"
        )
    lines += [
        "",
        "MAPE: mean of |simulated - actual| / actual over periods with actual > 0 (for shares",
        "and ASA near 0 it explodes: read MAE); MAE: mean of |simulated - actual|; bias: mean of",
        "simulated - actual. Offered and service level are phone calls, as in spec A3. On the",
        "dates it was fitted to, a back-test is in-sample: it shows what the model leaves out",
        "(outlier days, drivers), not how well it forecasts.",
    ]
    return "\n".join(lines) + "\n"
