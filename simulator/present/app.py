"""``ccsim app``: the what-if room for trainers, a local web page built with NiceGUI.

Why NiceGUI (an optional extra, ``pip install "ccsim[app]"``): the page is written in Python
alone, the server pushes every refined answer to the browser over its websocket without a page
reload, ``run.cpu_bound`` keeps a pool of worker processes for the replications, and its
JavaScript and styles ship inside the package, so the room works without internet. Panel and Shiny
can do the same; NiceGUI has the smallest page code for sliders, fields and a picture, and a
maintained release line (3.x in 2026).

The study is :mod:`simulator.studies.room` (levers, scenarios, pairing, files); this module only
lays out the page, asks the room for work, hands the replications to the process pool and shows
what comes back: the paired table, the four-panel figure and the story of ``ccsim train``. A
value the room refuses shows the CLI's message on the page, never a traceback.

Nothing else in ccsim imports this module: only ``ccsim app`` loads NiceGUI.
"""

from __future__ import annotations

import asyncio
import base64
import html
import math
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from simulator.errors import CcsimError
from simulator.present.figures import png_bytes
from simulator.present.labels import LANGS
from simulator.present.study_figures import training_figure
from simulator.present.study_text import format_metric, metric_label, signed, training_story
from simulator.studies.room import (
    QUICK,
    STEP,
    Lever,
    Room,
    Settings,
    Setup,
    Task,
    simulate_replication,
)
from simulator.studies.training import TrainingResult

DEBOUNCE_S = 0.3
"""A slider sends values while it moves: the room runs once it has rested this long."""

TEXT: dict[str, dict[str, str]] = {
    "en": {
        "title": "ccsim what-if room",
        "file": "Scenario file",
        "open": "Open",
        "levers": "Levers",
        "agents": "Agents (± %)",
        "fcr": "FCR {name}",
        "on_time": "{name}: callbacks on time (share)",
        "contact_rate": "{kind} -> {reason}: contact rate",
        "self_service": "Self-service: share of new issues that try it",
        "price": "Price: {name} ({currency})",
        "price.agent_hour": "agent hour",
        "price.contact_minute": "handled minute",
        "price.third_party_job": "third-party job",
        "run": "Run",
        "days": "Horizon (days)",
        "replications": "Final replications",
        "seed": "Seed",
        "reset": "Reset levers",
        "folder": "Folder for files",
        "save": "Save as scenario",
        "report": "Report",
        "written": "written: {paths}",
        "status": "Horizon {days} from {start} · {n} of {final} replications · seed {seed}",
        "one_day": "1 day",
        "n_days": "{n} days",
        "refining": "refining …",
        "final": "final",
        "running": "simulating …",
        "metric": "KPI",
        "difference": "difference (95% CI)",
        "unchanged": "what-if (nothing moved)",
        "more_levers": "{n} levers",
        "agents_short": "{pct} agents",
        "internal": "internal error: {error}",
        "error": "error: {error}",
    },
    "nl": {
        "title": "ccsim wat-als-kamer",
        "file": "Scenariobestand",
        "open": "Openen",
        "levers": "Hefbomen",
        "agents": "Agenten (± %)",
        "fcr": "FCR {name}",
        "on_time": "{name}: terugbelafspraken op tijd (aandeel)",
        "contact_rate": "{kind} -> {reason}: contactkans",
        "self_service": "Selfservice: aandeel nieuwe vragen dat het probeert",
        "price": "Prijs: {name} ({currency})",
        "price.agent_hour": "agentuur",
        "price.contact_minute": "afgehandelde minuut",
        "price.third_party_job": "opdracht derde partij",
        "run": "Run",
        "days": "Horizon (dagen)",
        "replications": "Replicaties (eind)",
        "seed": "Seed",
        "reset": "Hefbomen terugzetten",
        "folder": "Map voor bestanden",
        "save": "Opslaan als scenario",
        "report": "Rapport",
        "written": "geschreven: {paths}",
        "status": "Horizon {days} vanaf {start} · {n} van {final} replicaties · seed {seed}",
        "one_day": "1 dag",
        "n_days": "{n} dagen",
        "refining": "verfijnt …",
        "final": "definitief",
        "running": "simuleert …",
        "metric": "KPI",
        "difference": "verschil (95%-BI)",
        "unchanged": "wat-als (niets verschoven)",
        "more_levers": "{n} hefbomen",
        "agents_short": "{pct} agenten",
        "internal": "interne fout: {error}",
        "error": "fout: {error}",
    },
}


