#include "tools/train/ner_clusters.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "libs/nlp/tokenizer.h"

namespace korpus::train {
namespace {

void AddTokenized(const nlp::Tokenizer& tokenizer, const std::string& text,
                  std::vector<std::vector<std::string>>& out) {
  std::vector<nlp::Token> tokens;
  tokenizer.TokenizeInto(text, tokens);
  if (tokens.size() < 2) return;
  std::vector<std::string> words;
  for (const nlp::Token& token : tokens) words.emplace_back(token.Text(text));
  out.push_back(std::move(words));
}

std::string StripAnnotations(const std::string& entry) {
  std::string out;
  int depth = 0;
  for (char c : entry) {
    if (c == '{' || c == '[' || c == '(') ++depth;
    else if (c == '}' || c == ']' || c == ')') depth = std::max(0, depth - 1);
    else if (depth == 0) out.push_back(c);
  }
  return out;
}

// Paragraph texts of an HTML page: tags dropped (block tags end a
// paragraph), scripts and styles skipped, the common entities decoded.
void AddHtml(const nlp::Tokenizer& tokenizer, const std::string& html,
             std::vector<std::vector<std::string>>& out) {
  std::string paragraph;
  size_t i = 0;
  while (i < html.size()) {
    if (html[i] == '<') {
      const size_t close = html.find('>', i);
      if (close == std::string::npos) break;
      std::string tag = html.substr(i + 1, std::min<size_t>(close - i - 1, 10));
      for (char& c : tag) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (tag.rfind("script", 0) == 0 || tag.rfind("style", 0) == 0) {
        const size_t end = html.find(tag.rfind("script", 0) == 0 ? "</script" : "</style", close);
        i = end == std::string::npos ? html.size() : end + 1;
        continue;
      }
      const bool block = tag.rfind("/p", 0) == 0 || tag.rfind("br", 0) == 0 || tag.rfind("/li", 0) == 0 ||
                         tag.rfind("/h", 0) == 0 || tag.rfind("/div", 0) == 0 ||
                         tag.rfind("/td", 0) == 0 || tag.rfind("/t", 0) == 0 || tag.rfind("p", 0) == 0;
      if (block) {
        AddTokenized(tokenizer, paragraph, out);
        paragraph.clear();
      } else {
        paragraph += ' ';
      }
      i = close + 1;
      continue;
    }
    if (html[i] == '&') {
      const size_t semicolon = html.find(';', i);
      if (semicolon != std::string::npos && semicolon - i <= 8) {
        const std::string entity = html.substr(i + 1, semicolon - i - 1);
        if (entity == "amp") paragraph += '&';
        else if (entity == "lt") paragraph += '<';
        else if (entity == "gt") paragraph += '>';
        else if (entity == "quot") paragraph += '"';
        else paragraph += ' ';
        i = semicolon + 1;
        continue;
      }
    }
    paragraph += html[i] == '\n' ? ' ' : html[i];
    ++i;
  }
  AddTokenized(tokenizer, paragraph, out);
}

struct SparseVector {
  std::vector<std::pair<int, float>> entries;  // (dimension, value), L2-normalised
};

}  // namespace

absl::StatusOr<std::vector<std::vector<std::string>>> ReadUnlabelledText(
    const std::string& fortunes_dir, const std::string& ding,
    const std::vector<std::string>& html_dirs) {
  nlp::Tokenizer tokenizer;
  std::vector<std::vector<std::string>> sentences;
  if (!fortunes_dir.empty()) {
    std::vector<std::filesystem::path> files;
    std::error_code error;
    for (const auto& entry : std::filesystem::directory_iterator(fortunes_dir, error)) {
      // The plain files: no ".dat" index, no ".u8" links to the same file.
      if (entry.is_regular_file() && !entry.is_symlink() && entry.path().extension().empty()) {
        files.push_back(entry.path());
      }
    }
    if (error) return absl::NotFoundError(absl::StrCat("cannot list ", fortunes_dir));
    std::sort(files.begin(), files.end());
    for (const auto& path : files) {
      std::ifstream in(path);
      std::string entry;
      for (std::string line; std::getline(in, line);) {
        if (line == "%") {
          AddTokenized(tokenizer, entry, sentences);
          entry.clear();
        } else {
          entry += line;
          entry += ' ';
        }
      }
      AddTokenized(tokenizer, entry, sentences);
    }
  }
  if (!ding.empty()) {
    std::ifstream in(ding);
    if (!in) return absl::NotFoundError(absl::StrCat("cannot open ", ding));
    for (std::string line; std::getline(in, line);) {
      if (line.empty() || line[0] == '#') continue;
      const std::string german = StripAnnotations(line.substr(0, line.find(" :: ")));
      size_t start = 0;
      while (start < german.size()) {
        size_t end = german.find_first_of("|;", start);
        if (end == std::string::npos) end = german.size();
        AddTokenized(tokenizer, german.substr(start, end - start), sentences);
        start = end + 1;
      }
    }
  }
  for (const std::string& dir : html_dirs) {
    std::vector<std::filesystem::path> files;
    std::error_code error;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(dir, error)) {
      if (entry.is_regular_file() && entry.path().extension() == ".html") files.push_back(entry.path());
    }
    if (error) return absl::NotFoundError(absl::StrCat("cannot list ", dir));
    std::sort(files.begin(), files.end());
    for (const auto& path : files) {
      std::ifstream in(path);
      std::stringstream buffer;
      buffer << in.rdbuf();
      AddHtml(tokenizer, buffer.str(), sentences);
    }
  }
  return sentences;
}

