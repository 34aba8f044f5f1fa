// korpus-bench-e2e: the end-to-end, serving, memory and growth benchmarks
// of `make bench` (docs/BENCHMARKS.md), on the real binaries over loopback
// (tests/testing/korpus_cluster.h), with a corpus of real German sentences
// (bench/corpus_generator.h). Writes one JSON object (--json_out) that
// bench/report.py turns into the table.
//
// Phases:
//  1. One annotator: stream --articles articles through the gateway
//     (--streams concurrent StreamIngestDocuments calls): articles/s and
//     tokens/s; then --latency_articles fresh articles one at a time
//     (unary IngestDocuments): round-trip p50/p99.
//  2. Serving on that corpus: GetDocument (random ids, BASIC and FULL view)
//     and Search (--query_words frequent nouns) under the closed-loop load
//     generator (bench/load_generator.h), and korpus-bench-echo, the same
//     bootstrap doing nothing, as the ceiling, in the same run; also the
//     echo behind a relay that forwards like the gateway (two hops).
//  3. Memory: peak resident memory (VmHWM) of every service over phases 1
//     and 2, and resident memory (VmRSS) idle after start and after the run.
//  4. Growth, with --growth_annotators annotators: ingest up to each size
//     of --growth (cumulative, one cluster), measuring that step's ingest
//     rate and Search at that size.
#include <signal.h>
#include <unistd.h>

#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <mutex>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "bench/corpus_generator.h"
#include "bench/load_generator.h"
#include "korpus/bench/echo.grpc.pb.h"
#include "korpus/v1/corpus.grpc.pb.h"
#include "libs/clients/corpus_client.h"
#include "tests/testing/korpus_cluster.h"
#include "tests/testing/service_process.h"

ABSL_FLAG(int, articles, 2000, "Articles streamed in phase 1 (one annotator).");
ABSL_FLAG(int, streams, 4, "Concurrent StreamIngestDocuments calls while ingesting.");
ABSL_FLAG(int, latency_articles, 200, "Fresh articles ingested one at a time for the latency.");
ABSL_FLAG(int, concurrency, 32, "Calls in flight in the serving benchmark.");
ABSL_FLAG(int, channels, 4,
          "Client connections the serving load is spread over (slot i uses connection i mod N).");
ABSL_FLAG(absl::Duration, serve_duration, absl::Seconds(10), "Measured time per serving run.");
ABSL_FLAG(absl::Duration, serve_warmup, absl::Seconds(2), "Warm-up per serving run.");
ABSL_FLAG(std::vector<std::string>, growth, std::vector<std::string>({"500", "2000", "8000", "10000"}),
          "Cumulative corpus sizes of the growth run; empty skips it.");
ABSL_FLAG(int, growth_annotators, 2, "Annotator processes in the growth run.");
ABSL_FLAG(absl::Duration, growth_serve_duration, absl::Seconds(5),
          "Measured Search time at each growth size.");
ABSL_FLAG(int, query_words, 40, "Distinct query words for Search.");
ABSL_FLAG(int, query_offset, 0,
          "Skip this many of the most frequent query words (larger: rarer words, fewer matches).");
ABSL_FLAG(uint64_t, seed, 1, "Corpus seed.");
ABSL_FLAG(int, tokens, 600, "Tokens per article.");
ABSL_FLAG(std::string, data_dir, KORPUS_SHARED_DATA_DIR,
          "Directory with ud-german-gsd/ and germeval2014/.");
ABSL_FLAG(std::string, echo_binary, KORPUS_BENCH_ECHO_BINARY, "Path of korpus-bench-echo.");
ABSL_FLAG(std::string, json_out, "", "Where to write the results (JSON); empty: stdout.");
ABSL_FLAG(absl::Duration, rest_settle, absl::Seconds(2),
          "Idle time before reading resident memory at rest.");

