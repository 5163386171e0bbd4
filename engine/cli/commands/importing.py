"""``trainfer import FILE``: add a recording's runs to the store."""

from __future__ import annotations

import argparse
import sys

from engine.cli.outcome import EXIT_OK, EXIT_USAGE, open_store


def main(args: argparse.Namespace) -> int:
    """``trainfer import FILE``."""
    from engine.session.store.recording import RecordingError, import_recording

    store = open_store(args, required=True)
    try:
        added, skipped = import_recording(store, args.file)
    except (RecordingError, OSError) as exc:
        print(f"trainfer: error: cannot import {args.file}: {exc}", file=sys.stderr)
        return EXIT_USAGE
    print(f"imported {len(added)} run(s)" + (f" (ids {', '.join(map(str, added))})"
                                             if added else "")
          + (f"; {len(skipped)} already stored" if skipped else ""))
    return EXIT_OK

