"""Exit statuses, failure messages and the run store, as every command reports them.

Exit status: 0 on success, 2 for anything the user can fix (bad arguments, a setting this
machine cannot run), 1 when a run failed (out of memory, CUDA error, crash), 130 when
interrupted. Errors are one message on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from engine.core.events import Failed
from engine.core.format import text
from engine.core.values import Msg, msg

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


def flag(field: str | None) -> str:
    """The command-line spelling of a RunConfig field (``batch_size`` -> ``--batch-size``)."""
    if not field:
        return ""
    return {"learning_rate": "--lr", "model": "--model", "experiment": "experiment NAME"}.get(
        field, "--" + field.replace("_", "-"))


def fail(result: Failed, as_json: bool) -> int:
    """Report a failed run on stderr (and as JSON); returns the exit status."""
    if as_json:
        print(json.dumps(result.to_dict()))
    hint = ("\n" + text(msg("cli.hint", hint=result.hint_msg or result.hint))
            if result.hint else "")
    field = f" ({flag(result.field)})" if result.kind == "config" and result.field else ""
    print(f"trainfer: {result.kind}{field}: {text(result.msg or result.message)}{hint}",
          file=sys.stderr)
    if result.kind == "config":
        return EXIT_USAGE
    if result.kind == "stopped":
        return EXIT_INTERRUPTED
    return EXIT_FAILED


def error(what: Msg | str) -> None:
    """``trainfer: error: <what>`` on stderr."""
    print(text(msg("cli.error", error=what)), file=sys.stderr)


def warn(what: Msg | str) -> None:
    """``trainfer: warning: <what>`` on stderr."""
    print(text(msg("cli.warning", warning=what)), file=sys.stderr)


def open_store(args: argparse.Namespace, required: bool) -> Any:
    """The run store; without ``required``, a store problem is a warning, not an error."""
    from engine.session.store.db import StoreError, open_store

    try:
        store, warning = open_store(args.data_dir)
    except StoreError as exc:
        if required:
            raise
        warn(msg("cli.not_saved", reason=exc.msg))
        return None
    if warning:
        warn(warning)
    return store

