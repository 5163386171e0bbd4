"""The comparison table and an experiment's table as Markdown, HTML and CSV.

Comparison: per row of the document's tables, the aspect, the document's text for
training and inference, the measured values, the training / inference ratio and the
verdict; then the bullets of the document's lists with their verdicts. Experiment: a
title, the claim it tests, the verdict, then the table.

Words come from the one formatter (:func:`engine.core.format.text`) in ``lang`` (a UI
language such as ``"en"`` or ``"pt_BR"``; the document's own text follows it). CSV has
numbers in numeric columns: the compared metric of each side with its unit, and the
ratio (comparison); every quantity column in its base unit, the unit in its header
(experiment). CSV uses ``.`` decimals whatever the locale (Python's ``repr``).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Sequence
from html import escape
from pathlib import Path
from typing import Any

from engine.claims.compare import Comparison
from engine.claims.document import column_titles
from engine.claims.experiments import EXPERIMENTS, ExperimentResult
from engine.core.format import document_language, text, unit_label
from engine.core.values import Quantity, msg, ratio

FORMATS = ("md", "html", "csv")
EXPERIMENT_FORMATS = ("md", "csv")
MARKS = {"confirmed": "✔", "not_confirmed": "✘", "not_measurable": "–"}
SLIDE_CELL_CHARS = 40
"""Longest measured text a slide's cell shows (the first clause of the measurement)."""
"""The mark before a verdict, by status."""


def md_row(cells: Sequence[str]) -> str:
    """One Markdown table row, pipes and newlines escaped."""
    return "| " + " | ".join(c.replace("|", "\\|").replace("\n", " ") for c in cells) + " |"


