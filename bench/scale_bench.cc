// korpus-bench-scale: the storage service at corpus sizes of 10,000 and
// 100,000 documents, on SQLite and on PostgreSQL (docs/BENCHMARKS.md,
// "Scale"). For each backend a real korpus-storage process is filled
// through gRPC PutDocument (annotated documents from ScaleCorpus) by
// --writers concurrent clients; at each size it measures
//   - write throughput (documents/s over the documents added since the
//     previous size),
//   - search latency p50/p99, one query in flight, for single frequent and
//     rare words, phrases, an entity-filtered query and boolean queries,
//   - the database's size on disk.
// PostgreSQL is a throwaway server with its durable defaults (fsync and
// synchronous commit on); SQLite runs as korpus-storage configures it (WAL,
// synchronous=NORMAL).
#include <sys/stat.h>

#include <csignal>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "bench/corpus_generator.h"
#include "bench/scale_corpus.h"
#include "libs/clients/annotator_client.h"
#include "libs/clients/channel.h"
#include "libs/clients/storage_client.h"
#include "tests/testing/korpus_cluster.h"
#include "tests/testing/postgres_server.h"
#include "tests/testing/service_process.h"

ABSL_FLAG(std::vector<std::string>, sizes, std::vector<std::string>({"10000", "100000"}),
          "Corpus sizes to measure at, ascending (comma-separated).");
ABSL_FLAG(std::vector<std::string>, backends, std::vector<std::string>({"sqlite", "postgresql"}),
          "Backends to measure: sqlite, postgresql.");
ABSL_FLAG(int, writers, 4, "Concurrent PutDocument clients.");
ABSL_FLAG(int, queries, 200, "Queries per query class and size.");
ABSL_FLAG(int, pool_sentences, 6000,
          "Sentences of the corpus pool annotated (by the real annotator) to assemble "
          "documents from.");
ABSL_FLAG(int, target_tokens, 600, "Tokens per document.");
ABSL_FLAG(std::string, data_dir, "../shared/data",
          "Directory with ud-german-gsd/ and germeval2014/.");
ABSL_FLAG(std::string, json_out, "", "Also write the figures to this file as JSON.");
ABSL_FLAG(uint64_t, seed, 5, "Corpus seed.");

