"""An experiment's result table as a file: CSV or GitHub-flavoured Markdown.

The cells are the engine's display text (:attr:`ExperimentResult.rows`), exactly as the
Experiments tab and ``trainfer experiment`` show them. Markdown adds a title line (the
experiment, model and device) and the claim it tests above the table.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QFileDialog, QWidget

from engine.claims.experiments import EXPERIMENTS, ExperimentResult

FORMATS = ("csv", "md")


def _tr(text: str) -> str:
    return QCoreApplication.translate("ExperimentExport", text)


def to_csv(result: ExperimentResult) -> str:
    """The table as CSV: the header, then one line per row."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(result.columns)
    writer.writerows(result.rows)
    return buf.getvalue()


def _md_row(cells: list[str]) -> str:
    return "| " + " | ".join(c.replace("|", "\\|").replace("\n", " ") for c in cells) + " |"


def to_markdown(result: ExperimentResult) -> str:
    """A ``##`` title, the claim tested, the verdict, then the table."""
    exp = EXPERIMENTS.get(result.name)
    title = exp.title if exp is not None else result.name
    lines = [f"## {title}: {result.model} on {result.device}", ""]
    if exp is not None:
        lines += [f"Claim tested: {exp.claim}.", ""]
    if result.stopped:
        lines += ["Stopped before every case had run.", ""]
    if result.verdict is not None:
        lines += [f"Verdict: {result.verdict.text}.", ""]
    lines += [_md_row(result.columns), "|" + "---|" * len(result.columns)]
    lines += [_md_row(row) for row in result.rows]
    return "\n".join(lines) + "\n"


def write_table(result: ExperimentResult, path: str | Path) -> Path:
    """Write the table to ``path`` as ``.csv`` or ``.md`` (chosen by the suffix).

    Raises:
        ValueError: Another suffix.
        OSError: The file cannot be written.
    """
    path = Path(path)
    suffix = path.suffix.lower().lstrip(".")
    if suffix == "csv":
        text = to_csv(result)
    elif suffix in ("md", "markdown"):
        text = to_markdown(result)
    else:
        raise ValueError(f"cannot export {path.name!r}: use a .csv or .md file name")
    path.write_text(text, encoding="utf-8")
    return path


def suggested_name(result: ExperimentResult, fmt: str) -> str:
    """``trainfer-experiment-precision-resnet18.csv``."""
    return f"trainfer-experiment-{result.name}-{result.model}.{fmt}"


def ask_table_path(parent: QWidget | None, suggested: str, fmt: str) -> str:
    """Ask where to save the table as ``fmt`` (``"csv"`` or ``"md"``); ``""``: cancelled.

    Tests replace this function to avoid the modal dialog.
    """
    filters = {"csv": _tr("CSV table (*.csv)"), "md": _tr("Markdown (*.md)")}
    path, _ = QFileDialog.getSaveFileName(
        parent, _tr("Export the experiment's table"), suggested, filters[fmt]
    )
    if path and not path.lower().endswith("." + fmt):
        path += "." + fmt
    return path
