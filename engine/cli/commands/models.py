"""``trainfer models``: the model catalog."""

from __future__ import annotations

import argparse
import json

from engine.cli.outcome import EXIT_OK
from engine.core.catalog import CATALOG
from engine.core.format import text
from engine.core.values import msg, number


def main(args: argparse.Namespace) -> int:
    """``trainfer models``."""
    if args.json:
        print(json.dumps([m.to_dict() for m in CATALOG.values()]))
        return EXIT_OK
    for m in CATALOG.values():
        print(f"{m.id:<10} " + text(msg(
            "models.line", title=m.title, params=number(m.approx_params / 1e6),
            gpu_batch=m.default_batch_gpu["train"], cpu_batch=m.default_batch_cpu["train"],
            what=m.input_size_label, gpu_size=m.default_input_size_gpu,
            cpu_size=m.default_input_size_cpu)))
        print(f"{'':<10} {text(m.description)}")
    return EXIT_OK

