#!/usr/bin/env bash
# Records the CPU forward-pass benchmark for the tiny and base shapes into bench/results/.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/record.sh
out=bench/results/forward_cpu.jsonl
: > $out.tmp
for args in "--preset tiny --batch 4 --image-size 256" "--preset base --batch 2 --image-size 384"; do
  cmd="build/bench/forward_bench $args --source-len 20 --target-len 20 --iterations 3"
  record "$cmd" $out.tmp
done
mv $out.tmp $out
cat $out
