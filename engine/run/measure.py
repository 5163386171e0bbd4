"""One-off measurements of a step: FLOPs and the memory breakdown.

FLOPs are counted once per run with ``torch.utils.flop_counter.FlopCounterMode`` on a
step run before warm-up (it counts matrix multiplies, convolutions and attention, forward
and backward; element-wise work and the optimizer update are not counted, as in the
usual MFU accounting of Chowdhery et al., "PaLM", 2022, appendix B).

The memory breakdown splits peak memory into parameters, gradients, optimizer state,
inputs, and activations plus workspace:
  * on a GPU, from the CUDA caching allocator: activations and workspace = peak
    allocated (``torch.cuda.max_memory_allocated``) minus the other parts;
  * on a CPU there is no allocator peak, so every part comes from tensor sizes, and
    activations are the bytes saved for backward (training, through
    ``torch.autograd.graph.saved_tensors_hooks``) or the largest single layer output
    (inference, a lower bound of the transient working set); what the peak resident-set
    growth holds beyond these tensors is reported as *other* (``Summary.mem_other_bytes``).

The method is named in ``Summary.mem_method``: ``cuda_allocator``, ``cpu_saved_tensors``
(training) or ``cpu_largest_output`` (inference).
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass
from typing import Any

import psutil
import torch
from torch.utils.flop_counter import FlopCounterMode, sdpa_backward_flop_count, sdpa_flop_count

from engine.core.summary import MemoryReport


def plain_parts(t: torch.Tensor) -> list[torch.Tensor]:
    """The plain tensors that hold ``t``'s data.

    ``[t]`` for a plain tensor; for a wrapper tensor subclass (torchao's ``Int8Tensor`` and
    ``Float8Tensor`` quantized weights) the tensors it names in ``__tensor_flatten__`` (its
    int8 or fp8 data, scales, zero points), recursively.

    A wrapper subclass has no storage of its own (``untyped_storage()`` raises) and reports
    the element size of the dtype it computes in, not of the bytes it holds.
    """
    if not hasattr(type(t), "__tensor_flatten__"):
        return [t]
    names, _ctx = t.__tensor_flatten__()  # type: ignore[attr-defined]
    parts: list[torch.Tensor] = []
    for name in names:
        inner = getattr(t, name, None)
        if isinstance(inner, torch.Tensor):
            parts += plain_parts(inner)
    return parts


def tensor_bytes(t: torch.Tensor) -> int:
    """Bytes of ``t``'s elements.

    Views are counted at their own size; a quantized wrapper tensor by what it holds (see
    :func:`plain_parts`), not by the dtype it computes in.
    """
    return sum(p.numel() * p.element_size() for p in plain_parts(t))


def storage_ptrs(t: torch.Tensor) -> set[int]:
    """Addresses of the storages holding ``t``'s data (empty for tensors without one)."""
    ptrs = set()
    for p in plain_parts(t):
        with contextlib.suppress(RuntimeError, NotImplementedError):  # no storage
            ptrs.add(p.untyped_storage().data_ptr())
    return ptrs


def _batch_bytes(batch: Any) -> int:
    if isinstance(batch, torch.Tensor):
        return tensor_bytes(batch)
    if isinstance(batch, (list, tuple)):
        return sum(_batch_bytes(b) for b in batch)
    return 0


@dataclass(frozen=True)
class StepCount:
    """What one counted step did.

    Attributes:
        flops: Floating-point operations of the step (a multiply-add is 2 FLOPs).
        saved_activation_bytes: Distinct tensors saved for backward, parameters excluded.
        largest_output_bytes: Largest output of any leaf module in the forward pass.
        input_bytes: Bytes of the step's batch (inputs and targets).
    """

    flops: int
    saved_activation_bytes: int
    largest_output_bytes: int
    input_bytes: int


def _cpu_flash_attention(query: Any, key: Any, value: Any, *_args: Any, **_kw: Any) -> int:
    """FLOPs of ``aten._scaled_dot_product_flash_attention_for_cpu`` (shapes in)."""
    return int(sdpa_flop_count(query, key, value))


