"""Expected demand: the mean of what the engine generates, per channel, reason and interval.

``ccsim staff`` (and the shift scheduler after it) plan for the demand of each interval of the
whole horizon. This module computes its expectation from the same pieces the engine runs on, so
that there is one demand model, not two:

- new issues: the everyday rate of ``timeline.arrival_steps`` (day of week, per-date volume,
  intraday profile, confined to the hours arrivals follow), split by reason share;
- drivers: an invoice run's landings, each day's share from the response delay and the time of
  day from that day's everyday profile (as ``drivers.invoice_arrivals``); an incident's extra
  rate; a proactive driver's calls (agent work, ``lead_time`` before the customer's moment) and
  the contacts its calls prevent (calls are assumed made in time);
- self-service deflects its share before the first contact; the first contact's channel follows
  ``arrivals.channel_mix``;
- a contact that finds its channel closed is refused and retried after the next opening
  (``calendar.closed_retry``), less those who give up;
- repeats: an answered contact that does not resolve its issue comes back with the repeat
  probability, ``handle time + repeat.delay`` after its arrival (the queue wait is left out), on
  the repeat's channel, while fewer than ``repeat.max_contacts`` contacts were made. A moment
  in closed time moves into the next open period, spread by the arrival profile there
  (``repeat.timing: profile``, as ``timeline.OpenPeriodMoments``), or is refused and retried
  (``exact``). What falls after the horizon is not simulated and not counted.

Everything is computed minute by minute (opening hours are whole minutes) and summed per
reporting interval. The answered share of each interval (abandonment cuts journeys short) is an
input: the staffing that causes it is what the caller is computing. Redials are left to the
caller too (they come minutes after the abandonment, in the same interval as a rule).

Third-party jobs (``_Jobs``): a transfer or a callback taken up on time reaches the customer
after the party's work time (an agent's outbound call when agents make the callbacks); one that
does not resolve, and a missed callback (at its deadline plus the grace), bring the customer back
like a repeat. The party's hours and queue, and a late job's own callback, are left out. numpy
and scipy only: no numba, no SimPy.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, time

import numpy as np

from simulator.engine import timeline
from simulator.engine.calendar import Calendar
from simulator.scenario.distributions import Distribution
from simulator.scenario.models import (
    CHANNELS,
    Horizon,
    Incident,
    InvoiceRun,
    Reason,
    Scenario,
    ThirdPartyUse,
)
from simulator.units import MINUTES_PER_DAY

PHONE, CHAT, EMAIL = range(3)
_TINY = 1e-12
"""A generation of repeats with fewer expected contacts than this ends the series."""
_SUBSTEPS = 8
"""Points within a minute that average where a delay from an arrival in that minute lands."""


def below(dist: Distribution, t: np.ndarray) -> np.ndarray:
    """P(D < t) of a delay distribution (left limit), elementwise.

    The left limit puts a fixed delay of one hour after opening in the minute that starts then, as
    in the engine.
    """
    from scipy import stats  # only the staffing study needs it

    t = np.asarray(t, dtype=np.float64)
    p = dist.params
    if dist.kind == "exponential":
        return stats.expon.cdf(t, scale=p["mean"])
    if dist.kind in ("lognormal", "gamma"):
        cv2 = float(p["cv"]) ** 2
        if dist.kind == "gamma":
            return stats.gamma.cdf(t, 1.0 / cv2, scale=float(p["mean"]) * cv2)
        s2 = math.log1p(cv2)
        return stats.lognorm.cdf(t, math.sqrt(s2), scale=float(p["mean"]) * math.exp(-s2 / 2))
    if dist.kind == "erlang":
        return stats.gamma.cdf(t, p["k"], scale=float(p["mean"]) / float(p["k"]))
    if dist.kind == "uniform":
        lo, hi = float(p["min"]), float(p["max"])
        return np.clip((t - lo) / (hi - lo), 0.0, 1.0) if hi > lo else (t > lo).astype(float)
    values = np.sort(np.atleast_1d(p["value"] if dist.kind == "deterministic" else p["values"]))
    return np.searchsorted(values, t, side="left") / len(values)


def interval_means(starts: np.ndarray, values: np.ndarray, horizon: Horizon) -> np.ndarray:
    """Time average over each reporting interval of a piecewise-constant function of time."""
    edges = np.arange(round(horizon.horizon_s / horizon.interval_s) + 1) * horizon.interval_s
    starts = np.asarray(starts, dtype=np.float64)
    values = np.asarray(values, dtype=np.float64)
    cumulative = np.concatenate(([0.0], np.cumsum(values[:-1] * np.diff(starts))))
    step = np.clip(np.searchsorted(starts, edges, side="right") - 1, 0, None)
    integral = cumulative[step] + values[step] * (edges - starts[step])
    return np.diff(integral) / horizon.interval_s


def open_minute_mask(calendar: Calendar | None, minutes: int) -> np.ndarray:
    """Whether ``calendar`` is open in each minute from time 0 (None: always open).

    Opening hours are whole minutes and holidays whole days, so a minute is open or closed
    throughout.
    """
    if calendar is None or calendar.always_open:
        return np.ones(minutes, dtype=bool)
    from simulator.scenario.hours import WEEK_S

    m = np.arange(minutes)
    windows = np.asarray(calendar.hours.windows)
    week_s = (m * 60.0 + calendar.week_offset_s) % WEEK_S
    k = np.searchsorted(windows[:, 0], week_s, side="right") - 1
    in_window = (k >= 0) & (week_s < windows[np.maximum(k, 0), 1])
    return in_window & ~np.isin(m // MINUTES_PER_DAY, sorted(calendar.holidays))


def through_closed(
    volume: np.ndarray, is_open: np.ndarray, retry_p: float, landing: np.ndarray
) -> np.ndarray:
    """Per minute: the contacts that reach an open channel, closed-time ones retried.

    A customer who finds the channel closed tries again ``landing`` minutes after the next
    opening (the minute distribution of ``closed_retry.delay``) with probability ``retry_p``, and
    is refused again if it has closed by then; a retry after the horizon is lost.
    """
    n = len(volume)
    reached = np.where(is_open, volume, 0.0)
    if is_open.all():
        return reached
    openings = np.flatnonzero(is_open & ~np.concatenate(([True], is_open[:-1])))
    next_opening = np.searchsorted(openings, np.arange(n))  # len(openings): none left
    pending = np.bincount(next_opening, np.where(is_open, 0.0, volume), len(openings) + 1)
    for k, start in enumerate(openings):
        if pending[k] <= 0:
            continue
        retries = pending[k] * retry_p * landing[: n - start]
        now_open = is_open[start:]
        reached[start:] += np.where(now_open, retries, 0.0)
        refused = np.where(now_open, 0.0, retries)
        pending += np.bincount(next_opening[start:], refused, len(openings) + 1)
    return reached


def into_open_periods(volume: np.ndarray, is_open: np.ndarray, intensity: np.ndarray) -> np.ndarray:
    """Per minute: closed-time moments moved into the next open period (``repeat.timing: profile``).

    Within that period they follow the arrival ``intensity`` (uniform when it has none), as
    ``timeline.OpenPeriodMoments`` places them; moments with no opening left in the horizon are
    lost.
    """
    out = np.where(is_open, volume, 0.0)
    if is_open.all():
        return out
    n = len(volume)
    edge = np.diff(np.concatenate(([0], is_open.astype(np.int8), [0])))
    starts, ends = np.flatnonzero(edge == 1), np.flatnonzero(edge == -1)
    pending = np.bincount(
        np.searchsorted(starts, np.arange(n)), np.where(is_open, 0.0, volume), len(starts) + 1
    )
    for k, (s, e) in enumerate(zip(starts, ends, strict=True)):
        if pending[k] <= 0:
            continue
        w = intensity[s:e]
        total = w.sum()
        out[s:e] += pending[k] * (w / total if total > 0 else 1.0 / (e - s))
    return out


def _convolve(x: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    """``x`` spread forward by ``kernel`` (minute lags), cut at the horizon (FFT)."""
    n = len(x)
    if not x.any():
        return np.zeros(n)
    k = kernel[:n]
    size = 1 << (n + len(k) - 1).bit_length()
    out = np.fft.irfft(np.fft.rfft(x, size) * np.fft.rfft(k, size), size)[:n]
    return np.maximum(out, 0.0)


def lag_kernel(dist: Distribution | None, shift_s: float, minutes: int) -> np.ndarray:
    """P(a moment ``shift_s`` + D after an arrival in minute 0 falls in minute j), j < minutes.

    The arrival is spread evenly over its minute (averaged over ``_SUBSTEPS`` points).
    """
    edges = np.arange(minutes + 1) * 60.0
    u = (np.arange(_SUBSTEPS) + 0.5) / _SUBSTEPS * 60.0
    t = edges[:, None] - u[None, :] - shift_s
    cdf = (t > 0).astype(float) if dist is None else below(dist, t) * (t > -1e-9)
    return np.diff(cdf.mean(axis=1))


@dataclass(frozen=True)
class Demand:
    """Expected demand of one scenario per reporting interval of the horizon."""

    horizon: Horizon
    contacts: np.ndarray
    """(channel, reason, interval): expected customer contacts that reach a queue or backlog
    (first contacts and repeats; redials not), in the interval they arrive."""
    handle_s: np.ndarray
    """(channel, reason): mean handle time of a contact, talk (x self-service failure factor
    and channel factor) + consult hold + wrap-up."""
    outbound: np.ndarray
    """(reason, interval): expected proactive calls made (agent work on the phone)."""
    outbound_handle_s: np.ndarray
    """(reason,): mean handle time of a proactive call."""
    callbacks: np.ndarray
    """(reason, interval): expected callbacks agents make for a third party (agent work on the
    phone, at the first opening when the party finishes at night)."""
    callback_handle_s: np.ndarray
    """(reason,): mean handle time of such a callback."""
    escalations: np.ndarray
    """(reason, interval): expected escalated calls (spec D4) reaching the queue of the group
    ``reasons[].escalation.to``, after the first leg's handle time (its wait left out)."""
    escalation_handle_s: np.ndarray
    """(reason,): mean handle time of the second leg."""
    new_issues: np.ndarray
    """(interval,): expected new issues (everyday and drivers, before deflection)."""
    open_share: np.ndarray
    """(channel, interval): share of the interval the channel takes contacts (e-mail: its
    business hours, in which the service level counts)."""

    @property
    def channels(self) -> list[str]:
        """The channel names, in index order."""
        return list(CHANNELS)


