// The two file formats of `korpusctl export` and `korpusctl import`: a
// corpus as a stream of v1::Document messages (DOCUMENT_VIEW_FULL).
//   jsonl    one Document as JSON (proto3 JSON mapping, field names as in
//            the .proto) per line; readable and greppable.
//   binary   each Document as a varint length followed by its protobuf
//            bytes (SerializeDelimitedToOstream), compact and exact.
#ifndef KORPUS_TOOLS_KORPUSCTL_DOCUMENT_STREAM_H_
#define KORPUS_TOOLS_KORPUSCTL_DOCUMENT_STREAM_H_

#include <istream>
#include <memory>
#include <ostream>
#include <string>

#include <google/protobuf/io/zero_copy_stream_impl.h>

#include "absl/status/statusor.h"
#include "korpus/v1/document.pb.h"

namespace korpus::ctl {

enum class DocumentFormat { kJsonl, kBinary };

// "jsonl" or "binary"; INVALID_ARGUMENT otherwise.
absl::StatusOr<DocumentFormat> ParseDocumentFormat(const std::string& name);

// Writes one document. Errors are the stream's (check out.good()).
absl::Status WriteDocument(const v1::Document& document, DocumentFormat format, std::ostream& out);

// Reads documents one by one from `in`, which must outlive the reader.
class DocumentReader {
 public:
  DocumentReader(std::istream& in, DocumentFormat format);

  // True and the next document in `document`; false at the end of the
  // input. INVALID_ARGUMENT naming the line (jsonl) or document number
  // (binary) if the input is malformed or truncated.
  absl::StatusOr<bool> Next(v1::Document& document);

 private:
  std::istream& in_;
  DocumentFormat format_;
  int64_t count_ = 0;
  std::unique_ptr<google::protobuf::io::IstreamInputStream> binary_;
};

}  // namespace korpus::ctl

#endif  // KORPUS_TOOLS_KORPUSCTL_DOCUMENT_STREAM_H_
