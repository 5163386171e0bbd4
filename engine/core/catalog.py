"""The model catalog as plain data: names, defaults and message ids, no torch.

The GUI process reads this module to fill its model list without importing torch
(STYLE.md 13); the run process turns an entry into a module with
:func:`engine.run.models.build_spec`.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from engine.core.values import Msg, msg


@dataclass(frozen=True)
class ModelInfo:
    """One catalog entry.

    Attributes:
        id: Stable identifier used on the command line (``--model``).
        title: Human-readable name.
        family: ``"mlp"``, ``"cnn"``, ``"vit"`` or ``"lm"``.
        task: ``"classification"`` or ``"language-modeling"``.
        sample_unit: What one sample is (``"images"``, ``"vectors"``, ``"sequences"``).
        default_batch_gpu: Default batch size per mode on a GPU, ``{"train": n, "infer": n}``
            (the same in both modes, so a comparison is at one batch size).
        default_batch_cpu: Default batch size per mode on the CPU.
        default_input_size_gpu: Image side (pixels), feature count or sequence length (tokens)
            on a GPU.
        default_input_size_cpu: The same on the CPU, smaller so a CPU run stays interactive.
        min_input_size: Smallest input size the architecture accepts.
        input_size_multiple: Input size must be a multiple of this (ViT patch size).
        max_input_size: Largest input size allowed (GPT-2's context is 1024 tokens; images
            above 1024 px only exhaust memory).
        approx_params: Parameter count at default settings, for display only.
    """

    id: str
    title: str
    family: str
    task: str
    sample_unit: str
    default_batch_gpu: dict[str, int]
    default_batch_cpu: dict[str, int]
    default_input_size_gpu: int
    default_input_size_cpu: int
    min_input_size: int
    input_size_multiple: int
    approx_params: int
    max_input_size: int = 1024

    @property
    def is_language_model(self) -> bool:
        """True for models whose samples are token sequences."""
        return self.task == "language-modeling"

    @property
    def description(self) -> Msg:
        """One paragraph about the model (the GUI shows it under the model list)."""
        return msg(f"model.{self.id}.description")

    @property
    def input_size_label(self) -> Msg:
        """What ``input_size`` means for this model (for labels and messages)."""
        if self.is_language_model:
            return msg("model.input_size.tokens")
        if self.family == "mlp":
            return msg("model.input_size.features")
        return msg("model.input_size.pixels")

    def to_dict(self) -> dict[str, object]:
        """Plain dict (``trainfer models --json``), the description in English."""
        from engine.core.format import text

        d: dict[str, object] = dataclasses.asdict(self)
        d["description"] = text(self.description)
        return d

    def default_batch_size(self, mode: str, device_kind: str) -> int:
        """Default batch size for ``mode`` (train/infer) on ``device_kind`` (cpu/cuda)."""
        table = self.default_batch_gpu if device_kind == "cuda" else self.default_batch_cpu
        return table[mode]

    def default_input_size(self, device_kind: str) -> int:
        """Default input size on ``device_kind`` (``cpu``/``cuda``)."""
        return self.default_input_size_gpu if device_kind == "cuda" else self.default_input_size_cpu


CATALOG: dict[str, ModelInfo] = {
    m.id: m
    for m in (
        ModelInfo(
            id="mlp",
            title="MLP 784-2048-2048-10",  # a name that reads the same in every language
            family="mlp",
            task="classification",
            sample_unit="vectors",
            default_batch_gpu={"train": 4096, "infer": 4096},
            default_batch_cpu={"train": 256, "infer": 256},
            default_input_size_gpu=784,
            default_input_size_cpu=784,
            min_input_size=1,
            input_size_multiple=1,
            approx_params=5_824_522,
            max_input_size=1 << 16,
        ),
        ModelInfo(
            id="resnet18",
            title="ResNet-18",
            family="cnn",
            task="classification",
            sample_unit="images",
            default_batch_gpu={"train": 256, "infer": 256},
            default_batch_cpu={"train": 16, "infer": 16},
            default_input_size_gpu=224,
            default_input_size_cpu=112,
            min_input_size=32,
            input_size_multiple=1,
            approx_params=11_689_512,
        ),
        ModelInfo(
            id="resnet50",
            title="ResNet-50",
            family="cnn",
            task="classification",
            sample_unit="images",
            default_batch_gpu={"train": 256, "infer": 256},
            default_batch_cpu={"train": 8, "infer": 8},
            default_input_size_gpu=224,
            default_input_size_cpu=112,
            min_input_size=32,
            input_size_multiple=1,
            approx_params=25_557_032,
        ),
        ModelInfo(
            id="vit_b_16",
            title="ViT-B/16",
            family="vit",
            task="classification",
            sample_unit="images",
            default_batch_gpu={"train": 128, "infer": 128},
            default_batch_cpu={"train": 4, "infer": 4},
            default_input_size_gpu=224,
            default_input_size_cpu=112,
            min_input_size=16,
            input_size_multiple=16,
            approx_params=86_567_656,
        ),
        ModelInfo(
            id="gpt2",
            title="GPT-2 small (124 M)",
            family="lm",
            task="language-modeling",
            sample_unit="sequences",
            default_batch_gpu={"train": 16, "infer": 16},
            default_batch_cpu={"train": 2, "infer": 2},
            default_input_size_gpu=1024,
            default_input_size_cpu=128,
            min_input_size=2,
            input_size_multiple=1,
            approx_params=124_439_808,
        ),
        ModelInfo(
            id="gpt2-tiny",
            title="GPT-2 tiny",
            family="lm",
            task="language-modeling",
            sample_unit="sequences",
            default_batch_gpu={"train": 64, "infer": 64},
            default_batch_cpu={"train": 8, "infer": 8},
            default_input_size_gpu=256,
            default_input_size_cpu=128,
            min_input_size=2,
            input_size_multiple=1,
            approx_params=6_854_912,
        ),
    )
}


def model_ids() -> list[str]:
    """All catalog ids, in display order."""
    return list(CATALOG)
