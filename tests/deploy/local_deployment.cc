#include "tests/deploy/local_deployment.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <set>
#include <thread>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "tests/testing/service_process.h"

namespace korpus::testing {
namespace {

// Polling interval while waiting for a condition with a deadline.
constexpr absl::Duration kPollInterval = absl::Milliseconds(20);

absl::StatusOr<int> FreeLoopbackPort(std::set<int>& taken) {
  for (int attempt = 0; attempt < 20; ++attempt) {
    const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof(address);
    int port = 0;
    if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0 &&
        getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
      port = ntohs(address.sin_port);
    }
    close(fd);
    if (port > 0 && taken.insert(port).second) return port;
  }
  return absl::UnavailableError("no free loopback port");
}

std::map<std::string, std::string> ToMap(const std::vector<std::pair<std::string, std::string>>& v) {
  return std::map<std::string, std::string>(v.begin(), v.end());
}

bool Selects(const std::map<std::string, std::string>& selector,
             const std::map<std::string, std::string>& labels) {
  if (selector.empty()) return false;
  for (const auto& [key, value] : selector) {
    auto it = labels.find(key);
    if (it == labels.end() || it->second != value) return false;
  }
  return true;
}

bool Exited(pid_t pid, int* status) { return pid > 0 && waitpid(pid, status, WNOHANG) == pid; }

// A container while it is being planned: where its paths and ports go.
struct ContainerContext {
  const LocalPod* pod;
  const LocalContainer* container;
  std::string where;  // "Deployment/x container y", for messages
  std::vector<std::pair<std::string, std::string>> mounts;  // mountPath -> local dir
};

}  // namespace

absl::StatusOr<int> LocalPod::LocalPort(int container_port) const {
  for (const LocalContainer& container : containers) {
    auto it = container.ports.find(container_port);
    if (it != container.ports.end()) return it->second;
  }
  return absl::NotFoundError(
      absl::StrCat("pod ", name, " declares no containerPort ", container_port));
}

absl::StatusOr<int> LocalPod::LocalPort(const std::string& port_name) const {
  for (const LocalContainer& container : containers) {
    auto it = container.named_ports.find(port_name);
    if (it != container.named_ports.end()) return container.ports.at(it->second);
  }
  return absl::NotFoundError(absl::StrCat("pod ", name, " declares no port named '", port_name, "'"));
}

