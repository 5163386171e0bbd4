"""How long the window stops answering while a long stored run is opened and replayed.

Stores a synthetic 10-minute training run (6,000 steps, 12,000 telemetry samples: the
generator of the GUI tests, ``tests/gui/conftest.py:add_run``), opens it in the Live plots
from History and replays it at 2000×, while a 10 ms Qt timer records the gaps between its
ticks. The longest gap is how long the window froze. Drawing everything at once used to
freeze it for seconds; the target is under 0.5 s on a quiet machine.

    QT_QPA_PLATFORM=offscreen python bench/open_long_run.py [--seconds 600] [--rounds 3]

Needs the development install (pytest, pytest-qt: ``pip install -e .[dev]``).
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _load_test_helpers():  # noqa: ANN202 - a module object
    sys.path.insert(0, str(ROOT / "tests"))  # fake_nvml, imported by the GUI conftest
    spec = importlib.util.spec_from_file_location("gui_test_helpers",
                                                  ROOT / "tests" / "gui" / "conftest.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--seconds", type=float, default=600.0, help="length of the stored run")
    p.add_argument("--rounds", type=int, default=3, help="open and replay this many times")
    a = p.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

    import qasync
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from engine.session.store.db import Store
    from gui.main_window import MainWindow

    helpers = _load_test_helpers()
    app = QApplication.instance() or QApplication([])
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    gaps: list[float] = []
    last = [time.monotonic()]

    def tick() -> None:
        now = time.monotonic()
        gaps.append(now - last[0])
        last[0] = now

    def longest(action) -> float:  # noqa: ANN001 - returns an awaitable-producing call
        gaps.clear()
        last[0] = time.monotonic()
        loop.run_until_complete(action())
        return max(gaps) if gaps else float("nan")

    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "data")
        run_id = helpers.add_run(store, "train", seconds=a.seconds)
        window = MainWindow(nvml=helpers.no_driver_nvml(), store=store)
        window.show()
        timer = QTimer()
        timer.setInterval(10)
        timer.timeout.connect(tick)
        timer.start()

        async def open_run() -> None:
            task = window.stored.open_runs([run_id])
            assert task is not None
            await task

        async def replay() -> None:
            done = loop.create_future()
            window.replay_finished.connect(lambda: done.done() or done.set_result(None))
            window.replay_runs([run_id], speed=2000.0)
            await done

        opens, replays = [], []
        for _ in range(a.rounds):
            t0 = time.monotonic()
            opens.append((longest(open_run), time.monotonic() - t0))
            t0 = time.monotonic()
            replays.append((longest(replay), time.monotonic() - t0))
        timer.stop()
        window.close()
        store.close()

    steps = int(a.seconds * 10)
    print(f"stored run: {a.seconds:.0f} s, {steps:,} steps, {int(a.seconds * 20):,} samples")
    for name, rows in (("open", opens), ("replay at 2000x", replays)):
        gap = statistics.median(g for g, _ in rows)
        took = statistics.median(t for _, t in rows)
        print(f"{name:<16} longest UI gap {gap:.3f} s (median of {len(rows)}; "
              f"{gap / 0.5:.2f}× the 0.5 s target), whole action {took:.2f} s")


if __name__ == "__main__":
    main()
