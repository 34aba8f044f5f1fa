#include "libs/nlp/ner_eval.h"

#include "absl/strings/str_cat.h"

namespace korpus::nlp {
namespace {

bool IsBegin(const std::string& tag) { return tag.size() > 2 && tag[0] == 'B' && tag[1] == '-'; }
bool IsInside(const std::string& tag) { return tag.size() > 2 && tag[0] == 'I' && tag[1] == '-'; }

std::vector<std::string> SplitTabs(std::string_view line) {
  std::vector<std::string> columns;
  size_t start = 0;
  while (true) {
    const size_t tab = line.find('\t', start);
    columns.emplace_back(line.substr(start, tab == std::string_view::npos ? tab : tab - start));
    if (tab == std::string_view::npos) break;
    start = tab + 1;
  }
  // A trailing tab (GermEval's comment lines have one) adds no column.
  if (columns.size() > 1 && columns.back().empty()) columns.pop_back();
  return columns;
}

struct ChunkKey {
  uint32_t first, last;
  bool operator<(const ChunkKey& o) const { return first != o.first ? first < o.first : last < o.last; }
};

}  // namespace

std::string NerMainClass(std::string_view label) { return std::string(label.substr(0, 3)); }

absl::StatusOr<std::vector<NerFileSentence>> ParseNerFile(std::string_view content,
                                                          size_t min_columns) {
  std::vector<NerFileSentence> sentences;
  NerFileSentence current;
  size_t line_number = 0;
  size_t start = 0;
  while (start < content.size()) {
    size_t end = content.find('\n', start);
    if (end == std::string_view::npos) end = content.size();
    std::string_view line = content.substr(start, end - start);
    start = end + 1;
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) {
      if (!current.rows.empty()) sentences.push_back(std::move(current));
      current = NerFileSentence();
      continue;
    }
    if (line[0] == '#' && current.rows.empty()) {
      line.remove_prefix(1);
      while (!line.empty() && (line[0] == '\t' || line[0] == ' ')) line.remove_prefix(1);
      while (!line.empty() && (line.back() == '\t' || line.back() == ' ')) line.remove_suffix(1);
      current.comment = std::string(line);
      continue;
    }
    std::vector<std::string> columns = SplitTabs(line);
    if (columns.size() < min_columns) {
      return absl::InvalidArgumentError(absl::StrCat("line ", line_number, " has ", columns.size(),
                                                     " columns, expected at least ", min_columns));
    }
    current.rows.push_back(std::move(columns));
  }
  if (!current.rows.empty()) sentences.push_back(std::move(current));
  return sentences;
}

std::vector<NerChunk> NerChunks(const std::vector<std::string>& tags) {
  std::vector<NerChunk> chunks;
  bool open = false;
  for (size_t i = 0; i < tags.size(); ++i) {
    const std::string& tag = tags[i];
    if (IsBegin(tag) || (IsInside(tag) && !open)) {
      chunks.push_back(NerChunk{static_cast<uint32_t>(i), static_cast<uint32_t>(i), {tag.substr(2)}});
      open = true;
    } else if (IsInside(tag)) {
      chunks.back().last = static_cast<uint32_t>(i);
      chunks.back().labels.push_back(tag.substr(2));
    } else {
      open = false;
    }
  }
  return chunks;
}

void NerEvaluator::Add(const std::vector<std::string>& gold, const std::vector<std::string>& predicted) {
  tokens_ += gold.size();
  const std::vector<NerChunk> gold_chunks = NerChunks(gold);
  const std::vector<NerChunk> predicted_chunks = NerChunks(predicted);
  std::map<ChunkKey, const NerChunk*> gold_by_span;
  for (const NerChunk& chunk : gold_chunks) {
    gold_by_span[{chunk.first, chunk.last}] = &chunk;
    ++per_label_[chunk.labels[0]].gold;
    ++per_class_loose_[NerMainClass(chunk.labels[0])].gold;
  }
  strict_.gold += gold_chunks.size();
  loose_.gold += gold_chunks.size();
  strict_.predicted += predicted_chunks.size();
  loose_.predicted += predicted_chunks.size();
  for (const NerChunk& chunk : predicted_chunks) {
    ++per_label_[chunk.labels[0]].predicted;
    ++per_class_loose_[NerMainClass(chunk.labels[0])].predicted;
    auto it = gold_by_span.find({chunk.first, chunk.last});
    if (it == gold_by_span.end()) continue;
    const NerChunk& match = *it->second;
    if (match.labels == chunk.labels) {
      ++strict_.correct;
      ++per_label_[chunk.labels[0]].correct;
    }
    bool same_classes = true;
    for (size_t k = 0; k < chunk.labels.size(); ++k) {
      same_classes = same_classes && NerMainClass(chunk.labels[k]) == NerMainClass(match.labels[k]);
    }
    if (same_classes) {
      ++loose_.correct;
      ++per_class_loose_[NerMainClass(chunk.labels[0])].correct;
    }
  }
}

}  // namespace korpus::nlp
