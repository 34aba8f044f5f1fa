#include "services/gateway/gateway_service.h"

#include <algorithm>
#include <utility>

#include "absl/cleanup/cleanup.h"

#include "absl/strings/str_cat.h"
#include "libs/server/grpc_status.h"
#include "libs/server/logging.h"
#include "libs/server/unary_reactor.h"
#include "spdlog/spdlog.h"

namespace korpus::gateway {
namespace {

// One info line per article: index, id, outcome and sizes, never text.
void LogResult(const v1::IngestResult& result) {
  if (result.outcome() == v1::INGEST_OUTCOME_REJECTED) {
    spdlog::info("ingest index={} outcome={} code={} error={}", result.index(),
                 v1::IngestOutcome_Name(result.outcome()), result.error().code(),
                 result.error().message());
  } else {
    spdlog::info("ingest index={} id={} outcome={} sentences={} tokens={}", result.index(),
                 result.document_id(), v1::IngestOutcome_Name(result.outcome()),
                 result.sentence_count(), result.token_count());
  }
}

}  // namespace

absl::Status GatewayConfig::Validate() const {
  if (pipeline.backend_timeout <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--backend_timeout must be positive, got ",
                     absl::FormatDuration(pipeline.backend_timeout)));
  }
  if (watch_poll_interval <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--watch_poll_interval must be positive, got ",
                     absl::FormatDuration(watch_poll_interval)));
  }
  if (max_watchers < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("--max_watchers must be at least 1, got ", max_watchers));
  }
  if (max_batch_articles < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("--max_batch_articles must be at least 1, got ", max_batch_articles));
  }
  const std::pair<const char*, const std::string*> addresses[] = {
      {"--ingest_address", &pipeline.addresses.ingest},
      {"--annotator_address", &pipeline.addresses.annotator},
      {"--storage_address", &pipeline.addresses.storage}};
  for (const auto& [flag, address] : addresses) {
    if (address->empty()) return absl::InvalidArgumentError(absl::StrCat(flag, " is empty"));
  }
  return absl::OkStatus();
}

namespace {

// `config` with on_annotated also waking `hub`'s watches.
IngestPipelineConfig WakingWatches(IngestPipelineConfig config, WatchHub& hub) {
  config.on_annotated = [next = std::move(config.on_annotated), &hub] {
    hub.Notify();
    if (next) next();
  };
  return config;
}

}  // namespace

CorpusServiceImpl::CorpusServiceImpl(const IngestClient& ingest, const AnnotatorClient& annotator,
                                     const StorageClient& storage, GatewayConfig config)
    : storage_(storage),
      config_(std::move(config)),
      watch_hub_(config_.max_watchers),
      pipeline_(ingest, annotator, storage, WakingWatches(config_.pipeline, watch_hub_)) {}

CallOptions CorpusServiceImpl::StorageOptions(const grpc::ServerContextBase* context) const {
  return CallOptions{.timeout = config_.pipeline.backend_timeout, .parent = context};
}

absl::Status CorpusServiceImpl::FromStorage(const absl::Status& status) const {
  return DescribeBackendFailure(status, "storage", config_.pipeline.addresses.storage);
}

grpc::Status CorpusServiceImpl::IngestDocuments(grpc::ServerContext* context,
                                                const v1::IngestDocumentsRequest* request,
                                                v1::IngestDocumentsResponse* response) {
  const int count = request->articles_size();
  if (count == 0) {
    return ToGrpcStatus(absl::InvalidArgumentError(
        absl::StrCat("IngestDocumentsRequest.articles is empty; send 1 to ",
                     config_.max_batch_articles, " articles")));
  }
  if (count > config_.max_batch_articles) {
    return ToGrpcStatus(absl::ResourceExhaustedError(
        absl::StrCat("IngestDocumentsRequest.articles has ", count, " articles, more than the limit of ",
                     config_.max_batch_articles, "; split the batch or use StreamIngestDocuments")));
  }
  // One article after the other: the backends parallelise across calls, and
  // sequential processing keeps results and logs in request order.
  for (int index = 0; index < count; ++index) {
    absl::StatusOr<v1::IngestResult> result =
        pipeline_.Ingest(request->articles(index), index, context);
    if (!result.ok()) {
      // Articles before this one are stored; retrying the whole batch is
      // safe because ingest is idempotent by document id.
      spdlog::warn("ingest batch failed at index={} of {}: {}", index, count, result.status());
      return ToGrpcStatus(result.status());
    }
    LogResult(*result);
    switch (result->outcome()) {
      case v1::INGEST_OUTCOME_CREATED:
        response->set_created_count(response->created_count() + 1);
        break;
      case v1::INGEST_OUTCOME_DUPLICATE:
        response->set_duplicate_count(response->duplicate_count() + 1);
        break;
      default:
        response->set_rejected_count(response->rejected_count() + 1);
        break;
    }
    *response->add_results() = std::move(*result);
  }
  return grpc::Status::OK;
}

