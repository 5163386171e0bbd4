"""torchvision classifiers (ResNet, ViT) with random weights on prototype images."""

from __future__ import annotations

import torch
import torch.nn.functional as F
import torchvision

from engine.core.catalog import ModelInfo
from engine.run.models.base import ModelSpec

NUM_CLASSES = 1000  # the ImageNet head
DATA_CLASSES = 10  # classes that occur in the synthetic data
PROTOTYPE_SIDE = 8
NOISE_STD = 0.5


class VisionSpec(ModelSpec):
    """A torchvision classifier built with ``weights=None`` (nothing downloaded).

    Data: 10 classes (of the 1000-way ImageNet head), each a 3×8×8 prototype ``~ N(0, 1)``
    upsampled (nearest) to ``input_size``; a sample is its class prototype plus
    ``N(0, 0.5²)`` pixel noise. The classes are separable, so the loss falls from
    ln 1000 ≈ 6.9 within a few steps even on a CPU. The ViT head is drawn
    ``N(0, 0.02²)`` instead of torchvision's zeros, so an untrained ViT's outputs carry
    information. On CUDA, convolutional
    networks run in channels-last layout (as in DESIGN.md's reference numbers).
    """

    def __init__(
        self, info: ModelInfo, input_size: int, batch_size: int, device: torch.device, seed: int,
        max_new_tokens: int = 0,
    ) -> None:
        super().__init__(info, input_size, batch_size, device, seed, max_new_tokens)
        builder = getattr(torchvision.models, info.id)
        if info.family == "vit":
            self.module = builder(weights=None, num_classes=NUM_CLASSES, image_size=input_size)
            # torchvision starts the ViT head at zero (for fine-tuning): the untrained model's
            # logits would all be 0, and quantization's change in outputs would read 0 %.
            head = self.module.get_submodule("heads.head")
            assert isinstance(head, torch.nn.Linear)
            torch.nn.init.normal_(head.weight, std=0.02)
        else:
            self.module = builder(weights=None, num_classes=NUM_CLASSES)
        self.channels_last = info.family == "cnn" and device.type == "cuda"
        self.prototypes = torch.randn(
            DATA_CLASSES, 3, PROTOTYPE_SIDE, PROTOTYPE_SIDE, generator=self.task_generator
        ).to(device)

    @property
    def data_classes(self) -> int:
        """The 10 classes that occur in the data (of the 1000-way head)."""
        return DATA_CLASSES

    def make_batch(
        self, generator: torch.Generator | None = None, batch_size: int | None = None
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """Images ``(batch, 3, side, side)`` float32 and labels ``(batch,)`` int64."""
        g = self.generator if generator is None else generator
        n = batch_size or self.batch_size
        labels = torch.randint(DATA_CLASSES, (n,), generator=g, device=self.device)
        side = self.input_size
        images = F.interpolate(self.prototypes[labels], size=(side, side), mode="nearest")
        images = images + NOISE_STD * torch.randn(images.shape, generator=g, device=self.device)
        if self.channels_last:
            images = images.contiguous(memory_format=torch.channels_last)
        return images, labels

    def loss(self, outputs: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
        """Mean cross-entropy over the batch."""
        return F.cross_entropy(outputs.float(), targets)
