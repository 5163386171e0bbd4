"""CPU package and DRAM energy from the kernel's RAPL counters (Linux powercap sysfs).

Intel processors, and AMD processors since Zen (the kernel's ``intel_rapl`` driver serves
both), expose one zone per package under ``/sys/class/powercap/intel-rapl:<n>`` (``name``
is ``package-<n>``) with a ``dram`` sub-zone where the platform measures memory. Each
zone has a cumulative ``energy_uj`` counter that wraps at ``max_energy_range_uj``.
Energy over a time is the sum of the counter differences of the package and DRAM zones,
one wrap added where a counter went back (read at 20 Hz, a counter cannot wrap twice
between two readings: ``max_energy_range_uj`` is hundreds of kilojoules). This is how
Zeus (``zeus.device.cpu.rapl``) and CodeCarbon read them. ``psys`` (the whole platform)
and the ``core``/``uncore`` sub-zones are left out: they overlap the package.

Since Linux 5.10 ``energy_uj`` is readable by root only (CVE-2020-8694); then, and where
the zones are absent (virtual machines, other systems), :meth:`Rapl.open` says why and
every reading is ``None``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from engine.core.values import Msg, msg

POWERCAP = Path("/sys/class/powercap")
"""Where the kernel's powercap zones live."""


@dataclass
class _Zone:
    name: str
    energy: Path
    max_range_uj: float
    last_uj: float
    total_uj: float = 0.0

    def advance(self, now_uj: float) -> None:
        delta = now_uj - self.last_uj
        if delta < 0:  # the counter wrapped around
            delta += self.max_range_uj
        self.total_uj += delta
        self.last_uj = now_uj


def _read(path: Path) -> str:
    return path.read_text(encoding="ascii").strip()


class Rapl:
    """Cumulative CPU package + DRAM energy since :meth:`open`.

    Args:
        root: The powercap folder (a fake tree in tests).
    """

    def __init__(self, root: Path = POWERCAP) -> None:
        self.root = Path(root)
        self._zones: list[_Zone] = []
        self.problem: Msg | None = msg("rapl.not_open")

    @property
    def available(self) -> bool:
        """The counters were found and read."""
        return bool(self._zones)

    @property
    def domains(self) -> list[str]:
        """Names of the zones summed (``["package-0", "dram"]``)."""
        return [z.name for z in self._zones]

    def open(self) -> Msg | None:
        """Find and read the zones; ``None`` when they can be read, else why not."""
        self._zones = []
        packages = sorted(p for p in self.root.glob("intel-rapl:*") if p.name.count(":") == 1)
        if not packages:
            self.problem = msg("rapl.absent", path=str(self.root / "intel-rapl:0"))
            return self.problem
        dirs: list[Path] = []
        for pkg in packages:
            if not (pkg / "name").exists() or not _read(pkg / "name").startswith("package"):
                continue
            dirs.append(pkg)
            dirs += [sub for sub in sorted(pkg.glob(f"{pkg.name}:*"))
                     if (sub / "name").exists() and _read(sub / "name") == "dram"]
        try:
            for d in dirs:
                self._zones.append(_Zone(_read(d / "name"), d / "energy_uj",
                                         float(_read(d / "max_energy_range_uj")),
                                         float(_read(d / "energy_uj"))))
        except PermissionError:
            self._zones = []
            self.problem = msg("rapl.unreadable", path=str(dirs[0] / "energy_uj"))
            return self.problem
        except (OSError, ValueError) as exc:
            self._zones = []
            self.problem = msg("rapl.broken", error=str(exc))
            return self.problem
        if not self._zones:
            self.problem = msg("rapl.absent", path=str(self.root / "intel-rapl:0"))
            return self.problem
        self.problem = None
        return None

    def read(self) -> float | None:
        """Joules since :meth:`open` (never decreasing), or ``None`` when unavailable.

        A zone that stops being readable ends the readings (``problem`` says why).
        """
        if not self._zones:
            return None
        try:
            for z in self._zones:
                z.advance(float(_read(z.energy)))
        except (OSError, ValueError) as exc:
            self._zones = []
            self.problem = msg("rapl.broken", error=str(exc))
            return None
        return sum(z.total_uj for z in self._zones) / 1e6
