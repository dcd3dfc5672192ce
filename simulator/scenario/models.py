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
import os
import re
from collections.abc import Hashable, Mapping, Sequence
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Annotated, Any, Literal, NamedTuple

import numpy as np
import yaml
from pydantic import (
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from simulator.engine.calendar import INTRADAY_PROFILES, Calendar, intraday_weights
from simulator.errors import MISSING, ScenarioError, one_of
from simulator.scenario.distributions import MAX_DURATION_S, Distribution
from simulator.scenario.hours import DAYS, DAYS_PATTERN, HoursError, WeeklyHours, parse_days
from simulator.scenario.messages import describe, problems
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
MAX_ISSUES = 5_000_000
"""Most expected new issues per replication (``CCSIM_MAX_ISSUES`` changes it): a replication keeps
every contact in memory (about 1 kB each, measured) and simulates some 70,000 contacts a second,
so this is about 5 GB and over a minute per replication before repeats."""
MAX_AGENTS = 100_000
"""Most agents on duty at once: each is an object of the engine."""


def _daily_steps(values: np.ndarray, horizon: Horizon) -> tuple[np.ndarray, np.ndarray]:
    """Piecewise-constant steps from one value per interval of a day, repeated every day."""
    starts = np.arange(horizon.days * horizon.intervals_per_day) * horizon.interval_s
    return starts.astype(np.float64), np.tile(values, horizon.days)


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
        return self.days * DAY_S

    @property
    def warmup_s(self) -> float:
        return self.warmup_minutes * 60.0

    @property
    def interval_s(self) -> float:
        return self.interval_minutes * 60.0

    @property
    def intervals_per_day(self) -> int:
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

    def rate_steps(
        self, horizon: Horizon, open_share: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Start times (s) and rates of new issues per second: piecewise constant, whole horizon.

        ``open_share`` (the open share of every interval of the horizon, see
        ``Scenario.arrival_steps``) confines arrivals to open hours: a day's ``per_day`` volume
        is kept and spread over its open intervals; a ``per_hour`` rate is kept and holds only
        while open. A day with no open weight (closed, or no weight in its open hours) keeps its
        profile: its customers find the line closed and retry.
        """
        if self.per_hour is not None and open_share is None:
            if isinstance(self.per_hour, list):
                return _daily_steps(np.asarray(self.per_hour) / 3600.0, horizon)
            return np.zeros(1), np.array([self.per_hour / 3600.0])
        starts = np.arange(horizon.days * horizon.intervals_per_day) * horizon.interval_s
        if self.per_hour is not None:
            per_interval = np.broadcast_to(
                np.asarray(self.per_hour) / 3600.0, (horizon.intervals_per_day,)
            )
            rates = np.tile(per_interval, horizon.days) * open_share
            return starts.astype(np.float64), rates
        weights = intraday_weights(self.intraday or "flat", horizon.intervals_per_day)
        weights = np.broadcast_to(weights, (horizon.days, weights.size))
        if open_share is not None:
            open_weights = weights * open_share.reshape(weights.shape)
            total = open_weights.sum(axis=1, keepdims=True)
            weights = np.divide(open_weights, total, out=np.array(weights), where=total > 0)
        weekday0 = (horizon.start or DEFAULT_START).weekday()
        factors = self.day_of_week or {}
        day_factor = np.array(
            [factors.get(DAYS[(weekday0 + d) % 7], 1.0) for d in range(horizon.days)]
        )
        rates = self.per_day * day_factor[:, None] * weights / horizon.interval_s
        return starts.astype(np.float64), rates.ravel()


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
    """The agent consults while the customer holds (ruggespraak): adds ``consult_hold_s``."""
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
    """Hold time added to the handle time of a consult."""


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

    @property
    def later_fcr(self) -> float:
        """Resolution probability of contacts after the first answered one."""
        return self.fcr if self.repeat.fcr is None else self.repeat.fcr


class ThirdParty(Model):
    """A party outside the center that does the actual work and calls the customer back."""

    name: str = Field(min_length=1)
    staff: int = Field(ge=1)
    """People working its queue of jobs, first come first served."""
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

    _check_hours = field_validator("hours", mode="before")(
        classmethod(lambda cls, v: check_hours(v))
    )

    @property
    def weekly_hours(self) -> WeeklyHours:
        return WeeklyHours.always() if self.hours is None else WeeklyHours.parse(self.hours)


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


class Satisfaction(Model):
    """Parameters of the transparent satisfaction proxies (see README, "Satisfaction")."""

    csat: CsatModel = Field(default_factory=CsatModel)
    ces: CesModel = Field(default_factory=CesModel)
    nps: NpsModel = Field(default_factory=NpsModel)


class ServiceLevel(Model):
    """The target: ``target`` of offered contacts answered within ``answer_within_s``."""

    answer_within_s: float = Field(default=20.0, ge=0, le=MAX_DURATION_S)
    target: float = Field(default=0.8, gt=0, le=1)


class Redial(Model):
    """Customers who abandon may call again: a new attempt of the same issue."""

    probability: float = Field(ge=0, le=1)
    """Probability of a redial after an abandoned call."""
    delay: Distribution
    """Time from abandoning to redialling."""
    max_attempts: int = Field(default=3, ge=1)
    """Calls per issue, the first included, after which an abandoning customer gives up."""


class Phone(Model):
    """The phone queue."""

    opening_hours: HoursMapping | None = None
    """Weekly hours of the phone line; absent means ``calendar.opening_hours`` (else 24 h)."""

    _check_hours = field_validator("opening_hours", mode="before")(
        classmethod(lambda cls, v: check_hours(v))
    )

    patience: Distribution | None = None
    """Time a caller waits before abandoning; absent means nobody abandons (Erlang C)."""
    service_level: ServiceLevel = Field(default_factory=ServiceLevel)
    redial: Redial | None = None


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
        """Dates that invoices land, from a month before ``start`` (their contacts spill over)
        to the end of the horizon."""
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
    """Probability that the proactive call makes the customer's own contact unnecessary."""
    handle_time: Distribution
    """Agent time of one outbound call."""


Driver = Annotated[InvoiceRun | Incident | ProactiveOutbound, Field(discriminator="kind")]


class Chat(Model):
    """The chat queue: like the phone, but an agent handles up to ``concurrency`` chats at once."""

    patience: Distribution | None = None
    concurrency: int = Field(default=1, ge=1, le=10)
    """Chats one agent handles at the same time (each takes 1/concurrency of the agent)."""
    handle_time_factor: float = Field(default=1.0, gt=0)
    """A chat lasts this many times the reason's handle time (chats run slower than calls)."""
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
    """E-mail: a deferred backlog, worked first come first served when agents take it; it is
    received at any hour and nobody abandons it."""

    handle_time_factor: float = Field(default=1.0, gt=0)
    service_level: EmailServiceLevel = Field(default_factory=EmailServiceLevel)


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


class Shift(Model):
    """A block of agents on given weekdays; an ``end`` before ``start`` runs past midnight."""

    days: str = Field(default="mon-sun", json_schema_extra={"pattern": DAYS_PATTERN})
    start: str
    end: str
    agents: int = Field(ge=0, le=MAX_AGENTS)

    @model_validator(mode="after")
    def _check(self) -> Shift:
        try:
            parse_days(self.days)
        except HoursError as exc:
            reject(str(exc), at=("days",), allowed=_SHIFT_DAYS_ALLOWED, value=self.days)
        if _clock(self.start, "start") == _clock(self.end, "end"):
            reject("the shift has no length", at=("end",), allowed="an end != start")
        return self

    def segments(
        self, weekday0: int, days: int, closed: frozenset[int]
    ) -> list[tuple[float, float]]:
        """``[start, end)`` in run seconds for every day the shift works (not on holidays)."""
        start, end = _clock(self.start, "start"), _clock(self.end, "end")
        if end <= start:
            end += DAY_S
        weekdays = set(parse_days(self.days))
        return [
            (d * DAY_S + start, d * DAY_S + end)
            for d in range(days)
            if (weekday0 + d) % 7 in weekdays and d not in closed
        ]


class Overtime(Model):
    """When a shift ends with a long queue, some agents stay on (overtime), within limits."""

    queue_above: int = Field(default=0, ge=0)
    """Overtime starts when more than this many contacts wait as the staffing falls."""
    max_agents: int = Field(ge=1)
    """At most this many of the agents going off duty stay."""
    max_minutes: float = Field(gt=0, le=MAX_DURATION_S / 60)
    """They stay at most this long, and take a contact only if it ends within that time."""


_STAFFING = ("headcount", "per_interval", "table", "shifts")


class _Staffing(Model):
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
    def _one_source(self, info: ValidationInfo) -> _Staffing:
        exactly_one(self, self._sources)
        if self.table is not None:
            self._rows = _read_staffing(self.table, csv_base_dir(info))
        return self

    def steps(
        self, horizon: Horizon, holidays: frozenset[int] = frozenset()
    ) -> tuple[np.ndarray, np.ndarray]:
        """Start times (s, the first is 0) and the number of agents on duty from each start.

        ``holidays`` (day indices) matter only to shifts: nobody works a shift on a holiday.
        """
        if self.shifts is not None:
            return self._shift_steps(horizon, holidays)
        if self.headcount is not None:
            return np.zeros(1), np.array([self.headcount], dtype=np.int64)
        if self.per_interval is not None:
            return _daily_steps(np.asarray(self.per_interval, dtype=np.int64), horizon)
        starts, counts = zip(*self._rows, strict=True)
        counts = np.asarray(counts, dtype=np.int64)
        if isinstance(starts[0], datetime):
            offsets = np.array([(start - horizon.origin).total_seconds() for start in starts])
            first, end = np.searchsorted(offsets, [0.0, horizon.horizon_s], side="right")
            initial = counts[first - 1] if first else 0  # no agents before the first row
            return (
                np.concatenate(([0.0], offsets[first:end])),
                np.concatenate(([initial], counts[first:end])),
            )
        offsets = np.asarray(starts, dtype=np.float64)
        if offsets[0] > 0:  # the pattern wraps: the last row holds until the first, next day
            offsets, counts = np.append(0.0, offsets), np.append(counts[-1], counts)
        days = np.arange(horizon.days) * DAY_S
        return (days[:, None] + offsets).ravel(), np.tile(counts, horizon.days)

    def _shift_steps(
        self, horizon: Horizon, holidays: frozenset[int]
    ) -> tuple[np.ndarray, np.ndarray]:
        weekday0 = (horizon.start or DEFAULT_START).weekday()
        changes: dict[float, int] = {0.0: 0}
        for shift in self.shifts or []:
            for start, end in shift.segments(weekday0, horizon.days, holidays):
                changes[start] = changes.get(start, 0) + shift.agents
                end = min(end, horizon.horizon_s)
                changes[end] = changes.get(end, 0) - shift.agents
        times = sorted(t for t in changes if t < horizon.horizon_s)
        counts = np.cumsum([changes[t] for t in times])
        return np.asarray(times, dtype=np.float64), counts.astype(np.int64)


class AgentGroup(_Staffing):
    """Agents with the same skills (reasons) and channels, and their own staffing."""

    name: str = Field(min_length=1)
    skills: list[str] | None = Field(default=None, min_length=1)
    """Reasons they handle; absent means every reason."""
    channels: list[Channel] = Field(default_factory=lambda: ["phone"], min_length=1)
    """Channels they work, in priority order: a free agent takes the first channel with a
    waiting contact (e-mail last: it fills idle time)."""


class Agents(_Staffing):
    """Productive agents on duty: one pool (headcount, per_interval, table or shifts) or
    ``groups`` with skills; ``shrinkage`` and ``hours_per_fte_week`` only convert to FTE."""

    model_config = ConfigDict(json_schema_extra=exactly_one_schema(*_STAFFING, "groups"))

    groups: list[AgentGroup] | None = Field(default=None, min_length=1)
    overtime: Overtime | None = None
    """Overtime policy (a single pool only)."""
    shrinkage: float = Field(default=0.30, ge=0, lt=1)
    hours_per_fte_week: float = Field(default=36.0, gt=0)

    _sources: tuple[str, ...] = (*_STAFFING, "groups")

    @model_validator(mode="after")
    def _overtime_needs_one_pool(self) -> Agents:
        if self.overtime is not None and self.groups is not None:
            reject(
                "overtime is not supported with agent groups yet",
                at=("overtime",),
                allowed="overtime with a single pool (headcount, per_interval, table or shifts)",
            )
        return self

    def steps(
        self, horizon: Horizon, holidays: frozenset[int] = frozenset()
    ) -> tuple[np.ndarray, np.ndarray]:
        """All agents on duty (summed over groups) from each start time."""
        if self.groups is None:
            return super().steps(horizon, holidays)
        parts = [g.steps(horizon, holidays) for g in self.groups]
        times = np.unique(np.concatenate([t for t, _ in parts]))
        total = sum(c[np.searchsorted(t, times, side="right") - 1] for t, c in parts)
        return times, np.asarray(total, dtype=np.int64)

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
    staffing: _Staffing


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
    third_parties: list[ThirdParty] = Field(default_factory=list)
    satisfaction: Satisfaction = Field(default_factory=Satisfaction)
    calendar: CalendarSettings = Field(default_factory=CalendarSettings)
    drivers: list[Driver] = Field(default_factory=list)

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

    @model_validator(mode="after")
    def _runnable(self) -> Scenario:
        """Refuse what would not finish in memory: absurd volumes or numbers of agents."""
        limit = _issue_limit()
        everyday, drivers = self.expected_issues()
        if not everyday + drivers <= limit:  # also refuses NaN (inf x 0)
            parts = f" ({_count(everyday)} everyday, {_count(drivers)} from drivers)"
            reject(
                f"{_count(everyday + drivers)} new issues expected per replication"
                f"{parts if drivers else ''}, more than the limit of {limit:,}",
                at=("arrivals",) if everyday >= drivers else ("drivers",),
                allowed=f"at most {limit:,} expected new issues per replication: fewer "
                "horizon.days or a smaller volume, or raise the limit with the environment "
                "variable CCSIM_MAX_ISSUES (a replication needs about 1 kB per contact)",
            )
        peak = int(np.max(self.agents.steps(self.horizon)[1]))
        if peak > MAX_AGENTS:
            reject(
                f"{peak:,} agents on duty at once",
                at=("agents",),
                allowed=f"at most {MAX_AGENTS:,} agents on duty at once",
            )
        return self

    def expected_issues(self) -> tuple[float, float]:
        """Expected new issues per replication: everyday, and at most this many from drivers
        (every contact of an invoice landing counted, wherever its delay puts it)."""
        h = self.horizon
        starts, rates = self.arrival_steps()
        with np.errstate(over="ignore", invalid="ignore"):  # absurd inputs: inf or NaN
            everyday = float(np.sum(rates * np.diff(starts, append=h.horizon_s)))
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
        return everyday, drivers

    def reason_index(self, name: str) -> int:
        return next(i for i, r in enumerate(self.reasons) if r.name == name)

    def clock(self, hours: Mapping[str, str] | None = None) -> Calendar:
        """The run's calendar with ``hours`` (default: the phone line's)."""
        if hours is None:
            hours = self.channels.phone.opening_hours or self.calendar.opening_hours
        return Calendar.build(
            self.horizon.start or DEFAULT_START,
            self.horizon.days,
            WeeklyHours.parse(hours) if hours else None,
            self.calendar.holidays,
        )

    def arrival_steps(self) -> tuple[np.ndarray, np.ndarray]:
        """Start times (s) and rates per second of everyday new issues over the horizon.

        With ``arrivals.follow_opening_hours`` they follow the weekly hours of the main
        first-contact channel: the largest share of ``arrivals.channel_mix`` (the phone when
        absent or tied; e-mail is always open). Issues are drawn before their channel, so one
        time-of-day pattern serves every channel.
        """
        h, mix = self.horizon, self.arrivals.channel_mix or {"phone": 1.0}
        main = max(CHANNELS, key=lambda c: (mix.get(c, 0.0), c == "phone"))
        channel = {"phone": self.channels.phone, "chat": self.channels.chat}.get(main)
        weekly = channel and (channel.opening_hours or self.calendar.opening_hours)
        if not self.arrivals.follow_opening_hours or not weekly:
            return self.arrivals.rate_steps(h)
        return self.arrivals.rate_steps(h, self.clock(weekly).open_fractions(h.interval_s))

    def party(self, name: str) -> ThirdParty:
        return next(p for p in self.third_parties if p.name == name)

    def to_yaml_dict(self) -> dict[str, Any]:
        """The scenario as run, defaults filled in, in the YAML form (times in seconds)."""
        return self.model_dump(mode="json", exclude_none=True)


def _issue_limit() -> int:
    """``MAX_ISSUES``, or the whole number in the environment variable ``CCSIM_MAX_ISSUES``."""
    text = os.environ.get("CCSIM_MAX_ISSUES", "").strip()
    if not text:
        return MAX_ISSUES
    if not text.isdigit():
        reject(
            f"the environment variable CCSIM_MAX_ISSUES={text!r} is not a whole number",
            allowed="CCSIM_MAX_ISSUES unset, or a whole number of new issues per replication",
        )
    return int(text)


def _count(expected: float) -> str:
    """An expected count for a message; overflowed arithmetic says so instead of 'inf'."""
    return f"about {expected:,.0f}" if math.isfinite(expected) else "more than 1e308"


# -- loading ----------------------------------------------------------------------------------
class _Loader(yaml.SafeLoader):
    """Safe YAML that refuses duplicate keys (plain YAML silently keeps the last one) and reads
    ``1e3`` as a number (YAML 1.1 wants ``1.0e+3``)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Hashable] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if not isinstance(key, Hashable):
                continue  # the base class reports unhashable keys
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key {key!r}", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep)


_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?[0-9][0-9_]*(?:\.[0-9_]*)?[eE][-+]?[0-9]+$"),
    list("-+0123456789"),
)


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario file; any problem raises ``ScenarioError``."""
    file, source = Path(path), str(path)
    data = read_yaml(file, "a scenario YAML file")
    if isinstance(data, dict) and "name" not in data:
        data = {"name": file.stem, **data}
    return load_scenario_dict(data, source, file.parent)


def read_yaml(file: Path, what: str) -> Any:
    """The YAML in ``file``, read the way every ccsim input is read (no duplicate keys,
    ``1e3`` is a number); a missing file or bad YAML raises ``ScenarioError``."""
    source = str(file)
    if not file.exists():
        raise ScenarioError(source, "", "file not found", f"the path of {what}")
    if not file.is_file():
        raise ScenarioError(source, "", "not a file", f"the path of {what}")
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError(source, "", f"cannot read the file: {exc}") from None
    try:
        return yaml.load(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = exc.problem or exc.context
        raise ScenarioError(source, "", f"invalid YAML{where}: {problem}") from None
    except yaml.YAMLError as exc:
        raise ScenarioError(source, "", f"invalid YAML: {exc}") from None


def load_scenario_dict(
    data: Mapping[str, Any], source: str = "<dict>", base_dir: Path | None = None
) -> Scenario:
    """Validate a scenario given as a mapping; ``source`` names it in errors and CSV paths are
    relative to ``base_dir`` (default: the working directory)."""
    if not isinstance(data, Mapping):
        raise ScenarioError(
            source,
            "",
            "empty" if data is None else "the top level is not a mapping of keys",
            describe(Scenario, []),
            MISSING if data is None else data,
        )
    try:
        return Scenario.model_validate(dict(data), context={"base_dir": base_dir})
    except ValidationError as exc:
        raise ScenarioError.multiple(
            [problem for error in exc.errors() for problem in problems(error, source, Scenario)]
        ) from None


def scenario_json_schema() -> dict[str, Any]:
    """JSON Schema of the scenario YAML format (``ccsim schema``)."""
    schema = Scenario.model_json_schema()
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        **schema,
        "title": "ccsim scenario",
    }
