"""``trainfer compare``: training, then inference with the same settings, then the table."""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys

from engine.claims.verdicts import mode_word
from engine.cli.outcome import EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE, error, fail, open_store
from engine.cli.parser import run_config
from engine.cli.progress import Progress
from engine.cli.running import run_one
from engine.core.config import ConfigError
from engine.core.events import Failed, Summary
from engine.core.files import check_writable
from engine.core.format import text
from engine.core.values import msg


def main(args: argparse.Namespace) -> int:
    """``trainfer compare``: training, then inference with the same settings."""
    from engine.claims.compare import build
    from engine.cli.report import comparison_text, summary_text

    train_cfg = run_config(args, "train", args.batch_size)
    if args.out and not args.out.lower().endswith((".md", ".html", ".htm", ".csv")):
        raise ConfigError("out", msg("cli.out_suffix", path=repr(args.out)))
    if args.out:
        check_writable(args.out, "out")  # before the runs, not after them
    store = open_store(args, required=False)
    summaries: dict[str, Summary] = {}
    from engine.session.handover import TrainedWeights

    trained = TrainedWeights()  # inference predicts with the weights training left
    try:
        for mode in ("train", "infer"):
            batch = args.batch_size
            if batch is None and mode == "infer" and "train" in summaries:
                batch = summaries["train"].batch_size  # same batch in both modes
            cfg = trained.prepare(train_cfg if mode == "train"
                                  else run_config(args, "infer", batch, save_weights=""))
            print(text(msg("cli.mode_head", model=args.model, mode=mode_word(mode))),
                  file=sys.stderr)
            result = run_one(cfg, Progress(), store)
            if isinstance(result, Failed):
                return fail(result, args.json)
            trained.record(result, cfg.seed)
            if result.saved_weights and not args.save_weights:  # temporary: gone at the end
                result = dataclasses.replace(result, saved_weights="")
            summaries[mode] = result
            if not args.json:
                print(summary_text(result) + "\n")
            if result.stopped_early and mode == "train":
                print(text(msg("cli.stopped_training")), file=sys.stderr)
                return EXIT_INTERRUPTED
    finally:
        trained.close()
    cmp = build(summaries["train"], summaries["infer"])
    if summaries["infer"].stopped_early:
        print(text(msg("cli.stopped_inference")), file=sys.stderr)
    elif args.complete:
        from engine.claims.completion import completed, plan_completion
        from engine.cli.running import run_plan

        plan = plan_completion(cmp)
        if plan.cases:
            print(text(msg("cli.completing", runs=[c.title for c in plan.cases])),
                  file=sys.stderr)
            result = run_plan(plan, store)
            cmp = completed(cmp, result.cases)
            if result.stopped:
                print(text(msg("cli.completion_stopped")), file=sys.stderr)
    print(json.dumps(cmp.to_dict()) if args.json else comparison_text(cmp, doc=args.lang))
    if args.out:
        from engine.claims.export import write

        try:
            print(text(msg("cli.wrote", path=str(write(cmp, args.out, args.lang)))),
                  file=sys.stderr)
        except (ValueError, OSError) as exc:
            error(msg("cli.out_failed", reason=str(exc)))
            return EXIT_USAGE
    return EXIT_INTERRUPTED if summaries["infer"].stopped_early else EXIT_OK

