// Typed client of korpus.v1.AnnotatorService. Thread-safe.
#ifndef KORPUS_LIBS_CLIENTS_ANNOTATOR_CLIENT_H_
#define KORPUS_LIBS_CLIENTS_ANNOTATOR_CLIENT_H_

#include <memory>

#include "absl/status/statusor.h"
#include "korpus/v1/annotator.grpc.pb.h"
#include "libs/clients/channel.h"

namespace korpus {

class AnnotatorClient {
 public:
  explicit AnnotatorClient(std::shared_ptr<grpc::Channel> channel);

  // Annotations of `document` (its text, paragraphs and published_at are
  // sent); UNAVAILABLE if the annotator is down or still loading models.
  absl::StatusOr<v1::Annotations> Annotate(const v1::Document& document,
                                           const CallOptions& options) const;

 private:
  std::unique_ptr<v1::AnnotatorService::Stub> stub_;
};

}  // namespace korpus

#endif  // KORPUS_LIBS_CLIENTS_ANNOTATOR_CLIENT_H_
