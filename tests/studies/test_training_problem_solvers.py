"""``ccsim train problem-solvers`` (issue 19): the dearer team needs fewer contacts and hours.

Shortened run: 3 days x 3 replications of experiments/problem_solvers.yaml (the file runs
5 days x 5 replications); seed and everything else the file's, so the what-ifs keep common
random numbers.

Hand derivation of the direction and size. A billing issue (fcr 0.65, repeat probability 0.8,
at most 5 contacts) brings 1 + q + ... + q^4 = (1 - q^5)/(1 - q) contacts, q = (1 - fcr) x 0.8
the chance of another: today q = 0.28, 1.387 contacts per issue; the problem solvers (fcr 0.90)
q = 0.08, 1.087. Over the three reasons (fcr 0.65/0.60/0.55 -> 0.90/0.85/0.80, shares
0.5/0.3/0.2: 1.387/1.466/1.553 -> 1.087/1.136/1.190) contacts per issue go from 1.444 to 1.123:
22% fewer contacts (a little less in a short run: issues near its end have not come back yet),
so offered falls by thousands over three days of 1800 issues. Work per issue is contacts x AHT:
1.123 x 1.15 = 1.291 against 1.444, 11% less, so the agent hours needed for the service level
(Erlang A per interval at the run's AHT) fall too, although each conversation is 15% longer.
Paired differences with common random numbers: their whole 95% CI lies below 0.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from simulator.cli import app
from simulator.studies.training import TrainingError, load_training, run_training

ROOT = Path(__file__).resolve().parents[2]
EXPERIMENT = ROOT / "experiments" / "problem_solvers.yaml"


@pytest.fixture(scope="module")
def result():
    return run_training(load_training(EXPERIMENT, days=3, replications=3), workers=1)


def test_base_is_todays_team_and_what_ifs_the_problem_solvers() -> None:
    training = load_training(EXPERIMENT, days=1, replications=1)
    today, same, fewer = training.scenarios
    assert today.agents.proficiency is None
    assert today.costs.agent_hour == 40.0
    assert [s.agents for s in today.agents.shifts] == [40, 40]
    for solvers in (same, fewer):
        assert solvers.agents.proficiency.handle_time_factor == 1.15
        assert solvers.agents.proficiency.fcr_plus == 0.25
        assert solvers.costs.agent_hour == 48.0
    assert [s.agents for s in same.agents.shifts] == [40, 40]
    assert [s.agents for s in fewer.agents.shifts] == [38, 38]


def test_dearer_team_needs_fewer_contacts_and_hours(result) -> None:
    offered = result.means("offered")
    for i in (0, 1):
        for key in ("offered", "repeat_contacts", "agent_hours_needed"):
            d = result.diff(key)[i]
            assert d["mean"] + d["ci95"] < 0, (i, key, d)
        # about 22% fewer contacts (derivation above); 15% to 27% allowed for 3 days x 3 reps
        assert -0.27 < result.diff("offered")[i]["mean"] / offered[0] < -0.15
        # each hour costs 20% more: the week's cost as rostered rises
        assert result.diff("cost_per_week")[i]["mean"] > 0
    assert result.findings()[0].startswith("fewer")


def test_named_on_the_command_line() -> None:
    args = ["train", "problem-solvers", "--days", "1", "--replications", "1", "--workers", "1"]
    res = CliRunner().invoke(app, [*args, "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["what_ifs"] == [
        "today",
        "problem solvers, 40 a shift",
        "problem solvers, 38 a shift",
    ]


def test_bad_base_set_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        f"base: {ROOT / 'scenarios' / 'problem_solvers.yaml'}\n"
        "base_set: {'agents.nonsense[3]': 1}\n"
        "what_ifs: [{name: x, fcr_plus: 0.1}]\n",
        encoding="utf-8",
    )
    with pytest.raises(TrainingError, match=r"base_set: agents\.nonsense"):
        load_training(bad)
