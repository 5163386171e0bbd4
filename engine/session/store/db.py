"""The run store: one SQLite database (standard library ``sqlite3``, WAL mode).

Every event of a run (its configuration, telemetry samples, step statistics, phases and
summary) is one row of ``events``, written as it arrives by :class:`engine.session.store.recorder.
Recorder` and committed at least once a second, so a crash of either process loses at
most the last second. A run whose writer died (``kill -9`` of the app) is found on the
next open and marked *interrupted*; everything up to the last commit is there.

The schema has a version (``meta.schema_version``) and migrations from every earlier
version. A database that is corrupt, truncated or from a newer Trainfer raises
:class:`StoreError` and is never modified.

One bad record never costs the others: a row whose columns, summary or events cannot be
read is listed with :attr:`RunRecord.problem` (which field, and why) and whatever of it
can still be read; unreadable events are skipped and counted. A database that is healthy
but cannot be written (a read-only file or folder, a full disk, another program holding
the write lock) is opened for reading and says why it cannot be written
(:class:`StoreError` with a ``fault``), never that it is damaged.
"""

from __future__ import annotations

import errno
import json
import math
import os
import sqlite3
import tempfile
import threading
import time
import uuid as uuid_mod
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine.core.errors import ExplainedError
from engine.core.events import Failed, Summary
from engine.core.values import Msg, msg, plain_json
from engine.session.store.codec import shift_times

SCHEMA_VERSION = 2
DB_NAME = "trainfer.sqlite"
HEARTBEAT_S = 1.0
STALE_S = 10.0  # a "running" run whose writer has been silent this long was interrupted
BUSY_S = 0.2
"""How long one statement waits for another program's write lock before it gives up (s).

Short on purpose: the store's one connection is shared by threads, and the recorder
retries with back-off outside it (:mod:`engine.session.store.recorder`)."""
UNIX_S_MAX = 253_402_300_799.0  # 9999-12-31, the last second Python's dates can say
MONO_S_MAX = 1e12  # a monotonic clock reading (s) beyond this is no clock's

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


FAULTS = ("damaged", "locked", "full", "read_only", "gone", "io")


class StoreError(ExplainedError, RuntimeError):
    """The database cannot be used (or not written); ``str(exc)`` says why and what to do.

    The file is left untouched. ``fault`` says which kind of problem: ``"damaged"`` (the
    file itself), or one that leaves a healthy database as it is: ``"locked"`` (another
    program holds its write lock), ``"full"`` (the disk is full), ``"read_only"`` (the file
    or its folder cannot be written), ``"gone"`` (deleted or replaced while open),
    ``"io"`` (another operating-system error).
    """

    def __init__(self, what: Msg, fault: str = "damaged") -> None:
        super().__init__(what)
        self.fault = fault


def fault_of(exc: BaseException) -> str:
    """Which of :data:`FAULTS` an ``sqlite3`` or ``OSError`` exception stands for."""
    if isinstance(exc, StoreError):
        return exc.fault
    if isinstance(exc, OSError):
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            return "full"
        if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
            return "read_only"
        return "io"
    code = getattr(exc, "sqlite_errorcode", None)
    primary = code & 0xFF if isinstance(code, int) else None
    faults = {5: "locked", 6: "locked", 13: "full", 8: "read_only", 23: "read_only",
              11: "damaged", 26: "damaged", 10: "io", 14: "io"}
    if primary in faults:
        return faults[primary]
    words = str(exc).lower()
    if "locked" in words or "busy" in words:
        return "locked"
    if "disk is full" in words or "disk or database is full" in words:
        return "full"
    if "readonly" in words or "read-only" in words:
        return "read_only"
    if isinstance(exc, sqlite3.ProgrammingError):  # a closed connection: the app is ending
        return "io"
    return "damaged" if isinstance(exc, sqlite3.DatabaseError) else "io"


