"""The ``trainfer`` command line (also ``python -m engine``, which needs no Qt).

Exit status: 0 on success, 2 for anything the user can fix (bad arguments, a setting
this machine cannot run), 1 when a run failed (out of memory, CUDA error, crash), 130
when interrupted. Errors are one message on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import signal
import sys
import tempfile
import time
from typing import Any

from engine.catalog import CATALOG
from engine.config import KERNELS, OPTIMIZERS, PRECISIONS, QUANTIZATIONS, ConfigError, RunConfig
from engine.events import (
    Failed,
    Notice,
    Phase,
    Sample,
    Started,
    StepStats,
    Summary,
    TelemetryStatus,
)

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
    cmp = sub.add_parser("compare", help="run training then inference and fill the table")
    _add_run_options(cmp, mode=False)
    cmp.add_argument("--lang", default="en", choices=("en", "pt"),
                     help="language of the document's text (default en; pt as written)")
    cmp.add_argument("--out", default=None, metavar="PATH",
                     help="also write the table to PATH (.md, .html or .csv)")
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
    for p in (run, cmp, exp, lst, show, delete, export, imp, replay):
        p.add_argument("--data-dir", default=argparse.SUPPRESS,
                       help="where runs are stored (also accepted before the command)")
    return parser


def _config(args: argparse.Namespace, mode: str, batch_size: int | None,
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
            self.step = None  # the last warm-up step is not the measured phase's
        elif isinstance(ev, Started):
            self.unit = ev.sample_unit
            self._line(f"{ev.device} ({ev.device_name}) · {ev.params:,} parameters · "
                       f"batch {ev.batch_size}", final=True)
        elif isinstance(ev, Notice):
            self._line(f"note: {ev.message}" + (f" ({ev.hint})" if ev.hint else ""), final=True)
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


def _open_store(args: argparse.Namespace, required: bool) -> Any:
    """The run store; without ``required``, a store problem is a warning, not an error."""
    from engine.store.db import StoreError, open_store

    try:
        store, warning = open_store(args.data_dir)
    except StoreError as exc:
        if required:
            raise
        print(f"trainfer: warning: runs are not saved: {exc}", file=sys.stderr)
        return None
    if warning:
        print(f"trainfer: warning: {warning}", file=sys.stderr)
    return store


def _run_one(cfg: RunConfig, progress: _Progress, store: Any = None) -> Summary | Failed:
    """Run ``cfg`` in a session.

    Ctrl-C asks the run to stop after the step in progress (a second one ends it within a
    second); SIGTERM ends it within a second. Either way what was measured is reported.
    """
    from engine.session import Session

    session = Session(store=store)
    session.start(cfg)  # may raise ConfigError
    result: Summary | Failed | None = None
    interrupted = 0

    def on_sigint(signum: int, frame: Any) -> None:
        nonlocal interrupted
        interrupted += 1
        if interrupted == 1 and session.stop_grace_s() > 1.5:
            print(f"\nstopping after the step in progress (up to {session.stop_grace_s():.0f} "
                  "s); Ctrl-C again to end it now", file=sys.stderr)
        session.stop(now=interrupted > 1)

    def on_sigterm(signum: int, frame: Any) -> None:
        nonlocal interrupted
        interrupted += 1
        session.stop(now=True)  # a supervisor's kill: end soon, still report and clean up

    previous = signal.signal(signal.SIGINT, on_sigint)
    previous_term = signal.signal(signal.SIGTERM, on_sigterm)
    try:
        for ev in session.iter_events():
            progress.feed(ev)
            if isinstance(ev, (Summary, Failed)):
                result = ev
    finally:
        signal.signal(signal.SIGINT, previous)
        signal.signal(signal.SIGTERM, previous_term)
        session.close()
        progress.done()
    if result is None:
        result = Failed(time.monotonic(), "crash", "the run ended without a result")
    if interrupted and isinstance(result, Summary):
        result = dataclasses.replace(result, stopped_early=True)
    return result


def _flag(field: str | None) -> str:
    """The command-line spelling of a RunConfig field (``batch_size`` -> ``--batch-size``)."""
    if not field:
        return ""
    return {"learning_rate": "--lr", "model": "--model", "experiment": "experiment NAME"}.get(
        field, "--" + field.replace("_", "-"))


def _fail(result: Failed, as_json: bool) -> int:
    if as_json:
        print(json.dumps(result.to_dict()))
    hint = f"\n  hint: {result.hint}" if result.hint else ""
    field = f" ({_flag(result.field)})" if result.kind == "config" and result.field else ""
    print(f"trainfer: {result.kind}{field}: {result.message}{hint}", file=sys.stderr)
    if result.kind == "config":
        return EXIT_USAGE
    if result.kind == "stopped":
        return EXIT_INTERRUPTED
    return EXIT_FAILED


def cmd_run(args: argparse.Namespace) -> int:
    """``trainfer run``."""
    from engine.report import summary_text

    cfg = _config(args, args.mode, args.batch_size)
    result = _run_one(cfg, _Progress(), _open_store(args, required=False))
    if isinstance(result, Failed):
        return _fail(result, args.json)
    print(json.dumps(result.to_dict()) if args.json else summary_text(result))
    return EXIT_INTERRUPTED if result.stopped_early else EXIT_OK


def cmd_compare(args: argparse.Namespace) -> int:
    """``trainfer compare``: training, then inference with the same settings."""
    from engine.compare import build
    from engine.report import comparison_text, summary_text

    train_cfg = _config(args, "train", args.batch_size)
    if args.out and not args.out.lower().endswith((".md", ".html", ".htm", ".csv")):
        raise ConfigError("out", f"{args.out!r}: the table is written as .md, .html or .csv")
    if args.out:
        _check_writable_folder(args.out)  # before the runs, not after them
    store = _open_store(args, required=False)
    summaries: dict[str, Summary] = {}
    from engine.trained_weights import TrainedWeights

    trained = TrainedWeights()  # inference predicts with the weights training left
    try:
        for mode in ("train", "infer"):
            batch = args.batch_size
            if batch is None and mode == "infer" and "train" in summaries:
                batch = summaries["train"].batch_size  # same batch in both modes
            cfg = trained.prepare(train_cfg if mode == "train"
                                  else _config(args, "infer", batch, save_weights=""))
            print(f"== {args.model}: {'training' if mode == 'train' else 'inference'} ==",
                  file=sys.stderr)
            result = _run_one(cfg, _Progress(), store)
            if isinstance(result, Failed):
                return _fail(result, args.json)
            trained.record(result, cfg.seed)
            if result.saved_weights and not args.save_weights:  # temporary: gone at the end
                result = dataclasses.replace(result, saved_weights="")
            summaries[mode] = result
            if not args.json:
                print(summary_text(result) + "\n")
            if result.stopped_early and mode == "train":
                print("trainfer: stopped during training, so inference did not run and there "
                      "is no table", file=sys.stderr)
                return EXIT_INTERRUPTED
    finally:
        trained.close()
    cmp = build(summaries["train"], summaries["infer"])
    if summaries["infer"].stopped_early:
        print("trainfer: inference was stopped early: its column is from a shorter run",
              file=sys.stderr)
    print(json.dumps(cmp.to_dict()) if args.json else comparison_text(cmp, args.lang))
    if args.out:
        from engine.compare_export import write

        try:
            print(f"wrote {write(cmp, args.out, args.lang)}", file=sys.stderr)
        except (ValueError, OSError) as exc:
            print(f"trainfer: error: --out: {exc}", file=sys.stderr)
            return EXIT_USAGE
    return EXIT_INTERRUPTED if summaries["infer"].stopped_early else EXIT_OK


def _check_writable_folder(path: str) -> None:
    """Create ``path``'s folder if missing and check that a file can be written there.

    Raises:
        ConfigError: It cannot (field ``out``).
    """
    folder = os.path.dirname(os.path.abspath(path))
    try:
        os.makedirs(folder, exist_ok=True)
    except OSError as exc:
        raise ConfigError("out", f"cannot create the folder {folder} ({exc.strerror or exc}); "
                          "choose another place for the table") from exc
    if os.path.isdir(path):
        raise ConfigError("out", f"{path} is a folder; give a file name")
    try:  # a real file: os.access says yes to root even where nothing can be created
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".trainfer-probe-"):
            pass
    except OSError as exc:
        raise ConfigError("out", f"cannot write in {folder} ({exc.strerror or exc}); "
                          "choose a file in a folder you can write to") from exc


def _batches(text: str | None) -> tuple[int, ...] | None:
    if text is None:
        return None
    try:
        return tuple(int(b) for b in text.split(",") if b.strip())
    except ValueError:
        raise ConfigError("batches", f"{text!r} is not a list of batch sizes; use e.g. "
                          "1,8,64") from None


def cmd_experiment(args: argparse.Namespace) -> int:
    """``trainfer experiment NAME``: its cases one after another, then its table."""
    from engine.experiments import EXPERIMENTS, run_experiment
    from engine.report import table_text

    if args.name not in EXPERIMENTS:
        raise ConfigError("experiment", f"unknown experiment {args.name!r}; choose one of: "
                          f"{', '.join(EXPERIMENTS)}")
    store = _open_store(args, required=False)
    progress: dict[str, _Progress] = {}
    stop = {"asked": False}

    def on_event(label: str, ev: Any) -> None:
        if label not in progress:
            if progress:
                list(progress.values())[-1].done()
            print(f"== {args.name}: {label}", file=sys.stderr)
            progress[label] = _Progress()
        progress[label].feed(ev)

    def on_sigint(signum: int, frame: Any) -> None:
        stop["asked"] = True

    previous = signal.signal(signal.SIGINT, on_sigint)
    previous_term = signal.signal(signal.SIGTERM, on_sigint)
    try:
        result = run_experiment(args.name, args.model, args.device, args.seconds, store=store,
                                on_event=on_event, should_stop=lambda: stop["asked"],
                                batches=_batches(args.batches))
    finally:
        signal.signal(signal.SIGINT, previous)
        signal.signal(signal.SIGTERM, previous_term)
        if progress:
            list(progress.values())[-1].done()
    if args.json:
        print(json.dumps(result.to_dict()))
    else:
        exp = EXPERIMENTS[args.name]
        print(f"{exp.title}: {result.model} on {args.device}\nclaim: {exp.claim}")
        print(table_text(result.columns, result.rows))
        if result.verdict is not None:
            print(f"verdict: {result.verdict.text}")
    return EXIT_INTERRUPTED if result.stopped else EXIT_OK


def cmd_models(args: argparse.Namespace) -> int:
    """``trainfer models``."""
    if args.json:
        print(json.dumps([dataclasses.asdict(m) for m in CATALOG.values()]))
        return EXIT_OK
    for m in CATALOG.values():
        print(f"{m.id:<10} {m.title} · {m.approx_params / 1e6:.1f} M parameters · "
              f"default batch {m.default_batch_gpu['train']} on a GPU, "
              f"{m.default_batch_cpu['train']} on the CPU · {m.input_size_label} "
              f"{m.default_input_size_gpu} (GPU), {m.default_input_size_cpu} (CPU)")
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


def _when(unix_s: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(unix_s))


def cmd_runs(args: argparse.Namespace) -> int:
    """``trainfer runs list|show|delete``."""
    from engine.report import summary_text
    from engine.store.codec import decode

    store = _open_store(args, required=True)
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


def cmd_export(args: argparse.Namespace) -> int:
    """``trainfer export ID... --format csv|json|trainfer --out PATH``."""
    from engine.store.export import export_csv, export_json
    from engine.store.recording import export_recording

    suffix = os.path.splitext(args.out)[1].lower().lstrip(".")
    if suffix in ("csv", "json", "trainfer") and suffix != args.format:
        print(f"trainfer: error: --out {args.out} ends in .{suffix} but --format is "
              f"{args.format}; use --format {suffix} or an --out ending in .{args.format}",
              file=sys.stderr)
        return EXIT_USAGE
    store = _open_store(args, required=True)
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


def cmd_import(args: argparse.Namespace) -> int:
    """``trainfer import FILE``."""
    from engine.store.recording import RecordingError, import_recording

    store = _open_store(args, required=True)
    try:
        added, skipped = import_recording(store, args.file)
    except (RecordingError, OSError) as exc:
        print(f"trainfer: error: cannot import {args.file}: {exc}", file=sys.stderr)
        return EXIT_USAGE
    print(f"imported {len(added)} run(s)" + (f" (ids {', '.join(map(str, added))})"
                                             if added else "")
          + (f"; {len(skipped)} already stored" if skipped else ""))
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


_COMMANDS = ("run", "compare", "models", "devices", "gui", "runs", "export", "import",
             "replay", "experiment")


def _command_word(argv: list[str]) -> str | None:
    """The subcommand word (or ``-h``) that ``argv`` starts with, after ``--data-dir DIR``.

    ``None`` when ``argv`` has no word there: no arguments, or the desktop app's options
    (``--autostart ...``), which open the app.
    """
    rest = list(argv)
    if rest and rest[0] == "--data-dir":
        rest = rest[2:]
    elif rest and rest[0].startswith("--data-dir="):
        rest = rest[1:]
    if not rest:
        return None
    if rest[0] in ("-h", "--help") or not rest[0].startswith("-"):
        return rest[0]
    return None


def main(argv: list[str] | None = None) -> int:
    """Parse ``argv`` and run the command; returns the exit status."""
    argv = sys.argv[1:] if argv is None else argv
    command = _command_word(argv)
    if command in (None, "gui"):  # the desktop app parses its own options
        return cmd_gui([a for a in argv if a != "gui"])
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "replay":
        gui_args = ["--replay", args.file, "--speed", str(args.speed)]
        if args.data_dir:
            gui_args += ["--data-dir", args.data_dir]
        return cmd_gui(gui_args)
    handlers = {"run": cmd_run, "compare": cmd_compare, "models": cmd_models,
                "devices": cmd_devices, "runs": cmd_runs, "export": cmd_export,
                "experiment": cmd_experiment,
                "import": cmd_import}
    from engine.store.db import StoreError

    try:
        return handlers[args.command](args)
    except ConfigError as exc:
        if getattr(args, "json", False):
            print(json.dumps({"event": "Failed", "kind": "config", "field": exc.field,
                              "message": exc.message}))
        print(f"trainfer: error: {_flag(exc.field)}: {exc.message}", file=sys.stderr)
        return EXIT_USAGE
    except StoreError as exc:
        print(f"trainfer: error: {exc}", file=sys.stderr)
        return EXIT_FAILED


def entry() -> None:
    """Console-script entry point."""
    try:
        code = main()
        sys.stdout.flush()
    except BrokenPipeError:  # `trainfer runs list | head`: the reader left, not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        code = EXIT_OK
    sys.exit(code)
