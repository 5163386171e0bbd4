"""Print gpu_check.sh results as a Markdown table beside DESIGN.md's H200 numbers.

python scripts/gpu_report.py OUT_DIR                 # the runs, beside the reference
python scripts/gpu_report.py OUT_DIR --experiments   # the experiments' tables
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

# DESIGN.md, "Reference numbers": a plain PyTorch loop on an H200, torch 2.11, bf16.
REFERENCE = {
    "resnet50-train": ("4,735 img/s", "11.0 GiB", "0.137 J/img", "624 W", "99.8%"),
    "resnet50-infer": ("15,579 img/s", "1.65 GiB", "0.043 J/img", "676 W", "99.9%"),
    "resnet50-infer-b1": ("263 img/s (3.81 ms)", "0.41 GiB", "0.537 J/img", "149 W", "32%"),
    "resnet50-infer-b1-cudagraphs": ("0.95 ms per step (CUDA graph replay)", "", "", "", ""),
    "resnet50-infer-fp32": ("3,316 img/s", "3.3 GiB", "0.202 J/img", "648 W", "99.7%"),
    "gpt2-train": ("150,530 tok/s", "23.8 GiB", "0.0041 J/tok", "599 W", "99.9%"),
    "gpt2-infer": ("437,322 tok/s", "3.8 GiB", "0.0014 J/tok", "583 W", "99.2%"),
}


# The same plain loop's readings as numbers, for the ratio table: throughput (samples or
# tokens per second), samples or tokens per step, peak allocated (GiB), J per sample or
# token, mean power (W), NVML utilization, SM and Tensor Core activity (%). None: the
# reference has no such number. Step time = samples per step / throughput.
ANCHORS: dict[str, dict[str, float | None]] = {
    "resnet50-train": dict(rate=4735, per_step=256, gib=11.0, j=0.137, w=624, util=99.8,
                           sm=91, tensor=14),
    "resnet50-infer": dict(rate=15579, per_step=256, gib=1.65, j=0.043, w=676, util=99.9,
                           sm=92, tensor=18),
    "resnet50-infer-fp32": dict(rate=3316, per_step=256, gib=3.3, j=0.202, w=648, util=99.7,
                                sm=97, tensor=0),
    "resnet50-infer-b1": dict(rate=263, per_step=1, gib=0.41, j=0.537, w=149, util=32, sm=6,
                              tensor=0.3),
    "resnet50-infer-b1-cudagraphs": dict(rate=1 / 0.95e-3, per_step=1, gib=None, j=None,
                                         w=None, util=None, sm=None, tensor=None),
    "gpt2-train": dict(rate=150530, per_step=16 * 1024, gib=23.8, j=0.0041, w=599, util=99.9,
                       sm=92, tensor=16),
    "gpt2-infer": dict(rate=437322, per_step=16 * 1024, gib=3.8, j=0.0014, w=583, util=99.2,
                       sm=95, tensor=15),
}
RATIO_COLUMNS = ("throughput", "step time (ms)", "peak allocated (GiB)", "J per sample/token",
                 "power, 1 s avg (W)", "power, instant (W)", "NVML util (%)",
                 "SM activity (%)", "Tensor activity (%)")


def _g(v: float | None) -> str:
    if v is None:
        return "–"
    if abs(v) >= 100:
        return f"{v:,.0f}"
    return f"{v:.3g}"


def ratio_rows(name: str, s: dict) -> tuple[str, str]:
    """Two Markdown rows: Trainfer's readings with their ratio to the anchor, the anchor."""
    a = ANCHORS[name]
    lm = s.get("tokens_per_s") is not None
    rate = s["tokens_per_s"] if lm else s["samples_per_s"]
    step_ms = s.get("step_ms_median")
    ours = (rate, step_ms, s["peak_mem_bytes"] / 2**30,
            s.get("energy_per_token_j") if lm else s.get("energy_per_sample_j"),
            s.get("mean_power_w"), s.get("mean_power_instant_w"), s.get("mean_gpu_util_pct"),
            s.get("mean_sm_activity_pct"), s.get("mean_tensor_activity_pct"))
    anchor_step = (1000 * a["per_step"] / a["rate"]) if a["rate"] and a["per_step"] else None
    # DESIGN.md gives one mean power: compared with both of Trainfer's readings
    theirs = (a["rate"], anchor_step, a["gib"], a["j"], a["w"], a["w"], a["util"], a["sm"],
              a["tensor"])
    cells = []
    for mine, ref in zip(ours, theirs):
        if mine is None:
            cells.append("N/A")
        elif ref:
            cells.append(f"{_g(mine)} ({mine / ref:.2f}×)")
        else:
            cells.append(_g(mine))
    return (f"| {name} · Trainfer (÷ anchor) | " + " | ".join(cells) + " |",
            f"| {name} · DESIGN.md anchor | " + " | ".join(_g(v) for v in theirs) + " |")


