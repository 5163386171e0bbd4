"""Data-parallel training and replicated inference on ``torch.distributed``.

Two ways in, one rank loop (:func:`engine.run.loop.execute` with a :class:`Rank`):

* ``nproc_per_node > 1`` (``trainfer run --nproc-per-node N``): the run process calls
  :func:`launch`, which starts N ranks through ``torch.distributed``'s own elastic
  launcher (``torch.distributed.launcher.api.elastic_launch``, what ``torchrun
  --standalone`` runs: a c10d rendezvous on this machine, ``max_restarts=0``). Each rank
  connects back to the run process over a local socket
  (``multiprocessing.connection``, an authentication key per run): rank 0 sends its events
  and, at the end, the run's :class:`~engine.core.summary.RunReport`; any rank sends its
  failure. The run process relays rank 0's events to the session and sends Stop to every
  rank. When one rank fails the elastic agent ends the others, and the run fails with
  the rank named.
* Under ``torchrun`` (``torchrun --nnodes M --nproc-per-node N -m engine run …``): the
  environment names the rank (``RANK``, ``WORLD_SIZE``, ``LOCAL_RANK`` …), and each
  rank's own run process is the rank (:func:`from_environment`); rank 0's command line
  stores the run.

What a rank does differently from a single process (see :class:`Rank`):

* the device is ``cuda:LOCAL_RANK`` on GPUs (NCCL); on the CPU the ranks use gloo and
  share the cores (``torch.set_num_threads(cores // local ranks)``);
* training: the FLOP-counting step runs on the bare module with the same batch on every
  rank (weights and optimizer state stay identical), then each rank draws its own data
  stream and the model is wrapped in ``DistributedDataParallel``; a DDP communication
  hook (:class:`AllReduceMeter`) measures each gradient bucket's all-reduce; every step
  the ranks agree whether to go on (a one-integer all-reduce on a gloo group of its own,
  so every rank runs the same number of steps);
* inference: N independent replicas; no process-group traffic in the measured phase
  (they meet only before warm-up and after the measured phase);
* after the measured phase rank 0 gathers every rank's :class:`~engine.core.summary.
  RankStats` (``gather_object`` on the gloo group) and the process group is destroyed
  on every path.
"""

from __future__ import annotations

import contextlib
import inspect
import logging
import os
import secrets
import signal
import socket
import statistics
import sys
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Client, Connection, Listener, wait
from typing import Any

import torch
import torch.distributed as dist

from engine.core.config import ConfigError, RunConfig
from engine.core.events import Failed
from engine.core.summary import DistReport, RankStats, RunReport
from engine.core.values import msg

CONTINUE, DONE, STOP = 0, 1, 2
"""What a rank wants before a step: go on, the phase is over, the user asked to stop."""


class RankFailed(RuntimeError):
    """A rank failed; :attr:`failed` says which and why (the worker reports it as is)."""

    def __init__(self, failed: Failed) -> None:
        super().__init__(failed.message)
        self.failed = failed


# ---- the meter ---------------------------------------------------------------------


@dataclass
class _Bucket:
    nbytes: int
    start: Any  # host seconds (CPU) or a CUDA event
    end: Any = None


