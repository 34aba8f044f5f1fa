// The watch part of the Store contract (Store::PollWatch in store.h), run
// against every backend like store_contract_test.cc: documents matching a
// saved search are delivered in the order they became searchable (stored
// ANNOTATED or annotated later), each once, resumable from any cursor.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "libs/store/store.h"
#include "tests/unit/store/store_backends.h"

namespace korpus::store {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

v1::Document Pending(const std::string& id, const std::string& text) {
  v1::Document document;
  document.set_id(id);
  document.set_title(text.substr(0, text.find('.')));
  document.set_text(text);
  document.set_language("de");
  document.set_content_hash(absl::StrCat("hash-", id));
  document.set_source_uri(absl::StrCat("https://example.org/", id));
  document.mutable_published_at()->set_seconds(1700000000);
  return document;
}

v1::Annotations SomeAnnotations(const std::string& text) {
  v1::Annotations annotations;
  annotations.set_model_name("korpus-de");
  annotations.set_model_version("0.1.0");
  v1::Token* token = annotations.add_tokens();
  token->set_begin(0);
  token->set_end(3);
  token->set_kind(v1::TOKEN_KIND_WORD);
  token->set_text(text.substr(0, 3));
  v1::Sentence* sentence = annotations.add_sentences();
  sentence->set_begin(0);
  sentence->set_end(3);
  sentence->set_first_token(0);
  sentence->set_token_count(1);
  return annotations;
}

v1::Document Annotated(const std::string& id, const std::string& text) {
  v1::Document document = Pending(id, text);
  *document.mutable_annotations() = SomeAnnotations(text);
  return document;
}

class WatchContractTest : public ::testing::TestWithParam<BackendFactory> {
 protected:
  void SetUp() override {
    backend_ = GetParam().make();
    const absl::Status prepared = backend_->Prepare();
    ASSERT_TRUE(prepared.ok()) << prepared;
    store_ = Open();
    ASSERT_NE(store_, nullptr);
  }
  void TearDown() override {
    store_.reset();
    if (backend_ != nullptr) backend_->CleanUp();
  }

  std::unique_ptr<Store> Open() {
    absl::StatusOr<std::unique_ptr<Store>> store = OpenStore(backend_->Spec());
    EXPECT_TRUE(store.ok()) << store.status();
    return store.ok() ? *std::move(store) : nullptr;
  }

  void PutOrDie(const v1::Document& document) {
    absl::StatusOr<PutResult> result = store_->Put(document);
    ASSERT_TRUE(result.ok()) << result.status();
    ASSERT_TRUE(result->created);
  }

  void AnnotateOrDie(const std::string& id, const std::string& text) {
    absl::StatusOr<AnnotateResult> result = store_->Annotate(id, SomeAnnotations(text));
    ASSERT_TRUE(result.ok()) << result.status();
    ASSERT_TRUE(result->changed);
  }

  static v1::PollWatchRequest Watch(const std::string& query, const std::string& cursor = "") {
    v1::PollWatchRequest request;
    request.mutable_watch()->set_query(query);
    request.mutable_watch()->set_cursor(cursor);
    return request;
  }

  // The ids one poll delivers; `cursor` gets the response's cursor.
  std::vector<std::string> Poll(const v1::PollWatchRequest& request, std::string* cursor) {
    absl::StatusOr<v1::PollWatchResponse> response = store_->PollWatch(request);
    EXPECT_TRUE(response.ok()) << response.status();
    std::vector<std::string> ids;
    if (!response.ok()) return ids;
    EXPECT_FALSE(response->cursor().empty());
    for (const v1::WatchEvent& event : response->events()) {
      ids.push_back(event.document().id());
      EXPECT_FALSE(event.cursor().empty());
    }
    if (cursor != nullptr) *cursor = response->cursor();
    return ids;
  }

