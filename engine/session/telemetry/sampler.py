"""The telemetry sampler: a thread in the GUI (or command-line) process.

Why a thread: NVML sees the whole device from any process, so sampling here keeps the
plots moving while the run process is busy, stuck or dead, and costs the run process
nothing. The thread keeps a steady schedule (next tick = previous tick + period; ticks
missed because a call was slow are skipped, not bunched up), stops on an ``Event``, and
keeps samples in bounded ring buffers (STYLE.md 4).

Every GPU in the machine is sampled; the *primary* one (the run's) is reported through
``on_sample``, the others are kept in :attr:`Sampler.samples_by_gpu`.

Reading rates, from DESIGN.md's measurements on an H200: utilization, memory, power and
clocks every tick (a few µs each); the energy counter (about 4 ms per call) every
``energy_every`` ticks; GPM metrics every ``gpm_every`` ticks (windows under 100 ms return
nothing useful); PCIe throughput (NVML samples it over 20 ms) about once a second. Between
such readings the fields are ``None``.

Cumulative energy is counted from the sampler's start and never decreases: when the
counter goes backwards (a driver reload) the sampler continues from the last value and
says so in its status. Without a counter, energy is the trapezoid integral of power and
the status says *estimated*.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Any

from engine.core.events import Sample, TelemetryStatus
from engine.core.values import Msg, joules, msg, seconds
from engine.session.telemetry.host import HostProbe
from engine.session.telemetry.nvml import GpuLost, Nvml, NvmlUnavailable
from engine.session.telemetry.rapl import Rapl

DEFAULT_HZ = 20.0
RING_SECONDS = 3600.0
SLOW_CALL_S = 1.0  # a reading slower than this is reported in the status


class _GpuTrack:
    """Per-GPU state: cumulative energy and its bookkeeping."""

    def __init__(self, index: int, name: str, estimate_energy: bool) -> None:
        self.index = index
        self.name = name
        self.estimate_energy = estimate_energy
        self.lost = False
        self.offset = 0.0
        self.base: float | None = None
        self.last_raw: float | None = None
        self.last_cum = 0.0
        self.power_last: tuple[float, float] | None = None
        self.resets = 0
        self.reset_times: list[float] = []  # monotonic seconds of each counter reset

    def counter(self, raw_j: float, t: float | None = None) -> float:
        """Energy since start from the raw counter; a counter that goes back is a reset."""
        if self.base is None:
            self.base = raw_j
        elif self.last_raw is not None and raw_j < self.last_raw:
            self.offset = self.last_cum
            self.base = raw_j
            self.resets += 1
            if t is not None:
                self.reset_times.append(t)
        self.last_raw = raw_j
        self.last_cum = self.offset + (raw_j - self.base)
        return self.last_cum

    def integrate(self, t: float, power_w: float | None) -> float | None:
        """Energy since start as the trapezoid integral of power (no counter)."""
        if power_w is None:
            return None
        if self.power_last is not None:
            t0, p0 = self.power_last
            self.last_cum += (t - t0) * (p0 + power_w) / 2
        self.power_last = (t, power_w)
        return self.last_cum


class Sampler:
    """Samples every GPU (through :class:`Nvml`) and the host at a fixed rate.

    Args:
        nvml: The NVML wrapper (a fake in tests); ``None`` creates one over ``pynvml``.
        gpu_index: NVML index of the primary GPU (the run's); ``None`` picks GPU 0.
        hz: Sampling rate (Hz).
        energy_every: Read the energy counter every this many ticks.
        gpm_every: Read GPM metrics every this many ticks (at least 100 ms apart).
        on_sample: Called from the sampler thread with each primary :class:`Sample`.
        on_other_sample: Called with the :class:`Sample` of each other GPU, every tick.
        on_status: Called with a :class:`TelemetryStatus` at start and on every change.
        rapl: The CPU's RAPL energy counters (:class:`~engine.session.telemetry.rapl.Rapl`;
            ``None``: the machine's, under ``/sys/class/powercap``); their cumulative
            energy goes into every sample's ``cpu_energy_j``.
    """

    def __init__(
        self,
        nvml: Nvml | None = None,
        gpu_index: int | None = None,
        *,
        hz: float = DEFAULT_HZ,
        energy_every: int = 4,
        gpm_every: int | None = None,
        on_sample: Callable[[Sample], None] | None = None,
        on_status: Callable[[TelemetryStatus], None] | None = None,
        rapl: Rapl | None = None,
        on_other_sample: Callable[[Sample], None] | None = None,
    ) -> None:
        if hz <= 0:
            raise ValueError("hz must be positive")
        self.period_s = 1.0 / hz
        self.energy_every = max(1, energy_every)
        self.gpm_every = gpm_every or max(1, math.ceil(0.2 / self.period_s))
        self.pcie_every = max(1, round(1.0 / self.period_s))
        self.samples: deque[Sample] = deque(maxlen=int(RING_SECONDS * hz))
        self.samples_by_gpu: dict[int, deque[Sample]] = {}
        self._nvml = nvml if nvml is not None else Nvml()
        self._gpu_index = gpu_index
        self._on_sample = on_sample
        self._on_other_sample = on_other_sample
        self._on_status = on_status
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._host = HostProbe()
        self._rapl = rapl if rapl is not None else Rapl()
        self._tracks: list[_GpuTrack] = []
        self._primary: _GpuTrack | None = None
        self._notes: list[Msg] = []
        self.status = TelemetryStatus.of(False, msg("sampler.not_started"))
        self.ticks = 0

    # ---- lifecycle -----------------------------------------------------------------

    def start(self) -> TelemetryStatus:
        """Open NVML, find the GPUs, start the thread; returns the first status."""
        self._rapl.open()
        self._open_gpus()
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
        """NVML index of the primary GPU, or ``None``."""
        return self._primary.index if self._primary is not None else None

    @property
    def cpu_energy_problem(self) -> Msg | None:
        """Why the CPU's energy is not read (``None``: it is, from RAPL)."""
        return self._rapl.problem

    @property
    def cpu_energy_domains(self) -> list[str]:
        """The RAPL zones summed into ``cpu_energy_j`` (``["package-0", "dram"]``)."""
        return self._rapl.domains

    @property
    def energy_estimated(self) -> bool:
        """The primary GPU has no energy counter: its energy is integrated from power."""
        return self._primary is not None and self._primary.estimate_energy

    def counter_resets(self, start: float, end: float) -> int:
        """Resets of the primary GPU's energy counter between ``start`` and ``end`` (s)."""
        if self._primary is None:
            return 0
        return sum(start <= t <= end for t in list(self._primary.reset_times))

    # ---- status --------------------------------------------------------------------

    def _set_status(self, what: Msg | None = None) -> None:
        p = self._primary
        available = p is not None and not p.lost
        if what is None and p is not None:
            what = (msg("sampler.sampling_notes", name=p.name, index=str(p.index),
                        notes=self._notes) if self._notes
                    else msg("sampler.sampling", name=p.name, index=str(p.index)))
        elif what is None:
            what = self.status.msg or msg("sampler.not_started")
        supported = self._nvml.supported(p.index) if p is not None else {}
        self.status = TelemetryStatus.of(available, what, p.index if p else None,
                                         p.name if p else None, supported)
        if self._on_status is not None:
            self._on_status(self.status)

    def _open_gpus(self) -> None:
        try:
            self._nvml.init()
            count = self._nvml.device_count()
        except NvmlUnavailable as exc:
            self._set_status(exc.msg)
            return
        except Exception as exc:  # noqa: BLE001 - any NVML failure leaves host sampling on
            self._set_status(msg("sampler.nvml_failed", error=str(exc)))
            return
        if count == 0:
            self._set_status(msg("sampler.no_gpu"))
            return
        primary = self._gpu_index if self._gpu_index is not None else 0
        if primary >= count:
            self._set_status(msg("sampler.no_such_gpu", index=str(primary), count=count))
            return
        for index in range(count):
            try:
                info = self._nvml.info(index)
            except GpuLost as exc:
                if index == primary:
                    self._set_status(exc.msg)
                    return
                continue
            estimate = not info.supported.get("energy") and bool(info.supported.get("power"))
            track = _GpuTrack(index, info.name, estimate)
            self._tracks.append(track)
            self.samples_by_gpu[index] = deque(maxlen=self.samples.maxlen)
            if index == primary:
                self._primary = track
                missing = [k for k, ok in info.supported.items() if not ok]
                if missing:
                    self._notes.append(msg("sampler.not_supported", readings=missing))
                if estimate:
                    self._notes.append(msg("sampler.energy_estimated"))
                if info.memory_api == "nvmlMemory_v1":
                    self._notes.append(msg("sampler.memory_v1"))
        self._set_status()

    # ---- one tick ------------------------------------------------------------------

    def _read_gpu(self, track: _GpuTrack, t: float) -> dict[str, Any]:
        nv = self._nvml
        want_energy = self.ticks % self.energy_every == 0 and not track.estimate_energy
        r = nv.read(track.index, energy=want_energy, pcie=self.ticks % self.pcie_every == 0)
        energy: float | None = None
        if r.energy_j is not None:
            resets = track.resets
            energy = track.counter(r.energy_j, t)
            if track.resets != resets and track is self._primary:
                self._set_status(msg("sampler.counter_reset", energy=joules(track.last_cum)))
        elif track.estimate_energy:
            energy = track.integrate(t, r.power_w)
        fields: dict[str, Any] = {
            "gpu_index": track.index,
            "gpu_util_pct": r.util_pct,
            "mem_used_bytes": r.mem_used_bytes,
            "mem_total_bytes": r.mem_total_bytes,
            "power_w": r.power_w,
            "power_instant_w": r.power_instant_w,
            "energy_j": energy,
            "temperature_c": r.temperature_c,
            "sm_clock_mhz": r.sm_clock_mhz,
            "mem_clock_mhz": r.mem_clock_mhz,
            "clock_event_reasons": r.clock_event_reasons,
            "pcie_tx_bytes_per_s": r.pcie_tx_bytes_per_s,
            "pcie_rx_bytes_per_s": r.pcie_rx_bytes_per_s,
        }
        if self.ticks % self.gpm_every == 0:
            gpm = nv.read_gpm(track.index)
            if gpm:
                fields.update(gpm)
        return fields

    def _tick(self) -> None:
        t = time.monotonic()
        host = self._host.read()
        common: dict[str, Any] = {
            "cpu_util_pct": host.cpu_util_pct,
            "process_cpu_pct": host.process_cpu_pct,
            "process_rss_bytes": host.process_rss_bytes,
            "sys_mem_used_bytes": host.sys_mem_used_bytes,
            "sys_mem_total_bytes": host.sys_mem_total_bytes,
            "cpu_energy_j": self._rapl.read(),
        }
        primary: Sample | None = None
        for track in self._tracks:
            if track.lost:
                continue
            t_call = time.monotonic()
            try:
                fields = self._read_gpu(track, t)
            except GpuLost as exc:
                track.lost = True
                if track is self._primary:
                    self._set_status(msg("sampler.gpu_lost", reason=exc.msg))
                continue
            except Exception as exc:  # noqa: BLE001 - a broken call must not stop sampling
                if track is self._primary:
                    self._set_status(msg("sampler.read_failed", error=str(exc)))
                continue
            slow = time.monotonic() - t_call
            if slow > SLOW_CALL_S and track is self._primary:
                self._set_status(msg("sampler.slow", seconds=seconds(slow)))
            sample = Sample(t_s=t, **common, **fields)
            self.samples_by_gpu[track.index].append(sample)
            if track is self._primary:
                primary = sample
            elif self._on_other_sample is not None:
                self._on_other_sample(sample)
        if primary is None:
            primary = Sample(t_s=t, **common)
        self.samples.append(primary)
        if self._on_sample is not None:
            self._on_sample(primary)

    def _run(self) -> None:
        next_t = time.monotonic()
        while not self._stop.is_set():
            self._tick()
            self.ticks += 1
            next_t += self.period_s
            now = time.monotonic()
            if next_t < now:  # a slow call: skip the missed ticks, keep the grid
                next_t += ((now - next_t) // self.period_s + 1) * self.period_s
            self._stop.wait(next_t - now)
