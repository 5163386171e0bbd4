"""Every implemented experiment runs end to end on the CPU with a tiny model."""

import json
import subprocess
import sys

import pytest
from summaries import experiment

from engine.claims.experiments import EXPERIMENTS, plan_experiment
from engine.core.config import ConfigError
from engine.session.store.db import Store


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    return Store(tmp_path_factory.mktemp("exp"))


def test_train_vs_infer(store):
    from engine.claims.experiment_runner import CaseStarted

    seen = []
    r, columns, rows = experiment(
        "train-vs-infer", "mlp", "cpu", 0.5, store=store,
        on_event=lambda ev: seen.append(ev.case.label) if isinstance(ev, CaseStarted) else None)
    assert [c.status for c in r.cases] == ["ok", "ok"] and not r.stopped
    assert seen == ["training", "inference"]  # each case announced before its events
    assert all(c.run_id is not None for c in r.cases)  # stored like any run
    assert len(rows) == 8 and all(len(row) == len(columns) for row in rows)
    assert rows[0][-1].startswith("confirmed")  # the objective row's verdict
    train, infer = (c.summary for c in r.cases)
    assert infer.weights_from.startswith("trained")  # the training case's weights
    assert infer.heldout_accuracy == train.heldout_accuracy
    assert infer.weights_from_id == train.saved_weights_id != ""
    assert "with this training run's weights" in rows[0][-1]


def test_precision_marks_what_the_cpu_cannot_run(store):
    r, columns, rows = experiment("precision", "mlp", "cpu", 0.3, store=store)
    status = {c.label: c.status for c in r.cases}
    assert status["tf32 train"] == status["tf32 infer"] == "not_available"
    assert status["fp16 train"] == "not_available"  # emulated on a CPU: not worth minutes
    assert status["fp32 train"] == status["bf16 infer"] == "ok"
    fp32 = next(row for row in rows if row[0] == "fp32" and row[1] == "train")
    assert fp32[6] == "1.00×"  # the baseline of the speed-up column
    tf32 = next(row for row in rows if row[0] == "tf32")
    assert "NVIDIA" in tf32[-1]


def test_batch_sweep_covers_every_batch(store):
    r, columns, rows = experiment("batch-sweep", "mlp", "cpu", 0.3, store=store,
                                  batches=(1, 256))
    assert [row[0] for row in rows] == ["1", "256"] * 2
    assert all(c.status == "ok" for c in r.cases)
    latency = {row[0]: float(row[2].split()[0].replace(",", "")) for row in rows[:2]}
    assert all(v > 0 for v in latency.values())  # measured (which is faster is not a test)
    planned = EXPERIMENTS["batch-sweep"].plan("mlp", "cpu", 1.0, None)
    assert [c.config.batch_size for c in planned] == [1, 8, 64, 256] * 2


def test_data_flow_trains_in_bf16_on_a_gpu_as_one_would():
    # in fp32 an H200 needed 969 images/s of ResNet-50 and the pipeline hardly showed
    gpu = EXPERIMENTS["data-flow"].plan("resnet50", "cuda", 1.0, None)
    assert {c.config.precision for c in gpu} == {"bf16"}
    assert [c.config.loader_workers for c in gpu][1] == 0 and gpu[2].config.pin_memory
    cpu = EXPERIMENTS["data-flow"].plan("mlp", "cpu", 1.0, None)
    assert {c.config.precision for c in cpu} == {"fp32"}


class FakeSession:
    """Ends each case at once with a given terminal event (no run process)."""

    run_id = None
    terminal = None
    running = False

    def start(self, cfg):
        self.cfg = cfg

    def stop(self, now=False):
        pass

    def iter_events(self):
        yield type(self).terminal

    def close(self):
        pass


def test_out_of_memory_is_marked_not_fatal():
    from engine.core.events import Failed

    FakeSession.terminal = Failed(0.0, "oom", "out of memory: tried to allocate 9 GiB", "x")
    r, columns, rows = experiment("batch-sweep", "mlp", "cpu", 0.1, session=FakeSession())
    assert all(c.status == "out_of_memory" for c in r.cases)
    assert "out of memory" in rows[0][-1]


