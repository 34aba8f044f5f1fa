// korpus-train-sentiment: builds models/de_sentiment.bin from the Zurich
// polarity lexicon (germanlex.csv, Apache-2.0). Run from the repository root:
//   korpus-train-sentiment --germanlex=../shared/data/sentiment-zurich/germanlex.csv
//       --out=models/de_sentiment.bin
// Deterministic: the same CSV gives the same bytes.
#include <fstream>
#include <iostream>
#include <sstream>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "libs/nlp/extract/sentiment.h"

ABSL_FLAG(std::string, germanlex, "../shared/data/sentiment-zurich/germanlex.csv",
          "The Zurich polarity lexicon (word,qualifier,polarity_strength,pos).");
ABSL_FLAG(std::string, out, "models/de_sentiment.bin", "Where to write the model.");

namespace {

absl::Status Run() {
  const std::string path = absl::GetFlag(FLAGS_germanlex);
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read --germanlex=", path));
  std::stringstream csv;
  csv << in.rdbuf();
  absl::StatusOr<korpus::nlp::SentimentLexicon> lexicon =
      korpus::nlp::SentimentLexicon::FromGermanlexCsv(csv.str());
  if (!lexicon.ok()) return lexicon.status();
  if (absl::Status status = lexicon->Save(absl::GetFlag(FLAGS_out)); !status.ok()) return status;
  std::cout << "wrote " << absl::GetFlag(FLAGS_out) << ": " << lexicon->size() << " entries\n";
  return absl::OkStatus();
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  if (absl::Status status = Run(); !status.ok()) {
    std::cerr << "korpus-train-sentiment: " << status << "\n";
    return 1;
  }
  return 0;
}
