// Starting the real korpus binaries in tests and benchmarks: each on a free
// loopback port (port 0 + --port_file), ready once its health check says
// SERVING; stopped with a signal and reaped.
#ifndef KORPUS_TESTS_TESTING_SERVICE_PROCESS_H_
#define KORPUS_TESTS_TESTING_SERVICE_PROCESS_H_

#include <sys/types.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace grpc {
class ChannelCredentials;
}  // namespace grpc

namespace korpus::testing {

// A fresh directory under $TMPDIR (or /tmp), removed by the destructor.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

struct ProcessSpec {
  std::string binary;
  // Extra arguments; --listen and --port_file are added by Start().
  std::vector<std::string> args;
  // Added to the inherited environment.
  std::vector<std::pair<std::string, std::string>> env;
  // The process's stdout and stderr go here.
  std::string log_path;
  // 0 picks a free port; a fixed port is for restarting a service on the
  // address its clients already know.
  int port = 0;
  // Credentials of the health check that tells when the process serves;
  // null: plaintext. For servers started with --tls_cert_file.
  std::shared_ptr<grpc::ChannelCredentials> health_credentials;
};

class ServiceProcess {
 public:
  // Starts the process and waits until it has written its port file and
  // its health check reports SERVING. UNAVAILABLE (with the log's tail) if
  // the process exits first or is not serving within `timeout`.
  static absl::StatusOr<std::unique_ptr<ServiceProcess>> Start(
      const ProcessSpec& spec, absl::Duration timeout = absl::Seconds(30));
  ~ServiceProcess();  // SIGKILL if still running.

  int port() const { return port_; }
  std::string address() const;
  pid_t pid() const { return pid_; }
  const ProcessSpec& spec() const { return spec_; }

  // Sends `signal` and waits for the exit. OK if the process exited with
  // status 0 within `timeout`; otherwise it is killed and an error returned.
  absl::Status Stop(int signal, absl::Duration timeout = absl::Seconds(15));
  // SIGKILL and reap.
  void Kill();

 private:
  ServiceProcess(ProcessSpec spec, pid_t pid, int port)
      : spec_(std::move(spec)), pid_(pid), port_(port) {}

  ProcessSpec spec_;
  pid_t pid_;
  int port_;
};

// Waits until the gRPC health service at `address` reports SERVING for
// `service` ("" = the whole server), up to `timeout`.
// `credentials` null: plaintext.
absl::Status WaitForServing(const std::string& address, absl::Duration timeout,
                            const std::string& service = "",
                            std::shared_ptr<grpc::ChannelCredentials> credentials = nullptr);

// The last `max_bytes` of a file, for error messages.
std::string TailOfFile(const std::string& path, size_t max_bytes = 2000);

}  // namespace korpus::testing

#endif  // KORPUS_TESTS_TESTING_SERVICE_PROCESS_H_
