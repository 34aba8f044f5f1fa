// Prometheus metrics of a korpus process, through prometheus-cpp (Debian's
// prometheus-cpp-dev): one process-wide registry, and an HTTP endpoint that
// serves it as GET /metrics in the text exposition format 0.0.4.
//
// Every server gets, from libs/server without any code of its own:
//   korpus_rpc_server_handled_total{grpc_service,grpc_method,grpc_code}
//   korpus_rpc_server_handling_seconds{grpc_service,grpc_method,grpc_code}  (histogram)
//   korpus_rpc_server_in_flight{grpc_service,grpc_method}    calls being served now
//   korpus_build_info{service,version} 1
// and every process that calls through libs/clients (the gateway) the same
// three with korpus_rpc_client_ (calls it makes, by backend method), where
// in-flight counts the calls waiting on a backend.
//
// A service adds its own metrics to MetricsRegistry() with prometheus-cpp's
// builders; values that are cheaper to read on demand than to keep up to
// date (document counts in the store, say) are refreshed by an OnScrape
// hook just before each scrape:
//
//   auto& documents = prometheus::BuildGauge().Name("korpus_documents")
//       .Help("...").Register(korpus::MetricsRegistry());
//   korpus::OnScrape([&] { documents.Add({{"state", "pending"}}).Set(n); });
#ifndef KORPUS_LIBS_SERVER_METRICS_H_
#define KORPUS_LIBS_SERVER_METRICS_H_

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace prometheus {
class Exposer;
class Registry;
}  // namespace prometheus

namespace korpus {

// The process-wide registry. Thread-safe (prometheus-cpp's metrics are).
prometheus::Registry& MetricsRegistry();

// Registers `refresh` to run before every scrape (and every
// MetricsText() call), serialised with other hooks. It must be quick and
// thread-safe, and must outlive the process's metrics endpoint: register
// hooks only for objects that live until main returns.
void OnScrape(std::function<void()> refresh);

// The registry in the text exposition format 0.0.4, after running the
// OnScrape hooks: what GET /metrics returns.
std::string MetricsText();

// Sets `name{labels} 1`, the Prometheus convention for facts that are
// labels rather than numbers (a model's name and version, say).
void SetInfoMetric(const std::string& name, const std::string& help,
                   const std::map<std::string, std::string>& labels);

// The name of a gRPC / absl status code as used in the grpc_code label:
// "OK", "INVALID_ARGUMENT", ... ("UNKNOWN" for a number outside 0..16).
std::string StatusCodeName(int code);

// Splits "/korpus.v1.CorpusService/Search" into {"korpus.v1.CorpusService",
// "Search"}; a malformed name gives {"unknown", name}.
std::pair<std::string, std::string> SplitMethodName(std::string_view full_method);

// The histogram buckets of RPC latencies, in seconds: 0.5 ms to 10 s.
const std::vector<double>& LatencyBuckets();

// The HTTP endpoint: GET /metrics on background threads (civetweb, inside
// prometheus-cpp); other paths answer 404.
class MetricsServer {
 public:
  // Starts serving on `listen_address`, host:port (port 0 picks a free
  // port; host 0.0.0.0 listens on every interface). UNAVAILABLE if the
  // address cannot be bound, INVALID_ARGUMENT if it has no port.
  static absl::StatusOr<std::unique_ptr<MetricsServer>> Start(const std::string& listen_address);
  // Stops serving; waits for a scrape in progress.
  ~MetricsServer();

  // The bound port.
  int port() const { return port_; }

 private:
  MetricsServer(std::unique_ptr<prometheus::Exposer> exposer, int port);

  std::unique_ptr<prometheus::Exposer> exposer_;
  int port_;
};

}  // namespace korpus

#endif  // KORPUS_LIBS_SERVER_METRICS_H_
