"""The telemetry sampler: a thread in the GUI (or command-line) process.

Why a thread: NVML sees the whole device from any process, so sampling here keeps the
plots moving while the run process is busy, stuck or dead, and costs the run process
nothing. The thread keeps a steady schedule (next tick = previous tick + period; ticks
missed because a call was slow are skipped, not bunched up), stops on an ``Event``, and
keeps samples in a bounded ring buffer (STYLE.md 4).

The NVML energy counter costs about 4 ms per read on an H200 (DESIGN.md), so it is read
every ``energy_every`` ticks; other samples carry ``energy_j=None``. Cumulative energy is
counted from the sampler's start and never decreases: when the counter goes backwards
(a driver reload) the sampler continues from the last value and says so in its status.
Without a counter, energy is the trapezoid integral of power and the status says
*estimated*.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable

from engine.events import Sample, TelemetryStatus
from engine.telemetry.host import HostProbe
from engine.telemetry.nvml import GpuLost, Nvml, NvmlUnavailable

DEFAULT_HZ = 20.0
RING_SECONDS = 3600.0


class Sampler:
    """Samples one GPU (through :class:`Nvml`) and the host at a fixed rate.

    Args:
        nvml: The NVML wrapper (a fake in tests); ``None`` creates one over ``pynvml``.
        gpu_index: NVML index to sample; ``None`` picks GPU 0 when there is one.
        hz: Sampling rate (Hz).
        energy_every: Read the energy counter every this many ticks.
        on_sample: Called from the sampler thread with each :class:`Sample`.
        on_status: Called with a :class:`TelemetryStatus` at start and on every change.
    """

    def __init__(
        self,
        nvml: Nvml | None = None,
        gpu_index: int | None = None,
        *,
        hz: float = DEFAULT_HZ,
        energy_every: int = 4,
        on_sample: Callable[[Sample], None] | None = None,
        on_status: Callable[[TelemetryStatus], None] | None = None,
    ) -> None:
        if hz <= 0:
            raise ValueError("hz must be positive")
        self.period_s = 1.0 / hz
        self.energy_every = max(1, energy_every)
        self.samples: deque[Sample] = deque(maxlen=int(RING_SECONDS * hz))
        self._nvml = nvml if nvml is not None else Nvml()
        self._gpu_index = gpu_index
        self._on_sample = on_sample
        self._on_status = on_status
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._host = HostProbe()
        self._gpu: int | None = None
        self._energy_offset = 0.0
        self._energy_base: float | None = None
        self._energy_last_raw: float | None = None
        self._energy_last_cum = 0.0
        self._power_last: tuple[float, float] | None = None
        self._energy_estimated = False
        self.status = TelemetryStatus(time.monotonic(), False, "not started")
        self.ticks = 0

    # ---- lifecycle -----------------------------------------------------------------

    def start(self) -> TelemetryStatus:
        """Open NVML, pick the GPU, start the thread; returns the first status."""
        self._open_gpu()
        self._thread = threading.Thread(target=self._run, name="trainfer-sampler", daemon=True)
        self._thread.start()
        return self.status

    def stop(self, timeout: float = 2.0) -> None:
        """Stop the thread and wait for it."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
        self._nvml.shutdown()

    def watch_pid(self, pid: int | None) -> None:
        """Report CPU and RSS of process ``pid`` (the run process)."""
        self._host.watch(pid)

    @property
    def gpu_index(self) -> int | None:
        """NVML index being sampled, or ``None``."""
        return self._gpu

    # ---- internals -----------------------------------------------------------------

    def _set_status(self, available: bool, message: str, name: str | None = None) -> None:
        supported = self._nvml.supported(self._gpu) if self._gpu is not None else {}
        self.status = TelemetryStatus(
            time.monotonic(), available, message, self._gpu, name, supported
        )
        if self._on_status is not None:
            self._on_status(self.status)

    def _open_gpu(self) -> None:
        try:
            self._nvml.init()
            count = self._nvml.device_count()
        except NvmlUnavailable as exc:
            self._set_status(False, str(exc))
            return
        except Exception as exc:  # noqa: BLE001 - any NVML failure leaves host sampling on
            self._set_status(False, f"NVML failed: {exc}")
            return
        if count == 0:
            self._set_status(False, "NVML found no NVIDIA GPU")
            return
        index = self._gpu_index if self._gpu_index is not None else 0
        if index >= count:
            self._set_status(False, f"GPU {index} does not exist (NVML sees {count})")
            return
        self._gpu = index
        try:
            info = self._nvml.info(index)
        except GpuLost as exc:
            self._gpu = None
            self._set_status(False, str(exc))
            return
        missing = [k for k, ok in info.supported.items() if not ok]
        note = f"; not supported: {', '.join(missing)}" if missing else ""
        if not info.supported.get("energy") and info.supported.get("power"):
            self._energy_estimated = True
            note += "; energy estimated from power"
        self._set_status(True, f"sampling {info.name} (GPU {index}){note}", info.name)

    def _cumulative_energy(self, raw_j: float) -> float:
        """Map the raw counter to energy since start; a counter that goes back is a reset."""
        if self._energy_base is None:
            self._energy_base = raw_j
        elif self._energy_last_raw is not None and raw_j < self._energy_last_raw:
            self._energy_offset = self._energy_last_cum
            self._energy_base = raw_j
            self._set_status(
                True,
                f"energy counter went backwards (driver reload?); cumulative energy continues "
                f"from {self._energy_last_cum:.1f} J",
                self.status.gpu_name,
            )
        self._energy_last_raw = raw_j
        self._energy_last_cum = self._energy_offset + (raw_j - self._energy_base)
        return self._energy_last_cum

    def _estimated_energy(self, t: float, power_w: float | None) -> float | None:
        if power_w is None:
            return None
        if self._power_last is not None:
            t0, p0 = self._power_last
            self._energy_last_cum += (t - t0) * (p0 + power_w) / 2
        self._power_last = (t, power_w)
        return self._energy_last_cum

    def _read_once(self) -> Sample:
        t = time.monotonic()
        host = self._host.read()
        fields: dict[str, object] = {}
        if self._gpu is not None:
            want_energy = self.ticks % self.energy_every == 0 and not self._energy_estimated
            try:
                r = self._nvml.read(self._gpu, energy=want_energy)
            except GpuLost as exc:
                self._gpu = None
                self._set_status(False, f"{exc}; GPU readings stopped, host readings go on")
            except Exception as exc:  # noqa: BLE001 - a broken call must not stop sampling
                self._set_status(True, f"NVML read failed: {exc}", self.status.gpu_name)
            else:
                energy = None
                if r.energy_j is not None:
                    energy = self._cumulative_energy(r.energy_j)
                elif self._energy_estimated:
                    energy = self._estimated_energy(t, r.power_w)
                fields = {
                    "gpu_index": self._gpu,
                    "gpu_util_pct": r.util_pct,
                    "mem_used_bytes": r.mem_used_bytes,
                    "mem_total_bytes": r.mem_total_bytes,
                    "power_w": r.power_w,
                    "energy_j": energy,
                    "temperature_c": r.temperature_c,
                    "sm_clock_mhz": r.sm_clock_mhz,
                }
        return Sample(
            t_s=t,
            cpu_util_pct=host.cpu_util_pct,
            process_cpu_pct=host.process_cpu_pct,
            process_rss_bytes=host.process_rss_bytes,
            sys_mem_used_bytes=host.sys_mem_used_bytes,
            sys_mem_total_bytes=host.sys_mem_total_bytes,
            **fields,  # type: ignore[arg-type]
        )

    def _run(self) -> None:
        next_t = time.monotonic()
        while not self._stop.is_set():
            sample = self._read_once()
            self.ticks += 1
            self.samples.append(sample)
            if self._on_sample is not None:
                self._on_sample(sample)
            next_t += self.period_s
            now = time.monotonic()
            if next_t < now:  # a slow call: skip the missed ticks, keep the grid
                next_t += ((now - next_t) // self.period_s + 1) * self.period_s
            self._stop.wait(next_t - now)