def clocks(scenario: Scenario) -> list[Calendar | None]:
    """Per channel the calendar of its hours (None: always open); e-mail's business hours."""
    phone, chat, _ = timeline.channel_clocks(scenario)
    email = scenario.channels.email
    hours = (email.opening_hours if email else None) or scenario.calendar.opening_hours
    business = timeline.clock(scenario, hours or {})
    return [phone, chat, None if business.always_open else business]


def new_issue_minutes(scenario: Scenario) -> tuple[np.ndarray, np.ndarray]:
    """Expected new issues per minute: (reason, minute) and the everyday total per minute.

    The everyday rate is split by reason share; drivers add their reason's issues.
    """
    h = scenario.horizon
    n = h.days * MINUTES_PER_DAY
    per_interval = interval_means(*timeline.arrival_steps(scenario), h) * 60.0
    everyday = np.repeat(per_interval, h.interval_minutes)
    out = np.outer([r.share for r in scenario.reasons], everyday)
    for driver in scenario.drivers:
        if isinstance(driver, InvoiceRun):
            out[scenario.reason_index(driver.reason)] += _invoice_minutes(
                driver, scenario, everyday
            )
        elif isinstance(driver, Incident):
            start = (driver.start - h.origin).total_seconds() / 60.0
            end = start + driver.duration_h * 60.0
            m = np.arange(n, dtype=np.float64)
            overlap = np.clip(np.minimum(m + 1, end) - np.maximum(m, start), 0.0, 1.0)
            out[scenario.reason_index(driver.reason)] += driver.extra_per_hour / 60.0 * overlap
    return out, everyday


