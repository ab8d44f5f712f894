#!/usr/bin/env bash
# Makes the default model `ofapt demo` runs (v2, models/nano-world/README.md): the synthetic world's
# pretraining split (seed 1, grounding-weighted: 6 referring expressions per image), then `ofapt
# pretrain` of the nano preset on it, stored float16 in models/nano-world/. Resumable: rerun the same
# command after an interruption and it continues from the last checkpoint (every 1,000 updates).
#   bash scripts/make_default_model.sh [RUN_DIR] [DEVICE]
# RUN_DIR (default runs/nano-pretrain) keeps the data, log and resumable state; DEVICE is cpu or cuda.
# v2 was made with DEVICE=cuda on one H200 (5.4 minutes of training); on a 2-core CPU the same
# 4,400 updates of batch 64 would take about 5 hours.
set -euo pipefail
cd "$(dirname "$0")/.."
run=${1:-runs/nano-pretrain}
device=${2:-cpu}
ofapt=${OFAPT:-build/ofapt}  # OFAPT=path runs another binary (e.g. a copy, while build/ is rebuilt)
mkdir -p "$run"
if [[ ! -f $run/world/world.json ]]; then
  $ofapt synth --split pretrain --seed 1 --train-images 8000 --val-images 100 --expressions-per-image 6 \
    --out "$run/world" --quiet
fi
$ofapt pretrain --world "$run/world" --output "$run/train" --preset nano --init-seed 1 --seed 1 \
  --steps 4400 --batch-size 64 --lr 1e-3 --valid-every 1100 --save-every 1000 --log-every 400 --device "$device"
mkdir -p models
rm -rf models/nano-world.tmp
cp -r "$run/train/model" models/nano-world.tmp
cp "$run/train/train_log.jsonl" models/nano-world.tmp/pretrain_log.jsonl
cp models/nano-world/README.md models/nano-world.tmp/ 2>/dev/null || true  # the card stays
rm -rf models/nano-world
mv models/nano-world.tmp models/nano-world
echo "models/nano-world: $(du -sh models/nano-world | cut -f1)"
