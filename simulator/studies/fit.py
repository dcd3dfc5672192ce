"""``ccsim fit``: contact records in, a scenario out (spec D9).

Each piece of the scenario is estimated from the records by a rule that is stated here and in
docs/fitting.md:

- **Journeys.** With a ``customer`` column, a customer's contacts are linked: a contact within
  ``window_days`` after the end of the same customer's previous contact is a *redial* when that
  one was abandoned (the gap counted from the abandonment) and a *repeat* when it was answered
  (the gap counted from the end of its handling); any other contact starts a new issue. Without
  customers every contact is a new issue.
- **Arrivals** (new issues): the volume of each date; a day-of-week factor (the mean volume of
  each weekday over the dates, outlier dates left out, divided by the mean over the weekdays);
  an intraday profile per interval, pooled over the dates of the weekdays with the most common
  opening hours (intervals open only on other days from those), where an interval with fewer
  than ``THIN`` contacts takes the mean of itself and its neighbours; opening hours per weekday from
  the first to the last interval in which answered contacts arrived (0.05% trimmed at each end
  against stray records). A date whose volume is more than 4 Poisson standard deviations and 25%
  away from the median of its weekday (with at least three such dates) is an outlier: reported
  in the notes, left out of the factors.
- **Handle time** per reason (phone contacts; chat and e-mail as a factor on it): exponential,
  lognormal and gamma by maximum likelihood, the lowest AIC wins; when even that one misfits
  (Kolmogorov-Smirnov distance above 1.63/sqrt(n), n >= 200) the empirical distribution is
  written instead (200 quantiles). Every candidate's log-likelihood, AIC and KS distance is kept.
- **Patience** from *censored* waits: an abandoned call's wait is its patience, an answered
  call's wait is a lower bound on it (right-censored). Kaplan-Meier gives the model-free survival
  curve; exponential, lognormal and gamma are fitted by censored maximum likelihood (log-density
  of the abandons plus log-survival of the answered). The exponential stays unless the better
  two-parameter family (by AIC) beats it in a likelihood-ratio test at 0.1% (exponential only with
  fewer than 30 abandons): the mean lies beyond the longest waits, an extrapolation. The mean
  of the abandoned waits is reported only to show its bias.
- **Redials**: probability = abandons followed by a redial / abandons that could still redial;
  delay fitted like a handle time. **Repeats**: the FCR of a reason is the share of its first
  answered contacts *with no repeat within window_days* (contacts in the last window_days of
  the data are left out: their future is not in the file); the scenario then has every
  unresolved customer come back (``repeat.probability: 1``) after the observed delay, so the
  simulated "no repeat within N days" matches the data; ``repeat.fcr`` is the same share among
  answered repeats.
- **Agents** on duty per interval: the number of distinct agents who handled a contact in it
  (at least the number of contacts in service at once). Idle agents leave no trace in contact
  records, so this is a **lower bound**; it is written as an ``agents.table`` CSV.

scipy is imported here (and in ``backtest``) only: ``ccsim run`` never loads this module.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from simulator.errors import ScenarioError
from simulator.studies.contact_records import ContactRecords, day_span

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
THIN = 20
"""An intraday interval with fewer contacts (over all dates) is smoothed with its neighbours."""
MIN_CLIP_S = 0.5
"""Durations below this are fitted as this (a lognormal or gamma has no mass at 0)."""
EMPIRICAL_POINTS = 200
KS_MISFIT = 1.63
"""KS distance above KS_MISFIT / sqrt(n): the 1% critical value of the KS test; with parameters
estimated from the same data the true critical value is smaller, so this errs toward a
parametric fit."""
MIN_CENSORED_EVENTS = 30
LR_CRITICAL = 10.83
"""chi-square(1) 99.9% point: a two-parameter patience replaces the exponential only when the
likelihood-ratio statistic exceeds it. The mean beyond the longest observed waits is an
extrapolation, and a second parameter fitted to noise moves it a lot (a lognormal fitted to
exponential patience of mean 120 s, waits up to a minute, gave means of 700 to 1600 s)."""


# -- distributions -------------------------------------------------------------------------
@dataclass
class Fitted:
    """One fitted duration distribution: the chosen one, in the scenario's YAML form."""

    spec: dict[str, Any]
    mean_s: float
    n: int
    candidates: dict[str, dict[str, float]] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)
    km: tuple[np.ndarray, np.ndarray] | None = (
        None  # Kaplan-Meier (times, survival) of a censored fit
    )

    @property
    def kind(self) -> str:
        """The chosen family (``dist``)."""
        return str(self.spec["dist"])

    def to_json(self) -> dict[str, Any]:
        """The D9 form: ``dist``, ``mean_s`` (always), the other parameters, the evidence."""
        shown = {k: v for k, v in self.spec.items() if k != "values_s"}
        out: dict[str, Any] = {**shown, "mean_s": _r(self.mean_s), "n": self.n}
        if self.spec["dist"] == "empirical":
            out["quantiles"] = len(self.spec["values_s"])
        out["candidates"] = self.candidates
        out.update(self.extra)
        return out


