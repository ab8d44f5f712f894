#!/usr/bin/env bash
# Records the data-pipeline benchmark into bench/results/data_pipeline_cpu.jsonl.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/record.sh
out=bench/results/data_pipeline_cpu.jsonl
: > $out.tmp
for args in "--original-size 640 --image-size 480 --threads 1" "--original-size 640 --image-size 480 --threads 2" \
            "--original-size 320 --image-size 256 --threads 2"; do
  cmd="build/bench/data_pipeline_bench --rows 64 --prefetch 2 $args"
  record "$cmd" $out.tmp
done
mv $out.tmp $out
cat $out
