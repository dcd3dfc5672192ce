"""``ccsim fit`` (spec D9): records written by ccsim itself fitted back to the parameters that
generated them, censored patience, journeys, bad input, and the Anonymous Bank adapter.

Round trips compare each fitted parameter with its generating value within z standard errors,
z the two-sided 3-sigma level (alpha = 0.0027) Bonferroni-corrected over the k parameters of the
test: z = Phi^-1(1 - 0.0027 / (2 k)) (3.32 for k = 3, 3.46 for k = 5).
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from scipy import stats
from typer.testing import CliRunner

from simulator.cli import app
from simulator.runs.replications import run
from simulator.scenario.loading import load_scenario, load_scenario_dict
from simulator.studies.contact_records import read_records, records_from_contacts
from simulator.studies.fit import fit, fit_censored, fit_durations, kaplan_meier

RUNNER = CliRunner()


def z_bonferroni(k: int) -> float:
    """The 3-sigma two-sided level shared over k parameters."""
    return float(stats.norm.ppf(1 - 0.0027 / (2 * k)))


def simulated_records(spec: dict, folder: Path) -> tuple[Path, pd.DataFrame]:
    """Run one replication of ``spec`` and write its contacts as D9 records (CSV)."""
    scenario = load_scenario_dict(spec, "<test>")
    contacts = run(scenario, replications=1, workers=1, keep_contacts=True).contacts
    records = records_from_contacts(contacts, scenario.horizon.origin)
    path = folder / "records.csv"
    records.to_csv(path, index=False)
    return path, contacts


def fit_json(records: Path, out: Path, *extra: str) -> dict:
    result = RUNNER.invoke(app, ["fit", str(records), "--out", str(out), "--json", *extra])
    assert result.exit_code == 0, result.output + str(result.exception)
    return json.loads(result.stdout)


# -- the A1 model ----------------------------------------------------------------------------
MINIMAL = Path(__file__).parents[2] / "scenarios" / "minimal.yaml"


@pytest.fixture(scope="module")
def minimal_fit(tmp_path_factory):
    folder = tmp_path_factory.mktemp("fit_minimal")
    spec = yaml.safe_load(MINIMAL.read_text(encoding="utf-8"))
    spec["replications"] = 1
    path, contacts = simulated_records(spec, folder)
    return fit_json(path, folder / "fitted.yaml"), contacts, folder


def test_round_trip_minimal(minimal_fit):
    """scenarios/minimal.yaml (A1: 1000 calls/h for 24 h, exponential handle time 300 s and
    patience 120 s, 90 agents), one replication, fitted back. k = 3 parameters, z = 3.32:

    - contacts per open hour: N contacts in 24 open hours, Poisson: SE = sqrt(N) / 24;
    - handle time mean: exponential, SE = 300 / sqrt(n answered);
    - patience mean (censored exponential MLE = total wait / abandons): SE = 120 / sqrt(d),
      d abandons (the inverse Fisher information of the censored exponential is mean^2 / d).
    """
    d, contacts, _ = minimal_fit
    z = z_bonferroni(3)
    n = d["contacts"]
    assert n == int((contacts["outcome"].astype(str) != "waiting").sum())
    assert abs(d["arrivals"]["per_hour_mean"] - 1000) <= z * math.sqrt(n) / 24
    assert d["arrivals"]["opening_hours"] == {"mon": "00:00-24:00"}
    ht = d["reasons"]["general"]["handle_time"]
    assert ht["dist"] in ("exponential", "gamma")
    assert abs(ht["mean_s"] - 300) <= z * 300 / math.sqrt(ht["n"])
    if ht["dist"] == "gamma":  # the exponential is a gamma of cv 1: SE(cv) ~ 1 / sqrt(2 n)
        assert abs(ht["cv"] - 1) <= z / math.sqrt(2 * ht["n"])
    p = d["patience"]
    assert p["dist"] == "exponential"
    assert abs(p["mean_s"] - 120) <= z * 120 / math.sqrt(p["abandoned"])
    assert set(d) >= {"contacts", "arrivals", "reasons", "patience", "notes"}


def test_written_scenario_validates_and_has_the_agents(minimal_fit):
    """The written scenario loads; its agents table is a lower bound of the 90 agents on duty:
    never above 90, and at 90 where every agent handled a call (a busy A1 center: 91% occupied)."""
    d, _, folder = minimal_fit
    scenario = load_scenario(folder / "fitted.yaml")
    assert scenario.horizon.days == 1
    table = pd.read_csv(folder / "fitted_agents.csv")
    assert len(table) == 48
    assert list(table.columns) == ["start", "agents"]
    assert table["agents"].max() == 90
    assert table["agents"].min() >= 85
    assert d["agents"]["lower_bound"] is True
    assert any("LOWER BOUND" in note for note in d["notes"])


# -- censoring -------------------------------------------------------------------------------
CENSORED = {
    "name": "censored",
    "seed": 11,
    "replications": 1,
    "horizon": {"days": 1},
    "arrivals": {"per_hour": 1000},
    "reasons": [
        {"name": "general", "share": 1.0, "handle_time": {"dist": "exponential", "mean_s": 300}}
    ],
    "channels": {"phone": {"patience": {"dist": "exponential", "mean_s": 120}}},
    "agents": {"headcount": 85},
}


def test_patience_from_censored_waits(tmp_path):
    """Exponential patience of mean 120 s; 85 agents for 1000 calls/h of 300 s answer about 95%
    (Erlang A: 4.5% abandon). The waits are short (a minute at most): an abandoned call's wait
    is short *because* only impatient callers abandon, so the mean of the abandoned waits is far
    below 120 s (about 13 s here). The censored fit uses the answered calls' waits as lower
    bounds and recovers the mean: within 15% of 120 s (its SE is 120 / sqrt(~1100) = 3.6 s)."""
    path, _ = simulated_records(CENSORED, tmp_path)
    d = fit_json(path, tmp_path / "fitted.yaml")
    p = d["patience"]
    answered_share = p["censored"] / (p["censored"] + p["abandoned"])
    assert 0.93 <= answered_share <= 0.97
    assert abs(p["mean_s"] - 120) <= 0.15 * 120
    assert p["naive_abandoned_mean_s"] < 0.25 * 120  # the naive estimate is far off
    assert p["kaplan_meier"]["restricted_mean_s"] <= p["kaplan_meier"]["up_to_s"]


def test_censored_exponential_mle_by_hand():
    """Three abandons at 10, 20, 30 s and two answered at 40 and 60 s: the censored exponential
    MLE is total time / events = (10 + 20 + 30 + 40 + 60) / 3 = 53.33 s. Kaplan-Meier: 5 at risk
    at 10 s (S = 4/5), 4 at 20 s (S = 3/5), 3 at 30 s (S = 2/5)."""
    f = fit_censored(np.array([10, 20, 30, 40, 60.0]), np.array([1, 1, 1, 0, 0], dtype=bool))
    assert f.kind == "exponential"
    assert f.mean_s == pytest.approx(160 / 3, abs=1e-3)
    times, surv = kaplan_meier(np.array([10, 20, 30, 40, 60.0]), np.array([1, 1, 1, 0, 0], bool))
    assert list(times) == [10, 20, 30]
    assert surv == pytest.approx([0.8, 0.6, 0.4])


def test_handle_time_family_chosen_by_likelihood():
    """5000 lognormal draws (mean 400 s, cv 0.8) pick the lognormal, with the mean within
    3 SE (SE = 400 x 0.8 / sqrt(5000) = 4.5 s); 5000 gamma draws (mean 400, cv 0.5) the gamma;
    a two-point mixture that no family fits (KS far above 1.63 / sqrt(n)) is written as an
    empirical distribution of 200 quantiles."""
    rng = np.random.default_rng(3)
    s2 = math.log(1 + 0.8**2)
    logn = rng.lognormal(math.log(400) - s2 / 2, math.sqrt(s2), 5000)
    f = fit_durations(logn)
    assert f.kind == "lognormal"
    assert abs(f.mean_s - 400) <= 3 * 400 * 0.8 / math.sqrt(5000)
    g = fit_durations(rng.gamma(4.0, 100.0, 5000))
    assert g.kind == "gamma"
    assert g.spec["cv"] == pytest.approx(0.5, abs=0.03)
    mix = np.concatenate([rng.normal(60, 3, 2500), rng.normal(600, 10, 2500)])
    e = fit_durations(mix)
    assert e.kind == "empirical"
    assert len(e.spec["values_s"]) == 200
    assert e.mean_s == pytest.approx(mix.mean(), rel=0.01)
    assert set(e.candidates) == {"exponential", "lognormal", "gamma"}


# -- journeys --------------------------------------------------------------------------------
JOURNEYS = {
    "name": "journeys",
    "seed": 5,
    "replications": 1,
    "horizon": {"days": 7},
    "arrivals": {"per_hour": 200},
    "reasons": [
        {
            "name": "general",
            "share": 1.0,
            "handle_time": {"dist": "exponential", "mean_s": 300},
            "fcr": 0.7,
            "repeat": {"probability": 0.8, "delay": {"dist": "exponential", "mean_h": 24}},
        }
    ],
    "channels": {
        "phone": {
            "patience": {"dist": "exponential", "mean_s": 120},
            "redial": {"probability": 0.5, "delay": {"dist": "exponential", "mean_min": 10}},
        }
    },
    "agents": {"headcount": 22},
}


def test_round_trip_journeys(tmp_path):
    """Seven days of 200 new issues/h, fcr f = 0.7, repeat probability p = 0.8 after an
    exponential delay of mean 24 h, redial probability 0.5 after 10 minutes, 22 agents (some
    abandonment). Fitted with a repeat window of N = 5 days. k = 5 parameters, z = 3.46:

    - FCR is "no repeat within N days": 1 - (1 - f) p P(delay < N) = 1 - 0.3 x 0.8 x
      (1 - e^-5) = 0.76162, binomial SE over the first answered contacts it counts;
    - redial probability 0.5 (binomial SE over the abandons that could redial), redial delay
      mean 600 s (exponential SE 600 / sqrt(redials)); a 4-hour redial window truncates
      e^-24 of it;
    - new issues per day 200 x 24 = 4800, Poisson SE sqrt(4800 x 7) / 7 (a repeat later than
      5 days counts as a new issue: e^-5 x 0.24 x 4800 = 8 a day, 0.3 SE);
    - handle time mean 300 s, SE 300 / sqrt(n).
    """
    path, contacts = simulated_records(JOURNEYS, tmp_path)
    d = fit_json(path, tmp_path / "fitted.yaml", "--window-days", "5")
    z = z_bonferroni(5)
    r = d["reasons"]["general"]
    expected_fcr = 1 - 0.3 * 0.8 * (1 - math.exp(-5))
    assert r["fcr_definition"] == "no repeat within 5 days"
    se = math.sqrt(expected_fcr * (1 - expected_fcr) / r["fcr_n"])
    assert abs(r["fcr"] - expected_fcr) <= z * se
    red = d["redial"]
    assert abs(red["probability"] - 0.5) <= z * math.sqrt(0.25 / red["abandons"])
    n_redials = int((contacts["kind"].astype(str) == "redial").sum())
    assert abs(red["delay"]["mean_s"] - 600) <= z * 600 / math.sqrt(n_redials)
    assert abs(d["arrivals"]["per_day"] - 4800) <= z * math.sqrt(4800 * 7) / 7
    assert abs(r["handle_time"]["mean_s"] - 300) <= z * 300 / math.sqrt(r["handle_time"]["n"])
    written = load_scenario(tmp_path / "fitted.yaml")
    assert written.reasons[0].repeat.probability == 1.0
    assert written.channels.phone.redial.probability == pytest.approx(red["probability"], abs=1e-3)


# -- input -----------------------------------------------------------------------------------
GOOD = """arrival,wait_s,outcome,handle_s,reason,customer,agent
2026-02-02T08:00:05,3,answered,200,billing,c1,a1
2026-02-02T08:10:00,40,abandoned,,billing,c2,
2026-02-02T08:20:00,0,answered,180,sales,c3,a2
2026-02-02T09:05:00,12,answered,240,billing,c2,a1
2026-02-03T10:00:00,5,answered,,sales,c4,a2
"""


def write(tmp_path: Path, text: str, name: str = "records.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("row", "bad", "column", "what"),
    [
        (3, "2026-02-02T08:10:00,40,abandoned,,billing,c2,", None, "missing column"),
        (4, "2026-02-31T08:20:00,0,answered,180,sales,c3,a2", "arrival", "not a date-time"),
        (4, "2026-02-02T08:20:00,-4,answered,180,sales,c3,a2", "wait_s", "a negative wait"),
        (3, "2026-02-02T08:10:00,40,abandoned,95,billing,c2,", "handle_s", "abandoned row"),
        (4, "2026-02-02T08:20:00,0,hung up,180,sales,c3,a2", "outcome", "unknown outcome"),
    ],
)
def test_bad_input_names_file_row_and_column(tmp_path, row, bad, column, what):
    """Each bad cell: exit 2, no traceback, the message names the file, the line (header =
    line 1) and the column. A missing column is named without a row."""
    lines = GOOD.splitlines()
    if column is None:  # no wait_s column at all
        lines = [",".join(ln.split(",")[:1] + ln.split(",")[2:]) for ln in lines]
    else:
        lines[row - 1] = bad
    path = write(tmp_path, "\n".join(lines) + "\n")
    result = RUNNER.invoke(app, ["fit", str(path), "--out", str(tmp_path / "s.yaml")])
    assert result.exit_code == 2, result.output
    message = result.stderr
    assert str(path) in message
    assert what in message
    assert "Traceback" not in message
    if column is None:
        assert "column wait_s" in message
    else:
        assert f"row {row}, column {column}" in message


def test_dropped_rows_are_counted_and_reported(tmp_path):
    """GOOD has one answered row without a handle time (2026-02-03): dropped and counted, 4
    contacts left. c2's call at 09:05 comes 54 min after the abandon at 08:10:00 + 40 s: a
    redial (within 4 h), so 3 new issues, 2 of them billing. With that row's handle time given,
    --end 2026-02-02 drops it instead, counted under its own cause."""
    path = write(tmp_path, GOOD)
    d = fit_json(path, tmp_path / "s.yaml")
    assert d["contacts"] == 4
    assert d["dropped"] == {"answered without a handle time": 1}
    assert any("1 rows dropped: answered without a handle time" in n for n in d["notes"])
    assert d["arrivals"]["new_issues"] == 3  # c2's second call is a redial
    assert d["reasons"]["billing"]["share"] == pytest.approx(2 / 3, abs=1e-6)
    late = write(
        tmp_path,
        GOOD.replace("2026-02-03T10:00:00,5,answered,,", "2026-02-03T10:00:00,5,answered,90,"),
        "late.csv",
    )
    d = fit_json(late, tmp_path / "s2.yaml", "--end", "2026-02-02")
    assert d["dropped"] == {"outside --start/--end": 1}
    assert d["contacts"] == 4


def test_column_map_and_parquet(tmp_path):
    """A client's own column names through --columns, read from Parquet: same fit as the CSV."""
    frame = pd.read_csv(write(tmp_path, GOOD), dtype=str, keep_default_na=False)
    theirs = frame.rename(columns={"arrival": "CallStart", "wait_s": "Queue", "handle_s": "Talk"})
    theirs.to_parquet(tmp_path / "export.parquet")
    mapping = write(tmp_path, "arrival: CallStart\nwait_s: Queue\nhandle_s: Talk\n", "map.yaml")
    a = fit_json(tmp_path / "records.csv", tmp_path / "a.yaml")
    b = fit_json(tmp_path / "export.parquet", tmp_path / "b.yaml", "--columns", str(mapping))
    assert a["reasons"] == b["reasons"]
    assert a["patience"] == b["patience"]
    bad = write(tmp_path, "arrival: CallStart\nqueue: Queue\n", "bad.yaml")
    result = RUNNER.invoke(
        app,
        [
            "fit",
            str(tmp_path / "export.parquet"),
            "--out",
            str(tmp_path / "c.yaml"),
            "--columns",
            str(bad),
        ],
    )
    assert result.exit_code == 2
    assert "unknown column" in result.stderr


