#!/usr/bin/env bash
# Records data-parallel prompt tuning on this machine's CPU (bench/results/data_parallel_cpu.jsonl):
# the shipped nano model on the downstream world's snli_ve (300 rows), global batch
# 16 per update, prompt tuning and full finetuning (whose all-reduce carries all 13 M gradients),
# as 1 process (all cores), 2 processes (--nproc 2, the cores shared out) and, where
# there are 4+ cores, 4 processes. Throughput is the mean samples/s of the log windows after the first
# epoch (which fills the frozen-feature cache); the summary's seconds are the whole run.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/record.sh
out=bench/results/data_parallel_cpu.jsonl
work=$(mktemp -d /tmp/ofapt-data-parallel-XXXXXX)
trap 'rm -rf "$work"' EXIT
build/ofapt synth --split downstream --seed 1 --train-images 100 --val-images 10 --out "$work/world" >/dev/null 2>&1

# `tune_run METHOD NPROC BATCH UPDATE_FREQ`: one run (NPROC x BATCH x UPDATE_FREQ = 16 rows per
# update); prints a JSON object with the exact command.
tune_run() {
  local method=$1 nproc=$2 batch=$3 update_freq=$4 dir="$work/run-$1-$2"
  local cmd="build/ofapt tune --task snli_ve --model models/nano-world --train $work/world/snli_ve_train.tsv \
--image-size 128 --max-image-size 128 --method $method --batch-size $batch --update-freq $update_freq \
--nproc $nproc --steps 80 --log-every 10 --quiet --output $dir"
  $cmd > "$dir.summary" 2>/dev/null
  local rate
  rate=$(grep '"event":"train"' "$dir/train_log.jsonl" | awk -F'"samples_per_second":' '{split($2, a, /[,}]/); if (NR > 2) {s += a[1]; n++}} END {printf "%.2f", s / n}')
  echo "{\"tune_command\": \"${cmd//\\/}\", \"processes\": $nproc, \"global_batch\": 16, \"samples_per_s_after_epoch_1\": $rate, \"run\": $(cat "$dir.summary")}"
}
export -f tune_run
export work
: > $out.tmp
for method in prompt:length=64 finetune; do
  record "tune_run $method 1 8 2" $out.tmp
  record "tune_run $method 2 8 1" $out.tmp
  if [ "$(nproc)" -ge 4 ]; then record "tune_run $method 4 4 1" $out.tmp; fi
done
mv $out.tmp $out
cat $out
