#!/usr/bin/env bash
# The prepared checks for a machine with an NVIDIA GPU (no Qt needed there).
#   bash scripts/gpu_check.sh              # the reference runs, benchmarks and report
#   bash scripts/gpu_check.sh experiments  # the experiments, with their tables
#   bash scripts/gpu_check.sh all          # both, and the demo recording, in one call
# Results go to $RESULTS (default out/gpu_check); with PACK=FILE.tgz they are also packed
# into that one file after every step, so a call cut short still brings back what it made
# (a device call brings back at most 8 files: PACK=$OUT/gpu_check.tgz there).
# Wheels in .gpu_wheels/ (bash scripts/fetch_gpu_wheels.sh; carry the folder) are installed
# first: torchao, for int8 and fp8 inference on the GPU.
# The reference runs are resnet50 and gpt2 in both modes (bf16, SECONDS_PER_RUN measured
# each, default 20), resnet50 inference at batch 1 (eager and CUDA graphs) and in fp32,
# then the overhead and sampler benchmarks, and a table beside DESIGN.md's H200 reference
# numbers. `all` also exports the resnet50 and gpt2 runs as $RESULTS/demo.trainfer (the
# demo recording) and then runs the experiments (precision, scaling (1, 2, 4 … of the
# machine's GPUs, torch.distributed) and batch-sweep for resnet50,
# quantization for vit_b_16, train-vs-infer and data-flow for resnet50; CASE_SECONDS per
# case) while BUDGET_S seconds (default 500) last; a step that would not fit is skipped
# and says so. Never changes clocks, power limits or GPU modes.
#   DRY_RUN=1 bash scripts/gpu_check.sh [experiments|all]  # the same steps on the CPU
#                                                          # with small models
set -uo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
WHAT=${1:-runs}
case "$WHAT" in runs|experiments|all) ;; *)
  echo "usage: bash scripts/gpu_check.sh [runs|experiments|all]" >&2; exit 2;; esac
RESULTS=${RESULTS:-out/gpu_check}
SECONDS_PER_RUN=${SECONDS_PER_RUN:-20}
BUDGET_S=${BUDGET_S:-500}
DEV=cuda R50=resnet50 VIT=vit_b_16 GPT=gpt2 B=256 GB=16 SEQ=1024
if [ "${DRY_RUN:-}" = 1 ]; then  # every step, small, on the CPU: a rehearsal of the script
  DEV=cpu R50=mlp VIT=mlp GPT=gpt2-tiny B=32 GB=2 SEQ=64 SECONDS_PER_RUN=1
  RESULTS=${RESULTS%/}-dry CASE_SECONDS=${CASE_SECONDS:-0.5}
