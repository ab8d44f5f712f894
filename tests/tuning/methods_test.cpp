// Each tuning method trains exactly what it names: frozen tensors stay bit-identical, trained ones move.
#include <gtest/gtest.h>

#include "checkpoint/model_files.h"
#include "model/layer_hooks.h"
#include "model/transformer_layer.h"
#include "tuning/bitfit.h"
#include "tuning/make_method.h"
#include "tuning/model_fingerprint.h"
#include "tuning/tuned_task_file.h"
#include "tuning/input_prompt.h"
#include "tuning/prefix_tuning.h"
#include "tuning/tuning_test_util.h"
#include "util/error.h"
#include "util/file.h"

namespace ofapt {
namespace {

TensorMap snapshot(const TensorMap& tensors) {
  TensorMap copy;
  for (const auto& [name, tensor] : tensors) copy[name] = tensor.detach().clone();
  return copy;
}

class EveryMethod : public ::testing::TestWithParam<std::string> {};

TEST_P(EveryMethod, TrainsOnlyWhatItNames) {
  auto model = testing::make_small_model();
  torch::manual_seed(1);
  auto method = attach_method(GetParam(), model);
  // LoRA's B starts at zero; move it so A gets gradients too.
  if (method->method() == "lora") {
    torch::NoGradGuard no_grad;
    for (auto& [name, tensor] : method->trainable_tensors()) tensor.normal_(0.0, 0.1);
  }
  const TensorMap base_before = snapshot(model_state(model));
  const TensorMap trained_before = snapshot(method->trainable_tensors());
  ASSERT_FALSE(trained_before.empty());

  std::vector<torch::Tensor> parameters;
  for (auto& [name, tensor] : method->trainable_tensors()) parameters.push_back(tensor);
  torch::optim::Adam optimizer(parameters, torch::optim::AdamOptions(1e-2));
  method->set_training(true);
  const auto batch = testing::make_small_batch();
  for (int step = 0; step < 3; ++step) {
    optimizer.zero_grad();
    testing::small_loss(*method, batch).backward();
    optimizer.step();
  }

  const TensorMap trained_after = method->trainable_tensors();
  for (const auto& [name, before] : trained_before) {
    // Parts only image-code generation uses (decoder image positions, code_layernorm) get no gradient here.
    if (!trained_after.at(name).grad().defined()) continue;
    EXPECT_FALSE(torch::equal(before, trained_after.at(name))) << name << " did not move";
  }
  std::set<const void*> trained_storage;
  for (const auto& [name, tensor] : trained_after) trained_storage.insert(tensor.unsafeGetTensorImpl());
  const TensorMap base_after = model_state(model);
  for (const auto& [name, before] : base_before) {
    const auto& after = base_after.at(name);
    if (trained_after.count(name) != 0) continue;
    if (method->trains_image_backbone() && name.find("embed_images") != std::string::npos) continue;  // BN stats
    EXPECT_TRUE(torch::equal(before, after)) << name << " changed under " << method->spec();
  }
  // Frozen tensors carry no gradient.
  for (const auto& parameter : model->parameters()) {
    if (!parameter.requires_grad()) {
      EXPECT_FALSE(parameter.grad().defined() && parameter.grad().abs().sum().item<double>() > 0);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Methods, EveryMethod,
                         ::testing::Values("prompt:length=4", "prompt:length=3,reparam=mlp,hidden=16",
                                           "prompt:length=2,depth=decoder,layers=1", "prompt:length=3,gate=zero",
                                           "prompt:length=3,reparam=residual,hidden=8",
                                           "prompt:kind=input,length=3", "prompt:kind=input,length=2,position=end",
                                           "adapter:dim=8",
                                           "adapter:dim=4,init=identity,depth=encoder", "bitfit", "bitfit:all",
                                           "lora:rank=2,targets=q_proj+v_proj+fc1",
                                           "lora:rank=2,targets=cross_attn.k_proj,depth=decoder",
                                           "finetune:freeze=embeddings"));

TEST(MethodCounts, PromptTableIsTwoPLdPerStack) {
  auto model = testing::make_small_model();
  const auto& c = model->config();
  auto method = attach_method("prompt:length=5", model);
  EXPECT_EQ(method->trainable_parameter_count(), 2 * 5 * (c.encoder_layers + c.decoder_layers) * c.d_model);
  auto encoder_only = attach_method("prompt:length=5,depth=encoder,layers=1", testing::make_small_model());
  EXPECT_EQ(encoder_only->trainable_parameter_count(), 2 * 5 * 1 * c.d_model);
  EXPECT_EQ(method->total_parameter_count(), count_parameters(c) + method->trainable_parameter_count());
}

TEST(MethodCounts, BitFitReferenceSetFollowsTheFairseqNameRule) {
  EXPECT_TRUE(is_reference_bitfit_parameter("encoder.layers.0.self_attn_layer_norm.bias"));
  EXPECT_TRUE(is_reference_bitfit_parameter("decoder.layers.1.cross_attn_layer_norm.bias"));  // encoder_attn_layer_norm
  EXPECT_TRUE(is_reference_bitfit_parameter("decoder.layers.1.fc2.bias"));
  EXPECT_TRUE(is_reference_bitfit_parameter("encoder.layer_norm.bias"));
  EXPECT_FALSE(is_reference_bitfit_parameter("encoder.layers.0.self_attn_mid_layer_norm.bias"));  // attn_ln
  EXPECT_FALSE(is_reference_bitfit_parameter("encoder.layers.0.ffn_layer_norm.bias"));           // ffn_layernorm
  EXPECT_FALSE(is_reference_bitfit_parameter("encoder.layers.0.self_attn.q_proj.bias"));
  EXPECT_FALSE(is_reference_bitfit_parameter("encoder.layernorm_embedding.bias"));
  EXPECT_FALSE(is_reference_bitfit_parameter("encoder.layers.0.fc1.weight"));
}

// Identity adapters, fresh LoRA and zero-gated prompts start from exactly the frozen model.
TEST(MethodInit, IdentityAdapterFreshLoraAndZeroGatedPromptsLeaveTheModelUnchanged) {
  const auto batch = testing::make_small_batch();
  auto reference_model = testing::make_small_model();
  auto expected = reference_model->forward(batch.input, batch.prev_tokens);
  for (const std::string spec : {"adapter:dim=8,init=identity", "lora:rank=4,targets=q_proj+k_proj+v_proj+out_proj+fc1+fc2",
                                 "prompt:length=4,gate=zero", "prompt:length=2,reparam=mlp,hidden=8,gate=zero"}) {
    auto method = attach_method(spec, testing::make_small_model());
    method->set_training(false);
    auto actual = method->model()->forward(batch.input, batch.prev_tokens);
    EXPECT_TRUE(torch::allclose(actual, expected, 1e-6, 1e-6)) << spec;
  }
  // The reference adapter init is not an identity (ofa-spec 9.9).
  auto bert = attach_method("adapter:dim=8", testing::make_small_model());
  bert->set_training(false);
  EXPECT_FALSE(torch::allclose(bert->model()->forward(batch.input, batch.prev_tokens), expected, 1e-6, 1e-6));
}

// Central finite differences against autograd, in double precision, on a few entries of each tensor.
void expect_gradients_match(const std::string& spec) {
  auto model = testing::make_small_model();
  model->to(torch::kDouble);
  torch::manual_seed(5);
  auto method = make_method(spec, model->config());
  method->to(torch::kDouble);
  method->attach(model);
  {
    torch::NoGradGuard no_grad;
    for (auto& [name, tensor] : method->trainable_tensors()) tensor.normal_(0.0, 0.2);
  }
  method->set_training(false);  // deterministic: no dropout
  auto batch = testing::make_small_batch();
  batch.input.images = batch.input.images.to(torch::kDouble);
  for (auto& [name, tensor] : method->trainable_tensors()) {
    if (tensor.grad().defined()) tensor.grad().zero_();
  }
  testing::small_loss(*method, batch).backward();
  torch::NoGradGuard no_grad;
  for (auto& [name, tensor] : method->trainable_tensors()) {
    auto flat = tensor.view({-1});
    auto grad = tensor.grad().view({-1});
    for (int64_t index : {int64_t{0}, flat.numel() / 2, flat.numel() - 1}) {
      const double saved = flat[index].item<double>();
      const double eps = 1e-6;
      flat[index] = saved + eps;
      const double plus = testing::small_loss(*method, batch).item<double>();
      flat[index] = saved - eps;
      const double minus = testing::small_loss(*method, batch).item<double>();
      flat[index] = saved;
      const double numeric = (plus - minus) / (2 * eps);
      EXPECT_NEAR(grad[index].item<double>(), numeric, 1e-6 + 1e-4 * std::abs(numeric)) << spec << " " << name << "[" << index << "]";
    }
  }
}

TEST(MethodGradients, PromptEncoderMlpMatchesFiniteDifferences) {
  expect_gradients_match("prompt:length=3,reparam=mlp,hidden=8");
}
TEST(MethodGradients, PromptTableMatchesFiniteDifferences) { expect_gradients_match("prompt:length=3"); }
TEST(MethodGradients, GatedPromptMatchesFiniteDifferences) { expect_gradients_match("prompt:length=3,gate=zero"); }
TEST(MethodGradients, AdapterMatchesFiniteDifferences) { expect_gradients_match("adapter:dim=4"); }
TEST(MethodGradients, LoraMatchesFiniteDifferences) {
  expect_gradients_match("lora:rank=2,alpha=4,targets=q_proj+v_proj+fc2");
}

TEST(PrefixTuning, MlpFoldsIntoTheTableItExports) {
  auto model = testing::make_small_model();
  torch::manual_seed(2);
  auto mlp = attach_method("prompt:length=3,reparam=mlp,hidden=16", model);
  mlp->set_training(false);
  EXPECT_EQ(mlp->export_spec(), "prompt:depth=both,dropout=0.2,init_std=0.02,layers=all,length=3,reparam=none");
  auto plain = attach_method(mlp->export_spec(), model);
  plain->load_tensors(mlp->export_tensors(), "test");
  plain->set_training(false);
  const auto batch = testing::make_small_batch();
  auto expected = model->forward(batch.input, batch.prev_tokens, mlp->prompt(2));
  auto actual = model->forward(batch.input, batch.prev_tokens, plain->prompt(2));
  EXPECT_TRUE(torch::allclose(actual, expected, 1e-5, 1e-5));
}

TEST(PrefixTuning, PromptChangesOnlyPromptedLayersAndDropoutOnlyInTraining) {
  auto model = testing::make_small_model();
  auto method = attach_method("prompt:length=2,depth=decoder,layers=1,dropout=0.5", model);
  auto prompt = method->prompt(3);
  EXPECT_TRUE(prompt.encoder.empty());
  ASSERT_EQ(prompt.decoder.size(), 2u);
  EXPECT_FALSE(prompt.decoder[0].defined());
  ASSERT_TRUE(prompt.decoder[1].defined());
  EXPECT_EQ(prompt.decoder[1].key.sizes(), (std::vector<int64_t>{3, 4, 2, 8}));
  method->set_training(false);
  auto a = method->prompt(2), b = method->prompt(2);
  EXPECT_TRUE(torch::equal(a.decoder[1].key, b.decoder[1].key));
  method->set_training(true);
  a = method->prompt(2);
  b = method->prompt(2);
  EXPECT_FALSE(torch::equal(a.decoder[1].key, b.decoder[1].key));
}

TEST(PrefixTuning, ActivationInitGivesEachPromptRowTheKeyAndValueOfARealPosition) {
  auto model = testing::make_small_model();
  const auto batch = testing::make_small_batch();
  torch::manual_seed(4);
  auto method = attach_method("prompt:length=6,depth=encoder,init=activations", model);
  ASSERT_TRUE(method->initializes_from_data());
  method->initialize_from_data(batch.input, batch.prev_tokens);
  auto* prefix = dynamic_cast<PrefixTuning*>(method.get());
  const auto table = prefix->table("encoder").detach();  // [P, 2·L·d]: layer0-K | layer0-V | ...

  // Every position's key and value at encoder layer 1 (after a prompt-free layer 0).
  auto recorder = std::make_shared<LinearInputRecorder>();
  auto* layer = dynamic_cast<LayerBase*>(model->named_modules()["encoder.layers.1"].get());
  layer->attach_delta("self_attn.k_proj", recorder);
  const auto padding = model->encode(batch.input).padding_mask.reshape({-1});
  layer->attach_delta("self_attn.k_proj", nullptr);
  torch::NoGradGuard no_grad;
  const auto inputs = recorder->seen.reshape({-1, 32});
  auto modules = model->named_modules();
  const auto keys = dynamic_cast<torch::nn::LinearImpl&>(*modules["encoder.layers.1.self_attn.k_proj"]).forward(inputs);
  const auto values = dynamic_cast<torch::nn::LinearImpl&>(*modules["encoder.layers.1.self_attn.v_proj"]).forward(inputs);
  for (int64_t row = 0; row < 6; ++row) {
    const auto key = table[row].narrow(0, 2 * 32, 32), value = table[row].narrow(0, 3 * 32, 32);
    const auto distance = (keys - key).norm(2, 1);
    const int64_t nearest = distance.argmin().item<int64_t>();
    EXPECT_LT(distance[nearest].item<double>(), 1e-4) << row;
    EXPECT_FALSE(padding[nearest].item<bool>()) << row;
    EXPECT_TRUE(torch::allclose(value, values[nearest], 1e-4, 1e-4)) << row;
  }
  EXPECT_THROW(attach_method("prompt:init=activations,reparam=mlp", testing::make_small_model()), Error);
}

// The paper's source finds prefix, middle and end insertion alike. For prefix key/values that is
// exact, not empirical: the prompt columns carry no position bias and attention is a sum over key
// columns, so any order of them (hence any insertion point) computes the same function.
TEST(PromptPosition, PrefixKeyValueColumnsInAnyOrderGiveTheSameOutput) {
  auto model = testing::make_small_model();
  torch::manual_seed(5);
  auto method = attach_method("prompt:length=6,dropout=0", model);
  method->set_training(false);
  const auto batch = testing::make_small_batch();
  torch::NoGradGuard no_grad;
  const auto before = model->forward(batch.input, batch.prev_tokens, method->prompt(2));
  auto* prefix = dynamic_cast<PrefixTuning*>(method.get());
  const auto order = torch::tensor({3, 0, 5, 1, 4, 2}, torch::kLong);  // the prompt's rows moved around
  for (const std::string stack : {"encoder", "decoder"}) {
    auto table = prefix->table(stack);
    table.copy_(table.index_select(0, order));
  }
  const auto after = model->forward(batch.input, batch.prev_tokens, method->prompt(2));
  EXPECT_TRUE(torch::allclose(before, after, 1e-5, 1e-5)) << (before - after).abs().max().item<double>();
}

// Input-level soft tokens take text positions, so both where they go and their order matter.
TEST(PromptPosition, InputPromptTokensChangeTheOutputWithTheirPosition) {
  const auto batch = testing::make_small_batch();
  auto logits = [&](const std::string& spec) {
    auto model = testing::make_small_model();
    torch::manual_seed(6);
    auto method = attach_method(spec, model);
    method->set_training(false);
    torch::NoGradGuard no_grad;
    return model->forward(batch.input, batch.prev_tokens, method->prompt(2));
  };
  const auto prefix = logits("prompt:kind=input,length=3,position=prefix");
  const auto middle = logits("prompt:kind=input,length=3,position=middle");
  const auto end = logits("prompt:kind=input,length=3,position=end");
  EXPECT_GT((prefix - middle).abs().max().item<double>(), 1e-3);
  EXPECT_GT((prefix - end).abs().max().item<double>(), 1e-3);
  EXPECT_GT((middle - end).abs().max().item<double>(), 1e-3);

  // The encoder sees n more unpadded positions per row, placed where the position says: row 1
  // ("0 21 22 2" + pad) gets them right before its eos with position=end.
  auto model = testing::make_small_model();
  torch::manual_seed(6);
  auto method = attach_method("prompt:kind=input,length=3,position=end", model);
  torch::NoGradGuard no_grad;
  const auto plain = model->encode(batch.input);
  const auto prompted = model->encode(batch.input, method->prompt(2));
  EXPECT_EQ(prompted.hidden.size(1), plain.hidden.size(1) + 3);
  EXPECT_EQ(prompted.padding_mask.sum().item<int64_t>(), plain.padding_mask.sum().item<int64_t>());
  const int64_t patches = plain.hidden.size(1) - 5;  // image patches come before the 5 text columns
  const auto row1 = prompted.padding_mask[1].narrow(0, patches, 8).to(torch::kLong);
  EXPECT_TRUE(torch::equal(row1, torch::tensor({0, 0, 0, 0, 0, 0, 0, 1}, torch::kLong))) << row1;
}

TEST(PromptReparam, ResidualFoldsToThePlainTableItComputes) {
  auto model = testing::make_small_model();
  torch::manual_seed(7);
  auto method = attach_method("prompt:length=4,reparam=residual,hidden=8,dropout=0", model);
  method->set_training(false);
  const auto batch = testing::make_small_batch();
  torch::NoGradGuard no_grad;
  const auto trained = model->forward(batch.input, batch.prev_tokens, method->prompt(2));
  EXPECT_EQ(method->export_spec(), "prompt:depth=both,dropout=0,init_std=0.02,layers=all,length=4,reparam=none");
  auto plain_model = testing::make_small_model();
  auto plain = attach_method(method->export_spec(), plain_model);
  plain->load_tensors(method->export_tensors(), "residual export");
  plain->set_training(false);
  const auto folded = plain_model->forward(batch.input, batch.prev_tokens, plain->prompt(2));
  EXPECT_TRUE(torch::allclose(trained, folded, 1e-5, 1e-5));
}

// Prompt transfer: the tables start as the source prompt's, from a prompt of the same base model only.
TEST(PromptTransfer, StartsFromTheSourcePromptOfTheSameBaseModel) {
  TemporaryDirectory dir("ofapt_prompt_transfer");
  auto model = testing::make_small_model();
  torch::manual_seed(8);
  auto source = attach_method("prompt:length=4", model);
  save_tuned_task(*source, fingerprint_model(model), dir.path());
  auto* source_prompt = dynamic_cast<PrefixTuning*>(source.get());

  auto target_model = testing::make_small_model();
  torch::manual_seed(9);  // another random start, which the transfer replaces
  auto target = attach_method("prompt:length=4,init=transfer,from=" + dir.path(), target_model);
  auto* target_prompt = dynamic_cast<PrefixTuning*>(target.get());
  for (const std::string stack : {"encoder", "decoder"}) {
    EXPECT_TRUE(torch::equal(target_prompt->table(stack), source_prompt->table(stack))) << stack;
  }
  // The residual reparameterization starts its table E from the source too.
  auto residual = attach_method("prompt:length=4,reparam=residual,hidden=4,init=transfer,from=" + dir.path(),
                                testing::make_small_model());
  EXPECT_EQ(residual->export_spec(), "prompt:depth=both,dropout=0.2,init_std=0.02,layers=all,length=4,reparam=none");
  auto* residual_prompt = dynamic_cast<PrefixTuning*>(residual.get());
  for (const std::string stack : {"encoder", "decoder"}) {  // its residual branch starts closed
    EXPECT_TRUE(torch::equal(residual_prompt->table(stack), source_prompt->table(stack))) << stack;
  }
  // Another length, or a prompt of another base model, is refused.
  EXPECT_THROW(attach_method("prompt:length=5,init=transfer,from=" + dir.path(), testing::make_small_model()), Error);
  try {
    attach_method("prompt:length=4,init=transfer,from=" + dir.path(), testing::make_small_model(/*seed=*/11));
    ADD_FAILURE() << "a source prompt of another base model was used";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("trained on another base model"), std::string::npos) << error.what();
  }
  EXPECT_THROW(attach_method("prompt:init=transfer", testing::make_small_model()), Error);  // no from=
}

}  // namespace
}  // namespace ofapt
