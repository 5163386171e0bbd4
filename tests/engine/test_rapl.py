"""CPU energy from RAPL, read from a fake powercap tree (wrap-around included)."""

import os
from pathlib import Path

import pytest
from fake_nvml import FakeNvmlLib
from summaries import run_report

from engine.core.events import Sample
from engine.core.format import text
from engine.core.summary import TelemetryReport, summarize
from engine.session.telemetry import rapl as rapl_module
from engine.session.telemetry.nvml import Nvml
from engine.session.telemetry.rapl import Rapl
from engine.session.telemetry.sampler import Sampler
from engine.session.telemetry.window import SampleColumns

MAX_UJ = 10_000_000  # a small range so a test can wrap it


def zone(path: Path, name: str, energy_uj: int) -> Path:
    path.mkdir(parents=True)
    (path / "name").write_text(name + "\n")
    (path / "energy_uj").write_text(f"{energy_uj}\n")
    (path / "max_energy_range_uj").write_text(f"{MAX_UJ}\n")
    return path


@pytest.fixture
def tree(tmp_path):
    """One package with core and dram sub-zones, and a psys zone (the platform)."""
    pkg = zone(tmp_path / "intel-rapl:0", "package-0", 9_000_000)
    zone(tmp_path / "intel-rapl:0" / "intel-rapl:0:0", "core", 100)
    zone(tmp_path / "intel-rapl:0" / "intel-rapl:0:2", "dram", 1_000)
    zone(tmp_path / "intel-rapl:1", "psys", 5)
    return tmp_path, pkg


def set_uj(path: Path, value: int) -> None:
    """Change a counter at once, as the kernel does (a reader never sees a half-written file)."""
    tmp = path / "energy_uj.new"
    tmp.write_text(f"{value}\n")
    os.replace(tmp, path / "energy_uj")


def test_package_and_dram_are_summed_and_overlapping_zones_left_out(tree):
    root, pkg = tree
    r = Rapl(root)
    assert r.open() is None and r.available
    assert r.domains == ["package-0", "dram"]  # not core (inside the package), not psys
    assert r.read() == 0.0
    set_uj(pkg, 9_500_000)
    set_uj(pkg / "intel-rapl:0:2", 251_000)
    assert r.read() == pytest.approx(0.5 + 0.25)


def test_a_counter_that_wraps_keeps_counting(tree):
    root, pkg = tree
    r = Rapl(root)
    r.open()
    set_uj(pkg, 9_900_000)
    assert r.read() == pytest.approx(0.9)
    set_uj(pkg, 400_000)  # wrapped at MAX_UJ: 0.1 J to the top, then 0.4 J
    assert r.read() == pytest.approx(1.4)
    energies = []
    for uj in (2_000_000, 6_000_000, 9_999_999, 1):
        set_uj(pkg, uj)
        energies.append(r.read())
    assert energies == sorted(energies)  # never decreases


def test_absent_counters_say_so(tmp_path):
    r = Rapl(tmp_path)
    problem = r.open()
    assert problem is not None and "no RAPL energy counters here" in text(problem)
    assert r.read() is None and not r.available


def test_unreadable_counters_say_how_to_read_them(tree, monkeypatch):
    root, _ = tree
    real = rapl_module._read

    def denied(path):
        if path.name == "energy_uj":
            raise PermissionError(13, "Permission denied")
        return real(path)

    monkeypatch.setattr(rapl_module, "_read", denied)
    r = Rapl(root)
    assert "readable by root only" in text(r.open())
    assert r.read() is None


def test_the_sampler_puts_cpu_energy_in_every_sample(tree):
    import time

    root, pkg = tree
    s = Sampler(Nvml(FakeNvmlLib(missing_library=True)), hz=50, rapl=Rapl(root))
    s.start()
    for uj in range(9_000_000, 9_900_000, 100_000):
        set_uj(pkg, uj)
        time.sleep(0.03)
    s.stop()
    energy = [x.cpu_energy_j for x in s.samples]
    assert all(e is not None for e in energy) and energy == sorted(energy)
    assert energy[-1] == pytest.approx(0.8, abs=0.11)
    assert s.cpu_energy_problem is None and s.cpu_energy_domains == ["package-0", "dram"]


def test_a_cpu_run_gets_its_energy_from_rapl():
    cols = SampleColumns()
    for i in range(21):  # 0 .. 1 s at 20 Hz, 30 W
        cols.append(Sample(t_s=i * 0.05, cpu_util_pct=90.0, cpu_energy_j=30.0 * i * 0.05))
    telemetry = TelemetryReport(cols.window(0.0, 1.0), cols.window(0.0, 0.0), None)
    s = summarize(run_report(device="cpu", measure=(0.0, 1.0)), telemetry)
    assert s.energy_source == "rapl" and s.energy_j == pytest.approx(30.0)
    assert s.mean_power_w == pytest.approx(30.0)
    assert s.energy_per_sample_j == pytest.approx(30.0 / 2560)
    assert "RAPL" in s.telemetry_note and "NVIDIA GPUs only" in s.telemetry_note
    from engine.claims.compare import build

    row = next(r for r in build(s if s.mode == "train" else None,
                                s if s.mode == "infer" else None).rows
               if r.id == "energy_consumption")
    assert "(CPU package and DRAM, RAPL)" in text(row.measured_infer)


def test_without_rapl_the_note_says_why():
    from engine.core.values import msg

    cols = SampleColumns()
    for i in range(21):
        cols.append(Sample(t_s=i * 0.05, cpu_util_pct=90.0))
    telemetry = TelemetryReport(cols.window(0.0, 1.0), None, None,
                                cpu_energy_problem=msg("rapl.absent", path="/x"))
    s = summarize(run_report(device="cpu", measure=(0.0, 1.0)), telemetry)
    assert s.energy_j is None
    assert "the CPU's own energy counters (RAPL) cannot be read" in s.telemetry_note
