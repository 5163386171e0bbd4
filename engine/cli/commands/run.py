"""``trainfer run``: one model in one mode, then its summary.

``--host [USER@]HOST`` runs it on another machine through OpenSSH
(:class:`engine.session.remote.session.RemoteSession`); ``--events jsonl`` writes every
event on stdout as JSON lines (:mod:`engine.session.remote.stream`), which is what the
remote side of such a run does.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from engine.cli.outcome import EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE, fail, open_store
from engine.cli.parser import run_config
from engine.cli.progress import Progress
from engine.cli.running import EventWriter, run_one
from engine.core.config import ConfigError, setting, torchrun_rank
from engine.core.events import Failed
from engine.core.values import msg


def main(args: argparse.Namespace) -> int:
    """``trainfer run``."""
    from engine.cli.report import summary_text

    rank = torchrun_rank()
    # Under torchrun, rank 0 stores and prints the run; the other ranks only take part.
    main_rank = rank in (None, 0)
    writer = EventWriter() if args.events == "jsonl" and main_rank else None
    if writer is not None:
        writer.header()
    try:
        cfg = run_config(args, args.mode, args.batch_size)
        if rank is not None and cfg.nproc_per_node > 1:
            raise ConfigError("nproc_per_node", msg("dist.nested"))
        session = _session(args)
        store = open_store(args, required=False) if main_rank and not args.host else None
        result = run_one(cfg, Progress(), store, session=session, writer=writer,
                         orders=sys.stdin if args.stdin_control else None)
    except ConfigError as exc:
        if writer is not None:  # the reader gets the refusal as the run's last event
            writer.write(Failed.of("config", exc.msg, msg("failed.config.hint",
                                                           setting=setting(exc.field)),
                                   exc.field))
        raise
    if writer is not None:
        return _status(result)
    if isinstance(result, Failed):
        return fail(result, args.json)
    if main_rank:
        extra: list[tuple[str, object]] = []
        fields: dict[str, object] = {}
        store = open_store(args, required=False) if result.world_size > 1 else None
        if result.world_size > 1:
            from engine.claims.scaling import against_stored, scaling_msg

            scaling = against_stored(store, result) if store is not None else None
            extra = [("scaling", scaling_msg(result, scaling))]
            fields = (scaling.to_dict() if scaling is not None
                      else {"scaling_efficiency": None, "scaling_baseline_run": None})
        print(json.dumps({**result.to_dict(), **fields}) if args.json
              else summary_text(result, extra=extra))
    return EXIT_INTERRUPTED if result.stopped_early else EXIT_OK


def _session(args: argparse.Namespace) -> Any:
    """A remote session for ``--host``, else ``None`` (a local one)."""
    if not args.host:
        return None
    from engine.session.remote.session import RemoteSession

    return RemoteSession(args.host, store=open_store(args, required=False),
                         remote_trainfer=args.remote_trainfer)


def _status(result: Any) -> int:
    """The exit status of a run whose events went to stdout (as :func:`fail` gives it)."""
    if isinstance(result, Failed):
        return {"config": EXIT_USAGE, "stopped": EXIT_INTERRUPTED}.get(result.kind, 1)
    return EXIT_INTERRUPTED if result.stopped_early else EXIT_OK
