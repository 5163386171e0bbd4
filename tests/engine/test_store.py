"""The run store: round trips, crashes of either process, damaged files, migrations,
exports (CSV under a decimal-comma locale, strict JSON) and recordings."""

import csv
import dataclasses
import gzip
import json
import math
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from fake_nvml import FakeNvmlLib
from stores import CFG, fill, make_summary

from engine.core.config import RunConfig
from engine.core.events import Failed, Phase, Sample, Started, Summary
from engine.core.format import text
from engine.session.session import Session
from engine.session.store.codec import decode, encode
from engine.session.store.db import _SCHEMA_V1, SCHEMA_VERSION, Store, StoreError, open_store
from engine.session.store.export import csv_columns, export_json
from engine.session.store.recording import RecordingError, export_recording, import_recording
from engine.session.store.replay import Replay, ReplaySource
from engine.session.telemetry.nvml import Nvml


def test_recorded_run_round_trip(tmp_path):
    store = Store(tmp_path)
    run_id = fill(store)
    rec = store.get(run_id)
    assert rec.status == "completed" and rec.device_name == "Test CPU"
    assert rec.config["model"] == "mlp" and rec.summary.samples_per_s == 160.0
    assert rec.summary.mean_power_w is None  # NaN stored as null
    kinds = [k for _, k, _ in store.events(run_id)]
    assert kinds.count("Sample") == 10 and kinds[-1] == "Summary"
    again = [decode(k, f) for _, k, f in store.events(run_id)]
    assert isinstance(again[0], Started) and again[0].device == "cpu"
    store.rename(run_id, "  baseline ")
    store.set_tags(run_id, ["talk", "cpu", "talk", " "])
    rec = store.get(run_id)
    assert rec.name == "baseline" and rec.tags == ["cpu", "talk"] and rec.title == "baseline"
    assert [r.id for r in store.list_runs("talk baseline")] == [run_id]
    assert store.list_runs("gpt2") == []
    store.delete(run_id)
    assert store.list_runs() == [] and store.get(run_id, include_deleted=True)
    store.undelete(run_id)
    assert [r.id for r in store.list_runs()] == [run_id]
    store.delete(run_id)
    assert store.purge() == 1
    with pytest.raises(KeyError):
        store.get(run_id, include_deleted=True)
    assert list(store.events(run_id)) == []


def test_a_runs_title_says_the_settings_that_tell_it_apart(tmp_path):
    store = Store(tmp_path)
    rec = store.get(fill(store))
    assert rec.title == "mlp · train · cpu · batch 16"  # fp32, eager, unquantized: unsaid
    quick = dataclasses.replace(rec, summary=make_summary(precision="bf16", batch_size=1,
                                                          quantize="int8"))
    assert quick.title == "mlp · train · cpu · bf16 · batch 1 · int8"
    assert dataclasses.replace(rec, name="warm-up demo").title == "warm-up demo"


def test_session_records_a_real_run(tmp_path):
    store = Store(tmp_path)
    s = Session(store=store, nvml=Nvml(FakeNvmlLib(missing_library=True)))
    s.start(CFG)
    events = list(s.iter_events())
    s.close()
    rec = store.get(s.run_id)
    assert rec.status == "completed" and rec.summary.measured_steps == 3
    stored = [k for _, k, _ in store.events(s.run_id)]
    assert stored.count("Sample") == sum(isinstance(e, Sample) for e in events)
    assert "StepStats" in stored and "Phase" in stored and stored[-1] == "Summary"


def test_a_run_refused_for_a_setting_is_not_kept(tmp_path):
    store = Store(tmp_path)
    s = Session(store=store, nvml=Nvml(FakeNvmlLib(missing_library=True)))
    s.start(RunConfig(model="mlp", mode="infer", device="cpu", steps=1,
                      load_weights=str(tmp_path / "missing.pt")))
    failed = list(s.iter_events())[-1]
    s.close()
    assert isinstance(failed, Failed) and failed.kind == "config"
    assert store.list_runs(include_deleted=True) == []  # nothing measured: not kept


