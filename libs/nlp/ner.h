// German named-entity recognition: the GermEval 2014 classes PER, ORG, LOC
// and OTH with their -deriv ("deutschen" LOCderiv) and -part ("Nvidia-Chip"
// ORGpart) subtypes, as BIO tags over the tokens of a sentence.
//
// Example:
//   absl::StatusOr<NerTagger> ner = NerTagger::Load("models");
//   if (!ner.ok()) return ner.status();
//   std::vector<int> tags = ner->Tag(words, upos);  // one tag per word
//   std::vector<Mention> mentions;
//   AppendMentions(tags, sentence.first_token, tokens, mentions);
//
// Model: first-order linear scores with Viterbi decoding restricted to valid
// BIO sequences, over hashed features (word, affixes, shape, capitalisation
// in context, the full-form lexicon's word classes, UPOS from the core
// tagger, gazetteers compiled into the model file, word clusters, title and
// organisation-noun cues). The committed weights are the sum of an averaged
// structured perceptron (Collins 2002) and a linear-chain CRF (NerTrainer).
// docs/NER.md has the figures and what was tried.
//
// Thread-safety: a NerTagger is immutable after Load()/Train(); Tag() is
// const and may run concurrently from any number of threads.
#ifndef KORPUS_LIBS_NLP_NER_H_
#define KORPUS_LIBS_NLP_NER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "libs/nlp/lexicon.h"
#include "libs/nlp/ner_gazetteer.h"
#include "libs/nlp/text.h"

namespace korpus::nlp {

enum class EntityType : uint8_t { kPer = 0, kOrg = 1, kLoc = 2, kOth = 3 };
// kDeriv: a word derived from a name ("deutschen", "Merkel-Anhänger" is
// not: that is kPart). kPart: a compound containing a name ("Nvidia-Chip").
enum class EntitySubtype : uint8_t { kNone = 0, kDeriv = 1, kPart = 2 };

// "PER", "ORG", "LOC", "OTH".
std::string_view EntityTypeName(EntityType type);
// "", "deriv", "part".
std::string_view EntitySubtypeName(EntitySubtype subtype);

// Tag indices: 0 is "O"; tag 1 + 2 * label + inside, where label =
// 3 * type + subtype (12 labels) and inside is 0 for B-, 1 for I-.
constexpr int kNerTagCount = 25;
constexpr int kNerLabelCount = 12;
inline int NerTag(EntityType type, EntitySubtype subtype, bool inside) {
  return 1 + 2 * (3 * int(type) + int(subtype)) + (inside ? 1 : 0);
}
inline bool NerTagIsInside(int tag) { return tag > 0 && (tag - 1) % 2 == 1; }
inline int NerTagLabel(int tag) { return tag > 0 ? (tag - 1) / 2 : -1; }
inline EntityType NerTagType(int tag) { return EntityType(NerTagLabel(tag) / 3); }
inline EntitySubtype NerTagSubtype(int tag) { return EntitySubtype(NerTagLabel(tag) % 3); }
// "O", "B-PER", "I-ORGpart", ...
std::string NerTagName(int tag);
// The inverse of NerTagName; -1 for anything else.
int ParseNerTag(std::string_view name);
// "PER", "LOCderiv", ... for a label 0..11.
std::string NerLabelName(int label);

// One recognised name: a maximal run of tokens in one sentence. A mention
// starts at a B- tag, or at an I- tag after O or at the sentence start; it
// goes on over I- tags (of any label: GermEval's chunk rule). Its type and
// subtype are those of its first token.
struct Mention {
  uint32_t first_token = 0;  // index into the text's tokens
  uint32_t token_count = 0;  // >= 1
  uint32_t begin = 0;        // UTF-8 byte offset of the first token
  uint32_t end = 0;          // byte offset one past the last token
  EntityType type = EntityType::kPer;
  EntitySubtype subtype = EntitySubtype::kNone;
};

// Closed word classes shared by the tagger's features and the entity
// merging. `lower` is a lower-cased word.
//
// A title, form of address or role before a person's name: "präsident",
// "frau", "dr.", and compounds ending in one ("wirtschaftsministerin",
// "us-präsident", "ex-ceo").
bool IsPersonTitle(std::string_view lower);
// A noun naming a kind of organisation, alone or as the head of a compound,
// in any case ending: "unternehmen", "konzerns", "ki-startups",
// "chiphersteller", "partei". Evidence that a name next to it ("der
// Konzern X", "Unternehmen wie X", "X, ein Start-up") is an organisation.
bool IsOrganisationCue(std::string_view lower);
// The head of a hyphenated compound that says its first part is an
// organisation: "Nvidia-Chef", "Quorvex-Aktie", "Siemens-Konzern".
bool IsOrganisationPartHead(std::string_view lower);

// Appends the mentions of one sentence whose tags are `tags` (one per token,
// tokens[first_token .. first_token + tags.size())) to `out`.
void AppendMentions(const std::vector<int>& tags, uint32_t first_token,
                    const std::vector<Token>& tokens, std::vector<Mention>& out);

// Which feature groups the model uses; stored in the model file. Switching
// groups off is for measuring what each contributes (korpus-train-ner).
struct NerFeatureOptions {
  bool lexicon = true;    // full-form lexicon word classes (common nouns)
  bool gazetteer = true;  // names from ICU, iso-codes, wngerman
  bool pos = true;        // UPOS from the core tagger
  bool context2 = true;   // words two to the left/right
  bool clusters = true;   // word clusters learnt from unlabelled text
  bool cues = true;       // a title before, an organisation noun before/after
};

// Word -> coarse cluster id << 16 | fine cluster id (korpus-train-ner learns
// them from unlabelled text; stored in the model file).
using NerWordClusters = absl::flat_hash_map<std::string, uint32_t>;

// How the weights are learnt. Both give the same kind of model (linear
// scores, Viterbi decoding), so tagging speed and the file format do not
// depend on it.
enum class NerTrainer : uint8_t {
  kPerceptron = 0,  // averaged structured perceptron (Collins 2002)
  kCrf = 1,         // linear-chain CRF, L2-regularised log-likelihood by SGD
  // Both, and the model is their sum, each scaled to unit RMS weight (the
  // scores are linear, so this is the ensemble of the two).
  kPerceptronPlusCrf = 2,
};

struct NerTrainingOptions {
  NerTrainer trainer = NerTrainer::kPerceptronPlusCrf;
  // CRF only: L2 strength (the objective is the sum of the sentences'
  // log-likelihoods minus crf_l2 / 2 * |w|^2), initial SGD step (decaying as
  // 1 / (1 + epoch)), and weights below crf_prune in magnitude are dropped
  // from the model.
  double crf_l2 = 1.0;
  double crf_step = 0.1;
  double crf_prune = 1e-3;
  // kPerceptronPlusCrf: the CRF's epochs and its weight in the sum.
  int crf_iterations = 50;
  double crf_mix = 0.5;
  int iterations = 15;
  uint32_t shuffle_seed = 20140901;  // fixed, so training is reproducible
  // Features seen in fewer training tokens are left out (they mostly
  // memorise single training sentences).
  int min_feature_count = 1;
  NerFeatureOptions features;
};

// One training sentence: words, their UPOS (may be empty), gold tag indices.
struct NerSentence {
  std::vector<std::string> words;
  std::vector<std::string> upos;
  std::vector<int> tags;
};

class NerTagger {
 public:
  static constexpr std::string_view kMagic = "KORPUS-NER\n";
  static constexpr uint32_t kVersion = 2;  // 2: gazetteer aliases, cue features
  static constexpr std::string_view kFileName = "de_ner.bin";

