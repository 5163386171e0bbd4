"""Hand trained weights from a training run to the inference runs that follow it.

Used by the app, ``trainfer compare`` and the ``train-vs-infer`` experiment; the files
are written and read by the run process (:mod:`engine.run.weights`). This module does not
import torch (the GUI process never does).
"""

from __future__ import annotations

import contextlib
import dataclasses
import itertools
import os
import shutil
import tempfile
import threading
from typing import Any

import psutil

from engine.core.config import RunConfig

PREFIX = "trainfer-weights-"


def remove_orphans(parent: str | None = None) -> list[str]:
    """Delete weights directories left by Trainfer processes that no longer run.

    A process killed without cleaning up (SIGKILL, a crash) leaves its
    ``trainfer-weights-<pid>-*`` directory in the temporary folder; the next
    :class:`TrainedWeights` removes it. Directories of live processes are kept.

    Args:
        parent: Where to look (default: the temporary folder).

    Returns:
        The directories removed.
    """
    parent = parent or tempfile.gettempdir()
    removed: list[str] = []
    try:
        names = os.listdir(parent)
    except OSError:
        return removed
    for name in names:
        pid_text = name[len(PREFIX):].split("-", 1)[0]
        if not name.startswith(PREFIX) or not pid_text.isdigit() or psutil.pid_exists(
                int(pid_text)):
            continue
        path = os.path.join(parent, name)
        shutil.rmtree(path, ignore_errors=True)
        if not os.path.exists(path):
            removed.append(path)
    return removed


class TrainedWeights:
    """The weights of this process's latest training run of each model and seed.

    The app, ``trainfer compare`` and the ``train-vs-infer`` experiment pass every run's
    configuration through :meth:`prepare`: a training run is told to save its weights to
    a temporary directory, and an inference run of a model trained since this object was
    made is told to load them. :meth:`record` registers a finished run. The files go
    when :meth:`close` is called; those of a process killed before that go when the
    next one starts (:func:`remove_orphans`). Safe to share between threads
    (the app's experiments record from their worker thread).

    Args:
        directory: Where to keep the files (default: a new temporary directory).
    """

    def __init__(self, directory: str | None = None) -> None:
        self._given = directory
        self._dir: str | None = directory
        self._latest: dict[tuple[str, int], Any] = {}  # (model, seed) -> training Summary
        self._counter = itertools.count(1)
        self._lock = threading.Lock()

    def _directory(self) -> str:
        if self._dir is None:
            remove_orphans()
            self._dir = tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-")
        return self._dir

    def prepare(self, cfg: RunConfig) -> RunConfig:
        """``cfg`` with ``save_weights`` (training) or ``load_weights`` (inference) set.

        An inference run gets the latest trained weights of its model and seed when its
        input size is unset or the trained one; a configuration that names its own
        weights file is returned as it is.
        """
        if cfg.save_weights or cfg.load_weights:
            return cfg
        if cfg.mode == "train":
            with self._lock:
                name = f"{cfg.model}-seed{cfg.seed}-{next(self._counter)}.pt"
                path = os.path.join(self._directory(), name)
            return dataclasses.replace(cfg, save_weights=path)
        latest = self.trained_summary(cfg.model, cfg.seed)
        if latest is None or cfg.input_size not in (None, latest.input_size):
            return cfg
        return dataclasses.replace(cfg, load_weights=latest.saved_weights,
                                   input_size=latest.input_size)

    def trained(self, model: str, seed: int) -> bool:
        """Whether an inference run of ``model`` with ``seed`` would get trained weights."""
        return self.trained_summary(model, seed) is not None

    def trained_summary(self, model: str, seed: int) -> Any:
        """The summary of the training run whose weights inference would get, or ``None``."""
        with self._lock:
            latest = self._latest.get((model, seed))
        return latest if latest is not None and os.path.exists(latest.saved_weights) else None

    def record(self, summary: Any, seed: int) -> None:
        """Register a finished run's summary; a training run's saved weights become latest.

        The previous file of the same model and seed is deleted.
        """
        path = getattr(summary, "saved_weights", "")
        if summary.mode != "train" or not path or not os.path.exists(path):
            return
        key = (summary.model, seed)
        with self._lock:
            old = self._latest.get(key)
            self._latest[key] = summary
        if old is not None and old.saved_weights != path:
            with contextlib.suppress(OSError):
                os.remove(old.saved_weights)

    def close(self) -> None:
        """Delete the files (the directory too, when this object made it)."""
        with self._lock:
            self._close()

    def _close(self) -> None:
        if self._dir is not None and self._given is None:
            shutil.rmtree(self._dir, ignore_errors=True)
            self._dir = None
        elif self._given is not None:
            for summary in self._latest.values():
                with contextlib.suppress(OSError):
                    os.remove(summary.saved_weights)
        self._latest.clear()

