"""What training did to the weights, and what inference does with them.

The document's first row (*Objetivo*) says training adjusts the weights and inference uses
them to predict. A run measures both sides:

* the **parameter change** ``‖θ_end − θ_start‖₂`` over all trainable parameters, and its
  size relative to ``‖θ_start‖₂``. ``θ_start`` is not kept in memory during the run (on
  the CPU that copy would count as the run's memory): it is rebuilt afterwards from the
  seed (the weights are initialized on the CPU from ``torch.manual_seed(seed)``, so the
  rebuild is bit-identical) or read back from the checkpoint the run started from;
* the **held-out accuracy**: top-1 accuracy (next-token accuracy for language models) on
  samples of the same synthetic task drawn from a stream no training step uses
  (:meth:`engine.run.models.ModelSpec.heldout_batches`), in eval mode, untimed, after the
  measured phase.

A training run can save its final weights (``RunConfig.save_weights``) and an inference
run can start from them (``RunConfig.load_weights``);
:class:`engine.session.handover.TrainedWeights` (which does not import torch) does that
hand-over for the app, ``trainfer compare`` and the ``train-vs-infer`` experiment, so
inference after training predicts with the trained model.
"""

from __future__ import annotations

import contextlib
import os
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch

from engine.core.config import ConfigError, RunConfig
from engine.core.format import fmt_count

FORMAT = "trainfer-weights-1"
HELDOUT_SAMPLES = {"cuda": 256, "cpu": 64}  # classifiers: samples
HELDOUT_SEQUENCES = {"cuda": 32, "cpu": 8}  # language models: sequences of input_size tokens


@dataclass(frozen=True)
class Checkpoint:
    """Weights saved by a training run, with what they were trained on.

    Attributes:
        model, input_size, seed: Catalog id, input size and seed (the seed fixes the
            synthetic task, so weights only fit runs with the same seed).
        state_dict: The module's ``state_dict`` on the CPU.
        steps: Optimizer steps taken (warm-up and measured).
        loss_last: Training loss of the last measured step.
        device, precision: Where and how it was trained.
        saved_unix_s: When it was saved (Unix seconds).
        weights_id: A random id written with the file (``""`` in files of older
            versions): a run that loads it reports it as ``Summary.weights_from_id``, so
            the training run that made these weights (``Summary.saved_weights_id``) can
            be told from another.
    """

    model: str
    input_size: int
    seed: int
    state_dict: dict[str, torch.Tensor]
    steps: int
    loss_last: float | None
    device: str
    precision: str
    saved_unix_s: float
    weights_id: str = ""

    def describe(self) -> str:
        """One line for summaries: ``"trained 120 steps on cuda:0 (fp32), loss 0.412"``."""
        loss = f", loss {self.loss_last:.3f}" if self.loss_last is not None else ""
        return f"trained {fmt_count(self.steps, 'step')} on {self.device} ({self.precision}){loss}"


def save(path: str, module: torch.nn.Module, cfg: RunConfig, input_size: int, steps: int,
         loss_last: float | None, device: torch.device) -> str:
    """Write ``module``'s weights to ``path`` (atomically: a temporary file, then rename).

    Returns:
        The file's ``weights_id`` (see :class:`Checkpoint`).

    Raises:
        OSError: The file cannot be written.
    """
    state = {k: v.detach().cpu() for k, v in module.state_dict().items()}
    weights_id = uuid.uuid4().hex
    payload = {"weights_id": weights_id,
        "format": FORMAT, "model": cfg.model, "input_size": input_size, "seed": cfg.seed,
        "steps": steps, "loss_last": loss_last, "device": str(device),
        "precision": cfg.precision, "saved_unix_s": time.time(), "state_dict": state,
    }
    target = Path(path)
    partial = target.with_name(target.name + ".partial")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        torch.save(payload, partial)
        os.replace(partial, target)
    except Exception as exc:  # torch.save raises RuntimeError for a file it cannot open
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)
        raise OSError(f"cannot write {path}: {exc}") from exc
    return weights_id


def check_writable(path: str) -> None:
    """Make sure :func:`save` will be able to write ``path`` (before a run, not after it).

    Creates the missing parent folders, then writes and removes the temporary file
    :func:`save` would use.

    Raises:
        ConfigError: The file cannot be written (field ``save_weights``).
    """
    target = Path(path)
    probe = target.with_name(target.name + ".partial")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(probe, "wb") as f:
            f.write(b"trainfer")
        probe.unlink()
    except (FileExistsError, NotADirectoryError) as exc:  # a file where a folder should be
        raise ConfigError("save_weights", f"cannot write {path}: part of its folder, "
                          f"{exc.filename or target.parent}, is a file, not a folder") from exc
    except OSError as exc:
        raise ConfigError("save_weights", f"cannot write {path} ({exc.strerror or exc}); "
                          "choose a file in a folder you can write to") from exc


