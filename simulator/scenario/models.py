"""Scenario files: YAML -> validated, immutable pydantic models with every time in seconds.

This is the only module that sees raw user input, so every problem a user can make becomes one
``ScenarioError`` naming the file, the field path and what is allowed (spec A2), and the rest of
ccsim can trust what it gets. Models mirror the YAML keys one to one, with two exceptions:
``Distribution`` turns unit-suffixed keys (``mean_min``) into seconds, and CSV files that a
scenario names are read at load time, so simulating needs no I/O.

The scenario models and loading live here; the shared validation machinery in ``validation``,
distributions in ``distributions``, and turning pydantic errors into ``ScenarioError``s in
``messages`` (all in this package).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Annotated, Any, Literal, NamedTuple

import numpy as np
from pydantic import (
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationInfo,
    field_validator,
    model_validator,
)

from simulator.errors import one_of
from simulator.scenario.distributions import MAX_DURATION_S, Distribution
from simulator.scenario.hours import DAYS, DAYS_PATTERN, HoursError, WeeklyHours, parse_days
from simulator.scenario.profiles import INTRADAY_PROFILES
from simulator.scenario.validation import (
    SHARE_TOLERANCE,
    DayFactors,
    HoursMapping,
    Issue,
    Model,
    cell_number,
    check_hours,
    check_shares,
    checked_number,
    csv_base_dir,
    day_factors,
    exactly_one,
    exactly_one_schema,
    raise_issues,
    read_csv,
    reject,
)
from simulator.units import DAY_S, MINUTES_PER_DAY

DEFAULT_START = date(2024, 1, 1)
"""Calendar date of time 0 when ``horizon.start`` is absent: a Monday, as the spec promises."""
MAX_DAYS = 3660
"""Longest horizon (about ten years); far beyond planning, and it bounds the per-interval arrays."""
MAX_AGENTS = 100_000
"""Most agents on duty at once: each is an object of the engine."""


# -- the scenario -----------------------------------------------------------------------------
class Horizon(Model):
    """The simulated period, and how it is cut into reporting intervals."""

    days: int = Field(default=1, ge=1, le=MAX_DAYS)
    """Simulated calendar days."""
    warmup_minutes: float = Field(default=0.0, ge=0)
    """Contacts arriving before this are simulated but not counted."""
    interval_minutes: int = Field(default=30, ge=1)
    """Reporting interval; divides a day (1440 minutes)."""
    start: date | None = None
    """Calendar date of time 0; absent means a Monday (2024-01-01)."""

    @field_validator("interval_minutes")
    @classmethod
    def _divides_day(cls, value: int) -> int:
        if MINUTES_PER_DAY % value:
            reject(
                "does not divide a day (1440 minutes)",
                allowed="a whole number of minutes that divides 1440, e.g. 10, 15, 30 or 60",
                value=value,
            )
        return value

    @model_validator(mode="after")
    def _warmup_inside(self) -> Horizon:
        if self.warmup_s >= self.horizon_s:
            reject(
                "warm-up does not end before the horizon",
                at=("warmup_minutes",),
                allowed=f"a number >= 0 and < {self.days * MINUTES_PER_DAY} (days x 1440)",
                value=self.warmup_minutes,
            )
        return self

    @property
    def horizon_s(self) -> float:
        """Length of the horizon in seconds, the engine's clock unit."""
        return self.days * DAY_S

    @property
    def warmup_s(self) -> float:
        """Warm-up in seconds: contacts arriving before it are not counted."""
        return self.warmup_minutes * 60.0

    @property
    def interval_s(self) -> float:
        """Length of a reporting interval in seconds."""
        return self.interval_minutes * 60.0

    @property
    def intervals_per_day(self) -> int:
        """Reporting intervals in a day."""
        return MINUTES_PER_DAY // self.interval_minutes

    @property
    def origin(self) -> datetime:
        """Calendar moment of simulation time 0."""
        return datetime.combine(self.start or DEFAULT_START, time())


_PER_HOUR_ALLOWED = (
    "a number > 0 (new issues per hour), or a list with one rate >= 0 per reporting interval "
    "of a day, not all 0"
)


class Arrivals(Model):
    """New customer issues: a Poisson process, constant or piecewise constant per interval."""

    model_config = ConfigDict(json_schema_extra=exactly_one_schema("per_hour", "per_day"))

    per_hour: float | list[float] | None = None
    """New issues per hour: one rate, or one per interval of a day (repeated daily)."""
    per_day: float | None = Field(default=None, gt=0)
    """New issues per day (before ``day_of_week``), spread over the day by ``intraday``."""
    day_of_week: DayFactors | None = None
    """With ``per_day``: a factor per weekday (``{mon: 1.3, sun: 0}``); unnamed days are 1."""
    intraday: Literal["flat", "typical_weekday", "typical_saturday"] | list[float] | None = None
    """With ``per_day``: a built-in profile, or one weight per interval of a day (normalised);
    absent means flat."""
    channel_mix: dict[Channel, Annotated[float, Field(ge=0, le=1)]] | None = None
    """Share of new issues whose first contact uses each channel; absent means all phone."""
    follow_opening_hours: bool = True
    """New issues arrive only while the line is open: ``per_day`` is spread over the open part
    of each day (the profile renormalised to it), a ``per_hour`` rate holds while open. False:
    they arrive round the clock, and those who find the line closed are refused and retry."""

    _check_mix = field_validator("channel_mix")(classmethod(lambda cls, v: check_shares(v)))

    _check_days = field_validator("day_of_week", mode="before")(
        classmethod(lambda cls, v: day_factors(v))
    )

    @field_validator("per_hour", mode="before")
    @classmethod
    def _check_per_hour(cls, value: Any) -> Any:
        """By hand rather than by the union type, so errors say what ``per_hour`` allows."""
        if isinstance(value, list):
            rates = [
                checked_number(v, at=(i,), allowed="a rate >= 0", positive=False)
                for i, v in enumerate(value)
            ]
            if not any(rates):
                reject("all rates are 0", allowed=_PER_HOUR_ALLOWED)
            return rates
        return (
            None
            if value is None
            else checked_number(value, allowed=_PER_HOUR_ALLOWED, positive=True)
        )

    @field_validator("intraday", mode="before")
    @classmethod
    def _some_weight(cls, weights: Any) -> Any:
        if isinstance(weights, str):
            if weights not in INTRADAY_PROFILES:
                reject(
                    "unknown intraday profile",
                    allowed=f"{one_of(INTRADAY_PROFILES)}, or a list of weights per interval",
                    value=weights,
                )
            return weights
        if isinstance(weights, list):
            values = [
                checked_number(v, at=(i,), allowed="a weight >= 0", positive=False)
                for i, v in enumerate(weights)
            ]
            if not any(values):
                reject("all weights are 0", allowed="weights >= 0, not all 0")
            return values
        return weights

    @model_validator(mode="after")
    def _one_rate(self) -> Arrivals:
        exactly_one(self, ("per_hour", "per_day"))
        for name in ("intraday", "day_of_week"):
            if getattr(self, name) is not None and self.per_day is None:
                reject(f"{name} needs per_day", at=(name,), allowed=f"{name} with per_day")
        return self


def _default_distribution(spec: dict[str, Any]) -> Any:
    """A default distribution field, written in the YAML form like a user would."""
    return Field(default_factory=lambda: Distribution.model_validate(spec))


