// Grounding Acc@0.5 exactly as OFA's eval_refcoco / RefcocoTask._calculate_ap_score (ofa-spec 12.3,
// utils/eval_utils.py): intersection box [max x0, max y0, min x1, min y1]; areas are
// (x1 - x0) * (y1 - y0) with no +1; IoU = area_i / (area_p + area_g - area_i + 1e-6); a hit needs
// IoU >= threshold and a positive intersection width and height.
#pragma once

#include <vector>

namespace ofapt {

struct Box {
  double x0 = 0, y0 = 0, x1 = 0, y1 = 0;  // corners in original-image pixels
};

struct GroundingOptions {
  double iou_threshold = 0.5;  // Acc@0.5
};

// The reference's IoU formula as written. For disjoint boxes the intersection width and height
// are negative and their product can be positive; grounding_hit rejects those by the sign test.
double box_iou(const Box& prediction, const Box& target);

// The plain IoU, 0 for boxes that do not overlap: what a per-row report shows. Equal to box_iou
// whenever the boxes overlap, so it agrees with grounding_hit on every hit.
double overlap_iou(const Box& prediction, const Box& target);

bool grounding_hit(const Box& prediction, const Box& target, const GroundingOptions& options = {});

// Fraction of hits; predictions[i] goes with targets[i].
double grounding_accuracy(const std::vector<Box>& predictions, const std::vector<Box>& targets,
                          const GroundingOptions& options = {});

}  // namespace ofapt
