// TLS between every korpus process, with the real binaries: certificates are
// made at test time with the openssl command (a CA, a server certificate for
// localhost and 127.0.0.1, a client certificate), the backends require
// mutual TLS, the gateway serves TLS and presents its client certificate to
// the backends. Checks that articles flow end to end, that plaintext and
// certificate-less clients are refused, and that bad files stop a server at
// start-up with a message naming the flag.
#include <grpcpp/grpcpp.h>
#include <sys/wait.h>

#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "korpus/v1/corpus.grpc.pb.h"
#include "libs/clients/channel.h"
#include "libs/clients/corpus_client.h"
#include "libs/server/tls.h"
#include "tests/testing/korpus_cluster.h"
#include "tests/testing/service_process.h"

namespace korpus {
namespace {

constexpr char kToken[] = "tls-writer-0123456789abcdef";

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Runs a shell command in `dir`; false (with the output in the failure
// message) if it fails.
::testing::AssertionResult Run(const std::string& dir, const std::string& command) {
  const std::string log = absl::StrCat(dir, "/openssl.log");
  const std::string full = absl::StrCat("cd '", dir, "' && ", command, " >>'", log, "' 2>&1");
  if (std::system(full.c_str()) != 0) {
    return ::testing::AssertionFailure() << command << "\n" << ReadFile(log);
  }
  return ::testing::AssertionSuccess();
}

// EC P-256 keys (fast to make); certificates valid for one day.
::testing::AssertionResult MakeCertificates(const std::string& dir) {
  const std::string key = "openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256";
  {
    std::ofstream server(absl::StrCat(dir, "/server.ext"));
    server << "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\n"
              "extendedKeyUsage=serverAuth\nsubjectAltName=DNS:localhost,IP:127.0.0.1\n";
    std::ofstream client(absl::StrCat(dir, "/client.ext"));
    client << "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\n"
              "extendedKeyUsage=clientAuth\n";
  }
  for (const std::string& command : {
           absl::StrCat(key, " -out ca.key"),
           std::string("openssl req -x509 -new -key ca.key -out ca.pem -days 1 "
                       "-subj '/CN=korpus test CA'"),
           absl::StrCat(key, " -out server.key"),
           std::string("openssl req -new -key server.key -out server.csr -subj '/CN=localhost'"),
           std::string("openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key "
                       "-CAcreateserial -out server.pem -days 1 -extfile server.ext"),
           absl::StrCat(key, " -out client.key"),
           std::string("openssl req -new -key client.key -out client.csr "
                       "-subj '/CN=korpus-gateway'"),
           std::string("openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key "
                       "-CAcreateserial -out client.pem -days 1 -extfile client.ext"),
       }) {
    if (::testing::AssertionResult result = Run(dir, command); !result) return result;
  }
  return ::testing::AssertionSuccess();
}

class TlsEndToEndTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir();
    const std::string& d = dir_->path();
    ASSERT_TRUE(MakeCertificates(d));
    ca_ = absl::StrCat(d, "/ca.pem");
    const std::vector<std::string> server_tls = {absl::StrCat("--tls_cert_file=", d, "/server.pem"),
                                                 absl::StrCat("--tls_key_file=", d, "/server.key")};
    std::vector<std::string> backend_tls = server_tls;
    backend_tls.push_back(absl::StrCat("--tls_client_ca_file=", ca_));
    // The harness checks health over mutual TLS too, with the client pair.
    absl::StatusOr<std::optional<ClientTls>> mutual = LoadClientTls(
        {.ca_file = ca_, .cert_file = d + "/client.pem", .key_file = d + "/client.key"});
    ASSERT_TRUE(mutual.ok()) << mutual.status();
    grpc::SslCredentialsOptions mutual_ssl{(*mutual)->root_certs_pem, (*mutual)->private_key_pem,
                                           (*mutual)->cert_chain_pem};
    grpc::SslCredentialsOptions server_only_ssl{(*mutual)->root_certs_pem, "", ""};
    const auto mutual_credentials = grpc::SslCredentials(mutual_ssl);

    const testing::BuildPaths& paths = testing::DefaultBuildPaths();
    auto start = [&](const std::string& binary, std::vector<std::string> args,
                     const std::string& log) -> std::unique_ptr<testing::ServiceProcess> {
      args.insert(args.end(), backend_tls.begin(), backend_tls.end());
      absl::StatusOr<std::unique_ptr<testing::ServiceProcess>> process =
          testing::ServiceProcess::Start({.binary = binary,
                                          .args = args,
                                          .log_path = absl::StrCat(d, "/", log),
                                          .health_credentials = mutual_credentials});
      EXPECT_TRUE(process.ok()) << process.status();
      return process.ok() ? *std::move(process) : nullptr;
    };
    storage_ = start(paths.storage, {absl::StrCat("--store=sqlite:", d, "/korpus.db")},
                     "storage.log")
                   .release();
    ingest_ = start(paths.ingest, {}, "ingest.log").release();
    annotator_ =
        start(paths.annotator, {absl::StrCat("--model_dir=", paths.model_dir)}, "annotator.log")
            .release();
    ASSERT_TRUE(storage_ != nullptr && ingest_ != nullptr && annotator_ != nullptr);

    std::ofstream(absl::StrCat(d, "/tokens")) << "writer " << kToken << "\n";
    std::vector<std::string> gateway_args = {
        absl::StrCat("--ingest_address=", ingest_->address()),
        absl::StrCat("--annotator_address=", annotator_->address()),
        absl::StrCat("--storage_address=", storage_->address()),
        absl::StrCat("--tls_ca_file=", ca_),
        absl::StrCat("--tls_client_cert_file=", d, "/client.pem"),
        absl::StrCat("--tls_client_key_file=", d, "/client.key"),
        absl::StrCat("--auth_tokens_file=", d, "/tokens")};
    gateway_args.insert(gateway_args.end(), server_tls.begin(), server_tls.end());
    absl::StatusOr<std::unique_ptr<testing::ServiceProcess>> gateway =
        testing::ServiceProcess::Start({.binary = paths.gateway,
                                        .args = gateway_args,
                                        .log_path = absl::StrCat(d, "/gateway.log"),
                                        .health_credentials = grpc::SslCredentials(server_only_ssl)});
    ASSERT_TRUE(gateway.ok()) << gateway.status();
    gateway_ = gateway->release();
  }
  static void TearDownTestSuite() {
    for (testing::ServiceProcess* process : {gateway_, annotator_, ingest_, storage_}) delete process;
    gateway_ = annotator_ = ingest_ = storage_ = nullptr;
    delete dir_;
    dir_ = nullptr;
  }
  void SetUp() override { ASSERT_NE(gateway_, nullptr); }

