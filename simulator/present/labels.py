"""User-facing words of reports, plots and assessments, in English (default) and Dutch.

ccsim's users present results to Dutch-speaking managers (see the domain notes), so every label a
report shows comes from here rather than from string literals in the code; a test checks that both
languages hold the same keys and placeholders. Error messages of the command line stay English.
"""

from __future__ import annotations

import math

from simulator.errors import CcsimError, one_of

LANGS = ("en", "nl")
DEFAULT_LANG = "en"


class LanguageError(CcsimError):
    """A report language ccsim does not have."""


EN: dict[str, str] = {
    # KPI names (keys of spec A3 and of the journey model)
    "kpi.offered": "Offered contacts",
    "kpi.contacts": "Contacts (all channels)",
    "kpi.answered": "Answered",
    "kpi.abandoned": "Abandoned",
    "kpi.abandon_rate": "Abandon rate",
    "kpi.asa_s": "Average wait (ASA)",
    "kpi.service_level": "Service level",
    "kpi.wait_p90_s": "Wait, 90th percentile",
    "kpi.aht_s": "Average handle time (AHT)",
    "kpi.occupancy": "Occupancy",
    "kpi.issues": "Customer issues",
    "kpi.fcr": "First-contact resolution (FCR)",
    "kpi.repeat_rate": "Repeat contact",
    "kpi.redials": "Redials",
    "kpi.contacts_per_issue": "Contacts per issue",
    "kpi.in_system_at_end": "Waiting at end",
    "kpi.refused": "Refused (line closed)",
    "kpi.resolved": "Issues resolved",
    "kpi.gave_up": "Issues given up",
    "kpi.deflected": "Issues deflected (self-service)",
    "kpi.open_at_end": "Issues open at end",
    "kpi.mean_queue_length": "Mean queue length",
    "kpi.agent_hours": "Agent hours on duty",
    "kpi.csat": "Customer satisfaction (CSAT)",
    "kpi.ces": "Customer effort (CES)",
    "kpi.nps": "Net Promoter Score (NPS)",
    "kpi.resolved_share": "Share resolved",
    "kpi.gave_up_share": "Share given up",
    "kpi.deflected_share": "Share deflected",
    "kpi.time_to_resolution_h": "Time to resolution",
    "kpi.callbacks_missed": "Missed callbacks",
    "kpi.time_to_resolution_p90_h": "Time to resolution, 90th percentile",
    "kpi.callbacks_promised": "Callbacks promised",
    "kpi.callbacks_on_time": "Callbacks on time",
    "kpi.callbacks_late": "Callbacks late",
    "kpi.missed_callback_contacts": "Contacts after a missed callback",
    "kpi.missed_callback_share": "Share of contacts after a missed callback",
    "kpi.transfers": "Transfers",
    "kpi.consult_hold_h": "Consult hold time",
    "kpi.proactive_calls": "Proactive calls made",
    "kpi.prevented": "Contacts prevented by a proactive call",
    "kpi.overtime_h": "Overtime",
    "kpi.occupancy_above_85_share": "Intervals above 85% occupancy",
    "kpi.occupancy_above_90_share": "Intervals above 90% occupancy",
    "kpi.longest_busy_stretch_h": "Longest back-to-back stretch of an agent",
    "kpi.chat_offered": "Chats offered",
    "kpi.chat_answered": "Chats answered",
    "kpi.chat_abandoned": "Chats abandoned",
    "kpi.chat_in_system_at_end": "Chats waiting at end",
    "kpi.chat_abandon_rate": "Chat abandon rate",
    "kpi.chat_asa_s": "Chat: average speed of answer",
    "kpi.chat_service_level": "Chat service level",
    "kpi.email_received": "E-mails received",
    "kpi.email_answered": "E-mails answered",
    "kpi.email_backlog_end": "E-mail backlog at end",
    "kpi.email_service_level": "E-mail service level",
    "kpi.email_throughput_h": "E-mail throughput time",
    "kpi.repeats_after_horizon": "Repeats due after the horizon (not simulated)",
    "kpi.redials_after_horizon": "Redials due after the horizon (not simulated)",
    "kpi.retries_after_horizon": "Retries after a closed line due after the horizon",
    "kpi.callbacks_after_horizon": "Third-party callbacks due after the horizon",
    "kpi.due_after_horizon_share": "Share of contacts due after the horizon",
    "kpi.registration_share": "Contacts registered with a reason",
    "kpi.ces_rank": "Best customer effort (CES ranking)",
    "kpi.phase_4": "Phase 4 reached",
    # KPI groups of the report's table
    "group.accessibility": "Accessibility",
    "group.efficiency": "Efficiency",
    "group.journeys": "Customer journeys",
    "group.third_parties": "Third parties and callbacks",
    "group.voice": "Voice of the customer (proxies)",
    "group.channels": "Chat and e-mail",
    "group.agents": "The agents' side",
    "group.other": "Other",
    # growth phases (domain model)
    "phase.1": "Reactive — being reachable",
    "phase.2": "Standardised — being predictable",
    "phase.3": "Effective — right first time",
    "phase.4": "Proactive — making the difference",
    "phase.5": "Horizon — surprising with innovation",
    "phase.short": "Phase {n}",
    # assessment
    "assess.title": "Growth-phase assessment",
    "assess.result": "The simulated center is in phase {phase}: {name}.",
    "assess.rule": (
        "A center is in the highest phase whose every gate it passes; phase 5 also requires "
        "phase 4. Thresholds from the ccsim growth model."
    ),
    "assess.status.passed": "passed",
    "assess.status.failed": "failed",
    "assess.status.not_measured": "not measured",
    "assess.col.phase": "Phase",
    "assess.col.gate": "Gate",
    "assess.col.threshold": "Threshold",
    "assess.col.value": "Simulated",
    "assess.col.status": "Result",
    "assess.always": "always (no gate)",
    "assess.next": "What keeps the center from phase {phase} ({name}):",
    "assess.top": "Phase 5 is the highest phase: nothing keeps the center from a next phase.",
    "assess.blocker": "{kpi} is {value}; phase {phase} needs {threshold}.",
    "assess.blocker.unmeasured": (
        "{kpi} is not measured in this run, so phase {phase} cannot be passed on it; "
        "it needs {threshold}."
    ),
    "assess.blocker.phase": "phase {required} must be reached first.",
    "assess.missing_proxies": (
        "This run has no {kpis}: the scenario or model produces no such proxy. These gates are "
        "'not measured' and count as not passed: phases that need them cannot be reached."
    ),
    "assess.default_only": (
        "Not measured: {kpis} follow only from defaults the scenario does not state (fcr is 1 "
        "unless given: every first contact resolves; without patience nobody abandons), so "
        "their gates count as not passed. State them in the scenario to have them assessed."
    ),
    "assess.proxies": (
        "CSAT, CES and NPS are proxies computed from the simulated customer journeys "
        "(waits, repeat contacts, resolution), not survey results."
    ),
    "assess.info": (
        "Also part of this phase, but not measurable by a simulation (shown, never guessed):"
    ),
    "assess.lower_gaps": (
        "Note: gates of lower phases that are not met (the rule does not require them, but "
        "they deserve attention): {gaps}."
    ),
    # the horizon trap (simulator/horizon.py)
    "horizon.warning": (
        "Horizon trap: {share} of the contacts fell due after the horizon and were not simulated "
        "(per replication: {repeats} repeats, {redials} redials, {retries} retries after a closed "
        "line, {callbacks} third-party callbacks). Contacts, repeat rate, contacts per issue and "
        "the load are understated by at least that much (more than the {limit} a planner "
        "accepts). Lengthen horizon.days, or check that the repeat and redial delays are right."
    ),
    "horizon.sweep_warning": (
        "Horizon trap in {n} point(s) ({points}): up to {share} of the contacts fell due after "
        "the horizon and were not simulated (limit {limit}); contacts per issue, repeat rate and "
        "the load are understated there. Lengthen horizon.days or shorten the delays."
    ),
    # report
    "report.title": "ccsim report — {name}",
    "report.generated": "Generated by ccsim {version} on {when}.",
    "report.scenario": "Scenario",
    "report.description": "Description",
    "report.horizon": "Horizon",
    "report.horizon.value": "{days} day(s), warm-up {warmup} min, intervals of {interval} min",
    "report.arrivals": "Arrivals (new issues)",
    "report.arrivals.per_hour": "{rate} per hour",
    "report.arrivals.per_hour_profile": "per-interval profile, {low}–{high} per hour",
    "report.arrivals.per_day": "{rate} per day",
    "report.reasons": "Contact reasons",
    "report.agents": "Agents",
    "report.agents.headcount": "{n} agents on duty",
    "report.agents.per_interval": "per-interval roster, {low}–{high} agents on duty",
    "report.agents.table": "roster from {file}",
    "report.agents.shifts": "shifts: {shifts}",
    "report.agents.shift": "{days} {start}–{end} {n} agents",
    "report.agents.group": "Agent group {name}",
    "report.agents.group.value": "{staffing}; reasons: {skills}; channels: {channels}",
    "report.agents.all_reasons": "all",
    "report.opening_hours": "Opening hours",
    "report.opening_hours.always": "24 hours a day, every day (no opening hours given)",
    "report.opening_hours.channel": "{channel}: {hours}",
    "report.holidays": "closed on {dates}",
    "report.service_level": "Service-level target",
    "report.service_level.value": "{target} answered within {seconds} s",
    "report.patience": "Patience",
    "report.patience.none": "none (nobody abandons)",
    "report.redial": "Redial after abandoning",
    "report.redial.value": "{share}, after {delay}",
    "report.seed": "Seed and replications",
    "report.seed.value": "seed {seed}, {n} replication(s)",
    "report.command": "Command",
    "report.kpis": "Key figures",
    "report.kpis.intro": (
        "Mean over {n} replication(s) with the half-width of the 95% confidence interval "
        "(– where undefined or with fewer than 2 replications)."
    ),
    "report.col.kpi": "KPI",
    "report.col.mean": "Mean",
    "report.col.ci": "± 95% CI",
    "report.col.key": "Key",
    "report.plots": "Pictures",
    "report.skipped": "Not shown: {title} — {reason}",
    "report.footer": "Self-contained report: no internet connection needed.",
    "report.reason.share": "Share",
    "report.reason.handle_time": "Handle time",
    "report.reason.fcr": "FCR",
    "report.reason.repeat": "Calls again if unresolved",
    "report.reason.third_party": "Third party (share of contacts)",
    "report.reason.self_service": "Self-service",
    "report.reason.self_service.value": "offered {offered}, success {success}",
    "report.third_party.name": "Third party",
    "report.third_party.staff": "Staff",
    "report.third_party.hours": "Hours",
    "report.third_party.callback_within": "Callback promised within",
    "report.third_party.on_time": "On time",
    "report.third_party.resolves": "Resolves",
    "report.minutes": "{value} min",
    # plots
    "plot.daily.title": "Contacts per day (mean over replications)",
    "plot.daily.y": "Contacts per day",
    "plot.daily.agent_hours": "Agent hours on duty",
    "plot.day": "Day",
    "plot.date": "Date",
    "plot.sl.daily_title": "Service level per day",
    "plot.sources_time.title": "Where contacts come from, over time",
    "fig.sources_time": "Contact sources over time",
    "fig.sources_time_daily": "Contact sources per day",
    "plot.time_of_day": "Time of day",
    "plot.avg_day.title": "The average day: contacts and agents per interval",
    "plot.sl_heatmap.title": "Service level by day and time of day",
    "weekday.0": "Mon",
    "weekday.1": "Tue",
    "weekday.2": "Wed",
    "weekday.3": "Thu",
    "weekday.4": "Fri",
    "weekday.5": "Sat",
    "weekday.6": "Sun",
    "plot.volume.title": "Contacts per interval (mean over replications)",
    "plot.volume.offered": "Offered",
    "plot.volume.answered": "Answered",
    "plot.volume.abandoned": "Abandoned",
    "plot.volume.agents": "Agents on duty",
    "plot.volume.y": "Contacts per interval",
    "plot.time_h": "Time since start (hours)",
    "plot.time_d": "Time since start (days)",
    "plot.warmup": "Warm-up",
    "plot.sl.title": "Service level per interval",
    "plot.sl.y": "Answered within {seconds} s",
    "plot.sl.target": "Target {target}",
    "plot.sl.value": "Service level",
    "plot.wait.title": "Waiting time of answered contacts",
    "plot.wait.x": "Wait (seconds)",
    "plot.wait.y": "Share of offered contacts",
    "plot.wait.count": "Answered contacts (log scale)",
    "plot.wait.threshold": "Service level: {share} of offered answered within {seconds} s",
    "plot.wait.curve": "Answered within x seconds (share of offered contacts)",
    "plot.wait.answered": "Answered at all: {share} of offered",
    "plot.wait.overflow": "> {seconds} s",
    "plot.wait.none": "No answered contacts after warm-up",
    "plot.outcomes.title": "How customer issues end",
    "plot.outcomes.x": "Share of issues",
    "plot.outcomes.all": "All reasons",
    "plot.outcome.resolved_first": "Resolved first time",
    "plot.outcome.resolved_repeat": "Resolved after repeats",
    "plot.outcome.resolved": "Resolved",
    "plot.outcome.gave_up": "Gave up",
    "plot.outcome.deflected": "Deflected (self-service)",
    "plot.outcome.open": "Open at end",
    "plot.sources.title": "Where contacts come from",
    "plot.sources.y": "Contacts (mean per replication)",
    "plot.source.new": "New issue",
    "plot.source.repeat": "Repeat contact",
    "plot.source.missed_callback": "Missed callback",
    "plot.source.redial": "Redial",
    "plot.compare.title": "Scenarios compared (mean ± 95% CI)",
    "plot.sweep.heatmap.title": "{kpi} by {x} and {y} (mean over replications)",
    "plot.sweep.line.title": "{kpi} by {x} (mean with 95% CI band)",
    "plot.staffing.title": "Required and scheduled agents per interval",
    "plot.staffing.required": "Required",
    "plot.staffing.scheduled": "Scheduled",
    "plot.staffing.short": "Understaffed",
    "plot.staffing.y": "Agents",
    "plot.undefined": "–",
    "unit.points": "pt",
    # why a picture is missing
    "skip.no_intervals": "the run folder has no intervals table",
    "skip.no_contacts": "the run folder has no contacts table",
    "skip.no_kind": "the contacts table has no 'kind' column (this model version does not "
    "record where contacts come from)",
    "skip.no_journeys": "the run has no journey data (journeys.parquet) and no issue outcome "
    "counts",
    "skip.no_answered": "no answered contacts after warm-up",
    "skip.failed": "the picture could not be drawn ({error})",
    "skip.journey_split": (
        "Without journeys.parquet, resolved issues are not split into first time and after repeats."
    ),
    # comparison reports
    "compare.title": "ccsim comparison — {names}",
    "compare.intro": (
        "Scenarios run with the same seed and {n} replication(s) each: replication r of every "
        "scenario sees the same customers (common random numbers). Baseline: {baseline}."
    ),
    "compare.kpis": "Key figures per scenario",
    "compare.phase": "Growth phase",
    "compare.diff": "Differences to {baseline}",
    "compare.diff.intro": (
        "Paired over replications: difference ± half-width of its 95% confidence interval; "
        "* marks a difference whose interval excludes zero."
    ),
    "compare.diff.none": "No paired differences in this folder.",
    # sweep reports
    "sweep.title": "ccsim sweep report — {name}",
    "sweep.experiment": "Experiment",
    "sweep.base": "Base scenario",
    "sweep.mode": "Mode",
    "sweep.points": "Points",
    "sweep.points.value": "{done} of {total} finished, {failed} failed",
    "sweep.parameter": "Parameter {name}",
    "sweep.table": "Results per point",
    "sweep.table.intro": (
        "Mean over replications ± half-width of the 95% confidence interval; the phase is the "
        "growth phase that the point's mean KPIs reach (see ccsim assess)."
    ),
    "sweep.col.point": "Point",
    "sweep.col.phase": "Phase",
    "sweep.averaged": "Pictures show the first two parameters, averaged over: {params}.",
    "sweep.no_results": "No point has finished yet: there is nothing to show.",
    "sweep.no_pictures": (
        "Pictures need a numeric parameter that varies; the table shows the points."
    ),
    "sweep.more_rows": "The first {shown} of {total} points are shown.",
    # plot titles used in the report's list of pictures
    "fig.volume": "Contacts and agents per interval",
    "fig.volume_daily": "Contacts and agent hours per day",
    "fig.service_level": "Service level per interval",
    "fig.service_level_daily": "Service level per day",
    "fig.average_day": "The average day",
    "fig.sl_heatmap": "Service level by day and time of day",
    "fig.wait": "Wait-time distribution",
    "fig.outcomes": "Journey outcomes",
    "fig.sources": "Contact sources",
    # captions: what each picture shows
    "caption.volume": (
        "Offered, answered and abandoned contacts per interval and the agents on duty (dashed, "
        "right axis), mean over the replications."
    ),
    "caption.volume_daily": (
        "Contacts per day, answered and abandoned stacked to the offered total, and the agent "
        "hours on duty (dashed, right axis), mean over the replications."
    ),
    "caption.service_level": (
        "Share of the contacts offered in each interval that were answered within {seconds} s; "
        "intervals below the target of {target} in orange."
    ),
    "caption.service_level_daily": (
        "Share of each day's offered contacts answered within {seconds} s; days below the "
        "target of {target} in orange. A day can meet its target while some of its hours do not: "
        "see the average day and the heat map."
    ),
    "caption.average_day": (
        "Top: offered contacts and agents on duty per interval of the day, mean over the "
        "replications and over those of the {days} days with contacts in the interval. Bottom: "
        "service level of the contacts offered in each interval of the day over all days; below "
        "the target of {target} in orange."
    ),
    "caption.sl_heatmap": (
        "Service level of every interval (mean over the replications), one row per day: orange "
        "below the target of {target}, green above it, grey where no contacts were offered "
        "(closed)."
    ),
    "caption.wait": (
        "Left: waits of the answered phone contacts (log scale); the grey last bar counts the "
        "waits longer than the 99th percentile. Right: share of all offered contacts answered "
        "within x seconds; it levels off at the share answered (abandoned contacts count as "
        "missed), and at {seconds} s it is the service level of the key figures."
    ),
    "caption.outcomes": (
        "How the issues that started after warm-up end, for all reasons and per reason."
    ),
    "caption.sources": (
        "Contacts by where they come from (new issue, repeat, after a missed callback, redial), "
        "mean per replication, with their share of all contacts."
    ),
    "caption.sources_time": (
        "Contacts by where they come from, per interval, stacked (mean over the replications)."
    ),
    "caption.sources_time_daily": (
        "Contacts by where they come from, per day, stacked (mean over the replications)."
    ),
    # root-cause Pareto (ccsim pareto and its report section)
    "pareto.title": "Where the work comes from: agent hours by contact reason",
    "pareto.y": "Agent hours (mean per replication)",
    "pareto.cumulative": "Cumulative share of agent hours",
    "pareto.line": "{share} line",
    "pareto.section": "Root causes: where to start",
    "pareto.intro": (
        "Contact reasons ranked by the agent hours their contacts take (answered contacts of "
        "issues that started after warm-up, mean per replication), with repeat contacts and "
        "contacts after a missed callback counted separately."
    ),
    "pareto.cut": "Half of the agent hours: {r50}. 80% of the agent hours: {r80}.",
    "pareto.potential": (
        "Improvement potential: what disappears if a reason's FCR rises to {target} (never "
        "lowered) and its third party calls back on time; re-simulated with common random "
        "numbers over {n} replications, mean ± 95% CI."
    ),
    "pareto.potential.missing": (
        "The improvement potential needs re-simulation: run `ccsim pareto` on this run folder "
        "and make the report again to see it here."
    ),
    "pareto.no_journeys": "Not shown: the run folder has no journeys and contacts tables.",
    "pareto.what_if.fcr": "FCR {before} → {after}",
    "pareto.what_if.on_time": "{party} on time {before} → 100%",
    "pareto.what_if.none": "already at target",
    "pareto.col.rank": "#",
    "pareto.col.reason": "Reason",
    "pareto.col.new_contacts": "New contacts",
    "pareto.col.repeat_contacts": "Repeat contacts",
    "pareto.col.missed_callback_contacts": "After missed callback",
    "pareto.col.agent_hours": "Agent hours",
    "pareto.col.share": "Share of hours",
    "pareto.col.cumulative_share": "Cumulative",
    "pareto.col.gave_up_share": "Gave up",
    "pareto.col.csat": "CSAT (proxy)",
    "pareto.col.what_if": "What-if",
    "pareto.col.saving_hours": "Saving: agent hours",
    "pareto.col.saving_contacts": "Saving: contacts",
}

