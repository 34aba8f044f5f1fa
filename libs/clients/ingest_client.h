// Typed client of korpus.v1.IngestService. Thread-safe.
#ifndef KORPUS_LIBS_CLIENTS_INGEST_CLIENT_H_
#define KORPUS_LIBS_CLIENTS_INGEST_CLIENT_H_

#include <memory>

#include "absl/status/statusor.h"
#include "korpus/v1/ingest.grpc.pb.h"
#include "libs/clients/channel.h"

namespace korpus {

class IngestClient {
 public:
  explicit IngestClient(std::shared_ptr<grpc::Channel> channel);

  // The normalised, unstored document; INVALID_ARGUMENT or
  // RESOURCE_EXHAUSTED for bad articles, UNAVAILABLE if ingest is down.
  absl::StatusOr<v1::Document> NormalizeArticle(const v1::RawArticle& article,
                                                const CallOptions& options) const;

 private:
  std::unique_ptr<v1::IngestService::Stub> stub_;
};

}  // namespace korpus

#endif  // KORPUS_LIBS_CLIENTS_INGEST_CLIENT_H_
