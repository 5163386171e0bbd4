"""The user's preferences (Edit ▸ Preferences…), kept with ``QSettings``.

Kept in the same file as what the window remembers (:mod:`gui.window_settings`), under
``preferences/``: the interface language, the run panel's device when the window opens,
the telemetry sampling rate, how many seconds the Live plots show, the default PNG width
and format of plot exports, and the data folder. Every stored value is checked when it is
read: one that is damaged or invalid is skipped with a warning in the log and the default
used, so a bad file never stops the app. The command line wins over a preference
(``--lang``, ``--data-dir`` and ``$TRAINFER_DATA_DIR``; ``--no-settings`` reads and writes
none). The language and the data folder apply at the next start; the rest at once.
"""

from __future__ import annotations

import logging
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from PySide6.QtCore import QSettings

from gui.widgets.png_size_dialog import MAX_WIDTH, MIN_WIDTH
from gui.window_settings import stored_number, stored_text

log = logging.getLogger(__name__)

LANGUAGES = ("system", "en", "pt_BR")
"""``system`` follows the system's locale."""
LAST_DEVICE = "last"
"""The device preference that keeps the run panel's last choice."""
MIN_HZ, MAX_HZ = 5, 50
"""Sampling rates offered (Hz): below 5 the plots look stepped; above 50 NVML's readings
change no faster (power and energy every 100 ms, utilization every 200 ms)."""
MAX_HISTORY_S = 86_400
"""The longest plot history window (s); 0 is the whole run."""
EXPORT_FORMATS = ("png", "svg")
PREFIX = "preferences/"


@dataclass(frozen=True)
class Preferences:
    """What the user chose in Preferences; the defaults are the app's behaviour without.

    Attributes:
        language: ``"system"``, ``"en"`` or ``"pt_BR"`` (applies at the next start).
        device: The run panel's device when the window opens: ``"last"`` (the one used
            last), ``"auto"``, ``"cpu"`` or ``"cuda:N"``.
        sample_hz: Telemetry sampling rate of new runs (Hz).
        history_s: Seconds of a run the Live plots show, the newest; 0 shows the whole run.
        png_width: Width (px) a PNG export offers first.
        export_format: ``"png"`` or ``"svg"``: the format a plot export offers first.
        data_dir: Where runs are kept (applies at the next start); ``""`` is the default
            folder.
    """

    language: str = "system"
    device: str = LAST_DEVICE
    sample_hz: int = 20
    history_s: int = 0
    png_width: int = 1600
    export_format: str = "png"
    data_dir: str = ""

    def lang(self) -> str | None:
        """The interface language to install, ``None`` for the system's."""
        return None if self.language == "system" else self.language


def _text(settings: QSettings, key: str, allowed: tuple[str, ...]) -> str | None:
    return stored_text(settings, PREFIX + key, allowed)


def _whole(settings: QSettings, key: str, low: int, high: int) -> int | None:
    """A stored whole number in ``[low, high]`` (a fraction is warned about, as a bad value)."""
    number = stored_number(settings, PREFIX + key, low, high)
    if number is None:
        return None
    if number != int(number):
        log.warning("settings: %s%s = %r is not a whole number; using the default", PREFIX,
                    key, number)
        return None
    return int(number)


def _folder(settings: QSettings, key: str) -> str | None:
    value = settings.value(PREFIX + key)
    if value is None or value == "":
        return None
    if isinstance(value, str) and "\0" not in value and Path(value).expanduser().is_absolute():
        return value
    log.warning("settings: %s%s = %r is not a full folder path; using the default", PREFIX,
                key, value)
    return None


def load(settings: QSettings | None, devices: tuple[str, ...] | None = None) -> Preferences:
    """The preferences in ``settings`` (``None``: the defaults), each checked.

    Args:
        settings: Where they are kept.
        devices: The devices the run panel offers; a stored device outside them (a GPU
            that is gone) is skipped. ``None`` accepts ``auto``, ``cpu`` and ``cuda:N``.
    """
    defaults = Preferences()
    if settings is None:
        return defaults
    if devices is None:
        stored = settings.value(PREFIX + "device")
        devices = ("auto", "cpu") + ((stored,) if isinstance(stored, str)
                                     and stored.startswith("cuda:")
                                     and stored[5:].isdigit() else ())
    found = {
        "language": _text(settings, "language", LANGUAGES),
        "device": _text(settings, "device", (LAST_DEVICE, *devices)),
        "sample_hz": _whole(settings, "sample_hz", MIN_HZ, MAX_HZ),
        "history_s": _whole(settings, "history_s", 0, MAX_HISTORY_S),
        "png_width": _whole(settings, "png_width", MIN_WIDTH, MAX_WIDTH),
        "export_format": _text(settings, "export_format", EXPORT_FORMATS),
        "data_dir": _folder(settings, "data_dir"),
    }
    return Preferences(**{k: v for k, v in found.items() if v is not None})  # type: ignore[arg-type]


def save(settings: QSettings | None, prefs: Preferences) -> None:
    """Write ``prefs`` to ``settings`` now (``None``: nothing is written)."""
    if settings is None:
        return
    for key, value in asdict(prefs).items():
        settings.setValue(PREFIX + key, value)
    settings.sync()
    if settings.status() != QSettings.Status.NoError:
        log.warning("settings: could not write %s (%s)", settings.fileName(),
                    settings.status().name)


def data_dir_overridden() -> str:
    """What wins over the data-folder preference now: ``"TRAINFER_DATA_DIR"`` or ``""``."""
    return "TRAINFER_DATA_DIR" if os.environ.get("TRAINFER_DATA_DIR") else ""


def choose_data_dir(cli: str | None, prefs: Preferences) -> tuple[str | None, str]:
    """The data folder to open, and what chose it over the preference.

    ``--data-dir`` first, then ``$TRAINFER_DATA_DIR`` (``None``: the store reads it),
    then the preference, then the user data folder (``None``).

    Returns:
        ``(folder or None, winner)``: ``winner`` is ``"--data-dir"``,
        ``"TRAINFER_DATA_DIR"`` or ``""`` (nothing overrides the preference).
    """
    if cli is not None:
        return cli, "--data-dir"
    winner = data_dir_overridden()
    if winner:
        return None, winner
    return prefs.data_dir or None, ""


__all__ = ["EXPORT_FORMATS", "LANGUAGES", "LAST_DEVICE", "MAX_HISTORY_S", "MAX_HZ", "MIN_HZ",
           "Preferences", "choose_data_dir", "data_dir_overridden", "load", "save"]
