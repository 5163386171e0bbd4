"""Guided experiments: several runs that test one claim of the document each.

Each experiment is a plan of cases (run configurations) and a table over their results;
:mod:`engine.claims.experiment_runner` runs the cases one after another through one
session (each is stored like any run), and :mod:`engine.claims.experiment_verdicts` says
whether they support the claim. A case that cannot run here (tf32 on a CPU) is listed as
*not available* with the reason; one that runs out of memory is marked *out of memory*;
neither stops the experiment.

Tables are typed: a :class:`Table` has columns with message titles and cells that are
quantities with units, messages or plain labels, so the CSV export has numbers in
numeric columns and the GUI and command line make the words in their language.

Implemented: ``train-vs-infer``, ``precision``, ``batch-sweep``, ``data-flow``,
``kernels``, ``quantization``, ``memory``, ``generation``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Union

from engine.claims.evidence import loader_workers
from engine.claims.verdicts import Verdict
from engine.core.catalog import CATALOG
from engine.core.config import ConfigError, RunConfig
from engine.core.events import Summary
from engine.core.values import (
    Msg,
    Quantity,
    joules,
    millis,
    msg,
    nbytes,
    percent,
    rate,
    ratio,
    seconds,
    share,
    to_plain,
)

if TYPE_CHECKING:
    from engine.claims.compare import Comparison

Cell = Union[Quantity, Msg, str, int, dict[str, str], None]  # noqa: UP007
"""A table cell: a measured quantity, a message, a label (``"bf16"``), a count, the
document's text per language, or empty."""


@dataclass(frozen=True)
class Column:
    """A table column: a stable id and its title."""

    id: str
    title: Msg


@dataclass(frozen=True)
class Table:
    """An experiment's table: one row per case, cells typed (see :data:`Cell`)."""

    columns: tuple[Column, ...] = ()
    rows: tuple[tuple[Cell, ...], ...] = ()

    def text(self, lang: str = "en") -> tuple[list[str], list[list[str]]]:
        """``(headers, rows)`` in words; an empty cell is ``""``."""
        from engine.core.format import text

        heads = [text(c.title, lang) for c in self.columns]
        rows = [["" if c is None else text(c, lang) for c in row] for row in self.rows]
        return heads, rows

    def to_dict(self) -> dict[str, Any]:
        """JSON form: columns ``{id, title}`` and typed cells."""
        return {"columns": [{"id": c.id, "title": to_plain(c.title)} for c in self.columns],
                "rows": [[to_plain(c) for c in row] for row in self.rows]}


@dataclass(frozen=True)
class Case:
    """One run of an experiment.

    Attributes:
        label: Stable key (``"fp32 train"``, ``"batch 8 infer"``): results and verdicts
            find cases by it, and ``--json`` names cases with it.
        title: How the case is called on screen.
        config: What to run.
        unavailable: Why the case is not run on this device (``None``: it is run).
        weights_from: The label of an earlier training case whose trained weights this
            inference case starts from (when that case ran); ``""``: random weights.
    """

    label: str
    title: Msg
    config: RunConfig
    unavailable: Msg | None = None
    weights_from: str = ""


OK, OUT_OF_MEMORY, NOT_AVAILABLE, FAILED, STOPPED = (
    "ok", "out_of_memory", "not_available", "failed", "stopped")
CASE_STATUSES = (OK, OUT_OF_MEMORY, NOT_AVAILABLE, FAILED, STOPPED)


@dataclass(frozen=True)
class CaseResult:
    """What one case gave.

    Attributes:
        label, title: As in :class:`Case`.
        mode: ``train`` or ``infer``.
        status: ``"ok"``, ``"out_of_memory"``, ``"not_available"``, ``"failed"`` or
            ``"stopped"`` (cut short, with a summary, or never run, without one).
        summary: The run's summary when it ran.
        reason: Why it did not run or failed (``None``: it ran).
        run_id: Its id in the store, when stored.
    """

    label: str
    mode: str
    status: str
    summary: Summary | None = None
    reason: Msg | None = None
    run_id: int | None = None
    title: Msg | None = None

    @property
    def message(self) -> str:
        """:attr:`reason` in English (``""``: none)."""
        from engine.core.format import text

        return text(self.reason) if self.reason is not None else ""

    def to_dict(self) -> dict[str, Any]:
        """Plain dict (``--json``)."""
        return {"label": self.label, "mode": self.mode, "status": self.status,
                "message": self.message, "reason": to_plain(self.reason),
                "run_id": self.run_id,
                "summary": self.summary.to_dict() if self.summary else None}


