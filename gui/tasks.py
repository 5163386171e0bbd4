"""The window's background asyncio tasks, cancelled together when it closes."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


class Tasks:
    """Asyncio tasks on the qasync loop (the Qt main thread) that the window owns."""

    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[Any]] = set()

    def spawn(self, coro: Coroutine[Any, Any, T]) -> asyncio.Task[T]:
        """Run ``coro`` as a task that :meth:`cancel_all` cancels."""
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    def cancel_all(self) -> bool:
        """Cancel every task; returns whether any was still running."""
        pending = [task for task in self._tasks if not task.done()]
        for task in pending:
            task.cancel()
        return bool(pending)

    def cancel_others(self) -> None:
        """Cancel every task but the one calling (a replay that has just loaded)."""
        try:
            current = asyncio.current_task()
        except RuntimeError:
            current = None
        for task in list(self._tasks):
            if task is not current:
                task.cancel()