def text(key: str, lang: str, **values: object) -> str:
    """A word of the page in ``lang``."""
    return TEXT[lang][key].format(**values)


def number(value: float, lang: str) -> str:
    """A lever's value as the page writes it (decimal comma in Dutch)."""
    out = f"{value:.4g}"
    return out.replace(".", ",") if lang == "nl" else out


WEEKDAYS = {
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
    "nl": ("ma", "di", "wo", "do", "vr", "za", "zo"),
}
MONTHS = {
    "en": ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
    "nl": ["jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"],
}


def day_text(day: date | None, lang: str) -> str:
    """The horizon's first day (``Mon 9 Feb 2026``, ``ma 9 feb 2026``); a Monday without one."""
    if day is None:
        return WEEKDAYS[lang][0]
    return f"{WEEKDAYS[lang][day.weekday()]} {day.day} {MONTHS[lang][day.month - 1]} {day.year}"


def lever_label(room: Room, lever: Lever, lang: str) -> str:
    """The name of a lever's control."""
    if lever.kind in ("agents", "self_service"):
        return text(lever.kind, lang)
    if lever.kind == "price":
        costs = room.scenario.costs
        currency = costs.currency if costs is not None else "EUR"
        return text("price", lang, name=text(lever.key, lang), currency=currency)
    if lever.kind == "contact_rate":
        driver = room.scenario.drivers[int(lever.target)]
        return text("contact_rate", lang, kind=driver.kind, reason=getattr(driver, "reason", ""))
    return text(lever.kind, lang, name=lever.target)


def what_if_name(room: Room, values: dict[str, Any], lang: str) -> str:
    """The what-if's name in the table, figure and story: the levers it moves."""
    parts = []
    for lever in room.levers:
        value = values.get(lever.key)
        if lever.kind == "price" or not isinstance(value, int | float):
            continue
        if not math.isfinite(value) or abs(value - lever.base) <= 1e-12:
            continue
        if lever.kind == "agents":
            parts.append(text("agents_short", lang, pct=f"{value:+g}%"))
        else:
            name = lever_label(room, lever, lang).split(":")[0]
            parts.append(f"{name} {number(value, lang)}")
    if not parts:
        return text("unchanged", lang)
    return ", ".join(parts) if len(parts) <= 3 else text("more_levers", lang, n=len(parts))


def result_table(result: TrainingResult, lang: str) -> str:
    """The paired table as HTML; every number cell carries its value for a test to read."""
    tr = result.training
    money = tr.currency
    labels = tr.labels(lang)

    def attrs(testid: str, mean: float | None, ci: float | None) -> str:
        m = "" if mean is None else repr(float(mean))
        c = "" if ci is None else repr(float(ci))
        return f' data-testid="{testid}" data-mean="{m}" data-ci="{c}"'

    head = "".join(
        f"<th>{html.escape(h)}</th>"
        for h in (text("metric", lang), labels[0], labels[1], text("difference", lang))
    )
    rows = []
    for key in tr.metrics:
        means, cis, diff = result.means(key), result.ci95(key), result.diff(key)[0]
        cells = [f"<td>{html.escape(metric_label(key, lang))}</td>"]
        for i, name in ((0, "base"), (1, "whatif")):
            shown = format_metric(key, means[i], lang, money)
            cells.append(f"<td{attrs(f'{name}-{key}', means[i], cis[i])}>{html.escape(shown)}</td>")
        shown = signed(key, diff["mean"], diff["ci95"], lang, money)
        cells.append(
            f"<td{attrs(f'diff-{key}', diff['mean'], diff['ci95'])}>{html.escape(shown)}</td>"
        )
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return (
        '<table class="ccsim-table"><thead><tr>'
        + head
        + "</tr></thead><tbody>"
        + "".join(rows)
        + "</tbody></table>"
    )


def figure_uri(result: TrainingResult, lang: str) -> str:
    """The four-panel figure of ``ccsim train`` as a PNG data URI."""
    return (
        "data:image/png;base64,"
        + base64.b64encode(png_bytes(training_figure(result, lang))).decode()
    )


STYLE = """
<style>
.ccsim-table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
.ccsim-table th, .ccsim-table td {
  padding: 2px 10px; border-bottom: 1px solid #ddd; text-align: right;
}
.ccsim-table th:first-child, .ccsim-table td:first-child { text-align: left; }
</style>
"""


