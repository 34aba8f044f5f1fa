#include "services/annotator/annotator_service.h"

#include <google/protobuf/util/time_util.h>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "libs/server/grpc_status.h"
#include "services/annotator/annotation_builder.h"

namespace korpus {

AnnotatorServiceImpl::AnnotatorServiceImpl(const nlp::Pipeline& pipeline, AnnotatorConfig config)
    : pipeline_(pipeline), config_(config) {}

AnnotatorServiceImpl::AnnotatorServiceImpl(const nlp::Pipeline& pipeline,
                                           const nlp::Extractor* extractor, AnnotatorConfig config)
    : pipeline_(pipeline), extractor_(extractor), config_(config) {}

grpc::Status AnnotatorServiceImpl::Annotate(grpc::ServerContext* context,
                                            const v1::AnnotateRequest* request,
                                            v1::AnnotateResponse* response) {
  const std::string& text = request->document().text();
  if (text.empty()) {
    return ToGrpcStatus(absl::InvalidArgumentError("AnnotateRequest.document.text is empty"));
  }
  if (text.size() > config_.max_text_bytes) {
    return ToGrpcStatus(absl::ResourceExhaustedError(
        absl::StrCat("AnnotateRequest.document.text is ", text.size(), " bytes; the limit is ",
                     config_.max_text_bytes, " (--max_text_bytes)")));
  }
  const nlp::AnalyzedText analysis = pipeline_.Analyze(text);
  v1::Annotations& annotations = *response->mutable_annotations();
  annotations.set_model_name(std::string(pipeline_.model_name()));
  annotations.set_model_version(std::string(pipeline_.model_version()));
  *annotations.mutable_annotated_at() = google::protobuf::util::TimeUtil::GetCurrentTime();
  AppendAnalysis(analysis, text, annotations);
  if (extractor_ != nullptr) {
    // No document frequencies here: keywords are storage's (see
    // Annotations.keywords), so the extractor's unweighted ones are dropped.
    const nlp::Extractions extractions =
        extractor_->Extract(text, analysis, ArticleDate(request->document()));
    AppendExtractions(extractions, analysis, text, config_.neutral_band, annotations);
  }
  return grpc::Status::OK;
}

}  // namespace korpus
