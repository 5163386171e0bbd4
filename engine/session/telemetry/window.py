"""Compact telemetry columns and the statistics of a time window (the measured phase)."""

from __future__ import annotations

import math
from array import array
from bisect import bisect_left, bisect_right

from engine.core.events import Sample
from engine.core.summary import WindowStats

_NAN = float("nan")


def _f(value: float | None) -> float:
    return _NAN if value is None else float(value)


_MEANS = (
    "power_instant_w", "sm_activity_pct", "sm_occupancy_pct", "tensor_activity_pct",
    "dram_bw_util_pct",
)


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


class SampleColumns:
    """Append-only columns of the readings a summary needs (8 bytes per value).

    Samples must be appended in time order (the sampler's order).
    """

    def __init__(self) -> None:
        self.t = array("d")
        self.power = array("d")
        self.util = array("d")
        self.cpu = array("d")
        self.energy_t = array("d")  # times of samples that carry a counter reading
        self.energy = array("d")
        self.cpu_energy_t = array("d")  # times of samples with a RAPL reading
        self.cpu_energy = array("d")
        self.extra = {name: array("d") for name in _MEANS}

    def __len__(self) -> int:
        return len(self.t)

    def append(self, s: Sample) -> None:
        """Record one sample."""
        self.t.append(s.t_s)
        self.power.append(_f(s.power_w))
        self.util.append(_f(s.gpu_util_pct))
        self.cpu.append(_f(s.cpu_util_pct))
        for name, col in self.extra.items():
            col.append(_f(getattr(s, name)))
        if s.energy_j is not None and math.isfinite(s.energy_j):
            self.energy_t.append(s.t_s)
            self.energy.append(s.energy_j)
        if s.cpu_energy_j is not None and math.isfinite(s.cpu_energy_j):
            self.cpu_energy_t.append(s.t_s)
            self.cpu_energy.append(s.cpu_energy_j)

    def last_t(self) -> float | None:
        """Time of the newest sample."""
        return self.t[-1] if self.t else None

    def window(self, start: float, end: float, counter: str = "nvml_counter") -> WindowStats:
        """Statistics over ``[start, end]`` (monotonic seconds).

        ``counter`` names what the samples' cumulative ``energy_j`` is: ``"nvml_counter"``
        (the driver's counter) or ``"estimated_from_power"`` (the sampler integrated
        power because the GPU has no counter); the window's energy keeps that label.
        """
        lo, hi = bisect_left(self.t, start), bisect_right(self.t, end)
        power = [p for p in self.power[lo:hi] if math.isfinite(p)]
        util = [u for u in self.util[lo:hi] if math.isfinite(u)]
        cpu = [c for c in self.cpu[lo:hi] if math.isfinite(c)]
        energy, source = self._counter_energy(start, end), counter
        if energy is None and len(power) >= 2:
            ts = [t for t, p in zip(self.t[lo:hi], self.power[lo:hi]) if math.isfinite(p)]
            energy = sum(
                (ts[i + 1] - ts[i]) * (power[i] + power[i + 1]) / 2 for i in range(len(ts) - 1)
            )
            source = "estimated_from_power"
        extra = {
            name: [v for v in col[lo:hi] if math.isfinite(v)] for name, col in self.extra.items()
        }
        instant = extra["power_instant_w"]
        return WindowStats(
            mean_power_instant_w=_mean(instant),
            peak_power_instant_w=max(instant) if instant else None,
            mean_sm_activity_pct=_mean(extra["sm_activity_pct"]),
            mean_sm_occupancy_pct=_mean(extra["sm_occupancy_pct"]),
            mean_tensor_activity_pct=_mean(extra["tensor_activity_pct"]),
            mean_dram_bw_util_pct=_mean(extra["dram_bw_util_pct"]),
            energy_j=energy,
            energy_source=source if energy is not None else None,
            mean_power_w=sum(power) / len(power) if power else None,
            peak_power_w=max(power) if power else None,
            mean_gpu_util_pct=sum(util) / len(util) if util else None,
            mean_cpu_util_pct=sum(cpu) / len(cpu) if cpu else None,
            samples=hi - lo,
            cpu_energy_j=_difference(self.cpu_energy_t, self.cpu_energy, start, end),
        )

    def _counter_energy(self, start: float, end: float) -> float | None:
        return _difference(self.energy_t, self.energy, start, end)


def _counter_at(ts: array, es: array, t: float) -> float | None:
    """A cumulative counter at time ``t``, linearly interpolated between readings."""
    if not ts or t < ts[0] or t > ts[-1]:
        return None
    i = bisect_left(ts, t)
    if ts[i] == t or i == 0:
        return float(es[i])
    t0, t1, e0, e1 = ts[i - 1], ts[i], es[i - 1], es[i]
    return float(e0 + (e1 - e0) * (t - t0) / (t1 - t0))


def _difference(ts: array, es: array, start: float, end: float) -> float | None:
    """How much a cumulative counter (readings ``es`` at ``ts``) grew over the window."""
    e0, e1 = _counter_at(ts, es, start), _counter_at(ts, es, end)
    if e0 is None or e1 is None:
        # The window is not bracketed by counter readings (a very short run):
        # use the readings inside it, if there are two.
        lo, hi = bisect_left(ts, start), bisect_right(ts, end)
        if hi - lo < 2:
            return None
        inside = ts[hi - 1] - ts[lo]
        return float((es[hi - 1] - es[lo]) * (end - start) / inside) if inside > 0 else None
    return max(0.0, e1 - e0)


def over_gpus(windows: list[WindowStats]) -> WindowStats:
    """One window over several GPUs of a run: energy and power summed, activity averaged.

    Energy, mean power and peak power (the sum of each GPU's peak, an upper bound of the
    peak of the sum) add up; NVML utilization, SM, Tensor Core and DRAM activity are the
    mean over the GPUs; a sum is ``None`` when any GPU lacks the reading (a partial sum
    would read low). The first window's CPU readings are kept (one machine).

    Raises:
        ValueError: ``windows`` is empty.
    """
    if not windows:
        raise ValueError("no GPU windows to combine")
    first = windows[0]

    def total(name: str) -> float | None:
        values = [getattr(w, name) for w in windows]
        return None if any(v is None for v in values) else math.fsum(values)

    def mean(name: str) -> float | None:
        return _mean([v for v in (getattr(w, name) for w in windows) if v is not None])

    sources = {w.energy_source for w in windows}
    return WindowStats(
        energy_j=total("energy_j"),
        energy_source=(first.energy_source if len(sources) == 1
                       else "estimated_from_power" if None not in sources else None),
        mean_power_w=total("mean_power_w"), peak_power_w=total("peak_power_w"),
        mean_gpu_util_pct=mean("mean_gpu_util_pct"),
        mean_cpu_util_pct=first.mean_cpu_util_pct,
        samples=min(w.samples for w in windows),
        mean_power_instant_w=total("mean_power_instant_w"),
        peak_power_instant_w=total("peak_power_instant_w"),
        mean_sm_activity_pct=mean("mean_sm_activity_pct"),
        mean_sm_occupancy_pct=mean("mean_sm_occupancy_pct"),
        mean_tensor_activity_pct=mean("mean_tensor_activity_pct"),
        mean_dram_bw_util_pct=mean("mean_dram_bw_util_pct"),
        cpu_energy_j=first.cpu_energy_j,
    )
