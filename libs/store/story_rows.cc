#include "libs/store/story_rows.h"

#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "libs/nlp/unicode_util.h"
#include "libs/server/status_macros.h"
#include "libs/store/extraction_rows.h"
#include "libs/store/paging.h"
#include "story_state.pb.h"  // generated from libs/store/story_state.proto

namespace korpus::store::internal {
namespace {

bool IsWordOrNumber(const v1::Token& token) {
  return token.kind() == v1::TOKEN_KIND_WORD || token.kind() == v1::TOKEN_KIND_NUMBER;
}

void ToStored(const nlp::StoryVector& vector,
              google::protobuf::RepeatedPtrField<StoredStoryTerm>& out) {
  out.Reserve(static_cast<int>(vector.terms.size()));
  for (const nlp::StoryTerm& term : vector.terms) {
    StoredStoryTerm* t = out.Add();
    t->set_key(term.key);
    t->set_text(term.text);
    t->set_kind(static_cast<int32_t>(term.kind));
    t->set_weight(term.weight);
  }
}

nlp::StoryVector FromStored(const google::protobuf::RepeatedPtrField<StoredStoryTerm>& terms) {
  nlp::StoryVector vector;
  vector.terms.reserve(terms.size());
  for (const StoredStoryTerm& t : terms) {
    vector.terms.push_back(
        nlp::StoryTerm{t.key(), t.text(), static_cast<nlp::TermKind>(t.kind()), t.weight()});
  }
  return vector;
}

// The story's summary: label and main entities (canonical names as the
// documents gave them; storage fills in the types when reading).
std::string Summary(const nlp::Story& story) {
  v1::Story summary;
  summary.set_label(story.label);
  double total = 0;
  for (const nlp::StoryEntity& entity : story.main_entities) total += entity.weight;
  for (const nlp::StoryEntity& entity : story.main_entities) {
    v1::StoryEntity* e = summary.add_main_entities();
    e->set_entity_id(entity.entity_id);
    e->set_canonical_name(entity.name);
    e->set_weight(total > 0 ? entity.weight / total : 0);
  }
  return summary.SerializeAsString();
}

StoryRow RowOf(const nlp::Story& story) {
  StoryRow row;
  row.story_id = story.story_id;
  row.label = story.label;
  row.document_count = static_cast<int64_t>(story.document_ids.size());
  if (story.event.first_time.has_value()) {
    row.first_seen_micros = absl::ToUnixMicros(*story.event.first_time);
  }
  if (story.event.last_time.has_value()) {
    row.last_seen_micros = absl::ToUnixMicros(*story.event.last_time);
  }
  row.summary = Summary(story);
  row.state = SerializeStoryState(story);
  return row;
}

}  // namespace

std::vector<nlp::TermCount> StoryTerms(const v1::Annotations& annotations) {
  std::vector<nlp::TermCount> terms;
  terms.reserve(annotations.terms_size());
  for (const v1::Term& term : annotations.terms()) {
    if (term.key().empty() || term.count() <= 0) continue;
    nlp::TermCount t;
    t.key = term.key();
    t.text = term.text();
    switch (term.kind()) {
      case v1::TERM_KIND_PHRASE:
        t.kind = nlp::TermKind::kPhrase;
        break;
      case v1::TERM_KIND_ENTITY:
        t.kind = nlp::TermKind::kEntity;
        break;
      default:
        t.kind = nlp::TermKind::kLemma;
    }
    t.count = term.count();
    t.in_title = term.in_title();
    t.begin = static_cast<uint32_t>(std::max(0, term.begin()));
    t.end = static_cast<uint32_t>(std::max(0, term.end()));
    t.entity_id = term.entity_id();
    t.salience = term.salience();
    terms.push_back(std::move(t));
  }
  return terms;
}

nlp::StoryEvidence StoryEvidenceOf(const v1::Annotations& annotations, int64_t time_micros) {
  nlp::StoryEvidence e;
  e.time = absl::FromUnixMicros(time_micros);
  const auto& tokens = annotations.tokens();
  for (const v1::Token& token : tokens) {
    if (IsWordOrNumber(token)) e.words.push_back(nlp::LowercaseUtf8(token.text()));
  }
  const auto& sentences = annotations.sentences();
  if (!sentences.empty()) {
    const int last = std::min<int>(nlp::kLeadSentences, sentences.size()) - 1;
    e.lead_end = static_cast<uint32_t>(std::max(0, sentences[last].end()));
  }
  e.sentence_entities.resize(sentences.size());
  for (const v1::DocumentEntity& entity : annotations.entities()) {
    for (const v1::EntityMention& mention : entity.mentions()) {
      // The sentence holding the mention's first token.
      auto it = std::upper_bound(sentences.begin(), sentences.end(), mention.first_token(),
                                 [](int32_t t, const v1::Sentence& s) {
                                   return t < s.first_token();
                                 });
      if (it == sentences.begin()) continue;
      e.sentence_entities[std::prev(it) - sentences.begin()].push_back(entity.entity_id());
    }
  }
  for (const v1::Quote& quote : annotations.quotes()) {
    if (quote.kind() == v1::QUOTE_KIND_TERM) continue;
    nlp::QuoteEvidence q;
    q.speaker_entity_id = quote.speaker_entity_id();
    auto first = std::lower_bound(tokens.begin(), tokens.end(), quote.begin(),
                                  [](const v1::Token& t, int32_t begin) {
                                    return t.begin() < begin;
                                  });
    for (auto t = first; t != tokens.end() && t->end() <= quote.end(); ++t) {
      if (IsWordOrNumber(*t)) q.words.push_back(nlp::LowercaseUtf8(t->text()));
    }
    e.quotes.push_back(std::move(q));
  }
  for (const v1::DateMention& date : annotations.dates()) {
    if (!date.resolved() || date.granularity() != v1::DATE_GRANULARITY_DAY) continue;
    const v1::CalendarDate& d = date.start();
    if (d.month() < 1 || d.month() > 12 || d.day() < 1 || d.day() > 31) continue;
    e.days.push_back(absl::CivilDay(d.year(), d.month(), d.day()));
  }
  return e;
}

std::string StoryIdFor(std::string_view document_id) {
  if (!document_id.empty() && document_id[0] == 'd') document_id.remove_prefix(1);
  return absl::StrCat("s", std::string(document_id));
}

std::string SerializeStoryState(const nlp::Story& story) {
  StoredStoryState state;
  ToStored(story.centroid, *state.mutable_centroid());
  ToStored(story.event.lead, *state.mutable_lead());
  ToStored(story.event.pairs, *state.mutable_pairs());
  for (const std::vector<uint32_t>& signature : story.event.signatures) {
    state.add_signatures()->mutable_values()->Add(signature.begin(), signature.end());
  }
  state.mutable_quote_shingles()->Add(story.event.quote_shingles.begin(),
                                      story.event.quote_shingles.end());
  for (const std::string& speaker : story.event.speakers) state.add_speakers(speaker);
  state.mutable_days()->Add(story.event.days.begin(), story.event.days.end());
  if (story.event.first_time.has_value()) {
    state.set_first_time_micros(absl::ToUnixMicros(*story.event.first_time));
  }
  if (story.event.last_time.has_value()) {
    state.set_last_time_micros(absl::ToUnixMicros(*story.event.last_time));
  }
  return state.SerializeAsString();
}

absl::StatusOr<nlp::Story> ParseStoryState(std::string_view blob, std::string_view story_id) {
  StoredStoryState state;
  if (!state.ParseFromArray(blob.data(), static_cast<int>(blob.size()))) {
    return absl::DataLossError(
        absl::StrCat("stored state of story '", std::string(story_id), "' does not parse"));
  }
  nlp::Story story;
  story.story_id = std::string(story_id);
  story.centroid = FromStored(state.centroid());
  story.event.lead = FromStored(state.lead());
  story.event.pairs = FromStored(state.pairs());
  for (const StoredSignature& signature : state.signatures()) {
    story.event.signatures.emplace_back(signature.values().begin(), signature.values().end());
  }
  story.event.quote_shingles.assign(state.quote_shingles().begin(), state.quote_shingles().end());
  story.event.speakers.assign(state.speakers().begin(), state.speakers().end());
  story.event.days.assign(state.days().begin(), state.days().end());
  if (state.has_first_time_micros()) {
    story.event.first_time = absl::FromUnixMicros(state.first_time_micros());
  }
  if (state.has_last_time_micros()) {
    story.event.last_time = absl::FromUnixMicros(state.last_time_micros());
  }
  return story;
}

namespace {

// Parsed candidate stories, shared by every store of the process. A Put
// compares its document with up to kMaxStoryCandidates stories, and parsing
// their stored states each time (hash maps of terms, signatures) was most of
// a Put's CPU. The parsed story is a pure function of the stored bytes, so
// an entry is used only when the row's state is byte for byte the one it
// was parsed from: a story updated since, a rolled-back update or another
// store's story of the same id simply miss. At most kMaxEntries entries;
// the least recently used go first.
class ParsedStoryCache {
 public:
  static ParsedStoryCache& Instance() {
    static ParsedStoryCache* cache = new ParsedStoryCache();
    return *cache;
  }

