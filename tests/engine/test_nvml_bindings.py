"""engine/telemetry/nvml.py over the real ``pynvml``, with only libnvidia-ml faked.

tests/fake_nvml.py replaces the whole ``pynvml`` module, so the real bindings (their ctypes
structs, struct versions, symbol names and argument types) never run there. Here
``pynvml`` is the installed nvidia-ml-py, untouched except for its loaded C library:
``pynvml.nvmlLib`` (what ``CDLL("libnvidia-ml.so.1")`` returns) is replaced by
:class:`FakeLibNvidiaMl`, whose symbols are ``ctypes.CFUNCTYPE`` objects with the
prototypes of nvml.h. Calling one marshals the arguments as a call into the real library
would (a pointer to the wrong struct raises ``ctypes.ArgumentError``), and its Python body
behaves like the driver of an H200: it checks struct versions, writes through the
pointers and returns an ``nvmlReturn_t``. Every constant nvml.py hard-codes is checked
against the one pynvml (a transcription of nvml.h) defines.
"""

from __future__ import annotations

import ctypes
import time
import traceback
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import pynvml
import pytest

from engine.session.telemetry import nvml as nvml_mod
from engine.session.telemetry.nvml import (
    CLOCK_EVENT_NAMES,
    GPM_METRICS,
    READINGS,
    GpuLost,
    Nvml,
    NvmlUnavailable,
    decode_clock_events,
)
from engine.session.telemetry.sampler import Sampler

SUCCESS = 0
INVALID_ARGUMENT = 2
NOT_SUPPORTED = 3
NO_PERMISSION = 4
INSUFFICIENT_SIZE = 7
DRIVER_NOT_LOADED = 9
TIMEOUT = 10
GPU_IS_LOST = 15
ARGUMENT_VERSION_MISMATCH = 25
UNKNOWN = 999

# nvml.h's struct versions, written out here so the fake checks pynvml rather than trusting
# it: NVML_STRUCT_VERSION(Memory, 2) = sizeof(nvmlMemory_v2_t) | 2 << 24, and the struct is
# {unsigned int version; unsigned long long total, reserved, free, used;}: 40 bytes on LP64.
MEMORY_V2 = 40 | 2 << 24
GPM_METRICS_GET_VERSION = 1  # NVML_GPM_METRICS_GET_VERSION
GPM_SUPPORT_VERSION = 1  # NVML_GPM_SUPPORT_VERSION

# Which NVML GPM metric each Sample field means (the field docs in engine/events.py).
GPM_FIELD_METRICS = {
    "sm_activity_pct": "NVML_GPM_METRIC_SM_UTIL",
    "sm_occupancy_pct": "NVML_GPM_METRIC_SM_OCCUPANCY",
    "tensor_activity_pct": "NVML_GPM_METRIC_ANY_TENSOR_UTIL",
    "dram_bw_util_pct": "NVML_GPM_METRIC_DRAM_BW_UTIL",
    "fp32_activity_pct": "NVML_GPM_METRIC_FP32_UTIL",
    "fp16_activity_pct": "NVML_GPM_METRIC_FP16_UTIL",
}

_UINT_P = ctypes.POINTER(ctypes.c_uint)
_ULL_P = ctypes.POINTER(ctypes.c_ulonglong)
_CHAR_P = ctypes.POINTER(ctypes.c_char)  # pynvml passes create_string_buffer(...) arrays
_DEVICE = pynvml.c_nvmlDevice_t
_SAMPLE = pynvml.c_nvmlGpmSample_t


def _c(*argtypes: Any) -> Callable[[Callable[..., int]], Callable[..., int]]:
    """Mark a :class:`FakeLibNvidiaMl` method as the C function of the same name.

    Args:
        *argtypes: The ctypes parameter types of its nvml.h prototype (it returns
            ``nvmlReturn_t``, a C int, as ``CDLL`` assumes when pynvml sets no ``restype``).
    """

    def mark(method: Callable[..., int]) -> Callable[..., int]:
        method.argtypes = argtypes  # type: ignore[attr-defined]
        return method

    return mark


class _Refuse(Exception):
    """Raised inside a fake C function to return ``code`` to the caller."""

    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code


class ManualClock:
    """A clock the test moves; shared by the fake driver and nvml.py's GPM window."""

    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        """Now (seconds)."""
        return self.t


@dataclass
class FakeGpu:
    """What one H200 reports, in NVML's units (milliwatts, millijoules, KB/s, MHz)."""

    name: str = "NVIDIA H200"
    uuid: str = "GPU-5f0d3a1e-0000-4c4c-9a8e-h200000000"
    memory_total: int = 150_754_820_096  # 143 771 MiB
    memory_reserved: int = 569_376_768  # held by the driver; nvmlMemory_v1 counts it as used
    memory_used: int = 81_604_378_624  # allocated by processes (nvmlMemory_v2 "used")
    util_gpu_pct: int = 97
    util_memory_pct: int = 61
    power_limit_mw: int = 700_000
    power_mw: int = 676_418  # nvmlDeviceGetPowerUsage: a 1 s average on Hopper
    power_instant_mw: int = 689_250  # NVML_FI_DEV_POWER_INSTANT
    energy_mj: float = 5_123_456_789_012.0  # far above 2**32: the counter is 64-bit
    temperature_c: int = 52
    # distinct per clock type (a real H200 reports graphics == SM) so a swapped id shows
    clocks_mhz: dict[int, int] = field(default_factory=lambda: {
        pynvml.NVML_CLOCK_GRAPHICS: 1755, pynvml.NVML_CLOCK_SM: 1980, pynvml.NVML_CLOCK_MEM: 3201,
    })
    clock_event_reasons: int = (
        pynvml.nvmlClocksEventReasonSwPowerCap | pynvml.nvmlClocksEventReasonSwThermalSlowdown
    )
    pcie_kb_per_s: dict[int, int] = field(default_factory=lambda: {
        pynvml.NVML_PCIE_UTIL_TX_BYTES: 1_250_000, pynvml.NVML_PCIE_UTIL_RX_BYTES: 7_600_000,
    })
    power_instant_field: bool = True  # per-field nvmlReturn NOT_SUPPORTED when False
    power_instant_type: int = pynvml.NVML_VALUE_TYPE_UNSIGNED_INT  # the union member filled
    gpm: bool = True  # nvmlGpmSupport_t.isSupportedDevice (Hopper: yes, Ampere: no)
    # GPM rates (%), one distinct value per nvml.h metric so a wrong id shows
    gpm_pct: dict[int, float] = field(default_factory=lambda: {
        getattr(pynvml, f"NVML_GPM_METRIC_{name}"): pct for name, pct in {
            "GRAPHICS_UTIL": 98.5, "SM_UTIL": 71.5, "SM_OCCUPANCY": 42.25,
            "INTEGER_UTIL": 9.0, "ANY_TENSOR_UTIL": 63.0, "DRAM_BW_UTIL": 55.5,
            "FP64_UTIL": 0.25, "FP32_UTIL": 12.0, "FP16_UTIL": 3.5,
        }.items()
    })
    lost: bool = False  # every call about this GPU answers NVML_ERROR_GPU_IS_LOST
    gpm_integral: dict[int, float] = field(default_factory=dict)  # % x seconds


