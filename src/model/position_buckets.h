// Relative-position bucket tables (ofa-spec 4.2). They are regenerated here, never loaded:
// a checkpoint's copies are ignored so a corrupt or stale buffer cannot change the model.
#pragma once

#include <torch/torch.h>

namespace ofapt {

// [max_position, max_position] int64 indices into a (2*bucket_size-1)-row table: exact for |i-j| <= bucket/2,
// log-spaced beyond. Computed with the same float32 ops as the reference so the buckets are bit-identical.
torch::Tensor make_token_bucket_position(int64_t bucket_size, int64_t max_position);

// [side^2+1, side^2+1] int64 indices into a ((2*side-1)^2+3)-row table over position id 0 (special)
// and the side x side canvas of image patches.
torch::Tensor make_image_bucket_position(int64_t side);

// Position ids of an h x w patch grid on the side-wide canvas: r*side + c + 1, row-major, [h*w].
torch::Tensor image_position_ids(int64_t h, int64_t w, int64_t side);

}  // namespace ofapt
