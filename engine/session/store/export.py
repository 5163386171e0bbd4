"""Run data as CSV and JSON files.

CSV: one row per sample, step record and phase change, in time order, with columns
``time_utc`` (ISO 8601, UTC), ``t_s`` (seconds since the run started), ``event``, then the
fields of :class:`~engine.core.events.Sample`, :class:`~engine.core.events.StepStats`,
:class:`~engine.core.events.Phase` and :class:`~engine.core.events.GpuSample` (the
machine's other GPUs, by ``gpu_index``). Numbers are written by Python's ``repr`` (``.`` as the
decimal separator whatever the system locale); a missing value is an empty cell.

JSON: ``{"run": ..., "events": [...]}`` with every field; NaN and missing values are
``null``, so any strict JSON parser reads it.

One clock in both: every ``t_s`` (and every ``*_t_s`` field, such as the summary's
``measure_start_t_s``) is seconds since the run started, for events and telemetry samples
alike; the start itself is given once, as the run's ``started_unix_s`` (JSON) and in each
row's ``time_utc`` (CSV).
"""

from __future__ import annotations

import csv
import dataclasses
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from engine.core.events import GpuSample, Phase, Sample, StepStats
from engine.core.values import plain_json
from engine.session.store.codec import shift_times
from engine.session.store.db import Store

_SERIES = (Sample, StepStats, Phase, GpuSample)


def csv_columns() -> list[str]:
    """The CSV header, in order."""
    cols = ["time_utc", "t_s", "event"]
    for cls in _SERIES:
        for f in dataclasses.fields(cls):
            if f.name != "t_s" and f.name not in cols:
                cols.append(f.name)
    return cols


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value) if value == value and abs(value) != float("inf") else ""
    return str(value)


def export_csv(store: Store, run_id: int, path: str | Path) -> Path:
    """Write run ``run_id``'s time series to ``path`` as CSV.

    Raises:
        KeyError: No such run.
        OSError: The file cannot be written.
    """
    rec = store.get(run_id)
    cols = csv_columns()
    wanted = {cls.__name__ for cls in _SERIES}
    path = Path(path)
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(cols)
        for t, kind, fields in store.events(run_id):
            if kind not in wanted:
                continue
            rel = t - rec.t0_s
            when = datetime.fromtimestamp(rec.started_unix_s + rel, tz=timezone.utc)
            row = {**rec.relative(fields), "time_utc": when.isoformat(timespec="milliseconds"),
                   "t_s": rel, "event": kind}
            w.writerow([_cell(row.get(c)) for c in cols])
    return path


def _json_event(t0_s: float, t_s: float, kind: str, fields: dict[str, Any]) -> dict[str, Any]:
    """One event of the JSON export: ``t_s`` first, every time since the run's start."""
    event = {"t_s": t_s - t0_s, "event": kind, **shift_times(fields, -t0_s)}
    event["t_s"] = t_s - t0_s  # the stored event time; a Summary has no t_s field of its own
    return event


def export_json(store: Store, run_id: int, path: str | Path) -> Path:
    """Write run ``run_id`` (its row and every event) to ``path`` as strict JSON.

    Raises:
        KeyError: No such run.
        OSError: The file cannot be written.
    """
    rec = store.get(run_id)
    doc = {
        "run": rec.to_dict(),
        "events": [_json_event(rec.t0_s, t, kind, fields) for t, kind, fields in
                   store.events(run_id)],
    }
    path = Path(path)
    path.write_text(plain_json(doc), encoding="utf-8")  # allow_nan=False: strict JSON
    return path
