"""Entry point of the run process (started with multiprocessing ``spawn``).

The process boundary: :func:`serve` is what the session side
(:class:`engine.session.run_process.RunProcess`) hands to the new process. It imports the
loop (and with it torch) at once, *before* any run is asked for, says :class:`Ready`, and
then waits on its connection for commands:

  * ``("run", cfg_dict)``: run one configuration; every event, then the run's
    :class:`~engine.core.summary.RunReport` (or a :class:`~engine.core.events.Failed`), go
    back through the connection; then, once the run's objects are freed, ``Ready`` again;
  * ``("preload", model_id)``: import the libraries of a model (torchvision,
    transformers) while idle, so a later run of it does not pay for them; then ``Ready``;
  * ``("exit",)``, the connection closed, or SIGTERM while idle: the process ends.

No CUDA context exists until a run is given a CUDA device (importing torch creates none).

Failure is an event: any exception becomes :class:`engine.core.events.Failed` after every
reference to the run's tensors is dropped (so CUDA memory is freed before the parent
hears about it). The run process never raises across the process boundary.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import gc
import os
import signal
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from engine.core.config import ConfigError, RunConfig, setting
from engine.core.events import Failed
from engine.core.values import msg


@dataclass(frozen=True)
class Ready:
    """The run process is idle and can take a command.

    Attributes:
        pid: The run process's id.
        imports_s: Seconds the imports ahead of need took (the first ``Ready``; then 0).
    """

    pid: int
    imports_s: float = 0.0


def classify(exc: BaseException, cfg: RunConfig | None) -> Failed:
    """Turn an exception from the run into a :class:`Failed` with a hint."""
    failed = getattr(exc, "failed", None)  # engine.run.distributed.RankFailed
    if isinstance(failed, Failed):
        return failed
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


def serve(conn: Any, stop_event: Any) -> None:
    """The run process's main: import ahead of need, then run what ``conn`` asks for.

    ``conn`` is this process's end of a duplex ``multiprocessing.Pipe``: ``send`` writes in
    the calling thread, so an event is on its way when it is emitted (a ``Queue``'s feeder
    thread can be starved for seconds on a busy 2-core machine). ``stop_event`` asks the
    run in progress to stop after its step; the parent clears it before each run.
    """
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    # Ctrl-C in a terminal reaches the whole process group: the parent asks us to stop
    # through stop_event, so the run process ignores SIGINT and ends cleanly.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # SIGTERM to the process group (`timeout`, a service manager, `kill -- -PGID`) is a
    # request to stop too: end after the current step and report, as Stop does, and then
    # exit instead of waiting for the next run. The session's own terminate() after the
    # grace period then ends in its kill() instead.
    termed: list[bool] = []
    signal.signal(signal.SIGTERM, lambda _signum, _frame: termed.append(True))
    t0 = time.monotonic()
    # torch, ahead of need: only in the run process (the one edge into it, see pyproject)
    from engine.run.loop import preload

    preload("mlp")
    # What the imports made lives as long as the process: out of the collector's sight,
    # a collection after each run takes milliseconds instead of about 0.12 s.
    gc.collect()
    gc.freeze()
    try:
        conn.send(Ready(os.getpid(), time.monotonic() - t0))
        while not termed:
            if not conn.poll(0.2):
                continue
            command = conn.recv()
            if command[0] == "run":
                run_one(command[1], conn.send, lambda: bool(termed) or stop_event.is_set())
                if termed:
                    break
            elif command[0] == "preload":
                with contextlib.suppress(KeyError, ImportError):
                    preload(command[1])  # else the run that needs it reports the problem
                gc.collect()
                gc.freeze()
            else:
                break
            release_memory()
            conn.send(Ready(os.getpid()))
    except (EOFError, OSError):
        pass  # the parent is gone, or closed the connection: nothing to report to
    conn.close()


def run_one(cfg_dict: dict[str, Any], send: Callable[[Any], None],
            should_stop: Callable[[], bool]) -> None:
    """Run one configuration; its events, then its report or ``Failed``, go to ``send``."""
    failed: Failed | None = None
    cfg: RunConfig | None = None
    try:
        cfg = RunConfig.from_dict(cfg_dict)
        from engine.run.loop import execute  # imported already by serve()

        report = execute(cfg, send, should_stop)
        if report is not None:
            send(report)  # the session completes it into a Summary
        else:
            send(Failed.of("stopped", msg("failed.stopped_warmup")))
    except (BrokenPipeError, EOFError):
        raise  # the parent is gone: serve() ends
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
        send(failed)


def release_memory() -> None:
    """Give the freed memory of the last run back to the system.

    A CPU run's peak is the resident set's growth from where the run starts: memory that
    the C allocator kept after the last run would be reused without growing it, and the
    next run's peak would read low. glibc's ``malloc_trim(0)`` returns every free page
    (``malloc_trim(3)``); elsewhere there is none to call.
    """
    gc.collect()
    torch = sys.modules.get("torch")
    if torch is not None and torch.cuda.is_initialized():
        torch.cuda.empty_cache()
    _malloc_trim()


def _malloc_trim() -> None:
    name = ctypes.util.find_library("c")
    if not name:
        return
    try:
        trim = ctypes.CDLL(name).malloc_trim
    except (OSError, AttributeError):
        return  # not glibc
    trim.argtypes = [ctypes.c_size_t]
    trim(0)
