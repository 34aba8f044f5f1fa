// Throughput of the whole annotator on one core, in tokens per second,
// without the RPC: what korpus-annotator does per request
// (AnnotatorServiceImpl::Annotate: Pipeline::Analyze with every model
// including NER, then the v1::Annotations message with code-point offsets),
// over articles of the benchmark corpus (bench/corpus_generator.h: real
// German sentences of GSD and GermEval). ICU's word BreakIterator (locale
// de) over the same texts is the baseline.
//
//   annotator_benchmark [--articles=N] [--models=DIR] [--data_dir=DIR] [benchmark flags]
//
// Defaults: 50 articles of seed 1, the models/ and ../shared/data the build
// was configured with. Medians with
//   --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include <unicode/brkiter.h>
#include <unicode/locid.h>
#include <unicode/unistr.h>

#include <iostream>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/string_view.h"
#include "bench/corpus_generator.h"
#include "benchmark/benchmark.h"
#include "korpus/v1/annotator.pb.h"
#include "libs/nlp/pipeline.h"
#include "services/annotator/annotator_service.h"

namespace korpus::bench {
namespace {

int articles_flag = 50;
std::string models_flag = KORPUS_MODEL_DIR;
std::string data_dir_flag = KORPUS_SHARED_DATA_DIR;

struct Fixture {
  std::vector<std::string> texts;
  int64_t tokens = 0;  // korpus tokens over all texts
  std::unique_ptr<nlp::Pipeline> pipeline;
  std::unique_ptr<AnnotatorServiceImpl> service;
  std::vector<v1::AnnotateRequest> requests;
  std::string error;
};

const Fixture& Get() {
  static const Fixture* fixture = [] {
    auto* f = new Fixture();
    absl::StatusOr<CorpusGenerator> corpus = CorpusGenerator::Load({.data_dir = data_dir_flag});
    absl::StatusOr<std::unique_ptr<nlp::Pipeline>> pipeline =
        nlp::Pipeline::Load({.model_dir = LocatePath(models_flag)});
    if (!corpus.ok() || !pipeline.ok()) {
      f->error = std::string(!corpus.ok() ? corpus.status().message()
                                          : pipeline.status().message());
      return f;
    }
    f->pipeline = *std::move(pipeline);
    f->service = std::make_unique<AnnotatorServiceImpl>(*f->pipeline, AnnotatorConfig());
    for (int i = 0; i < articles_flag; ++i) {
      f->texts.push_back(corpus->Generate(i).content);
      f->tokens += static_cast<int64_t>(f->pipeline->Analyze(f->texts.back()).tokens.size());
      v1::AnnotateRequest request;
      request.mutable_document()->set_text(f->texts.back());
      f->requests.push_back(std::move(request));
    }
    return f;
  }();
  return *fixture;
}

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

// Pipeline::Analyze with every model (NER included).
void BM_AnalyzeWithNer(benchmark::State& state) {
  Run(state, [](const Fixture& f) {
    for (const std::string& text : f.texts) benchmark::DoNotOptimize(f.pipeline->Analyze(text));
  });
}
BENCHMARK(BM_AnalyzeWithNer)->Unit(benchmark::kMillisecond);

// What one Annotate call computes: analysis plus the response message.
void BM_AnnotatorPipeline(benchmark::State& state) {
  Run(state, [](const Fixture& f) {
    for (const v1::AnnotateRequest& request : f.requests) {
      grpc::ServerContext context;
      v1::AnnotateResponse response;
      benchmark::DoNotOptimize(f.service->Annotate(&context, &request, &response).ok());
    }
  });
}
BENCHMARK(BM_AnnotatorPipeline)->Unit(benchmark::kMillisecond);

void BM_IcuWordBreakIterator(benchmark::State& state) {
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<icu::BreakIterator> words(
      icu::BreakIterator::createWordInstance(icu::Locale("de"), status));
  if (U_FAILURE(status)) {
    state.SkipWithError("ICU word BreakIterator unavailable");
    return;
  }
  Run(state, [&](const Fixture& f) {
    for (const std::string& text : f.texts) {
      const icu::UnicodeString unicode = icu::UnicodeString::fromUTF8(
          icu::StringPiece(text.data(), static_cast<int32_t>(text.size())));
      words->setText(unicode);
      int64_t boundaries = 0;
      for (int32_t p = words->first(); p != icu::BreakIterator::DONE; p = words->next()) {
        ++boundaries;
      }
      benchmark::DoNotOptimize(boundaries);
    }
  });
}
BENCHMARK(BM_IcuWordBreakIterator)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace korpus::bench

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  for (int k = 1; k < argc; ++k) {
    const absl::string_view arg = argv[k];
    if (arg.substr(0, 11) == "--articles=" &&
        absl::SimpleAtoi(arg.substr(11), &korpus::bench::articles_flag) &&
        korpus::bench::articles_flag > 0) {
      continue;
    } else if (arg.substr(0, 9) == "--models=") {
      korpus::bench::models_flag = std::string(arg.substr(9));
    } else if (arg.substr(0, 11) == "--data_dir=") {
      korpus::bench::data_dir_flag = std::string(arg.substr(11));
    } else {
      std::cerr << "annotator_benchmark: bad flag " << arg
                << " (own flags: --articles=N>0 --models=DIR --data_dir=DIR)\n";
      return 2;
    }
  }
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
