"""A stand-in for ``ssh`` in tests: ``fake_ssh.py [options] HOST -- COMMAND``.

It ignores the options and the host and runs ``COMMAND`` with ``sh`` on this machine,
relaying stdin, stdout and stderr through pipes of its own, as ``ssh`` and ``sshd`` do:
killed, it closes both ends, so the command sees its stdin end and its stdout break, as
a remote command does when its connection drops. Exits with the command's status.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import threading


def _relay(src: int, dst: int, close_dst: bool) -> None:
    with contextlib.suppress(OSError):
        while True:
            data = os.read(src, 65536)
            if not data:
                break
            os.write(dst, data)
    if close_dst:
        with contextlib.suppress(OSError):
            os.close(dst)


def main() -> int:
    args = sys.argv[1:]
    command = args[args.index("--") + 1]
    child = subprocess.Popen(["sh", "-c", command], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert child.stdin and child.stdout and child.stderr
    threading.Thread(target=_relay, args=(0, child.stdin.fileno(), True), daemon=True).start()
    outs = [threading.Thread(target=_relay, args=(child.stdout.fileno(), 1, False)),
            threading.Thread(target=_relay, args=(child.stderr.fileno(), 2, False))]
    for t in outs:
        t.start()
    code = child.wait()
    for t in outs:
        t.join()
    return code if code >= 0 else 128 - code


if __name__ == "__main__":
    sys.exit(main())
