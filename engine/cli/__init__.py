"""The ``trainfer`` command line (also ``python -m engine``, which needs no Qt).

:func:`main` parses the arguments and runs one command of :mod:`engine.cli.commands`.
Opening the desktop app is not the engine's business: :func:`app_arguments` tells the
top-level entry module (``trainfer.py``) when the arguments ask for the app, and with
which of its options. Exit statuses: :mod:`engine.cli.outcome`.
"""

from __future__ import annotations

import importlib
import json
import os
import sys

from engine.cli.outcome import EXIT_FAILED, EXIT_USAGE, error, flag
from engine.core.config import ConfigError
from engine.core.format import text
from engine.core.values import msg, to_plain

COMMANDS = {"run": "run", "compare": "compare", "models": "models", "devices": "devices",
            "runs": "runs", "export": "export", "import": "importing",
            "experiment": "experiment"}
"""Command word -> module of :mod:`engine.cli.commands` (imported when it is used)."""


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


def app_arguments(argv: list[str]) -> list[str] | None:
    """The desktop app's options when ``argv`` asks for the app, else ``None``.

    No command word (``trainfer``, ``trainfer --autostart ...``) and ``gui`` open the
    app with the options given; ``replay FILE [--speed S]`` opens it to replay ``FILE``.
    Bad ``replay`` options exit 2 with the parser's message.
    """
    command = _command_word(argv)
    if command in (None, "gui"):  # the desktop app parses its own options
        return [a for a in argv if a != "gui"]
    if command != "replay":
        return None
    from engine.cli.parser import build_parser

    parser = build_parser()
    args = parser.parse_args(argv)
    if not os.path.isfile(args.file):  # said before the app (and its display) starts
        parser.error(text(msg("cli.replay_missing", path=args.file)))
    app = ["--replay", args.file, "--speed", str(args.speed)]
    if args.data_dir:
        app += ["--data-dir", args.data_dir]
    return app


def main(argv: list[str] | None = None) -> int:
    """Parse ``argv`` and run the command; returns the exit status.

    Arguments that ask for the desktop app (see :func:`app_arguments`) get a message
    saying how to open it: the engine runs without Qt.
    """
    argv = sys.argv[1:] if argv is None else argv
    if app_arguments(argv) is not None:
        print(text(msg("cli.needs_command")), file=sys.stderr)
        return EXIT_USAGE
    from engine.cli.parser import build_parser
    from engine.session.store.db import StoreError

    args = build_parser().parse_args(argv)
    command = importlib.import_module(f"engine.cli.commands.{COMMANDS[args.command]}")
    try:
        return int(command.main(args))
    except ConfigError as exc:
        if getattr(args, "json", False):
            print(json.dumps({"event": "Failed", "kind": "config", "field": exc.field,
                              "message": exc.message, "msg": to_plain(exc.msg)}))
        error(msg("cli.config_error", flag=flag(exc.field), error=exc.msg))
        return EXIT_USAGE
    except StoreError as exc:
        error(exc.msg)
        return EXIT_FAILED