  static std::optional<ClientTls> ServerOnlyTls() {
    absl::StatusOr<std::optional<ClientTls>> tls = LoadClientTls({.ca_file = ca_});
    EXPECT_TRUE(tls.ok()) << tls.status();
    return tls.ok() ? *tls : std::nullopt;
  }

  static grpc::Status Health(const std::shared_ptr<grpc::Channel>& channel) {
    auto stub = grpc::health::v1::Health::NewStub(channel);
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(5)));
    grpc::health::v1::HealthCheckRequest request;
    grpc::health::v1::HealthCheckResponse response;
    return stub->Check(&context, request, &response);
  }

  static testing::TempDir* dir_;
  static std::string ca_;
  static testing::ServiceProcess* storage_;
  static testing::ServiceProcess* ingest_;
  static testing::ServiceProcess* annotator_;
  static testing::ServiceProcess* gateway_;
};

testing::TempDir* TlsEndToEndTest::dir_ = nullptr;
std::string TlsEndToEndTest::ca_;
testing::ServiceProcess* TlsEndToEndTest::storage_ = nullptr;
testing::ServiceProcess* TlsEndToEndTest::ingest_ = nullptr;
testing::ServiceProcess* TlsEndToEndTest::annotator_ = nullptr;
testing::ServiceProcess* TlsEndToEndTest::gateway_ = nullptr;

