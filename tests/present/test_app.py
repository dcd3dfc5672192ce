"""ccsim app: the what-if room (studies/room.py) and its page (present/app.py) in a real browser.

The room's numbers are checked against ``ccsim compare`` of the files it saves: the same seed and
replication numbers give the same streams, so the same per-replication KPIs and therefore the
same paired differences, to rounding. The browser test drives the system Chromium through
Playwright (its own browser download cannot be reached from these machines).
"""

from __future__ import annotations

import json
import math
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from simulator.errors import CcsimError, ScenarioError
from simulator.scenario.loading import load_scenario
from simulator.studies.compare import compare
from simulator.studies.room import FILES, Room, RoomError, Settings, levers

ROOT = Path(__file__).resolve().parents[2]
LOW_FCR = ROOT / "scenarios" / "low_fcr_center.yaml"
CHROMIUM = (  # Debian's chromium, as the report's browser test finds it (.ci/run installs it)
    shutil.which("chromium") or shutil.which("chromium-browser") or "/usr/bin/chromium"
)


def test_levers_start_at_the_base():
    """low_fcr_center: agents +0%, FCR 0.6/0.55/0.5/0.55 (delivery, billing, technical, invoice),
    the partner on time 0.6, the invoice run's contact rate 0.04, no self-service (0), and prices
    40 / 0.05 / 12 from its costs block: the values of the file, read off by hand."""
    room = Room(LOW_FCR)
    base = {lever.key: lever.base for lever in room.levers}
    assert base == {
        "agents": 0.0,
        "fcr.delivery": 0.6,
        "fcr.billing": 0.55,
        "fcr.technical": 0.5,
        "fcr.invoice": 0.55,
        "on_time.delivery_partner": 0.6,
        "contact_rate.0": 0.04,
        "self_service": 0.0,
        "price.agent_hour": 40.0,
        "price.contact_minute": 0.05,
        "price.third_party_job": 12.0,
    }
    assert room.defaults() == Settings(days=3, replications=5, seed=2026)
    assert all(lever.low <= lever.base <= lever.high for lever in levers(room.scenario))


def test_levers_change_the_what_if_and_prices_both():
    """+10% agents: shifts of 30, 12, 14, 18 become floor(n * 1.1 + 0.5) = 33, 13, 15, 20; the
    levers' paths get their values; self-service 0.3 goes to every reason with success 0.5 (none
    in the base); a price moves in the base and the what-if alike."""
    room = Room(LOW_FCR)
    values = {
        "agents": 10,
        "fcr.billing": 0.7,
        "on_time.delivery_partner": 0.95,
        "contact_rate.0": 0.02,
        "self_service": 0.3,
        "price.agent_hour": 50.0,
    }
    setup = room.setup(values, Settings(2, 3, 11))
    base, what_if = setup.scenarios
    assert [s.agents for s in what_if.agents.shifts] == [33, 13, 15, 20]
    assert [s.agents for s in base.agents.shifts] == [30, 12, 14, 18]
    assert what_if.reasons[1].fcr == 0.7
    assert base.reasons[1].fcr == 0.55
    assert what_if.third_parties[0].on_time_probability == 0.95
    assert what_if.drivers[0].contact_rate == 0.02
    assert all(r.self_service.offered == 0.3 for r in what_if.reasons)
    assert all(r.self_service.success == 0.5 for r in what_if.reasons)
    assert all(r.self_service is None for r in base.reasons)
    assert base.costs.agent_hour == what_if.costs.agent_hour == 50.0
    assert base.horizon.days == what_if.horizon.days == 2
    assert base.seed == what_if.seed == 11
    assert base.replications == 3
    assert setup.training.what_ifs[0].scale_agents == pytest.approx(1.1)


def test_nothing_moved_is_the_base_simulated_once():
    """No lever moved: the what-if is the base (its key too), so each replication is simulated
    once and every paired difference is exactly 0."""
    room = Room(LOW_FCR)
    setup = room.setup({}, Settings(1, 2, 2026))
    assert setup.keys[0] == setup.keys[1]
    assert len(room.missing(setup, 2)) == 2
    result = room.evaluate(setup, 2, workers=1)
    assert result.diff("offered") == [{"mean": 0.0, "ci95": 0.0}]
    assert room.done(setup) == 2


