#include "libs/store/query.h"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "unicode/uchar.h"
#include "unicode/utf8.h"

namespace korpus::store {
namespace {

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

// Code points in query[0, byte): positions in messages count characters, as
// every offset in the korpus contract does.
size_t CodePointPosition(std::string_view query, size_t byte) {
  size_t position = 0;
  for (size_t i = 0; i < byte && i < query.size(); ++i) {
    if ((static_cast<unsigned char>(query[i]) & 0xC0) != 0x80) ++position;
  }
  return position;
}

size_t CodePointCount(std::string_view text) { return CodePointPosition(text, text.size()); }

// True if `text` has a letter or digit: the full-text engines index only
// those, so a word or phrase without one could never match (and an empty
// operand would make an AND match everything on PostgreSQL).
bool HasLetterOrDigit(std::string_view text) {
  const auto* bytes = reinterpret_cast<const uint8_t*>(text.data());
  const int32_t length = static_cast<int32_t>(text.size());
  int32_t i = 0;
  while (i < length) {
    UChar32 c;
    U8_NEXT(bytes, i, length, c);
    if (c >= 0 && u_isalnum(c)) return true;
  }
  return false;
}

struct Token {
  enum class Kind { kEnd, kWord, kPhrase, kAnd, kOr, kNot, kOpen, kClose };
  Kind kind = Kind::kEnd;
  std::string text;
  bool prefix = false;
  size_t byte = 0;
};

class Parser {
 public:
  explicit Parser(std::string_view query) : query_(query) {}

  absl::StatusOr<ParsedQuery> Parse() {
    if (absl::Status status = Tokenize(); !status.ok()) return status;
    if (tokens_.size() == 1) return absl::InvalidArgumentError("SearchRequest.query is empty");
    absl::StatusOr<QueryNode> root = ParseOr(0);
    if (!root.ok()) return root.status();
    if (Peek().kind != Token::Kind::kEnd) {
      return Error(Peek(), "has a ')' without a matching '('");
    }
    if (absl::Status status = CheckNots(*root, nullptr); !status.ok()) return status;
    ParsedQuery parsed;
    parsed.root = *std::move(root);
    return parsed;
  }

 private:
  absl::Status Error(const Token& token, std::string_view problem) const {
    return absl::InvalidArgumentError(absl::StrCat("SearchRequest.query ", std::string(problem),
                                                   " at position ",
                                                   CodePointPosition(query_, token.byte)));
  }

  absl::Status Tokenize() {
    size_t i = 0;
    size_t leaves = 0;
    while (i < query_.size()) {
      const char c = query_[i];
      if (IsSpace(c)) {
        ++i;
        continue;
      }
      Token token;
      token.byte = i;
      if (c == '(' || c == ')') {
        token.kind = c == '(' ? Token::Kind::kOpen : Token::Kind::kClose;
        ++i;
      } else if (c == '"') {
        const size_t close = query_.find('"', i + 1);
        if (close == std::string_view::npos) return Error(token, "has an unbalanced quote");
        token.kind = Token::Kind::kPhrase;
        token.text = std::string(query_.substr(i + 1, close - i - 1));
        if (!HasLetterOrDigit(token.text)) {
          return Error(token, "has a phrase without any letter or digit");
        }
        i = close + 1;
      } else {
        while (i < query_.size() && !IsSpace(query_[i]) && query_[i] != '"' &&
               query_[i] != '(' && query_[i] != ')') {
          ++i;
        }
        std::string_view word = query_.substr(token.byte, i - token.byte);
        if (word == "AND" || word == "OR" || word == "NOT") {
          token.kind = word == "AND"  ? Token::Kind::kAnd
                       : word == "OR" ? Token::Kind::kOr
                                      : Token::Kind::kNot;
          token.text = std::string(word);
        } else {
          token.kind = Token::Kind::kWord;
          if (word.back() == '*') {
            token.prefix = true;
            word.remove_suffix(1);
          }
          if (word.find('*') != std::string_view::npos) {
            return Error(token, "has a '*' inside a word ('*' marks a prefix only at a word's end)");
          }
          if (!HasLetterOrDigit(word)) return Error(token, "has a term without any letter or digit");
          if (token.prefix && CodePointCount(word) < kMinPrefixLength) {
            return Error(token, absl::StrCat("has a prefix shorter than ", kMinPrefixLength,
                                             " characters"));
          }
          token.text = std::string(word);
        }
      }
      if (token.kind == Token::Kind::kWord || token.kind == Token::Kind::kPhrase) {
        if (++leaves > kMaxQueryTerms) {
          return Error(token, absl::StrCat("has more than ", kMaxQueryTerms, " words and phrases"));
        }
      }
      tokens_.push_back(std::move(token));
    }
    Token end;
    end.byte = query_.size();
    tokens_.push_back(end);
    return absl::OkStatus();
  }

