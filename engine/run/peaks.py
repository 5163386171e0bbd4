"""Peak dense compute rates per GPU and math mode, for MFU.

MFU (model FLOPs utilization) = achieved FLOP/s / the GPU's peak dense FLOP/s for the math
the run used: fp32 runs with TF32 off use the non-tensor FP32 rate, tf32 the TF32 Tensor
Core rate, bf16/fp16 the 16-bit Tensor Core rate (FP32 accumulate). Dense means without
2:4 structured sparsity: NVIDIA's datasheets print sparse figures, twice the dense ones, so
the sparse figures are halved here. A GPU not in the table gets no MFU (never a guess).

Every entry is a dense rate (without 2:4 structured sparsity). Datasheets print the
Tensor Core figures with sparsity for most data-centre GPUs (marked * below: those are
halved here), and both figures ("dense | sparse") for others (the dense one is taken).
Sources, figures in TFLOP/s as printed (FP32 | TF32 | BF16/FP16 with FP32 accumulate):
  * H100 SXM5 and H200 SXM: "NVIDIA H100 Tensor Core GPU" and "NVIDIA H200 Tensor Core
    GPU" datasheets: 67 | 989* | 1,979*.
  * H100 PCIe: H100 datasheet: 51 | 756* | 1,513*.
  * H100 NVL and H200 NVL: H100 and H200 datasheets: 60 | 835* | 1,671*.
  * H20: "NVIDIA H20" product brief (dense): 44 | 74 | 148.
  * B200: "NVIDIA HGX B200" specifications, eight GPUs: TF32 18 PF*, BF16/FP16 36 PF*
    (per GPU: 1,125 and 2,250 dense); no FP32 figure per GPU is given: none here.
  * A100 (SXM4 and PCIe, 40 and 80 GB): "NVIDIA A100 Tensor Core GPU" datasheet:
    19.5 | 156 (312*) | 312 (624*).
  * L40S: "NVIDIA L40S" datasheet: 91.6 | 183 / 366 | 362.05 / 733.
  * L40: "NVIDIA L40" datasheet: 90.5 | 90.5 / 181 | 181.05 / 362.1.
  * L4: "NVIDIA L4 Tensor Core GPU" datasheet: 30.3 | 120* | 242*.
  * A10: "NVIDIA A10 Tensor Core GPU" datasheet: 31.2 | 125* | 250*.
  * RTX 6000 Ada: "NVIDIA Ada GPU Architecture" whitepaper, appendix table:
    91.1 | 182.1 / 364.2 | 364.2 / 728.5.
  * GeForce RTX 4090: the same appendix: 82.6 | 82.6 / 165.2 | 165.2 / 330.4 (GeForce
    cards run FP32 accumulate at half the FP16-accumulate rate).
  * GeForce RTX 4090 D: NVIDIA's product page (114 SMs at the 4090's 2.52 GHz boost, against
    the 4090's 128): the 4090's rates × 114/128 = 73.5 | 73.5 | 147.1.
  * GeForce RTX 5090: "NVIDIA RTX Blackwell GPU Architecture" whitepaper, appendix table:
    104.8 | 104.8 / 209.5 | 209.5 / 419.
  * Tesla V100 SXM2: "NVIDIA Tesla V100" datasheet: 15.7, FP16 Tensor 125 (no TF32 or BF16);
    V100 PCIe: 14, 112; V100S PCIe: "NVIDIA V100S" datasheet: 16.4, 130. Other V100 forms
    (FHHL, SXM3) are not told apart by name: none here.
  * T4: "NVIDIA T4" datasheet: 8.1, FP16 Tensor 65 (no TF32 or BF16).
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
    (r"\bH20\b", {"fp32": 44.0, "tf32": 74.0, "bf16": 148.0, "fp16": 148.0}),
    (r"\bB200\b", {"tf32": 1125.0, "bf16": 2250.0, "fp16": 2250.0}),
    (r"A100", {"fp32": 19.5, "tf32": 156.0, "bf16": 312.0, "fp16": 312.0}),
    (r"L40S", {"fp32": 91.6, "tf32": 183.0, "bf16": 362.05, "fp16": 362.05}),
    (r"\bL40\b", {"fp32": 90.5, "tf32": 90.5, "bf16": 181.05, "fp16": 181.05}),
    (r"\bL4\b", {"fp32": 30.3, "tf32": 60.0, "bf16": 121.0, "fp16": 121.0}),
    (r"\bA10\b", {"fp32": 31.2, "tf32": 62.5, "bf16": 125.0, "fp16": 125.0}),
    (r"RTX 6000 Ada", {"fp32": 91.1, "tf32": 182.1, "bf16": 364.2, "fp16": 364.2}),
    (r"RTX 4090 D", {"fp32": 73.5, "tf32": 73.5, "bf16": 147.1, "fp16": 147.1}),
    (r"RTX 4090", {"fp32": 82.6, "tf32": 82.6, "bf16": 165.2, "fp16": 165.2}),
    (r"RTX 5090", {"fp32": 104.8, "tf32": 104.8, "bf16": 209.5, "fp16": 209.5}),
    (r"V100S", {"fp32": 16.4, "fp16": 130.0}),
    (r"V100-PCIE", {"fp32": 14.0, "fp16": 112.0}),
    (r"V100-SXM2", {"fp32": 15.7, "fp16": 125.0}),
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
