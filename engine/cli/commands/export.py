"""``trainfer export``: runs to CSV, JSON or a ``.trainfer`` recording."""

from __future__ import annotations

import argparse
import os
import sys

from engine.cli.outcome import EXIT_OK, EXIT_USAGE, open_store


def main(args: argparse.Namespace) -> int:
    """``trainfer export ID... --format csv|json|trainfer --out PATH``."""
    from engine.session.store.export import export_csv, export_json
    from engine.session.store.recording import export_recording

    suffix = os.path.splitext(args.out)[1].lower().lstrip(".")
    if suffix in ("csv", "json", "trainfer") and suffix != args.format:
        print(f"trainfer: error: --out {args.out} ends in .{suffix} but --format is "
              f"{args.format}; use --format {suffix} or an --out ending in .{args.format}",
              file=sys.stderr)
        return EXIT_USAGE
    store = open_store(args, required=True)
    if args.format != "trainfer" and len(args.ids) != 1:
        print("trainfer: error: csv and json take one run id; use --format trainfer for "
              "several", file=sys.stderr)
        return EXIT_USAGE
    try:
        if args.format == "csv":
            path = export_csv(store, args.ids[0], args.out)
        elif args.format == "json":
            path = export_json(store, args.ids[0], args.out)
        else:
            path = export_recording(store, args.ids, args.out)
    except KeyError as exc:
        print(f"trainfer: error: no run with id {exc.args[0]}; see `trainfer runs list`",
              file=sys.stderr)
        return EXIT_USAGE
    except OSError as exc:
        print(f"trainfer: error: cannot write {args.out}: {exc.strerror or exc}",
              file=sys.stderr)
        return EXIT_USAGE
    print(f"wrote {path}")
    return EXIT_OK

