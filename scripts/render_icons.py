"""Render the app icon's PNG sizes from its SVG, with Qt's SVG renderer.

python scripts/render_icons.py    # writes resources/icons/hicolor/NxN/apps/trainfer.png

The SVG (``resources/icons/hicolor/scalable/apps/trainfer.svg``) is the source; run this
after changing it and commit the PNGs. The folder is a freedesktop icon theme tree, so
copying ``resources/icons/hicolor`` into ``~/.local/share/icons/`` installs every size.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

ICONS = Path(__file__).resolve().parents[1] / "resources" / "icons" / "hicolor"
SVG = ICONS / "scalable" / "apps" / "trainfer.svg"
SIZES = (16, 32, 48, 64, 128, 256, 512)
"""The sizes desktops ask for (freedesktop icon theme spec; 512 for app stores)."""


def main() -> int:
    """Write one PNG per size; returns the exit status."""
    app = QGuiApplication.instance() or QGuiApplication(["render_icons", "-platform", "offscreen"])
    renderer = QSvgRenderer(str(SVG))
    if not renderer.isValid():
        print(f"render_icons: {SVG} is not a valid SVG", file=sys.stderr)
        return 1
    for size in SIZES:
        image = QImage(size, size, QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter)
        painter.end()
        out = ICONS / f"{size}x{size}" / "apps" / "trainfer.png"
        out.parent.mkdir(parents=True, exist_ok=True)
        if not image.save(str(out), "PNG"):
            print(f"render_icons: could not write {out}", file=sys.stderr)
            return 1
        print(out.relative_to(ICONS.parents[2]))
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main())
