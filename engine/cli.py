"""The ``trainfer`` command line (also ``python -m engine``, which needs no Qt).

Exit status: 0 on success, 2 for anything the user can fix (bad arguments, a setting
this machine cannot run), 1 when a run failed (out of memory, CUDA error, crash), 130
when interrupted. Errors are one message on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import signal
import sys
import time
from typing import Any

from engine.catalog import CATALOG
from engine.config import OPTIMIZERS, PRECISIONS, ConfigError, RunConfig
from engine.events import Failed, Phase, Sample, Started, StepStats, Summary, TelemetryStatus

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"trainfer: error: {message}\n")


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an integer") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} is too small; use 1 or more")
    return value


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
    p.add_argument("--lr", type=float, default=None, help="learning rate (default per model)")
    p.add_argument("--warmup-steps", type=int, default=3)
    p.add_argument("--input-size", type=int, default=None,
                   help="image side (px), features, or sequence length (tokens)")
    p.add_argument("--seed", type=int, default=0)
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
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)
    run = sub.add_parser("run", help="run one model in one mode and print its summary")
    _add_run_options(run, mode=True)
    cmp = sub.add_parser("compare", help="run training then inference and fill the table")
    _add_run_options(cmp, mode=False)
    cmp.add_argument("--lang", default="en", choices=("en", "pt"),
                     help="language of the document's text (default en; pt as written)")
    models = sub.add_parser("models", help="list the model catalog")
    models.add_argument("--json", action="store_true")
    devices = sub.add_parser("devices", help="list NVIDIA GPUs and the readings each supports")
    devices.add_argument("--json", action="store_true")
    sub.add_parser(
        "gui", help="open the desktop app (the default); options: `trainfer gui --help`"
    )
    return parser


def _config(args: argparse.Namespace, mode: str, batch_size: int | None) -> RunConfig:
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
    )


class _Progress:
    """Writes a progress line to stderr: rewritten in place on a terminal, else 1 per s."""

    def __init__(self, quiet: bool = False) -> None:
        self.tty = sys.stderr.isatty()
        self.quiet = quiet
        self.phase = "start"
        self.t0 = time.monotonic()
        self.step: StepStats | None = None
        self.sample: Sample | None = None
        self.unit = "samples"
        self._last = 0.0
        self._width = 0

    def feed(self, ev: Any) -> None:
        from engine.report import progress_text

        if isinstance(ev, Phase):
            self.phase = {"warmup": "warm-up"}.get(ev.name, ev.name)
        elif isinstance(ev, Started):
            self.unit = ev.sample_unit
            self._line(f"{ev.device} ({ev.device_name}) · {ev.params:,} parameters · "
                       f"batch {ev.batch_size}", final=True)
        elif isinstance(ev, TelemetryStatus) and not ev.gpu_available:
            self._line(f"no GPU telemetry: {ev.message}", final=True)
        elif isinstance(ev, StepStats):
            self.step = ev
        elif isinstance(ev, Sample):
            self.sample = ev
        now = time.monotonic()
        if now - self._last >= (0.25 if self.tty else 1.0) and self.phase in ("warm-up", "measure"):
            self._last = now
            self._line(progress_text(self.phase, self.step, self.sample, now - self.t0, self.unit))

    def _line(self, text: str, final: bool = False) -> None:
        if self.quiet:
            return
        if self.tty:
            pad = max(0, self._width - len(text))
            sys.stderr.write("\r" + text + " " * pad + ("\n" if final else ""))
            self._width = 0 if final else len(text)
        else:
            sys.stderr.write(text + "\n")
        sys.stderr.flush()

    def done(self) -> None:
        if self.tty and self._width and not self.quiet:
            sys.stderr.write("\n")
            self._width = 0


def _run_one(cfg: RunConfig, progress: _Progress) -> Summary | Failed:
    """Run ``cfg`` in a session; Ctrl-C asks the run to stop (a second one terminates)."""
    from engine.session import Session

    session = Session()
    session.start(cfg)  # may raise ConfigError
    result: Summary | Failed | None = None
    interrupted = 0

    def on_sigint(signum: int, frame: Any) -> None:
        nonlocal interrupted
        interrupted += 1
        session.stop()

    previous = signal.signal(signal.SIGINT, on_sigint)
    try:
        for ev in session.iter_events():
            progress.feed(ev)
            if isinstance(ev, (Summary, Failed)):
                result = ev
    finally:
        signal.signal(signal.SIGINT, previous)
        session.close()
        progress.done()
    if result is None:
        result = Failed(time.monotonic(), "crash", "the run ended without a result")
    if interrupted and isinstance(result, Summary):
        result = dataclasses.replace(result, stopped_early=True)
    return result


def _fail(result: Failed, as_json: bool) -> int:
    if as_json:
        print(json.dumps(result.to_dict()))
    hint = f"\n  hint: {result.hint}" if result.hint else ""
    print(f"trainfer: {result.kind}: {result.message}{hint}", file=sys.stderr)
    if result.kind == "config":
        return EXIT_USAGE
    if result.kind == "stopped":
        return EXIT_INTERRUPTED
    return EXIT_FAILED


def cmd_run(args: argparse.Namespace) -> int:
    """``trainfer run``."""
    from engine.report import summary_text

    cfg = _config(args, args.mode, args.batch_size)
    result = _run_one(cfg, _Progress())
    if isinstance(result, Failed):
        return _fail(result, args.json)
    print(json.dumps(result.to_dict()) if args.json else summary_text(result))
    return EXIT_INTERRUPTED if result.stopped_early else EXIT_OK


def cmd_compare(args: argparse.Namespace) -> int:
    """``trainfer compare``: training, then inference with the same settings."""
    from engine.compare import build
    from engine.report import comparison_text, summary_text

    train_cfg = _config(args, "train", args.batch_size)
    summaries: dict[str, Summary] = {}
    for mode in ("train", "infer"):
        batch = args.batch_size
        if batch is None and mode == "infer" and "train" in summaries:
            batch = summaries["train"].batch_size  # same batch in both modes
        cfg = train_cfg if mode == "train" else _config(args, "infer", batch)
        print(f"== {args.model}: {'training' if mode == 'train' else 'inference'} ==",
              file=sys.stderr)
        result = _run_one(cfg, _Progress())
        if isinstance(result, Failed):
            return _fail(result, args.json)
        summaries[mode] = result
        if not args.json:
            print(summary_text(result) + "\n")
        if result.stopped_early:
            return EXIT_INTERRUPTED
    cmp = build(summaries["train"], summaries["infer"])
    print(json.dumps(cmp.to_dict()) if args.json else comparison_text(cmp, args.lang))
    return EXIT_OK


def cmd_models(args: argparse.Namespace) -> int:
    """``trainfer models``."""
    if args.json:
        print(json.dumps([dataclasses.asdict(m) for m in CATALOG.values()]))
        return EXIT_OK
    for m in CATALOG.values():
        print(f"{m.id:<10} {m.title} · {m.approx_params / 1e6:.1f} M parameters · "
              f"default batch (GPU) train {m.default_batch_gpu['train']}, "
              f"infer {m.default_batch_gpu['infer']}")
        print(f"{'':<10} {m.description}")
    return EXIT_OK


def cmd_devices(args: argparse.Namespace) -> int:
    """``trainfer devices``."""
    from engine.devices import list_devices

    report = list_devices()
    if args.json:
        print(json.dumps(report.to_dict()))
        return EXIT_OK
    if not report.available:
        print(f"No NVIDIA GPU: {report.message}. Runs use the CPU; power, energy and GPU "
              "utilization cannot be measured.")
        return EXIT_OK
    print(report.message)
    for g in report.gpus:
        ok = [k for k, v in g.supported.items() if v]
        no = [k for k, v in g.supported.items() if not v]
        mem = f"{g.memory_total_bytes / 2**30:.1f} GiB" if g.memory_total_bytes else "N/A"
        print(f"cuda:{g.index}  {g.name}  {mem}  power limit "
              f"{g.power_limit_w if g.power_limit_w is not None else 'N/A'} W")
        print(f"        reads: {', '.join(ok) or 'nothing'}"
              + (f"; not supported: {', '.join(no)}" if no else ""))
    return EXIT_OK


def cmd_gui(rest: list[str]) -> int:
    """Open the desktop app; a clear message when Qt is not installed."""
    try:
        from gui.app import main as gui_main
    except ImportError as exc:
        print(f"trainfer: the desktop app needs PySide6, pyqtgraph and qasync ({exc}); "
              "install them (make run does) or use `trainfer run` / `trainfer compare`",
              file=sys.stderr)
        return EXIT_USAGE
    return int(gui_main(rest) or 0)


def main(argv: list[str] | None = None) -> int:
    """Parse ``argv`` and run the command; returns the exit status."""
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] == "gui" or (argv[0].startswith("--") and argv[0] != "--help"):
        # the desktop app parses its own options (--autostart, --tab, ...)
        return cmd_gui(argv[1:] if argv and argv[0] == "gui" else argv)
    parser = build_parser()
    args = parser.parse_args(argv)
    handlers = {"run": cmd_run, "compare": cmd_compare, "models": cmd_models,
                "devices": cmd_devices}
    try:
        return handlers[args.command](args)
    except ConfigError as exc:
        print(f"trainfer: error: {exc.field}: {exc.message}", file=sys.stderr)
        return EXIT_USAGE


def entry() -> None:
    """Console-script entry point."""
    sys.exit(main())
