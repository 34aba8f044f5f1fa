#include "tools/korpusctl/article_reader.h"

#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <iterator>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace korpus::ctl {
namespace {

namespace fs = std::filesystem;

// The format a file's extension implies, if it is one korpusctl reads.
bool FormatOfExtension(const fs::path& path, InputFormat& format) {
  const std::string extension = absl::AsciiStrToLower(path.extension().string());
  if (extension == ".txt") {
    format = InputFormat::kText;
  } else if (extension == ".html" || extension == ".htm") {
    format = InputFormat::kHtml;
  } else if (extension == ".jsonl") {
    format = InputFormat::kJsonl;
  } else {
    return false;
  }
  return true;
}

absl::StatusOr<std::string> ReadAll(std::istream& in, const std::string& path) {
  std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return absl::UnavailableError(absl::StrCat("cannot read ", path));
  return content;
}

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot open ", path));
  return ReadAll(in, path);
}

// `key` moved from `object` to `*value` as a string; false if absent.
absl::StatusOr<bool> TakeString(google::protobuf::Struct& object, const std::string& key,
                                std::string* value) {
  auto& fields = *object.mutable_fields();
  auto it = fields.find(key);
  if (it == fields.end()) return false;
  if (it->second.kind_case() != google::protobuf::Value::kStringValue) {
    return absl::InvalidArgumentError(absl::StrCat("key \"", key, "\" must be a string"));
  }
  *value = std::move(*it->second.mutable_string_value());
  fields.erase(it);
  return true;
}

// The keys a JSONL article may have (see article_reader.h).
constexpr const char* kKeys[] = {"content",     "text",         "format",      "title",
                                 "source_uri",  "sourceUri",    "published_at", "publishedAt",
                                 "metadata"};

// Protobuf's JSON errors may quote the input over several lines.
std::string FirstLine(const google::protobuf::util::Status& status) {
  const std::string message(status.message());
  return message.substr(0, message.find('\n'));
}

}  // namespace

absl::StatusOr<InputFormat> ParseInputFormat(std::string_view name) {
  if (name == "text") return InputFormat::kText;
  if (name == "html") return InputFormat::kHtml;
  if (name == "jsonl") return InputFormat::kJsonl;
  return absl::InvalidArgumentError(
      absl::StrCat("unknown input format \"", std::string(name), "\"; use text, html or jsonl"));
}

absl::StatusOr<v1::RawArticle> ArticleFromJson(std::string_view line) {
  // Parsed as a generic object first: RawArticle.content is bytes, whose
  // JSON form is base64, but JSONL articles carry plain strings.
  google::protobuf::Struct object;
  if (auto status = google::protobuf::util::JsonStringToMessage(
          google::protobuf::StringPiece(line.data(), line.size()), &object);
      !status.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("not a JSON object: ", FirstLine(status)));
  }
  for (const auto& [key, value] : object.fields()) {
    if (std::find(std::begin(kKeys), std::end(kKeys), key) == std::end(kKeys)) {
      return absl::InvalidArgumentError(absl::StrCat("unknown key \"", key, "\" (accepted: ",
                                                     absl::StrJoin(kKeys, ", "), ")"));
    }
  }
  v1::RawArticle article;
  std::string content;
  absl::StatusOr<bool> has_content = TakeString(object, "content", &content);
  if (!has_content.ok()) return has_content.status();
  std::string text;
  absl::StatusOr<bool> has_text = TakeString(object, "text", &text);
  if (!has_text.ok()) return has_text.status();
  if (*has_content && *has_text) {
    return absl::InvalidArgumentError("both \"content\" and \"text\" are set; give one");
  }
  if (!*has_content && !*has_text) {
    return absl::InvalidArgumentError("no \"content\" (or \"text\") key");
  }
  std::string format;
  v1::ContentFormat parsed_format = v1::CONTENT_FORMAT_TEXT;
  absl::StatusOr<bool> has_format = TakeString(object, "format", &format);
  if (!has_format.ok()) return has_format.status();
  if (*has_format) {
    const std::string lower = absl::AsciiStrToLower(format);
    if (lower == "text" || lower == "content_format_text") {
      parsed_format = v1::CONTENT_FORMAT_TEXT;
    } else if (lower == "html" || lower == "content_format_html") {
      parsed_format = v1::CONTENT_FORMAT_HTML;
    } else {
      return absl::InvalidArgumentError(
          absl::StrCat("\"format\" is \"", format, "\"; use \"text\" or \"html\""));
    }
  }
  // The remaining keys (title, source_uri, published_at, metadata) are
  // RawArticle's own JSON fields. Parsing replaces the whole message, so
  // format and content are set after it.
  if (!object.fields().empty()) {
    std::string rest;
    if (auto status = google::protobuf::util::MessageToJsonString(object, &rest); !status.ok()) {
      return absl::InternalError(std::string(status.message()));
    }
    if (auto status = google::protobuf::util::JsonStringToMessage(rest, &article); !status.ok()) {
      return absl::InvalidArgumentError(FirstLine(status));
    }
  }
  article.set_format(parsed_format);
  article.set_content(*has_content ? std::move(content) : std::move(text));
  return article;
}

