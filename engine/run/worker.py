"""Entry point of the run process (started with multiprocessing ``spawn``).

The process boundary: :func:`run` is what the session hands to the new process, and it
imports the loop (and with it torch) only there. What the run measured goes back through
the pipe as a :class:`~engine.core.summary.RunReport`.

Failure is an event: any exception becomes :class:`engine.core.events.Failed` after every
reference to the run's tensors is dropped (so CUDA memory is freed before the parent
hears about it). The run process never raises across the process boundary.
"""

from __future__ import annotations

import gc
import os
import signal
import sys
import traceback
from typing import Any

from engine.core.config import ConfigError, RunConfig, setting
from engine.core.events import Failed
from engine.core.values import msg


def classify(exc: BaseException, cfg: RunConfig | None) -> Failed:
    """Turn an exception from the run into a :class:`Failed` with a hint."""
    if isinstance(exc, ConfigError):
        return Failed.of("config", exc.msg, msg("failed.config.hint", setting=setting(exc.field)),
                         exc.field)
    name = type(exc).__name__
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else name
    batch = cfg.batch_size if cfg is not None and cfg.batch_size else None
    lowered = text.lower()
    if name == "OutOfMemoryError" or "out of memory" in lowered or (
        "can't allocate memory" in lowered or "cannot allocate memory" in lowered
    ):
        gpu = name == "OutOfMemoryError" or "cuda" in lowered
        return Failed.of("oom", msg("failed.oom.gpu" if gpu else "failed.oom.host", error=text),
                         msg("failed.oom.hint_batch" if batch else "failed.oom.hint",
                             batch=batch or 0), "batch_size")
    if "CUDA" in text or "cuda" in name.lower() or "cuDNN" in text:
        return Failed.of("cuda", msg("failed.cuda", error=text), msg("failed.cuda.hint"))
    if isinstance(exc, MemoryError):
        return Failed.of("oom", msg("failed.oom.host_plain"),
                         msg("failed.oom.host_hint_batch" if batch else "failed.oom.host_hint",
                             batch=batch or 0), "batch_size")
    return Failed.of("error", msg("failed.error", error=f"{name}: {text}"),
                     msg("failed.error.hint"))


def run(cfg_dict: dict[str, Any], conn: Any, stop_event: Any) -> None:
    """Run one configuration; every event goes to ``conn``; ``stop_event`` asks to stop.

    ``conn`` is the sending end of a ``multiprocessing.Pipe``: ``send`` writes in the
    calling thread, so an event is on its way when it is emitted (a ``Queue``'s feeder
    thread can be starved for seconds on a busy 2-core machine).
    """
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    # Ctrl-C in a terminal reaches the whole process group: the parent asks us to stop
    # through stop_event, so the run process ignores SIGINT and ends cleanly.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # SIGTERM to the process group (`timeout`, a service manager, `kill -- -PGID`) is a
    # request to stop too: end after the current step and report, as Stop does. The
    # session's own terminate() after the grace period then ends in its kill() instead.
    termed: list[bool] = []
    signal.signal(signal.SIGTERM, lambda _signum, _frame: termed.append(True))

    def should_stop() -> bool:
        return bool(termed) or stop_event.is_set()

    failed: Failed | None = None
    cfg: RunConfig | None = None
    try:
        cfg = RunConfig.from_dict(cfg_dict)
        from engine.run.loop import execute  # imports torch: only in the run process

        report = execute(cfg, conn.send, should_stop)
        if report is not None:
            conn.send(report)  # the session completes it into a Summary
        else:
            conn.send(Failed.of("stopped", msg("failed.stopped_warmup")))
    except BaseException as exc:  # noqa: BLE001 - every failure must become an event
        if not isinstance(exc, (ConfigError, KeyboardInterrupt)):
            traceback.print_exc(file=sys.stderr)
        failed = classify(exc, cfg)
        exc.__traceback__ = None
        del exc
    finally:
        gc.collect()  # drop the frames that held the model and its tensors
        torch = sys.modules.get("torch")
        if torch is not None and torch.cuda.is_initialized():
            torch.cuda.empty_cache()
    if failed is not None:
        conn.send(failed)
    conn.close()