class Repeat(Model):
    """What a customer whose issue was not resolved does next (spec B ``repeat``)."""

    probability: float = Field(default=1.0, ge=0, le=1)
    """Probability of contacting again; otherwise the customer gives up (never a success)."""
    delay: Distribution = _default_distribution({"dist": "exponential", "mean_h": 24})
    """Time from the unresolved contact (or failed callback) to the repeat contact."""
    fcr: float | None = Field(default=None, ge=0, le=1)
    """Probability that a later contact resolves the issue; absent means the reason's ``fcr``."""
    max_contacts: int | None = Field(default=None, ge=1)
    """Contacts per issue (the first included, redials not) after which the customer gives up;
    absent means no limit."""
    channel: dict[Channel, Annotated[float, Field(ge=0, le=1)]] | None = None
    """Channel of a repeat contact (shares); absent means the channel of the previous contact."""
    timing: Literal["profile", "exact"] = "profile"
    """When a repeat (or missed-callback) contact falls while its channel is closed: ``profile``
    moves it into the channel's next open period, at a moment drawn from the arrival profile
    within that period; ``exact`` keeps the moment, so the customer finds the line closed
    (``calendar.closed_retry``). E-mail is received at any hour and never moves."""

    _check_mix = field_validator("channel")(classmethod(lambda cls, v: check_shares(v)))


class SelfService(Model):
    """Customers who try self-service (app, website, IVR) before they contact us."""

    offered: float = Field(ge=0, le=1)
    """Share of new issues that try self-service first."""
    success: float = Field(ge=0, le=1)
    """Probability that self-service resolves the issue (deflected: no contact)."""
    failure_handle_factor: float = Field(default=1.0, ge=1)
    """Handle times of issues that failed in self-service are this many times longer."""


class ThirdPartyModes(Model):
    """How an agent involves the third party; the three shares sum to 1."""

    consult: float = Field(default=0.0, ge=0, le=1)
    """The agent consults a person of the third party while the customer holds (ruggespraak),
    after the talk time; see ``consult_hold_s``, ``consult_max_wait_s`` and ``consult_fallback``."""
    transfer: float = Field(default=0.0, ge=0, le=1)
    """The contact is handed over (doorverbinden): the third party works it and resolves it
    with probability ``resolves``."""
    callback: float = Field(default=1.0, ge=0, le=1)
    """The agent promises a callback by the third party within ``callback_within_h``."""

    @model_validator(mode="after")
    def _sum_to_one(self) -> ThirdPartyModes:
        total = self.consult + self.transfer + self.callback
        if abs(total - 1) > SHARE_TOLERANCE:
            reject(
                f"consult + transfer + callback = {total:.10g}",
                allowed=f"shares that sum to 1 (within {SHARE_TOLERANCE:g})",
                value=[self.consult, self.transfer, self.callback],
            )
        return self


class ThirdPartyUse(Model):
    """Contacts of a reason that need a third party (back office, store, supplier, ...)."""

    party: str = Field(min_length=1)
    """Name of an entry in ``third_parties``."""
    probability: float = Field(ge=0, le=1)
    """Share of this reason's contacts that need the third party."""
    mode: ThirdPartyModes = Field(default_factory=ThirdPartyModes)
    consult_hold_s: float = Field(default=0.0, ge=0, le=MAX_DURATION_S)
    """How long a consult takes once a person of the third party is free: the customer holds,
    the agent and that person are both busy."""
    consult_max_wait_s: float = Field(default=120.0, ge=0, le=MAX_DURATION_S)
    """How long the agent waits (the customer on hold) for a free person of the third party
    before falling back; a party that is closed at the moment of the consult falls back at once."""
    consult_fallback: Literal["callback", "transfer", "none"] = "callback"
    """What a consult that cannot be made becomes: a callback promise or a transfer (the party's
    job, as with those modes), or none (the contact ends unresolved; the repeat rule follows)."""


class Escalation(Model):
    """A live transfer of a call to a second group after the first agent's handling (spec D4)."""

    to: str = Field(min_length=1)
    """Name of the agent group whose queue takes the escalated call (``agents`` for one pool)."""
    probability: float = Field(ge=0, le=1)
    """Share of this reason's answered calls that the first agent escalates."""
    handle_time: Distribution
    """Talk time of the second leg (the second group's handling; no wrap-up added)."""
    warm: bool = False
    """``true``: the first agent stays with the caller until the second agent answers (or the
    caller gives up in the second queue); that time is added to the first leg's handle time.
    ``false``: the first agent is free once the call is put in the second queue."""
    patience: Distribution | None = None
    """Caller patience in the second queue; absent means the phone's patience (a fresh draw)."""
    fcr: float | None = Field(default=None, ge=0, le=1)
    """Probability that the second leg resolves the issue; absent means the reason's ``fcr``."""


class Overflow(Model):
    """Calls of a reason that wait long may be taken by a second group as well."""

    to: str = Field(min_length=1)
    """Name of the agent group that may take them."""
    after_s: float = Field(ge=0, le=MAX_DURATION_S)
    """A call waiting this long becomes the second group's work too (it keeps its place)."""


class UnderPressure(Model):
    """Agents rush when the center is busy: FCR and handle time follow the recent occupancy."""

    occupancy_above: float = Field(default=0.9, ge=0, le=1)
    """Applies while the occupancy of the last completed interval is above this."""
    fcr_drop: float = Field(default=0.10, ge=0, le=1)
    """Taken off the FCR of a contact that ends then (clipped at 0)."""
    handle_time_factor: float = Field(default=0.9, gt=0, le=10)
    """Times the drawn handle time of a contact answered then."""


class LongWaitPatience(Model):
    """Customers who waited long before are less patient the next time in the same issue."""

    wait_above_s: float = Field(gt=0, le=MAX_DURATION_S)
    """An earlier wait (answered or abandoned) longer than this in the issue counts."""
    factor: float = Field(gt=0, le=1)
    """Times the drawn patience of each later call or chat of that issue."""


class Reason(Model):
    """Why customers contact us; each reason has its own handling."""

    name: str = Field(min_length=1)
    share: float = Field(ge=0, le=1)
    """Fraction of everyday new issues with this reason; the shares of all reasons sum to 1.
    0 suits a reason that only a driver (an invoice run, an incident) causes."""
    handle_time: Distribution
    """Talk time of a contact."""
    wrap_up_s: float = Field(default=0.0, ge=0, le=MAX_DURATION_S)
    """After-call work, added to every handle time."""
    fcr: float = Field(default=1.0, ge=0, le=1)
    """Probability that the first answered contact resolves the issue."""
    repeat: Repeat = Field(default_factory=Repeat)
    """What unresolved customers do; used only when a contact can leave the issue unresolved."""
    self_service: SelfService | None = None
    third_party: ThirdPartyUse | None = None
    priority: int = Field(default=0, ge=-1000, le=1000)
    """Queue priority on every channel: an agent who can take both takes a waiting contact of a
    higher priority first; first come first served within one priority; no pre-emption."""
    priority_head_start_s: float = Field(default=0.0, ge=0, le=MAX_DURATION_S)
    """A waiting contact of this reason is queued as if it had arrived this many seconds earlier
    (the head start many ACDs give instead of, or next to, a priority)."""
    escalation: Escalation | None = None
    """A share of this reason's calls goes on, live, to a second group's queue (spec D4)."""
    overflow: Overflow | None = None
    """Waiting calls of this reason may be taken by a second group after a while."""
    under_pressure: UnderPressure | None = None
    """FCR and handle time of this reason when the last interval's occupancy was high."""
    patience_after_long_wait: LongWaitPatience | None = None
    """Shorter patience after an earlier long wait in the same issue."""

    @property
    def later_fcr(self) -> float:
        """Resolution probability of contacts after the first answered one."""
        return self.fcr if self.repeat.fcr is None else self.repeat.fcr


