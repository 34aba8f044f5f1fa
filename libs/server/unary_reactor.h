// Finishing unary calls served with gRPC's callback API
// (`CallbackService`, or a `WithCallbackMethod_<Method>` mixin), where the
// handler returns a reactor at once and the call ends when the reactor is
// finished, possibly on another thread:
//
//   grpc::ServerUnaryReactor* GetThing(grpc::CallbackServerContext* context,
//                                      const GetThingRequest* request,
//                                      Thing* response) override {
//     if (request->id().empty()) {
//       return FinishedReactor(context, absl::InvalidArgumentError("..."));
//     }
//     grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
//     backend.GetThingAsync(*request, options, FinishWith(reactor, response));
//     return reactor;
//   }
//
// The status goes through ToGrpcStatus, as a synchronous handler's does.
#ifndef KORPUS_LIBS_SERVER_UNARY_REACTOR_H_
#define KORPUS_LIBS_SERVER_UNARY_REACTOR_H_

#include <grpcpp/grpcpp.h>

#include <functional>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "libs/server/grpc_status.h"

namespace korpus {

// The call's default reactor, already finished with `status`: for requests
// refused before any work starts.
inline grpc::ServerUnaryReactor* FinishedReactor(grpc::CallbackServerContext* context,
                                                 const absl::Status& status) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reactor->Finish(ToGrpcStatus(status));
  return reactor;
}

// A completion that finishes the call: a value is moved into `*response`
// (which gRPC owns until the call is finished) and the call ends OK; an
// error ends it with `map_error(status)`. Call it exactly once.
template <typename Response>
std::function<void(absl::StatusOr<Response>)> FinishWith(
    grpc::ServerUnaryReactor* reactor, Response* response,
    std::function<absl::Status(const absl::Status&)> map_error = nullptr) {
  return [reactor, response, map_error = std::move(map_error)](absl::StatusOr<Response> result) {
    if (!result.ok()) {
      reactor->Finish(ToGrpcStatus(map_error ? map_error(result.status()) : result.status()));
      return;
    }
    *response = *std::move(result);
    reactor->Finish(grpc::Status::OK);
  };
}

}  // namespace korpus

#endif  // KORPUS_LIBS_SERVER_UNARY_REACTOR_H_
