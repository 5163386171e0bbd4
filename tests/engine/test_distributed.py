"""Data-parallel training and replicated inference on torch.distributed (gloo, on the CPU).

The ranks are real processes started by torch's elastic launcher; the models are small so
each test takes seconds on a 2-core machine.
"""

from __future__ import annotations

import dataclasses
import json
import socket
import subprocess
import sys
import time

import psutil
import pytest

from engine.core.config import ConfigError, RunConfig
from engine.core.events import Phase, Started, StepStats
from engine.core.summary import summarize
from engine.run.distributed import RankFailed, _union_ms
from engine.run.loop import execute

SMALL = {"model": "mlp", "device": "cpu", "batch_size": 8, "input_size": 64,
         "warmup_steps": 1, "heldout_samples": 0, "nproc_per_node": 2}


def run(emit=None, should_stop=lambda: False, **kw):
    events = []
    cfg = RunConfig(**{**SMALL, "steps": 3, **kw})
    report = execute(cfg, emit or events.append, should_stop)
    return report, events


def rank_processes():
    """The ranks the elastic launcher started from this process."""
    return [p for p in psutil.Process().children(recursive=True)
            if "spawn_main" in " ".join(_cmdline(p))]


def _cmdline(p):
    try:
        return p.cmdline()
    except psutil.Error:
        return []


def test_two_rank_training_all_reduces_every_gradient_byte_and_stops_together():
    steps = []

    def emit(ev):
        events.append(ev)
        if isinstance(ev, StepStats) and ev.phase == "measure":
            steps.append(ev.step)

    events = []
    # Stop is asked on rank 0 after its third measured step; the ranks agree on the last
    # step, so each one counts the same steps.
    report, _ = run(emit=emit, mode="train", steps=None, seconds=600,
                    should_stop=lambda: bool(steps) and steps[-1] >= 3)
    s = summarize(report)
    assert s.world_size == 2 and s.nodes == 1 and s.dist_backend == "gloo"
    assert s.stopped_early and s.measured_steps >= 3
    assert s.samples == 2 * s.measured_steps * 8
    # DDP all-reduces each gradient once per step: the bytes are the gradients' bytes
    assert s.allreduce_bytes_per_step == s.mem_grads_bytes > 0
    assert s.allreduce_ms_per_step > 0
    assert 0 <= s.allreduce_exposed_ms_per_step <= s.allreduce_ms_per_step
    assert 0 <= s.allreduce_overlap_share <= 1 and s.allreduce_step_share > 0
    assert s.allreduce_method == "ddp_comm_hook_host_clock"
    assert len(s.rank_samples_per_s) == 2 and all(r > 0 for r in s.rank_samples_per_s)
    assert s.samples_per_s == pytest.approx(sum(s.rank_samples_per_s))
    assert any(isinstance(e, Started) for e in events)  # rank 0's events reach the session
    assert {e.ranks for e in events if isinstance(e, StepStats)} == {2}
    assert [e.name for e in events if isinstance(e, Phase)][:3] == ["build", "warmup", "measure"]
    assert not rank_processes()


def test_two_inference_replicas_share_nothing():
    report, _ = run(mode="infer")
    s = summarize(report)
    assert s.world_size == 2 and s.allreduce_bytes_per_step == 0
    assert s.allreduce_ms_per_step == 0 and s.allreduce_method == ""
    assert s.samples == 2 * 3 * 8


def test_a_killed_rank_fails_the_run_and_leaves_no_rank_running():
    killed = []

    def emit(ev):
        if isinstance(ev, Started):
            killed.append(ev.pid)  # rank 0's pid
        if isinstance(ev, Phase) and ev.name == "measure" and len(killed) == 1:
            others = [p for p in rank_processes() if p.pid != killed[0]]
            assert others, "rank 1 is running"
            others[0].kill()
            killed.append(others[0].pid)

    with pytest.raises(RankFailed) as err:
        run(emit=emit, mode="train", steps=None, seconds=600)
    failed = err.value.failed
    # rank 0 then fails on the lost connection, but the cause is named: the killed rank
    assert failed.kind == "crash" and "rank 1 ended without a word" in failed.message
    gone, alive = psutil.wait_procs(rank_processes(), timeout=10)
    assert not alive


