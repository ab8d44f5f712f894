#include "attack/adversarial_attack.h"


#include <ATen/CPUGeneratorImpl.h>

#include <cmath>
#include <cstdio>

#include "util/error.h"

namespace ofapt {
namespace {

// What an attack moves: the clean values and the per-element L-inf radius around them.
struct AttackVariables {
  std::vector<torch::Tensor> origin, radius;
};

// Pixels are normalised to [-1, 1], so one of 255 levels is 2/255 there.
AttackVariables pixel_variables(const EncoderInput& clean, double epsilon) {
  return {{clean.images}, {torch::full_like(clean.images, 2.0 * epsilon / 255.0)}};
}

// Token embeddings [B, L, d] and ResNet features [B, C, h, w]; the radius of a position is epsilon
// times the RMS of its vector, so tokens and image patches are perturbed in proportion to their scale.
AttackVariables embedding_variables(OfaModel& model, const EncoderInput& clean, double epsilon) {
  torch::NoGradGuard no_grad;
  auto tokens = model->embed_tokens()(clean.tokens);
  auto features =
      clean.image_features.defined() ? clean.image_features : model->encoder()->embed_images()(clean.images);
  auto rms = [&](const torch::Tensor& x, int64_t dim) {
    return (x.square().mean(dim, /*keepdim=*/true).sqrt() * epsilon).expand_as(x).contiguous();
  };
  return {{tokens, features}, {rms(tokens, -1), rms(features, 1)}};
}

EncoderInput perturbed(const EncoderInput& clean, const std::string& space, const AttackVariables& variables,
                       const std::vector<torch::Tensor>& delta) {
  EncoderInput input = clean;
  if (space == "pixel") {
    input.images = variables.origin[0] + delta[0];
  } else {
    input.token_embeddings = variables.origin[0] + delta[0];
    input.image_features = variables.origin[1] + delta[1];
    input.images = torch::Tensor();
  }
  return input;
}

torch::Tensor clamp_to(const torch::Tensor& x, const torch::Tensor& radius) {
  return torch::max(torch::min(x, radius), -radius);
}

}  // namespace

std::string AttackOptions::name() const {
  char text[96];
  std::snprintf(text, sizeof text, "%s-%s-eps%g", method.c_str(), space.c_str(), epsilon);
  return text;
}

void AttackOptions::check() const {
  OFAPT_CHECK(method == "fgsm" || method == "pgd", ErrorKind::kUsage, "attack method '", method, "': use fgsm or pgd");
  OFAPT_CHECK(space == "pixel" || space == "embedding", ErrorKind::kUsage, "attack space '", space,
              "': use pixel or embedding");
  OFAPT_CHECK(epsilon >= 0.0 && std::isfinite(epsilon), ErrorKind::kUsage, "attack epsilon ", epsilon,
              ": must be finite and >= 0");
  OFAPT_CHECK(method == "fgsm" || steps >= 1, ErrorKind::kUsage, "pgd steps ", steps, ": must be >= 1");
  OFAPT_CHECK(step_size >= 0.0, ErrorKind::kUsage, "pgd step size ", step_size, ": must be >= 0");
}

EncoderInput attack_batch(OfaModel& model, const PromptKV& prompt, const Batch& batch, const AttackOptions& options) {
  options.check();
  OFAPT_CHECK(batch.input.images.defined(), ErrorKind::kUsage, "an attack needs image inputs");
  torch::AutoGradMode enable_grad(true);
  const EncoderInput& clean = batch.input;
  const AttackVariables variables = options.space == "pixel" ? pixel_variables(clean, options.epsilon)
                                                             : embedding_variables(model, clean, options.epsilon);
  const bool pgd = options.method == "pgd";
  const double step_fraction = !pgd                    ? 1.0
                               : options.step_size > 0 ? options.step_size / options.epsilon
                                                       : 2.5 / static_cast<double>(options.steps);
  auto generator = at::detail::createCPUGenerator(options.seed);
  std::vector<torch::Tensor> delta;
  for (const auto& radius : variables.radius) {
    auto start = torch::zeros_like(radius);
    if (pgd && options.random_start) {
      start = ((at::rand(radius.sizes(), generator) * 2 - 1).to(radius.device()) * radius);
    }
    delta.push_back(start);
  }
  const int64_t vocab = model->config().vocab_size;
  const int64_t pad = model->config().pad_token_id;
  for (int64_t step = 0; step < (pgd ? options.steps : 1); ++step) {
    for (auto& d : delta) d.requires_grad_(true);
    const auto logits = model->forward(perturbed(clean, options.space, variables, delta), batch.prev_output, prompt);
    const auto loss =
        torch::nn::functional::cross_entropy(logits.reshape({-1, vocab}).to(torch::kFloat), batch.target.reshape({-1}),
                                             torch::nn::functional::CrossEntropyFuncOptions().ignore_index(pad));
    const auto gradients = torch::autograd::grad({loss}, delta);
    torch::NoGradGuard no_grad;
    for (size_t k = 0; k < delta.size(); ++k) {
      const auto& radius = variables.radius[k];
      auto moved = clamp_to(delta[k].detach() + step_fraction * radius * gradients[k].sign(), radius);
      // Pixels stay inside the image range.
      if (options.space == "pixel") moved = (variables.origin[k] + moved).clamp(-1.0, 1.0) - variables.origin[k];
      delta[k] = moved;
    }
  }
  torch::NoGradGuard no_grad;
  for (auto& d : delta) d = d.detach();
  return perturbed(clean, options.space, variables, delta);
}

std::function<InputEdit(const std::vector<TaskExample>&)> adversarial_inputs(OfaModel model, PromptFor prompt,
                                                                             AttackOptions options,
                                                                             torch::Device device) {
  options.check();
  return
      [model, prompt = std::move(prompt), options, device](const std::vector<TaskExample>& rows) mutable -> InputEdit {
        const auto& config = model->config();
        std::vector<Example> examples;
        std::vector<int64_t> indices;
        for (const auto& row : rows) {
          indices.push_back(static_cast<int64_t>(examples.size()));
          examples.push_back(row.example);
        }
        const Batch batch = collate(examples, indices, {config.pad_token_id, config.bos_token_id, 0, 0}).to(device);
        const EncoderInput attacked = attack_batch(model, prompt(indices), batch, options);
        // The predictor collates a subset of these rows (one row, or all of them): take those rows, and
        // as many token positions as its own padding has.
        return [attacked](EncoderInput& input, const std::vector<int64_t>& which) {
          const auto index = torch::tensor(which, torch::kLong).to(input.tokens.device());
          const int64_t length = input.tokens.size(1);
          if (attacked.token_embeddings.defined()) {
            input.token_embeddings = attacked.token_embeddings.index_select(0, index).narrow(1, 0, length);
          }
          if (attacked.image_features.defined()) {
            input.image_features = attacked.image_features.index_select(0, index);
            input.images = torch::Tensor();
          }
          if (attacked.images.defined()) input.images = attacked.images.index_select(0, index);
        };
      };
}

}  // namespace ofapt
