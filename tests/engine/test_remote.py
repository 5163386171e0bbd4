"""Runs on another machine (#16): the JSON-lines stream, the remote session and ``--host``.

The remote session runs the same code path as over SSH with a local transport
(``fake_ssh.py``: ignores the host, runs the command here, relays its pipes as ssh
does); one test goes through a real OpenSSH connection to 127.0.0.1 when ``sshd`` is
installed.
"""

from __future__ import annotations

import contextlib
import dataclasses
import getpass
import json
import os
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
from summaries import summary

from engine import __version__
from engine.cli import main as cli_main
from engine.cli.parser import build_parser, run_config
from engine.core.config import ConfigError, RunConfig
from engine.core.events import (
    Failed,
    GpuSample,
    Notice,
    Phase,
    Sample,
    Started,
    StepStats,
    Summary,
    TelemetryStatus,
)
from engine.core.values import msg, nbytes, to_plain
from engine.session.remote import command
from engine.session.remote.command import remote_command, run_options
from engine.session.remote.session import RemoteSession
from engine.session.remote.stream import (
    FORMAT,
    VERSION,
    StreamDecoder,
    StreamError,
    decode_event,
    event_line,
    header_line,
    parse_header,
)
from engine.session.store.codec import KINDS
from engine.session.store.db import Store

FAKE_SSH = [sys.executable, str(Path(__file__).with_name("fake_ssh.py"))]
TRAINFER_HERE = f"{shlex.quote(sys.executable)} -m engine"
"""The "remote" trainfer: this Python's engine (the same checkout as the tests)."""
SMALL = dict(model="mlp", mode="train", device="cpu", warmup_steps=1, batch_size=32,
             heldout_samples=0)


def every_event():
    """One event of each type the stream carries, with messages, quantities and NaN."""
    return [
        Started(10.0, 123, "cuda:0", "NVIDIA H200", "2.11", 25_557_032, 102_228_128, 256,
                224, "images", None, 1.5),
        Phase(10.5, "warmup"),
        Phase(11.0, "done", "completed"),
        StepStats(11.2, 3, "measure", 54.1, 4735.0, None, 2.25, forward_ms=18.0,
                  backward_ms=33.0, optimizer_ms=3.1),
        Sample(11.3, 0, 99.8, 11 << 30, 141 << 30, 624.0, 1000.5, 60.0, 1980.0,
               power_instant_w=693.0, sm_activity_pct=91.0, tensor_activity_pct=14.0,
               cpu_util_pct=float("nan")),
        GpuSample(11.3, 3, False, gpu_util_pct=35.0, mem_used_bytes=2 << 30, power_w=150.0,
                  energy_j=float("nan")),
        TelemetryStatus.of(True, msg("nvml.gpu_lost", index=0), 0, "NVIDIA H200",
                           {"power": True, "gpm": True}),
        Notice.of(msg("recorder.waiting", problem="locked"), msg("recorder.hint.locked"),
                  t_s=11.4),
        summary("train", loss_curve=((1.0, 2.5), (2.0, 2.25)), started_unix_s=1.7e9,
                measure_start_t_s=10.6, measure_end_t_s=15.6, telemetry_note_msg=msg(
                    "nvml.gpu_lost", index=nbytes(1 << 30)), mean_power_w=float("nan")),
        Failed.of("oom", msg("failed.oom.gpu", error="CUDA out of memory"),
                  msg("failed.oom.hint"), t_s=12.0),
    ]


def test_stream_round_trips_every_event_type():
    events = every_event()
    kinds = {type(e).__name__ for e in events}
    assert kinds == set(KINDS)  # every kind the store knows
    for ev in events:
        line = event_line(ev)
        assert line.endswith("\n") and "\n" not in line[:-1]
        obj = json.loads(line)
        assert obj["event"] == type(ev).__name__
        assert obj == ev.to_dict()  # the field names of `run --json`
        back = decode_event(line)
        assert type(back) is type(ev)
        assert to_plain(back) == to_plain(ev)
    # the reader moves the writer's clock onto its own
    head = parse_header(header_line(t_s=10.0, host="gpu-server"))
    assert (head.format, head.version, head.trainfer, head.host) == (
        FORMAT, VERSION, __version__, "gpu-server")
    moved = StreamDecoder(head, received_t_s=110.0).decode(event_line(events[-2]))
    assert moved.measure_start_t_s == pytest.approx(110.6)
    assert moved.measure_end_t_s == pytest.approx(115.6)
    assert moved.started_unix_s == 1.7e9  # a wall-clock time is not moved
    for bad in ("not json", "[1]", '{"event": "Nope"}', '{"event": "Phase", "t_s": "x"}'):
        with pytest.raises(StreamError):
            decode_event(bad)
    with pytest.raises(StreamError):
        parse_header('{"format": "other"}')


