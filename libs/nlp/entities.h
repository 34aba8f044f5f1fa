// Entity mentions -> entities: merges the NER mentions of one document into
// entities with a canonical name, a type, a stable id and a salience score.
//
// Example:
//   std::vector<Entity> entities = MergeMentions(text, analysis.tokens,
//                                                analysis.sentences, mentions);
//
// Merging rules (in this order; all within one document):
//  1. Titles and roles in front of a name are stripped: "Präsident Donald
//     Trump", "Frau Chen", "US-Präsident X", "Wirtschaftsministerin Y".
//  2. Hyphenated compounds tagged -part ("Nvidia-CEO", "Huawei-Chips") are
//     mentions of the name inside them: the part that names an entity of the
//     document, else the first capitalised part.
//  3. Case and inflection: names are compared lower-cased ("NVIDIA" and
//     "Nvidia"); a genitive "s" or apostrophe is dropped when the bare form
//     is mentioned too ("Nvidias"), an apostrophe always ("Jonas'"); German
//     adjective endings of non-final words are ignored ("Deutschen Bank" ->
//     "Deutsche Bank"); legal-form suffixes of organisations are ignored
//     ("Nvidia Corp." -> "Nvidia").
//  4. A one-word person mention that is the last word of a person named in
//     full in the document ("Huang" -> "Jensen Huang") joins that person; the
//     nearest full name before it wins, else the first one after it.
//  5. -deriv mentions ("deutschen") join an entity of their type whose name
//     shares the adjective's stem ("Deutschland"); otherwise they are not
//     entities and are dropped.
// The canonical name is the longest variant (in words), then one that is not
// all capitals when another spelling is, then the most frequent, then the
// first seen. The type is the most frequent among the mentions (ties: the
// first mention's).
//
// Thread-safety: a pure function.
#ifndef KORPUS_LIBS_NLP_ENTITIES_H_
#define KORPUS_LIBS_NLP_ENTITIES_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "libs/nlp/ner.h"
#include "libs/nlp/text.h"

namespace korpus::nlp {

// One mention of an entity in the document.
struct MentionRef {
  uint32_t begin = 0;  // UTF-8 byte offsets into the document text, half-open
  uint32_t end = 0;
  uint32_t first_token = 0;
  uint32_t token_count = 0;
  std::string text;    // the surface form, text.substr(begin, end - begin)
  EntitySubtype subtype = EntitySubtype::kNone;
};

struct Entity {
  std::string canonical_name;  // "Jensen Huang", "Nvidia"
  EntityType type = EntityType::kPer;
  // Stable across documents: "e" + 16 hex digits of StableHash(type name,
  // tab, lower-cased canonical name). The same canonical entity in two
  // documents gets the same id.
  std::string entity_id;
  // How central the entity is to the document, in (0, 1]; the most central
  // entity has 1. Each mention counts, more so early in the text and most in
  // the first sentence (the headline).
  double salience = 0;
  std::vector<MentionRef> mentions;  // in text order
  // Other surface forms seen, distinct, in order of first appearance.
  std::vector<std::string> aliases;
};

// The id for a canonical name and type (see Entity::entity_id).
std::string EntityId(EntityType type, std::string_view canonical_name);

// Merges `mentions` (in text order, from AppendMentions over `tokens`) of
// the document `text`. `sentences` are used for salience and may be empty.
// Returns the entities sorted by salience, highest first (ties: first
// mention first).
std::vector<Entity> MergeMentions(std::string_view text, const std::vector<Token>& tokens,
                                  const std::vector<Sentence>& sentences,
                                  const std::vector<Mention>& mentions);

}  // namespace korpus::nlp

#endif  // KORPUS_LIBS_NLP_ENTITIES_H_