absl::Status ProbeOnce(int port, const std::string& service, absl::Duration timeout) {
  auto stub = grpc::health::v1::Health::NewStub(grpc::CreateChannel(
      absl::StrCat("127.0.0.1:", port), grpc::InsecureChannelCredentials()));
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + timeout));
  grpc::health::v1::HealthCheckRequest request;
  request.set_service(service);
  grpc::health::v1::HealthCheckResponse response;
  const grpc::Status status = stub->Check(&context, request, &response);
  if (!status.ok()) {
    return absl::UnavailableError(absl::StrCat("gRPC health check of '", service, "' on port ",
                                               port, ": ", status.error_message()));
  }
  if (response.status() != grpc::health::v1::HealthCheckResponse::SERVING) {
    return absl::UnavailableError(
        absl::StrCat("gRPC health check of '", service, "' on port ", port, ": not SERVING"));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<LocalDeployment>> LocalDeployment::Start(
    const std::vector<Json>& objects, LocalDeploymentOptions options) {
  auto deployment = std::unique_ptr<LocalDeployment>(new LocalDeployment());
  deployment->options_ = std::move(options);
  deployment->objects_ = objects;
  if (absl::Status status = deployment->Plan(objects); !status.ok()) return status;
  if (absl::Status status = deployment->StartProcesses(); !status.ok()) return status;
  if (absl::Status status = deployment->WaitUntilReady(); !status.ok()) return status;
  return deployment;
}

LocalDeployment::~LocalDeployment() {
  for (LocalPod& pod : pods_) {
    for (LocalContainer& container : pod.containers) {
      if (container.pid > 0) {
        kill(container.pid, SIGKILL);
        waitpid(container.pid, nullptr, 0);
        container.pid = -1;
      }
    }
  }
}

const LocalPod* LocalDeployment::Pod(const std::string& name) const {
  for (const LocalPod& pod : pods_) {
    if (pod.name == name) return &pod;
  }
  return nullptr;
}

std::vector<const LocalPod*> LocalDeployment::PodsOf(const std::string& workload) const {
  std::vector<const LocalPod*> found;
  for (const LocalPod& pod : pods_) {
    if (pod.workload == workload) found.push_back(&pod);
  }
  return found;
}

absl::Status LocalDeployment::Plan(const std::vector<Json>& objects) {
  for (const std::string kind : {"DaemonSet", "Job", "CronJob", "ReplicaSet", "Pod"}) {
    if (!OfKind(objects, kind).empty()) {
      return absl::UnimplementedError(absl::StrCat("a ", kind, " cannot be run locally yet"));
    }
  }
  std::string namespace_name;
  for (const Json& object : objects) {
    const std::string ns = GetString(&object, {"metadata", "namespace"});
    if (!ns.empty()) namespace_name = ns;
  }
  std::vector<const Json*> workloads = OfKind(objects, "Deployment");
  for (const Json* set : OfKind(objects, "StatefulSet")) workloads.push_back(set);

  std::set<int> taken_ports;
  std::map<const LocalContainer*, const Json*> specs;  // container -> its manifest
  std::map<std::string, std::vector<std::pair<std::string, std::string>>> pod_volumes;

  // Pass 1: pods, their labels, volumes and ports.
  for (const Json* workload : workloads) {
    const std::string workload_name = GetString(workload, {"metadata", "name"});
    const std::string where = Describe(*workload);
    std::optional<int64_t> replicas = GetInt(workload, {"spec", "replicas"});
    if (!replicas.has_value()) {
      // Left to a HorizontalPodAutoscaler, which starts at its minimum.
      replicas = 1;
      for (const Json* hpa : OfKind(objects, "HorizontalPodAutoscaler")) {
        if (GetString(hpa, {"spec", "scaleTargetRef", "name"}) == workload_name &&
            GetString(hpa, {"spec", "scaleTargetRef", "kind"}) == GetString(workload, {"kind"})) {
          replicas = GetInt(hpa, {"spec", "minReplicas"}).value_or(1);
        }
      }
    }
    const Json* pod_template = Get(workload, {"spec", "template"});
    const auto labels = ToMap(GetStringMap(pod_template, {"metadata", "labels"}));
    const auto selector = ToMap(GetStringMap(workload, {"spec", "selector", "matchLabels"}));
    if (!Selects(selector, labels)) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, ": spec.selector.matchLabels does not select its pod template"));
    }
    const Json* pod_spec = Get(pod_template, {"spec"});
    for (int64_t index = 0; index < *replicas; ++index) {
      LocalPod pod;
      pod.name = absl::StrCat(workload_name, "-", index);
      pod.workload = workload_name;
      pod.labels = labels;
      pod.annotations = ToMap(GetStringMap(pod_template, {"metadata", "annotations"}));
      pod.termination_grace_seconds =
          static_cast<int>(GetInt(pod_spec, {"terminationGracePeriodSeconds"}).value_or(30));
      const std::string pod_dir = absl::StrCat(options_.work_dir, "/pods/", pod.name);
      pod.root_dir = absl::StrCat(pod_dir, "/root");
      std::filesystem::create_directories(pod.root_dir);

      // Volumes: name -> local directory.
      auto& volumes = pod_volumes[pod.name];
      for (const Json* volume : GetList(pod_spec, {"volumes"})) {
        const std::string name = GetString(volume, {"name"});
        std::string local;
        if (Get(volume, {"emptyDir"}) != nullptr) {
          local = absl::StrCat(pod_dir, "/volumes/", name);
        } else if (const Json* claim = Get(volume, {"persistentVolumeClaim"}); claim != nullptr) {
          const std::string claim_name = GetString(claim, {"claimName"});
          if (Find(objects, "PersistentVolumeClaim", claim_name) == nullptr) {
            return absl::InvalidArgumentError(absl::StrCat(
                where, ": volume ", name, " claims PersistentVolumeClaim ", claim_name,
                ", which the manifests do not define"));
          }
          local = absl::StrCat(options_.work_dir, "/claims/", claim_name);
        } else {
          return absl::UnimplementedError(
              absl::StrCat(where, ": volume ", name, " is neither emptyDir nor a claim"));
        }
        std::filesystem::create_directories(local);
        volumes.emplace_back(name, local);
      }

      for (const Json* spec : GetList(pod_spec, {"containers"})) {
        LocalContainer container;
        container.name = GetString(spec, {"name"});
        container.log_path = absl::StrCat(pod_dir, "/", container.name, ".log");
        for (const Json* port : GetList(spec, {"ports"})) {
          std::optional<int64_t> number = GetInt(port, {"containerPort"});
          if (!number.has_value()) {
            return absl::InvalidArgumentError(
                absl::StrCat(where, " container ", container.name, ": a port has no containerPort"));
          }
          absl::StatusOr<int> local = FreeLoopbackPort(taken_ports);
          if (!local.ok()) return local.status();
          container.ports[static_cast<int>(*number)] = *local;
          const std::string port_name = GetString(port, {"name"});
          if (!port_name.empty()) container.named_ports[port_name] = static_cast<int>(*number);
        }
        pod.containers.push_back(std::move(container));
      }
      pods_.push_back(std::move(pod));
    }
  }
  for (LocalPod& pod : pods_) {
    const Json* workload = nullptr;
    for (const Json* candidate : workloads) {
      if (GetString(candidate, {"metadata", "name"}) == pod.workload) workload = candidate;
    }
    const std::vector<const Json*> container_specs =
        GetList(workload, {"spec", "template", "spec", "containers"});
    for (size_t i = 0; i < pod.containers.size(); ++i) specs[&pod.containers[i]] = container_specs[i];
  }

  // Resolves "[dns:///]NAME[.NS[.svc[.cluster.local]]]:PORT" for a Service
  // NAME; std::nullopt if `value` names no Service.
  auto resolve_service = [&](const std::string& value,
                             const std::string& where) -> std::optional<absl::StatusOr<std::string>> {
    const bool dns = absl::StartsWith(value, "dns:///");
    const absl::string_view address = dns ? absl::string_view(value).substr(7) : value;
    const size_t colon = address.rfind(':');
    int port = 0;
    if (colon == absl::string_view::npos || !absl::SimpleAtoi(address.substr(colon + 1), &port)) {
      return std::nullopt;
    }
    const std::string host(address.substr(0, colon));
    const std::string name = host.substr(0, host.find('.'));
    const std::string suffix = host.size() > name.size() ? host.substr(name.size() + 1) : "";
    const Json* service = Find(objects_, "Service", name);
    if (service == nullptr) return std::nullopt;
    if (!suffix.empty() && suffix != namespace_name && suffix != namespace_name + ".svc" &&
        suffix != namespace_name + ".svc.cluster.local") {
      return std::nullopt;  // The same name in another namespace.
    }
    const Json* service_port = nullptr;
    for (const Json* candidate : GetList(service, {"spec", "ports"})) {
      if (GetInt(candidate, {"port"}) == port) service_port = candidate;
    }
    if (service_port == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat(where, ": '", value, "' names port ", port,
                                                     " of Service ", name, ", which has no such port"));
    }
    const Json* target = Get(service_port, {"targetPort"});
    const auto selector = ToMap(GetStringMap(service, {"spec", "selector"}));
    std::vector<std::string> endpoints;
    for (const LocalPod& pod : pods_) {
      if (!Selects(selector, pod.labels)) continue;
      absl::StatusOr<int> local =
          target == nullptr            ? pod.LocalPort(port)
          : target->has_string_value() ? pod.LocalPort(target->string_value())
                                       : pod.LocalPort(static_cast<int>(target->number_value()));
      if (!local.ok()) {
        return absl::InvalidArgumentError(absl::StrCat(
            where, ": Service ", name, " port ", port, " targets a port that pod ", pod.name,
            " does not declare (", local.status().message(), ")"));
      }
      endpoints.push_back(absl::StrCat("127.0.0.1:", *local));
    }
    if (endpoints.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, ": Service ", name, " selects no pod"));
    }
    if (!dns && endpoints.size() == 1) return endpoints.front();
    return absl::StrCat("ipv4:", absl::StrJoin(endpoints, ","));
  };

  // Rewrites one value from args or env (see the header).
  auto rewrite = [&](const std::string& value,
                     const ContainerContext& context) -> absl::StatusOr<std::string> {
    // An address: a listen address or a Service.
    const size_t colon = value.rfind(':');
    int port = 0;
    if (colon != std::string::npos && absl::SimpleAtoi(value.substr(colon + 1), &port)) {
      const std::string host = value.substr(0, colon);
      if (host.empty() || host == "0.0.0.0" || host == "[::]" || host == "*") {
        auto local = context.container->ports.find(port);
        if (local == context.container->ports.end()) {
          return absl::InvalidArgumentError(absl::StrCat(
              context.where, " listens on '", value, "', but ", port,
              " is not one of its containerPorts"));
        }
        return absl::StrCat("127.0.0.1:", local->second);
      }
      if (auto service = resolve_service(value, context.where); service.has_value()) {
        return *service;
      }
    }
    // Paths: on a volume, or in the image; any other absolute path would
    // be on the read-only root filesystem.
    std::string result;
    size_t at = 0;
    while (at < value.size()) {
      const bool starts_path = value[at] == '/' &&
                               (at == 0 || value[at - 1] == '=' || value[at - 1] == ':' ||
                                value[at - 1] == ',') &&
                               (at + 1 >= value.size() || value[at + 1] != '/');
      if (!starts_path) {
        result += value[at++];
        continue;
      }
      size_t end = value.find_first_of(",; ", at);
      if (end == std::string::npos) end = value.size();
      const std::string path = value.substr(at, end - at);
      std::string local;
      size_t best = 0;
      for (const auto& [mount_path, dir] : context.mounts) {
        const std::string prefix(absl::StripSuffix(mount_path, "/"));
        if ((path == prefix || absl::StartsWith(path, prefix + "/")) && prefix.size() > best) {
          best = prefix.size();
          local = dir + path.substr(prefix.size());
        }
      }
      if (local.empty()) {
        absl::StatusOr<std::string> in_image = options_.image.Resolve(path);
        if (!in_image.ok()) {
          return absl::InvalidArgumentError(absl::StrCat(
              context.where, ": '", value, "' refers to ", path,
              ", which is neither in the image nor on a volume (the root filesystem is "
              "read-only)"));
        }
        local = *in_image;
      }
      result += local;
      at = end;
    }
    return result;
  };

  // Pass 2: commands, environment, probes.
  for (LocalPod& pod : pods_) {
    for (LocalContainer& container : pod.containers) {
      const Json* spec = specs[&container];
      ContainerContext context{.pod = &pod,
                               .container = &container,
                               .where = absl::StrCat("Deployment ", pod.workload, " container ",
                                                     container.name)};
      const auto& volumes = pod_volumes[pod.name];
      for (const Json* mount : GetList(spec, {"volumeMounts"})) {
        const std::string volume = GetString(mount, {"name"});
        auto it = std::find_if(volumes.begin(), volumes.end(),
                               [&](const auto& entry) { return entry.first == volume; });
        if (it == volumes.end()) {
          return absl::InvalidArgumentError(
              absl::StrCat(context.where, ": volumeMount of undefined volume ", volume));
        }
        context.mounts.emplace_back(GetString(mount, {"mountPath"}), it->second);
      }

      // The binary and its arguments.
      std::vector<std::string> command;
      for (const Json* word : GetList(spec, {"command"})) command.push_back(word->string_value());
      if (command.empty()) {
        return absl::InvalidArgumentError(
            absl::StrCat(context.where, ": no command (the image has no ENTRYPOINT)"));
      }
      std::string binary;
      if (absl::StartsWith(command[0], "/")) {
        absl::StatusOr<std::string> local = options_.image.Resolve(command[0]);
        if (!local.ok()) {
          return absl::InvalidArgumentError(absl::StrCat(context.where, ": command ", command[0],
                                                         ": ", local.status().message()));
        }
        binary = *local;
      } else {
        for (absl::string_view dir : absl::StrSplit(options_.image.path_variable(), ':')) {
          absl::StatusOr<std::string> local =
              options_.image.Resolve(absl::StrCat(dir, "/", command[0]));
          if (local.ok()) {
            binary = *local;
            break;
          }
        }
      }
      if (binary.empty() || access(binary.c_str(), X_OK) != 0) {
        return absl::InvalidArgumentError(absl::StrCat(
            context.where, ": command ", command[0], " is not an executable of the image (",
            binary.empty() ? "not copied into it" : binary + " is not built", ")"));
      }
      container.argv.push_back(binary);
      std::vector<std::string> arguments(command.begin() + 1, command.end());
      for (const Json* arg : GetList(spec, {"args"})) arguments.push_back(arg->string_value());
      for (const std::string& argument : arguments) {
        // --flag=VALUE: the value is what may be an address or a path.
        const size_t equals = argument.find('=');
        const bool is_flag = absl::StartsWith(argument, "-") && equals != std::string::npos;
        absl::StatusOr<std::string> value =
            rewrite(is_flag ? argument.substr(equals + 1) : argument, context);
        if (!value.ok()) return value.status();
        container.argv.push_back(is_flag ? argument.substr(0, equals + 1) + *value : *value);
      }

      // The environment: exactly what the manifest gives, resolved.
      auto lookup = [&](const Json* ref, const std::string& kind,
                        const std::string& variable) -> absl::StatusOr<std::optional<std::string>> {
        const std::string name = GetString(ref, {"name"});
        const std::string key = GetString(ref, {"key"});
        const Json* optional = Get(ref, {"optional"});
        const bool may_miss = optional != nullptr && optional->bool_value();
        const Json* object = Find(objects_, kind, name);
        std::optional<std::string> found;
        if (object != nullptr) {
          for (const auto& [k, v] : GetStringMap(object, {"data"})) {
            if (k != key) continue;
            if (kind == "Secret") {
              std::string decoded;
              if (!absl::Base64Unescape(v, &decoded)) {
                return absl::InvalidArgumentError(
                    absl::StrCat("Secret ", name, " key ", key, " is not base64"));
              }
              found = decoded;
            } else {
              found = v;
            }
          }
          for (const auto& [k, v] : GetStringMap(object, {"stringData"})) {
            if (k == key) found = v;
          }
        }
        if (!found.has_value() && !may_miss) {
          return absl::InvalidArgumentError(absl::StrCat(
              context.where, ": env ", variable, " refers to ", kind, " ", name, " key ", key,
              object == nullptr ? absl::StrCat(", but the manifests define no ", kind, " ", name)
                                : ", which has no such key"));
        }
        return found;
      };
      std::vector<std::pair<std::string, std::string>> env;
      for (const Json* from : GetList(spec, {"envFrom"})) {
        const std::string prefix = GetString(from, {"prefix"});
        for (const std::string kind : {"ConfigMap", "Secret"}) {
          const Json* ref = Get(from, {kind == "ConfigMap" ? "configMapRef" : "secretRef"});
          if (ref == nullptr) continue;
          const Json* object = Find(objects_, kind, GetString(ref, {"name"}));
          if (object == nullptr) {
            return absl::InvalidArgumentError(absl::StrCat(
                context.where, ": envFrom names ", kind, " ", GetString(ref, {"name"}),
                ", which the manifests do not define"));
          }
          for (const auto& [key, value] : GetStringMap(object, {"data"})) {
            std::string decoded = value;
            if (kind == "Secret") absl::Base64Unescape(value, &decoded);
            env.emplace_back(prefix + key, decoded);
          }
        }
      }
      for (const Json* variable : GetList(spec, {"env"})) {
        const std::string name = GetString(variable, {"name"});
        std::optional<std::string> value;
        if (const Json* literal = Get(variable, {"value"}); literal != nullptr) {
          value = literal->string_value();
        } else if (const Json* ref = Get(variable, {"valueFrom", "configMapKeyRef"}); ref != nullptr) {
          absl::StatusOr<std::optional<std::string>> found = lookup(ref, "ConfigMap", name);
          if (!found.ok()) return found.status();
          value = *found;
        } else if (const Json* ref = Get(variable, {"valueFrom", "secretKeyRef"}); ref != nullptr) {
          absl::StatusOr<std::optional<std::string>> found = lookup(ref, "Secret", name);
          if (!found.ok()) return found.status();
          value = *found;
        } else if (const Json* field = Get(variable, {"valueFrom", "fieldRef"}); field != nullptr) {
          const std::string path = GetString(field, {"fieldPath"});
          if (path == "metadata.name") value = pod.name;
          else if (path == "metadata.namespace") value = namespace_name;
          else if (path == "status.podIP") value = "127.0.0.1";
          else return absl::UnimplementedError(absl::StrCat(context.where, ": fieldRef ", path));
        } else {
          return absl::InvalidArgumentError(
              absl::StrCat(context.where, ": env ", name, " has neither value nor valueFrom"));
        }
        if (!value.has_value()) continue;  // An optional reference that is absent.
        env.emplace_back(name, *value);
      }
      bool has_path = false;
      for (auto& [name, value] : env) {
        absl::StatusOr<std::string> rewritten = rewrite(value, context);
        if (!rewritten.ok()) {
          return absl::InvalidArgumentError(
              absl::StrCat("env ", name, ": ", rewritten.status().message()));
        }
        value = *rewritten;
        has_path = has_path || name == "PATH";
      }
      if (!has_path) env.emplace_back("PATH", "/usr/local/bin:/usr/bin:/bin");
      container.env = std::move(env);

      // Probes: gRPC only, on a declared port of this container.
      for (const auto& [field, kind] : std::vector<std::pair<std::string, std::string>>{
               {"startupProbe", "startup"}, {"readinessProbe", "readiness"},
               {"livenessProbe", "liveness"}}) {
        const Json* probe = Get(spec, {field});
        if (probe == nullptr) continue;
        const Json* grpc_probe = Get(probe, {"grpc"});
        if (grpc_probe == nullptr) {
          return absl::UnimplementedError(
              absl::StrCat(context.where, ": ", field, " is not a gRPC probe"));
        }
        const int port = static_cast<int>(GetInt(grpc_probe, {"port"}).value_or(0));
        auto local = container.ports.find(port);
        if (local == container.ports.end()) {
          return absl::InvalidArgumentError(absl::StrCat(
              context.where, ": ", field, ".grpc.port ", port, " is not one of its containerPorts"));
        }
        container.probes.push_back(GrpcProbe{.kind = kind,
                                             .container_port = port,
                                             .local_port = local->second,
                                             .service = GetString(grpc_probe, {"service"})});
      }
    }
  }
  return absl::OkStatus();
}

