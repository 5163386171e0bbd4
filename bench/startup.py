"""Start to first step: Trainfer's run start beside a plain ``import torch`` and one step.

Prints, measured in this one invocation (median of ``--rounds``):

  * **ready**: from ``Session.start`` to the first warm-up step beginning (the
    ``Phase("warmup")`` event) and ending, with a run process kept ready (the app once it is
    idle; issue #15's target: the first warm-up step begins within 1 s for ``mlp`` on the
    CPU);
  * **cold**: the same from a session with no process ready (what a one-off
    ``trainfer run`` pays: the run process imports torch first);
  * **plain**: a new ``python -c`` process that imports torch, builds the same MLP and
    runs one training step, from spawn to the step's end (the floor a cold start has).

Not a test: this machine is shared and noisy; nothing is asserted.

    python bench/startup.py [--model mlp] [--device cpu] [--mode train] [--rounds 3]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

PLAIN = """
import time
t0 = float({t0!r})
import torch
from torch import nn
model = nn.Sequential(nn.Flatten(), nn.Linear(784, 1024), nn.ReLU(), nn.Linear(1024, 1024),
                      nn.ReLU(), nn.Linear(1024, 10))
opt = torch.optim.AdamW(model.parameters())
x, y = torch.randn(64, 784), torch.randint(0, 10, (64,))
nn.functional.cross_entropy(model(x), y).backward()
opt.step()
print(time.time() - t0)
"""


def trainfer(model: str, mode: str, device: str, ready: bool) -> tuple[float, float]:
    """``(to_first_step_begin_s, to_first_step_end_s)`` of one run through a Session."""
    from engine.core.config import RunConfig
    from engine.core.events import Failed, Phase, StepStats, Summary
    from engine.session.session import Session

    session = Session()
    if ready:
        session.prepare(model)
        idle = session.processes.idle
        while idle is not None and idle.alive() and not idle.poll_ready(0.2):
            pass
        time.sleep(0.5)  # the preload reply, and an idle machine
    begin = end = float("nan")
    try:
        t0 = time.monotonic()
        session.start(RunConfig(model=model, mode=mode, device=device, steps=1,
                                warmup_steps=1))
        for ev in session.iter_events():
            if isinstance(ev, Phase) and ev.name == "warmup":
                begin = time.monotonic() - t0
            elif isinstance(ev, StepStats) and end != end:
                end = time.monotonic() - t0
            elif isinstance(ev, Failed):
                raise SystemExit(f"the run failed: {ev.message}")
            elif isinstance(ev, Summary):
                break
    finally:
        session.close()
    return begin, end


def plain() -> float:
    """Seconds from spawning ``python -c`` to the end of its one step."""
    out = subprocess.run([sys.executable, "-c", PLAIN.format(t0=time.time())],
                         capture_output=True, text=True, check=True)
    return float(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default="mlp")
    ap.add_argument("--mode", default="train", choices=["train", "infer"])
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    rows: dict[str, list[tuple[float, float]]] = {"ready": [], "cold": [], "plain": []}
    for _ in range(args.rounds):  # interleaved, so drift on a shared machine hits all three
        rows["ready"].append(trainfer(args.model, args.mode, args.device, ready=True))
        rows["cold"].append(trainfer(args.model, args.mode, args.device, ready=False))
        p = plain()
        rows["plain"].append((float("nan"), p))
    med = {k: (statistics.median(b for b, _ in v), statistics.median(e for _, e in v))
           for k, v in rows.items()}
    print(f"{args.model} {args.mode} on {args.device}, median of {args.rounds}")
    print(f"{'start':<7} {'first step begins s':>20} {'first step ends s':>18}")
    for k, (b, e) in med.items():
        print(f"{k:<7} {'' if b != b else f'{b:.2f}':>20} {e:>18.2f}")
    print(f"ready / plain (first step's end): {med['ready'][1] / med['plain'][1]:.2f}; "
          f"cold / plain: {med['cold'][1] / med['plain'][1]:.2f}  "
          f"(target: ready begins within 1 s)")


if __name__ == "__main__":
    main()
