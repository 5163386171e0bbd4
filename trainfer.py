"""The ``trainfer`` command: the command line or the desktop app.

``trainfer run|compare|experiment|…`` runs the engine's command line
(:func:`engine.cli.main`, no Qt needed); ``trainfer`` alone, ``trainfer gui …`` and
``trainfer replay FILE`` open the desktop app (:func:`gui.app.main`). This module is the
only place that knows both: the engine never imports the GUI.
"""

from __future__ import annotations

import os
import sys

EXIT_OK, EXIT_USAGE = 0, 2


def main(argv: list[str] | None = None) -> int:
    """Run the command or open the app; returns the exit status."""
    argv = sys.argv[1:] if argv is None else argv
    from engine.cli import app_arguments
    from engine.cli import main as cli_main

    app_args = app_arguments(argv)
    if app_args is None:
        return cli_main(argv)
    try:
        from gui.app import main as gui_main
    except ImportError as exc:
        print(f"trainfer: the desktop app needs PySide6, pyqtgraph and qasync ({exc}); "
              "install them (make run does) or use `trainfer run` / `trainfer compare`",
              file=sys.stderr)
        return EXIT_USAGE
    return int(gui_main(app_args) or 0)


def entry() -> None:
    """Console-script entry point: exits with :func:`main`'s status."""
    try:
        code = main()
        sys.stdout.flush()
    except BrokenPipeError:  # `trainfer runs list | head`: the reader left, not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        code = EXIT_OK
    sys.exit(code)


if __name__ == "__main__":
    entry()