@dataclass(frozen=True)
class ExperimentResult:
    """An experiment's cases, its table and its verdict.

    Attributes:
        name: Experiment id.
        model, device: What it ran on (``device`` as requested).
        cases: One :class:`CaseResult` per case, in order.
        table: The typed table (:class:`Table`), one row per case.
        stopped: The user stopped the experiment.
        verdict: Whether the cases support the experiment's claim.
    """

    name: str
    model: str
    device: str
    cases: list[CaseResult]
    table: Table = field(default_factory=Table)
    stopped: bool = False
    verdict: Verdict | None = None

    def to_dict(self) -> dict[str, Any]:
        """Stable JSON form (``trainfer experiment NAME --json``)."""
        columns, rows = self.table.text()
        return {"experiment": self.name, "model": self.model, "device": self.device,
                "stopped": self.stopped, "columns": columns, "rows": rows,
                "table": self.table.to_dict(),
                "verdict": self.verdict.to_dict() if self.verdict else None,
                "cases": [c.to_dict() for c in self.cases]}


Plan = Callable[[str, str, "float | None", "tuple[int, ...] | None"], list[Case]]
"""``(model, device, seconds, batches) -> cases``; ``batches`` overrides a sweep's sizes."""
Tabulate = Callable[[list[CaseResult]], Table]


@dataclass(frozen=True)
class Experiment:
    """An experiment's definition.

    Attributes:
        name: Id on the command line.
        default_model: Model used when none is given.
        plan: Its cases (see :data:`Plan`).
        table: ``results -> Table``.
        verdict: ``results -> Verdict``; ``None``: the experiment's function in
            :data:`engine.claims.experiment_verdicts.VERDICTS`.
    """

    name: str
    default_model: str
    plan: Plan
    table: Tabulate
    verdict: Callable[[list[CaseResult]], Verdict] | None = None

    @property
    def title(self) -> Msg:
        """One line shown in the GUI and the command line."""
        return msg(f"experiment.{self.name}.title")

    @property
    def claim(self) -> Msg:
        """The document's claim it tests."""
        return msg(f"experiment.{self.name}.claim")


def _cfg(model: str, mode: str, device: str, seconds_: float | None, **kw: Any) -> RunConfig:
    """A case's configuration; held-out accuracy is off unless asked for (``heldout_samples``)."""
    kw.setdefault("heldout_samples", 0)
    return RunConfig(model=model, mode=mode, device=device, seconds=seconds_ or 8.0, **kw)


def on_cpu(device: str) -> bool:
    """Whether ``device`` means the CPU here (``auto`` without an NVIDIA GPU)."""
    if device == "cpu":
        return True
    if device != "auto":
        return False
    from engine.session.devices import list_devices

    return not list_devices().available


def table_columns(*ids: str) -> tuple[Column, ...]:
    """Columns ``ids``, titled by their ``column.<id>`` messages."""
    return tuple(Column(i, msg(f"column.{i}")) for i in ids)


def _rate(s: Summary | None) -> Quantity | None:
    return rate(s.rate, s.rate_unit) if s is not None else None


def status_msg(c: CaseResult) -> Msg | None:
    """A case's status in words, with the reason when it did not run (``None``: ok)."""
    if c.status == STOPPED:  # cut short (its numbers are from a shorter run) or never run
        return msg("case.stopped_early" if c.summary is not None else "case.not_run")
    if c.status == OK:
        return None
    word = msg(f"case.{c.status}")
    return msg("case.because", status=word, reason=c.reason) if c.reason else word


def _note(c: CaseResult, note: Msg | str | None = None) -> Msg | None:
    """A table's note for a case that ran: ``note``, and whether it was stopped early."""
    parts = [p for p in (note, status_msg(c)) if p]
    return msg("case.notes", notes=parts) if parts else None


def _missing_row(c: CaseResult, width: int) -> tuple[Cell, ...]:
    """A row for a case without a summary: its title, blanks, and why."""
    return (c.title, *[None] * (width - 2), status_msg(c))


def _table(columns: tuple[Column, ...], results: Sequence[CaseResult],
           row: Callable[[CaseResult, Summary], tuple[Cell, ...]]) -> Table:
    """One row per case: ``row(case, summary)``, or the missing-case row."""
    return Table(columns, tuple(row(c, c.summary) if c.summary is not None
                                else _missing_row(c, len(columns)) for c in results))


