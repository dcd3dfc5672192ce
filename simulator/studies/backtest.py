"""``ccsim backtest``: a scenario simulated over the dates of contact records, against them.

Per interval and per day of the scenario's horizon, the phone contacts *offered*, the *service
level* (answered within ``channels.phone.service_level.answer_within_s`` / offered, abandoned
calls counting as missed, spec A3), the *abandonment* (abandoned / offered) and the *ASA* (mean
wait of the answered) of the records against the mean over the simulated replications (counts
averaged first, then the ratios formed, so that a thin interval does not weigh like a full one).

Error measures per quantity and level: MAPE = mean over periods with an actual value > 0 of
|simulated - actual| / actual; bias = mean of simulated - actual and MAE = mean of |simulated -
actual| (in the quantity's unit: shares for service level and abandonment, seconds for ASA).
MAPE suits the volume; for a share or an ASA near 0 (a quiet interval) it explodes, and MAE and
bias say more. Periods where either side is undefined
(nothing offered, nothing answered) are left out of that quantity. The intervals that miss most
are those with the largest |simulated - actual| offered.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from simulator.studies.contact_records import ContactRecords

if TYPE_CHECKING:
    from simulator.scenario.models import Scenario

MEASURES = ("offered", "service_level", "abandon_rate", "asa_s")
WORST = 10


@dataclass
class Backtest:
    """Actual and simulated per interval and per day, and the error measures."""

    scenario: str
    records: str
    replications: int
    days: int
    intervals: pd.DataFrame  # start, actual_<m>, simulated_<m> for m in MEASURES
    daily: pd.DataFrame  # date, the same columns
    errors: dict[str, dict[str, dict[str, float | None]]]  # level -> measure -> mape, bias, ...
    outside: int  # records outside the horizon, not compared

    def worst(self, n: int = WORST) -> pd.DataFrame:
        """The ``n`` intervals with the largest |simulated - actual| offered."""
        miss = (self.intervals["simulated_offered"] - self.intervals["actual_offered"]).abs()
        return self.intervals.loc[miss.sort_values(ascending=False, kind="stable").index[:n]]

    def to_json(self) -> dict[str, Any]:
        """The errors, and the intervals that miss most."""

        def num(x: Any, digits: int = 4) -> float | None:
            return None if x is None or not math.isfinite(float(x)) else round(float(x), digits)

        worst = [
            {
                "start": str(row["start"]),
                "actual_offered": num(row["actual_offered"]),
                "simulated_offered": num(row["simulated_offered"]),
                "actual_service_level": num(row["actual_service_level"], 3),
                "simulated_service_level": num(row["simulated_service_level"], 3),
            }
            for _, row in self.worst().iterrows()
        ]
        return {
            "scenario": self.scenario,
            "records": self.records,
            "replications": self.replications,
            "days": self.days,
            "errors": self.errors,
            "worst_intervals": worst,
            "outside_horizon": self.outside,
        }


def _ratios(frame: pd.DataFrame, prefix: str) -> None:
    """Service level, abandonment and ASA from the summed counts, in place."""
    with np.errstate(invalid="ignore", divide="ignore"):
        frame[f"{prefix}_service_level"] = frame[f"{prefix}_in_time"] / frame[f"{prefix}_offered"]
        frame[f"{prefix}_abandon_rate"] = frame[f"{prefix}_abandoned"] / frame[f"{prefix}_offered"]
        frame[f"{prefix}_asa_s"] = frame[f"{prefix}_wait"] / frame[f"{prefix}_answered"]
    frame.replace([np.inf, -np.inf], np.nan, inplace=True)


def _errors(frame: pd.DataFrame) -> dict[str, dict[str, float | None]]:
    out: dict[str, dict[str, float | None]] = {}
    for m in MEASURES:
        a, s = frame[f"actual_{m}"].to_numpy(float), frame[f"simulated_{m}"].to_numpy(float)
        both = np.isfinite(a) & np.isfinite(s)
        pos = both & (a > 0)

        def r(x: float) -> float | None:
            return round(float(x), 4) if math.isfinite(x) else None

        out[m] = {
            "mape": r(np.mean(np.abs(s[pos] - a[pos]) / a[pos])) if pos.any() else None,
            "bias": r(np.mean(s[both] - a[both])) if both.any() else None,
            "mae": r(np.mean(np.abs(s[both] - a[both]))) if both.any() else None,
            "actual": r(np.sum(a[both]) if m == "offered" else np.mean(a[both]))
            if both.any()
            else None,
            "simulated": r(np.sum(s[both]) if m == "offered" else np.mean(s[both]))
            if both.any()
            else None,
            "periods": int(both.sum()),
        }
    return out


def backtest(
    records: ContactRecords,
    scenario: Scenario,
    *,
    replications: int | None = None,
    workers: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> Backtest:
    """Simulate ``scenario`` and compare it with ``records`` per interval and per day."""
    from simulator.runs.replications import run

    h = scenario.horizon
    sl = scenario.channels.phone.service_level.answer_within_s
    n_bins = round(h.horizon_s / h.interval_s)
    origin = pd.Timestamp(h.origin)
    starts = origin + pd.to_timedelta(np.arange(n_bins) * h.interval_s, unit="s")

    phone = records.frame[records.frame["channel"] == "phone"]
    t = (phone["arrival"] - origin).dt.total_seconds().to_numpy()
    inside = (t >= 0) & (t < h.horizon_s)
    b = (t[inside] // h.interval_s).astype(np.int64)
    p = phone[inside]
    answered = (p["outcome"] == "answered").to_numpy()
    wait = p["wait_s"].to_numpy()

    def count(mask: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
        w = None if weights is None else weights[mask]
        return np.bincount(b[mask], weights=w, minlength=n_bins)[:n_bins]

    every = np.ones(len(p), dtype=bool)
    actual = pd.DataFrame(
        {
            "actual_offered": count(every),
            "actual_answered": count(answered),
            "actual_abandoned": count(~answered),
            "actual_in_time": count(answered & (wait <= sl)),
            "actual_wait": count(answered, wait),
        }
    )
    n = scenario.replications if replications is None else replications
    result = run(scenario, replications=n, workers=workers, progress=progress, keep_contacts=False)
    iv = result.intervals.copy()
    iv["in_time"] = iv["service_level"].fillna(0) * iv["offered"]
    iv["wait"] = iv["asa_s"].fillna(0) * iv["answered"]
    sim = iv.groupby("interval")[["offered", "answered", "abandoned", "in_time", "wait"]].mean()
    sim = sim.reindex(range(n_bins), fill_value=0.0)
    simulated = pd.DataFrame(
        {f"simulated_{c}": sim[c].to_numpy() for c in sim.columns}, index=actual.index
    )
    frame = pd.concat([pd.DataFrame({"start": starts}), actual, simulated], axis=1)
    per_day = h.intervals_per_day
    daily = frame.drop(columns="start").groupby(np.arange(n_bins) // per_day).sum(numeric_only=True)
    daily.insert(0, "date", [d.date() for d in starts[::per_day]])
    for f in (frame, daily):
        _ratios(f, "actual")
        _ratios(f, "simulated")
    keep = ["start", *(f"{side}_{m}" for m in MEASURES for side in ("actual", "simulated"))]
    intervals = frame[keep]
    daily = daily[["date", *keep[1:]]]
    errors = {"day": _errors(daily), "interval": _errors(intervals)}
    return Backtest(
        scenario=scenario.name,
        records=records.source,
        replications=n,
        days=h.days,
        intervals=intervals,
        daily=daily,
        errors=errors,
        outside=int((~inside).sum()),
    )


def write_backtest(bt: Backtest, out: Path, write_png: Callable[[Path], None]) -> list[Path]:
    """``out/backtest.json``, ``intervals.csv``, ``days.csv`` and ``backtest.png``."""
    out.mkdir(parents=True, exist_ok=True)
    paths = [out / "backtest.json", out / "intervals.csv", out / "days.csv", out / "backtest.png"]
    paths[0].write_text(json.dumps(bt.to_json(), indent=1, allow_nan=False), encoding="utf-8")
    bt.intervals.to_csv(paths[1], index=False)
    bt.daily.to_csv(paths[2], index=False)
    write_png(paths[3])
    return paths
