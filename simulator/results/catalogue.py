"""The KPI catalogue: every KPI's group, unit, good direction, English and Dutch label and format.

One entry per key, so a table, a figure, a report, a sweep and a training exercise cannot
disagree about what a KPI is called, how it is shown or which way is good; their selections
(``keys(group=...)``, ``headline()``) are views of it. ``KPIS`` are the keys of spec A2/A3 that
every replication produces, in the order of the terminal table and of the summary columns;
``COST_KPIS`` (spec D2) follow them only when the scenario has a ``costs`` block, so a run
without prices shows no money at all (``kpi_keys(costs)``); ``STUDY_METRICS`` are numbers only
a study computes (training, assessment gates), named here too so that they are labelled and
formatted like the rest.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

Group = Literal[
    "accessibility",
    "efficiency",
    "journeys",
    "channels",
    "agents",
    "third_parties",
    "voice",
    "costs",
    "other",
]
Unit = Literal["share", "seconds", "hours", "count", "ratio", "score", "nps", "currency"]
Direction = Literal["higher", "lower", "neutral"]

GROUPS: tuple[Group, ...] = (
    "accessibility",
    "efficiency",
    "journeys",
    "channels",
    "agents",
    "third_parties",
    "voice",
    "costs",
    "other",
)
"""Groups in the order of the report's KPI table."""

_DECIMALS: dict[Unit, int | None] = {"share": 1, "nps": 1, "score": 2, "ratio": 3, "currency": 2}


@dataclass(frozen=True)
class Kpi:
    """What a KPI is: its key, where it is listed, its unit, which way is good, and its names.

    ``decimals`` is fixed for shares (of a percent), NPS, scores and ratios; ``None`` means by
    magnitude (seconds: 2 below 100 s else 1; hours: 2 below 10 h else 1; counts: whole from
    100 or when integral, else 1). ``a2`` marks the keys of spec A2's example, which tables show
    even when they are 0; ``headline`` is the position among the few KPIs a summary shows.
    """

    key: str
    group: Group
    unit: Unit
    direction: Direction
    en: str
    nl: str
    decimals: int | None = None
    a2: bool = False
    headline: int | None = None

    def __post_init__(self) -> None:
        if self.decimals is None:
            object.__setattr__(self, "decimals", _DECIMALS.get(self.unit))

    def label(self, lang: str) -> str:
        """The name in ``lang`` (``en`` or ``nl``)."""
        return self.nl if lang == "nl" else self.en


