"""FLOP counts against published references, on the CPU (no GPU needed).

* torchvision's weight metadata ``_ops``: GFLOPs of one 224-px image's forward pass,
  counted as multiply-adds (so ×2 here, where a multiply-add is 2 FLOPs);
* GPT-2 (Kaplan et al., "Scaling Laws for Neural Language Models", 2020, table 1): per
  token, ``2N + 4·L·T·d`` forward and three times that (``6N + 12·L·T·d``) for a training
  step, with N the weights used in matrix multiplies (the position table is a lookup).
"""

import pytest
import torch

from engine.core.config import RunConfig
from engine.run.measure import count_step, flop_counter
from engine.run.runner import ModelRunner


def _ops_gflop(model: str) -> float:
    import torchvision

    return float(torchvision.models.get_model_weights(model).DEFAULT.meta["_ops"])


@pytest.mark.parametrize("model", ["resnet18", "resnet50", "vit_b_16"])
def test_vision_forward_flops_match_torchvision_metadata(model):
    cfg = RunConfig(model=model, mode="infer", device="cpu", batch_size=1, input_size=224)
    runner = ModelRunner(cfg, torch.device("cpu"))
    counted = count_step(runner).flops
    assert counted == pytest.approx(2e9 * _ops_gflop(model), rel=0.01)


def test_cpu_attention_kernels_are_counted_forward_and_backward():
    from torch.utils.flop_counter import sdpa_backward_flop_count, sdpa_flop_count

    q, k, v = (torch.randn(2, 4, 64, 16, requires_grad=True) for _ in range(3))
    with flop_counter() as counter:
        out = torch.nn.functional.scaled_dot_product_attention(q, k, v)
    forward = sdpa_flop_count(q.shape, k.shape, v.shape)
    assert counter.get_total_flops() == forward == 4 * 2 * 4 * 64 * 64 * 16
    with flop_counter() as counter:
        torch.nn.functional.scaled_dot_product_attention(q, k, v).sum().backward()
    assert counter.get_total_flops() == forward + sdpa_backward_flop_count(
        out.shape, q.shape, k.shape, v.shape)


def _small_gpt2():
    """A GPT-2 whose attention is half of its work at 1024 tokens (so a missed attention
    kernel fails the test), small enough to run on a CPU in a second."""
    from transformers import GPT2Config, GPT2LMHeadModel

    cfg = GPT2Config(vocab_size=256, n_positions=1024, n_layer=2, n_embd=128, n_head=2,
                     bos_token_id=0, eos_token_id=0)
    model = GPT2LMHeadModel(cfg)
    n = sum(p.numel() for p in model.parameters()) - model.transformer.wpe.weight.numel()
    return model, n, cfg.n_layer, cfg.n_embd


@pytest.mark.parametrize("mode", ["infer", "train"])
def test_gpt2_flops_per_token_match_the_scaling_laws_formula(mode):
    model, n, layers, d = _small_gpt2()
    tokens = 1024
    x = torch.randint(256, (1, tokens))
    with flop_counter() as counter:
        if mode == "infer":
            with torch.no_grad():
                model(input_ids=x, use_cache=False)
        else:
            model(input_ids=x, labels=x, use_cache=False).loss.backward()
    per_token = counter.get_total_flops() / tokens
    forward = 2 * n + 4 * layers * tokens * d
    expected = forward if mode == "infer" else 3 * forward
    assert per_token == pytest.approx(expected, rel=0.02)


def test_parameter_counts_are_exact():
    """torchvision's metadata ``num_params`` for the vision models."""
    import torchvision

    for name in ("resnet18", "resnet50", "vit_b_16"):
        cfg = RunConfig(model=name, mode="infer", device="cpu", batch_size=1, input_size=224)
        runner = ModelRunner(cfg, torch.device("cpu"))
        meta = torchvision.models.get_model_weights(name).DEFAULT.meta["num_params"]
        assert runner.params == meta, name
