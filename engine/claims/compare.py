"""The comparison model: the document's table rows beside what was measured.

The rows and their text (Portuguese as written, English translation) are data in
``resources/document.json``; this module maps each row to measurements from a training
and an inference :class:`~engine.core.events.Summary` of the same model and computes a ratio.
Ratios are ``training / inference`` of a cost (time per sample, memory, energy per
sample, utilization), so a value above 1 means training costs more.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from engine.claims.verdicts import CLAIM_VERDICTS, ROW_VERDICTS, Verdict
from engine.core.events import Summary, step_split
from engine.core.format import NA, fmt_bytes, fmt_energy, fmt_num, fmt_ratio, fmt_share
from engine.core.resources import resources_dir

Text = dict[str, str]  # language code ("pt", "en") -> text


@dataclass(frozen=True)
class DocRow:
    """One row of the document's tables.

    Attributes:
        id: Stable row id (``"objective"``, ``"energy_consumption"`` ...).
        table: ``"table1"`` or ``"table2"``, the document's first or second table.
        aspect: The row header per language.
        train: The document's text for training per language.
        infer: The document's text for inference per language.
    """

    id: str
    table: str
    aspect: Text
    train: Text
    infer: Text


@lru_cache(maxsize=1)
def _document() -> dict[str, Any]:
    with open(resources_dir() / "document.json", encoding="utf-8") as f:
        return json.load(f)


def load_document() -> list[DocRow]:
    """Every row of both tables, in the document's order.

    Raises:
        FileNotFoundError: ``resources/`` is missing (see :func:`resources_dir`).
    """
    doc = _document()
    return [
        DocRow(r["id"], t["id"], r["aspect"], r["train"], r["infer"])
        for t in doc["tables"]
        for r in t["rows"]
    ]


@dataclass(frozen=True)
class DocClaim:
    """One bullet of the document's two lists.

    Attributes:
        id: Stable id (``"compute_intensive"`` ...).
        mode: ``"train"`` or ``"infer"``: which list it is in.
        text: The bullet per language.
    """

    id: str
    mode: str
    text: Text


def load_claims() -> list[DocClaim]:
    """Every bullet of the training list, then of the inference list."""
    return [
        DocClaim(item["id"], lst["id"], {k: item[k] for k in ("pt", "en")})
        for lst in _document()["lists"]
        for item in lst["items"]
    ]


def column_titles() -> dict[str, Text]:
    """Column headers ``aspect``/``train``/``infer`` per language."""
    return dict(_document()["columns"])


@dataclass(frozen=True)
class ComparisonRow:
    """A document row with measurements.

    Attributes:
        id, table, aspect: As in :class:`DocRow`.
        doc_train, doc_infer: The document's text per language.
        measured_train, measured_infer: What was measured, with units (``"N/A"`` and the
            reason when it cannot be measured here or that mode has not run).
        ratio: ``training / inference`` of the row's metric, or ``None``.
        ratio_text: The ratio in words.
        metric: Name of the metric the ratio compares (``"ms_per_sample"`` ...), or ``""``.
        verdict: Whether the measurements support the row (:mod:`engine.claims.verdicts`).
    """

    id: str
    table: str
    aspect: Text
    doc_train: Text
    doc_infer: Text
    measured_train: str
    measured_infer: str
    ratio: float | None
    ratio_text: str
    metric: str = ""
    verdict: Verdict | None = None


@dataclass(frozen=True)
class ClaimResult:
    """A bullet of the document's lists with its verdict."""

    claim: DocClaim
    verdict: Verdict


