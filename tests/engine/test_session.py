"""The run process as the GUI sees it: spawn, events, stop, crash, telemetry merge."""

import dataclasses
import os
import signal
import time

import pytest
from fake_nvml import FakeNvmlLib
from summaries import run_report

from engine.core.config import ConfigError, RunConfig
from engine.core.events import Failed, Phase, Sample, Started, StepStats, Summary, TelemetryStatus
from engine.session.session import Session
from engine.session.telemetry.nvml import Nvml


def collect(session, until=None, timeout=90.0):
    events = []
    t0 = time.monotonic()
    for ev in session.iter_events():
        events.append(ev)
        if until is not None and until(ev):
            break
        assert time.monotonic() - t0 < timeout
    return events


def test_cpu_run_end_to_end_without_nvml():
    s = Session(nvml=Nvml(FakeNvmlLib(missing_library=True)))
    s.start(RunConfig(model="mlp", mode="train", device="cpu", batch_size=64, seconds=1.5))
    events = collect(s)
    s.close()
    status = next(e for e in events if isinstance(e, TelemetryStatus))
    assert not status.gpu_available and "no NVIDIA driver" in status.message
    assert any(isinstance(e, Started) for e in events)
    phases = [e.name for e in events if isinstance(e, Phase)]
    assert phases == ["build", "warmup", "measure", "done"]
    assert sum(isinstance(e, StepStats) for e in events) >= 3
    samples = [e for e in events if isinstance(e, Sample)]
    assert len(samples) > 20 and all(x.gpu_util_pct is None for x in samples)
    assert any(x.process_rss_bytes for x in samples)  # the run process is watched
    summary = events[-1]
    assert isinstance(summary, Summary) and summary is s.last_summary
    assert summary.energy_j is None and "CPU" in summary.telemetry_note
    assert summary.mean_cpu_util_pct is not None
    assert summary.loss_last < summary.loss_first
    assert not s.running


def test_stop_ends_the_run_within_a_second_with_a_partial_summary():
    s = Session(nvml=Nvml(FakeNvmlLib(missing_library=True)))
    s.start(RunConfig(model="mlp", mode="infer", device="cpu", batch_size=32, seconds=120))
    collect(s, until=lambda e: isinstance(e, Phase) and e.name == "measure")
    time.sleep(0.3)
    t = time.monotonic()
    s.stop()
    rest = collect(s)
    # Stopped, not run to its 120 s (how fast is a benchmark's business: a loaded machine)
    assert time.monotonic() - t < 30
    assert rest[-1].measured_s < 60
    assert isinstance(rest[-1], Summary) and rest[-1].stopped_early
    s.close()


def test_stop_waits_for_a_long_step_to_end_and_keeps_the_summary():
    # A step of over a second (a big batch on the CPU) is not cut short by Stop: what
    # was measured before it must not be lost (it was, with a fixed one-second grace).
    s = Session(nvml=Nvml(FakeNvmlLib(missing_library=True)))
    s.start(RunConfig(model="mlp", mode="train", device="cpu", batch_size=8192, seconds=120,
                      warmup_steps=1, heldout_samples=0))
    collect(s, until=lambda e: isinstance(e, StepStats) and e.phase == "measure")
    s.stop()  # the grace is 1.5 x the longest step + 0.5 s (about 2.6 s here)
    rest = collect(s)
    summary = rest[-1]
    assert isinstance(summary, Summary), rest[-1]
    assert summary.stopped_early and summary.measured_steps >= 1
    s.close()


def test_the_stop_grace_follows_the_longest_step():
    s = Session(nvml=Nvml(FakeNvmlLib(missing_library=True)))
    assert s.stop_grace_s() == 1.0
    s._forward(StepStats(0.0, 1, "warmup", 4000.0, 1.0, None, None))
    assert s.stop_grace_s() == pytest.approx(6.5)
    s._forward(StepStats(0.0, 1, "warmup", 100_000.0, 1.0, None, None))
    assert s.stop_grace_s() == 30.0  # at most
    s._closing = True  # the window is closing: the short grace
    assert s.stop_grace_s() == 1.0


def test_a_run_process_that_dies_becomes_failed_crash():
    s = Session(nvml=Nvml(FakeNvmlLib(missing_library=True)))
    s.start(RunConfig(model="mlp", mode="infer", device="cpu", batch_size=32, seconds=120))
    started = collect(s, until=lambda e: isinstance(e, Started))[-1]
    os.kill(started.pid, signal.SIGKILL)
    t = time.monotonic()
    rest = collect(s)
    assert time.monotonic() - t < 2.0
    failed = rest[-1]
    assert isinstance(failed, Failed) and failed.kind == "crash" and "SIGKILL" in failed.message
    s.close()


def test_error_in_run_process_becomes_failed_with_hint(monkeypatch):
    # tf32 on the CPU passes the NVML preflight when "auto" would pick a GPU the fake
    # reports, but torch finds no CUDA device: the run process must say so, not crash.
    s = Session(nvml=Nvml(FakeNvmlLib()))
    s.start(RunConfig(model="mlp", mode="infer", device="cuda:0", steps=1))
    failed = collect(s)[-1]
    s.close()
    assert isinstance(failed, Failed) and failed.kind == "config"
    assert failed.field == "device" and "cpu" in failed.message