def _invoice_minutes(driver: InvoiceRun, scenario: Scenario, everyday: np.ndarray) -> np.ndarray:
    """An invoice run's expected contacts per minute (see ``drivers.invoice_arrivals``).

    The response delay decides the day; the day's everyday profile the time of day (a day
    without everyday arrivals keeps the delay's own times).
    """
    h = scenario.horizon
    n = len(everyday)
    origin = h.origin
    per_landing = driver.recipients / driver.dispatch.spread_days * driver.contact_rate
    out = np.zeros(n)
    edges = np.arange(n + 1) * 60.0
    for d in driver.dispatch.landing_days(origin.date(), h.days):
        landing = (datetime.combine(d, time()) - origin).total_seconds()
        cdf = below(driver.response_delay, edges - landing) * (edges >= landing)
        minutes = per_landing * np.diff(cdf)
        for day, share in enumerate(minutes.reshape(h.days, MINUTES_PER_DAY)):
            total = share.sum()
            if total <= 0:
                continue
            profile = everyday[day * MINUTES_PER_DAY : (day + 1) * MINUTES_PER_DAY]
            weight = profile.sum()
            part = profile / weight * total if weight > 0 else share
            out[day * MINUTES_PER_DAY : (day + 1) * MINUTES_PER_DAY] += part
    return out


