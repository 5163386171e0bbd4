"""Verdicts follow the numbers: confirmed, not confirmed, not measurable."""

import dataclasses

import pytest
from summaries import h200_pair, summary

from engine.claims.compare import build
from engine.claims.evidence import Evidence
from engine.claims.verdicts import (
    CONFIRMED,
    NOT_CONFIRMED,
    NOT_MEASURABLE,
    OTHER_TRAINING,
    RANDOM,
    SOME_TRAINING,
    weights_used,
)
from engine.core.format import text


def verdicts(train, infer):
    cmp = build(train, infer)
    return {r.id: r.verdict for r in cmp.rows}, {c.claim.id: c.verdict for c in cmp.claims}


def h200():
    """DESIGN.md's ResNet-50 numbers on an H200, plus a split and FLOP counts."""
    return h200_pair()


def test_reference_h200_numbers_confirm_and_energy_says_both_powers():
    rows, claims = verdicts(*h200())
    assert rows["objective"].status == CONFIRMED
    assert rows["computational_complexity"].status == CONFIRMED
    assert rows["computational_complexity"].factor == pytest.approx(3.0, rel=0.01)
    assert rows["memory_use"].status == CONFIRMED and "6.67×" in rows["memory_use"].text
    energy = rows["energy_consumption"]
    assert energy.status == CONFIRMED and energy.factor == pytest.approx(3.19, rel=0.01)
    assert "3.19× less energy per image" in energy.text
    assert "although inference drew more power (676 W vs 624 W)" in energy.text
    assert rows["key_operations"].status == CONFIRMED and "67%" in rows["key_operations"].text
    assert claims["lower_compute"].status == CONFIRMED
    assert claims["heavy_memory"].status == CONFIRMED


def test_gpu_utilization_judges_each_half_and_needs_batch_1_for_the_inference_half():
    """DESIGN.md: both modes near 100% at batch 256. Training's half ("muito alta") holds;
    inference's ("pode ser menor") is not shown by this pair: it needs batch 1."""
    rows, _ = verdicts(*h200())
    v = rows["gpu_utilization"]
    assert v.status == NOT_MEASURABLE and text(v.message).startswith("partly measured")
    assert "training: confirmed: training kept the GPU at 99.8% NVML utilization" in v.text
    assert "inference: not measured by this pair" in v.text and "batch 256" in v.text
    assert [n.key for n in v.needs] == ["batch 1 infer"]


def test_batch_1_inference_confirms_lower_utilization():
    train, infer = h200()
    one = dataclasses.replace(infer, batch_size=1, mean_gpu_util_pct=32.0,
                              mean_sm_activity_pct=6.0)
    rows, _ = verdicts(train, one)  # the pair itself at batch 1
    assert rows["gpu_utilization"].status == CONFIRMED
    assert "inference kept the SMs active 6% of the time vs 91% in training" in (
        rows["gpu_utilization"].text)
    cmp = build(train, infer, Evidence((one,)))  # batch 256 pair, batch 1 beside it
    v = next(r.verdict for r in cmp.rows if r.id == "gpu_utilization")
    assert v.status == CONFIRMED and "at batch 1" in v.text and not v.needs


def test_low_training_utilization_refutes_the_training_half():
    train, infer = h200()
    train = dataclasses.replace(train, mean_gpu_util_pct=60.0, mean_sm_activity_pct=40.0)
    v = verdicts(train, infer)[0]["gpu_utilization"]
    assert v.status == NOT_CONFIRMED and "only 60%" in v.text


def test_numbers_against_the_text_are_not_confirmed():
    train, infer = h200()
    # an inference run that needed more memory and energy per sample than training
    infer = dataclasses.replace(infer, peak_mem_bytes=20 << 30, energy_per_sample_j=0.2)
    rows, _ = verdicts(train, infer)
    assert rows["memory_use"].status == NOT_CONFIRMED
    assert "not confirmed here" in rows["memory_use"].text and "GiB" in rows["memory_use"].text
    assert rows["energy_consumption"].status == NOT_CONFIRMED
    train = dataclasses.replace(train, loss_last=7.0)  # the loss went up
    rows, _ = verdicts(train, infer)
    assert rows["objective"].status == NOT_CONFIRMED and "did not fall" in rows["objective"].text


