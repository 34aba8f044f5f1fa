// The two streaming calls that move a whole corpus (ExportDocuments,
// ImportDocuments), with korpus's conventions: deadline and parent from
// CallOptions, grpc::Status turned into absl::Status naming the hop. The
// storage and corpus services have the same pair; included only by their
// typed clients' .cc files.
#ifndef KORPUS_LIBS_CLIENTS_TRANSFER_CALLS_H_
#define KORPUS_LIBS_CLIENTS_TRANSFER_CALLS_H_

#include <grpcpp/grpcpp.h>

#include <functional>
#include <string_view>

#include "absl/status/statusor.h"
#include "korpus/v1/query.pb.h"
#include "libs/clients/channel.h"
#include "libs/server/grpc_status.h"

namespace korpus::internal {

template <typename Stub>
absl::Status ExportCall(Stub& stub, const std::function<bool(const v1::Document&)>& on_document,
                        const CallOptions& options, std::string_view what) {
  std::unique_ptr<grpc::ClientContext> context = MakeClientContext(options);
  std::unique_ptr<grpc::ClientReader<v1::Document>> reader =
      stub.ExportDocuments(context.get(), v1::ExportDocumentsRequest());
  v1::Document document;
  bool stopped = false;
  while (reader->Read(&document)) {
    if (!on_document(document)) {
      stopped = true;
      context->TryCancel();
      break;
    }
  }
  const grpc::Status status = reader->Finish();
  if (stopped) return absl::CancelledError("export stopped by the receiver");
  return FromGrpcStatus(status, what);
}

template <typename Stub>
absl::StatusOr<v1::ImportDocumentsResponse> ImportCall(
    Stub& stub, const std::function<bool(v1::Document&)>& next_document,
    const CallOptions& options, std::string_view what) {
  std::unique_ptr<grpc::ClientContext> context = MakeClientContext(options);
  v1::ImportDocumentsResponse response;
  std::unique_ptr<grpc::ClientWriter<v1::ImportDocumentsRequest>> writer =
      stub.ImportDocuments(context.get(), &response);
  v1::ImportDocumentsRequest request;
  while (next_document(*request.mutable_document())) {
    if (!writer->Write(request)) break;  // The call failed; Finish() tells why.
    request.Clear();
  }
  writer->WritesDone();
  const grpc::Status status = writer->Finish();
  if (!status.ok()) return FromGrpcStatus(status, what);
  return response;
}

}  // namespace korpus::internal

#endif  // KORPUS_LIBS_CLIENTS_TRANSFER_CALLS_H_
