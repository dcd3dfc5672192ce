"""The HTML report: one self-contained file that renders, with every picture loaded, in a browser.

The browser test uses Debian's chromium (``.ci/run`` installs it). Without chromium it skips with
the reason, except in CI (``CI`` set), where a skipped browser check would hide a broken report.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from html import unescape
from pathlib import Path

import pytest
from typer.testing import CliRunner

from simulator.cli import app
from simulator.present.dispatch import write_report
from simulator.present.report import render_html
from simulator.results.rundir import load_run
from tests.present.report_fixtures import (
    PNG_SIGNATURE,
    TINY,
    check_self_contained,
    multi_day_run,
    simulated_run,
    synthetic_run,
)


@pytest.fixture(scope="module")
def simulated(tmp_path_factory) -> Path:
    """A real tiny run, written with ``ccsim run --out --report --lang nl`` in one step."""
    return simulated_run(tmp_path_factory.mktemp("report") / "run", "--report", "--lang", "nl")


def test_run_with_report_writes_it_into_the_out_folder(simulated):
    html = (simulated / "report.html").read_text(encoding="utf-8")
    assert "<html lang='nl'>" in html
    assert "Kerncijfers" in html
    assert "Beoordeling van de groeifase" in html
    assert check_self_contained(html) >= 3


def test_run_report_needs_out(tmp_path):
    scenario = tmp_path / "tiny.yaml"
    scenario.write_text(TINY, encoding="utf-8")
    res = CliRunner().invoke(app, ["run", str(scenario), "--report"])
    assert res.exit_code == 2
    assert "--report needs --out" in res.output
    assert "Traceback" not in res.output


def test_report_command_default_file_and_out(simulated, tmp_path):
    runner = CliRunner()
    res = runner.invoke(app, ["report", str(simulated)])
    assert res.exit_code == 0, res.output
    assert Path(res.stdout.strip()) == simulated / "report.html"
    html = (simulated / "report.html").read_text(encoding="utf-8")
    assert "<html lang='en'>" in html
    assert "Key figures" in html
    cheap = synthetic_run(tmp_path / "cheap", journeys=False, kind=False)
    (cheap / "contacts.parquet").unlink()  # fewer pictures: this checks --out and --lang only
    out = tmp_path / "elsewhere.html"
    res = runner.invoke(app, ["report", str(cheap), "--lang", "nl", "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert "Grafieken" in out.read_text(encoding="utf-8")


def test_report_bad_input(tmp_path):
    runner = CliRunner()
    for args, message in [
        ([str(tmp_path / "missing")], "no such folder"),
        ([str(tmp_path)], "not a run, sweep or comparison folder"),
    ]:
        res = runner.invoke(app, ["report", *args])
        assert res.exit_code == 2, res.output
        assert message in res.output
        assert "Traceback" not in res.output
    run = synthetic_run(tmp_path / "run")
    res = runner.invoke(app, ["report", str(run), "--lang", "de"])
    assert res.exit_code == 2
    assert "en or nl" in res.output
    res = runner.invoke(app, ["report", str(run), "--out", str(tmp_path / "no" / "such.html")])
    assert res.exit_code == 2
    assert "no such folder" in res.output


def test_full_run_folder_shows_kpis_with_cis_and_all_pictures(tmp_path):
    run = load_run(synthetic_run(tmp_path / "run"))
    html = render_html(run, "en")
    assert check_self_contained(html) == 5
    assert "62.0%" in html  # fcr
    assert "± 1.9 pt" in html  # its CI (0.03 x 62%), in percentage points
    assert "Customer satisfaction (CSAT)" in html
    assert "proxies computed from the simulated customer journeys" in html
    assert "phase 2" in html.lower()
    assert "Not shown" not in html


def test_missing_journey_data_is_said_not_invented(tmp_path):
    run = load_run(synthetic_run(tmp_path / "old", journeys=False, kind=False, proxies=False))
    html = render_html(run, "en")
    assert check_self_contained(html) == 4
    assert "Not shown: Contact sources" in html
    assert "not split into first time and after repeats" in html
    assert "<code>csat</code>" not in html  # no KPI row with an invented value
    assert "not measured in this run" in html
    assert "count as not passed" in html
    nl = render_html(run, "nl")
    assert "Niet getoond: Herkomst van contacten" in nl


def test_write_report_replaces_the_file_whole(tmp_path):
    run = synthetic_run(tmp_path / "run", journeys=False, kind=False)
    for table in ("intervals.parquet", "contacts.parquet"):
        (run / table).unlink()  # no pictures but one: this is about the file, not its content
    first = write_report(run)
    second = write_report(run, lang="nl")
    assert first == second == run / "report.html"
    assert "<html lang='nl'>" in second.read_text(encoding="utf-8")
    assert [p.name for p in run.iterdir() if p.name.endswith(".tmp")] == []


# ---------------------------------------------------------------------------------------------
# In a real browser

PROBE = """
<script>
window.addEventListener('load', () => {
  const imgs = Array.from(document.images);
  const result = {
    images: imgs.length,
    broken: imgs.filter(i => !i.complete || i.naturalWidth === 0).length,
    widths: imgs.map(i => i.naturalWidth),
    height: document.body.scrollHeight,
  };
  const out = document.createElement('pre');
  out.id = 'ccsim-probe';
  out.textContent = JSON.stringify(result);
  document.body.appendChild(out);
});
</script>
"""


def chromium() -> str:
    """The browser to use; skip without it, but fail in CI where it must be installed."""
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None and Path("/usr/bin/chromium").exists():
        path = "/usr/bin/chromium"
    if path is None:
        reason = (
            "chromium is not installed: the report's browser check needs Debian's chromium "
            "package (apt-get install -y chromium; .ci/run installs it)"
        )
        if os.environ.get("CI"):
            pytest.fail(f"CI is set, so this must not skip: {reason}")
        pytest.skip(reason)
    return path


def run_chromium(browser: str, profile: Path, *args: str) -> subprocess.CompletedProcess:
    command = [
        browser,
        "--headless",
        "--no-sandbox",  # tests may run as root in a container
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--hide-scrollbars",
        "--no-first-run",
        f"--user-data-dir={profile}",
        *args,
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


def test_report_renders_in_headless_chromium_with_every_image_loaded(simulated, tmp_path):
    browser = chromium()
    report = simulated / "report.html"
    html = report.read_text(encoding="utf-8")
    n_images = check_self_contained(html)

    probe = tmp_path / "probe.html"
    probe.write_text(html.replace("</body>", PROBE + "</body>"), encoding="utf-8")
    res = run_chromium(
        browser,
        tmp_path / "profile-dom",
        "--virtual-time-budget=10000",
        "--dump-dom",
        probe.as_uri(),
    )
    assert res.returncode == 0, res.stderr[-2000:]
    found = re.search(r"<pre id=\"ccsim-probe\">(.*?)</pre>", res.stdout, re.DOTALL)
    assert found, f"the probe did not run; stderr: {res.stderr[-2000:]}"
    result = json.loads(unescape(found.group(1)))
    assert result["images"] == n_images
    assert result["broken"] == 0, result
    assert min(result["widths"]) >= 1000
    assert result["height"] > 2000

    screenshot = tmp_path / "report.png"
    res = run_chromium(
        browser,
        tmp_path / "profile-shot",
        f"--screenshot={screenshot}",
        "--window-size=1280,6000",
        report.as_uri(),
    )
    assert res.returncode == 0, res.stderr[-2000:]
    data = screenshot.read_bytes()
    assert data.startswith(PNG_SIGNATURE)
    assert len(data) > 50_000, "a blank page compresses to almost nothing"


def test_browser_check_skips_without_chromium_but_fails_in_ci(monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    monkeypatch.setattr(Path, "exists", lambda self: False)
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="chromium is not installed"):
        chromium()
    monkeypatch.setenv("CI", "1")
    with pytest.raises(pytest.fail.Exception, match="CI is set"):
        chromium()


def test_multi_day_report_shows_the_average_day_heat_map_staffing_and_hours(tmp_path):
    run = load_run(multi_day_run(tmp_path / "month"))
    html = render_html(run, "en")
    assert check_self_contained(html) == 7  # no source columns: no sources-per-day picture
    for title in ("The average day", "Service level by day and time of day"):
        assert f"<strong>{title}</strong> — " in html  # with a caption saying what it shows
    assert "Contacts and agent hours per day</strong>" in html
    assert "Contacts and agents per interval" not in html  # the daily figure's old caption
    assert "shifts: Mon-Fri 08:00–13:00 12 agents; Mon-Fri 13:00–18:00 10 agents" in html
    assert "<dt>Opening hours</dt><dd>Mon-Fri 08:00-18:00</dd>" in html
    nl = render_html(run, "nl")
    assert "diensten: ma-vr 08:00–13:00 12 agents; ma-vr 13:00–18:00 10 agents" in nl
    assert "<dt>Openingstijden</dt><dd>ma-vr 08:00-18:00</dd>" in nl
    assert "<strong>De gemiddelde dag</strong>" in nl


def test_scenario_summary_shows_the_levers(tmp_path):
    import yaml

    folder = synthetic_run(tmp_path / "run", journeys=False, kind=False)
    for table in ("intervals.parquet", "contacts.parquet"):
        (folder / table).unlink()
    scenario = yaml.safe_load((folder / "scenario.yaml").read_text(encoding="utf-8"))
    scenario["reasons"][0]["repeat"] = {"probability": 0.85}
    scenario["reasons"][0]["third_party"] = {"party": "backoffice", "probability": 0.3}
    scenario["third_parties"] = [
        {
            "name": "backoffice",
            "staff": 6,
            "hours": {"mon-fri": "09:00-17:00"},
            "callback_within_h": 24,
            "on_time_probability": 0.6,
            "resolves": 0.9,
        }
    ]
    scenario["channels"]["phone"]["redial"] = {
        "probability": 0.6,
        "delay": {"dist": "exponential", "mean_s": 1200},
    }
    (folder / "scenario.yaml").write_text(yaml.safe_dump(scenario), encoding="utf-8")
    html = render_html(load_run(folder), "nl")
    assert "Belt opnieuw als niet opgelost" in html
    assert "backoffice (30,0%)" in html
    assert "Selfservice" not in html  # no reason uses it: no empty column
    assert "<td>ma-vr 09:00-17:00</td>" in html  # weekdays in the report's language
    assert "60,0%, na exponential (mean_s: 1200)" in html
