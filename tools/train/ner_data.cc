#include "tools/train/ner_data.h"

#include "absl/strings/str_cat.h"
#include "libs/nlp/conllu.h"

namespace korpus::train {

absl::StatusOr<GermEvalData> ReadGermEval(const std::string& path, const nlp::Tagger* tagger,
                                          const nlp::Lexicon* lexicon) {
  absl::StatusOr<std::string> content = nlp::ReadFileToString(path);
  if (!content.ok()) return content.status();
  absl::StatusOr<std::vector<nlp::NerFileSentence>> raw = nlp::ParseNerFile(*content, 3);
  if (!raw.ok()) return absl::InvalidArgumentError(absl::StrCat(path, ": ", raw.status().message()));
  GermEvalData data;
  data.raw = *std::move(raw);
  std::vector<std::string_view> words;
  std::vector<int> pos;
  for (const nlp::NerFileSentence& row_sentence : data.raw) {
    nlp::NerSentence sentence;
    int previous = 0;
    for (const std::vector<std::string>& row : row_sentence.rows) {
      sentence.words.push_back(row[1]);
      int tag = nlp::ParseNerTag(row[2]);
      if (tag < 0) {
        return absl::InvalidArgumentError(
            absl::StrCat(path, ": unknown tag '", row[2], "' in \"", row_sentence.comment, "\""));
      }
      if (nlp::NerTagIsInside(tag) &&
          (previous == 0 || nlp::NerTagLabel(previous) != nlp::NerTagLabel(tag))) {
        tag -= 1;  // the B- of the same label
      }
      sentence.tags.push_back(tag);
      previous = tag;
    }
    if (tagger != nullptr) {
      words.assign(sentence.words.begin(), sentence.words.end());
      tagger->Tag(words, {}, lexicon, pos);
      for (int tag : pos) sentence.upos.emplace_back(tagger->upos(tag));
    }
    data.sentences.push_back(std::move(sentence));
  }
  return data;
}

}  // namespace korpus::train
