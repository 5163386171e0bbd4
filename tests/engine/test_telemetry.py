"""The NVML wrapper and the sampler, fed by a fake NVML replaying the real H200 trace."""

import json
import threading
import time

import pytest
from fake_nvml import TRACE, FakeNvmlLib

from engine.core.events import Sample
from engine.session.telemetry.nvml import GpuLost, Nvml, NvmlUnavailable
from engine.session.telemetry.sampler import Sampler
from engine.session.telemetry.window import SampleColumns


class ManualClock:
    def __init__(self):
        self.t = 1000.0

    def __call__(self):
        return self.t


def test_wrapper_reads_trace_values_with_units():
    clock = ManualClock()
    lib = FakeNvmlLib(clock=clock)
    nvml = Nvml(lib)
    nvml.init()
    clock.t += 6.5  # inside ResNet-50 training in the trace
    info = nvml.info(0)
    assert info.name == "NVIDIA H200" and info.power_limit_w == 700.0
    assert info.supported["power"] and info.supported["energy"]
    assert not info.supported["temperature"] and not info.supported["sm_clock"]
    row = lib.row()
    r = nvml.read(0)
    assert r.util_pct == row[1] and r.mem_used_bytes == row[2]
    assert r.power_w == pytest.approx(row[3], abs=1e-3)  # milliwatts -> watts
    assert r.energy_j == pytest.approx(5_000_000 + row[4], abs=1e-3)  # millijoules -> joules
    assert r.temperature_c is None and r.sm_clock_mhz is None  # unsupported: None, not 0
    calls = lib.calls["nvmlDeviceGetTemperature"]
    nvml.read(0)
    assert lib.calls["nvmlDeviceGetTemperature"] == calls  # not asked again once unsupported


def test_missing_library_is_a_clear_message():
    with pytest.raises(NvmlUnavailable, match="no NVIDIA driver found"):
        Nvml(FakeNvmlLib(missing_library=True)).init()


def test_lost_gpu_raises_typed_error():
    nvml = Nvml(FakeNvmlLib(lost_after_s=0.0))
    nvml.init()
    with pytest.raises(GpuLost):
        nvml.read(0)


def run_sampler(lib, seconds, hz=50.0, **kw):
    statuses = []
    s = Sampler(Nvml(lib), hz=hz, on_status=statuses.append, **kw)
    s.start()
    time.sleep(seconds)
    s.stop()
    return list(s.samples), statuses, s


def test_sampler_replays_trace_on_schedule():
    lib = FakeNvmlLib(speed=4.0)
    samples, statuses, sampler = run_sampler(lib, 1.0, hz=50.0)
    assert statuses[0].gpu_available and "NVIDIA H200" in statuses[0].message
    assert 40 <= len(samples) <= 55  # 50 Hz for one second
    gaps = [b.t_s - a.t_s for a, b in zip(samples, samples[1:])]
    assert sum(gaps) / len(gaps) == pytest.approx(0.02, rel=0.1)
    assert all(s.power_w is not None and s.gpu_util_pct is not None for s in samples)
    assert all(s.temperature_c is None for s in samples)  # unsupported stays None
    energy = [s.energy_j for s in samples if s.energy_j is not None]
    assert len(energy) >= len(samples) // 4 - 1  # counter read every 4th tick
    assert energy == sorted(energy) and energy[0] == 0.0  # cumulative from the start
    # the first CPU reading is None: psutil's "since the previous call" needs an interval
    assert all(s.cpu_util_pct is not None and s.sys_mem_total_bytes for s in samples[1:])


def test_sampler_keeps_schedule_when_one_call_is_slow():
    lib = FakeNvmlLib(slow={"nvmlDeviceGetPowerUsage": (0.3, 0.25)})
    samples, _, _ = run_sampler(lib, 1.5, hz=20.0)
    # 1.5 s at 20 Hz is 30 ticks; a 250 ms stall costs 5 of them, not the grid
    assert 24 <= len(samples) <= 31
    late = [s.t_s for s in samples if s.t_s - samples[0].t_s > 0.7]
    phases = [((t - samples[0].t_s) / 0.05) % 1 for t in late]
    assert all(min(p, 1 - p) < 0.1 for p in phases)  # later ticks stay on the grid (10%)


def test_sampler_survives_lost_gpu_and_keeps_host_readings():
    lib = FakeNvmlLib(lost_after_s=0.3)
    samples, statuses, _ = run_sampler(lib, 0.8, hz=50.0)
    assert statuses[-1].gpu_available is False and "lost" in statuses[-1].message
    after = [s for s in samples if s.t_s - samples[0].t_s > 0.45]
    assert after and all(s.power_w is None and s.cpu_util_pct is not None for s in after)


def test_energy_counter_reset_never_decreases_and_is_flagged():
    lib = FakeNvmlLib(speed=2.0, counter_reset_after_s=0.8)
    samples, statuses, _ = run_sampler(lib, 1.0, hz=40.0, energy_every=1)
    energy = [s.energy_j for s in samples if s.energy_j is not None]
    assert energy == sorted(energy)
    assert any("went backwards" in s.message for s in statuses)


def test_energy_estimated_from_power_without_counter():
    lib = FakeNvmlLib(unsupported=("nvmlDeviceGetTotalEnergyConsumption",))
    samples, statuses, _ = run_sampler(lib, 0.5, hz=40.0)
    assert "estimated" in statuses[0].message
    energy = [s.energy_j for s in samples if s.energy_j is not None]
    assert energy == sorted(energy) and energy[-1] > 0


