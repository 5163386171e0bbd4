"""Plain-text rendering of summaries, comparisons and progress for the command line."""

from __future__ import annotations

import shutil
import textwrap

from engine.claims.compare import Comparison, column_titles, heldout_text
from engine.core.events import Sample, StepStats, Summary, step_split
from engine.core.format import NA, fmt_bytes, fmt_count, fmt_energy, fmt_num, fmt_share


def _other(s: Summary) -> str:
    """``", other 120 MiB (…)"`` on a CPU, where the tensors do not add up to the peak."""
    if s.mem_other_bytes is None:
        return ""
    return f", other {fmt_bytes(s.mem_other_bytes)} (allocator and libraries)"


def summary_text(s: Summary) -> str:
    """A labelled block of every headline number of ``s``."""
    unit = s.sample_unit
    rate = fmt_num(s.samples_per_s, f"{unit}/s")
    if s.tokens_per_s is not None:
        rate += f" ({fmt_num(s.tokens_per_s, 'tokens/s')})"
    mem_what = ("CUDA peak allocated" if s.peak_mem_source == "cuda_max_allocated"
                else "growth of the process's resident set over the torch runtime")
    title = (
        f"{s.model} · {s.mode} · {s.device} ({s.device_name}) · {s.precision} · "
        f"batch {s.batch_size} · input {s.input_size}"
        + (" · STOPPED EARLY" if s.stopped_early else "")
    )
    lines: list[tuple[str, str]] = [
        ("measured", f"{s.measured_steps} step{'s' if s.measured_steps != 1 else ''} in "
                     f"{s.measured_s:.2f} s "
                     f"(after {s.warmup_steps} warm-up steps, not averaged in)"),
        ("throughput", rate),
        ("step time", f"{fmt_num(s.step_ms_median, 'ms')} median, "
                      f"{fmt_num(s.step_ms_p95, 'ms')} p95"),
    ]
    if s.quantized_layers:
        lines.append(("quantization", f"{s.quantize}: "
                                      f"{fmt_count(s.quantized_layers, 'linear layer')} "
                                      f"({s.quantize_method}); logits moved "
                                      f"{100 * (s.output_rel_error or 0):.2f}%, top-1 unchanged "
                                      f"for {100 * (s.top1_agreement or 0):.1f}%"))
    if s.compile_s is not None:
        lines.append(("kernels", f"{s.kernels}: first step (compilation) {s.compile_s:.1f} s, "
                                 "not averaged in"))
    if s.generated_tokens:
        lines.append(("generation", f"{fmt_count(s.generated_tokens, 'token')} per sequence "
                                    "after a "
                                    f"{s.input_size}-token prompt: time to first token "
                                    f"{fmt_num(s.ttft_ms_median, 'ms')}, then "
                                    f"{fmt_num(s.decode_tokens_per_s, 'tokens/s')}"))
    split = step_split(s)
    if split is not None:
        lines.append(("step split", f"forward+loss {fmt_num(split.forward_ms, 'ms')} + "
                                    f"backward {fmt_num(split.backward_ms, 'ms')} + "
                                    f"optimizer {fmt_num(split.optimizer_ms, 'ms')} = "
                                    f"{fmt_num(split.step_ms, 'ms')} ({split.statistic}s)"))
    if s.flops_per_step:
        mfu = (f", MFU {s.mfu_pct:.1f}% of {fmt_num(s.peak_tflops, 'TFLOP/s')} peak"
               if s.mfu_pct is not None else ", MFU N/A (no peak rate known for this device)")
        lines.append(("compute", f"{fmt_num(s.flops_per_step / 1e9, 'GFLOP')}/step, "
                                 f"{fmt_num(s.tflops_per_s, 'TFLOP/s')}{mfu}"))
    lines.append(("peak memory", f"{fmt_bytes(s.peak_mem_bytes)} ({mem_what})"))
    if s.mem_params_bytes is not None:
        reserved = (f", reserved {fmt_bytes(s.mem_reserved_bytes)}"
                    if s.mem_reserved_bytes is not None else "")
        lines.append(("memory split", f"parameters {fmt_bytes(s.mem_params_bytes)}, "
                                      f"gradients {fmt_bytes(s.mem_grads_bytes)}, "
                                      f"optimizer state {fmt_bytes(s.mem_optimizer_bytes)}, "
                                      f"inputs {fmt_bytes(s.mem_inputs_bytes)}, "
                                      f"activations {fmt_bytes(s.mem_activations_bytes)}"
                                      f"{_other(s)}{reserved}"))
        lines.append(("", f"({s.mem_method})"))
    if s.mode == "train":
        loss = (
            f"{s.loss_first:.4f} → {s.loss_last:.4f} (first → last measured step)"
            if s.loss_first is not None and s.loss_last is not None
            else NA
        )
        lines.append(("loss", loss))
        lines.append(("optimizer", f"{s.optimizer}, learning rate {s.learning_rate:g}"))
    change = ""
    if s.param_change_l2 is not None:
        change = (f" (‖Δθ‖₂ = {s.param_change_l2:.4g}, {fmt_share(s.param_change_rel)} of "
                  "‖θ‖₂)" if s.param_change_l2 else " (‖Δθ‖₂ = 0)")
    source = f"; started from weights {s.weights_from}" if s.weights_from else ""
    lines.append(("weights", ("changed" if s.weights_changed else "unchanged") + change
                  + source))
    if s.heldout_accuracy is not None:
        lines.append(("held-out accuracy", heldout_text(s).removeprefix("held-out accuracy ")))
    if s.saved_weights:
        lines.append(("saved weights", s.saved_weights))
    if s.energy_j is not None:
        est = " (estimated from power)" if s.energy_source == "estimated_from_power" else ""
        per = (
            f", {fmt_energy(s.energy_per_token_j)}/token"
            if s.energy_per_token_j is not None
            else f", {fmt_energy(s.energy_per_sample_j)}/{unit.rstrip('s')}"
        )
        lines.append(("energy", f"{fmt_energy(s.energy_j)}{per}{est}"))
        lines.append(("power", f"{fmt_num(s.mean_power_w, 'W')} mean, "
                               f"{fmt_num(s.peak_power_w, 'W')} peak (1 s average)"))
        if s.mean_power_instant_w is not None:
            lines.append(("instant power", f"{fmt_num(s.mean_power_instant_w, 'W')} mean, "
                                           f"{fmt_num(s.peak_power_instant_w, 'W')} peak"))
        if s.energy_warmup_j is not None:
            lines.append(("warm-up energy", fmt_energy(s.energy_warmup_j)))
        lines.append(("GPU utilization", fmt_num(s.mean_gpu_util_pct, "%") + " (NVML)"))
        if s.mean_sm_activity_pct is not None:
            lines.append(("SM activity", f"{fmt_num(s.mean_sm_activity_pct, '%')}, Tensor "
                                         f"Cores {fmt_num(s.mean_tensor_activity_pct, '%')}, "
                                         f"DRAM bandwidth "
                                         f"{fmt_num(s.mean_dram_bw_util_pct, '%')} (GPM)"))
    else:
        lines.append(("energy, power", f"N/A: {s.telemetry_note}"))
    lines.append(("CPU utilization", fmt_num(s.mean_cpu_util_pct, "%")))
    width = max([17] + [len(k) + 1 for k, _ in lines])
    return "\n".join([title] + [f"  {k:<{width}}{v}" for k, v in lines])