def _md_table(head: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    return [md_row(head), "|" + "---|" * len(head), *(md_row(r) for r in rows)]


def _number(value: float | None) -> str:
    """A CSV number: ``repr`` (``.`` decimals, full precision); ``""`` when missing."""
    return "" if value is None else repr(float(value))


# ---- the comparison ------------------------------------------------------------------


def _header(lang: str) -> list[str]:
    cols = column_titles()
    doc = document_language(lang)
    return [cols["aspect"][doc], text(msg("export.doc_column", column=cols["train"]), lang),
            text(msg("export.doc_column", column=cols["infer"]), lang),
            text(msg("export.measured_train"), lang), text(msg("export.measured_infer"), lang),
            text(msg("export.ratio"), lang), text(msg("export.verdict_column"), lang)]


def _verdict(v: Any, lang: str) -> str:
    return f"{MARKS[v.status]} {text(v.message, lang)}" if v is not None else ""


def comparison_rows(cmp: Comparison, lang: str = "en") -> list[list[str]]:
    """The table's cells in words, one list per document row (see :func:`_header`)."""
    return [[text(r.aspect, lang), text(r.doc_train, lang), text(r.doc_infer, lang),
             text(r.measured_train, lang), text(r.measured_infer, lang),
             text(r.ratio_msg, lang), _verdict(r.verdict, lang)] for r in cmp.rows]


def verdict_status_words(v: Any, lang: str) -> str:
    """The mark and the status part of a verdict.

    ``"✔ confirmed"``, ``"– not measurable yet"``: the words before its first colon;
    ``""`` without a verdict.
    """
    if v is None:
        return ""
    words = text(v.message, lang).split(":", 1)[0].strip()
    return f"{MARKS[v.status]} {words}"


def slide_header(lang: str = "en") -> list[str]:
    """The column titles of :func:`slide_rows`: aspect, measured (each mode), ratio, verdict."""
    cells = _header(lang)
    return [cells[0], cells[3], cells[4], cells[5], cells[6]]


def slide_rows(cmp: Comparison, lang: str = "en") -> list[list[str]]:
    """One short line per document row, for a slide.

    The aspect, the compared metric of each side, the ratio, the verdict's mark and status;
    the long texts stay in the Markdown, HTML and CSV exports.
    """
    def side(value: Any, measured: Any) -> str:
        if value is not None:
            return text(value, lang)
        words = text(measured, lang) if measured is not None else ""
        first = re.split(r";| \(", words, maxsplit=1)[0].strip()  # its first clause
        if not first or first == text(None, lang):
            return "—"
        return first if len(first) <= SLIDE_CELL_CHARS else first[:SLIDE_CELL_CHARS - 1] + "…"

    return [[text(r.aspect, lang), side(r.value_train, r.measured_train),
             side(r.value_infer, r.measured_infer),
             text(ratio(r.ratio), lang) if r.ratio is not None else "",
             verdict_status_words(r.verdict, lang)] for r in cmp.rows]


def claim_rows(cmp: Comparison, lang: str = "en") -> list[list[str]]:
    """The lists' bullets in words: ``[list, claim, verdict]``."""
    cols = column_titles()
    doc = document_language(lang)
    return [[cols[c.claim.mode][doc], text(c.claim.text, lang), _verdict(c.verdict, lang)]
            for c in cmp.claims]


def _claim_header(lang: str) -> list[str]:
    return [text(msg(f"export.{k}"), lang) for k in ("list", "claim", "verdict_column")]


def to_markdown(cmp: Comparison, lang: str = "en") -> str:
    """GitHub-flavoured Markdown: a title, the table, then the lists' claims."""
    lines = [f"## {text(cmp.title(), lang)}", ""]
    lines += _md_table(_header(lang), comparison_rows(cmp, lang))
    lines += ["", *_md_table(_claim_header(lang), claim_rows(cmp, lang))]
    return "\n".join(lines) + "\n"


def to_html(cmp: Comparison, lang: str = "en") -> str:
    """A standalone HTML page with the two tables, training and inference colours."""
    def table(head: list[str], rows: list[list[str]]) -> str:
        th = "".join(f"<th>{escape(h)}</th>" for h in head)
        body = "".join(
            "<tr>" + "".join(f"<td>{escape(c)}</td>" for c in r) + "</tr>" for r in rows)
        return f"<table><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>"

    style = ("body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;"
             "margin-bottom:2em}td,th{border:1px solid #ccc;padding:4px 8px;"
             "vertical-align:top}th{background:#f1f3f5}"
             "td:nth-child(2),td:nth-child(4){background:#FFF4E6}"
             "td:nth-child(3),td:nth-child(5){background:#E7F5FF}")
    title = escape(text(cmp.title(), lang))
    return (f"<!DOCTYPE html><html lang='{document_language(lang)}'><head><meta "
            f"charset='utf-8'><title>{title}</title><style>{style}</style></head><body>"
            f"<h2>{title}</h2>"
            + table(_header(lang), comparison_rows(cmp, lang))
            + table(_claim_header(lang), claim_rows(cmp, lang))
            + "</body></html>\n")


def to_csv(cmp: Comparison, lang: str = "en") -> str:
    """CSV: one line per table row (``section`` = ``table``) then per claim (``list``).

    Numeric columns: ``train_value`` and ``infer_value`` (the row's compared metric, in
    ``unit``), ``ratio`` (training / inference) and ``verdict_factor``.
    """
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["section", "id", *_header(lang), "train_value", "infer_value", "unit",
                "ratio", "verdict_status", "verdict_factor"])
    for r, cells in zip(cmp.rows, comparison_rows(cmp, lang)):
        values = [q for q in (r.value_train, r.value_infer) if q is not None]
        w.writerow(["table", r.id, *cells,
                    _number(r.value_train.value if r.value_train else None),
                    _number(r.value_infer.value if r.value_infer else None),
                    unit_label(values[0], lang) if values else "", _number(r.ratio),
                    r.verdict.status if r.verdict else "",
                    _number(r.verdict.factor if r.verdict else None)])
    for c, cells in zip(cmp.claims, claim_rows(cmp, lang)):
        w.writerow(["list", c.claim.id, cells[0], cells[1], "", "", "", "", cells[2],
                    "", "", "", "", c.verdict.status, _number(c.verdict.factor)])
    return buf.getvalue()


# ---- an experiment -------------------------------------------------------------------


