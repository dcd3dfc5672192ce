"""What a newcomer meets first: the installed package, numba's cache and ``-h``.

The tests run from the working tree, so a broken install is invisible to them unless they look
at it on purpose: here the wheel is built and used from another folder, and numba's cache is
checked to stay out of the package folder (files there outlive ``pip uninstall`` and shadow a
later editable install).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

import simulator
from simulator.cli import app

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = Path(simulator.__file__).resolve().parent


def python(code: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """Run ``code`` in a fresh interpreter; ``env`` on top of this one's, NUMBA_CACHE_DIR unset
    unless given (the test runner may have set it)."""
    base = {k: v for k, v in os.environ.items() if k != "NUMBA_CACHE_DIR"}
    proc = subprocess.run(
        [sys.executable, "-c", code],
        cwd=cwd,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    return proc


def test_numba_cache_goes_to_the_user_cache_folder_not_the_package(tmp_path):
    started = time.time()
    python(
        # compiles a sampler
        "from simulator.engine.streams import Streams; Streams(1, 0).uniform('x')()",
        cwd=tmp_path,
        XDG_CACHE_HOME=str(tmp_path / "cache"),
    )
    assert list((tmp_path / "cache" / "ccsim" / "numba").rglob("*.nbi"))
    written = [
        p for p in PACKAGE.rglob("*.nb[ic]") if p.stat().st_mtime >= started - 1
    ]  # older files may be left from before the cache moved
    assert written == []


@pytest.mark.parametrize(
    ("code", "own_dir", "expected"),
    [
        ("import simulator, numba", None, "xdg"),
        ("import numba, simulator", None, "xdg"),  # numba read its settings before ccsim set it
        ("import simulator, numba", "mine", "mine"),  # a folder the user chose wins
    ],
)
def test_numba_cache_folder(tmp_path, code, own_dir, expected):
    env = {"XDG_CACHE_HOME": str(tmp_path / "xdg")}
    if own_dir:
        env["NUMBA_CACHE_DIR"] = str(tmp_path / own_dir)
    proc = python(f"{code}; print(numba.config.CACHE_DIR)", cwd=tmp_path, **env)
    want = tmp_path / "xdg" / "ccsim" / "numba" if expected == "xdg" else tmp_path / own_dir
    assert proc.stdout.strip() == str(want)


def build_wheel(tmp_path: Path) -> Path:
    """The wheel of the working tree, built from a copy so that the tree gets no build/ folder."""
    src = tmp_path / "src"
    src.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, src / name)
    for name in ("simulator", "scenarios", "experiments"):
        shutil.copytree(ROOT / name, src / name, ignore=shutil.ignore_patterns("__pycache__"))
    pip = [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation"]
    proc = subprocess.run(
        [*pip, str(src), "-w", str(tmp_path / "dist")],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    (wheel,) = (tmp_path / "dist").glob("ccsim-*.whl")
    return wheel


def test_installed_package_finds_its_training_experiment_from_any_folder(tmp_path):
    site = tmp_path / "site"
    with zipfile.ZipFile(build_wheel(tmp_path)) as wheel:
        wheel.extractall(site)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    proc = python(
        "import simulator\n"
        "from simulator.studies.training import EXPERIMENTS, default_experiment, load_training\n"
        "print(simulator.__file__)\n"
        "for name in EXPERIMENTS:\n"
        "    path = default_experiment(name)\n"
        "    print(path, len(load_training(path, replications=1, days=1).scenarios))\n",
        cwd=elsewhere,
        PYTHONPATH=str(site),
    )
    lines = proc.stdout.splitlines()
    assert Path(lines[0]).is_relative_to(site)  # the wheel's package, not the working tree
    for line in lines[1:]:  # each experiment and its base scenario came with the wheel
        path, scenarios = line.rsplit(" ", 1)
        assert Path(path).is_relative_to(site / "simulator" / "experiments")
        assert int(scenarios) >= 2
    assert len(lines) > 1
    templates = ROOT / "simulator" / "present" / "templates"
    shipped = {p.name for p in (site / "simulator" / "present" / "templates").iterdir()}
    assert {p.name for p in templates.iterdir()} <= shipped  # the HTML reports need them


@pytest.mark.parametrize("args", [[], ["run"], ["sweep"], ["train"]])
def test_dash_h_is_help(args):
    short = CliRunner().invoke(app, [*args, "-h"])
    long = CliRunner().invoke(app, [*args, "--help"])
    assert short.exit_code == 0, short.output
    assert "Usage" in short.output
    assert short.output == long.output


def test_every_subpackage_is_listed_for_the_wheel():
    """pyproject lists the packages by name (the data folders are mapped in beside them), so a new
    layer folder missing from the list would install without its code."""
    import tomllib

    listed = set(
        tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]
    )
    found = {
        ".".join(init.parent.relative_to(ROOT).parts)
        for init in (ROOT / "simulator").rglob("__init__.py")
    }
    assert found <= listed, f"add to [tool.setuptools] packages: {sorted(found - listed)}"
