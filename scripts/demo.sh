#!/usr/bin/env bash
# The main job on the embedded default: sets up and builds the `ofapt` binary only, then runs
# `ofapt demo` on the shipped nano world model (models/nano-world): the downstream world's data,
# zero-shot score, prompt tuning (length 64, both stacks), score after, and the results table.
# Extra arguments go to `ofapt demo` (e.g. --task vqa, --steps 1000, --compare-finetune).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh ofapt
./build/ofapt demo --work build/demo "$@"
