"""A run on another machine, seen from the GUI or command-line process.

:class:`RemoteSession` has the surface of :class:`engine.session.session.Session` that
the command line and the app use (``start``, ``stop``, ``stop_grace_s``, ``close``,
``running``, ``events()``, ``iter_events()``), so a remote run goes through the same
consumers, bridge and store as a local one. It starts ``trainfer run … --events jsonl``
on the host through OpenSSH (:mod:`engine.session.remote.command`) and reads the run's
events, telemetry of the host's GPU included, from the stream on its stdout
(:mod:`engine.session.remote.stream`); nothing runs or samples on this machine.

Why threads: reading a pipe blocks. One thread reads stdout line by line, one keeps the
last lines of stderr (the remote progress line and ssh's own errors, for the messages),
and a pump thread turns lines into events, forwards them, and watches Stop's grace.

Stopping: Stop writes ``stop`` on the remote's stdin (``stop now`` when pressed twice or
closing), so the remote run ends after its step and still sends its summary; after the
grace, ``ssh`` is terminated, which closes the connection: the remote ``trainfer`` sees
its stdin end and its stdout break (and SIGHUP where a terminal was allocated) and
stops. A connection that drops (``ssh`` ends without a Summary or Failed) ends the run
as *interrupted* (``Failed("crash")``), with every event that arrived kept.
"""

from __future__ import annotations

import collections
import contextlib
import logging
import queue
import subprocess
import threading
import time
from collections.abc import Sequence
from typing import IO, Any

from engine import __version__
from engine.core.config import ConfigError, RunConfig
from engine.core.errors import ExplainedError
from engine.core.events import (
    Event,
    Failed,
    Notice,
    Phase,
    Sample,
    Started,
    StepStats,
    Summary,
    TelemetryStatus,
)
from engine.core.values import msg, seconds
from engine.session.outlet import END, EventOutlet
from engine.session.remote.command import default_remote_trainfer, remote_command
from engine.session.remote.stream import (
    FORMAT,
    VERSION,
    StreamDecoder,
    StreamError,
    parse_header,
)
from engine.session.store.db import Store, StoreError
from engine.session.store.recorder import Recorder, hint_for

log = logging.getLogger(__name__)

STOP_GRACE_S = 3.0
"""Stop's shortest grace for a remote run (s): the host's own one-second grace, its
process ending, and the network round trip."""
STOP_GRACE_MAX_S = 30.0
RECORD_WAIT_S = 5.0
EXIT_WAIT_S = 5.0
"""How long the end of the stream waits for ``ssh`` to exit before ending it (s)."""
EXIT_NOT_FOUND = 127
"""A POSIX shell's exit status for a command it cannot find."""
EXIT_SSH_ERROR = 255
"""OpenSSH's exit status for its own errors (connection, authentication, host key)."""
STDERR_LINES = 20
_EOF = object()


class RemoteRunInProgress(ExplainedError, RuntimeError):
    """:meth:`RemoteSession.start` while a run is in progress."""


