#include "libs/server/credentials.h"

#include <grpc/grpc.h>
#include <grpc/grpc_security.h>
#include <grpcpp/security/server_credentials.h>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "libs/server/logging.h"
#include "libs/server/metrics.h"
#include "libs/server/request_id.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/registry.h"
#include "spdlog/spdlog.h"

namespace korpus {
namespace {

constexpr char kHealthPrefix[] = "/grpc.health.v1.Health/";

std::string_view View(const grpc_slice& slice) {
  return std::string_view(reinterpret_cast<const char*>(GRPC_SLICE_START_PTR(slice)),
                          GRPC_SLICE_LENGTH(slice));
}

prometheus::Family<prometheus::Counter>& DeniedCounter() {
  static prometheus::Family<prometheus::Counter>* family =
      &prometheus::BuildCounter()
           .Name("korpus_access_denied_total")
           .Help("Calls refused by the access policy before reaching a handler, by status code "
                 "(UNAUTHENTICATED: no or unknown token; PERMISSION_DENIED: role too low).")
           .Register(MetricsRegistry());
  return *family;
}

prometheus::Family<prometheus::Counter>& RefusedCounter() {
  static prometheus::Family<prometheus::Counter>* family =
      &prometheus::BuildCounter()
           .Name("korpus_admission_refused_total")
           .Help("Calls refused with RESOURCE_EXHAUSTED before reaching a handler because the "
                 "server had --max_concurrent_rpcs calls in flight.")
           .Register(MetricsRegistry());
  return *family;
}

// grpc_auth_metadata_processor.process: runs in gRPC's server auth filter
// for every call, with the call's initial metadata (":path" included).
// Answers synchronously: the check is a few SHA-256 compressions.
struct ProcessorState {
  // Null for a health-only port.
  std::shared_ptr<const AccessPolicy> policy;
  bool health_only = false;
  // Null: no concurrency limit.
  std::shared_ptr<AdmissionLimiter> admission;
};

absl::Status Check(const ProcessorState& state, std::string_view method,
                   const std::vector<std::string_view>& authorization) {
  if (state.health_only) {
    if (method.substr(0, sizeof(kHealthPrefix) - 1) == kHealthPrefix) return absl::OkStatus();
    return absl::PermissionDeniedError(
        "this port (--health_listen) serves only grpc.health.v1.Health; call the main port");
  }
  if (state.policy == nullptr) return absl::OkStatus();
  return state.policy->Check(method, authorization);
}

void ProcessMetadata(void* state_pointer, grpc_auth_context* /*context*/,
                     const grpc_metadata* metadata, size_t count,
                     grpc_process_auth_metadata_done_cb done, void* user_data) {
  const ProcessorState& state = *static_cast<ProcessorState*>(state_pointer);
  std::string_view method;
  std::string_view request_id;
  std::vector<std::string_view> authorization;
  std::vector<grpc_metadata> consumed;
  for (size_t i = 0; i < count; ++i) {
    const std::string_view key = View(metadata[i].key);
    if (key == ":path") {
      method = View(metadata[i].value);
    } else if (key == kRequestIdMetadataKey) {
      request_id = View(metadata[i].value);
    } else if (key == "authorization") {
      authorization.push_back(View(metadata[i].value));
      consumed.push_back(metadata[i]);
    }
  }
  absl::Status status = Check(state, method, authorization);
  if (status.ok() && state.admission != nullptr && state.admission->Limits(method)) {
    status = state.admission->TryAdmit();
    if (!status.ok()) {
      // Overload: counted, and logged now and then by the limiter, not per
      // call.
      RefusedCounter().Add({}).Increment();
      const std::string message(status.message());
      done(user_data, nullptr, 0, nullptr, 0, GRPC_STATUS_RESOURCE_EXHAUSTED, message.c_str());
      return;
    }
  }
  if (status.ok()) {
    done(user_data, consumed.data(), consumed.size(), nullptr, 0, GRPC_STATUS_OK, nullptr);
    return;
  }
  // A refused call never reaches the request id interceptor: its log line
  // carries the caller's id if it sent a usable one, and no other call's.
  ScopedRequestId scoped_id(IsValidRequestId(request_id) ? std::string(request_id) : "");
  const std::string code = absl::StatusCodeToString(status.code());
  DeniedCounter().Add({{"grpc_code", code}}).Increment();
  spdlog::info("refused {}: {}: {}", method, code, status.message());
  const std::string message(status.message());
  done(user_data, nullptr, 0, nullptr, 0, static_cast<grpc_status_code>(status.code()),
       message.c_str());
}

void DestroyState(void* state) { delete static_cast<ProcessorState*>(state); }

class KorpusServerCredentials final : public grpc::ServerCredentials {
 public:
  KorpusServerCredentials(std::optional<ServerTls> tls, std::shared_ptr<const AccessPolicy> policy,
                          bool health_only, std::shared_ptr<AdmissionLimiter> admission)
      : tls_(std::move(tls)),
        policy_(std::move(policy)),
        health_only_(health_only),
        admission_(std::move(admission)) {}

  // The policy is given to the constructor; gRPC's C++ processors are not
  // used.
  void SetAuthMetadataProcessor(const std::shared_ptr<grpc::AuthMetadataProcessor>&) override {}

 private:
  int AddPortToServer(const std::string& address, grpc_server* server) override {
    grpc_server_credentials* credentials = nullptr;
    if (tls_.has_value()) {
      grpc_ssl_pem_key_cert_pair pair{tls_->private_key_pem.c_str(), tls_->cert_chain_pem.c_str()};
      const bool mutual = !tls_->client_ca_pem.empty();
      credentials = grpc_ssl_server_credentials_create_ex(
          mutual ? tls_->client_ca_pem.c_str() : nullptr, &pair, 1,
          mutual ? GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY
                 : GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE,
          nullptr);
    } else {
      credentials = grpc_insecure_server_credentials_create();
    }
    if (policy_ != nullptr || health_only_ || admission_ != nullptr) {
      grpc_server_credentials_set_auth_metadata_processor(
          credentials, {ProcessMetadata, DestroyState,
                        new ProcessorState{policy_, health_only_, admission_}});
    }
    const int port = grpc_server_add_http2_port(server, address.c_str(), credentials);
    grpc_server_credentials_release(credentials);
    return port;
  }

  std::optional<ServerTls> tls_;
  std::shared_ptr<const AccessPolicy> policy_;
  bool health_only_;
  std::shared_ptr<AdmissionLimiter> admission_;
};

}  // namespace

std::shared_ptr<grpc::ServerCredentials> MakeServerCredentials(
    const std::optional<ServerTls>& tls, std::shared_ptr<const AccessPolicy> policy,
    std::shared_ptr<AdmissionLimiter> admission) {
  return std::make_shared<KorpusServerCredentials>(tls, std::move(policy), /*health_only=*/false,
                                                   std::move(admission));
}

std::shared_ptr<grpc::ServerCredentials> MakeHealthOnlyCredentials() {
  return std::make_shared<KorpusServerCredentials>(std::nullopt, nullptr, /*health_only=*/true,
                                                   nullptr);
}

}  // namespace korpus
