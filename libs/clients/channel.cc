#include "libs/clients/channel.h"

#include <grpcpp/grpcpp.h>
#include <grpcpp/support/client_interceptor.h>

#include <vector>

#include "absl/strings/str_cat.h"
#include "libs/server/metrics_interceptors.h"

namespace korpus {
namespace {

// Retries apply to every method of every korpus service (see
// ChannelOptions::retry_unavailable for why that is safe).
constexpr char kServiceConfigWithRetries[] = R"({
  "loadBalancingConfig": [{"round_robin": {}}],
  "methodConfig": [{
    "name": [{"service": "korpus.v1.IngestService"},
             {"service": "korpus.v1.AnnotatorService"},
             {"service": "korpus.v1.StorageService"},
             {"service": "korpus.v1.CorpusService"}],
    "retryPolicy": {
      "maxAttempts": 3,
      "initialBackoff": "0.05s",
      "maxBackoff": "0.5s",
      "backoffMultiplier": 2,
      "retryableStatusCodes": ["UNAVAILABLE"]
    }
  }]
})";

constexpr char kServiceConfigWithoutRetries[] = R"({
  "loadBalancingConfig": [{"round_robin": {}}]
})";

}  // namespace

std::shared_ptr<grpc::Channel> MakeChannel(const std::string& target,
                                           const ChannelOptions& options) {
  grpc::ChannelArguments arguments;
  arguments.SetMaxReceiveMessageSize(options.max_message_bytes);
  arguments.SetMaxSendMessageSize(options.max_message_bytes);
  arguments.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 100);
  arguments.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 100);
  arguments.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS,
                   static_cast<int>(absl::ToInt64Milliseconds(options.max_reconnect_backoff)));
  arguments.SetInt(GRPC_ARG_ENABLE_RETRIES, options.retry_unavailable ? 1 : 0);
  arguments.SetServiceConfigJSON(options.retry_unavailable ? kServiceConfigWithRetries
                                                           : kServiceConfigWithoutRetries);
  // Client RPC metrics, and the request id of the call being served (if
  // any) forwarded to the backend.
  std::vector<std::unique_ptr<grpc::experimental::ClientInterceptorFactoryInterface>> interceptors;
  interceptors.push_back(MakeClientMetricsInterceptorFactory());
  return grpc::experimental::CreateCustomChannelWithInterceptors(
      target, grpc::InsecureChannelCredentials(), arguments, std::move(interceptors));
}

std::unique_ptr<grpc::ClientContext> MakeClientContext(const CallOptions& options) {
  std::unique_ptr<grpc::ClientContext> context;
  if (options.parent != nullptr) {
    // Propagates the parent's deadline and cancellation; gRPC keeps the
    // earlier of the parent's deadline and the one set below.
    context = grpc::ClientContext::FromServerContext(*options.parent);
  } else {
    context = std::make_unique<grpc::ClientContext>();
  }
  context->set_deadline(absl::ToChronoTime(absl::Now() + options.timeout));
  return context;
}

}  // namespace korpus
