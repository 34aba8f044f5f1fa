#include "libs/nlp/ner_cli.h"

#include <unicode/utf8.h>

#include <istream>
#include <iterator>
#include <ostream>

#include "absl/strings/str_cat.h"
#include "libs/nlp/conllu.h"
#include "libs/nlp/ner_eval.h"

namespace korpus::nlp {
namespace {

absl::Status CheckUtf8(const std::string& text, const std::string& source) {
  int32_t i = 0;
  const int32_t n = static_cast<int32_t>(text.size());
  while (i < n) {
    const int32_t start = i;
    UChar32 cp;
    U8_NEXT(reinterpret_cast<const uint8_t*>(text.data()), i, n, cp);
    if (cp < 0) {
      return absl::InvalidArgumentError(absl::StrCat(source, " is not valid UTF-8 at byte ", start));
    }
  }
  return absl::OkStatus();
}

bool IsNumber(const std::string& s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

}  // namespace

absl::StatusOr<std::unique_ptr<PretokenizedNer>> PretokenizedNer::Load(
    const std::string& model_dir) {
  std::unique_ptr<PretokenizedNer> result(new PretokenizedNer());
  absl::StatusOr<Lexicon> lexicon = Lexicon::Load(model_dir + "/de_lexicon.bin");
  if (!lexicon.ok()) return lexicon.status();
  result->lexicon_ = std::make_unique<Lexicon>(*std::move(lexicon));
  absl::StatusOr<Tagger> tagger = Tagger::Load(model_dir + "/de_tagger.bin");
  if (!tagger.ok()) return tagger.status();
  result->tagger_ = std::make_unique<Tagger>(*std::move(tagger));
  absl::StatusOr<NerTagger> ner = NerTagger::Load(model_dir, result->lexicon_.get());
  if (!ner.ok()) return ner.status();
  result->ner_ = std::make_unique<NerTagger>(*std::move(ner));
  return result;
}

std::vector<std::string_view> PretokenizedNer::Upos(
    const std::vector<std::string_view>& words) const {
  std::vector<int> tags;
  tagger_->Tag(words, {}, lexicon_.get(), tags);
  std::vector<std::string_view> upos;
  upos.reserve(words.size());
  for (int tag : tags) upos.push_back(tagger_->upos(tag));
  return upos;
}

std::vector<int> PretokenizedNer::Tag(const std::vector<std::string_view>& words) const {
  return ner_->Tag(words, Upos(words));
}

absl::Status RunNer(const NerOptions& options, std::istream& in, std::ostream& out) {
  absl::StatusOr<std::unique_ptr<PretokenizedNer>> ner = PretokenizedNer::Load(options.model_dir);
  if (!ner.ok()) return ner.status();

  std::vector<std::pair<std::string, std::string>> documents;  // source, content
  if (options.input_files.empty()) {
    documents.emplace_back("standard input", std::string(std::istreambuf_iterator<char>(in), {}));
  } else {
    for (const std::string& path : options.input_files) {
      absl::StatusOr<std::string> content = ReadFileToString(path);
      if (!content.ok()) return content.status();
      documents.emplace_back(path, *std::move(content));
    }
  }
  std::string output;
  std::vector<std::string_view> words;
  for (const auto& [source, content] : documents) {
    if (absl::Status s = CheckUtf8(content, source); !s.ok()) return s;
    absl::StatusOr<std::vector<NerFileSentence>> sentences = ParseNerFile(content, 1);
    if (!sentences.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(source, ": ", sentences.status().message()));
    }
    int column = options.token_column;
    if (column < 0) {
      column = !sentences->empty() && sentences->front().rows.front().size() > 1 &&
                       IsNumber(sentences->front().rows.front()[0])
                   ? 1
                   : 0;
    }
    for (const NerFileSentence& sentence : *sentences) {
      words.clear();
      for (const std::vector<std::string>& row : sentence.rows) {
        if (static_cast<size_t>(column) >= row.size()) {
          return absl::InvalidArgumentError(absl::StrCat(
              source, ": a row of the sentence \"", sentence.comment, "\" has no column ", column));
        }
        words.push_back(row[column]);
      }
      const std::vector<int> tags = (*ner)->Tag(words);
      if (!sentence.comment.empty()) absl::StrAppend(&output, "#\t", sentence.comment, "\n");
      for (size_t i = 0; i < sentence.rows.size(); ++i) {
        for (const std::string& cell : sentence.rows[i]) absl::StrAppend(&output, cell, "\t");
        absl::StrAppend(&output, NerTagName(tags[i]), "\n");
      }
      output += '\n';
      if (output.size() > (1 << 20)) {
        out << output;
        output.clear();
      }
    }
  }
  out << output;
  if (!out) return absl::UnavailableError("cannot write the output");
  return absl::OkStatus();
}

}  // namespace korpus::nlp
