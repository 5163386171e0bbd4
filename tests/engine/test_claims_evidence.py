"""Each claim is confirmed only by the comparison that tests it (synthetic H200 summaries).

Numbers are DESIGN.md's ResNet-50 reference on an H200 (batch 256, bf16) unless said;
the batch-1 inference is its 3.81 ms, 32% NVML utilization, 0.537 J/image.
"""

import dataclasses

import pytest
from summaries import cpu_summary, h200_pair, summary

from engine.claims.compare import build, headline
from engine.claims.completion import completed, counted, plan_completion
from engine.claims.evidence import Evidence, differences, need
from engine.claims.experiments import CaseResult
from engine.claims.verdicts import CONFIRMED, NOT_CONFIRMED, NOT_MEASURABLE, RESPONSE_LIMIT_MS
from engine.core.format import text

GIB = 2**30


pair = h200_pair


def judged(train, infer, *runs):
    cmp = build(train, infer, Evidence(tuple(runs)))
    return ({r.id: r.verdict for r in cmp.rows} | {c.claim.id: c.verdict for c in cmp.claims}), cmp


def fp32_training(**kw):
    fields = dict(precision="fp32", samples_per_s=1500.0, peak_mem_bytes=int(20 * GIB))
    fields.update(kw)
    return summary("train", **fields)


def batch1(**kw):
    fields = dict(batch_size=1, samples_per_s=263.0, step_ms_median=3.81, step_ms_p95=4.1,
                  step_ms_p99=4.6, peak_mem_bytes=int(0.41 * GIB), energy_per_sample_j=0.537,
                  mean_power_w=149.0, mean_gpu_util_pct=32.0, mean_sm_activity_pct=6.0)
    fields.update(kw)
    return summary("infer", **fields)


def int8(**kw):
    fields = dict(quantize="int8", step_ms_median=9.0, samples_per_s=28_400.0,
                  energy_per_sample_j=0.025, mem_params_bytes=26_000_000)
    fields.update(kw)
    return summary("infer", **fields)


# ---- mixed precision ----------------------------------------------------------------


def test_tensor_core_activity_alone_confirms_no_mixed_precision_claim():
    v, _ = judged(*pair())  # bf16 training with Tensor Cores busy, no fp32 run beside it
    assert v["mixed_precision"].status == NOT_MEASURABLE
    assert [n.key for n in v["mixed_precision"].needs] == ["fp32 train"]
    assert "needs training with fp32" in v["mixed_precision"].text
    assert v["specific_optimizations"].status == NOT_MEASURABLE


def test_mixed_precision_is_confirmed_by_fp32_against_bf16_in_speed_and_memory():
    v, _ = judged(*pair(), fp32_training())
    mixed = v["mixed_precision"]
    assert mixed.status == CONFIRMED and mixed.factor == pytest.approx(4735 / 1500)
    assert "bf16 training ran at 4,735 images/s vs fp32 1,500 images/s" in mixed.text
    assert "Tensor Cores active 14% of the time (context, not evidence)" in mixed.text


def test_mixed_precision_faster_but_not_smaller_is_not_confirmed():
    v, _ = judged(*pair(), fp32_training(peak_mem_bytes=int(11.2 * GIB)))
    assert v["mixed_precision"].status == NOT_CONFIRMED
    assert "not smaller by 5% or more" in v["mixed_precision"].text


def test_a_run_with_other_settings_is_no_evidence():
    other_batch = fp32_training(batch_size=128)
    v, _ = judged(*pair(), other_batch)
    assert v["mixed_precision"].status == NOT_MEASURABLE  # batch 128 does not test batch 256


# ---- inference optimizations --------------------------------------------------------


def test_speed_and_efficiency_needs_int8_and_batch_1_beside_the_pair():
    v, _ = judged(*pair())
    se = v["speed_efficiency"]
    assert se.status == NOT_MEASURABLE
    assert {n.key for n in se.needs} == {"int8 infer", "batch 1 infer"}


