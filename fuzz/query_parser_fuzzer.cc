// The search query parser on arbitrary bytes: it returns a well-formed tree
// or INVALID_ARGUMENT, never crashes, and its limits hold.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz/fuzz_check.h"
#include "libs/store/query.h"

namespace {

using korpus::store::QueryNode;

// Checks the invariants the backends rely on; returns the depth below `node`.
size_t CheckNode(const QueryNode& node, const QueryNode* parent, size_t size) {
  switch (node.kind) {
    case QueryNode::Kind::kWord:
    case QueryNode::Kind::kPhrase:
      FUZZ_CHECK(!node.text.empty());
      FUZZ_CHECK(node.text.size() <= size);
      FUZZ_CHECK(node.children.empty());
      FUZZ_CHECK(!node.prefix || node.kind == QueryNode::Kind::kWord);
      return 0;
    case QueryNode::Kind::kAnd:
    case QueryNode::Kind::kOr:
      FUZZ_CHECK(node.children.size() >= 2);
      break;
    case QueryNode::Kind::kNot:
      // A NOT only ever subtracts from an AND that has a positive operand.
      FUZZ_CHECK(node.children.size() == 1);
      FUZZ_CHECK(parent != nullptr && parent->kind == QueryNode::Kind::kAnd);
      break;
  }
  bool positive = false;
  size_t depth = 0;
  for (const QueryNode& child : node.children) {
    // Nested groups of the same operator are flattened.
    FUZZ_CHECK(node.kind == QueryNode::Kind::kNot || child.kind != node.kind);
    if (child.kind != QueryNode::Kind::kNot) positive = true;
    const size_t below = CheckNode(child, &node, size) + 1;
    if (below > depth) depth = below;
  }
  FUZZ_CHECK(positive || node.kind == QueryNode::Kind::kNot);
  return depth;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view query(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<korpus::store::ParsedQuery> parsed = korpus::store::ParseQuery(query);
  if (!parsed.ok()) {
    FUZZ_CHECK(parsed.status().code() == absl::StatusCode::kInvalidArgument);
    return 0;
  }
  const auto leaves = parsed->Leaves();
  FUZZ_CHECK(!leaves.empty());
  FUZZ_CHECK(leaves.size() <= korpus::store::kMaxQueryTerms);
  // Flattening can only lower the depth the parser bounded; each level of
  // the tree took at least one parenthesis or NOT plus an operator.
  FUZZ_CHECK(CheckNode(parsed->root, nullptr, size) <= 2 * korpus::store::kMaxQueryDepth + 3);
  return 0;
}