class _Cdll:
    """What ``pynvml.nvmlLib`` holds: C symbols looked up by name, as on ``ctypes.CDLL``."""

    def __init__(self, driver: FakeLibNvidiaMl) -> None:
        self._driver = driver

    def __getattr__(self, name: str) -> Any:
        return self._driver.symbol(name)


class _ErrorString:
    """``nvmlErrorString``: pynvml sets ``restype = c_char_p`` on it and wants bytes."""

    restype: Any = None

    def __call__(self, code: int) -> bytes:
        return f"NVML error {code}".encode()


class FakeLibNvidiaMl:
    """libnvidia-ml.so.1 of a machine with H200s, behind real ctypes prototypes.

    Args:
        gpus: How many GPUs the driver sees.
        clock: Driver time (seconds); energy and GPM counters integrate over it.

    Attributes:
        fail: C function name -> ``nvmlReturn_t`` it answers instead of running.
        missing: C symbols the library lacks (an older driver); pynvml then raises
            ``NVML_ERROR_FUNCTION_NOT_FOUND``.
        calls: Calls per C function name, and per ``name[argument]`` where an enum argument
            picks the reading (clock type, PCIe counter, temperature sensor).
        faults: Exceptions raised inside a fake C function (a ctypes callback would print
            and swallow them, so they are kept here and the fixture fails on any).
        violations: Calls that break nvml.h's contract (wrong struct version, unknown
            handle, samples in the wrong order...), which the real driver would refuse.
    """

    def __init__(self, gpus: int = 1, clock: Callable[[], float] | None = None) -> None:
        self.gpus = [FakeGpu() for _ in range(gpus)]
        for i, gpu in enumerate(self.gpus[1:], start=1):
            gpu.uuid = gpu.uuid[:-1] + str(i)
            gpu.power_mw += 10_000 * i
        self.clock: Callable[[], float] = clock or ManualClock()
        self._last = self.clock()
        self.fail: dict[str, int] = {}
        self.missing: set[str] = set()
        self.calls: Counter[str] = Counter()
        self.faults: list[str] = []
        self.violations: list[str] = []
        self.initialized = False
        # handles: a real, live address per GPU, like the driver's opaque pointers
        self._handle_buffers = [ctypes.create_string_buffer(16) for _ in self.gpus]
        self._handle_index = {ctypes.addressof(b): i for i, b in enumerate(self._handle_buffers)}
        self.gpm_buffers: dict[int, Any] = {}  # address -> buffer of an allocated sample
        self.gpm_samples: dict[int, tuple[int, float, dict[int, float]] | None] = {}
        self.cdll = _Cdll(self)
        self._symbols: dict[str, Any] = {"nvmlErrorString": _ErrorString()}
        for name in dir(type(self)):
            method = getattr(self, name)
            if name.startswith("nvml") and hasattr(method, "argtypes"):
                proto = ctypes.CFUNCTYPE(ctypes.c_int, *method.argtypes)
                self._symbols[name] = proto(self._guard(name, method))

    # ---- plumbing ------------------------------------------------------------------
    def symbol(self, name: str) -> Any:
        """The C function ``name``; ``AttributeError`` as ``CDLL`` raises for a missing one."""
        if name in self.missing or name not in self._symbols:
            raise AttributeError(f"libnvidia-ml.so.1: undefined symbol: {name}")
        return self._symbols[name]

    def use_real_clock(self) -> None:
        """Follow ``time.monotonic`` (for tests that run the sampler thread)."""
        self.clock = time.monotonic
        self._last = self.clock()

    def _sync(self) -> None:
        """Integrate the energy and GPM counters up to the driver's present."""
        now = self.clock()
        dt, self._last = now - self._last, now
        for gpu in self.gpus:
            gpu.energy_mj += gpu.power_mw * dt  # mW x s = mJ
            for metric, pct in gpu.gpm_pct.items():
                gpu.gpm_integral[metric] = gpu.gpm_integral.get(metric, 0.0) + pct * dt

    def _guard(self, name: str, body: Callable[..., int]) -> Callable[..., int]:
        def call(*args: Any) -> int:
            self.calls[name] += 1
            if name in self.fail:
                return self.fail[name]
            try:
                self._sync()
                return body(*args)
            except _Refuse as refusal:
                return refusal.code
            except Exception:  # noqa: BLE001 - kept and reported by the fixture
                self.faults.append(f"{name}: {traceback.format_exc()}")
                return UNKNOWN

        return call

    def _violate(self, why: str, code: int = INVALID_ARGUMENT) -> _Refuse:
        self.violations.append(why)
        return _Refuse(code)

    def _gpu(self, handle: Any) -> FakeGpu:
        if not self.initialized:
            raise self._violate("a device call before nvmlInit", 1)  # NVML_ERROR_UNINITIALIZED
        address = ctypes.cast(handle, ctypes.c_void_p).value
        if address not in self._handle_index:
            raise self._violate(f"unknown device handle {address!r}")
        gpu = self.gpus[self._handle_index[address]]
        if gpu.lost:
            raise _Refuse(GPU_IS_LOST)
        return gpu

    @staticmethod
    def _string(out: Any, length: int, text: str) -> int:
        data = text.encode() + b"\0"
        if len(data) > length:
            return INSUFFICIENT_SIZE
        ctypes.memmove(out, data, len(data))
        return SUCCESS

    # ---- the C functions (nvml.h prototypes) ---------------------------------------
    @_c(ctypes.c_uint)
    def nvmlInitWithFlags(self, flags: int) -> int:  # noqa: D102
        self.initialized = True
        return SUCCESS

    @_c()
    def nvmlShutdown(self) -> int:  # noqa: D102
        self.initialized = False
        return SUCCESS

    @_c(_CHAR_P, ctypes.c_uint)
    def nvmlSystemGetDriverVersion(self, out: Any, length: int) -> int:  # noqa: D102
        return self._string(out, length, "580.95.05")

    @_c(_UINT_P)
    def nvmlDeviceGetCount_v2(self, out: Any) -> int:  # noqa: D102
        out[0] = len(self.gpus)
        return SUCCESS

    @_c(ctypes.c_uint, ctypes.POINTER(_DEVICE))
    def nvmlDeviceGetHandleByIndex_v2(self, index: int, out: Any) -> int:  # noqa: D102
        if index >= len(self.gpus):
            return INVALID_ARGUMENT
        if self.gpus[index].lost:
            return GPU_IS_LOST
        out[0] = ctypes.cast(self._handle_buffers[index], _DEVICE)
        return SUCCESS

    @_c(_DEVICE, _CHAR_P, ctypes.c_uint)
    def nvmlDeviceGetName(self, handle: Any, out: Any, length: int) -> int:  # noqa: D102
        return self._string(out, length, self._gpu(handle).name)

    @_c(_DEVICE, _CHAR_P, ctypes.c_uint)
    def nvmlDeviceGetUUID(self, handle: Any, out: Any, length: int) -> int:  # noqa: D102
        return self._string(out, length, self._gpu(handle).uuid)

    @_c(_DEVICE, _UINT_P)
    def nvmlDeviceGetPowerManagementLimit(self, handle: Any, out: Any) -> int:  # noqa: D102
        out[0] = self._gpu(handle).power_limit_mw
        return SUCCESS

    @_c(_DEVICE, ctypes.POINTER(pynvml.c_nvmlUtilization_t))
    def nvmlDeviceGetUtilizationRates(self, handle: Any, out: Any) -> int:  # noqa: D102
        gpu = self._gpu(handle)
        out.contents.gpu, out.contents.memory = gpu.util_gpu_pct, gpu.util_memory_pct
        return SUCCESS

    @_c(_DEVICE, ctypes.POINTER(pynvml.c_nvmlMemory_t))
    def nvmlDeviceGetMemoryInfo(self, handle: Any, out: Any) -> int:  # noqa: D102
        gpu, mem = self._gpu(handle), out.contents
        mem.total = gpu.memory_total
        mem.used = gpu.memory_used + gpu.memory_reserved  # v1: reserved counts as used
        mem.free = gpu.memory_total - mem.used
        return SUCCESS

    @_c(_DEVICE, ctypes.POINTER(pynvml.c_nvmlMemory_v2_t))
    def nvmlDeviceGetMemoryInfo_v2(self, handle: Any, out: Any) -> int:  # noqa: D102
        gpu, mem = self._gpu(handle), out.contents
        if mem.version != MEMORY_V2:
            raise self._violate(f"nvmlMemory_v2_t.version {mem.version:#x}",
                                ARGUMENT_VERSION_MISMATCH)
        mem.total, mem.reserved, mem.used = gpu.memory_total, gpu.memory_reserved, gpu.memory_used
        mem.free = gpu.memory_total - gpu.memory_reserved - gpu.memory_used
        return SUCCESS

    @_c(_DEVICE, _UINT_P)
    def nvmlDeviceGetPowerUsage(self, handle: Any, out: Any) -> int:  # noqa: D102
        out[0] = self._gpu(handle).power_mw
        return SUCCESS

    @_c(_DEVICE, _ULL_P)
    def nvmlDeviceGetTotalEnergyConsumption(self, handle: Any, out: Any) -> int:  # noqa: D102
        out[0] = round(self._gpu(handle).energy_mj)
        return SUCCESS

    @_c(_DEVICE, ctypes.c_uint, _UINT_P)
    def nvmlDeviceGetTemperature(self, handle: Any, sensor: int, out: Any) -> int:  # noqa: D102
        self.calls[f"nvmlDeviceGetTemperature[{sensor}]"] += 1
        gpu = self._gpu(handle)
        if sensor != pynvml.NVML_TEMPERATURE_GPU:
            raise self._violate(f"temperature sensor {sensor}")
        out[0] = gpu.temperature_c
        return SUCCESS

    @_c(_DEVICE, ctypes.POINTER(pynvml.c_nvmlTemperature_v1_t))
    def nvmlDeviceGetTemperatureV(self, handle: Any, out: Any) -> int:  # noqa: D102
        if out[0].version != pynvml.nvmlTemperature_v1:
            return pynvml.NVML_ERROR_ARGUMENT_VERSION_MISMATCH
        if out[0].sensorType != pynvml.NVML_TEMPERATURE_GPU:
            raise self._violate(f"temperature sensor {out[0].sensorType}")
        out[0].temperature = self._gpu(handle).temperature_c
        return SUCCESS

    @_c(_DEVICE, ctypes.c_uint, _UINT_P)
    def nvmlDeviceGetClockInfo(self, handle: Any, kind: int, out: Any) -> int:  # noqa: D102
        self.calls[f"nvmlDeviceGetClockInfo[{kind}]"] += 1
        gpu = self._gpu(handle)
        if kind >= pynvml.NVML_CLOCK_COUNT:
            raise self._violate(f"clock type {kind}")
        if kind not in gpu.clocks_mhz:
            return NOT_SUPPORTED
        out[0] = gpu.clocks_mhz[kind]
        return SUCCESS

    @_c(_DEVICE, ctypes.c_int, ctypes.c_void_p)  # pynvml passes byref(an array of structs)
    def nvmlDeviceGetFieldValues(self, handle: Any, count: int, values: int) -> int:  # noqa: D102
        gpu = self._gpu(handle)
        if count <= 0 or not values:
            raise self._violate(f"nvmlDeviceGetFieldValues({count}, {values!r})")
        for v in (pynvml.c_nvmlFieldValue_t * count).from_address(values):
            v.timestamp, v.latencyUsec = int(self.clock() * 1e6), 0
            if v.fieldId == pynvml.NVML_FI_DEV_POWER_INSTANT and gpu.power_instant_field:
                v.valueType = gpu.power_instant_type
                member = {pynvml.NVML_VALUE_TYPE_UNSIGNED_INT: "uiVal",
                          pynvml.NVML_VALUE_TYPE_DOUBLE: "dVal",
                          pynvml.NVML_VALUE_TYPE_UNSIGNED_LONG_LONG: "ullVal"}[
                              gpu.power_instant_type]
                setattr(v.value, member, gpu.power_instant_mw)
                v.nvmlReturn = SUCCESS
            else:
                v.nvmlReturn = NOT_SUPPORTED  # per field; the call itself succeeds
        return SUCCESS

    @_c(_DEVICE, _ULL_P)
    def nvmlDeviceGetCurrentClocksEventReasons(self, handle: Any, out: Any) -> int:  # noqa: D102
        out[0] = self._gpu(handle).clock_event_reasons
        return SUCCESS

    @_c(_DEVICE, _ULL_P)
    def nvmlDeviceGetCurrentClocksThrottleReasons(self, handle: Any, out: Any) -> int:  # noqa: D102
        out[0] = self._gpu(handle).clock_event_reasons  # the pre-r535 name, same bits
        return SUCCESS

    @_c(_DEVICE, ctypes.c_uint, _UINT_P)
    def nvmlDeviceGetPcieThroughput(self, handle: Any, counter: int, out: Any) -> int:  # noqa: D102
        self.calls[f"nvmlDeviceGetPcieThroughput[{counter}]"] += 1
        gpu = self._gpu(handle)
        if counter not in gpu.pcie_kb_per_s:
            raise self._violate(f"PCIe counter {counter}")
        out[0] = gpu.pcie_kb_per_s[counter]
        return SUCCESS

    @_c(_DEVICE, ctypes.POINTER(pynvml.c_nvmlGpmSupport_t))
    def nvmlGpmQueryDeviceSupport(self, handle: Any, out: Any) -> int:  # noqa: D102
        gpu = self._gpu(handle)
        if out.contents.version != GPM_SUPPORT_VERSION:
            raise self._violate(f"nvmlGpmSupport_t.version {out.contents.version}",
                                ARGUMENT_VERSION_MISMATCH)
        out.contents.isSupportedDevice = int(gpu.gpm)
        return SUCCESS

    @_c(ctypes.POINTER(_SAMPLE))
    def nvmlGpmSampleAlloc(self, out: Any) -> int:  # noqa: D102
        buffer = ctypes.create_string_buffer(64)
        self.gpm_buffers[ctypes.addressof(buffer)] = buffer
        self.gpm_samples[ctypes.addressof(buffer)] = None
        out[0] = ctypes.cast(buffer, _SAMPLE)
        return SUCCESS

    def _sample_address(self, sample: Any) -> int:
        address = ctypes.cast(sample, ctypes.c_void_p).value
        if address not in self.gpm_samples:
            raise self._violate(f"GPM sample {address!r} was not allocated (or was freed)")
        return address

    @_c(_SAMPLE)
    def nvmlGpmSampleFree(self, sample: Any) -> int:  # noqa: D102
        address = self._sample_address(sample)
        del self.gpm_samples[address], self.gpm_buffers[address]
        return SUCCESS

    @_c(_DEVICE, _SAMPLE)
    def nvmlGpmSampleGet(self, handle: Any, sample: Any) -> int:  # noqa: D102
        gpu = self._gpu(handle)
        if not gpu.gpm:
            return NOT_SUPPORTED
        address = self._sample_address(sample)
        index = self.gpus.index(gpu)
        # stamped with the instant the counters were integrated to, as the driver's are
        self.gpm_samples[address] = (index, self._last, dict(gpu.gpm_integral))
        return SUCCESS

    @_c(ctypes.POINTER(pynvml.c_nvmlGpmMetricsGet_t))
    def nvmlGpmMetricsGet(self, out: Any) -> int:  # noqa: D102
        mg = out.contents
        if mg.version != GPM_METRICS_GET_VERSION:
            raise self._violate(f"nvmlGpmMetricsGet_t.version {mg.version}",
                                ARGUMENT_VERSION_MISMATCH)
        if not 0 < mg.numMetrics <= len(mg.metrics):
            raise self._violate(f"numMetrics {mg.numMetrics}")
        first = self.gpm_samples[self._sample_address(mg.sample1)]
        second = self.gpm_samples[self._sample_address(mg.sample2)]
        if first is None or second is None:
            raise self._violate("nvmlGpmMetricsGet with a sample never filled")
        (gpu1, t1, i1), (gpu2, t2, i2) = first, second
        if gpu1 != gpu2 or t2 <= t1:
            raise self._violate(f"samples of GPU {gpu1} at {t1} and GPU {gpu2} at {t2}")
        if self.gpus[gpu2].lost:
            return GPU_IS_LOST
        for i in range(mg.numMetrics):
            metric = mg.metrics[i]
            if metric.metricId in i2:
                metric.value = (i2[metric.metricId] - i1.get(metric.metricId, 0.0)) / (t2 - t1)
                metric.nvmlReturn = SUCCESS
            else:
                metric.nvmlReturn = NOT_SUPPORTED
        return SUCCESS


