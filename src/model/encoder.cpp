#include "model/encoder.h"

#include <cmath>

#include "model/embedding_parts.h"
#include "model/position_buckets.h"
#include "util/error.h"

namespace ofapt {

EncoderOutput EncoderOutput::index_select(const torch::Tensor& rows) const {
  return {hidden.index_select(0, rows), padding_mask.index_select(0, rows), position_embeddings};
}

OfaEncoderImpl::OfaEncoderImpl(const OfaConfig& config, torch::nn::Embedding embed_tokens) : config_(config) {
  const int64_t d = config.d_model;
  const int64_t heads = config.encoder_attention_heads;
  pos_scaling_ = std::pow(static_cast<double>(d) / heads * config.attn_scale_factor, -0.5);
  // Registration order follows the authors' port, so state dicts list in the same order.
  embed_tokens_ = register_module("embed_tokens", embed_tokens);
  if (config.add_type_embedding) type_embedding_ = register_module("type_embedding", torch::nn::Embedding(2, d));
  embed_images_ = register_module("embed_images", ResNet(config.resnet_blocks(), config.resnet_drop_path_rate));
  image_proj_ = register_module("image_proj", torch::nn::Linear(ResNetImpl::kOutputChannels, d));
  if (config.patch_layernorm_embedding) {
    patch_layernorm_embedding_ = register_module("patch_layernorm_embedding", make_layer_norm(d));
  }
  embed_positions_ = register_module("embed_positions", torch::nn::Embedding(config.max_position_embeddings + 2, d));
  const int64_t side = config.image_bucket_size;
  embed_image_positions_ = register_module("embed_image_positions", torch::nn::Embedding(side * side + 1, d));
  pos_ln_ = register_module("pos_ln", make_layer_norm(d));
  image_pos_ln_ = register_module("image_pos_ln", make_layer_norm(d));
  pos_q_linear_ = register_module("pos_q_linear", torch::nn::Linear(d, d));
  pos_k_linear_ = register_module("pos_k_linear", torch::nn::Linear(d, d));

  layers_ = register_module("layers", torch::nn::ModuleList());
  const auto rates = torch::linspace(0, config.encoder_drop_path_rate, config.encoder_layers);
  for (int64_t i = 0; i < config.encoder_layers; ++i) {
    layer_list_.push_back(EncoderLayer(config, rates[i].item<double>()));
    layers_->push_back(layer_list_.back());
  }
  layer_norm_ = register_module("layer_norm", make_layer_norm(d));

  auto token_tables = register_module("token_rel_pos_table_list", torch::nn::ModuleList());
  auto image_tables = register_module("image_rel_pos_table_list", torch::nn::ModuleList());
  const int64_t image_distances = (2 * side - 1) * (2 * side - 1) + 3;
  for (int64_t i = 0; i < config.encoder_layers; ++i) {
    token_rel_pos_tables_.push_back(torch::nn::Embedding(2 * config.token_bucket_size - 1, heads));
    image_rel_pos_tables_.push_back(torch::nn::Embedding(image_distances, heads));
    token_tables->push_back(token_rel_pos_tables_.back());
    image_tables->push_back(image_rel_pos_tables_.back());
  }
  if (config.layernorm_embedding) layernorm_embedding_ = register_module("layernorm_embedding", make_layer_norm(d));
  token_rp_bucket_ = make_token_bucket_position(config.token_bucket_size, config.max_position_embeddings);
}

torch::Tensor OfaEncoderImpl::absolute_bias(const torch::Tensor& pe) {
  const int64_t heads = config_.encoder_attention_heads;
  auto q = split_position_heads(pos_q_linear_(pe), heads) * pos_scaling_;
  auto k = split_position_heads(pos_k_linear_(pe), heads);
  return torch::matmul(q, k.transpose(2, 3));
}

torch::Tensor OfaEncoderImpl::image_relative_bias(int64_t layer, int64_t h, int64_t w) {
  auto& bucket = image_buckets_[{h, w}];
  if (!bucket.defined()) {
    // A normal tensor even when first asked for under InferenceMode (scoring before training, as
    // `ofapt demo --compare-scratch` does): an inference tensor cannot be saved for backward.
    c10::InferenceMode not_inference(false);
    const int64_t side = config_.image_bucket_size;
    auto ids = image_position_ids(h, w, side);
    bucket = make_image_bucket_position(side).index_select(0, ids).index_select(1, ids);
  }
  auto weight = image_rel_pos_tables_[layer]->weight;
  return torch::embedding(weight, bucket.to(weight.device())).permute({2, 0, 1});
}

namespace {

// Places the soft prompt's n vectors among each row's text embeddings [B, L, d] at the row's
// insertion point; returns the embeddings [B, L+n, d] and the matching ids [B, L+n] (the prompt's
// columns hold bos, so only the padding mask reads them).
std::pair<torch::Tensor, torch::Tensor> insert_soft_prompt(const torch::Tensor& text, const torch::Tensor& tokens,
                                                           const SoftPromptTokens& soft, int64_t pad, int64_t bos) {
  const int64_t batch = tokens.size(0), length = tokens.size(1), n = soft.embeddings.size(1);
  const auto used = tokens.ne(pad).sum(1);  // bos ... eos of each row
  torch::Tensor at;                          // [B] index of the first prompt column
  switch (soft.position) {
    case SoftPromptPosition::kPrefix: at = torch::ones_like(used); break;
    case SoftPromptPosition::kMiddle: at = 1 + torch::div(used - 2, 2, "floor").clamp_min(0); break;
    case SoftPromptPosition::kEnd: at = (used - 1).clamp_min(1); break;
  }
  // Column j of the result reads token j before the prompt, prompt vector j - at within it (stored
  // after the L tokens), and token j - n after it.
  const auto j = torch::arange(length + n, tokens.options()).unsqueeze(0);
  const auto start = at.unsqueeze(1);
  const auto source = torch::where(j < start, j, torch::where(j < start + n, length + (j - start), j - n));
  const auto embeddings = torch::cat({text, soft.embeddings.to(text.dtype())}, 1)
                              .gather(1, source.unsqueeze(-1).expand({batch, length + n, text.size(2)}));
  const auto ids = torch::cat({tokens, torch::full({batch, n}, bos, tokens.options())}, 1).gather(1, source);
  return {embeddings, ids};
}

}  // namespace

EncoderOutput OfaEncoderImpl::forward(const EncoderInput& input, const std::vector<PrefixKV>& prefixes,
                                      const SoftPromptTokens& soft) {
  OFAPT_CHECK(input.tokens.defined() && input.tokens.dim() == 2, ErrorKind::kInput,
              "encoder tokens must be [batch, length]");
  const double embed_scale = config_.scale_embedding ? std::sqrt(static_cast<double>(config_.d_model)) : 1.0;
  auto text = input.token_embeddings.defined() ? input.token_embeddings : embed_tokens_(input.tokens);
  if (embed_scale != 1.0) text = text * embed_scale;
  torch::Tensor tokens = input.tokens;
  if (soft.defined()) {
    std::tie(text, tokens) = insert_soft_prompt(text, tokens, soft, config_.pad_token_id, config_.bos_token_id);
  }
  const int64_t batch = tokens.size(0);
  const int64_t length = tokens.size(1);
  OFAPT_CHECK(length <= config_.max_position_embeddings, ErrorKind::kInput, "source length ", length,
              " exceeds max_position_embeddings ", config_.max_position_embeddings);
  OFAPT_CHECK(prefixes.empty() || static_cast<int64_t>(prefixes.size()) == config_.encoder_layers,
              ErrorKind::kInternal, "encoder prefix list has ", prefixes.size(), " layers, model has ",
              config_.encoder_layers);
  const bool training = is_training();

  // Text: token embedding (+ raw positions when entangled) + type 0, layer norm (ofa-spec 3.2).
  const auto text_positions = embed_positions_(torch::arange(length, tokens.options())).unsqueeze(0);
  if (config_.entangle_position_embedding) text = text + text_positions;
  if (type_embedding_) text = text + type_embedding_->weight[0];
  if (layernorm_embedding_) text = layernorm_embedding_(text);
  text = torch::dropout(text, config_.dropout, training);

  auto padding = tokens.eq(config_.pad_token_id);
  auto text_pe = pos_ln_(text_positions);
  torch::Tensor x = text, pe = text_pe;
  int64_t patches = 0, grid_h = 0, grid_w = 0;

  // Image: ResNet patches -> image_proj (+ raw positions when entangled) + type 1, layer norm (ofa-spec
  // 3.1), placed before the text.
  if (input.images.defined() || input.image_features.defined()) {
    auto features = input.image_features.defined() ? input.image_features : embed_images_(input.images);
    grid_h = features.size(2);
    grid_w = features.size(3);
    patches = grid_h * grid_w;
    const int64_t side = config_.image_bucket_size;
    OFAPT_CHECK(grid_h <= side && grid_w <= side, ErrorKind::kInput, "image patch grid ", grid_h, "x", grid_w,
                " exceeds the ", side, "x", side, " position canvas (image size at most ", side * 16, " px)");
    const auto ids = image_position_ids(grid_h, grid_w, side).to(tokens.device());
    const auto image_positions = embed_image_positions_(ids).unsqueeze(0);
    auto image = image_proj_(features.flatten(2).transpose(1, 2));
    if (embed_scale != 1.0) image = image * embed_scale;
    if (config_.entangle_position_embedding) image = image + image_positions;
    if (type_embedding_) image = image + type_embedding_->weight[1];
    if (patch_layernorm_embedding_) image = patch_layernorm_embedding_(image);
    image = torch::dropout(image, config_.dropout, training);
    x = torch::cat({image, text}, 1);

    auto image_padding = torch::zeros({batch, patches}, padding.options());
    if (input.image_present.defined()) {
      image_padding = image_padding.logical_or(input.image_present.logical_not().view({batch, 1}));
    }
    padding = torch::cat({image_padding, padding}, 1);
    pe = torch::cat({image_pos_ln_(image_positions), text_pe}, 1);
  }
  const int64_t total = x.size(1);
  const bool has_padding = padding.any().item<bool>();
  if (has_padding) x = x * (1 - padding.unsqueeze(-1).to(x.dtype()));

  // One absolute bias for all layers; each layer adds its own relative text and image blocks.
  const auto abs_bias = absolute_bias(pe);  // [1, H, T, T]
  const auto padding_bias = has_padding ? key_padding_bias(padding, abs_bias.scalar_type()) : torch::Tensor();
  const auto text_bucket = token_rp_bucket_.slice(0, 0, length).slice(1, 0, length).to(tokens.device());
  for (int64_t i = 0; i < config_.encoder_layers; ++i) {
    auto bias = abs_bias.clone();
    auto text_rel = torch::embedding(token_rel_pos_tables_[i]->weight, text_bucket).permute({2, 0, 1});
    bias.slice(2, total - length).slice(3, total - length).add_(text_rel.unsqueeze(0));
    if (patches > 0) bias.slice(2, 0, patches).slice(3, 0, patches).add_(image_relative_bias(i, grid_h, grid_w));
    bias = add_biases(bias, padding_bias);
    x = layer_list_[i](x, bias, prefixes.empty() ? PrefixKV{} : prefixes[i]);
  }
  x = layer_norm_(x);
  return {x, padding, pe};
}

}  // namespace ofapt