grpc::Status CorpusServiceImpl::StreamIngestDocuments(
    grpc::ServerContext* context,
    grpc::ServerReaderWriter<v1::IngestResult, v1::StreamIngestDocumentsRequest>* stream) {
  v1::StreamIngestDocumentsRequest request;
  int index = 0;
  while (stream->Read(&request)) {
    absl::StatusOr<v1::IngestResult> result = pipeline_.Ingest(request.article(), index, context);
    if (!result.ok()) {
      // Ends the stream after the results already sent; the client resends
      // from the first article without a result.
      spdlog::warn("ingest stream failed at index={}: {}", index, result.status());
      return ToGrpcStatus(result.status());
    }
    LogResult(*result);
    if (!stream->Write(*result)) {
      return ToGrpcStatus(absl::CancelledError("the client closed the stream"));
    }
    ++index;
  }
  return grpc::Status::OK;
}

template <typename Response>
AsyncDone<Response> CorpusServiceImpl::ReplyFromStorage(grpc::ServerUnaryReactor* reactor,
                                                        Response* response) const {
  return FinishWith(reactor, response,
                    [this](const absl::Status& status) { return FromStorage(status); });
}

grpc::ServerUnaryReactor* CorpusServiceImpl::GetDocument(grpc::CallbackServerContext* context,
                                                         const v1::GetDocumentRequest* request,
                                                         v1::Document* response) {
  if (request->id().empty()) {
    return FinishedReactor(context, absl::InvalidArgumentError("GetDocumentRequest.id is empty"));
  }
  v1::GetDocumentRequest forwarded = *request;
  if (forwarded.view() == v1::DOCUMENT_VIEW_UNSPECIFIED) {
    forwarded.set_view(v1::DOCUMENT_VIEW_FULL);
  }
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  storage_.GetDocumentAsync(std::move(forwarded), StorageOptions(context),
                            ReplyFromStorage(reactor, response));
  return reactor;
}

grpc::ServerUnaryReactor* CorpusServiceImpl::ListDocuments(
    grpc::CallbackServerContext* context, const v1::ListDocumentsRequest* request,
    v1::ListDocumentsResponse* response) {
  // Page sizes and tokens are storage's to check: it owns the pagination.
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  storage_.ListDocumentsAsync(*request, StorageOptions(context),
                              ReplyFromStorage(reactor, response));
  return reactor;
}

grpc::ServerUnaryReactor* CorpusServiceImpl::Search(grpc::CallbackServerContext* context,
                                                    const v1::SearchRequest* request,
                                                    v1::SearchResponse* response) {
  if (request->query().empty()) {
    return FinishedReactor(context, absl::InvalidArgumentError("SearchRequest.query is empty"));
  }
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  storage_.SearchAsync(*request, StorageOptions(context), ReplyFromStorage(reactor, response));
  return reactor;
}

grpc::ServerUnaryReactor* CorpusServiceImpl::GetStats(grpc::CallbackServerContext* context,
                                                      const v1::GetStatsRequest* request,
                                                      v1::CorpusStats* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  storage_.GetStatsAsync(StorageOptions(context), ReplyFromStorage(reactor, response));
  return reactor;
}

grpc::ServerUnaryReactor* CorpusServiceImpl::ListEntities(
    grpc::CallbackServerContext* context, const v1::ListEntitiesRequest* request,
    v1::ListEntitiesResponse* response) {
  // Filters, orders, page sizes and tokens are storage's to check.
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  storage_.ListEntitiesAsync(*request, StorageOptions(context),
                             ReplyFromStorage(reactor, response));
  return reactor;
}