KPIS: tuple[Kpi, ...] = (
    Kpi(
        "offered",
        "accessibility",
        "count",
        "neutral",
        "Offered contacts",
        "Aangeboden contacten",
        a2=True,
    ),
    Kpi(
        "contacts",
        "accessibility",
        "count",
        "neutral",
        "Contacts (all channels)",
        "Contacten (alle kanalen)",
    ),
    Kpi("answered", "accessibility", "count", "neutral", "Answered", "Beantwoord", a2=True),
    Kpi(
        "abandoned",
        "accessibility",
        "count",
        "lower",
        "Abandoned",
        "Opgehangen in de wachtrij",
        a2=True,
    ),
    Kpi(
        "abandon_rate",
        "accessibility",
        "share",
        "lower",
        "Abandon rate",
        "Afhaakpercentage",
        a2=True,
        headline=3,
    ),
    Kpi(
        "asa_s",
        "accessibility",
        "seconds",
        "lower",
        "Average wait (ASA)",
        "Wachttijd (gemiddeld, ASA)",
        a2=True,
        headline=1,
    ),
    Kpi(
        "service_level",
        "accessibility",
        "share",
        "higher",
        "Service level",
        "Servicelevel",
        a2=True,
        headline=2,
    ),
    Kpi(
        "service_level_excl_short_abandons",
        "accessibility",
        "share",
        "higher",
        "Service level, short abandons left out",
        "Servicelevel, zonder korte afhakers",
    ),
    Kpi(
        "service_level_answered",
        "accessibility",
        "share",
        "higher",
        "Service level of answered calls",
        "Servicelevel van beantwoorde gesprekken",
    ),
    Kpi(
        "wait_p90_s",
        "accessibility",
        "seconds",
        "lower",
        "Wait, 90th percentile",
        "Wachttijd, 90e percentiel",
        a2=True,
    ),
    Kpi(
        "aht_s",
        "efficiency",
        "seconds",
        "neutral",
        "Average handle time (AHT)",
        "Gemiddelde afhandeltijd (AHT)",
        a2=True,
    ),
    Kpi(
        "occupancy",
        "efficiency",
        "share",
        "neutral",
        "Occupancy",
        "Bezettingsgraad",
        a2=True,
        headline=5,
    ),
    Kpi("issues", "journeys", "count", "neutral", "Customer issues", "Klantvragen", a2=True),
    Kpi(
        "fcr",
        "journeys",
        "share",
        "higher",
        "First-contact resolution (FCR)",
        "In één keer goed (FCR)",
        a2=True,
        headline=6,
    ),
    Kpi("repeat_rate", "journeys", "share", "lower", "Repeat contact", "Herhaalcontact", a2=True),
    Kpi("redials", "accessibility", "count", "lower", "Redials", "Opnieuw gebeld na ophangen"),
    Kpi(
        "contacts_per_issue",
        "journeys",
        "ratio",
        "lower",
        "Contacts per issue",
        "Contacten per klantvraag",
        a2=True,
        headline=4,
    ),
    Kpi(
        "in_system_at_end",
        "accessibility",
        "count",
        "lower",
        "Waiting at end",
        "Wachtend aan het eind",
        a2=True,
    ),
    Kpi("resolved", "journeys", "count", "neutral", "Issues resolved", "Klantvragen opgelost"),
    Kpi("gave_up", "journeys", "count", "lower", "Issues given up", "Klantvragen opgegeven"),
    Kpi(
        "deflected",
        "journeys",
        "count",
        "neutral",
        "Issues deflected (self-service)",
        "Klantvragen via selfservice",
    ),
    Kpi(
        "open_at_end",
        "journeys",
        "count",
        "neutral",
        "Issues open at end",
        "Klantvragen open aan het eind",
    ),
    Kpi(
        "mean_queue_length",
        "efficiency",
        "count",
        "lower",
        "Mean queue length",
        "Gemiddelde wachtrij",
        decimals=2,
    ),
    Kpi(
        "agent_hours",
        "efficiency",
        "hours",
        "neutral",
        "Agent hours paid (on duty, breaks, absence)",
        "Agenturen betaald (in dienst, pauzes, verzuim)",
    ),
    Kpi(
        "available_hours",
        "efficiency",
        "hours",
        "neutral",
        "Agent hours available (less breaks, absence, off-phone)",
        "Agenturen beschikbaar (zonder pauzes, verzuim, niet-telefoontijd)",
    ),
    Kpi(
        "simulated_shrinkage",
        "efficiency",
        "share",
        "neutral",
        "Shrinkage simulated",
        "Gesimuleerde shrinkage",
    ),
    Kpi(
        "refused",
        "accessibility",
        "count",
        "lower",
        "Refused (line closed)",
        "Geweigerd (lijn gesloten)",
    ),
    Kpi("resolved_share", "journeys", "share", "higher", "Share resolved", "Aandeel opgelost"),
    Kpi("gave_up_share", "journeys", "share", "lower", "Share given up", "Aandeel opgegeven"),
    Kpi(
        "deflected_share",
        "journeys",
        "share",
        "higher",
        "Share deflected",
        "Aandeel via selfservice",
    ),
    Kpi(
        "time_to_resolution_h",
        "journeys",
        "hours",
        "lower",
        "Time to resolution",
        "Doorlooptijd tot oplossing",
    ),
    Kpi(
        "time_to_resolution_p90_h",
        "journeys",
        "hours",
        "lower",
        "Time to resolution, 90th percentile",
        "Doorlooptijd tot oplossing, 90e percentiel",
    ),
    Kpi(
        "callbacks_promised",
        "third_parties",
        "count",
        "neutral",
        "Callbacks promised",
        "Terugbelverzoeken toegezegd",
    ),
    Kpi(
        "callbacks_on_time",
        "third_parties",
        "count",
        "neutral",
        "Callbacks on time",
        "Op tijd teruggebeld",
    ),
    Kpi(
        "callbacks_late", "third_parties", "count", "lower", "Callbacks late", "Te laat teruggebeld"
    ),
    Kpi(
        "callbacks_missed",
        "third_parties",
        "count",
        "lower",
        "Missed callbacks",
        "Gemiste terugbelverzoeken",
    ),
    Kpi(
        "missed_callback_contacts",
        "third_parties",
        "count",
        "lower",
        "Contacts after a missed callback",
        "Contacten na een gemist terugbelverzoek",
    ),
    Kpi(
        "missed_callback_share",
        "third_parties",
        "share",
        "lower",
        "Share of contacts after a missed callback",
        "Aandeel contacten na een gemist terugbelverzoek",
    ),
    Kpi("transfers", "third_parties", "count", "neutral", "Transfers", "Doorverbonden"),
    Kpi(
        "consult_hold_h",
        "third_parties",
        "hours",
        "neutral",
        "Consult hold time",
        "Ruggespraak (wachttijd klant)",
    ),
    Kpi("consults", "third_parties", "count", "neutral", "Consults made", "Ruggespraak gevoerd"),
    Kpi(
        "consult_fallbacks",
        "third_parties",
        "count",
        "lower",
        "Consults not made (fallback)",
        "Ruggespraak niet gelukt (terugval)",
    ),
    Kpi(
        "consult_wait_s",
        "third_parties",
        "seconds",
        "lower",
        "Wait for the third party before a consult",
        "Wachttijd op de derde partij voor ruggespraak",
    ),
    Kpi(
        "callbacks_offered",
        "accessibility",
        "count",
        "neutral",
        "Callback offered (virtual hold)",
        "Terugbellen aangeboden (terugbelknop)",
    ),
    Kpi(
        "callbacks_accepted",
        "accessibility",
        "count",
        "neutral",
        "Callback accepted (virtual hold)",
        "Terugbellen aangenomen (terugbelknop)",
    ),
    Kpi(
        "callback_wait_s",
        "accessibility",
        "seconds",
        "lower",
        "Wait of callers called back",
        "Wachttijd van teruggebelde bellers",
    ),
    Kpi(
        "escalations",
        "accessibility",
        "count",
        "neutral",
        "Calls escalated to a second group",
        "Gesprekken doorgezet naar de tweede lijn",
    ),
    Kpi(
        "escalation_asa_s",
        "accessibility",
        "seconds",
        "lower",
        "Wait of escalated calls in the second queue",
        "Wachttijd van doorgezette gesprekken bij de tweede lijn",
    ),
    Kpi(
        "escalation_abandoned",
        "accessibility",
        "count",
        "lower",
        "Escalated calls abandoned in the second queue",
        "Doorgezette gesprekken opgehangen bij de tweede lijn",
    ),
    Kpi(
        "csat",
        "voice",
        "score",
        "higher",
        "Customer satisfaction (CSAT)",
        "Klanttevredenheid (CSAT)",
        headline=7,
    ),
    Kpi("ces", "voice", "score", "lower", "Customer effort (CES)", "Klantinspanning (CES)"),
    Kpi(
        "nps",
        "voice",
        "nps",
        "higher",
        "Net Promoter Score (NPS)",
        "Net Promoter Score (NPS)",
        headline=8,
    ),
    Kpi(
        "proactive_calls",
        "journeys",
        "count",
        "neutral",
        "Proactive calls made",
        "Proactief gebeld",
    ),
    Kpi(
        "prevented",
        "journeys",
        "count",
        "higher",
        "Contacts prevented by a proactive call",
        "Contacten voorkomen door proactief bellen",
    ),
    Kpi("overtime_h", "agents", "hours", "neutral", "Overtime", "Overwerk"),
    Kpi(
        "occupancy_above_85_share",
        "agents",
        "share",
        "lower",
        "Intervals above 85% occupancy",
        "Intervallen boven 85% bezetting",
    ),
    Kpi(
        "occupancy_above_90_share",
        "agents",
        "share",
        "lower",
        "Intervals above 90% occupancy",
        "Intervallen boven 90% bezetting",
    ),
    Kpi(
        "longest_busy_stretch_h",
        "agents",
        "hours",
        "lower",
        "Longest back-to-back stretch of an agent",
        "Langste aaneengesloten werkperiode van een medewerker",
    ),
    Kpi(
        "esat",
        "agents",
        "score",
        "higher",
        "Employee satisfaction (proxy, 0-10)",
        "Medewerkerstevredenheid (proxy, 0-10)",
    ),
    Kpi(
        "leavers",
        "agents",
        "count",
        "lower",
        "Agents who left (attrition model)",
        "Vertrokken medewerkers (verloopmodel)",
    ),
    Kpi("chat_offered", "channels", "count", "neutral", "Chats offered", "Chats aangeboden"),
    Kpi("chat_answered", "channels", "count", "neutral", "Chats answered", "Chats beantwoord"),
    Kpi("chat_abandoned", "channels", "count", "lower", "Chats abandoned", "Chats afgebroken"),
    Kpi(
        "chat_in_system_at_end",
        "channels",
        "count",
        "lower",
        "Chats waiting at end",
        "Chats wachtend aan het eind",
    ),
    Kpi(
        "chat_abandon_rate",
        "channels",
        "share",
        "lower",
        "Chat abandon rate",
        "Afbreekpercentage chat",
    ),
    Kpi(
        "chat_asa_s",
        "channels",
        "seconds",
        "lower",
        "Chat: average speed of answer",
        "Chat: gemiddelde wachttijd",
    ),
    Kpi(
        "chat_service_level",
        "channels",
        "share",
        "higher",
        "Chat service level",
        "Servicelevel chat",
    ),
    Kpi("email_received", "channels", "count", "neutral", "E-mails received", "E-mails ontvangen"),
    Kpi("email_answered", "channels", "count", "neutral", "E-mails answered", "E-mails beantwoord"),
    Kpi(
        "email_backlog_end",
        "channels",
        "count",
        "lower",
        "E-mail backlog at end",
        "E-mailachterstand aan het eind",
    ),
    Kpi(
        "email_service_level",
        "channels",
        "share",
        "higher",
        "E-mail service level",
        "Servicelevel e-mail",
    ),
    Kpi(
        "email_throughput_h",
        "channels",
        "hours",
        "lower",
        "E-mail throughput time",
        "Doorlooptijd e-mail",
    ),
    Kpi(
        "repeats_after_horizon",
        "other",
        "count",
        "neutral",
        "Repeats due after the horizon (not simulated)",
        "Herhaalcontacten na de horizon (niet gesimuleerd)",
    ),
    Kpi(
        "redials_after_horizon",
        "other",
        "count",
        "neutral",
        "Redials due after the horizon (not simulated)",
        "Terugbelpogingen na de horizon (niet gesimuleerd)",
    ),
    Kpi(
        "retries_after_horizon",
        "other",
        "count",
        "neutral",
        "Retries after a closed line due after the horizon",
        "Nieuwe pogingen na sluiting, na de horizon",
    ),
    Kpi(
        "callbacks_after_horizon",
        "other",
        "count",
        "neutral",
        "Third-party callbacks due after the horizon",
        "Terugbelacties van derden na de horizon",
    ),
    Kpi(
        "due_after_horizon_share",
        "other",
        "share",
        "lower",
        "Share of contacts due after the horizon",
        "Aandeel contacten na de horizon",
    ),
)

