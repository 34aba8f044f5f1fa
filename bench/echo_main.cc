// korpus-bench-echo: korpus.bench.EchoService served through libs/server's
// bootstrap (health, reflection, interceptors, metrics, shutdown), exactly
// as korpus's services are, so that the serving benchmark can measure the
// ceiling of an RPC that does nothing.
//
// With --relay_to=ADDRESS each call is instead forwarded to the echo service
// there, the way the gateway forwards a read to storage (a blocking call on
// a libs/clients channel, deadline and cancellation from the incoming call):
// the ceiling of a two-hop call with the gateway's structure and no work.
// --relay_async does the same on the callback API (no blocked threads), to
// measure what that structure would gain.
#include <grpcpp/grpcpp.h>

#include <chrono>
#include <memory>
#include <string>

#include "absl/flags/flag.h"
#include "korpus/bench/echo.grpc.pb.h"
#include "libs/clients/channel.h"
#include "libs/server/process.h"
#include "libs/server/server.h"

ABSL_FLAG(std::string, relay_to, "",
          "If set, forward every call to the echo service at this gRPC target "
          "(env KORPUS_RELAY_TO).");
ABSL_FLAG(bool, relay_async, false,
          "With --relay_to: serve with the callback API and forward with an async call, "
          "so that no thread blocks (env KORPUS_RELAY_ASYNC).");

namespace korpus::bench {
namespace {

// A synchronous service, like korpus's own.
class EchoServiceImpl final : public EchoService::Service {
 public:
  // `downstream` null: answer directly.
  explicit EchoServiceImpl(std::unique_ptr<EchoService::Stub> downstream)
      : downstream_(std::move(downstream)) {}

  grpc::Status Echo(grpc::ServerContext* context, const EchoRequest* request,
                    EchoResponse* response) override {
    if (downstream_ == nullptr) {
      response->set_payload(request->payload());
      return grpc::Status::OK;
    }
    std::unique_ptr<grpc::ClientContext> call =
        MakeClientContext(CallOptions{.timeout = absl::Seconds(10), .parent = context});
    return downstream_->Echo(call.get(), *request, response);
  }

 private:
  std::unique_ptr<EchoService::Stub> downstream_;
};

// The relay on gRPC's callback API: the handler starts the downstream call
// and returns; the downstream completion finishes the incoming call.
class AsyncRelayImpl final : public EchoService::CallbackService {
 public:
  explicit AsyncRelayImpl(std::unique_ptr<EchoService::Stub> downstream)
      : downstream_(std::move(downstream)) {}

  grpc::ServerUnaryReactor* Echo(grpc::CallbackServerContext* context,
                                 const EchoRequest* request, EchoResponse* response) override {
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    auto* call = new grpc::ClientContext();
    call->set_deadline(context->deadline() < std::chrono::system_clock::now() + std::chrono::seconds(10)
                           ? context->deadline()
                           : std::chrono::system_clock::now() + std::chrono::seconds(10));
    downstream_->async()->Echo(call, request, response, [reactor, call](grpc::Status status) {
      delete call;
      reactor->Finish(status);
    });
    return reactor;
  }

 private:
  std::unique_ptr<EchoService::Stub> downstream_;
};

}  // namespace
}  // namespace korpus::bench

int main(int argc, char** argv) {
  korpus::InitProcess(argc, argv,
                      {.name = "bench-echo",
                       .description = "korpus-bench-echo: a trivial unary echo service on korpus's "
                                      "server bootstrap, the ceiling of the serving benchmark."});
  const std::string relay_to = absl::GetFlag(FLAGS_relay_to);
  const korpus::ServerOptions options = korpus::ServerOptionsFromFlags("bench-echo", "127.0.0.1:0");
  const std::string name = korpus::bench::EchoService::service_full_name();
  if (!relay_to.empty() && absl::GetFlag(FLAGS_relay_async)) {
    korpus::bench::AsyncRelayImpl relay(
        korpus::bench::EchoService::NewStub(korpus::MakeChannel(relay_to)));
    return korpus::ServeUntilSignalled(options, {{&relay, name}});
  }
  korpus::bench::EchoServiceImpl service(
      relay_to.empty() ? nullptr
                       : korpus::bench::EchoService::NewStub(korpus::MakeChannel(relay_to)));
  return korpus::ServeUntilSignalled(options, {{&service, name}});
}
