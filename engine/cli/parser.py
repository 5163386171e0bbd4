"""The command line's arguments: the parser and the run configuration it describes."""

from __future__ import annotations

import argparse
import sys

from engine.cli.outcome import EXIT_USAGE
from engine.core.config import (
    KERNELS,
    OPTIMIZERS,
    PRECISIONS,
    QUANTIZATIONS,
    ConfigError,
    RunConfig,
)
from engine.core.values import msg


class _Parser(argparse.ArgumentParser):
    """Exits with :data:`~engine.cli.outcome.EXIT_USAGE` (2) on a bad argument."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"trainfer: error: {message}\n")


def _add_run_options(p: argparse.ArgumentParser, mode: bool) -> None:
    p.add_argument("--model", required=True, help="catalog id; see `trainfer models`")
    if mode:
        p.add_argument("--mode", required=True, choices=("train", "infer"))
    p.add_argument("--device", default="auto", help="auto (default), cpu, cuda or cuda:N")
    p.add_argument("--batch-size", type=int, default=None,
                   help="samples per step (default: the model's default for the device)")
    p.add_argument("--precision", default="fp32", choices=PRECISIONS,
                   help="fp32 (TF32 off, default), tf32, bf16 or fp16 (autocast)")
    p.add_argument("--optimizer", default="adamw", choices=OPTIMIZERS)
    p.add_argument("--kernels", default="eager", choices=KERNELS,
                   help="eager (default), compile (torch.compile) or cudagraphs")
    p.add_argument("--lr", type=float, default=None, help="learning rate (default per model)")
    p.add_argument("--warmup-steps", type=int, default=3)
    p.add_argument("--input-size", type=int, default=None,
                   help="image side (px), features, or sequence length (tokens)")
    p.add_argument("--seed", type=int, default=0)
    if mode:
        p.add_argument("--quantize", default="none", choices=QUANTIZATIONS,
                       help="inference with int8 linear weights (CPU: PyTorch dynamic "
                       "quantization; GPU: torchao) or fp8 (torchao, GPUs of compute "
                       "capability 8.9+, with --precision bf16)")
        p.add_argument("--generate-tokens", type=int, default=0, metavar="N",
                       help="language models, infer mode: generate N tokens per step with a "
                       "KV cache (time to first token, tokens/s)")
        p.add_argument("--save-weights", default="", metavar="PATH",
                       help="train mode: write the trained weights to PATH")
        p.add_argument("--load-weights", default="", metavar="PATH",
                       help="start from weights saved with --save-weights (same model, "
                       "input size and seed) instead of random ones")
    p.add_argument("--heldout-samples", type=int, default=None, metavar="N",
                   help="held-out samples the final model's accuracy is measured on "
                   "(default 256 on a GPU, 64 on the CPU; for gpt2 sequences: 32 and 8; "
                   "0: skip)")
    p.add_argument("--nproc-per-node", type=int, default=1, metavar="N",
                   help="ranks on this machine (torchrun's name): N GPUs with NCCL, or N CPU "
                   "processes with gloo; training uses DistributedDataParallel (the batch "
                   "size is per rank), inference N independent replicas (default 1)")
    dur = p.add_mutually_exclusive_group()
    dur.add_argument("--seconds", type=float, default=None,
                     help="length of the measured phase (default 10 s)")
    dur.add_argument("--steps", type=int, default=None, help="number of measured steps")
    p.add_argument("--json", action="store_true", help="print the result as one JSON object")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (exposed for the documentation and tests)."""
    parser = _Parser(
        prog="trainfer",
        description="See how training and inference differ on your GPU (or CPU). "
        "With no command, opens the desktop app.",
    )
    parser.add_argument(
        "--data-dir", default=None,
        help="where runs are stored (default: $TRAINFER_DATA_DIR or the user data folder)",
    )
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)
    run = sub.add_parser("run", help="run one model in one mode and print its summary")
    _add_run_options(run, mode=True)
    run.add_argument("--events", default=None, choices=("jsonl",),
                     help="jsonl: write every event of the run on stdout as JSON lines "
                     "(a versioned format; see the README) instead of the summary")
    run.add_argument("--stdin-control", action="store_true",
                     help="take `stop` / `stop now` lines on stdin, and stop when stdin "
                     "ends (what --host asks of the remote trainfer)")
    run.add_argument("--host", default="", metavar="[USER@]HOST",
                     help="run on HOST through the system's ssh client (your keys and "
                     "~/.ssh/config); Trainfer must be installed there")
    run.add_argument("--remote-trainfer", default="", metavar="PATH",
                     help="the trainfer command on --host (default: $TRAINFER_REMOTE_TRAINFER, "
                     "else trainfer on its PATH; e.g. ~/venv/bin/trainfer)")
    cmp = sub.add_parser("compare", help="run training then inference and fill the table")
    _add_run_options(cmp, mode=False)
    cmp.add_argument("--lang", default="en", choices=("en", "pt"),
                     help="language of the document's text (default en; pt as written)")
    cmp.add_argument("--out", default=None, metavar="PATH",
                     help="also write the table to PATH (.md, .html or .csv)")
    cmp.add_argument("--complete", action="store_true",
                     help="then run what the claims one pair cannot test need (fp32 beside "
                     "bf16 training, batch 1 and int8 inference) and judge them too")
    cmp.add_argument("--save-weights", default="", metavar="PATH",
                     help="keep the trained weights in PATH (inference loads them from "
                     "there; default: a temporary file, deleted at the end)")
    models = sub.add_parser("models", help="list the model catalog")
    models.add_argument("--json", action="store_true")
    devices = sub.add_parser("devices", help="list NVIDIA GPUs and the readings each supports")
    devices.add_argument("--json", action="store_true")
    sub.add_parser(
        "gui", help="open the desktop app (the default); options: `trainfer gui --help`"
    )
    exp = sub.add_parser("experiment", help="a guided experiment: several runs, one table")
    exp.add_argument("name", help="train-vs-infer, precision, batch-sweep, data-flow, "
                     "kernels, quantization, memory or generation")
    exp.add_argument("--model", default=None, help="catalog id (default per experiment)")
    exp.add_argument("--device", default="auto")
    exp.add_argument("--seconds", type=float, default=None,
                     help="measured seconds per case (default 8)")
    exp.add_argument("--batches", default=None, metavar="B1,B2,...",
                     help="batch sizes for batch-sweep (default 1,8,64,256) and generation "
                     "(default 1,8)")
    exp.add_argument("--json", action="store_true")
    runs = sub.add_parser("runs", help="stored runs: list, show, delete")
    runs_sub = runs.add_subparsers(dest="runs_command", parser_class=_Parser, required=True)
    lst = runs_sub.add_parser("list", help="stored runs, newest first")
    lst.add_argument("--filter", default="", help="words that must appear (model, tag ...)")
    lst.add_argument("--json", action="store_true")
    show = runs_sub.add_parser("show", help="one run's configuration and summary")
    show.add_argument("id", type=int)
    show.add_argument("--json", action="store_true")
    delete = runs_sub.add_parser("delete", help="delete a run for good")
    delete.add_argument("id", type=int)
    export = sub.add_parser("export", help="write runs to a file: csv, json or a recording")
    export.add_argument("ids", type=int, nargs="+", metavar="ID")
    export.add_argument("--format", required=True, choices=("csv", "json", "trainfer"))
    export.add_argument("--out", required=True, help="file to write")
    imp = sub.add_parser("import", help="add the runs of a .trainfer recording")
    imp.add_argument("file")
    replay = sub.add_parser("replay", help="play a .trainfer recording in the desktop app")
    replay.add_argument("file")
    replay.add_argument("--speed", type=float, default=1.0, help="1 = real time (default)")
    for p in (run, cmp, models, devices, exp, lst, show, delete, export, imp, replay):
        p.add_argument("--data-dir", default=argparse.SUPPRESS,
                       help="where runs are stored (also accepted before the command)")
    return parser