NL: dict[str, str] = {
    "kpi.offered": "Aangeboden contacten",
    "kpi.contacts": "Contacten (alle kanalen)",
    "kpi.answered": "Beantwoord",
    "kpi.abandoned": "Opgehangen in de wachtrij",
    "kpi.abandon_rate": "Afhaakpercentage",
    "kpi.asa_s": "Wachttijd (gemiddeld, ASA)",
    "kpi.service_level": "Servicelevel",
    "kpi.wait_p90_s": "Wachttijd, 90e percentiel",
    "kpi.aht_s": "Gemiddelde afhandeltijd (AHT)",
    "kpi.occupancy": "Bezettingsgraad",
    "kpi.issues": "Klantvragen",
    "kpi.fcr": "In één keer goed (FCR)",
    "kpi.repeat_rate": "Herhaalcontact",
    "kpi.redials": "Opnieuw gebeld na ophangen",
    "kpi.contacts_per_issue": "Contacten per klantvraag",
    "kpi.in_system_at_end": "Wachtend aan het eind",
    "kpi.refused": "Geweigerd (lijn gesloten)",
    "kpi.resolved": "Klantvragen opgelost",
    "kpi.gave_up": "Klantvragen opgegeven",
    "kpi.deflected": "Klantvragen via selfservice",
    "kpi.open_at_end": "Klantvragen open aan het eind",
    "kpi.mean_queue_length": "Gemiddelde wachtrij",
    "kpi.agent_hours": "Agenturen in dienst",
    "kpi.csat": "Klanttevredenheid (CSAT)",
    "kpi.ces": "Klantinspanning (CES)",
    "kpi.nps": "Net Promoter Score (NPS)",
    "kpi.resolved_share": "Aandeel opgelost",
    "kpi.gave_up_share": "Aandeel opgegeven",
    "kpi.deflected_share": "Aandeel via selfservice",
    "kpi.time_to_resolution_h": "Doorlooptijd tot oplossing",
    "kpi.callbacks_missed": "Gemiste terugbelverzoeken",
    "kpi.time_to_resolution_p90_h": "Doorlooptijd tot oplossing, 90e percentiel",
    "kpi.callbacks_promised": "Terugbelverzoeken toegezegd",
    "kpi.callbacks_on_time": "Op tijd teruggebeld",
    "kpi.callbacks_late": "Te laat teruggebeld",
    "kpi.missed_callback_contacts": "Contacten na een gemist terugbelverzoek",
    "kpi.missed_callback_share": "Aandeel contacten na een gemist terugbelverzoek",
    "kpi.transfers": "Doorverbonden",
    "kpi.consult_hold_h": "Ruggespraak (wachttijd klant)",
    "kpi.proactive_calls": "Proactief gebeld",
    "kpi.prevented": "Contacten voorkomen door proactief bellen",
    "kpi.overtime_h": "Overwerk",
    "kpi.occupancy_above_85_share": "Intervallen boven 85% bezetting",
    "kpi.occupancy_above_90_share": "Intervallen boven 90% bezetting",
    "kpi.longest_busy_stretch_h": "Langste aaneengesloten werkperiode van een medewerker",
    "kpi.chat_offered": "Chats aangeboden",
    "kpi.chat_answered": "Chats beantwoord",
    "kpi.chat_abandoned": "Chats afgebroken",
    "kpi.chat_in_system_at_end": "Chats wachtend aan het eind",
    "kpi.chat_abandon_rate": "Afbreekpercentage chat",
    "kpi.chat_asa_s": "Chat: gemiddelde wachttijd",
    "kpi.chat_service_level": "Servicelevel chat",
    "kpi.email_received": "E-mails ontvangen",
    "kpi.email_answered": "E-mails beantwoord",
    "kpi.email_backlog_end": "E-mailachterstand aan het eind",
    "kpi.email_service_level": "Servicelevel e-mail",
    "kpi.email_throughput_h": "Doorlooptijd e-mail",
    "kpi.repeats_after_horizon": "Herhaalcontacten na de horizon (niet gesimuleerd)",
    "kpi.redials_after_horizon": "Terugbelpogingen na de horizon (niet gesimuleerd)",
    "kpi.retries_after_horizon": "Nieuwe pogingen na sluiting, na de horizon",
    "kpi.callbacks_after_horizon": "Terugbelacties van derden na de horizon",
    "kpi.due_after_horizon_share": "Aandeel contacten na de horizon",
    "kpi.registration_share": "Contacten geregistreerd met een reden",
    "kpi.ces_rank": "Beste klantinspanning (CES-ranking)",
    "kpi.phase_4": "Fase 4 bereikt",
    "group.accessibility": "Bereikbaarheid",
    "group.efficiency": "Efficiëntie",
    "group.journeys": "Klantreizen",
    "group.third_parties": "Derde partijen en terugbellen",
    "group.voice": "Stem van de klant (benaderingen)",
    "group.channels": "Chat en e-mail",
    "group.agents": "De kant van de medewerkers",
    "group.other": "Overig",
    "phase.1": "Reactief — bereikbaar zijn",
    "phase.2": "Gestandaardiseerd — voorspelbaar zijn",
    "phase.3": "Effectief — in één keer goed",
    "phase.4": "Proactief — het verschil maken",
    "phase.5": "Horizon — verrassen met innovatie",
    "phase.short": "Fase {n}",
    "assess.title": "Beoordeling van de groeifase",
    "assess.result": "Het gesimuleerde contactcenter zit in fase {phase}: {name}.",
    "assess.rule": (
        "Een contactcenter zit in de hoogste fase waarvan het elke drempel haalt; fase 5 vraagt "
        "ook fase 4. Drempels uit het groeimodel van ccsim."
    ),
    "assess.status.passed": "gehaald",
    "assess.status.failed": "niet gehaald",
    "assess.status.not_measured": "niet gemeten",
    "assess.col.phase": "Fase",
    "assess.col.gate": "Drempel",
    "assess.col.threshold": "Grens",
    "assess.col.value": "Gesimuleerd",
    "assess.col.status": "Uitkomst",
    "assess.always": "altijd (geen drempel)",
    "assess.next": "Wat het contactcenter van fase {phase} ({name}) afhoudt:",
    "assess.top": "Fase 5 is de hoogste fase: er is geen volgende fase.",
    "assess.blocker": "{kpi} is {value}; fase {phase} vraagt {threshold}.",
    "assess.blocker.unmeasured": (
        "{kpi} is in deze run niet gemeten, dus fase {phase} kan hierop niet gehaald worden; "
        "nodig is {threshold}."
    ),
    "assess.blocker.phase": "eerst moet fase {required} bereikt zijn.",
    "assess.missing_proxies": (
        "Deze run heeft geen {kpis}: het scenario of model berekent die benadering niet. Deze "
        "drempels zijn 'niet gemeten' en tellen als niet gehaald: fasen die ze vragen zijn niet "
        "te bereiken."
    ),
    "assess.default_only": (
        "Niet gemeten: {kpis} volgen alleen uit standaardwaarden die het scenario niet noemt "
        "(fcr is 1 tenzij opgegeven: elk eerste contact lost de vraag op; zonder patience haakt "
        "niemand af), dus hun drempels tellen als niet gehaald. Noem ze in het scenario om ze "
        "te laten beoordelen."
    ),
    "assess.proxies": (
        "CSAT, CES en NPS zijn benaderingen berekend uit de gesimuleerde klantreizen "
        "(wachttijd, herhaalcontact, oplossing), geen enquêteresultaten."
    ),
    "assess.info": (
        "Hoort ook bij deze fase, maar is met een simulatie niet te meten (getoond, nooit geschat):"
    ),
    "assess.lower_gaps": (
        "Let op: drempels van lagere fasen die niet gehaald worden (de regel vraagt ze niet, "
        "maar ze verdienen aandacht): {gaps}."
    ),
    "horizon.warning": (
        "Horizonval: {share} van de contacten viel na de horizon en is niet gesimuleerd "
        "(per replicatie: {repeats} herhaalcontacten, {redials} terugbelpogingen, {retries} "
        "nieuwe pogingen na sluiting, {callbacks} terugbelacties van derden). Contacten, "
        "herhaalcontact, contacten per vraag en de belasting zijn minstens zoveel te laag "
        "(meer dan de {limit} die een planner accepteert). Verleng horizon.days, of controleer "
        "of de wachttijden voor herhaal- en terugbelcontact kloppen."
    ),
    "horizon.sweep_warning": (
        "Horizonval in {n} punt(en) ({points}): tot {share} van de contacten viel na de horizon "
        "en is niet gesimuleerd (grens {limit}); contacten per vraag, herhaalcontact en de "
        "belasting zijn daar te laag. Verleng horizon.days of verkort de wachttijden."
    ),
    "report.title": "ccsim-rapport — {name}",
    "report.generated": "Gemaakt met ccsim {version} op {when}.",
    "report.scenario": "Scenario",
    "report.description": "Omschrijving",
    "report.horizon": "Periode",
    "report.horizon.value": "{days} dag(en), inloop {warmup} min, intervallen van {interval} min",
    "report.arrivals": "Aanbod (nieuwe klantvragen)",
    "report.arrivals.per_hour": "{rate} per uur",
    "report.arrivals.per_hour_profile": "profiel per interval, {low}–{high} per uur",
    "report.arrivals.per_day": "{rate} per dag",
    "report.reasons": "Contactredenen",
    "report.agents": "Agents",
    "report.agents.headcount": "{n} agents in dienst",
    "report.agents.per_interval": "rooster per interval, {low}–{high} agents in dienst",
    "report.agents.table": "rooster uit {file}",
    "report.agents.shifts": "diensten: {shifts}",
    "report.agents.shift": "{days} {start}–{end} {n} agents",
    "report.agents.group": "Agentgroep {name}",
    "report.agents.group.value": "{staffing}; redenen: {skills}; kanalen: {channels}",
    "report.agents.all_reasons": "alle",
    "report.opening_hours": "Openingstijden",
    "report.opening_hours.always": "24 uur per dag, elke dag (geen openingstijden opgegeven)",
    "report.opening_hours.channel": "{channel}: {hours}",
    "report.holidays": "gesloten op {dates}",
    "report.service_level": "Doel voor het servicelevel",
    "report.service_level.value": "{target} beantwoord binnen {seconds} s",
    "report.patience": "Geduld",
    "report.patience.none": "geen (niemand hangt op)",
    "report.redial": "Opnieuw bellen na ophangen",
    "report.redial.value": "{share}, na {delay}",
    "report.seed": "Seed en replicaties",
    "report.seed.value": "seed {seed}, {n} replicatie(s)",
    "report.command": "Opdracht",
    "report.kpis": "Kerncijfers",
    "report.kpis.intro": (
        "Gemiddelde over {n} replicatie(s) met de halve breedte van het 95%-"
        "betrouwbaarheidsinterval (– waar niet gedefinieerd of bij minder dan 2 replicaties)."
    ),
    "report.col.kpi": "KPI",
    "report.col.mean": "Gemiddelde",
    "report.col.ci": "± 95%-BI",
    "report.col.key": "Sleutel",
    "report.plots": "Grafieken",
    "report.skipped": "Niet getoond: {title} — {reason}",
    "report.footer": "Zelfstandig rapport: geen internetverbinding nodig.",
    "report.reason.share": "Aandeel",
    "report.reason.handle_time": "Afhandeltijd",
    "report.reason.fcr": "FCR",
    "report.reason.repeat": "Belt opnieuw als niet opgelost",
    "report.reason.third_party": "Derde partij (aandeel contacten)",
    "report.reason.self_service": "Selfservice",
    "report.reason.self_service.value": "aangeboden {offered}, succes {success}",
    "report.third_party.name": "Derde partij",
    "report.third_party.staff": "Bezetting",
    "report.third_party.hours": "Openingstijden",
    "report.third_party.callback_within": "Terugbellen toegezegd binnen",
    "report.third_party.on_time": "Op tijd",
    "report.third_party.resolves": "Lost op",
    "report.minutes": "{value} min",
    "plot.daily.title": "Contacten per dag (gemiddelde over replicaties)",
    "plot.daily.y": "Contacten per dag",
    "plot.daily.agent_hours": "Agenturen in dienst",
    "plot.day": "Dag",
    "plot.date": "Datum",
    "plot.sl.daily_title": "Servicelevel per dag",
    "plot.sources_time.title": "Waar contacten vandaan komen, in de tijd",
    "fig.sources_time": "Herkomst van contacten in de tijd",
    "fig.sources_time_daily": "Herkomst van contacten per dag",
    "plot.time_of_day": "Tijdstip",
    "plot.avg_day.title": "De gemiddelde dag: contacten en agents per interval",
    "plot.sl_heatmap.title": "Servicelevel per dag en tijdstip",
    "weekday.0": "ma",
    "weekday.1": "di",
    "weekday.2": "wo",
    "weekday.3": "do",
    "weekday.4": "vr",
    "weekday.5": "za",
    "weekday.6": "zo",
    "plot.volume.title": "Contacten per interval (gemiddelde over replicaties)",
    "plot.volume.offered": "Aangeboden",
    "plot.volume.answered": "Beantwoord",
    "plot.volume.abandoned": "Opgehangen",
    "plot.volume.agents": "Agents in dienst",
    "plot.volume.y": "Contacten per interval",
    "plot.time_h": "Tijd sinds de start (uren)",
    "plot.time_d": "Tijd sinds de start (dagen)",
    "plot.warmup": "Inloop",
    "plot.sl.title": "Servicelevel per interval",
    "plot.sl.y": "Beantwoord binnen {seconds} s",
    "plot.sl.target": "Doel {target}",
    "plot.sl.value": "Servicelevel",
    "plot.wait.title": "Wachttijd van beantwoorde contacten",
    "plot.wait.x": "Wachttijd (seconden)",
    "plot.wait.y": "Aandeel van de aangeboden contacten",
    "plot.wait.count": "Beantwoorde contacten (log-schaal)",
    "plot.wait.threshold": "Servicelevel: {share} van aangeboden beantwoord binnen {seconds} s",
    "plot.wait.curve": "Beantwoord binnen x seconden (aandeel van de aangeboden contacten)",
    "plot.wait.answered": "Beantwoord: {share} van aangeboden",
    "plot.wait.overflow": "> {seconds} s",
    "plot.wait.none": "Geen beantwoorde contacten na de inloop",
    "plot.outcomes.title": "Hoe klantvragen aflopen",
    "plot.outcomes.x": "Aandeel klantvragen",
    "plot.outcomes.all": "Alle redenen",
    "plot.outcome.resolved_first": "In één keer opgelost",
    "plot.outcome.resolved_repeat": "Opgelost na herhaalcontact",
    "plot.outcome.resolved": "Opgelost",
    "plot.outcome.gave_up": "Opgegeven",
    "plot.outcome.deflected": "Via selfservice",
    "plot.outcome.open": "Open aan het eind",
    "plot.sources.title": "Waar contacten vandaan komen",
    "plot.sources.y": "Contacten (gemiddeld per replicatie)",
    "plot.source.new": "Nieuwe klantvraag",
    "plot.source.repeat": "Herhaalcontact",
    "plot.source.missed_callback": "Gemist terugbelverzoek",
    "plot.source.redial": "Opnieuw gebeld",
    "plot.compare.title": "Scenario's vergeleken (gemiddelde ± 95%-BI)",
    "plot.sweep.heatmap.title": "{kpi} naar {x} en {y} (gemiddelde over replicaties)",
    "plot.sweep.line.title": "{kpi} naar {x} (gemiddelde met 95%-BI-band)",
    "plot.staffing.title": "Benodigde en ingeroosterde agents per interval",
    "plot.staffing.required": "Benodigd",
    "plot.staffing.scheduled": "Ingeroosterd",
    "plot.staffing.short": "Onderbezetting",
    "plot.staffing.y": "Agents",
    "plot.undefined": "–",
    "unit.points": "%-punt",
    "skip.no_intervals": "de run-map heeft geen intervaltabel",
    "skip.no_contacts": "de run-map heeft geen contacttabel",
    "skip.no_kind": "de contacttabel heeft geen kolom 'kind' (deze modelversie legt niet vast "
    "waar contacten vandaan komen)",
    "skip.no_journeys": "de run heeft geen klantreisgegevens (journeys.parquet) en geen "
    "aantallen per afloop",
    "skip.no_answered": "geen beantwoorde contacten na de inloop",
    "skip.failed": "de grafiek kon niet getekend worden ({error})",
    "skip.journey_split": (
        "Zonder journeys.parquet zijn opgeloste klantvragen niet gesplitst in 'in één keer' "
        "en 'na herhaalcontact'."
    ),
    "compare.title": "ccsim-vergelijking — {names}",
    "compare.intro": (
        "Scenario's gedraaid met dezelfde seed en elk {n} replicatie(s): replicatie r van elk "
        "scenario ziet dezelfde klanten (gemeenschappelijke toevalsgetallen). Basis: {baseline}."
    ),
    "compare.kpis": "Kerncijfers per scenario",
    "compare.phase": "Groeifase",
    "compare.diff": "Verschillen met {baseline}",
    "compare.diff.intro": (
        "Gepaard over replicaties: verschil ± halve breedte van het 95%-betrouwbaarheidsinterval; "
        "* markeert een verschil waarvan het interval nul uitsluit."
    ),
    "compare.diff.none": "Geen gepaarde verschillen in deze map.",
    "sweep.title": "ccsim-sweeprapport — {name}",
    "sweep.experiment": "Experiment",
    "sweep.base": "Basisscenario",
    "sweep.mode": "Opzet",
    "sweep.points": "Punten",
    "sweep.points.value": "{done} van {total} klaar, {failed} mislukt",
    "sweep.parameter": "Parameter {name}",
    "sweep.table": "Resultaten per punt",
    "sweep.table.intro": (
        "Gemiddelde over replicaties ± halve breedte van het 95%-betrouwbaarheidsinterval; de fase "
        "is de groeifase die de gemiddelde KPI's van het punt halen (zie ccsim assess)."
    ),
    "sweep.col.point": "Punt",
    "sweep.col.phase": "Fase",
    "sweep.averaged": "Grafieken tonen de eerste twee parameters, gemiddeld over: {params}.",
    "sweep.no_results": "Nog geen punt is klaar: er is niets te tonen.",
    "sweep.no_pictures": "Grafieken vragen een numerieke parameter die varieert; de tabel toont de "
    "punten.",
    "sweep.more_rows": "De eerste {shown} van {total} punten worden getoond.",
    "fig.volume": "Contacten en agents per interval",
    "fig.volume_daily": "Contacten en agenturen per dag",
    "fig.service_level": "Servicelevel per interval",
    "fig.service_level_daily": "Servicelevel per dag",
    "fig.average_day": "De gemiddelde dag",
    "fig.sl_heatmap": "Servicelevel per dag en tijdstip",
    "fig.wait": "Verdeling van de wachttijd",
    "fig.outcomes": "Afloop van klantreizen",
    "fig.sources": "Herkomst van contacten",
    "caption.volume": (
        "Aangeboden, beantwoorde en opgehangen contacten per interval en de agents in dienst "
        "(gestreept, rechteras), gemiddeld over de replicaties."
    ),
    "caption.volume_daily": (
        "Contacten per dag, beantwoord en opgehangen gestapeld tot het aanbod, en de agenturen "
        "in dienst (gestreept, rechteras), gemiddeld over de replicaties."
    ),
    "caption.service_level": (
        "Aandeel van de in elk interval aangeboden contacten dat binnen {seconds} s is "
        "beantwoord; intervallen onder het doel van {target} in oranje."
    ),
    "caption.service_level_daily": (
        "Aandeel van het aanbod van elke dag dat binnen {seconds} s is beantwoord; dagen onder "
        "het doel van {target} in oranje. Een dag kan zijn doel halen terwijl sommige uren dat "
        "niet doen: zie de gemiddelde dag en de heatmap."
    ),
    "caption.average_day": (
        "Boven: aangeboden contacten en agents in dienst per interval van de dag, gemiddeld over "
        "de replicaties en over die van de {days} dagen met contacten in het interval. Onder: "
        "servicelevel van de contacten die in elk interval van de dag zijn aangeboden, over alle "
        "dagen; onder het doel van {target} in oranje."
    ),
    "caption.sl_heatmap": (
        "Servicelevel van elk interval (gemiddeld over de replicaties), één rij per dag: oranje "
        "onder het doel van {target}, groen erboven, grijs waar niets is aangeboden (gesloten)."
    ),
    "caption.wait": (
        "Links: wachttijden van de beantwoorde telefooncontacten (log-schaal); de grijze laatste "
        "staaf telt de wachttijden boven het 99e percentiel. Rechts: aandeel van alle "
        "aangeboden contacten dat binnen x seconden is beantwoord; de lijn vlakt af op het "
        "aandeel beantwoord (opgehangen contacten tellen als gemist), en bij {seconds} s is het "
        "het servicelevel van de kerncijfers."
    ),
    "caption.outcomes": (
        "Hoe de klantvragen aflopen die na de inloop begonnen, voor alle redenen en per reden."
    ),
    "caption.sources": (
        "Contacten naar herkomst (nieuwe klantvraag, herhaalcontact, na een gemist "
        "terugbelverzoek, opnieuw gebeld), gemiddeld per replicatie, met hun aandeel."
    ),
    "caption.sources_time": (
        "Contacten naar herkomst per interval, gestapeld (gemiddeld over de replicaties)."
    ),
    "caption.sources_time_daily": (
        "Contacten naar herkomst per dag, gestapeld (gemiddeld over de replicaties)."
    ),
    "pareto.title": "Waar het werk vandaan komt: agenturen per contactreden",
    "pareto.y": "Agenturen (gemiddeld per replicatie)",
    "pareto.cumulative": "Cumulatief aandeel agenturen",
    "pareto.line": "{share}-lijn",
    "pareto.section": "Grondoorzaken: waar te beginnen",
    "pareto.intro": (
        "Contactredenen gerangschikt naar de agenturen die hun contacten kosten (beantwoorde "
        "contacten van klantvragen die na de inloop begonnen, gemiddeld per replicatie), met "
        "herhaalcontacten en contacten na een gemist terugbelverzoek apart geteld."
    ),
    "pareto.cut": "De helft van de agenturen: {r50}. 80% van de agenturen: {r80}.",
    "pareto.potential": (
        "Verbeterpotentieel: wat verdwijnt als de FCR van een reden stijgt naar {target} (nooit "
        "verlaagd) en de derde partij op tijd terugbelt; opnieuw gesimuleerd met "
        "gemeenschappelijke toevalsgetallen over {n} replicaties, gemiddelde ± 95%-BI."
    ),
    "pareto.potential.missing": (
        "Het verbeterpotentieel vraagt een nieuwe simulatie: draai `ccsim pareto` op deze run-map "
        "en maak het rapport opnieuw om het hier te zien."
    ),
    "pareto.no_journeys": (
        "Niet getoond: de run-map heeft geen tabellen met klantreizen en contacten."
    ),
    "pareto.what_if.fcr": "FCR {before} → {after}",
    "pareto.what_if.on_time": "{party} op tijd {before} → 100%",
    "pareto.what_if.none": "al op doel",
    "pareto.col.rank": "#",
    "pareto.col.reason": "Contactreden",
    "pareto.col.new_contacts": "Nieuwe contacten",
    "pareto.col.repeat_contacts": "Herhaalcontacten",
    "pareto.col.missed_callback_contacts": "Na gemist terugbelverzoek",
    "pareto.col.agent_hours": "Agenturen",
    "pareto.col.share": "Aandeel uren",
    "pareto.col.cumulative_share": "Cumulatief",
    "pareto.col.gave_up_share": "Opgegeven",
    "pareto.col.csat": "CSAT (benadering)",
    "pareto.col.what_if": "Wat-als",
    "pareto.col.saving_hours": "Besparing: agenturen",
    "pareto.col.saving_contacts": "Besparing: contacten",
}

