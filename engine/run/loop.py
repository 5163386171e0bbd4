"""The measured training / inference loop (runs inside the run process).

:func:`execute` resolves the device, builds the model, runs warm-up, then the measured
phase, and emits :mod:`engine.core.events` through a callback. It is a plain function so
tests can call it in-process; :mod:`engine.run.worker` runs it in the spawned run process.

Synchronization points (STYLE.md 6), each named where it happens:
  * on CUDA, step time comes from CUDA events read once the step has finished; the host
    waits on an event only to keep at most ``MAX_IN_FLIGHT`` steps queued;
  * one ``torch.cuda.synchronize()`` at each phase edge (so peak counters and the clock
    start from an idle device);
  * the loss ``.item()`` is read only after its step's end event completed (no stall).
"""

from __future__ import annotations

import logging
import platform
import statistics
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass
from typing import Any

import psutil
import torch

from engine.core.catalog import CATALOG
from engine.core.config import ConfigError, RunConfig
from engine.core.events import Event, Notice, Phase, Started, StepStats, Summary, loss_curve
from engine.run import weights
from engine.run.measure import RssPeak, breakdown, count_step, weight_bytes
from engine.run.models import ModelSpec, build_spec, preload
from engine.run.peaks import peak_tflops
from engine.run.quantize import check_quantize

MAX_IN_FLIGHT = 2
EVENT_INTERVAL_S = 0.05  # at most ~20 StepStats events per second; faster steps are averaged
_DTYPES = {"bf16": torch.bfloat16, "fp16": torch.float16}

Emit = Callable[[Event], None]
ShouldStop = Callable[[], bool]


def resolve_device(requested: str) -> torch.device:
    """Turn ``auto``/``cpu``/``cuda``/``cuda:N`` into a usable ``torch.device``.

    Raises:
        ConfigError: CUDA was asked for and torch sees no CUDA device, or the index is
            out of range.
    """
    if requested == "auto":
        return torch.device("cuda:0" if torch.cuda.is_available() else "cpu")
    if requested == "cpu":
        return torch.device("cpu")
    if not torch.cuda.is_available():
        reason = (
            "this torch build has no CUDA support"
            if torch.version.cuda is None
            else "torch found no usable CUDA device (driver missing or no GPU)"
        )
        raise ConfigError("device", f"{requested} was requested but {reason}; use cpu or auto")
    index = int(requested.split(":")[1]) if ":" in requested else 0
    count = torch.cuda.device_count()
    if index >= count:
        raise ConfigError(
            "device", f"{requested} does not exist; this machine has cuda:0 … cuda:{count - 1}"
        )
    return torch.device(f"cuda:{index}")


def device_name(device: torch.device) -> str:
    """GPU name from torch, or the CPU model from /proc/cpuinfo (or ``platform``)."""
    if device.type == "cuda":
        return torch.cuda.get_device_name(device)
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "CPU"


def check_precision(precision: str, device: torch.device) -> None:
    """Raise :class:`ConfigError` when ``device`` cannot run ``precision``.

    tf32 is an NVIDIA Ampere-or-newer math mode; bf16 needs compute capability 8.0 on a
    GPU; on a CPU, bf16/fp16 autocast is probed with one small matrix multiply.
    """
    if precision == "tf32":
        if device.type != "cuda":
            raise ConfigError("precision", "tf32 exists only on NVIDIA GPUs; use fp32 or bf16")
        if torch.cuda.get_device_capability(device)[0] < 8:
            raise ConfigError("precision", "tf32 needs an Ampere or newer GPU; use fp32 or fp16")
    if precision == "bf16" and device.type == "cuda" and not torch.cuda.is_bf16_supported():
        raise ConfigError("precision", "this GPU cannot run bf16; use fp16 or fp32")
    if precision in _DTYPES and device.type == "cpu":
        try:
            with torch.autocast("cpu", dtype=_DTYPES[precision]):
                torch.ones(4, 4) @ torch.ones(4, 4)
        except (RuntimeError, AssertionError) as exc:
            raise ConfigError(
                "precision", f"this CPU cannot run {precision} autocast ({exc}); use fp32"
            ) from exc


def check_kernels(kernels: str, device: torch.device) -> None:
    """Raise :class:`ConfigError` when ``device`` cannot run ``kernels``."""
    if kernels == "cudagraphs" and device.type != "cuda":
        raise ConfigError("kernels", "CUDA graphs need an NVIDIA GPU; use eager or compile")


