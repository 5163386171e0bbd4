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
import math
import threading
import time
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

from engine.core.errors import ExplainedError
from engine.core.values import msg

READINGS = (
    "gpu_util", "memory", "power", "power_instant", "energy", "temperature", "sm_clock",
    "mem_clock", "clock_events", "pcie", "gpm",
)

# GPM metric ids (nvml.h, NVML_GPM_METRIC_*) -> Sample field names. Hopper and newer.
GPM_METRICS = {
    "sm_activity_pct": 2,  # NVML_GPM_METRIC_SM_UTIL: % of SMs busy
    "sm_occupancy_pct": 3,  # NVML_GPM_METRIC_SM_OCCUPANCY: % of warps resident vs max
    "tensor_activity_pct": 5,  # NVML_GPM_METRIC_ANY_TENSOR_UTIL
    "dram_bw_util_pct": 10,  # NVML_GPM_METRIC_DRAM_BW_UTIL: % of peak DRAM bandwidth
    "fp32_activity_pct": 12,  # NVML_GPM_METRIC_FP32_UTIL (non-tensor FP32 pipe)
    "fp16_activity_pct": 13,  # NVML_GPM_METRIC_FP16_UTIL (non-tensor FP16 pipe)
}
GPM_MIN_WINDOW_S = 0.1  # DESIGN.md: shorter GPM windows return nothing useful
_FI_DEV_POWER_INSTANT = 186  # NVML_FI_DEV_POWER_INSTANT, milliwatts
_PCIE_TX, _PCIE_RX = 0, 1  # NVML_PCIE_UTIL_TX_BYTES, NVML_PCIE_UTIL_RX_BYTES (KB/s)

# nvmlClocksEventReason* bits (nvml.h) -> short names
CLOCK_EVENT_NAMES = {
    0x1: "gpu_idle",
    0x2: "applications_clocks_setting",
    0x4: "sw_power_cap",
    0x8: "hw_slowdown",
    0x10: "sync_boost",
    0x20: "sw_thermal_slowdown",
    0x40: "hw_thermal_slowdown",
    0x80: "hw_power_brake_slowdown",
    0x100: "display_clock_setting",
}


def decode_clock_events(mask: int | None) -> list[str]:
    """Names of the clock-event (throttle) reasons set in ``mask``; ``[]`` for none."""
    if mask is None:
        return []
    return [name for bit, name in CLOCK_EVENT_NAMES.items() if mask & bit]


def _finite(value: float | None) -> float | None:
    """``None`` for a NaN or infinite reading (a driver glitch is a gap, not a number)."""
    if value is None or not math.isfinite(value):
        return None
    return value

# nvmlValueType_t (nvml.h NVML_VALUE_TYPE_*) -> the nvmlValue_t union member that holds it
_VALUE_MEMBERS = {0: "dVal", 1: "uiVal", 2: "ulVal", 3: "ullVal", 4: "sllVal", 5: "siVal",
                  6: "usVal"}
_TEMPERATURE_FN = "nvmlDeviceGetTemperature"  # deprecated, to be removed in CUDA 14
_TEMPERATURE_V_FN = "nvmlDeviceGetTemperatureV"  # its successor (versioned struct)
_CLOCK_EVENTS_FN = "nvmlDeviceGetCurrentClocksEventReasons"  # r535 and later
_CLOCK_THROTTLE_FN = "nvmlDeviceGetCurrentClocksThrottleReasons"  # its name before r535

_NOT_SUPPORTED = 3  # NVML_ERROR_NOT_SUPPORTED
_FUNCTION_NOT_FOUND = 13  # NVML_ERROR_FUNCTION_NOT_FOUND
_GPU_IS_LOST = 15  # NVML_ERROR_GPU_IS_LOST
_LIBRARY_NOT_FOUND = 12  # NVML_ERROR_LIBRARY_NOT_FOUND
_DRIVER_NOT_LOADED = 9  # NVML_ERROR_DRIVER_NOT_LOADED
_NO_PERMISSION = 4  # NVML_ERROR_NO_PERMISSION


class NvmlUnavailable(ExplainedError, RuntimeError):
    """NVML cannot be used on this machine; ``exc.msg`` says why, for the user."""


class GpuLost(ExplainedError, RuntimeError):
    """The GPU fell off the bus or stopped answering (``NVML_ERROR_GPU_IS_LOST``)."""


