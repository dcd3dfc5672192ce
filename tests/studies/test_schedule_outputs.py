"""What ``ccsim schedule --out`` writes besides ``shifts.yaml`` (issue 15 items 5 and 6).

``roster.csv``: the roster as ``agents.table`` rows (agents on duty from each start on), so a
scenario can keep its scheduled roster in a table; ``schedule.png``: required against scheduled
agents per interval with dates on the axes (top: the horizon; bottom: date x time-of-day heat
map of on the line minus required). Hand cases with a requirement given by hand.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml
from typer.testing import CliRunner

from simulator.cli import app
from simulator.present.figures import save_png
from simulator.present.schedule_figures import schedule_figure, schedule_grid
from simulator.runs.replications import run
from simulator.scenario.loading import load_scenario_dict
from simulator.studies.schedule import Requirement, roster_tables, schedule
from tests.present.report_fixtures import assert_inside

IPD = 48  # 30-minute intervals in a day


def _scenario(shift_types: list[dict[str, Any]], days: int, **agents: Any) -> Any:
    data = {
        "name": "hand",
        "horizon": {"start": "2026-02-02", "days": days, "interval_minutes": 30},
        "arrivals": {"per_hour": 1e-6},
        "reasons": [{"name": "a", "share": 1, "handle_time": {"dist": "exponential", "mean_s": 1}}],
        "agents": {"headcount": 1, **agents},
        "schedule": {"shift_types": shift_types},
    }
    return load_scenario_dict(data)


def _two_days() -> tuple[Any, Any]:
    """Mon 2 and Tue 3 Feb 2026; 3 agents needed 08:00-12:00 both days, 5 from 10:00 to 12:00
    on Tuesday only. Shift types: 4-hour shifts starting 08:00 or 10:00, per weekday.

    By hand: Monday 3 x 08:00-12:00 (12 paid hours); Tuesday 3 x 08:00-12:00 and 2 x
    10:00-14:00 (the only 4-hour shift that starts at 10:00 runs to 14:00): 20 paid hours;
    32 in all. Agents on duty: Mon 08:00 3, 12:00 0; Tue 08:00 3, 10:00 5, 12:00 2, 14:00 0.
    """
    s = _scenario([{"starts": ["08:00", "10:00"], "lengths_h": [4]}], days=2)
    req = np.zeros(2 * IPD)
    req[16:24] = 3
    req[IPD + 16 : IPD + 24] = 3
    req[IPD + 20 : IPD + 24] = 5
    return s, schedule(s, Requirement({"agents": req}, "hand"))


def test_roster_table_is_agents_on_duty_from_each_start() -> None:
    s, r = _two_days()
    assert r.paid_hours == pytest.approx(32.0)
    table = roster_tables(s, r)["agents"]
    assert list(zip(table["start"], table["agents"].tolist(), strict=True)) == [
        ("2026-02-02T00:00", 0),
        ("2026-02-02T08:00", 3),
        ("2026-02-02T12:00", 0),
        ("2026-02-03T08:00", 3),
        ("2026-02-03T10:00", 5),
        ("2026-02-03T12:00", 2),
        ("2026-02-03T14:00", 0),
    ]


def test_roster_table_runs_as_the_shifts_do(tmp_path: Path) -> None:
    """Without breaks the table and the shifts put the same agents on duty: the engine's agents
    scheduled per interval are equal, and so are the paid agent hours (32, from above)."""
    s, r = _two_days()
    csv = tmp_path / "roster.csv"
    roster_tables(s, r)["agents"].to_csv(csv, index=False)
    data = s.to_yaml_dict()
    data["agents"] = {"table": str(csv)}
    by_table = run(load_scenario_dict(data), replications=1, seed=1).intervals
    data["agents"] = {
        "shifts": [
            x.model_dump(mode="json", exclude_none=True, exclude={"group"}) for x in r.shifts
        ]
    }
    by_shifts = run(load_scenario_dict(data), replications=1, seed=1).intervals
    np.testing.assert_array_equal(
        by_table["agents_scheduled"].to_numpy(), by_shifts["agents_scheduled"].to_numpy()
    )
    assert by_table["agents_scheduled"].sum() * 0.5 == pytest.approx(32.0)


def test_schedule_grid_by_hand() -> None:
    """Columns from 08:00 (the first interval needed or planned) to 13:30 (the last one on duty:
    the 10:00-14:00 shift); Monday 3 required and 3 on the line 08:00-12:00, Tuesday 5 from
    10:00 and 2 spare on the line 12:00-14:00."""
    _, r = _two_days()
    req, cov, duty, first = schedule_grid(r)
    assert first == 16
    assert req.shape == (2, 12)
    np.testing.assert_allclose(req[0], [3] * 8 + [0] * 4)
    np.testing.assert_allclose(cov[0], [3] * 8 + [0] * 4)
    np.testing.assert_allclose(req[1], [3] * 4 + [5] * 4 + [0] * 4)
    np.testing.assert_allclose(cov[1], [3] * 4 + [5] * 4 + [2] * 4)
    np.testing.assert_allclose(duty, cov)  # no breaks


@pytest.mark.parametrize(
    ("lang", "title", "date"), [("en", "Required", "Mon 02-02"), ("nl", "Benodigd", "ma 02-02")]
)
def test_schedule_figure_has_dates_on_both_panels(lang: str, title: str, date: str, tmp_path):
    _, r = _two_days()
    fig = schedule_figure(r, lang)
    top, heat = fig.axes[:2]
    assert [x.get_text() for x in top.get_xticklabels()][:1] == [date]
    assert [y.get_text() for y in heat.get_yticklabels()][:1] == [date]
    assert title in [line.get_label() for line in top.get_lines()]
    assert heat.get_xticklabels()[0].get_text() == "08:00"
    assert heat.images[0].get_array().shape == (2, 12)
    path = save_png(fig, tmp_path / f"schedule-{lang}.png")
    assert path.read_bytes().startswith(b"\x89PNG")
    assert_inside(fig)


def test_cli_out_writes_roster_csv_and_png_and_refuses_to_overwrite(tmp_path: Path) -> None:
    data = {
        "name": "cli",
        "horizon": {"start": "2026-02-02", "days": 2, "interval_minutes": 30},
        "calendar": {"opening_hours": {"mon-sun": "08:00-18:00"}},
        "arrivals": {"per_hour": 60},
        "reasons": [
            {"name": "a", "share": 1, "handle_time": {"dist": "exponential", "mean_s": 240}}
        ],
        "agents": {"headcount": 5},
        "schedule": {"shift_types": [{"starts": ["07:00-12:00/30"], "lengths_h": [8.5, 4]}]},
    }
    path = tmp_path / "cli.yaml"
    path.write_text(yaml.safe_dump(data))
    out = tmp_path / "plan"
    args = ["schedule", str(path), "--method", "erlang-c", "--out", str(out), "--lang", "nl"]
    res = CliRunner().invoke(app, args)
    assert res.exit_code == 0, res.output
    for name in ("shifts.yaml", "roster.csv", "schedule.png"):
        assert (out / name).exists(), name
    data["agents"] = {"table": str(out / "roster.csv")}
    load_scenario_dict(data)  # the table is a valid agents.table
    (out / "shifts.yaml").unlink()
    again = CliRunner().invoke(app, args)
    assert again.exit_code == 2
    assert "roster.csv" in again.output


def test_report_in_dutch_has_the_picture_the_shifts_and_the_days() -> None:
    """The schedule report: the picture inline, a row per shift, a row per day of --verify."""
    from simulator.present.schedule_report import render_schedule_html
    from simulator.studies.schedule import verify

    s, r = _two_days()
    v = verify(s, r, replications=1, seed=1)
    page = render_schedule_html(r, v, "nl")
    assert "Rooster van hand" in page
    assert page.count("data:image/png;base64,") == 1
    assert "Betaalde uren" in page
    assert "32,0" in page
    assert "ma 2026-02-02" in page
    assert "di 2026-02-03" in page
    assert "<script" not in page
    assert "http" not in page.split("</style>")[1]


def test_report_needs_out(tmp_path: Path) -> None:
    s, _ = _two_days()
    path = tmp_path / "hand.yaml"
    path.write_text(yaml.safe_dump(s.to_yaml_dict()))
    res = CliRunner().invoke(app, ["schedule", str(path), "--method", "erlang-c", "--report"])
    assert res.exit_code == 2
    assert "--out" in res.output


SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


@pytest.mark.slow
def test_invoice_phase2_roster_is_the_schedule_of_its_requirement() -> None:
    """scenarios/invoice_phase2_roster.csv is what ``ccsim schedule scenarios/invoice_phase2.yaml
    --out DIR`` writes as roster.csv: it covers ccsim staff's Erlang A requirement (agents on the
    line; the file simulates no breaks, so on duty = on the line) in every interval of the month,
    for the 13,618 paid hours the schedule reported (agents x interval hours summed)."""
    from simulator.scenario.loading import load_scenario
    from simulator.scenario.steps import staffing_steps
    from simulator.studies.staffing import staff

    s = load_scenario(SCENARIOS / "invoice_phase2.yaml")
    need = staff(s, "erlang-a").table["agents"].to_numpy()
    times, counts = staffing_steps(s.agents, s.horizon)
    starts = np.arange(len(need)) * 1800.0
    on_duty = counts[np.searchsorted(times, starts, side="right") - 1]
    assert np.all(np.isin(times % 1800, [0]))  # changes on interval starts: one level each
    assert (on_duty >= need).all()
    assert on_duty.sum() * 0.5 == pytest.approx(13618.0)
