// The search query syntax of this first version (docs/QUERY.md will grow a
// richer German query language; backends render ParsedQuery in their own
// full-text syntax and never splice query text into it unquoted).
//
//   Exportkontrollen China        both words must occur (AND)
//   "Berliner Senat" Haushalt     a phrase (adjacent words, in order) and a word
//
// Terms are separated by whitespace; a double quote opens or closes a phrase.
// Matching of whole words, case-insensitive, is the backend's job.
#ifndef KORPUS_LIBS_STORE_QUERY_H_
#define KORPUS_LIBS_STORE_QUERY_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace korpus::store {

struct QueryTerm {
  // The term as typed, without the quotes of a phrase.
  std::string text;
  // True for a "quoted phrase".
  bool phrase = false;

  bool operator==(const QueryTerm& other) const {
    return text == other.text && phrase == other.phrase;
  }
};

struct ParsedQuery {
  // All must match. Never empty.
  std::vector<QueryTerm> terms;
};

// Parses `query`. INVALID_ARGUMENT, naming the position (in code points from
// 0), if the query is empty or only whitespace, a quote is unbalanced, a
// phrase is empty, or a term has no letter or digit at all (e.g. "-"), as it
// could never match.
absl::StatusOr<ParsedQuery> ParseQuery(std::string_view query);

}  // namespace korpus::store

#endif  // KORPUS_LIBS_STORE_QUERY_H_
