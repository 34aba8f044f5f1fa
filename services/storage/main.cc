// korpus-storage: serves korpus.v1.StorageService over a document store.
#include <malloc.h>

#include <cstdio>
#include <memory>
#include <string>

#include "absl/flags/flag.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "korpus/v1/storage.grpc.pb.h"
#include "libs/nlp/decompound.h"
#include "libs/server/logging.h"
#include "libs/server/metrics.h"
#include "libs/server/process.h"
#include "libs/server/server.h"
#include "libs/store/store.h"
#include "prometheus/gauge.h"
#include "prometheus/registry.h"
#include "services/storage/storage_service.h"
#include "spdlog/spdlog.h"

ABSL_FLAG(std::string, store, "sqlite:korpus.db",
          "Where documents are stored (env KORPUS_STORE): sqlite:PATH for an SQLite database "
          "file (created and migrated at start-up), sqlite::memory: for a throw-away "
          "in-memory database, or postgresql://USER[:PASSWORD]@HOST:PORT/DATABASE[?PARAMS] "
          "for a PostgreSQL database (the URI is passed to libpq as it is, so sslmode, "
          "connect_timeout and the other libpq parameters work; the database must exist, "
          "with UTF-8 encoding and locale; its tables are created and migrated at start-up). "
          "Move a corpus between them with korpusctl export | korpusctl import.");
ABSL_FLAG(int, sqlite_readers, 4,
          "SQLite only: read-only database connections, i.e. how many reads (Get, List, "
          "Search, Stats, entities) run at once; each may cache about 2 MB of pages "
          "(env KORPUS_SQLITE_READERS).");

ABSL_FLAG(std::string, model_dir, "models",
          "Directory of the NLP models (env KORPUS_MODEL_DIR); storage reads de_lexicon.bin "
          "from it for German-aware search (inflected forms and compound parts, see "
          "docs/QUERY.md). If the file is missing, search matches the annotations' lemmas and "
          "whole words only (a warning is logged).");

namespace {

struct StorageConfig {
  std::string store_spec;
  korpus::store::OpenStoreOptions store_options;
  std::string model_dir;
};

// The search lexicon of `model_dir`, or null (with a warning) if the
// directory has none; other errors (a corrupt file) fail.
absl::StatusOr<std::shared_ptr<const korpus::nlp::SearchLexicon>> LoadSearchLexicon(
    const std::string& model_dir) {
  const std::string path = absl::StrCat(model_dir, "/de_lexicon.bin");
  absl::StatusOr<korpus::nlp::SearchLexicon> lexicon = korpus::nlp::SearchLexicon::Load(path);
  if (absl::IsNotFound(lexicon.status())) {
    spdlog::warn("no search lexicon at {}: German lemma and compound search is off", path);
    return nullptr;
  }
  if (!lexicon.ok()) return lexicon.status();
  // Loading allocates about twice what the lexicon keeps; give the rest back.
  malloc_trim(0);
  return std::make_shared<const korpus::nlp::SearchLexicon>(*std::move(lexicon));
}

absl::Status Validate(const StorageConfig& config) {
  if (config.store_spec.empty()) return absl::InvalidArgumentError("--store is empty");
  if (config.store_options.sqlite_reader_connections < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("--sqlite_readers must be at least 1, got ",
                     config.store_options.sqlite_reader_connections));
  }
  return absl::OkStatus();
}

}  // namespace

int main(int argc, char** argv) {
  korpus::InitProcess(argc, argv,
                      {.name = "storage",
                       .description = "Stores documents and annotations and "
                                      "serves them, with full-text search (korpus.v1."
                                      "StorageService). Default address 127.0.0.1:50054."});
  StorageConfig config{
      .store_spec = absl::GetFlag(FLAGS_store),
      .store_options = {.sqlite_reader_connections = absl::GetFlag(FLAGS_sqlite_readers)},
      .model_dir = absl::GetFlag(FLAGS_model_dir)};
  if (absl::Status status = Validate(config); !status.ok()) {
    spdlog::critical("invalid configuration: {}", status);
    return 2;
  }
  absl::StatusOr<std::shared_ptr<const korpus::nlp::SearchLexicon>> lexicon =
      LoadSearchLexicon(config.model_dir);
  if (!lexicon.ok()) {
    spdlog::critical("cannot load the search lexicon from --model_dir={}: {}", config.model_dir,
                     lexicon.status());
    return 1;
  }
  config.store_options.search_lexicon = *std::move(lexicon);
  // Opened, and migrated, before serving: a broken store never reports SERVING.
  absl::StatusOr<std::unique_ptr<korpus::store::Store>> store =
      korpus::store::OpenStore(config.store_spec, config.store_options);
  if (!store.ok()) {
    spdlog::critical("cannot open store {}: {}",
                     korpus::store::RedactStoreSpec(config.store_spec), store.status());
    return 1;
  }
  spdlog::info("opened store {}", korpus::store::RedactStoreSpec(config.store_spec));
  // Documents per pipeline state, counted by the store at each scrape (a
  // count query; the store outlives the metrics endpoint, which
  // ServeUntilSignalled stops before returning).
  auto& documents = prometheus::BuildGauge()
                        .Name("korpus_documents")
                        .Help("Documents in the store, by pipeline state.")
                        .Register(korpus::MetricsRegistry());
  korpus::OnScrape([&documents, &store = **store] {
    absl::StatusOr<korpus::v1::CorpusStats> stats = store.Stats();
    if (!stats.ok()) return;  // The previous values stay; the scrape still answers.
    documents.Add({{"state", "pending"}}).Set(static_cast<double>(stats->pending_count()));
    documents.Add({{"state", "annotated"}}).Set(static_cast<double>(stats->annotated_count()));
    documents.Add({{"state", "failed"}}).Set(static_cast<double>(stats->failed_count()));
  });
  korpus::StorageServiceImpl service(**store);
  return korpus::ServeUntilSignalled(
      korpus::ServerOptionsFromFlags("storage", "127.0.0.1:50054"),
      {{&service, korpus::v1::StorageService::service_full_name()}});
}
