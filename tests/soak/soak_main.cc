// korpus-soak: the four real services on loopback under mixed load at a
// fixed rate for a fixed time (make soak; a short run is the soak_smoke
// test). Articles of real German sentences (bench/corpus_generator) are
// ingested through the gateway while searches run beside them; optionally
// the annotator is killed and restarted at intervals. At the end it checks
// what docs/RELIABILITY.md promises:
//   - no acknowledged article is lost and none is stored twice;
//   - no error other than those injected (calls that fail while an injected
//     fault lasts, plus a grace period for reconnecting);
//   - flat memory: each service's resident memory after the warm-up grows
//     by less than a bound.
// Prints a table (and --json_out), exits 1 if a check fails.
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "bench/corpus_generator.h"
#include "libs/clients/channel.h"
#include "libs/clients/corpus_client.h"
#include "tests/testing/korpus_cluster.h"
#include "tests/testing/service_process.h"

ABSL_FLAG(absl::Duration, duration, absl::Minutes(10), "How long the load runs.");
ABSL_FLAG(double, ingest_rate, 4, "Articles ingested per second (one per call, open loop).");
ABSL_FLAG(double, search_rate, 20, "Searches per second (open loop).");
ABSL_FLAG(int, target_tokens, 400, "Tokens per generated article.");
ABSL_FLAG(absl::Duration, sample_every, absl::Seconds(2),
          "How often each service's resident memory is sampled.");
ABSL_FLAG(double, warmup_fraction, 0.25,
          "Share of the run before memory counts: caches and pools fill first.");
ABSL_FLAG(double, max_rss_growth_mb, 16,
          "Largest allowed growth of a service's resident memory after the warm-up (MB): "
          "the median of the last quarter of samples against the median of the first "
          "quarter after the warm-up.");
ABSL_FLAG(absl::Duration, kill_annotator_every, absl::ZeroDuration(),
          "If set, SIGKILL the annotator at this interval and restart it on its port "
          "after --annotator_down_for.");
ABSL_FLAG(absl::Duration, annotator_down_for, absl::Seconds(2),
          "How long a killed annotator stays down.");
ABSL_FLAG(absl::Duration, fault_grace, absl::Seconds(5),
          "After an injected fault ends, errors still count as injected for this long "
          "(reconnect backoff).");
ABSL_FLAG(std::string, store, "",
          "Storage's --store; empty means SQLite in the work directory.");
ABSL_FLAG(std::string, data_dir, "../shared/data",
          "Directory with ud-german-gsd/ and germeval2014/ (the article sentences).");
ABSL_FLAG(std::string, json_out, "", "Also write the figures to this file as JSON.");
ABSL_FLAG(uint64_t, seed, 11, "Corpus and query seed.");

namespace korpus::soak {
namespace {

using testing::KorpusCluster;

// Resident memory of `pid` in MB from /proc, or -1.
double ResidentMb(pid_t pid) {
  std::ifstream status(absl::StrCat("/proc/", pid, "/status"));
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) {
      std::istringstream fields(line.substr(6));
      double kb = 0;
      fields >> kb;
      return kb / 1024.0;
    }
  }
  return -1;
}

double Median(std::vector<double> values) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

double Percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  return values[std::min(values.size() - 1, static_cast<size_t>(p * values.size()))];
}

// When faults were injected, so that errors inside them (plus a grace
// period) count as injected.
class FaultLog {
 public:
  void Begin(absl::Time at) {
    absl::MutexLock lock(&mu_);
    windows_.push_back({at, absl::InfiniteFuture()});
  }
  void End(absl::Time at) {
    absl::MutexLock lock(&mu_);
    if (!windows_.empty()) windows_.back().second = at;
  }
  bool Covers(absl::Time start, absl::Time end, absl::Duration grace) const {
    absl::MutexLock lock(&mu_);
    for (const auto& [begin, finish] : windows_) {
      if (end >= begin && start <= finish + grace) return true;
    }
    return false;
  }
  int count() const {
    absl::MutexLock lock(&mu_);
    return static_cast<int>(windows_.size());
  }

