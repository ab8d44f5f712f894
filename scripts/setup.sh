#!/usr/bin/env bash
# Installs what ofapt needs on Debian 12 (only what is missing), fetches the GPT-2 BPE files
# (pinned, checksum-checked) and builds incrementally into build/. Safe to run again.
#   bash scripts/setup.sh [TARGET...]   (default: everything; scripts/demo.sh builds only `ofapt`)
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(build-essential cmake ninja-build pkg-config curl libtorch-dev libopenblas0-pthread
          libgtest-dev libbenchmark-dev nlohmann-json3-dev libcli11-dev libjpeg62-turbo-dev libpng-dev
          libcpp-httplib-dev gnuplot-nox libgloo-dev)
# OFAPT_SETUP_FOR_TESTS=1 (scripts/test.sh): also what only the tests use; the serve playground page
# is driven in headless Chromium.
if [ "${OFAPT_SETUP_FOR_TESTS:-0}" = 1 ]; then packages+=(chromium); fi
missing=()
# npm may come from outside Debian (e.g. NodeSource); any working npm will do.
command -v npm >/dev/null || missing+=(npm)
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  sudo_cmd=""; [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

bash scripts/fetch_bpe.sh

generator=(); command -v ninja >/dev/null && generator=(-G Ninja)
if [ ! -f build/CMakeCache.txt ]; then
  cmake -S . -B build "${generator[@]}" -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
targets=(); for t in "$@"; do targets+=(--target "$t"); done
cmake --build build --parallel "$(nproc)" "${targets[@]}"
