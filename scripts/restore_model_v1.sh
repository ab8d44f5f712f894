#!/usr/bin/env bash
# Restores ofapt's first default model (models/nano-world until 2026-12-04: 4,000 updates of batch 16
# on a 2-core CPU, no grounding) from git history into models/nano-world-v1/ (git-ignored). The
# published study in docs/results was made on it, and its specs name it, so that study can be checked
# and resumed: `ofapt study docs/results/study-nano-world.json --out docs/results`.
#   bash scripts/restore_model_v1.sh
set -euo pipefail
cd "$(dirname "$0")/.."
commit=0e765ac9  # the last commit whose models/nano-world is v1
dir=models/nano-world-v1
git cat-file -e "$commit^{commit}" 2>/dev/null || {
  echo "restore_model_v1: commit $commit is not in this clone (shallow? run: git fetch --unshallow)" >&2
  exit 1
}
rm -rf "$dir.tmp" && mkdir -p "$dir.tmp"
for file in config.json model.safetensors README.md; do git show "$commit:models/nano-world/$file" > "$dir.tmp/$file"; done
rm -rf "$dir" && mv "$dir.tmp" "$dir"
echo "$dir: $(du -sh "$dir" | cut -f1)"
