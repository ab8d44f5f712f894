#!/usr/bin/env bash
# Records serve's /v1/score path (bench/score_bench): N targets after one input with one encoder pass
# per target (the copies) vs one in all, nano preset, 128 px, into bench/results/score_cpu.jsonl.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/record.sh
out=bench/results/score_cpu.jsonl
: > $out.tmp
for targets in 1 2 8 32; do record "build/bench/score_bench --preset nano --image-size 128 --targets $targets" $out.tmp; done
mv $out.tmp $out
cat $out
