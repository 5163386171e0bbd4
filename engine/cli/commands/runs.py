"""``trainfer runs list|show|delete``: the stored runs."""

from __future__ import annotations

import argparse
import json
import sys
import time

from engine.cli.outcome import EXIT_OK, EXIT_USAGE, open_store


def _when(unix_s: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(unix_s))


def main(args: argparse.Namespace) -> int:
    """``trainfer runs list|show|delete``."""
    from engine.cli.report import summary_text
    from engine.session.store.codec import decode

    store = open_store(args, required=True)
    if args.runs_command == "list":
        runs = store.list_runs(args.filter)
        if args.json:
            print(json.dumps([r.to_dict() for r in runs]))
            return EXIT_OK
        if not runs:
            print("no stored runs" + (f" match {args.filter!r}" if args.filter else ""))
        for r in runs:
            s = r.summary or {}
            rate = s.get("tokens_per_s") or s.get("samples_per_s")
            unit = "tokens/s" if s.get("tokens_per_s") else f"{s.get('sample_unit', '')}/s"
            rate_text = f"{rate:,.1f} {unit}" if isinstance(rate, (int, float)) and rate else ""
            tags = f" [{', '.join(r.tags)}]" if r.tags else ""
            print(f"{r.id:>5}  {_when(r.started_unix_s)}  {r.title:<32} {r.status:<11} "
                  f"{rate_text}{tags}")
        return EXIT_OK
    try:
        rec = store.get(args.id)
    except KeyError:
        print(f"trainfer: error: no run with id {args.id}; see `trainfer runs list`",
              file=sys.stderr)
        return EXIT_USAGE
    if args.runs_command == "delete":
        store.delete(rec.id)
        store.purge()
        print(f"deleted run {rec.id} ({rec.title}, {_when(rec.started_unix_s)})")
        return EXIT_OK
    if args.json:
        print(json.dumps(rec.to_dict()))
        return EXIT_OK
    print(f"run {rec.id}: {rec.title} · {rec.status} · {_when(rec.started_unix_s)}"
          + (f" · tags: {', '.join(rec.tags)}" if rec.tags else "")
          + (f" · imported from {rec.source}" if rec.source else ""))
    if rec.summary:
        print(summary_text(decode("Summary", rec.summary)))
    elif rec.failure:
        print(f"  failed: {rec.failure.get('message')}")
    else:
        print("  no summary (the run was interrupted); its samples up to the last second "
              "are stored: trainfer export", rec.id, "--format csv --out FILE")
    return EXIT_OK

