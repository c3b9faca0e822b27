#!/usr/bin/env bash
# Reproducible retraining of the claim-mapping model from committed files only:
#   1. generate.ts: data set, lookup tables, tokenizer (seeded) from models/claims/vocab/*.json
#   2. train.py: PyTorch training (seeded, a fixed number of steps, progress bar), ONNX export, fixtures
# The vocabulary extraction (vocab/extract.ts) is a separate step that needs Debian packages.
set -euo pipefail
cd "$(dirname "$0")/../.."
export SEED="${SEED:-20261123}"
# Fixed, not derived from the machine's speed: the same steps give the same model anywhere.
export STEPS="${STEPS:-1634}"
# Passive OpenMP waiting: on a shared 2-core machine spinning threads slow every step down.
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"

# Training uses Debian's PyTorch stack, not pip wheels (see ../shared/environment.md); say exactly
# what to install instead of failing halfway with an ImportError.
missing=()
for pkg in python3-torch python3-onnx python3-numpy; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "models:train:claims needs Debian packages that are not installed: ${missing[*]}" >&2
  echo "install them with:  apt-get install -y ${missing[*]} libopenblas0-openmp" >&2
  exit 1
fi
# Optional: Debian's torch falls back to the reference BLAS, about 10x slower per step.
if ! dpkg-query -W -f='${Status}' libopenblas0-openmp 2>/dev/null | grep -q 'install ok installed'; then
  echo "note: training is about 10x faster with OpenBLAS:  apt-get install -y libopenblas0-openmp" >&2
fi

NODE="$(pwd)/node_modules/.bin/node"; [ -x "$NODE" ] || NODE=node
"$NODE" --import tsx models/claims/generate.ts
/usr/bin/python3 models/claims/train.py
