#include "libs/nlp/pipeline.h"

#include <array>

namespace korpus::nlp {
namespace {

// German preposition-article contractions, split into two words the way UD
// German GSD does. A closed class: a fixed table, not a model.
struct Contraction {
  std::string_view token;  // lower case
  std::string_view preposition;
  std::string_view article;
};
constexpr std::array<Contraction, 16> kContractions = {{
    {"am", "an", "dem"},     {"im", "in", "dem"},       {"zum", "zu", "dem"},
    {"zur", "zu", "der"},    {"vom", "von", "dem"},     {"beim", "bei", "dem"},
    {"ins", "in", "das"},    {"ans", "an", "das"},      {"aufs", "auf", "das"},
    {"ums", "um", "das"},    {"durchs", "durch", "das"}, {"fürs", "für", "das"},
    {"hinterm", "hinter", "dem"}, {"überm", "über", "dem"}, {"unterm", "unter", "dem"},
    {"vorm", "vor", "dem"},
}};

const Contraction* FindContraction(std::string_view token_text) {
  if (token_text.size() < 2 || token_text.size() > 8) return nullptr;
  char lowered[8];
  // Contractions start with an ASCII letter or "ü"/"Ü"; lower-case ASCII only
  // and the two-byte "Ü" -> "ü".
  for (size_t k = 0; k < token_text.size(); ++k) {
    char c = token_text[k];
    lowered[k] = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  }
  if (token_text.size() >= 2 && token_text.compare(0, 2, "\xC3\x9C") == 0) {
    lowered[1] = '\xBC';  // Ü -> ü
  }
  const std::string_view key(lowered, token_text.size());
  for (const Contraction& contraction : kContractions) {
    if (contraction.token == key) return &contraction;
  }
  return nullptr;
}

// Keeps the capital of a sentence-initial "Im" on its first word ("In").
std::string MatchInitialCase(std::string_view token_text, std::string_view word) {
  std::string out(word);
  if (!token_text.empty() && token_text[0] >= 'A' && token_text[0] <= 'Z' && !out.empty() &&
      out[0] >= 'a' && out[0] <= 'z') {
    out[0] = static_cast<char>(out[0] - 'a' + 'A');
  }
  return out;
}

}  // namespace

absl::StatusOr<std::unique_ptr<Pipeline>> Pipeline::Load(const PipelineOptions& options) {
  std::unique_ptr<Pipeline> pipeline(new Pipeline(options));
  pipeline->model_name_ = "korpus-de-rules";
  pipeline->model_version_ = "1";
  return pipeline;
}

void Pipeline::ExpandWords(std::string_view text, AnalyzedText& result) const {
  result.words.clear();
  result.words.reserve(result.tokens.size() + result.tokens.size() / 16);
  result.token_words.clear();
  result.token_words.reserve(result.tokens.size() + 1);
  for (uint32_t t = 0; t < result.tokens.size(); ++t) {
    result.token_words.push_back(static_cast<uint32_t>(result.words.size()));
    const Token& token = result.tokens[t];
    const std::string_view token_text = token.Text(text);
    if (token.kind == TokenKind::kWord) {
      if (const Contraction* contraction = FindContraction(token_text)) {
        Word preposition;
        preposition.token = t;
        preposition.form = MatchInitialCase(token_text, contraction->preposition);
        preposition.lemma = std::string(contraction->preposition);
        preposition.upos = "ADP";
        preposition.xpos = "APPR";
        Word article;
        article.token = t;
        article.form = std::string(contraction->article);
        article.lemma = "der";
        article.upos = "DET";
        article.xpos = "ART";
        article.feats = contraction->article == "der"
                            ? "Case=Dat|Definite=Def|Gender=Fem|Number=Sing|PronType=Art"
                            : contraction->article == "das"
                                  ? "Case=Acc|Definite=Def|Gender=Neut|Number=Sing|PronType=Art"
                                  : "Case=Dat|Definite=Def|Number=Sing|PronType=Art";
        result.words.push_back(std::move(preposition));
        result.words.push_back(std::move(article));
        continue;
      }
    }
    Word word;
    word.token = t;
    word.form = std::string(token_text);
    word.lemma = "_";
    result.words.push_back(std::move(word));
  }
  result.token_words.push_back(static_cast<uint32_t>(result.words.size()));
}

AnalyzedText Pipeline::Analyze(std::string_view text) const {
  AnalyzedText result;
  tokenizer_.TokenizeInto(text, result.tokens);
  tokenizer_.SplitSentences(text, result.tokens, result.sentences);
  ExpandWords(text, result);
  return result;
}

}  // namespace korpus::nlp