# -- the Anonymous Bank log ------------------------------------------------------------------
ANONYMOUS_BANK = """\
vru+line\tcall_id\tcustomer_id\tpriority\ttype\tdate\tvru_entry\tvru_exit\tvru_time\tq_start\tq_exit\tq_time\toutcome\tser_start\tser_exit\tser_time\tserver
AA0101\t33116\t9664491\t2\tPS\t990101\t0:00:31\t0:00:36\t5\t0:00:36\t0:03:09\t153\tHANG\t0:00:00\t0:00:00\t0\tNO_SERVER
AA0101\t33117\t0\t0\tPS\t990101\t7:59:13\t7:59:19\t6\t0:00:00\t0:00:00\t0\tHANG\t0:00:00\t0:00:00\t0\tNO_SERVER
AA0101\t33118\t27505331\t0\tNE\t990101\t8:00:07\t8:00:12\t5\t8:00:12\t8:00:28\t16\tAGENT\t8:00:28\t8:02:43\t135\tMICHAL
AA0101\t33119\t0\t0\tPS\t990101\t8:01:00\t8:01:02\t2\t0:00:00\t0:00:00\t0\tPHANTOM\t0:00:00\t0:00:00\t0\tNO_SERVER
AA0101\t33120\t9664491\t2\tPS\t990101\t8:10:00\t8:10:05\t5\t0:00:00\t0:00:00\t0\tAGENT\t8:10:05\t8:14:05\t240\tDORIT
AA0101\t33121\t12345\t1\tPS\t990101\t8:20:00\t8:20:06\t6\t8:20:06\t8:21:06\t60\tAGENT\t8:21:06\t8:25:06\t240\tMICHAL
"""


