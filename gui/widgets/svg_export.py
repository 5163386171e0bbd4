"""A plot as an SVG file whose data sits on its axes in every renderer.

pyqtgraph's ``SVGExporter`` paints each item on its own and glues the pieces together; its
files drew the data in the wrong place (librsvg, Qt's ``QSvgRenderer``, browsers):

- it never calls the scene's ``prepareForPaint``, so after the title is added for the
  export the curves keep the view box's old transform while the axes move (the training
  throughput read about 90 where the app showed 170, a step-time curve fell below the
  x-axis);
- axes and bars are ``QPicture`` recordings, and Qt replays a picture scaled by the SVG
  generator's resolution over the picture's (the screen's logical DPI against 96), which
  moves the axes against the data;
- bars stay ``<rect>`` elements under a data transform (scale ~170 by ~-25) with
  ``vector-effect="non-scaling-stroke"``: librsvg scales their white outline with the
  transform and covers the bars with it.

This module paints the whole plot with Qt's ``QSvgGenerator`` the way the PNG export
paints it into an image (``QGraphicsScene.render`` after ``prepareForPaint``, pictures
replayed at their own resolution), so the geometry is the PNG's by construction. The
generator writes SVG Tiny 1.2 (Qt's SVG 1.1 mode writes clip paths whose state goes stale
after ``QPainter.restore``, which hid legend swatches in librsvg); :func:`flatten` then
rewrites its output into plain SVG 1.1 that no renderer can read differently:

- every shape (``path``, ``polyline``, ``polygon``, ``rect``, ``line``, ``ellipse``,
  ``circle``) is written in the file's own pixel coordinates, with its group's transform
  applied to its points and no ``vector-effect``; cosmetic pens (pyqtgraph's default)
  keep their pixel width, scaled pens get the transform's scale;
- text and images keep a transform (every renderer places those the same way);
- shapes drawn in a view box's data coordinates are clipped to that view box (Qt clips
  them on screen; the generator writes no clip).
"""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator

import pyqtgraph as pg
from pyqtgraph.exporters.Exporter import Exporter
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, QSize
from PySide6.QtGui import QColor, QImage, QPainter, QPicture, QTransform
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import QGraphicsItem

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
_SHAPES = {"path", "polyline", "polygon", "rect", "line", "ellipse", "circle"}
_NUMBER = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"
_TOKEN = re.compile(rf"[A-Za-z]|{_NUMBER}")
_PAIRS = {"M": 1, "L": 1, "T": 1, "Q": 2, "S": 2, "C": 3}
"""Absolute path commands Qt writes (and their point count); others are left alone."""
_MATCH_TOLERANCE = 1e-3
"""Relative tolerance when matching a group's transform to a view box's data transform."""

Matrix = tuple[float, float, float, float, float, float]
"""An SVG ``matrix(a, b, c, d, e, f)``: x' = a x + c y + e, y' = b x + d y + f."""

ET.register_namespace("", SVG_NS)
ET.register_namespace("xlink", XLINK_NS)


def _tag(element: ET.Element) -> str:
    return element.tag.rsplit("}", 1)[-1]


def _svg(name: str) -> str:
    return f"{{{SVG_NS}}}{name}"


def _fmt(value: float) -> str:
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def parse_matrix(text: str) -> Matrix | None:
    """``"matrix(1,0,0,1,5,6)"`` -> ``(1, 0, 0, 1, 5, 6)``; ``None`` for anything else."""
    match = re.fullmatch(r"\s*matrix\(([^)]*)\)\s*", text)
    if match is None:
        return None
    values = [float(v) for v in re.findall(_NUMBER, match.group(1))]
    if len(values) != 6:
        return None
    a, b, c, d, e, f = values
    return a, b, c, d, e, f


def _apply(m: Matrix, x: float, y: float) -> tuple[float, float]:
    a, b, c, d, e, f = m
    return a * x + c * y + e, b * x + d * y + f


def _scale(m: Matrix) -> float:
    """The transform's mean linear scale (how much a stroke width grows)."""
    return math.sqrt(abs(m[0] * m[3] - m[1] * m[2]))


