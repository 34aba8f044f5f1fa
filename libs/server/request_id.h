// Request ids: one id follows an article or a query through the pipeline,
// so that the log lines of every service about it can be found together.
//
// Wire: the gRPC metadata key "x-request-id". Every korpus server (its
// interceptor, see metrics_interceptors.h) takes the id from the incoming
// call, or makes a new one if the call has none or an unusable one, returns
// it in the response's initial metadata, and makes it the thread's current
// id while the handler runs. The JSON logger (logging.h) writes the current
// id as the field "request_id"; the korpus clients (libs/clients) send it on
// every call made from that thread, so the backends log the same id.
//
// The current id is thread-local: it is visible to the synchronous gRPC
// handler that serves the call (every korpus service is synchronous), not
// to threads the handler starts.
#ifndef KORPUS_LIBS_SERVER_REQUEST_ID_H_
#define KORPUS_LIBS_SERVER_REQUEST_ID_H_

#include <string>
#include <string_view>

namespace korpus {

// The gRPC metadata key that carries the id (lower case, as gRPC requires).
inline constexpr char kRequestIdMetadataKey[] = "x-request-id";

// A fresh random id: 32 lower-case hex digits (128 bits). Thread-safe.
std::string NewRequestId();

// True if `id` is fit to log and forward: 1 to 128 characters from
// [A-Za-z0-9._:-]. Anything else coming from outside is replaced by a new id.
bool IsValidRequestId(std::string_view id);

// `incoming` if valid, otherwise NewRequestId().
std::string RequestIdOrNew(std::string_view incoming);

// The id of the call this thread is serving; empty if none.
const std::string& CurrentRequestId();

// Makes `id` the thread's current id for the lifetime of this object and
// restores the previous one afterwards.
class ScopedRequestId {
 public:
  explicit ScopedRequestId(std::string id);
  ~ScopedRequestId();
  ScopedRequestId(const ScopedRequestId&) = delete;
  ScopedRequestId& operator=(const ScopedRequestId&) = delete;

 private:
  std::string previous_;
};

// Sets the thread's current id (empty clears it). For the server
// interceptor, whose hooks begin and end a call in separate functions;
// other code uses ScopedRequestId.
void SetCurrentRequestId(std::string id);

}  // namespace korpus

#endif  // KORPUS_LIBS_SERVER_REQUEST_ID_H_
