#include "libs/server/request_id.h"

#include <utility>

#include "absl/random/random.h"

namespace korpus {
namespace {

std::string& ThreadRequestId() {
  thread_local std::string id;
  return id;
}

}  // namespace

std::string NewRequestId() {
  static constexpr char kHex[] = "0123456789abcdef";
  thread_local absl::BitGen random;
  std::string id(32, '0');
  for (char& digit : id) digit = kHex[absl::Uniform(random, 0, 16)];
  return id;
}

bool IsValidRequestId(std::string_view id) {
  if (id.empty() || id.size() > 128) return false;
  for (char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == ':' || c == '-';
    if (!ok) return false;
  }
  return true;
}

std::string RequestIdOrNew(std::string_view incoming) {
  return IsValidRequestId(incoming) ? std::string(incoming) : NewRequestId();
}

const std::string& CurrentRequestId() { return ThreadRequestId(); }

void SetCurrentRequestId(std::string id) { ThreadRequestId() = std::move(id); }

ScopedRequestId::ScopedRequestId(std::string id) : previous_(std::move(ThreadRequestId())) {
  ThreadRequestId() = std::move(id);
}

ScopedRequestId::~ScopedRequestId() { ThreadRequestId() = std::move(previous_); }

}  // namespace korpus
