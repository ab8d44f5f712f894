// IoU and Acc@0.5 as OFA's _calculate_ap_score.
#include "metrics/box_iou.h"

#include <algorithm>

#include "util/error.h"

namespace ofapt {
namespace {

struct Intersection {
  double width, height;
};

Intersection intersect(const Box& p, const Box& g) {
  return {std::min(p.x1, g.x1) - std::max(p.x0, g.x0), std::min(p.y1, g.y1) - std::max(p.y0, g.y0)};
}

double area(const Box& b) { return (b.x1 - b.x0) * (b.y1 - b.y0); }

}  // namespace

double box_iou(const Box& prediction, const Box& target) {
  const Intersection i = intersect(prediction, target);
  const double area_i = i.width * i.height;
  return area_i / (area(prediction) + area(target) - area_i + 1e-6);
}

double overlap_iou(const Box& prediction, const Box& target) {
  const Intersection i = intersect(prediction, target);
  return i.width > 0 && i.height > 0 ? box_iou(prediction, target) : 0.0;
}

bool grounding_hit(const Box& prediction, const Box& target, const GroundingOptions& options) {
  const Intersection i = intersect(prediction, target);
  return box_iou(prediction, target) >= options.iou_threshold && i.width > 0 && i.height > 0;
}

double grounding_accuracy(const std::vector<Box>& predictions, const std::vector<Box>& targets,
                          const GroundingOptions& options) {
  OFAPT_CHECK(predictions.size() == targets.size(), ErrorKind::kInput, "grounding accuracy: ",
              predictions.size(), " predictions but ", targets.size(), " target boxes");
  OFAPT_CHECK(!predictions.empty(), ErrorKind::kInput, "grounding accuracy: no boxes to score");
  size_t hits = 0;
  for (size_t k = 0; k < predictions.size(); ++k) hits += grounding_hit(predictions[k], targets[k], options);
  return static_cast<double>(hits) / static_cast<double>(predictions.size());
}

}  // namespace ofapt
