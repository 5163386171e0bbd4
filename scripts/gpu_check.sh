#!/usr/bin/env bash
# The prepared checks for a machine with an NVIDIA GPU (no Qt needed there).
#   bash scripts/gpu_check.sh              # results under $OUT (default out/gpu_check)
#   bash scripts/gpu_check.sh experiments  # the resnet50 experiments of issue #4
# Wheels in .gpu_wheels/ (bash scripts/fetch_gpu_wheels.sh; carry the folder) are installed
# first: torchao, for int8 and fp8 inference on the GPU.
# The first runs resnet50 and gpt2 in both modes (bf16, 20 s measured each), the overhead
# and sampler benchmarks, and prints a table beside DESIGN.md's H200 reference numbers
# (about 5 minutes on an H200). The second runs the train-vs-infer, precision and
# batch-sweep experiments for resnet50 and the quantization experiment for vit_b_16
# (fp32, bf16, int8, fp8; 5 s per case, 22 runs, about 6 minutes) and prints their
# tables. Each fits one device call. Never changes clocks, power limits or GPU modes.
#   DRY_RUN=1 bash scripts/gpu_check.sh [experiments]  # the same steps on the CPU with
#                                                      # small models, to check the script
set -uo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
OUT=${OUT:-out/gpu_check}
SECONDS_PER_RUN=${SECONDS_PER_RUN:-20}
DEV=cuda R50=resnet50 VIT=vit_b_16 GPT=gpt2 B=256 GB=16 SEQ=1024
if [ "${DRY_RUN:-}" = 1 ]; then  # every step, small, on the CPU: a rehearsal of the script
  DEV=cpu R50=mlp VIT=mlp GPT=gpt2-tiny B=32 GB=2 SEQ=64 SECONDS_PER_RUN=1
  OUT=${OUT%/}-dry CASE_SECONDS=${CASE_SECONDS:-0.5}
fi
mkdir -p "$OUT"
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
if ls .gpu_wheels/*.whl >/dev/null 2>&1; then  # beside the system's packages, not into them
  echo "== installing $(ls .gpu_wheels/*.whl | xargs -n1 basename | tr '\n' ' ')"
  $PY -m pip install --quiet --no-deps --disable-pip-version-check --target /tmp/gpu_wheels \
    .gpu_wheels/*.whl 2>&1 | tail -3
  export PYTHONPATH="$PYTHONPATH:/tmp/gpu_wheels"
fi

echo "== machine"
{ date -u; nvidia-smi --query-gpu=name,driver_version,memory.total,power.limit --format=csv \
    || echo "nvidia-smi: not available";
  $PY -c "import torch, sys; print('python', sys.version.split()[0], 'torch', torch.__version__, 'cuda', torch.version.cuda)"; } | tee "$OUT/machine.txt"
$PY -m engine devices | tee "$OUT/devices.txt"
$PY -m engine devices --json > "$OUT/devices.json"

if [ "${1:-}" = "experiments" ]; then
  CASE_SECONDS=${CASE_SECONDS:-5}
  for pair in train-vs-infer:$R50 precision:$R50 batch-sweep:$R50 quantization:$VIT; do
    name=${pair%%:*} model=${pair##*:}
    echo "== experiment $name ($model, $CASE_SECONDS s per case)"
    timeout 200 $PY -m engine experiment "$name" --model "$model" --device $DEV \
      --seconds "$CASE_SECONDS" --json > "$OUT/exp-$name.json" 2> "$OUT/exp-$name.log"
    echo "exit $? ($(tail -c 300 "$OUT/exp-$name.log" | tr '\n' ' ' | tail -c 200))"
  done
  echo "== experiment tables"
  $PY scripts/gpu_report.py "$OUT" --experiments | tee "$OUT/experiments.md"
  exit 0
fi

run() {  # name, then trainfer run arguments
  local name=$1; shift
  echo "== $name"
  timeout 240 $PY -m engine run "$@" --device $DEV --precision bf16 --seconds "$SECONDS_PER_RUN" --json \
    > "$OUT/$name.json" 2> "$OUT/$name.log"
  echo "exit $? ($(tail -c 300 "$OUT/$name.log" | tr '\n' ' ' | tail -c 200))"
}
run resnet50-train --model $R50 --mode train --batch-size $B
run resnet50-infer --model $R50 --mode infer --batch-size $B
run resnet50-infer-b1 --model $R50 --mode infer --batch-size 1
run gpt2-train --model $GPT --mode train --batch-size $GB --input-size $SEQ
run gpt2-infer --model $GPT --mode infer --batch-size $GB --input-size $SEQ

echo "== overhead (plain loop vs Trainfer, alternated)"
timeout 300 $PY bench/overhead.py --model $R50 --mode train --device $DEV --precision bf16 \
  --batch-size $B --seconds $(( SECONDS_PER_RUN / 2 > 1 ? SECONDS_PER_RUN / 2 : 2 )) --rounds 2 \
  2>&1 | tee "$OUT/overhead.txt"
echo "== sampler"
timeout 60 $PY bench/sampler.py --hz 20 --seconds $(( SECONDS_PER_RUN / 2 > 1 ? SECONDS_PER_RUN / 2 : 2 )) \
  2>&1 | tee "$OUT/sampler.txt"

echo "== results beside DESIGN.md's reference numbers"
$PY scripts/gpu_report.py "$OUT" | tee "$OUT/report.md"
