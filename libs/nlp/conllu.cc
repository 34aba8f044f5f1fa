#include "libs/nlp/conllu.h"

#include <fstream>
#include <sstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "libs/nlp/string_compat.h"

namespace korpus::nlp {
namespace {

absl::Status LineError(size_t line_number, std::string_view problem) {
  return absl::InvalidArgumentError(absl::StrCat("CoNLL-U line ", line_number, ": ", ToAbsl(problem)));
}

bool ParseId(std::string_view id, ConlluRow& row) {
  if (size_t dash = id.find('-'); dash != std::string_view::npos) {
    row.type = ConlluRow::Type::kMultiwordToken;
    return absl::SimpleAtoi(ToAbsl(id.substr(0, dash)), &row.first) &&
           absl::SimpleAtoi(ToAbsl(id.substr(dash + 1)), &row.last) && row.first > 0 &&
           row.last > row.first;
  }
  if (size_t dot = id.find('.'); dot != std::string_view::npos) {
    row.type = ConlluRow::Type::kEmptyNode;
    return absl::SimpleAtoi(ToAbsl(id.substr(0, dot)), &row.first) && row.first >= 0 &&
           (row.last = row.first, true);
  }
  row.type = ConlluRow::Type::kWord;
  if (!absl::SimpleAtoi(ToAbsl(id), &row.first) || row.first <= 0) return false;
  row.last = row.first;
  return true;
}

}  // namespace

bool ConlluRow::SpaceAfter() const {
  if (misc == "_") return true;
  for (absl::string_view item : absl::StrSplit(misc, '|')) {
    if (item == "SpaceAfter=No") return false;
  }
  return true;
}

std::vector<size_t> ConlluSentence::TokenRows() const {
  std::vector<size_t> out;
  int covered_until = 0;
  for (size_t r = 0; r < rows.size(); ++r) {
    const ConlluRow& row = rows[r];
    if (row.type == ConlluRow::Type::kMultiwordToken) {
      out.push_back(r);
      covered_until = row.last;
    } else if (row.type == ConlluRow::Type::kWord && row.first > covered_until) {
      out.push_back(r);
    }
  }
  return out;
}

std::vector<size_t> ConlluSentence::WordRows() const {
  std::vector<size_t> out;
  for (size_t r = 0; r < rows.size(); ++r) {
    if (rows[r].type == ConlluRow::Type::kWord) out.push_back(r);
  }
  return out;
}

std::string ConlluSentence::TextFromTokens() const {
  std::string out;
  const std::vector<size_t> tokens = TokenRows();
  for (size_t k = 0; k < tokens.size(); ++k) {
    const ConlluRow& row = rows[tokens[k]];
    out += row.form;
    if (k + 1 < tokens.size() && row.SpaceAfter()) out += ' ';
  }
  return out;
}

absl::StatusOr<std::vector<ConlluSentence>> ParseConllu(std::string_view content) {
  std::vector<ConlluSentence> sentences;
  ConlluSentence current;
  bool in_sentence = false;
  size_t line_number = 0;
  auto finish = [&]() -> absl::Status {
    if (!in_sentence) return absl::OkStatus();
    // Every range must be followed by the words it covers.
    int next_word = 1;
    for (const ConlluRow& row : current.rows) {
      if (row.type == ConlluRow::Type::kWord) {
        if (row.first != next_word) {
          return LineError(line_number, absl::StrCat("word id ", row.id, " out of order in sentence ",
                                                     current.sent_id));
        }
        ++next_word;
      } else if (row.type == ConlluRow::Type::kMultiwordToken && row.first != next_word) {
        return LineError(line_number, absl::StrCat("range ", row.id, " does not start at word ",
                                                   next_word));
      }
    }
    sentences.push_back(std::move(current));
    current = ConlluSentence();
    in_sentence = false;
    return absl::OkStatus();
  };

  for (absl::string_view line : absl::StrSplit(ToAbsl(content), '\n')) {
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) {
      if (absl::Status status = finish(); !status.ok()) return status;
      continue;
    }
    in_sentence = true;
    if (line.front() == '#') {
      absl::string_view comment = line;
      comment.remove_prefix(1);
      comment = absl::StripLeadingAsciiWhitespace(comment);
      if (absl::ConsumePrefix(&comment, "sent_id")) {
        comment = absl::StripLeadingAsciiWhitespace(comment);
        if (absl::ConsumePrefix(&comment, "=")) {
          current.sent_id = std::string(absl::StripAsciiWhitespace(comment));
          continue;
        }
      } else if (absl::ConsumePrefix(&comment, "text")) {
        absl::string_view rest = absl::StripLeadingAsciiWhitespace(comment);
        if (absl::ConsumePrefix(&rest, "=")) {
          if (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
          current.text = std::string(rest);
          continue;
        }
      } else if (absl::StartsWith(comment, "newpar")) {
        current.new_paragraph = true;
      } else if (absl::StartsWith(comment, "newdoc")) {
        current.new_document = true;
      }
      current.other_comments.emplace_back(line);
      continue;
    }
    std::vector<absl::string_view> columns = absl::StrSplit(line, '\t');
    if (columns.size() != 10) {
      return LineError(line_number, absl::StrCat("expected 10 tab-separated columns, found ",
                                                 columns.size()));
    }
    ConlluRow row;
    row.id = std::string(columns[0]);
    if (!ParseId(ToStd(columns[0]), row)) {
      return LineError(line_number, absl::StrCat("bad ID '", columns[0], "'"));
    }
    if (columns[1].empty()) return LineError(line_number, "empty FORM");
    row.form = std::string(columns[1]);
    row.lemma = std::string(columns[2]);
    row.upos = std::string(columns[3]);
    row.xpos = std::string(columns[4]);
    row.feats = std::string(columns[5]);
    row.head = std::string(columns[6]);
    row.deprel = std::string(columns[7]);
    row.deps = std::string(columns[8]);
    row.misc = std::string(columns[9]);
    current.rows.push_back(std::move(row));
  }
  if (absl::Status status = finish(); !status.ok()) return status;
  return sentences;
}

absl::StatusOr<std::string> ReadFileToString(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot open ", path));
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

absl::StatusOr<std::vector<ConlluSentence>> ReadConlluFile(const std::string& path) {
  absl::StatusOr<std::string> content = ReadFileToString(path);
  if (!content.ok()) return content.status();
  absl::StatusOr<std::vector<ConlluSentence>> parsed = ParseConllu(*content);
  if (!parsed.ok()) {
    return absl::Status(parsed.status().code(),
                        absl::StrCat(path, ": ", parsed.status().message()));
  }
  return parsed;
}

void AppendConllu(const ConlluSentence& sentence, std::string& out) {
  for (const std::string& comment : sentence.other_comments) {
    if (absl::StartsWith(comment, "# newdoc") || absl::StartsWith(comment, "# newpar")) {
      absl::StrAppend(&out, comment, "\n");
    }
  }
  if (!sentence.sent_id.empty()) absl::StrAppend(&out, "# sent_id = ", sentence.sent_id, "\n");
  absl::StrAppend(&out, "# text = ", sentence.text, "\n");
  for (const std::string& comment : sentence.other_comments) {
    if (!absl::StartsWith(comment, "# newdoc") && !absl::StartsWith(comment, "# newpar")) {
      absl::StrAppend(&out, comment, "\n");
    }
  }
  for (const ConlluRow& row : sentence.rows) {
    absl::StrAppend(&out, row.id, "\t", row.form, "\t", row.lemma, "\t", row.upos, "\t", row.xpos,
                    "\t", row.feats, "\t", row.head, "\t", row.deprel, "\t", row.deps, "\t",
                    row.misc, "\n");
  }
  out += '\n';
}

std::string DocumentText(const std::vector<ConlluSentence>& sentences) {
  std::string out;
  for (size_t s = 0; s < sentences.size(); ++s) {
    if (s > 0) {
      out += (sentences[s].new_paragraph || sentences[s].new_document) ? "\n\n" : " ";
    }
    out += sentences[s].TextFromTokens();
  }
  return out;
}

std::vector<uint32_t> DocumentSentenceEnds(const std::vector<ConlluSentence>& sentences) {
  // Mirrors DocumentText's separators.
  std::vector<uint32_t> ends;
  ends.reserve(sentences.size());
  size_t offset = 0;
  for (size_t s = 0; s < sentences.size(); ++s) {
    if (s > 0) offset += (sentences[s].new_paragraph || sentences[s].new_document) ? 2 : 1;
    offset += sentences[s].TextFromTokens().size();
    ends.push_back(static_cast<uint32_t>(offset));
  }
  return ends;
}

}  // namespace korpus::nlp