def _set_math_mode(precision: str) -> None:
    """fp32 means true fp32 (TF32 off); tf32 turns TF32 on for matmuls and convolutions."""
    tf32 = precision == "tf32"
    torch.backends.cuda.matmul.allow_tf32 = tf32
    torch.backends.cudnn.allow_tf32 = tf32


def _autocast(precision: str, device: torch.device) -> AbstractContextManager[Any]:
    if precision in _DTYPES:
        return torch.autocast(device.type, dtype=_DTYPES[precision])
    return nullcontext()


def _param_checksum(module: torch.nn.Module) -> tuple[float, float]:
    """``(Σθ, Σθ²)`` in float64 over all parameters. Sync point: two ``.item()``."""
    first = next(module.parameters(), None)
    if first is None:  # e.g. a dynamically quantized model: weights are packed, not params
        return 0.0, 0.0
    total = torch.zeros((), dtype=torch.float64, device=first.device)
    squares = torch.zeros_like(total)
    with torch.no_grad():
        for p in module.parameters():
            d = p.detach().double()
            total += d.sum()
            squares += (d * d).sum()
    return total.item(), squares.item()


def _no_mark() -> None:
    pass


class _CudaTimer:
    """CUDA events at the start of a step and at each mark (no host synchronization)."""

    def __init__(self) -> None:
        self.events = [torch.cuda.Event(enable_timing=True)]
        self.events[0].record()

    def mark(self) -> None:
        ev = torch.cuda.Event(enable_timing=True)
        ev.record()
        self.events.append(ev)

    def done(self) -> bool:
        return bool(self.events[-1].query())

    def parts_ms(self) -> list[float]:
        self.events[-1].synchronize()  # sync point: waits only when MAX_IN_FLIGHT are queued
        return [a.elapsed_time(b) for a, b in zip(self.events, self.events[1:])]


class _HostTimer:
    """Host clock at the start of a step and at each mark (CPU work is synchronous)."""

    def __init__(self) -> None:
        self.stamps = [time.perf_counter()]

    def mark(self) -> None:
        self.stamps.append(time.perf_counter())

    def parts_ms(self) -> list[float]:
        return [(b - a) * 1000.0 for a, b in zip(self.stamps, self.stamps[1:])]


@dataclass
class _Pending:
    step: int
    phase: str
    timer: _CudaTimer
    loss: torch.Tensor | None


class _StepReporter:
    """Turns finished steps into :class:`StepStats` events, averaging fast steps."""

    def __init__(self, emit: Emit, batch: int, tokens_per_sample: int | None) -> None:
        self.emit = emit
        self.batch = batch
        self.tokens_per_sample = tokens_per_sample
        self.times_ms: dict[str, list[float]] = {"warmup": [], "measure": []}
        self.losses: dict[str, list[float]] = {"warmup": [], "measure": []}
        self.parts_ms: dict[str, list[list[float]]] = {"warmup": [], "measure": []}
        self._acc: list[tuple[int, float, float | None, list[float]]] = []
        self._acc_phase = ""
        self._last_emit = 0.0

    def add(self, phase: str, step: int, parts_ms: list[float], loss: float | None) -> None:
        step_ms = sum(parts_ms)
        self.times_ms[phase].append(step_ms)
        self.parts_ms[phase].append(parts_ms)
        if loss is not None:
            self.losses[phase].append(loss)
        if self._acc and self._acc_phase != phase:
            self.flush()
        self._acc.append((step, step_ms, loss, parts_ms))
        self._acc_phase = phase
        now = time.monotonic()
        if phase == "warmup" or now - self._last_emit >= EVENT_INTERVAL_S:
            self.flush(now)

    def flush(self, now: float | None = None) -> None:
        if not self._acc:
            return
        now = time.monotonic() if now is None else now
        n = len(self._acc)
        ms = sum(a[1] for a in self._acc) / n
        losses = [a[2] for a in self._acc if a[2] is not None]
        parts = [sum(a[3][i] for a in self._acc) / n for i in range(len(self._acc[0][3]))]
        sps = self.batch * 1000.0 / ms if ms > 0 else float("nan")
        self.emit(
            StepStats(
                t_s=now,
                step=self._acc[-1][0],
                phase=self._acc_phase,
                step_ms=ms,
                samples_per_s=sps,
                tokens_per_s=sps * self.tokens_per_sample if self.tokens_per_sample else None,
                loss=sum(losses) / len(losses) if losses else None,
                n_steps=n,
                forward_ms=parts[0] if parts else None,
                backward_ms=parts[1] if len(parts) == 3 else None,
                optimizer_ms=parts[2] if len(parts) == 3 else None,
                decode_ms=parts[1] if len(parts) == 2 else None,
            )
        )
        self._acc = []
        self._last_emit = now


