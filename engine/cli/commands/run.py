"""``trainfer run``: one model in one mode, then its summary."""

from __future__ import annotations

import argparse
import json

from engine.cli.outcome import EXIT_INTERRUPTED, EXIT_OK, fail, open_store
from engine.cli.parser import run_config
from engine.cli.progress import Progress
from engine.cli.running import run_one
from engine.core.config import ConfigError, torchrun_rank
from engine.core.events import Failed
from engine.core.values import msg


def main(args: argparse.Namespace) -> int:
    """``trainfer run``."""
    from engine.cli.report import summary_text

    cfg = run_config(args, args.mode, args.batch_size)
    rank = torchrun_rank()
    if rank is not None and cfg.nproc_per_node > 1:
        raise ConfigError("nproc_per_node", msg("dist.nested"))
    # Under torchrun, rank 0 stores and prints the run; the other ranks only take part.
    main_rank = rank in (None, 0)
    result = run_one(cfg, Progress(), open_store(args, required=False) if main_rank else None)
    if isinstance(result, Failed):
        return fail(result, args.json)
    if main_rank:
        print(json.dumps(result.to_dict()) if args.json else summary_text(result))
    return EXIT_INTERRUPTED if result.stopped_early else EXIT_OK