absl::StatusOr<ArticleReader> ArticleReader::Open(const std::vector<std::string>& paths,
                                                  InputFormat stdin_format) {
  std::vector<Input> inputs;
  for (const std::string& path : paths) {
    if (path == "-") {
      inputs.push_back({path, stdin_format});
      continue;
    }
    std::error_code error;
    const fs::file_status status = fs::status(path, error);
    if (error || !fs::exists(status)) {
      return absl::NotFoundError(absl::StrCat("no such file or directory: ", path));
    }
    if (!fs::is_directory(status)) {
      InputFormat format = InputFormat::kText;
      FormatOfExtension(path, format);  // Unknown extensions are read as text.
      inputs.push_back({path, format});
      continue;
    }
    std::vector<Input> files;
    for (const fs::directory_entry& entry : fs::directory_iterator(path, error)) {
      InputFormat format;
      const std::string name = entry.path().filename().string();
      if (name.empty() || name[0] == '.' || !entry.is_regular_file() ||
          !FormatOfExtension(entry.path(), format)) {
        continue;
      }
      files.push_back({entry.path().string(), format});
    }
    if (error) return absl::NotFoundError(absl::StrCat("cannot list ", path, ": ", error.message()));
    std::sort(files.begin(), files.end(),
              [](const Input& a, const Input& b) { return a.path < b.path; });
    inputs.insert(inputs.end(), files.begin(), files.end());
  }
  return ArticleReader(std::move(inputs));
}

absl::StatusOr<bool> ArticleReader::Next(v1::RawArticle& article, std::string& label) {
  while (true) {
    if (jsonl_ != nullptr) {
      std::string line;
      while (std::getline(*jsonl_, line)) {
        ++jsonl_line_;
        if (absl::StripAsciiWhitespace(line).empty()) continue;
        label = absl::StrCat(jsonl_path_, ":", jsonl_line_);
        absl::StatusOr<v1::RawArticle> parsed = ArticleFromJson(line);
        if (!parsed.ok()) return parsed.status();
        article = std::move(*parsed);
        return true;
      }
      const bool failed = jsonl_->bad();
      jsonl_ = nullptr;
      jsonl_file_.reset();
      if (failed) {
        label = jsonl_path_;
        return absl::UnavailableError(absl::StrCat("cannot read ", jsonl_path_));
      }
    }
    if (next_input_ == inputs_.size()) return false;
    const Input& input = inputs_[next_input_++];
    label = input.path;
    if (input.format == InputFormat::kJsonl) {
      jsonl_path_ = input.path;
      jsonl_line_ = 0;
      if (input.path == "-") {
        jsonl_ = &std::cin;
      } else {
        jsonl_file_ = std::make_unique<std::ifstream>(input.path, std::ios::binary);
        if (!*jsonl_file_) {
          jsonl_file_.reset();
          return absl::NotFoundError(absl::StrCat("cannot open ", input.path));
        }
        jsonl_ = jsonl_file_.get();
      }
      continue;
    }
    absl::StatusOr<std::string> content =
        input.path == "-" ? ReadAll(std::cin, "standard input") : ReadFile(input.path);
    if (!content.ok()) return content.status();
    article.Clear();
    article.set_content(std::move(*content));
    article.set_format(input.format == InputFormat::kHtml ? v1::CONTENT_FORMAT_HTML
                                                          : v1::CONTENT_FORMAT_TEXT);
    if (input.path != "-") article.set_source_uri(input.path);
    return true;
  }
}

}  // namespace korpus::ctl
