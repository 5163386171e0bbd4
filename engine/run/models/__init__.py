"""Model specs: one interface for every model and mode (STYLE.md 7), and their registry.

:data:`SPECS` maps a catalog family to the module and class that implement it; a model's
module is imported when it is first built (or preloaded), so a run imports torchvision or
transformers only when its model needs them. The GUI process never imports this package
(it reads :mod:`engine.core.catalog`).
"""

from __future__ import annotations

import importlib

import torch

from engine.core.catalog import CATALOG
from engine.run.models.base import ModelSpec

SPECS: dict[str, tuple[str, str]] = {
    "mlp": ("engine.run.models.mlp", "MlpSpec"),
    "cnn": ("engine.run.models.vision", "VisionSpec"),
    "vit": ("engine.run.models.vision", "VisionSpec"),
    "lm": ("engine.run.models.gpt2", "Gpt2Spec"),
}
"""Catalog family -> ``(module, class)`` of its :class:`ModelSpec`."""


def spec_class(family: str) -> type[ModelSpec]:
    """The :class:`ModelSpec` subclass of ``family`` (importing its module and library).

    Raises:
        KeyError: No spec is registered for ``family``.
    """
    module, name = SPECS[family]
    cls = getattr(importlib.import_module(module), name)
    assert issubclass(cls, ModelSpec)
    return cls


def preload(model_id: str) -> None:
    """Import the libraries ``model_id`` needs (torchvision, transformers) ahead of time.

    A CPU run's peak memory is counted from after this, so it measures the run (model,
    optimizer, activations), not the libraries' code and tables. That includes
    ``torch._dynamo`` (and sympy under it): ``torch.optim``'s optimizers import it when the
    first one is built, about 1.4 s and 95 MiB of resident memory on a 2-core CPU with
    torch 2.14, which a training run's peak used to count as its own.
    """
    import torch._dynamo  # noqa: F401 - see above

    spec_class(CATALOG[model_id].family)


def build_spec(
    model_id: str, input_size: int, batch_size: int, device: torch.device, seed: int,
    max_new_tokens: int = 0,
) -> ModelSpec:
    """Build the spec for ``model_id`` with random weights (nothing is downloaded).

    The weights are drawn from ``torch.manual_seed(seed)`` on the CPU, so the same seed
    gives the same model on any device.

    Raises:
        KeyError: ``model_id`` is not in the catalog (RunConfig validation prevents this).
    """
    info = CATALOG[model_id]
    torch.manual_seed(seed)
    return spec_class(info.family)(info, input_size, batch_size, device, seed, max_new_tokens)


__all__ = ["SPECS", "ModelSpec", "build_spec", "preload", "spec_class"]