COST_KPIS: tuple[Kpi, ...] = (
    Kpi("cost_total", "costs", "currency", "lower", "Total cost", "Totale kosten"),
    Kpi("cost_agents", "costs", "currency", "lower", "Cost of agent hours", "Kosten agenturen"),
    Kpi(
        "cost_handling",
        "costs",
        "currency",
        "lower",
        "Cost of handled minutes",
        "Kosten afgehandelde minuten",
    ),
    Kpi(
        "cost_third_party",
        "costs",
        "currency",
        "lower",
        "Cost of third-party jobs",
        "Kosten werk van derden",
    ),
    Kpi("cost_per_contact", "costs", "currency", "lower", "Cost per contact", "Kosten per contact"),
    Kpi(
        "cost_per_resolved_issue",
        "costs",
        "currency",
        "lower",
        "Cost per resolved issue",
        "Kosten per opgeloste vraag",
    ),
    Kpi(
        "cost_of_repeats",
        "costs",
        "currency",
        "lower",
        "Cost of repeat contacts",
        "Kosten van herhaalcontacten",
    ),
)
"""Spec D2's money KPIs: produced only by a scenario with a ``costs`` block (absent, not 0,
without one), after the KPIs every replication has."""

LOST_KPIS: tuple[Kpi, ...] = (
    Kpi(
        "lost_customers",
        "costs",
        "count",
        "lower",
        "Customers lost (expected, assumed)",
        "Verloren klanten (verwacht, aanname)",
    ),
    Kpi(
        "cost_lost_customers",
        "costs",
        "currency",
        "lower",
        "Value of customers lost (assumed, not in total cost)",
        "Waarde verloren klanten (aanname, niet in totale kosten)",
    ),
)
"""Customers lost (``costs.lost_customer``, an assumption): only with that block, after the cost
KPIs, and never part of ``cost_total``."""