 private:
  mutable absl::Mutex mu_;
  std::vector<std::pair<absl::Time, absl::Time>> windows_ ABSL_GUARDED_BY(mu_);
};

// Outcomes of one kind of call.
struct CallStats {
  int64_t ok = 0;
  int64_t injected_errors = 0;
  std::map<std::string, int64_t> unexpected_errors;  // by status code name
  std::vector<double> latencies_ms;

  int64_t unexpected() const {
    int64_t total = 0;
    for (const auto& [code, count] : unexpected_errors) total += count;
    return total;
  }
};

struct ServiceMemory {
  std::string name;
  std::vector<std::pair<double, double>> samples;  // (seconds since start, MB)
};

class Soak {
 public:
  Soak(KorpusCluster& cluster, std::string work_dir, const bench::CorpusGenerator& corpus)
      : cluster_(cluster),
        work_dir_(std::move(work_dir)),
        corpus_(corpus),
        client_(MakeChannel(cluster.gateway_address())),
        queries_(corpus.QueryWords(200)) {}

  int Run() {
    const absl::Duration duration = absl::GetFlag(FLAGS_duration);
    start_ = absl::Now();
    end_ = start_ + duration;
    std::thread ingest([this] { IngestLoop(); });
    std::thread search([this] { SearchLoop(); });
    std::thread faults([this] { FaultLoop(); });
    SampleLoop();
    ingest.join();
    search.join();
    faults.join();
    return Verify();
  }

 private:
  static bool Wait(absl::Time until, absl::Time end) {
    const absl::Time now = absl::Now();
    if (until >= end) return false;
    if (until > now) absl::SleepFor(until - now);  // pacing of an open-loop load, not syncing
    return true;
  }

  void Record(CallStats& stats, absl::Time started, const absl::Status& status) {
    const absl::Time finished = absl::Now();
    absl::MutexLock lock(&mu_);
    if (status.ok()) {
      ++stats.ok;
      stats.latencies_ms.push_back(absl::ToDoubleMilliseconds(finished - started));
    } else if (fault_log_.Covers(started, finished, absl::GetFlag(FLAGS_fault_grace))) {
      ++stats.injected_errors;
    } else {
      ++stats.unexpected_errors[absl::StatusCodeToString(status.code())];
      if (first_unexpected_.empty()) first_unexpected_ = status.ToString();
    }
  }

  void IngestLoop() {
    const absl::Duration interval = absl::Seconds(1.0 / absl::GetFlag(FLAGS_ingest_rate));
    for (int64_t i = 0; Wait(start_ + i * interval, end_); ++i) {
      const bench::Article article = corpus_.Generate(i);
      v1::IngestDocumentsRequest request;
      v1::RawArticle* raw = request.add_articles();
      raw->set_content(article.content);
      raw->set_source_uri(article.source_uri);
      const absl::Time started = absl::Now();
      absl::StatusOr<v1::IngestDocumentsResponse> response =
          client_.IngestDocuments(request, {.timeout = absl::Seconds(10)});
      absl::Status status = response.status();
      if (status.ok() && response->results(0).outcome() == v1::INGEST_OUTCOME_REJECTED) {
        status = absl::Status(static_cast<absl::StatusCode>(response->results(0).error().code()),
                              response->results(0).error().message());
      }
      Record(ingest_, started, status);
      if (status.ok()) {
        absl::MutexLock lock(&mu_);
        acknowledged_.push_back(response->results(0).document_id());
      }
    }
  }

  void SearchLoop() {
    std::mt19937_64 random(absl::GetFlag(FLAGS_seed));
    const absl::Duration interval = absl::Seconds(1.0 / absl::GetFlag(FLAGS_search_rate));
    for (int64_t i = 0; Wait(start_ + i * interval, end_); ++i) {
      v1::SearchRequest request;
      request.set_query(queries_[random() % queries_.size()]);
      request.set_page_size(10);
      const absl::Time started = absl::Now();
      Record(search_, started, client_.Search(request, {.timeout = absl::Seconds(5)}).status());
    }
  }

