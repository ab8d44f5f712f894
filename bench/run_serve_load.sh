#!/usr/bin/env bash
# Records the serving benchmark (issue 7) into bench/results/serve_load_cpu.jsonl:
#  - throughput and latency with 0 (bare model), 1, 8 and 64 distinct prompts among 64 concurrent
#    clients and batches of up to 64 (the goal: 64 distinct at >= 0.9x the 1-prompt requests/s);
#  - memory with 1, 100 and 10,000 prompts registered.
# Run from the repository root after building (bench/ targets): bash bench/run_serve_load.sh [BUILD_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/record.sh
bench=${1:-build}/bench/serve_load_bench
out=bench/results/serve_load_cpu.jsonl
: > $out.tmp
for distinct in 1 8 64 0; do
  record "$bench --task caption --registered 64 --distinct $distinct --clients 64 --max-batch 64 --requests 256 --beam 5" $out.tmp
done
for registered in 1 100 10000; do
  record "$bench --task caption --registered $registered --distinct 1 --clients 4 --max-batch 4 --requests 16 --beam 5" $out.tmp
done
mv $out.tmp $out
cat $out