@dataclass
class AllReduceMeter:
    """Times every gradient bucket's all-reduce through a DDP communication hook.

    Per step it keeps the bytes all-reduced (the buckets' flattened gradients, the
    same bytes as the gradients DDP reduces), the time an all-reduce was in flight (the
    union of each bucket's interval from its launch, when its gradients were ready, to its
    completion) and the exposed part of it (after the last bucket's launch, when the
    backward pass had no more gradients to compute, until the last all-reduce completed).
    ``in flight − exposed`` overlapped with backward. On the CPU the interval edges are
    the host clock (gloo completes the future in its own thread); on a GPU they are CUDA
    events recorded on the stream at launch and in the future's callback (which runs in
    stream order after the NCCL kernel).

    Attributes:
        cuda: Time with CUDA events.
        method: How the time was taken, for the summary.
    """

    cuda: bool
    method: str = ""
    measuring: bool = False
    _step: list[_Bucket] = field(default_factory=list)
    _steps: list[list[_Bucket]] = field(default_factory=list)
    bytes_per_step: list[int] = field(default_factory=list)
    inflight_ms: list[float] = field(default_factory=list)
    exposed_ms: list[float] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.method = ("ddp_comm_hook_cuda_events" if self.cuda
                       else "ddp_comm_hook_host_clock")

    def _stamp(self) -> Any:
        if self.cuda:
            ev = torch.cuda.Event(enable_timing=True)
            ev.record()
            return ev
        return time.perf_counter()

    def hook(self, process_group: Any, bucket: Any) -> Any:
        """The DDP communication hook: the default all-reduce (mean), timed."""
        from torch.distributed.algorithms.ddp_comm_hooks import default_hooks

        buffer = bucket.buffer()
        record = _Bucket(buffer.numel() * buffer.element_size(), self._stamp())
        with self._lock:
            self._step.append(record)
        fut = default_hooks.allreduce_hook(process_group, bucket)

        def done(f: Any) -> Any:
            record.end = self._stamp()  # after the all-reduce (the future's stream order)
            return f.value()

        return fut.then(done)

    def next_step(self) -> None:
        """A new step begins: the last step's buckets are kept (measured phase only)."""
        with self._lock:
            step, self._step = self._step, []
        if self.measuring and step:
            self._steps.append(step)
        while len(self._steps) > 2:  # CUDA events two steps back have completed
            self._resolve(self._steps.pop(0))

    def finish(self) -> None:
        """Resolve every step kept (call after the measured phase, on an idle device)."""
        self.next_step()
        while self._steps:
            self._resolve(self._steps.pop(0))

    def _resolve(self, step: list[_Bucket]) -> None:
        if any(b.end is None for b in step):
            return  # a step cut short
        if self.cuda:
            step[-1].end.synchronize()  # sync point: events of a step two steps back
            ref = step[0].start
            spans = [(ref.elapsed_time(b.start) if b is not step[0] else 0.0,
                      ref.elapsed_time(b.end)) for b in step]
        else:
            t0 = step[0].start
            spans = [((b.start - t0) * 1000.0, (b.end - t0) * 1000.0) for b in step]
        last_launch = max(s for s, _ in spans)
        self.bytes_per_step.append(sum(b.nbytes for b in step))
        self.inflight_ms.append(_union_ms(spans))
        self.exposed_ms.append(_union_ms([(max(s, last_launch), e) for s, e in spans
                                          if e > last_launch]))


def _union_ms(spans: list[tuple[float, float]]) -> float:
    """Length of the union of ``[start, end]`` intervals (ms)."""
    total, cur_s, cur_e = 0.0, None, None
    for s, e in sorted(spans):
        if cur_e is None or s > cur_e:
            if cur_e is not None and cur_s is not None:
                total += cur_e - cur_s
            cur_s, cur_e = s, e
        else:
            cur_e = max(cur_e, e)
    if cur_e is not None and cur_s is not None:
        total += cur_e - cur_s
    return total


# ---- a rank ------------------------------------------------------------------------


