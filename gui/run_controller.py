"""The run controller: every run of the window, live, replayed or an experiment's case.

It owns the engine session (which records every run in the store), the bridge that
turns the run's events into Qt signals, the hand-over of trained weights to the next
inference run, the replay queue and the experiment worker, and it keeps the run state
(``idle`` → ``building`` → ``warmup`` → ``measuring`` → ``stopping`` → ``done`` /
``stopped`` / ``failed``). The window lays widgets out and connects them to the
controller's signals and to its bridge's; nothing else starts, stops or reads a run.

An experiment (:func:`engine.claims.experiment_runner.run_experiment`, a generator)
runs in a superqt worker thread over the same session; every event it yields comes back
to the GUI thread and goes through the same bridge, so the Live tab plots each case as
it runs. Starting, stopping and closing never block for long: ``Session.start`` spawns
the run process and returns, Stop only asks, and the events arrive asynchronously.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QThreadPool, Signal
from superqt.utils import GeneratorWorker

from engine.claims.experiment_runner import (
    CaseDone,
    CaseStarted,
    ExperimentDone,
    ExperimentStarted,
    run_experiment,
)
from engine.claims.experiments import ExperimentPlan
from engine.core.catalog import CATALOG
from engine.core.config import ConfigError, RunConfig, setting
from engine.core.events import Failed, Notice, Phase, Summary
from engine.core.values import msg
from engine.session.devices import DevicesReport
from engine.session.handover import TrainedWeights
from engine.session.remote.session import RemoteSession
from engine.session.session import Session
from engine.session.store.replay import ReplaySource
from gui import errors
from gui.bridge import EventBridge
from gui.history.run_loader import RunLoader
from gui.live.replay_control import ReplayControl, language_model
from gui.tasks import Tasks
from gui.widgets.run_text import device_text, run_description
from gui.widgets.words import said

log = logging.getLogger(__name__)

STATES = ("idle", "building", "warmup", "measuring", "finishing", "stopping", "done", "stopped",
          "failed")
"""Run states, in the order a run goes through them."""
ACTIVE_STATES = ("building", "warmup", "measuring", "finishing", "stopping")
"""States in which a run is in progress."""
PHASE_STATES = {"build": "building", "warmup": "warmup", "measure": "measuring",
                "done": "finishing"}
"""Run phases and the state they enter; ``done`` is the untimed work after the measured
phase (held-out accuracy, saving weights) until the summary arrives."""
JOIN_TIMEOUT_S = 10.0
"""How long closing waits for an experiment's case to stop and its process to exit."""


@dataclass(frozen=True)
class Stream:
    """A run whose events are about to arrive.

    Attributes:
        kind: ``"live"``, ``"replay"`` or ``"case"`` (an experiment's).
        mode, model: What runs.
        language_model: Throughput counts tokens.
        t0_s: Monotonic time its x axis starts from.
        title: For a replay, the recorded run's description; for a case, its title.
        position: ``"2 of 3"`` (replay) or ``"case 2 of 8"`` (experiment); ``""``.
        device: The device in words, when known before the run says.
        host: The SSH host a live run runs on; ``""``: this machine.
    """

    kind: str
    mode: str
    model: str
    language_model: bool
    t0_s: float
    title: str = ""
    position: str = ""
    device: str = ""
    host: str = ""


