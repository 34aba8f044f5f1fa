// The rendered Kubernetes manifests as data for tests: rendering and
// validating an overlay (through tests/deploy/k8s.js), navigating the JSON,
// and copying and mutating a manifest tree.
#ifndef KORPUS_TESTS_DEPLOY_MANIFEST_H_
#define KORPUS_TESTS_DEPLOY_MANIFEST_H_

#include <google/protobuf/struct.pb.h>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace korpus::testing {

using Json = google::protobuf::Value;

// Paths compiled in by CMake.
struct DeployPaths {
  std::string source_dir;   // the repository
  std::string build_dir;    // the CMake build directory under test
  std::string node;         // the node executable
  std::string k8s_script;   // tests/deploy/k8s.js
};
const DeployPaths& DefaultDeployPaths();

struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};
// Runs argv[0] (searched on PATH) and waits for it.
CommandResult RunCommand(const std::vector<std::string>& argv);

// `kubectl kustomize dir`, as a list of objects. INVALID_ARGUMENT with the
// renderer's message if it fails.
absl::StatusOr<std::vector<Json>> RenderOverlay(const std::string& dir);

// Renders `dir` and checks every object against the Kubernetes schemas (see
// k8s.js). INVALID_ARGUMENT listing the problems.
absl::Status ValidateOverlay(const std::string& dir);

// JSON navigation; nullptr / std::nullopt / "" when a step is missing or of
// another type.
const Json* Get(const Json& value, std::initializer_list<std::string_view> path);
const Json* Get(const Json* value, std::initializer_list<std::string_view> path);
std::string GetString(const Json* value, std::initializer_list<std::string_view> path = {});
std::optional<int64_t> GetInt(const Json* value, std::initializer_list<std::string_view> path = {});
// The elements of a list (empty if not a list).
std::vector<const Json*> GetList(const Json* value,
                                 std::initializer_list<std::string_view> path = {});
// The string-valued fields of an object (e.g. labels, ConfigMap data).
std::vector<std::pair<std::string, std::string>> GetStringMap(
    const Json* value, std::initializer_list<std::string_view> path = {});

// Objects of one kind; the object of a kind and name (nullptr if none).
std::vector<const Json*> OfKind(const std::vector<Json>& objects, std::string_view kind);
const Json* Find(const std::vector<Json>& objects, std::string_view kind, std::string_view name);
// "Kind/name", for messages.
std::string Describe(const Json& object);

// Copies the directory tree `from` to `to` (created).
absl::Status CopyTree(const std::string& from, const std::string& to);
// Replaces the one occurrence of `from` in the file by `to`; FAILED_PRECONDITION
// if `from` occurs zero or several times (so a mutation test cannot silently
// mutate nothing).
absl::Status ReplaceOnce(const std::string& file, std::string_view from, std::string_view to);
absl::StatusOr<std::string> ReadFile(const std::string& path);

}  // namespace korpus::testing

#endif  // KORPUS_TESTS_DEPLOY_MANIFEST_H_
