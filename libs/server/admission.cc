#include "libs/server/admission.h"

#include <grpc/grpc_security_constants.h>
#include <grpcpp/security/auth_context.h>
#include <grpcpp/server_context.h>
#include <grpcpp/support/server_interceptor.h>

#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "spdlog/spdlog.h"

namespace korpus {
namespace {

using grpc::experimental::InterceptionHookPoints;

constexpr absl::Duration kLogInterval = absl::Seconds(10);
// In every refusal's message; IsAdmissionRefusal() looks for it.
constexpr char kRefusalMarker[] = "its limit (--max_concurrent_rpcs)";

class AdmissionInterceptor final : public grpc::experimental::Interceptor {
 public:
  AdmissionInterceptor(grpc::experimental::ServerRpcInfo* info, AdmissionLimiter* limiter)
      : info_(info), limiter_(limiter) {}
  ~AdmissionInterceptor() override { ReleaseOnce(); }

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::POST_RECV_INITIAL_METADATA) &&
        info_->method() != nullptr && limiter_->Limits(info_->method())) {
      // Only a call that passed the server's credentials went through
      // TryAdmit(); an in-process call has no auth context.
      const std::shared_ptr<const grpc::AuthContext> auth = info_->server_context()->auth_context();
      holds_slot_ = auth != nullptr &&
                    !auth->FindPropertyValues(GRPC_TRANSPORT_SECURITY_TYPE_PROPERTY_NAME).empty();
    }
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_STATUS)) {
      ReleaseOnce();
    }
    methods->Proceed();
  }

 private:
  void ReleaseOnce() {
    if (!holds_slot_) return;
    holds_slot_ = false;
    limiter_->Release();
  }

  grpc::experimental::ServerRpcInfo* info_;
  AdmissionLimiter* limiter_;
  bool holds_slot_ = false;
};

class AdmissionInterceptorFactory final
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit AdmissionInterceptorFactory(std::shared_ptr<AdmissionLimiter> limiter)
      : limiter_(std::move(limiter)) {}

  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override {
    return new AdmissionInterceptor(info, limiter_.get());
  }

 private:
  std::shared_ptr<AdmissionLimiter> limiter_;
};

}  // namespace

AdmissionLimiter::AdmissionLimiter(std::string service_name, int max_in_flight,
                                   std::vector<std::string> limited_methods)
    : service_name_(std::move(service_name)),
      max_in_flight_(max_in_flight),
      limited_methods_(limited_methods.begin(), limited_methods.end()) {}

bool AdmissionLimiter::Limits(std::string_view method) const {
  return max_in_flight_ > 0 &&
         limited_methods_.contains(absl::string_view(method.data(), method.size()));
}

absl::Status AdmissionLimiter::TryAdmit() {
  int current = in_flight_.load(std::memory_order_relaxed);
  while (current < max_in_flight_) {
    if (in_flight_.compare_exchange_weak(current, current + 1, std::memory_order_acq_rel)) {
      return absl::OkStatus();
    }
  }
  const int64_t refused = refused_.fetch_add(1, std::memory_order_relaxed) + 1;
  const int64_t now = absl::ToUnixNanos(absl::Now());
  int64_t last = last_log_nanos_.load(std::memory_order_relaxed);
  if (now - last >= absl::ToInt64Nanoseconds(kLogInterval) &&
      last_log_nanos_.compare_exchange_strong(last, now, std::memory_order_relaxed)) {
    spdlog::warn("{} overloaded: {} calls in flight, the limit (--max_concurrent_rpcs); "
                 "{} calls refused with RESOURCE_EXHAUSTED since start",
                 service_name_, max_in_flight_, refused);
  }
  return absl::ResourceExhaustedError(absl::StrCat(
      service_name_.empty() ? "the server" : absl::StrCat("korpus-", service_name_), " is busy: ", max_in_flight_,
      " calls are in flight, ", kRefusalMarker, "; retry with backoff"));
}

bool IsAdmissionRefusal(const absl::Status& status) {
  return absl::IsResourceExhausted(status) && absl::StrContains(status.message(), kRefusalMarker);
}

void AdmissionLimiter::Release() { in_flight_.fetch_sub(1, std::memory_order_acq_rel); }

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
MakeAdmissionInterceptorFactory(std::shared_ptr<AdmissionLimiter> limiter) {
  return std::make_unique<AdmissionInterceptorFactory>(std::move(limiter));
}

}  // namespace korpus