def progress_text(phase: str, step: StepStats | None, sample: Sample | None,
                  elapsed_s: float, unit: str) -> str:
    """One short status line: phase, step, throughput, step time, loss, GPU and CPU."""
    parts = [f"[{phase} {elapsed_s:5.1f} s]"]
    if step is not None:
        rate = (
            fmt_num(step.tokens_per_s, "tokens/s")
            if step.tokens_per_s is not None
            else fmt_num(step.samples_per_s, f"{unit}/s")
        )
        parts += [f"step {step.step}", rate, f"{fmt_num(step.step_ms, 'ms')}/step"]
        if step.loss is not None:
            parts.append(f"loss {step.loss:.4f}")
    if sample is not None:
        if sample.gpu_util_pct is not None:
            parts.append(f"GPU {sample.gpu_util_pct:.0f}%")
        if sample.power_w is not None:
            parts.append(f"{sample.power_w:.0f} W")
        if sample.cpu_util_pct is not None:
            parts.append(f"CPU {sample.cpu_util_pct:.0f}%")
    return " | ".join(parts)


def comparison_text(cmp: Comparison, lang: str = "en", width: int | None = None) -> str:
    """The document's table beside the measurements, wrapped to ``width`` columns.

    Columns: aspect, the document's training and inference text (in ``lang``), measured
    training, measured inference, training / inference.
    """
    width = width or max(100, shutil.get_terminal_size((160, 40)).columns)
    cols = column_titles()
    heads = [
        cols["aspect"][lang],
        f"{cols['train'][lang]} (doc)",
        f"{cols['infer'][lang]} (doc)",
        "Training (measured)",
        "Inference (measured)",
        "Training / inference",
    ]
    rows = [[r.aspect[lang], r.doc_train[lang], r.doc_infer[lang], r.measured_train,
             r.measured_infer, r.ratio_text] for r in cmp.rows]
    table = table_text(heads, rows, width, weights=[0.7, 1.0, 1.0, 1.2, 1.2, 1.1])
    title = f"Training vs inference: {cmp.model}"
    if cmp.train is not None:
        title += f" on {cmp.train.device} ({cmp.train.device_name}), {cmp.train.precision}"
    marks = {"confirmed": "✔", "not_confirmed": "✘", "not_measurable": "–"}
    verdicts = ["", "Verdicts (✔ confirmed, ✘ not confirmed here, – not measurable):"]
    for r in cmp.rows:
        if r.verdict is not None:
            verdicts += _hang(f"{marks[r.verdict.status]} {r.aspect[lang]}: ", r.verdict.text,
                              width)
    lists = {"train": cols["train"][lang], "infer": cols["infer"][lang]}
    for mode, heading in lists.items():
        verdicts.append(f"{heading} ({'document list' if lang == 'en' else 'lista do documento'}):")
        for c in cmp.claims:
            if c.claim.mode == mode:
                verdicts += _hang(f"  {marks[c.verdict.status]} ", c.claim.text[lang], width)
                verdicts += _hang("      ", c.verdict.text, width)
    return title + "\n" + table + "\n" + "\n".join(verdicts)


