#include "libs/clients/channel.h"

#include <grpcpp/grpcpp.h>
#include <grpcpp/support/client_interceptor.h>

#include <map>
#include <utility>
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

// Adds "authorization: Bearer <token>" to every call of the channel.
class BearerTokenInterceptor final : public grpc::experimental::Interceptor {
 public:
  explicit BearerTokenInterceptor(std::string header) : header_(std::move(header)) {}
  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(
            grpc::experimental::InterceptionHookPoints::PRE_SEND_INITIAL_METADATA)) {
      methods->GetSendInitialMetadata()->emplace("authorization", header_);
    }
    methods->Proceed();
  }

 private:
  const std::string header_;
};

class BearerTokenInterceptorFactory final
    : public grpc::experimental::ClientInterceptorFactoryInterface {
 public:
  explicit BearerTokenInterceptorFactory(const std::string& token)
      : header_(absl::StrCat("Bearer ", token)) {}
  grpc::experimental::Interceptor* CreateClientInterceptor(
      grpc::experimental::ClientRpcInfo* /*info*/) override {
    return new BearerTokenInterceptor(header_);
  }

 private:
  const std::string header_;
};

std::shared_ptr<grpc::ChannelCredentials> MakeCredentials(const std::optional<ClientTls>& tls) {
  if (!tls.has_value()) return grpc::InsecureChannelCredentials();
  grpc::SslCredentialsOptions ssl;
  ssl.pem_root_certs = tls->root_certs_pem;
  ssl.pem_cert_chain = tls->cert_chain_pem;
  ssl.pem_private_key = tls->private_key_pem;
  return grpc::SslCredentials(ssl);
}

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
  if (!options.bearer_token.empty()) {
    interceptors.push_back(std::make_unique<BearerTokenInterceptorFactory>(options.bearer_token));
  }
  if (options.tls.has_value() && !options.tls->server_name.empty()) {
    arguments.SetSslTargetNameOverride(options.tls->server_name);
  }
  return grpc::experimental::CreateCustomChannelWithInterceptors(
      target, MakeCredentials(options.tls), arguments, std::move(interceptors));
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
