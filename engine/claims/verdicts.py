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

The verdict follows the numbers, never the text: a claim is judged on the two summaries
given, whatever the document says. Its words are a message of the catalogue with the
measured values as typed parameters (:mod:`engine.core.values`).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

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
    """

    status: str
    message: Msg
    factor: float | None = None

    @property
    def text(self) -> str:
        """:attr:`message` in English."""
        from engine.core.format import text

        return text(self.message)

    def to_dict(self) -> dict[str, Any]:
        """Plain dict (``--json``): status, English text, factor and the message."""
        return {"status": self.status, "text": self.text, "factor": self.factor,
                "message": to_plain(self.message)}


def mode_word(mode: str) -> Msg:
    """``"training"`` or ``"inference"``."""
    return msg("mode.training" if mode == "train" else "mode.inference")


def item(s: Summary) -> Msg:
    """One of ``s``'s samples, as a noun (``image``, ``token``)."""
    return msg(f"item.{singular(s.rate_unit)}")


def _missing(train: Summary | None, infer: Summary | None) -> Verdict | None:
    if train is None or infer is None:
        which = "train" if train is None else "infer"
        return Verdict(NOT_MEASURABLE, msg("verdict.not_yet", which=mode_word(which)))
    return None


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


def gpu_utilization(train: Summary | None, infer: Summary | None) -> Verdict:
    """Training keeps the GPU very busy; inference can use it less."""
    missing = _missing(train, infer)
    if missing:
        return missing
    assert train is not None and infer is not None
    if not (train.on_gpu and infer.on_gpu) or None in (
        train.mean_gpu_util_pct, infer.mean_gpu_util_pct
    ):
        return _no_gpu(train if not train.on_gpu else infer, msg("verdict.noun.gpu_util"))
    a, b = train.mean_gpu_util_pct, infer.mean_gpu_util_pct
    assert a is not None and b is not None
    sm: Msg | str = ""
    if train.mean_sm_activity_pct is not None and infer.mean_sm_activity_pct is not None:
        sm = msg("verdict.gpu.sm", train=percent(train.mean_sm_activity_pct),
                 infer=percent(infer.mean_sm_activity_pct))
        a2, b2 = train.mean_sm_activity_pct, infer.mean_sm_activity_pct
    else:
        a2, b2 = a, b
    numbers = {"train": percent(a), "infer": percent(b), "sm": sm}
    if a >= 90 and a2 >= b2 * MARGIN:
        return Verdict(CONFIRMED, msg("verdict.gpu.confirmed", **numbers),
                       a2 / b2 if b2 else None)
    if a < 90:
        return Verdict(NOT_CONFIRMED, msg("verdict.gpu.train_low", **numbers))
    return Verdict(NOT_CONFIRMED, msg("verdict.gpu.infer_busy", batch=infer.batch_size,
                                      **numbers), a2 / b2 if b2 else None)


def optimizations(train: Summary | None, infer: Summary | None) -> Verdict:
    """Mixed precision and Tensor Cores (training); quantization, batch 1, kernels (inference).

    One train/infer pair at one setting cannot weigh the inference optimizations.
    """
    missing = _missing(train, infer)
    if missing:
        return missing
    assert train is not None
    if train.precision in ("bf16", "fp16") and train.mean_tensor_activity_pct is not None:
        return Verdict(
            CONFIRMED if train.mean_tensor_activity_pct > 1 else NOT_CONFIRMED,
            msg("verdict.optimizations.tensor", precision=train.precision,
                tensor=percent(train.mean_tensor_activity_pct)),
        )
    return Verdict(NOT_MEASURABLE, msg("verdict.optimizations.experiments"))


def data_flow(train: Summary | None, infer: Summary | None) -> Verdict:
    """Large batches and a DataLoader in training; one item at a time in inference."""
    missing = _missing(train, infer)
    if missing:
        return missing
    assert train is not None and infer is not None
    return Verdict(NOT_MEASURABLE, msg("verdict.data_flow.experiments",
                                       train=train.batch_size, infer=infer.batch_size))


def energy(train: Summary | None, infer: Summary | None) -> Verdict:
    """Training uses more energy: energy per sample, with both powers said."""
    missing = _missing(train, infer)
    if missing:
        return missing
    assert train is not None and infer is not None
    if train.energy_per_sample_j is None or infer.energy_per_sample_j is None:
        return _no_gpu(train if train.energy_per_sample_j is None else infer,
                       msg("verdict.noun.energy"))
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


def latency(train: Summary | None, infer: Summary | None) -> Verdict:
    """Inference answers faster: step time (latency of one batch)."""
    return _more(train, infer, lambda s: s.step_ms_median, msg("verdict.noun.step_time"),
                 lambda v: millis(v, "step"), msg("verdict.more.step_time"))


def saved_activations(train: Summary | None, infer: Summary | None) -> Verdict:
    """Training stores activations for backward; inference keeps none."""
    return _more(train, infer, lambda s: s.mem_activations_bytes,
                 msg("verdict.noun.activations"), nbytes, msg("verdict.more.activations"))


ROW_VERDICTS: dict[str, Callable[[Summary | None, Summary | None], Verdict]] = {
    "objective": objective,
    "key_operations": key_operations,
    "computational_complexity": complexity,
    "memory_use": memory,
    "gpu_utilization": gpu_utilization,
    "specific_optimizations": optimizations,
    "data_flow": data_flow,
    "energy_consumption": energy,
}

CLAIM_VERDICTS: dict[str, Callable[[Summary | None, Summary | None], Verdict]] = {
    "compute_intensive": complexity,
    "heavy_memory": saved_activations,
    "mixed_precision": optimizations,
    "complex_operations": key_operations,
    "lower_compute": complexity,
    "lower_memory": memory,
    "speed_efficiency": optimizations,
    "latency": latency,
}
