"""int8 inference through a maintained library, and how far it moves the outputs.

On the CPU: PyTorch's dynamic quantization (``torch.ao.quantization.quantize_dynamic``):
``nn.Linear`` weights stored as int8, activations quantized on the fly. On a GPU: torchao's
``Int8WeightOnlyConfig`` when torchao is installed. Layers that are not ``nn.Linear``
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

from engine.config import ConfigError


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
    if runner.device.type == "cpu":
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
