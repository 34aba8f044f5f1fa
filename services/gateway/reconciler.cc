#include "services/gateway/reconciler.h"

#include <algorithm>
#include <utility>

#include "absl/time/clock.h"
#include "libs/server/logging.h"
#include "spdlog/spdlog.h"

namespace korpus::gateway {

Reconciler::Reconciler(const StorageClient& storage, const IngestPipeline& pipeline,
                       ReconcilerConfig config)
    : storage_(storage), pipeline_(pipeline), config_(std::move(config)) {}

Reconciler::~Reconciler() { Stop(); }

void Reconciler::Start() {
  if (thread_.joinable()) return;
  thread_ = std::thread([this] { Loop(); });
}

void Reconciler::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stop_ = true;
  }
  if (thread_.joinable()) thread_.join();
}

bool Reconciler::Stopping() {
  absl::MutexLock lock(&mu_);
  return stop_;
}

void Reconciler::Loop() {
  absl::Duration wait = config_.interval;
  while (true) {
    {
      absl::MutexLock lock(&mu_);
      const auto stopping = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return stop_; };
      if (mu_.AwaitWithTimeout(absl::Condition(&stopping), wait)) return;
    }
    absl::StatusOr<ReconcileStats> pass = RunOnce();
    if (pass.ok()) {
      if (pass->annotated > 0 || pass->failed > 0) {
        spdlog::info("reconciler annotated {} pending documents, {} failed", pass->annotated,
                     pass->failed);
      }
      wait = config_.interval;
    } else {
      wait = std::min(wait * 2, std::max(config_.max_backoff, config_.interval));
      spdlog::warn("reconciler pass stopped: {}; next in {}", pass.status(),
                   absl::FormatDuration(wait));
    }
  }
}

absl::StatusOr<ReconcileStats> Reconciler::RunOnce() {
  ReconcileStats stats;
  v1::ListDocumentsRequest request;
  request.set_state(v1::DOCUMENT_STATE_PENDING);
  request.set_view(v1::DOCUMENT_VIEW_TEXT);
  request.set_page_size(config_.page_size);
  const absl::Time youngest = absl::Now() - config_.min_age;
  while (!Stopping()) {
    absl::StatusOr<v1::ListDocumentsResponse> page =
        storage_.ListDocuments(request, CallOptions{.timeout = config_.backend_timeout});
    if (!page.ok()) return page.status();
    for (const v1::Document& document : page->documents()) {
      if (Stopping()) return stats;
      // Oldest first: the rest are younger still.
      if (absl::FromUnixSeconds(document.ingested_at().seconds()) +
              absl::Nanoseconds(document.ingested_at().nanos()) >
          youngest) {
        return stats;
      }
      const IngestPipeline::AttachOutcome outcome = pipeline_.AnnotateAndAttach(document);
      if (outcome.state == v1::DOCUMENT_STATE_ANNOTATED) {
        ++stats.annotated;
      } else if (outcome.state == v1::DOCUMENT_STATE_FAILED) {
        ++stats.failed;
      } else if (absl::IsNotFound(outcome.failure)) {
        // Deleted (DeleteDocument) since it was listed: nothing to annotate.
        continue;
      } else {
        return outcome.failure.ok() ? absl::UnavailableError("document stayed pending")
                                    : outcome.failure;
      }
    }
    if (page->next_page_token().empty()) break;
    request.set_page_token(page->next_page_token());
  }
  return stats;
}

}  // namespace korpus::gateway