class ThirdParty(Model):
    """A party outside the center that does the actual work and calls the customer back."""

    name: str = Field(min_length=1)
    staff: int = Field(ge=1)
    """People working its queue of jobs, first come first served; agents' consults go first."""
    hours: HoursMapping | None = None
    """Weekly working hours; absent means always. A job started in hours is finished."""
    work_time: Distribution
    """Time one job takes (including the callback when the third party calls)."""
    callback_within_h: float = Field(default=24.0, gt=0, le=MAX_DURATION_S / 3600)
    """Promised to the customer: the callback comes within this many hours."""
    on_time_probability: float = Field(default=1.0, ge=0, le=1)
    """Reliability: the job is taken up at once with this probability, else only after the
    promise has expired (plus ``late_delay``); staff and hours can still make it late."""
    late_delay: Distribution = _default_distribution({"dist": "exponential", "mean_h": 24})
    """How long after the expired promise an unreliable job is taken up."""
    resolves: float = Field(default=1.0, ge=0, le=1)
    """Probability that a made callback (or a transferred contact) resolves the issue."""
    callback_by: Literal["third_party", "agent"] = "third_party"
    """Who makes the callback: the third party itself, or an agent of the center (an outbound
    call that agents take when no inbound contact waits)."""
    callback_handle_time: Distribution = _default_distribution(
        {"dist": "exponential", "mean_s": 240}
    )
    """Agent time of one outbound callback (with ``callback_by: agent``)."""
    missed_callback_grace: Distribution | None = None
    """After a broken promise (no callback by the deadline), how long the customer waits before
    contacting us again; absent means at the deadline."""

    _check_hours = field_validator("hours", mode="before")(
        classmethod(lambda cls, v: check_hours(v))
    )


class CsatModel(Model):
    """Customer satisfaction proxy on 1-10, per issue: ``base`` plus penalties, clipped."""

    base: float = Field(default=8.6, ge=1, le=10)
    per_minute_wait: float = Field(default=-0.15, le=0)
    """Per minute waited on the phone or in chat."""
    per_hour_email_wait: float = Field(default=-0.1, le=0)
    """Per hour an e-mail waited for an answer."""
    per_abandoned: float = Field(default=-0.5, le=0)
    per_repeat_contact: float = Field(default=-0.8, le=0)
    per_missed_callback: float = Field(default=-1.0, le=0)
    failed_self_service: float = Field(default=-0.3, le=0)
    unresolved: float = Field(default=-2.0, le=0)


class CesModel(Model):
    """Customer effort proxy on 1-7 (lower is better), per issue: ``base`` plus effort, clipped."""

    base: float = Field(default=1.8, ge=1, le=7)
    per_minute_wait: float = Field(default=0.05, ge=0)
    per_hour_email_wait: float = Field(default=0.05, ge=0)
    per_extra_contact: float = Field(default=0.8, ge=0)
    per_missed_callback: float = Field(default=0.7, ge=0)
    failed_self_service: float = Field(default=0.5, ge=0)
    unresolved: float = Field(default=1.5, ge=0)


class NpsModel(Model):
    """NPS proxy from the CSAT proxy: P(promoter) and P(detractor) are logistic in CSAT."""

    promoter_at: float = Field(default=8.5, ge=1, le=10)
    """CSAT at which half the customers are promoters."""
    detractor_at: float = Field(default=6.5, ge=1, le=10)
    """CSAT at which half the customers are detractors."""
    spread: float = Field(default=0.5, gt=0)
    """Width of the logistic curves, in CSAT points."""


class EsatModel(Model):
    """Employee satisfaction proxy on 0-10, per agent: ``base`` plus penalties, clipped."""

    base: float = Field(default=8.8, ge=0, le=10)
    """The score of a job without strain."""
    occupancy_above: float = Field(default=0.80, ge=0, le=1)
    """Occupancy (of the agent's group) up to this costs nothing."""
    per_occupancy_point: float = Field(default=-0.1, le=0)
    """Per percentage point of occupancy above ``occupancy_above``."""
    stretch_above_h: float = Field(default=2.0, ge=0)
    """A longest back-to-back stretch up to this many hours costs nothing."""
    per_stretch_hour: float = Field(default=-0.3, le=0)
    """Per hour of the agent's longest back-to-back stretch above ``stretch_above_h``."""
    per_overtime_point: float = Field(default=-0.1, le=0)
    """Per percentage point of the paid hours that are overtime."""
    per_repeat_share: float = Field(default=-2.0, le=0)
    """Times the share of the agent's answered contacts that are repeat or missed-callback
    contacts (customers who had to come back)."""


class Satisfaction(Model):
    """Parameters of the transparent satisfaction proxies (see README, "Satisfaction")."""

    csat: CsatModel = Field(default_factory=CsatModel)
    ces: CesModel = Field(default_factory=CesModel)
    nps: NpsModel = Field(default_factory=NpsModel)
    esat: EsatModel = Field(default_factory=EsatModel)
    """The employee-satisfaction proxy (agents, not customers)."""


class ServiceLevel(Model):
    """The target: ``target`` of offered contacts answered within ``answer_within_s``."""

    answer_within_s: float = Field(default=20.0, ge=0, le=MAX_DURATION_S)
    target: float = Field(default=0.8, gt=0, le=1)


class PhoneServiceLevel(ServiceLevel):
    """The phone's target, and which of the service-level conventions it applies to."""

    short_abandon_s: float = Field(default=5.0, ge=0, le=MAX_DURATION_S)
    """Calls abandoned within this wait are left out of ``service_level_excl_short_abandons``."""
    metric: Literal[
        "service_level", "service_level_excl_short_abandons", "service_level_answered"
    ] = "service_level"
    """The KPI that ``target`` applies to when ``ccsim staff`` staffs for it."""


class Redial(Model):
    """Customers who abandon may call again: a new attempt of the same issue."""

    probability: float = Field(ge=0, le=1)
    """Probability of a redial after an abandoned call."""
    delay: Distribution
    """Time from abandoning to redialling."""
    max_attempts: int = Field(default=3, ge=1)
    """Calls per issue, the first included, after which an abandoning customer gives up."""


class CallbackOffer(Model):
    """The center's callback offer (virtual hold).

    A caller who would wait long may leave the line, keep the place in the queue and be called
    back by an agent when it is reached.
    """

    wait_above_s: float = Field(default=60.0, ge=0, le=MAX_DURATION_S)
    """Offered when no agent is free and the center's wait estimate is at least this long: the
    caller's place in the queue times the reason's mean handle time over the agents on duty."""
    accept: float = Field(default=0.5, ge=0, le=1)
    """Probability that a caller who is offered the callback accepts it."""
    hide_when_waiting_above: int | None = Field(default=None, ge=0)
    """No offer while more than this many callers wait on the line (callers waiting for their
    callback not counted); absent: always offered."""


class Phone(Model):
    """The phone queue."""

    opening_hours: HoursMapping | None = None
    """Weekly hours of the phone line; absent means ``calendar.opening_hours`` (else 24 h)."""

    _check_hours = field_validator("opening_hours", mode="before")(
        classmethod(lambda cls, v: check_hours(v))
    )

    patience: Distribution | None = None
    """Time a caller waits before abandoning; absent means nobody abandons (Erlang C)."""
    service_level: PhoneServiceLevel = Field(default_factory=PhoneServiceLevel)
    redial: Redial | None = None
    callback_offer: CallbackOffer | None = None
    """The center's callback offer; absent: callers wait on the line (or abandon)."""


class ClosedRetry(Model):
    """Customers who find the line closed: they try again after it opens, or give up."""

    probability: float = Field(default=0.8, ge=0, le=1)
    delay: Distribution = _default_distribution({"dist": "exponential", "mean_min": 60})
    """Time after opening at which a customer who found the line closed tries again."""


class CalendarSettings(Model):
    """Opening hours and holidays (closed all day, every channel and third party)."""

    opening_hours: HoursMapping | None = None
    """Default weekly hours of every channel; absent means open 24 h."""
    holidays: list[date] = Field(default_factory=list)
    closed_retry: ClosedRetry = Field(default_factory=ClosedRetry)

    _check_hours = field_validator("opening_hours", mode="before")(
        classmethod(lambda cls, v: check_hours(v))
    )