def _r(x: float, digits: int = 4) -> float | None:
    """A float for JSON: rounded to ``digits`` significant digits, None when not finite."""
    if x is None or not math.isfinite(x):
        return None
    return float(f"{x:.{digits}g}")


def _spec(kind: str, mean: float, cv: float | None = None) -> dict[str, Any]:
    spec: dict[str, Any] = {"dist": kind, "mean_s": round(float(mean), 3)}
    if cv is not None:
        spec["cv"] = round(float(cv), 4)
    return spec


def fit_durations(values: np.ndarray) -> Fitted | None:
    """Exponential, lognormal and gamma by maximum likelihood; the lowest AIC, or empirical."""
    from scipy import stats

    x = np.maximum(np.asarray(values, dtype=float), MIN_CLIP_S)
    n = len(x)
    if n == 0:
        return None
    if n < 3 or np.ptp(x) == 0:
        return Fitted(_spec("exponential", x.mean()), float(x.mean()), n)
    logs = np.log(x)
    m = x.mean()
    mu, s = logs.mean(), max(logs.std(), 1e-6)
    a, _, scale = stats.gamma.fit(x, floc=0)
    models = {
        "exponential": (1, stats.expon(scale=m), _spec("exponential", m)),
        "lognormal": (
            2,
            stats.lognorm(s, scale=math.exp(mu)),
            _spec("lognormal", math.exp(mu + s * s / 2), math.sqrt(math.expm1(s * s))),
        ),
        "gamma": (2, stats.gamma(a, scale=scale), _spec("gamma", a * scale, 1 / math.sqrt(a))),
    }
    candidates: dict[str, dict[str, float]] = {}
    for kind, (k, dist, spec) in models.items():
        loglik = float(np.sum(dist.logpdf(x)))
        candidates[kind] = {
            "mean_s": _r(spec["mean_s"]),
            "cv": _r(spec.get("cv", 1.0)),
            "loglik": _r(loglik, 8),
            "aic": _r(2 * k - 2 * loglik, 8),
            "ks": _r(float(stats.kstest(x, dist.cdf).statistic)),
        }
    best = min(candidates, key=lambda kind: candidates[kind]["aic"])
    chosen = models[best][2]
    fitted = Fitted(chosen, float(chosen["mean_s"]), n, candidates)
    if n >= EMPIRICAL_POINTS and candidates[best]["ks"] > KS_MISFIT / math.sqrt(n):
        q = np.quantile(x, (np.arange(EMPIRICAL_POINTS) + 0.5) / EMPIRICAL_POINTS)
        values = [round(float(v), 2) for v in q]
        fitted = Fitted(
            {"dist": "empirical", "values_s": values}, float(np.mean(values)), n, candidates
        )
        fitted.extra["why"] = (
            f"every parametric fit misfits (KS of {best} {candidates[best]['ks']})"
        )
    return fitted