def read(path: str) -> Checkpoint:
    """Read a checkpoint written by :func:`save` (tensors only: ``weights_only=True``).

    Raises:
        ConfigError: Missing, unreadable or not a Trainfer checkpoint (field
            ``load_weights``).
    """
    try:
        payload = torch.load(path, map_location="cpu", weights_only=True)
    except FileNotFoundError as exc:
        raise ConfigError("load_weights", f"{path}: no such file; train first with "
                          "--save-weights PATH") from exc
    except Exception as exc:  # pickle, zip and torch errors all mean "not readable"
        # torch's own text suggests weights_only=False, which would run code from the
        # file: only the kind of error is quoted.
        raise ConfigError("load_weights", f"{path} is damaged or not a weights file "
                          f"({type(exc).__name__}); give a file written by trainfer run "
                          "--mode train --save-weights PATH") from exc
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        raise ConfigError("load_weights", f"{path} was not written by Trainfer "
                          "(trainfer run --mode train --save-weights PATH writes one)")
    try:
        return Checkpoint(
            model=str(payload["model"]), input_size=int(payload["input_size"]),
            seed=int(payload["seed"]), state_dict=dict(payload["state_dict"]),
            steps=int(payload["steps"]), loss_last=payload["loss_last"],
            device=str(payload["device"]), precision=str(payload["precision"]),
            saved_unix_s=float(payload["saved_unix_s"]),
            weights_id=str(payload.get("weights_id", "")),
        )
    except (KeyError, TypeError, ValueError) as exc:
        what = (f"its {exc} field is missing" if isinstance(exc, KeyError)
                else f"a field is unreadable ({exc})")
        raise ConfigError("load_weights", f"{path} is damaged: {what}; train again with "
                          "--save-weights PATH") from exc


def load_into(module: torch.nn.Module, ckpt: Checkpoint, cfg: RunConfig, input_size: int,
              path: str) -> None:
    """Copy ``ckpt``'s weights into ``module`` in place (device and layout kept).

    Raises:
        ConfigError: The checkpoint is of another model, input size or seed.
    """
    if ckpt.model != cfg.model:
        raise ConfigError("load_weights", f"{path} holds {ckpt.model} weights, not "
                          f"{cfg.model}; use --model {ckpt.model}")
    if ckpt.input_size != input_size:
        raise ConfigError("load_weights", f"{path} was trained at input size "
                          f"{ckpt.input_size}, this run uses {input_size}; use "
                          f"--input-size {ckpt.input_size}")
    if ckpt.seed != cfg.seed:
        raise ConfigError("load_weights", f"{path} was trained on the task of seed "
                          f"{ckpt.seed}; use --seed {ckpt.seed}")
    try:
        module.load_state_dict(ckpt.state_dict)
    except RuntimeError as exc:
        raise ConfigError("load_weights", f"{path} does not fit this model: {exc}") from exc


def initial_parameters(runner: Any, ckpt: Checkpoint | None) -> dict[str, torch.Tensor]:
    """The run's starting parameters on the CPU, by name.

    From ``ckpt`` when the run loaded one, else rebuilt from the seed (see the module
    docstring); ``runner`` is the loop's runner (its ``cfg``, ``input_size``).
    """
    if ckpt is not None:
        return ckpt.state_dict
    from engine.run.models import build_spec

    cfg = runner.cfg
    spec = build_spec(cfg.model, runner.input_size, 1, torch.device("cpu"), cfg.seed,
                      cfg.generate_tokens)
    return {name: p.detach() for name, p in spec.module.named_parameters()}


def parameter_change(module: torch.nn.Module,
                     start: dict[str, torch.Tensor]) -> tuple[float, float] | None:
    """``(‖θ − θ_start‖₂, ‖θ − θ_start‖₂ / ‖θ_start‖₂)`` over the trainable parameters.

    Computed in float64, one parameter at a time on its own device. Sync point: one
    ``.item()`` per norm. Returns ``None`` when the parameters do not match ``start`` by
    name and shape (a quantized model's weights are packed, not parameters).
    """
    named = list(module.named_parameters())
    if not named or any(n not in start or start[n].shape != p.shape for n, p in named):
        return None
    diff = torch.zeros((), dtype=torch.float64, device=named[0][1].device)
    base = torch.zeros_like(diff)
    with torch.no_grad():
        for name, p in named:
            p0 = start[name].to(p.device, torch.float64)
            diff += (p.detach().double() - p0).square().sum()
            base += p0.square().sum()
    change = diff.sqrt().item()
    norm = base.sqrt().item()
    return change, (change / norm if norm > 0 else float("inf"))


def heldout_samples(cfg: RunConfig, device: torch.device, language_model: bool) -> int:
    """How many held-out samples (sequences for language models) a run evaluates."""
    if cfg.heldout_samples is not None:
        return cfg.heldout_samples
    table = HELDOUT_SEQUENCES if language_model else HELDOUT_SAMPLES
    return table["cuda" if device.type == "cuda" else "cpu"]


HELDOUT_CHUNK = 8
"""Held-out samples are drawn and evaluated in chunks of this size, whatever the run's
batch size, so every run with the same seed sees the same samples."""


def heldout_accuracy(runner: Any, samples: int, autocast: Any,
                     should_stop: Any = None) -> tuple[float, int] | None:
    """Top-1 accuracy of ``runner``'s model on ``samples`` held-out samples.

    The model is put in eval mode (batch norm uses its running statistics, dropout is
    off) and back; samples go through in chunks of :data:`HELDOUT_CHUNK`. ``autocast``
    makes the run's precision context; ``should_stop`` is polled between chunks.

    Returns:
        ``(accuracy in 0-1, predictions counted)``; predictions are samples, or next
        tokens for language models. ``None`` when stopped.
    """
    module = runner.module
    was_training = module.training
    module.eval()
    correct = total = 0
    try:
        with runner.eager(), torch.inference_mode(), autocast():
            for inputs, targets in runner.spec.heldout_batches(samples, HELDOUT_CHUNK):
                if should_stop is not None and should_stop():
                    return None
                c, n = runner.spec.correct(runner.spec.forward(inputs), targets)
                correct += c
                total += n
    finally:
        module.train(was_training)
    return (correct / total if total else float("nan")), total
