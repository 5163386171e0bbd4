"""Host readings through psutil: CPU utilization and memory of the machine and a process."""

from __future__ import annotations

import time
from dataclasses import dataclass

import psutil


@dataclass(frozen=True)
class HostReading:
    """One poll of the host.

    Attributes:
        cpu_util_pct: Whole-machine CPU utilization since the previous poll (0-100).
        process_cpu_pct: The watched process's CPU use since the previous poll, in percent
            of one core (may exceed 100); ``None`` without a process.
        process_rss_bytes: Its resident set size; ``None`` without a process.
        sys_mem_used_bytes, sys_mem_total_bytes: Host memory.
    """

    cpu_util_pct: float | None
    process_cpu_pct: float | None
    process_rss_bytes: int | None
    sys_mem_used_bytes: int | None
    sys_mem_total_bytes: int | None


MIN_CPU_INTERVAL_S = 0.005  # psutil returns a meaningless 0.0 for a shorter interval


class HostProbe:
    """Reads the host and, once :meth:`watch` is called, one process (the run process).

    CPU percentages are "since the previous call" (psutil); a reading taken too soon after
    the previous one is ``None``, not psutil's meaningless 0.0.
    """

    def __init__(self) -> None:
        self._proc: psutil.Process | None = None
        psutil.cpu_percent(interval=None)  # primes the "since the previous call" counter
        self._cpu_t = time.monotonic()
        self._proc_t = self._cpu_t

    def watch(self, pid: int | None) -> None:
        """Follow process ``pid`` (``None`` stops following)."""
        self._proc = None
        if pid is not None:
            try:
                self._proc = psutil.Process(pid)
                self._proc.cpu_percent(interval=None)
                self._proc_t = time.monotonic()
            except psutil.Error:
                self._proc = None

    def read(self) -> HostReading:
        """Poll now; never raises for a process that has exited (its fields are ``None``)."""
        now = time.monotonic()
        cpu: float | None = psutil.cpu_percent(interval=None)
        if now - self._cpu_t < MIN_CPU_INTERVAL_S:
            cpu = None
        self._cpu_t = now
        vm = psutil.virtual_memory()
        pcpu = rss = None
        if self._proc is not None:
            try:
                with self._proc.oneshot():
                    if self._proc.status() == psutil.STATUS_ZOMBIE:
                        raise psutil.NoSuchProcess(self._proc.pid)  # exited, not reaped
                    pcpu = self._proc.cpu_percent(interval=None)
                    rss = self._proc.memory_info().rss or None
                if now - self._proc_t < MIN_CPU_INTERVAL_S:
                    pcpu = None
                self._proc_t = now
            except psutil.Error:
                self._proc = None
        return HostReading(
            cpu_util_pct=cpu,
            process_cpu_pct=pcpu,
            process_rss_bytes=rss,
            sys_mem_used_bytes=vm.total - vm.available,
            sys_mem_total_bytes=vm.total,
        )
