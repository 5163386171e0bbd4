"""The one place tests make summaries and run reports.

``summary`` is DESIGN.md's ResNet-50 on an H200; ``cpu_summary`` a plausible MLP run on a
CPU; ``run_report`` what a run process sends before the session adds telemetry.
"""

from __future__ import annotations

import time

from engine.core.events import Summary
from engine.core.summary import (
    ComputeReport,
    MemoryReport,
    RunFacts,
    RunReport,
    StepTiming,
    WeightsReport,
)


def summary(mode, **kw):
    """DESIGN.md's reference ResNet-50 numbers on an H200, in ``mode``."""
    base = dict(
        model="resnet50", mode=mode, device="cuda:0", device_name="NVIDIA H200",
        precision="bf16", batch_size=256, input_size=224, sample_unit="images",
        optimizer="adamw" if mode == "train" else None,
        learning_rate=1e-3 if mode == "train" else None, params=25_557_032,
        param_bytes=102_228_128, warmup_steps=3, measured_steps=100, measured_s=5.0,
        stopped_early=False, samples_per_s=4735.0 if mode == "train" else 15579.0,
        tokens_per_s=None, step_ms_median=54.1 if mode == "train" else 16.4,
        step_ms_p95=55.0, step_ms_mean=54.2, warmup_step_ms_first=900.0,
        peak_mem_bytes=int((11.0 if mode == "train" else 1.65) * 2**30),
        peak_mem_source="cuda_max_allocated",
        loss_first=6.9 if mode == "train" else None, loss_last=2.1 if mode == "train" else None,
        weights_changed=mode == "train", torch_version="2.11", started_unix_s=0.0,
        measure_start_t_s=0.0, measure_end_t_s=5.0,
        energy_j=1000.0, energy_source="nvml_counter",
        energy_per_sample_j=0.137 if mode == "train" else 0.043,
        mean_power_w=624.0 if mode == "train" else 676.0, peak_power_w=700.0,
        mean_gpu_util_pct=99.8 if mode == "train" else 99.9, mean_cpu_util_pct=10.0,
    )
    base.update(kw)
    return Summary(**base)


def h200_pair(**kw):
    """DESIGN.md's ResNet-50 pair on an H200 (batch 256, bf16), with a step split, FLOP
    counts, GPM activity and the weights' bytes; ``kw`` changes both sides."""
    common = dict(mean_sm_activity_pct=91.0, mean_tensor_activity_pct=14.0,
                  mem_params_bytes=102_228_128, **kw)
    train = summary("train", flops_per_step=256 * 12.3e9, forward_ms_median=18.0,
                    backward_ms_median=33.0, optimizer_ms_median=3.0,
                    mem_activations_bytes=9 << 30, **common)
    infer = summary("infer", flops_per_step=256 * 4.1e9, forward_ms_median=16.4,
                    mem_activations_bytes=1 << 30, **common)
    return train, infer


def cpu_summary(mode: str = "train", model: str = "mlp", **changes) -> Summary:
    """A plausible CPU Summary of ``model`` in ``mode``; ``changes`` override fields."""
    now = time.monotonic()
    fields = dict(
        model=model, mode=mode, device="cpu", device_name="Test CPU", precision="fp32",
        batch_size=64, input_size=784, sample_unit="vectors",
        optimizer="adamw" if mode == "train" else None,
        learning_rate=1e-3 if mode == "train" else None, params=5_824_522,
        param_bytes=23_298_088, warmup_steps=3, measured_steps=40, measured_s=2.0,
        stopped_early=False, samples_per_s=1280.0 if mode == "train" else 4100.0,
        tokens_per_s=None, step_ms_median=50.0 if mode == "train" else 15.6,
        step_ms_p95=55.0 if mode == "train" else 17.0,
        step_ms_mean=50.5 if mode == "train" else 15.8, warmup_step_ms_first=200.0,
        peak_mem_bytes=(600 if mode == "train" else 400) << 20,
        peak_mem_source="process_rss_growth",
        loss_first=2.3 if mode == "train" else None, loss_last=0.4 if mode == "train" else None,
        weights_changed=mode == "train", torch_version="2.x", started_unix_s=time.time(),
        measure_start_t_s=now - 2.0, measure_end_t_s=now, mean_cpu_util_pct=95.0,
        telemetry_note="ran on the CPU: power, energy and GPU utilization are measured for "
        "NVIDIA GPUs only",
    )
    fields.update(changes)
    return Summary(**fields)


def run_report(mode: str = "infer", *, device: str = "cuda:0", batch: int = 256,
               steps: int = 10, measure: tuple[float, float] = (0.0, 1.0),
               warmup_start: float | None = None) -> RunReport:
    """What a ResNet-50 run process reports: ``steps`` steps over the window ``measure``."""
    start, end = measure
    facts = RunFacts(
        model="resnet50", mode=mode, device=device, device_name="NVIDIA H200",
        precision="bf16", batch_size=batch, input_size=224, sample_unit="images",
        tokens_per_sample=None, generated_tokens=0,
        optimizer="adamw" if mode == "train" else None,
        learning_rate=1e-3 if mode == "train" else None, params=1, param_bytes=4,
        kernels="eager", quantize="none", seed=0, torch_version="x", started_unix_s=0.0)
    timing = StepTiming.of(
        warmup_ms=[500.0, 100.0, 100.0], measured_ms=[100.0] * steps,
        measured_parts_ms=[[100.0]] * steps, warmup_losses=[], measured_losses=[],
        warmup_start_t_s=warmup_start, measure_start_t_s=start, measure_end_t_s=end,
        stopped_early=False)
    memory = MemoryReport(1, "cuda_max_allocated" if device.startswith("cuda")
                          else "process_rss_growth", 0, 0, 0, 0, 0, None, "cuda_allocator")
    return RunReport(facts, timing, memory, ComputeReport(0, None), WeightsReport(False))


def run_here(cfg, emit=None, should_stop=None):
    """Run ``cfg`` in this process (no session, no telemetry); its Summary or ``None``."""
    from engine.core.summary import summarize
    from engine.run.loop import execute

    report = execute(cfg, emit or (lambda _e: None), should_stop or (lambda: False))
    return summarize(report) if report is not None else None


def experiment(name, model=None, device="auto", seconds=None, *, store=None, batches=None,
               session=None, should_stop=None, on_event=None):
    """Plan and run experiment ``name`` to the end; returns ``(result, headers, rows)``.

    ``rows`` are the table's cells in English words, ``headers`` its column titles.
    """
    from engine.claims.experiment_runner import run_to_end
    from engine.claims.experiments import plan_experiment
    from engine.session.session import Session

    plan = plan_experiment(name, model, device, seconds, batches)
    own = session is None
    session = session if session is not None else Session(store=store)
    try:
        result = run_to_end(plan, session, should_stop=should_stop, on_event=on_event)
    finally:
        if own:
            session.close()
    headers, rows = result.table.text()
    return result, headers, rows
