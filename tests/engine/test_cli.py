"""The command line as a user runs it: real subprocesses, exit codes, JSON."""

import json
import subprocess
import sys

import pytest


def trainfer(*args, timeout=180):
    return subprocess.run(
        [sys.executable, "-m", "engine", *args],
        capture_output=True, text=True, timeout=timeout,
    )


def test_run_json_summary_and_falling_loss():
    p = trainfer("run", "--model", "mlp", "--mode", "train", "--device", "cpu",
                 "--steps", "25", "--batch-size", "128", "--json")
    assert p.returncode == 0, p.stderr
    s = json.loads(p.stdout)  # stdout holds exactly one JSON object
    assert s["event"] == "Summary" and s["model"] == "mlp" and s["mode"] == "train"
    assert s["measured_steps"] == 25 and s["batch_size"] == 128
    assert s["loss_last"] < s["loss_first"]
    assert s["energy_j"] is None and s["peak_mem_source"] == "process_rss_growth"
    assert "no GPU telemetry" in p.stderr or "CPU" in p.stderr  # progress goes to stderr


def test_run_text_summary():
    p = trainfer("run", "--model", "gpt2-tiny", "--mode", "infer", "--device", "cpu",
                 "--steps", "2", "--input-size", "32", "--batch-size", "2")
    assert p.returncode == 0, p.stderr
    assert "throughput" in p.stdout and "tokens/s" in p.stdout and "weights" in p.stdout


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["run", "--model", "mlp", "--mode", "train", "--batch-size", "0"], "--batch-size"),
        (["run", "--model", "nope", "--mode", "train"], "unknown model"),
        (["run", "--model", "mlp", "--mode", "train", "--device", "cuda"], "device"),
        (["run", "--model", "mlp", "--mode", "sleep"], "invalid choice"),
        (["run", "--model", "mlp", "--mode", "train", "--seconds", "1", "--steps", "2"],
         "not allowed with"),
        (["run", "--model", "mlp", "--mode", "train", "--seconds", "-1"], "--seconds"),
        (["compare", "--model", "mlp", "--precision", "int4"], "invalid choice"),
        (["compare", "--model", "mlp", "--out", "/proc/none/t.md"], "cannot create the folder"),
        (["experiment", "generation", "--model", "mlp", "--device", "cpu"],
         "--model: the generation experiment generates tokens"),
        (["experiment", "nosuch"], "experiment NAME: unknown experiment"),
        (["export", "--format", "trainfer", "--out", "x.csv", "1"], "ends in .csv"),
        (["run", "--model", "mlp", "--mode", "train", "--device", "cpu", "--steps", "1",
          "--save-weights", "/proc/none/w.pt"], "cannot write /proc/none/w.pt"),
        (["bogus"], "invalid choice"),
        (["replay", "/nonexistent/talk.trainfer"], "no such recording"),
    ],
)
def test_bad_input_exits_2_without_traceback(args, words):
    p = trainfer(*args, timeout=60)
    assert p.returncode == 2, (p.stdout, p.stderr)
    assert words in p.stderr
    assert "Traceback" not in p.stderr


def test_models_and_devices_json():
    models = json.loads(trainfer("models", "--json").stdout)
    assert [m["id"] for m in models] == ["mlp", "resnet18", "resnet50", "vit_b_16", "gpt2",
                                          "gpt2-tiny"]
    assert all(m["description"] for m in models)
    devices = json.loads(trainfer("devices", "--json").stdout)
    assert set(devices) >= {"available", "message", "gpus"}
    if not devices["available"]:
        assert devices["message"] and devices["gpus"] == []


def test_compare_json_has_every_document_row():
    p = trainfer("compare", "--model", "mlp", "--device", "cpu", "--steps", "4",
                 "--batch-size", "32", "--json", timeout=240)
    assert p.returncode == 0, p.stderr
    cmp = json.loads(p.stdout)
    assert cmp["model"] == "mlp" and cmp["train"]["mode"] == "train"
    assert cmp["infer"]["batch_size"] == cmp["train"]["batch_size"] == 32
    ids = [r["id"] for r in cmp["rows"]]
    assert ids == ["objective", "key_operations", "computational_complexity", "memory_use",
                   "gpu_utilization", "specific_optimizations", "data_flow",
                   "energy_consumption"]
    rows = {r["id"]: r for r in cmp["rows"]}
    assert rows["key_operations"]["ratio"] > 1  # a training step costs more than inference
    assert rows["objective"]["measured"]["train"].startswith("weights changed")
    assert rows["objective"]["measured"]["infer"].startswith("weights unchanged")
    assert rows["energy_consumption"]["ratio"] is None  # not measurable on the CPU
    # inference predicts with the weights training left (3 warm-up + 4 measured steps)
    train, infer = cmp["train"], cmp["infer"]
    assert infer["weights_from"].startswith("trained 7 steps on cpu")
    assert infer["heldout_accuracy"] == train["heldout_accuracy"]
    assert train["param_change_l2"] > 0 and infer["param_change_l2"] == 0
    assert len(train["loss_curve"]) == 7 and infer["loss_curve"] == []
    assert "held-out accuracy" in rows["objective"]["measured"]["infer"]
    assert train["saved_weights"] == ""  # a temporary file, deleted when compare ended
    assert infer["weights_from_id"] == train["saved_weights_id"] != ""
    assert "with this training run's weights" in rows["objective"]["verdict"]["text"]


def test_compare_can_keep_the_trained_weights(tmp_path):
    path = tmp_path / "mlp.pt"
    p = trainfer("compare", "--model", "mlp", "--device", "cpu", "--steps", "1",
                 "--heldout-samples", "0", "--save-weights", str(path), "--json", timeout=240)
    assert p.returncode == 0, p.stderr
    cmp = json.loads(p.stdout)
    assert cmp["train"]["saved_weights"] == str(path) and path.stat().st_size > 0
    assert cmp["infer"]["weights_from_id"] == cmp["train"]["saved_weights_id"]


def test_sigterm_to_the_process_group_stops_and_reports(tmp_path):
    # `timeout` and service managers signal the whole group: the run process gets it too
    import os
    import signal

    proc = subprocess.Popen(
        [sys.executable, "-m", "engine", "--data-dir", str(tmp_path), "run", "--model", "mlp",
         "--mode", "train", "--device", "cpu", "--seconds", "60", "--json"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        for line in proc.stderr:  # progress lines: wait for the measured phase
            if line.startswith("[measure"):
                break
        os.killpg(proc.pid, signal.SIGTERM)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130, err[-2000:]
    s = json.loads(out)
    assert s["event"] == "Summary" and s["stopped_early"] and s["measured_steps"] > 0


def test_engine_runs_with_qt_unimportable(tmp_path):
    """The engine and its CLI import nothing from Qt (DESIGN.md layering)."""
    code = (
        "import sys, importlib.abc\n"
        "class B(importlib.abc.MetaPathFinder):\n"
        "    def find_spec(self, n, p, t=None):\n"
        "        if n.split('.')[0] in ('PySide6','shiboken6','pyqtgraph','qasync'):\n"
        "            raise ImportError('blocked ' + n)\n"
        "sys.meta_path.insert(0, B())\n"
        "import engine, engine.cli, engine.session.session, engine.run.loop\n"
        "import engine.claims.compare, engine.cli.report\n"
        "import engine.run.models.vision, engine.run.models.gpt2, engine.run.models.mlp\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('PySide6','pyqtgraph','qasync')]\n"
        "assert not bad, bad\n"
        "sys.exit(engine.cli.main(['models']))\n"
    )
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr

