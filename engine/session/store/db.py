"""The run store: one SQLite database (standard library ``sqlite3``, WAL mode).

Every event of a run (its configuration, telemetry samples, step statistics, phases and
summary) is one row of ``events``, written as it arrives by :class:`engine.session.store.recorder.
Recorder` and committed at least once a second, so a crash of either process loses at
most the last second. A run whose writer died (``kill -9`` of the app) is found on the
next open and marked *interrupted*; everything up to the last commit is there.

The schema has a version (``meta.schema_version``) and migrations from every earlier
version. A database that is corrupt, truncated or from a newer Trainfer raises
:class:`StoreError` and is never modified.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
import uuid as uuid_mod
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine.core.errors import ExplainedError
from engine.core.events import Failed, Summary
from engine.core.values import Msg, msg, plain_json

SCHEMA_VERSION = 2
DB_NAME = "trainfer.sqlite"
HEARTBEAT_S = 1.0
STALE_S = 10.0  # a "running" run whose writer has been silent this long was interrupted

# Version 1: runs + events. Version 2 adds names, tags and soft deletion.
_SCHEMA_V1 = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    uuid TEXT UNIQUE NOT NULL,
    model TEXT NOT NULL,
    mode TEXT NOT NULL,
    device TEXT NOT NULL,
    device_name TEXT NOT NULL DEFAULT '',
    config_json TEXT NOT NULL,
    status TEXT NOT NULL,
    started_unix_s REAL NOT NULL,
    updated_unix_s REAL NOT NULL,
    t0_s REAL NOT NULL,
    writer_pid INTEGER NOT NULL,
    summary_json TEXT,
    failure_json TEXT
);
CREATE TABLE events (
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    t_s REAL NOT NULL,
    kind TEXT NOT NULL,
    json TEXT NOT NULL,
    PRIMARY KEY (run_id, seq)
);
"""
_MIGRATIONS = {
    2: """
ALTER TABLE runs ADD COLUMN name TEXT NOT NULL DEFAULT '';
ALTER TABLE runs ADD COLUMN deleted INTEGER NOT NULL DEFAULT 0;
ALTER TABLE runs ADD COLUMN source TEXT NOT NULL DEFAULT '';
CREATE TABLE tags (
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    tag TEXT NOT NULL,
    PRIMARY KEY (run_id, tag)
);
""",
}
STATUSES = ("running", "completed", "stopped", "failed", "interrupted")


class StoreError(ExplainedError, RuntimeError):
    """The database cannot be used; ``str(exc)`` says why and what to do.

    The file is left untouched.
    """


def default_data_dir() -> Path:
    """``$TRAINFER_DATA_DIR``, else the user data directory (platformdirs)."""
    env = os.environ.get("TRAINFER_DATA_DIR")
    if env:
        return Path(env).expanduser()
    try:
        from platformdirs import user_data_dir
    except ImportError:  # a GPU server without platformdirs
        return Path.home() / ".local" / "share" / "trainfer"
    return Path(user_data_dir("trainfer", appauthor=False))


@dataclass(frozen=True)
class RunRecord:
    """One stored run (without its events).

    Attributes:
        id: Row id (what ``trainfer runs show ID`` takes).
        uuid: Globally unique id (kept across export and import).
        name: User-given name, ``""`` if none.
        model, mode, device, device_name: What ran where.
        status: ``running``, ``completed``, ``stopped``, ``failed`` or ``interrupted``.
        started_unix_s: Wall-clock start (Unix seconds).
        updated_unix_s: Last write (Unix seconds).
        t0_s: Monotonic time of the start (event times are relative to it).
        config: The :class:`engine.core.config.RunConfig` as a dict.
        summary: The run's :class:`~engine.core.events.Summary`, or ``None``.
        failure: The run's :class:`~engine.core.events.Failed`, or ``None``.
        tags: Sorted tags.
        source: ``""`` for a run recorded here, else where it was imported from.
        problem: Why a stored summary or failure could not be read (``""``: it could);
            the run is listed without it.
    """

    id: int
    uuid: str
    name: str
    model: str
    mode: str
    device: str
    device_name: str
    status: str
    started_unix_s: float
    updated_unix_s: float
    t0_s: float
    config: dict[str, Any]
    summary: Summary | None
    failure: Failed | None
    tags: list[str] = field(default_factory=list)
    source: str = ""
    problem: str = ""

    @property
    def distinguishing(self) -> dict[str, Any]:
        """The settings that tell this run from others of its model and mode.

        ``{"precision": "bf16", "batch_size": 1, "quantize": "int8"}``: the precision unless
        fp32, the batch size, the quantization unless none and the kernels unless eager; read
        from the summary, else from the run's config. Values, not words: each edge says them.
        """
        s, c = self.summary, self.config
        values = {
            "precision": s.precision if s is not None else c.get("precision", "fp32"),
            "batch_size": s.batch_size if s is not None else c.get("batch_size"),
            "quantize": s.quantize if s is not None else c.get("quantize", "none"),
            "kernels": s.kernels if s is not None else c.get("kernels", "eager"),
        }
        unsaid = {"precision": "fp32", "batch_size": 0, "quantize": "none", "kernels": "eager"}
        return {k: v for k, v in values.items() if v not in (None, unsaid[k])}

    @property
    def settings(self) -> list[str]:
        """:attr:`distinguishing` as short English words: ``["bf16", "batch 1", "int8"]``."""
        return [f"batch {v}" if k == "batch_size" else str(v)
                for k, v in self.distinguishing.items()]

    @property
    def title(self) -> str:
        """The name, or ``model · mode · device · its settings`` (:attr:`settings`)."""
        return self.name or " · ".join([self.model, self.mode, self.device, *self.settings])

    def to_dict(self) -> dict[str, Any]:
        """Plain dict (``trainfer runs show --json``)."""
        return {
            "id": self.id, "uuid": self.uuid, "name": self.name, "model": self.model,
            "mode": self.mode, "device": self.device, "device_name": self.device_name,
            "status": self.status, "started_unix_s": self.started_unix_s,
            "updated_unix_s": self.updated_unix_s, "config": self.config,
            "summary": self.summary.to_dict() if self.summary else None,
            "failure": self.failure.to_dict() if self.failure else None,
            "tags": self.tags, "source": self.source,
        }


