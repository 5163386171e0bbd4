"""The Live tab over an hour: memory growth and redraw time with an hour of data.

Feeds the Live tab (offscreen, 1280x720) two runs of a GPU-like stream at accelerated
speed: a training run, then an inference run of the same model (which stays beside it),
``--minutes`` each (default 30: an hour of data in all), with 20 Hz telemetry samples
(every GPU field set) and 20 steps per second. After every ``--tick`` seconds of data
(default 0.1 s, the Live tab's 10 Hz timer) it does what that timer does
(``LivePlots.tick``) and lets Qt paint what changed, timing both: the redraw a user's
window pays at that moment of the run. Every minute of data it also times a forced
redraw of everything (every curve pushed, the whole window painted), the worst case.
Prints the resident memory growth per hour of data and the median / p99 redraw time,
beside the targets of issue #15 (under 50 MB per hour, median under 10 ms, p99 under
33 ms on 2 cores). Not a test: nothing is asserted.

    python bench/gui_soak.py [--minutes 30] [--tick 0.1]
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--minutes", type=float, default=30.0, help="data per run (two runs)")
    ap.add_argument("--tick", type=float, default=0.1,
                    help="seconds of data between two timer ticks (the app: 0.1)")
    ap.add_argument("--hz", type=float, default=20.0)
    args = ap.parse_args()

    import psutil
    from PySide6.QtWidgets import QApplication

    from engine.core.events import Phase, Sample, StepStats
    from gui.live.live_plots import LivePlots

    app = QApplication.instance() or QApplication([])
    plots = LivePlots()
    plots.stop_timer()  # the bench pushes and paints itself, so each redraw is timed
    plots.resize(1280, 720)
    plots.show()
    app.processEvents()
    proc = psutil.Process()
    gc.collect()
    rss0 = proc.memory_info().rss
    redraws: list[float] = []
    full: list[float] = []
    dt = 1.0 / args.hz
    seconds = args.minutes * 60.0
    t_clock = 1000.0
    for mode in ("train", "infer"):
        t0 = t_clock
        plots.begin_run(mode, "resnet50", False, t0)
        plots.add_phase(Phase(t0 + 0.5, "warmup"))
        plots.add_phase(Phase(t0 + 5.0, "measure"))
        n = int(seconds * args.hz)
        per_tick = max(1, int(args.tick * args.hz))
        per_minute = int(60 * args.hz)
        energy = 0.0
        for i in range(n):
            t = t0 + i * dt
            power = 600.0 + 50.0 * ((i % 200) / 200.0)
            energy += power * dt
            plots.add_sample(Sample(
                t_s=t, gpu_index=0, gpu_util_pct=98.0, mem_used_bytes=40 << 30,
                mem_total_bytes=141 << 30, power_w=power, energy_j=energy,
                temperature_c=60.0, sm_clock_mhz=1980.0, cpu_util_pct=12.0,
                process_cpu_pct=100.0, process_rss_bytes=3 << 30, sys_mem_used_bytes=20 << 30,
                sys_mem_total_bytes=128 << 30, power_instant_w=power + 20.0,
                mem_clock_mhz=3201.0, sm_activity_pct=90.0, sm_occupancy_pct=40.0,
                tensor_activity_pct=60.0, dram_bw_util_pct=55.0, cpu_energy_j=energy / 5,
            ))
            phase = "warmup" if t < t0 + 5.0 else "measure"
            plots.add_step(StepStats(
                t_s=t, step=i, phase=phase, step_ms=50.0 + (i % 7), samples_per_s=5000.0,
                tokens_per_s=None, loss=2.3 / (1 + i / 1000) if mode == "train" else None,
            ))
            if (i + 1) % per_tick == 0:
                start = time.perf_counter()
                plots.tick()
                app.processEvents()
                redraws.append((time.perf_counter() - start) * 1000.0)
            if (i + 1) % per_minute == 0:
                start = time.perf_counter()
                plots.refresh()
                plots.repaint()
                app.processEvents()
                full.append((time.perf_counter() - start) * 1000.0)
        t_clock = t0 + seconds + 10.0
    gc.collect()
    growth_mb = (proc.memory_info().rss - rss0) / 1e6
    hours = 2 * seconds / 3600.0
    redraws.sort()
    p99 = redraws[min(len(redraws) - 1, int(0.99 * len(redraws)))]
    print(f"{2 * args.minutes:g} min of data in two runs, {len(redraws)} timer ticks timed")
    print(f"memory growth: {growth_mb / hours:.1f} MB per hour of data (target < 50)")
    print(f"redraw per tick: median {statistics.median(redraws):.1f} ms (target < 10), "
          f"p99 {p99:.1f} ms (target < 33), max {redraws[-1]:.1f} ms")
    if full:
        print(f"forced redraw of everything (once a minute of data): median "
              f"{statistics.median(full):.1f} ms, max {max(full):.1f} ms")


if __name__ == "__main__":
    main()
