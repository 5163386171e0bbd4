"""``trainfer export``: runs to CSV, JSON or a ``.trainfer`` recording."""

from __future__ import annotations

import argparse
import os

from engine.cli.outcome import EXIT_OK, EXIT_USAGE, error, open_store, warn
from engine.core.format import text
from engine.core.values import msg


def main(args: argparse.Namespace) -> int:
    """``trainfer export ID... --format csv|json|trainfer --out PATH``."""
    from engine.session.store.export import export_csv, export_json
    from engine.session.store.recording import export_recording

    suffix = os.path.splitext(args.out)[1].lower().lstrip(".")
    if suffix in ("csv", "json", "trainfer") and suffix != args.format:
        error(msg("export.suffix_mismatch", path=args.out, suffix=suffix, format=args.format))
        return EXIT_USAGE
    store = open_store(args, required=True)
    if args.format != "trainfer" and len(args.ids) != 1:
        error(msg("export.one_id"))
        return EXIT_USAGE
    try:
        if args.format == "csv":
            path = export_csv(store, args.ids[0], args.out)
        elif args.format == "json":
            path = export_json(store, args.ids[0], args.out)
        else:
            path = export_recording(store, args.ids, args.out)
    except KeyError as exc:
        error(msg("runs.no_such", id=str(exc.args[0])))
        return EXIT_USAGE
    except OSError as exc:
        error(msg("export.cannot_write", path=args.out, reason=str(exc.strerror or exc)))
        return EXIT_USAGE
    for run_id in dict.fromkeys(args.ids):
        damage = store.get(run_id, check_events=True).damage
        if damage is not None:
            warn(msg("export.damaged_run", id=str(run_id), damage=damage))
    print(text(msg("cli.wrote", path=str(path))))
    return EXIT_OK

