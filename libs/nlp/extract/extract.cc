#include "libs/nlp/extract/extract.h"

#include "absl/strings/str_cat.h"

namespace korpus::nlp {

absl::StatusOr<Extractor> Extractor::Load(const std::string& model_dir,
                                          const ExtractorOptions& options) {
  absl::StatusOr<SentimentLexicon> lexicon = SentimentLexicon::Load(
      absl::StrCat(model_dir, "/", std::string(SentimentLexicon::kFileName)));
  if (!lexicon.ok()) return lexicon.status();
  return Extractor(*std::move(lexicon), options);
}

Extractions Extractor::Extract(std::string_view text, const AnalyzedText& analysis,
                               std::optional<absl::CivilDay> article_date,
                               const DocumentFrequencies* frequencies) const {
  Extractions x;
  x.quotes = ExtractQuotes(text, analysis);
  x.amounts = ExtractAmounts(text, analysis);
  x.dates = ExtractDates(text, analysis, article_date);
  x.sentiment = AnalyzeSentiment(text, analysis, lexicon_, options_.sentiment);
  x.terms = CountTerms(text, analysis);
  static const InMemoryDocumentFrequencies* const kEmpty = new InMemoryDocumentFrequencies();
  x.keywords = ExtractKeywords(x.terms, frequencies != nullptr ? *frequencies : *kEmpty,
                               options_.keywords);
  return x;
}

}  // namespace korpus::nlp