@pytest.fixture
def driver(monkeypatch: pytest.MonkeyPatch) -> Any:
    """The real ``pynvml`` over :class:`FakeLibNvidiaMl`; fails on any fault or violation."""
    drv = FakeLibNvidiaMl()
    install(monkeypatch, drv)
    yield drv
    assert drv.faults == [], "a fake C function raised:\n" + "\n".join(drv.faults)
    assert drv.violations == [], "nvml.py broke nvml.h's contract"


def install(monkeypatch: pytest.MonkeyPatch, drv: FakeLibNvidiaMl) -> None:
    """Put ``drv`` where pynvml keeps the loaded library; restore pynvml after the test."""
    monkeypatch.setattr(pynvml, "nvmlLib", drv.cdll)
    monkeypatch.setattr(pynvml, "_nvmlGetFunctionPointer_cache", {})
    monkeypatch.setattr(pynvml, "_nvmlLib_refcount", 0)
    monkeypatch.setattr(pynvml.NVMLError, "_errcode_to_string",
                        dict(pynvml.NVMLError._errcode_to_string))
    # nvml.py's GPM window (time.monotonic) runs on the driver's clock
    monkeypatch.setattr(nvml_mod, "time", SimpleNamespace(monotonic=lambda: drv.clock()))


def opened(drv: FakeLibNvidiaMl) -> Nvml:
    """An initialized wrapper over the real ``pynvml``."""
    nvml = Nvml(pynvml)
    nvml.init()
    assert drv.initialized
    return nvml