def _points(m: Matrix, text: str) -> str:
    numbers = [float(v) for v in re.findall(_NUMBER, text)]
    pairs = (_apply(m, x, y) for x, y in zip(numbers[0::2], numbers[1::2]))
    return " ".join(f"{_fmt(x)},{_fmt(y)}" for x, y in pairs)


def transform_path(m: Matrix, d: str) -> str | None:
    """Path data ``d`` with ``m`` applied to every point.

    Returns ``None`` if it uses a command (relative, arc, H or V) that is not rewritten
    point by point here.
    """
    tokens = _TOKEN.findall(d)
    out: list[str] = []
    command = ""
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token.isalpha():
            command = token
            i += 1
            if command in ("Z", "z"):
                out.append("Z")
                continue
            if command not in _PAIRS:
                return None
            out.append(command)
            continue
        if command not in _PAIRS or i + 1 >= len(tokens):
            return None
        x, y = _apply(m, float(tokens[i]), float(tokens[i + 1]))
        out.append(f"{_fmt(x)},{_fmt(y)}")
        i += 2
    return " ".join(out)


Point = tuple[float, float]
Subpath = tuple[list[Point], bool]
"""The points of one subpath in file pixels, and whether it is closed."""


def _subpaths(d: str) -> list[Subpath] | None:
    """Path data made of straight lines as subpaths; ``None`` if it has curves."""
    tokens = _TOKEN.findall(d)
    out: list[Subpath] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token in ("M", "L") or not token.isalpha():
            if token == "M" or not out or out[-1][1]:
                out.append(([], False))
            if token.isalpha():
                i += 1
            if i + 1 >= len(tokens) or tokens[i].isalpha():
                return None
            out[-1][0].append((float(tokens[i]), float(tokens[i + 1])))
            i += 2
            while i + 1 < len(tokens) and not tokens[i].isalpha():  # more L points
                out[-1][0].append((float(tokens[i]), float(tokens[i + 1])))
                i += 2
        elif token in ("Z", "z"):
            if out:
                out[-1] = (out[-1][0], True)
            i += 1
        else:
            return None
    return out


def clip_segments(points: list[Point], rect: QRectF) -> list[list[Point]]:
    """An open polyline cut to ``rect`` (Liang-Barsky per segment): the visible pieces."""
    x0, y0, x1, y1 = rect.left(), rect.top(), rect.right(), rect.bottom()
    pieces: list[list[Point]] = []
    for (ax, ay), (bx, by) in zip(points, points[1:]):
        dx, dy = bx - ax, by - ay
        t0, t1 = 0.0, 1.0
        for p, q in ((-dx, ax - x0), (dx, x1 - ax), (-dy, ay - y0), (dy, y1 - ay)):
            if p == 0:
                if q < 0:
                    t0, t1 = 1.0, 0.0
                    break
                continue
            t = q / p
            if p < 0:
                t0 = max(t0, t)
            else:
                t1 = min(t1, t)
        if t0 > t1:
            continue
        start = (ax + t0 * dx, ay + t0 * dy)
        end = (ax + t1 * dx, ay + t1 * dy)
        if pieces and pieces[-1][-1] == start:
            pieces[-1].append(end)
        else:
            pieces.append([start, end])
    return pieces


def clip_polygon(points: list[Point], rect: QRectF) -> list[Point]:
    """A closed polygon cut to ``rect`` (Sutherland-Hodgman); empty when outside."""
    edges = (
        (lambda p: p[0] >= rect.left(), lambda a, b: _cross_x(a, b, rect.left())),
        (lambda p: p[0] <= rect.right(), lambda a, b: _cross_x(a, b, rect.right())),
        (lambda p: p[1] >= rect.top(), lambda a, b: _cross_y(a, b, rect.top())),
        (lambda p: p[1] <= rect.bottom(), lambda a, b: _cross_y(a, b, rect.bottom())),
    )
    out = list(points)
    for inside, cross in edges:
        source, out = out, []
        for i, current in enumerate(source):
            previous = source[i - 1]
            if inside(current):
                if not inside(previous):
                    out.append(cross(previous, current))
                out.append(current)
            elif inside(previous):
                out.append(cross(previous, current))
        if not out:
            break
    return out


