// Start-up of every korpus executable (servers and korpusctl): flags with
// environment fallbacks, --help, JSON logs, signal set-up.
//
// Configuration: each flag --some_name may also be given as the environment
// variable KORPUS_SOME_NAME; a flag on the command line wins over the
// environment. Every program has --log_level (defined here); servers share
// the flags of server_flags.cc; each main.cc defines its own on top.
#ifndef KORPUS_LIBS_SERVER_PROCESS_H_
#define KORPUS_LIBS_SERVER_PROCESS_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"


namespace korpus {

struct ProcessInfo {
  // Short name used in logs and in --help, e.g. "gateway".
  std::string_view name;
  // First paragraph of --help: what the program does (Abseil prefixes it
  // with the program's path).
  std::string_view description;
  // Servers log to stdout (collected by the container runtime); command-line
  // tools log to stderr so that stdout carries only their output.
  bool log_to_stderr = false;
};

// Parses the command line (after applying KORPUS_* environment fallbacks),
// installs the JSON logger and, for servers, blocks SIGTERM and SIGINT in
// every thread so that WaitForShutdownSignal() receives them. Must be the
// first call in main(), before any thread starts. On a bad flag or value it
// prints the problem and exits with status 2. Returns the positional
// arguments (without argv[0]).
std::vector<std::string> InitProcess(int argc, char** argv, const ProcessInfo& info,
                                     bool handle_shutdown_signals = true);

// Gives every flag --name the value of the environment variable
// KORPUS_NAME, if set. InitProcess() calls it before parsing the command
// line (so the command line wins). INVALID_ARGUMENT for a value the flag
// cannot parse, naming the variable.
absl::Status ApplyEnvironmentFallbacks();

// Blocks until SIGTERM or SIGINT arrives; returns its name.
std::string WaitForShutdownSignal();

}  // namespace korpus

#endif  // KORPUS_LIBS_SERVER_PROCESS_H_