def test_room_pairs_as_compare_of_the_saved_files(tmp_path):
    """Replication r of each scenario is the same numbers wherever it runs (seed, replication and
    stream names alone decide them), so the room's quick answer (2 replications) refined to 3 is
    what a fresh room gives for 3, and the paired differences equal those of ``compare`` on the
    two saved files (their seed, replications and horizon are the page's) to rounding."""
    room = Room(LOW_FCR)
    setup = room.setup({"agents": 20, "fcr.technical": 0.65}, Settings(1, 3, 2026))
    quick = room.evaluate(setup, 2, workers=1)
    assert quick.training.replications == 2
    refined = room.evaluate(setup, 3, workers=1)
    assert len(room.missing(setup, 3)) == 0
    fresh = Room(LOW_FCR)
    again = fresh.evaluate(
        fresh.setup({"agents": 20, "fcr.technical": 0.65}, Settings(1, 3, 2026)), 3, workers=1
    )
    assert refined.per_replication.equals(again.per_replication)
    files = room.save(setup, tmp_path)
    assert [f.name for f in files] == list(FILES)
    scenarios = [load_scenario(f) for f in files]
    assert scenarios[0].replications == 3
    assert scenarios[0].seed == 2026
    cmp = compare(scenarios, workers=1)
    diff = cmp.diff()
    for key in ("offered", "asa_s", "service_level", "abandon_rate", "agent_hours"):
        page = refined.diff(key)[0]
        assert page["mean"] == pytest.approx(diff[key][0]["mean"], rel=1e-9, abs=1e-12), key
        assert page["ci95"] == pytest.approx(diff[key][0]["ci95"], rel=1e-9, abs=1e-12), key
    # euros per week: the counted window is 1 day, so 7 x the paired cost_total difference
    week = refined.diff("cost_per_week")[0]["mean"]
    assert week == pytest.approx(7 * diff["cost_total"][0]["mean"], rel=1e-9)
    # the report's comparison is the same replications, without simulating again
    assert room.comparison(setup, 3, [str(f) for f in files]).diff()["offered"] == diff["offered"]


def test_bad_values_say_what_the_cli_says(tmp_path):
    """A value out of range gives the message a scenario file with that value gives (the path,
    the value, what is allowed), not a traceback; the room's own checks say it alike."""
    room = Room(LOW_FCR)
    with pytest.raises(ScenarioError) as page:
        room.setup({"fcr.billing": 1.5}, room.defaults())
    data = yaml.safe_load(LOW_FCR.read_text(encoding="utf-8"))
    data["reasons"][1]["fcr"] = 1.5
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(ScenarioError) as cli:
        load_scenario(bad)
    assert str(page.value).split(": ", 1)[1] == str(cli.value).split(": ", 1)[1]
    assert "fcr" in str(page.value)
    assert "1.5" in str(page.value)
    with pytest.raises(RoomError, match=r"agents: -100% leaves no agents .*Allowed"):
        room.setup({"agents": -100}, room.defaults())
    with pytest.raises(
        RoomError, match=r"days: out of range \(got 9\)\. Allowed: a whole number from 1 to 7"
    ):
        room.check_settings(days=9, replications=5, seed=1)
    with pytest.raises(RoomError, match=r"replications: a number is needed"):
        room.check_settings(days=2, replications=None, seed=1)
    with pytest.raises(RoomError, match=r"fcr.billing: a number is needed"):
        room.setup({"fcr.billing": "x"}, room.defaults())
    # a scenario that does not validate: the room says what `ccsim validate` says
    with pytest.raises(CcsimError) as opened:
        Room(bad)
    assert str(opened.value) == str(cli.value)


def test_no_other_command_loads_the_web_app():
    """NiceGUI is an optional extra: the CLI module and its light commands never import it."""
    probe = (
        "import sys; from simulator.cli import app\n"
        "try:\n    app(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
        "print(' '.join(sys.modules), file=sys.stderr)"
    )
    for args in (["--help"], ["validate", str(LOW_FCR)]):
        proc = subprocess.run(
            [sys.executable, "-c", probe, *args], capture_output=True, text=True, cwd=ROOT
        )
        loaded = {m.split(".")[0] for m in proc.stderr.split()}
        assert not loaded & {"nicegui", "fastapi", "uvicorn", "playwright"}, args


# -- the page in a real browser -------------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for_port(port: int, proc: subprocess.Popen, log: Path, timeout: float) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if proc.poll() is not None:
            raise AssertionError(f"ccsim app ended with {proc.returncode}: {log.read_text()}")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise AssertionError(f"ccsim app did not listen on {port} within {timeout} s")


