"""One clock in every export and recording: seconds since the run started.

A run recorded through the real store (the command line, a Session, the Recorder) is
exported as CSV, JSON and ``.trainfer``: every ``t_s`` and ``*_t_s`` is at or after the
start and within the run's length, events and telemetry samples share that zero, and the
run's absolute start is in its header once. A version 1 recording (times inside fields on
the recording machine's monotonic clock, as ``resources/demo.trainfer`` has them) still
imports and replays with the same times since the start.
"""

from __future__ import annotations

import csv
import gzip
import json
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from stores import CFG, run_events

from engine.core.events import Phase, Sample, Summary
from engine.core.values import plain_json
from engine.session.store.codec import encode, is_time_field
from engine.session.store.db import Store
from engine.session.store.recording import (
    READS,
    VERSION,
    RecordingError,
    import_recording,
    read_recording,
)
from engine.session.store.replay import Replay, ReplaySource

ROOT = Path(__file__).resolve().parents[2]
MARGIN_S = 2.0
"""Slack on the run's length (its last write, a wall-clock reading) for the last event."""


def cli(*args: str, data: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "engine", "--data-dir", str(data), *args],
                          capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> dict[str, Any]:
    """One real CPU training run, exported in every format."""
    tmp = tmp_path_factory.mktemp("clock")
    data = tmp / "data"
    p = cli("run", "--model", "mlp", "--mode", "train", "--device", "cpu", "--steps", "3",
            "--batch-size", "8", data=data)
    assert p.returncode == 0, p.stderr
    (run,) = json.loads(cli("runs", "list", "--json", data=data).stdout)
    out: dict[str, Any] = {"run": run, "data": data}
    for fmt in ("csv", "json", "trainfer"):
        path = tmp / f"run.{fmt}"
        p = cli("export", str(run["id"]), "--format", fmt, "--out", str(path), data=data)
        assert p.returncode == 0, p.stderr
        out[fmt] = path
    return out


def _times(obj: Any) -> list[float]:
    """Every number under a time key (``t_s``, ``*_t_s``) anywhere in ``obj``."""
    if isinstance(obj, dict):
        found = [v for k, v in obj.items() if is_time_field(k) and isinstance(v, (int, float))]
        return found + [t for v in obj.values() for t in _times(v)]
    if isinstance(obj, list):
        return [t for v in obj for t in _times(v)]
    return []


def _keys(obj: Any) -> list[str]:
    if isinstance(obj, dict):
        return [*obj, *(k for v in obj.values() for k in _keys(v))]
    if isinstance(obj, list):
        return [k for v in obj for k in _keys(v)]
    return []


def _length_s(run: dict[str, Any]) -> float:
    return run["updated_unix_s"] - run["started_unix_s"] + MARGIN_S


def _same_zero(events: list[dict[str, Any]], summary: dict[str, Any]) -> None:
    """The measure phase and the summary's measured window lie among the samples."""
    samples = [e["t_s"] for e in events if e["event"] == "Sample"]
    measure = [e["t_s"] for e in events if e["event"] == "Phase" and e["name"] == "measure"]
    assert len(samples) > 2 and len(measure) == 1
    assert samples[0] <= measure[0] <= samples[-1]
    assert samples[0] <= summary["measure_start_t_s"] <= summary["measure_end_t_s"]
    assert summary["measure_end_t_s"] <= samples[-1]
    assert summary["measure_start_t_s"] == pytest.approx(measure[0], abs=1e-9)


def test_json_export_has_one_clock_and_the_start_once(exported):
    doc = json.loads(exported["json"].read_text(encoding="utf-8"))
    times = _times(doc)
    assert times and all(0.0 <= t <= _length_s(doc["run"]) for t in times)
    _same_zero(doc["events"], doc["run"]["summary"])
    (summary,) = [e for e in doc["events"] if e["event"] == "Summary"]
    assert summary["measure_end_t_s"] == doc["run"]["summary"]["measure_end_t_s"]
    assert summary["t_s"] == summary["measure_end_t_s"]  # a Summary's time is its end
    keys = _keys(doc)
    assert doc["run"]["started_unix_s"] == exported["run"]["started_unix_s"]
    # the wall clock is in the head only (and in the summary's own field: the time the
    # run process began, which `run --json` prints too), never in the event times
    for e in doc["events"]:
        wall = [k for k in _keys(e) if k.endswith("unix_s")]
        assert wall == (["started_unix_s"] if e["event"] == "Summary" else []), e["event"]
    assert "t0_s" not in keys  # no machine-local clock leaves the store


