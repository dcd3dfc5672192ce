"""``ccsim app``: how long a trainer waits after moving a lever, and what the quick answer trades.

What the page does on a change, without the browser: the room (``studies/room.py``) plans the
what-if's missing replications, a process pool of 2 spawned workers (NiceGUI's ``run.cpu_bound``
pool, as the app sets it) simulates them, the room pairs them with the base and the four-panel
figure is drawn as the page shows it. The base's replications are simulated before the clock
starts (the app does that at start-up), as are the workers' imports.

Per horizon (``--days``): the time to the first answer (2 replications), to the final one
(``--replications``, default the scenario's), and the 95% CI half-width of the ASA difference in
both: the quick answer is a few times less precise, which the page says by showing its
replications and "refining" until it is final. Each what-if is a new lever position (nothing in
the room's memory); the median over ``--repeat`` positions is reported. The page adds its
debounce (0.3 s: a slider sends values while it moves) to these times.

With ``--browser`` the same is measured end to end, as a trainer sees it: ``ccsim app`` is
started on the scenario (horizon cut to the first of ``--days``), headless Chromium
(``/usr/bin/chromium``, through Playwright) opens the page, waits until the base is final, then
moves the agents slider one step (+5%) at a time and times the key press to the first changed
number on the page and to "final"; the 0.3 s debounce, the websocket and the browser included.

    python benchmarks/bench_app.py [--days 1 3 7] [--repeat 3] [--scenario FILE] [--browser]
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import statistics
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from simulator.present.app import DEBOUNCE_S, figure_uri
from simulator.studies.room import QUICK, Room, Settings, simulate_replication

REPO = Path(__file__).resolve().parent.parent
SCENARIO = REPO / "scenarios" / "low_fcr_center.yaml"
TARGET_S = 2.0


def simulate(pool: ProcessPoolExecutor, room: Room, setup, n: int) -> None:
    """The missing replications below ``n`` in the pool, stored in the room."""
    tasks = room.missing(setup, n)
    if not tasks:
        return
    values = pool.map(simulate_replication, *zip(*tasks, strict=True))
    for task, value in zip(tasks, values, strict=True):
        room.store(setup, task, value)


def browser(scenario: Path, days: int, repeat: int) -> None:
    """Key press to first answer and to final, in a real browser on a running ``ccsim app``."""
    import signal
    import socket
    import subprocess
    import sys
    import tempfile

    import yaml
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        data = yaml.safe_load(scenario.read_text(encoding="utf-8"))
        data["horizon"]["days"] = days
        path = Path(tmp) / scenario.name
        path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        cmd = [sys.executable, "-m", "simulator.cli", "app", str(path), "--no-browser"]
        proc = subprocess.Popen([*cmd, "--port", str(port), "--folder", tmp], cwd=tmp)
        try:
            with sync_playwright() as p:
                chromium = p.chromium.launch(
                    executable_path="/usr/bin/chromium", headless=True, args=["--no-sandbox"]
                )
                page = chromium.new_page()
                for _ in range(300):
                    try:
                        page.goto(f"http://127.0.0.1:{port}/")
                        break
                    except Exception:
                        time.sleep(0.2)
                final = '[data-testid="status"][data-final="1"]'
                page.wait_for_selector(final, timeout=300_000)
                cell = '[data-testid="whatif-agent_hours"]'
                firsts, finals = [], []
                for _ in range(repeat):
                    before = page.get_attribute(cell, "data-mean")
                    slider = page.get_by_test_id("agents-slider")
                    slider.locator(".q-slider__track-container").focus()
                    t0 = time.perf_counter()
                    page.keyboard.press("ArrowRight")
                    page.wait_for_function(
                        "v => document.querySelector('[data-testid=\"whatif-agent_hours\"]')"
                        ".dataset.mean !== v",
                        arg=before,
                        timeout=300_000,
                    )
                    firsts.append(time.perf_counter() - t0)
                    page.wait_for_selector(final, timeout=300_000)
                    finals.append(time.perf_counter() - t0)
                chromium.close()
        finally:
            proc.send_signal(signal.SIGINT)
            proc.wait(30)
    print(
        f"browser, {days} days: key press to first answer {statistics.median(firsts):.2f} s, "
        f"to final {statistics.median(finals):.2f} s (median of {repeat}; "
        f"load average now {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", type=Path, default=SCENARIO)
    parser.add_argument("--days", type=int, nargs="+", default=[1, 3, 7])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--replications", type=int, default=None)
    parser.add_argument("--browser", action="store_true", help="end to end, in Chromium")
    args = parser.parse_args()
    if args.browser:
        browser(args.scenario, args.days[0], args.repeat)
        return

    room = Room(args.scenario)
    final = args.replications or max(QUICK, room.scenario.replications)
    seed = room.scenario.seed
    ctx = multiprocessing.get_context("spawn")
    print(f"{args.scenario.name}: first answer {QUICK} replications, final {final}; seed {seed}")
    print(
        f"{'days':>4} {'first s':>8} {'final s':>8} {'ASA diff CI first':>18} "
        f"{'final':>7} {'offered/day':>12}"
    )
    with ProcessPoolExecutor(2, mp_context=ctx) as pool:
        for days in args.days:
            settings = Settings(min(days, room.scenario.horizon.days), final, seed)
            simulate(pool, room, room.setup({}, settings), final)  # the base, before the clock
            firsts, finals, ci_first, ci_final = [], [], [], []
            for k in range(args.repeat):
                setup = room.setup({"agents": 5 * (k + 1), "fcr.technical": 0.55}, settings)
                t0 = time.perf_counter()
                simulate(pool, room, setup, QUICK)
                quick = room.result(setup, QUICK)
                figure_uri(quick, "en")
                firsts.append(time.perf_counter() - t0)
                simulate(pool, room, setup, final)
                result = room.result(setup, final)
                figure_uri(result, "en")
                finals.append(time.perf_counter() - t0)
                ci_first.append(quick.diff("asa_s")[0]["ci95"])
                ci_final.append(result.diff("asa_s")[0]["ci95"])
            offered = result.means("offered")[0] / settings.days
            print(
                f"{settings.days:>4} {statistics.median(firsts):>8.2f} "
                f"{statistics.median(finals):>8.2f} {statistics.median(ci_first):>16.2f} s "
                f"{statistics.median(ci_final):>5.2f} s {offered:>12,.0f}"
            )
    print(
        f"target: first answer + the page's {DEBOUNCE_S} s debounce within about "
        f"{TARGET_S:.0f} s (load average now: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)"
    )


if __name__ == "__main__":
    main()
