"""Guided experiments: several runs that test one claim of the document each.

Each experiment is a list of cases (run configurations); :func:`run_experiment` runs them
one after another as separate runs in the run process (each stored like any run), and
turns their summaries into a small table. A case that cannot run here (tf32 on a CPU)
is listed as *not available* with the reason; one that runs out of memory is marked
*out of memory*; neither stops the experiment. Stop ends it after the current case.

Implemented: ``train-vs-infer``, ``precision``, ``batch-sweep``, ``data-flow``,
``kernels``, ``quantization``, ``memory``, ``generation``.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from engine.claims.verdicts import Verdict
from engine.core.catalog import CATALOG
from engine.core.config import ConfigError, RunConfig
from engine.core.events import Event, Failed, Summary
from engine.core.format import fmt_bytes, fmt_count, fmt_energy, fmt_num, fmt_ratio


@dataclass(frozen=True)
class Case:
    """One run of an experiment: a label and its configuration.

    ``unavailable`` says why the case is not run on this device (``""``: it is run).
    ``weights_from`` names an earlier training case whose trained weights this inference
    case starts from (when that case ran); ``""``: the seed's random weights.
    """

    label: str
    config: RunConfig
    unavailable: str = ""
    weights_from: str = ""


def _on_cpu(device: str) -> bool:
    """Whether ``device`` means the CPU here (``auto`` without an NVIDIA GPU)."""
    if device == "cpu":
        return True
    if device != "auto":
        return False
    from engine.session.devices import list_devices

    return not list_devices().available


@dataclass(frozen=True)
class CaseResult:
    """What one case gave.

    Attributes:
        label: As in :class:`Case`.
        mode: ``train`` or ``infer``.
        status: ``"ok"``, ``"out_of_memory"``, ``"not_available"``, ``"failed"`` or
            ``"stopped"``.
        summary: The run's summary when it ran.
        message: Why it did not run or failed.
        run_id: Its id in the store, when stored.
    """

    label: str
    mode: str
    status: str
    summary: Summary | None = None
    message: str = ""
    run_id: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """Plain dict (``--json``)."""
        return {"label": self.label, "mode": self.mode, "status": self.status,
                "message": self.message, "run_id": self.run_id,
                "summary": self.summary.to_dict() if self.summary else None}


@dataclass(frozen=True)
class ExperimentResult:
    """An experiment's cases and its table.

    Attributes:
        name: Experiment id.
        model, device: What it ran on (``device`` as requested).
        cases: One :class:`CaseResult` per case, in order.
        columns: Table header.
        rows: Table cells, one list per case, as display text.
        stopped: The user stopped the experiment.
        verdict: Whether the cases support the experiment's claim
            (:mod:`engine.claims.experiment_verdicts`).
    """

    name: str
    model: str
    device: str
    cases: list[CaseResult]
    columns: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    stopped: bool = False
    verdict: Verdict | None = None

    def to_dict(self) -> dict[str, Any]:
        """Stable JSON form (``trainfer experiment NAME --json``)."""
        return {"experiment": self.name, "model": self.model, "device": self.device,
                "stopped": self.stopped, "columns": self.columns, "rows": self.rows,
                "verdict": self.verdict.to_dict() if self.verdict else None,
                "cases": [c.to_dict() for c in self.cases]}


@dataclass(frozen=True)
class Experiment:
    """An experiment's definition.

    Attributes:
        name: Id on the command line.
        title: One line shown in the GUI and ``--help``.
        claim: The document's claim it tests.
        default_model: Model used when none is given.
        plan: ``(model, device, seconds, batches) -> cases``; ``batches`` overrides the
            batch sizes of a sweep (``None``: the experiment's own).
        table: ``results -> (columns, rows)``.
    """

    name: str
    title: str
    claim: str
    default_model: str
    plan: Callable[[str, str, float | None, tuple[int, ...] | None], list[Case]]
    table: Callable[[list[CaseResult]], tuple[list[str], list[list[str]]]]


def _cfg(model: str, mode: str, device: str, seconds: float | None, **kw: Any) -> RunConfig:
    """A case's configuration; held-out accuracy is off unless asked for (``heldout_samples``)."""
    kw.setdefault("heldout_samples", 0)
    return RunConfig(model=model, mode=mode, device=device, seconds=seconds or 8.0, **kw)


def _rate(s: Summary | None) -> str:
    if s is None:
        return ""
    if s.tokens_per_s is not None:
        return fmt_num(s.tokens_per_s, "tokens/s")
    return fmt_num(s.samples_per_s, f"{s.sample_unit}/s")


def _missing_row(c: CaseResult, width: int) -> list[str]:
    """A table row for a case without a summary: its label, blanks, and why."""
    return [c.label, *[""] * (width - 2), status_text(c)]


def status_text(c: CaseResult) -> str:
    """A case's status in words, with the reason when it did not run (``""`` when ok)."""
    if c.status == "stopped":  # cut short (its numbers are from a shorter run) or never run
        return "stopped early" if c.summary is not None else "not run: the experiment was stopped"
    return {"ok": "", "out_of_memory": "out of memory", "not_available": "not available",
            "failed": "failed"}[c.status] + (
        f": {c.message}" if c.message and c.status != "ok" else "")


def _note(c: CaseResult, text: str) -> str:
    """A table's note for a case that ran: ``text``, and whether it was stopped early."""
    return "; ".join(t for t in (text, status_text(c)) if t)


# ---- train-vs-infer ------------------------------------------------------------------


def _plan_pair(model: str, device: str, seconds: float | None,
               batches: tuple[int, ...] | None = None) -> list[Case]:
    """Training, then inference with the trained weights (held-out accuracy measured)."""
    return [Case("training", _cfg(model, "train", device, seconds, heldout_samples=None)),
            Case("inference", _cfg(model, "infer", device, seconds, heldout_samples=None),
                 weights_from="training")]


def _table_pair(results: list[CaseResult]) -> tuple[list[str], list[list[str]]]:
    from engine.claims.compare import build

    by_mode = {c.mode: c.summary for c in results}
    cmp = build(by_mode.get("train"), by_mode.get("infer"))
    cols = ["aspect", "training", "inference", "training / inference", "verdict"]
    rows = [[r.aspect["en"], r.measured_train, r.measured_infer, r.ratio_text,
             r.verdict.text if r.verdict else ""] for r in cmp.rows]
    return cols, rows


# ---- precision -----------------------------------------------------------------------


def _plan_precision(model: str, device: str, seconds: float | None,
                    batches: tuple[int, ...] | None = None) -> list[Case]:
    cpu = _on_cpu(device)
    slow = ("fp16 on the CPU is emulated, many times slower than fp32; the CPU's 16-bit "
            "format is bf16")
    return [Case(f"{p} {m}", _cfg(model, m, device, seconds, precision=p),
                 slow if cpu and p == "fp16" else "")
            for m in ("train", "infer") for p in ("fp32", "tf32", "bf16", "fp16")]


def _table_precision(results: list[CaseResult]) -> tuple[list[str], list[list[str]]]:
    cols = ["precision", "mode", "throughput", "step time", "peak memory",
            "Tensor Core activity", "speed-up vs fp32", "note"]
    base = {c.mode: c.summary.samples_per_s for c in results
            if c.summary is not None and c.summary.precision == "fp32" and c.summary.samples_per_s}
    rows = []
    for c in results:
        s = c.summary
        precision, mode = c.label.split()
        speed = ""
        if s is not None and s.samples_per_s and mode in base:
            speed = fmt_ratio(s.samples_per_s / base[mode])
        tensor = ""
        if s is not None:
            tensor = (fmt_num(s.mean_tensor_activity_pct, "%")
                      if s.mean_tensor_activity_pct is not None
                      else "N/A (CPU)" if s.device == "cpu"
                      else "N/A (GPM: Hopper and newer)")
        rows.append([precision, mode, _rate(s), fmt_num(s.step_ms_median, "ms") if s else "",
                     fmt_bytes(s.peak_mem_bytes) if s else "", tensor, speed, status_text(c)])
    return cols, rows


# ---- batch-sweep ---------------------------------------------------------------------

BATCHES = (1, 8, 64, 256)


def _plan_batches(model: str, device: str, seconds: float | None,
                  batches: tuple[int, ...] | None = None) -> list[Case]:
    return [Case(f"batch {b} {m}", _cfg(model, m, device, seconds, batch_size=b))
            for m in ("infer", "train") for b in (batches or BATCHES)]


def _table_batches(results: list[CaseResult]) -> tuple[list[str], list[list[str]]]:
    cols = ["batch", "mode", "latency (step time)", "throughput", "energy per sample",
            "peak memory", "note"]
    rows = []
    for c in results:
        s = c.summary
        rows.append([c.label.split()[1], c.mode, fmt_num(s.step_ms_median, "ms") if s else "",
                     _rate(s),
                     fmt_energy(s.energy_per_sample_j) if s and s.energy_per_sample_j else
                     ("N/A" if s else ""),
                     fmt_bytes(s.peak_mem_bytes) if s else "", status_text(c)])
    return cols, rows


# ---- memory --------------------------------------------------------------------------


def _table_memory(results: list[CaseResult]) -> tuple[list[str], list[list[str]]]:
    cols = ["mode", "parameters", "gradients", "optimizer state", "inputs",
            "activations + workspace", "other (CPU: allocator, libraries)", "peak", "method"]
    rows = []
    for c in results:
        s = c.summary
        if s is None:
            rows.append([c.mode, "", "", "", "", "", "", "", status_text(c)])
            continue
        rows.append([c.mode, fmt_bytes(s.mem_params_bytes), fmt_bytes(s.mem_grads_bytes),
                     fmt_bytes(s.mem_optimizer_bytes), fmt_bytes(s.mem_inputs_bytes),
                     fmt_bytes(s.mem_activations_bytes),
                     fmt_bytes(s.mem_other_bytes) if s.mem_other_bytes is not None else "—",
                     fmt_bytes(s.peak_mem_bytes), _note(c, s.mem_method)])
    return cols, rows


# ---- data-flow -----------------------------------------------------------------------


def loader_workers() -> int:
    """Workers for the fast DataLoader case: the cores but one, at most 8.

    DESIGN.md's H200 machine used 8 and 15.
    """
    return max(1, min(8, (os.cpu_count() or 2) - 1))


def _plan_data(model: str, device: str, seconds: float | None,
               batches: tuple[int, ...] | None = None) -> list[Case]:
    n = loader_workers()
    workers = fmt_count(n, "worker")
    # page-locked buffers and non-blocking copies matter for copies to a GPU only
    pinned = "" if _on_cpu(device) else ", pinned memory"
    return [
        Case("on-device tensors", _cfg(model, "train", device, seconds)),
        Case("DataLoader, 0 workers", _cfg(model, "train", device, seconds, loader_workers=0)),
        Case(f"DataLoader, {workers}{pinned}",
             _cfg(model, "train", device, seconds, loader_workers=n, pin_memory=bool(pinned))),
    ]


def _table_data(results: list[CaseResult]) -> tuple[list[str], list[list[str]]]:
    cols = ["input pipeline", "throughput", "of on-device", "GPU utilization", "step time",
            "note"]
    base = results[0].summary.samples_per_s if results and results[0].summary else None
    rows = []
    for c in results:
        s = c.summary
        share = (fmt_num(100 * s.samples_per_s / base, "%") if s and s.samples_per_s and base
                 else "")
        util = (fmt_num(s.mean_gpu_util_pct, "%") if s and s.mean_gpu_util_pct is not None
                else ("N/A (CPU)" if s else ""))
        rows.append([c.label, _rate(s), share, util,
                     fmt_num(s.step_ms_median, "ms") if s else "", status_text(c)])
    return cols, rows


# ---- kernels -------------------------------------------------------------------------


def _plan_kernels(model: str, device: str, seconds: float | None,
                  batches: tuple[int, ...] | None = None) -> list[Case]:
    batch = (batches or (1,))[0]
    no_gpu = "CUDA graphs need an NVIDIA GPU" if _on_cpu(device) else ""
    return [
        Case("eager", _cfg(model, "infer", device, seconds, batch_size=batch)),
        Case("torch.compile", _cfg(model, "infer", device, seconds, batch_size=batch,
                                   kernels="compile")),
        Case("CUDA graphs", _cfg(model, "infer", device, seconds, batch_size=batch,
                                 kernels="cudagraphs"), no_gpu),
    ]


def _table_kernels(results: list[CaseResult]) -> tuple[list[str], list[list[str]]]:
    cols = ["kernels", "latency (median)", "latency (p95)", "throughput",
            "vs eager", "compile time", "note"]
    base = results[0].summary.step_ms_median if results and results[0].summary else None
    rows = []
    for c in results:
        s = c.summary
        if s is None:
            rows.append(_missing_row(c, len(cols)))
            continue
        speed = fmt_ratio(base / s.step_ms_median) if base and s.step_ms_median else ""
        rows.append([c.label, fmt_num(s.step_ms_median, "ms"), fmt_num(s.step_ms_p95, "ms"),
                     _rate(s), speed,
                     fmt_num(s.compile_s, "s") if s.compile_s is not None else "",
                     _note(c, f"batch {s.batch_size}")])
    return cols, rows


# ---- quantization --------------------------------------------------------------------


def _plan_quant(model: str, device: str, seconds: float | None,
                batches: tuple[int, ...] | None = None) -> list[Case]:
    batch = (batches or (None,))[0]
    cpu = _on_cpu(device)
    return [
        Case("fp32", _cfg(model, "infer", device, seconds, batch_size=batch)),
        Case("bf16", _cfg(model, "infer", device, seconds, batch_size=batch,
                          precision="bf16")),
        Case("int8", _cfg(model, "infer", device, seconds, batch_size=batch, quantize="int8")),
        Case("fp8", _cfg(model, "infer", device, seconds, batch_size=batch, precision="bf16",
                         quantize="none" if cpu else "fp8"),  # a CPU cannot even configure it
             "fp8 needs an NVIDIA GPU with fp8 Tensor Cores (compute capability 8.9 or newer: "
             "Ada, Hopper, Blackwell) and torchao" if cpu else ""),
    ]


def _table_quant(results: list[CaseResult]) -> tuple[list[str], list[list[str]]]:
    cols = ["weights", "throughput", "latency", "weight memory", "peak memory",
            "outputs vs fp32", "note"]
    base = results[0].summary.samples_per_s if results and results[0].summary else None
    rows = []
    for c in results:
        s = c.summary
        if s is None:
            rows.append(_missing_row(c, len(cols)))
            continue
        speed = f" ({fmt_ratio(s.samples_per_s / base)})" if base and s.samples_per_s else ""
        change = ""
        if s.output_rel_error is not None:
            change = (f"logits moved {100 * s.output_rel_error:.2f}%, top-1 unchanged for "
                      f"{100 * (s.top1_agreement or 0):.1f}%")
        note = (f"{fmt_count(s.quantized_layers, 'linear layer')} via {s.quantize_method}"
                if s.quantized_layers else "")
        rows.append([c.label, _rate(s) + speed, fmt_num(s.step_ms_median, "ms"),
                     fmt_bytes(s.mem_params_bytes), fmt_bytes(s.peak_mem_bytes), change,
                     _note(c, note)])
    return cols, rows


# ---- generation ----------------------------------------------------------------------

GENERATE_TOKENS = 32


def _plan_generation(model: str, device: str, seconds: float | None,
                     batches: tuple[int, ...] | None = None) -> list[Case]:
    cases = [Case("training", _cfg(model, "train", device, seconds))]
    for b in batches or (1, 8):
        cases.append(Case(f"generate batch {b}", _cfg(
            model, "infer", device, seconds, batch_size=b, generate_tokens=GENERATE_TOKENS)))
    return cases


def _table_generation(results: list[CaseResult]) -> tuple[list[str], list[list[str]]]:
    cols = ["case", "batch", "time to first token", "tokens/s after the first",
            "tokens/s over the run", "step time", "peak memory", "note"]
    rows = []
    for c in results:
        s = c.summary
        if s is None:
            rows.append(_missing_row(c, len(cols)))
            continue
        gen = bool(s.generated_tokens)
        note = (f"{s.generated_tokens} new tokens after {s.input_size}; over the run: "
                "generated tokens, first included" if gen
                else f"{s.input_size}-token sequences, forward + backward; over the run: "
                "tokens processed")
        rows.append([c.label, str(s.batch_size),
                     fmt_num(s.ttft_ms_median, "ms") if gen else "",
                     fmt_num(s.decode_tokens_per_s, "tokens/s") if gen else "",
                     fmt_num(s.tokens_per_s, "tokens/s"), fmt_num(s.step_ms_median, "ms"),
                     fmt_bytes(s.peak_mem_bytes), _note(c, note)])
    return cols, rows


EXPERIMENTS: dict[str, Experiment] = {
    e.name: e
    for e in (
        Experiment("train-vs-infer", "Training vs inference, same model and batch",
                   "every row of the document's tables", "resnet18", _plan_pair, _table_pair),
        Experiment("precision", "fp32, tf32, bf16 and fp16 in both modes",
                   "mixed precision speeds training up and saves memory", "resnet18",
                   _plan_precision, _table_precision),
        Experiment("batch-sweep", "Inference (and training) at batch 1, 8, 64 and 256",
                   "inference can run one item at a time, for latency", "resnet18",
                   _plan_batches, _table_batches),
        Experiment("memory", "Where memory goes in each mode",
                   "training stores activations, gradients and optimizer state",
                   "resnet18", _plan_pair, _table_memory),
        Experiment("data-flow", "Training fed from the device, a DataLoader with 0 workers, "
                   "and with workers and pinned memory",
                   "training needs an asynchronous DataLoader (data starvation)", "resnet50",
                   _plan_data, _table_data),
        Experiment("kernels", "Batch-1 inference latency: eager, torch.compile, CUDA graphs",
                   "specialized kernels lower inference latency", "resnet50",
                   _plan_kernels, _table_kernels),
        Experiment("quantization", "Inference in fp32, bf16 and int8 (and fp8 where the GPU "
                   "has it)", "inference can be optimized with quantization", "vit_b_16",
                   _plan_quant, _table_quant),
        Experiment("generation", "Token generation with a KV cache at batch 1 and 8, "
                   "beside training", "inference cares about latency (time to first token)",
                   "gpt2", _plan_generation, _table_generation),
    )
}


def run_experiment(
    name: str,
    model: str | None = None,
    device: str = "auto",
    seconds: float | None = None,
    *,
    store: Any = None,
    on_event: Callable[[str, Event], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
    session_factory: Callable[[], Any] | None = None,
    batches: tuple[int, ...] | None = None,
    on_case_done: Callable[[CaseResult], None] | None = None,
    trained: Any = None,
) -> ExperimentResult:
    """Run every case of experiment ``name`` and build its table.

    Args:
        name: An id of :data:`EXPERIMENTS`.
        model: Catalog id; ``None`` takes the experiment's default model.
        device: As :attr:`engine.core.config.RunConfig.device`.
        seconds: Measured seconds per case (default 8).
        store: Where the runs are recorded (:class:`engine.session.store.db.Store`), or ``None``.
        on_event: Called with ``(case label, event)`` for every event of every case.
        should_stop: Polled between cases and forwarded to each run.
        session_factory: Makes the :class:`engine.session.session.Session` for each case (tests).
        batches: Batch sizes for ``batch-sweep`` and ``generation`` (default: theirs).
        on_case_done: Called with each case's :class:`CaseResult` as soon as it is known
            (a case that is not available here, before the next one starts).
        trained: The caller's :class:`engine.session.handover.TrainedWeights` (the app's),
            so the weights an experiment trained serve the caller's next inference run
            too; ``None``: the experiment's own, deleted when it ends.

    Raises:
        ConfigError: Unknown experiment or model, or a bad setting for the first case.
    """
    if name not in EXPERIMENTS:
        raise ConfigError("experiment", f"unknown experiment {name!r}; choose one of: "
                          f"{', '.join(EXPERIMENTS)}")
    exp = EXPERIMENTS[name]
    model = model or exp.default_model
    if seconds is not None and not seconds > 0:
        raise ConfigError("seconds", f"{seconds} is out of range; give each case more than 0 s")
    if batches is not None and (not batches or min(batches) < 1):
        raise ConfigError("batches", "give batch sizes of at least 1, e.g. 1,8,64")
    if model not in CATALOG:
        raise ConfigError("model", f"unknown model {model!r}; choose one of: "
                          f"{', '.join(CATALOG)}")
    if name == "generation" and not CATALOG[model].is_language_model:
        models = ", ".join(m.id for m in CATALOG.values() if m.is_language_model)
        raise ConfigError("model", f"the generation experiment generates tokens: it needs a "
                          f"language model ({models}), not {model}")
    from engine.session.handover import TrainedWeights
    from engine.session.session import Session

    make = session_factory or (lambda: Session(store=store))
    results: list[CaseResult] = []
    stopped = False
    plan = exp.plan(model, device, seconds, batches)
    givers = {c.weights_from for c in plan if c.weights_from}
    own = trained is None
    if trained is None:
        trained = TrainedWeights()
    try:
        for case in plan:
            cfg = case.config
            if case.label in givers or case.weights_from:
                cfg = trained.prepare(cfg)  # save (training) or load (inference) the weights
            result, stopped = _run_case(case, cfg, make, on_event, should_stop, stopped)
            if result.summary is not None:
                trained.record(result.summary, cfg.seed)
            results.append(result)
            if on_case_done is not None:
                on_case_done(result)
    finally:
        if own:
            trained.close()
    columns, rows = exp.table(results)
    from engine.claims.experiment_verdicts import VERDICTS

    verdict = VERDICTS[name](results)
    cut = [c.label for c in results if c.status == "stopped" and c.summary is not None]
    if cut and verdict.status != "not_measurable":
        verdict = dataclasses.replace(verdict, text=f"{verdict.text} (stopped early, so from "
                                      f"shorter runs: {', '.join(cut)})")
    return ExperimentResult(name, model, device, results, columns, rows, stopped, verdict)


def _run_case(case: Case, cfg: RunConfig, make: Callable[[], Any],
              on_event: Callable[[str, Event], None] | None,
              should_stop: Callable[[], bool] | None, stopped: bool) -> tuple[CaseResult, bool]:
    """Run one case in its own session.

    Args:
        case: The case; ``cfg`` is its configuration with weights to save or load.
        cfg: What to run.
        make: Makes the session.
        on_event: As in :func:`run_experiment`.
        should_stop: As in :func:`run_experiment`.
        stopped: The experiment was stopped before this case.

    Returns:
        The case's result, and whether the experiment is stopped now.
    """
    if stopped or (should_stop is not None and should_stop()):
        return CaseResult(case.label, cfg.mode, "stopped"), True
    if case.unavailable:
        return CaseResult(case.label, cfg.mode, "not_available", message=case.unavailable), False
    session = make()
    try:
        session.start(cfg)
    except ConfigError as exc:
        return CaseResult(case.label, cfg.mode, "not_available", message=exc.message), False
    terminal: Summary | Failed | None = None
    for ev in session.iter_events():
        if on_event is not None:
            on_event(case.label, ev)
        if should_stop is not None and should_stop():
            session.stop()
            stopped = True
        if isinstance(ev, (Summary, Failed)):
            terminal = ev
    session.close()
    return _case_result(case, terminal, session.run_id), stopped


def _case_result(case: Case, terminal: Summary | Failed | None, run_id: int | None) -> CaseResult:
    mode = case.config.mode
    if isinstance(terminal, Summary):
        status = "stopped" if terminal.stopped_early else "ok"
        return CaseResult(case.label, mode, status, terminal, run_id=run_id)
    if terminal is None:
        return CaseResult(case.label, mode, "failed", message="no result", run_id=run_id)
    status = {"oom": "out_of_memory", "config": "not_available",
              "stopped": "stopped"}.get(terminal.kind, "failed")
    if terminal.kind == "config":
        run_id = None  # refused before any step: the store does not keep it
    return CaseResult(case.label, mode, status, message=terminal.message, run_id=run_id)
