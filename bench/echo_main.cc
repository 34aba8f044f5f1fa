// korpus-bench-echo: korpus.bench.EchoService served through libs/server's
// bootstrap (health, reflection, interceptors, metrics, shutdown), exactly
// as korpus's services are, so that the serving benchmark can measure the
// ceiling of an RPC that does nothing.
#include <grpcpp/grpcpp.h>

#include "korpus/bench/echo.grpc.pb.h"
#include "libs/server/process.h"
#include "libs/server/server.h"

namespace korpus::bench {
namespace {

// A synchronous service, like korpus's own.
class EchoServiceImpl final : public EchoService::Service {
  grpc::Status Echo(grpc::ServerContext* context, const EchoRequest* request,
                    EchoResponse* response) override {
    response->set_payload(request->payload());
    return grpc::Status::OK;
  }
};

}  // namespace
}  // namespace korpus::bench

int main(int argc, char** argv) {
  korpus::InitProcess(argc, argv,
                      {.name = "bench-echo",
                       .description = "korpus-bench-echo: a trivial unary echo service on korpus's "
                                      "server bootstrap, the ceiling of the serving benchmark."});
  korpus::bench::EchoServiceImpl service;
  return korpus::ServeUntilSignalled(
      korpus::ServerOptionsFromFlags("bench-echo", "127.0.0.1:0"),
      {{&service, korpus::bench::EchoService::service_full_name()}});
}