grpc::ServerUnaryReactor* CorpusServiceImpl::GetEntity(grpc::CallbackServerContext* context,
                                                       const v1::GetEntityRequest* request,
                                                       v1::Entity* response) {
  if (request->entity_id().empty()) {
    return FinishedReactor(context,
                           absl::InvalidArgumentError("GetEntityRequest.entity_id is empty"));
  }
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  storage_.GetEntityAsync(*request, StorageOptions(context), ReplyFromStorage(reactor, response));
  return reactor;
}

grpc::ServerUnaryReactor* CorpusServiceImpl::ListCooccurrences(
    grpc::CallbackServerContext* context, const v1::ListCooccurrencesRequest* request,
    v1::ListCooccurrencesResponse* response) {
  if (request->entity_id().empty()) {
    return FinishedReactor(
        context, absl::InvalidArgumentError("ListCooccurrencesRequest.entity_id is empty"));
  }
  // Type, page size and token are storage's to check.
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  storage_.ListCooccurrencesAsync(*request, StorageOptions(context),
                                  ReplyFromStorage(reactor, response));
  return reactor;
}

namespace {

absl::Status CheckPageSize(int page_size, std::string_view field) {
  if (page_size < 0 || page_size > 1000) {
    return absl::InvalidArgumentError(
        absl::StrCat(std::string(field), " must be between 0 and 1000, got ", page_size));
  }
  return absl::OkStatus();
}

}  // namespace

grpc::ServerUnaryReactor* CorpusServiceImpl::ListQuotes(grpc::CallbackServerContext* context,
                                                        const v1::ListQuotesRequest* request,
                                                        v1::ListQuotesResponse* response) {
  if (absl::Status status = CheckPageSize(request->page_size(), "ListQuotesRequest.page_size");
      !status.ok()) {
    return FinishedReactor(context, status);
  }
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  storage_.ListQuotesAsync(*request, StorageOptions(context), ReplyFromStorage(reactor, response));
  return reactor;
}

grpc::ServerUnaryReactor* CorpusServiceImpl::GetTimeline(grpc::CallbackServerContext* context,
                                                         const v1::GetTimelineRequest* request,
                                                         v1::GetTimelineResponse* response) {
  if (absl::Status status = CheckPageSize(request->page_size(), "GetTimelineRequest.page_size");
      !status.ok()) {
    return FinishedReactor(context, status);
  }
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  storage_.GetTimelineAsync(*request, StorageOptions(context),
                            ReplyFromStorage(reactor, response));
  return reactor;
}

grpc::ServerUnaryReactor* CorpusServiceImpl::ListStories(grpc::CallbackServerContext* context,
                                                         const v1::ListStoriesRequest* request,
                                                         v1::ListStoriesResponse* response) {
  if (absl::Status status = CheckPageSize(request->page_size(), "ListStoriesRequest.page_size");
      !status.ok()) {
    return FinishedReactor(context, status);
  }
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  storage_.ListStoriesAsync(*request, StorageOptions(context),
                            ReplyFromStorage(reactor, response));
  return reactor;
}

grpc::ServerUnaryReactor* CorpusServiceImpl::GetStory(grpc::CallbackServerContext* context,
                                                      const v1::GetStoryRequest* request,
                                                      v1::Story* response) {
  if (request->story_id().empty()) {
    return FinishedReactor(context,
                           absl::InvalidArgumentError("GetStoryRequest.story_id is empty"));
  }
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  storage_.GetStoryAsync(*request, StorageOptions(context), ReplyFromStorage(reactor, response));
  return reactor;
}

grpc::Status CorpusServiceImpl::ExportDocuments(grpc::ServerContext* context,
                                                const v1::ExportDocumentsRequest* request,
                                                grpc::ServerWriter<v1::Document>* writer) {
  const absl::Status status = storage_.ExportDocuments(
      [writer](const v1::Document& document) { return writer->Write(document); },
      CallOptions{.timeout = absl::InfiniteDuration(), .parent = context});
  if (absl::IsCancelled(status)) return ToGrpcStatus(status);  // The client went away.
  return ToGrpcStatus(FromStorage(status));
}

