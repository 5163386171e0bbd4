"""What devices this machine has, found through NVML (no torch, no CUDA context)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from engine.core.config import ConfigError, RunConfig
from engine.core.format import text
from engine.core.values import Msg, msg, to_plain
from engine.session.telemetry.nvml import GpuInfo, GpuLost, Nvml, NvmlUnavailable


@dataclass(frozen=True)
class DevicesReport:
    """NVIDIA GPUs NVML sees.

    Attributes:
        available: True when NVML works and sees at least one GPU.
        msg: Why there is no GPU, or the driver version when there is.
        gpus: One :class:`GpuInfo` per GPU, with the readings each supports.
        driver_version: The NVIDIA driver version, or ``None``.
    """

    available: bool
    msg: Msg
    gpus: list[GpuInfo] = field(default_factory=list)
    driver_version: str | None = None

    @property
    def message(self) -> str:
        """:attr:`msg` in English."""
        return text(self.msg)

    def to_dict(self) -> dict[str, Any]:
        """Plain dict for ``trainfer devices --json``."""
        return {
            "available": self.available,
            "message": self.message,
            "msg": to_plain(self.msg),
            "driver_version": self.driver_version,
            "gpus": [g.to_dict() for g in self.gpus],
        }


def list_devices(nvml: Nvml | None = None) -> DevicesReport:
    """Probe NVML once; never raises (a missing driver is a report, not an error)."""
    nvml = nvml if nvml is not None else Nvml()
    try:
        nvml.init()
    except NvmlUnavailable as exc:
        return DevicesReport(False, exc.msg)
    try:
        driver = nvml.driver_version()
        gpus = []
        for i in range(nvml.device_count()):
            try:
                gpus.append(nvml.info(i))
            except GpuLost as exc:
                return DevicesReport(False, exc.msg, gpus, driver)
    except Exception as exc:  # noqa: BLE001 - report any NVML failure to the user
        return DevicesReport(False, msg("sampler.nvml_failed", error=str(exc)))
    finally:
        nvml.shutdown()
    if not gpus:
        return DevicesReport(False, msg("devices.no_gpu"), [], driver)
    return DevicesReport(True, msg("devices.driver", version=driver), gpus, driver)


def preflight(cfg: RunConfig, report: DevicesReport) -> None:
    """Checks that need the hardware but not torch, so a user hears about them at once.

    Raises:
        ConfigError: CUDA requested with no GPU, a GPU index that does not exist, or
            tf32 on the CPU.
    """
    if cfg.device_kind == "cuda":
        if not report.available:
            raise ConfigError("device", msg("devices.requested_none", device=cfg.device,
                                            why=report.msg))
        index = int(cfg.device.split(":")[1]) if ":" in cfg.device else 0
        if index >= len(report.gpus):
            raise ConfigError("device", msg("devices.missing", device=cfg.device, gpus=[
                f"cuda:{g.index} ({g.name})" for g in report.gpus]))
    will_use_cpu = cfg.device == "cpu" or (cfg.device == "auto" and not report.available)
    if will_use_cpu and cfg.precision == "tf32":
        raise ConfigError("precision", msg("devices.tf32_cpu"))
