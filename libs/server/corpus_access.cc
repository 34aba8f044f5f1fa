#include "libs/server/corpus_access.h"

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"

namespace korpus {
namespace {

// One line per RPC; the name is the method's name in corpus.proto.
constexpr std::pair<const char*, Role> kCorpusServiceRoles[] = {
    // Queries.
    {"GetDocument", Role::kReader},
    {"ListDocuments", Role::kReader},
    {"Search", Role::kReader},
    {"GetStats", Role::kReader},
    {"ExportDocuments", Role::kReader},
    {"ListEntities", Role::kReader},
    {"GetEntity", Role::kReader},
    {"ListCooccurrences", Role::kReader},
    {"ListQuotes", Role::kReader},
    {"ListStories", Role::kReader},
    {"GetStory", Role::kReader},
    {"GetTimeline", Role::kReader},
    {"Watch", Role::kReader},
    // Adding documents.
    {"IngestDocuments", Role::kWriter},
    {"StreamIngestDocuments", Role::kWriter},
    {"ImportDocuments", Role::kWriter},
    // Deleting and re-annotating documents.
    {"DeleteDocument", Role::kAdmin},
    {"ReannotateDocuments", Role::kAdmin},
};

}  // namespace

const MethodRoles& CorpusServiceRoles() {
  static const MethodRoles* roles = [] {
    auto* table = new MethodRoles();
    for (const auto& [method, role] : kCorpusServiceRoles) {
      table->emplace(absl::StrCat("/korpus.v1.CorpusService/", method), role);
    }
    return table;
  }();
  return *roles;
}

}  // namespace korpus
