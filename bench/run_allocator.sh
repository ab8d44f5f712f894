#!/usr/bin/env bash
# Train-step time of the nano preset (whole model trained, as `ofapt pretrain` does) with glibc's
# default allocator vs keep_freed_memory_for_reuse (util/allocator.h), into
# bench/results/allocator_cpu.jsonl.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/record.sh
out=bench/results/allocator_cpu.jsonl
: > $out.tmp
for allocator in system reuse; do
  cmd="build/bench/train_step_bench --preset nano --method finetune --batch 16 --image-size 128 --source-len 16 --target-len 16 --steps 10 --warmup 3 --no-cache --allocator $allocator"
  record "$cmd" $out.tmp
done
mv $out.tmp $out
cat $out
