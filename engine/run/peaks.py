"""Peak dense compute rates per GPU and math mode, for MFU.

MFU (model FLOPs utilization) = achieved FLOP/s / the GPU's peak dense FLOP/s for the math
the run used: fp32 runs with TF32 off use the non-tensor FP32 rate, tf32 the TF32 Tensor
Core rate, bf16/fp16 the 16-bit Tensor Core rate (FP32 accumulate). Dense means without
2:4 structured sparsity: NVIDIA's datasheets print sparse figures, twice the dense ones, so
the sparse figures are halved here. A GPU not in the table gets no MFU (never a guess).

Sources (NVIDIA datasheets, figures in TFLOP/s):
  * H100 SXM5 and H200 SXM: "NVIDIA H100 Tensor Core GPU" datasheet and "NVIDIA H200
    Tensor Core GPU" datasheet: FP32 67, TF32 989*, BF16/FP16 1,979* (*with sparsity).
  * H100 PCIe: H100 datasheet: FP32 51, TF32 756*, BF16/FP16 1,513*.
  * H100 NVL: H100 datasheet: FP32 60, TF32 835*, BF16/FP16 1,671*.
  * H200 NVL: H200 datasheet: FP32 60, TF32 835*, BF16/FP16 1,671*.
  * A100 (SXM4 and PCIe, 40 and 80 GB): "NVIDIA A100 Tensor Core GPU" datasheet: FP32 19.5,
    TF32 156 (312*), BF16/FP16 312 (624*).
  * L40S: "NVIDIA L40S" datasheet: FP32 91.6, TF32 366*, BF16/FP16 733*.
  * A10: "NVIDIA A10 Tensor Core GPU" datasheet: FP32 31.2, TF32 125*, BF16/FP16 250*.
  * GeForce RTX 4090: "NVIDIA Ada GPU Architecture" whitepaper, appendix table: FP32 82.6,
    TF32 82.6 dense, FP16/BF16 with FP32 accumulate 165.2 dense.
  * V100 SXM2: "NVIDIA Tesla V100" datasheet: FP32 15.7, FP16 Tensor 125 (no TF32/BF16).
  * T4: "NVIDIA T4" datasheet: FP32 8.1, FP16 Tensor 65 (no TF32/BF16).
"""

from __future__ import annotations

import re

# (pattern on the NVML/torch device name, {math mode: dense TFLOP/s}); first match wins.
_TABLE: list[tuple[str, dict[str, float]]] = [
    (r"H200 NVL", {"fp32": 60.0, "tf32": 417.5, "bf16": 835.5, "fp16": 835.5}),
    (r"H200", {"fp32": 67.0, "tf32": 494.5, "bf16": 989.5, "fp16": 989.5}),
    (r"H100 NVL", {"fp32": 60.0, "tf32": 417.5, "bf16": 835.5, "fp16": 835.5}),
    (r"H100 PCIe", {"fp32": 51.0, "tf32": 378.0, "bf16": 756.5, "fp16": 756.5}),
    (r"H100", {"fp32": 67.0, "tf32": 494.5, "bf16": 989.5, "fp16": 989.5}),
    (r"A100", {"fp32": 19.5, "tf32": 156.0, "bf16": 312.0, "fp16": 312.0}),
    (r"L40S", {"fp32": 91.6, "tf32": 183.0, "bf16": 366.5, "fp16": 366.5}),
    (r"\bA10\b", {"fp32": 31.2, "tf32": 62.5, "bf16": 125.0, "fp16": 125.0}),
    (r"RTX 4090", {"fp32": 82.6, "tf32": 82.6, "bf16": 165.2, "fp16": 165.2}),
    (r"V100", {"fp32": 15.7, "fp16": 125.0}),
    (r"\bT4\b", {"fp32": 8.1, "fp16": 65.0}),
]


def peak_tflops(device_name: str, precision: str) -> float | None:
    """Peak dense TFLOP/s of ``device_name`` for ``precision``; ``None`` when unknown.

    Args:
        device_name: As NVML or ``torch.cuda.get_device_name`` reports it
            (``"NVIDIA H200"``, ``"NVIDIA A100-SXM4-80GB"``).
        precision: ``fp32`` (TF32 off), ``tf32``, ``bf16`` or ``fp16``.
    """
    for pattern, rates in _TABLE:
        if re.search(pattern, device_name):
            return rates.get(precision)
    return None
