// The role matrix of the gateway's access control, with the real binaries:
// every RPC of korpus.v1.CorpusService (taken from the service descriptor,
// so a new RPC cannot be left out) called without a token, with an unknown
// one and with a reader, writer and admin token. Refused calls must end
// with UNAUTHENTICATED or PERMISSION_DENIED; an allowed call may end with
// any other code (the requests are empty, so INVALID_ARGUMENT and NOT_FOUND
// are expected), which shows it reached the service.
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
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
#include "tests/testing/korpus_cluster.h"
#include "tests/testing/service_process.h"

namespace korpus {
namespace {

constexpr char kReaderToken[] = "leser-0123456789abcdef0123";
constexpr char kWriterToken[] = "schreiber-0123456789abcdef";
constexpr char kAdminToken[] = "verwalter-0123456789abcdef";

// The role each RPC needs, written out here rather than read from
// libs/server/corpus_access.cc, so that this test checks the table.
const std::map<std::string, std::string>& ExpectedRoles() {
  static const auto* roles = new std::map<std::string, std::string>{
      {"IngestDocuments", "writer"}, {"StreamIngestDocuments", "writer"},
      {"ImportDocuments", "writer"}, {"GetDocument", "reader"},
      {"ListDocuments", "reader"},   {"Search", "reader"},
      {"GetStats", "reader"},        {"ExportDocuments", "reader"},
      {"ListEntities", "reader"},    {"GetEntity", "reader"},
      {"ListCooccurrences", "reader"},
      {"ListQuotes", "reader"},      {"ListStories", "reader"},
      {"GetStory", "reader"},        {"GetTimeline", "reader"},
      {"Watch", "reader"},
      {"DeleteDocument", "admin"},   {"ReannotateDocuments", "admin"},
  };
  return *roles;
}

int Rank(const std::string& role) {
  if (role == "reader") return 1;
  if (role == "writer") return 2;
  if (role == "admin") return 3;
  return 0;  // No token, or an unknown one.
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Calls `method` with one empty request message (any kind of RPC: the
// message is sent, the client half-closes, every response is read) and
// returns the final status.
grpc::Status CallWithEmptyRequest(grpc::Channel& channel, const std::string& method,
                                  const std::string& token) {
  grpc::GenericStub stub(std::shared_ptr<grpc::Channel>(&channel, [](grpc::Channel*) {}));
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(20)));
  if (!token.empty()) context.AddMetadata("authorization", absl::StrCat("Bearer ", token));
  grpc::CompletionQueue queue;
  void* tag = nullptr;
  bool ok = false;
  std::unique_ptr<grpc::GenericClientAsyncReaderWriter> call =
      stub.PrepareCall(&context, method, &queue);
  call->StartCall(reinterpret_cast<void*>(1));
  queue.Next(&tag, &ok);
  if (ok) {
    grpc::Slice empty("");
    call->WriteLast(grpc::ByteBuffer(&empty, 1), grpc::WriteOptions(), reinterpret_cast<void*>(2));
    queue.Next(&tag, &ok);
    grpc::ByteBuffer response;
    do {
      call->Read(&response, reinterpret_cast<void*>(3));
      queue.Next(&tag, &ok);
    } while (ok);
  }
  grpc::Status status;
  call->Finish(&status, reinterpret_cast<void*>(4));
  queue.Next(&tag, &ok);
  queue.Shutdown();
  while (queue.Next(&tag, &ok)) {
  }
  return status;
}

class AuthEndToEndTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir();
    const std::string tokens = absl::StrCat(dir_->path(), "/tokens");
    {
      std::ofstream out(tokens);
      out << "# Tokens of the role matrix test\n"
          << "reader " << kReaderToken << "\n"
          << "writer " << kWriterToken << "\n\n"
          << "admin " << kAdminToken << "\n";
    }
    testing::ClusterOptions options;
    options.work_dir = dir_->path();
    options.gateway_args = {absl::StrCat("--auth_tokens_file=", tokens)};
    absl::StatusOr<std::unique_ptr<testing::KorpusCluster>> cluster =
        testing::KorpusCluster::Start(options);
    ASSERT_TRUE(cluster.ok()) << cluster.status();
    cluster_ = cluster->release();
  }
  static void TearDownTestSuite() {
    delete cluster_;
    cluster_ = nullptr;
    delete dir_;
    dir_ = nullptr;
  }
  void SetUp() override { ASSERT_NE(cluster_, nullptr); }

  std::shared_ptr<grpc::Channel> Channel() {
    return grpc::CreateChannel(cluster_->gateway_address(), grpc::InsecureChannelCredentials());
  }

  static testing::TempDir* dir_;
  static testing::KorpusCluster* cluster_;
};

testing::TempDir* AuthEndToEndTest::dir_ = nullptr;
testing::KorpusCluster* AuthEndToEndTest::cluster_ = nullptr;

