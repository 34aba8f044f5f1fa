// korpus-eval-stories: fits and checks the story clusterer. Clusters the
// articles of labelled TSV files incrementally, in file order, as storage
// would (document frequencies over the whole file), and prints pairwise
// precision/recall/F1 against the event labels: for the content cosine
// alone (a sweep of thresholds, the clusterer before event evidence) and
// for the event model (StoryModel, the default). Lines are
//   event<TAB>text                 (no publication date), or
//   event<TAB>YYYY-MM-DD<TAB>text  (published that day; relative dates
//                                   resolve against it)
// with "#" comments; the first sentence is the headline. Each file is its
// own corpus; the totals add the pairs of all files.
//
//   korpus-eval-stories --articles=tests/data/stories/articles.tsv,tests/data/stories/events.tsv
//   korpus-eval-stories --fit     # fits StoryModel on the document pairs, prints its weights
//   korpus-eval-stories --articles=tests/data/stories/heldout.tsv  # the held-out set
//   korpus-eval-stories --show    # the stories found, with each document's signals
//   korpus-eval-stories --files=seeds/000.txt,seeds/001.txt  # no labels: the decisions only
//   korpus-eval-stories --cross_validate  # chooses min_probability by leave-one-file-out
//
// Run from the repository root.
#include <algorithm>
#include <cmath>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "libs/ingest/normalizer.h"
#include "libs/nlp/extract/extract.h"
#include "libs/nlp/extract/keywords.h"
#include "libs/nlp/extract/stories.h"
#include "libs/nlp/pipeline.h"

ABSL_FLAG(std::string, articles,
          "tests/data/stories/articles.tsv,tests/data/stories/events.tsv",
          "Labelled article files, comma-separated (see the file comment).");
ABSL_FLAG(std::string, files, "",
          "Unlabelled articles, one per file (first line the title), comma-separated, "
          "normalised as ingest does: print the clusterer's decisions instead of scores.");
ABSL_FLAG(std::string, models, "models", "Model directory.");
ABSL_FLAG(bool, show, false, "Print the stories found with the default options.");
ABSL_FLAG(bool, whole_file_df, false,
          "Weight terms by document frequencies over the whole file (the earlier tool) instead "
          "of over the documents up to and including each one (what storage does).");
ABSL_FLAG(double, min_probability, korpus::nlp::StoryOptions().min_probability,
          "StoryOptions::min_probability of the event model.");
ABSL_FLAG(bool, fit, false, "Fit the StoryModel weights on the document pairs and use them.");
ABSL_FLAG(double, l2, 0.001, "L2 penalty of --fit.");
ABSL_FLAG(bool, balance, false,
          "With --fit: weight the classes equally (default: as they occur, so the model "
          "keeps the low prior of two documents reporting the same event).");
ABSL_FLAG(std::string, fit_on, "",
          "With --fit: fit only on these of the --articles files (comma-separated; default all), "
          "to score the others as held-out data.");
ABSL_FLAG(bool, cross_validate, false,
          "Leave one --articles file out at a time: fit StoryModel on the others, cluster the "
          "left-out file at each min_probability; print the pooled pair precision/recall/F1 "
          "per threshold and the best one (how the default threshold is chosen).");

