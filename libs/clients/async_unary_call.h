// One unary call on gRPC's callback API with korpus's conventions, for code
// that must not block a thread while the call is out (the gateway's reads):
// deadline and parent from CallOptions, the request id forwarded, and the
// grpc::Status turned into an absl::Status naming the hop, exactly as
// UnaryCall (unary_call.h) does for blocking calls.
#ifndef KORPUS_LIBS_CLIENTS_ASYNC_UNARY_CALL_H_
#define KORPUS_LIBS_CLIENTS_ASYNC_UNARY_CALL_H_

#include <grpcpp/grpcpp.h>

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "absl/status/statusor.h"
#include "libs/clients/channel.h"
#include "libs/server/grpc_status.h"
#include "libs/server/request_id.h"

namespace korpus {

// Receives the outcome of an asynchronous call: the response, or the status
// the blocking method would have returned. Runs exactly once, on a gRPC
// thread, with the request id of the code that started the call current
// (libs/server/request_id.h); it must not block.
template <typename Response>
using AsyncDone = std::function<void(absl::StatusOr<Response>)>;

namespace internal {

// Starts `start(context, &request, &response, on_status)` (a lambda calling
// `stub->async()->Method(...)`) and returns at once; `done` gets the outcome.
// The request id current on this thread, if any, goes out as the call's
// "x-request-id". `options.parent`, if set, must stay alive until `done`
// has run (a server call finished from `done` does).
template <typename Request, typename Response, typename Start>
void AsyncUnaryCall(Start&& start, Request request, const CallOptions& options,
                    std::string_view what, AsyncDone<Response> done) {
  struct Call {
    std::unique_ptr<grpc::ClientContext> context;
    Request request;
    Response response;
    std::string request_id;
    std::string_view what;
    AsyncDone<Response> done;
  };
  auto* call = new Call{MakeClientContext(options), std::move(request), Response(),
                        CurrentRequestId(), what, std::move(done)};
  // Explicitly, because the client interceptor that adds it otherwise may
  // run on a gRPC thread that serves no call.
  if (!call->request_id.empty()) {
    call->context->AddMetadata(kRequestIdMetadataKey, call->request_id);
  }
  std::forward<Start>(start)(call->context.get(), &call->request, &call->response,
                             [call](grpc::Status status) {
                               std::unique_ptr<Call> owned(call);
                               const ScopedRequestId request_id(owned->request_id);
                               if (!status.ok()) {
                                 owned->done(FromGrpcStatus(status, owned->what));
                               } else {
                                 owned->done(std::move(owned->response));
                               }
                             });
}

}  // namespace internal
}  // namespace korpus

#endif  // KORPUS_LIBS_CLIENTS_ASYNC_UNARY_CALL_H_
