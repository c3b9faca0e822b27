#!/usr/bin/env bash
# npm run models:train:risk — simulate the training population, train, calibrate, export ONNX, record
# parity fixtures, then evaluate on the held-out population. Seeded: the same inputs give the same model.
set -euo pipefail
cd "$(dirname "$0")/../.."
PY=/usr/bin/python3  # Debian's torch / onnx / numpy; the pyenv python3 on PATH lacks them
export PYTHONHASHSEED=0
mkdir -p models/risk/data
echo "[1/4] simulating the training population"
"$PY" models/risk/simulate.py --population train --out models/risk/data/train.npz
echo "[2/4] training (MLP, Platt calibration in the graph)"
"$PY" models/risk/train.py --data models/risk/data/train.npz --outdir models/risk \
  --fixtures test/risk/fixtures/onnx-rows.json
echo "[3/4] simulating the held-out population"
"$PY" models/risk/simulate.py --population eval --out models/risk/data/eval.csv
echo "[4/4] parity fixture (Python == TypeScript features) and evaluation"
"$PY" models/risk/simulate.py --population parity --out models/risk/data/parity.npz \
  --events-json test/risk/fixtures/parity-events.json
node_modules/.bin/tsx models/risk/eval.ts
