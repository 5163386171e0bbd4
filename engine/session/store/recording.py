"""``.trainfer`` recordings: one file with everything needed to replay runs elsewhere.

Format: gzip-compressed UTF-8 JSON ``{"format": "trainfer-recording", "version": 2,
"created_unix_s", "trainfer_version", "runs": [...]}``; each run carries its stored row
(uuid, name, model, mode, device, status, configuration, summary, failure, tags), its
start once, on the wall clock (``started_unix_s``, Unix seconds), and ``events``:
``[[t_s, kind, fields], ...]``. Strict JSON (no NaN).

One clock: every time in a run (each event's ``t_s``, the ``t_s`` and ``*_t_s`` fields
inside its fields, its summary and failure) is seconds since the run started, so
``[0.064, "Sample", {"t_s": 0.064, ...}]``.

Version 1 (Trainfer 0.1) wrote the same runs with a ``t0_s`` (the recording machine's
monotonic clock at the start) and the times inside fields, summary and failure on that
clock (``[0.064, "Sample", {"t_s": 48.434, ...}]`` with ``t0_s`` 48.370).
:func:`read_recording` reads both and gives every run in the version 2 form.
"""

from __future__ import annotations

import gzip
import json
import math
import time
import zlib
from pathlib import Path
from typing import Any

from engine.core.errors import ExplainedError
from engine.core.values import Msg, msg, plain_json
from engine.session.store.codec import KINDS, field_problem, shift_times
from engine.session.store.db import STATUSES, Store

FORMAT = "trainfer-recording"
VERSION = 2
"""The version :func:`export_recording` writes."""
READS = (1, 2)
"""The versions :func:`read_recording` reads (1: times inside fields on the run's monotonic
clock, beside its ``t0_s``; 2: every time since the run's start)."""

# Bounds on what a recording may hold (issue #14): a recording is input from elsewhere, and
# nothing in it may make the app or ``replay`` hang or grow without bound (a 200 MB run
# name once imported, after which the window never showed). Each is far above what a run
# produces: an hour at 20 Hz with 20 steps/s is about 150,000 events and 40 MB of JSON.
MAX_JSON_BYTES = 512 << 20
"""Decompressed size a recording may have; larger is refused while it is decompressed."""
MAX_RUNS = 1000
MAX_EVENTS = 5_000_000
"""Events in one run (a day at 20 Hz with 20 steps/s is 3.5 million)."""
MAX_NAME_CHARS = 300
"""A run's name, device and device name."""
MAX_TEXT_CHARS = 10_000
"""Any other text: a field of an event, a tag, an error message."""
MAX_TAGS = 100
MAX_RUN_S = 31 * 86_400.0
"""Seconds since the run's start an event may have (a month)."""
ERA_UNIX_S = (946_684_800.0, 4_102_444_800.0)
"""Start times a recording may give: 2000-01-01 to 2100-01-01 (UTC, Unix seconds)."""
_CHUNK = 1 << 20


class RecordingError(ExplainedError, ValueError):
    """A file that is not a readable recording; the message says why."""


def _run_payload(store: Store, run_id: int) -> dict[str, Any]:
    rec = store.get(run_id)
    d = rec.to_dict()  # summary and failure times already since the start
    del d["id"]
    d["events"] = [[t - rec.t0_s, kind, rec.relative(fields)]
                   for t, kind, fields in store.events(run_id)]
    return d


def _from_version_1(run: dict[str, Any]) -> dict[str, Any]:
    """A run of a version 1 recording in the version 2 form (times since its start).

    The times inside its events' fields, summary and failure move from the recording
    machine's monotonic clock (``t0_s``) to seconds since the start; ``t0_s`` goes.
    """
    t0 = float(run.get("t0_s", 0.0))
    out = {k: v for k, v in run.items() if k != "t0_s"}
    out["events"] = [[t, kind, shift_times(fields, -t0)] for t, kind, fields in run["events"]]
    for key in ("summary", "failure"):
        if isinstance(run.get(key), dict):
            out[key] = shift_times(run[key], -t0)
    return out


def export_recording(store: Store, run_ids: list[int], path: str | Path) -> Path:
    """Write the runs ``run_ids`` to ``path`` (``.trainfer``).

    Raises:
        KeyError: A run id does not exist.
        OSError: The file cannot be written.
    """
    from engine import __version__

    doc = {
        "format": FORMAT,
        "version": VERSION,
        "created_unix_s": time.time(),
        "trainfer_version": __version__,
        "runs": [_run_payload(store, i) for i in run_ids],
    }
    path = Path(path)
    tmp = path.with_name(path.name + ".part")
    with gzip.open(tmp, "wt", encoding="utf-8") as f:
        f.write(plain_json(doc))
    tmp.replace(path)  # never leave a half-written recording under the real name
    return path


