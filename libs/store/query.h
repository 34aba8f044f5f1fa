// The search query language (docs/QUERY.md). ParseQuery turns the text into
// a tree; each backend renders the tree in its own full-text syntax with
// every word and phrase passed as a quoted string or a bound parameter, so
// query text never acts as SQL or as an operator of the engine.
//
//   Exportkontrollen China         both words (AND is implicit)
//   Nvidia OR AMD                  either word
//   Chips NOT Huawei               Chips, but not Huawei
//   (Nvidia OR AMD) Export*        grouping; Export* is a prefix
//   "weißen Haus" Trump            a phrase: adjacent words, in order
//
// Grammar (AND, OR and NOT are operators only in capitals; as words, quote
// them: "and"):
//   query  := or
//   or     := and ( "OR" and )*
//   and    := unary ( [ "AND" ] unary )*
//   unary  := "NOT" unary | atom
//   atom   := "(" or ")" | '"' words '"' | word [ "*" ]
// OR binds weaker than AND: "a b OR c" is (a AND b) OR c.
#ifndef KORPUS_LIBS_STORE_QUERY_H_
#define KORPUS_LIBS_STORE_QUERY_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace korpus::store {

struct QueryNode {
  enum class Kind {
    kWord,    // `text` is one word as typed; `prefix` for "Export*"
    kPhrase,  // `text` is what stood between the quotes
    kAnd,     // all `children` (two or more) must match; NOT children subtract
    kOr,      // any of `children` (two or more)
    kNot,     // `children[0]` must not match; only ever a child of kAnd
  };
  Kind kind = Kind::kWord;
  std::string text;
  bool prefix = false;
  std::vector<QueryNode> children;
  // Where the node starts in the query, in code points from 0.
  size_t position = 0;

  bool IsLeaf() const { return kind == Kind::kWord || kind == Kind::kPhrase; }
};

struct ParsedQuery {
  QueryNode root;

  // The words and phrases in query order: the order in which backends bind
  // them as parameters.
  std::vector<const QueryNode*> Leaves() const;
  // A normal form of the tree ("a  b" and "a AND b" give the same), for
  // binding page tokens to the query.
  std::string Canonical() const;
};

// Limits that keep a query's cost bounded (INVALID_ARGUMENT beyond them).
inline constexpr size_t kMaxQueryTerms = 64;
inline constexpr size_t kMaxQueryDepth = 16;
// Characters a prefix needs before its "*": shorter prefixes match too much
// of the vocabulary to be useful or cheap.
inline constexpr size_t kMinPrefixLength = 2;

// Parses `query`. INVALID_ARGUMENT, naming the problem and its position (in
// code points from 0), for: an empty query; an unbalanced quote or
// parenthesis; an empty phrase or group; a word or phrase without any
// letter or digit (it could never match); an operator without an operand
// ("Nvidia OR", "AND China"); a NOT that has nothing to subtract from ("NOT
// China", "Nvidia OR NOT China"); a "*" that is not at the end of a word or
// follows fewer than kMinPrefixLength characters; more than kMaxQueryTerms
// words and phrases or nesting deeper than kMaxQueryDepth.
absl::StatusOr<ParsedQuery> ParseQuery(std::string_view query);

}  // namespace korpus::store

#endif  // KORPUS_LIBS_STORE_QUERY_H_
