#!/usr/bin/env bash
# Run HERE (Debian 12), before a device session: downloads the Debian packages that the GPU
# machine's image lacks (it has CUDA, PyTorch, CMake and ninja, and reaches no registry) into
# .gpu-deps/ (git-ignored), with their sha256 in .gpu-deps/SHA256SUMS, which scripts/gpu_check.sh
# checks there. Then: device run with carry [".gpu-deps", ".deps"] and `bash scripts/gpu_check.sh`.
# Not carried: libgloo-dev. Its headers are of another Gloo than the one inside the wheel's LibTorch,
# and ProcessGroupGloo.hpp defines classes over them inline; without them the CUDA build has no
# Gloo (one process, or NCCL where its headers are found).
set -euo pipefail
cd "$(dirname "$0")/.."
packages=(nlohmann-json3-dev libcli11-dev libgtest-dev libjpeg62-turbo-dev libjpeg62-turbo libpng-dev libpng16-16
          zlib1g-dev libcpp-httplib-dev libcpp-httplib0.11 libbrotli1 libbrotli-dev libssl-dev)
rm -rf .gpu-deps && mkdir -p .gpu-deps
(cd .gpu-deps && apt-get download "${packages[@]}" 2>/dev/null && sha256sum ./*.deb > SHA256SUMS)
bash scripts/fetch_bpe.sh >/dev/null
echo "gpu_prepare: $(ls .gpu-deps/*.deb | wc -l) packages, $(du -sh .gpu-deps | cut -f1) in .gpu-deps/"
