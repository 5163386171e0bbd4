"""FLOPs, the memory breakdown, the step-time split and MFU."""

import pytest
import torch
from summaries import run_here as execute

from engine.core.config import RunConfig
from engine.run.peaks import peak_tflops


def run(**kw):
    cfg = RunConfig(**{"device": "cpu", "batch_size": 16, "steps": 3, "warmup_steps": 1, **kw})
    return execute(cfg, lambda e: None, lambda: False)


def mlp_matmul_flops(batch, training):
    """2 FLOPs per multiply-add: forward 2·B·ΣW; backward adds 2·B·ΣW for the weight
    gradients and 2·B·W for the input gradients of every layer but the first."""
    layers = [(784, 2048), (2048, 2048), (2048, 10)]
    fwd = sum(2 * batch * i * o for i, o in layers)
    if not training:
        return fwd
    grad_w = fwd
    grad_x = sum(2 * batch * i * o for i, o in layers[1:])
    return fwd + grad_w + grad_x


@pytest.mark.parametrize("mode", ["train", "infer"])
def test_mlp_flops_match_the_analytic_count(mode):
    s = run(model="mlp", mode=mode)
    assert s.flops_per_step == mlp_matmul_flops(16, mode == "train")
    assert s.tflops_per_s == pytest.approx(
        s.flops_per_step / 16 * s.samples_per_s / 1e12, rel=1e-9)
    assert s.mfu_pct is None  # no MFU on a CPU (no peak table entry)


def test_adamw_fp32_training_memory_identities():
    s = run(model="mlp", mode="train", optimizer="adamw")
    assert s.mem_params_bytes == s.param_bytes
    assert s.mem_grads_bytes == s.mem_params_bytes  # one gradient per parameter
    assert s.mem_optimizer_bytes == 2 * s.mem_params_bytes  # exp_avg and exp_avg_sq
    assert s.mem_inputs_bytes == 16 * 784 * 4 + 16 * 8  # float32 inputs, int64 labels
    assert s.mem_activations_bytes > 0 and s.mem_method == "cpu_saved_tensors"


def test_sgd_momentum_state_is_one_copy():
    s = run(model="mlp", mode="train", optimizer="sgd")
    assert s.mem_optimizer_bytes == s.mem_params_bytes


def test_inference_has_no_gradients_or_optimizer_state():
    s = run(model="resnet18", mode="infer", input_size=32)
    assert s.mem_grads_bytes == 0 and s.mem_optimizer_bytes == 0
    assert s.mem_activations_bytes > 0 and s.mem_method == "cpu_largest_output"


PEAK_CHECK = """
import json, torch
from engine.core.config import RunConfig
from engine.core.summary import summarize
from engine.run.loop import execute
from engine.run.measure import RssPeak

peak = RssPeak()
peak.reset()
before = peak.peak()
block = torch.ones(64 << 20, dtype=torch.uint8)  # 64 MiB, touched, then freed
del block
grown = peak.peak() - before
s = summarize(execute(RunConfig(model="gpt2-tiny", mode="infer", device="cpu", batch_size=4,
                      input_size=64, steps=2, warmup_steps=1), lambda e: None, lambda: False))
print(json.dumps({"exact": peak.exact, "grown": grown, "summary": s.to_dict()}))
"""


def test_the_cpu_peak_sees_tensors_that_live_only_inside_a_step():
    # In a fresh process, as every run has one: a heap that earlier tests left full of
    # freed, still-resident memory would hide the growth.
    import json
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-c", PEAK_CHECK], capture_output=True, text=True,
                         timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    got = json.loads(out.stdout.strip().splitlines()[-1])
    if not got["exact"]:
        pytest.skip("no resettable VmHWM here (not Linux)")
    assert got["grown"] >= 60 << 20  # polling after the fact would miss it
    # GPT-2's logits ([batch, tokens, 50,257] floats) exist only inside a step: the
    # peak holds them, so the tensors never add up to more than the peak
    s = got["summary"]
    parts = (s["mem_params_bytes"] + s["mem_grads_bytes"] + s["mem_optimizer_bytes"]
             + s["mem_inputs_bytes"] + s["mem_activations_bytes"])
    assert s["mem_activations_bytes"] >= 4 * 64 * 50_257 * 4  # the logits
    assert s["peak_mem_bytes"] >= parts
    assert s["mem_other_bytes"] == s["peak_mem_bytes"] - parts


def test_training_split_adds_up_to_the_step():
    from engine.claims.compare import build
    from engine.core.format import text
    from engine.core.values import millis

    s = run(model="mlp", mode="train", steps=5)
    parts = s.forward_ms_median + s.backward_ms_median + s.optimizer_ms_median
    assert parts == pytest.approx(s.step_ms_median, rel=0.5)  # medians: roughly
    split = s.step_split()  # means: exactly, so the row's "a + b + c = step" adds up
    assert split.statistic == "mean"
    assert split.forward_ms + split.backward_ms + split.optimizer_ms == pytest.approx(
        s.step_ms_mean, rel=1e-9)
    assert split.step_ms == pytest.approx(s.step_ms_mean, rel=1e-9)
    assert all(x > 0 for x in (s.forward_ms_median, s.backward_ms_median,
                               s.optimizer_ms_median))
    i = run(model="mlp", mode="infer")
    assert i.forward_ms_median == pytest.approx(i.step_ms_median, rel=0.5)
    assert i.backward_ms_median is None and i.optimizer_ms_median is None
    assert i.step_split() is None
    verdict = {r.id: r for r in build(s, i).rows}["key_operations"].verdict.text
    assert f"of {text(millis(split.step_ms))}, means" in verdict


