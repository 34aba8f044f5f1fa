#include "tests/deploy/prometheus_text.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace korpus::testing {
namespace {

bool IsNameStart(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
}
bool IsNameChar(char c) { return IsNameStart(c) || (c >= '0' && c <= '9'); }

bool IsMetricName(absl::string_view name) {
  if (name.empty() || !IsNameStart(name[0])) return false;
  for (char c : name) {
    if (!IsNameChar(c)) return false;
  }
  return true;
}

bool IsLabelName(absl::string_view name) {
  return IsMetricName(name) && name.find(':') == absl::string_view::npos;
}

// Go's strconv.ParseFloat, which Prometheus uses: decimal or exponent
// notation, and NaN / +Inf / -Inf in any letter case.
bool ParseValue(absl::string_view text, double* value) {
  const std::string lower = absl::AsciiStrToLower(std::string(text));
  if (lower == "nan") {
    *value = std::nan("");
    return true;
  }
  if (lower == "+inf" || lower == "inf") {
    *value = INFINITY;
    return true;
  }
  if (lower == "-inf") {
    *value = -INFINITY;
    return true;
  }
  return !text.empty() && absl::SimpleAtod(text, value);
}

absl::Status LineError(int number, absl::string_view line, absl::string_view problem) {
  return absl::InvalidArgumentError(
      absl::StrCat("line ", number, " (", std::string(line), "): ", std::string(problem)));
}

// Parses `name{a="b",...} value [timestamp]`.
absl::Status ParseSample(absl::string_view line, int number, MetricSample* sample) {
  size_t at = 0;
  while (at < line.size() && IsNameChar(line[at])) ++at;
  sample->name = std::string(line.substr(0, at));
  if (!IsMetricName(sample->name)) return LineError(number, line, "bad metric name");
  if (at < line.size() && line[at] == '{') {
    ++at;
    while (true) {
      if (at < line.size() && line[at] == '}') {
        ++at;
        break;
      }
      const size_t name_start = at;
      while (at < line.size() && IsNameChar(line[at])) ++at;
      const std::string label(line.substr(name_start, at - name_start));
      if (!IsLabelName(label)) return LineError(number, line, "bad label name");
      if (at + 1 >= line.size() || line[at] != '=' || line[at + 1] != '"') {
        return LineError(number, line, "label without =\"value\"");
      }
      at += 2;
      std::string value;
      bool closed = false;
      while (at < line.size()) {
        const char c = line[at++];
        if (c == '"') {
          closed = true;
          break;
        }
        if (c == '\\') {
          if (at >= line.size()) break;
          const char escaped = line[at++];
          if (escaped == 'n') {
            value += '\n';
          } else if (escaped == '\\' || escaped == '"') {
            value += escaped;
          } else {
            return LineError(number, line, "bad escape in label value");
          }
        } else {
          value += c;
        }
      }
      if (!closed) return LineError(number, line, "unterminated label value");
      if (!sample->labels.emplace(label, value).second) {
        return LineError(number, line, "label given twice");
      }
      if (at < line.size() && line[at] == ',') ++at;
    }
  }
  if (at >= line.size() || line[at] != ' ') return LineError(number, line, "no value");
  std::vector<absl::string_view> rest =
      absl::StrSplit(line.substr(at + 1), ' ', absl::SkipEmpty());
  if (rest.empty() || rest.size() > 2) return LineError(number, line, "expected value [timestamp]");
  if (!ParseValue(rest[0], &sample->value)) return LineError(number, line, "bad value");
  int64_t timestamp = 0;
  if (rest.size() == 2 && !absl::SimpleAtoi(rest[1], &timestamp)) {
    return LineError(number, line, "bad timestamp");
  }
  return absl::OkStatus();
}

// The family a sample belongs to, given the declared types.
std::string FamilyOf(const std::string& sample_name,
                     const std::map<std::string, std::string>& types) {
  for (const char* suffix : {"_bucket", "_sum", "_count"}) {
    if (absl::EndsWith(sample_name, suffix)) {
      const std::string base = sample_name.substr(0, sample_name.size() - strlen(suffix));
      auto it = types.find(base);
      if (it != types.end() && (it->second == "histogram" || it->second == "summary")) return base;
    }
  }
  return sample_name;
}

bool Includes(const std::map<std::string, std::string>& labels,
              const std::map<std::string, std::string>& wanted) {
  for (const auto& [key, value] : wanted) {
    auto it = labels.find(key);
    if (it == labels.end() || it->second != value) return false;
  }
  return true;
}

}  // namespace

double Exposition::Sum(absl::string_view name,
                       const std::map<std::string, std::string>& labels) const {
  double sum = 0;
  for (const MetricSample& sample : samples) {
    if (sample.name == name && Includes(sample.labels, labels)) sum += sample.value;
  }
  return sum;
}

bool Exposition::Has(absl::string_view name,
                     const std::map<std::string, std::string>& labels) const {
  for (const MetricSample& sample : samples) {
    if (sample.name == name && Includes(sample.labels, labels)) return true;
  }
  return false;
}