def run_config(args: argparse.Namespace, mode: str, batch_size: int | None,
            save_weights: str | None = None) -> RunConfig:
    """The run configuration of ``args`` in ``mode``; ``save_weights`` overrides theirs."""
    return RunConfig(
        model=args.model,
        mode=mode,
        device=args.device,
        batch_size=batch_size,
        precision=args.precision,
        seconds=args.seconds,
        steps=args.steps,
        warmup_steps=args.warmup_steps,
        optimizer=args.optimizer,
        learning_rate=args.lr,
        seed=args.seed,
        input_size=args.input_size,
        generate_tokens=getattr(args, "generate_tokens", 0),  # refused in train mode
        kernels=args.kernels,
        quantize=getattr(args, "quantize", "none"),  # refused in train mode
        save_weights=(getattr(args, "save_weights", "") if save_weights is None
                      else save_weights),
        load_weights=getattr(args, "load_weights", ""),
        heldout_samples=args.heldout_samples,
        nproc_per_node=getattr(args, "nproc_per_node", 1),
    )


def parse_batches(text: str | None) -> tuple[int, ...] | None:
    """``"1,8,64"`` -> ``(1, 8, 64)``; ``None`` stays ``None``.

    Raises:
        ConfigError: Not a list of integers (field ``batches``).
    """
    if text is None:
        return None
    try:
        return tuple(int(b) for b in text.split(",") if b.strip())
    except ValueError:
        raise ConfigError("batches", msg("experiment.batches_list", value=repr(text))) from None

