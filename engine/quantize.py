"""int8 and fp8 inference through a maintained library, and how far they move the outputs.

int8 on the CPU: PyTorch's dynamic quantization (``torch.ao.quantization.quantize_dynamic``):
``nn.Linear`` weights stored as int8, activations quantized on the fly. int8 on a GPU:
torchao's ``Int8WeightOnlyConfig`` when torchao is installed. fp8: torchao's
``Float8DynamicActivationFloat8WeightConfig`` (e4m3 weights and activations, per-tensor
scales; torchao requires CUDA compute capability 8.9 or newer: Ada, Hopper, Blackwell)
on the model converted to bf16; the rest of the model runs in bf16 with autocast off, so
nothing casts the fp8 weights back. Layers that are not ``nn.Linear``
(convolutions, GPT-2's ``Conv1D``) stay as they are; the summary says how many were
quantized. The change in outputs is measured on one batch against the unquantized model:
the relative L2 error of the logits and, for classifiers, the top-1 agreement.
"""

from __future__ import annotations

import copy
import warnings
from dataclasses import dataclass
from typing import Any

import torch
from torch import nn

from engine.config import FP8_NEEDS_GPU, ConfigError


@dataclass(frozen=True)
class QuantizeResult:
    """What quantization did.

    Attributes:
        layers: ``nn.Linear`` layers quantized.
        method: The library call, in words.
        output_rel_error: ``‖y_q − y‖₂ / ‖y‖₂`` of the logits on one batch.
        top1_agreement: Share of samples (or tokens) whose argmax did not change.
    """

    layers: int
    method: str
    output_rel_error: float
    top1_agreement: float


FP8_MIN_CAPABILITY = (8, 9)  # torchao docs: Float8DynamicActivationFloat8WeightConfig


def check_quantize(quantize: str, device: torch.device) -> None:
    """Raise :class:`ConfigError` when ``device`` cannot run ``quantize`` (before building)."""
    if quantize != "fp8":
        return
    if device.type != "cuda":
        raise ConfigError("quantize", FP8_NEEDS_GPU)
    major, minor = torch.cuda.get_device_capability(device)
    if (major, minor) < FP8_MIN_CAPABILITY:
        raise ConfigError("quantize", f"this GPU has compute capability {major}.{minor}; fp8 "
                          "needs 8.9 or newer (Ada, Hopper, Blackwell); use int8 or bf16")


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


def quantize(runner: Any) -> QuantizeResult:
    """Quantize ``runner``'s module in place (its spec calls the quantized module).

    Raises:
        ConfigError: No library for this device, or no layer to quantize.
    """
    module: nn.Module = runner.module
    layers = sum(isinstance(m, nn.Linear) for m in module.modules())
    if layers == 0:
        raise ConfigError("quantize", f"{runner.cfg.model} has no nn.Linear layer to quantize")
    reference = copy.deepcopy(module).eval()
    if runner.cfg.quantize == "fp8":  # the device was checked before building (check_quantize)
        try:
            from torchao.quantization import Float8DynamicActivationFloat8WeightConfig, quantize_
        except ImportError as exc:
            raise ConfigError("quantize", "fp8 needs torchao (pip install torchao)") from exc
        module.to(torch.bfloat16)
        quantize_(module, Float8DynamicActivationFloat8WeightConfig())
        quantized: nn.Module = Bf16Inputs(module)
        method = "torchao Float8DynamicActivationFloat8WeightConfig (e4m3, per tensor)"
    elif runner.device.type == "cpu":
        from torch.ao.quantization import quantize_dynamic

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # PyTorch marks the old API as deprecated
            quantized = quantize_dynamic(module, {nn.Linear}, dtype=torch.qint8)
        method = "torch.ao.quantization.quantize_dynamic (int8 nn.Linear weights)"
    else:
        try:
            from torchao.quantization import Int8WeightOnlyConfig, quantize_
        except ImportError as exc:
            raise ConfigError("quantize", "int8 on a GPU needs torchao (pip install "
                              "torchao); on the CPU use --device cpu") from exc
        quantized = module
        quantize_(quantized, Int8WeightOnlyConfig())
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
    return QuantizeResult(layers, method, rel, agree)
