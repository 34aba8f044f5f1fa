// Reading what a /metrics endpoint serves, for tests: a small HTTP/1.0 GET
// and a strict parser of the Prometheus text exposition format 0.0.4, so a
// test can both check that the text is valid and read values from it.
#ifndef KORPUS_TESTS_DEPLOY_PROMETHEUS_TEXT_H_
#define KORPUS_TESTS_DEPLOY_PROMETHEUS_TEXT_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace korpus::testing {

struct HttpResponse {
  int status = 0;
  // Header names in lower case.
  std::map<std::string, std::string> headers;
  std::string body;
};

// GET http://127.0.0.1:<port><path> (HTTP/1.0, so the server closes the
// connection after the body). UNAVAILABLE if nothing answers in `timeout`.
absl::StatusOr<HttpResponse> HttpGet(int port, const std::string& path,
                                     absl::Duration timeout = absl::Seconds(5));

struct MetricSample {
  std::string name;
  std::map<std::string, std::string> labels;
  double value = 0;
};

// A parsed exposition.
struct Exposition {
  // Family name -> type ("counter", "gauge", "histogram", "summary", "untyped").
  std::map<std::string, std::string> types;
  std::vector<MetricSample> samples;

  // Sum of the values of the samples called `name` whose labels include all
  // of `labels` (0 if there are none).
  double Sum(absl::string_view name, const std::map<std::string, std::string>& labels = {}) const;
  // True if a sample called `name` with these labels (at least) exists.
  bool Has(absl::string_view name, const std::map<std::string, std::string>& labels = {}) const;
};

// Parses `text`. INVALID_ARGUMENT naming the line for anything the format
// does not allow: a malformed name, label or value; a # TYPE with an unknown
// type, or after the family's samples, or twice; a sample of a counter
// without the _total-less family name or of a histogram that is not _bucket
// (with an le label), _sum or _count; a family split into parts.
absl::StatusOr<Exposition> ParsePrometheusText(absl::string_view text);

// HttpGet(port, "/metrics"), checked (status 200, a text/plain content type)
// and parsed.
absl::StatusOr<Exposition> ScrapeMetrics(int port);

}  // namespace korpus::testing

#endif  // KORPUS_TESTS_DEPLOY_PROMETHEUS_TEXT_H_