def test_csv_export_has_one_clock_and_utc_times_from_the_start(exported):
    with open(exported["csv"], newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    run = exported["run"]
    events = [{**r, "t_s": float(r["t_s"])} for r in rows]
    assert all(0.0 <= e["t_s"] <= _length_s(run) for e in events)
    samples = [e["t_s"] for e in events if e["event"] == "Sample"]
    measure = [e["t_s"] for e in events if e["event"] == "Phase" and e["name"] == "measure"]
    assert samples[0] <= measure[0] <= samples[-1]
    for r in rows:  # time_utc is the start plus t_s: one zero for both columns
        when = datetime.fromisoformat(r["time_utc"])
        assert when.utcoffset().total_seconds() == 0
        assert when.timestamp() == pytest.approx(run["started_unix_s"] + float(r["t_s"]),
                                                 abs=0.002)
    json_doc = json.loads(exported["json"].read_text(encoding="utf-8"))
    json_samples = [e["t_s"] for e in json_doc["events"] if e["event"] == "Sample"]
    assert samples == pytest.approx(json_samples)


def test_recording_has_one_clock_and_the_start_once(exported):
    with gzip.open(exported["trainfer"], "rt", encoding="utf-8") as f:
        doc = json.load(f)
    assert doc["version"] == VERSION == 2
    (run,) = doc["runs"]
    assert "t0_s" not in _keys(doc)
    assert run["started_unix_s"] == exported["run"]["started_unix_s"]
    assert all(0.0 <= t <= _length_s(run) for t in _times(doc))
    for t, kind, fields in run["events"]:
        assert 0.0 <= t <= _length_s(run)
        if "t_s" in fields:
            assert fields["t_s"] == pytest.approx(t, abs=1e-9), kind
    _same_zero([{**f, "t_s": t, "event": k} for t, k, f in run["events"]], run["summary"])
    json_doc = json.loads(exported["json"].read_text(encoding="utf-8"))
    assert run["summary"] == json_doc["run"]["summary"]


def test_recording_imports_and_replays_on_the_same_clock(exported, tmp_path):
    other = Store(tmp_path / "other")
    (run_id,), _ = import_recording(other, exported["trainfer"])
    (original,) = read_recording(exported["trainfer"])
    source = ReplaySource.from_store(other, run_id)
    assert [t for t, _, _ in source.events] == pytest.approx(
        [t for t, _, _ in original["events"]])
    t0 = 7000.0
    for rel, event in Replay(source).decoded(t0):
        if isinstance(event, Summary):
            assert event.measure_start_t_s == pytest.approx(
                t0 + original["summary"]["measure_start_t_s"])
        else:
            assert event.t_s == pytest.approx(t0 + rel)
    again = tmp_path / "again.json"
    from engine.session.store.export import export_json

    export_json(other, run_id, again)
    first = json.loads(exported["json"].read_text(encoding="utf-8"))
    second = json.loads(again.read_text(encoding="utf-8"))
    assert [e["t_s"] for e in second["events"]] == pytest.approx(
        [e["t_s"] for e in first["events"]])
    assert second["run"]["summary"]["measure_start_t_s"] == pytest.approx(
        first["run"]["summary"]["measure_start_t_s"])


# -- version 1 -------------------------------------------------------------------------

T0 = 48.3696
"""The recording machine's monotonic clock at the start, as in the demo."""


def _version_1(path: Path) -> Path:
    """A version 1 recording made by hand in the demo's shape: one small CPU run.

    Events are ``[seconds since the start, kind, fields]`` with the fields' own ``t_s``
    (and the summary's ``*_t_s``) on the monotonic clock whose start is ``t0_s``.
    """
    events = []
    for e in run_events(T0):
        t, kind, fields = encode(e)
        events.append([t - T0, kind, json.loads(fields)])
    summary = json.loads(plain_json(events[-1][2]))
    assert events[-1][1] == "Summary"
    doc = {"format": "trainfer-recording", "version": 1, "created_unix_s": 1.8e9,
           "trainfer_version": "0.1.0",
           "runs": [{"uuid": "0" * 32, "name": "", "model": "mlp", "mode": "train",
                     "device": "cpu", "device_name": "Test CPU", "status": "completed",
                     "started_unix_s": 1.8e9 - 60, "updated_unix_s": 1.8e9 - 50,
                     "failure": None, "tags": [], "source": "", "t0_s": T0,
                     "config": CFG.to_dict(), "summary": summary, "events": events}]}
    with gzip.open(path, "wt", encoding="utf-8") as f:
        json.dump(doc, f)
    return path


def test_version_1_recording_reads_in_times_since_the_start(tmp_path):
    (run,) = read_recording(_version_1(tmp_path / "old.trainfer"))
    assert "t0_s" not in run
    for t, kind, fields in run["events"]:
        if "t_s" in fields:
            assert fields["t_s"] == pytest.approx(t, abs=1e-9), kind
    assert run["summary"]["measure_start_t_s"] == pytest.approx(0.6)
    assert run["summary"]["measure_end_t_s"] == pytest.approx(0.9)
    assert run["started_unix_s"] == 1.8e9 - 60


def test_version_1_recording_imports_exports_and_replays_with_the_same_times(tmp_path):
    old = _version_1(tmp_path / "old.trainfer")
    with gzip.open(old, "rt", encoding="utf-8") as f:
        rel = [t for t, _, _ in json.load(f)["runs"][0]["events"]]
    store = Store(tmp_path / "data")
    (run_id,), _ = import_recording(store, old)
    from engine.session.store.export import export_json

    doc = json.loads(export_json(store, run_id, tmp_path / "r.json").read_text())
    assert [e["t_s"] for e in doc["events"]] == pytest.approx(rel)
    assert doc["run"]["summary"]["measure_start_t_s"] == pytest.approx(0.6)
    # the file itself and the imported run replay alike, at the original seconds
    for source in (ReplaySource.from_recording(read_recording(old)[0]),
                   ReplaySource.from_store(store, run_id)):
        decoded = list(Replay(source).decoded(100.0))
        assert [r for r, _ in decoded] == pytest.approx(rel)
        for r, event in decoded:
            if isinstance(event, (Sample, Phase)):
                assert event.t_s == pytest.approx(100.0 + r)
        summary = decoded[-1][1]
        assert isinstance(summary, Summary)
        assert summary.measure_start_t_s == pytest.approx(100.6)


def test_the_demo_recording_reads_in_times_since_the_start():
    runs = read_recording(ROOT / "resources" / "demo.trainfer")
    assert runs
    for run in runs:
        last = run["events"][-1][0]
        for t, kind, fields in run["events"]:
            if "t_s" in fields:
                assert fields["t_s"] == pytest.approx(t, abs=1e-6), kind
        s = run["summary"]
        assert 0.0 < s["warmup_start_t_s"] < s["measure_start_t_s"] < s["measure_end_t_s"]
        assert s["measure_end_t_s"] <= last + 1e-6


@pytest.mark.parametrize("version, words", [
    (99, "newer Trainfer (recording version 99; this one reads versions 1, 2)"),
    (0, "does not know (0); it reads versions 1, 2"),
    ("two", "does not know (\"two\"); it reads versions 1, 2"),
    (True, "does not know (true); it reads versions 1, 2"),
    (None, "does not know (none); it reads versions 1, 2"),
    ([2], "does not know (list); it reads versions 1, 2"),
    ("x" * 10_000, "does not know (\"xxxxxxxxxx"),
])
def test_a_version_this_trainfer_does_not_read_says_which_it_reads(tmp_path, version, words):
    assert READS == (1, 2)
    path = tmp_path / "v.trainfer"
    with gzip.open(path, "wt", encoding="utf-8") as f:
        json.dump({"format": "trainfer-recording", "version": version, "runs": []}, f)
    with pytest.raises(RecordingError, match=words.replace("(", r"\(").replace(")", r"\)")
                       ) as raised:
        read_recording(path)
    assert len(str(raised.value)) < 200  # a huge value in the file is not repeated whole