class InvoiceDispatch(Model):
    """When invoices land: a day of every month, or given dates; each spread over days."""

    day_of_month: int | None = Field(default=None, ge=1, le=28)
    dates: list[date] | None = Field(default=None, min_length=1)
    spread_days: int = Field(default=1, ge=1, le=28)
    """Recipients are split evenly over this many consecutive days (the "spread" lever)."""

    @model_validator(mode="after")
    def _one_way(self) -> InvoiceDispatch:
        exactly_one(self, ("day_of_month", "dates"))
        return self

    def landing_days(self, start: date, days: int) -> list[date]:
        """Dates that invoices land, from a month before ``start`` to the end of the horizon.

        The month before ``start`` counts because its contacts spill over into the horizon.
        """
        if self.dates is not None:
            firsts = list(self.dates)
        else:
            firsts = []
            year, month = start.year, start.month - 1
            end = start + timedelta(days=days)
            while True:
                if month == 0:
                    year, month = year - 1, 12
                first = date(year, month, self.day_of_month)
                if first >= end:
                    break
                firsts.append(first)
                year, month = (year, month + 1) if month < 12 else (year + 1, 1)
        return [f + timedelta(days=k) for f in firsts for k in range(self.spread_days)]


class InvoiceRun(Model):
    """A mailing that makes a share of its recipients contact us over the following days."""

    kind: Literal["invoice_run"]
    reason: str
    """The reason of the issues it causes (must be a reason of the scenario)."""
    recipients: int = Field(ge=1)
    dispatch: InvoiceDispatch
    contact_rate: float = Field(ge=0, le=1)
    """Share of recipients who contact us (a clearer invoice lowers it)."""
    response_delay: Distribution
    """Time from landing (00:00 of the landing day) to the contact; it decides the day, the
    time of day follows the arrival profile of that day."""


class Incident(Model):
    """An outage or other event that adds issues of one reason for a while."""

    kind: Literal["incident"]
    reason: str
    start: datetime
    duration_h: float = Field(gt=0, le=MAX_DURATION_S / 3600)
    extra_per_hour: float = Field(gt=0)

    @field_validator("start")
    @classmethod
    def _local_time(cls, start: datetime) -> datetime:
        """The run's clock is local time without a zone, like every other date in a scenario."""
        if start.tzinfo is not None:
            reject(
                "has a time zone",
                allowed="an ISO date-time without time zone, such as 2026-01-05T08:00",
                value=start.isoformat(),
            )
        return start


class ProactiveOutbound(Model):
    """Phase 4: the center calls a share of the customers with this reason before they call."""

    kind: Literal["proactive_outbound"]
    reason: str
    coverage: float = Field(ge=0, le=1)
    """Share of the reason's new issues that the center calls first."""
    prevents: float = Field(ge=0, le=1)
    """Probability that a call made in time makes the customer's own contact unnecessary."""
    handle_time: Distribution
    """Agent time of one outbound call."""
    lead_time: Distribution = _default_distribution({"dist": "exponential", "mean_h": 4})
    """How long before the customer would contact us the center learns of the issue and queues
    the call; a call not started by then is cancelled and the customer contacts us as usual."""


Driver = Annotated[InvoiceRun | Incident | ProactiveOutbound, Field(discriminator="kind")]


class Chat(Model):
    """The chat queue: like the phone, but an agent handles up to ``concurrency`` chats at once."""

    patience: Distribution | None = None
    concurrency: int = Field(default=1, ge=1, le=10)
    """Chats one agent handles at the same time (each takes 1/concurrency of the agent)."""
    handle_time_factor: float = Field(default=1.0, gt=0)
    """A chat lasts this many times the reason's handle time (chats run slower than calls)."""
    concurrency_slowdown: float = Field(default=0.0, ge=0, le=10)
    """An agent holding k chats works each at 1 / (1 + s (k - 1)) of one chat's speed (0: free)."""
    service_level: ServiceLevel = Field(default_factory=lambda: ServiceLevel(answer_within_s=60))
    opening_hours: HoursMapping | None = None
    """Weekly hours of the chat; absent means ``calendar.opening_hours`` (else 24 h)."""

    _check_hours = field_validator("opening_hours", mode="before")(
        classmethod(lambda cls, v: check_hours(v))
    )


class EmailServiceLevel(Model):
    """``target`` of e-mails answered within ``answer_within_h`` hours."""

    answer_within_h: float = Field(default=24.0, gt=0, le=MAX_DURATION_S / 3600)
    target: float = Field(default=0.9, gt=0, le=1)


class Email(Model):
    """E-mail: a deferred backlog, worked first come first served when agents take it.

    It is received at any hour and nobody abandons it.
    """

    handle_time_factor: float = Field(default=1.0, gt=0)
    service_level: EmailServiceLevel = Field(default_factory=EmailServiceLevel)
    opening_hours: HoursMapping | None = None
    """Weekly hours in which an e-mail's wait counts towards ``service_level`` (e-mails still
    arrive at any hour); absent means ``calendar.opening_hours`` (else 24 h)."""

    _check_hours = field_validator("opening_hours", mode="before")(
        classmethod(lambda cls, v: check_hours(v))
    )


CHANNELS = ("phone", "chat", "email")
Channel = Literal["phone", "chat", "email"]


class Channels(Model):
    """Contact channels: the phone always; chat and e-mail when configured."""

    phone: Phone = Field(default_factory=Phone)
    chat: Chat | None = None
    email: Email | None = None

    @property
    def names(self) -> list[str]:
        """The channels this scenario has, in the default priority order."""
        return [c for c in CHANNELS if c == "phone" or getattr(self, c) is not None]


_HHMM = re.compile(r"(\d{1,2}):(\d{2})")
_START_ALLOWED = "HH:MM (a daily pattern) or an ISO date-time such as 2026-01-05T08:00"
_SHIFT_DAYS_ALLOWED = (
    'weekdays mon..sun: one day ("sat"), a range ("mon-fri"), or a list of both ("mon,wed,fri-sun")'
)


def _clock(value: Any, name: str) -> float:  # noqa: RET503 (reject never returns)
    """Seconds after midnight of ``HH:MM`` (up to 24:00)."""
    match = _HHMM.fullmatch(str(value)) if isinstance(value, str) else None
    if match and int(match[2]) < 60 and (int(match[1]), int(match[2])) <= (24, 0):
        return int(match[1]) * 3600.0 + int(match[2]) * 60.0
    reject("not a time of day", at=(name,), allowed="HH:MM between 00:00 and 24:00", value=value)


class Breaks(Model):
    """Breaks in the simulation: one after every ``every_h`` hours of a duty stretch, staggered.

    The agents of a duty stretch (a shift's day, or the agents of a headcount, per_interval or
    table who start and end together within a day) start break k spread evenly over
    ``stagger_minutes`` centred on k x ``every_h`` after the stretch starts; a break is placed
    only when the last agent's ends before the stretch does (``steps.break_windows``).
    """

    every_h: float = Field(ge=0.25, le=24)
    """A break after every this many hours of duty (at least a quarter of an hour)."""
    minutes: float = Field(ge=0, le=24 * 60)
    """Length of each break (0: no breaks, e.g. to switch them off for one shift)."""
    stagger_minutes: float = Field(default=60.0, ge=0, le=24 * 60)
    """The agents of a stretch start a break spread evenly over this window around its
    nominal time, so that not all break at once."""


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class Shift(Model):
    """A block of agents on given weekdays; an ``end`` before ``start`` runs past midnight."""

    days: str = Field(
        default="mon-sun", json_schema_extra={"pattern": f"{DAYS_PATTERN}|^{_ISO_DATE.pattern}$"}
    )
    """Weekdays (``mon-fri``, repeated every week), or one date (``2026-02-11``: that day only)."""
    start: str
    end: str
    agents: int = Field(ge=0, le=MAX_AGENTS)
    breaks: Breaks | None = None
    """This shift's breaks, instead of ``agents.breaks``."""

    @model_validator(mode="after")
    def _check(self) -> Shift:
        try:
            self.on_date  # noqa: B018 (a date is checked here)
            if not _ISO_DATE.fullmatch(self.days):
                parse_days(self.days)
        except (HoursError, ValueError) as exc:
            reject(
                str(exc),
                at=("days",),
                allowed=f"{_SHIFT_DAYS_ALLOWED}, or one date (2026-02-11)",
                value=self.days,
            )
        if _clock(self.start, "start") == _clock(self.end, "end"):
            reject("the shift has no length", at=("end",), allowed="an end != start")
        return self

    @property
    def window_s(self) -> tuple[float, float]:
        """``[start, end)`` in seconds after midnight of a working day; past 86400 overnight."""
        start, end = _clock(self.start, "start"), _clock(self.end, "end")
        return start, end + DAY_S if end <= start else end

    @property
    def weekdays(self) -> frozenset[int]:
        """The weekdays it works, 0 = Monday (a dated shift: its date's)."""
        day = self.on_date
        return frozenset(parse_days(self.days)) if day is None else frozenset({day.weekday()})

    @property
    def on_date(self) -> date | None:
        """The one date it works, when ``days`` is a date (else None: every week)."""
        return date.fromisoformat(self.days) if _ISO_DATE.fullmatch(self.days) else None


