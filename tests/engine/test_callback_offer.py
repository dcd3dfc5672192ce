"""The center's callback offer, virtual hold (spec D5): ``channels.phone.callback_offer``.

Checked against what can be derived by hand: with every caller accepting at threshold 0 nobody
abandons; call by call from the records, a call was offered exactly when it queued, the wait
estimate (place x AHT / agents) reached the threshold and no more than N callers waited on the
line; the estimate, the closing line and the hiding rule on hand-set queues; conservation (spec
A3) and common random numbers for the accept draw.
"""

from __future__ import annotations

import numpy as np
import pytest

from simulator.engine.center import ContactCenter, simulate
from simulator.engine.records import ABANDONED, ANSWERED, WAITING, Records, as_array
from simulator.engine.routing import PHONE, Routing
from simulator.results.kpis import conservation_errors, replication_kpis
from tests.conftest import scenario

AHT = 300.0


def _overloaded(offer: dict | None, **changes) -> object:
    """A phone line with more calls than agents: 300 calls/h of 300 s (25 Erlang) on 22 agents,
    patience exponential 120 s, 24 h open, a redial for half the abandons."""
    base = {
        "replications": 3,
        "horizon": {"days": 1, "warmup_minutes": 60},
        "arrivals": {"per_hour": 300},
        "reasons": [
            {"name": "x", "share": 1.0, "handle_time": {"dist": "exponential", "mean_s": AHT}}
        ],
        "channels": {
            "phone": {
                "callback_offer": offer,
                "redial": {
                    "probability": 0.5,
                    "delay": {"dist": "exponential", "mean_s": 300},
                },
            }
        },
        "agents": {"headcount": 22},
    }
    base.update(changes)
    return scenario(base)


def test_every_caller_accepting_at_threshold_zero_removes_abandonment():
    """wait_above_s 0 and accept 1, no opening hours and no hiding: every call that finds no
    agent free is offered the callback (an estimate is always >= 0; the line never closes) and
    accepts, so no call has a patience timer: exactly 0 abandoned, 0 redials, and every call
    that waited was offered and accepted. Without the offer the same customers abandon (a
    check that the case is one where abandonment would happen). Conservation holds."""
    on = _overloaded({"wait_above_s": 0, "accept": 1.0})
    off = _overloaded(None)
    for r in range(on.replications):
        rec = simulate(on, r)
        kpis = replication_kpis(rec, on)
        assert conservation_errors(kpis) == []
        assert kpis["abandoned"] == 0.0
        assert kpis["redials"] == 0.0
        assert (as_array(rec.outcome) != ABANDONED).all()  # warm-up included
        waited = np.flatnonzero((as_array(rec.wait) > 0) | (as_array(rec.outcome) == WAITING))
        assert as_array(rec.offer_contact).tolist() == waited.tolist()
        assert all(as_array(rec.offer_accepted))
        counted = as_array(rec.arrival)[waited] >= on.horizon.warmup_s
        assert kpis["callbacks_offered"] == kpis["callbacks_accepted"] == counted.sum() > 1000
        answered = waited[counted & (as_array(rec.outcome)[waited] == ANSWERED)]
        assert kpis["callback_wait_s"] == pytest.approx(as_array(rec.wait)[answered].mean())
        without = replication_kpis(simulate(off, r), off)
        assert without["abandon_rate"] > 0.05
        assert np.isnan(without["callback_wait_s"])
        assert without["callbacks_offered"] == 0