# ---- constants: what nvml.py hard-codes against what pynvml (nvml.h) defines ----------

def test_gpm_metric_ids_are_nvml_h_ids():
    """Each GPM metric id nvml.py asks for is the nvml.h id of the metric its field names."""
    assert set(GPM_METRICS) == set(GPM_FIELD_METRICS)
    for name, metric_id in GPM_METRICS.items():
        assert metric_id == getattr(pynvml, GPM_FIELD_METRICS[name]), name
    assert len(GPM_METRICS) <= pynvml.NVML_GPM_METRIC_MAX
    assert nvml_mod.GPM_MIN_WINDOW_S >= 0.1  # nvml.h: shorter windows give no valid data


def test_field_pcie_and_error_constants_are_nvml_h_values():
    """Field id 186, PCIe counters, error codes and struct versions agree with pynvml."""
    assert nvml_mod._FI_DEV_POWER_INSTANT == pynvml.NVML_FI_DEV_POWER_INSTANT == 186
    assert nvml_mod._PCIE_TX == pynvml.NVML_PCIE_UTIL_TX_BYTES
    assert nvml_mod._PCIE_RX == pynvml.NVML_PCIE_UTIL_RX_BYTES
    for name in ("NOT_SUPPORTED", "FUNCTION_NOT_FOUND", "GPU_IS_LOST", "LIBRARY_NOT_FOUND",
                 "DRIVER_NOT_LOADED", "NO_PERMISSION"):
        assert getattr(nvml_mod, f"_{name}") == getattr(pynvml, f"NVML_ERROR_{name}"), name
    # the fallbacks nvml.py passes to getattr(lib, ..., default) for these enums
    assert (pynvml.NVML_TEMPERATURE_GPU, pynvml.NVML_CLOCK_SM, pynvml.NVML_CLOCK_MEM) == (0, 1, 2)
    # pynvml's own struct version agrees with nvml.h's NVML_STRUCT_VERSION(Memory, 2)
    assert ctypes.sizeof(pynvml.c_nvmlMemory_v2_t) == 40 and pynvml.nvmlMemory_v2 == MEMORY_V2
    assert pynvml.NVML_GPM_METRICS_GET_VERSION == GPM_METRICS_GET_VERSION
    assert pynvml.NVML_GPM_SUPPORT_VERSION == GPM_SUPPORT_VERSION


