"""Each experiment's verdict follows its cases' numbers (synthetic H200-like summaries)."""

from summaries import summary

from engine.claims.experiment_verdicts import VERDICTS
from engine.claims.experiments import EXPERIMENTS, CaseResult
from engine.claims.verdicts import CONFIRMED, NOT_CONFIRMED, NOT_MEASURABLE
from engine.core.values import msg


def case(label, mode, **kw):
    return CaseResult(label, mode, "ok", summary(mode, **kw))


def missing(label, mode, status="not_available"):
    return CaseResult(label, mode, status, reason=msg("device.cudagraphs_gpu_only"))


def test_every_experiment_has_a_verdict():
    assert set(VERDICTS) == set(EXPERIMENTS)
    for name, verdict in VERDICTS.items():
        v = verdict([])
        assert v.status == NOT_MEASURABLE and "did not run" in v.text, name


def test_train_vs_infer_counts_the_rows():
    v = VERDICTS["train-vs-infer"]([case("training", "train"), case("inference", "infer")])
    # no FLOP count or step split in these summaries: those rows are not measured, so the
    # experiment as a whole is not "confirmed" (a headline never rounds up)
    assert "3 of 8 rows confirmed" in v.text and v.status == NOT_MEASURABLE
    cpu = VERDICTS["train-vs-infer"]([
        case("training", "train", device="cpu", energy_j=None, mean_power_w=None,
             mean_gpu_util_pct=None, energy_per_sample_j=None),
        case("inference", "infer", device="cpu", energy_j=None, mean_power_w=None,
             mean_gpu_util_pct=None, energy_per_sample_j=None)])
    assert "not measured by this pair:" in cpu.text and "Energy" in cpu.text


def test_precision_needs_both_speed_and_memory():
    fp32 = case("fp32 train", "train", precision="fp32", samples_per_s=1500.0,
                peak_mem_bytes=20 << 30)
    bf16 = case("bf16 train", "train", precision="bf16", samples_per_s=4700.0,
                peak_mem_bytes=11 << 30)
    v = VERDICTS["precision"]([fp32, bf16, missing("fp16 train", "train")])
    assert v.status == CONFIRMED and v.factor > 3 and "bf16 training ran at" in v.text
    same_memory = case("bf16 train", "train", precision="bf16", samples_per_s=4700.0,
                       peak_mem_bytes=20 << 30)
    v = VERDICTS["precision"]([fp32, same_memory])
    assert v.status == NOT_CONFIRMED and "not smaller by 5% or more" in v.text
    slow_cpu = case("bf16 train", "train", precision="bf16", samples_per_s=700.0,
                    peak_mem_bytes=11 << 30, device="cpu")
    v = VERDICTS["precision"]([fp32, slow_cpu])
    assert v.status == NOT_CONFIRMED and "not faster" in v.text and "CPU" in v.text


def test_batch_sweep_latency_against_throughput():
    infer = [case(f"batch {b} infer", "infer", batch_size=b, step_ms_median=ms,
                  samples_per_s=1000.0 * b / ms)
             for b, ms in ((1, 2.0), (8, 2.2), (256, 16.4))]
    v = VERDICTS["batch-sweep"](infer + [case("batch 1 train", "train", batch_size=1)])
    assert v.status == CONFIRMED and v.factor == 16.4 / 2.0
    assert "batch 1 answered in 2.00 ms, batch 256 in 16.4 ms" in v.text
    flat = [case("batch 1 infer", "infer", batch_size=1, step_ms_median=2.0),
            case("batch 8 infer", "infer", batch_size=8, step_ms_median=2.0)]
    assert VERDICTS["batch-sweep"](flat).status == NOT_CONFIRMED


def test_memory_identities():
    train = case("train", "train", mem_params_bytes=100, mem_grads_bytes=100,
                 mem_optimizer_bytes=200, mem_activations_bytes=900)
    infer = case("infer", "infer", mem_params_bytes=100, mem_grads_bytes=0,
                 mem_optimizer_bytes=0, mem_activations_bytes=50)
    v = VERDICTS["memory"]([train, infer])
    assert v.status == CONFIRMED and "gradients and optimizer state 300 B" in v.text
    leaky = case("infer", "infer", mem_params_bytes=100, mem_grads_bytes=100,
                 mem_optimizer_bytes=0, mem_activations_bytes=50)
    v = VERDICTS["memory"]([train, leaky])
    assert v.status == NOT_CONFIRMED and "inference held gradients" in v.text


