"""``trainfer import FILE``: add a recording's runs to the store."""

from __future__ import annotations

import argparse

from engine.cli.outcome import EXIT_OK, EXIT_USAGE, error, open_store
from engine.core.format import text
from engine.core.values import msg


def main(args: argparse.Namespace) -> int:
    """``trainfer import FILE``."""
    from engine.session.store.recording import RecordingError, import_recording

    store = open_store(args, required=True)
    try:
        added, skipped = import_recording(store, args.file)
    except (RecordingError, OSError) as exc:
        reason = exc.msg if isinstance(exc, RecordingError) else str(exc.strerror or exc)
        error(msg("import.failed", path=args.file, reason=reason))
        return EXIT_USAGE
    print(text(msg("import.done", n=len(added),
                   ids=msg("import.ids", ids=[str(i) for i in added]) if added else "",
                   skipped=msg("import.skipped", n=len(skipped)) if skipped else "")))
    return EXIT_OK

