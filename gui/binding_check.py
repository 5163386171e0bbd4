"""Detect a Qt binding that corrupts Python's reference counts.

PySide6 6.12.0 on Python 3.11 drops one reference to ``None`` on every call of a method
that returns nothing (``QTimer.stop()``, ``QGraphicsItem.update()`` ...) and one to
``True`` on some signal emissions. Python before 3.12 counts references to ``None``, so a
plotting window aborts after a few minutes with "Fatal Python error: none_dealloc".
PySide6 6.11.3 does not do this; from Python 3.12 on, ``None`` is immortal and the bug is
harmless. The check is empirical (it calls a void method and watches the count), so it
needs no list of bad versions.
"""

from __future__ import annotations

import sys

import PySide6
from PySide6.QtCore import QCoreApplication, QObject

_CALLS = 200


def leaks_none_references() -> bool:
    """True when calling a void Qt method drops references to ``None`` (a broken binding)."""
    if sys.version_info >= (3, 12):
        return False  # None is immortal: its count never reaches zero
    probe = QObject()
    before = sys.getrefcount(None)
    for _ in range(_CALLS):
        probe.setObjectName("probe")
    return before - sys.getrefcount(None) >= _CALLS // 2


def binding_problem() -> str | None:
    """A sentence for the user if the Qt binding is known to crash this app, else ``None``."""
    if not leaks_none_references():
        return None
    return QCoreApplication.translate(
        "BindingCheck",
        "PySide6 {0} on Python {1}.{2} loses references to None and will crash this window "
        "within minutes; install another version: pip install 'PySide6-Essentials<6.12'",
    ).format(PySide6.__version__, *sys.version_info[:2])