TEST_F(TlsEndToEndTest, ArticlesFlowThroughEveryServiceOverTls) {
  const CorpusClient client(MakeChannel(
      gateway_->address(), {.retry_unavailable = false, .tls = ServerOnlyTls(), .bearer_token = kToken}));
  v1::IngestDocumentsRequest request;
  request.add_articles()->set_content(
      "Verschlüsselt übertragen\n\nDer Verkehrsverbund in Leipzig meldete am Dienstag neue "
      "Fahrgastzahlen für die Straßenbahn.");
  absl::StatusOr<v1::IngestDocumentsResponse> response =
      client.IngestDocuments(request, {.timeout = absl::Seconds(30)});
  ASSERT_TRUE(response.ok()) << response.status();
  ASSERT_EQ(response->results_size(), 1);
  EXPECT_EQ(response->results(0).outcome(), v1::INGEST_OUTCOME_CREATED)
      << response->results(0).DebugString();
  absl::StatusOr<v1::Document> document = client.GetDocument(
      [&] {
        v1::GetDocumentRequest get;
        get.set_id(response->results(0).document_id());
        return get;
      }(),
      {});
  ASSERT_TRUE(document.ok()) << document.status();
  EXPECT_GT(document->annotations().sentences_size(), 0);  // Annotated over mutual TLS.
}

TEST_F(TlsEndToEndTest, PlaintextAndUntrustedClientsAreRefused) {
  // Plaintext to the TLS gateway.
  EXPECT_EQ(Health(grpc::CreateChannel(gateway_->address(), grpc::InsecureChannelCredentials()))
                .error_code(),
            grpc::StatusCode::UNAVAILABLE);
  // TLS without the test CA: the gateway's certificate is not trusted.
  grpc::SslCredentialsOptions other_roots;
  other_roots.pem_root_certs = ReadFile(absl::StrCat(dir_->path(), "/client.pem"));
  EXPECT_EQ(Health(grpc::CreateChannel(gateway_->address(), grpc::SslCredentials(other_roots)))
                .error_code(),
            grpc::StatusCode::UNAVAILABLE);
  // The gateway with the CA: health is open.
  EXPECT_TRUE(Health(MakeChannel(gateway_->address(), {.tls = ServerOnlyTls()})).ok());
  // A backend requires a client certificate: TLS without one is refused.
  EXPECT_EQ(Health(MakeChannel(storage_->address(), {.retry_unavailable = false,
                                                      .tls = ServerOnlyTls()}))
                .error_code(),
            grpc::StatusCode::UNAVAILABLE);
  absl::StatusOr<std::optional<ClientTls>> mutual =
      LoadClientTls({.ca_file = ca_,
                     .cert_file = absl::StrCat(dir_->path(), "/client.pem"),
                     .key_file = absl::StrCat(dir_->path(), "/client.key")});
  ASSERT_TRUE(mutual.ok()) << mutual.status();
  EXPECT_TRUE(Health(MakeChannel(storage_->address(), {.tls = *mutual})).ok());
}

TEST_F(TlsEndToEndTest, KorpusctlSpeaksTls) {
  const std::string out = absl::StrCat(dir_->path(), "/korpusctl.out");
  const std::string command =
      absl::StrCat("KORPUS_TOKEN=", kToken, " '", testing::DefaultBuildPaths().korpusctl,
                   "' --gateway=localhost:", gateway_->port(), " --tls_ca_file='", ca_,
                   "' stats >'", out, "' 2>&1");
  EXPECT_EQ(std::system(command.c_str()), 0) << ReadFile(out);
}

