#include "libs/nlp/extract/stories.h"

#include <algorithm>
#include <cmath>

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
  const double norm = Norm(v);
  if (norm > 0) {
    for (StoryTerm& t : v.terms) t.weight /= norm;
  }
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
  // Merge the two key-sorted vectors.
  std::vector<StoryTerm> merged;
  merged.reserve(story.centroid.terms.size() + document.terms.size());
  size_t i = 0, j = 0;
  const std::vector<StoryTerm>& a = story.centroid.terms;
  const std::vector<StoryTerm>& b = document.terms;
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
  Truncate(merged, options.max_centroid_terms);
  story.centroid.terms = std::move(merged);

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

}  // namespace korpus::nlp
