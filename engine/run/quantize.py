"""int8 and fp8 inference through a maintained library, and how far they move the outputs.

int8 on the CPU: PyTorch's dynamic quantization (``torch.ao.quantization.quantize_dynamic``):
``nn.Linear`` weights stored as int8, activations quantized on the fly. int8 on a GPU:
torchao's ``Int8WeightOnlyConfig`` when torchao is installed. fp8: torchao's
``Float8DynamicActivationFloat8WeightConfig`` (e4m3 weights and activations, per-tensor
scales; torchao requires CUDA compute capability 8.9 or newer: Ada, Hopper, Blackwell)
on the model converted to bf16; the rest of the model runs in bf16 with autocast off, so
nothing casts the fp8 weights back.

GPT-2's ``Conv1D`` layers (a linear layer with its weight stored transposed,
``transformers.pytorch_utils.Conv1D``) are first turned into ``nn.Linear`` with the same
weights, so its attention and MLP projections are quantized too. Convolutions stay as
they are, and so does an ``nn.Linear`` whose weight is tied to another module (GPT-2's
output layer shares the token embedding: an int8 copy would add memory, not save it);
the summary says how many were quantized. The change in outputs is measured on one batch
against the unquantized model: the relative L2 error of the logits and, for classifiers,
the top-1 agreement.
"""

from __future__ import annotations

import copy
import warnings
from collections import Counter
from typing import Any

import torch
from torch import nn

from engine.core.config import FP8_NEEDS_GPU, ConfigError
from engine.core.summary import QuantReport
from engine.core.values import msg

FP8_MIN_CAPABILITY = (8, 9)  # torchao docs: Float8DynamicActivationFloat8WeightConfig


def check_quantize(quantize: str, device: torch.device) -> None:
    """Raise :class:`ConfigError` when ``device`` cannot run ``quantize`` (before building)."""
    if quantize != "fp8":
        return
    if device.type != "cuda":
        raise ConfigError("quantize", FP8_NEEDS_GPU)
    major, minor = torch.cuda.get_device_capability(device)
    if (major, minor) < FP8_MIN_CAPABILITY:
        raise ConfigError("quantize", msg("quantize.fp8_capability",
                                          capability=f"{major}.{minor}"))


class Bf16Inputs(nn.Module):
    """Runs ``module`` (in bf16) on bf16 copies of floating-point inputs, autocast off.

    Integer inputs (token ids) pass unchanged.
    """

    def __init__(self, module: nn.Module) -> None:
        super().__init__()
        self.module = module

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        """``module(*args, **kwargs)`` with floating tensors cast to ``torch.bfloat16``."""
        def cast(x: Any) -> Any:
            return x.to(torch.bfloat16) if torch.is_tensor(x) and x.is_floating_point() else x

        with torch.autocast(next(self.module.parameters()).device.type, enabled=False):
            return self.module(*[cast(a) for a in args],
                               **{k: cast(v) for k, v in kwargs.items()})


def conv1d_to_linear(module: nn.Module) -> int:
    """Replace every ``transformers`` ``Conv1D`` in ``module`` by an equal ``nn.Linear``.

    ``Conv1D(nf, nx)`` computes ``x @ W + b`` with ``W`` of shape ``[nx, nf]``; the
    ``nn.Linear(nx, nf)`` that replaces it holds ``W.T`` (same values, same device and
    dtype). Returns how many were replaced.
    """
    targets = [(name, m) for name, m in module.named_modules()
               if type(m).__name__ == "Conv1D" and hasattr(m, "nf") and m.weight.dim() == 2]
    for name, conv in targets:
        weight = conv.weight.detach()
        linear = nn.Linear(weight.shape[0], weight.shape[1], bias=conv.bias is not None,
                           device=weight.device, dtype=weight.dtype)
        with torch.no_grad():
            linear.weight.copy_(weight.t())
            if conv.bias is not None:
                linear.bias.copy_(conv.bias)
        parent_name, _, child = name.rpartition(".")
        setattr(module.get_submodule(parent_name) if parent_name else module, child, linear)
    return len(targets)


def untied_linears(module: nn.Module) -> list[str]:
    """Names of the plain ``nn.Linear`` layers of ``module`` whose weight is its own.

    Shared (tied) weights are left out, and so are subclasses: the ``out_proj`` of
    ``nn.MultiheadAttention`` is a ``NonDynamicallyQuantizableLinear`` that its fused
    attention reads directly (quantizing it broke ViT inference); PyTorch's own
    type-based quantization leaves it out too.
    """
    uses = Counter(id(p) for _, p in module.named_parameters(remove_duplicate=False))
    return [name for name, m in module.named_modules()
            if type(m) is nn.Linear and uses[id(m.weight)] == 1]


def quantize(runner: Any) -> QuantReport:
    """Quantize ``runner``'s module in place (its spec calls the quantized module).

    Raises:
        ConfigError: No library for this device, or no layer to quantize.
    """
    module: nn.Module = runner.module
    reference = copy.deepcopy(module).eval()
    conv1d_to_linear(module)
    names = untied_linears(module)
    tied = sum(type(m) is nn.Linear for m in module.modules()) - len(names)
    if not names:
        raise ConfigError("quantize", msg("quantize.no_linear_tied" if tied else
                                          "quantize.no_linear", model=runner.cfg.model))
    chosen = set(names)

    def pick(_m: nn.Module, fqn: str) -> bool:
        return fqn in chosen

    if runner.cfg.quantize == "fp8":  # the device was checked before building (check_quantize)
        try:
            from torchao.quantization import Float8DynamicActivationFloat8WeightConfig, quantize_
        except ImportError as exc:
            raise ConfigError("quantize", msg("quantize.fp8_torchao")) from exc
        module.to(torch.bfloat16)
        quantize_(module, Float8DynamicActivationFloat8WeightConfig(), filter_fn=pick)
        quantized: nn.Module = Bf16Inputs(module)
        method = "torchao Float8DynamicActivationFloat8WeightConfig"
    elif runner.device.type == "cpu":
        from torch.ao.quantization import quantize_dynamic

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # PyTorch marks the old API as deprecated
            quantized = quantize_dynamic(module, chosen, dtype=torch.qint8)
        method = "torch.ao.quantization.quantize_dynamic"
    else:
        try:
            from torchao.quantization import Int8WeightOnlyConfig, quantize_
        except ImportError as exc:
            raise ConfigError("quantize", msg("quantize.int8_torchao")) from exc
        quantized = module
        try:  # torchao 0.15+: version 2 stores Int8Tensor (version 1 is deprecated)
            config = Int8WeightOnlyConfig(version=2)
        except TypeError:
            config = Int8WeightOnlyConfig()
        quantize_(quantized, config, filter_fn=pick)
        method = "torchao Int8WeightOnlyConfig"
    runner.spec.module = quantized
    runner.module = quantized  # the fp32 weights are dropped: memory is the int8 model's
    del module
    inputs, _ = runner.spec.make_batch()
    with torch.inference_mode():
        y_q = runner.spec.forward(inputs).float()
        runner.spec.module = reference
        y = runner.spec.forward(inputs).float()
        runner.spec.module = quantized
    rel = float((y_q - y).norm() / y.norm().clamp_min(1e-12))
    agree = float((y_q.argmax(-1) == y.argmax(-1)).float().mean())
    del reference
    return QuantReport(len(names), method, tied, rel, agree)