@pytest.fixture
def app_server(tmp_path):
    """``ccsim app`` on a free port, on low_fcr_center cut to 2 days and 4 replications."""
    if not Path(CHROMIUM).is_file():
        pytest.skip(f"no Chromium at {CHROMIUM} (.ci/run installs it): the page cannot be tested")
    pytest.importorskip("nicegui")
    data = yaml.safe_load(LOW_FCR.read_text(encoding="utf-8"))
    data["horizon"]["days"], data["replications"] = 2, 4
    scenario = tmp_path / "center.yaml"
    scenario.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    port = _free_port()
    folder = tmp_path / "out"
    log = tmp_path / "app.log"  # a file: a pipe nobody reads could fill and stop the server
    env = {k: v for k, v in os.environ.items() if k != "PYTEST_CURRENT_TEST"}  # NiceGUI's test mode
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "simulator.cli",
            "app",
            str(scenario),
            "--no-browser",
            "--port",
            str(port),
            "--folder",
            str(folder),
        ],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=(err := log.open("w")),
    )
    try:
        _wait_for_port(port, proc, log, 60)
        yield f"http://127.0.0.1:{port}/", folder
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        err.close()


def _cell(page, testid: str) -> tuple[float | None, str]:
    cell = page.get_by_test_id(testid)
    mean = cell.get_attribute("data-mean")
    return (float(mean) if mean else None), cell.inner_text()


@pytest.mark.slow
def test_page_moves_refines_saves_and_matches_compare(app_server, tmp_path):
    """Move the agents slider two steps (+10%): the what-if's agent hours on the page change (more
    agents on duty), the page refines to its final 4 replications and says so, and its paired
    differences equal ``ccsim compare`` of the two files it saved (the same seed, replications
    and horizon: the same numbers). Every request stays on this machine (works offline)."""
    sync_api = pytest.importorskip("playwright.sync_api")
    url, folder = app_server
    outside = []
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 1500, "height": 1100})
            page.on(
                "request",
                lambda r: (
                    outside.append(r.url)
                    if not r.url.startswith(("http://127.0.0.1", "data:", "ws://127.0.0.1"))
                    else None
                ),
            )
            page.goto(url)
            final = '[data-testid="status"][data-final="1"]'
            page.wait_for_selector(final, timeout=60_000)
            status = page.get_by_test_id("status").inner_text()
            assert "2 days" in status
            assert "4 of 4 replications" in status
            assert "seed 2026" in status
            hours_before, text_before = _cell(page, "whatif-agent_hours")
            assert _cell(page, "diff-agent_hours")[0] == 0.0  # nothing moved yet
            page.get_by_test_id("agents-slider").locator(".q-slider__track-container").focus()
            page.keyboard.press("ArrowRight")
            page.keyboard.press("ArrowRight")
            page.wait_for_function(
                "v => document.querySelector('[data-testid=\"whatif-agent_hours\"]')"
                ".dataset.mean !== v",
                arg=repr(hours_before),
                timeout=60_000,
            )
            hours_after, text_after = _cell(page, "whatif-agent_hours")
            assert hours_after > hours_before
            assert text_after != text_before
            page.wait_for_selector(final, timeout=60_000)
            assert "4 of 4 replications" in page.get_by_test_id("status").inner_text()
            shown = {
                key: _cell(page, f"diff-{key}")[0]
                for key in ("offered", "asa_s", "service_level", "abandon_rate", "cost_per_week")
            }
            assert page.get_by_test_id("story").first.inner_text().startswith("+10% agents")
            page.get_by_test_id("save").click()
            page.wait_for_function(
                "() => document.querySelector('[data-testid=\"written\"]')"
                ".innerText.includes('what_if')",
                timeout=30_000,
            )
            # a value outside the slider typed in its field: the CLI's message, on the page
            box = page.get_by_test_id("fcr.billing")
            box.fill("1.5")
            box.press("Tab")
            page.wait_for_selector('[data-testid="error"]:visible', timeout=30_000)
            error = page.get_by_test_id("error").inner_text()
            assert "fcr" in error
            assert "1.5" in error
            assert "Allowed: a number >= 0 and <= 1" in error
            # back in range: the error goes; Report writes the comparison and its HTML report
            box.fill("0.55")
            box.press("Tab")
            page.wait_for_selector('[data-testid="error"]', state="hidden", timeout=30_000)
            page.get_by_test_id("report").click()
            page.wait_for_function(
                "() => document.querySelector('[data-testid=\"written\"]')"
                ".innerText.includes('report.html')",
                timeout=60_000,
            )
            # a scenario file that does not validate, opened from the page: the CLI's message
            data = yaml.safe_load(LOW_FCR.read_text(encoding="utf-8"))
            data["reasons"][1]["fcr"] = 1.5
            bad = tmp_path / "bad.yaml"
            bad.write_text(yaml.safe_dump(data), encoding="utf-8")
            page.get_by_test_id("file").fill(str(bad))
            page.get_by_test_id("open").click()
            page.wait_for_function(
                "() => document.querySelector('[data-testid=\"error\"]')"
                ".innerText.includes('bad.yaml')",
                timeout=30_000,
            )
            with pytest.raises(ScenarioError) as cli:
                load_scenario(bad)
            assert page.get_by_test_id("error").inner_text() == f"error: {cli.value}"
            assert "Traceback" not in page.content()
        finally:
            browser.close()
    assert outside == []
    report = (folder / "report" / "report.html").read_text(encoding="utf-8")
    assert "what-if" in report
    files = [folder / name for name in FILES]
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "simulator.cli",
            "compare",
            *map(str, files),
            "--json",
            "--workers",
            "1",
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=True,
    )
    diff = json.loads(proc.stdout)["diff"]
    for key in ("offered", "asa_s", "service_level", "abandon_rate"):
        assert shown[key] == pytest.approx(diff[key][0]["mean"], rel=1e-9, abs=1e-12), key
    # the page's euros are per week: 7/2 of the 2-day window's cost_total
    assert shown["cost_per_week"] == pytest.approx(3.5 * diff["cost_total"][0]["mean"], rel=1e-9)
    assert not math.isclose(shown["asa_s"], 0.0)


