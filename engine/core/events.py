"""Events that travel from the run process and the sampler to the GUI, the CLI and storage.

Every event is a frozen dataclass of plain values with units in field names
(STYLE.md 2). Every ``t_s`` is ``time.monotonic()`` seconds, the same clock in the GUI
process and the run process (``CLOCK_MONOTONIC`` is system-wide). A reading a device does
not support is ``None``, never zero.

Text a user reads travels as a message (:class:`~engine.core.values.Msg`: an id of the
catalogue with parameters) in a ``*msg`` field, which the edge renders in the user's
language; the English text beside it (``message``, ``hint``, ``telemetry_note`` ...)
is for JSON readers and for runs recorded before messages had ids.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Union

from engine.core.values import Msg, to_plain


class _Event:
    def to_dict(self) -> dict[str, Any]:
        """Plain, JSON-safe dict of every field plus ``"event"`` (the class name).

        NaN becomes ``None``; messages and quantities keep their tagged form
        (:func:`engine.core.values.to_plain`).
        """
        d: dict[str, Any] = to_plain(self)
        d["event"] = type(self).__name__
        return d


def _english(m: Msg | None) -> str:
    """``m`` in English (``""`` for ``None``): the text beside a message field."""
    if m is None:
        return ""
    from engine.core.format import text

    return text(m)


@dataclass(frozen=True)
class Started(_Event):
    """The run process has built the model and knows its device.

    Attributes:
        t_s: Monotonic time (s).
        pid: Run process id.
        device: Resolved torch device (``"cpu"``, ``"cuda:0"``).
        device_name: Marketing name of the GPU, or the CPU model.
        torch_version: ``torch.__version__`` in the run process.
        params: Trainable parameter count.
        param_bytes: Bytes held by parameters.
        batch_size: Samples per step after defaults were applied.
        input_size: Image side (px), features, or sequence length (tokens).
        sample_unit: What one sample is (``"images"``, ``"sequences"`` ...).
        tokens_per_sample: Tokens per sample for language models, else ``None``.
        build_s: Seconds spent building the model and its data.
    """

    t_s: float
    pid: int
    device: str
    device_name: str
    torch_version: str
    params: int
    param_bytes: int
    batch_size: int
    input_size: int
    sample_unit: str
    tokens_per_sample: int | None
    build_s: float


@dataclass(frozen=True)
class Phase(_Event):
    """The run entered a phase: ``"build"``, ``"warmup"``, ``"measure"`` or ``"done"``.

    ``detail`` is a code, not a sentence: the model id for ``build``; ``"completed"``,
    ``"stopped"`` or ``"stopped_warmup"`` for ``done``; ``""`` otherwise.
    """

    t_s: float
    name: str
    detail: str = ""


@dataclass(frozen=True)
class StepStats(_Event):
    """One completed step.

    Attributes:
        t_s: Monotonic time (s) when the step finished on the device.
        step: 1-based step index within its phase.
        phase: ``"warmup"`` or ``"measure"``.
        step_ms: Step time in milliseconds (CUDA events on a GPU; host clock after the
            step's work completed on the CPU).
        samples_per_s: ``batch_size / step time``.
        tokens_per_s: ``batch_size * sequence length / step time`` for language models.
        loss: Training loss of this step; ``None`` in inference.
        n_steps: Steps this record averages: 1, unless steps finish faster than about 20
            per second, when the run process averages them to keep the event rate bounded.
            ``step`` is then the last of them.
        forward_ms: Forward pass (and loss, in training) of the step (ms).
        backward_ms: Backward pass (ms); ``None`` in inference.
        optimizer_ms: Optimizer step (ms); ``None`` in inference.
        decode_ms: Token generation after the first token (ms); generation only (then
            ``forward_ms`` is the prefill, the time to first token).
        ranks: Ranks of a distributed run (1 otherwise). The record is rank 0's: its rates
            are per rank (the summary's ``samples_per_s`` adds up every rank's).
    """

    t_s: float
    step: int
    phase: str
    step_ms: float
    samples_per_s: float
    tokens_per_s: float | None
    loss: float | None
    n_steps: int = 1
    forward_ms: float | None = None
    backward_ms: float | None = None
    optimizer_ms: float | None = None
    decode_ms: float | None = None
    ranks: int = 1


@dataclass(frozen=True)
class Sample(_Event):
    """One telemetry reading from the sampler thread.

    GPU fields come from NVML for ``gpu_index`` and are ``None`` when there is no NVIDIA
    GPU or the device does not support the reading. Host fields come from psutil.

    Attributes:
        t_s: Monotonic time (s) of the reading.
        gpu_index: NVML index of the GPU read, or ``None``.
        gpu_util_pct: NVML utilization: percent of time any kernel ran (0-100).
        mem_used_bytes: Device memory in use (all processes).
        mem_total_bytes: Device memory total.
        power_w: Power draw in watts (``nvmlDeviceGetPowerUsage``; a 1 s average on
            recent GPUs).
        energy_j: Cumulative energy since the sampler started, in joules; never decreases.
        temperature_c: GPU temperature (°C).
        sm_clock_mhz: SM clock (MHz).
        cpu_util_pct: Whole-machine CPU utilization (0-100).
        process_cpu_pct: The run process's CPU use in percent of one core (may exceed 100).
        process_rss_bytes: Resident set size of the run process.
        sys_mem_used_bytes: Host memory in use.
        sys_mem_total_bytes: Host memory total.
        cpu_energy_j: Cumulative energy of the CPU packages and DRAM since the sampler
            started (J), from the kernel's RAPL counters
            (:mod:`engine.session.telemetry.rapl`); ``None`` where they cannot be read.
        power_instant_w: Instant power draw (``NVML_FI_DEV_POWER_INSTANT``, W).
        mem_clock_mhz: Memory clock (MHz).
        clock_event_reasons: Bitmask of clock-event (throttle) reasons
            (``engine.session.telemetry.nvml.decode_clock_events``).
        pcie_tx_bytes_per_s, pcie_rx_bytes_per_s: PCIe throughput (read about once a second).
        sm_activity_pct, sm_occupancy_pct, tensor_activity_pct, dram_bw_util_pct,
            fp32_activity_pct, fp16_activity_pct: GPM metrics over the window since the
            previous GPM reading (Hopper and newer; read every few samples, ``None`` in
            between).
    """

    t_s: float
    gpu_index: int | None = None
    gpu_util_pct: float | None = None
    mem_used_bytes: int | None = None
    mem_total_bytes: int | None = None
    power_w: float | None = None
    energy_j: float | None = None
    temperature_c: float | None = None
    sm_clock_mhz: float | None = None
    cpu_util_pct: float | None = None
    process_cpu_pct: float | None = None
    process_rss_bytes: int | None = None
    sys_mem_used_bytes: int | None = None
    sys_mem_total_bytes: int | None = None
    power_instant_w: float | None = None
    mem_clock_mhz: float | None = None
    clock_event_reasons: int | None = None
    pcie_tx_bytes_per_s: float | None = None
    pcie_rx_bytes_per_s: float | None = None
    sm_activity_pct: float | None = None
    sm_occupancy_pct: float | None = None
    tensor_activity_pct: float | None = None
    dram_bw_util_pct: float | None = None
    fp32_activity_pct: float | None = None
    fp16_activity_pct: float | None = None
    cpu_energy_j: float | None = None


@dataclass(frozen=True)
class GpuSample(_Event):
    """A reading of one of the machine's other GPUs (not the run's primary one).

    The sampler reads every GPU at the same rate; the primary GPU's readings are
    :class:`Sample` events (with the host's), every other GPU's are these, so a run on
    several GPUs plots each of them, and someone else's job on another GPU shows.

    Attributes:
        t_s: Monotonic time (s) of the reading.
        gpu_index: NVML index of the GPU.
        in_run: The run uses this GPU (a rank of a distributed run runs on it).
        gpu_util_pct, mem_used_bytes, mem_total_bytes, power_w, energy_j,
            power_instant_w, sm_activity_pct, tensor_activity_pct: As in :class:`Sample`
            (``energy_j`` is cumulative since the sampler started, per GPU).
    """

    t_s: float
    gpu_index: int
    in_run: bool = False
    gpu_util_pct: float | None = None
    mem_used_bytes: int | None = None
    mem_total_bytes: int | None = None
    power_w: float | None = None
    energy_j: float | None = None
    power_instant_w: float | None = None
    sm_activity_pct: float | None = None
    tensor_activity_pct: float | None = None

    @classmethod
    def of(cls, sample: Sample, in_run: bool) -> GpuSample:
        """The GPU readings of ``sample`` (which must carry a ``gpu_index``)."""
        assert sample.gpu_index is not None
        return cls(sample.t_s, sample.gpu_index, in_run, sample.gpu_util_pct,
                   sample.mem_used_bytes, sample.mem_total_bytes, sample.power_w,
                   sample.energy_j, sample.power_instant_w, sample.sm_activity_pct,
                   sample.tensor_activity_pct)


@dataclass(frozen=True)
class TelemetryStatus(_Event):
    """What the sampler can read, sent once when a run starts and on every change.

    Attributes:
        t_s: Monotonic time (s).
        gpu_available: True when NVML reads a GPU.
        message: Why GPU readings are missing (``"no NVIDIA driver found ..."``), or a
            description of what is read.
        gpu_index: NVML index sampled, or ``None``.
        gpu_name: Its name, or ``None``.
        supported: Reading name -> supported, for the sampled GPU.
        msg: ``message`` as a message of the catalogue.
    """

    t_s: float
    gpu_available: bool
    message: str
    gpu_index: int | None = None
    gpu_name: str | None = None
    supported: dict[str, bool] = field(default_factory=dict)
    msg: Msg | None = None

    @classmethod
    def of(cls, gpu_available: bool, what: Msg, gpu_index: int | None = None,
           gpu_name: str | None = None, supported: dict[str, bool] | None = None,
           t_s: float | None = None) -> TelemetryStatus:
        """A status whose text is the message ``what`` (its English beside it)."""
        return cls(time.monotonic() if t_s is None else t_s, gpu_available, _english(what),
                   gpu_index, gpu_name, dict(supported or {}), what)


@dataclass(frozen=True)
class Summary(_Event):
    """The result of one run.

    Step-time and memory fields come from the run process; power, energy and
    utilization from the sampler over the measured phase.

    Attributes:
        model, mode, device, device_name, precision, batch_size, input_size, sample_unit:
            What ran (see :class:`engine.core.config.RunConfig`).
        optimizer: Optimizer name in training, ``None`` in inference.
        learning_rate: Learning rate in training, ``None`` in inference.
        params: Trainable parameter count. param_bytes: their bytes.
        warmup_steps: Warm-up steps run. measured_steps: steps in the measured phase.
        measured_s: Wall time of the measured phase (s).
        stopped_early: The user stopped the run before its duration.
        samples_per_s: Measured samples / measured seconds: the wall clock of the measured
            phase, so it includes what happens between steps (making the batch, sending
            events) that the step clock leaves out.
        tokens_per_s: The same in tokens for language models, else ``None``.
        step_ms_median, step_ms_p95, step_ms_mean: Step time statistics (ms) over
            measured steps only; step_ms_p99: the 99th percentile (``None`` in runs
            recorded before it was kept). At batch 1 in inference, a step is one
            request's latency.
        loader_workers, pin_memory: How batches were fed: ``None`` made on the device,
            ``0`` a DataLoader in the loop, ``n`` a DataLoader with ``n`` worker processes
            (pinned memory for copies to a GPU).
        warmup_step_ms_first: Time of the first warm-up step (ms; includes one-off costs).
        peak_mem_bytes: Peak memory of the measured phase: the CUDA caching allocator's
            peak allocated bytes on a GPU; on a CPU, how far the run process's resident
            set grew above what torch and the model's libraries take before the model is
            built (the runtime's few hundred MiB would otherwise blur the comparison).
        peak_mem_source: ``"cuda_max_allocated"`` or ``"process_rss_growth"``.
        loss_first, loss_last: Training loss of the first and last measured step
            (``None`` in inference).
        weights_changed: Whether any parameter changed during the measured phase
            (compared through a float64 checksum of all parameters).
        energy_j: Energy over the measured phase from NVML's total-energy counter
            (``nvmlDeviceGetTotalEnergyConsumption``), ``None`` without NVML.
        energy_source: ``"nvml_counter"``, ``"estimated_from_power"`` (no counter on this
            GPU: the trapezoid integral of power, shown as *estimated*), ``"rapl"`` (a CPU
            run: the CPU packages and DRAM from the kernel's RAPL counters, and
            ``mean_power_w`` their mean power) or ``None``.
        step_time_share: The two clocks side by side: the sum of the measured steps' times
            (the step clock: CUDA events or the host timer) over the measured phase's wall
            time (0-1); ``1 - step_time_share`` is the time between steps that
            ``samples_per_s`` includes and ``step_ms_*`` leave out.
        energy_counter_resets: Resets of the energy counter during the measured phase
            (the energy carries on across them); ``None`` without GPU telemetry.
        energy_per_sample_j: ``energy_j / samples``; per token for language models in
            ``energy_per_token_j``.
        mean_power_w, peak_power_w: Power draw over the measured phase (W).
        mean_gpu_util_pct: Mean NVML utilization over the measured phase (%).
        mean_cpu_util_pct: Mean whole-machine CPU utilization over the measured phase (%).
        telemetry_note: Why GPU fields are ``None``, if they are (English);
            ``telemetry_note_msg`` the same as a message.
        torch_version: torch in the run process.
        started_unix_s: Wall-clock start (Unix seconds).
        measure_start_t_s, measure_end_t_s: Monotonic edges of the measured phase.
        forward_ms_median, backward_ms_median, optimizer_ms_median: Median time of each
            part of a measured step (ms); backward and optimizer are ``None`` in inference.
        forward_ms_mean, backward_ms_mean, optimizer_ms_mean: Mean time of each part (ms).
            A step's time is the sum of its parts, so the means add up to
            ``step_ms_mean`` (medians do not add up); see :meth:`step_split`.
        flops_per_step: FLOPs of one step, counted once with
            ``torch.utils.flop_counter.FlopCounterMode`` (see :mod:`engine.run.measure`).
        tflops_per_s: Achieved TFLOP/s = FLOPs per sample × samples/s / 10¹².
        peak_tflops: The GPU's peak dense TFLOP/s for this precision
            (:mod:`engine.run.peaks`), ``None`` for an unknown GPU or the CPU.
        mfu_pct: Model FLOPs utilization, ``100 × tflops_per_s / peak_tflops``.
        mem_params_bytes, mem_grads_bytes, mem_optimizer_bytes, mem_inputs_bytes,
            mem_activations_bytes: The memory breakdown (see :mod:`engine.run.measure`).
        mem_reserved_bytes: Peak reserved by the CUDA caching allocator (``None`` on CPU).
        mem_other_bytes: On a CPU, the part of the peak resident-set growth that none of
            the tensors above account for: memory the allocator and the libraries keep
            (freed blocks glibc holds, oneDNN/BLAS workspaces, thread stacks); ``0`` when
            the tensors add up to more than the peak. ``None`` on a GPU, where activations
            and workspace take the remainder of the peak.
        mem_method: How the breakdown was obtained: ``"cuda_allocator"``,
            ``"cpu_saved_tensors"`` or ``"cpu_largest_output"`` (runs recorded before
            these codes hold a sentence).
        warmup_start_t_s: Monotonic start of warm-up (its end is ``measure_start_t_s``).
        energy_warmup_j: Energy over warm-up (same source as ``energy_j``).
        mean_power_instant_w, peak_power_instant_w: Instant power draw
            (``NVML_FI_DEV_POWER_INSTANT``) over the measured phase (W); ``mean_power_w``
            and ``peak_power_w`` are from ``nvmlDeviceGetPowerUsage`` (a 1 s average on
            recent GPUs).
        mean_sm_activity_pct, mean_sm_occupancy_pct, mean_tensor_activity_pct,
            mean_dram_bw_util_pct: GPM metrics over the measured phase (Hopper and newer).
        generated_tokens: Tokens generated per sequence per step (generation only);
            ``tokens_per_s`` then counts generated tokens.
        ttft_ms_median: Median time to first token: the prompt's forward pass (ms).
        decode_tokens_per_s: Tokens per second after the first (all sequences of the batch).
        kernels: ``eager``, ``compile`` or ``cudagraphs`` (see RunConfig).
        compile_s: Time of the first warm-up step with ``torch.compile`` (compilation and
            the first run), reported apart from the measured steps.
        quantize, quantized_layers, quantize_method: int8 or fp8 inference: the linear
            layers quantized and the library call (see :mod:`engine.run.quantize`).
        quantized_tied_layers: Linear layers left unquantized because their weight is
            shared (GPT-2's output layer).
        output_rel_error: Relative L2 change of the logits caused by quantization.
        top1_agreement: Share of predictions quantization left unchanged (0-1).
        weights_from: ``""`` when the run started from its seed's random initialization,
            else where its weights came from (``"trained 120 steps on cuda:0 (fp32), loss
            0.412"``; see :mod:`engine.run.checkpoint`); ``weights_from_msg`` the same as
            a message.
        weights_from_id: The ``weights_id`` of the file the run loaded (``""``: none, or
            a file of an older version); equal to a training run's ``saved_weights_id``
            when it used that run's weights.
        saved_weights: Path of the checkpoint the run wrote (training with
            ``save_weights``), ``""`` if none.
        saved_weights_id: The random ``weights_id`` written into that file
            (:class:`engine.run.checkpoint.Checkpoint`).
        param_change_l2: ``‖θ_end − θ_start‖₂`` over the trainable parameters, warm-up
            included (float64); ``None`` when it cannot be computed (quantized model) or
            the run was stopped (Stop answers at once; held-out accuracy is skipped too).
        param_change_rel: ``param_change_l2 / ‖θ_start‖₂``.
        heldout_accuracy: Top-1 accuracy of the final model on held-out samples of the
            synthetic task (next-token accuracy for language models), 0-1, eval mode.
        heldout_predictions: Predictions counted (samples, or tokens for language models).
        heldout_chance: Accuracy of a uniform guess among the data's classes (0-1).
        loss_curve: The training loss over the run: ``(step, loss)`` pairs, warm-up steps
            first (steps are counted from 1 across both phases), averaged into at most
            ``LOSS_CURVE_POINTS`` buckets; empty in inference.
        world_size, nodes: Ranks and machines of a distributed run (1 and 1 otherwise;
            :mod:`engine.run.distributed`). dist_backend: ``"nccl"``, ``"gloo"`` or ``""``.
            Step times, memory, FLOPs per step and the loss are rank 0's; ``batch_size``
            is per rank; ``samples_per_s`` is the sum of every rank's rate and
            ``tflops_per_s`` follows it; ``mfu_pct`` divides by ``world_size`` peaks.
        rank_samples_per_s, rank_hosts, rank_devices: Each rank's rate, host and device.
        global_samples: Samples of the measured phase over every rank (``None``: one
            process; :attr:`samples` then is steps × batch).
        allreduce_bytes_per_step: Gradient bytes DistributedDataParallel all-reduced per
            step on rank 0 (0 for inference replicas, which share nothing).
        allreduce_ms_per_step: Mean time per step an all-reduce was in flight on rank 0
            (ms), from a DDP communication hook (``allreduce_method``: host clock with
            gloo, CUDA events with NCCL); allreduce_exposed_ms_per_step: the part after
            the backward pass launched its last bucket (not hidden behind computation).
        allreduce_step_share: ``allreduce_ms_per_step / step_ms_mean``.
        allreduce_overlap_share: Share of the all-reduce time that overlapped with the
            backward pass, ``1 - exposed / in flight``.
        gpu_energy_j, gpu_mean_power_w: A run on several GPUs of this machine: each GPU's
            energy (J) and mean power (W) over the measured phase, rank 0's GPU first;
            ``energy_j`` and ``mean_power_w`` are their sums (``()``: one device).
    """

    model: str
    mode: str
    device: str
    device_name: str
    precision: str
    batch_size: int
    input_size: int
    sample_unit: str
    optimizer: str | None
    learning_rate: float | None
    params: int
    param_bytes: int
    warmup_steps: int
    measured_steps: int
    measured_s: float
    stopped_early: bool
    samples_per_s: float | None
    tokens_per_s: float | None
    step_ms_median: float | None
    step_ms_p95: float | None
    step_ms_mean: float | None
    warmup_step_ms_first: float | None
    peak_mem_bytes: int | None
    peak_mem_source: str
    loss_first: float | None
    loss_last: float | None
    weights_changed: bool
    torch_version: str
    started_unix_s: float
    measure_start_t_s: float
    measure_end_t_s: float
    energy_j: float | None = None
    energy_source: str | None = None
    energy_per_sample_j: float | None = None
    energy_per_token_j: float | None = None
    mean_power_w: float | None = None
    peak_power_w: float | None = None
    mean_gpu_util_pct: float | None = None
    mean_cpu_util_pct: float | None = None
    telemetry_note: str = ""
    forward_ms_median: float | None = None
    backward_ms_median: float | None = None
    optimizer_ms_median: float | None = None
    forward_ms_mean: float | None = None
    backward_ms_mean: float | None = None
    optimizer_ms_mean: float | None = None
    flops_per_step: int | None = None
    tflops_per_s: float | None = None
    peak_tflops: float | None = None
    mfu_pct: float | None = None
    mem_params_bytes: int | None = None
    mem_grads_bytes: int | None = None
    mem_optimizer_bytes: int | None = None
    mem_inputs_bytes: int | None = None
    mem_activations_bytes: int | None = None
    mem_reserved_bytes: int | None = None
    mem_other_bytes: int | None = None
    mem_method: str = ""
    warmup_start_t_s: float | None = None
    energy_warmup_j: float | None = None
    mean_power_instant_w: float | None = None
    peak_power_instant_w: float | None = None
    mean_sm_activity_pct: float | None = None
    mean_sm_occupancy_pct: float | None = None
    mean_tensor_activity_pct: float | None = None
    mean_dram_bw_util_pct: float | None = None
    generated_tokens: int | None = None
    ttft_ms_median: float | None = None
    decode_tokens_per_s: float | None = None
    kernels: str = "eager"
    compile_s: float | None = None
    quantize: str = "none"
    quantized_layers: int | None = None
    quantize_method: str = ""
    output_rel_error: float | None = None
    top1_agreement: float | None = None
    weights_from: str = ""
    weights_from_id: str = ""
    saved_weights: str = ""
    saved_weights_id: str = ""
    param_change_l2: float | None = None
    param_change_rel: float | None = None
    heldout_accuracy: float | None = None
    heldout_predictions: int | None = None
    heldout_chance: float | None = None
    loss_curve: tuple[tuple[float, float], ...] = ()
    telemetry_note_msg: Msg | None = None
    weights_from_msg: Msg | None = None
    quantized_tied_layers: int | None = None
    step_ms_p99: float | None = None
    loader_workers: int | None = None
    pin_memory: bool = False
    energy_counter_resets: int | None = None
    step_time_share: float | None = None
    world_size: int = 1
    nodes: int = 1
    dist_backend: str = ""
    rank_samples_per_s: tuple[float, ...] = ()
    rank_hosts: tuple[str, ...] = ()
    rank_devices: tuple[str, ...] = ()
    global_samples: int | None = None
    allreduce_bytes_per_step: int | None = None
    allreduce_ms_per_step: float | None = None
    allreduce_exposed_ms_per_step: float | None = None
    allreduce_step_share: float | None = None
    allreduce_overlap_share: float | None = None
    allreduce_method: str = ""
    gpu_energy_j: tuple[float | None, ...] = ()
    gpu_mean_power_w: tuple[float | None, ...] = ()

    # ---- derived values, computed once here ---------------------------------------

    @property
    def is_language_model(self) -> bool:
        """The samples are token sequences (GPT-2): rates and energy count tokens."""
        return self.sample_unit == "sequences"

    @property
    def rate(self) -> float | None:
        """Throughput in :attr:`rate_unit` per second: tokens/s for language models."""
        return self.tokens_per_s if self.is_language_model else self.samples_per_s

    @property
    def rate_unit(self) -> str:
        """What :attr:`rate` counts: ``"tokens"``, else the sample unit (``"images"``)."""
        return "tokens" if self.is_language_model else self.sample_unit

    @property
    def energy_per_unit_j(self) -> float | None:
        """Energy per token (language models) or per sample (J)."""
        return self.energy_per_token_j if self.is_language_model else self.energy_per_sample_j

    @property
    def samples(self) -> int:
        """Samples of the measured phase (steps × batch; over every rank when distributed)."""
        if self.global_samples is not None:
            return self.global_samples
        return self.measured_steps * self.batch_size

    @property
    def on_gpu(self) -> bool:
        """The run used an NVIDIA GPU."""
        return self.device.startswith("cuda")

    @property
    def flops_per_sample(self) -> float | None:
        """FLOPs of one sample's step (``flops_per_step / batch_size``)."""
        return self.flops_per_step / self.batch_size if self.flops_per_step else None

    def step_split(self) -> StepSplit | None:
        """The forward / backward / optimizer split of a training step, or ``None``.

        Means when they were kept (they add up to the mean step), else medians (runs
        recorded before the means were kept); ``None`` in inference.
        """
        for stat in ("mean", "median"):
            parts = [getattr(self, f"{p}_ms_{stat}") for p in ("forward", "backward",
                                                                "optimizer")]
            if all(v is not None for v in parts):
                return StepSplit(parts[0], parts[1], parts[2], sum(parts), stat)
        return None


@dataclass(frozen=True)
class Failed(_Event):
    """The run could not finish.

    Attributes:
        t_s: Monotonic time (s).
        kind: ``"config"`` (a setting to change), ``"oom"`` (out of memory), ``"cuda"``
            (a CUDA error), ``"crash"`` (the run process died without a word),
            ``"stopped"`` (stopped before anything was measured, or terminated after the
            stop grace period) or ``"error"`` (any other exception).
        message: What happened, in one or two sentences.
        hint: What to change.
        field: For ``"config"``, the setting at fault.
        msg, hint_msg: ``message`` and ``hint`` as messages of the catalogue.
    """

    t_s: float
    kind: str
    message: str
    hint: str = ""
    field: str | None = None
    msg: Msg | None = None
    hint_msg: Msg | None = None

    @classmethod
    def of(cls, kind: str, what: Msg, hint: Msg | None = None, field: str | None = None,
           t_s: float | None = None) -> Failed:
        """A failure told by the messages ``what`` and ``hint`` (English beside them)."""
        return cls(time.monotonic() if t_s is None else t_s, kind, _english(what),
                   _english(hint), field, what, hint)


@dataclass(frozen=True)
class Notice(_Event):
    """Something the user should know that is not a run failure (the run goes on).

    Attributes:
        t_s: Monotonic time (s).
        message: What happened.
        hint: What to do about it.
        msg, hint_msg: ``message`` and ``hint`` as messages of the catalogue.
    """

    t_s: float
    message: str
    hint: str = ""
    msg: Msg | None = None
    hint_msg: Msg | None = None

    @classmethod
    def of(cls, what: Msg, hint: Msg | None = None, t_s: float | None = None) -> Notice:
        """A notice told by the messages ``what`` and ``hint`` (English beside them)."""
        return cls(time.monotonic() if t_s is None else t_s, _english(what), _english(hint),
                   what, hint)


@dataclass(frozen=True)
class StepSplit:
    """A training step's time by part (ms), as :meth:`Summary.step_split` gives it.

    Attributes:
        forward_ms, backward_ms, optimizer_ms: Each part; ``forward_ms`` includes the loss.
        step_ms: Their sum.
        statistic: ``"mean"`` (the parts add up to the mean step) or ``"median"`` (runs
            recorded before the means were kept: medians of parts do not add up exactly).
    """

    forward_ms: float
    backward_ms: float
    optimizer_ms: float
    step_ms: float
    statistic: str


Event = Union[  # noqa: UP007
    Started, Phase, StepStats, Sample, TelemetryStatus, Summary, Failed, Notice, GpuSample
]
TERMINAL = (Summary, Failed)
