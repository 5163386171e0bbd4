"""Plain-text rendering of summaries, comparisons, tables and progress for the terminal.

Every word comes from the one formatter (:func:`engine.core.format.text`) and the message
catalogue; this module only lays the text out in columns for a terminal.
"""

from __future__ import annotations

import shutil
import textwrap
from collections.abc import Sequence
from typing import Any

from engine.claims.compare import Comparison, change_msg, counter_resets_msg, heldout_value
from engine.claims.document import column_titles
from engine.claims.experiments import memory_method, quantization_note
from engine.claims.verdicts import weights_source
from engine.core.events import Sample, StepStats, Summary
from engine.core.format import document_language, text
from engine.core.progress import step_parts
from engine.core.values import (
    Msg,
    count,
    flop,
    joules,
    millis,
    msg,
    nbytes,
    number,
    percent,
    rate,
    seconds,
    share,
    tflops,
    watts,
)

MARKS = {"confirmed": "✔", "not_confirmed": "✘", "not_measurable": "–"}


def _lines(s: Summary) -> list[tuple[str, Any]]:
    """``(label id, value)`` for every headline number of ``s``."""
    lines: list[tuple[str, Any]] = [
        ("measured", msg("report.measured", steps=count(s.measured_steps, "steps"),
                         seconds=seconds(s.measured_s), warmup=s.warmup_steps)),
        ("throughput", msg("report.throughput_tokens", rate=rate(s.samples_per_s,
                                                                 s.sample_unit),
                           tokens=rate(s.tokens_per_s, "tokens"))
         if s.tokens_per_s is not None else rate(s.samples_per_s, s.sample_unit)),
        ("step_time", msg("report.step_time", median=millis(s.step_ms_median),
                          p95=millis(s.step_ms_p95))),
    ]
    if s.world_size > 1:
        lines.append(("distributed", distributed_msg(s)))
    if s.step_time_share is not None:  # the two clocks: throughput's wall, the steps'
        lines.append(("clocks", msg("report.clocks", share=share(s.step_time_share),
                                    between=share(1 - s.step_time_share))))
    if s.quantized_layers:
        lines.append(("quantization", msg(
            "report.quantization", quantize=s.quantize, layers=quantization_note(s),
            error=percent(100 * (s.output_rel_error or 0)),
            agreement=percent(100 * (s.top1_agreement or 0)))))
    if s.compile_s is not None:
        lines.append(("kernels", msg("report.kernels", kernels=s.kernels,
                                     seconds=seconds(s.compile_s))))
    if s.generated_tokens:
        lines.append(("generation", msg("report.generation",
                                        tokens=count(s.generated_tokens, "tokens"),
                                        prompt=s.input_size, ttft=millis(s.ttft_ms_median),
                                        rate=rate(s.decode_tokens_per_s, "tokens"))))
    split = s.step_split()
    if split is not None:
        lines.append(("step_split", msg("report.step_split", forward=millis(split.forward_ms),
                                        backward=millis(split.backward_ms),
                                        optimizer=millis(split.optimizer_ms),
                                        step=millis(split.step_ms),
                                        stats=msg(f"stat.{split.statistic}s"))))
    if s.flops_per_step:
        mfu = (msg("report.mfu", mfu=percent(s.mfu_pct), peak=tflops(s.peak_tflops))
               if s.mfu_pct is not None else msg("report.mfu_na"))
        lines.append(("compute", msg("report.compute", flops=flop(s.flops_per_step, "step"),
                                     tflops=tflops(s.tflops_per_s), mfu=mfu)))
    what = msg("report.peak.cuda" if s.peak_mem_source == "cuda_max_allocated"
               else "report.peak.rss")
    lines.append(("peak_memory", msg("report.peak", peak=nbytes(s.peak_mem_bytes), what=what)))
    if s.mem_params_bytes is not None:
        lines.append(("memory_split", msg(
            "report.memory_split", params=nbytes(s.mem_params_bytes),
            grads=nbytes(s.mem_grads_bytes), optimizer=nbytes(s.mem_optimizer_bytes),
            inputs=nbytes(s.mem_inputs_bytes), activations=nbytes(s.mem_activations_bytes),
            other=msg("report.other", other=nbytes(s.mem_other_bytes))
            if s.mem_other_bytes is not None else "",
            reserved=msg("report.reserved", reserved=nbytes(s.mem_reserved_bytes))
            if s.mem_reserved_bytes is not None else "")))
        lines.append(("", msg("report.paren", inner=memory_method(s))))
    if s.mode == "train":
        lines.append(("loss", msg("report.loss", first=number(s.loss_first, 4),
                                  last=number(s.loss_last, 4))
                      if s.loss_first is not None and s.loss_last is not None else None))
        lines.append(("optimizer", msg("report.optimizer", optimizer=s.optimizer,
                                       lr=f"{s.learning_rate:g}")))
    change = change_msg(s)
    lines.append(("weights", msg(
        "report.weights", state=msg("report.weights.changed" if s.weights_changed
                                    else "report.weights.unchanged"),
        change=msg("verdict.paren", inner=change) if change else "",
        source=msg("report.weights.source", source=weights_source(s))
        if s.weights_from else "")))
    acc = heldout_value(s)
    if acc is not None:
        lines.append(("heldout", acc))
    if s.saved_weights:
        lines.append(("saved_weights", s.saved_weights))
    if s.energy_j is not None:
        per = joules(s.energy_per_unit_j, "token" if s.is_language_model
                     else s.sample_unit.rstrip("s"))
        label = {"estimated_from_power": msg("report.estimated"),
                 "rapl": msg("row.energy.rapl")}.get(s.energy_source or "", "")
        lines.append(("energy", msg("report.energy", energy=joules(s.energy_j), per=per,
                                    estimated=label)))
        resets = counter_resets_msg(s)
        if resets is not None:
            lines.append(("energy_resets", resets))
        lines.append(("power", msg("report.power", mean=watts(s.mean_power_w),
                                   peak=watts(s.peak_power_w))))
        if s.mean_power_instant_w is not None:
            lines.append(("instant_power", msg("report.instant_power",
                                               mean=watts(s.mean_power_instant_w),
                                               peak=watts(s.peak_power_instant_w))))
        if s.energy_warmup_j is not None:
            lines.append(("warmup_energy", joules(s.energy_warmup_j)))
        lines.append(("gpu_util", msg("report.gpu_util", util=percent(s.mean_gpu_util_pct))))
        if s.mean_sm_activity_pct is not None:
            lines.append(("sm_activity", msg(
                "report.gpm", sm=percent(s.mean_sm_activity_pct),
                tensor=percent(s.mean_tensor_activity_pct),
                dram=percent(s.mean_dram_bw_util_pct))))
    else:
        lines.append(("energy_power", msg("report.na", note=s.telemetry_note_msg
                                          or s.telemetry_note)))
    lines.append(("cpu_util", percent(s.mean_cpu_util_pct)))
    return lines


