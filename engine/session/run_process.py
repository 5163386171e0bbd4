"""Run processes kept ready: started ahead of need, reused only while a run stays clean.

Every run happens in a spawned process (:func:`engine.run.worker.serve`): an out-of-memory
error, a CUDA fault or a crash there never takes the GUI or the command line down. Most of
a run process's start-up is importing torch (about 6 s of a 7 s one-step run on a 2-core
machine), so :class:`RunProcesses` keeps one process *ready*: spawned while nothing
runs, its imports done, and no CUDA context until a run gives it a device.

After a run the process is kept for the next one only when that keeps the next run's
measurement clean (:func:`reusable`): the run ended normally (a summary, a refused
setting, or stopped by request; never after a crash, an out-of-memory error or a
termination), it used eager kernels (``torch.compile`` and CUDA graphs leave caches and
memory pools behind), and the next run is on the same device. The worker frees the run's
memory and returns it to the system before it says it is ready again, so a CPU run's peak
(the resident set's growth) is measured from the same floor as in a new process.
"""

from __future__ import annotations

import atexit
import contextlib
import multiprocessing as mp
import os
import threading
import time
import weakref
from typing import Any

from engine.core.events import Event, Failed, Summary
from engine.run import worker

READY_TIMEOUT_S = 15.0
"""How long a run process may take to free a run's memory and say it is ready (s)."""

_REUSE_AFTER = ("config", "stopped")
"""``Failed`` kinds after which the process is as clean as before the run."""


class RunProcess:
    """One spawned run process and its end of the connection.

    Attributes:
        conn: The parent's end of the duplex pipe (events in, commands out).
        stop_event: Set to ask the run in progress to stop after its step.
        device: The device its runs used (``"cpu"``, ``"cuda:0"``); ``None`` before any.
        runs: How many runs it has been given.
        imports_s: Seconds its imports ahead of need took (known once it was ready).
    """

    def __init__(self, ctx: Any) -> None:
        os.environ.setdefault("CUDA_DEVICE_ORDER", "PCI_BUS_ID")  # CUDA index == NVML index
        self.conn, child = ctx.Pipe(duplex=True)
        self.stop_event = ctx.Event()
        self.proc = ctx.Process(
            target=worker.serve, args=(child, self.stop_event), name="trainfer-run",
            daemon=False,  # a DataLoader in it has worker processes; end() ends it
        )
        self.proc.start()
        child.close()  # the run process holds the only other end: EOF when it exits
        self.ready = False
        self.device: str | None = None
        self.runs = 0
        self.imports_s: float | None = None
        self.started_monotonic = time.monotonic()

    @property
    def pid(self) -> int:
        """The process id."""
        return int(self.proc.pid)

    def alive(self) -> bool:
        """True while the process runs."""
        return bool(self.proc.is_alive())

    def note(self, message: Any) -> bool:
        """Take a :class:`~engine.run.worker.Ready`; returns whether ``message`` was one."""
        if isinstance(message, worker.Ready):
            self.ready = True
            if self.imports_s is None:
                self.imports_s = message.imports_s
            return True
        return False

    def poll_ready(self, timeout_s: float = 0.0) -> bool:
        """Read what an idle process said (its ``Ready``); returns :attr:`ready`.

        Anything else from an idle process (there should be nothing) is dropped.
        """
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                if not self.conn.poll(max(0.0, deadline - time.monotonic())):
                    return self.ready
                self.note(self.conn.recv())
            except (EOFError, OSError):
                self.ready = False
                return False
            if self.ready and not self.conn.poll(0):
                return True

    def run(self, cfg_dict: dict[str, Any]) -> None:
        """Give the process one run (it starts as soon as its imports are done)."""
        self.stop_event.clear()
        self.ready = False
        self.runs += 1
        self.conn.send(("run", cfg_dict))

    def preload(self, model_id: str) -> None:
        """Ask an idle process to import ``model_id``'s libraries now."""
        try:
            self.ready = False
            self.conn.send(("preload", model_id))
        except (OSError, ValueError):
            pass  # gone: the next take() starts another

    def end(self, timeout_s: float = 3.0) -> None:
        """Ask the process to exit; terminate it, then kill it, if it does not."""
        end_process(self.proc, self.conn, timeout_s)