def test_run_options_give_the_same_config():
    names = {f.name for f in dataclasses.fields(RunConfig)}
    assert names == {"model", *(n for n, _f in command._FLAGS), *command.LOCAL_ONLY}
    with pytest.raises(ConfigError) as refused:
        run_options(RunConfig(model="mlp", loader_workers=2))
    assert refused.value.field == "loader_workers"
    cfg = RunConfig(model="gpt2-tiny", mode="infer", device="cuda", nproc_per_node=2,
                    batch_size=4,
                    precision="bf16", seconds=2.5, warmup_steps=0, learning_rate=0.01,
                    input_size=32, seed=7, generate_tokens=8, heldout_samples=0,
                    load_weights="/tmp/w pt")
    args = build_parser().parse_args(["run", *run_options(cfg)])
    assert run_config(args, args.mode, args.batch_size) == cfg
    argv = remote_command("me@gpu", cfg, remote_trainfer="~/venv/bin/trainfer",
                          transport=["ssh", "-T"])
    assert argv[:4] == ["ssh", "-T", "me@gpu", "--"]
    words = shlex.split(argv[4])
    assert words[0] == "~/venv/bin/trainfer" and "/tmp/w pt" in words
    assert words[-3:] == ["--events", "jsonl", "--stdin-control"]


def _session(tmp_path, **kw):
    store = Store(tmp_path / "local")
    kw.setdefault("remote_trainfer", TRAINFER_HERE)
    return RemoteSession("me@gpu-server", store=store, transport=FAKE_SSH, **kw), store


def _until(session, pred):
    """Events of ``session`` until one makes ``pred`` true (returned with it)."""
    seen = []
    for ev in session.iter_events():
        seen.append(ev)
        if pred(ev):
            return seen
    return seen


def test_remote_run_stopped_from_here_reports_and_is_stored_with_its_host(tmp_path):
    session, store = _session(tmp_path)
    session.start(RunConfig(seconds=60, **SMALL))
    try:
        seen = _until(session, lambda e: isinstance(e, StepStats) and e.phase == "measure")
        session.stop()  # "stop" on the remote's stdin: it ends after its step
        seen += list(session.iter_events())
    finally:
        session.close()
    end = seen[-1]
    assert isinstance(end, Summary), end
    assert end.stopped_early and end.measured_steps >= 1
    assert any(isinstance(e, Started) for e in seen)
    assert any(isinstance(e, Sample) for e in seen)  # the host's telemetry came along
    assert all(e.t_s <= time.monotonic() for e in seen if not isinstance(e, Summary))
    rec = store.get(session.run_id)
    assert rec.host == "me@gpu-server" and rec.status == "stopped"
    assert rec.summary is not None and rec.summary.measured_steps == end.measured_steps
    assert "me@gpu-server" in rec.title and rec.to_dict()["host"] == "me@gpu-server"
    store.close()


def test_killed_transport_ends_the_run_interrupted_and_keeps_what_arrived(tmp_path,
                                                                         monkeypatch):
    monkeypatch.setenv("TRAINFER_DATA_DIR", str(tmp_path / "remote"))  # the host's store
    session, store = _session(tmp_path)
    session.start(RunConfig(seconds=60, **SMALL))
    try:
        _until(session, lambda e: isinstance(e, StepStats) and e.phase == "measure")
        transport = psutil.Process(session.transport_pid)
        tree = [transport, *transport.children(recursive=True)]
        os.kill(transport.pid, signal.SIGKILL)  # the connection drops
        rest = list(session.iter_events())
    finally:
        session.close()
    end = rest[-1]
    assert isinstance(end, Failed) and end.kind == "crash"
    assert end.msg is not None and end.msg.id == "remote.dropped"
    rec = store.get(session.run_id)
    assert rec.status == "interrupted" and rec.host == "me@gpu-server"
    kinds = [k for _t, k, _f in store.events(rec.id)]
    assert "Started" in kinds and "StepStats" in kinds and "Sample" in kinds
    # the "remote" run saw its connection close and ended: nothing is left running
    _gone, alive = psutil.wait_procs(tree, timeout=30)
    assert not alive, alive
    store.close()
    # and it stopped as Stop stops a run: with what it measured, in the host's own store
    host_store = Store(tmp_path / "remote")
    (remote_run,) = host_store.list_runs()
    assert remote_run.status == "stopped" and remote_run.summary is not None
    host_store.close()


