// Admission control: a bound on the calls a korpus server works on at once
// (--max_concurrent_rpcs), so that overload is refused at once with
// RESOURCE_EXHAUSTED instead of queueing calls, threads and their messages
// until memory runs out.
//
// A call of one of the server's own services (not health checking, not
// reflection) is admitted or refused in gRPC's server auth filter
// (credentials.h), right after the access check and before any interceptor
// or handler: this is the one place every call passes, whether its handler
// is synchronous, on the callback API or a stream, so no handler needs code
// of its own (gRPC 1.51's server interceptors cannot refuse a call). A
// refused call never reaches a handler and its request message is
// discarded. An admitted call holds its slot until its status is sent (or,
// if it never gets one, until gRPC destroys it): the interceptor from
// MakeAdmissionInterceptorFactory() gives it back. A stream holds one slot
// for as long as it is open.
//
// Calls over GrpcServer::InProcessChannel() bypass the auth filter and
// therefore the limit (tests only); they take no slot either.
#ifndef KORPUS_LIBS_SERVER_ADMISSION_H_
#define KORPUS_LIBS_SERVER_ADMISSION_H_

#include <atomic>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"

namespace grpc::experimental {
class ServerInterceptorFactoryInterface;
}  // namespace grpc::experimental

namespace korpus {

// Whether `status` is an admission refusal: RESOURCE_EXHAUSTED because a
// server had --max_concurrent_rpcs calls in flight (also when relayed with a
// prefix, "storage: ..."). Unlike RESOURCE_EXHAUSTED for a request over a
// size limit, it is transient: the same call may succeed after a backoff.
bool IsAdmissionRefusal(const absl::Status& status);

// Thread-safe; lock-free.
class AdmissionLimiter {
 public:
  // `max_in_flight` <= 0: no limit (every call admitted, none counted).
  // `limited_methods`: the full method paths ("/korpus.v1.CorpusService/Search")
  // the limit applies to; calls of other methods are always admitted.
  AdmissionLimiter(std::string service_name, int max_in_flight,
                   std::vector<std::string> limited_methods);

  // Whether calls of `method` (a full path, as in ":path") count.
  bool Limits(std::string_view method) const;

  // For a limited method: takes a slot, or RESOURCE_EXHAUSTED naming the
  // limit and the flag if all are taken. Every OK must be paired with one
  // Release().
  absl::Status TryAdmit();
  void Release();

  int in_flight() const { return in_flight_.load(std::memory_order_relaxed); }
  int limit() const { return max_in_flight_; }
  // Calls refused since start.
  int64_t refused() const { return refused_.load(std::memory_order_relaxed); }

 private:
  const std::string service_name_;
  const int max_in_flight_;
  const absl::flat_hash_set<std::string> limited_methods_;
  std::atomic<int> in_flight_{0};
  std::atomic<int64_t> refused_{0};
  // When the last refusal was logged (absl::ToUnixNanos), to log overload
  // at most once per interval rather than once per refused call.
  std::atomic<int64_t> last_log_nanos_{0};
};

// The server interceptor that gives an admitted call's slot back when its
// status is sent, or when the call is destroyed without one. It recognises
// an admitted call as one of a limited method that came through the
// server's credentials (it has a transport security type: "insecure" or
// "ssl"), which is where TryAdmit() ran.
std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
MakeAdmissionInterceptorFactory(std::shared_ptr<AdmissionLimiter> limiter);

}  // namespace korpus

#endif  // KORPUS_LIBS_SERVER_ADMISSION_H_
