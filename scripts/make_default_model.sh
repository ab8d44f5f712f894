#!/usr/bin/env bash
# Makes the default model `ofapt demo` runs: the synthetic world's pretraining split (seed 1), then
# `ofapt pretrain` of the nano preset on it, stored float16 in models/nano-world/. Resumable: rerun
# the same command after an interruption and it continues from the last checkpoint (every 100 steps).
#   bash scripts/make_default_model.sh [RUN_DIR] [DEVICE]
# RUN_DIR (default runs/nano-pretrain) keeps the data, log and resumable state; DEVICE is cpu or cuda.
set -euo pipefail
cd "$(dirname "$0")/.."
run=${1:-runs/nano-pretrain}
device=${2:-cpu}
ofapt=${OFAPT:-build/ofapt}  # OFAPT=path runs another binary (e.g. a copy, while build/ is rebuilt)
mkdir -p "$run"
if [[ ! -f $run/world/world.json ]]; then
  $ofapt synth --split pretrain --seed 1 --train-images 4000 --val-images 100 --out "$run/world" --quiet
fi
$ofapt pretrain --world "$run/world" --output "$run/train" --preset nano --init-seed 1 --seed 1 \
  --steps 4000 --batch-size 16 --lr 5e-4 --valid-every 500 --save-every 100 --log-every 50 --device "$device"
mkdir -p models
rm -rf models/nano-world.tmp
cp -r "$run/train/model" models/nano-world.tmp
rm -rf models/nano-world
mv models/nano-world.tmp models/nano-world
echo "models/nano-world: $(du -sh models/nano-world | cut -f1)"