def test_killed_run_process_leaves_an_interrupted_run(tmp_path):
    store = Store(tmp_path)
    s = Session(store=store, nvml=Nvml(FakeNvmlLib(missing_library=True)))
    s.start(RunConfig(model="mlp", mode="infer", device="cpu", batch_size=16, seconds=120))
    pid = None
    for ev in s.iter_events():
        if isinstance(ev, Started):
            pid = ev.pid
        if isinstance(ev, Phase) and ev.name == "measure":
            time.sleep(1.5)
            os.kill(pid, signal.SIGKILL)
    s.close()
    rec = store.get(s.run_id)
    assert rec.status == "interrupted" and rec.failure.kind == "crash"
    kinds = [k for _, k, _ in store.events(s.run_id)]
    assert kinds.count("StepStats") >= 3 and kinds.count("Sample") >= 20


APP = textwrap.dedent("""
    import sys, time
    from engine.core.config import RunConfig
    from engine.core.events import Phase
    from engine.session.session import Session
    from engine.session.store.db import Store
    if __name__ == "__main__":
        store = Store(sys.argv[1])
        s = Session(store=store)
        s.start(RunConfig(model="mlp", mode="infer", device="cpu", batch_size=16, seconds=120))
        for ev in s.iter_events():
            if isinstance(ev, Phase) and ev.name == "measure":
                print("measuring", s.run_id, flush=True)
""")


def test_killed_app_process_leaves_an_interrupted_run_with_data_to_the_last_second(tmp_path):
    script = tmp_path / "app.py"
    script.write_text(APP)
    data = tmp_path / "data"
    p = subprocess.Popen([sys.executable, str(script), str(data)], stdout=subprocess.PIPE,
                         text=True, start_new_session=True)
    try:
        line = p.stdout.readline()
        assert line.startswith("measuring"), line
        run_id = int(line.split()[1])
        time.sleep(3.0)
        killed_at = time.monotonic()
        os.killpg(p.pid, signal.SIGKILL)  # the app and its run process, no goodbye
        p.wait(10)
    finally:
        if p.poll() is None:
            os.killpg(p.pid, signal.SIGKILL)
    store = Store(data)
    assert run_id in store.interrupted_on_open
    rec = store.get(run_id)
    assert rec.status == "interrupted" and rec.summary is None
    times = [t for t, k, _ in store.events(run_id) if k == "Sample"]
    assert killed_at - times[-1] < 1.5  # a flush at least every second (plus a tick)
    assert len(times) > 40


