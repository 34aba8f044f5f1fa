// All per-article extractors in one call, for the annotator.
//
//   absl::StatusOr<Extractor> extractor = Extractor::Load("models");
//   AnalyzedText analysis = pipeline->Analyze(text);
//   Extractions x = extractor->Extract(text, analysis, absl::CivilDay(2025, 2, 1), &frequencies);
//
// Kept apart from Pipeline::Analyze so that the pipeline benchmark stays
// comparable and callers that only need tokens do not pay for it. Stories
// are not part of it: joining a story needs the stored candidate stories
// (stories.h); Extractions::terms is what storage needs for that and for
// document frequencies.
//
// Thread-safety: a loaded Extractor is immutable; Extract() is const and may
// run concurrently.
#ifndef KORPUS_LIBS_NLP_EXTRACT_EXTRACT_H_
#define KORPUS_LIBS_NLP_EXTRACT_EXTRACT_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "libs/nlp/extract/amounts.h"
#include "libs/nlp/extract/dates.h"
#include "libs/nlp/extract/keywords.h"
#include "libs/nlp/extract/quotes.h"
#include "libs/nlp/extract/sentiment.h"
#include "libs/nlp/pipeline.h"

namespace korpus::nlp {

struct Extractions {
  std::vector<Quote> quotes;
  std::vector<Amount> amounts;
  std::vector<DateMention> dates;
  DocumentSentiment sentiment;
  std::vector<TermCount> terms;   // the document's terms (for DF and stories)
  std::vector<Keyword> keywords;  // best first
};

struct ExtractorOptions {
  SentimentOptions sentiment;
  KeywordOptions keywords;
};

class Extractor {
 public:
  // Loads <model_dir>/de_sentiment.bin (errors as SentimentLexicon::Load).
  static absl::StatusOr<Extractor> Load(const std::string& model_dir,
                                        const ExtractorOptions& options = {});

  // `analysis` must be Pipeline::Analyze(text) with models (lemmas and
  // UPOS); `article_date` resolves relative dates (nullopt: they stay
  // unresolved); `frequencies` weights keywords (nullptr: an empty corpus,
  // i.e. raw counts).
  Extractions Extract(std::string_view text, const AnalyzedText& analysis,
                      std::optional<absl::CivilDay> article_date,
                      const DocumentFrequencies* frequencies = nullptr) const;

 private:
  Extractor(SentimentLexicon lexicon, const ExtractorOptions& options)
      : lexicon_(std::move(lexicon)), options_(options) {}

  SentimentLexicon lexicon_;
  ExtractorOptions options_;
};

}  // namespace korpus::nlp

#endif  // KORPUS_LIBS_NLP_EXTRACT_EXTRACT_H_
