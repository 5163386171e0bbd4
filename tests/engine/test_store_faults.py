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
import subprocess
from pathlib import Path

import pytest
from stores import CFG, DAMAGES, fill

from engine.cli import main
from engine.core.format import text
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


def _chattr(flag: str, *paths: Path) -> bool:
    try:
        return subprocess.run(["chattr", flag, *map(str, paths)], capture_output=True,
                              timeout=10).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


@pytest.fixture
def read_only(healthy, tmp_path):
    """A healthy store whose file and folder cannot be written, even by root."""
    data = copy_of(healthy, tmp_path)
    db = data / "trainfer.sqlite"
    import os

    if os.geteuid() != 0:
        db.chmod(0o444)
        data.chmod(0o555)
    elif not _chattr("+i", db, data):
        pytest.skip("root without chattr +i: no way to make a folder read-only here")
    yield data
    if os.geteuid() == 0:
        _chattr("-i", data, db)
    else:
        data.chmod(0o755)
        db.chmod(0o644)


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
