// Full finetuning: every model parameter trains, in place (the baseline OFA-PT is measured against).
//
// Spec: finetune:freeze=none
//   freeze   none | embeddings (the shared token embedding, as the caption/VQA scripts do) |
//            resnet (the image backbone stays frozen in eval mode) | embeddings+resnet
// Its tuned-task file is a whole model state (the price prompt tuning avoids).
#pragma once

#include "tuning/tuning_method.h"
#include "tuning/tuning_spec.h"

namespace ofapt {

class FullFinetuning : public TuningMethod {
 public:
  explicit FullFinetuning(SpecReader spec);

  void attach(OfaModel model) override;
  TensorMap trainable_tensors() override;
  TensorMap export_tensors() override;  // the whole model state, buffers included
  void load_tensors(const TensorMap& tensors, const std::string& source) override;
  bool trains_image_backbone() const override { return !freeze_resnet_; }

 private:
  bool freeze_embeddings_ = false, freeze_resnet_ = false;
};

}  // namespace ofapt