class RunController(QObject):
    """Runs, replays and experiments of one window, through one session and one bridge.

    Args:
        session: The engine session (it records into its store).
        devices: What NVML found (the device "auto" means).
        loader: Reads stored runs and recordings off the GUI thread.
        tasks: The window's asyncio tasks.

    Signals:
        state_changed(str, str, str): ``(state, mode, detail)``; see :data:`STATES`.
        stream_started(object): A :class:`Stream` begins (a run, a replayed run, a case).
        finished(): A stream ended (after its Summary or Failed, or without one).
        trained_changed(): The weights inference would start from changed.
        replay_started(): A replayed run began. replay_finished(): the replay ended.
        speed_changed(float): The replay speed changed.
        experiment_started(object): An :class:`~engine.claims.experiments.ExperimentPlan`
            began; case_started(object) / case_done(object): its
            :class:`~engine.claims.experiment_runner.CaseStarted` /
            :class:`~engine.claims.experiment_runner.CaseDone`;
            experiment_finished(object): its
            :class:`~engine.claims.experiments.ExperimentResult`;
            experiment_running(bool): it started or ended (also when it broke off).
    """

    state_changed = Signal(str, str, str)
    stream_started = Signal(object)
    finished = Signal()
    trained_changed = Signal()
    replay_started = Signal()
    replay_finished = Signal()
    speed_changed = Signal(float)
    experiment_started = Signal(object)
    case_started = Signal(object)
    case_done = Signal(object)
    experiment_finished = Signal(object)
    experiment_running = Signal(bool)

    def __init__(self, session: Session, devices: DevicesReport, loader: RunLoader,
                 tasks: Tasks, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.remote: RemoteSession | None = None
        """The session of runs on another machine (the last host asked for), or ``None``."""
        self._active: Session | RemoteSession = session
        self.devices = devices
        self.bridge = EventBridge(self)
        self.handover = TrainedWeights()  # inference after training predicts with its weights
        self.replay = ReplayControl(self.bridge, loader, tasks, lambda: self.running, self)
        self.state = "idle"
        self.stream: Stream | None = None
        self._cfg: RunConfig | None = None
        self._experiment: GeneratorWorker | None = None
        self._experiment_stop = threading.Event()
        self._plan: ExperimentPlan | None = None
        self._experiment_outcome = "done"
        self._closed = False
        self.bridge.phase.connect(self._on_phase)
        self.bridge.summary.connect(self._on_summary)
        self.bridge.failed.connect(self._on_failed)
        self.bridge.notice.connect(self._on_notice)
        self.bridge.finished.connect(self._on_finished)
        self.replay.run_started.connect(self._on_replay_run)
        self.replay.finished.connect(self._on_replay_finished)
        self.replay.speed_changed.connect(self.speed_changed)

    # -- state -----------------------------------------------------------------------
    @property
    def running(self) -> bool:
        """True from Start until the run's events have ended (a replay or experiment counts)."""
        return (self.bridge.active or self.state in ACTIVE_STATES or self.replaying
                or self.experimenting)

    @property
    def replaying(self) -> bool:
        """True from the start of a replay until its last run has played or it is stopped."""
        return self.replay.active

    @property
    def plan(self) -> ExperimentPlan | None:
        """The plan of the experiment in progress, or ``None``."""
        return self._plan

    @property
    def experimenting(self) -> bool:
        """True from the start of an experiment until its result (or failure) is known."""
        return self._experiment is not None

    @property
    def mode(self) -> str:
        """The mode of the current (or last) stream, ``""`` before any."""
        return self.stream.mode if self.stream is not None else ""

    def set_state(self, state: str, detail: str = "") -> None:
        """Enter ``state`` (one of :data:`STATES`) and announce it."""
        self.state = state
        stream = self.stream
        if stream is not None and stream.kind == "replay":
            tag = self.tr("replay {0}×").format(f"{self.replay.speed():g}")
            detail = f"{tag}, {detail}" if detail else tag
        elif stream is not None and stream.kind == "case" and self._plan is not None:
            tag = self.tr("{0}, {1}").format(self._plan.name, stream.position)
            detail = f"{tag}, {detail}" if detail else tag
        self.state_changed.emit(state, self.mode, detail)

    def _begin(self, stream: Stream) -> None:
        self.stream = stream
        self.stream_started.emit(stream)
        self.set_state("building")

    # -- a live run ------------------------------------------------------------------
    def start_run(self, cfg: RunConfig, host: str = "") -> bool:
        """Start ``cfg`` (with trained weights when it is an inference); False if it can't.

        Args:
            cfg: What to run.
            host: Run it on this SSH host (``USER@HOST``) through a
                :class:`~engine.session.remote.session.RemoteSession`, recorded in the same
                store and plotted through the same bridge; ``""``: on this machine. A
                remote run gets no weights hand-over (its files stay on the host).

        Why it cannot start (a run in progress, a setting this machine cannot run) goes to
        the error sink.
        """
        if self.running:
            errors.report(self.tr("A run, a replay or an experiment is in progress."),
                          self.tr("Stop it, or wait for it to end, then start again."))
            return False
        session: Session | RemoteSession = self.session
        try:
            if host:
                session = self._remote_session(host)
                prepared = cfg
            else:
                prepared = self.handover.prepare(cfg)
            t0 = time.monotonic()
            session.start(prepared)
        except ConfigError as exc:
            errors.report(exc.msg, msg("failed.config.hint", setting=setting(exc.field)),
                          exc.field)
            return False
        except Exception as exc:  # noqa: BLE001 - any start failure goes to the one sink
            log.exception("could not start the run")
            errors.report(self.tr("Could not start the run: {0}").format(
                said(getattr(exc, "msg", None), str(exc))),
                self.tr("Wait for the previous run to end, or restart Trainfer."))
            return False
        self._active = session
        self._cfg = prepared
        info = CATALOG[prepared.model]
        self._begin(Stream("live", prepared.mode, prepared.model, info.is_language_model, t0,
                           host=host))
        self.bridge.watch(session)
        return True

    def _remote_session(self, host: str) -> RemoteSession:
        """The session for runs on ``host`` (the same one while the host stays the same)."""
        if self.remote is None or self.remote.host != host:
            if self.remote is not None:
                self.remote.close()
            self.remote = RemoteSession(host, store=self.session.store)
        return self.remote

    def stop(self) -> None:
        """Stop what runs: a replay now, a run or an experiment after the step in progress.

        Pressed twice, a long step ends at once.
        """
        if self.replaying:
            self.replay.stop()
            return
        if self.experimenting:
            self._experiment_stop.set()
            self.set_state("stopping")
            return
        if not self.running:
            return
        again = self.state == "stopping"
        self._active.stop(now=again)
        grace = self._active.stop_grace_s()
        detail = ""
        if grace > 1.5:  # a long step: say why Stop takes a while, and how to cut it short
            detail = self.tr("after the step in progress, up to {0:.0f} s; press Stop again "
                             "to end it now").format(grace)
        self.set_state("stopping", detail)

    def trained_summaries(self, seed: int = 0) -> dict[str, Summary]:
        """Model id -> the training run whose weights its next inference would load."""
        out = {}
        for model_id in CATALOG:
            s = self.handover.trained_summary(model_id, seed)
            if s is not None:
                out[model_id] = s
        return out

    # -- events ----------------------------------------------------------------------
    def _on_phase(self, ev: Phase) -> None:
        state = PHASE_STATES.get(ev.name)
        if state is not None and self.state != "stopping":
            self.set_state(state)

    def _on_summary(self, ev: Summary) -> None:
        stream = self.stream
        if stream is not None and stream.kind == "live" and self._cfg is not None:
            self.handover.record(ev, self._cfg.seed)
            self.trained_changed.emit()
        self.set_state("done", self.tr("stopped early") if ev.stopped_early else "")

    def _on_failed(self, ev: Failed) -> None:
        stream = self.stream
        if stream is not None and stream.kind == "replay":  # it failed then, not now
            self.set_state("failed", ev.kind)
            errors.notify(self.tr("The replayed run failed when it was recorded: {0}")
                          .format(said(ev.msg, ev.message)), said(ev.hint_msg, ev.hint))
            return
        if ev.kind == "stopped":
            self.set_state("stopped")
            if stream is None or stream.kind == "live":
                errors.notify(said(ev.msg, ev.message), said(ev.hint_msg, ev.hint))
            return
        self.set_state("failed", ev.kind)
        if stream is None or stream.kind == "live":  # a case's failure is in its table row
            errors.report(said(ev.msg, ev.message), said(ev.hint_msg, ev.hint), ev.field)

    def _on_notice(self, ev: Notice) -> None:
        errors.notify(said(ev.msg, ev.message), said(ev.hint_msg, ev.hint))

    def _on_finished(self) -> None:
        if self.state in ACTIVE_STATES:
            self.set_state("stopped")
        if self.replay.stream_ended():
            return
        if self.stream is not None and self.stream.kind == "case":
            return  # the experiment goes on; CaseDone ends the case
        self.finished.emit()

    # -- replay ----------------------------------------------------------------------
    def play_recording(self, path: str | Path, speed: float | None = None) -> Any:
        """Replay the runs of recording ``path`` one after another."""
        return self.replay.play_recording(path, speed)

    def play_runs(self, store: Any, run_ids: list[int], speed: float | None = None) -> Any:
        """Replay stored runs ``run_ids``, oldest first."""
        return self.replay.play_runs(store, run_ids, speed)

    def play(self, sources: list[ReplaySource], speed: float | None = None) -> bool:
        """Replay ``sources`` one after another (see :meth:`ReplayControl.play`)."""
        return self.replay.play(sources, speed)

    def _on_replay_run(self, source: ReplaySource, position: str) -> None:
        title = run_description(source.title, source.mode, source.device, source.device_name,
                                source.started_unix_s)
        self._begin(Stream("replay", source.mode, source.model, language_model(source),
                           time.monotonic(), title, position,
                           device_text(source.device, source.device_name)))
        self.replay_started.emit()

    def _on_replay_finished(self, stopped: bool) -> None:
        if stopped and self.state in ACTIVE_STATES:
            self.set_state("stopped")
        self.finished.emit()
        self.replay_finished.emit()

    # -- experiments -----------------------------------------------------------------
    def start_experiment(self, plan: ExperimentPlan) -> bool:
        """Run ``plan`` in a worker thread through this session; False if it can't now."""
        if self.running:
            errors.report(self.tr("A run, a replay or an experiment is in progress; its "
                                  "measurements would compete with the experiment's."),
                          self.tr("Wait for it to end, or stop it, then run the experiment."))
            return False
        self._experiment_stop = threading.Event()
        self._experiment_outcome = "stopped"  # until ExperimentDone says otherwise
        self._plan = plan
        worker = GeneratorWorker(run_experiment, plan, self.session, handover=self.handover,
                                 should_stop=self._experiment_stop.is_set)
        worker.yielded.connect(self._on_experiment_event)
        worker.errored.connect(self._on_experiment_error)
        worker.finished.connect(lambda *_a: self._on_experiment_ended())
        self._experiment = worker
        self.experiment_running.emit(True)
        QThreadPool.globalInstance().start(worker)
        return True

    def _on_experiment_event(self, ev: Any) -> None:
        if self._closed:
            return
        if isinstance(ev, ExperimentStarted):
            self.experiment_started.emit(ev.plan)
        elif isinstance(ev, CaseStarted):
            info = CATALOG[ev.config.model]
            self._begin(Stream("case", ev.config.mode, ev.config.model, info.is_language_model,
                               time.monotonic(), said(ev.case.title),
                               self.tr("case {0} of {1}").format(
                                   ev.index + 1, len(self._plan.cases) if self._plan else 0)))
            self.case_started.emit(ev)
        elif isinstance(ev, CaseDone):
            self.case_done.emit(ev)
            if ev.result.summary is not None and ev.result.mode == "train":
                self.trained_changed.emit()
        elif isinstance(ev, ExperimentDone):
            self._experiment_outcome = "stopped" if ev.result.stopped else "done"
            self.experiment_finished.emit(ev.result)
        else:
            self.bridge.dispatch(ev)

    def _on_experiment_error(self, exc: Exception) -> None:
        log.error("experiment broke off", exc_info=exc)
        if isinstance(exc, ConfigError):
            errors.report(exc.msg, msg("failed.config.hint", setting=setting(exc.field)),
                          exc.field)
        else:
            errors.report(self.tr("The experiment broke off: {0}").format(exc),
                          self.tr("The runs that ended are in History; see the log for "
                                  "details."))

    def _on_experiment_ended(self) -> None:
        self._experiment = None
        self._plan = None
        self.stream = None  # the window is free again: no case's detail in the state
        self.set_state(self._experiment_outcome)
        self.experiment_running.emit(False)
        self.finished.emit()

    # -- the run process -------------------------------------------------------------
    def keep_ready(self, model_id: str) -> None:
        """Keep a run process ready for ``model_id`` so Start measures within a second.

        The process imports torch (and the model's libraries) while the app is idle; see
        :meth:`engine.session.session.Session.prepare` (during a run it only remembers).
        """
        if not self._closed:
            self.session.prepare(model_id)

    # -- closing ---------------------------------------------------------------------
    def shutdown(self) -> None:
        """Stop any run, replay or experiment and join the run process and threads."""
        self._closed = True
        self.replay.shutdown()
        self.bridge.cancel()
        if self._experiment is not None:
            self._experiment_stop.set()
            self._experiment.quit()
            if not QThreadPool.globalInstance().waitForDone(int(JOIN_TIMEOUT_S * 1000)):
                log.warning("the experiment thread did not end within %.0f s", JOIN_TIMEOUT_S)
        self.session.close()
        if self.remote is not None:
            self.remote.close()
        self.handover.close()