def test_clock_event_bits_are_nvml_h_bits():
    """Clock-event names sit on nvml.h's bits, and every nvml.h reason bit has a name."""
    for bit, name in CLOCK_EVENT_NAMES.items():
        camel = "".join(word.capitalize() for word in name.split("_"))
        assert getattr(pynvml, f"nvmlClocksEventReason{camel}") == bit, name
    # every single-bit reason nvml.h defines has a name (none decodes to nothing)
    bits = {
        value for key, value in vars(pynvml).items()
        if key.startswith("nvmlClocksEventReason") and isinstance(value, int)
        and value and value & (value - 1) == 0
    }
    assert bits == set(CLOCK_EVENT_NAMES)
    assert decode_clock_events(pynvml.nvmlClocksEventReasonAll) == list(CLOCK_EVENT_NAMES.values())


# ---- the real code paths ---------------------------------------------------------------

def test_probe_and_read_every_reading_through_real_pynvml(driver):
    """``Nvml()`` over the real pynvml probes an H200 and reads each value in its unit."""
    gpu = driver.gpus[0]
    nvml = Nvml()  # no lib given: imports the real pynvml
    nvml.init()
    assert nvml.lib is pynvml
    assert nvml.driver_version() == "580.95.05" and nvml.device_count() == 1
    info = nvml.info(0)
    assert (info.name, info.uuid) == (gpu.name, gpu.uuid)
    assert info.power_limit_w == 700.0  # milliwatts -> W
    assert info.memory_total_bytes == gpu.memory_total
    assert info.memory_api == "nvmlMemory_v2"
    assert info.supported == {r: True for r in READINGS}
    assert driver.calls["nvmlDeviceGetMemoryInfo"] == 0  # v2 worked; v1 never asked

    r = nvml.read(0, energy=True, pcie=True)
    assert r.util_pct == 97.0
    assert r.mem_used_bytes == gpu.memory_used  # v2: without the driver's reserved memory
    assert r.mem_total_bytes == gpu.memory_total
    assert r.power_w == pytest.approx(676.418)  # milliwatts -> W
    assert r.power_instant_w == pytest.approx(689.25)
    assert r.energy_j == pytest.approx(5_123_456_789.012)  # millijoules -> J, all 64 bits
    assert r.temperature_c == 52.0
    assert r.sm_clock_mhz == 1980.0 and r.mem_clock_mhz == 3201.0  # not the graphics clock
    assert decode_clock_events(r.clock_event_reasons) == ["sw_power_cap", "sw_thermal_slowdown"]
    assert r.pcie_tx_bytes_per_s == 1_250_000 * 1024  # KB/s -> bytes/s
    assert r.pcie_rx_bytes_per_s == 7_600_000 * 1024
    assert driver.calls["nvmlDeviceGetCurrentClocksThrottleReasons"] == 0  # the r535 name
    assert driver.calls["nvmlDeviceGetTemperature[0]"] == 2  # NVML_TEMPERATURE_GPU

    light = nvml.read(0, energy=False)
    assert light.energy_j is None and light.pcie_tx_bytes_per_s is None
    assert driver.calls["nvmlDeviceGetTotalEnergyConsumption"] == 2  # probe + first read
    nvml.shutdown()
    nvml.shutdown()
    assert not driver.initialized and driver.calls["nvmlShutdown"] == 1


