#!/usr/bin/env bash
# Run THERE, on the GPU machine (device tool; after scripts/gpu_prepare.sh here, carrying .gpu-deps
# and .deps): builds ofapt against the LibTorch inside the machine's PyTorch 2.x wheel, with CUDA,
# runs the tests labelled gpu (and unit, model), and records the GPU benchmarks. Results go to $OUT
# (or bench/results when $OUT is unset): gpu_check.log, train_step_gpu.jsonl (ofapt's train step and
# generation), reference_gpu.jsonl (the same shapes in eager PyTorch).
#   device run: bash scripts/gpu_check.sh        (about 5-8 minutes; timeout_s 600)
set -uo pipefail
cd "$(dirname "$0")/.."
out=${OUT:-bench/results}
mkdir -p "$out"
log=$out/gpu_check.log
exec > >(tee "$log") 2>&1
step() { echo; echo "== $* ($(date -u +%T))"; }

step "machine"
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader || true
python3 -c 'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda, torch.cuda.get_device_name(0))'
torch_prefix=$(python3 -c 'import torch; print(torch.utils.cmake_prefix_path)')
torch_lib=$(python3 -c 'import torch, os; print(os.path.join(os.path.dirname(torch.__file__), "lib"))')
ls "$(dirname "$torch_prefix")/../include/gloo" >/dev/null 2>&1 && echo "wheel has include/gloo" || echo "wheel has no include/gloo"

step "carried Debian packages"
(cd .gpu-deps && sha256sum -c --quiet SHA256SUMS) || { echo "gpu_check: .gpu-deps is missing or damaged; run scripts/gpu_prepare.sh here and carry it"; exit 1; }
prefix=/tmp/ofapt-gpu-deps
rm -rf $prefix && mkdir -p $prefix
for deb in .gpu-deps/*.deb; do dpkg -x "$deb" $prefix; done
libs=$prefix/usr/lib/x86_64-linux-gnu
export LD_LIBRARY_PATH=$libs:$torch_lib:${LD_LIBRARY_PATH:-}
# pkg-config (where the image has one) reads only the carried .pc files, whose /usr paths point into
# the prefix; without pkg-config, CMakeLists.txt spells out httplib's flags.
export PKG_CONFIG_LIBDIR=/nonexistent PKG_CONFIG_SYSROOT_DIR=$prefix

step "configure and build (CUDA)"
cmake -S . -B build-cuda -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_PREFIX_PATH="$torch_prefix;$prefix/usr" -DCMAKE_INCLUDE_PATH=$prefix/usr/include \
  -DCMAKE_LIBRARY_PATH=$libs -DCMAKE_CXX_FLAGS="-isystem $prefix/usr/include/x86_64-linux-gnu" \
  -DOFAPT_SHARED_DIR=/nonexistent || exit 1
cmake -LA -N build-cuda | grep -E "^OFAPT_" || true
cmake --build build-cuda --parallel "$(nproc)" --target ofapt test_gpu test_train test_dist test_model train_step_bench || exit 1

step "tests: gpu, then unit and model"
ctest --test-dir build-cuda -L gpu --output-on-failure --timeout 300
ctest --test-dir build-cuda -L "unit|model" -R "Cuda|Trainer|DataParallel|Generator|Model" --output-on-failure --timeout 300 --parallel 8

step "benchmarks"
bench=$out/train_step_gpu.jsonl
: > $bench
source bench/record.sh
for method in "prompt:length=64" "prompt:length=64,reparam=mlp" "adapter:dim=100" "bitfit" "lora:rank=8" "finetune"; do
  cache=--cache; [[ $method == finetune ]] && cache=--no-cache
  record "build-cuda/bench/train_step_bench --preset base --device cuda --method $method --batch 32 --image-size 480 --source-len 20 --target-len 10 --steps 20 --warmup 4 $cache" $bench
done
for length in 0 64; do
  method=""; [[ $length -gt 0 ]] && method="--method prompt:length=$length"
  record "build-cuda/bench/generate_bench --preset base --device cuda --batch 16 --image-size 480 --beam 5 --max-len 16 $method" $bench
done
cat $bench

step "PyTorch reference (bench/reference/ofa_reference_bench.py, the same shapes)"
reference=$out/reference_gpu.jsonl
: > $reference
for run in "--method prompt --length 64 --batch 32" "--method finetune --batch 32" "--generate --length 0 --batch 16" "--generate --length 64 --batch 16"; do
  record "python3 bench/reference/ofa_reference_bench.py $run" $reference
done
cat $reference
step "done"