def test_training_saves_more_activations_than_inference_holds():
    t = run(model="resnet18", mode="train", input_size=32)
    i = run(model="resnet18", mode="infer", input_size=32)
    assert t.mem_activations_bytes > i.mem_activations_bytes


def test_peak_table():
    assert peak_tflops("NVIDIA H200", "bf16") == 989.5
    assert peak_tflops("NVIDIA H100 80GB HBM3", "fp32") == 67.0
    assert peak_tflops("NVIDIA A100-SXM4-80GB", "tf32") == 156.0
    assert peak_tflops("NVIDIA H100 PCIe", "bf16") == 756.5
    assert peak_tflops("Tesla V100-SXM2-16GB", "bf16") is None  # no bf16 on Volta
    assert peak_tflops("NVIDIA GeForce GTX 1080", "fp32") is None  # unknown: no guess
    assert peak_tflops("NVIDIA L40S", "bf16") == 362.05  # the datasheet's dense figure
    assert peak_tflops("NVIDIA L40", "bf16") == 181.05 and peak_tflops("NVIDIA L4", "tf32") == 60
    assert peak_tflops("Tesla V100-PCIE-32GB", "fp16") == 112.0
    assert peak_tflops("Tesla V100S-PCIE-32GB", "fp16") == 130.0
    assert peak_tflops("Tesla V100-SXM2-16GB", "fp16") == 125.0
    assert peak_tflops("Tesla V100-FHHL-16GB", "fp16") is None  # not told apart by name
    assert peak_tflops("NVIDIA GeForce RTX 4090 D", "bf16") == 147.1
    assert peak_tflops("NVIDIA GeForce RTX 4090", "bf16") == 165.2
    assert peak_tflops("NVIDIA H20", "bf16") == 148.0
    assert peak_tflops("NVIDIA B200", "bf16") == 2250.0
    assert peak_tflops("NVIDIA B200", "fp32") is None  # no per-GPU FP32 figure printed
    assert peak_tflops("NVIDIA RTX 6000 Ada Generation", "bf16") == 364.2


def test_the_summary_states_both_clocks():
    """samples/s counts the measured phase's wall time; step times only the steps."""
    from summaries import run_report

    from engine.core.summary import summarize

    tight = summarize(run_report(device="cpu", steps=10, measure=(0.0, 1.0)))
    assert tight.step_time_share == pytest.approx(1.0)  # ten 100 ms steps fill 1 s
    loose = summarize(run_report(device="cpu", steps=10, measure=(0.0, 1.25)))
    assert loose.step_time_share == pytest.approx(0.8)  # 0.25 s went between steps
    assert loose.samples_per_s == pytest.approx(2560 / 1.25)  # the wall clock
    from engine.cli.report import summary_text

    assert "steps took 80% of the measured wall time" in summary_text(loose)


class Packed(torch.Tensor):
    """A quantized weight as torchao stores one (``Int8Tensor``, ``Float8Tensor``): a wrapper
    tensor subclass with no storage of its own that holds int8 data and a scale, computes in
    fp32, and implements only the ops it needs (here: detach)."""

    @staticmethod
    def __new__(cls, qdata: torch.Tensor, scale: torch.Tensor):
        return torch.Tensor._make_wrapper_subclass(cls, qdata.shape, dtype=torch.float32,
                                                   device=qdata.device)

    def __init__(self, qdata: torch.Tensor, scale: torch.Tensor):
        self.qdata, self.scale = qdata, scale

    def __tensor_flatten__(self):
        return ["qdata", "scale"], None

    @classmethod
    def __torch_dispatch__(cls, func, types, args=(), kwargs=None):
        if func is torch.ops.aten.detach.default:
            return Packed(args[0].qdata, args[0].scale)
        raise NotImplementedError(f"Packed does not implement {func}")


def packed_linear() -> torch.nn.Linear:
    layer = torch.nn.Linear(64, 32, bias=False)
    weight = Packed(torch.ones(32, 64, dtype=torch.int8), torch.full((32, 1), 0.5))
    layer.weight = torch.nn.Parameter(weight, requires_grad=False)
    return layer


def test_a_quantized_weight_counts_the_bytes_it_holds_not_its_compute_dtype():
    from engine.run.measure import plain_parts, storage_ptrs, tensor_bytes, weight_bytes

    layer = packed_linear()
    w = layer.weight
    assert [p.dtype for p in plain_parts(w)] == [torch.int8, torch.float32]
    assert tensor_bytes(w) == 32 * 64 * 1 + 32 * 4  # not 32 * 64 * 4 (its fp32 compute dtype)
    assert weight_bytes(layer) == tensor_bytes(w)
    assert storage_ptrs(w) == {w.qdata.untyped_storage().data_ptr(),
                               w.scale.untyped_storage().data_ptr()}
    plain = torch.ones(3)
    assert plain_parts(plain) == [plain] and tensor_bytes(plain) == 12


def test_the_weights_checksum_reads_a_quantized_weight_through_what_it_holds():
    # torchao's weights implement neither sum nor storage access: the H200 run of the
    # quantization experiment failed on both before these helpers (2026-12-04)
    from engine.run.objective import param_checksum

    total, squares = param_checksum(packed_linear())
    assert total == 32 * 64 + 32 * 0.5 and squares == 32 * 64 + 32 * 0.25