def test_stop_ends_the_experiment_after_the_current_case():
    from engine.core.events import Failed

    FakeSession.terminal = Failed(0.0, "oom", "out of memory", "x")
    calls = {"n": 0}

    def stop_after_two_cases():
        calls["n"] += 1
        return calls["n"] > 4

    r, columns, rows = experiment("batch-sweep", "mlp", "cpu", 0.1, session=FakeSession(),
                                  should_stop=stop_after_two_cases)
    assert r.stopped and [c.status for c in r.cases][-1] == "stopped"
    assert sum(c.status == "stopped" for c in r.cases) >= 5


def test_unknown_names_are_config_errors():
    with pytest.raises(ConfigError):
        plan_experiment("quantum", "mlp")
    with pytest.raises(ConfigError):
        plan_experiment("precision", "nope")
    assert set(EXPERIMENTS) >= {"train-vs-infer", "precision", "batch-sweep", "memory"}


def test_cli_json_field_names(tmp_path):
    p = subprocess.run(
        [sys.executable, "-m", "engine", "--data-dir", str(tmp_path), "experiment", "memory",
         "--model", "mlp", "--device", "cpu", "--seconds", "0.3", "--json"],
        capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr
    d = json.loads(p.stdout)
    assert set(d) == {"experiment", "model", "device", "stopped", "columns", "rows", "table",
                      "verdict", "cases"}
    assert d["verdict"]["status"] == "confirmed", d["verdict"]  # training holds more memory
    assert set(d["cases"][0]) == {"label", "mode", "status", "message", "reason", "run_id",
                                  "summary"}
    peak = [c for c in d["table"]["columns"] if c["id"] == "peak"]
    assert peak and d["table"]["rows"][0][7]["unit"] == "B"  # numbers with units, not text
    bad = subprocess.run([sys.executable, "-m", "engine", "experiment", "quantum"],
                         capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2 and "unknown experiment" in bad.stderr


def test_generation_reports_time_to_first_token(store):
    import dataclasses

    from engine.claims.experiment_runner import run_to_end
    from engine.session.session import Session

    plan = plan_experiment("generation", "gpt2-tiny", "cpu", 0.5, (1, 4))
    # short prompts and one warm-up step: the same cases, a fraction of the time
    plan.cases[:] = [dataclasses.replace(c, config=dataclasses.replace(
        c.config, input_size=32, warmup_steps=1)) for c in plan.cases]
    session = Session(store=store)
    try:
        r = run_to_end(plan, session)
    finally:
        session.close()
    columns, rows = r.table.text()
    assert [c.status for c in r.cases] == ["ok", "ok", "ok"]
    gen = r.cases[1].summary
    assert gen.generated_tokens == 32 and gen.ttft_ms_median > 0 and gen.decode_tokens_per_s > 0
    assert rows[1][1] == "1" and rows[2][1] == "4" and "ms" in rows[1][2]


def test_data_flow_feeds_from_a_dataloader(store):
    r, columns, rows = experiment("data-flow", "mlp", "cpu", 0.5, store=store)
    assert [c.status for c in r.cases] == ["ok", "ok", "ok"], [c.message for c in r.cases]
    assert rows[0][2] == "100%"  # the on-device baseline
    assert all(c.summary.samples_per_s > 0 for c in r.cases)
    curve = r.cases[1].summary.loss_curve  # warm-up included: at least 4 steps
    assert curve[-1][1] < curve[0][1]  # real data, learnt


def test_dataloader_samples_do_cpu_work_and_repeat():
    import torch

    from engine.run.data import SyntheticDataset
    from engine.run.models import build_spec

    spec = build_spec("resnet18", 32, 2, torch.device("cpu"), 0)
    ds = SyntheticDataset(spec, seed=0)
    x, y = ds[5]
    assert x.shape == (3, 32, 32) and y.dtype == torch.int64
    assert torch.equal(ds[5][0], x) and not torch.equal(ds[6][0], x)


def test_kernels_compiles_and_marks_cuda_graphs_unavailable_on_the_cpu(store):
    r, columns, rows = experiment("kernels", "mlp", "cpu", 0.5, store=store)
    status = {c.label: c.status for c in r.cases}
    assert status == {"eager": "ok", "torch.compile": "ok", "CUDA graphs": "not_available"}
    compiled = r.cases[1].summary
    assert compiled.kernels == "compile" and compiled.compile_s > 0
    assert rows[0][4] == "1.00×" and "NVIDIA" in rows[2][-1]
    assert r.cases[0].summary.batch_size == 1  # latency at batch 1


def test_quantization_measures_the_change_in_outputs(store):
    r, columns, rows = experiment("quantization", "mlp", "cpu", 0.5, store=store)
    status = {c.label: c.status for c in r.cases}
    assert status == {"fp32": "ok", "bf16": "ok", "int8": "ok", "fp8": "not_available"}
    fp32, int8 = r.cases[0].summary, r.cases[2].summary
    assert int8.quantized_layers == 3 and 0 < int8.output_rel_error < 0.2
    assert int8.top1_agreement > 0.9
    assert int8.mem_params_bytes < fp32.mem_params_bytes / 3  # int8 weights: a quarter
    assert "top-1 unchanged" in rows[2][6]


def test_quantization_is_for_inference_and_linear_layers():
    from engine.core.config import RunConfig

    with pytest.raises(ConfigError, match="inference"):
        RunConfig(model="mlp", mode="train", quantize="int8")


def test_gpt2_projections_are_quantized_and_its_tied_head_is_not():
    import torch
    from transformers.pytorch_utils import Conv1D

    from engine.run.quantize import conv1d_to_linear, untied_linears

    torch.manual_seed(0)
    net = torch.nn.Sequential(Conv1D(6, 4), torch.nn.ReLU())
    x = torch.randn(3, 4)
    before = net(x)
    assert conv1d_to_linear(net) == 1 and isinstance(net[0], torch.nn.Linear)
    assert torch.allclose(net(x), before)  # the same layer, weight stored transposed
    emb = torch.nn.Embedding(10, 4)
    head = torch.nn.Linear(4, 10, bias=False)
    head.weight = emb.weight  # tied, as GPT-2's output layer
    tied = torch.nn.ModuleDict({"emb": emb, "proj": torch.nn.Linear(4, 4), "head": head})
    assert untied_linears(tied) == ["proj"]
    attention = torch.nn.ModuleDict({"mha": torch.nn.MultiheadAttention(8, 2),
                                     "fc": torch.nn.Linear(8, 8)})
    assert untied_linears(attention) == ["fc"]  # out_proj is read by the fused attention
    from summaries import run_here as execute

    from engine.core.config import RunConfig

    s = execute(RunConfig(model="gpt2-tiny", mode="infer", device="cpu", steps=1,
                          batch_size=2, input_size=32, quantize="int8", heldout_samples=0),
                lambda ev: None, lambda: False)
    assert s.quantized_layers == 8  # 2 blocks x (qkv, attention out, MLP in, MLP out)
    assert s.quantized_tied_layers == 1 and s.quantize_method.startswith("torch.ao")
    vit = execute(RunConfig(model="vit_b_16", mode="infer", device="cpu", steps=1,
                            batch_size=1, input_size=32, quantize="int8", heldout_samples=0),
                  lambda ev: None, lambda: False)
    assert vit.quantized_layers == 25  # 12 blocks x 2 MLP layers + the head; out_proj kept


def test_fp8_needs_bf16_and_an_fp8_gpu():
    import torch

    from engine.core.config import RunConfig
    from engine.run.quantize import Bf16Inputs, check_quantize

    with pytest.raises(ConfigError, match="--precision bf16"):
        RunConfig(model="mlp", mode="infer", quantize="fp8")
    with pytest.raises(ConfigError, match="compute capability 8.9") as err:
        check_quantize("fp8", torch.device("cpu"))
    assert err.value.field == "quantize"
    check_quantize("int8", torch.device("cpu"))  # int8 runs on the CPU
    seen = []

    class Probe(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.w = torch.nn.Parameter(torch.ones(1, dtype=torch.bfloat16))

        def forward(self, x, ids=None):
            seen.append((x.dtype, ids.dtype, torch.is_autocast_enabled("cpu")))
            return x

    with torch.autocast("cpu", dtype=torch.bfloat16):
        Bf16Inputs(Probe())(torch.ones(2), ids=torch.ones(2, dtype=torch.long))
    assert seen == [(torch.bfloat16, torch.long, False)]  # ids kept, autocast off
