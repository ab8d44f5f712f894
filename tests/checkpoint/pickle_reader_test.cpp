// The safe unpickler: plain data, the allow-list, inert objects, and corrupt input.
#include "checkpoint/pickle_reader.h"

#include "checkpoint_test_util.h"

namespace ofapt {
namespace {

using testing::expect_error;
using testing::PickleBuilder;

Pickle decode(const std::string& bytes) { return read_pickle(bytes.data(), bytes.size(), "test.pkl"); }

TEST(PickleReader, DecodesPlainData) {
  // {"i": -7, "big": LONG1 -2, "f": 1.5, "s": "hé", "t": (None, True, False), "l": [1, 2], "b": b"\x00\xff"}
  const std::string pickle = PickleBuilder()
                                 .empty_dict()
                                 .mark()
                                 .string("i").integer(-7)
                                 .string("big").raw(std::string("\x8a\x02\xfe\xff", 4))
                                 .string("f").raw(std::string("G\x3f\xf8\0\0\0\0\0\0", 9))
                                 .string("s").string("h\xc3\xa9")
                                 .string("t").raw("N\x88\x89\x87")
                                 .string("l").raw("]q\x01(K\x01K\x02" "e")
                                 .string("b").raw(std::string("C\x02\x00\xff", 4))
                                 .string("again").raw("h\x01")  // BINGET of the memoized list
                                 .set_items()
                                 .stop()
                                 .bytes();
  const Pickle decoded = decode(pickle);
  const PickleValue& root = decoded.root();
  ASSERT_TRUE(root.is_dict());
  EXPECT_EQ(root.find("i")->integer, -7);
  EXPECT_EQ(root.find("big")->integer, -2);
  EXPECT_EQ(root.find("f")->real, 1.5);
  EXPECT_EQ(root.find("s")->text, "h\xc3\xa9");
  EXPECT_EQ(root.find("t")->items.size(), 3u);
  EXPECT_EQ(root.find("t")->items[1]->boolean, true);
  EXPECT_EQ(root.find("l")->items.size(), 2u);
  EXPECT_EQ(root.find("l")->items[1]->integer, 2);
  EXPECT_EQ(root.find("b")->text, std::string("\x00\xff", 2));
  EXPECT_EQ(root.find("again"), root.find("l"));
  const nlohmann::json json = pickle_to_json(root, "test.pkl");
  EXPECT_EQ(json["t"], nlohmann::json::parse("[null, true, false]"));
  EXPECT_TRUE(json["b"].is_null());  // bytes have no JSON meaning
}

TEST(PickleReader, UnknownGlobalsStayInertObjects) {
  // os.system("rm -rf /") must come back as a name with arguments, never as a call.
  const std::string pickle =
      PickleBuilder().global("os", "system").mark().string("rm -rf /").tuple().reduce().stop().bytes();
  const Pickle decoded = decode(pickle);
  EXPECT_EQ(decoded.root().kind, PickleKind::kObject);
  EXPECT_EQ(decoded.root().text, "os.system");
  ASSERT_EQ(decoded.root().items.size(), 1u);
  EXPECT_EQ(decoded.root().items[0]->text, "rm -rf /");
  EXPECT_EQ(decoded.root().describe(), "an object of class os.system");
}

TEST(PickleReader, NamespaceBecomesADictAndOrderedDictIgnoresMetadata) {
  const std::string pickle = PickleBuilder()
                                 .empty_dict()
                                 .mark()
                                 .string("args").global("argparse", "Namespace").empty_tuple().raw("\x81")
                                 .empty_dict().mark().string("arch").string("ofa_tiny").set_items().raw("b")
                                 .string("sd").global("collections", "OrderedDict").empty_tuple().reduce()
                                 .mark().string("w").integer(1).set_items()
                                 .empty_dict().mark().string("_metadata").empty_dict().set_items().raw("b")
                                 .set_items()
                                 .stop()
                                 .bytes();
  const Pickle decoded = decode(pickle);
  const PickleValue* args = decoded.root().find("args");
  ASSERT_TRUE(args->is_dict());
  EXPECT_EQ(args->find("arch")->text, "ofa_tiny");
  const PickleValue* state = decoded.root().find("sd");
  ASSERT_EQ(state->entries.size(), 1u);
  EXPECT_EQ(state->find("_metadata"), nullptr);
}

TEST(PickleReader, ReadsATensorReference) {
  const std::string pickle = PickleBuilder().tensor("7", "HalfStorage", 12, 2, {2, 3}, {4, 1}).stop().bytes();
  const Pickle decoded = decode(pickle);
  ASSERT_TRUE(decoded.root().is_tensor());
  const TensorRef& ref = decoded.root().tensor;
  EXPECT_EQ(ref.storage_key, "7");
  EXPECT_EQ(ref.dtype, at::kHalf);
  EXPECT_EQ(ref.storage_numel, 12);
  EXPECT_EQ(ref.offset, 2);
  EXPECT_EQ(ref.sizes, (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(ref.strides, (std::vector<int64_t>{4, 1}));
}

TEST(PickleReaderBadInput, UnknownOpcode) {
  expect_error([] { decode(PickleBuilder().empty_dict().raw("\xff").stop().bytes()); }, ErrorKind::kFormat,
               {"test.pkl", "pickle byte 3", "unknown or unsupported opcode 0xff"});
}

TEST(PickleReaderBadInput, Truncated) {
  expect_error([] { decode(PickleBuilder().empty_dict().bytes()); }, ErrorKind::kFormat,
               {"test.pkl", "truncated", "without a STOP"});
  expect_error([] { decode(PickleBuilder().raw(std::string("X\x10\0\0\0abc", 8)).bytes()); }, ErrorKind::kFormat,
               {"test.pkl", "pickle byte 2", "truncated: 16 bytes needed, 3 left"});
}

TEST(PickleReaderBadInput, StackUnderflowAndBadMemo) {
  expect_error([] { decode(PickleBuilder().stop().bytes()); }, ErrorKind::kFormat, {"stack underflow"});
  expect_error([] { decode(PickleBuilder().raw("s").bytes()); }, ErrorKind::kFormat, {"stack underflow"});
  expect_error([] { decode(PickleBuilder().mark().raw("0").raw("0").raw("0").bytes()); }, ErrorKind::kFormat,
               {"no MARK"});
  expect_error([] { decode(PickleBuilder().raw("h\x05").bytes()); }, ErrorKind::kFormat,
               {"pickle byte 2", "memo index 5 was never stored"});
  expect_error([] { decode(PickleBuilder().raw("\x80\x09").bytes()); }, ErrorKind::kFormat,
               {"pickle protocol 9 is not supported"});
}

TEST(PickleReaderBadInput, MalformedTensorArguments) {
  const std::string pickle = PickleBuilder()
                                 .global("torch._utils", "_rebuild_tensor_v2")
                                 .mark().integer(1).integer(0).tuple()
                                 .reduce()
                                 .stop()
                                 .bytes();
  expect_error([&] { decode(pickle); }, ErrorKind::kFormat,
               {"test.pkl", "_rebuild_tensor_v2: the storage argument is an int"});
  const std::string bad_storage =
      PickleBuilder().mark().string("storage").global("torch", "ComplexFloatStorage").string("0")
          .string("cpu").integer(1).tuple().raw("Q").stop().bytes();
  expect_error([&] { decode(bad_storage); }, ErrorKind::kFormat, {"unsupported storage type torch.ComplexFloatStorage"});
  const std::string path_key = PickleBuilder().mark().string("storage").global("torch", "FloatStorage")
                                   .string("../x").string("cpu").integer(1).tuple().raw("Q").stop().bytes();
  expect_error([&] { decode(path_key); }, ErrorKind::kFormat, {"storage key is not a short alphanumeric name"});
}

TEST(PickleReaderBadInput, DeepNestingIsRefusedWhenConverted) {
  // 1-byte TUPLE1 opcodes nest cheaply; decoding is flat, the JSON conversion stops at a limit.
  const std::string pickle = PickleBuilder().none().raw(std::string(5000, '\x85')).stop().bytes();
  const Pickle decoded = decode(pickle);
  expect_error([&] { pickle_to_json(decoded.root(), "test.pkl"); }, ErrorKind::kFormat,
               {"test.pkl", "nests deeper than 100 levels"});
}

// Every prefix and every single-byte change of a real torch pickle either decodes or throws
// ofapt::Error; nothing crashes (this test is most useful under ASan or valgrind).
TEST(PickleReaderBadInput, EveryPrefixAndByteFlipFailsCleanly) {
  const std::string pickle = PickleBuilder()
                                 .empty_dict()
                                 .mark()
                                 .string("w").tensor("0", "FloatStorage", 6, 0, {2, 3}, {3, 1})
                                 .string("n").global("numpy", "dtype").mark().string("f8").raw("\x89\x88").tuple()
                                 .reduce()
                                 .set_items()
                                 .stop()
                                 .bytes();
  decode(pickle);
  for (size_t length = 0; length < pickle.size(); ++length) {
    EXPECT_THROW(decode(pickle.substr(0, length)), Error) << "prefix of " << length << " bytes";
  }
  for (size_t i = 0; i < pickle.size(); ++i) {
    for (unsigned char value : {0x00, 0x28, 0x29, 0x2e, 0x68, 0x71, 0x80, 0x85, 0xff}) {
      std::string mutated = pickle;
      mutated[i] = static_cast<char>(value);
      try {
        decode(mutated);
      } catch (const Error&) {
      }
    }
  }
}

}  // namespace
}  // namespace ofapt
