"""Hand trained weights from a training run to the inference runs that follow it.

Used by the app, ``trainfer compare`` and the ``train-vs-infer`` experiment; the files
are written and read by the run process (:mod:`engine.weights`). This module does not
import torch (the GUI process never does).
"""

from __future__ import annotations

import contextlib
import dataclasses
import itertools
import os
import shutil
import tempfile
from typing import Any

from engine.config import RunConfig


class TrainedWeights:
    """The weights of this process's latest training run of each model and seed.

    The app, ``trainfer compare`` and the ``train-vs-infer`` experiment pass every run's
    configuration through :meth:`prepare`: a training run is told to save its weights to
    a temporary directory, and an inference run of a model trained since this object was
    made is told to load them. :meth:`record` registers a finished run. The files go
    when :meth:`close` is called (or the process exits).

    Args:
        directory: Where to keep the files (default: a new temporary directory).
    """

    def __init__(self, directory: str | None = None) -> None:
        self._given = directory
        self._dir: str | None = directory
        self._latest: dict[tuple[str, int], Any] = {}  # (model, seed) -> training Summary
        self._counter = itertools.count(1)

    def _directory(self) -> str:
        if self._dir is None:
            self._dir = tempfile.mkdtemp(prefix="trainfer-weights-")
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
            name = f"{cfg.model}-seed{cfg.seed}-{next(self._counter)}.pt"
            return dataclasses.replace(cfg, save_weights=os.path.join(self._directory(), name))
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
        old = self._latest.get(key)
        self._latest[key] = summary
        if old is not None and old.saved_weights != path:
            with contextlib.suppress(OSError):
                os.remove(old.saved_weights)

    def close(self) -> None:
        """Delete the files (the directory too, when this object made it)."""
        if self._dir is not None and self._given is None:
            shutil.rmtree(self._dir, ignore_errors=True)
            self._dir = None
        elif self._given is not None:
            for summary in self._latest.values():
                with contextlib.suppress(OSError):
                    os.remove(summary.saved_weights)
        self._latest.clear()

