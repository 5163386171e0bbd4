"""The comparison model: the document's rows and the measured values."""

from pathlib import Path

import pytest
from summaries import summary

from engine.claims.compare import build
from engine.claims.document import load_document
from engine.cli.report import comparison_text
from engine.core.format import text
from engine.core.values import nbytes

SEED = Path(__file__).parent.parent / "data" / "treinamento-vs-inferencia.md"


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
    assert text(rows["objective"].measured_train).startswith(
        "weights changed; loss 6.900 → 2.100")
    assert text(rows["gpu_utilization"].measured_infer) == "99.9% NVML utilization"
    assert rows["memory_use"].value_train == nbytes(11 * 2**30)  # the metric, typed


def test_missing_mode_and_cpu_runs_say_why():
    cmp = build(summary("train", device="cpu", energy_j=None, energy_per_sample_j=None,
                        mean_power_w=None, mean_gpu_util_pct=None), None)
    rows = {r.id: r for r in cmp.rows}
    assert text(rows["memory_use"].measured_infer) == "not run yet"
    assert rows["memory_use"].ratio is None
    assert text(rows["energy_consumption"].measured_train).startswith("N/A: ran on the CPU")
    assert text(rows["gpu_utilization"].measured_train).startswith("N/A: ran on the CPU")


def test_mismatched_summaries_are_refused():
    with pytest.raises(ValueError):
        build(summary("infer"), summary("infer"))
    with pytest.raises(ValueError):
        build(summary("train"), summary("infer", model="gpt2"))


@pytest.mark.parametrize("lang", ["en", "pt"])
def test_text_table_has_every_row(lang):
    out = comparison_text(build(summary("train"), summary("infer")), doc=lang, width=140)
    for r in load_document():
        assert r.aspect[lang].split()[0] in out
    assert "3.19×" in out  # the energy-per-image ratio
