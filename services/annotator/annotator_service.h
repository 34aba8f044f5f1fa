// korpus.v1.AnnotatorService: the German NLP pipeline behind gRPC. A thin
// adapter: request -> nlp::Pipeline -> v1::Annotations.
#ifndef KORPUS_SERVICES_ANNOTATOR_ANNOTATOR_SERVICE_H_
#define KORPUS_SERVICES_ANNOTATOR_ANNOTATOR_SERVICE_H_

#include <cstddef>

#include "korpus/v1/annotator.grpc.pb.h"
#include "libs/nlp/extract/extract.h"
#include "libs/nlp/pipeline.h"

namespace korpus {

struct AnnotatorConfig {
  // Texts longer than this are refused with RESOURCE_EXHAUSTED. Ingest caps
  // articles at 1 MiB, so this only guards against other callers.
  size_t max_text_bytes = 4 << 20;
  // Scores within +/- this are neutral in DocumentEntity.sentiment (the
  // extractor labels documents and sentences with its own options).
  // Default: nlp::SentimentOptions's.
  double neutral_band = nlp::SentimentOptions().neutral_band;
};

// Uses the synchronous API: annotation is CPU-bound and short, so a
// handler thread per call is the simplest model. Thread-safe.
class AnnotatorServiceImpl final : public v1::AnnotatorService::Service {
 public:
  // `pipeline` must be loaded and outlive the service. Without an
  // extractor the annotations stop at entities (no quotes, amounts, dates,
  // sentiment or terms).
  AnnotatorServiceImpl(const nlp::Pipeline& pipeline, AnnotatorConfig config);
  // Also runs `extractor` (loaded, outliving the service; may be null) on
  // every document; relative dates resolve against Document.published_at
  // (ArticleDate in annotation_builder.h).
  AnnotatorServiceImpl(const nlp::Pipeline& pipeline, const nlp::Extractor* extractor,
                       AnnotatorConfig config);

  grpc::Status Annotate(grpc::ServerContext* context, const v1::AnnotateRequest* request,
                        v1::AnnotateResponse* response) override;

 private:
  const nlp::Pipeline& pipeline_;
  const nlp::Extractor* extractor_ = nullptr;
  AnnotatorConfig config_;
};

}  // namespace korpus

#endif  // KORPUS_SERVICES_ANNOTATOR_ANNOTATOR_SERVICE_H_
