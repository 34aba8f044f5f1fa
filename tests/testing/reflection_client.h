// A client that knows nothing of korpus's protos and learns them from the
// server, as grpcurl does: lists services over grpc.reflection.v1alpha,
// loads their descriptors, and calls methods with requests written as JSON.
#ifndef KORPUS_TESTS_TESTING_REFLECTION_CLIENT_H_
#define KORPUS_TESTS_TESTING_REFLECTION_CLIENT_H_

#include <google/protobuf/descriptor.h>
#include <google/protobuf/dynamic_message.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace grpc {
class Channel;
}

namespace korpus::testing {

class ReflectionClient {
 public:
  explicit ReflectionClient(std::shared_ptr<grpc::Channel> channel);

  // `grpcurl list`: the full names of the services the server offers.
  absl::StatusOr<std::vector<std::string>> ListServices();

  // `grpcurl describe SERVICE`: fetches the file defining the service and
  // its dependencies. The descriptor lives as long as this client.
  absl::StatusOr<const google::protobuf::ServiceDescriptor*> DescribeService(
      const std::string& full_name);

  // `grpcurl -d JSON ADDRESS SERVICE/METHOD`: a unary call with the request
  // parsed from JSON; returns the response printed as JSON. Errors are the
  // call's status, or INVALID_ARGUMENT for JSON that does not fit the type.
  absl::StatusOr<std::string> CallUnaryJson(const std::string& service, const std::string& method,
                                            const std::string& request_json,
                                            absl::Duration timeout = absl::Seconds(10));

 private:
  absl::Status LoadFileContainingSymbol(const std::string& symbol);
  absl::Status AddFileWithDependencies(const std::string& name);

  std::shared_ptr<grpc::Channel> channel_;
  google::protobuf::DescriptorPool pool_;
  google::protobuf::DynamicMessageFactory factory_{&pool_};
  // Serialized FileDescriptorProtos received but not yet built into pool_.
  std::vector<std::pair<std::string, std::string>> received_files_;
};

}  // namespace korpus::testing

#endif  // KORPUS_TESTS_TESTING_REFLECTION_CLIENT_H_