class _Runner:
    """Holds the model, optimizer and step function for one run."""

    def __init__(self, cfg: RunConfig, device: torch.device) -> None:
        info = CATALOG[cfg.model]
        self.cfg = cfg
        self.device = device
        self.batch_size = cfg.batch_size or info.default_batch_size(cfg.mode, device.type)
        self.input_size = cfg.input_size or info.default_input_size(device.type)
        self.spec: ModelSpec = build_spec(
            cfg.model, self.input_size, self.batch_size, device, cfg.seed, cfg.generate_tokens
        )
        self.generate_tokens = cfg.generate_tokens
        self._loader: Any = None
        if cfg.loader_workers is not None:
            from engine.run.data import batches

            self._loader = batches(
                self.spec, self.batch_size, cfg.loader_workers, cfg.pin_memory, device,
                cfg.seed, channels_last=bool(getattr(self.spec, "channels_last", False)),
            )
        module = self.spec.module.to(device)
        if getattr(self.spec, "channels_last", False):
            module = module.to(memory_format=torch.channels_last)
        self.module = module
        self.training = cfg.mode == "train"
        self.optimizer: torch.optim.Optimizer | None = None
        self.scaler: Any = None
        self.learning_rate: float | None = None
        if self.training:
            module.train()
            self.learning_rate = cfg.learning_rate or self.spec.default_learning_rate(
                cfg.optimizer
            )
            params = [p for p in module.parameters() if p.requires_grad]
            if cfg.optimizer == "adamw":
                self.optimizer = torch.optim.AdamW(params, lr=self.learning_rate)
            else:
                self.optimizer = torch.optim.SGD(params, lr=self.learning_rate, momentum=0.9)
            if cfg.precision == "fp16" and device.type == "cuda":
                self.scaler = torch.amp.GradScaler("cuda")
        else:
            module.eval()
        if cfg.kernels != "eager":  # the spec calls the compiled module; params are shared
            mode = "reduce-overhead" if cfg.kernels == "cudagraphs" else "default"
            if device.type == "cpu":  # "No CUDA runtime is found" is no news on the CPU
                logging.getLogger("torch.utils.cpp_extension").setLevel(logging.ERROR)
            self.spec.module = torch.compile(module, mode=mode)  # type: ignore[assignment]
        self.params = sum(p.numel() for p in module.parameters())
        self.param_bytes = sum(p.numel() * p.element_size() for p in module.parameters())

    @contextmanager
    def eager(self) -> Iterator[None]:
        """Run the uncompiled module inside the block (FLOP counting sees every op)."""
        compiled = self.spec.module
        self.spec.module = self.module
        try:
            yield
        finally:
            self.spec.module = compiled

    def next_batch(self) -> tuple[Any, torch.Tensor]:
        """The next batch: from the DataLoader when there is one, else made on the device."""
        if self._loader is not None:
            return next(self._loader)
        return self.spec.make_batch()

    @property
    def tokens_per_sample(self) -> int | None:
        """Tokens a step produces (generation) or reads (forward) per sample."""
        if self.generate_tokens:
            return self.generate_tokens
        return self.spec.tokens_per_sample

    def step(
        self, batch: tuple[Any, torch.Tensor] | None = None, mark: Callable[[], None] = _no_mark
    ) -> torch.Tensor | None:
        """One step; returns the detached loss (training) or ``None`` (inference).

        Args:
            batch: ``(inputs, targets)``; a fresh synthetic batch when ``None``.
            mark: Called after the forward pass (with the loss), after the backward pass
                and after the optimizer step, so the caller can time each part.
        """
        inputs, targets = batch if batch is not None else self.spec.make_batch()
        if self.generate_tokens:
            with torch.inference_mode(), _autocast(self.cfg.precision, self.device):
                self.spec.generate(inputs, self.generate_tokens, mark)  # type: ignore[attr-defined]
            return None
        if not self.training:
            with torch.inference_mode(), _autocast(self.cfg.precision, self.device):
                self.spec.forward(inputs)
            mark()
            return None
        assert self.optimizer is not None
        with _autocast(self.cfg.precision, self.device):
            loss = self.spec.loss(self.spec.forward(inputs), targets)
        mark()
        self.optimizer.zero_grad(set_to_none=True)
        if self.scaler is not None:
            self.scaler.scale(loss).backward()
            mark()
            self.scaler.step(self.optimizer)
            self.scaler.update()
        else:
            loss.backward()
            mark()
            self.optimizer.step()
        mark()
        return loss.detach()