  const Token& Peek() const { return tokens_[next_]; }
  const Token& Take() { return tokens_[next_++]; }

  static bool StartsUnary(Token::Kind kind) {
    return kind == Token::Kind::kWord || kind == Token::Kind::kPhrase ||
           kind == Token::Kind::kOpen || kind == Token::Kind::kNot;
  }

  // Appends `node` to `parent`'s children, taking over the children of a
  // node of the same kind, so that "(a b) c" is one AND of three.
  static void AppendFlattened(QueryNode& parent, QueryNode node) {
    if (node.kind == parent.kind) {
      for (QueryNode& child : node.children) parent.children.push_back(std::move(child));
    } else {
      parent.children.push_back(std::move(node));
    }
  }

  absl::Status CheckDepth(const Token& token, size_t depth) const {
    if (depth > kMaxQueryDepth) {
      return Error(token, absl::StrCat("nests deeper than ", kMaxQueryDepth, " levels"));
    }
    return absl::OkStatus();
  }

  absl::StatusOr<QueryNode> ParseOr(size_t depth) {
    absl::StatusOr<QueryNode> first = ParseAnd(depth);
    if (!first.ok() || Peek().kind != Token::Kind::kOr) return first;
    QueryNode node;
    node.kind = QueryNode::Kind::kOr;
    node.position = first->position;
    AppendFlattened(node, *std::move(first));
    while (Peek().kind == Token::Kind::kOr) {
      const Token& op = Take();
      if (!StartsUnary(Peek().kind)) return Error(op, "has an OR without a right operand");
      absl::StatusOr<QueryNode> next = ParseAnd(depth);
      if (!next.ok()) return next.status();
      AppendFlattened(node, *std::move(next));
    }
    return node;
  }

  absl::StatusOr<QueryNode> ParseAnd(size_t depth) {
    absl::StatusOr<QueryNode> first = ParseUnary(depth);
    if (!first.ok()) return first;
    QueryNode node;
    node.kind = QueryNode::Kind::kAnd;
    node.position = first->position;
    AppendFlattened(node, *std::move(first));
    while (true) {
      if (Peek().kind == Token::Kind::kAnd) {
        const Token& op = Take();
        if (!StartsUnary(Peek().kind)) return Error(op, "has an AND without a right operand");
      } else if (!StartsUnary(Peek().kind)) {
        break;
      }
      absl::StatusOr<QueryNode> next = ParseUnary(depth);
      if (!next.ok()) return next.status();
      AppendFlattened(node, *std::move(next));
    }
    if (node.children.size() == 1) return std::move(node.children[0]);
    return node;
  }

  absl::StatusOr<QueryNode> ParseUnary(size_t depth) {
    if (Peek().kind != Token::Kind::kNot) return ParseAtom(depth);
    const Token& op = Take();
    if (absl::Status status = CheckDepth(op, depth + 1); !status.ok()) return status;
    if (!StartsUnary(Peek().kind)) return Error(op, "has a NOT without an operand");
    absl::StatusOr<QueryNode> operand = ParseUnary(depth + 1);
    if (!operand.ok()) return operand;
    QueryNode node;
    node.kind = QueryNode::Kind::kNot;
    node.position = CodePointPosition(query_, op.byte);
    node.children.push_back(*std::move(operand));
    return node;
  }