# ---- train-vs-infer ------------------------------------------------------------------


def _plan_pair(model: str, device: str, seconds_: float | None,
               batches: tuple[int, ...] | None = None) -> list[Case]:
    """Training, then inference with the trained weights (held-out accuracy measured)."""
    return [Case("training", msg("mode.training"),
                 _cfg(model, "train", device, seconds_, heldout_samples=None)),
            Case("inference", msg("mode.inference"),
                 _cfg(model, "infer", device, seconds_, heldout_samples=None),
                 weights_from="training")]


def _table_pair(results: list[CaseResult]) -> Table:
    from engine.claims.compare import build

    by_mode = {c.mode: c.summary for c in results}
    return comparison_table(build(by_mode.get("train"), by_mode.get("infer")))


def comparison_table(cmp: Comparison) -> Table:
    """The document's rows of ``cmp``: aspect, both measurements, the ratio, the verdict."""
    cols = table_columns("aspect", "training", "inference", "train_over_infer", "verdict")
    return Table(cols, tuple((r.aspect, r.measured_train, r.measured_infer, r.ratio_msg,
                              r.verdict.message if r.verdict else None) for r in cmp.rows))


# ---- precision -----------------------------------------------------------------------


def _plan_precision(model: str, device: str, seconds_: float | None,
                    batches: tuple[int, ...] | None = None) -> list[Case]:
    cpu = on_cpu(device)
    return [Case(f"{p} {m}", msg("case.precision_mode", precision=p, mode=msg(f"mode.{m}")),
                 _cfg(model, m, device, seconds_, precision=p),
                 msg("case.fp16_cpu") if cpu and p == "fp16" else None)
            for m in ("train", "infer") for p in ("fp32", "tf32", "bf16", "fp16")]


def _table_precision(results: list[CaseResult]) -> Table:
    cols = table_columns("precision", "mode", "throughput", "step_time", "peak_memory",
                    "tensor_activity", "speed_up_fp32", "note")
    base = {c.mode: c.summary.rate for c in results
            if c.summary is not None and c.summary.precision == "fp32" and c.summary.rate}
    rows = []
    for c in results:
        s = c.summary
        precision, mode = c.label.split()
        speed = (ratio(s.rate / base[mode]) if s is not None and s.rate and mode in base
                 else None)
        tensor: Cell = None
        if s is not None:
            tensor = (percent(s.mean_tensor_activity_pct)
                      if s.mean_tensor_activity_pct is not None
                      else msg("cell.na_cpu") if s.device == "cpu" else msg("cell.na_gpm"))
        rows.append((precision, msg(f"mode.{mode}"), _rate(s),
                     millis(s.step_ms_median) if s else None,
                     nbytes(s.peak_mem_bytes) if s else None, tensor, speed, status_msg(c)))
    return Table(cols, tuple(rows))


# ---- batch-sweep ---------------------------------------------------------------------

BATCHES = (1, 8, 64, 256)


def _plan_batches(model: str, device: str, seconds_: float | None,
                  batches: tuple[int, ...] | None = None) -> list[Case]:
    return [Case(f"batch {b} {m}", msg("case.batch_mode", batch=b, mode=msg(f"mode.{m}")),
                 _cfg(model, m, device, seconds_, batch_size=b))
            for m in ("infer", "train") for b in (batches or BATCHES)]


def _table_batches(results: list[CaseResult]) -> Table:
    cols = table_columns("batch", "mode", "latency", "throughput", "energy_per_sample",
                    "peak_memory", "note")
    rows = []
    for c in results:
        s = c.summary
        rows.append((int(c.label.split()[1]), msg(f"mode.{c.mode}"),
                     millis(s.step_ms_median) if s else None, _rate(s),
                     joules(s.energy_per_sample_j, "sample") if s else None,
                     nbytes(s.peak_mem_bytes) if s else None, status_msg(c)))
    return Table(cols, tuple(rows))


# ---- memory --------------------------------------------------------------------------


