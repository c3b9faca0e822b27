#!/usr/bin/env bash
# Reproducible retraining of the claim-mapping model from committed files only:
#   1. generate.ts: data set, lookup tables, tokenizer (seeded) from models/claims/vocab/*.json
#   2. train.py: PyTorch training (seeded, progress bar), ONNX export, fixtures
# The vocabulary extraction (vocab/extract.ts) is a separate step that needs Debian packages.
# Debian's torch uses the reference BLAS unless OpenBLAS is installed; with
# `apt-get install -y libopenblas0-openmp` a step is about 10x faster.
set -euo pipefail
cd "$(dirname "$0")/../.."
export SEED="${SEED:-20261123}"
# Passive OpenMP waiting: on a shared 2-core machine spinning threads slow every step down.
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"
NODE="$(pwd)/node_modules/.bin/node"; [ -x "$NODE" ] || NODE=node
"$NODE" --import tsx models/claims/generate.ts
/usr/bin/python3 models/claims/train.py
