"""Trainfer checkpoints: a training run's final weights, with what they were trained on.

A training run can save its weights (``RunConfig.save_weights``) and an inference run can
start from them (``RunConfig.load_weights``); :class:`engine.session.handover.TrainedWeights`
(which does not import torch) does that hand-over for the app, ``trainfer compare`` and the
``train-vs-infer`` experiment, so inference after training predicts with the trained model.
Files are read with ``torch.load(weights_only=True)``: tensors and plain values only.
"""

from __future__ import annotations

import contextlib
import os
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import torch

from engine.core.config import ConfigError, RunConfig
from engine.core.values import Msg, msg, number

FORMAT = "trainfer-weights-1"


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

    def describe(self) -> Msg:
        """One line for summaries: ``"trained 120 steps on cuda:0 (fp32), loss 0.412"``."""
        loss = (msg("checkpoint.loss", loss=number(self.loss_last, 3))
                if self.loss_last is not None else "")
        return msg("checkpoint.trained", n=self.steps, device=self.device,
                   precision=self.precision, loss=loss)


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
        raise OSError(str(exc)) from exc  # the caller names the path
    return weights_id


def read(path: str) -> Checkpoint:
    """Read a checkpoint written by :func:`save` (tensors only: ``weights_only=True``).

    Raises:
        ConfigError: Missing, unreadable or not a Trainfer checkpoint (field
            ``load_weights``).
    """
    try:
        payload = torch.load(path, map_location="cpu", weights_only=True)
    except FileNotFoundError as exc:
        raise ConfigError("load_weights", msg("checkpoint.missing", path=path)) from exc
    except Exception as exc:  # pickle, zip and torch errors all mean "not readable"
        # torch's own text suggests weights_only=False, which would run code from the
        # file: only the kind of error is quoted.
        raise ConfigError("load_weights", msg("checkpoint.unreadable", path=path,
                                              error=type(exc).__name__)) from exc
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        raise ConfigError("load_weights", msg("checkpoint.not_trainfer", path=path))
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
        what = (msg("checkpoint.field_missing", field=str(exc)) if isinstance(exc, KeyError)
                else msg("checkpoint.field_unreadable", reason=str(exc)))
        raise ConfigError("load_weights", msg("checkpoint.damaged", path=path,
                                              what=what)) from exc


def load_into(module: torch.nn.Module, ckpt: Checkpoint, cfg: RunConfig, input_size: int,
              path: str) -> None:
    """Copy ``ckpt``'s weights into ``module`` in place (device and layout kept).

    Raises:
        ConfigError: The checkpoint is of another model, input size or seed.
    """
    if ckpt.model != cfg.model:
        raise ConfigError("load_weights", msg("checkpoint.other_model", path=path,
                                              saved=ckpt.model, model=cfg.model))
    if ckpt.input_size != input_size:
        raise ConfigError("load_weights", msg("checkpoint.other_input_size", path=path,
                                              saved=str(ckpt.input_size),
                                              input_size=str(input_size)))
    if ckpt.seed != cfg.seed:
        raise ConfigError("load_weights", msg("checkpoint.other_seed", path=path,
                                              seed=str(ckpt.seed)))
    try:
        module.load_state_dict(ckpt.state_dict)
    except RuntimeError as exc:
        raise ConfigError("load_weights", msg("checkpoint.does_not_fit", path=path,
                                              reason=str(exc))) from exc
