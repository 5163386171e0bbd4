"""The measured training / inference loop (runs inside the run process).

:func:`execute` reads top to bottom: check the device and precision, build the model,
count one step's FLOPs, run warm-up, run the measured phase, measure memory and the
weights, and return what was measured as a :class:`~engine.core.summary.RunReport`
(the session completes it into a Summary with the telemetry of the same window). It is a
plain function so tests can call it in-process; :mod:`engine.run.worker` runs it in the
spawned run process. The parts live beside it: :mod:`engine.run.device` (checks),
:mod:`engine.run.runner` (the model and its step), :mod:`engine.run.timing` (step
timers), :mod:`engine.run.measure` (FLOPs, memory) and :mod:`engine.run.objective`
(weights, held-out accuracy).

Synchronization points (STYLE.md 6): one ``torch.cuda.synchronize()`` at each phase
edge (so peak counters and the clock start from an idle device); the rest are named in
:mod:`engine.run.timing`.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import psutil
import torch

from engine.core.config import RunConfig
from engine.core.events import Notice, Phase, Started
from engine.core.files import check_writable
from engine.core.summary import ComputeReport, RunFacts, RunReport, WeightsReport
from engine.core.values import msg
from engine.run import checkpoint
from engine.run.device import (
    check_kernels,
    check_precision,
    device_name,
    resolve_device,
    set_math_mode,
    sync,
)
from engine.run.measure import RssPeak, breakdown, count_step, weight_bytes
from engine.run.models import preload
from engine.run.objective import after_run, param_checksum
from engine.run.peaks import peak_tflops
from engine.run.quantize import check_quantize
from engine.run.runner import ModelRunner
from engine.run.timing import Emit, ShouldStop, StepReporter, run_phase

if TYPE_CHECKING:
    from engine.run.distributed import Rank


def execute(cfg: RunConfig, emit: Emit, should_stop: ShouldStop,
            rank: Rank | None = None) -> RunReport | None:
    """Run ``cfg`` to the end and emit its events; returns what was measured.

    Returns ``None`` (after emitting ``Phase("done", "stopped_warmup")``) when stopped
    before the measured phase began.

    With ``cfg.nproc_per_node > 1`` the run goes to
    :func:`engine.run.distributed.launch`, which starts the ranks; each rank runs this
    function with its :class:`~engine.run.distributed.Rank` (so does a process that
    ``torchrun`` started), which changes the device, wraps the model in DDP, makes the
    ranks agree on when to stop, and gathers every rank's numbers into rank 0's report.

    Raises:
        ConfigError: The device cannot run this configuration.
        torch.OutOfMemoryError, RuntimeError: From the model; the worker turns them into
            :class:`engine.core.events.Failed`.
        engine.run.distributed.RankFailed: A rank of a distributed run failed.
    """
    if rank is None:
        from engine.run import distributed

        if cfg.nproc_per_node > 1:
            return distributed.launch(cfg, emit, should_stop)
        rank = distributed.from_environment()  # a worker of torchrun's
    if rank is None:
        return _execute(cfg, emit, should_stop, None)
    try:
        return _execute(cfg, emit, should_stop, rank)
    finally:
        rank.close()


def _execute(cfg: RunConfig, emit: Emit, should_stop: ShouldStop,
             rank: Rank | None) -> RunReport | None:
    started_unix = time.time()
    emit(Phase(time.monotonic(), "build", cfg.model))

    # 1. The device and precision: refused now, before anything is built.
    device = rank.device(cfg.device) if rank is not None else resolve_device(cfg.device)
    check_precision(cfg.precision, device)
    check_kernels(cfg.kernels, device)
    check_quantize(cfg.quantize, device)
    if cfg.save_weights:
        check_writable(cfg.save_weights, "save_weights")  # now, not after the whole run
    if cfg.precision == "fp16" and device.type == "cpu":
        emit(Notice.of(msg("run.fp16_cpu"), msg("run.fp16_cpu.hint")))
    set_math_mode(cfg.precision)
    preload(cfg.model)  # the model's libraries are runtime, not the run's memory
    proc = psutil.Process()
    rss_base = proc.memory_info().rss  # the CPU peak is counted from here
    if rank is not None:
        rank.join(device, training=cfg.mode == "train")

    # 2. The model, its optimizer and data, and the weights it starts from.
    t_build = time.monotonic()
    runner = ModelRunner(cfg, device,
                         data_seed=rank.data_seed(cfg.seed) if rank is not None else None)
    loaded_from, loaded_id = None, ""
    if cfg.load_weights:
        ckpt = checkpoint.read(cfg.load_weights)
        checkpoint.load_into(runner.module, ckpt, cfg, runner.input_size, cfg.load_weights)
        loaded_from, loaded_id = ckpt.describe(), ckpt.weights_id
        del ckpt  # read again at the end: a copy held now would count as the run's memory
    sync(device)
    name = device_name(device)
    emit(Started(
        t_s=time.monotonic(), pid=proc.pid, device=str(device), device_name=name,
        torch_version=str(torch.__version__),  # a TorchVersion would make readers import torch
        params=runner.params, param_bytes=runner.param_bytes,
        batch_size=runner.batch_size, input_size=runner.input_size,
        sample_unit=runner.spec.info.sample_unit, tokens_per_sample=runner.tokens_per_sample,
        build_s=time.monotonic() - t_build,
    ))
    quant = None
    if cfg.quantize != "none":
        from engine.run.quantize import quantize

        quant = quantize(runner)
        runner.param_bytes = weight_bytes(runner.module)

    # 3. One untimed, counted step: FLOPs and activation sizes.
    with runner.eager():
        count = count_step(runner)
    agree = None
    if rank is not None:  # each rank its own data from here; DDP in training
        rank.wrap(runner)
        rank.barrier()
        agree = rank.agree

    # 4. Warm-up: run, reported, never averaged in.
    reporter = StepReporter(emit, runner.batch_size, runner.tokens_per_sample,
                            rank.world_size if rank is not None else 1)
    t_warmup = time.monotonic()
    if cfg.warmup_steps:
        emit(Phase(t_warmup, "warmup"))
        _, stopped = run_phase(runner, "warmup", reporter, should_stop, cfg.warmup_steps, None,
                               agree=agree)
        if stopped:
            emit(Phase(time.monotonic(), "done", "stopped_warmup"))
            return None

    # 5. The measured phase, from an idle device with the peak counters reset.
    sync(device)
    cuda = device.type == "cuda"
    if cuda:
        torch.cuda.reset_peak_memory_stats(device)
    rss_peak = RssPeak()
    if not cuda:
        rss_peak.reset()  # the CPU peak of the measured phase, transient tensors included
    checksum_before = param_checksum(runner.module)
    if rank is not None:  # the ranks start measuring together
        rank.barrier()
        rank.measuring(True)
    t_measure = time.monotonic()
    emit(Phase(t_measure, "measure"))
    steps, stopped = run_phase(runner, "measure", reporter, should_stop, cfg.steps, cfg.seconds,
                               on_step=None if cuda else rss_peak.poll, agree=agree)
    sync(device)  # every measured step has finished
    t_end = time.monotonic()
    if rank is not None:
        rank.measuring(False)
        rank.unwrap(runner)

    # 6. Memory, the weights, and what the final model predicts.
    peak = (torch.cuda.max_memory_allocated(device) if cuda
            else max(0, rss_peak.peak() - rss_base))
    memory = breakdown(runner, count, int(peak))
    changed = param_checksum(runner.module) != checksum_before
    emit(Phase(t_end, "done", "stopped" if stopped else "completed"))
    timing = reporter.timing(t_warmup, t_measure, t_end, stopped)
    losses = reporter.losses["measure"]
    if rank is None or rank.is_main:  # the ranks' weights are the same: rank 0 evaluates
        weights = after_run(cfg, runner, changed=changed,
                            steps=len(reporter.times_ms["warmup"]) + steps,
                            loss_last=losses[-1] if losses else None, stopped=stopped,
                            emit=emit, should_stop=should_stop, loaded_from=loaded_from,
                            loaded_id=loaded_id)
    else:
        weights = WeightsReport(changed=changed)
    dist_report = None
    if rank is not None:
        measured_s = t_end - t_measure
        dist_report = rank.gather(rank.stats(
            samples_per_s=(steps * runner.batch_size / measured_s
                           if steps and measured_s > 0 else None),
            step_ms_median=timing.step_ms_median, measured_steps=steps,
            samples=steps * runner.batch_size, peak_mem_bytes=int(peak), device=str(device),
            device_name=name))
    facts = RunFacts(
        model=cfg.model, mode=cfg.mode, device=str(device), device_name=name,
        precision=cfg.precision, batch_size=runner.batch_size, input_size=runner.input_size,
        sample_unit=runner.spec.info.sample_unit, tokens_per_sample=runner.tokens_per_sample,
        generated_tokens=cfg.generate_tokens,
        optimizer=cfg.optimizer if runner.training else None,
        learning_rate=runner.learning_rate, params=runner.params,
        param_bytes=runner.param_bytes, kernels=cfg.kernels, quantize=cfg.quantize,
        seed=cfg.seed, torch_version=str(torch.__version__), started_unix_s=started_unix,
        loader_workers=cfg.loader_workers, pin_memory=cfg.pin_memory,
    )
    compute = ComputeReport(count.flops, peak_tflops(name, cfg.precision) if cuda else None)
    return RunReport(facts, timing, memory, compute, weights, quant, dist_report)
