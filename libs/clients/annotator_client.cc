#include "libs/clients/annotator_client.h"

#include "libs/clients/unary_call.h"

namespace korpus {

AnnotatorClient::AnnotatorClient(std::shared_ptr<grpc::Channel> channel)
    : stub_(v1::AnnotatorService::NewStub(std::move(channel))) {}

absl::StatusOr<v1::Annotations> AnnotatorClient::Annotate(const v1::Document& document,
                                                          const CallOptions& options) const {
  v1::AnnotateRequest request;
  // Only what the annotator reads: not the metadata, not old annotations.
  v1::Document& sent = *request.mutable_document();
  sent.set_id(document.id());
  sent.set_text(document.text());
  *sent.mutable_paragraphs() = document.paragraphs();
  sent.set_language(document.language());
  if (document.has_published_at()) *sent.mutable_published_at() = document.published_at();
  absl::StatusOr<v1::AnnotateResponse> response = internal::UnaryCall(
      *stub_, &v1::AnnotatorService::Stub::Annotate, request, options, "annotator");
  if (!response.ok()) return response.status();
  return std::move(*response->mutable_annotations());
}

}  // namespace korpus
