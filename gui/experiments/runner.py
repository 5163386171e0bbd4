"""Runs one guided experiment (:func:`engine.claims.experiments.run_experiment`) off the GUI thread.

``run_experiment`` blocks until every case has run (each in its own run process), so it
runs in a worker thread, ``trainfer-experiment``. The thread only calls the engine and
emits Qt signals; receivers in the GUI thread connect with a queued connection, so every
widget is touched from the GUI thread alone. Stop sets a :class:`threading.Event` that the
engine polls between events: the current case stops within about a second and the cases
after it are marked stopped.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal

from engine.claims.experiments import EXPERIMENTS, run_experiment
from engine.core.config import ConfigError
from engine.core.events import Event, Sample, TelemetryStatus

log = logging.getLogger(__name__)
JOIN_TIMEOUT_S = 10.0
"""How long closing waits for the current case to stop and its run process to exit."""


class ExperimentRunner(QObject):
    """Starts and stops experiments in a worker thread; reports through signals.

    Args:
        store: Where each case is recorded (:class:`engine.session.store.db.Store`), or ``None``.
        session_factory: Makes the :class:`engine.session.session.Session` of each case (the
            window's NVML and store; a fake in tests); ``None``: the engine's default.
        trained: Passed to ``run_experiment`` (the app's
            :class:`engine.session.handover.TrainedWeights`); ``None``: its own.

    Signals:
        planned(list): ``(label, mode)`` of each case, in order, once the plan is known.
        event(str, object): ``(case label, event)`` for each run event of a case, except
            telemetry samples (they are many, and the tab does not draw them).
        case_done(object): A case's :class:`~engine.claims.experiments.CaseResult`, as soon as
            it is known (a case not available here says why before the next one runs).
        finished(object): The :class:`~engine.claims.experiments.ExperimentResult`.
        failed(str, str, str): ``(message, hint, field)``: the experiment could not start
            or broke off; ``field`` names the setting at fault (``""``: none).
    """

    planned = Signal(object)
    event = Signal(str, object)
    case_done = Signal(object)
    finished = Signal(object)
    failed = Signal(str, str, str)

    def __init__(
        self,
        store: Any = None,
        session_factory: Callable[[], Any] | None = None,
        parent: QObject | None = None,
        trained: Any = None,
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.session_factory = session_factory
        self.trained = trained  # the app's TrainedWeights: experiments hand weights on too
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._busy = False

    @property
    def running(self) -> bool:
        """True from :meth:`start` until ``finished`` or ``failed`` has been emitted."""
        return self._busy

    @property
    def stop_requested(self) -> bool:
        """True once Stop was asked for the current experiment."""
        return self._stop.is_set()

    def start(
        self,
        name: str,
        model: str | None,
        device: str,
        seconds: float | None,
        batches: tuple[int, ...] | None = None,
    ) -> None:
        """Run experiment ``name`` in the worker thread; returns at once.

        Args:
            name: An id of :data:`engine.claims.experiments.EXPERIMENTS`.
            model: Catalog id; ``None``: the experiment's default model.
            device: ``"auto"``, ``"cpu"`` or ``"cuda:N"``.
            seconds: Measured seconds per case; ``None``: the engine's default.
            batches: Batch sizes of a sweep; ``None``: the experiment's own.

        Raises:
            ConfigError: An unknown experiment (checked here; everything else is checked
                in the worker and arrives as ``failed``).
            RuntimeError: An experiment is already running.
        """
        if self._busy:
            raise RuntimeError("an experiment is already running; stop it first")
        if name not in EXPERIMENTS:
            raise ConfigError("experiment", f"unknown experiment {name!r}; choose one of: "
                              f"{', '.join(EXPERIMENTS)}")
        if self._thread is not None:  # the previous one has reported; its thread is ending
            self._thread.join(JOIN_TIMEOUT_S)
        self._stop = threading.Event()
        self._busy = True
        self._thread = threading.Thread(
            target=self._work, args=(name, model, device, seconds, batches, self._stop),
            name="trainfer-experiment", daemon=True,
        )
        self._thread.start()

    def stop(self) -> None:
        """Stop the current case (within about a second) and skip the rest."""
        self._stop.set()

    def shutdown(self, timeout: float = JOIN_TIMEOUT_S) -> None:
        """Stop any experiment and join the worker thread (window closing)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            if self._thread.is_alive():
                log.warning("the experiment thread did not end within %.0f s", timeout)
        self._busy = False

    # -- worker thread ---------------------------------------------------------------
    def _work(self, name: str, model: str | None, device: str, seconds: float | None,
              batches: tuple[int, ...] | None, stop: threading.Event) -> None:
        try:
            exp = EXPERIMENTS[name]
            cases = exp.plan(model or exp.default_model, device, seconds, batches)
            self.planned.emit([(case.label, case.config.mode) for case in cases])
            result = run_experiment(
                name, model, device, seconds, store=self.store, on_event=self._forward,
                should_stop=stop.is_set, session_factory=self.session_factory,
                batches=batches, on_case_done=self.case_done.emit, trained=self.trained,
            )
        except ConfigError as exc:
            self._busy = False
            self.failed.emit(exc.message, self.tr("Change the “{0}” setting and run the "
                                                  "experiment again.").format(exc.field),
                             exc.field)
            return
        except Exception as exc:  # noqa: BLE001 - every failure reaches the one handler
            log.exception("experiment %s broke off", name)
            self._busy = False
            self.failed.emit(self.tr("The experiment broke off: {0}").format(exc),
                             self.tr("The runs that ended are in History; see the log for "
                                     "details."), "")
            return
        self._busy = False
        self.finished.emit(result)

    def _forward(self, label: str, ev: Event) -> None:
        if not isinstance(ev, (Sample, TelemetryStatus)):
            self.event.emit(label, ev)