STUDY_METRICS: tuple[Kpi, ...] = (
    Kpi(
        "repeat_contacts",
        "journeys",
        "count",
        "lower",
        "Repeat contacts (incl. after missed callback)",
        "Herhaalcontacten (ook na gemiste terugbelafspraak)",
    ),
    Kpi(
        "agent_hours_needed",
        "efficiency",
        "hours",
        "lower",
        "Agent hours needed for the service level",
        "Agenturen nodig voor het servicelevel",
    ),
    Kpi(
        "cost_per_week",
        "costs",
        "currency",
        "lower",
        "Cost per week (as rostered)",
        "Kosten per week (zoals ingeroosterd)",
    ),
    Kpi(
        "cost_needed_per_week",
        "costs",
        "currency",
        "lower",
        "Cost per week at the agent hours needed",
        "Kosten per week bij de benodigde agenturen",
    ),
    Kpi(
        "registration_share",
        "other",
        "share",
        "higher",
        "Contacts registered with a reason",
        "Contacten geregistreerd met een reden",
    ),
    Kpi(
        "ces_rank",
        "voice",
        "count",
        "neutral",
        "Best customer effort (CES ranking)",
        "Beste klantinspanning (CES-ranking)",
    ),
    Kpi("phase_4", "other", "count", "neutral", "Phase 4 reached", "Fase 4 bereikt"),
)