TEST_F(AuthEndToEndTest, RoleMatrixOverEveryRpc) {
  // The descriptor of corpus.proto, reached through one of its messages.
  const google::protobuf::ServiceDescriptor* service =
      v1::IngestDocumentsRequest::descriptor()->file()->FindServiceByName("CorpusService");
  ASSERT_NE(service, nullptr);
  struct Caller {
    std::string name;
    std::string token;
    std::string role;
  };
  const std::vector<Caller> callers = {
      {"no token", "", ""},
      {"unknown token", "unbekannt-0123456789abcdef", ""},
      {"reader", kReaderToken, "reader"},
      {"writer", kWriterToken, "writer"},
      {"admin", kAdminToken, "admin"},
  };
  std::shared_ptr<grpc::Channel> channel = Channel();
  ASSERT_GT(service->method_count(), 0);
  // The matrix as observed, printed for the record.
  std::string matrix = "RPC                     | no token | unknown | reader | writer | admin\n";
  for (int i = 0; i < service->method_count(); ++i) {
    const std::string name = service->method(i)->name();
    const auto expected = ExpectedRoles().find(name);
    ASSERT_NE(expected, ExpectedRoles().end())
        << "CorpusService." << name << " is new: add it to ExpectedRoles() here and to "
        << "libs/server/corpus_access.cc";
    const std::string method = absl::StrCat("/", service->full_name(), "/", name);
    absl::StrAppend(&matrix, name, std::string(name.size() < 24 ? 24 - name.size() : 0, ' '));
    for (const Caller& caller : callers) {
      const grpc::Status status = CallWithEmptyRequest(*channel, method, caller.token);
      absl::StrAppend(&matrix, "| ", status.error_code(), " ");
      SCOPED_TRACE(absl::StrCat(name, " as ", caller.name, ": ", status.error_code(), " ",
                                status.error_message()));
      if (caller.role.empty()) {
        EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
        EXPECT_NE(status.error_message().find("authorization: Bearer <token>"),
                  std::string::npos);
      } else if (Rank(caller.role) < Rank(expected->second)) {
        EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
        EXPECT_NE(status.error_message().find(absl::StrCat("requires the role ", expected->second)),
                  std::string::npos);
      } else {
        EXPECT_NE(status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
        EXPECT_NE(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
      }
    }
    absl::StrAppend(&matrix, "\n");
  }
  std::cout << "status codes (16 UNAUTHENTICATED, 7 PERMISSION_DENIED):\n" << matrix;
}

TEST_F(AuthEndToEndTest, HealthStaysOpenAndTokensNeverReachTheLogs) {
  auto health = grpc::health::v1::Health::NewStub(Channel());
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
  grpc::health::v1::HealthCheckRequest request;
  request.set_service("korpus.v1.CorpusService");
  grpc::health::v1::HealthCheckResponse response;
  const grpc::Status status = health->Check(&context, request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.status(), grpc::health::v1::HealthCheckResponse::SERVING);

  // A writer ingests through the typed client (which sends the token), a
  // reader finds the article.
  const CorpusClient writer(
      MakeChannel(cluster_->gateway_address(), {.bearer_token = kWriterToken}));
  v1::IngestDocumentsRequest ingest;
  v1::RawArticle* article = ingest.add_articles();
  article->set_content(
      "Zugang geprüft\n\nDie Stadtbibliothek in Kassel verlängert ihre Öffnungszeiten am "
      "Samstag bis zum Abend.");
  absl::StatusOr<v1::IngestDocumentsResponse> ingested =
      writer.IngestDocuments(ingest, {.timeout = absl::Seconds(30)});
  ASSERT_TRUE(ingested.ok()) << ingested.status();
  ASSERT_EQ(ingested->results_size(), 1);
  EXPECT_EQ(ingested->results(0).outcome(), v1::INGEST_OUTCOME_CREATED)
      << ingested->results(0).DebugString();

  const CorpusClient reader(
      MakeChannel(cluster_->gateway_address(), {.bearer_token = kReaderToken}));
  v1::SearchRequest search;
  search.set_query("Stadtbibliothek");
  absl::StatusOr<v1::SearchResponse> found = reader.Search(search, {});
  ASSERT_TRUE(found.ok()) << found.status();
  EXPECT_EQ(found->hits_size(), 1);
  EXPECT_EQ(reader.IngestDocuments(ingest, {}).status().code(),
            absl::StatusCode::kPermissionDenied);

  for (const char* log : {"gateway.log", "storage.log", "ingest.log", "annotator.log"}) {
    const std::string text = ReadFile(absl::StrCat(dir_->path(), "/", log));
    for (const char* token : {kReaderToken, kWriterToken, kAdminToken}) {
      EXPECT_EQ(text.find(token), std::string::npos) << log << " contains a token";
    }
  }
}

TEST_F(AuthEndToEndTest, KorpusctlSendsTheTokenFromTheEnvironment) {
  const std::string out = absl::StrCat(dir_->path(), "/korpusctl.out");
  const std::string korpusctl = absl::StrCat("'", testing::DefaultBuildPaths().korpusctl,
                                             "' --gateway=", cluster_->gateway_address());
  const std::string with_token =
      absl::StrCat("KORPUS_TOKEN=", kReaderToken, " ", korpusctl, " stats >'", out, "' 2>&1");
  EXPECT_EQ(std::system(with_token.c_str()), 0) << ReadFile(out);

  const std::string without_token = absl::StrCat(korpusctl, " stats >'", out, "' 2>&1");
  const int status = std::system(without_token.c_str());
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 1) << status;
  EXPECT_NE(ReadFile(out).find("UNAUTHENTICATED"), std::string::npos) << ReadFile(out);
}

}  // namespace
}  // namespace korpus
