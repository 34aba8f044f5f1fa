// CoNLL-U reading and writing (https://universaldependencies.org/format.html).
//
// A sentence keeps its comments (`# sent_id = ...`, `# text = ...`, others
// verbatim) and its rows in file order: words ("3"), multiword-token ranges
// ("3-4", whose words follow) and empty nodes ("3.1", kept but ignored by
// the helpers here). Columns are kept as strings so a file round-trips.
#ifndef KORPUS_LIBS_NLP_CONLLU_H_
#define KORPUS_LIBS_NLP_CONLLU_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace korpus::nlp {

struct ConlluRow {
  enum class Type : uint8_t { kWord, kMultiwordToken, kEmptyNode };
  Type type = Type::kWord;
  int first = 0;  // word id; for a range "3-4" first = 3
  int last = 0;   // == first for a word; 4 for "3-4"
  std::string id;  // as written: "3", "3-4", "3.1"
  std::string form, lemma = "_", upos = "_", xpos = "_", feats = "_", head = "_",
      deprel = "_", deps = "_", misc = "_";

  // False when MISC holds SpaceAfter=No.
  bool SpaceAfter() const;
};

struct ConlluSentence {
  std::string sent_id;  // from "# sent_id = ...", may be empty
  std::string text;     // from "# text = ...", may be empty
  bool new_paragraph = false;           // "# newpar" present
  bool new_document = false;            // "# newdoc" present
  std::vector<std::string> other_comments;  // other "#" lines, verbatim
  std::vector<ConlluRow> rows;

  // The surface tokens: each multiword-token row, and each word not covered
  // by one. Indices into rows.
  std::vector<size_t> TokenRows() const;
  // The syntactic words (type kWord) in order. Indices into rows.
  std::vector<size_t> WordRows() const;
  // Text rebuilt from the tokens and SpaceAfter=No (no trailing space).
  std::string TextFromTokens() const;
};

// Parses a whole CoNLL-U document. INVALID_ARGUMENT names the line number
// and what is wrong (column count, bad id, range without its words).
absl::StatusOr<std::vector<ConlluSentence>> ParseConllu(std::string_view content);

// Reads and parses a file; NOT_FOUND when it cannot be opened.
absl::StatusOr<std::vector<ConlluSentence>> ReadConlluFile(const std::string& path);

// Appends one sentence in CoNLL-U, comments first, ending with a blank line.
void AppendConllu(const ConlluSentence& sentence, std::string& out);

// Raw text of a document as the CoNLL 2018 shared task built it: sentences
// joined by a space, paragraphs ("# newpar"/"# newdoc") by a blank line, each
// sentence rebuilt from its tokens and SpaceAfter=No.
std::string DocumentText(const std::vector<ConlluSentence>& sentences);

// Where each sentence ends in DocumentText(sentences): byte offsets one past
// each sentence's last character, ascending.
std::vector<uint32_t> DocumentSentenceEnds(const std::vector<ConlluSentence>& sentences);

// Reads a whole file into a string; NOT_FOUND when it cannot be opened.
absl::StatusOr<std::string> ReadFileToString(const std::string& path);

}  // namespace korpus::nlp

#endif  // KORPUS_LIBS_NLP_CONLLU_H_