def test_int8_and_batch_1_confirm_speed_and_efficiency():
    v, _ = judged(*pair(), int8(), batch1())
    se = v["speed_efficiency"]
    assert se.status == CONFIRMED, se.text
    assert "int8 took 9.00 ms per step vs 16.4 ms unquantized at batch 256" in se.text
    assert "1.72× less energy per sample" in se.text
    assert "batch 1 answered in 3.81 ms vs 16.4 ms at batch 256 (4.30× sooner)" in se.text
    assert "537 mJ/image vs 43.0 mJ/image" in se.text  # batch 1 costs more per image


def test_slower_int8_is_not_confirmed():
    v, _ = judged(*pair(), int8(step_ms_median=20.0), batch1())
    assert v["speed_efficiency"].status == NOT_CONFIRMED
    assert "quantization: not confirmed here" in v["speed_efficiency"].text


def test_without_energy_quantization_efficiency_is_the_weights_memory():
    cpu = dict(energy_per_sample_j=None, energy_j=None)
    v, _ = judged(*pair(**cpu), int8(**cpu), batch1(**cpu),)
    assert "weights 3.93× smaller" in v["speed_efficiency"].text
    assert "energy not measured here" in v["speed_efficiency"].text


# ---- latency ------------------------------------------------------------------------


def test_latency_needs_a_batch_1_request_not_a_faster_large_batch():
    v, _ = judged(*pair())
    assert v["latency"].status == NOT_MEASURABLE  # 16.4 ms at batch 256 is no evidence
    assert [n.key for n in v["latency"].needs] == ["batch 1 infer"]


def test_batch_1_latency_within_the_response_limit_confirms():
    v, _ = judged(*pair(), batch1())
    lat = v["latency"]
    assert lat.status == CONFIRMED
    assert "one request at batch 1 took 3.81 ms (median), 4.60 ms (p99)" in lat.text
    assert "a training step took 54.1 ms at batch 256" in lat.text
    slow = batch1(step_ms_median=180.0, step_ms_p99=240.0)
    v, _ = judged(*pair(), slow)
    assert v["latency"].status == NOT_CONFIRMED and "slower than the 100 ms" in v["latency"].text
    assert RESPONSE_LIMIT_MS == 100.0


# ---- GPU utilization: each half on its own words ------------------------------------


def test_gpu_utilization_halves():
    v, _ = judged(*pair())
    gpu = v["gpu_utilization"]
    assert gpu.status == NOT_MEASURABLE and "partly measured" in gpu.text
    v, _ = judged(*pair(), batch1())
    assert v["gpu_utilization"].status == CONFIRMED
    busy = batch1(mean_gpu_util_pct=99.0, mean_sm_activity_pct=90.0)
    v, _ = judged(*pair(), busy)
    assert v["gpu_utilization"].status == NOT_CONFIRMED
    assert "inference: not confirmed here" in v["gpu_utilization"].text


# ---- data flow ----------------------------------------------------------------------


def test_data_flow_needs_dataloader_runs_and_batch_1():
    v, _ = judged(*pair())
    keys = {n.key for n in v["data_flow"].needs}
    assert "loader 0 train" in keys and "batch 1 infer" in keys
    assert any(k.startswith("loader ") and k.endswith(" pinned train") for k in keys)


def test_workers_feeding_faster_confirm_the_training_half():
    from engine.claims.evidence import loader_workers

    n = loader_workers()
    serial = summary("train", loader_workers=0, samples_per_s=2100.0)
    workers = summary("train", loader_workers=n, pin_memory=True, samples_per_s=4600.0)
    v, _ = judged(*pair(), serial, workers, batch1())
    assert v["data_flow"].status == CONFIRMED, v["data_flow"].text
    assert "fed 4,600 images/s vs 2,100 images/s loading in the training loop" in (
        v["data_flow"].text)


# ---- comparable pairs ---------------------------------------------------------------