def test_damaged_stores_are_reported_and_left_untouched(tmp_path):
    good = tmp_path / "good"
    store = Store(good)
    fill(store)
    store.close()
    db = good / "trainfer.sqlite"
    cases = {}
    garbage = tmp_path / "garbage"
    garbage.mkdir()
    (garbage / "trainfer.sqlite").write_bytes(b"this is not sqlite" * 100)
    cases["garbage"] = garbage
    truncated = tmp_path / "truncated"
    truncated.mkdir()
    data = db.read_bytes()
    (truncated / "trainfer.sqlite").write_bytes(data[: len(data) // 2])
    cases["truncated"] = truncated
    newer = tmp_path / "newer"
    shutil.copytree(good, newer)
    con = sqlite3.connect(newer / "trainfer.sqlite")
    con.execute("UPDATE meta SET value='99' WHERE key='schema_version'")
    con.commit()
    con.close()
    cases["newer"] = newer
    for name, folder in cases.items():
        path = folder / "trainfer.sqlite"
        before = path.read_bytes()
        with pytest.raises(StoreError) as err:
            Store(folder)
        assert str(path) in str(err.value), name
        if name == "newer":
            assert "newer Trainfer" in str(err.value)
        assert path.read_bytes() == before, name  # untouched
        store, warning = open_store(folder)  # the app still starts, elsewhere
        assert warning and "recovered" in text(warning) and store.list_runs() == []
        store.close()


def test_a_data_folder_that_is_a_file_is_named_as_the_problem(tmp_path):
    afile = tmp_path / "afile"
    afile.write_text("x")
    with pytest.raises(StoreError, match="afile is a file, not a folder"):
        open_store(afile)


def test_migration_from_the_first_schema(tmp_path):
    con = sqlite3.connect(tmp_path / "trainfer.sqlite")
    con.executescript(_SCHEMA_V1)
    con.execute("INSERT INTO meta VALUES ('schema_version', '1')")
    con.execute(
        "INSERT INTO runs (uuid, model, mode, device, config_json, status, started_unix_s,"
        " updated_unix_s, t0_s, writer_pid) VALUES ('u1','mlp','train','cpu',?, 'completed',"
        " 1.0, 1.0, 0.0, 1)", (json.dumps(CFG.to_dict()),))
    con.execute("INSERT INTO events VALUES (1, 0, 0.5, 'Phase', ?)",
                (json.dumps({"t_s": 0.5, "name": "measure", "detail": ""}),))
    con.commit()
    con.close()
    store = Store(tmp_path)
    version = store._db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
    assert int(version[0]) == SCHEMA_VERSION
    rec = store.get(1)
    assert rec.uuid == "u1" and rec.name == "" and rec.tags == [] and rec.status == "completed"
    store.set_tags(1, ["old"])
    assert [k for _, k, _ in store.events(1)] == ["Phase"]


def _comma_locale(tmp_path):
    if not shutil.which("localedef") or not Path("/usr/share/i18n/locales/pt_BR").exists():
        pytest.skip("localedef or the pt_BR locale source is missing")
    locpath = tmp_path / "locales"
    locpath.mkdir()
    r = subprocess.run(["localedef", "-i", "pt_BR", "-f", "UTF-8",
                        str(locpath / "pt_BR.UTF-8")], capture_output=True)
    if not (locpath / "pt_BR.UTF-8").exists():
        pytest.skip(f"could not build the pt_BR locale: {r.stderr[-200:]!r}")
    return {**os.environ, "LOCPATH": str(locpath), "LC_ALL": "pt_BR.UTF-8"}


def test_csv_under_a_decimal_comma_locale_reads_back(tmp_path):
    store = Store(tmp_path / "data")
    run_id = fill(store, nan=True)
    store.close()
    out = tmp_path / "run.csv"
    code = (
        "import locale, sys\n"
        "locale.setlocale(locale.LC_ALL, '')\n"
        "assert locale.localeconv()['decimal_point'] == ',', locale.localeconv()\n"
        "from engine.session.store.db import Store\n"
        "from engine.session.store.export import export_csv\n"
        f"export_csv(Store(sys.argv[1]), {run_id}, sys.argv[2])\n"
    )
    p = subprocess.run([sys.executable, "-c", code, str(tmp_path / "data"), str(out)],
                       env=_comma_locale(tmp_path), capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    with open(out, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == csv_columns()
    samples = [r for r in rows if r["event"] == "Sample"]
    assert [float(r["cpu_util_pct"]) for r in samples] == [50.0 + i for i in range(10)]
    assert all(r["power_w"] == "" for r in samples)  # missing and NaN: empty cells
    assert samples[0]["time_utc"].endswith("+00:00") and "T" in samples[0]["time_utc"]
    assert float(samples[1]["t_s"]) == pytest.approx(0.05)


def test_json_export_is_strict_with_nan_present(tmp_path):
    store = Store(tmp_path)
    run_id = fill(store, nan=True)
    path = export_json(store, run_id, tmp_path / "run.json")

    def refuse(name):
        raise ValueError(f"non-standard JSON constant {name}")

    doc = json.loads(path.read_text(), parse_constant=refuse)
    assert doc["run"]["summary"]["mean_power_w"] is None
    powers = [e["power_w"] for e in doc["events"] if e["event"] == "Sample"]
    assert powers[3] is None and all(p is None or math.isfinite(p) for p in powers)


def test_recording_round_trip_and_replay(tmp_path):
    a = Store(tmp_path / "a")
    ids = [fill(a), fill(a)]
    a.rename(ids[0], "first")
    path = export_recording(a, ids, tmp_path / "two.trainfer")
    b = Store(tmp_path / "b")
    added, skipped = import_recording(b, path)
    assert len(added) == 2 and skipped == []
    assert import_recording(b, path) == ([], [a.get(i).uuid for i in ids])  # no duplicates
    rec = b.get(added[0])
    assert rec.name == "first" and rec.source == "two.trainfer" and rec.status == "completed"
    assert [k for _, k, _ in b.events(added[0])] == [k for _, k, _ in a.events(ids[0])]
    # replay: original spacing, shifted onto this clock, ends with the Summary
    src = ReplaySource.from_store(b, added[0])
    replay = Replay(src, speed=100.0)
    t0 = 5000.0
    decoded = list(replay.decoded(t0))
    assert isinstance(decoded[-1][1], Summary)
    assert decoded[0][1].t_s == pytest.approx(t0 + 0.5)  # Started, 0.5 s after the start
    assert decoded[-1][1].measure_end_t_s == pytest.approx(t0 + 0.9)

    import asyncio

    async def play():
        return [e async for e in replay.events()]

    t = time.monotonic()
    played = asyncio.run(play())
    assert len(played) == len(decoded) and time.monotonic() - t < 0.5


def test_bad_recordings_say_why(tmp_path):
    store = Store(tmp_path)
    not_gzip = tmp_path / "a.trainfer"
    not_gzip.write_text("hello")
    with pytest.raises(RecordingError, match="not a Trainfer recording"):
        import_recording(store, not_gzip)
    good = export_recording(store, [fill(store)], tmp_path / "good.trainfer")
    truncated = tmp_path / "t.trainfer"
    truncated.write_bytes(good.read_bytes()[:200])
    with pytest.raises(RecordingError):
        import_recording(store, truncated)
    newer = tmp_path / "n.trainfer"
    with gzip.open(newer, "wt") as f:
        json.dump({"format": "trainfer-recording", "version": 99, "runs": []}, f)
    with pytest.raises(RecordingError, match="newer Trainfer"):
        import_recording(store, newer)
    with gzip.open(good, "rt") as f:
        doc = json.load(f)
    before = len(store.list_runs(include_deleted=True))
    for damage, words in ((lambda r: r.update(events=None), "has no event list"),
                          (lambda r: r["events"].append(["x", None, None]),
                           "unreadable event"),
                          (lambda r: r["events"].append([1.0, "Bogus", {}]),
                           "unknown kind 'Bogus'"),
                          # a text where a number belongs made History and the app crash
                          (lambda r: r["summary"].update(samples_per_s="fast"),
                           "Summary.samples_per_s is str, not a number"),
                          (lambda r: r["summary"].update(peak_mem_bytes=-5), "negative"),
                          (lambda r: r["events"].append([1.0, "Phase", {"t_s": 1.0}]),
                           "Phase has no name"),
                          (lambda r: r.update(status="exploded"), "unknown status"),
                          (lambda r: r.update(started_unix_s="yesterday"), "not a number")):
        bad = json.loads(json.dumps(doc))
        bad["runs"].insert(0, json.loads(json.dumps(doc["runs"][0])))
        bad["runs"][0]["uuid"] = "another"
        damage(bad["runs"][1])  # the first run is fine: it must not be imported alone
        path = tmp_path / "bad.trainfer"
        with gzip.open(path, "wt") as f:
            json.dump(bad, f)
        with pytest.raises(RecordingError, match=words):
            import_recording(store, path)
        assert len(store.list_runs(include_deleted=True)) == before


def test_codec_ignores_unknown_fields():
    t, kind, text = encode(Phase(1.0, "measure", "x"))
    fields = {**json.loads(text), "from_the_future": 1}
    assert decode(kind, fields) == Phase(1.0, "measure", "x")
    failed = Failed(2.0, "oom", "out of memory", "lower the batch size", "batch_size")
    assert decode(*encode(failed)[1:2], json.loads(encode(failed)[2])) == failed


def cli(*args, data):
    return subprocess.run([sys.executable, "-m", "engine", "--data-dir", str(data), *args],
                          capture_output=True, text=True, timeout=180)


def test_cli_runs_export_import(tmp_path):
    data = tmp_path / "data"
    assert cli("run", "--model", "mlp", "--mode", "infer", "--device", "cpu", "--steps", "2",
               "--batch-size", "8", data=data).returncode == 0
    listed = json.loads(cli("runs", "list", "--json", data=data).stdout)
    assert len(listed) == 1 and listed[0]["status"] == "completed"
    run_id = listed[0]["id"]
    shown = json.loads(cli("runs", "show", str(run_id), "--json", data=data).stdout)
    assert shown["summary"]["measured_steps"] == 2
    for fmt in ("csv", "json", "trainfer"):
        out = tmp_path / f"r.{fmt}"
        p = cli("export", str(run_id), "--format", fmt, "--out", str(out), data=data)
        assert p.returncode == 0 and out.stat().st_size > 100, p.stderr
    other = tmp_path / "other"
    p = cli("import", str(tmp_path / "r.trainfer"), data=other)
    assert p.returncode == 0 and "imported 1 run" in p.stdout
    assert cli("runs", "show", "99", data=data).returncode == 2
    assert cli("export", "99", "--format", "csv", "--out", str(tmp_path / "x"),
               data=data).returncode == 2
    bad = cli("import", str(tmp_path / "r.csv"), data=data)
    assert bad.returncode == 2 and "not a Trainfer recording" in bad.stderr
    assert "Traceback" not in bad.stderr
    assert cli("runs", "delete", str(run_id), data=data).returncode == 0
    assert json.loads(cli("runs", "list", "--json", data=data).stdout) == []
