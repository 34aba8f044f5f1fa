#include "services/gateway/watch_hub.h"

namespace korpus::gateway {

bool WatchHub::Enter() {
  absl::MutexLock lock(&mu_);
  if (open_ >= max_watchers_) return false;
  ++open_;
  return true;
}

void WatchHub::Leave() {
  absl::MutexLock lock(&mu_);
  --open_;
}

int WatchHub::open() const {
  absl::MutexLock lock(&mu_);
  return open_;
}

uint64_t WatchHub::generation() const {
  absl::MutexLock lock(&mu_);
  return generation_;
}

void WatchHub::Notify() {
  absl::MutexLock lock(&mu_);
  ++generation_;
}

bool WatchHub::Wait(uint64_t seen, absl::Duration timeout) {
  absl::MutexLock lock(&mu_);
  auto woken = [this, seen]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return stopped_ || generation_ != seen;
  };
  mu_.AwaitWithTimeout(absl::Condition(&woken), timeout);
  return !stopped_;
}

void WatchHub::Stop() {
  absl::MutexLock lock(&mu_);
  stopped_ = true;
}

bool WatchHub::stopped() const {
  absl::MutexLock lock(&mu_);
  return stopped_;
}

}  // namespace korpus::gateway
