"""A run on an SSH host from the run panel (#16), through a local transport.

``TRAINFER_SSH`` points at ``tests/engine/fake_ssh.py`` (it ignores the host and runs the
command here, relaying its pipes as ssh does), so the app takes the same path as with a
real server: the remote ``trainfer run --events jsonl`` streams the events, the same bridge
plots them and the same store keeps them, with the host.
"""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

import numpy as np
from PySide6.QtCore import Qt

FAKE_SSH = [sys.executable, str(Path(__file__).parents[1] / "engine" / "fake_ssh.py")]
RUN_TIMEOUT_MS = 45_000


def test_a_run_on_a_host_is_plotted_stopped_and_stored_with_its_host(window, qtbot,
                                                                      monkeypatch):
    monkeypatch.setenv("TRAINFER_SSH", shlex.join(FAKE_SSH))
    monkeypatch.setenv("TRAINFER_REMOTE_TRAINFER", f"{shlex.quote(sys.executable)} -m engine")
    panel = window.panel
    panel.set_model("mlp")
    panel.set_mode("train")
    panel.set_device("cpu")
    panel.set_duration(60.0, "seconds")
    panel.batch_spin.setValue(32)
    panel.warmup_spin.setValue(1)
    assert panel.host_edit.placeholderText()
    panel.set_host(" me@gpu-server ")
    qtbot.mouseClick(panel.start_button, Qt.LeftButton)
    assert window.running and not panel.host_edit.isEnabled()

    def steps():
        data = window.live.curve("throughput", "train", "measure").yData
        return 0 if data is None else int(np.isfinite(np.asarray(data, dtype=float)).sum())

    qtbot.waitUntil(lambda: steps() > 0, timeout=RUN_TIMEOUT_MS)
    assert "me@gpu-server" in window.status.device_label.text()
    qtbot.mouseClick(panel.stop_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: not window.running, timeout=RUN_TIMEOUT_MS)
    assert window.state == "done", window.banner.message()
    summary = window.compare.latest("mlp", "train")
    assert summary is not None and summary.stopped_early
    runs = window.session.store.list_runs()
    assert [r.host for r in runs] == ["me@gpu-server"] and runs[0].status == "stopped"
