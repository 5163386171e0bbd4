"""Where the ``resources/`` folder (data only) is, in a checkout, an install or a bundle.

One folder, three places it can be:

* a checkout or an editable install (``make run``): ``resources/`` beside ``engine/``;
* an installed wheel (``pip``/``pipx install trainfer-*.whl``): the package data of
  ``trainfer_resources``, which ``setup.py`` maps onto ``resources/`` when it builds;
* the PyInstaller bundle (``packaging/trainfer.spec``): ``resources/`` in the bundle's
  folder (``sys._MEIPASS``), which is also ``engine/``'s parent there.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

PACKAGE = "trainfer_resources"
"""The import name under which a wheel installs ``resources/``."""

MARKER = "document.json"
"""A file every resources folder has: a folder named ``resources`` without it is not ours."""


def _installed() -> list[Path]:
    """The places an install keeps the folder, in order (they need not exist)."""
    found = []
    frozen = getattr(sys, "_MEIPASS", None)  # set by PyInstaller's bootloader
    if frozen:
        found.append(Path(frozen) / "resources")
    found.append(Path(__file__).resolve().parents[2] / "resources")  # engine/core/..
    try:
        spec = importlib.util.find_spec(PACKAGE)
    except (ImportError, ValueError):
        spec = None
    if spec is not None and spec.submodule_search_locations:
        found.extend(Path(p) for p in spec.submodule_search_locations)
    return found


def resources_dir() -> Path:
    """The ``resources/`` folder: ``$TRAINFER_RESOURCES`` if set, else the installed one.

    Raises:
        FileNotFoundError: None is found (a broken install); the message says what to set.
    """
    env = os.environ.get("TRAINFER_RESOURCES")
    if env and Path(env).is_dir():
        return Path(env)
    for path in _installed():
        if (path / MARKER).is_file():
            return path
    raise FileNotFoundError(
        "Trainfer's resources folder was not found; reinstall Trainfer (pip install "
        "trainfer-*.whl, or pip install -e . in a checkout) or set TRAINFER_RESOURCES to "
        "its path"
    )