namespace korpus::bench {
namespace {

using Clock = std::chrono::steady_clock;
using testing::KorpusCluster;
using testing::ProcessSpec;
using testing::ServiceProcess;

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

void Progress(const std::string& line) { std::fprintf(stderr, "[bench] %s\n", line.c_str()); }

// A field of /proc/<pid>/status in kB (VmHWM, VmRSS), or -1.
int64_t ProcStatusKb(pid_t pid, const std::string& field) {
  std::ifstream in(absl::StrCat("/proc/", pid, "/status"));
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(field + ":", 0) == 0) {
      int64_t kb = -1;
      std::istringstream fields(line.substr(field.size() + 1));
      fields >> kb;
      return kb;
    }
  }
  return -1;
}

// User + system CPU seconds a process has used so far (/proc/<pid>/stat),
// or -1.
double CpuSeconds(pid_t pid) {
  std::ifstream in(pid == 0 ? std::string("/proc/self/stat") : absl::StrCat("/proc/", pid, "/stat"));
  std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // Fields after the command name (which may contain spaces) in parentheses.
  const size_t close = content.rfind(')');
  if (close == std::string::npos) return -1;
  std::vector<std::string> fields = absl::StrSplit(content.substr(close + 2), ' ');
  // utime and stime are fields 14 and 15 of the line, 12 and 13 after ')'.
  int64_t utime = 0, stime = 0;
  if (fields.size() < 13 || !absl::SimpleAtoi(fields[11], &utime) ||
      !absl::SimpleAtoi(fields[12], &stime)) {
    return -1;
  }
  return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

// A tiny JSON writer: enough for flat objects of numbers, strings and
// nested objects/arrays, written in order.
class Json {
 public:
  Json& Open(const std::string& key = "") { return Raw(key, "{", true); }
  Json& Close() { return End("}"); }
  Json& OpenArray(const std::string& key) { return Raw(key, "[", true); }
  Json& CloseArray() { return End("]"); }
  Json& Number(const std::string& key, double value) {
    return Raw(key, absl::StrFormat("%.6g", value), false);
  }
  Json& Int(const std::string& key, int64_t value) { return Raw(key, absl::StrCat(value), false); }
  Json& String(const std::string& key, const std::string& value) {
    std::string quoted = "\"";
    for (const char c : value) {
      if (c == '"' || c == '\\') quoted += '\\';
      if (static_cast<unsigned char>(c) < 0x20) {
        quoted += ' ';
      } else {
        quoted += c;
      }
    }
    return Raw(key, quoted + "\"", false);
  }
  const std::string& str() const { return out_; }

 private:
  Json& Raw(const std::string& key, const std::string& value, bool opens) {
    if (need_comma_) out_ += ",";
    out_ += "\n" + std::string(depth_ * 2, ' ');
    if (!key.empty()) out_ += "\"" + key + "\": ";
    out_ += value;
    if (opens) ++depth_;
    need_comma_ = !opens;
    return *this;
  }
  Json& End(const char* close) {
    --depth_;
    out_ += "\n" + std::string(depth_ * 2, ' ') + close;
    need_comma_ = true;
    return *this;
  }
  std::string out_;
  int depth_ = 0;
  bool need_comma_ = false;
};

void WriteLoad(Json& json, const std::string& key, const LoadResult& r) {
  json.Open(key)
      .Number("qps", r.qps)
      .Number("p50_ms", r.p50_ms)
      .Number("p99_ms", r.p99_ms)
      .Number("p999_ms", r.p999_ms)
      .Number("max_ms", r.max_ms)
      .Int("calls", r.calls)
      .Int("errors", r.errors);
  if (!r.first_error.empty()) json.String("first_error", r.first_error);
  json.Close();
}

std::string Describe(const LoadResult& r) {
  return absl::StrFormat("%.0f QPS, p50 %.2f ms, p99 %.2f ms, p999 %.2f ms, %d errors%s", r.qps,
                         r.p50_ms, r.p99_ms, r.p999_ms, r.errors,
                         r.first_error.empty() ? "" : " (" + r.first_error + ")");
}

struct IngestRun {
  int64_t articles = 0;  // results received
  int64_t created = 0, duplicates = 0, rejected = 0;
  int64_t tokens = 0;    // token_count of the results
  double seconds = 0;
  std::vector<std::string> ids;  // of CREATED results
  std::string first_rejection;   // error of the first REJECTED result
  absl::Status status;
};

v1::RawArticle ToRaw(const Article& article) {
  v1::RawArticle raw;
  raw.set_content(article.content);
  raw.set_source_uri(article.source_uri);
  raw.set_format(v1::CONTENT_FORMAT_TEXT);
  return raw;
}

// Streams articles [first, last) over `streams` concurrent calls, each
// taking the next article from a shared counter.
IngestRun Ingest(const CorpusClient& client, const CorpusGenerator& corpus, int64_t first,
                 int64_t last, int streams) {
  IngestRun run;
  std::atomic<int64_t> next{first};
  std::mutex mutex;
  std::vector<std::thread> threads;
  const Clock::time_point start = Clock::now();
  for (int s = 0; s < streams; ++s) {
    threads.emplace_back([&] {
      const absl::Status status = client.StreamIngestDocuments(
          [&](v1::RawArticle& article) {
            const int64_t index = next.fetch_add(1);
            if (index >= last) return false;
            article = ToRaw(corpus.Generate(index));
            return true;
          },
          [&](const v1::IngestResult& result) {
            std::lock_guard<std::mutex> lock(mutex);
            ++run.articles;
            run.tokens += result.token_count();
            switch (result.outcome()) {
              case v1::INGEST_OUTCOME_CREATED:
                ++run.created;
                run.ids.push_back(result.document_id());
                break;
              case v1::INGEST_OUTCOME_DUPLICATE:
                ++run.duplicates;
                break;
              default:
                ++run.rejected;
                if (run.first_rejection.empty()) {
                  run.first_rejection = absl::StrCat("article ", result.index(), ": ",
                                                     result.error().message());
                }
                break;
            }
          },
          CallOptions{.timeout = absl::Hours(1)});
      std::lock_guard<std::mutex> lock(mutex);
      if (!status.ok() && run.status.ok()) run.status = status;
    });
  }
  for (std::thread& thread : threads) thread.join();
  run.seconds = SecondsSince(start);
  return run;
}

void WriteIngest(Json& json, const std::string& key, const IngestRun& run) {
  json.Open(key)
      .Int("articles", run.articles)
      .Int("created", run.created)
      .Int("duplicates", run.duplicates)
      .Int("rejected", run.rejected)
      .Int("tokens", run.tokens)
      .Number("seconds", run.seconds)
      .Number("articles_per_second", run.articles / run.seconds)
      .Number("tokens_per_second", run.tokens / run.seconds)
      .Close();
}

std::string Describe(const IngestRun& run) {
  return absl::StrFormat("%d articles (%d created, %d rejected), %d tokens in %.1f s: %.1f "
                         "articles/s, %.0f tokens/s",
                         run.articles, run.created, run.rejected, run.tokens, run.seconds,
                         run.articles / run.seconds, run.tokens / run.seconds) +
         (run.first_rejection.empty() ? "" : "; first rejection: " + run.first_rejection);
}

std::shared_ptr<grpc::Channel> LoadChannel(const std::string& address) {
  grpc::ChannelArguments arguments;
  arguments.SetMaxReceiveMessageSize(64 << 20);
  // Its own connection, not one shared with the other channels to the
  // same address (gRPC shares subchannels between channels by default).
  arguments.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  return grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), arguments);
}

