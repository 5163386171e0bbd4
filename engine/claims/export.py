"""The comparison table as Markdown, HTML and CSV (for slides, documents and sheets).

Every format carries, per row of the document's tables: the aspect, the document's text
for training and inference (in the chosen language), the measured values, the
training / inference ratio and the verdict; then the bullets of the document's lists with
their verdicts. CSV uses ``.`` decimals whatever the locale (Python's ``repr``).
"""

from __future__ import annotations

import csv
import io
from html import escape
from pathlib import Path

from engine.claims.compare import Comparison, column_titles

FORMATS = ("md", "html", "csv")
_MARKS = {"confirmed": "✔", "not_confirmed": "✘", "not_measurable": "–"}


def _header(lang: str) -> list[str]:
    cols = column_titles()
    return [cols["aspect"][lang], f"{cols['train'][lang]} (document)",
            f"{cols['infer'][lang]} (document)", "Training (measured)",
            "Inference (measured)", "Training / inference", "Verdict"]


def _rows(cmp: Comparison, lang: str) -> list[list[str]]:
    return [[r.aspect[lang], r.doc_train[lang], r.doc_infer[lang], r.measured_train,
             r.measured_infer, r.ratio_text,
             f"{_MARKS[r.verdict.status]} {r.verdict.text}" if r.verdict else ""]
            for r in cmp.rows]


def _claims(cmp: Comparison, lang: str) -> list[list[str]]:
    cols = column_titles()
    return [[cols[c.claim.mode][lang], c.claim.text[lang],
             f"{_MARKS[c.verdict.status]} {c.verdict.text}"] for c in cmp.claims]


def _title(cmp: Comparison) -> str:
    where = ""
    if cmp.train is not None:
        where = f" on {cmp.train.device_name} ({cmp.train.device}), {cmp.train.precision}"
    return f"Training vs inference: {cmp.model}{where}"


def to_markdown(cmp: Comparison, lang: str = "pt") -> str:
    """GitHub-flavoured Markdown: a title, the table, then the lists' claims."""
    def row(cells: list[str]) -> str:
        return "| " + " | ".join(c.replace("|", "\\|").replace("\n", " ") for c in cells) + " |"

    head = _header(lang)
    lines = [f"## {_title(cmp)}", "", row(head), "|" + "---|" * len(head)]
    lines += [row(r) for r in _rows(cmp, lang)]
    lines += ["", "| List | Claim | Verdict |", "|---|---|---|"]
    lines += [row(r) for r in _claims(cmp, lang)]
    return "\n".join(lines) + "\n"


def to_html(cmp: Comparison, lang: str = "pt") -> str:
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
    return (f"<!DOCTYPE html><html lang='{lang}'><head><meta charset='utf-8'>"
            f"<title>{escape(_title(cmp))}</title><style>{style}</style></head><body>"
            f"<h2>{escape(_title(cmp))}</h2>"
            + table(_header(lang), _rows(cmp, lang))
            + table(["List", "Claim", "Verdict"], _claims(cmp, lang))
            + "</body></html>\n")


def to_csv(cmp: Comparison, lang: str = "pt") -> str:
    """CSV: one line per table row (``section`` = ``table``) then per claim (``list``)."""
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["section", "id", *_header(lang), "ratio", "verdict_status"])
    for r, cells in zip(cmp.rows, _rows(cmp, lang)):
        w.writerow(["table", r.id, *cells, "" if r.ratio is None else repr(r.ratio),
                    r.verdict.status if r.verdict else ""])
    for c, cells in zip(cmp.claims, _claims(cmp, lang)):
        w.writerow(["list", c.claim.id, cells[0], cells[1], "", "", "", "", cells[2], "",
                    c.verdict.status])
    return buf.getvalue()


def write(cmp: Comparison, path: str | Path, lang: str = "pt") -> Path:
    """Write ``cmp`` to ``path``; the format comes from the suffix (.md, .html, .csv).

    Raises:
        ValueError: Another suffix.
        OSError: The file cannot be written.
    """
    path = Path(path)
    fmt = path.suffix.lower().lstrip(".")
    writers = {"md": to_markdown, "html": to_html, "htm": to_html, "csv": to_csv}
    if fmt not in writers:
        raise ValueError(f"cannot export the table as {path.name!r}: use .md, .html or .csv")
    path.write_text(writers[fmt](cmp, lang), encoding="utf-8", newline="")
    return path