def test_data_flow_workers_against_none():
    cases = [case("on-device tensors", "train", samples_per_s=4700.0),
             case("DataLoader, 0 workers", "train", samples_per_s=1200.0),
             case("DataLoader, 8 workers, pinned memory", "train", samples_per_s=4500.0)]
    v = VERDICTS["data-flow"](cases)
    assert v.status == CONFIRMED and "26% of the on-device throughput" in v.text
    cases[2] = case("DataLoader, 1 worker", "train", samples_per_s=1190.0, device="cpu")
    v = VERDICTS["data-flow"](cases)
    assert v.status == NOT_CONFIRMED


def test_kernels_and_quantization_and_generation():
    eager = case("eager", "infer", step_ms_median=4.0, kernels="eager")
    graphs = case("CUDA graphs", "infer", step_ms_median=1.5, kernels="cudagraphs")
    v = VERDICTS["kernels"]([eager, missing("torch.compile", "infer"), graphs])
    assert v.status == CONFIRMED and "CUDA graphs 1.50 ms vs eager 4.00 ms" in v.text
    slower = case("torch.compile", "infer", step_ms_median=15.0, kernels="compile")
    assert VERDICTS["kernels"]([eager, slower]).status == NOT_CONFIRMED

    fp32 = case("fp32", "infer", samples_per_s=20.0, mem_params_bytes=400)
    int8 = case("int8", "infer", samples_per_s=37.0, mem_params_bytes=165, quantize="int8",
                top1_agreement=1.0)
    v = VERDICTS["quantization"]([fp32, int8, missing("fp8", "infer")])
    assert v.status == CONFIRMED and "top-1 unchanged for 100%" in v.text
    slow = case("int8", "infer", samples_per_s=10.0, mem_params_bytes=165, quantize="int8")
    assert VERDICTS["quantization"]([fp32, slow]).status == NOT_CONFIRMED

    gen = [case(f"generate batch {b}", "infer", batch_size=b, generated_tokens=32,
                ttft_ms_median=ms, decode_tokens_per_s=tps)
           for b, ms, tps in ((1, 12.0, 300.0), (8, 30.0, 2000.0))]
    v = VERDICTS["generation"]([case("training", "train"), *gen])
    assert v.status == CONFIRMED and "first token after 12.0 ms at batch 1" in v.text


def test_quantization_is_weighed_against_the_precision_it_computes_in():
    # ViT-B/16 at batch 128 on the H200 (docs/benchmarks.md, 2026-12-04): fp8 computes in
    # bf16 and ran slower than unquantized bf16; int8 weights with fp32 activations beat fp32
    fp32 = case("fp32", "infer", precision="fp32", samples_per_s=1213.0,
                mem_params_bytes=346 << 20)
    bf16 = case("bf16", "infer", precision="bf16", samples_per_s=6312.0,
                mem_params_bytes=346 << 20)
    int8 = case("int8", "infer", precision="fp32", samples_per_s=3529.0, quantize="int8",
                mem_params_bytes=174 << 20, top1_agreement=0.98)
    fp8 = case("fp8", "infer", precision="bf16", samples_per_s=5520.0, quantize="fp8",
               mem_params_bytes=116 << 20, top1_agreement=0.91)
    v = VERDICTS["quantization"]([fp32, bf16, int8, fp8])
    assert v.status == CONFIRMED and v.factor is not None and 2.9 < v.factor < 2.92
    assert "int8 3,529 images/s vs unquantized fp32 1,213 images/s" in v.text
    assert "unquantized bf16 ran faster still: 6,312 images/s" in v.text
    # fp8 alone is judged against bf16, never against fp32's slower 1,213 images/s
    v = VERDICTS["quantization"]([fp32, bf16, fp8])
    assert v.status == NOT_CONFIRMED and "vs unquantized bf16 6,312 images/s (0.87×)" in v.text
    # without the unquantized run of its own precision, a quantized run is not judged
    assert VERDICTS["quantization"]([fp32, fp8]).status == NOT_MEASURABLE
