"""Contact records as a client's platform exports them, read and checked for ``ccsim fit``.

One row per contact attempt (spec D9): ``arrival`` (ISO date-time), ``wait_s``, ``outcome``
(``answered`` or ``abandoned``), ``handle_s`` (answered rows), and optionally ``channel`` (default
phone), ``reason``, ``customer`` and ``agent``. CSV (any common separator) or Parquet.

- ``--columns MAP.yaml`` renames a client's own columns: ``{arrival: CallStart, wait_s: Queue}``
  (ccsim's name: the file's name).
- ``--format anonymous-bank`` reads the public 1999 "Anonymous Bank" call-center log (fields
  ``vru_entry, vru_exit, q_start, q_exit, outcome, ser_start, ser_exit, server, customer_id,
  type, date``): a call's arrival is the moment it joined the queue (``q_start``; the end of the
  voice menu when it never queued), ``AGENT`` is answered, ``HANG`` after queueing is abandoned,
  a ``HANG`` in the voice menu and every ``PHANTOM`` never reached an agent's queue and are
  dropped (counted). ``type`` becomes the reason, ``server`` the agent.

Bad input is a ``ScenarioError`` naming the file, the row (the line of a CSV, header = line 1;
the 1-based row of a Parquet file) and the column: a missing column, an arrival that is not a
date-time, a wait that is not a number >= 0, an outcome other than answered/abandoned, a handle
time on an abandoned row (an empty cell or 0 is fine there). Rows that are set aside are counted
by cause in ``ContactRecords.dropped``: answered rows without a handle time, rows outside
``--start``/``--end`` and, in the Anonymous Bank format, calls that never queued.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from simulator.errors import ScenarioError
from simulator.scenario.models import CHANNELS

REQUIRED = ("arrival", "wait_s", "outcome", "handle_s")
OPTIONAL = ("channel", "reason", "customer", "agent")
COLUMNS = REQUIRED + OPTIONAL
FORMATS = ("d9", "anonymous-bank")
ANONYMOUS_BANK = (
    "vru_entry",
    "vru_exit",
    "q_start",
    "q_exit",
    "outcome",
    "ser_start",
    "ser_exit",
    "server",
    "customer_id",
    "type",
    "date",
)
DEFAULT_REASON = "general"


@dataclass
class ContactRecords:
    """Checked contact records, one row per attempt, sorted by arrival.

    ``frame`` columns: ``arrival`` (datetime64), ``wait_s``, ``outcome`` ("answered" or
    "abandoned"), ``handle_s`` (NaN on abandoned rows), ``channel``, ``reason``, ``customer`` and
    ``agent`` (strings; None where the file has no such column or an empty cell), ``row`` (where
    the row is in the file). ``present``: the optional columns the file has.
    """

    frame: pd.DataFrame
    source: str
    present: frozenset[str]
    dropped: dict[str, int] = field(default_factory=dict)
    period: tuple[date | None, date | None] = (None, None)  # --start, --end


def _error(file: str, row: int | None, column: str, message: str, allowed: str, value: Any) -> None:
    where = f"row {row}, column {column}" if row is not None else f"column {column}"
    raise ScenarioError(file, where, message, allowed=allowed, value=value)


def _read_table(path: Path) -> tuple[pd.DataFrame, int]:
    """The file as strings, and the offset from frame index to the row number users see."""
    if not path.is_file():
        raise ScenarioError(str(path), "", "no such file", allowed="a CSV or Parquet file")
    try:
        if path.suffix.lower() in (".parquet", ".pq"):
            frame = pd.read_parquet(path)
            return frame.astype(object).where(frame.notna(), None), 1
        frame = pd.read_csv(
            path, dtype=str, keep_default_na=False, sep=None, engine="python", skipinitialspace=True
        )
    except (ValueError, OSError, UnicodeDecodeError, pd.errors.ParserError) as err:
        message = " ".join(str(err).split())
        raise ScenarioError(
            str(path), "", f"cannot read the file ({message})", allowed="a CSV or Parquet file"
        ) from None
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame, 2  # a CSV's header is line 1


def read_column_map(path: Path | None) -> dict[str, str]:
    """``--columns MAP.yaml``: ccsim's column name -> the client's column name."""
    if path is None:
        return {}
    from simulator.scenario.loading import read_yaml

    data = read_yaml(path, "column map")
    if not isinstance(data, dict):
        raise ScenarioError(
            str(path), "", "not a mapping", allowed="a mapping such as {arrival: CallStart}"
        )
    for key, value in data.items():
        if key not in COLUMNS:
            raise ScenarioError(
                str(path), str(key), "unknown column", allowed=", ".join(COLUMNS), value=key
            )
        if not isinstance(value, str) or not value:
            raise ScenarioError(
                str(path),
                str(key),
                "not a column name",
                allowed="a column of the file",
                value=value,
            )
    return dict(data)


def _text(values: pd.Series) -> pd.Series:
    """Cells as stripped strings, '' for empty cells."""
    return values.map(
        lambda v: "" if v is None or (isinstance(v, float) and np.isnan(v)) else str(v).strip()
    )


def _anonymous_bank(
    raw: pd.DataFrame, file: str, offset: int
) -> tuple[pd.DataFrame, dict[str, int]]:
    """The Anonymous Bank log as D9 columns (see the module docstring)."""
    raw = raw.rename(columns=str.lower)
    for column in ANONYMOUS_BANK:
        if column not in raw.columns:
            _error(file, None, column, "missing column", ", ".join(ANONYMOUS_BANK), column)
    cells = {c: _text(raw[c]) for c in ANONYMOUS_BANK}
    day = pd.to_datetime(cells["date"], format="%y%m%d", errors="coerce")
    fallback = pd.to_datetime(cells["date"], errors="coerce", format="mixed")
    day = day.fillna(fallback)
    bad = day.isna()
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        _error(
            file,
            i + offset,
            "date",
            "not a date",
            "yymmdd (990801) or an ISO date",
            cells["date"].iloc[i],
        )

    def clock(column: str) -> pd.Series:
        seconds = pd.to_timedelta(cells[column], errors="coerce").dt.total_seconds()
        wrong = seconds.isna() | (seconds < 0)
        if wrong.any():
            i = int(np.flatnonzero(wrong.to_numpy())[0])
            _error(file, i + offset, column, "not a time of day", "H:MM:SS", cells[column].iloc[i])
        return seconds

    q_start, q_exit = clock("q_start"), clock("q_exit")
    vru_exit = clock("vru_exit")
    ser_start, ser_exit = clock("ser_start"), clock("ser_exit")
    outcome = cells["outcome"].str.upper()
    unknown = ~outcome.isin(["AGENT", "HANG", "PHANTOM"])
    if unknown.any():
        i = int(np.flatnonzero(unknown.to_numpy())[0])
        _error(
            file,
            i + offset,
            "outcome",
            "unknown outcome",
            "AGENT, HANG or PHANTOM",
            cells["outcome"].iloc[i],
        )
    queued = q_start > 0
    entry = np.where(
        queued, q_start, np.where(outcome == "AGENT", np.minimum(vru_exit, ser_start), vru_exit)
    )
    # A time of day before the queue entry belongs to the next day (a call across midnight).
    wait = np.where(queued, (q_exit - q_start) % 86400.0, 0.0)
    handle = (ser_exit - ser_start) % 86400.0
    phantom = (outcome == "PHANTOM").to_numpy()
    in_menu = ((outcome == "HANG") & ~queued).to_numpy()
    keep = ~(phantom | in_menu)
    customer = cells["customer_id"].where(~cells["customer_id"].isin(["", "0"]), "")
    server = cells["server"].where(~cells["server"].str.upper().isin(["", "NO_SERVER"]), "")
    frame = pd.DataFrame(
        {
            "arrival": (day + pd.to_timedelta(entry, unit="s")).dt.strftime("%Y-%m-%dT%H:%M:%S"),
            "wait_s": wait.astype(str),
            "outcome": np.where(outcome == "AGENT", "answered", "abandoned"),
            "handle_s": np.where(outcome == "AGENT", handle.astype(str), ""),
            "reason": cells["type"].where(cells["type"] != "", DEFAULT_REASON),
            "customer": customer,
            "agent": server,
        }
    )
    frame.index = raw.index
    dropped = {
        "PHANTOM calls (never a real call)": int(phantom.sum()),
        "hung up in the voice menu (never queued)": int(in_menu.sum()),
    }
    return frame[keep], {k: v for k, v in dropped.items() if v}


def read_records(
    path: Path,
    *,
    columns: Path | None = None,
    fmt: str = "d9",
    start: date | None = None,
    end: date | None = None,
) -> ContactRecords:
    """Read, check and sort the records of ``path`` (see the module docstring)."""
    file = str(path)
    if fmt not in FORMATS:
        raise ScenarioError(
            file, "--format", "unknown format", allowed=", ".join(FORMATS), value=fmt
        )
    mapping = read_column_map(columns)
    raw, offset = _read_table(path)
    dropped: dict[str, int] = {}
    if fmt == "anonymous-bank":
        raw, dropped = _anonymous_bank(raw, file, offset)
    else:
        raw = raw.rename(columns={theirs: ours for ours, theirs in mapping.items()})
    for column in REQUIRED:
        if column not in raw.columns:
            name = mapping.get(column, column)
            _error(file, None, name, "missing column", f"the columns {', '.join(REQUIRED)}", name)
    cells = {c: _text(raw[c]) for c in COLUMNS if c in raw.columns}
    rows = raw.index.to_numpy() + offset

    def first_bad(mask: pd.Series | np.ndarray, column: str, message: str, allowed: str) -> None:
        mask = np.asarray(mask, dtype=bool)
        if mask.any():
            i = int(np.flatnonzero(mask)[0])
            _error(
                file,
                int(rows[i]),
                mapping.get(column, column),
                message,
                allowed,
                cells[column].iloc[i],
            )

    arrival = pd.to_datetime(cells["arrival"], errors="coerce", format="ISO8601")
    if getattr(arrival.dt, "tz", None) is not None:
        arrival = arrival.dt.tz_localize(None)  # the local clock time of the export
    first_bad(
        arrival.isna(), "arrival", "not a date-time", "an ISO date-time such as 2026-02-02T08:15:00"
    )
    wait = pd.to_numeric(cells["wait_s"], errors="coerce")
    first_bad(wait.isna(), "wait_s", "not a number", "a wait in seconds >= 0")
    first_bad(wait < 0, "wait_s", "a negative wait", "a wait in seconds >= 0")
    outcome = cells["outcome"].str.lower()
    first_bad(
        ~outcome.isin(["answered", "abandoned"]),
        "outcome",
        "unknown outcome",
        "answered or abandoned",
    )
    answered = (outcome == "answered").to_numpy()
    handle_text = cells["handle_s"]
    handle = pd.to_numeric(handle_text, errors="coerce")
    given = (handle_text != "").to_numpy()
    first_bad(
        given & handle.isna().to_numpy(),
        "handle_s",
        "not a number",
        "a handle time in seconds >= 0",
    )
    first_bad(
        given & (handle < 0).to_numpy(),
        "handle_s",
        "a negative handle time",
        "a handle time in seconds >= 0",
    )
    first_bad(
        ~answered & given & (handle != 0).to_numpy(),
        "handle_s",
        "a handle time on an abandoned row",
        "an empty cell (or 0) on abandoned rows",
    )
    if "channel" in cells:
        channel = cells["channel"].str.lower().replace("", "phone")
        first_bad(~channel.isin(CHANNELS), "channel", "unknown channel", ", ".join(CHANNELS))
    else:
        channel = pd.Series("phone", index=raw.index)
    frame = pd.DataFrame(
        {
            "arrival": arrival,
            "wait_s": wait.astype(float),
            "outcome": outcome,
            "handle_s": handle.where(answered).astype(float),
            "channel": channel,
            "reason": cells["reason"].replace("", DEFAULT_REASON)
            if "reason" in cells
            else DEFAULT_REASON,
            "customer": cells["customer"].where(cells["customer"] != "", None)
            if "customer" in cells
            else None,
            "agent": cells["agent"].where(cells["agent"] != "", None) if "agent" in cells else None,
            "row": rows,
        }
    )
    keep = np.ones(len(frame), dtype=bool)
    no_handle = answered & ~given
    if no_handle.any():
        dropped["answered without a handle time"] = int(no_handle.sum())
        keep &= ~no_handle
    day = frame["arrival"].dt.normalize()
    if start is not None or end is not None:
        lo = pd.Timestamp(start) if start is not None else day.min()
        hi = pd.Timestamp(end) if end is not None else day.max()
        outside = ((day < lo) | (day > hi)).to_numpy() & keep
        if outside.any():
            dropped["outside --start/--end"] = int(outside.sum())
            keep &= ~outside
    frame = frame[keep].sort_values("arrival", kind="stable").reset_index(drop=True)
    if frame.empty:
        raise ScenarioError(
            file, "", "no contact left to fit", allowed="at least one row in the period"
        )
    present = frozenset(c for c in OPTIONAL if c in cells)
    return ContactRecords(frame, file, present, dropped, (start, end))


def records_from_contacts(contacts: pd.DataFrame, origin: datetime) -> pd.DataFrame:
    """Ccsim's own contacts table (``--out``'s contacts.parquet) as D9 columns.

    The customer is the issue (every contact of an issue is the same customer); the agent id is
    kept. Contacts still waiting at the end are left out (a platform export has no outcome for
    them either). Used by the round-trip tests and the back-test.
    """
    done = contacts[contacts["outcome"].astype(str) != "waiting"]
    answered = done["outcome"].astype(str) == "answered"
    arrival = pd.Timestamp(origin) + pd.to_timedelta(done["arrival_s"].to_numpy(), unit="s")
    return pd.DataFrame(
        {
            "arrival": arrival.strftime("%Y-%m-%dT%H:%M:%S.%f"),
            "wait_s": done["wait_s"].to_numpy(),
            "outcome": done["outcome"].astype(str).to_numpy(),
            "handle_s": np.where(answered, done["handle_s"].to_numpy(), np.nan),
            "channel": done["channel"].astype(str).to_numpy(),
            "reason": done["reason"].astype(str).to_numpy(),
            "customer": [
                f"{r}-{i}" for r, i in zip(done["replication"], done["issue"], strict=True)
            ],
            "agent": np.where(answered, done["agent"].astype(str), ""),
        }
    )


def day_span(records: ContactRecords) -> tuple[date, int]:
    """First date and number of days: ``--start``/``--end`` where given, else the records' span."""
    start, end = records.period
    first = start or records.frame["arrival"].min().date()
    last = end or records.frame["arrival"].max().date()
    return first, (last - first).days + 1


__all__ = [
    "COLUMNS",
    "FORMATS",
    "ContactRecords",
    "day_span",
    "read_records",
    "records_from_contacts",
]
