"""The Objective row's measurements: weight change, held-out accuracy, trained weights."""

from __future__ import annotations

import dataclasses
import os

import pytest
import torch
from summaries import run_here as execute

from engine.core.config import ConfigError, RunConfig
from engine.core.summary import loss_curve
from engine.run import checkpoint, objective
from engine.run.models import build_spec
from engine.session.handover import TrainedWeights

SMALL = {"model": "mlp", "device": "cpu", "batch_size": 32}  # 784 features: learnable


def _run(**kw: object):
    return execute(RunConfig(**{**SMALL, **kw}), lambda ev: None, lambda: False)


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """A short mlp training run that saved its weights, and its summary."""
    path = str(tmp_path_factory.mktemp("w") / "mlp.pt")
    return path, _run(mode="train", steps=20, save_weights=path)


def test_training_moves_the_weights_and_learns(trained):
    path, s = trained
    assert s.saved_weights == path and os.path.isfile(path)
    assert s.param_change_l2 > 0 and 0 < s.param_change_rel < 10
    assert s.heldout_predictions == 64 and s.heldout_chance == pytest.approx(0.1)
    assert s.heldout_accuracy > 3 * s.heldout_chance  # 23 AdamW steps learn the prototypes
    assert len(s.loss_curve) == 23 and s.loss_curve[0][0] == 1.0  # 3 warm-up + 20 measured
    assert s.loss_curve[-1][1] == pytest.approx(s.loss_last)


def test_inference_with_trained_weights_predicts_as_well_and_changes_nothing(trained):
    path, t = trained
    s = _run(mode="infer", steps=3, load_weights=path)
    assert s.weights_from == "trained 23 steps on cpu (fp32), loss " + f"{t.loss_last:.3f}"
    assert s.param_change_l2 == 0.0 and s.param_change_rel == 0.0  # bit-identical weights
    assert s.heldout_accuracy == t.heldout_accuracy  # the same held-out samples, same model
    assert s.loss_curve == ()


def test_random_weights_guess_and_the_rebuild_is_exact():
    s = _run(mode="infer", steps=2)
    assert s.weights_from == "" and s.param_change_l2 == 0.0  # rebuilt from the seed exactly
    assert s.heldout_accuracy < 0.3  # about chance (10%) on 64 samples


def test_heldout_evaluation_can_be_skipped():
    s = _run(mode="infer", steps=1, heldout_samples=0)
    assert s.heldout_accuracy is None and s.heldout_predictions is None


def test_weights_that_do_not_fit_are_config_errors(trained, tmp_path):
    path, _ = trained
    for kw, words in (
        ({"model": "resnet18", "input_size": 32}, "holds mlp weights"),
        ({"input_size": 32}, "--input-size 784"),
        ({"seed": 5}, "--seed 0"),
    ):
        with pytest.raises(ConfigError, match=words) as err:
            _run(mode="infer", steps=1, load_weights=path, **kw)
        assert err.value.field == "load_weights"
    junk = tmp_path / "junk.pt"
    junk.write_bytes(b"not a checkpoint")
    with pytest.raises(ConfigError, match="damaged or not a weights file") as err:
        checkpoint.read(str(junk))
    assert "weights_only" not in err.value.message  # torch's advice to run code: not ours
    torch.save({"format": checkpoint.FORMAT, "model": "mlp"}, tmp_path / "cut.pt")
    with pytest.raises(ConfigError, match="its 'input_size' field is missing"):
        checkpoint.read(str(tmp_path / "cut.pt"))
    torch.save({"state_dict": {}}, tmp_path / "other.pt")
    with pytest.raises(ConfigError, match="not written by Trainfer"):
        checkpoint.read(str(tmp_path / "other.pt"))
    with pytest.raises(ConfigError, match="no such file"):
        checkpoint.read(str(tmp_path / "missing.pt"))
    with pytest.raises(ConfigError, match="--mode train") as err:
        RunConfig(model="mlp", mode="infer", save_weights="x.pt")
    assert err.value.field == "save_weights"


def test_task_is_drawn_on_the_cpu_and_heldout_data_is_its_own_stream():
    spec = build_spec("mlp", 16, 4, torch.device("cpu"), seed=3)
    expected = 0.1 * torch.randn(10, 16, generator=torch.Generator().manual_seed(4))
    assert torch.equal(spec.prototypes, expected)  # same on every device
    train_x, _ = spec.make_batch()
    (held_x, _), = list(spec.heldout_batches(4, 4))
    (again_x, _), = list(build_spec("mlp", 16, 4, torch.device("cpu"), 3).heldout_batches(4, 4))
    assert not torch.equal(train_x, held_x) and torch.equal(held_x, again_x)
    sizes = [len(y) for _, y in spec.heldout_batches(10, 4)]
    assert sizes == [4, 4, 2]


