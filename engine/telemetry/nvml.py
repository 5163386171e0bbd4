"""The one module that calls NVML (STYLE.md 3).

Each reading is read on its own; ``NVML_ERROR_NOT_SUPPORTED`` (and a function the driver
lacks) turns that reading into ``None`` and marks it unsupported, ``NVML_ERROR_GPU_IS_LOST``
raises :class:`GpuLost`, and a missing library or driver raises :class:`NvmlUnavailable`
with a sentence a user can act on. Units are in names: NVML gives power in milliwatts and
energy in millijoules; this module converts to watts and joules.

``lib`` is the ``pynvml`` module (from the ``nvidia-ml-py`` distribution) or, in tests, a
fake with the same function names.
"""

from __future__ import annotations

import contextlib
import threading
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

READINGS = ("gpu_util", "memory", "power", "energy", "temperature", "sm_clock")

_NOT_SUPPORTED = 3  # NVML_ERROR_NOT_SUPPORTED
_FUNCTION_NOT_FOUND = 13  # NVML_ERROR_FUNCTION_NOT_FOUND
_GPU_IS_LOST = 15  # NVML_ERROR_GPU_IS_LOST
_LIBRARY_NOT_FOUND = 12  # NVML_ERROR_LIBRARY_NOT_FOUND
_DRIVER_NOT_LOADED = 9  # NVML_ERROR_DRIVER_NOT_LOADED
_NO_PERMISSION = 4  # NVML_ERROR_NO_PERMISSION


class NvmlUnavailable(RuntimeError):
    """NVML cannot be used on this machine; ``str(exc)`` says why, for the user."""


class GpuLost(RuntimeError):
    """The GPU fell off the bus or stopped answering (``NVML_ERROR_GPU_IS_LOST``)."""