def reason_work(reason: Reason) -> tuple[float, float, float]:
    """``(reach, talk, hold)`` of a reason, as the engine draws them.

    The share of its issues that self-service leaves to contact us, their mean talk time (longer
    after a failed self-service) and the mean consult hold per contact.
    """
    reach, talk = 1.0, reason.handle_time.mean
    if (ss := reason.self_service) is not None:
        reach = 1.0 - ss.offered * ss.success
        failed = ss.offered * (1.0 - ss.success) / reach if reach > 0 else 0.0
        talk *= 1.0 + failed * (ss.failure_handle_factor - 1.0)
    hold = 0.0
    if (tp := reason.third_party) is not None:
        hold = tp.probability * tp.mode.consult * tp.consult_hold_s
    return reach, talk, hold


def handle_times(scenario: Scenario) -> np.ndarray:
    """(channel, reason): mean handle time of a contact as the engine draws it."""
    ch = scenario.channels
    factors = [1.0, ch.chat.handle_time_factor if ch.chat else 1.0]
    factors.append(ch.email.handle_time_factor if ch.email else 1.0)
    out = np.zeros((3, len(scenario.reasons)))
    for i, r in enumerate(scenario.reasons):
        _, talk, hold = reason_work(r)
        for c in range(3):
            out[c, i] = talk * factors[c] + hold + r.wrap_up_s
    return out