  // Loads <model_dir>/de_ner.bin. `lexicon` (the Pipeline's) is used for the
  // lexicon features and must outlive the tagger; when null, the tagger
  // loads and owns <model_dir>/de_lexicon.bin itself. Errors: NOT_FOUND for
  // a missing file, FAILED_PRECONDITION for another format version,
  // DATA_LOSS for a corrupt file or one of another kind.
  static absl::StatusOr<NerTagger> Load(const std::string& model_dir,
                                        const Lexicon* lexicon = nullptr);

  // Trains on `sentences`. `lexicon` may be null (then no lexicon features)
  // and must outlive the tagger; the gazetteer and clusters are moved in.
  static NerTagger Train(const std::vector<NerSentence>& sentences, const Lexicon* lexicon,
                         NerGazetteer gazetteer, NerWordClusters clusters,
                         const NerTrainingOptions& options);

  // The linear-chain CRF trainer (options.trainer == kCrf); fills the
  // weights of `tagger` from the extracted features.
  static void TrainCrf(const std::vector<NerSentence>& sentences,
                       const std::vector<std::vector<std::vector<uint64_t>>>& features,
                       const NerTrainingOptions& options, NerTagger& tagger);

  // Writes the weights, feature options, gazetteer and clusters (not the
  // lexicon).
  absl::Status Save(const std::string& path) const;

  // Tags one sentence. `upos` holds the UPOS of each word ("PROPN") or is
  // empty (then the POS features are left out, which costs accuracy).
  // Returns one tag index per word; the sequence is valid BIO (an I- tag
  // only follows B- or I- of the same label).
  std::vector<int> Tag(const std::vector<std::string_view>& words,
                       const std::vector<std::string_view>& upos) const;

  const NerFeatureOptions& feature_options() const { return options_; }
  const NerGazetteer& gazetteer() const { return gazetteer_; }
  size_t weight_count() const { return weights_.size(); }

 private:
  struct Row {
    uint32_t offset = 0;  // into tags_/weights_
    uint32_t count = 0;
  };

  NerFeatureOptions options_;
  NerGazetteer gazetteer_;
  NerWordClusters clusters_;
  const Lexicon* lexicon_ = nullptr;
  std::shared_ptr<const Lexicon> owned_lexicon_;
  float transitions_[kNerTagCount + 1][kNerTagCount] = {};  // row kNerTagCount: start
  absl::flat_hash_map<uint64_t, Row> rows_;
  std::vector<uint8_t> tags_;
  std::vector<float> weights_;
};

}  // namespace korpus::nlp

#endif  // KORPUS_LIBS_NLP_NER_H_
