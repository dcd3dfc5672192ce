"""User-facing words of reports, plots and assessments, in English (default) and Dutch.

ccsim's users present results to Dutch-speaking managers (see the domain notes), so every label a
report shows comes from here rather than from string literals in the code; a test checks that both
languages hold the same keys and placeholders. Error messages of the command line stay English.
KPI names, units and decimals are the KPI catalogue's (``simulator/results/catalogue.py``): this
module looks them up there and holds the words around them.
"""

from __future__ import annotations

import math

from simulator.errors import CcsimError, one_of
from simulator.results.catalogue import entry

LANGS = ("en", "nl")
DEFAULT_LANG = "en"


class LanguageError(CcsimError):
    """A report language ccsim does not have."""


EN: dict[str, str] = {
    # KPI groups of the report's table
    "group.accessibility": "Accessibility",
    "group.efficiency": "Efficiency",
    "group.journeys": "Customer journeys",
    "group.third_parties": "Third parties and callbacks",
    "group.voice": "Voice of the customer (proxies)",
    "group.channels": "Chat and e-mail",
    "group.agents": "The agents' side",
    "group.costs": "Costs",
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
    "assess.goal.passed": "Goal beside the gates (not a gate): {kpi} {value}, meets {threshold}.",
    "assess.goal.failed": (
        "Goal beside the gates (not a gate): {kpi} {value}, below the goal of {threshold}."
    ),
    "assess.goal.not_measured": (
        "Goal beside the gates (not a gate): {kpi} is not measured in this run; the goal is "
        "{threshold}."
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
    "table.runs.one": "{what} — seed {seed}, 1 replication",
    "table.runs.many": "{what} — seed {seed}, {n} replications",
    "table.crn": "(common random numbers)",
    "table.by_reason": "Per reason",
    "table.by_group": "Per agent group",
    "table.compare.by_reason": (
        "Per reason: {baseline} → {other}, below it the paired difference ± 95% CI"
    ),
    "table.compare.by_group": (
        "Per agent group: {baseline} → {other}, below it the paired difference ± 95% CI"
    ),
    "report.by_reason": "Per contact reason",
    "report.by_reason.intro": (
        "The key figures of each reason's own calls and contacts: mean over {n} replication(s) "
        "± half-width of the 95% confidence interval. Offered calls and contacts add up to the "
        "run's."
    ),
    "report.by_group": "Per agent group",
    "report.by_group.intro": (
        "The calls each group's agents answered and the group's own hours: an escalated call "
        "counts for the group that answered it, its wait from when it entered that group's "
        "queue. Mean over {n} replication(s) ± half-width of the 95% confidence interval."
    ),
    "report.by_reason.picture": "Waiting and service level per reason",
    "report.by_reason.caption": "Mean over the replications; the whiskers are the 95% CI.",
    "compare.by_reason": "Per contact reason",
    "compare.by_group": "Per agent group",
    "compare.breakdown.intro": (
        "Per {what}: each scenario's mean ± 95% CI and, in bold below it, its difference to "
        "{baseline}, paired over the replications; * marks a difference whose interval "
        "excludes zero, – a scenario without it."
    ),
    "compare.breakdown.reason": "reason",
    "compare.breakdown.group": "agent group",
    "compare.col.diff": "{other} − {baseline}",
    "col.reason": "Reason",
    "col.group": "Group",
    "col.offered": "Offered",
    "col.answered": "Answered",
    "col.abandon_rate": "Abandoned",
    "col.asa_s": "ASA",
    "col.service_level": "Service level",
    "col.aht_s": "AHT",
    "col.fcr": "FCR",
    "col.contacts": "Contacts",
    "col.repeat_rate": "Repeats",
    "col.cost": "Cost",
    "col.agent_hours": "Agent hours",
    "col.occupancy": "Occupancy",
    "col.esat": "ESAT",
    "table.hidden.run": (
        "{n} KPIs that are 0 or undefined in this run are not shown; --json has all."
    ),
    "table.hidden.compare": (
        "{n} KPIs that are 0 or undefined in every scenario are not shown; --json has all."
    ),
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
    "plot.sl.met": "Service level, target met",
    "plot.sl.missed": "Service level below target",
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
    "plot.schedule.title": "Required and scheduled agents on the line per interval",
    "plot.schedule.required": "Required",
    "plot.schedule.covered": "Scheduled, on the line",
    "plot.schedule.on_duty": "Scheduled, on duty (breaks included)",
    "plot.schedule.heat_title": "Scheduled on the line minus required, by date and time of day",
    "plot.schedule.surplus": "Agents to spare (+) or short (−)",
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
    # the training experiment (ccsim train)
    "train.agent_hours": "Agent hours on duty (paid)",
    "train.title": "More headcount, or fewer contacts?",
    "train.subtitle": (
        "{name}: {n} replications, seed {seed}, common random numbers; bars: mean ± 95% CI; "
        "labels: difference to today"
    ),
    "train.hours": "Agent hours",
    "train.on_duty": "on duty (paid)",
    "train.needed": "needed for {sl}",
    "train.metric": "KPI",
    "train.story.more": (
        "{what}: ASA {asa}, abandonment {ab}, but agent hours on duty {hours} and repeat "
        "contacts {rep}: shorter waits at a price, the waste stays."
    ),
    "train.story.more_same_wait": (
        "{what}: ASA {asa}, abandonment {ab}, but agent hours on duty {hours} and repeat "
        "contacts {rep}: no significant change in the wait at this sample size, at a price; the "
        "waste stays."
    ),
    "train.story.fewer": (
        "{what}: contacts {off} (repeat contacts {rep}), ASA {asa}, agent hours needed {need}: "
        "fewer contacts and shorter waits for the same agents."
    ),
    "train.story.fewer_same_wait": (
        "{what}: contacts {off} (repeat contacts {rep}), ASA {asa}, agent hours needed {need}: "
        "fewer contacts for the same agents."
    ),
    "train.story.none": "{what}: no significant change in contacts ({off}); ASA {asa}.",
    # money in the studies and the report (spec D2's cost KPIs)
    "train.money": "Cost per week",
    "train.money.rostered": "as rostered (paid)",
    "train.money.needed": "at the agent hours needed",
    "train.story.money": (
        "{what}: cost per week {rostered} as rostered, {needed} if the roster follows the agent "
        "hours needed."
    ),
    "train.story.versus": (
        "Per week, {more} costs {cost} more, while {fewer} saves {saving} with the same roster "
        "and {saving_needed} once the roster follows the agent hours needed."
    ),
    "pareto.col.cost": "Cost",
    "pareto.col.saving_cost": "Saving: cost, same roster",
    "pareto.col.saving_hours_value": "Saving: hours freed × agent hour",
    "pareto.cost_order": "By cost: {order}.",
    "cost.section": "Costs",
    "cost.intro": (
        "What the center paid from the end of the warm-up to the end of the horizon, at the "
        "prices of the scenario's costs block: the mean over {n} replications ± 95% CI. Every "
        "amount is a price of that block times a count the run reports."
    ),
    "cost.col.part": "Part",
    "cost.col.amount": "Amount",
    "cost.col.basis": "Price × count",
    "cost.col.share": "Share",
    "cost.basis.agents": "{price} per paid agent hour × {hours}",
    "cost.basis.groups": "groups at their own price",
    "cost.basis.overtime": "+ {premium} premium on {hours} overtime",
    "cost.basis.handling": "{price} per handled minute × {minutes} minutes",
    "cost.basis.third_party": "{price} per third-party job × {jobs} jobs",
    "cost.basis.per_contact": "total ÷ {n} contacts",
    "cost.basis.per_resolved": "total ÷ {n} resolved issues",
    "cost.basis.repeats": "total × share of handled time on repeat contacts",
    "cost.by_reason": "Cost by contact reason",
    "cost.by_reason.intro": "The total split by each reason's share of the handled time.",
    "cost.picture": "Where the money goes",
    "cost.picture.parts": "Parts of the total cost",
    "cost.picture.reasons": "By contact reason",
}

NL: dict[str, str] = {
    "group.accessibility": "Bereikbaarheid",
    "group.efficiency": "Efficiëntie",
    "group.journeys": "Klantreizen",
    "group.third_parties": "Derde partijen en terugbellen",
    "group.voice": "Stem van de klant (benaderingen)",
    "group.channels": "Chat en e-mail",
    "group.agents": "De kant van de medewerkers",
    "group.costs": "Kosten",
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
    "assess.goal.passed": (
        "Doel naast de drempels (geen drempel): {kpi} {value}, haalt {threshold}."
    ),
    "assess.goal.failed": (
        "Doel naast de drempels (geen drempel): {kpi} {value}, onder het doel van {threshold}."
    ),
    "assess.goal.not_measured": (
        "Doel naast de drempels (geen drempel): {kpi} is in deze run niet gemeten; het doel is "
        "{threshold}."
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
    "table.runs.one": "{what} — seed {seed}, 1 replicatie",
    "table.runs.many": "{what} — seed {seed}, {n} replicaties",
    "table.crn": "(gemeenschappelijke toevalsgetallen)",
    "table.by_reason": "Per reden",
    "table.by_group": "Per agentgroep",
    "table.compare.by_reason": (
        "Per reden: {baseline} → {other}, daaronder het gepaarde verschil ± 95%-BI"
    ),
    "table.compare.by_group": (
        "Per agentgroep: {baseline} → {other}, daaronder het gepaarde verschil ± 95%-BI"
    ),
    "report.by_reason": "Per contactreden",
    "report.by_reason.intro": (
        "De kerncijfers van de eigen gesprekken en contacten van elke reden: gemiddelde over "
        "{n} replicatie(s) ± halve breedte van het 95%-betrouwbaarheidsinterval. Aangeboden "
        "gesprekken en contacten tellen op tot die van de run."
    ),
    "report.by_group": "Per agentgroep",
    "report.by_group.intro": (
        "De gesprekken die de agents van elke groep beantwoordden en de eigen uren van de groep: "
        "een doorgezet gesprek telt voor de groep die het beantwoordde, met de wachttijd vanaf "
        "het moment dat het in de wachtrij van die groep kwam. Gemiddelde over {n} "
        "replicatie(s) ± halve breedte van het 95%-betrouwbaarheidsinterval."
    ),
    "report.by_reason.picture": "Wachttijd en servicelevel per reden",
    "report.by_reason.caption": (
        "Gemiddelde over de replicaties; de snorharen zijn het 95%-betrouwbaarheidsinterval."
    ),
    "compare.by_reason": "Per contactreden",
    "compare.by_group": "Per agentgroep",
    "compare.breakdown.intro": (
        "Per {what}: het gemiddelde van elk scenario ± 95%-BI en, vet eronder, het verschil "
        "met {baseline}, gepaard over de replicaties; * markeert een verschil waarvan het "
        "interval nul uitsluit, – een scenario zonder deze {what}."
    ),
    "compare.breakdown.reason": "reden",
    "compare.breakdown.group": "agentgroep",
    "compare.col.diff": "{other} − {baseline}",
    "col.reason": "Reden",
    "col.group": "Groep",
    "col.offered": "Aangeboden",
    "col.answered": "Beantwoord",
    "col.abandon_rate": "Afgehaakt",
    "col.asa_s": "ASA",
    "col.service_level": "Servicelevel",
    "col.aht_s": "AHT",
    "col.fcr": "FCR",
    "col.contacts": "Contacten",
    "col.repeat_rate": "Herhaald",
    "col.cost": "Kosten",
    "col.agent_hours": "Agenturen",
    "col.occupancy": "Bezetting",
    "col.esat": "ESAT",
    "table.hidden.run": (
        "{n} kerncijfers die in deze run 0 of ongedefinieerd zijn, staan er niet in;"
        " --json heeft ze allemaal."
    ),
    "table.hidden.compare": (
        "{n} kerncijfers die in elk scenario 0 of ongedefinieerd zijn, staan er niet in; --json"
        " heeft ze allemaal."
    ),
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
    "plot.sl.met": "Servicelevel, doel gehaald",
    "plot.sl.missed": "Servicelevel onder het doel",
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
    "plot.schedule.title": "Benodigde en ingeroosterde agents aan de lijn per interval",
    "plot.schedule.required": "Benodigd",
    "plot.schedule.covered": "Ingeroosterd, aan de lijn",
    "plot.schedule.on_duty": "Ingeroosterd, in dienst (pauzes meegeteld)",
    "plot.schedule.heat_title": "Ingeroosterd aan de lijn min benodigd, per datum en tijdstip",
    "plot.schedule.surplus": "Agents over (+) of tekort (−)",
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
    # the training experiment (ccsim train)
    "train.agent_hours": "Agenturen ingeroosterd (betaald)",
    "train.title": "Meer headcount, of minder contacten?",
    "train.subtitle": (
        "{name}: {n} replicaties, seed {seed}, gemeenschappelijke toevalsgetallen; staven: "
        "gemiddelde ± 95%-BI; labels: verschil met vandaag"
    ),
    "train.hours": "Agenturen",
    "train.on_duty": "ingeroosterd (betaald)",
    "train.needed": "nodig voor {sl}",
    "train.metric": "KPI",
    "train.story.more": (
        "{what}: ASA {asa}, afhaakpercentage {ab}, maar agenturen ingeroosterd {hours} en "
        "herhaalcontacten {rep}: kortere wachttijd tegen een prijs, de verspilling blijft."
    ),
    "train.story.more_same_wait": (
        "{what}: ASA {asa}, afhaakpercentage {ab}, maar agenturen ingeroosterd {hours} en "
        "herhaalcontacten {rep}: geen significante verandering in de wachttijd bij deze "
        "steekproef, wel tegen een prijs; de verspilling blijft."
    ),
    "train.story.fewer": (
        "{what}: contacten {off} (herhaalcontacten {rep}), ASA {asa}, agenturen nodig {need}: "
        "minder contacten en kortere wachttijd met dezelfde agenten."
    ),
    "train.story.fewer_same_wait": (
        "{what}: contacten {off} (herhaalcontacten {rep}), ASA {asa}, agenturen nodig {need}: "
        "minder contacten met dezelfde agenten."
    ),
    "train.story.none": "{what}: geen significante verandering in contacten ({off}); ASA {asa}.",
    # geld in de studies en het rapport (de kostencijfers van spec D2)
    "train.money": "Kosten per week",
    "train.money.rostered": "zoals ingeroosterd (betaald)",
    "train.money.needed": "bij de benodigde agenturen",
    "train.story.money": (
        "{what}: kosten per week {rostered} zoals ingeroosterd, {needed} als het rooster de "
        "benodigde agenturen volgt."
    ),
    "train.story.versus": (
        "Per week kost {more} {cost} meer, terwijl {fewer} {saving} bespaart met hetzelfde "
        "rooster en {saving_needed} zodra het rooster de benodigde agenturen volgt."
    ),
    "pareto.col.cost": "Kosten",
    "pareto.col.saving_cost": "Besparing: kosten, zelfde rooster",
    "pareto.col.saving_hours_value": "Besparing: vrijgekomen uren × uurtarief",
    "pareto.cost_order": "Naar kosten: {order}.",
    "cost.section": "Kosten",
    "cost.intro": (
        "Wat het center betaalde van het einde van de inloop tot het einde van de horizon, tegen "
        "de prijzen uit het kostenblok van het scenario: het gemiddelde over {n} replicaties ± "
        "95%-BI. Elk bedrag is een prijs uit dat blok maal een aantal dat de run rapporteert."
    ),
    "cost.col.part": "Onderdeel",
    "cost.col.amount": "Bedrag",
    "cost.col.basis": "Prijs × aantal",
    "cost.col.share": "Aandeel",
    "cost.basis.agents": "{price} per betaald agentuur × {hours}",
    "cost.basis.groups": "groepen tegen hun eigen tarief",
    "cost.basis.overtime": "+ {premium} toeslag op {hours} overwerk",
    "cost.basis.handling": "{price} per afgehandelde minuut × {minutes} minuten",
    "cost.basis.third_party": "{price} per klus van derden × {jobs} klussen",
    "cost.basis.per_contact": "totaal ÷ {n} contacten",
    "cost.basis.per_resolved": "totaal ÷ {n} opgeloste klantvragen",
    "cost.basis.repeats": "totaal × aandeel afhandeltijd aan herhaalcontacten",
    "cost.by_reason": "Kosten per contactreden",
    "cost.by_reason.intro": (
        "Het totaal verdeeld naar het aandeel van elke reden in de afhandeltijd."
    ),
    "cost.picture": "Waar het geld heen gaat",
    "cost.picture.parts": "Onderdelen van de totale kosten",
    "cost.picture.reasons": "Per contactreden",
}

CATALOG: dict[str, dict[str, str]] = {"en": EN, "nl": NL}


def is_share(key: str) -> bool:
    """Whether a KPI is a share between 0 and 1 (shown as a percentage)."""
    kpi = entry(key)
    return kpi is not None and kpi.unit == "share"


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
    kpi = entry(key)
    return kpi.label(check_lang(lang)) if kpi else key


def number(value: float, decimals: int, lang: str = DEFAULT_LANG) -> str:
    """``1,234.5`` in English, ``1.234,5`` in Dutch: managers read their own notation."""
    text = f"{value:,.{decimals}f}"
    if check_lang(lang) == "nl":
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text


def short_number(value: float, lang: str = DEFAULT_LANG) -> str:
    """A number with as few digits as ``%g`` needs (an axis tick).

    In the language's decimal notation: ``0.75`` / ``0,75``.
    """
    text = f"{value:g}"
    return text.replace(".", ",") if check_lang(lang) == "nl" else text


CURRENCY_SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£"}
"""Currency labels shown as their sign; any other label is written out (``CHF 12.50``)."""


def format_money(value: float, lang: str = DEFAULT_LANG, currency: str = "EUR") -> str:
    """``€1,234.56`` in English, ``€ 1.234,56`` in Dutch; ``CHF 1,234.56`` without a sign."""
    text = number(abs(value), 2, lang)
    sign = "-" if value < 0 else ""
    symbol = CURRENCY_SYMBOLS.get(currency)
    if symbol is None:
        return f"{sign}{currency} {text}"
    return f"{sign}{symbol} {text}" if check_lang(lang) == "nl" else f"{sign}{symbol}{text}"


def format_kpi(
    key: str, value: float | None, lang: str = DEFAULT_LANG, currency: str = "EUR"
) -> str:
    """A KPI value with its unit and the catalogue's decimals, ``–`` when undefined.

    Amounts (the cost KPIs) are in ``currency``, the label of the scenario's ``costs``.
    """
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return t("plot.undefined", lang)
    kpi = entry(key)
    unit, decimals = (kpi.unit, kpi.decimals) if kpi else ("count", None)
    if unit == "currency":
        return format_money(value, lang, currency)
    if unit == "share":
        return number(100 * value, decimals or 1, lang) + "%"
    if unit == "seconds":
        return number(value, 1 if abs(value) >= 100 else 2, lang) + " s"
    if unit == "hours":
        return number(value, 2 if abs(value) < 10 else 1, lang) + " h"
    if unit == "nps":
        return ("+" if value > 0 else "") + number(value, decimals or 1, lang)
    if decimals is not None:
        return number(value, decimals, lang)
    return number(value, 0 if abs(value) >= 100 or float(value).is_integer() else 1, lang)


def format_threshold(key: str, value: float, lang: str = DEFAULT_LANG) -> str:
    """A gate threshold, without needless decimals (``50%``, ``300 s``, ``+30``, ``7.5``)."""
    unit = kpi.unit if (kpi := entry(key)) else "count"
    if unit == "share":
        return number(100 * value, 0, lang) + "%"
    if unit == "seconds":
        return number(value, 0, lang) + " s"
    if unit == "nps":
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
    if is_share(key):
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


def format_amount(
    value: float | None,
    lang: str = DEFAULT_LANG,
    currency: str = "EUR",
    signed: bool = False,
    decimals: int | None = None,
) -> str:
    """Money in pictures and sentences: whole units from 100 up, cents below, or ``decimals``.

    ``€1,234`` in English and ``€ 1.234`` in Dutch (``€3.53`` / ``€ 3,53`` below 100, ``€0``); a
    currency without a sign is written out (``CHF 1,234``). ``signed`` puts ``+`` or ``−``
    before a non-zero amount (a difference); ``–`` when undefined.
    """
    if value is None or not math.isfinite(value):
        return t("plot.undefined", lang)
    if decimals is None:
        decimals = 0 if abs(value) >= 100 or value == 0 else 2
    text = number(abs(value), decimals, lang)
    symbol = CURRENCY_SYMBOLS.get(currency)
    if symbol is None:
        text = f"{currency} {text}"
    else:
        text = f"{symbol} {text}" if check_lang(lang) == "nl" else f"{symbol}{text}"
    if signed:
        return ("+" if value > 0 else "\u2212" if value < 0 else "") + text
    return ("-" if value < 0 else "") + text


def is_money(key: str) -> bool:
    """Whether a KPI is an amount in the scenario's currency (the cost KPIs)."""
    kpi = entry(key)
    return kpi is not None and kpi.unit == "currency"
