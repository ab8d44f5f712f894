// glibc's malloc serves large blocks with fresh mmaps and unmaps them on free, so every training
// step re-faults its large tensors (logits over the 59,457-token vocabulary, their gradients) page
// by page: a profile of `ofapt pretrain` showed 28 % of its time in page faults. With glibc told to
// keep freed memory in the heap (MALLOC_MMAP_MAX_=0, MALLOC_TRIM_THRESHOLD_ high) the same run goes
// 2.2x faster with identical losses (bench/results/allocator_cpu.jsonl). The cost: the process keeps
// its peak memory instead of returning it to the system.
//
// The settings only take effect when glibc reads them at start-up: mallopt() called from main, after
// LibTorch and OpenBLAS have loaded, was measured to change nothing. So the training commands set
// them and re-execute themselves once (util/reexec.h).
#pragma once

namespace ofapt {

// Sets the variables unless they are set already or OFAPT_SYSTEM_MALLOC is; true when it set them,
// so the caller must re-execute for them to take effect. Does nothing without glibc.
bool request_reusing_allocator();

}  // namespace ofapt