CATALOG: dict[str, dict[str, str]] = {"en": EN, "nl": NL}

# How each KPI is shown: percent of a share, seconds, hours, a score, or a count.
_PERCENT = {
    "abandon_rate",
    "service_level",
    "occupancy",
    "fcr",
    "repeat_rate",
    "resolved_share",
    "gave_up_share",
    "deflected_share",
    "registration_share",
    "missed_callback_share",
    "occupancy_above_85_share",
    "occupancy_above_90_share",
    "chat_abandon_rate",
    "chat_service_level",
    "email_service_level",
    "due_after_horizon_share",
}
_SCORE = {"csat", "ces", "mean_queue_length"}
_SIGNED = {"nps"}
_RATIO = {"contacts_per_issue"}


def is_share(key: str) -> bool:
    """Whether a KPI is a share between 0 and 1 (shown as a percentage)."""
    return key in _PERCENT


def check_lang(lang: str) -> str:
    """The language code, or a clear error: users type it on the command line."""
    if lang not in CATALOG:
        raise LanguageError(f"unknown language {lang!r}; allowed: {one_of(LANGS)}")
    return lang


def t(key: str, lang: str = DEFAULT_LANG, **values: object) -> str:
    """The label ``key`` in ``lang`` with ``{placeholders}`` filled in."""
    text = CATALOG[check_lang(lang)][key]
    return text.format(**values) if values else text


