"""Files a command or a run will write: checked before the work that writes them."""

from __future__ import annotations

import os
import tempfile

from engine.core.config import ConfigError


def check_writable(path: str, field: str) -> None:
    """Make sure a file can be written at ``path`` before the work that writes it.

    Creates the missing parent folders, refuses a folder, and writes and removes a probe
    file in the target folder (a real file: ``os.access`` says yes to root even on a
    file system where nothing can be created, such as ``/proc``).

    Args:
        path: The file to be written.
        field: The setting that named it (``save_weights``, ``out``), for the error.

    Raises:
        ConfigError: The file cannot be written there; the message says why.
    """
    folder = os.path.dirname(os.path.abspath(path))
    if os.path.isdir(path):
        raise ConfigError(field, f"{path} is a folder; give a file name")
    try:
        os.makedirs(folder, exist_ok=True)
    except (FileExistsError, NotADirectoryError) as exc:  # a file where a folder should be
        raise ConfigError(field, f"cannot write {path}: part of its folder, "
                          f"{exc.filename or folder}, is a file, not a folder") from exc
    except OSError as exc:
        raise ConfigError(field, f"cannot write {path}: cannot create the folder {folder} "
                          f"({exc.strerror or exc}); choose a file in a folder you can "
                          "write to") from exc
    try:
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".trainfer-probe-"):
            pass
    except OSError as exc:
        raise ConfigError(field, f"cannot write {path} ({exc.strerror or exc}); choose a "
                          "file in a folder you can write to") from exc
