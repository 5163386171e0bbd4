"""Throughput of a plain PyTorch loop vs the same workload run through Trainfer.

Alternates the two in one invocation (plain, trainfer, plain, trainfer, ...) and prints
the ratio of their median throughputs. Target (issue #3): Trainfer at 0.98 or more of the
plain loop on a GPU with the sampler on. Not a test: this machine is shared and noisy.

    python bench/overhead.py [--model resnet50] [--device cuda] [--seconds 10] [--rounds 3]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time


def plain_loop(model: str, mode: str, device: str, batch: int | None, precision: str,
               seconds: float, warmup: int) -> float:
    """The workload as a user would write it: same spec, same data, no events, no sampler."""
    import torch

    from engine.core.config import RunConfig
    from engine.run.device import resolve_device, set_math_mode
    from engine.run.runner import ModelRunner

    cfg = RunConfig(model=model, mode=mode, device=device, batch_size=batch,
                    precision=precision, seconds=seconds)
    dev = resolve_device(device)
    set_math_mode(precision)
    runner = ModelRunner(cfg, dev)
    for _ in range(warmup):
        runner.step()
    if dev.type == "cuda":
        torch.cuda.synchronize()
    steps, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        runner.step()
        steps += 1
    if dev.type == "cuda":
        torch.cuda.synchronize()
    return steps * runner.batch_size / (time.perf_counter() - t0)


def trainfer_run(model: str, mode: str, device: str, batch: int | None, precision: str,
                 seconds: float, warmup: int) -> float:
    """The same workload through Session: spawned run process, events, sampler at 20 Hz."""
    from engine.core.config import RunConfig
    from engine.core.events import Failed, Summary
    from engine.session.session import Session

    s = Session()
    s.start(RunConfig(model=model, mode=mode, device=device, batch_size=batch,
                      precision=precision, seconds=seconds, warmup_steps=warmup))
    result = None
    for ev in s.iter_events():
        if isinstance(ev, (Summary, Failed)):
            result = ev
    s.close()
    if not isinstance(result, Summary) or result.samples_per_s is None:
        sys.exit(f"trainfer run failed: {result}")
    return result.samples_per_s


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--model", default="mlp")
    p.add_argument("--mode", default="train", choices=("train", "infer"))
    p.add_argument("--device", default="auto")
    p.add_argument("--batch-size", type=int, default=None)
    p.add_argument("--precision", default="fp32")
    p.add_argument("--seconds", type=float, default=5.0)
    p.add_argument("--warmup-steps", type=int, default=5)
    p.add_argument("--rounds", type=int, default=3)
    a = p.parse_args()
    args = (a.model, a.mode, a.device, a.batch_size, a.precision, a.seconds, a.warmup_steps)
    plain, ours = [], []
    for r in range(a.rounds):
        plain.append(plain_loop(*args))
        ours.append(trainfer_run(*args))
        print(f"round {r + 1}: plain {plain[-1]:,.1f}/s  trainfer {ours[-1]:,.1f}/s  "
              f"ratio {ours[-1] / plain[-1]:.3f}", flush=True)
    ratio = statistics.median(ours) / statistics.median(plain)
    print(f"{a.model} {a.mode} on {a.device}: trainfer / plain loop = {ratio:.3f} "
          f"(median of {a.rounds} alternated rounds; target >= 0.98 on a GPU)")


if __name__ == "__main__":
    main()