class Overtime(Model):
    """When a shift ends with a long queue, some agents stay on (overtime), within limits."""

    queue_above: int = Field(default=0, ge=0)
    """Overtime starts when more than this many contacts wait as the staffing falls."""
    max_agents: int = Field(ge=1)
    """At most this many of the agents going off duty stay."""
    max_minutes: float = Field(gt=0, le=MAX_DURATION_S / 60)
    """They stay at most this long, and take a contact only if it ends within that time."""


_STARTS = re.compile(r"(\d{1,2}:\d{2})(?:-(\d{1,2}:\d{2})/(\d+))?")
_STARTS_ALLOWED = 'HH:MM ("07:30"), or a range every so many minutes ("07:00-10:00/30")'


class ShiftType(Model):
    """Shifts ``ccsim schedule`` may plan: every allowed start x every allowed length."""

    name: str | None = None
    """A label for messages; absent means its position (``shift_types[0]``)."""
    groups: list[str] | None = Field(default=None, min_length=1)
    """The agent groups it may staff; absent means every group (a single pool is ``agents``)."""
    days: str = Field(default="mon-sun", json_schema_extra={"pattern": DAYS_PATTERN})
    """Weekdays it may be worked, every week of the horizon (not on holidays)."""
    dates: list[date] | None = Field(default=None, min_length=1)
    """Instead of ``days``: only these dates, each with its own number of agents."""
    per: Literal["weekday", "days"] = "weekday"
    """``weekday``: each weekday of ``days`` its own number of agents (the same every week);
    ``days``: one number for all of them."""
    starts: list[str] = Field(min_length=1)
    """Allowed start times: HH:MM, or a range ``07:00-10:00/30`` (every 30 minutes, both ends
    included)."""
    lengths_h: list[Annotated[float, Field(gt=0, lt=24)]] = Field(min_length=1)
    """Allowed lengths in hours, paid breaks included (whole minutes)."""
    breaks: Breaks | None = None
    """Paid breaks of these shifts as the engine places them; absent means ``agents.breaks``."""
    min_agents: int = Field(default=0, ge=0, le=MAX_AGENTS)
    """A shift of this type that is planned has at least this many agents (0 or at least it)."""
    max_agents: int | None = Field(default=None, ge=0, le=MAX_AGENTS)
    """At most this many agents per shift (per start, length and day); absent means no cap."""
    part_time: bool = False
    """Counts as part-time for ``schedule.max_part_time_share``."""

    @model_validator(mode="after")
    def _check(self) -> ShiftType:
        try:
            parse_days(self.days)
        except HoursError as exc:
            reject(str(exc), at=("days",), allowed=_SHIFT_DAYS_ALLOWED, value=self.days)
        for i, start in enumerate(self.starts):
            match = _STARTS.fullmatch(start.strip())
            if not match or (match[2] and not int(match[3])):
                reject("not a start time", at=("starts", i), allowed=_STARTS_ALLOWED, value=start)
            first = _clock(match[1], "starts")
            if first >= DAY_S or (match[2] and _clock(match[2], "starts") < first):
                reject(
                    "not a start within the day",
                    at=("starts", i),
                    allowed=f"{_STARTS_ALLOWED}, before 24:00, a range not backwards",
                    value=start,
                )
        for i, length in enumerate(self.lengths_h):
            if abs(length * 60 - round(length * 60)) > 1e-9:
                reject(
                    "not whole minutes", at=("lengths_h", i), allowed="e.g. 8 or 8.5", value=length
                )
        if self.max_agents is not None and self.max_agents < self.min_agents:
            reject(
                "below min_agents",
                at=("max_agents",),
                allowed=f"a whole number >= min_agents ({self.min_agents})",
                value=self.max_agents,
            )
        return self

    @property
    def start_seconds(self) -> list[float]:
        """Every allowed start in seconds after midnight, sorted, each once."""
        out: set[float] = set()
        for start in self.starts:
            match = _STARTS.fullmatch(start.strip())
            first = _clock(match[1], "starts")
            last = _clock(match[2], "starts") if match[2] else first
            step = int(match[3]) * 60 if match[2] else DAY_S
            t = first
            while t <= last and t < DAY_S:
                out.add(t)
                t += step
        return sorted(out)


class Schedule(Model):
    """The shifts ``ccsim schedule`` may plan (spec D8); nothing a run simulates."""

    shift_types: list[ShiftType] = Field(min_length=1)
    max_part_time_share: float = Field(default=1.0, ge=0, le=1)
    """Part-time shifts are at most this share of a group's planned shifts (agent-days)."""


_STAFFING = ("headcount", "per_interval", "table", "shifts")


class Staffing(Model):
    """Who is on duty when: one of headcount, per_interval, table or shifts."""

    model_config = ConfigDict(json_schema_extra=exactly_one_schema(*_STAFFING))

    headcount: int | None = Field(default=None, ge=0, le=MAX_AGENTS)
    """A constant number of agents, always on duty."""
    per_interval: list[Annotated[int, Field(ge=0, le=MAX_AGENTS)]] | None = None
    """Agents on duty per interval of a day, repeated daily."""
    table: str | None = Field(default=None, min_length=1)
    """CSV file (relative to the scenario file) with columns start (HH:MM, a daily pattern, or
    ISO date-time) and agents: the agents on duty from that start on."""
    shifts: list[Shift] | None = Field(default=None, min_length=1)
    """Shifts by weekday; agents on duty = the sum of the shifts running (none on holidays)."""

    # Rows of ``table``: (second of the day, agents) or (datetime, agents); sorted.
    _rows: tuple[tuple[int | datetime, int], ...] = PrivateAttr(default=())

    _sources: tuple[str, ...] = _STAFFING

    @model_validator(mode="after")
    def _one_source(self, info: ValidationInfo) -> Staffing:
        exactly_one(self, self._sources)
        if self.table is not None:
            self._rows = _read_staffing(self.table, csv_base_dir(info))
        return self

    @property
    def table_rows(self) -> tuple[tuple[int | datetime, int], ...]:
        """Rows of ``table``, read at load time: (second of the day or datetime, agents)."""
        return self._rows


class ReasonProficiency(Model):
    """A group's proficiency for one reason; an absent key is the group's own."""

    handle_time_factor: float | None = Field(default=None, gt=0, le=10)
    """Handle times of this reason are multiplied by this; absent means the group's factor."""
    fcr_plus: float | None = Field(default=None, ge=-1, le=1)
    """Added to this reason's FCR; absent means the group's ``fcr_plus``."""


