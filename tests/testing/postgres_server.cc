#include "tests/testing/postgres_server.h"

#include <fcntl.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <pwd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace korpus::testing {
namespace {

std::string Tail(const std::string& path, size_t max_bytes = 2000) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  std::string text = buffer.str();
  return text.size() > max_bytes ? text.substr(text.size() - max_bytes) : text;
}

// Runs argv to completion with stdout and stderr appended to `log_path`.
// OK if it exited 0.
absl::Status Run(const std::vector<std::string>& args, const std::string& log_path) {
  std::vector<std::string> arguments = args;
  std::vector<char*> argv;
  for (std::string& argument : arguments) argv.push_back(argument.data());
  argv.push_back(nullptr);
  const int log_fd = open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log_fd < 0) {
    return absl::InternalError(absl::StrCat("cannot open ", log_path, ": ", strerror(errno)));
  }
  const pid_t pid = fork();
  if (pid < 0) {
    close(log_fd);
    return absl::InternalError(absl::StrCat("fork failed: ", strerror(errno)));
  }
  if (pid == 0) {
    dup2(log_fd, STDOUT_FILENO);
    dup2(log_fd, STDERR_FILENO);
    const int null_fd = open("/dev/null", O_RDONLY);
    if (null_fd >= 0) dup2(null_fd, STDIN_FILENO);
    // The tools may run as another user, who cannot enter our directory.
    if (chdir("/") != 0) _exit(126);
    execv(argv[0], argv.data());
    _exit(127);
  }
  close(log_fd);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return absl::InternalError(absl::StrCat(absl::StrJoin(args, " "), " failed (status ", status,
                                            "):\n", Tail(log_path)));
  }
  return absl::OkStatus();
}

// A port that was free a moment ago: bind to port 0 and let the kernel pick.
int FreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return 0;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t length = sizeof address;
  int port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
    port = ntohs(address.sin_port);
  }
  close(fd);
  return port;
}

std::string BinDir() {
  const char* from_env = std::getenv("KORPUS_POSTGRES_BIN_DIR");
  if (from_env != nullptr && *from_env != '\0') return from_env;
  return KORPUS_POSTGRES_BIN_DIR;
}

}  // namespace

absl::StatusOr<std::unique_ptr<PostgresServer>> PostgresServer::Start(
    const PostgresServerOptions& options) {
  const std::string bin_dir = BinDir();
  for (const char* tool : {"initdb", "pg_ctl", "postgres"}) {
    const std::string path = absl::StrCat(bin_dir, "/", tool);
    if (access(path.c_str(), X_OK) != 0) {
      return absl::FailedPreconditionError(absl::StrCat(
          "PostgreSQL server binary ", path,
          " not found: the store tests start a throw-away PostgreSQL 15 server. Install it "
          "with scripts/setup.sh (Debian package postgresql-15) or point "
          "KORPUS_POSTGRES_BIN_DIR at the directory holding initdb and pg_ctl"));
    }
  }

  const bool as_postgres = geteuid() == 0;
  std::vector<std::string> prefix;  // Runs a tool as the server's owner.
  uid_t owner = geteuid();
  gid_t group = getegid();
  std::string base = "/tmp";
  if (as_postgres) {
    const passwd* user = getpwnam("postgres");
    if (user == nullptr) {
      return absl::FailedPreconditionError(
          "running as root, but there is no 'postgres' user to run initdb as (initdb refuses "
          "root); install postgresql-15 (scripts/setup.sh) or run the tests as another user");
    }
    owner = user->pw_uid;
    group = user->pw_gid;
    prefix = {"/usr/sbin/runuser", "-u", "postgres", "--"};
  } else if (const char* tmp = std::getenv("TMPDIR"); tmp != nullptr && *tmp != '\0') {
    base = tmp;
  }
  std::string pattern = absl::StrCat(base, "/korpus-pg-XXXXXX");
  if (mkdtemp(pattern.data()) == nullptr) {
    return absl::InternalError(absl::StrCat("mkdtemp ", pattern, ": ", strerror(errno)));
  }
  const std::string dir = pattern;
  // From here on the server object owns the directory and removes it.
  auto server = std::unique_ptr<PostgresServer>(new PostgresServer(dir, bin_dir, as_postgres, 0));
  if (as_postgres && chown(dir.c_str(), owner, group) != 0) {
    return absl::InternalError(absl::StrCat("chown ", dir, ": ", strerror(errno)));
  }
  const std::string log = absl::StrCat(dir, "/tools.log");
  if (as_postgres) {
    // The log is appended to by this process, as root, before the tools run.
    std::ofstream(log).flush();
  }

  std::vector<std::string> initdb = prefix;
  initdb.insert(initdb.end(),
                {absl::StrCat(bin_dir, "/initdb"), "-D", absl::StrCat(dir, "/data"), "-U", kUser,
                 "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync",
                 "--no-instructions"});
  if (absl::Status status = Run(initdb, log); !status.ok()) return status;

  // The chosen port may be taken by someone else before the server binds
  // it; then pg_ctl fails and another port is tried.
  absl::Status started;
  for (int attempt = 0; attempt < 3; ++attempt) {
    const int port = FreePort();
    if (port == 0) return absl::InternalError("no free loopback port");
    std::vector<std::string> start = prefix;
    start.insert(start.end(),
                 {absl::StrCat(bin_dir, "/pg_ctl"), "-D", absl::StrCat(dir, "/data"), "-l",
                  absl::StrCat(dir, "/server.log"), "-w", "-t", "60", "-o",
                  absl::StrCat("-c listen_addresses=127.0.0.1 -p ", port, " -k ", dir,
                               options.durable ? ""
                                               : " -c fsync=off -c synchronous_commit=off"
                                                 " -c full_page_writes=off"),
                  "start"});
    started = Run(start, log);
    if (started.ok()) {
      server->port_ = port;
      return server;
    }
  }
  return absl::UnavailableError(absl::StrCat("PostgreSQL did not start: ", started.message(),
                                             "\nserver log:\n",
                                             Tail(absl::StrCat(dir, "/server.log"))));
}