grpc::Status CorpusServiceImpl::ImportDocuments(
    grpc::ServerContext* context, grpc::ServerReader<v1::ImportDocumentsRequest>* reader,
    v1::ImportDocumentsResponse* response) {
  v1::ImportDocumentsRequest request;
  absl::StatusOr<v1::ImportDocumentsResponse> result = storage_.ImportDocuments(
      [&](v1::Document& document) {
        if (!reader->Read(&request)) return false;
        document.Swap(request.mutable_document());
        return true;
      },
      CallOptions{.timeout = absl::InfiniteDuration(), .parent = context});
  if (!result.ok()) return ToGrpcStatus(FromStorage(result.status()));
  spdlog::info("import created={} duplicates={}", result->created_count(),
               result->duplicate_count());
  *response = *std::move(result);
  return grpc::Status::OK;
}

grpc::Status CorpusServiceImpl::DeleteDocument(grpc::ServerContext* context,
                                               const v1::DeleteDocumentRequest* request,
                                               v1::DeleteDocumentResponse* response) {
  if (request->id().empty()) {
    return ToGrpcStatus(absl::InvalidArgumentError("DeleteDocumentRequest.id is empty"));
  }
  absl::StatusOr<v1::DeleteDocumentResponse> result =
      storage_.DeleteDocument(*request, StorageOptions(context));
  if (!result.ok()) return ToGrpcStatus(FromStorage(result.status()));
  spdlog::info("deleted document id={}", request->id());
  *response = *std::move(result);
  return grpc::Status::OK;
}

grpc::Status CorpusServiceImpl::ReannotateDocuments(grpc::ServerContext* context,
                                                    const v1::ReannotateDocumentsRequest* request,
                                                    v1::ReannotateDocumentsResponse* response) {
  // Bounded by the caller's deadline only: queueing a large corpus takes
  // longer than one read (docs/RELIABILITY.md has figures).
  absl::StatusOr<v1::ReannotateDocumentsResponse> result = storage_.ReannotateDocuments(
      *request, CallOptions{.timeout = absl::InfiniteDuration(), .parent = context});
  if (!result.ok()) return ToGrpcStatus(FromStorage(result.status()));
  spdlog::info("queued {} documents for re-annotation", result->queued_count());
  *response = *std::move(result);
  return grpc::Status::OK;
}

grpc::Status CorpusServiceImpl::Watch(grpc::ServerContext* context,
                                      const v1::WatchRequest* request,
                                      grpc::ServerWriter<v1::WatchEvent>* writer) {
  if (!watch_hub_.Enter()) {
    return ToGrpcStatus(absl::ResourceExhaustedError(
        absl::StrCat("the gateway has ", config_.max_watchers,
                     " watches open, its limit (--max_watchers); retry later")));
  }
  absl::Cleanup leave = [this] { watch_hub_.Leave(); };
  // Cancellation is noticed between slices of the wait.
  constexpr absl::Duration kCancelCheck = absl::Milliseconds(100);
  v1::PollWatchRequest poll;
  *poll.mutable_watch() = *request;
  int64_t delivered = 0;
  while (!watch_hub_.stopped()) {
    if (context->IsCancelled()) return grpc::Status::CANCELLED;
    const uint64_t seen = watch_hub_.generation();
    absl::StatusOr<v1::PollWatchResponse> polled =
        storage_.PollWatch(poll, StorageOptions(context));
    if (!polled.ok()) {
      if (context->IsCancelled()) return grpc::Status::CANCELLED;
      spdlog::info("watch ended after {} events: {}", delivered, polled.status());
      return ToGrpcStatus(FromStorage(polled.status()));
    }
    for (const v1::WatchEvent& event : polled->events()) {
      if (!writer->Write(event)) return grpc::Status::CANCELLED;  // The client went away.
      ++delivered;
    }
    const bool moved = polled->cursor() != poll.watch().cursor();
    poll.mutable_watch()->set_cursor(polled->cursor());
    poll.mutable_watch()->set_start_from_now(false);
    // A full batch, or a scan that moved on without a match, may have more
    // behind it: poll again at once. Otherwise wait for news.
    const int batch = poll.max_events() > 0 ? poll.max_events() : 100;
    if (polled->events_size() >= batch || (moved && polled->events_size() == 0)) continue;
    const absl::Time until = absl::Now() + config_.watch_poll_interval;
    while (!context->IsCancelled() && watch_hub_.generation() == seen) {
      const absl::Duration left = until - absl::Now();
      if (left <= absl::ZeroDuration()) break;
      if (!watch_hub_.Wait(seen, std::min(left, kCancelCheck))) break;
    }
  }
  spdlog::info("watch ended by shutdown after {} events", delivered);
  return grpc::Status::OK;
}

}  // namespace korpus::gateway
