"""The comparison: the document's table rows beside what was measured.

The rows and their text (Portuguese as written, English translation) are data
(:mod:`engine.claims.document`); this module maps each row to measurements from a
training and an inference :class:`~engine.core.events.Summary` of the same model,
computes a ratio and asks :mod:`engine.claims.verdicts` for the verdict. Ratios are
``training / inference`` of a cost (time per sample, memory, energy per sample,
utilization), so a value above 1 means training costs more.

Every cell is typed: a message of the catalogue whose parameters are the measured
quantities (:mod:`engine.core.values`), and the row's compared metric as a
:class:`~engine.core.values.Quantity` on each side; :func:`engine.core.format.text`
makes the words.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from engine.claims.document import DocClaim, Text, load_claims, load_document
from engine.claims.evidence import (
    NO_EVIDENCE,
    Evidence,
    Need,
    differences,
    loader_workers,
    not_comparable_msg,
)
from engine.claims.verdicts import (
    CLAIM_VERDICTS,
    CONFIRMED,
    NOT_CONFIRMED,
    NOT_MEASURABLE,
    ROW_VERDICTS,
    Verdict,
    item,
)
from engine.core.events import Summary
from engine.core.values import (
    Msg,
    Quantity,
    count,
    flop,
    joules,
    millis,
    msg,
    nbytes,
    number,
    percent,
    rate,
    ratio,
    share,
    singular,
    tflops,
    to_plain,
    watts,
)


@dataclass(frozen=True)
class ComparisonRow:
    """A document row with measurements.

    Attributes:
        id, table, aspect: As in :class:`~engine.claims.document.DocRow`.
        doc_train, doc_infer: The document's text per language.
        measured_train, measured_infer: What was measured (or why it cannot be).
        ratio: ``training / inference`` of the row's metric, or ``None``.
        ratio_msg: The ratio in words (``None``: no ratio).
        metric: Name of the metric the ratio compares (``"ms_per_sample"`` ...), or ``""``.
        verdict: Whether the measurements support the row (:mod:`engine.claims.verdicts`).
        value_train, value_infer: The compared metric on each side (``None``: no metric).
    """

    id: str
    table: str
    aspect: Text
    doc_train: Text
    doc_infer: Text
    measured_train: Msg
    measured_infer: Msg
    ratio: float | None
    ratio_msg: Msg | None
    metric: str = ""
    verdict: Verdict | None = None
    value_train: Quantity | None = None
    value_infer: Quantity | None = None

    @property
    def ratio_text(self) -> str:
        """:attr:`ratio_msg` in English (``N/A`` without a ratio)."""
        from engine.core.format import text

        return text(self.ratio_msg)


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
        differences: The settings in which ``train`` and ``infer`` differ
            (:func:`engine.claims.evidence.differences`; ``()``: comparable).
        evidence: The other runs of the model the verdicts were judged on.
    """

    model: str
    train: Summary | None
    infer: Summary | None
    rows: list[ComparisonRow] = field(default_factory=list)
    claims: list[ClaimResult] = field(default_factory=list)
    differences: tuple[str, ...] = ()
    evidence: Evidence = NO_EVIDENCE

    @property
    def comparable(self) -> bool:
        """The pair differs in the mode alone (or a side is missing)."""
        return not self.differences

    def verdicts(self) -> list[Verdict]:
        """Every verdict: the rows', then the lists' claims'."""
        return [r.verdict for r in self.rows if r.verdict] + [c.verdict for c in self.claims]

    def counts(self) -> dict[str, int]:
        """How many verdicts have each status (``confirmed``, ``not_confirmed`` ...)."""
        out = {CONFIRMED: 0, NOT_CONFIRMED: 0, NOT_MEASURABLE: 0}
        for v in self.verdicts():
            out[v.status] += 1
        return out

    def needs(self) -> list[Need]:
        """The runs that would test the claims this comparison cannot, once each."""
        seen: dict[str, Need] = {}
        for v in self.verdicts():
            for n in v.needs:
                seen.setdefault(n.key, n)
        return list(seen.values())

    def title(self) -> Msg:
        """``Training vs inference: resnet18 on cpu (AMD EPYC), fp32`` (and its ranks)."""
        s = self.train or self.infer
        if s is None:
            return msg("compare.title", model=self.model)
        title = msg("compare.title_on", model=self.model, device=s.device,
                    device_name=s.device_name, precision=s.precision)
        if s.world_size > 1:  # rates add up every rank; memory and step times are rank 0's
            return msg("compare.title_ranks", title=title, ranks=s.world_size)
        return title

    def to_dict(self) -> dict[str, Any]:
        """Stable JSON form (``trainfer compare --json``): English text and typed values."""
        from engine.core.format import text

        return {
            "model": self.model,
            "comparable": self.comparable,
            "differences": list(self.differences),
            "counts": self.counts(),
            "needs": [n.key for n in self.needs()],
            "evidence_runs": len(self.evidence.runs),
            "train": self.train.to_dict() if self.train else None,
            "infer": self.infer.to_dict() if self.infer else None,
            "rows": [
                {
                    "id": r.id,
                    "table": r.table,
                    "aspect": r.aspect,
                    "document": {"train": r.doc_train, "infer": r.doc_infer},
                    "measured": {"train": text(r.measured_train),
                                 "infer": text(r.measured_infer)},
                    "cells": {"train": to_plain(r.measured_train),
                              "infer": to_plain(r.measured_infer)},
                    "values": {"train": to_plain(r.value_train),
                               "infer": to_plain(r.value_infer)},
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


def _ms_per_sample(s: Summary) -> float | None:
    return 1000.0 / s.samples_per_s if s.samples_per_s else None


def change_msg(s: Summary) -> Msg | None:
    """``‖Δθ‖₂ 17.5 (47% of ‖θ‖₂)``, or ``None`` when not measured."""
    if s.param_change_l2 is None:
        return None
    if s.param_change_l2 == 0:
        return msg("row.change.zero")
    if s.param_change_rel is None:
        return msg("row.change", l2=number(s.param_change_l2))
    return msg("row.change.rel", l2=number(s.param_change_l2), rel=share(s.param_change_rel))


def heldout_value(s: Summary) -> Msg | None:
    """``75% (chance 10%, 64 images; trained weights)``, or ``None`` when not measured."""
    if s.heldout_accuracy is None:
        return None
    details: list[Any] = []
    if s.heldout_chance is not None:
        details.append(msg("verdict.chance", chance=share(s.heldout_chance)))
    if s.heldout_predictions:
        details.append(count(s.heldout_predictions, s.rate_unit))
    if s.mode == "train":
        whose = msg("row.heldout.after_training")
    elif s.weights_from:
        whose = msg("row.heldout.trained_weights")
    else:
        whose = msg("row.heldout.random_weights")
    if not details:
        return msg("row.heldout.plain", acc=share(s.heldout_accuracy), whose=whose)
    return msg("row.heldout.value", acc=share(s.heldout_accuracy), details=details,
               whose=whose)


def heldout_msg(s: Summary) -> Msg | None:
    """``held-out accuracy 75% (chance 10%, 64 images; trained weights)``, or ``None``."""
    value = heldout_value(s)
    return msg("row.heldout", value=value) if value is not None else None


def _objective(s: Summary) -> Msg:
    change = change_msg(s)
    parts: list[Msg] = []
    if s.mode == "train":
        key = "row.objective.changed" if s.weights_changed else "row.objective.unchanged_train"
        parts.append(msg(key, change=msg("row.objective.colon", change=change) if change
                         else ""))
        if s.loss_first is not None and s.loss_last is not None:
            parts.append(msg("verdict.loss", first=number(s.loss_first, 3),
                             last=number(s.loss_last, 3)))
    else:
        key = "row.objective.changed_infer" if s.weights_changed else "row.objective.unchanged"
        parts.append(msg(key, change=msg("row.objective.paren", change=change) if change
                         else ""))
        parts.append(msg("row.objective.predicted", n=count(s.samples, s.sample_unit)))
    acc = heldout_msg(s)
    if acc is not None:
        parts.append(acc)
    return msg("row.parts", parts=parts)


def _key_ops(s: Summary) -> Msg:
    split = s.step_split() if s.mode == "train" else None
    if split is not None:
        return msg("row.key_ops.split", forward=millis(split.forward_ms),
                   backward=millis(split.backward_ms), optimizer=millis(split.optimizer_ms),
                   step=millis(split.step_ms), stats=msg(f"stat.{split.statistic}s"),
                   batch=s.batch_size)
    if s.mode == "train":
        return msg("row.key_ops.train", step=millis(s.step_ms_median), batch=s.batch_size)
    if s.step_ms_mean is not None:  # the mean, as the training split beside it
        return msg("row.key_ops.forward", step=millis(s.step_ms_mean), stat=msg("stat.mean"),
                   batch=s.batch_size)
    return msg("row.key_ops.forward", step=millis(s.step_ms_median), stat=msg("stat.median"),
               batch=s.batch_size)


def _complexity(s: Summary) -> Msg:
    per = singular(s.sample_unit)
    return msg("row.complexity", flops=flop(s.flops_per_sample, per),
               tflops=msg("row.complexity.tflops", tflops=tflops(s.tflops_per_s))
               if s.tflops_per_s else "",
               mfu=msg("row.complexity.mfu", mfu=percent(s.mfu_pct))
               if s.mfu_pct is not None else "",
               ms=millis(_ms_per_sample(s), per))


def _memory(s: Summary) -> Msg:
    what = msg("row.memory.allocated" if s.peak_mem_source == "cuda_max_allocated"
               else "row.memory.rss")
    split: Msg | str = ""
    if s.mem_params_bytes is not None:
        split = msg("row.memory.split", params=nbytes(s.mem_params_bytes),
                    grads=nbytes(s.mem_grads_bytes), optimizer=nbytes(s.mem_optimizer_bytes),
                    inputs=nbytes(s.mem_inputs_bytes),
                    activations=nbytes(s.mem_activations_bytes),
                    other=msg("row.memory.other", other=nbytes(s.mem_other_bytes))
                    if s.mem_other_bytes is not None else "")
    return msg("row.memory", peak=nbytes(s.peak_mem_bytes), what=what, split=split)


def _gpu_util(s: Summary) -> Msg:
    cpu = (msg("row.gpu.cpu", cpu=percent(s.mean_cpu_util_pct))
           if s.mean_cpu_util_pct is not None else "")
    if s.on_gpu and s.mean_gpu_util_pct is not None:
        return msg("row.gpu", util=percent(s.mean_gpu_util_pct),
                   sm=msg("row.gpu.sm", sm=percent(s.mean_sm_activity_pct))
                   if s.mean_sm_activity_pct is not None else "",
                   tensor=msg("row.gpu.tensor", tensor=percent(s.mean_tensor_activity_pct))
                   if s.mean_tensor_activity_pct is not None else "")
    if not s.on_gpu:
        return msg("row.gpu.na_cpu", cpu=cpu)
    return msg("row.gpu.na", note=s.telemetry_note_msg or s.telemetry_note
               or msg("row.gpu.no_telemetry"), cpu=cpu)


def _optimizations(s: Summary) -> Msg:
    return msg("row.optimizations", precision=msg(f"precision.{s.precision}"),
               batch=s.batch_size)


def _data_flow(s: Summary) -> Msg:
    return msg("row.data_flow", batch=s.batch_size, rate=rate(s.rate, s.rate_unit))


def _energy(s: Summary) -> Msg:
    if s.energy_j is None and not s.on_gpu:
        return (msg("row.energy.na_note", note=s.telemetry_note_msg)
                if s.telemetry_note_msg is not None else msg("row.energy.na_cpu"))
    if s.energy_j is None:
        return msg("row.energy.na", note=s.telemetry_note_msg or s.telemetry_note
                   or msg("row.energy.no_reading"))
    per = joules(s.energy_per_unit_j, singular(s.rate_unit))
    power: Msg = msg("row.energy.mean_power", power=watts(s.mean_power_w))
    if s.mean_power_instant_w is not None:
        power = msg("row.energy.both_powers", power=watts(s.mean_power_w),
                    instant=watts(s.mean_power_instant_w))
    label = {"estimated_from_power": msg("row.energy.estimated"),
             "rapl": msg("row.energy.rapl")}.get(s.energy_source or "", "")
    return msg("row.energy", per=per, estimated=label, power=power,
               resets=msg("row.semicolon", part=counter_resets_msg(s))
               if s.energy_counter_resets else "")


def counter_resets_msg(s: Summary) -> Msg | None:
    """``the energy counter reset 1 time during the run; the total carries on``, or ``None``."""
    if not s.energy_counter_resets:
        return None
    return msg("row.energy.resets", n=s.energy_counter_resets)


def _optimizations_beside(s: Summary, evidence: Evidence) -> list[Msg]:
    """The runs beside ``s`` that the optimizations row is judged on."""
    out: list[Msg] = []
    if s.mode == "train":
        for p in ("fp32", "bf16", "fp16"):
            run = evidence.find(s, "train", precision=p)
            if run is not None and run is not s:
                out.append(msg("row.beside.precision", precision=p,
                               rate=rate(run.rate, run.rate_unit),
                               peak=nbytes(run.peak_mem_bytes)))
        return out
    for q in ("int8", "fp8"):
        run = evidence.find(s, "infer", quantize=q)
        if run is not None and run is not s:
            out.append(msg("row.beside.quant", quantize=q, ms=millis(run.step_ms_median)))
    return out + _batch1_beside(s, evidence)


def _batch1_beside(s: Summary, evidence: Evidence) -> list[Msg]:
    one = evidence.find(s, "infer", batch_size=1)
    if one is None or one is s:
        return []
    return [msg("row.beside.batch1", ms=millis(one.step_ms_median),
                tail=millis(one.step_ms_p99 if one.step_ms_p99 is not None
                            else one.step_ms_p95),
                stat="p99" if one.step_ms_p99 is not None else "p95")]


def _data_flow_beside(s: Summary, evidence: Evidence) -> list[Msg]:
    """The DataLoader runs beside a training ``s``, the batch-1 run beside an inference."""
    if s.mode == "infer":
        return _batch1_beside(s, evidence)
    out = []
    for n in (0, loader_workers()):
        run = evidence.find(s, "train", loader_workers=n)
        if run is not None and run is not s:
            out.append(msg("row.beside.loader", n=n, rate=rate(run.rate, run.rate_unit)))
    return out


@dataclass(frozen=True)
class _RowSpec:
    """How one document row is measured."""

    describe: Callable[[Summary], Msg]
    metric: str = ""
    get: Callable[[Summary], float | None] | None = None
    noun: str = ""  # message id of what the ratio compares
    value: Callable[[Summary, float | None], Quantity] | None = None
    beside: Callable[[Summary, Evidence], list[Msg]] | None = None
    """The other runs of the model this row is also judged on (after completion)."""

    def cell(self, s: Summary | None, evidence: Evidence) -> Msg:
        """What was measured on one side, with the runs beside it."""
        if s is None:
            return msg("row.not_run")
        main = self.describe(s)
        more = self.beside(s, evidence) if self.beside is not None else []
        return msg("row.with_evidence", main=main, beside=more) if more else main


ROWS: dict[str, _RowSpec] = {
    "objective": _RowSpec(_objective),
    "key_operations": _RowSpec(_key_ops, "ms_per_sample", _ms_per_sample,
                               "row.noun.time_per_sample",
                               lambda s, v: millis(v, singular(s.sample_unit))),
    "computational_complexity": _RowSpec(
        _complexity, "flops_per_sample", lambda s: s.flops_per_sample,
        "row.noun.flops_per_sample", lambda s, v: flop(v, singular(s.sample_unit))),
    "memory_use": _RowSpec(_memory, "peak_mem_bytes", lambda s: s.peak_mem_bytes,
                           "row.noun.peak_memory", lambda _s, v: nbytes(v)),
    "gpu_utilization": _RowSpec(
        _gpu_util, "mean_gpu_util_pct", lambda s: s.mean_gpu_util_pct if s.on_gpu else None,
        "row.noun.gpu_util", lambda _s, v: percent(v)),
    "specific_optimizations": _RowSpec(_optimizations, beside=_optimizations_beside),
    "data_flow": _RowSpec(_data_flow, beside=_data_flow_beside),  # a batch is not a cost
    "energy_consumption": _RowSpec(
        _energy, "energy_per_sample_j", lambda s: s.energy_per_sample_j,
        "row.noun.energy_per_sample", lambda s, v: joules(v, singular(s.sample_unit))),
}
"""Document row id -> its describer, the metric of its ratio and how that is shown."""


def _cost_ratio(train: Summary | None, infer: Summary | None,
                spec: _RowSpec) -> tuple[float | None, Msg | None]:
    if spec.get is None:
        return None, None
    a = spec.get(train) if train else None
    b = spec.get(infer) if infer else None
    if a is None or b is None or b == 0:
        return None, None
    r = a / b
    key = "row.ratio" if r >= 0.95 else "row.ratio.inference_more"
    return r, msg(key, ratio=ratio(r), what=msg(spec.noun))


def build(train: Summary | None, infer: Summary | None,
          evidence: Evidence = NO_EVIDENCE) -> Comparison:
    """Fill the document's rows with measurements.

    Args:
        train: Summary of a training run, or ``None`` if none ran yet.
        infer: Summary of an inference run of the same model, or ``None``.
        evidence: Other runs of the model, for the claims one pair cannot test (mixed
            precision, batch 1, quantization; :mod:`engine.claims.verdicts`).

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
    diffs = tuple(differences(train, infer)) if train and infer else ()
    rows = []
    for doc in load_document():
        spec = ROWS[doc.id]
        judge = ROW_VERDICTS[doc.id]
        value, r_msg = _cost_ratio(train, infer, spec)
        unlike = differences(train, infer, judge.allow) if train and infer else []
        if unlike and r_msg is not None:
            assert train is not None and infer is not None
            value, r_msg = None, not_comparable_msg(train, infer, unlike)
        if doc.id == "energy_consumption" and train and infer and r_msg is not None and (
                train.mean_power_w is not None and infer.mean_power_w is not None):
            # DESIGN.md: on an H200, ResNet-50 inference drew 676 W against 624 W for
            # training yet used 3.2× less energy per image: say both.
            r_msg = msg("row.ratio.with_power", ratio=r_msg, train=watts(train.mean_power_w),
                        infer=watts(infer.mean_power_w))

        def metric(s: Summary | None, spec: _RowSpec = spec) -> Quantity | None:
            if s is None or spec.get is None or spec.value is None:
                return None
            return spec.value(s, spec.get(s))

        rows.append(ComparisonRow(
            id=doc.id, table=doc.table, aspect=doc.aspect, doc_train=doc.train,
            doc_infer=doc.infer,
            measured_train=spec.cell(train, evidence),
            measured_infer=spec.cell(infer, evidence),
            ratio=value, ratio_msg=r_msg, metric=spec.metric,
            verdict=judge(train, infer, evidence),
            value_train=metric(train), value_infer=metric(infer)))
    claims = [ClaimResult(c, CLAIM_VERDICTS[c.id](train, infer, evidence))
              for c in load_claims()]
    return Comparison(model, train, infer, rows, claims, diffs, evidence)


def headline(cmp: Comparison) -> Msg:
    """The count of verdicts: *k of n confirmed, m not measurable here, j not confirmed*.

    Over the rows and the lists' claims (DESIGN.md: headlines count), with what the pair
    differs in, if anything.
    """
    c = cmp.counts()
    line = msg("compare.headline", confirmed=c[CONFIRMED], n=sum(c.values()),
               unmeasured=c[NOT_MEASURABLE], refuted=c[NOT_CONFIRMED])
    if cmp.differences and cmp.train is not None and cmp.infer is not None:
        return msg("compare.headline_unlike", headline=line,
                   unlike=not_comparable_msg(cmp.train, cmp.infer, cmp.differences))
    return line


__all__ = ["ClaimResult", "Comparison", "ComparisonRow", "ROWS", "build", "change_msg",
           "headline", "heldout_msg", "heldout_value", "item"]
