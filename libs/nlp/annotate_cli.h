// The logic of `korpusctl annotate`: offline annotation, no server needed.
// korpusctl only maps its flags onto AnnotateOptions and calls RunAnnotate.
#ifndef KORPUS_LIBS_NLP_ANNOTATE_CLI_H_
#define KORPUS_LIBS_NLP_ANNOTATE_CLI_H_

#include <iosfwd>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace korpus::nlp {

enum class AnnotateInput { kText, kConllu };
enum class AnnotateOutput { kConllu, kJson, kTable };

struct AnnotateOptions {
  // Directory with de_*.bin; default "models" (relative to the working
  // directory). Empty: tokens and sentences only.
  std::string model_dir = "models";
  // kText: raw UTF-8 text, tokenised and split here. kConllu: pre-tokenised
  // CoNLL-U whose words are only tagged and lemmatised (tokens, ids, MISC
  // and comments are kept; UPOS, XPOS and LEMMA are replaced).
  AnnotateInput input = AnnotateInput::kText;
  AnnotateOutput output = AnnotateOutput::kConllu;
  // Files to read, in order; empty means read the input stream. Each file
  // is one document (its own sentence ids "<file stem>-s<n>" in CoNLL-U).
  std::vector<std::string> input_files;
};

// "conllu" / "json" / "table"; "text" / "conllu". INVALID_ARGUMENT otherwise,
// naming the flag value.
absl::StatusOr<AnnotateOutput> ParseAnnotateOutput(const std::string& name);
absl::StatusOr<AnnotateInput> ParseAnnotateInput(const std::string& name);

// Reads the input (stream or files), annotates it, writes `out`. Errors:
// the model loading errors of Pipeline::Load; NOT_FOUND for a missing input
// file; INVALID_ARGUMENT for malformed CoNLL-U or text that is not UTF-8
// (naming the byte offset).
absl::Status RunAnnotate(const AnnotateOptions& options, std::istream& in, std::ostream& out);

}  // namespace korpus::nlp

#endif  // KORPUS_LIBS_NLP_ANNOTATE_CLI_H_