def kaplan_meier(t: np.ndarray, event: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Survival just after each distinct event time: (times, S); censored at t is at risk at t."""
    t = np.asarray(t, dtype=float)
    event = np.asarray(event, dtype=bool)
    times = np.unique(t[event])
    if not len(times):
        return times, times
    order = np.sort(t)
    at_risk = len(t) - np.searchsorted(order, times, side="left")
    deaths = np.searchsorted(np.sort(t[event]), times, side="right") - np.searchsorted(
        np.sort(t[event]), times, side="left"
    )
    return times, np.cumprod(1.0 - deaths / at_risk)


def _km_summary(times: np.ndarray, surv: np.ndarray, horizon: float) -> dict[str, float | None]:
    if not len(times):
        return {"median_s": None, "restricted_mean_s": None, "up_to_s": _r(horizon)}
    below = np.flatnonzero(surv <= 0.5)
    median = float(times[below[0]]) if len(below) else None
    steps = np.concatenate(([0.0], times, [horizon]))
    levels = np.concatenate(([1.0], surv))
    area = float(np.sum(np.diff(steps) * levels))
    return {
        "median_s": _r(median) if median else None,
        "restricted_mean_s": _r(area),
        "up_to_s": _r(horizon),
    }


def fit_censored(t: np.ndarray, event: np.ndarray) -> Fitted | None:
    """Censored maximum likelihood for patience; Kaplan-Meier alongside (see the docstring)."""
    from scipy import optimize, stats

    t = np.asarray(t, dtype=float)
    event = np.asarray(event, dtype=bool)
    d = int(event.sum())
    if d == 0:
        return None
    te = np.maximum(t[event], MIN_CLIP_S)
    tc = t[~event]
    mean_exp = float(t.sum() / d)

    def loglik(dist: Any) -> float:
        return float(np.sum(dist.logpdf(te)) + np.sum(dist.logsf(tc)))

    models: dict[str, tuple[int, Any, dict[str, Any]]] = {
        "exponential": (1, stats.expon(scale=mean_exp), _spec("exponential", mean_exp))
    }
    if d >= MIN_CENSORED_EVENTS:

        def lognormal(p: np.ndarray) -> Any:
            return stats.lognorm(math.exp(p[1]), scale=math.exp(p[0]))

        def gamma(p: np.ndarray) -> Any:
            return stats.gamma(math.exp(p[0]), scale=math.exp(p[1]))

        start = {"lognormal": [math.log(mean_exp) - 0.5, 0.0], "gamma": [0.0, math.log(mean_exp)]}
        for kind, make in (("lognormal", lognormal), ("gamma", gamma)):
            with np.errstate(all="ignore"):
                res = optimize.minimize(
                    lambda p, make=make: -loglik(make(p)),
                    start[kind],
                    method="Nelder-Mead",
                    options={"xatol": 1e-6, "fatol": 1e-6, "maxiter": 2000},
                )
            if not np.isfinite(res.fun):
                continue
            dist = make(res.x)
            mean, sd = float(dist.mean()), float(dist.std())
            if not (math.isfinite(mean) and 0 < mean < 1e9 and 0 < sd / mean <= 100):
                continue
            models[kind] = (2, dist, _spec(kind, mean, sd / mean))
    times, surv = kaplan_meier(t, event)
    # The distance to Kaplan-Meier where it is solid: at least 30 callers still at risk.
    solid = (len(t) - np.searchsorted(np.sort(t), times, side="left")) >= MIN_CENSORED_EVENTS
    candidates: dict[str, dict[str, float]] = {}
    for kind, (k, dist, spec) in models.items():
        ll = loglik(dist)
        gap = float(np.max(np.abs(dist.sf(times) - surv)[solid])) if solid.any() else 0.0
        candidates[kind] = {
            "mean_s": _r(spec["mean_s"]),
            "cv": _r(spec.get("cv", 1.0)),
            "loglik": _r(ll, 8),
            "aic": _r(2 * k - 2 * ll, 8),
            "km_distance": _r(gap),
        }
    best = "exponential"
    two = [kind for kind in candidates if kind != "exponential"]
    if two:
        rival = min(two, key=lambda kind: candidates[kind]["aic"])
        if candidates[rival]["loglik"] - candidates["exponential"]["loglik"] > LR_CRITICAL / 2:
            best = rival
    chosen = models[best][2]
    fitted = Fitted(chosen, float(chosen["mean_s"]), len(t), candidates)
    fitted.extra = {
        "abandoned": d,
        "censored": int(len(t) - d),
        "kaplan_meier": _km_summary(times, surv, float(t.max())),
        "naive_abandoned_mean_s": _r(float(t[event].mean())),
        "mean_se_s": _r(mean_exp / math.sqrt(d)),
    }
    fitted.km = (times, surv)
    return fitted


def _frozen(kind: str, mean: float, cv: float) -> Any:
    from scipy import stats

    if kind == "exponential":
        return stats.expon(scale=mean)
    if kind == "gamma":
        k = 1.0 / (cv * cv)
        return stats.gamma(k, scale=mean / k)
    s2 = math.log1p(cv * cv)
    return stats.lognorm(math.sqrt(s2), scale=mean / math.exp(s2 / 2))


def curves(fitted: Fitted, x: np.ndarray, survival: bool = False) -> dict[str, np.ndarray]:
    """Each candidate's density (or survival function) at ``x``: what a fit report draws."""
    out = {}
    for kind, c in fitted.candidates.items():
        dist = _frozen(kind, float(c["mean_s"]), float(c["cv"]))
        out[kind] = dist.sf(x) if survival else dist.pdf(x)
    return out


# -- journeys ------------------------------------------------------------------------------
NEW, REDIAL, REPEAT = "new", "redial", "repeat"


def classify(frame: pd.DataFrame, window_days: float, redial_hours: float) -> pd.DataFrame:
    """Link each customer's contacts into journeys.

    Adds ``kind`` (new, redial, repeat), ``gap_s`` (from the previous contact's end),
    ``attempt`` (1 for a new or repeat contact, +1 per redial), ``followed`` (the kind of the
    customer's next linked contact, or "") and ``next_gap_s``.
    """
    out = frame.copy()
    out["kind"] = NEW
    out["gap_s"] = np.nan
    out["followed"] = ""
    out["next_gap_s"] = np.nan
    out["attempt"] = 1
    if "customer" not in out or out["customer"].isna().all():
        return out
    known = out[out["customer"].notna()].sort_values(["customer", "arrival"], kind="stable")
    arrival_s = (known["arrival"] - known["arrival"].min()).dt.total_seconds().to_numpy()
    abandoned = (known["outcome"] == "abandoned").to_numpy()
    end = (
        arrival_s
        + known["wait_s"].to_numpy()
        + np.where(abandoned, 0.0, known["handle_s"].fillna(0).to_numpy())
    )
    same = np.zeros(len(known), dtype=bool)
    cust = known["customer"].to_numpy()
    same[1:] = cust[1:] == cust[:-1]
    gap = np.full(len(known), np.nan)
    gap[1:] = arrival_s[1:] - end[:-1]
    prev_abandoned = np.zeros(len(known), dtype=bool)
    prev_abandoned[1:] = abandoned[:-1]
    limit = np.where(prev_abandoned, redial_hours * 3600.0, window_days * 86400.0)
    linked = same & (gap <= limit) & (gap >= 0)
    kind = np.where(linked, np.where(prev_abandoned, REDIAL, REPEAT), NEW)
    attempt = np.ones(len(known), dtype=np.int64)
    for i in np.flatnonzero(kind == REDIAL):  # redials are few: a loop over them is cheap
        attempt[i] = attempt[i - 1] + 1
    followed = np.full(len(known), "", dtype=object)
    followed[:-1] = np.where(linked[1:], kind[1:], "")
    next_gap = np.full(len(known), np.nan)
    next_gap[:-1] = np.where(linked[1:], gap[1:], np.nan)
    idx = known.index
    out.loc[idx, "kind"] = kind
    out.loc[idx, "gap_s"] = np.where(linked, gap, np.nan)
    out.loc[idx, "attempt"] = attempt
    out.loc[idx, "followed"] = followed
    out.loc[idx, "next_gap_s"] = next_gap
    return out


# -- the fit -------------------------------------------------------------------------------
@dataclass
class FitResult:
    """What ``ccsim fit`` found: the D9 object, the scenario to write, the evidence behind it."""

    contacts: int
    arrivals: dict[str, Any]
    reasons: dict[str, dict[str, Any]]
    patience: Fitted | None
    redial: dict[str, Any] | None
    notes: list[str]
    scenario: dict[str, Any]
    agents: pd.DataFrame  # start, agents: the agents.table CSV
    dropped: dict[str, int]
    daily: pd.DataFrame  # date, weekday, new issues, contacts, outlier
    intraday_counts: np.ndarray
    handle_fits: dict[str, Fitted]
    waits: pd.DataFrame  # wait_s, abandoned: the patience data
    extra: dict[str, Any] = field(default_factory=dict)
    handle_data: dict[str, np.ndarray] = field(default_factory=dict)  # each reason's fit data
    source: str = ""  # the records file

    def to_json(self) -> dict[str, Any]:
        """Spec D9: contacts, arrivals, reasons, patience, notes (more keys may follow)."""
        patience = (
            self.patience.to_json()
            if self.patience
            else {"dist": None, "mean_s": None, "note": "no abandoned call: nobody abandons"}
        )
        return {
            "contacts": self.contacts,
            "arrivals": self.arrivals,
            "reasons": self.reasons,
            "patience": patience,
            "redial": self.redial,
            "dropped": self.dropped,
            **self.extra,
            "notes": self.notes,
        }


def _hhmm(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def _opening_hours(
    answered: pd.DataFrame, interval_min: int, weekdays_seen: set[int]
) -> dict[int, tuple[int, int]]:
    """Per weekday (0 = Monday) the open window in minutes, from the answered contacts' arrivals."""
    hours: dict[int, tuple[int, int]] = {}
    minute = (
        answered["arrival"].dt.hour * 60
        + answered["arrival"].dt.minute
        + answered["arrival"].dt.second / 60
    )
    weekday = answered["arrival"].dt.day_of_week
    for wd in sorted(weekdays_seen):
        m = minute[weekday == wd].to_numpy()
        if not len(m):
            continue
        lo, hi = np.quantile(m, [0.0005, 0.9995]) if len(m) >= 2000 else (m.min(), m.max())
        start = int(lo // interval_min) * interval_min
        end = min(int(math.floor(hi / interval_min) + 1) * interval_min, 1440)
        hours[wd] = (start, end)
    return hours


def _hours_mapping(hours: dict[int, tuple[int, int]]) -> dict[str, str] | None:
    if len(hours) == 7 and all(v == (0, 1440) for v in hours.values()):
        return None  # round the clock: the format's default
    return {DAYS[wd]: f"{_hhmm(a)}-{_hhmm(b)}" for wd, (a, b) in sorted(hours.items())}


def _smooth(counts: np.ndarray, open_mask: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """``weights`` smoothed where data is thin.

    An open interval with fewer than THIN ``counts`` takes the mean of itself and its open
    neighbours.
    """
    out = weights.astype(float).copy()
    for i in np.flatnonzero(open_mask & (counts < THIN)):
        near = [j for j in (i - 1, i, i + 1) if 0 <= j < len(counts) and open_mask[j]]
        out[i] = float(np.mean(weights[near]))
    return out


def _agents_on_duty(
    frame: pd.DataFrame, origin: pd.Timestamp, n_intervals: int, interval_s: float
) -> np.ndarray:
    """Per interval: distinct agents with a contact in service, at least the contacts in service."""
    served = frame[frame["outcome"] == "answered"]
    start = (served["arrival"] - origin).dt.total_seconds().to_numpy() + served["wait_s"].to_numpy()
    end = start + served["handle_s"].to_numpy()
    first = np.clip((start // interval_s).astype(np.int64), 0, n_intervals - 1)
    last = np.clip(
        (np.maximum(end - 1e-9, start) // interval_s).astype(np.int64), 0, n_intervals - 1
    )
    # Contacts in service at once: the running count after each start and end, its maximum
    # per interval.
    # Ends count 1 s early: exports round times, and an agent's next call starts as the last ends.
    times = np.concatenate([start, np.maximum(end - 1.0, start)])
    steps = np.concatenate([np.ones(len(start)), -np.ones(len(end))])
    order = np.lexsort((steps, times))  # an end before a start at the same moment
    level = np.cumsum(steps[order])
    busy = np.zeros(n_intervals)
    where = np.clip((times[order] // interval_s).astype(np.int64), 0, n_intervals - 1)
    np.maximum.at(busy, where, level)
    # An interval with no event inside keeps the level it started with.
    at_start = np.searchsorted(times[order], np.arange(n_intervals) * interval_s, side="right")
    carried = np.where(at_start > 0, level[np.maximum(at_start - 1, 0)], 0)
    busy = np.maximum(busy, carried)
    distinct = np.zeros(n_intervals)
    if "agent" in served and served["agent"].notna().any():
        span = last - first + 1
        rows = np.repeat(np.arange(len(served)), span)
        offs = np.arange(len(rows)) - np.repeat(np.cumsum(span) - span, span)
        pairs = pd.DataFrame({"i": first[rows] + offs, "agent": served["agent"].to_numpy()[rows]})
        pairs = pairs[pairs["agent"].notna()]
        counts = pairs.drop_duplicates().groupby("i").size()
        distinct[counts.index.to_numpy()] = counts.to_numpy()
    return np.maximum(distinct, busy).astype(np.int64)


def fit(
    records: ContactRecords,
    *,
    name: str,
    interval_minutes: int = 30,
    window_days: float = 3.0,
    redial_hours: float = 4.0,
    agents_csv: str = "agents.csv",
) -> FitResult:
    """Fit a scenario to ``records`` (see the module docstring for every rule)."""
    if not (records.frame["outcome"] == "answered").any():
        raise ScenarioError(
            records.source,
            "",
            "no answered contact",
            allowed="records with answered contacts (handle times and hours come from them)",
        )
    frame = classify(records.frame, window_days, redial_hours)
    notes: list[str] = []
    dropped = dict(records.dropped)
    for why, n in dropped.items():
        notes.append(f"{n} rows dropped: {why}")
    first, days = day_span(records)
    origin = pd.Timestamp(first)
    interval_s = interval_minutes * 60.0
    per_day_intervals = 1440 // interval_minutes
    has_customers = "customer" in records.present and frame["customer"].notna().any()
    if not has_customers:
        notes.append(
            "no customer column: every contact counts as a new issue (no redials, no repeats, fcr "
            "1)"
        )

    # Arrivals of new issues.
    new = frame[frame["kind"] == NEW]
    dates = pd.date_range(origin, periods=days, freq="D")
    per_date = new.groupby(new["arrival"].dt.normalize()).size().reindex(dates, fill_value=0)
    contacts_per_date = (
        frame.groupby(frame["arrival"].dt.normalize()).size().reindex(dates, fill_value=0)
    )
    weekday = dates.day_of_week.to_numpy()
    volume = per_date.to_numpy().astype(float)
    outlier = np.zeros(days, dtype=bool)
    for wd in range(7):
        idx = np.flatnonzero(weekday == wd)
        if len(idx) < 3:
            continue
        med = float(np.median(volume[idx]))
        dev = np.abs(volume[idx] - med)
        outlier[idx] = (dev > 4 * math.sqrt(max(med, 1.0))) & (dev > 0.25 * med)
    for i in np.flatnonzero(outlier):
        med = float(np.median(volume[(weekday == weekday[i]) & ~outlier]))
        notes.append(
            f"outlier date {dates[i].date()} ({DAYS[weekday[i]]}): {int(volume[i])} new issues "
            "against "
            f"a usual {med:.0f} on {DAYS[weekday[i]]}; left out of the day-of-week factors "
            "(a driver such as an invoice run may explain it)"
        )
    weekday_mean = {
        wd: float(volume[(weekday == wd) & ~outlier].mean())
        for wd in sorted(set(weekday.tolist()))
        if ((weekday == wd) & ~outlier).any()
    }
    per_day = float(np.mean(list(weekday_mean.values())))
    factors = {DAYS[wd]: round(v / per_day, 4) for wd, v in weekday_mean.items()}
    answered = frame[frame["outcome"] == "answered"]
    # Opening hours from the phone (else chat) answers: e-mails are taken at any hour.
    live = next(
        (
            answered[answered["channel"] == ch]
            for ch in ("phone", "chat")
            if ch in set(answered["channel"])
        ),
        answered,
    )
    hours = _opening_hours(live, interval_minutes, set(weekday_mean))
    for wd, v in weekday_mean.items():
        if wd not in hours and v > 0:
            notes.append(f"{DAYS[wd]}: contacts but none answered: taken as closed")
    factors = {d: (f if DAYS.index(d) in hours else 0.0) for d, f in factors.items()}
    opening = _hours_mapping(hours)
    tod = (
        (new["arrival"] - new["arrival"].dt.normalize()).dt.total_seconds() // interval_s
    ).astype(int)
    # The profile is that of the days with the most common opening hours (weekdays, as a rule):
    # the engine fits it to each day's own hours. Intervals open only on other days take those
    # days' mean.
    windows: dict[tuple[int, int], float] = {}
    for wd, window in hours.items():
        windows[window] = windows.get(window, 0.0) + weekday_mean.get(wd, 0.0)
    main = max(windows, key=windows.get) if windows else (0, 1440)
    main_days = {wd for wd, window in hours.items() if window == main}
    day_of = new["arrival"].dt.normalize()
    usable = day_of.isin(set(dates[~outlier])).to_numpy()
    new_weekday = new["arrival"].dt.day_of_week

    def profile(days: set[int]) -> tuple[np.ndarray, np.ndarray]:
        """Contacts per interval of these weekdays' usable dates: in all, and per date."""
        rows = usable & new_weekday.isin(days).to_numpy()
        raw = np.bincount(tod[rows], minlength=per_day_intervals)[:per_day_intervals]
        n_dates = int(np.sum(~outlier & np.isin(weekday, list(days))))
        return raw, raw / max(n_dates, 1)

    main_mask = np.zeros(per_day_intervals, dtype=bool)
    main_mask[main[0] // interval_minutes : main[1] // interval_minutes] = True
    open_mask = main_mask.copy()
    for a, b in hours.values():
        open_mask[a // interval_minutes : b // interval_minutes] = True
    raw_main, w_main = profile(main_days)
    raw_other, w_other = profile(set(hours) - main_days)
    other_only = open_mask & ~main_mask
    counts = np.where(other_only, raw_other, raw_main)
    per_date_weight = np.where(other_only, w_other, w_main)
    weights = _smooth(counts, open_mask, per_date_weight)
    if weights.sum() <= 0:
        weights = open_mask.astype(float) + (not open_mask.any())
    thin = int(np.sum(open_mask & (counts < THIN)))
    if thin:
        notes.append(
            f"intraday profile: {thin} thin open intervals (< {THIN} contacts) smoothed with "
            "their neighbours"
        )
    open_hours_total = sum((hours[wd][1] - hours[wd][0]) / 60.0 for wd in weekday if wd in hours)
    per_hour_mean = len(frame) / open_hours_total if open_hours_total else float("nan")

    # Channels.
    new_channels = new["channel"].value_counts(normalize=True)
    channels_seen = sorted(set(frame["channel"]))

    # Reasons: share, handle time per channel, FCR.
    reason_names = sorted(set(frame["reason"]), key=lambda r: -int((new["reason"] == r).sum()))
    shares = (
        new["reason"].value_counts().reindex(reason_names, fill_value=0).to_numpy().astype(float)
    )
    if shares.sum() == 0:
        shares = np.ones(len(reason_names))
    shares = shares / shares.sum()
    shares_r = [round(float(s), 6) for s in shares]
    shares_r[0] = round(1.0 - sum(shares_r[1:]), 6)  # sums to 1 exactly as the format needs
    data_end = frame["arrival"].max()
    settled = frame["arrival"] <= data_end - pd.Timedelta(days=window_days)
    reasons_json: dict[str, dict[str, Any]] = {}
    reasons_yaml: list[dict[str, Any]] = []
    handle_fits: dict[str, Fitted] = {}
    handle_data: dict[str, np.ndarray] = {}
    no_fcr: list[str] = []
    phone_handle = answered[answered["channel"] == "phone"]
    main_channel = (
        "phone" if len(phone_handle) else (channels_seen[0] if channels_seen else "phone")
    )
    base = answered[answered["channel"] == main_channel]
    for name_r, share in zip(reason_names, shares_r, strict=True):
        mine = base[base["reason"] == name_r]["handle_s"].to_numpy()
        if not len(mine):
            mine = answered[answered["reason"] == name_r]["handle_s"].to_numpy()
        if not len(mine):
            mine = base["handle_s"].to_numpy()
        fitted = fit_durations(mine)
        handle_fits[name_r] = fitted
        handle_data[name_r] = mine
        entry: dict[str, Any] = {"share": share, "handle_time": fitted.to_json()}
        by_channel = {}
        for ch in channels_seen:
            h = answered[(answered["reason"] == name_r) & (answered["channel"] == ch)]["handle_s"]
            if len(h):
                by_channel[ch] = {"n": len(h), "mean_s": _r(float(h.mean()))}
        entry["handle_time_by_channel"] = by_channel
        reason_yaml: dict[str, Any] = {"name": name_r, "share": share, "handle_time": fitted.spec}
        if has_customers:
            first_answers = answered[
                (answered["reason"] == name_r)
                & (answered["kind"] != REPEAT)
                & settled.loc[answered.index]
            ]
            later = answered[
                (answered["reason"] == name_r)
                & (answered["kind"] == REPEAT)
                & settled.loc[answered.index]
            ]
            reps = frame[(frame["reason"] == name_r) & (frame["kind"] == REPEAT)][
                "gap_s"
            ].to_numpy()
            if len(first_answers):
                fcr = float((first_answers["followed"] != REPEAT).mean())
                n_f = len(first_answers)
                entry["fcr"] = _r(fcr)
                entry["fcr_se"] = _r(math.sqrt(max(fcr * (1 - fcr), 1e-12) / n_f))
                entry["fcr_definition"] = f"no repeat within {window_days:g} days"
                entry["fcr_n"] = n_f
                reason_yaml["fcr"] = round(fcr, 4)
                if fcr < 1 and len(reps):
                    delay = fit_durations(reps)
                    repeat: dict[str, Any] = {"probability": 1.0, "delay": delay.spec}
                    if len(later) >= 30:
                        repeat["fcr"] = round(float((later["followed"] != REPEAT).mean()), 4)
                    reason_yaml["repeat"] = repeat
                    entry["repeat_delay"] = delay.to_json()
            else:
                entry["fcr"] = None
                entry["fcr_definition"] = f"no repeat within {window_days:g} days"
                no_fcr.append(name_r)
        reasons_json[name_r] = entry
        reasons_yaml.append(reason_yaml)
    if no_fcr:
        notes.append(
            f"fcr not estimated for {', '.join(no_fcr)}: no first answered contact more than "
            f"{window_days:g} days before the end of the data (their repeats may still come); fcr "
            "stays 1"
        )
    if has_customers:
        notes.append(
            f"a contact within {redial_hours:g} h of the same customer's abandoned call is a "
            "redial; "
            f"abandons in the last {redial_hours:g} h are left out of the redial probability"
        )
        notes.append(
            "fcr per reason = share of first answered contacts with no repeat within "
            f"{window_days:g} days "
            f"(contacts in the last {window_days:g} days of the data are left out); the scenario "
            "lets every "
            "unresolved customer come back after the observed delay"
        )

    # Patience (phone) from censored waits.
    phone = frame[frame["channel"] == "phone"]
    waits = pd.DataFrame(
        {
            "wait_s": phone["wait_s"].to_numpy(),
            "abandoned": (phone["outcome"] == "abandoned").to_numpy(),
        }
    )
    patience = (
        fit_censored(waits["wait_s"].to_numpy(), waits["abandoned"].to_numpy())
        if len(phone)
        else None
    )
    if patience is None:
        notes.append("no abandoned phone call: the scenario has no patience (nobody abandons)")
    else:
        notes.append(
            f"patience from {patience.extra['abandoned']} abandoned and "
            f"{patience.extra['censored']} answered "
            f"(censored) waits: {patience.kind}, mean {patience.mean_s:.0f} s; the mean of the "
            "abandoned "
            f"waits alone ({patience.extra['naive_abandoned_mean_s']} s) is biased low and is not "
            "used"
        )
        if patience.extra["abandoned"] < MIN_CENSORED_EVENTS:
            notes.append(f"fewer than {MIN_CENSORED_EVENTS} abandons: patience is exponential")

    # Redials.
    redial_json: dict[str, Any] | None = None
    redial_yaml: dict[str, Any] | None = None
    if has_customers:
        recent = frame["arrival"] > data_end - pd.Timedelta(hours=redial_hours)
        abandons = phone[(phone["outcome"] == "abandoned") & ~recent.loc[phone.index]]
        max_attempts = int(max(3, min(10, frame["attempt"].max())))
        could = abandons[abandons["attempt"] < max_attempts]
        gaps = frame[frame["kind"] == REDIAL]["gap_s"].to_numpy()
        if len(could):
            p = float((could["followed"] == REDIAL).mean())
            redial_json = {
                "probability": _r(p),
                "probability_se": _r(math.sqrt(max(p * (1 - p), 1e-12) / len(could))),
                "abandons": len(could),
                "max_attempts": max_attempts,
            }
            if p > 0 and len(gaps):
                delay = fit_durations(gaps)
                redial_json["delay"] = delay.to_json()
                redial_yaml = {
                    "probability": round(p, 4),
                    "delay": delay.spec,
                    "max_attempts": max_attempts,
                }

    # Agents on duty (lower bound).
    n_intervals = days * per_day_intervals
    on_duty = _agents_on_duty(frame, origin, n_intervals, interval_s)
    starts = origin + pd.to_timedelta(np.arange(n_intervals) * interval_s, unit="s")
    agents = pd.DataFrame({"start": starts.strftime("%Y-%m-%dT%H:%M"), "agents": on_duty})
    how = "distinct agent ids" if "agent" in records.present else "contacts in service at once"
    notes.append(
        f"agents on duty per interval ({agents_csv}) are a LOWER BOUND ({how} handling a contact "
        "in the "
        "interval): idle agents leave no trace in contact records"
    )

    # The scenario.
    phone_yaml: dict[str, Any] = {}
    if patience is not None:
        phone_yaml["patience"] = patience.spec
    if redial_yaml:
        phone_yaml["redial"] = redial_yaml
    arrivals_yaml: dict[str, Any] = {"per_day": round(per_day, 3)}
    if any(abs(f - 1.0) > 1e-9 for f in factors.values()):
        arrivals_yaml["day_of_week"] = factors
    arrivals_yaml["intraday"] = [round(float(w / weights.sum()), 6) for w in weights]
    if len(new_channels) > 1 or (len(new_channels) == 1 and new_channels.index[0] != "phone"):
        arrivals_yaml["channel_mix"] = {str(k): round(float(v), 6) for k, v in new_channels.items()}
    channels_yaml: dict[str, Any] = {"phone": phone_yaml}
    result_extra: dict[str, Any] = {}
    base_mean = float(base["handle_s"].mean()) if len(base) else float("nan")
    for ch in ("chat", "email"):
        if ch in channels_seen:
            h = answered[answered["channel"] == ch]["handle_s"]
            factor = float(h.mean()) / base_mean if len(h) and base_mean > 0 else 1.0
            channels_yaml[ch] = {"handle_time_factor": round(max(factor, 1e-3), 4)}
            extra = ""
            rows = frame[frame["channel"] == ch]
            if ch == "chat" and (rows["outcome"] == "abandoned").any():
                chat = fit_censored(
                    rows["wait_s"].to_numpy(), (rows["outcome"] == "abandoned").to_numpy()
                )
                channels_yaml[ch]["patience"] = chat.spec
                result_extra["chat_patience"] = chat.to_json()
                extra = f", patience {chat.kind} mean {chat.mean_s:.0f} s (censored fit)"
            notes.append(
                f"{ch}: handle time {factor:.2f} x the phone's{extra}; other {ch} settings are "
                "the format's defaults"
            )
    scenario: dict[str, Any] = {
        "name": name,
        "description": f"Fitted by ccsim fit from {Path(records.source).name} ({len(frame)} "
        "contacts, "
        f"{first} .. {dates[-1].date()})",
        "seed": 1,
        "replications": 5,
        "horizon": {
            "start": first.isoformat(),
            "days": days,
            "warmup_minutes": 0,
            "interval_minutes": interval_minutes,
        },
    }
    if opening:
        scenario["calendar"] = {"opening_hours": opening}
    scenario.update(
        {
            "arrivals": arrivals_yaml,
            "reasons": reasons_yaml,
            "channels": channels_yaml,
            "agents": {"table": agents_csv},
        }
    )
    arrivals_json = {
        "per_hour_mean": _r(per_hour_mean),
        "new_issues": len(new),
        "per_day": _r(per_day),
        "day_of_week": factors,
        "opening_hours": opening or {"mon-sun": "00:00-24:00"},
        "intraday": arrivals_yaml["intraday"],
        "channel_mix": {str(k): _r(float(v)) for k, v in new_channels.items()},
        "per_date": {str(d.date()): int(v) for d, v in per_date.items()},
        "outliers": [str(dates[i].date()) for i in np.flatnonzero(outlier)],
        "first_date": first.isoformat(),
        "days": days,
    }
    daily = pd.DataFrame(
        {
            "date": dates,
            "weekday": [DAYS[w] for w in weekday],
            "new_issues": volume.astype(int),
            "contacts": contacts_per_date.to_numpy(),
            "outlier": outlier,
        }
    )
    result = FitResult(
        contacts=len(frame),
        arrivals=arrivals_json,
        reasons=reasons_json,
        patience=patience,
        redial=redial_json,
        notes=notes,
        scenario=scenario,
        agents=agents,
        dropped=dropped,
        daily=daily,
        intraday_counts=counts,
        handle_fits=handle_fits,
        waits=waits,
        handle_data=handle_data,
        source=records.source,
    )
    result.extra["agents"] = {
        "table": agents_csv,
        "max": int(on_duty.max()) if len(on_duty) else 0,
        "lower_bound": True,
    }
    result.extra["window_days"] = window_days
    result.extra.update(result_extra)
    return result


def write_fit(result: FitResult, out: Path) -> Path:
    """Write the scenario YAML and its agents table; load it back (it must validate).

    Returns the agents CSV path. A scenario that does not load is ccsim's bug, not the user's:
    the ScenarioError then propagates as an internal error would.
    """
    import yaml

    from simulator.scenario.loading import load_scenario

    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    table = out.parent / result.scenario["agents"]["table"]
    result.agents.to_csv(table, index=False)
    header = (
        "# Written by ccsim fit. Every number is estimated from contact records; see the notes:\n"
    )
    header += "".join(f"#  - {note}\n" for note in result.notes)
    text = yaml.safe_dump(
        result.scenario, sort_keys=False, allow_unicode=True, width=100, default_flow_style=None
    )
    out.write_text(header + text, encoding="utf-8")
    load_scenario(out)
    return table
