"""The ``ccsim`` command line (spec A2).

Commands: ``run``, ``validate``, ``schema``, ``report``, ``assess``, ``sweep``, ``compare``,
``business-case``, ``pareto``, ``staff``, ``schedule``, ``train``, ``calibrate``, ``fit`` and
``backtest``.

Scripts rely on the exit codes and on stdout holding only what they asked for: 0 success,
2 bad input with a one-paragraph message on stderr and no traceback, 1 an internal error (and for
``sweep``, a point that failed), 3 a ``staff``/``schedule`` search that did not finish, 130
interrupted by Ctrl-C or ``kill PID`` (SIGTERM, handled alike: worker processes are stopped,
half-written output removed). Progress bars go to stderr; ``--json`` prints exactly one JSON
object on stdout.
"""

from __future__ import annotations

import gc
import json
import os
import traceback
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from simulator import __version__
from simulator.errors import CcsimError
from simulator.runs.executor import sigterm_as_interrupt

if TYPE_CHECKING:
    from simulator.scenario.models import Scenario

# Each command imports what it needs inside its function: ``--help`` loads neither numpy nor the
# scenario models, ``validate`` and ``schema`` load no numba, SimPy, pandas or matplotlib
# (tests/cli/test_imports.py), and ``run`` loads no matplotlib unless it writes a report.

_ARGV = "ccsim.argv"


class CcsimGroup(typer.core.TyperGroup):
    """Maps exceptions to the exit codes of spec A2 and keeps the argument list for meta.json.

    Handling errors here rather than in ``main()`` makes in-process invocations (tests,
    ``CliRunner``) behave exactly like the console script.
    """

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: typer.Context | None = None,
        **extra: Any,
    ) -> typer.Context:
        """Parse as click does, keeping a copy of the arguments for meta.json.

        Parsing consumes ``args``; the copy in ``ctx.meta`` is what a run folder records as the
        command line.
        """
        argv = list(args)  # parsing consumes ``args``
        ctx = super().make_context(info_name, args, parent, **extra)
        ctx.meta[_ARGV] = argv
        return ctx

    def invoke(self, ctx: typer.Context) -> Any:
        """Run the command, turning every way it can end into the exit codes of spec A2.

        0 on success, 1 for an internal error (traceback with ``CCSIM_DEBUG=1``), 2 for bad input
        (``CcsimError``, usage errors), 130 for Ctrl-C or SIGTERM; the command's own ``typer.Exit``
        passes through.
        """
        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.Abort):
            raise
        except KeyboardInterrupt:  # Ctrl-C, or SIGTERM via main(): 130 whatever typer's version
            raise typer.Exit(130) from None
        except CcsimError as err:  # bad input or circumstances: the message is enough
            typer.echo(f"error: {err}", err=True)
            raise typer.Exit(2) from None
        except Exception as err:
            # Typer may vendor its own click: usage errors are recognised by shape, not class.
            if hasattr(err, "exit_code") and hasattr(err, "show"):
                raise  # a usage error (exit 2) that click reports itself
            if os.environ.get("CCSIM_DEBUG") == "1":
                traceback.print_exc()
            message = " ".join(str(err).split())
            typer.echo(f"internal error: {type(err).__name__}: {message}", err=True)
            raise typer.Exit(1) from None


app = typer.Typer(
    cls=CcsimGroup,
    name="ccsim",
    help="Discrete-event simulator of customer-contact centers.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},  # subcommands inherit it
)


def _show_version(value: bool) -> None:
    if value:
        typer.echo(f"ccsim {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_show_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
) -> None:
    """Discrete-event simulator of customer-contact centers."""


ScenarioFile = Annotated[Path, typer.Argument(help="Scenario YAML file.", show_default=False)]
# Options that several commands share, declared once so that they read the same everywhere.
Workers = Annotated[
    int | None,
    typer.Option(
        min=1,
        help="Worker processes (default: the number of cores); the numbers do not depend on it.",
        show_default=False,
    ),
]
Force = Annotated[bool, typer.Option("--force", help="Replace an existing non-empty --out folder.")]
AsJson = Annotated[
    bool, typer.Option("--json", help="Print one JSON object (spec A2/A2b) instead of a table.")
]
WithReport = Annotated[
    bool, typer.Option("--report", help="Also write report.html into the --out folder.")
]
ReportLang = Annotated[str, typer.Option(help="Language of the --report (and table): en or nl.")]


