// Throughput of the German NLP pipeline (libs/nlp) on one core, in tokens
// per second, over real German text: the `# text` lines of UD German GSD
// test joined into paragraphs (eight sentences each, a blank line between),
// analysed with the corpus' default tokenization. ICU's word BreakIterator
// (locale "de") over the same text is the baseline.
//
//   nlp_benchmark [--gsd_test=PATH] [--models=DIR] [benchmark flags]
//
// --gsd_test (env KORPUS_GSD_TEST; default ../shared/data/ud-german-gsd/
// de_gsd-ud-test.conllu) and --models (env KORPUS_MODEL_DIR; default
// models) are relative paths looked up from the working directory and its
// parents, so the program runs from the repository root or a build
// directory below it. Report medians with
//   --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include <unicode/brkiter.h>
#include <unicode/locid.h>
#include <unicode/unistr.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "benchmark/benchmark.h"
#include "libs/nlp/conllu.h"
#include "libs/nlp/lemmatizer.h"
#include "libs/nlp/lexicon.h"
#include "libs/nlp/morphologizer.h"
#include "libs/nlp/pipeline.h"
#include "libs/nlp/sentence_classifier.h"
#include "libs/nlp/tagger.h"
#include "libs/nlp/tokenizer.h"

namespace korpus::nlp {
namespace {

std::string gsd_test_flag = "../shared/data/ud-german-gsd/de_gsd-ud-test.conllu";
std::string models_flag = "models";

// `path` itself if absolute or present; else the first parent of the
// working directory under which it exists; else `path` unchanged.
std::string Locate(const std::string& path) {
  namespace fs = std::filesystem;
  if (fs::path(path).is_absolute() || fs::exists(path)) return path;
  std::error_code error;
  for (fs::path dir = fs::current_path(error); !dir.empty(); dir = dir.parent_path()) {
    if (fs::exists(dir / path)) return (dir / path).string();
    if (dir == dir.parent_path()) break;
  }
  return path;
}

// Everything the benchmarks share, loaded once.
struct Fixture {
  std::string text;
  int64_t tokens = 0;  // tokens of `text` under the default tokenizer
  std::unique_ptr<Pipeline> pipeline;  // all models except NER
  std::unique_ptr<Lexicon> lexicon;
  std::unique_ptr<Tagger> tagger;
  std::unique_ptr<Lemmatizer> lemmatizer;
  std::unique_ptr<Morphologizer> morphologizer;
  std::unique_ptr<SentenceClassifier> sentences;
  // Sentences as syntactic words (contractions expanded), with their tags,
  // for the tagger and lemmatizer benchmarks.
  std::vector<std::vector<std::string_view>> sentence_words;
  std::vector<std::vector<std::string_view>> sentence_xpos;
  std::vector<std::pair<std::string_view, std::string_view>> word_upos;
  AnalyzedText analysis;
  std::string error;
};

const Fixture& Get() {
  static const Fixture* fixture = [] {
    auto* f = new Fixture();
    const std::string gold_path = Locate(gsd_test_flag);
    absl::StatusOr<std::vector<ConlluSentence>> gold = ReadConlluFile(gold_path);
    if (!gold.ok()) {
      f->error = "cannot read --gsd_test=" + gold_path;
      return f;
    }
    for (size_t s = 0; s < gold->size(); ++s) {
      if (s > 0) f->text += s % 8 == 0 ? "\n\n" : " ";
      f->text += (*gold)[s].text;
    }
    const std::string dir = Locate(models_flag);
    PipelineOptions options{.model_dir = dir};
    options.recognize_entities = false;
    absl::StatusOr<std::unique_ptr<Pipeline>> pipeline = Pipeline::Load(options);
    absl::StatusOr<Lexicon> lexicon = Lexicon::Load(dir + "/de_lexicon.bin");
    absl::StatusOr<Tagger> tagger = Tagger::Load(dir + "/de_tagger.bin");
    absl::StatusOr<Lemmatizer> lemmatizer = Lemmatizer::Load(dir + "/de_lemmatizer.bin");
    absl::StatusOr<Morphologizer> morphologizer = Morphologizer::Load(dir + "/de_morph.bin");
    absl::StatusOr<SentenceClassifier> sentences =
        SentenceClassifier::Load(dir + "/de_sentences.bin");
    for (const absl::Status& status : {pipeline.status(), lexicon.status(), tagger.status(),
                                       lemmatizer.status(), morphologizer.status(),
                                       sentences.status()}) {
      if (!status.ok()) {
        f->error = std::string(status.message());
        return f;
      }
    }
    f->pipeline = *std::move(pipeline);
    f->lexicon = std::make_unique<Lexicon>(*std::move(lexicon));
    f->tagger = std::make_unique<Tagger>(*std::move(tagger));
    f->lemmatizer = std::make_unique<Lemmatizer>(*std::move(lemmatizer));
    f->morphologizer = std::make_unique<Morphologizer>(*std::move(morphologizer));
    f->sentences = std::make_unique<SentenceClassifier>(*std::move(sentences));
    f->analysis = f->pipeline->Analyze(f->text);
    f->tokens = static_cast<int64_t>(f->analysis.tokens.size());
    const AnalyzedText& a = f->analysis;
    for (const Sentence& sentence : a.sentences) {
      std::vector<std::string_view> words, xpos;
      for (uint32_t w = a.token_words[sentence.first_token];
           w < a.token_words[sentence.first_token + sentence.token_count]; ++w) {
        words.push_back(a.words[w].form);
        xpos.push_back(a.words[w].xpos);
        f->word_upos.emplace_back(a.words[w].form, a.words[w].upos);
      }
      f->sentence_words.push_back(std::move(words));
      f->sentence_xpos.push_back(std::move(xpos));
    }
    return f;
  }();
  return *fixture;
}

// Runs the benchmark body unless loading failed; reports tokens/s of the
// whole text per iteration.
template <typename Body>
void Run(benchmark::State& state, Body body) {
  const Fixture& f = Get();
  if (!f.error.empty()) {
    state.SkipWithError(f.error.c_str());
    return;
  }
  for (auto _ : state) body(f);
  state.counters["tokens"] = static_cast<double>(f.tokens);
  state.counters["tokens_per_second"] = benchmark::Counter(
      static_cast<double>(f.tokens) * static_cast<double>(state.iterations()),
      benchmark::Counter::kIsRate);
}

void BM_Tokenize(benchmark::State& state) {
  std::vector<Token> tokens;
  Run(state, [&](const Fixture& f) {
    f.pipeline->tokenizer().TokenizeInto(f.text, tokens);
    benchmark::DoNotOptimize(tokens.data());
  });
}
BENCHMARK(BM_Tokenize)->Unit(benchmark::kMillisecond);

void BM_SplitSentencesRules(benchmark::State& state) {
  std::vector<Sentence> sentences;
  Run(state, [&](const Fixture& f) {
    f.pipeline->tokenizer().SplitSentences(f.text, f.analysis.tokens, sentences);
    benchmark::DoNotOptimize(sentences.data());
  });
}
BENCHMARK(BM_SplitSentencesRules)->Unit(benchmark::kMillisecond);

// The default: the trained classifier (which runs the rules first).
void BM_SplitSentencesModel(benchmark::State& state) {
  std::vector<Sentence> sentences;
  Run(state, [&](const Fixture& f) {
    f.sentences->Split(f.text, f.analysis.tokens, f.pipeline->tokenizer(), f.lexicon.get(),
                       sentences);
    benchmark::DoNotOptimize(sentences.data());
  });
}
BENCHMARK(BM_SplitSentencesModel)->Unit(benchmark::kMillisecond);

void BM_Tag(benchmark::State& state) {
  std::vector<int> tags;
  Run(state, [&](const Fixture& f) {
    for (const std::vector<std::string_view>& words : f.sentence_words) {
      f.tagger->Tag(words, {}, f.lexicon.get(), tags);
      benchmark::DoNotOptimize(tags.data());
    }
  });
}
BENCHMARK(BM_Tag)->Unit(benchmark::kMillisecond);

void BM_Lemmatize(benchmark::State& state) {
  Run(state, [&](const Fixture& f) {
    for (const auto& [form, upos] : f.word_upos) {
      benchmark::DoNotOptimize(f.lemmatizer->Lemmatize(form, upos, f.lexicon.get()));
    }
  });
}
BENCHMARK(BM_Lemmatize)->Unit(benchmark::kMillisecond);

void BM_Features(benchmark::State& state) {
  std::vector<std::string_view> feats;
  Run(state, [&](const Fixture& f) {
    for (size_t s = 0; s < f.sentence_words.size(); ++s) {
      f.morphologizer->Predict(f.sentence_words[s], f.sentence_xpos[s], f.lexicon.get(), feats);
      benchmark::DoNotOptimize(feats.data());
    }
  });
}
BENCHMARK(BM_Features)->Unit(benchmark::kMillisecond);

// Tokenize + split + contractions + tag + lemmatize + features: the whole
// Pipeline::Analyze without NER.
void BM_PipelineAnalyze(benchmark::State& state) {
  Run(state, [&](const Fixture& f) { benchmark::DoNotOptimize(f.pipeline->Analyze(f.text)); });
}
BENCHMARK(BM_PipelineAnalyze)->Unit(benchmark::kMillisecond);

// Baseline: ICU's word BreakIterator (locale de) over the same text,
// counting the boundaries (UTF-8 -> UTF-16 conversion included).
void BM_IcuWordBreakIterator(benchmark::State& state) {
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<icu::BreakIterator> words(
      icu::BreakIterator::createWordInstance(icu::Locale("de"), status));
  if (U_FAILURE(status)) {
    state.SkipWithError("ICU word BreakIterator unavailable");
    return;
  }
  Run(state, [&](const Fixture& f) {
    const icu::UnicodeString text = icu::UnicodeString::fromUTF8(
        icu::StringPiece(f.text.data(), static_cast<int32_t>(f.text.size())));
    words->setText(text);
    int64_t boundaries = 0;
    for (int32_t p = words->first(); p != icu::BreakIterator::DONE; p = words->next()) ++boundaries;
    benchmark::DoNotOptimize(boundaries);
  });
}
BENCHMARK(BM_IcuWordBreakIterator)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace korpus::nlp

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (const char* env = std::getenv("KORPUS_GSD_TEST")) korpus::nlp::gsd_test_flag = env;
  if (const char* env = std::getenv("KORPUS_MODEL_DIR")) korpus::nlp::models_flag = env;
  for (int k = 1; k < argc; ++k) {
    const std::string_view arg = argv[k];
    if (arg.substr(0, 11) == "--gsd_test=") {
      korpus::nlp::gsd_test_flag = std::string(arg.substr(11));
    } else if (arg.substr(0, 9) == "--models=") {
      korpus::nlp::models_flag = std::string(arg.substr(9));
    } else {
      std::cerr << "nlp_benchmark: unknown flag " << arg
                << " (own flags: --gsd_test=PATH --models=DIR)\n";
      return 2;
    }
  }
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
