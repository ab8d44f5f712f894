// apply_state_dict on a small hand-built module: Linear + BatchNorm2d + Embedding (+ a tied name).
#include "checkpoint/apply_state.h"

#include "checkpoint/key_names.h"
#include "checkpoint_test_util.h"

namespace ofapt {
namespace {

using testing::expect_error;

struct TinyImpl : torch::nn::Module {
  TinyImpl() {
    fc = register_module("fc", torch::nn::Linear(4, 3));
    bn = register_module("bn", torch::nn::BatchNorm2d(3));
    embed = register_module("embed", torch::nn::Embedding(5, 4));
  }
  torch::nn::Linear fc{nullptr};
  torch::nn::BatchNorm2d bn{nullptr};
  torch::nn::Embedding embed{nullptr};
};
TORCH_MODULE(Tiny);

// Every key Tiny has, with distinct values of the right shape and dtype.
TensorMap full_state() {
  return {{"fc.weight", at::arange(12, at::kFloat).reshape({3, 4})},
          {"fc.bias", at::full({3}, 0.5)},
          {"bn.weight", at::full({3}, 2.0)},
          {"bn.bias", at::full({3}, -1.0)},
          {"bn.running_mean", at::full({3}, 0.25)},
          {"bn.running_var", at::full({3}, 4.0)},
          {"bn.num_batches_tracked", at::scalar_tensor(9, at::kLong)},
          {"embed.weight", at::arange(20, at::kFloat).reshape({5, 4}) / 4}};
}

TEST(ApplyState, CopiesEveryTensorByName) {
  Tiny tiny;
  apply_state_dict(*tiny, full_state(), "tiny.safetensors");
  EXPECT_TRUE(at::equal(tiny->fc->weight, full_state().at("fc.weight")));
  EXPECT_TRUE(at::equal(tiny->bn->running_var, full_state().at("bn.running_var")));
  EXPECT_EQ(tiny->bn->num_batches_tracked.item<int64_t>(), 9);
  EXPECT_TRUE(at::equal(tiny->embed->weight, full_state().at("embed.weight")));
  EXPECT_TRUE(tiny->fc->weight.requires_grad()) << "copying must not detach parameters";
}

TEST(ApplyState, ConvertsFloatingDtypes) {
  // Released fairseq files are fp16; the model keeps its own dtype.
  TensorMap half = full_state();
  for (auto& [name, tensor] : half) {
    if (tensor.is_floating_point()) tensor = tensor.to(at::kHalf);
  }
  Tiny tiny;
  apply_state_dict(*tiny, half, "half.pt");
  EXPECT_EQ(tiny->fc->weight.scalar_type(), at::kFloat);
  EXPECT_TRUE(at::equal(tiny->fc->weight, full_state().at("fc.weight")));
}

TEST(ApplyState, RulesIgnoreOptionalAndAliases) {
  TensorMap state = full_state();
  state.erase("bn.num_batches_tracked");
  state["encoder.token_rp_bucket"] = at::zeros({3, 3}, at::kLong);
  state["decoder.output_projection.weight"] = state.at("embed.weight") + 1;  // stored under another name...
  state.erase("embed.weight");
  StateSchemaRules rules;
  rules.ignore = is_regenerated_key;
  rules.optional = is_optional_model_key;
  rules.aliases = {{"decoder.output_projection.weight", "embed.weight"}};
  Tiny tiny;
  apply_state_dict(*tiny, state, "rules.pt", rules);
  EXPECT_TRUE(at::equal(tiny->embed->weight, full_state().at("embed.weight") + 1));  // ...loaded by alias
  EXPECT_EQ(tiny->bn->num_batches_tracked.item<int64_t>(), 0) << "an optional key keeps its value";

  // With both names present, the module's own name is loaded and the alias must agree in shape.
  state["embed.weight"] = full_state().at("embed.weight");
  apply_state_dict(*tiny, state, "rules.pt", rules);
  EXPECT_TRUE(at::equal(tiny->embed->weight, full_state().at("embed.weight")));
  state["decoder.output_projection.weight"] = at::zeros({6, 4});
  expect_error([&] { apply_state_dict(*tiny, state, "rules.pt", rules); }, ErrorKind::kSchema,
               {"rules.pt", "tensor 'decoder.output_projection.weight' (loaded as 'embed.weight') has shape [6, 4], "
                            "the model expects [5, 4]"});
}

TEST(ApplyState, TiedModuleNamesNeedOneFileKey) {
  // The same Embedding registered under two names lists its weight twice; one file key fills both.
  struct TiedImpl : torch::nn::Module {
    TiedImpl() {
      embed = register_module("embed", torch::nn::Embedding(5, 4));
      register_module("output", embed);
    }
    torch::nn::Embedding embed{nullptr};
  };
  TiedImpl tied;
  ASSERT_EQ(tied.named_parameters().size(), 2u);
  apply_state_dict(tied, {{"output.weight", at::ones({5, 4})}}, "tied.pt");
  EXPECT_TRUE(at::equal(tied.embed->weight, at::ones({5, 4})));
}

TEST(ApplyStateBadFile, WrongShape) {
  TensorMap state = full_state();
  state["fc.weight"] = at::zeros({4, 4});
  Tiny tiny;
  const at::Tensor before = tiny->fc->bias.clone();
  expect_error([&] { apply_state_dict(*tiny, state, "shape.pt"); }, ErrorKind::kSchema,
               {"shape.pt", "tensor 'fc.weight' has shape [4, 4], the model expects [3, 4]"});
  EXPECT_TRUE(at::equal(tiny->fc->bias, before)) << "a failed load leaves the module unchanged";
}

TEST(ApplyStateBadFile, WrongDtype) {
  TensorMap state = full_state();
  state["fc.weight"] = state.at("fc.weight").to(at::kLong);
  state["bn.num_batches_tracked"] = at::scalar_tensor(1.0);
  Tiny tiny;
  expect_error([&] { apply_state_dict(*tiny, state, "dtype.pt"); }, ErrorKind::kSchema,
               {"dtype.pt", "2 tensors do not fit the model", "tensor 'fc.weight' has dtype Long, the model expects Float",
                "tensor 'bn.num_batches_tracked' has dtype Float, the model expects Long"});
  state = full_state();
  state["bn.weight"] = at::ones({3}, at::kBool);
  expect_error([&] { apply_state_dict(*tiny, state, "bool.pt"); }, ErrorKind::kSchema,
               {"bool.pt", "tensor 'bn.weight' has dtype Bool, the model expects Float"});
}

TEST(ApplyStateBadFile, MissingAndUnexpectedKeysInOneMessage) {
  TensorMap state = full_state();
  state.erase("fc.bias");
  state.erase("bn.running_var");
  state["fc.weights"] = at::zeros({3, 4});
  Tiny tiny;
  expect_error([&] { apply_state_dict(*tiny, state, "keys.pt"); }, ErrorKind::kSchema,
               {"keys.pt", "2 missing key(s) (in the model, not in the file): bn.running_var, fc.bias",
                "1 unexpected key(s) (in the file, not in the model): fc.weights"});
}

TEST(ApplyStateBadFile, LongKeyListsAreCut) {
  TensorMap state = full_state();
  for (int i = 0; i < 25; ++i) state["extra." + std::to_string(100 + i)] = at::zeros({1});
  Tiny tiny;
  expect_error([&] { apply_state_dict(*tiny, state, "many.pt"); }, ErrorKind::kSchema,
               {"many.pt", "25 unexpected key(s)", "extra.100", "extra.119, ... (5 more)"});
}

}  // namespace
}  // namespace ofapt
