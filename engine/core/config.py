"""Run configuration and its validation.

A :class:`RunConfig` is checked when it is created; anything a user could get wrong
raises :class:`ConfigError`, which names the field and says what is allowed. Checks that
need the hardware (is there a GPU, can this CPU do bf16) happen in
:func:`engine.session.devices.preflight` (NVML, in the GUI or command-line process) and again in
the run process (torch).
"""

from __future__ import annotations

import dataclasses
import os
import re
from dataclasses import dataclass
from typing import Any

from engine.core.catalog import CATALOG
from engine.core.values import Msg, msg

MODES = ("train", "infer")
KERNELS = ("eager", "compile", "cudagraphs")
QUANTIZATIONS = ("none", "int8", "fp8")
FP8_NEEDS_GPU = msg("config.quantize.fp8_needs_gpu")
PRECISIONS = ("fp32", "tf32", "bf16", "fp16")
OPTIMIZERS = ("sgd", "adamw")
_DEVICE_RE = re.compile(r"^(auto|cpu|cuda|cuda:\d+)$")
MAX_SECONDS = 24 * 3600.0
MAX_STEPS = 10_000_000
MAX_BATCH = 1 << 20
MAX_NPROC = 64


class ConfigError(ValueError):
    """A run configuration a user can fix.

    Attributes:
        field: The offending field, as named on the command line without dashes
            (``batch_size``, ``model``, ``device`` ...).
        msg: What is wrong and what is allowed, as a message of the catalogue.
        message: The same in English.
    """

    def __init__(self, field: str, what: Msg) -> None:
        from engine.core.format import text

        self.field = field
        self.msg = what
        self.message = text(what)
        super().__init__(f"{field}: {self.message}")

    def __reduce__(self) -> tuple[Any, ...]:  # picklable across processes
        return (ConfigError, (self.field, self.msg))