def cell(s: dict) -> tuple[str, ...]:
    """The five measured columns of one summary."""
    lm = s.get("tokens_per_s") is not None
    rate = f"{s['tokens_per_s']:,.0f} tok/s" if lm else f"{s['samples_per_s']:,.0f} img/s"
    if not lm and s["batch_size"] == 1:
        rate += f" ({s['step_ms_median']:.2f} ms)"
    mem = f"{s['peak_mem_bytes'] / 2**30:.2f} GiB"
    per = s.get("energy_per_token_j") if lm else s.get("energy_per_sample_j")
    energy = f"{per:.4g} J/{'tok' if lm else 'img'}" if per is not None else "N/A"
    power = f"{s['mean_power_w']:.0f} W" if s.get("mean_power_w") is not None else "N/A"
    util = f"{s['mean_gpu_util_pct']:.1f}%" if s.get("mean_gpu_util_pct") is not None else "N/A"
    return rate, mem, energy, power, util


def _num(s: dict, key: str, fmt: str, unit: str = "") -> str:
    v = s.get(key)
    return "N/A" if v is None else f"{v:{fmt}}{unit}"


def telemetry_row(s: dict) -> tuple[str, ...]:
    """The issue #3 readings of one summary: what only a real driver can confirm."""
    power = (f"{_num(s, 'mean_power_w', '.0f', ' W')} / "
             f"{_num(s, 'mean_power_instant_w', '.0f', ' W')} "
             f"(peak {_num(s, 'peak_power_instant_w', '.0f', ' W')})")
    return (
        _num(s, "tflops_per_s", ".1f"), _num(s, "mfu_pct", ".0f", "%"),
        _num(s, "mean_sm_activity_pct", ".0f", "%"),
        _num(s, "mean_tensor_activity_pct", ".0f", "%"),
        _num(s, "mean_dram_bw_util_pct", ".0f", "%"), power,
        f"{_num(s, 'energy_j', '.0f', ' J')} ({s.get('energy_source') or 'none'})",
        s.get("telemetry_note") or "",
    )


def _last_json(path: Path) -> dict | None:
    try:
        return json.loads(path.read_text().strip().splitlines()[-1])
    except (OSError, ValueError, IndexError):
        return None


def experiments(out: Path) -> None:
    """Print each ``exp-NAME.json`` of ``out`` as a Markdown table (``experiment --json``)."""
    for path in sorted(out.glob("exp-*.json")):
        try:
            r = json.loads(path.read_text().strip().splitlines()[-1])
        except (OSError, ValueError, IndexError):
            print(f"### {path.stem[4:]}\n\nno result ({path.name} missing or empty)\n")
            continue
        if r.get("event") == "Failed":
            print(f"### {path.stem[4:]}\n\nfailed: {r['kind']}: {r['message']}\n")
            continue
        print(f"### {r['experiment']} ({r['model']}, {r['device']})\n")
        print("| " + " | ".join(r["columns"]) + " |")
        print("|" + "---|" * len(r["columns"]))
        for row in r["rows"]:
            print("| " + " | ".join(cell.replace("|", "/") for cell in row) + " |")
        if r.get("verdict"):
            print(f"\nVerdict: {r['verdict']['text']}")
        print()


def main() -> None:
    """Print the table for the folder named on the command line."""
    out = Path(sys.argv[1])
    if "--experiments" in sys.argv[2:]:
        experiments(out)
        return
    print("| workload | throughput | peak allocated | energy | mean power | NVML util |")
    print("|---|---|---|---|---|---|")
    for name, ref in REFERENCE.items():
        path = out / f"{name}.json"
        try:
            s = json.loads(path.read_text().strip().splitlines()[-1])
        except (OSError, ValueError, IndexError):
            print(f"| {name} (Trainfer) | no result ({path.name} missing or empty) | | | | |")
        else:
            if s.get("event") == "Failed":
                print(f"| {name} (Trainfer) | failed: {s['kind']}: {s['message']} | | | | |")
            else:
                print(f"| {name} (Trainfer) | " + " | ".join(cell(s)) + " |")
        print(f"| {name} (DESIGN.md reference) | " + " | ".join(ref) + " |")
    print("\nTelemetry and derived readings (issue #3: these need a real driver):\n")
    print("| workload | TFLOP/s | MFU | SM activity | Tensor activity | DRAM BW | "
          "power 1 s avg / instant | energy (source) | note |")
    print("|---|---|---|---|---|---|---|---|---|")
    for name in REFERENCE:
        s = _last_json(out / f"{name}.json")
        if s is None or s.get("event") == "Failed":
            continue
        print(f"| {name} | " + " | ".join(telemetry_row(s)) + " |")
    print("\nEach reading beside DESIGN.md's plain-loop anchor (ratio = Trainfer ÷ anchor; step "
          "time of the anchor = samples or tokens per step ÷ its throughput):\n")
    print("| workload | " + " | ".join(RATIO_COLUMNS) + " |")
    print("|---|" + "---|" * len(RATIO_COLUMNS))
    for name in ANCHORS:
        s = _last_json(out / f"{name}.json")
        if s is None or s.get("event") == "Failed":
            continue
        for row in ratio_rows(name, s):
            print(row)
    overhead = out / "overhead.txt"
    if overhead.exists():
        lines = [ln for ln in overhead.read_text().splitlines() if ln.strip()]
        print("\nOverhead (bench/overhead.py, plain loop and Trainfer alternated in one call):\n")
        print("```\n" + "\n".join(lines[-3:]) + "\n```")
    devices = out / "devices.txt"
    if devices.exists():
        print("\nReadings NVML reported as supported (`trainfer devices`):\n")
        print("```\n" + devices.read_text().strip() + "\n```")


if __name__ == "__main__":
    main()
