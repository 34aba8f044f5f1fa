#include "services/gateway/ingest_pipeline.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "libs/server/logging.h"
#include "spdlog/spdlog.h"

namespace korpus::gateway {
namespace {

// The typed clients prefix a peer's message with the hop ("storage: ...");
// the messages built here name the hop themselves.
std::string PeerMessage(const absl::Status& status, std::string_view service) {
  absl::string_view message = status.message();
  absl::ConsumePrefix(&message, absl::StrCat(std::string(service), ": "));
  return std::string(message);
}

v1::IngestResult Rejected(int index, const absl::Status& status, std::string message) {
  v1::IngestResult result;
  result.set_index(index);
  result.set_outcome(v1::INGEST_OUTCOME_REJECTED);
  result.mutable_error()->set_code(static_cast<int>(status.code()));
  result.mutable_error()->set_message(std::move(message));
  return result;
}

}  // namespace

bool IsBackendOutage(const absl::Status& status) {
  return absl::IsUnavailable(status) || absl::IsDeadlineExceeded(status) ||
         absl::IsCancelled(status);
}

absl::Status DescribeBackendFailure(const absl::Status& status, std::string_view service,
                                    std::string_view address) {
  if (!IsBackendOutage(status)) return status;
  const std::string name(service);
  const std::string where(address);
  const std::string cause = PeerMessage(status, service);
  std::string message;
  if (absl::IsUnavailable(status)) {
    message = absl::StrCat(name, " is unavailable at ", where, ": ", cause);
  } else if (absl::IsDeadlineExceeded(status)) {
    message = absl::StrCat(name, " at ", where, " did not answer in time: ", cause);
  } else {
    message = absl::StrCat("call to ", name, " at ", where, " was cancelled: ", cause);
  }
  return absl::Status(status.code(), message);
}

IngestPipeline::IngestPipeline(const IngestClient& ingest, const AnnotatorClient& annotator,
                               const StorageClient& storage, IngestPipelineConfig config)
    : ingest_(ingest), annotator_(annotator), storage_(storage), config_(std::move(config)) {}

CallOptions IngestPipeline::Options(const grpc::ServerContextBase* parent) const {
  return CallOptions{.timeout = config_.backend_timeout, .parent = parent};
}

absl::StatusOr<v1::IngestResult> IngestPipeline::Ingest(const v1::RawArticle& article, int index,
                                                        const grpc::ServerContextBase* parent) const {
  const BackendAddresses& at = config_.addresses;

  // 1. Normalise. A refusal here is the article's fault: the usual case of
  // REJECTED, reported with ingest's own message (which names the field).
  absl::StatusOr<v1::Document> normalized = ingest_.NormalizeArticle(article, Options(parent));
  if (!normalized.ok()) {
    if (IsBackendOutage(normalized.status())) {
      return DescribeBackendFailure(normalized.status(), "ingest", at.ingest);
    }
    return Rejected(index, normalized.status(), PeerMessage(normalized.status(), "ingest"));
  }
  v1::Document& document = *normalized;

  v1::IngestResult result;
  result.set_index(index);
  result.set_document_id(document.id());
  result.set_title(document.title());

  // 2. Already stored? Looked up before annotating, which is the expensive
  // step, so that re-ingesting a corpus is cheap.
  v1::GetDocumentRequest lookup;
  lookup.set_id(document.id());
  lookup.set_view(v1::DOCUMENT_VIEW_BASIC);
  absl::StatusOr<v1::Document> stored = storage_.GetDocument(lookup, Options(parent));
  if (stored.ok()) {
    result.set_outcome(v1::INGEST_OUTCOME_DUPLICATE);
    result.set_sentence_count(stored->sentence_count());
    result.set_token_count(stored->token_count());
    return result;
  }
  if (IsBackendOutage(stored.status())) {
    return DescribeBackendFailure(stored.status(), "storage", at.storage);
  }
  if (!absl::IsNotFound(stored.status())) {
    // Storage refused the lookup itself (a bug on one side or the other):
    // this article cannot be ingested, the others may still be.
    spdlog::warn("storage lookup of id={} failed: {}", document.id(), stored.status());
    return Rejected(index, stored.status(), std::string(stored.status().message()));
  }

  // 3. Annotate. The annotator refuses only texts that are empty or too
  // large for it, which is again the article's fault.
  absl::StatusOr<v1::Annotations> annotations = annotator_.Annotate(document, Options(parent));
  if (!annotations.ok()) {
    if (IsBackendOutage(annotations.status())) {
      return DescribeBackendFailure(annotations.status(), "annotator", at.annotator);
    }
    return Rejected(index, annotations.status(), std::string(annotations.status().message()));
  }
  document.set_state(v1::DOCUMENT_STATE_ANNOTATED);
  document.set_sentence_count(annotations->sentences_size());
  document.set_token_count(annotations->tokens_size());
  *document.mutable_annotations() = std::move(*annotations);
  result.set_sentence_count(document.sentence_count());
  result.set_token_count(document.token_count());

  // 4. Store. created == false means another call stored the same id
  // between our lookup and now; storage kept the first one.
  absl::StatusOr<v1::PutDocumentResponse> put = storage_.PutDocument(document, Options(parent));
  if (!put.ok()) {
    if (IsBackendOutage(put.status())) {
      return DescribeBackendFailure(put.status(), "storage", at.storage);
    }
    spdlog::warn("storage refused id={}: {}", document.id(), put.status());
    return Rejected(index, put.status(), std::string(put.status().message()));
  }
  result.set_outcome(put->created() ? v1::INGEST_OUTCOME_CREATED : v1::INGEST_OUTCOME_DUPLICATE);
  return result;
}

}  // namespace korpus::gateway
