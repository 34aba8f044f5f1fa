#include "libs/server/metrics.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <exception>
#include <mutex>
#include <thread>
#include <sstream>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "prometheus/collectable.h"
#include "prometheus/exposer.h"
#include "prometheus/gauge.h"
#include "prometheus/metric_family.h"
#include "prometheus/registry.h"
#include "prometheus/text_serializer.h"

namespace korpus {
namespace {

// The registry plus the OnScrape hooks; what the HTTP endpoint collects.
class ProcessMetrics final : public prometheus::Collectable {
 public:
  prometheus::Registry& registry() { return *registry_; }

  void AddHook(std::function<void()> refresh) {
    std::lock_guard<std::mutex> lock(mutex_);
    hooks_.push_back(std::move(refresh));
  }

  std::vector<prometheus::MetricFamily> Collect() const override {
    {
      // One scrape's hooks at a time, so a hook need not guard itself
      // against a concurrent scrape.
      std::lock_guard<std::mutex> lock(mutex_);
      for (const std::function<void()>& hook : hooks_) hook();
    }
    return registry_->Collect();
  }

 private:
  std::shared_ptr<prometheus::Registry> registry_ = std::make_shared<prometheus::Registry>();
  mutable std::mutex mutex_;
  std::vector<std::function<void()>> hooks_;
};

// Shared so that an Exposer can hold it weakly; never destroyed, so that
// metrics recorded by threads still running at exit stay valid.
const std::shared_ptr<ProcessMetrics>& Process() {
  static const auto* metrics = new std::shared_ptr<ProcessMetrics>(std::make_shared<ProcessMetrics>());
  return *metrics;
}

// Connects to 127.0.0.1:port and hangs up, waking a server blocked in poll.
void Poke(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  (void)connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address));
  close(fd);
}

}  // namespace

prometheus::Registry& MetricsRegistry() { return Process()->registry(); }

void OnScrape(std::function<void()> refresh) { Process()->AddHook(std::move(refresh)); }

std::string MetricsText() {
  std::ostringstream out;
  prometheus::TextSerializer().Serialize(out, Process()->Collect());
  return out.str();
}

void SetInfoMetric(const std::string& name, const std::string& help,
                   const std::map<std::string, std::string>& labels) {
  prometheus::BuildGauge().Name(name).Help(help).Register(MetricsRegistry()).Add(labels).Set(1);
}

std::string StatusCodeName(int code) {
  static constexpr const char* kNames[] = {
      "OK",        "CANCELLED",          "UNKNOWN",      "INVALID_ARGUMENT",
      "DEADLINE_EXCEEDED", "NOT_FOUND",  "ALREADY_EXISTS", "PERMISSION_DENIED",
      "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE",
      "UNIMPLEMENTED", "INTERNAL",       "UNAVAILABLE",  "DATA_LOSS",
      "UNAUTHENTICATED"};
  if (code < 0 || code >= static_cast<int>(std::size(kNames))) return "UNKNOWN";
  return kNames[code];
}

std::pair<std::string, std::string> SplitMethodName(std::string_view full_method) {
  const size_t slash = full_method.rfind('/');
  if (full_method.size() < 4 || full_method.front() != '/' || slash == 0 ||
      slash == std::string_view::npos || slash + 1 == full_method.size()) {
    return {"unknown", std::string(full_method)};
  }
  return {std::string(full_method.substr(1, slash - 1)), std::string(full_method.substr(slash + 1))};
}

const std::vector<double>& LatencyBuckets() {
  static const auto* buckets = new std::vector<double>{
      0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
  return *buckets;
}

absl::StatusOr<std::unique_ptr<MetricsServer>> MetricsServer::Start(
    const std::string& listen_address) {
  const size_t colon = listen_address.rfind(':');
  int port = -1;
  if (colon == std::string::npos ||
      !absl::SimpleAtoi(listen_address.substr(colon + 1), &port) || port < 0 || port > 65535) {
    return absl::InvalidArgumentError(absl::StrCat(
        "metrics address '", listen_address, "' is not host:port (e.g. 0.0.0.0:9090)"));
  }
  // civetweb (inside prometheus-cpp) takes an IP literal, not a host name.
  std::string civet_address = listen_address;
  if (civet_address.rfind("localhost:", 0) == 0) civet_address.replace(0, 9, "127.0.0.1");
  // prometheus-cpp reports a failed bind by throwing; this is the one
  // place korpus meets that exception, and it becomes a status here.
  std::unique_ptr<prometheus::Exposer> exposer;
  try {
    exposer = std::make_unique<prometheus::Exposer>(std::vector<std::string>{
        "listening_ports", civet_address, "num_threads", "2",
        // A stalled client may not hold a worker for long.
        "request_timeout_ms", "10000"});
  } catch (const std::exception& error) {
    return absl::UnavailableError(absl::StrCat("cannot serve metrics on ", listen_address,
                                               " (address in use or invalid?): ", error.what()));
  }
  std::shared_ptr<prometheus::Collectable> collectable = Process();
  exposer->RegisterCollectable(collectable);
  const std::vector<int> ports = exposer->GetListeningPorts();
  if (ports.empty() || ports.front() <= 0) {
    return absl::UnavailableError(absl::StrCat("cannot serve metrics on ", listen_address));
  }
  return std::unique_ptr<MetricsServer>(new MetricsServer(std::move(exposer), ports.front()));
}

MetricsServer::MetricsServer(std::unique_ptr<prometheus::Exposer> exposer, int port)
    : exposer_(std::move(exposer)), port_(port) {}

MetricsServer::~MetricsServer() {
  // civetweb's listener notices the stop request only between polls of up
  // to 2 s; connecting wakes it, so that shutdown does not wait for them.
  // (A listener on a non-loopback address alone simply takes the 2 s.)
  std::atomic<bool> stopped{false};
  std::thread waker([this, &stopped] {
    while (!stopped.load()) {
      Poke(port_);
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  });
  exposer_.reset();
  stopped.store(true);
  waker.join();
}

}  // namespace korpus