  absl::StatusOr<std::shared_ptr<const nlp::Story>> Get(const StoryTables::Candidate& candidate) {
    {
      absl::MutexLock lock(&mu_);
      auto it = entries_.find(candidate.story_id);
      if (it != entries_.end() && it->second.state == candidate.state) {
        it->second.last_used = ++clock_;
        return it->second.story;
      }
    }
    // Parsed outside the lock: parsing is the expensive part.
    KORPUS_ASSIGN_OR_RETURN(nlp::Story story, ParseStoryState(candidate.state, candidate.story_id));
    auto parsed = std::make_shared<const nlp::Story>(std::move(story));
    absl::MutexLock lock(&mu_);
    Entry& entry = entries_[candidate.story_id];
    entry.state = candidate.state;
    entry.story = parsed;
    entry.last_used = ++clock_;
    if (entries_.size() > kMaxEntries) EvictOldest();
    return parsed;
  }

 private:
  // Twice the candidates of one Put: the candidates of the next Put are
  // mostly the same stories.
  static constexpr size_t kMaxEntries = 2 * kMaxStoryCandidates;

  struct Entry {
    std::string state;
    std::shared_ptr<const nlp::Story> story;
    uint64_t last_used = 0;
  };

  // Keeps the newer half.
  void EvictOldest() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    std::vector<uint64_t> uses;
    uses.reserve(entries_.size());
    for (const auto& [id, entry] : entries_) uses.push_back(entry.last_used);
    std::nth_element(uses.begin(), uses.begin() + uses.size() / 2, uses.end());
    const uint64_t cutoff = uses[uses.size() / 2];
    absl::erase_if(entries_, [cutoff](const auto& item) { return item.second.last_used < cutoff; });
  }

