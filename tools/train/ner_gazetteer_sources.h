// Builds the NER gazetteer (libs/nlp/ner_gazetteer.h) from open data on a
// Debian machine: ICU's German display names of countries, regions and
// languages and its German time-zone city names; the German gettext
// catalogues of Debian's iso-codes package (iso_3166-1, iso_3166-2,
// iso_639-2, iso_4217); the wngerman word list, whose capitalised words
// that the full-form lexicon does not know are mostly names; Faker's name
// lists (python3-fake-factory); and the Ding dictionary (trans-de-en).
#ifndef KORPUS_TOOLS_TRAIN_NER_GAZETTEER_SOURCES_H_
#define KORPUS_TOOLS_TRAIN_NER_GAZETTEER_SOURCES_H_

#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "libs/nlp/lexicon.h"
#include "libs/nlp/ner_gazetteer.h"

namespace korpus::train {

struct GazetteerSources {
  // Folder with iso-codes' German catalogues (iso_3166-1.mo, ...); empty to
  // skip. Debian: /usr/share/locale/de/LC_MESSAGES.
  std::string iso_codes_dir;
  // wngerman's word list; empty to skip. Debian: /usr/share/dict/ngerman.
  std::string wordlist;
  bool icu = true;
  // Output of tools/train/ner_export_faker.py ("<list>\t<name>" lines:
  // first, last, city, state, company_suffix); empty to skip.
  std::string name_lists;
  // The Ding German-English dictionary (Debian trans-de-en:
  // /usr/share/trans/de-en); empty to skip. Entries whose English side is
  // capitalised are names ("Bodensee :: Lake Constance") or, for adjectives,
  // derived from names ("französisch :: French").
  std::string ding;
  // iso-codes' iso_3166-1.json (Debian: /usr/share/iso-codes/json/
  // iso_3166-1.json); with iso_codes_dir's iso_3166-1.mo and ICU it gives
  // the country aliases ("USA", "Vereinigte Staaten von Amerika" ->
  // "Vereinigte Staaten"). Empty to skip.
  std::string iso_3166_json;
};

// Entries added per source, for the training log and docs.
using GazetteerStats = std::map<std::string, size_t>;

// NOT_FOUND when a named file is missing; DATA_LOSS for a malformed .mo file.
absl::StatusOr<nlp::NerGazetteer> BuildNerGazetteer(const GazetteerSources& sources,
                                                    const nlp::Lexicon& lexicon,
                                                    GazetteerStats& stats);

}  // namespace korpus::train

#endif  // KORPUS_TOOLS_TRAIN_NER_GAZETTEER_SOURCES_H_