def _cpu_flash_attention_backward(grad_out: Any, query: Any, key: Any, value: Any,
                                  *_args: Any, **_kw: Any) -> int:
    """FLOPs of its backward (shapes in)."""
    return int(sdpa_backward_flop_count(grad_out, query, key, value))


def _missing_formulas() -> dict[Any, Any]:
    """Attention kernels PyTorch's FLOP counter has no formula for, with their formulas.

    The formula is that of the same math (``torch.utils.flop_counter.sdpa_flop_count``,
    ``4·b·h·s_q·s_k·d`` forward, as for the fused GPU kernels; causal masking is not
    halved, as there). The CPU flash-attention kernel is what
    ``scaled_dot_product_attention`` runs on a CPU (ViT's and GPT-2's attention); without
    a formula ViT-B/16 read 4.1% low.
    """
    aten = torch.ops.aten
    table: dict[Any, Any] = {}
    for name, formula in (
        ("_scaled_dot_product_flash_attention_for_cpu", _cpu_flash_attention),
        ("_scaled_dot_product_flash_attention_for_cpu_backward",
         _cpu_flash_attention_backward),
    ):
        op = getattr(aten, name, None)
        if op is not None and op not in torch.utils.flop_counter.flop_registry:
            table[op] = formula
    return table


def flop_counter() -> FlopCounterMode:
    """PyTorch's FLOP counter with the attention formulas it misses (see above)."""
    return FlopCounterMode(display=False, custom_mapping=_missing_formulas())


def count_step(runner: Any) -> StepCount:
    """Run one step of ``runner`` (an :class:`engine.run.runner.ModelRunner`) while counting.

    The step is a real step (in training it updates the weights and creates the optimizer
    state), so it runs before warm-up and is never timed.
    """
    module: torch.nn.Module = runner.module
    param_ptrs: set[int] = set().union(*(storage_ptrs(p) for p in module.parameters()))
    saved: dict[int, int] = {}
    largest = [0]

    def pack(t: torch.Tensor) -> torch.Tensor:
        for part in plain_parts(t):
            try:
                ptr = part.untyped_storage().data_ptr()
                nbytes = part.untyped_storage().nbytes()
            except (RuntimeError, NotImplementedError):  # tensors without storage
                continue
            if ptr not in param_ptrs:
                saved[ptr] = max(saved.get(ptr, 0), nbytes)
        return t

    def on_output(_mod: torch.nn.Module, _inp: Any, out: Any) -> None:
        if isinstance(out, torch.Tensor):
            largest[0] = max(largest[0], tensor_bytes(out))

    leaves = [m for m in module.modules() if not list(m.children())]
    hooks = [m.register_forward_hook(on_output) for m in leaves]
    batch = runner.spec.make_batch()
    # nn.MultiheadAttention's inference fast path is one fused op the counter cannot see
    # into (ViT inference would count a third too few FLOPs); count the same math unfused.
    mha = getattr(torch.backends, "mha", None)
    fastpath = mha.get_fastpath_enabled() if mha is not None else None
    try:
        if mha is not None:
            mha.set_fastpath_enabled(False)
        with flop_counter() as counter, torch.autograd.graph.saved_tensors_hooks(
            pack, lambda t: t
        ):
            runner.step(batch)
    finally:
        if mha is not None:
            mha.set_fastpath_enabled(fastpath)
        for h in hooks:
            h.remove()
    if runner.device.type == "cuda":
        torch.cuda.synchronize(runner.device)  # sync point: the counted step has finished
    return StepCount(
        flops=int(counter.get_total_flops()),
        saved_activation_bytes=sum(saved.values()),
        largest_output_bytes=largest[0],
        input_bytes=_batch_bytes(batch),
    )


def optimizer_state_bytes(optimizer: torch.optim.Optimizer | None) -> int:
    """Bytes of the optimizer's per-parameter state (0-d ``step`` counters excluded)."""
    if optimizer is None:
        return 0
    return sum(
        tensor_bytes(v)
        for state in optimizer.state.values()
        for v in state.values()
        if isinstance(v, torch.Tensor) and v.dim() > 0
    )