// --channels stubs on separate connections.
template <typename Service>
std::vector<std::unique_ptr<typename Service::Stub>> Stubs(const std::string& address) {
  std::vector<std::unique_ptr<typename Service::Stub>> stubs;
  for (int i = 0; i < std::max(1, absl::GetFlag(FLAGS_channels)); ++i) {
    stubs.push_back(Service::NewStub(LoadChannel(address)));
  }
  return stubs;
}


LoadOptions ServeOptions(absl::Duration duration) {
  return {.concurrency = absl::GetFlag(FLAGS_concurrency),
          .duration = duration,
          .warmup = absl::GetFlag(FLAGS_serve_warmup)};
}

using CorpusStubs = std::vector<std::unique_ptr<v1::CorpusService::Stub>>;

LoadResult LoadGetDocument(const CorpusStubs& stubs, const std::vector<std::string>& ids,
                           v1::DocumentView view, const LoadOptions& options) {
  // Random ids in a fixed order: the same sequence on every run.
  std::vector<std::string> order = ids;
  std::shuffle(order.begin(), order.end(), std::mt19937_64(42));
  return RunClosedLoop(
      options, UnaryCaller<v1::GetDocumentRequest, v1::Document>(
                   [&stubs](int slot, grpc::ClientContext* c, const v1::GetDocumentRequest* q, v1::Document* r,
                          std::function<void(grpc::Status)> done) {
                     stubs[static_cast<size_t>(slot) % stubs.size()]->async()->GetDocument(
                         c, q, r, std::move(done));
                   },
                   [&order, view](int64_t n, v1::GetDocumentRequest& q) {
                     q.set_id(order[static_cast<size_t>(n) % order.size()]);
                     q.set_view(view);
                   },
                   options.concurrency, options.call_timeout));
}