def _sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def _run_phase(
    runner: _Runner,
    phase: str,
    reporter: _StepReporter,
    should_stop: ShouldStop,
    max_steps: int | None,
    max_seconds: float | None,
    on_step: Callable[[], None] | None = None,
) -> tuple[int, bool]:
    """Run steps until ``max_steps`` or ``max_seconds``; returns ``(steps, stopped)``."""
    device = runner.device
    cuda = device.type == "cuda"
    pending: deque[_Pending] = deque()
    t0 = time.monotonic()
    step = 0
    stopped = False

    def finish(p: _Pending) -> None:
        parts = p.timer.parts_ms()
        loss = p.loss.item() if p.loss is not None else None  # done already: no stall
        reporter.add(p.phase, p.step, parts, loss)

    while True:
        if max_steps is not None and step >= max_steps:
            break
        if max_seconds is not None and time.monotonic() - t0 >= max_seconds:
            break
        if should_stop():
            stopped = True
            break
        step += 1
        batch = runner.next_batch()  # data is made or loaded before the step's clock starts
        if cuda:
            timer = _CudaTimer()
            loss_t = runner.step(batch, timer.mark)
            pending.append(_Pending(step, phase, timer, loss_t))
            while pending and (len(pending) > MAX_IN_FLIGHT or pending[0].timer.done()):
                finish(pending.popleft())
        else:
            host = _HostTimer()
            loss_t = runner.step(batch, host.mark)
            loss = loss_t.item() if loss_t is not None else None  # CPU work is already done
            reporter.add(phase, step, host.parts_ms(), loss)
        if on_step is not None:
            on_step()
    while pending:
        finish(pending.popleft())
    reporter.flush()
    return step, stopped