def test_parameter_change_needs_matching_parameters():
    a, b = torch.nn.Linear(3, 2), torch.nn.Linear(3, 2)
    start = {n: p.detach().clone() for n, p in a.named_parameters()}
    assert objective.parameter_change(a, start) == (0.0, 0.0)
    change, rel = objective.parameter_change(b, start)
    with torch.no_grad():
        expected = torch.cat([(pb - pa).flatten() for pa, pb in zip(a.parameters(),
                                                                   b.parameters())]).norm()
    assert change == pytest.approx(float(expected)) and rel > 0
    assert objective.parameter_change(torch.nn.Linear(4, 2), start) is None


def test_loss_curve_keeps_short_runs_and_averages_long_ones():
    assert loss_curve([3.0, 2.0]) == ((1.0, 3.0), (2.0, 2.0))
    long = loss_curve([float(i) for i in range(1000)], points=100)
    assert len(long) == 100
    assert long[0] == (5.5, 4.5) and long[-1] == (995.5, 994.5)  # bucket means


def test_trained_weights_hand_over_to_inference(tmp_path):
    hand = TrainedWeights()
    train = hand.prepare(RunConfig(model="mlp", mode="train"))
    assert train.save_weights.endswith(".pt") and not hand.trained("mlp", 0)
    infer = RunConfig(model="mlp", mode="infer")
    assert hand.prepare(infer) == infer  # nothing trained yet: random weights
    with open(train.save_weights, "wb") as f:
        f.write(b"x")
    summary = type("S", (), {"mode": "train", "model": "mlp", "input_size": 64,
                             "saved_weights": train.save_weights})()
    hand.record(summary, seed=0)
    got = hand.prepare(infer)
    assert got.load_weights == train.save_weights and got.input_size == 64  # the trained size
    assert hand.prepare(dataclasses.replace(infer, input_size=32)).load_weights == ""
    assert hand.prepare(dataclasses.replace(infer, seed=1)).load_weights == ""
    assert hand.trained_summary("mlp", 0) is summary
    second = hand.prepare(RunConfig(model="mlp", mode="train")).save_weights
    assert second != train.save_weights
    with open(second, "wb") as f:
        f.write(b"y")
    hand.record(_with(summary, second), seed=0)
    assert not os.path.exists(train.save_weights)  # the older file of the model is gone
    folder = os.path.dirname(second)
    hand.close()
    assert not os.path.exists(folder)


def test_weights_left_by_a_killed_process_are_removed_by_the_next(tmp_path):
    import subprocess
    import sys

    from engine.session.handover import remove_orphans

    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    orphan = tmp_path / f"trainfer-weights-{dead.stdout.strip()}-abc"
    live = tmp_path / f"trainfer-weights-{os.getpid()}-def"
    other = tmp_path / "trainfer-weights-notapid"
    for folder in (orphan, live, other):
        folder.mkdir()
        (folder / "mlp-seed0-1.pt").write_bytes(b"x")
    assert remove_orphans(str(tmp_path)) == [str(orphan)]
    assert live.exists() and other.exists() and not orphan.exists()


def _with(summary: object, path: str) -> object:
    return type("S", (), {**{k: getattr(summary, k) for k in
                             ("mode", "model", "input_size")}, "saved_weights": path})()


def test_accuracy_does_not_depend_on_the_batch_and_saving_over_the_loaded_file(trained,
                                                                              tmp_path):
    path, t = trained
    for batch in (1, 17):  # the held-out samples are the same whatever the batch
        s = _run(mode="infer", steps=1, batch_size=batch, load_weights=path)
        assert s.heldout_accuracy == t.heldout_accuracy, batch
    again = str(tmp_path / "again.pt")
    _run(mode="infer", steps=1, load_weights=path)  # reading does not touch the file
    import shutil

    shutil.copy(path, again)
    s = _run(mode="train", steps=2, load_weights=again, save_weights=again)
    assert s.param_change_l2 > 0  # measured against the weights it started from
    assert s.weights_from.startswith("trained 23 steps")


def test_settings_that_cannot_work_are_refused_before_the_run(tmp_path):
    with pytest.raises(ConfigError, match="is a folder") as err:
        RunConfig(model="mlp", save_weights=str(tmp_path))
    assert err.value.field == "save_weights"
    with pytest.raises(ConfigError, match="on the CPU use int8"):
        RunConfig(model="mlp", mode="infer", device="cpu", quantize="fp8")


def test_generation_and_experiment_limits():
    with pytest.raises(ConfigError, match="0 to 4096"):
        RunConfig(model="gpt2-tiny", mode="infer", generate_tokens=100_000)
    from engine.claims.experiments import plan_experiment

    with pytest.raises(ConfigError, match="more than 0 s") as err:
        plan_experiment("memory", "mlp", "cpu", 0.0)
    assert err.value.field == "seconds"
