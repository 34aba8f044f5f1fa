// NER throughput on GermEval 2014 test text (make bench): tokens per second
// on one core, for the NER step alone (feature extraction with lexicon and
// gazetteer lookups, scoring, Viterbi) and with the POS tagging that feeds
// its features. Needs models/de_ner.bin and ../shared/data/germeval2014.
#include <memory>
#include <string>
#include <vector>

#include "benchmark/benchmark.h"
#include "libs/nlp/conllu.h"
#include "libs/nlp/ner_cli.h"
#include "libs/nlp/ner_eval.h"

namespace korpus::nlp {
namespace {

struct Corpus {
  std::unique_ptr<PretokenizedNer> ner;
  std::vector<NerFileSentence> sentences;
  std::vector<std::vector<std::string_view>> words, upos;
  int64_t tokens = 0;
  std::string error;
};

const Corpus& Load() {
  static const Corpus* corpus = [] {
    auto* c = new Corpus();
    absl::StatusOr<std::unique_ptr<PretokenizedNer>> ner = PretokenizedNer::Load(KORPUS_MODEL_DIR);
    absl::StatusOr<std::string> content = ReadFileToString(KORPUS_GERMEVAL_TEST);
    if (!ner.ok() || !content.ok()) {
      c->error = std::string(!ner.ok() ? ner.status().message() : content.status().message());
      return c;
    }
    c->ner = *std::move(ner);
    absl::StatusOr<std::vector<NerFileSentence>> sentences = ParseNerFile(*content, 2);
    if (!sentences.ok()) {
      c->error = std::string(sentences.status().message());
      return c;
    }
    c->sentences = *std::move(sentences);
    for (const NerFileSentence& s : c->sentences) {
      std::vector<std::string_view> words;
      for (const std::vector<std::string>& row : s.rows) words.push_back(row[1]);
      c->tokens += static_cast<int64_t>(words.size());
      c->upos.push_back(c->ner->Upos(words));
      c->words.push_back(std::move(words));
    }
    return c;
  }();
  return *corpus;
}

void BM_NerTag(benchmark::State& state) {
  const Corpus& corpus = Load();
  if (!corpus.error.empty()) {
    state.SkipWithError(corpus.error.c_str());
    return;
  }
  for (auto _ : state) {
    for (size_t s = 0; s < corpus.words.size(); ++s) {
      benchmark::DoNotOptimize(corpus.ner->ner().Tag(corpus.words[s], corpus.upos[s]));
    }
  }
  state.SetItemsProcessed(state.iterations() * corpus.tokens);
}
BENCHMARK(BM_NerTag)->Unit(benchmark::kMillisecond);

void BM_PosAndNerTag(benchmark::State& state) {
  const Corpus& corpus = Load();
  if (!corpus.error.empty()) {
    state.SkipWithError(corpus.error.c_str());
    return;
  }
  for (auto _ : state) {
    for (const std::vector<std::string_view>& words : corpus.words) {
      benchmark::DoNotOptimize(corpus.ner->Tag(words));
    }
  }
  state.SetItemsProcessed(state.iterations() * corpus.tokens);
}
BENCHMARK(BM_PosAndNerTag)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace korpus::nlp

BENCHMARK_MAIN();