def _failure(tmp_path, **kw):
    session, store = _session(tmp_path, **kw)
    session.start(RunConfig(steps=1, **SMALL))
    try:
        events = list(session.iter_events())
    finally:
        session.close()
    store.close()
    assert isinstance(events[-1], Failed), events
    return events[-1], session


def test_missing_trainfer_says_what_to_install(tmp_path):
    failed, _s = _failure(tmp_path, remote_trainfer="/nonexistent/bin/trainfer")
    assert failed.kind == "config" and failed.field == "remote_trainfer"
    assert failed.msg.id == "remote.not_installed"
    assert "me@gpu-server" in failed.message and "not installed" in failed.message
    assert f"pip install trainfer=={__version__}" in failed.hint


@pytest.mark.parametrize(("head", "words"), [
    ({"version": VERSION + 1, "trainfer": __version__}, f"version {VERSION + 1}"),
    ({"version": VERSION, "trainfer": "9.9.9"}, "Trainfer 9.9.9; this one is"),
])
def test_another_version_on_the_host_says_both(tmp_path, head, words):
    line = json.dumps({"format": FORMAT, "host": "gpu", "t_s": 1.0, **head})
    # prints the header, then waits for its stdin to end, as a run would
    remote = f"printf '%s\\n' {shlex.quote(line)}; cat >/dev/null; :"
    failed, session = _failure(tmp_path, remote_trainfer=remote)
    assert failed.kind == "config" and words in failed.message
    assert f"pip install trainfer=={__version__}" in failed.hint
    assert not psutil.pid_exists(session.transport_pid)  # the refused stream's ssh is ended


def test_connection_failure_gives_ssh_own_words(tmp_path):
    script = tmp_path / "ssh"
    script.write_text("#!/bin/sh\necho 'ssh: Could not resolve hostname gpu-server' >&2\n"
                      "exit 255\n")
    script.chmod(0o755)
    store = Store(tmp_path / "local")
    session = RemoteSession("gpu-server", store=store, transport=[str(script)])
    session.start(RunConfig(steps=1, **SMALL))
    events = list(session.iter_events())
    session.close()
    store.close()
    failed = events[-1]
    assert isinstance(failed, Failed) and failed.kind == "config" and failed.field == "host"
    assert "Could not resolve hostname gpu-server" in failed.message
    assert "~/.ssh/config" in failed.hint


