// korpus-annotator: serves korpus.v1.AnnotatorService.
#include <cstdio>
#include <memory>
#include <optional>

#include "absl/flags/flag.h"
#include "libs/nlp/extract/extract.h"
#include "libs/nlp/pipeline.h"
#include "libs/server/logging.h"
#include "libs/server/metrics.h"
#include "libs/server/process.h"
#include "libs/server/server.h"
#include "services/annotator/annotator_service.h"
#include "spdlog/spdlog.h"

ABSL_FLAG(std::string, model_dir, "models",
          "Directory with the trained model files (env KORPUS_MODEL_DIR). Without "
          "de_sentiment.bin in it the annotator runs without the extraction layers (quotes, "
          "amounts, dates, sentiment, terms).");
ABSL_FLAG(int, max_text_bytes, 4 << 20,
          "Largest text accepted for annotation, in bytes (env KORPUS_MAX_TEXT_BYTES).");

int main(int argc, char** argv) {
  korpus::InitProcess(argc, argv,
                      {.name = "annotator",
                       .description = "German NLP (tokens, sentences and "
                                      "later layers) as the gRPC service "
                                      "korpus.v1.AnnotatorService. Default address "
                                      "127.0.0.1:50053."});
  korpus::AnnotatorConfig config;
  if (absl::GetFlag(FLAGS_max_text_bytes) <= 0) {
    std::fprintf(stderr, "--max_text_bytes must be positive\n");
    return 2;
  }
  config.max_text_bytes = static_cast<size_t>(absl::GetFlag(FLAGS_max_text_bytes));

  // Models load before the server starts, so SERVING means ready.
  absl::StatusOr<std::unique_ptr<korpus::nlp::Pipeline>> pipeline =
      korpus::nlp::Pipeline::Load({.model_dir = absl::GetFlag(FLAGS_model_dir)});
  if (!pipeline.ok()) {
    spdlog::critical("cannot load models from --model_dir={}: {}",
                     absl::GetFlag(FLAGS_model_dir), pipeline.status());
    return 1;
  }
  spdlog::info("loaded pipeline {} {}", (*pipeline)->model_name(), (*pipeline)->model_version());
  korpus::SetInfoMetric("korpus_model_info", "The NLP models this annotator serves with.",
                        {{"name", std::string((*pipeline)->model_name())},
                         {"version", std::string((*pipeline)->model_version())}});

  // The extractors (quotes, amounts, dates, sentiment, terms) need the
  // sentiment lexicon; like the NER model it is optional.
  std::optional<korpus::nlp::Extractor> extractor;
  {
    absl::StatusOr<korpus::nlp::Extractor> loaded =
        korpus::nlp::Extractor::Load(absl::GetFlag(FLAGS_model_dir));
    if (loaded.ok()) {
      extractor.emplace(*std::move(loaded));
      spdlog::info("loaded extractors");
    } else if (absl::IsNotFound(loaded.status())) {
      spdlog::warn("no extraction layers: {}", loaded.status());
    } else {
      spdlog::critical("cannot load the extractors from --model_dir={}: {}",
                       absl::GetFlag(FLAGS_model_dir), loaded.status());
      return 1;
    }
  }

  korpus::AnnotatorServiceImpl service(**pipeline, extractor ? &*extractor : nullptr, config);
  return korpus::ServeUntilSignalled(
      korpus::ServerOptionsFromFlags("annotator", "127.0.0.1:50053"),
      {{&service, korpus::v1::AnnotatorService::service_full_name()}});
}
