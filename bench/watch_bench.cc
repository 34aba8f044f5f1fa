// korpus-bench-watch: the cost of Store::PollWatch (CorpusService.Watch's
// storage side) on a corpus of --documents annotated documents, straight on
// the store (no gRPC), for SQLite and a throw-away PostgreSQL:
//   idle      a poll with nothing new after the cursor (what every open
//             watch does each --watch_poll_interval);
//   catch-up  a poll after 100 new documents, 10 of them matching;
//   walk      documents delivered per second walking the whole corpus from
//             an empty cursor, 100 events per poll.
//
//   korpus-bench-watch --documents=10000 --backends=sqlite,postgres
//
// The documents are synthetic (a few sentences from a fixed word list, one
// in ten mentioning the watched word), annotated with one token and one
// sentence: the watch reads positions, states and the full-text index, not
// the annotations.
#include <algorithm>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "libs/store/store.h"
#include "tests/testing/postgres_server.h"
#include "tests/testing/service_process.h"

ABSL_FLAG(int, documents, 10000, "Documents stored before measuring.");
ABSL_FLAG(std::vector<std::string>, backends, std::vector<std::string>({"sqlite", "postgres"}),
          "sqlite and/or postgres (a throw-away server).");
ABSL_FLAG(int, polls, 200, "Idle polls measured.");
ABSL_FLAG(int, rounds, 20, "Catch-up polls measured (100 new documents each).");

namespace korpus {
namespace {

const char* const kWords[] = {"Stadt",  "Rat",     "beschließt", "neue",   "Regeln", "für",
                              "den",    "Verkehr", "im",         "Hafen",  "Bürger", "sind",
                              "gegen",  "Pläne",   "der",        "Firma",  "Bahn",   "fährt",
                              "wieder", "nach",    "Plan",       "Schule", "Sturm",  "Ernte"};

v1::Document MakeDocument(int n) {
  std::string text = absl::StrCat("Meldung ", n, ".");
  for (int s = 0; s < 4; ++s) {
    text += " ";
    for (int w = 0; w < 10; ++w) {
      absl::StrAppend(&text, kWords[(n * 7 + s * 13 + w * 5) % std::size(kWords)], " ");
    }
    text += s == 2 && n % 10 == 0 ? "am Leuchtturm." : "heute.";
  }
  v1::Document document;
  document.set_id(absl::StrCat("d", n));
  document.set_title(absl::StrCat("Meldung ", n));
  document.set_text(text);
  document.set_language("de");
  document.set_content_hash(absl::StrCat("h", n));
  v1::Annotations* annotations = document.mutable_annotations();
  annotations->set_model_name("bench");
  v1::Token* token = annotations->add_tokens();
  token->set_begin(0);
  token->set_end(7);
  token->set_kind(v1::TOKEN_KIND_WORD);
  token->set_text("Meldung");
  v1::Sentence* sentence = annotations->add_sentences();
  sentence->set_begin(0);
  sentence->set_end(7);
  sentence->set_token_count(1);
  return document;
}

v1::PollWatchRequest Watch(const std::string& cursor) {
  v1::PollWatchRequest request;
  request.mutable_watch()->set_query("Leuchtturm");
  request.mutable_watch()->set_cursor(cursor);
  return request;
}

std::string Percentiles(std::vector<absl::Duration> samples) {
  std::sort(samples.begin(), samples.end());
  auto at = [&](double q) {
    return absl::ToDoubleMilliseconds(samples[static_cast<size_t>(q * (samples.size() - 1))]);
  };
  return absl::StrFormat("p50 %.3f ms, p99 %.3f ms", at(0.5), at(0.99));
}

int Run(const std::string& name, const std::string& spec) {
  absl::StatusOr<std::unique_ptr<store::Store>> opened = store::OpenStore(spec);
  if (!opened.ok()) {
    std::fprintf(stderr, "%s: %s\n", name.c_str(), opened.status().ToString().c_str());
    return 1;
  }
  store::Store& store = **opened;
  const int documents = absl::GetFlag(FLAGS_documents);
  int next = 0;
  const absl::Time fill_start = absl::Now();
  for (; next < documents; ++next) {
    if (absl::StatusOr<store::PutResult> put = store.Put(MakeDocument(next)); !put.ok()) {
      std::fprintf(stderr, "%s: %s\n", name.c_str(), put.status().ToString().c_str());
      return 1;
    }
  }
  const double fill_seconds = absl::ToDoubleSeconds(absl::Now() - fill_start);

  // Walk: the whole corpus from the beginning.
  const absl::Time walk_start = absl::Now();
  std::string cursor;
  int64_t delivered = 0;
  int walk_polls = 0;
  while (true) {
    absl::StatusOr<v1::PollWatchResponse> polled = store.PollWatch(Watch(cursor));
    if (!polled.ok()) {
      std::fprintf(stderr, "%s: %s\n", name.c_str(), polled.status().ToString().c_str());
      return 1;
    }
    ++walk_polls;
    delivered += polled->events_size();
    if (polled->cursor() == cursor) break;
    cursor = polled->cursor();
  }
  const double walk_seconds = absl::ToDoubleSeconds(absl::Now() - walk_start);

  std::vector<absl::Duration> idle;
  for (int i = 0; i < absl::GetFlag(FLAGS_polls); ++i) {
    const absl::Time start = absl::Now();
    absl::StatusOr<v1::PollWatchResponse> polled = store.PollWatch(Watch(cursor));
    idle.push_back(absl::Now() - start);
    if (!polled.ok() || polled->events_size() != 0) return 1;
  }
  std::vector<absl::Duration> catch_up;
  for (int round = 0; round < absl::GetFlag(FLAGS_rounds); ++round) {
    for (int i = 0; i < 100; ++i, ++next) {
      if (!store.Put(MakeDocument(next)).ok()) return 1;
    }
    const absl::Time start = absl::Now();
    absl::StatusOr<v1::PollWatchResponse> polled = store.PollWatch(Watch(cursor));
    catch_up.push_back(absl::Now() - start);
    if (!polled.ok() || polled->events_size() != 10) {
      std::fprintf(stderr, "%s: catch-up poll delivered %d, not 10\n", name.c_str(),
                   polled.ok() ? polled->events_size() : -1);
      return 1;
    }
    cursor = polled->cursor();
  }
  std::printf("%-8s %d documents (stored at %.0f/s): idle poll %s; catch-up poll (100 new, 10 "
              "matching) %s; walk %lld matches in %d polls, %.0f documents/s\n",
              name.c_str(), documents, documents / fill_seconds, Percentiles(idle).c_str(),
              Percentiles(catch_up).c_str(), static_cast<long long>(delivered), walk_polls,
              delivered / walk_seconds);
  return 0;
}

}  // namespace
}  // namespace korpus

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  int status = 0;
  for (const std::string& backend : absl::GetFlag(FLAGS_backends)) {
    if (backend == "sqlite") {
      korpus::testing::TempDir dir;
      status |= korpus::Run("sqlite", absl::StrCat("sqlite:", dir.path(), "/watch.db"));
    } else if (backend == "postgres") {
      absl::StatusOr<std::unique_ptr<korpus::testing::PostgresServer>> server =
          korpus::testing::PostgresServer::Start();
      if (!server.ok() || !(*server)->CreateDatabase("watch").ok()) {
        std::fprintf(stderr, "postgres: %s\n", server.status().ToString().c_str());
        return 1;
      }
      status |= korpus::Run("postgres", (*server)->Uri("watch"));
    } else {
      std::fprintf(stderr, "--backends: unknown backend %s\n", backend.c_str());
      return 2;
    }
  }
  return status;
}