def _cross_x(a: Point, b: Point, x: float) -> Point:
    t = (x - a[0]) / (b[0] - a[0])
    return x, a[1] + t * (b[1] - a[1])


def _cross_y(a: Point, b: Point, y: float) -> Point:
    t = (y - a[1]) / (b[1] - a[1])
    return a[0] + t * (b[0] - a[0]), y


def _clipped_path(d: str, rect: QRectF, filled: bool) -> str | None:
    """``d`` (file pixels) cut to ``rect``; ``None`` when it has curves (left as it is)."""
    subpaths = _subpaths(d)
    if subpaths is None:
        return None
    parts: list[str] = []
    for points, closed in subpaths:
        if filled:
            polygon = clip_polygon(points, rect)
            pieces = [polygon] if len(polygon) >= 2 else []
        else:
            pieces = clip_segments(points + points[:1] if closed else points, rect)
        for piece in pieces:
            text = " L".join(f"{_fmt(x)},{_fmt(y)}" for x, y in piece)
            parts.append(f"M{text}" + (" Z" if filled else ""))
    return " ".join(parts)


def _shape_path(element: ET.Element) -> str | None:
    """The element's outline as path data in its own coordinates (``None``: not a shape)."""
    tag = _tag(element)
    get = element.get
    if tag == "path":
        return get("d", "")
    if tag in ("polyline", "polygon"):
        numbers = re.findall(_NUMBER, get("points", ""))
        pairs = [f"{x},{y}" for x, y in zip(numbers[0::2], numbers[1::2])]
        if not pairs:
            return ""
        return "M" + " L".join(pairs) + (" Z" if tag == "polygon" else "")
    if tag == "rect":
        x, y = float(get("x", 0)), float(get("y", 0))
        w, h = float(get("width", 0)), float(get("height", 0))
        return f"M{x},{y} L{x + w},{y} L{x + w},{y + h} L{x},{y + h} Z"
    if tag == "line":
        return f"M{get('x1', 0)},{get('y1', 0)} L{get('x2', 0)},{get('y2', 0)}"
    if tag in ("ellipse", "circle"):
        cx, cy = float(get("cx", 0)), float(get("cy", 0))
        rx = float(get("rx", get("r", 0)))
        ry = float(get("ry", get("r", 0)))
        k = 0.5522847498 * rx, 0.5522847498 * ry  # cubic Bézier quarter-circle constant
        return (f"M{cx + rx},{cy} "
                f"C{cx + rx},{cy + k[1]} {cx + k[0]},{cy + ry} {cx},{cy + ry} "
                f"C{cx - k[0]},{cy + ry} {cx - rx},{cy + k[1]} {cx - rx},{cy} "
                f"C{cx - rx},{cy - k[1]} {cx - k[0]},{cy - ry} {cx},{cy - ry} "
                f"C{cx + k[0]},{cy - ry} {cx + rx},{cy - k[1]} {cx + rx},{cy} Z")
    return None


_GEOMETRY = {"d", "points", "x", "y", "width", "height", "x1", "y1", "x2", "y2", "cx", "cy",
             "r", "rx", "ry", "vector-effect", "transform"}


def _baked(element: ET.Element, m: Matrix, group: ET.Element,
           clip: QRectF | None = None) -> ET.Element | None:
    """``element`` drawn in the parent's coordinates (``m`` applied), cut to ``clip``.

    Cut by geometry, so renderers that ignore ``clip-path`` (Qt's) still draw it inside
    the view. ``None``: the element cannot be rewritten.
    """
    tag = _tag(element)
    source = _shape_path(element)
    if source is None:
        return None
    d = transform_path(m, source) if source else ""
    if d is None:
        return None
    clipped = None
    if clip is not None and d:
        fill = element.get("fill", group.get("fill", "black"))
        clipped = _clipped_path(d, clip, filled=fill != "none" or tag in ("rect", "polygon"))
    if clipped is not None:
        out = ET.Element(_svg("path"))
        out.set("d", clipped)
    elif tag == "polyline" and "C" not in d:
        out = ET.Element(_svg("polyline"))
        out.set("points", _points(m, element.get("points", "")))
    else:
        out = ET.Element(_svg("path"))
        out.set("d", d)
    for key, value in element.attrib.items():
        if key not in _GEOMETRY:
            out.set(key, value)
    cosmetic = element.get("vector-effect") == "non-scaling-stroke"
    if not cosmetic:  # a scaled pen: its width and dashes grow with the transform
        scale = _scale(m)
        width = element.get("stroke-width", group.get("stroke-width"))
        if width is not None:
            out.set("stroke-width", _fmt(float(width) * scale))
        dashes = element.get("stroke-dasharray", group.get("stroke-dasharray"))
        if dashes and dashes != "none":
            out.set("stroke-dasharray", ",".join(
                _fmt(float(v) * scale) for v in re.findall(_NUMBER, dashes)))
    return out