def read_recording(path: str | Path) -> list[dict[str, Any]]:
    """The runs in a recording, each in the version 2 form (see the module docstring).

    A version 1 recording is read too, its times moved to seconds since each run's start.

    Raises:
        RecordingError: Not a gzip JSON Trainfer recording, truncated, from a newer
            Trainfer or of a version this one does not read (the message says which it
            reads).
        OSError: The file cannot be read.
    """
    path = Path(path)
    try:
        data = _decompressed(path)
        doc = json.loads(data.decode("utf-8"))
    except (gzip.BadGzipFile, EOFError, zlib.error) as exc:
        raise RecordingError(msg("recording.truncated", name=path.name, error=str(exc))) from exc
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise RecordingError(msg("recording.damaged", name=path.name, error=str(exc))) from exc
    except RecursionError as exc:  # JSON nested thousands deep: no recording is
        raise RecordingError(msg("recording.damaged", name=path.name,
                                 error="nested too deep")) from exc
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise RecordingError(msg("recording.not_recording", name=path.name))
    version = doc.get("version")
    supported = [str(v) for v in READS]
    if isinstance(version, int) and not isinstance(version, bool) and version > max(READS):
        raise RecordingError(msg("recording.newer", name=path.name, version=str(version),
                                 supported=supported))
    if version not in READS or isinstance(version, bool):
        raise RecordingError(msg("recording.unknown_version", name=path.name,
                                 version=_shown(version), supported=supported))
    runs = doc.get("runs")
    if isinstance(runs, list) and len(runs) > MAX_RUNS:
        raise RecordingError(msg("recording.too_many", name=path.name, n=str(len(runs)),
                                 limit=str(MAX_RUNS)))
    if not isinstance(runs, list) or not all(
        isinstance(r, dict) and {"uuid", "model", "mode", "config", "events"} <= set(r)
        for r in runs
    ):
        raise RecordingError(msg("recording.incomplete", name=path.name))
    for i, r in enumerate(runs, 1):
        problem = _run_problem(r)
        if problem:
            raise RecordingError(msg("recording.bad_run", name=path.name, index=str(i),
                                     model=str(r.get("model")), mode=str(r.get("mode")),
                                     problem=problem))
    return [_from_version_1(r) for r in runs] if version == 1 else runs


def _decompressed(path: Path) -> bytes:
    """The JSON text of ``path``, read in chunks and refused past :data:`MAX_JSON_BYTES`.

    Raises:
        RecordingError: Larger than the limit (said before it is read in full).
        gzip.BadGzipFile, EOFError, zlib.error, OSError: As :mod:`gzip` raises them.
    """
    parts: list[bytes] = []
    total = 0
    with gzip.open(path, "rb") as f:
        while chunk := f.read(_CHUNK):
            total += len(chunk)
            if total > MAX_JSON_BYTES:
                raise RecordingError(msg("recording.too_large", name=path.name,
                                         limit=f"{MAX_JSON_BYTES >> 20} MiB"))
            parts.append(chunk)
    return b"".join(parts)


def _long_text(fields: dict[str, Any]) -> str | None:
    """The name of a text field of ``fields`` longer than :data:`MAX_TEXT_CHARS`, if any."""
    for key, value in fields.items():
        if isinstance(value, str) and len(value) > MAX_TEXT_CHARS:
            return key
        if isinstance(value, list) and any(
                isinstance(v, str) and len(v) > MAX_TEXT_CHARS for v in value):
            return key
    return None


def _shown(value: Any) -> str:
    """``value`` as a message shows it: short, whatever a damaged file holds."""
    if value is None:
        return "none"
    if isinstance(value, (list, dict)):
        return type(value).__name__
    text = json.dumps(value[:41] if isinstance(value, str) else value)
    return text if len(text) <= 40 else text[:37] + "..."


