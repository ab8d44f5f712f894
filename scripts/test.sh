#!/usr/bin/env bash
# Sets up (scripts/setup.sh), builds and runs the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
OFAPT_SETUP_FOR_TESTS=1 bash scripts/setup.sh
ctest --test-dir build --output-on-failure --parallel 2 --timeout 900 "$@"
