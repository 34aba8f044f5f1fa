// Lemmatizer: dictionary, then lexicon, then learned suffix edit scripts.
//
//  1. (form, UPOS) seen in training -> its most frequent lemma; also tried
//     with the form lower-cased (sentence-initial capitals).
//  2. The full-form Lexicon, choosing the lemma of the class that fits the
//     UPOS (noun / verb / adjective).
//  3. An edit-script classifier: for the UPOS and the longest known suffix
//     of the form, the most frequent "strip n bytes, append s" script seen
//     in training (e.g. NOUN "-ungen" -> strip 2).
//  4. Otherwise the form itself.
//
// Thread-safety: immutable after Load()/Train(); Lemmatize() is const.
#ifndef KORPUS_LIBS_NLP_LEMMATIZER_H_
#define KORPUS_LIBS_NLP_LEMMATIZER_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "libs/nlp/lexicon.h"

namespace korpus::nlp {

struct LemmaExample {
  std::string form;
  std::string upos;
  std::string lemma;
};

class Lemmatizer {
 public:
  static constexpr std::string_view kMagic = "KORPUS-LEMMATIZER\n";
  static constexpr uint32_t kVersion = 1;

  // Learns from treebank examples; `lexicon` is reserved for future use.
  static Lemmatizer Train(const std::vector<LemmaExample>& examples, const Lexicon* lexicon);
  static absl::StatusOr<Lemmatizer> Load(const std::string& path);
  absl::Status Save(const std::string& path) const;

  std::string Lemmatize(std::string_view form, std::string_view upos,
                        const Lexicon* lexicon) const;

 private:
  struct EditScript {
    uint8_t strip = 0;
    std::string append;
  };

  // "form\tUPOS" -> lemma
  absl::flat_hash_map<std::string, std::string> dictionary_;
  // "UPOS\tsuffix" -> script
  absl::flat_hash_map<std::string, EditScript> suffix_rules_;
};

}  // namespace korpus::nlp

#endif  // KORPUS_LIBS_NLP_LEMMATIZER_H_