def test_an_incomparable_pair_is_marked_not_comparable():
    gpu_train = summary("train")
    cpu_infer = summary("infer", device="cpu", batch_size=16, mean_gpu_util_pct=None,
                        energy_per_sample_j=None)
    assert differences(gpu_train, cpu_infer) == ["device", "batch_size"]
    v, cmp = judged(gpu_train, cpu_infer)
    assert not cmp.comparable
    memory = v["memory_use"]
    assert memory.status == NOT_MEASURABLE
    assert ("not comparable: the runs differ in device (cuda:0 vs cpu); batch size (256 vs 16)"
            in memory.text)
    row = next(r for r in cmp.rows if r.id == "memory_use")
    assert row.ratio is None and "not comparable" in text(row.ratio_msg)
    assert "not comparable" in text(headline(cmp))
    assert v["objective"].status == CONFIRMED  # about each run alone: still judged


def test_flops_per_sample_may_differ_in_batch_but_not_in_input_size():
    train, infer = pair()
    v, _ = judged(train, dataclasses.replace(infer, batch_size=64, flops_per_step=64 * 4.1e9))
    assert v["computational_complexity"].status == CONFIRMED
    assert v["memory_use"].status == NOT_MEASURABLE
    v, _ = judged(train, dataclasses.replace(infer, input_size=160))
    assert "input size (224 vs 160)" in v["computational_complexity"].text


# ---- headline and completion --------------------------------------------------------


def test_the_headline_counts_every_status():
    _, cmp = judged(*pair())
    c = cmp.counts()
    assert sum(c.values()) == 16
    assert text(headline(cmp)) == (f"{c[CONFIRMED]} of 16 confirmed, {c[NOT_MEASURABLE]} not "
                                   f"measurable here, {c[NOT_CONFIRMED]} not confirmed")
    assert counted(cmp).status == NOT_MEASURABLE  # never "confirmed" over unmeasured rows


def test_completion_plans_exactly_the_missing_runs_with_the_pairs_settings():
    _, cmp = judged(*pair())
    plan = plan_completion(cmp, seconds=3.0)
    by_key = {c.label: c.config for c in plan.cases}
    assert set(by_key) >= {"fp32 train", "int8 infer", "batch 1 infer", "loader 0 train"}
    assert by_key["fp32 train"].precision == "fp32" and by_key["fp32 train"].batch_size == 256
    assert by_key["int8 infer"].quantize == "int8" and by_key["int8 infer"].precision == "bf16"
    assert by_key["batch 1 infer"].batch_size == 1
    assert all(c.config.seconds == 3.0 and c.config.device == "cuda:0" for c in plan.cases)
    modes = [c.config.mode for c in plan.cases]
    assert modes == sorted(modes, key=lambda m: m != "train")  # training cases first


def test_a_missing_mode_is_planned_first_and_hands_its_weights_over():
    cmp = build(None, cpu_summary("infer"))
    plan = plan_completion(cmp)
    assert plan.cases[0].label == "train" and plan.cases[0].config.mode == "train"
    infer_cases = [c for c in plan.cases if c.config.mode == "infer"]
    assert infer_cases and all(c.weights_from == "train" for c in infer_cases)
    with pytest.raises(ValueError, match="run training or inference first"):
        plan_completion(build(None, None))


def test_completed_judges_again_with_the_new_runs():
    _, cmp = judged(*pair())
    results = [CaseResult("fp32 train", "train", "ok", fp32_training()),
               CaseResult("int8 infer", "infer", "ok", int8()),
               CaseResult("batch 1 infer", "infer", "ok", batch1())]
    done = completed(cmp, results)
    v = {c.claim.id: c.verdict for c in done.claims}
    assert v["mixed_precision"].status == CONFIRMED
    assert v["speed_efficiency"].status == CONFIRMED
    assert v["latency"].status == CONFIRMED
    cell = next(r for r in done.rows if r.id == "specific_optimizations")
    assert "fp32: 1,500 images/s, peak 20.00 GiB" in text(cell.measured_train)
    assert "int8: 9.00 ms/step" in text(cell.measured_infer)


def test_needs_have_stable_keys_and_titles():
    assert need("train", precision="bf16").key == "bf16 train"
    assert text(need("infer", batch_size=1).title) == "inference with batch 1"
    assert text(need("train", loader_workers=0).title) == (
        "training with a DataLoader in the training loop (0 workers)")
    assert text(need("train").title) == "training"