class Store:
    """The run database in ``data_dir``.

    Args:
        data_dir: Folder of ``trainfer.sqlite``; created if missing. ``None`` uses
            :func:`default_data_dir`.

    Raises:
        StoreError: The file is not a Trainfer database, is corrupt or truncated, or was
            written by a newer Trainfer. It is not modified.
    """

    def __init__(self, data_dir: str | Path | None = None) -> None:
        self.data_dir = Path(data_dir) if data_dir is not None else default_data_dir()
        self.path = self.data_dir / DB_NAME
        self._lock = threading.RLock()
        existed = self.path.exists() and self.path.stat().st_size > 0
        if existed:
            self._check_before_open()
        try:
            self.data_dir.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, check_same_thread=False, timeout=10.0)
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(msg("store.cannot_open", path=str(self.path), error=str(exc))) from exc
        self._db.row_factory = sqlite3.Row
        try:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA foreign_keys=ON")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._migrate(existed)
            self.interrupted_on_open = self._mark_interrupted()
        except sqlite3.DatabaseError as exc:
            self._db.close()
            raise StoreError(msg("store.damaged", path=str(self.path), error=str(exc))) from exc

    # ---- opening -------------------------------------------------------------------

    def _check_before_open(self) -> None:
        """Read-only checks, so a bad file is never touched."""
        uri = f"file:{self.path}?mode=ro"
        try:
            db = sqlite3.connect(uri, uri=True)
            try:
                ok = db.execute("PRAGMA quick_check").fetchone()[0]
                tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master")}
                version = None
                if "meta" in tables:
                    row = db.execute(
                        "SELECT value FROM meta WHERE key='schema_version'").fetchone()
                    version = int(row[0]) if row else None
            finally:
                db.close()
        except (sqlite3.Error, ValueError) as exc:
            raise StoreError(msg("store.unreadable", path=str(self.path), error=str(exc))) from exc
        if ok != "ok":
            raise StoreError(msg("store.corrupt", path=str(self.path), error=str(ok)))
        if version is None:
            raise StoreError(msg("store.not_trainfer", path=str(self.path)))
        if version > SCHEMA_VERSION:
            raise StoreError(msg("store.newer", path=str(self.path), version=str(version),
                                 supported=str(SCHEMA_VERSION)))

    def _migrate(self, existed: bool) -> None:
        with self._lock, self._db:
            if not existed:
                self._db.executescript(_SCHEMA_V1)
                self._db.execute("INSERT INTO meta VALUES ('schema_version', '1')")
            version = int(self._db.execute(
                "SELECT value FROM meta WHERE key='schema_version'").fetchone()[0])
            for target in range(version + 1, SCHEMA_VERSION + 1):
                for statement in filter(str.strip, _MIGRATIONS[target].split(";")):
                    self._db.execute(statement)
                self._db.execute(
                    "UPDATE meta SET value=? WHERE key='schema_version'", (str(target),))

    def _mark_interrupted(self) -> list[int]:
        """Runs left ``running`` by a writer that is gone become ``interrupted``."""
        now = time.time()
        gone = []
        with self._lock:
            rows = self._db.execute(
                "SELECT id, writer_pid, updated_unix_s FROM runs WHERE status='running'"
            ).fetchall()
            for r in rows:
                alive = _pid_alive(r["writer_pid"]) and r["writer_pid"] != os.getpid()
                if not alive or now - r["updated_unix_s"] > STALE_S:
                    gone.append(r["id"])
            with self._db:
                self._db.executemany(
                    "UPDATE runs SET status='interrupted' WHERE id=?", [(i,) for i in gone])
        return gone

    def close(self) -> None:
        """Close the connection."""
        with self._lock:
            self._db.close()

    # ---- writing -------------------------------------------------------------------

    def create_run(self, config: dict[str, Any], t0_s: float, *, source: str = "",
                   run_uuid: str | None = None, started_unix_s: float | None = None,
                   status: str = "running") -> int:
        """Insert a run row; returns its id."""
        now = time.time()
        with self._lock, self._db:
            cur = self._db.execute(
                "INSERT INTO runs (uuid, model, mode, device, config_json, status, "
                "started_unix_s, updated_unix_s, t0_s, writer_pid, source) "
                "VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                (run_uuid or uuid_mod.uuid4().hex, config["model"], config["mode"],
                 config["device"], plain_json(config), status,
                 started_unix_s if started_unix_s is not None else now, now, t0_s,
                 os.getpid(), source),
            )
            return int(cur.lastrowid or 0)

    def append_events(self, run_id: int, first_seq: int,
                      events: Iterable[tuple[float, str, str]]) -> None:
        """Append ``(t_s, kind, json)`` rows from ``first_seq`` on, and beat the heart."""
        rows = [(run_id, first_seq + i, t, k, j) for i, (t, k, j) in enumerate(events)]
        with self._lock, self._db:
            self._db.executemany("INSERT INTO events VALUES (?,?,?,?,?)", rows)
            self._db.execute("UPDATE runs SET updated_unix_s=? WHERE id=?",
                             (time.time(), run_id))

    def finish_run(self, run_id: int, status: str, *, summary: dict[str, Any] | None = None,
                   failure: dict[str, Any] | None = None, device: str | None = None,
                   device_name: str | None = None) -> None:
        """Record the end of a run."""
        if status not in STATUSES:
            raise ValueError(f"unknown status {status!r}")
        with self._lock, self._db:
            self._db.execute(
                "UPDATE runs SET status=?, summary_json=?, failure_json=?, updated_unix_s=?, "
                "device=COALESCE(?, device), device_name=COALESCE(?, device_name) WHERE id=?",
                (status, plain_json(summary) if summary is not None else None,
                 plain_json(failure) if failure is not None else None, time.time(),
                 device, device_name, run_id),
            )

    def set_device(self, run_id: int, device: str, device_name: str) -> None:
        """Record the resolved device once the run process knows it."""
        with self._lock, self._db:
            self._db.execute("UPDATE runs SET device=?, device_name=? WHERE id=?",
                             (device, device_name, run_id))

    # ---- editing -------------------------------------------------------------------

    def rename(self, run_id: int, name: str) -> None:
        """Give a run a name (``""`` clears it)."""
        self._edit("UPDATE runs SET name=? WHERE id=?", (name.strip(), run_id), run_id)

    def set_tags(self, run_id: int, tags: Iterable[str]) -> None:
        """Replace a run's tags."""
        clean = sorted({t.strip() for t in tags if t.strip()})
        self.get(run_id)  # raises KeyError when missing
        with self._lock, self._db:
            self._db.execute("DELETE FROM tags WHERE run_id=?", (run_id,))
            self._db.executemany("INSERT INTO tags VALUES (?,?)", [(run_id, t) for t in clean])

    def delete(self, run_id: int) -> None:
        """Hide a run (undo with :meth:`undelete`; :meth:`purge` removes for good)."""
        self._edit("UPDATE runs SET deleted=1 WHERE id=?", (run_id,), run_id)

    def undelete(self, run_id: int) -> None:
        """Bring back a deleted run."""
        self._edit("UPDATE runs SET deleted=0 WHERE id=?", (run_id,), run_id,
                   include_deleted=True)

    def purge(self) -> int:
        """Remove deleted runs and their events for good; returns how many."""
        with self._lock, self._db:
            ids = [r[0] for r in self._db.execute("SELECT id FROM runs WHERE deleted=1")]
            self._remove(ids)
        return len(ids)

    def remove(self, run_id: int) -> None:
        """Remove one run and its events for good (no undo; a missing run is no error)."""
        with self._lock, self._db:
            self._remove([run_id])

    def _remove(self, ids: list[int]) -> None:
        self._db.executemany("DELETE FROM events WHERE run_id=?", [(i,) for i in ids])
        self._db.executemany("DELETE FROM tags WHERE run_id=?", [(i,) for i in ids])
        self._db.executemany("DELETE FROM runs WHERE id=?", [(i,) for i in ids])

    def _edit(self, sql: str, args: tuple[Any, ...], run_id: int,
              include_deleted: bool = False) -> None:
        self.get(run_id, include_deleted=include_deleted)  # KeyError when missing
        with self._lock, self._db:
            self._db.execute(sql, args)

    # ---- reading -------------------------------------------------------------------

    def _record(self, r: sqlite3.Row) -> RunRecord:
        tags = [t[0] for t in self._db.execute(
            "SELECT tag FROM tags WHERE run_id=? ORDER BY tag", (r["id"],))]
        problems: list[str] = []
        summary = _decoded("Summary", r["summary_json"], problems)
        failure = _decoded("Failed", r["failure_json"], problems)
        return RunRecord(
            id=r["id"], uuid=r["uuid"], name=r["name"], model=r["model"], mode=r["mode"],
            device=r["device"], device_name=r["device_name"], status=r["status"],
            started_unix_s=r["started_unix_s"], updated_unix_s=r["updated_unix_s"],
            t0_s=r["t0_s"], config=json.loads(r["config_json"]),
            summary=summary, failure=failure, tags=tags, source=r["source"],
            problem="; ".join(problems),
        )

    def list_runs(self, text: str = "", include_deleted: bool = False) -> list[RunRecord]:
        """Runs, newest first; ``text`` filters on model, mode, device, name, tag, status."""
        with self._lock:
            rows = self._db.execute(
                "SELECT * FROM runs WHERE (?=1 OR deleted=0) ORDER BY started_unix_s DESC, "
                "id DESC", (int(include_deleted),)).fetchall()
            records = [self._record(r) for r in rows]
        needle = text.strip().lower()
        if not needle:
            return records
        return [
            rec for rec in records
            if all(word in " ".join([rec.model, rec.mode, rec.device, rec.device_name,
                                     rec.name, rec.status, *rec.tags]).lower()
                   for word in needle.split())
        ]

    def get(self, run_id: int, include_deleted: bool = False) -> RunRecord:
        """One run.

        Raises:
            KeyError: No such run (or it was deleted).
        """
        with self._lock:
            r = self._db.execute(
                "SELECT * FROM runs WHERE id=? AND (?=1 OR deleted=0)",
                (run_id, int(include_deleted))).fetchone()
            if r is None:
                raise KeyError(run_id)
            return self._record(r)

    def find_uuid(self, run_uuid: str) -> int | None:
        """Row id of the run with ``run_uuid``, or ``None``."""
        with self._lock:
            r = self._db.execute("SELECT id FROM runs WHERE uuid=?", (run_uuid,)).fetchone()
        return int(r[0]) if r else None

    def events(self, run_id: int) -> Iterator[tuple[float, str, dict[str, Any]]]:
        """``(t_s, kind, fields)`` of every stored event of a run, in order."""
        with self._lock:
            rows = self._db.execute(
                "SELECT t_s, kind, json FROM events WHERE run_id=? ORDER BY seq", (run_id,)
            ).fetchall()
        for r in rows:
            yield r["t_s"], r["kind"], json.loads(r["json"])


