// Channels to korpus services, configured in one place: message size
// limits, quick reconnection after a peer restarts, retries of UNAVAILABLE
// through gRPC's service-config retry policy, round-robin balancing over
// every address a target name resolves to (a headless Service's DNS name
// in Kubernetes), client RPC metrics, the current request id forwarded
// as "x-request-id" (libs/server/request_id.h), TLS (libs/server/tls.h) and
// a bearer token on every call.
#ifndef KORPUS_LIBS_CLIENTS_CHANNEL_H_
#define KORPUS_LIBS_CLIENTS_CHANNEL_H_

#include <memory>
#include <optional>
#include <string>

#include "absl/time/time.h"
#include "libs/server/tls.h"

namespace grpc {
class Channel;
class ClientContext;
class ServerContextBase;
}  // namespace grpc

namespace korpus {

struct ChannelOptions {
  int max_message_bytes = 64 << 20;
  // Upper bound of the reconnect backoff, so that a restarted peer is
  // reached again within about this long.
  absl::Duration max_reconnect_backoff = absl::Seconds(1);
  // Retry calls that fail with UNAVAILABLE (up to 3 attempts, 50 ms
  // initial backoff). Every korpus RPC is safe to retry: reads are pure,
  // ingest and annotation are stateless, and storage writes are idempotent
  // by document id.
  bool retry_unavailable = true;
  // TLS towards the server, loaded and checked by LoadClientTls(); nullopt
  // (the default): plaintext.
  std::optional<ClientTls> tls;
  // If non-empty, every call carries the metadata "authorization: Bearer
  // <bearer_token>" (see libs/server/access_control.h).
  std::string bearer_token;
};

// `target` is a gRPC target: "127.0.0.1:50054", "dns:///annotator:50053".
std::shared_ptr<grpc::Channel> MakeChannel(const std::string& target,
                                           const ChannelOptions& options = {});

// Per-call settings every typed client takes.
struct CallOptions {
  // Deadline of the call, counted from when it starts.
  absl::Duration timeout = absl::Seconds(10);
  // The server call this call is made on behalf of, if any: its deadline
  // (if earlier than `timeout`) and its cancellation propagate.
  const grpc::ServerContextBase* parent = nullptr;
};

// A ClientContext set up from `options`.
std::unique_ptr<grpc::ClientContext> MakeClientContext(const CallOptions& options);

}  // namespace korpus

#endif  // KORPUS_LIBS_CLIENTS_CHANNEL_H_
