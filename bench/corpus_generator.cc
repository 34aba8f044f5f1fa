#include "bench/corpus_generator.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <unordered_map>
#include <unordered_set>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace korpus::bench {
namespace {

// SplitMix64: a small, fully specified generator, so that a corpus is the
// same on every platform and standard library (std::uniform_int_distribution
// is not).
class Random {
 public:
  explicit Random(uint64_t seed) : state_(seed) {}
  uint64_t Next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  // Uniform in [0, n); the modulo bias is below 2^-40 for our n.
  uint64_t Below(uint64_t n) { return Next() % n; }

 private:
  uint64_t state_;
};

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// `# text = ...` lines with the number of word-level token rows of each
// sentence (multiword ranges such as "3-4" count once, as the surface
// token; empty nodes "3.1" not at all).
absl::Status AddConllu(const std::string& path, std::vector<PoolSentence>& out) {
  absl::StatusOr<std::string> content = ReadFile(path);
  if (!content.ok()) return content.status();
  PoolSentence current;
  int skip_until = 0;  // last word id covered by a multiword range
  auto flush = [&] {
    if (!current.text.empty() && current.tokens > 0) out.push_back(std::move(current));
    current = PoolSentence();
    skip_until = 0;
  };
  for (absl::string_view line : absl::StrSplit(*content, '\n')) {
    if (line.empty()) {
      flush();
    } else if (absl::ConsumePrefix(&line, "# text = ")) {
      current.text = std::string(absl::StripAsciiWhitespace(line));
    } else if (line[0] != '#') {
      const absl::string_view id = line.substr(0, line.find('\t'));
      if (absl::StrContains(id, '.')) continue;
      const size_t dash = id.find('-');
      if (dash != absl::string_view::npos) {
        int last = 0;
        if (absl::SimpleAtoi(id.substr(dash + 1), &last)) skip_until = last;
        ++current.tokens;
        continue;
      }
      int word = 0;
      if (absl::SimpleAtoi(id, &word) && word > skip_until) ++current.tokens;
    }
  }
  flush();
  return absl::OkStatus();
}

// GermEval 2014 TSV: `#` line, then index, token, outer, inner tags.
absl::Status AddGermEval(const std::string& path, std::vector<PoolSentence>& out) {
  absl::StatusOr<std::string> content = ReadFile(path);
  if (!content.ok()) return content.status();
  std::vector<std::string_view> tokens;
  auto flush = [&] {
    if (!tokens.empty()) {
      out.push_back({Detokenize(tokens), static_cast<int>(tokens.size())});
    }
    tokens.clear();
  };
  for (absl::string_view line : absl::StrSplit(*content, '\n')) {
    if (line.empty()) {
      flush();
      continue;
    }
    if (line[0] == '#') continue;
    std::vector<absl::string_view> columns = absl::StrSplit(line, '\t');
    if (columns.size() >= 2) tokens.emplace_back(columns[1].data(), columns[1].size());
  }
  flush();
  return absl::OkStatus();
}

// std::string_view versions (this Abseil's string_view is its own type).
bool StartsWith(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}
bool EndsWith(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

// A sentence fit for an article: complete (ends in . ! ? or a closing
// quote after them), between 5 and 60 tokens, without control characters.
bool UsableSentence(const PoolSentence& sentence) {
  if (sentence.tokens < 5 || sentence.tokens > 60) return false;
  // Control characters (a few GermEval sentences carry C1 controls such as
  // U+0094 from mis-decoded quotes) would be refused by ingest.
  for (size_t i = 0; i < sentence.text.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(sentence.text[i]);
    if (c < 0x20 || c == 0x7f) return false;
    if (c == 0xc2 && i + 1 < sentence.text.size() &&
        static_cast<unsigned char>(sentence.text[i + 1]) < 0xa0) {
      return false;
    }
  }
  std::string_view text = sentence.text;
  while (!text.empty() && (text.back() == '"' || text.back() == ')')) text.remove_suffix(1);
  if (EndsWith(text, "“")) text.remove_suffix(3);
  return !text.empty() && (text.back() == '.' || text.back() == '!' || text.back() == '?');
}

bool IsUpperAsciiOrUmlaut(std::string_view word) {
  if (word.empty()) return false;
  const unsigned char c = static_cast<unsigned char>(word[0]);
  if (c >= 'A' && c <= 'Z') return true;
  // Ä Ö Ü in UTF-8.
  return StartsWith(word, "Ä") || StartsWith(word, "Ö") || StartsWith(word, "Ü");
}

bool IsLetters(std::string_view word) {
  for (const char c : word) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (u < 0x80 && !absl::ascii_isalpha(u)) return false;
  }
  return true;
}

void AppendJsonString(std::string& out, std::string_view text) {
  out += '"';
  for (const char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          static constexpr char kHex[] = "0123456789abcdef";
          out += "\\u00";
          out += kHex[(c >> 4) & 0xf];
          out += kHex[c & 0xf];
        } else {
          out += c;
        }
    }
  }
  out += '"';
}

}  // namespace

std::string LocatePath(const std::string& path) {
  namespace fs = std::filesystem;
  if (fs::path(path).is_absolute() || fs::exists(path)) return path;
  std::error_code error;
  for (fs::path dir = fs::current_path(error); !dir.empty(); dir = dir.parent_path()) {
    if (fs::exists(dir / path)) return (dir / path).string();
    if (dir == dir.parent_path()) break;
  }
  return path;
}