def distributed_msg(s: Summary) -> Msg:
    """The ranks of a distributed run: each one's rate and, in training, the all-reduce."""
    rates = [rate(r, s.sample_unit) for r in s.rank_samples_per_s]
    if s.mode != "train":
        return msg("report.dist.infer", ranks=s.world_size, nodes=s.nodes,
                   backend=s.dist_backend, rates=rates)
    return msg("report.dist.train", ranks=s.world_size, nodes=s.nodes, backend=s.dist_backend,
               rates=rates, bytes=nbytes(s.allreduce_bytes_per_step),
               ms=millis(s.allreduce_ms_per_step),
               share=share(s.allreduce_step_share),
               overlap=share(s.allreduce_overlap_share),
               method=msg(f"report.dist.method.{s.allreduce_method or 'none'}"))


def summary_text(s: Summary, lang: str = "en",
                 extra: Sequence[tuple[str, Any]] = ()) -> str:
    """A labelled block of every headline number of ``s``, then ``extra`` lines.

    ``extra`` holds ``(label id, value)`` pairs known outside the summary (the scaling
    efficiency against a stored run).
    """
    title = text(msg("report.title", model=s.model, mode=s.mode, device=s.device,
                     device_name=s.device_name, precision=s.precision, batch=s.batch_size,
                     input=s.input_size,
                     stopped=msg("report.stopped_early") if s.stopped_early else ""), lang)
    rows = [(text(msg(f"report.label.{k}"), lang) if k else "", text(v, lang))
            for k, v in [*_lines(s), *extra]]
    width = max([17] + [len(k) + 1 for k, _ in rows])
    return "\n".join([title] + [f"  {k:<{width}}{v}" for k, v in rows])


