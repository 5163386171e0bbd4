"""``trainfer models``: the model catalog."""

from __future__ import annotations

import argparse
import dataclasses
import json

from engine.cli.outcome import EXIT_OK
from engine.core.catalog import CATALOG


def main(args: argparse.Namespace) -> int:
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