def test_app_without_nicegui_says_how_to_get_it(monkeypatch):
    """Without the optional extra, ``ccsim app`` exits 2 with the install line, no traceback."""
    import importlib.util

    from typer.testing import CliRunner

    from simulator.cli import app

    find_spec = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *a: None if name == "nicegui" else find_spec(name, *a),
    )
    result = CliRunner().invoke(app, ["app", str(LOW_FCR), "--no-browser"])
    assert result.exit_code == 2
    assert 'pip install "ccsim[app]"' in result.output


def test_what_if_name_and_table_in_both_languages():
    """The what-if is named after the levers it moves (prices apply to both, so not); every
    number cell of the table carries its value: +20% agents gives scale 1.2 as in train."""
    from simulator.present.app import result_table, what_if_name

    room = Room(LOW_FCR)
    values = {lever.key: lever.base for lever in room.levers}
    assert what_if_name(room, values, "en") == "what-if (nothing moved)"
    values.update({"agents": 20, "fcr.billing": 0.7, "price.agent_hour": 45})
    assert what_if_name(room, values, "en") == "+20% agents, FCR billing 0.7"
    assert what_if_name(room, values, "nl") == "+20% agenten, FCR billing 0,7"
    setup = room.setup(values, Settings(1, 2, 2026))
    assert setup.training.what_ifs[0].scale_agents == 1.2
    result = room.evaluate(setup, 2, workers=1)
    table = result_table(result, "nl")
    for key in result.training.metrics:
        assert f'data-testid="diff-{key}"' in table
    assert "verschil (95%-BI)" in table


def test_page_words_exist_in_both_languages():
    """Every word of the page has an English and a Dutch text with the same placeholders."""
    import string

    from simulator.present.app import TEXT

    assert set(TEXT["en"]) == set(TEXT["nl"])
    for key, en in TEXT["en"].items():
        fields = {f for _, f, _, _ in string.Formatter().parse(en) if f}
        assert fields == {f for _, f, _, _ in string.Formatter().parse(TEXT["nl"][key]) if f}, key


def test_a_port_in_use_is_a_clear_message():
    """Another server on the port: exit 2 and what to do, before NiceGUI starts."""
    pytest.importorskip("nicegui")
    from typer.testing import CliRunner

    from simulator.cli import app

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(app, ["app", str(LOW_FCR), "--no-browser", "--port", str(port)])
    assert result.exit_code == 2
    assert f"port {port} on 127.0.0.1 cannot be used" in result.output
    assert "--port" in result.output