absl::Status LocalDeployment::StartProcesses() {
  for (LocalPod& pod : pods_) {
    for (LocalContainer& container : pod.containers) {
      const int log_fd =
          open(container.log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
      if (log_fd < 0) {
        return absl::InternalError(absl::StrCat("cannot open ", container.log_path));
      }
      std::vector<std::string> env_strings;
      for (const auto& [name, value] : container.env) env_strings.push_back(name + "=" + value);
      std::vector<char*> argv, envp;
      for (std::string& arg : container.argv) argv.push_back(arg.data());
      argv.push_back(nullptr);
      for (std::string& entry : env_strings) envp.push_back(entry.data());
      envp.push_back(nullptr);
      const pid_t pid = fork();
      if (pid < 0) {
        close(log_fd);
        return absl::InternalError(absl::StrCat("fork: ", strerror(errno)));
      }
      if (pid == 0) {
        dup2(log_fd, STDOUT_FILENO);
        dup2(log_fd, STDERR_FILENO);
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, nullptr);
        if (chdir(pod.root_dir.c_str()) != 0) _exit(126);
        execve(argv[0], argv.data(), envp.data());
        _exit(127);
      }
      close(log_fd);
      container.pid = pid;
    }
  }
  return absl::OkStatus();
}

absl::Status LocalDeployment::WaitUntilReady() {
  const absl::Time deadline = absl::Now() + options_.ready_timeout;
  for (LocalPod& pod : pods_) {
    for (LocalContainer& container : pod.containers) {
      for (const GrpcProbe& probe : container.probes) {
        const std::string what =
            absl::StrCat("pod ", pod.name, " container ", container.name, ": ", probe.kind,
                         " probe (gRPC port ", probe.container_port, ", service '", probe.service,
                         "')");
        if (probe.kind == "liveness") {
          // Once ready, a single liveness check must pass.
          if (absl::Status status = ProbeOnce(probe.local_port, probe.service, absl::Seconds(2));
              !status.ok()) {
            return absl::UnavailableError(absl::StrCat(what, " failed: ", status.message()));
          }
          continue;
        }
        absl::Status last = absl::UnavailableError("not probed");
        while (true) {
          int exit_status = 0;
          if (Exited(container.pid, &exit_status)) {
            container.pid = -1;
            return absl::UnavailableError(absl::StrCat(
                what, ": the process exited (status ", exit_status, ") before passing:\n",
                TailOfFile(container.log_path)));
          }
          last = ProbeOnce(probe.local_port, probe.service, absl::Milliseconds(500));
          if (last.ok()) break;
          if (absl::Now() > deadline) {
            return absl::UnavailableError(absl::StrCat(
                what, " did not pass within ", absl::FormatDuration(options_.ready_timeout), ": ",
                last.message(), "\n", TailOfFile(container.log_path)));
          }
          absl::SleepFor(kPollInterval);
        }
      }
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> LocalDeployment::ServiceAddress(const std::string& service,
                                                            int port) const {
  const Json* object = Find(objects_, "Service", service);
  if (object == nullptr) return absl::NotFoundError(absl::StrCat("no Service ", service));
  const auto selector = ToMap(GetStringMap(object, {"spec", "selector"}));
  for (const Json* service_port : GetList(object, {"spec", "ports"})) {
    if (GetInt(service_port, {"port"}) != port) continue;
    const Json* target = Get(service_port, {"targetPort"});
    for (const LocalPod& pod : pods_) {
      if (!Selects(selector, pod.labels)) continue;
      absl::StatusOr<int> local =
          target == nullptr            ? pod.LocalPort(port)
          : target->has_string_value() ? pod.LocalPort(target->string_value())
                                       : pod.LocalPort(static_cast<int>(target->number_value()));
      if (!local.ok()) return local.status();
      return absl::StrCat("127.0.0.1:", *local);
    }
    return absl::NotFoundError(absl::StrCat("Service ", service, " selects no pod"));
  }
  return absl::NotFoundError(absl::StrCat("Service ", service, " has no port ", port));
}

absl::StatusOr<int> LocalDeployment::MetricsPort(const LocalPod& pod) const {
  auto annotation = pod.annotations.find("prometheus.io/port");
  int port = 0;
  if (annotation == pod.annotations.end() || !absl::SimpleAtoi(annotation->second, &port)) {
    return absl::NotFoundError(
        absl::StrCat("pod ", pod.name, " has no numeric prometheus.io/port annotation"));
  }
  return pod.LocalPort(port);
}

absl::Status LocalDeployment::Stop() {
  for (LocalPod& pod : pods_) {
    for (LocalContainer& container : pod.containers) {
      if (container.pid > 0) kill(container.pid, SIGTERM);
    }
  }
  std::vector<std::string> problems;
  for (LocalPod& pod : pods_) {
    const absl::Time deadline = absl::Now() + absl::Seconds(pod.termination_grace_seconds);
    for (LocalContainer& container : pod.containers) {
      if (container.pid <= 0) {
        problems.push_back(absl::StrCat("pod ", pod.name, " container ", container.name,
                                        " was not running"));
        continue;
      }
      int exit_status = 0;
      while (!Exited(container.pid, &exit_status)) {
        if (absl::Now() > deadline) {
          kill(container.pid, SIGKILL);
          waitpid(container.pid, nullptr, 0);
          problems.push_back(absl::StrCat("pod ", pod.name, " container ", container.name,
                                          " did not exit within terminationGracePeriodSeconds=",
                                          pod.termination_grace_seconds));
          break;
        }
        absl::SleepFor(kPollInterval);
      }
      if (WIFEXITED(exit_status) && WEXITSTATUS(exit_status) != 0) {
        problems.push_back(absl::StrCat("pod ", pod.name, " container ", container.name,
                                        " exited with status ", WEXITSTATUS(exit_status)));
      }
      container.pid = -1;
    }
    std::error_code error;
    for (const auto& entry : std::filesystem::directory_iterator(pod.root_dir, error)) {
      problems.push_back(absl::StrCat("pod ", pod.name, " wrote ",
                                      entry.path().filename().string(),
                                      " on its read-only root filesystem (a relative path, or a "
                                      "setting missing from the manifests?)"));
    }
  }
  if (!problems.empty()) return absl::InternalError(absl::StrJoin(problems, "; "));
  return absl::OkStatus();
}

std::string LocalDeployment::Log(const LocalPod& pod) const {
  std::string log;
  for (const LocalContainer& container : pod.containers) {
    absl::StrAppend(&log, "--- ", pod.name, "/", container.name, "\n",
                    TailOfFile(container.log_path, 4000));
  }
  return log;
}

}  // namespace korpus::testing
