"""A fake ``pynvml`` that replays the real H200 trace in tests/data and injects faults.

The trace (copied from shared/fixtures) holds ``t_s, gpu_util_pct, mem_used_bytes,
power_w, energy_j_counter, gpm`` rows at 20 Hz. The fake serves the row at the replay
time ``(clock() - t0) * speed``; readings the trace lacks (temperature, SM clock) answer
``NVML_ERROR_NOT_SUPPORTED``, as a real driver does for unsupported readings.
"""

from __future__ import annotations

import bisect
import json
import time
from pathlib import Path
from types import SimpleNamespace

TRACE = Path(__file__).parent / "data" / "h200_nvml_trace.json"

NOT_SUPPORTED, LIBRARY_NOT_FOUND, GPU_IS_LOST = 3, 12, 15


class NVMLError(Exception):
    def __init__(self, value: int) -> None:
        super().__init__(f"NVML error {value}")
        self.value = value


class _GpmMetricsGet:
    def __init__(self):
        self.version = 0
        self.numMetrics = 0
        self.sample1 = self.sample2 = None
        self.metrics = [SimpleNamespace(metricId=0, nvmlReturn=0, value=0.0) for _ in range(98)]


GPM_IDS = {2: "sm_util", 3: "sm_occupancy", 5: "tensor_util", 10: "dram_bw_util",
           12: "fp32_util", 13: "fp16_util"}


class FakeNvmlLib:
    NVML_TEMPERATURE_GPU = 0
    NVML_CLOCK_SM = 1
    NVML_CLOCK_MEM = 2
    NVML_GPM_METRICS_GET_VERSION = 1
    nvmlMemory_v2 = object()
    NVMLError = NVMLError
    c_nvmlGpmMetricsGet_t = _GpmMetricsGet

    def __init__(
        self,
        *,
        speed: float = 1.0,
        clock=time.monotonic,
        unsupported: tuple[str, ...] = (),
        missing_library: bool = False,
        lost_after_s: float | None = None,
        counter_reset_after_s: float | None = None,
        slow: dict[str, tuple[float, float]] | None = None,
        gpus: int = 1,
        nan_after_s: float | None = None,
        gpm: bool = True,
    ) -> None:
        data = json.loads(TRACE.read_text())
        self.device = data["device"]
        self.rows = data["rows"]
        self.times = [r[0] for r in self.rows]
        self.speed = speed
        self.clock = clock
        self.t0 = clock()
        self.unsupported = set(unsupported)
        self.missing_library = missing_library
        self.lost_after_s = lost_after_s
        self.counter_reset_after_s = counter_reset_after_s
        self.slow = slow or {}  # function name -> (after replay seconds, delay seconds)
        self.gpus = gpus
        self.nan_after_s = nan_after_s
        self.gpm = gpm
        self.calls: dict[str, int] = {}

    # ---- helpers -------------------------------------------------------------------
    def replay_s(self) -> float:
        return (self.clock() - self.t0) * self.speed

    def row(self):
        t = self.replay_s() % self.times[-1]
        return self.rows[max(0, bisect.bisect_right(self.times, t) - 1)]

    def _enter(self, name: str) -> None:
        self.calls[name] = self.calls.get(name, 0) + 1
        if name in self.unsupported:
            raise NVMLError(NOT_SUPPORTED)
        if self.lost_after_s is not None and self.replay_s() >= self.lost_after_s:
            raise NVMLError(GPU_IS_LOST)
        if name in self.slow:
            after, delay = self.slow[name]
            if self.replay_s() >= after:
                self.slow.pop(name)  # one slow call
                time.sleep(delay)

    # ---- the pynvml surface Trainfer uses ----------------------------------------
    def nvmlInit(self):
        if self.missing_library:
            raise NVMLError(LIBRARY_NOT_FOUND)

    def nvmlShutdown(self):
        pass

    def nvmlSystemGetDriverVersion(self):
        return "580.159.04"

    def nvmlDeviceGetCount(self):
        return self.gpus

    def nvmlDeviceGetHandleByIndex(self, index):
        return index

    def nvmlDeviceGetName(self, handle):
        return self.device["name"]

    def nvmlDeviceGetUUID(self, handle):
        return f"GPU-fake-{handle}"

    def nvmlDeviceGetPowerManagementLimit(self, handle):
        self._enter("nvmlDeviceGetPowerManagementLimit")
        return int(self.device["power_limit_w"] * 1000)

    def nvmlDeviceGetUtilizationRates(self, handle):
        self._enter("nvmlDeviceGetUtilizationRates")
        return SimpleNamespace(gpu=self.row()[1], memory=0)

    def nvmlDeviceGetMemoryInfo(self, handle, version=None):
        self._enter("nvmlDeviceGetMemoryInfo")
        used = self.row()[2]
        total = self.device["memory_total_bytes"]
        return SimpleNamespace(total=total, used=used, free=total - used)

    def nvmlDeviceGetPowerUsage(self, handle):
        self._enter("nvmlDeviceGetPowerUsage")
        if self.nan_after_s is not None and self.replay_s() >= self.nan_after_s:
            return float("nan")  # a driver glitch
        return int(self.row()[3] * 1000)

    def nvmlDeviceGetFieldValues(self, handle, field_ids):
        self._enter("nvmlDeviceGetFieldValues")
        assert field_ids == [186]  # NVML_FI_DEV_POWER_INSTANT
        # the trace has one power column; serve it as the instant reading too
        value = SimpleNamespace(uiVal=int(self.row()[3] * 1000))
        return [SimpleNamespace(nvmlReturn=0, value=value)]

    def nvmlGpmQueryDeviceSupport(self, handle):
        self._enter("nvmlGpmQueryDeviceSupport")
        return SimpleNamespace(isSupportedDevice=1 if self.gpm else 0)

    def nvmlGpmSampleAlloc(self):
        return SimpleNamespace(t=None)

    def nvmlGpmSampleFree(self, sample):
        pass

    def nvmlGpmSampleGet(self, handle, sample):
        self._enter("nvmlGpmSampleGet")
        sample.t = self.replay_s() % self.times[-1]
        return sample

    def nvmlGpmMetricsGet(self, mg):
        """Mean of the trace's GPM readings inside the window (the last one before it
        when none falls inside), as a real GPM pair of samples would give."""
        self._enter("nvmlGpmMetricsGet")
        t1, t2 = mg.sample1.t, mg.sample2.t
        rows = [r[5] for r in self.rows if r[5] is not None and t1 < r[0] <= t2]
        if not rows:
            rows = [r[5] for r in self.rows if r[5] is not None and r[0] <= t2][-1:]
        for i in range(mg.numMetrics):
            m = mg.metrics[i]
            key = GPM_IDS[m.metricId]
            m.value = sum(r[key] for r in rows) / len(rows) if rows else 0.0
            m.nvmlReturn = 0
        return mg

    def nvmlDeviceGetTotalEnergyConsumption(self, handle):
        self._enter("nvmlDeviceGetTotalEnergyConsumption")
        base = 5_000_000_000  # a driver's counter starts far from zero
        if self.counter_reset_after_s is not None and self.replay_s() >= self.counter_reset_after_s:
            base = 0  # driver reload: the counter starts again
        return base + int(self.row()[4] * 1000)

    def nvmlDeviceGetTemperature(self, handle, sensor):
        self._enter("nvmlDeviceGetTemperature")
        raise NVMLError(NOT_SUPPORTED)

    def nvmlDeviceGetClockInfo(self, handle, clock):
        self._enter("nvmlDeviceGetClockInfo")
        raise NVMLError(NOT_SUPPORTED)