std::string Detokenize(const std::vector<std::string_view>& tokens) {
  std::string out;
  bool no_space_next = true;  // no space before the first token
  bool in_quote = false;
  for (const std::string_view token : tokens) {
    bool attach_left = false;   // no space before this token
    bool attach_right = false;  // no space after it
    if (token == "," || token == "." || token == ":" || token == ";" || token == "!" ||
        token == "?" || token == ")" || token == "]" || token == "“" ||
        token == "..." || token == "'") {
      attach_left = true;
    } else if (token == "(" || token == "[" || token == "„") {
      attach_right = true;
    } else if (token == "\"") {
      if (in_quote) {
        attach_left = true;
      } else {
        attach_right = true;
      }
      in_quote = !in_quote;
    }
    if (!out.empty() && !attach_left && !no_space_next) out += ' ';
    out += token;
    no_space_next = attach_right;
  }
  return out;
}

absl::StatusOr<CorpusGenerator> CorpusGenerator::Load(const CorpusOptions& options) {
  if (options.target_tokens < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("CorpusOptions.target_tokens must be at least 1, got ",
                     options.target_tokens));
  }
  const std::string dir = LocatePath(options.data_dir);
  std::vector<PoolSentence> all;
  for (const char* file : {"/ud-german-gsd/de_gsd-ud-dev.conllu",
                           "/ud-german-gsd/de_gsd-ud-test.conllu"}) {
    if (absl::Status status = AddConllu(dir + file, all); !status.ok()) return status;
  }
  for (const char* file : {"/germeval2014/NER-de-dev.tsv", "/germeval2014/NER-de-test.tsv"}) {
    if (absl::Status status = AddGermEval(dir + file, all); !status.ok()) return status;
  }
  std::vector<PoolSentence> usable;
  std::unordered_set<std::string> seen;
  for (PoolSentence& sentence : all) {
    if (UsableSentence(sentence) && seen.insert(sentence.text).second) {
      usable.push_back(std::move(sentence));
    }
  }
  if (usable.size() < 100) {
    return absl::NotFoundError(absl::StrCat("only ", usable.size(), " usable sentences under ",
                                            dir, "; is the data complete?"));
  }
  return CorpusGenerator(options, std::move(usable));
}

Article CorpusGenerator::Generate(int64_t index) const {
  Random random(options_.seed * 0x100000001b3ULL + static_cast<uint64_t>(index) * 0x9e3779b9ULL +
                0x2545f4914f6cdd1dULL);
  Article article;
  article.index = index;
  article.source_uri = absl::StrCat("bench://corpus/", options_.seed, "/", index);

  // Title: the first words (4 to 9) of a random sentence, without
  // punctuation, and the article's number, which makes it unique.
  const PoolSentence& headline = sentences_[random.Below(sentences_.size())];
  std::vector<absl::string_view> words = absl::StrSplit(headline.text, ' ', absl::SkipEmpty());
  const size_t title_words = std::min<size_t>(words.size(), 4 + random.Below(6));
  std::string title = "Meldung " + std::to_string(index + 1) + ":";
  for (size_t w = 0; w < title_words; ++w) {
    std::string_view word(words[w].data(), words[w].size());
    while (!word.empty() && absl::ascii_ispunct(static_cast<unsigned char>(word.back()))) {
      word.remove_suffix(1);
    }
    while (!word.empty() && absl::ascii_ispunct(static_cast<unsigned char>(word.front()))) {
      word.remove_prefix(1);
    }
    if (!word.empty()) absl::StrAppend(&title, " ", std::string(word));
  }
  article.title = title;
  article.tokens = static_cast<int>(std::count(title.begin(), title.end(), ' ')) + 1;

  article.content = title;
  int in_paragraph = 0;
  int paragraph_length = 0;
  while (article.tokens < options_.target_tokens) {
    if (in_paragraph == paragraph_length) {
      article.content += "\n\n";
      in_paragraph = 0;
      paragraph_length = 3 + static_cast<int>(random.Below(4));
    } else {
      article.content += ' ';
    }
    const PoolSentence& sentence = sentences_[random.Below(sentences_.size())];
    article.content += sentence.text;
    article.tokens += sentence.tokens;
    ++in_paragraph;
  }
  return article;
}

std::vector<std::string> CorpusGenerator::QueryWords(int count) const {
  std::unordered_map<std::string, int> frequency;
  for (const PoolSentence& sentence : sentences_) {
    bool first = true;
    for (absl::string_view piece : absl::StrSplit(sentence.text, ' ', absl::SkipEmpty())) {
      std::string_view word(piece.data(), piece.size());
      while (!word.empty() && absl::ascii_ispunct(static_cast<unsigned char>(word.back()))) {
        word.remove_suffix(1);
      }
      const bool initial = first;
      first = false;
      if (initial || word.size() < 5 || !IsUpperAsciiOrUmlaut(word) || !IsLetters(word)) continue;
      // All capitals ("USA", "CDU") are kept; "DER" would not pass the
      // five-letter rule anyway.
      ++frequency[std::string(word)];
    }
  }
  std::vector<std::pair<std::string, int>> ranked(frequency.begin(), frequency.end());
  std::sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  });
  std::vector<std::string> words;
  for (size_t k = 0; k < ranked.size() && static_cast<int>(words.size()) < count; ++k) {
    words.push_back(ranked[k].first);
  }
  return words;
}

std::string ArticleToJsonLine(const Article& article) {
  std::string out = "{\"title\": ";
  AppendJsonString(out, article.title);
  out += ", \"content\": ";
  AppendJsonString(out, article.content);
  out += ", \"source_uri\": ";
  AppendJsonString(out, article.source_uri);
  out += "}";
  return out;
}

}  // namespace korpus::bench