  void FaultLoop() {
    const absl::Duration every = absl::GetFlag(FLAGS_kill_annotator_every);
    if (every <= absl::ZeroDuration()) return;
    for (int n = 1; Wait(start_ + n * every, end_ - every / 2); ++n) {
      fault_log_.Begin(absl::Now());
      {
        absl::MutexLock lock(&cluster_mu_);
        cluster_.annotator().Kill();
      }
      absl::SleepFor(absl::GetFlag(FLAGS_annotator_down_for));  // the injected outage itself
      absl::Status restarted;
      {
        absl::MutexLock lock(&cluster_mu_);
        restarted = cluster_.RestartAnnotator();
      }
      fault_log_.End(absl::Now());
      if (!restarted.ok()) {
        absl::MutexLock lock(&mu_);
        restart_failure_ = restarted.ToString();
        return;
      }
    }
  }

  void SampleLoop() {
    const absl::Duration every = absl::GetFlag(FLAGS_sample_every);
    for (int64_t i = 0; Wait(start_ + i * every, end_); ++i) {
      const double at = absl::ToDoubleSeconds(absl::Now() - start_);
      absl::MutexLock lock(&cluster_mu_);
      Sample("gateway", cluster_.gateway().pid(), at);
      Sample("ingest", cluster_.ingest().pid(), at);
      Sample("annotator", cluster_.annotator().pid(), at);
      Sample("storage", cluster_.storage().pid(), at);
    }
  }

  void Sample(const std::string& name, pid_t pid, double at) {
    const double mb = ResidentMb(pid);
    if (mb < 0) return;
    ServiceMemory& memory = memory_[name];
    memory.name = name;
    memory.samples.push_back({at, mb});
  }

  // Every document in ingestion order (BASIC view).
  absl::StatusOr<std::vector<v1::Document>> StoredDocuments() {
    std::vector<v1::Document> documents;
    v1::ListDocumentsRequest request;
    request.set_page_size(1000);
    while (true) {
      absl::StatusOr<v1::ListDocumentsResponse> page =
          client_.ListDocuments(request, {.timeout = absl::Seconds(30)});
      if (!page.ok()) return page.status();
      for (const v1::Document& document : page->documents()) documents.push_back(document);
      if (page->next_page_token().empty()) return documents;
      request.set_page_token(page->next_page_token());
    }
  }

  // Waits (polling, up to 60 s) until the gateway's reconciler has
  // annotated what the annotator outages left PENDING; accepted articles are
  // stored at once but annotated once the annotator is back.
  void AwaitNothingPending() {
    v1::ListDocumentsRequest request;
    request.set_page_size(1);
    request.set_state(v1::DOCUMENT_STATE_PENDING);
    const absl::Time deadline = absl::Now() + absl::Seconds(60);
    while (absl::Now() < deadline) {
      absl::StatusOr<v1::ListDocumentsResponse> page =
          client_.ListDocuments(request, {.timeout = absl::Seconds(30)});
      if (page.ok() && page->documents_size() == 0) return;
      absl::SleepFor(absl::Milliseconds(200));  // polling interval, bounded by the deadline
    }
  }

