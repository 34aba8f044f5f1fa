#include "services/gateway/ingest_pipeline.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "libs/server/admission.h"
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
         absl::IsCancelled(status) || IsAdmissionRefusal(status);
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
  } else if (IsAdmissionRefusal(status)) {
    message = absl::StrCat(name, " at ", where, " is overloaded: ", cause);
  } else {
    // A backend cancels the calls it has not finished when it shuts down
    // (SIGTERM, a deploy), while a cancellation by our own caller never
    // reaches the caller at all: to the caller this is the backend going
    // away, which a retry can help with.
    return absl::UnavailableError(absl::StrCat("call to ", name, " at ", where,
                                               " was cancelled (shutting down?): ", cause));
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

  // 3. Store the normalised document as PENDING: from here on the article
  // is durable, and this is the point at which it counts as accepted.
  // created == false means another call stored the same id between our
  // lookup and now; storage kept the first one.
  document.set_state(v1::DOCUMENT_STATE_PENDING);
  absl::StatusOr<v1::PutDocumentResponse> put = storage_.PutDocument(document, Options(parent));
  if (!put.ok()) {
    if (IsBackendOutage(put.status())) {
      return DescribeBackendFailure(put.status(), "storage", at.storage);
    }
    spdlog::warn("storage refused id={}: {}", document.id(), put.status());
    return Rejected(index, put.status(), std::string(put.status().message()));
  }
  if (!put->created()) {
    result.set_outcome(v1::INGEST_OUTCOME_DUPLICATE);
    result.set_state(put->document().state());
    result.set_sentence_count(put->document().sentence_count());
    result.set_token_count(put->document().token_count());
    return result;
  }
  result.set_outcome(v1::INGEST_OUTCOME_CREATED);
  result.set_state(v1::DOCUMENT_STATE_PENDING);

  // 4. Annotate and attach (AnnotateAndAttach): an outage leaves the
  // document PENDING for the reconciler, a refusal marks it FAILED.
  const AttachOutcome attached = AnnotateAndAttach(document, parent);
  result.set_state(attached.state);
  result.set_sentence_count(attached.sentence_count);
  result.set_token_count(attached.token_count);
  if (!attached.failure.ok() && attached.state == v1::DOCUMENT_STATE_FAILED) {
    result.mutable_error()->set_code(static_cast<int>(attached.failure.code()));
    result.mutable_error()->set_message(std::string(attached.failure.message()));
  }
  return result;
}

IngestPipeline::AttachOutcome IngestPipeline::AnnotateAndAttach(
    const v1::Document& document, const grpc::ServerContextBase* parent) const {
  const BackendAddresses& at = config_.addresses;
  AttachOutcome outcome;
  // The annotator refuses only texts that are empty or too large for it:
  // the article's fault, for good.
  absl::StatusOr<v1::Annotations> annotations = annotator_.Annotate(document, Options(parent));
  absl::Status failure;
  if (annotations.ok()) {
    v1::AnnotateDocumentRequest attach;
    attach.set_id(document.id());
    *attach.mutable_annotations() = *std::move(annotations);
    absl::StatusOr<v1::AnnotateDocumentResponse> attached =
        storage_.AnnotateDocument(attach, Options(parent));
    if (attached.ok()) {
      if (attached->changed() && attached->document().state() == v1::DOCUMENT_STATE_ANNOTATED &&
          config_.on_annotated) {
        config_.on_annotated();
      }
      outcome.state = attached->document().state();
      outcome.sentence_count = attached->document().sentence_count();
      outcome.token_count = attached->document().token_count();
      return outcome;
    }
    if (IsBackendOutage(attached.status())) {
      outcome.failure = DescribeBackendFailure(attached.status(), "storage", at.storage);
      spdlog::warn("document id={} stays pending: {}", document.id(), outcome.failure);
      return outcome;
    }
    // Storage refused the annotations themselves: as permanent as a refusal
    // by the annotator.
    failure = attached.status();
  } else if (IsBackendOutage(annotations.status())) {
    outcome.failure = DescribeBackendFailure(annotations.status(), "annotator", at.annotator);
    spdlog::warn("document id={} stays pending: {}", document.id(), outcome.failure);
    return outcome;
  } else {
    failure = annotations.status();
  }
  outcome.failure = failure;
  v1::MarkDocumentFailedRequest mark;
  mark.set_id(document.id());
  mark.set_reason(std::string(failure.message()));
  absl::StatusOr<v1::AnnotateDocumentResponse> marked =
      storage_.MarkDocumentFailed(mark, Options(parent));
  if (!marked.ok()) {
    // Still PENDING: the reconciler will meet the same refusal and mark it.
    spdlog::warn("marking document id={} failed did not succeed: {}", document.id(),
                 marked.status());
    return outcome;
  }
  outcome.state = marked->document().state();
  return outcome;
}

}  // namespace korpus::gateway
