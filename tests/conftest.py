"""Shared test setup: the fakes folder on sys.path, and Qt blocked when asked.

``TRAINFER_BLOCK_QT=1`` (set by ``make test`` for ``tests/engine``) makes PySide6,
pyqtgraph and qasync unimportable, proving the engine runs on a machine without Qt.
"""

from __future__ import annotations

import importlib.abc
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

BLOCKED = ("PySide6", "shiboken6", "pyqtgraph", "qasync")


class _BlockQt(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):  # noqa: D102
        if name.split(".")[0] in BLOCKED:
            raise ImportError(f"{name} is blocked: the engine must not need Qt")
        return None


if os.environ.get("TRAINFER_BLOCK_QT") == "1":
    sys.meta_path.insert(0, _BlockQt())


import pytest  # noqa: E402


@pytest.fixture(autouse=True, scope="session")
def _private_data_dir(tmp_path_factory):
    """Runs made by tests (and the processes they start) go to a temporary store, never
    the user's."""
    old = os.environ.get("TRAINFER_DATA_DIR")
    os.environ["TRAINFER_DATA_DIR"] = str(tmp_path_factory.mktemp("trainfer-data"))
    yield
    if old is None:
        os.environ.pop("TRAINFER_DATA_DIR", None)
    else:
        os.environ["TRAINFER_DATA_DIR"] = old
