// Bearer tokens and roles (libs/server/access_control.h), the CorpusService
// role table, and the start-up checks of TLS files (libs/server/tls.h).
#include "libs/server/access_control.h"

#include <grpcpp/grpcpp.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "korpus/v1/corpus.grpc.pb.h"
#include "korpus/v1/ingest.grpc.pb.h"
#include "libs/server/corpus_access.h"
#include "libs/server/server.h"
#include "libs/server/tls.h"

namespace korpus {
namespace {

constexpr char kReaderToken[] = "reader-token-0123456789abcdef";
constexpr char kWriterToken[] = "writer-token-0123456789abcdef";
constexpr char kAdminToken[] = "admin-token-0123456789abcdef";

std::string Bearer(const char* token) { return absl::StrCat("Bearer ", token); }

TEST(TokenSetTest, ParsesRolesCommentsBlankLinesAndCommas) {
  absl::StatusOr<TokenSet> tokens = TokenSet::Parse(
      absl::StrCat("# tokens of the test\n\n  reader ", kReaderToken, "  \r\nwriter\t",
                   kWriterToken, ", admin ", kAdminToken, "\n"),
      "test");
  ASSERT_TRUE(tokens.ok()) << tokens.status();
  EXPECT_EQ(tokens->size(), 3u);
  EXPECT_EQ(tokens->Find(kReaderToken), Role::kReader);
  EXPECT_EQ(tokens->Find(kWriterToken), Role::kWriter);
  EXPECT_EQ(tokens->Find(kAdminToken), Role::kAdmin);
  EXPECT_EQ(tokens->Find("unknown-token-0123456789abcdef"), std::nullopt);
  EXPECT_EQ(tokens->Find(""), std::nullopt);
  EXPECT_EQ(tokens->Find(std::string(kReaderToken) + "x"), std::nullopt);
  EXPECT_EQ(tokens->CountWithRole(Role::kWriter), 1u);
}

TEST(TokenSetTest, EmptyTextHasNoTokens) {
  absl::StatusOr<TokenSet> tokens = TokenSet::Parse("# only a comment\n\n", "test");
  ASSERT_TRUE(tokens.ok());
  EXPECT_TRUE(tokens->empty());
}

// Each malformed entry is refused with its line number, and the message
// never repeats the token.
TEST(TokenSetTest, MalformedEntriesNameTheLineButNotTheToken) {
  const std::string secret = "s3cret-value-0123456789";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"reader\n" + secret, "tokens line 1"},                          // one field
      {"\nreader " + secret + " extra", "tokens line 2"},              // three fields
      {"superuser " + secret, "unknown role 'superuser'"},             // unknown role
      {"reader short-token", "at least 16"},                           // too short
      {"reader s3cret\"value-0123456789", "may contain only"},         // bad character
      {"reader " + secret + "\nwriter " + secret, "the same token as tokens line 1"},
  };
  for (const auto& [text, expected] : cases) {
    absl::StatusOr<TokenSet> tokens = TokenSet::Parse(text, "tokens");
    ASSERT_FALSE(tokens.ok()) << text;
    EXPECT_EQ(tokens.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(tokens.status().message().find(expected), std::string::npos)
        << tokens.status().message();
    EXPECT_EQ(tokens.status().message().find("s3cret"), std::string::npos)
        << tokens.status().message();
  }
}

TEST(LoadTokensTest, FileAndTextAreMergedAndEmptySourcesRefused) {
  const std::string path = ::testing::TempDir() + "/access_control_test_tokens";
  {
    std::ofstream out(path);
    out << "# reader of the test\nreader " << kReaderToken << "\n";
  }
  absl::StatusOr<TokenSet> tokens =
      LoadTokens(path, "--auth_tokens_file", absl::StrCat("writer ", kWriterToken), "env");
  ASSERT_TRUE(tokens.ok()) << tokens.status();
  EXPECT_EQ(tokens->Find(kReaderToken), Role::kReader);
  EXPECT_EQ(tokens->Find(kWriterToken), Role::kWriter);

  // Nothing configured: no tokens, no error (access control off).
  absl::StatusOr<TokenSet> none = LoadTokens("", "--auth_tokens_file", "", "env");
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());

