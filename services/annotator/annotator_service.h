// korpus.v1.AnnotatorService: the German NLP pipeline behind gRPC. A thin
// adapter: request -> nlp::Pipeline -> v1::Annotations.
#ifndef KORPUS_SERVICES_ANNOTATOR_ANNOTATOR_SERVICE_H_
#define KORPUS_SERVICES_ANNOTATOR_ANNOTATOR_SERVICE_H_

#include <cstddef>

#include "korpus/v1/annotator.grpc.pb.h"
#include "libs/nlp/pipeline.h"

namespace korpus {

struct AnnotatorConfig {
  // Texts longer than this are refused with RESOURCE_EXHAUSTED. Ingest caps
  // articles at 1 MiB, so this only guards against other callers.
  size_t max_text_bytes = 4 << 20;
};

// Uses the synchronous API: annotation is CPU-bound and short, so a
// handler thread per call is the simplest model. Thread-safe.
class AnnotatorServiceImpl final : public v1::AnnotatorService::Service {
 public:
  // `pipeline` must be loaded and outlive the service.
  AnnotatorServiceImpl(const nlp::Pipeline& pipeline, AnnotatorConfig config);

  grpc::Status Annotate(grpc::ServerContext* context, const v1::AnnotateRequest* request,
                        v1::AnnotateResponse* response) override;

 private:
  const nlp::Pipeline& pipeline_;
  AnnotatorConfig config_;
};

}  // namespace korpus

#endif  // KORPUS_SERVICES_ANNOTATOR_ANNOTATOR_SERVICE_H_
