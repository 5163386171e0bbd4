"""One verdict per guided experiment: does what its cases measured support its claim?

Each experiment of :data:`engine.claims.experiments.EXPERIMENTS` tests one claim of the document
(its ``claim``). The verdict uses the same three statuses and the same 5 % margin as the
Compare tab (:mod:`engine.claims.verdicts`), and its sentence gives the numbers behind it. A case
that did not run (not available here, out of memory, stopped) makes the verdict say what
is missing rather than guess.
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
)
from engine.core.events import Summary
from engine.core.format import fmt_bytes, fmt_num, fmt_ratio, fmt_share

if TYPE_CHECKING:
    from engine.claims.experiments import CaseResult


def _by_label(results: list[CaseResult]) -> dict[str, Summary]:
    """The summaries of the cases that measured something (ok or stopped), by label."""
    return {c.label: c.summary for c in results if c.summary is not None}


def _missing(what: str) -> Verdict:
    return Verdict(NOT_MEASURABLE, f"not measurable: {what} did not run here")


def _rate(s: Summary) -> float | None:
    """Samples per second (tokens per second for language models)."""
    return s.tokens_per_s if s.tokens_per_s is not None else s.samples_per_s


def _rate_text(s: Summary, value: float | None = None) -> str:
    value = _rate(s) if value is None else value
    unit = "tokens/s" if s.tokens_per_s is not None else f"{s.sample_unit}/s"
    return fmt_num(value, unit)


def _fastest_against(base: Summary | None,
                     candidates: list[Summary]) -> tuple[Summary, Summary, float] | None:
    """``(base, the fastest candidate, its speed-up over base)``, or ``None``.

    ``None`` when either side is missing or measured no throughput.
    """
    measured = [c for c in candidates if _rate(c)]
    if base is None or not _rate(base) or not measured:
        return None
    best = max(measured, key=lambda c: _rate(c) or 0.0)
    return base, best, (_rate(best) or 0.0) / (_rate(base) or 1.0)


def train_vs_infer(results: list[CaseResult]) -> Verdict:
    """Every row of the document: how many the pair of runs confirmed."""
    from engine.claims.compare import build

    s = {c.mode: c.summary for c in results if c.summary is not None}
    if "train" not in s or "infer" not in s:
        return _missing("training or inference")
    rows = build(s["train"], s["infer"]).rows
    count = {k: [r.aspect["en"] for r in rows if r.verdict and r.verdict.status == k]
             for k in (CONFIRMED, NOT_CONFIRMED, NOT_MEASURABLE)}
    parts = [f"{len(count[CONFIRMED])} of {len(rows)} rows confirmed"]
    if count[NOT_CONFIRMED]:
        parts.append(f"not confirmed here: {', '.join(count[NOT_CONFIRMED])}")
    if count[NOT_MEASURABLE]:  # no reading on this device, or needs another experiment
        parts.append(f"not measured by this pair: {', '.join(count[NOT_MEASURABLE])}")
    status = (NOT_CONFIRMED if count[NOT_CONFIRMED]
              else CONFIRMED if count[CONFIRMED] else NOT_MEASURABLE)
    return Verdict(status, "; ".join(parts), None)


def precision(results: list[CaseResult]) -> Verdict:
    """Mixed precision speeds training up and saves memory.

    The faster 16-bit format's training against fp32 training (throughput, peak memory).
    """
    s = _by_label(results)
    found = _fastest_against(s.get("fp32 train"),
                             [s[k] for k in ("bf16 train", "fp16 train") if k in s])
    if found is None:
        return _missing("fp32 training or 16-bit training")
    base, best, speed = found
    saving = (base.peak_mem_bytes / best.peak_mem_bytes
              if base.peak_mem_bytes and best.peak_mem_bytes else None)
    numbers = (f"{best.precision} training ran at {_rate_text(best)} vs fp32 "
               f"{_rate_text(base)} ({fmt_ratio(speed)}), peak memory "
               f"{fmt_bytes(best.peak_mem_bytes)} vs {fmt_bytes(base.peak_mem_bytes)}")
    faster, smaller = speed >= MARGIN, saving is not None and saving >= MARGIN
    if faster and smaller:
        return Verdict(CONFIRMED, f"confirmed: {numbers}", speed)
    missing = [w for w, ok in (("faster", faster), ("smaller", smaller)) if not ok]
    margin = f"{MARGIN - 1:.0%}"
    why = ""
    if best.device == "cpu" and not faster:
        why = " (CPUs without 16-bit matrix units gain nothing; a GPU's Tensor Cores do)"
    elif best.device == "cpu":
        why = (" (on a CPU autocast keeps fp32 weights, gradients and optimizer state, and "
               "the resident set holds more than tensors)")
    return Verdict(NOT_CONFIRMED, f"not confirmed here: {numbers}: not "
                   f"{' or '.join(missing)} by {margin} or more{why}", speed)


def batch_sweep(results: list[CaseResult]) -> Verdict:
    """Inference at batch 1 (the smallest) answers soonest; bigger batches raise throughput."""
    infer = sorted((c.summary for c in results if c.summary is not None
                    and c.mode == "infer" and c.summary.step_ms_median), key=lambda s: s.batch_size)
    if len(infer) < 2 or infer[0].batch_size == infer[-1].batch_size:
        return _missing("inference at two batch sizes")
    one, big = infer[0], infer[-1]  # the smallest batch (1 by default) and the largest
    latency = (big.step_ms_median or 0.0) / (one.step_ms_median or 1.0)
    throughput = (_rate(big) or 0.0) / (_rate(one) or 1.0)
    numbers = (f"batch {one.batch_size} answered in {fmt_num(one.step_ms_median, 'ms')}, batch "
               f"{big.batch_size} in {fmt_num(big.step_ms_median, 'ms')} "
               f"({fmt_ratio(latency)} the latency) for {fmt_ratio(throughput)} the "
               f"throughput ({_rate_text(big)})")
    if latency >= MARGIN:
        return Verdict(CONFIRMED, f"confirmed: {numbers}", latency)
    return Verdict(NOT_CONFIRMED, f"not confirmed here: {numbers}", latency)


def memory(results: list[CaseResult]) -> Verdict:
    """Training holds gradients, optimizer state and saved activations; inference none."""
    s = {c.mode: c.summary for c in results if c.summary is not None}
    train, infer = s.get("train"), s.get("infer")
    if train is None or infer is None or train.mem_params_bytes is None:
        return _missing("training or inference")
    extra = (train.mem_grads_bytes or 0) + (train.mem_optimizer_bytes or 0)
    problems = []
    if not train.mem_grads_bytes:
        problems.append("training held no gradients")
    if not train.mem_optimizer_bytes and train.optimizer == "adamw":
        problems.append("training held no optimizer state")
    if (infer.mem_grads_bytes or 0) or (infer.mem_optimizer_bytes or 0):
        problems.append("inference held gradients or optimizer state")
    acts_t, acts_i = train.mem_activations_bytes or 0, infer.mem_activations_bytes or 0
    if acts_t < acts_i * MARGIN:
        problems.append(f"training's activations ({fmt_bytes(acts_t)}) were not larger than "
                        f"inference's ({fmt_bytes(acts_i)})")
    ratio = (train.peak_mem_bytes / infer.peak_mem_bytes
             if train.peak_mem_bytes and infer.peak_mem_bytes else None)
    numbers = (f"gradients and optimizer state {fmt_bytes(extra)}, activations "
               f"{fmt_bytes(acts_t)} vs {fmt_bytes(acts_i)}; peak {fmt_bytes(train.peak_mem_bytes)}"
               f" vs {fmt_bytes(infer.peak_mem_bytes)} ({fmt_ratio(ratio)})")
    if problems:
        return Verdict(NOT_CONFIRMED, f"not confirmed here: {'; '.join(problems)} ({numbers})",
                       ratio)
    return Verdict(CONFIRMED, f"confirmed: training held {numbers}", ratio)


def data_flow(results: list[CaseResult]) -> Verdict:
    """Training needs an asynchronous input pipeline: DataLoader workers against none."""
    if len(results) < 3 or any(c.summary is None or not _rate(c.summary) for c in results[:3]):
        return _missing("one of the three input pipelines")
    device, serial, workers = (c.summary for c in results[:3])
    assert device is not None and serial is not None and workers is not None
    gain = (_rate(workers) or 0.0) / (_rate(serial) or 1.0)
    share = (_rate(serial) or 0.0) / (_rate(device) or 1.0)
    numbers = (f"with 0 workers training reached {fmt_share(share)} of the on-device "
               f"throughput; {results[2].label} {_rate_text(workers)} vs {_rate_text(serial)} "
               f"({fmt_ratio(gain)})")
    if gain >= MARGIN:
        return Verdict(CONFIRMED, f"confirmed: {numbers}", gain)
    why = ("; on the CPU the workers compete with the training for the same cores"
           if device.device == "cpu" else "")
    return Verdict(NOT_CONFIRMED, f"not confirmed here: {numbers}{why}", gain)


def kernels(results: list[CaseResult]) -> Verdict:
    """Compiled kernels or CUDA graphs lower batch-1 inference latency."""
    s = _by_label(results)
    eager = s.get("eager")
    others = [x for k, x in s.items() if k != "eager" and x.step_ms_median]
    if eager is None or not eager.step_ms_median or not others:
        return _missing("eager or compiled inference")
    best = min(others, key=lambda x: x.step_ms_median or float("inf"))
    speed = eager.step_ms_median / (best.step_ms_median or 1.0)
    numbers = (f"{best.kernels} {fmt_num(best.step_ms_median, 'ms')} vs eager "
               f"{fmt_num(eager.step_ms_median, 'ms')} median latency ({fmt_ratio(speed)} "
               "as fast)")
    if speed >= MARGIN:
        return Verdict(CONFIRMED, f"confirmed: {numbers}", speed)
    return Verdict(NOT_CONFIRMED, f"not confirmed here: {numbers}", speed)


def quantization(results: list[CaseResult]) -> Verdict:
    """Quantized inference (int8, fp8) runs faster than fp32 with the same predictions."""
    s = _by_label(results)
    found = _fastest_against(s.get("fp32"), [s[k] for k in ("int8", "fp8")
                                             if k in s and s[k].quantize != "none"])
    if found is None:
        return _missing("fp32 or quantized inference")
    base, best, speed = found
    weights = (base.mem_params_bytes / best.mem_params_bytes
               if base.mem_params_bytes and best.mem_params_bytes else None)
    agree = (f", top-1 unchanged for {fmt_share(best.top1_agreement)}"
             if best.top1_agreement is not None else "")
    numbers = (f"{best.quantize} {_rate_text(best)} vs fp32 {_rate_text(base)} "
               f"({fmt_ratio(speed)}), weights {fmt_ratio(weights)} smaller{agree}")
    if speed >= MARGIN:
        return Verdict(CONFIRMED, f"confirmed: {numbers}", speed)
    return Verdict(NOT_CONFIRMED, f"not confirmed here: {numbers}", speed)


def generation(results: list[CaseResult]) -> Verdict:
    """Generating for one user answers soonest: time to first token at batch 1 vs larger."""
    gen = sorted((c.summary for c in results if c.summary is not None
                  and c.summary.generated_tokens and c.summary.ttft_ms_median),
                 key=lambda s: s.batch_size)
    if len(gen) < 2:
        return _missing("generation at two batch sizes")
    one, big = gen[0], gen[-1]
    latency = (big.ttft_ms_median or 0.0) / (one.ttft_ms_median or 1.0)
    numbers = (f"first token after {fmt_num(one.ttft_ms_median, 'ms')} at batch "
               f"{one.batch_size}, {fmt_num(big.ttft_ms_median, 'ms')} at batch "
               f"{big.batch_size} ({fmt_ratio(latency)}), which generates "
               f"{fmt_num(big.decode_tokens_per_s, 'tokens/s')} vs "
               f"{fmt_num(one.decode_tokens_per_s, 'tokens/s')}")
    if latency >= MARGIN:
        return Verdict(CONFIRMED, f"confirmed: {numbers}", latency)
    return Verdict(NOT_CONFIRMED, f"not confirmed here: {numbers}", latency)


VERDICTS: dict[str, Callable[[list[CaseResult]], Verdict]] = {
    "train-vs-infer": train_vs_infer,
    "precision": precision,
    "batch-sweep": batch_sweep,
    "memory": memory,
    "data-flow": data_flow,
    "kernels": kernels,
    "quantization": quantization,
    "generation": generation,
}
"""The verdict function of each experiment, by name."""
