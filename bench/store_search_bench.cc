// korpus-bench-store-search: Search straight on an SQLite store, without
// gRPC, from several threads: what the store itself does per search and how
// it scales with reader connections.
//
//   korpus-bench-store-search --db=korpus.db --readers=4 --threads=4 \
//       --words=Jahre,Prozent --duration=5s
//
// Prints QPS, latency percentiles and the process's CPU ms per search.
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "libs/store/sqlite_store.h"

ABSL_FLAG(std::string, db, "", "SQLite database file of a korpus store (opened read-write).");
ABSL_FLAG(int, readers, 4, "SqliteOptions.reader_connections.");
ABSL_FLAG(int, threads, 4, "Threads searching at once (closed loop).");
ABSL_FLAG(std::vector<std::string>, words, {}, "Query words, taken in turn.");
ABSL_FLAG(absl::Duration, duration, absl::Seconds(5), "Measured time.");
ABSL_FLAG(int, page_size, 10, "Hits per search.");

namespace {

double CpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_stime.tv_sec +
         (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  const std::vector<std::string> words = absl::GetFlag(FLAGS_words);
  if (absl::GetFlag(FLAGS_db).empty() || words.empty()) {
    std::fprintf(stderr, "--db and --words are required\n");
    return 2;
  }
  absl::StatusOr<std::unique_ptr<korpus::store::SqliteStore>> store =
      korpus::store::SqliteStore::Open({.path = absl::GetFlag(FLAGS_db),
                                        .reader_connections = absl::GetFlag(FLAGS_readers)});
  if (!store.ok()) {
    std::fprintf(stderr, "%s\n", store.status().ToString().c_str());
    return 1;
  }
  // Warm the caches of every connection.
  for (const std::string& word : words) {
    korpus::v1::SearchRequest request;
    request.set_query(word);
    (void)(*store)->Search(request);
  }
  const int threads = absl::GetFlag(FLAGS_threads);
  std::atomic<int> next{0};
  std::atomic<int> errors{0};
  absl::Mutex mu;
  std::vector<double> latencies;
  const double cpu_before = CpuSeconds();
  const absl::Time start = absl::Now();
  const absl::Time end = start + absl::GetFlag(FLAGS_duration);
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&] {
      std::vector<double> mine;
      while (absl::Now() < end) {
        korpus::v1::SearchRequest request;
        request.set_query(words[next++ % words.size()]);
        request.set_page_size(absl::GetFlag(FLAGS_page_size));
        const absl::Time begin = absl::Now();
        if (!(*store)->Search(request).ok()) ++errors;
        mine.push_back(absl::ToDoubleMilliseconds(absl::Now() - begin));
      }
      absl::MutexLock lock(&mu);
      latencies.insert(latencies.end(), mine.begin(), mine.end());
    });
  }
  for (std::thread& worker : workers) worker.join();
  const double seconds = absl::ToDoubleSeconds(absl::Now() - start);
  const double cpu = CpuSeconds() - cpu_before;
  std::sort(latencies.begin(), latencies.end());
  auto pct = [&](double p) {
    return latencies.empty() ? 0 : latencies[std::min(latencies.size() - 1,
                                                      static_cast<size_t>(p * latencies.size()))];
  };
  std::printf(
      "readers %d threads %d: %zu searches, %.1f QPS, p50 %.2f ms, p99 %.2f ms, CPU %.3f ms per "
      "search, %d errors\n",
      absl::GetFlag(FLAGS_readers), threads, latencies.size(), latencies.size() / seconds,
      pct(0.5), pct(0.99), cpu * 1000 / std::max<size_t>(1, latencies.size()), errors.load());
  return 0;
}