namespace korpus::bench {
namespace {

using testing::ProcessSpec;
using testing::ServiceProcess;

void Progress(const std::string& line) {
  std::fprintf(stderr, "[scale] %s\n", line.c_str());
  std::fflush(stderr);
}

double Percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  return values[std::min(values.size() - 1, static_cast<size_t>(p * values.size()))];
}

int64_t FileSize(const std::string& path) {
  struct stat info;
  return stat(path.c_str(), &info) == 0 ? static_cast<int64_t>(info.st_size) : 0;
}

// The pool's sentences, each annotated by a real korpus-annotator.
absl::StatusOr<std::vector<AnnotatedSentence>> AnnotatePool(const CorpusGenerator& generator,
                                                            int count,
                                                            const std::string& work_dir) {
  const testing::BuildPaths& paths = testing::DefaultBuildPaths();
  absl::StatusOr<std::unique_ptr<ServiceProcess>> annotator = ServiceProcess::Start(
      {.binary = paths.annotator,
       .args = {absl::StrCat("--model_dir=", paths.model_dir)},
       .log_path = absl::StrCat(work_dir, "/annotator.log")});
  if (!annotator.ok()) return annotator.status();
  AnnotatorClient client(MakeChannel((*annotator)->address()));
  const std::vector<PoolSentence>& pool = generator.sentences();
  count = std::min<int>(count, static_cast<int>(pool.size()));
  std::vector<AnnotatedSentence> sentences(count);
  std::atomic<int> next{0};
  absl::Mutex mu;
  absl::Status failure;
  auto work = [&] {
    for (int i = next++; i < count; i = next++) {
      // Spread over the pool, which is ordered by source.
      const PoolSentence& source = pool[static_cast<size_t>(i) * pool.size() / count];
      v1::Document document;
      document.set_text(source.text);
      v1::Paragraph* paragraph = document.add_paragraphs();
      paragraph->set_kind(v1::PARAGRAPH_KIND_BODY);
      int32_t code_points = 0;
      for (char c : source.text) code_points += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
      paragraph->set_end(code_points);
      absl::StatusOr<v1::Annotations> annotations =
          client.Annotate(document, {.timeout = absl::Seconds(30)});
      if (!annotations.ok()) {
        absl::MutexLock lock(&mu);
        failure = annotations.status();
        return;
      }
      sentences[i] = {source.text, code_points, *std::move(annotations)};
    }
  };
  std::vector<std::thread> threads;
  for (int t = 0; t < 2; ++t) threads.emplace_back(work);
  for (std::thread& thread : threads) thread.join();
  if (!failure.ok()) return failure;
  return sentences;
}

struct QueryClass {
  std::string name;
  std::vector<v1::SearchRequest> requests;
};

// The query mix, from the corpus: frequent and rare capitalised words,
// adjacent word pairs of pool sentences as phrases, a frequent word filtered
// by the pool's most frequent entity, OR and NOT of rare words.
std::vector<QueryClass> MakeQueries(const CorpusGenerator& generator, const ScaleCorpus& corpus) {
  const std::vector<std::string> words = generator.QueryWords(400);
  std::vector<std::string> frequent(words.begin(), words.begin() + std::min<size_t>(20, words.size()));
  std::vector<std::string> rare(words.begin() + std::min<size_t>(300, words.size()), words.end());
  if (rare.empty()) rare = frequent;

  std::vector<std::string> phrases;
  std::map<std::string, int> entity_counts;
  for (const AnnotatedSentence& sentence : corpus.sentences()) {
    const auto& tokens = sentence.annotations.tokens();
    for (int i = 0; i + 1 < tokens.size() && phrases.size() < 40; i += 7) {
      const std::string& a = tokens[i].text();
      const std::string& b = tokens[i + 1].text();
      if (tokens[i].kind() == v1::TOKEN_KIND_WORD && tokens[i + 1].kind() == v1::TOKEN_KIND_WORD &&
          a.size() >= 4 && b.size() >= 4) {
        phrases.push_back(absl::StrCat("\"", a, " ", b, "\""));
        break;
      }
    }
    for (const v1::DocumentEntity& entity : sentence.annotations.entities()) {
      ++entity_counts[entity.entity_id()];
    }
  }
  std::string top_entity;
  int top_count = 0;
  for (const auto& [id, count] : entity_counts) {
    if (count > top_count) top_entity = id, top_count = count;
  }

  auto request = [](std::string query) {
    v1::SearchRequest r;
    r.set_query(std::move(query));
    r.set_page_size(20);
    return r;
  };
  std::vector<QueryClass> classes(6);
  classes[0].name = "word, frequent";
  classes[1].name = "word, rare";
  classes[2].name = "phrase";
  classes[3].name = "word + entity";
  classes[4].name = "a OR b";
  classes[5].name = "a NOT b";
  for (size_t i = 0; i < 40; ++i) {
    classes[0].requests.push_back(request(frequent[i % frequent.size()]));
    classes[1].requests.push_back(request(rare[i % rare.size()]));
    if (!phrases.empty()) classes[2].requests.push_back(request(phrases[i % phrases.size()]));
    v1::SearchRequest filtered = request(frequent[i % frequent.size()]);
    if (!top_entity.empty()) filtered.add_entity_ids(top_entity);
    classes[3].requests.push_back(filtered);
    classes[4].requests.push_back(
        request(absl::StrCat(rare[i % rare.size()], " OR ", rare[(i + 7) % rare.size()])));
    classes[5].requests.push_back(request(
        absl::StrCat(frequent[i % frequent.size()], " NOT ", frequent[(i + 3) % frequent.size()])));
  }
  return classes;
}

struct SizeResult {
  std::string backend;
  int64_t documents = 0;
  double write_docs_per_second = 0;
  int64_t database_bytes = 0;
  struct Latency {
    std::string query_class;
    double p50_ms = 0;
    double p99_ms = 0;
    double mean_hits = 0;  // total_size
  };
  std::vector<Latency> latencies;
};

class BackendRun {
 public:
  BackendRun(std::string backend, const ScaleCorpus& corpus, std::vector<QueryClass> queries,
             std::string work_dir)
      : backend_(std::move(backend)),
        corpus_(corpus),
        queries_(std::move(queries)),
        work_dir_(std::move(work_dir)) {}