def _matches(m: Matrix, clip_transforms: list[tuple[Matrix, str, QRectF]]
             ) -> tuple[str, QRectF] | None:
    for target, clip_id, rect in clip_transforms:
        size = max(abs(v) for v in target[:4]) or 1.0
        if all(abs(p - q) <= _MATCH_TOLERANCE * max(size, abs(q)) for p, q in zip(m, target)):
            return clip_id, rect
    return None


def _flatten_group(group: ET.Element, m: Matrix, transform: str,
                   clip: QRectF | None) -> list[ET.Element]:
    """The group's children without the group's transform (shapes baked, others wrapped)."""
    out: list[ET.Element] = []
    kept: ET.Element | None = None
    for child in list(group):
        baked = _baked(child, m, group, clip) if _tag(child) in _SHAPES else None
        if baked is not None:
            if baked.get("d") != "":  # nothing of it left inside the view
                out.append(baked)
            kept = None
            continue
        if kept is None:
            kept = ET.Element(_svg("g"), {"transform": transform})
            out.append(kept)
        kept.append(child)
    return out


def _groups(root: ET.Element) -> Iterator[tuple[ET.Element, ET.Element]]:
    """(parent, group) for every ``g`` with a transform, innermost last."""
    for parent in root.iter():
        for child in list(parent):
            if _tag(child) == "g" and child.get("transform"):
                yield parent, child


def flatten(svg: bytes, size: tuple[float, float],
            clips: list[tuple[Matrix, QRectF]] | None = None,
            title: str | None = None) -> bytes:
    """Rewrite Qt's SVG output so that every renderer draws it the same (module docstring).

    Args:
        svg: A document written by ``QSvgGenerator`` (its groups hold only leaf elements).
        size: Width and height of the picture in its own units (px).
        clips: Data transforms of view boxes and the rectangle each clips its data to.
        title: The document's ``<title>``.

    Returns:
        The SVG 1.1 document, UTF-8.
    """
    root = ET.fromstring(svg)
    width, height = size
    root.set("width", _fmt(width))
    root.set("height", _fmt(height))
    root.set("viewBox", f"0 0 {_fmt(width)} {_fmt(height)}")
    root.set("version", "1.1")
    root.attrib.pop("baseProfile", None)
    for child in root:
        if _tag(child) == "title":
            child.text = title or "Trainfer plot"
        elif _tag(child) == "desc":
            child.text = "Made by Trainfer with Qt"
    defs = root.find(_svg("defs"))
    if defs is None:
        defs = ET.Element(_svg("defs"))
        root.insert(0, defs)
    clip_ids: list[tuple[Matrix, str, QRectF]] = []
    for n, (matrix, rect) in enumerate(clips or [], start=1):
        clip_id = f"trainfer-view-{n}"
        clip = ET.SubElement(defs, _svg("clipPath"), {"id": clip_id})
        ET.SubElement(clip, _svg("rect"), {
            "x": _fmt(rect.x()), "y": _fmt(rect.y()),
            "width": _fmt(rect.width()), "height": _fmt(rect.height())})
        clip_ids.append((matrix, clip_id, rect))
    for parent, group in list(_groups(root)):
        m = parse_matrix(group.get("transform", ""))
        if m is None:
            continue
        index = list(parent).index(group)
        match = _matches(m, clip_ids)
        children = _flatten_group(group, m, group.attrib.pop("transform"),
                                  match[1] if match else None)
        for child in list(group):
            group.remove(child)
        for child in children:
            group.append(child)
        if match is not None:  # also as clip-path: for curves and renderers that honour it
            holder = ET.Element(_svg("g"), {"clip-path": f"url(#{match[0]})"})
            parent.remove(group)
            holder.append(group)
            parent.insert(index, holder)
    for element in root.iter():  # SVG 1.1 renderers (Inkscape) do not know it
        if element.get("vector-effect") is not None:
            del element.attrib["vector-effect"]
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def picture_dpi() -> int:
    """The resolution (dots per inch) that ``QPicture`` records at and replays against.

    Qt scales a replayed picture by the target's resolution over this one; giving the
    target this resolution replays pyqtgraph's axes and bars at their recorded size.
    """
    return QPicture().logicalDpiX()