class Rank:
    """This process's place in the process group, and what it changes in the run.

    Args:
        rank, local_rank, world_size, local_world_size: As torchrun names them.
    """

    def __init__(self, rank: int, local_rank: int, world_size: int,
                 local_world_size: int) -> None:
        self.rank = rank
        self.local_rank = local_rank
        self.world_size = world_size
        self.local_world_size = local_world_size
        self.nodes = max(1, world_size // max(1, local_world_size))
        self.backend = ""
        self.ctrl: Any = None
        self.meter: AllReduceMeter | None = None
        self.training = False

    @property
    def is_main(self) -> bool:
        """Rank 0: the one that reports."""
        return self.rank == 0

    def device(self, requested: str) -> torch.device:
        """This rank's device: ``cuda:LOCAL_RANK`` on GPUs, else the CPU.

        Raises:
            ConfigError: More ranks on this node than GPUs torch sees.
        """
        from engine.run.device import resolve_device

        if requested in ("cpu",) or (requested == "auto" and not torch.cuda.is_available()):
            cores = os.cpu_count() or 1
            torch.set_num_threads(max(1, cores // self.local_world_size))
            return torch.device("cpu")
        resolve_device("cuda")  # says why CUDA cannot be used
        count = torch.cuda.device_count()
        if self.local_world_size > count:
            raise ConfigError("nproc_per_node", msg("dist.too_many_ranks",
                                                    ranks=self.local_world_size, gpus=count))
        device = torch.device(f"cuda:{self.local_rank}")
        torch.cuda.set_device(device)
        return device

    def join(self, device: torch.device, training: bool) -> None:
        """Join the process group (env:// rendezvous) and make the control group."""
        self.training = training
        self.backend = "nccl" if device.type == "cuda" else "gloo"
        if not dist.is_initialized():
            kwargs: dict[str, Any] = {}
            if device.type == "cuda":
                kwargs["device_id"] = device
            dist.init_process_group(self.backend, rank=self.rank, world_size=self.world_size,
                                    **kwargs)
        self.ctrl = dist.new_group(backend="gloo") if self.backend != "gloo" else None

    def data_seed(self, seed: int) -> int:
        """This rank's data seed: every rank draws other samples (rank 0 keeps ``seed``)."""
        return seed + 1_000_003 * self.rank

    def wrap(self, runner: Any) -> None:
        """After the counting step: own data per rank; DDP around the model in training."""
        spec = runner.spec
        spec.generator.manual_seed(self.data_seed(runner.cfg.seed) + 2)
        if not self.training:
            return
        from torch.nn.parallel import DistributedDataParallel as DDP

        cuda = runner.device.type == "cuda"
        # Buffers are the same on every rank (same seed, same counted step); they must not
        # be synchronized in forward: rank 0 evaluates alone after the measured phase.
        no_sync: dict[str, Any] = ({"forward_sync_buffers": False}
                   if "forward_sync_buffers" in inspect.signature(DDP).parameters
                   else {"broadcast_buffers": False})  # torch before 2.14
        ddp = DDP(runner.module, device_ids=[runner.device.index] if cuda else None,
                  **no_sync)
        self.meter = AllReduceMeter(cuda=cuda)
        meter = self.meter
        # DDP checks the hook's annotations against dist.GradBucket; a lambda has none.
        ddp.register_comm_hook(None, lambda state, bucket: meter.hook(state, bucket))
        spec.module = ddp
        step = runner.step

        def counted_step(*args: Any, **kwargs: Any) -> Any:
            meter.next_step()
            return step(*args, **kwargs)

        runner.step = counted_step

    def unwrap(self, runner: Any) -> None:
        """The bare module again (held-out evaluation and saving run on rank 0 alone)."""
        runner.spec.module = runner.module

    def barrier(self) -> None:
        """Every rank reaches this point (outside the measured phase)."""
        dist.barrier(group=self.ctrl)

    def agree(self, wish: int) -> int:
        """Training: what every rank wants, the largest (STOP > DONE > CONTINUE).

        A one-integer all-reduce on the gloo group (no device synchronization), so every
        rank runs the same number of steps; inference replicas decide alone.
        """
        if not self.training:
            return wish
        flag = torch.tensor([wish], dtype=torch.int32)
        dist.all_reduce(flag, op=dist.ReduceOp.MAX, group=self.ctrl)
        return int(flag.item())

    def measuring(self, on: bool) -> None:
        """The measured phase begins (``True``) or ended (``False``)."""
        if self.meter is not None:
            if on:
                self.meter.next_step()  # warm-up's last buckets are not measured
            self.meter.measuring = on
            if not on:
                self.meter.finish()

    def stats(self, *, samples_per_s: float | None, step_ms_median: float | None,
              measured_steps: int, samples: int, peak_mem_bytes: int,
              device: str, device_name: str) -> RankStats:
        """This rank's numbers, to be gathered by rank 0."""
        m = self.meter
        return RankStats(
            rank=self.rank, host=socket.gethostname(), pid=os.getpid(), device=device,
            device_name=device_name, samples_per_s=samples_per_s,
            step_ms_median=step_ms_median, measured_steps=measured_steps, samples=samples,
            peak_mem_bytes=peak_mem_bytes,
            allreduce_bytes_per_step=(int(statistics.median(m.bytes_per_step))
                                      if m is not None and m.bytes_per_step
                                      else 0 if not self.training else None),
            allreduce_ms_per_step=(statistics.fmean(m.inflight_ms)
                                   if m is not None and m.inflight_ms
                                   else 0.0 if not self.training else None),
            allreduce_exposed_ms_per_step=(statistics.fmean(m.exposed_ms)
                                           if m is not None and m.exposed_ms
                                           else 0.0 if not self.training else None),
        )

    def gather(self, mine: RankStats) -> DistReport | None:
        """Rank 0: every rank's stats as a :class:`DistReport`; other ranks: ``None``."""
        out: list[Any] | None = [None] * self.world_size if self.is_main else None
        dist.gather_object(mine, out, dst=0, group=self.ctrl)
        if out is None:
            return None
        ranks = tuple(r for r in out if isinstance(r, RankStats))
        return DistReport(world_size=self.world_size, nodes=self.nodes, backend=self.backend,
                          ranks=ranks, training=self.training,
                          allreduce_method=self.meter.method if self.meter else "")

    def close(self) -> None:
        """Leave the process group (every path)."""
        if dist.is_available() and dist.is_initialized():
            with contextlib.suppress(Exception):
                dist.destroy_process_group()


def from_environment() -> Rank | None:
    """The rank torchrun's environment names, or ``None`` outside a multi-process job.

    torchrun sets ``RANK``, ``LOCAL_RANK``, ``WORLD_SIZE``, ``LOCAL_WORLD_SIZE``,
    ``MASTER_ADDR`` and ``MASTER_PORT`` for each worker it starts.
    """
    try:
        world = int(os.environ.get("WORLD_SIZE", "1"))
        if world <= 1 or "RANK" not in os.environ:
            return None
        return Rank(int(os.environ["RANK"]), int(os.environ.get("LOCAL_RANK", "0")), world,
                    int(os.environ.get("LOCAL_WORLD_SIZE", str(world))))
    except ValueError:
        return None


# ---- the launcher (in the run process) --------------------------------------------


def launch(cfg: RunConfig, emit: Callable[[Any], None],
           should_stop: Callable[[], bool]) -> RunReport | None:
    """Run ``cfg`` on ``cfg.nproc_per_node`` local ranks; rank 0's events go to ``emit``.

    Returns:
        Rank 0's report (``None``: stopped before the measured phase).

    Raises:
        RankFailed: A rank failed (out of memory, an exception, killed); the others were
            ended by the elastic agent.
    """
    from torch.distributed.elastic.multiprocessing.errors import ChildFailedError
    from torch.distributed.launcher.api import LaunchConfig, elastic_launch

    _check_gpus(cfg)  # before any rank starts

    key = secrets.token_bytes(32)
    listener = Listener(family="AF_UNIX", authkey=key)
    conns: list[Connection] = []
    accepting = threading.Event()
    accepting.set()

    def accept() -> None:
        while accepting.is_set():
            try:
                conns.append(listener.accept())
            except (OSError, EOFError, Exception):  # noqa: BLE001 - closed, or a bad client
                if not accepting.is_set():
                    return

    config = LaunchConfig(
        min_nodes=1, max_nodes=1, nproc_per_node=cfg.nproc_per_node,
        run_id=f"trainfer-{uuid.uuid4().hex[:12]}", rdzv_backend="c10d",
        rdzv_endpoint="127.0.0.1:0", max_restarts=0, monitor_interval=0.1,
        start_method="spawn",
    )
    outcome: dict[str, Any] = {}

    def run_agent() -> None:
        try:
            elastic_launch(config, _rank_main)(listener.address, key, cfg.to_dict())
        except BaseException as exc:  # noqa: BLE001 - reported below
            outcome["error"] = exc

    # Not the main thread: the elastic agent then leaves this process's signal handlers
    # alone (Ctrl-C and SIGTERM already mean "stop after the step" here). It warns that
    # its workers could be orphaned; ours end themselves with this process
    # (_end_with_parent), so the warning is said once here, not on every run.
    logging.getLogger("torch.distributed.elastic.multiprocessing.api").setLevel(logging.ERROR)
    agent = threading.Thread(target=run_agent, name="trainfer-elastic-agent", daemon=True)
    acceptor = threading.Thread(target=accept, name="trainfer-rank-accept", daemon=True)
    acceptor.start()
    agent.start()
    relay = _Relay(emit)
    try:
        while True:
            while conns:
                relay.add(conns.pop())
            if relay.stop_asked or should_stop():
                relay.stop()
            finished = not agent.is_alive()
            relay.read(timeout=0 if finished else 0.1)
            if finished and not relay.pending():
                break
            if not relay.conns:
                if not agent.is_alive():
                    break
                time.sleep(0.02)
    finally:
        accepting.clear()
        listener.close()
        relay.close()
        agent.join(timeout=30)
    error = outcome.get("error")
    cause = relay.cause()
    if cause is not None:
        raise RankFailed(cause)
    if error is not None:
        raise RankFailed(_agent_failure(error, ChildFailedError))
    if relay.report is None and not relay.stop_asked:
        raise RankFailed(Failed.of("crash", msg("dist.no_report")))
    return relay.report


SILENT_LEAD_S = 0.5
"""A rank whose connection closed without a word is taken as the cause over a failure
reported up to this many seconds later (the other ranks fail *because* it is gone)."""


def _check_gpus(cfg: RunConfig) -> None:
    """Refuse, before launching, ranks that would need more GPUs than torch sees.

    Raises:
        ConfigError: CUDA asked for and unusable, or fewer GPUs than ranks.
    """
    if cfg.device == "cpu" or (cfg.device == "auto" and not torch.cuda.is_available()):
        return
    from engine.run.device import resolve_device

    resolve_device("cuda")  # says why CUDA cannot be used
    count = torch.cuda.device_count()
    if cfg.nproc_per_node > count:
        raise ConfigError("nproc_per_node", msg("dist.too_many_ranks",
                                                ranks=cfg.nproc_per_node, gpus=count))


class _Relay:
    """The launcher's side of the ranks' connections: events in, Stop out, failures kept.

    Each rank says ``("hello", rank)`` when it connects and ``("bye",)`` before it ends
    normally; rank 0 sends ``("event", ev)`` and ``("report", report)``; any rank sends
    ``("failed", Failed)``. A connection that closes without a ``failed`` or ``bye``
    belongs to a rank that died without a word (killed).
    """

    def __init__(self, emit: Callable[[Any], None]) -> None:
        self.emit = emit
        self.conns: list[Any] = []
        self.rank_of: dict[int, int] = {}
        self.said: set[int] = set()
        self.causes: list[tuple[float, Failed]] = []
        self.report: RunReport | None = None
        self.stop_asked = False
        self._stopped: set[int] = set()

    def add(self, conn: Any) -> None:
        self.conns.append(conn)

    def stop(self) -> None:
        """Ask every connected rank to stop (each once)."""
        self.stop_asked = True
        for c in self.conns:
            if id(c) not in self._stopped:
                with contextlib.suppress(OSError):
                    c.send(("stop",))
                self._stopped.add(id(c))

    def pending(self) -> bool:
        return bool(self.conns) and bool(wait(list(self.conns), timeout=0))

    def read(self, timeout: float) -> None:
        for ready in wait(list(self.conns), timeout=timeout):
            conn: Any = ready
            try:
                item = conn.recv()
            except (EOFError, OSError):
                self.conns.remove(conn)
                if id(conn) not in self.said:  # died without a word
                    rank = self.rank_of.get(id(conn), -1)
                    self.causes.append((time.monotonic() - SILENT_LEAD_S, Failed.of(
                        "crash", msg("dist.rank_died", rank=rank, how=msg("dist.silent")),
                        msg("dist.rank_died.hint"))))
                continue
            kind = item[0]
            if kind == "hello":
                self.rank_of[id(conn)] = int(item[1])
            elif kind == "event":
                self.emit(item[1])
            elif kind == "report":
                self.report = item[1]
            elif kind == "failed":
                self.said.add(id(conn))
                self.causes.append((time.monotonic(), item[1]))
            elif kind == "bye":
                self.said.add(id(conn))

    def cause(self) -> Failed | None:
        """The first failure: a rank's own report, or a rank that died without a word."""
        return min(self.causes, key=lambda c: c[0])[1] if self.causes else None

    def close(self) -> None:
        for c in self.conns:
            c.close()


def _agent_failure(error: BaseException, child_failed: type) -> Failed:
    """A failure only the elastic agent saw (a rank that ended before it connected)."""
    if isinstance(error, child_failed):
        rank, failure = error.get_first_failure()  # type: ignore[attr-defined]
        code = int(getattr(failure, "exitcode", 1) or 1)
        how = (msg("dist.killed", signal=signal.Signals(-code).name)
               if code < 0 and -code in signal.Signals._value2member_map_
               else msg("dist.exit", code=code))
        return Failed.of("crash", msg("dist.rank_died", rank=rank, how=how),
                         msg("dist.rank_died.hint"))
    return Failed.of("error", msg("failed.error", error=f"{type(error).__name__}: {error}"),
                     msg("failed.error.hint"))


def _rank_main(address: Any, key: bytes, cfg_dict: dict[str, Any]) -> None:
    """One rank, started by the elastic agent: run the loop, report to the launcher."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches us as Stop, via the launcher
    termed: list[bool] = []
    signal.signal(signal.SIGTERM, lambda _s, _f: termed.append(True))
    _end_with_parent()
    conn = Client(address, authkey=key)
    stopped: list[bool] = []

    def should_stop() -> bool:
        with contextlib.suppress(OSError, EOFError):
            while not stopped and conn.poll(0):
                if conn.recv()[0] == "stop":
                    stopped.append(True)
        return bool(stopped or termed)

    def send(item: tuple[Any, ...]) -> None:
        with contextlib.suppress(OSError):
            conn.send(item)

    rank = from_environment()
    assert rank is not None, "the elastic agent sets RANK and WORLD_SIZE"
    send(("hello", rank.rank))
    cfg = None
    try:
        cfg = RunConfig.from_dict(cfg_dict)
        from engine.run.loop import execute

        emit = (lambda ev: send(("event", ev))) if rank.is_main else (lambda ev: None)
        report = execute(cfg, emit, should_stop, rank=rank)
        if rank.is_main and report is not None:
            send(("report", report))
        send(("bye",))
    except BaseException as exc:  # noqa: BLE001 - every failure is reported, then exits
        from engine.run.worker import classify

        send(("failed", of_rank(rank.rank, classify(exc, cfg))))
        conn.close()
        sys.stderr.flush()
        os._exit(1)  # the agent ends the other ranks
    finally:
        rank.close()
    conn.close()


def _end_with_parent(period_s: float = 0.5) -> None:
    """End this rank when the run process that launched it is gone.

    The run process may be killed after Stop's grace or by the out-of-memory killer; a
    rank must never be left running alone, possibly blocked in a collective that will
    never complete.
    """
    parent = os.getppid()

    def watch() -> None:
        while True:
            time.sleep(period_s)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch, name="trainfer-rank-parent-watch", daemon=True).start()


def of_rank(rank: int, failed: Failed) -> Failed:
    """``failed`` with the rank named in its message."""
    inner = failed.msg or msg("failed.error", error=failed.message)
    return Failed.of(failed.kind, msg("dist.rank_failed", rank=rank, what=inner),
                     failed.hint_msg, failed.field)
