#include "model/sequence_trie.h"

namespace ofapt {

void SequenceTrie::insert(const std::vector<int64_t>& sequence) {
  Node* node = &root_;
  for (int64_t token : sequence) {
    auto& child = node->children[token];
    if (!child) child = std::make_unique<Node>();
    node = child.get();
  }
}

std::vector<int64_t> SequenceTrie::allowed_next(const std::vector<int64_t>& prefix) const {
  const Node* node = &root_;
  for (int64_t token : prefix) {
    auto found = node->children.find(token);
    if (found == node->children.end()) return {};
    node = found->second.get();
  }
  std::vector<int64_t> allowed;
  allowed.reserve(node->children.size());
  for (const auto& entry : node->children) allowed.push_back(entry.first);
  return allowed;
}

}  // namespace ofapt