def test_anonymous_bank_adapter(tmp_path):
    """A hand-made file in the 1999 Anonymous Bank layout (tab-separated). By hand:
    - 33116: queued at 0:00:36, hung up at 0:03:09: abandoned after 153 s;
    - 33117: hung up in the voice menu, never queued: dropped; 33119 PHANTOM: dropped;
    - 33118: queued 8:00:12, answered 8:00:28 (wait 16 s), served 135 s by MICHAL, type NE;
    - 33120: straight from the menu to DORIT at 8:10:05 (wait 0), 240 s;
    - 33121: wait 60 s, 240 s.
    So 4 contacts (3 answered), all new issues: 3 PS and 1 NE (shares 3/4, 1/4), the PS handle
    times 240 and 240 s; patience
    from one abandon at 153 s and censored waits 16, 0, 60: exponential MLE
    (153 + 16 + 0 + 60) / 1 = 229 s. Customer 9664491 abandons at 0:03:09 and calls again
    8 h later: a new issue (beyond the 4 h redial window)."""
    path = write(tmp_path, ANONYMOUS_BANK, "bank.txt")
    d = fit_json(path, tmp_path / "bank.yaml", "--format", "anonymous-bank")
    assert d["contacts"] == 4
    assert d["dropped"] == {
        "PHANTOM calls (never a real call)": 1,
        "hung up in the voice menu (never queued)": 1,
    }
    assert d["reasons"]["PS"]["share"] == pytest.approx(3 / 4, abs=1e-6)
    assert d["reasons"]["PS"]["handle_time"]["mean_s"] == pytest.approx(240)
    assert d["reasons"]["NE"]["handle_time"]["mean_s"] == pytest.approx(135)
    assert d["patience"]["mean_s"] == pytest.approx(229, abs=0.01)
    assert d["patience"]["abandoned"] == 1
    recs = read_records(path, fmt="anonymous-bank")
    assert list(recs.frame["wait_s"]) == [153, 16, 0, 60]
    assert list(recs.frame["agent"].fillna("")) == ["", "MICHAL", "DORIT", "MICHAL"]
    load_scenario(tmp_path / "bank.yaml")