def test_energy_counter_advances_with_power(driver):
    """The 64-bit millijoule counter gives joules that grow as power x time."""
    nvml = opened(driver)
    e0 = nvml.read(0).energy_j
    driver.clock.t += 2.0
    assert nvml.read(0).energy_j - e0 == pytest.approx(2.0 * 676.418)  # 2 s at 676.418 W


def test_each_gpu_answers_through_its_own_handle(monkeypatch):
    """Two GPUs: the ``nvmlDevice_t`` handle of each reaches the right device."""
    drv = FakeLibNvidiaMl(gpus=2)
    install(monkeypatch, drv)
    nvml = opened(drv)
    assert nvml.device_count() == 2
    assert [nvml.info(i).uuid for i in (0, 1)] == [g.uuid for g in drv.gpus]
    assert nvml.read(1).power_w == pytest.approx(686.418)
    assert nvml.read(0).power_w == pytest.approx(676.418)
    assert drv.faults == drv.violations == []


def test_gpm_metrics_through_real_structs_and_sample_handles(driver):
    """GPM over ``c_nvmlGpmMetricsGet_t`` and sample handles: ids, order, window, free."""
    gpu = driver.gpus[0]
    nvml = opened(driver)
    assert nvml.gpm_supported(0)
    assert nvml.read_gpm(0) is None  # first call: takes the first sample
    driver.clock.t += 0.05
    assert nvml.read_gpm(0) is None  # under GPM_MIN_WINDOW_S: nothing asked of the driver
    assert driver.calls["nvmlGpmMetricsGet"] == 0
    driver.clock.t += 0.45
    first = nvml.read_gpm(0)
    assert first == {
        name: pytest.approx(gpu.gpm_pct[getattr(pynvml, metric)])
        for name, metric in GPM_FIELD_METRICS.items()
    }
    # the next window holds only what happened after the previous sample
    sm_util = pynvml.NVML_GPM_METRIC_SM_UTIL
    gpu.gpm_pct[sm_util] = 12.5
    driver.clock.t += 0.25
    assert nvml.read_gpm(0)["sm_activity_pct"] == pytest.approx(12.5)
    gpu.gpm_pct[sm_util] = 88.0
    driver.clock.t += 0.25
    assert nvml.read_gpm(0)["sm_activity_pct"] == pytest.approx(88.0)
    assert driver.calls["nvmlGpmSampleAlloc"] == 2  # two samples, reused window after window
    assert driver.calls["nvmlGpmQueryDeviceSupport"] == 1
    nvml.shutdown()
    assert driver.gpm_samples == {}  # both freed


def test_gpm_metric_the_driver_refuses_is_none_not_zero(driver):
    """A metric whose per-metric ``nvmlReturn`` is an error is ``None``."""
    del driver.gpus[0].gpm_pct[pynvml.NVML_GPM_METRIC_FP16_UTIL]
    nvml = opened(driver)
    nvml.read_gpm(0)
    driver.clock.t += 0.5
    values = nvml.read_gpm(0)
    assert values["fp16_activity_pct"] is None
    assert values["sm_activity_pct"] == pytest.approx(71.5)