def _lost(index: int) -> GpuLost:
    return GpuLost(msg("nvml.gpu_lost", index=str(index)))


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
        memory_api: ``"nvmlMemory_v2"`` or ``"nvmlMemory_v1"`` (v1 counts memory the
            driver reserves as used), or ``None`` without memory readings.
    """

    index: int
    name: str
    uuid: str
    memory_total_bytes: int | None
    power_limit_w: float | None
    supported: dict[str, bool] = field(default_factory=dict)
    memory_api: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Plain dict for JSON output."""
        return {
            "index": self.index,
            "name": self.name,
            "uuid": self.uuid,
            "memory_total_bytes": self.memory_total_bytes,
            "power_limit_w": self.power_limit_w,
            "supported": dict(self.supported),
            "memory_api": self.memory_api,
        }


@dataclass(frozen=True)
class GpuReading:
    """One poll of one GPU; ``None`` where unsupported or skipped.

    Attributes:
        util_pct: Percent of the last sample period in which any kernel ran.
        mem_used_bytes, mem_total_bytes: Device memory (``nvmlMemory_v2`` where available).
        power_w: ``nvmlDeviceGetPowerUsage`` in watts (a 1 s average on recent GPUs).
        power_instant_w: ``NVML_FI_DEV_POWER_INSTANT`` in watts.
        energy_j: Total energy counter in joules since the driver loaded (raw, may reset).
        temperature_c: Core temperature (°C).
        sm_clock_mhz: SM clock (MHz).
        mem_clock_mhz: Memory clock (MHz).
        clock_event_reasons: Bitmask of why clocks are held down
            (:func:`decode_clock_events`).
        pcie_tx_bytes_per_s, pcie_rx_bytes_per_s: PCIe throughput (read on request only:
            NVML samples it over 20 ms per call).
    """

    util_pct: float | None = None
    mem_used_bytes: int | None = None
    mem_total_bytes: int | None = None
    power_w: float | None = None
    energy_j: float | None = None
    temperature_c: float | None = None
    sm_clock_mhz: float | None = None
    power_instant_w: float | None = None
    mem_clock_mhz: float | None = None
    clock_event_reasons: int | None = None
    pcie_tx_bytes_per_s: float | None = None
    pcie_rx_bytes_per_s: float | None = None


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
        self._gpm: dict[int, list[Any]] = {}  # index -> [previous sample, its time, spare]
        self._clock_events_fn: dict[int, str] = {}  # index -> function the driver has
        self._temperature_fn: dict[int, str] = {}  # index -> function the driver has
        self._missing_fns: set[tuple[int, str]] = set()  # (index, function) the driver lacks
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
                raise NvmlUnavailable(msg("nvml.no_binding")) from exc
            self._lib = pynvml
        try:
            self._lib.nvmlInit()
        except Exception as exc:
            value = _error_value(exc)
            why = {_LIBRARY_NOT_FOUND: msg("nvml.no_driver"),
                   _DRIVER_NOT_LOADED: msg("nvml.driver_not_loaded"),
                   _NO_PERMISSION: msg("nvml.no_permission")}.get(
                       value if value is not None else -1,
                       msg("nvml.init_failed", error=str(exc)))
            raise NvmlUnavailable(why) from exc
        self._initialized = True

    def shutdown(self) -> None:
        """Release NVML; safe to call twice."""
        if self._initialized:
            for prev, _, spare in self._gpm.values():
                for sample in (prev, spare):
                    with contextlib.suppress(Exception):
                        self._lib.nvmlGpmSampleFree(sample)
            self._gpm.clear()
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
            self._missing_fns.add((index, fn))
            return None
        except Exception as exc:
            code = _error_value(exc)
            if code == _GPU_IS_LOST:
                raise _lost(index) from exc
            if code in (_NOT_SUPPORTED, _FUNCTION_NOT_FOUND):
                supported[reading] = False
            if code == _FUNCTION_NOT_FOUND:  # the driver lacks the symbol
                self._missing_fns.add((index, fn))
            return None
        supported.setdefault(reading, True)
        return value

    def info(self, index: int) -> GpuInfo:
        """Static facts and the supported readings of GPU ``index`` (probes each reading).

        Raises:
            GpuLost: The GPU stopped answering.
        """
        try:
            name = self._lib.nvmlDeviceGetName(self._handle(index))
        except Exception as exc:
            # The first calls to a GPU that fell off the bus (nvmlDeviceGetHandleByIndex,
            # nvmlDeviceGetName) answer NVML_ERROR_GPU_IS_LOST here, outside _call: raise
            # the typed error the callers (Sampler, list_devices) catch, not pynvml's.
            if _error_value(exc) == _GPU_IS_LOST:
                raise _lost(index) from exc
            raise
        name = name.decode() if isinstance(name, bytes) else str(name)
        try:
            uuid = self._lib.nvmlDeviceGetUUID(self._handle(index))
            uuid = uuid.decode() if isinstance(uuid, bytes) else str(uuid)
        except Exception:  # noqa: BLE001
            uuid = ""
        limit_mw = self._call(index, "power_limit", "nvmlDeviceGetPowerManagementLimit")
        reading = self.read(index, energy=True, pcie=True)
        self._supported.setdefault(index, {})["gpm"] = self.gpm_supported(index)
        supported = {r: self._supported.get(index, {}).get(r, False) for r in READINGS}
        memory_api = None
        if reading.mem_total_bytes is not None:
            v1 = index in self._memory_v1 or not hasattr(self._lib, "nvmlMemory_v2")
            memory_api = "nvmlMemory_v1" if v1 else "nvmlMemory_v2"
        return GpuInfo(
            index=index,
            name=name,
            uuid=uuid,
            memory_total_bytes=reading.mem_total_bytes,
            power_limit_w=limit_mw / 1000.0 if limit_mw is not None else None,
            supported=supported,
            memory_api=memory_api,
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

    def _power_instant_mw(self, index: int) -> float | None:
        values = self._call(
            index, "power_instant", "nvmlDeviceGetFieldValues", [_FI_DEV_POWER_INSTANT]
        )
        if values is None:
            return None
        v = values[0]
        if v.nvmlReturn != 0:
            self._supported[index]["power_instant"] = False
            return None
        # the driver says which union member it filled (valueType); uiVal when it does not
        member = _VALUE_MEMBERS.get(getattr(v, "valueType", 1), "uiVal")
        return float(getattr(v.value, member))

    def _temperature(self, index: int) -> float | None:
        """Core temperature (°C).

        From the old call, or from its versioned successor on a driver that dropped it
        (NVML marks nvmlDeviceGetTemperature for removal in CUDA 14).
        """
        sensor = getattr(self._lib, "NVML_TEMPERATURE_GPU", 0)
        if self._temperature_fn.get(index) != _TEMPERATURE_V_FN:
            value = self._call(index, "temperature", _TEMPERATURE_FN, sensor)
            if ((index, _TEMPERATURE_FN) not in self._missing_fns
                    or not hasattr(self._lib, _TEMPERATURE_V_FN)):
                return value
            self._supported[index].pop("temperature")  # ask the successor once
            self._temperature_fn[index] = _TEMPERATURE_V_FN
        return self._call(index, "temperature", _TEMPERATURE_V_FN, sensor)

    def _clock_events(self, index: int) -> int | None:
        fn = self._clock_events_fn.get(index, _CLOCK_EVENTS_FN)
        if not hasattr(self._lib, fn):  # bindings before the rename
            fn = _CLOCK_THROTTLE_FN
        value = self._call(index, "clock_events", fn)
        if fn == _CLOCK_EVENTS_FN and self._supported[index].get("clock_events") is False:
            # r535 renamed ...ThrottleReasons to ...EventReasons (same bits). Bindings have
            # both names, but a driver before r535 exports only the old symbol, so pynvml
            # answers NVML_ERROR_FUNCTION_NOT_FOUND: ask the old name once before giving up.
            self._supported[index].pop("clock_events")
            self._clock_events_fn[index] = _CLOCK_THROTTLE_FN
            value = self._call(index, "clock_events", _CLOCK_THROTTLE_FN)
        return int(value) if value is not None else None

    def gpm_supported(self, index: int) -> bool:
        """Whether GPU ``index`` has GPM metrics (Hopper and newer)."""
        known = self._supported.get(index, {}).get("gpm")
        if known is not None:
            return known
        support = self._call(index, "gpm", "nvmlGpmQueryDeviceSupport")
        ok = bool(support is not None and getattr(support, "isSupportedDevice", 0))
        self._supported.setdefault(index, {})["gpm"] = ok
        return ok

    def read_gpm(self, index: int) -> dict[str, float | None] | None:
        """GPM metrics over the window since the previous call (see ``GPM_METRICS``).

        Returns ``None`` on the first call, when the window is shorter than
        ``GPM_MIN_WINDOW_S``, or when GPM is unsupported.

        Raises:
            GpuLost: The GPU stopped answering.
        """
        if not self.gpm_supported(index):
            return None
        lib = self._lib
        now = time.monotonic()
        state = self._gpm.get(index)
        try:
            with self._lock:
                if state is None:
                    # Kept before the first nvmlGpmSampleGet, which may fail: the samples
                    # are then reused by the next call and freed by shutdown(), not leaked
                    # (two more per call while a passing error lasts).
                    state = [lib.nvmlGpmSampleAlloc(), None, lib.nvmlGpmSampleAlloc()]
                    self._gpm[index] = state
                prev, t_prev, spare = state
                if t_prev is None:  # no first sample yet
                    lib.nvmlGpmSampleGet(self._handle(index), prev)
                    state[1] = now
                    return None
                if now - t_prev < GPM_MIN_WINDOW_S:
                    return None
                lib.nvmlGpmSampleGet(self._handle(index), spare)
                mg = lib.c_nvmlGpmMetricsGet_t()
                mg.version = lib.NVML_GPM_METRICS_GET_VERSION
                mg.numMetrics = len(GPM_METRICS)
                mg.sample1, mg.sample2 = prev, spare
                for i, metric_id in enumerate(GPM_METRICS.values()):
                    mg.metrics[i].metricId = metric_id
                lib.nvmlGpmMetricsGet(mg)
                self._gpm[index] = [spare, now, prev]
        except Exception as exc:
            if _error_value(exc) == _GPU_IS_LOST:
                raise _lost(index) from exc
            if _error_value(exc) in (_NOT_SUPPORTED, _FUNCTION_NOT_FOUND):
                self._supported[index]["gpm"] = False
            return None
        return {
            name: _finite(float(mg.metrics[i].value)) if mg.metrics[i].nvmlReturn == 0 else None
            for i, name in enumerate(GPM_METRICS)
        }

    def read(self, index: int, energy: bool = True, pcie: bool = False) -> GpuReading:
        """Poll GPU ``index``; NaN or infinite values come back as ``None``.

        Args:
            index: NVML index.
            energy: Also read the total-energy counter (about 4 ms per call on an H200,
                DESIGN.md; the sampler reads it at a lower rate).
            pcie: Also read PCIe throughput (NVML samples it over 20 ms per call).

        Raises:
            GpuLost: The GPU stopped answering.
        """
        util = self._call(index, "gpu_util", "nvmlDeviceGetUtilizationRates")
        mem = self._memory(index)
        power_mw = self._call(index, "power", "nvmlDeviceGetPowerUsage")
        energy_mj = (
            self._call(index, "energy", "nvmlDeviceGetTotalEnergyConsumption") if energy else None
        )
        temp = self._temperature(index)
        clock = self._call(
            index, "sm_clock", "nvmlDeviceGetClockInfo", getattr(self._lib, "NVML_CLOCK_SM", 1)
        )
        mem_clock = self._call(
            index, "mem_clock", "nvmlDeviceGetClockInfo", getattr(self._lib, "NVML_CLOCK_MEM", 2)
        )
        instant_mw = self._power_instant_mw(index)
        events = self._clock_events(index)
        tx = rx = None
        if pcie:
            tx = self._call(index, "pcie", "nvmlDeviceGetPcieThroughput", _PCIE_TX)
            rx = self._call(index, "pcie", "nvmlDeviceGetPcieThroughput", _PCIE_RX)

        def scaled(v: Any, k: float) -> float | None:
            return _finite(float(v) * k) if v is not None else None

        return GpuReading(
            util_pct=scaled(util.gpu, 1.0) if util is not None else None,
            mem_used_bytes=int(mem.used) if mem is not None else None,
            mem_total_bytes=int(mem.total) if mem is not None else None,
            power_w=scaled(power_mw, 1e-3),  # milliwatts -> W
            energy_j=scaled(energy_mj, 1e-3),  # millijoules -> J
            temperature_c=scaled(temp, 1.0),
            sm_clock_mhz=scaled(clock, 1.0),
            power_instant_w=scaled(instant_mw, 1e-3),
            mem_clock_mhz=scaled(mem_clock, 1.0),
            clock_event_reasons=events,
            pcie_tx_bytes_per_s=scaled(tx, 1024.0),  # KB/s -> bytes/s
            pcie_rx_bytes_per_s=scaled(rx, 1024.0),
        )
