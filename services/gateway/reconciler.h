// The gateway's reconciler: annotates the documents that were stored but
// not annotated (state PENDING), because the annotator (or storage,
// attaching the annotations) was down or too slow when they were ingested.
//
//   Reconciler reconciler(storage, pipeline, {.interval = absl::Seconds(5)});
//   reconciler.Start();
//   ...                      // serve
//   reconciler.Stop();       // on SIGTERM
//
// Every `interval` one pass lists the PENDING documents oldest first
// (ListDocumentsRequest.state) and runs each through
// IngestPipeline::AnnotateAndAttach: annotated, or FAILED on a permanent
// refusal. While the annotator (or storage) is down a pass stops at the
// first outage and the wait before the next doubles, up to max_backoff;
// the first good pass resets it. Documents younger than min_age are left to
// the ingest call that is still annotating them.
//
// Safe with several gateways: attaching is idempotent
// (StorageService.AnnotateDocument leaves an ANNOTATED document as it is),
// so two reconcilers racing on one document annotate it twice at worst but
// store its annotations once.
#ifndef KORPUS_SERVICES_GATEWAY_RECONCILER_H_
#define KORPUS_SERVICES_GATEWAY_RECONCILER_H_

#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "libs/clients/storage_client.h"
#include "services/gateway/ingest_pipeline.h"

namespace korpus::gateway {

struct ReconcilerConfig {
  // Wait between passes while all is well. Must be positive.
  absl::Duration interval = absl::Seconds(5);
  // Longest wait between passes while a backend is down.
  absl::Duration max_backoff = absl::Minutes(1);
  // Documents stored less than this long ago are not touched yet.
  absl::Duration min_age = absl::Seconds(10);
  // Deadline of each ListDocuments call.
  absl::Duration backend_timeout = absl::Seconds(10);
  // Documents per ListDocuments page.
  int page_size = 100;
};

// What one pass did.
struct ReconcileStats {
  int annotated = 0;
  int failed = 0;
};

class Reconciler {
 public:
  // `storage` and `pipeline` must outlive the reconciler.
  Reconciler(const StorageClient& storage, const IngestPipeline& pipeline,
             ReconcilerConfig config);
  ~Reconciler();  // Stops.
  Reconciler(const Reconciler&) = delete;
  Reconciler& operator=(const Reconciler&) = delete;

  // Starts the background loop (once).
  void Start();
  // Stops the loop and waits for the pass in progress to end (its calls
  // are bounded by the backend timeouts). Idempotent.
  void Stop();

  // One pass, on the calling thread. The error of the first outage (the
  // pass stops there; what it did so far stays done).
  absl::StatusOr<ReconcileStats> RunOnce();

 private:
  void Loop();
  bool Stopping();

  const StorageClient& storage_;
  const IngestPipeline& pipeline_;
  const ReconcilerConfig config_;
  absl::Mutex mu_;
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace korpus::gateway

#endif  // KORPUS_SERVICES_GATEWAY_RECONCILER_H_
