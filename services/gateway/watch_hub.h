// What the gateway's Watch streams share: the bound on open watches, the
// wake-up when this gateway itself makes a document searchable, and the
// stop at shutdown. Watches poll storage (other gateway replicas write
// too); the wake-up only makes a single gateway prompt.
//
//   WatchHub hub(100);
//   if (!hub.Enter()) return RESOURCE_EXHAUSTED;   // ... hub.Leave() at the end
//   uint64_t seen = hub.generation();  // before polling storage
//   ... poll ...
//   hub.Wait(seen, poll_interval);     // Notify(), Stop() or the interval
//
// Thread-safe.
#ifndef KORPUS_SERVICES_GATEWAY_WATCH_HUB_H_
#define KORPUS_SERVICES_GATEWAY_WATCH_HUB_H_

#include <cstdint>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace korpus::gateway {

class WatchHub {
 public:
  // At most `max_watchers` watches are open at once.
  explicit WatchHub(int max_watchers) : max_watchers_(max_watchers) {}

  // Takes a place for one watch: false when max_watchers are open. Each
  // true must be matched by one Leave().
  bool Enter();
  void Leave();
  int open() const;

  // Counts Notify() calls; take it before polling, so that a document made
  // searchable during the poll still wakes the Wait after it.
  uint64_t generation() const;
  // Wakes every Wait: a document became searchable.
  void Notify();
  // Returns when Notify() has been called since `seen` was taken, after
  // Stop(), or after `timeout`, whichever comes first; true unless
  // stopped.
  bool Wait(uint64_t seen, absl::Duration timeout);

  // Shutdown: every Wait returns false now and later, and watches end.
  void Stop();
  bool stopped() const;

 private:
  const int max_watchers_;
  mutable absl::Mutex mu_;
  int open_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t generation_ ABSL_GUARDED_BY(mu_) = 0;
  bool stopped_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace korpus::gateway

#endif  // KORPUS_SERVICES_GATEWAY_WATCH_HUB_H_
