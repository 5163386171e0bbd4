"""The progress line a run writes to stderr while it runs."""

from __future__ import annotations

import sys
import time
from typing import Any

from engine.core.events import Notice, Phase, Sample, Started, StepStats, TelemetryStatus
from engine.core.format import text
from engine.core.values import msg


class Progress:
    """Writes a progress line to stderr: rewritten in place on a terminal, else 1 per s."""

    def __init__(self, quiet: bool = False) -> None:
        self.tty = sys.stderr.isatty()
        self.quiet = quiet
        self.phase = "start"
        self.t0 = time.monotonic()
        self.step: StepStats | None = None
        self.sample: Sample | None = None
        self.unit = "samples"
        self._last = 0.0
        self._width = 0

    def feed(self, ev: Any) -> None:
        """Take one event of the run; rewrite the line when it is due."""
        from engine.cli.report import progress_text

        if isinstance(ev, Phase):
            self.phase = {"warmup": "warm-up"}.get(ev.name, ev.name)
            self.step = None  # the last warm-up step is not the measured phase's
            if ev.name == "done" and ev.detail in ("completed", "stopped"):
                # the untimed work after the measured phase: say it, so a pause is explained
                self._line(text(msg("progress.after_run")), final=True)
        elif isinstance(ev, Started):
            self.unit = ev.sample_unit
            self._line(text(msg("progress.started", device=ev.device, name=ev.device_name,
                                params=ev.params, batch=ev.batch_size)), final=True)
        elif isinstance(ev, Notice):
            what = ev.msg or ev.message
            self._line(text(msg("progress.note_hint", note=what, hint=ev.hint_msg or ev.hint)
                            if ev.hint else msg("progress.note", note=what)), final=True)
        elif isinstance(ev, TelemetryStatus) and not ev.gpu_available:
            self._line(text(msg("progress.no_telemetry", why=ev.msg or ev.message)), final=True)
        elif isinstance(ev, StepStats):
            self.step = ev
        elif isinstance(ev, Sample):
            self.sample = ev
        now = time.monotonic()
        if now - self._last >= (0.25 if self.tty else 1.0) and self.phase in ("warm-up", "measure"):
            self._last = now
            self._line(progress_text(self.phase, self.step, self.sample, now - self.t0, self.unit))

    def _line(self, line: str, final: bool = False) -> None:
        if self.quiet:
            return
        try:
            if self.tty:
                pad = max(0, self._width - len(line))
                sys.stderr.write("\r" + line + " " * pad + ("\n" if final else ""))
                self._width = 0 if final else len(line)
            else:
                sys.stderr.write(line + "\n")
            sys.stderr.flush()
        except (BrokenPipeError, OSError, ValueError):
            self.quiet = True  # nobody reads stderr any more (a closed ssh connection)

    def done(self) -> None:
        """End the line (the run is over)."""
        if self.tty and self._width and not self.quiet:
            sys.stderr.write("\n")
            self._width = 0

