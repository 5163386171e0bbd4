"""``trainfer devices``: NVIDIA GPUs and the readings each supports."""

from __future__ import annotations

import argparse
import json

from engine.cli.outcome import EXIT_OK


def main(args: argparse.Namespace) -> int:
    """``trainfer devices``."""
    from engine.session.devices import list_devices

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

