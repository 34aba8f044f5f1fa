// korpus-eval-stories: tunes and checks the story threshold. Clusters the
// articles of a labelled TSV (event<TAB>text; "#" comments) incrementally,
// in file order, as the annotator would (document frequencies over the whole
// file), and prints pairwise precision/recall/F1 against the event labels
// for a sweep of thresholds and entity weights. Run from the repository root:
//   korpus-eval-stories --articles=tests/data/stories/articles.tsv --models=models
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "libs/nlp/extract/keywords.h"
#include "libs/nlp/extract/stories.h"
#include "libs/nlp/pipeline.h"

ABSL_FLAG(std::string, articles, "tests/data/stories/articles.tsv",
          "Labelled articles: event<TAB>text per line.");
ABSL_FLAG(std::string, models, "models", "Model directory.");
ABSL_FLAG(bool, show, false, "Print the stories found with the default options.");

namespace {

using namespace korpus::nlp;

struct Article {
  std::string event;
  std::vector<TermCount> terms;
};

struct Scores {
  double precision = 0, recall = 0, f1 = 0;
  size_t stories = 0;
};

Scores Cluster(const std::vector<Article>& articles, const InMemoryDocumentFrequencies& df,
               const StoryOptions& options, bool show) {
  StoryClusterer clusterer(options);
  std::vector<Story> stories;
  std::vector<int> assigned;
  for (size_t k = 0; k < articles.size(); ++k) {
    const StoryVector v = MakeStoryVector(articles[k].terms, df, options);
    const StoryClusterer::Decision d = clusterer.Assign(v, stories);
    int story = d.story;
    if (story < 0) {
      story = static_cast<int>(stories.size());
      stories.emplace_back();
      stories.back().story_id = absl::StrCat("s", story);
    }
    AddToStory(stories[story], absl::StrCat(k), v, options);
    assigned.push_back(story);
  }
  int both = 0, predicted = 0, gold = 0;
  for (size_t i = 0; i < articles.size(); ++i) {
    for (size_t j = i + 1; j < articles.size(); ++j) {
      const bool same_gold = articles[i].event == articles[j].event;
      const bool same_predicted = assigned[i] == assigned[j];
      both += same_gold && same_predicted;
      predicted += same_predicted;
      gold += same_gold;
    }
  }
  Scores s;
  s.precision = predicted > 0 ? double(both) / predicted : 1;
  s.recall = gold > 0 ? double(both) / gold : 1;
  s.f1 = s.precision + s.recall > 0 ? 2 * s.precision * s.recall / (s.precision + s.recall) : 0;
  s.stories = stories.size();
  if (show) {
    for (const Story& story : stories) {
      std::cout << story.story_id << " [" << story.label << "]:";
      for (const std::string& id : story.document_ids) {
        std::cout << " " << id << "(" << articles[std::stoi(id)].event << ")";
      }
      std::cout << "\n";
    }
  }
  return s;
}

absl::Status Run() {
  const std::string models = absl::GetFlag(FLAGS_models);
  absl::StatusOr<std::unique_ptr<Pipeline>> pipeline = Pipeline::Load(PipelineOptions{.model_dir = models});
  bool ner = true;
  if (!pipeline.ok()) {
    std::cerr << "NER model not usable (" << pipeline.status() << "); clustering without entities\n";
    ner = false;
    pipeline = Pipeline::Load(PipelineOptions{.model_dir = models, .recognize_entities = false});
    if (!pipeline.ok()) return pipeline.status();
  }
  std::ifstream in(absl::GetFlag(FLAGS_articles));
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read --articles=", absl::GetFlag(FLAGS_articles)));
  std::vector<Article> articles;
  InMemoryDocumentFrequencies df;
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    const size_t tab = line.find('\t');
    if (tab == std::string::npos) return absl::InvalidArgumentError("a line without a tab");
    Article a;
    a.event = line.substr(0, tab);
    const std::string text = line.substr(tab + 1);
    a.terms = CountTerms(text, (*pipeline)->Analyze(text));
    df.Add(a.terms);
    articles.push_back(std::move(a));
  }
  std::cout << articles.size() << " articles, entities " << (ner ? "on" : "off") << "\n\n"
            << "| entity weight | threshold | stories | pair precision | pair recall | pair F1 |\n"
            << "| --- | --- | --- | --- | --- | --- |\n";
  for (double weight : {1.0, 2.0, 3.0}) {
    for (double threshold = 0.05; threshold < 0.601; threshold += 0.025) {
      const Scores s = Cluster(articles, df, {.threshold = threshold, .entity_weight = weight}, false);
      std::cout << absl::StrFormat("| %.0f | %.3f | %d | %.2f | %.2f | %.2f |\n", weight, threshold,
                                   s.stories, s.precision, s.recall, s.f1);
    }
  }
  if (absl::GetFlag(FLAGS_show)) {
    std::cout << "\nstories with the default options:\n";
    Cluster(articles, df, {}, true);
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