@dataclass
class Server:
    """What the pages of one ``ccsim app`` share: the rooms (with their replications) by file."""

    first: Path
    folder: Path
    rooms: dict[Path, Room] = field(default_factory=dict)

    running: dict[tuple[str, int, int], asyncio.Future] = field(default_factory=dict)

    def room(self, path: Path) -> Room:
        """The room of a scenario file, opened once; a file that does not validate raises."""
        key = path.resolve()
        if key not in self.rooms:
            self.rooms[key] = Room(path)
        return self.rooms[key]

    async def simulate(self, room: Room, setup: Setup, n: int) -> None:
        """Replications below ``n`` of ``setup`` in the process pool, each once however many ask."""
        waits = []
        for task in room.missing(setup, n):
            key = room.key(setup, task)
            if key not in self.running:
                self.running[key] = asyncio.ensure_future(self._one(room, setup, task, key))
            waits.append(self.running[key])
        await asyncio.gather(*waits)

    async def _one(self, room: Room, setup: Setup, task: Task, key: tuple[str, int, int]) -> None:
        from nicegui import run

        try:
            value = await run.cpu_bound(simulate_replication, *task)
            if value is not None:  # None: the app is stopping
                room.store(setup, task, value)
        finally:
            self.running.pop(key, None)

    async def warm_up(self) -> None:
        """At start: the pool's workers load ccsim, and the base's replications are simulated."""
        try:
            room = self.room(self.first)
        except CcsimError as err:  # the page says it too
            print(f"error: {err}", file=sys.stderr)
            return
        await self.simulate(room, room.setup({}, room.defaults()), room.defaults().replications)