def progress_text(phase: str, step: StepStats | None, sample: Sample | None,
                  elapsed_s: float, unit: str, lang: str = "en") -> str:
    """One short status line: phase, step, throughput, step time, loss, GPU and CPU."""
    parts = [f"[{phase} {elapsed_s:5.1f} s]"]
    if step is not None:
        parts += [text(p, lang) for p in step_parts(step, unit)]
    if sample is not None:
        if sample.gpu_util_pct is not None:
            parts.append(text(msg("report.gpu_short", util=percent(sample.gpu_util_pct)), lang))
        if sample.power_w is not None:
            parts.append(text(watts(sample.power_w), lang))
        if sample.cpu_util_pct is not None:
            parts.append(text(msg("report.cpu_short", util=percent(sample.cpu_util_pct)), lang))
    return " | ".join(parts)


def comparison_text(cmp: Comparison, lang: str = "en", width: int | None = None,
                    doc: str | None = None) -> str:
    """The document's table beside the measurements, wrapped to ``width`` columns.

    Columns: aspect, the document's training and inference text (in ``doc``, default
    ``lang``'s), measured training, measured inference, training / inference. Then the
    verdict of every row and of every bullet of the document's lists.
    """
    width = width or max(100, shutil.get_terminal_size((160, 40)).columns)
    doc = doc or document_language(lang)
    cols = column_titles()

    def t(value: Any) -> str:
        return text(value, lang, doc)

    heads = [cols["aspect"][doc], t(msg("report.doc_column", column=cols["train"])),
             t(msg("report.doc_column", column=cols["infer"])), t(msg("export.measured_train")),
             t(msg("export.measured_infer")), t(msg("export.ratio"))]
    rows = [[t(r.aspect), t(r.doc_train), t(r.doc_infer), t(r.measured_train),
             t(r.measured_infer), t(r.ratio_msg)] for r in cmp.rows]
    table = table_text(heads, rows, width, weights=[0.7, 1.0, 1.0, 1.2, 1.2, 1.1])
    verdicts = ["", t(msg("report.verdicts"))]
    for r in cmp.rows:
        if r.verdict is not None:
            verdicts += _hang(f"{MARKS[r.verdict.status]} {t(r.aspect)}: ", t(r.verdict.message),
                              width)
    for mode in ("train", "infer"):
        verdicts.append(t(msg("report.list", heading=cols[mode])))
        for c in cmp.claims:
            if c.claim.mode == mode:
                verdicts += _hang(f"  {MARKS[c.verdict.status]} ", t(c.claim.text), width)
                verdicts += _hang("      ", t(c.verdict.message), width)
    from engine.claims.compare import headline

    verdicts += ["", t(headline(cmp))]
    needs = cmp.needs()
    if needs:
        verdicts += _hang("", t(msg("report.needs", runs=[n.title for n in needs])), width)
    return t(cmp.title()) + "\n" + table + "\n" + "\n".join(verdicts)


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


def _hang(prefix: str, body: str, width: int) -> list[str]:
    """``prefix`` then ``body`` wrapped to ``width`` with a hanging indent."""
    return textwrap.wrap(body, width, initial_indent=prefix,
                         subsequent_indent=" " * min(len(prefix), 8),
                         break_on_hyphens=False) or [prefix]


def line(value: Msg | Any, lang: str = "en") -> str:
    """``value`` in words (a message, a quantity ...): the command line's one formatter."""
    return text(value, lang)
