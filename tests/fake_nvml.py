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


class FakeNvmlLib:
    NVML_TEMPERATURE_GPU = 0
    NVML_CLOCK_SM = 1
    nvmlMemory_v2 = object()
    NVMLError = NVMLError

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
        return int(self.row()[3] * 1000)

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
