#!/usr/bin/env bash
# The main job on the embedded default. Until ofapt ships its own pretrained default model,
# this is a smoke run: build a random-weight micro OFA, describe it, score and generate.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
out=build/demo
mkdir -p $out
./build/ofapt init --preset micro --seed 1 --out $out/micro-model
./build/ofapt info --model $out/micro-model
./build/ofapt synth-image --size 64 --seed 3 --out $out/image.png
./build/ofapt score --model $out/micro-model --image $out/image.png --image-size 64 \
  --source " what does the image describe?" --target " a red square"
./build/ofapt generate --model $out/micro-model --image $out/image.png --image-size 64 \
  --source " what does the image describe?" --beam 5 --max-len 8
