// The logic of `korpusctl ner`: tags pre-tokenised GermEval 2014 / CoNLL
// token files and writes the predicted tag as a new last column, so any
// tagged corpus can be scored against its gold column.
#ifndef KORPUS_LIBS_NLP_NER_CLI_H_
#define KORPUS_LIBS_NLP_NER_CLI_H_

#include <iosfwd>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "libs/nlp/ner.h"
#include "libs/nlp/tagger.h"

namespace korpus::nlp {

struct NerOptions {
  // Directory with de_ner.bin, de_tagger.bin and de_lexicon.bin; default
  // "models", relative to the working directory.
  std::string model_dir = "models";
  // Zero-based column holding the token. -1 (default): column 1 when the
  // first column of the first row is a number (GermEval: index, token,
  // outer, inner), else column 0 (CoNLL 2003: token first).
  int token_column = -1;
  // Files to read, in order; empty means read the input stream.
  std::vector<std::string> input_files;
};

// Reads tab-separated token rows (blank line between sentences; "#" lines
// before a sentence are copied through), appends a tab and the predicted
// BIO tag ("B-ORGpart", "O") to every row and writes them to `out`.
// Errors: those of PretokenizedNer::Load (NOT_FOUND when de_ner.bin is
// missing); NOT_FOUND for a missing input file;
// INVALID_ARGUMENT for a row without the token column or input that is not
// UTF-8 (naming the line or byte).
absl::Status RunNer(const NerOptions& options, std::istream& in, std::ostream& out);

// NER over pre-tokenised sentences: the core POS tagger (for the UPOS
// features) and the NER model, sharing one lexicon. Needs only de_lexicon.bin,
// de_tagger.bin and de_ner.bin. Thread-safety: immutable after Load(); Tag()
// may run concurrently.
class PretokenizedNer {
 public:
  // Errors as Lexicon::Load, Tagger::Load and NerTagger::Load.
  static absl::StatusOr<std::unique_ptr<PretokenizedNer>> Load(const std::string& model_dir);

  // One NER tag index per word.
  std::vector<int> Tag(const std::vector<std::string_view>& words) const;
  // UPOS of each word, as the NER features see them (static storage).
  std::vector<std::string_view> Upos(const std::vector<std::string_view>& words) const;

  const NerTagger& ner() const { return *ner_; }

 private:
  PretokenizedNer() = default;
  std::unique_ptr<Lexicon> lexicon_;
  std::unique_ptr<Tagger> tagger_;
  std::unique_ptr<NerTagger> ner_;
};

}  // namespace korpus::nlp

#endif  // KORPUS_LIBS_NLP_NER_CLI_H_
