"""Behaviour under load (``reasons[].under_pressure``): agents rush when the center was busy.

Every minute the center's occupancy is sampled (agents on duty who are not idle, over agents on
duty); at the end of each interval (``horizon.interval_minutes``) the mean of that interval's
samples decides, per reason, whether the pressure is on during the next interval: occupancy
above ``occupancy_above``. While it is on, a contact of the reason answered has its drawn handle
time times ``handle_time_factor`` (:meth:`Pressure.scale`), and one that ends resolves with
``fcr_drop`` less (the center's FCR lists are swapped at the interval's end, so the check at a
contact's end costs nothing more). No random draw changes: the same customers arrive with the
same needs with and without the feature.
"""

from __future__ import annotations

from collections.abc import Callable, MutableSequence
from typing import Any

from simulator.engine.routing import Routing
from simulator.scenario.models import Scenario

SAMPLE_S = 60.0
"""How often the occupancy is looked at (an interval is a whole number of minutes)."""


class Pressure:
    """Per reason, whether agents are under pressure now, from the last interval's occupancy."""

    def __init__(
        self,
        scenario: Scenario,
        routing: Routing,
        handle: MutableSequence[float],
        on_fcr: Callable[[list[float], list[float]], None],
    ) -> None:
        self.routing = routing
        self.handle = handle
        self.on_fcr = on_fcr
        self.horizon_s = scenario.horizon.horizon_s
        self.per_interval = round(scenario.horizon.interval_s / SAMPLE_S)
        reasons = scenario.reasons
        self.spec = [r.under_pressure for r in reasons]
        self.pressed = [False] * len(reasons)
        self.factor = [1.0 if s is None else s.handle_time_factor for s in self.spec]
        self.fcr = [r.fcr for r in reasons]
        self.later_fcr = [r.later_fcr for r in reasons]
        self.ticks = 0
        self.busy = 0
        self.duty = 0
        #: the occupancy of each completed interval, as measured here (for tests and reports)
        self.occupancy: list[float] = []
        self._tick = self._tick
        self._at: Callable[[float, Callable[[Any], None], object], None] | None = None

    def start(self, at: Callable[[float, Callable[[Any], None], object], None]) -> None:
        """Begin sampling (the first interval has no pressure)."""
        self._at = at
        at(SAMPLE_S, self._tick, None)

    def _tick(self, ev: Any) -> None:
        for g in self.routing.groups:
            self.busy += g.on_duty - len(g.idle)
            self.duty += g.on_duty
        self.ticks += 1
        if self.ticks % self.per_interval == 0:
            occupancy = self.busy / self.duty if self.duty else 0.0
            self.occupancy.append(occupancy)
            self.busy = self.duty = 0
            pressed = [s is not None and occupancy > s.occupancy_above for s in self.spec]
            if pressed != self.pressed:
                self.pressed = pressed
                self.on_fcr(*self._fcr_lists(pressed))
        if ev.env._now + SAMPLE_S < self.horizon_s:
            self._at(SAMPLE_S, self._tick, None)

    def _fcr_lists(self, pressed: list[bool]) -> tuple[list[float], list[float]]:
        return self._lower(self.fcr, pressed), self._lower(self.later_fcr, pressed)

    def _lower(self, fcr: list[float], pressed: list[bool]) -> list[float]:
        """``fcr`` per reason, less the drop of the reasons under pressure (not below 0)."""
        return [
            max(0.0, p - s.fcr_drop) if on and s is not None else p
            for p, s, on in zip(fcr, self.spec, pressed, strict=True)
        ]

    def lowering(
        self, resolution: Callable[[int, int], tuple[list[float], list[float]]]
    ) -> Callable[[int, int], tuple[list[float], list[float]]]:
        """``resolution`` (an agent's FCR lists, spec D10) less the drop of the moment."""

        def lowered(cid: int, agent: int) -> tuple[list[float], list[float]]:
            fcr, later = resolution(cid, agent)
            pressed = self.pressed
            if not any(pressed):
                return fcr, later
            return self._lower(fcr, pressed), self._lower(later, pressed)

        return lowered

    def scale(self, cid: int, reason: int) -> None:
        """Contact ``cid`` is answered now: its handle time as the pressure has it."""
        if self.pressed[reason]:
            self.handle[cid] *= self.factor[reason]
