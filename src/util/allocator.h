// glibc's malloc serves large blocks with fresh mmaps and unmaps them on free, so every training
// step re-faults its large tensors (logits over the 59,457-token vocabulary, their gradients) page
// by page: a profile of `ofapt pretrain` showed 28 % of its time in page faults. With glibc told to
// keep freed memory in the heap (MALLOC_MMAP_MAX_=0, MALLOC_TRIM_THRESHOLD_ high) the same run goes
// 2.2x faster with identical losses (bench/results/allocator_cpu.jsonl). The cost: the process keeps
// its peak memory instead of returning it to the system.
//
// The settings only take effect when glibc reads them at start-up: mallopt() called from main, after
// LibTorch and OpenBLAS have loaded, was measured to change nothing. So the training commands
// re-execute themselves once with the variables set.
#pragma once

namespace ofapt {

// When the variables are not set yet: sets them and replaces the process with a fresh run of the same
// executable and arguments (so it does not return). When they are set, or on a system without
// glibc or /proc/self/exe, returns and the run goes on with the default allocator.
// OFAPT_SYSTEM_MALLOC=1 turns this off.
void reexec_with_reusing_allocator(char** argv);

}  // namespace ofapt