def expected_demand(
    scenario: Scenario, answered: np.ndarray | None = None, repeats: bool = True
) -> Demand:
    """The expected demand of ``scenario`` per interval (see the module docstring).

    ``answered`` (channel, interval) is the share of customer contacts answered in each
    interval (default 1: nobody gives up); only answered contacts can repeat. ``repeats=False``
    gives first contacts only (``ccsim staff --demand issues``).
    """
    h = scenario.horizon
    n = h.days * MINUTES_PER_DAY
    per = h.interval_minutes
    reasons = scenario.reasons
    n_reasons = len(reasons)
    issues, everyday = new_issue_minutes(scenario)
    cals = clocks(scenario)
    masks = [open_minute_mask(c, n) for c in cals]
    masks[EMAIL] = np.ones(n, dtype=bool)  # e-mail is received at any hour
    retry = scenario.calendar.closed_retry
    landing = np.diff(below(retry.delay, np.arange(n + 1) * 60.0))
    handle = handle_times(scenario)
    if answered is None:
        answered = np.ones((3, n // per))
    answered_min = np.repeat(np.asarray(answered, dtype=np.float64), per, axis=1)

    # proactive drivers: the contacts their calls prevent, and the calls
    outbound = np.zeros((n_reasons, n))
    outbound_handle = np.zeros(n_reasons)
    prevented = np.zeros(n_reasons)
    for d in scenario.drivers:
        if d.kind != "proactive_outbound":
            continue
        r = scenario.reason_index(d.reason)
        prevented[r] = d.coverage * d.prevents
        # a call is queued lead_time before the moment (not before the start; none with a
        # lead time of 0); a call learned while the line is closed is made after it opens
        zero = float(below(d.lead_time, np.array(1e-9)))
        backward = lag_kernel(d.lead_time, 0.0, n)
        backward[0] = max(backward[0] - zero, 0.0)
        learned = _convolve(issues[r][::-1], backward)[::-1] * d.coverage
        learned[0] += d.coverage * issues[r].sum() * (1.0 - zero) - learned.sum()
        outbound[r] = into_open_periods(learned, masks[PHONE], np.zeros(n))
        outbound_handle[r] = d.handle_time.mean

    mix = scenario.arrivals.channel_mix or {"phone": 1.0}
    contacts = np.zeros((3, n_reasons, n))
    callbacks = np.zeros((n_reasons, n))
    callback_handle = np.zeros(n_reasons)
    escalations = np.zeros((n_reasons, n))
    escalation_handle = np.zeros(n_reasons)
    openings = (masks[PHONE] & ~np.concatenate(([False], masks[PHONE][:-1]))).astype(float)
    for r, reason in enumerate(reasons):
        reach = 1.0
        if (ss := reason.self_service) is not None:
            reach = 1.0 - ss.offered * ss.success
        first = issues[r] * (1.0 - prevented[r]) * reach
        generation = np.zeros((3, n))
        for c, name in enumerate(CHANNELS):
            if mix.get(name, 0.0) > 0:
                generation[c] = through_closed(
                    first * mix[name], masks[c], retry.probability, landing
                )
        contacts[:, r] += generation
        if not repeats:
            continue
        rep = reason.repeat
        limit = rep.max_contacts or math.inf
        kernels = [lag_kernel(rep.delay, handle[c, r], n) for c in range(3)]
        leaves, jobs = 1.0, None
        if (tp := reason.third_party) is not None:
            leaves = 1.0 - tp.probability * (1.0 - tp.mode.consult)  # jobs go another way
            jobs = _Jobs(scenario, tp, handle[:, r], rep.delay, n)
        k = 1
        while True:
            fcr = reason.fcr if k == 1 else reason.later_fcr
            answered_now = generation * answered_min
            again = leaves * (1.0 - fcr) * rep.probability
            moments = np.array([_convolve(answered_now[c] * again, kernels[c]) for c in range(3)])
            if jobs is not None:
                callbacks[r] += jobs.agent_calls(answered_now)
                moments += jobs.contacts_after(answered_now, rep.probability)
            if k >= limit or not moments.any():
                break
            if rep.channel is not None:
                total = moments.sum(axis=0)
                moments = np.array([total * rep.channel.get(name, 0.0) for name in CHANNELS])
            nxt = np.zeros((3, n))
            for c in range(3):
                if not moments[c].any():
                    continue
                if masks[c].all():
                    nxt[c] = moments[c]
                elif rep.timing == "profile":
                    nxt[c] = into_open_periods(moments[c], masks[c], everyday)
                else:
                    nxt[c] = through_closed(moments[c], masks[c], retry.probability, landing)
            contacts[:, r] += nxt
            generation = nxt
            k += 1
            if generation.sum() < _TINY:
                break
        if (esc := reason.escalation) is not None:  # spec D4: a second leg for another group
            leg1 = lag_kernel(None, handle[PHONE, r], n)
            answered_calls = contacts[PHONE, r] * answered_min[PHONE]
            escalations[r] = _convolve(answered_calls * esc.probability, leg1)
            escalation_handle[r] = esc.handle_time.mean
        if jobs is not None:
            callback_handle[r] = jobs.callback_s
            # an agent makes a callback while the line is open: the night's wait until it opens
            callbacks[r] = into_open_periods(callbacks[r], masks[PHONE], openings)

    business = [masks[PHONE], masks[CHAT], open_minute_mask(cals[EMAIL], n)]
    return Demand(
        horizon=h,
        contacts=contacts.reshape(3, n_reasons, -1, per).sum(axis=3),
        handle_s=handle,
        outbound=outbound.reshape(n_reasons, -1, per).sum(axis=2),
        outbound_handle_s=outbound_handle,
        callbacks=callbacks.reshape(n_reasons, -1, per).sum(axis=2),
        callback_handle_s=callback_handle,
        escalations=escalations.reshape(n_reasons, -1, per).sum(axis=2),
        escalation_handle_s=escalation_handle,
        new_issues=issues.sum(axis=0).reshape(-1, per).sum(axis=1),
        open_share=np.array([m.reshape(-1, per).mean(axis=1) for m in business]),
    )


class _Jobs:
    """A reason's third-party jobs (transfers, promised callbacks), as expected flows.

    An answered contact hands its issue to the party with the job share; the job is worked
    ``work_time`` later (the party's hours and queue left out). A transfer, or a callback taken up
    on time, reaches the customer then (an agent's outbound call when ``callback_by: agent``):
    it resolves with ``resolves``, else the customer comes back after ``repeat.delay``. A callback
    not taken up on time is missed: the customer contacts us at the deadline plus
    ``missed_callback_grace``. (The late job's own callback, usually after the customer has
    called, is left out.) Each contact back follows the repeat decision and the channel and
    timing rules of a repeat.
    """

    def __init__(
        self,
        scenario: Scenario,
        use: ThirdPartyUse,
        handle_s: np.ndarray,
        delay: Distribution,
        minutes: int,
    ) -> None:
        party = scenario.party(use.party)
        work = party.work_time.mean
        within = party.callback_within_h * 3600.0
        self.reached = use.probability * (
            use.mode.transfer + use.mode.callback * party.on_time_probability
        )
        self.missed = use.probability * use.mode.callback * (1.0 - party.on_time_probability)
        self.agent = use.probability * use.mode.callback * party.on_time_probability
        self.agent *= party.callback_by == "agent"
        self.resolves = party.resolves
        self.callback_s = party.callback_handle_time.mean
        self._done = [lag_kernel(None, h + work, minutes) for h in handle_s]
        self._back = [lag_kernel(delay, h + work, minutes) for h in handle_s]
        self._missed = [
            lag_kernel(party.missed_callback_grace, h + within, minutes) for h in handle_s
        ]

    def agent_calls(self, answered: np.ndarray) -> np.ndarray:
        """Per minute: the callbacks agents make for these answered contacts."""
        if not self.agent:
            return np.zeros(answered.shape[1])
        return sum(_convolve(answered[c] * self.agent, self._done[c]) for c in range(3))

    def contacts_after(self, answered: np.ndarray, repeat_p: float) -> np.ndarray:
        """(channel, minute): the moments customers contact us again after their jobs."""
        back = self.reached * (1.0 - self.resolves) * repeat_p
        missed = self.missed * repeat_p
        return np.array(
            [
                _convolve(answered[c] * back, self._back[c])
                + _convolve(answered[c] * missed, self._missed[c])
                for c in range(3)
            ]
        )


def email_share_in_time(
    work_per_min: np.ndarray,
    count_per_min: np.ndarray,
    agents: float,
    working: np.ndarray,
    business_s: np.ndarray,
    within_s: float,
) -> float:
    """Share of e-mails answered within ``within_s`` business seconds, first come first served.

    A fluid model: ``agents`` work the backlog in the ``working`` minutes at one agent-second per
    second; the work done by minute m is ``C(m) + min over s <= m of (A(s) - C(s))`` (A the work
    received, C the capacity). An e-mail received in minute i is counted at the end of it (all of
    that minute's work ahead of it) and is in time when the work done by its deadline (the minute
    its business-hours wait reaches ``within_s``; ``business_s`` = business seconds from 0 to each
    minute's end) reaches it. E-mails whose deadline falls after the horizon are left out.
    """
    received = np.cumsum(work_per_min)
    capacity = np.cumsum(np.where(working, agents * 60.0, 0.0))
    done = capacity + np.minimum(0.0, np.minimum.accumulate(received - capacity))
    deadline = np.searchsorted(business_s, business_s + within_s - 1e-9, side="left")
    inside = deadline < len(work_per_min)
    ok = np.zeros(len(work_per_min), dtype=bool)
    ok[inside] = done[deadline[inside]] >= received[inside] - 1e-9 * max(received[-1], 1.0)
    base = count_per_min[inside].sum()
    return float(count_per_min[ok].sum() / base) if base > 0 else 1.0
