#include "bench/load_generator.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <mutex>

namespace korpus::bench {
namespace {

using Clock = std::chrono::steady_clock;

double Milliseconds(Clock::duration d) {
  return std::chrono::duration<double, std::milli>(d).count();
}

// What the closed loop shares between gRPC's callback threads and the
// caller. Each slot's fields are touched only by its own call chain (one
// call at a time), so only the finish count needs the lock.
struct Loop {
  const StartCall* start;
  Clock::time_point measure_from, stop_at;
  std::atomic<int64_t> next_call{0};
  struct PerSlot {
    std::vector<double> latencies_ms;
    int64_t errors = 0;
    std::string first_error;
  };
  std::vector<PerSlot> slots;
  std::mutex mutex;
  std::condition_variable all_done;
  int running = 0;

  void Launch(int slot) {
    const Clock::time_point started = Clock::now();
    (*start)(slot, next_call.fetch_add(1), [this, slot, started](grpc::Status status) {
      const Clock::time_point finished = Clock::now();
      PerSlot& s = slots[slot];
      if (started >= measure_from && finished <= stop_at) {
        if (status.ok()) {
          s.latencies_ms.push_back(Milliseconds(finished - started));
        } else {
          ++s.errors;
          if (s.first_error.empty()) {
            s.first_error = std::to_string(status.error_code()) + ": " + status.error_message();
          }
        }
      }
      if (finished < stop_at) {
        Launch(slot);
        return;
      }
      std::lock_guard<std::mutex> lock(mutex);
      if (--running == 0) all_done.notify_all();
    });
  }
};

}  // namespace

double Percentile(std::vector<double>& samples, double quantile) {
  if (samples.empty()) return 0;
  std::sort(samples.begin(), samples.end());
  const double rank = std::ceil(quantile * static_cast<double>(samples.size()));
  const size_t index = rank < 1 ? 0 : static_cast<size_t>(rank) - 1;
  return samples[std::min(index, samples.size() - 1)];
}

LoadResult RunClosedLoop(const LoadOptions& options, const StartCall& start) {
  Loop loop;
  loop.start = &start;
  const Clock::time_point begin = Clock::now();
  loop.measure_from = begin + absl::ToChronoNanoseconds(options.warmup);
  loop.stop_at = loop.measure_from + absl::ToChronoNanoseconds(options.duration);
  loop.slots.resize(options.concurrency);
  loop.running = options.concurrency;
  for (int slot = 0; slot < options.concurrency; ++slot) loop.Launch(slot);
  {
    std::unique_lock<std::mutex> lock(loop.mutex);
    loop.all_done.wait(lock, [&] { return loop.running == 0; });
  }

  LoadResult result;
  std::vector<double> all;
  for (Loop::PerSlot& slot : loop.slots) {
    all.insert(all.end(), slot.latencies_ms.begin(), slot.latencies_ms.end());
    result.errors += slot.errors;
    if (result.first_error.empty()) result.first_error = slot.first_error;
  }
  result.calls = static_cast<int64_t>(all.size());
  result.seconds = absl::ToDoubleSeconds(options.duration);
  result.qps = result.seconds > 0 ? static_cast<double>(result.calls) / result.seconds : 0;
  result.p50_ms = Percentile(all, 0.50);
  result.p99_ms = Percentile(all, 0.99);
  result.p999_ms = Percentile(all, 0.999);
  result.max_ms = all.empty() ? 0 : all.back();
  return result;
}

}  // namespace korpus::bench