@dataclass(frozen=True)
class GpuInfo:
    """Static facts about one GPU.

    Attributes:
        index: NVML index (the order ``nvidia-smi`` shows; may differ from CUDA's order
            unless ``CUDA_DEVICE_ORDER=PCI_BUS_ID``).
        name: Marketing name, e.g. ``"NVIDIA H200"``.
        uuid: ``GPU-…`` identifier, or ``""`` when unavailable.
        memory_total_bytes: Device memory, or ``None``.
        power_limit_w: Enforced power limit (W), or ``None``.
        supported: Reading name (see ``READINGS``) -> whether this GPU supports it.
    """

    index: int
    name: str
    uuid: str
    memory_total_bytes: int | None
    power_limit_w: float | None
    supported: dict[str, bool] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Plain dict for JSON output."""
        return {
            "index": self.index,
            "name": self.name,
            "uuid": self.uuid,
            "memory_total_bytes": self.memory_total_bytes,
            "power_limit_w": self.power_limit_w,
            "supported": dict(self.supported),
        }


@dataclass(frozen=True)
class GpuReading:
    """One poll of one GPU; ``None`` where unsupported or skipped.

    Attributes:
        util_pct: Percent of the last sample period in which any kernel ran.
        mem_used_bytes, mem_total_bytes: Device memory (``nvmlMemory_v2`` where available).
        power_w: ``nvmlDeviceGetPowerUsage`` in watts (a 1 s average on recent GPUs).
        energy_j: Total energy counter in joules since the driver loaded (raw, may reset).
        temperature_c: Core temperature (°C).
        sm_clock_mhz: SM clock (MHz).
    """

    util_pct: float | None = None
    mem_used_bytes: int | None = None
    mem_total_bytes: int | None = None
    power_w: float | None = None
    energy_j: float | None = None
    temperature_c: float | None = None
    sm_clock_mhz: float | None = None


def _error_value(exc: BaseException) -> int | None:
    return getattr(exc, "value", None)


class Nvml:
    """A thread-safe wrapper around one NVML session.

    Args:
        lib: The ``pynvml`` module or a fake; ``None`` imports ``pynvml`` on :meth:`init`.
    """

    def __init__(self, lib: ModuleType | Any | None = None) -> None:
        self._lib: Any = lib
        self._lock = threading.Lock()
        self._handles: dict[int, Any] = {}
        self._supported: dict[int, dict[str, bool]] = {}
        self._memory_v1: set[int] = set()  # GPUs that refused nvmlMemory_v2
        self._initialized = False

    @property
    def lib(self) -> Any:
        """The NVML binding in use (after :meth:`init`)."""
        return self._lib

    def init(self) -> None:
        """Load NVML and initialize it.

        Raises:
            NvmlUnavailable: The Python binding, the library or the driver is missing, or
                NVML failed to start; the message says which and what to do.
        """
        if self._initialized:
            return
        if self._lib is None:
            try:
                import pynvml
            except ImportError as exc:
                raise NvmlUnavailable(
                    "the nvidia-ml-py package is not installed (pip install nvidia-ml-py)"
                ) from exc
            self._lib = pynvml
        try:
            self._lib.nvmlInit()
        except Exception as exc:
            value = _error_value(exc)
            if value == _LIBRARY_NOT_FOUND:
                msg = "no NVIDIA driver found (libnvidia-ml could not be loaded)"
            elif value == _DRIVER_NOT_LOADED:
                msg = "the NVIDIA driver is not loaded (is the kernel module running?)"
            elif value == _NO_PERMISSION:
                msg = "no permission to read the NVIDIA driver (NVML); check device permissions"
            else:
                msg = f"NVML failed to initialize: {exc}"
            raise NvmlUnavailable(msg) from exc
        self._initialized = True

    def shutdown(self) -> None:
        """Release NVML; safe to call twice."""
        if self._initialized:
            with contextlib.suppress(Exception):  # shutting down, nothing to report to
                self._lib.nvmlShutdown()
            self._initialized = False
            self._handles.clear()

    def driver_version(self) -> str | None:
        """Driver version string, or ``None``."""
        try:
            v = self._lib.nvmlSystemGetDriverVersion()
        except Exception:  # noqa: BLE001
            return None
        return v.decode() if isinstance(v, bytes) else str(v)

    def device_count(self) -> int:
        """Number of GPUs NVML sees."""
        return int(self._lib.nvmlDeviceGetCount())

    def _handle(self, index: int) -> Any:
        if index not in self._handles:
            self._handles[index] = self._lib.nvmlDeviceGetHandleByIndex(index)
        return self._handles[index]

    def _call(self, index: int, reading: str, fn: str, *args: Any) -> Any:
        """Call ``fn(handle, *args)``; ``None`` when unsupported; :class:`GpuLost` if lost."""
        supported = self._supported.setdefault(index, {})
        if supported.get(reading) is False:
            return None
        try:
            with self._lock:
                value = getattr(self._lib, fn)(self._handle(index), *args)
        except AttributeError:
            supported[reading] = False  # the binding has no such function
            return None
        except Exception as exc:
            code = _error_value(exc)
            if code == _GPU_IS_LOST:
                raise GpuLost(f"GPU {index} is lost (fell off the bus or hung)") from exc
            if code in (_NOT_SUPPORTED, _FUNCTION_NOT_FOUND):
                supported[reading] = False
            return None
        supported.setdefault(reading, True)
        return value

    def info(self, index: int) -> GpuInfo:
        """Static facts and the supported readings of GPU ``index`` (probes each reading)."""
        name = self._lib.nvmlDeviceGetName(self._handle(index))
        name = name.decode() if isinstance(name, bytes) else str(name)
        try:
            uuid = self._lib.nvmlDeviceGetUUID(self._handle(index))
            uuid = uuid.decode() if isinstance(uuid, bytes) else str(uuid)
        except Exception:  # noqa: BLE001
            uuid = ""
        limit_mw = self._call(index, "power_limit", "nvmlDeviceGetPowerManagementLimit")
        reading = self.read(index, energy=True)
        supported = {r: self._supported.get(index, {}).get(r, False) for r in READINGS}
        return GpuInfo(
            index=index,
            name=name,
            uuid=uuid,
            memory_total_bytes=reading.mem_total_bytes,
            power_limit_w=limit_mw / 1000.0 if limit_mw is not None else None,
            supported=supported,
        )

    def supported(self, index: int) -> dict[str, bool]:
        """Reading name -> supported, as learned so far (probe with :meth:`info`)."""
        return {r: self._supported.get(index, {}).get(r, False) for r in READINGS}

    def _memory(self, index: int) -> Any:
        v2 = getattr(self._lib, "nvmlMemory_v2", None)
        if v2 is not None and index not in self._memory_v1:
            mem = self._call(index, "memory", "nvmlDeviceGetMemoryInfo", v2)
            if mem is not None:
                return mem
            self._memory_v1.add(index)  # v2 refused: use v1 from now on
            self._supported[index].pop("memory", None)
        return self._call(index, "memory", "nvmlDeviceGetMemoryInfo")

    def read(self, index: int, energy: bool = True) -> GpuReading:
        """Poll GPU ``index``.

        Args:
            index: NVML index.
            energy: Also read the total-energy counter (about 4 ms per call on an H200,
                DESIGN.md; the sampler reads it at a lower rate).

        Raises:
            GpuLost: The GPU stopped answering.
        """
        util = self._call(index, "gpu_util", "nvmlDeviceGetUtilizationRates")
        mem = self._memory(index)
        power_mw = self._call(index, "power", "nvmlDeviceGetPowerUsage")
        energy_mj = (
            self._call(index, "energy", "nvmlDeviceGetTotalEnergyConsumption") if energy else None
        )
        temp = self._call(
            index, "temperature", "nvmlDeviceGetTemperature",
            getattr(self._lib, "NVML_TEMPERATURE_GPU", 0),
        )
        clock = self._call(
            index, "sm_clock", "nvmlDeviceGetClockInfo", getattr(self._lib, "NVML_CLOCK_SM", 1)
        )
        return GpuReading(
            util_pct=float(util.gpu) if util is not None else None,
            mem_used_bytes=int(mem.used) if mem is not None else None,
            mem_total_bytes=int(mem.total) if mem is not None else None,
            power_w=power_mw / 1000.0 if power_mw is not None else None,
            energy_j=energy_mj / 1000.0 if energy_mj is not None else None,
            temperature_c=float(temp) if temp is not None else None,
            sm_clock_mhz=float(clock) if clock is not None else None,
        )
