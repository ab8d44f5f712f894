#include "text/token_id_lines.h"

#include <nlohmann/json.hpp>

#include "util/error.h"

namespace ofapt::text {

size_t encode_lines(const OfaTokenizer& tokenizer, std::istream& in, std::ostream& out,
                    const TokenIdLinesOptions& options) {
  OFAPT_CHECK(!(options.symbols && options.ids == IdSpace::kGpt2), ErrorKind::kUsage,
              "symbols such as <bin_12> exist only as model ids, not GPT-2 ids");
  size_t count = 0;
  std::string line;
  while (std::getline(in, line)) {
    const std::vector<int64_t> ids = options.ids == IdSpace::kGpt2 ? tokenizer.encode_gpt2(line)
                                     : options.symbols             ? tokenizer.encode_with_symbols(line)
                                                                   : tokenizer.encode(line);
    out << nlohmann::json(ids).dump() << '\n';
    ++count;
  }
  return count;
}

size_t decode_lines(const OfaTokenizer& tokenizer, std::istream& in, std::ostream& out, const std::string& source,
                    const TokenIdLinesOptions& options) {
  size_t count = 0;
  std::string line;
  while (std::getline(in, line)) {
    ++count;
    std::vector<int64_t> ids;
    try {
      const nlohmann::json json = nlohmann::json::parse(line);
      OFAPT_CHECK(json.is_array(), ErrorKind::kInput, "expected a JSON array of token ids, got ", json.type_name());
      for (const nlohmann::json& id : json) {
        OFAPT_CHECK(id.is_number_integer(), ErrorKind::kInput, "token id ", id.dump(), " is not an integer");
        ids.push_back(id.get<int64_t>());
      }
      const std::string text = options.ids == IdSpace::kGpt2 ? tokenizer.decode_gpt2(ids) : tokenizer.decode(ids);
      out << nlohmann::json(text).dump() << '\n';
    } catch (const nlohmann::json::exception& e) {
      throw Error(ErrorKind::kInput, str(source, ":", count, ": malformed JSON (", e.what(), ")"));
    } catch (const Error& e) {
      throw Error(e.kind(), str(source, ":", count, ": ", e.what()));
    }
  }
  return count;
}

}  // namespace ofapt::text
