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
#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/registry.h"
#include "spdlog/spdlog.h"

namespace korpus {
namespace {

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

// grpc_auth_metadata_processor.process: runs in gRPC's server auth filter
// for every call, with the call's initial metadata (":path" included).
// Answers synchronously: the check is a few SHA-256 compressions.
void ProcessMetadata(void* state, grpc_auth_context* /*context*/, const grpc_metadata* metadata,
                     size_t count, grpc_process_auth_metadata_done_cb done, void* user_data) {
  const AccessPolicy& policy = **static_cast<std::shared_ptr<const AccessPolicy>*>(state);
  std::string_view method;
  std::vector<std::string_view> authorization;
  std::vector<grpc_metadata> consumed;
  for (size_t i = 0; i < count; ++i) {
    const std::string_view key = View(metadata[i].key);
    if (key == ":path") {
      method = View(metadata[i].value);
    } else if (key == "authorization") {
      authorization.push_back(View(metadata[i].value));
      consumed.push_back(metadata[i]);
    }
  }
  const absl::Status status = policy.Check(method, authorization);
  if (status.ok()) {
    done(user_data, consumed.data(), consumed.size(), nullptr, 0, GRPC_STATUS_OK, nullptr);
    return;
  }
  const std::string code = absl::StatusCodeToString(status.code());
  DeniedCounter().Add({{"grpc_code", code}}).Increment();
  spdlog::info("refused {}: {}: {}", method, code, status.message());
  const std::string message(status.message());
  done(user_data, nullptr, 0, nullptr, 0, static_cast<grpc_status_code>(status.code()),
       message.c_str());
}

void DestroyState(void* state) { delete static_cast<std::shared_ptr<const AccessPolicy>*>(state); }

class KorpusServerCredentials final : public grpc::ServerCredentials {
 public:
  KorpusServerCredentials(std::optional<ServerTls> tls, std::shared_ptr<const AccessPolicy> policy)
      : tls_(std::move(tls)), policy_(std::move(policy)) {}

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
    if (policy_ != nullptr) {
      grpc_server_credentials_set_auth_metadata_processor(
          credentials, {ProcessMetadata, DestroyState,
                        new std::shared_ptr<const AccessPolicy>(policy_)});
    }
    const int port = grpc_server_add_http2_port(server, address.c_str(), credentials);
    grpc_server_credentials_release(credentials);
    return port;
  }

  std::optional<ServerTls> tls_;
  std::shared_ptr<const AccessPolicy> policy_;
};

}  // namespace

std::shared_ptr<grpc::ServerCredentials> MakeServerCredentials(
    const std::optional<ServerTls>& tls, std::shared_ptr<const AccessPolicy> policy) {
  return std::make_shared<KorpusServerCredentials>(tls, std::move(policy));
}

}  // namespace korpus
