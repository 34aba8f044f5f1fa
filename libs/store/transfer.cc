#include "libs/store/transfer.h"

#include <string>

#include "absl/strings/str_cat.h"

namespace korpus::store {

absl::Status ExportDocuments(Store& store,
                             const std::function<bool(const v1::Document&)>& on_document,
                             int page_size) {
  v1::ListDocumentsRequest request;
  request.set_view(v1::DOCUMENT_VIEW_FULL);
  request.set_page_size(page_size);
  while (true) {
    absl::StatusOr<v1::ListDocumentsResponse> page = store.List(request);
    if (!page.ok()) return page.status();
    for (const v1::Document& document : page->documents()) {
      if (!on_document(document)) return absl::CancelledError("export stopped by the receiver");
    }
    if (page->next_page_token().empty()) return absl::OkStatus();
    request.set_page_token(page->next_page_token());
  }
}

absl::Status ImportDocuments(Store& store,
                             const std::function<bool(v1::Document&)>& next_document,
                             ImportCounts& counts) {
  v1::Document document;
  for (int64_t index = 0; next_document(document); ++index) {
    absl::StatusOr<PutResult> result = store.Import(document);
    if (!result.ok()) {
      return absl::Status(result.status().code(),
                          absl::StrCat("document ", index, " (id '", document.id(),
                                       "'): ", result.status().message()));
    }
    ++(result->created ? counts.created : counts.duplicates);
    document.Clear();
  }
  return absl::OkStatus();
}

}  // namespace korpus::store
