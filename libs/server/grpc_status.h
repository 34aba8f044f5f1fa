// The one place where absl::Status and grpc::Status meet. Service adapters
// call ToGrpcStatus when returning from an RPC; clients call FromGrpcStatus
// on what a stub returned. Codes map one to one (both follow google.rpc.Code).
#ifndef KORPUS_LIBS_SERVER_GRPC_STATUS_H_
#define KORPUS_LIBS_SERVER_GRPC_STATUS_H_

#include <grpcpp/support/status.h>

#include "absl/status/status.h"

namespace korpus {

grpc::Status ToGrpcStatus(const absl::Status& status);

// `what` names the call for the message, e.g. "storage.GetDocument": a
// message from a peer is prefixed so that a person reading it at the top of
// the pipeline knows which hop failed.
absl::Status FromGrpcStatus(const grpc::Status& status, std::string_view what = {});

}  // namespace korpus

#endif  // KORPUS_LIBS_SERVER_GRPC_STATUS_H_