  // The same token in both sources.
  EXPECT_EQ(LoadTokens(path, "--auth_tokens_file", absl::StrCat("admin ", kReaderToken), "env")
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
  // A source given but empty must not leave the server open.
  EXPECT_EQ(LoadTokens("", "--auth_tokens_file", "# nothing\n", "env").status().code(),
            absl::StatusCode::kInvalidArgument);
  {
    std::ofstream out(path, std::ios::trunc);
  }
  const absl::Status empty_file = LoadTokens(path, "--auth_tokens_file", "", "env").status();
  EXPECT_EQ(empty_file.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(empty_file.message().find("--auth_tokens_file="), std::string::npos);
  std::remove(path.c_str());

  const absl::Status missing =
      LoadTokens(path + ".missing", "--auth_tokens_file", "", "env").status();
  EXPECT_EQ(missing.code(), absl::StatusCode::kNotFound);
  EXPECT_NE(missing.message().find("--auth_tokens_file="), std::string::npos);
}

class AccessPolicyTest : public ::testing::Test {
 protected:
  static AccessPolicy MakePolicy(bool protect_open_methods = false) {
    absl::StatusOr<TokenSet> tokens =
        TokenSet::Parse(absl::StrCat("reader ", kReaderToken, "\nwriter ", kWriterToken,
                                     "\nadmin ", kAdminToken),
                        "test");
    EXPECT_TRUE(tokens.ok());
    return AccessPolicy(*std::move(tokens),
                        {{"/test.Service/Read", Role::kReader},
                         {"/test.Service/Write", Role::kWriter},
                         {"/test.Service/Delete", Role::kAdmin}},
                        protect_open_methods);
  }
};

TEST_F(AccessPolicyTest, RolesAreOrdered) {
  const AccessPolicy policy = MakePolicy();
  const std::string reader = Bearer(kReaderToken), writer = Bearer(kWriterToken),
                    admin = Bearer(kAdminToken);
  struct Case {
    const char* method;
    const std::string& header;
    absl::StatusCode expected;
  };
  const std::vector<Case> cases = {
      {"/test.Service/Read", reader, absl::StatusCode::kOk},
      {"/test.Service/Write", reader, absl::StatusCode::kPermissionDenied},
      {"/test.Service/Delete", reader, absl::StatusCode::kPermissionDenied},
      {"/test.Service/Read", writer, absl::StatusCode::kOk},
      {"/test.Service/Write", writer, absl::StatusCode::kOk},
      {"/test.Service/Delete", writer, absl::StatusCode::kPermissionDenied},
      {"/test.Service/Read", admin, absl::StatusCode::kOk},
      {"/test.Service/Write", admin, absl::StatusCode::kOk},
      {"/test.Service/Delete", admin, absl::StatusCode::kOk},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(policy.Check(c.method, {c.header}).code(), c.expected) << c.method << " " << c.header;
  }
  const absl::Status denied = policy.Check("/test.Service/Delete", {writer});
  EXPECT_NE(denied.message().find("requires the role admin"), std::string::npos)
      << denied.message();
  EXPECT_EQ(denied.message().find(kWriterToken), std::string::npos);
}

TEST_F(AccessPolicyTest, MissingOrUnknownTokensAreUnauthenticated) {
  const AccessPolicy policy = MakePolicy();
  const std::vector<std::vector<std::string_view>> headers = {
      {},
      {"Bearer unknown-token-0123456789abcdef"},
      {"Basic dXNlcjpwYXNz"},
      {"Bearer"},
      {"Bearer "},
      {kReaderToken},
      {"Bearer reader-token-0123456789abcdef", "Bearer writer-token-0123456789abcdef"},
  };
  for (const std::vector<std::string_view>& header : headers) {
    const absl::Status status = policy.Check("/test.Service/Read", header);
    EXPECT_EQ(status.code(), absl::StatusCode::kUnauthenticated);
    EXPECT_NE(status.message().find("authorization: Bearer <token>"), std::string::npos)
        << status.message();
  }
  // The scheme is case-insensitive (RFC 7235).
  EXPECT_TRUE(policy.Check("/test.Service/Read", {absl::StrCat("bearer ", kReaderToken)}).ok());
}

TEST_F(AccessPolicyTest, MethodsMissingFromTheTableAreDeniedToEveryRole) {
  const AccessPolicy policy = MakePolicy();
  EXPECT_EQ(policy.Check("/test.Service/New", {Bearer(kAdminToken)}).code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(policy.Check("/test.Service/New", {}).code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(policy.Check("", {Bearer(kAdminToken)}).code(), absl::StatusCode::kPermissionDenied);
}

TEST_F(AccessPolicyTest, HealthAndReflectionAreOpenUnlessProtected) {
  const char* kHealth = "/grpc.health.v1.Health/Check";
  const char* kReflection = "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo";
  const AccessPolicy open = MakePolicy();
  EXPECT_TRUE(open.Check(kHealth, {}).ok());
  EXPECT_TRUE(open.Check(kReflection, {}).ok());

  const AccessPolicy protected_policy = MakePolicy(/*protect_open_methods=*/true);
  EXPECT_EQ(protected_policy.Check(kHealth, {}).code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(protected_policy.Check(kReflection, {"Bearer unknown-token-0123456789"}).code(),
            absl::StatusCode::kUnauthenticated);
  EXPECT_TRUE(protected_policy.Check(kHealth, {Bearer(kReaderToken)}).ok());
  EXPECT_TRUE(protected_policy.Check(kReflection, {Bearer(kReaderToken)}).ok());
}

// Every RPC of CorpusService has a line in the table, and every line names
// an RPC: adding an RPC without deciding who may call it fails here.
TEST(CorpusServiceRolesTest, TheTableCoversExactlyTheServicesMethods) {
  // The descriptor of corpus.proto, reached through one of its messages.
  const google::protobuf::ServiceDescriptor* service =
      v1::IngestDocumentsRequest::descriptor()->file()->FindServiceByName("CorpusService");
  ASSERT_NE(service, nullptr);
  const MethodRoles& roles = CorpusServiceRoles();
  for (int i = 0; i < service->method_count(); ++i) {
    const std::string name = absl::StrCat("/", service->full_name(), "/", service->method(i)->name());
    EXPECT_EQ(roles.count(name), 1u) << name << " has no line in libs/server/corpus_access.cc";
  }
  EXPECT_EQ(roles.size(), static_cast<size_t>(service->method_count()))
      << "a line of libs/server/corpus_access.cc names no RPC of " << service->full_name();
  EXPECT_EQ(roles.at("/korpus.v1.CorpusService/Search"), Role::kReader);
  EXPECT_EQ(roles.at("/korpus.v1.CorpusService/ExportDocuments"), Role::kReader);
  EXPECT_EQ(roles.at("/korpus.v1.CorpusService/IngestDocuments"), Role::kWriter);
  EXPECT_EQ(roles.at("/korpus.v1.CorpusService/ImportDocuments"), Role::kWriter);
}

TEST(ServerTest, LoopbackAddresses) {
  EXPECT_TRUE(IsLoopbackAddress("127.0.0.1:50051"));
  EXPECT_TRUE(IsLoopbackAddress("127.0.0.2:0"));
  EXPECT_TRUE(IsLoopbackAddress("localhost:50051"));
  EXPECT_TRUE(IsLoopbackAddress("[::1]:50051"));
  EXPECT_FALSE(IsLoopbackAddress("0.0.0.0:50051"));
  EXPECT_FALSE(IsLoopbackAddress("[::]:50051"));
  EXPECT_FALSE(IsLoopbackAddress("10.0.0.7:50051"));
}

// Real certificates are made and used by tests/e2e/tls_e2e_test.cc; these
// are the mistakes found before reading any certificate.
TEST(TlsFilesTest, PlaintextWithoutFilesAndClearErrorsForIncompleteOnes) {
  absl::StatusOr<std::optional<ServerTls>> plaintext = LoadServerTls({});
  ASSERT_TRUE(plaintext.ok());
  EXPECT_FALSE(plaintext->has_value());
  absl::StatusOr<std::optional<ClientTls>> client_plaintext = LoadClientTls({});
  ASSERT_TRUE(client_plaintext.ok());
  EXPECT_FALSE(client_plaintext->has_value());

  const absl::Status cert_only = LoadServerTls({.cert_file = "server.pem"}).status();
  EXPECT_EQ(cert_only.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(cert_only.message().find("--tls_key_file"), std::string::npos);
  const absl::Status ca_only = LoadServerTls({.client_ca_file = "ca.pem"}).status();
  EXPECT_EQ(ca_only.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(ca_only.message().find("--tls_client_ca_file requires"), std::string::npos);

  const absl::Status unreadable =
      LoadServerTls({.cert_file = "/nonexistent/server.pem", .key_file = "/nonexistent/key.pem"})
          .status();
  EXPECT_EQ(unreadable.code(), absl::StatusCode::kNotFound);
  EXPECT_NE(unreadable.message().find("--tls_cert_file=/nonexistent/server.pem"),
            std::string::npos);

  const std::string not_pem = ::testing::TempDir() + "/access_control_test_not_pem";
  {
    std::ofstream out(not_pem);
    out << "Dies ist kein Zertifikat.\n";
  }
  const absl::Status garbage = LoadServerTls({.cert_file = not_pem, .key_file = not_pem}).status();
  EXPECT_EQ(garbage.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(garbage.message().find("holds no PEM certificate"), std::string::npos);
  const absl::Status bad_ca = LoadClientTls({.ca_file = not_pem}).status();
  EXPECT_EQ(bad_ca.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(bad_ca.message().find("--tls_ca_file="), std::string::npos);
  std::remove(not_pem.c_str());

  EXPECT_EQ(LoadClientTls({.cert_file = "client.pem", .key_file = "client.key"}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(LoadClientTls({.server_name = "storage"}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

grpc::Status CallNormalize(grpc::Channel& channel, const std::string& authorization) {
  auto stub = v1::IngestService::NewStub(
      std::shared_ptr<grpc::Channel>(&channel, [](grpc::Channel*) {}));
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
  if (!authorization.empty()) context.AddMetadata("authorization", authorization);
  v1::NormalizeArticleRequest request;
  v1::NormalizeArticleResponse response;
  return stub->NormalizeArticle(&context, request, &response);
}

grpc::Status CheckHealth(grpc::Channel& channel) {
  auto stub = grpc::health::v1::Health::NewStub(
      std::shared_ptr<grpc::Channel>(&channel, [](grpc::Channel*) {}));
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
  grpc::health::v1::HealthCheckRequest request;
  grpc::health::v1::HealthCheckResponse response;
  return stub->Check(&context, request, &response);
}

// The policy applies over the network before the handler (here: one that
// answers UNIMPLEMENTED to everything), and the health-only port answers
// health checks and refuses everything else.
TEST(GrpcServerAccessTest, PolicyAppliesBeforeHandlersAndHealthPortServesOnlyHealth) {
  absl::StatusOr<TokenSet> tokens =
      TokenSet::Parse(absl::StrCat("reader ", kReaderToken, "\nwriter ", kWriterToken), "test");
  ASSERT_TRUE(tokens.ok());
  v1::IngestService::Service unimplemented;
  ServerOptions options{.service_name = "test", .health_listen_address = "127.0.0.1:0"};
  options.access_policy = std::make_shared<const AccessPolicy>(
      *std::move(tokens), MethodRoles{{"/korpus.v1.IngestService/NormalizeArticle", Role::kWriter}});
  absl::StatusOr<std::unique_ptr<GrpcServer>> server =
      GrpcServer::Start(options, {{&unimplemented, v1::IngestService::service_full_name()}});
  ASSERT_TRUE(server.ok()) << server.status();
  ASSERT_GT((*server)->health_port(), 0);
  auto main_port = grpc::CreateChannel("127.0.0.1:" + std::to_string((*server)->port()),
                                       grpc::InsecureChannelCredentials());
  auto health_port = grpc::CreateChannel("127.0.0.1:" + std::to_string((*server)->health_port()),
                                         grpc::InsecureChannelCredentials());

  EXPECT_EQ(CallNormalize(*main_port, "").error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(CallNormalize(*main_port, Bearer(kReaderToken)).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(CallNormalize(*main_port, Bearer(kWriterToken)).error_code(),
            grpc::StatusCode::UNIMPLEMENTED);  // Reached the handler.
  EXPECT_TRUE(CheckHealth(*main_port).ok());

  EXPECT_TRUE(CheckHealth(*health_port).ok());
  EXPECT_EQ(CallNormalize(*health_port, Bearer(kWriterToken)).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

}  // namespace
}  // namespace korpus
