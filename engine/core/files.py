"""Files a command or a run will write: checked before the work that writes them."""

from __future__ import annotations

import os
import tempfile

from engine.core.config import ConfigError
from engine.core.values import msg


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
        raise ConfigError(field, msg("files.is_folder", path=path))
    try:
        os.makedirs(folder, exist_ok=True)
    except (FileExistsError, NotADirectoryError) as exc:  # a file where a folder should be
        raise ConfigError(field, msg("files.part_is_file", path=path,
                                     part=str(exc.filename or folder))) from exc
    except OSError as exc:
        raise ConfigError(field, msg("files.cannot_create_folder", path=path, folder=folder,
                                     reason=str(exc.strerror or exc))) from exc
    try:
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".trainfer-probe-"):
            pass
    except OSError as exc:
        raise ConfigError(field, msg("files.cannot_write", path=path,
                                     reason=str(exc.strerror or exc))) from exc