def execute(cfg: RunConfig, emit: Emit, should_stop: ShouldStop) -> Summary | None:
    """Run ``cfg`` to the end and emit its events; returns the :class:`Summary`.

    Returns ``None`` (after emitting ``Phase("done", "stopped")``) when stopped before the
    measured phase began.

    Raises:
        ConfigError: The device cannot run this configuration.
        torch.OutOfMemoryError, RuntimeError: From the model; the worker turns them into
            :class:`engine.core.events.Failed`.
    """
    started_unix = time.time()
    emit(Phase(time.monotonic(), "build", cfg.model))
    device = resolve_device(cfg.device)
    check_precision(cfg.precision, device)
    check_kernels(cfg.kernels, device)
    check_quantize(cfg.quantize, device)
    if cfg.save_weights:
        weights.check_writable(cfg.save_weights)  # now, not after the whole run
    if cfg.precision == "fp16" and device.type == "cpu":
        emit(Notice(time.monotonic(), "fp16 on the CPU is emulated and runs many times slower "
                    "than fp32", "use bf16, the CPU's 16-bit format, or fp32"))
    _set_math_mode(cfg.precision)
    preload(cfg.model)  # the model's libraries are runtime, not the run's memory
    proc = psutil.Process()
    rss_base = proc.memory_info().rss  # the CPU peak is counted from here
    t_build = time.monotonic()
    runner = _Runner(cfg, device)
    weights_from = weights_from_id = ""
    if cfg.load_weights:
        ckpt = weights.read(cfg.load_weights)
        weights.load_into(runner.module, ckpt, cfg, runner.input_size, cfg.load_weights)
        weights_from, weights_from_id = ckpt.describe(), ckpt.weights_id
        del ckpt  # read again at the end: a copy held now would count as the run's memory
    _sync(device)
    emit(
        Started(
            t_s=time.monotonic(),
            pid=proc.pid,
            device=str(device),
            device_name=device_name(device),
            torch_version=str(torch.__version__),  # TorchVersion would make the reader import torch
            params=runner.params,
            param_bytes=runner.param_bytes,
            batch_size=runner.batch_size,
            input_size=runner.input_size,
            sample_unit=runner.spec.info.sample_unit,
            tokens_per_sample=runner.tokens_per_sample,
            build_s=time.monotonic() - t_build,
        )
    )
    quant = None
    if cfg.quantize != "none":
        from engine.run.quantize import quantize

        quant = quantize(runner)
        runner.param_bytes = weight_bytes(runner.module)
    with runner.eager():
        count = count_step(runner)  # FLOPs and activation sizes, on an untimed step
    reporter = _StepReporter(emit, runner.batch_size, runner.tokens_per_sample)
    t_warmup = time.monotonic()
    if cfg.warmup_steps:
        emit(Phase(t_warmup, "warmup", f"{cfg.warmup_steps} steps"))
        _, stopped = _run_phase(runner, "warmup", reporter, should_stop, cfg.warmup_steps, None)
        if stopped:
            emit(Phase(time.monotonic(), "done", "stopped during warm-up"))
            return None

    _sync(device)  # sync point: the measured phase starts from an idle device
    cuda = device.type == "cuda"
    if cuda:
        torch.cuda.reset_peak_memory_stats(device)
    rss_peak = RssPeak()
    if not cuda:
        rss_peak.reset()  # the CPU peak of the measured phase, transient tensors included

    checksum_before = _param_checksum(runner.module)
    t_measure = time.monotonic()
    emit(Phase(t_measure, "measure", f"{cfg.steps} steps" if cfg.steps else f"{cfg.seconds:g} s"))
    steps, stopped = _run_phase(
        runner,
        "measure",
        reporter,
        should_stop,
        cfg.steps,
        cfg.seconds,
        on_step=None if cuda else rss_peak.poll,
    )
    _sync(device)  # sync point: every measured step has finished
    t_end = time.monotonic()
    peak = (torch.cuda.max_memory_allocated(device) if cuda
            else max(0, rss_peak.peak() - rss_base))
    mem = breakdown(runner, count, peak if cuda else None)
    weights_changed = _param_checksum(runner.module) != checksum_before
    emit(Phase(t_end, "done", "stopped" if stopped else "completed"))

    times = reporter.times_ms["measure"]
    losses = reporter.losses["measure"]
    after = _after_run(cfg, runner, len(reporter.times_ms["warmup"]) + steps,
                       losses[-1] if losses else None, emit, stopped, should_stop)
    measured_s = t_end - t_measure
    samples = steps * runner.batch_size
    sps = samples / measured_s if measured_s > 0 and steps else None
    tps = sps * runner.tokens_per_sample if sps and runner.tokens_per_sample else None
    warm = reporter.times_ms["warmup"]
    parts = list(zip(*reporter.parts_ms["measure"])) if times else []
    name = device_name(device)
    flops_per_sample = count.flops / runner.batch_size
    tflops = flops_per_sample * sps / 1e12 if sps and count.flops else None
    peak_tf = peak_tflops(name, cfg.precision) if cuda else None
    return Summary(
        model=cfg.model,
        mode=cfg.mode,
        device=str(device),
        device_name=name,
        precision=cfg.precision,
        batch_size=runner.batch_size,
        input_size=runner.input_size,
        sample_unit=runner.spec.info.sample_unit,
        optimizer=cfg.optimizer if runner.training else None,
        learning_rate=runner.learning_rate,
        params=runner.params,
        param_bytes=runner.param_bytes,
        warmup_steps=len(warm),
        measured_steps=steps,
        measured_s=measured_s,
        stopped_early=stopped,
        samples_per_s=sps,
        tokens_per_s=tps,
        step_ms_median=statistics.median(times) if times else None,
        step_ms_p95=_percentile(times, 95) if times else None,
        step_ms_mean=statistics.fmean(times) if times else None,
        warmup_step_ms_first=warm[0] if warm else None,
        peak_mem_bytes=int(peak),
        peak_mem_source="cuda_max_allocated" if cuda else "process_rss_growth",
        loss_first=losses[0] if losses else None,
        loss_last=losses[-1] if losses else None,
        weights_changed=weights_changed,
        torch_version=str(torch.__version__),  # TorchVersion would make the reader import torch
        started_unix_s=started_unix,
        measure_start_t_s=t_measure,
        measure_end_t_s=t_end,
        forward_ms_median=statistics.median(parts[0]) if parts else None,
        backward_ms_median=statistics.median(parts[1]) if len(parts) == 3 else None,
        optimizer_ms_median=statistics.median(parts[2]) if len(parts) == 3 else None,
        forward_ms_mean=statistics.fmean(parts[0]) if parts else None,
        backward_ms_mean=statistics.fmean(parts[1]) if len(parts) == 3 else None,
        optimizer_ms_mean=statistics.fmean(parts[2]) if len(parts) == 3 else None,
        generated_tokens=cfg.generate_tokens or None,
        ttft_ms_median=statistics.median(parts[0]) if len(parts) == 2 else None,
        decode_tokens_per_s=(
            runner.batch_size * (cfg.generate_tokens - 1) * 1000.0 / statistics.median(parts[1])
            if len(parts) == 2 and cfg.generate_tokens > 1 and statistics.median(parts[1]) > 0
            else None
        ),
        flops_per_step=count.flops,
        tflops_per_s=tflops,
        peak_tflops=peak_tf,
        mfu_pct=100.0 * tflops / peak_tf if tflops and peak_tf else None,
        mem_params_bytes=mem.params,
        mem_grads_bytes=mem.grads,
        mem_optimizer_bytes=mem.optimizer,
        mem_inputs_bytes=mem.inputs,
        mem_activations_bytes=mem.activations,
        mem_reserved_bytes=mem.reserved,
        mem_other_bytes=None if cuda else max(0, peak - (
            mem.params + mem.grads + mem.optimizer + mem.inputs + mem.activations)),
        mem_method=mem.method,
        warmup_start_t_s=t_warmup,
        kernels=cfg.kernels,
        compile_s=warm[0] / 1000.0 if warm and cfg.kernels != "eager" else None,
        quantize=cfg.quantize,
        quantized_layers=quant.layers if quant else None,
        quantize_method=quant.method if quant else "",
        output_rel_error=quant.output_rel_error if quant else None,
        top1_agreement=quant.top1_agreement if quant else None,
        weights_from=weights_from,
        weights_from_id=weights_from_id,
        saved_weights=after.saved_weights,
        saved_weights_id=after.saved_weights_id,
        param_change_l2=after.change[0] if after.change else None,
        param_change_rel=after.change[1] if after.change else None,
        heldout_accuracy=after.accuracy,
        heldout_predictions=after.predictions,
        heldout_chance=after.chance,
        loss_curve=loss_curve(reporter.losses["warmup"] + losses),
    )


