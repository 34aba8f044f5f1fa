#include "services/annotator/annotation_builder.h"

#include <cstdint>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"

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

}  // namespace korpus
