#!/usr/bin/env bash
# The numbers of the default model's card (models/nano-world/README.md): for each task and seed,
# `ofapt demo` with full finetuning and training from scratch beside prompt tuning, then one
# summary line per run. Seeds set both the downstream world (--seed) and the tuning (--tune-seed).
#   TASKS="snli_ve vqa" SEEDS="1 2 3" bash scripts/measure_default_model.sh [OUT_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-runs/model-card}
ofapt=${OFAPT:-build/ofapt}
mkdir -p "$out"
finetune_lr=${FINETUNE_LR:-5e-4}
for task in ${TASKS:-snli_ve vqa}; do
  for seed in ${SEEDS:-1 2 3}; do
    work=$out/$task-seed$seed
    [[ -f $work/demo_results.json ]] && continue  # resumable: finished runs are kept
    $ofapt demo --task "$task" --seed "$seed" --tune-seed "$seed" --work "$work" \
      --compare-finetune --compare-scratch --finetune-lr "$finetune_lr" "${@:2}"
  done
done
jq -r '. as $r | .runs[] | [$r.task, $r.world_seed, .method, .before, .after, .seconds] | @tsv' \
  "$out"/*/demo_results.json