def _decoded(kind: str, text: str | None, problems: list[str]) -> Any:
    """The stored event of ``kind`` in ``text``, or ``None`` (and why, in ``problems``)."""
    if not text:
        return None
    from engine.session.store.codec import decode, field_problem

    try:
        fields = json.loads(text)
        problem = field_problem(kind, fields) if isinstance(fields, dict) else "not a mapping"
        if not problem:
            return decode(kind, fields)
    except (ValueError, TypeError, KeyError) as exc:
        problem = str(exc)
    problems.append(f"{kind}: {problem}")
    return None


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


FALLBACK_DIR = "recovered"


def open_store(data_dir: str | Path | None = None) -> tuple[Store, Msg | None]:
    """Open the store, or a fresh one beside a store that cannot be used.

    Returns:
        ``(store, warning)``: ``warning`` is ``None``, or a message saying that the usual
        store is damaged, that it was left untouched, and where runs go instead.

    Raises:
        StoreError: Neither the store nor the fallback can be opened.
    """
    base = Path(data_dir) if data_dir is not None else default_data_dir()
    if base.exists() and not base.is_dir():
        raise StoreError(msg("store.folder_is_file", path=str(base)))
    try:
        return Store(base), None
    except StoreError as exc:
        fallback = base / FALLBACK_DIR
        try:
            store = Store(fallback)
        except StoreError as again:
            raise StoreError(msg("store.no_fallback", problem=exc.msg, fallback=str(fallback),
                                 again=again.msg)) from again
        return store, msg("store.using_fallback", problem=exc.msg, fallback=str(fallback))
