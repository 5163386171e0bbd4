"""Every catalog model builds and runs a few steps on the CPU, in both modes."""

import pytest
import torch
from summaries import run_here as execute

from engine.core.catalog import CATALOG
from engine.core.config import RunConfig
from engine.core.events import Phase, Started, StepStats
from engine.run.runner import ModelRunner

SMALL = {"mlp": 64, "resnet18": 32, "resnet50": 32, "vit_b_16": 32, "gpt2": 16, "gpt2-tiny": 16}


@pytest.mark.parametrize("model", list(CATALOG))
@pytest.mark.parametrize("mode", ["train", "infer"])
def test_every_model_runs_both_modes(model, mode):
    events = []
    cfg = RunConfig(model=model, mode=mode, device="cpu", batch_size=2, steps=2,
                    warmup_steps=1, input_size=SMALL[model])
    s = execute(cfg, events.append, lambda: False)
    assert s is not None and s.measured_steps == 2 and s.warmup_steps == 1
    assert s.device == "cpu" and s.batch_size == 2 and s.input_size == SMALL[model]
    assert s.samples_per_s > 0 and s.step_ms_median > 0
    assert s.peak_mem_bytes >= 0  # in-process: freed memory of earlier tests is reused
    phases = [e.name for e in events if isinstance(e, Phase)]
    assert phases == ["build", "warmup", "measure", "done"]
    started = next(e for e in events if isinstance(e, Started))
    assert started.params == s.params > 0
    steps = [e for e in events if isinstance(e, StepStats)]
    assert {e.phase for e in steps} == {"warmup", "measure"}
    if mode == "train":
        assert s.weights_changed and s.loss_first is not None and s.loss_last is not None
        assert s.optimizer == "adamw" and s.learning_rate > 0
    else:
        assert not s.weights_changed and s.loss_first is None and s.optimizer is None
    if CATALOG[model].is_language_model:
        assert s.tokens_per_s == pytest.approx(s.samples_per_s * SMALL[model])


def test_mlp_training_lowers_the_loss():
    cfg = RunConfig(model="mlp", mode="train", device="cpu", batch_size=128, steps=40,
                    warmup_steps=0)
    s = execute(cfg, lambda e: None, lambda: False)
    assert s.loss_first > 2.0  # ln 10 = 2.30 at random init
    assert s.loss_last < 0.6 * s.loss_first


def test_inference_leaves_weights_unchanged():
    cfg = RunConfig(model="resnet18", mode="infer", device="cpu", batch_size=2, input_size=32)
    runner = ModelRunner(cfg, torch.device("cpu"))
    before = {k: v.clone() for k, v in runner.module.state_dict().items()}  # incl. BN stats
    for _ in range(3):
        assert runner.step() is None
    after = runner.module.state_dict()
    assert all(torch.equal(before[k], after[k]) for k in before)
    assert not runner.module.training


def test_training_changes_weights_and_sgd_works():
    cfg = RunConfig(model="mlp", mode="train", device="cpu", batch_size=8, optimizer="sgd")
    runner = ModelRunner(cfg, torch.device("cpu"))
    before = [p.clone() for p in runner.module.parameters()]
    loss = runner.step()
    assert loss is not None and loss.ndim == 0
    assert any(not torch.equal(a, b) for a, b in zip(before, runner.module.parameters()))


def test_bf16_autocast_on_cpu():
    cfg = RunConfig(model="mlp", mode="train", device="cpu", batch_size=8, steps=2,
                    warmup_steps=0, precision="bf16")
    s = execute(cfg, lambda e: None, lambda: False)
    assert s.precision == "bf16" and s.measured_steps == 2


def test_stop_during_measure_returns_partial_summary():
    calls = {"n": 0}

    def should_stop():
        calls["n"] += 1
        return calls["n"] > 6

    cfg = RunConfig(model="mlp", mode="infer", device="cpu", batch_size=8, seconds=60,
                    warmup_steps=2)
    s = execute(cfg, lambda e: None, should_stop)
    assert s.stopped_early and 0 < s.measured_steps < 10


def test_stop_during_warmup_returns_none():
    cfg = RunConfig(model="mlp", mode="infer", device="cpu", batch_size=8, warmup_steps=5)
    assert execute(cfg, lambda e: None, lambda: True) is None


def test_synthetic_language_data_repeats_a_pattern():
    from engine.run.models import build_spec
    from engine.run.models.gpt2 import PERIOD

    spec = build_spec("gpt2-tiny", 40, 3, torch.device("cpu"), 0)
    tokens, targets = spec.make_batch()
    assert tokens.shape == (3, 40) and torch.equal(tokens, targets)
    assert torch.equal(tokens[:, :PERIOD], tokens[:, PERIOD : 2 * PERIOD])


def test_generation_with_a_kv_cache():
    cfg = RunConfig(model="gpt2-tiny", mode="infer", device="cpu", batch_size=2, steps=2,
                    warmup_steps=1, input_size=16, generate_tokens=8)
    events = []
    s = execute(cfg, events.append, lambda: False)
    assert s.generated_tokens == 8 and s.ttft_ms_median > 0 and s.decode_tokens_per_s > 0
    assert s.tokens_per_s == pytest.approx(s.samples_per_s * 8)  # generated tokens
    steps = [e for e in events if isinstance(e, StepStats) and e.phase == "measure"]
    assert all(e.decode_ms is not None and e.forward_ms is not None for e in steps)
    assert not s.weights_changed


def test_generation_needs_a_language_model_in_inference():
    from engine.core.config import ConfigError

    with pytest.raises(ConfigError, match="language model"):
        RunConfig(model="mlp", mode="infer", generate_tokens=4)
    with pytest.raises(ConfigError, match="infer mode"):
        RunConfig(model="gpt2", mode="train", generate_tokens=4)