@dataclass(frozen=True)
class Comparison:
    """The filled table for one model.

    Attributes:
        model: Catalog id.
        train, infer: The summaries used (either may be ``None``).
        rows: One :class:`ComparisonRow` per document row.
        claims: One :class:`ClaimResult` per bullet of the document's lists.
    """

    model: str
    train: Summary | None
    infer: Summary | None
    rows: list[ComparisonRow] = field(default_factory=list)
    claims: list[ClaimResult] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Stable JSON form (``trainfer compare --json``)."""
        return {
            "model": self.model,
            "train": self.train.to_dict() if self.train else None,
            "infer": self.infer.to_dict() if self.infer else None,
            "rows": [
                {
                    "id": r.id,
                    "table": r.table,
                    "aspect": r.aspect,
                    "document": {"train": r.doc_train, "infer": r.doc_infer},
                    "measured": {"train": r.measured_train, "infer": r.measured_infer},
                    "ratio": r.ratio,
                    "ratio_text": r.ratio_text,
                    "metric": r.metric,
                    "verdict": r.verdict.to_dict() if r.verdict else None,
                }
                for r in self.rows
            ],
            "claims": [
                {"id": c.claim.id, "mode": c.claim.mode, "text": c.claim.text,
                 "verdict": c.verdict.to_dict()}
                for c in self.claims
            ],
        }


# ---- per-row measurements ---------------------------------------------------------------


def _unit(s: Summary) -> str:
    return "tokens" if s.tokens_per_s is not None else s.sample_unit


def _rate(s: Summary) -> str:
    if s.tokens_per_s is not None:
        return fmt_num(s.tokens_per_s, "tokens/s")
    return fmt_num(s.samples_per_s, f"{s.sample_unit}/s")


def _ms_per_sample(s: Summary) -> float | None:
    return 1000.0 / s.samples_per_s if s.samples_per_s else None


def _on_gpu(s: Summary) -> bool:
    return s.device.startswith("cuda")


def _cost_ratio(
    train: Summary | None,
    infer: Summary | None,
    get: Callable[[Summary], float | None],
    noun: str,
) -> tuple[float | None, str]:
    a = get(train) if train else None
    b = get(infer) if infer else None
    if a is None or b is None or b == 0:
        return None, NA
    r = a / b
    if r >= 0.95:
        return r, f"training: {fmt_ratio(r)} the {noun} of inference"
    return r, f"training: {fmt_ratio(r)} the {noun} of inference (inference costs more)"


def _change_text(s: Summary) -> str:
    """``"‖Δθ‖₂ 17.5 (47% of ‖θ‖₂)"``, or ``""`` when not measured."""
    if s.param_change_l2 is None:
        return ""
    if s.param_change_l2 == 0:
        return "‖Δθ‖₂ = 0"
    rel = f" ({fmt_share(s.param_change_rel)} of ‖θ‖₂)" if s.param_change_rel is not None else ""
    return f"‖Δθ‖₂ {s.param_change_l2:.3g}{rel}"


def heldout_text(s: Summary) -> str:
    """``"held-out accuracy 75% (chance 10%, 64 samples, trained weights)"`` or ``""``."""
    if s.heldout_accuracy is None:
        return ""
    unit = "tokens" if s.tokens_per_s is not None else s.sample_unit
    chance = f"chance {fmt_share(s.heldout_chance)}, " if s.heldout_chance is not None else ""
    n = f"{s.heldout_predictions:,} {unit}" if s.heldout_predictions else ""
    if s.mode == "train":
        whose = "after training"
    elif s.weights_from:
        whose = "trained weights"
    else:
        whose = "random weights: no training run of this model to load"
    return f"held-out accuracy {fmt_share(s.heldout_accuracy)} ({chance}{n}; {whose})"


def _objective(s: Summary) -> str:
    change = _change_text(s)
    acc = heldout_text(s)
    if s.mode == "train":
        parts = [f"weights {'changed' if s.weights_changed else 'UNCHANGED'}"
                 + (f": {change}" if change else "")]
        if s.loss_first is not None and s.loss_last is not None:
            parts.append(f"loss {s.loss_first:.3f} → {s.loss_last:.3f}")
        if acc:
            parts.append(acc)
        return "; ".join(parts)
    n = s.measured_steps * s.batch_size
    parts = [f"weights {'CHANGED' if s.weights_changed else 'unchanged'}"
             + (f" ({change})" if change else ""),
             f"{n:,} {s.sample_unit} predicted"]
    if acc:
        parts.append(acc)
    return "; ".join(parts)


def _key_ops(s: Summary) -> str:
    step = f"{fmt_num(s.step_ms_median, 'ms')}/step (median, batch {s.batch_size})"
    split = step_split(s) if s.mode == "train" else None
    if split is not None:
        return (
            f"forward+loss {fmt_num(split.forward_ms, 'ms')} + backward "
            f"{fmt_num(split.backward_ms, 'ms')} + optimizer "
            f"{fmt_num(split.optimizer_ms, 'ms')} = {fmt_num(split.step_ms, 'ms')}/step "
            f"({split.statistic}s, batch {s.batch_size})"
        )
    if s.mode == "train":
        return f"forward + loss + backward + optimizer: {step}"
    if s.step_ms_mean is not None:  # the mean, as the training split beside it
        return f"forward only: {fmt_num(s.step_ms_mean, 'ms')}/step (mean, batch {s.batch_size})"
    return f"forward only: {step}"


def _flops_per_sample(s: Summary) -> float | None:
    return s.flops_per_step / s.batch_size if s.flops_per_step else None


def _complexity(s: Summary) -> str:
    per = _flops_per_sample(s)
    flops = f"{fmt_num(per / 1e9 if per else None, 'GFLOP')}/{s.sample_unit.rstrip('s')}"
    tf = f", {fmt_num(s.tflops_per_s, 'TFLOP/s')}" if s.tflops_per_s else ""
    mfu = f", MFU {s.mfu_pct:.0f}%" if s.mfu_pct is not None else ""
    return f"{flops}{tf}{mfu}; {fmt_num(_ms_per_sample(s), 'ms')}/{s.sample_unit.rstrip('s')}"


def _memory(s: Summary) -> str:
    what = ("peak allocated" if s.peak_mem_source == "cuda_max_allocated"
            else "peak RSS growth")
    text = f"{fmt_bytes(s.peak_mem_bytes)} {what}"
    if s.mem_params_bytes is not None:
        text += (
            f" (parameters {fmt_bytes(s.mem_params_bytes)}, gradients "
            f"{fmt_bytes(s.mem_grads_bytes)}, optimizer state "
            f"{fmt_bytes(s.mem_optimizer_bytes)}, inputs {fmt_bytes(s.mem_inputs_bytes)}, "
            f"activations {fmt_bytes(s.mem_activations_bytes)}"
            + (f", other {fmt_bytes(s.mem_other_bytes)}" if s.mem_other_bytes is not None
               else "") + ")"
        )
    return text


def _gpu_util(s: Summary) -> str:
    if _on_gpu(s) and s.mean_gpu_util_pct is not None:
        text = f"{s.mean_gpu_util_pct:.0f}% NVML utilization"
        if s.mean_sm_activity_pct is not None:
            text += f", SM activity {s.mean_sm_activity_pct:.0f}%"
        if s.mean_tensor_activity_pct is not None:
            text += f", Tensor Cores {s.mean_tensor_activity_pct:.0f}%"
        return text
    cpu = f"; CPU {s.mean_cpu_util_pct:.0f}%" if s.mean_cpu_util_pct is not None else ""
    if not _on_gpu(s):
        return f"N/A: ran on the CPU{cpu}"
    return f"N/A: {s.telemetry_note or 'no GPU telemetry'}{cpu}"


def _optimizations(s: Summary) -> str:
    prec = {
        "fp32": "fp32 (TF32 off)",
        "tf32": "TF32 matmuls",
        "bf16": "bf16 autocast (mixed precision)",
        "fp16": "fp16 autocast (mixed precision)",
    }[s.precision]
    return f"{prec}, batch {s.batch_size}"


def _data_flow(s: Summary) -> str:
    return f"batch {s.batch_size} made on the device, {_rate(s)}"


def _energy(s: Summary) -> str:
    if s.energy_j is None and not _on_gpu(s):
        return "N/A: ran on the CPU (energy is read from NVIDIA GPUs only)"
    if s.energy_j is None:
        return f"N/A: {s.telemetry_note or 'no energy reading'}"
    per = (
        f"{fmt_energy(s.energy_per_token_j)}/token"
        if s.energy_per_token_j is not None
        else f"{fmt_energy(s.energy_per_sample_j)}/{s.sample_unit.rstrip('s')}"
    )
    est = " (estimated)" if s.energy_source == "estimated_from_power" else ""
    power = f"mean {fmt_num(s.mean_power_w, 'W')}"
    if s.mean_power_instant_w is not None:
        power += f" (1 s average), {fmt_num(s.mean_power_instant_w, 'W')} instant"
    return f"{per}{est}, {power}"


_ROWS: dict[str, tuple[Callable[[Summary], str], str, Callable[[Summary], float | None], str]] = {
    "objective": (_objective, "", lambda s: None, ""),
    "key_operations": (_key_ops, "ms_per_sample", _ms_per_sample, "time per sample"),
    "computational_complexity": (
        _complexity, "flops_per_sample", _flops_per_sample, "FLOPs per sample"
    ),
    "memory_use": (_memory, "peak_mem_bytes", lambda s: s.peak_mem_bytes, "peak memory"),
    "gpu_utilization": (
        _gpu_util,
        "mean_gpu_util_pct",
        lambda s: s.mean_gpu_util_pct if _on_gpu(s) else None,
        "GPU utilization",
    ),
    "specific_optimizations": (_optimizations, "", lambda s: None, ""),
    "data_flow": (_data_flow, "", lambda s: None, ""),  # a batch size is not a cost
    "energy_consumption": (
        _energy,
        "energy_per_sample_j",
        lambda s: s.energy_per_sample_j,
        "energy per sample",
    ),
}


def _energy_ratio_text(train: Summary, infer: Summary, base: str) -> str:
    """Say both energy per sample and power: they can disagree.

    DESIGN.md: on an H200, ResNet-50 inference drew 676 W against 624 W for training yet
    used 3.2× less energy per image.
    """
    if train.mean_power_w is None or infer.mean_power_w is None:
        return base
    return (
        f"{base}; mean power {fmt_num(train.mean_power_w, 'W')} (training) vs "
        f"{fmt_num(infer.mean_power_w, 'W')} (inference)"
    )


def build(train: Summary | None, infer: Summary | None) -> Comparison:
    """Fill the document's rows with measurements.

    Args:
        train: Summary of a training run, or ``None`` if none ran yet.
        infer: Summary of an inference run of the same model, or ``None``.

    Raises:
        ValueError: The summaries are of different models, or of the wrong modes.
    """
    if train is not None and train.mode != "train":
        raise ValueError("the first summary must be of a training run")
    if infer is not None and infer.mode != "infer":
        raise ValueError("the second summary must be of an inference run")
    if train is not None and infer is not None and train.model != infer.model:
        raise ValueError(f"cannot compare {train.model} with {infer.model}")
    model = train.model if train else infer.model if infer else ""
    rows = []
    for doc in load_document():
        describe, metric, get, noun = _ROWS[doc.id]
        ratio, ratio_text = (None, NA)
        if noun:
            ratio, ratio_text = _cost_ratio(train, infer, get, noun)
        if doc.id == "energy_consumption" and train and infer and ratio is not None:
            ratio_text = _energy_ratio_text(train, infer, ratio_text)
        rows.append(
            ComparisonRow(
                id=doc.id,
                table=doc.table,
                aspect=doc.aspect,
                doc_train=doc.train,
                doc_infer=doc.infer,
                measured_train=describe(train) if train else "not run yet",
                measured_infer=describe(infer) if infer else "not run yet",
                ratio=ratio,
                ratio_text=ratio_text,
                metric=metric,
                verdict=ROW_VERDICTS[doc.id](train, infer),
            )
        )
    claims = [ClaimResult(c, CLAIM_VERDICTS[c.id](train, infer)) for c in load_claims()]
    return Comparison(model, train, infer, rows, claims)