def experiment_title(result: ExperimentResult, lang: str = "en") -> str:
    """``Training vs inference, same model and batch: resnet18 on cpu``."""
    exp = EXPERIMENTS.get(result.name)
    return text(msg("export.experiment_title", title=exp.title if exp else result.name,
                    model=result.model, device=result.device), lang)


def experiment_to_markdown(result: ExperimentResult, lang: str = "en") -> str:
    """A ``##`` title, the claim tested, the verdict, then the table."""
    exp = EXPERIMENTS.get(result.name)
    lines = [f"## {experiment_title(result, lang)}", ""]
    if exp is not None:
        lines += [text(msg("export.claim_tested", claim=exp.claim), lang), ""]
    if result.stopped:
        lines += [text(msg("export.stopped"), lang), ""]
    if result.verdict is not None:
        lines += [text(msg("export.verdict", verdict=result.verdict.message), lang), ""]
    head, rows = result.table.text(lang)
    lines += _md_table(head, rows)
    return "\n".join(lines) + "\n"


def experiment_to_csv(result: ExperimentResult, lang: str = "en") -> str:
    """The table as CSV with numeric columns, after the case's label and status.

    A column of quantities holds plain numbers in their base unit (bytes, ms, J, items/s,
    shares 0-1), the unit in the header (``peak memory (B)``); where its rows differ in
    unit a ``… unit`` column follows it. A column of counts holds integers; the others
    hold their words.
    """
    table = result.table
    columns: list[tuple[int, str, Callable[[Any], str]]] = []  # (cell index, header, cell)
    for i, col in enumerate(table.columns):
        title = text(col.title, lang)
        cells = [row[i] for row in table.rows]
        qs = [c for c in cells if isinstance(c, Quantity)]
        if qs and all(isinstance(c, Quantity) or c is None for c in cells):
            units = {unit_label(c, lang) for c in qs}
            unit = next(iter(units)) if len(units) == 1 else ""
            columns.append((i, f"{title} ({unit})" if unit else title,
                            lambda c: _number(c.value) if c is not None else ""))
            if len(units) > 1:
                columns.append((i, f"{title} unit",
                                lambda c: unit_label(c, lang) if c is not None else ""))
        elif all(c is None or (isinstance(c, int) and not isinstance(c, bool)) for c in cells):
            columns.append((i, title, lambda c: "" if c is None else str(c)))
        else:
            columns.append((i, title, lambda c: "" if c is None else text(c, lang)))
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["case", "status", *[head for _, head, _ in columns]])
    for case, row in zip(result.cases, table.rows):
        w.writerow([case.label, case.status, *[cell(row[i]) for i, _, cell in columns]])
    return buf.getvalue()


# ---- files ---------------------------------------------------------------------------


def write(obj: Comparison | ExperimentResult, path: str | Path, lang: str = "en") -> Path:
    """Write ``obj`` to ``path``; the format comes from the suffix.

    A comparison is written as ``.md``, ``.html`` or ``.csv``; an experiment's table as
    ``.md`` or ``.csv``.

    Raises:
        ValueError: Another suffix (the message says which are allowed).
        OSError: The file cannot be written.
    """
    path = Path(path)
    fmt = path.suffix.lower().lstrip(".")
    writers: dict[str, Callable[[Any, str], str]]
    if isinstance(obj, Comparison):
        writers = {"md": to_markdown, "markdown": to_markdown, "html": to_html,
                   "htm": to_html, "csv": to_csv}
    else:
        writers = {"md": experiment_to_markdown, "markdown": experiment_to_markdown,
                   "csv": experiment_to_csv}
    if fmt not in writers:
        allowed = ".md, .html or .csv" if isinstance(obj, Comparison) else ".md or .csv"
        raise ValueError(text(msg("export.bad_suffix", name=path.name, allowed=allowed)))
    path.write_text(writers[fmt](obj, lang), encoding="utf-8", newline="")
    return path


def suggested_name(result: ExperimentResult, fmt: str) -> str:
    """``trainfer-experiment-precision-resnet18.csv``."""
    return f"trainfer-experiment-{result.name}-{result.model}.{fmt}"
