#include "tools/korpusctl/document_stream.h"

#include <google/protobuf/util/delimited_message_util.h>
#include <google/protobuf/util/json_util.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace korpus::ctl {

absl::StatusOr<DocumentFormat> ParseDocumentFormat(const std::string& name) {
  if (name == "jsonl") return DocumentFormat::kJsonl;
  if (name == "binary") return DocumentFormat::kBinary;
  return absl::InvalidArgumentError(
      absl::StrCat("--format=", name, " is not jsonl or binary"));
}

absl::Status WriteDocument(const v1::Document& document, DocumentFormat format,
                           std::ostream& out) {
  if (format == DocumentFormat::kBinary) {
    if (!google::protobuf::util::SerializeDelimitedToOstream(document, &out)) {
      return absl::UnavailableError("cannot write to standard output");
    }
    return absl::OkStatus();
  }
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  std::string json;
  if (auto status = google::protobuf::util::MessageToJsonString(document, &json, options);
      !status.ok()) {
    return absl::InternalError(absl::StrCat("document '", document.id(),
                                            "' cannot be written as JSON: ", status.ToString()));
  }
  out << json << '\n';
  return absl::OkStatus();
}

DocumentReader::DocumentReader(std::istream& in, DocumentFormat format)
    : in_(in), format_(format) {
  if (format_ == DocumentFormat::kBinary) {
    binary_ = std::make_unique<google::protobuf::io::IstreamInputStream>(&in_);
  }
}

absl::StatusOr<bool> DocumentReader::Next(v1::Document& document) {
  document.Clear();
  if (format_ == DocumentFormat::kBinary) {
    bool clean_eof = false;
    if (!google::protobuf::util::ParseDelimitedFromZeroCopyStream(&document, binary_.get(),
                                                                  &clean_eof)) {
      if (clean_eof) return false;
      return absl::InvalidArgumentError(absl::StrCat(
          "document ", count_ + 1, " of the binary input is truncated or not a Document"));
    }
    ++count_;
    return true;
  }
  std::string line;
  while (std::getline(in_, line)) {
    ++count_;  // Counts lines.
    if (absl::StripAsciiWhitespace(line).empty()) continue;
    google::protobuf::util::JsonParseOptions options;
    options.ignore_unknown_fields = false;
    if (auto status = google::protobuf::util::JsonStringToMessage(line, &document, options);
        !status.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("line ", count_, " is not a Document: ",
                                                     status.message().as_string()));
    }
    return true;
  }
  return false;
}

}  // namespace korpus::ctl