LoadResult LoadSearch(const CorpusStubs& stubs, const std::vector<std::string>& words,
                      const LoadOptions& options) {
  return RunClosedLoop(
      options, UnaryCaller<v1::SearchRequest, v1::SearchResponse>(
                   [&stubs](int slot, grpc::ClientContext* c, const v1::SearchRequest* q, v1::SearchResponse* r,
                          std::function<void(grpc::Status)> done) {
                     stubs[static_cast<size_t>(slot) % stubs.size()]->async()->Search(
                         c, q, r, std::move(done));
                   },
                   [&words](int64_t n, v1::SearchRequest& q) {
                     q.set_query(words[static_cast<size_t>(n) % words.size()]);
                     q.set_page_size(10);
                   },
                   options.concurrency, options.call_timeout));
}

LoadResult LoadEcho(const std::vector<std::unique_ptr<EchoService::Stub>>& stubs,
                    const LoadOptions& options) {
  return RunClosedLoop(
      options, UnaryCaller<EchoRequest, EchoResponse>(
                   [&stubs](int slot, grpc::ClientContext* c, const EchoRequest* q, EchoResponse* r,
                          std::function<void(grpc::Status)> done) {
                     stubs[static_cast<size_t>(slot) % stubs.size()]->async()->Echo(
                         c, q, r, std::move(done));
                   },
                   // A document id's size, as GetDocument's request carries.
                   [](int64_t n, EchoRequest& q) { q.set_payload("d0123456789abcdef01234567"); },
                   options.concurrency, options.call_timeout));
}

struct Services {
  std::vector<std::pair<std::string, ServiceProcess*>> list;
};

// CPU seconds of each service (in ServicesOf order), then of this
// process (the client) last.
std::vector<double> CpuSnapshot(const Services& services) {
  std::vector<double> cpu;
  for (const auto& [name, process] : services.list) cpu.push_back(CpuSeconds(process->pid()));
  cpu.push_back(CpuSeconds(0));
  return cpu;
}

// CPU seconds used per unit of work between two snapshots, per process.
void WriteCpu(Json& json, const std::string& key, const Services& services,
              const std::vector<double>& before, const std::vector<double>& after, double units,
              const std::string& unit) {
  json.Open(key).String("per", unit);
  std::string line = absl::StrCat("CPU ms per ", unit, ":");
  for (size_t i = 0; i <= services.list.size(); ++i) {
    const std::string name = i < services.list.size() ? services.list[i].first : "client";
    const double ms = units > 0 ? (after[i] - before[i]) * 1000 / units : 0;
    json.Number(name, ms);
    absl::StrAppend(&line, absl::StrFormat(" %s %.3f", name, ms));
  }
  json.Close();
  Progress(line);
}

