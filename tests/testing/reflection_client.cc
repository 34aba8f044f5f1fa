#include "tests/testing/reflection_client.h"

#include <google/protobuf/descriptor.pb.h>
#include <google/protobuf/util/json_util.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>

#include <future>

#include "absl/strings/str_cat.h"
#include "grpc/reflection/v1alpha/reflection.grpc.pb.h"
#include "libs/server/grpc_status.h"

namespace korpus::testing {
namespace {

namespace reflection = grpc::reflection::v1alpha;

// One request/response exchange on a fresh reflection stream.
absl::StatusOr<reflection::ServerReflectionResponse> Ask(
    grpc::Channel& channel, const reflection::ServerReflectionRequest& request) {
  auto stub = reflection::ServerReflection::NewStub(
      std::shared_ptr<grpc::Channel>(&channel, [](grpc::Channel*) {}));
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
  auto stream = stub->ServerReflectionInfo(&context);
  reflection::ServerReflectionResponse response;
  const bool answered = stream->Write(request) && stream->Read(&response);
  stream->WritesDone();
  grpc::Status status = stream->Finish();
  if (!status.ok()) return FromGrpcStatus(status, "reflection");
  if (!answered) return absl::UnavailableError("reflection stream closed without an answer");
  if (response.has_error_response()) {
    return absl::Status(static_cast<absl::StatusCode>(response.error_response().error_code()),
                        response.error_response().error_message());
  }
  return response;
}

}  // namespace

ReflectionClient::ReflectionClient(std::shared_ptr<grpc::Channel> channel)
    : channel_(std::move(channel)) {}

absl::StatusOr<std::vector<std::string>> ReflectionClient::ListServices() {
  reflection::ServerReflectionRequest request;
  request.set_list_services("");
  absl::StatusOr<reflection::ServerReflectionResponse> response = Ask(*channel_, request);
  if (!response.ok()) return response.status();
  std::vector<std::string> names;
  for (const auto& service : response->list_services_response().service()) {
    names.push_back(service.name());
  }
  return names;
}

absl::Status ReflectionClient::LoadFileContainingSymbol(const std::string& symbol) {
  reflection::ServerReflectionRequest request;
  request.set_file_containing_symbol(symbol);
  absl::StatusOr<reflection::ServerReflectionResponse> response = Ask(*channel_, request);
  if (!response.ok()) return response.status();
  std::string first_file;
  for (const std::string& bytes : response->file_descriptor_response().file_descriptor_proto()) {
    google::protobuf::FileDescriptorProto file;
    if (!file.ParseFromString(bytes)) return absl::DataLossError("unparsable file descriptor");
    if (first_file.empty()) first_file = file.name();
    received_files_.emplace_back(file.name(), bytes);
  }
  if (first_file.empty()) return absl::NotFoundError(absl::StrCat("no file defines ", symbol));
  return AddFileWithDependencies(first_file);
}

// Builds `name` into the pool after its dependencies, asking the server
// for any dependency it did not send along.
absl::Status ReflectionClient::AddFileWithDependencies(const std::string& name) {
  if (pool_.FindFileByName(name) != nullptr) return absl::OkStatus();
  const std::string* bytes = nullptr;
  for (const auto& [received_name, received_bytes] : received_files_) {
    if (received_name == name) bytes = &received_bytes;
  }
  if (bytes == nullptr) {
    reflection::ServerReflectionRequest request;
    request.set_file_by_filename(name);
    absl::StatusOr<reflection::ServerReflectionResponse> response = Ask(*channel_, request);
    if (!response.ok()) return response.status();
    for (const std::string& file : response->file_descriptor_response().file_descriptor_proto()) {
      google::protobuf::FileDescriptorProto proto;
      if (proto.ParseFromString(file)) received_files_.emplace_back(proto.name(), file);
    }
    for (const auto& [received_name, received_bytes] : received_files_) {
      if (received_name == name) bytes = &received_bytes;
    }
    if (bytes == nullptr) return absl::NotFoundError(absl::StrCat("server has no file ", name));
  }
  google::protobuf::FileDescriptorProto file;
  file.ParseFromString(*bytes);
  for (const std::string& dependency : file.dependency()) {
    if (absl::Status status = AddFileWithDependencies(dependency); !status.ok()) return status;
  }
  if (pool_.BuildFile(file) == nullptr) {
    return absl::DataLossError(absl::StrCat("cannot build descriptor of ", name));
  }
  return absl::OkStatus();
}

absl::StatusOr<const google::protobuf::ServiceDescriptor*> ReflectionClient::DescribeService(
    const std::string& full_name) {
  if (const auto* known = pool_.FindServiceByName(full_name)) return known;
  if (absl::Status status = LoadFileContainingSymbol(full_name); !status.ok()) return status;
  const auto* service = pool_.FindServiceByName(full_name);
  if (service == nullptr) return absl::NotFoundError(absl::StrCat("no service ", full_name));
  return service;
}

absl::StatusOr<std::string> ReflectionClient::CallUnaryJson(const std::string& service,
                                                            const std::string& method,
                                                            const std::string& request_json,
                                                            absl::Duration timeout) {
  absl::StatusOr<const google::protobuf::ServiceDescriptor*> descriptor = DescribeService(service);
  if (!descriptor.ok()) return descriptor.status();
  const google::protobuf::MethodDescriptor* method_descriptor =
      (*descriptor)->FindMethodByName(method);
  if (method_descriptor == nullptr) {
    return absl::NotFoundError(absl::StrCat(service, " has no method ", method));
  }
  std::unique_ptr<google::protobuf::Message> request(
      factory_.GetPrototype(method_descriptor->input_type())->New());
  if (auto parsed = google::protobuf::util::JsonStringToMessage(request_json, request.get());
      !parsed.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("request JSON: ", parsed.ToString()));
  }
  const std::string request_bytes = request->SerializeAsString();
  grpc::Slice request_slice(request_bytes);
  grpc::ByteBuffer request_buffer(&request_slice, 1);
  grpc::ByteBuffer response_buffer;

  grpc::GenericStub stub(channel_);
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + timeout));
  std::promise<grpc::Status> done;
  stub.UnaryCall(&context, absl::StrCat("/", service, "/", method), grpc::StubOptions(),
                 &request_buffer, &response_buffer,
                 [&done](grpc::Status status) { done.set_value(std::move(status)); });
  grpc::Status status = done.get_future().get();
  if (!status.ok()) return FromGrpcStatus(status);

  std::vector<grpc::Slice> slices;
  if (!response_buffer.Dump(&slices).ok()) return absl::DataLossError("unreadable response");
  std::string response_bytes;
  for (const grpc::Slice& slice : slices) {
    response_bytes.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
  }
  std::unique_ptr<google::protobuf::Message> response(
      factory_.GetPrototype(method_descriptor->output_type())->New());
  if (!response->ParseFromString(response_bytes)) {
    return absl::DataLossError("response does not parse as its declared type");
  }
  std::string json;
  google::protobuf::util::MessageToJsonString(*response, &json);
  return json;
}

}  // namespace korpus::testing
