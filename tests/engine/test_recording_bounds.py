"""A recording is bounded (issue #14): nothing in one can make the app or `replay` hang or
grow without bound. Each case is refused with a message that names what is wrong, and
nothing is imported."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from stores import fill

from engine.session.store import recording
from engine.session.store.db import Store
from engine.session.store.recording import (
    RecordingError,
    export_recording,
    import_recording,
    read_recording,
)


@pytest.fixture
def doc(tmp_path) -> dict:
    """A real recording of one small CPU run, as a dict."""
    store = Store(tmp_path / "source")
    try:
        run_id = fill(store)
        path = export_recording(store, [run_id], tmp_path / "good.trainfer")
    finally:
        store.close()
    with gzip.open(path, "rt", encoding="utf-8") as f:
        return json.load(f)


def write(doc: dict, path: Path) -> Path:
    with gzip.open(path, "wt", encoding="utf-8") as f:
        json.dump(doc, f)
    return path


def refused(doc: dict, tmp_path: Path, *words: str) -> None:
    path = write(doc, tmp_path / "bad.trainfer")
    with pytest.raises(RecordingError) as err:
        read_recording(path)
    for word in words:
        assert word in str(err.value), (word, str(err.value))
    store = Store(tmp_path / "target")
    try:
        with pytest.raises(RecordingError):
            import_recording(store, path)
        assert store.list_runs() == []  # nothing imported
    finally:
        store.close()


def test_the_good_recording_reads(doc, tmp_path):
    assert len(read_recording(write(doc, tmp_path / "ok.trainfer"))) == 1


def test_a_huge_run_name_is_refused(doc, tmp_path):
    doc["runs"][0]["name"] = "x" * 1_000_000  # the 200 MB name once imported with exit 0
    refused(doc, tmp_path, "name", "1000000 characters", "300")


def test_a_huge_text_inside_an_event_is_refused(doc, tmp_path):
    event = next(e for e in doc["runs"][0]["events"] if e[1] == "Phase")
    event[2]["detail"] = "y" * 20_000
    refused(doc, tmp_path, "detail", "10000")


def test_times_outside_the_run_or_the_era_are_refused(doc, tmp_path):
    first = json.loads(json.dumps(doc))
    first["runs"][0]["events"][0][0] = 1e12
    refused(first, tmp_path, "event 1", "beyond")
    start = json.loads(json.dumps(doc))
    start["runs"][0]["started_unix_s"] = 1e15
    refused(start, tmp_path, "start time", "2000 to 2100")


def test_too_many_runs_or_tags_are_refused(doc, tmp_path, monkeypatch):
    monkeypatch.setattr(recording, "MAX_RUNS", 2)
    many = json.loads(json.dumps(doc))
    many["runs"] = many["runs"] * 3
    refused(many, tmp_path, "3 runs", "at most 2")
    tags = json.loads(json.dumps(doc))
    tags["runs"][0]["tags"] = [f"t{i}" for i in range(500)]
    refused(tags, tmp_path, "tags")


def test_too_many_events_are_refused(doc, tmp_path, monkeypatch):
    monkeypatch.setattr(recording, "MAX_EVENTS", 5)
    refused(doc, tmp_path, "events", "at most 5")


def test_a_file_that_decompresses_past_the_limit_is_not_read_in_full(tmp_path, monkeypatch):
    monkeypatch.setattr(recording, "MAX_JSON_BYTES", 4 << 20)
    monkeypatch.setattr(recording, "_CHUNK", 1 << 20)
    path = tmp_path / "bomb.trainfer"
    with gzip.open(path, "wb") as f:  # 64 MiB of zeros compress to about 64 KiB
        for _ in range(64):
            f.write(b"0" * (1 << 20))
    read = []
    real = gzip.GzipFile.read

    def counted(self, size=-1):
        chunk = real(self, size)
        read.append(len(chunk))
        return chunk

    monkeypatch.setattr(gzip.GzipFile, "read", counted)
    with pytest.raises(RecordingError) as err:
        read_recording(path)
    assert "larger than a recording can be" in str(err.value) and "4 MiB" in str(err.value)
    assert sum(read) <= (4 << 20) + (1 << 20)  # stopped at the limit, not at 64 MiB


def test_json_nested_too_deep_is_damaged_not_a_crash(tmp_path):
    path = tmp_path / "deep.trainfer"
    with gzip.open(path, "wt", encoding="utf-8") as f:
        f.write("[" * 200_000 + "]" * 200_000)
    with pytest.raises(RecordingError) as err:
        read_recording(path)
    assert "damaged" in str(err.value)
