"""Stores with real runs for tests, and the raw SQL that damages their rows.

``fill`` writes a run through the :class:`~engine.session.store.recorder.Recorder`, as a
Session does; ``damage`` changes one stored run with ``sqlite3`` behind the store's back,
as a crash, a disk error or another program would; ``DAMAGES`` are the faults a single
row can carry, each with the words that must name it.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from summaries import cpu_summary

from engine.core.config import RunConfig
from engine.core.events import Phase, Sample, Started
from engine.session.store.recorder import Recorder

CFG = RunConfig(model="mlp", mode="train", device="cpu", batch_size=16, steps=3)


def make_summary(t0=1000.0, **kw):
    """A small CPU summary whose measured phase is ``t0 + 0.6 .. t0 + 0.9``."""
    base = dict(batch_size=16, params=10, param_bytes=40, measured_steps=3, measured_s=0.3,
                samples_per_s=160.0, step_ms_median=100.0, step_ms_p95=110.0,
                step_ms_mean=101.0, warmup_step_ms_first=300.0, peak_mem_bytes=1 << 20,
                loss_first=2.3, loss_last=1.9, measure_start_t_s=t0 + 0.6,
                measure_end_t_s=t0 + 0.9, mean_power_w=float("nan"), mean_cpu_util_pct=None,
                telemetry_note="")
    base.update(kw)
    return cpu_summary("train", **base)


def run_events(t0=1000.0, n_samples=10, nan=False, summary=True):
    """The events of one small run: Started, a phase, samples and (maybe) its summary."""
    events = [Started(t0 + 0.5, 123, "cpu", "Test CPU", "2.x", 10, 40, 16, 784, "vectors",
                      None, 0.5),
              Phase(t0 + 0.6, "measure", "3 steps")]
    events += [Sample(t_s=t0 + 0.05 * i, cpu_util_pct=50.0 + i,
                      power_w=float("nan") if nan and i == 3 else None)
               for i in range(n_samples)]
    if summary:
        events.append(make_summary(t0))
    return events


def fill(store, n_samples=10, nan=False, summary=True):
    """A run written through the Recorder, as a Session does; returns its id."""
    t0 = 1000.0
    rec = Recorder(store, CFG, t0)
    for ev in run_events(t0, n_samples, nan, summary):
        rec.add(ev)
    rec.close()
    return rec.run_id


def damage(db: Path, sql: str, *args) -> None:
    """Run ``sql`` on the database file ``db`` with a connection of its own."""
    con = sqlite3.connect(db)
    try:
        assert con.execute(sql, args).rowcount == 1, sql
        con.commit()
    finally:
        con.close()


def edit_json(db: Path, run_id: int, old: str, new: str) -> None:
    """Replace ``old`` by ``new`` in the stored summary text of run ``run_id``."""
    con = sqlite3.connect(db)
    try:
        text = con.execute("SELECT summary_json FROM runs WHERE id=?", (run_id,)).fetchone()[0]
        assert old in text, (old, text[:200])
        con.execute("UPDATE runs SET summary_json=? WHERE id=?",
                    (text.replace(old, new, 1), run_id))
        con.commit()
    finally:
        con.close()


DAMAGES = {
    "start time is text": (
        lambda db, i: damage(db, "UPDATE runs SET started_unix_s='yesterday' WHERE id=?", i),
        "started_unix_s is text, not a number"),
    "summary is not JSON": (
        lambda db, i: damage(db, "UPDATE runs SET summary_json='{\"model\": ' WHERE id=?", i),
        "summary: not valid JSON"),
    "summary field of the wrong type": (
        lambda db, i: edit_json(db, i, '"samples_per_s":160.0', '"samples_per_s":"fast"'),
        "Summary.samples_per_s is str, not a number"),
    "summary number out of range": (
        lambda db, i: edit_json(db, i, '"samples_per_s":160.0', '"samples_per_s":1e400'),
        "Summary.samples_per_s is out of range (inf)"),
    "summary integer too large": (
        lambda db, i: edit_json(db, i, '"params":10,', '"params":' + "9" * 30 + ","),
        "Summary.params is out of range"),
    "start time out of range": (
        lambda db, i: damage(db, "UPDATE runs SET started_unix_s=1e400 WHERE id=?", i),
        "started_unix_s is out of range (inf)"),
    "one event is not JSON": (
        lambda db, i: damage(db, "UPDATE events SET json='{\"t_s\": 10' "
                                 "WHERE run_id=? AND seq=3", i),
        "event 4 (Sample) is not valid JSON"),
}
"""name -> (damage(db path, run id), the words that name what is wrong)."""


def _chattr(flag: str, *paths: Path) -> bool:
    try:
        return subprocess.run(["chattr", flag, *map(str, paths)], capture_output=True,
                              timeout=10).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


@contextlib.contextmanager
def read_only(data: Path) -> Iterator[Path]:
    """The store in ``data`` with its file and folder made unwritable, even for root.

    File modes for a user; for root (whom modes do not stop) the immutable attribute, or
    a skip where ``chattr`` cannot set it.
    """
    db = data / "trainfer.sqlite"
    root = os.geteuid() == 0
    if not root:
        db.chmod(0o444)
        data.chmod(0o555)
    elif not _chattr("+i", db, data):
        pytest.skip("root without chattr +i: no way to make a folder read-only here")
    try:
        yield data
    finally:
        if root:
            _chattr("-i", data, db)
        else:
            data.chmod(0o755)
            db.chmod(0o644)