def test_fit_in_process_matches_the_command(tmp_path):
    """``fit()`` on the records is what the command prints (same D9 object)."""
    path = write(tmp_path, GOOD)
    d = fit_json(path, tmp_path / "s.yaml")
    result = fit(read_records(path), name="s", agents_csv="s_agents.csv").to_json()
    assert json.loads(json.dumps(result)) == {k: v for k, v in d.items() if k != "scenario"}


# -- back-test -------------------------------------------------------------------------------
def test_backtest_actuals_by_hand(tmp_path):
    """Four calls in the first half hour of 2026-02-02 (a Monday): waits 5 and 0 s answered
    (within 20 s), 30 s answered (late), 10 s abandoned. Actual: offered 4, service level
    2/4 = 0.5 (the abandoned call counts as missed), abandonment 1/4, ASA (5 + 0 + 30) / 3.
    MAPE of offered per day = |simulated - 4| / 4; bias = simulated - 4."""
    from simulator.studies.backtest import backtest

    text = (
        "arrival,wait_s,outcome,handle_s\n"
        "2026-02-02T00:01:00,5,answered,100\n"
        "2026-02-02T00:02:00,0,answered,100\n"
        "2026-02-02T00:03:00,30,answered,100\n"
        "2026-02-02T00:04:00,10,abandoned,\n"
    )
    recs = read_records(write(tmp_path, text))
    scenario = load_scenario_dict(
        {
            "name": "tiny",
            "horizon": {"start": "2026-02-02", "days": 1},
            "arrivals": {"per_hour": 8},
            "reasons": [
                {
                    "name": "general",
                    "share": 1.0,
                    "handle_time": {"dist": "exponential", "mean_s": 100},
                }
            ],
            "agents": {"headcount": 1},
        },
        "<test>",
    )
    bt = backtest(recs, scenario, replications=2, workers=1)
    first = bt.intervals.iloc[0]
    assert first["actual_offered"] == 4
    assert first["actual_service_level"] == pytest.approx(0.5)
    assert first["actual_abandon_rate"] == pytest.approx(0.25)
    assert first["actual_asa_s"] == pytest.approx(35 / 3)
    assert bt.intervals["actual_offered"].iloc[1:].sum() == 0
    day = bt.errors["day"]["offered"]
    sim = float(bt.daily["simulated_offered"].iloc[0])
    assert day["mape"] == pytest.approx(abs(sim - 4) / 4, abs=1e-4)
    assert day["bias"] == pytest.approx(sim - 4, abs=1e-4)


