"""Fixtures for GUI tests: a qasync loop inside pytest-qt, a window, leak checks.

How the asyncio side runs here: the fixture ``qloop`` makes a ``qasync.QEventLoop`` with
``already_running=True``. qasync then registers itself as asyncio's running loop and runs
its callbacks and timers as Qt timer events, so anything that processes Qt events
(``qtbot.waitUntil``, ``qtbot.waitSignal``, ``qtbot.wait``) also advances the bridge's
asyncio task. Tests therefore wait like a user would, with pytest-qt's own helpers.

Every test gets its own data directory (``TRAINFER_DATA_DIR``, inherited by the app's
child processes too): no test writes into the user's real run store.
"""

from __future__ import annotations

import asyncio
import threading
import time

import pytest
import qasync
from fake_nvml import FakeNvmlLib  # tests/fake_nvml.py, on sys.path via tests/conftest.py
from PySide6.QtWidgets import QWidget
from summaries import cpu_summary

from engine.core.config import RunConfig
from engine.core.events import Phase, Sample, Started, StepStats, TelemetryStatus
from engine.session.store.codec import encode
from engine.session.store.db import Store
from engine.session.telemetry.nvml import Nvml
from gui.main_window import MainWindow

OFFSCREEN_NOISE = r"This plugin does not support propagateSizeHints"


def no_driver_nvml() -> Nvml:
    """An NVML whose library cannot be loaded, as on a machine without an NVIDIA driver."""
    return Nvml(lib=FakeNvmlLib(missing_library=True))


make_summary = cpu_summary  # the one summary factory of the tests (tests/summaries.py)


def pytest_collection_modifyitems(config, items):
    """Qt's offscreen platform warns about window hints it cannot honour: not our bug."""
    for item in items:
        if "tests/gui" in str(item.fspath).replace("\\", "/"):
            item.add_marker(pytest.mark.qt_log_ignore(OFFSCREEN_NOISE))


def _trainfer_threads() -> set[threading.Thread]:
    return {t for t in threading.enumerate() if t.name.startswith("trainfer")}


@pytest.fixture
def qloop(qapp):
    """A qasync event loop that runs whenever pytest-qt processes Qt events."""
    loop = qasync.QEventLoop(qapp, already_running=True)
    asyncio.set_event_loop(loop)
    yield loop
    pending = [t for t in asyncio.all_tasks(loop) if not t.done()]
    for task in pending:
        task.cancel()
    deadline = time.monotonic() + 2.0
    while any(not t.done() for t in pending) and time.monotonic() < deadline:
        qapp.processEvents()
    asyncio.events._set_running_loop(None)
    # Not loop.stop(): it calls QApplication.exit(), which leaves Qt's "quit now" flag set
    # and starves the next test's timers. Mark the loop stopped, then close it.
    loop._QEventLoop__is_running = False
    loop.close()
    asyncio.set_event_loop(None)


@pytest.fixture(scope="session")
def _binding_ok():
    from gui.binding_check import binding_problem

    return binding_problem()


@pytest.fixture(autouse=True)
def usable_qt_binding(_binding_ok):
    """Fail (instead of aborting the whole run) on a Qt binding that breaks refcounts."""
    if _binding_ok:
        pytest.fail(_binding_ok, pytrace=False)


@pytest.fixture(autouse=True)
def no_leaks(qapp):
    """Fail a test that leaves a Trainfer thread or a visible window behind."""
    before = _trainfer_threads()
    yield
    deadline = time.monotonic() + 5.0
    while (_trainfer_threads() - before) and time.monotonic() < deadline:
        time.sleep(0.05)
    leaked = _trainfer_threads() - before
    assert not leaked, f"threads left running: {sorted(t.name for t in leaked)}"
    # PySide can hand back a stale wrapper of another type (once a QWidgetItem) for an
    # address Qt reused: only widgets can be windows left open
    visible = [w for w in qapp.topLevelWidgets() if isinstance(w, QWidget) and w.isVisible()]
    for w in visible:
        w.close()
    assert not visible, f"windows left open: {visible}"


@pytest.fixture(autouse=True)
def private_data_dir(tmp_path, monkeypatch):
    """Runs go to a fresh folder of this test's, never to the user's data directory."""
    path = tmp_path / "trainfer-data"
    monkeypatch.setenv("TRAINFER_DATA_DIR", str(path))
    return path


@pytest.fixture(autouse=True)
def private_settings(tmp_path, monkeypatch):
    """QSettings of this test's own, never the user's ``~/.config/Trainfer``.

    Qt's user-scope folder is pointed at a temporary one in this process, and
    ``XDG_CONFIG_HOME`` too for the app started in child processes.
    """
    from PySide6.QtCore import QSettings

    path = tmp_path / "config"
    path.mkdir()
    monkeypatch.setenv("XDG_CONFIG_HOME", str(path))
    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, str(path))
    return path