@pytest.mark.parametrize("refuse", ["version_mismatch", "symbol_missing"])
def test_memory_v2_refused_falls_back_to_v1(driver, refuse):
    """``nvmlMemory_v2`` refused: ``nvmlMemory_v1`` from then on, and GpuInfo says so."""
    gpu = driver.gpus[0]
    if refuse == "version_mismatch":  # a driver that does not know this struct version
        driver.fail["nvmlDeviceGetMemoryInfo_v2"] = ARGUMENT_VERSION_MISMATCH
    else:  # a driver before nvmlDeviceGetMemoryInfo_v2: FUNCTION_NOT_FOUND in pynvml
        driver.missing.add("nvmlDeviceGetMemoryInfo_v2")
    nvml = opened(driver)
    info = nvml.info(0)
    assert info.supported["memory"] and info.memory_api == "nvmlMemory_v1"
    r = nvml.read(0)
    assert r.mem_used_bytes == gpu.memory_used + gpu.memory_reserved  # v1 counts reserved
    assert r.mem_total_bytes == gpu.memory_total
    assert driver.calls["nvmlDeviceGetMemoryInfo_v2"] <= 1  # refused once, not asked again


def _fail(symbol: str, code: int = NOT_SUPPORTED) -> Callable[[FakeLibNvidiaMl], None]:
    return lambda d: d.fail.__setitem__(symbol, code)


def _no_clock(kind: int) -> Callable[[FakeLibNvidiaMl], None]:
    return lambda d: d.gpus[0].clocks_mhz.pop(kind)


def _no_memory(d: FakeLibNvidiaMl) -> None:
    d.fail["nvmlDeviceGetMemoryInfo_v2"] = d.fail["nvmlDeviceGetMemoryInfo"] = NOT_SUPPORTED


def _no_clock_events(d: FakeLibNvidiaMl) -> None:
    # one implementation behind both names: a driver refuses both or neither
    d.fail["nvmlDeviceGetCurrentClocksEventReasons"] = NOT_SUPPORTED
    d.fail["nvmlDeviceGetCurrentClocksThrottleReasons"] = NOT_SUPPORTED


# reading -> how an H200 driver refuses it, the GpuReading fields that go None, and the
# call counters that must not grow once the reading is known to be unsupported
UNSUPPORTED = [
    ("gpu_util", _fail("nvmlDeviceGetUtilizationRates"), ["util_pct"],
     ["nvmlDeviceGetUtilizationRates"]),
    ("memory", _no_memory, ["mem_used_bytes", "mem_total_bytes"],
     ["nvmlDeviceGetMemoryInfo_v2", "nvmlDeviceGetMemoryInfo"]),
    ("power", _fail("nvmlDeviceGetPowerUsage"), ["power_w"], ["nvmlDeviceGetPowerUsage"]),
    ("power_instant", _fail("nvmlDeviceGetFieldValues"), ["power_instant_w"],
     ["nvmlDeviceGetFieldValues"]),
    ("power_instant", lambda d: setattr(d.gpus[0], "power_instant_field", False),
     ["power_instant_w"], ["nvmlDeviceGetFieldValues"]),
    ("energy", _fail("nvmlDeviceGetTotalEnergyConsumption"), ["energy_j"],
     ["nvmlDeviceGetTotalEnergyConsumption"]),
    ("temperature", _fail("nvmlDeviceGetTemperature"), ["temperature_c"],
     ["nvmlDeviceGetTemperature"]),
    ("sm_clock", _no_clock(pynvml.NVML_CLOCK_SM), ["sm_clock_mhz"],
     [f"nvmlDeviceGetClockInfo[{pynvml.NVML_CLOCK_SM}]"]),
    ("mem_clock", _no_clock(pynvml.NVML_CLOCK_MEM), ["mem_clock_mhz"],
     [f"nvmlDeviceGetClockInfo[{pynvml.NVML_CLOCK_MEM}]"]),
    ("clock_events", _no_clock_events, ["clock_event_reasons"],
     ["nvmlDeviceGetCurrentClocksEventReasons", "nvmlDeviceGetCurrentClocksThrottleReasons"]),
    ("pcie", _fail("nvmlDeviceGetPcieThroughput"),
     ["pcie_tx_bytes_per_s", "pcie_rx_bytes_per_s"], ["nvmlDeviceGetPcieThroughput"]),
    ("gpm", lambda d: setattr(d.gpus[0], "gpm", False), [], ["nvmlGpmQueryDeviceSupport"]),
]


def test_every_reading_has_an_unsupported_case():
    """The table below covers every reading in ``READINGS``."""
    assert {case[0] for case in UNSUPPORTED} == set(READINGS)


@pytest.mark.parametrize(
    ("reading", "refuse", "fields", "counters"), UNSUPPORTED,
    ids=[f"{c[0]}-{i}" for i, c in enumerate(UNSUPPORTED)],
)
def test_unsupported_reading_is_none_and_not_asked_again(driver, reading, refuse, fields,
                                                         counters):
    """NOT_SUPPORTED makes one reading ``None`` and unsupported; the others go on."""
    refuse(driver)
    nvml = opened(driver)
    info = nvml.info(0)
    assert info.supported == {r: r != reading for r in READINGS}
    before = {c: driver.calls[c] for c in counters}
    r = nvml.read(0, energy=True, pcie=True)
    for name, value in vars(r).items():
        assert (value is None) == (name in fields), name
    if reading == "gpm":
        assert nvml.read_gpm(0) is None and driver.calls["nvmlGpmSampleAlloc"] == 0
    nvml.read(0, energy=True, pcie=True)
    assert {c: driver.calls[c] for c in counters} == before


def test_a_transient_error_is_a_gap_and_the_reading_is_asked_again(driver):
    """An error other than NOT_SUPPORTED is a gap, not a verdict on the reading."""
    nvml = opened(driver)
    nvml.info(0)
    driver.fail["nvmlDeviceGetPowerUsage"] = TIMEOUT
    assert nvml.read(0).power_w is None
    assert nvml.supported(0)["power"]
    del driver.fail["nvmlDeviceGetPowerUsage"]
    assert nvml.read(0).power_w == pytest.approx(676.418)