def test_cuda_without_gpu_is_refused_before_spawning():
    s = Session(nvml=Nvml(FakeNvmlLib(missing_library=True)))
    with pytest.raises(ConfigError) as err:
        s.start(RunConfig(model="mlp", device="cuda"))
    assert err.value.field == "device"
    assert not s.running


def test_summary_gets_energy_from_the_counter_on_a_gpu_run():
    """The telemetry merge, with a fake H200: energy over the window from the counter."""
    s = Session(nvml=Nvml(FakeNvmlLib(speed=1.0)), sample_hz=40)
    s.devices = None
    from engine.session.telemetry.sampler import Sampler

    s._sampler = Sampler(s._nvml, 0, hz=40, on_sample=s._on_sample, on_status=s._on_status)
    s._sampler.start()
    t0 = time.monotonic()
    time.sleep(1.2)
    s._sampler.stop()
    merged = s._complete_summary(run_report(measure=(t0 + 0.1, t0 + 1.1), warmup_start=t0))
    assert merged.energy_source == "nvml_counter" and merged.energy_j > 0
    assert merged.energy_warmup_j is not None and merged.energy_warmup_j >= 0
    assert merged.mean_power_instant_w is not None and merged.peak_power_instant_w is not None
    assert merged.mean_sm_activity_pct is not None  # GPM from the trace
    assert merged.mean_tensor_activity_pct is not None
    assert merged.samples_per_s == pytest.approx(2560.0)  # 10 steps of 256 in 1 s
    assert merged.energy_per_sample_j == pytest.approx(merged.energy_j / 2560)
    assert merged.mean_power_w is not None and merged.mean_gpu_util_pct is not None
    cpu = s._complete_summary(run_report(device="cpu", measure=(t0 + 0.1, t0 + 1.1)))
    assert cpu.energy_j is None and "CPU" in cpu.telemetry_note
    assert cpu.telemetry_note_msg is not None
    assert dataclasses.asdict(merged)["energy_j"] == merged.energy_j


def _session_summary(lib, seconds=1.2):
    """A fake-GPU session's summary of a run measured over its sampler's last second."""
    from engine.session.telemetry.sampler import Sampler

    s = Session(nvml=Nvml(lib), sample_hz=40)
    s.devices = None
    s._sampler = Sampler(s._nvml, 0, hz=40, energy_every=1, on_sample=s._on_sample,
                         on_status=s._on_status)
    s._sampler.start()
    t0 = time.monotonic()
    time.sleep(seconds)
    s._sampler.stop()
    return s._complete_summary(run_report(measure=(t0 + 0.1, t0 + seconds - 0.1),
                                          warmup_start=t0))


def test_energy_without_a_counter_is_labelled_estimated():
    """A GPU without an energy counter: the sampler integrates power, and the summary says
    so (it used to be stored as a counter reading)."""
    merged = _session_summary(FakeNvmlLib(unsupported=("nvmlDeviceGetTotalEnergyConsumption",)))
    assert merged.energy_source == "estimated_from_power" and merged.energy_j > 0
    from engine.claims.compare import build
    from engine.core.format import text

    row = next(r for r in build(None, merged).rows if r.id == "energy_consumption")
    assert "(estimated)" in text(row.measured_infer)


def test_a_counter_reset_during_the_run_is_carried_in_the_summary():
    merged = _session_summary(FakeNvmlLib(speed=2.0, counter_reset_after_s=0.6))
    assert merged.energy_counter_resets == 1 and merged.energy_j > 0
    from engine.claims.compare import build
    from engine.cli.report import summary_text
    from engine.core.format import text

    row = next(r for r in build(None, merged).rows if r.id == "energy_consumption")
    assert "the energy counter reset 1 time during the run" in text(row.measured_infer)
    assert "counter resets" in summary_text(merged)


def test_the_session_process_never_imports_torch():
    """Events are plain data: receiving them must not import torch (or the GUI would
    freeze for seconds while it loads, and DESIGN.md keeps CUDA out of that process)."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from engine.core.config import RunConfig\n"
        "from engine.session.session import Session\n"
        "if __name__ == '__main__':\n"
        "    s = Session()\n"
        "    s.start(RunConfig(model='mlp', mode='train', device='cpu', batch_size=8, steps=2,"
        " warmup_steps=1))\n"
        "    kinds = {type(e).__name__ for e in s.iter_events()}\n"
        "    s.close()\n"
        "    assert 'Summary' in kinds, kinds\n"
        "    assert 'torch' not in sys.modules, 'the session process imported torch'\n"
    )
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                       timeout=120)
    assert p.returncode == 0, p.stderr


def test_a_bug_while_completing_the_summary_still_ends_the_run(monkeypatch, capsys):
    """An exception in the pump (here: building the summary) ends the run's stream with a
    Failed that says it is a bug; consumers never wait forever."""
    def broken(self, report):
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(Session, "_complete_summary", broken)
    s = Session(nvml=Nvml(FakeNvmlLib(missing_library=True)))
    s.start(RunConfig(model="mlp", mode="infer", device="cpu", batch_size=8, steps=1,
                      warmup_steps=0, input_size=64, heldout_samples=0))
    events = collect(s)
    s.close()
    failed = events[-1]
    assert isinstance(failed, Failed) and failed.kind == "error"
    assert "ZeroDivisionError: a bug" in failed.message and "bug in Trainfer" in failed.hint
    assert not s.running