def test_settings_a_distributed_run_refuses():
    with pytest.raises(ConfigError) as err:
        RunConfig(**{**SMALL, "kernels": "compile"})
    assert err.value.field == "kernels"
    with pytest.raises(ConfigError) as err:
        RunConfig(**{**SMALL, "device": "cuda:1"})
    assert "CUDA_VISIBLE_DEVICES" in err.value.message
    with pytest.raises(ConfigError):
        RunConfig(**{**SMALL, "nproc_per_node": 0})


def test_ranks_on_gpus_this_machine_lacks_are_refused_before_any_starts():
    with pytest.raises(ConfigError) as err:
        execute(RunConfig(**{**SMALL, "device": "cuda", "steps": 1}), lambda e: None,
                lambda: False)
    assert err.value.field == "device" and not rank_processes()


def test_each_rank_draws_its_own_data_and_rank_0_the_single_process_stream():
    from engine.run.distributed import Rank

    seeds = {Rank(r, r, 4, 4).data_seed(7) for r in range(4)}
    assert len(seeds) == 4 and Rank(0, 0, 4, 4).data_seed(7) == 7


def test_union_of_all_reduce_intervals():
    assert _union_ms([(0, 2), (1, 3), (5, 6)]) == 4
    assert _union_ms([]) == 0


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_two_nodes_over_loopback_with_torchrun_store_one_run(tmp_path):
    """``torchrun --nnodes 2`` as two "nodes" on this machine: one stored run."""
    port = str(_free_port())
    data = str(tmp_path / "data")
    procs = [subprocess.Popen(
        [sys.executable, "-m", "torch.distributed.run", "--nnodes", "2",
         "--nproc-per-node", "1", "--node-rank", str(node), "--master-addr", "127.0.0.1",
         "--master-port", port, "-m", "engine", "run", "--model", "mlp", "--mode", "train",
         "--device", "cpu", "--batch-size", "8", "--input-size", "64", "--steps", "3",
         "--warmup-steps", "1", "--heldout-samples", "0", "--json", "--data-dir", data],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for node in (0, 1)]
    outs = [p.communicate(timeout=240) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs[0][1][-2000:] + outs[1][1][-2000:]
    s = json.loads(outs[0][0])
    assert s["world_size"] == 2 and s["nodes"] == 2
    assert s["allreduce_bytes_per_step"] == s["mem_grads_bytes"] > 0
    assert outs[1][0].strip() == ""  # only rank 0 reports
    listed = subprocess.run([sys.executable, "-m", "engine", "runs", "list", "--json",
                             "--data-dir", data], capture_output=True, text=True, timeout=60)
    runs = json.loads(listed.stdout)
    assert len(runs) == 1


def _window(energy, power, util, samples=10):
    from engine.core.summary import WindowStats

    return WindowStats(energy_j=energy, energy_source="nvml_counter", mean_power_w=power,
                       peak_power_w=power and power + 10, mean_gpu_util_pct=util,
                       mean_cpu_util_pct=50.0, samples=samples)


def test_a_run_on_several_gpus_sums_their_energy_and_power():
    from engine.session.telemetry.window import over_gpus

    both = over_gpus([_window(100.0, 500.0, 90.0), _window(80.0, 400.0, 70.0, samples=9)])
    assert both.energy_j == 180.0 and both.mean_power_w == 900.0
    assert both.peak_power_w == 920.0 and both.mean_gpu_util_pct == 80.0
    assert both.samples == 9 and both.energy_source == "nvml_counter"
    # a GPU without a reading: no partial sum that would read low
    assert over_gpus([_window(100.0, 500.0, 90.0), _window(None, None, None)]).energy_j is None


def test_summary_of_a_distributed_report_counts_every_rank_and_every_gpu():
    import dataclasses

    from summaries import run_report

    from engine.core.events import TelemetryStatus
    from engine.core.summary import DistReport, RankStats, TelemetryReport
    from engine.core.values import msg

    def rank(i, sps):
        return RankStats(rank=i, host="h", pid=i, device=f"cuda:{i}", device_name="H200",
                         samples_per_s=sps, step_ms_median=100.0, measured_steps=10,
                         samples=2560, peak_mem_bytes=1, allreduce_bytes_per_step=100,
                         allreduce_ms_per_step=20.0, allreduce_exposed_ms_per_step=5.0)

    base = run_report("train", steps=10)
    dist = DistReport(world_size=2, nodes=1, backend="nccl",
                      ranks=(rank(0, 2560.0), rank(1, 2500.0)), training=True,
                      allreduce_method="ddp_comm_hook_cuda_events")
    report = dataclasses.replace(base, dist=dist,
                                 compute=dataclasses.replace(base.compute,
                                                             flops_per_step=256 * 10**12,
                                                             peak_tflops=1000.0))
    per_gpu = (_window(100.0, 500.0, 90.0), _window(80.0, 400.0, 70.0))
    from engine.session.telemetry.window import over_gpus

    status = TelemetryStatus.of(True, msg("sampler.sampling", name="H200", index=0), 0)
    s = summarize(report, TelemetryReport(over_gpus(list(per_gpu)), None, status,
                                          per_gpu=per_gpu))
    assert s.samples_per_s == 5060.0 and s.samples == 5120
    assert s.rank_samples_per_s == (2560.0, 2500.0) and s.world_size == 2
    assert s.allreduce_step_share == pytest.approx(0.2)  # 20 ms of a 100 ms step
    assert s.allreduce_overlap_share == pytest.approx(0.75)  # 5 of 20 ms exposed
    assert s.tflops_per_s == pytest.approx(5060.0)  # 10^12 FLOPs per sample
    assert s.mfu_pct == pytest.approx(100 * 5060.0 / 2000.0)  # two GPUs' peaks
    assert s.gpu_energy_j == (100.0, 80.0) and s.energy_j == 180.0
    assert s.mean_power_w == 900.0 and s.energy_per_sample_j == pytest.approx(180.0 / 5120)


def _scaled(mode, ranks, rate, allreduce_bytes=None, share=None, device="cpu"):
    from summaries import cpu_summary

    return cpu_summary(mode, world_size=ranks, samples_per_s=rate, device=device,
                       allreduce_bytes_per_step=allreduce_bytes, allreduce_step_share=share)


def test_scaling_verdict_training_pays_for_communication():
    from engine.claims.experiment_verdicts import scaling
    from engine.claims.experiments import CaseResult, _table_scaling

    def case(label, mode, *args):
        return CaseResult(label, mode, "ok", _scaled(mode, *args, device="cuda:0"))

    results = [case("1 ranks train", "train", 1, 1000.0),
               case("2 ranks train", "train", 2, 1500.0, 23_000_000, 0.2),
               case("1 ranks infer", "infer", 1, 4000.0),
               case("2 ranks infer", "infer", 2, 7800.0, 0, 0.0)]
    v = scaling(results)
    assert v.status == "confirmed"
    assert "75%" in v.text and "98%" in v.text  # 1500 / (2 × 1000), 7800 / (2 × 4000)
    table = _table_scaling(results)
    assert len(table.rows) == 4
    # inference that scales no better than training: not confirmed
    results[3] = case("2 ranks infer", "infer", 2, 6000.0, 0, 0.0)
    assert scaling(results).status == "not_confirmed"
    # without a run at more than one rank there is nothing to judge
    assert scaling(results[:1] + results[2:3]).status == "not_measurable"
    # ranks on one CPU share its cores: the numbers, but no verdict on communication
    on_cpu = [CaseResult(c.label, c.mode, "ok", dataclasses.replace(c.summary, device="cpu"))
              for c in results]
    v = scaling(on_cpu)
    assert v.status == "not_measurable" and "share the same cores" in v.text
    assert "75%" in v.text


def test_scaling_plan_on_the_cpu_runs_one_and_two_ranks():
    from engine.claims.experiments import plan_experiment

    plan = plan_experiment("scaling", "mlp", "cpu", 1.0)
    assert [c.label for c in plan.cases] == ["1 ranks train", "2 ranks train", "1 ranks infer",
                                             "2 ranks infer"]
    assert [c.config.nproc_per_node for c in plan.cases] == [1, 2, 1, 2]
    assert all(c.unavailable is None for c in plan.cases)


def test_a_session_on_two_gpus_reports_each_and_sums_their_energy():
    """A fake two-GPU machine: the second GPU's readings arrive as GpuSample events, and a
    two-rank report's summary adds both GPUs' energy."""
    import dataclasses
    import queue

    from fake_nvml import FakeNvmlLib
    from summaries import run_report

    from engine.core.events import GpuSample
    from engine.core.summary import DistReport, RankStats
    from engine.session.session import Session
    from engine.session.telemetry.nvml import Nvml
    from engine.session.telemetry.sampler import Sampler

    s = Session(nvml=Nvml(FakeNvmlLib(gpus=2)), sample_hz=40)
    s.devices = None
    s._out = queue.Queue()
    s._run_gpus = {0, 1}
    s._sampler = Sampler(s._nvml, 0, hz=40, energy_every=1, on_sample=s._on_sample,
                         on_status=s._on_status, on_other_sample=s._on_other_sample)
    s._sampler.start()
    t0 = time.monotonic()
    time.sleep(1.2)
    s._sampler.stop()
    events = []
    while not s._out.empty():
        events.append(s._out.get())
    others = [e for e in events if isinstance(e, GpuSample)]
    assert others and all(e.gpu_index == 1 and e.in_run for e in others)

    def rank(i):
        return RankStats(rank=i, host="h", pid=i, device=f"cuda:{i}", device_name="H200",
                         samples_per_s=2560.0, step_ms_median=100.0, measured_steps=10,
                         samples=2560, peak_mem_bytes=1, allreduce_bytes_per_step=1,
                         allreduce_ms_per_step=1.0, allreduce_exposed_ms_per_step=0.5)

    report = dataclasses.replace(
        run_report("train", measure=(t0 + 0.1, t0 + 1.1)),
        dist=DistReport(2, 1, "nccl", (rank(0), rank(1)), True, "ddp_comm_hook_cuda_events"))
    merged = s._complete_summary(report)
    one = s._complete_summary(run_report("train", measure=(t0 + 0.1, t0 + 1.1)))
    assert len(merged.gpu_energy_j) == 2 and merged.energy_j == pytest.approx(
        sum(merged.gpu_energy_j))
    assert merged.gpu_energy_j[0] == pytest.approx(one.energy_j)
    assert merged.mean_power_w == pytest.approx(sum(merged.gpu_mean_power_w))


def test_scaling_efficiency_against_the_newest_stored_run_on_one_rank():
    from types import SimpleNamespace

    from engine.claims.scaling import against_stored, scaling_msg
    from engine.core.format import text

    two = _scaled("train", 2, 1500.0, 23_000_000, 0.2)
    runs = [SimpleNamespace(id=9, status="completed", summary=_scaled("infer", 1, 4000.0)),
            SimpleNamespace(id=8, status="failed", summary=None),
            SimpleNamespace(id=7, status="completed",
                            summary=dataclasses.replace(_scaled("train", 1, 900.0),
                                                        batch_size=32)),  # another batch
            SimpleNamespace(id=5, status="completed", summary=_scaled("train", 1, 1000.0))]
    store = SimpleNamespace(list_runs=lambda text="": runs)
    found = against_stored(store, two)
    assert found is not None and found.baseline_run_id == 5
    assert found.efficiency == pytest.approx(0.75)
    assert found.to_dict() == {"scaling_efficiency": 0.75, "scaling_baseline_run": 5}
    assert "75% of linear scaling: 2 ranks against 2 × run #5" in text(scaling_msg(two, found))
    assert against_stored(SimpleNamespace(list_runs=lambda text="": runs[:3]), two) is None
    assert "--nproc-per-node 1" in text(scaling_msg(two, None))


def test_a_stored_distributed_run_says_its_ranks():
    from summaries import cpu_summary

    from engine.session.store.db import RunRecord

    rec = RunRecord(id=1, uuid="u", name="", model="mlp", mode="train", device="cpu",
                    device_name="CPU", status="completed", started_unix_s=0.0,
                    updated_unix_s=0.0, t0_s=0.0, config={"nproc_per_node": 2},
                    summary=cpu_summary("train", world_size=2, batch_size=16), failure=None)
    assert rec.distinguishing["ranks"] == 2 and "2 ranks" in rec.title
    assert "ranks" not in dataclasses.replace(rec, summary=cpu_summary("train")).distinguishing


def test_rank_0s_step_records_say_they_are_per_rank():
    from engine.core.format import text
    from engine.core.progress import step_parts

    step = StepStats(1.0, 3, "measure", 50.0, 640.0, None, 2.0, ranks=2)
    assert "640 vectors/s per rank (× 2 ranks)" in [text(p) for p in step_parts(step, "vectors")]
    one = dataclasses.replace(step, ranks=1)
    assert "per rank" not in " ".join(text(p) for p in step_parts(one, "vectors"))


def test_the_comparison_title_says_the_pair_ran_on_several_ranks():
    from engine.claims.compare import build
    from engine.core.format import text

    pair = [_scaled(m, 2, 1000.0, device="cpu") for m in ("train", "infer")]
    assert "2 ranks (rates over every rank" in text(build(*pair).title())
    assert "ranks" not in text(build(_scaled("train", 1, 1.0), _scaled("infer", 1, 1.0)).title())