absl::StatusOr<Exposition> ParsePrometheusText(absl::string_view text) {
  static const std::set<std::string> kTypes = {"counter", "gauge", "histogram", "summary",
                                               "untyped"};
  Exposition exposition;
  std::set<std::string> finished_families;  // families whose samples have ended
  std::set<std::string> sampled_families;
  std::string current_family;
  int number = 0;
  if (!text.empty() && text.back() != '\n') {
    return absl::InvalidArgumentError("the exposition does not end with a line feed");
  }
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++number;
    if (line.empty()) continue;
    if (line[0] == '#') {
      std::vector<absl::string_view> parts = absl::StrSplit(line, absl::MaxSplits(' ', 3));
      if (parts.size() >= 3 && (parts[1] == "HELP" || parts[1] == "TYPE")) {
        const std::string family(parts[2]);
        if (!IsMetricName(family)) return LineError(number, line, "bad metric name");
        if (parts[1] == "TYPE") {
          if (parts.size() != 4 || kTypes.count(std::string(parts[3])) == 0) {
            return LineError(number, line, "unknown type");
          }
          if (sampled_families.count(family) > 0) {
            return LineError(number, line, "TYPE after the family's samples");
          }
          if (!exposition.types.emplace(family, std::string(parts[3])).second) {
            return LineError(number, line, "TYPE given twice");
          }
        }
      }
      continue;  // Other comments are allowed.
    }
    MetricSample sample;
    if (absl::Status status = ParseSample(line, number, &sample); !status.ok()) return status;
    const std::string family = FamilyOf(sample.name, exposition.types);
    auto type = exposition.types.find(family);
    if (type != exposition.types.end() && type->second == "histogram") {
      if (sample.name == family) return LineError(number, line, "histogram sample without suffix");
      if (absl::EndsWith(sample.name, "_bucket") && sample.labels.count("le") == 0) {
        return LineError(number, line, "histogram bucket without le");
      }
    }
    if (family != current_family) {
      if (finished_families.count(family) > 0) {
        return LineError(number, line, "the family's samples are not together");
      }
      if (!current_family.empty()) finished_families.insert(current_family);
      current_family = family;
    }
    sampled_families.insert(family);
    exposition.samples.push_back(std::move(sample));
  }
  return exposition;
}

absl::StatusOr<HttpResponse> HttpGet(int port, const std::string& path, absl::Duration timeout) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return absl::InternalError(absl::StrCat("socket: ", strerror(errno)));
  struct Closer {
    int fd;
    ~Closer() { close(fd); }
  } closer{fd};
  const int timeout_ms = static_cast<int>(absl::ToInt64Milliseconds(timeout));
  timeval tv{.tv_sec = timeout_ms / 1000, .tv_usec = (timeout_ms % 1000) * 1000};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot connect to 127.0.0.1:", port, ": ", strerror(errno)));
  }
  const std::string request =
      absl::StrCat("GET ", path, " HTTP/1.0\r\nHost: 127.0.0.1:", port, "\r\n\r\n");
  if (send(fd, request.data(), request.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(request.size())) {
    return absl::UnavailableError(absl::StrCat("cannot send to 127.0.0.1:", port));
  }
  std::string raw;
  char buffer[8192];
  while (true) {
    const ssize_t n = recv(fd, buffer, sizeof(buffer), 0);
    if (n == 0) break;
    if (n < 0) {
      return absl::UnavailableError(
          absl::StrCat("reading from 127.0.0.1:", port, ": ", strerror(errno)));
    }
    raw.append(buffer, static_cast<size_t>(n));
  }
  const size_t header_end = raw.find("\r\n\r\n");
  if (header_end == std::string::npos) {
    return absl::UnavailableError(absl::StrCat("no HTTP response from 127.0.0.1:", port));
  }
  HttpResponse response;
  std::vector<absl::string_view> lines =
      absl::StrSplit(absl::string_view(raw).substr(0, header_end), "\r\n");
  std::vector<absl::string_view> status_line = absl::StrSplit(lines[0], ' ');
  if (status_line.size() < 2 || !absl::StartsWith(status_line[0], "HTTP/1.") ||
      !absl::SimpleAtoi(status_line[1], &response.status)) {
    return absl::UnavailableError(absl::StrCat("bad HTTP status line: ", std::string(lines[0])));
  }
  for (size_t i = 1; i < lines.size(); ++i) {
    const size_t colon = lines[i].find(':');
    if (colon == absl::string_view::npos) continue;
    response.headers[absl::AsciiStrToLower(std::string(lines[i].substr(0, colon)))] =
        std::string(absl::StripAsciiWhitespace(lines[i].substr(colon + 1)));
  }
  response.body = raw.substr(header_end + 4);
  return response;
}

absl::StatusOr<Exposition> ScrapeMetrics(int port) {
  absl::StatusOr<HttpResponse> response = HttpGet(port, "/metrics");
  if (!response.ok()) return response.status();
  if (response->status != 200) {
    return absl::UnavailableError(
        absl::StrCat("GET /metrics on port ", port, " answered ", response->status));
  }
  const std::string& type = response->headers["content-type"];
  if (!absl::StartsWith(type, "text/plain")) {
    return absl::InvalidArgumentError(
        absl::StrCat("GET /metrics on port ", port, " has Content-Type '", type, "'"));
  }
  return ParsePrometheusText(response->body);
}

}  // namespace korpus::testing
