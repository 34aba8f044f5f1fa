#include "tests/deploy/manifest.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <google/protobuf/util/json_util.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"

namespace korpus::testing {

const DeployPaths& DefaultDeployPaths() {
  static const DeployPaths* paths = new DeployPaths{
      .source_dir = KORPUS_SOURCE_DIR,
      .build_dir = KORPUS_BUILD_DIR,
      .node = KORPUS_NODE_BINARY,
      .k8s_script = absl::StrCat(KORPUS_SOURCE_DIR, "/tests/deploy/k8s.js"),
  };
  return *paths;
}

CommandResult RunCommand(const std::vector<std::string>& argv) {
  CommandResult result;
  int pipe_fds[2];
  if (argv.empty() || pipe2(pipe_fds, O_CLOEXEC) != 0) {
    result.output = "cannot run an empty command or create a pipe";
    return result;
  }
  const pid_t pid = fork();
  if (pid == 0) {
    dup2(pipe_fds[1], STDOUT_FILENO);
    dup2(pipe_fds[1], STDERR_FILENO);
    std::vector<char*> args;
    for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
    args.push_back(nullptr);
    execvp(args[0], args.data());
    const std::string message = absl::StrCat("cannot run ", argv[0], ": ", strerror(errno), "\n");
    (void)!write(STDERR_FILENO, message.data(), message.size());
    _exit(127);
  }
  close(pipe_fds[1]);
  char buffer[8192];
  ssize_t n;
  while ((n = read(pipe_fds[0], buffer, sizeof(buffer))) > 0) {
    result.output.append(buffer, static_cast<size_t>(n));
  }
  close(pipe_fds[0]);
  int status = 0;
  if (pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status)) {
    result.exit_code = WEXITSTATUS(status);
  }
  return result;
}

absl::StatusOr<std::vector<Json>> RenderOverlay(const std::string& dir) {
  const DeployPaths& paths = DefaultDeployPaths();
  CommandResult rendered = RunCommand({paths.node, paths.k8s_script, "render", dir});
  if (rendered.exit_code != 0) {
    return absl::InvalidArgumentError(absl::StrCat("rendering ", dir, ": ", rendered.output));
  }
  Json list;
  google::protobuf::util::Status parsed =
      google::protobuf::util::JsonStringToMessage(rendered.output, &list);
  if (!parsed.ok() || !list.has_list_value()) {
    return absl::InvalidArgumentError(
        absl::StrCat("rendering ", dir, " gave no JSON list: ", parsed.ToString()));
  }
  return std::vector<Json>(list.list_value().values().begin(), list.list_value().values().end());
}

absl::Status ValidateOverlay(const std::string& dir) {
  const DeployPaths& paths = DefaultDeployPaths();
  CommandResult validated = RunCommand({paths.node, paths.k8s_script, "validate", dir});
  if (validated.exit_code != 0) {
    return absl::InvalidArgumentError(absl::StrCat("validating ", dir, ":\n", validated.output));
  }
  return absl::OkStatus();
}

const Json* Get(const Json& value, std::initializer_list<std::string_view> path) {
  const Json* at = &value;
  for (std::string_view step : path) {
    if (!at->has_struct_value()) return nullptr;
    const auto& fields = at->struct_value().fields();
    auto it = fields.find(std::string(step));
    if (it == fields.end()) return nullptr;
    at = &it->second;
  }
  return at;
}

const Json* Get(const Json* value, std::initializer_list<std::string_view> path) {
  return value == nullptr ? nullptr : Get(*value, path);
}

std::string GetString(const Json* value, std::initializer_list<std::string_view> path) {
  const Json* at = Get(value, path);
  return at != nullptr && at->has_string_value() ? at->string_value() : "";
}

std::optional<int64_t> GetInt(const Json* value, std::initializer_list<std::string_view> path) {
  const Json* at = Get(value, path);
  if (at == nullptr || !at->has_number_value()) return std::nullopt;
  return static_cast<int64_t>(at->number_value());
}

std::vector<const Json*> GetList(const Json* value, std::initializer_list<std::string_view> path) {
  std::vector<const Json*> items;
  const Json* at = Get(value, path);
  if (at == nullptr || !at->has_list_value()) return items;
  for (const Json& item : at->list_value().values()) items.push_back(&item);
  return items;
}

std::vector<std::pair<std::string, std::string>> GetStringMap(
    const Json* value, std::initializer_list<std::string_view> path) {
  std::vector<std::pair<std::string, std::string>> entries;
  const Json* at = Get(value, path);
  if (at == nullptr || !at->has_struct_value()) return entries;
  for (const auto& [key, item] : at->struct_value().fields()) {
    if (item.has_string_value()) entries.emplace_back(key, item.string_value());
  }
  return entries;
}

std::vector<const Json*> OfKind(const std::vector<Json>& objects, std::string_view kind) {
  std::vector<const Json*> found;
  for (const Json& object : objects) {
    if (GetString(&object, {"kind"}) == kind) found.push_back(&object);
  }
  return found;
}

const Json* Find(const std::vector<Json>& objects, std::string_view kind, std::string_view name) {
  for (const Json* object : OfKind(objects, kind)) {
    if (GetString(object, {"metadata", "name"}) == name) return object;
  }
  return nullptr;
}

std::string Describe(const Json& object) {
  return absl::StrCat(GetString(&object, {"kind"}), "/", GetString(&object, {"metadata", "name"}));
}

absl::Status CopyTree(const std::string& from, const std::string& to) {
  std::error_code error;
  std::filesystem::create_directories(to, error);
  std::filesystem::copy(from, to, std::filesystem::copy_options::recursive, error);
  if (error) {
    return absl::InternalError(absl::StrCat("copying ", from, " to ", to, ": ", error.message()));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

absl::Status ReplaceOnce(const std::string& file, std::string_view from, std::string_view to) {
  absl::StatusOr<std::string> text = ReadFile(file);
  if (!text.ok()) return text.status();
  const size_t at = text->find(from);
  if (at == std::string::npos || text->find(from, at + 1) != std::string::npos) {
    return absl::FailedPreconditionError(
        absl::StrCat("'", std::string(from), "' does not occur exactly once in ", file));
  }
  text->replace(at, from.size(), to);
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out << *text;
  if (!out.flush()) return absl::InternalError(absl::StrCat("cannot write ", file));
  return absl::OkStatus();
}

}  // namespace korpus::testing
