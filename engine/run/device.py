"""The run's device and math mode: resolved and checked before anything is built.

Checks that need torch happen here, in the run process (the session checks what NVML
alone can tell first: :func:`engine.session.devices.preflight`).
"""

from __future__ import annotations

import platform
from contextlib import AbstractContextManager, nullcontext
from typing import Any

import torch

from engine.core.config import ConfigError
from engine.core.values import msg

AUTOCAST_DTYPES = {"bf16": torch.bfloat16, "fp16": torch.float16}


def resolve_device(requested: str) -> torch.device:
    """Turn ``auto``/``cpu``/``cuda``/``cuda:N`` into a usable ``torch.device``.

    Raises:
        ConfigError: CUDA was asked for and torch sees no CUDA device, or the index is
            out of range.
    """
    if requested == "auto":
        return torch.device("cuda:0" if torch.cuda.is_available() else "cpu")
    if requested == "cpu":
        return torch.device("cpu")
    if not torch.cuda.is_available():
        why = ("device.no_cuda_build" if torch.version.cuda is None else "device.no_cuda_device")
        raise ConfigError("device", msg("device.unusable", device=requested, why=msg(why)))
    index = int(requested.split(":")[1]) if ":" in requested else 0
    count = torch.cuda.device_count()
    if index >= count:
        raise ConfigError("device", msg("device.missing_index", device=requested,
                                        last=count - 1))
    return torch.device(f"cuda:{index}")


def device_name(device: torch.device) -> str:
    """GPU name from torch, or the CPU model from /proc/cpuinfo (or ``platform``)."""
    if device.type == "cuda":
        return torch.cuda.get_device_name(device)
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "CPU"


def check_precision(precision: str, device: torch.device) -> None:
    """Raise :class:`ConfigError` when ``device`` cannot run ``precision``.

    tf32 is an NVIDIA Ampere-or-newer math mode; bf16 needs compute capability 8.0 on a
    GPU; on a CPU, bf16/fp16 autocast is probed with one small matrix multiply.
    """
    if precision == "tf32":
        if device.type != "cuda":
            raise ConfigError("precision", msg("device.tf32_gpu_only"))
        if torch.cuda.get_device_capability(device)[0] < 8:
            raise ConfigError("precision", msg("device.tf32_ampere"))
    if precision == "bf16" and device.type == "cuda" and not torch.cuda.is_bf16_supported():
        raise ConfigError("precision", msg("device.no_bf16"))
    if precision in AUTOCAST_DTYPES and device.type == "cpu":
        try:
            with torch.autocast("cpu", dtype=AUTOCAST_DTYPES[precision]):
                torch.ones(4, 4) @ torch.ones(4, 4)
        except (RuntimeError, AssertionError) as exc:
            raise ConfigError("precision", msg("device.cpu_autocast", precision=precision,
                                               reason=str(exc))) from exc


def check_kernels(kernels: str, device: torch.device) -> None:
    """Raise :class:`ConfigError` when ``device`` cannot run ``kernels``."""
    if kernels == "cudagraphs" and device.type != "cuda":
        raise ConfigError("kernels", msg("device.cudagraphs_gpu_only"))


def set_math_mode(precision: str) -> None:
    """fp32 means true fp32 (TF32 off); tf32 turns TF32 on for matmuls and convolutions."""
    tf32 = precision == "tf32"
    torch.backends.cuda.matmul.allow_tf32 = tf32
    torch.backends.cudnn.allow_tf32 = tf32


def autocast(precision: str, device: torch.device) -> AbstractContextManager[Any]:
    """bf16/fp16 autocast on ``device``; fp32 and tf32 need no context."""
    if precision in AUTOCAST_DTYPES:
        return torch.autocast(device.type, dtype=AUTOCAST_DTYPES[precision])
    return nullcontext()


def sync(device: torch.device) -> None:
    """Wait for the device's queued work (a no-op on the CPU, whose work is synchronous)."""
    if device.type == "cuda":
        torch.cuda.synchronize(device)
