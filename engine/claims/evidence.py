"""What a verdict may compare: comparable pairs, and the runs beside the pair.

A training and an inference run test a claim only when they differ in the mode alone
(:data:`SETTINGS`: device, precision, batch size, input size, kernels, quantization,
ranks);
:func:`differences` says in which settings two runs differ. Some claims of the document
are about one of those differences (mixed precision against fp32, batch 1 against a
large batch, int8 against fp32): one pair of runs cannot test them. They are judged on
:class:`Evidence`, the other runs of the same model, and when the run a claim needs is
missing its verdict names it as a :class:`Need` that Compare and ``trainfer compare
--complete`` can run.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from engine.core.config import RunConfig
from engine.core.events import Summary
from engine.core.values import Msg, msg

SETTINGS = ("device", "precision", "batch_size", "input_size", "kernels", "quantize",
            "world_size")
"""The settings a comparable pair shares (besides the model); :func:`differences`."""


def differences(a: Summary, b: Summary, allow: Iterable[str] = ()) -> list[str]:
    """The settings of :data:`SETTINGS` in which ``a`` and ``b`` differ.

    Args:
        a: A summary.
        b: Another summary of the same model.
        allow: Settings a claim is about (they may differ).

    Returns:
        The names that differ, in :data:`SETTINGS` order (``[]``: comparable).
    """
    allowed = set(allow)
    return [k for k in SETTINGS if k not in allowed and getattr(a, k) != getattr(b, k)]


def setting_value(s: Summary, name: str) -> Any:
    """``s``'s value of setting ``name`` (see :data:`SETTINGS`)."""
    return getattr(s, name)


def not_comparable_msg(a: Summary, b: Summary, names: Sequence[str]) -> Msg:
    """``not comparable: the runs differ in batch size (256 vs 16), device (cuda:0 vs cpu)``."""
    return msg("evidence.not_comparable", differences=[
        msg("evidence.difference", setting=msg(f"evidence.setting.{n}"),
            a=str(setting_value(a, n)), b=str(setting_value(b, n))) for n in names])


@dataclass(frozen=True)
class Need:
    """A run that would test a claim: a run of the pair with some settings changed.

    Attributes:
        key: Stable key (``"bf16 train"``, ``"batch 1 infer"``, ``"int8 infer"``); one
            run serves every claim that names the same key.
        mode: ``"train"`` or ``"infer"``.
        changes: ``(setting, value)`` pairs changed from the pair's run of ``mode``.
        title: How the run is called on screen.
    """

    key: str
    mode: str
    changes: tuple[tuple[str, Any], ...]
    title: Msg

    def config(self, base: Summary, seconds: float | None) -> RunConfig:
        """The run: ``base``'s model and settings with :attr:`changes`, for ``seconds``.

        Held-out accuracy is off (these runs measure speed, memory and energy). A base run
        on several ranks of one machine is repeated on as many ranks (each on its own GPU).
        """
        ranks = base.world_size if base.nodes == 1 else 1
        device = base.device if ranks == 1 else base.device.split(":")[0]
        cfg = RunConfig(model=base.model, mode=self.mode, device=device,
                        batch_size=base.batch_size, precision=base.precision,
                        input_size=base.input_size, kernels=base.kernels,
                        quantize=base.quantize, seconds=seconds, heldout_samples=0,
                        nproc_per_node=ranks)
        return replace(cfg, **dict(self.changes))


def loader_workers() -> int:
    """Workers of an asynchronous DataLoader here: the cores but one, at most 8.

    DESIGN.md's H200 machine used 8 and 15.
    """
    return max(1, min(8, (os.cpu_count() or 2) - 1))


_KEYS = {"batch_size": "batch {}", "loader_workers": "loader {}", "pin_memory": "pinned"}


def need(mode: str, **changes: Any) -> Need:
    """The :class:`Need` of a run in ``mode`` with ``changes`` (its key and title made here).

    >>> need("train", precision="bf16").key
    'bf16 train'
    """
    parts = []
    titles: list[Msg] = []
    for name, value in changes.items():
        parts.append(_KEYS.get(name, "{}").format(value))
        if name == "loader_workers" and value == 0:
            titles.append(msg("evidence.need.loader_serial"))
        elif name in ("batch_size", "loader_workers", "pin_memory"):
            titles.append(msg(f"evidence.need.{name}", n=value))
        else:
            titles.append(msg("evidence.need.value", value=str(value)))
    key = " ".join([*parts, mode])
    word = msg("mode.training" if mode == "train" else "mode.inference")
    title = (msg("evidence.need.title", mode=word, changes=titles) if titles
             else msg("evidence.need.plain", mode=word))
    return Need(key, mode, tuple(changes.items()), title)


@dataclass(frozen=True)
class Evidence:
    """The runs of the same model beside the pair, newest last.

    Attributes:
        runs: Completed summaries (any mode and settings); a run stopped early counts as
            its measured part.
    """

    runs: tuple[Summary, ...] = field(default_factory=tuple)

    def find(self, base: Summary | None, mode: str, **changes: Any) -> Summary | None:
        """The newest run in ``mode`` with ``base``'s settings except ``changes``.

        Args:
            base: The pair's run whose settings the run must share (``None``: none).
            mode: ``"train"`` or ``"infer"``.
            changes: Settings that must have these values instead of ``base``'s.

        Returns:
            ``base`` itself when it already has the changes and mode, else the newest
            matching run of :attr:`runs`, or ``None``.
        """
        if base is None:
            return None
        candidates = [base, *reversed(self.runs)]
        for s in candidates:
            if s.model != base.model or s.mode != mode or not s.measured_steps:
                continue
            if any(setting_value(s, k) != v for k, v in changes.items()):
                continue
            if differences(s, base, allow=changes):
                continue
            return s
        return None

    def with_runs(self, more: Iterable[Summary]) -> Evidence:
        """These runs and ``more`` (newest last)."""
        return Evidence((*self.runs, *more))


NO_EVIDENCE = Evidence()
"""No runs beside the pair."""