def _table_memory(results: list[CaseResult]) -> Table:
    cols = table_columns("mode", "parameters", "gradients", "optimizer_state", "inputs",
                    "activations_workspace", "other_cpu", "peak", "method")

    def row(c: CaseResult, s: Summary) -> tuple[Cell, ...]:
        return (msg(f"mode.{c.mode}"), nbytes(s.mem_params_bytes), nbytes(s.mem_grads_bytes),
                nbytes(s.mem_optimizer_bytes), nbytes(s.mem_inputs_bytes),
                nbytes(s.mem_activations_bytes),
                nbytes(s.mem_other_bytes) if s.mem_other_bytes is not None else "—",
                nbytes(s.peak_mem_bytes), _note(c, memory_method(s)))

    return Table(cols, tuple(row(c, c.summary) if c.summary is not None
                             else (msg(f"mode.{c.mode}"), *[None] * 7, status_msg(c))
                             for c in results))


def memory_method(s: Summary) -> Msg | str:
    """How ``s``'s memory breakdown was obtained (a sentence for older records)."""
    if s.mem_method in ("cuda_allocator", "cpu_saved_tensors", "cpu_largest_output"):
        return msg(f"memory.method.{s.mem_method}")
    return s.mem_method


# ---- data-flow -----------------------------------------------------------------------


def _plan_data(model: str, device: str, seconds_: float | None,
               batches: tuple[int, ...] | None = None) -> list[Case]:
    n = loader_workers()
    # page-locked buffers and non-blocking copies matter for copies to a GPU only
    pinned = not on_cpu(device)
    # on a GPU the training runs in bf16, as it would in practice: in fp32 an H200 trains
    # ResNet-50 at 969 images/s and the input pipeline hardly shows (8 workers fed 89% of
    # it); in bf16 it needs 4,735 (docs/benchmarks.md, DESIGN.md's DataLoader rows)
    kw: dict[str, Any] = {} if on_cpu(device) else {"precision": "bf16"}
    workers = f"DataLoader, {n} worker{'s' if n != 1 else ''}" + (
        ", pinned memory" if pinned else "")
    return [
        Case("on-device tensors", msg("case.on_device"),
             _cfg(model, "train", device, seconds_, **kw)),
        Case("DataLoader, 0 workers", msg("case.loader", n=0),
             _cfg(model, "train", device, seconds_, loader_workers=0, **kw)),
        Case(workers, msg("case.loader_pinned" if pinned else "case.loader", n=n),
             _cfg(model, "train", device, seconds_, loader_workers=n, pin_memory=pinned,
                  **kw)),
    ]


def _table_data(results: list[CaseResult]) -> Table:
    cols = table_columns("input_pipeline", "throughput", "of_on_device", "gpu_util", "step_time",
                    "note")
    base = results[0].summary.rate if results and results[0].summary else None

    def row(c: CaseResult, s: Summary) -> tuple[Cell, ...]:
        part = share(s.rate / base) if s.rate and base else None
        util = (percent(s.mean_gpu_util_pct) if s.mean_gpu_util_pct is not None
                else msg("cell.na_cpu"))
        return (c.title, _rate(s), part, util, millis(s.step_ms_median), status_msg(c))

    return _table(cols, results, row)


# ---- kernels -------------------------------------------------------------------------


def _plan_kernels(model: str, device: str, seconds_: float | None,
                  batches: tuple[int, ...] | None = None) -> list[Case]:
    batch = (batches or (1,))[0]
    no_gpu = msg("device.cudagraphs_gpu_only") if on_cpu(device) else None
    return [
        Case("eager", msg("kernels.eager"), _cfg(model, "infer", device, seconds_,
                                                 batch_size=batch)),
        Case("torch.compile", msg("kernels.compile"),
             _cfg(model, "infer", device, seconds_, batch_size=batch, kernels="compile")),
        Case("CUDA graphs", msg("kernels.cudagraphs"),
             _cfg(model, "infer", device, seconds_, batch_size=batch, kernels="cudagraphs"),
             no_gpu),
    ]


def _table_kernels(results: list[CaseResult]) -> Table:
    cols = table_columns("kernels", "latency_median", "latency_p95", "throughput", "vs_eager",
                    "compile_time", "note")
    base = results[0].summary.step_ms_median if results and results[0].summary else None

    def row(c: CaseResult, s: Summary) -> tuple[Cell, ...]:
        speed = ratio(base / s.step_ms_median) if base and s.step_ms_median else None
        return (c.title, millis(s.step_ms_median), millis(s.step_ms_p95), _rate(s), speed,
                seconds(s.compile_s) if s.compile_s is not None else None,
                _note(c, msg("case.batch", batch=s.batch_size)))

    return _table(cols, results, row)


# ---- quantization --------------------------------------------------------------------


