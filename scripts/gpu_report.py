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
    devices = out / "devices.txt"
    if devices.exists():
        print("\nReadings NVML reported as supported (`trainfer devices`):\n")
        print("```\n" + devices.read_text().strip() + "\n```")


if __name__ == "__main__":
    main()
