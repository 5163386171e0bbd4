"""Let pyqtgraph's SVGExporter read the closed paths that recent Qt writes.

Qt 6 ends closed SVG paths with a bare ``Z`` token (``"M0,0 L9,0 L9,9 Z"``);
pyqtgraph 0.14's ``correctCoordinates`` expects every token to be ``x,y`` and raises
``ValueError`` on it, so every plot's SVG export fails (the view box background is a
closed path). Reported upstream as pyqtgraph issues #3485 and #3495 (fix proposed in
pull request #3458). :func:`install` wraps that function: it takes the ``Z`` tokens out,
lets pyqtgraph transform the coordinates, and puts them back in place. Paths without
``Z`` pass through untouched, so the wrapper is harmless once pyqtgraph is fixed.
"""

from __future__ import annotations

import importlib
from typing import Any

_CLOSE = ("Z", "z")
_installed = False


def _split_closes(d: str) -> tuple[str, list[int]] | None:
    """``"M0,0 L1,0 Z"`` -> ``("M0,0 L1,0", [2])``: the coordinate count before each Z."""
    tokens = d.split()
    if not any(t in _CLOSE for t in tokens):
        return None
    coords: list[str] = []
    closes: list[int] = []
    for token in tokens:
        if token in _CLOSE:
            closes.append(len(coords))
        else:
            coords.append(token)
    return " ".join(coords), closes


def _join_closes(d: str, closes: list[int]) -> str:
    out: list[str] = []
    tokens = d.split()
    pending = list(closes)
    for i, token in enumerate(tokens):
        out.append(token)
        while pending and pending[0] == i + 1:
            out.append("Z")
            pending.pop(0)
    out.extend("Z" for _ in pending)  # a lone "Z" (no coordinates) stays a "Z"
    return " ".join(out)


def install() -> None:
    """Wrap pyqtgraph's SVG coordinate fix-up once; later calls do nothing."""
    global _installed
    if _installed:
        return
    module = importlib.import_module("pyqtgraph.exporters.SVGExporter")
    original = module.correctCoordinates

    def correct_coordinates(node: Any, defs: Any, item: Any, options: Any) -> Any:
        held = []
        for path in node.getElementsByTagName("path"):
            split = _split_closes(path.getAttribute("d"))
            if split is None:
                continue
            coords, closes = split
            if not coords:
                continue  # nothing to transform; leave the path alone
            path.setAttribute("d", coords)
            held.append((path, closes))
        try:
            return original(node, defs, item, options)
        finally:
            for path, closes in held:
                path.setAttribute("d", _join_closes(path.getAttribute("d"), closes))

    module.correctCoordinates = correct_coordinates  # type: ignore[attr-defined]
    _installed = True
