"""Synthetic summaries for tests: DESIGN.md's ResNet-50 numbers on an H200."""

from engine.core.events import Summary


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