absl::flat_hash_map<std::string, uint32_t> LearnWordClusters(
    const std::vector<std::vector<std::string>>& sentences, const ClusterOptions& options) {
  // Vocabulary by frequency (ties by spelling, for determinism).
  absl::flat_hash_map<std::string, int> counts;
  for (const auto& sentence : sentences) {
    for (const std::string& word : sentence) ++counts[word];
  }
  std::vector<std::pair<std::string, int>> by_frequency(counts.begin(), counts.end());
  std::sort(by_frequency.begin(), by_frequency.end(), [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  });
  absl::flat_hash_map<std::string, int> index;
  for (const auto& [word, count] : by_frequency) {
    if (count < options.min_count || static_cast<int>(index.size()) >= options.max_words) break;
    index.emplace(word, static_cast<int>(index.size()));
  }
  const int vocabulary = static_cast<int>(index.size());
  const int context = std::min(options.context_words, vocabulary);
  // Co-occurrence counts: dimension = context word (+ context for the right).
  std::vector<absl::flat_hash_map<int, float>> cooccurrence(vocabulary);
  std::vector<double> context_totals(2 * context, 0);
  double total = 0;
  std::vector<int> ids;
  for (const auto& sentence : sentences) {
    ids.clear();
    for (const std::string& word : sentence) {
      auto it = index.find(word);
      ids.push_back(it == index.end() ? -1 : it->second);
    }
    for (size_t i = 0; i < ids.size(); ++i) {
      if (ids[i] < 0) continue;
      if (i > 0 && ids[i - 1] >= 0 && ids[i - 1] < context) {
        cooccurrence[ids[i]][ids[i - 1]] += 1;
        context_totals[ids[i - 1]] += 1;
        total += 1;
      }
      if (i + 1 < ids.size() && ids[i + 1] >= 0 && ids[i + 1] < context) {
        cooccurrence[ids[i]][context + ids[i + 1]] += 1;
        context_totals[context + ids[i + 1]] += 1;
        total += 1;
      }
    }
  }
  // Positive PMI vectors, L2-normalised.
  std::vector<SparseVector> vectors(vocabulary);
  for (int w = 0; w < vocabulary; ++w) {
    double word_total = 0;
    for (const auto& [d, c] : cooccurrence[w]) word_total += c;
    for (const auto& [d, c] : cooccurrence[w]) {
      const double pmi = std::log(c * total / (word_total * context_totals[d]));
      if (pmi > 0) vectors[w].entries.emplace_back(d, static_cast<float>(pmi));
    }
    // Sorted before summing: hash-map order varies between processes.
    std::sort(vectors[w].entries.begin(), vectors[w].entries.end());
    double norm = 0;
    for (const auto& e : vectors[w].entries) norm += double(e.second) * e.second;
    if (norm > 0) {
      for (auto& e : vectors[w].entries) e.second /= static_cast<float>(std::sqrt(norm));
    }
  }
  const int dimensions = 2 * context;
  auto kmeans = [&](int k) {
    k = std::min(k, vocabulary);
    std::vector<float> centroids(static_cast<size_t>(k) * dimensions, 0.0f);
    // Initialise with words spread over the frequency ranks.
    for (int c = 0; c < k; ++c) {
      const int w = static_cast<int>(static_cast<int64_t>(c) * vocabulary / k);
      for (const auto& [d, v] : vectors[w].entries) centroids[static_cast<size_t>(d) * k + c] = v;
    }
    std::vector<int> assignment(vocabulary, 0);
    std::vector<float> scores(k);
    for (int iteration = 0; iteration < options.iterations; ++iteration) {
      for (int w = 0; w < vocabulary; ++w) {
        std::fill(scores.begin(), scores.end(), 0.0f);
        for (const auto& [d, v] : vectors[w].entries) {
          const float* row = &centroids[static_cast<size_t>(d) * k];  // [dimension][cluster]
          for (int c = 0; c < k; ++c) scores[c] += v * row[c];
        }
        assignment[w] = static_cast<int>(std::max_element(scores.begin(), scores.end()) - scores.begin());
      }
      std::fill(centroids.begin(), centroids.end(), 0.0f);
      for (int w = 0; w < vocabulary; ++w) {
        for (const auto& [d, v] : vectors[w].entries) {
          centroids[static_cast<size_t>(d) * k + assignment[w]] += v;
        }
      }
      std::vector<double> norms(k, 0.0);
      for (int d = 0; d < dimensions; ++d) {
        for (int c = 0; c < k; ++c) norms[c] += double(centroids[static_cast<size_t>(d) * k + c]) * centroids[static_cast<size_t>(d) * k + c];
      }
      for (int d = 0; d < dimensions; ++d) {
        for (int c = 0; c < k; ++c) {
          if (norms[c] > 0) centroids[static_cast<size_t>(d) * k + c] /= static_cast<float>(std::sqrt(norms[c]));
        }
      }
    }
    return assignment;
  };
  const std::vector<int> coarse = kmeans(options.coarse_clusters);
  const std::vector<int> fine = kmeans(options.fine_clusters);
  absl::flat_hash_map<std::string, uint32_t> clusters;
  for (const auto& [word, w] : index) {
    clusters.emplace(word, static_cast<uint32_t>(coarse[w]) << 16 | static_cast<uint32_t>(fine[w]));
  }
  return clusters;
}

}  // namespace korpus::train
