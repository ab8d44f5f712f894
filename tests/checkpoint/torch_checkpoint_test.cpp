// torch.save archives: HF state dicts, fairseq checkpoints, and one bad file per failure mode.
#include "checkpoint/torch_checkpoint.h"

#include "checkpoint/safetensors.h"
#include "checkpoint_test_util.h"

namespace ofapt {
namespace {

using testing::expect_error;
using testing::fixture;
using testing::PickleBuilder;
using testing::TempDir;

void expect_all_match(const TensorMap& tensors, const nlohmann::json& expected) {
  ASSERT_EQ(tensors.size(), expected.size());
  for (const auto& [name, tensor] : tensors) testing::expect_matches(tensor, expected.at(name), name);
}

TEST(TorchCheckpoint, ReadsHfStateDictWithBothPickleProtocols) {
  for (const char* file : {"pytorch_model.bin", "pytorch_model_p4.bin"}) {
    SCOPED_TRACE(file);
    expect_all_match(read_torch_state_dict(fixture(file)), testing::expected_values()["hf"]);
  }
}

TEST(TorchCheckpoint, TiedTensorsAndViewsShareOneStorage) {
  const TensorMap tensors = read_torch_state_dict(fixture("pytorch_model.bin"));
  const at::Tensor& embed = tensors.at("encoder.embed_tokens.weight");
  EXPECT_TRUE(embed.is_alias_of(tensors.at("decoder.embed_tokens.weight")));
  EXPECT_TRUE(embed.is_alias_of(tensors.at("decoder.output_projection.weight")));
  EXPECT_FALSE(embed.is_alias_of(tensors.at("fc.weight")));

  const at::Tensor& strided = tensors.at("strided_view");  // base[1:, ::2] of a 4x6 arange
  EXPECT_EQ(strided.storage_offset(), 6);
  EXPECT_EQ(strided.strides().vec(), (std::vector<int64_t>{6, 2}));
  EXPECT_TRUE(strided.is_alias_of(tensors.at("transposed")));
  EXPECT_EQ(tensors.at("transposed").strides().vec(), (std::vector<int64_t>{1, 6}));
}

TEST(TorchCheckpoint, SafetensorsAndTorchFilesHoldTheSameTensors) {
  const TensorMap from_torch = read_torch_state_dict(fixture("pytorch_model.bin"));
  const TensorMap from_safetensors = read_safetensors(fixture("model.safetensors"));
  ASSERT_EQ(from_torch.size(), from_safetensors.size());
  for (const auto& [name, tensor] : from_torch) EXPECT_TRUE(at::equal(tensor, from_safetensors.at(name))) << name;
}

TEST(TorchCheckpoint, ReadsFairseqCheckpointWithArgsNamespace) {
  const std::string path = fixture("fairseq_args.pt");
  EXPECT_TRUE(is_fairseq_checkpoint(path));
  EXPECT_FALSE(is_fairseq_checkpoint(fixture("pytorch_model.bin")));

  const FairseqCheckpoint checkpoint = read_fairseq_checkpoint(path);
  expect_all_match(checkpoint.model, testing::expected_values()["fairseq_args"]);
  EXPECT_TRUE(checkpoint.model.at("encoder.embed_tokens.weight")
                  .is_alias_of(checkpoint.model.at("decoder.output_projection.weight")));
  const nlohmann::json& args = checkpoint.model_args;
  EXPECT_EQ(args["arch"], "ofa_tiny");
  EXPECT_EQ(args["encoder_layers"], 1);
  EXPECT_EQ(args["dropout"], 0.1);
  EXPECT_EQ(args["scale_attn"], true);
  EXPECT_EQ(args["encoder_prompt_length"], 10);
  EXPECT_EQ(args["lr"], nlohmann::json::parse("[0.001]"));

  // read_torch_state_dict gives the same "model" entry.
  const TensorMap model = read_torch_state_dict(path);
  ASSERT_EQ(model.size(), checkpoint.model.size());
}

TEST(TorchCheckpoint, ReadsFairseqEmaWeights) {
  FairseqReadOptions options;
  options.use_ema = true;
  const FairseqCheckpoint checkpoint = read_fairseq_checkpoint(fixture("fairseq_args.pt"), options);
  expect_all_match(checkpoint.model, testing::expected_values()["fairseq_args_ema"]);
}

TEST(TorchCheckpoint, ReadsFairseqCheckpointWithCfg) {
  const FairseqCheckpoint checkpoint = read_fairseq_checkpoint(fixture("fairseq_cfg.pt"));
  expect_all_match(checkpoint.model, testing::expected_values()["fairseq_cfg"]);
  EXPECT_EQ(checkpoint.model_args["arch"], "ofa_tiny");
  EXPECT_EQ(checkpoint.model_args["decoder_prompt"], true);
}

TEST(TorchCheckpoint, DecodesFairseqExtraStateInertly) {
  // numpy scalars become numbers, protocol-2 bytes come through _codecs.encode, and a class the
  // reader does not know stays a named, inert object instead of stopping the load.
  const TorchArchive archive(fixture("fairseq_args.pt"));
  const PickleValue& extra = *archive.root().find("extra_state");
  EXPECT_EQ(extra.find("best")->real, 0.75);
  EXPECT_EQ(extra.find("metrics")->find("loss")->real, 2.5);
  EXPECT_EQ(extra.find("metrics")->find("count")->integer, 5);
  EXPECT_EQ(extra.find("raw")->text, std::string("\x00\xff\x10", 3));
  EXPECT_EQ(extra.find("seen_ids")->items.size(), 3u);
  EXPECT_EQ(extra.find("huge_counter")->describe(), "an object of class builtins.int (wider than 64 bits)");
  EXPECT_EQ(extra.find("unknown")->describe(), "an object of class __main__.UnknownMetric");
  ASSERT_NE(extra.find("unknown")->state, nullptr);
  EXPECT_EQ(extra.find("unknown")->state->find("value")->integer, 42);
  const PickleValue& history = *archive.root().find("optimizer_history");
  EXPECT_EQ(history.items.at(0)->find("lr_scheduler_state")->find("best")->real, 1.25);
}

TEST(TorchCheckpoint, ReadsALargeArchiveLazily) {
  // Optimizer state is decoded but its tensors are never read: only "model" storages are loaded.
  TempDir dir;
  const std::string pickle = PickleBuilder()
                                 .empty_dict()
                                 .mark()
                                 .string("model").empty_dict().mark()
                                 .string("w").tensor("0", "FloatStorage", 4, 0, {2, 2}, {2, 1}).set_items()
                                 .string("args").none()
                                 .string("last_optimizer_state").tensor("1", "FloatStorage", 1000000, 0, {1000000}, {1})
                                 .set_items()
                                 .stop()
                                 .bytes();
  // Storage 1 is absent from the archive: reading it would fail.
  testing::write_torch_zip(dir.file("lazy.pt"), pickle, {{"0", testing::float_bytes(4)}});
  const FairseqCheckpoint checkpoint = read_fairseq_checkpoint(dir.file("lazy.pt"));
  EXPECT_EQ(checkpoint.model.at("w")[1][1].item<float>(), 3.0f);
  EXPECT_TRUE(checkpoint.model_args.is_null());
  FairseqReadOptions ema;
  ema.use_ema = true;
  expect_error([&] { read_fairseq_checkpoint(dir.file("lazy.pt"), ema); }, ErrorKind::kSchema,
               {"lazy.pt", "no EMA weights (extra_state['ema'])"});
}

// --- bad files -------------------------------------------------------------------------------

TEST(TorchCheckpointBadFile, TruncatedZip) {
  TempDir dir;
  const std::string good = read_file(fixture("pytorch_model.bin"));
  for (size_t length : {size_t{2}, size_t{30}, good.size() / 2, good.size() - 10}) {
    SCOPED_TRACE(length);
    const std::string path = dir.file("truncated.bin");
    write_file_atomic(path, good.substr(0, length));
    expect_error([&] { read_torch_state_dict(path); }, ErrorKind::kFormat, {"truncated.bin"});
  }
  write_file_atomic(dir.file("cut.bin"), good.substr(0, good.size() / 2));
  expect_error([&] { read_torch_state_dict(dir.file("cut.bin")); }, ErrorKind::kFormat,
               {"cut.bin", "not a readable zip archive"});
}

TEST(TorchCheckpointBadFile, CorruptPickle) {
  TempDir dir;
  testing::write_torch_zip(dir.file("opcode.pt"), PickleBuilder().empty_dict().raw("\xfe").stop().bytes(), {});
  expect_error([&] { read_torch_state_dict(dir.file("opcode.pt")); }, ErrorKind::kFormat,
               {"opcode.pt (data.pkl)", "pickle byte 3", "unknown or unsupported opcode 0xfe"});
  testing::write_torch_zip(dir.file("short.pt"), PickleBuilder().empty_dict().mark().string("w").bytes(), {});
  expect_error([&] { read_torch_state_dict(dir.file("short.pt")); }, ErrorKind::kFormat,
               {"short.pt (data.pkl)", "truncated"});
}

TEST(TorchCheckpointBadFile, NonTensorPayloadInAStateDict) {
  TempDir dir;
  const std::string with_int = PickleBuilder()
                                   .empty_dict().mark()
                                   .string("w").tensor("0", "FloatStorage", 4, 0, {4}, {1})
                                   .string("step").integer(5)
                                   .set_items().stop().bytes();
  testing::write_torch_zip(dir.file("int.bin"), with_int, {{"0", testing::float_bytes(4)}});
  expect_error([&] { read_torch_state_dict(dir.file("int.bin")); }, ErrorKind::kSchema,
               {"int.bin", "entry 'step' is a non-tensor payload (an int)"});

  const std::string with_object = PickleBuilder()
                                      .empty_dict().mark()
                                      .string("w").global("evil", "Payload").empty_tuple().reduce()
                                      .set_items().stop().bytes();
  testing::write_torch_zip(dir.file("object.bin"), with_object, {});
  expect_error([&] { read_torch_state_dict(dir.file("object.bin")); }, ErrorKind::kSchema,
               {"object.bin", "entry 'w' is a non-tensor payload (an object of class evil.Payload)"});

  testing::write_torch_zip(dir.file("list.bin"), PickleBuilder().raw("]").stop().bytes(), {});
  expect_error([&] { read_torch_state_dict(dir.file("list.bin")); }, ErrorKind::kSchema,
               {"list.bin", "the state dict is a list, not a dict of tensors"});
}

TEST(TorchCheckpointBadFile, LegacyFormat) {
  expect_error([] { read_torch_state_dict(fixture("legacy.pt")); }, ErrorKind::kFormat,
               {"legacy.pt", "legacy torch serialization", "re-save with torch>=1.6"});
}

TEST(TorchCheckpointBadFile, NotAnArchive) {
  TempDir dir;
  write_file_atomic(dir.file("text.bin"), "hello, world");
  expect_error([&] { read_torch_state_dict(dir.file("text.bin")); }, ErrorKind::kFormat,
               {"text.bin", "not a torch.save zip archive"});
  expect_error([&] { read_torch_state_dict(dir.file("absent.bin")); }, ErrorKind::kIo, {"absent.bin"});
  testing::write_torch_zip(dir.file("script.pt"), PickleBuilder().none().stop().bytes(), {},
                           {{"constants.pkl", PickleBuilder().none().stop().bytes()}});
  expect_error([&] { read_torch_state_dict(dir.file("script.pt")); }, ErrorKind::kFormat,
               {"script.pt", "TorchScript archive"});
}

TEST(TorchCheckpointBadFile, StorageTooSmallForTheView) {
  TempDir dir;
  const std::string view = PickleBuilder().empty_dict().mark()
                               .string("w").tensor("0", "FloatStorage", 4, 1, {2, 2}, {2, 1})
                               .set_items().stop().bytes();
  testing::write_torch_zip(dir.file("view.bin"), view, {{"0", testing::float_bytes(4)}});
  expect_error([&] { read_torch_state_dict(dir.file("view.bin")); }, ErrorKind::kFormat,
               {"view.bin", "tensor 'w' (offset 1, sizes [2, 2], strides [2, 1]) reaches past its storage 0 of 4",
                "too small"});

  // The record holds fewer bytes than the pickle claims.
  const std::string claim = PickleBuilder().empty_dict().mark()
                                .string("w").tensor("0", "FloatStorage", 8, 0, {8}, {1})
                                .set_items().stop().bytes();
  testing::write_torch_zip(dir.file("short_storage.bin"), claim, {{"0", testing::float_bytes(4)}});
  expect_error([&] { read_torch_state_dict(dir.file("short_storage.bin")); }, ErrorKind::kFormat,
               {"short_storage.bin", "storage 0 of tensor 'w' holds 16 bytes but the pickle claims 8 elements"});

  testing::write_torch_zip(dir.file("no_storage.bin"), claim, {});
  expect_error([&] { read_torch_state_dict(dir.file("no_storage.bin")); }, ErrorKind::kFormat,
               {"no_storage.bin", "data/0, which the archive lacks"});
}

}  // namespace
}  // namespace ofapt
