// Entity mentions -> entities: merges the NER mentions of one document into
// entities with a canonical name, a type, a stable id and a salience score.
//
// Example:
//   std::vector<Entity> entities = MergeMentions(text, analysis.tokens,
//                                                analysis.sentences, mentions);
//
// Before merging, mentions are repaired with the knowledge in
// EntityKnowledge (each step is skipped when its source is missing):
//  a. A leading genitive that names an entity of the document or a place
//     is split off: "NVIDIAs Jensen Huang" -> "NVIDIAs" (joins Nvidia) +
//     "Jensen Huang"; "Chinas Autarkie" -> "Chinas" (the rest, common nouns
//     only, is no name). Likewise a leading title that is a compound with
//     such a name: "Nvidia-CEO Jensen Huang" -> "Nvidia-CEO" (a -part
//     mention of Nvidia) + "Jensen Huang". Leading hyphenated common words
//     and organisation nouns are no part of a name ("KI-Modelle US-Chips",
//     "KI-Startup Velotrax").
//  b. A one-token hyphenated mention whose head is a common noun or an
//     organisation role and whose first part names something ("Nvidia-CEO",
//     "Nvidia-Chips" tagged as if a name) is a -part mention.
//  c. Mentions made only of common nouns and common-noun abbreviations
//     ("KI", "KI-Chips", "KI-fähige Brillen"), or compounds led by such an
//     abbreviation with no name in them ("KI-Community"), are dropped.
//  d. With a lexicon: capitalised words it does not know that follow
//     "und"/"oder"/"sowie" after a mention are a name of the same type
//     ("Firmen wie DeepSeek und Huawei"); and an untagged token equal to a
//     one-word name recognised elsewhere in the document, its genitive, or
//     a compound led by it ("Huawei-Chips") becomes a mention of it. These
//     added mentions do not vote on the type.
// Merging rules (in this order; all within one document):
//  1. Titles and roles in front of a name are stripped: "Präsident Donald
//     Trump", "Frau Chen", "US-Präsident X", "Wirtschaftsministerin Y".
//  2. Hyphenated compounds tagged -part ("Nvidia-CEO", "Huawei-Chips") are
//     mentions of the name inside them: the part that names an entity of the
//     document (whatever type the compound was given), else the first
//     capitalised part that is not a common noun; a place part the document
//     does not otherwise name makes the mention LOC ("US-Regierung").
//  3. Case and inflection: names are compared lower-cased ("NVIDIA" and
//     "Nvidia"); a genitive "s" or apostrophe is dropped when the bare form
//     is mentioned too ("Nvidias"), is the surname of a person mentioned
//     in full ("Huangs"), is a listed place or name while the form is not
//     ("Washingtons"), or follows a title ("Präsident Trumps"); an
//     apostrophe always ("Jonas'"); German
//     adjective endings of non-final words are ignored ("Deutschen Bank" ->
//     "Deutsche Bank"); legal-form suffixes of organisations are ignored
//     ("Nvidia Corp." -> "Nvidia").
//  4. Aliases: a name the gazetteer knows as an alias of a country ("USA",
//     "US-", "Vereinigte Staaten von Amerika", "Amerika") becomes the
//     country's canonical name ("Vereinigte Staaten"); not for persons, and
//     two- or three-letter codes only in LOC or -part mentions.
//  5. A one-word person mention that is the last word of a person named in
//     full in the document ("Huang" -> "Jensen Huang") joins that person; the
//     nearest full name before it wins, else the first one after it (a
//     headline often names "Trump" before the text says "Donald Trump").
//     Failing that, a one-word person mention that is the first word of
//     exactly one full name joins it ("Jensen", "Li" -> "Li Qiang"). Person
//     means the cluster's voted type (below), not the first mention's; a
//     one-word entity voted another type still joins the only person whose
//     surname it is ("Aalberg sagte" tagged LOC), unless it is a listed
//     place or a country alias.
//  6. -deriv mentions ("deutschen", "chinesische") join an entity of their
//     type whose name shares the adjective's stem ("Deutschland", "China"),
//     or whose country alias starts it ("amerikanischen" -> "Amerika" ->
//     "Vereinigte Staaten"); otherwise they are not entities and are dropped.
// The canonical name is a gazetteer alias's canonical name, else the longest
// variant (in words), then one that is not all capitals when another
// spelling is, then the most frequent, then the first seen.
// The type is voted by the mentions: a plain mention counts 1, a -part
// mention 0.5, a -deriv mention nothing; a title before the name adds 2 for
// PER, an organisation noun before or in apposition after ("das Startup X",
// "Firmen wie X", "X, ein Start-up") adds 2 for ORG, an organisation role as
// a -part head ("X-Chef", "X-Aktie") 1 for ORG. Ties: the first mention's.
//
// Thread-safety: a pure function.
#ifndef KORPUS_LIBS_NLP_ENTITIES_H_
#define KORPUS_LIBS_NLP_ENTITIES_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "libs/nlp/lexicon.h"
#include "libs/nlp/ner.h"
#include "libs/nlp/ner_gazetteer.h"
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
  // Stable across documents: "e" + 16 hex digits of StableHash of the
  // lower-cased canonical name. The type is not part of it, so a name typed
  // PER in one article and ORG in another is still one entity (a store
  // resolves the type by counting the documents' types); homonyms of
  // different types ("Paris" the city and a person called Paris) share it.
  std::string entity_id;
  // How central the entity is to the document, in (0, 1]; the most central
  // entity has 1. Each mention counts, more so early in the text and most in
  // the first sentence (the headline).
  double salience = 0;
  std::vector<MentionRef> mentions;  // in text order
  // Other surface forms seen, distinct, in order of first appearance.
  std::vector<std::string> aliases;
};

// The id for a canonical name (see Entity::entity_id).
std::string EntityId(std::string_view canonical_name);

// What the merging may consult besides the mentions; both may be null (then
// the steps needing them are skipped). Not owned; must outlive the call.
struct EntityKnowledge {
  const Lexicon* lexicon = nullptr;         // common nouns ("Chips", "Autarkie")
  const NerGazetteer* gazetteer = nullptr;  // places, aliases, common abbreviations
};

// Merges `mentions` (in text order, from AppendMentions over `tokens`) of
// the document `text`. `sentences` are used for salience and may be empty.
// Returns the entities sorted by salience, highest first (ties: first
// mention first). Mentions dropped by step c or rule 6 are in no entity.
std::vector<Entity> MergeMentions(std::string_view text, const std::vector<Token>& tokens,
                                  const std::vector<Sentence>& sentences,
                                  const std::vector<Mention>& mentions,
                                  const EntityKnowledge& knowledge = {});

}  // namespace korpus::nlp

#endif  // KORPUS_LIBS_NLP_ENTITIES_H_
