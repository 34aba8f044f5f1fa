#include "libs/nlp/pipeline.h"

#include <array>
#include <fstream>

#include "absl/strings/str_format.h"
#include "libs/nlp/conllu.h"
#include "libs/nlp/model_io.h"

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
  if (options.model_dir.empty()) {
    pipeline->model_name_ = "korpus-de-rules";
    pipeline->model_version_ = "1";
    return pipeline;
  }
  const std::string dir = options.model_dir + "/";
  absl::StatusOr<Lexicon> lexicon = Lexicon::Load(dir + "de_lexicon.bin");
  if (!lexicon.ok()) return lexicon.status();
  absl::StatusOr<Tagger> tagger = Tagger::Load(dir + "de_tagger.bin");
  if (!tagger.ok()) return tagger.status();
  absl::StatusOr<Lemmatizer> lemmatizer = Lemmatizer::Load(dir + "de_lemmatizer.bin");
  if (!lemmatizer.ok()) return lemmatizer.status();
  absl::StatusOr<Morphologizer> morphologizer = Morphologizer::Load(dir + "de_morph.bin");
  if (!morphologizer.ok()) return morphologizer.status();
  absl::StatusOr<SentenceClassifier> sentences = SentenceClassifier::Load(dir + "de_sentences.bin");
  if (!sentences.ok()) return sentences.status();
  pipeline->lexicon_ = *std::move(lexicon);
  pipeline->tagger_ = *std::move(tagger);
  pipeline->lemmatizer_ = *std::move(lemmatizer);
  pipeline->morphologizer_ = *std::move(morphologizer);
  pipeline->sentence_classifier_ = *std::move(sentences);
  pipeline->adp_tag_ = pipeline->tagger_->TagIndex("ADP|APPR");
  pipeline->det_tag_ = pipeline->tagger_->TagIndex("DET|ART");
  // The version names the exact model files: a hash of their bytes.
  uint64_t hash = 0;
  for (const char* name : {"de_lexicon.bin", "de_tagger.bin", "de_lemmatizer.bin", "de_morph.bin",
                           "de_sentences.bin"}) {
    absl::StatusOr<std::string> bytes = ReadFileToString(dir + name);
    if (!bytes.ok()) return bytes.status();
    hash = StableHash(*bytes, hash ^ 0x9E3779B97F4A7C15ULL);
  }
  // NER is optional: loaded when its model file is there.
  if (options.recognize_entities &&
      std::ifstream(dir + std::string(NerTagger::kFileName)).good()) {
    absl::StatusOr<NerTagger> ner = NerTagger::Load(options.model_dir, &*pipeline->lexicon_);
    if (!ner.ok()) return ner.status();
    pipeline->ner_ = *std::move(ner);
    absl::StatusOr<std::string> bytes = ReadFileToString(dir + std::string(NerTagger::kFileName));
    if (!bytes.ok()) return bytes.status();
    hash = StableHash(*bytes, hash ^ 0x9E3779B97F4A7C15ULL);
  }
  pipeline->model_name_ = "korpus-de-gsd-perceptron";
  pipeline->model_version_ = absl::StrFormat("%016x", hash);
  return pipeline;
}

void Pipeline::TagAndLemmatize(AnalyzedText& result) const {
  std::vector<std::string_view> forms;
  std::vector<int> fixed;
  std::vector<int> tags;
  std::vector<std::string_view> xpos;
  std::vector<std::string_view> feats;
  for (const Sentence& sentence : result.sentences) {
    const uint32_t first_word = result.token_words[sentence.first_token];
    const uint32_t end_word = result.token_words[sentence.first_token + sentence.token_count];
    forms.clear();
    fixed.clear();
    for (uint32_t w = first_word; w < end_word; ++w) {
      const Word& word = result.words[w];
      forms.push_back(word.form);
      // Contraction words arrive tagged from the fixed table.
      fixed.push_back(word.upos == "ADP" ? adp_tag_ : word.upos == "DET" ? det_tag_ : -1);
    }
    tagger_->Tag(forms, fixed, &*lexicon_, tags);
    xpos.clear();
    for (int tag : tags) xpos.push_back(tagger_->xpos(tag));
    morphologizer_->Predict(forms, xpos, &*lexicon_, feats);
    for (uint32_t w = first_word; w < end_word; ++w) {
      Word& word = result.words[w];
      if (fixed[w - first_word] >= 0) continue;  // contraction: features from the table
      const int tag = tags[w - first_word];
      word.upos = tagger_->upos(tag);
      word.xpos = tagger_->xpos(tag);
      word.feats = feats[w - first_word];
      word.lemma = lemmatizer_->Lemmatize(word.form, word.upos, &*lexicon_);
    }
  }
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

std::vector<Pipeline::WordTags> Pipeline::TagWords(
    const std::vector<std::string_view>& words) const {
  std::vector<WordTags> out(words.size());
  if (!tagger_.has_value()) return out;
  std::vector<int> tags;
  tagger_->Tag(words, {}, &*lexicon_, tags);
  std::vector<std::string_view> xpos, feats;
  for (int tag : tags) xpos.push_back(tagger_->xpos(tag));
  morphologizer_->Predict(words, xpos, &*lexicon_, feats);
  for (size_t i = 0; i < words.size(); ++i) {
    out[i].upos = tagger_->upos(tags[i]);
    out[i].xpos = tagger_->xpos(tags[i]);
    out[i].feats = feats[i];
    out[i].lemma = lemmatizer_->Lemmatize(words[i], out[i].upos, &*lexicon_);
  }
  return out;
}

void Pipeline::RecognizeEntities(std::string_view text, AnalyzedText& result) const {
  std::vector<std::string_view> forms, upos;
  for (const Sentence& sentence : result.sentences) {
    forms.clear();
    upos.clear();
    for (uint32_t t = sentence.first_token; t < sentence.first_token + sentence.token_count; ++t) {
      forms.push_back(result.tokens[t].Text(text));
      // A contraction ("zum") is one token: the UPOS of its first word.
      upos.push_back(result.words[result.token_words[t]].upos);
    }
    AppendMentions(ner_->Tag(forms, upos), sentence.first_token, result.tokens, result.mentions);
  }
  result.entities = MergeMentions(text, result.tokens, result.sentences, result.mentions,
                                  EntityKnowledge{&*lexicon_, &ner_->gazetteer()});
}

AnalyzedText Pipeline::Analyze(std::string_view text) const {
  AnalyzedText result;
  tokenizer_.TokenizeInto(text, result.tokens);
  if (sentence_classifier_.has_value() && !rule_based_sentences_) {
    sentence_classifier_->Split(text, result.tokens, tokenizer_, &*lexicon_, result.sentences);
  } else {
    tokenizer_.SplitSentences(text, result.tokens, result.sentences);
  }
  ExpandWords(text, result);
  if (tagger_.has_value()) TagAndLemmatize(result);
  if (ner_.has_value()) RecognizeEntities(text, result);
  return result;
}

}  // namespace korpus::nlp