def kpi_label(key: str, lang: str = DEFAULT_LANG) -> str:
    """The name of a KPI; a key ccsim has no label for yet is shown as it is."""
    return CATALOG[check_lang(lang)].get(f"kpi.{key}", key)


def number(value: float, decimals: int, lang: str = DEFAULT_LANG) -> str:
    """``1,234.5`` in English, ``1.234,5`` in Dutch: managers read their own notation."""
    text = f"{value:,.{decimals}f}"
    if check_lang(lang) == "nl":
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text


def format_kpi(key: str, value: float | None, lang: str = DEFAULT_LANG) -> str:
    """A KPI value with its unit, ``–`` when undefined."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return t("plot.undefined", lang)
    if key in _PERCENT:
        return number(100 * value, 1, lang) + "%"
    if key.endswith("_s"):
        return number(value, 1 if abs(value) >= 100 else 2, lang) + " s"
    if key.endswith("_h") or key == "agent_hours":
        return number(value, 2 if abs(value) < 10 else 1, lang) + " h"
    if key in _SIGNED:
        return ("+" if value > 0 else "") + number(value, 1, lang)
    if key in _SCORE:
        return number(value, 2, lang)
    if key in _RATIO:
        return number(value, 3, lang)
    return number(value, 0 if abs(value) >= 100 or float(value).is_integer() else 1, lang)


def format_threshold(key: str, value: float, lang: str = DEFAULT_LANG) -> str:
    """A gate threshold, without needless decimals (``50%``, ``300 s``, ``+30``, ``7.5``)."""
    if key in _PERCENT:
        return number(100 * value, 0, lang) + "%"
    if key.endswith("_s"):
        return number(value, 0, lang) + " s"
    if key in _SIGNED:
        return ("+" if value > 0 else "") + number(value, 0, lang)
    return number(value, 0 if float(value).is_integer() else 1, lang)


def format_share(value: float, lang: str = DEFAULT_LANG) -> str:
    """A share as a percentage with one decimal."""
    return number(100 * value, 1, lang) + "%"


def format_kpi_change(
    key: str, value: float | None, lang: str = DEFAULT_LANG, signed: bool = True
) -> str:
    """A difference of a KPI (``+2.1 pt``, ``−12.40 s``) or, unsigned, a CI half-width.

    The change of a percentage KPI is in percentage points, not percent: 70% to 72% is
    ``+2.0 pt`` (Dutch ``%-punt``), where "+2.0%" would read as 70% x 1.02. Other KPIs keep
    their unit. ``signed`` puts ``+`` or ``−`` (a minus sign, not a hyphen) before a non-zero
    difference; ``–`` when undefined.
    """
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return t("plot.undefined", lang)
    if key in _PERCENT:
        text = f"{number(100 * abs(value), 1, lang)} {t('unit.points', lang)}"
    else:
        text = format_kpi(key, abs(value), lang).lstrip("+")  # NPS is formatted signed
    if not signed or value == 0:
        return text
    return ("+" if value > 0 else "\u2212") + text


def format_ci(key: str, half_width: float | None, lang: str = DEFAULT_LANG) -> str:
    """``± 1.9 pt``: the half-width of a 95% CI, in the unit of a change of the KPI."""
    if half_width is None or not math.isfinite(half_width):
        return t("plot.undefined", lang)
    return "± " + format_kpi_change(key, half_width, lang, signed=False)
