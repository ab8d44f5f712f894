#!/usr/bin/env bash
# Makes the source prompt that `prompt:init=transfer,from=models/nano-world/source-prompt` starts
# downstream prompts from (prompt transfer, SPoT): the paper-recipe prompt (length 64, both stacks)
# trained on the default model's own pretraining mixture (caption, refcoco, vqa of the pretraining
# split, world seed 1), the model frozen. Resumable: rerun the same command after an interruption.
#   bash scripts/make_source_prompt.sh [RUN_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
run=${1:-runs/source-prompt}
ofapt=${OFAPT:-build/ofapt}  # OFAPT=path runs another binary (e.g. a copy, while build/ is rebuilt)
mkdir -p "$run"
if [[ ! -f $run/world/world.json ]]; then
  # The first 2,000 images of the default model's pretraining world (every image has its own seed
  # stream, so they are the same images and rows).
  $ofapt synth --split pretrain --seed 1 --train-images 2000 --val-images 100 --expressions-per-image 6 \
    --out "$run/world" --quiet
fi
$ofapt pretrain --world "$run/world" --output "$run/train" --model models/nano-world \
  --method prompt:length=64,depth=both --seed 1 --steps 1500 --batch-size 16 --lr 0.03 --valid-every 500 \
  --save-every 250 --log-every 50
rm -rf models/nano-world/source-prompt.tmp
cp -r "$run/train/best" models/nano-world/source-prompt.tmp
cp "$run/train/train_log.jsonl" models/nano-world/source-prompt.tmp/train_log.jsonl
rm -rf models/nano-world/source-prompt
mv models/nano-world/source-prompt.tmp models/nano-world/source-prompt
echo "models/nano-world/source-prompt: $(du -sh models/nano-world/source-prompt | cut -f1)"
