// Word clusters from unlabelled German text, for the NER features: each
// frequent word gets a coarse and a fine cluster id. Words are represented
// by their left and right neighbours (positive PMI over the most frequent
// context words) and grouped by spherical k-means with a fixed, frequency-
// based initialisation, so the result is deterministic.
//
// Text that Debian packages provide: fortunes-de (sayings and anecdotes,
// /usr/share/games/fortunes/de), the German side of the Ding dictionary
// (trans-de-en), German HTML manuals (gimp-help-de, debian-reference-de),
// plus the training sentences themselves.
#ifndef KORPUS_TOOLS_TRAIN_NER_CLUSTERS_H_
#define KORPUS_TOOLS_TRAIN_NER_CLUSTERS_H_

#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"

namespace korpus::train {

struct ClusterOptions {
  int min_count = 3;          // words seen fewer times get no cluster
  int max_words = 60000;      // the most frequent words only
  int context_words = 1000;   // context features: this many frequent words, left and right
  int coarse_clusters = 64;
  int fine_clusters = 512;
  int iterations = 12;
};

// Sentences (as token lists) of the unlabelled text: fortunes files under
// `fortunes_dir` (entries separated by "%" lines), the German phrases of
// the Ding dictionary at `ding`, and the paragraphs of the .html files under
// each of `html_dirs` (any may be empty to skip). NOT_FOUND for a missing
// file or folder.
absl::StatusOr<std::vector<std::vector<std::string>>> ReadUnlabelledText(
    const std::string& fortunes_dir, const std::string& ding,
    const std::vector<std::string>& html_dirs);

// word -> coarse id << 16 | fine id.
absl::flat_hash_map<std::string, uint32_t> LearnWordClusters(
    const std::vector<std::vector<std::string>>& sentences, const ClusterOptions& options);

}  // namespace korpus::train

#endif  // KORPUS_TOOLS_TRAIN_NER_CLUSTERS_H_