  absl::StatusOr<QueryNode> ParseAtom(size_t depth) {
    const Token& token = Take();
    switch (token.kind) {
      case Token::Kind::kWord:
      case Token::Kind::kPhrase: {
        QueryNode leaf;
        leaf.kind = token.kind == Token::Kind::kWord ? QueryNode::Kind::kWord
                                                     : QueryNode::Kind::kPhrase;
        leaf.text = token.text;
        leaf.prefix = token.prefix;
        leaf.position = CodePointPosition(query_, token.byte);
        return leaf;
      }
      case Token::Kind::kOpen: {
        if (absl::Status status = CheckDepth(token, depth + 1); !status.ok()) return status;
        if (Peek().kind == Token::Kind::kClose) return Error(token, "has an empty group '()'");
        absl::StatusOr<QueryNode> inner = ParseOr(depth + 1);
        if (!inner.ok()) return inner;
        if (Peek().kind != Token::Kind::kClose) {
          return Error(token, "has a '(' without a matching ')'");
        }
        Take();
        return inner;
      }
      case Token::Kind::kClose:
        return Error(token, "has a ')' without a matching '('");
      case Token::Kind::kAnd:
      case Token::Kind::kOr:
        return Error(token, absl::StrCat("has an ", token.text, " without a left operand"));
      case Token::Kind::kNot:  // ParseUnary takes these
      case Token::Kind::kEnd:
        break;
    }
    return Error(token, "ends where a word or phrase is expected");
  }

  // A NOT subtracts from the other operands of its AND: alone, under an OR
  // or under another NOT it has nothing to subtract from, and the engines
  // cannot (SQLite) or should not (a scan of the whole corpus) evaluate it.
  absl::Status CheckNots(const QueryNode& node, const QueryNode* parent) const {
    if (node.kind == QueryNode::Kind::kNot) {
      bool has_positive_sibling = false;
      if (parent != nullptr && parent->kind == QueryNode::Kind::kAnd) {
        for (const QueryNode& sibling : parent->children) {
          if (sibling.kind != QueryNode::Kind::kNot) has_positive_sibling = true;
        }
      }
      if (!has_positive_sibling) {
        return absl::InvalidArgumentError(absl::StrCat(
            "SearchRequest.query has a NOT with nothing to subtract from at position ",
            node.position, " (write it beside a term that must match: \"Chips NOT Huawei\")"));
      }
    }
    for (const QueryNode& child : node.children) {
      if (absl::Status status = CheckNots(child, &node); !status.ok()) return status;
    }
    return absl::OkStatus();
  }

  std::string_view query_;
  std::vector<Token> tokens_;
  size_t next_ = 0;
};

void CollectLeaves(const QueryNode& node, std::vector<const QueryNode*>& leaves) {
  if (node.IsLeaf()) {
    leaves.push_back(&node);
    return;
  }
  for (const QueryNode& child : node.children) CollectLeaves(child, leaves);
}

void AppendCanonical(const QueryNode& node, std::string& out) {
  switch (node.kind) {
    case QueryNode::Kind::kWord:
      absl::StrAppend(&out, node.prefix ? "W*" : "W", node.text.size(), ":", node.text);
      return;
    case QueryNode::Kind::kPhrase:
      absl::StrAppend(&out, "P", node.text.size(), ":", node.text);
      return;
    case QueryNode::Kind::kAnd:
    case QueryNode::Kind::kOr:
    case QueryNode::Kind::kNot:
      out += node.kind == QueryNode::Kind::kAnd ? "&(" : node.kind == QueryNode::Kind::kOr ? "|(" : "!(";
      for (const QueryNode& child : node.children) AppendCanonical(child, out);
      out += ")";
      return;
  }
}

}  // namespace

std::vector<const QueryNode*> ParsedQuery::Leaves() const {
  std::vector<const QueryNode*> leaves;
  CollectLeaves(root, leaves);
  return leaves;
}

std::string ParsedQuery::Canonical() const {
  std::string out;
  AppendCanonical(root, out);
  return out;
}

absl::StatusOr<ParsedQuery> ParseQuery(std::string_view query) { return Parser(query).Parse(); }

}  // namespace korpus::store
