"""The spec every catalog model implements (STYLE.md 7: one interface for every mode)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator
from typing import Any

import torch
from torch import nn

from engine.core.catalog import ModelInfo

HELDOUT_SEED_OFFSET = 1_000_003  # held-out data stream: seed + this (a prime, far from seed + 1)


class ModelSpec(ABC):
    """Builds a module, makes synthetic batches and computes the loss.

    Subclasses set :attr:`module` in ``__init__``. The task's constants (class prototypes,
    token patterns) are drawn on the CPU from :attr:`task_generator` (seeded ``seed + 1``)
    and then moved to the device, so a model trained on a GPU and one evaluated on the CPU
    face the same task. Batches are drawn on the device from :attr:`generator` (seeded
    ``seed + 2``); held-out batches (:meth:`heldout_batches`) from a generator of their
    own, so they never repeat a training batch's draws.

    Args:
        info: The catalog entry.
        input_size: Image side (px), feature count or sequence length (tokens).
        batch_size: Samples per batch.
        device: Where batches are made.
        seed: Seeds the data generator.
        max_new_tokens: Tokens a generation step adds after the prompt (language models;
            sizes the position table), ``0`` otherwise.
    """

    module: nn.Module

    def __init__(
        self, info: ModelInfo, input_size: int, batch_size: int, device: torch.device, seed: int,
        max_new_tokens: int = 0,
    ) -> None:
        self.info = info
        self.input_size = input_size
        self.batch_size = batch_size
        self.device = device
        self.seed = seed
        self.task_generator = torch.Generator().manual_seed(seed + 1)
        self.generator = torch.Generator(device=device)  # the training / inference stream
        self.generator.manual_seed(seed + 2)

    @abstractmethod
    def make_batch(
        self, generator: torch.Generator | None = None, batch_size: int | None = None
    ) -> tuple[Any, torch.Tensor]:
        """A fresh synthetic batch ``(inputs, targets)`` on :attr:`device`.

        Args:
            generator: Draws the batch (default :attr:`generator`, the training stream).
            batch_size: Samples (default :attr:`batch_size`).
        """

    def heldout_batches(self, samples: int, batch_size: int) -> Iterator[tuple[Any, torch.Tensor]]:
        """Batches of held-out data: the same task, drawn from a stream of their own.

        The stream is seeded ``seed + HELDOUT_SEED_OFFSET``, so every run with the same seed
        evaluates on the same held-out samples (a trained model's accuracy is reproduced
        by an inference run that loads its weights).

        Args:
            samples: Samples in all (the last batch may be smaller).
            batch_size: Samples per batch.
        """
        g = torch.Generator(device=self.device)
        g.manual_seed(self.seed + HELDOUT_SEED_OFFSET)
        left = samples
        while left > 0:
            n = min(batch_size, left)
            yield self.make_batch(g, n)
            left -= n

    def correct(self, outputs: torch.Tensor, targets: torch.Tensor) -> tuple[int, int]:
        """``(correct, predictions)`` of top-1 predictions in one batch.

        Classifiers predict one class per sample; language models override this to count
        next tokens.
        """
        return int((outputs.argmax(-1) == targets).sum()), int(targets.numel())

    @property
    def chance_accuracy(self) -> float:
        """Accuracy of a uniform guess among the classes that occur in the data (0-1)."""
        return 1.0 / self.data_classes

    @property
    def data_classes(self) -> int:
        """Classes (or token ids) that occur in the synthetic data."""
        raise NotImplementedError

    def forward(self, inputs: Any) -> torch.Tensor:
        """Run the module; returns logits."""
        return self.module(inputs)

    @abstractmethod
    def loss(self, outputs: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
        """Scalar training loss (mean cross-entropy, nats)."""

    @property
    def tokens_per_sample(self) -> int | None:
        """Tokens in one sample for language models, else ``None``."""
        return self.input_size if self.info.is_language_model else None

    def default_learning_rate(self, optimizer: str) -> float:
        """A learning rate at which this model's loss visibly falls within seconds."""
        return {"sgd": 0.05, "adamw": 1e-3}[optimizer]
