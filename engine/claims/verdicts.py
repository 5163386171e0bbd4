"""Verdicts: does what was measured support each claim of the document?

Every claim gets one of three statuses, and a sentence with the numbers:
  * ``confirmed``: the measurement goes the way the document says, beyond a margin of
    ``MARGIN`` (5 %, larger than the run-to-run noise of throughput on a quiet machine);
    the sentence gives the factor;
  * ``not_confirmed``: it does not (here, with these settings); the sentence gives both
    numbers, and where a setting would change the outcome it says which;
  * ``not_measurable``: this device or this pair of runs cannot tell (no NVIDIA GPU for
    power and utilization, a mode not run yet, a claim that needs an experiment).

The verdict follows the numbers, never the text: a claim is judged on the two summaries
given, whatever the document says.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from engine.core.events import Summary, step_split
from engine.core.format import fmt_bytes, fmt_energy, fmt_num, fmt_ratio, fmt_share

MARGIN = 1.05
CONFIRMED, NOT_CONFIRMED, NOT_MEASURABLE = "confirmed", "not_confirmed", "not_measurable"


@dataclass(frozen=True)
class Verdict:
    """The judgement of one claim.

    Attributes:
        status: ``"confirmed"``, ``"not_confirmed"`` or ``"not_measurable"``.
        text: One or two sentences with the numbers.
        factor: The measured factor behind the verdict (training / inference of a cost,
            or inference / training of a benefit; for the key operations, a training
            step's time over its own forward pass), or ``None``.
    """

    status: str
    text: str
    factor: float | None = None

    def to_dict(self) -> dict[str, object]:
        """Plain dict (``--json``)."""
        return {"status": self.status, "text": self.text, "factor": self.factor}


def _missing(train: Summary | None, infer: Summary | None) -> Verdict | None:
    if train is None or infer is None:
        which = "training" if train is None else "inference"
        return Verdict(NOT_MEASURABLE, f"not measurable yet: run {which} of this model")
    return None


def _on_gpu(s: Summary) -> bool:
    return s.device.startswith("cuda")


def _no_gpu(s: Summary, what: str) -> Verdict:
    if not _on_gpu(s):
        return Verdict(NOT_MEASURABLE, f"not measurable on this device: {what} is read from "
                       "NVIDIA GPUs only, and this run used the CPU")
    return Verdict(NOT_MEASURABLE, f"not measurable on this device: {s.telemetry_note or what}")


def _more(
    train: Summary | None, infer: Summary | None, get: Callable[[Summary], float | None],
    noun: str, fmt: Callable[[float | None], str], more_word: str = "more",
) -> Verdict:
    """Claim: training has more of ``get`` than inference."""
    missing = _missing(train, infer)
    if missing:
        return missing
    assert train is not None and infer is not None
    a, b = get(train), get(infer)
    if a is None or b is None or b <= 0:
        return Verdict(NOT_MEASURABLE, f"not measurable on this device: no {noun} reading")
    r = a / b
    if r >= MARGIN:
        return Verdict(CONFIRMED, f"confirmed: training {fmt(a)} vs inference {fmt(b)}: "
                       f"{fmt_ratio(r)} {more_word}", r)
    return Verdict(NOT_CONFIRMED, f"not confirmed here: training {fmt(a)} vs inference "
                   f"{fmt(b)} ({fmt_ratio(r)})", r)


def _flops(s: Summary) -> float | None:
    return s.flops_per_step / s.batch_size if s.flops_per_step else None


def _gflop(v: float | None) -> str:
    return fmt_num(v / 1e9 if v is not None else None, "GFLOP/sample")


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
    loss = (f"loss {train.loss_first:.3f} → {train.loss_last:.3f}"
            if train.loss_first is not None and train.loss_last is not None else "no loss")
    moved = infer.param_change_l2
    infer_changed = infer.weights_changed or (moved is not None and math.isfinite(moved)
                                              and moved > 0)
    if train.weights_changed and fell and not infer_changed:
        change = (f" (‖Δθ‖₂ {train.param_change_l2:.3g})"
                  if train.param_change_l2 is not None else "")
        return Verdict(CONFIRMED, f"confirmed: training changed the weights{change} and "
                       f"lowered the loss ({loss}); inference left every weight unchanged"
                       + _prediction_text(train, infer))
    problems = []
    if not train.weights_changed:
        problems.append("training did not change the weights")
    if not fell:
        problems.append(f"the loss did not fall ({loss})")
    if infer_changed:
        problems.append("inference changed the weights")
    return Verdict(NOT_CONFIRMED, "not confirmed here: " + "; ".join(problems))


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


def _prediction_text(train: Summary, infer: Summary) -> str:
    """What inference's predictions were worth on held-out data, in a sentence."""
    if infer.heldout_accuracy is None:
        return ""
    acc = fmt_share(infer.heldout_accuracy)
    chance = f" (chance {fmt_share(infer.heldout_chance)})" if infer.heldout_chance else ""
    used = weights_used(train, infer)
    if used == THIS_TRAINING:
        return (f"; with this training run's weights it predicted {acc} of held-out samples "
                f"correctly{chance}")
    if used == SOME_TRAINING:
        return (f"; with trained weights ({infer.weights_from}) it predicted {acc} of "
                f"held-out samples correctly{chance}")
    if used == OTHER_TRAINING:
        return (f"; it predicted {acc} of held-out samples correctly{chance} with the "
                f"weights of another training run ({infer.weights_from}), not this one's. "
                "Run inference again to predict with this training run's weights")
    chance = f"chance {fmt_share(infer.heldout_chance)}" if infer.heldout_chance else ""
    reached = (f"training reached {fmt_share(train.heldout_accuracy)}"
               if train.heldout_accuracy is not None else "")
    why = "; ".join(t for t in (chance, reached) if t)
    return (f"; it ran on random weights: {acc} correct" + (f" ({why})" if why else "")
            + ". Run inference after training in the same session to predict with the "
            "trained model")


def key_operations(train: Summary | None, infer: Summary | None) -> Verdict:
    """Training adds backward and an optimizer step to the forward pass."""
    missing = _missing(train, infer)
    if missing:
        return missing
    assert train is not None and infer is not None
    split = step_split(train)
    if split is None:
        return Verdict(NOT_MEASURABLE, "not measurable: the step-time split is missing")
    extra = split.backward_ms + split.optimizer_ms
    share = extra / split.step_ms if split.step_ms > 0 else 0.0
    forward = (infer.forward_ms_mean if split.statistic == "mean" else infer.forward_ms_median)
    if forward is None:  # runs recorded before the parts were kept: the whole step
        forward = infer.step_ms_mean if split.statistic == "mean" else infer.step_ms_median
    return Verdict(
        CONFIRMED if extra > 0 and infer.backward_ms_median is None else NOT_CONFIRMED,
        f"{'confirmed' if extra > 0 else 'not confirmed here'}: backward and optimizer "
        f"took {share:.0%} of a training step ({fmt_num(extra, 'ms')} of "
        f"{fmt_num(split.step_ms, 'ms')}, {split.statistic}s); inference ran the forward "
        f"pass only ({fmt_num(forward, 'ms')}, {split.statistic})",
        1 / (1 - share) if share < 1 else None,
    )


def complexity(train: Summary | None, infer: Summary | None) -> Verdict:
    """Training costs more computation (the backward pass): FLOPs per sample."""
    return _more(train, infer, _flops, "FLOP count", _gflop, "the FLOPs per sample")


def memory(train: Summary | None, infer: Summary | None) -> Verdict:
    """Training needs more memory: peak memory of the measured phase."""
    return _more(train, infer, lambda s: s.peak_mem_bytes, "peak memory",
                 lambda v: fmt_bytes(v), "the peak memory")


def gpu_utilization(train: Summary | None, infer: Summary | None) -> Verdict:
    """Training keeps the GPU very busy; inference can use it less."""
    missing = _missing(train, infer)
    if missing:
        return missing
    assert train is not None and infer is not None
    if not (_on_gpu(train) and _on_gpu(infer)) or None in (
        train.mean_gpu_util_pct, infer.mean_gpu_util_pct
    ):
        return _no_gpu(train if not _on_gpu(train) else infer, "GPU utilization")
    a, b = train.mean_gpu_util_pct, infer.mean_gpu_util_pct
    assert a is not None and b is not None
    sm = ""
    if train.mean_sm_activity_pct is not None and infer.mean_sm_activity_pct is not None:
        sm = (f"; SM activity {train.mean_sm_activity_pct:.0f}% vs "
              f"{infer.mean_sm_activity_pct:.0f}%")
        a2, b2 = train.mean_sm_activity_pct, infer.mean_sm_activity_pct
    else:
        a2, b2 = a, b
    if a >= 90 and a2 >= b2 * MARGIN:
        return Verdict(CONFIRMED, f"confirmed: training kept the GPU at {a:.0f}% NVML "
                       f"utilization, inference at {b:.0f}%{sm}", a2 / b2 if b2 else None)
    if a < 90:
        return Verdict(NOT_CONFIRMED, f"not confirmed here: training kept the GPU at only "
                       f"{a:.0f}%{sm}; a larger batch would load it more")
    return Verdict(NOT_CONFIRMED, f"not confirmed here: inference kept the GPU as busy as "
                   f"training ({b:.0f}% vs {a:.0f}% NVML utilization{sm}) at batch "
                   f"{infer.batch_size}; a small batch lowers it (batch-sweep experiment)",
                   a2 / b2 if b2 else None)


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
            f"training in {train.precision} used the Tensor Cores "
            f"{train.mean_tensor_activity_pct:.0f}% of the time; the inference optimizations "
            "are weighed by the precision, quantization and kernels experiments",
        )
    return Verdict(NOT_MEASURABLE, "not measured by one pair of runs at the same settings: "
                   "see the precision, quantization and kernels experiments")