def _line_and_queue_at_arrivals(rec: Records) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per call: whether it queued, and at its arrival the calls waiting in all (virtual hold
    included) and those waiting on the line (virtual hold left out), from the records alone."""
    arrival, wait, outcome = as_array(rec.arrival), as_array(rec.wait), as_array(rec.outcome)
    queued = (wait > 0) | (outcome == WAITING)
    end = np.where(outcome == WAITING, np.inf, arrival + wait)
    held = np.zeros(len(arrival), dtype=bool)
    held[as_array(rec.offer_contact)[as_array(rec.offer_accepted) != 0]] = True
    order = np.argsort(arrival)
    all_waiting = np.empty(len(arrival), dtype=np.int64)
    on_line = np.empty(len(arrival), dtype=np.int64)
    for i in order:
        t = arrival[i]
        waiting = queued & (arrival < t) & (end > t)
        all_waiting[i] = waiting.sum()
        on_line[i] = (waiting & ~held).sum()
    return queued, all_waiting, on_line


@pytest.mark.parametrize(("threshold", "hide"), [(0.0, 3), (60.0, None), (60.0, 8)])
def test_offered_exactly_when_the_rule_says_call_by_call(threshold, hide):
    """From the records alone: a call is offered the callback iff it queued (no agent free),
    the estimate (1 + calls waiting) x 300 s / 22 agents is >= the threshold (60 s: at least
    4 waiting, since 4 x 300 / 22 = 54.5 s < 60 <= 5 x 300 / 22 = 68.2 s), and at most ``hide``
    callers wait on the line (those on virtual hold not counted). Half the offers are accepted.
    Conservation holds with callers on virtual hold."""
    sc = _overloaded(
        {"wait_above_s": threshold, "accept": 0.5, "hide_when_waiting_above": hide},
        replications=1,
        horizon={"days": 1, "warmup_minutes": 0},
        arrivals={"per_hour": [300.0] * 12 + [0.0] * 36},  # six busy hours, then none
    )
    rec = simulate(sc, 0)
    assert conservation_errors(replication_kpis(rec, sc)) == []
    queued, all_waiting, on_line = _line_and_queue_at_arrivals(rec)
    estimate = (1 + all_waiting) * AHT / 22
    expected = queued & (estimate >= threshold) & (on_line <= (np.inf if hide is None else hide))
    offered = np.zeros(len(queued), dtype=bool)
    offered[as_array(rec.offer_contact)] = True
    assert offered.tolist() == expected.tolist()
    accepted = as_array(rec.offer_accepted)
    assert 0.4 < accepted.mean() < 0.6
    assert len(accepted) > 300
    if hide is not None:  # the rule bit: some calls queued but saw too many on the line
        assert (queued & (estimate >= threshold) & (on_line > hide)).sum() > 50
    held = as_array(rec.offer_contact)[accepted != 0]
    assert (as_array(rec.outcome)[held] != ABANDONED).all()


def test_accept_draw_is_made_for_every_call_whatever_the_staffing():
    """Common random numbers: whether caller i would accept is drawn when the call is made
    (stream ``callback_accept``), used or not, so the calls offered in two staffings (without
    redials the contacts are the same customers in the same order) have the same answer."""
    offer = {"wait_above_s": 0, "accept": 0.5}
    a = _overloaded(offer, channels={"phone": {"callback_offer": offer}})
    b = _overloaded(offer, channels={"phone": {"callback_offer": offer}}, agents={"headcount": 24})
    ra, rb = simulate(a, 0), simulate(b, 0)
    assert as_array(ra.arrival).tolist() == as_array(rb.arrival).tolist()
    answer_a = dict(zip(as_array(ra.offer_contact).tolist(), ra.offer_accepted, strict=True))
    answer_b = dict(zip(as_array(rb.offer_contact).tolist(), rb.offer_accepted, strict=True))
    both = answer_a.keys() & answer_b.keys()
    assert len(both) > 500
    assert len(answer_a) != len(answer_b)
    assert all(answer_a[c] == answer_b[c] for c in both)


def test_no_offer_leaves_every_number_and_draw_as_it_was():
    """An offer that is never made (threshold above any estimate) leaves the numbers exactly
    as without the key: the accept draw has a stream of its own."""
    never = _overloaded({"wait_above_s": 1e7, "accept": 1.0})
    without = _overloaded(None)
    a, b = simulate(never, 0), simulate(without, 0)
    assert len(a.offer_contact) == 0
    ka, kb = replication_kpis(a, never), replication_kpis(b, without)
    assert ka == pytest.approx(kb, rel=0, abs=0, nan_ok=True)


def _offers(**phone) -> tuple[Routing, object]:
    """Routing of two reasons and two groups, offers on, nothing simulated.

    Reason ``a``: priority 1, mean handle 300 s + 30 s wrap-up (330 s); ``b``: 200 s.
    Group ``ab`` (skills a, b) and ``b`` (skill b only)."""
    sc = scenario(
        {
            "horizon": {"start": "2026-01-05", "days": 1, "warmup_minutes": 0},
            "calendar": {"opening_hours": {"mon-sun": "08:00-17:00"}},
            "reasons": [
                {
                    "name": "a",
                    "share": 0.5,
                    "priority": 1,
                    "wrap_up_s": 30,
                    "handle_time": {"dist": "exponential", "mean_s": 300},
                },
                {"name": "b", "share": 0.5, "handle_time": {"dist": "exponential", "mean_s": 200}},
            ],
            "channels": {"phone": {"callback_offer": phone}},
            "agents": {
                "headcount": None,
                "groups": [
                    {"name": "ab", "skills": ["a", "b"], "headcount": 4},
                    {"name": "b", "skills": ["b"], "headcount": 2},
                ],
            },
        }
    )
    routing = Routing(sc, Records(replication=0))
    routing.groups[0].on_duty, routing.groups[1].on_duty = 4, 2
    return routing, routing.callback_offers


def test_the_wait_estimate_by_hand():
    """Place x mean handle time / agents on duty of the groups that take the call.

    With 3 calls of ``a`` and 5 of ``b`` waiting: a new ``a`` call is 4th (``b`` is of a lower
    priority), taken by group ``ab`` alone (4 agents): 4 x 330 / 4 = 330 s. A new ``b`` call is
    behind all 8 (both groups take ``b``; ``a`` is higher): 9 x 200 / 6 = 300 s. An agent who
    is leaving (busy, going off duty) does not count: 4 x 330 / 3 = 440 s. Nobody on duty:
    infinite."""
    routing, offers = _offers(wait_above_s=0)
    n = routing.n_reasons
    routing.qwait[PHONE * n + 0], routing.qwait[PHONE * n + 1] = 3, 5
    assert offers.estimate(0) == pytest.approx(330.0)
    assert offers.estimate(1) == pytest.approx(300.0)
    routing.groups[0].leaving = 1
    assert offers.estimate(0) == pytest.approx(440.0)
    routing.groups[0].on_duty = routing.groups[0].leaving = 0
    assert offers.estimate(0) == np.inf


def test_offer_needs_the_line_open_when_the_callback_is_due_and_few_on_the_line():
    """The line closes at 17:00 on the first day. Nothing waits, 4 agents of ``ab``: an ``a``
    call's estimate is 1 x 330 / 4 = 82.5 s. At 16:58 (120 s before closing) it is offered;
    at 16:59 (60 s) not. Hiding above 3: with 6 calls waiting of which 2 on virtual hold, 4
    are on the line (> 3): no offer; with 1 fewer waiting, 3 (not above 3): offered."""
    routing, offers = _offers(wait_above_s=0, accept=1.0, hide_when_waiting_above=3)
    at_1658, at_1659 = 16 * 3600 + 58 * 60, 16 * 3600 + 59 * 60
    assert offers.estimate(0) == pytest.approx(82.5)
    assert not offers.offer(10, 0, True, at_1659)
    assert offers.offer(11, 0, True, at_1658)
    assert offers.on_hold == 1
    assert offers.held == {11}
    routing.waiting, offers.on_hold = 6, 2
    assert not offers.offer(12, 0, True, 9 * 3600)
    routing.waiting = 5
    assert offers.offer(13, 0, False, 9 * 3600) is False  # offered, declined
    assert list(routing.rec.offer_contact) == [11, 13]
    assert list(routing.rec.offer_accepted) == [1, 0]


def test_without_offers_nothing_is_bound():
    """No ``callback_offer``: no offer state, and the center queues with the plain method."""
    center = ContactCenter(_overloaded(None), 0)
    assert center.routing.callback_offers is None
    assert center._enqueue.__func__ is ContactCenter._enqueue
    assert center._take_next.__func__ is Routing.take_next


def test_contacts_table_says_what_each_caller_chose():
    """``callback_offer`` in the contacts table: ``accepted`` and ``declined`` rows are the
    offers of the records, and without warm-up their counts are the KPIs'."""
    from simulator.results.frames import contacts_frame

    sc = _overloaded({"wait_above_s": 30, "accept": 0.5}, horizon={"days": 1, "warmup_minutes": 0})
    rec = simulate(sc, 0)
    frame = contacts_frame(rec, [r.name for r in sc.reasons])
    kpis = replication_kpis(rec, sc)
    counts = frame["callback_offer"].value_counts()
    assert counts["accepted"] == kpis["callbacks_accepted"] > 0
    assert counts["accepted"] + counts["declined"] == kpis["callbacks_offered"]
    accepted = frame[frame["callback_offer"] == "accepted"]
    assert (accepted["outcome"] != "abandoned").all()
    answered = accepted[accepted["outcome"] == "answered"]
    assert answered["wait_s"].mean() == pytest.approx(kpis["callback_wait_s"])
