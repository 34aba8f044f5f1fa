// The gateway's per-article ingest pipeline: normalise (ingest service),
// detect a duplicate (storage), annotate (annotator), store (storage).
//
//   IngestPipeline pipeline(ingest, annotator, storage, config);
//   absl::StatusOr<v1::IngestResult> result = pipeline.Ingest(article, 0);
//
// An article that is bad in itself ends as an IngestResult with outcome
// REJECTED; only an outage of a backend (UNAVAILABLE, DEADLINE_EXCEEDED,
// CANCELLED) is returned as an error status, because then no verdict about
// the article exists and the caller should retry (ingest is idempotent by
// document id).
//
// No gRPC server types appear here except the optional parent call, whose
// deadline and cancellation propagate to every backend call.
#ifndef KORPUS_SERVICES_GATEWAY_INGEST_PIPELINE_H_
#define KORPUS_SERVICES_GATEWAY_INGEST_PIPELINE_H_

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "korpus/v1/corpus.pb.h"
#include "korpus/v1/document.pb.h"
#include "libs/clients/annotator_client.h"
#include "libs/clients/ingest_client.h"
#include "libs/clients/storage_client.h"

namespace korpus::gateway {

// Where the backends are, for error messages only (the clients already hold
// their channels).
struct BackendAddresses {
  std::string ingest;
  std::string annotator;
  std::string storage;
};

struct IngestPipelineConfig {
  // Deadline of each backend call (default 10 s); an earlier deadline of the
  // parent call wins.
  absl::Duration backend_timeout = absl::Seconds(10);
  BackendAddresses addresses;
  // If set, called after AnnotateAndAttach made a document ANNOTATED (on
  // the calling thread), e.g. to wake the gateway's watches.
  std::function<void()> on_annotated;
};

// True for the codes that mean "a backend could not give an answer":
// UNAVAILABLE, DEADLINE_EXCEEDED, CANCELLED, and a backend's refusal for
// overload (RESOURCE_EXHAUSTED from --max_concurrent_rpcs, see
// libs/server/admission.h). Such failures fail the whole gateway call
// instead of one article, and leave a stored article PENDING.
bool IsBackendOutage(const absl::Status& status);

// `status` from a call to the backend `service` ("storage") at `address`,
// with the message rewritten for outages so that a person at the top of the
// pipeline knows which service to look at, e.g. "storage is unavailable at
// 127.0.0.1:50054: failed to connect to all addresses". The code is kept,
// except that a backend's CANCELLED becomes UNAVAILABLE (a backend shutting
// down cancels the calls it has not finished; for the caller that is an
// outage to retry, not its own cancellation); non-outage statuses are
// returned as they are.
absl::Status DescribeBackendFailure(const absl::Status& status, std::string_view service,
                                    std::string_view address);

class IngestPipeline {
 public:
  // The clients must outlive the pipeline. Thread-safe: Ingest may run
  // concurrently (the clients are thread-safe, the pipeline holds no state).
  IngestPipeline(const IngestClient& ingest, const AnnotatorClient& annotator,
                 const StorageClient& storage, IngestPipelineConfig config);

  // Runs one article through the pipeline; `index` is copied into the
  // result. The normalised document is stored PENDING first (the article is
  // then accepted and durable), then annotated and the annotations attached
  // (StorageService.AnnotateDocument). Outcomes:
  //   CREATED    normalised and stored now; `state` says how far it got:
  //              ANNOTATED, PENDING (the annotator, or storage attaching,
  //              was down or too slow: the reconciler annotates it later)
  //              or FAILED (the annotator refused it; `error` says why);
  //   DUPLICATE  a document with the same id was stored already (found
  //              before storing, or reported by PutDocument when a
  //              concurrent ingest of the same article won the race);
  //              `state` is the stored one's;
  //   REJECTED   ingest refused the article (or storage refused it with a
  //              non-outage error); `error` carries the code and message and
  //              nothing was stored.
  // Returns an error (see IsBackendOutage) only if ingest or storage is down
  // or too slow before the document is stored; its message names the
  // service (see DescribeBackendFailure).
  absl::StatusOr<v1::IngestResult> Ingest(const v1::RawArticle& article, int index,
                                          const grpc::ServerContextBase* parent = nullptr) const;

 // What annotating a stored PENDING document came to.
  struct AttachOutcome {
    v1::DocumentState state = v1::DOCUMENT_STATE_PENDING;
    int32_t sentence_count = 0;
    int32_t token_count = 0;
    // Why it is not ANNOTATED (OK when it is).
    absl::Status failure;
  };

  // Annotates the stored PENDING `document` and attaches the annotations;
  // on a permanent refusal (of the annotator or of storage) marks it FAILED
  // with the reason. Never fails: an outage leaves it PENDING. Used by
  // Ingest and by the reconciler (reconciler.h).
  AttachOutcome AnnotateAndAttach(const v1::Document& document,
                                  const grpc::ServerContextBase* parent = nullptr) const;

 private:
  CallOptions Options(const grpc::ServerContextBase* parent) const;

  const IngestClient& ingest_;
  const AnnotatorClient& annotator_;
  const StorageClient& storage_;
  IngestPipelineConfig config_;
};

}  // namespace korpus::gateway

#endif  // KORPUS_SERVICES_GATEWAY_INGEST_PIPELINE_H_
