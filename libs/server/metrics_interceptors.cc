#include "libs/server/metrics_interceptors.h"

#include <grpcpp/support/client_interceptor.h>
#include <grpcpp/support/server_interceptor.h>
#include <grpcpp/support/status.h>

#include <chrono>
#include <string>
#include <utility>

#include "absl/strings/match.h"
#include "libs/server/logging.h"
#include "libs/server/metrics.h"
#include "libs/server/request_id.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/gauge.h"
#include "prometheus/histogram.h"
#include "prometheus/registry.h"
#include "spdlog/spdlog.h"

namespace korpus {
namespace {

using grpc::experimental::InterceptionHookPoints;
using Clock = std::chrono::steady_clock;

// The three RPC metric families of one side (server or client).
struct RpcFamilies {
  prometheus::Family<prometheus::Counter>& handled;
  prometheus::Family<prometheus::Histogram>& seconds;
  prometheus::Family<prometheus::Gauge>& in_flight;
};

RpcFamilies MakeFamilies(const std::string& side, const std::string& what) {
  prometheus::Registry& registry = MetricsRegistry();
  return RpcFamilies{
      .handled = prometheus::BuildCounter()
                     .Name("korpus_rpc_" + side + "_handled_total")
                     .Help("gRPC calls " + what + " that have completed, by method and status code.")
                     .Register(registry),
      .seconds = prometheus::BuildHistogram()
                     .Name("korpus_rpc_" + side + "_handling_seconds")
                     .Help("Duration of gRPC calls " + what + ", by method and status code.")
                     .Register(registry),
      .in_flight = prometheus::BuildGauge()
                       .Name("korpus_rpc_" + side + "_in_flight")
                       .Help("gRPC calls " + what + " that have started and not completed.")
                       .Register(registry),
  };
}

const RpcFamilies& ServerFamilies() {
  static const RpcFamilies* families = new RpcFamilies(MakeFamilies("server", "served"));
  return *families;
}

const RpcFamilies& ClientFamilies() {
  static const RpcFamilies* families =
      new RpcFamilies(MakeFamilies("client", "made to other services"));
  return *families;
}

// One call's measurement: in flight from Begin() to End(), then counted and
// timed once.
class CallRecord {
 public:
  CallRecord(const RpcFamilies& families, const char* full_method)
      : families_(families), full_method_(full_method != nullptr ? full_method : "") {
    std::tie(service_, method_) = SplitMethodName(full_method_);
  }
  ~CallRecord() {
    // A call that never got a status (its peer went away mid-call) still
    // leaves the in-flight gauge and is counted as cancelled.
    if (started_ && !ended_) End(grpc::StatusCode::CANCELLED);
  }

  void Begin() {
    if (started_) return;
    started_ = true;
    start_ = Clock::now();
    families_.in_flight.Add({{"grpc_service", service_}, {"grpc_method", method_}}).Increment();
  }

  // Returns the call's duration in seconds.
  double End(grpc::StatusCode code) {
    if (!started_ || ended_) return 0;
    ended_ = true;
    const double seconds = std::chrono::duration<double>(Clock::now() - start_).count();
    const std::map<std::string, std::string> labels = {
        {"grpc_service", service_}, {"grpc_method", method_}, {"grpc_code", StatusCodeName(code)}};
    families_.in_flight.Add({{"grpc_service", service_}, {"grpc_method", method_}}).Decrement();
    families_.handled.Add(labels).Increment();
    families_.seconds.Add(labels, LatencyBuckets()).Observe(seconds);
    return seconds;
  }

  const std::string& full_method() const { return full_method_; }
  const std::string& service() const { return service_; }

 private:
  const RpcFamilies& families_;
  std::string full_method_;
  std::string service_;
  std::string method_;
  bool started_ = false;
  bool ended_ = false;
  Clock::time_point start_;
};

class ServerMetricsInterceptor final : public grpc::experimental::Interceptor {
 public:
  explicit ServerMetricsInterceptor(grpc::experimental::ServerRpcInfo* info)
      : record_(ServerFamilies(), info->method()) {}

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::POST_RECV_INITIAL_METADATA)) {
      std::string_view incoming;
      if (auto* metadata = methods->GetRecvInitialMetadata(); metadata != nullptr) {
        if (auto it = metadata->find(kRequestIdMetadataKey); it != metadata->end()) {
          incoming = std::string_view(it->second.data(), it->second.size());
        }
      }
      request_id_ = RequestIdOrNew(incoming);
      // The synchronous server runs the handler on this thread right after
      // the interceptors (see request_id.h).
      SetCurrentRequestId(request_id_);
      record_.Begin();
    }
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_INITIAL_METADATA) &&
        !request_id_.empty()) {
      methods->GetSendInitialMetadata()->emplace(kRequestIdMetadataKey, request_id_);
    }
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_STATUS)) {
      const grpc::Status status = methods->GetSendStatus();
      const double seconds = record_.End(status.error_code());
      const bool quiet = absl::StartsWith(record_.service(), "grpc.health.") ||
                         absl::StartsWith(record_.service(), "grpc.reflection.");
      spdlog::log(quiet ? spdlog::level::debug : spdlog::level::info, "{} {} {:.1f} ms",
                  record_.full_method(), StatusCodeName(status.error_code()), seconds * 1000);
      // Only this call's id is cleared: the handler thread moves on to the
      // next call, whose interceptor sets its own.
      if (CurrentRequestId() == request_id_) SetCurrentRequestId("");
    }
    methods->Proceed();
  }

 private:
  CallRecord record_;
  std::string request_id_;
};

class ServerMetricsInterceptorFactory final
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override {
    return new ServerMetricsInterceptor(info);
  }
};

class ClientMetricsInterceptor final : public grpc::experimental::Interceptor {
 public:
  explicit ClientMetricsInterceptor(grpc::experimental::ClientRpcInfo* info)
      : record_(ClientFamilies(), info->method()) {}

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_INITIAL_METADATA)) {
      const std::string& id = CurrentRequestId();
      std::multimap<std::string, std::string>* metadata = methods->GetSendInitialMetadata();
      if (!id.empty() && metadata->find(kRequestIdMetadataKey) == metadata->end()) {
        metadata->emplace(kRequestIdMetadataKey, id);
      }
      record_.Begin();
    }
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::POST_RECV_STATUS)) {
      record_.End(methods->GetRecvStatus()->error_code());
    }
    methods->Proceed();
  }

 private:
  CallRecord record_;
};

class ClientMetricsInterceptorFactory final
    : public grpc::experimental::ClientInterceptorFactoryInterface {
 public:
  grpc::experimental::Interceptor* CreateClientInterceptor(
      grpc::experimental::ClientRpcInfo* info) override {
    return new ClientMetricsInterceptor(info);
  }
};

}  // namespace

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
MakeServerMetricsInterceptorFactory() {
  return std::make_unique<ServerMetricsInterceptorFactory>();
}

std::unique_ptr<grpc::experimental::ClientInterceptorFactoryInterface>
MakeClientMetricsInterceptorFactory() {
  return std::make_unique<ClientMetricsInterceptorFactory>();
}

}  // namespace korpus
