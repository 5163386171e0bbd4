"""Entry script of the PyInstaller bundle (``packaging/trainfer.spec``).

The bundle's ``trainfer`` executable is this script frozen: the same command as the
installed ``trainfer`` (:func:`trainfer.entry`: the command line, or the app with no
subcommand). Runs happen in processes started with multiprocessing ``spawn``; in a frozen
app a spawned process is the executable itself started again, and
:func:`multiprocessing.freeze_support` turns it into the run process before any option
is read.
"""

import multiprocessing

if __name__ == "__main__":
    multiprocessing.freeze_support()
    from trainfer import entry

    entry()
