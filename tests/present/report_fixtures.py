"""Run folders for the report, plot and assessment tests.

``synthetic_run`` writes a folder by hand, with or without the journey data of the newer model,
so the tests pin down what reports do with each shape of input without running a simulation.
``simulated_run`` runs a tiny scenario through the real ``ccsim run --out``.
"""

from __future__ import annotations

import base64
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pandas as pd
import yaml
from typer.testing import CliRunner

TINY = """\
name: tiny
description: A small phone queue for report tests.
seed: 5
replications: 2
horizon: {days: 1, warmup_minutes: 60, interval_minutes: 60}
arrivals: {per_hour: 60}
reasons:
  - name: general
    share: 1.0
    handle_time: {dist: exponential, mean_s: 240}
channels:
  phone:
    patience: {dist: exponential, mean_s: 90}
    service_level: {answer_within_s: 20, target: 0.8}
agents: {headcount: 5}
"""

SCENARIO = {
    "name": "synthetic",
    "description": "Hand-made run folder",
    "seed": 11,
    "replications": 2,
    "horizon": {"days": 1, "warmup_minutes": 60, "interval_minutes": 60},
    "arrivals": {"per_hour": [50.0] * 12 + [80.0] * 12},
    "reasons": [
        {
            "name": "billing",
            "share": 0.6,
            "handle_time": {"dist": "exponential", "mean_s": 300.0},
            "fcr": 0.6,
        },
        {
            "name": "delivery",
            "share": 0.4,
            "handle_time": {"dist": "lognormal", "mean_s": 200.0, "cv": 0.5},
        },
    ],
    "channels": {
        "phone": {
            "patience": {"dist": "exponential", "mean_s": 120.0},
            "service_level": {"answer_within_s": 20.0, "target": 0.8},
        }
    },
    "agents": {"per_interval": [6] * 8 + [9] * 16},
}


