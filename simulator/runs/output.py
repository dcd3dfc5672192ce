"""The folder that ``ccsim run --out DIR`` leaves behind: tables, the scenario as run, metadata.

The folder is meant to be all that later commands (``report``, ``assess``, ``pareto``) need, so
it is written completely or not at all: files go into a temporary sibling folder that is renamed
into place at the end. An existing non-empty folder is never overwritten without ``force``, and
even then the old folder is removed only once the new one is complete.
"""

from __future__ import annotations

import csv
import json
import math
import os
import shutil
import tempfile
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from simulator import __version__
from simulator.errors import CcsimError
from simulator.scenario.stated import default_only_kpis

if TYPE_CHECKING:  # the runner loads numba and SimPy; writing a folder needs neither
    import pandas as pd

    from simulator.runs.replications import Replication, RunResult

OUTPUT_FILES = (
    "summary.csv",
    "intervals.parquet",
    "contacts.parquet",
    "journeys.parquet",
    "agents.parquet",
    "by_reason.csv",
    "by_group.csv",
    "scenario.yaml",
    "meta.json",
)


class OutDirError(CcsimError):
    """The output folder cannot be used as asked: bad input, not a bug."""


def check_out_dir(out_dir: Path, force: bool) -> None:
    """Refuse a folder that ``write_run`` would overwrite without ``force``."""
    if out_dir.exists() and not out_dir.is_dir():
        raise OutDirError(f"{out_dir}: exists and is not a folder; choose another --out")
    if not force and out_dir.is_dir() and any(out_dir.iterdir()):
        raise OutDirError(
            f"{out_dir}: folder exists and is not empty; "
            "choose another --out or give --force to replace it"
        )


def write_run(
    result: RunResult,
    out_dir: Path,
    *,
    command_line: str,
    started: datetime,
    finished: datetime,
    workers: int,
    force: bool = False,
) -> None:
    """Write the files of a run that kept its per-contact tables into ``out_dir``, atomically.

    The run must have kept them (``run(..., keep_contacts=True)`` without a sink); a run that
    streamed them wrote them through :class:`RunFolder` already.
    """
    if result.contacts is None or result.journeys is None:
        raise ValueError("a run folder needs the contacts and journeys: keep_contacts=True")
    with RunFolder(out_dir, force) as folder:
        folder.append(result.contacts, result.journeys)
        folder.finish(
            result, command_line=command_line, started=started, finished=finished, workers=workers
        )


class RunFolder:
    """A run folder being written: its staging sibling, and the per-contact tables appended to.

    ``append`` adds one replication's contacts and journeys to ``contacts.parquet`` and
    ``journeys.parquet`` (a row group each), so a run of many replications never holds more than
    one replication's tables; ``finish`` writes the rest and renames the folder into place. Left
    by an exception (Ctrl-C included), the staging folder is removed and ``out_dir`` untouched.
    """

    def __init__(self, out_dir: Path, force: bool = False) -> None:
        self.out_dir = Path(out_dir)
        check_out_dir(self.out_dir, force)
        self.staging = staging_folder(self.out_dir)
        self._writers: dict[str, Any] = {}

    def __enter__(self) -> RunFolder:
        return self

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        self._close()
        if kind is not None or self.staging.exists():
            shutil.rmtree(self.staging, ignore_errors=True)

    def add(self, replication: Replication) -> None:
        """A sink for ``run``: append a finished replication's per-contact tables."""
        self.append(replication.contacts, replication.journeys)

    def append(self, contacts: pd.DataFrame | None, journeys: pd.DataFrame | None) -> None:
        """Append tables to ``contacts.parquet`` and ``journeys.parquet``."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        for name, frame in (("contacts", contacts), ("journeys", journeys)):
            if frame is None:
                raise ValueError("a run folder needs the contacts and journeys: keep_contacts=True")
            table = pa.Table.from_pandas(frame, preserve_index=False)
            writer = self._writers.get(name)
            if writer is None:
                writer = pq.ParquetWriter(self.staging / f"{name}.parquet", table.schema)
                self._writers[name] = writer
            writer.write_table(table)

    def _close(self) -> None:
        for writer in self._writers.values():
            writer.close()
        self._writers.clear()

    def finish(
        self,
        result: RunResult,
        *,
        command_line: str,
        started: datetime,
        finished: datetime,
        workers: int,
    ) -> None:
        """Write the summary, tables, scenario and metadata, then rename the folder into place."""
        if set(self._writers) != {"contacts", "journeys"}:
            raise ValueError("a run folder needs the contacts and journeys: keep_contacts=True")
        self._close()
        staging = self.staging
        result.summary.to_csv(staging / "summary.csv", index=False)
        result.intervals.to_parquet(staging / "intervals.parquet", index=False)
        result.agents.to_parquet(staging / "agents.parquet", index=False)
        _write_breakdown(staging / "by_reason.csv", "reason", result.by_reason_rows)
        _write_breakdown(staging / "by_group.csv", "group", result.by_group_rows)
        # As run: --seed and --replications override the file, so that running this file again
        # gives the same numbers.
        as_run = result.scenario.to_yaml_dict() | {
            "seed": result.seed,
            "replications": result.replications,
        }
        scenario_yaml = yaml.safe_dump(as_run, sort_keys=False, allow_unicode=True)
        (staging / "scenario.yaml").write_text(scenario_yaml, encoding="utf-8")
        meta = {
            "ccsim_version": __version__,
            "scenario": result.scenario.name,
            "seed": result.seed,
            "replications": result.replications,
            "workers": workers,
            "command_line": command_line,
            "started": started.isoformat(timespec="seconds"),
            "finished": finished.isoformat(timespec="seconds"),
            "kpis": result.kpis,
            "ci95": result.ci95,
            # scenario.yaml has the defaults written out; what the file stated is kept here
            "default_only_kpis": default_only_kpis(result.scenario),
        }
        (staging / "meta.json").write_text(
            json.dumps(meta, indent=2, allow_nan=False) + "\n", encoding="utf-8"
        )
        _move_into_place(staging, self.out_dir)


def _write_breakdown(path: Path, name: str, reps: list[dict[str, dict[str, float]]]) -> None:
    """One row per replication x reason (or group): its number, the name, then its KPIs.

    An undefined KPI (no answered call of the reason) is an empty cell.
    """
    keys = list(next(iter(reps[0].values()))) if reps and reps[0] else []
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["replication", name, *keys])
        for replication, rows in enumerate(reps):
            for label, values in rows.items():
                writer.writerow(
                    [
                        replication,
                        label,
                        *("" if math.isnan(values[k]) else repr(values[k]) for k in keys),
                    ]
                )


def staging_folder(target: Path) -> Path:
    """An empty hidden sibling of ``target`` to fill and then rename into place.

    It has the permissions ``mkdir`` would give ``target`` (``mkdtemp`` makes a folder private).
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent))
    staging.chmod(0o777 & ~umask())
    return staging


def umask() -> int:
    """The process's umask: reading it means setting it, so it is set back at once."""
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _move_into_place(staging: Path, out_dir: Path) -> None:
    """Rename the complete ``staging`` folder to ``out_dir``, replacing what ``force`` allowed."""
    if not out_dir.exists():
        os.replace(staging, out_dir)
        return
    # Move the old folder aside first: a rename cannot replace a non-empty folder.
    retired = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", suffix=".old", dir=out_dir.parent))
    old = retired / out_dir.name
    os.replace(out_dir, old)
    try:
        os.replace(staging, out_dir)
    except OSError:
        os.replace(old, out_dir)
        raise
    finally:
        shutil.rmtree(retired, ignore_errors=True)