def _plan_quant(model: str, device: str, seconds_: float | None,
                batches: tuple[int, ...] | None = None) -> list[Case]:
    batch = (batches or (None,))[0]
    cpu = on_cpu(device)
    return [
        Case("fp32", msg("quant.fp32"), _cfg(model, "infer", device, seconds_, batch_size=batch)),
        Case("bf16", msg("quant.bf16"), _cfg(model, "infer", device, seconds_, batch_size=batch,
                                             precision="bf16")),
        Case("int8", msg("quant.int8"), _cfg(model, "infer", device, seconds_, batch_size=batch,
                                             quantize="int8")),
        Case("fp8", msg("quant.fp8"),
             _cfg(model, "infer", device, seconds_, batch_size=batch, precision="bf16",
                  quantize="none" if cpu else "fp8"),  # a CPU cannot even configure it
             msg("case.fp8_cpu") if cpu else None),
    ]


def quantization_note(s: Summary) -> Msg | None:
    """``8 linear layers via torch.ao.quantization.quantize_dynamic; 1 tied layer kept``."""
    if not s.quantized_layers:
        return None
    tied = (msg("quant.tied", n=s.quantized_tied_layers) if s.quantized_tied_layers else "")
    return msg("quant.layers", n=s.quantized_layers, method=s.quantize_method, tied=tied)


def _table_quant(results: list[CaseResult]) -> Table:
    cols = table_columns("weights", "throughput", "vs_fp32", "latency", "weight_memory",
                    "peak_memory", "outputs_vs_fp32", "note")
    base = results[0].summary.rate if results and results[0].summary else None

    def row(c: CaseResult, s: Summary) -> tuple[Cell, ...]:
        change = None
        if s.output_rel_error is not None:
            change = msg("quant.change", error=share(s.output_rel_error),
                         agreement=share(s.top1_agreement))
        return (c.title, _rate(s), ratio(s.rate / base) if base and s.rate else None,
                millis(s.step_ms_median), nbytes(s.mem_params_bytes),
                nbytes(s.peak_mem_bytes), change, _note(c, quantization_note(s)))

    return _table(cols, results, row)


# ---- generation ----------------------------------------------------------------------

GENERATE_TOKENS = 32


def _plan_generation(model: str, device: str, seconds_: float | None,
                     batches: tuple[int, ...] | None = None) -> list[Case]:
    cases = [Case("training", msg("mode.training"), _cfg(model, "train", device, seconds_))]
    for b in batches or (1, 8):
        cases.append(Case(f"generate batch {b}", msg("case.generate", batch=b), _cfg(
            model, "infer", device, seconds_, batch_size=b, generate_tokens=GENERATE_TOKENS)))
    return cases


def _table_generation(results: list[CaseResult]) -> Table:
    cols = table_columns("case", "batch", "ttft", "tokens_after_first", "tokens_over_run",
                    "step_time", "peak_memory", "note")

    def row(c: CaseResult, s: Summary) -> tuple[Cell, ...]:
        gen = bool(s.generated_tokens)
        note = (msg("gen.note.generate", n=s.generated_tokens, prompt=s.input_size) if gen
                else msg("gen.note.train", prompt=s.input_size))
        return (c.title, s.batch_size, millis(s.ttft_ms_median) if gen else None,
                rate(s.decode_tokens_per_s, "tokens") if gen else None,
                rate(s.tokens_per_s, "tokens"), millis(s.step_ms_median),
                nbytes(s.peak_mem_bytes), _note(c, note))

    return _table(cols, results, row)


# ---- scaling -------------------------------------------------------------------------

from engine.claims.scaling import efficiency  # noqa: E402 - beside the experiment that uses it

CPU_RANKS = (1, 2)
"""Ranks of the scaling experiment on the CPU (gloo processes sharing the cores)."""


def scaling_ranks(device: str) -> tuple[tuple[int, ...], int | None]:
    """``(rank counts to run, GPUs on this machine)``; ``None`` GPUs on the CPU.

    On GPUs: 1, 2, 4, 8 … up to the GPU count, and the count itself; at least 1 and 2
    (a case that needs more GPUs than there are is marked *not available*).
    """
    if on_cpu(device):
        return CPU_RANKS, None
    from engine.session.devices import list_devices

    gpus = len(list_devices().gpus)
    ranks = {1, 2, gpus} | {2 ** k for k in range(1, 7) if 2 ** k <= gpus}
    return tuple(sorted(r for r in ranks if r >= 1)), gpus


