// gRPC interceptors that give every korpus server and client its RPC
// metrics (see metrics.h for the names), its request ids (request_id.h) and,
// on servers, one access-log line per call.
//
// GrpcServer installs the server interceptor on every server; MakeChannel
// (libs/clients) installs the client interceptor on every channel. Nothing
// else needs to call these.
#ifndef KORPUS_LIBS_SERVER_METRICS_INTERCEPTORS_H_
#define KORPUS_LIBS_SERVER_METRICS_INTERCEPTORS_H_

#include <memory>

namespace grpc::experimental {
class ClientInterceptorFactoryInterface;
class ServerInterceptorFactoryInterface;
}  // namespace grpc::experimental

namespace korpus {

// Per call on the server: counts it and times it (from the arrival of its
// metadata to the sending of its status) under its method and status code;
// takes "x-request-id" from the call or makes one, returns it in the
// response's initial metadata and makes it the thread's current id while
// the handler runs; logs "<method> <code> <ms>" when the status is sent
// (health checks and reflection at debug level, everything else at info).
std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
MakeServerMetricsInterceptorFactory();

// Per call from a client: counts and times it under the backend method and
// the status received, and sends the thread's current request id (if any)
// as "x-request-id", so a backend call made while serving a call carries
// that call's id.
std::unique_ptr<grpc::experimental::ClientInterceptorFactoryInterface>
MakeClientMetricsInterceptorFactory();

}  // namespace korpus

#endif  // KORPUS_LIBS_SERVER_METRICS_INTERCEPTORS_H_
