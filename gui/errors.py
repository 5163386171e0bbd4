"""The one error sink: every failure in the GUI ends here (STYLE.md 8).

Widgets, workers and the run controller call :func:`report` (something went wrong: what,
and what to change) or :func:`notify` (something to know); the application connects the
sink's signals once, to the window's banner, and :func:`install_excepthooks` sends
uncaught exceptions of the main thread and of worker threads there too, instead of losing
them on stderr. Messages may be the engine's messages (:class:`engine.core.values.Msg`)
or text; both are shown in the interface language.
"""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal

from gui.translation import Context
from gui.widgets.words import said

log = logging.getLogger(__name__)

Action = tuple[str, Callable[[], Any]] | None
"""A notice's button: ``(label, callback)``, or ``None``."""


class ErrorSink(QObject):
    """Where errors and notices go; the window shows them.

    Signals:
        error(str, str, str): ``(message, hint, field)``; ``field`` names the setting at
            fault (``""``: none).
        notice(str, str, object): ``(message, hint, action)`` of something to know.
    """

    error = Signal(str, str, str)
    notice = Signal(str, str, object)


_sink: ErrorSink | None = None


def sink() -> ErrorSink:
    """The application's sink (made on first use, in the GUI thread)."""
    global _sink
    if _sink is None:
        _sink = ErrorSink()
    return _sink


def _text(value: Any) -> str:
    return value if isinstance(value, str) else said(value)


def report(message: Any, hint: Any = "", field: str | None = None) -> None:
    """Show an error: ``message`` (what happened), ``hint`` (what to change).

    Safe from any thread: the signal is queued to the GUI thread's receivers.
    """
    text, advice = _text(message), _text(hint)
    log.warning("error shown: %s (%s)", text, advice)
    sink().error.emit(text, advice, field or "")


def notify(message: Any, hint: Any = "", action: Action = None) -> None:
    """Show a notice (not an error), with an optional button ``action``."""
    sink().notice.emit(_text(message), _text(hint), action)


Errors = Context("Errors")
"""Translation context of this module's texts outside a QObject."""


def install_excepthooks() -> None:
    """Send uncaught exceptions (main thread and ``threading`` threads) to the sink."""
    def main_hook(kind: type[BaseException], exc: BaseException, tb: Any) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, exc, tb)
            return
        log.error("uncaught exception", exc_info=(kind, exc, tb))
        report(Errors.tr("Something went wrong: {0}: {1}").format(kind.__name__, exc),
               Errors.tr("This looks like a bug in Trainfer; the details are in the log."))

    def thread_hook(args: threading.ExceptHookArgs) -> None:
        if args.exc_type is SystemExit:
            return
        log.error("uncaught exception in thread %s", getattr(args.thread, "name", "?"),
                  exc_info=args.exc_value)
        report(Errors.tr("A background task failed: {0}: {1}").format(
            args.exc_type.__name__, args.exc_value),
            Errors.tr("This looks like a bug in Trainfer; the details are in the log."))

    sys.excepthook = main_hook
    threading.excepthook = thread_hook