Services ServicesOf(KorpusCluster& cluster) {
  Services s;
  s.list.push_back({"gateway", &cluster.gateway()});
  s.list.push_back({"ingest", &cluster.ingest()});
  for (int i = 0; i < cluster.annotator_count(); ++i) {
    s.list.push_back({cluster.annotator_count() == 1 ? "annotator" : absl::StrCat("annotator", i + 1),
                      &cluster.annotator(i)});
  }
  s.list.push_back({"storage", &cluster.storage()});
  return s;
}

absl::StatusOr<std::unique_ptr<KorpusCluster>> StartCluster(const std::string& dir,
                                                            int annotators) {
  testing::ClusterOptions options;
  options.work_dir = dir;
  options.annotators = annotators;
  // Default flags, as `make run` starts the services (log level info).
  return KorpusCluster::Start(options);
}

int Run() {
  const int articles = absl::GetFlag(FLAGS_articles);
  const int streams = absl::GetFlag(FLAGS_streams);
  absl::StatusOr<CorpusGenerator> corpus =
      CorpusGenerator::Load({.data_dir = absl::GetFlag(FLAGS_data_dir),
                             .target_tokens = absl::GetFlag(FLAGS_tokens),
                             .seed = absl::GetFlag(FLAGS_seed)});
  if (!corpus.ok()) {
    Progress(absl::StrCat("cannot build the corpus: ", corpus.status().ToString()));
    return 1;
  }
  const int query_offset = std::max(0, absl::GetFlag(FLAGS_query_offset));
  std::vector<std::string> words =
      corpus->QueryWords(query_offset + absl::GetFlag(FLAGS_query_words));
  words.erase(words.begin(), words.begin() + std::min<size_t>(query_offset, words.size()));
  if (words.empty()) {
    Progress("no query words left after --query_offset");
    return 2;
  }
  std::vector<int64_t> growth;
  for (const std::string& size : absl::GetFlag(FLAGS_growth)) {
    int64_t n = 0;
    if (!size.empty() && (!absl::SimpleAtoi(size, &n) || n <= 0 ||
                          (!growth.empty() && n <= growth.back()))) {
      Progress(absl::StrCat("--growth must be increasing positive sizes, got ", size));
      return 2;
    }
    if (n > 0) growth.push_back(n);
  }

  Json json;
  json.Open()
      .Int("nproc", std::thread::hardware_concurrency())
      .Int("articles", articles)
      .Int("streams", streams)
      .Int("concurrency", absl::GetFlag(FLAGS_concurrency))
      .Int("channels", absl::GetFlag(FLAGS_channels))
      .Number("serve_seconds", absl::ToDoubleSeconds(absl::GetFlag(FLAGS_serve_duration)))
      .Int("tokens_per_article_target", absl::GetFlag(FLAGS_tokens));
  json.OpenArray("query_words");
  for (const std::string& w : words) json.String("", w);
  json.CloseArray();

  // Phase 1-3: one annotator.
  {
    testing::TempDir dir;
    Progress("phase 1: starting the cluster with one annotator");
    absl::StatusOr<std::unique_ptr<KorpusCluster>> cluster = StartCluster(dir.path(), 1);
    if (!cluster.ok()) {
      Progress(absl::StrCat("cannot start the cluster: ", cluster.status().ToString()));
      return 1;
    }
    Services services = ServicesOf(**cluster);
    std::vector<int64_t> rss_start;
    for (const auto& [name, process] : services.list) {
      rss_start.push_back(ProcStatusKb(process->pid(), "VmRSS"));
    }
    const CorpusClient client(MakeChannel((*cluster)->gateway_address()));

    Progress(absl::StrCat("ingesting ", articles, " articles over ", streams, " streams"));
    const std::vector<double> cpu_before_ingest = CpuSnapshot(services);
    const IngestRun ingest = Ingest(client, *corpus, 0, articles, streams);
    const std::vector<double> cpu_after_ingest = CpuSnapshot(services);
    Progress(Describe(ingest));
    if (!ingest.status.ok() || ingest.created == 0) {
      Progress(absl::StrCat("ingest failed: ", ingest.status.ToString()));
      return 1;
    }
    WriteIngest(json, "e2e_1_annotator", ingest);
    WriteCpu(json, "e2e_1_annotator_cpu_ms", services, cpu_before_ingest, cpu_after_ingest,
             static_cast<double>(ingest.articles), "article");

    // Latency: one fresh article per unary call, one after the other.
    const int latency_articles = absl::GetFlag(FLAGS_latency_articles);
    std::vector<double> latencies;
    int64_t latency_failures = 0;
    for (int i = 0; i < latency_articles; ++i) {
      v1::IngestDocumentsRequest request;
      *request.add_articles() = ToRaw(corpus->Generate(10'000'000 + i));
      const Clock::time_point start = Clock::now();
      absl::StatusOr<v1::IngestDocumentsResponse> response =
          client.IngestDocuments(request, CallOptions{.timeout = absl::Seconds(30)});
      const double ms = SecondsSince(start) * 1000;
      if (response.ok() && response->created_count() == 1) {
        latencies.push_back(ms);
      } else {
        ++latency_failures;
      }
    }
    std::vector<double> sorted = latencies;
    const double p50 = Percentile(sorted, 0.5), p99 = Percentile(sorted, 0.99);
    Progress(absl::StrFormat("single-article round trip: p50 %.1f ms, p99 %.1f ms (%d failed)",
                             p50, p99, latency_failures));
    json.Open("round_trip")
        .Int("articles", static_cast<int64_t>(latencies.size()))
        .Int("failures", latency_failures)
        .Number("p50_ms", p50)
        .Number("p99_ms", p99)
        .Close();

    // Phase 2: serving, and the echo ceiling in the same run.
    Progress("phase 2: serving");
    const CorpusStubs stubs = Stubs<v1::CorpusService>((*cluster)->gateway_address());
    const LoadOptions serve = ServeOptions(absl::GetFlag(FLAGS_serve_duration));
    std::vector<double> cpu[4];
    cpu[0] = CpuSnapshot(services);
    const LoadResult get_basic = LoadGetDocument(stubs, ingest.ids, v1::DOCUMENT_VIEW_BASIC, serve);
    cpu[1] = CpuSnapshot(services);
    Progress("GetDocument BASIC: " + Describe(get_basic));
    const LoadResult get_full = LoadGetDocument(stubs, ingest.ids, v1::DOCUMENT_VIEW_FULL, serve);
    cpu[2] = CpuSnapshot(services);
    Progress("GetDocument FULL: " + Describe(get_full));
    const LoadResult search = LoadSearch(stubs, words, serve);
    cpu[3] = CpuSnapshot(services);
    Progress("Search: " + Describe(search));
    // Warm-up calls are counted in the CPU but not in `calls`: an estimate.
    const double serve_share = absl::ToDoubleSeconds(serve.duration) /
                               absl::ToDoubleSeconds(serve.duration + serve.warmup);

    std::vector<int64_t> hwm;
    for (const auto& [name, process] : services.list) {
      hwm.push_back(ProcStatusKb(process->pid(), "VmHWM"));
    }

    absl::StatusOr<std::unique_ptr<ServiceProcess>> echo = ServiceProcess::Start(
        {.binary = absl::GetFlag(FLAGS_echo_binary), .log_path = dir.path() + "/echo.log"});
    if (!echo.ok()) {
      Progress(absl::StrCat("cannot start the echo server: ", echo.status().ToString()));
      return 1;
    }
    const auto echo_stubs = Stubs<EchoService>((*echo)->address());
    const double echo_cpu_before = CpuSeconds((*echo)->pid()), self_before = CpuSeconds(0);
    const LoadResult echo_result = LoadEcho(echo_stubs, serve);
    const double echo_calls = echo_result.calls / serve_share;
    const double echo_server_ms = (CpuSeconds((*echo)->pid()) - echo_cpu_before) * 1000 / echo_calls;
    const double echo_client_ms = (CpuSeconds(0) - self_before) * 1000 / echo_calls;
    Progress("Echo: " + Describe(echo_result));
    Progress(absl::StrFormat("CPU ms per call: echo server %.3f client %.3f", echo_server_ms,
                             echo_client_ms));

    // The same echo behind a relay that forwards like the gateway (a
    // blocking call per request): the ceiling of a two-hop call of the
    // gateway's structure; and behind a relay on the callback API.
    struct RelayRun {
      LoadResult load;
      double relay_ms = 0, echo_ms = 0, client_ms = 0;
    };
    auto run_relay = [&](bool async) -> absl::StatusOr<RelayRun> {
      ProcessSpec spec{.binary = absl::GetFlag(FLAGS_echo_binary),
                       .args = {absl::StrCat("--relay_to=", (*echo)->address())},
                       .log_path = dir.path() + (async ? "/echo-relay-async.log" : "/echo-relay.log")};
      if (async) spec.args.push_back("--relay_async");
      absl::StatusOr<std::unique_ptr<ServiceProcess>> relay = ServiceProcess::Start(spec);
      if (!relay.ok()) return relay.status();
      const auto relay_stubs = Stubs<EchoService>((*relay)->address());
      const double relay_before = CpuSeconds((*relay)->pid()),
                   echo_before = CpuSeconds((*echo)->pid()), self_before = CpuSeconds(0);
      RelayRun run;
      run.load = LoadEcho(relay_stubs, serve);
      const double calls = run.load.calls / serve_share;
      run.relay_ms = (CpuSeconds((*relay)->pid()) - relay_before) * 1000 / calls;
      run.echo_ms = (CpuSeconds((*echo)->pid()) - echo_before) * 1000 / calls;
      run.client_ms = (CpuSeconds(0) - self_before) * 1000 / calls;
      (void)(*relay)->Stop(SIGTERM);
      Progress(absl::StrCat("Echo behind a ", async ? "callback-API" : "blocking", " relay: ",
                            Describe(run.load)));
      Progress(absl::StrFormat("CPU ms per call: relay %.3f echo %.3f client %.3f", run.relay_ms,
                               run.echo_ms, run.client_ms));
      return run;
    };
    absl::StatusOr<RelayRun> relay = run_relay(false);
    absl::StatusOr<RelayRun> relay_async = run_relay(true);
    if (!relay.ok() || !relay_async.ok()) {
      Progress(absl::StrCat("cannot start the echo relay: ",
                            (!relay.ok() ? relay.status() : relay_async.status()).ToString()));
      return 1;
    }
    (void)(*echo)->Stop(SIGTERM);

    json.Open("serving");
    WriteLoad(json, "get_document_basic", get_basic);
    WriteLoad(json, "get_document_full", get_full);
    WriteLoad(json, "search", search);
    WriteLoad(json, "echo", echo_result);
    WriteLoad(json, "echo_relay", relay->load);
    WriteLoad(json, "echo_relay_async", relay_async->load);
    WriteCpu(json, "get_document_basic_cpu_ms", services, cpu[0], cpu[1],
             get_basic.calls / serve_share, "call");
    WriteCpu(json, "get_document_full_cpu_ms", services, cpu[1], cpu[2],
             get_full.calls / serve_share, "call");
    WriteCpu(json, "search_cpu_ms", services, cpu[2], cpu[3], search.calls / serve_share, "call");
    json.Open("echo_cpu_ms").String("per", "call").Number("echo", echo_server_ms)
        .Number("client", echo_client_ms).Close();
    json.Open("echo_relay_cpu_ms").String("per", "call").Number("relay", relay->relay_ms)
        .Number("echo", relay->echo_ms).Number("client", relay->client_ms).Close();
    json.Open("echo_relay_async_cpu_ms").String("per", "call")
        .Number("relay", relay_async->relay_ms).Number("echo", relay_async->echo_ms)
        .Number("client", relay_async->client_ms).Close();
    json.Int("corpus_documents", ingest.created + static_cast<int64_t>(latencies.size()));
    json.Close();

    // Phase 3: memory. At rest = idle for --rest_settle after all load.
    std::this_thread::sleep_for(absl::ToChronoNanoseconds(absl::GetFlag(FLAGS_rest_settle)));
    json.Open("memory_kb");
    for (size_t i = 0; i < services.list.size(); ++i) {
      const auto& [name, process] = services.list[i];
      const int64_t rest = ProcStatusKb(process->pid(), "VmRSS");
      Progress(absl::StrFormat("%-10s peak %6d MB, at rest after start %5d MB, after the run %5d MB",
                               name, hwm[i] / 1024, rss_start[i] / 1024, rest / 1024));
      json.Open(name)
          .Int("peak", hwm[i])
          .Int("rest_after_start", rss_start[i])
          .Int("rest_after_run", rest)
          .Close();
    }
    json.Close();
  }

  // Phase 4: growth.
  if (!growth.empty()) {
    testing::TempDir dir;
    const int annotators = absl::GetFlag(FLAGS_growth_annotators);
    Progress(absl::StrCat("phase 4: growth with ", annotators, " annotators"));
    absl::StatusOr<std::unique_ptr<KorpusCluster>> cluster = StartCluster(dir.path(), annotators);
    if (!cluster.ok()) {
      Progress(absl::StrCat("cannot start the cluster: ", cluster.status().ToString()));
      return 1;
    }
    const CorpusClient client(MakeChannel((*cluster)->gateway_address()));
    const CorpusStubs stubs = Stubs<v1::CorpusService>((*cluster)->gateway_address());
    json.Int("growth_annotators", annotators);
    json.OpenArray("growth");
    int64_t done = 0;
    std::vector<std::string> ids;
    double total_seconds = 0;
    int64_t total_tokens = 0;
    for (const int64_t size : growth) {
      const IngestRun step = Ingest(client, *corpus, done, size, streams);
      Progress(absl::StrCat("growth to ", size, ": ", Describe(step)));
      if (!step.status.ok()) {
        Progress(absl::StrCat("ingest failed: ", step.status.ToString()));
        return 1;
      }
      done = size;
      total_seconds += step.seconds;
      total_tokens += step.tokens;
      ids.insert(ids.end(), step.ids.begin(), step.ids.end());
      const LoadOptions serve = ServeOptions(absl::GetFlag(FLAGS_growth_serve_duration));
      const LoadResult search = LoadSearch(stubs, words, serve);
      Progress(absl::StrCat("Search at ", size, ": ", Describe(search)));
      // One call at a time: the latency of a search itself, without queueing.
      LoadOptions single = serve;
      single.concurrency = 1;
      const LoadResult search_single = LoadSearch(stubs, words, single);
      Progress(absl::StrCat("Search at ", size, ", one in flight: ", Describe(search_single)));
      const LoadResult get = LoadGetDocument(stubs, ids, v1::DOCUMENT_VIEW_BASIC, serve);
      Progress(absl::StrCat("GetDocument at ", size, ": ", Describe(get)));
      json.Open();
      json.Int("documents", size);
      WriteIngest(json, "ingest_step", step);
      json.Number("cumulative_ingest_seconds", total_seconds)
          .Number("cumulative_articles_per_second", size / total_seconds)
          .Number("cumulative_tokens_per_second", total_tokens / total_seconds);
      WriteLoad(json, "search", search);
      WriteLoad(json, "search_one_in_flight", search_single);
      WriteLoad(json, "get_document_basic", get);
      const int64_t storage_hwm = ProcStatusKb((*cluster)->storage().pid(), "VmHWM");
      json.Int("storage_peak_kb", storage_hwm);
      json.Close();
    }
    json.CloseArray();
  }
  json.Close();

  const std::string out = absl::GetFlag(FLAGS_json_out);
  if (out.empty()) {
    std::printf("%s\n", json.str().c_str());
  } else {
    std::ofstream file(out);
    file << json.str() << "\n";
    if (!file.good()) {
      Progress("cannot write " + out);
      return 1;
    }
  }
  return 0;
}

}  // namespace
}  // namespace korpus::bench

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "End-to-end, serving, memory and growth benchmarks of korpus on loopback "
      "(see docs/BENCHMARKS.md).");
  absl::ParseCommandLine(argc, argv);
  // The services are children of this process; a broken pipe must not end it.
  signal(SIGPIPE, SIG_IGN);
  return korpus::bench::Run();
}
