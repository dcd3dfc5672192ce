"""``ccsim report FOLDER``: the report that fits the folder, written whole or not at all.

Three commands write folders (``ccsim run``, ``compare`` and ``sweep`` with ``--out``); each kind
has its own report module, and this one picks it by what the folder holds. It sits above the
three so that none of them imports another.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from simulator.errors import CcsimError
from simulator.present.compare_report import is_compare_dir, render_compare_html
from simulator.present.labels import DEFAULT_LANG, check_lang
from simulator.present.report import render_html
from simulator.present.sweep_report import is_sweep_dir, render_sweep_html
from simulator.results.rundir import RunDirError, load_run

REPORT_FILE = "report.html"


class ReportError(CcsimError):
    """The report cannot be written as asked (bad option or output path)."""


def check_report_options(out_dir: Path | None, lang: str) -> None:
    """``ccsim run --report`` writes into the run folder, so it needs ``--out``; checked first."""
    if out_dir is None:
        raise ReportError("--report needs --out DIR: the report is written into that folder")
    check_lang(lang)


def check_target(target: Path) -> None:
    """Refuse an output path that cannot take the report, before any work is done."""
    if target.is_dir():
        raise ReportError(f"{target}: is a folder; give a file name for --out, e.g. report.html")
    if not target.parent.is_dir():
        raise ReportError(f"{target.parent}: no such folder for the report")


def _render_folder(folder: Path, lang: str, target: Path) -> str:
    """The report of a comparison, sweep or run folder.

    ``target`` is checked once the folder is known to be one, so that a wrong folder is the error a
    user sees first.
    """
    if is_compare_dir(folder):
        check_target(target)
        return render_compare_html(folder, lang)
    if is_sweep_dir(folder):
        check_target(target)
        return render_sweep_html(folder, lang)
    if folder.is_dir() and not (folder / "meta.json").exists():
        raise RunDirError(
            f"{folder}: not a run, sweep or comparison folder (no meta.json, sweep.json or "
            "compare.csv); give a folder written by `ccsim run`, `ccsim sweep` or "
            "`ccsim compare` with --out DIR"
        )
    run = load_run(folder)
    check_target(target)
    return render_html(run, lang)


def write_report(
    folder: Path | str, out: Path | str | None = None, lang: str = DEFAULT_LANG
) -> Path:
    """Write the report of a run, sweep or comparison folder (default ``folder/report.html``).

    The file is written to a temporary sibling and renamed, so a reader never sees half a report.
    """
    lang = check_lang(lang)
    folder = Path(folder)
    target = Path(out) if out is not None else folder / REPORT_FILE
    html = _render_folder(folder, lang, target)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(html)
        os.chmod(tmp, 0o644)  # mkstemp makes it private; a report is meant to be shared
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target