class Proficiency(Model):
    """How a group's agents differ from the reasons' numbers (spec D10).

    A contact they answer takes its drawn handle time (wrap-up included, consult hold not) times
    ``handle_time_factor`` and resolves with the reason's FCR plus ``fcr_plus`` (clipped to 0..1).
    """

    handle_time_factor: float = Field(default=1.0, gt=0, le=10)
    """Multiplies the drawn handle time (talk and wrap-up) of every contact they answer."""
    fcr_plus: float = Field(default=0.0, ge=-1, le=1)
    """Added to the reason's FCR (first and later contacts) of the contacts they answer."""
    by_reason: dict[str, ReasonProficiency] | None = None
    """Per reason name, a factor or shift of its own instead of the group's."""


class Learning(Model):
    """New agents (``hires``) start slower and resolve less, closing the gap as they work.

    A learner who has handled ``x`` hours of contacts has ``g(x)`` of the gap left: linear
    ``max(0, 1 - x / hours)``, exponential ``exp(-3 x / hours)`` (95% closed at ``hours``). Its
    handle-time factor is the group's times ``1 + (handle_time_factor - 1) g(x)``, its FCR shift
    the group's plus ``fcr_plus g(x)``.
    """

    hours: float = Field(gt=0, le=100_000)
    """Hours of handled contacts (talk and wrap-up) after which a learner is as good as the group
    (linear), or has closed 95% of the gap (exponential)."""
    handle_time_factor: float = Field(default=1.5, gt=0, le=10)
    """A new agent's handle times at the start, relative to the group's."""
    fcr_plus: float = Field(default=-0.1, ge=-1, le=1)
    """A new agent's FCR shift at the start, on top of the group's."""
    curve: Literal["linear", "exponential"] = "linear"
    """How the gap closes with handled hours."""


class Hire(Model):
    """New agents who join a group on a date."""

    date: date
    """From 00:00 of this date, within the horizon."""
    agents: int = Field(ge=1, le=MAX_AGENTS)
    """How many: they add to the staffing whenever it has anyone on duty."""


class Attrition(Model):
    """Agents who leave (opt-in, a model): each week, the more likely the lower their ESAT.

    Every 7 days from the start, an agent who answered a contact that week leaves with
    probability ``1 - exp(-rate x 7 / 365)``, ``rate = per_year + per_year_per_point x max(0,
    esat_from - ESAT)`` with the agent's ESAT proxy of that week; a new agent takes the place at
    once (a learner when the group has ``learning``).
    """

    per_year: float = Field(default=0.10, ge=0, le=10)
    """Leaving rate per agent per year at an ESAT of ``esat_from`` or more."""
    per_year_per_point: float = Field(default=0.15, ge=0, le=10)
    """Added to the rate per ESAT point below ``esat_from``."""
    esat_from: float = Field(default=8.5, ge=0, le=10)
    """The ESAT from which the rate is ``per_year``."""


class People(Model):
    """Who the agents are: proficiency, learning and hires (for a group, or a single pool)."""

    proficiency: Proficiency | None = None
    """Handle-time factor and FCR shift of these agents (spec D10); absent means 1 and 0."""
    learning: Learning | None = None
    """How hired agents learn; absent means hires are as good as the rest at once."""
    hires: list[Hire] | None = Field(default=None, min_length=1)
    """Agents who join on a date (learners when ``learning`` is set)."""


class AgentGroup(Staffing, People):
    """Agents with the same skills (reasons) and channels, and their own staffing."""

    name: str = Field(min_length=1)
    skills: list[str] | None = None
    """Reasons they handle; absent means every reason; ``[]`` means only the escalations
    addressed to the group (``reasons[].escalation.to``)."""
    channels: list[Channel] = Field(default_factory=lambda: ["phone"], min_length=1)
    """Channels they work, in priority order: a free agent takes the first channel with a
    waiting contact (e-mail last: it fills idle time)."""
    agent_hour: float | None = Field(default=None, ge=0)
    """What a paid agent hour of this group costs (needs ``costs``); absent means
    ``costs.agent_hour``."""


class Agents(Staffing, People):
    """Productive agents on duty: one pool or ``groups`` with skills.

    One pool is headcount, per_interval, table or shifts; ``shrinkage`` and ``hours_per_fte_week``
    only convert to FTE.
    """

    model_config = ConfigDict(json_schema_extra=exactly_one_schema(*_STAFFING, "groups"))

    groups: list[AgentGroup] | None = Field(default=None, min_length=1)
    overtime: Overtime | None = None
    """Overtime policy (a single pool only)."""
    shrinkage: float = Field(default=0.30, ge=0, lt=1)
    hours_per_fte_week: float = Field(default=36.0, gt=0)
    breaks: Breaks | None = None
    """Breaks simulated for every agent (a shift's own ``breaks`` replace them)."""
    absence: float = Field(default=0.0, ge=0, le=1)
    """Probability that a scheduled agent is absent on a day (paid, not on duty), simulated."""
    off_phone: float = Field(default=0.0, ge=0, lt=1)
    """Share of a present agent's duty time spent off the phone (meetings, training), simulated."""
    attrition: Attrition | None = None
    """Agents who leave, more often the lower their ESAT proxy; absent means nobody leaves."""

    _sources: tuple[str, ...] = (*_STAFFING, "groups")

    @property
    def simulates_shrinkage(self) -> bool:
        """Whether breaks, absence or off-phone time are simulated (spec D11)."""
        if self.absence > 0 or self.off_phone > 0 or self.breaks is not None:
            return True
        pools = [self] if self.groups is None else self.groups
        return any(s.breaks is not None for p in pools for s in p.shifts or ())

    @model_validator(mode="after")
    def _overtime_needs_one_pool(self) -> Agents:
        if self.overtime is not None and self.groups is not None:
            reject(
                "overtime is not supported with agent groups yet",
                at=("overtime",),
                allowed="overtime with a single pool (headcount, per_interval, table or shifts)",
            )
        if self.groups is not None:
            for key in ("proficiency", "learning", "hires"):
                if getattr(self, key) is not None:
                    reject(
                        f"{key} of the agents as a whole, with groups",
                        at=(key,),
                        allowed=f"{key} in each group (agents.groups[].{key})",
                    )
        return self

    @property
    def people(self) -> list[People]:
        """The single pool, or each group: what each says about its agents as people."""
        return [self] if self.groups is None else list(self.groups)

    @property
    def lowers_fcr(self) -> bool:
        """Whether an agent may resolve with less than the reason's FCR (proficiency, learners)."""
        for p in self.people:
            prof = p.proficiency
            if prof is not None and (
                prof.fcr_plus < 0
                or any((r.fcr_plus or 0.0) < 0 for r in (prof.by_reason or {}).values())
            ):
                return True
            learners = p.hires or self.attrition is not None
            if p.learning is not None and learners and p.learning.fcr_plus < 0:
                return True
        return False

    def pools(self, channels: Sequence[str]) -> list[Pool]:
        """The groups, or the single pool as one group with every skill and the channels."""
        if self.groups is None:
            return [Pool("agents", None, list(channels), self)]
        return [Pool(g.name, g.skills, list(g.channels), g) for g in self.groups]


class Pool(NamedTuple):
    """Agents routed alike: skills (None: every reason), channels by priority, staffing."""

    name: str
    skills: list[str] | None
    channels: list[str]
    staffing: Staffing