@dataclass(frozen=True)
class _After:
    change: tuple[float, float] | None
    accuracy: float | None
    predictions: int | None
    chance: float | None
    saved_weights: str
    saved_weights_id: str


def _after_run(cfg: RunConfig, runner: _Runner, steps: int, loss_last: float | None,
               emit: Emit, stopped: bool, should_stop: ShouldStop) -> _After:
    """Untimed work after the measured phase: weight change, held-out accuracy, saving.

    A stopped run only saves its weights: Stop must answer within a second. Stop during
    the held-out evaluation ends it (no accuracy) and still saves. The weight change is
    measured before saving, so a run that saves over the file it loaded compares against
    its starting weights.
    """
    change = None
    if cfg.quantize == "none" and not stopped:
        start = weights.initial_parameters(
            runner, weights.read(cfg.load_weights) if cfg.load_weights else None)
        change = weights.parameter_change(runner.module, start)
    samples = 0 if stopped else weights.heldout_samples(
        cfg, runner.device, runner.spec.info.is_language_model)
    accuracy = predictions = chance = None
    if samples:
        result = weights.heldout_accuracy(
            runner, samples, lambda: _autocast(cfg.precision, runner.device), should_stop)
        if result is not None:
            accuracy, predictions = result
            chance = runner.spec.chance_accuracy
    saved = saved_id = ""
    if cfg.save_weights:
        try:
            saved_id = weights.save(cfg.save_weights, runner.module, cfg, runner.input_size,
                                    steps, loss_last, runner.device)
            saved = cfg.save_weights
        except OSError as exc:  # the summary is kept: only the file is missing
            emit(Notice(time.monotonic(), f"the weights were not saved: {exc}",
                        "choose a writable path for --save-weights"))
    return _After(change, accuracy, predictions, chance, saved, saved_id)


def _percentile(values: list[float], pct: float) -> float:
    """Linear-interpolated percentile (the 'inclusive' method, as numpy's default)."""
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    rank = (len(ordered) - 1) * pct / 100.0
    lo = int(rank)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (rank - lo)
