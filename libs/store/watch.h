// Internal to libs/store: a PollWatch request checked and resolved, for
// both backends (Store::PollWatch in store.h states the contract).
#ifndef KORPUS_LIBS_STORE_WATCH_H_
#define KORPUS_LIBS_STORE_WATCH_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "korpus/v1/document.pb.h"
#include "korpus/v1/storage.pb.h"
#include "libs/store/document_row.h"
#include "libs/store/query.h"

namespace korpus::store::internal {

// Most events one PollWatch returns, and its default.
inline constexpr int kMaxWatchEvents = 1000;
inline constexpr int kDefaultWatchEvents = 100;

struct WatchPlan {
  ParsedQuery query;
  v1::DocumentView view = v1::DOCUMENT_VIEW_BASIC;
  std::vector<std::string> entity_ids;
  ListFilters filters;
  int max_events = kDefaultWatchEvents;
  // What the cursors are bound to (BindingOf of the canonical query, view
  // and filters).
  std::string binding;
  // Start at the current last position (start_from_now) rather than after
  // `after`.
  bool from_now = false;
  // The position after which to deliver (the cursor's; 0 without one).
  int64_t after = 0;
};

// Checks `request` as Search checks its SearchRequest (messages name the
// WatchRequest fields) and decodes its cursor.
absl::StatusOr<WatchPlan> PrepareWatch(const v1::PollWatchRequest& request);

// The cursor for `position` under `plan`.
std::string WatchCursor(const WatchPlan& plan, int64_t position);

}  // namespace korpus::store::internal

#endif  // KORPUS_LIBS_STORE_WATCH_H_