CATALOGUE: dict[str, Kpi] = {k.key: k for k in (*KPIS, *COST_KPIS, *LOST_KPIS, *STUDY_METRICS)}
"""Every entry by key."""

KPI_KEYS: tuple[str, ...] = tuple(k.key for k in KPIS)
"""The keys each replication produces, in the order of the terminal table and summary columns."""

COST_KEYS: tuple[str, ...] = tuple(k.key for k in COST_KPIS)
"""The keys a replication adds when its scenario has ``costs``."""


LOST_KEYS: tuple[str, ...] = tuple(k.key for k in LOST_KPIS)
"""The keys a replication adds when its ``costs`` block has ``lost_customer``."""


def kpi_keys(costs: bool = False, lost: bool = False) -> tuple[str, ...]:
    """The keys a replication produces.

    ``KPI_KEYS``, then ``COST_KEYS`` when ``costs``, then ``LOST_KEYS`` when ``lost`` (with
    ``costs.lost_customer``).
    """
    if not costs:
        return KPI_KEYS
    return (*KPI_KEYS, *COST_KEYS, *LOST_KEYS) if lost else (*KPI_KEYS, *COST_KEYS)


def entry(key: str) -> Kpi | None:
    """The catalogue entry of ``key``; ``None`` for a key ccsim does not know (shown as it is)."""
    return CATALOGUE.get(key)


def keys(group: Group | None = None) -> tuple[str, ...]:
    """The KPI keys of ``group`` (all when ``None``, costs included), in catalogue order."""
    kpis = (*KPIS, *COST_KPIS, *LOST_KPIS)
    return tuple(k.key for k in kpis if group is None or k.group == group)


def headline() -> tuple[str, ...]:
    """The few KPIs a summary shows (a sweep's table, its report, a comparison's picture)."""
    ranked = sorted((k for k in KPIS if k.headline is not None), key=lambda k: k.headline or 0)
    return tuple(k.key for k in ranked)


def a2_keys() -> tuple[str, ...]:
    """The keys of spec A2's example: tables always show them."""
    return tuple(k.key for k in KPIS if k.a2)


def direction(key: str) -> Direction:
    """Which way is good for ``key``; ``neutral`` when neither is, or the key is unknown."""
    kpi = entry(key)
    return kpi.direction if kpi else "neutral"


def grouped(present: Iterable[str]) -> list[tuple[Group, list[str]]]:
    """The keys of ``present`` by group, in the order of the report's KPI table.

    Groups in ``GROUPS`` order, keys in catalogue order, keys the catalogue lacks last under
    ``other``. Groups with none of the keys are left out.
    """
    present = list(present)
    known = [(g, [k for k in keys(g) if k in present]) for g in GROUPS]
    unknown = [k for k in present if k not in CATALOGUE]
    groups = [(g, ks + unknown if g == "other" else ks) for g, ks in known]
    return [(g, ks) for g, ks in groups if ks]