// With --auth_protect_health_and_reflection health checks need a token too
// (sent here as gRPC's access-token call credentials, which TLS allows:
// "authorization: Bearer <token>"); the plaintext --health_listen port stays
// open for probes and serves nothing else.
TEST_F(TlsEndToEndTest, ProtectedHealthNeedsATokenAndTheHealthPortStaysOpen) {
  const std::string& d = dir_->path();
  absl::StatusOr<std::optional<ClientTls>> tls = LoadClientTls({.ca_file = ca_});
  ASSERT_TRUE(tls.ok());
  grpc::SslCredentialsOptions ssl;
  ssl.pem_root_certs = (*tls)->root_certs_pem;
  auto with_token = grpc::CompositeChannelCredentials(grpc::SslCredentials(ssl),
                                                      grpc::AccessTokenCredentials(kToken));
  absl::StatusOr<std::unique_ptr<testing::ServiceProcess>> gateway =
      testing::ServiceProcess::Start(
          {.binary = testing::DefaultBuildPaths().gateway,
           .args = {absl::StrCat("--storage_address=", storage_->address()),
                    absl::StrCat("--tls_cert_file=", d, "/server.pem"),
                    absl::StrCat("--tls_key_file=", d, "/server.key"),
                    absl::StrCat("--auth_tokens_file=", d, "/tokens"),
                    "--auth_protect_health_and_reflection", "--health_listen=127.0.0.1:0"},
           .log_path = absl::StrCat(d, "/protected-gateway.log"),
           .health_credentials = with_token});
  ASSERT_TRUE(gateway.ok()) << gateway.status();

  EXPECT_EQ(Health(MakeChannel((*gateway)->address(), {.tls = *tls})).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_TRUE(
      Health(MakeChannel((*gateway)->address(), {.tls = *tls, .bearer_token = kToken})).ok());

  // The health-only port, found in the log line that announces it.
  const std::string log = ReadFile(absl::StrCat(d, "/protected-gateway.log"));
  const std::string marker = "serving health checks only, in plaintext, on 127.0.0.1:0 (port ";
  const size_t at = log.find(marker);
  ASSERT_NE(at, std::string::npos) << log;
  const std::string health_address =
      absl::StrCat("127.0.0.1:", std::atoi(log.c_str() + at + marker.size()));
  auto plaintext = grpc::CreateChannel(health_address, grpc::InsecureChannelCredentials());
  EXPECT_TRUE(Health(plaintext).ok());
  v1::GetStatsRequest request;
  v1::CorpusStats response;
  grpc::ClientContext context;
  context.AddMetadata("authorization", absl::StrCat("Bearer ", kToken));
  EXPECT_EQ(v1::CorpusService::NewStub(plaintext)->GetStats(&context, request, &response)
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

// Bad TLS files stop a server before it listens, naming the flag.
TEST_F(TlsEndToEndTest, BadFilesStopTheServerAtStartUp) {
  const std::string& d = dir_->path();
  struct Case {
    std::vector<std::string> args;
    std::string expected;
  };
  const std::vector<Case> cases = {
      {{absl::StrCat("--tls_cert_file=", d, "/server.pem"),
        absl::StrCat("--tls_key_file=", d, "/client.key")},
       "does not belong to the certificate"},
      {{absl::StrCat("--tls_cert_file=", d, "/server.pem")}, "--tls_key_file go together"},
      {{absl::StrCat("--tls_cert_file=", d, "/missing.pem"),
        absl::StrCat("--tls_key_file=", d, "/server.key")},
       "cannot read --tls_cert_file="},
      {{absl::StrCat("--tls_cert_file=", d, "/server.key"),
        absl::StrCat("--tls_key_file=", d, "/server.key")},
       "holds no PEM certificate"},
  };
  int i = 0;
  for (const Case& c : cases) {
    const std::string log = absl::StrCat(d, "/bad-", i++, ".log");
    absl::StatusOr<std::unique_ptr<testing::ServiceProcess>> process =
        testing::ServiceProcess::Start(
            {.binary = testing::DefaultBuildPaths().ingest, .args = c.args, .log_path = log},
            absl::Seconds(10));
    ASSERT_FALSE(process.ok()) << c.expected;
    EXPECT_NE(ReadFile(log).find(c.expected), std::string::npos) << ReadFile(log);
  }
}

}  // namespace
}  // namespace korpus
