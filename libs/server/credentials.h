// The credentials a korpus server listens with: plaintext or TLS (tls.h),
// and, if an AccessPolicy is given, the policy applied to every call in
// gRPC's server auth filter, before the call reaches any interceptor or
// handler. (gRPC's C++ server interceptors cannot refuse a call, and
// InsecureServerCredentials() refuses an AuthMetadataProcessor, hence this
// small ServerCredentials of our own on gRPC's C credentials API.)
//
// A refused call ends with UNAUTHENTICATED or PERMISSION_DENIED and the
// policy's message; it is logged (method and code, never the token) and
// counted in korpus_access_denied_total{grpc_code}. The "authorization"
// header of an admitted call is removed from its metadata, so handlers and
// logs never see the token.
//
// If an AdmissionLimiter is given, a call the policy admits must then get a
// slot from it (admission.h), else it ends with RESOURCE_EXHAUSTED, counted
// in korpus_admission_refused_total.
#ifndef KORPUS_LIBS_SERVER_CREDENTIALS_H_
#define KORPUS_LIBS_SERVER_CREDENTIALS_H_

#include <memory>
#include <optional>

#include "libs/server/access_control.h"
#include "libs/server/admission.h"
#include "libs/server/tls.h"

namespace grpc {
class ServerCredentials;
}  // namespace grpc

namespace korpus {

// `policy` may be null (every call admitted); `admission` may be null (no
// concurrency limit).
std::shared_ptr<grpc::ServerCredentials> MakeServerCredentials(
    const std::optional<ServerTls>& tls, std::shared_ptr<const AccessPolicy> policy,
    std::shared_ptr<AdmissionLimiter> admission = nullptr);

// Plaintext credentials that admit only grpc.health.v1.Health calls (any
// other call: PERMISSION_DENIED), for a second port that probes unable to
// speak TLS can use (ServerOptions::health_listen_address).
std::shared_ptr<grpc::ServerCredentials> MakeHealthOnlyCredentials();

}  // namespace korpus

#endif  // KORPUS_LIBS_SERVER_CREDENTIALS_H_
