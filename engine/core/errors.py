"""Errors that say what to do, as messages of the catalogue.

An error a user reads (NVML missing, a damaged run store, an unreadable recording) carries
its :class:`~engine.core.values.Msg` in ``msg``; ``str(exc)`` is the English text, for
logs and for callers that print it as it is.
"""

from __future__ import annotations

from engine.core.values import Msg


class ExplainedError(Exception):
    """An error told by a message (``exc.msg``); ``str(exc)`` renders it in English."""

    def __init__(self, what: Msg) -> None:
        super().__init__(what)
        self.msg = what

    def __str__(self) -> str:
        from engine.core.format import text

        return text(self.msg)
