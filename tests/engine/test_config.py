import pytest

from engine.core.config import ConfigError, RunConfig


def test_defaults_fill_duration():
    cfg = RunConfig(model="mlp")
    assert cfg.mode == "train" and cfg.seconds == 10.0 and cfg.steps is None
    assert RunConfig.from_dict(cfg.to_dict()) == cfg


@pytest.mark.parametrize(
    ("kwargs", "field", "words"),
    [
        ({"batch_size": 0}, "batch_size", "at least 1"),
        ({"batch_size": -3}, "batch_size", "at least 1"),
        ({"batch_size": 2.5}, "batch_size", "not an integer"),
        ({"mode": "eval"}, "mode", "train, infer"),
        ({"precision": "int8"}, "precision", "fp32, tf32, bf16, fp16"),
        ({"device": "gpu"}, "device", "auto, cpu, cuda or cuda:N"),
        ({"optimizer": "lion"}, "optimizer", "sgd, adamw"),
        ({"seconds": 0}, "seconds", "more than 0"),
        ({"seconds": 5, "steps": 5}, "seconds", "not both"),
        ({"steps": 0}, "steps", "at least 1"),
        ({"warmup_steps": -1}, "warmup_steps", "0 or more"),
        ({"learning_rate": 0.0}, "learning_rate", "(0, 10)"),
        ({"input_size": 100}, "input_size", "multiple of 16"),  # with vit below
    ],
)
def test_bad_values_name_the_field(kwargs, field, words):
    model = "vit_b_16" if "input_size" in kwargs else "mlp"
    with pytest.raises(ConfigError) as err:
        RunConfig(model=model, **kwargs)
    assert err.value.field == field
    assert words in err.value.message


def test_unknown_model_lists_the_catalog():
    with pytest.raises(ConfigError) as err:
        RunConfig(model="resnet9000")
    assert err.value.field == "model"
    assert "mlp" in err.value.message and "gpt2" in err.value.message


def test_unknown_key_in_dict():
    with pytest.raises(ConfigError) as err:
        RunConfig.from_dict({"model": "mlp", "bogus": 1})
    assert err.value.field == "bogus"


def test_cuda_without_gpu_is_a_config_error_before_spawning():
    from engine.core.values import msg
    from engine.session.devices import DevicesReport, preflight

    report = DevicesReport(False, msg("nvml.no_driver"))
    with pytest.raises(ConfigError) as err:
        preflight(RunConfig(model="mlp", device="cuda"), report)
    assert err.value.field == "device" and "no NVIDIA driver found" in err.value.message
    with pytest.raises(ConfigError) as err:
        preflight(RunConfig(model="mlp", device="cpu", precision="tf32"), report)
    assert err.value.field == "precision"
    preflight(RunConfig(model="mlp", device="auto"), report)  # auto falls back to the CPU


def test_cuda_index_out_of_range(tmp_path):
    from fake_nvml import FakeNvmlLib

    from engine.session.devices import list_devices, preflight
    from engine.session.telemetry.nvml import Nvml

    report = list_devices(Nvml(FakeNvmlLib()))
    assert report.available and report.gpus[0].name == "NVIDIA H200"
    preflight(RunConfig(model="mlp", device="cuda:0"), report)
    with pytest.raises(ConfigError) as err:
        preflight(RunConfig(model="mlp", device="cuda:3"), report)
    assert "cuda:0 (NVIDIA H200)" in err.value.message


def test_resolve_device_refuses_cuda_without_cuda(monkeypatch):
    import torch

    from engine.run.device import check_precision, resolve_device

    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert resolve_device("auto").type == "cpu"
    with pytest.raises(ConfigError) as err:
        resolve_device("cuda:0")
    assert err.value.field == "device"
    with pytest.raises(ConfigError):
        check_precision("tf32", torch.device("cpu"))
    check_precision("bf16", torch.device("cpu"))  # this CPU can run bf16 autocast


def test_kernels_choices_and_cuda_graphs_need_a_gpu():
    import torch

    from engine.run.device import check_kernels

    with pytest.raises(ConfigError, match="eager, compile, cudagraphs"):
        RunConfig(model="mlp", kernels="tensorrt")
    with pytest.raises(ConfigError, match="NVIDIA GPU"):
        check_kernels("cudagraphs", torch.device("cpu"))
    check_kernels("compile", torch.device("cpu"))
