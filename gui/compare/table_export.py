"""The Compare tab's table as files: Markdown, HTML, CSV, and a PNG sized for a slide.

The text formats come from :mod:`engine.claims.export`; the PNG is a slide of 1920×1080
(16:9, the usual slide size): one short line per row of the document, in text of 24 px
or more, the long texts left to the other formats (:func:`slide_document`).
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from PySide6.QtGui import QColor, QImage, QPainter, QTextDocument
from PySide6.QtWidgets import QFileDialog, QWidget

from engine.claims.compare import Comparison, headline
from engine.claims.export import slide_header, slide_rows, write
from engine.core.format import text
from gui.translation import Context
from gui.widgets import theme

SLIDE_SIZE = (1920, 1080)
MARGIN_PX = 40


TableExport = Context("TableExport")
"""Translation context of this module's texts outside a QObject."""


MIN_TEXT_PX, MAX_TEXT_PX = 24, 30
"""The slide's body text, in pixels at 1920x1080: at least 24 (read from the back of a
room, issue #12), as large as fits up to 30; the title is 1.4 times that."""


def slide_document(cmp: Comparison, lang: str = "pt",
                   size: tuple[int, int] = SLIDE_SIZE) -> tuple[QTextDocument, int]:
    """The comparison as a slide's text, and the body text size it uses (pixels).

    One line per document row: the aspect, the compared metric of each side in its
    mode's colour, the ratio, and the verdict's mark and status in the verdict's colour.
    The verdicts' reasons, the document's texts and the lists' claims stay in the
    Markdown, HTML and CSV exports. Sizes are for ``size``; at 1280x720 they scale down
    with the slide.
    """
    width, height = size
    k = width / SLIDE_SIZE[0]
    head = slide_header(lang)
    rows = slide_rows(cmp, lang)
    status = [r.verdict.status if r.verdict is not None else "" for r in cmp.rows]
    avail_w, avail_h = width - 2 * MARGIN_PX * k, height - 2 * MARGIN_PX * k
    doc = QTextDocument()
    px = MIN_TEXT_PX
    for px in range(MAX_TEXT_PX, MIN_TEXT_PX - 1, -1):
        doc.setHtml(_slide_html(cmp, lang, head, rows, status, round(px * k)))
        doc.setTextWidth(avail_w)
        if doc.size().height() <= avail_h:
            break
    return doc, px


def _slide_html(cmp: Comparison, lang: str, head: list[str], rows: list[list[str]],
                status: list[str], px: int) -> str:
    colors = [None, theme.TRAIN_COLOR, theme.INFER_COLOR, None, None]
    th = "".join(
        f"<th align='left' style='color:{c or '#000000'}'>{escape(h)}</th>"
        for h, c in zip(head, colors))
    body = []
    for cells, st in zip(rows, status):
        tds = []
        for i, cell in enumerate(cells):
            color = colors[i] if i in (1, 2) else (
                theme.VERDICT_COLORS.get(st, "#000000") if i == 4 else "#000000")
            weight = "bold" if i in (0, 4) else "normal"
            tds.append(f"<td style='color:{color}; font-weight:{weight}'>{escape(cell)}</td>")
        body.append("<tr>" + "".join(tds) + "</tr>")
    return (f"<div style='font-family:sans-serif; font-size:{px}px; color:#000000'>"
            f"<p style='font-size:{round(px * 1.4)}px; font-weight:bold'>"
            f"{escape(text(cmp.title(), lang))}</p>"
            f"<p>{escape(text(headline(cmp), lang))}</p>"
            f"<table width='100%' cellspacing='0' cellpadding='{max(4, px // 3)}'>"
            f"<tr>{th}</tr>{''.join(body)}</table></div>")


def export_slide_png(cmp: Comparison, path: str | Path, lang: str = "pt",
                     size: tuple[int, int] = SLIDE_SIZE) -> Path:
    """Render the comparison as a slide (:func:`slide_document`) to a PNG of ``size``.

    Raises:
        OSError: The image cannot be written.
    """
    width, height = size
    doc, _px = slide_document(cmp, lang, size)
    image = QImage(width, height, QImage.Format.Format_ARGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    margin = MARGIN_PX * width / SLIDE_SIZE[0]
    painter.translate(margin, margin)
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