def synthetic_run(
    path: Path,
    *,
    journeys: bool = True,
    kind: bool = True,
    proxies: bool = True,
    replications: int = 2,
) -> Path:
    """A run folder with plausible tables; ``False`` leaves out the newer model's data."""
    rng = np.random.default_rng(1)
    path.mkdir(parents=True)
    kpis = {
        "offered": 1500.0,
        "answered": 1420.0,
        "abandoned": 80.0,
        "abandon_rate": 80 / 1500,
        "asa_s": 35.2,
        "service_level": 0.71,
        "wait_p90_s": 95.0,
        "aht_s": 280.0,
        "occupancy": 0.88,
        "issues": 1200.0,
        "fcr": 0.62,
        "repeat_rate": 0.18,
        "contacts_per_issue": 1.25,
        "resolved": 1000.0,
        "gave_up": 150.0,
        "deflected": 30.0,
        "open_at_end": 20.0,
        "in_system_at_end": 0.0,
    }
    ci95 = {k: abs(v) * 0.03 for k, v in kpis.items()}
    if proxies:
        kpis |= {"csat": 7.1, "ces": 2.9, "nps": 12.0}
        ci95 |= {"csat": 0.1, "ces": 0.05, "nps": 2.5}
    ci95["wait_p90_s"] = None  # undefined CIs must show as "–"
    meta = {
        "ccsim_version": "test",
        "scenario": "synthetic",
        "seed": 11,
        "replications": replications,
        "command_line": "ccsim run synthetic.yaml --out run",
        "kpis": kpis,
        "ci95": ci95,
    }
    (path / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
    (path / "scenario.yaml").write_text(yaml.safe_dump(SCENARIO), encoding="utf-8")
    pd.DataFrame([{"replication": r, **kpis} for r in range(replications)]).to_csv(
        path / "summary.csv", index=False
    )

    rows = []
    for r in range(replications):
        for i in range(24):
            offered = int(rng.poisson(50 if i < 12 else 80))
            abandoned = int(rng.binomial(offered, 0.05))
            rows.append(
                {
                    "replication": r,
                    "interval": i,
                    "start_min": 60.0 * i,
                    "in_warmup": i == 0,
                    "offered": offered,
                    "answered": offered - abandoned,
                    "abandoned": abandoned,
                    "asa_s": float(rng.uniform(5, 60)),
                    "service_level": float(rng.uniform(0.6, 0.95)),
                    "aht_s": float(rng.uniform(250, 300)),
                    "agents_on_duty": 6.0 if i < 8 else 9.0,
                    "occupancy": float(rng.uniform(0.7, 0.95)),
                }
            )
    pd.DataFrame(rows).to_parquet(path / "intervals.parquet", index=False)

    n = 3000
    contacts = pd.DataFrame(
        {
            "replication": np.repeat(np.arange(replications), n // replications),
            "contact": np.arange(n),
            "issue": np.arange(n),
            "arrival_s": rng.uniform(0, 86400, n),
            "wait_s": rng.exponential(30, n),
            "outcome": pd.Categorical(
                rng.choice(["answered", "abandoned"], n, p=[0.95, 0.05]),
                categories=["waiting", "answered", "abandoned"],
            ),
        }
    )
    if kind:
        contacts["kind"] = pd.Categorical(
            rng.choice(["new", "repeat", "missed_callback", "redial"], n, p=[0.7, 0.15, 0.1, 0.05]),
            categories=["new", "redial", "repeat", "missed_callback"],
        )
    contacts.to_parquet(path / "contacts.parquet", index=False)

    if journeys:
        m = 2400
        outcome = rng.choice(
            ["resolved", "gave_up", "deflected", "open"], m, p=[0.8, 0.12, 0.05, 0.03]
        )
        pd.DataFrame(
            {
                "replication": np.repeat(np.arange(replications), m // replications),
                "issue": np.arange(m),
                "reason": pd.Categorical(rng.choice(["billing", "delivery"], m, p=[0.6, 0.4])),
                "in_warmup": rng.uniform(size=m) < 0.04,
                "contacts": rng.integers(1, 4, m),
                "outcome": pd.Categorical(outcome),
                "resolved_first_contact": (outcome == "resolved") & (rng.uniform(size=m) < 0.7),
                "resolution_h": rng.exponential(10, m),
            }
        ).to_parquet(path / "journeys.parquet", index=False)
    return path


def multi_day_run(path: Path, days: int = 5) -> Path:
    """A synthetic run of ``days`` days from Monday 2 Feb 2026 in half-hour intervals, open
    08:00-18:00 on shifts, the line collapsing every morning 09:00-11:00 (service level 0.2)
    while the daily service level stays above 0.6: what the average day and heat map show."""
    folder = synthetic_run(path)
    rng = np.random.default_rng(7)
    rows = []
    for rep in range(2):
        for i in range(days * 48):
            minute = 30 * (i % 48)
            open_ = 8 * 60 <= minute < 18 * 60
            morning = 9 * 60 <= minute < 11 * 60
            offered = int(rng.poisson(60 if morning else 30)) if open_ else 0
            sl = (0.2 if morning else 0.9) + rng.uniform(-0.05, 0.05) if offered else np.nan
            rows.append(
                {
                    "replication": rep,
                    "interval": i,
                    "start_min": 30.0 * i,
                    "in_warmup": i < 2,
                    "offered": offered,
                    "answered": offered,
                    "abandoned": 0,
                    "service_level": sl,
                    "agents_on_duty": (12.0 + (i // 48)) if open_ else 0.0,
                }
            )
    pd.DataFrame(rows).to_parquet(folder / "intervals.parquet", index=False)
    scenario = yaml.safe_load((folder / "scenario.yaml").read_text(encoding="utf-8"))
    scenario["horizon"] = {"start": "2026-02-02", "days": days, "interval_minutes": 30}
    scenario["calendar"] = {"opening_hours": {"mon-fri": "08:00-18:00"}, "holidays": []}
    scenario["agents"] = {
        "shifts": [
            {"days": "mon-fri", "start": "08:00", "end": "13:00", "agents": 12},
            {"days": "mon-fri", "start": "13:00", "end": "18:00", "agents": 10},
        ]
    }
    (folder / "scenario.yaml").write_text(yaml.safe_dump(scenario), encoding="utf-8")
    return folder


def simulated_run(path: Path, *extra: str) -> Path:
    """``ccsim run TINY --out path`` in-process (one worker: no forking inside tests)."""
    from simulator.cli import app

    scenario = path.parent / f"{path.name}.yaml"
    scenario.write_text(TINY, encoding="utf-8")
    result = CliRunner().invoke(
        app, ["run", str(scenario), "--out", str(path), "--workers", "1", "--json", *extra]
    )
    assert result.exit_code == 0, result.output
    return path


PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
EXTERNAL = re.compile(r"""(?:https?:)?//[^\s'"]""", re.IGNORECASE)


class _Refs(HTMLParser):
    """Every URL-bearing attribute and every <img> of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.images: list[str] = []
        self.refs: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("src", "href", "srcset", "action", "data", "poster"):
                self.refs.append((tag, name, value or ""))
        if tag == "img":
            self.images.append(dict(attrs).get("src") or "")


def check_self_contained(html: str) -> int:
    """Assert the page needs nothing outside itself; return the number of images."""
    parser = _Refs()
    parser.feed(html)
    for tag, name, value in parser.refs:
        assert not EXTERNAL.match(value), f"<{tag} {name}> points outside the file: {value[:80]}"
        assert tag == "img", f"unexpected reference <{tag} {name}={value[:40]}>"
    assert "<script" not in html.lower()
    assert "<link" not in html.lower()
    assert "@import" not in html
    assert not re.search(r"url\(\s*['\"]?(?!data:)", html), "CSS must not load anything"
    for src in parser.images:
        assert src.startswith("data:image/png;base64,"), src[:60]
        data = base64.b64decode(src.split(",", 1)[1], validate=True)
        assert data.startswith(PNG_SIGNATURE)
        assert len(data) > 5_000
    return len(parser.images)


def assert_inside(fig) -> None:
    """Nothing drawn sticks out of the picture: a legend or title wider than the figure is cut
    off in the PNG (constrained layout makes room around the axes but never narrows a legend)."""
    from simulator.present.figures import png_bytes

    png_bytes(fig)  # lay out as saved
    box = fig.get_tightbbox(fig.canvas.get_renderer())
    width, height = fig.get_size_inches()
    tol = 0.02  # inches, about 2 px
    assert box.x0 >= -tol, (box, width)
    assert box.y0 >= -tol, (box, height)
    assert box.x1 <= width + tol, (box, width)
    assert box.y1 <= height + tol, (box, height)
