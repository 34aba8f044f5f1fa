#include "services/annotator/annotation_builder.h"

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace korpus {
namespace {

v1::TokenKind ToProto(nlp::TokenKind kind) {
  switch (kind) {
    case nlp::TokenKind::kWord: return v1::TOKEN_KIND_WORD;
    case nlp::TokenKind::kNumber: return v1::TOKEN_KIND_NUMBER;
    case nlp::TokenKind::kOrdinal: return v1::TOKEN_KIND_ORDINAL;
    case nlp::TokenKind::kAbbreviation: return v1::TOKEN_KIND_ABBREVIATION;
    case nlp::TokenKind::kPunctuation: return v1::TOKEN_KIND_PUNCTUATION;
    case nlp::TokenKind::kSymbol: return v1::TOKEN_KIND_SYMBOL;
    case nlp::TokenKind::kUrl: return v1::TOKEN_KIND_URL;
    case nlp::TokenKind::kEmail: return v1::TOKEN_KIND_EMAIL;
  }
  return v1::TOKEN_KIND_UNSPECIFIED;
}

// UPOS name ("NOUN") -> enum, from the enum's own descriptor.
v1::UniversalPos ToUniversalPos(std::string_view name) {
  static const auto* const kByName = [] {
    auto* map = new absl::flat_hash_map<std::string, v1::UniversalPos>();
    const google::protobuf::EnumDescriptor* descriptor = v1::UniversalPos_descriptor();
    for (int i = 0; i < descriptor->value_count(); ++i) {
      absl::string_view full = descriptor->value(i)->name();
      full.remove_prefix(sizeof("UNIVERSAL_POS_") - 1);
      (*map)[std::string(full)] = static_cast<v1::UniversalPos>(descriptor->value(i)->number());
    }
    return map;
  }();
  auto it = kByName->find(std::string(name));
  return it == kByName->end() ? v1::UNIVERSAL_POS_UNSPECIFIED : it->second;
}

// STTS tag ("NN", "$,") -> enum.
v1::SttsTag ToSttsTag(std::string_view name) {
  static const auto* const kByName = [] {
    auto* map = new absl::flat_hash_map<std::string, v1::SttsTag>();
    const google::protobuf::EnumDescriptor* descriptor = v1::SttsTag_descriptor();
    for (int i = 0; i < descriptor->value_count(); ++i) {
      absl::string_view full = descriptor->value(i)->name();
      full.remove_prefix(sizeof("STTS_TAG_") - 1);
      (*map)[std::string(full)] = static_cast<v1::SttsTag>(descriptor->value(i)->number());
    }
    (*map)["$,"] = v1::STTS_TAG_PUNCT_COMMA;
    (*map)["$."] = v1::STTS_TAG_PUNCT_SENTENCE;
    (*map)["$("] = v1::STTS_TAG_PUNCT_OTHER;
    return map;
  }();
  auto it = kByName->find(std::string(name));
  return it == kByName->end() ? v1::STTS_TAG_UNSPECIFIED : it->second;
}

// Fills the typed features from UD FEATS ("Case=Dat|Number=Sing"). A
// feature with several values ("Gender=Masc,Neut") stays UNSPECIFIED.
void FillMorphology(std::string_view ud_feats, v1::Morphology& morphology) {
  if (ud_feats.empty() || ud_feats == "_") return;
  morphology.set_ud_feats(std::string(ud_feats));
  for (absl::string_view feature : absl::StrSplit(absl::string_view(ud_feats.data(), ud_feats.size()), '|')) {
    const size_t equals = feature.find('=');
    if (equals == absl::string_view::npos) continue;
    const absl::string_view name = feature.substr(0, equals);
    const absl::string_view value = feature.substr(equals + 1);
    if (name == "Case") {
      if (value == "Nom") morphology.set_grammatical_case(v1::GRAMMATICAL_CASE_NOMINATIVE);
      if (value == "Gen") morphology.set_grammatical_case(v1::GRAMMATICAL_CASE_GENITIVE);
      if (value == "Dat") morphology.set_grammatical_case(v1::GRAMMATICAL_CASE_DATIVE);
      if (value == "Acc") morphology.set_grammatical_case(v1::GRAMMATICAL_CASE_ACCUSATIVE);
    } else if (name == "Number") {
      if (value == "Sing") morphology.set_number(v1::GRAMMATICAL_NUMBER_SINGULAR);
      if (value == "Plur") morphology.set_number(v1::GRAMMATICAL_NUMBER_PLURAL);
    } else if (name == "Gender") {
      if (value == "Masc") morphology.set_gender(v1::GRAMMATICAL_GENDER_MASCULINE);
      if (value == "Fem") morphology.set_gender(v1::GRAMMATICAL_GENDER_FEMININE);
      if (value == "Neut") morphology.set_gender(v1::GRAMMATICAL_GENDER_NEUTER);
    }
  }
}

v1::EntityType ToProto(nlp::EntityType type) {
  switch (type) {
    case nlp::EntityType::kPer: return v1::ENTITY_TYPE_PERSON;
    case nlp::EntityType::kOrg: return v1::ENTITY_TYPE_ORGANIZATION;
    case nlp::EntityType::kLoc: return v1::ENTITY_TYPE_LOCATION;
    case nlp::EntityType::kOth: return v1::ENTITY_TYPE_OTHER;
  }
  return v1::ENTITY_TYPE_UNSPECIFIED;
}

v1::MentionForm ToProto(nlp::EntitySubtype subtype) {
  switch (subtype) {
    case nlp::EntitySubtype::kNone: return v1::MENTION_FORM_NAME;
    case nlp::EntitySubtype::kDeriv: return v1::MENTION_FORM_DERIVED;
    case nlp::EntitySubtype::kPart: return v1::MENTION_FORM_PART;
  }
  return v1::MENTION_FORM_UNSPECIFIED;
}

// Converts increasing byte offsets into code point offsets in one pass over
// the text: each call continues from where the previous one stopped, so
// converting every token and sentence boundary costs O(text size) in all.
// Offsets may repeat or go back to a boundary already passed (sentence
// starts follow token ends); then the walk restarts from a checkpoint.
class CodePointCounter {
 public:
  explicit CodePointCounter(std::string_view text) : text_(text) {}

  int32_t At(uint32_t byte_offset) {
    if (byte_offset < byte_) {
      byte_ = 0;
      code_points_ = 0;
    }
    while (byte_ < byte_offset && byte_ < text_.size()) {
      // Count every byte that does not continue a UTF-8 sequence.
      if ((static_cast<unsigned char>(text_[byte_]) & 0xC0) != 0x80) ++code_points_;
      ++byte_;
    }
    return code_points_;
  }

 private:
  std::string_view text_;
  uint32_t byte_ = 0;
  int32_t code_points_ = 0;
};


// Converts arbitrary UTF-8 byte offsets (in any order) into code point
// offsets, from the tokens AppendAnalysis already converted: the nearest
// token boundary at or before the offset is found by binary search and the
// code points between it and the offset are counted. Extraction offsets
// are (almost always) token boundaries, so that count is short.
class OffsetConverter {
 public:
  OffsetConverter(std::string_view text, const nlp::AnalyzedText& analysis,
                  const v1::Annotations& annotations)
      : text_(text), tokens_(analysis.tokens), converted_(annotations) {}

  int32_t At(uint32_t byte_offset) const {
    byte_offset = std::min<uint32_t>(byte_offset, static_cast<uint32_t>(text_.size()));
    uint32_t base_byte = 0;
    int32_t base = 0;
    // The last token beginning at or before the offset.
    auto it = std::upper_bound(tokens_.begin(), tokens_.end(), byte_offset,
                               [](uint32_t offset, const nlp::Token& token) {
                                 return offset < token.begin;
                               });
    if (it != tokens_.begin()) {
      const int index = static_cast<int>(std::prev(it) - tokens_.begin());
      const nlp::Token& token = tokens_[index];
      if (token.end <= byte_offset) {
        base_byte = token.end;
        base = converted_.tokens(index).end();
      } else {
        base_byte = token.begin;
        base = converted_.tokens(index).begin();
      }
    }
    for (uint32_t b = base_byte; b < byte_offset; ++b) {
      if ((static_cast<unsigned char>(text_[b]) & 0xC0) != 0x80) ++base;
    }
    return base;
  }

 private:
  std::string_view text_;
  const std::vector<nlp::Token>& tokens_;
  const v1::Annotations& converted_;
};

v1::SentimentLabel LabelOf(double score, double neutral_band) {
  if (score > neutral_band) return v1::SENTIMENT_LABEL_POSITIVE;
  if (score < -neutral_band) return v1::SENTIMENT_LABEL_NEGATIVE;
  return v1::SENTIMENT_LABEL_NEUTRAL;
}

void SetSentiment(const nlp::Sentiment& in, v1::Sentiment& out) {
  out.set_score(in.score);
  out.set_label(static_cast<v1::SentimentLabel>(in.label));
  out.set_polar_words(in.polar_words);
  out.set_magnitude(in.magnitude);
}

void SetDate(const nlp::CalendarDate& in, v1::CalendarDate& out) {
  out.set_year(in.year);
  out.set_month(in.month);
  out.set_day(in.day);
}

}  // namespace

void AppendAnalysis(const nlp::AnalyzedText& analysis, std::string_view text,
                    v1::Annotations& annotations) {
  CodePointCounter counter(text);
  annotations.mutable_tokens()->Reserve(static_cast<int>(analysis.tokens.size()));
  // Sentence boundaries are token boundaries, so they are read off the
  // converted tokens instead of walking the text again.
  for (const nlp::Token& token : analysis.tokens) {
    v1::Token* out = annotations.add_tokens();
    out->set_begin(counter.At(token.begin));
    out->set_end(counter.At(token.end));
    out->set_kind(ToProto(token.kind));
    out->set_text(std::string(token.Text(text)));
  }
  for (const nlp::Sentence& sentence : analysis.sentences) {
    v1::Sentence* out = annotations.add_sentences();
    const v1::Token& first = annotations.tokens(static_cast<int>(sentence.first_token));
    const v1::Token& last =
        annotations.tokens(static_cast<int>(sentence.first_token + sentence.token_count - 1));
    out->set_begin(first.begin());
    out->set_end(last.end());
    out->set_first_token(static_cast<int32_t>(sentence.first_token));
    out->set_token_count(static_cast<int32_t>(sentence.token_count));
  }
  annotations.mutable_words()->Reserve(static_cast<int>(analysis.words.size()));
  for (const nlp::Word& word : analysis.words) {
    v1::Word* out = annotations.add_words();
    out->set_token_index(static_cast<int32_t>(word.token));
    out->set_form(word.form);
    if (word.lemma != "_") out->set_lemma(word.lemma);
    out->set_upos(ToUniversalPos(word.upos));
    out->set_xpos(ToSttsTag(word.xpos));
    FillMorphology(word.feats, *out->mutable_morphology());
    if (out->morphology().ByteSizeLong() == 0) out->clear_morphology();
  }
  // Mentions cover whole tokens, so their code point offsets are read off
  // the converted tokens.
  for (const nlp::Entity& entity : analysis.entities) {
    v1::DocumentEntity* out = annotations.add_entities();
    out->set_entity_id(entity.entity_id);
    out->set_canonical_name(entity.canonical_name);
    out->set_type(ToProto(entity.type));
    out->set_salience(entity.salience);
    for (const nlp::MentionRef& mention : entity.mentions) {
      v1::EntityMention* span = out->add_mentions();
      const int first = static_cast<int>(mention.first_token);
      const int last = static_cast<int>(mention.first_token + mention.token_count - 1);
      span->set_begin(annotations.tokens(first).begin());
      span->set_end(annotations.tokens(last).end());
      span->set_first_token(first);
      span->set_token_count(static_cast<int32_t>(mention.token_count));
      span->set_text(mention.text);
      span->set_form(ToProto(mention.subtype));
    }
    for (const std::string& alias : entity.aliases) out->add_aliases(alias);
  }
}


std::optional<absl::CivilDay> ArticleDate(const v1::Document& document) {
  if (!document.has_published_at()) return std::nullopt;
  const absl::Time time = absl::FromUnixSeconds(document.published_at().seconds());
  return absl::ToCivilDay(time, absl::UTCTimeZone());
}

void AppendExtractions(const nlp::Extractions& extractions, const nlp::AnalyzedText& analysis,
                       std::string_view text, double neutral_band,
                       v1::Annotations& annotations) {
  const OffsetConverter at(text, analysis, annotations);
  for (const nlp::Quote& quote : extractions.quotes) {
    v1::Quote* out = annotations.add_quotes();
    out->set_begin(at.At(quote.begin));
    out->set_end(at.At(quote.end));
    out->set_outer_begin(at.At(quote.outer_begin));
    out->set_outer_end(at.At(quote.outer_end));
    out->set_kind(static_cast<v1::QuoteKind>(quote.kind));
    if (quote.parent >= 0) out->set_parent(quote.parent);
    out->set_speaker_entity_id(quote.speaker_entity_id);
    if (quote.speaker_end > quote.speaker_begin) {
      out->set_speaker_begin(at.At(quote.speaker_begin));
      out->set_speaker_end(at.At(quote.speaker_end));
    }
    out->set_speaker_resolution(static_cast<v1::SpeakerResolution>(quote.resolution));
    out->set_cue_kind(static_cast<v1::QuoteCueKind>(quote.cue_kind));
    out->set_cue_lemma(quote.cue);
    if (quote.cue_end > quote.cue_begin) {
      out->set_cue_begin(at.At(quote.cue_begin));
      out->set_cue_end(at.At(quote.cue_end));
    }
  }
  for (const nlp::Amount& amount : extractions.amounts) {
    v1::Amount* out = annotations.add_amounts();
    out->set_begin(at.At(amount.begin));
    out->set_end(at.At(amount.end));
    out->set_value(amount.value);
    out->set_unit(static_cast<v1::AmountUnit>(amount.unit));
    out->set_currency(amount.currency);
    out->set_approximation(static_cast<v1::Approximation>(amount.approximation));
    if (amount.is_range) out->set_range_max(amount.range_max);
    out->set_change(amount.change);
  }
  for (const nlp::DateMention& date : extractions.dates) {
    v1::DateMention* out = annotations.add_dates();
    out->set_begin(at.At(date.begin));
    out->set_end(at.At(date.end));
    out->set_granularity(static_cast<v1::DateGranularity>(date.granularity));
    out->set_relative(date.relative);
    out->set_resolved(date.resolved);
    if (date.resolved) {
      SetDate(date.start, *out->mutable_start());
      SetDate(date.end_date, *out->mutable_end_date());
    }
    if (date.stated.year != 0 || date.stated.month != 0 || date.stated.day != 0) {
      SetDate(date.stated, *out->mutable_stated());
    }
    out->set_weekday(date.weekday);
    out->set_season(static_cast<v1::Season>(date.season));
    out->set_quarter(date.quarter);
    out->set_part(static_cast<v1::DatePart>(date.part));
    if (date.hour >= 0) out->set_hour(date.hour);
    if (date.minute >= 0) out->set_minute(date.minute);
  }
  for (const nlp::TermCount& term : extractions.terms) {
    v1::Term* out = annotations.add_terms();
    out->set_key(term.key);
    out->set_text(term.text);
    out->set_kind(static_cast<v1::TermKind>(term.kind));
    out->set_count(term.count);
    out->set_in_title(term.in_title);
    out->set_begin(at.At(term.begin));
    out->set_end(at.At(term.end));
    out->set_entity_id(term.entity_id);
    out->set_salience(term.salience);
  }

  // Sentiment: the document's, each sentence's, each entity's.
  const nlp::DocumentSentiment& sentiment = extractions.sentiment;
  SetSentiment(sentiment.document, *annotations.mutable_sentiment());
  const int sentences =
      std::min(annotations.sentences_size(), static_cast<int>(sentiment.sentences.size()));
  for (int i = 0; i < sentences; ++i) {
    SetSentiment(sentiment.sentences[i], *annotations.mutable_sentences(i)->mutable_sentiment());
  }
  // The sentence of each token, to find the sentences mentioning an entity.
  std::vector<int> sentence_of_token(analysis.tokens.size(), -1);
  for (int i = 0; i < sentences; ++i) {
    const nlp::Sentence& sentence = analysis.sentences[i];
    for (uint32_t t = sentence.first_token;
         t < sentence.first_token + sentence.token_count && t < sentence_of_token.size(); ++t) {
      sentence_of_token[t] = i;
    }
  }
  for (size_t e = 0; e < analysis.entities.size() &&
                     static_cast<int>(e) < annotations.entities_size();
       ++e) {
    std::vector<int> mentioned;
    for (const nlp::MentionRef& mention : analysis.entities[e].mentions) {
      if (mention.first_token >= sentence_of_token.size()) continue;
      const int sentence = sentence_of_token[mention.first_token];
      if (sentence >= 0) mentioned.push_back(sentence);
    }
    std::sort(mentioned.begin(), mentioned.end());
    mentioned.erase(std::unique(mentioned.begin(), mentioned.end()), mentioned.end());
    double sum = 0;
    int polar_sentences = 0;
    int32_t polar_words = 0;
    double magnitude = 0;
    for (int sentence : mentioned) {
      const nlp::Sentiment& s = sentiment.sentences[sentence];
      if (s.polar_words == 0) continue;
      sum += s.score;
      ++polar_sentences;
      polar_words += s.polar_words;
      magnitude += s.magnitude;
    }
    v1::Sentiment* out = annotations.mutable_entities(static_cast<int>(e))->mutable_sentiment();
    const double score = polar_sentences > 0 ? sum / polar_sentences : 0;
    out->set_score(score);
    out->set_label(LabelOf(score, neutral_band));
    out->set_polar_words(polar_words);
    out->set_magnitude(magnitude);
  }
}

}  // namespace korpus
