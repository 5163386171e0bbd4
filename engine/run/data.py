"""Feeding a run from a ``torch.utils.data.DataLoader`` instead of on-device tensors.

The document says training uses "pipelining, DataLoader assíncrono". To measure it, a run
can take its batches from a DataLoader whose dataset does per-sample CPU work, as an image
pipeline does: for the vision models, each image is made at ``side + 32`` pixels, randomly
cropped to ``side``, randomly flipped and normalized (as torchvision's ``RandomCrop``,
``RandomHorizontalFlip`` and ``Normalize`` do); other models take their samples from the
same synthetic task on the CPU. With 0 workers the run process does this work between
steps and the device waits (data starvation); with N workers, pinned memory and
non-blocking copies it overlaps the steps.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import torch
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset

_LENGTH = 1 << 30  # samples are made from their index: an endless epoch
_MEAN, _STD = 0.0, 1.2


class SyntheticDataset(Dataset[tuple[torch.Tensor, torch.Tensor]]):
    """Samples of a model spec's synthetic task, made on the CPU from their index.

    Args:
        spec: A :class:`engine.run.models.ModelSpec` (its prototypes or patterns are copied
            to the CPU).
        seed: Seeds each sample's generator together with its index.
    """

    def __init__(self, spec: Any, seed: int) -> None:
        self.family = spec.info.family
        self.input_size = spec.input_size
        self.seed = seed
        self.prototypes = getattr(spec, "prototypes", None)
        if self.prototypes is not None:
            self.prototypes = self.prototypes.detach().cpu()
        self.patterns = getattr(spec, "patterns", None)
        if self.patterns is not None:
            self.patterns = self.patterns.detach().cpu()

    def __len__(self) -> int:
        return _LENGTH

    def __getitem__(self, index: int) -> tuple[torch.Tensor, torch.Tensor]:
        g = torch.Generator().manual_seed(self.seed * 1_000_003 + index)
        if self.family in ("cnn", "vit"):
            return self._image(g)
        if self.family == "lm":
            assert self.patterns is not None
            which = int(torch.randint(len(self.patterns), (1,), generator=g))
            phase = int(torch.randint(self.patterns.shape[1], (1,), generator=g))
            cols = (torch.arange(self.input_size) + phase) % self.patterns.shape[1]
            tokens = self.patterns[which][cols]
            return tokens, tokens
        assert self.prototypes is not None
        label = torch.randint(len(self.prototypes), (), generator=g)
        x = self.prototypes[label] + torch.randn(self.input_size, generator=g)
        return x, label

    def _image(self, g: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
        assert self.prototypes is not None
        side = self.input_size
        label = torch.randint(len(self.prototypes), (), generator=g)
        big = F.interpolate(self.prototypes[label][None], size=(side + 32, side + 32),
                            mode="nearest")[0]
        big = big + 0.5 * torch.randn(big.shape, generator=g)
        top, left = (int(v) for v in torch.randint(33, (2,), generator=g))
        image = big[:, top:top + side, left:left + side]
        if torch.rand((), generator=g) < 0.5:
            image = image.flip(-1)
        return (image - _MEAN) / _STD, label


def batches(spec: Any, batch_size: int, workers: int, pin_memory: bool, device: torch.device,
            seed: int, channels_last: bool = False) -> Iterator[tuple[Any, torch.Tensor]]:
    """Endless batches from a DataLoader, copied to ``device``.

    Args:
        spec: The model spec whose task the samples come from.
        batch_size: Samples per batch.
        workers: DataLoader worker processes (0: loaded in the run process).
        pin_memory: Page-locked host buffers, so the copy can be non-blocking.
        device: Where batches go.
        seed: Seeds the samples.
        channels_last: Convert images to channels-last after the copy.
    """
    loader = DataLoader(
        SyntheticDataset(spec, seed), batch_size=batch_size, num_workers=workers,
        pin_memory=pin_memory and device.type == "cuda", shuffle=False, drop_last=True,
        persistent_workers=workers > 0, prefetch_factor=4 if workers > 0 else None,
    )
    non_blocking = pin_memory and device.type == "cuda"
    for x, y in loader:
        x = x.to(device, non_blocking=non_blocking)
        y = y.to(device, non_blocking=non_blocking)
        if channels_last and x.dim() == 4:
            x = x.contiguous(memory_format=torch.channels_last)
        yield x, y
