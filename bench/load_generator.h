// A closed-loop load generator for unary gRPC calls: `concurrency` calls
// are in flight at all times (each slot starts its next call when the
// previous one finishes) for `warmup` + `duration`; only calls that start
// after the warm-up and finish before its end are measured.
//
//   auto stub = korpus::v1::CorpusService::NewStub(channel);
//   LoadResult result = RunClosedLoop(
//       {.concurrency = 16, .duration = absl::Seconds(10)},
//       UnaryCaller<v1::GetDocumentRequest, v1::Document>(
//           [&](int slot, grpc::ClientContext* c, const auto* q, auto* r, auto done) {
//             stub->async()->GetDocument(c, q, r, std::move(done));
//           },
//           [&](int64_t n, v1::GetDocumentRequest& q) { q.set_id(ids[n % ids.size()]); }));
//
// Calls use gRPC's callback API: completions run on gRPC's own threads,
// so one client process can keep many calls in flight without a thread
// per call.
#ifndef KORPUS_BENCH_LOAD_GENERATOR_H_
#define KORPUS_BENCH_LOAD_GENERATOR_H_

#include <grpcpp/grpcpp.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/time/time.h"

namespace korpus::bench {

struct LoadOptions {
  // Calls in flight. Default 16.
  int concurrency = 16;
  // Measured time, after the warm-up. Default 10 s.
  absl::Duration duration = absl::Seconds(10);
  // Unmeasured time first (connections, caches, allocator). Default 2 s.
  absl::Duration warmup = absl::Seconds(2);
  // Deadline of each call. Default 5 s.
  absl::Duration call_timeout = absl::Seconds(5);
};

struct LoadResult {
  int64_t calls = 0;   // measured calls that succeeded
  int64_t errors = 0;  // measured calls that failed
  double seconds = 0;  // measured wall time
  double qps = 0;      // calls / seconds
  double p50_ms = 0, p99_ms = 0, p999_ms = 0, max_ms = 0;
  std::string first_error;  // empty if none
};

// Starts call number `n` on `slot` (0 <= slot < concurrency; a slot has at
// most one call in flight) and calls `done` exactly once when it finishes.
using StartCall = std::function<void(int slot, int64_t n, std::function<void(grpc::Status)> done)>;

// Blocks for warmup + duration (plus the last calls' completion).
LoadResult RunClosedLoop(const LoadOptions& options, const StartCall& start);

// Latency percentiles (milliseconds) of `samples`, sorted in place.
// `quantile` in [0, 1]; nearest rank.
double Percentile(std::vector<double>& samples, double quantile);

// A StartCall for one unary method: `call(slot, context, request,
// response, done)` starts the async call (e.g. stub->async()->GetDocument;
// `slot` lets the caller spread slots over several channels), and
// `fill(n, request)` writes request number n. Keeps one context, request
// and response per slot. `concurrency` and `timeout` must match the
// LoadOptions the caller is passed to.
template <typename Request, typename Response>
StartCall UnaryCaller(
    std::function<void(int, grpc::ClientContext*, const Request*, Response*,
                       std::function<void(grpc::Status)>)>
        call,
    std::function<void(int64_t, Request&)> fill, int concurrency,
    absl::Duration timeout = absl::Seconds(5)) {
  struct Slot {
    std::unique_ptr<grpc::ClientContext> context;
    Request request;
    Response response;
  };
  auto slots = std::make_shared<std::vector<Slot>>(concurrency);
  return [slots, call = std::move(call), fill = std::move(fill), timeout](
             int slot, int64_t n, std::function<void(grpc::Status)> done) {
    Slot& s = (*slots)[slot];
    s.context = std::make_unique<grpc::ClientContext>();
    s.context->set_deadline(absl::ToChronoTime(absl::Now() + timeout));
    s.request.Clear();
    s.response.Clear();
    fill(n, s.request);
    call(slot, s.context.get(), &s.request, &s.response, std::move(done));
  };
}

}  // namespace korpus::bench

#endif  // KORPUS_BENCH_LOAD_GENERATOR_H_