fi
T0=$(date +%s)
left() { echo $(( BUDGET_S - ($(date +%s) - T0) )); }
limit() {  # the seconds a step may take: what it asks for, at most what is left
  local want=$1 rest; rest=$(left)
  echo $(( want < rest ? want : rest ))
}
pack() {  # everything but the weights (ResNet-50 alone is 100 MB)
  [ -n "${PACK:-}" ] || return 0
  tar czf "$PACK.tmp" --exclude weights -C "$(dirname "$RESULTS")" "$(basename "$RESULTS")" \
    && mv "$PACK.tmp" "$PACK"
}
mkdir -p "$RESULTS"
DATA="$RESULTS/data"
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
if ls .gpu_wheels/*.whl >/dev/null 2>&1; then  # beside the system's packages, not into them
  echo "== installing $(ls .gpu_wheels/*.whl | xargs -n1 basename | tr '\n' ' ')"
  $PY -m pip install --quiet --no-deps --no-index --disable-pip-version-check \
    --upgrade --target /tmp/gpu_wheels .gpu_wheels/*.whl 2>&1 | tail -3
  export PYTHONPATH="$PYTHONPATH:/tmp/gpu_wheels"
fi

echo "== machine"
{ date -u; nvidia-smi --query-gpu=name,driver_version,memory.total,power.limit,clocks.max.sm \
    --format=csv || echo "nvidia-smi: not available";
  $PY -c "import torch, sys; print('python', sys.version.split()[0], 'torch', torch.__version__, 'cuda', torch.version.cuda)";
  $PY -c "import torchao; print('torchao', torchao.__version__)" 2>&1 | tail -1; } \
  | tee "$RESULTS/machine.txt"
$PY -m engine devices | tee "$RESULTS/devices.txt"
$PY -m engine devices --json > "$RESULTS/devices.json"
pack

run() {  # name, then trainfer run arguments
  local name=$1 t; shift
  t=$(limit 240)
  if [ "$t" -lt 30 ]; then echo "== $name: skipped, ${t} s of the budget left"; return; fi
  echo "== $name"
  timeout "$t" $PY -m engine run "$@" --device $DEV --seconds "$SECONDS_PER_RUN" --json \
    --data-dir "$DATA" > "$RESULTS/$name.json" 2> "$RESULTS/$name.log"
  echo "exit $? after $(( $(date +%s) - T0 )) s ($(tail -c 300 "$RESULTS/$name.log" | tr '\n' ' ' | tail -c 200))"
  pack
}

experiments() {
  CASE_SECONDS=${CASE_SECONDS:-5}
  # scaling: training (DDP) and inference replicas on 1, 2, 4 … of this machine's GPUs
  for pair in precision:$R50 scaling:$R50 quantization:$VIT batch-sweep:$R50 \
              train-vs-infer:$R50 data-flow:$R50; do
    local name=${pair%%:*} model=${pair##*:} t
    t=$(limit 200)
    if [ "$t" -lt 40 ]; then echo "== experiment $name: skipped, ${t} s of the budget left"; continue; fi
    echo "== experiment $name ($model, $CASE_SECONDS s per case)"
    timeout "$t" $PY -m engine experiment "$name" --model "$model" --device $DEV \
      --seconds "$CASE_SECONDS" --json --data-dir "$DATA" \
      > "$RESULTS/exp-$name.json" 2> "$RESULTS/exp-$name.log"
    echo "exit $? after $(( $(date +%s) - T0 )) s ($(tail -c 300 "$RESULTS/exp-$name.log" | tr '\n' ' ' | tail -c 200))"
    pack
  done
  echo "== experiment tables"
  $PY scripts/gpu_report.py "$RESULTS" --experiments | tee "$RESULTS/experiments.md"
  pack
}

if [ "$WHAT" = experiments ]; then experiments; exit 0; fi

# inference predicts with the weights its training run just trained (held-out accuracy
# after training, in the demo's Compare tab too), as the app does within one session
W="$RESULTS/weights"
mkdir -p "$W"
run resnet50-train --model $R50 --mode train --batch-size $B --precision bf16 \
  --save-weights "$W/resnet50.pt"
run resnet50-infer --model $R50 --mode infer --batch-size $B --precision bf16 \
  $( [ -f "$W/resnet50.pt" ] && echo --load-weights "$W/resnet50.pt" )
run gpt2-train --model $GPT --mode train --batch-size $GB --input-size $SEQ --precision bf16 \
  --save-weights "$W/gpt2.pt"
run gpt2-infer --model $GPT --mode infer --batch-size $GB --input-size $SEQ --precision bf16 \
  $( [ -f "$W/gpt2.pt" ] && echo --load-weights "$W/gpt2.pt" )
if [ "$WHAT" = all ]; then  # the demo: the four runs above, as Trainfer recorded them
  echo "== demo recording"
  ids=$($PY -m engine runs list --json --data-dir "$DATA" | $PY -c '
import json, sys
runs = json.load(sys.stdin)
print(" ".join(str(r["id"]) for r in reversed(runs)))')
  $PY -m engine export $ids --format trainfer --out "$RESULTS/demo.trainfer" --data-dir "$DATA" \
    && ls -l "$RESULTS/demo.trainfer"
  pack
fi
run resnet50-infer-b1 --model $R50 --mode infer --batch-size 1 --precision bf16
run resnet50-infer-b1-cudagraphs --model $R50 --mode infer --batch-size 1 --precision bf16 \
  --kernels cudagraphs
run resnet50-infer-fp32 --model $R50 --mode infer --batch-size $B --precision fp32

half=$(( SECONDS_PER_RUN / 2 > 1 ? SECONDS_PER_RUN / 2 : 2 ))
t=$(limit 300)
if [ "$t" -ge 40 ]; then
  echo "== overhead (plain loop vs Trainfer, alternated)"
  timeout "$t" $PY bench/overhead.py --model $R50 --mode train --device $DEV --precision bf16 \
    --batch-size $B --seconds $half --rounds 2 2>&1 | tee "$RESULTS/overhead.txt"
else
  echo "== overhead: skipped, ${t} s of the budget left"
fi
pack
t=$(limit 60)
if [ "$t" -ge 15 ]; then
  echo "== sampler"
  timeout "$t" $PY bench/sampler.py --hz 20 --seconds $half 2>&1 | tee "$RESULTS/sampler.txt"
fi

echo "== results beside DESIGN.md's reference numbers"
$PY scripts/gpu_report.py "$RESULTS" | tee "$RESULTS/report.md"
pack
if [ "$WHAT" = all ]; then experiments; fi
echo "== done after $(( $(date +%s) - T0 )) s"
