"""Achieved sampling rate and CPU cost of the telemetry sampler.

Runs the sampler for ``--seconds`` against the real NVML (or host-only without a GPU)
and prints the achieved rate, the spread of tick intervals and the CPU time the process
spent per second (the main thread only sleeps, so that is the sampler's cost).

    python bench/sampler.py [--hz 20] [--seconds 10]
"""

from __future__ import annotations

import argparse
import statistics
import time

from engine.session.telemetry.sampler import Sampler


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--hz", type=float, default=20.0)
    p.add_argument("--seconds", type=float, default=10.0)
    a = p.parse_args()
    s = Sampler(hz=a.hz)
    status = s.start()
    cpu0, t0 = time.process_time(), time.monotonic()
    time.sleep(a.seconds)
    cpu1, t1 = time.process_time(), time.monotonic()
    s.stop()
    samples = list(s.samples)
    gaps = [(b.t_s - a_.t_s) * 1000 for a_, b in zip(samples, samples[1:])]
    print(f"telemetry: {status.message}")
    print(f"achieved rate: {len(samples) / (t1 - t0):.2f} Hz (asked {a.hz:g} Hz)")
    if gaps:
        print(f"tick interval: median {statistics.median(gaps):.2f} ms, "
              f"max {max(gaps):.2f} ms, stdev {statistics.pstdev(gaps):.2f} ms")
    print(f"sampler CPU cost: {(cpu1 - cpu0) / (t1 - t0) * 100:.2f}% of one core")


if __name__ == "__main__":
    main()