  int Verify() {
    AwaitNothingPending();
    absl::MutexLock lock(&mu_);  // the load threads have ended; this only satisfies the annotations
    bool passed = true;
    auto fail = [&passed](const std::string& why) {
      std::printf("FAIL: %s\n", why.c_str());
      passed = false;
    };
    absl::StatusOr<std::vector<v1::Document>> stored = StoredDocuments();
    if (!stored.ok()) {
      fail(absl::StrCat("listing the stored documents: ", stored.status().ToString()));
      stored = std::vector<v1::Document>();
    }
    std::map<std::string, int> copies;
    int64_t not_annotated = 0;
    for (const v1::Document& document : *stored) {
      ++copies[document.id()];
      if (document.state() != v1::DOCUMENT_STATE_ANNOTATED) ++not_annotated;
    }
    int64_t lost = 0;
    int64_t twice = 0;
    for (const auto& [id, count] : copies) twice += count > 1 ? 1 : 0;
    for (const std::string& id : acknowledged_) lost += copies.count(id) == 0 ? 1 : 0;

    const double seconds = absl::ToDoubleSeconds(end_ - start_);
    std::printf("\nkorpus-soak: %.0f s, %d injected fault(s)\n", seconds, fault_log_.count());
    std::printf("%-8s %10s %10s %10s %12s %10s %10s\n", "calls", "ok", "injected", "unexpected",
                "rate (/s)", "p50 ms", "p99 ms");
    for (const auto& [name, stats] : {std::pair<const char*, CallStats*>{"ingest", &ingest_},
                                      {"search", &search_}}) {
      std::printf("%-8s %10lld %10lld %10lld %12.1f %10.1f %10.1f\n", name,
                  static_cast<long long>(stats->ok), static_cast<long long>(stats->injected_errors),
                  static_cast<long long>(stats->unexpected()), stats->ok / seconds,
                  Percentile(stats->latencies_ms, 0.5), Percentile(stats->latencies_ms, 0.99));
    }
    std::printf("documents: %zu acknowledged, %zu stored, %lld lost, %lld stored twice, "
                "%lld not annotated\n",
                acknowledged_.size(), stored->size(), static_cast<long long>(lost),
                static_cast<long long>(twice), static_cast<long long>(not_annotated));

    // Memory: the first and last quarter of the samples after the warm-up.
    const double warmup = seconds * absl::GetFlag(FLAGS_warmup_fraction);
    std::printf("%-10s %12s %12s %12s %12s\n", "memory MB", "after warmup", "at end", "growth",
                "peak");
    std::string json_memory;
    for (const auto& [name, memory] : memory_) {
      std::vector<double> after;
      double peak = 0;
      for (const auto& [at, mb] : memory.samples) {
        peak = std::max(peak, mb);
        if (at >= warmup) after.push_back(mb);
      }
      const size_t quarter = std::max<size_t>(1, after.size() / 4);
      if (after.size() < 2) continue;
      const double first = Median({after.begin(), after.begin() + quarter});
      const double last = Median({after.end() - quarter, after.end()});
      std::printf("%-10s %12.1f %12.1f %+12.1f %12.1f\n", name.c_str(), first, last, last - first,
                  peak);
      absl::StrAppend(&json_memory, json_memory.empty() ? "" : ", ",
                      absl::StrFormat("\"%s\": {\"after_warmup_mb\": %.1f, \"end_mb\": %.1f, "
                                      "\"peak_mb\": %.1f}",
                                      name, first, last, peak));
      // The annotator restarts when faults are injected: its memory starts
      // over, so only the others are judged then.
      const bool restarted = name == "annotator" && fault_log_.count() > 0;
      if (!restarted && last - first > absl::GetFlag(FLAGS_max_rss_growth_mb)) {
        fail(absl::StrFormat("%s's memory grew by %.1f MB after the warm-up (limit %.1f MB)", name,
                             last - first, absl::GetFlag(FLAGS_max_rss_growth_mb)));
      }
    }

    if (lost > 0) fail(absl::StrCat(lost, " acknowledged document(s) are not stored"));
    if (twice > 0) fail(absl::StrCat(twice, " document(s) are stored more than once"));
    if (not_annotated > 0) fail(absl::StrCat(not_annotated, " document(s) are not annotated"));
    if (ingest_.ok == 0 || search_.ok == 0) fail("no successful ingest or search at all");
    for (const auto& [name, stats] : {std::pair<const char*, CallStats*>{"ingest", &ingest_},
                                      {"search", &search_}}) {
      for (const auto& [code, count] : stats->unexpected_errors) {
        fail(absl::StrCat(count, " ", name, " call(s) failed with ", code,
                          " outside injected faults"));
      }
    }
    if (!first_unexpected_.empty()) std::printf("first unexpected error: %s\n", first_unexpected_.c_str());
    if (!restart_failure_.empty()) fail(absl::StrCat("restarting the annotator: ", restart_failure_));

    const std::string json_out = absl::GetFlag(FLAGS_json_out);
    if (!json_out.empty()) {
      std::ofstream out(json_out);
      out << absl::StrFormat(
          "{\"seconds\": %.0f, \"faults\": %d, \"acknowledged\": %d, \"stored\": %d, "
          "\"lost\": %d, \"twice\": %d, \"ingest_ok\": %d, \"ingest_injected\": %d, "
          "\"ingest_unexpected\": %d, \"ingest_p50_ms\": %.1f, \"ingest_p99_ms\": %.1f, "
          "\"search_ok\": %d, \"search_injected\": %d, \"search_unexpected\": %d, "
          "\"search_p50_ms\": %.1f, \"search_p99_ms\": %.1f, \"memory\": {%s}, \"passed\": %s}\n",
          seconds, fault_log_.count(), acknowledged_.size(), stored->size(), lost, twice,
          ingest_.ok, ingest_.injected_errors, ingest_.unexpected(),
          Percentile(ingest_.latencies_ms, 0.5), Percentile(ingest_.latencies_ms, 0.99), search_.ok,
          search_.injected_errors, search_.unexpected(), Percentile(search_.latencies_ms, 0.5),
          Percentile(search_.latencies_ms, 0.99), json_memory, passed ? "true" : "false");
    }
    if (!passed) {
      for (const char* service : {"gateway", "ingest", "annotator", "storage"}) {
        std::printf("--- end of %s.log\n%s\n", service,
                    testing::TailOfFile(absl::StrCat(work_dir_, "/", service, ".log"), 1500).c_str());
      }
    }
    std::printf("%s\n", passed ? "PASSED" : "FAILED");
    return passed ? 0 : 1;
  }