def end_process(proc: Any, conn: Any, timeout_s: float = 3.0) -> None:
    """Exit, terminate, kill: end ``proc`` and close ``conn`` (safe to call twice)."""
    if proc.is_alive():
        with contextlib.suppress(OSError, ValueError):
            conn.send(("exit",))
        proc.join(timeout_s)
    if proc.is_alive():
        proc.terminate()
        proc.join(1.0)
    if proc.is_alive():
        proc.kill()
        proc.join(1.0)
    conn.close()


def reusable(terminal: Event, kernels: str, terminated: bool) -> bool:
    """Whether the process that ended a run with ``terminal`` may take the next run.

    Args:
        terminal: The run's last event (its Summary, or Failed).
        kernels: The run's kernels setting (only ``"eager"`` leaves no caches behind).
        terminated: The session had to terminate the process (Stop's grace ran out).
    """
    if terminated or kernels != "eager":
        return False
    return isinstance(terminal, Summary) or (
        isinstance(terminal, Failed) and terminal.kind in _REUSE_AFTER)


class RunProcesses:
    """At most one idle run process, kept ready for the next run of a session.

    Thread-safe: the session's pump thread gives processes back while the caller's thread
    takes them. Idle processes are ended by :meth:`close`, when this object is garbage
    collected, and at interpreter exit (a non-daemonic child left waiting would otherwise
    hold the exit).
    """

    def __init__(self) -> None:
        self._ctx = mp.get_context("spawn")
        self._lock = threading.Lock()
        self._idle: list[RunProcess] = []  # at most one; a list so the finalizer sees it
        self._closed = False
        self._finalizer = weakref.finalize(self, _end_all, self._idle)
        atexit.register(self._finalizer)

    @property
    def idle(self) -> RunProcess | None:
        """The process kept ready, if any."""
        with self._lock:
            return self._idle[0] if self._idle else None

    def prepare(self, model_id: str | None = None) -> None:
        """Have a process ready (spawned now if there is none); returns at once.

        Args:
            model_id: A model the next run will likely use: its libraries (torchvision,
                transformers) are imported in the idle process now.
        """
        with self._lock:
            if self._closed:
                return
            self._drop_dead()
            if not self._idle:
                self._idle.append(RunProcess(self._ctx))
            rp = self._idle[0]
        if model_id is not None:
            rp.preload(model_id)

    def take(self, device: str) -> RunProcess:
        """A process for a run on ``device`` (``"cpu"``, ``"cuda:0"``).

        The idle one when it suits, else a new one (an idle process used on another
        device is ended).
        """
        with self._lock:
            self._drop_dead()
            rp = self._idle.pop() if self._idle else None
        if rp is not None and rp.device not in (None, device):
            rp.end(1.0)
            rp = None
        if rp is None:
            rp = RunProcess(self._ctx)
        else:
            rp.poll_ready()  # read its Ready now, so the run's events come next
        rp.device = device
        return rp

    def give_back(self, rp: RunProcess) -> None:
        """Keep ``rp`` (it said it is ready) for the next run; a second idle one is ended."""
        with self._lock:
            keep = not self._closed and rp.alive()
            extra = self._idle[:] if keep else []
            if keep:
                self._idle[:] = [rp]
        for old in extra:
            old.end(1.0)
        if not keep:
            rp.end(1.0)

    def close(self) -> None:
        """End the idle process; later calls to :meth:`prepare` do nothing."""
        with self._lock:
            self._closed = True
        self._finalizer()

    def _drop_dead(self) -> None:
        for rp in [p for p in self._idle if not p.alive()]:
            self._idle.remove(rp)
            rp.conn.close()


def _end_all(idle: list[RunProcess]) -> None:
    while idle:
        idle.pop().end(2.0)
