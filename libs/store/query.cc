#include "libs/store/query.h"

#include <cstddef>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

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

// False for terms made only of ASCII punctuation and symbols, which the
// word tokenizer drops. Any non-ASCII character counts as possibly a letter:
// a term of non-ASCII punctuation only (e.g. "–") is accepted and matches
// nothing.
bool HasWordCharacter(std::string_view term) {
  for (char c : term) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (u >= 0x80 || (u >= '0' && u <= '9') || (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z')) {
      return true;
    }
  }
  return false;
}

}  // namespace

absl::StatusOr<ParsedQuery> ParseQuery(std::string_view query) {
  ParsedQuery parsed;
  size_t i = 0;
  while (i < query.size()) {
    if (IsSpace(query[i])) {
      ++i;
      continue;
    }
    const size_t start = i;
    QueryTerm term;
    if (query[i] == '"') {
      const size_t close = query.find('"', i + 1);
      if (close == std::string_view::npos) {
        return absl::InvalidArgumentError(
            absl::StrCat("SearchRequest.query has an unbalanced quote at position ",
                         CodePointPosition(query, start)));
      }
      term.text = std::string(query.substr(i + 1, close - i - 1));
      term.phrase = true;
      i = close + 1;
    } else {
      while (i < query.size() && !IsSpace(query[i]) && query[i] != '"') ++i;
      term.text = std::string(query.substr(start, i - start));
    }
    if (!HasWordCharacter(term.text)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "SearchRequest.query has ", term.phrase ? "a phrase" : "a term",
          " without any letter or digit at position ", CodePointPosition(query, start)));
    }
    parsed.terms.push_back(std::move(term));
  }
  if (parsed.terms.empty()) {
    return absl::InvalidArgumentError("SearchRequest.query is empty");
  }
  return parsed;
}

}  // namespace korpus::store