def gradient_bytes(module: torch.nn.Module) -> int:
    """Bytes of the gradients currently held by ``module``'s parameters."""
    return sum(tensor_bytes(p.grad) for p in module.parameters() if p.grad is not None)


def weight_bytes(module: torch.nn.Module) -> int:
    """Bytes of a module's weights.

    Its parameters, plus the packed int8 weights (and biases) of dynamically quantized
    layers, which are not parameters.
    """
    total = sum(tensor_bytes(p) for p in module.parameters())
    for m in module.modules():
        weight: Any = getattr(m, "weight", None)
        if callable(weight) and not isinstance(weight, torch.Tensor):  # quantized Linear
            total += tensor_bytes(weight())
            bias_fn: Any = getattr(m, "bias", None)
            bias = bias_fn() if callable(bias_fn) else None
            total += tensor_bytes(bias) if isinstance(bias, torch.Tensor) else 0
    return total


def breakdown(runner: Any, count: StepCount, peak_bytes: int) -> MemoryReport:
    """The breakdown after the measured phase (gradients and optimizer state exist).

    Args:
        runner: The :class:`engine.run.runner.ModelRunner`.
        count: The counted step (:func:`count_step`).
        peak_bytes: The measured phase's peak: the CUDA allocator's peak allocated on a
            GPU, the growth of the resident set's high-water mark on a CPU.
    """
    params = weight_bytes(runner.module)
    grads = gradient_bytes(runner.module) if runner.training else 0
    opt = optimizer_state_bytes(runner.optimizer)
    if runner.device.type == "cuda":
        rest = params + grads + opt + count.input_bytes
        return MemoryReport(
            peak_bytes, "cuda_max_allocated", params, grads, opt, count.input_bytes,
            max(0, peak_bytes - rest), torch.cuda.max_memory_reserved(runner.device),
            "cuda_allocator")
    if runner.training:
        acts, method = count.saved_activation_bytes, "cpu_saved_tensors"
    else:
        acts, method = count.largest_output_bytes, "cpu_largest_output"
    return MemoryReport(peak_bytes, "process_rss_growth", params, grads, opt, count.input_bytes,
                        acts, None, method)


class RssPeak:
    """The high-water mark of this process's resident set since :meth:`reset` (bytes).

    On Linux the kernel keeps it (``VmHWM`` in ``/proc/self/status``; writing ``5`` to
    ``/proc/self/clear_refs`` resets it to the current resident set, see proc(5)), so a
    tensor that lives only inside a step (GPT-2's logits) is counted. Elsewhere, or when
    the reset is refused, the resident set is polled after every step (:meth:`poll`),
    which misses such transients; :attr:`exact` says which.
    """

    def __init__(self) -> None:
        self._proc = psutil.Process()
        self._polled = 0
        self.exact = False

    def reset(self) -> None:
        """Start a new high-water mark from the current resident set."""
        try:
            with open("/proc/self/clear_refs", "w") as f:
                f.write("5")
            self.exact = _vm_hwm() is not None
        except OSError:
            self.exact = False
        self._polled = self._proc.memory_info().rss

    def poll(self) -> None:
        """Read the resident set now (the fallback's only view of the peak)."""
        if not self.exact:
            self._polled = max(self._polled, self._proc.memory_info().rss)

    def peak(self) -> int:
        """The highest resident set since :meth:`reset` (bytes)."""
        now = self._proc.memory_info().rss
        hwm = _vm_hwm() if self.exact else None
        return max(self._polled, now, hwm or 0)


def _vm_hwm() -> int | None:
    """``VmHWM`` of ``/proc/self/status`` in bytes, or ``None`` where there is none."""
    try:
        with open("/proc/self/status") as f:
            m = re.search(r"^VmHWM:\s+(\d+)\s+kB", f.read(), re.MULTILINE)
    except OSError:
        return None
    return int(m.group(1)) * 1024 if m else None