  std::unique_ptr<StoreBackend> backend_;
  std::unique_ptr<Store> store_;
};

const char kHafenA[] = "Neuer Kran im Hafen. Der Hafen von Kiel bekommt einen Kran.";
const char kHafenB[] = "Hafen wird ausgebaut. Die Stadt investiert in ihren Hafen.";
const char kHafenC[] = "Streik im Hafen. Die Arbeiter im Hafen legen die Arbeit nieder.";
const char kWetter[] = "Sturm an der Kueste. Der Wetterdienst warnt vor Orkanboeen.";

TEST_P(WatchContractTest, DeliversMatchingDocumentsWhenTheyBecomeAnnotated) {
  PutOrDie(Pending("b", kHafenB));
  PutOrDie(Annotated("a", kHafenA));
  PutOrDie(Annotated("w", kWetter));
  std::string cursor;
  // The PENDING document is not searchable yet: only "a".
  EXPECT_THAT(Poll(Watch("Hafen"), &cursor), ElementsAre("a"));
  EXPECT_THAT(Poll(Watch("Hafen", cursor), &cursor), IsEmpty());
  // Annotated now: it comes after "a", although stored before it.
  AnnotateOrDie("b", kHafenB);
  EXPECT_THAT(Poll(Watch("Hafen", cursor), &cursor), ElementsAre("b"));
  EXPECT_THAT(Poll(Watch("Hafen", cursor), &cursor), IsEmpty());
  // From the beginning: both, in the order they became searchable.
  EXPECT_THAT(Poll(Watch("Hafen"), nullptr), ElementsAre("a", "b"));
  EXPECT_THAT(Poll(Watch("Orkanboeen OR Sturm"), nullptr), ElementsAre("w"));
}

TEST_P(WatchContractTest, EachEventCursorResumesRightAfterItsDocument) {
  PutOrDie(Annotated("a", kHafenA));
  PutOrDie(Annotated("w", kWetter));
  PutOrDie(Annotated("b", kHafenB));
  PutOrDie(Annotated("c", kHafenC));
  absl::StatusOr<v1::PollWatchResponse> all = store_->PollWatch(Watch("Hafen"));
  ASSERT_TRUE(all.ok()) << all.status();
  ASSERT_EQ(all->events_size(), 3);
  EXPECT_THAT(Poll(Watch("Hafen", all->events(0).cursor()), nullptr), ElementsAre("b", "c"));
  EXPECT_THAT(Poll(Watch("Hafen", all->events(1).cursor()), nullptr), ElementsAre("c"));
  EXPECT_THAT(Poll(Watch("Hafen", all->events(2).cursor()), nullptr), IsEmpty());

  // max_events: the response's cursor continues where the events stop.
  v1::PollWatchRequest two = Watch("Hafen");
  two.set_max_events(2);
  std::string cursor;
  EXPECT_THAT(Poll(two, &cursor), ElementsAre("a", "b"));
  EXPECT_THAT(Poll(Watch("Hafen", cursor), &cursor), ElementsAre("c"));
  PutOrDie(Annotated("d", "Hafen gesperrt. Ein Schiff blockiert die Einfahrt zum Hafen."));
  EXPECT_THAT(Poll(Watch("Hafen", cursor), &cursor), ElementsAre("d"));
}

TEST_P(WatchContractTest, StartFromNowSkipsWhatIsStoredAlready) {
  PutOrDie(Annotated("a", kHafenA));
  v1::PollWatchRequest now = Watch("Hafen");
  now.mutable_watch()->set_start_from_now(true);
  std::string cursor;
  EXPECT_THAT(Poll(now, &cursor), IsEmpty());
  PutOrDie(Annotated("b", kHafenB));
  EXPECT_THAT(Poll(Watch("Hafen", cursor), &cursor), ElementsAre("b"));
}

TEST_P(WatchContractTest, FiltersAndViewApply) {
  PutOrDie(Annotated("a", kHafenA));
  v1::Document other = Annotated("b", kHafenB);
  other.set_source_uri("https://anderes.example/b");
  PutOrDie(other);
  v1::PollWatchRequest request = Watch("Hafen");
  request.mutable_watch()->set_source_prefix("https://anderes.example/");
  request.mutable_watch()->set_view(v1::DOCUMENT_VIEW_TEXT);
  absl::StatusOr<v1::PollWatchResponse> response = store_->PollWatch(request);
  ASSERT_TRUE(response.ok()) << response.status();
  ASSERT_EQ(response->events_size(), 1);
  EXPECT_EQ(response->events(0).document().id(), "b");
  EXPECT_EQ(response->events(0).document().text(), kHafenB);
}

TEST_P(WatchContractTest, RejectsBadQueriesAndCursors) {
  PutOrDie(Annotated("a", kHafenA));
  auto code_of = [this](const v1::PollWatchRequest& request) {
    return store_->PollWatch(request).status().code();
  };
  absl::StatusOr<v1::PollWatchResponse> malformed = store_->PollWatch(Watch("Hafen OR"));
  EXPECT_EQ(malformed.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(malformed.status().message(), HasSubstr("WatchRequest.query"));
  EXPECT_EQ(code_of(Watch("")), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(code_of(Watch("Hafen", "kein-cursor")), absl::StatusCode::kInvalidArgument);
  // A cursor is bound to its query.
  absl::StatusOr<v1::PollWatchResponse> hafen = store_->PollWatch(Watch("Hafen"));
  ASSERT_TRUE(hafen.ok()) << hafen.status();
  EXPECT_EQ(code_of(Watch("Kran", hafen->cursor())), absl::StatusCode::kInvalidArgument);
  v1::PollWatchRequest both = Watch("Hafen", hafen->cursor());
  both.mutable_watch()->set_start_from_now(true);
  EXPECT_EQ(code_of(both), absl::StatusCode::kInvalidArgument);
  v1::PollWatchRequest too_many = Watch("Hafen");
  too_many.set_max_events(1001);
  EXPECT_EQ(code_of(too_many), absl::StatusCode::kInvalidArgument);
}

TEST_P(WatchContractTest, MigrationGivesTheDocumentsStoredBeforePositions) {
  PutOrDie(Annotated("a", kHafenA));
  PutOrDie(Pending("p", kHafenC));
  PutOrDie(Annotated("b", kHafenB));
  // As a database from before the watch positions: no positions at all.
  store_.reset();
  ASSERT_TRUE(backend_->Execute("UPDATE documents SET watch_seq = NULL").ok());
  ASSERT_TRUE(
      backend_->Execute(backend_->SetSchemaVersionSql(backend_->SchemaVersion() - 1)).ok());
  store_ = Open();
  ASSERT_NE(store_, nullptr);
  std::string cursor;
  EXPECT_THAT(Poll(Watch("Hafen"), &cursor), ElementsAre("a", "b"));
  AnnotateOrDie("p", kHafenC);
  EXPECT_THAT(Poll(Watch("Hafen", cursor), &cursor), ElementsAre("p"));
}

INSTANTIATE_TEST_SUITE_P(Backends, WatchContractTest, ::testing::ValuesIn(AllBackends()),
                         [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace korpus::store