class RemoteSession(EventOutlet):
    """Runs one configuration at a time on ``host``.

    Args:
        host: Where to run: ``HOST`` or ``USER@HOST`` as ``ssh`` takes it (an alias of
            ``~/.ssh/config`` too).
        store: Where every run is recorded as it arrives (with its host); ``None``
            records nothing.
        remote_trainfer: The ``trainfer`` command on the host, as its shell reads it (a
            virtual environment's ``~/venv/bin/trainfer``); ``""``:
            ``$TRAINFER_REMOTE_TRAINFER``, else ``trainfer``.
        transport: The command prefix that reaches the host (default ``ssh -T -o
            BatchMode=yes`` or ``$TRAINFER_SSH``; see
            :func:`engine.session.remote.command.transport_prefix`).

    Attributes:
        run_id: The current run's id in the store, or ``None``.
        last_summary: The last run's Summary, or ``None``.
        remote_host: The host name the remote process reported in its header.
    """

    def __init__(self, host: str, *, store: Store | None = None,
                 remote_trainfer: str = "",
                 transport: Sequence[str] | None = None) -> None:
        self.host = host
        self.store = store
        self.remote_trainfer = remote_trainfer or default_remote_trainfer()
        self.transport = transport
        self.run_id: int | None = None
        self.config: RunConfig | None = None
        self.last_summary: Summary | None = None
        self.telemetry: TelemetryStatus | None = None
        self.devices: Any = None
        self.remote_host = ""
        self._recorder: Recorder | None = None
        self._out: queue.Queue[Any] = queue.Queue()
        self._lines: queue.Queue[Any] = queue.Queue()
        self._stderr: collections.deque[str] = collections.deque(maxlen=STDERR_LINES)
        self._proc: subprocess.Popen[bytes] | None = None
        self._pump: threading.Thread | None = None
        self._readers: list[threading.Thread] = []
        self._ended = threading.Event()
        self._stdin_lock = threading.Lock()
        self._stop_requested_at: float | None = None
        self._longest_step_s = 0.0
        self._finishing = False
        self._closing = False

    @property
    def running(self) -> bool:
        """True from :meth:`start` until the terminal event has been queued."""
        return self._pump is not None and self._pump.is_alive() and not self._ended.is_set()

    @property
    def transport_pid(self) -> int | None:
        """The process id of the current (or last) run's transport (``ssh``), or ``None``."""
        return self._proc.pid if self._proc is not None else None

    def command(self, cfg: RunConfig) -> list[str]:
        """The command :meth:`start` runs for ``cfg``.

        Raises:
            ConfigError: A host ``ssh`` would misread, or a setting the remote command
                line cannot take.
        """
        return remote_command(self.host, cfg, remote_trainfer=self.remote_trainfer,
                              transport=self.transport)

    def start(self, cfg: RunConfig) -> None:
        """Start ``cfg`` on the host; returns once the transport has started.

        Raises:
            ConfigError: A host ``ssh`` would misread, a setting the remote command line
                cannot take, or no ``ssh`` client on this machine (field ``host``).
            RemoteRunInProgress: A run is already in progress.
        """
        if self.running:
            raise RemoteRunInProgress(msg("session.busy"))
        if self._pump is not None:
            self._pump.join(EXIT_WAIT_S)
        argv = self.command(cfg)
        self.config = cfg
        self._out = queue.Queue()
        self._lines = queue.Queue()
        self._stderr = collections.deque(maxlen=STDERR_LINES)
        self._ended = threading.Event()
        self._stop_requested_at = None
        self._longest_step_s = 0.0
        self._finishing = False
        self._closing = False
        self.last_summary = None
        self.telemetry = None
        self.remote_host = ""
        try:
            proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE, start_new_session=True)
        except OSError as exc:
            raise ConfigError("host", msg("remote.no_transport", command=argv[0],
                                          error=str(exc))) from None
        self._proc = proc
        self._recorder = None
        self.run_id = None
        if self.store is not None:
            try:
                self._recorder = Recorder(
                    self.store, cfg, time.monotonic(), host=self.host,
                    on_notice=lambda m, hint: self._emit(Notice.of(m, hint)))
            except StoreError as exc:
                self._emit(Notice.of(msg("recorder.not_recorded", problem=exc.msg),
                                     hint_for(exc.fault)))
            else:
                self.run_id = self._recorder.run_id
        assert proc.stdout is not None and proc.stderr is not None
        self._readers = [
            threading.Thread(target=self._read_stdout, args=(proc.stdout,),
                             name="trainfer-remote-stdout", daemon=True),
            threading.Thread(target=self._read_stderr, args=(proc.stderr,),
                             name="trainfer-remote-stderr", daemon=True),
        ]
        for t in self._readers:
            t.start()
        self._pump = threading.Thread(target=self._pump_loop, name="trainfer-remote-pump",
                                      daemon=True)
        self._pump.start()

    def stop(self, now: bool = False) -> None:
        """Ask the remote run to stop after its current step (ended after the grace).

        Args:
            now: Ask it to stop within a second, with the short grace (a second Stop).
        """
        if now:
            self._closing = True
        if not self.running:
            return
        self._say("stop now" if now or self._closing else "stop")
        if self._stop_requested_at is None:
            self._stop_requested_at = time.monotonic()

    def stop_grace_s(self) -> float:
        """How long Stop waits for the remote run before ending the connection (s).

        As :meth:`engine.session.session.Session.stop_grace_s` on the host, one second
        longer for the network round trip, and at least :data:`STOP_GRACE_S`.
        """
        if self._closing:
            return STOP_GRACE_S
        if self._finishing:
            return STOP_GRACE_MAX_S
        return min(STOP_GRACE_MAX_S, max(STOP_GRACE_S, 1.5 * self._longest_step_s + 1.5))

    def close(self, timeout: float = 5.0) -> None:
        """Stop any run (with the short grace) and join the threads."""
        self._closing = True
        self.stop(now=True)
        if self._pump is not None:
            self._pump.join(timeout + STOP_GRACE_S + 2.0)

    def prepare(self, model_id: str | None = None) -> None:
        """Nothing to keep ready here: the host starts its own run process per run."""

    def samples(self) -> list[Sample]:
        """No samples are kept here: the host's arrive as events."""
        return []

    # ---- consuming events ----------------------------------------------------------

    # ---- threads -------------------------------------------------------------------

    def _say(self, line: str) -> None:
        """Write one control line on the remote's stdin; a closed pipe is ignored."""
        proc = self._proc
        if proc is None or proc.stdin is None:
            return
        with self._stdin_lock, contextlib.suppress(OSError, ValueError):
            proc.stdin.write(line.encode() + b"\n")
            proc.stdin.flush()

    def _read_stdout(self, stream: IO[bytes]) -> None:
        with contextlib.suppress(OSError, ValueError):
            for line in stream:
                self._lines.put(line)
        self._lines.put(_EOF)

    def _read_stderr(self, stream: IO[bytes]) -> None:
        with contextlib.suppress(OSError, ValueError):
            for raw in stream:
                line = raw.decode("utf-8", "replace").rstrip()
                if line:
                    self._stderr.append(line)
                    log.debug("%s: %s", self.host, line)

    def _pump_loop(self) -> None:
        proc = self._proc
        assert proc is not None
        decoder: StreamDecoder | None = None
        terminal: Event | None = None
        skipped = 0
        while terminal is None:
            self._watch_stop(proc)
            try:
                item = self._lines.get(timeout=0.05)
            except queue.Empty:
                continue
            if item is _EOF:
                break
            if decoder is None:
                try:
                    header = parse_header(item)
                except StreamError:
                    skipped += 1  # a login banner, a shell's words: not the stream
                    continue
                self.remote_host = header.host
                terminal = self._refusal(header)
                if terminal is not None:
                    self._end_transport(proc)  # a stream this Trainfer cannot read
                    break
                decoder = StreamDecoder(header)
                continue
            try:
                ev = decoder.decode(item)
            except StreamError as exc:
                skipped += 1
                log.warning("%s: skipped a line of the stream: %s", self.host, exc)
                continue
            terminal = self._forward(ev)
        if skipped:
            log.info("%s: %d lines were not part of the event stream", self.host, skipped)
        if terminal is None:  # the stream ended without a result: the exit status says why
            code = self._wait(proc)
            for t in self._readers:
                t.join(1.0)  # ssh's last words, for the message
            terminal = self._without_result(code, started=decoder is not None)
        self._emit(terminal)
        if self._recorder is not None:
            self._recorder.close(RECORD_WAIT_S)
            self.run_id = self._recorder.run_id
        self._ended.set()
        self._out.put(END)
        self._close_stdin(proc)  # the run has ended: let the remote exit by itself
        self._wait(proc)
        for t in self._readers:
            t.join(1.0)

    def _watch_stop(self, proc: subprocess.Popen[bytes]) -> None:
        """After Stop's grace, end the transport (terminate, then kill)."""
        if self._stop_requested_at is None:
            return
        waited = time.monotonic() - self._stop_requested_at
        grace = self.stop_grace_s()
        if waited > grace + 1.0:
            with contextlib.suppress(OSError):
                proc.kill()
        elif waited > grace:
            self._end_transport(proc)

    def _end_transport(self, proc: subprocess.Popen[bytes]) -> None:
        """Close the remote's stdin and terminate ``ssh``: the connection closes."""
        self._close_stdin(proc)
        with contextlib.suppress(OSError):
            proc.terminate()

    def _wait(self, proc: subprocess.Popen[bytes]) -> int | None:
        """The transport's exit status once it has exited (ended after a wait if need be)."""
        try:
            return proc.wait(EXIT_WAIT_S)
        except subprocess.TimeoutExpired:
            self._end_transport(proc)
        try:
            return proc.wait(1.0)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(OSError):
                proc.kill()
            return proc.wait()

    def _close_stdin(self, proc: subprocess.Popen[bytes]) -> None:
        with self._stdin_lock, contextlib.suppress(OSError, ValueError):
            if proc.stdin is not None:
                proc.stdin.close()

    def _refusal(self, header: Any) -> Failed | None:
        """``Failed`` for a stream this Trainfer cannot read, else ``None``."""
        if header.version != VERSION:
            return Failed.of("config", msg("remote.format_version", host=self.host,
                                           remote=header.version, local=VERSION,
                                           format=FORMAT),
                             msg("remote.version.hint", version=__version__), "host")
        if header.trainfer != __version__:
            return Failed.of("config", msg("remote.version", host=self.host,
                                           remote=header.trainfer or "?", local=__version__),
                             msg("remote.version.hint", version=__version__), "host")
        return None

    def _forward(self, ev: Event) -> Event | None:
        """Queue one event of the stream; a terminal one is returned instead."""
        if isinstance(ev, StepStats):
            self._longest_step_s = max(self._longest_step_s, ev.step_ms / 1000.0)
        elif isinstance(ev, Phase) and ev.name == "done":
            self._finishing = True
        elif isinstance(ev, TelemetryStatus):
            self.telemetry = ev
        elif isinstance(ev, Summary):
            self.last_summary = ev
        if isinstance(ev, (Summary, Failed)):
            return ev
        if isinstance(ev, Started):
            log.info("remote run on %s (%s) started", self.host, self.remote_host)
        self._emit(ev)
        return None

    def _without_result(self, code: int | None, started: bool) -> Failed:
        """Why the transport ended without a Summary or Failed, as a failure."""
        said = self._stderr[-1] if self._stderr else ""
        if started:
            if self._stop_requested_at is not None:
                return Failed.of("stopped", msg("remote.terminated", host=self.host,
                                                grace=seconds(self.stop_grace_s())),
                                 msg("session.terminated.hint"))
            return Failed.of("crash", msg("remote.dropped", host=self.host,
                                          code=str(code), said=said or "-"),
                             msg("remote.dropped.hint", host=self.host))
        if code == EXIT_NOT_FOUND or "not found" in said.lower():
            return Failed.of("config", msg("remote.not_installed", host=self.host,
                                           command=self.remote_trainfer),
                             msg("remote.not_installed.hint", version=__version__),
                             "remote_trainfer")
        if code == EXIT_SSH_ERROR:
            return Failed.of("config", msg("remote.connection", host=self.host,
                                           said=said or "-"),
                             msg("remote.connection.hint", host=self.host), "host")
        if self._stop_requested_at is not None:
            return Failed.of("stopped", msg("remote.stopped_before_start", host=self.host))
        return Failed.of("config", msg("remote.no_stream", host=self.host, code=str(code),
                                       said=said or "-"),
                         msg("remote.version.hint", version=__version__), "remote_trainfer")

