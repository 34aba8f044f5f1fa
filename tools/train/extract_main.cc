// korpus-extract: runs ingest's normalisation (boilerplate, FAQ) and every
// extractor of libs/nlp/extract over text files, offline, and prints what
// each found: the output quoted in docs/EXTRACTION.md. The files together
// are the corpus for keyword document frequencies and are clustered into
// stories in the order given. Run from the repository root:
//   korpus-extract --models=models --date=2025-01-31 seeds/*.txt
#include <chrono>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "libs/ingest/normalizer.h"
#include "libs/nlp/extract/extract.h"
#include "libs/nlp/extract/stories.h"
#include "libs/nlp/pipeline.h"

ABSL_FLAG(std::string, models, "models", "Model directory.");
ABSL_FLAG(std::string, date, "",
          "Article date YYYY-MM-DD used to resolve relative dates; empty: none.");
ABSL_FLAG(bool, summary, false, "Print only the stories, not each document's extractions.");
ABSL_FLAG(int, time_repeat, 0,
          "If > 0: time Pipeline::Analyze and Extractor::Extract over all files, this many "
          "rounds, and print tokens/s of each.");

namespace {

using namespace korpus;
using namespace korpus::nlp;

std::string Cut(std::string_view s, size_t max) {
  if (s.size() <= max) return std::string(s);
  size_t end = max;
  while (end > 0 && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) --end;
  return absl::StrCat(std::string(s.substr(0, end)), "…");
}

std::string Date(const CalendarDate& d) {
  return absl::StrFormat("%04d-%02d-%02d", d.year, d.month, d.day);
}

struct Document {
  std::string path;
  ingest::NormalizedArticle normalized;
  AnalyzedText analysis;
  Extractions x;
};

void Print(Document& doc, const InMemoryDocumentFrequencies& df, const Extractor& extractor,
           std::optional<absl::CivilDay> date) {
  const std::string& text = doc.normalized.document.text();
  auto span = [&](uint32_t b, uint32_t e) { return Cut(std::string_view(text).substr(b, e - b), 90); };
  std::cout << "### " << doc.path << "\n\nboilerplate removed (" << doc.normalized.removed.size()
            << "):\n";
  for (const ingest::RemovedBlock& r : doc.normalized.removed) {
    std::cout << "  [" << ingest::BoilerplateSignalNames(r.signals) << "] " << Cut(r.text, 90) << "\n";
  }
  std::cout << "faq:\n";
  for (size_t k = 0; k < doc.normalized.faq.size(); ++k) {
    if (doc.normalized.faq[k] == ingest::FaqRole::kNone) continue;
    const v1::Paragraph& p = doc.normalized.document.paragraphs(static_cast<int>(k));
    // Paragraph offsets are code points; the FAQ text is found by paragraph
    // order instead: split the text at "\n\n".
    size_t start = 0;
    for (int j = 0; j < static_cast<int>(k); ++j) start = text.find("\n\n", start) + 2;
    const size_t end = text.find("\n\n", start);
    (void)p;
    std::cout << "  " << (doc.normalized.faq[k] == ingest::FaqRole::kQuestion ? "Q " : "A ")
              << Cut(std::string_view(text).substr(start, end - start), 80) << "\n";
  }
  std::cout << "quotes:\n";
  for (const Quote& q : doc.x.quotes) {
    std::cout << "  " << QuoteKindName(q.kind) << (q.parent >= 0 ? " (nested)" : "") << " \""
              << span(q.begin, q.end) << "\"";
    if (q.resolution != SpeakerResolution::kNone) {
      std::cout << "\n      speaker: " << SpeakerResolutionName(q.resolution) << " \""
                << span(q.speaker_begin, q.speaker_end) << "\"";
      if (q.speaker_entity >= 0) {
        std::cout << " -> " << doc.analysis.entities[q.speaker_entity].canonical_name << " ("
                  << q.speaker_entity_id << ")";
      }
    }
    if (q.cue_kind != CueKind::kNone) {
      std::cout << (q.resolution == SpeakerResolution::kNone ? "\n     " : ";") << " cue "
                << CueKindName(q.cue_kind);
      if (q.cue_kind == CueKind::kVerb) std::cout << " " << q.cue;
    }
    std::cout << "\n";
  }
  std::cout << "amounts:\n";
  for (const Amount& a : doc.x.amounts) {
    std::cout << "  \"" << span(a.begin, a.end) << "\" -> " << absl::StrFormat("%g", a.value);
    if (a.is_range) std::cout << absl::StrFormat("..%g", a.range_max);
    std::cout << " " << (a.unit == AmountUnit::kCurrency ? a.currency : std::string(AmountUnitName(a.unit)))
              << " " << ApproximationName(a.approximation) << (a.change ? " change" : "") << "\n";
  }
  std::cout << "dates" << (date ? absl::StrCat(" (article date ", absl::FormatCivilTime(*date), ")") : "")
            << ":\n";
  for (const DateMention& d : doc.x.dates) {
    std::cout << "  \"" << span(d.begin, d.end) << "\" -> " << DateGranularityName(d.granularity);
    if (d.resolved) {
      std::cout << " " << Date(d.start);
      if (Date(d.start) != Date(d.end_date)) std::cout << ".." << Date(d.end_date);
    } else {
      std::cout << " unresolved";
    }
    if (d.relative) std::cout << " relative";
    if (d.part != DatePart::kWhole) std::cout << " " << DatePartName(d.part);
    if (d.weekday > 0) std::cout << " weekday " << d.weekday;
    if (d.hour >= 0) std::cout << absl::StrFormat(" %02d:%02d", d.hour, d.minute);
    std::cout << "\n";
  }
  const DocumentSentiment& s = doc.x.sentiment;
  std::cout << "sentiment: document " << absl::StrFormat("%+.2f", s.document.score) << " "
            << SentimentLabelName(s.document.label) << " (" << s.document.polar_words
            << " polar words); sentences neg/neu/pos: ";
  int counts[3] = {0, 0, 0};
  for (const Sentiment& sentence : s.sentences) ++counts[static_cast<int>(sentence.label) - 1];
  std::cout << counts[0] << "/" << counts[1] << "/" << counts[2] << "\n";
  // The most negative and most positive sentence.
  size_t lo = 0, hi = 0;
  for (size_t k = 0; k < s.sentences.size(); ++k) {
    if (s.sentences[k].score < s.sentences[lo].score) lo = k;
    if (s.sentences[k].score > s.sentences[hi].score) hi = k;
  }
  for (size_t k : {lo, hi}) {
    if (k >= doc.analysis.sentences.size()) continue;
    const Sentence& sentence = doc.analysis.sentences[k];
    std::cout << absl::StrFormat("  %+.2f ", s.sentences[k].score) << span(sentence.begin, sentence.end)
              << "\n";
  }
  const std::vector<Keyword> keywords = ExtractKeywords(doc.x.terms, df);
  std::cout << "keywords (TF-IDF over " << df.DocumentCount() << " documents):";
  for (const Keyword& k : keywords) {
    std::cout << absl::StrFormat(" %s (%s %.2f);", k.text, TermKindName(k.kind), k.score);
  }
  std::cout << "\n\n";
  (void)extractor;
}

absl::Status Run(const std::vector<std::string>& paths) {
  const std::string models = absl::GetFlag(FLAGS_models);
  absl::StatusOr<std::unique_ptr<Pipeline>> pipeline = Pipeline::Load(PipelineOptions{.model_dir = models});
  if (!pipeline.ok()) return pipeline.status();
  absl::StatusOr<Extractor> extractor = Extractor::Load(models);
  if (!extractor.ok()) return extractor.status();
  absl::StatusOr<ingest::Normalizer> normalizer = ingest::Normalizer::Create({});
  if (!normalizer.ok()) return normalizer.status();
  std::optional<absl::CivilDay> date;
  if (!absl::GetFlag(FLAGS_date).empty()) {
    absl::CivilDay day;
    if (!absl::ParseCivilTime(absl::GetFlag(FLAGS_date), &day)) {
      return absl::InvalidArgumentError(absl::StrCat("--date=", absl::GetFlag(FLAGS_date), " is not YYYY-MM-DD"));
    }
    date = day;
  }
  std::vector<Document> docs;
  InMemoryDocumentFrequencies df;
  for (const std::string& path : paths) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
    std::stringstream content;
    content << in.rdbuf();
    v1::RawArticle article;
    article.set_content(content.str());
    article.set_format(v1::CONTENT_FORMAT_TEXT);
    absl::StatusOr<ingest::NormalizedArticle> normalized = normalizer->NormalizeArticle(article);
    if (!normalized.ok()) return normalized.status();
    Document doc;
    doc.path = path;
    doc.normalized = *std::move(normalized);
    doc.analysis = (*pipeline)->Analyze(doc.normalized.document.text());
    doc.x = extractor->Extract(doc.normalized.document.text(), doc.analysis, date);
    df.Add(doc.x.terms);
    docs.push_back(std::move(doc));
  }
  if (const int rounds = absl::GetFlag(FLAGS_time_repeat); rounds > 0) {
    using Clock = std::chrono::steady_clock;
    size_t tokens = 0;
    double analyze_s = 0, extract_s = 0;
    for (int r = 0; r < rounds; ++r) {
      for (const Document& doc : docs) {
        const std::string& text = doc.normalized.document.text();
        const auto t0 = Clock::now();
        const AnalyzedText analysis = (*pipeline)->Analyze(text);
        const auto t1 = Clock::now();
        const Extractions x = extractor->Extract(text, analysis, date, &df);
        const auto t2 = Clock::now();
        tokens += analysis.tokens.size();
        static_cast<void>(x);
        analyze_s += std::chrono::duration<double>(t1 - t0).count();
        extract_s += std::chrono::duration<double>(t2 - t1).count();
      }
    }
    std::cout << absl::StrFormat(
        "%d tokens: Pipeline::Analyze %.0f tokens/s, Extractor::Extract %.0f tokens/s "
        "(Extract takes %.1f %% of Analyze's time)\n",
        tokens, tokens / analyze_s, tokens / extract_s, 100 * extract_s / analyze_s);
    return absl::OkStatus();
  }
  if (!absl::GetFlag(FLAGS_summary)) {
    for (Document& doc : docs) Print(doc, df, *extractor, date);
  }
  StoryClusterer clusterer;
  std::vector<Story> stories;
  std::cout << "stories (threshold " << clusterer.options().threshold << "):\n";
  for (const Document& doc : docs) {
    const StoryVector v = MakeStoryVector(doc.x.terms, df);
    StoryClusterer::Decision d = clusterer.Assign(v, stories);
    std::cout << absl::StrFormat("  %s: best similarity %.2f -> ", doc.path, d.similarity);
    if (d.story < 0) {
      d.story = static_cast<int32_t>(stories.size());
      stories.emplace_back();
      stories.back().story_id = absl::StrCat("s", d.story);
      std::cout << "new story " << stories.back().story_id << "\n";
    } else {
      std::cout << "joins " << stories[d.story].story_id << "\n";
    }
    AddToStory(stories[d.story], doc.path, v);
  }
  for (const Story& story : stories) {
    std::cout << "  " << story.story_id << " \"" << story.label << "\": " << story.document_ids.size()
              << " article(s); main entities:";
    for (const StoryEntity& e : story.main_entities) std::cout << " " << e.name << ";";
    std::cout << "\n";
  }
  return absl::OkStatus();
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<char*> args = absl::ParseCommandLine(argc, argv);
  std::vector<std::string> paths(args.begin() + 1, args.end());
  if (paths.empty()) {
    std::cerr << "usage: korpus-extract [--models=DIR] [--date=YYYY-MM-DD] FILE...\n";
    return 2;
  }
  if (absl::Status status = Run(paths); !status.ok()) {
    std::cerr << "korpus-extract: " << status << "\n";
    return 1;
  }
  return 0;
}
