// Morphological features (UD FEATS: Case, Number, Gender, Person, Tense,
// VerbForm, ...): an averaged perceptron that predicts a word's whole
// universal FEATS string ("Case=Dat|Gender=Fem|Number=Sing") greedily left
// to right, given the STTS tags the Tagger already predicted.
//
// Only FEATS strings seen with the word's XPOS in training are candidates,
// so "$," or "APPR" (one FEATS each) cost a table lookup, and a noun never
// gets a verb's features. Features: the lower-cased word and its suffixes
// with the XPOS, the neighbours' XPOS and words, the previous word's
// predicted FEATS (agreement inside "dem kleinen Haus"), and the lexicon's
// gender, case and number of noun forms and paradigm cells of finite verb
// forms (from the npm german-{words,verbs}-dict data: "Frau" is feminine,
// so "der Frau" is dative or genitive; "gingen" is preterite).
//
// Thread-safety: immutable after Load()/Train(); Predict() is const and may
// run concurrently.
#ifndef KORPUS_LIBS_NLP_MORPHOLOGIZER_H_
#define KORPUS_LIBS_NLP_MORPHOLOGIZER_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "libs/nlp/lexicon.h"

namespace korpus::nlp {

// One training sentence: words, gold XPOS and gold FEATS ("_" for none).
struct MorphSentence {
  std::vector<std::string> words;
  std::vector<std::string> xpos;
  std::vector<std::string> feats;
};

struct MorphologizerTrainingOptions {
  int iterations = 10;
  uint32_t shuffle_seed = 20250103;  // fixed, so training is reproducible
};

class Morphologizer {
 public:
  static constexpr std::string_view kMagic = "KORPUS-MORPH\n";
  static constexpr uint32_t kVersion = 1;

  // Trains on `sentences`, keeping only UD's universal features (as the
  // CoNLL 2018 UFeats metric does). `lexicon` may be null.
  static Morphologizer Train(const std::vector<MorphSentence>& sentences, const Lexicon* lexicon,
                             const MorphologizerTrainingOptions& options);

  static absl::StatusOr<Morphologizer> Load(const std::string& path);
  absl::Status Save(const std::string& path) const;

  // FEATS of each word of one sentence, given its XPOS tags (same size).
  // The views point into this Morphologizer and live as long as it; "_"
  // for none (also for an XPOS never seen in training).
  void Predict(const std::vector<std::string_view>& words,
               const std::vector<std::string_view>& xpos, const Lexicon* lexicon,
               std::vector<std::string_view>& feats) const;

  // Keeps UD's universal features of a FEATS string, sorted; "_" if none.
  static std::string UniversalFeats(std::string_view feats);

 private:
  struct WeightRow {
    uint32_t offset = 0;  // into classes_/weights_
    uint32_t count = 0;
  };

  // Candidate FEATS classes per XPOS ("NN" -> {3, 17, ...}).
  absl::flat_hash_map<std::string, std::vector<uint16_t>> xpos_classes_;
  std::vector<std::string> class_names_;  // sorted; index = class id
  absl::flat_hash_map<uint64_t, WeightRow> rows_;
  std::vector<uint16_t> classes_;
  std::vector<float> weights_;
};

}  // namespace korpus::nlp

#endif  // KORPUS_LIBS_NLP_MORPHOLOGIZER_H_