  absl::Mutex mu_;
  absl::flat_hash_map<std::string, Entry> entries_ ABSL_GUARDED_BY(mu_);
  uint64_t clock_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace

absl::Status AssignStory(StoryTables& tables, const v1::Document& document, int64_t document_seq,
                         DocumentRow& row) {
  if (!row.has_annotations) return absl::OkStatus();
  const v1::Annotations& annotations = document.annotations();
  const std::vector<nlp::TermCount> terms = StoryTerms(annotations);
  if (terms.empty()) return absl::OkStatus();
  const int64_t time_micros = row.extraction.document_time_micros;

  // The document's terms weighted by the corpus as stored, itself included.
  std::vector<std::string> keys = {kDocumentCountKey};
  for (const nlp::TermCount& term : terms) keys.push_back(term.key);
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  using FrequencyMap = absl::flat_hash_map<std::string, int64_t>;
  KORPUS_ASSIGN_OR_RETURN(FrequencyMap frequency, tables.Frequencies(keys));
  const auto count = frequency.find(kDocumentCountKey);
  const int64_t documents = count != frequency.end() ? count->second : 0;
  const StoredDocumentFrequencies frequencies(documents, std::move(frequency));
  const nlp::StoryClusterer clusterer;
  const nlp::StoryFeatures features =
      nlp::MakeStoryFeatures(terms, StoryEvidenceOf(annotations, time_micros), frequencies,
                             clusterer.options());

  const int64_t window = absl::ToInt64Microseconds(clusterer.options().window);
  KORPUS_ASSIGN_OR_RETURN(std::vector<StoryTables::Candidate> candidates,
                          tables.Candidates(time_micros - window, time_micros + window,
                                            kMaxStoryCandidates));
  // In creation order, so that ties go to the older story whatever order
  // the backend returned them in.
  std::sort(candidates.begin(), candidates.end(),
            [](const StoryTables::Candidate& a, const StoryTables::Candidate& b) {
              return a.seq < b.seq;
            });
  std::vector<std::shared_ptr<const nlp::Story>> stories;
  std::vector<const nlp::Story*> compared;
  stories.reserve(candidates.size());
  compared.reserve(candidates.size());
  for (const StoryTables::Candidate& candidate : candidates) {
    KORPUS_ASSIGN_OR_RETURN(std::shared_ptr<const nlp::Story> story,
                            ParsedStoryCache::Instance().Get(candidate));
    compared.push_back(story.get());
    stories.push_back(std::move(story));
  }
  const nlp::StoryClusterer::Decision decision = clusterer.Assign(features, compared);

  std::string story_id;
  if (decision.story >= 0) {
    const StoryTables::Candidate& candidate = candidates[decision.story];
    nlp::Story story = *stories[decision.story];
    // AddToStory counts document_ids; the state does not keep them.
    story.document_ids.resize(candidate.document_count);
    nlp::AddToStory(story, document.id(), features, clusterer.options());
    const StoryRow story_row = RowOf(story);
    KORPUS_RETURN_IF_ERROR(tables.UpdateStory(candidate.seq, story_row));
    KORPUS_RETURN_IF_ERROR(tables.InsertStoryDocument(candidate.seq, candidate.document_count,
                                                      document_seq, decision.similarity));
    story_id = candidate.story_id;
  } else {
    nlp::Story story;
    story.story_id = StoryIdFor(document.id());
    nlp::AddToStory(story, document.id(), features, clusterer.options());
    KORPUS_ASSIGN_OR_RETURN(const int64_t story_seq, tables.InsertStory(RowOf(story)));
    KORPUS_RETURN_IF_ERROR(tables.InsertStoryDocument(story_seq, 0, document_seq, 1.0));
    story_id = story.story_id;
  }
  // Appended to the serialized annotations it sets their story_id.
  v1::Annotations with_story;
  with_story.set_story_id(story_id);
  row.annotations_blob += with_story.SerializeAsString();
  return absl::OkStatus();
}

absl::Status RebuildStory(StoryTables& tables, int64_t story_seq, std::string_view story_id,
                          const std::vector<StoryMember>& members) {
  if (members.empty()) return absl::InternalError("RebuildStory without members");
  // The frequencies of every member's terms, read once.
  std::vector<std::vector<nlp::TermCount>> terms;
  terms.reserve(members.size());
  std::vector<std::string> keys = {kDocumentCountKey};
  for (const StoryMember& member : members) {
    terms.push_back(StoryTerms(member.annotations));
    for (const nlp::TermCount& term : terms.back()) keys.push_back(term.key);
  }
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  using FrequencyMap = absl::flat_hash_map<std::string, int64_t>;
  KORPUS_ASSIGN_OR_RETURN(FrequencyMap frequency, tables.Frequencies(keys));
  const auto count = frequency.find(kDocumentCountKey);
  const int64_t documents = count != frequency.end() ? count->second : 0;
  const StoredDocumentFrequencies frequencies(documents, std::move(frequency));
  const nlp::StoryClusterer clusterer;
  nlp::Story story;
  story.story_id = std::string(story_id);
  for (size_t i = 0; i < members.size(); ++i) {
    const StoryMember& member = members[i];
    const nlp::StoryFeatures features = nlp::MakeStoryFeatures(
        terms[i], StoryEvidenceOf(member.annotations, member.time_micros), frequencies,
        clusterer.options());
    nlp::AddToStory(story, member.document_id, features, clusterer.options());
  }
  return tables.UpdateStory(story_seq, RowOf(story));
}

absl::StatusOr<StoryListing> PrepareStoryListing(const v1::ListStoriesRequest& request) {
  StoryListing listing;
  if (request.min_documents() < 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "ListStoriesRequest.min_documents must not be negative, got ", request.min_documents()));
  }
  listing.min_documents = std::max(1, request.min_documents());
  listing.entity_id = request.entity_id();
  KORPUS_ASSIGN_OR_RETURN(listing.page_size,
                          EffectivePageSize(request.page_size(), kDefaultStoryPageSize,
                                            "ListStoriesRequest.page_size"));
  listing.binding = BindingOf(absl::StrCat("stories\nmin=", listing.min_documents,
                                           "\nentity=", listing.entity_id));
  if (!request.page_token().empty()) {
    KORPUS_ASSIGN_OR_RETURN(listing.offset,
                            DecodePageToken(request.page_token(), listing.binding,
                                            "ListStoriesRequest.page_token"));
  }
  return listing;
}

absl::Status ValidateGetStory(const v1::GetStoryRequest& request) {
  if (request.story_id().empty()) {
    return absl::InvalidArgumentError("GetStoryRequest.story_id is empty");
  }
  return absl::OkStatus();
}

}  // namespace korpus::store::internal
