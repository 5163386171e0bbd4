"""Runs from the command line: Ctrl-C, SIGTERM and SIGHUP stop them and still report.

With ``--events jsonl`` (:class:`EventWriter`) every event also goes to stdout as a JSON
line; with ``--stdin-control`` the run takes orders on stdin: ``stop`` (as Ctrl-C) and
``stop now`` (as a second Ctrl-C). That is how an app on another machine, reading this
process through ``ssh``, stops it; when that app or its connection goes away, stdin ends
and stdout breaks, and the run stops within a second (still recorded here).
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import signal
import sys
import threading
from typing import Any, TextIO

from engine.cli.progress import Progress
from engine.core.config import RunConfig
from engine.core.events import Failed, Summary
from engine.core.format import text
from engine.core.values import msg, seconds


class EventWriter:
    """Writes a run's events on stdout as JSON lines (:mod:`engine.session.remote.stream`).

    Args:
        out: Where to write (default ``sys.stdout``); each line is flushed.

    Attributes:
        broken: The reader went away (a broken pipe): nothing more is written.
    """

    def __init__(self, out: TextIO | None = None) -> None:
        self.out = out if out is not None else sys.stdout
        self.broken = False
        self.on_broken: Any = None
        self._lock = threading.Lock()

    def header(self) -> None:
        """Write the stream's header line (first, before any event)."""
        from engine.session.remote.stream import header_line

        self._put(header_line())

    def write(self, event: Any) -> None:
        """Write one event as a line."""
        from engine.session.remote.stream import event_line

        self._put(event_line(event))

    def _put(self, line: str) -> None:
        with self._lock:
            if self.broken:
                return
            try:
                self.out.write(line)
                self.out.flush()
            except (BrokenPipeError, OSError, ValueError):
                self.broken = True
        if self.broken and self.on_broken is not None:
            self.on_broken()

    def close(self) -> None:
        """After a broken pipe, keep Python's exit from complaining about stdout."""
        if self.broken:
            with contextlib.suppress(OSError, ValueError):
                devnull = os.open(os.devnull, os.O_WRONLY)
                os.dup2(devnull, self.out.fileno())


def _read_orders(stream: TextIO, session: Any) -> None:
    """``stop`` / ``stop now`` lines on ``stream``; its end (the app went away) stops now."""
    with contextlib.suppress(OSError, ValueError):
        for line in stream:
            order = line.strip().lower()
            if order == "stop":
                session.stop()
            elif order == "stop now":
                session.stop(now=True)
    session.stop(now=True)


def run_one(cfg: RunConfig, progress: Progress, store: Any = None, *, session: Any = None,
            writer: EventWriter | None = None, orders: TextIO | None = None) -> Summary | Failed:
    """Run ``cfg`` in a session.

    Ctrl-C asks the run to stop after the step in progress (a second one ends it within a
    second); SIGTERM and SIGHUP (the terminal or an ssh connection closed) end it within a
    second. Either way what was measured is reported.

    Args:
        cfg: What to run.
        progress: The progress line on stderr.
        store: Where the run is recorded (a new local session's); ``None``: nowhere.
        session: The session to run in (a
            :class:`~engine.session.remote.session.RemoteSession`); ``None``: a new local
            :class:`~engine.session.session.Session` on ``store``.
        writer: Also write every event on stdout as JSON lines (``--events jsonl``).
        orders: Take ``stop`` / ``stop now`` lines from this stream; its end stops the
            run now (``--stdin-control``: the app that started it over ssh went away).

    Raises:
        ConfigError: A setting this machine (or the host) cannot run, said before it starts.
    """
    if session is None:
        from engine.session.session import Session

        session = Session(store=store)
    session.start(cfg)  # may raise ConfigError
    result: Summary | Failed | None = None
    interrupted = 0

    def on_sigint(signum: int, frame: Any) -> None:
        nonlocal interrupted
        interrupted += 1
        if interrupted == 1 and session.stop_grace_s() > 1.5:
            print("\n" + text(msg("cli.stopping", grace=seconds(round(session.stop_grace_s())))),
                  file=sys.stderr)
        session.stop(now=interrupted > 1)

    def on_sigterm(signum: int, frame: Any) -> None:
        nonlocal interrupted
        interrupted += 1
        session.stop(now=True)  # a supervisor's kill: end soon, still report and clean up

    previous = signal.signal(signal.SIGINT, on_sigint)
    previous_term = signal.signal(signal.SIGTERM, on_sigterm)
    previous_hup = signal.signal(signal.SIGHUP, on_sigterm) if hasattr(signal, "SIGHUP") else None
    if writer is not None:
        writer.on_broken = lambda: session.stop(now=True)  # the reader is gone
    if orders is not None:
        threading.Thread(target=_read_orders, args=(orders, session),
                         name="trainfer-orders", daemon=True).start()
    try:
        for ev in session.iter_events():
            progress.feed(ev)
            if writer is not None:
                writer.write(ev)
            if isinstance(ev, (Summary, Failed)):
                result = ev
    finally:
        signal.signal(signal.SIGINT, previous)
        signal.signal(signal.SIGTERM, previous_term)
        if previous_hup is not None:
            signal.signal(signal.SIGHUP, previous_hup)
        session.close()
        progress.done()
        if writer is not None:
            writer.close()
    if result is None:
        result = Failed.of("crash", msg("cli.no_result"))
    if interrupted and isinstance(result, Summary):
        result = dataclasses.replace(result, stopped_early=True)
    return result


def run_plan(plan: Any, store: Any = None) -> Any:
    """Run an experiment plan's cases one after another, with a progress line each.

    Ctrl-C (or SIGTERM) stops the case in progress after its step and skips the rest;
    what was measured is kept. Returns the
    :class:`~engine.claims.experiments.ExperimentResult`.
    """
    from engine.claims.experiment_runner import CaseDone, CaseStarted, run_to_end
    from engine.session.session import Session

    session = Session(store=store)
    progress: list[Progress] = []
    stop = {"asked": False}

    def on_event(ev: Any) -> None:
        if isinstance(ev, CaseStarted):
            print(text(msg("cli.case", experiment=plan.name, case=ev.case.title)),
                  file=sys.stderr)
            progress.append(Progress())
        elif isinstance(ev, CaseDone):
            if progress:
                progress[-1].done()
        elif progress:
            progress[-1].feed(ev)

    def on_signal(signum: int, frame: Any) -> None:
        stop["asked"] = True

    previous = signal.signal(signal.SIGINT, on_signal)
    previous_term = signal.signal(signal.SIGTERM, on_signal)
    try:
        return run_to_end(plan, session, should_stop=lambda: stop["asked"], on_event=on_event)
    finally:
        signal.signal(signal.SIGINT, previous)
        signal.signal(signal.SIGTERM, previous_term)
        session.close()
        if progress:
            progress[-1].done()
