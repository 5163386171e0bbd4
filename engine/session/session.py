"""A run as seen from the GUI or command-line process.

:class:`Session` gives the run to a run process (multiprocessing ``spawn``: an
out-of-memory error, a CUDA fault or a crash there never takes this process down, and this
process never initializes CUDA; one kept ready with its imports done when it can be, see
:mod:`engine.session.run_process`), starts the telemetry
:class:`~engine.session.telemetry.sampler.Sampler` thread, and forwards every event, the
run's and the sampler's, through one queue. A pump thread
watches the run process: one that dies without a word becomes ``Failed("crash")`` within
a second; Stop asks first and terminates after a grace period: one second, or longer
when the run's steps are long (:meth:`Session.stop_grace_s`), so a step in progress can
end and the run still reports what it measured. When the run's
report (:class:`~engine.core.summary.RunReport`) arrives, the session completes it into the
run's :class:`Summary` with the telemetry of the same windows
(:func:`engine.core.summary.summarize`, the one place a Summary is built).

Consume events with ``async for ev in session.events()`` (GUI, under qasync) or
``for ev in session.iter_events()`` (command line).
"""

from __future__ import annotations

import pickle
import queue
import signal
import sys
import threading
import time
import traceback
from typing import Any

from engine.core.config import RunConfig
from engine.core.errors import ExplainedError
from engine.core.events import (
    Event,
    Failed,
    GpuSample,
    Notice,
    Phase,
    Sample,
    Started,
    StepStats,
    Summary,
    TelemetryStatus,
)
from engine.core.summary import RunReport, TelemetryReport, WindowStats, summarize
from engine.core.values import Msg, msg, seconds
from engine.session.devices import DevicesReport, list_devices, preflight
from engine.session.outlet import END, EventOutlet
from engine.session.run_process import READY_TIMEOUT_S, RunProcess, RunProcesses, reusable
from engine.session.store.db import Store, StoreError
from engine.session.store.recorder import Recorder, hint_for
from engine.session.telemetry.nvml import Nvml
from engine.session.telemetry.sampler import DEFAULT_HZ, Sampler
from engine.session.telemetry.window import SampleColumns, over_gpus


class RunInProgress(ExplainedError, RuntimeError):
    """:meth:`Session.start` while a run is in progress."""


STOP_GRACE_S = 1.0
STOP_GRACE_MAX_S = 30.0
RECORD_WAIT_S = 5.0
"""How long the end of a run waits for the store to take its last events (s); a store
still locked then gets them later, from the recorder's thread."""


def _exit_text(code: int | None) -> tuple[Msg, Msg]:
    """``(message, hint)`` for a run process that exited with ``code`` and no result."""
    if code is not None and code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        if name == "SIGKILL":
            return msg("session.killed", signal=name), msg("session.killed.hint")
        if name in ("SIGTERM", "SIGHUP", "SIGINT"):
            return msg("session.ended_outside", signal=name), msg("session.ended_outside.hint")
        return msg("session.died", signal=name), msg("session.died.hint")
    return msg("session.exited", code=str(code)), msg("session.exited.hint")


