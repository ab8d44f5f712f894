#!/usr/bin/env bash
# The serve throughput goal against the noise (issue 7): the 1-prompt and the 64-distinct-prompt
# loads of run_serve_load.sh, alternated ROUNDS times (default 3) so that drift of the machine hits
# both alike, into bench/results/serve_repeats_cpu.jsonl. Compare the medians.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/record.sh
bench=${1:-build}/bench/serve_load_bench
rounds=${ROUNDS:-3}
out=bench/results/serve_repeats_cpu.jsonl
: > $out.tmp
for round in $(seq "$rounds"); do
  for distinct in 1 64; do
    record "$bench --task caption --registered 64 --distinct $distinct --clients 64 --max-batch 64 --requests 256 --beam 5" $out.tmp
  done
done
mv $out.tmp $out
grep -o '"distinct":[0-9]*\|"requests_per_s":[0-9.]*' $out | paste - - 
