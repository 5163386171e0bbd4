"""Fixtures for GUI tests: a qasync loop inside pytest-qt, a window, leak checks.

How the asyncio side runs here: the fixture ``qloop`` makes a ``qasync.QEventLoop`` with
``already_running=True``. qasync then registers itself as asyncio's running loop and runs
its callbacks and timers as Qt timer events, so anything that processes Qt events
(``qtbot.waitUntil``, ``qtbot.waitSignal``, ``qtbot.wait``) also advances the bridge's
asyncio task. Tests therefore wait like a user would, with pytest-qt's own helpers.
"""

from __future__ import annotations

import asyncio
import threading
import time

import pytest
import qasync
from fake_nvml import FakeNvmlLib  # tests/fake_nvml.py, on sys.path via tests/conftest.py

from engine.events import Summary
from engine.telemetry.nvml import Nvml
from gui.main_window import MainWindow

OFFSCREEN_NOISE = r"This plugin does not support propagateSizeHints"


def no_driver_nvml() -> Nvml:
    """An NVML whose library cannot be loaded, as on a machine without an NVIDIA driver."""
    return Nvml(lib=FakeNvmlLib(missing_library=True))


def make_summary(mode: str = "train", model: str = "mlp", **changes) -> Summary:
    """A plausible CPU Summary; ``changes`` override fields."""
    now = time.monotonic()
    fields = dict(
        model=model,
        mode=mode,
        device="cpu",
        device_name="Test CPU",
        precision="fp32",
        batch_size=64,
        input_size=784,
        sample_unit="vectors",
        optimizer="adamw" if mode == "train" else None,
        learning_rate=1e-3 if mode == "train" else None,
        params=5_824_522,
        param_bytes=23_298_088,
        warmup_steps=3,
        measured_steps=40,
        measured_s=2.0,
        stopped_early=False,
        samples_per_s=1280.0 if mode == "train" else 4100.0,
        tokens_per_s=None,
        step_ms_median=50.0 if mode == "train" else 15.6,
        step_ms_p95=55.0 if mode == "train" else 17.0,
        step_ms_mean=50.5 if mode == "train" else 15.8,
        warmup_step_ms_first=200.0,
        peak_mem_bytes=(600 if mode == "train" else 400) << 20,
        peak_mem_source="process_rss",
        loss_first=2.3 if mode == "train" else None,
        loss_last=0.4 if mode == "train" else None,
        weights_changed=mode == "train",
        torch_version="2.x",
        started_unix_s=time.time(),
        measure_start_t_s=now - 2.0,
        measure_end_t_s=now,
        mean_cpu_util_pct=95.0,
        telemetry_note="ran on the CPU: power, energy and GPU utilization are measured for "
        "NVIDIA GPUs only",
    )
    fields.update(changes)
    return Summary(**fields)


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
    visible = [w for w in qapp.topLevelWidgets() if w.isVisible()]
    for w in visible:
        w.close()
    assert not visible, f"windows left open: {visible}"


@pytest.fixture
def window(qtbot, qloop):
    """The main window with no NVIDIA driver (a fake NVML), shown, closed afterwards."""
    win = MainWindow(nvml=no_driver_nvml())
    qtbot.addWidget(win)
    win.show()
    yield win
    win.close()  # stops any run and joins the run process and threads


@pytest.fixture
def summary_factory():
    """``summary_factory(mode, model, **changes)`` makes a plausible CPU Summary."""
    return make_summary