def test_cpu_runs_say_what_they_cannot_measure():
    cpu = dict(device="cpu", energy_j=None, energy_per_sample_j=None, mean_power_w=None,
               mean_gpu_util_pct=None)
    rows, _ = verdicts(summary("train", **cpu), summary("infer", **cpu))
    for row in ("gpu_utilization", "energy_consumption"):
        assert rows[row].status == NOT_MEASURABLE
        assert "NVIDIA GPUs only" in rows[row].text
    flow = rows["data_flow"]  # needs DataLoader runs and batch 1: named, and runnable here
    assert flow.status == NOT_MEASURABLE and "needs" in flow.text and flow.needs


def test_a_missing_mode_is_not_measurable_yet():
    rows, claims = verdicts(summary("train"), None)
    assert all(v.status == NOT_MEASURABLE for v in [*rows.values(), *claims.values()])
    pair_rows = ("objective", "memory_use", "energy_consumption")
    assert all("run inference" in rows[r].text for r in pair_rows)
    assert all(any(n.key == "infer" for n in rows[r].needs) for r in ("objective", "memory_use"))


def test_json_carries_verdicts():
    d = build(*h200()).to_dict()
    assert d["rows"][0]["verdict"]["status"] == CONFIRMED
    assert len(d["claims"]) == 8 and {c["mode"] for c in d["claims"]} == {"train", "infer"}


def test_objective_quotes_the_weight_change_and_what_inference_predicted():
    train, infer = h200()
    train = dataclasses.replace(train, param_change_l2=41.2, heldout_accuracy=0.91,
                                heldout_chance=0.1, saved_weights_id="a1")
    trained = dataclasses.replace(infer, param_change_l2=0.0, heldout_accuracy=0.91,
                                  heldout_chance=0.1, weights_from="trained 103 steps",
                                  weights_from_id="a1")
    rows, _ = verdicts(train, trained)
    said = rows["objective"].text
    assert rows["objective"].status == CONFIRMED and "(‖Δθ‖₂ 41.2)" in said
    assert ("with this training run's weights it predicted 91% of held-out samples "
            "correctly") in said
    random = dataclasses.replace(trained, heldout_accuracy=0.09, weights_from="")
    rows, _ = verdicts(train, random)
    assert "ran on random weights: 9% correct (chance 10%; training reached 91%)" in (
        rows["objective"].text)
    moved = dataclasses.replace(trained, param_change_l2=1e-3)  # the checksum missed it
    rows, _ = verdicts(train, moved)
    assert rows["objective"].status == NOT_CONFIRMED
    assert "inference changed the weights" in rows["objective"].text
    cell = build(train, trained).rows[0]
    assert text(cell.measured_infer).startswith("weights unchanged (‖Δθ‖₂ = 0)")
    assert "held-out accuracy 91% (chance 10%" in text(cell.measured_infer)
    assert "‖Δθ‖₂ 41.2" in text(cell.measured_train)


def test_inference_with_another_training_runs_weights_says_so():
    # The Compare tab pairs the latest run of each mode: a newer training run (stopped,
    # or with other settings) can sit beside an inference that used older weights.
    train, infer = h200()
    train = dataclasses.replace(train, saved_weights_id="new")
    older = dataclasses.replace(infer, heldout_accuracy=0.5, heldout_chance=0.1,
                                weights_from="trained 40 steps on cuda:0 (bf16)",
                                weights_from_id="old")
    assert weights_used(train, older) == OTHER_TRAINING
    text = verdicts(train, older)[0]["objective"].text
    assert "with the weights of another training run (trained 40 steps" in text
    assert "Run inference again to predict with this training run's weights" in text
    unknown = dataclasses.replace(older, weights_from_id="")  # a file from before the ids
    assert weights_used(train, unknown) == SOME_TRAINING
    assert "with trained weights (trained 40 steps" in verdicts(train, unknown)[0][
        "objective"].text
    assert weights_used(train, dataclasses.replace(older, weights_from="")) == RANDOM


def test_a_diverged_training_run_does_not_blame_inference():
    train, infer = h200()
    train = dataclasses.replace(train, loss_last=float("nan"), param_change_l2=float("nan"))
    infer = dataclasses.replace(infer, param_change_l2=float("nan"))  # NaN weights loaded
    rows, _ = verdicts(train, infer)
    assert rows["objective"].status == NOT_CONFIRMED
    assert "inference changed the weights" not in rows["objective"].text
    assert "the loss did not fall" in rows["objective"].text
