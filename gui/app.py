"""Application entry point: ``python -m gui`` or ``trainfer`` with no subcommand.

One QApplication, the qasync event loop as asyncio's loop (so the bridge's asyncio task
and Qt share the main thread), one :class:`~gui.main_window.MainWindow`. Closing the
window stops any run and joins the run process and threads before ``main`` returns.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import sys
from typing import TYPE_CHECKING

import qasync
from PySide6.QtCore import QLocale, QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from engine.core.catalog import CATALOG
from engine.core.resources import resources_dir
from gui import errors, preferences
from gui.presentation import clamp_scale
from gui.translation import Context, install_translators
from gui.widgets.words import set_language, words
from gui.window_settings import TAB_NAMES, app_settings

if TYPE_CHECKING:
    from gui.main_window import MainWindow

APP_NAME = "Trainfer"
DESKTOP_ID = "trainfer"
"""The desktop entry's name (``resources/trainfer.desktop``): desktops match the window to it."""
log = logging.getLogger(__name__)
App = Context("App")


READY_DELAY_MS = 1000
"""How long after the window is shown the run process is started ahead of need (ms)."""

def build_parser() -> argparse.ArgumentParser:
    """Command-line options of the desktop application."""
    parser = argparse.ArgumentParser(
        prog="trainfer",
        description="Trainfer desktop app: training vs inference, measured live.",
    )
    parser.add_argument(
        "--autostart",
        metavar="MODEL:MODE[,MODEL:MODE...]",
        help="start these runs one after another when the window opens "
        "(e.g. mlp:train,mlp:infer); for demos and screenshots",
    )
    parser.add_argument(
        "--complete", action="store_true",
        help="after the --autostart runs, complete the Compare tab's table (run what its "
        "claims need); for demos and screenshots",
    )
    parser.add_argument(
        "--experiment", metavar="NAME", default=None,
        help="run this guided experiment when the window opens (Experiments tab); "
        "for demos and screenshots",
    )
    parser.add_argument(
        "--model", default=None,
        help="model of the --experiment (default: the experiment's own)",
    )
    parser.add_argument(
        "--seconds", type=float, default=None,
        help="measured seconds of each autostarted run, or of each case of --experiment",
    )
    parser.add_argument(
        "--device", default=None,
        help="device for autostarted runs or --experiment: auto, cpu, cuda:N",
    )
    parser.add_argument(
        "--tab", choices=TAB_NAMES, default=None,
        help="tab shown at start (default: the one shown when Trainfer last closed)",
    )
    parser.add_argument(
        "--replay", metavar="FILE", default=None,
        help="replay the runs of a .trainfer recording one after another",
    )
    parser.add_argument(
        "--speed", type=float, default=1.0, help="replay speed, x real time (default 1)"
    )
    parser.add_argument(
        "--data-dir", default=None,
        help="where runs are kept (default: $TRAINFER_DATA_DIR, else the folder chosen in "
        "Preferences, else the user data folder)",
    )
    parser.add_argument(
        "--no-settings", action="store_true",
        help="neither restore nor save the window's remembered settings (geometry, tab, "
        "the run panel's last choices) nor the preferences",
    )
    parser.add_argument(
        "--presentation", action="store_true",
        help="start in presentation mode (full screen, large text, key numbers as cards; "
        "F11 or Escape leaves it)",
    )
    parser.add_argument(
        "--presentation-scale", type=float, default=None, metavar="X",
        help="text and line scale in presentation mode, 1 to 3 (default: the remembered "
        "one, else 1.6)",
    )
    parser.add_argument(
        "--lang", default=None,
        help="interface language (e.g. pt_BR, en); default: the one chosen in Preferences, "
        "else the system's"
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    """Open the window and run until it is closed.

    Args:
        argv: Options (without the program name); ``None`` reads ``sys.argv[1:]``.
            Unknown options are passed on to Qt (e.g. ``-platform offscreen``).

    Returns:
        The process exit status (0 on a normal close, 2 on bad options).
    """
    args, qt_args = build_parser().parse_known_args(sys.argv[1:] if argv is None else argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")

    from gui.autostart import AutoStarter, parse_specs
    from gui.binding_check import binding_problem
    from gui.main_window import MainWindow

    specs = []
    if args.autostart:
        try:
            specs = parse_specs(args.autostart)
        except ValueError as exc:
            print(f"trainfer: --autostart: {exc}", file=sys.stderr)
            return 2
    if args.experiment is not None or args.model is not None:
        from engine.claims.experiments import EXPERIMENTS

        if args.experiment not in EXPERIMENTS:
            print(f"trainfer: --experiment: choose one of: {', '.join(EXPERIMENTS)}",
                  file=sys.stderr)
            return 2
        if args.model is not None and args.model not in CATALOG:
            print(f"trainfer: --model: choose one of: {', '.join(CATALOG)}", file=sys.stderr)
            return 2
    if args.seconds is not None and not args.seconds > 0:
        print(f"trainfer: --seconds must be above 0, not {args.seconds:g}", file=sys.stderr)
        return 2
    if args.device is not None:
        from engine.core.config import ConfigError, RunConfig
        from engine.session.devices import list_devices, preflight

        try:
            preflight(RunConfig(model="mlp", device=args.device), list_devices())
        except ConfigError as exc:
            print(f"trainfer: --device: {words(exc.msg)}", file=sys.stderr)
            return 2
    if not args.speed > 0:
        print(f"trainfer: --speed must be above 0, not {args.speed:g}", file=sys.stderr)
        return 2

    no_display = _no_display()
    if no_display and QApplication.instance() is None:
        print(f"trainfer: {no_display}", file=sys.stderr)
        return 2

    from engine.session.store.db import StoreError, open_store

    # The preferences (gui.preferences) under the command line and the environment.
    settings = None if args.no_settings else app_settings()
    prefs = preferences.load(settings)
    lang = args.lang or prefs.lang()
    data_dir, data_dir_winner = preferences.choose_data_dir(args.data_dir, prefs)
    store, store_warning = None, None
    try:
        store, store_warning = open_store(data_dir)
    except StoreError as exc:
        store_warning = exc.msg

    app = QApplication.instance() or QApplication([sys.argv[0], *qt_args])
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(APP_NAME)
    assert isinstance(app, QApplication)
    app.setDesktopFileName(DESKTOP_ID)
    app.setWindowIcon(app_icon())
    install_translators(app, lang)
    set_language(lang or QLocale.system().name())
    errors.install_excepthooks()

    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    # Remembered settings first, then the command line's options over them.
    window = MainWindow(store=store, settings=settings, prefs=prefs)
    window.data_dir_winner = data_dir_winner
    if args.experiment:
        args.tab = "experiments"
    if args.tab is not None:
        window.tabs.setCurrentIndex(TAB_NAMES.index(args.tab))
    if args.presentation_scale is not None:
        window.presentation.scale = clamp_scale(args.presentation_scale)
    window.show()
    if args.presentation:
        window.presentation.enter()
    # After the first paint, so the run process's torch import does not slow the window.
    QTimer.singleShot(READY_DELAY_MS, window.keep_run_process_ready)
    _close_on_signals(window)
    problem = binding_problem()
    if problem:
        print(f"trainfer: {problem}", file=sys.stderr)
        window.report_error(problem, App.tr("Then start Trainfer again."))
    elif store_warning:
        print(f"trainfer: {words(store_warning)}", file=sys.stderr)
        window.report_error(
            store_warning,
            App.tr("Your earlier runs are still in the damaged file; move it away, or "
                      "start Trainfer with --data-dir to choose another folder.")
            if store is not None
            else App.tr("Runs are not kept in this session; start Trainfer with "
                           "--data-dir pointing to a folder you can write to."),
        )
    elif store is not None and store.read_only is not None:
        print(f"trainfer: {words(store.read_only)}", file=sys.stderr)
        window.report_error(
            App.tr("New runs are not saved: {0}").format(words(store.read_only)),
            App.tr("The runs stored there are listed and can be opened and exported; "
                   "start Trainfer with --data-dir pointing to a folder you can write "
                   "to, to keep new runs."),
        )
    if args.replay:
        window.set_replay_speed(args.speed)
        QTimer.singleShot(300, lambda: window.replay_recording(args.replay, args.speed))
    elif specs:
        AutoStarter(window, specs, seconds=args.seconds, device=args.device,
                    complete=args.complete).begin()
    elif args.experiment:
        _start_experiment(window, args.experiment, args.model, args.device, args.seconds)
    elif not problem and not store_warning:
        window.offer_demo()

    try:
        with loop:
            loop.run_forever()  # returns when the last window has closed
            window.shutdown()  # closeEvent did this already; harmless twice
            _finish_tasks(loop)
    finally:
        asyncio.set_event_loop(None)
        if store is not None:
            store.close()
    return 0


def app_icon() -> QIcon:
    """Trainfer's icon in every size it ships (``resources/icons/hicolor/NxN/apps``).

    The window's title bar and the taskbar pick the size they need; a missing folder
    (a broken install) gives an empty icon and a warning in the log, never an error.
    """
    icon = QIcon()
    sizes = resources_dir() / "icons" / "hicolor"
    for png in sorted(sizes.glob(f"*x*/apps/{DESKTOP_ID}.png")):
        icon.addFile(str(png))
    if icon.isNull():
        log.warning("no application icon in %s", sizes)
    return icon


def _start_experiment(window: MainWindow, name: str, model: str | None, device: str | None,
                      seconds: float | None) -> None:
    """Fill the Experiments tab with ``--experiment`` and its options, then press Run."""
    view = window.experiments
    view.set_experiment(name)
    if model:
        view.set_model(model)
    if device:
        view.set_device(device)
    if seconds is not None:
        view.set_seconds(seconds)
    QTimer.singleShot(300, view.start)


def _no_display() -> str:
    """Why the window cannot open here (Linux without X11 or Wayland), or ``""``.

    Qt would abort with "could not connect to display"; this says what to do instead.
    """
    if not sys.platform.startswith("linux") or os.environ.get("QT_QPA_PLATFORM"):
        return ""
    if os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"):
        return ""
    return ("no display to open the window on (neither DISPLAY nor WAYLAND_DISPLAY is set). "
            "Start Trainfer from a desktop session, use the command line (trainfer run, "
            "compare, experiment: see trainfer --help), or set QT_QPA_PLATFORM=offscreen "
            "to run the app without showing it")


def _close_on_signals(window: MainWindow) -> None:
    """SIGTERM, SIGINT and SIGHUP close the window as File > Quit does.

    The run process is stopped and joined, the run stays recorded, and the temporary
    weights files go. Qt's event loop runs in C++, so a timer hands control to Python
    now and then for its signal handlers to run.
    """
    def close(signum: int, _frame: object) -> None:
        log.info("signal %d: closing the window", signum)
        QTimer.singleShot(0, window.close)

    for name in ("SIGTERM", "SIGINT", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), close)
    wake = QTimer(window)
    wake.timeout.connect(lambda: None)
    wake.start(250)


def _finish_tasks(loop: asyncio.AbstractEventLoop) -> None:
    """Cancel tasks still pending (the bridge's) and let them end before the loop closes."""
    pending = [t for t in asyncio.all_tasks(loop) if not t.done()]
    for task in pending:
        task.cancel()
    if pending:
        loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))


if __name__ == "__main__":
    sys.exit(main())