def _read_staffing(name: str, base_dir: Path) -> tuple[tuple[int | datetime, int], ...]:
    rows: list[tuple[int | datetime, int]] = []
    for number, row in read_csv(name, base_dir, ("start", "agents"), ("table",)):
        where = f"{name} row {number}, column "
        start = _table_start(row["start"], f"{where}'start': ")
        agents = cell_number(
            row["agents"],
            allowed="a whole number >= 0",
            positive=False,
            whole=True,
            at=("table",),
            where=f"{where}'agents': ",
        )
        if agents > MAX_AGENTS:
            reject(
                f"{where}'agents': more than {MAX_AGENTS:,}",
                at=("table",),
                allowed=f"a whole number from 0 to {MAX_AGENTS:,}",
                value=row["agents"],
            )
        if rows and type(start) is not type(rows[-1][0]):
            reject(
                f"{where}'start': mixes HH:MM and date-times",
                at=("table",),
                allowed=_START_ALLOWED,
                value=row["start"],
            )
        if rows and start <= rows[-1][0]:
            reject(
                f"{where}'start': not after the previous row",
                at=("table",),
                allowed="rows sorted by start, each start once",
                value=row["start"],
            )
        rows.append((start, int(agents)))
    if not rows:
        reject(f"{name}: no rows", at=("table",), allowed="at least one row")
    return tuple(rows)


def _table_start(cell: str, where: str) -> int | datetime:  # noqa: RET503 (reject never returns)
    """Second of the day for HH:MM; a (naive) datetime for an ISO date-time."""
    if match := _HHMM.fullmatch(cell):
        hours, minutes = int(match[1]), int(match[2])
        if hours < 24 and minutes < 60:
            return hours * 3600 + minutes * 60
    else:
        try:
            moment = datetime.fromisoformat(cell)
        except ValueError:
            pass
        else:
            if moment.tzinfo is None:
                return moment
    reject(
        f"{where}not a valid start",
        at=("table",),
        allowed=f"{_START_ALLOWED}, without time zone",
        value=cell,
    )


class LostCustomer(Model):
    """Customers lost (an assumption, off by default).

    The chance that a bad end of an issue ends the relationship, and what a lost customer is
    worth. Reported apart from operating cost.
    """

    value: float = Field(ge=0)
    """What one lost customer costs (e.g. the margin of the years they would have stayed)."""
    after_gave_up: float = Field(default=0.0, ge=0, le=1)
    """Probability that a customer whose issue ended given up leaves."""
    after_missed_callback: float = Field(default=0.0, ge=0, le=1)
    """Probability that a customer leaves after a callback promise that was not kept (each
    broken promise of the issue counts once)."""


class Costs(Model):
    """What the center pays (spec D2): every cost KPI is one of these prices times a count."""

    currency: str = Field(default="EUR", min_length=1, max_length=8)
    """A label for the amounts (EUR shows as the euro sign); no conversion is made."""
    agent_hour: float = Field(ge=0)
    """Per paid agent hour (KPI ``agent_hours``); ``agents.groups[].agent_hour`` overrides it."""
    overtime_premium: float = Field(default=0.0, ge=0, le=10)
    """Extra share of the agent hour paid for an overtime hour (0.5: +50%); overtime hours are
    already inside ``agent_hours``."""
    contact_minute: float = Field(default=0.0, ge=0)
    """Per handled minute, every channel (telephony, platform): answered contacts and agents'
    outbound calls."""
    third_party_job: float = Field(default=0.0, ge=0)
    """Per third-party job: a consult, a transfer or a promised callback."""
    lost_customer: LostCustomer | None = None
    """Customers lost after a given-up issue or a broken callback promise (an assumption, off by
    default): the KPIs ``lost_customers`` and ``cost_lost_customers``, never in ``cost_total``."""


