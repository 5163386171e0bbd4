"""A run's :class:`~engine.core.events.Summary`, built from its parts in one place.

The parts come from where they are measured. The run process measures what ran
(:class:`RunFacts`), the step times (:class:`StepTiming`, reduced from every step's time
by :meth:`StepTiming.of`), the memory breakdown (:class:`MemoryReport`), the FLOP count
(:class:`ComputeReport`), what happened to the weights (:class:`WeightsReport`) and what
quantization did (:class:`QuantReport`), and sends them as one :class:`RunReport`. The
session adds the telemetry of the run's windows (:class:`TelemetryReport`, from the
sampler in its own process) and calls :func:`summarize`, the one pure function that
computes every derived field (throughput, TFLOP/s, MFU, energy per sample, "other"
memory ...) and returns the flat Summary that is printed, stored and compared.

Every part is a frozen dataclass of plain values (it crosses the process boundary and
is unpickled where torch is never imported).
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from engine.core.events import Summary, TelemetryStatus
from engine.core.values import Msg, msg

LOSS_CURVE_POINTS = 200
"""At most this many ``(step, loss)`` pairs are kept in ``Summary.loss_curve``."""


def loss_curve(losses: Sequence[float], points: int = LOSS_CURVE_POINTS) -> tuple[
        tuple[float, float], ...]:
    """``(step, loss)`` pairs of ``losses`` (loss of step ``i + 1`` at index ``i``).

    With more than ``points`` losses, consecutive steps are averaged in equal buckets and
    each pair is the bucket's mean step and mean loss.
    """
    n = len(losses)
    if n <= points:
        return tuple((float(i + 1), float(v)) for i, v in enumerate(losses))
    out = []
    for b in range(points):
        lo, hi = b * n // points, (b + 1) * n // points
        chunk = losses[lo:hi]
        out.append(((lo + hi + 1) / 2.0, sum(chunk) / len(chunk)))
    return tuple(out)


def percentile(values: Sequence[float], pct: int) -> float:
    """The ``pct``-th percentile, linearly interpolated (numpy's default, "inclusive").

    Raises:
        ValueError: ``values`` is empty.
    """
    if not values:
        raise ValueError("percentile of no values")
    if len(values) == 1:
        return float(values[0])
    return statistics.quantiles(values, n=100, method="inclusive")[pct - 1]


@dataclass(frozen=True)
class RunFacts:
    """What ran, once the run process resolved the configuration's defaults.

    Attributes:
        model, mode, precision, kernels, quantize, seed: As in
            :class:`~engine.core.config.RunConfig`.
        device: The torch device used (``"cpu"``, ``"cuda:0"``); device_name its name.
        batch_size, input_size: After the model's defaults were applied.
        sample_unit: What one sample is (``"images"``, ``"sequences"`` ...).
        tokens_per_sample: Tokens a step produces (generation) or reads per sample, for
            language models; ``None`` otherwise.
        generated_tokens: Tokens generated per sequence per step (``0``: forward only).
        optimizer, learning_rate: In training; ``None`` in inference.
        params: Trainable parameters. param_bytes: bytes of the weights the run used
            (the quantized ones, after quantization).
        torch_version: ``torch.__version__`` in the run process.
        started_unix_s: When the run process started the run (Unix seconds).
        loader_workers, pin_memory: How the batches were fed (``None``: made on the
            device; ``0``: a DataLoader in the training loop; ``n``: ``n`` workers).
    """

    model: str
    mode: str
    device: str
    device_name: str
    precision: str
    batch_size: int
    input_size: int
    sample_unit: str
    tokens_per_sample: int | None
    generated_tokens: int
    optimizer: str | None
    learning_rate: float | None
    params: int
    param_bytes: int
    kernels: str
    quantize: str
    seed: int
    torch_version: str
    started_unix_s: float
    loader_workers: int | None = None
    pin_memory: bool = False


@dataclass(frozen=True)
class StepTiming:
    """The step times of a run, reduced (ms unless said otherwise).

    Attributes:
        warmup_steps, measured_steps: Steps in each phase.
        measured_s: Wall time of the measured phase (s).
        stopped_early: Stop was asked during the measured phase.
        warmup_start_t_s, measure_start_t_s, measure_end_t_s: Monotonic edges (s).
        step_ms_median, step_ms_p95, step_ms_p99, step_ms_mean: Over measured steps only
            (percentiles by :func:`percentile`); steps_ms_total: their sum.
        warmup_step_ms_first: The first warm-up step (one-off costs, compilation).
        part_ms_median, part_ms_mean: Per part of a measured step: ``(forward+loss,
            backward, optimizer)`` in training, ``(forward,)`` in inference,
            ``(prefill, decode)`` in generation; ``()`` without measured steps.
        loss_first, loss_last: Loss of the first and last measured step (training).
        loss_curve: ``(step, loss)`` over warm-up and measured steps (:func:`loss_curve`).
    """

    warmup_steps: int
    measured_steps: int
    measured_s: float
    stopped_early: bool
    warmup_start_t_s: float | None
    measure_start_t_s: float
    measure_end_t_s: float
    step_ms_median: float | None
    step_ms_p95: float | None
    step_ms_mean: float | None
    warmup_step_ms_first: float | None
    step_ms_p99: float | None = None
    steps_ms_total: float | None = None
    part_ms_median: tuple[float, ...] = ()
    part_ms_mean: tuple[float, ...] = ()
    loss_first: float | None = None
    loss_last: float | None = None
    loss_curve: tuple[tuple[float, float], ...] = ()

    @classmethod
    def of(cls, *, warmup_ms: Sequence[float], measured_ms: Sequence[float],
           measured_parts_ms: Sequence[Sequence[float]], warmup_losses: Sequence[float],
           measured_losses: Sequence[float], warmup_start_t_s: float | None,
           measure_start_t_s: float, measure_end_t_s: float,
           stopped_early: bool) -> StepTiming:
        """Reduce every step's time, parts and loss to the statistics a summary keeps."""
        parts = list(zip(*measured_parts_ms)) if measured_ms else []
        times = list(measured_ms)
        return cls(
            warmup_steps=len(warmup_ms),
            measured_steps=len(times),
            measured_s=measure_end_t_s - measure_start_t_s,
            stopped_early=stopped_early,
            warmup_start_t_s=warmup_start_t_s,
            measure_start_t_s=measure_start_t_s,
            measure_end_t_s=measure_end_t_s,
            step_ms_median=statistics.median(times) if times else None,
            step_ms_p95=percentile(times, 95) if times else None,
            step_ms_p99=percentile(times, 99) if times else None,
            steps_ms_total=math.fsum(times) if times else None,
            step_ms_mean=statistics.fmean(times) if times else None,
            warmup_step_ms_first=warmup_ms[0] if warmup_ms else None,
            part_ms_median=tuple(statistics.median(p) for p in parts),
            part_ms_mean=tuple(statistics.fmean(p) for p in parts),
            loss_first=measured_losses[0] if measured_losses else None,
            loss_last=measured_losses[-1] if measured_losses else None,
            loss_curve=loss_curve([*warmup_losses, *measured_losses]),
        )


@dataclass(frozen=True)
class MemoryReport:
    """Peak memory of the measured phase and where it went (bytes).

    Attributes:
        peak_bytes: The CUDA allocator's peak allocated on a GPU; on a CPU the growth
            of the run process's resident-set high-water mark over the runtime.
        source: ``"cuda_max_allocated"`` or ``"process_rss_growth"``.
        params, grads, optimizer, inputs, activations: The breakdown
            (:mod:`engine.run.measure` says how each is obtained).
        reserved: Peak reserved by the CUDA caching allocator (``None`` on a CPU).
        method: How the breakdown was obtained: ``"cuda_allocator"``,
            ``"cpu_saved_tensors"`` (training) or ``"cpu_largest_output"`` (inference).
    """

    peak_bytes: int
    source: str
    params: int
    grads: int
    optimizer: int
    inputs: int
    activations: int
    reserved: int | None
    method: str


@dataclass(frozen=True)
class ComputeReport:
    """FLOPs of one step and the device's peak rate.

    Attributes:
        flops_per_step: Counted once with ``torch.utils.flop_counter`` (0: none counted).
        peak_tflops: The GPU's peak dense TFLOP/s for the run's precision
            (:mod:`engine.run.peaks`); ``None`` on a CPU or an unknown GPU.
    """

    flops_per_step: int
    peak_tflops: float | None


@dataclass(frozen=True)
class WeightsReport:
    """What happened to the weights, and what the final model predicts.

    Attributes:
        changed: A float64 checksum of the parameters moved during the measured phase.
        change_l2, change_rel: ``‖θ_end − θ_start‖₂`` and its share of ``‖θ_start‖₂``
            (``None``: not computed: a quantized model, or a stopped run).
        heldout_accuracy, heldout_predictions, heldout_chance: Top-1 accuracy on held-out
            samples, how many predictions it counts, and a uniform guess's accuracy.
        loaded_from: Where the weights came from (a checkpoint's description), ``""``:
            the seed's random initialization; loaded_from_msg: the same as a message.
        loaded_id: The loaded checkpoint's ``weights_id``.
        saved_path, saved_id: The checkpoint the run wrote, and its id (``""``: none).
    """

    changed: bool
    change_l2: float | None = None
    change_rel: float | None = None
    heldout_accuracy: float | None = None
    heldout_predictions: int | None = None
    heldout_chance: float | None = None
    loaded_from: str = ""
    loaded_id: str = ""
    saved_path: str = ""
    saved_id: str = ""
    loaded_from_msg: Msg | None = None


@dataclass(frozen=True)
class QuantReport:
    """What quantization did (:mod:`engine.run.quantize`).

    Attributes:
        layers: Linear layers quantized.
        method: The library call (``"torchao Int8WeightOnlyConfig"``).
        tied_layers: Linear layers left as they were because their weight is shared.
        output_rel_error: ``‖y_q − y‖₂ / ‖y‖₂`` of the logits on one batch.
        top1_agreement: Share of predictions quantization left unchanged (0-1).
    """

    layers: int
    method: str
    tied_layers: int
    output_rel_error: float
    top1_agreement: float


@dataclass(frozen=True)
class RankStats:
    """One rank of a distributed run (:mod:`engine.run.distributed`), gathered by rank 0.

    Attributes:
        rank: Global rank. host, pid: Where it ran. device, device_name: Its device.
        samples_per_s: Its measured samples / its measured seconds.
        step_ms_median: Its median step time (ms).
        measured_steps, samples: Its measured steps and samples.
        peak_mem_bytes: Its peak memory (as :attr:`MemoryReport.peak_bytes`).
        allreduce_bytes_per_step: Gradient bytes all-reduced per step (median; 0 in
            inference, ``None`` when no step was measured).
        allreduce_ms_per_step: Mean time per step in which an all-reduce was in flight (ms).
        allreduce_exposed_ms_per_step: Of that, the mean part after the backward pass had
            launched its last bucket (not overlapped with computation) (ms).
    """

    rank: int
    host: str
    pid: int
    device: str
    device_name: str
    samples_per_s: float | None
    step_ms_median: float | None
    measured_steps: int
    samples: int
    peak_mem_bytes: int
    allreduce_bytes_per_step: int | None
    allreduce_ms_per_step: float | None
    allreduce_exposed_ms_per_step: float | None


@dataclass(frozen=True)
class DistReport:
    """A distributed run's ranks (rank 0's view, after ``gather_object``).

    Attributes:
        world_size: Ranks. nodes: Machines (``world_size // local ranks``).
        backend: ``"nccl"`` or ``"gloo"``.
        ranks: Every rank's :class:`RankStats`, by rank.
        training: DistributedDataParallel training (``False``: independent replicas).
        allreduce_method: How all-reduce time was taken (``"ddp_comm_hook_host_clock"``,
            ``"ddp_comm_hook_cuda_events"``; ``""`` in inference).
    """

    world_size: int
    nodes: int
    backend: str
    ranks: tuple[RankStats, ...]
    training: bool
    allreduce_method: str = ""


@dataclass(frozen=True)
class RunReport:
    """Everything the run process measured; the session completes it (:func:`summarize`).

    Sent through the pipe as the run's last event instead of a Summary.
    """

    run: RunFacts
    steps: StepTiming
    memory: MemoryReport
    compute: ComputeReport
    weights: WeightsReport
    quant: QuantReport | None = None
    dist: DistReport | None = None


@dataclass(frozen=True)
class WindowStats:
    """Telemetry over one window of time (see :meth:`SampleColumns.window`).

    Attributes:
        energy_j: Energy (J): difference of the cumulative NVML energy counter, linearly
            interpolated at both edges; or, without a counter, the trapezoid integral of
            power (then ``energy_source`` is ``"estimated_from_power"``); ``None`` without
            either.
        energy_source: ``"nvml_counter"``, ``"estimated_from_power"`` or ``None``
            (a summary's ``"rapl"`` comes from :attr:`cpu_energy_j`).
        mean_power_w, peak_power_w: Power draw over the window (W).
        mean_gpu_util_pct: Mean NVML utilization (%).
        mean_cpu_util_pct: Mean whole-machine CPU utilization (%).
        samples: Number of samples inside the window.
        mean_power_instant_w, peak_power_instant_w: Instant power draw (W).
        mean_sm_activity_pct, mean_sm_occupancy_pct, mean_tensor_activity_pct,
            mean_dram_bw_util_pct: Means of the GPM readings inside the window.
        cpu_energy_j: Energy of the CPU packages and DRAM over the window (J), from the
            RAPL counters (:mod:`engine.session.telemetry.rapl`); ``None`` without them.
    """

    energy_j: float | None
    energy_source: str | None
    mean_power_w: float | None
    peak_power_w: float | None
    mean_gpu_util_pct: float | None
    mean_cpu_util_pct: float | None
    samples: int
    mean_power_instant_w: float | None = None
    peak_power_instant_w: float | None = None
    mean_sm_activity_pct: float | None = None
    mean_sm_occupancy_pct: float | None = None
    mean_tensor_activity_pct: float | None = None
    mean_dram_bw_util_pct: float | None = None
    cpu_energy_j: float | None = None


@dataclass(frozen=True)
class TelemetryReport:
    """The sampler's view of a run (from the session's process).

    Attributes:
        measured: Telemetry over the measured phase.
        warmup: Telemetry over warm-up (``None`` without warm-up steps).
        status: What the sampler could read (``None``: it never reported).
        counter_resets: Resets of the GPU's energy counter during the measured phase
            (the cumulative energy carries on across them, see
            :mod:`engine.session.telemetry.sampler`).
        cpu_energy_problem: Why the CPU's RAPL energy was not read (``None``: it was, or
            nobody asked).
        per_gpu: A run on several GPUs: each GPU's measured window, the primary first
            (``measured`` is then their sum, :func:`engine.session.telemetry.window.
            over_gpus`); ``()`` for a run on one device.
    """

    measured: WindowStats
    warmup: WindowStats | None
    status: TelemetryStatus | None
    counter_resets: int = 0
    cpu_energy_problem: Msg | None = None
    per_gpu: tuple[WindowStats, ...] = ()


def _telemetry_note(run: RunFacts, telemetry: TelemetryReport | None,
                    gpu_readings: bool) -> Msg | None:
    """Why the GPU fields are empty, or ``None`` when they are not."""
    status = telemetry.status if telemetry is not None else None
    reason = (status.msg or status.message) if status is not None else None
    if not run.device.startswith("cuda"):
        if telemetry is not None and telemetry.measured.cpu_energy_j is not None:
            return msg("summary.note.cpu_rapl")
        rapl = telemetry.cpu_energy_problem if telemetry is not None else None
        rapl_part = msg("summary.note.rapl", reason=rapl) if rapl is not None else ""
        if status is not None and not status.gpu_available:
            return msg("summary.note.cpu_because", reason=reason, rapl=rapl_part)
        return msg("summary.note.cpu", rapl=rapl_part)
    if not gpu_readings:
        return msg("summary.note.gpu_unread", reason=reason) if reason else msg(
            "summary.note.no_telemetry")
    if telemetry is not None and telemetry.measured.samples == 0:
        return msg("summary.note.too_short")
    return None


def summarize(report: RunReport, telemetry: TelemetryReport | None = None) -> Summary:
    """The run's Summary: every part, and every value derived from them.

    Args:
        report: What the run process measured.
        telemetry: What the sampler read over the run's windows; ``None`` (a run
            outside a session, in tests) leaves power, energy and utilization empty.

    Returns:
        The flat :class:`~engine.core.events.Summary`. Derived values: samples/s =
        samples / measured seconds; tokens/s = samples/s × tokens per sample; TFLOP/s =
        FLOPs per sample × samples/s / 10¹²; MFU = 100 × TFLOP/s / the peak; energy per
        sample (and per token) = energy over the measured phase / samples (tokens); on
        a CPU, "other" memory = the peak minus every tensor counted.
    """
    run, st, mem, comp, w, qr = (report.run, report.steps, report.memory, report.compute,
                                 report.weights, report.quant)
    from engine.core.format import text  # English text beside each message (JSON readers)

    samples = st.measured_steps * run.batch_size
    sps = samples / st.measured_s if st.measured_s > 0 and st.measured_steps else None
    dr = report.dist
    if dr is not None and dr.ranks:  # every rank's samples, and the sum of their rates
        samples = sum(r.samples for r in dr.ranks)
        rates = [r.samples_per_s for r in dr.ranks]
        sps = math.fsum(r for r in rates if r is not None) if any(rates) else None
    tps = sps * run.tokens_per_sample if sps and run.tokens_per_sample else None
    tflops = (comp.flops_per_step / run.batch_size * sps / 1e12
              if sps and comp.flops_per_step else None)
    cuda = run.device.startswith("cuda")
    status = telemetry.status if telemetry is not None else None
    gpu_readings = (cuda and telemetry is not None and status is not None
                    and status.gpu_available)
    win = telemetry.measured if telemetry is not None else None
    gpu = win if gpu_readings else None
    warm = telemetry.warmup if gpu_readings and telemetry is not None else None
    cpu_energy = win.cpu_energy_j if win is not None and not cuda else None
    cpu_warm = telemetry.warmup if telemetry is not None and not cuda else None
    energy = gpu.energy_j if gpu is not None else cpu_energy
    source = (gpu.energy_source if gpu is not None
              else "rapl" if cpu_energy is not None else None)
    tokens = samples * run.tokens_per_sample if run.tokens_per_sample else 0
    note = _telemetry_note(run, telemetry, bool(gpu_readings))
    parts_median, parts_mean = st.part_ms_median, st.part_ms_mean
    training = len(parts_median) == 3
    generation = len(parts_median) == 2
    decode_ms = parts_median[1] if generation else None
    tensors = mem.params + mem.grads + mem.optimizer + mem.inputs + mem.activations
    return Summary(
        model=run.model, mode=run.mode, device=run.device, device_name=run.device_name,
        precision=run.precision, batch_size=run.batch_size, input_size=run.input_size,
        sample_unit=run.sample_unit, optimizer=run.optimizer,
        learning_rate=run.learning_rate, params=run.params, param_bytes=run.param_bytes,
        warmup_steps=st.warmup_steps, measured_steps=st.measured_steps,
        measured_s=st.measured_s, stopped_early=st.stopped_early,
        samples_per_s=sps, tokens_per_s=tps,
        step_ms_median=st.step_ms_median, step_ms_p95=st.step_ms_p95,
        step_ms_p99=st.step_ms_p99,
        step_time_share=(st.steps_ms_total / (1000.0 * st.measured_s)
                         if st.steps_ms_total is not None and st.measured_s > 0 else None),
        step_ms_mean=st.step_ms_mean, warmup_step_ms_first=st.warmup_step_ms_first,
        peak_mem_bytes=int(mem.peak_bytes), peak_mem_source=mem.source,
        loss_first=st.loss_first, loss_last=st.loss_last, weights_changed=w.changed,
        torch_version=run.torch_version, started_unix_s=run.started_unix_s,
        measure_start_t_s=st.measure_start_t_s, measure_end_t_s=st.measure_end_t_s,
        energy_j=energy,
        energy_source=source,
        energy_counter_resets=(telemetry.counter_resets
                               if gpu is not None and telemetry is not None else None),
        energy_per_sample_j=energy / samples if energy is not None and samples else None,
        energy_per_token_j=energy / tokens if energy is not None and tokens else None,
        mean_power_w=(gpu.mean_power_w if gpu is not None
                      else cpu_energy / st.measured_s
                      if cpu_energy is not None and st.measured_s > 0 else None),
        peak_power_w=gpu.peak_power_w if gpu is not None else None,
        mean_gpu_util_pct=gpu.mean_gpu_util_pct if gpu is not None else None,
        mean_cpu_util_pct=win.mean_cpu_util_pct if win is not None else None,
        telemetry_note=text(note) if note is not None else "",
        telemetry_note_msg=note,
        forward_ms_median=parts_median[0] if parts_median and not generation else None,
        backward_ms_median=parts_median[1] if training else None,
        optimizer_ms_median=parts_median[2] if training else None,
        forward_ms_mean=parts_mean[0] if parts_mean and not generation else None,
        backward_ms_mean=parts_mean[1] if training else None,
        optimizer_ms_mean=parts_mean[2] if training else None,
        flops_per_step=comp.flops_per_step,
        tflops_per_s=tflops,
        peak_tflops=comp.peak_tflops,
        mfu_pct=(100.0 * tflops / (comp.peak_tflops * (dr.world_size if dr else 1))
                 if tflops and comp.peak_tflops else None),
        mem_params_bytes=mem.params, mem_grads_bytes=mem.grads,
        mem_optimizer_bytes=mem.optimizer, mem_inputs_bytes=mem.inputs,
        mem_activations_bytes=mem.activations, mem_reserved_bytes=mem.reserved,
        mem_other_bytes=None if cuda else max(0, mem.peak_bytes - tensors),
        mem_method=mem.method,
        warmup_start_t_s=st.warmup_start_t_s,
        energy_warmup_j=(warm.energy_j if warm is not None and st.warmup_steps
                         else cpu_warm.cpu_energy_j
                         if cpu_warm is not None and st.warmup_steps else None),
        mean_power_instant_w=gpu.mean_power_instant_w if gpu is not None else None,
        peak_power_instant_w=gpu.peak_power_instant_w if gpu is not None else None,
        mean_sm_activity_pct=gpu.mean_sm_activity_pct if gpu is not None else None,
        mean_sm_occupancy_pct=gpu.mean_sm_occupancy_pct if gpu is not None else None,
        mean_tensor_activity_pct=gpu.mean_tensor_activity_pct if gpu is not None else None,
        mean_dram_bw_util_pct=gpu.mean_dram_bw_util_pct if gpu is not None else None,
        generated_tokens=run.generated_tokens or None,
        ttft_ms_median=parts_median[0] if generation else None,
        decode_tokens_per_s=(
            run.batch_size * (run.generated_tokens - 1) * 1000.0 / decode_ms
            if decode_ms and run.generated_tokens > 1 else None),
        kernels=run.kernels, loader_workers=run.loader_workers, pin_memory=run.pin_memory,
        compile_s=(st.warmup_step_ms_first / 1000.0
                   if st.warmup_step_ms_first is not None and run.kernels != "eager"
                   else None),
        quantize=run.quantize,
        quantized_layers=qr.layers if qr else None,
        quantize_method=qr.method if qr else "",
        quantized_tied_layers=qr.tied_layers if qr else None,
        output_rel_error=qr.output_rel_error if qr else None,
        top1_agreement=qr.top1_agreement if qr else None,
        weights_from=w.loaded_from, weights_from_id=w.loaded_id,
        weights_from_msg=w.loaded_from_msg,
        saved_weights=w.saved_path, saved_weights_id=w.saved_id,
        param_change_l2=w.change_l2, param_change_rel=w.change_rel,
        heldout_accuracy=w.heldout_accuracy, heldout_predictions=w.heldout_predictions,
        heldout_chance=w.heldout_chance,
        loss_curve=st.loss_curve,
        **_dist_fields(dr, st.step_ms_mean),
        gpu_energy_j=tuple(w.energy_j for w in telemetry.per_gpu) if telemetry else (),
        gpu_mean_power_w=tuple(w.mean_power_w for w in telemetry.per_gpu) if telemetry else (),
    )


def _dist_fields(dr: DistReport | None, step_ms_mean: float | None) -> dict[str, Any]:
    """The Summary's distributed fields: rank 0's all-reduce figures and every rank's rate.

    all-reduce share = time in flight / mean step time; overlap share = (in flight −
    exposed) / in flight, both of rank 0 (every rank's figures are in ``ranks``).
    """
    if dr is None:
        return {}
    main = dr.ranks[0] if dr.ranks else None
    inflight = main.allreduce_ms_per_step if main else None
    exposed = main.allreduce_exposed_ms_per_step if main else None
    return {
        "world_size": dr.world_size, "nodes": dr.nodes, "dist_backend": dr.backend,
        "rank_samples_per_s": tuple(r.samples_per_s or 0.0 for r in dr.ranks),
        "rank_hosts": tuple(r.host for r in dr.ranks),
        "rank_devices": tuple(r.device for r in dr.ranks),
        "global_samples": sum(r.samples for r in dr.ranks),
        "allreduce_bytes_per_step": main.allreduce_bytes_per_step if main else None,
        "allreduce_ms_per_step": inflight,
        "allreduce_exposed_ms_per_step": exposed,
        "allreduce_step_share": (inflight / step_ms_mean
                                 if inflight is not None and step_ms_mean else None),
        "allreduce_overlap_share": ((inflight - exposed) / inflight
                                    if inflight and exposed is not None else None),
        "allreduce_method": dr.allreduce_method,
    }