def data_flow(train: Summary | None, infer: Summary | None) -> Verdict:
    """Large batches and a DataLoader in training; one item at a time in inference."""
    missing = _missing(train, infer)
    if missing:
        return missing
    assert train is not None and infer is not None
    return Verdict(NOT_MEASURABLE, f"not measured by this pair (batch {train.batch_size} "
                   f"and {infer.batch_size}, data made on the device): see the batch-sweep "
                   "and data-flow experiments")


def energy(train: Summary | None, infer: Summary | None) -> Verdict:
    """Training uses more energy: energy per sample, with both powers said."""
    missing = _missing(train, infer)
    if missing:
        return missing
    assert train is not None and infer is not None
    if train.energy_per_sample_j is None or infer.energy_per_sample_j is None:
        return _no_gpu(train if train.energy_per_sample_j is None else infer, "energy")
    a, b = train.energy_per_sample_j, infer.energy_per_sample_j
    r = a / b
    unit = train.sample_unit.rstrip("s")
    power = ""
    if train.mean_power_w is not None and infer.mean_power_w is not None:
        pa, pb = train.mean_power_w, infer.mean_power_w
        if pb > pa:
            power = (f", although inference drew more power ({fmt_num(pb, 'W')} vs "
                     f"{fmt_num(pa, 'W')}): it finishes each {unit} sooner")
        else:
            power = f"; mean power {fmt_num(pa, 'W')} vs {fmt_num(pb, 'W')}"
    if r >= MARGIN:
        return Verdict(CONFIRMED, f"confirmed: inference used {fmt_ratio(r)} less energy per "
                       f"{unit} ({fmt_energy(b)} vs {fmt_energy(a)}){power}", r)
    return Verdict(NOT_CONFIRMED, f"not confirmed here: {fmt_energy(a)} (training) vs "
                   f"{fmt_energy(b)} (inference) per {unit}{power}", r)


def latency(train: Summary | None, infer: Summary | None) -> Verdict:
    """Inference answers faster: step time (latency of one batch)."""
    return _more(train, infer, lambda s: s.step_ms_median, "step time",
                 lambda v: fmt_num(v, "ms/step"), "the median time per step")


def saved_activations(train: Summary | None, infer: Summary | None) -> Verdict:
    """Training stores activations for backward; inference keeps none."""
    return _more(train, infer, lambda s: s.mem_activations_bytes, "activation size",
                 lambda v: fmt_bytes(v), "the activation memory")


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