def test_no_nvml_keeps_host_sampling():
    samples, statuses, _ = run_sampler(FakeNvmlLib(missing_library=True), 0.3)
    assert not statuses[0].gpu_available and "no NVIDIA driver" in statuses[0].message
    assert samples and all(s.gpu_util_pct is None for s in samples)
    assert all(s.cpu_util_pct is not None for s in samples[1:])


def test_window_energy_matches_the_counter_in_the_trace():
    """Energy over ResNet-50 inference at batch 256 in the trace, from the raw counter."""
    data = json.loads(TRACE.read_text())
    cols = SampleColumns()
    for t, util, mem, power, energy, _ in data["rows"]:
        cols.append(Sample(t_s=t, gpu_util_pct=util, mem_used_bytes=mem, power_w=power,
                           energy_j=energy))
    rows = [r for r in data["rows"] if 27.5 <= r[0] <= 33.5]
    stats = cols.window(27.5, 33.5)
    assert stats.energy_source == "nvml_counter"
    assert stats.energy_j == pytest.approx(rows[-1][4] - rows[0][4], rel=0.03)
    assert 600 < stats.mean_power_w < 720  # DESIGN.md: 676 W for this workload
    assert stats.mean_gpu_util_pct > 95


def test_window_without_counter_integrates_power():
    cols = SampleColumns()
    for i in range(11):
        cols.append(Sample(t_s=i * 0.1, power_w=100.0))
    stats = cols.window(0.0, 1.0)
    assert stats.energy_source == "estimated_from_power"
    assert stats.energy_j == pytest.approx(100.0)


def test_sampler_thread_stops():
    s = Sampler(Nvml(FakeNvmlLib()), hz=20)
    s.start()
    s.stop()
    assert not any(t.name == "trainfer-sampler" for t in threading.enumerate())


def test_gpm_and_instant_power_from_the_trace():
    lib = FakeNvmlLib(speed=8.0)  # past the idle start of the trace quickly
    lib.t0 -= 20.0 / 8.0  # start 20 s into the trace (ResNet-50 training)
    samples, statuses, _ = run_sampler(lib, 1.0, hz=20.0)
    assert statuses[0].supported["gpm"] and statuses[0].supported["power_instant"]
    gpm = [s for s in samples if s.sm_activity_pct is not None]
    assert 2 <= len(gpm) <= len(samples) // 3  # every 4th tick, not in between
    assert all(0 <= s.sm_activity_pct <= 100 for s in gpm)
    assert any(s.tensor_activity_pct > 0 for s in gpm)
    assert all(s.power_instant_w is not None for s in samples)


def test_gpm_unsupported_is_none_not_zero():
    samples, statuses, _ = run_sampler(FakeNvmlLib(gpm=False), 0.5, hz=20.0)
    assert not statuses[0].supported["gpm"]
    assert all(s.sm_activity_pct is None for s in samples)


def test_nan_readings_become_gaps_and_sampling_goes_on():
    lib = FakeNvmlLib(nan_after_s=0.25)
    samples, _, _ = run_sampler(lib, 0.6, hz=40.0)
    late = [s for s in samples if s.t_s - samples[0].t_s > 0.35]
    assert late and all(s.power_w is None for s in late)  # NaN -> None (a gap)
    assert all(s.gpu_util_pct is not None for s in late)  # other readings flow


def test_every_gpu_is_sampled_primary_reported():
    lib = FakeNvmlLib(gpus=2)
    s = Sampler(Nvml(lib), gpu_index=1, hz=40)
    s.start()
    time.sleep(0.3)
    s.stop()
    assert s.gpu_index == 1 and s.status.gpu_index == 1
    assert all(x.gpu_index == 1 for x in s.samples)
    assert len(s.samples_by_gpu[0]) > 3 and len(s.samples_by_gpu[1]) > 3


def test_clock_event_names():
    from engine.session.telemetry.nvml import decode_clock_events

    assert decode_clock_events(0x1 | 0x4) == ["gpu_idle", "sw_power_cap"]
    assert decode_clock_events(0) == [] and decode_clock_events(None) == []


def test_a_function_the_driver_lacks_is_unsupported_not_fatal():
    lib = FakeNvmlLib()
    del FakeNvmlLib.nvmlDeviceGetPowerUsage  # an old driver without the function
    try:
        samples, statuses, _ = run_sampler(lib, 0.3, hz=40.0)
    finally:
        FakeNvmlLib.nvmlDeviceGetPowerUsage = _POWER
    assert not statuses[0].supported["power"] and "power" in statuses[0].message
    assert all(s.power_w is None and s.gpu_util_pct is not None for s in samples)


_POWER = FakeNvmlLib.nvmlDeviceGetPowerUsage


def test_a_call_that_takes_seconds_is_reported_and_sampling_resumes():
    lib = FakeNvmlLib(slow={"nvmlDeviceGetUtilizationRates": (0.1, 1.2)})
    samples, statuses, _ = run_sampler(lib, 2.0, hz=20.0)
    assert any("took" in s.message for s in statuses)
    late = [s for s in samples if s.t_s - samples[0].t_s > 1.4]
    assert len(late) >= 8  # back on its 20 Hz schedule after the stall
