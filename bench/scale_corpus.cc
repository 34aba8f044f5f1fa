#include "bench/scale_corpus.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <random>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_format.h"

namespace korpus::bench {
namespace {

// The sentiment label for a score, with the extractor's neutral band
// (SentimentOptions::neutral_band).
v1::SentimentLabel LabelOf(double score) {
  if (score > 0.2) return v1::SENTIMENT_LABEL_POSITIVE;
  if (score < -0.2) return v1::SENTIMENT_LABEL_NEGATIVE;
  return v1::SENTIMENT_LABEL_NEUTRAL;
}

// Where the next sentence lands in the document being assembled.
struct Cursor {
  int32_t text = 0;  // code points
  int32_t tokens = 0;
  int32_t quotes = 0;
};

// Appends `sentence`'s annotations to `out`, shifted by `at`. Entities and
// terms are collected by id / key for merging after the last sentence.
class Assembler {
 public:
  void Add(const AnnotatedSentence& sentence, bool in_title) {
    const v1::Annotations& in = sentence.annotations;
    const int32_t shift = cursor_.text;
    if (out_.model_name().empty()) {
      out_.set_model_name(in.model_name());
      out_.set_model_version(in.model_version());
    }
    for (v1::Token token : in.tokens()) {
      token.set_begin(token.begin() + shift);
      token.set_end(token.end() + shift);
      *out_.add_tokens() = std::move(token);
    }
    for (v1::Sentence s : in.sentences()) {
      s.set_begin(s.begin() + shift);
      s.set_end(s.end() + shift);
      s.set_first_token(s.first_token() + cursor_.tokens);
      sentiment_sum_ += s.sentiment().score();
      ++sentiment_count_;
      *out_.add_sentences() = std::move(s);
    }
    for (v1::Word word : in.words()) {
      word.set_token_index(word.token_index() + cursor_.tokens);
      *out_.add_words() = std::move(word);
    }
    for (const v1::DocumentEntity& entity : in.entities()) {
      auto [it, inserted] = entities_.try_emplace(entity.entity_id(), entity);
      v1::DocumentEntity& merged = it->second;
      if (inserted) merged.clear_mentions();
      for (v1::EntityMention mention : entity.mentions()) {
        mention.set_begin(mention.begin() + shift);
        mention.set_end(mention.end() + shift);
        mention.set_first_token(mention.first_token() + cursor_.tokens);
        *merged.add_mentions() = std::move(mention);
      }
      if (!inserted) {
        merged.set_salience(std::max(merged.salience(), entity.salience()));
        for (const std::string& alias : entity.aliases()) {
          if (std::find(merged.aliases().begin(), merged.aliases().end(), alias) ==
                  merged.aliases().end() &&
              alias != merged.canonical_name()) {
            merged.add_aliases(alias);
          }
        }
      }
    }
    for (v1::Quote quote : in.quotes()) {
      quote.set_begin(quote.begin() + shift);
      quote.set_end(quote.end() + shift);
      quote.set_outer_begin(quote.outer_begin() + shift);
      quote.set_outer_end(quote.outer_end() + shift);
      if (quote.speaker_end() > 0) {
        quote.set_speaker_begin(quote.speaker_begin() + shift);
        quote.set_speaker_end(quote.speaker_end() + shift);
      }
      if (quote.cue_end() > 0) {
        quote.set_cue_begin(quote.cue_begin() + shift);
        quote.set_cue_end(quote.cue_end() + shift);
      }
      if (quote.has_parent()) quote.set_parent(quote.parent() + cursor_.quotes);
      *out_.add_quotes() = std::move(quote);
    }
    for (v1::Amount amount : in.amounts()) {
      amount.set_begin(amount.begin() + shift);
      amount.set_end(amount.end() + shift);
      *out_.add_amounts() = std::move(amount);
    }
    for (v1::DateMention date : in.dates()) {
      date.set_begin(date.begin() + shift);
      date.set_end(date.end() + shift);
      *out_.add_dates() = std::move(date);
    }
    for (const v1::Term& term : in.terms()) {
      auto [it, inserted] = terms_.try_emplace(term.key(), term);
      v1::Term& merged = it->second;
      if (inserted) {
        merged.set_begin(term.begin() + shift);
        merged.set_end(term.end() + shift);
        merged.set_in_title(in_title);
        term_order_.push_back(term.key());
      } else {
        merged.set_count(merged.count() + term.count());
        merged.set_salience(std::max(merged.salience(), term.salience()));
      }
    }
    polar_words_ += in.sentiment().polar_words();
    magnitude_ += in.sentiment().magnitude();
    cursor_.text += sentence.code_points;
    cursor_.tokens += in.tokens_size();
    cursor_.quotes += in.quotes_size();
  }

  // Text between sentences ("\n\n", " "): moves the offsets on.
  void Skip(int32_t code_points) { cursor_.text += code_points; }