class Page:
    """One browser tab: its levers, settings, language, and the answer it shows."""

    def __init__(self, server: Server) -> None:
        self.server = server
        self.lang = "en"
        self.path = server.first
        self.room: Room | None = None
        self.values: dict[str, Any] = {}
        self.settings: dict[str, Any] = {}
        self.generation = 0
        self.pending: asyncio.TimerHandle | None = None
        self.result: TrainingResult | None = None
        self.setup: Setup | None = None
        self.error = ""
        self.status = ""
        self.final = False
        self.written = ""
        self.figure = ""

    # -- layout -----------------------------------------------------------------------------------
    def build(self) -> None:
        """The page: opened on the first scenario (or its error)."""
        from nicegui import ui

        ui.add_head_html(STYLE)
        self.body = ui.column().classes("w-full")
        self.open(self.path)

    def open(self, path: Path) -> None:
        """Open a scenario file; a file that does not validate leaves its message on the page."""
        try:
            room = self.server.room(path)
        except CcsimError as err:
            self.error = text("error", self.lang, error=err)
            if self.room is None:
                self.path = path
            self.render()
            return
        self.room, self.path, self.error = room, path, ""
        self.values = {lever.key: lever.base for lever in room.levers}
        d = room.defaults()
        self.settings = {"days": d.days, "replications": d.replications, "seed": d.seed}
        self.result = self.setup = None
        self.status, self.figure, self.final = "", "", False
        self.render()
        self.changed()

    def render(self) -> None:
        """(Re)build every control in the page's language, keeping values and the last answer."""
        from nicegui import ui

        lang = self.lang
        self.body.clear()
        with self.body:
            with ui.row().classes("w-full items-center"):
                ui.label(text("title", lang)).classes("text-h5")
                ui.space()
                path = ui.input(text("file", lang), value=str(self.path)).classes("w-96")
                path.props('data-testid="file"')
                ui.button(text("open", lang), on_click=lambda: self.open(Path(path.value))).props(
                    'data-testid="open"'
                )
                toggle = ui.toggle(
                    list(LANGS), value=lang, on_change=lambda e: self.set_lang(e.value)
                )
                toggle.props('data-testid="lang"')
            self.error_label = ui.label(self.error).classes("text-negative text-body1")
            self.error_label.props('data-testid="error"').set_visibility(bool(self.error))
            if self.room is None:
                return
            with ui.row().classes("w-full no-wrap items-start"):
                with ui.card().classes("w-96"):
                    self.controls()
                with ui.column().classes("grow"):
                    self.status_label = ui.label(self.status).props('data-testid="status"')
                    self.table = ui.html("", sanitize=False)
                    self.story = ui.column()
                    self.image = (
                        ui.image(self.figure).classes("w-full").props('data-testid="figure"')
                    )
        if self.result is not None:
            self.show_result(self.result, self.figure)
        self.show_status()

    def controls(self) -> None:
        """The levers, the run settings and the file buttons."""
        from nicegui import ui

        assert self.room is not None
        lang = self.lang
        ui.label(text("levers", lang)).classes("text-h6")
        for lever in self.room.levers:
            label = lever_label(self.room, lever, lang)
            if lever.kind == "price":
                field_ = ui.number(
                    label, value=self.values[lever.key], on_change=self.setter(lever.key)
                )
                field_.props(f'data-testid="{lever.key}"')
                continue
            ui.label(label).classes("text-caption")
            with ui.row().classes("w-full no-wrap items-center"):
                slider = ui.slider(
                    min=lever.low, max=lever.high, step=lever.step, value=self.values[lever.key]
                ).props(f'label data-testid="{lever.key}-slider"')
                slider.on_value_change(self.setter(lever.key))
                # bound element to element (pushed on change, not polled like a dict)
                box = ui.number(value=self.values[lever.key]).classes("w-24").bind_value(slider)
                box.props(f'dense data-testid="{lever.key}"')
        ui.label(text("run", lang)).classes("text-h6")
        for key in ("days", "replications", "seed"):
            box = ui.number(
                text(key, lang), value=self.settings[key], on_change=self.setter(key, self.settings)
            )
            box.props(f'data-testid="{key}"')
        ui.button(text("reset", lang), on_click=self.reset).props('flat data-testid="reset"')
        folder = ui.input(text("folder", lang), value=str(self.server.folder))
        folder.props('data-testid="folder"')
        with ui.row():
            ui.button(text("save", lang), on_click=lambda: self.save(Path(folder.value))).props(
                'data-testid="save"'
            )
            ui.button(text("report", lang), on_click=lambda: self.report(Path(folder.value))).props(
                'data-testid="report"'
            )
        self.written_label = ui.label(self.written).props('data-testid="written"')

    # -- events -----------------------------------------------------------------------------------
    def setter(self, key: str, into: dict[str, Any] | None = None) -> Callable[[Any], None]:
        """A control's change handler: keep its value (a lever's, or a setting's) and run."""
        target = self.values if into is None else into

        def handle(event: Any) -> None:
            target[key] = event.value
            self.changed()

        return handle

    def set_lang(self, lang: str) -> None:
        """Switch the page's language; the answer is redrawn, not re-simulated."""
        if lang == self.lang or lang not in LANGS:
            return
        self.lang = lang
        if self.result is not None and self.setup is not None:
            self.result = self.room.result(
                self._named(self.setup), self.result.training.replications
            )
            self.figure = figure_uri(self.result, lang)
        self.render()

    def reset(self) -> None:
        """Every lever back to the base's value."""
        assert self.room is not None
        for lever in self.room.levers:
            self.values[lever.key] = lever.base
        self.render()
        self.changed()

    def changed(self, *_: Any) -> None:
        """A control moved: run the room once the controls have rested for ``DEBOUNCE_S``."""
        from nicegui import background_tasks

        if self.pending is not None:
            self.pending.cancel()
        loop = asyncio.get_running_loop()
        self.pending = loop.call_later(DEBOUNCE_S, lambda: background_tasks.create(self.refine()))

    def _named(self, setup: Setup) -> Setup:
        """The what-if named after its levers in every language (for the table and the story)."""
        assert self.room is not None
        names = [what_if_name(self.room, self.values, lang) for lang in ("en", "nl")]
        what_if = setup.training.what_ifs[0].model_copy(
            update={"name": names[0], "name_nl": names[1]}
        )
        setup.training.what_ifs[0] = what_if
        return setup

    def _setup(self) -> tuple[Setup, Settings]:
        assert self.room is not None
        s = self.room.check_settings(**self.settings)
        return self._named(self.room.setup(self.values, s)), s

    async def refine(self) -> None:
        """The quick answer, then more replications until the final one; a newer change wins."""
        from nicegui import run

        if self.room is None:
            return
        self.generation += 1
        generation, room = self.generation, self.room
        try:
            setup, settings = self._setup()
        except CcsimError as err:
            self.fail(text("error", self.lang, error=err))
            return
        self.error = ""
        self.error_label.set_visibility(False)
        final = settings.replications
        start = max(QUICK, min(room.done(setup), final))
        steps = [start, *range(start + STEP, final, STEP)]
        if steps[-1] != final:
            steps.append(final)
        self.final = False
        self.status = text("running", self.lang)
        self.show_status()
        try:
            for n in steps:
                await self.server.simulate(room, setup, n)
                if generation != self.generation or room.missing(setup, n):
                    return  # a newer change runs; what this one simulated stays in the room
                result = room.result(setup, n)
                self.setup, self.result, self.final = setup, result, False
                self.show_result(result)  # the numbers first: the figure takes longer to draw
                self.show_status()
                figure = await run.io_bound(figure_uri, result, self.lang)
                if generation != self.generation:
                    return
                self.figure, self.final = figure, n == final
                self.image.set_source(figure)
                self.show_status()
        except Exception as err:  # a replication that failed: its message, not a traceback
            if generation == self.generation:
                self.fail(text("internal", self.lang, error=" ".join(str(err).split())))

    def fail(self, message: str) -> None:
        """Show a message where the answer's status is; the last answer stays."""
        self.error = message
        self.error_label.set_text(message)
        self.error_label.set_visibility(True)
        self.final = False
        self.show_status()

    # -- output -----------------------------------------------------------------------------------
    def show_status(self) -> None:
        """Horizon, replications, seed, and whether the answer is final."""
        if self.room is None or not hasattr(self, "status_label"):
            return
        if self.result is not None:
            tr, h = self.result.training, self.result.training.scenarios[0].horizon
            start = day_text(h.start, self.lang)
            n, final = tr.replications, self.setup.training.replications if self.setup else 0
            self.status = text(
                "status",
                self.lang,
                days=text("one_day", self.lang)
                if h.days == 1
                else text("n_days", self.lang, n=h.days),
                start=start,
                n=n,
                final=final,
                seed=tr.seed,
            )
            self.status += " · " + text("final" if self.final else "refining", self.lang)
        self.status_label.set_text(self.status)
        self.status_label.props(f'data-final="{int(self.final)}"')
        self.status_label.update()

    def show_result(self, result: TrainingResult, figure: str | None = None) -> None:
        """The paired table, the story and (when drawn) the figure."""
        from nicegui import ui

        self.table.set_content(result_table(result, self.lang))
        self.story.clear()
        with self.story:
            for line in training_story(result, self.lang):
                ui.label(line).classes("text-body1").props('data-testid="story"')
        if figure is not None:
            self.image.set_source(figure)

    def show_written(self, paths: list[Path]) -> None:
        """Say which files were written."""
        self.written = text("written", self.lang, paths=", ".join(map(str, paths)))
        self.written_label.set_text(self.written)

    async def save(self, folder: Path) -> None:
        """Write the base and the what-if as scenario files into ``folder``."""
        try:
            setup, _ = self._setup()
            self.show_written(self.room.save(setup, folder))
        except CcsimError as err:
            self.fail(text("error", self.lang, error=err))

    async def report(self, folder: Path) -> None:
        """Save both scenarios, then a ``ccsim compare`` folder with its HTML report."""
        from nicegui import run

        assert self.room is not None
        try:
            setup, settings = self._setup()
            files = self.room.save(setup, folder)
            await self.server.simulate(self.room, setup, settings.replications)
            path = await run.io_bound(
                write_report, self.room, setup, settings, files, folder, self.lang
            )
            self.show_written([*files, path])
        except CcsimError as err:
            self.fail(text("error", self.lang, error=err))
        except Exception as err:
            self.fail(text("internal", self.lang, error=" ".join(str(err).split())))