def _run_problem(r: dict[str, Any]) -> Msg | None:
    """What is wrong with one run of a recording, or ``None``."""
    if not isinstance(r["config"], dict) or not isinstance(r["uuid"], str):
        return msg("recording.no_config")
    for key in ("name", "device", "device_name", "model", "mode", "uuid"):
        value = r.get(key)
        if isinstance(value, str) and len(value) > MAX_NAME_CHARS:
            return msg("recording.too_long", field=key, n=str(len(value)),
                       limit=str(MAX_NAME_CHARS))
    events = r["events"]
    if not isinstance(events, list):
        return msg("recording.no_events")
    if len(events) > MAX_EVENTS:
        return msg("recording.too_many_in_run", n=str(len(events)), limit=str(MAX_EVENTS))
    for n, e in enumerate(events, 1):
        if not (isinstance(e, list) and len(e) == 3 and isinstance(e[1], str)
                and isinstance(e[2], dict) and isinstance(e[0], (int, float))
                and not isinstance(e[0], bool) and math.isfinite(e[0])):
            return msg("recording.unreadable_event", n=str(n))
        if e[1] not in KINDS:
            return msg("recording.unknown_kind", kind=repr(e[1]), n=str(n))
        if abs(e[0]) > MAX_RUN_S:
            return msg("recording.event_time", n=str(n), t=f"{e[0]:.6g}",
                       limit=str(int(MAX_RUN_S)))
        long_field = _long_text(e[2])
        if long_field is not None:
            return msg("recording.too_long_in_event", n=str(n), field=long_field,
                       limit=str(MAX_TEXT_CHARS))
        problem = field_problem(e[1], e[2])
        if problem:
            return msg("recording.damaged_event", n=str(n), detail=problem)
    for key, kind in (("summary", "Summary"), ("failure", "Failed")):
        if r.get(key) is None:
            continue
        if not isinstance(r[key], dict):
            return msg("recording.unreadable_part", part=key)
        problem = field_problem(kind, r[key])
        if problem:
            return msg("recording.damaged_part", part=key, detail=problem)
    if r.get("status", "completed") not in STATUSES:
        return msg("recording.unknown_status", status=repr(r.get("status")))
    for key in ("t0_s", "started_unix_s"):
        value = r.get(key, 0.0)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return msg("recording.not_number", field=key)
        if not math.isfinite(value):
            return msg("recording.not_number", field=key)
    start = r.get("started_unix_s")
    if isinstance(start, (int, float)) and start and not (
            ERA_UNIX_S[0] <= start <= ERA_UNIX_S[1]):
        return msg("recording.bad_start", value=f"{start:.6g}")
    for key in ("name", "device", "device_name"):
        if r.get(key) is not None and not isinstance(r[key], str):
            return msg("recording.not_text", field=key)
    if r.get("tags") is not None and not (
            isinstance(r["tags"], list) and all(isinstance(t, str) for t in r["tags"])):
        return msg("recording.bad_tags")
    tags = r.get("tags") or []
    if len(tags) > MAX_TAGS or any(len(t) > MAX_NAME_CHARS for t in tags):
        return msg("recording.too_many_tags", limit=str(MAX_TAGS), chars=str(MAX_NAME_CHARS))
    return None


def import_recording(store: Store, path: str | Path) -> tuple[list[int], list[str]]:
    """Add the runs of a recording to ``store``.

    Returns:
        ``(new run ids, uuids skipped because the store already has them)``.

    Raises:
        RecordingError, OSError: As :func:`read_recording`.
    """
    runs = read_recording(path)  # every run is checked before anything is written
    added: list[int] = []
    skipped: list[str] = []
    source = Path(path).name
    try:
        _add_runs(store, runs, source, added, skipped)
    except Exception:
        for run_id in added:  # all or nothing: no half-imported runs in History
            store.remove(run_id)
        raise
    return added, skipped


def _add_runs(store: Store, runs: list[dict[str, Any]], source: str, added: list[int],
              skipped: list[str]) -> None:
    for r in runs:
        if store.find_uuid(r["uuid"]) is not None:
            skipped.append(r["uuid"])
            continue
        # times since the start (read_recording's form): the stored run's clock starts at 0
        run_id = store.create_run(
            r["config"], 0.0, source=source, run_uuid=r["uuid"],
            started_unix_s=r.get("started_unix_s", time.time()), status="running",
        )
        added.append(run_id)
        store.append_events(
            run_id, 0, [(float(t), k, plain_json(f)) for t, k, f in r["events"]])
        store.finish_run(
            run_id, r.get("status", "completed"), summary=r.get("summary"),
            failure=r.get("failure"), device=r.get("device"),
            device_name=r.get("device_name", ""),
        )
        if r.get("name"):
            store.rename(run_id, r["name"])
        if r.get("tags"):
            store.set_tags(run_id, r["tags"])
