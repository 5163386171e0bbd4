"""An experiment's wall time against the time its cases spend running steps.

Runs ``precision`` and ``batch-sweep`` on ``mlp`` (CPU unless told otherwise) through one
session, as the command line does, and prints for each: the wall time from the first case's
start to the verdict, the sum of its cases' warm-up and measured time, and their ratio.
Target (issue #15): 1.3 or less from a session with a run process kept ready (the app
once it is idle); the "cold" line adds the first case's process start-up, as a one-off
``trainfer experiment`` pays it. Not a test: this machine is shared and noisy, so the
ratio is measured in one invocation and printed, never asserted.

    python bench/experiment_overhead.py [--device cpu] [--seconds 1] [--model mlp]
"""

from __future__ import annotations

import argparse
import time


def measure(name: str, model: str, device: str, seconds: float,
            ready: bool) -> tuple[float, float, int]:
    """``(wall_s, stepping_s, cases_run)`` of one experiment.

    ``ready``: start from a session with a run process kept ready (the app once idle);
    otherwise the first case pays the run process's start-up (``trainfer experiment``).
    """
    from engine.claims.experiment_runner import run_to_end
    from engine.claims.experiments import plan_experiment
    from engine.session.session import Session

    plan = plan_experiment(name, model=model, device=device, seconds_=seconds)
    session = Session()
    if ready:
        session.prepare(model)
        idle = session.processes.idle
        while idle is not None and idle.alive() and not idle.poll_ready(0.2):
            pass
    t0 = time.monotonic()
    try:
        result = run_to_end(plan, session)
    finally:
        wall = time.monotonic() - t0
        session.close()
    stepping, ran = 0.0, 0
    for case in result.cases:
        s = case.summary
        if s is None:
            continue
        ran += 1
        warm = (s.measure_start_t_s - s.warmup_start_t_s) if s.warmup_start_t_s else 0.0
        stepping += s.measured_s + warm
    return wall, stepping, ran


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default="mlp")
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--seconds", type=float, default=1.0, help="measured seconds per case")
    ap.add_argument("--experiments", default="precision,batch-sweep")
    args = ap.parse_args()
    print(f"{'experiment':<12} {'start':<6} {'cases':>5} {'wall s':>8} "
          f"{'warm-up+measured s':>19} {'ratio':>6}  (target <= 1.3 from a ready session)")
    for name in args.experiments.split(","):
        for ready in (True, False):
            wall, stepping, ran = measure(name, args.model, args.device, args.seconds, ready)
            ratio = wall / stepping if stepping else float("nan")
            print(f"{name:<12} {'ready' if ready else 'cold':<6} {ran:>5} {wall:>8.2f} "
                  f"{stepping:>19.2f} {ratio:>6.2f}")


if __name__ == "__main__":
    main()
