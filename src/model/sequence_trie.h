// A trie of allowed token sequences: constrained decoding to a closed answer set (VQA, SNLI-VE).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <vector>

namespace ofapt {

class SequenceTrie {
 public:
  void insert(const std::vector<int64_t>& sequence);
  // Tokens that may follow `prefix`; empty when the prefix is not in the trie or is complete.
  std::vector<int64_t> allowed_next(const std::vector<int64_t>& prefix) const;
  bool empty() const { return root_.children.empty(); }

 private:
  struct Node {
    std::map<int64_t, std::unique_ptr<Node>> children;
  };
  Node root_;
};

}  // namespace ofapt
