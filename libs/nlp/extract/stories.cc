#include "libs/nlp/extract/stories.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "libs/nlp/model_io.h"
#include "libs/nlp/unicode_util.h"

namespace korpus::nlp {
namespace {

void SortByKey(std::vector<StoryTerm>& terms) {
  std::sort(terms.begin(), terms.end(),
            [](const StoryTerm& a, const StoryTerm& b) { return a.key < b.key; });
}

// Keeps the `limit` heaviest terms (ties: smaller key), sorted by key.
void Truncate(std::vector<StoryTerm>& terms, size_t limit) {
  if (terms.size() > limit) {
    std::nth_element(terms.begin(), terms.begin() + limit, terms.end(),
                     [](const StoryTerm& a, const StoryTerm& b) {
                       return a.weight != b.weight ? a.weight > b.weight : a.key < b.key;
                     });
    terms.resize(limit);
  }
  SortByKey(terms);
}

double Norm(const StoryVector& v) {
  double sum = 0;
  for (const StoryTerm& t : v.terms) sum += t.weight * t.weight;
  return std::sqrt(sum);
}

// The sum of two key-sorted vectors, cut to the `limit` heaviest terms.
std::vector<StoryTerm> Sum(const std::vector<StoryTerm>& a, const std::vector<StoryTerm>& b,
                           size_t limit) {
  std::vector<StoryTerm> merged;
  merged.reserve(a.size() + b.size());
  size_t i = 0, j = 0;
  while (i < a.size() || j < b.size()) {
    if (j == b.size() || (i < a.size() && a[i].key < b[j].key)) {
      merged.push_back(a[i++]);
    } else if (i == a.size() || b[j].key < a[i].key) {
      merged.push_back(b[j++]);
    } else {
      StoryTerm t = a[i++];
      t.weight += b[j++].weight;
      merged.push_back(std::move(t));
    }
  }
  Truncate(merged, limit);
  return merged;
}

void Normalise(StoryVector& v) {
  const double norm = Norm(v);
  if (norm > 0) {
    for (StoryTerm& t : v.terms) t.weight /= norm;
  }
}

}  // namespace

StoryVector MakeStoryVector(const std::vector<TermCount>& terms,
                            const DocumentFrequencies& frequencies, const StoryOptions& options) {
  StoryVector v;
  v.terms.reserve(terms.size());
  const int64_t n = frequencies.DocumentCount();
  for (const TermCount& term : terms) {
    if (term.count <= 0) continue;
    double weight = (1 + std::log(static_cast<double>(term.count))) *
                    InverseDocumentFrequency(n, frequencies.Frequency(term.key));
    if (term.kind == TermKind::kEntity) weight *= options.entity_weight;
    v.terms.push_back(StoryTerm{term.key, term.text, term.kind, weight});
  }
  Truncate(v.terms, options.max_terms);
  Normalise(v);
  return v;
}

double Cosine(const StoryVector& a, const StoryVector& b) {
  double dot = 0;
  size_t i = 0, j = 0;
  while (i < a.terms.size() && j < b.terms.size()) {
    const int c = a.terms[i].key.compare(b.terms[j].key);
    if (c == 0) {
      dot += a.terms[i++].weight * b.terms[j++].weight;
    } else if (c < 0) {
      ++i;
    } else {
      ++j;
    }
  }
  const double norms = Norm(a) * Norm(b);
  return norms > 0 ? std::clamp(dot / norms, 0.0, 1.0) : 0;
}

void AddToStory(Story& story, std::string document_id, const StoryVector& document,
                const StoryOptions& options) {
  story.document_ids.push_back(std::move(document_id));
  story.centroid.terms = Sum(story.centroid.terms, document.terms, options.max_centroid_terms);

  std::vector<const StoryTerm*> by_weight;
  by_weight.reserve(story.centroid.terms.size());
  for (const StoryTerm& t : story.centroid.terms) by_weight.push_back(&t);
  std::stable_sort(by_weight.begin(), by_weight.end(), [](const StoryTerm* x, const StoryTerm* y) {
    return x->weight != y->weight ? x->weight > y->weight : x->key < y->key;
  });
  story.main_entities.clear();
  std::vector<std::string_view> entities, others;
  for (const StoryTerm* t : by_weight) {
    if (t->kind == TermKind::kEntity) {
      if (story.main_entities.size() < 5) {
        story.main_entities.push_back(StoryEntity{t->key.substr(2), t->text, t->weight});
      }
      if (entities.size() < 2) entities.push_back(t->text);
    } else if (others.size() < 3) {
      others.push_back(t->text);
    }
  }
  std::string label;
  size_t parts = 0;
  for (const std::vector<std::string_view>* list : {&entities, &others}) {
    for (std::string_view part : *list) {
      if (parts == 3) break;
      if (!label.empty()) label += " · ";
      label += part;
      ++parts;
    }
  }
  story.label = std::move(label);
}

StoryClusterer::Decision StoryClusterer::Assign(const StoryVector& document,
                                                const std::vector<Story>& candidates) const {
  Decision best;
  for (size_t k = 0; k < candidates.size(); ++k) {
    const double similarity = Cosine(document, candidates[k].centroid);
    if (similarity > best.similarity) {
      best.similarity = similarity;
      best.story = static_cast<int32_t>(k);
    }
  }
  if (best.similarity < options_.threshold) best.story = -1;
  return best;
}

namespace {

// Sorted, distinct.
template <typename T>
void SortUnique(std::vector<T>& values) {
  std::sort(values.begin(), values.end());
  values.erase(std::unique(values.begin(), values.end()), values.end());
}

// |a ∩ b| / |a| for sorted, distinct vectors; 0 when a is empty.
template <typename T>
double Containment(const std::vector<T>& a, const std::vector<T>& b) {
  if (a.empty()) return 0;
  size_t shared = 0, i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    if (a[i] == b[j]) {
      ++shared, ++i, ++j;
    } else if (a[i] < b[j]) {
      ++i;
    } else {
      ++j;
    }
  }
  return static_cast<double>(shared) / static_cast<double>(a.size());
}

// Sorted union, cut to the `limit` smallest values.
template <typename T>
std::vector<T> Union(const std::vector<T>& a, const std::vector<T>& b, size_t limit) {
  std::vector<T> out;
  out.reserve(a.size() + b.size());
  std::set_union(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
  if (out.size() > limit) out.resize(limit);
  return out;
}

// A stable hash of `count` words from `first`, separated by U+001F.
uint64_t ShingleHash(const std::vector<std::string>& words, size_t first, size_t count) {
  uint64_t hash = StableHash(words[first]);
  for (size_t k = 1; k < count; ++k) {
    hash = StableHash("\x1f", hash);
    hash = StableHash(words[first + k], hash);
  }
  return hash;
}

constexpr size_t kTextShingle = 4;   // words per text shingle
constexpr size_t kQuoteShingle = 3;  // words per quotation shingle

// MinHash over the word 4-shingles: value i is the least of
// MixHash(shingle hash ^ seed_i) over the shingles (32 bits kept), so that
// the share of equal values estimates the Jaccard similarity of the two
// shingle sets. The hashes are stable across processes (stored signatures
// stay comparable).
std::vector<uint32_t> MinHash(const std::vector<std::string>& words) {
  if (words.size() < kTextShingle) return {};
  std::vector<uint32_t> signature(kMinHashSize, UINT32_MAX);
  for (size_t k = 0; k + kTextShingle <= words.size(); ++k) {
    const uint64_t hash = ShingleHash(words, k, kTextShingle);
    for (size_t i = 0; i < kMinHashSize; ++i) {
      const auto value =
          static_cast<uint32_t>(MixHash(hash ^ (0x9E3779B97F4A7C15ULL * (i + 1))) >> 32);
      signature[i] = std::min(signature[i], value);
    }
  }
  return signature;
}

double MinHashSimilarity(const std::vector<uint32_t>& a, const std::vector<uint32_t>& b) {
  if (a.size() != kMinHashSize || b.size() != kMinHashSize) return 0;
  size_t equal = 0;
  for (size_t i = 0; i < kMinHashSize; ++i) equal += a[i] == b[i];
  return static_cast<double>(equal) / kMinHashSize;
}

}  // namespace

namespace {

bool IsWordOrNumber(const Token& token) {
  return token.kind == TokenKind::kWord || token.kind == TokenKind::kNumber;
}

}  // namespace

StoryEvidence MakeStoryEvidence(std::string_view text, const AnalyzedText& analysis,
                                const std::vector<Quote>& quotes,
                                const std::vector<DateMention>& dates,
                                std::optional<absl::Time> time) {
  StoryEvidence e;
  e.time = time;
  for (const Token& token : analysis.tokens) {
    if (IsWordOrNumber(token)) e.words.push_back(LowercaseUtf8(token.Text(text)));
  }
  if (!analysis.sentences.empty()) {
    e.lead_end = analysis.sentences[std::min(kLeadSentences, analysis.sentences.size()) - 1].end;
  }
  e.sentence_entities.resize(analysis.sentences.size());
  for (const Entity& entity : analysis.entities) {
    for (const MentionRef& mention : entity.mentions) {
      // The sentence that holds the mention's first token.
      auto it = std::upper_bound(analysis.sentences.begin(), analysis.sentences.end(),
                                 mention.first_token, [](uint32_t t, const Sentence& s) {
                                   return t < s.first_token;
                                 });
      if (it == analysis.sentences.begin()) continue;
      e.sentence_entities[std::prev(it) - analysis.sentences.begin()].push_back(entity.entity_id);
    }
  }
  for (const Quote& quote : quotes) {
    if (quote.kind == QuoteKind::kTerm) continue;
    QuoteEvidence q;
    q.speaker_entity_id = quote.speaker_entity_id;
    for (const Token& token : analysis.tokens) {
      if (token.begin >= quote.begin && token.end <= quote.end && IsWordOrNumber(token)) {
        q.words.push_back(LowercaseUtf8(token.Text(text)));
      }
    }
    e.quotes.push_back(std::move(q));
  }
  for (const DateMention& date : dates) {
    if (!date.resolved || date.granularity != DateGranularity::kDay) continue;
    e.days.push_back(absl::CivilDay(date.start.year, date.start.month, date.start.day));
  }
  return e;
}

StoryFeatures MakeStoryFeatures(const std::vector<TermCount>& terms,
                                const StoryEvidence& evidence,
                                const DocumentFrequencies& frequencies,
                                const StoryOptions& options) {
  StoryFeatures f;
  f.content = MakeStoryVector(terms, frequencies, options);
  const int64_t n = frequencies.DocumentCount();
  for (const TermCount& term : terms) {
    if (term.count <= 0 || !(term.in_title || term.begin < evidence.lead_end)) continue;
    f.lead.terms.push_back(StoryTerm{term.key, term.text, term.kind,
                                      InverseDocumentFrequency(n, frequencies.Frequency(term.key))});
  }
  Truncate(f.lead.terms, options.max_terms);
  Normalise(f.lead);

  // Entity pairs per sentence, counted once per sentence.
  absl::flat_hash_map<std::string, int32_t> pair_sentences;
  for (std::vector<std::string> ids : evidence.sentence_entities) {
    SortUnique(ids);
    for (size_t i = 0; i < ids.size(); ++i) {
      for (size_t j = i + 1; j < ids.size(); ++j) {
        ++pair_sentences[std::string("p:").append(ids[i]).append("|").append(ids[j])];
      }
    }
  }
  for (const auto& [key, count] : pair_sentences) {
    const size_t bar = key.find('|');
    const std::string a = "e:" + key.substr(2, bar - 2);
    const std::string b = "e:" + key.substr(bar + 1);
    const double weight = (1 + std::log(static_cast<double>(count))) *
                          InverseDocumentFrequency(n, frequencies.Frequency(a)) *
                          InverseDocumentFrequency(n, frequencies.Frequency(b));
    f.pairs.terms.push_back(StoryTerm{key, key, TermKind::kEntity, weight});
  }
  Truncate(f.pairs.terms, options.max_terms);
  Normalise(f.pairs);

  f.minhash = MinHash(evidence.words);
  for (const QuoteEvidence& quote : evidence.quotes) {
    if (quote.words.size() >= kQuoteShingle) {
      for (size_t k = 0; k + kQuoteShingle <= quote.words.size(); ++k) {
        f.quote_shingles.push_back(ShingleHash(quote.words, k, kQuoteShingle));
      }
    } else if (quote.words.size() == 2) {
      f.quote_shingles.push_back(ShingleHash(quote.words, 0, 2));
    }
    if (!quote.speaker_entity_id.empty()) f.speakers.push_back(quote.speaker_entity_id);
  }
  SortUnique(f.quote_shingles);
  SortUnique(f.speakers);
  for (const absl::CivilDay& day : evidence.days) {
    f.days.push_back(day - absl::CivilDay(1970, 1, 1));
  }
  SortUnique(f.days);
  f.time = evidence.time;
  return f;
}

void AddToStory(Story& story, std::string document_id, const StoryFeatures& document,
                const StoryOptions& options) {
  AddToStory(story, std::move(document_id), document.content, options);
  StoryEventState& e = story.event;
  e.lead.terms = Sum(e.lead.terms, document.lead.terms, options.max_centroid_terms);
  e.pairs.terms = Sum(e.pairs.terms, document.pairs.terms, options.max_centroid_terms);
  if (!document.minhash.empty()) {
    e.signatures.push_back(document.minhash);
    if (e.signatures.size() > kStorySignatures) e.signatures.erase(e.signatures.begin());
  }
  e.quote_shingles = Union(e.quote_shingles, document.quote_shingles, kStoryQuoteShingles);
  e.speakers = Union(e.speakers, document.speakers, SIZE_MAX);
  e.days = Union(e.days, document.days, SIZE_MAX);
  if (document.time.has_value()) {
    if (!e.first_time.has_value() || *document.time < *e.first_time) e.first_time = document.time;
    if (!e.last_time.has_value() || *document.time > *e.last_time) e.last_time = document.time;
  }
}

StorySignals CompareToStory(const StoryFeatures& document, const Story& story) {
  StorySignals s;
  s.content = Cosine(document.content, story.centroid);
  s.lead = Cosine(document.lead, story.event.lead);
  for (const std::vector<uint32_t>& signature : story.event.signatures) {
    s.near_duplicate = std::max(s.near_duplicate, MinHashSimilarity(document.minhash, signature));
  }
  s.quotes = Containment(document.quote_shingles, story.event.quote_shingles);
  s.speakers = Containment(document.speakers, story.event.speakers);
  s.days = Containment(document.days, story.event.days);
  s.pairs = Cosine(document.pairs, story.event.pairs);
  return s;
}

double StoryModel::Probability(const StorySignals& s) const {
  const double z = bias + content * s.content + lead * s.lead +
                   near_duplicate * s.near_duplicate + quotes * s.quotes +
                   speakers * s.speakers + days * s.days + pairs * s.pairs;
  return 1 / (1 + std::exp(-z));
}

bool StoryClusterer::InWindow(const StoryFeatures& document, const Story& story) const {
  const StoryEventState& e = story.event;
  if (!document.time.has_value() || !e.first_time.has_value() || !e.last_time.has_value()) {
    return true;
  }
  return *document.time >= *e.first_time - options_.window &&
         *document.time <= *e.last_time + options_.window;
}

StoryClusterer::Decision StoryClusterer::Assign(const StoryFeatures& document,
                                                const std::vector<Story>& candidates) const {
  std::vector<const Story*> pointers;
  pointers.reserve(candidates.size());
  for (const Story& story : candidates) pointers.push_back(&story);
  return Assign(document, pointers);
}

StoryClusterer::Decision StoryClusterer::Assign(const StoryFeatures& document,
                                                const std::vector<const Story*>& candidates) const {
  Decision best;
  for (size_t k = 0; k < candidates.size(); ++k) {
    if (!InWindow(document, *candidates[k])) continue;
    const StorySignals signals = CompareToStory(document, *candidates[k]);
    const double p = options_.model.Probability(signals);
    if (p > best.similarity) {
      best.similarity = p;
      best.story = static_cast<int32_t>(k);
      best.signals = signals;
    }
  }
  if (best.similarity < options_.min_probability) best.story = -1;
  return best;
}

}  // namespace korpus::nlp
