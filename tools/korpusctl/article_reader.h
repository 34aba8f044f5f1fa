// Reading articles for `korpusctl ingest` from files, directories and
// standard input, one at a time (a large corpus is never held in memory).
//
// Formats, by file extension:
//   .txt          one article, plain text (CONTENT_FORMAT_TEXT)
//   .html, .htm   one article, an HTML page (CONTENT_FORMAT_HTML)
//   .jsonl        one article per non-blank line, a JSON object with the keys
//                   content      the article (a string, not base64); `text`
//                                is accepted instead of `content`
//                   format       "text" or "html" (or CONTENT_FORMAT_TEXT,
//                                CONTENT_FORMAT_HTML); default text
//                   title        explicit title
//                   source_uri   (or sourceUri) where it came from
//                   published_at (or publishedAt) RFC 3339, e.g.
//                                "2025-02-02T09:30:00Z"
//                   metadata     an object of string values
//                 Other keys are an error, so that a misspelt key is not
//                 silently dropped.
// A file named explicitly with another extension is read as text; in a
// directory only files with the extensions above are read (sorted by name,
// not recursively; hidden files are skipped).
#ifndef KORPUS_TOOLS_KORPUSCTL_ARTICLE_READER_H_
#define KORPUS_TOOLS_KORPUSCTL_ARTICLE_READER_H_

#include <fstream>
#include <istream>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "korpus/v1/document.pb.h"

namespace korpus::ctl {

enum class InputFormat { kText, kHtml, kJsonl };

// "text", "html" or "jsonl"; INVALID_ARGUMENT otherwise.
absl::StatusOr<InputFormat> ParseInputFormat(std::string_view name);

// One JSONL line as an article (see the key list above); INVALID_ARGUMENT
// naming the problem for malformed JSON, a missing content, an unknown key.
absl::StatusOr<v1::RawArticle> ArticleFromJson(std::string_view line);

class ArticleReader {
 public:
  // Expands `paths` ("-" is standard input, read as `stdin_format`).
  // NOT_FOUND if a path does not exist: nothing is read before every path
  // is known to exist.
  static absl::StatusOr<ArticleReader> Open(const std::vector<std::string>& paths,
                                            InputFormat stdin_format);

  // Reads the next article into `article` and names where it came from in
  // `label` ("seeds/a.txt", "news.jsonl:3", "-"). Returns false after the
  // last one. A bad input (unreadable file, malformed JSONL line) is
  // returned as an error with `label` set; calling Next again continues
  // with the following input.
  absl::StatusOr<bool> Next(v1::RawArticle& article, std::string& label);

 private:
  struct Input {
    std::string path;  // "-" for standard input.
    InputFormat format;
  };
  explicit ArticleReader(std::vector<Input> inputs) : inputs_(std::move(inputs)) {}

  std::vector<Input> inputs_;
  size_t next_input_ = 0;
  // The JSONL input being read, if any.
  std::unique_ptr<std::ifstream> jsonl_file_;
  std::istream* jsonl_ = nullptr;
  std::string jsonl_path_;
  int jsonl_line_ = 0;
};

}  // namespace korpus::ctl

#endif  // KORPUS_TOOLS_KORPUSCTL_ARTICLE_READER_H_
