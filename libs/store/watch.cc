#include "libs/store/watch.h"

#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "libs/store/entity_rows.h"
#include "libs/store/paging.h"

namespace korpus::store::internal {
namespace {

// The checks below are Search's: their messages name SearchRequest fields,
// which for a watch are the same-named WatchRequest fields.
absl::Status AsWatchError(const absl::Status& status) {
  return absl::Status(status.code(), absl::StrReplaceAll(status.message(),
                                                         {{"SearchRequest.", "WatchRequest."}}));
}

}  // namespace

absl::StatusOr<WatchPlan> PrepareWatch(const v1::PollWatchRequest& request) {
  const v1::WatchRequest& watch = request.watch();
  WatchPlan plan;
  if (request.max_events() < 0 || request.max_events() > kMaxWatchEvents) {
    return absl::InvalidArgumentError(
        absl::StrCat("PollWatchRequest.max_events must be between 0 and ", kMaxWatchEvents,
                     ", got ", request.max_events()));
  }
  if (request.max_events() > 0) plan.max_events = request.max_events();
  if (!watch.cursor().empty() && watch.start_from_now()) {
    return absl::InvalidArgumentError(
        "WatchRequest.cursor and WatchRequest.start_from_now are exclusive: resume from the "
        "cursor or start from now");
  }
  // Search's request, so that query and filters are read exactly as Search
  // reads them.
  v1::SearchRequest search;
  search.set_query(watch.query());
  *search.mutable_entity_ids() = watch.entity_ids();
  if (watch.has_published_after()) *search.mutable_published_after() = watch.published_after();
  if (watch.has_published_before()) {
    *search.mutable_published_before() = watch.published_before();
  }
  search.set_source_prefix(watch.source_prefix());
  if (absl::Status status = ValidateView(watch.view(), "WatchRequest.view"); !status.ok()) {
    return status;
  }
  plan.view = OrDefault(watch.view(), v1::DOCUMENT_VIEW_BASIC);
  absl::StatusOr<ParsedQuery> query = ParseQuery(search.query());
  if (!query.ok()) return AsWatchError(query.status());
  plan.query = *std::move(query);
  absl::StatusOr<std::vector<std::string>> entity_ids =
      EntityFilter(watch.entity_ids(), "WatchRequest.entity_ids");
  if (!entity_ids.ok()) return entity_ids.status();
  plan.entity_ids = *std::move(entity_ids);
  absl::StatusOr<ListFilters> filters = ParseListFilters(search);
  if (!filters.ok()) return AsWatchError(filters.status());
  plan.filters = *std::move(filters);
  plan.binding = BindingOf(absl::StrCat("watch\nview=", static_cast<int>(plan.view),
                                        "\nterms=", plan.query.Canonical(),
                                        EntityFilterBinding(plan.entity_ids),
                                        ListFiltersBinding(plan.filters)));
  plan.from_now = watch.start_from_now();
  if (!watch.cursor().empty()) {
    absl::StatusOr<int64_t> after =
        DecodePageToken(watch.cursor(), plan.binding, "WatchRequest.cursor");
    if (!after.ok()) return after.status();
    plan.after = *after;
  }
  return plan;
}

std::string WatchCursor(const WatchPlan& plan, int64_t position) {
  return EncodePageToken(position, plan.binding);
}

}  // namespace korpus::store::internal
