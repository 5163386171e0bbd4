"""Run processes kept ready: reused only while that keeps a run clean (issue #15).

Real spawned processes on the CPU; nothing here asserts a wall-clock bound (that is
``bench/startup.py``). What is checked: which process a run gets, that a kept process
measures like a new one, and that no process is left behind.
"""

from __future__ import annotations

import os
import signal
import time

import psutil
import pytest
from summaries import cpu_summary

from engine.core.config import RunConfig
from engine.core.events import Failed, Started, Summary
from engine.session.run_process import RunProcesses, reusable
from engine.session.session import Session


def run(session: Session, **kw) -> tuple[Summary | Failed, int]:
    """One run to its end: its terminal event and the pid it ran in."""
    session.start(RunConfig(**{"model": "mlp", "device": "cpu", "steps": 4,
                               "warmup_steps": 1, **kw}))
    pid, result = None, None
    for ev in session.iter_events():
        if isinstance(ev, Started):
            pid = ev.pid
        if isinstance(ev, (Summary, Failed)):
            result = ev
    assert result is not None
    return result, pid or session._rp.pid


def wait_gone(pid: int, timeout_s: float = 20.0) -> bool:
    """True once ``pid`` has exited (a zombie not yet reaped counts as gone)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            if psutil.Process(pid).status() == psutil.STATUS_ZOMBIE:
                return True
        except psutil.NoSuchProcess:
            return True
        time.sleep(0.05)
    return False


def test_which_runs_leave_a_process_fit_for_the_next():
    done = cpu_summary()
    assert reusable(done, "eager", terminated=False)
    assert reusable(Failed.of("config", "bf16 needs a GPU"), "eager", terminated=False)
    assert reusable(Failed.of("stopped", "stopped in warm-up"), "eager", terminated=False)
    for kind in ("oom", "crash", "cuda", "error"):
        assert not reusable(Failed.of(kind, "x"), "eager", terminated=False), kind
    assert not reusable(done, "eager", terminated=True)  # Stop's grace ran out
    assert not reusable(done, "compile", terminated=False)  # compile caches stay behind
    assert not reusable(done, "cudagraphs", terminated=False)


def test_a_kept_process_takes_the_next_run_and_measures_like_a_new_one():
    session = Session()
    try:
        first, pid1 = run(session, mode="train")
        second, pid2 = run(session, mode="train")
        third, pid3 = run(session, mode="infer")
    finally:
        session.close()
    assert isinstance(first, Summary) and isinstance(second, Summary)
    assert isinstance(third, Summary)
    assert pid1 == pid2 == pid3  # one process, its imports paid once
    # The freed memory of the first run went back to the system before the second began:
    # its peak is its own, not hidden by the heap the first one left behind.
    assert second.peak_mem_bytes == pytest.approx(first.peak_mem_bytes, rel=0.25)
    assert third.peak_mem_bytes < second.peak_mem_bytes  # inference holds no gradients
    assert wait_gone(pid1)  # close() ended it


def test_a_process_is_not_reused_after_its_run_was_killed():
    session = Session()
    try:
        session.start(RunConfig(model="mlp", mode="train", device="cpu", seconds=30,
                                warmup_steps=1))
        pid = None
        for ev in session.iter_events():
            if isinstance(ev, Started):
                pid = ev.pid
                os.kill(pid, signal.SIGKILL)
            if isinstance(ev, (Summary, Failed)):
                crashed = ev
        assert isinstance(crashed, Failed) and crashed.kind == "crash"
        after, pid2 = run(session, mode="infer")
    finally:
        session.close()
    assert isinstance(after, Summary)
    assert pid2 != pid


def test_prepare_keeps_one_process_ready_and_another_device_gets_a_new_one():
    processes = RunProcesses()
    try:
        processes.prepare()
        idle = processes.idle
        assert idle is not None
        processes.prepare("mlp")  # already one: no second process
        assert processes.idle is idle
        assert idle.poll_ready(120.0)  # its imports finished without a run
        assert idle.imports_s is not None and idle.imports_s > 0
        idle.device = "cpu"  # as after a CPU run
        other = processes.take("cuda:0")
        assert other is not idle
        assert wait_gone(idle.pid)  # the CPU process was ended, not kept beside it
        other.end(1.0)
    finally:
        processes.close()


def test_an_idle_process_ends_with_its_keeper_and_on_sigterm():
    processes = RunProcesses()
    processes.prepare()
    first = processes.idle
    assert first is not None and first.poll_ready(120.0)
    os.kill(first.pid, signal.SIGTERM)  # a supervisor ending the process group
    assert wait_gone(first.pid)
    processes.prepare()  # the dead one is dropped, a new one spawned
    second = processes.idle
    assert second is not None and second.pid != first.pid
    processes.close()
    assert wait_gone(second.pid)
    processes.prepare()  # closed: nothing new
    assert processes.idle is None
