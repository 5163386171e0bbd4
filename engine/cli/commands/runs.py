"""``trainfer runs list|show|delete``: the stored runs."""

from __future__ import annotations

import argparse
import json
import time

from engine.cli.outcome import EXIT_OK, EXIT_USAGE, error, open_store
from engine.core.format import text
from engine.core.values import msg, rate


def _when(unix_s: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(unix_s))


def main(args: argparse.Namespace) -> int:
    """``trainfer runs list|show|delete``."""
    from engine.cli.report import summary_text

    store = open_store(args, required=True)
    if args.runs_command == "list":
        runs = store.list_runs(args.filter)
        if args.json:
            print(json.dumps([r.to_dict() for r in runs]))
            return EXIT_OK
        if not runs:
            print(text(msg("runs.none_match", filter=repr(args.filter)) if args.filter
                       else msg("runs.none")))
        for r in runs:
            s = r.summary
            rate_text = text(rate(s.rate, s.rate_unit)) if s is not None and s.rate else ""
            tags = f" [{', '.join(r.tags)}]" if r.tags else ""
            damaged = " " + text(msg("runs.damaged", damage=r.damage)) if r.damage else ""
            print(f"{r.id:>5}  {_when(r.started_unix_s)}  {r.title:<32} {r.status:<11} "
                  f"{rate_text}{tags}{damaged}")
        return EXIT_OK
    try:
        rec = store.get(args.id, check_events=args.runs_command == "show")
    except KeyError:
        error(msg("runs.no_such", id=str(args.id)))
        return EXIT_USAGE
    if args.runs_command == "delete":
        store.delete(rec.id)
        store.purge()
        print(text(msg("runs.deleted", id=str(rec.id), title=rec.title,
                       when=_when(rec.started_unix_s))))
        return EXIT_OK
    if args.json:
        print(json.dumps(rec.to_dict()))
        return EXIT_OK
    print(text(msg("runs.head", id=str(rec.id), title=rec.title, status=rec.status,
                   when=_when(rec.started_unix_s),
                   tags=msg("runs.tags", tags=rec.tags) if rec.tags else "",
                   source=msg("runs.source", source=rec.source) if rec.source else "")))
    if rec.host:
        print(text(msg("runs.host", host=rec.host)))
    if rec.damage is not None:
        print(text(msg("runs.show_damaged", damage=rec.damage, id=str(rec.id))))
    if rec.summary is not None:
        print(summary_text(rec.summary))
    elif rec.failure is not None:
        print(text(msg("runs.failed", reason=rec.failure.msg or rec.failure.message)))
    elif not rec.problem:
        print(text(msg("runs.interrupted", id=str(rec.id))))
    return EXIT_OK
