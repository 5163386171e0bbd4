"""The Compare tab's table as files: Markdown, HTML, CSV, and a PNG sized for a slide.

The text formats come from :mod:`engine.claims.export`; the PNG renders the same HTML
with Qt's rich-text engine onto a 1920×1080 image (16:9, the usual slide size), scaled
down to fit when the table is long.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSizeF
from PySide6.QtGui import QColor, QImage, QPainter, QTextDocument
from PySide6.QtWidgets import QFileDialog, QWidget

from engine.claims.compare import Comparison
from engine.claims.export import to_html, write
from gui.translation import Context

SLIDE_SIZE = (1920, 1080)
MARGIN_PX = 40


TableExport = Context("TableExport")
"""Translation context of this module's texts outside a QObject."""


def export_slide_png(cmp: Comparison, path: str | Path, lang: str = "pt",
                     size: tuple[int, int] = SLIDE_SIZE) -> Path:
    """Render the comparison to a PNG of ``size`` pixels (default 1920×1080).

    Raises:
        OSError: The image cannot be written.
    """
    width, height = size
    doc = QTextDocument()
    doc.setDefaultStyleSheet("td, th { padding: 4px; }")
    doc.setHtml(to_html(cmp, lang))
    avail_w, avail_h = width - 2 * MARGIN_PX, height - 2 * MARGIN_PX
    scale = 0.4
    for tenths in range(20, 3, -1):  # the largest text that fits the slide (2× down to 0.4×)
        s = tenths / 10
        doc.setTextWidth(avail_w / s)
        content: QSizeF = doc.size()
        if content.height() * s <= avail_h:
            scale = s
            break
    doc.setTextWidth(avail_w / scale)
    image = QImage(width, height, QImage.Format.Format_ARGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    painter.translate(MARGIN_PX, MARGIN_PX)
    painter.scale(scale, scale)
    doc.drawContents(painter)
    painter.end()
    path = Path(path)
    if not image.save(str(path), "PNG"):  # type: ignore[call-overload]  # stub: bytes
        raise OSError(f"could not write {path}")
    return path


def export_table(cmp: Comparison, path: str | Path, lang: str = "pt") -> Path:
    """Write the table to ``path``: .png (a slide), .md, .html or .csv.

    Raises:
        ValueError: Another suffix.
        OSError: The file cannot be written.
    """
    if str(path).lower().endswith(".png"):
        return export_slide_png(cmp, path, lang)
    return write(cmp, path, lang)


def ask_table_path(parent: QWidget | None, suggested: str) -> str:
    """Ask where to save the table; the chosen filter decides the suffix."""
    filters = {
        TableExport.tr("PNG image for a slide, 1920×1080 (*.png)"): ".png",
        TableExport.tr("Markdown (*.md)"): ".md",
        TableExport.tr("HTML page (*.html)"): ".html",
        TableExport.tr("CSV table (*.csv)"): ".csv",
    }
    path, chosen = QFileDialog.getSaveFileName(
        parent, TableExport.tr("Export the comparison table"), suggested, ";;".join(filters),
        options=QFileDialog.Option(0),
    )
    if path and not path.lower().endswith((".png", ".md", ".html", ".htm", ".csv")):
        path += filters.get(chosen, ".png")
    return path



