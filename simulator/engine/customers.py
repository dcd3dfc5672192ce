"""Customer draws: every random attribute of an issue and of a contact, drawn when it is created.

Each attribute comes from its own named stream (see :mod:`simulator.engine.streams`), in creation
order, so a change of headcount does not change which customer gets which handle time, patience,
resolution or third-party fate. Streams are shared by all reasons, so scenarios that differ in one
reason's numbers keep common random numbers.

A draw that a scenario does not use is a *null draw* (:func:`constant`): it returns a fixed value
and takes nothing from any stream, so every draw is always there to call and the numbers of a
scenario do not depend on the features it leaves out. The per-contact columns that only a feature
reads (resolution, repeat and redial decisions) are filled only when that feature is on.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable
from itertools import accumulate, repeat
from typing import Any

from simulator.engine import timeline
from simulator.engine.records import (
    CALLBACK,
    CALLED,
    CONSULT,
    NO_SELF_SERVICE,
    NO_THIRD_PARTY,
    NOT_CALLED,
    PREVENTED,
    SELF_SERVICE_FAILED,
    SELF_SERVICE_SUCCESS,
    TRANSFER,
    Records,
)
from simulator.engine.routing import PHONE
from simulator.engine.streams import Draw, Streams
from simulator.engine.third_parties import Involvement, Party
from simulator.scenario.models import CHANNELS, Scenario, ThirdPartyUse

INF = float("inf")
NAN = float("nan")


def constant(value: Any) -> Callable[[], Any]:
    """A null draw: ``value`` every time, from no stream (a C-level call, cheap on the hot path)."""
    return repeat(value).__next__


def _pick(cumulative: list[float], uniform: Draw) -> Callable[[], int]:
    """A draw of an index by shares (``cumulative``: running totals of all shares but the last)."""

    def draw() -> int:
        return bisect_right(cumulative, uniform())

    return draw


def _cumulative(shares: dict[str, float] | None) -> list[float] | None:
    """Cumulative shares over ``CHANNELS`` for a channel draw, or None (no draw needed)."""
    if shares is None:
        return None
    return list(accumulate(shares.get(c, 0.0) for c in CHANNELS))[:-1]


class Customers:
    """The random attributes of the issues and contacts of one replication.

    Issue draws are callables (``reason()``, ``channel()``, ``self_service[reason]()``,
    ``proactive[reason]()``); :meth:`contact` draws everything about a new contact at once and
    keeps what later happenings need in per-contact columns (``u_fcr``, ``repeats``, ...).
    """

    def __init__(
        self, scenario: Scenario, streams: Streams, rec: Records, parties: dict[str, Party]
    ) -> None:
        self.rec = rec
        reasons = scenario.reasons
        channels = scenario.channels
        phone, chat, email = channels.phone, channels.chat, channels.email

        # Issues: reason, channel, self-service, proactive outbound.
        self.reason: Callable[[], int] = constant(0)
        if len(reasons) > 1:
            cum = list(accumulate(r.share for r in reasons))[:-1]
            self.reason = _pick(cum, streams.uniform("reason"))
        channel_cum = _cumulative(scenario.arrivals.channel_mix)
        self.channel: Callable[[], int] = constant(PHONE)
        if channel_cum is not None:
            self.channel = _pick(channel_cum, streams.uniform("channel"))
        self.self_service_of = [r.self_service for r in reasons]
        self._any_self_service = any(self.self_service_of)
        # whether an issue may be deflected by self-service before its first contact
        self.deflection = self._any_self_service
        self.self_service: list[Callable[[], int]] = [constant(NO_SELF_SERVICE)] * len(reasons)
        if self._any_self_service:
            uniform = streams.uniform("self_service")
            self.self_service = [
                constant(NO_SELF_SERVICE) if ss is None else self._self_service_draw(ss, uniform)
                for ss in self.self_service_of
            ]
        not_called = constant((NOT_CALLED, 0.0, 0.0))
        self.proactive: list[Callable[[], tuple[int, float, float]]] = [not_called] * len(reasons)
        for i, d in enumerate(scenario.drivers):
            if d.kind == "proactive_outbound":
                uniform = streams.uniform(f"driver:{i}")
                handle = streams.sampler(f"driver:{i}:handle", d.handle_time)
                lead = streams.sampler(f"driver:{i}:lead_time", d.lead_time)
                self.proactive[scenario.reason_index(d.reason)] = self._proactive_draw(
                    d, uniform, handle, lead
                )

        # Contacts: handle time (by reason, scaled by channel), patience (by channel).
        self._handle = [streams.sampler(f"handle_time:{r.name}", r.handle_time) for r in reasons]
        self._wrap_up = [r.wrap_up_s for r in reasons]
        self._handle_factor = [
            1.0,
            chat.handle_time_factor if chat else 1.0,
            email.handle_time_factor if email else 1.0,
        ]
        self._patience = [
            streams.sampler("patience:phone", phone.patience) if phone.patience else constant(INF),
            streams.sampler("patience:chat", chat.patience)
            if chat and chat.patience
            else constant(INF),
            constant(INF),  # nobody abandons an e-mail
        ]
        # the latest contact's patience: read only when it queues, right after it is made, so
        # it needs no per-contact column
        self.patience: float = INF
        # The center's callback offer (spec D5): whether the caller would accept, drawn for every
        # call when it is created, used or not, by its patience draw; read like ``patience``.
        self.accepts = False
        if phone.callback_offer is not None:
            self._patience[PHONE] = self._accepting(
                self._patience[PHONE],
                streams.uniform("callback_accept"),
                phone.callback_offer.accept,
            )

        # Redial after abandoning (phone).
        redial = phone.redial
        self.redial_p = redial.probability if redial else 0.0
        self._redial_max = redial.max_attempts if redial else 1
        self.redials = self.redial_p > 0
        self._redial: Draw = constant(1.0)
        self._redial_delay: Draw = constant(NAN)
        if self.redials:
            self._redial = streams.uniform("redial")
            self._redial_delay = streams.sampler("redial_delay", redial.delay)
        self.attempt: list[int] = []
        self.redial_delay: list[float] = []  # NaN: this contact would not redial

        # Journeys: resolution, repeat contacts, third parties.
        self.fcr = [r.fcr for r in reasons]
        self.later_fcr = [r.later_fcr for r in reasons]
        # (an agent may resolve with less than the reason's FCR: spec D10)
        self.need_fcr = any(f < 1 for f in self.fcr + self.later_fcr) or scenario.agents.lowers_fcr
        # (or an escalated call's second leg may: spec D4)
        escalations = [r.escalation for r in reasons]
        self.escalates = any(e is not None for e in escalations)
        # (or agents under pressure may resolve less)
        self.need_fcr = self.need_fcr or any(
            r.under_pressure is not None and r.under_pressure.fcr_drop > 0 for r in reasons
        )
        self.need_fcr = self.need_fcr or any(
            e is not None and e.fcr is not None and e.fcr < 1 for e in escalations
        )
        self._fcr: Draw = streams.uniform("fcr") if self.need_fcr else constant(1.0)
        self.journeys = self.need_fcr or any(r.third_party for r in reasons) or self.escalates
        self._repeat_p = [r.repeat.probability for r in reasons]
        self.max_contacts = [r.repeat.max_contacts or INF for r in reasons]
        self._repeat: Draw = constant(1.0)
        self._repeat_delay: list[Draw] = [constant(NAN)] * len(reasons)
        if self.journeys:
            self._repeat = streams.uniform("repeat")
            self._repeat_delay = [
                streams.sampler(f"repeat_delay:{r.name}", r.repeat.delay) for r in reasons
            ]
        self._repeat_channel_cum = [_cumulative(r.repeat.channel) for r in reasons]
        self._repeat_channel: Draw = constant(0.0)
        if any(c is not None for c in self._repeat_channel_cum):
            self._repeat_channel = streams.uniform("repeat_channel")
        # A repeat due while its channel is closed moves into the next open period (``profile``):
        # one draw per repeat moment places it there, used or not.
        self.in_hours = [r.repeat.timing == "profile" for r in reasons]
        self.repeat_timing: Draw = constant(0.0)
        if self.journeys and any(self.in_hours) and any(timeline.channel_clocks(scenario)):
            self.repeat_timing = streams.uniform("repeat_timing")
        self.u_fcr: list[float] = []
        self.repeats: list[bool] = []
        self.repeat_delay: list[float] = []
        self.repeat_used: set[int] = set()  # contacts whose repeat decision has been used

        self._uses = [r.third_party for r in reasons]
        self._third_party: Draw = constant(1.0)
        if any(self._uses):
            self._third_party = streams.uniform("third_party")
        self._parties = parties
        self._party_draws = {
            p.name: (
                streams.sampler(f"third_party_work:{p.name}", p.work_time),
                streams.sampler(f"third_party_late:{p.name}", p.late_delay),
                streams.sampler(f"third_party_callback:{p.name}", p.callback_handle_time)
                if p.callback_by == "agent"
                else constant(0.0),
                streams.sampler(f"missed_callback_grace:{p.name}", p.missed_callback_grace)
                if p.missed_callback_grace
                else constant(0.0),
            )
            for p in scenario.third_parties
        }
        self.involvement: dict[int, Involvement] = {}  # contacts that need a third party
        # whether any contact may consult (then a talk end is checked for one, see center.py)
        self.consults = any(u is not None and u.mode.consult > 0 for u in self._uses)
        fallback = {"callback": CALLBACK, "transfer": TRANSFER, "none": NO_THIRD_PARTY}
        self._consult_fallback = {
            r: fallback[u.consult_fallback] for r, u in enumerate(self._uses) if u is not None
        }

        # Whether a contact needs more than a handle time and a patience (see ``_journey``).
        self._journey_draws = (
            self._any_self_service
            or any(u is not None for u in self._uses)
            or self.need_fcr
            or self.journeys
            or self.redials
        )

        # Escalation (spec D4): per reason, (probability, draw of the second leg's handle time
        # and patience); each call of such a reason draws whether it escalates and both, on its
        # own streams, used or not. ``escalation`` keeps them for the calls that escalate.
        self.escalation: dict[int, tuple[float, float]] = {}
        if self.escalates:
            uniform = streams.uniform("escalation")
            self._escalation = [
                None
                if e is None
                else (
                    e.probability,
                    streams.sampler(f"escalation_handle:{r.name}", e.handle_time),
                    streams.sampler(f"escalation_patience:{r.name}", e.patience)
                    if e.patience is not None
                    else streams.sampler(f"escalation_patience:{r.name}", phone.patience)
                    if phone.patience is not None
                    else constant(INF),
                    uniform,
                )
                for r, e in zip(reasons, escalations, strict=True)
            ]
            self._contact_one_leg = self.contact
            self.contact = self._contact_escalating  # type: ignore[method-assign]

        # Shorter patience after an earlier long wait in the same issue (no draw of its own:
        # the contact's patience draw, scaled).
        self._long_wait = [r.patience_after_long_wait for r in reasons]
        if any(w is not None for w in self._long_wait):
            self._last_contact: dict[int, int] = {}
            self._waited_long: set[int] = set()
            self._contact_before_waits = self.contact
            self.contact = self._contact_after_waits  # type: ignore[method-assign]

        # Closed lines: whether and when the customer tries again.
        retry = scenario.calendar.closed_retry
        self._retry_p = retry.probability
        self._retry: Draw = streams.uniform("closed_retry")
        self._retry_delay: Draw = streams.sampler("closed_retry_delay", retry.delay)

    def _accepting(self, patience: Draw, uniform: Draw, accept: float) -> Draw:
        """The phone's patience draw that also draws whether the caller accepts a callback."""

        def draw() -> float:
            self.accepts = uniform() < accept
            return patience()

        return draw

    @staticmethod
    def _self_service_draw(ss: Any, uniform: Draw) -> Callable[[], int]:
        def draw() -> int:
            tries, succeeds = uniform(), uniform()
            if tries < ss.offered:
                return SELF_SERVICE_SUCCESS if succeeds < ss.success else SELF_SERVICE_FAILED
            return NO_SELF_SERVICE

        return draw

    @staticmethod
    def _proactive_draw(
        driver: Any, uniform: Draw, handle: Draw, lead: Draw
    ) -> Callable[[], tuple[int, float, float]]:
        """A proactive driver's draw: (intent, call duration, lead time).

        The intent is NOT_CALLED (not covered), CALLED or PREVENTED: what a call made before the
        customer's moment would do (PREVENTED: the customer's own contact is then unnecessary).
        """

        def draw() -> tuple[int, float, float]:
            called, prevented, duration, ahead = uniform(), uniform(), handle(), lead()
            if called < driver.coverage:
                return (PREVENTED if prevented < driver.prevents else CALLED), duration, ahead
            return NOT_CALLED, duration, ahead

        return draw

    def contact(self, cid: int, iid: int, reason: int, channel: int, attempt: int) -> float:
        """Draw everything about new contact ``cid`` and return its handle time.

        Its columns are grown already; the handle time is talk and wrap-up, except for a consult
        contact: its talk only, until the consult adds the rest (see ``third_parties``).
        """
        talk = self._handle[reason]() * self._handle_factor[channel]
        self.patience = self._patience[channel]()
        if self._journey_draws:
            return self._journey(cid, iid, reason, attempt, talk)
        return talk + self._wrap_up[reason]

    def _contact_after_waits(
        self, cid: int, iid: int, reason: int, channel: int, attempt: int
    ) -> float:
        """:meth:`contact`, the patience shortened when the issue had a long wait before."""
        handle = self._contact_before_waits(cid, iid, reason, channel, attempt)
        rule = self._long_wait[reason]
        if rule is not None:
            previous = self._last_contact.get(iid)
            if previous is not None and self.rec.wait[previous] > rule.wait_above_s:
                self._waited_long.add(iid)
            if iid in self._waited_long:
                self.patience *= rule.factor
        self._last_contact[iid] = cid
        return handle

    def _contact_escalating(
        self, cid: int, iid: int, reason: int, channel: int, attempt: int
    ) -> float:
        """:meth:`contact`, and whether the call escalates, its second handle time and patience.

        Drawn for every contact of a reason that escalates (only calls escalate).
        """
        handle = self._contact_one_leg(cid, iid, reason, channel, attempt)
        draws = self._escalation[reason]
        if draws is not None:
            probability, leg_handle, leg_patience, uniform = draws
            u, second, patience = uniform(), leg_handle(), leg_patience()
            if u < probability and channel == PHONE:
                self.escalation[cid] = (second, patience)
        return handle

    def _journey(self, cid: int, iid: int, reason: int, attempt: int, talk: float) -> float:
        """The draws of a contact that only journeys need; return its handle time."""
        rec = self.rec
        if self._any_self_service and rec.issue_self_service[iid] == SELF_SERVICE_FAILED:
            talk *= self.self_service_of[reason].failure_handle_factor
        wrap_up = self._wrap_up[reason]
        if (use := self._uses[reason]) is not None:
            involvement = self._draw_involvement(use)
            if involvement is not None:
                if involvement.mode == CONSULT:  # the wrap-up follows the consult
                    involvement.hold_s = use.consult_hold_s
                    involvement.max_wait_s = use.consult_max_wait_s
                    involvement.fallback = self._consult_fallback[reason]
                    involvement.wrap_s, wrap_up = wrap_up, 0.0
                rec.third_party[cid] = involvement.mode
                self.involvement[cid] = involvement
        if self.need_fcr:
            self.u_fcr.append(self._fcr())
        if self.journeys:
            self.repeats.append(self._repeat() < self._repeat_p[reason])
            self.repeat_delay.append(self._repeat_delay[reason]())
        if self.redials:
            self.attempt.append(attempt)
            redials = self._redial() < self.redial_p and attempt < self._redial_max
            delay = self._redial_delay()
            self.redial_delay.append(delay if redials else NAN)
        return talk + wrap_up

    def _draw_involvement(self, use: ThirdPartyUse) -> Involvement | None:
        """Whether and how this contact will need the reason's third party (all drawn now)."""
        draw = self._third_party
        needs, mode_u, on_time_u, resolves_u = draw(), draw(), draw(), draw()
        party = self._parties[use.party]
        draw_work, draw_late, draw_callback, draw_grace = self._party_draws[use.party]
        work_s, late_s, callback_s = draw_work(), draw_late(), draw_callback()
        grace_s = draw_grace()  # the job's: the customer's wait after a broken promise
        if needs >= use.probability:
            return None
        m = use.mode
        mode = (
            CONSULT
            if mode_u < m.consult
            else TRANSFER
            if mode_u < m.consult + m.transfer
            else CALLBACK
        )
        return Involvement(
            party=party,
            mode=mode,
            on_time=on_time_u < party.spec.on_time_probability,
            late_s=late_s,
            resolves=resolves_u < party.spec.resolves,
            work_s=work_s,
            callback_s=callback_s,
            grace_s=grace_s,
        )

    def repeat_channel(self, reason: int, channel: int) -> int:
        """The channel of a repeat contact.

        Drawn by the reason's ``repeat.channel`` shares, else the issue's latest channel.
        """
        cum = self._repeat_channel_cum[reason]
        return channel if cum is None else bisect_right(cum, self._repeat_channel())

    def closed_retry(self) -> tuple[bool, float]:
        """Whether a customer who found the line closed tries again, and how long after it opens."""
        return self._retry() < self._retry_p, self._retry_delay()