def fault_msg(fault: str, path: Path | str, error: str) -> Msg:
    """The words for ``fault`` at ``path``; only ``"damaged"`` calls the file damaged."""
    ids = {"locked": "store.locked", "full": "store.full", "read_only": "store.read_only",
           "gone": "store.gone", "io": "store.cannot_write", "damaged": "store.damaged"}
    return msg(ids.get(fault, "store.cannot_write"), path=str(path), error=error)


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
        problem: What of the stored row cannot be read, field by field (``""``: all of
            it can): a column of the wrong type or out of range (read as a neutral value),
            a summary or failure that is not valid (listed without it), events that
            cannot be decoded (skipped). The run is listed, shown and exported with the
            rest; :attr:`damage` says so.
        n_events: Events stored for the run.
        bad_events: Of those, how many cannot be read (:meth:`Store.events` skips them).
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
    n_events: int = 0
    bad_events: int = 0

    def relative(self, fields: dict[str, Any]) -> dict[str, Any]:
        """An event's stored ``fields`` with its times as seconds since this run started."""
        return shift_times(fields, -self.t0_s)

    @property
    def damage(self) -> Msg | None:
        """``None``, or what is wrong with this run and what of it can still be exported."""
        if not self.problem:
            return None
        kept = msg("store.kept", n=self.n_events - self.bad_events, total=self.n_events,
                   summary=msg("store.kept.summary") if self.summary is not None else "")
        return msg("store.damage", problem=self.problem, kept=kept)

    @property
    def distinguishing(self) -> dict[str, Any]:
        """The settings that tell this run from others of its model and mode.

        ``{"precision": "bf16", "batch_size": 1, "quantize": "int8"}``: the precision unless
        fp32, the batch size, the quantization unless none, the kernels unless eager and
        the ranks unless one; read from the summary, else from the run's config. Values,
        not words: each edge says them.
        """
        s, c = self.summary, self.config
        values = {
            "precision": s.precision if s is not None else c.get("precision", "fp32"),
            "batch_size": s.batch_size if s is not None else c.get("batch_size"),
            "quantize": s.quantize if s is not None else c.get("quantize", "none"),
            "kernels": s.kernels if s is not None else c.get("kernels", "eager"),
            "ranks": s.world_size if s is not None else c.get("nproc_per_node", 1),
        }
        unsaid = {"precision": "fp32", "batch_size": 0, "quantize": "none", "kernels": "eager",
                  "ranks": 1}
        return {k: v for k, v in values.items() if v not in (None, unsaid[k])}

    @property
    def host(self) -> str:
        """The host a remote run ran on (``USER@HOST`` as given to ssh); ``""``: this machine.

        Kept in the stored configuration (``config["host"]``), so a store of any schema
        version holds it and older runs read ``""``.
        """
        host = self.config.get("host", "")
        return host if isinstance(host, str) else ""

    @property
    def settings(self) -> list[str]:
        """:attr:`distinguishing` as short English words: ``["bf16", "batch 1", "int8"]``."""
        words = {"batch_size": "batch {}", "ranks": "{} ranks"}
        return [words.get(k, "{}").format(v) for k, v in self.distinguishing.items()]

    @property
    def search_text(self) -> str:
        """The words a filter looks in, lower case.

        Model, mode, device and its name, host, name, status, tags, the precision, the
        distinguishing settings (:attr:`settings`) and ``input N``.
        """
        s, c = self.summary, self.config
        precision = s.precision if s is not None else c.get("precision", "fp32")
        size = s.input_size if s is not None else c.get("input_size")
        return " ".join([self.model, self.mode, self.device, self.device_name, self.host,
                         self.name, self.status, *self.tags, str(precision), *self.settings,
                         f"input {size}" if size else ""]).lower()

    @property
    def title(self) -> str:
        """The name, or ``model · mode · device · its settings`` (:attr:`settings`).

        A remote run's host follows its device (``mlp · train · cuda · me@gpu-server``).
        """
        where = [self.device, self.host] if self.host else [self.device]
        return self.name or " · ".join([self.model, self.mode, *where, *self.settings])

    def to_dict(self) -> dict[str, Any]:
        """Plain dict (``trainfer runs show --json``, the head of every export).

        ``started_unix_s`` is the run's start on the wall clock; the time fields of its
        summary and failure (``measure_start_t_s``, ``t_s``) are seconds since that start,
        as every exported time is (the monotonic ``t0_s`` stays in this process).
        """
        return {
            "id": self.id, "uuid": self.uuid, "name": self.name, "model": self.model,
            "mode": self.mode, "device": self.device, "device_name": self.device_name,
            "host": self.host, "status": self.status, "started_unix_s": self.started_unix_s,
            "updated_unix_s": self.updated_unix_s, "config": self.config,
            "summary": self.relative(self.summary.to_dict()) if self.summary else None,
            "failure": self.relative(self.failure.to_dict()) if self.failure else None,
            "tags": self.tags, "source": self.source,
            **({"problem": self.problem} if self.problem else {}),
        }


