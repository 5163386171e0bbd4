"""The spec every catalog model implements, and the factory that picks one."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

import torch
from torch import nn

from engine.catalog import CATALOG, ModelInfo


class ModelSpec(ABC):
    """Builds a module, makes synthetic batches and computes the loss.

    Subclasses set :attr:`module` in ``__init__`` and build their synthetic data with a
    ``torch.Generator`` seeded from ``seed`` so runs repeat.

    Args:
        info: The catalog entry.
        input_size: Image side (px), feature count or sequence length (tokens).
        batch_size: Samples per batch.
        device: Where batches are made.
        seed: Seeds the data generator.
    """

    module: nn.Module

    def __init__(
        self, info: ModelInfo, input_size: int, batch_size: int, device: torch.device, seed: int
    ) -> None:
        self.info = info
        self.input_size = input_size
        self.batch_size = batch_size
        self.device = device
        self.generator = torch.Generator(device=device)
        self.generator.manual_seed(seed + 1)

    @abstractmethod
    def make_batch(self) -> tuple[Any, torch.Tensor]:
        """A fresh synthetic batch ``(inputs, targets)`` on :attr:`device`."""

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


def preload(model_id: str) -> None:
    """Import the libraries ``model_id`` needs (torchvision, transformers) ahead of time.

    A CPU run's peak memory is counted from after this, so it measures the run (model,
    optimizer, activations), not the libraries' code and tables.
    """
    family = CATALOG[model_id].family
    if family in ("cnn", "vit"):
        import engine.models.vision  # noqa: F401  (imports torchvision)
    elif family == "lm":
        from transformers import GPT2LMHeadModel  # noqa: F401

        import engine.models.gpt2  # noqa: F401


def build_spec(
    model_id: str, input_size: int, batch_size: int, device: torch.device, seed: int,
    max_new_tokens: int = 0,
) -> ModelSpec:
    """Build the spec for ``model_id`` with random weights (nothing is downloaded).

    Raises:
        KeyError: ``model_id`` is not in the catalog (RunConfig validation prevents this).
    """
    info = CATALOG[model_id]
    torch.manual_seed(seed)
    if info.family == "mlp":
        from engine.models.mlp import MlpSpec

        return MlpSpec(info, input_size, batch_size, device, seed)
    if info.family in ("cnn", "vit"):
        from engine.models.vision import VisionSpec

        return VisionSpec(info, input_size, batch_size, device, seed)
    if info.family == "lm":
        from engine.models.gpt2 import Gpt2Spec

        return Gpt2Spec(info, input_size, batch_size, device, seed, max_new_tokens)
    raise KeyError(model_id)