def test_cli_host_prints_the_summary_and_runs_show_the_host(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("TRAINFER_SSH", shlex.join(FAKE_SSH))
    data = str(tmp_path / "local")
    code = cli_main(["--data-dir", data, "run", "--model", "mlp", "--mode", "train",
                     "--device", "cpu", "--steps", "2", "--warmup-steps", "1",
                     "--batch-size", "32", "--heldout-samples", "0", "--host", "me@box",
                     "--remote-trainfer", TRAINFER_HERE, "--json"])
    out = capsys.readouterr().out
    assert code == 0
    s = json.loads(out)
    assert s["event"] == "Summary" and s["measured_steps"] == 2 and s["device"] == "cpu"
    assert cli_main(["--data-dir", data, "runs", "list"]) == 0
    assert "me@box" in capsys.readouterr().out
    assert cli_main(["--data-dir", data, "runs", "show", "1"]) == 0
    assert "ran on me@box" in capsys.readouterr().out


def test_events_jsonl_streams_as_it_runs_and_sighup_stops_it_with_a_summary(tmp_path):
    p = subprocess.Popen([sys.executable, "-m", "engine", "--data-dir", str(tmp_path), "run",
                          "--model", "mlp", "--mode", "train", "--device", "cpu",
                          "--batch-size", "32", "--warmup-steps", "1", "--heldout-samples",
                          "0", "--seconds", "60", "--events", "jsonl"],
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        assert p.stdout is not None
        head = parse_header(p.stdout.readline())
        assert (head.version, head.trainfer) == (VERSION, __version__)
        seen = []
        for line in p.stdout:  # each line arrives as the event happens (flushed)
            seen.append(decode_event(line))
            if isinstance(seen[-1], StepStats) and seen[-1].phase == "measure":
                break
        p.send_signal(signal.SIGHUP)  # the terminal (or an ssh connection) went away
        seen += [decode_event(line) for line in p.stdout]
        assert p.wait(60) == 130
    finally:
        with contextlib.suppress(OSError):
            p.kill()
        p.wait()
    assert isinstance(seen[-1], Summary) and seen[-1].stopped_early
    kinds = {type(e).__name__ for e in seen}
    assert {"TelemetryStatus", "Sample", "Started", "Phase", "StepStats"} <= kinds


def test_events_jsonl_refusal_is_the_last_line():
    p = subprocess.run([sys.executable, "-m", "engine", "run", "--model", "mlp", "--mode",
                        "train", "--batch-size", "0", "--events", "jsonl"],
                       capture_output=True, text=True, timeout=60)
    assert p.returncode == 2
    lines = [json.loads(x) for x in p.stdout.splitlines()]
    assert lines[0]["format"] == FORMAT and lines[0]["version"] == VERSION
    assert lines[-1]["event"] == "Failed" and lines[-1]["field"] == "batch_size"


# ---- a real OpenSSH connection --------------------------------------------------------

def _tool(name):
    return shutil.which(name) or next(
        (p for p in (f"/usr/sbin/{name}", f"/usr/bin/{name}") if os.access(p, os.X_OK)), None)


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def sshd(tmp_path):
    """An OpenSSH server on 127.0.0.1 for this user, with a key of its own."""
    tools = {n: _tool(n) for n in ("sshd", "ssh", "ssh-keygen")}
    missing = [n for n, p in tools.items() if p is None]
    if missing:
        pytest.skip(f"{' and '.join(missing)} not installed: the test through a real "
                    "OpenSSH connection to 127.0.0.1 needs the OpenSSH server and client")
    d = tmp_path / "ssh"
    d.mkdir()
    for key in ("host_key", "id"):
        subprocess.run([tools["ssh-keygen"], "-q", "-t", "ed25519", "-N", "", "-f",
                        str(d / key)], check=True)
    shutil.copy(d / "id.pub", d / "authorized_keys")
    port = _free_port()
    (d / "sshd_config").write_text(
        f"Port {port}\nListenAddress 127.0.0.1\nHostKey {d / 'host_key'}\n"
        f"AuthorizedKeysFile {d / 'authorized_keys'}\nPasswordAuthentication no\n"
        f"KbdInteractiveAuthentication no\nUsePAM no\nStrictModes no\n"
        f"PidFile {d / 'sshd.pid'}\n")
    server = subprocess.Popen([tools["sshd"], "-D", "-e", "-f", str(d / "sshd_config")],
                              stderr=open(d / "sshd.log", "wb"))  # noqa: SIM115
    for _ in range(200):
        if server.poll() is not None:
            pytest.fail(f"sshd did not start: {(d / 'sshd.log').read_text()}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.1):
            break
        time.sleep(0.1)
    transport = [tools["ssh"], "-T", "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no",
                 "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR", "-F",
                 "/dev/null", "-i", str(d / "id"), "-p", str(port)]
    yield transport
    server.terminate()
    try:
        server.wait(10)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def test_a_run_through_a_real_ssh_connection(sshd, tmp_path):
    import engine

    root = str(Path(engine.__file__).resolve().parents[1])
    remote = (f"env PYTHONPATH={shlex.quote(root)} "
              f"TRAINFER_DATA_DIR={shlex.quote(str(tmp_path / 'remote'))} {TRAINFER_HERE}")
    store = Store(tmp_path / "local")
    host = f"{getpass.getuser()}@127.0.0.1"
    session = RemoteSession(host, store=store, remote_trainfer=remote, transport=sshd)
    session.start(RunConfig(steps=2, **SMALL))
    events = list(session.iter_events())
    session.close()
    assert isinstance(events[-1], Summary), (events[-1], list(session._stderr))
    assert store.get(session.run_id).host == host
    store.close()