  absl::StatusOr<std::vector<SizeResult>> Run(const std::vector<int64_t>& sizes) {
    std::string store;
    if (backend_ == "sqlite") {
      store = absl::StrCat("sqlite:", work_dir_, "/scale.db");
    } else {
      absl::StatusOr<std::unique_ptr<testing::PostgresServer>> server =
          testing::PostgresServer::Start({.durable = true});
      if (!server.ok()) return server.status();
      postgres_ = *std::move(server);
      if (absl::Status status = postgres_->CreateDatabase("scale"); !status.ok()) return status;
      store = postgres_->Uri("scale");
    }
    absl::StatusOr<std::unique_ptr<ServiceProcess>> storage = ServiceProcess::Start(
        {.binary = testing::DefaultBuildPaths().storage,
         .args = {absl::StrCat("--store=", store),
                  absl::StrCat("--model_dir=", testing::DefaultBuildPaths().model_dir)},
         .log_path = absl::StrCat(work_dir_, "/storage-", backend_, ".log")});
    if (!storage.ok()) return storage.status();
    StorageClient client(MakeChannel((*storage)->address()));

    std::vector<SizeResult> results;
    int64_t stored = 0;
    for (int64_t size : sizes) {
      SizeResult result;
      result.backend = backend_;
      result.documents = size;
      Progress(absl::StrCat(backend_, ": writing documents ", stored, "..", size));
      const absl::Time started = absl::Now();
      if (absl::Status status = Write(client, stored, size); !status.ok()) return status;
      result.write_docs_per_second =
          static_cast<double>(size - stored) / absl::ToDoubleSeconds(absl::Now() - started);
      stored = size;
      Progress(absl::StrFormat("%s: %.0f documents/s; searching", backend_,
                               result.write_docs_per_second));
      for (const QueryClass& query_class : queries_) {
        absl::StatusOr<SizeResult::Latency> latency = Measure(client, query_class);
        if (!latency.ok()) return latency.status();
        result.latencies.push_back(*latency);
      }
      absl::StatusOr<int64_t> bytes = DatabaseBytes();
      if (!bytes.ok()) return bytes.status();
      result.database_bytes = *bytes;
      results.push_back(std::move(result));
    }
    if (absl::Status status = (*storage)->Stop(SIGTERM); !status.ok()) return status;
    return results;
  }

 private:
  absl::Status Write(const StorageClient& client, int64_t from, int64_t to) {
    std::atomic<int64_t> next{from};
    absl::Mutex mu;
    absl::Status failure;
    auto work = [&] {
      for (int64_t i = next++; i < to; i = next++) {
        absl::StatusOr<v1::PutDocumentResponse> put =
            client.PutDocument(corpus_.Generate(i), {.timeout = absl::Seconds(60)});
        if (!put.ok() || !put->created()) {
          absl::MutexLock lock(&mu);
          failure = put.ok() ? absl::InternalError(absl::StrCat("document ", i, " existed"))
                             : put.status();
          return;
        }
      }
    };
    std::vector<std::thread> threads;
    for (int t = 0; t < absl::GetFlag(FLAGS_writers); ++t) threads.emplace_back(work);
    for (std::thread& thread : threads) thread.join();
    return failure;
  }

  absl::StatusOr<SizeResult::Latency> Measure(const StorageClient& client,
                                              const QueryClass& query_class) {
    SizeResult::Latency latency;
    latency.query_class = query_class.name;
    if (query_class.requests.empty()) return latency;
    std::vector<double> millis;
    double hits = 0;
    // One warm-up pass, not counted.
    for (const v1::SearchRequest& request : query_class.requests) {
      if (auto response = client.Search(request, {.timeout = absl::Seconds(30)}); !response.ok()) {
        return absl::Status(response.status().code(),
                            absl::StrCat("query '", request.query(), "': ",
                                         response.status().message()));
      }
    }
    const int count = absl::GetFlag(FLAGS_queries);
    for (int i = 0; i < count; ++i) {
      const v1::SearchRequest& request = query_class.requests[i % query_class.requests.size()];
      const absl::Time started = absl::Now();
      absl::StatusOr<v1::SearchResponse> response =
          client.Search(request, {.timeout = absl::Seconds(30)});
      millis.push_back(absl::ToDoubleMilliseconds(absl::Now() - started));
      if (!response.ok()) return response.status();
      hits += static_cast<double>(response->total_size());
    }
    latency.p50_ms = Percentile(millis, 0.5);
    latency.p99_ms = Percentile(millis, 0.99);
    latency.mean_hits = hits / count;
    return latency;
  }

  absl::StatusOr<int64_t> DatabaseBytes() {
    if (backend_ == "sqlite") {
      const std::string db = absl::StrCat(work_dir_, "/scale.db");
      return FileSize(db) + FileSize(db + "-wal") + FileSize(db + "-shm");
    }
    absl::StatusOr<std::string> bytes =
        postgres_->QueryValue("SELECT pg_database_size('scale')", "scale");
    if (!bytes.ok()) return bytes.status();
    int64_t value = 0;
    if (!absl::SimpleAtoi(*bytes, &value)) return absl::InternalError("pg_database_size");
    return value;
  }