namespace {

using namespace korpus::nlp;

struct Article {
  std::string name;   // file:line or path
  std::string event;  // empty when unlabelled
  std::vector<TermCount> terms;
  StoryEvidence evidence;
};

struct Corpus {
  std::string name;
  std::vector<Article> articles;
  InMemoryDocumentFrequencies df;
};

struct Counts {
  int both = 0, predicted = 0, gold = 0;
  size_t stories = 0;
  void Add(const Counts& c) {
    both += c.both, predicted += c.predicted, gold += c.gold, stories += c.stories;
  }
  double Precision() const { return predicted > 0 ? double(both) / predicted : 1; }
  double Recall() const { return gold > 0 ? double(both) / gold : 1; }
  double F1() const {
    const double p = Precision(), r = Recall();
    return p + r > 0 ? 2 * p * r / (p + r) : 0;
  }
};

// Each article's features, its terms weighted as storage weights them: by
// the document frequencies of the articles before it and itself (or, with
// --whole_file_df, of the whole file).
std::vector<StoryFeatures> Featurize(const Corpus& corpus, const StoryOptions& options) {
  const bool whole = absl::GetFlag(FLAGS_whole_file_df);
  InMemoryDocumentFrequencies df;
  std::vector<StoryFeatures> features;
  for (const Article& a : corpus.articles) {
    if (!whole) df.Add(a.terms);
    features.push_back(MakeStoryFeatures(a.terms, a.evidence, whole ? corpus.df : df, options));
  }
  return features;
}

std::string Signals(const StorySignals& s) {
  return absl::StrFormat(
      "content %.2f lead %.2f near-dup %.2f quotes %.2f speakers %.2f days %.2f pairs %.2f",
      s.content, s.lead, s.near_duplicate, s.quotes, s.speakers, s.days, s.pairs);
}

// Clusters `corpus` in order; `with_events` uses StoryFeatures and the
// model, otherwise the content cosine and options.threshold (with `window`,
// only over the candidates in the time window).
Counts Cluster(const Corpus& corpus, const StoryOptions& options, bool with_events, bool show,
               bool window = false) {
  StoryClusterer clusterer(options);
  std::vector<Story> stories;
  std::vector<int> assigned;
  const std::vector<Article>& articles = corpus.articles;
  const std::vector<StoryFeatures> features = Featurize(corpus, options);
  for (size_t k = 0; k < articles.size(); ++k) {
    const StoryFeatures& f = features[k];
    StoryClusterer::Decision d;
    if (with_events) {
      d = clusterer.Assign(f, stories);
    } else if (!window) {
      d = clusterer.Assign(f.content, stories);
    } else {
      std::vector<Story> in_window;
      std::vector<int> index;
      for (size_t s = 0; s < stories.size(); ++s) {
        if (!clusterer.InWindow(f, stories[s])) continue;
        in_window.push_back(stories[s]);
        index.push_back(static_cast<int>(s));
      }
      d = clusterer.Assign(f.content, in_window);
      if (d.story >= 0) d.story = index[d.story];
    }
    int story = d.story;
    if (story < 0) {
      story = static_cast<int>(stories.size());
      stories.emplace_back();
      stories.back().story_id = absl::StrCat("s", story);
    }
    if (show) {
      std::cout << absl::StrFormat("  %s (%s): best %.2f -> %s %s\n", articles[k].name,
                                   articles[k].event, d.similarity,
                                   d.story < 0 ? "new story" : "joins",
                                   stories[story].story_id);
      if (with_events && !stories[story].document_ids.empty()) {
        std::cout << "      " << Signals(d.signals) << "\n";
      }
    }
    AddToStory(stories[story], absl::StrCat(k), f, options);
    assigned.push_back(story);
  }
  Counts c;
  for (size_t i = 0; i < articles.size(); ++i) {
    for (size_t j = i + 1; j < articles.size(); ++j) {
      const bool same_gold = articles[i].event == articles[j].event;
      const bool same_predicted = assigned[i] == assigned[j];
      c.both += same_gold && same_predicted;
      c.predicted += same_predicted;
      c.gold += same_gold;
    }
  }
  c.stories = stories.size();
  if (show) {
    for (const Story& story : stories) {
      std::cout << "  " << story.story_id << " [" << story.label << "]:";
      for (const std::string& id : story.document_ids) {
        std::cout << " " << articles[std::stoi(id)].name << "(" << articles[std::stoi(id)].event
                  << ")";
      }
      std::cout << "\n";
    }
  }
  return c;
}

// One training example: a document against an earlier document of the
// same file (as a one-document story) within the time window.
struct Pair {
  StorySignals signals;
  bool same = false;
};

std::vector<double> AsVector(const StorySignals& s) {
  return {s.content, s.lead, s.near_duplicate, s.quotes, s.speakers, s.days, s.pairs};
}

// Logistic regression by full-batch gradient descent (deterministic), each
// pair weighted equally (or, with `balance`, each class), an
// L2 penalty on the weights (not the bias), the weights kept >= 0.
StoryModel Fit(const std::vector<Pair>& pairs, double l2, bool balance) {
  constexpr int kFeatures = 7;
  std::vector<double> w(kFeatures, 0);
  double bias = 0;
  double positives = 0;
  for (const Pair& p : pairs) positives += p.same;
  const double negatives = pairs.size() - positives;
  if (positives == 0 || negatives == 0) return StoryModel{};
  std::vector<std::vector<double>> x;
  for (const Pair& p : pairs) x.push_back(AsVector(p.signals));
  const double rate = 1.0;
  for (int iteration = 0; iteration < 20000; ++iteration) {
    std::vector<double> gw(kFeatures, 0);
    double gb = 0, total = 0;
    for (size_t k = 0; k < pairs.size(); ++k) {
      double z = bias;
      for (int f = 0; f < kFeatures; ++f) z += w[f] * x[k][f];
      const double p = 1 / (1 + std::exp(-z));
      const double weight =
          !balance ? 1.0 / pairs.size() : pairs[k].same ? 0.5 / positives : 0.5 / negatives;
      const double error = (p - (pairs[k].same ? 1.0 : 0.0)) * weight;
      for (int f = 0; f < kFeatures; ++f) gw[f] += error * x[k][f];
      gb += error;
      total += weight;
    }
    // Projected onto w >= 0: each signal is evidence for the same event;
    // a negative weight would only learn how the hard negatives of a small
    // set were written (the same spokesperson at two fires).
    for (int f = 0; f < kFeatures; ++f) {
      w[f] = std::max(0.0, w[f] - rate * (gw[f] / total + l2 * w[f]));
    }
    bias -= rate * gb / total;
  }
  return StoryModel{.bias = bias, .content = w[0], .lead = w[1], .near_duplicate = w[2],
                    .quotes = w[3], .speakers = w[4], .days = w[5], .pairs = w[6]};
}

std::vector<Pair> Pairs(const Corpus& corpus, const StoryOptions& options) {
  StoryClusterer clusterer(options);
  std::vector<Story> singles;
  std::vector<Pair> pairs;
  const std::vector<StoryFeatures> features = Featurize(corpus, options);
  for (size_t k = 0; k < corpus.articles.size(); ++k) {
    const Article& a = corpus.articles[k];
    const StoryFeatures& f = features[k];
    for (size_t j = 0; j < singles.size(); ++j) {
      if (!clusterer.InWindow(f, singles[j])) continue;
      pairs.push_back(Pair{CompareToStory(f, singles[j]), corpus.articles[j].event == a.event});
    }
    singles.emplace_back();
    AddToStory(singles.back(), absl::StrCat(k), f, options);
  }
  return pairs;
}

class Analyzer {
 public:
  static absl::StatusOr<Analyzer> Load(const std::string& models) {
    absl::StatusOr<std::unique_ptr<Pipeline>> pipeline =
        Pipeline::Load(PipelineOptions{.model_dir = models});
    if (!pipeline.ok()) return pipeline.status();
    absl::StatusOr<Extractor> extractor = Extractor::Load(models);
    if (!extractor.ok()) return extractor.status();
    return Analyzer(std::move(*pipeline), std::move(*extractor));
  }

