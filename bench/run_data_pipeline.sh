#!/usr/bin/env bash
# Records the data-pipeline benchmark into bench/results/data_pipeline_cpu.jsonl.
set -euo pipefail
cd "$(dirname "$0")/.."
out=bench/results/data_pipeline_cpu.jsonl
: > $out.tmp
for args in "--original-size 640 --image-size 480 --threads 1" "--original-size 640 --image-size 480 --threads 2" \
            "--original-size 320 --image-size 256 --threads 2"; do
  cmd="build/bench/data_pipeline_bench --rows 64 --prefetch 2 $args"
  result=$($cmd)
  echo "{\"command\": \"$cmd\", \"host\": \"$(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)\", \"load\": \"$(cut -d' ' -f1-3 /proc/loadavg)\", \"date\": \"$(date -u +%F)\", \"result\": $result}" >> $out.tmp
done
mv $out.tmp $out
cat $out
