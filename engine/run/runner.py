"""The model runner: the module, its optimizer and one step, for every mode.

Training runs forward + loss, backward and the optimizer step; inference the forward
pass under ``torch.inference_mode()``; generation a prefill and token-by-token decoding
with a KV cache. Each part ends with a ``mark()`` so the caller can time it
(:mod:`engine.run.timing`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import torch

from engine.core.catalog import CATALOG
from engine.core.config import RunConfig
from engine.run.device import autocast
from engine.run.models import ModelSpec, build_spec


def _no_mark() -> None:
    pass


class ModelRunner:
    """Holds the model, optimizer and step function for one run.

    Args:
        cfg: What to run.
        device: Where (already resolved and checked, :mod:`engine.run.device`).
        data_seed: Seeds the DataLoader's samples (default ``cfg.seed``; each rank of a
            distributed run its own, :mod:`engine.run.distributed`).
    """

    def __init__(self, cfg: RunConfig, device: torch.device,
                 data_seed: int | None = None) -> None:
        info = CATALOG[cfg.model]
        self.cfg = cfg
        self.device = device
        self.batch_size = cfg.batch_size or info.default_batch_size(cfg.mode, device.type)
        self.input_size = cfg.input_size or info.default_input_size(device.type)
        self.spec: ModelSpec = build_spec(
            cfg.model, self.input_size, self.batch_size, device, cfg.seed, cfg.generate_tokens
        )
        self.generate_tokens = cfg.generate_tokens
        self._loader: Any = None
        if cfg.loader_workers is not None:
            from engine.run.data import batches

            self._loader = batches(
                self.spec, self.batch_size, cfg.loader_workers, cfg.pin_memory, device,
                cfg.seed if data_seed is None else data_seed,
                channels_last=bool(getattr(self.spec, "channels_last", False)),
            )
        module = self.spec.module.to(device)
        if getattr(self.spec, "channels_last", False):
            module = module.to(memory_format=torch.channels_last)
        self.module = module
        self.training = cfg.mode == "train"
        self.optimizer: torch.optim.Optimizer | None = None
        self.scaler: Any = None
        self.learning_rate: float | None = None
        if self.training:
            module.train()
            self.learning_rate = cfg.learning_rate or self.spec.default_learning_rate(
                cfg.optimizer
            )
            params = [p for p in module.parameters() if p.requires_grad]
            if cfg.optimizer == "adamw":
                self.optimizer = torch.optim.AdamW(params, lr=self.learning_rate)
            else:
                self.optimizer = torch.optim.SGD(params, lr=self.learning_rate, momentum=0.9)
            if cfg.precision == "fp16" and device.type == "cuda":
                self.scaler = torch.amp.GradScaler("cuda")
        else:
            module.eval()
        if cfg.kernels != "eager":  # the spec calls the compiled module; params are shared
            mode = "reduce-overhead" if cfg.kernels == "cudagraphs" else "default"
            if device.type == "cpu":  # "No CUDA runtime is found" is no news on the CPU
                logging.getLogger("torch.utils.cpp_extension").setLevel(logging.ERROR)
            self.spec.module = torch.compile(module, mode=mode)  # type: ignore[assignment]
        self.params = sum(p.numel() for p in module.parameters())
        self.param_bytes = sum(p.numel() * p.element_size() for p in module.parameters())

    @contextmanager
    def eager(self) -> Iterator[None]:
        """Run the uncompiled module inside the block (FLOP counting sees every op)."""
        compiled = self.spec.module
        self.spec.module = self.module
        try:
            yield
        finally:
            self.spec.module = compiled

    def next_batch(self) -> tuple[Any, torch.Tensor]:
        """The next batch: from the DataLoader when there is one, else made on the device."""
        if self._loader is not None:
            return next(self._loader)
        return self.spec.make_batch()

    @property
    def tokens_per_sample(self) -> int | None:
        """Tokens a step produces (generation) or reads (forward) per sample."""
        if self.generate_tokens:
            return self.generate_tokens
        return self.spec.tokens_per_sample

    def step(
        self, batch: tuple[Any, torch.Tensor] | None = None, mark: Callable[[], None] = _no_mark
    ) -> torch.Tensor | None:
        """One step; returns the detached loss (training) or ``None`` (inference).

        Args:
            batch: ``(inputs, targets)``; a fresh synthetic batch when ``None``.
            mark: Called after the forward pass (with the loss), after the backward pass
                and after the optimizer step, so the caller can time each part.
        """
        inputs, targets = batch if batch is not None else self.spec.make_batch()
        if self.generate_tokens:
            with torch.inference_mode(), autocast(self.cfg.precision, self.device):
                self.spec.generate(inputs, self.generate_tokens, mark)  # type: ignore[attr-defined]
            return None
        if not self.training:
            with torch.inference_mode(), autocast(self.cfg.precision, self.device):
                self.spec.forward(inputs)
            mark()
            return None
        assert self.optimizer is not None
        with autocast(self.cfg.precision, self.device):
            loss = self.spec.loss(self.spec.forward(inputs), targets)
        mark()
        self.optimizer.zero_grad(set_to_none=True)
        if self.scaler is not None:
            self.scaler.scale(loss).backward()
            mark()
            self.scaler.step(self.optimizer)
            self.scaler.update()
        else:
            loss.backward()
            mark()
            self.optimizer.step()
        mark()
        return loss.detach()