PostgresServer::~PostgresServer() {
  if (port_ != 0) {
    std::vector<std::string> stop;
    if (as_postgres_) stop = {"/usr/sbin/runuser", "-u", "postgres", "--"};
    stop.insert(stop.end(), {absl::StrCat(bin_dir_, "/pg_ctl"), "-D",
                             absl::StrCat(dir_, "/data"), "-m", "immediate", "-w", "stop"});
    Run(stop, absl::StrCat(dir_, "/tools.log")).IgnoreError();
  }
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

std::string PostgresServer::Uri(const std::string& database) const {
  return absl::StrCat("postgresql://", kUser, "@127.0.0.1:", port_, "/", database);
}

absl::Status PostgresServer::Execute(const std::string& sql, const std::string& database) const {
  return QueryValue(sql, database).status();
}

absl::StatusOr<std::string> PostgresServer::QueryValue(const std::string& sql,
                                                       const std::string& database) const {
  PGconn* conn = PQconnectdb(Uri(database).c_str());
  if (PQstatus(conn) != CONNECTION_OK) {
    absl::Status error = absl::UnavailableError(
        absl::StrCat("connecting to ", Uri(database), ": ", PQerrorMessage(conn)));
    PQfinish(conn);
    return error;
  }
  PQsetNoticeProcessor(conn, [](void*, const char*) {}, nullptr);
  PGresult* result = PQexec(conn, sql.c_str());
  absl::StatusOr<std::string> value = std::string();
  const ExecStatusType code = PQresultStatus(result);
  if (code != PGRES_COMMAND_OK && code != PGRES_TUPLES_OK) {
    value = absl::InternalError(absl::StrCat(sql, ": ", PQresultErrorMessage(result)));
  } else if (code == PGRES_TUPLES_OK && PQntuples(result) > 0 && PQnfields(result) > 0) {
    value = std::string(PQgetvalue(result, 0, 0));
  }
  PQclear(result);
  PQfinish(conn);
  return value;
}

absl::Status PostgresServer::CreateDatabase(const std::string& name) const {
  return Execute(absl::StrCat("CREATE DATABASE \"", name,
                              "\" ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8' "
                              "TEMPLATE template0"));
}

}  // namespace korpus::testing
