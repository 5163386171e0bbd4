"""Where the ``resources/`` folder (data only) is, in a checkout or an install."""

from __future__ import annotations

import os
from pathlib import Path


def resources_dir() -> Path:
    """The ``resources/`` folder: ``$TRAINFER_RESOURCES`` if set, else the repository's.

    Raises:
        FileNotFoundError: Neither exists (a broken install); the message says what to set.
    """
    env = os.environ.get("TRAINFER_RESOURCES")
    candidates = [Path(env)] if env else []
    candidates.append(Path(__file__).resolve().parents[2] / "resources")  # engine/core/..
    for path in candidates:
        if path.is_dir():
            return path
    raise FileNotFoundError(
        "Trainfer's resources/ folder was not found; run from a checkout (pip install -e .) "
        "or set TRAINFER_RESOURCES to its path"
    )