class Store:
    """The run database in ``data_dir``.

    Args:
        data_dir: Folder of ``trainfer.sqlite``; created if missing. ``None`` uses
            :func:`default_data_dir`.

    Attributes:
        read_only: ``None``, or why this store can be read but not written (a read-only
            file or folder): every write raises :class:`StoreError` with that message.

    Raises:
        StoreError: The file is not a Trainfer database, is corrupt or truncated, or was
            written by a newer Trainfer (``fault`` ``"damaged"``); the folder cannot be
            written and holds no store yet (``"read_only"``); another program holds the
            lock while the schema needs upgrading (``"locked"``). It is not modified.
    """

    def __init__(self, data_dir: str | Path | None = None) -> None:
        self.data_dir = Path(data_dir) if data_dir is not None else default_data_dir()
        self.path = self.data_dir / DB_NAME
        self._lock = threading.RLock()
        self._scanned: dict[int, tuple[Any, int, int, str]] = {}
        self.closed = False
        self.read_only: Msg | None = None
        self.interrupted_on_open: list[int] = []
        existed = self.path.exists() and self.path.stat().st_size > 0
        target: str | Path = self.path
        if existed:
            target = self._check_before_open()
            self.read_only = self._write_problem()
        else:
            try:
                self.data_dir.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(msg("store.cannot_open", path=str(self.path),
                                     error=str(exc.strerror or exc)), fault_of(exc)) from exc
            problem = self._write_problem()
            if problem is not None:
                raise StoreError(msg("store.folder_read_only", path=str(self.data_dir),
                                     error=problem.args["error"]), "read_only")
        try:
            if self.read_only is not None:
                self._db = sqlite3.connect(target, uri=True, check_same_thread=False,
                                           timeout=BUSY_S)
            else:
                self._db = sqlite3.connect(self.path, check_same_thread=False, timeout=BUSY_S)
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(msg("store.cannot_open", path=str(self.path), error=str(exc)),
                             fault_of(exc)) from exc
        self._db.row_factory = sqlite3.Row
        try:
            if self.read_only is None:
                self._db.execute("PRAGMA journal_mode=WAL")
                self._db.execute("PRAGMA foreign_keys=ON")
                self._db.execute("PRAGMA synchronous=NORMAL")
                self._migrate(existed)
                self.interrupted_on_open = self._mark_interrupted()
            self._identity = self._file_identity()
        except (sqlite3.Error, OSError) as exc:
            self._db.close()
            fault = fault_of(exc)
            raise StoreError(fault_msg(fault, self.path, str(exc)), fault) from exc

    # ---- opening -------------------------------------------------------------------

    def _write_problem(self) -> Msg | None:
        """``None`` when the folder and the file can be written, else why not.

        Probes with real files (``os.access`` says yes to root on a read-only mount): a
        temporary file in the folder (SQLite writes its journal beside the database) and
        the database opened for writing, unchanged.
        """
        try:
            with tempfile.NamedTemporaryFile(dir=self.data_dir, prefix=".trainfer-probe-"):
                pass
            if self.path.exists():
                os.close(os.open(self.path, os.O_WRONLY))
        except OSError as exc:
            if fault_of(exc) != "read_only":
                return None  # a full disk or another error: the writes say it when they fail
            return msg("store.read_only", path=str(self.path), error=str(exc.strerror or exc))
        return None

    def _file_identity(self) -> tuple[int, int] | None:
        try:
            st = os.stat(self.path)
        except OSError:
            return None
        return st.st_dev, st.st_ino

    def file_problem(self) -> StoreError | None:
        """``None`` while ``trainfer.sqlite`` is the file this store opened, else an error.

        The error (``fault`` ``"gone"``) says the file was deleted or replaced: what this
        store writes then reaches no file anyone will open again.
        """
        now = self._file_identity()
        if now is not None and now == self._identity:
            return None
        what = "store.deleted" if now is None else "store.replaced"
        return StoreError(msg(what, path=str(self.path)), "gone")

    def _check_before_open(self) -> str:
        """Read-only checks, so a bad file is never touched; returns the URI that read it.

        A healthy database in a folder that cannot be written has no shared-memory file
        to read its WAL through; it is then read as immutable (nothing else may write it).
        """
        uri = f"file:{self.path}?mode=ro"
        try:
            try:
                db = sqlite3.connect(uri, uri=True)
                db.execute("SELECT 1 FROM sqlite_master").fetchall()
            except sqlite3.OperationalError as exc:
                if fault_of(exc) != "io":
                    raise
                uri += "&immutable=1"
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
        return uri

    def _migrate(self, existed: bool) -> None:
        with self._lock, self._db:  # migrate
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
            if not gone:
                return gone
            try:
                with self._db:
                    self._db.executemany(
                        "UPDATE runs SET status='interrupted' WHERE id=?", [(i,) for i in gone])
            except sqlite3.OperationalError as exc:
                if fault_of(exc) == "damaged":
                    raise
                return []  # locked or full: they are marked on a later open
        return gone

    def close(self) -> None:
        """Close the connection."""
        with self._lock:
            self.closed = True
            self._db.close()

    @contextmanager
    def _writing(self) -> Iterator[None]:
        """One write transaction; a refused write raises :class:`StoreError` saying why."""
        if self.read_only is not None:
            raise StoreError(self.read_only, "read_only")
        if self.closed:
            raise StoreError(msg("store.cannot_write", path=str(self.path), error="closed"),
                             "io")
        with self._lock:
            try:
                with self._db:
                    yield
            except (sqlite3.Error, OSError) as exc:
                fault = fault_of(exc)
                raise StoreError(fault_msg(fault, self.path, str(exc)), fault) from exc

    # ---- writing -------------------------------------------------------------------

    def create_run(self, config: dict[str, Any], t0_s: float, *, source: str = "",
                   run_uuid: str | None = None, started_unix_s: float | None = None,
                   status: str = "running") -> int:
        """Insert a run row; returns its id."""
        now = time.time()
        with self._writing():
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
        with self._writing():
            self._db.executemany("INSERT INTO events VALUES (?,?,?,?,?)", rows)
            self._db.execute("UPDATE runs SET updated_unix_s=? WHERE id=?",
                             (time.time(), run_id))

    def write_batch(self, run_id: int, first_seq: int, events: list[tuple[float, str, str]],
                    *, device: tuple[str, str] | None = None,
                    finish: tuple[str, dict[str, Any] | None, dict[str, Any] | None] | None = None,
                    ) -> None:
        """Append events, record the device and the end, all or nothing.

        What :class:`~engine.session.store.recorder.Recorder` writes each flush: a write
        refused half-way (a lock, a full disk) leaves nothing behind, so the same batch
        can be written again.

        Args:
            run_id: The run.
            first_seq: The sequence number of the first event.
            events: ``(t_s, kind, json)`` rows, as :meth:`append_events` takes.
            device: ``(device, device_name)`` once the run process has said it.
            finish: ``(status, summary dict, failure dict)`` for the terminal event.

        Raises:
            StoreError: The write was refused; ``fault`` says why.
        """
        rows = [(run_id, first_seq + i, t, k, j) for i, (t, k, j) in enumerate(events)]
        with self._writing():
            self._db.executemany("INSERT INTO events VALUES (?,?,?,?,?)", rows)
            self._db.execute("UPDATE runs SET updated_unix_s=? WHERE id=?",
                             (time.time(), run_id))
            if device is not None:
                self._db.execute("UPDATE runs SET device=?, device_name=? WHERE id=?",
                                 (*device, run_id))
            if finish is not None:
                status, summary, failure = finish
                self._db.execute(
                    "UPDATE runs SET status=?, summary_json=?, failure_json=? WHERE id=?",
                    (status, plain_json(summary) if summary is not None else None,
                     plain_json(failure) if failure is not None else None, run_id))

    def finish_run(self, run_id: int, status: str, *, summary: dict[str, Any] | None = None,
                   failure: dict[str, Any] | None = None, device: str | None = None,
                   device_name: str | None = None) -> None:
        """Record the end of a run."""
        if status not in STATUSES:
            raise ValueError(f"unknown status {status!r}")
        with self._writing():
            self._db.execute(
                "UPDATE runs SET status=?, summary_json=?, failure_json=?, updated_unix_s=?, "
                "device=COALESCE(?, device), device_name=COALESCE(?, device_name) WHERE id=?",
                (status, plain_json(summary) if summary is not None else None,
                 plain_json(failure) if failure is not None else None, time.time(),
                 device, device_name, run_id),
            )

    def set_device(self, run_id: int, device: str, device_name: str) -> None:
        """Record the resolved device once the run process knows it."""
        with self._writing():
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
        with self._writing():
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
        with self._writing():
            ids = [r[0] for r in self._db.execute("SELECT id FROM runs WHERE deleted=1")]
            self._remove(ids)
        return len(ids)

    def remove(self, run_id: int) -> None:
        """Remove one run and its events for good (no undo; a missing run is no error)."""
        with self._writing():
            self._remove([run_id])

    def _remove(self, ids: list[int]) -> None:
        self._db.executemany("DELETE FROM events WHERE run_id=?", [(i,) for i in ids])
        self._db.executemany("DELETE FROM tags WHERE run_id=?", [(i,) for i in ids])
        self._db.executemany("DELETE FROM runs WHERE id=?", [(i,) for i in ids])

    def _edit(self, sql: str, args: tuple[Any, ...], run_id: int,
              include_deleted: bool = False) -> None:
        self.get(run_id, include_deleted=include_deleted)  # KeyError when missing
        with self._writing():
            self._db.execute(sql, args)

    # ---- reading -------------------------------------------------------------------

    def _record(self, r: sqlite3.Row, counts: tuple[int, int, str] = (0, 0, "")) -> RunRecord:
        """The run of row ``r``; a column that cannot be read is named in ``problem``."""
        problems: list[str] = []
        cols = set(r.keys())

        def word(name: str, default: str = "") -> str:
            value = r[name] if name in cols else default
            if isinstance(value, str):
                return value
            problems.append(f"{name} {_sql_kind(value)}, not text")
            return default

        def seconds(name: str, limit: float, low: float) -> float | None:
            value = r[name]
            if isinstance(value, (int, float)) and math.isfinite(value) and (
                    low <= value <= limit):
                return float(value)
            why = (f"{_sql_kind(value)}, not a number" if not isinstance(value, (int, float))
                   else f"is out of range ({value!r})")
            problems.append(f"{name} {why}")
            return None

        model, mode, device = word("model", "?"), word("mode", "?"), word("device", "?")
        status = word("status", "interrupted")
        if status not in STATUSES:
            problems.append(f"status {status!r} is not one Trainfer writes")
            status = "interrupted"
        started = seconds("started_unix_s", UNIX_S_MAX, 0.0)
        updated = seconds("updated_unix_s", UNIX_S_MAX, 0.0)
        t0 = seconds("t0_s", MONO_S_MAX, -MONO_S_MAX)
        if t0 is None:  # times of events are relative to it: take the first event's
            first = self._db.execute(
                "SELECT t_s FROM events WHERE run_id=? AND typeof(t_s) IN ('real','integer') "
                "ORDER BY seq LIMIT 1", (r["id"],)).fetchone()
            t0 = float(first[0]) if first and math.isfinite(first[0]) else 0.0
        config = _mapping("config_json", r["config_json"], problems)
        if config is None:
            config = {"model": model, "mode": mode, "device": device}
        summary = _decoded("Summary", "summary", r["summary_json"], problems)
        failure = _decoded("Failed", "failure", r["failure_json"], problems)
        n_events, bad_events, first_bad = counts
        if bad_events:
            problems.append(first_bad if bad_events == 1 else
                            f"{bad_events} events cannot be read (the first: {first_bad})")
        tags = [t[0] for t in self._db.execute(
            "SELECT tag FROM tags WHERE run_id=? ORDER BY tag", (r["id"],))
            if isinstance(t[0], str)]
        return RunRecord(
            id=r["id"], uuid=word("uuid"), name=word("name"), model=model, mode=mode,
            device=device, device_name=word("device_name"), status=status,
            started_unix_s=started if started is not None else (updated or 0.0),
            updated_unix_s=updated if updated is not None else (started or 0.0),
            t0_s=t0, config=config, summary=summary, failure=failure, tags=tags,
            source=word("source"), problem="; ".join(problems), n_events=n_events,
            bad_events=bad_events,
        )

    def _event_counts(self, rows: list[sqlite3.Row]) -> dict[int, tuple[int, int, str]]:
        """``run id -> (events, events that cannot be read, what is wrong with the first)``.

        One pass of SQLite over the events (invalid JSON, a time that is no number);
        kept until the run's row is written again (``updated_unix_s``), so a History
        refresh does not read them again. The fields of every event are checked when the
        run is read (:meth:`events`).
        """
        wanted = [r["id"] for r in rows
                  if self._scanned.get(r["id"], (None,))[0] != r["updated_unix_s"]]
        updated = {r["id"]: r["updated_unix_s"] for r in rows}
        for i in range(0, len(wanted), 500):
            ids = wanted[i:i + 500]
            marks = ",".join("?" * len(ids))
            found = {run_id: (0, 0, "") for run_id in ids}
            try:
                scan = self._db.execute(
                    f"SELECT run_id, COUNT(*), SUM({_BAD_EVENT}) FROM events "
                    f"WHERE run_id IN ({marks}) GROUP BY run_id", ids).fetchall()
            except sqlite3.OperationalError:  # an SQLite without JSON: count only
                scan = self._db.execute(
                    f"SELECT run_id, COUNT(*), 0 FROM events WHERE run_id IN ({marks}) "
                    "GROUP BY run_id", ids).fetchall()
            for run_id, n, bad in scan:
                first = ""
                if bad:
                    e = self._db.execute(
                        f"SELECT seq, kind, typeof(t_s) IN ('real','integer') AND "
                        f"abs(t_s) <= 1e12 FROM events WHERE run_id=? AND {_BAD_EVENT} "
                        "ORDER BY seq LIMIT 1", (run_id,)).fetchone()
                    first = _event_name(e["seq"], e["kind"]) + (
                        " is not valid JSON" if e[2] else " has no readable time")
                found[run_id] = (int(n), int(bad or 0), first)
            self._scanned.update({i: (updated[i], *c) for i, c in found.items()})
        return {r["id"]: self._scanned[r["id"]][1:] for r in rows}

    def list_runs(self, text: str = "", include_deleted: bool = False) -> list[RunRecord]:
        """Runs, newest first; ``text`` keeps those whose words hold every word of it.

        The words are :attr:`RunRecord.search_text` (model, mode, device, host, name, tags,
        status and the settings: ``bf16``, ``batch 1``, ``2 ranks``).

        A run whose row is damaged is listed with :attr:`RunRecord.problem`; a start time
        that cannot be read sorts it last.
        """
        with self._lock:
            rows = self._db.execute(
                "SELECT * FROM runs WHERE (?=1 OR deleted=0) ORDER BY "
                "CASE WHEN typeof(started_unix_s) IN ('real','integer') THEN 0 ELSE 1 END, "
                "started_unix_s DESC, id DESC", (int(include_deleted),)).fetchall()
            counts = self._event_counts(rows)
            records = [self._record(r, counts[r["id"]]) for r in rows]
        needle = text.strip().lower()
        if not needle:
            return records
        return [rec for rec in records
                if all(word in rec.search_text for word in needle.split())]

    def get(self, run_id: int, include_deleted: bool = False, *,
            check_events: bool = False) -> RunRecord:
        """One run.

        Args:
            run_id: Its row id.
            include_deleted: Find it even when deleted.
            check_events: Decode and check every event too (as :meth:`events` does), so
                ``problem`` names the first bad field of an event, not only bad JSON.

        Raises:
            KeyError: No such run (or it was deleted).
        """
        with self._lock:
            r = self._db.execute(
                "SELECT * FROM runs WHERE id=? AND (?=1 OR deleted=0)",
                (run_id, int(include_deleted))).fetchone()
            if r is None:
                raise KeyError(run_id)
            counts = self._event_counts([r])[run_id]
            if check_events:
                skipped: list[str] = []
                n = sum(1 for _ in self.events(run_id, skipped)) + len(skipped)
                counts = (n, len(skipped), skipped[0] if skipped else "")
            return self._record(r, counts)

    def find_uuid(self, run_uuid: str) -> int | None:
        """Row id of the run with ``run_uuid``, or ``None``."""
        with self._lock:
            r = self._db.execute("SELECT id FROM runs WHERE uuid=?", (run_uuid,)).fetchone()
        return int(r[0]) if r else None

    def events(self, run_id: int, skipped: list[str] | None = None,
               ) -> Iterator[tuple[float, str, dict[str, Any]]]:
        """``(t_s, kind, fields)`` of every readable stored event of a run, in order.

        An event that cannot be read (not JSON, a time that is no number, a field of the
        wrong type or out of range) is left out, and what is wrong with it is appended to
        ``skipped`` (``"event 4 (Sample) is not valid JSON"``). Kinds this version does
        not know pass unchecked.
        """
        from engine.session.store.codec import KINDS, field_problem, number_problem

        with self._lock:
            rows = self._db.execute(
                "SELECT seq, t_s, kind, json FROM events WHERE run_id=? ORDER BY seq",
                (run_id,)).fetchall()
        for r in rows:
            t, kind, problem = r["t_s"], r["kind"], ""
            fields: Any = None
            if not isinstance(kind, str):
                problem = f"has a kind that {_sql_kind(kind)}, not text"
            elif number_problem(t) or abs(t) > MONO_S_MAX:
                problem = f"time {_sql_kind(t)}" if not isinstance(t, (int, float)) else (
                    f"time is out of range ({t!r})")
            else:
                try:
                    fields = json.loads(r["json"])
                except (ValueError, TypeError):
                    problem = "is not valid JSON"
                else:
                    if not isinstance(fields, dict):
                        problem = "is not a mapping"
                    elif kind in KINDS:
                        problem = field_problem(kind, fields)
                        problem = f"field {problem}" if problem else ""
            if problem:
                if skipped is not None:
                    skipped.append(f"{_event_name(r['seq'], kind)} {problem}")
                continue
            yield float(t), kind, fields


