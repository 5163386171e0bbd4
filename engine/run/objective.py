"""What training did to the weights, and what the final model predicts.

The document's first row (*Objetivo*) says training adjusts the weights and inference uses
them to predict. After the measured phase (untimed) a run measures both sides:

* the **parameter change** ``‖θ_end − θ_start‖₂`` over all trainable parameters, and its
  size relative to ``‖θ_start‖₂``. ``θ_start`` is not kept in memory during the run (on
  the CPU that copy would count as the run's memory): it is rebuilt afterwards from the
  seed (the weights are initialized on the CPU from ``torch.manual_seed(seed)``, so the
  rebuild is bit-identical) or read back from the checkpoint the run started from;
* the **held-out accuracy**: top-1 accuracy (next-token accuracy for language models) on
  samples of the same synthetic task drawn from a stream no training step uses
  (:meth:`engine.run.models.ModelSpec.heldout_batches`), in eval mode.

Then a training run saves its weights when asked (:mod:`engine.run.checkpoint`).
"""

from __future__ import annotations

from typing import Any

import torch

from engine.core.config import RunConfig
from engine.core.events import Event, Notice
from engine.core.summary import WeightsReport
from engine.core.values import Msg, msg
from engine.run import checkpoint
from engine.run.checkpoint import Checkpoint
from engine.run.device import autocast
from engine.run.measure import plain_parts

HELDOUT_SAMPLES = {"cuda": 256, "cpu": 64}  # classifiers: samples
HELDOUT_SEQUENCES = {"cuda": 32, "cpu": 8}  # language models: sequences of input_size tokens


def param_checksum(module: torch.nn.Module) -> tuple[float, float]:
    """``(Σθ, Σθ²)`` in float64 over all parameters. Sync point: two ``.item()``."""
    first = next(module.parameters(), None)
    if first is None:  # e.g. a dynamically quantized model: weights are packed, not params
        return 0.0, 0.0
    total = torch.zeros((), dtype=torch.float64, device=first.device)
    squares = torch.zeros_like(total)
    with torch.no_grad():
        for p in module.parameters():
            for part in plain_parts(p.detach()):  # a quantized weight: its int8/fp8 data
                d = part.double()
                total += d.sum()
                squares += (d * d).sum()
    return total.item(), squares.item()


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


def after_run(cfg: RunConfig, runner: Any, *, changed: bool, steps: int,
              loss_last: float | None, stopped: bool, emit: Any, should_stop: Any,
              loaded_from: Msg | None, loaded_id: str) -> WeightsReport:
    """Untimed work after the measured phase: weight change, held-out accuracy, saving.

    A stopped run only saves its weights: Stop must answer within a second. Stop during
    the held-out evaluation ends it (no accuracy) and still saves. The weight change is
    measured before saving, so a run that saves over the file it loaded compares against
    its starting weights.

    Args:
        cfg: The run's configuration.
        runner: The :class:`engine.run.runner.ModelRunner`.
        changed: The parameter checksum moved during the measured phase.
        steps: Optimizer steps taken (warm-up and measured), written into a checkpoint.
        loss_last: The last measured loss, written into a checkpoint.
        stopped: The user stopped the run.
        emit: Where a notice goes (the weights could not be saved).
        should_stop: Polled during the held-out evaluation.
        loaded_from: The description of the checkpoint the run started from (``None``:
            the seed's random weights).
        loaded_id: Its id (``""``: none). The checkpoint is read again here for the
            starting parameters: it is not kept in memory during the run.
    """
    change = None
    if cfg.quantize == "none" and not stopped:
        start = checkpoint.read(cfg.load_weights) if cfg.load_weights else None
        change = parameter_change(runner.module, initial_parameters(runner, start))
        del start
    samples = 0 if stopped else heldout_samples(
        cfg, runner.device, runner.spec.info.is_language_model)
    accuracy = predictions = chance = None
    if samples:
        result = heldout_accuracy(
            runner, samples, lambda: autocast(cfg.precision, runner.device), should_stop)
        if result is not None:
            accuracy, predictions = result
            chance = runner.spec.chance_accuracy
    saved = saved_id = ""
    if cfg.save_weights:
        try:
            saved_id = checkpoint.save(cfg.save_weights, runner.module, cfg, runner.input_size,
                                       steps, loss_last, runner.device)
            saved = cfg.save_weights
        except OSError as exc:  # the summary is kept: only the file is missing
            notice: Event = Notice.of(msg("run.weights_not_saved", path=cfg.save_weights,
                                          reason=str(exc)), msg("run.weights_not_saved.hint"))
            emit(notice)
    from engine.core.format import text

    return WeightsReport(
        changed=changed,
        change_l2=change[0] if change else None, change_rel=change[1] if change else None,
        heldout_accuracy=accuracy, heldout_predictions=predictions, heldout_chance=chance,
        loaded_from=text(loaded_from) if loaded_from is not None else "",
        loaded_id=loaded_id, saved_path=saved, saved_id=saved_id, loaded_from_msg=loaded_from)