def settle(plot_item: pg.PlotItem) -> None:
    """Lay the plot out as its next paint would, before it is painted for a file.

    An axis learns how wide its tick labels are while it paints, and then asks for a new
    width; a changed range or an added title would otherwise move the view box in the
    middle of the export, after the data was drawn with the old geometry. A paint into a
    tiny image, a layout pass and ``prepareForPaint`` (the view box's transform), until
    the view boxes stop moving, settle it.
    """
    scene = plot_item.scene()
    boxes = list(_view_boxes(plot_item))
    for _ in range(3):
        before = [vb.sceneBoundingRect() for vb in boxes]
        scratch = QImage(8, 8, QImage.Format.Format_ARGB32)
        painter = QPainter(scratch)
        try:
            scene.render(painter, QRectF(0, 0, 8, 8), plot_item.sceneBoundingRect())
        finally:
            painter.end()
        plot_item.layout.activate()
        scene.prepareForPaint()
        if [vb.sceneBoundingRect() for vb in boxes] == before:
            return


def _view_boxes(item: QGraphicsItem) -> Iterator[pg.ViewBox]:
    stack = [item]
    while stack:
        current = stack.pop()
        if isinstance(current, pg.ViewBox):
            yield current
        stack.extend(current.childItems())


def plot_svg(plot_item: pg.PlotItem, title: str | None = None,
             background: QColor | None = None) -> bytes:
    """The plot as an SVG document in its logical size (px), as the PNG export draws it.

    Args:
        plot_item: The plot, already laid out (with its title, if the file has one).
        title: The document's ``<title>`` (metadata only, not drawn).
        background: Painted behind the plot (default white).

    Raises:
        ValueError: The plot has no size yet.
    """
    scene = plot_item.scene()
    source = plot_item.sceneBoundingRect()
    if source.width() <= 0 or source.height() <= 0:
        raise ValueError("the plot has no size yet; show it before exporting")
    settle(plot_item)  # view boxes take their new size's transform (title added)
    source = plot_item.sceneBoundingRect()
    to_file = QTransform.fromTranslate(-source.x(), -source.y())
    clips: list[tuple[Matrix, QRectF]] = []
    for vb in _view_boxes(plot_item):
        t = vb.childGroup.sceneTransform() * to_file
        clips.append(((t.m11(), t.m12(), t.m21(), t.m22(), t.dx(), t.dy()),
                      to_file.mapRect(vb.sceneBoundingRect())))
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    generator = QSvgGenerator(QSvgGenerator.SvgVersion.SvgTiny12)
    generator.setOutputDevice(buffer)
    generator.setResolution(picture_dpi())
    generator.setSize(QSize(math.ceil(source.width()), math.ceil(source.height())))
    generator.setViewBox(QRectF(0, 0, source.width(), source.height()))
    background = QColor("white") if background is None else background
    painter = QPainter(generator)
    exporter = Exporter(plot_item)
    try:
        exporter.setExportMode(True, {"antialias": True, "background": background,
                                      "painter": painter, "resolutionScale": 1.0})
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        painter.fillRect(QRectF(0, 0, source.width(), source.height()), background)
        scene.render(painter, QRectF(0, 0, source.width(), source.height()), source)
    finally:
        exporter.setExportMode(False)
        painter.end()
        buffer.close()
    return flatten(bytes(data.data()), (source.width(), source.height()), clips, title)