class Session(EventOutlet):
    """Runs one configuration at a time.

    Args:
        sample_hz: Telemetry sampling rate (Hz).
        nvml: NVML wrapper to use (a fake in tests); ``None`` uses ``pynvml``.
        store: Where every run is recorded as it goes; ``None`` records nothing.
        processes: The run processes kept ready (:mod:`engine.session.run_process`);
            ``None`` gives the session its own.
    """

    def __init__(
        self, *, sample_hz: float = DEFAULT_HZ, nvml: Nvml | None = None,
        store: Store | None = None, processes: RunProcesses | None = None,
    ) -> None:
        self.sample_hz = sample_hz
        self.processes = processes if processes is not None else RunProcesses()
        self._rp: RunProcess | None = None
        self._keep_ready = False  # prepare() was called: keep a process ready after runs
        self._ready_model: str | None = None
        self._nvml = nvml
        self.store = store
        self._recorder: Recorder | None = None
        self.run_id: int | None = None
        self._out: queue.Queue[Any] = queue.Queue()
        self._proc: Any = None
        self._conn: Any = None
        self._stop_event: Any = None
        self._stop_requested_at: float | None = None
        self._ended = threading.Event()  # the current run's terminal event is queued
        self._sampler: Sampler | None = None
        self._pump: threading.Thread | None = None
        self._columns = SampleColumns()
        self._run_gpus: set[int] = set()  # NVML indices of the GPUs the run uses
        self._measure_start: float | None = None
        self._started: Started | None = None
        self._longest_step_s = 0.0
        self._finishing = False  # the run process said "done": it is writing its summary
        self._closing = False
        self.config: RunConfig | None = None
        self.last_summary: Summary | None = None
        self.telemetry: TelemetryStatus | None = None
        self.devices: DevicesReport | None = None

    @property
    def running(self) -> bool:
        """True from :meth:`start` until the terminal event has been queued."""
        return self._pump is not None and self._pump.is_alive() and not self._ended.is_set()

    def start(self, cfg: RunConfig) -> None:
        """Start ``cfg`` in a new run process; returns at once.

        Raises:
            ConfigError: A setting this machine cannot run (checked through NVML, without
                torch), e.g. ``cuda`` with no GPU.
            RunInProgress: A run is already in progress.
        """
        if self._pump is not None and self._ended.is_set():
            # the previous run has ended; its process is freeing memory or exiting
            self._pump.join(READY_TIMEOUT_S + 5.0)
        if self.running:
            raise RunInProgress(msg("session.busy"))
        self.devices = list_devices(self._nvml)
        preflight(cfg, self.devices)
        gpu_index = None
        if self.devices.available:
            gpu_index = int(cfg.device.split(":")[1]) if ":" in cfg.device else 0
        self.config = cfg
        self._out = queue.Queue()
        self._recorder = None
        self.run_id = None
        if self.store is not None:
            try:
                self._recorder = Recorder(
                    self.store, cfg, time.monotonic(),
                    on_notice=lambda m, hint: self._emit(Notice.of(m, hint)),
                )
            except StoreError as exc:  # said before the run starts; the run goes on
                self._emit(Notice.of(msg("recorder.not_recorded", problem=exc.msg),
                                     hint_for(exc.fault)))
            else:
                self.run_id = self._recorder.run_id
        self._columns = SampleColumns()
        self._measure_start = None
        self._started = None
        self._longest_step_s = 0.0
        self._finishing = False
        self._closing = False
        self._stop_requested_at = None
        self._ended = threading.Event()
        self.last_summary = None
        # The GPUs the run uses: the primary, and with several ranks cuda:0 … cuda:N-1
        on_gpu = gpu_index is not None and cfg.device != "cpu"
        self._run_gpus = (set(range(cfg.nproc_per_node)) if on_gpu and cfg.nproc_per_node > 1
                          else {gpu_index} if on_gpu and gpu_index is not None else set())
        self._sampler = Sampler(
            self._nvml,
            gpu_index,
            hz=self.sample_hz,
            on_sample=self._on_sample,
            on_status=self._on_status,
            on_other_sample=self._on_other_sample,
        )
        self._sampler.start()
        on_cpu = gpu_index is None or cfg.device == "cpu"
        rp = self.processes.take("cpu" if on_cpu else f"cuda:{gpu_index}")
        self._rp, self._proc, self._conn, self._stop_event = rp, rp.proc, rp.conn, rp.stop_event
        rp.run(cfg.to_dict())
        self._sampler.watch_pid(rp.pid)
        self._pump = threading.Thread(target=self._pump_loop, name="trainfer-pump", daemon=True)
        self._pump.start()

    def stop(self, now: bool = False) -> None:
        """Ask the run to stop after its current step (terminated after the grace).

        Args:
            now: Use the one-second grace whatever the step time (a second Ctrl-C).
        """
        if now:
            self._closing = True
        if self._stop_event is not None and self.running:
            self._stop_event.set()
            if self._stop_requested_at is None:
                self._stop_requested_at = time.monotonic()

    def stop_grace_s(self) -> float:
        """How long Stop waits for the run process before terminating it (s).

        One second (:data:`STOP_GRACE_S`), or 1.5 times the longest step seen so far plus
        half a second when steps are longer (a ResNet or GPT-2 step on a CPU can take
        seconds: terminating it mid-step would lose the summary of every step before it),
        at most :data:`STOP_GRACE_MAX_S`; that long once the run process has said it is
        done and is writing its summary and weights.
        """
        if self._closing:
            return STOP_GRACE_S  # closing, or asked twice: do not keep the user waiting
        if self._finishing:
            return STOP_GRACE_MAX_S
        return min(STOP_GRACE_MAX_S, max(STOP_GRACE_S, 1.5 * self._longest_step_s + 0.5))

    def close(self, timeout: float = 5.0) -> None:
        """Stop any run (with the short grace), join the threads, end the run processes."""
        self._closing = True
        self.stop()
        if self._pump is not None:
            self._pump.join(timeout + READY_TIMEOUT_S)
        if self._sampler is not None:
            self._sampler.stop()
        self.processes.close()

    def samples(self) -> list[Sample]:
        """The sampler's ring buffer (most recent hour)."""
        return list(self._sampler.samples) if self._sampler is not None else []

    # ---- consuming events ----------------------------------------------------------

    # ---- threads -------------------------------------------------------------------

    def _on_sample(self, sample: Sample) -> None:
        self._columns.append(sample)
        self._emit(sample)

    def _on_other_sample(self, sample: Sample) -> None:
        """Another GPU of the machine: a :class:`GpuSample` (the run's, or someone else's)."""
        self._emit(GpuSample.of(sample, sample.gpu_index in self._run_gpus))

    def _on_status(self, status: TelemetryStatus) -> None:
        self.telemetry = status
        self._emit(status)

    def _pump_loop(self) -> None:
        rp, out, cfg = self._rp, self._out, self.config
        assert rp is not None and cfg is not None
        proc, conn = rp.proc, rp.conn
        terminal: Event | None = None
        terminated = False
        grace_used = STOP_GRACE_S
        while terminal is None:
            ev = self._receive(conn, 0.05)
            if ev is not None:
                try:
                    terminal = self._forward(ev)
                except Exception as exc:  # noqa: BLE001 - the stream must still end
                    traceback.print_exc(file=sys.stderr)
                    terminal = Failed.of("error", msg("failed.error", error=(
                        f"{type(exc).__name__}: {exc}")), msg("session.bug.hint"))
                    terminated = True  # the run process is not reused after this
                continue
            if not proc.is_alive():
                terminal = self._drain_after_exit(proc, terminated, grace_used)
                break
            if self._stop_requested_at is not None:
                waited = time.monotonic() - self._stop_requested_at
                grace = self.stop_grace_s()
                if waited > grace and not terminated:
                    proc.terminate()
                    terminated = True
                    grace_used = grace
                elif waited > grace + 1.0:
                    proc.kill()
        if self._sampler is not None:
            self._sampler.stop()  # no Sample after the terminal event
        self._emit(terminal)
        if self._recorder is not None:
            self._recorder.close(RECORD_WAIT_S)
            self.run_id = self._recorder.run_id  # written late while the store was locked
        self._ended.set()
        out.put(END)
        # The process: kept ready for the next run when that keeps it clean, else ended.
        if (reusable(terminal, cfg.kernels, terminated) and not self._closing
                and rp.poll_ready(READY_TIMEOUT_S)):
            self.processes.give_back(rp)
        else:
            rp.end()
            if self._keep_ready and not self._closing:
                self.processes.prepare(self._ready_model)

    def prepare(self, model_id: str | None = None) -> None:
        """Keep a run process ready from now on (imports done), without waiting.

        A process is spawned now if none is idle, and again after a run whose process
        could not be kept (:func:`~engine.session.run_process.reusable`), so the next Start
        pays no start-up. Call it while nothing is measured (the app once its window is
        shown): a new process imports torch, which would compete with a run being
        measured. ``model_id`` also imports that model's libraries (torchvision,
        transformers) in the idle process; call again when the user picks another model.
        """
        self._keep_ready = True
        self._ready_model = model_id or self._ready_model
        if not self.running:
            self.processes.prepare(model_id)

    @staticmethod
    def _receive(conn: Any, timeout: float) -> Any:
        """The next event from the run process, or ``None``.

        ``None`` also when the process is gone: one killed mid-send leaves a truncated
        message, read as nothing.
        """
        try:
            if conn.poll(timeout):
                return conn.recv()
        except (EOFError, OSError, pickle.UnpicklingError):
            time.sleep(timeout)  # closed: the pump notices the exit through is_alive
        return None

    def _forward(self, ev: Event) -> Event | None:
        """Queue one run event; a terminal one is returned instead.

        The pump queues the terminal event last, after the sampler has stopped.
        """
        if self._rp is not None and self._rp.note(ev):
            return None  # the process's imports are done (a new one) or it preloaded
        if isinstance(ev, Started):
            self._started = ev
        elif isinstance(ev, StepStats):
            self._longest_step_s = max(self._longest_step_s, ev.step_ms / 1000.0)
        elif isinstance(ev, Phase) and ev.name == "measure":
            self._measure_start = ev.t_s
        elif isinstance(ev, Phase) and ev.name == "done":
            self._finishing = True
        elif isinstance(ev, RunReport):
            ev = self._complete_summary(ev)
            self.last_summary = ev
        if isinstance(ev, (Summary, Failed)):
            return ev
        self._emit(ev)
        return None

    def _drain_after_exit(self, proc: Any, terminated: bool, grace_s: float) -> Event:
        """The run process is gone: forward what it left, or report how it died."""
        deadline = time.monotonic() + 0.5
        while time.monotonic() < deadline:
            ev = self._receive(self._conn, 0.05)
            if ev is None:
                continue
            terminal = self._forward(ev)
            if terminal is not None:
                return terminal
        if terminated:
            return Failed.of("stopped", msg("session.terminated", grace=seconds(grace_s)),
                             msg("session.terminated.hint"))
        return Failed.of("crash", *_exit_text(proc.exitcode))

    def _complete_summary(self, report: RunReport) -> Summary:
        """The run's Summary: its report and the telemetry of the same window.

        Waits (briefly) until the sampler has passed the end of the measured phase.
        """
        steps = report.steps
        end = steps.measure_end_t_s
        deadline = time.monotonic() + 3.0 / self.sample_hz + 0.3
        while time.monotonic() < deadline:  # let the sampler pass the end of the window
            last = self._columns.last_t()
            if last is not None and last >= end:
                break
            time.sleep(0.01)
        sampler = self._sampler
        counter = ("estimated_from_power" if sampler is not None and sampler.energy_estimated
                   else "nvml_counter")
        resets = sampler.counter_resets(steps.measure_start_t_s, end) if sampler else 0
        warm = None
        if steps.warmup_start_t_s is not None and steps.warmup_steps:
            warm = self._columns.window(steps.warmup_start_t_s, steps.measure_start_t_s,
                                        counter)
        measured = self._columns.window(steps.measure_start_t_s, end, counter)
        per_gpu: tuple[WindowStats, ...] = ()
        others = self._other_gpus(report)
        if others and sampler is not None:  # a run on several GPUs: each one's window
            per_gpu = (measured, *(self._gpu_window(sampler, i, steps.measure_start_t_s, end,
                                                    counter) for i in others))
            measured = over_gpus(list(per_gpu))
            if warm is not None:
                warm = over_gpus([warm, *(self._gpu_window(
                    sampler, i, steps.warmup_start_t_s or 0.0, steps.measure_start_t_s,
                    counter) for i in others)])
        telemetry = TelemetryReport(measured, warm, self.telemetry, resets,
                                    sampler.cpu_energy_problem if sampler else None, per_gpu)
        return summarize(report, telemetry)

    def _other_gpus(self, report: RunReport) -> list[int]:
        """NVML indices of this machine's GPUs a distributed run used beside the primary.

        Ranks on this host use ``cuda:LOCAL_RANK``; with ``CUDA_VISIBLE_DEVICES`` unset
        that is NVML's index too.
        """
        dr = report.dist
        sampler = self._sampler
        if dr is None or sampler is None or not report.run.device.startswith("cuda"):
            return []
        host = dr.ranks[0].host if dr.ranks else ""
        used = {int(r.device.split(":")[1]) for r in dr.ranks
                if r.host == host and r.device.startswith("cuda:")}
        primary = sampler.gpu_index
        return sorted(i for i in used if i != primary and i in sampler.samples_by_gpu)

    @staticmethod
    def _gpu_window(sampler: Sampler, index: int, start: float, end: float,
                    counter: str) -> WindowStats:
        columns = SampleColumns()
        for sample in list(sampler.samples_by_gpu[index]):
            columns.append(sample)
        return columns.window(start, end, counter)
