// One unary call with korpus's conventions: deadline and parent from
// CallOptions, grpc::Status turned into absl::Status naming the hop.
// Included only by the typed clients' .cc files.
#ifndef KORPUS_LIBS_CLIENTS_UNARY_CALL_H_
#define KORPUS_LIBS_CLIENTS_UNARY_CALL_H_

#include <grpcpp/grpcpp.h>

#include <string_view>

#include "absl/status/statusor.h"
#include "libs/clients/channel.h"
#include "libs/server/grpc_status.h"

namespace korpus::internal {

template <typename Stub, typename Request, typename Response>
absl::StatusOr<Response> UnaryCall(
    Stub& stub,
    grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
    const Request& request, const CallOptions& options, std::string_view what) {
  std::unique_ptr<grpc::ClientContext> context = MakeClientContext(options);
  Response response;
  grpc::Status status = (stub.*method)(context.get(), request, &response);
  if (!status.ok()) return FromGrpcStatus(status, what);
  return response;
}

}  // namespace korpus::internal

#endif  // KORPUS_LIBS_CLIENTS_UNARY_CALL_H_
