#include "tuning/prefix_tuning.h"

#include <cstdlib>

#include "tuning/model_fingerprint.h"
#include "tuning/prefix_activation_init.h"
#include "tuning/tuned_task_file.h"
#include "util/error.h"

namespace ofapt {
namespace {

// "all", "i" or "i-j" -> [first, last] within [0, layers).
std::pair<int64_t, int64_t> parse_layer_range(const std::string& text, int64_t layers) {
  if (text == "all") return {0, layers - 1};
  const auto dash = text.find('-');
  char* end = nullptr;
  const int64_t first = std::strtoll(text.substr(0, dash).c_str(), &end, 10);
  bool ok = end != nullptr && *end == '\0' && !text.empty();
  int64_t last = first;
  if (dash != std::string::npos) {
    last = std::strtoll(text.substr(dash + 1).c_str(), &end, 10);
    ok = ok && end != nullptr && *end == '\0' && dash + 1 < text.size();
  }
  OFAPT_CHECK(ok, ErrorKind::kUsage, "tuning spec prompt: layers='", text, "' is not all, i or i-j");
  OFAPT_CHECK(0 <= first && first <= last && last < layers, ErrorKind::kUsage, "tuning spec prompt: layers=", text,
              " is outside the model's layers 0-", layers - 1);
  return {first, last};
}

}  // namespace

PrefixTuning::PrefixTuning(SpecReader spec, const OfaConfig& config) : TuningMethod("prompt"), config_(config) {
  if (spec.has("kind")) spec.choice("kind", "prefix", {"prefix", "input"});  // input: InputPromptTuning
  const int64_t length = spec.integer("length", 64, 1, 4096);
  const std::string depth = spec.choice("depth", "both", {"encoder", "decoder", "both"});
  const std::string layers = spec.text("layers", "all");
  const std::string reparam_name = spec.choice("reparam", "none", {"none", "mlp", "residual"});
  const PromptReparam reparam = reparam_name == "mlp"        ? PromptReparam::kMlp
                                : reparam_name == "residual" ? PromptReparam::kResidual
                                                             : PromptReparam::kNone;
  // MLP width: the reference's 2·d for mlp; a bottleneck of d for the residual MLP over 2·L·d rows.
  const int64_t hidden = reparam == PromptReparam::kNone
                             ? 0
                             : spec.integer("hidden", reparam == PromptReparam::kMlp ? 2 * config.d_model : config.d_model,
                                            1, 1 << 20);
  dropout_ = spec.number("dropout", 0.2, 0.0, 0.99);
  const double init_std = spec.number("init_std", 0.02, 0.0, 10.0);
  // Spelled out only when given, so the canonical spec of the reference recipe stays as it was.
  if (spec.has("init")) {
    const std::string init = spec.choice("init", "random", {"random", "activations", "transfer"});
    init_from_activations_ = init == "activations";
    if (init == "transfer") transfer_from_ = spec.text("from", "");
    OFAPT_CHECK(init != "transfer" || !transfer_from_.empty(), ErrorKind::kUsage,
                "tuning spec prompt: init=transfer needs from=<tuned-task dir> (the source prompt)");
  }
  OFAPT_CHECK(!((init_from_activations_ || !transfer_from_.empty()) && reparam == PromptReparam::kMlp),
              ErrorKind::kUsage, "tuning spec prompt: init=activations and init=transfer set the table itself, so "
              "they need reparam=none or residual");
  const bool gated = spec.has("gate") && spec.choice("gate", "none", {"none", "zero"}) == "zero";

  auto build_stack = [&](const std::string& stack, int64_t stack_layers, int64_t heads) {
    PromptStackOptions options;
    options.enabled = depth == "both" || depth == stack;
    if (!options.enabled) return std::make_pair(options, PromptEncoder{nullptr});
    // A per-stack length is spelled out only when given, so the canonical spec stays short.
    if (spec.has(stack + "_length")) options.length = spec.integer(stack + "_length", length, 1, 4096);
    else options.length = length;
    std::tie(options.first_layer, options.last_layer) = parse_layer_range(layers, stack_layers);
    PromptEncoderOptions encoder_options;
    encoder_options.length = options.length;
    encoder_options.layers = options.last_layer - options.first_layer + 1;
    encoder_options.embed_dim = config.d_model;
    encoder_options.heads = heads;
    encoder_options.reparam = reparam;
    encoder_options.mlp_hidden = hidden;
    encoder_options.init_std = init_std;
    encoder_options.residual_starts_at_table = init_from_activations_ || !transfer_from_.empty();
    return std::make_pair(options, PromptEncoder(register_module(stack + "_prompt_encoder", PromptEncoder(encoder_options))));
  };
  std::tie(encoder_, encoder_prompt_encoder_) = build_stack("encoder", config.encoder_layers,
                                                            config.encoder_attention_heads);
  std::tie(decoder_, decoder_prompt_encoder_) = build_stack("decoder", config.decoder_layers,
                                                            config.decoder_attention_heads);
  if (gated) {
    auto make_gate = [&](const std::string& stack, const PromptStackOptions& options, int64_t heads) {
      if (!options.enabled) return torch::Tensor();
      return register_parameter(stack + "_prompt_gate", torch::zeros({options.last_layer - options.first_layer + 1, heads}));
    };
    encoder_gate_ = make_gate("encoder", encoder_, config.encoder_attention_heads);
    decoder_gate_ = make_gate("decoder", decoder_, config.decoder_attention_heads);
  }
  spec.finish();
  set_spec(spec.canonical());

  // The exported file holds plain tables: the same spec without the MLP.
  TuningSpec exported = TuningSpec::parse(spec.canonical());
  exported.options["reparam"] = "none";
  exported.options.erase("hidden");
  exported.options.erase("init");  // how the tensors started does not matter to loading them
  exported.options.erase("from");
  export_spec_ = exported.to_string();
}

void PrefixTuning::attach(OfaModel model) {
  model_ = std::move(model);
  freeze_model();  // ofa-spec 9.7: everything but the prompt encoders
  if (!transfer_from_.empty()) initialize_from_source_prompt();
  to(model_->parameters().front().device());
}

// Prompt transfer (SPoT, Vu et al. 2022): start from a prompt trained on other tasks of the same
// base model (the pretraining mixture's, shipped beside the default model) instead of at random.
void PrefixTuning::initialize_from_source_prompt() {
  const TunedTask source = read_tuned_task(transfer_from_);
  OFAPT_CHECK(source.base == fingerprint_model(model_), ErrorKind::kSchema, transfer_from_,
              ": the source prompt was trained on another base model (weights ", source.base.weights_hash,
              "); init=transfer needs one of this model's prompts");
  torch::NoGradGuard no_grad;
  for (const std::string stack : {"encoder", "decoder"}) {
    const PromptStackOptions& options = stack_options(stack);
    if (!options.enabled) continue;
    const std::string name = stack + "." + stack + "_prompt_encoder.embedding.weight";
    const auto found = source.tensors.find(name);
    OFAPT_CHECK(found != source.tensors.end(), ErrorKind::kSchema, transfer_from_, ": the source prompt has no ",
                stack, " prompt (", name, ")");
    auto target = (stack == "encoder" ? encoder_prompt_encoder_ : decoder_prompt_encoder_)->embedding();
    OFAPT_CHECK(found->second.sizes() == target.sizes(), ErrorKind::kSchema, transfer_from_, ": the source's ", stack,
                " prompt is ", found->second.sizes(), ", this spec's is ", target.sizes(),
                " (length and prompted layers must match)");
    target.copy_(found->second.to(target.dtype()));
  }
}

void PrefixTuning::initialize_from_data(const EncoderInput& input, const torch::Tensor& prev_output) {
  if (!init_from_activations_) return;
  torch::NoGradGuard no_grad;
  for (const std::string stack : {"encoder", "decoder"}) {
    const PromptStackOptions& options = stack_options(stack);
    if (!options.enabled) continue;
    auto& encoder = stack == "encoder" ? encoder_prompt_encoder_ : decoder_prompt_encoder_;
    encoder->embedding().copy_(activation_prompt_table(model_, input, prev_output, stack, options.length,
                                                   options.first_layer, options.last_layer));
  }
}

const PromptStackOptions& PrefixTuning::stack_options(const std::string& stack) const {
  return stack == "encoder" ? encoder_ : decoder_;
}

int64_t PrefixTuning::heads(const std::string& stack) const {
  return stack == "encoder" ? config_.encoder_attention_heads : config_.decoder_attention_heads;
}

torch::Tensor PrefixTuning::gate(const std::string& stack) { return stack == "encoder" ? encoder_gate_ : decoder_gate_; }

torch::Tensor PrefixTuning::table(const std::string& stack) {
  auto& encoder = stack == "encoder" ? encoder_prompt_encoder_ : decoder_prompt_encoder_;
  return encoder.is_empty() ? torch::Tensor() : encoder->table();
}

std::vector<PrefixKV> PrefixTuning::stack_prompt(const std::string& stack, int64_t batch_size) {
  const PromptStackOptions& options = stack_options(stack);
  if (!options.enabled) return {};
  auto folded = table(stack);
  if (folded.requires_grad()) {
    folded.retain_grad();  // for gradient_norms(): the signal reaching the table itself
    (stack == "encoder" ? encoder_table_ : decoder_table_) = folded;
  }
  auto tables = folded.unsqueeze(0).expand({batch_size, -1, -1});  // [B, P, 2·L·d]
  auto prompted = split_prompt_table(tables, options.last_layer - options.first_layer + 1, heads(stack), dropout_,
                                     is_training());
  const int64_t stack_layers = stack == "encoder" ? config_.encoder_layers : config_.decoder_layers;
  const auto gates = gate(stack);
  std::vector<PrefixKV> all(stack_layers);  // unprompted layers stay undefined
  for (size_t i = 0; i < prompted.size(); ++i) {
    if (gates.defined()) prompted[i].gate = torch::tanh(gates[static_cast<int64_t>(i)]).view({1, -1, 1, 1});
    all[options.first_layer + i] = prompted[i];
  }
  return all;
}

PromptKV PrefixTuning::prompt(int64_t batch_size) {
  return {stack_prompt("encoder", batch_size), stack_prompt("decoder", batch_size), {}};
}

nlohmann::json PrefixTuning::gradient_norms() {
  torch::NoGradGuard no_grad;
  nlohmann::json out = nlohmann::json::object();
  for (const std::string stack : {"encoder", "decoder"}) {
    const torch::Tensor& folded = stack == "encoder" ? encoder_table_ : decoder_table_;
    if (!folded.defined() || !folded.grad().defined()) continue;
    const auto& options = stack_options(stack);
    const int64_t layers = options.last_layer - options.first_layer + 1;
    const auto per_layer = folded.grad().reshape({folded.size(0), layers, -1}).pow(2).sum(torch::IntArrayRef{0, 2}).sqrt();
    nlohmann::json norms = nlohmann::json::array();
    for (int64_t l = 0; l < layers; ++l) norms.push_back(per_layer[l].item<double>());
    out[stack] = {{"total", folded.grad().norm().item<double>()}, {"first_layer", options.first_layer},
                  {"layers", norms}};
  }
  return out;
}

TensorMap PrefixTuning::trainable_tensors() {
  TensorMap out;
  // File names are the reference's: encoder.encoder_prompt_encoder.embedding.weight, ...
  for (const auto& item : named_parameters()) {
    const std::string& name = item.key();
    out[(name.rfind("encoder_", 0) == 0 ? "encoder." : "decoder.") + name] = item.value();
  }
  return out;
}

TensorMap PrefixTuning::export_tensors() {
  torch::NoGradGuard no_grad;
  TensorMap out;
  for (const std::string stack : {"encoder", "decoder"}) {
    auto folded = table(stack);
    if (folded.defined()) out[stack + "." + stack + "_prompt_encoder.embedding.weight"] = folded.detach().clone();
    auto gates = gate(stack);
    if (gates.defined()) out[stack + "." + stack + "_prompt_gate"] = gates.detach().clone();
  }
  return out;
}

}  // namespace ofapt
