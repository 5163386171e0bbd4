"""One bad record never costs the others: damaged rows, a store that cannot be written,
another program's write lock, the database deleted while a run writes.

Stores hold real runs written by the Recorder (``tests/stores.py``); rows are damaged with
raw ``sqlite3`` behind the store's back. Commands run in this process (``engine.cli.main``)
so that every case costs milliseconds.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import threading
from pathlib import Path

import pytest
from stores import CFG, DAMAGES, fill, run_events
from stores import read_only as unwritable

from engine.cli import main
from engine.core.format import text
from engine.core.values import msg
from engine.session.store.db import Store, StoreError, open_store
from engine.session.store.recorder import Recorder
from engine.session.store.recording import import_recording, read_recording

DAMAGED = 2  # of the three runs, the middle one


def strict_json(raw: str):
    """``json.loads`` that refuses NaN and Infinity, as any strict parser does."""
    def refuse(name):
        raise ValueError(f"not strict JSON: {name}")

    return json.loads(raw, parse_constant=refuse)


@pytest.fixture(scope="module")
def healthy(tmp_path_factory):
    folder = tmp_path_factory.mktemp("healthy")
    store = Store(folder)
    ids = [fill(store) for _ in range(3)]
    store.close()
    assert ids == [1, 2, 3]
    return folder


def copy_of(healthy: Path, tmp_path: Path) -> Path:
    data = tmp_path / "data"
    shutil.copytree(healthy, data)
    return data


def cli(capsys, data: Path, *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    rc = main(["--data-dir", str(data), *args])
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return rc, out, err


@pytest.mark.parametrize("case", DAMAGES)
def test_one_damaged_row_is_listed_shown_and_exported_beside_the_others(
        case, healthy, tmp_path, capsys):
    data = copy_of(healthy, tmp_path)
    spoil, words = DAMAGES[case]
    spoil(data / "trainfer.sqlite", DAMAGED)

    rc, out, _ = cli(capsys, data, "runs", "list")
    lines = [line for line in out.splitlines() if line.strip()]
    assert rc == 0 and len(lines) == 3
    bad = next(line for line in lines if line.split()[0] == str(DAMAGED))
    assert "damaged: " in bad and words in bad and "can still be exported" in bad
    assert all("damaged" not in line for line in lines if line is not bad)

    rc, out, _ = cli(capsys, data, "runs", "list", "--json")
    listed = {r["id"]: r for r in strict_json(out)}
    assert rc == 0 and set(listed) == {1, 2, 3}
    assert words in listed[DAMAGED]["problem"]
    assert all("problem" not in listed[i] for i in (1, 3))

    rc, out, _ = cli(capsys, data, "runs", "show", str(DAMAGED))
    assert rc == 0 and words in out and f"trainfer export {DAMAGED}" in out
    rc, out, _ = cli(capsys, data, "runs", "show", "1")
    assert rc == 0 and "damaged" not in out and "throughput" in out

    everything = tmp_path / "all.trainfer"
    rc, _, err = cli(capsys, data, "export", "1", "2", "3", "--format", "trainfer",
                     "--out", str(everything))
    assert rc == 0 and f"run {DAMAGED} is damaged" in err and words in err
    runs = read_recording(everything)  # the file passes the importer's own checks
    assert len(runs) == 3 and all(len(r["events"]) >= 12 for r in runs)
    assert runs[0]["summary"]["samples_per_s"] == runs[2]["summary"]["samples_per_s"] == 160.0
    added, _ = import_recording(other := Store(tmp_path / "other"), everything)
    assert len(added) == 3
    other.close()

    for fmt in ("csv", "json"):
        out_file = tmp_path / f"run.{fmt}"
        rc, _, err = cli(capsys, data, "export", str(DAMAGED), "--format", fmt,
                         "--out", str(out_file))
        assert rc == 0 and words in err, err
        assert out_file.stat().st_size > 100
    doc = strict_json((tmp_path / "run.json").read_text())
    assert len(doc["events"]) >= 12 and words in doc["run"]["problem"]
    rc, _, err = cli(capsys, data, "export", "3", "--format", "csv",
                     "--out", str(tmp_path / "ok.csv"))
    assert rc == 0 and err == ""


def test_a_bad_field_inside_an_event_is_named_and_skipped(healthy, tmp_path, capsys):
    data = copy_of(healthy, tmp_path)
    db = data / "trainfer.sqlite"
    con = sqlite3.connect(db)
    raw = con.execute("SELECT json FROM events WHERE run_id=2 AND seq=5").fetchone()[0]
    con.execute("UPDATE events SET json=? WHERE run_id=2 AND seq=5",
                (raw.replace('"cpu_util_pct":53.0', '"cpu_util_pct":1e400'),))
    con.commit()
    con.close()
    store = Store(data)
    skipped: list[str] = []
    kept = list(store.events(DAMAGED, skipped))
    assert skipped == ["event 6 (Sample) field Sample.cpu_util_pct is out of range (inf)"]
    assert len(kept) == 12
    rec = store.get(DAMAGED, check_events=True)
    assert "12 of its 13 events and its summary" in text(rec.damage)
    store.close()
    rc, out, _ = cli(capsys, data, "runs", "show", str(DAMAGED))
    assert rc == 0 and "Sample.cpu_util_pct is out of range" in out


# ---- a store that cannot be written ---------------------------------------------------


@pytest.fixture
def read_only(healthy, tmp_path):
    """A healthy store whose file and folder cannot be written, even by root."""
    with unwritable(copy_of(healthy, tmp_path)) as data:
        yield data


def test_a_read_only_store_lists_shows_and_exports_and_says_why_a_run_is_not_saved(
        read_only, tmp_path, capsys):
    rc, out, err = cli(capsys, read_only, "runs", "list")
    assert rc == 0 and len(out.splitlines()) == 3 and "damaged" not in out + err
    rc, out, err = cli(capsys, read_only, "runs", "show", "2")
    assert rc == 0 and "throughput" in out
    rc, _, err = cli(capsys, read_only, "export", "1", "2", "--format", "trainfer",
                     "--out", str(tmp_path / "two.trainfer"))
    assert rc == 0 and len(read_recording(tmp_path / "two.trainfer")) == 2

    store, warning = open_store(read_only)
    assert warning is None and store.read_only is not None
    said = text(store.read_only)
    assert "read-only" in said and "damaged" not in said and "move" not in said.lower()
    with pytest.raises(StoreError) as refused:
        Recorder(store, CFG, 1000.0)
    assert refused.value.fault == "read_only" and "read-only" in str(refused.value)
    with pytest.raises(StoreError):
        store.rename(1, "x")
    store.close()


def test_a_run_on_a_read_only_store_says_before_it_starts_that_it_will_not_be_saved(
        read_only):
    from fake_nvml import FakeNvmlLib

    from engine.core.config import RunConfig
    from engine.core.events import Notice, Summary
    from engine.session.session import Session
    from engine.session.telemetry.nvml import Nvml

    store, _ = open_store(read_only)
    s = Session(store=store, nvml=Nvml(FakeNvmlLib(missing_library=True)))
    s.start(RunConfig(model="mlp", mode="infer", device="cpu", batch_size=8, steps=1))
    events = list(s.iter_events())
    s.close()
    first = events[0]
    assert isinstance(first, Notice) and first.msg.id == "recorder.not_recorded"
    said = text(first.msg) + " " + text(first.hint_msg)
    assert "will not be saved" in said and "read-only" in said and "damaged" not in said
    assert "--data-dir" in said and "move" not in said.lower()
    assert isinstance(events[-1], Summary) and s.run_id is None  # the run itself went on
    assert len(store.list_runs()) == 3
    store.close()


class Notices:
    """``on_notice`` of a Recorder: the message ids, and an Event per id."""

    def __init__(self):
        self.ids: list[str] = []
        self.words: list[str] = []
        self._events: dict[str, threading.Event] = {}

    def __call__(self, what, hint):
        self.ids.append(what.id)
        self.words.append(f"{text(what)} ({text(hint)})")
        self.event(what.id).set()

    def event(self, msg_id: str) -> threading.Event:
        return self._events.setdefault(msg_id, threading.Event())


def written(store: Store, run_id: int | None) -> int:
    """Events stored for the run so far (0 before its row exists)."""
    return 0 if run_id is None else len(list(store.events(run_id)))


def until_written(store: Store, rec: Recorder, n: int) -> None:
    """Wait (by polling the store, a bounded number of times) for ``n`` stored events."""
    for _ in range(2000):
        if written(store, rec.run_id) >= n:
            return
        threading.Event().wait(0.005)
    raise AssertionError("the recorder never wrote")


@pytest.mark.parametrize("when", ["before the run", "before its summary"])
def test_another_programs_write_lock_delays_the_record_and_loses_nothing(when, tmp_path):
    store = Store(tmp_path)
    other = sqlite3.connect(store.path, isolation_level=None, check_same_thread=False)
    notices = Notices()
    events = run_events()
    if when == "before the run":
        other.execute("BEGIN EXCLUSIVE")
        rec = Recorder(store, CFG, 1000.0, notices)
        assert rec.run_id is None  # its row waits in memory with the events
    else:
        rec = Recorder(store, CFG, 1000.0, notices)
        for ev in events[:5]:
            rec.add(ev)
        until_written(store, rec, 5)
        other.execute("BEGIN EXCLUSIVE")
        events = events[5:]
    listed_meanwhile: list[list] = []

    def release():
        assert notices.event("recorder.waiting").wait(20)
        listed_meanwhile.append(store.list_runs())  # reading goes on during the lock
        other.execute("ROLLBACK")

    releaser = threading.Thread(target=release)
    releaser.start()
    for ev in events:
        rec.add(ev)
    assert rec.close(timeout=30)
    releaser.join()
    other.close()

    run = store.get(rec.run_id, check_events=True)
    assert run.status == "completed" and run.summary is not None and not run.problem
    assert run.summary.samples_per_s == 160.0 and run.n_events == 13
    assert notices.ids == ["recorder.waiting", "recorder.saved"]
    assert "locked by another program" in notices.words[0]
    assert "damaged" not in " ".join(notices.words)
    assert len(listed_meanwhile) == 1
    store.close()


def fill_the_disk(store: Store) -> None:
    """SQLite's own "database or disk is full", for this store's connection only."""
    pages = store._db.execute("PRAGMA page_count").fetchone()[0]
    store._db.execute(f"PRAGMA max_page_count={pages}")


def test_a_full_disk_keeps_the_run_in_memory_and_writes_it_when_space_is_freed(tmp_path):
    store = Store(tmp_path)
    fill(store)
    fill_the_disk(store)
    notices = Notices()
    rec = Recorder(store, CFG, 1000.0, notices)  # its row fits in a page with room
    for ev in run_events():
        rec.add(ev)
    assert notices.event("recorder.waiting").wait(20)
    assert "is full" in notices.words[0] and "free space" in notices.words[0]
    assert "damaged" not in notices.words[0]
    assert store.get(1).summary is not None and len(store.list_runs()) == 2
    store._db.execute("PRAGMA max_page_count=1073741823")  # space is freed
    assert rec.close(timeout=30)
    run = store.get(rec.run_id)
    assert run.status == "completed" and run.summary is not None and run.n_events == 13
    assert notices.ids == ["recorder.waiting", "recorder.saved"]
    store.close()


def test_a_full_disk_is_said_before_a_run_starts_and_the_old_runs_still_export(tmp_path):
    from engine.session.store.recording import export_recording

    store = Store(tmp_path / "data")
    fill(store)
    fill_the_disk(store)
    with pytest.raises(StoreError) as full:
        for _ in range(1000):  # the last free room of its pages
            store.create_run(CFG.to_dict(), 1.0)
    with pytest.raises(StoreError) as refused:
        Recorder(store, CFG, 1000.0)
    for err in (full.value, refused.value):
        assert err.fault == "full" and "is full" in str(err) and "damaged" not in str(err)
    assert text(msg("recorder.not_recorded", problem=refused.value.msg)).startswith(
        "this run will not be saved: the disk holding the run store")
    assert store.get(1).summary is not None and store.list_runs()[-1].id == 1
    (run,) = read_recording(export_recording(store, [1], tmp_path / "one.trainfer"))
    assert run["summary"] is not None
    store.close()


@pytest.mark.parametrize("how", ["deleted", "replaced"])
def test_a_store_deleted_while_a_run_writes_is_noticed_and_the_run_saved_aside(how, tmp_path):
    store = Store(tmp_path)
    notices = Notices()
    rec = Recorder(store, CFG, 1000.0, notices)
    events = run_events()
    for ev in events[:5]:
        rec.add(ev)
    until_written(store, rec, 5)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{store.path}{suffix}").unlink(missing_ok=True)
    if how == "replaced":
        Store(tmp_path).close()  # a new, empty store where the old one was
    for ev in events[5:]:
        rec.add(ev)
    rec.close(timeout=30)
    assert notices.ids == ["recorder.store_gone", "recorder.rescued"]
    assert how in notices.words[0] and "damaged" not in " ".join(notices.words)
    assert rec.saved_to is not None and str(rec.saved_to) in notices.words[1]
    (run,) = read_recording(rec.saved_to)  # everything it held, as a recording
    assert run["status"] == "completed" and run["summary"]["samples_per_s"] == 160.0
    assert len(run["events"]) == 13
    store.close()
    again = Store(tmp_path)
    added, _ = import_recording(again, rec.saved_to)
    assert again.get(added[0]).summary is not None
    again.close()