  std::string backend_;
  const ScaleCorpus& corpus_;
  std::vector<QueryClass> queries_;
  std::string work_dir_;
  std::unique_ptr<testing::PostgresServer> postgres_;
};

int Main() {
  std::vector<int64_t> sizes;
  for (const std::string& text : absl::GetFlag(FLAGS_sizes)) {
    int64_t size = 0;
    if (!absl::SimpleAtoi(text, &size) || size < 1 || (!sizes.empty() && size <= sizes.back())) {
      std::fprintf(stderr, "korpus-bench-scale: --sizes must be ascending positive numbers\n");
      return 2;
    }
    sizes.push_back(size);
  }
  absl::StatusOr<CorpusGenerator> generator = CorpusGenerator::Load(
      {.data_dir = absl::GetFlag(FLAGS_data_dir), .seed = absl::GetFlag(FLAGS_seed)});
  if (!generator.ok()) {
    std::fprintf(stderr, "korpus-bench-scale: %s\n", generator.status().ToString().c_str());
    return 2;
  }
  testing::TempDir dir;
  Progress(absl::StrCat("annotating ", absl::GetFlag(FLAGS_pool_sentences), " pool sentences"));
  absl::StatusOr<std::vector<AnnotatedSentence>> pool =
      AnnotatePool(*generator, absl::GetFlag(FLAGS_pool_sentences), dir.path());
  if (!pool.ok()) {
    std::fprintf(stderr, "korpus-bench-scale: annotating: %s\n", pool.status().ToString().c_str());
    return 1;
  }
  absl::StatusOr<ScaleCorpus> corpus =
      ScaleCorpus::Create(*std::move(pool), {.target_tokens = absl::GetFlag(FLAGS_target_tokens),
                                             .seed = absl::GetFlag(FLAGS_seed)});
  if (!corpus.ok()) {
    std::fprintf(stderr, "korpus-bench-scale: %s\n", corpus.status().ToString().c_str());
    return 1;
  }
  const std::vector<QueryClass> queries = MakeQueries(*generator, *corpus);

  std::vector<SizeResult> results;
  for (const std::string& backend : absl::GetFlag(FLAGS_backends)) {
    if (backend != "sqlite" && backend != "postgresql") {
      std::fprintf(stderr, "korpus-bench-scale: unknown backend '%s'\n", backend.c_str());
      return 2;
    }
    BackendRun run(backend, *corpus, queries, dir.path());
    absl::StatusOr<std::vector<SizeResult>> measured = run.Run(sizes);
    if (!measured.ok()) {
      std::fprintf(stderr, "korpus-bench-scale: %s: %s\n", backend.c_str(),
                   measured.status().ToString().c_str());
      return 1;
    }
    results.insert(results.end(), measured->begin(), measured->end());
  }

  std::printf("\n%-11s %9s %10s %9s", "backend", "documents", "writes/s", "db MB");
  for (const QueryClass& query_class : queries) {
    std::printf(" | %-15s", (query_class.name + " p50/p99").c_str());
  }
  std::printf("\n");
  std::string json = "{\"scale\": [";
  for (size_t r = 0; r < results.size(); ++r) {
    const SizeResult& result = results[r];
    std::printf("%-11s %9lld %10.0f %9.1f", result.backend.c_str(),
                static_cast<long long>(result.documents), result.write_docs_per_second,
                static_cast<double>(result.database_bytes) / 1e6);
    absl::StrAppend(&json, r == 0 ? "" : ", ",
                    absl::StrFormat("{\"backend\": \"%s\", \"documents\": %d, "
                                    "\"writes_per_second\": %.1f, \"database_bytes\": %d, "
                                    "\"search\": [",
                                    result.backend, result.documents,
                                    result.write_docs_per_second, result.database_bytes));
    for (size_t q = 0; q < result.latencies.size(); ++q) {
      const SizeResult::Latency& latency = result.latencies[q];
      std::printf(" | %6.2f / %6.2f ", latency.p50_ms, latency.p99_ms);
      absl::StrAppend(&json, q == 0 ? "" : ", ",
                      absl::StrFormat("{\"class\": \"%s\", \"p50_ms\": %.3f, \"p99_ms\": %.3f, "
                                      "\"mean_hits\": %.1f}",
                                      latency.query_class, latency.p50_ms, latency.p99_ms,
                                      latency.mean_hits));
    }
    std::printf("\n");
    json += "]}";
  }
  json += "]}\n";
  std::printf("(search latencies in ms, one query in flight, %d queries per class; "
              "writes by %d concurrent PutDocument clients)\n",
              absl::GetFlag(FLAGS_queries), absl::GetFlag(FLAGS_writers));
  if (const std::string path = absl::GetFlag(FLAGS_json_out); !path.empty()) {
    std::ofstream(path) << json;
  }
  return 0;
}

}  // namespace
}  // namespace korpus::bench

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "Measures korpus-storage at growing corpus sizes on SQLite and PostgreSQL: writes/s, "
      "search latency per query class, database size.\n"
      "  korpus-bench-scale [--sizes=10000,100000] [--backends=sqlite,postgresql]");
  absl::ParseCommandLine(argc, argv);
  return korpus::bench::Main();
}