def test_backtest_command_on_its_own_model(minimal_fit, tmp_path):
    """Records of the A1 model back-tested against the scenario fitted to them (2 replications):
    offered per day within 3 SE (Poisson: actual N, simulated mean of 2 runs, SE =
    sqrt(N (1 + 1/2))); the files and the figure are written."""
    d, _, folder = minimal_fit
    out = tmp_path / "bt"
    result = RUNNER.invoke(
        app,
        [
            "backtest",
            str(folder / "records.csv"),
            str(folder / "fitted.yaml"),
            "--replications",
            "2",
            "--workers",
            "1",
            "--out",
            str(out),
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    j = json.loads(result.stdout)
    e = j["errors"]["day"]["offered"]
    assert abs(e["bias"]) <= 3 * math.sqrt(d["contacts"] * 1.5)
    assert len(j["worst_intervals"]) == 10
    assert set(j["errors"]["interval"]) == {"offered", "service_level", "abandon_rate", "asa_s"}
    for name in ("backtest.json", "intervals.csv", "days.csv", "backtest.png"):
        assert (out / name).stat().st_size > 0


def test_calendar_outlier_and_opening_hours(tmp_path):
    """Three weeks from Monday 2026-03-02, hand-made and deterministic: Mon-Fri 09:00-17:00 with
    96 answered calls a day (one every 5 minutes: 6 per half hour), Saturday 10:00-14:00 with 48
    (the same rate), Sunday
    closed; Wednesday 2026-03-11 has 288 (an invoice day). By hand:
    - opening hours {mon-fri: 09:00-17:00, sat: 10:00-14:00}, Sunday closed (factor 0);
    - 2026-03-11 is an outlier: 288 against a median of 96, 192 > 4 sqrt(96) and > 25%;
    - without it every weekday has 96, Saturday 48: per_day = mean over the seven weekday
      means (5 x 96 + 48 + 0) / 7 = 75.43, factors mon-fri 96 / 75.43 = 1.2727, sat 0.6364;
    - the profile (from Mon-Fri, the most common hours) is flat over 09:00-17:00: 16 half hours
      of 6 calls, 1/16 each; 0 elsewhere.
    --end 2026-03-22 (a Sunday without records) keeps the horizon at 21 days."""
    rows = ["arrival,wait_s,outcome,handle_s"]
    for day in range(21):
        date = pd.Timestamp("2026-03-02") + pd.Timedelta(days=day)
        weekday = date.day_of_week
        if weekday == 6:
            continue
        n = 48 if weekday == 5 else (288 if str(date.date()) == "2026-03-11" else 96)
        start, span = (10 * 3600, 4 * 3600) if weekday == 5 else (9 * 3600, 8 * 3600)
        for i in range(n):
            t = date + pd.Timedelta(seconds=start + span * (i + 0.5) / n)
            rows.append(f"{t.isoformat()},10,answered,120")
    path = write(tmp_path, "\n".join(rows) + "\n")
    d = fit_json(path, tmp_path / "cal.yaml", "--end", "2026-03-22")
    a = d["arrivals"]
    assert a["opening_hours"] == {
        **dict.fromkeys(("mon", "tue", "wed", "thu", "fri"), "09:00-17:00"),
        "sat": "10:00-14:00",
    }
    assert a["outliers"] == ["2026-03-11"]
    assert a["per_day"] == pytest.approx(528 / 7, abs=0.01)  # 4 significant digits
    assert a["day_of_week"]["mon"] == pytest.approx(1.2727, abs=1e-4)
    assert a["day_of_week"]["sat"] == pytest.approx(0.6364, abs=1e-4)
    assert a["day_of_week"]["sun"] == 0.0
    assert a["days"] == 21
    assert a["intraday"][18:34] == pytest.approx([1 / 16] * 16, abs=1e-6)
    assert sum(a["intraday"][:18]) + sum(a["intraday"][34:]) == 0
    assert any("outlier date 2026-03-11" in n for n in d["notes"])
    assert d["patience"]["dist"] is None  # nobody abandoned
    scenario = load_scenario(tmp_path / "cal.yaml")
    assert scenario.channels.phone.patience is None
    assert scenario.horizon.days == 21


def test_channels_hours_from_the_phone(tmp_path):
    """Phone calls 09:00-10:00 and an e-mail answered at 02:00 the same Monday: the opening
    hours come from the phone ({mon: 09:00-10:00}); the channel mix of the 5 new issues is
    phone 2/5, chat 2/5, email 1/5; chat handle time 300 s against the phone's mean
    (100 + 200) / 2 = 150 s gives a handle_time_factor of 2; one chat abandoned after 50 s and
    one answered after 5 s (censored): chat patience exponential, mean (50 + 5) / 1 = 55 s."""
    text = (
        "arrival,wait_s,outcome,handle_s,channel\n"
        "2026-02-02T02:00:00,600,answered,150,email\n"
        "2026-02-02T09:10:00,5,answered,100,phone\n"
        "2026-02-02T09:40:00,5,answered,200,phone\n"
        "2026-02-02T09:50:00,50,abandoned,,chat\n"
        "2026-02-02T09:55:00,5,answered,300,chat\n"
    )
    d = fit_json(write(tmp_path, text), tmp_path / "ch.yaml")
    assert d["arrivals"]["opening_hours"] == {"mon": "09:00-10:00"}
    assert d["arrivals"]["channel_mix"] == {"phone": 0.4, "chat": 0.4, "email": 0.2}
    scenario = load_scenario(tmp_path / "ch.yaml")
    assert scenario.channels.chat.handle_time_factor == pytest.approx(2.0)
    assert scenario.channels.chat.patience.mean == pytest.approx((50 + 5) / 1)


def test_fit_report(minimal_fit, tmp_path):
    """--report writes one self-contained page: a picture for the arrivals, one per reason and
    one for patience (3 for the A1 model's one reason), no script and no external URL."""
    _, _, folder = minimal_fit
    out = tmp_path / "again.yaml"
    result = RUNNER.invoke(app, ["fit", str(folder / "records.csv"), "--out", str(out), "--report"])
    assert result.exit_code == 0, result.output
    page = (tmp_path / "again_report.html").read_text(encoding="utf-8")
    assert page.count("data:image/png;base64,") == 3
    assert "<script" not in page
    assert "http://" not in page
    assert "https://" not in page
    assert "Kaplan-Meier" in page