class Scenario(Model):
    """A contact-center scenario: demand, handling, channels and staffing."""

    name: str = Field(default="scenario", min_length=1)
    """Defaults to the file name without extension."""
    description: str = ""
    seed: int = Field(default=1, ge=0)
    """Base seed; replication r uses independent streams derived from (seed, r)."""
    replications: int = Field(default=5, ge=1)
    horizon: Horizon = Field(default_factory=Horizon)
    arrivals: Arrivals
    reasons: list[Reason] = Field(min_length=1)
    channels: Channels = Field(default_factory=Channels)
    agents: Agents
    schedule: Schedule | None = None
    """Shift types for ``ccsim schedule``; absent means its options (or their defaults)."""
    third_parties: list[ThirdParty] = Field(default_factory=list)
    satisfaction: Satisfaction = Field(default_factory=Satisfaction)
    calendar: CalendarSettings = Field(default_factory=CalendarSettings)
    drivers: list[Driver] = Field(default_factory=list)
    costs: Costs | None = None
    """Prices of agent hours, handled minutes and third-party jobs; absent means no cost KPIs."""

    @field_validator("reasons")
    @classmethod
    def _partition(cls, reasons: list[Reason]) -> list[Reason]:
        """Reasons split the new issues: distinct names, shares summing to 1."""
        issues = []
        first_with: dict[str, int] = {}
        for i, reason in enumerate(reasons):
            if reason.name in first_with:
                message = f"duplicate reason name (also reasons[{first_with[reason.name]}])"
                issues.append(Issue((i, "name"), message, "a name used once", reason.name))
            first_with.setdefault(reason.name, i)
        total = math.fsum(reason.share for reason in reasons)
        if abs(total - 1) > SHARE_TOLERANCE:
            issues.append(
                Issue(
                    (),
                    f"shares sum to {total:.10g}",
                    f"shares that sum to 1 (within {SHARE_TOLERANCE:g})",
                    [reason.share for reason in reasons],
                )
            )
        if issues:
            raise_issues(*issues)
        return reasons

    @model_validator(mode="after")
    def _one_value_per_interval(self) -> Scenario:
        """Per-interval lists must match ``horizon.interval_minutes``, known only here."""
        n = self.horizon.intervals_per_day
        lists = {
            ("arrivals", "per_hour"): self.arrivals.per_hour,
            ("arrivals", "intraday"): self.arrivals.intraday,
            ("agents", "per_interval"): self.agents.per_interval,
        }
        lists |= {
            ("agents", "groups", i, "per_interval"): group.per_interval
            for i, group in enumerate(self.agents.groups or ())
        }
        issues = [
            Issue(
                at,
                f"has {len(values)} values but a day has {n} intervals of "
                f"{self.horizon.interval_minutes} minutes",
                f"a list of exactly {n} values (1440 / horizon.interval_minutes)",
            )
            for at, values in lists.items()
            if isinstance(values, list) and len(values) != n
        ]
        if issues:
            raise_issues(*issues)
        return self

    @model_validator(mode="after")
    def _group_costs_need_costs(self) -> Scenario:
        """A group's ``agent_hour`` is a price: without ``costs`` nothing would use it."""
        priced = [i for i, g in enumerate(self.agents.groups or ()) if g.agent_hour is not None]
        if self.costs is None and priced:
            raise_issues(
                *(
                    Issue(
                        ("agents", "groups", i, "agent_hour"),
                        "a group's agent_hour needs a costs block",
                        "a costs block with at least agent_hour, or no agent_hour in the groups",
                        self.agents.groups[i].agent_hour,
                    )
                    for i in priced
                )
            )
        return self

    @model_validator(mode="after")
    def _people_fit(self) -> Scenario:
        """Proficiency names reasons of the scenario; hires join within the horizon."""
        names = {r.name for r in self.reasons}
        first = (self.horizon.start or DEFAULT_START).toordinal()
        issues = []
        single = self.agents.groups is None
        for i, people in enumerate(self.agents.people):
            at: tuple[str | int, ...] = () if single else ("groups", i)
            prof = people.proficiency
            for name in (prof.by_reason or {}) if prof is not None else ():
                if name not in names:
                    where = ("agents", *at, "proficiency", "by_reason", name)
                    issues.append(Issue(where, "no such reason", one_of(sorted(names)), name))
            for j, hire in enumerate(people.hires or ()):
                day = hire.date.toordinal() - first
                if not 0 <= day < self.horizon.days:
                    issues.append(
                        Issue(
                            ("agents", *at, "hires", j, "date"),
                            "not within the horizon",
                            "a date from horizon.start up to its last day",
                            hire.date.isoformat(),
                        )
                    )
        if issues:
            raise_issues(*issues)
        return self

    @model_validator(mode="after")
    def _parties_exist(self) -> Scenario:
        """Every third party a reason names is defined, once."""
        names = [party.name for party in self.third_parties]
        issues = [
            Issue(("third_parties", i, "name"), "duplicate third party name", "a name used once", n)
            for i, n in enumerate(names)
            if n in names[:i]
        ]
        issues += [
            Issue(
                ("reasons", i, "third_party", "party"),
                "unknown third party",
                f"one of the names in third_parties: {one_of(names)}"
                if names
                else "a name defined under third_parties (there are none)",
                r.third_party.party,
            )
            for i, r in enumerate(self.reasons)
            if r.third_party and r.third_party.party not in names
        ]
        if issues:
            raise_issues(*issues)
        return self

    @model_validator(mode="after")
    def _driver_reasons(self) -> Scenario:
        names = [r.name for r in self.reasons]
        issues = [
            Issue(("drivers", i, "reason"), "unknown reason", f"one of {one_of(names)}", d.reason)
            for i, d in enumerate(self.drivers)
            if d.reason not in names
        ]
        proactive = [d.reason for d in self.drivers if d.kind == "proactive_outbound"]
        issues += [
            Issue(
                ("drivers", i, "reason"),
                "a second proactive_outbound for the same reason",
                "one proactive_outbound per reason",
                d.reason,
            )
            for i, d in enumerate(self.drivers)
            if d.kind == "proactive_outbound" and d.reason in proactive[: proactive.index(d.reason)]
        ]
        if issues:
            raise_issues(*issues)
        return self

    @model_validator(mode="after")
    def _routable(self) -> Scenario:
        """Every channel used is configured and every (channel, reason) has agents who take it."""
        names = [r.name for r in self.reasons]
        have = self.channels.names
        issues: list[Issue] = []
        used = {"phone"} if self.arrivals.channel_mix is None else set()
        mixes = [(("arrivals", "channel_mix"), self.arrivals.channel_mix)]
        mixes += [
            (("reasons", i, "repeat", "channel"), r.repeat.channel)
            for i, r in enumerate(self.reasons)
        ]
        for at, mix in mixes:
            for channel, share in (mix or {}).items():
                if channel not in have:
                    issues.append(
                        Issue(
                            (*at, channel),
                            "channel not configured",
                            f"one of {one_of(have)} (add channels.{channel})",
                        )
                    )
                elif share > 0:
                    used.add(channel)
        for i, group in enumerate(self.agents.groups or []):
            issues += [
                Issue(
                    ("agents", "groups", i, "skills"),
                    "unknown reason",
                    f"reasons of this scenario: {one_of(names)}",
                    skill,
                )
                for skill in group.skills or []
                if skill not in names
            ]
            issues += [
                Issue(
                    ("agents", "groups", i, "channels"),
                    "channel not configured",
                    f"one of {one_of(have)}",
                    channel,
                )
                for channel in group.channels
                if channel not in have
            ]
        pool_names = [p.name for p in self.agents.pools(have)]
        targets = {r.escalation.to for r in self.reasons if r.escalation is not None}
        targets |= {r.overflow.to for r in self.reasons if r.overflow is not None}
        issues += [
            Issue(
                ("reasons", i, "escalation", "to"),
                "unknown agent group",
                f"a group of this scenario: {one_of(pool_names)}",
                r.escalation.to,
            )
            for i, r in enumerate(self.reasons)
            if r.escalation is not None and r.escalation.to not in pool_names
        ]
        issues += [
            Issue(
                ("reasons", i, "overflow", "to"),
                "unknown agent group",
                f"a group of this scenario: {one_of(pool_names)}",
                r.overflow.to,
            )
            for i, r in enumerate(self.reasons)
            if r.overflow is not None and r.overflow.to not in pool_names
        ]
        issues += [
            Issue(
                ("agents", "groups", i, "skills"),
                "a group without skills takes nothing",
                "skills, or a group that some reasons[].escalation.to or overflow.to names",
                [],
            )
            for i, group in enumerate(self.agents.groups or [])
            if group.skills == [] and group.name not in targets
        ]
        if issues:
            raise_issues(*issues)
        pools = self.agents.pools(have)
        uncovered = [
            f"{reason} on {channel}"
            for channel in sorted(used, key=CHANNELS.index)
            for reason in names
            if not any(
                channel in p.channels and (p.skills is None or reason in p.skills) for p in pools
            )
        ]
        if uncovered:
            reject(
                f"no agent takes {', '.join(uncovered)}",
                at=("agents",),
                allowed="agent groups whose skills and channels cover every reason on every "
                "channel in use",
            )
        return self

    def expected_issues(self) -> tuple[float, float]:
        """Expected new issues per replication: everyday, and at most this many from drivers.

        Every contact of an invoice landing counts, wherever its delay puts it.
        """
        h = self.horizon
        drivers = 0.0
        for driver in self.drivers:
            if isinstance(driver, InvoiceRun):
                landings = driver.dispatch.landing_days(h.origin.date(), h.days)
                per_landing = driver.recipients / driver.dispatch.spread_days
                drivers += len(landings) * per_landing * driver.contact_rate
            elif isinstance(driver, Incident):
                start = (driver.start - h.origin).total_seconds()
                end = start + driver.duration_h * 3600.0
                overlap = max(min(end, h.horizon_s) - max(start, 0.0), 0.0)
                drivers += driver.extra_per_hour * overlap / 3600.0
        return self._expected_everyday(), drivers

    def _expected_everyday(self) -> float:
        """Expected everyday new issues per replication.

        A day keeps its ``per_day`` volume whatever its hours (closed days keep their profile: those
        customers retry); a ``per_hour`` rate holds only while the hours are open.
        """
        h, arrivals = self.horizon, self.arrivals
        weekday0 = h.origin.weekday()
        if arrivals.per_day is not None:
            factors = arrivals.day_of_week or {}
            days = (factors.get(DAYS[(weekday0 + d) % 7], 1.0) for d in range(h.days))
            return arrivals.per_day * sum(days)
        per_interval = np.broadcast_to(
            np.asarray(arrivals.per_hour) * (h.interval_s / 3600.0), (h.intervals_per_day,)
        )
        hours = self.arrival_hours()
        open_share = (
            WeeklyHours.parse(hours).open_fractions(weekday0 * DAY_S, h.days, h.interval_s)
            if hours
            else 1.0
        )
        with np.errstate(over="ignore", invalid="ignore"):  # absurd inputs: inf or NaN
            return float(np.sum(np.tile(per_interval, h.days) * open_share))

    def reason_index(self, name: str) -> int:
        """Index of the reason called ``name`` in ``reasons``, the engine's reason id."""
        return next(i for i, r in enumerate(self.reasons) if r.name == name)

    def arrival_hours(self) -> HoursMapping | None:
        """The weekly hours that everyday new issues follow; None means round the clock.

        With ``arrivals.follow_opening_hours`` they follow the weekly hours of the main
        first-contact channel: the largest share of ``arrivals.channel_mix`` (the phone when
        absent or tied; e-mail is always open). Issues are drawn before their channel, so one
        time-of-day pattern serves every channel.
        """
        if not self.arrivals.follow_opening_hours:
            return None
        mix = self.arrivals.channel_mix or {"phone": 1.0}
        main = max(CHANNELS, key=lambda c: (mix.get(c, 0.0), c == "phone"))
        channel = {"phone": self.channels.phone, "chat": self.channels.chat}.get(main)
        return (channel and (channel.opening_hours or self.calendar.opening_hours)) or None

    def party(self, name: str) -> ThirdParty:
        """The third party called ``name`` (validation has checked that it exists)."""
        return next(p for p in self.third_parties if p.name == name)

    def to_yaml_dict(self) -> dict[str, Any]:
        """The scenario as run, defaults filled in, in the YAML form (times in seconds)."""
        return self.model_dump(mode="json", exclude_none=True)