  KorpusCluster& cluster_;
  const std::string work_dir_;  // the services' logs
  const bench::CorpusGenerator& corpus_;
  CorpusClient client_;
  const std::vector<std::string> queries_;
  absl::Time start_;
  absl::Time end_;
  FaultLog fault_log_;
  absl::Mutex mu_;
  CallStats ingest_ ABSL_GUARDED_BY(mu_);
  CallStats search_ ABSL_GUARDED_BY(mu_);
  std::vector<std::string> acknowledged_ ABSL_GUARDED_BY(mu_);
  std::string first_unexpected_ ABSL_GUARDED_BY(mu_);
  std::string restart_failure_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, ServiceMemory> memory_;  // the sampling thread's
  // The cluster's processes are replaced when the annotator restarts.
  absl::Mutex cluster_mu_;
};

int Main() {
  absl::StatusOr<bench::CorpusGenerator> corpus = bench::CorpusGenerator::Load(
      {.data_dir = absl::GetFlag(FLAGS_data_dir), .target_tokens = absl::GetFlag(FLAGS_target_tokens),
       .seed = absl::GetFlag(FLAGS_seed)});
  if (!corpus.ok()) {
    std::fprintf(stderr, "korpus-soak: %s\n", corpus.status().ToString().c_str());
    return 2;
  }
  testing::TempDir dir;
  absl::StatusOr<std::unique_ptr<KorpusCluster>> cluster = KorpusCluster::Start(
      {.work_dir = dir.path(),
       .store_spec = absl::GetFlag(FLAGS_store),
       // The reconciler annotates what an annotator kill left PENDING.
       .gateway_args = {"--reconcile_interval=500ms", "--reconcile_max_backoff=2s",
                        "--reconcile_min_age=1s"}});
  if (!cluster.ok()) {
    std::fprintf(stderr, "korpus-soak: starting the services: %s\n",
                 cluster.status().ToString().c_str());
    return 2;
  }
  Soak soak(**cluster, dir.path(), *corpus);
  return soak.Run();
}

}  // namespace
}  // namespace korpus::soak

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "Runs the korpus services under mixed ingest and search load at a fixed rate and "
      "checks that nothing is lost, no error but the injected ones occurs and memory stays "
      "flat.\n  korpus-soak --duration=10m [--kill_annotator_every=60s]");
  absl::ParseCommandLine(argc, argv);
  return korpus::soak::Main();
}
