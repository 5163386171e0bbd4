"""The comparison model: the document's rows and the measured values."""

from pathlib import Path

import pytest

from engine.compare import build, load_document
from engine.events import Summary
from engine.report import comparison_text

SEED = Path(__file__).parent.parent / "data" / "treinamento-vs-inferencia.md"


def summary(mode, **kw):
    base = dict(
        model="resnet50", mode=mode, device="cuda:0", device_name="NVIDIA H200",
        precision="bf16", batch_size=256, input_size=224, sample_unit="images",
        optimizer="adamw" if mode == "train" else None,
        learning_rate=1e-3 if mode == "train" else None, params=25_557_032,
        param_bytes=102_228_128, warmup_steps=3, measured_steps=100, measured_s=5.0,
        stopped_early=False, samples_per_s=4735.0 if mode == "train" else 15579.0,
        tokens_per_s=None, step_ms_median=54.1 if mode == "train" else 16.4,
        step_ms_p95=55.0, step_ms_mean=54.2, warmup_step_ms_first=900.0,
        peak_mem_bytes=int((11.0 if mode == "train" else 1.65) * 2**30),
        peak_mem_source="cuda_max_allocated",
        loss_first=6.9 if mode == "train" else None, loss_last=2.1 if mode == "train" else None,
        weights_changed=mode == "train", torch_version="2.11", started_unix_s=0.0,
        measure_start_t_s=0.0, measure_end_t_s=5.0,
        energy_j=1000.0, energy_source="nvml_counter",
        energy_per_sample_j=0.137 if mode == "train" else 0.043,
        mean_power_w=624.0 if mode == "train" else 676.0, peak_power_w=700.0,
        mean_gpu_util_pct=99.8 if mode == "train" else 99.9, mean_cpu_util_pct=10.0,
    )
    base.update(kw)
    return Summary(**base)


def test_document_rows_are_the_seed_document_verbatim():
    text = SEED.read_text(encoding="utf-8")
    rows = load_document()
    assert [r.id for r in rows] == [
        "objective", "key_operations", "computational_complexity", "memory_use",
        "gpu_utilization", "specific_optimizations", "data_flow", "energy_consumption"]
    for r in rows:
        for cell in (r.aspect["pt"], r.train["pt"], r.infer["pt"]):
            assert cell in text, cell
        assert all(r.aspect["en"] and r.train["en"] and r.infer["en"] for _ in [0])


def test_reference_h200_numbers_give_the_reference_ratios():
    cmp = build(summary("train"), summary("infer"))
    rows = {r.id: r for r in cmp.rows}
    assert rows["computational_complexity"].ratio is None  # no FLOP count in these
    assert rows["memory_use"].ratio == pytest.approx(11.0 / 1.65)
    energy = rows["energy_consumption"]
    assert energy.ratio == pytest.approx(0.137 / 0.043)  # 3.2x less energy per image
    assert "624 W" in energy.ratio_text and "676 W" in energy.ratio_text  # power says both
    assert rows["objective"].measured_train.startswith("weights changed; loss 6.900 → 2.100")
    assert rows["gpu_utilization"].measured_infer == "100% NVML utilization"


def test_missing_mode_and_cpu_runs_say_why():
    cmp = build(summary("train", device="cpu", energy_j=None, energy_per_sample_j=None,
                        mean_power_w=None, mean_gpu_util_pct=None), None)
    rows = {r.id: r for r in cmp.rows}
    assert rows["memory_use"].measured_infer == "not run yet" and rows["memory_use"].ratio is None
    assert rows["energy_consumption"].measured_train.startswith("N/A: ran on the CPU")
    assert rows["gpu_utilization"].measured_train.startswith("N/A: ran on the CPU")


def test_mismatched_summaries_are_refused():
    with pytest.raises(ValueError):
        build(summary("infer"), summary("infer"))
    with pytest.raises(ValueError):
        build(summary("train"), summary("infer", model="gpt2"))


@pytest.mark.parametrize("lang", ["en", "pt"])
def test_text_table_has_every_row(lang):
    out = comparison_text(build(summary("train"), summary("infer")), lang=lang, width=140)
    for r in load_document():
        assert r.aspect[lang].split()[0] in out
    assert "3.19×" in out  # the energy-per-image ratio