def _plan_scaling(model: str, device: str, seconds_: float | None,
                  batches: tuple[int, ...] | None = None) -> list[Case]:
    """Training (DDP) and inference (replicas) at 1, 2, … ranks, the batch per rank fixed."""
    ranks, gpus = scaling_ranks(device)
    dev = "cpu" if gpus is None else "cuda"
    return [Case(f"{n} ranks {m}", msg("case.ranks_mode", ranks=n, mode=msg(f"mode.{m}")),
                 _cfg(model, m, dev, seconds_, nproc_per_node=n),
                 msg("case.needs_gpus", ranks=n, gpus=gpus)
                 if gpus is not None and n > gpus else None)
            for m in ("train", "infer") for n in ranks]


def _table_scaling(results: list[CaseResult]) -> Table:
    cols = table_columns("ranks", "mode", "throughput", "per_rank", "efficiency",
                         "allreduce_share", "note")
    ones = {c.mode: c.summary for c in results
            if c.summary is not None and c.summary.world_size == 1}
    rows = []
    for c in results:
        s, n = c.summary, int(c.label.split()[0])
        eff = efficiency(s, ones.get(c.mode)) if s else None
        rows.append((n, msg(f"mode.{c.mode}"), _rate(s),
                     rate(s.rate / n, s.rate_unit) if s and s.rate else None,
                     share(eff) if eff is not None else None,
                     share(s.allreduce_step_share) if s and n > 1 else None,
                     status_msg(c)))
    return Table(cols, tuple(rows))


EXPERIMENTS: dict[str, Experiment] = {
    e.name: e
    for e in (
        Experiment("train-vs-infer", "resnet18", _plan_pair, _table_pair),
        Experiment("precision", "resnet18", _plan_precision, _table_precision),
        Experiment("batch-sweep", "resnet18", _plan_batches, _table_batches),
        Experiment("memory", "resnet18", _plan_pair, _table_memory),
        Experiment("data-flow", "resnet50", _plan_data, _table_data),
        Experiment("kernels", "resnet50", _plan_kernels, _table_kernels),
        Experiment("quantization", "vit_b_16", _plan_quant, _table_quant),
        Experiment("generation", "gpt2", _plan_generation, _table_generation),
        Experiment("scaling", "resnet18", _plan_scaling, _table_scaling),
    )
}


@dataclass(frozen=True)
class ExperimentPlan:
    """A checked experiment, ready to run (:func:`plan_experiment`).

    Attributes:
        experiment: Its definition.
        model, device: What it runs on (``device`` as requested).
        cases: Its cases, in order.
    """

    experiment: Experiment
    model: str
    device: str
    cases: list[Case]

    @property
    def name(self) -> str:
        """The experiment's id."""
        return self.experiment.name


def plan_experiment(name: str, model: str | None = None, device: str = "auto",
                    seconds_: float | None = None,
                    batches: tuple[int, ...] | None = None) -> ExperimentPlan:
    """Check an experiment's settings and list its cases.

    Args:
        name: An id of :data:`EXPERIMENTS`.
        model: Catalog id; ``None`` takes the experiment's default model.
        device: As :attr:`engine.core.config.RunConfig.device`.
        seconds_: Measured seconds per case (default 8).
        batches: Batch sizes for ``batch-sweep`` and ``generation`` (default: theirs).

    Raises:
        ConfigError: Unknown experiment or model, or a bad setting.
    """
    if name not in EXPERIMENTS:
        raise ConfigError("experiment", msg("experiment.unknown", name=repr(name),
                                            choices=list(EXPERIMENTS)))
    exp = EXPERIMENTS[name]
    model = model or exp.default_model
    if seconds_ is not None and not seconds_ > 0:
        raise ConfigError("seconds", msg("experiment.seconds", value=f"{seconds_:g}"))
    if batches is not None and (not batches or min(batches) < 1):
        raise ConfigError("batches", msg("experiment.batches"))
    if model not in CATALOG:
        raise ConfigError("model", msg("config.model.unknown", model=model,
                                       choices=list(CATALOG)))
    if name == "generation" and not CATALOG[model].is_language_model:
        models = [m.id for m in CATALOG.values() if m.is_language_model]
        raise ConfigError("model", msg("experiment.generation_lm", models=models,
                                       model=model))
    return ExperimentPlan(exp, model, device, exp.plan(model, device, seconds_, batches))