@app.command("run")
def run_command(
    ctx: typer.Context,
    file: ScenarioFile,
    replications: Annotated[
        int | None,
        typer.Option(min=1, help="Replications (default: the scenario's).", show_default=False),
    ] = None,
    seed: Annotated[
        int | None, typer.Option(min=0, help="Base seed (default: the scenario's).")
    ] = None,
    workers: Workers = None,
    out: Annotated[
        Path | None,
        typer.Option(help="Write tables, scenario.yaml and meta.json into this folder."),
    ] = None,
    force: Force = False,
    as_json: AsJson = False,
    report: WithReport = False,
    lang: ReportLang = "en",
    agents: Annotated[
        Path | None,
        typer.Option(
            help="Roster file (shifts.yaml of `ccsim schedule --out`): replaces the staffing of "
            "each group it names; skills, channels, costs and breaks stay the scenario's.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Run replications of a scenario and report KPIs with 95% confidence intervals."""
    import shlex
    from contextlib import nullcontext
    from datetime import datetime

    from simulator.present.warnings import horizon_warning
    from simulator.runs.executor import default_workers
    from simulator.runs.output import RunFolder, check_out_dir
    from simulator.runs.progress import progress_bar
    from simulator.runs.replications import run
    from simulator.scenario.loading import load_scenario

    if report:
        from simulator.present.dispatch import check_report_options

        check_report_options(out, lang)  # refuse before the run, not after it
    scenario = load_scenario(file)
    if agents is not None:
        from simulator.scenario.rosters import read_shifts, with_roster

        scenario = with_roster(scenario, read_shifts(agents), str(agents), file.parent)
    if out is not None:
        check_out_dir(out, force)  # refuse before the run, not after it
    # The modules just imported (numba, pandas, pydantic: about 150,000 objects) live as long as
    # the process: keep them out of the garbage collections the simulation triggers.
    gc.freeze()
    n = scenario.replications if replications is None else replications
    workers = default_workers(n) if workers is None else workers
    started = datetime.now().astimezone()
    # Per-contact tables only for the --out folder, streamed into it replication by replication.
    with RunFolder(out, force) if out is not None else nullcontext() as folder:
        with progress_bar(n, "replications") as advance:
            result = run(
                scenario,
                replications=n,
                seed=seed,
                workers=workers,
                progress=advance,
                keep_contacts=folder is not None,
                sink=None if folder is None else folder.add,
            )
        if folder is not None:
            folder.finish(
                result,
                command_line=shlex.join([ctx.find_root().info_name or "ccsim", *ctx.meta[_ARGV]]),
                started=started,
                finished=datetime.now().astimezone(),
                workers=workers,
            )
    if out is not None and report:
        from simulator.present.dispatch import write_report

        typer.echo(f"report: {write_report(out, lang=lang)}", err=True)
    if as_json:
        typer.echo(json.dumps(result.to_json(), allow_nan=False))
    else:
        from simulator.present.tables import print_run

        print_run(result.to_json(), lang)
    _warn_horizon_trap(horizon_warning(result.kpis, lang))


def _warn_horizon_trap(warning: str | None) -> None:
    """On stderr, after the table: stdout holds only what was asked for (a table or JSON)."""
    if warning is not None:
        typer.echo(f"warning: {warning}", err=True)


@app.command()
def validate(file: ScenarioFile) -> None:
    """Check a scenario file: exit 0 when it is valid, 2 with the reason when it is not."""
    from simulator.present.warnings import shrinkage_warning
    from simulator.scenario.loading import load_scenario

    scenario = load_scenario(file)
    typer.echo(f"{file}: valid (scenario {scenario.name}: {_describe(scenario)})")
    if (warning := shrinkage_warning(scenario)) is not None:
        typer.echo(f"warning: {warning}", err=True)


def _describe(scenario: Scenario) -> str:
    """A one-line gist of a scenario, so a user sees that the file says what was meant."""
    import numpy as np

    from simulator.scenario.steps import agent_steps

    h = scenario.horizon
    _, counts = agent_steps(scenario.agents, h)
    low, high = int(np.min(counts)), int(np.max(counts))
    agents = f"{high} agents" if low == high else f"{low}–{high} agents"
    n_reasons = len(scenario.reasons)
    return (
        f"{n_reasons} reason{'s' if n_reasons != 1 else ''}, {_demand(scenario)}, {agents}, "
        f"{h.days} day{'s' if h.days != 1 else ''}, {scenario.replications} replications"
    )


def _demand(scenario: Scenario) -> str:
    """Everyday new issues: the peak rate per hour and when, and the expected volume per day.

    The volume is given by weekday when the weekdays differ; this is what a planner reads off a
    forecast.
    """
    from datetime import timedelta
    from itertools import groupby

    import numpy as np

    from simulator.engine.timeline import arrival_steps, cumulative_intensity
    from simulator.scenario.hours import DAYS
    from simulator.units import DAY_S

    h = scenario.horizon
    starts, rates = arrival_steps(scenario)
    edges, cum = cumulative_intensity(starts, rates, h.horizon_s)
    per_day = np.diff(np.interp(np.arange(h.days + 1) * DAY_S, edges, cum))
    peak = int(np.argmax(rates))
    when = h.origin + timedelta(seconds=float(starts[peak]))
    text = f"new issues peak {rates[peak] * 3600:,.0f}/h"
    if len(starts) > 1:
        text += f" ({when:%a %H:%M})"
    weekdays = {(h.origin.weekday() + d) % 7: float(v) for d, v in enumerate(per_day[:7])}
    volumes = [(DAYS[d].capitalize(), f"{weekdays[d]:,.0f}") for d in sorted(weekdays)]
    if len({v for _, v in volumes}) == 1:
        text += f", {volumes[0][1]} per day"
    else:
        runs = [list(g) for _, g in groupby(volumes, key=lambda dv: dv[1])]
        days = [r[0][0] if len(r) == 1 else f"{r[0][0]}–{r[-1][0]}" for r in runs]
        text += ", per day " + ", ".join(f"{d} {r[0][1]}" for d, r in zip(days, runs, strict=True))
    drivers = scenario.expected_issues()[1]
    return text + (f" (drivers add up to {drivers:,.0f} in all)" if drivers else "")


@app.command()
def schema() -> None:
    """Print the JSON Schema of scenario files."""
    from simulator.scenario.loading import scenario_json_schema

    typer.echo(json.dumps(scenario_json_schema(), indent=2))


RunDir = Annotated[
    Path, typer.Argument(help="Folder written by `ccsim run FILE --out DIR`.", show_default=False)
]
Lang = Annotated[str, typer.Option(help="Language of labels and texts: en or nl.")]


@app.command("report")
def report_command(
    run_dir: RunDir,
    lang: Lang = "en",
    out: Annotated[
        Path | None,
        typer.Option(help="HTML file to write (default: RUN_DIR/report.html).", show_default=False),
    ] = None,
) -> None:
    """Write one self-contained HTML report of a run: KPIs, pictures and growth phase."""
    from simulator.present.dispatch import write_report  # loads matplotlib: only for reports

    typer.echo(str(write_report(run_dir, out, lang)))


@app.command("assess")
def assess_command(
    run_dir: RunDir,
    lang: Lang = "en",
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the assessment as one JSON object.")
    ] = False,
) -> None:
    """Place a run in the growth model (phases 1-5) and name what keeps it from the next phase."""
    from simulator.present.labels import check_lang
    from simulator.present.tables import assessment_text
    from simulator.studies.assess import assess_run_dir

    check_lang(lang)  # a bad --lang is refused before the folder is read
    assessment = assess_run_dir(run_dir)
    if as_json:
        typer.echo(json.dumps(assessment.to_json(), allow_nan=False))
    else:
        typer.echo(assessment_text(assessment, lang), nl=False)


@app.command("sweep")
def sweep_command(
    experiment: Annotated[Path, typer.Argument(help="Experiment YAML file.", show_default=False)],
    out: Annotated[
        Path,
        typer.Option(help="Results folder; the same command resumes it.", show_default=False),
    ],
    workers: Annotated[
        int | None,
        typer.Option(
            min=1, help="Worker processes (default: the number of cores).", show_default=False
        ),
    ] = None,
    scheduler: Annotated[
        str | None,
        typer.Option(help="Run on this Dask scheduler, e.g. tcp://host:8786.", show_default=False),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Discard what --out holds and start over.")
    ] = False,
    as_json: Annotated[
        bool, typer.Option("--json", help='Print {"points", "failed", "out"} (spec A2b) only.')
    ] = False,
    report: WithReport = False,
    lang: ReportLang = "en",
) -> None:
    """Run every point of an experiment with common random numbers; exit 1 if a point failed."""
    from simulator.present.warnings import sweep_warning
    from simulator.studies.sweep import load_sweep, run_sweep  # loads pandas: sweeps only

    if report:
        from simulator.present.labels import check_lang

        check_lang(lang)  # refuse before the sweep, not after it
    outcome = run_sweep(experiment, out, workers=workers, scheduler=scheduler, force=force)
    if report:
        from simulator.present.dispatch import write_report

        typer.echo(f"report: {write_report(out, lang=lang)}", err=True)
    if as_json:
        typer.echo(json.dumps(outcome.to_json(), allow_nan=False, default=str))
    else:
        from simulator.present.tables import print_sweep_summary

        print_sweep_summary(outcome)
    _warn_horizon_trap(sweep_warning(load_sweep(out), lang))
    if outcome.failed:
        raise typer.Exit(1)


@app.command("compare")
def compare_command(
    files: Annotated[
        list[Path], typer.Argument(help="Two or more scenario YAML files.", show_default=False)
    ],
    replications: Annotated[
        int | None,
        typer.Option(min=1, help="Replications (default: the first file's).", show_default=False),
    ] = None,
    seed: Annotated[
        int | None,
        typer.Option(min=0, help="Seed for every scenario (default: the first file's)."),
    ] = None,
    workers: Workers = None,
    out: Annotated[
        Path | None,
        typer.Option(
            help="Write compare.csv, diff.csv, by_reason.csv, by_group.csv and compare.png "
            "into this folder."
        ),
    ] = None,
    force: Force = False,
    as_json: AsJson = False,
    report: WithReport = False,
    lang: ReportLang = "en",
) -> None:
    """Run scenarios with common random numbers; paired differences to the first, with CIs."""
    from simulator.present.tables import print_comparison
    from simulator.runs.progress import progress_bar
    from simulator.scenario.loading import load_scenario
    from simulator.studies.compare import CompareError, check_out, compare

    if report:
        from simulator.present.dispatch import check_report_options

        check_report_options(out, lang)  # refuse before the runs, not after them
    if len(files) < 2:
        raise CompareError("compare needs at least two scenario files")
    scenarios = [load_scenario(f) for f in files]  # every file checked before any run
    if out is not None:
        check_out(out, force)
    n = scenarios[0].replications if replications is None else replications
    with progress_bar(n * len(scenarios), "replications") as advance:
        result = compare(
            scenarios,
            [str(f) for f in files],
            replications=n,
            seed=seed,
            workers=workers,
            progress=advance,
        )
    if out is not None:
        from simulator.present.figures import save_png  # loads matplotlib: only with --out
        from simulator.present.study_figures import comparison_plot
        from simulator.studies.compare import write_comparison

        def draw(path: Path) -> Path:
            return save_png(comparison_plot(result, lang), path)

        written = write_comparison(result, out, force=force, write_png=draw)
        typer.echo(f"written: {written}", err=True)
        if report:
            from simulator.present.dispatch import write_report

            typer.echo(f"report: {write_report(out, lang=lang)}", err=True)
    if as_json:
        typer.echo(json.dumps(result.to_json(), allow_nan=False))
    else:
        print_comparison(result, lang)


@app.command("business-case")
def business_case_command(
    base: Annotated[Path, typer.Argument(help="The base scenario YAML file.", show_default=False)],
    whatif: Annotated[
        Path, typer.Argument(help="The what-if scenario YAML file.", show_default=False)
    ],
    one_off: Annotated[
        float,
        typer.Option(
            "--one-off", help="One-off cost of the what-if (in the files' currency).", min=0
        ),
    ],
    replications: Annotated[
        int | None,
        typer.Option(min=2, help="Replications (default: the base file's).", show_default=False),
    ] = None,
    seed: Annotated[
        int | None,
        typer.Option(min=0, help="Seed for both scenarios (default: the base file's)."),
    ] = None,
    workers: Workers = None,
    as_json: AsJson = False,
    lang: ReportLang = "en",
) -> None:
    """Payback of a what-if's one-off cost from the paired weekly saving of cost_total, with CI."""
    from simulator.present.business_case import business_case_text
    from simulator.present.labels import check_lang
    from simulator.runs.progress import progress_bar
    from simulator.scenario.loading import load_scenario
    from simulator.studies.business_case import business_case, check

    check_lang(lang)
    scenarios = [load_scenario(f) for f in (base, whatif)]  # both checked before any run
    files = [str(base), str(whatif)]
    check(*scenarios, files, one_off)
    n = scenarios[0].replications if replications is None else replications
    with progress_bar(n * 2, "replications") as advance:
        case = business_case(
            *scenarios,
            one_off,
            files,
            replications=n,
            seed=seed,
            workers=workers,
            progress=advance,
        )
    if as_json:
        typer.echo(json.dumps(case.to_json(), allow_nan=False))
    else:
        typer.echo(business_case_text(case, lang), nl=False)


@app.command("pareto")
def pareto_command(
    run_dir: RunDir,
    target_fcr: Annotated[
        float,
        typer.Option(min=0.0, max=1.0, help="FCR of each reason's what-if (never lowered)."),
    ] = 0.75,
    workers: Workers = None,
    as_json: AsJson = False,
    lang: Lang = "en",
    out: Annotated[
        Path | None,
        typer.Option(help="Write the Pareto chart (PNG) to this file.", show_default=False),
    ] = None,
) -> None:
    """Rank contact reasons by the agent hours they cause; re-simulate each reason's fix."""
    from simulator.present.labels import check_lang
    from simulator.present.tables import print_pareto
    from simulator.runs.progress import progress_bar
    from simulator.studies.pareto import PARETO_JSON, plan, save_json, simulate

    check_lang(lang)
    planned = plan(run_dir, target_fcr)  # every what-if validated before any simulation
    with progress_bar(planned.replications_to_simulate, "what-ifs") as advance:
        result = simulate(planned, workers=workers, progress=advance)
    save_json(result, Path(run_dir) / PARETO_JSON)
    if out is not None:
        from simulator.present.figures import save_png
        from simulator.present.study_figures import pareto_figure

        figure = pareto_figure(result.table, lang, result.currency)
        typer.echo(f"written: {save_png(figure, out)}", err=True)
    if as_json:
        typer.echo(json.dumps(result.to_json(), allow_nan=False))
    else:
        print_pareto(result, lang)


@app.command("staff")
def staff_command(
    file: ScenarioFile,
    method: Annotated[
        str, typer.Option(help="erlang-c, erlang-a or simulation (the full model).")
    ] = "erlang-a",
    demand: Annotated[
        str,
        typer.Option(
            help="contacts (expected, with repeats and redials) or issues (new issues only)."
        ),
    ] = "contacts",
    max_abandon: Annotated[
        float | None,
        typer.Option(help="Also keep abandonment at most this fraction.", show_default=False),
    ] = None,
    max_occupancy: Annotated[
        float | None,
        typer.Option(help="Also keep occupancy at most this fraction.", show_default=False),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(min=1, help="Worker processes for --method simulation.", show_default=False),
    ] = None,
    max_runs: Annotated[
        int | None,
        typer.Option(
            min=1,
            help="Simulation runs of --method simulation at most (default 30); unfinished: exit 3.",
            show_default=False,
        ),
    ] = None,
    intervals: Annotated[
        bool,
        typer.Option("--intervals", help="Show every interval of a multi-day horizon, not days."),
    ] = False,
    out: Annotated[
        Path | None,
        typer.Option(help="Write staffing.csv, staffing.parquet and staffing.png here."),
    ] = None,
    plot: Annotated[
        Path | None, typer.Option(help="Write the staffing-vs-demand plot (PNG) here.")
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Replace staffing files already in --out.")
    ] = False,
    as_json: AsJson = False,
) -> None:
    """Fewest agents per interval that meet the service-level target; agent hours and FTE.

    A simulation search that does not converge prints what it has and why, then exits 3.
    """
    from rich.console import Console

    from simulator.scenario.loading import load_scenario
    from simulator.studies import staffing

    scenario = load_scenario(file)
    if out is not None:
        staffing.check_out(out, force)  # refuse before the work, not after it
    console = Console(stderr=True)
    result = staffing.staff(
        scenario,
        method,
        demand,
        max_abandon=max_abandon,
        max_occupancy=max_occupancy,
        workers=workers,
        base_dir=file.parent,
        max_runs=max_runs,
        progress=lambda line: console.print(line, style="dim", highlight=False),
    )
    if out is not None or plot is not None:
        from simulator.present.figures import save_png
        from simulator.present.study_figures import staffing_plot

        fig = staffing_plot(result)
        for path in staffing.write_outputs(result, out, plot, lambda p: save_png(fig, p)):
            typer.echo(f"written: {path}", err=True)
    if as_json:
        typer.echo(json.dumps(result.to_json(), allow_nan=False))
    else:
        from simulator.present.tables import print_staffing

        print_staffing(result, by_interval=intervals)
    if not result.converged:
        typer.echo(f"ccsim staff: NOT converged: {result.reason}", err=True)
        raise typer.Exit(3)


@app.command("schedule")
def schedule_command(
    file: ScenarioFile,
    method: Annotated[
        str, typer.Option(help="How the requirement is found: erlang-c, erlang-a or simulation.")
    ] = "erlang-a",
    demand: Annotated[
        str, typer.Option(help="contacts (with repeats and redials) or issues (new issues only).")
    ] = "contacts",
    starts: Annotated[
        str | None,
        typer.Option(
            help='Allowed starts instead of schedule.shift_types: "07:00-12:00/30,15:00".',
            show_default=False,
        ),
    ] = None,
    lengths: Annotated[
        str | None,
        typer.Option(
            help="Allowed shift lengths in hours, breaks included: 8,8.5.", show_default=False
        ),
    ] = None,
    days: Annotated[
        str | None,
        typer.Option(help="Weekdays the shifts may be worked: mon-fri.", show_default=False),
    ] = None,
    min_agents: Annotated[
        int | None,
        typer.Option(
            min=0, help="A planned shift has at least this many agents.", show_default=False
        ),
    ] = None,
    max_agents: Annotated[
        int | None,
        typer.Option(min=0, help="A shift has at most this many agents.", show_default=False),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            help="Write shifts.yaml (for `ccsim run --agents`), roster.csv (for agents.table) "
            "and schedule.png here."
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Replace the files of an earlier --out.")
    ] = False,
    verify: Annotated[
        bool,
        typer.Option(
            "--verify", help="Simulate the roster: service level per day, worst intervals."
        ),
    ] = False,
    replications: Annotated[
        int | None,
        typer.Option(
            min=1, help="Replications of --verify (default: the scenario's).", show_default=False
        ),
    ] = None,
    seed: Annotated[int | None, typer.Option(min=0, help="Base seed of --verify.")] = None,
    workers: Workers = None,
    max_runs: Annotated[
        int | None,
        typer.Option(
            min=1,
            help="Simulation runs of --method simulation at most (default 30); unfinished: exit 3.",
            show_default=False,
        ),
    ] = None,
    as_json: AsJson = False,
    lang: Lang = "en",
    report: Annotated[
        bool,
        typer.Option(
            "--report",
            help="Also write schedule_report.html into --out: the roster against the "
            "requirement, the shifts, and --verify's days.",
        ),
    ] = False,
) -> None:
    """Shifts that cover the staffing requirement for the fewest paid hours (or cost).

    The requirement is `ccsim staff`'s per interval; the shifts come from schedule.shift_types in
    the scenario or the options, with breaks netted out as the simulation places them.
    """
    from simulator.present.labels import check_lang
    from simulator.scenario.loading import load_scenario
    from simulator.studies import schedule as sched

    check_lang(lang)
    scenario = load_scenario(file)
    if report and out is None:
        raise sched.ScheduleError("--report writes into the --out folder: give --out DIR")
    if out is not None:
        sched.check_out(out, force)  # refuse before the work, not after it
    plan = sched.shift_types_from_options(
        starts, lengths, days, min_agents, max_agents, scenario.horizon.interval_minutes
    )
    from rich.console import Console

    console = Console(stderr=True)
    need = sched.requirement(
        scenario,
        method,
        demand,
        base_dir=file.parent,
        workers=workers,
        max_runs=max_runs,
        progress=lambda line: console.print(line, style="dim", highlight=False),
    )
    result = sched.schedule(scenario, need, plan, base_dir=file.parent)
    if out is not None:
        from simulator.present.figures import save_png
        from simulator.present.schedule_figures import schedule_figure

        typer.echo(f"written: {sched.write_roster(result, out)}", err=True)
        for path in sched.write_roster_tables(scenario, result, out, file.parent):
            typer.echo(f"written: {path}", err=True)
        png = save_png(schedule_figure(result, lang), out / "schedule.png")
        typer.echo(f"written: {png}", err=True)
    verification = None
    if verify:
        from simulator.runs.executor import default_workers
        from simulator.runs.progress import progress_bar

        n = replications or scenario.replications
        with progress_bar(n, "replications") as advance:
            verification = sched.verify(
                scenario,
                result,
                base_dir=file.parent,
                replications=n,
                seed=seed,
                workers=default_workers(n) if workers is None else workers,
                progress=advance,
            )
    if report and out is not None:
        from simulator.present.schedule_report import write_schedule_report

        typer.echo(f"report: {write_schedule_report(result, out, verification, lang)}", err=True)
    if as_json:
        data = result.to_json()
        if verification is not None:
            data["verify"] = verification.to_json()
        typer.echo(json.dumps(data, allow_nan=False))
    else:
        from simulator.present.schedule_tables import print_schedule

        print_schedule(result, verification, lang)
    if need.staffing is not None and not need.staffing.converged:
        typer.echo(
            f"ccsim schedule: the requirement's simulation search did NOT converge: "
            f"{need.staffing.reason}",
            err=True,
        )
        raise typer.Exit(3)


@app.command("train")
def train_command(
    name: Annotated[
        str,
        typer.Argument(
            help="Training experiment: meer-headcount, problem-solvers.", show_default=False
        ),
    ],
    experiment: Annotated[
        Path | None,
        typer.Option(
            help="Experiment file (default: experiments/<name>.yaml).", show_default=False
        ),
    ] = None,
    replications: Annotated[
        int | None,
        typer.Option(min=1, help="Replications (default: the file's).", show_default=False),
    ] = None,
    days: Annotated[
        int | None,
        typer.Option(min=1, help="Cut the horizon to this many days.", show_default=False),
    ] = None,
    seed: Annotated[
        int | None, typer.Option(min=0, help="Seed (default: the file's).", show_default=False)
    ] = None,
    workers: Workers = None,
    out: Annotated[
        Path | None,
        typer.Option(help="Write training.png, table.csv, replications.csv, training.json."),
    ] = None,
    figure: Annotated[
        Path | None, typer.Option(help="Write the figure (PNG) to this file.", show_default=False)
    ] = None,
    force: Force = False,
    as_json: AsJson = False,
    lang: Lang = "en",
) -> None:
    """Training experiment: what-ifs side by side with common random numbers and paired CIs."""
    from simulator.present.labels import check_lang
    from simulator.runs.progress import progress_bar
    from simulator.studies import training

    check_lang(lang)
    exp = training.run_named(
        name, experiment, replications=replications, days=days, seed=seed
    )  # every what-if validated before any run
    training.check_out(out, force)
    with progress_bar(exp.replications * len(exp.scenarios), "replications") as advance:
        result = training.run_training(exp, workers=workers, progress=advance)
    if out is not None or figure is not None:
        from simulator.present.figures import save_png
        from simulator.present.study_figures import training_figure

        fig = training_figure(result, lang)
        for path in training.write_outputs(result, out, figure, lang, lambda p: save_png(fig, p)):
            typer.echo(f"written: {path}", err=True)
    if as_json:
        typer.echo(json.dumps(result.to_json(), allow_nan=False))
    else:
        from simulator.present.tables import print_training

        print_training(result, lang)


@app.command("app")
def app_command(
    file: Annotated[
        Path | None,
        typer.Argument(
            help="Scenario YAML file (default: scenarios/low_fcr_center.yaml).", show_default=False
        ),
    ] = None,
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port on 127.0.0.1.")] = 8080,
    no_browser: Annotated[
        bool, typer.Option("--no-browser", help="Start the server without opening a browser.")
    ] = False,
    folder: Annotated[
        Path | None,
        typer.Option(
            help="Where Save and Report write (default: ./ccsim-app).", show_default=False
        ),
    ] = None,
) -> None:
    """What-if room for trainers: a local web page of levers, paired answers in seconds."""
    import importlib.util

    if importlib.util.find_spec("nicegui") is None:
        raise CcsimError('ccsim app needs NiceGUI: pip install "ccsim[app]"')
    from simulator.present.app import serve
    from simulator.studies.room import default_scenario

    scenario = file if file is not None else default_scenario()
    serve(scenario, port=port, show=not no_browser, folder=folder)


@app.command("calibrate")
def calibrate_command(
    file: ScenarioFile,
    survey: Annotated[
        Path,
        typer.Argument(help="Survey YAML file: mean CSAT per outcome group.", show_default=False),
    ],
    replications: Annotated[
        int | None,
        typer.Option(min=1, help="Replications (default: the scenario's).", show_default=False),
    ] = None,
    seed: Annotated[
        int | None, typer.Option(min=0, help="Base seed (default: the scenario's).")
    ] = None,
    workers: Workers = None,
    as_json: AsJson = False,
) -> None:
    """Fit the CSAT proxy's weights to survey means per outcome group; print the YAML to paste."""
    from simulator.present.calibration import calibration_text
    from simulator.results.calibration import fit_csat
    from simulator.runs.progress import progress_bar
    from simulator.runs.replications import run
    from simulator.scenario.loading import load_scenario
    from simulator.scenario.survey import check_reasons, load_survey

    scenario = load_scenario(file)
    answers = load_survey(survey)
    check_reasons(answers, scenario, str(survey))  # every input checked before the run
    n = scenario.replications if replications is None else replications
    with progress_bar(n, "replications") as advance:
        result = run(
            scenario,
            replications=n,
            seed=seed,
            workers=workers,
            progress=advance,
            keep_contacts=True,
        )
    cal = fit_csat(result.journeys, answers, scenario.satisfaction.csat, replications=n)
    if as_json:
        typer.echo(json.dumps({"scenario": scenario.name, **cal.to_json()}, allow_nan=False))
    else:
        typer.echo(calibration_text(cal, scenario.name), nl=False)


RecordsFile = Annotated[
    Path,
    typer.Argument(help="Contact records: CSV or Parquet (spec D9 columns).", show_default=False),
]
RecordsFormat = Annotated[
    str,
    typer.Option("--format", help="Records format: d9 (default) or anonymous-bank (1999 log)."),
]
ColumnMap = Annotated[
    Path | None,
    typer.Option(help="YAML mapping ccsim's column names to the file's.", show_default=False),
]
FromDate = Annotated[
    str | None, typer.Option(help="First date to use (YYYY-MM-DD).", show_default=False)
]
ToDate = Annotated[
    str | None, typer.Option(help="Last date to use (YYYY-MM-DD).", show_default=False)
]


def _date_option(value: str | None, option: str) -> Any:
    """``--start``/``--end`` as a date, or a bad-input error naming the option."""
    from datetime import date

    from simulator.errors import ScenarioError

    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ScenarioError(option, "", "not a date", allowed="YYYY-MM-DD", value=value) from None


@app.command("fit")
def fit_command(
    records: RecordsFile,
    out: Annotated[
        Path,
        typer.Option(help="Scenario YAML to write (agents table beside it).", show_default=False),
    ],
    columns: ColumnMap = None,
    start: FromDate = None,
    end: ToDate = None,
    fmt: RecordsFormat = "d9",
    interval_minutes: Annotated[
        int, typer.Option(min=1, help="Interval of the intraday profile and the agents table.")
    ] = 30,
    window_days: Annotated[
        float,
        typer.Option(
            min=0.01, help="A contact within this many days after an answered one is a repeat."
        ),
    ] = 3.0,
    report: Annotated[
        bool,
        typer.Option("--report", help="Also write <scenario>_report.html: every fit and its data."),
    ] = False,
    as_json: AsJson = False,
) -> None:
    """Fit a scenario to contact records (spec D9): arrivals, handle times, patience, agents."""
    from simulator.errors import ScenarioError
    from simulator.present.fit_text import fit_text
    from simulator.studies.contact_records import read_records
    from simulator.studies.fit import fit, write_fit

    if 1440 % interval_minutes:
        raise ScenarioError(
            "--interval-minutes",
            "",
            "does not divide a day",
            allowed="a divisor of 1440, e.g. 15, 30, 60",
            value=interval_minutes,
        )
    data = read_records(
        records,
        columns=columns,
        fmt=fmt,
        start=_date_option(start, "--start"),
        end=_date_option(end, "--end"),
    )
    result = fit(
        data,
        name=out.stem,
        interval_minutes=interval_minutes,
        window_days=window_days,
        agents_csv=f"{out.stem}_agents.csv",
    )
    table = write_fit(result, out)
    if report:
        from simulator.present.fit_report import render_fit_html

        page = out.parent / f"{out.stem}_report.html"
        page.write_text(render_fit_html(result, str(out)), encoding="utf-8")
        typer.echo(f"written: {page}", err=True)
    if as_json:
        typer.echo(json.dumps({**result.to_json(), "scenario": str(out)}, allow_nan=False))
    else:
        typer.echo(fit_text(result, str(out), str(table)), nl=False)


@app.command("backtest")
def backtest_command(
    records: RecordsFile,
    file: ScenarioFile,
    columns: ColumnMap = None,
    fmt: RecordsFormat = "d9",
    replications: Annotated[
        int | None,
        typer.Option(min=1, help="Replications (default: the scenario's).", show_default=False),
    ] = None,
    workers: Workers = None,
    out: Annotated[
        Path | None,
        typer.Option(help="Write backtest.json, intervals.csv, days.csv, backtest.png here."),
    ] = None,
    as_json: AsJson = False,
) -> None:
    """Simulate a (fitted) scenario over its records' dates and compare per interval and day."""
    from simulator.present.fit_text import backtest_text
    from simulator.runs.progress import progress_bar
    from simulator.scenario.loading import load_scenario
    from simulator.studies.backtest import backtest, write_backtest
    from simulator.studies.contact_records import read_records

    scenario = load_scenario(file)
    data = read_records(records, columns=columns, fmt=fmt)
    n = scenario.replications if replications is None else replications
    with progress_bar(n, "replications") as advance:
        bt = backtest(data, scenario, replications=n, workers=workers, progress=advance)
    if out is not None:
        from simulator.present.figures import save_png
        from simulator.present.fit_figures import backtest_figure

        fig = backtest_figure(bt)
        for path in write_backtest(bt, out, lambda p: save_png(fig, p)):
            typer.echo(f"written: {path}", err=True)
    if as_json:
        typer.echo(json.dumps(bt.to_json(), allow_nan=False))
    else:
        typer.echo(backtest_text(bt), nl=False)


def main() -> None:
    """Console-script entry point (``ccsim``)."""
    with sigterm_as_interrupt():
        try:
            app()
        finally:
            # The process ends here: spare it the collections over every object at exit (0.2-0.3 s
            # with numba and pandas loaded); atexit handlers still run.
            gc.freeze()


if __name__ == "__main__":
    main()