  void Add(Corpus& corpus, std::string name, std::string event, const std::string& text,
           std::optional<absl::CivilDay> date) {
    Article a;
    a.name = std::move(name);
    a.event = std::move(event);
    const AnalyzedText analysis = pipeline_->Analyze(text);
    const Extractions x = extractor_.Extract(text, analysis, date);
    a.terms = x.terms;
    std::optional<absl::Time> time;
    // Published in the morning, local time unknown: 08:00 UTC.
    if (date.has_value()) time = absl::FromCivil(absl::CivilSecond(*date) + 8 * 3600, absl::UTCTimeZone());
    a.evidence = MakeStoryEvidence(text, analysis, x.quotes, x.dates, time);
    corpus.df.Add(a.terms);
    corpus.articles.push_back(std::move(a));
  }

 private:
  Analyzer(std::unique_ptr<Pipeline> pipeline, Extractor extractor)
      : pipeline_(std::move(pipeline)), extractor_(std::move(extractor)) {}
  std::unique_ptr<Pipeline> pipeline_;
  Extractor extractor_;
};

absl::StatusOr<Corpus> ReadTsv(Analyzer& analyzer, const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  Corpus corpus;
  corpus.name = path;
  int number = 0;
  for (std::string line; std::getline(in, line);) {
    ++number;
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> fields = absl::StrSplit(line, '\t');
    std::optional<absl::CivilDay> date;
    if (fields.size() == 3) {
      absl::CivilDay day;
      if (!absl::ParseCivilTime(fields[1], &day)) {
        return absl::InvalidArgumentError(absl::StrCat(path, ":", number, ": bad date"));
      }
      date = day;
      fields.erase(fields.begin() + 1);
    }
    if (fields.size() != 2) {
      return absl::InvalidArgumentError(absl::StrCat(path, ":", number, ": expected 2 or 3 fields"));
    }
    analyzer.Add(corpus, absl::StrCat(number), fields[0], fields[1], date);
  }
  return corpus;
}

void PrintModel(const StoryModel& m) {
  std::cout << absl::StrFormat(
      "bias %.2f content %.2f lead %.2f near_duplicate %.2f quotes %.2f speakers %.2f days "
      "%.2f pairs %.2f\n",
      m.bias, m.content, m.lead, m.near_duplicate, m.quotes, m.speakers, m.days, m.pairs);
}

absl::Status Run() {
  absl::StatusOr<Analyzer> analyzer = Analyzer::Load(absl::GetFlag(FLAGS_models));
  if (!analyzer.ok()) return analyzer.status();

  if (const std::string files = absl::GetFlag(FLAGS_files); !files.empty()) {
    // As ingest stores them: normalised, page furniture removed.
    absl::StatusOr<korpus::ingest::Normalizer> normalizer = korpus::ingest::Normalizer::Create({});
    if (!normalizer.ok()) return normalizer.status();
    Corpus corpus;
    for (absl::string_view path : absl::StrSplit(files, ',')) {
      std::ifstream in{std::string(path)};
      if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", std::string(path)));
      std::stringstream text;
      text << in.rdbuf();
      korpus::v1::RawArticle article;
      article.set_content(text.str());
      article.set_format(korpus::v1::CONTENT_FORMAT_TEXT);
      absl::StatusOr<korpus::ingest::NormalizedArticle> normalized =
          normalizer->NormalizeArticle(article);
      if (!normalized.ok()) return normalized.status();
      analyzer->Add(corpus, std::string(path), "", normalized->document.text(), std::nullopt);
    }
    std::cout << "content cosine (threshold 0.2):\n";
    Cluster(corpus, {}, false, true);
    std::cout << "event model:\n";
    StoryOptions event_options;
    event_options.min_probability = absl::GetFlag(FLAGS_min_probability);
    Cluster(corpus, event_options, true, true);
    // Every pair, for the record.
    std::cout << "pairs (document vs earlier document):\n";
    const StoryOptions options;
    const std::vector<StoryFeatures> features = Featurize(corpus, options);
    for (size_t i = 0; i < corpus.articles.size(); ++i) {
      const Article& a = corpus.articles[i];
      const StoryFeatures& fi = features[i];
      for (size_t j = 0; j < i; ++j) {
        const Article& b = corpus.articles[j];
        Story single;
        AddToStory(single, "x", features[j], options);
        const StorySignals s = CompareToStory(fi, single);
        std::cout << absl::StrFormat("  %s vs %s: p %.2f  %s\n", a.name, b.name,
                                     options.model.Probability(s), Signals(s));
      }
    }
    return absl::OkStatus();
  }

  std::vector<Corpus> corpora;
  for (absl::string_view path : absl::StrSplit(absl::GetFlag(FLAGS_articles), ',')) {
    absl::StatusOr<Corpus> corpus = ReadTsv(*analyzer, std::string(path));
    if (!corpus.ok()) return corpus.status();
    corpora.push_back(std::move(*corpus));
  }
  if (absl::GetFlag(FLAGS_cross_validate)) {
    if (corpora.size() < 2) {
      return absl::InvalidArgumentError("--cross_validate needs at least two --articles files");
    }
    const std::vector<double> thresholds = {0.2, 0.25, 0.3, 0.35, 0.4, 0.45,
                                            0.5, 0.55, 0.6, 0.65, 0.7};
    std::vector<Counts> pooled(thresholds.size());
    for (size_t out = 0; out < corpora.size(); ++out) {
      std::vector<Pair> pairs;
      for (size_t k = 0; k < corpora.size(); ++k) {
        if (k == out) continue;
        std::vector<Pair> p = Pairs(corpora[k], StoryOptions{});
        pairs.insert(pairs.end(), p.begin(), p.end());
      }
      StoryOptions fold;
      fold.model = Fit(pairs, absl::GetFlag(FLAGS_l2), absl::GetFlag(FLAGS_balance));
      std::cout << "without " << corpora[out].name << ": ";
      PrintModel(fold.model);
      for (size_t t = 0; t < thresholds.size(); ++t) {
        fold.min_probability = thresholds[t];
        pooled[t].Add(Cluster(corpora[out], fold, true, false));
      }
    }
    std::cout << "\nleft-out files pooled:\n"
              << "| min probability | stories | pair precision | pair recall | pair F1 |\n"
              << "| --- | --- | --- | --- | --- |\n";
    size_t best = 0;
    for (size_t t = 0; t < thresholds.size(); ++t) {
      // Ties go to the higher threshold (fewer merges of distinct events).
      if (pooled[t].F1() >= pooled[best].F1()) best = t;
      std::cout << absl::StrFormat("| %.2f | %d | %.2f | %.2f | %.2f |\n", thresholds[t],
                                   pooled[t].stories, pooled[t].Precision(), pooled[t].Recall(),
                                   pooled[t].F1());
    }
    std::cout << absl::StrFormat("best min_probability: %.2f (pair F1 %.2f)\n", thresholds[best],
                                 pooled[best].F1());
    return absl::OkStatus();
  }

  StoryOptions options;
  options.min_probability = absl::GetFlag(FLAGS_min_probability);
  if (absl::GetFlag(FLAGS_fit)) {
    std::vector<Pair> pairs;
    const std::string fit_on = absl::GetFlag(FLAGS_fit_on);
    const std::vector<std::string> fit_files = absl::StrSplit(fit_on, ',', absl::SkipEmpty());
    for (const Corpus& corpus : corpora) {
      if (!fit_files.empty() &&
          std::find(fit_files.begin(), fit_files.end(), corpus.name) == fit_files.end()) {
        continue;
      }
      std::vector<Pair> p = Pairs(corpus, options);
      pairs.insert(pairs.end(), p.begin(), p.end());
    }
    int positives = 0;
    for (const Pair& p : pairs) positives += p.same;
    std::cout << "fit on " << pairs.size() << " document pairs (" << positives
              << " same event)\n";
    options.model = Fit(pairs, absl::GetFlag(FLAGS_l2), absl::GetFlag(FLAGS_balance));
    std::cout << "fitted: ";
  } else {
    std::cout << "model: ";
  }
  PrintModel(options.model);

  std::cout << "\n| corpus | articles | clusterer | stories | pair precision | pair recall | pair F1 |\n"
            << "| --- | --- | --- | --- | --- | --- | --- |\n";
  auto row = [](const std::string& name, size_t n, const std::string& how, const Counts& c) {
    std::cout << absl::StrFormat("| %s | %d | %s | %d | %.2f | %.2f | %.2f |\n", name, n, how,
                                 c.stories, c.Precision(), c.Recall(), c.F1());
  };
  Counts cosine_total, window_total, model_total;
  size_t total_articles = 0;
  for (const Corpus& corpus : corpora) {
    const Counts cosine = Cluster(corpus, {}, false, false);
    const Counts windowed = Cluster(corpus, {}, false, false, true);
    const Counts model = Cluster(corpus, options, true, false);
    row(corpus.name, corpus.articles.size(), "content cosine >= 0.2", cosine);
    row(corpus.name, corpus.articles.size(), "content cosine >= 0.2, time window", windowed);
    row(corpus.name, corpus.articles.size(), "event model", model);
    cosine_total.Add(cosine);
    window_total.Add(windowed);
    model_total.Add(model);
    total_articles += corpus.articles.size();
  }
  row("all", total_articles, "content cosine >= 0.2", cosine_total);
  row("all", total_articles, "content cosine >= 0.2, time window", window_total);
  row("all", total_articles, "event model", model_total);

  std::cout << "\ncontent cosine threshold sweep (all files):\n"
            << "| threshold | stories | pair precision | pair recall | pair F1 |\n"
            << "| --- | --- | --- | --- | --- |\n";
  for (double threshold = 0.1; threshold < 0.501; threshold += 0.05) {
    Counts total;
    for (const Corpus& corpus : corpora) {
      total.Add(Cluster(corpus, {.threshold = threshold}, false, false));
    }
    std::cout << absl::StrFormat("| %.2f | %d | %.2f | %.2f | %.2f |\n", threshold, total.stories,
                                 total.Precision(), total.Recall(), total.F1());
  }
  std::cout << "\nevent model, min_probability sweep (all files):\n"
            << "| min probability | stories | pair precision | pair recall | pair F1 |\n"
            << "| --- | --- | --- | --- | --- |\n";
  for (double p = 0.2; p < 0.801; p += 0.1) {
    StoryOptions swept = options;
    swept.min_probability = p;
    Counts total;
    for (const Corpus& corpus : corpora) total.Add(Cluster(corpus, swept, true, false));
    std::cout << absl::StrFormat("| %.1f | %d | %.2f | %.2f | %.2f |\n", p, total.stories,
                                 total.Precision(), total.Recall(), total.F1());
  }
  if (absl::GetFlag(FLAGS_show)) {
    for (const Corpus& corpus : corpora) {
      std::cout << "\n" << corpus.name << ", event model:\n";
      Cluster(corpus, options, true, true);
    }
  }
  return absl::OkStatus();
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  if (absl::Status status = Run(); !status.ok()) {
    std::cerr << "korpus-eval-stories: " << status << "\n";
    return 1;
  }
  return 0;
}
