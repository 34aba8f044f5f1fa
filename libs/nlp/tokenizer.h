// Rule-based German tokenizer and sentence splitter.
//
// Example:
//   korpus::nlp::Tokenizer tokenizer;
//   korpus::nlp::TokenizedText t = tokenizer.Tokenize("Dr. Meier kam am 2. Mai.");
//   // tokens: "Dr." "Meier" "kam" "am" "2." "Mai" "." ; one sentence.
//
// Contract:
//  - Input is valid UTF-8 (the ingest service guarantees NFC). Invalid bytes
//    do not crash or hang: each becomes a one-byte kSymbol token.
//  - Inputs must be shorter than 4 GiB (offsets are uint32_t).
//  - Output offsets are UTF-8 byte offsets, half-open, strictly increasing,
//    never overlapping; whitespace is never part of a token.
//  - Every token belongs to exactly one sentence. A paragraph break (a blank
//    line: two newlines with only spaces/tabs/CR between) always ends a
//    sentence; so does the end of the text.
//  - Deterministic; no allocation per token beyond the output vectors.
//
// Thread-safety: a Tokenizer is immutable after construction; Tokenize() is
// const and may be called concurrently from any number of threads.
#ifndef KORPUS_LIBS_NLP_TOKENIZER_H_
#define KORPUS_LIBS_NLP_TOKENIZER_H_

#include <string_view>

#include "absl/container/flat_hash_set.h"
#include "libs/nlp/text.h"

namespace korpus::nlp {

struct TokenizerOptions {
  // UD German GSD splits hyphenated compounds ("US", "-", "Dollar"); the
  // corpus keeps them whole ("US-Dollar"), which is better for search.
  // Default false: keep them whole. Evaluation against GSD sets true.
  bool split_hyphenated_compounds = false;
  // "!!!" is one token by default; GSD has one token per mark.
  bool split_repeated_marks = false;
};

class Tokenizer {
 public:
  // Builds the abbreviation and month tables (a few microseconds).
  explicit Tokenizer(const TokenizerOptions& options = {});

  Tokenizer(const Tokenizer&) = delete;
  Tokenizer& operator=(const Tokenizer&) = delete;

  // Splits `utf8_text` into tokens and sentences. See the contract above.
  TokenizedText Tokenize(std::string_view utf8_text) const;

  // Only the token pass (no sentences); `out` is cleared first.
  void TokenizeInto(std::string_view utf8_text, std::vector<Token>& out) const;

  // Sentence pass over tokens produced by TokenizeInto on the same text.
  void SplitSentences(std::string_view utf8_text, const std::vector<Token>& tokens,
                      std::vector<Sentence>& out) const;

  // True if `word` (without its full stop) is a known abbreviation, such as
  // "Dr", "bzw", "z". Exposed for tests and for later pipeline stages.
  bool IsAbbreviation(std::string_view word) const {
    return abbreviations_.contains(word);
  }
  // True for the abbreviations that may end a sentence ("usw", "etc").
  bool IsFinalAbbreviation(std::string_view word) const {
    return final_abbreviations_.contains(word);
  }

 private:
  // Decides whether the full stop after the number ending at `number_end`
  // makes an ordinal ("am 2. Februar") rather than ending a sentence.
  bool IsOrdinalStop(std::string_view text, const std::vector<Token>& tokens,
                     uint32_t number_begin, uint32_t number_end) const;

  TokenizerOptions options_;
  absl::flat_hash_set<std::string_view> abbreviations_;
  // Abbreviations that usually stand at the end of a sentence when the next
  // word is capitalised ("usw.", "etc.").
  absl::flat_hash_set<std::string_view> final_abbreviations_;
  absl::flat_hash_set<std::string_view> month_names_;
  // Words after which "<number>." is an ordinal even before a capitalised
  // word ("der 3. Platz", "am 5. Spieltag").
  absl::flat_hash_set<std::string_view> ordinal_triggers_;
  absl::flat_hash_set<std::string_view> top_level_domains_;
};

}  // namespace korpus::nlp

#endif  // KORPUS_LIBS_NLP_TOKENIZER_H_
