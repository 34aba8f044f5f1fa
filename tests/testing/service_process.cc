#include "tests/testing/service_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <grpcpp/grpcpp.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "grpc/health/v1/health.grpc.pb.h"

namespace korpus::testing {
namespace {

// How often to look for the port file. Polling a condition with a deadline,
// not sleeping for a guessed duration: the loop ends as soon as it holds.
constexpr absl::Duration kPollInterval = absl::Milliseconds(5);

// Returns true (and the exit status) if the child has exited.
bool Reaped(pid_t pid, int* status) { return waitpid(pid, status, WNOHANG) == pid; }

}  // namespace

TempDir::TempDir() {
  const char* base = std::getenv("TMPDIR");
  std::string pattern = absl::StrCat(base != nullptr ? base : "/tmp", "/korpus-test-XXXXXX");
  char* made = mkdtemp(pattern.data());
  path_ = made != nullptr ? made : "";
}

TempDir::~TempDir() {
  std::error_code ignored;
  if (!path_.empty()) std::filesystem::remove_all(path_, ignored);
}

std::string TailOfFile(const std::string& path, size_t max_bytes) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  std::string text = buffer.str();
  return text.size() > max_bytes ? text.substr(text.size() - max_bytes) : text;
}

absl::Status WaitForServing(const std::string& address, absl::Duration timeout,
                            const std::string& service,
                            std::shared_ptr<grpc::ChannelCredentials> credentials) {
  auto stub = grpc::health::v1::Health::NewStub(grpc::CreateChannel(
      address, credentials != nullptr ? credentials : grpc::InsecureChannelCredentials()));
  const absl::Time deadline = absl::Now() + timeout;
  std::string last_problem = "no answer";
  while (absl::Now() < deadline) {
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(deadline));
    context.set_wait_for_ready(true);  // Waits for the connection, not a guess.
    grpc::health::v1::HealthCheckRequest request;
    request.set_service(service);
    grpc::health::v1::HealthCheckResponse response;
    grpc::Status status = stub->Check(&context, request, &response);
    if (status.ok() && response.status() == grpc::health::v1::HealthCheckResponse::SERVING) {
      return absl::OkStatus();
    }
    last_problem = status.ok() ? "NOT_SERVING" : status.error_message();
    if (!status.ok() && status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED) break;
    std::this_thread::sleep_for(absl::ToChronoMilliseconds(kPollInterval));
  }
  return absl::UnavailableError(
      absl::StrCat(address, " is not SERVING after ", absl::FormatDuration(timeout), ": ",
                   last_problem));
}

absl::StatusOr<std::unique_ptr<ServiceProcess>> ServiceProcess::Start(const ProcessSpec& spec,
                                                                      absl::Duration timeout) {
  const std::string port_file = absl::StrCat(spec.log_path, ".port");
  std::remove(port_file.c_str());

  std::vector<std::string> arguments = {spec.binary,
                                        absl::StrCat("--listen=127.0.0.1:", spec.port),
                                        absl::StrCat("--port_file=", port_file)};
  arguments.insert(arguments.end(), spec.args.begin(), spec.args.end());
  std::vector<char*> argv;
  for (std::string& argument : arguments) argv.push_back(argument.data());
  argv.push_back(nullptr);

  const int log_fd = open(spec.log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log_fd < 0) {
    return absl::InternalError(absl::StrCat("cannot open ", spec.log_path, ": ", strerror(errno)));
  }
  const pid_t pid = fork();
  if (pid < 0) {
    close(log_fd);
    return absl::InternalError(absl::StrCat("fork failed: ", strerror(errno)));
  }
  if (pid == 0) {
    dup2(log_fd, STDOUT_FILENO);
    dup2(log_fd, STDERR_FILENO);
    // The test process may block signals (servers do); the child must not
    // inherit that, or SIGTERM would never reach it.
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    for (const auto& [name, value] : spec.env) setenv(name.c_str(), value.c_str(), 1);
    execv(spec.binary.c_str(), argv.data());
    _exit(127);
  }
  close(log_fd);

  const absl::Time deadline = absl::Now() + timeout;
  int port = 0;
  while (port == 0) {
    int exit_status = 0;
    if (Reaped(pid, &exit_status)) {
      return absl::UnavailableError(absl::StrCat(spec.binary, " exited (status ", exit_status,
                                                 ") before serving:\n", TailOfFile(spec.log_path)));
    }
    std::ifstream in(port_file);
    if (in >> port && port > 0) break;
    port = 0;
    if (absl::Now() > deadline) {
      kill(pid, SIGKILL);
      waitpid(pid, nullptr, 0);
      return absl::UnavailableError(absl::StrCat(spec.binary, " wrote no port file within ",
                                                 absl::FormatDuration(timeout), ":\n",
                                                 TailOfFile(spec.log_path)));
    }
    std::this_thread::sleep_for(absl::ToChronoMilliseconds(kPollInterval));
  }
  auto process = std::unique_ptr<ServiceProcess>(new ServiceProcess(spec, pid, port));
  if (absl::Status serving = WaitForServing(process->address(), deadline - absl::Now(), "",
                                            spec.health_credentials);
      !serving.ok()) {
    return absl::UnavailableError(
        absl::StrCat(serving.message(), "\n", TailOfFile(spec.log_path)));
  }
  return process;
}

ServiceProcess::~ServiceProcess() { Kill(); }

std::string ServiceProcess::address() const { return absl::StrCat("127.0.0.1:", port_); }

absl::Status ServiceProcess::Stop(int signal, absl::Duration timeout) {
  if (pid_ <= 0) return absl::OkStatus();
  kill(pid_, signal);
  const absl::Time deadline = absl::Now() + timeout;
  int exit_status = 0;
  while (!Reaped(pid_, &exit_status)) {
    if (absl::Now() > deadline) {
      Kill();
      return absl::DeadlineExceededError(absl::StrCat(
          spec_.binary, " did not exit within ", absl::FormatDuration(timeout), " of signal ",
          signal));
    }
    std::this_thread::sleep_for(absl::ToChronoMilliseconds(kPollInterval));
  }
  pid_ = -1;
  if (!WIFEXITED(exit_status) || WEXITSTATUS(exit_status) != 0) {
    return absl::InternalError(absl::StrCat(spec_.binary, " ended with status ", exit_status,
                                            ":\n", TailOfFile(spec_.log_path)));
  }
  return absl::OkStatus();
}

void ServiceProcess::Kill() {
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  waitpid(pid_, nullptr, 0);
  pid_ = -1;
}

}  // namespace korpus::testing