def test_clock_events_from_a_driver_before_the_r535_rename(driver):
    """nvidia-ml-py >= 12.535 has both names; a driver before r535 exports only the old one."""
    driver.missing.add("nvmlDeviceGetCurrentClocksEventReasons")
    nvml = opened(driver)
    assert nvml.info(0).supported["clock_events"]
    r = nvml.read(0)
    assert decode_clock_events(r.clock_event_reasons) == ["sw_power_cap", "sw_thermal_slowdown"]
    assert driver.calls["nvmlDeviceGetCurrentClocksEventReasons"] == 0  # symbol lookup fails
    assert driver.calls["nvmlDeviceGetCurrentClocksThrottleReasons"] == 2


@pytest.mark.parametrize("value_type", [pynvml.NVML_VALUE_TYPE_DOUBLE,
                                        pynvml.NVML_VALUE_TYPE_UNSIGNED_LONG_LONG])
def test_instant_power_is_read_from_the_member_the_driver_filled(driver, value_type):
    driver.gpus[0].power_instant_type = value_type
    assert opened(driver).read(0).power_instant_w == pytest.approx(689.25)


def test_temperature_from_a_driver_without_the_deprecated_call(driver):
    """NVML removes nvmlDeviceGetTemperature in CUDA 14; its successor is versioned."""
    driver.missing.add("nvmlDeviceGetTemperature")
    nvml = opened(driver)
    assert nvml.info(0).supported["temperature"]
    assert nvml.read(0).temperature_c == 52
    assert nvml.read(0).temperature_c == 52  # the successor is remembered


def test_gpm_needs_a_driver_with_gpm(driver):
    """A driver without the GPM symbols: GPM unsupported, nothing raised."""
    driver.missing.update({"nvmlGpmQueryDeviceSupport", "nvmlGpmSampleAlloc"})
    nvml = opened(driver)
    assert not nvml.info(0).supported["gpm"]
    assert nvml.read_gpm(0) is None


@pytest.mark.parametrize("when", ["probe", "read", "gpm"])
def test_lost_gpu_raises_gpu_lost(driver, when):
    """NVML_ERROR_GPU_IS_LOST from probe, read or GPM raises :class:`GpuLost`."""
    nvml = opened(driver)
    if when != "probe":
        nvml.info(0)
        nvml.read_gpm(0)
        driver.clock.t += 0.5
    driver.gpus[0].lost = True
    with pytest.raises(GpuLost, match="GPU 0 is lost"):
        if when == "probe":
            nvml.info(0)
        elif when == "read":
            nvml.read(0)
        else:
            nvml.read_gpm(0)


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ("no_library", "no NVIDIA driver found"),
        (DRIVER_NOT_LOADED, "driver is not loaded"),
        (NO_PERMISSION, "no permission"),
        (UNKNOWN, "NVML failed to initialize: Unknown Error"),
    ],
)
def test_init_failures_are_sentences(driver, monkeypatch, setup, message):
    """Each way ``nvmlInit`` fails in the real pynvml becomes a sentence for the user."""
    if setup == "no_library":  # CDLL("libnvidia-ml.so.1") raises OSError
        monkeypatch.setattr(pynvml, "nvmlLib", None)

        def no_library(name: str) -> Any:
            raise OSError(f"{name}: cannot open shared object file")

        monkeypatch.setattr(pynvml, "CDLL", no_library)
    else:
        driver.fail["nvmlInitWithFlags"] = setup
    with pytest.raises(NvmlUnavailable, match=message):
        Nvml(pynvml).init()


def test_sampler_over_real_pynvml(driver):
    """The sampler thread over the real pynvml: values, GPM windows, samples freed."""
    driver.use_real_clock()
    s = Sampler(Nvml(pynvml), hz=50.0)
    status = s.start()
    time.sleep(0.5)
    s.stop()
    assert status.gpu_available and status.supported == {r: True for r in READINGS}
    samples = list(s.samples)
    assert len(samples) >= 15
    assert all(x.power_w == pytest.approx(676.418) for x in samples)
    assert all(x.mem_used_bytes == driver.gpus[0].memory_used for x in samples)
    assert any(x.sm_activity_pct == pytest.approx(71.5) for x in samples)
    assert any(x.pcie_rx_bytes_per_s for x in samples)
    assert driver.gpm_samples == {}  # freed by stop()


def test_sampler_keeps_host_readings_when_the_gpu_is_lost_at_start(driver):
    """A GPU lost before the probe stops GPU readings only; host sampling goes on."""
    driver.use_real_clock()
    driver.gpus[0].lost = True
    s = Sampler(Nvml(pynvml), hz=50.0)
    status = s.start()
    time.sleep(0.2)
    s.stop()
    assert not status.gpu_available and "lost" in status.message
    samples = list(s.samples)
    assert samples and all(x.power_w is None for x in samples)
    assert all(x.cpu_util_pct is not None for x in samples[1:])


@pytest.mark.parametrize("code", [NOT_SUPPORTED, GPU_IS_LOST, TIMEOUT])
def test_gpm_samples_are_freed_when_the_first_sample_fails(driver, code):
    """A failing first ``nvmlGpmSampleGet`` leaks no GPM sample, however often it fails."""
    driver.fail["nvmlGpmSampleGet"] = code
    nvml = opened(driver)
    nvml.info(0)
    if code == GPU_IS_LOST:
        with pytest.raises(GpuLost):
            nvml.read_gpm(0)
    else:
        assert nvml.read_gpm(0) is None
    assert nvml.supported(0)["gpm"] == (code != NOT_SUPPORTED)
    if code == TIMEOUT:  # a passing failure: the next calls take the first sample again
        del driver.fail["nvmlGpmSampleGet"]
        assert nvml.read_gpm(0) is None
        driver.clock.t += 0.5
        assert nvml.read_gpm(0)["sm_activity_pct"] == pytest.approx(71.5)
    assert driver.calls["nvmlGpmSampleAlloc"] == 2
    nvml.shutdown()
    assert driver.gpm_samples == {}  # nothing the driver allocated is leaked