_BAD_EVENT = ("(typeof(t_s) NOT IN ('real','integer') OR abs(t_s) > 1e12 "
              "OR NOT json_valid(json))")


def _event_name(seq: Any, kind: Any) -> str:
    """``event 4 (Sample)``: events are numbered from 1, as a user counts them."""
    number = seq + 1 if isinstance(seq, int) else seq
    return f"event {number} ({kind})" if isinstance(kind, str) else f"event {number}"


def _sql_kind(value: Any) -> str:
    """What an SQLite value is, in the words a damaged-row message uses."""
    if value is None:
        return "is missing"
    kinds = {str: "text", bytes: "binary data", int: "a number", float: "a number"}
    return f"is {kinds.get(type(value), type(value).__name__)}"


def _mapping(column: str, text: Any, problems: list[str]) -> dict[str, Any] | None:
    try:
        value = json.loads(text)
    except (ValueError, TypeError):
        problems.append(f"{column} is not valid JSON")
        return None
    if not isinstance(value, dict):
        problems.append(f"{column} is not a mapping")
        return None
    return value


def _decoded(kind: str, part: str, text: Any, problems: list[str]) -> Any:
    """The stored event of ``kind`` in ``text``, or ``None`` (and why, in ``problems``)."""
    if text is None or text == "":
        return None
    from engine.session.store.codec import decode, field_problem

    try:
        fields = json.loads(text)
        problem = field_problem(kind, fields) if isinstance(fields, dict) else "not a mapping"
        if not problem:
            return decode(kind, fields)
    except json.JSONDecodeError:
        problem = "not valid JSON"
    except (ValueError, TypeError, KeyError) as exc:
        problem = str(exc)
    problems.append(f"{part}: {problem}")
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
        StoreError: Neither the store nor the fallback can be opened, or the store is
            healthy but cannot be opened now (``fault`` other than ``"damaged"``: a folder
            that cannot be written and holds no store yet, a lock during an upgrade).
    """
    base = Path(data_dir) if data_dir is not None else default_data_dir()
    if base.exists() and not base.is_dir():
        raise StoreError(msg("store.folder_is_file", path=str(base)))
    try:
        return Store(base), None
    except StoreError as exc:
        if exc.fault != "damaged":
            raise  # a healthy store that cannot be opened now: a fallback would hide it
        fallback = base / FALLBACK_DIR
        try:
            store = Store(fallback)
        except StoreError as again:
            raise StoreError(msg("store.no_fallback", problem=exc.msg, fallback=str(fallback),
                                 again=again.msg)) from again
        return store, msg("store.using_fallback", problem=exc.msg, fallback=str(fallback))
