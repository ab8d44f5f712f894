#!/usr/bin/env bash
# Records the CPU train-step benchmark (tiny preset, batch 8, 256 px) for every method, with and
# without the frozen-feature cache, into bench/results/train_step_cpu.jsonl.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/record.sh
out=bench/results/train_step_cpu.jsonl
: > $out.tmp
for method in "prompt:length=64" "prompt:length=64,reparam=mlp" "adapter:dim=100" "bitfit" "lora:rank=8" "finetune"; do
  for cache in --cache --no-cache; do
    if [[ $method == finetune && $cache == --cache ]]; then continue; fi  # finetuning trains the ResNet: no cache
    cmd="build/bench/train_step_bench --preset tiny --method $method --batch 8 --image-size 256 --steps 12 --warmup 4 $cache"
    record "$cmd" $out.tmp
  done
done
mv $out.tmp $out
cat $out