def table_text(columns: list[str], rows: list[list[str]], width: int | None = None,
               weights: list[float] | None = None) -> str:
    """A text table with wrapped cells.

    A rule, then the header and each row, each followed by a rule.

    Column widths share ``width`` (the terminal's by default) in proportion to
    ``weights``; no column gets less than its longest word.
    """
    width = width or max(100, shutil.get_terminal_size((160, 40)).columns)
    if weights is None:  # share the width by how much each column has to say
        weights = [min(60.0, max(len(str(row[i])) for row in [columns, *rows]) + 4.0)
                   for i in range(len(columns))]
    avail = width - 3 * (len(columns) - 1)
    widths = [max(8, int(avail * w / sum(weights))) for w in weights]
    table = [columns, *rows]
    for i in range(len(columns)):
        longest = max((len(word) for row in table for word in str(row[i]).split()), default=1)
        widths[i] = max(widths[i], min(longest, 24))
    rule = "-+-".join("-" * w for w in widths)
    out = []
    for row in table:
        wrapped = [textwrap.wrap(str(c), w, break_on_hyphens=False) or [""]
                   for c, w in zip(row, widths)]
        for k in range(max(len(c) for c in wrapped)):
            out.append(" | ".join(
                (c[k] if k < len(c) else "").ljust(w) for c, w in zip(wrapped, widths)
            ).rstrip())
        out.append(rule)
    return "\n".join([rule, *out])


def _hang(prefix: str, text: str, width: int) -> list[str]:
    """``prefix`` then ``text`` wrapped to ``width`` with a hanging indent."""
    return textwrap.wrap(text, width, initial_indent=prefix,
                         subsequent_indent=" " * min(len(prefix), 8),
                         break_on_hyphens=False) or [prefix]
