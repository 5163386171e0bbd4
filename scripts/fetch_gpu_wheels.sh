#!/usr/bin/env bash
# Downloads the wheels the GPU check machine lacks into .gpu_wheels/ (ignored by git).
#   bash scripts/fetch_gpu_wheels.sh
# That machine has torch 2.11 but no torchao, so int8 and fp8 inference on the GPU would
# read "not available: needs torchao". torchao 0.17.0 is the release built for torch
# 2.11 (its __init__ loads its kernels only on torch >= 2.11); the wheel is abi3, so it
# installs on Python 3.12 too. scripts/gpu_check.sh installs every wheel it finds in
# .gpu_wheels/ (name the folder in the device call's carry). Needs network access here.
set -euo pipefail
cd "$(dirname "$0")/.."
DEST=.gpu_wheels
mkdir -p "$DEST"
grep -qxF "/$DEST/" .git/info/exclude 2>/dev/null || echo "/$DEST/" >> .git/info/exclude
PIP=${PIP:-$( [ -x .venv/bin/pip ] && echo .venv/bin/pip || echo "python3 -m pip")}
$PIP download --no-deps --only-binary=:all: --python-version 3.12 \
  --platform manylinux_2_28_x86_64 -d "$DEST" torchao==0.17.0
ls -l "$DEST"
