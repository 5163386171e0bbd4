"""One verdict per guided experiment: does what its cases measured support its claim?

Each experiment of :data:`engine.claims.experiments.EXPERIMENTS` tests one claim of the
document (its ``claim``). The verdict uses the same three statuses and the same 5 %
margin as the Compare tab (:mod:`engine.claims.verdicts`), and its message gives the
numbers behind it. A case that did not run (not available here, out of memory, stopped)
makes the verdict say what is missing rather than guess.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from engine.claims.verdicts import (
    CONFIRMED,
    MARGIN,
    NOT_CONFIRMED,
    NOT_MEASURABLE,
    Verdict,
    mixed_vs_fp32,
)
from engine.core.events import Summary
from engine.core.values import Msg, Quantity, millis, msg, nbytes, rate, ratio, share

if TYPE_CHECKING:
    from engine.claims.experiments import CaseResult


def _by_label(results: list[CaseResult]) -> dict[str, Summary]:
    """The summaries of the cases that measured something (ok or stopped), by label."""
    return {c.label: c.summary for c in results if c.summary is not None}


def _missing(what: str) -> Verdict:
    return Verdict(NOT_MEASURABLE, msg("xverdict.missing", what=msg(f"xverdict.what.{what}")))


def _rate(s: Summary) -> Quantity:
    return rate(s.rate, s.rate_unit)


def _judged(confirmed: bool, numbers: Msg, factor: float | None,
            why: Msg | None = None) -> Verdict:
    """``confirmed: <numbers>`` or ``not confirmed here: <numbers><why>``."""
    if confirmed:
        return Verdict(CONFIRMED, msg("xverdict.confirmed", numbers=numbers), factor)
    return Verdict(NOT_CONFIRMED, msg("xverdict.not_confirmed", numbers=numbers,
                                      why=why or ""), factor)


def _fastest_against(base: Summary | None,
                     candidates: list[Summary]) -> tuple[Summary, Summary, float] | None:
    """``(base, the fastest candidate, its speed-up over base)``, or ``None``.

    ``None`` when either side is missing or measured no throughput.
    """
    measured = [c for c in candidates if c.rate]
    if base is None or not base.rate or not measured:
        return None
    best = max(measured, key=lambda c: c.rate or 0.0)
    return base, best, (best.rate or 0.0) / (base.rate or 1.0)


def train_vs_infer(results: list[CaseResult]) -> Verdict:
    """Every row of the document: how many the pair of runs confirmed, counted honestly.

    Confirmed only when every row is; not confirmed when any row is not; otherwise not
    measurable (some rows need a GPU or runs this pair does not have).
    """
    from engine.claims.compare import build

    s = {c.mode: c.summary for c in results if c.summary is not None}
    if "train" not in s or "infer" not in s:
        return _missing("train_or_infer")
    rows = build(s["train"], s["infer"]).rows
    count = {k: [r.aspect for r in rows if r.verdict and r.verdict.status == k]
             for k in (CONFIRMED, NOT_CONFIRMED, NOT_MEASURABLE)}
    parts = [msg("xverdict.rows_confirmed", confirmed=len(count[CONFIRMED]), n=len(rows))]
    if count[NOT_CONFIRMED]:
        parts.append(msg("xverdict.rows_not_confirmed", rows=count[NOT_CONFIRMED]))
    if count[NOT_MEASURABLE]:  # no reading on this device, or needs other runs
        parts.append(msg("xverdict.rows_not_measured", rows=count[NOT_MEASURABLE]))
    status = (NOT_CONFIRMED if count[NOT_CONFIRMED]
              else CONFIRMED if len(count[CONFIRMED]) == len(rows) else NOT_MEASURABLE)
    return Verdict(status, msg("xverdict.parts", parts=parts), None)


def precision(results: list[CaseResult]) -> Verdict:
    """Mixed precision speeds training up and saves memory.

    The faster 16-bit format's training against fp32 training (throughput, peak memory):
    :func:`engine.claims.verdicts.mixed_vs_fp32`, as the Compare tab judges it.
    """
    s = _by_label(results)
    base = s.get("fp32 train")
    mixed = [s[k] for k in ("bf16 train", "fp16 train") if k in s]
    if base is None or not mixed:
        return _missing("precision")
    return mixed_vs_fp32(base, mixed)


def batch_sweep(results: list[CaseResult]) -> Verdict:
    """Inference at batch 1 (the smallest) answers soonest; bigger batches raise throughput."""
    infer = sorted((c.summary for c in results if c.summary is not None
                    and c.mode == "infer" and c.summary.step_ms_median), key=lambda s: s.batch_size)
    if len(infer) < 2 or infer[0].batch_size == infer[-1].batch_size:
        return _missing("two_batches")
    one, big = infer[0], infer[-1]  # the smallest batch (1 by default) and the largest
    latency = (big.step_ms_median or 0.0) / (one.step_ms_median or 1.0)
    throughput = (big.rate or 0.0) / (one.rate or 1.0)
    numbers = msg("xverdict.batch_sweep", small=one.batch_size,
                  small_ms=millis(one.step_ms_median), big=big.batch_size,
                  big_ms=millis(big.step_ms_median), latency=ratio(latency),
                  throughput=ratio(throughput), rate=_rate(big))
    return _judged(latency >= MARGIN, numbers, latency)


def memory(results: list[CaseResult]) -> Verdict:
    """Training holds gradients, optimizer state and saved activations; inference none."""
    s = {c.mode: c.summary for c in results if c.summary is not None}
    train, infer = s.get("train"), s.get("infer")
    if train is None or infer is None or train.mem_params_bytes is None:
        return _missing("train_or_infer")
    extra = (train.mem_grads_bytes or 0) + (train.mem_optimizer_bytes or 0)
    problems = []
    if not train.mem_grads_bytes:
        problems.append(msg("xverdict.memory.no_grads"))
    if not train.mem_optimizer_bytes and train.optimizer == "adamw":
        problems.append(msg("xverdict.memory.no_optimizer"))
    if (infer.mem_grads_bytes or 0) or (infer.mem_optimizer_bytes or 0):
        problems.append(msg("xverdict.memory.infer_grads"))
    acts_t, acts_i = train.mem_activations_bytes or 0, infer.mem_activations_bytes or 0
    if acts_t < acts_i * MARGIN:
        problems.append(msg("xverdict.memory.activations", train=nbytes(acts_t),
                            infer=nbytes(acts_i)))
    factor = (train.peak_mem_bytes / infer.peak_mem_bytes
              if train.peak_mem_bytes and infer.peak_mem_bytes else None)
    numbers = msg("xverdict.memory", extra=nbytes(extra), train=nbytes(acts_t),
                  infer=nbytes(acts_i), peak=nbytes(train.peak_mem_bytes),
                  infer_peak=nbytes(infer.peak_mem_bytes), ratio=ratio(factor))
    if problems:
        return Verdict(NOT_CONFIRMED, msg("xverdict.memory.not_confirmed", problems=problems,
                                          numbers=numbers), factor)
    return Verdict(CONFIRMED, msg("xverdict.memory.confirmed", numbers=numbers), factor)


def data_flow(results: list[CaseResult]) -> Verdict:
    """Training needs an asynchronous input pipeline: DataLoader workers against none."""
    if len(results) < 3 or any(c.summary is None or not c.summary.rate for c in results[:3]):
        return _missing("pipelines")
    device, serial, workers = (c.summary for c in results[:3])
    assert device is not None and serial is not None and workers is not None
    gain = (workers.rate or 0.0) / (serial.rate or 1.0)
    part = (serial.rate or 0.0) / (device.rate or 1.0)
    numbers = msg("xverdict.data_flow", share=share(part), case=results[2].title,
                  workers=_rate(workers), serial=_rate(serial), gain=ratio(gain))
    why = msg("xverdict.data_flow.cpu") if device.device == "cpu" else None
    return _judged(gain >= MARGIN, numbers, gain, why)


def kernels(results: list[CaseResult]) -> Verdict:
    """Compiled kernels or CUDA graphs lower batch-1 inference latency."""
    s = _by_label(results)
    eager = s.get("eager")
    others = [x for k, x in s.items() if k != "eager" and x.step_ms_median]
    if eager is None or not eager.step_ms_median or not others:
        return _missing("kernels")
    best = min(others, key=lambda x: x.step_ms_median or float("inf"))
    speed = eager.step_ms_median / (best.step_ms_median or 1.0)
    numbers = msg("xverdict.kernels", kernels=msg(f"kernels.{best.kernels}"),
                  best=millis(best.step_ms_median), eager=millis(eager.step_ms_median),
                  speed=ratio(speed))
    return _judged(speed >= MARGIN, numbers, speed)


def quantization(results: list[CaseResult]) -> Verdict:
    """Quantized inference (int8, fp8) runs faster than the same model unquantized.

    Each quantized case is weighed against the unquantized case of the precision it
    computes in (int8 weights with fp32 activations against fp32; fp8, which computes in
    bf16, against bf16), so that quantization is the only difference (issue #11: a pair
    is comparable only when its precision agrees). Confirmed when the best of them is
    faster by :data:`MARGIN`. Where an unquantized case is faster still (on an H200,
    ViT-B/16 in bf16 ran 6,312 images/s, fp8 5,520 and int8 with fp32 activations 3,529:
    ``docs/benchmarks.md``), the verdict says so.
    """
    s = _by_label(results)
    plain = [x for x in s.values() if x.quantize == "none" and x.rate]
    pairs = []
    for key in ("int8", "fp8"):
        q = s.get(key)
        if q is None or q.quantize == "none" or not q.rate:
            continue
        base = next((x for x in plain if x.precision == q.precision), None)
        if base is not None:
            pairs.append((base, q, (q.rate or 0.0) / (base.rate or 1.0)))
    if not pairs:
        return _missing("quantized")
    base, best, speed = max(pairs, key=lambda p: p[2])
    weights = (base.mem_params_bytes / best.mem_params_bytes
               if base.mem_params_bytes and best.mem_params_bytes else None)
    agree = (msg("xverdict.quant.agree", agreement=share(best.top1_agreement))
             if best.top1_agreement is not None else "")
    fastest = max(plain, key=lambda x: x.rate or 0.0)
    faster = (msg("xverdict.quant.faster_unquantized", precision=fastest.precision,
                  rate=_rate(fastest))
              if (fastest.rate or 0.0) > (best.rate or 0.0) else "")
    numbers = msg("xverdict.quantization", quantize=best.quantize, rate=_rate(best),
                  precision=base.precision, base=_rate(base), speed=ratio(speed),
                  weights=ratio(weights), agree=agree, faster=faster)
    return _judged(speed >= MARGIN, numbers, speed)


def generation(results: list[CaseResult]) -> Verdict:
    """Generating for one user answers soonest: time to first token at batch 1 vs larger."""
    gen = sorted((c.summary for c in results if c.summary is not None
                  and c.summary.generated_tokens and c.summary.ttft_ms_median),
                 key=lambda s: s.batch_size)
    if len(gen) < 2:
        return _missing("generation")
    one, big = gen[0], gen[-1]
    latency = (big.ttft_ms_median or 0.0) / (one.ttft_ms_median or 1.0)
    numbers = msg("xverdict.generation", small_ms=millis(one.ttft_ms_median),
                  small=one.batch_size, big_ms=millis(big.ttft_ms_median), big=big.batch_size,
                  latency=ratio(latency), big_rate=rate(big.decode_tokens_per_s, "tokens"),
                  small_rate=rate(one.decode_tokens_per_s, "tokens"))
    return _judged(latency >= MARGIN, numbers, latency)


def scaling(results: list[CaseResult]) -> Verdict:
    """Data-parallel training pays for communication; inference replicas scale without it.

    At the largest rank count that ran in both modes: confirmed when training all-reduced
    gradients every step (bytes and time measured) while the replicas exchanged nothing,
    and training's scaling efficiency, ``rate(N) / (N × rate(1))``, is below inference's
    by more than the 5 % margin. Ranks on one CPU share its cores, so there the efficiency
    compares threads more than communication: not measurable, with the numbers.
    """
    from engine.claims.scaling import efficiency as scaling_efficiency

    by: dict[tuple[str, int], Summary] = {
        (c.mode, c.summary.world_size): c.summary for c in results
        if c.summary is not None and c.summary.rate}
    common = sorted(n for (m, n) in by if m == "train" and ("infer", n) in by and n > 1)
    if not common or ("train", 1) not in by or ("infer", 1) not in by:
        return _missing("scaling")
    n = common[-1]
    train, infer = by[("train", n)], by[("infer", n)]
    eff_t = scaling_efficiency(train, by[("train", 1)])
    eff_i = scaling_efficiency(infer, by[("infer", 1)])
    if eff_t is None or eff_i is None:
        return _missing("scaling")
    numbers = msg("xverdict.scaling", ranks=n, train_eff=share(eff_t), infer_eff=share(eff_i),
                  bytes=nbytes(train.allreduce_bytes_per_step),
                  share=share(train.allreduce_step_share),
                  infer_bytes=nbytes(infer.allreduce_bytes_per_step))
    if not train.on_gpu:  # one CPU's ranks share its cores: efficiency says little here
        return Verdict(NOT_MEASURABLE, msg("xverdict.scaling.cpu", numbers=numbers))
    communicates = bool(train.allreduce_bytes_per_step) and not infer.allreduce_bytes_per_step
    factor = eff_i / eff_t if eff_t > 0 else None
    return _judged(communicates and factor is not None and factor >= MARGIN, numbers, factor,
                   None if communicates else msg("xverdict.scaling.no_traffic"))


VERDICTS: dict[str, Callable[[list[CaseResult]], Verdict]] = {
    "train-vs-infer": train_vs_infer,
    "precision": precision,
    "batch-sweep": batch_sweep,
    "memory": memory,
    "data-flow": data_flow,
    "kernels": kernels,
    "quantization": quantization,
    "generation": generation,
    "scaling": scaling,
}
"""The verdict function of each experiment, by name."""
