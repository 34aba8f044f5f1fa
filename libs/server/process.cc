#include "libs/server/process.h"

#include <signal.h>

#include <cstdio>
#include <cstdlib>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/reflection.h"
#include "absl/flags/usage.h"
#include "absl/flags/usage_config.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "libs/server/logging.h"

ABSL_FLAG(std::string, log_level, "info",
          "One of trace, debug, info, warn, error, critical, off (env KORPUS_LOG_LEVEL).");

namespace korpus {
namespace {

// --help lists the flags of the program's own main.cc and the shared server
// flags; --helpfull lists Abseil's and gRPC's as well.
bool IsKorpusFlagFile(absl::string_view file) {
  return absl::StrContains(file, "main.cc") || absl::StrContains(file, "libs/server/") ||
         absl::StrContains(file, "tools/");
}

// Flag locations in --help relative to the repository ("libs/server/..."),
// not the build machine's absolute paths.
std::string RepositoryRelative(absl::string_view file) {
  for (absl::string_view root : {"libs/", "services/", "tools/", "tests/", "bench/"}) {
    if (size_t at = file.rfind(root); at != absl::string_view::npos) {
      return std::string(file.substr(at));
    }
  }
  return std::string(file);
}

std::string ProgramName(absl::string_view argv0) {
  const size_t slash = argv0.rfind('/');
  return std::string(slash == absl::string_view::npos ? argv0 : argv0.substr(slash + 1));
}

std::string EnvironmentName(absl::string_view flag_name) {
  return absl::StrCat("KORPUS_", absl::AsciiStrToUpper(flag_name));
}

}  // namespace

absl::Status ApplyEnvironmentFallbacks() {
  for (const auto& [name, flag] : absl::GetAllFlags()) {
    const std::string variable = EnvironmentName(name);
    const char* value = std::getenv(variable.c_str());
    if (value == nullptr) continue;
    std::string error;
    if (!flag->ParseFrom(value, &error)) {
      return absl::InvalidArgumentError(
          absl::StrCat("environment variable ", variable, "=\"", value, "\": ", error));
    }
  }
  return absl::OkStatus();
}

std::vector<std::string> InitProcess(int argc, char** argv, const ProcessInfo& info,
                                     bool handle_shutdown_signals) {
  if (handle_shutdown_signals) {
    // Blocked here, before gRPC starts its threads, so that every thread
    // inherits the mask and only WaitForShutdownSignal() sees the signals.
    // A shell starts background jobs with SIGINT ignored; an ignored signal
    // is discarded even while blocked, so restore the default first.
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  }
  absl::FlagsUsageConfig usage_config;
  usage_config.contains_help_flags = IsKorpusFlagFile;
  usage_config.contains_helpshort_flags = IsKorpusFlagFile;
  usage_config.normalize_filename = RepositoryRelative;
  usage_config.version_string = [] { return std::string("korpus 0.1.0\n"); };
  absl::SetFlagsUsageConfig(usage_config);
  absl::SetProgramUsageMessage(absl::StrCat(
      std::string(info.description),
      "\n\nEvery flag --name can also be set by the environment variable KORPUS_NAME "
      "(upper case); the command line wins.\n\nUsage: ", ProgramName(argv[0]), " [flags]"));

  // Debian's Abseil tracks lock ordering on every absl::Mutex acquisition
  // (a debugging aid that cost the gateway about 4 % of its CPU in
  // docs/BENCHMARKS.md's profile). Servers and tools run without it; unit
  // tests, which do not call InitProcess, keep it.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  if (absl::Status status = ApplyEnvironmentFallbacks(); !status.ok()) {
    std::fprintf(stderr, "%s\n", std::string(status.message()).c_str());
    std::exit(2);
  }
  std::vector<char*> positional = absl::ParseCommandLine(argc, argv);

  if (absl::Status status = InitLogging(info.name, absl::GetFlag(FLAGS_log_level), info.log_to_stderr);
      !status.ok()) {
    std::fprintf(stderr, "%s\n", std::string(status.message()).c_str());
    std::exit(2);
  }
  return std::vector<std::string>(positional.begin() + 1, positional.end());
}

std::string WaitForShutdownSignal() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  int received = 0;
  while (sigwait(&signals, &received) != 0) {
  }
  return received == SIGTERM ? "SIGTERM" : "SIGINT";
}

}  // namespace korpus
