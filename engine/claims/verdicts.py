"""Verdicts: does a pair of runs support each claim of the document?

Every row of the document's tables and every bullet of its two lists gets a
:class:`Verdict` from a training and an inference :class:`~engine.core.events.Summary` of
the same model:

  * ``confirmed``: the measurements agree with the claim by at least 5 %
    (:data:`MARGIN`); the message gives the measured factor;
  * ``not_confirmed``: they do not (here, with these settings); the message gives both
    numbers, and where a setting would change the outcome it says which;
  * ``not_measurable``: this device or this pair of runs cannot tell (no NVIDIA GPU for
    power and utilization, a mode not run yet, a claim that needs an experiment).

A verdict says *confirmed* only when the measurement tests the claim as the document
states it. Claims about one of the pair's settings (mixed precision against fp32, batch 1
against a large batch, int8 against the unquantized model) are judged on the other runs of
the same model (:class:`~engine.claims.evidence.Evidence`); when a run they need is
missing, the verdict is *not measurable* and names it (:attr:`Verdict.needs`). A claim
with two halves (the GPU is very busy in training / can be less busy in inference) judges
each half on its own words and says which holds. A pair that differs in more than the mode
(:func:`engine.claims.evidence.differences`) is *not comparable* for every row that
compares the two.

The verdict follows the numbers, never the text: a claim is judged on the summaries
given, whatever the document says. Its words are a message of the catalogue with the
measured values as typed parameters (:mod:`engine.core.values`).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from engine.claims.evidence import (
    NO_EVIDENCE,
    Evidence,
    Need,
    differences,
    loader_workers,
    need,
    not_comparable_msg,
)
from engine.core.events import Summary
from engine.core.values import (
    Msg,
    Quantity,
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
    to_plain,
    watts,
)

MARGIN = 1.05
CONFIRMED, NOT_CONFIRMED, NOT_MEASURABLE = "confirmed", "not_confirmed", "not_measurable"
STATUSES = (CONFIRMED, NOT_CONFIRMED, NOT_MEASURABLE)


@dataclass(frozen=True)
class Verdict:
    """The judgement of one claim.

    Attributes:
        status: ``"confirmed"``, ``"not_confirmed"`` or ``"not_measurable"``.
        message: One or two sentences with the numbers, as a message of the catalogue.
        factor: The measured factor behind the verdict (training / inference of a cost,
            or inference / training of a benefit; for the key operations, a training
            step's time over its own forward pass), or ``None``.
        needs: The runs that would test the claim when they are missing (``()``: none
            missing); :func:`engine.claims.compare.plan_completion` runs them.
    """

    status: str
    message: Msg
    factor: float | None = None
    needs: tuple[Need, ...] = ()

    @property
    def text(self) -> str:
        """:attr:`message` in English."""
        from engine.core.format import text

        return text(self.message)

    def to_dict(self) -> dict[str, Any]:
        """Plain dict (``--json``): status, English text, factor and the message."""
        return {"status": self.status, "text": self.text, "factor": self.factor,
                "message": to_plain(self.message), "needs": [n.key for n in self.needs]}


def mode_word(mode: str) -> Msg:
    """``"training"`` or ``"inference"``."""
    return msg("mode.training" if mode == "train" else "mode.inference")


def item(s: Summary) -> Msg:
    """One of ``s``'s samples, as a noun (``image``, ``token``)."""
    return msg(f"item.{singular(s.rate_unit)}")


def _missing(train: Summary | None, infer: Summary | None) -> Verdict | None:
    if train is None or infer is None:
        return _not_yet("train", infer) if train is None else _not_yet("infer", train)
    return None


def _not_yet(mode: str, other: Summary | None) -> Verdict:
    """Not measurable until a run in ``mode`` exists (it is needed when ``other`` does)."""
    return Verdict(NOT_MEASURABLE, msg("verdict.not_yet", which=mode_word(mode)),
                   needs=(need(mode),) if other is not None else ())


def _no_gpu(s: Summary, what: Msg) -> Verdict:
    if not s.on_gpu:
        return Verdict(NOT_MEASURABLE, msg("verdict.gpu_only", what=what))
    note = s.telemetry_note_msg or s.telemetry_note or what
    return Verdict(NOT_MEASURABLE, msg("verdict.no_reading_note", note=note))


def _more(
    train: Summary | None, infer: Summary | None, get: Callable[[Summary], float | None],
    noun: Msg, value: Callable[[float | None], Quantity], more: Msg,
) -> Verdict:
    """Claim: training has more of ``get`` than inference (``more`` says of what)."""
    missing = _missing(train, infer)
    if missing:
        return missing
    assert train is not None and infer is not None
    a, b = get(train), get(infer)
    if a is None or b is None or b <= 0:
        return Verdict(NOT_MEASURABLE, msg("verdict.no_reading", what=noun))
    r = a / b
    numbers = {"train": value(a), "infer": value(b), "ratio": ratio(r)}
    if r >= MARGIN:
        return Verdict(CONFIRMED, msg("verdict.more.confirmed", what=more, **numbers), r)
    return Verdict(NOT_CONFIRMED, msg("verdict.more.not_confirmed", **numbers), r)


def loss_msg(s: Summary) -> Msg:
    """``loss 2.300 → 0.412`` (first and last measured step), or "no loss"."""
    if s.loss_first is None or s.loss_last is None:
        return msg("verdict.no_loss")
    return msg("verdict.loss", first=number(s.loss_first, 3), last=number(s.loss_last, 3))


def objective(train: Summary | None, infer: Summary | None) -> Verdict:
    """Training adjusts the weights; inference uses them unchanged to predict.

    Weights count as changed when the float64 checksum or ``‖Δθ‖₂`` moved; the held-out
    accuracy (when measured) is quoted, and whether inference used the trained weights.
    """
    missing = _missing(train, infer)
    if missing:
        return missing
    assert train is not None and infer is not None
    fell = (train.loss_first is not None and train.loss_last is not None
            and train.loss_last < train.loss_first)
    moved = infer.param_change_l2
    infer_changed = infer.weights_changed or (moved is not None and math.isfinite(moved)
                                              and moved > 0)
    if train.weights_changed and fell and not infer_changed:
        change = (msg("verdict.objective.change", l2=number(train.param_change_l2))
                  if train.param_change_l2 is not None else "")
        return Verdict(CONFIRMED, msg("verdict.objective.confirmed", change=change,
                                      loss=loss_msg(train),
                                      prediction=_prediction(train, infer)))
    problems = []
    if not train.weights_changed:
        problems.append(msg("verdict.objective.train_unchanged"))
    if not fell:
        problems.append(msg("verdict.objective.loss_flat", loss=loss_msg(train)))
    if infer_changed:
        problems.append(msg("verdict.objective.infer_changed"))
    return Verdict(NOT_CONFIRMED, msg("verdict.objective.not_confirmed", problems=problems))


THIS_TRAINING, OTHER_TRAINING, SOME_TRAINING, RANDOM = (
    "this training", "another training", "some training", "random")


def weights_used(train: Summary | None, infer: Summary) -> str:
    """Whose weights ``infer`` predicted with, seen from the training run ``train``.

    Returns:
        ``THIS_TRAINING`` (the file ``train`` saved: the ids match), ``OTHER_TRAINING``
        (a file another training run saved), ``SOME_TRAINING`` (trained weights from a
        file without an id: an older version's) or ``RANDOM`` (the seed's random
        initialization).
    """
    if not infer.weights_from:
        return RANDOM
    if not infer.weights_from_id:
        return SOME_TRAINING
    if train is not None and infer.weights_from_id == train.saved_weights_id:
        return THIS_TRAINING
    return OTHER_TRAINING


def weights_source(s: Summary) -> Msg | str:
    """Where ``s``'s weights came from, as a message (a string for older records)."""
    return s.weights_from_msg or s.weights_from


def _prediction(train: Summary, infer: Summary) -> Msg | str:
    """What inference's predictions were worth on held-out data (``""``: not measured)."""
    if infer.heldout_accuracy is None:
        return ""
    acc = share(infer.heldout_accuracy)
    chance = (msg("verdict.chance_paren", chance=share(infer.heldout_chance))
              if infer.heldout_chance else "")
    used = weights_used(train, infer)
    if used == THIS_TRAINING:
        return msg("verdict.predicted.this", acc=acc, chance=chance)
    if used == SOME_TRAINING:
        return msg("verdict.predicted.some", acc=acc, chance=chance,
                   weights=weights_source(infer))
    if used == OTHER_TRAINING:
        return msg("verdict.predicted.other", acc=acc, chance=chance,
                   weights=weights_source(infer))
    why = []
    if infer.heldout_chance:
        why.append(msg("verdict.chance", chance=share(infer.heldout_chance)))
    if train.heldout_accuracy is not None:
        why.append(msg("verdict.training_reached", acc=share(train.heldout_accuracy)))
    return msg("verdict.predicted.random", acc=acc,
               why=msg("verdict.paren", inner=why) if why else "")


def key_operations(train: Summary | None, infer: Summary | None) -> Verdict:
    """Training adds backward and an optimizer step to the forward pass."""
    missing = _missing(train, infer)
    if missing:
        return missing
    assert train is not None and infer is not None
    split = train.step_split()
    if split is None:
        return Verdict(NOT_MEASURABLE, msg("verdict.key_ops.no_split"))
    extra = split.backward_ms + split.optimizer_ms
    part = extra / split.step_ms if split.step_ms > 0 else 0.0
    forward = (infer.forward_ms_mean if split.statistic == "mean" else infer.forward_ms_median)
    if forward is None:  # runs recorded before the parts were kept: the whole step
        forward = infer.step_ms_mean if split.statistic == "mean" else infer.step_ms_median
    confirmed = extra > 0 and infer.backward_ms_median is None
    return Verdict(
        CONFIRMED if confirmed else NOT_CONFIRMED,
        msg("verdict.key_ops.confirmed" if extra > 0 else "verdict.key_ops.not_confirmed",
            share=share(part), extra=millis(extra), step=millis(split.step_ms),
            stats=msg(f"stat.{split.statistic}s"), forward=millis(forward),
            stat=msg(f"stat.{split.statistic}")),
        1 / (1 - part) if part < 1 else None,
    )


def complexity(train: Summary | None, infer: Summary | None) -> Verdict:
    """Training costs more computation (the backward pass): FLOPs per sample."""
    per = singular(train.rate_unit) if train is not None else "sample"
    return _more(train, infer, lambda s: s.flops_per_sample, msg("verdict.noun.flops"),
                 lambda v: flop(v, per), msg("verdict.more.flops"))


def memory(train: Summary | None, infer: Summary | None) -> Verdict:
    """Training needs more memory: peak memory of the measured phase."""
    return _more(train, infer, lambda s: s.peak_mem_bytes, msg("verdict.noun.peak_memory"),
                 nbytes, msg("verdict.more.peak_memory"))


HIGH_UTILIZATION_PCT = 90.0
"""NVML utilization at or above which training counts as keeping the GPU "very busy"
(DESIGN.md's H200 reference: 99.8% for ResNet-50 training at batch 256)."""


def _busy(s: Summary) -> tuple[float, str]:
    """How busy ``s`` kept the GPU: SM activity when it was read, else NVML utilization."""
    if s.mean_sm_activity_pct is not None:
        return s.mean_sm_activity_pct, "sm"
    return s.mean_gpu_util_pct or 0.0, "util"


def _combined(parts: list[tuple[Msg, Verdict]]) -> Verdict:
    """One verdict over claims with parts (two halves, two optimizations), each judged.

    Confirmed when every part is; not confirmed when any part is not; otherwise not
    measurable (``partly`` when some part was confirmed). The message gives every part's
    own verdict; the runs any part needs are the combined needs.
    """
    statuses = [v.status for _, v in parts]
    if all(st == CONFIRMED for st in statuses):
        status, key = CONFIRMED, "confirmed"
    elif NOT_CONFIRMED in statuses:
        status, key = NOT_CONFIRMED, "not_confirmed"
    else:
        status = NOT_MEASURABLE
        key = "partly" if CONFIRMED in statuses else "not_measurable"
    needs: dict[str, Need] = {}
    for _, v in parts:
        needs.update((n.key, n) for n in v.needs)
    return Verdict(status, msg(f"verdict.combined.{key}", parts=[
        msg("verdict.part", what=what, verdict=v.message) for what, v in parts]),
        needs=tuple(needs.values()))


def gpu_utilization(train: Summary | None, infer: Summary | None,
                    evidence: Evidence = NO_EVIDENCE) -> Verdict:
    """Training keeps the GPU very busy; inference *can* use it less (for low latency).

    Each half is judged on its own words. Training: NVML utilization of at least
    :data:`HIGH_UTILIZATION_PCT`. Inference: a run that kept the GPU less busy than
    training by :data:`MARGIN` (SM activity when both have it, else NVML utilization):
    the pair's inference, else a batch-1 inference of the same settings from
    ``evidence`` (on an H200, ResNet-50 at batch 1 ran at 32% NVML utilization and 6%
    SM activity, DESIGN.md); without one, that half is not measurable and needs it.
    """
    missing = _missing(train, infer)
    if missing:
        return missing
    assert train is not None and infer is not None
    if not (train.on_gpu and infer.on_gpu) or None in (
        train.mean_gpu_util_pct, infer.mean_gpu_util_pct
    ):
        return _no_gpu(train if not train.on_gpu else infer, msg("verdict.noun.gpu_util"))
    a = train.mean_gpu_util_pct or 0.0
    sm = (msg("verdict.gpu.sm_one", sm=percent(train.mean_sm_activity_pct))
          if train.mean_sm_activity_pct is not None else "")
    if a >= HIGH_UTILIZATION_PCT:
        train_half = Verdict(CONFIRMED, msg("verdict.gpu.train_high", util=percent(a), sm=sm))
    else:
        train_half = Verdict(NOT_CONFIRMED, msg("verdict.gpu.train_low", util=percent(a),
                                                sm=sm, high=percent(HIGH_UTILIZATION_PCT)))
    return _combined([(msg("mode.training"), train_half),
                      (msg("mode.inference"), _inference_lower(train, infer, evidence))])


def _inference_lower(train: Summary, infer: Summary, evidence: Evidence) -> Verdict:
    """The inference half of :func:`gpu_utilization`."""

    def lower(s: Summary) -> tuple[bool, Msg]:
        busy, what = _busy(s)
        base, base_what = _busy(train)
        if what != base_what:  # one of them without SM activity: NVML on both sides
            busy, base, what = s.mean_gpu_util_pct or 0.0, train.mean_gpu_util_pct or 0.0, "util"
        words = msg(f"verdict.gpu.{what}_pair", batch=s.batch_size, infer=percent(busy),
                    train=percent(base))
        return base >= busy * MARGIN, words

    ok, words = lower(infer)
    if ok:
        return Verdict(CONFIRMED, msg("verdict.gpu.infer_lower", numbers=words))
    one = evidence.find(infer, "infer", batch_size=1) if infer.batch_size != 1 else None
    if one is not None and one.on_gpu and one.mean_gpu_util_pct is not None:
        ok1, words1 = lower(one)
        key = "verdict.gpu.infer_lower" if ok1 else "verdict.gpu.infer_busy_b1"
        return Verdict(CONFIRMED if ok1 else NOT_CONFIRMED, msg(key, numbers=words1))
    if infer.batch_size == 1:
        return Verdict(NOT_CONFIRMED, msg("verdict.gpu.infer_busy_b1", numbers=words))
    return Verdict(NOT_MEASURABLE, msg("verdict.gpu.infer_busy", numbers=words),
                   needs=(need("infer", batch_size=1),))


MIXED_PRECISIONS = ("bf16", "fp16")
"""The 16-bit formats of mixed precision (autocast), bf16 first."""


def mixed_vs_fp32(base: Summary, mixed: list[Summary]) -> Verdict:
    """Mixed precision speeds training up **and** saves memory, against fp32.

    The fastest of ``mixed`` (training in bf16 or fp16) against ``base`` (training in
    fp32, same model, batch, device): confirmed when its throughput is higher and its
    peak memory lower, each by :data:`MARGIN`. Tensor Core activity is context, never
    evidence. Used by Compare and by the precision experiment.
    """
    measured = [m for m in mixed if m.rate]
    if not base.rate or not measured:
        return Verdict(NOT_MEASURABLE, msg("xverdict.missing",
                                           what=msg("xverdict.what.precision")))
    best = max(measured, key=lambda m: m.rate or 0.0)
    speed = (best.rate or 0.0) / (base.rate or 1.0)
    saving = (base.peak_mem_bytes / best.peak_mem_bytes
              if base.peak_mem_bytes and best.peak_mem_bytes else None)
    numbers = msg("xverdict.precision", precision=best.precision, rate=rate(best.rate,
                  best.rate_unit), base=rate(base.rate, base.rate_unit), speed=ratio(speed),
                  memory=nbytes(best.peak_mem_bytes), base_memory=nbytes(base.peak_mem_bytes))
    faster, smaller = speed >= MARGIN, saving is not None and saving >= MARGIN
    if faster and smaller:
        return Verdict(CONFIRMED, msg("xverdict.confirmed", numbers=numbers), speed)
    missing = [msg(f"xverdict.{w}") for w, ok in (("faster", faster), ("smaller", smaller))
               if not ok]
    why: Msg | str = ""
    if best.device == "cpu" and not faster:
        why = msg("xverdict.precision.cpu_slow")
    elif best.device == "cpu":
        why = msg("xverdict.precision.cpu_memory")
    return Verdict(NOT_CONFIRMED, msg("xverdict.not_confirmed", numbers=msg(
        "xverdict.precision.not_by", numbers=numbers,
        missing=msg("xverdict.or", a=missing[0], b=missing[1]) if len(missing) == 2
        else missing[0], margin=share(MARGIN - 1)), why=why), speed)


def _needs_verdict(needs: list[Need]) -> Verdict:
    """*Not measured by this pair*: the runs that would test the claim."""
    return Verdict(NOT_MEASURABLE, msg("verdict.needs", runs=[n.title for n in needs]),
                   needs=tuple(needs))


def mixed_precision(train: Summary | None, infer: Summary | None,
                    evidence: Evidence = NO_EVIDENCE) -> Verdict:
    """"Precisão mista frequentemente usada: para acelerar e reduzir uso de memória".

    Training in fp32 against training in bf16 or fp16 with the pair's other settings
    (:func:`mixed_vs_fp32`); the pair's training counts as either side. Without both,
    not measurable, naming the runs that would test it.
    """
    if train is None:
        return _not_yet("train", infer)
    base = evidence.find(train, "train", precision="fp32")
    mixed = [m for p in MIXED_PRECISIONS
             if (m := evidence.find(train, "train", precision=p)) is not None]
    needs = ([need("train", precision="fp32")] if base is None else []) + (
        [need("train", precision="bf16")] if not mixed else [])
    if needs:
        return _needs_verdict(needs)
    assert base is not None
    verdict = mixed_vs_fp32(base, mixed)
    tensor = next((m.mean_tensor_activity_pct for m in mixed
                   if m.mean_tensor_activity_pct is not None), None)
    if tensor is not None:  # context: what the Tensor Cores did, not evidence
        return Verdict(verdict.status, msg("verdict.with_tensor", verdict=verdict.message,
                                           tensor=percent(tensor)), verdict.factor)
    return verdict


QUANTIZED = ("int8", "fp8")


def _energy_pair(fast: Summary, slow: Summary) -> Msg | str:
    """``, 0.043 J/image vs 0.137 J/image`` when both have energy per unit, else ``""``."""
    if fast.energy_per_unit_j is None or slow.energy_per_unit_j is None:
        return ""
    per = singular(fast.rate_unit)
    return msg("verdict.energy_pair", fast=joules(fast.energy_per_unit_j, per),
               slow=joules(slow.energy_per_unit_j, per))


def quantized_vs_unquantized(base: Summary, quantized: Summary) -> Verdict:
    """Quantized inference is faster (latency) and more efficient than unquantized.

    Latency: the median step at the same batch, lower by :data:`MARGIN`. Efficiency:
    energy per sample lower by :data:`MARGIN` where both runs read energy, else the
    weights' memory smaller by :data:`MARGIN` (said so). Both must hold.
    """
    if not base.step_ms_median or not quantized.step_ms_median:
        return Verdict(NOT_MEASURABLE, msg("verdict.no_reading",
                                           what=msg("verdict.noun.step_time")))
    speed = base.step_ms_median / quantized.step_ms_median
    if base.energy_per_unit_j and quantized.energy_per_unit_j:
        gain = base.energy_per_unit_j / quantized.energy_per_unit_j
        efficiency: Msg = msg("verdict.quant.energy", gain=ratio(gain),
                              energy=_energy_pair(quantized, base))
    elif base.mem_params_bytes and quantized.mem_params_bytes:
        gain = base.mem_params_bytes / quantized.mem_params_bytes
        efficiency = msg("verdict.quant.weights", gain=ratio(gain),
                         weights=nbytes(quantized.mem_params_bytes),
                         base=nbytes(base.mem_params_bytes))
    else:
        gain, efficiency = None, msg("verdict.quant.no_efficiency")
    numbers = msg("verdict.quant.numbers", quantize=quantized.quantize,
                  ms=millis(quantized.step_ms_median), base=millis(base.step_ms_median),
                  batch=base.batch_size, speed=ratio(speed), efficiency=efficiency)
    if gain is None and speed >= MARGIN:  # faster, but efficiency was not read
        return Verdict(NOT_MEASURABLE, msg("verdict.quant.partly", numbers=numbers), speed)
    ok = speed >= MARGIN and gain is not None and gain >= MARGIN
    return Verdict(CONFIRMED if ok else NOT_CONFIRMED,
                   msg("verdict.quant.confirmed" if ok else "verdict.quant.not_confirmed",
                       numbers=numbers), speed)


def batch1_vs_large(one: Summary, large: Summary) -> Verdict:
    """Batch 1 answers sooner than a large batch: one request's latency (median step).

    Energy per sample is quoted where measured (a single request usually costs more per
    sample: DESIGN.md's H200 ResNet-50, 0.537 J/image at batch 1 vs 0.043 at batch 256).
    """
    if not one.step_ms_median or not large.step_ms_median:
        return Verdict(NOT_MEASURABLE, msg("verdict.no_reading",
                                           what=msg("verdict.noun.step_time")))
    speed = large.step_ms_median / one.step_ms_median
    numbers = msg("verdict.batch1.numbers", ms=millis(one.step_ms_median),
                  big=large.batch_size, big_ms=millis(large.step_ms_median),
                  speed=ratio(speed), energy=_energy_pair(one, large))
    ok = speed >= MARGIN
    return Verdict(CONFIRMED if ok else NOT_CONFIRMED,
                   msg("verdict.batch1.confirmed" if ok else "verdict.batch1.not_confirmed",
                       numbers=numbers), speed)


def _large_batch(train: Summary | None, infer: Summary) -> int:
    """The large batch batch 1 is weighed against when the pair's inference is batch 1."""
    if train is not None and train.batch_size > 1:
        return train.batch_size
    return 64


def speed_efficiency(train: Summary | None, infer: Summary | None,
                     evidence: Evidence = NO_EVIDENCE) -> Verdict:
    """"Pode ser otimizado para velocidade e eficiência: quantização, batch menor ou unitário".

    Two parts, each judged: int8 (or fp8) inference against the unquantized model
    (:func:`quantized_vs_unquantized`), and batch 1 against a large batch
    (:func:`batch1_vs_large`), with the pair's other settings.
    """
    if infer is None:
        return _not_yet("infer", train)
    return _combined([(msg("verdict.part.quantization"), _quantization_part(infer, evidence)),
                      (msg("verdict.part.batch1"), _batch1_part(train, infer, evidence))])


def _quantization_part(infer: Summary, evidence: Evidence) -> Verdict:
    base = evidence.find(infer, "infer", quantize="none")
    quantized = [q for k in QUANTIZED
                 if (q := evidence.find(infer, "infer", quantize=k)) is not None]
    needs = ([need("infer", quantize="none")] if base is None else []) + (
        [need("infer", quantize="int8")] if not quantized else [])
    if needs:
        return _needs_verdict(needs)
    assert base is not None
    best = min(quantized, key=lambda q: q.step_ms_median or float("inf"))
    return quantized_vs_unquantized(base, best)


def _batch1_part(train: Summary | None, infer: Summary, evidence: Evidence) -> Verdict:
    one = evidence.find(infer, "infer", batch_size=1)
    big = _large_batch(train, infer)
    large = infer if infer.batch_size > 1 else evidence.find(infer, "infer", batch_size=big)
    needs = ([need("infer", batch_size=1)] if one is None else []) + (
        [need("infer", batch_size=big)] if large is None else [])
    if needs:
        return _needs_verdict(needs)
    assert one is not None and large is not None
    return batch1_vs_large(one, large)


def optimizations(train: Summary | None, infer: Summary | None,
                  evidence: Evidence = NO_EVIDENCE) -> Verdict:
    """The "Otimizações específicas" row, each half on its own words.

    Training (mixed precision, Tensor Cores): :func:`mixed_precision`, fp32 against bf16
    in throughput and peak memory. Inference (quantization, batch size 1, kernels):
    :func:`speed_efficiency`. Tensor Core activity alone confirms nothing.
    """
    if train is None and infer is None:
        return Verdict(NOT_MEASURABLE, msg("verdict.not_yet", which=mode_word("train")))
    return _combined([(msg("mode.training"), mixed_precision(train, infer, evidence)),
                      (msg("mode.inference"), speed_efficiency(train, infer, evidence))])


RESPONSE_LIMIT_MS = 100.0
"""A reply within 0.1 s feels immediate: J. Nielsen, *Usability Engineering* (1993),
ch. 5, "Response times: the 3 important limits" (after R. B. Miller, 1968)."""


def latency(train: Summary | None, infer: Summary | None,
            evidence: Evidence = NO_EVIDENCE) -> Verdict:
    """"Inferência costuma ter requisitos de latência baixa (resposta rápida)".

    The latency of one request: an inference at batch 1 with the pair's other settings,
    median and p99 of its steps, beside a training step. Confirmed when the p99 is within
    :data:`RESPONSE_LIMIT_MS` (a reply that feels immediate), i.e. inference here can
    meet a low-latency requirement; a faster step at the same large batch is not evidence.
    """
    base = infer or train
    if base is None:
        return Verdict(NOT_MEASURABLE, msg("verdict.not_yet", which=mode_word("infer")))
    one = evidence.find(base, "infer", batch_size=1)
    if one is None or not one.step_ms_median:
        return _needs_verdict([need("infer", batch_size=1)])
    tail, stat = _batch1_tail(one)
    beside = (msg("verdict.latency.beside", train=millis(train.step_ms_median),
                  batch=train.batch_size) if train is not None and train.step_ms_median
              else "")
    numbers = msg("verdict.latency.numbers", median=millis(one.step_ms_median),
                  tail=millis(tail), stat=stat, beside=beside)
    ok = tail is not None and tail <= RESPONSE_LIMIT_MS
    return Verdict(CONFIRMED if ok else NOT_CONFIRMED,
                   msg("verdict.latency.confirmed" if ok else "verdict.latency.not_confirmed",
                       numbers=numbers, limit=millis(RESPONSE_LIMIT_MS)),
                   RESPONSE_LIMIT_MS / tail if tail else None)


def data_flow(train: Summary | None, infer: Summary | None,
              evidence: Evidence = NO_EVIDENCE) -> Verdict:
    """"Grandes batches, pipelining, DataLoader assíncrono" / "pode processar um dado por vez".

    Training: an asynchronous DataLoader (:func:`~engine.claims.evidence.loader_workers`
    worker processes, pinned memory on a GPU) against loading in the training loop (0
    workers), with the pair's other settings: confirmed when the workers keep training
    fed faster by :data:`MARGIN`. Inference: one item at a time, a batch-1 inference
    answering within :data:`RESPONSE_LIMIT_MS` at the 99th percentile.
    """
    if train is None and infer is None:
        return Verdict(NOT_MEASURABLE, msg("verdict.not_yet", which=mode_word("train")))
    return _combined([(msg("mode.training"), _not_yet("train", infer)
                       if train is None else _async_loader(train, evidence)),
                      (msg("mode.inference"), _one_at_a_time(train, infer, evidence))])


def _async_loader(train: Summary, evidence: Evidence) -> Verdict:
    n = loader_workers()
    pinned = {"pin_memory": True} if train.on_gpu else {}
    serial = evidence.find(train, "train", loader_workers=0)
    workers = evidence.find(train, "train", loader_workers=n, **pinned)
    needs = ([need("train", loader_workers=0)] if serial is None else []) + (
        [need("train", loader_workers=n, **pinned)] if workers is None else [])
    if needs:
        return _needs_verdict(needs)
    assert serial is not None and workers is not None
    if not serial.rate or not workers.rate:
        return Verdict(NOT_MEASURABLE, msg("verdict.no_reading",
                                           what=msg("verdict.noun.throughput")))
    gain = workers.rate / serial.rate
    numbers = msg("verdict.loader.numbers", n=n, workers=rate(workers.rate, workers.rate_unit),
                  serial=rate(serial.rate, serial.rate_unit), gain=ratio(gain),
                  batch=train.batch_size)
    if gain >= MARGIN:
        return Verdict(CONFIRMED, msg("verdict.loader.confirmed", numbers=numbers), gain)
    why = msg("verdict.loader.cpu") if not train.on_gpu else ""
    return Verdict(NOT_CONFIRMED, msg("verdict.loader.not_confirmed", numbers=numbers,
                                      why=why), gain)


def _batch1_tail(one: Summary) -> tuple[float | None, str]:
    """The 99th-percentile step of ``one`` (the 95th for runs recorded before p99)."""
    return (one.step_ms_p99, "p99") if one.step_ms_p99 is not None else (one.step_ms_p95, "p95")


def _one_at_a_time(train: Summary | None, infer: Summary | None,
                   evidence: Evidence) -> Verdict:
    base = infer or train
    assert base is not None
    one = evidence.find(base, "infer", batch_size=1)
    if one is None or not one.step_ms_median:
        return _needs_verdict([need("infer", batch_size=1)])
    tail, stat = _batch1_tail(one)
    numbers = msg("verdict.one.numbers", median=millis(one.step_ms_median), tail=millis(tail),
                  stat=stat, source=msg("verdict.one.loader" if one.loader_workers is not None
                                        else "verdict.one.device"))
    ok = tail is not None and tail <= RESPONSE_LIMIT_MS
    return Verdict(CONFIRMED if ok else NOT_CONFIRMED,
                   msg("verdict.one.confirmed" if ok else "verdict.one.not_confirmed",
                       numbers=numbers, limit=millis(RESPONSE_LIMIT_MS)))


def energy(train: Summary | None, infer: Summary | None) -> Verdict:
    """Training uses more energy: energy per sample, with both powers said."""
    missing = _missing(train, infer)
    if missing:
        return missing
    assert train is not None and infer is not None
    if train.energy_per_sample_j is None or infer.energy_per_sample_j is None:
        unread = train if train.energy_per_sample_j is None else infer
        if not unread.on_gpu and unread.telemetry_note_msg is not None:  # why RAPL is not read
            return Verdict(NOT_MEASURABLE, msg("verdict.no_reading_note",
                                               note=unread.telemetry_note_msg))
        return _no_gpu(unread, msg("verdict.noun.energy"))
    a, b = train.energy_per_sample_j, infer.energy_per_sample_j
    r = a / b
    noun = msg(f"item.{singular(train.sample_unit)}")
    power: Msg | str = ""
    if train.mean_power_w is not None and infer.mean_power_w is not None:
        pa, pb = train.mean_power_w, infer.mean_power_w
        power = (msg("verdict.energy.more_power", infer=watts(pb), train=watts(pa), item=noun)
                 if pb > pa else msg("verdict.energy.power", train=watts(pa), infer=watts(pb)))
    numbers = {"train": joules(a), "infer": joules(b), "item": noun, "power": power}
    if r >= MARGIN:
        return Verdict(CONFIRMED, msg("verdict.energy.confirmed", ratio=ratio(r), **numbers), r)
    return Verdict(NOT_CONFIRMED, msg("verdict.energy.not_confirmed", **numbers), r)


def saved_activations(train: Summary | None, infer: Summary | None) -> Verdict:
    """Training stores activations for backward; inference keeps none."""
    return _more(train, infer, lambda s: s.mem_activations_bytes,
                 msg("verdict.noun.activations"), nbytes, msg("verdict.more.activations"))


Pair = Callable[[Summary | None, Summary | None], Verdict]
WithEvidence = Callable[[Summary | None, Summary | None, Evidence], Verdict]


@dataclass(frozen=True)
class Judge:
    """How one claim is judged.

    Attributes:
        judge: ``(train, infer, evidence) -> Verdict``.
        pair: The verdict compares the pair's two runs: they must be comparable
            (:func:`engine.claims.evidence.differences`), else *not comparable*.
        allow: Settings in which the pair may differ for this claim (FLOPs per sample do
            not depend on the batch size, the precision or the kernels).
    """

    judge: WithEvidence
    pair: bool = True
    allow: tuple[str, ...] = ()

    def __call__(self, train: Summary | None, infer: Summary | None,
                 evidence: Evidence = NO_EVIDENCE) -> Verdict:
        """The verdict, or *not comparable* when the pair differs where it must not."""
        if self.pair and train is not None and infer is not None:
            diffs = differences(train, infer, self.allow)
            if diffs:
                return Verdict(NOT_MEASURABLE, not_comparable_msg(train, infer, diffs))
        return self.judge(train, infer, evidence)


def _on_pair(f: Pair, allow: tuple[str, ...] = ()) -> Judge:
    """A claim judged on the pair alone."""
    return Judge(lambda t, i, _e: f(t, i), True, allow)


FLOPS_ALLOW = ("batch_size", "precision", "kernels")

ROW_VERDICTS: dict[str, Judge] = {
    "objective": Judge(lambda t, i, _e: objective(t, i), pair=False),
    "key_operations": _on_pair(key_operations),
    "computational_complexity": _on_pair(complexity, FLOPS_ALLOW),
    "memory_use": _on_pair(memory),
    "gpu_utilization": Judge(gpu_utilization, allow=("batch_size",)),
    "specific_optimizations": Judge(optimizations, pair=False),
    "data_flow": Judge(data_flow, pair=False),
    "energy_consumption": _on_pair(energy),
}
"""Document row id -> how it is judged."""

CLAIM_VERDICTS: dict[str, Judge] = {
    "compute_intensive": _on_pair(complexity, FLOPS_ALLOW),
    "heavy_memory": _on_pair(saved_activations),
    "mixed_precision": Judge(mixed_precision, pair=False),
    "complex_operations": _on_pair(key_operations),
    "lower_compute": _on_pair(complexity, FLOPS_ALLOW),
    "lower_memory": _on_pair(memory),
    "speed_efficiency": Judge(speed_efficiency, pair=False),
    "latency": Judge(latency, pair=False),
}
"""Document list bullet id -> how it is judged."""
