"""``trainfer devices``: NVIDIA GPUs and the readings each supports."""

from __future__ import annotations

import argparse
import json

from engine.cli.outcome import EXIT_OK
from engine.core.format import text
from engine.core.values import msg, nbytes, watts


def main(args: argparse.Namespace) -> int:
    """``trainfer devices``."""
    from engine.session.devices import list_devices

    report = list_devices()
    if args.json:
        print(json.dumps(report.to_dict()))
        return EXIT_OK
    if not report.available:
        print(text(msg("devices.none", why=report.msg)))
        return EXIT_OK
    print(text(report.msg))
    for g in report.gpus:
        ok = [k for k, v in g.supported.items() if v]
        no = [k for k, v in g.supported.items() if not v]
        print(text(msg("devices.gpu", index=str(g.index), name=g.name,
                       memory=nbytes(g.memory_total_bytes), limit=watts(g.power_limit_w))))
        print(text(msg("devices.reads", reads=ok or msg("devices.nothing"),
                       unsupported=msg("devices.unsupported", readings=no) if no else "")))
    return EXIT_OK

