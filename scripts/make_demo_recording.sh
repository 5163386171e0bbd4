#!/usr/bin/env bash
# Make resources/demo.trainfer: resnet50 and gpt2, both modes, recorded by Trainfer itself.
#   bash scripts/make_demo_recording.sh [DEVICE] [SECONDS]     (defaults: auto 15)
# Run it on a machine with an NVIDIA GPU to replace the CPU-made demo (DESIGN.md wants the
# shipped demo made on a real GPU). Uses a temporary data directory; prints what it made.
set -euo pipefail
cd "$(dirname "$0")/.."
DEVICE=${1:-auto}
SECONDS_PER_RUN=${2:-15}
PY=${PYTHON:-python3}
[ -x .venv/bin/python ] && PY=${PYTHON:-.venv/bin/python}
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
DATA=$(mktemp -d)
trap 'rm -rf "$DATA"' EXIT
for spec in resnet50:train resnet50:infer gpt2:train gpt2:infer; do
  model=${spec%:*}; mode=${spec#*:}
  echo "== $model $mode on $DEVICE" >&2
  $PY -m engine --data-dir "$DATA" run --model "$model" --mode "$mode" --device "$DEVICE" \
    --seconds "$SECONDS_PER_RUN" >&2
done
ids=$($PY -m engine --data-dir "$DATA" runs list --json | $PY -c \
  'import json,sys; print(" ".join(str(r["id"]) for r in reversed(json.load(sys.stdin))))')
$PY -m engine --data-dir "$DATA" export $ids --format trainfer --out resources/demo.trainfer
ls -l resources/demo.trainfer