@pytest.fixture
def store(tmp_path):
    """An empty run store in a temporary folder, closed afterwards."""
    s = Store(tmp_path / "store")
    yield s
    s.close()


@pytest.fixture
def window(qtbot, qloop, store):
    """The main window with no NVIDIA driver (a fake NVML) and a temporary store."""
    win = MainWindow(nvml=no_driver_nvml(), store=store)
    qtbot.addWidget(win)
    win.show()
    yield win
    win.close()  # stops any run and joins the run process and threads


def add_run(
    store: Store,
    mode: str = "train",
    model: str = "mlp",
    *,
    seconds: float = 2.0,
    gpu: bool = False,
    status: str = "completed",
    rate: float | None = None,
    started_unix_s: float | None = None,
    name: str = "",
    tags: tuple[str, ...] = (),
) -> int:
    """Store a plausible run, as a Session would record it; returns its id.

    ``seconds`` of measured steps (10 per second) and samples (20 per second) after a
    0.9 s build and warm-up; ``gpu`` adds H200-like GPU readings; ``status`` other than
    completed or stopped stores no summary.
    """
    t0 = 1000.0
    device, device_name = ("cuda:0", "NVIDIA H200") if gpu else ("cpu", "Test CPU")
    rate = rate or (1280.0 if mode == "train" else 4100.0)
    step_ms = 64_000.0 / rate
    cfg = RunConfig(model=model, mode=mode, device=device if gpu else "cpu", batch_size=64,
                    seconds=seconds, warmup_steps=3)
    events: list = [
        TelemetryStatus(t0 + 0.01, gpu, "reading GPU 0" if gpu else "no NVIDIA driver found",
                        0 if gpu else None, device_name if gpu else None,
                        {"gpu_util": True, "power": True, "energy": True, "memory": True}
                        if gpu else {}),
        Phase(t0 + 0.02, "build"),
        Started(t0 + 0.5, 4242, device, device_name, "2.x", 5_824_522, 23_298_088, 64, 784,
                "vectors", None, 0.45),
        Phase(t0 + 0.6, "warmup"),
    ]
    events += [StepStats(t0 + 0.65 + 0.08 * i, i + 1, "warmup", 80.0, 800.0, None,
                         2.3 if mode == "train" else None) for i in range(3)]
    events.append(Phase(t0 + 0.9, "measure"))
    n_steps = int(seconds * 10)
    events += [
        StepStats(t0 + 0.9 + 0.1 * (i + 1), i + 1, "measure", step_ms, rate, None,
                  (2.3 - 1.8 * i / n_steps) if mode == "train" else None)
        for i in range(n_steps)
    ]
    for i in range(int((0.9 + seconds) * 20)):
        t = t0 + 0.05 * i
        gpu_fields = dict(gpu_util_pct=99.0, mem_used_bytes=(12 if mode == "train" else 3) << 30,
                          power_w=620.0, energy_j=62.0 * 0.05 * i) if gpu else {}
        events.append(Sample(t, cpu_util_pct=40.0 + i % 7, process_rss_bytes=(1 << 30) + i,
                             **gpu_fields))
    end = t0 + 0.9 + seconds
    events.append(Phase(end, "done"))
    events.sort(key=lambda e: e.t_s)
    summary = None
    if status in ("completed", "stopped"):
        extra = dict(energy_j=62.0 * seconds, energy_source="nvml_counter",
                     energy_per_sample_j=0.137, mean_power_w=620.0) if gpu else {}
        summary = make_summary(mode, model, device=device, device_name=device_name,
                               samples_per_s=rate, step_ms_median=step_ms, step_ms_mean=step_ms,
                               measure_start_t_s=t0 + 0.9, measure_end_t_s=end,
                               measured_s=seconds, measured_steps=n_steps,
                               stopped_early=status == "stopped", **extra)
        events.append(summary)
    run_id = store.create_run(cfg.to_dict(), t0, started_unix_s=started_unix_s or time.time())
    store.append_events(run_id, 0, [encode(e) for e in events])
    if status == "running":
        return run_id
    store.finish_run(run_id, status, summary=summary.to_dict() if summary else None,
                     failure={"t_s": end, "kind": "oom", "message": "out of memory"}
                     if status == "failed" else None, device=device, device_name=device_name)
    if name:
        store.rename(run_id, name)
    if tags:
        store.set_tags(run_id, tags)
    return run_id


@pytest.fixture
def stored_run():
    """``stored_run(store, mode, model, **options)`` stores a run (see :func:`add_run`)."""
    return add_run


@pytest.fixture
def summary_factory():
    """``summary_factory(mode, model, **changes)`` makes a plausible CPU Summary."""
    return make_summary


@pytest.fixture
def reported(qapp):
    """``(message, hint)`` of every error that reached the one error sink in this test."""
    from gui import errors

    got: list[tuple[str, str]] = []

    def collect(message, hint, _field):
        got.append((message, hint))

    errors.sink().error.connect(collect)
    yield got
    errors.sink().error.disconnect(collect)