@dataclass(frozen=True)
class RunConfig:
    """What to run and how.

    Attributes:
        model: Catalog id (see ``trainfer models``).
        mode: ``"train"`` (forward, loss, backward, optimizer step) or ``"infer"``
            (forward only, ``eval()`` under ``torch.inference_mode()``).
        device: ``"auto"`` (first NVIDIA GPU, else CPU), ``"cpu"``, ``"cuda"`` or ``"cuda:N"``.
        batch_size: Samples per step; ``None`` takes the model's default for the mode and device.
        precision: ``"fp32"`` (TF32 off), ``"tf32"`` (TF32 matmuls on NVIDIA Ampere or newer),
            ``"bf16"`` or ``"fp16"`` (autocast; fp16 training uses a gradient scaler).
        seconds: Length of the measured phase in seconds; exclusive with ``steps``.
        steps: Number of measured steps; exclusive with ``seconds``.
        warmup_steps: Steps run before measuring, reported apart and never averaged in.
        optimizer: ``"sgd"`` (momentum 0.9) or ``"adamw"``; used in training only.
        learning_rate: ``None`` takes the model's default for the optimizer.
        seed: Seeds the weights and the synthetic data.
        input_size: Image side in pixels, feature count, or sequence length in tokens;
            ``None`` takes the model's default for the device.
        loader_workers: ``None`` makes each batch on the device (no input pipeline);
            0 or more feeds the run from a DataLoader with that many worker processes
            (:mod:`engine.run.data`), to measure the data flow.
        pin_memory: With a DataLoader: page-locked buffers and non-blocking copies.
        kernels: ``"eager"`` (PyTorch's kernels, op by op), ``"compile"``
            (``torch.compile``: fused kernels generated for this model) or
            ``"cudagraphs"`` (``torch.compile(mode="reduce-overhead")``: the step replayed
            as a CUDA graph, NVIDIA GPUs only). Compile time is in the first warm-up step.
        quantize: ``"none"``, ``"int8"`` (inference with int8 weights in the linear
            layers: PyTorch's dynamic quantization on the CPU, torchao on a GPU when it is
            installed) or ``"fp8"`` (torchao's float8 weights and activations, NVIDIA
            GPUs of compute capability 8.9 or newer, with ``precision="bf16"``); the
            summary reports how far the outputs moved.
        save_weights: Training only: write the final weights to this path (a Trainfer
            checkpoint, :mod:`engine.run.weights`); ``""`` saves nothing.
        load_weights: Start from the weights in this checkpoint instead of the seed's
            random initialization (same model, input size and seed); ``""``: random.
        heldout_samples: Held-out samples (sequences for language models) to measure the
            final model's accuracy on; ``None`` takes 256 on a GPU and 64 on the CPU
            (32 and 8 sequences); 0 skips the evaluation.
        generate_tokens: Language models in inference only: each step takes the
            ``input_size`` tokens as a prompt and generates this many tokens with a KV
            cache (greedy); 0 runs the forward pass only.
        nproc_per_node: Processes (ranks) on this machine, torchrun's name: 1 runs one
            process; N > 1 starts N ranks through ``torch.distributed``'s elastic launcher
            (:mod:`engine.run.distributed`), one GPU each (NCCL) or N CPU processes (gloo).
            Training wraps the model in ``DistributedDataParallel`` (``batch_size`` is per
            rank); inference runs N independent replicas. Eager kernels only.

    Raises:
        ConfigError: On any value outside what is listed above.
    """

    model: str
    mode: str = "train"
    device: str = "auto"
    batch_size: int | None = None
    precision: str = "fp32"
    seconds: float | None = None
    steps: int | None = None
    warmup_steps: int = 3
    optimizer: str = "adamw"
    learning_rate: float | None = None
    seed: int = 0
    input_size: int | None = None
    generate_tokens: int = 0
    loader_workers: int | None = None
    pin_memory: bool = False
    kernels: str = "eager"
    quantize: str = "none"
    save_weights: str = ""
    load_weights: str = ""
    heldout_samples: int | None = None
    nproc_per_node: int = 1

    def __post_init__(self) -> None:
        if self.model not in CATALOG:
            raise ConfigError("model", msg("config.model.unknown", model=str(self.model),
                                           choices=list(CATALOG)))
        _choice("mode", self.mode, MODES)
        _choice("precision", self.precision, PRECISIONS)
        _choice("optimizer", self.optimizer, OPTIMIZERS)
        _choice("kernels", self.kernels, KERNELS)
        _choice("quantize", self.quantize, QUANTIZATIONS)
        if self.quantize != "none" and self.mode != "infer":
            raise ConfigError("quantize", msg("config.quantize.train"))
        if self.quantize == "fp8" and self.device == "cpu":
            raise ConfigError("quantize", FP8_NEEDS_GPU)
        if self.quantize == "fp8" and self.precision != "bf16":
            raise ConfigError("quantize", msg("config.quantize.fp8_precision"))
        if self.save_weights and os.path.isdir(self.save_weights):
            raise ConfigError("save_weights", msg("config.save_weights.folder",
                                                  path=self.save_weights))
        if self.save_weights and self.mode != "train":
            raise ConfigError("save_weights", msg("config.save_weights.infer"))
        if self.heldout_samples is not None:
            _int_range("heldout_samples", self.heldout_samples, 0, 100_000,
                       msg("config.allowed.heldout_samples", max=100_000))
        if not isinstance(self.device, str) or not _DEVICE_RE.match(self.device):
            raise ConfigError("device", msg("config.device.invalid", value=repr(self.device)))
        if self.batch_size is not None:
            _int_range("batch_size", self.batch_size, 1, MAX_BATCH,
                       msg("config.allowed.batch_size", max=MAX_BATCH))
        if self.seconds is not None and self.steps is not None:
            raise ConfigError("seconds", msg("config.seconds.both"))
        if self.seconds is None and self.steps is None:
            object.__setattr__(self, "seconds", 10.0)
        if self.seconds is not None:
            if isinstance(self.seconds, bool) or not isinstance(self.seconds, (int, float)):
                raise ConfigError("seconds", msg("config.seconds.not_number",
                                                 value=repr(self.seconds)))
            if not (0 < float(self.seconds) <= MAX_SECONDS):
                raise ConfigError("seconds", msg("config.seconds.range", value=f"{self.seconds:g}",
                                                 max=MAX_SECONDS))
            object.__setattr__(self, "seconds", float(self.seconds))
        if self.steps is not None:
            _int_range("steps", self.steps, 1, MAX_STEPS,
                       msg("config.allowed.steps", max=MAX_STEPS))
        _int_range("warmup_steps", self.warmup_steps, 0, 100_000,
                   msg("config.allowed.warmup_steps", max=100_000))
        if self.learning_rate is not None and (
            isinstance(self.learning_rate, bool)
            or not isinstance(self.learning_rate, (int, float))
            or not (0 < self.learning_rate < 10)
        ):
            raise ConfigError("learning_rate", msg("config.learning_rate.range",
                                                   value=repr(self.learning_rate)))
        _int_range("seed", self.seed, 0, 2**63 - 1, msg("config.allowed.seed"))
        if self.input_size is not None:
            info = CATALOG[self.model]
            _int_range(
                "input_size",
                self.input_size,
                info.min_input_size,
                info.max_input_size,
                msg("config.allowed.input_size", what=info.input_size_label,
                    min=info.min_input_size, max=info.max_input_size, model=self.model),
            )
            if self.input_size % info.input_size_multiple:
                raise ConfigError("input_size", msg(
                    "config.input_size.multiple", value=self.input_size,
                    multiple=info.input_size_multiple, model=self.model))

        _int_range("generate_tokens", self.generate_tokens, 0, 4096,
                   msg("config.allowed.generate_tokens"))
        if self.loader_workers is not None:
            _int_range("loader_workers", self.loader_workers, 0, 256,
                       msg("config.allowed.loader_workers", max=256))
        _int_range("nproc_per_node", self.nproc_per_node, 1, MAX_NPROC,
                   msg("config.allowed.nproc_per_node", max=MAX_NPROC))
        if self.nproc_per_node > 1 and self.kernels != "eager":
            raise ConfigError("kernels", msg("config.nproc.kernels", kernels=self.kernels))
        if self.nproc_per_node > 1 and self.device.startswith("cuda:"):
            raise ConfigError("device", msg("config.nproc.device", device=self.device))
        if self.generate_tokens and (
            self.mode != "infer" or not CATALOG[self.model].is_language_model
        ):
            raise ConfigError("generate_tokens", msg("config.generate_tokens.needs_lm"))

    @property
    def device_kind(self) -> str:
        """``"cpu"`` or ``"cuda"`` as requested (``auto`` reports ``"auto"``)."""
        return self.device.split(":")[0]

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict of every field."""
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RunConfig:
        """Build from :meth:`to_dict` output; unknown keys raise :class:`ConfigError`."""
        names = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(data) - names)
        if unknown:
            raise ConfigError(unknown[0], msg("config.unknown_setting", known=sorted(names)))
        return cls(**data)


def torchrun_rank() -> int | None:
    """This process's rank when ``torchrun`` started it with a world of 2 or more, else ``None``.

    torchrun (``torch.distributed.run``) sets ``RANK`` and ``WORLD_SIZE`` for each worker.
    """
    try:
        if int(os.environ.get("WORLD_SIZE", "1")) > 1 and "RANK" in os.environ:
            return int(os.environ["RANK"])
    except ValueError:
        pass
    return None


def setting(field: str) -> Msg:
    """The setting a :class:`ConfigError` names, in words (``batch_size`` -> batch size)."""
    return msg(f"setting.{field}") if field in SETTINGS else msg("setting.other", field=field)


SETTINGS = ("model", "mode", "device", "batch_size", "precision", "seconds", "steps",
            "warmup_steps", "optimizer", "learning_rate", "seed", "input_size",
            "generate_tokens", "loader_workers", "pin_memory", "kernels", "quantize",
            "save_weights", "load_weights", "heldout_samples", "nproc_per_node", "experiment",
            "batches", "out", "host", "remote_trainfer")
"""Fields a user can be asked to change (each has a ``setting.<field>`` message)."""


def _choice(field: str, value: object, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise ConfigError(field, msg("config.choice", value=repr(value), choices=list(allowed)))


def _int_range(field: str, value: object, lo: int, hi: int, allowed: Msg) -> None:
    """``value`` is an integer in ``[lo, hi]``; ``allowed`` says what is allowed."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ConfigError(field, msg("config.int.not_int", value=repr(value), allowed=allowed))
    if not (lo <= value <= hi):
        raise ConfigError(field, msg("config.int.range", value=value, allowed=allowed))