  v1::Annotations Finish() && {
    std::vector<v1::DocumentEntity> entities;
    for (auto& [id, entity] : entities_) entities.push_back(std::move(entity));
    // Most salient first, then most mentioned, as the annotator orders them.
    std::stable_sort(entities.begin(), entities.end(),
                     [](const v1::DocumentEntity& a, const v1::DocumentEntity& b) {
                       if (a.salience() != b.salience()) return a.salience() > b.salience();
                       return a.mentions_size() > b.mentions_size();
                     });
    for (v1::DocumentEntity& entity : entities) *out_.add_entities() = std::move(entity);
    for (const std::string& key : term_order_) *out_.add_terms() = std::move(terms_[key]);
    const double score = sentiment_count_ > 0 ? sentiment_sum_ / sentiment_count_ : 0;
    out_.mutable_sentiment()->set_score(score);
    out_.mutable_sentiment()->set_label(LabelOf(score));
    out_.mutable_sentiment()->set_polar_words(polar_words_);
    out_.mutable_sentiment()->set_magnitude(magnitude_);
    return std::move(out_);
  }

  int32_t text_position() const { return cursor_.text; }
  int32_t token_count() const { return cursor_.tokens; }

 private:
  v1::Annotations out_;
  Cursor cursor_;
  std::map<std::string, v1::DocumentEntity> entities_;
  std::map<std::string, v1::Term> terms_;
  std::vector<std::string> term_order_;
  double sentiment_sum_ = 0;
  int sentiment_count_ = 0;
  int32_t polar_words_ = 0;
  double magnitude_ = 0;
};

}  // namespace

absl::StatusOr<ScaleCorpus> ScaleCorpus::Create(std::vector<AnnotatedSentence> sentences,
                                                const ScaleCorpusOptions& options) {
  sentences.erase(std::remove_if(sentences.begin(), sentences.end(),
                                 [](const AnnotatedSentence& s) {
                                   return s.annotations.tokens_size() == 0;
                                 }),
                  sentences.end());
  if (sentences.empty()) {
    return absl::InvalidArgumentError("ScaleCorpus needs at least one annotated sentence");
  }
  ScaleCorpus corpus(std::move(sentences), options);
  for (size_t i = 0; i < corpus.sentences_.size(); ++i) {
    const int tokens = corpus.sentences_[i].annotations.tokens_size();
    if (tokens >= 5 && tokens <= 14) corpus.title_candidates_.push_back(static_cast<int>(i));
  }
  if (corpus.title_candidates_.empty()) corpus.title_candidates_.push_back(0);
  return corpus;
}

v1::Document ScaleCorpus::Generate(int64_t index) const {
  std::mt19937_64 random(options_.seed * 0x9E3779B97F4A7C15ULL + static_cast<uint64_t>(index));
  auto pick = [&random](size_t n) { return static_cast<size_t>(random() % n); };

  v1::Document document;
  document.set_id(absl::StrFormat("d%024x", index));
  document.set_content_hash(document.id().substr(1));
  document.set_language("de");
  document.set_source_uri(absl::StrFormat("bench://scale/%d/%d", options_.seed, index));
  document.set_state(v1::DOCUMENT_STATE_ANNOTATED);
  const absl::Time published = options_.first_published + index * options_.published_every;
  document.mutable_published_at()->set_seconds(absl::ToUnixSeconds(published));

  Assembler assembler;
  std::string text;
  const AnnotatedSentence& title = sentences_[title_candidates_[pick(title_candidates_.size())]];
  document.set_title(title.text);
  text = title.text;
  assembler.Add(title, /*in_title=*/true);
  v1::Paragraph* title_paragraph = document.add_paragraphs();
  title_paragraph->set_kind(v1::PARAGRAPH_KIND_TITLE);
  title_paragraph->set_begin(0);
  title_paragraph->set_end(assembler.text_position());

  while (assembler.token_count() < options_.target_tokens) {
    text += "\n\n";
    assembler.Skip(2);
    v1::Paragraph* paragraph = document.add_paragraphs();
    paragraph->set_kind(v1::PARAGRAPH_KIND_BODY);
    paragraph->set_begin(assembler.text_position());
    const size_t length = 3 + pick(4);  // 3 to 6 sentences, as CorpusGenerator
    for (size_t s = 0; s < length; ++s) {
      if (s > 0) {
        text += " ";
        assembler.Skip(1);
      }
      const AnnotatedSentence& sentence = sentences_[pick(sentences_.size())];
      text += sentence.text;
      assembler.Add(sentence, /*in_title=*/false);
    }
    paragraph->set_end(assembler.text_position());
  }
  document.set_char_count(assembler.text_position());
  document.set_text(std::move(text));
  *document.mutable_annotations() = std::move(assembler).Finish();
  document.set_sentence_count(document.annotations().sentences_size());
  document.set_token_count(document.annotations().tokens_size());
  return document;
}

}  // namespace korpus::bench