def write_report(
    room: Room, setup: Setup, settings: Settings, files: list[Path], folder: Path, lang: str
) -> Path:
    """The comparison folder ``folder/report`` (as ``ccsim compare --out``) and its report.html."""
    from simulator.present.dispatch import write_report as write_html
    from simulator.present.figures import save_png
    from simulator.present.study_figures import comparison_plot
    from simulator.studies.compare import write_comparison

    comparison = room.comparison(setup, settings.replications, [str(f) for f in files])
    out = write_comparison(
        comparison,
        folder / "report",
        force=True,
        write_png=lambda p: save_png(comparison_plot(comparison, lang), p),
    )
    return write_html(out, lang=lang)


def serve(
    scenario: Path, *, port: int = 8080, show: bool = True, folder: Path | None = None
) -> None:
    """Start the room's web server on ``port`` (localhost) and, with ``show``, open the browser."""
    import socket

    with socket.socket() as probe:  # a clear message, not the server's own traceback
        try:
            probe.bind(("127.0.0.1", port))
        except OSError as err:
            raise CcsimError(
                f"port {port} on 127.0.0.1 cannot be used ({err.strerror}); "
                "give another with --port"
            ) from None
    from nicegui import app, run, ui

    # spawn: the replications' workers start clean, not as forks of a threaded server
    run.process_pool_start_method = "spawn"
    server = Server(scenario, folder or Path.cwd() / "ccsim-app")

    def index() -> None:
        Page(server).build()

    app.on_startup(server.warm_up)

    ui.run(
        index,
        host="127.0.0.1",
        port=port,
        title=TEXT["en"]["title"],
        show=show,
        reload=False,
        show_welcome_message=False,
        reconnect_timeout=30.0,
    )
