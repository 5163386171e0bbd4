"""What the window remembers between starts, kept with ``QSettings``.

The app opens ``QSettings("Trainfer", "Trainfer")`` (:func:`app_settings`; on Linux
``~/.config/Trainfer/Trainfer.conf``) and hands it to the window, which calls
:func:`restore` once it is built and :func:`save` when it closes. Remembered: the window's
geometry, the positions of its splitters, the selected tab, and the run panel's model,
mode, device, batch size, precision, duration and SSH host.

Every stored value is checked before it is used: one that is damaged or no longer valid
(a model that left the catalog, a GPU that is gone, a batch out of range, geometry that is
not Qt's) is skipped with a logged warning and the default stays, so a bad file never
stops the window from opening. Command-line options are applied after :func:`restore`,
so they win.
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtWidgets import QSplitter

from engine.core.catalog import CATALOG
from engine.core.config import MAX_BATCH, MAX_SECONDS, MAX_STEPS, PRECISIONS
from gui.presentation import MAX_SCALE, MIN_SCALE

if TYPE_CHECKING:
    from gui.main_window import MainWindow

log = logging.getLogger(__name__)

ORGANIZATION = APPLICATION = "Trainfer"
"""QSettings' organization and application names."""

TAB_NAMES = ("live", "compare", "history", "experiments")
"""The tabs in order, as ``--tab`` names them and the settings store them."""


def app_settings() -> QSettings:
    """The user's settings (``~/.config/Trainfer/Trainfer.conf`` on Linux)."""
    return QSettings(ORGANIZATION, APPLICATION)


def _bytes(settings: QSettings, key: str) -> QByteArray | None:
    value = settings.value(key)
    if value is None:
        return None
    if isinstance(value, QByteArray | bytes):
        return QByteArray(value)
    log.warning("settings: %s is not Qt's saved state (%r); using the default", key, value)
    return None


_HOST = re.compile(r"[^\s\-][^\s]{0,252}")
"""A remembered SSH host is one word for ``ssh``: no spaces, not an option (``-``)."""


def stored_text(settings: QSettings, key: str, allowed: Any) -> str | None:
    """The stored text at ``key`` if it is one of ``allowed``, else ``None`` (warned)."""
    value = settings.value(key)
    if value is None:
        return None
    if isinstance(value, str) and value in allowed:
        return value
    log.warning("settings: %s = %r is not one of %s; using the default", key, value,
                ", ".join(map(str, allowed)))
    return None


def stored_number(settings: QSettings, key: str, low: float, high: float) -> float | None:
    """The stored number at ``key`` if it lies in ``[low, high]``, else ``None`` (warned)."""
    value = settings.value(key)
    if value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = float("nan")
    if low <= number <= high:
        return number
    log.warning("settings: %s = %r is not a number from %g to %g; using the default", key,
                value, low, high)
    return None


def splitters(window: MainWindow) -> list[QSplitter]:
    """The window's splitters whose positions are remembered (those with an object name)."""
    return [s for s in window.findChildren(QSplitter) if s.objectName()]


def save(settings: QSettings, window: MainWindow) -> None:
    """Write the window's geometry, splitters, tab and run panel to ``settings``."""
    settings.setValue("window/geometry", window.saveGeometry())
    for splitter in splitters(window):
        settings.setValue(f"splitters/{splitter.objectName()}", splitter.saveState())
    settings.setValue("window/tab", TAB_NAMES[max(0, window.tabs.currentIndex())])
    settings.setValue("presentation/scale", window.presentation.scale)
    panel = window.panel
    settings.setValue("run/model", panel.model_id)
    settings.setValue("run/mode", panel.mode)
    settings.setValue("run/device", panel.device)
    settings.setValue("run/batch_size", panel.batch_spin.value())
    settings.setValue("run/precision", str(panel.precision_combo.currentData()))
    settings.setValue("run/duration_unit", str(panel.duration_unit.currentData()))
    settings.setValue("run/duration", panel.duration_spin.value())
    settings.setValue("run/host", panel.host)
    settings.sync()
    if settings.status() != QSettings.Status.NoError:
        log.warning("settings: could not write %s (%s)", settings.fileName(),
                    settings.status().name)


def restore(settings: QSettings, window: MainWindow) -> None:
    """Apply what ``settings`` remembers to ``window``; skip (and log) what is invalid."""
    if settings.status() != QSettings.Status.NoError:
        log.warning("settings: %s is damaged (%s); what cannot be read takes its default",
                    settings.fileName(), settings.status().name)
    geometry = _bytes(settings, "window/geometry")
    if geometry is not None and not window.restoreGeometry(geometry):
        log.warning("settings: window/geometry cannot be restored; using the default size")
    for splitter in splitters(window):
        key = f"splitters/{splitter.objectName()}"
        state = _bytes(settings, key)
        if state is not None and not splitter.restoreState(state):
            log.warning("settings: %s cannot be restored; using the default positions", key)
    tab = stored_text(settings, "window/tab", TAB_NAMES)
    if tab is not None:
        window.tabs.setCurrentIndex(TAB_NAMES.index(tab))
    scale = stored_number(settings, "presentation/scale", MIN_SCALE, MAX_SCALE)
    if scale is not None:
        window.presentation.scale = scale
    _restore_panel(settings, window)


def _restore_panel(settings: QSettings, window: MainWindow) -> None:
    panel = window.panel
    model = stored_text(settings, "run/model", tuple(CATALOG))
    if model is not None:
        panel.set_model(model)
    mode = stored_text(settings, "run/mode", ("train", "infer"))
    if mode is not None:
        panel.set_mode(mode)
    devices = [panel.device_combo.itemData(i) for i in range(panel.device_combo.count())]
    device = stored_text(settings, "run/device", devices)
    if device is not None:
        panel.set_device(device)
    batch = stored_number(settings, "run/batch_size", 0, MAX_BATCH)
    if batch is not None and batch == int(batch):
        panel.batch_spin.setValue(int(batch))
    elif batch is not None:
        log.warning("settings: run/batch_size = %r is not whole; using the default", batch)
    precision = stored_text(settings, "run/precision", PRECISIONS)
    if precision is not None:
        panel.precision_combo.setCurrentIndex(panel.precision_combo.findData(precision))
    unit = stored_text(settings, "run/duration_unit", ("seconds", "steps"))
    if unit is not None:
        low, high = (1, MAX_STEPS) if unit == "steps" else (0.5, MAX_SECONDS)
        value = stored_number(settings, "run/duration", low, high)
        if value is not None:
            panel.set_duration(value, unit)
    host = settings.value("run/host")
    if isinstance(host, str) and _HOST.fullmatch(host):
        panel.set_host(host)
    elif host not in (None, ""):
        log.warning("settings: run/host = %r is not [USER@]HOST; running on this machine",
                    host)


__all__ = ["APPLICATION", "ORGANIZATION", "TAB_NAMES", "app_settings", "restore", "save"]
